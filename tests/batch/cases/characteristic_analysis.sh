# Characteristic analysis (issue 11, item 5) on German Credit: a scorecard trained on the
# 1000 rows (the reference: its bins' counts) and scored on a shifted copy (the current
# population: 750 of the rows, longer loans, larger amounts, older applicants, more
# overdrawn accounts, and a purpose code the model never saw). Python (numpy) bins both
# populations itself from the specification and recomputes every number `drift --feature`
# shows; the sum of the totals equals the mean score difference it computes row by row.
PY=/usr/bin/python3 # Debian's, where python3-numpy installs
G="$SHARED/datasets/german"
MAP="$ROOT/sample-data/mappings/german.json"
$RISKDESK --db train.sqlite -c "load customers $G/german.data --map $MAP" \
	-c "train g1 --algo scorecard --folds-file $G/folds.csv" -c 'model export g1 g1.model' \
	-c 'promote g1' -c 'recompute all' | grep -E '^(name|auc_fold_mean) '
$PY - "$G/german.data" <<'EOF'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
out = open('shifted.data', 'w')
for i, r in enumerate(rows):
    if i % 4 == 3:
        continue
    r = list(r)
    r[1] = str(round(int(r[1]) * 1.5))      # duration
    r[4] = str(round(int(r[4]) * 1.3))      # credit_amount
    r[12] = str(int(r[12]) + 8)             # age
    if i % 3 == 0 and r[0] == 'A14':        # checking_status: none -> < 0 DM
        r[0] = 'A11'
    if i % 10 == 0:                         # purpose: a code the model never saw
        r[3] = 'A499'
    out.write(' '.join(r) + '\n')
EOF
$RISKDESK --db cur.sqlite -c "load customers shifted.data --map $MAP" -c 'model import g1.model' \
	-c 'promote g1' -c 'recompute all' >/dev/null

echo "--- drift --feature duration: its bins, every column's total, their sum"
$RISKDESK --db cur.sqlite -c 'drift --feature duration' | sed -n '/^\[characteristic\]/,/^cohort/p' | grep -v '^cohort'
echo "--- a categorical, with the unseen code (no bin: neutral)"
$RISKDESK --db cur.sqlite -c 'drift --feature purpose' | sed -n '/^bin  *reference  *current  *change/,/^$/p'
echo "--- the training population itself: nothing moves"
$RISKDESK --db train.sqlite -c 'drift --feature score' | sed -n '/^mean_score_shift/p;/^sum_of_totals/p'

for f in duration purpose checking_status credit_amount age score; do
	$RISKDESK --db cur.sqlite --json -c "drift --feature $f" > "cur-$f.json"
done
$RISKDESK --db train.sqlite --json -c 'drift --feature score' > train-score.json
echo "--- every number recomputed by numpy from the specification and the two data files"
$PY - "$G/german.data" <<'EOF'
import json, math, sqlite3, sys
import numpy as np
spec = json.loads(sqlite3.connect('cur.sqlite').execute(
    "SELECT spec FROM models WHERE name = 'g1'").fetchone()[0])
names = ["checking_status", "duration", "credit_history", "purpose", "credit_amount",
         "savings", "employment_since", "installment_rate", "personal_status_sex",
         "other_debtors", "residence_since", "property", "age", "other_installment_plans",
         "housing", "existing_credits", "job", "num_liable", "telephone", "foreign_worker"]
def table(path):
    return [dict(zip(names, l.split())) for l in open(path) if l.strip()]
train, cur = table(sys.argv[1]), table('shifted.data')

def bin_of(col, v):  # our own reading of the specification: None = no bin
    bins = col['bins']
    if 'levels' in col:
        for k, b in enumerate(bins):
            if v in b.get('levels', []):
                return k
        return next((k for k, b in enumerate(bins) if b.get('missing')), None)
    x = float(v)
    for k, b in enumerate(bins):
        if 'special' in b and b['special'] == x:
            return k
    for k, b in enumerate(bins):
        if b.get('missing') or 'special' in b or 'levels' in b:
            continue
        if b['hi'] is None or x <= b['hi']:
            return k
    return None

