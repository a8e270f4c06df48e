# The registry: list, show, export/import as a new version, promote, retire, audit.
$RISKDESK --db db.sqlite -c models -c 'model rules@1' | sed -E 's/[0-9]{4}-[0-9-]+T[0-9:]+Z/<TIME>/'
$RISKDESK --db db.sqlite -c 'model export rules r.model'
sed 's/"baseline":[[:space:]]*600/"baseline": 590/' r.model > r2.model
$RISKDESK --db db.sqlite -c 'model import r2.model' -c 'promote rules@2'
sqlite3 db.sqlite "SELECT name, version, status, json_extract(spec, '$.baseline') FROM models ORDER BY version"
echo "--- retire keeps a fallback"
$RISKDESK --db db.sqlite -c 'retire rules@2'; echo "status $?"
$RISKDESK --db db.sqlite -c 'retire rules@1'; echo "status $?"
$RISKDESK --db db.sqlite -c 'promote rules@1' -c 'retire rules@2'; echo "status $?"
echo "--- bad references and files"
$RISKDESK --db db.sqlite -c 'model nope'; echo "status $?"
$RISKDESK --db db.sqlite -c 'promote rules@x'; echo "status $?"
echo '{"format": "riskdesk-model-1", "name": "rules", "algo": "xgb", "spec": {}}' > x.model
$RISKDESK --db db.sqlite -c 'model import x.model'; echo "status $?"
echo '[]' > y.model
$RISKDESK --db db.sqlite -c 'model import y.model'; echo "status $?"
$RISKDESK --db db.sqlite --read-only -c 'promote rules@2'; echo "status $?"
sqlite3 db.sqlite "SELECT status, command FROM audit ORDER BY id"
