# Decisions on credit requests (issue 13, items 3-4). `rescore pending` on the sample data
# decides every pending request, each by one row of `decisions` in its run, which is audited;
# the decisions equal the built-in policy recomputed below as plain SQL over the tables
# (requests, external records, the score the engine gave, the serving model's cut-off); the
# score is the applicant's profile's (same as-of day); and `score --request` on the same
# requests gives the stored decisions, changing nothing. Twice: with the rules model (the
# policy's fallback cut-off), and with a scorecard champion (its own cut-off), by --limit;
# the features from current profiles, and from the events (all applicants in one pass, or a
# few one at a time) when no profile is current, all three equal to `recompute`'s.
S=$ROOT/sample-data
$RISKDESK --db d.sqlite -c "load $S" -c 'recompute all' > /dev/null
requests() {
	sqlite3 -header -csv d.sqlite "SELECT id, customer_id, amount, term_months, purpose,
	  yearly_income, existing_debt, status, created_at FROM credit_requests
	  WHERE status = 'pending' ORDER BY id"
}
requests > pending.csv
# The built-in policy (policy v1) as SQL: the same numbers, written out independently.
cat > policy.sql <<'SQL'
WITH x AS (
  SELECT d.id, d.run_id, d.status, d.rules, d.score, d.band, d.pd, r.customer_id, r.amount,
    r.term_months AS n, r.yearly_income AS inc, r.existing_debt AS debt, 0.09 / 12 AS i,
    coalesce((SELECT json_extract(m.metrics, '$.threshold_pd') FROM models m
      WHERE m.name = d.model_name AND m.version = d.model_version AND m.algo != 'rules'),
      0.15) AS cut
  FROM decisions d JOIN credit_requests r ON r.id = d.request_id
), y AS (
  SELECT *, amount * i / (1 - pow(1 + i, -n)) AS pay FROM x
), z AS (
  SELECT *,
    CASE WHEN inc > 0 AND debt IS NOT NULL THEN (debt + pay * min(n, 12)) / inc END AS dti,
    CASE WHEN inc > 0 THEN pay * 12 / inc END AS pti,
    CASE WHEN inc > 0 THEN amount / inc END AS lti,
    EXISTS (SELECT 1 FROM external_records e WHERE e.customer_id = y.customer_id
      AND json_type(e.payload, '$.insolvency') = 'true') AS insolvent,
    EXISTS (SELECT 1 FROM external_records e WHERE e.customer_id = y.customer_id
      AND e.source = 'tax_office') AS tax,
    max(300, min(1000, round(600 + 50 / ln(2) * ln((1 - cut) / cut / 19)))) AS cut_score
  FROM y
), f AS (
  SELECT id, run_id, status, rules, trim(
    iif(insolvent, 'DEC-INSOLVENCY ', '') || iif(dti > 0.6, 'DEC-DTI ', '') ||
    iif(pti > 0.5, 'DEC-PTI ', '') || iif(pd >= cut, 'DEC-CUTOFF ', '') ||
    iif(band = 'E', 'DEC-BAND ', '') || iif(dti IS NULL, 'REF-INCOME ', '') ||
    iif(lti > 0.5, 'REF-LTI ', '') || iif(dti > 0.4, 'REF-DTI ', '') ||
    iif(NOT tax, 'REF-TAX ', '') || iif(abs(score - cut_score) <= 20, 'REF-NEAR-CUTOFF ', '') ||
    iif(band = 'D', 'REF-BAND ', '')) AS codes
  FROM z
)
SELECT 'run ' || run_id, count(*) AS decisions,
  sum(status = CASE WHEN codes GLOB '*DEC-*' THEN 'declined'
    WHEN codes GLOB '*REF-*' THEN 'referred' ELSE 'approved' END) AS same_status,
  sum(codes = (SELECT coalesce(group_concat(j.value ->> 'code', ' '), '')
    FROM json_each(f.rules) j)) AS same_rules
