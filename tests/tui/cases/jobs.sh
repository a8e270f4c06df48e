# Long commands run in the background (issue 12, item 11): while `recompute all` waits for a
# write lock another program holds (as long as we like: no timing decides anything), the
# jobs line says what runs, the list and the panes stay live, a second long command and
# another write are refused with the reason, and Ctrl-C cancels; released, the job ends and
# the jobs line goes. At 20x5 the jobs line takes the tab bar's place (the list keeps its
# rows).
hold_lock() { # db fifo: a sqlite3 shell holding the write lock until the fifo closes
	mkfifo "$2"
	sqlite3 "$1" <"$2" >/dev/null 2>&1 &
	exec 9>"$2"
	echo "BEGIN IMMEDIATE;" >&9
	for _ in $(seq 1 200); do
		sqlite3 "$1" 'BEGIN IMMEDIATE; ROLLBACK' 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}
jobs_line_gone() { # up to 10 s for the job's line to go
	for _ in $(seq 1 200); do
		jobs_line | grep -qE "recomp|cancel" || return 0 # at 20x5 "cancelling recompute all" is cut
		sleep 0.05
	done
}
for size in 120x40 80x24 20x5; do
	w=${size%x*} h=${size#*x}
	start "jobs-$size" "$w" "$h"
	db=$work/jobs-$size.db
	runs="SELECT count(*) FROM runs WHERE kind = 'recompute' AND status = 'ok'"
	before=$(sqlite3 "$db" "$runs")
	expect "C0001" "opens ($size)"
	hold_lock "$db" "$work/hold-$size" || bad "another program holds the lock ($size)"
	keys : "set lock-timeout 600" Enter
	keys : "recompute all" Enter
	if [ "$h" -ge 10 ]; then
		jobs_line() { screen | tail -2 | head -1; }
	else
		jobs_line() { screen | head -1; }
	fi
	for _ in $(seq 1 200); do # the wait shows from 0.2 s on
		jobs_line | grep -qE "recompute.*(waiting|: w)" && break
		sleep 0.05
	done
	if [ "$w" -ge 80 ]; then
		jobs_line | grep -q "recompute all: waiting for the write lock" &&
			ok "the jobs line says what runs and what it waits for ($size)" ||
			bad "the jobs line says what runs and what it waits for ($size)"
		keys j j
		expect "Activity of C0003" "the list and the panes stay live meanwhile ($size)"
		keys : "recompute C0001" Enter
		expect 'recompute: "recompute all" runs in the background' \
			"a second long command is refused ($size)"
		keys : "drift baseline" Enter
		expect 'drift: waits until "recompute all" ends' "so is another write ($size)"
	else
		jobs_line | grep -q "^ *recompute" && ok "the jobs line in the tab bar's place ($size)" ||
			bad "the jobs line in the tab bar's place ($size)"
		keys j j
		expect "C0003" "the list stays live, its rows kept ($size)"
	fi
	keys C-c
	jobs_line_gone
	jobs_line | grep -q "recompute" && bad "Ctrl-C cancels the job, its line goes ($size)" ||
		ok "Ctrl-C cancels the job, its line goes ($size)"
	"$rd" --db "$db" --read-only -c audit | grep -qE "cancelled +recompute all" &&
		ok "the cancelled command is audited as cancelled ($size)" ||
		bad "the cancelled command is audited as cancelled ($size)"
	exec 9>&- # the lock goes
	wait
	keys : "recompute all" Enter
	for _ in $(seq 1 200); do
		[ "$(sqlite3 "$db" "$runs")" -gt "$before" ] && break
		sleep 0.05
	done
	n=$(sqlite3 "$db" "$runs")
	[ "$n" -eq $((before + 1)) ] && ok "released, the next recompute runs to its end ($size)" ||
		bad "released, the next recompute runs to its end: $before then $n ($size)"
	[ "$w" -ge 80 ] && expect "recompute: done" "and says so ($size)"
	jobs_line_gone
	jobs_line | grep -q "recompute" && bad "and its jobs line goes ($size)" ||
		ok "and its jobs line goes ($size)"
done
