# `make run` opens the sample database on a queue (issue 13, item 6): the Makefile's own
# sample-db target (deps and the build taken as done: this binary is the one under test)
# loads and scores the sample data, decides its pending requests and registers the two
# sample sources. The queue's counts come from plain SQL over the same file.
make -s -C "$ROOT" -o deps -o all sample-db BIN="$RISKDESK" RUN_DB="$WORK/s.db" |
	grep -E '^(creating|recomputed|decided|source)'
echo "mode $(stat -c %a s.db)"
sqlite3 s.db "SELECT 'requests by status (SQL):', group_concat(status || ' ' || n, ', ')
  FROM (SELECT status, count(*) n FROM credit_requests GROUP BY status ORDER BY status)"
referred=$(sqlite3 s.db "SELECT count(*) FROM credit_requests WHERE status = 'referred'")
$RISKDESK --json --db s.db -c 'requests --status referred --limit 100000' > q.json
shown=$(sqlite3 :memory: "SELECT json_array_length(readfile('q.json'), '\$.requests')")
echo "referred: riskdesk $shown, SQL $referred, queue non-empty: $([ "$referred" -gt 0 ] && echo yes)"
$RISKDESK --db s.db -c 'source list' | awk '{print $1}'
# A second `make run` keeps the database: nothing is created again.
make -s -C "$ROOT" -o deps -o all sample-db BIN="$RISKDESK" RUN_DB="$WORK/s.db"
echo "second: $(sqlite3 s.db "SELECT count(*) FROM runs WHERE kind = 'load'") load run(s)"
# A setup that fails leaves no database behind for the next `make run` to open.
make -s -C "$ROOT" -o deps -o all sample-db BIN=/bin/false RUN_DB="$WORK/bad.db" 2>&1 |
	grep -v '^make'
echo "after a failed setup: $(ls bad.db 2>&1 | sed 's/.*No such.*/no database/')"
