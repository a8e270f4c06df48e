# Honest blends and calibration on German Credit (issue 10, items 4 and 5). Every number
# riskdesk shows here is recomputed by Python (numpy and scipy) from what
# riskdesk shows or stores: a blend's score from its shown members, its cut-off from the
# members' out-of-fold predictions, the calibration tables and Hosmer-Lemeshow test, and
# each check of `model check`.
PY=/usr/bin/python3 # Debian's, where python3-numpy and -scipy install
cat > stats.py <<'EOF'
import numpy as np
from scipy.stats import rankdata
def auc(y, p):  # Mann-Whitney: average ranks, ties count half
    r, P = rankdata(p), y.sum()
    return (r[y == 1].sum() - P * (P + 1) / 2) / (P * (len(y) - P))
def ks(y, p):  # max over thresholds t of TPR - FPR, flagging p >= t
    return max(((p >= t) & (y == 1)).sum() / y.sum() - ((p >= t) & (y == 0)).sum() / (y == 0).sum()
               for t in np.unique(p))
EOF
G="$SHARED/datasets/german"
$RISKDESK --db g.sqlite -c "load customers $G/german.data --map $ROOT/sample-data/mappings/german.json" >/dev/null
$RISKDESK --db g.sqlite -c "train g1 --algo scorecard --folds-file $G/folds.csv" \
  -c "train g2 --algo logit --folds-file $G/folds.csv" | grep -E '^(name|auc_fold_mean)'

echo "--- promote replaces the segment's champion; the old one becomes a challenger"
$RISKDESK --db g.sqlite -c 'promote g1' -c 'promote g2'
sqlite3 g.sqlite "SELECT name, status, weight FROM models WHERE name != 'rules' ORDER BY name"

echo "--- promote --blend adds to the segment's blend, named as such"
$RISKDESK --db g.sqlite -c 'promote g1 --blend 2' -c 'recompute all' | grep -v 'customers/s\|in <SECS>\|recomputed'
$RISKDESK --db g.sqlite -c 'models' | sed -n '/^segment/,$p'
$RISKDESK --db g.sqlite -c 'show G0001' | sed -n '/^\[profile\]/,/^$/p' | grep -E '^(score|pd|model|raw_score|cutoff_pd|decision) '
$RISKDESK --db g.sqlite -c 'show G0001' | sed -n '/^model  *version  *weight/,/^$/p'
sqlite3 g.sqlite "SELECT model_name, model_version, count(*) FROM credit_profiles GROUP BY 1, 2"

echo "--- the shown members reproduce the shown score, PD and decision (5 customers)"
for id in G0000 G0001 G0002 G0003 G0004; do $RISKDESK --db g.sqlite --json -c "show $id"; done > shown.json
$PY - <<'EOF'
import json, math, re
docs = json.loads('[' + re.sub(r'}\s*{', '},{', open('shown.json').read()) + ']')
def pd_of(s): return 1 / (1 + 19 * 2 ** ((s - 600) / 50))
for d in docs:
    p, comps = d['profile'], d['components']
    raw = sum(c['weight'] * c['raw_score'] for c in comps) / sum(c['weight'] for c in comps)
    score = min(1000, max(300, math.floor(raw + 0.5)))
    ok = (abs(raw - p['raw_score']) < 1e-3 and score == p['score']
          and abs(pd_of(raw) - p['pd']) < 6e-5
          and all(abs(pd_of(c['raw_score']) - c['pd']) < 1e-6 for c in comps)
          and p['decision'] == ('decline' if p['pd'] >= p['cutoff_pd'] else 'approve'))
    print(d['customer']['id'], 'members', ' + '.join('%s x%g raw %.4f' % (c['model'], c['weight'], c['raw_score']) for c in comps),
          '-> raw %.4f score %d pd %.4f' % (raw, score, pd_of(raw)), 'ok' if ok else 'MISMATCH')
EOF

echo "--- every stored blend profile: score, PD and reasons follow from its members"
$PY - <<'EOF'
import json, math, sqlite3
db = sqlite3.connect('g.sqlite')
def pd_of(s): return 1 / (1 + 19 * 2 ** ((s - 600) / 50))
bad = n = 0
for score, pd, reasons, comps in db.execute(
        "SELECT score, pd, reasons, components FROM credit_profiles_full WHERE model_version = 0"):
    comps, reasons = json.loads(comps), json.loads(reasons)
    w = sum(c['weight'] for c in comps)
    raw = sum(c['weight'] * c['raw'] for c in comps) / w
    merged = {}
    for c in comps:
        for r in c['reasons']:
            merged[r['code']] = merged.get(r['code'], 0) + c['weight'] / w * r['points']
    top = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))[:4]
    n += 1
    # Members' points are stored rounded to 0.01, so two merged reasons can tie here while
    # the engine (unrounded) ordered them: each shown reason must carry its own merged
    # points and the points of the top list's rank it sits at.
    if (score != min(1000, max(300, math.floor(raw + 0.5))) or abs(pd - pd_of(raw)) > 1e-12
            or len(reasons) != len(top)
            or any(r['code'] not in merged or abs(r['points'] - merged[r['code']]) > 0.011
                   or abs(r['points'] - v) > 0.011 for r, (_, v) in zip(reasons, top))):
        bad += 1
