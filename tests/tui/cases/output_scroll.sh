# The Output view wraps long lines, scrolls, finds and says which lines it shows (issue 12,
# Part 1 item 5): `help train`'s paragraph can be read to its end, `help`'s summary column
# shows at 80x24, j k PgDn PgUp g G move, / finds with n N and the match highlighted, and
# w cuts the lines instead (Left Right pan).
esc=$'\e'
# reach TEXT WHAT: TEXT comes into view with j presses (the text can be read to there).
reach() {
	local i
	for i in $(seq 1 80); do
		screen | grep -qF -- "$1" && { ok "$2"; return; }
		keys j
		sleep 0.05
	done
	bad "$2"
}
for size in 120x40 80x24; do
	start "output-$size" "${size%x*}" "${size#*x}"
	expect "Activity of C0001" "opens ($size)"
	keys : "help train" Enter
	expect_re "Output +lines 1.[0-9]+ of [0-9]+ *$" "the title says which lines show ($size)"
	expect "as a challenger" "the summary wraps, whole ($size)"
	reach "trains the best." "help train's paragraph can be read to its end ($size)"
	keys G
	expect_re "lines [0-9]+.([0-9]+) of \1 *$" "G shows the last line ($size)"
	expect "contributions (default: xgb shap, rf approx)" "the last option, whole ($size)"
	keys g
	expect_re "lines 1.[0-9]+ of" "g goes back to the first ($size)"
	expect "[train]" "the top again ($size)"
	# Find: the match highlighted, n and N go on.
	keys / cost Enter
	expect_re "'cost': 1 of [0-9]+" "/ finds in the text, and says how many ($size)"
	tmux -L "$sock" capture-pane -e -p -t t | grep -aqE "${esc}\[7m(${esc}\[[0-9;]*m)*cost" &&
		ok "the match is highlighted ($size)" || bad "the match is highlighted ($size)"
	keys n
	expect_re "'cost': 2 of [0-9]+" "n: the next match ($size)"
	keys N N
	expect_re "'cost': ([0-9]+) of \1 " "N twice: the previous, round to the last ($size)"
	keys : "help" Enter
	expect "load a dataset directory or one file into a table" "help's summaries show ($size)"
	expect "rescore one customer" "wrapped under their column ($size)"
	keys PgDn
	expect_re "lines [1-9][0-9]+.[0-9]+ of" "PgDn pages down ($size)"
	expect_not "load a dataset directory" "the first lines are gone ($size)"
	keys PgUp
	expect_re "lines 1.[0-9]+ of" "PgUp pages up ($size)"
	keys w
	expect "(cut)" "w cuts long lines instead ($size)"
	keys Right
	expect "(cut, panned)" "Right pans ($size)"
	keys w
	expect_not "(cut" "w again wraps ($size)"
	keys q
	expect "exited 0" "quits ($size)"
done
