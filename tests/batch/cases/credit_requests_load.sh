# Credit requests and external records (issue 13, item 1). `load DIR` takes the sample's
# two new files after the customers; the counts per status and per source equal a plain
# sqlite3 statement over the CSV files imported as they are; the same rows written as a
# JSON array and as NDJSON (payloads as objects, then as strings) load to the same table;
# bad rows are refused with FILE:LINE and column and change nothing.
S=$ROOT/sample-data
echo "--- load DIR: table read inserted replaced rejected"
$RISKDESK --db d.sqlite -c "load $S" | awk '{ print $1, $3, $4, $5, $6 }'
echo "--- per status: riskdesk, then the CSV imported by sqlite3"
sqlite3 raw.sqlite ".import --csv $S/credit_requests.csv req" ".import --csv $S/external_records.csv rec"
q_req="SELECT status, count(*), count(DISTINCT customer_id), total(amount), sum(term_months),
  total(yearly_income), total(existing_debt), min(created_at), max(created_at)"
sqlite3 d.sqlite "$q_req FROM credit_requests GROUP BY status ORDER BY status" | tee req.mine
sqlite3 raw.sqlite "$q_req FROM req GROUP BY status ORDER BY status" > req.raw
cmp -s req.mine req.raw && echo "same as sqlite3's"
echo "--- per source"
q_rec="SELECT source, count(*), count(DISTINCT customer_id),
  sum(json_extract(payload, '\$.insolvency')), min(fetched_at), max(fetched_at)"
sqlite3 d.sqlite "$q_rec FROM external_records GROUP BY source ORDER BY source" | tee rec.mine
sqlite3 raw.sqlite "$q_rec FROM rec GROUP BY source ORDER BY source" > rec.raw
cmp -s rec.mine rec.raw && echo "same as sqlite3's"
sqlite3 d.sqlite "ATTACH 'raw.sqlite' AS raw; SELECT 'payloads as in the file (minified)',
  count(*) FROM external_records e JOIN raw.rec r USING (source, key)
  WHERE e.payload = json(r.payload) AND e.customer_id = r.customer_id"
echo "--- every applicant is a customer; most have records"
sqlite3 d.sqlite "SELECT count(*) FROM credit_requests r LEFT JOIN customers c ON c.id = r.customer_id
  WHERE c.id IS NULL; SELECT count(DISTINCT customer_id) FROM credit_requests;
  SELECT count(DISTINCT customer_id) FROM external_records"
echo "--- the same rows as JSON and NDJSON"
cols="'id', id, 'customer_id', customer_id, 'amount', amount, 'term_months', term_months,
  'purpose', purpose, 'yearly_income', yearly_income, 'existing_debt', existing_debt,
  'status', status, 'created_at', created_at"
sqlite3 d.sqlite "SELECT json_group_array(json_object($cols)) FROM credit_requests" > credit_requests.json
sqlite3 d.sqlite "SELECT json_object($cols) FROM credit_requests" > credit_requests.ndjson
sqlite3 d.sqlite "SELECT json_group_array(json_object('source', source, 'key', key, 'customer_id',
  customer_id, 'payload', json(payload), 'fetched_at', fetched_at)) FROM external_records" > external_records.json
sqlite3 d.sqlite "SELECT json_object('source', source, 'key', key, 'customer_id', customer_id,
  'payload', payload, 'fetched_at', fetched_at) FROM external_records" > external_records.ndjson
head -c 160 credit_requests.json; echo
head -c 200 external_records.ndjson; echo
canon() {
	sqlite3 "$1" "SELECT id, customer_id, amount, term_months, purpose, yearly_income,
	  existing_debt, status, created_at FROM credit_requests ORDER BY id;
	  SELECT source, key, customer_id, payload, fetched_at FROM external_records
	  ORDER BY source, key" | md5sum
}
canon d.sqlite > csv.sum
for f in json ndjson; do
	$RISKDESK --db $f.sqlite -c "load customers $S/customers.csv" \
		-c "load credit_requests credit_requests.$f" -c "load external_records external_records.$f" |
		awk '$1 == "credit_requests" || $1 == "external_records" { print $1, $3, $4, $5, $6 }'
	canon $f.sqlite | cmp -s - csv.sum && echo "$f: the same rows as the CSV files"
done
echo "--- again: replaced, not duplicated"
$RISKDESK --db d.sqlite -c "load credit_requests $S/credit_requests.csv" \
	-c "load external_records external_records.json" | awk '{ print $1, $3, $4, $5, $6 }'
canon d.sqlite | cmp -s - csv.sum && echo "unchanged"
echo "--- bad rows: FILE:LINE: column, and nothing changes"
cp d.sqlite before.sqlite
printf '%s\n' 'id,customer_id,amount,term_months,purpose,yearly_income,existing_debt,status,created_at' \
	'R90001,C0001,5000,24,car,42000,0,pending,2025-06-01T10:00:00Z' \
	'R90002,C9999,5000,24,car,42000,0,pending,2025-06-01T10:00:00Z' \
	'R90003,C0001,0,24,car,42000,0,pending,2025-06-01T10:00:00Z' \
	'R90004,C0001,5000,2.5,car,42000,0,pending,2025-06-01T10:00:00Z' \
	'R90005,C0001,5000,24,car,42000,0,granted,2025-06-01T10:00:00Z' \
	'R00001,C0001,5000,24,car,-1,0,pending,2025-06-31' > bad_requests.csv
$RISKDESK --db d.sqlite -c 'load credit_requests bad_requests.csv'; echo "exit $?"
printf '%s\n' '{"source":"tax_office","key":"X1","customer_id":"C0001","payload":{"a":1},"fetched_at":"2025-06-01"}' \
	'{"source":"tax_office","key":"X2","customer_id":"C0001","payload":"{\"a\":","fetched_at":"2025-06-01"}' \
	'{"source":"tax_office","key":"X3","customer_id":"C0001","payload":[],"fetched_at":"2025-06-01"}' \
	'{"source":"tax_office","key":"X1","customer_id":"C0002","payload":{},"fetched_at":"soon"}' > bad_records.ndjson
$RISKDESK --db d.sqlite -c 'load external_records bad_records.ndjson'; echo "exit $?"
canon d.sqlite | cmp -s - csv.sum && echo "requests and records unchanged"
sqlite3 d.sqlite "SELECT kind, status, rows FROM runs ORDER BY id DESC LIMIT 2;
  SELECT status, command FROM audit ORDER BY id DESC LIMIT 2"
echo "--- the profiles do not go stale for requests and records"
$RISKDESK --db d.sqlite -c 'recompute all' > /dev/null
$RISKDESK --db d.sqlite -c "load credit_requests $S/credit_requests.csv" > /dev/null
$RISKDESK --db d.sqlite -c 'status' | grep -E '^(older_than_load|stale) '
