# The Requests pane (issue 13, item 6): on the sample decided by `rescore pending`, `i` brings
# the queue forward with the referred requests first; the selected request's detail beside or
# under the list; A opens the prompt with `decide ID approve --note `, the note typed there is
# recorded in decisions and in the audit table with the OS user, and the list and the rates
# in the foot follow; D declines the same way; `f` filters the queue with the where language;
# Enter shows the applicant. At 120x40 and 80x24; at 20x5 the list alone.
db=$work/queue.db
cp "$sample" "$db"
"$rd" --db "$db" -c 'rescore pending' >/dev/null || bad "rescore pending on the sample"
user=$(id -un)
for size in 120x40 80x24; do
	TUI_DB=$db start "requests-$size" "${size%x*}" "${size#*x}"
	d=$work/requests-$size.db
	expect "Activity of C0001" "opens on the customers ($size)"
	keys i
	expect "Requests (515)" "i brings the Requests pane forward with every request ($size)"
	# The list's rows: every one shown is referred (35 of them come first in the queue).
	rows=$(screen | grep -E '^ R[0-9]{5} {3,}' | head -n 30)
	if [ -n "$rows" ] && ! printf '%s\n' "$rows" | awk '{print $2}' | grep -qv '^referred$'; then
		ok "the queue shows the referred requests first ($size)"
	else
		bad "the queue shows the referred requests first ($size)"
	fi
	expect_re '^ R00117 +referred +18300 +24 +Chloé Martin' "the oldest referral heads the queue ($size)"
	expect "[request]" "the selected request's detail ($size)"
	expect "approved/referred/overridden %:  A 80/20/0" "the rates by band in the foot ($size)"
	# R00511: the first referral the policy made (its rules fired: near the cut-off, band D).
	keys j j j j j j j j j j
	expect_re 'R00511 +C1901 +referred' "j moves the detail to R00511 ($size)"
	keys A
	expect ":decide R00511 approve --note" "A opens the prompt with the override, up to the note ($size)"
	keys "income checked with the tax office" Enter
	expect "'R00511' approved by override (was referred)" "the override is done ($size)"
	if [ "$(sqlite3 "$d" "SELECT count(*) FROM audit WHERE status = 'ok' AND user = '$user'
		AND command = 'decide R00511 approve --note income checked with the tax office'")" = 1 ]; then
		ok "the audit table has the line with the note and the OS user ($size)"
	else
		bad "the audit table has the line with the note and the OS user ($size)"
	fi
	if [ "$(sqlite3 "$d" "SELECT count(*) FROM credit_requests r JOIN decisions x
		ON x.id = r.decision_id JOIN runs u ON u.id = x.run_id WHERE r.id = 'R00511'
		AND r.status = 'approved' AND x.origin = 'override' AND u.user = '$user'
		AND x.note = 'income checked with the tax office'")" = 1 ]; then
		ok "the decision is an override with the note, its run the OS user's ($size)"
	else
		bad "the decision is an override with the note, its run the OS user's ($size)"
	fi
	expect_re 'R00209 +C0609 +referred' "the list updates: the next request comes under the cursor ($size)"
	expect "D 6/94/6" "the foot's rates count the override ($size)"
	# An empty note: refused at the prompt, nothing written.
	keys D
	expect ":decide R00209 decline --note" "D opens the prompt with the decline ($size)"
	keys Enter
	expect "needs a value" "a decision without its note is refused ($size)"
	keys D "fraud report received" Enter
	expect "'R00209' declined by override (was referred)" "D declines with the note ($size)"
	[ "$(sqlite3 "$d" "SELECT count(*) FROM decisions WHERE origin = 'override'")" = 2 ] &&
		ok "two overrides, no more ($size)" || bad "two overrides, no more ($size)"
	# The filter: the where language on the applicant.
	keys f
	expect "filter:" "f opens the filter prompt ($size)"
	keys "kind = company" Enter
	expect "filter: kind = company" "the title shows the queue's filter ($size)"
	n=$(sqlite3 "$d" "SELECT count(*) FROM credit_requests r JOIN customers c
		ON c.id = r.customer_id WHERE c.kind = 'company'")
	expect "Requests ($n)" "the queue holds the companies' requests only ($size)"
	expect_re '^ R00418 +referred .*Blauwal' "the first company's referral heads it ($size)"
	keys Enter
	expect_re 'C1253 +Blauwal Consulting' "Enter shows the applicant's profile ($size)"
	expect "Activity of C1253" "and its activity ($size)"
done

TUI_DB=$db start requests-20x5 20 5
keys i
expect "Requests (515)" "the Requests pane at 20x5"
expect_re '^ R[0-9]{5} +(referred|pending)' "the list's first row at 20x5"
