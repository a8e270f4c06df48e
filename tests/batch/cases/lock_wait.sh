# A second writer while another process holds the write lock: it waits `set lock-timeout`
# seconds, then fails naming the holder (its `running` runs row: command, user, since, pid);
# the refused attempt is audited; a holder killed with -9 shows as interrupted, and the
# next writer marks it so; a writer that waits long enough goes ahead once the lock frees.
# The holder is frozen (SIGSTOP) once it is inside its data transaction, so no sleep
# decides anything.
$RISKDESK -c 'gen data --customers 5000 --seed 3' >/dev/null
$RISKDESK --db db.sqlite -c 'load customers data/customers.csv' -c 'rules export rules.json' >/dev/null
nopid() { sed -E 's/pid [0-9]+/pid PID/g'; }
cols() { sed -E 's/^ +//; s/  +/ | /g' | cut -d'|' -f1-3 | sed -E 's/ +$//'; } # id kind status
freeze_when_holding() { # pid: stops it once its runs row is committed and it holds the lock
	for _ in $(seq 1 3000); do
		# stopped at an arbitrary point, it may hold the WAL index mid-update: a probe that
		# then fails (SQLite's "locking protocol") just tries again
		kill -STOP "$1" 2>/dev/null || return 1
		if $RISKDESK --db db.sqlite --read-only -c runs 2>/dev/null | grep -q ' running ' &&
			! sqlite3 db.sqlite 'BEGIN IMMEDIATE; ROLLBACK' 2>/dev/null; then
			return 0
		fi
		kill -CONT "$1"
		sleep 0.01
	done
	return 1
}

echo "--- a load holds the write lock"
$RISKDESK --db db.sqlite -c 'load data' >/dev/null 2>&1 &
holder=$!
freeze_when_holding $holder && echo "frozen inside its transaction"
$RISKDESK --db db.sqlite --read-only -c runs | cols

echo "--- a second writer: at once, then after waiting 1 s"
$RISKDESK --db db.sqlite -c 'set lock-timeout 0' -c 'recompute all' 2>&1 >/dev/null | nopid
echo "status ${PIPESTATUS[0]}"
$RISKDESK --db db.sqlite -c 'set lock-timeout 1' -c 'rules import rules.json' 2>&1 >/dev/null | nopid
echo "status ${PIPESTATUS[0]}"
echo "--- both refusals are in the audit (waiting beside the database: no id yet)"
$RISKDESK --db db.sqlite --read-only -c audit | nopid

echo "--- the holder is killed: its run shows as interrupted, its rows are not there"
{ kill -9 $holder; wait $holder; } 2>/dev/null
$RISKDESK --db db.sqlite --read-only -c runs | cols
sqlite3 db.sqlite "SELECT id, status FROM runs ORDER BY id; SELECT count(*) FROM orders"

echo "--- another load holds the lock; a writer with a long timeout waits for it"
$RISKDESK --db db.sqlite -c 'load data' >/dev/null 2>&1 &
holder=$!
freeze_when_holding $holder && echo "frozen inside its transaction"
$RISKDESK --db db.sqlite -c 'set lock-timeout 600' -c 'rules import rules.json' >/dev/null &
waiter=$!
kill -CONT $holder
wait $holder; echo "holder status $?"
wait $waiter; echo "waiter status $?"
# The holder writes its audit row after its commit; when the waiter has taken the lock by
# then, the row waits beside the database until the next run folds it in: one more run.
$RISKDESK --db db.sqlite -c 'rules import rules.json' >/dev/null

echo "--- the next writer (the second load) marked the killed run and folded the refusals in;"
echo "--- the last run folded in any row left waiting"
$RISKDESK --db db.sqlite -c runs | cols
sqlite3 db.sqlite "SELECT id, kind, status, message FROM runs WHERE status <> 'ok'"
$RISKDESK --db db.sqlite -c audit | grep -E '^id|refused' | nopid
# the last two finished close together: which one's audit row came first is not fixed
sqlite3 db.sqlite "SELECT status, command FROM audit WHERE id > 3 ORDER BY command"
[ -s db.sqlite-riskdesk ] || echo "nothing left waiting"
stat -c %a db.sqlite-riskdesk
sqlite3 db.sqlite 'PRAGMA integrity_check; SELECT count(*) > 0 FROM orders'
