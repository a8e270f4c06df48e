# rules export / import: a new version becomes champion; bad files change nothing.
$RISKDESK --db db.sqlite -c 'rules export r1.json'
sed 's/"baseline": 600/"baseline": 610/' r1.json > r2.json
$RISKDESK --db db.sqlite -c 'rules import r2.json' -c 'rules'
echo '{"baseline": 600, "terms": [{"feature": "shoe_size", "weight": 1}]}' > bad.json
$RISKDESK --db db.sqlite -c 'rules import bad.json'; echo "status $?"
echo '{"baseline": "high"' > broken.json
$RISKDESK --db db.sqlite -c 'rules import broken.json'; echo "status $?"
$RISKDESK --db db.sqlite -c 'rules import nothere.json'; echo "status $?"
sqlite3 db.sqlite "SELECT name, version, status FROM models ORDER BY version"
$RISKDESK --db db.sqlite -c 'audit' | cut -c1-3,26-
