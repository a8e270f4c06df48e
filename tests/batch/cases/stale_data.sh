# Stale data (issue 11, item 6): `status` and `drift` say when the profiles are older than
# the latest load of customers, orders or payments, or were scored by a model that no
# longer serves, and when snapshots are older than that load; `recompute all` and
# `snapshot` clear it. Every count is checked against plain SQL over the runs and the score
# history (which run computed each profile), not the columns riskdesk keeps for the check.
S="$ROOT/sample-data"
sql() { sqlite3 s.sqlite "$1"; }
# Profiles computed by a run before the latest successful load of profile inputs (commands
# run one after the other here, so run ids are in commit order).
older_sql="SELECT count(*) FROM credit_profiles p WHERE (SELECT max(run_id) FROM score_history h
  WHERE h.customer_id = p.customer_id) < (SELECT max(id) FROM runs WHERE kind = 'load'
  AND status = 'ok' AND args NOT LIKE 'load outcomes %')"
check() { # riskdesk's counts against SQL's
	$RISKDESK --db s.sqlite --json -c status > st.json
	/usr/bin/python3 - "$(sql "$older_sql")" "$(sql "$1")" <<'EOF'
import json, sys
s = json.load(open('st.json'))['status']
want_older, want_unserved = int(sys.argv[1]), int(sys.argv[2])
print('older_than_load', s['older_than_load'], 'SQL', want_older,
      'scored_by_unserving', s['scored_by_unserving'], 'SQL', want_unserved,
      'ok' if (s['older_than_load'], s['scored_by_unserving']) == (want_older, want_unserved) else 'MISMATCH')
EOF
}
unserved_rules1="SELECT count(*) FROM credit_profiles WHERE NOT (model_name = 'rules' AND model_version = 1)"
unserved_rules2="SELECT count(*) FROM credit_profiles WHERE NOT (model_name = 'rules' AND model_version = 2)"

$RISKDESK --db s.sqlite -c "load $S" -c 'recompute all' >/dev/null
$RISKDESK --db s.sqlite -c status
check "$unserved_rules1"
echo "--- a load of outcomes alone changes no profile"
$RISKDESK --db s.sqlite -c "load outcomes $S/outcomes.csv" -c status | grep '^stale'
check "$unserved_rules1"
echo "--- a load of orders: every profile is older than it"
$RISKDESK --db s.sqlite -c "load orders $S/orders.csv" >/dev/null
$RISKDESK --db s.sqlite -c status | grep -E '^(latest_load|older_than_load|stale) '
check "$unserved_rules1"
$RISKDESK --db s.sqlite -c drift | grep -E '^(verdict|stale) '
echo "--- one customer recomputed, then all"
$RISKDESK --db s.sqlite -c 'recompute C0001' >/dev/null
check "$unserved_rules1"
$RISKDESK --db s.sqlite -c 'recompute all' -c status | grep '^stale'
check "$unserved_rules1"
echo "--- a new rules version serves: the profiles of the old one are stale"
$RISKDESK --db s.sqlite -c 'rules export r.json' -c 'rules import r.json' >/dev/null
$RISKDESK --db s.sqlite -c status | grep -E '^(scored_by_unserving|stale) '
check "$unserved_rules2"
$RISKDESK --db s.sqlite -c 'recompute where band = E' >/dev/null
check "$unserved_rules2"
$RISKDESK --db s.sqlite -c 'recompute all' -c status | grep '^stale'
check "$unserved_rules2"
echo "--- snapshots older than a load; drift --by month says so"
$RISKDESK --db s.sqlite -c 'snapshot --from 2025-05 --to 2025-06' >/dev/null
$RISKDESK --db s.sqlite -c "load payments $S/payments.csv" >/dev/null
$RISKDESK --db s.sqlite -c status | grep -E '^(snapshots_older_than_load|stale|stale_snapshots) '
echo "SQL: $(sql "SELECT count(*) FROM snapshot_months WHERE run_id < (SELECT max(id) FROM runs WHERE kind = 'load' AND status = 'ok')") snapshot months taken before the load"
$RISKDESK --db s.sqlite -c 'drift --by month' | grep -E '^stale '
$RISKDESK --db s.sqlite -c 'snapshot --from 2025-06 --to 2025-06' -c 'recompute all' -c status \
	| grep -E '^(snapshots_older_than_load|stale|stale_snapshots) '
$RISKDESK --db s.sqlite -c 'snapshot --from 2025-05 --to 2025-05' -c status | grep -E '^(snapshots_older_than_load|stale) '
echo "--- read-only: the same check"
$RISKDESK --db s.sqlite -c "load orders $S/orders.csv" >/dev/null
$RISKDESK --db s.sqlite --read-only -c status | grep -E '^(older_than_load|stale) '
