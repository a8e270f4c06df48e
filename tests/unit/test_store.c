/* The store: schema, migrations, file modes, read-only, bad files; the run lifecycle and
 * waiting for another process's write lock. */
#include "testutil.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "riskdesk/journal.h"
#include "riskdesk/profile.h"

static const char *const tables[] = {
	"customers",
	"attributes",
	"customer_attributes",
	"orders",
	"payments",
	"outcomes",
	"models",
	"credit_profiles",
	"score_history",
	"runs",
	"audit",
	"credit_requests",
	"external_records",
	"meta",
	"model_oof",
	"snapshot_counts",
	"policies",
	"decisions",
	"sources",
	"fetch_attempts",
	"shadow_scores",
};

/* What schema 9 (blends) added, taken away again: a database as an older riskdesk left it. */
#define BLENDS_UNDO                                                                                \
	REASONS_UNDO " DROP TABLE model_oof; ALTER TABLE credit_profiles DROP COLUMN cutoff_pd;"   \
		     " ALTER TABLE score_history DROP COLUMN reasons;"                             \
		     " ALTER TABLE score_history DROP COLUMN components;"                          \
		     " ALTER TABLE score_history DROP COLUMN cutoff_pd;"

/* What schema 24 took away: the reasons and components in the profile row, which since
 * live only in the history row it names. Every undo of an older schema starts with it. */
#define REASONS_UNDO                                                                               \
	" DROP VIEW credit_profiles_full; ALTER TABLE credit_profiles DROP COLUMN history_id;"     \
	" ALTER TABLE credit_profiles ADD COLUMN reasons TEXT NOT NULL DEFAULT '[]';"              \
	" ALTER TABLE credit_profiles ADD COLUMN components TEXT;"

/* What schema 22 took away: the features' JSON copy in the profiles. */
#define FEATURES_JSON_UNDO                                                                         \
	" ALTER TABLE credit_profiles ADD COLUMN features TEXT NOT NULL DEFAULT '{}';"

/* A version 1 database, as the first riskdesk left it (profiles without fvec and cohort,
 * and none of the later tables), made from a new one. */
#define V1_UNDO                                                                                    \
	"DROP INDEX profiles_drift; DROP INDEX outcomes_label;"                                    \
	" ALTER TABLE outcomes DROP COLUMN source;"                                                \
	" ALTER TABLE credit_profiles DROP COLUMN fvec;"                                           \
	" ALTER TABLE credit_profiles DROP COLUMN cohort;"                                         \
	" ALTER TABLE credit_profiles DROP COLUMN as_of;" FEATURES_JSON_UNDO                       \
	" DROP TABLE attribute_labels;" BLENDS_UNDO                                                \
	" DROP TABLE snapshot_rows; DROP TABLE snapshot_months; PRAGMA user_version = 1"

/* SPEC section 5's rules, version 1: the specification every riskdesk database has held
 * since the first, byte for byte (it was a C string in score.c until schema.sql seeded it). */
static const char rules_v1_spec[] =
	"{\n"
	"  \"baseline\": 600,\n"
	"  \"terms\": [\n"
	"    {\"feature\": \"total_spend\", \"divisor\": 20, \"weight\": 1, \"cap\": 150,\n"
	"     \"code\": \"R-SPEND\", \"text\": \"Low delivered spend\"},\n"
	"    {\"feature\": \"orders_delivered\", \"weight\": 4, \"cap\": 100,\n"
	"     \"code\": \"R-DELIVERED\", \"text\": \"Few delivered orders\"},\n"
	"    {\"feature\": \"avg_order_value\", \"divisor\": 2, \"weight\": 1, \"cap\": 50,\n"
	"     \"code\": \"R-AOV\", \"text\": \"Low average order value\"},\n"
	"    {\"feature\": \"return_rate\", \"weight\": -300,\n"
	"     \"code\": \"R-RETURNS\", \"text\": \"Returned orders\"},\n"
	"    {\"feature\": \"failed_payment_rate\", \"weight\": -400,\n"
	"     \"code\": \"R-FAILED-PAY\", \"text\": \"Failed payments\"},\n"
	"    {\"feature\": \"cod_share\", \"weight\": -150,\n"
	"     \"code\": \"R-COD\", \"text\": \"Cash-on-delivery payments\"}\n"
	"  ]\n"
	"}\n";

/* The models table as one text (every column of every row, quoted), caller frees. */
static char *models_text(struct rd_store *st)
{
	sqlite3_stmt *s;
	struct rd_err err = {{0}};
	struct rd_buf b = {0};
	assert_int_equal(store_prepare(st,
				       "SELECT quote(name), quote(version), quote(algo),"
				       " quote(segment), quote(status), quote(weight), quote(spec),"
				       " quote(metrics), quote(reference), quote(created_at)"
				       " FROM models ORDER BY name, version",
				       &s, &err),
			 0);
	while (sqlite3_step(s) == SQLITE_ROW)
		for (int i = 0; i < sqlite3_column_count(s); i++)
			buf_printf(&b, "%s%s", (const char *)sqlite3_column_text(s, i),
				   i + 1 < sqlite3_column_count(s) ? "|" : "\n");
	sqlite3_finalize(s);
	return buf_steal(&b);
}

/* The built-in rules model comes from schema.sql (store.c knows nothing of scoring): a new
 * database gets SPEC's rules as the champion, with the text databases have always held,
 * and a migrated one keeps the model it had, neither changed nor seeded twice. */
