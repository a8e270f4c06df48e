/* The store: schema, migrations, file modes, read-only, bad files. */
#include "testutil.h"

#include <sys/stat.h>

static const char *const tables[] = {
	"customers", "attributes", "customer_attributes", "orders", "payments", "outcomes",
	"models", "credit_profiles", "score_history", "runs", "audit", "credit_requests",
	"external_records", "meta",
};

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
	assert_int_equal(store_exec(st, "INSERT INTO customers(id, kind) VALUES ('a', 'alien')", &err), -1);
	assert_int_equal(store_exec(st, "INSERT INTO orders VALUES ('o', 'nobody', 1, 'placed', '2025-01-01')",
				    &err),
			 -1); /* foreign key */
	assert_int_equal(store_exec(st, "INSERT INTO customers(id) VALUES ('c')", &err), 0);
	assert_int_equal(store_exec(st, "INSERT INTO orders VALUES ('o', 'c', -1, 'placed', '2025-01-01')",
				    &err),
			 -1); /* amount >= 0 */
	assert_int_equal(store_exec(st, "INSERT INTO orders VALUES ('o', 'c', 1, 'lost', '2025-01-01')",
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
	assert_int_equal(store_exec(st, "DROP INDEX profiles_drift; DROP INDEX outcomes_label;"
					" ALTER TABLE credit_profiles DROP COLUMN fvec;"
					" ALTER TABLE credit_profiles DROP COLUMN cohort;"
					" PRAGMA user_version = 1", &err), 0);
	store_close(st);
	st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(test_int(st, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(test_int(st, "SELECT count(*) FROM pragma_table_info('credit_profiles')"
				      " WHERE name IN ('fvec', 'cohort')"), 2);
	assert_int_equal(test_int(st, "SELECT count(*) FROM sqlite_schema WHERE name IN"
				      " ('profiles_drift', 'outcomes_label')"), 2);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema),
		cmocka_unit_test(test_constraints),
		cmocka_unit_test(test_file_mode_wal_reopen),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_strmap_and_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
