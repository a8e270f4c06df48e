# Completion follows the argument's declared type in the command table (issue 12, Part 1
# item 6): `drift --feature` offers the serving model's inputs, a directory completes with
# its '/' and no blank so that the next Tab goes into it, and a `where` expression
# completes field and attribute names (German Credit's checking_status).
for size in 120x40 80x24; do
	w=${size%x*} h=${size#*x}
	start "completion-$size" "$w" "$h"
	expect "Activity of C0001" "opens ($size)"
	keys : "drift --feature " Tab Tab
	expect_re "amount_std +avg_order_value +cancel_rate" \
		"drift --feature Tab Tab lists the rules model's inputs ($size)"
	expect_not "xgb" "and no model names ($size)"
	keys C-u "drift --feature return_r" Tab x
	expect ":drift --feature return_rate x" "a feature completes, then a blank ($size)"
	keys C-u "load customers $root/sample-da" Tab
	expect_re ":load customers .*/sample-data/$" "a directory completes with its '/' ($size)"
	keys ord Tab
	expect_re ":load customers .*/sample-data/orders.csv$" "no blank after it: typing and Tab go on into it ($size)"
	keys C-u "list where ret" Tab x
	expect ":list where return_rate x" "where completes a feature ($size)"
	keys BSpace
	keys "> 0.2 " Tab Tab
	expect_re "and +limit +or +sort" "after a comparison: and, or and the next clauses ($size)"
	keys C-u "list where band=" Tab Tab
	expect_re "band=A +band=B +band=C +band=D +band=E" "a band's values ($size)"
	keys Escape q
	expect "exited 0" "quits ($size)"
done

german_dir=$(fixture german) || skip "no German Credit fixture (../shared/datasets/german)"
for size in 120x40 80x24; do
	TUI_DB=$german_dir/german.db start "completion-german-$size" "${size%x*}" "${size#*x}"
	expect "Activity of" "opens on German Credit ($size)"
	keys : "list where che" Tab
	expect ":list where checking_status" "list where che Tab completes the attribute ($size)"
	keys C-u "drift --feature che" Tab
	expect ":drift --feature checking_status" "drift --feature: the scorecard's inputs ($size)"
	keys Escape q
	expect "exited 0" "quits ($size)"
done
