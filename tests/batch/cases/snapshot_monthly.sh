# Monthly snapshots (issue 11): on the sample data, every month's rows equal what
# `recompute all --as-of <month end>` writes (same customers; features, score, PD, band,
# segment and model), under the rules model and under a trained champion; a few features
# also equal a plain SQL computation over the events on or before the month end; a month
# taken again is replaced (and the others kept); cleanup removes the old months, audited.
$RISKDESK --db db.sqlite -c "load $ROOT/sample-data" >/dev/null || echo "load failed"
echo "--- snapshot, default range"
$RISKDESK --db db.sqlite -c "snapshot --monthly"
# recompute DB DAY...: `recompute all --as-of DAY` for each DAY, its profiles kept in
# DB-profiles.sqlite (table DAY) for cmp.py.
recompute() {
	local db=$1 d
	shift
	for d in "$@"; do
		$RISKDESK --db $db -c "recompute all --as-of $d" >/dev/null
		sqlite3 $db "ATTACH '$db-profiles.sqlite' AS p;
		CREATE TABLE p.\"$d\" AS SELECT * FROM credit_profiles WHERE as_of = '$d'"
	done
}
cat >cmp.py <<'PY'
# cmp.py DB DAY...: snapshot_rows of each DAY's month against the profiles recompute wrote
# as of DAY (kept by recompute()).
import sqlite3, struct, sys
db = sqlite3.connect(sys.argv[1])
db.execute(f"ATTACH '{sys.argv[1]}-profiles.sqlite' AS p")
cols = "customer_id, score, band, pd, segment, model_name, model_version, fvec"
for d in sys.argv[2:]:
    prof = {r[0]: r[1:] for r in db.execute(f'SELECT {cols} FROM p."{d}"')}
    snap = {r[0]: r[1:] for r in db.execute(f"SELECT {cols} FROM snapshot_rows WHERE month = ?",
                                            (d[:7],))}
    same = exact = 0
    for cid, s in snap.items():
        p = prof.get(cid)
        if p is None:
            continue
        exact += p == s
        a, b = struct.unpack('<17d', p[6]), struct.unpack('<17d', s[6])
        # score and band, segment and model exactly; the PD and the features up to the
        # order of adding amounts (floating point)
        if p[:2] == s[:2] and p[3:6] == s[3:6] and abs(p[2] - s[2]) <= 1e-12 and \
           all(abs(x - y) <= 1e-9 * max(1, abs(x)) for x, y in zip(a, b)):
            same += 1
        elif len(snap) - same < 5:
            print("differs", cid, p[:6], s[:6])
    print(f"{d}: {len(snap)} snapshot rows, {len(prof)} profiles as of that day,"
          f" {same} equal ({'all' if exact == len(snap) else exact} bit for bit),"
          f" customers {'the same' if set(snap) == set(prof) else 'DIFFER'}")
PY
recompute db.sqlite 2024-09-30 2025-01-31 2025-04-30
python3 cmp.py db.sqlite 2024-09-30 2025-01-31 2025-04-30

echo "--- a few features against plain SQL over the events on or before each month end"
cat >chk.py <<'PY'
# chk.py DB DAY...: seven features of each month's rows against plain SQL (SQLite's date()
# applies an offset, as riskdesk does); customers without a creation date are in every month.
import sqlite3, struct, sys
db = sqlite3.connect(sys.argv[1])
names = {"orders_total": 0, "total_spend": 4, "payments_failed": 9, "recency_days": 12,
         "frequency_90d": 13, "monetary_90d": 14, "tenure_days": 16}
