# The cut-off sweep on the current book (issue 14, item 1): `strategy NAME`'s second table,
# over the customers with an observed outcome scored by the model — its profiles when it
# serves, else its shadow scores — each at three cut-offs equal to a plain SQL count over
# those tables and outcomes, with the model's own scaling; the source switching from shadow
# scores to profiles when the model is promoted; one line, not an error, without scores or
# without observed outcomes (proxy labels are not outcomes). German Credit: sc serves, lg is
# a challenger.
G="$SHARED/datasets/german"
$RISKDESK --db g.sqlite -c "load customers $G/german.data --map $ROOT/sample-data/mappings/german.json" \
	-c "train sc --algo scorecard --folds-file $G/folds.csv" \
	-c "train lg --algo logit --folds-file $G/folds.csv" -c 'promote sc' > /dev/null

# check DB MODEL ROWS_SQL: the book's source and size, then its figures at 450, 550 and 650
# recomputed from ROWS_SQL (pd, defaulted) against the book_sweep array of --json.
check() {
	local db=$1 model=$2 rows=$3
	$RISKDESK --db "$db" --json -c "strategy $model --profit-good 100 --loss-bad 900" > sweep.json
	sqlite3 -separator ' ' "$db" "SELECT 'book:', j ->> '\$.book.scores_from', 'rows', j ->> '\$.book.rows',
	    'bads', j ->> '\$.book.bads', 'scored', j ->> '\$.book.scored',
	    '| SQL: rows', (SELECT count(*) FROM ($rows)), 'bads', (SELECT sum(defaulted) FROM ($rows))
	  FROM (SELECT readfile('sweep.json') AS j)"
	for s in 450 550 650; do
		sqlite3 -separator ' ' "$db" "
		  WITH m AS (SELECT json_extract(spec, '\$.scaling.base_score') AS b,
		      json_extract(spec, '\$.scaling.base_odds') AS o, json_extract(spec, '\$.scaling.pdo') AS p,
		      coalesce(json_extract(metrics, '\$.cost_fn'), 10) AS cfn,
		      coalesce(json_extract(metrics, '\$.cost_fp'), 1) AS cfp
		    FROM models WHERE name = '$model'),
		  c AS (SELECT 1 / (1 + o * pow(2, ($s - b) / p)) AS cut, cfn, cfp FROM m),
		  r AS ($rows),
		  t AS (SELECT count(*) AS n, sum(pd < cut) AS ok, sum(pd < cut AND defaulted) AS bad_ok,
		      sum(pd >= cut AND NOT defaulted) AS good_no, cfn, cfp FROM r, c)
		  SELECT $s, ok, printf('%.4f', 1.0 * ok / n), printf('%.4f', 1.0 * bad_ok / ok), bad_ok, good_no,
		    printf('%.4f', (cfn * bad_ok + cfp * good_no) / (1.0 * n)),
		    printf('%.2f', 100.0 * (ok - bad_ok) - 900.0 * bad_ok) FROM t" > sql.txt
		sqlite3 -separator ' ' "$db" "SELECT s.value ->> 'cutoff_score', s.value ->> 'approved',
		    printf('%.4f', s.value ->> 'approval_rate'), printf('%.4f', s.value ->> 'bad_rate'),
		    s.value ->> 'bads_accepted', s.value ->> 'goods_rejected',
		    printf('%.4f', s.value ->> 'expected_cost'), printf('%.2f', s.value ->> 'profit')
		  FROM json_each(readfile('sweep.json'), '\$.book_sweep') s
		  WHERE s.value ->> 'cutoff_score' = $s" > shown.txt
		cat sql.txt
		cmp -s sql.txt shown.txt && echo "  equal to the book's row" || { echo "  BOOK DIFFERS:"; cat shown.txt; }
	done
}
profiles_of() {
	echo "SELECT p.pd, o.defaulted FROM credit_profiles p JOIN outcomes o ON o.customer_id = p.customer_id
	  WHERE o.source = 'observed' AND p.model_name = '$1'"
}
shadow_of() {
	echo "SELECT s.pd, o.defaulted FROM shadow_scores s JOIN outcomes o ON o.customer_id = s.customer_id
	  WHERE o.source = 'observed' AND s.name = '$1'"
}

echo "--- before any recompute: no scores on the book, one line each"
$RISKDESK --db g.sqlite -c 'strategy sc --step 700' | grep '^book'
$RISKDESK --db g.sqlite -c 'strategy lg --step 700' | grep '^book'
$RISKDESK --db g.sqlite -c 'recompute all' > /dev/null

echo "--- sc serves: the book from its profiles (text, every 100 points)"
$RISKDESK --db g.sqlite -c 'strategy sc --step 100' | sed -n '/^\[book\]/,$p'
echo "--- sc's book at three cut-offs as plain SQL: cutoff, approved, approval rate, bad rate, bads accepted, goods rejected, cost, profit"
check g.sqlite sc "$(profiles_of sc)"

echo "--- lg neither serves nor runs in shadow: one line, the out-of-fold table still there"
$RISKDESK --db g.sqlite -c 'strategy lg --step 350'; echo "exit $?"
$RISKDESK --db g.sqlite --json -c 'strategy lg' > lg.json; echo "exit $?"
sqlite3 g.sqlite "SELECT 'json: sweep rows', json_array_length(j, '\$.sweep'), 'book', json_type(j, '\$.book'),
    'book_sweep', json_type(j, '\$.book_sweep'), 'message', j ->> '\$.messages[0]'
  FROM (SELECT readfile('lg.json') AS j)"

echo "--- lg in shadow: the book from its shadow scores"
$RISKDESK --db g.sqlite -c 'promote lg --shadow' > /dev/null
$RISKDESK --db g.sqlite -c 'strategy lg --step 700' | grep '^book'
$RISKDESK --db g.sqlite -c 'recompute all' > /dev/null
check g.sqlite lg "$(shadow_of lg)"

echo "--- lg promoted (on a copy): the book from its profiles; sc, no longer serving, has none"
cp g.sqlite promoted.sqlite
$RISKDESK --db promoted.sqlite -c 'promote lg' -c 'recompute all' > /dev/null
sqlite3 promoted.sqlite "SELECT 'shadow rows left', count(*) FROM shadow_scores"
check promoted.sqlite lg "$(profiles_of lg)"
$RISKDESK --db promoted.sqlite -c 'strategy sc --step 700' | grep '^book'

echo "--- 300 outcomes turned proxy labels (on a copy): the book is the 700 observed ones"
cp g.sqlite proxy.sqlite
sqlite3 proxy.sqlite "UPDATE outcomes SET source = 'proxy' WHERE customer_id IN
  (SELECT customer_id FROM outcomes ORDER BY customer_id LIMIT 300)"
check proxy.sqlite sc "$(profiles_of sc)"
sqlite3 proxy.sqlite "UPDATE outcomes SET source = 'proxy'"
$RISKDESK --db proxy.sqlite -c 'strategy sc --step 700' | grep '^book'
