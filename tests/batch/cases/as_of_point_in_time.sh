# Point-in-time as-of (SPEC §4): at three dates, every customer's features equal an
# independent SQL computation over the events on or before that date (the SPEC's
# definitions written afresh here), customers created later get no profile, no feature is
# negative, and each profile records its as-of day.
$RISKDESK --db db.sqlite -c "load $ROOT/sample-data" >/dev/null || echo "load failed"
for d in 2024-09-30 2025-03-31 2025-06-30; do
	$RISKDESK --db db.sqlite -c "recompute all --as-of $d" | grep -E '^(recomputed|[0-9]+ customers created)' |
		sed -E 's/ in [0-9.]+ s / in <T> s /'
	python3 - "$d" <<'PY'
import json, sqlite3, struct, sys
d = sys.argv[1]
db = sqlite3.connect('db.sqlite')
q = """
WITH o AS (SELECT * FROM orders WHERE date(created_at) <= :d),
     p AS (SELECT * FROM payments WHERE date(created_at) <= :d),
     oc AS (SELECT customer_id, count(*) n,
            sum(status = 'delivered') dl, sum(status = 'returned') rt, sum(status = 'cancelled') cc,
            sum(CASE WHEN status = 'delivered' THEN amount ELSE 0 END) spend,
            max(date(created_at)) last_day,
            sum(julianday(:d) - julianday(date(created_at)) < 90) f90,
            sum(CASE WHEN julianday(:d) - julianday(date(created_at)) < 90 THEN amount ELSE 0 END) m90,
            avg(amount) mean, avg(amount * amount) sq
            FROM o GROUP BY customer_id),
     pc AS (SELECT customer_id, count(*) n, sum(success = 0) failed, sum(method = 'cod') cod
            FROM p GROUP BY customer_id)
SELECT c.id, coalesce(oc.n, 0), coalesce(oc.dl, 0), coalesce(oc.rt, 0), coalesce(oc.cc, 0),
       coalesce(oc.spend, 0), coalesce(oc.spend / nullif(oc.dl, 0), 0),
       coalesce(1.0 * oc.rt / oc.n, 0), coalesce(1.0 * oc.cc / oc.n, 0),
       coalesce(pc.n, 0), coalesce(pc.failed, 0), coalesce(1.0 * pc.failed / pc.n, 0),
       coalesce(1.0 * pc.cod / pc.n, 0),
       julianday(:d) - julianday(coalesce(oc.last_day, date(c.created_at))),
       coalesce(oc.f90, 0), coalesce(oc.m90, 0),
       coalesce(max(oc.sq - oc.mean * oc.mean, 0), 0),
       julianday(:d) - julianday(date(c.created_at))
FROM customers c LEFT JOIN oc ON oc.customer_id = c.id LEFT JOIN pc ON pc.customer_id = c.id
WHERE date(c.created_at) <= :d"""
names = ["orders_total", "orders_delivered", "orders_returned", "orders_cancelled",
         "total_spend", "avg_order_value", "return_rate", "cancel_rate", "payments_total",
         "payments_failed", "failed_payment_rate", "cod_share", "recency_days", "frequency_90d",
         "monetary_90d", "amount_std", "tenure_days"]
want = {}
for row in db.execute(q, {"d": d}):
    v = list(row[1:])
    v[15] = v[15] ** 0.5
    want[row[0]] = v
# The packed features (fvec, the one copy since schema 22): 17 little-endian doubles.
got = {cid: (dict(zip(names, struct.unpack("<17d", f))), a) for cid, f, a in db.execute(
    "SELECT customer_id, fvec, as_of FROM credit_profiles")}
later = db.execute("SELECT count(*) FROM customers WHERE date(created_at) > :d", {"d": d}).fetchone()[0]
bad = 0
for cid, v in want.items():
    f, as_of = got[cid]
    if as_of != d:
        bad += 1
        print("as_of", cid, as_of)
    for name, x in zip(names, v):
        if abs(f[name] - x) > 1e-6 * max(1, abs(x)) or f[name] < 0:
            bad += 1
            if bad < 5:
                print(d, cid, name, "riskdesk", f[name], "sql", x)
extra = len(set(got) - set(want))
print(f"{d}: {len(want)} customers checked, {len(names)} features each, {bad} differ;"
      f" {later} created later, {extra} of them with a profile")
PY
done
echo "--- one customer created after the as-of date"
id=$(sqlite3 db.sqlite "SELECT id FROM customers WHERE created_at > '2025-06-01' ORDER BY id LIMIT 1")
$RISKDESK --db db.sqlite -c "recompute $id --as-of 2025-03-31" >one.out 2>&1; echo "status $?"
sed "s/$id/<ID>/" one.out
$RISKDESK --db db.sqlite -c "show $id" | grep -E '^as_of'
