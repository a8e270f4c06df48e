# The Profile and Activity panes and the tab bar laid out by content (issue 12, Part 1
# item 3): at 80x24, the documented minimum for three panes, Activity's amounts and FAILED
# markers show, reasons wrap at blanks rather than being cut mid-word, the tab bar ends on
# a whole label; at 120x40 the identity line and the reasons' values are whole; a zoomed
# Profile or Activity uses the width; at 20x5 the tab bar still ends on a whole label.
# (C0001 of the sample: 27 orders, 31 payments of which 4 failed; four reasons.)

# tabs_whole WHAT: the tab bar (the first line) is whole labels "k:Name" or bare keys.
tabs_whole() {
	local top
	top=$(screen | head -1 | sed 's/[[:space:]]*$//')
	if printf '%s\n' "$top" | grep -qE '^( riskdesk )?( +[cadmploi](:(Customers|Activity|Profile|Drift|Models|Log|Output|Requests|Cust|Act|Prof|Out|Req))?)+( +(PII on|read-only|PII|RO))*$'; then
		ok "$1"
	else
		bad "$1: '$top'"
	fi
}
# no_cut_reason WHAT: no screen line ends inside a reason's "(feature value)".
no_cut_reason() {
	if screen | grep -qE '\([a-z_]+( [0-9.]*)?$'; then bad "$1"; else ok "$1"; fi
}

start layout-80 80 24
expect "Activity of C0001" "opens on C0001 (80x24)"
tabs_whole "the tab bar ends on a whole label (80x24)"
expect_re 'P 24-03-13 card +21\.00 FAILED' "Activity shows the amount and the FAILED marker (80x24)"
expect_re 'O 24-03-13 delivered +21\.00' "and an order's amount (80x24)"
expect "(total_spend 1151.75)" "the first reason's value, whole, on the row after its text (80x24)"
no_cut_reason "no reason is cut inside its value (80x24)"
keys p j j j j j j
expect "(cod_share 19.4%)" "j scrolls the Profile to the last reason, whole (80x24)"
no_cut_reason "scrolled, no reason is cut either (80x24)"
keys G
expect "tenure_days" "G scrolls to the Profile's end (80x24)"
keys g
expect "individual" "g back to its start (80x24)"
keys z
expect_re '^ -51\.6  Failed payments \(failed_payment_rate 12\.9%\)$' \
	"zoomed, the Profile's reasons take the width (80x24)"
expect_re '^   orders_total +27 +payments_failed +4$' "and its features two columns (80x24)"
keys Escape a z
expect_re '^ payment 2024-03-13 12:50 P00030 card +21\.00 FAILED$' \
	"zoomed, Activity shows kind, time of day and id (80x24)"
keys q
expect "exited 0" "quits (80x24)"

start layout-120 120 40
expect "Activity of C0001" "opens on C0001 (120x40)"
tabs_whole "the tab bar is whole (120x40)"
expect_re '^ riskdesk  c:Customers .* o:Output  i:Requests$' "with the title and every name (120x40)"
expect "individual  a***@post.example.net  ***********6670" "the identity line is whole (120x40)"
expect "since 2021-07-03" "its date too (120x40)"
expect "-92.4  Low delivered spend (total_spend 1151.75)" "the reasons' values are whole (120x40)"
expect "-51.6  Failed payments (failed_payment_rate 12.9%)" "the longest one too (120x40)"
expect "-29.0  Cash-on-delivery payments (cod_share 19.4%)" "and the last (120x40)"
no_cut_reason "no reason is cut (120x40)"
expect_re 'payment 2024-03-13 P00030 card +21\.00 FAILED' "Activity with kind, date, id, amount, FAILED (120x40)"
keys p z
expect_re '^   orders_total +27 +• return_rate +18\.5% +recency_days +474$' \
	"the zoomed Profile lays its features in three columns (120x40)"
keys Escape a z
expect_re '^ payment 2024-03-13 16:41 P00031 card +21\.00$' "zoomed Activity shows the time of day (120x40)"
keys q
expect "exited 0" "quits (120x40)"

start layout-20 20 5
expect "C0001" "starts at 20x5"
tabs_whole "the tab bar is whole labels at 20x5"
keys Tab
expect_re '^ P +21\.00$' "Activity keeps the amount at 20 columns"
tabs_whole "and the tab bar, the focus moved (20x5)"
keys q
expect "exited 0" "quits (20x5)"
