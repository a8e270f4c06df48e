# kill -9 in the middle of a load and of a recompute loses nothing committed and leaves
# no half-written data; the next start is clean. The kill comes once the write-ahead log
# has grown (the transaction is under way), not after a sleep.
$RISKDESK -c 'gen data --customers 20000 --seed 3' >/dev/null
$RISKDESK --db db.sqlite -c 'load customers data/customers.csv' >/dev/null
kill_when_writing() { # pid
	for _ in $(seq 1 3000); do
		size=$(stat -c %s db.sqlite-wal 2>/dev/null || echo 0)
		[ "$size" -gt 4000000 ] && break
		kill -0 "$1" 2>/dev/null || break
		sleep 0.01
	done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	echo "stopped" # killed, or finished first: either way the checks below must hold
}
$RISKDESK --db db.sqlite -c 'load orders data/orders.csv' >/dev/null 2>&1 &
kill_when_writing $! 2>/dev/null
sqlite3 db.sqlite 'PRAGMA integrity_check; PRAGMA foreign_key_check;'
# all or nothing: the orders are either all there or none
sqlite3 db.sqlite "SELECT count(*) IN (0, $(($(wc -l < data/orders.csv) - 1))) FROM orders"
sqlite3 db.sqlite 'SELECT count(*) FROM customers'
$RISKDESK --db db.sqlite -c 'load data' >/dev/null; echo "reload status $?"
$RISKDESK --db db.sqlite -c 'recompute all' >/dev/null
before=$(sqlite3 db.sqlite 'SELECT count(*), max(computed_at) FROM credit_profiles')
hist=$(sqlite3 db.sqlite 'SELECT count(*) FROM score_history')
$RISKDESK --db db.sqlite -c 'set as-of 2025-01-31' -c 'recompute all' >/dev/null 2>&1 &
kill_when_writing $! 2>/dev/null
sqlite3 db.sqlite 'PRAGMA integrity_check'
# Either the whole recompute is there or none of it. The kill may land after the commit
# (a transaction that fits the page cache reaches the log only as it commits): then the run
# is recorded ok, and the profiles it wrote — those created by the as-of day — and the
# history grew by its rows; else the profiles are as before and the history did not grow.
sqlite3 db.sqlite "SELECT CASE WHEN (SELECT status FROM runs WHERE kind = 'recompute'
  ORDER BY id DESC LIMIT 1) = 'ok'
  THEN (SELECT count(*) FROM score_history) - $hist = (SELECT rows FROM runs
    WHERE kind = 'recompute' ORDER BY id DESC LIMIT 1)
   AND (SELECT count(*) FROM credit_profiles WHERE as_of = '2025-01-31') = (SELECT rows
    FROM runs WHERE kind = 'recompute' ORDER BY id DESC LIMIT 1)
  ELSE (SELECT count(*) FROM score_history) = $hist
   AND (SELECT count(*) || '|' || max(computed_at) FROM credit_profiles) = '$before' END"
$RISKDESK --db db.sqlite -c 'runs' >/dev/null; echo "next start status $?"
