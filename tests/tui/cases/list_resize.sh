# The list and its selection never come apart (issue 12, Part 1 item 1): through a resize
# down and up, in the full layout (120x40 <-> 80x24) and in the one-pane layout (40x12 <->
# 20x5), the selected row stays on screen and highlighted; j then moves it visibly, and
# PgDn/PgUp move the selection with the page.
esc=$'\e'
# row_sgr ID: the background (SGR 48;5;N) that opens the list row of customer ID, or
# nothing when the row is not on screen.
row_sgr() {
	tmux -L "$sock" capture-pane -e -p -t t | grep -aE "^(${esc}\[[0-9;]*m)* $1 " | head -1 |
		grep -aoE "^(${esc}\[[0-9;]*m)*" | grep -aoE '48;5;[0-9]+' | tail -1
}
# highlighted: how many list rows have the selection's background.
highlighted() {
	tmux -L "$sock" capture-pane -e -p -t t | grep -aoE "^(${esc}\[[0-9;]*m)* C[0-9]{4} " |
		grep -aoE "^(${esc}\[[0-9;]*m)*" | grep -acE "[[;]$sel[m;]"
}
# expect_selected ID WHAT: ID's row is on screen with the selection's background, and it
# is the only highlighted row.
expect_selected() {
	local i
	for i in $(seq 1 200); do
		if [ -n "$sel" ] && [ "$(row_sgr "$1")" = "$sel" ] && [ "$(highlighted)" = 1 ]; then
			ok "$2"
			return
		fi
		sleep 0.05
	done
	bad "$2"
}
# down N: N times j.
down() {
	local i
	for i in $(seq 1 "$1"); do keys j; done
}

# The full layout: 120x40 (36 list rows) down to 80x24 (20) and back up.
start list-resize-full 120 40
expect "Activity of C0001" "opens at 120x40 on C0001"
sel=$(row_sgr C0001)
[ -n "$sel" ] && ok "the highlighted row has its own background" || bad "no highlighted row at the start"
down 30
expect "Activity of C0031" "30 times j: the 31st row, C0031"
expect_selected C0031 "C0031 is highlighted at 120x40"
resize 80 24
expect "Activity of C0031" "resized to 80x24, C0031 stays selected"
expect_selected C0031 "and its row stays on screen, highlighted (resize down)"
expect " C0012 " "the page ends at it (the rows above it went)"
keys j
expect "Activity of C0032" "j after the resize selects C0032"
expect_selected C0032 "and its row is highlighted (j moves it visibly)"
keys NPage
expect "Activity of C0052" "PgDn after the resize moves the selection a page (20 rows) on"
expect_selected C0052 "and the selected row is on the new page"
keys PPage
expect "Activity of C0032" "PgUp moves it back a page"
expect_selected C0032 "highlighted on the page before"
resize 120 40
expect_selected C0032 "resized back to 120x40, C0032 stays highlighted (resize up)"
expect " C0048 " "the page grew below it (36 rows)"
keys j
expect "Activity of C0033" "j after the resize up selects C0033"
expect_selected C0033 "visibly"
keys NPage
expect "Activity of C0069" "PgDn at 120x40 moves the selection 36 rows on"
expect_selected C0069 "on the new page"
keys G
expect "Activity of C2000" "G: the last row"
resize 80 24
expect_selected C2000 "the last row stays selected through a resize down"
resize 120 40
expect_selected C2000 "and up: the page fills from above at the end of the list"
expect " C1965 " "36 rows, ending at C2000"
keys k
expect_selected C1999 "k moves it visibly"
keys q
expect "exited 0" "quits (full layout)"

# The one-pane layout: 40x12 (8 list rows) down to 20x5 (1 row) and back up.
start list-resize-small 40 12
expect_re "^ C0001 " "opens at 40x12 with the list alone"
sel=$(row_sgr C0001)
[ -n "$sel" ] && ok "the highlighted row has its own background (40x12)" || bad "no highlighted row at 40x12"
down 6
expect_selected C0007 "6 times j: C0007 is highlighted at 40x12"
resize 20 5
expect_selected C0007 "resized to 20x5, C0007 stays on screen, highlighted"
keys j
expect_selected C0008 "j at 20x5 moves to C0008, visibly"
keys NPage
expect_selected C0009 "PgDn at 20x5 moves the selection a page (one row)"
keys PPage
expect_selected C0008 "PgUp moves it back"
resize 40 12
expect_selected C0008 "back at 40x12, C0008 stays highlighted"
keys j
expect_selected C0009 "j at 40x12 moves on from it"
keys NPage
expect_selected C0017 "PgDn at 40x12 moves the selection 8 rows on"
resize 20 5
expect_selected C0017 "and through a resize down again"
keys q
expect "exited 0" "quits (one-pane layout)"
