# model export NAME FILE.sql refuses, with a message, and writes nothing: an unknown
# dialect, a hostile or unknown model name, SQL options on a JSON export, a directory or
# a missing directory as the file; an attribute whose name holds a quote, a newline and
# a semicolon is quoted as an identifier and never ends a comment.
$RISKDESK --db s.sqlite -c "load $ROOT/sample-data" >/dev/null
export_and_list() {
	$RISKDESK --db s.sqlite -c "$1"
	echo "status $?"
	ls
}
export_and_list 'model export rules q.sql --dialect oracle'
export_and_list "model export \"x'; DROP TABLE customers; --\" q.sql"
export_and_list 'model export ../../etc/passwd q.sql'
export_and_list 'model export rules q.json --dialect postgres'
export_and_list 'model export rules q.sql --min-auc 0.5'
mkdir d.sql
export_and_list 'model export rules d.sql'
export_and_list 'model export rules nodir/q.sql'
rmdir d.sql
# A hostile attribute name, then a model on it: the query quotes it as an identifier and
# prints it in the header with the newline as '?'; SQLite runs it.
sqlite3 s.sqlite "INSERT INTO attributes(name, type) VALUES ('we\"ird'';
-- x', 'numeric');
INSERT INTO customer_attributes SELECT id, 'we\"ird'';
-- x', NULL, rowid % 7 FROM customers;"
$RISKDESK --db s.sqlite -c 'train odd --algo logit' -c 'promote odd' -c 'recompute all' \
	-c 'model export odd odd.sql' -c 'model export odd odd_pg.sql --dialect postgres' \
	-c 'model export odd oddf.sql --with-features' | grep written
grep -n '^-- ' odd.sql | grep -F 'we"'
grep -c -F "\"we\"\"ird';" odd.sql odd_pg.sql
. "$ROOT/tests/batch/sqlexport_lib.sh"
on_sqlite s.sqlite oddf.sql && compare s.sqlite 'odd, its own features' 1e-9
