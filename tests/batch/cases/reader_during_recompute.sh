# Two processes on one database (WAL): a reader running while `recompute all` writes
# always sees one consistent set of profiles, never a half-finished recompute. (As of
# 2025-03-31 the customers created later are not scored: the reads count the others.)
$RISKDESK -c 'gen data --customers 20000 --seed 5' >/dev/null
$RISKDESK --db db.sqlite -c 'load data' -c 'recompute all' >/dev/null
$RISKDESK --db db.sqlite -c 'set as-of 2025-03-31' -c 'recompute all' >/dev/null &
writer=$!
mixed=0
reads=0
while kill -0 "$writer" 2>/dev/null; do
	$RISKDESK --db db.sqlite --read-only -c 'list where band=E limit 1' >/dev/null 2>&1 ||
		echo "riskdesk reader failed"
	n=$(sqlite3 -cmd '.timeout 5000' db.sqlite "SELECT count(DISTINCT computed_at) FROM credit_profiles
	  WHERE customer_id IN (SELECT id FROM customers WHERE created_at <= '2025-03-31')" 2>&1)
	[ "$n" = 1 ] || { mixed=$((mixed + 1)); echo "read: $n"; }
	reads=$((reads + 1))
done
wait "$writer"; echo "writer status $?"
echo "inconsistent reads: $mixed"
[ "$reads" -gt 0 ] && echo "reads happened while the writer ran"
sqlite3 db.sqlite 'SELECT as_of, count(DISTINCT computed_at), count(*) FROM credit_profiles GROUP BY 1'