print('blend profiles', n, 'not following from their members', bad)
EOF

echo "--- the blend's cut-off: cost-optimal (10:1) on the blended out-of-fold predictions"
$PY - <<'EOF'
import math, sqlite3
import numpy as np
from stats import auc
db = sqlite3.connect('g.sqlite')
def oof(name):
    return {c: (p, y) for c, p, y in db.execute(
        "SELECT customer_id, pd, defaulted FROM model_oof WHERE name = ? ORDER BY row", (name,))}
def score_of(p): return 600 + 50 / math.log(2) * math.log((1 - p) / p / 19)
def pd_of(s): return 1 / (1 + 19 * 2 ** ((s - 600) / 50))
a, b = oof('g1'), oof('g2')
ids = [c for c in a if c in b]
p = np.array([pd_of((2 * score_of(a[c][0]) + score_of(b[c][0])) / 3) for c in ids])
y = np.array([a[c][1] for c in ids])
best, cut = 10.0 * y.sum(), np.nextafter(p.max(), 1)
for c in sorted(set(p), reverse=True):
    cost = 10 * ((y == 1) & (p < c)).sum() + ((y == 0) & (p >= c)).sum()
    if cost < best:
        best, cut = cost, c
stored = db.execute("SELECT DISTINCT cutoff_pd FROM credit_profiles").fetchall()
print('customers', len(ids), 'cut-off %.4f' % cut, 'auc_oof %.4f' % auc(y, p),
      'stored', 'equal' if len(stored) == 1 and abs(stored[0][0] - cut) < 1e-12 else stored)
EOF

echo "--- history keeps the members, reasons and cut-off of every computation"
$RISKDESK --db g.sqlite -c 'recompute G0001' | grep '^model '
$RISKDESK --db g.sqlite -c 'promote g2' -c 'recompute G0001' >/dev/null
$RISKDESK --db g.sqlite -c 'history G0001'
sqlite3 g.sqlite "SELECT model_name, json_array_length(components), json_array_length(reasons),
  round(cutoff_pd, 4), json_extract(components, '\$[1].reasons[0].code') IS NOT NULL
  FROM score_history WHERE customer_id = 'G0001' ORDER BY id"

echo "--- calibration of g1 (model g1) against its out-of-fold predictions"
$RISKDESK --db g.sqlite -c 'model g1' | sed -n '/^\[hosmer_lemeshow\]/,/^$/p;/^decile  *customers  *bads  *min_pd  *max_pd  *mean_pd/,/^$/p'
cat > calib.py <<'EOF'
import json, math, sqlite3, sys
import numpy as np
from scipy.stats import chi2
name, edges = sys.argv[1], [int(e) for e in sys.argv[2].split(',')]
m = json.load(open(name + '.json'))
rows = sqlite3.connect('g.sqlite').execute(
    "SELECT pd, defaulted FROM model_oof WHERE name = ? ORDER BY row", (name,)).fetchall()
p = np.array([r[0] for r in rows]); y = np.array([r[1] for r in rows]); n = len(p)
order = sorted(range(n), key=lambda i: (-p[i], i))  # riskiest first, ties in row order
hl, ok = 0.0, True
for k, shown in enumerate(m['calibration_deciles']):
    g = order[k * n // 10:(k + 1) * n // 10]
    e, o = p[g].sum(), y[g].sum()
    hl += (o - e) ** 2 / (e * (1 - e / len(g)))
    ok &= (shown['customers'] == len(g) and shown['bads'] == o
           and abs(shown['mean_pd'] - round(p[g].mean(), 4)) < 1e-9
           and abs(shown['observed'] - round(o / len(g), 4)) < 1e-9
           and abs(shown['min_pd'] - round(p[g].min(), 4)) < 1e-9
           and abs(shown['max_pd'] - round(p[g].max(), 4)) < 1e-9)
h = m['hosmer_lemeshow']
print(name, 'deciles', 'ok' if ok else 'MISMATCH', 'HL %.4f df 8 p %.4g' % (hl, chi2.sf(hl, 8)),
      '| shown HL %s df %s p %s' % (h['statistic'], h['df'], h['p_value']))
def band(x):
    s = min(1000, max(300, math.floor(600 + 50 / math.log(2) * math.log((1 - x) / x / 19) + 0.5)))
    return 'ABCDE'[sum(s < e for e in edges)]
b = np.array([band(x) for x in p])
ok = True
for r in m['calibration']:
    sel = b == r['band']
    c = int(sel.sum())
    ok &= (r['customers'] == c and r['bads'] == int(y[sel].sum())
           and abs(r['mean_pd'] - (round(p[sel].mean(), 4) if c else 0)) < 1e-9
           and abs(r['observed'] - (round(y[sel].mean(), 4) if c else 0)) < 1e-9)
print(name, 'bands', ' '.join('%s:%d' % (r['band'], r['customers']) for r in m['calibration']),
      'ok' if ok else 'MISMATCH')
EOF
$RISKDESK --db g.sqlite --json -c 'model g1' > g1.json
$PY calib.py g1 800,700,600,500

echo "--- band edges are a setting of each model: train --bands, scoring and calibration use them"
$RISKDESK --db g.sqlite -c "train g3 --algo logit --folds-file $G/folds.csv --bands 750,650,550,450" >/dev/null
$RISKDESK --db g.sqlite -c 'model g3' | grep '^bands '
$RISKDESK --db g.sqlite --json -c 'model g3' > g3.json
$PY calib.py g3 750,650,550,450
$RISKDESK --db g.sqlite -c 'promote g3 --blend 1'; echo "status $?"
$RISKDESK --db g.sqlite -c 'train g4 --algo logit --bands 700,800,600,500'; echo "status $?"
$RISKDESK --db g.sqlite -c 'promote g3' -c 'recompute all' >/dev/null
sqlite3 g.sqlite "SELECT count(*), sum(band = CASE WHEN score >= 750 THEN 'A' WHEN score >= 650 THEN 'B'
  WHEN score >= 550 THEN 'C' WHEN score >= 450 THEN 'D' ELSE 'E' END) FROM credit_profiles"

