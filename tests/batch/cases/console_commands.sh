# The console-only commands in batch mode (issue 12): they check their arguments and
# succeed saying they act on the console only; a wrong argument fails as any command's
# does. `help keys` prints the console's key table, and the man page's KEYS section is
# that table.
$RISKDESK --db db.sqlite -c "load customers $ROOT/sample-data/customers.csv" >/dev/null
for c in 'select C0007' 'filter band=E' "filter 'score < 550 and segment = new'" 'filter' \
	'search Anna L' 'sort score' 'sort name desc' 'zoom' 'pane models' 'pane next'; do
	echo "> $c"
	$RISKDESK --db db.sqlite -c "$c"; echo "status $?"
done
echo "--- wrong arguments"
for c in 'select nobody' 'filter band=' 'filter email ~ x' 'sort frob' 'sort id up' 'pane frob' \
	'search' 'zoom now'; do
	echo "> $c"
	$RISKDESK --db db.sqlite -c "$c"; echo "status $?"
done
echo "--- the first failure stops a script, as for any command"
$RISKDESK --db db.sqlite -c 'select C0001' -c 'select C9999' -c 'zoom'; echo "status $?"
echo "--- json"
$RISKDESK --db db.sqlite --json -c 'sort band'
echo "--- help keys"
$RISKDESK --db db.sqlite -c 'help keys'
echo "--- the man page's KEYS section is the key table"
$RISKDESK --db db.sqlite --json -c 'help keys' | python3 -c '
import json, sys
cur = "all"
print(".SS Everywhere")
for r in json.load(sys.stdin)["keys"]:
    if r["pane"] != cur:
        cur = r["pane"]
        print(".SS " + cur.capitalize())
    note = r["note"]
    if r["command"] != "-":
        note += " \\(em \\fB" + r["command"].replace("-", "\\-") + "\\fR"
    print(".TP\n.B " + r["key"] + "\n" + note)
' >keys.man
sed -n '/^\.SS Everywhere$/,/^\.\\" END KEYS$/p' "$ROOT/docs/riskdesk.1" | sed '$d' >man.keys
diff keys.man man.keys && echo "riskdesk.1 lists every key of the table: $(grep -c '^\.B ' keys.man) bindings"
