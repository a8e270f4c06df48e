# Drift over calendar months on generated data (issue 11): the rules model's reference
# taken at the middle month end (2024-12-31), monthly snapshots of the twelve reported
# months, `drift --by month`. Without --drift the book is stationary: no month's score
# and no feature is flagged significant. With --drift (the same seed: identical up to
# 2024-12) the drifted features and the score are significant in the later months and
# not in the earlier ones. Every PSI shown, and the reference's shares, equal a numpy
# computation from snapshot_rows and the stored reference.
PY=/usr/bin/python3 # Debian's, where python3-numpy installs
cat >check.py <<'PY'
# check.py DB OUT.json KIND: KIND is "stationary" or "drift".
import json, sqlite3, sys
import numpy as np
db, rep, kind = sqlite3.connect(sys.argv[1]), json.load(open(sys.argv[2])), sys.argv[3]
names = ["orders_total", "orders_delivered", "orders_returned", "orders_cancelled",
         "total_spend", "avg_order_value", "return_rate", "cancel_rate", "payments_total",
         "payments_failed", "failed_payment_rate", "cod_share", "recency_days", "frequency_90d",
         "monetary_90d", "amount_std", "tenure_days"]
ref = json.loads(db.execute("SELECT reference FROM models WHERE name = 'rules' AND version = 1")
                 .fetchone()[0])
cols = {c["name"]: c for c in ref["features"]}
cols["score"] = ref["score"]

def rows(month):
    r = db.execute("SELECT score, fvec FROM snapshot_rows WHERE month = ? ORDER BY customer_id",
                   (month,)).fetchall()
    f = np.frombuffer(b"".join(x[1] for x in r), dtype="<f8").reshape(len(r), 17)
    return {"score": np.array([x[0] for x in r], dtype=float),
            **{n: f[:, i] for i, n in enumerate(names)}}

def shares(col, v):  # right-closed bins over the reference's edges; no missing values here
    return np.bincount(np.searchsorted(np.array(col["edges"]), v, side="left"),
                       minlength=len(col["edges"]) + 1) / len(v)

def psi(col, v):
    a, e = np.maximum(shares(col, v), 1e-4), np.maximum(np.array(col["shares"]), 1e-4)
    return float(np.sum((a - e) * np.log(a / e)))

status = lambda p: "stable" if p < 0.1 else "moderate" if p <= 0.25 else "significant"
bad = checked = 0
def agree(ok, what):
    global bad, checked
    checked += 1
    if not ok:
        bad += 1
        print("differs:", what)

# The reference: as of 2024-12-31, every customer created by then, its shares those of the
# book that day (the 2024-12 snapshot holds the same profiles).
n = db.execute("SELECT count(*) FROM customers WHERE created_at <= '2024-12-31'").fetchone()[0]
agree(ref["rows"] == n == rep["drift"]["reference_rows"], ("reference rows", ref["rows"], n))
dec = rows("2024-12")
for name, col in cols.items():
    agree(np.allclose(shares(col, dec[name]), col["shares"], rtol=0, atol=1e-12),
          ("reference shares", name))
feats = {(f["month"], f["feature"]): f for f in rep["features"]}
sig = {}
for m in rep["months"]:
    v = rows(m["month"])
    agree(len(v["score"]) == m["customers"], (m["month"], "customers"))
    p = psi(cols["score"], v["score"])
    agree(abs(m["score_psi"] - round(p, 4)) <= 1.1e-4 and m["status"] == status(p),
          (m["month"], "score", m["score_psi"], p))
    s = [m["month"], m["score_psi"], m["status"], []]
    for name in names:
        f = feats[m["month"], name]
        p = psi(cols[name], v[name])
        agree(abs(f["psi"] - round(p, 4)) <= 1.1e-4 and f["status"] == status(p),
              (m["month"], name, f["psi"], p))
        if f["status"] == "significant":
            s[3].append(name)
    agree(m["drifted"] == len(s[3]), (m["month"], "drifted"))
    sig[m["month"]] = s
print(f"{len(rep['months'])} months, the score and {len(names)} features: {checked} numbers"
      f" checked against numpy, {bad} differ")
for month, psi_, st, names_ in sig.values():
    print(f"  {month}  score PSI {psi_:.4f} {st:<11}  significant: {' '.join(names_) or '-'}")
# The verdicts the issue asks for.
early = [s for mo, s in sig.items() if mo <= "2024-12"]
late = [s for mo, s in sig.items() if mo >= "2025-04"]
if kind == "stationary":
    quiet = all(s[2] != "significant" and not s[3] for s in sig.values())
    print("no month's score and no feature significant:", quiet)
    worst = max(max(f["psi"] for f in rep["features"]), max(m["score_psi"] for m in rep["months"]))
    print("largest PSI below 0.1 (stable):", worst < 0.1)
else:
    print("nothing significant up to 2024-12:", all(s[2] != "significant" and not s[3] for s in early))
    print("the score not significant in 2025-01:", sig["2025-01"][2] != "significant")
    drifted = {"cod_share", "return_rate", "monetary_90d", "amount_std"}
    print("2025-04 .. 2025-06: the score and", " ".join(sorted(drifted)), "significant:",
          all(s[2] == "significant" and drifted <= set(s[3]) for s in late))
    undrifted = {"orders_total", "payments_total", "recency_days", "frequency_90d", "tenure_days"}
    print("activity and tenure never significant:",
          not any(undrifted & set(s[3]) for s in sig.values()))
PY
$RISKDESK -c 'gen a --customers 3000 --seed 21' -c 'gen b --customers 3000 --seed 21 --drift' >/dev/null
for x in a b; do
	echo "--- $( [ $x = a ] && echo 'gen, no drift' || echo 'gen --drift')"
	$RISKDESK --db $x.sqlite -c "load $x" -c 'recompute all --as-of 2024-12-31' -c 'drift baseline' \
		-c 'snapshot --from 2024-07 --to 2025-06' | grep -E '^(recomputed|the rules|took)' |
		sed -E 's/ in [0-9.]+ s/ in <T> s/'
	$RISKDESK --db $x.sqlite --json -c 'drift --by month' >$x.json
	$PY check.py $x.sqlite $x.json $( [ $x = a ] && echo stationary || echo drift)
done
# The two books agree up to the drift's first day, and differ after it.
sqlite3 a.sqlite "ATTACH 'b.sqlite' AS b;
SELECT month, sum(x.score = y.score AND x.fvec = y.fvec) = count(*) FROM snapshot_rows x
JOIN b.snapshot_rows y USING (month, customer_id) WHERE month IN ('2024-12', '2025-01') GROUP BY month"
