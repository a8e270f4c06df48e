# Scorecard discipline. A constructed case: "risk" drives the outcome, "risk_copy" is the
# same signal with noise (its WoE correlates above 0.8, its IV is lower), "balance" looks
# risky alone but lowers the risk given "risk" (a suppressor: a wrong-sign coefficient),
# "noise" carries nothing (IV under 0.02). Then German Credit: the selection against
# BASELINES.md's IV table, and every bin's customers and bad rate recomputed from
# german.data; points rise with the WoE in every feature. Then the options' errors.
cat > gen.py <<'EOF'
import math
state = 20261205  # a 64-bit LCG, so the file is the same everywhere
def uniform():
    global state
    state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
    return ((state >> 11) + 0.5) / 2**53
def normal():
    return math.sqrt(-2 * math.log(uniform())) * math.cos(2 * math.pi * uniform())
print("id,risk,risk_copy,balance,noise,bad")
for i in range(3000):
    z1, e1, e2, e3 = normal(), normal(), normal(), normal()
    copy = z1 + 0.3 * e1
    z2 = 0.7 * z1 + math.sqrt(1 - 0.49) * e2
    bad = int(uniform() < 1 / (1 + math.exp(-(-1 + 1.5 * z1 - 0.6 * z2))))
    print("S%04d,%.4f,%.4f,%.4f,%.4f,%d" % (i, z1, copy, z2, e3, bad))
EOF
python3 gen.py > s.csv
echo '{"outcome": {"column": "bad"}, "defaults": {"created_at": "2025-01-01"}}' > s.json
echo "--- the construction, checked by scikit-learn: balance alone goes with defaults, given risk against them"
/usr/bin/python3 - <<'EOF'
import csv, numpy as np
from sklearn.linear_model import LogisticRegression
r = list(csv.DictReader(open('s.csv')))
x = np.array([[float(t['risk']), float(t['balance'])] for t in r]); y = np.array([int(t['bad']) for t in r])
c = LogisticRegression(C=1e6, max_iter=1000).fit(x, y).coef_[0]
print('corr(balance, bad) > 0:', np.corrcoef(x[:, 1], y)[0, 1] > 0, '| coefficient of balance given risk < 0:', c[1] < 0)
EOF
$RISKDESK --db s.sqlite -c 'load customers s.csv --map s.json' -c 'train sc --algo scorecard' >/dev/null
$RISKDESK --db s.sqlite -c 'model sc' | sed -n '/^feature  *iv  *bins/,/^$/p'
$RISKDESK --db s.sqlite -c 'model export sc sc.model' >/dev/null
echo "--- the selection off (--min-iv 0 --max-corr 1): the sign check alone still drops balance"
$RISKDESK --db s.sqlite -c 'train raw --algo scorecard --min-iv 0 --max-corr 1' >/dev/null
$RISKDESK --db s.sqlite -c 'model raw' | awk '$1 == "feature" && $2 == "iv" { on = 1 } on && NF == 0 { exit } on { print $1, $5, $6 }'

cat > check.py <<'EOF'
# check.py MODEL: in every column, points rise with the WoE; every coefficient is <= 0.
import json, sys
s = json.load(open(sys.argv[1]))['spec']
ok = True
for c in s['columns']:
    b = sorted(c['bins'], key=lambda b: b['woe'])
    ok &= c['coef'] <= 0 and all(p['points'] <= q['points'] + 1e-9 for p, q in zip(b, b[1:]))
print(len(s['columns']), 'columns: coefficients <= 0 and points rising with the WoE:', ok)
EOF
python3 check.py sc.model

G="$SHARED/datasets/german"
$RISKDESK --db g.sqlite -c "load customers $G/german.data --map $ROOT/sample-data/mappings/german.json" >/dev/null
$RISKDESK --db g.sqlite -c "train gs --algo scorecard --folds-file $G/folds.csv" | grep '^auc_fold_mean'
$RISKDESK --db g.sqlite -c 'model export gs gs.model' >/dev/null
python3 check.py gs.model
$RISKDESK --db g.sqlite --json -c 'model gs' > gs.json
echo "--- German: the selection next to BASELINES.md's IV (unsmoothed, every category its own bin)"
echo "--- and the IVs recomputed from german.data over riskdesk's bins; every bin's customers and bad rate"
python3 - "$G" "$SHARED/datasets/BASELINES.md" <<'EOF'
import json, math, re, sys
names = ["checking_status", "duration", "credit_history", "purpose", "credit_amount", "savings",
         "employment_since", "installment_rate", "personal_status_sex", "other_debtors",
         "residence_since", "property", "age", "other_installment_plans", "housing",
         "existing_credits", "job", "num_liable", "telephone", "foreign_worker"]
