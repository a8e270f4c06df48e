# The analyst's path: German Credit with its mapping, a scorecard trained, promoted and
# serving (band, PD, reasons from its points); the model moved to another database scores
# identically; routing of new and existing customers with a blend.
G="$SHARED/datasets/german"
$RISKDESK --db g.sqlite -c "load customers $G/german.data --map $ROOT/sample-data/mappings/german.json" >/dev/null
$RISKDESK --db g.sqlite -c "train g1 --algo scorecard --folds-file $G/folds.csv" | grep -E '^(name|algo|segment|status|rows|bads|columns|auc_fold_mean|registered)'
$RISKDESK --db g.sqlite -c 'promote g1' -c 'recompute all' | grep -v '^recomputed\|^scoring by'
$RISKDESK --db g.sqlite -c 'show G0001' | sed -n '/^score /,/^last_activity/p;/^code /,/^$/p'
$RISKDESK --db g.sqlite -c 'model g1' | sed -n '/^checking_status  *categorical/p;/^base_points/p;/^checking_status  *A1/p'
echo "--- every reason of a scorecard profile is a column of its points table"
sqlite3 g.sqlite "SELECT count(*), sum(json_array_length(reasons) BETWEEN 1 AND 4),
  sum(model_name = 'g1') FROM credit_profiles_full"
echo "--- export, import elsewhere, identical scores"
$RISKDESK --db g.sqlite -c 'model export g1 g1.model'
$RISKDESK --db g2.sqlite -c "load customers $G/german.data --map $ROOT/sample-data/mappings/german.json" >/dev/null
$RISKDESK --db g2.sqlite -c 'model import g1.model' -c 'promote g1' -c 'recompute all' >/dev/null
sqlite3 g.sqlite "ATTACH 'g2.sqlite' AS b; SELECT count(*) FROM credit_profiles_full p
  JOIN b.credit_profiles_full q USING (customer_id) WHERE p.score = q.score AND p.pd = q.pd
  AND p.reasons = q.reasons AND q.model_name = 'g1'"
echo "--- xgb: SHAP reasons, and identical after a move"
$RISKDESK --db g.sqlite -c 'train gx --algo xgb --trees 60' -c 'promote gx' -c 'retire g1' -c 'recompute all' | grep -E '^(name|algo|status)|champion|retired' | grep -v '^scoring by'
$RISKDESK --db g.sqlite -c 'model export gx gx.model'
$RISKDESK --db g2.sqlite -c 'model import gx.model' -c 'promote gx' -c 'retire g1' -c 'recompute all' >/dev/null
sqlite3 g.sqlite "ATTACH 'g2.sqlite' AS b; SELECT count(*), sum(p.score = q.score AND p.pd = q.pd
  AND p.reasons = q.reasons), sum(p.model_name = 'gx') FROM credit_profiles_full p
  JOIN b.credit_profiles_full q USING (customer_id)"
sqlite3 g.sqlite "SELECT json_extract(reasons, '\$[0].code') LIKE 'M-%' FROM credit_profiles_full
  WHERE customer_id = 'G0001'"
echo "--- routing: new and existing customers, a blend, fallback"
$RISKDESK --db s.sqlite -c "load $ROOT/sample-data" >/dev/null
$RISKDESK --db s.sqlite -c 'train n1 --algo logit --segment new' -c 'train e1 --algo scorecard --segment existing' \
  -c 'train e2 --algo xgb --segment existing --trees 40' | grep -E '^(name|segment|rows)'
$RISKDESK --db s.sqlite -c 'promote n1' -c 'promote e1' -c 'promote e2 --blend 3' -c 'recompute all' >/dev/null
sqlite3 s.sqlite "SELECT segment, model_name, count(*), sum(json_array_length(components))
  FROM credit_profiles_full GROUP BY 1, 2 ORDER BY 1, 2"
echo "--- a weighted score lies between its components"
sqlite3 s.sqlite "SELECT count(*) FROM credit_profiles_full WHERE segment = 'existing' AND NOT (score
  BETWEEN (SELECT min(json_extract(value, '$.score')) FROM json_each(components))
  AND (SELECT max(json_extract(value, '$.score')) FROM json_each(components)))"
$RISKDESK --db s.sqlite -c 'retire n1' -c 'recompute all' >/dev/null
sqlite3 s.sqlite "SELECT segment, model_name, count(*) FROM credit_profiles GROUP BY 1, 2 ORDER BY 1, 2"
echo "--- bad input"
$RISKDESK --db s.sqlite -c 'train z --algo forest'; echo "status $?"
$RISKDESK --db s.sqlite -c 'train z --algo logit --segment old'; echo "status $?"
$RISKDESK --db s.sqlite -c 'promote e1 --blend -1'; echo "status $?"
printf '{"format":"riskdesk-model-1","name":"q","algo":"logit","spec":{"algo":"logit","intercept":0,"columns":[{"name":"x","mean":0,"sd":0,"weight":1}]}}' > bad.model
$RISKDESK --db s.sqlite -c 'model import bad.model'; echo "status $?"
sed 's/"booster"/"boost"/' gx.model > bad2.model
$RISKDESK --db s.sqlite -c 'model import bad2.model'; echo "status $?"