static void test_rules_seed(void **state)
{
	(void)state;
	struct rd_err err = {{0}};
	struct rd_store *st = test_store();
	assert_int_equal(test_int(st, "SELECT count(*) FROM models"), 1);
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM models WHERE name = 'rules' AND"
				  " version = 1 AND algo = 'rules' AND segment = 'all' AND status ="
				  " 'champion' AND weight = 1.0 AND metrics IS NULL AND reference"
				  " IS NULL AND created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-"
				  "[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z' AND abs(unixepoch("
				  "created_at) - unixepoch('now')) < 60"),
			 1);
	sqlite3_stmt *s;
	assert_int_equal(store_prepare(st, "SELECT spec FROM models", &s, &err), 0);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), rules_v1_spec);
	sqlite3_finalize(s);
	store_close(st);

	char path[256];
	snprintf(path, sizeof path, "/tmp/riskdesk-unit-%d-seed.db", (int)getpid());
	unlink(path);
	st = store_open(path, 0, &err);
	assert_non_null(st);
	char *fresh = models_text(st);
	assert_non_null(strstr(fresh, "'rules'|1|'rules'|'all'|'champion'|1.0|"));
	assert_int_equal(store_exec(st, V1_UNDO, &err), 0);
	store_close(st);
	st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(test_int(st, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	char *migrated = models_text(st);
	assert_string_equal(migrated, fresh);
	free(fresh);
	free(migrated);
	store_close(st);
	unlink(path);
}

static void test_schema(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
		sqlite3_stmt *s;
		assert_int_equal(sqlite3_prepare_v2(store_db(st),
						    "SELECT count(*) FROM sqlite_schema"
						    " WHERE type = 'table' AND name = ?1",
						    -1, &s, NULL),
				 SQLITE_OK);
		sqlite3_bind_text(s, 1, tables[i], -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		if (sqlite3_column_int(s, 0) != 1)
			fail_msg("table %s is missing", tables[i]);
		sqlite3_finalize(s);
	}
	assert_int_equal(test_int(st, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(test_int(st, "PRAGMA foreign_keys"), 1);
	/* The built-in rules model, version 1, champion. */
	assert_int_equal(test_int(st, "SELECT count(*) FROM models WHERE name = 'rules'"
				      " AND version = 1 AND status = 'champion'"),
			 1);
	store_close(st);
}

static void test_constraints(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	assert_int_equal(store_exec(st, "INSERT INTO customers(id, kind) VALUES ('a', 'alien')",
				    &err),
			 -1);
	assert_int_equal(store_exec(st,
				    "INSERT INTO orders VALUES ('o', 'nobody', 1, 'placed', "
				    "'2025-01-01')",
				    &err),
			 -1); /* foreign key */
	assert_int_equal(store_exec(st, "INSERT INTO customers(id) VALUES ('c')", &err), 0);
	assert_int_equal(
		store_exec(st, "INSERT INTO orders VALUES ('o', 'c', -1, 'placed', '2025-01-01')",
			   &err),
		-1); /* amount >= 0 */
	assert_int_equal(store_exec(st,
				    "INSERT INTO orders VALUES ('o', 'c', 1, 'lost', '2025-01-01')",
				    &err),
			 -1); /* status enum */
	store_close(st);
}

static void test_file_mode_wal_reopen(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof path, "/tmp/riskdesk-unit-%d-store.db", (int)getpid());
	unlink(path);
	mode_t old = umask(0);
	struct rd_err err = {{0}};
	struct rd_store *st = store_open(path, 0, &err);
	umask(old);
	assert_non_null(st);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	sqlite3_stmt *s;
	assert_int_equal(store_prepare(st, "PRAGMA journal_mode", &s, &err), 0);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
	sqlite3_finalize(s);
	assert_int_equal(store_exec(st, "INSERT INTO customers(id) VALUES ('x')", &err), 0);
	store_close(st);

	/* Reopening keeps the data and does not migrate twice. */
	st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers"), 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM models"), 1);
	/* A version 1 database (profiles without fvec and cohort) is migrated to 2. */
	assert_int_equal(store_exec(st, V1_UNDO, &err), 0);
	store_close(st);
	st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(test_int(st, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(test_int(st, "SELECT count(*) FROM pragma_table_info('credit_profiles')"
				      " WHERE name IN ('fvec', 'cohort', 'as_of')"),
			 3);
	assert_int_equal(test_int(st, "SELECT count(*) FROM pragma_table_info('attribute_labels')"),
			 3);
	assert_int_equal(test_int(st, "SELECT count(*) FROM sqlite_schema WHERE name IN"
				      " ('profiles_drift', 'outcomes_label', 'snapshot_months',"
				      " 'snapshot_rows')"),
			 4);
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers"), 1);
	store_close(st);

	/* Read-only: reads work, writes fail. */
	st = store_open(path, STORE_READONLY, &err);
	assert_non_null(st);
	assert_true(store_readonly(st));
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers"), 1);
	assert_int_equal(store_exec(st, "INSERT INTO customers(id) VALUES ('y')", &err), -1);
	store_close(st);
	unlink(path);
	char wal[300];
	snprintf(wal, sizeof wal, "%s-wal", path);
	unlink(wal);
	snprintf(wal, sizeof wal, "%s-shm", path);
	unlink(wal);
}

static void test_bad_files(void **state)
{
	(void)state;
	struct rd_err err = {{0}};
	const char *junk = test_file("junk.db", "this is not sqlite at all, not at all\n", 38);
	assert_null(store_open(junk, 0, &err));
	assert_non_null(strstr(err.msg, "not a riskdesk database"));
	assert_null(store_open("/nonexistent/dir/x.db", 0, &err));
	assert_non_null(strstr(err.msg, "/nonexistent/dir/x.db"));
	assert_null(store_open("/tmp/riskdesk-no-such-file.db", STORE_READONLY, &err));
	assert_non_null(strstr(err.msg, "read-only"));
	/* A database from a newer riskdesk is refused, not damaged. */
	char path[256];
	snprintf(path, sizeof path, "/tmp/riskdesk-unit-%d-future.db", (int)getpid());
	unlink(path);
	struct rd_store *st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(store_exec(st, "PRAGMA user_version = 99", &err), 0);
	store_close(st);
	assert_null(store_open(path, 0, &err));
	assert_non_null(strstr(err.msg, "newer"));
	unlink(path);
}

static void test_strmap_and_dates(void **state)
{
	(void)state;
	struct rd_strmap *m = strmap_new(2);
	char key[32];
	for (int i = 0; i < 5000; i++) {
		int n = snprintf(key, sizeof key, "C%06d", i);
		assert_int_equal(strmap_put(m, key, (size_t)n, i), 1);
	}
	assert_int_equal(strmap_put(m, "C000007", 7, 99), 0);
	assert_int_equal(strmap_get(m, "C000007", 7), 7);
	assert_int_equal(strmap_get(m, "C004999", 7), 4999);
	assert_int_equal(strmap_get(m, "C005000", 7), -1);
	assert_int_equal(strmap_count(m), 5000);
	strmap_free(m);

	int64_t e;
	assert_int_equal(date_parse("2025-03-01", 10, &e), 0);
	assert_int_equal(e, 1740787200);
	assert_int_equal(date_parse("2025-03-01T10:30:00Z", 20, &e), 0);
	assert_int_equal(e, 1740787200 + 37800);
	assert_int_equal(date_parse("2025-03-01T10:30:00+02:00", 25, &e), 0);
	assert_int_equal(e, 1740787200 + 37800 - 7200);
	assert_int_equal(date_parse("2025-03-01 10:30", 16, &e), 0);
	assert_int_equal(date_parse("2024-02-29", 10, &e), 0);
	assert_int_equal(date_parse("2025-02-29", 10, &e), -1);
	assert_int_equal(date_parse("2025-13-01", 10, &e), -1);
	assert_int_equal(date_parse("2025-1-01", 9, &e), -1);
	assert_int_equal(date_parse("2025-03-01T", 11, &e), -1);
	assert_int_equal(date_parse("2025-03-01Tnoon", 15, &e), -1);
	char day[11];
	day_format(epoch_day(1740787200), day);
	assert_string_equal(day, "2025-03-01");
	day_format(days_from_civil(1969, 12, 31), day);
	assert_string_equal(day, "1969-12-31");

	double v;
	assert_int_equal(num_parse("5e+05", 5, &v), 0);
	assert_true(v == 500000);
	assert_int_equal(num_parse("-12.50", 6, &v), 0);
	assert_int_equal(num_parse("0x10", 4, &v), -1);
	assert_int_equal(num_parse("nan", 3, &v), -1);
	assert_int_equal(num_parse("1e999", 5, &v), -1);
	assert_int_equal(num_parse("", 0, &v), -1);
	assert_int_equal(num_parse("12a", 3, &v), -1);

	assert_true(utf8_valid("h\xc3\xa9llo", 6));
	assert_false(utf8_valid("h\xc3", 2));
	assert_false(utf8_valid("\xed\xa0\x80", 3)); /* a surrogate */
	assert_false(utf8_valid("\xc0\xaf", 2));     /* overlong */
	assert_true(utf8_valid("\xf0\x9f\x98\x80", 4));

	char out[64];
	pii_mask("jane.doe@example.com", out, sizeof out);
	assert_string_equal(out, "j***@example.com");
	pii_mask("+49 30 1234567", out, sizeof out);
	assert_string_equal(out, "**********4567");
}

/* ---- read-only leaves no files ---- */

static int exists_suffix(const char *path, const char *suffix)
{
	char p[512];
	snprintf(p, sizeof p, "%s%s", path, suffix);
	return access(p, F_OK) == 0;
}

static void test_read_only_creates_no_files(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof path, "/tmp/riskdesk-unit-%d-ro.db", (int)getpid());
	unlink(path);
	struct rd_err err = {{0}};
	struct rd_store *st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(store_exec(st, "INSERT INTO customers(id) VALUES ('ro')", &err), 0);
	store_close(st); /* the last connection: SQLite removes -wal and -shm */
	assert_false(exists_suffix(path, "-wal"));
	assert_false(exists_suffix(path, "-shm"));

	st = store_open(path, STORE_READONLY, &err);
	assert_non_null(st);
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers WHERE id = 'ro'"), 1);
	store_close(st);
	assert_false(exists_suffix(path, "-wal"));
	assert_false(exists_suffix(path, "-shm"));
	assert_false(exists_suffix(path, "-riskdesk"));

	/* While a writer has the database open, the files are the writer's: left alone. */
	struct rd_store *w = store_open(path, 0, &err);
	assert_non_null(w);
	assert_int_equal(test_int(w, "SELECT count(*) FROM customers"), 1);
	st = store_open(path, STORE_READONLY, &err);
	assert_non_null(st);
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers"), 1);
	store_close(st);
	assert_true(exists_suffix(path, "-wal"));
	assert_int_equal(store_exec(w, "INSERT INTO customers(id) VALUES ('ro2')", &err), 0);
	store_close(w);
	assert_false(exists_suffix(path, "-wal"));
	unlink(path);
}

/* ---- runs ---- */

static const char *run_status(struct rd_store *st, int64_t id)
{
	static char out[32];
	sqlite3_stmt *s;
	out[0] = '\0';
	struct rd_err err;
	if (store_prepare(st, "SELECT status FROM runs WHERE id = ?1", &s, &err) == 0) {
		sqlite3_bind_int64(s, 1, id);
		if (sqlite3_step(s) == SQLITE_ROW)
			snprintf(out, sizeof out, "%s", sqlite3_column_text(s, 0));
		sqlite3_finalize(s);
	}
	return out;
}

static long long run_alive_sql(struct rd_store *st, int64_t id)
{
	char sql[64];
	snprintf(sql, sizeof sql, "SELECT run_alive(%lld)", (long long)id);
	return test_int(st, sql);
}

/* One process: a run is committed `running` before its data, the data names it, and it
 * ends ok, failed or cancelled; a failed one leaves the data as it was. */
static void test_run_lifecycle(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct rd_sink *sink = sink_null_new();
	struct rd_ctx ctx;
	atomic_int cancel = 0;
	ctx_init(&ctx, st, sink);
	ctx.cancel = &cancel;
	ctx.line = "load customers c.csv";
	struct rd_err err = {{0}};

	struct rd_run own, *run = run_enter(&ctx, &own, "load", &err);
	assert_non_null(run);
	assert_ptr_equal(ctx.run, run);
	assert_true(run->id > 0);
	assert_string_equal(run_status(st, run->id), "running");
	assert_int_equal(run_alive_sql(st, run->id), 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs WHERE pid IS NOT NULL AND"
				      " host IS NOT NULL AND finished_at IS NULL AND args ="
				      " 'load customers c.csv'"),
			 1);
	/* Inside, the same run: no second row. */
	struct rd_run inner;
	assert_ptr_equal(run_enter(&ctx, &inner, "load", &err), run);
	assert_int_equal(store_begin(st, &err), 0);
	assert_int_equal(store_exec(st, "INSERT INTO customers(id) VALUES ('a')", &err), 0);
	assert_int_equal(run_finish_ok(&ctx, run, 1, "1 row", &err), 0);
	assert_int_equal(store_commit(st, &err), 0);
	run_leave(&ctx, &inner, RD_OK); /* not its to end */
	assert_ptr_equal(ctx.run, run);
	run_leave(&ctx, &own, RD_OK);
	assert_null(ctx.run);
	assert_string_equal(run_status(st, own.id), "ok");
	assert_int_equal(run_alive_sql(st, own.id), 0);
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs WHERE status = 'ok' AND rows = 1"
				      " AND finished_at IS NOT NULL AND message = '1 row'"),
			 1);
	/* How long it ran, measured, not the whole-second difference of its times. */
	assert_int_equal(test_int(st, "SELECT typeof(seconds) = 'real' AND seconds >= 0 FROM runs"
				      " WHERE status = 'ok'"),
			 1);

	/* Failed: the data rolls back, the run says why. */
	assert_non_null(run_enter(&ctx, &own, "load", &err));
	assert_int_equal(store_begin(st, &err), 0);
	assert_int_equal(store_exec(st, "INSERT INTO customers(id) VALUES ('b')", &err), 0);
	store_rollback(st);
	rd_err_set(&ctx.err, "c.csv:2: bad");
	run_leave(&ctx, &own, RD_FAILED);
	assert_string_equal(run_status(st, own.id), "failed");
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs WHERE message = 'c.csv:2: bad'"),
			 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers"), 1);

	/* Cancelled. */
	assert_non_null(run_enter(&ctx, &own, "recompute", &err));
	cancel = 1;
	run_leave(&ctx, &own, RD_FAILED);
	assert_string_equal(run_status(st, own.id), "cancelled");
	cancel = 0;
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs WHERE typeof(seconds) = 'real'"),
			 3);

	/* Newest first for the console's Log, oldest first for `runs`. */
	sqlite3_stmt *s = journal_runs(st, 2, 1, &err);
	assert_non_null(s);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(s, 0), own.id);
	assert_string_equal(sqlite3_column_name(s, 5), "seconds");
	assert_int_equal(sqlite3_column_type(s, 5), SQLITE_FLOAT);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(s, 0), own.id - 1);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	s = journal_runs(st, 2, 0, &err);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(s, 0), own.id - 1);
	sqlite3_finalize(s);

	/* A generic write command is a run too, through cmd_run_line, ended there. */
	assert_int_equal(cmd_run_line(&ctx, "drift baseline"), RD_FAILED); /* no profiles */
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs WHERE kind = 'drift baseline'"
				      " AND status = 'failed'"),
			 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs WHERE status = 'running'"), 0);
	sink_free(sink);
	store_close(st);
}

