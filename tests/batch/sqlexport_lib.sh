# Helpers of the batch cases sqlexport_*: run a query written by `model export NAME
# FILE.sql` on SQLite and on a PostgreSQL server of the test's own, and compare every
# customer's result with riskdesk's profiles. Sourced by a case (in its $WORK).

# features DB SQLFILE: a table `features` in DB holding the columns the query's header
# lists, from the profiles' features and the customers' inputs (attributes and kind).
. "$(dirname "${BASH_SOURCE[0]}")/features_lib.sh"
features() {
	local db=$1 sql=$2 cols="" name type
	while read -r name type; do
		if [ "$type" = number ] && grep -qx "$name" <<<"orders_total
orders_delivered
orders_returned
orders_cancelled
total_spend
avg_order_value
return_rate
cancel_rate
payments_total
payments_failed
failed_payment_rate
cod_share
recency_days
frequency_90d
monetary_90d
amount_std
tenure_days"; then
			cols="$cols, f.\"$name\" AS \"$name\""
		elif [ "$type" = number ]; then
			cols="$cols, (SELECT num FROM customer_inputs i WHERE i.customer_id = p.customer_id AND i.name = '$name') AS \"$name\""
		else
			cols="$cols, (SELECT nullif(value, '') FROM customer_inputs i WHERE i.customer_id = p.customer_id AND i.name = '$name') AS \"$name\""
		fi
	done < <(sed -n 's/^--   \([^ ]*\)  \(number\|text\)$/\1 \2/p' "$sql")
	profile_features "$db"
	sqlite3 "$db" "DROP TABLE IF EXISTS features;
CREATE TABLE features AS SELECT p.customer_id AS id$cols FROM credit_profiles p
  JOIN profile_features f USING (customer_id) ORDER BY p.customer_id;
DROP TABLE profile_features"
}

# on_sqlite DB SQLFILE: the query's rows into table res of DB.
on_sqlite() {
	sqlite3 "$1" "DROP TABLE IF EXISTS res" && { echo 'CREATE TABLE res AS'; cat "$2"; } | sqlite3 "$1"
}

# compare DB LABEL TOL [NULLREASONS]: every profile against res: rows, scores, bands, PDs
# (within TOL), reasons (codes, texts and points to two decimals, in order). For trees
# (TOL 1e-6) the score may be 1 point apart on at most 0.1 % of the customers: said, and
# counted; their reasons (approximate contributions) compared as the others', the codes
# alone counted too; with NULLREASONS (exact SHAP: the query has none) only counted.
compare() {
	local db=$1 label=$2 tol=$3 nullreasons=${4:-} reasons="" codes="" k what
	for k in 0 1 2 3; do
		reasons="$reasons OR json_extract(p.reasons, '\$[$k].code') IS NOT r.reason$((k + 1))
  OR json_extract(p.reasons, '\$[$k].text') IS NOT r.reason$((k + 1))_text
  OR abs(coalesce(json_extract(p.reasons, '\$[$k].points'), -1) - coalesce(r.reason$((k + 1))_points, -1)) > 0.0051"
	done
	what="'reasons differ ' || sum(r.reason1 IS NOT NULL AND (0 $reasons)
    OR (r.reason1 IS NULL AND r.id IS NOT NULL) != (json_array_length(p.reasons) = 0)) || ', none '"
	for k in 0 1 2 3; do
		codes="$codes OR json_extract(p.reasons, '\$[$k].code') IS NOT r.reason$((k + 1))"
	done
	# trees: the largest PD difference; exact SHAP: the SQL gives no reasons
	# (docs/design.md, "Models as SQL"), counted as such
	[ "$tol" = 1e-6 ] && what="'pd differs at most ' || printf('%.1e', max(abs(p.pd - r.pd))) || ';'
  || ' codes differ ' || sum(r.id IS NOT NULL AND (0 $codes)) || ', ' || $what"
	[ "$tol" = 1e-6 ] && [ -n "$nullreasons" ] &&
		what="'pd differs at most ' || printf('%.1e', max(abs(p.pd - r.pd))) || '; reasons none'"
	sqlite3 -separator ' ' "$db" "SELECT '$label:', count(r.id) || ' of ' || count(*) || ' customers,',
  'score equal ' || sum(p.score = r.score) || ', 1 apart ' || sum(abs(p.score - r.score) = 1)
  || ' (' || printf('%.3f', 100.0 * sum(abs(p.score - r.score) = 1) / count(*)) || ' %), more '
  || sum(abs(p.score - r.score) > 1) || ';',
  'band differs ' || sum(p.band != r.band) || ';',
  'pd beyond $tol ' || sum(abs(p.pd - r.pd) > $tol) || ';',
  $what || ' ' || sum(r.reason1 IS NULL)
FROM credit_profiles_full p LEFT JOIN res r ON r.id = p.customer_id"
}

