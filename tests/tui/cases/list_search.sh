# Searching the list (issue 12, Part 1 item 9): `/` finds text anywhere in an id or a
# name, in any case and with or without accents, as you type; n and N go to the next and
# previous match (wrapping); Esc puts the list back where it was (page and row); searches
# have their own history, apart from commands.
esc=$'\e'
q() { sqlite3 "$work/$current.db" "$1"; }
# row_sgr ID: the background (SGR 48;5;N) that opens the list row of customer ID.
row_sgr() {
	tmux -L "$sock" capture-pane -e -p -t t | grep -aE "^(${esc}\[[0-9;]*m)* $1 " | head -1 |
		grep -aoE "^(${esc}\[[0-9;]*m)*" | grep -aoE '48;5;[0-9]+' | tail -1
}
expect_selected() {
	local i
	for i in $(seq 1 200); do
		[ -n "$sel" ] && [ "$(row_sgr "$1")" = "$sel" ] && { ok "$2"; return; }
		sleep 0.05
	done
	bad "$2"
}
down() {
	local i
	for i in $(seq 1 "$1"); do keys j; done
}

for size in 120x40 80x24; do
	start "list-search-$size" "${size%x*}" "${size#*x}"
	expect "Activity of C0001" "opens on C0001 ($size)"
	sel=$(row_sgr C0001)
	schmidt=($(q "SELECT id FROM customers WHERE name LIKE '%schmidt%' ORDER BY id"))
	[ "${#schmidt[@]}" -gt 3 ] && ok "the sample has Schmidts (${#schmidt[@]})" || bad "no Schmidts"

	# substring, accents and case folded, as you type; Esc goes back
	keys / ruger
	expect "Activity of C0014" "/ruger finds Krüger & Nielsen Ltd as you type: inside the name, ü as u ($size)"
	expect_selected C0014 "its row is highlighted ($size)"
	keys Escape
	expect "Activity of C0001" "Esc goes back to C0001 ($size)"
	expect "search cancelled" "and says so ($size)"
	expect_selected C0001 "C0001 is highlighted again ($size)"

	# Enter, then n and N through the matches, wrapping
	keys / SCHMIDT Enter
	expect "Activity of ${schmidt[0]}" "/SCHMIDT Enter: the first Schmidt, ${schmidt[0]} ($size)"
	keys n
	expect "Activity of ${schmidt[1]}" "n: the next, ${schmidt[1]} ($size)"
	expect_selected "${schmidt[1]}" "highlighted ($size)"
	keys n
	expect "Activity of ${schmidt[2]}" "n again: ${schmidt[2]} ($size)"
	keys N
	expect "Activity of ${schmidt[1]}" "N: back to ${schmidt[1]} ($size)"
	keys N N
	expect "Activity of ${schmidt[-1]}" "N before the first wraps to the last, ${schmidt[-1]} ($size)"
	keys n
	expect "Activity of ${schmidt[0]}" "n after the last wraps to the first ($size)"

	# ids too, anywhere in them
	keys / 999 Enter
	expect "Activity of C0999" "/999 finds C0999 ($size)"
	keys n
	expect "Activity of C1999" "n: C1999 ($size)"
	keys / zzzq Enter
	expect "no customer's id or name holds 'zzzq'" "a search without a match says so ($size)"

	# Esc restores the page as well as the row
	keys g
	expect "Activity of C0001" "g: back at the top ($size)"
	down 14
	expect "Activity of C0015" "on C0015 ($size)"
	keys / C1500
	expect "Activity of C1500" "/C1500 moves the list far away ($size)"
	expect_not " C0001 " "the first page is gone ($size)"
	keys Escape
	expect "Activity of C0015" "Esc: C0015 is selected again ($size)"
	expect_re "^ C0001 " "on the same page as before, from C0001 ($size)"
	expect_selected C0015 "highlighted on its line ($size)"

	# the search history is its own
	keys : "select C0003" Enter
	expect "Activity of C0003" "a command ($size)"
	keys / Up
	expect "/zzzq" "Up at / brings the last search back, not the command ($size)"
	keys Escape : Up
	expect ":select C0003" "Up at : brings the last command ($size)"
	keys Escape q
	expect "exited 0" "quits ($size)"
	grep -qx SCHMIDT "$work/state/riskdesk/history-search" &&
		ok "searches are kept in history-search ($size)" || bad "no history-search file with SCHMIDT"
	! grep -q SCHMIDT "$work/state/riskdesk/history" &&
		ok "and not among the commands ($size)" || bad "SCHMIDT in the command history"
done