q = """
SELECT c.id,
  (SELECT count(*) FROM orders o WHERE o.customer_id = c.id AND date(o.created_at) <= :d),
  (SELECT coalesce(sum(amount), 0) FROM orders o WHERE o.customer_id = c.id
     AND o.status = 'delivered' AND date(o.created_at) <= :d),
  (SELECT count(*) FROM payments p WHERE p.customer_id = c.id AND p.success = 0
     AND date(p.created_at) <= :d),
  julianday(:d) - julianday(coalesce((SELECT max(date(created_at)) FROM orders o
     WHERE o.customer_id = c.id AND date(o.created_at) <= :d), date(c.created_at))),
  (SELECT count(*) FROM orders o WHERE o.customer_id = c.id AND date(o.created_at) <= :d
     AND date(o.created_at) > date(:d, '-90 days')),
  (SELECT coalesce(sum(amount), 0) FROM orders o WHERE o.customer_id = c.id
     AND date(o.created_at) <= :d AND date(o.created_at) > date(:d, '-90 days')),
  julianday(:d) - julianday(date(c.created_at))
FROM customers c WHERE c.created_at IS NULL OR date(c.created_at) <= :d"""
for d in sys.argv[2:]:
    want = {r[0]: [0 if x is None else x for x in r[1:]] for r in db.execute(q, {"d": d})}
    got = {cid: struct.unpack('<17d', f) for cid, f in
           db.execute("SELECT customer_id, fvec FROM snapshot_rows WHERE month = ?", (d[:7],))}
    bad = sum(1 for cid, w in want.items()
              for k, (name, i) in enumerate(names.items())
              if abs(got[cid][i] - w[k]) > 1e-6 * max(1, abs(w[k])) or got[cid][i] < 0)
    print(f"{d}: {len(want)} customers created by then, {len(got)} rows,"
          f" {len(names)} features each, {bad} differ")
PY
python3 chk.py db.sqlite 2024-07-31 2024-12-31 2025-02-28 2025-06-30

echo "--- times with offsets around month ends and window edges, rows not in time order"
mkdir off
cat >off/customers.csv <<'EOF'
id,name,email,phone,kind,created_at
A,Anna,,,individual,2024-11-15
B,Ben,,,individual,2025-02-10
C,Cleo,,,company,2025-01-31T23:30:00-02:00
D,Dora,,,individual,
EOF
# o1 is 2025-01-31 in UTC (in January; the first day of April's 90 days), o2 2025-02-01;
# o3 2025-01-01 (the first of March's 90 days), o4 2024-12-31 (the day before);
# o6 2025-03-01, o8 2025-02-28, o10 2025-04-30; o12, the latest, 2025-05-31 (so May is
# whole, though its text says 05-30), o13, the earliest, 2024-10-31 (so October counts).
cat >off/orders.csv <<'EOF'
id,customer_id,amount,status,created_at
o1,A,100,delivered,2025-02-01T01:00:00+03:00
o2,A,50,delivered,2025-01-31T23:30:00-02:00
o3,A,20,returned,2024-12-31T23:30:00-01:00
o4,A,30,delivered,2025-01-01T00:30:00+01:00
o5,A,10,cancelled,2024-11-20T12:00:00Z
o6,B,40,delivered,2025-02-28T23:59:59-00:30
o7,D,15,delivered,2025-04-30T23:00:00Z
o8,D,25,delivered,2025-03-01T00:10:00+00:30
o9,C,60,delivered,2025-02-15
o10,A,70,delivered,2025-05-01T00:00:00+02:00
o11,A,5,placed,2025-05-15
o12,B,12.5,shipped,2025-05-30T23:30:00-03:00
o13,D,5,delivered,2024-11-01T00:30:00+01:00
EOF
cat >off/payments.csv <<'EOF'
id,customer_id,order_id,method,success,amount,created_at
p1,A,o1,cod,1,100,2025-02-01T00:30:00+01:00
p2,A,o2,card,0,50,2025-01-31T23:59:00-00:01
p3,B,o6,cod,0,40,2025-03-01T00:00:00+01:00
p4,D,,wallet,1,10,2025-04-30T23:30:00-01:00
EOF
$RISKDESK --db off.sqlite -c "load off" >/dev/null || echo "load failed"
$RISKDESK --db off.sqlite -c "snapshot"
days="2024-10-31 2024-11-30 2024-12-31 2025-01-31 2025-02-28 2025-03-31 2025-04-30 2025-05-31"
recompute off.sqlite $days
python3 cmp.py off.sqlite $days
python3 chk.py off.sqlite $days
sqlite3 off.sqlite "SELECT month, group_concat(customer_id, ' ') FROM snapshot_rows GROUP BY month"
# rows written behind riskdesk's back with dates that do not parse move no end of the range
sqlite3 off.sqlite "INSERT INTO orders VALUES ('x1', 'A', 1, 'placed', '2024-01-01 noon');
INSERT INTO payments VALUES ('x2', 'A', NULL, 'card', 1, 1, '9999-99-99')"
$RISKDESK --db off.sqlite -c "snapshot" | tail -1 | sed -E 's/ in [0-9.]+ s/ in <T> s/'