FROM f GROUP BY run_id ORDER BY run_id;
SQL
audited() {
	sqlite3 d.sqlite "SELECT 'pending left', count(*) FROM credit_requests WHERE status = 'pending';
	  SELECT kind, status, rows, message FROM runs WHERE kind = 'rescore' ORDER BY id;
	  SELECT status, command FROM audit WHERE command LIKE 'rescore%' ORDER BY id;
	  SELECT 'decisions per run', run_id, count(*), count(DISTINCT request_id) FROM decisions
	    GROUP BY run_id ORDER BY run_id;
	  SELECT 'decisions with their audited run', count(*) FROM decisions d
	    JOIN runs u ON u.id = d.run_id AND u.kind = 'rescore' AND u.status = 'ok';
	  SELECT 'requests holding their latest decision', count(*) FROM credit_requests r
	    JOIN decisions d ON d.id = r.decision_id WHERE d.request_id = r.id
	    AND d.status = r.status AND d.score = r.score AND d.pd = r.pd AND d.band = r.band
	    AND d.rules = r.rules AND d.reasons = r.reasons AND d.decided_at = r.decided_at
	    AND d.policy_version = 1 AND d.origin = 'policy' AND d.as_of = '2025-06-30';
	  SELECT 'decided by the profile''s model, and with its score', count(*),
	    sum(r.score = p.score AND r.pd = p.pd AND r.band = p.band AND d.reasons = p.reasons)
	    FROM credit_requests r JOIN decisions d ON d.id = r.decision_id
	    JOIN credit_profiles_full p ON p.customer_id = r.customer_id
	    WHERE d.model_name = p.model_name"
}

echo "--- the serving policy"
$RISKDESK --db d.sqlite -c policy | head -7
echo "--- rescore pending (the rules model serves: the policy's fallback cut-off, 0.15)"
$RISKDESK --db d.sqlite -c 'rescore pending'
audited
echo "--- the decisions against the policy as SQL: decisions, same status, same rules"
sqlite3 d.sqlite < policy.sql
echo "--- a few of them"
sqlite3 -separator ' ' d.sqlite "SELECT r.id, r.status, r.score, r.band, round(r.pd, 4),
  (SELECT group_concat(j.value ->> 'code', ' ') FROM json_each(r.rules) j)
  FROM credit_requests r WHERE r.decision_id IS NOT NULL ORDER BY r.id LIMIT 6"
echo "--- score --request on the same requests: the stored decisions, nothing written"
sqlite3 d.sqlite .dump | md5sum > before.md5
$RISKDESK --db d.sqlite -c 'score --request pending.csv' | head -4
$RISKDESK --db d.sqlite --read-only -c 'score --request pending.csv --out scored.csv'
sqlite3 d.sqlite .dump | md5sum | cmp -s - before.md5 && echo "the store is unchanged"
sqlite3 d.sqlite ".import --csv scored.csv s" "SELECT 'same as stored', count(*),
  sum(s.decision = r.status AND s.score = r.score AND s.band = r.band
    AND abs(s.pd - r.pd) <= 1e-12 * r.pd AND s.rules = r.rules AND s.reasons = r.reasons
    AND s.model = 'rules v1' AND s.as_of = '2025-06-30')
  FROM s JOIN credit_requests r ON r.id = s.request"
echo "--- nothing more to decide"
$RISKDESK --db d.sqlite -c 'rescore pending' | tail -1

echo "--- a scorecard champion (its own cut-off); the same applications again as new requests"
$RISKDESK --db d.sqlite -c 'train sc --algo scorecard --folds 2' -c 'promote sc' -c 'recompute all' > /dev/null
sed 's/^R/Q/' pending.csv > again.csv
$RISKDESK --db d.sqlite -c 'load credit_requests again.csv' > /dev/null
$RISKDESK --db d.sqlite -c 'rescore pending --limit 10' | tail -1
$RISKDESK --db d.sqlite -c 'rescore pending' | sed -n '1,5p;$p'
audited
sqlite3 d.sqlite < policy.sql
$RISKDESK --db d.sqlite -c 'score --request again.csv --out scored.json' > /dev/null
sqlite3 d.sqlite "SELECT 'same as stored', count(*),
  sum(s.value ->> 'decision' = r.status AND s.value ->> 'score' = r.score
    AND s.value ->> 'band' = r.band AND s.value ->> 'pd' = r.pd
    AND json(s.value -> 'rules') = r.rules AND s.value ->> 'model' = 'sc v1'
    AND s.value ->> 'cutoff_pd' = (SELECT json_extract(metrics, '$.threshold_pd') FROM models
      WHERE name = 'sc'))
  FROM json_each(readfile('scored.json')) s JOIN credit_requests r ON r.id = s.value ->> 'request'"

