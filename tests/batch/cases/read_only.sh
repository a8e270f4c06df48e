# --read-only refuses every command that writes, and the file stays unchanged.
$RISKDESK --db db.sqlite -c 'rules export rules.json' >/dev/null
before=$(sha256sum db.sqlite)
$RISKDESK --db db.sqlite --read-only -c 'recompute all'; echo "status $?"
$RISKDESK --db db.sqlite --read-only -c 'rules import rules.json'; echo "status $?"
$RISKDESK --db db.sqlite --read-only -c 'rules' -c 'runs'; echo "status $?"
[ "$before" = "$(sha256sum db.sqlite)" ] && echo "database unchanged"
$RISKDESK --db missing.db --read-only -c runs; echo "status $?"
