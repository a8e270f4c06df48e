# drift --by month (issue 11): each monthly snapshot against the serving model's
# reference. Every month's PSI of the score and of each column, its status, and the AUC
# equal an independent python computation from the snapshot rows and the stored reference
# (docs/methodology.md, section 8: right-closed bins, shares floored at 0.0001, a missing
# bin when either side has missing values); also for a reference with attribute columns
# (German credit, some customers created later, some attributes missing).
cat >psi.py <<'PY'
# psi.py DB OUT.json: the report of `drift --by month --json` against python.
import json, math, sqlite3, struct, sys
db, rep = sqlite3.connect(sys.argv[1]), json.load(open(sys.argv[2]))
names = ["orders_total", "orders_delivered", "orders_returned", "orders_cancelled",
         "total_spend", "avg_order_value", "return_rate", "cancel_rate", "payments_total",
         "payments_failed", "failed_payment_rate", "cod_share", "recency_days", "frequency_90d",
         "monetary_90d", "amount_std", "tenure_days"]
model = rep["drift"]["model"].split(" ")[0]
name, version = model.split("@")
ref = json.loads(db.execute("SELECT reference FROM models WHERE name = ? AND version = ?",
                            (name, int(version))).fetchone()[0])
def psi(col, values):  # values: a list, None = missing
    n = len(values)
    if col["type"] == "categorical":
        levels = list(col["levels"])
        e = [col["levels"][l] for l in levels] + [0.0]          # + levels never seen
        a = [0] * (len(levels) + 1)
        for v in values:
            if v is not None:
                a[levels.index(v) if v in levels else len(levels)] += 1
    else:
        edges = col["edges"]
        e = list(col["shares"])
        a = [0] * (len(edges) + 1)
        for v in values:
            if v is not None:
                a[sum(v > x for x in edges)] += 1
    missing = sum(v is None for v in values)
    a = [x / n for x in a]
    if col["missing"] > 0 or missing > 0:
        e.append(col["missing"])
        a.append(missing / n)
    f = lambda s: max(s, 0.0001)
    return sum((f(x) - f(y)) * math.log(f(x) / f(y)) for x, y in zip(a, e))
def status(p):
    return "n/a" if p is None else "stable" if p < 0.1 else "moderate" if p <= 0.25 else "significant"
attrs = {}
for cid, k, value, num in db.execute("SELECT customer_id, name, value, num FROM customer_attributes"):
    attrs[cid, k] = value if value != "" else None, num
bad = checked = 0
def same(got, want, what):
    global bad, checked
    checked += 1
    if (got is None) != (want is None) or (want is not None and abs(got - round(want, 4)) > 1.1e-4):
        bad += 1
        if bad < 5:
            print("differs:", what, "riskdesk", got, "python", want)
num = lambda v: None if v in ("-", None) else v
feats = {(r["month"], r["feature"]): r for r in rep["features"]}
for m in rep["months"]:
    rows = db.execute("SELECT customer_id, score, model_name, model_version, fvec FROM snapshot_rows"
                      " WHERE month = ? ORDER BY customer_id", (m["month"],)).fetchall()
    enough = len(rows) >= 30
    scores = [r[1] for r in rows if (r[2], r[3]) == (name, int(version))]
    want = psi(ref["score"], scores) if enough and scores else None
    same(num(m["score_psi"]), want, (m["month"], "score"))
    if m["status"] != status(want):
        bad += 1
    drifted = 0
    for col in ref["features"]:
        if col["name"] in names:
            vals = [struct.unpack("<17d", r[4])[names.index(col["name"])] for r in rows]
        else:
            a = [attrs.get((r[0], col["name"]), (None, None)) for r in rows]
            vals = [v for v, _ in a] if col["type"] == "categorical" else [x for _, x in a]
        p = psi(col, vals) if enough else None
        drifted += p is not None and p > 0.25
        f = feats[m["month"], col["name"]]
        same(num(f["psi"]), p, (m["month"], col["name"]))
        if f["status"] != status(p):
            bad += 1
    if m["drifted"] != drifted:
        bad += 1
    # AUC: the chance that a defaulter scored below a good customer, ties half.
    out = dict(db.execute("SELECT customer_id, defaulted FROM outcomes"))
    bads = [r[1] for r in rows if out.get(r[0]) == 1]
    goods = [r[1] for r in rows if out.get(r[0]) == 0]
    auc = None
    if len(bads) + len(goods) >= 30 and bads and goods:
        auc = sum((b < g) + 0.5 * (b == g) for b in bads for g in goods) / (len(bads) * len(goods))
    same(num(m["auc"]), auc, (m["month"], "auc"))
    if m["customers"] != len(rows):
        bad += 1
