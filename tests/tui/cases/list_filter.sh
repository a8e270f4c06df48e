# The list's filter prompt (issue 12, Part 1 item 9): `f` starts with the current filter,
# to edit; filters have their own history, apart from commands and searches.
q() { sqlite3 "$work/$current.db" "$1"; }

for size in 120x40 80x24; do
	start "list-filter-$size" "${size%x*}" "${size#*x}"
	expect "Activity of C0001" "opens on C0001 ($size)"
	keys f band=E Enter
	expect "where band=E" "f band=E filters ($size)"
	keys f
	expect "filter: band=E" "f again starts with the filter ($size)"
	keys " and score<400" Enter
	expect "where band=E and sco" "which can be edited ($size)"
	expect "Activity of $(q "SELECT customer_id FROM credit_profiles WHERE band = 'E' AND score < 400 ORDER BY customer_id LIMIT 1")" \
		"the list starts at the first match ($size)"
	keys f C-u Enter
	expect_not "where band" "an emptied filter clears it ($size)"
	keys : "select C0002" Enter
	expect "Activity of C0002" "a command ($size)"
	keys f
	expect_re "filter: *$" "f with no filter starts empty ($size)"
	keys Up
	expect "filter: band=E and score<400" "Up brings the last filter back, not the command ($size)"
	keys Up
	expect "filter: band=E" "and the one before ($size)"
	keys Escape : Up
	expect ":select C0002" "Up at : brings the last command, not a filter ($size)"
	keys Escape / Up
	expect_not "/band=E" "nor at / ($size)"
	keys Escape q
	expect "exited 0" "quits ($size)"
	grep -qx "band=E and score<400" "$work/state/riskdesk/history-filter" &&
		ok "filters are kept in history-filter ($size)" || bad "no history-filter file with the filter"
	! grep -q "band=E" "$work/state/riskdesk/history" &&
		ok "and not among the commands ($size)" || bad "a filter in the command history"
done