echo "--- model check: each check recomputed from the out-of-fold predictions"
cat > check.py <<'EOF'
import json, math, sqlite3, sys
import numpy as np
from scipy.stats import chi2
from stats import auc, ks
name = sys.argv[1]
db = sqlite3.connect('g.sqlite')
rows = db.execute("SELECT pd, defaulted, fold FROM model_oof WHERE name = ? ORDER BY row",
                  (name,)).fetchall()
p = np.array([r[0] for r in rows]); y = np.array([r[1] for r in rows]); f = np.array([r[2] for r in rows])
fold_auc = np.mean([auc(y[f == k], p[f == k]) for k in sorted(set(f))])
best, cut = 10.0 * y.sum(), np.nextafter(p.max(), 1)
for c in sorted(set(p), reverse=True):
    cost = 10 * ((y == 1) & (p < c)).sum() + ((y == 0) & (p >= c)).sum()
    if cost < best:
        best, cut = cost, c
fnr = ((y == 1) & (p < cut)).sum() / y.sum()
n, order, hl = len(p), sorted(range(len(p)), key=lambda i: (-p[i], i)), 0.0
for k in range(10):
    g = order[k * n // 10:(k + 1) * n // 10]
    e, o = p[g].sum(), y[g].sum()
    hl += (o - e) ** 2 / (e * (1 - e / len(g)))
# PSI: the current profiles' scores (the model serves them) in the training reference's bins
ref = json.loads(db.execute("SELECT reference FROM models WHERE name = ?", (name,)).fetchone()[0])['score']
scores = [s for (s,) in db.execute("SELECT score FROM credit_profiles")]
cur = np.bincount([sum(s > e for e in ref['edges']) for s in scores], minlength=len(ref['shares'])) / len(scores)
e_, a_ = np.maximum(ref['shares'], 1e-4), np.maximum(cur, 1e-4)
psi = ((a_ - e_) * np.log(a_ / e_)).sum()
mine = {'auc': fold_auc, 'fnr': fnr, 'ks': ks(y, p), 'calibration': chi2.sf(hl, 8), 'psi': psi}
shown = json.load(sys.stdin)['checks']
for r in shown:
    print('%-11s shown %s, recomputed %.4f %s' % (r['check'], r['value'], mine[r['check']],
          'ok' if abs(r['value'] - mine[r['check']]) < 5e-5 else 'MISMATCH'))
EOF
$RISKDESK --db g.sqlite -c 'promote g2' -c 'recompute all' >/dev/null
$RISKDESK --db g.sqlite -c 'model check g2'; echo "status $?"
$RISKDESK --db g.sqlite --json -c 'model check g2' | $PY check.py g2
echo "--- a book unlike the training rows: only the defaulters' profiles are current"
sqlite3 g.sqlite "DELETE FROM credit_profiles WHERE customer_id IN
  (SELECT customer_id FROM outcomes WHERE defaulted = 0)"
$RISKDESK --db g.sqlite -c 'model check g2'; echo "status $?"
$RISKDESK --db g.sqlite --json -c 'model check g2' 2>/dev/null | $PY check.py g2
$RISKDESK --db g.sqlite -c 'model check g2 --max-psi 2 --min-auc 0.79 --max-fnr 0.01 --min-ks 0.5 --min-hl-p 0.5'; echo "status $?"
echo "--- a challenger is checked on the book as it would score it"
$RISKDESK --db g.sqlite -c 'model check g1' 2>&1 | grep -E '^psi|fails'
echo "--- bad use"
$RISKDESK --db g.sqlite -c 'model check g2 --min-auc 1.5'; echo "status $?"
$RISKDESK --db g.sqlite -c 'model g2 --min-auc 0.7'; echo "status $?"
$RISKDESK --db g.sqlite -c 'model check rules'; echo "status $?"
$RISKDESK --db g.sqlite -c 'model check nope'; echo "status $?"
$RISKDESK --db g.sqlite -c 'promote rules --blend 2'; echo "status $?"
