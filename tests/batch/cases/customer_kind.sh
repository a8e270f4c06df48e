# Individuals and companies (issue 13, item 2) on the sample data: kind in `where`, as a
# segment a model learns from and serves (routing by kind before new/existing), and as a
# model input; each count checked against sqlite3 over the tables.
$RISKDESK --db k.sqlite -c "load $ROOT/sample-data" -c 'recompute all' > /dev/null
echo "--- where kind = company: riskdesk, then sqlite3"
$RISKDESK --db k.sqlite -c 'recompute where kind = company' | grep -E '^recomputed' | sed 's/ in .*//'
$RISKDESK --db k.sqlite -c 'recompute where kind = individual and segment = new' | grep -E '^recomputed' | sed 's/ in .*//'
sqlite3 k.sqlite "SELECT kind, count(*) FROM customers GROUP BY kind ORDER BY kind;
  SELECT count(*) FROM customers c JOIN credit_profiles p ON p.customer_id = c.id
  WHERE c.kind = 'individual' AND p.segment = 'new'"
$RISKDESK --db k.sqlite -c 'list where kind = company and band = A sort score desc limit 3'
sqlite3 k.sqlite "SELECT count(*) FROM customers c JOIN credit_profiles p ON p.customer_id = c.id
  WHERE c.kind = 'company' AND p.band = 'A'"
echo "--- train --segment company: its rows are the companies with an outcome"
$RISKDESK --db k.sqlite -c 'train gc --algo logit --segment company' | grep -E '^(name|segment|rows|bads) '
sqlite3 k.sqlite "SELECT count(*), sum(o.defaulted) FROM outcomes o JOIN customers c
  ON c.id = o.customer_id WHERE c.kind = 'company';
  SELECT count(*) FROM model_oof m JOIN customers c ON c.id = m.customer_id
  WHERE m.name = 'gc' AND c.kind = 'company'"
$RISKDESK --db k.sqlite -c 'train gn --algo logit --segment new' | grep -E '^(segment|rows) '
echo "--- promote: a kind's champion before a segment's"
$RISKDESK --db k.sqlite -c 'promote gc' -c 'promote gn'
$RISKDESK --db k.sqlite -c 'models' | sed -n '/^segment/,$p'
$RISKDESK --db k.sqlite -c 'status' | grep -E '^(scored_by_unserving|stale) '
sqlite3 k.sqlite "SELECT count(*) FROM credit_profiles p JOIN customers c ON c.id = p.customer_id
  WHERE c.kind = 'company' OR p.segment = 'new'"
$RISKDESK --db k.sqlite -c 'recompute all' > /dev/null
sqlite3 k.sqlite "SELECT c.kind, p.segment, p.model_name, count(*) FROM credit_profiles p
  JOIN customers c ON c.id = p.customer_id GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
$RISKDESK --db k.sqlite -c 'status' | grep -E '^scored_by_unserving '
echo "--- retire gc: companies go back to gn (new) and rules (existing)"
$RISKDESK --db k.sqlite -c 'retire gc' -c 'status' | grep -E '^(scored_by_unserving|stale) '
$RISKDESK --db k.sqlite -c 'models' | sed -n '/^segment/,$p'
echo "--- kind as a model input"
$RISKDESK --db k.sqlite -c 'train gk --algo logit --features kind,orders_delivered,return_rate,failed_payment_rate,cod_share' |
	grep -E '^(name|columns|auc_oof) '
sqlite3 k.sqlite "SELECT json_extract(c.value, '\$.name'), json_extract(c.value, '\$.levels')
  FROM models m, json_each(m.spec, '\$.columns') c WHERE m.name = 'gk'
  AND json_extract(c.value, '\$.name') = 'kind'"
$RISKDESK --db k.sqlite -c 'retire gn' -c 'promote gk' -c 'recompute all' > /dev/null
$RISKDESK --db k.sqlite -c 'drift' | grep -E '^(model|kind) '
echo "--- the bins' shares of kind: drift's reference against sqlite3's"
sqlite3 k.sqlite "SELECT json_extract(f.value, '\$.levels')
  FROM models m, json_each(m.reference, '\$.features') f WHERE m.name = 'gk'
  AND json_extract(f.value, '\$.name') = 'kind';
  SELECT kind, round(count(*) * 1.0 / (SELECT count(*) FROM outcomes), 6) FROM customers c
  JOIN outcomes o ON o.customer_id = c.id GROUP BY kind ORDER BY kind"
echo "--- --features kind is no unknown feature; an unknown segment is refused"
$RISKDESK --db k.sqlite -c 'train z --algo logit --segment vip'; echo "exit $?"
