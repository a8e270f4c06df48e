# Personal data (email, phone): nothing shows or writes it unmasked unless an audit row
# saying who sees it was committed first, and nothing filters on it while it is masked.
$RISKDESK --db db.sqlite -c "load $ROOT/sample-data" -c 'recompute all' >/dev/null
# the audit rows after the first n, the session's host and process id normalised
audit_after() {
	sqlite3 db.sqlite "SELECT command, status, coalesce(detail, '') FROM audit WHERE id > $1 ORDER BY id" |
		sed -E 's/session [^ ;]+:[0-9]+/session <HOST>:<PID>/'
}
# (a busy timeout: a reader opening while riskdesk opens or writes may find the file busy
# for a moment; under a loaded machine the shell's default of none failed the case once)
rows() { sqlite3 -cmd '.timeout 5000' db.sqlite 'SELECT count(*) FROM audit'; }
# wait_until CMD...: polls up to 20 s, so that a broken run fails instead of hanging
wait_until() {
	local i
	for i in $(seq 1 1000); do "$@" && return 0; sleep 0.02; done
	echo "gave up waiting for: $*"
}
# hold_lock / release_lock: another process holds the write lock (BEGIN IMMEDIATE) until
# the release file appears (it must not inherit the fifo below, or riskdesk never ends).
hold_lock() {
	rm -f lock.ready lock.release
	python3 -c '
import os, sqlite3, time
db = sqlite3.connect("db.sqlite", isolation_level=None)
db.execute("BEGIN IMMEDIATE")
open("lock.ready", "w").close()
for _ in range(3000):  # 60 s at most
    if os.path.exists("lock.release"):
        break
    time.sleep(0.02)
db.execute("ROLLBACK")
' 4>&- &
	holder=$!
	wait_until [ -e lock.ready ]
}
release_lock() { touch lock.release; wait "$holder"; }

echo "--- read-only: set pii on is refused (no audit row can be written), nothing leaves"
n=$(rows)
$RISKDESK --db db.sqlite --read-only -c 'set pii on' -c 'export customers ro.csv'; echo "status $?"
[ -e ro.csv ] && echo "ro.csv written" || echo "no ro.csv"
$RISKDESK --db db.sqlite --read-only -c 'set pii off' -c set; echo "status $?"
[ "$(rows)" = "$n" ] && echo "no audit row"

echo "--- another process holds the write lock: set pii on is refused, pii stays off"
hold_lock
$RISKDESK --db db.sqlite -c 'set lock-timeout 1' -c 'set pii on' -c 'show C0001' \
	-c 'export customers locked.csv'
echo "status $?"
release_lock
[ -e locked.csv ] && echo "locked.csv written" || echo "no locked.csv"
[ "$(rows)" = "$n" ] && echo "no audit row"

echo "--- pii on, then the lock taken before an export: the export is refused"
mkfifo cmds
$RISKDESK --db db.sqlite - <cmds >session.out 2>&1 &
rd=$!
exec 4>cmds
echo 'set lock-timeout 1' >&4
echo 'set pii on' >&4
pii_row_written() { [ "$(rows)" = $((n + 1)) ]; }
wait_until pii_row_written
hold_lock
echo 'export customers late.csv' >&4
exec 4>&-
wait "$rd"; status=$?
release_lock
cat session.out; echo "status $status"
[ -e late.csv ] && echo "late.csv written" || echo "no late.csv"
audit_after "$n"

echo "--- pii off: email and phone are masked, and no filter reads them"
n=$(rows)
$RISKDESK --db db.sqlite -c 'show C0001' | grep -E '^(email|phone) '
$RISKDESK --db db.sqlite --json -c 'show C0001' | grep -E '"(email|phone)":' | tr -d '\t'

$RISKDESK --db db.sqlite -c 'export customers masked.csv' && sed -n 2p masked.csv
$RISKDESK --db db.sqlite -c 'list where email ~ "a.lehmann86@"'; echo "status $?"
$RISKDESK --db db.sqlite -c 'list where band = E and PHONE ~ 6670'; echo "status $?"
$RISKDESK --db db.sqlite -c 'list where "email" is not null'; echo "status $?"
$RISKDESK --db db.sqlite -c 'recompute where email ~ lehmann'; echo "status $?"
audit_after "$n"

echo "--- pii on: audited first, then shown, filtered on and exported unmasked"
n=$(rows)
$RISKDESK --db db.sqlite -c 'set pii on' -c 'list where email ~ "a.lehmann86@"' \
	-c 'show C0001' -c 'export customers open.csv' -c 'recompute where phone ~ 6670' \
	-c 'set pii off' -c 'show C0001' -c 'export customers closed.csv' >session.out
echo "status $?"
grep -E '^(pii|id |C0001|email|phone|exported|score) ' session.out
sed -n 2p open.csv
sed -n 2p closed.csv
audit_after "$n"
