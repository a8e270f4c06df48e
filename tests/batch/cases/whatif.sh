# What-if (issue 14, item 3): `whatif ID NAME=VALUE...` scores the customer as it is and with
# the inputs changed, writing nothing. The "after" side equals `recompute --id` on a copy of
# the store whose data was changed so (events, or the attribute), and the "before" side the
# stored profile. Sample data with the rules model; German Credit with a scorecard champion
# (attributes).
PY=/usr/bin/python3
cat > compare.py <<'PYEOF'
import json, sqlite3, sys
# whatif's JSON, the database holding the profile to compare with, customer, side
doc, db, cid, side = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3], sys.argv[4]
p = sqlite3.connect(db).execute(
    "SELECT score, band, pd, reasons FROM credit_profiles_full WHERE customer_id = ?", (cid,)).fetchone()
got = {r['what']: r[side] for r in doc['outcome']}
same = [got['score'] == str(p[0]), got['band'] == p[1], abs(float(got['pd']) - p[2]) <= 5e-6 * p[2]]
reasons = json.loads(p[3])
shown = [r[side] for r in doc['reasons'] if r[side]]
same.append(len(shown) == len(reasons) and all(
    s.startswith('-%.1f %s (' % (r['points'], r['text'])) for s, r in zip(shown, reasons)))
print('%s %s: score, band, pd, reasons as the profile of %s:' % (cid, side, db.split('.')[0]),
      ' '.join('yes' if x else 'NO' for x in same))
PYEOF
S=$ROOT/sample-data
$RISKDESK --db d.sqlite -c "load $S" -c 'recompute all' > /dev/null
echo "--- every payment of C0001 failed: the copy's events changed, recomputed"
cp d.sqlite copy.sqlite
sqlite3 copy.sqlite "UPDATE payments SET success = 0 WHERE customer_id = 'C0001'"
$RISKDESK --db copy.sqlite -c 'recompute --id C0001' > /dev/null
set -- $($RISKDESK --db copy.sqlite --json -c 'show C0001' | $PY -c 'import json, sys
f = json.load(sys.stdin)["features"]
print("%.17g %.17g" % (f["payments_failed"], f["failed_payment_rate"]))')
echo "payments_failed=$1 failed_payment_rate=$2"
sqlite3 d.sqlite .dump | md5sum > before.md5
$RISKDESK --db d.sqlite -c "whatif C0001 payments_failed=$1 failed_payment_rate=$2"
$RISKDESK --db d.sqlite --json -c "whatif C0001 payments_failed=$1 failed_payment_rate=$2" > w.json
$PY compare.py w.json d.sqlite C0001 before
$PY compare.py w.json copy.sqlite C0001 after
sqlite3 d.sqlite .dump | md5sum | cmp -s - before.md5 && echo "the store is unchanged"
sqlite3 d.sqlite "SELECT 'runs', count(*) FROM runs WHERE kind LIKE 'whatif%';
  SELECT 'audit', count(*) FROM audit WHERE command LIKE 'whatif%'"

echo "--- a customer becoming new (fewer than 3 delivered orders): segment and model follow"
$RISKDESK --db d.sqlite -c 'whatif C0001 orders_delivered=1' | sed -n '/^what /,/^$/p'

echo "--- bad changes: named, nothing scored"
for bad in 'C0001 failed_payment_rate=1.5' 'C0001 tenure_days=-3' 'C0001 tenure_days=abc' \
	'C0001 tenure_days' 'C0001 =5' "C0001 nosuch=1" "C0001 \"x');DROP TABLE customers;--=1\"" \
	'C0001 tenure_days=5 tenure_days=6' 'C9999 tenure_days=5' 'C0001 segment=new'; do
	$RISKDESK --db d.sqlite -c "whatif $bad"; echo "exit $?"
done
$RISKDESK --db d.sqlite -c 'whatif C0001'; echo "exit $?"
sqlite3 d.sqlite .dump | md5sum | cmp -s - before.md5 && echo "the store is unchanged"

echo "--- German Credit, a scorecard champion: an attribute changed (checking_status A11 -> A14)"
G="$SHARED/datasets/german"
$RISKDESK --db g.sqlite -c "load customers $G/german.data --map $S/mappings/german.json" \
	-c "train sc --algo scorecard --folds-file $G/folds.csv" -c 'promote sc' -c 'recompute all' > /dev/null
sqlite3 g.sqlite "SELECT customer_id, name, value FROM customer_attributes
  WHERE customer_id = 'G0000' AND name IN ('checking_status', 'duration')"
cp g.sqlite gcopy.sqlite
sqlite3 gcopy.sqlite "UPDATE customer_attributes SET value = 'A14'
  WHERE customer_id = 'G0000' AND name = 'checking_status';
  UPDATE customer_attributes SET value = '48', num = 48
  WHERE customer_id = 'G0000' AND name = 'duration'"
$RISKDESK --db gcopy.sqlite -c 'recompute --id G0000' > /dev/null
$RISKDESK --db g.sqlite --json -c 'whatif G0000 checking_status=A14 duration=48' > g.json
$RISKDESK --db g.sqlite -c 'whatif G0000 checking_status=A14 duration=48' | sed -n '/^input/,/^$/p;/^what /,/^$/p'
$PY compare.py g.json g.sqlite G0000 before
$PY compare.py g.json gcopy.sqlite G0000 after
echo "--- a numeric attribute given text; an attribute made missing"
$RISKDESK --db g.sqlite -c 'whatif G0000 duration=long'; echo "exit $?"
$RISKDESK --db g.sqlite -c 'whatif G0000 savings=' | sed -n '/^input/,/^$/p'
