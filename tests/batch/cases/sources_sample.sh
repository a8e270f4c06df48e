# The sample's two offline sources (sample-data/sources, issue 13 item 5), wired as `make
# run` wires them: refreshing answers what the generator wrote (the payloads stay those of
# external_records.csv, fetched_at moves on), an unknown key fails (exit 1, its stderr in
# the attempt's message) and leaves its record alone. Thirty records of each source, to
# keep it short.
S=$ROOT/sample-data
{ head -1 "$S/external_records.csv"; grep '^tax_office,' "$S/external_records.csv" | head -30
  grep '^land_registry,' "$S/external_records.csv" | head -30
  echo 'land_registry,LR-000-99999999,C0004,"{""parcel"": ""LR-000-99999999""}",2024-01-01T00:00:00Z'
} > records.csv
$RISKDESK --db d.sqlite -c "load customers $S/customers.csv" -c 'load external_records records.csv' \
	-c "source add tax_office --command '$S/sources/tax_office.sh {key}' --ttl 30" \
	-c "source add land_registry --command '$S/sources/land_registry.sh {key}' --ttl 90" \
	-c 'refresh stale' > out.txt
echo "exit $?"
awk '$1 == "external_records" { print $1, $3, $4 } $1 != "customers" && $1 != "table" &&
  $1 != "external_records"' out.txt
sqlite3 raw.sqlite ".import --csv records.csv rec"
sqlite3 d.sqlite "ATTACH 'raw.sqlite' AS raw;
  SELECT e.source, count(*), sum(e.payload = json(r.payload)), sum(e.fetched_at > r.fetched_at)
  FROM external_records e JOIN raw.rec r USING (source, key) GROUP BY e.source ORDER BY 1"
sqlite3 d.sqlite "SELECT source, key, status, message FROM fetch_attempts WHERE status <> 'ok'"
sqlite3 d.sqlite "SELECT payload, fetched_at = '2024-01-01T00:00:00Z' FROM external_records
  WHERE key = 'LR-000-99999999'"
echo "--- the scripts alone"
"$S/sources/tax_office.sh" DE200000004; echo "exit $?"
"$S/sources/land_registry.sh" 'LR-516-00000023'; echo "exit $?"
"$S/sources/tax_office.sh" 'x" ; echo y'; echo "exit $?"
"$S/sources/tax_office.sh"; echo "exit $?"