/* The child side of the cross-process tests: opens the database, begins a run of
 * `recompute all`, takes the write lock when asked, says so on ready, and waits for a
 * byte on go (or to be killed); then ends the run as failed. */
enum { CHILD_RUN = 0, CHILD_RUN_AND_LOCK = 1 };

static pid_t child_run(const char *path, int mode, int *ready, int *go)
{
	int r[2], g[2];
	if (pipe(r) || pipe(g))
		fail_msg("pipe");
	pid_t pid = fork();
	if (pid < 0)
		fail_msg("fork");
	if (pid == 0) {
		close(r[0]);
		close(g[1]);
		struct rd_err err = {{0}};
		struct rd_store *st = store_open(path, 0, &err);
		struct rd_sink *sink = sink_null_new();
		struct rd_ctx ctx;
		struct rd_run own;
		char c = 'x';
		if (!st)
			_exit(2);
		ctx_init(&ctx, st, sink);
		ctx.line = "recompute all";
		if (!run_enter(&ctx, &own, "recompute", &err))
			_exit(3);
		if (mode == CHILD_RUN_AND_LOCK && store_begin(st, &err))
			_exit(4);
		if (write(r[1], &c, 1) != 1 || read(g[0], &c, 1) != 1)
			_exit(5);
		store_rollback(st);
		rd_err_set(&ctx.err, "stopped by the test");
		run_leave(&ctx, &own, RD_FAILED);
		store_close(st);
		_exit(0);
	}
	close(r[1]);
	close(g[0]);
	char c;
	if (read(r[0], &c, 1) != 1)
		fail_msg("the child did not start its run");
	*ready = r[0];
	*go = g[1];
	return pid;
}

static void child_end(pid_t pid, int ready, int go, int kill9)
{
	if (kill9)
		kill(pid, SIGKILL);
	else if (write(go, "g", 1) != 1)
		fail_msg("cannot tell the child to go on");
	int wst;
	waitpid(pid, &wst, 0);
	if (!kill9)
		assert_true(WIFEXITED(wst) && WEXITSTATUS(wst) == 0);
	close(ready);
	close(go);
}

static void progress_count(void *ud, double waited, double timeout)
{
	(void)waited;
	(void)timeout;
	(*(int *)ud)++;
}

/* Another process holds the write lock: a write waits up to the timeout (with progress)
 * or until cancelled, then names the holder from its running run; the refusal is audited
 * through DB-riskdesk; the holder killed with -9 shows, then is marked, interrupted. */
