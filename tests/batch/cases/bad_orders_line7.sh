# An orders file with an unknown status on line 7: the error names orders.csv:7 and the
# status column, the exit status is 1, and no table changes.
$RISKDESK --db db.sqlite -c "load $ROOT/sample-data" -c 'recompute all' >/dev/null
mkdir bad
awk -F, 'BEGIN { OFS = "," } NR == 7 { $4 = "lost" } { print }' "$ROOT/sample-data/orders.csv" > bad/orders.csv
snapshot() {
	for t in customers attributes customer_attributes orders payments outcomes models \
		credit_profiles score_history credit_requests external_records; do
		printf '%s ' "$t"; sqlite3 db.sqlite "SELECT * FROM $t" | sha256sum | cut -c1-16
	done
}
snapshot > before.txt
$RISKDESK --db db.sqlite -c 'load orders bad/orders.csv'; echo "status $?"
snapshot > after.txt
diff before.txt after.txt && echo "no table changed"
sqlite3 db.sqlite "SELECT kind, status FROM runs ORDER BY id DESC LIMIT 1"
sqlite3 db.sqlite "SELECT status, command FROM audit ORDER BY id DESC LIMIT 1"
echo "--- the same with --skip-bad commits the rest"
$RISKDESK --db db.sqlite -c 'load orders bad/orders.csv --skip-bad' >/dev/null; echo "status $?"
head -1 bad/orders.csv.rejects.csv
wc -l < bad/orders.csv.rejects.csv
