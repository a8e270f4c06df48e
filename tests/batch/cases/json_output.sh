# --json: one JSON document per command.
$RISKDESK --db db.sqlite --json -c 'rules' -c 'set as-of 2025-01-31'
$RISKDESK --db db.sqlite --json -c 'show nobody'; echo "status $?"
