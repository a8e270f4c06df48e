# model export NAME FILE.sql on Taiwan (its first 10,000 customers, 2 folds): every customer's score,
# band and PD (1e-9; xgb and rf 1e-6, a score 1 point apart counted) and reasons as
# riskdesk's (tr, a forest of 25 trees of rf's default depth, and txa, xgb --reasons
# approx of 50 trees of depth 4: XGBoost's approximate contributions), on SQLite and on a
# PostgreSQL server of the test's own. The query walks each tree and joins nothing
# (docs/design.md "Forests as SQL"), so its time grows with the customers, not their
# square. An xgb with exact SHAP reasons (NULL in SQL) scores by the same trees:
# sqlexport_german and sqlexport_sample cover it.
. "$ROOT/tests/batch/sqlexport_lib.sh"
pg_start
head -n 10001 "$SHARED/datasets/taiwan/UCI_Credit_Card.csv" >taiwan.csv
$RISKDESK --db t.sqlite -c "load customers taiwan.csv --map $ROOT/sample-data/mappings/taiwan.json" \
	-c 'train tl --algo logit --folds 2' -c 'train ts --algo scorecard --folds 2' \
	-c 'train tr --algo rf --folds 2 --trees 25' \
	-c 'train txa --algo xgb --reasons approx --folds 2 --trees 50' >/dev/null
for m in tl ts tr txa; do
	tol=1e-9
	case $m in tr | txa) tol=1e-6 ;; esac
	$RISKDESK --db t.sqlite -c "promote $m" -c 'recompute all' >/dev/null
	check t.sqlite "$m" $tol $m
done
