/* libFuzzer target for the `where` language. Every input must either fail with a
 * "where: " message or compile to SQL that (1) is made only of the compiler's own
 * fragments (no byte of user text: no quotes but ESCAPE '\', nothing beyond ASCII),
 * (2) has one placeholder per bound value, and (3) prepares, binds and runs against
 * the customers/profiles join. Anything else aborts. Compiled without a store. */
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/expr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *db; /* the two tables the SQL refers to, with a few rows */

static void open_db(void)
{
	static const char schema[] =
		"CREATE TABLE customers (id TEXT PRIMARY KEY, name TEXT, email TEXT, phone TEXT,"
		" kind TEXT NOT NULL DEFAULT 'individual', created_at TEXT);"
		"CREATE TABLE customer_attributes (customer_id TEXT, name TEXT, value TEXT, num "
		"REAL,"
		" PRIMARY KEY (customer_id, name)) WITHOUT ROWID;"
		"CREATE TABLE credit_profiles (customer_id TEXT PRIMARY KEY, score INTEGER, band "
		"TEXT,"
		" pd REAL, risk_level TEXT, segment TEXT, model_name TEXT, model_version INTEGER,"
		" features TEXT, reasons TEXT, components TEXT, last_activity TEXT, computed_at "
		"TEXT);"
		"INSERT INTO customers VALUES ('C1', 'Ann % _ \\', 'a@x', NULL, 'company', "
		" '2025-01-02T03:04:05Z'), ('C2', NULL, NULL, NULL, 'individual', NULL);"
		"INSERT INTO credit_profiles VALUES ('C1', 480, 'E', 0.3, 'CRITICAL', 'new', "
		"'rules',"
		" 1, '{\"return_rate\":0.5}', '[]', NULL, '2025-06-01', '2025-06-30T00:00:00Z');";
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK)
		abort();
}

/* The SQL holds only fixed fragments: ASCII, and quotes only in ESCAPE '\'. */
static void check_sql(const char *sql, int nparams)
{
	int marks = 0, quotes = 0, escapes = 0;
	for (const char *s = sql; *s; s++) {
		if ((unsigned char)*s >= 0x80 || (unsigned char)*s < 0x20)
			abort();
		marks += *s == '?';
		quotes += *s == '\'' || *s == '"';
	}
	for (const char *s = sql; (s = strstr(s, "ESCAPE '\\'")); s++)
		escapes++;
	if (marks != nparams || quotes != 2 * escapes || sql[0] != '(')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db)
		open_db();
	if (size > 8192)
		size = 8192; /* past the 4096-byte limit already */
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	struct rd_err err = {{0}};
	struct rd_expr *e = expr_compile(text, NULL, &err);
	free(text);
	if (!e) {
		if (strncmp(err.msg, "where: ", 7) != 0 || strchr(err.msg, '\n'))
			abort();
		return 0;
	}
	check_sql(expr_sql(e), expr_nparams(e));
	static const char head[] = "SELECT c.id FROM customers c"
				   " LEFT JOIN credit_profiles p ON p.customer_id = c.id WHERE ";
	size_t n = strlen(expr_sql(e));
	char *sql = malloc(sizeof head + n);
	memcpy(sql, head, sizeof head - 1);
	memcpy(sql + sizeof head - 1, expr_sql(e), n + 1);
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		abort(); /* an expression that compiled must prepare */
	if (sqlite3_bind_parameter_count(stmt) != expr_nparams(e) ||
	    expr_bind(e, stmt, 1) != expr_nparams(e))
		abort();
	int rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		abort();
	sqlite3_finalize(stmt);
	free(sql);
	expr_free(e);
	return 0;
}
