# The public datasets load through their mappings as customers with attributes and
# outcomes (bad = defaulted 1).
$RISKDESK --db g.sqlite -c "load customers $SHARED/datasets/german/german.data --map $ROOT/sample-data/mappings/german.json" \
	| awk 'NR == 1 || NR > 1 { print $1, $3, $4, $5, $6 }'
sqlite3 g.sqlite "SELECT count(*), sum(defaulted) FROM outcomes;
SELECT type, count(*) FROM attributes GROUP BY type;"
$RISKDESK --db g.sqlite -c 'show G0000' | sed -n '/\[attributes\]/,/^$/p' | head -6
$RISKDESK --db g.sqlite -c 'list where checking_status=A14 and duration>=24 limit 3'
$RISKDESK --db t.sqlite -c "load customers $SHARED/datasets/taiwan/UCI_Credit_Card.csv --map $ROOT/sample-data/mappings/taiwan.json" >/dev/null
sqlite3 t.sqlite "SELECT count(*), sum(defaulted) FROM outcomes;
SELECT name, type FROM attributes WHERE name IN ('LIMIT_BAL', 'SEX', 'EDUCATION', 'PAY_0') ORDER BY name;
SELECT value, num FROM customer_attributes WHERE customer_id = '7' AND name = 'LIMIT_BAL';"
