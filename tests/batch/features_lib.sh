# Helper of batch cases and bench/run.sh that read profiles' features in the sqlite3 shell.
# Since schema 22 a profile keeps its features once, packed (fvec), which plain SQL cannot
# unpack: they are read as `export profiles FILE.json` gives them (every digit).

# profile_features DB: a table profile_features(customer_id, one column per feature) in DB,
# replaced, from riskdesk's export of DB's profiles (a missing value is NULL).
profile_features() {
	local db=$1 json cols
	json=$(mktemp "${TMPDIR:-/tmp}/riskdesk-features.XXXXXX.json")
	"$RISKDESK" --db "$db" -c "export profiles $json" >/dev/null || return 1
	cols=$(sqlite3 "$db" "SELECT group_concat('json_extract(p.value, ''$.features.' || f.key ||
	  ''') AS ' || f.key, ', ') FROM (SELECT value FROM json_each(readfile('$json')) LIMIT 1) p,
	  json_each(p.value, '$.features') f")
	sqlite3 "$db" "DROP TABLE IF EXISTS profile_features;
	  CREATE TABLE profile_features AS SELECT json_extract(p.value, '$.customer_id') AS customer_id${cols:+, $cols}
	  FROM json_each(readfile('$json')) p"
	rm -f "$json"
}
