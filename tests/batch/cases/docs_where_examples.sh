# Every expression docs/where.md shows parses and runs: the lines of its first example
# block and each inline example that starts with a field and an operator.
printf '%s\n' 'id,name,email,phone,kind,created_at,Credit Amount' \
	'C1,50% off,a@example.com,,individual,2025-06-30,6000' \
	'C2,500 off,b@example.org,,company,2025-01-01,100' >c.csv
$RISKDESK --db db.sqlite -c 'load customers c.csv' -c 'recompute all' >/dev/null || exit 1
doc=$ROOT/docs/where.md
{
	sed -n '/^```$/,/^```$/p' "$doc" | sed -n '2,/^```$/p' | sed '/^```$/d'
	grep -o '`[^`]*`' "$doc" | tr -d '`' |
		grep -E '^("[^"]+"|[a-z_]+) *(~|!~|==?|!=|<>|<=?|>=?| in | is |&&)' | grep -v '…' | sort -u
} >examples.txt
bad=0
while IFS= read -r e; do
	$RISKDESK --db db.sqlite -c 'set pii on' -c "list where $e limit 1" >/dev/null 2>err.txt ||
		{ echo "does not run: $e"; cat err.txt; bad=1; }
done <examples.txt
echo "examples: $(wc -l <examples.txt)"
# The one the issue found: '%' in a ~ value is a character, not a wildcard.
$RISKDESK --db db.sqlite -c "list where name ~ '50%'" | awk 'NR > 1 { print $1, $2, $3 }'
exit $bad
