# Hand-set bins (issue 14, item 4) on German Credit: `train --bins FILE` keeps the file's
# duration edges and checking_status groups exactly, in the spec and in `bins`, each bin's
# goods and bads equal to a plain SQL count over the training rows and its WoE, IV part and
# points recomputed from those counts; the other features are binned as without the file;
# `bins --export` then `train --bins` of that file gives the same bins; hostile files are
# refused, each naming the file and the field, and change no model.
G="$SHARED/datasets/german"
$RISKDESK --db g.sqlite -c "load customers $G/german.data --map $ROOT/sample-data/mappings/german.json" >/dev/null
cat > hand.json <<'EOF'
{
  "duration": {"edges": [12, 24, 36]},
  "checking_status": {"groups": [["A11", "A12"], ["A13", "A14", "A15"]]}
}
EOF
$RISKDESK --db g.sqlite -c "train auto --algo scorecard --folds-file $G/folds.csv" >/dev/null
$RISKDESK --db g.sqlite -c "train hand --algo scorecard --folds-file $G/folds.csv --bins hand.json" | grep -E '^(name|auc_oof)'
echo "--- bins hand duration, bins hand checking_status"
$RISKDESK --db g.sqlite -c 'bins hand duration' -c 'bins hand checking_status'
echo "--- model hand: the selection says which bins were set by hand"
$RISKDESK --db g.sqlite --json -c 'model hand' |
	python3 -c 'import json, sys; print(*("%s %s" % (s["feature"], s["trend"]) for s in json.load(sys.stdin)["selection"]), sep="\n")'
$RISKDESK --db g.sqlite --json -c 'bins hand' > hand.out
$RISKDESK --db g.sqlite --json -c 'bins auto' > auto.out
sqlite3 g.sqlite "SELECT spec FROM models WHERE name = 'hand'" > hand.spec
echo "--- the spec and bins against plain SQL counts, and WoE, IV and points recomputed"
python3 - <<'EOF'
import json, math, sqlite3
db = sqlite3.connect('g.sqlite')
spec = json.load(open('hand.spec'))
out = json.load(open('hand.out'))
auto = json.load(open('auto.out'))
cols = {c['name']: c for c in spec['columns']}
d, c = cols['duration'], cols['checking_status']
assert [b.get('hi') for b in d['bins']] == [12, 24, 36, None], d['bins']
assert d['trend'] == 'hand' and c['trend'] == 'hand'
assert [b['levels'] for b in c['bins']] == [['A11', 'A12'], ['A13', 'A14', 'A15']], c['bins']
assert 'A15' in c['levels']  # a level no training row had scores in its group
print('spec: duration edges', [b.get('hi') for b in d['bins']], '; checking_status groups',
      [b['levels'] for b in c['bins']], '; trend', d['trend'], c['trend'])
def count(name, cond, args):
    return db.execute("SELECT count(*) - total(o.defaulted), total(o.defaulted) FROM customer_attributes a"
                      " JOIN outcomes o USING (customer_id) WHERE a.name = ? AND " + cond,
                      (name,) + args).fetchone()
sql = {'duration': [count('duration', 'a.num > ? AND a.num <= ?', (lo, hi))
                    for lo, hi in [(-1e300, 12), (12, 24), (24, 36), (36, 1e300)]],
       'checking_status': [count('checking_status', 'a.value IN (?, ?)', ('A11', 'A12')),
                           count('checking_status', 'a.value IN (?, ?, ?)', ('A13', 'A14', 'A15'))]}
G, D = db.execute('SELECT count(*) - sum(defaulted), sum(defaulted) FROM outcomes').fetchone()
rows = {}
for r in out['bins']:
    rows.setdefault(r['feature'], []).append(r)
