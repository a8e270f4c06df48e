# Hostile input files (issue 9, items 5 and 7): a FIFO, NUL bytes, JSON numbers and
# duplicate keys, year 0000, a blank mapping column, a 100 KB id. Each is refused with
# FILE:LINE and the column, nothing hangs, and no data table changes.
$RISKDESK --db db.sqlite -c "load $ROOT/sample-data" >/dev/null
snapshot() {
	for t in customers attributes customer_attributes orders payments outcomes; do
		sqlite3 db.sqlite "SELECT * FROM $t" | sha256sum | cut -c1-16
	done | sha256sum | cut -c1-16
}
before=$(snapshot)
unchanged() { [ "$(snapshot)" = "$before" ] && echo "data unchanged" || echo "DATA CHANGED"; }
# Every run is under a timeout: before the fix, reading a FIFO blocked forever, holding
# the write lock.
rd() { timeout 10 $RISKDESK --db db.sqlite "$@"; echo "status $?"; }

echo "--- a FIFO, a directory and a device as the file; a FIFO inside load DIR"
mkfifo pipe.csv
rd -c 'load customers pipe.csv'
mkdir dir.csv
rd -c 'load customers dir.csv'
rd -c 'load customers /dev/null'
mkdir ds
head -3 "$ROOT/sample-data/customers.csv" > ds/customers.csv
mkfifo ds/orders.csv
rd -c 'load ds'
unchanged

echo "--- NUL bytes: a CSV id, JSON \\u0000 in an id, a value and a key, a raw NUL in NDJSON"
printf 'id,name\nC0001,Anna\nC0001\0x,Bob\n' > nul.csv
rd -c 'load customers nul.csv'
printf '[{"id":"J1","name":"a\\u0000b"},\n{"id":"J2\\u0000zz","name":"c"},\n{"id":"J3","seg\\u0000ment":"x"}]\n' > nul.json
rd -c 'load customers nul.json'
printf '{"id":"J4"}\n{"id":"J5",\0"name":"x"}\n' > raw.ndjson
rd -c 'load customers raw.ndjson'
printf '{"defaults": {\n"seg\\u0000ment": "x"}}\n' > nulmap.json
rd -c "load customers nul.csv --map nulmap.json"
unchanged

echo "--- a NUL in a script file stops it at that line, before running the line"
printf 'list limit 1\nlist\0 where id = "none"\nlist limit 2\n' > script.rd
timeout 10 $RISKDESK --db db.sqlite script.rd; echo "status $?"

echo "--- JSON numbers: ids beyond 2^53 keep their digits; 1e400 and a key given twice are refused"
printf '[{"id":9007199254740993,"name":"odd"},\n{"id":9007199254740992,"name":"even"}]\n' > big.json
timeout 10 $RISKDESK --db db.sqlite -c 'load customers big.json' >/dev/null; echo "status $?"
rd -c 'list where id ~ "90071992547409" sort id'
before=$(snapshot)
printf '[{"id":"E1","name":"a"},\n{"id":"E2","income":1e400}]\n' > inf.json
rd -c 'load customers inf.json'
printf '{"id":"D1","name":"a","name":"b"}\n{"id":"D2","Name":"a","name":"b"}\n' > dup.ndjson
rd -c 'load customers dup.ndjson'
unchanged

echo "--- year 0000; a mapping default for a column without a name"
printf 'id,created_at\nY1,0001-01-01\nY2,0000-06-01\n' > y0.csv
rd -c 'load customers y0.csv'
printf 'id,name\nM1,a\n' > m.csv
printf '{"defaults": {"": "x"}}\n' > empty.json
rd -c 'load customers m.csv --map empty.json'
unchanged
sqlite3 db.sqlite "SELECT count(*) FROM attributes WHERE trim(name) = ''"

echo "--- a 100 KB id is quoted cut, with its size"
long=$(head -c 100000 /dev/zero | tr '\0' X)
for c in show history recompute; do
	timeout 10 $RISKDESK --db db.sqlite -c "$c $long" 2>err.txt; echo "status $?"
	sed -E 's/X{60}/X{60}/' err.txt; wc -c < err.txt
done
printf 'id,name\n%s,a\n%s,b\n' "${long:0:60000}" "${long:0:60000}" > longid.csv
rd -c 'load customers longid.csv' 2>&1 | sed -E 's/X{60}/X{60}/'

echo "--- German Credit with a NUL injected on line 500 (a copy, in the work directory)"
sed '500s/A201/A2\x0001/' "$SHARED/datasets/german/german.data" > german.data
rd -c "load customers german.data --map $ROOT/sample-data/mappings/german.json"
unchanged
$RISKDESK --db db.sqlite -c "load customers german.data --map $ROOT/sample-data/mappings/german.json --skip-bad" \
	>out.txt; echo "status $?"
awk '/^(table|customers|outcomes) / { print $1, $3, $4, $5, $6 }' out.txt
sqlite3 db.sqlite "SELECT count(*) FROM customers WHERE id LIKE 'G%'"
tail -1 german.data.rejects.csv | awk -F, '{ print $NF }'