rows = [l.split() for l in open(sys.argv[1] + '/german.data') if l.strip()]
base = {}
for l in open(sys.argv[2]):
    for a, v in re.findall(r'\| (\w+)(?: \([^)]*\))? \| ([0-9.]+)', l):
        base.setdefault(a, float(v))
d = json.load(open('gs.json'))
def member(col, label, v):
    if label.startswith('('):
        lo, hi = label[1:-1].split(', ')
        x = float(v)
        return (lo == '-inf' or x > float(lo)) and (hi == 'inf' or x <= float(hi))
    return v in label.split(',')
bins = {}
for p in d['points']:
    bins.setdefault(p['feature'], []).append(p)
checked = 0
for f, bs in bins.items():
    k = names.index(f)
    for p in bs:
        ys = [r[20] == '2' for r in rows if member(f, p['bin'], r[k])]
        assert len(ys) == p['customers'] and round(sum(ys) / len(ys), 4) == p['bad_rate'], (f, p)
        checked += 1
print('points table:', checked, 'bins, customers and bad_rate as german.data gives them')
G, D = 700, 300
print('%-24s %8s %8s %8s  %s' % ('feature', 'baseline', 'iv', 'recomp', 'status'))
for s in d['selection']:
    f = s['feature']
    # the selection's IV (smoothed: 0.5 per count) recomputed from the rows of each bin
    k = names.index(f)
    iv = None
    if f in bins:
        n = len(bins[f])
        iv = 0
        for p in bins[f]:
            ys = [r[20] == '2' for r in rows if member(f, p['bin'], r[k])]
            g, b = (len(ys) - sum(ys) + .5) / (G + .5 * n), (sum(ys) + .5) / (D + .5 * n)
            iv += (g - b) * math.log(g / b)
    note = ''
    if s['iv'] < 0.02:
        note = ' (IV below 0.02'
        if base[f] >= 0.02:  # BASELINES keeps every category: which ones riskdesk merged
            small = sorted({r[k] for r in rows if sum(q[k] == r[k] for q in rows) < 50})
            note += '; levels under 5 %% of rows, merged: %s' % ','.join(small)
        note += ')'
    print('%-24s %8.4f %8.4f %8s  %s' % (f, base[f], s['iv'], '%.4f' % iv if iv is not None else '-',
                                         s['status'] + note))
    assert iv is None or abs(iv - s['iv']) < 0.00005
    assert (s['status'] == 'dropped') == (s['iv'] < 0.02 or (s['coef'] or 0) > 0)
EOF
echo "--- bin shapes and special codes by option: the selection says which shape each got"
$RISKDESK --db g.sqlite -c "train gt --algo scorecard --trend none --trend age=valley --special duration=4,6" >/dev/null
$RISKDESK --db g.sqlite -c 'model gt' | sed -n '/^feature  *iv  *bins/,/^$/p' | awk '$1 ~ /^(duration|age|credit_amount)$/ { print $1, $4 }'
$RISKDESK --db g.sqlite -c 'model gt' | grep '^duration  *special'
sqlite3 g.sqlite "SELECT count(*), sum(o.defaulted) FROM customer_attributes a JOIN outcomes o USING (customer_id)
  WHERE a.name = 'duration' AND a.num IN (4, 6)"
echo "--- errors"
for o in "--min-iv -1" "--max-corr 0" "--max-corr 1.5" "--trend wobbly" "--trend age=zigzag" \
	"--trend =peak" "--special age=x" "--special age=1,,2" "--special purpose=1" "--special nosuch=1"; do
	$RISKDESK --db g.sqlite -c "train bad --algo scorecard $o"; echo "status $?"
done
$RISKDESK --db g.sqlite -c "train bad --algo scorecard --min-iv 5"; echo "status $?"
sqlite3 g.sqlite "SELECT count(*) FROM models WHERE name = 'bad'"
