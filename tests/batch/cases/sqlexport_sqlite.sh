# model export NAME FILE.sql: the query, run by SQLite on a features table made from the
# profiles, gives every customer riskdesk's score, band, PD (within 1e-9) and reasons
# (codes, texts, points), for the rules model, logit and scorecard, on the sample data,
# German Credit and Taiwan; with --with-features the query computes the features itself.
. "$ROOT/tests/batch/sqlexport_lib.sh"
$RISKDESK --db s.sqlite -c "load $ROOT/sample-data" -c 'recompute all' -c 'model export rules r.sql' \
	-c 'model export rules rf.sql --with-features' | grep written
stat -c '%a %n' r.sql
features s.sqlite r.sql
on_sqlite s.sqlite r.sql && compare s.sqlite 'sample rules' 1e-9
on_sqlite s.sqlite rf.sql && compare s.sqlite 'sample rules, its own features' 1e-9
$RISKDESK --db s.sqlite -c 'train sl --algo logit' -c 'train ss --algo scorecard' >/dev/null
for m in sl ss; do
	$RISKDESK --db s.sqlite -c "promote $m" -c 'recompute all' -c "model export $m $m.sql" \
		-c "model export $m ${m}f.sql --with-features" | grep written
	features s.sqlite $m.sql
	on_sqlite s.sqlite $m.sql && compare s.sqlite "sample $m" 1e-9
	on_sqlite s.sqlite ${m}f.sql && compare s.sqlite "sample $m, its own features" 1e-9
done
G=$SHARED/datasets/german
$RISKDESK --db g.sqlite -c "load customers $G/german.data --map $ROOT/sample-data/mappings/german.json" \
	-c "train gl --algo logit --folds-file $G/folds.csv" -c "train gs --algo scorecard --folds-file $G/folds.csv" >/dev/null
for m in gl gs; do
	$RISKDESK --db g.sqlite -c "promote $m" -c 'recompute all' -c "model export $m $m.sql" | grep written
	features g.sqlite $m.sql
	on_sqlite g.sqlite $m.sql && compare g.sqlite "german $m" 1e-9
done
T=$SHARED/datasets/taiwan
$RISKDESK --db t.sqlite -c "load customers $T/UCI_Credit_Card.csv --map $ROOT/sample-data/mappings/taiwan.json" \
	-c 'train tl --algo logit --folds 2' -c 'train ts --algo scorecard --folds 2' >/dev/null
for m in tl ts; do
	$RISKDESK --db t.sqlite -c "promote $m" -c 'recompute all' -c "model export $m $m.sql" | grep written
	features t.sqlite $m.sql
	on_sqlite t.sqlite $m.sql && compare t.sqlite "taiwan $m" 1e-9
done
