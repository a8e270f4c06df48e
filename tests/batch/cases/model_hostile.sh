# Hostile model and rules files, each made from a freshly exported model (so they follow
# the current format): every one is refused at import with a message naming the field
# (or the JSON error's line and column), and the database is left as it was. Then a model
# that imports but overflows on a customer: recompute refuses it and writes nothing.
G="$SHARED/datasets/german"
$RISKDESK --db db.sqlite -c "load customers $G/german.data --map $ROOT/sample-data/mappings/german.json" \
  -c 'train gx --algo xgb --trees 3 --depth 2' -c 'train gl --algo logit' -c 'train gs --algo scorecard' \
  -c 'recompute all' -c 'model export gx gx.model' -c 'model export gl gl.model' \
  -c 'model export gs gs.model' -c 'rules export r.json' >/dev/null || echo "setup failed"

# edit.py IN OUT CODE: runs CODE with d (the file), s (its spec), b (the booster, parsed)
# and t (the booster's trees); writes the result back.
cat > edit.py <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
s = d.get('spec', d)
b = json.loads(s['booster']) if 'booster' in s else None
t = b['learner']['gradient_booster']['model']['trees'] if b else None
m = b['learner']['gradient_booster']['model'] if b else None
exec(sys.argv[3])
if b is not None:
    s['booster'] = json.dumps(b)
open(sys.argv[2], 'w').write(json.dumps(d, indent=1))
EOF
state() {
  sqlite3 db.sqlite "SELECT name, version, status, weight, length(spec) FROM models ORDER BY 1, 2;
    SELECT count(*), sum(score), max(computed_at) FROM credit_profiles;
    SELECT count(*) FROM score_history" | md5sum
}
before=$(state)
# try LABEL FILE: imports FILE; prints the message and whether the database changed.
try() {
  out=$($RISKDESK --db db.sqlite -c "model import $2" 2>&1)
  rc=$?
  [ "$(state)" = "$before" ] && same=unchanged || same=CHANGED
  echo "$1: status $rc, db $same: $out"
}
edit() { python3 edit.py "$1" "$2" "$3" || echo "edit failed: $3"; }

echo "--- xgb boosters"
edit gx.model x1.model "t[0]['split_indices'][0] = 999999"
try "split index 999999" x1.model
edit gx.model x2.model "t[0]['split_indices'][0] = -5"
try "split index -5" x2.model
edit gx.model x3.model "t[0]['left_children'][0] = 99999"
try "child past the tree" x3.model
edit gx.model x4.model "m['tree_info'] += [0, 0]"
try "extra tree_info" x4.model
edit gx.model x5.model "m['gbtree_model_param']['num_trees'] = '1000000'"
try "num_trees 1000000" x5.model
edit gx.model x6.model "t[0]['left_children'][0] = 0; t[0]['right_children'][0] = 0"
try "node its own child" x6.model
edit gx.model x7.model "t[1]['left_children'][1] = 0"
try "a cycle to node 0" x7.model
edit gx.model x8.model "t[0]['right_children'][0] = -1"
try "one child" x8.model
edit gx.model x9.model "t[2]['left_children'][2] = 4"
try "two parents" x9.model
edit gx.model x10.model "t[0]['parents'][3] = 2"
try "parents disagree" x10.model
edit gx.model x11.model "t[0]['split_type'][0] = 1"
try "categorical split" x11.model
edit gx.model x12.model "b['learner']['learner_model_param']['num_feature'] = '62'"
try "num_feature" x12.model
edit gx.model x13.model "b['learner']['learner_model_param']['base_score'] = '1'"
try "base_score 1" x13.model
edit gx.model x14.model "t[0]['split_conditions'][6] = 1e39"
try "leaf beyond a float" x14.model
edit gx.model x15.model "b['learner']['gradient_booster']['name'] = 'gblinear'"
try "gblinear" x15.model
edit gx.model x16.model "t[1]['sum_hessian'].pop()"
try "short array" x16.model
edit gx.model x17.model "s['booster'] = json.dumps(b).replace('\"left_children\": [', '\"left_children\": [1, 3, 5, -1, -1, -1, -1], \"left_children\": [', 1); b = None"
try "duplicate key in the booster" x17.model
edit gx.model x18.model "t[0]['categories'] = [1]"
try "categories" x18.model

