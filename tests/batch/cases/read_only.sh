# --read-only refuses every command that writes, and the file stays unchanged.
$RISKDESK --db db.sqlite -c 'rules export rules.json' >/dev/null
before=$(sha256sum db.sqlite)
$RISKDESK --db db.sqlite --read-only -c 'recompute all'; echo "status $?"
$RISKDESK --db db.sqlite --read-only -c 'rules import rules.json'; echo "status $?"
$RISKDESK --db db.sqlite --read-only -c 'rules' -c 'runs'; echo "status $?"
[ "$before" = "$(sha256sum db.sqlite)" ] && echo "database unchanged"
$RISKDESK --db missing.db --read-only -c runs; echo "status $?"
# Reading leaves no files behind: no -wal or -shm (SQLite creates them for any reader of a
# WAL database; riskdesk removes those it created once it is the last one out).
ls db.sqlite*
$RISKDESK --db db.sqlite --read-only -c 'list limit 1' -c 'runs' -c 'audit' >/dev/null; echo "status $?"
ls db.sqlite*
