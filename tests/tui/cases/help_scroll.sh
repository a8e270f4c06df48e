# The `?` help scrolls, finds and reaches its end (issue 12, Part 1 item 5): every key of the
# table and every command, theme, help and quit included, at 120x40 and 80x24; it says
# which lines show; its own keys close it.
for size in 120x40 80x24; do
	start "help-$size" "${size%x*}" "${size#*x}"
	expect "Activity of C0001" "opens ($size)"
	keys '?'
	expect "Keys and commands" "? shows the help ($size)"
	expect_re "lines 1.[0-9]+ of [0-9]+ *$" "it says which lines show ($size)"
	keys G
	expect "switch the console's colours" "G reaches theme ($size)"
	expect "list the commands, or describe one" "help ($size)"
	expect "leave riskdesk" "and quit, the end ($size)"
	expect_re "lines [0-9]+.([0-9]+) of \1 *$" "the last line shows ($size)"
	keys k
	expect_not "leave riskdesk" "k scrolls back a line ($size)"
	keys g
	expect "Everywhere" "g: the top again ($size)"
	keys PgDn
	expect_not "Everywhere" "PgDn pages down ($size)"
	keys g / zoom Enter
	expect_re "'zoom': 1 of [0-9]+" "/ finds in the help ($size)"
	keys n
	expect_re "'zoom': 2 of [0-9]+" "n: the next match ($size)"
	expect "Keys and commands" "the help stays while finding ($size)"
	keys q
	expect_not "Keys and commands" "q closes it ($size)"
	expect "Activity of C0001" "the panes come back ($size)"
	keys '?'
	expect "Keys and commands" "? again ($size)"
	keys Escape
	expect_not "Keys and commands" "Esc closes it too ($size)"
	keys q
	expect "exited 0" "quits ($size)"
done
