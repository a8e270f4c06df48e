# The screen's labels (issue 12, Part 1 item 10): Activity's column headers and counts;
# the Profile's Reasons and Features headings, rates as percentages, the score gauge's
# scale, the score history's range and days; PII shown and a read-only database in the tab
# bar; an empty database says how to load one; R then n says nothing ran.
# (C0001 of the sample: 27 orders, 31 payments of which 4 failed, score 630.)
top_line() { screen | head -1 | sed 's/[[:space:]]*$//'; }
expect_top() {
	local i
	for i in $(seq 1 200); do
		top_line | grep -qE -- "$1" && { ok "$2"; return; }
		sleep 0.05
	done
	bad "$2"
}

# scroll_to TEXT: j (the Profile focused) until TEXT shows, at most 40 times.
scroll_to() {
	local i
	for i in $(seq 1 40); do
		screen | grep -qF -- "$1" && return 0
		keys j
	done
}

# Two older scores of C0001 (ids below the sample's), so its history has a range and days.
cp "$sample" "$work/hist.db"
sqlite3 "$work/hist.db" "INSERT INTO score_history(id, customer_id, score, band, pd,
	model_name, model_version, computed_at) VALUES
	(-2, 'C0001', 590, 'D', 0.05, 'rules', 1, '2024-01-15T10:00:00Z'),
	(-1, 'C0001', 700, 'B', 0.01, 'rules', 1, '2024-06-01T10:00:00Z')"

for size in 120x40 80x24; do
	TUI_DB=$work/hist.db start "labels-$size" "${size%x*}" "${size#*x}"
	expect "Activity of C0001" "opens on C0001 ($size)"
	if [ "$size" = 120x40 ]; then
		expect "Activity of C0001  orders 27, payments 31 (4 failed)" "Activity counts orders, payments, failures ($size)"
		expect_re ' kind +date +id +what +amount$' "Activity's column headers ($size)"
		expect_re 'history .+ 590\.\.700  2024-01-15\.\.20[0-9]{2}-[0-9]{2}-[0-9]{2}$' \
			"the score history with its range and first and last days ($size)"
	else
		expect "Activity of C0001  O 27, P 31" "Activity counts orders and payments ($size)"
		expect_re ' date +what +amount$' "Activity's column headers ($size)"
		expect_re 'history .+ 590\.\.700$' "the score history with its range ($size)"
		expect_re '^.{44} {9}2024-01-15\.\.20[0-9]{2}-[0-9]{2}-[0-9]{2}$' "its days below ($size)"
	fi
	expect_re ' 630 C  300 .+ 1000$' "the score gauge with its scale ($size)"
	expect "PD 3.36%" "PD as a percentage with two decimals ($size)"
	expect_re '^ ?Reasons$|  Reasons$' "the Reasons heading ($size)"
	# PII shown is said in the tab bar.
	keys : 'set pii on' Enter
	expect "a.lehmann86@post.example.net" "set pii on shows the email ($size)"
	expect_top 'PII on$' "the tab bar says PII is on ($size)"
	keys : 'set pii off' Enter
	expect_not "a.lehmann86@post.example.net" "set pii off masks it ($size)"
	if top_line | grep -q PII; then bad "PII gone from the tab bar ($size)"; else ok "PII gone from the tab bar ($size)"; fi
	keys p
	scroll_to "(return_rate 18.5%)"
	expect "(return_rate 18.5%)" "a reason's rate as a percentage with one decimal ($size)"
	scroll_to cancel_rate
	expect_re 'Features  • model input$' "the Features heading ($size)"
	expect_re 'cancel_rate +7\.4%$' "a feature's rate as a percentage with one decimal ($size)"
	expect_re 'total_spend +1151\.75$' "amounts with two decimals ($size)"
	# R asks; n runs nothing and says so.
	runs=$(sqlite3 "$work/labels-$size.db" "SELECT count(*) FROM runs")
	keys c R
	expect "recompute every customer? (y/n)" "R asks ($size)"
	keys n
	expect "recompute all: not run" "n says it was not run ($size)"
	[ "$(sqlite3 "$work/labels-$size.db" "SELECT count(*) FROM runs")" = "$runs" ] &&
		ok "and nothing ran ($size)" || bad "a run was recorded ($size)"
	keys q
	expect "exited 0" "quits ($size)"

	start "labels-ro-$size" "${size%x*}" "${size#*x}" --read-only
	expect "C0001" "opens read-only ($size)"
	expect_top 'read-only$' "the tab bar says the database is read-only ($size)"
	keys q
	expect "exited 0" "quits ($size)"

	"$rd" --db "$work/empty-$size.db" -c 'models' >/dev/null
	TUI_DB=$work/empty-$size.db start "labels-empty-$size" "${size%x*}" "${size#*x}"
	if [ "$size" = 120x40 ]; then
		expect "no customers — :load DIR, or make run's sample" "an empty database says how to load one ($size)"
	else
		expect " no customers —" "an empty database says so ($size)"
		expect " :load DIR," "and how to load one ($size)"
		expect " or make run's sample" "or the sample ($size)"
	fi
	keys q
	expect "exited 0" "quits ($size)"
done