cols = spec['columns']
def bins_matrix(rows):  # rows x columns: bin index (-1: none)
    return np.array([[-1 if (k := bin_of(c, r[c['name']])) is None else k for c in cols]
                     for r in rows])
Bt, Bc = bins_matrix(train), bins_matrix(cur)
pts = [np.array([b['points'] for b in c['bins']] + [0.0]) for c in cols]
def scores(B):  # base points + each column's points, row by row
    return spec['base_points'] + sum(pts[j][B[:, j]] for j in range(len(cols)))
st, sc = scores(Bt), scores(Bc)

# The reference is the training population: its rows binned here give the spec's counts.
counts_ok = all(np.bincount(Bt[:, j][Bt[:, j] >= 0], minlength=len(c['bins'])).tolist()
                == [b['goods'] + b['bads'] for b in c['bins']] for j, c in enumerate(cols))
print('training rows binned here give the specification\'s counts in every bin:', counts_ok)
# And our binning is the engine's: every stored profile's score is our score, rounded.
for db, s, rows in (('train.sqlite', st, train), ('cur.sqlite', sc, cur)):
    got = dict(sqlite3.connect(db).execute('SELECT customer_id, score FROM credit_profiles'))
    same = sum(got['G%04d' % i] == min(1000, max(300, math.floor(v + 0.5))) for i, v in enumerate(s))
    print(f'{db}: {same} of {len(rows)} stored scores equal ours')

tot, shown, bad = {}, 0, 0
per_bin = {}
for j, c in enumerate(cols):
    nb = len(c['bins'])
    ref = np.array([b['goods'] + b['bads'] for b in c['bins']] + [0], float)
    ref /= ref[:nb].sum()
    cnt = np.bincount(np.where(Bc[:, j] < 0, nb, Bc[:, j]), minlength=nb + 1)
    cu = cnt / len(cur)
    shift = (cu - ref) * pts[j]
    tot[c['name']] = shift.sum()
    per_bin[c['name']] = (ref, cu, pts[j], shift, cnt[nb] > 0)
total_sum = sum(tot.values())
diff = sc.mean() - st.mean()
print(f'sum of the totals {total_sum:+.4f}, mean score difference {diff:+.4f}'
      f' (mean of {len(cur)} current scores {sc.mean():.4f} - of {len(train)} training'
      f' scores {st.mean():.4f}); equal to 1e-9: {abs(total_sum - diff) < 1e-9}')

def near(shown_v, v):  # a figure shown to 4 decimals (2 for points)
    global shown, bad
    shown += 1
    if abs(shown_v - v) > 0.5e-4 + 1e-9:
        bad += 1
        print('  MISMATCH', shown_v, v)
for f in ['duration', 'purpose', 'checking_status', 'credit_amount', 'age', 'score']:
    d = json.load(open(f'cur-{f}.json'))
    ch = d['characteristic']
    near(ch['reference_mean_score'], st.mean())
    near(ch['current_mean_score'], sc.mean())
    near(ch['mean_score_shift'], diff)
    near(ch['sum_of_totals'], total_sum)
    feats = d['characteristic_features']
    order = sorted(tot, key=lambda n: (-abs(tot[n]), n))
    if [r['feature'] for r in feats] != order:
        bad += 1
        print('  ORDER', [r['feature'] for r in feats], order)
    for r in feats:
        near(r['total'], tot[r['feature']])
    if f == 'score':
        continue
    ref, cu, p, shift, extra = per_bin[f]
    rows = d['characteristic_bins']
    if len(rows) != len(ref) - (0 if extra else 1):
        bad += 1
        print('  BINS', f, len(rows))
    for k, r in enumerate(rows):
        near(r['reference'], ref[k]); near(r['current'], cu[k]); near(r['change'], cu[k] - ref[k])
        near(r['shift'], shift[k])
        shown += 1
        bad += abs(r['points'] - p[k]) > 0.005 + 1e-9
