# Proxy labels on data without outcomes (seed 004's case): a generated book loaded without
# its outcomes file; `label proxy --rfm` clusters it and labels the least engaged cluster
# bad. Checked against an independent computation: the features recomputed by Python from
# the tables, scikit-learn's KMeans from the stored starting centroids, the cluster shares
# by SQL over the stored outcomes. A model trained on them says so; observed outcomes win.
PY=/usr/bin/python3 # Debian's, with python3-numpy and python3-sklearn (scripts/deps.sh)
$RISKDESK -c 'gen d --customers 2000 --seed 4' >/dev/null
$RISKDESK --db g.sqlite -c 'load customers d/customers.csv' -c 'load orders d/orders.csv' \
  -c 'load payments d/payments.csv' >/dev/null
echo "--- no outcomes: nothing to train on"
$RISKDESK --db g.sqlite -c 'label' -c 'train x --algo logit'; echo "status $?"
echo "--- label proxy --rfm"
$RISKDESK --db g.sqlite -c 'label proxy --rfm'
$RISKDESK --db g.sqlite -c 'label'
echo "--- shares by SQL over the stored outcomes: the least engaged cluster's size is the bads"
sqlite3 g.sqlite "SELECT source, count(*), sum(defaulted), round(avg(defaulted), 4),
  sum(observed_at = '2025-06-30') FROM outcomes GROUP BY source"
sqlite3 g.sqlite "SELECT sum(defaulted) = json_extract(m.value, '\$.clusters[0].customers'),
  count(*) = json_extract(m.value, '\$.customers') FROM outcomes, meta m
  WHERE m.key = 'proxy_labels'"

# check.py DB[:SHARE]...: R, F, M from the tables (not riskdesk's features), log1p, z-scores;
# scikit-learn's Lloyd from the stored starts (least engaged first); the bad customers are
# its first cluster, or with SHARE whole clusters in that order then the least engaged
# customers of the next, round(SHARE·n) in all.
cat > check.py <<'EOF'
import json, sqlite3, sys, datetime as dt
import numpy as np
from sklearn.cluster import KMeans
def check(path, share):
    db = sqlite3.connect(path)
    meta = json.loads(db.execute("SELECT value FROM meta WHERE key = 'proxy_labels'").fetchone()[0])
    day = lambda s: dt.date.fromisoformat(s[:10])  # gen writes UTC ('Z') times
    as_of = max(day(r[0]) for r in db.execute("SELECT created_at FROM orders UNION ALL SELECT created_at FROM payments"))
    rows = db.execute("""SELECT c.id, c.created_at, max(o.created_at), count(o.id),
      coalesce(sum(CASE WHEN o.status = 'delivered' THEN o.amount END), 0)
      FROM customers c LEFT JOIN orders o ON o.customer_id = c.id
      WHERE NOT EXISTS (SELECT 1 FROM outcomes x WHERE x.customer_id = c.id AND x.source = 'observed')
      GROUP BY c.id ORDER BY c.rowid""").fetchall()
    ids = [r[0] for r in rows]
    raw = np.array([[max((as_of - day(r[2] or r[1])).days, 0), r[3], r[4]] for r in rows], float)
    lx = np.log1p(raw)
    mean, sd = lx.mean(axis=0), lx.std(axis=0)
    z = (lx - mean) / sd
    print("customers", len(ids), "as of", as_of, "features agree:",
          np.allclose(mean, meta['mean'], rtol=1e-12, atol=0) and np.allclose(sd, meta['sd'], rtol=1e-12, atol=0))
    cl = meta['clusters']
    init = np.array([c['init'] for c in cl])
    km = KMeans(n_clusters=len(cl), init=init, n_init=1, max_iter=300, tol=0, algorithm='lloyd').fit(z)
    sizes = np.bincount(km.labels_, minlength=len(cl))
    print("sklearn from the stored starts: sizes", list(sizes), "agree:", list(sizes) == [c['customers'] for c in cl],
          "centroids agree:", bool(np.abs(km.cluster_centers_ - np.array([c['centroid'] for c in cl])).max() < 1e-9),
          "inertia agrees:", abs(km.inertia_ - meta['inertia']) < 1e-9 * km.inertia_)
    eng = lambda v: (-v[..., 0] + v[..., 1] + v[..., 2]) / 3
    print("least engaged first:", bool(np.all(np.diff(eng(km.cluster_centers_)) > 0)))
    own = KMeans(n_clusters=len(cl), init='k-means++', n_init=10, random_state=0, algorithm='lloyd').fit(z)
    # Another local optimum may differ by a hair: within 0.1 % of scikit-learn's own best.
    print("inertia within 0.1 % of sklearn's own 10 k-means++ starts:", meta['inertia'] <= own.inertia_ * 1.001)
    bad = np.zeros(len(ids), bool)
    if share is None:
        bad = km.labels_ == 0
    else:
        target, e = int(np.floor(share * len(ids) + 0.5)), eng(z)
        for q in range(len(cl)):
            members = np.flatnonzero(km.labels_ == q)
            take = members[np.lexsort((members, e[members]))][:target - bad.sum()]
            bad[take] = True
            if bad.sum() == target:
                break
    stored = dict(db.execute("SELECT customer_id, defaulted FROM outcomes WHERE source = 'proxy'"))
    print("bad customers:", int(bad.sum()), "stored labels agree:",
          sum(stored[i] == int(b) for i, b in zip(ids, bad)), "of", len(ids))
for arg in sys.argv[1:]:  # DB or DB:SHARE, one scikit-learn import for all
    path, _, share = arg.partition(':')
    print("---", arg)
    check(path, float(share) if share else None)
