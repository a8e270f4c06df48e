# The review queue and overrides (issue 13, item 6). On the sample data decided by `rescore
# pending`: `requests` is every request in the queue's order, each column equal to the tables
# read by plain sqlite3; `--status` and `--where` equal their SQL; `request ID` shows the
# request, its derived values, records (ages as SQLite computes them), rules, reasons and
# decisions; `decide` overrides referred and pending requests with a note, each audited with
# the OS user and the line, and refuses what it must with nothing changed; `decisions` by
# band, kind and segment equals the rates written below as SQL, before and after overrides.
S=$ROOT/sample-data
$RISKDESK --db d.sqlite -c "load $S" -c 'recompute all' -c 'rescore pending' > /dev/null
. "$ROOT/tests/batch/features_lib.sh"
profile_features d.sqlite # the features as SQL reads them (the profiles hold them packed)

# The queue as SQL, written independently: referred, pending (oldest first), then the rest
# by their decision, newest first.
queue_sql="SELECT r.id, r.customer_id, c.name, c.kind, r.amount, r.term_months, r.status,
  r.score, coalesce(r.band, ''), r.pd, coalesce(r.decided_at, ''),
  coalesce((SELECT origin FROM decisions WHERE id = r.decision_id), '')
  FROM credit_requests r JOIN customers c ON c.id = r.customer_id
  LEFT JOIN credit_profiles p ON p.customer_id = c.id"
queue_order="ORDER BY r.status <> 'referred', r.status <> 'pending',
  iif(r.status IN ('referred', 'pending'), r.created_at, ''),
  r.decided_at IS NULL, r.decided_at DESC, r.created_at DESC, r.id"
# same LINE WHERE-SQL: the --json rows of `requests LINE` against the SQL, row by row.
same() {
	$RISKDESK --json --db d.sqlite -c "requests $1 --limit 100000" > q.json || echo "exit $?"
	local label=${1//\'/\'\'}
	sqlite3 -separator ' ' d.sqlite "CREATE TEMP TABLE want AS SELECT row_number() OVER () AS n, * FROM
	  ($queue_sql WHERE $2 $queue_order);
	  CREATE TEMP TABLE got AS SELECT j.key + 1 AS n, j.value AS v
	  FROM json_each(readfile('q.json'), '\$.requests') j;
	  SELECT 'requests $label:', (SELECT count(*) FROM got) || ' rows,',
	  (SELECT count(*) FROM want) || ' by SQL,', CAST(total(
	    g.v ->> 'id' = w.id AND g.v ->> 'customer' = w.customer_id AND g.v ->> 'name' = w.name
	    AND g.v ->> 'kind' = w.kind AND g.v ->> 'amount' = w.amount
	    AND g.v ->> 'term' = w.term_months AND g.v ->> 'status' = w.status
	    AND g.v ->> 'score' IS w.score AND g.v ->> 'band' = w.[coalesce(r.band, '')]
	    AND (g.v ->> 'pd' IS NULL AND w.pd IS NULL OR abs(g.v ->> 'pd' - w.pd) < 0.00005)
	    AND g.v ->> 'decided_at' = w.[coalesce(r.decided_at, '')]
	    AND g.v ->> 'origin' = w.[coalesce((SELECT origin FROM decisions WHERE id = r.decision_id), '')]
	  ) AS INTEGER) || ' equal' FROM got g JOIN want w ON w.n = g.n"
}
# The rates as SQL: per group of those decided (riskdesk's decision stands), the counts by
# status now, the policy's latest verdict, overrides; percentages with one decimal.
rates() {
	sqlite3 -header -column d.sqlite "WITH d AS (SELECT $1 AS g, r.status,
	  (SELECT status FROM decisions x WHERE x.request_id = r.id AND x.origin = 'policy'
	    ORDER BY x.id DESC LIMIT 1) AS verdict, o.origin
	  FROM credit_requests r JOIN decisions o ON o.id = r.decision_id
	  JOIN customers c ON c.id = r.customer_id
	  LEFT JOIN credit_profiles p ON p.customer_id = r.customer_id
	  WHERE r.status IN ('approved', 'referred', 'declined')),
	  t AS (SELECT coalesce(g, 'none') AS g, 0 AS k, count(*) AS n, sum(status = 'approved') AS a,
	    sum(status = 'referred') AS rf, sum(status = 'declined') AS dc,
	    sum(origin = 'override') AS o, sum(verdict = 'referred') AS pr FROM d GROUP BY g
	    UNION ALL SELECT 'all', 1, count(*), sum(status = 'approved'), sum(status = 'referred'),
	    sum(status = 'declined'), sum(origin = 'override'), sum(verdict = 'referred') FROM d)
	  SELECT g AS '$2', n AS decided, a AS approved, rf AS referred, dc AS declined,
	    o AS overridden, printf('%.1f', 100.0 * a / n) AS approval_pct,
	    printf('%.1f', 100.0 * pr / n) AS referral_pct,
	    printf('%.1f', 100.0 * o / n) AS override_pct FROM t ORDER BY k, g = 'none', g" |
		sed 's/  *$//' > want.txt
	$RISKDESK --db d.sqlite -c "decisions --by $2" | sed 's/  *$//' > got.txt
	# The same numbers in the same order (columns aligned differently).
	if diff <(tr -s ' ' < want.txt | grep -v '^-') <(tr -s ' ' < got.txt) > /dev/null; then
		echo "decisions --by $2: equal to the SQL ($(($(wc -l < got.txt) - 1)) rows)"
	else
		echo "decisions --by $2: DIFFERENT"; diff want.txt got.txt
	fi
}