# The PostgreSQL server of the test: its own data directory and socket directory under
# a private temporary directory, no TCP, stopped on exit. As root it runs as the
# `postgres` user (PostgreSQL refuses root), which owns the directory.
pg_start() {
	local bin
	bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	[ -x "$bin/initdb" ] || { echo "PostgreSQL's server (Debian's postgresql) is not installed"; exit 1; }
	PG_DIR=$(mktemp -d /tmp/riskdesk-pg.XXXXXX)
	PG_RUN=()
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres "$PG_DIR"
		PG_RUN=(runuser -u postgres --)
	fi
	PG_BIN=$bin
	PG_PORT=$((50000 + RANDOM % 10000))
	trap pg_stop EXIT
	cd /
	"${PG_RUN[@]}" "$bin/initdb" -D "$PG_DIR/data" -A trust -U rd -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 ||
		{ cat "$PG_DIR/initdb.log"; exit 1; }
	"${PG_RUN[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
		-o "-k $PG_DIR -p $PG_PORT -c listen_addresses=''" start >/dev/null ||
		{ cat "$PG_DIR/server.log"; exit 1; }
	cd "$WORK"
}

pg_stop() {
	[ -n "${PG_DIR:-}" ] || return 0
	"${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1
	rm -rf "$PG_DIR"
	PG_DIR=
}

# psql_run ARGS...: psql on the test's server as rd, database postgres.
psql_run() {
	(cd / && PGOPTIONS="-c client_min_messages=warning -c jit=off" "${PG_RUN[@]}" psql -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR" -p "$PG_PORT" -U rd -d postgres "$@")
}

# pg_table DB TABLE PGTYPES: copies DB's TABLE to PostgreSQL as (PGTYPES), via CSV.
pg_table() {
	local db=$1 table=$2 types=$3
	psql_run -c "DROP TABLE IF EXISTS $table; CREATE TABLE $table ($types)"
	# every digit of a REAL (the shell's CSV gives 15)
	local cols
	cols=$(sqlite3 "$db" "SELECT group_concat('CASE WHEN typeof(\"' || name || '\") = ''real'' THEN
  printf(''%!.17g'', \"' || name || '\") ELSE \"' || name || '\" END', ', ') FROM pragma_table_info('$table')")
	sqlite3 -csv "$db" "SELECT $cols FROM $table" | psql_run -c "\\copy $table FROM STDIN WITH (FORMAT csv)"
}

# pg_features DB SQLFILE: DB's features table on the server, typed as the query's header
# says (numbers double precision, as riskdesk's REAL).
pg_features() {
	local types="id text" name type
	while read -r name type; do
		types="$types, \"$name\" $([ "$type" = number ] && echo 'double precision' || echo text)"
	done < <(sed -n 's/^--   \([^ ]*\)  \(number\|text\)$/\1 \2/p' "$2")
	pg_table "$1" features "$types"
}

# on_pg DB SQLFILE: the query run by PostgreSQL, its rows into table res of DB.
on_pg() {
	psql_run --csv <"$2" >"$WORK/pg.csv" || return 1
	sqlite3 "$1" "DROP TABLE IF EXISTS res; CREATE TABLE res (id TEXT, model TEXT, score INTEGER,
  pd REAL, band TEXT, reason1 TEXT, reason1_text TEXT, reason1_points REAL, reason2 TEXT,
  reason2_text TEXT, reason2_points REAL, reason3 TEXT, reason3_text TEXT, reason3_points REAL,
  reason4 TEXT, reason4_text TEXT, reason4_points REAL)"
	sqlite3 "$1" ".import --csv --skip 1 $WORK/pg.csv res"
	# CSV has no NULL: an empty reason is none
	sqlite3 "$1" "UPDATE res SET reason1 = nullif(reason1, ''), reason1_text = nullif(reason1_text, ''),
  reason1_points = nullif(reason1_points, ''), reason2 = nullif(reason2, ''), reason2_text = nullif(reason2_text, ''),
  reason2_points = nullif(reason2_points, ''), reason3 = nullif(reason3, ''), reason3_text = nullif(reason3_text, ''),
  reason3_points = nullif(reason3_points, ''), reason4 = nullif(reason4, ''), reason4_text = nullif(reason4_text, ''),
  reason4_points = nullif(reason4_points, '')"
}

# pg_store DB: riskdesk's tables the features are computed from, on the server, typed as
# riskdesk's schema holds them (REAL as double precision).
pg_store() {
	pg_table "$1" customers "id text, name text, email text, phone text, kind text, created_at text, name_key text, changed_seq integer"
	pg_table "$1" orders "id text, customer_id text, amount double precision, status text, created_at text"
	pg_table "$1" payments "id text, customer_id text, order_id text, method text, success integer,
  amount double precision, created_at text"
	pg_table "$1" customer_attributes "customer_id text, name text, value text, num double precision"
}

# check DB LABEL TOL REF [OPTIONS]: model REF (or serving) exported for both engines, run
# on the features table (made once for SQLite, copied to the server) and compared; with
# --with-features in OPTIONS the query computes the features itself (pg_store first).
check() {
	local db=$1 label=$2 tol=$3 ref=$4
	shift 4
	$RISKDESK --db "$db" -c "model export $ref q_lite.sql $*" -c "model export $ref q_pg.sql --dialect postgres $*" \
		>/dev/null || return 1
	if [ $# -eq 0 ]; then
		features "$db" q_lite.sql
		pg_features "$db" q_lite.sql
	fi
	# a tree model with exact SHAP reasons: none in SQL, the header says
	local nullreasons=
	grep -q '^-- .*: reasons NULL where it scores' q_lite.sql && nullreasons=1
	on_sqlite "$db" q_lite.sql && compare "$db" "$label, sqlite" "$tol" $nullreasons
	on_pg "$db" q_pg.sql && compare "$db" "$label, postgres" "$tol" $nullreasons
}
