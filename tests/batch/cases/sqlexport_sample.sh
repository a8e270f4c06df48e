# model export NAME FILE.sql on the sample data: the query, run by SQLite and by a
# PostgreSQL server of the test's own on a features table made from the profiles, gives
# every customer riskdesk's score, band, PD (within 1e-9; trees 1e-6) and reasons (codes,
# texts, points; xgb's exact SHAP reasons are NULL in SQL, counted), for the rules model,
# logit, scorecard, xgb (100 trees), rf (30 trees: more as SQL only take longer) and the serving models (a blend, segments routed apart; then a
# forest in the blend); with --with-features the query computes the features
# from the customers, orders and payments itself. The file is mode 0600.
. "$ROOT/tests/batch/sqlexport_lib.sh"
pg_start
$RISKDESK --db s.sqlite -c "load $ROOT/sample-data" -c 'recompute all' -c 'model export rules r.sql' | grep written
stat -c '%a %n' r.sql
pg_store s.sqlite
check s.sqlite 'rules' 1e-9 rules
check s.sqlite 'rules, its own features' 1e-9 rules --with-features
$RISKDESK --db s.sqlite -c 'train sl --algo logit' -c 'train ss --algo scorecard' -c 'train sx --algo xgb --trees 100' \
	-c 'train sr --algo rf --trees 30' -c 'train sn --algo logit --segment new' >/dev/null
for m in sl ss sx sr; do
	tol=1e-9
	case $m in sx | sr) tol=1e-6 ;; esac
	$RISKDESK --db s.sqlite -c "promote $m" -c 'recompute all' >/dev/null
	check s.sqlite "$m" $tol $m
	check s.sqlite "$m, its own features" $tol $m --with-features
done
# Serving: a blend of sl and ss for existing customers, sn alone for new ones.
$RISKDESK --db s.sqlite -c 'promote sl' -c 'promote ss --blend 2' -c 'promote sn' -c 'recompute all' \
	>/dev/null
$RISKDESK --db s.sqlite -c models | sed -n "/^segment/,\$p"
check s.sqlite 'serving' 1e-9 serving
check s.sqlite 'serving, its own features' 1e-9 serving --with-features
sqlite3 s.sqlite "SELECT model, count(*) FROM res GROUP BY model ORDER BY model"
# A forest in the existing customers' blend: its reasons (approximate contributions) are
# weighted into the blend's as riskdesk does (sx's exact SHAP would leave them NULL).
$RISKDESK --db s.sqlite -c 'train sre --algo rf --trees 30 --segment existing' -c 'promote sre --blend 1' \
	-c 'recompute all' >/dev/null
check s.sqlite 'serving, a forest in the blend' 1e-6 serving
