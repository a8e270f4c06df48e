# Drift (SPEC §9): Taiwan's halves reproduce BASELINES.md's PSI through riskdesk (the
# first recompute sets the rules model's reference; the second half arrives a month later
# and is the current window); gen --drift against a sample drawn without drift, and a
# second sample without drift.
T="$SHARED/datasets/taiwan/UCI_Credit_Card.csv"
head -n 15001 "$T" > first.csv
{ head -n 1 "$T"; tail -n +15002 "$T"; } > second.csv
sed 's/"created_at": "2005-04-01"/"created_at": "2005-05-01"/' "$ROOT/sample-data/mappings/taiwan.json" > later.json
$RISKDESK --db t.sqlite -c "load customers first.csv --map $ROOT/sample-data/mappings/taiwan.json" -c 'recompute all' | tail -1
$RISKDESK --db t.sqlite -c 'load customers second.csv --map later.json' -c 'recompute all' >/dev/null
for f in LIMIT_BAL AGE; do
	$RISKDESK --db t.sqlite -c "drift --since 2005-05-01 --feature $f" | awk -v f=$f '$1 == f { print f, "PSI", $3, $5 }'
done
$RISKDESK --db t.sqlite -c 'drift --since 2005-05-01 --feature LIMIT_BAL' | sed -n '/^bin/,/^$/p'
$RISKDESK --db t.sqlite -c 'drift --since 2005-05-01' | sed -n '/^current_profiles/p;/^verdict/p;/^SEX /p;/^EDUCATION /p'
echo "--- gen --drift against a sample without drift"
$RISKDESK -c 'gen a --customers 3000 --seed 1' -c 'gen b --customers 3000 --seed 2 --drift' -c 'gen c --customers 3000 --seed 3' >/dev/null
$RISKDESK --db a.sqlite -c 'load a' -c 'recompute all' -c 'model export rules ref.model' >/dev/null
for x in b c; do
	$RISKDESK --db $x.sqlite -c "load $x" -c 'model import ref.model' -c 'promote rules@2' -c 'recompute all' >/dev/null
	$RISKDESK --db $x.sqlite -c drift > $x.txt
	echo "sample $x: $(sed -n 's/^verdict *//p' $x.txt)"
	awk -v x=$x '$1 == "score_psi" { print "sample " x ": score PSI > 0.25:", ($2 > 0.25 ? "yes" : "no") }' $x.txt
	awk '$1 ~ /^(return_rate|cod_share|avg_order_value)$/ { print "  " $1, $5 }' $x.txt
done
echo "--- bad input"
$RISKDESK --db c.sqlite -c 'drift --since 2025-13-01'; echo "status $?"
$RISKDESK --db c.sqlite -c 'drift --feature shoe_size'; echo "status $?"
$RISKDESK --db c.sqlite -c 'drift --model nope'; echo "status $?"
$RISKDESK --db empty.sqlite -c 'drift'; echo "status $?"
$RISKDESK --db c.sqlite --read-only -c 'drift baseline'; echo "status $?"
$RISKDESK --db c.sqlite -c 'drift baseline' -c audit | grep -c 'drift baseline'
