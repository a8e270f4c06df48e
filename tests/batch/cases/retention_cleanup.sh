# Retention (issue 13, item 7): `cleanup history --older-than DAYS` removes the score
# history, the approved and declined requests and the fetch attempts older than the
# cut-off, keeping each customer's latest score and the row each profile names; what stays
# equals an independent SQL computation (window functions over a copy taken before);
# audited with its counts.
# `vacuum` then shrinks the file. Dates are moved relative to now, so the counts hold on
# any day.
S=$ROOT/sample-data
$RISKDESK --db d.sqlite -c "load $S" -c 'recompute all' -c 'recompute all' -c 'recompute all' > /dev/null
echo "exit $?"
# Three recomputes 300 and 100 days ago and now; customers C0001-C0100 have only the oldest,
# C0101-C0200 only the two old ones. The requests end a day ago; a few were decided by
# riskdesk (decided_at), one long after it was made. Attempts 10 to 1000 days old.
sqlite3 d.sqlite "
  UPDATE score_history SET computed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-300 days')
    WHERE run_id = (SELECT min(run_id) FROM score_history);
  UPDATE score_history SET computed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-100 days')
    WHERE run_id = (SELECT min(run_id) + 1 FROM score_history);
  DELETE FROM score_history WHERE customer_id <= 'C0100' AND run_id > (SELECT min(run_id) FROM score_history);
  DELETE FROM score_history WHERE customer_id BETWEEN 'C0101' AND 'C0200'
    AND run_id = (SELECT max(run_id) FROM score_history);
  UPDATE credit_requests SET created_at = strftime('%Y-%m-%dT%H:%M:%SZ',
    julianday(created_at) + julianday('now') - 1 - (SELECT max(julianday(created_at)) FROM credit_requests));
  UPDATE credit_requests SET decided_at = strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+2 days')
    WHERE status IN ('approved', 'declined') AND id IN (SELECT id FROM credit_requests ORDER BY id LIMIT 60);
  UPDATE credit_requests SET decided_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-10 days'),
    created_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-500 days')
    WHERE id = (SELECT min(id) FROM credit_requests WHERE status = 'approved');
  UPDATE credit_requests SET created_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-800 days')
    WHERE id IN (SELECT id FROM credit_requests WHERE status IN ('pending', 'referred') ORDER BY id LIMIT 5);
  WITH RECURSIVE n(i) AS (SELECT 10 UNION ALL SELECT i + 110 FROM n WHERE i < 1000)
  INSERT INTO fetch_attempts(source, key, started_at, seconds, status)
    SELECT 'tax_office', 'k' || i, strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-' || i || ' days'), 0.1, 'ok' FROM n;"
# A profile's own history row that is not its customer's latest (a newer one inserted by
# hand): C0300's made 400 days old. Cleanup keeps it as well as the newer one.
sqlite3 d.sqlite "
  UPDATE score_history SET computed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-400 days')
    WHERE id = (SELECT history_id FROM credit_profiles WHERE customer_id = 'C0300');
  INSERT INTO score_history(customer_id, score, band, pd, model_name, model_version, computed_at)
    VALUES ('C0300', 600, 'C', 0.05, 'rules', 1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));"
echo "--- before: score rows, customers with a score, requests by status, attempts"
counts() {
	sqlite3 d.sqlite "SELECT count(*), count(DISTINCT customer_id) FROM score_history;
	  SELECT status, count(*) FROM credit_requests GROUP BY status ORDER BY status;
	  SELECT count(*) FROM fetch_attempts"
}
counts
# What must stay, computed apart: a row newer than the cut-off, or the customer's newest.
sqlite3 d.sqlite "ATTACH 'expect.sqlite' AS x;
  CREATE TABLE x.history AS SELECT id FROM (SELECT id, computed_at, row_number() OVER
    (PARTITION BY customer_id ORDER BY computed_at DESC, id DESC) AS newest FROM score_history)
    WHERE newest = 1 OR julianday(computed_at) >= julianday('now') - 180
    OR id IN (SELECT history_id FROM credit_profiles);
  CREATE TABLE x.latest AS SELECT customer_id, max(computed_at) AS at FROM score_history GROUP BY 1;
  CREATE TABLE x.requests AS SELECT id FROM credit_requests WHERE status IN ('pending', 'referred')
    OR julianday(CASE WHEN decided_at IS NULL THEN created_at ELSE decided_at END) >= julianday('now') - 180;
  CREATE TABLE x.attempts AS SELECT id FROM fetch_attempts WHERE julianday(started_at) >= julianday('now') - 180;"