echo "--- under a trained champion"
$RISKDESK --db db.sqlite -c "train lg --algo logit --folds 2" -c "promote lg" >/dev/null
$RISKDESK --db db.sqlite -c "snapshot --from 2025-02 --to 2025-03" | grep -E '^(month|2025)'
recompute db.sqlite 2025-03-31
python3 cmp.py db.sqlite 2025-03-31
$RISKDESK --db db.sqlite -c "retire lg" >/dev/null

echo "--- taken again: replaced, the other months kept"
$RISKDESK --db db.sqlite -c "rules export r.json" >/dev/null
sed 's/"baseline": 600/"baseline": 650/' r.json >r2.json
$RISKDESK --db db.sqlite -c "rules import r2.json" >/dev/null
sqlite3 db.sqlite "ATTACH 'old.sqlite' AS old;
CREATE TABLE old.r AS SELECT customer_id, score FROM snapshot_rows WHERE month = '2025-06'"
$RISKDESK --db db.sqlite -c "snapshot --from 2025-06" | grep -E '^(month|2025|took)' | sed -E 's/ in [0-9.]+ s/ in <T> s/'
sqlite3 db.sqlite "ATTACH 'old.sqlite' AS old;
SELECT '2025-06: ' || count(*) || ' rows: ' || sum(n.score = min(o.score + 50, 1000))
  || ' scored 50 more (at most 1000) by rules@2''s baseline 650, the other '
  || sum(n.score != min(o.score + 50, 1000) AND o.score = 300 AND n.score BETWEEN 300 AND 349)
  || ' were clamped to 300 before (their raw score lower)'
FROM snapshot_rows n JOIN old.r o USING (customer_id) WHERE n.month = '2025-06'"
sqlite3 db.sqlite "SELECT month, count(*) FROM snapshot_rows GROUP BY month HAVING month >= '2025-05'"
sqlite3 db.sqlite "SELECT month, models, 'run ' || run_id FROM snapshot_months ORDER BY month"
$RISKDESK --db db.sqlite -c snapshots | sed -E 's/[0-9T:-]{19}Z$/<TIME>/' | head -3

echo "--- cleanup"
$RISKDESK --db db.sqlite -c "cleanup snapshots --before 2024-10"
$RISKDESK --db db.sqlite -c snapshots | awk '{print $1}' | head -3
sqlite3 db.sqlite "SELECT count(DISTINCT month), min(month), count(*) FROM snapshot_rows"
$RISKDESK --db db.sqlite -c "runs" | grep -E 'cleanup|snapshot' | awk '{print $2, $3, $4, $5}'
$RISKDESK --db db.sqlite -c "audit" | grep -oE '(ok|failed) +(cleanup|snapshot).*' | sed -E 's/ +$//' # the detail column's width varies
echo "--- bad input changes nothing"
$RISKDESK --db db.sqlite -c "cleanup snapshots --before 2024-13"; echo "status $?"
$RISKDESK --db db.sqlite -c "cleanup history --before 2025-01"; echo "status $?"
$RISKDESK --db db.sqlite -c "snapshot --from 2025-03 --to 2025-01"; echo "status $?"
$RISKDESK --db db.sqlite -c "snapshot --from 2025-3"; echo "status $?"
$RISKDESK --db db.sqlite --read-only -c "cleanup snapshots --before 2026-01"; echo "status $?"
$RISKDESK --db empty.sqlite -c "snapshot"; echo "status $?"
sqlite3 db.sqlite "SELECT count(DISTINCT month), count(*) FROM snapshot_rows"
