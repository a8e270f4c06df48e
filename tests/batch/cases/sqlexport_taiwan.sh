# model export NAME FILE.sql on Taiwan (30,000 customers, 2 folds): every customer's score,
# band and PD (1e-9; xgb 1e-6, a score 1 point apart counted) and reasons as riskdesk's
# (txa, xgb --reasons approx of 100 trees of depth 4: XGBoost's approximate
# contributions), on SQLite and on a PostgreSQL server of the test's own. No forest here
# for now: SQLite ran its query in O(customers squared) (docs/design.md "Tests in
# parallel"); sqlexport_german and sqlexport_sample cover forests on 1,000 and 2,000
# customers. An xgb with exact SHAP reasons (NULL in SQL) scores by the same trees:
# sqlexport_german and sqlexport_sample cover it.
. "$ROOT/tests/batch/sqlexport_lib.sh"
pg_start
T=$SHARED/datasets/taiwan
$RISKDESK --db t.sqlite -c "load customers $T/UCI_Credit_Card.csv --map $ROOT/sample-data/mappings/taiwan.json" \
	-c 'train tl --algo logit --folds 2' -c 'train ts --algo scorecard --folds 2' \
	-c 'train txa --algo xgb --reasons approx --folds 2 --trees 100' >/dev/null
for m in tl ts txa; do
	tol=1e-9
	case $m in txa) tol=1e-6 ;; esac
	$RISKDESK --db t.sqlite -c "promote $m" -c 'recompute all' >/dev/null
	check t.sqlite "$m" $tol $m
done
