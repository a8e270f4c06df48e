# The Drift pane's charts come from one chart module (src/tui/chart.c, issue 12).
# Without monthly snapshots the outcome charts fall back to the vintages
# alone, told by perf_run's PERF_NO_SNAPSHOTS rather than by its message; the vintage chart
# keeps its legend, plot and axis at 120x40 and 80x24, in braille and in ASCII.
for lang in C.UTF-8 C; do
	for size in 120x40 80x24; do
		TUI_LANG=$lang start "charts-$lang-$size" "${size%x*}" "${size#*x}"
		expect "C0001" "opens on the sample, no snapshots taken ($lang $size)"
		keys d
		expect "0 of 17 features drifted significantly" "d shows the drift report ($lang $size)"
		keys '}' '}' '}' '}' '}'
		expect "no monthly snapshots ('snapshot'" \
			"the bad-rate chart says why it has nothing ($lang $size)"
		expect_re '2024-Q2 0\.[0-9]{3}' "the vintage chart's legend ($lang $size)"
		keys J J J J J J J J J J J J
		expect_re '^ *0\.00(\||│) *[^ ]' "its plot, from 0 ($lang $size)"
		expect_re ' 1 +14 months on book *$' "its axis: months on book ($lang $size)"
		keys q
		expect "exited 0" "quits ($lang $size)"
	done
done
