# Invocation, help, usage errors and exit codes.
$RISKDESK --version | sed 's/[0-9][0-9.]*/X/'
$RISKDESK --db db.sqlite -c 'help recompute'
echo "--- a new database is private"
stat -c '%a' db.sqlite
echo "--- unknown command: usage error, exit 2"
$RISKDESK --db db.sqlite -c 'frobnicate now'; echo "status $?"
echo "--- unknown option"
$RISKDESK --db db.sqlite -c 'runs --fast'; echo "status $?"
echo "--- missing arguments"
$RISKDESK --db db.sqlite -c 'show'; echo "status $?"
echo "--- bad invocation"
$RISKDESK --db db.sqlite --frob; echo "status $?" 
echo "--- unterminated quote"
$RISKDESK --db db.sqlite -c 'show "abc'; echo "status $?"
echo "--- a failing command stops the run"
$RISKDESK --db db.sqlite -c 'show nobody' -c 'help'; echo "status $?"
echo "--- script files name FILE:LINE"
printf '# a comment\n\nset as-of 2025-06-30\nset as-of yesterday\nhelp\n' > script.rd
$RISKDESK --db db.sqlite script.rd; echo "status $?"
echo "--- stdin"
printf 'set pii on\nset\n' | $RISKDESK --db db.sqlite -; echo "status $?"
echo "--- not a database"
echo "hello" > junk.db
$RISKDESK --db junk.db -c runs; echo "status $?"
