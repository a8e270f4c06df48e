# The strategy curve in the Models pane (issue 14, item 1): the approval rate against the bad
# rate, the model's cut-off marked, and the figures at it and 25 and 50 points either side;
# the cut-off row's figures equal a plain SQL count over model_oof with the model's scaling;
# a line says why there is no sweep on the book (no profile yet: the fixture was not
# recomputed; models_swapset checks the book's figures). 120x40 and 80x24 (fixture german: a
# scorecard g1 serving).
if g=$(fixture german); then
	for size in 120x40 80x24; do
		TUI_DB=$g/german.db start "strategy-$size" "${size%x*}" "${size#*x}"
		db=$work/strategy-$size.db
		expect "G0000" "opens ($size)"
		keys m
		expect "Models (2)" "the Models pane ($size)"
		keys '}' '}'
		expect "Strategy: approval rate against bad rate" "} } reaches the strategy section ($size)"
		expect "approval rate" "the curve's x axis ($size)"
		cut=$(sqlite3 "$db" "SELECT json_extract(metrics, '\$.threshold_score') FROM models WHERE name = 'g1'")
		want=$(sqlite3 "$db" "WITH c AS (SELECT 1 / (1 + 19 * pow(2, ($cut - 600) / 50.0)) AS pd FROM models
		    WHERE name = 'g1'), t AS (SELECT count(*) AS n, sum(o.pd < c.pd) AS ok,
		    sum(o.pd < c.pd AND o.defaulted) AS bad FROM model_oof o, c WHERE o.name = 'g1')
		  SELECT printf('%.2f%% +%.1f%% +%.1f%%', 100 * c.pd, 100.0 * ok / n, 100.0 * bad / ok) FROM t, c")
		expect_re "^ +$cut \\* +$want " "the cut-off row: PD, approved and bad rate as plain SQL ($size)"
		keys J J J J
		expect "the model's cut-off; 'strategy NAME --cutoff SCORE'" "the legend ($size)"
		# The fixture was never recomputed: g1 serves but no profile carries its scores.
		expect "book: g1@1 serves but no profile carries its scores" "no book, said in one line ($size)"
		keys q
		expect "exited 0" "quits ($size)"
	done
else
	current=models_strategy
	bad "cannot train on German Credit"
fi
