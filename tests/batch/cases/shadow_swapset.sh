# Challengers in shadow and swap sets (issue 14, item 2), on German Credit: a scorecard
# serves, a logit runs in shadow. Its shadow scores equal what it gives when it serves (a
# copy of the store where it is promoted and recomputed); they never serve (the profiles
# are the scorecard's, unchanged) and survive a recompute; the swap-set counts add up to
# the book and equal a plain SQL count over the profiles, the shadow scores and outcomes.
G="$SHARED/datasets/german"
$RISKDESK --db g.sqlite -c "load customers $G/german.data --map $ROOT/sample-data/mappings/german.json" \
	-c "train sc --algo scorecard --folds-file $G/folds.csv" \
	-c "train lg --algo logit --folds-file $G/folds.csv" -c 'promote sc' -c 'recompute all' > /dev/null
sqlite3 g.sqlite "SELECT customer_id, score, pd, band FROM credit_profiles ORDER BY 1" > served.txt
echo "--- promote lg --shadow, recompute"
$RISKDESK --db g.sqlite -c 'promote lg --shadow'
$RISKDESK --db g.sqlite -c 'recompute all' | grep -E '^(recomputed|in shadow)' | sed 's/in [0-9.]* s/in <SECS>/'
sqlite3 g.sqlite "SELECT name, version, status, shadow FROM models WHERE name != 'rules' ORDER BY 1"
sqlite3 g.sqlite "SELECT customer_id, score, pd, band FROM credit_profiles ORDER BY 1" |
	cmp -s - served.txt && echo "the profiles are the scorecard's, unchanged: the shadow never serves"
sqlite3 g.sqlite "SELECT 'shadow rows', count(*), count(DISTINCT customer_id), min(name), min(version) FROM shadow_scores"
echo "--- lg promoted on a copy: its profiles equal the shadow scores"
cp g.sqlite copy.sqlite
$RISKDESK --db copy.sqlite -c 'promote lg' -c 'recompute all' > /dev/null
sqlite3 g.sqlite "ATTACH 'copy.sqlite' AS c;
  SELECT 'equal to lg serving', count(*), sum(s.score = p.score AND s.band = p.band
    AND abs(s.pd - p.pd) <= 1e-12 AND s.cutoff_pd = p.cutoff_pd)
  FROM shadow_scores s JOIN c.credit_profiles p USING (customer_id) WHERE p.model_name = 'lg'"
echo "--- the swap set"
$RISKDESK --db g.sqlite -c 'swapset sc lg'
echo "--- the same cells as plain SQL: champion approves, challenger approves, customers, with outcome, bads"
sqlite3 -separator ' ' g.sqlite "SELECT p.pd < p.cutoff_pd, s.pd < s.cutoff_pd, count(*),
    count(o.defaulted), sum(o.defaulted)
  FROM credit_profiles p JOIN shadow_scores s USING (customer_id)
  LEFT JOIN outcomes o ON o.customer_id = p.customer_id AND o.source = 'observed'
  GROUP BY 1, 2 ORDER BY 1 DESC, 2 DESC"
$RISKDESK --db g.sqlite --json -c 'swapset sc lg' > swap.json
sqlite3 g.sqlite "WITH q AS (SELECT p.pd < p.cutoff_pd AS a, s.pd < s.cutoff_pd AS b, count(*) AS n,
      count(o.defaulted) AS k, sum(o.defaulted) AS bad
    FROM credit_profiles p JOIN shadow_scores s USING (customer_id)
    LEFT JOIN outcomes o ON o.customer_id = p.customer_id AND o.source = 'observed' GROUP BY 1, 2),
  j AS (SELECT c.value ->> 'champion' = 'approve' AS a, c.value ->> 'challenger' = 'approve' AS b,
      c.value ->> 'customers' AS n, c.value ->> 'outcomes' AS k, c.value ->> 'observed_bad_rate' AS r
    FROM json_each(readfile('swap.json'), '\$.cells') c)
  SELECT 'cells equal to the SQL', count(*), sum(j.n = q.n AND j.k = q.k
    AND abs(j.r - 1.0 * q.bad / q.k) < 5e-5) FROM j JOIN q USING (a, b)"
sqlite3 g.sqlite "SELECT 'cells add up to the book', sum(c.value ->> 'customers'),
    (SELECT count(*) FROM customers) FROM json_each(readfile('swap.json'), '\$.cells') c"
sqlite3 g.sqlite "WITH q AS (SELECT printf('%.4f', 1.0 * sum(p.pd < p.cutoff_pd) / count(*)) AS a,
      printf('%.4f', 1.0 * sum(s.pd < s.cutoff_pd) / count(*)) AS b
    FROM credit_profiles p JOIN shadow_scores s USING (customer_id)),
  j AS (SELECT printf('%.4f', x ->> '\$.swapset.approval_champion') AS a,
      printf('%.4f', x ->> '\$.swapset.approval_challenger') AS b FROM (SELECT readfile('swap.json') AS x))
  SELECT 'approval rates (champion, challenger) as SQL', q.a, q.b, 'shown', j.a, j.b,
    CASE WHEN q.a = j.a AND q.b = j.b THEN 'equal' ELSE 'DIFFER' END FROM q, j"
echo "--- the shadow survives a recompute, and one customer's recompute rewrites its row"
$RISKDESK --db g.sqlite -c 'recompute all' > /dev/null
sqlite3 g.sqlite "SELECT 'rows', count(*), 'of the last run', sum(run_id = (SELECT max(id) FROM runs
  WHERE kind = 'recompute')) FROM shadow_scores"
$RISKDESK --db g.sqlite -c 'recompute --id G0007' > /dev/null
sqlite3 g.sqlite "SELECT 'G0007 by the newest run', run_id = (SELECT max(id) FROM runs WHERE kind = 'recompute')
  FROM shadow_scores WHERE customer_id = 'G0007'"
echo "--- refused, and the end of a shadow"
for bad in 'promote rules --shadow' 'promote sc --shadow' 'promote lg --shadow --blend 2' \
	'swapset sc sc' 'swapset sc rules' 'swapset sc nosuch'; do
	$RISKDESK --db g.sqlite -c "$bad"; echo "exit $?"
done
$RISKDESK --db g.sqlite -c 'promote lg --shadow'
$RISKDESK --db g.sqlite -c 'retire lg'
sqlite3 g.sqlite "SELECT name, status, shadow FROM models WHERE name = 'lg'"
$RISKDESK --db g.sqlite -c 'recompute all' | grep -c 'in shadow'
sqlite3 g.sqlite "SELECT 'shadow rows after', count(*) FROM shadow_scores"