EOF
sqlite3 g.sqlite ".backup k4.sqlite" # checked at the end, with the other states
echo "--- how the proxy relates to the generator's hidden defaults (d/outcomes.csv)"
python3 - <<'EOF'
import csv, sqlite3
real = {r['customer_id']: int(r['defaulted']) for r in csv.DictReader(open('d/outcomes.csv'))}
for p, n, d in sqlite3.connect('g.sqlite').execute(
        "SELECT defaulted, count(*), 0 FROM outcomes GROUP BY defaulted").fetchall():
    ids = [i for i, in sqlite3.connect('g.sqlite').execute("SELECT customer_id FROM outcomes WHERE defaulted = ?", (p,))]
    print("proxy", "bad " if p else "good", n, "customers, real default rate %.3f" % (sum(real[i] for i in ids) / n))
EOF

echo "--- the same on the sample data (methodology.md quotes these): tails, then real rates"
S="$ROOT/sample-data"
$RISKDESK --db s.sqlite -c "load customers $S/customers.csv" -c "load orders $S/orders.csv" \
  -c "load payments $S/payments.csv" -c 'label proxy --rfm' >/dev/null
sqlite3 s.sqlite "SELECT max(n), round(avg(n), 1), max(m), round(avg(m)) FROM (SELECT count(o.id) n,
  coalesce(sum(iif(o.status = 'delivered', o.amount, 0)), 0) m FROM customers c
  LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id)"
python3 - "$S/outcomes.csv" <<'EOF'
import csv, sqlite3, sys
real = {r['customer_id']: int(r['defaulted']) for r in csv.DictReader(open(sys.argv[1]))}
for p, ids in ((p, [i for i, in sqlite3.connect('s.sqlite').execute(
        "SELECT customer_id FROM outcomes WHERE defaulted = ?", (p,))]) for p in (0, 1)):
    print("proxy", "bad " if p else "good", len(ids), "customers, real default rate %.3f" % (sum(real[i] for i in ids) / len(ids)))
EOF

echo "--- a model trained on them says so: train, model, the registry's JSON, moved elsewhere"
$RISKDESK --db g.sqlite -c 'train p1 --algo logit' | grep -E '^(name|rows|bads|auc_fold_mean)|^trained on|^registered'
$RISKDESK --db g.sqlite -c 'model p1' | grep -E '^label_source'
sqlite3 g.sqlite "SELECT json_extract(metrics, '\$.label_source') FROM models WHERE name = 'p1'"
$RISKDESK --db g.sqlite -c 'model export p1 p1.model' >/dev/null
$RISKDESK --db moved.sqlite -c 'model import p1.model' -c 'model p1' | grep -E '^label_source'
$RISKDESK --db g.sqlite -c 'promote p1' -c 'recompute all' >/dev/null
echo "--- drift's AUC reads observed outcomes only: none here"
$RISKDESK --db g.sqlite -c 'snapshot' >/dev/null
$RISKDESK --db g.sqlite --json -c 'drift --by month' | python3 -c "import json,sys; d=json.load(sys.stdin)
m = d['months']; print('snapshot months:', len(m), 'with outcomes:', sum(int(x['outcomes']) > 0 for x in m))"

echo "--- --bad-share 0.2: 400 of 2000, least engaged clusters first"
$RISKDESK --db g.sqlite -c 'label proxy --rfm --bad-share 0.2 --clusters 5' | sed -n '/^method/p;/^bads/p;/^replaced/p;/^cluster/,$p'
sqlite3 g.sqlite "SELECT count(*), sum(defaulted) FROM outcomes WHERE source = 'proxy'"
sqlite3 g.sqlite ".backup k5share.sqlite"

echo "--- observed outcomes win: refused beside them, --force labels the others, a load replaces"
head -11 d/outcomes.csv > observed.csv
$RISKDESK --db g.sqlite -c 'label clear'
$RISKDESK --db g.sqlite -c 'load outcomes observed.csv' >/dev/null
$RISKDESK --db g.sqlite -c 'label proxy --rfm'; echo "status $?"
$RISKDESK --db g.sqlite -c 'label proxy --rfm --force' | sed -n '/^customers/p;/^observed_kept/p'
sqlite3 g.sqlite "SELECT source, count(*) FROM outcomes GROUP BY source"
sqlite3 g.sqlite ".backup forced.sqlite"
$RISKDESK --db g.sqlite -c 'train p2 --algo logit' | grep '^trained on'
$RISKDESK --db g.sqlite -c 'show C0001' | sed -n '/^defaulted/,/^source/p'
head -1 d/outcomes.csv > later.csv; grep '^C0020,' d/outcomes.csv >> later.csv
$RISKDESK --db g.sqlite -c 'load outcomes later.csv' >/dev/null
sqlite3 g.sqlite "SELECT customer_id, source FROM outcomes WHERE customer_id = 'C0020'"
echo "--- the logs"
sqlite3 g.sqlite "SELECT kind, status, rows, message FROM runs WHERE kind LIKE 'label%' ORDER BY id"
sqlite3 g.sqlite "SELECT command, status FROM audit WHERE command LIKE 'label%' ORDER BY id"
echo "--- bad input"
$RISKDESK --db g.sqlite -c 'label proxy --rfm --clusters 40'; echo "status $?"
$RISKDESK --db g.sqlite --read-only -c 'label proxy --rfm --force'; echo "status $?"
echo "--- an independent computation (Python, scikit-learn) of the three labellings above"
OMP_NUM_THREADS=1 $PY check.py k4.sqlite k5share.sqlite:0.2 forced.sqlite
