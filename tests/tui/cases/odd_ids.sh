# Keys pass the selected id as data: a customer called `all` is one customer, and an
# id with a quote is no syntax error (issue 9)
printf '%s\n' 'id,name,email,phone,kind,created_at' 'C1,One,o@x.org,,individual,2025-01-01' \
	'C2,Two,t@x.org,,individual,2025-01-01' 'all,All,a@x.org,,individual,2025-01-01' \
	"zz O'Brien,Zed,z@x.org,,individual,2025-01-01" >"$work/odd-ids.csv"
"$rd" --db "$work/odd.db" -c "load customers $work/odd-ids.csv" -c 'recompute all' >/dev/null
TUI_DB=$work/odd.db start odd-ids 100 30
expect "Activity of C1" "opens on the odd ids"
keys j j
expect "Activity of all" "the customer called all is selected"
keys r
expect "recompute: done" "r on it recomputes"
n=$(sqlite3 "$work/odd-ids.db" "SELECT count(*) FROM score_history")
[ "$n" = 5 ] && ok "r recomputed that one customer, not all four" || bad "history rows: $n (want 5)"
a=$(sqlite3 "$work/odd-ids.db" "SELECT command FROM audit ORDER BY id DESC LIMIT 1")
[ "$a" = "recompute --id all" ] && ok "audited as 'recompute --id all'" || bad "audit: $a"
keys j
expect "Activity of zz O'Brien" "the id with a quote is selected"
keys r
expect "recompute: done" "r on an id with a quote recomputes it"
expect_not "unterminated" "no quoting error"
n=$(sqlite3 "$work/odd-ids.db" "SELECT count(*) FROM score_history WHERE customer_id = 'zz O''Brien'")
[ "$n" = 2 ] && ok "its history grew by one" || bad "its history rows: $n (want 2)"