static void test_lock_holder_and_refusal(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof path, "/tmp/riskdesk-unit-%d-lock.db", (int)getpid());
	unlink(path);
	struct rd_err err = {{0}};
	struct rd_store *st = store_open(path, 0, &err);
	assert_non_null(st);
	int ready, go;
	pid_t child = child_run(path, CHILD_RUN_AND_LOCK, &ready, &go);
	int64_t id = test_int(st, "SELECT max(id) FROM runs");
	assert_string_equal(run_status(st, id), "running");
	assert_int_equal(test_int(st, "SELECT pid FROM runs ORDER BY id DESC LIMIT 1"), child);
	assert_int_equal(run_alive_sql(st, id), 1);

	/* The store's wait: timeout, then cancel; progress while it lasts. */
	int calls = 0;
	atomic_int cancel = 0;
	struct store_wait w = {0.5, &cancel, progress_count, &calls};
	store_set_wait(st, &w);
	store_wait_clear(st);
	assert_int_equal(store_exec(st, "INSERT INTO customers(id) VALUES ('x')", &err), -1);
	double waited;
	assert_int_equal(store_wait_failed(st, &waited), STORE_WAIT_TIMEOUT);
	assert_true(waited >= 0.5);
	assert_true(calls > 0);
	cancel = 1;
	store_wait_clear(st);
	assert_int_equal(store_exec(st, "INSERT INTO customers(id) VALUES ('x')", &err), -1);
	assert_int_equal(store_wait_failed(st, NULL), STORE_WAIT_CANCELLED);

	/* A write command is refused with the holder's name, and audited. */
	struct rd_sink *sink = sink_null_new();
	struct rd_ctx ctx;
	ctx_init(&ctx, st, sink);
	assert_int_equal(cmd_run_line(&ctx, "set lock-timeout 0"), RD_OK);
	assert_int_equal(cmd_run_line(&ctx, "promote rules"), RD_FAILED);
	char want[128];
	snprintf(want, sizeof want, "(pid %d) holds the write lock", (int)child);
	assert_non_null(strstr(ctx.err.msg, "the database is busy: `recompute all` by "));
	assert_non_null(strstr(ctx.err.msg, want));
	assert_non_null(strstr(ctx.err.msg, "did not wait (lock-timeout is 0)"));
	assert_int_equal(test_int(st, "SELECT count(*) FROM audit"), 0); /* locked */
	assert_int_equal(journal_pending(st, &err), 0);
	assert_int_equal(test_int(st, "SELECT count(*) FROM temp.pending_audit WHERE status ="
				      " 'refused' AND command = 'promote rules'"),
			 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs WHERE kind = 'promote'"), 0);
	assert_int_equal(cmd_run_line(&ctx, "set lock-timeout 0.3"), RD_OK);
	assert_int_equal(cmd_run_line(&ctx, "recompute all"), RD_FAILED);
	assert_non_null(strstr(ctx.err.msg, "waited 0.3 s (set lock-timeout to wait longer)"));
	assert_int_equal(cmd_run_line(&ctx, "set lock-timeout -1"), RD_FAILED);

	/* Killed: the run is no longer alive, but its row says running until a writer. */
	child_end(child, ready, go, 1);
	assert_int_equal(run_alive_sql(st, id), 0);
	assert_string_equal(run_status(st, id), "running");
	assert_int_equal(cmd_run_line(&ctx, "drift baseline"), RD_FAILED); /* no profiles */
	assert_null(strstr(ctx.err.msg, "busy"));
	assert_string_equal(run_status(st, id), "interrupted");
	assert_int_equal(test_int(st, "SELECT count(*) FROM audit WHERE status = 'refused'"), 2);
	assert_int_equal(journal_pending(st, &err), 0);
	assert_int_equal(test_int(st, "SELECT count(*) FROM temp.pending_audit"), 0);
	struct stat sb;
	char side[300];
	snprintf(side, sizeof side, "%s-riskdesk", path);
	assert_int_equal(stat(side, &sb), 0);
	assert_int_equal(sb.st_size, 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	sink_free(sink);
	store_close(st);
	unlink(path);
	unlink(side);
}

/* A run that ends while another process holds the lock leaves its outcome in DB-riskdesk:
 * shown by `runs` at once, folded in by the next writer. A running row without the lock
 * (training's long part) blocks no one. */
static void test_run_outcome_waits_for_the_lock(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof path, "/tmp/riskdesk-unit-%d-outcome.db", (int)getpid());
	unlink(path);
	struct rd_err err = {{0}};
	struct rd_store *st = store_open(path, 0, &err);
	assert_non_null(st);
	int ready, go;
	pid_t child = child_run(path, CHILD_RUN, &ready, &go);
	int64_t id = test_int(st, "SELECT max(id) FROM runs");
	assert_int_equal(run_alive_sql(st, id), 1);
	assert_int_equal(store_exec(st, "INSERT INTO customers(id) VALUES ('free')", &err), 0);

	assert_int_equal(store_begin(st, &err), 0); /* now we hold it */
	child_end(child, ready, go, 0);
	store_rollback(st);
	assert_string_equal(run_status(st, id), "running");
	assert_int_equal(run_alive_sql(st, id), 0);
	assert_int_equal(journal_pending(st, &err), 0);
	assert_int_equal(test_int(st, "SELECT count(*) FROM temp.pending_runs WHERE status ="
				      " 'failed' AND message = 'stopped by the test' AND "
				      "typeof(seconds)"
				      " = 'real'"),
			 1);
	assert_int_equal(test_run(st, "set lock-timeout 0", &err), RD_OK);
	assert_int_equal(test_run(st, "drift baseline", &err), RD_FAILED);
	assert_string_equal(run_status(st, id), "failed");
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM runs WHERE typeof(seconds) = 'real'"
				  " AND id = (SELECT max(id) FROM runs WHERE status = 'failed')"),
			 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM audit WHERE status = 'failed'"
				      " AND command = 'recompute all'"),
			 0); /* the child wrote no audit */
	store_close(st);
	unlink(path);
	snprintf(path + strlen(path), 16, "-riskdesk");
	unlink(path);
}

/* Schema 4 -> 5: outcomes gain their source; every earlier one was loaded, so observed.
 * The drift index covers the source. */