for f, counts in sql.items():
    B = len(counts)
    iv = 0
    for r, (g, b), sb in zip(rows[f], counts, cols[f]['bins']):
        assert (r['goods'], r['bads']) == (g, b), (f, r, g, b)
        pg, pb = (g + .5) / (G + .5 * B), (b + .5) / (D + .5 * B)
        woe = math.log(pg / pb)
        assert abs(r['woe'] - woe) < 5e-5 and abs(r['iv'] - (pg - pb) * woe) < 5e-5, (f, r)
        points = -spec['scaling']['pdo'] / math.log(2) * cols[f]['coef'] * woe
        assert abs(r['points'] - points) < 5e-3 and abs(sb['points'] - points) < 1e-9, (f, r)
        assert r['set'] == 'hand'
        iv += (pg - pb) * woe
    assert abs(iv - cols[f]['iv']) < 1e-12
    print('%-16s %d bins: goods and bads as SQL counts them (%s); WoE, IV %.4f, points recomputed'
          % (f, B, ', '.join('%d/%d' % gb for gb in counts), iv))
# The other features: binned as without the file (the same bins, counts and IV).
def table(o, name, skip):
    return [{k: v for k, v in r.items() if k not in skip} for r in o[name]
            if r['feature'] not in ('duration', 'checking_status')]
assert table(out, 'bins', ('points', 'set')) == table(auto, 'bins', ('points', 'set'))
assert table(out, 'features', ('status', 'reason')) == table(auto, 'features', ('status', 'reason'))
others = [r for r in out['features'] if r['feature'] not in ('duration', 'checking_status')]
assert all(r['set'] == 'auto' for r in others)
print(len(others), 'other features: bins, counts and IV as the automatic scorecard has them, set auto')
EOF
echo "--- bins --export, then train --bins of that file: the same bins"
$RISKDESK --db g.sqlite -c 'bins hand --export e.json'
ls -l e.json | cut -c1-10
python3 -c 'import json; d = json.load(open("e.json")); print("duration", d["duration"], "checking_status", d["checking_status"])'
$RISKDESK --db g.sqlite -c "train again --algo scorecard --folds-file $G/folds.csv --bins e.json" >/dev/null
$RISKDESK --db g.sqlite --json -c 'bins again' > again.out
python3 - <<'EOF'
import json
a, b = json.load(open('hand.out')), json.load(open('again.out'))
strip = lambda o: [{k: v for k, v in r.items() if k != 'set'} for r in o['bins']]
assert strip(a) == strip(b)
print('again@1:', len(strip(b)), 'bins, each equal to hand@1\'s (goods, bads, WoE, IV, points)')
EOF
$RISKDESK --db g.sqlite -c 'bins hand age --export age.json' && cat age.json
echo "--- an edge beyond the data: its bin is empty, WoE 0, points 0, and not counted in B"
echo '{"duration": {"edges": [12, 24, 36, 100]}}' > empty.json
$RISKDESK --db g.sqlite -c "train empty --algo scorecard --folds-file $G/folds.csv --bins empty.json" >/dev/null
$RISKDESK --db g.sqlite -c 'bins empty duration' | sed -n '/^feature  *bin/,/^$/p'
$RISKDESK --db g.sqlite --json -c 'bins empty duration' | python3 -c '
import json, math, sys
rows = json.load(sys.stdin)["bins"]
G, D = 700, 300
B = sum(1 for r in rows if r["goods"] + r["bads"])
for r in rows:
    g, b = r["goods"], r["bads"]
    woe = math.log(((g + .5) / (G + .5 * B)) / ((b + .5) / (D + .5 * B))) if g + b else 0
    assert abs(r["woe"] - woe) < 5e-5, (r, woe)
