# Every sample customer's score equals SPEC section 5's formula, computed independently
# by one SQL statement (bench/rules_profiles.sql) over the same data.
# riskdesk's features as `export profiles` gives them (a column each, from the packed row).
$RISKDESK --db db.sqlite -c "load $ROOT/sample-data" -c 'recompute all' \
	-c 'export profiles ours.csv' >/dev/null
$RISKDESK --db ref.sqlite -c "load $ROOT/sample-data" >/dev/null
{ cat "$ROOT/bench/rules_profiles.sql"; echo 'CREATE TABLE ref_features AS SELECT * FROM rules_features;'; } |
	sqlite3 ref.sqlite
sqlite3 ref.sqlite '.import --csv ours.csv ours'
differs=$(sqlite3 ref.sqlite "SELECT group_concat('abs(o.' || name || ' - r.' || name || ') >
  1e-6 * max(1, abs(r.' || name || ')) OR o.' || name || ' = ''''', ' OR ')
FROM pragma_table_info('ref_features') WHERE name NOT IN ('id', 'last_activity')")
sqlite3 db.sqlite "ATTACH 'ref.sqlite' AS ref;
SELECT 'customers', count(*) FROM customers;
SELECT 'profiles', count(*) FROM credit_profiles;
SELECT 'score differs', count(*) FROM credit_profiles p JOIN ref.credit_profiles r USING (customer_id)
  WHERE p.score != r.score OR p.band != r.band OR p.segment != r.segment OR p.risk_level != r.risk_level;
SELECT 'pd differs', count(*) FROM credit_profiles p JOIN ref.credit_profiles r USING (customer_id)
  WHERE abs(p.pd - r.pd) > 1e-12;
SELECT 'features compared', count(*) FROM ref.ours o JOIN ref.ref_features r ON r.id = o.customer_id;
SELECT 'feature differs', count(*) FROM ref.ours o JOIN ref.ref_features r ON r.id = o.customer_id
  WHERE $differs;
SELECT 'last_activity differs', count(*) FROM credit_profiles p JOIN ref.credit_profiles r USING (customer_id)
  WHERE p.last_activity IS NOT r.last_activity;
SELECT 'bands', group_concat(band || '=' || n, ' ') FROM (SELECT band, count(*) n FROM credit_profiles GROUP BY band);"
