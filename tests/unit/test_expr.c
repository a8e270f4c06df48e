/* The `where` language: parsing, the SQL it compiles to, binding, errors, and real
 * queries over a small store. */
#include "testutil.h"

#include "riskdesk/expr.h"

/* Compiles text or fails the test with the message. The language's tests run as a
 * session with pii on (email and phone allowed); test_personal_data checks the refusal. */
static struct rd_expr *compile(const char *text, struct rd_store *st)
{
	struct rd_err err = {{0}};
	struct rd_expr *e = expr_compile_pii(text, st, 1, &err);
	if (!e)
		fail_msg("expr_compile(%s): %s", text, err.msg);
	assert_string_equal(err.msg, "");
	return e;
}

/* The bound values of e as "TYPE:value|...", read back through SQLite. */
static char *bound(const struct rd_expr *e)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	struct rd_buf sql = {0}, out = {0};
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	buf_puts(&sql, "SELECT 0");
	for (int i = 0; i < expr_nparams(e); i++)
		buf_puts(&sql, ", ?");
	assert_int_equal(sqlite3_prepare_v2(db, sql.data, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(expr_bind(e, s, 1), expr_nparams(e));
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	for (int i = 1; i <= expr_nparams(e); i++) {
		if (i > 1)
			buf_putc(&out, '|');
		switch (sqlite3_column_type(s, i)) {
		case SQLITE_INTEGER:
			buf_printf(&out, "INT:%lld", sqlite3_column_int64(s, i));
			break;
		case SQLITE_FLOAT: buf_printf(&out, "REAL:%g", sqlite3_column_double(s, i)); break;
		default:
			buf_printf(&out, "TEXT:%s", (const char *)sqlite3_column_text(s, i));
			break;
		}
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	buf_free(&sql);
	return buf_steal(&out);
}

/* Compiles text (without a store) and checks its SQL and bound values. */
static void check_full(struct rd_store *st, const char *text, const char *sql, const char *values)
{
	struct rd_expr *e = compile(text, st);
	if (strcmp(expr_sql(e), sql) != 0)
		fail_msg("%s\n  sql:      %s\n  expected: %s", text, expr_sql(e), sql);
	char *v = bound(e);
	if (strcmp(v, values) != 0)
		fail_msg("%s\n  values:   %s\n  expected: %s", text, v, values);
	free(v);
	expr_free(e);
}

static void check(const char *text, const char *sql, const char *values)
{
	check_full(NULL, text, sql, values);
}

/* Compiling text fails with exactly msg. */
static void check_err_st(struct rd_store *st, const char *text, const char *msg)
{
	struct rd_err err = {{0}};
	struct rd_expr *e = expr_compile(text, st, &err);
	if (e)
		fail_msg("%.60s: compiled to %.60s, expected: %s", text, expr_sql(e), msg);
	if (strcmp(err.msg, msg) != 0)
		fail_msg("%.60s\n  error:    %s\n  expected: %s", text, err.msg, msg);
}

static void check_err(const char *text, const char *msg)
{
	check_err_st(NULL, text, msg);
}

static int count_char(const char *s, char c)
{
	int n = 0;
	for (; *s; s++)
		n += *s == c;
	return n;
}

static void test_comparisons(void **state)
{
	(void)state;
	check("band=E", "(p.band = ?)", "TEXT:E");
	check("score<550", "(p.score < ?)", "INT:550");
	check("return_rate>0.2", "(rd_feature(p.fvec, ?) > ?)", "TEXT:return_rate|REAL:0.2");
	check("name~smith", "(c.name LIKE ? ESCAPE '\\')", "TEXT:%smith%");
	check("name!~smith", "(c.name NOT LIKE ? ESCAPE '\\')", "TEXT:%smith%");
	check("score = 1", "(p.score = ?)", "INT:1");
	check("score == 1", "(p.score = ?)", "INT:1");
	check("score != 1", "(p.score <> ?)", "INT:1");
	check("score <> 1", "(p.score <> ?)", "INT:1");
	check("score <= 1", "(p.score <= ?)", "INT:1");
	check("score > 1", "(p.score > ?)", "INT:1");
	check("score >= 1", "(p.score >= ?)", "INT:1");
	check("pd < 0.05", "(p.pd < ?)", "REAL:0.05");
	check("risk_level = high", "(p.risk_level = ?)", "TEXT:HIGH");
	check("segment = NEW", "(p.segment = ?)", "TEXT:new");
	check("model = rules", "(p.model_name = ?)", "TEXT:rules");
	check("model_version >= 2", "(p.model_version >= ?)", "INT:2");
	check("id = C000123", "(c.id = ?)", "TEXT:C000123");
	check("id = 42", "(c.id = ?)", "TEXT:42");
	check("kind = Company", "(c.kind = ?)", "TEXT:company");
	check("email ~ '@example.com'", "(c.email LIKE ? ESCAPE '\\')", "TEXT:%@example.com%");
	check("phone = '+49 30 1234'", "(c.phone = ?)", "TEXT:+49 30 1234");
	check("band is null", "(p.band IS NULL)", "");
	check("score is not null", "(p.score IS NOT NULL)", "");
	check("tenure_days is null", "(rd_feature(p.fvec, ?) IS NULL)", "TEXT:tenure_days");
}

static void test_values(void **state)
{
	(void)state;
	check("score > 1e3", "(p.score > ?)", "INT:1000");
	check("score > -5", "(p.score > ?)", "INT:-5");
	check("score>-5", "(p.score > ?)", "INT:-5");
	check("pd > 2.5e-2", "(p.pd > ?)", "REAL:0.025");
	check("pd > .5", "(p.pd > ?)", "REAL:0.5");
	check("score < '600'", "(p.score < ?)", "INT:600");
	check("name = \"Jane Doe\"", "(c.name = ?)", "TEXT:Jane Doe");
	check("name = 'O''Brien'", "(c.name = ?)", "TEXT:O'Brien");
	check("name = \"say \\\"hi\\\" \\\\ o'k\"", "(c.name = ?)", "TEXT:say \"hi\" \\ o'k");
	check("name = ''", "(c.name = ?)", "TEXT:");
	check("name = 'and'", "(c.name = ?)", "TEXT:and");
	check("name = Zoë", "(c.name = ?)", "TEXT:Zoë");
	check("band = e", "(p.band = ?)", "TEXT:E");
	/* A date alone means the whole day; a timestamp compares as written. */
	check("created_at >= 2025-06-30", "(substr(c.created_at, 1, 10) >= ?)", "TEXT:2025-06-30");
	check("created_at = 2025-06-30", "(substr(c.created_at, 1, 10) = ?)", "TEXT:2025-06-30");
	check("computed_at < 2025-06-30T10:00:00Z", "(p.computed_at < ?)",
	      "TEXT:2025-06-30T10:00:00Z");
	check("last_activity < '2025-06-30 10:00'", "(p.last_activity < ?)",
	      "TEXT:2025-06-30 10:00");
	check("created_at in (2025-01-01, 2025-01-02)", "(substr(c.created_at, 1, 10) IN (?, ?))",
	      "TEXT:2025-01-01|TEXT:2025-01-02");
	check("created_at ~ 2025-06", "(c.created_at LIKE ? ESCAPE '\\')", "TEXT:%2025-06%");
}

static void test_precedence(void **state)
{
	(void)state;
	check("band=E or score<550 and kind=company", "(p.band = ? OR p.score < ? AND c.kind = ?)",
	      "TEXT:E|INT:550|TEXT:company");
	check("band=E and score<550 or kind=company", "(p.band = ? AND p.score < ? OR c.kind = ?)",
	      "TEXT:E|INT:550|TEXT:company");
	check("(band=E or score<550) and kind=company",
	      "((p.band = ? OR p.score < ?) AND c.kind = ?)", "TEXT:E|INT:550|TEXT:company");
	check("band=E && score<550 || kind=company", "(p.band = ? AND p.score < ? OR c.kind = ?)",
	      "TEXT:E|INT:550|TEXT:company");
	check("band=E and score<550", "(p.band = ? AND p.score < ?)", "TEXT:E|INT:550");
	check("band=E or score<550 or pd>0.5", "(p.band = ? OR p.score < ? OR p.pd > ?)",
	      "TEXT:E|INT:550|REAL:0.5");
}

static void test_not(void **state)
{
	(void)state;
	check("not kind=company", "((c.kind = ?) IS NOT 1)", "TEXT:company");
	check("!kind=company", "((c.kind = ?) IS NOT 1)", "TEXT:company");
	check("not not band=E", "(((p.band = ?) IS NOT 1) IS NOT 1)", "TEXT:E");
	check("segment=new and not kind=company", "(p.segment = ? AND (c.kind = ?) IS NOT 1)",
	      "TEXT:new|TEXT:company");
	check("not band=E and score<5", "((p.band = ?) IS NOT 1 AND p.score < ?)", "TEXT:E|INT:5");
	check("not (band=E or score<5)", "(((p.band = ? OR p.score < ?)) IS NOT 1)",
	      "TEXT:E|INT:5");
}

static void test_in(void **state)
{
	(void)state;
	check("band in (D, E)", "(p.band IN (?, ?))", "TEXT:D|TEXT:E");
	check("band in (e)", "(p.band IN (?))", "TEXT:E");
	check("band not in (a,b)", "(p.band NOT IN (?, ?))", "TEXT:A|TEXT:B");
	check("band ! in (a)", "(p.band NOT IN (?))", "TEXT:A");
	check("score in (500, 600.5, 1e3)", "(p.score IN (?, ?, ?))",
	      "INT:500|REAL:600.5|INT:1000");
	check("id in ('C1', C2, \"C 3\")", "(c.id IN (?, ?, ?))", "TEXT:C1|TEXT:C2|TEXT:C 3");
	check("cod_share not in (0, 1)", "(rd_feature(p.fvec, ?) NOT IN (?, ?))",
	      "TEXT:cod_share|INT:0|INT:1");
}

static void test_like_escape(void **state)
{
	(void)state;
	check("name ~ '50%_off\\\\x'", "(c.name LIKE ? ESCAPE '\\')", "TEXT:%50\\%\\_off\\\\x%");
	check("name ~ '%'", "(c.name LIKE ? ESCAPE '\\')", "TEXT:%\\%%");
	/* The escapes work: '%' and '_' match only themselves. */
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	assert_int_equal(store_exec(st,
				    "INSERT INTO customers(id, name) VALUES ('a', '50% off'),"
				    " ('b', '500 off'), ('c', 'x_y'), ('d', 'xzy'), ('e', 'A\\B')",
				    &err),
			 0);
	static const struct {
		const char *text, *ids;
	} cases[] = {
		{"name ~ '0%'", "a"},  {"name ~ x_y", "c"},      {"name ~ 'a\\\\b'", "e"},
		{"name ~ OFF", "a,b"}, {"name !~ off", "c,d,e"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct rd_expr *e = compile(cases[i].text, st);
		struct rd_buf sql = {0}, ids = {0};
		buf_printf(&sql,
			   "SELECT c.id FROM customers c LEFT JOIN credit_profiles p"
			   " ON p.customer_id = c.id WHERE %s ORDER BY c.id",
			   expr_sql(e));
		sqlite3_stmt *s;
		assert_int_equal(store_prepare(st, sql.data, &s, &err), 0);
		expr_bind(e, s, 1);
		while (sqlite3_step(s) == SQLITE_ROW)
			buf_printf(&ids, "%s%s", ids.len ? "," : "", sqlite3_column_text(s, 0));
		sqlite3_finalize(s);
		char *got = buf_steal(&ids);
		if (strcmp(got, cases[i].ids) != 0)
			fail_msg("%s: got '%s', expected '%s'", cases[i].text, got, cases[i].ids);
		free(got);
		buf_free(&sql);
		expr_free(e);
	}
	store_close(st);
}

static void test_case_insensitive(void **state)
{
	(void)state;
	check("BAND = e AND Score < 550 OR NOT Kind = COMPANY",
	      "(p.band = ? AND p.score < ? OR (c.kind = ?) IS NOT 1)",
	      "TEXT:E|INT:550|TEXT:company");
	check("Return_Rate > 0.1", "(rd_feature(p.fvec, ?) > ?)", "TEXT:return_rate|REAL:0.1");
	check("band IS NOT NULL", "(p.band IS NOT NULL)", "");
	check("band Not In (a)", "(p.band NOT IN (?))", "TEXT:A");
	check("RISK_LEVEL = Critical", "(p.risk_level = ?)", "TEXT:CRITICAL");
	check("\"score\" > 5", "(p.score > ?)", "INT:5");
}

static void test_errors(void **state)
{
	(void)state;
	check_err("", "where: empty expression (e.g. band=E, score<550)");
	check_err("  \t ", "where: empty expression (e.g. band=E, score<550)");
	check_err("score > ", "where: expected a value after '>' at column 9");
	check_err("score >= )", "where: expected a value after '>=' at column 10, found ')'");
	check_err("scroe < 5",
		  "where: unknown field 'scroe' at column 1 (did you mean 'score'? fields: score, "
		  "band, pd, risk_level, segment, kind, name, id, ..., features such as "
		  "return_rate)");
	check_err("band=E and retrun_rate > 1",
		  "where: unknown field 'retrun_rate' at column 12 (did you mean 'return_rate'? "
		  "fields: score, band, pd, risk_level, segment, kind, name, id, ..., features "
		  "such "
		  "as return_rate)");
	check_err("zzz = 1",
		  "where: unknown field 'zzz' at column 1 (fields: score, band, pd, risk_level, "
		  "segment, kind, name, id, ..., features such as return_rate)");
	check_err("name = 'abc", "where: unterminated string at column 8");
	check_err("name = \"abc\\\"", "where: unterminated string at column 8");
	check_err("band=E and score<5)", "where: unexpected ')' at column 19");
	check_err("(band=E", "where: expected ')' at column 8 to close the '(' at column 1");
	check_err("(band=E score<5)",
		  "where: expected 'and', 'or' or ')' after 'E' at column 9, found 'score'");
	check_err("band=E score<5",
		  "where: unexpected 'score' at column 8 (expected 'and', 'or' or the end)");
	check_err("score > abc", "where: expected a number after '>' at column 9, found 'abc'");
	check_err("pd < inf", "where: expected a number after '<' at column 6, found 'inf'");
	check_err("return_rate > 0x10",
		  "where: expected a number after '>' at column 15, found '0x10'");
	check_err("band = F", "where: expected a band A to E after '=' at column 8, found 'F'");
	check_err("band in (A, EE)",
		  "where: expected a band A to E after ',' at column 13, found 'EE'");
	check_err("risk_level = severe", "where: expected LOW, MEDIUM, HIGH or CRITICAL after '=' "
					 "at column 14, found 'severe'");
	check_err("segment = old",
		  "where: expected new or existing after '=' at column 11, found 'old'");
	check_err("kind = person",
		  "where: expected individual or company after '=' at column 8, found 'person'");
	check_err("created_at > yesterday", "where: expected an ISO date such as 2025-06-30 "
					    "after '>' at column 14, found 'yesterday'");
	check_err("score ~ 5", "where: '~' needs a text field at column 7, and score is numeric");
	check_err("pd !~ 5", "where: '!~' needs a text field at column 4, and pd is numeric");
	check_err("score 5", "where: expected an operator (=, !=, <, <=, >, >=, ~, !~, in, not in, "
			     "is) after 'score' at column 7, found '5'");
	check_err("score", "where: expected an operator (=, !=, <, <=, >, >=, ~, !~, in, not in, "
			   "is) after 'score' at column 6");
	check_err("band in D", "where: expected '(' after 'in' at column 9, found 'D'");
	check_err("band in (D E)", "where: expected ',' or ')' after 'D' at column 12, found 'E'");
	check_err("band in (D,", "where: expected a value after ',' at column 12");
	check_err("band in ()", "where: expected a value after '(' at column 10, found ')'");
	check_err("band not = E", "where: expected 'in' after 'not' at column 10, found '='");
	check_err("band is 5",
		  "where: expected 'null' or 'not null' after 'is' at column 9, found '5'");
	check_err("band is not E", "where: expected 'null' after 'not' at column 13, found 'E'");
	check_err("band = null", "where: expected a value after '=' at column 8, found 'null' "
				 "(write 'is null' to test for a missing value)");
	check_err("band=E and", "where: expected a field or '(' after 'and' at column 11");
	check_err("band=E or or", "where: expected a field or '(' after 'or' at column 11, "
				  "found 'or'");
	check_err("not", "where: expected a field or '(' after 'not' at column 4");
	check_err(") band=E", "where: expected a field or '(' at column 1, found ')'");
	check_err("= 5", "where: expected a field or '(' at column 1, found '='");
	check_err("()", "where: expected a field or '(' after '(' at column 2, found ')'");
	check_err("band=E; DROP TABLE customers", "where: unexpected character ';' at column 7");
	check_err("band=E & score<5",
		  "where: unexpected character '&' at column 8 (did you mean '&&'?)");
	check_err("band=E | score<5",
		  "where: unexpected character '|' at column 8 (did you mean '||'?)");
	check_err("band=\x01", "where: unexpected character 0x01 at column 6");
	/* A bad character right after a value (found by fuzzing: the value leaked). */
	check_err("name~sm\x1fth", "where: unexpected character 0x1f at column 8");
	check_err("band in (D\x1f", "where: unexpected character 0x1f at column 11");
	check_err("score > 5 & 1",
		  "where: unexpected character '&' at column 11 (did you mean '&&'?)");
	check_err("name = \xff", "where: expression is not valid UTF-8");
	check_err("'' = 1",
		  "where: unknown field '' at column 1 (fields: score, band, pd, "
		  "risk_level, segment, kind, name, id, ..., features such as return_rate)");
	/* Columns count characters, not bytes. */
	check_err("name = 'Zoë' and scor > 1",
		  "where: unknown field 'scor' at column 18 (did you mean 'score'? fields: score, "
		  "band, pd, risk_level, segment, kind, name, id, ..., features such as "
		  "return_rate)");
	/* Long tokens are cut in messages. */
	check_err("name = a b123456789012345678901234567890123456789012345678901234567890",
		  "where: unexpected "
		  "'b12345678901234567890123456789012345678901234567890123456789…'"
		  " (61 bytes) at column 10 (expected "
		  "'and', 'or' or the end)");
	/* A NULL err is allowed. */
	assert_null(expr_compile("band=", NULL, NULL));
	assert_null(expr_compile(NULL, NULL, NULL));
}

static void test_limits(void **state)
{
	(void)state;
	struct rd_buf b = {0};
	/* Too long. */
	for (int i = 0; i < 1000; i++)
		buf_puts(&b, "id=1 or ");
	buf_puts(&b, "id=1");
	check_err(b.data, "where: expression too long (8004 bytes, at most 4096)");
	/* Too deep, in parentheses and in nots: an error, not a crash. */
	buf_reset(&b);
	for (int i = 0; i < 100; i++)
		buf_putc(&b, '(');
	buf_puts(&b, "band=E");
	for (int i = 0; i < 100; i++)
		buf_putc(&b, ')');
	check_err(b.data, "where: nesting too deep at column 49 (limit 48; see docs/where.md)");
	buf_reset(&b);
	for (int i = 0; i < 100; i++)
		buf_puts(&b, "not ");
	buf_puts(&b, "band=E");
	check_err(b.data, "where: nesting too deep at column 193 (limit 48; see docs/where.md)");
	buf_reset(&b);
	for (int i = 0; i < 4000; i++)
		buf_putc(&b, '!');
	check_err(b.data, "where: nesting too deep at column 49 (limit 48; see docs/where.md)");
	/* An 'and' or 'or' before a group counts 2 more: 17 levels of "id=1 and (" are too
	 * many (the 17th '(' is at column 170). */
	buf_reset(&b);
	for (int i = 0; i < 17; i++)
		buf_puts(&b, "id=1 and (");
	buf_puts(&b, "band=E");
	for (int i = 0; i < 17; i++)
		buf_putc(&b, ')');
	check_err(b.data, "where: nesting too deep at column 170 (limit 48; see docs/where.md)");
	buf_reset(&b);
	for (int i = 0; i < 5000; i++)
		buf_putc(&b, '(');
	check_err(b.data, "where: expression too long (5000 bytes, at most 4096)");
	/* Too many comparisons or values. */
	buf_reset(&b);
	for (int i = 0; i < 300; i++)
		buf_puts(&b, "id=1 or ");
	buf_puts(&b, "id=1");
	check_err(b.data, "where: too many comparisons at column 2049 (at most 256)");
	buf_reset(&b);
	buf_puts(&b, "score in (1");
	for (int i = 0; i < 1000; i++)
		buf_puts(&b, ",1");
	buf_puts(&b, ")");
	check_err(b.data, "where: too many values at column 2012 (at most 999)");
	buf_free(&b);
}

/* The ids of the customers matching text, as "C1,C2", or NULL with err. */
static char *matching(struct rd_store *st, const char *text)
{
	struct rd_err err = {{0}};
	struct rd_expr *e = expr_compile_pii(text, st, 1, &err);
	if (!e)
		fail_msg("%s: %s", text, err.msg);
	struct rd_buf sql = {0}, ids = {0};
	buf_printf(&sql,
		   "SELECT c.id FROM customers c LEFT JOIN credit_profiles p ON p.customer_id = "
		   "c.id"
		   " WHERE %s ORDER BY c.id",
		   expr_sql(e));
	sqlite3_stmt *s;
	if (store_prepare(st, sql.data, &s, &err))
		fail_msg("%.60s: %s", text, err.msg);
	assert_int_equal(expr_bind(e, s, 1), expr_nparams(e));
	assert_int_equal(sqlite3_bind_parameter_count(s), expr_nparams(e));
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		buf_printf(&ids, "%s%s", ids.len ? "," : "", sqlite3_column_text(s, 0));
	if (rc != SQLITE_DONE)
		fail_msg("%s: %s", text, sqlite3_errmsg(store_db(st)));
	sqlite3_finalize(s);
	buf_free(&sql);
	expr_free(e);
	return buf_steal(&ids);
}

static void check_ids(struct rd_store *st, const char *text, const char *ids)
{
	char *got = matching(st, text);
	if (strcmp(got, ids) != 0)
		fail_msg("%.60s: got '%s', expected '%s'", text, got, ids);
	free(got);
}

/* The packed features of the fixture: orders_total and return_rate, the rest missing. */
#define NULLS10 ", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL"

static struct rd_store *sample_store(void)
{
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	const char *sql =
		"INSERT INTO customers(id, name, email, kind, created_at) VALUES"
		" ('C1', 'Alice', 'alice@example.com', 'individual', '2025-01-15T08:00:00Z'),"
		" ('C2', 'Bob', NULL, 'company', '2025-02-01T09:00:00Z'),"
		" ('C3', 'Carol', NULL, 'individual', '2025-03-10'),"
		" ('C4', 'Dan', NULL, 'company', '2024-12-31T23:59:59Z'),"
		" ('C5', 'Eve', NULL, 'individual', '2025-04-01');"
		"INSERT INTO credit_profiles(customer_id, score, band, pd, risk_level, segment,"
		" model_name, model_version, fvec, last_activity, computed_at) VALUES"
		" ('C1', 480, 'E', 0.30, 'CRITICAL', 'new', 'rules', 1,"
		"  rd_pack_doubles(4, NULL, NULL, NULL, NULL, NULL, 0.5" NULLS10 "), "
		"'2025-06-01', "
		"'2025-06-30T10:00:00Z'),"
		" ('C2', 540, 'D', 0.12, 'HIGH', 'existing', 'rules', 1,"
		"  rd_pack_doubles(10, NULL, NULL, NULL, NULL, NULL, 0.1" NULLS10 "), "
		"'2025-06-20', "
		"'2025-06-30T10:00:00Z'),"
		" ('C3', 720, 'B', 0.03, 'LOW', 'existing', 'logit', 2,"
		"  rd_pack_doubles(8, NULL, NULL, NULL, NULL, NULL, 0.25" NULLS10 "), NULL, "
		"'2025-06-30T10:00:00Z'),"
		" ('C4', 850, 'A', 0.01, 'LOW', 'new', 'rules', 1,"
		"  rd_pack_doubles(1, NULL, NULL, NULL, NULL, NULL, 0" NULLS10 "), '2025-05-01', "
		"'2025-06-30T10:00:00Z');"
		"INSERT INTO attributes(name, type) VALUES ('age', 'numeric'), ('city', "
		"'categorical'),"
		" ('Credit Amount', 'numeric'), ('it''s', 'categorical');"
		"INSERT INTO customer_attributes(customer_id, name, value, num) VALUES"
		" ('C1', 'age', '25', 25), ('C2', 'age', '40', 40), ('C3', 'age', '61', 61),"
		" ('C5', 'age', '30', 30),"
		" ('C1', 'city', 'Paris', NULL), ('C2', 'city', 'Berlin', NULL),"
		" ('C3', 'city', 'paris', NULL),"
		" ('C2', 'Credit Amount', '5000', 5000), ('C4', 'Credit Amount', '900', 900),"
		" ('C4', 'it''s', 'yes', NULL);";
	if (store_exec(st, sql, &err))
		fail_msg("%s", err.msg);
	return st;
}

static void test_real_query(void **state)
{
	(void)state;
	struct rd_store *st = sample_store();
	check_ids(st, "band=E", "C1");
	check_ids(st, "score<550", "C1,C2");
	check_ids(st, "return_rate>0.2", "C1,C3");
	check_ids(st, "segment=new and not kind=company", "C1");
	check_ids(st, "age >= 30", "C2,C3,C5");
	check_ids(st, "age is null", "C4");
	check_ids(st, "city = Paris", "C1");
	check_ids(st, "city ~ paris", "C1,C3");
	check_ids(st, "city in (Berlin, paris)", "C2,C3");
	check_ids(st, "\"Credit Amount\" > 1000", "C2");
	check_ids(st, "'it''s' = yes", "C4");
	check_ids(st, "score is null", "C5");
	check_ids(st, "band is not null", "C1,C2,C3,C4");
	/* A customer without a profile fails every comparison, so `not` includes it. */
	check_ids(st, "not band=E", "C2,C3,C4,C5");
	check_ids(st, "band != E", "C2,C3,C4");
	check_ids(st, "band in (d, e)", "C1,C2");
	check_ids(st, "band not in (d, e)", "C3,C4");
	check_ids(st, "risk_level = low", "C3,C4");
	check_ids(st, "model = logit and model_version = 2", "C3");
	check_ids(st, "orders_total >= 8", "C2,C3");
	check_ids(st, "pd < 0.05", "C3,C4");
	check_ids(st, "created_at = 2025-01-15", "C1");
	check_ids(st, "created_at < 2025-02-01", "C1,C4");
	check_ids(st, "created_at >= 2025-03-10", "C3,C5");
	check_ids(st, "last_activity > 2025-05-15", "C1,C2");
	check_ids(st, "computed_at = 2025-06-30", "C1,C2,C3,C4");
	check_ids(st, "name ~ a", "C1,C3,C4");
	check_ids(st, "email ~ EXAMPLE", "C1");
	check_ids(st, "band=E or score<550 and kind=company", "C1,C2");
	check_ids(st, "(band=E or score<550) and kind=company", "C2");
	check_ids(st, "not (band=E or score<550)", "C3,C4,C5");
	check_ids(st, "id in (C2, C4)", "C2,C4");
	store_close(st);
}

static void test_attributes(void **state)
{
	(void)state;
	struct rd_store *st = sample_store();
	check_full(
		st, "age > 30 and city = Paris",
		"((SELECT num FROM customer_attributes WHERE customer_id = c.id AND name = ?) > ?"
		" AND (SELECT value FROM customer_attributes WHERE customer_id = c.id AND name = ?)"
		" = ?)",
		"TEXT:age|INT:30|TEXT:city|TEXT:Paris");
	check_err_st(st, "age > old",
		     "where: expected a number after '>' at column 7, found 'old'");
	check_err_st(st, "age ~ 3",
		     "where: '~' needs a text field at column 5, and age is numeric");
	/* Attribute names match exactly; a typo gets a suggestion from the store. */
	check_err_st(st, "AGE > 3",
		     "where: unknown field 'AGE' at column 1 (did you mean 'age'? fields: score, "
		     "band, pd, risk_level, segment, kind, name, id, ..., features such as "
		     "return_rate, attributes)");
	check_err_st(st, "citty = x",
		     "where: unknown field 'citty' at column 1 (did you mean 'city'? fields: "
		     "score, "
		     "band, pd, risk_level, segment, kind, name, id, ..., features such as "
		     "return_rate, attributes)");
	/* A store that cannot list its attributes says so; built-in fields need no lookup. */
	struct rd_store *broken = test_store();
	struct rd_err err = {{0}};
	assert_int_equal(store_exec(broken, "DROP TABLE customer_attributes; DROP TABLE attributes",
				    &err),
			 0);
	check_err_st(broken, "age > 1", "where: cannot read attributes: no such table: attributes");
	check_full(broken, "band=E", "(p.band = ?)", "TEXT:E");
	store_close(broken);
	/* Without a store there are no attributes. */
	check_err("age > 3",
		  "where: unknown field 'age' at column 1 (fields: score, band, pd, "
		  "risk_level, segment, kind, name, id, ..., features such as return_rate)");
	store_close(st);
}

static void test_bind_order(void **state)
{
	(void)state;
	struct rd_store *st = sample_store();
	const char *text = "score > 500 and name ~ x or return_rate < 0.5 and age in (1, 2.5)"
			   " or not city is null";
	struct rd_expr *e = compile(text, st);
	assert_int_equal(expr_nparams(e), 8);
	assert_int_equal(count_char(expr_sql(e), '?'), 8);
	char *v = bound(e);
	assert_string_equal(v, "INT:500|TEXT:%x%|TEXT:return_rate|REAL:0.5|TEXT:age|INT:1|"
			       "REAL:2.5|TEXT:city");
	free(v);
	/* Binding from a later index leaves the first ones to the caller. */
	sqlite3_stmt *s;
	struct rd_err err = {{0}};
	struct rd_buf sql = {0};
	buf_printf(&sql,
		   "SELECT count(*) FROM customers c LEFT JOIN credit_profiles p"
		   " ON p.customer_id = c.id WHERE c.id <> ? AND %s AND c.id <> ?",
		   expr_sql(e));
	assert_int_equal(store_prepare(st, sql.data, &s, &err), 0);
	sqlite3_bind_text(s, 1, "C9", -1, SQLITE_STATIC);
	assert_int_equal(expr_bind(e, s, 2), 8);
	sqlite3_bind_text(s, 10, "C3", -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	/* C1 and C2 have a city; C3 is excluded; C4 and C5 match no term. */
	assert_int_equal(sqlite3_column_int(s, 0), 2);
	sqlite3_finalize(s);
	buf_free(&sql);
	expr_free(e);
	/* Binding past the statement's placeholders reports it. */
	e = compile("band=E", NULL);
	assert_int_equal(store_prepare(st, "SELECT ?", &s, &err), 0);
	assert_int_equal(expr_bind(e, s, 2), -1);
	sqlite3_finalize(s);
	expr_free(e);
	store_close(st);
}

/* User text never reaches the SQL text; hostile values are bound and the query runs. */
static void test_injection(void **state)
{
	(void)state;
	struct rd_store *st = sample_store();
	static const struct {
		const char *text, *needle, *sql;
	} cases[] = {
		{"name='x'' OR 1=1 --'", "OR 1=1", "(c.name = ?)"},
		{"name=\"'; DROP TABLE customers; --\"", "DROP", "(c.name = ?)"},
		{"id = '1) OR (1=1'", "1=1", "(c.id = ?)"},
		{"name ~ \"' OR ''='\"", "''=", "(c.name LIKE ? ESCAPE '\\')"},
		{"email in ('a'')--', \"b\\\" OR 1\")", "--", "(c.email IN (?, ?))"},
		{"created_at < '2025-01-01'' OR 1=1'", NULL, NULL}, /* not a date: refused */
		{"\"it's not\" = 1", NULL, NULL},                   /* not a field */
		{"band=E; DROP TABLE customers", NULL, NULL},       /* ';' is no token */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct rd_err err = {{0}};
		struct rd_expr *e = expr_compile_pii(cases[i].text, st, 1, &err);
		if (!cases[i].sql) {
			assert_null(e);
			assert_true(strncmp(err.msg, "where: ", 7) == 0);
			continue;
		}
		if (!e)
			fail_msg("%s: %s", cases[i].text, err.msg);
		assert_string_equal(expr_sql(e), cases[i].sql);
		assert_null(strstr(expr_sql(e), cases[i].needle));
		expr_free(e);
		char *ids = matching(st, cases[i].text);
		assert_string_equal(ids, "");
		free(ids);
	}
	/* The hostile value is bound whole. */
	struct rd_expr *e = compile("name='x'' OR 1=1 --'", st);
	char *v = bound(e);
	assert_string_equal(v, "TEXT:x' OR 1=1 --");
	free(v);
	expr_free(e);
	/* A customer literally named so is found, and the table is still there. */
	struct rd_err err = {{0}};
	assert_int_equal(
		store_exec(st, "INSERT INTO customers(id, name) VALUES ('C6', 'x'' OR 1=1 --')",
			   &err),
		0);
	check_ids(st, "name='x'' OR 1=1 --'", "C6");
	check_ids(st, "name = \"x' OR 1=1 --\"", "C6");
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers"), 6);
	store_close(st);
}

/* The largest expressions the limits allow still prepare and run in SQLite (whose parser
 * stack is what the nesting limit protects). */
static void test_limits_run(void **state)
{
	(void)state;
	struct rd_store *st = sample_store();
	struct rd_buf b = {0};
	for (int i = 0; i < 48; i++)
		buf_putc(&b, '(');
	buf_puts(&b, "band=E");
	for (int i = 0; i < 48; i++)
		buf_putc(&b, ')');
	check_ids(st, b.data, "C1");
	buf_reset(&b);
	for (int i = 0; i < 48; i++)
		buf_puts(&b, "!");
	buf_puts(&b, "band=E");
	check_ids(st, b.data, "C1");
	buf_reset(&b);
	for (int i = 0; i < 16; i++)
		buf_puts(&b, "id=C3 and (");
	buf_puts(&b, "age=1 or id=C3");
	for (int i = 0; i < 16; i++)
		buf_putc(&b, ')');
	check_ids(st, b.data, "C3");
	buf_reset(&b);
	for (int i = 0; i < 8; i++)
		buf_puts(&b, "id=C1 or city ~ x and !(");
	buf_puts(&b, "age=1 or id=C3");
	for (int i = 0; i < 8; i++)
		buf_putc(&b, ')');
	check_ids(st, b.data, "C1");
	buf_reset(&b);
	for (int i = 0; i < 255; i++)
		buf_puts(&b, "age=1||");
	buf_puts(&b, "id=C3");
	check_ids(st, b.data, "C3");
	buf_reset(&b);
	for (int i = 0; i < 24; i++)
		buf_puts(&b, "!(");
	for (int i = 0; i < 255; i++)
		buf_puts(&b, "age=1||");
	buf_puts(&b, "id=C3");
	for (int i = 0; i < 24; i++)
		buf_puts(&b, ")");
	check_ids(st, b.data, "C3");
	buf_reset(&b);
	buf_puts(&b, "score in (480");
	for (int i = 0; i < 998; i++)
		buf_puts(&b, ",1");
	buf_puts(&b, ")");
	check_ids(st, b.data, "C1");
	buf_free(&b);
	store_close(st);
}

/* email and phone are masked unless `set pii on`: a filter on them would reveal them one
 * guess at a time (`email ~ "a.lehmann86@"`), so without pii they are refused wherever
 * and however they are written, and an expression that reads them says so. */
static void test_personal_data(void **state)
{
	(void)state;
	static const struct {
		const char *text, *field;
		int column;
	} refused[] = {
		{"email ~ 'a.lehmann86@'", "email", 1},
		{"phone = '+49 177 7846670'", "phone", 1},
		{"EMAIL is null", "email", 1},
		{"\"Phone\" in ('1', '2')", "phone", 1},
		{"band=E and not email !~ x", "email", 16},
		{"(score > 1 or phone >= 0)", "phone", 15},
		{"email is not null", "email", 1},
	};
	struct rd_store *st = sample_store();
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		char msg[256];
		snprintf(msg, sizeof msg,
			 "where: %s is personal data (column %d): filtering on it needs 'set pii "
			 "on', which is audited",
			 refused[i].field, refused[i].column);
		check_err_st(st, refused[i].text, msg);
		check_err_st(NULL, refused[i].text, msg);
		struct rd_err err = {{0}};
		struct rd_expr *e = expr_compile_pii(refused[i].text, st, 0, &err);
		assert_null(e);
		assert_string_equal(err.msg, msg);
		/* With pii on it compiles, and says that it reads personal data. */
		e = compile(refused[i].text, st);
		assert_int_equal(expr_reads_pii(e), 1);
		expr_free(e);
	}
	/* Other fields do not read personal data, with or without pii. */
	struct rd_expr *e = compile("name ~ lehmann and id = C0001 and city = Paris", st);
	assert_int_equal(expr_reads_pii(e), 0);
	expr_free(e);
	struct rd_err err = {{0}};
	e = expr_compile("band=E", st, &err);
	assert_non_null(e);
	assert_int_equal(expr_reads_pii(e), 0);
	expr_free(e);
	/* Not a way around it: a column name is no field. */
	check_err_st(st, "c.email = x",
		     "where: unknown field 'c.email' at column 1 (did you mean 'email'? fields: "
		     "score, band, pd, risk_level, segment, kind, name, id, ..., features such as "
		     "return_rate, attributes)");
	/* With pii on, the filter finds what it looks for. */
	check_ids(st, "email ~ 'alice@'", "C1");
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_comparisons),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_not),
		cmocka_unit_test(test_in),
		cmocka_unit_test(test_like_escape),
		cmocka_unit_test(test_case_insensitive),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_real_query),
		cmocka_unit_test(test_attributes),
		cmocka_unit_test(test_bind_order),
		cmocka_unit_test(test_injection),
		cmocka_unit_test(test_limits_run),
		cmocka_unit_test(test_personal_data),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
