# Model quality on the public datasets with their reference folds: every algorithm's
# fold-mean AUC at least BASELINES.md's minus 0.01; German checking_status IV 0.666 with
# one bin per category; on the synthetic sample a trained model beats the rules score.
auc() { sed -n 's/^auc_fold_mean *//p'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
check() { # dataset algo target
	a=$($RISKDESK --db "$1.sqlite" -c "train $1_$2 --algo $2 --folds-file $SHARED/datasets/$1/folds.csv" | auc)
	ge "$a" "$3" && echo "$1 $2 fold-mean AUC >= $3" || echo "$1 $2 AUC $a < $3"
}
$RISKDESK --db german.sqlite -c "load customers $SHARED/datasets/german/german.data --map $ROOT/sample-data/mappings/german.json" >/dev/null
check german logit 0.776
check german scorecard 0.768
check german xgb 0.776
$RISKDESK --db german.sqlite -c 'model german_scorecard' | awk '$1 == "checking_status" && $2 == "categorical" { print $1, "bins", $3, "IV", $5 }'
$RISKDESK --db taiwan.sqlite -c "load customers $SHARED/datasets/taiwan/UCI_Credit_Card.csv --map $ROOT/sample-data/mappings/taiwan.json" >/dev/null
check taiwan logit 0.714
check taiwan scorecard 0.760
check taiwan xgb 0.772
$RISKDESK --db s.sqlite -c "load $ROOT/sample-data" -c 'recompute all' >/dev/null
# the rules model's AUC on the same customers: a higher score means a lower risk
r=$(sqlite3 s.sqlite "WITH x AS (SELECT -p.score AS s, o.defaulted AS y FROM credit_profiles p
  JOIN outcomes o USING (customer_id)),
  pos AS (SELECT count(*) n FROM x WHERE y = 1), neg AS (SELECT count(*) n FROM x WHERE y = 0)
  SELECT (SELECT sum((SELECT count(*) FROM x b WHERE b.y = 0 AND b.s < a.s)
               + 0.5 * (SELECT count(*) FROM x b WHERE b.y = 0 AND b.s = a.s))
          FROM x a WHERE a.y = 1) * 1.0 / ((SELECT n FROM pos) * (SELECT n FROM neg))")
for algo in logit scorecard xgb; do
	a=$($RISKDESK --db s.sqlite -c "train s_$algo --algo $algo" | auc)
	ge "$a" "$r" && echo "sample: $algo beats the rules score" || echo "sample: $algo $a <= rules $r"
done
sqlite3 s.sqlite "SELECT name, version, algo, status FROM models WHERE name LIKE 's\_%' ESCAPE '\\' ORDER BY name"
$RISKDESK --db s.sqlite -c 'train s3 --algo logit --features shoe_size'; echo "status $?"
$RISKDESK --db s.sqlite -c 'runs' | awk 'NR > 1 && $2 == "train" { print $2, $3, $4 }'