echo "--- logit, scorecard and the file"
sed '0,/"weight": [-0-9.e]*/s//"weight": 1e999/' gl.model > l1.model
try "file weight 1e999" l1.model
edit gl.model l2.model "d['weight'] = 1e7"
try "file weight 1e7" l2.model
edit gl.model l3.model "d['weight'] = 0"
try "file weight 0" l3.model
edit gl.model l4.model "s['columns'][0]['weights'][0] = 1e5"
try "categorical weight" l4.model
edit gl.model l5.model "s['intercept'] = 20000"
try "intercept" l5.model
edit gl.model l6.model "s['columns'][1]['sd'] = 0"
try "sd 0" l6.model
edit gl.model l7.model "s['columns'][1]['min'] = 100"
try "min above max" l7.model
edit gl.model l8.model "s['scaling']['pdo'] = 0"
try "pdo 0" l8.model
edit gl.model l9.model "s['scaling']['base_odds'] = 1e6"
try "base_odds" l9.model
edit gl.model l10.model "s['scaling']['base_score'] = 5000"
try "base_score" l10.model
edit gs.model s1.model "s['columns'][0]['bins'][1]['levels'].append('A11')"
try "a level in two bins" s1.model
edit gs.model s2.model "del s['columns'][0]['bins'][3]"
try "a level in no bin" s2.model
edit gs.model s3.model "bs = s['columns'][1]['bins']; bs[0]['hi'], bs[1]['hi'] = bs[1]['hi'], bs[0]['hi']"
try "edges not increasing" s3.model
edit gs.model s4.model "s['columns'][1]['bins'][0]['hi'] = None"
try "two open bins" s4.model
edit gs.model s5.model "s['columns'][1]['bins'][-1]['hi'] = 100"
try "no open top bin" s5.model
edit gs.model s6.model "s['columns'][1]['bins'] += [{'missing': True, 'woe': 0, 'points': 0}] * 2"
try "two missing bins" s6.model
edit gs.model s7.model "s['columns'][1]['bins'][0]['points'] = 1e7"
try "points" s7.model
edit gs.model s8.model "s['columns'][1]['bins'][0]['woe'] = 'NaNX'"
sed 's/"NaNX"/NaN/' s8.model > s9.model
try "woe NaN" s9.model
head -c 3000 gs.model > s10.model
try "truncated" s10.model
printf '{"format": "riskdesk-model-1", "name": "a", "name": "b"}' > s11.model
try "duplicate name" s11.model
for n in 'a b' ' ' '-x' 'x@1' "$(printf 'a\nb')" "$(printf 'n%.0s' $(seq 65))"; do
  N="$n" edit gl.model n.model "import os; d['name'] = os.environ['N']"
  try "name $(printf '%q' "$n" | cut -c1-20)" n.model
done
echo "--- rules"
rtry() {
  out=$($RISKDESK --db db.sqlite -c "rules import $2" 2>&1)
  rc=$?
  [ "$(state)" = "$before" ] && same=unchanged || same=CHANGED
  echo "$1: status $rc, db $same: $out"
}
sed '0,/"weight": 1/s//"weight": 1e999/' r.json > r1.json
rtry "weight 1e999" r1.json
sed '0,/"weight": 1/s//"weight": 1e7/' r.json > r2.json
rtry "weight 1e7" r2.json
sed '0,/"divisor": 20/s//"divisor": 0.0000001/' r.json > r3.json
rtry "divisor near 0" r3.json
sed '0,/"weight": 1,/s//"weight": 1, "weight": 2,/' r.json > r4.json
rtry "duplicate weight" r4.json
head -c 200 r.json > r5.json
rtry "truncated" r5.json
$RISKDESK --db db.sqlite -c 'model export rules rm.model' >/dev/null
sed '0,/"baseline": 600/s//"baseline": 1e300/' rm.model > rm2.model
try "rules model baseline 1e300" rm2.model

echo "--- names and weights elsewhere"
$RISKDESK --db db.sqlite -c 'train "a b" --algo logit'; echo "status $?"
$RISKDESK --db db.sqlite -c 'train -x --algo logit'; echo "status $?"
for w in inf nan 0 1e7 -1; do
  $RISKDESK --db db.sqlite -c "promote gl --blend $w"; echo "status $?"
done
[ "$(state)" = "$before" ] && echo "db unchanged"

echo "--- a model that imports but overflows on customers: recompute writes nothing"
# (a spec without clip bounds, as before winsorizing: with them, the log-odds are bounded)
edit gl.model big.model "c = s['columns'][1]; c['sd'] = 5e-324; del c['clip_lo'], c['clip_hi']; c['impute'] = c['mean']"
$RISKDESK --db db.sqlite -c 'model import big.model' -c 'promote gl@2'
before=$(state)
$RISKDESK --db db.sqlite -c 'recompute all'; echo "status $?"
[ "$(state)" = "$before" ] && echo "profiles and history unchanged"
sqlite3 db.sqlite "SELECT kind, status, message FROM runs ORDER BY id DESC LIMIT 1"
