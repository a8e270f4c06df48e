# Every sample customer's score equals SPEC section 5's formula, computed independently
# by one SQL statement (bench/rules_profiles.sql) over the same data.
$RISKDESK --db db.sqlite -c "load $ROOT/sample-data" -c 'recompute all' >/dev/null
$RISKDESK --db ref.sqlite -c "load $ROOT/sample-data" >/dev/null
sqlite3 ref.sqlite < "$ROOT/bench/rules_profiles.sql"
sqlite3 db.sqlite "ATTACH 'ref.sqlite' AS ref;
SELECT 'customers', count(*) FROM customers;
SELECT 'profiles', count(*) FROM credit_profiles;
SELECT 'score differs', count(*) FROM credit_profiles p JOIN ref.credit_profiles r USING (customer_id)
  WHERE p.score != r.score OR p.band != r.band OR p.segment != r.segment OR p.risk_level != r.risk_level;
SELECT 'pd differs', count(*) FROM credit_profiles p JOIN ref.credit_profiles r USING (customer_id)
  WHERE abs(p.pd - r.pd) > 1e-12;
SELECT 'feature differs', count(*) FROM credit_profiles p JOIN ref.credit_profiles r USING (customer_id),
  json_each(p.features) f
  WHERE abs(f.value - json_extract(r.features, '$.' || f.key)) > 1e-6 * max(1, abs(f.value));
SELECT 'last_activity differs', count(*) FROM credit_profiles p JOIN ref.credit_profiles r USING (customer_id)
  WHERE p.last_activity IS NOT r.last_activity;
SELECT 'bands', group_concat(band || '=' || n, ' ') FROM (SELECT band, count(*) n FROM credit_profiles GROUP BY band);"
