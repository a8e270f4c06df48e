# A command that selects a customer selects it everywhere, the list's highlighted row too
# (issue 12, Part 1 item 2), wherever the row is under the sort; a filter that leaves it
# out is said; zoom (z, Esc); keys are the table's bindings.
esc=$'\e'
# row_sgr ID: the background colour (SGR 48;5;N) that opens the list row of customer ID.
row_sgr() {
	tmux -L "$sock" capture-pane -e -p -t t | grep -aE "^(${esc}\[[0-9;]*m)* $1 " | head -1 |
		grep -aoE "^(${esc}\[[0-9;]*m)*" | grep -aoE '48;5;[0-9]+' | tail -1
}
# expect_row_selected ID WHAT: ID's row has the background the highlighted row had at the
# start.
expect_row_selected() {
	local i
	for i in $(seq 1 200); do
		[ -n "$sel" ] && [ "$(row_sgr "$1")" = "$sel" ] && { ok "$2"; return; }
		sleep 0.05
	done
	bad "$2"
}
for size in 120x40 80x24; do
	start "select-$size" "${size%x*}" "${size#*x}"
	expect "Activity of C0001" "opens on C0001 ($size)"
	sel=$(row_sgr C0001)
	[ -n "$sel" ] && ok "the highlighted row has its own colours ($size)" || bad "no colours on the highlighted row ($size)"
	keys : "show C0007" Enter
	expect "Activity of C0007" ":show C0007 shows C0007's activity ($size)"
	expect_row_selected C0007 ":show C0007 highlights C0007's row in the list ($size)"
	[ "$(row_sgr C0001)" != "$sel" ] && ok "C0001 is not highlighted any more ($size)" ||
		bad "C0001 still highlighted ($size)"
	keys c j
	expect "Activity of C0008" "the next j goes to the row after C0007 ($size)"
	keys : "select C0150" Enter
	expect "Activity of C0150" ":select C0150 selects a customer beyond the page ($size)"
	expect_row_selected C0150 "the list moves to C0150's row ($size)"
	keys j
	expect "Activity of C0151" "j then goes to C0151 ($size)"
	keys : "sort score" Enter
	expect "sort score" ":sort score sorts the list ($size)"
	read -r x y < <(sqlite3 -separator ' ' "$work/select-$size.db" "SELECT customer_id,
		lead(customer_id) OVER (ORDER BY score, customer_id) FROM credit_profiles
		ORDER BY score, customer_id LIMIT 1 OFFSET 99")
	keys : "select $x" Enter
	expect "Activity of $x" ":select $x, the 100th by score ($size)"
	expect_row_selected "$x" "the list moves to its place under the sort ($size)"
	keys j
	expect "Activity of $y" "j then goes to the next by score, $y ($size)"
	keys S
	expect "sort score desc" "S (sort {sort} {sort-flip}) reverses the sort ($size)"
	keys f band=E Enter
	expect "filtered (f then" "f filters ($size)"
	keys : "select C0001" Enter
	expect "'C0001' is not in the list (where band=E)" \
		"selecting a customer the filter leaves out says so in the status line ($size)"
	expect "Activity of C0001" "and selects it in the other panes ($size)"
	first=$(sqlite3 "$work/select-$size.db" "SELECT customer_id FROM credit_profiles WHERE band = 'E' ORDER BY score DESC, customer_id DESC LIMIT 1")
	[ "$(row_sgr "$first")" != "$sel" ] && ok "no list row is highlighted then ($size)" ||
		bad "$first is highlighted though C0001 is selected ($size)"
	keys f C-u Enter # the prompt starts with the filter: emptied, it clears
	expect_not "where band=E" "the filter clears ($size)"
	keys p z
	expect "zoom: Profile fills the screen (z or Esc: back)" "z zooms the focused pane ($size)"
	expect_not "customers  sort" "the list is hidden while the Profile is zoomed ($size)"
	keys Escape
	expect "customers  sort" "Esc ends the zoom ($size)"
	expect "zoom off" "and says so ($size)"
	keys a z
	expect "zoom: Activity fills the screen" "z zooms Activity ($size)"
	keys z
	expect "customers  sort" "z again restores the layout ($size)"
	keys '?'
	expect "zoom the focused pane" "? lists the keys from the table, z too ($size)"
	# (a page down: the Requests pane's keys, issue 13, pushed the commands below the first)
	[ "$size" = 120x40 ] && keys NPage && expect "rescore one customer" "and the commands ($size)"
	keys q
	keys q
	expect "exited 0" "quits ($size)"
done