echo "--- refused"
$RISKDESK --db d.sqlite -c 'cleanup history'; echo "exit $?"
$RISKDESK --db d.sqlite -c 'cleanup history --older-than -3'; echo "exit $?"
$RISKDESK --db d.sqlite -c 'cleanup history --older-than 1y'; echo "exit $?"
$RISKDESK --db d.sqlite -c 'cleanup snapshots --older-than 30'; echo "exit $?"
$RISKDESK --db d.sqlite --read-only -c 'cleanup history --older-than 180'; echo "exit $?"
$RISKDESK --db d.sqlite --read-only -c 'vacuum'; echo "exit $?"
echo "--- cleanup history --older-than 180"
$RISKDESK --db d.sqlite -c 'cleanup history --older-than 180'
echo "exit $?"
counts
echo "--- what stays is what the independent computation says"
sqlite3 d.sqlite "ATTACH 'expect.sqlite' AS x;
  SELECT 'score rows riskdesk kept that should have gone', count(*) FROM score_history WHERE id NOT IN (SELECT id FROM x.history);
  SELECT 'score rows that should stay and went', count(*) FROM x.history WHERE id NOT IN (SELECT id FROM score_history);
  SELECT 'customers whose latest score went', count(*) FROM x.latest l WHERE NOT EXISTS
    (SELECT 1 FROM score_history h WHERE h.customer_id = l.customer_id AND h.computed_at = l.at);
  SELECT 'requests kept that should have gone', count(*) FROM credit_requests WHERE id NOT IN (SELECT id FROM x.requests);
  SELECT 'requests that should stay and went', count(*) FROM x.requests WHERE id NOT IN (SELECT id FROM credit_requests);
  SELECT 'attempts kept that should have gone', count(*) FROM fetch_attempts WHERE id NOT IN (SELECT id FROM x.attempts);
  SELECT 'attempts that should stay and went', count(*) FROM x.attempts WHERE id NOT IN (SELECT id FROM fetch_attempts);"
echo "--- the older rows left, counted apart: kept_latest above"
sqlite3 d.sqlite "SELECT count(*) FROM score_history WHERE julianday(computed_at) < julianday('now') - 180"
echo "--- C0300 keeps its profile's 400-day-old row and the newer one"
sqlite3 d.sqlite "SELECT count(*) FROM score_history WHERE customer_id = 'C0300' AND (id = (SELECT
  history_id FROM credit_profiles WHERE customer_id = 'C0300') OR id = (SELECT max(id) FROM score_history))"
echo "--- the oldest customers keep their one old score"
sqlite3 d.sqlite "SELECT count(*), count(DISTINCT customer_id), max(computed_at) < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-180 days')
  FROM score_history WHERE customer_id <= 'C0100'"
echo "--- again: nothing more to remove"
$RISKDESK --db d.sqlite -c 'cleanup history --older-than 180' | grep '^removed'
echo "--- runs and audit"
sqlite3 d.sqlite "SELECT kind, status, rows, iif(status = 'ok', substr(message, 30), '') FROM runs
  WHERE kind LIKE 'cleanup%' OR kind = 'vacuum' ORDER BY id"
sqlite3 d.sqlite "SELECT status, command FROM audit WHERE command LIKE 'cleanup%' ORDER BY id"
echo "--- vacuum gives the space back"
sqlite3 d.sqlite 'PRAGMA wal_checkpoint(TRUNCATE)' > /dev/null
before=$(stat -c %s d.sqlite)
$RISKDESK --db d.sqlite -c 'vacuum' > vacuum.txt
echo "exit $?"
after=$(stat -c %s d.sqlite)
sed -E -e 's/[0-9.]+ (B|KB|MB) given back \([0-9]+ bytes before, [0-9]+ after\)/N given back (B bytes before, A after)/' \
	-e 's/^(bytes_[a-z]+) +[0-9]+$/\1 N/' vacuum.txt
said_before=$(awk '$1 == "bytes_before" { print $2 }' vacuum.txt)
said_after=$(awk '$1 == "bytes_after" { print $2 }' vacuum.txt)
[ "$after" -lt "$before" ] && echo "the file shrank"
[ "$said_before" -eq "$before" ] && [ "$said_after" -eq "$after" ] && echo "vacuum said the file's sizes"
[ -s d.sqlite-wal ] && echo "the log is not empty"
sqlite3 d.sqlite 'PRAGMA integrity_check; PRAGMA freelist_count'
sqlite3 d.sqlite "SELECT status, command FROM audit WHERE command = 'vacuum'"