echo "--- the queue's head"
$RISKDESK --db d.sqlite -c 'requests --limit 12'
echo "--- every request, as SQL"
same "" "1"
same "--status referred" "r.status = 'referred'"
same "--status pending" "r.status = 'pending'"
same "--where 'band in (D,E) and kind = individual'" "p.band IN ('D', 'E') AND c.kind = 'individual'"
same "--where 'total_spend < 500' --status approved" \
	"(SELECT total_spend FROM profile_features f WHERE f.customer_id = p.customer_id) < 500
	AND r.status = 'approved'"
echo "--- the rates, as SQL"
rates r.band band
rates c.kind kind
rates p.segment segment
$RISKDESK --db d.sqlite -c decisions

echo "--- one referred request"
ref=$(sqlite3 d.sqlite "SELECT id FROM credit_requests WHERE status = 'referred'
  AND decision_id IS NOT NULL AND rules LIKE '%REF-DTI%' ORDER BY id LIMIT 1")
pend=$(sqlite3 d.sqlite "SELECT id FROM credit_requests WHERE status = 'referred'
  AND decision_id IS NULL ORDER BY id LIMIT 1")
$RISKDESK --db d.sqlite -c "request $ref" | sed -E 's/( [0-9]+)(  \{)/ <AGE>\2/'
sqlite3 d.sqlite "SELECT 'records and their ages in days', count(*) FROM external_records e
  JOIN credit_requests r ON r.customer_id = e.customer_id WHERE r.id = '$ref'"
$RISKDESK --json --db d.sqlite -c "request $ref" > one.json
sqlite3 d.sqlite "SELECT 'ages as SQLite counts them', count(*), sum(j.value ->> 'age_days' =
  CAST(julianday('now') - julianday(e.fetched_at) AS INTEGER))
  FROM json_each(readfile('one.json'), '\$.records') j JOIN external_records e
  ON e.source = j.value ->> 'source' AND e.key = j.value ->> 'key'"

echo "--- refused, nothing changed"
state() {
	sqlite3 d.sqlite "SELECT md5, 1 FROM (SELECT group_concat(id || status ||
	  coalesce(decided_at, '') || coalesce(decision_id, ''), ',') AS md5 FROM credit_requests)" |
		md5sum
	sqlite3 d.sqlite "SELECT count(*) FROM decisions"
}
state > before.txt
$RISKDESK --db d.sqlite -c "decide $ref approve"; echo "exit $?"
$RISKDESK --db d.sqlite -c "decide $ref approve --note ''"; echo "exit $?"
$RISKDESK --db d.sqlite -c "decide $ref approve --note '  '"; echo "exit $?"
$RISKDESK --db d.sqlite -c "decide $ref maybe --note 'x'"; echo "exit $?"
$RISKDESK --db d.sqlite -c "decide R99999 approve --note 'x'"; echo "exit $?"
$RISKDESK --db d.sqlite -c "decide \"$ref'; DELETE FROM decisions; --\" approve --note x"; echo "exit $?"
done_id=$(sqlite3 d.sqlite "SELECT id FROM credit_requests WHERE status = 'approved'
  AND decision_id IS NOT NULL ORDER BY id LIMIT 1")
$RISKDESK --db d.sqlite -c "decide $done_id decline --note 'x'"; echo "exit $?"
$RISKDESK --db d.sqlite --read-only -c "decide $ref approve --note 'x'"; echo "exit $?"
$RISKDESK --db d.sqlite -c "requests --status open"; echo "exit $?"
$RISKDESK --db d.sqlite -c "requests --where 'band = F'"; echo "exit $?"
$RISKDESK --db d.sqlite -c "requests --where \"name = 'x' OR 1=1; DROP TABLE customers\""; echo "exit $?"
$RISKDESK --db d.sqlite -c "requests --where \"name = \\\"x'; DROP TABLE customers; --\\\"\""; echo "exit $?"
$RISKDESK --db d.sqlite -c "request R99999"; echo "exit $?"
$RISKDESK --db d.sqlite -c "decisions --by month"; echo "exit $?"
state | cmp -s - before.txt && echo "requests and decisions unchanged"
sqlite3 d.sqlite "SELECT 'customers', count(*) FROM customers"

echo "--- overrides: a referred request approved, a referred one (never decided) declined,"
echo "    an approved one declined with --force"
$RISKDESK --db d.sqlite -c "decide $ref approve --note 'payslip seen: income confirmed'"
$RISKDESK --db d.sqlite -c "decide $pend decline --note 'no answer from the applicant'"
$RISKDESK --db d.sqlite -c "decide $done_id decline --note 'fraud report' --force"
sqlite3 d.sqlite "SELECT 'overrides', count(*) FROM decisions WHERE origin = 'override';
  SELECT r.id = '$ref', r.status, d.origin, d.note, d.score = (SELECT score FROM decisions
    WHERE request_id = r.id AND origin = 'policy'), d.rules = r.rules,
    u.user = '$(id -un)', u.kind, u.status
  FROM credit_requests r JOIN decisions d ON d.id = r.decision_id
  JOIN runs u ON u.id = d.run_id WHERE r.id IN ('$ref', '$pend', '$done_id') ORDER BY d.id;
  SELECT 'audited', user = '$(id -un)', status, command FROM audit
  WHERE command LIKE 'decide%' ORDER BY id"
same "" "1"
rates r.band band
rates c.kind kind
$RISKDESK --db d.sqlite -c decisions
$RISKDESK --db d.sqlite -c "request $ref" | sed -n '/^id  *decided_at/,$p'
