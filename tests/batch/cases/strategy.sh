# The cut-off sweep (issue 14, item 1): `strategy NAME` on German Credit's scorecard, its
# figures at three cut-offs recomputed as plain SQL over model_oof with the model's own
# scaling; `strategy NAME --cutoff SCORE` stores the cut-off (audited, refused read-only)
# and changes the decisions of the profiles after recompute, as counted independently.
G="$SHARED/datasets/german"
$RISKDESK --db g.sqlite -c "load customers $G/german.data --map $ROOT/sample-data/mappings/german.json" \
	-c "train sc --algo scorecard --folds-file $G/folds.csv" -c 'promote sc' -c 'recompute all' > /dev/null
echo "--- the sweep, every 50 points, with a profit"
$RISKDESK --db g.sqlite -c 'strategy sc --step 50 --profit-good 100 --loss-bad 900'
echo "--- three cut-offs as plain SQL: cutoff, approved, bad rate, bads accepted, goods rejected, cost, profit"
$RISKDESK --db g.sqlite --json -c 'strategy sc --step 10 --profit-good 100 --loss-bad 900' > sweep.json
for s in 450 550 650; do
	sqlite3 -separator ' ' g.sqlite "
	  WITH m AS (SELECT json_extract(spec, '\$.scaling.base_score') AS b,
	      json_extract(spec, '\$.scaling.base_odds') AS o, json_extract(spec, '\$.scaling.pdo') AS p,
	      coalesce(json_extract(metrics, '\$.cost_fn'), 10) AS cfn,
	      coalesce(json_extract(metrics, '\$.cost_fp'), 1) AS cfp
	    FROM models WHERE name = 'sc'),
	  c AS (SELECT 1 / (1 + o * pow(2, ($s - b) / p)) AS cut, cfn, cfp FROM m),
	  t AS (SELECT count(*) AS n, sum(pd < cut) AS ok, sum(pd < cut AND defaulted) AS bad_ok,
	      sum(pd >= cut AND NOT defaulted) AS good_no, cfn, cfp
	    FROM model_oof, c WHERE name = 'sc')
	  SELECT $s, ok, printf('%.4f', 1.0 * bad_ok / ok), bad_ok, good_no,
	    printf('%.4f', (cfn * bad_ok + cfp * good_no) / (1.0 * n)),
	    printf('%.2f', 100.0 * (ok - bad_ok) - 900.0 * bad_ok) FROM t" > sql.txt
	sqlite3 -separator ' ' g.sqlite "SELECT s.value ->> 'cutoff_score', s.value ->> 'approved',
	    printf('%.4f', s.value ->> 'bad_rate'), s.value ->> 'bads_accepted',
	    s.value ->> 'goods_rejected', printf('%.4f', s.value ->> 'expected_cost'),
	    printf('%.2f', s.value ->> 'profit')
	  FROM json_each(readfile('sweep.json'), '\$.sweep') s WHERE s.value ->> 'cutoff_score' = $s" > shown.txt
	cat sql.txt
	cmp -s sql.txt shown.txt && echo "  equal to the sweep's row" || { echo "  SWEEP DIFFERS:"; cat shown.txt; }
done
echo "--- cutoff_pd of every row = 1 / (1 + base_odds * 2^((s - base_score) / pdo)), computed by awk"
sqlite3 -separator ' ' g.sqlite "SELECT json_extract(spec, '\$.scaling.base_score'),
    json_extract(spec, '\$.scaling.base_odds'), json_extract(spec, '\$.scaling.pdo') FROM models WHERE name = 'sc'" > scaling.txt
sqlite3 -separator ' ' g.sqlite "SELECT s.value ->> 'cutoff_score', printf('%.6f', s.value ->> 'cutoff_pd')
  FROM json_each(readfile('sweep.json'), '\$.sweep') s" |
	awk 'NR == FNR { b = $1; o = $2; p = $3; next }
	     { n++; want = sprintf("%.6f", 1 / (1 + o * 2 ^ (($1 - b) / p)))
	       if (want == $2) ok++; else print "  row " $1 ": shown " $2 ", formula " want }
	     END { print "scaling " b " " o " " p ": " n " rows, " ok " equal to the formula" }' scaling.txt -
echo "--- the cost-optimal cut-off costs no more than any cut-off of the sweep"
sqlite3 g.sqlite "SELECT 'stored cut-off', json_extract(metrics, '\$.threshold_score'),
    printf('%.4f', json_extract(metrics, '\$.expected_cost')),
    'least on the grid', (SELECT printf('%s at %s', s.value ->> 'expected_cost', s.value ->> 'cutoff_score')
      FROM json_each(readfile('sweep.json'), '\$.sweep') s
      ORDER BY s.value ->> 'expected_cost' + 0 LIMIT 1),
    json_extract(metrics, '\$.expected_cost') <= (SELECT min(s.value ->> 'expected_cost' + 0)
      FROM json_each(readfile('sweep.json'), '\$.sweep') s) + 5e-5
  FROM models WHERE name = 'sc'"

echo "--- --cutoff 650: stored, audited; recompute declines by it"
declined() {
	sqlite3 g.sqlite "SELECT '$1: profiles declined (pd >= their cut-off)', sum(pd >= cutoff_pd),
	  'by the stored threshold', sum(pd >= (SELECT json_extract(metrics, '\$.threshold_pd') FROM models WHERE name = 'sc'))
	  FROM credit_profiles"
}
declined before
$RISKDESK --db g.sqlite --read-only -c 'strategy sc --cutoff 650'; echo "exit $?"
$RISKDESK --db g.sqlite -c 'strategy sc --cutoff 650'
$RISKDESK --db g.sqlite -c 'recompute all' > /dev/null
declined after
sqlite3 g.sqlite "SELECT 'threshold', printf('%.10f', json_extract(metrics, '\$.threshold_pd')),
    printf('%.10f', 1 / (1 + 19 * pow(2, (650 - 600) / 50.0))), json_extract(metrics, '\$.threshold_score'),
    json_extract(metrics, '\$.threshold_by'), printf('%.6f', json_extract(metrics, '\$.threshold_pd_cost'))
  FROM models WHERE name = 'sc';
  SELECT kind, status FROM runs WHERE kind LIKE 'strategy%' ORDER BY id;
  SELECT status, command FROM audit WHERE command LIKE 'strategy%' ORDER BY id"
$RISKDESK --db g.sqlite -c 'show G0000' | grep -E '^(pd|cutoff_pd|decision) '

echo "--- refused"
for bad in 'rules' 'nosuch' 'sc --step 0' 'sc --cutoff 200' 'sc --cutoff 65O' 'sc --profit-good 5' \
	'sc --profit-good -1 --loss-bad 2'; do
	$RISKDESK --db g.sqlite -c "strategy $bad"; echo "exit $?"
done