print(len(rows), "bins,", B, "holding rows: WoE as recomputed with B =", B)'
echo "--- refusals of bins"
$RISKDESK --db g.sqlite -c "train lg --algo logit --folds 2" >/dev/null
$RISKDESK --db g.sqlite -c 'bins lg'; echo "exit $?"
$RISKDESK --db g.sqlite -c 'bins hand nosuch'; echo "exit $?"
$RISKDESK --db g.sqlite -c 'bins hand nosuch --export x.json'; echo "exit $?"
$RISKDESK --db g.sqlite -c 'bins hand foreign_worker --export x.json'; echo "exit $?"
ls x.json 2>/dev/null
$RISKDESK --db g.sqlite -c 'bins hand foreign_worker' | tail -4; echo "exit $?"
$RISKDESK --db g.sqlite -c 'bins ghost'; echo "exit $?"
echo "--- hostile files: refused, the file and the field named, no model changed"
models() { sqlite3 g.sqlite 'SELECT name, version, spec FROM models ORDER BY 1, 2' | md5sum; }
models > before.md5
bad() { # NAME TEXT [OPTIONS]: train with it, expect a refusal
	printf '%s' "$2" > "$1"
	$RISKDESK --db g.sqlite -c "train bad --algo scorecard --folds 2 --bins $1 $3"
	echo "exit $?"
}
bad empty.json ''
bad truncated.json '{"duration": {"edges": [12,'
bad array.json '[]'
bad none.json '{}'
bad dupkey.json '{"duration": {"edges": [12]}, "duration": {"edges": [24]}}'
bad unknown.json '{"durations": {"edges": [12]}}'
bad field.json '{"duration": {"edges": [12], "shape": "peak"}}'
bad both.json '{"duration": {"edges": [12], "groups": [["A11"]]}}'
bad neither.json '{"duration": {}}'
bad notobject.json '{"duration": [12, 24]}'
bad edgesnum.json '{"duration": {"edges": 12}}'
bad edgesempty.json '{"duration": {"edges": []}}'
bad edgeseq.json '{"duration": {"edges": [12, 24, 24]}}'
bad edgesdown.json '{"duration": {"edges": [12, 36, 24]}}'
bad edgestext.json '{"duration": {"edges": [12, "24"]}}'
bad edgesnull.json '{"duration": {"edges": [12, null]}}'
bad edgeshuge.json '{"duration": {"edges": [12, 1e999]}}'
bad edgesnan.json '{"duration": {"edges": [NaN]}}'
bad groupsnum.json '{"duration": {"groups": [["12"]]}}'
bad edgescat.json '{"checking_status": {"edges": [1, 2]}}'
bad groupsempty.json '{"checking_status": {"groups": [["A11", "A12", "A13", "A14"], []]}}'
bad groupsnone.json '{"checking_status": {"groups": []}}'
bad groupnotlist.json '{"checking_status": {"groups": ["A11"]}}'
bad leveltype.json '{"checking_status": {"groups": [["A11", 12]]}}'
bad levelempty.json '{"checking_status": {"groups": [["A11", ""]]}}'
bad leveltwice.json '{"checking_status": {"groups": [["A11", "A12"], ["A13", "A14", "A12"]]}}'
bad levelmissing.json '{"checking_status": {"groups": [["A11", "A12"], ["A13"]]}}'
bad levelcontrol.json '{"checking_status": {"groups": [["A11\u0001"]]}}'
bad trend.json '{"duration": {"edges": [12]}}' '--trend duration=peak'
bad dropped.json '{"duration": {"edges": [12]}}' '--features age,checking_status'
$RISKDESK --db g.sqlite -c "train bad --algo logit --bins hand.json"; echo "exit $?"
head -c 1100000 /dev/zero | tr '\0' ' ' > big.json
$RISKDESK --db g.sqlite -c 'train bad --algo scorecard --bins big.json'; echo "exit $?"
mkfifo fifo.json
$RISKDESK --db g.sqlite -c 'train bad --algo scorecard --bins fifo.json'; echo "exit $?"
mkdir dir.json
$RISKDESK --db g.sqlite -c 'train bad --algo scorecard --bins dir.json'; echo "exit $?"
$RISKDESK --db g.sqlite -c 'train bad --algo scorecard --bins missing.json'; echo "exit $?"
models | cmp -s - before.md5 && echo "models unchanged"
sqlite3 g.sqlite "SELECT count(*) FROM models WHERE name = 'bad'"
echo "--- a level of a group that no training row had scores in its group"
id=$(sqlite3 g.sqlite "SELECT customer_id FROM customer_attributes WHERE name = 'checking_status'
  AND value = 'A14' ORDER BY customer_id LIMIT 1")
$RISKDESK --db g.sqlite -c 'promote hand' -c 'recompute all' >/dev/null
for v in A15 A13 A11; do
	$RISKDESK --db g.sqlite --json -c "whatif $id checking_status=$v" |
		python3 -c 'import json, sys; d = json.load(sys.stdin)
o = {r["what"]: r for r in d["outcome"]}
print(sys.argv[1], "score", o["score"]["before"], "->", o["score"]["after"], "pd", o["pd"]["before"], "->", o["pd"]["after"])' "A14 -> $v"
done