print(f"{len(rep['months'])} months, {len(ref['features'])} columns and the score:"
      f" {checked} numbers checked, {bad} differ")
PY
echo "--- the sample: the rules model's reference as of 2025-03-31, then a snapshot of every month"
$RISKDESK --db db.sqlite -c "load $ROOT/sample-data" -c "recompute all --as-of 2025-03-31" >/dev/null
$RISKDESK --db db.sqlite -c "drift --by month"; echo "status $?"
$RISKDESK --db db.sqlite -c "snapshot" >/dev/null
$RISKDESK --db db.sqlite --json -c "drift --by month" >out.json
python3 psi.py db.sqlite out.json
echo "--- drift over the profiles has no table per cohort month (young cohorts raise false alarms)"
$RISKDESK --db db.sqlite --json -c "drift" | python3 -c "import json, sys
d = json.load(sys.stdin); print('tables:', ' '.join(sorted(k for k, v in d.items() if isinstance(v, list))))"
echo "--- the counts snapshot stored give the report the rows give: without them, damaged, stale"
cat >same.py <<'PY'
# same.py A.json B.json: where each report's counts came from, and whether they agree.
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
a["drift"].pop("counted_from")
print(sys.argv[2], "counted from", b["drift"].pop("counted_from"), "|",
      "the same report as" if a == b else "DIFFERS from", sys.argv[1])
PY
sqlite3 db.sqlite "SELECT count(*), count(DISTINCT month), min(model_name) FROM snapshot_counts"
cp db.sqlite rows.sqlite && sqlite3 rows.sqlite "DELETE FROM snapshot_counts"
$RISKDESK --db rows.sqlite --json -c "drift --by month" >rows.json
cp db.sqlite cut.sqlite
sqlite3 cut.sqlite "UPDATE snapshot_counts SET counts = substr(counts, 1, 100) WHERE month = '2025-01'"
$RISKDESK --db cut.sqlite --json -c "drift --by month" >cut.json
for f in out.json rows.json cut.json; do python3 same.py out.json $f; done
# a new reference (today's profiles): the stored counts are for the old one
$RISKDESK --db db.sqlite -c "recompute all" -c "drift baseline" >/dev/null
$RISKDESK --db db.sqlite --json -c "drift --by month" >renewed.json
python3 same.py out.json renewed.json
python3 psi.py db.sqlite renewed.json
$RISKDESK --db db.sqlite -c "snapshot --from 2025-05 --to 2025-06" >/dev/null
sqlite3 db.sqlite "SELECT count(*), count(DISTINCT reference_hash) FROM snapshot_counts"
$RISKDESK --db db.sqlite --json -c "drift --by month --since 2025-05" >some.json
python3 same.py renewed.json some.json | cut -d'|' -f1
python3 psi.py db.sqlite some.json
$RISKDESK --db db.sqlite -c "cleanup snapshots --before 2025-01" >/dev/null
sqlite3 db.sqlite "SELECT count(*), min(month) FROM snapshot_counts"
$RISKDESK --db db.sqlite -c "drift --by month --feature cod_share --since 2025-02 --until 2025-04"
$RISKDESK --db db.sqlite -c "drift --by month --feature score --since 2025-03 --until 2025-03" | sed -n '/^month/,$p'
$RISKDESK --db db.sqlite -c "drift --by week"; echo "status $?"
$RISKDESK --db db.sqlite -c "drift --by month --since 2025-03-01"; echo "status $?"
$RISKDESK --db db.sqlite -c "drift --by month --since 2026-01"; echo "status $?"

echo "--- German credit: a logit's reference with attributes; half the customers created later"
$RISKDESK --db g.sqlite -c "load customers $SHARED/datasets/german/german.data --map $ROOT/sample-data/mappings/german.json" >/dev/null
$RISKDESK --db g.sqlite -c "train g --algo logit --folds 2" -c "promote g" >/dev/null
sqlite3 g.sqlite "UPDATE customers SET created_at = '2025-02-14' WHERE rowid % 2 = 0;
DELETE FROM customer_attributes WHERE name = 'age' AND customer_id IN
  (SELECT id FROM customers WHERE rowid % 7 = 0);"
$RISKDESK --db g.sqlite -c "snapshot --from 2025-01 --to 2025-02" | grep -E '^(month|2025)'
$RISKDESK --db g.sqlite --json -c "drift --by month" >g.json
python3 psi.py g.sqlite g.json
$RISKDESK --db g.sqlite -c "drift --by month" | sed -n '/^month  /,/^$/p'
