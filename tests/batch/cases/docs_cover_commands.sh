# Every command of the table is documented in the man page and listed by help.
$RISKDESK --db db.sqlite --json -c help | sed -n 's/.*"command":[[:space:]]*"\([a-z]*\)".*/\1/p' | sort -u > commands.txt
missing=0
while read -r c; do
	[ "$c" = help ] && continue
	grep -q "^\.B $c\b\|\\\\fB$c\\\\fR\|^\.B .*$c" "$ROOT/docs/riskdesk.1" || { echo "not in riskdesk.1: $c"; missing=1; }
done < commands.txt
echo "commands: $(wc -l < commands.txt)"
exit $missing
