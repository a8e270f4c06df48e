# Model quality on the public datasets with their reference folds (BASELINES.md minus
# 0.01), and on the synthetic sample a trained model beats the rules score.
auc() { sed -n 's/^auc_fold_mean *//p'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
$RISKDESK --db g.sqlite -c "load customers $SHARED/datasets/german/german.data --map $ROOT/sample-data/mappings/german.json" >/dev/null
a=$($RISKDESK --db g.sqlite -c "train g1 --algo logit --folds-file $SHARED/datasets/german/folds.csv" | auc)
ge "$a" 0.776 && echo "german logit fold-mean AUC >= 0.776" || echo "german logit AUC $a < 0.776"
$RISKDESK --db t.sqlite -c "load customers $SHARED/datasets/taiwan/UCI_Credit_Card.csv --map $ROOT/sample-data/mappings/taiwan.json" >/dev/null
a=$($RISKDESK --db t.sqlite -c "train t1 --algo logit --folds-file $SHARED/datasets/taiwan/folds.csv" | auc)
ge "$a" 0.714 && echo "taiwan logit fold-mean AUC >= 0.714" || echo "taiwan logit AUC $a < 0.714"
$RISKDESK --db s.sqlite -c "load $ROOT/sample-data" -c 'recompute all' >/dev/null
a=$($RISKDESK --db s.sqlite -c 'train s1 --algo logit' | auc)
# the rules model's AUC on the same customers: a higher score means a lower risk
r=$(sqlite3 s.sqlite "WITH x AS (SELECT -p.score AS s, o.defaulted AS y FROM credit_profiles p
  JOIN outcomes o USING (customer_id)),
  pos AS (SELECT count(*) n FROM x WHERE y = 1), neg AS (SELECT count(*) n FROM x WHERE y = 0)
  SELECT (SELECT sum((SELECT count(*) FROM x b WHERE b.y = 0 AND b.s < a.s)
               + 0.5 * (SELECT count(*) FROM x b WHERE b.y = 0 AND b.s = a.s))
          FROM x a WHERE a.y = 1) * 1.0 / ((SELECT n FROM pos) * (SELECT n FROM neg))")
ge "$a" "$r" && echo "sample: logit beats the rules score" || echo "sample: logit $a <= rules $r"
sqlite3 s.sqlite "SELECT name, version, algo, status FROM models WHERE name = 's1'"
$RISKDESK --db s.sqlite -c 'promote s1'; echo "status $?"
$RISKDESK --db s.sqlite -c 'train s2 --algo xgb'; echo "status $?"
$RISKDESK --db s.sqlite -c 'train s3 --algo logit --features shoe_size'; echo "status $?"
$RISKDESK --db s.sqlite -c 'runs' | awk 'NR > 1 && $2 == "train" { print $2, $3, $4 }'
