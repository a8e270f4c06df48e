# Progress and the Log (issue 12, Part 1 item 8): a load's bar gives bytes in a unit and the
# rows read, and draws its track; `runs` measures seconds below one; the Log opens at the
# newest entry, keeps its column header while scrolling, and shows a long message whole.
long="/nonexistent/a/rather/long/path/to/where/the/monthly/orders/of/the/book/were/kept/orders-2025-06.csv"
make_progress_gen() {
	"$rd" -c "gen big --customers 8000 --seed 3"
}
# riskdesk's process in this case's tmux window.
rd_pid() {
	pgrep -P "$(tmux -L "$sock" display -p -t t '#{pane_pid}')" | head -1
}
for size in 120x40 80x24; do
	start "log-$size" "${size%x*}" "${size#*x}"
	expect "Activity of C0001" "opens ($size)"
	for id in C0001 C0002 C0003 C0005 C0006 C0007 C0008 C0009 C0010 C0011; do
		keys : "recompute $id" Enter
		expect "recompute: done" "recompute $id ($size)"
	done
	keys : "load orders $long" Enter
	expect "nonexistent/a/rather" "a load that fails ($size)"
	keys : "recompute C0004" Enter
	expect "recompute: done" "then one more ($size)"
	keys l
	expect "Runs, newest first" "l: the Log, newest first ($size)"
	newest=$(sqlite3 "$work/log-$size.db" "SELECT max(id) FROM runs")
	first=$(screen | grep -A1 -E '^ *id +kind +status' | sed -n 2p)
	echo "$first" | grep -qE "^ *$newest +recompute +ok +1 " &&
		ok "the first row is the newest run, $newest ($size)" ||
		bad "the first row is the newest run, $newest: '$first' ($size)"
	expect_re "^ *[3-9] +recompute +ok +1 +[0-9-]+ [0-9:]+ +[0-9]+\.[0-9]{3}( |$)" \
		"a recompute's seconds are measured, not whole seconds ($size)"
	screen | tr -s ' \n' '  ' | grep -qF "orders-2025-06.csv: No such file or directory" &&
		ok "the failed load's message, whole ($size)" ||
		bad "the failed load's message, whole ($size)"
	expect_re "lines 1.[0-9]+ of [0-9]+" "the Log says which lines show ($size)"
	keys j j j j j j
	expect_re "lines 7.[0-9]+ of" "j scrolls the Log ($size)"
	row3=$(screen | sed -n 3p)
	echo "$row3" | grep -qE '^ *id +kind +status +rows +started +seconds' &&
		ok "the column header stays at the top ($size)" ||
		bad "the column header stays at the top: '$row3' ($size)"
	keys q
	expect "exited 0" "quits ($size)"
done

# A load's progress: frozen while it runs, the jobs line (above the status line) shows
# units, rows and its track.
gen=$(fixture progress_gen) || { bad "cannot make the generated dataset"; exit 0; }
for size in 120x40 80x24; do
	TUI_DB=/dev/null
	start "progress-$size" "${size%x*}" "${size#*x}"
	expect "riskdesk" "opens on an empty database ($size)"
	keys : "load $gen/big" Enter
	pid=""
	for _ in $(seq 1 100); do
		pid=$(rd_pid)
		[ -n "$pid" ] && break
		sleep 0.05
	done
	bar=""
	for _ in $(seq 1 400); do
		kill -STOP "$pid" 2>/dev/null || break
		lines=$(screen | tail -2)
		kill -CONT "$pid"
		# a bar part way (below 100%: a full one has no track left to draw)
		line=$(echo "$lines" | grep -E 'load (orders|payments) [0-9.]+ MB of [0-9.]+ MB +[0-9]{1,2}% +[0-9]+ rows')
		if [ -n "$line" ]; then
			bar=$line
			break
		fi
		line=$lines
		echo "$line" | grep -q "load: done" && break
		sleep 0.02
	done
	echo "    bar: $bar"
	[ -n "$bar" ] && ok "the bar gives bytes in MB and the rows read ($size)" ||
		bad "the bar gives bytes in MB and the rows read ($size)"
	echo "$bar" | grep -q '░' && ok "the bar draws its track ($size)" ||
		bad "the bar draws its track ($size)"
	# the rows read are a count, of any size; the bytes are in a unit
	echo "$bar" | sed -E 's/[0-9]+ rows//' | grep -qE '[0-9]{6,}' &&
		bad "raw byte counts in the bar ($size)" ||
		ok "no raw byte counts ($size)"
	expect "load: done" "the load ends ($size)"
	keys q
	expect "exited 0" "quits ($size)"
done