d = json.load(open('train-score.json'))['characteristic']
near(d['sum_of_totals'], 0); near(d['mean_score_shift'], 0)
print(f'{shown} numbers shown, {bad} different from numpy\'s')
EOF
echo "--- not a scorecard"
$RISKDESK --db train.sqlite -c "train g2 --algo logit --folds-file $G/folds.csv" \
	-c 'drift --model g2 --feature duration' | sed -n '/^\[characteristic\]/,/^$/p'

echo "--- drift --by month: the window's last snapshot month is the current population"
$RISKDESK --db sm.sqlite -c "load $ROOT/sample-data" -c 'train s1 --algo scorecard' -c 'promote s1' \
	-c 'snapshot --from 2025-03 --to 2025-06' | grep -E '^name '
$RISKDESK --db sm.sqlite -c 'drift --by month --feature cod_share --since 2025-03 --until 2025-03' \
	| sed -n '/^\[characteristic\]/,/^$/p'
$RISKDESK --db sm.sqlite --json -c 'drift --by month --feature cod_share --since 2025-03 --until 2025-03' > month.json
$PY - <<'EOF2'
import json, sqlite3, struct
import numpy as np
db = sqlite3.connect('sm.sqlite')
spec = json.loads(db.execute("SELECT spec FROM models WHERE name = 's1'").fetchone()[0])
names = ["orders_total", "orders_delivered", "orders_returned", "orders_cancelled", "total_spend",
         "avg_order_value", "return_rate", "cancel_rate", "payments_total", "payments_failed",
         "failed_payment_rate", "cod_share", "recency_days", "frequency_90d", "monetary_90d",
         "amount_std", "tenure_days"]
rows = [dict(zip(names, struct.unpack('<17d', v))) for (v,) in db.execute(
    "SELECT fvec FROM snapshot_rows WHERE month = '2025-03' ORDER BY customer_id")]
def bin_of(col, x):  # numeric columns only here (the sample data's scorecard has no other)
    for k, b in enumerate(col['bins']):
        if 'special' in b and b['special'] == x:
            return k
    for k, b in enumerate(col['bins']):
        if not (b.get('missing') or 'special' in b) and (b['hi'] is None or x <= b['hi']):
            return k
    return None
d = json.load(open('month.json'))
shown = bad = 0
def near(s, v):
    global shown, bad
    shown += 1
    bad += abs(s - v) > 0.5e-4 + 1e-9
tot, ref_mean, cur = {}, spec['base_points'], np.full(len(rows), float(spec['base_points']))
for c in spec['columns']:
    nb = len(c['bins'])
    n = np.array([b['goods'] + b['bads'] for b in c['bins']], float)
    p = np.array([b['points'] for b in c['bins']])
    B = np.array([bin_of(c, r[c['name']]) for r in rows])
    sh = np.bincount(B, minlength=nb) / len(rows)
    ref = n / n.sum()
    tot[c['name']] = ((sh - ref) * p).sum()
    ref_mean += (ref * p).sum()
    cur += p[B]
    if c['name'] == 'cod_share':
        for k, r in enumerate(d['characteristic_bins']):
            near(r['reference'], ref[k]); near(r['current'], sh[k]); near(r['shift'], (sh[k] - ref[k]) * p[k])
for r in d['characteristic_features']:
    near(r['total'], tot[r['feature']])
ch = d['characteristic']
near(ch['current_mean_score'], cur.mean()); near(ch['reference_mean_score'], ref_mean)
near(ch['sum_of_totals'], sum(tot.values())); near(ch['mean_score_shift'], cur.mean() - ref_mean)
print(f'2025-03: {len(rows)} snapshot rows; sum of the totals {sum(tot.values()):+.4f} = mean score'
      f' difference {cur.mean() - ref_mean:+.4f}; {shown} numbers shown, {bad} different from numpy\'s')
EOF2
