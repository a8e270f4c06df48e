# The analyst's first steps on the sample data: load, recompute, list, show, history.
$RISKDESK --db db.sqlite -c "load $ROOT/sample-data" > load.out; echo "load status $?"
sqlite3 db.sqlite "SELECT 'customers', count(*) FROM customers UNION ALL
  SELECT 'orders', count(*) FROM orders UNION ALL SELECT 'payments', count(*) FROM payments
  UNION ALL SELECT 'outcomes', count(*) FROM outcomes"
$RISKDESK --db db.sqlite -c 'recompute all' -c 'list where band=E limit 5'
echo "--- sort and filter"
$RISKDESK --db db.sqlite -c 'list where score>=800 and segment=existing sort score desc limit 3'
$RISKDESK --db db.sqlite -c 'list where return_rate>0.3 sort name limit 3'
id=$(sqlite3 db.sqlite "SELECT customer_id FROM credit_profiles WHERE band = 'E' ORDER BY customer_id LIMIT 1")
echo "--- show $id"
$RISKDESK --db db.sqlite -c "show $id" | sed -E 's/^(computed_at +).*/\1<TIME>/'
$RISKDESK --db db.sqlite -c "recompute $id" -c "history $id" >/dev/null
$RISKDESK --db db.sqlite -c "history $id" | wc -l
echo "--- export"
$RISKDESK --db db.sqlite -c 'export profiles profiles.csv' -c 'export customers customers.json'
head -c 300 profiles.csv | head -2 | cut -c1-120
grep -c '"email":"[a-z]\*\*\*@' customers.json
echo "--- logs"
$RISKDESK --db db.sqlite -c 'runs' | awk 'NR > 1 { print $2, $3, $4 }'
