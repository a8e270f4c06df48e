# What-if from the Profile (issue 14, item 3): `e` opens the prompt with `whatif C0001 `, the
# change typed there shows before and after side by side in the Output pane, and nothing is
# written (the profile and its history as they were). 120x40 and 80x24.
for size in 120x40 80x24; do
	start "whatif-$size" "${size%x*}" "${size#*x}"
	db=$work/whatif-$size.db
	before=$(sqlite3 "$db" "SELECT count(*), sum(score) FROM score_history; SELECT score FROM credit_profiles WHERE customer_id = 'C0001'")
	expect "Activity of C0001" "opens on C0001 ($size)"
	keys p
	expect "Reasons" "p: the profile ($size)"
	keys e
	expect "whatif C0001" "e opens the prompt with whatif and the customer ($size)"
	keys "failed_payment_rate=1" Enter
	expect_re "^ *score +630 +300" "the score before and after ($size)"
	expect_re "^ *decision +approve +decline" "the decision before and after ($size)"
	expect "-400.0 Failed" "the reasons after ($size)"
	after=$(sqlite3 "$db" "SELECT count(*), sum(score) FROM score_history; SELECT score FROM credit_profiles WHERE customer_id = 'C0001'")
	[ "$before" = "$after" ] && ok "nothing written ($size)" || bad "written: $before -> $after"
	keys q
	expect "exited 0" "quits ($size)"
done
