# drift --outcomes and drift --vintages (issue 11 item 4): the sample's customers, orders
# and payments with monthly snapshots, and outcomes this test writes with observed_at spread
# over 2024-06 .. 2026-03 (some on a month's last day, some with a time and an offset that
# moves their UTC day, one default without a date, 40 customers without an outcome, then
# proxy labels for those). Every number shown — per month and band the customers, bads,
# expected and actual bad rate, per month the AUC and Gini, each vintage point — equals an
# independent computation in python (sklearn's roc_auc_score) from the SQLite file.
PY=/usr/bin/python3 # with numpy and scikit-learn
cat >outcomes.py <<'PY'
# outcomes.py SAMPLE_OUTCOMES OUT: the sample's defaulted flags, observed_at spread by a
# hash of the id (deterministic), written as an outcomes file.
import csv, hashlib, sys
from datetime import date, timedelta
rows = list(csv.DictReader(open(sys.argv[1])))
start, days = date(2024, 6, 1), (date(2026, 3, 31) - date(2024, 6, 1)).days + 1
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["customer_id", "defaulted", "observed_at"])
    for i, r in enumerate(rows):
        if i % 50 == 7:
            continue  # no outcome
        h = int(hashlib.sha256(r["customer_id"].encode()).hexdigest(), 16)
        if r["defaulted"] == "0":
            w.writerow([r["customer_id"], 0, "2026-03-31"])
            continue
        d = start + timedelta(days=h % days)
        if h % 11 == 0:  # a month's last day
            d = date(d.year, d.month, 1) + timedelta(days=32)
            d = date(d.year, d.month, 1) - timedelta(days=1)
        at = d.isoformat()
        if h % 7 == 0:
            at += "T23:30:00-02:00"  # the next day in UTC
        elif h % 7 == 1:
            at += "T00:30:00+01:00"  # the day before in UTC
        if r["customer_id"] == "C0002":
            at = ""  # a default without a date
        w.writerow([r["customer_id"], 1, at])
PY
cat >check.py <<'PY'
# check.py DB MONTHS.json VINTAGES.json WINDOW: riskdesk's tables against python.
import json, sqlite3, sys
from datetime import datetime, timezone, date
from sklearn.metrics import roc_auc_score
db = sqlite3.connect(sys.argv[1])
rep, vin, window = json.load(open(sys.argv[2])), json.load(open(sys.argv[3])), int(sys.argv[4])
def day(text):  # the UTC date of an ISO 8601 text, None when absent
    if not text:
        return None
    t = datetime.fromisoformat(text)
    if t.tzinfo:
        t = t.astimezone(timezone.utc)
    return t.date()
def month_end(y, m):  # the last day of month m of year y (m may pass 12)
    y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)
def months_between(a, b):
    return (b.year - a.year) * 12 + b.month - a.month - (b.day < a.day)
out = {c: (d, day(o)) for c, d, o in
       db.execute("SELECT customer_id, defaulted, observed_at FROM outcomes WHERE source = 'observed'")}
end = max(o for _, o in out.values() if o is not None)
checked = bad = 0
def same(got, want, what, tol=5.01e-5):
    global checked, bad
    checked += 1
    if not isinstance(want, float):
        ok = got == ("-" if want is None else want)
    else:
        ok = isinstance(got, (int, float)) and abs(got - want) <= tol
    if not ok:
        bad += 1
        if bad < 10:
            print("differs:", what, "riskdesk", got, "python", want)
for r in (rep, vin):
    s = r["outcomes"]
    same(s["data_end"], end.isoformat(), "data_end")
    same(s["observed"], len(out), "observed")
    same(s["undated_defaults"], sum(d == 1 and o is None for d, o in out.values()), "undated")
same(rep["outcomes"]["window"], f"{window} months", "window")
months = [m for (m,) in db.execute("SELECT month FROM snapshot_months ORDER BY month")]
same(len(rep["months"]), len(months), "months")
bands = {(b["month"], b["band"]): b for b in rep["bands"]}
nbands = 0
for m, row in zip(months, rep["months"]):
    y, mo = int(m[:4]), int(m[5:])
    e, wend = month_end(y, mo), month_end(y, mo + window)
    mature = wend <= end
    same(row["month"], m, "month")
    same(row["window_end"], wend.isoformat(), (m, "window_end"))
    same(row["status"], "mature" if mature else "immature", (m, "status"))
    n = {"unl": 0, "und": 0, "dft": 0}
    cells = {}  # band -> [pd], [y]
    for cid, band, pd in db.execute("SELECT customer_id, band, pd FROM snapshot_rows WHERE month = ?", (m,)):
        if cid not in out:
            n["unl"] += 1
            continue
        d, o = out[cid]
        if d == 1 and o is None:
            n["und"] += 1
            continue
        if d == 1 and o <= e:
            n["dft"] += 1
            continue
        cells.setdefault(band, ([], []))
        cells[band][0].append(pd)
        cells[band][1].append(int(d == 1 and o <= wend))
    same(row["unlabelled"], n["unl"], (m, "unlabelled"))
    same(row["undated"], n["und"], (m, "undated"))
    same(row["defaulted"], n["dft"], (m, "defaulted"))
    allp = [p for b in cells.values() for p in b[0]]
    ally = [v for b in cells.values() for v in b[1]]
    def check_cell(got, ps, ys, what):
        same(got["customers"], len(ps), what + ("customers",))
        same(got["bads"], sum(ys) if mature else None, what + ("bads",))
        same(got["expected"], sum(ps) / len(ps) if ps else None, what + ("expected",))
        same(got["actual"], sum(ys) / len(ys) if ps and mature else None, what + ("actual",))
    check_cell(row, allp, ally, (m,))
    auc = roc_auc_score(ally, allp) if mature and 0 < sum(ally) < len(ally) else None
    same(row["auc"], auc, (m, "auc"))
    same(row["gini"], None if auc is None else 2 * auc - 1, (m, "gini"), 1.001e-4)
    for band in "ABCDE":
        if band in cells:
            nbands += 1
            check_cell(bands[m, band], *cells[band], (m, band))
        else:
            same((m, band) in bands, False, (m, band, "row of an empty band"))
