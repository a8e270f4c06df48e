# The swap set in the Models pane (issue 14, item 2): a logit g2 in shadow beside the serving
# scorecard g1 (fixture german); selecting g2 shows its swap set against g1, each cell's count
# equal to a plain SQL count over the profiles and the shadow scores. The strategy sections
# of both show the sweep on the book (issue 14, item 1): g1's from its profiles, g2's from its
# shadow scores, the book's size and the cut-off row's approval and bad rates on the book
# equal to plain SQL over those and the observed outcomes. 120x40 and 80x24.
if g=$(fixture german); then
	cp "$g/german.db" "$work/shadow.db"
	"$rd" --db "$work/shadow.db" -c 'train g2 --algo logit' -c 'promote g2 --shadow' \
		-c 'recompute all' >/dev/null || bad "g2 in shadow"
	# book_row DB MODEL ROWS_SQL: the cut-off row's pattern, its book columns (approval rate,
	# bad rate among the approved) computed from ROWS_SQL (pd, defaulted).
	book_row() {
		local cut want
		cut=$(sqlite3 "$1" "SELECT json_extract(metrics, '\$.threshold_score') FROM models WHERE name = '$2'")
		want=$(sqlite3 "$1" "WITH c AS (SELECT 1 / (1 + 19 * pow(2, ($cut - 600) / 50.0)) AS pd),
		    t AS (SELECT count(*) AS n, sum(r.pd < c.pd) AS ok, sum(r.pd < c.pd AND r.defaulted) AS bad
		      FROM ($3) r, c)
		  SELECT printf('%.1f%% +%.1f%%', 100.0 * ok / n, 100.0 * bad / ok) FROM t")
		echo "^ +$cut \\* +[0-9.]+% +[0-9.]+% +[0-9.]+% +[0-9.]+ +$want *\$"
	}
	for size in 120x40 80x24; do
		TUI_DB=$work/shadow.db start "swapset-$size" "${size%x*}" "${size#*x}"
		db=$work/swapset-$size.db
		expect "G0000" "opens ($size)"
		keys m
		expect "Models (3)" "the Models pane ($size)"
		expect_re '^  g2@1 +challenger +logit' "g2 listed as a challenger ($size)"
		# The pane opens on the champion g1: its strategy section, the book from its profiles.
		keys '}' '}'
		rows="SELECT p.pd, o.defaulted FROM credit_profiles p JOIN outcomes o USING (customer_id)
		  WHERE o.source = 'observed' AND p.model_name = 'g1'"
		expect_re "$(book_row "$db" g1 "$rows")" "g1's cut-off row: the book's rates as plain SQL ($size)"
		keys J J J J J
		expect "book: $(sqlite3 "$db" "SELECT count(*) FROM ($rows)") customers with outcomes (profiles)" \
			"g1's book: its size as plain SQL, from the profiles ($size)"
		# g2 is the next row of the registry.
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
		keys '{'
		rows="SELECT s.pd, o.defaulted FROM shadow_scores s JOIN outcomes o USING (customer_id)
		  WHERE o.source = 'observed' AND s.name = 'g2'"
		expect_re "$(book_row "$db" g2 "$rows")" "g2's cut-off row: the book's rates as plain SQL ($size)"
		keys J J J J J
		expect "book: $(sqlite3 "$db" "SELECT count(*) FROM ($rows)") customers with outcomes (shadow)" \
			"g2's book: its size as plain SQL, from the shadow scores ($size)"
		keys q
		expect "exited 0" "quits ($size)"
	done
else
	current=models_swapset
	bad "cannot train on German Credit"
fi
