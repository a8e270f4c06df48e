# The Profile shows the customer's attributes with their labels, the serving model's
# inputs marked and listed first, scrollable (issue 12, Part 1 item 4). German Credit
# (fixture german) with g1 serving, recomputed: G0001 has checking_status A12, "0 to < 200
# DM" in the mapping's labels; g1 reads checking_status but not foreign_worker.
# line_of TEXT: the first screen line holding TEXT (0 when none).
line_of() { screen | grep -nF -- "$1" | head -1 | cut -d: -f1 | grep . || echo 0; }
# scroll_to TEXT: j (the Profile focused) until TEXT shows, at most 80 times.
scroll_to() {
	local i
	for i in $(seq 1 80); do
		screen | grep -qF -- "$1" && return 0
		keys j
	done
}

if g=$(fixture german) && cp "$g/german.db" "$work/attrs.db" &&
	"$rd" --db "$work/attrs.db" -c 'recompute all' >/dev/null 2>&1; then
	for size in 120x40 80x24; do
		TUI_DB=$work/attrs.db start "attrs-$size" "${size%x*}" "${size#*x}"
		expect "G0000" "opens on the German customers ($size)"
		keys : "select G0001" Enter
		expect "Activity of G0001" "selects G0001 ($size)"
		[ "$size" = 80x24 ] && keys p NPage
		expect "Attributes (20)  • model input" "the Profile's attributes, with the legend ($size)"
		if [ "$size" = 120x40 ]; then
			expect_re '• checking_status +A12 +0 to < 200 DM' \
				"checking_status marked as an input, its value and its label ($size)"
		else
			expect_re '• checking_status +A12$' "checking_status marked, its value at the right ($size)"
			expect_re '^.{44} {5}0 to < 200 DM' "and its label below ($size)"
		fi
		keys p
		scroll_to foreign_worker
		expect_re '  foreign_worker +A201' "scrolled, the attributes the model does not read ($size)"
		if screen | grep -qF '• foreign_worker'; then
			bad "foreign_worker is not marked ($size)"
		else
			ok "foreign_worker is not marked ($size)"
		fi
		keys q
		expect "exited 0" "quits ($size)"
	done
	# Zoomed at 120x40 the attributes have a column of their own, all of them on screen:
	# the model's inputs first.
	TUI_DB=$work/attrs.db start attrs-zoom 120 40
	keys : "select G0001" Enter p z
	expect "zoom: Profile fills the screen" "z zooms the Profile"
	expect_re '^ individual .* Attributes \(20\)  • model input$' \
		"the attributes beside the rest, from the top"
	last_input=$(line_of '• savings')
	first_other=$(line_of '  existing_credits')
	if [ "$last_input" -gt 0 ] && [ "$first_other" -gt "$last_input" ]; then
		ok "the model's inputs come first (savings, line $last_input; existing_credits, line $first_other)"
	else
		bad "the model's inputs come first (savings, line $last_input; existing_credits, line $first_other)"
	fi
	keys q
	expect "exited 0" "quits (zoomed)"
else
	current=attrs
	bad "cannot recompute $german"
fi

# The rules model reads features: they are marked among the Features.
for size in 120x40 80x24; do
	start "rules-inputs-$size" "${size%x*}" "${size#*x}"
	keys p NPage
	expect_re 'Features  • model input' "the Features legend with the rules model ($size)"
	expect_re '• total_spend +1151\.75' "total_spend, a term of the rules model, marked ($size)"
	expect_re '   orders_total +27' "orders_total, which it does not read, unmarked ($size)"
	keys q
	expect "exited 0" "quits ($size)"
done
