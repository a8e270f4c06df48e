# model export NAME FILE.sql on German Credit (its folds): every customer's score, band
# and PD (1e-9; xgb and rf 1e-6, a score 1 point apart counted) and reasons as riskdesk's
# (gr, a forest of 30 trees, and gxa, xgb --reasons approx of 100 trees: XGBoost's approximate contributions; gx's
# exact SHAP reasons are NULL in SQL, counted), the query run by SQLite and by a
# PostgreSQL server of the test's own.
. "$ROOT/tests/batch/sqlexport_lib.sh"
pg_start
G=$SHARED/datasets/german
$RISKDESK --db g.sqlite -c "load customers $G/german.data --map $ROOT/sample-data/mappings/german.json" \
	-c "train gl --algo logit --folds-file $G/folds.csv" -c "train gs --algo scorecard --folds-file $G/folds.csv" \
	-c "train gx --algo xgb --trees 100 --folds-file $G/folds.csv" -c "train gr --algo rf --trees 30 --folds-file $G/folds.csv" \
	-c "train gxa --algo xgb --reasons approx --trees 100 --folds-file $G/folds.csv" >/dev/null
for m in gl gs gx gr gxa; do
	tol=1e-9
	case $m in gx | gr | gxa) tol=1e-6 ;; esac
	$RISKDESK --db g.sqlite -c "promote $m" -c 'recompute all' >/dev/null
	check g.sqlite "$m" $tol $m
done