echo "--- no profile current (as of 2025-06-15): features from the events, as recompute's"
head -6 again.csv > few.csv
# 76 applicants: one pass over the events; 5: one customer at a time
$RISKDESK --db d.sqlite -c 'score --request again.csv --as-of 2025-06-15 --out early.json'
$RISKDESK --db d.sqlite -c 'score --request few.csv --as-of 2025-06-15 --out few.json'
$RISKDESK --db d.sqlite -c 'recompute all --as-of 2025-06-15' | grep '^recomputed'
# and now from the profiles, current again
$RISKDESK --db d.sqlite -c 'score --request again.csv --as-of 2025-06-15 --out stored.json' > /dev/null
for f in early few stored; do
	sqlite3 d.sqlite "SELECT '$f: scored, and as the profile', count(*),
	  sum(s.value ->> 'score' = p.score AND s.value ->> 'pd' = p.pd
	    AND json(s.value -> 'reasons') = p.reasons AND s.value ->> 'as_of' = p.as_of)
	  FROM json_each(readfile('$f.json')) s JOIN credit_profiles_full p
	  ON p.customer_id = s.value ->> 'customer' WHERE s.value ->> 'decision' IS NOT NULL"
done
echo "--- a bad request file: FILE:LINE and column, nothing scored"
printf '%s\n' 'id,customer_id,amount,term_months,created_at' 'X1,C0001,5000,24,2025-06-01' \
	'X2,C9999,5000,24,2025-06-01' 'X3,C0001,-5,24,2025-06-01' > bad.csv
$RISKDESK --db d.sqlite -c 'score --request bad.csv'; echo "exit $?"
$RISKDESK --db d.sqlite -c 'score --request pending.csv --out scored.txt'; echo "exit $?"
echo "--- one application typed at the prompt: the stored decision of the same request"
set -- $(sqlite3 -separator ' ' d.sqlite "SELECT id, customer_id, amount, term_months,
  yearly_income, existing_debt FROM credit_requests WHERE id GLOB 'Q*' AND decision_id IS NOT NULL
  ORDER BY id LIMIT 1")
$RISKDESK --db d.sqlite -c "score --customer $2 --amount $3 --term $4 --income $5 --debt $6 --out prompt.json" > /dev/null
sqlite3 d.sqlite "SELECT 'typed as $1', s.value ->> 'request', s.value ->> 'decision' = r.status
    AND s.value ->> 'score' = r.score AND s.value ->> 'pd' = r.pd
    AND json(s.value -> 'rules') = r.rules
  FROM json_each(readfile('prompt.json')) s JOIN credit_requests r ON r.id = '$1'"
echo "--- without income and debt (the sample always declares them): as the same row in a file, referred for it"
printf '%s\n' 'id,customer_id,amount,term_months,created_at' "prompt,$2,$3,$4,2025-06-01" > noincome.csv
$RISKDESK --db d.sqlite -c "score --request noincome.csv --out file.json" > /dev/null
$RISKDESK --db d.sqlite -c "score --customer $2 --amount $3 --term $4 --out prompt.json" > /dev/null
sqlite3 d.sqlite "SELECT 'typed = file', p.value ->> 'decision', p.value = f.value,
    p.value -> 'rules' LIKE '%REF-INCOME%'
  FROM json_each(readfile('prompt.json')) p, json_each(readfile('file.json')) f"
sqlite3 d.sqlite .dump | md5sum > before.md5
for bad in '--customer C0001 --amount 0 --term 12' '--customer C0001 --amount 10 --term 12.5' \
	'--customer C9999 --amount 10 --term 12' '--customer C0001 --term 12' \
	'--customer C0001 --amount 10 --term 12 --debt -1' '--request few.csv --amount 10'; do
	$RISKDESK --db d.sqlite -c "score $bad"; echo "exit $?"
done
sqlite3 d.sqlite .dump | md5sum | cmp -s - before.md5 && echo "the store is unchanged"