static void test_migration_outcome_source(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof path, "/tmp/riskdesk-unit-%d-mig5.db", (int)getpid());
	unlink(path);
	struct rd_err err = {{0}};
	struct rd_store *st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(store_exec(st,
				    "DROP INDEX outcomes_label;"
				    " ALTER TABLE outcomes DROP COLUMN source;"
				    " CREATE INDEX outcomes_label ON outcomes(customer_id, "
				    "defaulted);"
				    " INSERT INTO customers(id) VALUES ('c'), ('d');"
				    " INSERT INTO outcomes VALUES ('c', 1, '2025-01-01');"
				    " ALTER TABLE credit_profiles DROP COLUMN as_of;" BLENDS_UNDO
				    " PRAGMA user_version = 4",
				    &err),
			 0);
	store_close(st);
	st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(test_int(st, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(test_int(st, "SELECT count(*) FROM outcomes WHERE customer_id = 'c'"
				      " AND defaulted = 1 AND source = 'observed'"),
			 1);
	assert_int_equal(test_int(st, "SELECT group_concat(name) = 'customer_id,defaulted,source'"
				      " FROM pragma_index_info('outcomes_label')"),
			 1);
	assert_int_equal(store_exec(st, "INSERT INTO outcomes VALUES ('d', 0, NULL, 'guess')",
				    &err),
			 -1);
	assert_int_equal(store_exec(st, "INSERT INTO outcomes VALUES ('d', 0, NULL, 'proxy')",
				    &err),
			 0);
	store_close(st);
	unlink(path);
}

/* Schema 3 -> 4: the runs table is rebuilt with its rows and ids. */
static void test_migration_runs(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof path, "/tmp/riskdesk-unit-%d-mig.db", (int)getpid());
	unlink(path);
	struct rd_err err = {{0}};
	struct rd_store *st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(
		store_exec(st,
			   "PRAGMA foreign_keys = OFF; DROP TABLE runs;"
			   " CREATE TABLE runs (id INTEGER PRIMARY KEY, kind TEXT NOT NULL,"
			   " args TEXT NOT NULL, user TEXT NOT NULL, started_at TEXT NOT NULL,"
			   " finished_at TEXT, rows INTEGER NOT NULL DEFAULT 0, status TEXT"
			   " NOT NULL CHECK (status IN ('ok', 'failed', 'cancelled')),"
			   " message TEXT);"
			   " INSERT INTO runs VALUES (7, 'load', 'load x', 'u', '2025-01-01',"
			   " '2025-01-01', 3, 'ok', NULL);"
			   " INSERT INTO customers(id) VALUES ('c');"
			   " INSERT INTO score_history(customer_id, score, band, pd, model_name,"
			   " model_version, run_id, computed_at) VALUES ('c', 600, 'C', 0.1,"
			   " 'rules', 1, 7, '2025-01-01');"
			   " DROP INDEX outcomes_label; ALTER TABLE outcomes DROP COLUMN source;"
			   " CREATE INDEX outcomes_label ON outcomes(customer_id, defaulted);"
			   " ALTER TABLE credit_profiles DROP COLUMN as_of;" BLENDS_UNDO
			   " DROP TABLE snapshot_rows; DROP TABLE snapshot_months;"
			   " PRAGMA foreign_keys = ON; PRAGMA user_version = 3",
			   &err),
		0);
	store_close(st);
	st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(test_int(st, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(test_int(st, "SELECT rows FROM runs WHERE id = 7"), 3);
	assert_int_equal(test_int(st, "SELECT count(*) FROM pragma_table_info('runs')"
				      " WHERE name IN ('pid', 'host', 'seconds')"),
			 3);
	/* 13 -> 14: an older run has no measure: `runs` shows its times' difference. */
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs WHERE id = 7 AND seconds IS NULL"),
			 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM pragma_table_info('credit_profiles')"
				      " WHERE name = 'as_of'"),
			 1);
	/* 8 -> 9: the history keeps reasons, components and the cut-off; out-of-fold table. */
	assert_int_equal(test_int(st, "SELECT count(*) FROM pragma_table_info('score_history')"
				      " WHERE name IN ('reasons', 'components', 'cutoff_pd')"),
			 3);
	assert_int_equal(test_int(st, "SELECT count(*) FROM pragma_table_info('credit_profiles')"
				      " WHERE name = 'cutoff_pd'"),
			 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM score_history WHERE reasons IS NULL"
				      " AND run_id = 7"),
			 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM model_oof"), 0);
	assert_int_equal(test_int(st, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	assert_int_equal(test_int(st, "PRAGMA foreign_keys"), 1);
	assert_int_equal(store_exec(st,
				    "INSERT INTO runs(kind, args, user, started_at, status)"
				    " VALUES ('x', 'x', 'u', 'now', 'running')",
				    &err),
			 0);
	/* 6 -> 7: attributes gain their special codes; the rows stay. */
	assert_int_equal(store_exec(st,
				    "INSERT INTO attributes(name, type) VALUES ('age', 'numeric');"
				    " ALTER TABLE attributes DROP COLUMN special;" BLENDS_UNDO
				    " PRAGMA user_version = 6",
				    &err),
			 0);
	store_close(st);
	st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(test_int(st, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(test_int(st, "SELECT count(*) FROM attributes WHERE name = 'age' AND"
				      " special IS NULL"),
			 1);
	store_close(st);
	unlink(path);
}

/* Schema 10 -> 11: models is rebuilt with its rows so that it takes 'rf'; the out-of-fold
 * rows that reference a model keep their reference. */
static void test_migration_models(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof path, "/tmp/riskdesk-unit-%d-mig11.db", (int)getpid());
	unlink(path);
	struct rd_err err = {{0}};
	struct rd_store *st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(
		store_exec(st,
			   "PRAGMA foreign_keys = OFF; DROP TABLE models;"
			   " CREATE TABLE models (name TEXT NOT NULL, version INTEGER NOT NULL,"
			   " algo TEXT NOT NULL CHECK (algo IN ('rules', 'logit', 'scorecard',"
			   " 'xgb')), segment TEXT NOT NULL DEFAULT 'all', status TEXT NOT NULL,"
			   " weight REAL NOT NULL DEFAULT 1.0, spec TEXT NOT NULL, metrics TEXT,"
			   " reference TEXT, created_at TEXT NOT NULL, PRIMARY KEY (name, "
			   "version));"
			   " INSERT INTO models VALUES ('g', 2, 'xgb', 'new', 'champion', 0.5,"
			   " '{}', '{\"auc\":0.7}', NULL, '2025-01-01');"
			   " INSERT INTO model_oof VALUES ('g', 2, 0, 'c', 1, 0.25, 1);"
			   " PRAGMA foreign_keys = ON; PRAGMA user_version = 10",
			   &err),
		0);
	assert_int_equal(store_exec(st,
				    "INSERT INTO models VALUES ('f', 1, 'rf', 'all', 'challenger',"
				    " 1, '{}', NULL, NULL, 'now')",
				    &err),
			 -1);
	store_close(st);
	st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(test_int(st, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM models WHERE name = 'g' AND version = 2"
				  " AND algo = 'xgb' AND segment = 'new' AND status = 'champion'"
				  " AND weight = 0.5 AND metrics = '{\"auc\":0.7}'"),
			 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM model_oof WHERE name = 'g'"), 1);
	assert_int_equal(
		store_exec(st,
			   "INSERT INTO models(name, version, algo, segment, status, weight,"
			   " spec, metrics, reference, created_at) VALUES ('f', 1, 'rf', 'all',"
			   " 'challenger', 1, '{}', NULL, NULL, 'now');"
			   " INSERT INTO model_oof VALUES ('f', 1, 0, 'c', 0, 0.25, 1)",
			   &err),
		0);
	assert_int_equal(store_exec(st,
				    "INSERT INTO model_oof VALUES ('nope', 1, 0, 'c', 0, 0.25, 1)",
				    &err),
			 -1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	store_close(st);
	unlink(path);
}

/* Schema 11 -> 12: profiles record the latest load they held — for older ones, the latest
 * load that had finished when they were computed — and the meta row names the latest load. */
static void test_migration_stale(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof path, "/tmp/riskdesk-unit-%d-mig12.db", (int)getpid());
	unlink(path);
	struct rd_err err = {{0}};
	struct rd_store *st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(
		store_exec(st,
			   "DROP INDEX profiles_stale; DROP INDEX runs_kind;"
			   " ALTER TABLE credit_profiles DROP COLUMN load_run;" REASONS_UNDO
				   FEATURES_JSON_UNDO
			   " INSERT INTO runs(id, kind, args, user, started_at, finished_at,"
			   " status) VALUES (1, 'load', 'load d', 'u', '2025-01-01T10:00:00Z',"
			   " '2025-01-01T10:00:05Z', 'ok'), (2, 'load', 'load d', 'u',"
			   " '2025-01-02T10:00:00Z', '2025-01-02T10:00:05Z', 'ok'), (3, 'load',"
			   " 'load d', 'u', '2025-01-03T10:00:00Z', '2025-01-03T10:00:05Z',"
			   " 'failed');"
			   " INSERT INTO customers(id) VALUES ('a'), ('b'), ('c');"
			   " INSERT INTO credit_profiles(customer_id, score, band, pd, risk_level,"
			   " segment, model_name, model_version, features, reasons, computed_at)"
			   " VALUES ('a', 600, 'C', 0.05, 'MEDIUM', 'new', 'rules', 1, '{}', '[]',"
			   " '2024-12-31T00:00:00Z'), ('b', 600, 'C', 0.05, 'MEDIUM', 'new',"
			   " 'rules', 1, '{}', '[]', '2025-01-01T10:00:05Z'), ('c', 600, 'C', 0.05,"
			   " 'MEDIUM', 'new', 'rules', 1, '{}', '[]', '2025-01-05T00:00:00Z');"
			   " PRAGMA user_version = 11",
			   &err),
		0);
	store_close(st);
	st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(test_int(st, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(test_int(st,
				  "SELECT load_run FROM credit_profiles WHERE customer_id = 'a'"),
			 0);
	assert_int_equal(test_int(st,
				  "SELECT load_run FROM credit_profiles WHERE customer_id = 'b'"),
			 1);
	assert_int_equal(test_int(st,
				  "SELECT load_run FROM credit_profiles WHERE customer_id = 'c'"),
			 2);
	assert_int_equal(test_int(st, "SELECT value FROM meta WHERE key = 'profiles_load'"), 2);
	assert_int_equal(test_int(st, "SELECT count(*) FROM sqlite_schema WHERE name IN"
				      " ('profiles_stale', 'runs_kind')"),
			 2);
	store_close(st);
	unlink(path);
}

/* A version 15 database: models serve no kind, requests may have no day and any amount
 * >= 0, neither requests nor records are indexed by customer, no customer_inputs. */
#define V15_UNDO                                                                                   \
	"PRAGMA foreign_keys = OFF; DROP VIEW customer_inputs; DROP TABLE shadow_scores;"          \
	" DROP INDEX external_records_customer;"                                                   \
	" CREATE TABLE m15 (name TEXT NOT NULL, version INTEGER NOT NULL, algo TEXT NOT NULL"      \
	" CHECK (algo IN ('rules', 'logit', 'scorecard', 'xgb', 'rf')), segment TEXT NOT NULL"     \
	" DEFAULT 'all' CHECK (segment IN ('all', 'new', 'existing')), status TEXT NOT NULL"       \
	" CHECK (status IN ('champion', 'challenger', 'retired')), weight REAL NOT NULL DEFAULT"   \
	" 1.0, spec TEXT NOT NULL, metrics TEXT, reference TEXT, created_at TEXT NOT NULL,"        \
	" PRIMARY KEY (name, version)); INSERT INTO m15 SELECT name, version, algo, segment,"      \
	" status, weight, spec, metrics, reference, created_at FROM models; DROP TABLE models;"    \
	" ALTER TABLE m15 RENAME TO models;"                                                       \
	" DROP TABLE credit_requests; CREATE TABLE credit_requests (id TEXT PRIMARY KEY,"          \
	" customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE, amount REAL NOT"   \
	" NULL CHECK (amount >= 0), term_months INTEGER NOT NULL CHECK (term_months > 0),"         \
	" purpose TEXT, yearly_income REAL, existing_debt REAL, status TEXT NOT NULL DEFAULT"      \
	" 'pending' CHECK (status IN ('pending', 'approved', 'referred', 'declined')), score"      \
	" INTEGER, reasons TEXT, created_at TEXT, decided_at TEXT);"                               \
	" CREATE INDEX credit_requests_status ON credit_requests(status, id);"                     \
	" PRAGMA foreign_keys = ON; PRAGMA user_version = 15;"

/* Schema 15 -> 16: models and credit_requests are rebuilt with their rows, a model may serve
 * a kind, a request's amount is positive and it has its day, both tables are indexed by
 * customer, and customer_inputs gives every customer's kind beside its attributes. A
 * request the new rules refuse stops the upgrade, saying so, and the file stays as it was. */
static void test_migration_requests(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof path, "/tmp/riskdesk-unit-%d-mig16.db", (int)getpid());
	unlink(path);
	struct rd_err err = {{0}};
	struct rd_store *st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(
		store_exec(st,
			   V15_UNDO
			   " INSERT INTO customers(id, kind) VALUES ('c', 'company'), ('d',"
			   " 'individual');"
			   " INSERT INTO attributes(name, type) VALUES ('age', 'numeric');"
			   " INSERT INTO customer_attributes VALUES ('d', 'age', '41', 41);"
			   " INSERT INTO models VALUES ('g', 2, 'xgb', 'new', 'champion', 0.5,"
			   " '{}', NULL, NULL, '2025-01-01');"
			   " INSERT INTO credit_requests(id, customer_id, amount, term_months,"
			   " status, created_at) VALUES ('r1', 'c', 0, 12, 'pending', NULL);",
			   &err),
		0);
	assert_int_equal(store_exec(st,
				    "INSERT INTO models VALUES ('k', 1, 'logit', 'company',"
				    " 'challenger', 1, '{}', NULL, NULL, 'now')",
				    &err),
			 -1);
	store_close(st);
	/* The request without a day and with no amount stops the upgrade. */
	assert_null(store_open(path, 0, &err));
	if (!strstr(err.msg, "needs every credit request to have an amount > 0 and a created_at;"
			     " 1 does not"))
		fail_msg("%s", err.msg);
	/* Fixed by hand (sqlite3 would do), the upgrade goes through. */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "UPDATE credit_requests SET amount = 100, created_at ="
				      " '2025-06-01'",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(test_int(st, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM models WHERE name = 'g' AND segment = 'new'"
				  " AND weight = 0.5"),
			 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM credit_requests WHERE id = 'r1' AND"
				      " amount = 100"),
			 1);
	assert_int_equal(
		store_exec(st,
			   "INSERT INTO models(name, version, algo, segment, status, weight,"
			   " spec, metrics, reference, created_at) VALUES ('k', 1, 'logit',"
			   " 'company', 'challenger', 1, '{}', NULL, NULL, 'now')",
			   &err),
		0);
	assert_int_equal(store_exec(st,
				    "INSERT INTO credit_requests(id, customer_id, amount,"
				    " term_months, created_at) VALUES ('r2', 'c', 0, 12, 'x')",
				    &err),
			 -1);
	assert_int_equal(store_exec(st,
				    "INSERT INTO credit_requests(id, customer_id, amount,"
				    " term_months) VALUES ('r2', 'c', 1, 12)",
				    &err),
			 -1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM sqlite_schema WHERE name IN"
				      " ('credit_requests_status', 'credit_requests_customer',"
				      " 'external_records_customer', 'customer_inputs')"),
			 4);
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM customer_inputs WHERE (customer_id, name,"
				  " value) IN (VALUES ('c', 'kind', 'company'), ('d', 'kind',"
				  " 'individual'), ('d', 'age', '41'))"),
			 3);
	assert_int_equal(test_int(st, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	assert_int_equal(test_int(st, "PRAGMA foreign_keys"), 1);
	store_close(st);
	unlink(path);
}

/* A version 16 database: no policies, no decisions, requests without PD, band, rules and
 * decision row. */
#define V16_UNDO                                                                                   \
	"DROP TABLE fetch_attempts; DROP TABLE sources;"                                           \
	" DROP TABLE decisions; DROP TABLE policies;"                                              \
	" ALTER TABLE credit_requests DROP COLUMN decision_id;"                                    \
	" ALTER TABLE credit_requests DROP COLUMN rules;"                                          \
	" ALTER TABLE credit_requests DROP COLUMN band;"                                           \
	" ALTER TABLE credit_requests DROP COLUMN pd; PRAGMA user_version = 16;"

/* Schema 16 -> 17: the built-in policy is seeded as a new database has it (the same text),
 * requests gain their decision's columns with their rows kept, and decisions are logged. */
static void test_migration_policy(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof path, "/tmp/riskdesk-unit-%d-mig17.db", (int)getpid());
	unlink(path);
	struct rd_err err = {{0}};
	struct rd_store *st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(test_int(st, "SELECT count(*) FROM policies WHERE version = 1 AND origin ="
				      " 'built-in'"),
			 1);
	sqlite3_stmt *s;
	assert_int_equal(store_prepare(st, "SELECT spec FROM policies", &s, &err), 0);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	char *fresh = rd_strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	assert_int_equal(store_exec(st,
				    V16_UNDO
				    " INSERT INTO customers(id) VALUES ('c');"
				    " INSERT INTO credit_requests(id, customer_id, amount,"
				    " term_months, status, score, reasons, created_at,"
				    " decided_at) VALUES ('r1', 'c', 100, 12, 'approved', 700,"
				    " '[]', '2025-06-01', '2025-06-02'), ('r2', 'c', 50, 6,"
				    " 'pending', NULL, NULL, '2025-06-03', NULL);",
				    &err),
			 0);
	store_close(st);
	st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(test_int(st, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(store_prepare(st, "SELECT spec FROM policies WHERE version = 1", &s, &err),
			 0);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), fresh);
	sqlite3_finalize(s);
	free(fresh);
	assert_int_equal(test_int(st, "SELECT count(*) FROM policies"), 1);
	assert_int_equal(
		test_int(st, "SELECT count(*) FROM credit_requests WHERE id = 'r1' AND status ="
			     " 'approved' AND score = 700 AND decided_at = '2025-06-02' AND pd IS"
			     " NULL AND band IS NULL AND rules IS NULL AND decision_id IS NULL"),
		1);
	assert_int_equal(store_exec(st,
				    "INSERT INTO decisions(request_id, status, decided_at) VALUES"
				    " ('r2', 'referred', 'now'); UPDATE credit_requests SET band ="
				    " 'D', decision_id = 1 WHERE id = 'r2'",
				    &err),
			 0);
	assert_int_equal(store_exec(st, "UPDATE credit_requests SET band = 'F'", &err), -1);
	assert_int_equal(store_exec(st,
				    "INSERT INTO decisions(request_id, status, decided_at) VALUES"
				    " ('r2', 'pending', 'now')",
				    &err),
			 -1);
	assert_int_equal(store_exec(st,
				    "INSERT INTO decisions(request_id, status, decided_at) VALUES"
				    " ('nope', 'declined', 'now')",
				    &err),
			 -1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	store_close(st);
	/* Opened again: nothing is seeded twice. */
	st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(test_int(st, "SELECT count(*) FROM policies"), 1);
	store_close(st);
	unlink(path);
}

/* Schema 17 -> 18: the sources and their fetch attempts come, with their checks and index;
 * what was there stays. */
static void test_migration_sources(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof path, "/tmp/riskdesk-unit-%d-mig18.db", (int)getpid());
	unlink(path);
	struct rd_err err = {{0}};
	struct rd_store *st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(store_exec(st,
				    "DROP TABLE fetch_attempts; DROP TABLE sources;"
				    " INSERT INTO customers(id) VALUES ('c');"
				    " INSERT INTO external_records VALUES ('tax', 'k', 'c', '{}',"
				    " '2025-01-01'); PRAGMA user_version = 17",
				    &err),
			 0);
	store_close(st);
	st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(test_int(st, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(test_int(st, "SELECT count(*) FROM external_records"), 1);
	assert_int_equal(store_exec(st,
				    "INSERT INTO sources VALUES ('tax', '[\"x\", \"{key}\"]', 30,"
				    " 5, 'now'); INSERT INTO fetch_attempts(source, key, "
				    "started_at,"
				    " seconds, status) VALUES ('tax', 'k', 'now', 0.1, 'timeout')",
				    &err),
			 0);
	assert_int_equal(store_exec(st,
				    "INSERT INTO fetch_attempts(source, key, started_at, seconds,"
				    " status) VALUES ('tax', 'k', 'now', 0.1, 'late')",
				    &err),
			 -1);
	assert_int_equal(store_exec(st, "INSERT INTO sources VALUES ('t2', '[]', 30, 0, 'now')",
				    &err),
			 -1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM sqlite_schema WHERE name ="
				      " 'fetch_attempts_record'"),
			 1);
	store_close(st);
	unlink(path);
}

/* Schema 18 -> 19: models gain the shadow flag (0 for every model there was), with its
 * check, and shadow_scores comes; what was there stays. */
static void test_migration_shadow(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof path, "/tmp/riskdesk-unit-%d-mig19.db", (int)getpid());
	unlink(path);
	struct rd_err err = {{0}};
	struct rd_store *st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(store_exec(st,
				    "DROP TABLE shadow_scores; ALTER TABLE models DROP COLUMN "
				    "shadow;"
				    " PRAGMA user_version = 18",
				    &err),
			 0);
	store_close(st);
	st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(test_int(st, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(test_int(st, "SELECT count(*) FROM models WHERE shadow = 0"),
			 test_int(st, "SELECT count(*) FROM models"));
	assert_true(test_int(st, "SELECT count(*) FROM models") > 0);
	assert_int_equal(store_exec(st, "UPDATE models SET shadow = 2", &err), -1);
	assert_int_equal(store_exec(st,
				    "INSERT INTO customers(id) VALUES ('c'); INSERT INTO"
				    " shadow_scores(name, version, customer_id, score, pd, band, "
				    "as_of)"
				    " SELECT name, version, 'c', 600, 0.05, 'C', '2025-01-01' FROM"
				    " models LIMIT 1",
				    &err),
			 0);
	assert_int_equal(store_exec(st,
				    "INSERT INTO shadow_scores(name, version, customer_id, score, "
				    "pd,"
				    " band, as_of) VALUES ('nosuch', 1, 'c', 600, 0.05, 'C', 'x')",
				    &err),
			 -1);
	assert_int_equal(store_exec(st, "DELETE FROM customers WHERE id = 'c'", &err), 0);
	assert_int_equal(test_int(st, "SELECT count(*) FROM shadow_scores"), 0);
	store_close(st);
	unlink(path);
}

/* Schema 20 (or 21) -> 22: a profile's features are stored once, packed. The JSON column
 * goes; a profile that had only the JSON (written before schema 2) gets it packed, the
 * others keep their packed copy bit for bit, and the JSON made from the packed row
 * (rd_features) gives the values the old JSON held. */
static void test_migration_features_once(void **state)
{
	(void)state;
	char path[256];
	store_on_open(profile_sql_functions); /* rd_feature, rd_features */
	snprintf(path, sizeof path, "/tmp/riskdesk-unit-%d-mig22.db", (int)getpid());
	unlink(path);
	struct rd_err err = {{0}};
	struct rd_store *st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(
		store_exec(st,
			   REASONS_UNDO FEATURES_JSON_UNDO
			   " INSERT INTO customers(id) VALUES ('a'), ('b');"
			   " INSERT INTO credit_profiles(customer_id, score, band, pd, risk_level,"
			   " segment, model_name, model_version, features, reasons, computed_at,"
			   " fvec) VALUES ('a', 600, 'C', 0.05, 'MEDIUM', 'new', 'rules', 1,"
			   " '{\"orders_total\":3,\"return_rate\":0.3333333333333333}', '[]',"
			   " '2025-01-01T00:00:00Z', NULL), ('b', 600, 'C', 0.05, 'MEDIUM', 'new',"
			   " 'rules', 1, '{}', '[]', '2025-01-01T00:00:00Z', zeroblob(136));"
			   " PRAGMA user_version = 20",
			   &err),
		0);
	store_close(st);
	st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(test_int(st, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(test_int(st, "SELECT count(*) FROM pragma_table_info('credit_profiles')"
				      " WHERE name = 'features'"),
			 0);
	assert_int_equal(test_int(st,
				  "SELECT rd_feature(fvec, 'orders_total') = 3 AND"
				  " rd_feature(fvec, 'return_rate') = 0.3333333333333333 AND"
				  " rd_feature(fvec, 'total_spend') IS NULL FROM credit_profiles"
				  " WHERE customer_id = 'a'"),
			 1);
	assert_int_equal(test_int(st, "SELECT json_extract(rd_features(fvec), '$.orders_total')"
				      " FROM credit_profiles WHERE customer_id = 'a'"),
			 3);
	assert_int_equal(test_int(st, "SELECT fvec = zeroblob(136) FROM credit_profiles WHERE"
				      " customer_id = 'b'"),
			 1);
	store_close(st);
	/* Opened again: nothing more to do. */
	st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(test_int(st, "SELECT count(*) FROM credit_profiles"), 2);
	store_close(st);
	unlink(path);
}

/* The columns of the customer list's sort indexes, one line per index, as SQLite reads
 * them (pragma_index_info), not as the schema's text spells them. */
#define SORT_INDEX_COLUMNS                                                                         \
	"SELECT group_concat(line, ' | ') FROM (SELECT m.name || ':' || (SELECT"                   \
	" group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(m.name) ORDER BY"       \
	" seqno)) AS line FROM sqlite_schema m WHERE m.type = 'index' AND m.name IN"               \
	" ('profiles_score', 'profiles_pd', 'profiles_segment', 'profiles_activity') ORDER BY"     \
	" m.name)"

/* The one text value of sql (malloc'd). */
static char *test_text(struct rd_store *st, const char *sql)
{
	sqlite3_stmt *s = NULL;
	struct rd_err err = {{0}};
	assert_int_equal(store_prepare(st, sql, &s, &err), 0);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	char *text = strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return text;
}

/* Schema 22 -> 23: the list's sort indexes get band and score. A database with the old
 * indexes ends with the columns a new one has, written out here by hand. */
static void test_migration_sort_indexes(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof path, "/tmp/riskdesk-unit-%d-mig23.db", (int)getpid());
	unlink(path);
	struct rd_err err = {{0}};
	struct rd_store *st = store_open(path, 0, &err);
	assert_non_null(st);
	static const char want[] = "profiles_activity:last_activity,customer_id,band,score"
				   " | profiles_pd:pd,customer_id,band,score"
				   " | profiles_score:score,customer_id,band"
				   " | profiles_segment:segment,score,customer_id,band";
	char *fresh = test_text(st, SORT_INDEX_COLUMNS);
	assert_string_equal(fresh, want);
	free(fresh);
	assert_int_equal(
		store_exec(st,
			   "DROP INDEX profiles_score; DROP INDEX profiles_pd; DROP INDEX"
			   " profiles_segment; DROP INDEX profiles_activity;"
			   " CREATE INDEX profiles_score ON credit_profiles(score, customer_id);"
			   " CREATE INDEX profiles_pd ON credit_profiles(pd, customer_id, band);"
			   " CREATE INDEX profiles_segment ON credit_profiles(segment, score,"
			   " customer_id);"
			   " CREATE INDEX profiles_activity ON credit_profiles(last_activity,"
			   " customer_id, band);" REASONS_UNDO
			   " INSERT INTO customers(id) VALUES ('a');"
			   " INSERT INTO credit_profiles(customer_id, score, band, pd, risk_level,"
			   " segment, model_name, model_version, reasons, computed_at) VALUES ('a',"
			   " 420, 'E', 0.3, 'CRITICAL', 'new', 'rules', 1, '[]',"
			   " '2025-01-01T00:00:00Z'); PRAGMA user_version = 22",
			   &err),
		0);
	store_close(st);
	st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(test_int(st, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	char *migrated = test_text(st, SORT_INDEX_COLUMNS);
	assert_string_equal(migrated, want);
	free(migrated);
	/* The rebuilt indexes hold the row, and a band and score filter under the PD sort
	 * is answered from the index alone (the point of the change). */
	assert_int_equal(test_int(st, "SELECT count(*) FROM credit_profiles INDEXED BY profiles_pd"
				      " WHERE pd > 0 AND band = 'E' AND score = 420"),
			 1);
	sqlite3_stmt *plan = NULL;
	assert_int_equal(store_prepare(st,
				       "EXPLAIN QUERY PLAN SELECT customer_id FROM credit_profiles"
				       " INDEXED BY profiles_pd WHERE band = 'E' AND score < 550"
				       " ORDER BY pd",
				       &plan, &err),
			 0);
	int covering = 0;
	while (sqlite3_step(plan) == SQLITE_ROW)
		covering |= strstr((const char *)sqlite3_column_text(plan, 3),
				   "COVERING INDEX profiles_pd") != NULL;
	sqlite3_finalize(plan);
	assert_true(covering);
	store_close(st);
	unlink(path);
}

/* credit_profiles as SQLite reads it: each column (name, type, NOT NULL, default, key), its
 * foreign keys, and each index with its columns. */
#define PROFILES_SHAPE                                                                             \
	"SELECT (SELECT group_concat(x, ';') FROM (SELECT name || ' ' || type || ' ' || "          \
	"\"notnull\""                                                                              \
	" || ' ' || coalesce(dflt_value, '-') || ' ' || pk AS x FROM"                              \
	" pragma_table_info('credit_profiles') ORDER BY cid)) || ' | ' || (SELECT"                 \
	" group_concat(\"table\" || '.' || \"to\" || ' ' || on_delete) FROM"                       \
	" pragma_foreign_key_list('credit_profiles')) || ' | ' || (SELECT group_concat(x, ';')"    \
	" FROM (SELECT l.name || ':' || (SELECT group_concat(name) FROM (SELECT name FROM"         \
	" pragma_index_info(l.name) ORDER BY seqno)) AS x FROM"                                    \
	" pragma_index_list('credit_profiles') l ORDER BY l.name))"

/* Schema 23 -> 24: a profile's reasons and components move to the history row it names.
 * A profile whose customer's latest history row holds the same reasons points at that row;
 * one whose latest row differs (written before history kept reasons) or that has no
 * history gets its own appended, with the profile's score, band, PD, model and time. The
 * reasons and components read back through credit_profiles_full are byte for byte the old
 * ones, and the rebuilt table is shaped as a new database's. */
static void test_migration_reasons_history(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof path, "/tmp/riskdesk-unit-%d-mig24.db", (int)getpid());
	unlink(path);
	struct rd_err err = {{0}};
	struct rd_store *st = store_open(path, 0, &err);
	assert_non_null(st);
	char *fresh = test_text(st, PROFILES_SHAPE);
	assert_int_equal(
		store_exec(
			st,
			REASONS_UNDO
			" INSERT INTO customers(id) VALUES ('a'), ('b'), ('c'), ('d');"
			" INSERT INTO credit_profiles(customer_id, score, band, pd, risk_level,"
			" segment, model_name, model_version, reasons, components, computed_at,"
			" cutoff_pd) VALUES"
			" ('a', 610, 'C', 0.04, 'MEDIUM', 'new', 'rules', 1, '[{\"code\":\"A1\"}]',"
			" NULL, '2025-02-01T00:00:00Z', NULL),"
			" ('b', 520, 'D', 0.15, 'HIGH', 'existing', 'blend', 0,"
			" '[{\"code\":\"B1\"}]', '[{\"model\":\"m\",\"version\":2}]',"
			" '2025-03-01T00:00:00Z', 0.2),"
			" ('c', 700, 'B', 0.02, 'LOW', 'new', 'rules', 1, '[]', NULL,"
			" '2025-04-01T00:00:00Z', NULL);"
			" INSERT INTO score_history(id, customer_id, score, band, pd, model_name,"
			" model_version, computed_at, reasons, components) VALUES"
			" (1, 'a', 600, 'C', 0.05, 'rules', 1, '2025-01-01T00:00:00Z',"
			" '[{\"code\":\"A0\"}]', NULL),"
			" (2, 'a', 610, 'C', 0.04, 'rules', 1, '2025-02-01T00:00:00Z',"
			" '[{\"code\":\"A1\"}]', NULL),"
			" (3, 'b', 520, 'D', 0.15, 'blend', 0, '2025-03-01T00:00:00Z', NULL, NULL),"
			" (4, 'd', 450, 'E', 0.3, 'rules', 1, '2025-01-01T00:00:00Z', '[]', NULL);"
			" PRAGMA user_version = 23",
			&err),
		0);
	store_close(st);
	st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(test_int(st, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	/* The table rebuilt as a new one has it: columns, checks, keys and indexes. */
	char *migrated = test_text(st, PROFILES_SHAPE);
	assert_string_equal(migrated, fresh);
	assert_null(strstr(fresh, "reasons"));
	assert_non_null(strstr(fresh, "history_id INTEGER 0 - 0"));
	free(fresh);
	free(migrated);
	assert_int_equal(store_exec(st, "UPDATE credit_profiles SET band = 'F'", &err), -1);
	/* a: its latest row; b and c: rows 5 and 6, appended in customer order; d has no
	 * profile and keeps its one row. */
	assert_int_equal(test_int(st, "SELECT group_concat(customer_id || ':' || history_id, ' ')"
				      " = 'a:2 b:5 c:6' FROM (SELECT customer_id, history_id FROM"
				      " credit_profiles ORDER BY customer_id)"),
			 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM score_history"), 6);
	assert_int_equal(test_int(st, "SELECT customer_id = 'b' AND score = 520 AND band = 'D' AND"
				      " pd = 0.15 AND model_name = 'blend' AND model_version = 0"
				      " AND computed_at = '2025-03-01T00:00:00Z' AND run_id IS NULL"
				      " AND cutoff_pd = 0.2 FROM score_history WHERE id = 5"),
			 1);
	assert_int_equal(
		test_int(st, "SELECT group_concat(customer_id || '=' || reasons || '|' ||"
			     " coalesce(components, '-'), ' ') = 'a=[{\"code\":\"A1\"}]|-"
			     " b=[{\"code\":\"B1\"}]|[{\"model\":\"m\",\"version\":2}] c=[]|-'"
			     " FROM (SELECT * FROM credit_profiles_full ORDER BY customer_id)"),
		1);
	struct rd_profile *p = malloc(sizeof *p);
	assert_int_equal(profile_read(st, "b", p, &err), 0);
	assert_int_equal(p->nreasons, 1);
	assert_string_equal(p->reasons[0].code, "B1");
	assert_int_equal(p->ncomponents, 1);
	assert_string_equal(p->comp[0].name, "m");
	free(p);
	store_close(st);
	/* Opened again: nothing more to do. */
	st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(test_int(st, "SELECT count(*) FROM score_history"), 6);
	store_close(st);
	unlink(path);
}

/* A bulk write's index drop: the kept indexes stay through it, the others go and come
 * back; the builds' smaller cache is set back after them; the sorter may use helper
 * threads where there is more than one core. */
static void test_indexes_drop_keep(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	static const char count_sql[] = "SELECT count(*) FROM sqlite_schema WHERE type = 'index'"
					" AND tbl_name = 'credit_profiles' AND sql IS NOT NULL";
	long long all = test_int(st, count_sql);
	assert_true(all >= 7);
	long long cache = test_int(st, "PRAGMA cache_size");
	assert_true(cache < 0); /* in KiB */
	static const char *const keep[] = {"profiles_drift", "profiles_stale", NULL};
	struct store_indexes saved;
	assert_int_equal(store_begin(st, &err), 0);
	assert_int_equal(store_indexes_drop(st, "credit_profiles", keep, &saved, &err), 0);
	assert_int_equal(saved.n, all - 2);
	assert_int_equal(test_int(st, count_sql), 2);
	assert_int_equal(test_int(st, "SELECT count(*) FROM sqlite_schema WHERE name IN"
				      " ('profiles_drift', 'profiles_stale')"),
			 2);
	assert_int_equal(store_indexes_restore(st, &saved, &err), 0);
	assert_int_equal(store_commit(st, &err), 0);
	assert_int_equal(test_int(st, count_sql), all);
	assert_int_equal(test_int(st, "PRAGMA cache_size"), cache);
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1)
		assert_true(test_int(st, "PRAGMA threads") >= 1);
	store_close(st);
}

/* Counts the statements setting bulk work's cache (sqlite3_trace_v2). */
static int count_bulk_pragma(unsigned what, void *ud, void *stmt, void *sql)
{
	(void)what;
	(void)stmt;
	if (strstr((const char *)sql, "cache_size = -65536"))
		++*(int *)ud;
	return 0;
}

/* The page cache: a store opens with the small one; bulk work's is set and taken back; a
 * long command through the command table runs with bulk work's and ends with the small one
 * again, failed or not; a short command never takes bulk work's. */
static void test_cache_sizes(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	int bulk_set = 0;
	sqlite3_trace_v2(store_db(st), SQLITE_TRACE_STMT, count_bulk_pragma, &bulk_set);
	assert_int_equal(test_run(st, "status", &err), RD_OK);
	assert_int_equal(bulk_set, 0);
	assert_int_equal(test_int(st, "PRAGMA cache_size"), -4096);
	assert_int_equal(store_cache_bulk(st, 1, &err), 0);
	assert_int_equal(test_int(st, "PRAGMA cache_size"), -65536);
	assert_int_equal(store_cache_bulk(st, 0, &err), 0);
	assert_int_equal(test_int(st, "PRAGMA cache_size"), -4096);
	assert_int_not_equal(test_run(st, "load /nonexistent/riskdesk-unit", &err), RD_OK);
	assert_int_equal(test_int(st, "PRAGMA cache_size"), -4096);
	bulk_set = 0;
	assert_int_equal(test_run(st, "recompute all", &err), RD_OK);
	assert_true(bulk_set >= 1); /* and again after its index builds */
	assert_int_equal(test_int(st, "PRAGMA cache_size"), -4096);
	sqlite3_trace_v2(store_db(st), 0, NULL, NULL);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema),
		cmocka_unit_test(test_rules_seed),
		cmocka_unit_test(test_constraints),
		cmocka_unit_test(test_file_mode_wal_reopen),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_strmap_and_dates),
		cmocka_unit_test(test_read_only_creates_no_files),
		cmocka_unit_test(test_run_lifecycle),
		cmocka_unit_test(test_lock_holder_and_refusal),
		cmocka_unit_test(test_run_outcome_waits_for_the_lock),
		cmocka_unit_test(test_migration_runs),
		cmocka_unit_test(test_migration_requests),
		cmocka_unit_test(test_migration_policy),
		cmocka_unit_test(test_migration_sources),
		cmocka_unit_test(test_migration_shadow),
		cmocka_unit_test(test_migration_outcome_source),
		cmocka_unit_test(test_migration_models),
		cmocka_unit_test(test_migration_stale),
		cmocka_unit_test(test_migration_features_once),
		cmocka_unit_test(test_migration_sort_indexes),
		cmocka_unit_test(test_migration_reasons_history),
		cmocka_unit_test(test_indexes_drop_keep),
		cmocka_unit_test(test_cache_sizes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
