# Sorting the list (issue 12, Part 1 item 9): by every column and by a feature, by key
# (s, S, :sort) and by a click on a column's heading, with ▲/▼ (^/v outside UTF-8) on the
# sorted column; names in the order an analyst expects (case and accents do not count).
q() { sqlite3 "$work/$current.db" "$1"; }
# click X Y: a left click at column X, line Y (1-based, SGR mouse reports as xterm sends).
click() {
	keys -l "${esc}[<0;$1;$2M"
	keys -l "${esc}[<0;$1;$2m"
}
esc=$'\e'
# heading_x WORD: the screen column (1-based) where WORD starts in the list's heading.
heading_x() {
	screen | sed -n 2p | sed 's/\xe2\x96[\xb2\xbc]/^/g' | awk -v w="$1" '{ print index($0, w) }'
}

for size in 120x40 80x24; do
	start "list-sort-$size" "${size%x*}" "${size#*x}"
	expect "Activity of C0001" "opens on C0001 ($size)"
	expect_re "^ id▲ +name " "the id column's heading has ▲: sorted by it, ascending ($size)"

	# names: case and accents do not count
	keys s
	expect "customers  sort name" "s sorts by name ($size)"
	expect_re "^ id +name▲ " "▲ moves to the name's heading ($size)"
	keys : "select C0022" Enter # Anna Köhler
	expect "Activity of C0022" "selects Anna Köhler ($size)"
	keys c k
	expect "Activity of C1854" "before Anna Köhler comes Anna Kaya, not Anna Krause: ö sorts as o ($size)"
	keys : "select C0964" Enter # de Vries & Becker SE
	expect "Activity of C0964" "selects de Vries & Becker SE ($size)"
	keys c k
	expect "Activity of C1898" "before 'de Vries' comes David Wolf: case does not count ($size)"
	keys S
	expect "customers  sort name desc" "S reverses the sort ($size)"
	expect_re "^ id +name▼ " "▼ on the name's heading when descending ($size)"

	# every column by s (which keeps the direction), each with its order
	keys S
	expect_re "customers  sort name( {2,}|$)" "S again: ascending ($size)"
	keys s
	expect "customers  sort score" "s: score ($size)"
	expect_re "score▲ *band|▲score" "▲ on the score's heading ($size)"
	keys s
	expect "customers  sort pd" "s: PD ($size)"
	expect_re "PD▲" "PD is a column, ▲ on it ($size)"
	expect "Activity of $(q "SELECT customer_id FROM credit_profiles ORDER BY pd, customer_id LIMIT 1")" \
		"the lowest PD comes first ($size)"
	expect_re "^ C0630 .* 0\.09% " "with its PD in percent ($size)"
	keys s
	expect "customers  sort band" "s: band ($size)"
	keys s
	expect "customers  sort segment" "s: segment ($size)"
	expect_re "segment▲" "segment is shown, ▲ on it ($size)"
	expect "Activity of $(q "SELECT customer_id FROM credit_profiles ORDER BY segment, score, customer_id LIMIT 1")" \
		"existing customers first, by score ($size)"
	keys s
	expect "customers  sort last_activity" "s: last activity ($size)"
	expect_re "activity▲" "activity is shown, ▲ on it ($size)"
	keys s
	expect "customers  sort id" "s comes back to id ($size)"

	# a feature: its column comes with its sort
	keys : "sort total_spend desc" Enter
	expect "customers  sort total_spend desc" ":sort total_spend desc ($size)"
	expect_re "total_spen.?▼" "its column, ▼ on it ($size)"
	expect "Activity of C0052" "the largest total spend first ($size)"
	expect_re "^ C0052 .* 39249\.21" "with its value ($size)"
	keys : "sort return_rate" Enter
	expect_re "^ C[0-9]{4} .* 0\.000 *$|^ C[0-9]{4} .* 0\.000 " "return_rate ascending: rates with three decimals ($size)"
	keys : "sort frob" Enter
	expect "sort: unknown field 'frob'" "an unknown field is an error ($size)"

	# clicks on the headings
	keys : "sort id" Enter
	expect_re "^ id▲ " "back to id ($size)"
	x=$(heading_x score)
	click $((x + 1)) 2
	expect "customers  sort score" "a click on 'score' sorts by score ($size)"
	expect "Activity of $(q "SELECT customer_id FROM credit_profiles ORDER BY score, customer_id LIMIT 1")" \
		"lowest score first ($size)"
	click $((x + 1)) 2
	expect "customers  sort score desc" "a second click reverses it ($size)"
	expect "Activity of $(q "SELECT customer_id FROM credit_profiles ORDER BY score DESC, customer_id DESC LIMIT 1")" \
		"highest score first ($size)"
	x=$(heading_x name)
	click $((x + 1)) 2
	expect "customers  sort name" "a click on 'name' sorts by name ($size)"
	expect_not "sort name desc" "ascending ($size)"
	keys q
	expect "exited 0" "quits ($size)"
done

# Outside UTF-8 the arrows are ^ and v.
TUI_LANG=C start list-sort-ascii 80 24
expect_re "^ id\^ +name " "^ on the sorted column outside UTF-8"
keys S
expect_re "^ idv +name " "v when descending"
keys q
expect "exited 0" "quits (ASCII)"