same(len(rep["bands"]), nbands, "band rows")
# Vintages: the observed outcomes' customers by quarter of creation.
q = {}
for cid, created in db.execute("SELECT id, created_at FROM customers"):
    if cid not in out or (out[cid][0] == 1 and out[cid][1] is None):
        continue
    c = day(created)
    key = f"{c.year:04d}-Q{(c.month - 1) // 3 + 1}"
    q.setdefault(key, []).append((c, out[cid]))
same([v["quarter"] for v in vin["vintages"]], sorted(q), "quarters")
curves = {(p["quarter"], p["months_on_book"]): p["cum_bad_rate"] for p in vin["vintage_curves"]}
npoints = 0
for v in vin["vintages"]:
    cs = q[v["quarter"]]
    points = min(max(months_between(max(c for c, _ in cs), end), 0), 240)
    same(v["customers"], len(cs), (v["quarter"], "customers"))
    same(v["defaults"], sum(d for _, (d, _) in cs), (v["quarter"], "defaults"))
    same(v["months_observed"], points, (v["quarter"], "months"))
    mobs = [max(months_between(c, o), 0) for c, (d, o) in cs if d == 1]
    for k in range(1, points + 1):
        npoints += 1
        same(curves.get((v["quarter"], k)), sum(x < k for x in mobs) / len(cs), (v["quarter"], k))
    same(v["cum_bad_rate"], sum(x < points for x in mobs) / len(cs) if points else None,
         (v["quarter"], "last"))
same(len(vin["vintage_curves"]), npoints, "curve points")
mature = sum(m["status"] == "mature" for m in rep["months"])
print(f"window {window}: {len(months)} months ({mature} mature), {nbands} band rows,"
      f" {len(vin['vintages'])} vintages, {npoints} curve points: {checked} numbers checked,"
      f" {bad} differ")
PY
mkdir data
$PY outcomes.py "$ROOT/sample-data/outcomes.csv" data/outcomes.csv
echo "--- the sample's customers, orders and payments; a snapshot of every month"
$RISKDESK --db db.sqlite -c "load customers $ROOT/sample-data/customers.csv" \
	-c "load orders $ROOT/sample-data/orders.csv" -c "load payments $ROOT/sample-data/payments.csv" \
	-c "recompute all" -c "snapshot" >/dev/null
$RISKDESK --db db.sqlite -c "drift --outcomes"; echo "status $?"
$RISKDESK --db db.sqlite -c "load outcomes data/outcomes.csv" -c "label proxy --rfm --force" |
	grep -E '^labelled'
sqlite3 db.sqlite "SELECT source, defaulted, count(*), count(observed_at) FROM outcomes GROUP BY 1, 2"
echo "defaults observed on a month's last day (text), at a time whose UTC day is the next, the previous:"
sqlite3 db.sqlite "SELECT sum(date(substr(observed_at, 1, 10), '+1 day') LIKE '%-01'),
  sum(observed_at LIKE '%T23:30:00-02:00'), sum(observed_at LIKE '%T00:30:00+01:00')
  FROM outcomes WHERE defaulted = 1 AND source = 'observed'"

echo "--- a 12-month window: the last three months are not mature at the outcomes' end (2026-03-31)"
$RISKDESK --db db.sqlite -c "drift --outcomes"
$RISKDESK --db db.sqlite -c "drift --vintages" | sed -n '1,/^$/p;/^quarter  customers/,/^$/p'
$RISKDESK --db db.sqlite --json -c "drift --by month --outcomes" >m12.json
$RISKDESK --db db.sqlite --json -c "drift --vintages" >v.json
$PY check.py db.sqlite m12.json v.json 12
echo "--- a 3-month window: every month mature"
$RISKDESK --db db.sqlite --json -c "drift --outcomes --window 3 --vintages" >m3.json
$PY check.py db.sqlite m3.json m3.json 3
$RISKDESK --db db.sqlite -c "drift --outcomes --window 3 --since 2025-05 --until 2025-06" | sed -n '/^month  /,$p'

echo "--- refusals"
$RISKDESK --db db.sqlite -c "drift --outcomes --window 0"; echo "status $?"
$RISKDESK --db db.sqlite -c "drift --outcomes --window 121"; echo "status $?"
$RISKDESK --db db.sqlite -c "drift --window 3"; echo "status $?"
$RISKDESK --db db.sqlite -c "drift --outcomes --model rules"; echo "status $?"
$RISKDESK --db db.sqlite -c "drift --vintages --since 2025-01"; echo "status $?"
$RISKDESK --db db.sqlite -c "drift --outcomes --since 2025-01-01"; echo "status $?"
$RISKDESK --db db.sqlite -c "drift --outcomes --since 2030-01"; echo "status $?"
