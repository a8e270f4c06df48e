# The swap set in the Models pane (issue 14, item 2): a logit g2 in shadow beside the serving
# scorecard g1 (fixture german); selecting g2 shows its swap set against g1, each cell's count
# equal to a plain SQL count over the profiles and the shadow scores. 120x40 and 80x24.
if g=$(fixture german); then
	cp "$g/german.db" "$work/shadow.db"
	"$rd" --db "$work/shadow.db" -c 'train g2 --algo logit' -c 'promote g2 --shadow' \
		-c 'recompute all' >/dev/null || bad "g2 in shadow"
	for size in 120x40 80x24; do
		TUI_DB=$work/shadow.db start "swapset-$size" "${size%x*}" "${size#*x}"
		db=$work/swapset-$size.db
		expect "G0000" "opens ($size)"
		keys m
		expect "Models (3)" "the Models pane ($size)"
		expect_re '^  g2@1 +challenger +logit' "g2 listed as a challenger ($size)"
		# The pane opens on the champion g1; g2 is the next row of the registry.
		keys j
		expect_re '^ g2@1  logit  segment all  challenger' "g2 selected ($size)"
		keys '}' '}' '}'
		expect "Swap set against g1@1 (profiles; this one: shadow, 1000 customers)" \
			"} reaches the swap set against the champion ($size)"
		for cell in "approved by both:1:1" "swap-out:1:0" "swap-in:0:1" "declined by both:0:0"; do
			name=${cell%%:*}
			rest=${cell#*:}
			n=$(sqlite3 "$db" "SELECT count(*) FROM credit_profiles p JOIN shadow_scores s USING (customer_id)
			  WHERE (p.pd < p.cutoff_pd) = ${rest%%:*} AND (s.pd < s.cutoff_pd) = ${rest#*:}")
			expect_re "^ $name +(approve|decline) +(approve|decline) +$n " "$name: $n customers as plain SQL ($size)"
		done
		keys q
		expect "exited 0" "quits ($size)"
	done
else
	current=models_swapset
	bad "cannot train on German Credit"
fi
