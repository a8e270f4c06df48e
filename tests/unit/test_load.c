/* The loader: CSV, JSON and NDJSON readers, mappings, validation messages with FILE:LINE,
 * all or nothing, --skip-bad, replacing, runs, cancellation, and the public datasets. */
#include "testutil.h"

#include "riskdesk/featscan.h"
#include "riskdesk/load.h"
#include "riskdesk/mapping.h"

#define DATASETS "../shared/datasets"

/* ---- a sink that keeps diagnostics and messages ---- */

struct cap_sink {
	struct rd_sink base; /* must be first */
	struct rd_buf diags; /* one diagnostic a line */
	struct rd_buf msgs;  /* one message a line */
	int ndiags;
};

static void cap_diag(struct rd_sink *s, const char *text)
{
	struct cap_sink *c = (struct cap_sink *)s;
	buf_puts(&c->diags, text);
	buf_putc(&c->diags, '\n');
	c->ndiags++;
}

static void cap_message(struct rd_sink *s, const char *text)
{
	struct cap_sink *c = (struct cap_sink *)s;
	buf_puts(&c->msgs, text);
	buf_putc(&c->msgs, '\n');
}

static const struct rd_sink_ops cap_ops = {.diag = cap_diag, .message = cap_message};

/* One load through the API: its job (store and sink), error, and what it reported. */
struct run {
	struct cap_sink sink;
	struct rd_job job;
	struct rd_err err;
	struct load_report rep;
	int rc;
};

static const char *diags(struct run *r)
{
	return r->sink.diags.data ? r->sink.diags.data : "";
}

static void run_free(struct run *r)
{
	buf_free(&r->sink.diags);
	buf_free(&r->sink.msgs);
}

static int load(struct run *r, struct rd_store *st, const char *table, const char *path,
		const char *map, int skip_bad)
{
	memset(r, 0, sizeof *r);
	r->sink.base.ops = &cap_ops;
	r->job = (struct rd_job){.store = st, .out = &r->sink.base};
	struct load_opts o = {.map_path = map, .skip_bad = skip_bad};
	r->rc = load_file(&r->job, table, path, &o, &r->rep, &r->err);
	return r->rc;
}

/* Loads and expects failure; returns the diagnostics (owned by r). */
static const char *load_fails(struct run *r, struct rd_store *st, const char *table,
			      const char *path)
{
	assert_int_equal(load(r, st, table, path, NULL, 0), -1);
	return diags(r);
}

#define assert_has(hay, needle)                                                                    \
	do {                                                                                       \
		if (!strstr((hay), (needle)))                                                      \
			fail_msg("expected \"%s\" in:\n%s", (needle), (hay));                      \
	} while (0)

static const char *text_of(struct rd_store *st, const char *sql, char *out, size_t n)
{
	sqlite3_stmt *s;
	out[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return out;
}

/* Two customers, C1 and C2, for the tables that reference them. */
static void two_customers(struct rd_store *st)
{
	struct run r;
	const char *p = test_file("base.csv", "id,name\nC1,Ann\nC2,Bob\n", 22);
	assert_int_equal(load(&r, st, "customers", p, NULL, 0), 0);
	run_free(&r);
}

static const char *file_str(const char *name, const char *text)
{
	return test_file(name, text, strlen(text));
}

/* ---- CSV ---- */

static void test_csv_quotes_and_lines(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	char v[256];
	/* Line 3 holds a quoted comma and quote, lines 4-6 one record with embedded newlines,
	 * then CRLF lines; the bad row is on line 8. */
	const char *p = file_str("q.csv", "id,name,email\n"
					  "C1,plain,a@x\n"
					  "C2,\"Smith, \"\"Jr\"\"\",b@x\n"
					  "C3,\"line one\n"
					  "line two\n"
					  "line three\",c@x\r\n"
					  "C4,crlf,d@x\r\n"
					  "C5,bad,e@x,extra\n");
	const char *d = load_fails(&r, st, "customers", p);
	char want[600];
	snprintf(want, sizeof want, "%s:8: has 4 fields, the header has 3", p);
	assert_has(d, want);
	assert_int_equal(r.sink.ndiags, 1);
	assert_has(r.err.msg, "load customers: 1 invalid row in");
	assert_has(r.err.msg, "nothing was loaded");
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers"), 0);
	run_free(&r);

	p = file_str("q2.csv", "id,name,email\n"
			       "C1,plain,a@x\n"
			       "C2,\"Smith, \"\"Jr\"\"\",b@x\n"
			       "C3,\"line one\n"
			       "line two\",c@x\r\n"
			       "C4,crlf,d@x\r\n");
	assert_int_equal(load(&r, st, "customers", p, NULL, 0), 0);
	assert_int_equal(r.rep.read, 4);
	assert_int_equal(r.rep.inserted, 4);
	assert_string_equal(text_of(st, "SELECT name FROM customers WHERE id = 'C2'", v, sizeof v),
			    "Smith, \"Jr\"");
	assert_string_equal(text_of(st, "SELECT name FROM customers WHERE id = 'C3'", v, sizeof v),
			    "line one\nline two");
	assert_string_equal(text_of(st, "SELECT email FROM customers WHERE id = 'C4'", v, sizeof v),
			    "d@x"); /* no \r left over */
	assert_string_equal(text_of(st, "SELECT kind FROM customers WHERE id = 'C4'", v, sizeof v),
			    "individual");
	run_free(&r);
	store_close(st);
}

static void test_bom_and_header_case(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	const char *p = file_str("bom.csv", "\xEF\xBB\xBF Id ,NAME\r\nC1,Ann\r\n");
	assert_int_equal(load(&r, st, "customers", p, NULL, 0), 0);
	assert_int_equal(r.rep.inserted, 1);
	assert_int_equal(
		test_int(st, "SELECT count(*) FROM customers WHERE id = 'C1' AND name = 'Ann'"), 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM attributes"), 0);
	run_free(&r);
	store_close(st);
}

static void test_empty_and_header_only(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	const char *p = test_file("empty.csv", "", 0);
	load_fails(&r, st, "customers", p);
	assert_has(r.err.msg, "empty.csv: empty file, expected a header");
	run_free(&r);
	p = file_str("blank.csv", "\n  \n");
	load_fails(&r, st, "customers", p);
	assert_has(r.err.msg, "empty file, expected a header");
	run_free(&r);
	p = file_str("header.csv", "id,customer_id,amount,status,created_at\n");
	assert_int_equal(load(&r, st, "orders", p, NULL, 0), 0);
	assert_int_equal(r.rep.read, 0);
	assert_int_equal(r.rep.inserted, 0);
	run_free(&r);
	p = file_str("nocol.csv", "id,customer_id,amount,created_at\n");
	load_fails(&r, st, "orders", p);
	assert_has(r.err.msg, "nocol.csv:1: no column 'status'");
	run_free(&r);
	p = file_str("dupcol.csv", "id,name,Name\n");
	load_fails(&r, st, "customers", p);
	assert_has(r.err.msg, "column 'Name' appears twice");
	run_free(&r);
	/* A trailing comma on every line: the nameless column is ignored, with a warning. */
	p = file_str("trail.csv", "id,name,\nC1,Ann,\n");
	assert_int_equal(load(&r, st, "customers", p, NULL, 0), 0);
	assert_int_equal(r.rep.inserted, 1);
	assert_has(r.sink.msgs.data, "ignoring column 3, which has no name");
	assert_int_equal(test_int(st, "SELECT count(*) FROM attributes"), 0);
	run_free(&r);
	store_close(st);
}

static void test_ragged_and_utf8(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	const char *p = file_str("rag.csv", "id,name\nC1\nC2,b,c\nC3,\xff\xfe\nC4,ok\n");
	const char *d = load_fails(&r, st, "customers", p);
	assert_has(d, "rag.csv:2: has 1 field, the header has 2");
	assert_has(d, "rag.csv:3: has 3 fields, the header has 2");
	assert_has(d, "rag.csv:4: column 'name': invalid UTF-8");
	assert_has(r.err.msg, "3 invalid rows");
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers"), 0);
	run_free(&r);
	/* A stray quote is malformed CSV, reported on its line. */
	p = file_str("stray.csv", "id,name\nC1,ok\nC2,a\"b\n");
	load_fails(&r, st, "customers", p);
	assert_has(r.err.msg, "stray.csv:3: malformed CSV");
	run_free(&r);
	p = file_str("open.csv", "id,name\nC1,ok\nC2,\"never\nclosed\n");
	load_fails(&r, st, "customers", p);
	assert_has(r.err.msg, "open.csv:3: malformed CSV: a quoted cell is never closed");
	run_free(&r);
	store_close(st);
}

static void test_huge_field(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	size_t big = 1 << 20;
	struct rd_buf b = {0};
	buf_puts(&b, "id,name\nC1,\"");
	for (size_t i = 0; i < big; i++)
		buf_putc(&b, i % 100 == 99 ? '\n' : 'x');
	buf_puts(&b, "\"\nC2,after\nC3,\"");
	buf_puts(&b, "\n");
	buf_puts(&b, "\",\n");
	const char *p = test_file("huge.csv", b.data, b.len);
	const char *d = load_fails(&r, st, "customers", p);
	assert_has(d, "huge.csv:2: column 'name': field is 1048576 bytes; the limit is 65536");
	/* The record after it starts on line 2 + 10485 embedded newlines + 1. */
	assert_has(d, "huge.csv:10489: has 3 fields, the header has 2");
	assert_int_equal(r.rep.read, 3);
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers"), 0);
	run_free(&r);
	buf_free(&b);
	store_close(st);
}

static void test_bad_values(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	two_customers(st);
	const char *p = file_str("o.csv", "id,customer_id,amount,status,created_at\n"
					  "O1,C1,10.5,delivered,2025-03-01\n"
					  "O2,C1,3,lost,2025-03-01\n"
					  "O3,C1,3,placed,2025-02-30\n"
					  "O4,C1,-1,placed,2025-03-01T10:30:00Z\n"
					  "O5,C9,1,placed,2025-03-01\n"
					  "O6,C2,abc,placed,2025-03-01\n"
					  "O7,,1,placed,2025-03-01\n");
	const char *d = load_fails(&r, st, "orders", p);
	char want[700];
	snprintf(want, sizeof want,
		 "%s:3: column 'status': 'lost' is not placed, shipped, delivered, cancelled or"
		 " returned",
		 p);
	assert_has(d, want);
	snprintf(want, sizeof want,
		 "%s:4: column 'created_at': '2025-02-30' is not an ISO 8601 date", p);
	assert_has(d, want);
	snprintf(want, sizeof want, "%s:5: column 'amount': '-1' is negative", p);
	assert_has(d, want);
	snprintf(want, sizeof want, "%s:6: column 'customer_id': unknown customer 'C9'", p);
	assert_has(d, want);
	snprintf(want, sizeof want, "%s:7: column 'amount': 'abc' is not a number", p);
	assert_has(d, want);
	snprintf(want, sizeof want, "%s:8: column 'customer_id': missing value", p);
	assert_has(d, want);
	assert_has(r.err.msg, "load orders: 6 invalid rows in");
	assert_int_equal(test_int(st, "SELECT count(*) FROM orders"), 0);
	run_free(&r);

	/* Payments: method, success, and an order that exists neither in the store nor here. */
	p = file_str("ok.csv",
		     "id,customer_id,amount,status,created_at\nO1,C1,10,placed,2025-01-01\n");
	assert_int_equal(load(&r, st, "orders", p, NULL, 0), 0);
	run_free(&r);
	p = file_str("p.csv", "id,customer_id,order_id,method,success,amount,created_at\n"
			      "P1,C1,O1,card,1,10,2025-01-02\n"
			      "P2,C1,,cod,true,5,2025-01-02\n"
			      "P3,C1,O9,cash,2,5,2025-01-02\n");
	d = load_fails(&r, st, "payments", p);
	assert_has(d, "p.csv:4: column 'order_id': unknown order 'O9'");
	assert_has(d, "p.csv:4: column 'method': 'cash' is not card, cod, wallet or bank");
	assert_has(d, "p.csv:4: column 'success': '2' is not 0 or 1");
	run_free(&r);
	p = file_str("p2.csv", "id,customer_id,order_id,method,success,amount,created_at\n"
			       "P1,C1,O1,card,1,10,2025-01-02\n"
			       "P2,C1,,cod,true,5,2025-01-02\n");
	assert_int_equal(load(&r, st, "payments", p, NULL, 0), 0);
	assert_int_equal(test_int(st, "SELECT count(*) FROM payments WHERE order_id IS NULL AND "
				      "success = 1"),
			 1);
	assert_int_equal(test_int(st,
				  "SELECT typeof(amount) = 'real' FROM payments WHERE id = 'P1'"),
			 1);
	run_free(&r);
	/* Outcomes: defaulted 0/1, a known customer. */
	p = file_str("out.csv",
		     "customer_id,defaulted,observed_at\nC1,1,2025-06-30\nC2,yes,\nC3,0,\n");
	d = load_fails(&r, st, "outcomes", p);
	assert_has(d, "out.csv:3: column 'defaulted': 'yes' is not 0 or 1");
	assert_has(d, "out.csv:4: column 'customer_id': unknown customer 'C3'");
	run_free(&r);
	/* Unknown columns of other tables are ignored with a warning. */
	p = file_str("extra.csv", "id,customer_id,amount,status,created_at,note\n"
				  "O2,C2,1,shipped,2025-01-01,hello\n");
	assert_int_equal(load(&r, st, "orders", p, NULL, 0), 0);
	assert_has(r.sink.msgs.data, "ignoring column 'note'");
	run_free(&r);
	store_close(st);
}

static void test_duplicates_and_error_cap(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	const char *p = file_str("dup.csv", "id,name\nC1,a\nC2,b\nC1,c\n");
	const char *d = load_fails(&r, st, "customers", p);
	assert_has(d, "dup.csv:4: column 'id': duplicate id 'C1' (first on line 2)");
	run_free(&r);
	/* Sorted, then adjacent, then out of order (the loader switches to a hash map). */
	p = file_str("dup2.csv", "id\nA1\nA2\nA2\nA5\nA3\nA4\nA1\nA3\nA9\nA5\n");
	d = load_fails(&r, st, "customers", p);
	assert_has(d, "dup2.csv:4: column 'id': duplicate id 'A2' (first on line 3)");
	assert_has(d, "dup2.csv:8: column 'id': duplicate id 'A1' (first on line 2)");
	assert_has(d, "dup2.csv:9: column 'id': duplicate id 'A3' (first on line 6)");
	assert_has(d, "dup2.csv:11: column 'id': duplicate id 'A5' (first on line 5)");
	assert_int_equal(r.sink.ndiags, 4);
	run_free(&r);
	/* An out-of-order key that is not a duplicate. */
	p = file_str("dup3.csv", "id\nB2\nB4\nB3\nB1\n");
	assert_int_equal(load(&r, st, "customers", p, NULL, 0), 0);
	assert_int_equal(r.rep.inserted, 4);
	run_free(&r);
	/* 25 bad rows: 20 listed, then a count. */
	struct rd_buf b = {0};
	buf_puts(&b, "id,kind\n");
	for (int i = 0; i < 25; i++)
		buf_printf(&b, "C%d,robot\n", i);
	p = test_file("many.csv", b.data, b.len);
	d = load_fails(&r, st, "customers", p);
	assert_int_equal(r.sink.ndiags, 21);
	assert_has(d, "many.csv:21: column 'kind'");
	assert_has(d, "... and 5 more errors");
	assert_has(r.err.msg, "25 invalid rows");
	run_free(&r);
	buf_free(&b);
	store_close(st);
}

static void test_reference_order(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	struct rd_buf b = {0};
	/* Customers K000..K998, even numbers only; references in every order. */
	buf_puts(&b, "id\n");
	for (int i = 0; i < 1000; i += 2)
		buf_printf(&b, "K%03d\n", i);
	const char *p = test_file("k.csv", b.data, b.len);
	assert_int_equal(load(&r, st, "customers", p, NULL, 0), 0);
	run_free(&r);
	buf_reset(&b);
	buf_puts(&b, "customer_id,defaulted\n");
	static const int refs[] = {500, 2, 998, 0, 998, 4, 6, 8, 400, 10, 12};
	for (size_t i = 0; i < sizeof refs / sizeof *refs; i++)
		buf_printf(&b, "K%03d,0\n", refs[i] + (i == 4 ? -2 : 0));
	p = test_file("k-out.csv", b.data, b.len);
	assert_int_equal(load(&r, st, "outcomes", p, NULL, 0), 0);
	assert_int_equal(r.rep.inserted, 11);
	run_free(&r);
	/* Unknown ids before the first, after the last, between two, and odd ones. */
	buf_reset(&b);
	buf_puts(&b,
		 "customer_id,defaulted\nK004,1\nA,1\nK999,1\nZ,1\nK501,1\nK002,1\nK003,1\nK0,1\n");
	p = test_file("k-bad.csv", b.data, b.len);
	const char *d = load_fails(&r, st, "outcomes", p);
	assert_int_equal(r.sink.ndiags, 6);
	assert_has(d, "k-bad.csv:3: column 'customer_id': unknown customer 'A'");
	assert_has(d, "k-bad.csv:4: column 'customer_id': unknown customer 'K999'");
	assert_has(d, "k-bad.csv:5: column 'customer_id': unknown customer 'Z'");
	assert_has(d, "k-bad.csv:6: column 'customer_id': unknown customer 'K501'");
	assert_has(d, "k-bad.csv:8: column 'customer_id': unknown customer 'K003'");
	assert_has(d, "k-bad.csv:9: column 'customer_id': unknown customer 'K0'");
	run_free(&r);
	buf_free(&b);
	store_close(st);
}

/* Files over 4 MB into a table no bigger: indexes are dropped and rebuilt. */
static void test_bulk_indexes(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	two_customers(st);
	struct rd_buf b = {0};
	buf_puts(&b, "id,customer_id,amount,status,created_at\n");
	for (int i = 0; i < 90000; i++)
		buf_printf(&b, "ORDER-%07d,C%d,%d.25,delivered,2025-%02d-%02dT10:00:00Z\n", i,
			   1 + i % 2, i % 500, 1 + i % 12, 1 + i % 28);
	assert_true(b.len > (4 << 20));
	const char *sql = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND"
			  " tbl_name = 'orders' AND sql IS NOT NULL";
	int64_t nidx = test_int(st, sql);
	assert_true(nidx >= 1); /* orders_customer (schema 21: no created_at index) */
	/* A bad last row: everything rolls back, the indexes included. */
	struct rd_buf bad = {0};
	buf_append(&bad, b.data, b.len);
	buf_puts(&bad, "ORDER-X,C1,1,delivered,never\n");
	const char *p = test_file("bulk-bad.csv", bad.data, bad.len);
	load_fails(&r, st, "orders", p);
	assert_has(diags(&r), "bulk-bad.csv:90002: column 'created_at'");
	run_free(&r);
	assert_int_equal(test_int(st, sql), nidx);
	assert_int_equal(test_int(st, "SELECT count(*) FROM orders"), 0);
	p = test_file("bulk.csv", b.data, b.len);
	assert_int_equal(load(&r, st, "orders", p, NULL, 0), 0);
	assert_int_equal(r.rep.inserted, 90000);
	run_free(&r);
	assert_int_equal(test_int(st, sql), nidx);
	char v[64];
	assert_string_equal(text_of(st, "PRAGMA integrity_check", v, sizeof v), "ok");
	assert_int_equal(test_int(st, "SELECT count(*) FROM orders INDEXED BY orders_customer"
				      " WHERE customer_id = 'C2'"),
			 45000);
	/* A small reload into the big table keeps the indexes in place. */
	p = file_str("small.csv", "id,customer_id,amount,status,created_at\n"
				  "ORDER-0000001,C1,9,returned,2025-01-01\n");
	assert_int_equal(load(&r, st, "orders", p, NULL, 0), 0);
	assert_int_equal(r.rep.replaced, 1);
	run_free(&r);
	assert_int_equal(test_int(st, sql), nidx);
	buf_free(&b);
	buf_free(&bad);
	store_close(st);
}

/* ---- all or nothing, skip-bad, replace ---- */

static const char *const all_tables[] = {
	"customers",           "orders",          "payments",      "outcomes", "attributes",
	"customer_attributes", "credit_profiles", "score_history", "models",
};

/* Every row of a table, as text (a plain scan returns unchanged rows in the same order). */
static void dump(struct rd_store *st, const char *table, struct rd_buf *out)
{
	char sql[128];
	sqlite3_stmt *s;
	snprintf(sql, sizeof sql, "SELECT * FROM %s", table);
	buf_reset(out);
	buf_puts(out, "");
	assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(s); i++) {
			const unsigned char *v = sqlite3_column_text(s, i);
			buf_puts(out, v ? (const char *)v : "<null>");
			buf_putc(out, '|');
		}
		buf_putc(out, '\n');
	}
	sqlite3_finalize(s);
}

static void snapshot(struct rd_store *st, struct rd_buf out[9])
{
	for (int i = 0; i < 9; i++)
		dump(st, all_tables[i], &out[i]);
}

static void test_all_or_nothing(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	struct rd_err err = {{0}};
	const char *p = file_str("c.csv", "id,name,segment\nC1,Ann,gold\nC2,Bob,silver\n");
	assert_int_equal(load(&r, st, "customers", p, NULL, 0), 0);
	run_free(&r);
	p = file_str("o.csv",
		     "id,customer_id,amount,status,created_at\nO1,C1,5,placed,2025-01-01\n");
	assert_int_equal(load(&r, st, "orders", p, NULL, 0), 0);
	run_free(&r);
	p = file_str("p.csv", "id,customer_id,order_id,method,success,amount,created_at\n"
			      "P1,C1,O1,card,1,5,2025-01-01\n");
	assert_int_equal(load(&r, st, "payments", p, NULL, 0), 0);
	run_free(&r);
	p = file_str("out.csv", "customer_id,defaulted\nC1,0\n");
	assert_int_equal(load(&r, st, "outcomes", p, NULL, 0), 0);
	run_free(&r);
	assert_int_equal(
		store_exec(st,
			   "INSERT INTO credit_profiles(customer_id, score, band, pd, risk_level,"
			   " segment, model_name, model_version, computed_at)"
			   " VALUES ('C1', 700, 'B', 0.05, 'LOW', 'existing', 'rules', 1,"
			   " '2025-01-01');"
			   "INSERT INTO score_history(customer_id, score, band, pd, model_name,"
			   " model_version, computed_at) VALUES ('C1', 700, 'B', 0.05, 'rules', 1,"
			   " '2025-01-01')",
			   &err),
		0);
	struct rd_buf before[9] = {{0}}, after[9] = {{0}};
	snapshot(st, before);
	for (int i = 0; i < 9; i++)
		if (i != 6 && i != 7) /* all but profiles and history came from loads */
			assert_true(before[i].len > 0);
	int64_t runs = test_int(st, "SELECT count(*) FROM runs");

	/* Customers: valid rows that would replace C1's attributes, then a bad one. */
	p = file_str("c2.csv",
		     "id,name,segment,extra\nC1,Changed,bronze,1\nC3,New,x,2\nC4,Bad,x,\xc3\n");
	load_fails(&r, st, "customers", p);
	run_free(&r);
	snapshot(st, after);
	for (int i = 0; i < 9; i++)
		assert_string_equal(before[i].data, after[i].data);
	/* Orders, payments and outcomes likewise. */
	p = file_str("o2.csv",
		     "id,customer_id,amount,status,created_at\nO1,C2,9,shipped,2025-01-01\n"
		     "O2,C1,1,placed,2025-01-01\nO3,C1,1,placed,yesterday\n");
	load_fails(&r, st, "orders", p);
	run_free(&r);
	p = file_str("p2.csv", "id,customer_id,order_id,method,success,amount,created_at\n"
			       "P2,C1,O1,card,1,5,2025-01-01\nP3,C1,O1,card,1,-5,2025-01-01\n");
	load_fails(&r, st, "payments", p);
	run_free(&r);
	p = file_str("out2.csv", "customer_id,defaulted\nC2,1\nC1,7\n");
	load_fails(&r, st, "outcomes", p);
	run_free(&r);
	snapshot(st, after);
	for (int i = 0; i < 9; i++) {
		assert_string_equal(before[i].data, after[i].data);
		buf_free(&before[i]);
		buf_free(&after[i]);
	}
	/* Each failed load left one failed run, and foreign keys are on again. */
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs") - runs, 4);
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs WHERE status = 'failed'"), 4);
	assert_int_equal(test_int(st, "PRAGMA foreign_keys"), 1);
	store_close(st);
}

static void test_skip_bad(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	two_customers(st);
	const char *p = file_str("sb.csv", "id,customer_id,amount,status,created_at\n"
					   "O1,C1,10,placed,2025-01-01\n"
					   "O2,C1,\"1,5\",placed,2025-01-01\n"
					   "O3,C2,4,shipped,2025-01-02\n"
					   "O4,C7,4,\"say \"\"hi\"\"\",2025-01-02\n"
					   "O5,C2\n");
	char rej[600];
	snprintf(rej, sizeof rej, "%s.rejects.csv", p);
	unlink(rej);
	assert_int_equal(load(&r, st, "orders", p, NULL, 1), 0);
	assert_int_equal(r.rep.read, 5);
	assert_int_equal(r.rep.inserted, 2);
	assert_int_equal(r.rep.rejected, 3);
	assert_int_equal(test_int(st, "SELECT count(*) FROM orders"), 2);
	struct stat sb;
	assert_int_equal(stat(rej, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	FILE *f = fopen(rej, "r");
	assert_non_null(f);
	char text[2048] = {0};
	fread(text, 1, sizeof text - 1, f);
	fclose(f);
	assert_has(text, "id,customer_id,amount,status,created_at,reason\r\n");
	assert_has(text, "O2,C1,\"1,5\",placed,2025-01-01,\"column 'amount': '1,5' is not a"
			 " number\"\r\n");
	assert_has(text, "O4,C7,4,\"say \"\"hi\"\"\",2025-01-02,\"column 'customer_id': unknown"
			 " customer 'C7'; column 'status': 'say \"\"hi\"\"' is not placed,");
	assert_has(text, "O5,C2,,,,\"has 2 fields, the header has 5\"\r\n");
	assert_int_equal(test_int(st, "SELECT rows FROM runs ORDER BY id DESC LIMIT 1"), 2);
	run_free(&r);
	unlink(rej);
	store_close(st);
}

static void test_reload_replaces(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	const char *p = file_str("r1.csv", "id,name,income,tier\nC1,Ann,100,a\nC2,Bob,200,b\n");
	assert_int_equal(load(&r, st, "customers", p, NULL, 0), 0);
	assert_int_equal(r.rep.inserted, 2);
	assert_int_equal(r.rep.replaced, 0);
	run_free(&r);
	p = file_str("o.csv",
		     "id,customer_id,amount,status,created_at\nO1,C1,5,placed,2025-01-01\n");
	assert_int_equal(load(&r, st, "orders", p, NULL, 0), 0);
	run_free(&r);
	/* Again, with C1 changed, C3 new and the tier attribute gone for C1. */
	p = file_str("r2.csv", "id,name,income\nC1,Anna,150\nC3,Cy,300\n");
	assert_int_equal(load(&r, st, "customers", p, NULL, 0), 0);
	assert_int_equal(r.rep.read, 2);
	assert_int_equal(r.rep.inserted, 1);
	assert_int_equal(r.rep.replaced, 1);
	run_free(&r);
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers"), 3);
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers WHERE id = 'C1' AND name = "
				      "'Anna'"),
			 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM customer_attributes WHERE customer_id "
				      "= 'C1'"),
			 1);
	assert_int_equal(test_int(st, "SELECT num FROM customer_attributes WHERE customer_id = 'C1'"
				      " AND name = 'income'"),
			 150);
	/* The order of the replaced customer survives (no delete on replace). */
	assert_int_equal(test_int(st, "SELECT count(*) FROM orders WHERE customer_id = 'C1'"), 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM attributes WHERE name = 'income' AND"
				      " type = 'numeric'"),
			 1);
	/* A non-numeric value turns the attribute categorical and clears the numbers. */
	p = file_str("r3.csv", "id,income\nC2,n/a\n");
	assert_int_equal(load(&r, st, "customers", p, NULL, 0), 0);
	run_free(&r);
	assert_int_equal(test_int(st, "SELECT count(*) FROM attributes WHERE name = 'income' AND"
				      " type = 'categorical'"),
			 1);
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM customer_attributes WHERE num IS NOT NULL"),
			 0);
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs WHERE status = 'ok'"), 4);
	store_close(st);
}

/* ---- JSON ---- */

static void test_json_array(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	char v[64];
	const char *p = file_str("c.json",
				 "[\n"
				 "  {\"id\": \"C1\", \"name\": \"Ann\", \"score\": 5e+05},\n"
				 "  {\"id\": \"C2\",\n"
				 "   \"name\": null, \"score\": 12.5, \"kind\": \"company\"}\n"
				 "]\n");
	assert_int_equal(load(&r, st, "customers", p, NULL, 0), 0);
	assert_int_equal(r.rep.inserted, 2);
	run_free(&r);
	/* A number keeps its text as written, like a CSV cell; its value is the number. */
	assert_string_equal(
		text_of(st, "SELECT value FROM customer_attributes WHERE customer_id = 'C1'", v,
			sizeof v),
		"5e+05");
	assert_int_equal(test_int(st,
				  "SELECT num FROM customer_attributes WHERE customer_id = 'C1'"),
			 500000);
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM customers WHERE id = 'C2' AND name IS NULL"
				  " AND kind = 'company'"),
			 1);
	/* Errors point at the line where the element starts. */
	p = file_str("bad.json", "[\n"
				 "  {\"id\": \"C1\"},\n"
				 "  {\"id\": \"C2\",\n"
				 "   \"kind\": \"robot\"},\n"
				 "  {\"id\": \"C3\", \"name\": [1]}\n"
				 "]");
	const char *d = load_fails(&r, st, "customers", p);
	assert_has(d, "bad.json:3: column 'kind': 'robot' is not individual or company");
	assert_has(d, "bad.json:5: column 'name': a JSON object or array");
	run_free(&r);
	/* Invalid JSON: the line of cJSON's error. */
	p = file_str("broken.json",
		     "[\n  {\"id\": \"C1\"},\n  {\"id\": \"C2\",\n   \"x\": tru}\n]");
	load_fails(&r, st, "customers", p);
	assert_has(r.err.msg, "broken.json:4: invalid JSON");
	run_free(&r);
	p = file_str("notarr.json", "\n\n{\"id\": 1} x");
	load_fails(&r, st, "customers", p);
	assert_has(r.err.msg, "notarr.json:3: more than one JSON value");
	run_free(&r);
	p = file_str("e.json", "   \n");
	load_fails(&r, st, "customers", p);
	assert_has(r.err.msg, "e.json: empty file");
	run_free(&r);
	p = file_str("scalar.json", "[1]");
	load_fails(&r, st, "customers", p);
	assert_has(r.err.msg, "scalar.json:1: expected an object, found a number");
	run_free(&r);
	store_close(st);
}

static void test_ndjson(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	two_customers(st);
	const char *p = file_str("o.ndjson",
				 "{\"id\":\"O1\",\"customer_id\":\"C1\",\"amount\":12.5,"
				 "\"status\":\"placed\",\"created_at\":\"2025-01-01\"}\n"
				 "\n"
				 "{\"id\":\"O2\",\"customer_id\":\"C2\",\"amount\":3,"
				 "\"status\":\"placed\",\"created_at\":\"2025-01-01\"}\r\n");
	assert_int_equal(load(&r, st, "orders", p, NULL, 0), 0);
	assert_int_equal(r.rep.inserted, 2);
	run_free(&r);
	assert_int_equal(test_int(st, "SELECT sum(amount) * 10 FROM orders"), 155);
	p = file_str("bad.ndjson",
		     "{\"id\":\"O3\",\"customer_id\":\"C1\",\"amount\":1,"
		     "\"status\":\"placed\",\"created_at\":\"2025-01-01\"}\n"
		     "\n"
		     "{\"id\":\"O4\",\"customer_id\":\"C1\",\"amount\":-2,"
		     "\"status\":\"placed\",\"created_at\":\"2025-01-01\"}\n"
		     "{\"id\":\"O5\",\"customer_id\":\"C1\",\"status\":\"placed\"}\n");
	const char *d = load_fails(&r, st, "orders", p);
	assert_has(d, "bad.ndjson:3: column 'amount': '-2' is negative");
	assert_has(d, "bad.ndjson:4: column 'amount': missing value");
	assert_has(d, "bad.ndjson:4: column 'created_at': missing value");
	run_free(&r);
	p = file_str("inv.ndjson", "{\"id\":\"O3\"}\n{\"id\":\n");
	load_fails(&r, st, "orders", p);
	assert_has(r.err.msg, "inv.ndjson:2: invalid JSON");
	run_free(&r);
	/* Rejected JSON records keep their text. */
	p = file_str("sb.ndjson", "{\"id\":\"O9\",\"customer_id\":\"C1\",\"amount\":1,"
				  "\"status\":\"nope\",\"created_at\":\"2025-01-01\"}\n");
	char rej[600];
	snprintf(rej, sizeof rej, "%s.rejects.csv", p);
	assert_int_equal(load(&r, st, "orders", p, NULL, 1), 0);
	assert_int_equal(r.rep.rejected, 1);
	run_free(&r);
	FILE *f = fopen(rej, "r");
	assert_non_null(f);
	char text[1024] = {0};
	fread(text, 1, sizeof text - 1, f);
	fclose(f);
	assert_has(text, "record,reason\r\n\"{\"\"id\"\":\"\"O9\"\"");
	unlink(rej);
	store_close(st);
}

/* ---- mappings ---- */

static void test_mapping_errors(void **state)
{
	(void)state;
	struct rd_err err = {{0}};
	struct {
		const char *json;
		const char *want;
	} cases[] = {
		{"{\"tabel\": \"customers\"}",
		 "m.json: unknown key 'tabel' (expected table, header"},
		{"{\"header\": \"no\"}", "m.json: 'header' must be true or false"},
		{"{\"header\": false}", "\"header\": false needs \"columns\""},
		{"{\"separator\": \"ab\"}", "'separator' must be one character"},
		{"{\"table\": \"loans\"}",
		 "'table' must be customers, orders, payments, outcomes, credit_requests or"
		 " external_records"},
		{"{\"columns\": [\"a\", \"A\"]}", "'columns' names 'A' twice"},
		{"{\"id\": {\"format\": \"G%s\"}}", "'id'.'format' 'G%s'"},
		{"{\"id\": {\"format\": \"G%d%d\"}}", "more than one %d"},
		{"{\"id\": {\"fmt\": \"G%d\"}}", "'id': unknown key 'fmt'"},
		{"{\"outcome\": {\"column\": \"class\", \"recode\": {\"1\": \"good\"}}}",
		 "outcomes are 0 (good) or 1"},
		{"{\"outcome\": {\"recode\": {}}}", "'outcome'.'column' must name"},
		{"{\"outcome\": {\"column\": \"c\", \"observed_at\": \"soon\"}}",
		 "'observed_at' must be"},
		{"{\"types\": {\"a\": \"text\"}}", "\"numeric\" or \"categorical\""},
		{"{\"recode\": {\"a\": {\"x\": [1]}}}",
		 "the value of 'x' must be a string or a number"},
		{"{\"rename\": {\"a\": \"\"}}", "'rename': the value of 'a' must be a column name"},
		{"{\"table\": \"orders\", \"outcome\": {\"column\": \"c\"}}",
		 "derives outcomes from a customers"},
		{"{\n\"table\": \"orders\",\n\"header\": tru\n}", "m.json:3:11: invalid JSON"},
		{"[]", "m.json: a mapping is a JSON object"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct rd_mapping *m = mapping_parse(cases[i].json, strlen(cases[i].json), "m.json",
						     &err);
		if (m)
			fail_msg("accepted %s", cases[i].json);
		assert_has(err.msg, cases[i].want);
	}
	/* A mapping for another table, and one that names what the file lacks. */
	struct rd_store *st = test_store();
	struct run r;
	const char *map = file_str("om.json", "{\"table\": \"orders\"}");
	const char *p = file_str("c.csv", "id\nC1\n");
	assert_int_equal(load(&r, st, "customers", p, map, 0), -1);
	assert_has(r.err.msg, "om.json is a mapping for orders, not customers");
	run_free(&r);
	map = file_str("cm.json", "{\"outcome\": {\"column\": \"label\"}}");
	assert_int_equal(load(&r, st, "customers", p, map, 0), -1);
	assert_has(r.err.msg, "takes outcomes from column 'label', which the file does not have");
	run_free(&r);
	map = file_str("gm.json", "{\"id\": {\"format\": \"X%d\"}}");
	assert_int_equal(load(&r, st, "customers", p, map, 0), -1);
	assert_has(r.err.msg, "generates ids ('id'.'format'), but the file has a column 'id'");
	run_free(&r);
	assert_int_equal(load(&r, st, "customers", p, "/nonexistent/m.json", 0), -1);
	assert_has(r.err.msg, "/nonexistent/m.json: No such file");
	run_free(&r);
	store_close(st);
}

static void test_mapping_apply(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	char v[64];
	/* Semicolons, a rename, recodes, defaults, ignore, forced types, and an outcome. */
	const char *map = file_str(
		"m.json",
		"{\n"
		"  \"table\": \"customers\",\n"
		"  \"separator\": \";\",\n"
		"  \"rename\": {\"Kunde\": \"id\", \"Typ\": \"kind\"},\n"
		"  \"recode\": {\"kind\": {\"P\": \"individual\", \"F\": \"company\"}},\n"
		"  \"defaults\": {\"created_at\": \"2024-01-01\", \"region\": \"north\"},\n"
		"  \"ignore\": [\"junk\"],\n"
		"  \"types\": {\"zip\": \"categorical\", \"score\": \"numeric\"},\n"
		"  \"outcome\": {\"column\": \"bad\", \"recode\": {\"ja\": \"1\", \"nein\": "
		"\"0\"},\n"
		"              \"observed_at\": \"2024-12-31\"}\n"
		"}\n");
	const char *p = file_str("m.csv", "Kunde;Typ;zip;score;junk;bad;region\n"
					  "K1;P;01234;7;x;ja;\n"
					  "K2;F;99999;8;y;nein;south\n"
					  "K3;P;11111;9;z;;\n");
	assert_int_equal(load(&r, st, "customers", p, map, 0), 0);
	assert_int_equal(r.rep.inserted, 3);
	assert_int_equal(r.rep.outcomes, 2);
	assert_int_equal(r.rep.outcomes_inserted, 2);
	run_free(&r);
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers WHERE kind = 'company' AND "
				      "id = 'K2'"
				      " AND created_at = '2024-01-01'"),
			 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM outcomes WHERE defaulted = 1 AND"
				      " customer_id = 'K1' AND observed_at = '2024-12-31'"),
			 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM attributes"),
			 3); /* zip, score, region */
	assert_int_equal(test_int(st, "SELECT count(*) FROM attributes WHERE name = 'zip' AND"
				      " type = 'categorical'"),
			 1);
	assert_string_equal(text_of(st,
				    "SELECT value FROM customer_attributes WHERE customer_id = 'K1'"
				    " AND name = 'zip'",
				    v, sizeof v),
			    "01234");
	assert_int_equal(test_int(st, "SELECT count(*) FROM customer_attributes WHERE name = 'zip'"
				      " AND num IS NOT NULL"),
			 0);
	assert_string_equal(text_of(st,
				    "SELECT group_concat(value) FROM (SELECT value FROM"
				    " customer_attributes WHERE name = 'region' ORDER BY "
				    "customer_id)",
				    v, sizeof v),
			    "north,south,north");
	/* A forced numeric type rejects text; bad outcome values name the column. */
	p = file_str("m2.csv", "Kunde;Typ;zip;score;junk;bad;region\nK4;P;1;high;x;vielleicht;\n");
	assert_int_equal(load(&r, st, "customers", p, map, 0), -1);
	const char *d = diags(&r);
	assert_has(d, "m2.csv:2: column 'score': 'high' is not a number (");
	assert_has(d, "m2.csv:2: column 'bad': 'vielleicht' is not an outcome (0 or 1 after the"
		      " mapping's recode)");
	run_free(&r);
	/* --delim overrides; whitespace splits on runs of blanks. */
	map = file_str("ws.json",
		       "{\"columns\": [\"id\", \"name\", \"age\"], \"separator\": \"whitespace\"}");
	p = file_str("ws.txt", "W1   Ann\t 33 \n\nW2 Bob 41\n");
	assert_int_equal(load(&r, st, "customers", p, map, 0), 0);
	assert_int_equal(r.rep.inserted, 2);
	run_free(&r);
	assert_int_equal(test_int(st,
				  "SELECT num FROM customer_attributes WHERE customer_id = 'W2'"),
			 41);
	p = file_str("pipe.txt", "id|name\nZ1|Zed\n");
	memset(&r, 0, sizeof r);
	r.sink.base.ops = &cap_ops;
	r.job = (struct rd_job){.store = st, .out = &r.sink.base};
	struct load_opts o = {.delim = '|'};
	assert_int_equal(load_file(&r.job, "customers", p, &o, &r.rep, &r.err), 0);
	assert_int_equal(r.rep.inserted, 1);
	run_free(&r);
	int sep;
	assert_int_equal(mapping_separator("tab", &sep), 0);
	assert_int_equal(sep, '\t');
	assert_int_equal(mapping_separator("\\t", &sep), 0);
	assert_int_equal(sep, '\t');
	assert_int_equal(mapping_separator("space", &sep), 0);
	assert_int_equal(sep, ' ');
	assert_int_equal(mapping_separator("\"", &sep), -1);
	store_close(st);
}

/* "missing" reads texts as no value (for every column, or per column); without it a
 * numeric column spoiled by a few texts loads as categorical with a warning that names
 * them. "special" stores a numeric attribute's sentinel codes for train. */
static void test_mapping_missing_special(void **state)
{
	(void)state;
	struct rd_err err = {{0}};
	struct {
		const char *json;
		const char *want;
	} cases[] = {
		{"{\"missing\": \"NA\"}", "'missing' must be an array of texts for every column"},
		{"{\"missing\": [\"NA\", [1]]}", "'missing' item 2 must be a string"},
		{"{\"missing\": {\"a\": \"NA\"}}", "'missing'.'a' must be an array of texts"},
		{"{\"missing\": {\"a\": [\"NA\"], \"A\": [\"?\"]}}", "'missing' names 'A' twice"},
		{"{\"missing\": {\" \": [\"NA\"]}}", "the key ' ' is not a column name"},
		{"{\"special\": [98]}", "'special' must be an object of column -> array of codes"},
		{"{\"special\": {\"a\": []}}", "'special'.'a' must be an array of 1 to 32 numbers"},
		{"{\"special\": {\"a\": [\"98\"]}}", "'special'.'a' item 1 must be a number"},
		{"{\"special\": {\"a\": [98, 98]}}",
		 "item 2 must be a number within ±2^53, not given twice"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct rd_mapping *m = mapping_parse(cases[i].json, strlen(cases[i].json), "m.json",
						     &err);
		if (m)
			fail_msg("accepted %s", cases[i].json);
		assert_has(err.msg, cases[i].want);
	}
	struct rd_store *st = test_store();
	struct run r;
	char v[128];
	const char *p = file_str("na.csv",
				 "id,income,age,grade\n"
				 "C1,100,30,A\nC2,NA,41,B\nC3,250,?,C\nC4,NA,52,D\nC5,300,98,E\n");
	/* Without "missing": both columns are categorical, and the load says why. */
	assert_int_equal(load(&r, st, "customers", p, NULL, 0), 0);
	assert_has(diags(&r),
		   "na.csv: warning: column 'income' is loaded as categorical because of 1"
		   " text among its 3 numbers: 'NA' (2 rows); if it means no value, the"
		   " mapping key \"missing\": [\"NA\"] keeps it numeric");
	assert_has(diags(&r), "column 'age' is loaded as categorical because of 1 text among its 4"
			      " numbers: '?' (1 row)");
	assert_true(strstr(diags(&r), "'grade'") == NULL); /* all texts: a categorical */
	run_free(&r);
	assert_int_equal(test_int(st, "SELECT count(*) FROM attributes WHERE type = 'categorical'"),
			 3);
	/* With it (for every column): numeric, the tokens not stored, no warning. */
	const char *map = file_str("na.json", "{\"missing\": [\"NA\", \"?\"], \"special\":"
					      " {\"AGE\": [98, -1]}}");
	assert_int_equal(load(&r, st, "customers", p, map, 0), 0);
	assert_true(strstr(diags(&r), "warning") == NULL);
	run_free(&r);
	assert_string_equal(text_of(st,
				    "SELECT group_concat(name || ':' || type || ':' ||"
				    " coalesce(special, '-'), ' ') FROM attributes",
				    v, sizeof v),
			    "income:numeric:- age:numeric:[98,-1] grade:categorical:-");
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM customer_attributes WHERE name = 'income'"
				  " AND num IS NOT NULL"),
			 3);
	assert_int_equal(test_int(st, "SELECT count(*) FROM customer_attributes WHERE value IN"
				      " ('NA', '?')"),
			 0);
	/* Per column: only that column's texts; a default applies to a missing cell. */
	map = file_str("nc.json", "{\"missing\": {\"income\": [\"NA\"]}, \"defaults\": {\"income\":"
				  " 0}}");
	assert_int_equal(load(&r, st, "customers", p, map, 0), 0);
	assert_has(diags(&r), "column 'age' is loaded as categorical");
	run_free(&r);
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM customer_attributes WHERE name = 'income'"
				  " AND num = 0"),
			 2);
	/* "special" needs a numeric attribute of the file, and a customers file. */
	map = file_str("s1.json", "{\"missing\": [\"NA\", \"?\"], \"special\": {\"grade\": [1]}}");
	assert_int_equal(load(&r, st, "customers", p, map, 0), -1);
	assert_has(r.err.msg, "s1.json: 'special' gives codes for 'grade', which is categorical");
	run_free(&r);
	map = file_str("s2.json", "{\"special\": {\"height\": [1]}}");
	assert_int_equal(load(&r, st, "customers", p, map, 0), -1);
	assert_has(r.err.msg, "s2.json: 'special' names 'height', which is not an attribute"
			      " column of this file");
	run_free(&r);
	two_customers(st);
	map = file_str("s3.json", "{\"special\": {\"amount\": [0]}}");
	p = file_str("o.csv", "id,customer_id,amount,status,created_at\n"
			      "O1,C1,10,placed,2024-01-01\n");
	assert_int_equal(load(&r, st, "orders", p, map, 0), -1);
	assert_has(r.err.msg, "s3.json: 'special' applies to customer attributes, not to orders");
	run_free(&r);
	assert_string_equal(text_of(st, "SELECT special FROM attributes WHERE name = 'age'", v,
				    sizeof v),
			    "[98,-1]"); /* the failed loads changed nothing */
	store_close(st);
}

/* The mapping's "labels": what they may be, where a load stores them (attribute_labels),
 * and a label for a column that is no attribute of the file refused, changing nothing. */
static void test_mapping_labels(void **state)
{
	(void)state;
	struct rd_err err = {{0}};
	struct {
		const char *json;
		const char *want;
	} cases[] = {
		{"{\"labels\": []}", "m.json: 'labels' must be an object of column"},
		{"{\"labels\": {\"a\": 3}}", "m.json: 'labels'.'a' must be a label or {"},
		{"{\"labels\": {\"a\": \"\"}}", "'labels'.'a' must be a text of 1 to 80 bytes"},
		{"{\"labels\": {\"a\": \"x\\ty\"}}", "without control characters"},
		{"{\"labels\": {\"a\": {\"lable\": \"x\"}}}",
		 "'labels': unknown key 'lable' (expected"
		 " label, values)"},
		{"{\"labels\": {\"a\": {\"values\": [\"x\"]}}}",
		 "'labels'.'a'.'values' must be an object"},
		{"{\"labels\": {\"a\": {\"values\": {\"\": \"none\"}}}}",
		 "'labels'.'a'.'values'.'': an"
		 " empty value is never stored"},
		{"{\"labels\": {\"a\": {\"values\": {\"1\": 1}}}}",
		 "'labels'.'a'.'values'.'1' must be a"
		 " text"},
		{"{\"labels\": {\" \": \"x\"}}", "'labels': the key ' ' is not a column name"},
		{"{\"labels\": {\"a\": \"x\", \"A\": \"y\"}}", "'labels' names 'A' twice"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct rd_mapping *m = mapping_parse(cases[i].json, strlen(cases[i].json), "m.json",
						     &err);
		if (m)
			fail_msg("accepted %s", cases[i].json);
		assert_has(err.msg, cases[i].want);
	}
	struct rd_store *st = test_store();
	struct run r;
	char v[128];
	const char *map = file_str("lm.json",
				   "{\"rename\": {\"Wohnen\": \"home\"}, \"labels\": {"
				   "\"Wohnen\": {\"label\": \"housing\", \"values\": {\"R\":"
				   " \"rents\", \"X\": \"never seen\"}}, \"INCOME\": \"monthly"
				   " income\"}}");
	const char *p = file_str("l.csv", "id,Wohnen,income\nC1,R,1200\nC2,O,2500\n");
	assert_int_equal(load(&r, st, "customers", p, map, 0), 0);
	run_free(&r);
	assert_string_equal(text_of(st,
				    "SELECT group_concat(name || '|' || value || '|' || label, ';')"
				    " FROM (SELECT * FROM attribute_labels ORDER BY name, value)",
				    v, sizeof v),
			    "home||housing;home|R|rents;home|X|never seen;income||monthly income");
	/* A label of a column the file lacks (or the outcome's), or for orders: refused. */
	map = file_str("lm2.json", "{\"labels\": {\"size\": \"size\"}}");
	p = file_str("l2.csv", "id,income\nC3,1\n");
	assert_int_equal(load(&r, st, "customers", p, map, 0), -1);
	assert_has(r.err.msg, "lm2.json: 'labels' names 'size', which is not an attribute"
			      " column of this file");
	run_free(&r);
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers"), 2);
	assert_int_equal(test_int(st, "SELECT count(*) FROM attribute_labels"), 4);
	map = file_str("lm3.json", "{\"labels\": {\"amount\": \"amount\"}}");
	p = file_str("lo.csv",
		     "id,customer_id,amount,status,created_at\nO1,C1,5,placed,2025-01-01\n");
	assert_int_equal(load(&r, st, "orders", p, map, 0), -1);
	assert_has(r.err.msg, "lm3.json: 'labels' label customer attributes, which need a"
			      " customers file");
	run_free(&r);
	assert_int_equal(test_int(st, "SELECT count(*) FROM orders"), 0);
	store_close(st);
}

/* ---- the public datasets ---- */

static void test_german(void **state)
{
	(void)state;
	const char *data = DATASETS "/german/german.data";
	/* ../shared is part of the test set-up (CI has it): missing, the test fails. */
	if (access(data, R_OK) != 0)
		fail_msg("cannot read %s: ../shared (the datasets) must be beside the repository",
			 data);
	struct rd_store *st = test_store();
	struct run r;
	assert_int_equal(load(&r, st, "customers", data, "sample-data/mappings/german.json", 0), 0);
	assert_int_equal(r.rep.read, 1000);
	assert_int_equal(r.rep.inserted, 1000);
	assert_int_equal(r.rep.outcomes, 1000);
	run_free(&r);
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers"), 1000);
	assert_int_equal(test_int(st, "SELECT count(*) FROM outcomes WHERE defaulted = 1"), 300);
	assert_int_equal(test_int(st, "SELECT count(*) FROM attributes"), 20);
	assert_int_equal(test_int(st, "SELECT count(*) FROM attributes WHERE type = 'categorical'"),
			 13);
	assert_int_equal(test_int(st, "SELECT count(*) FROM attributes WHERE type = 'numeric'"), 7);
	assert_int_equal(test_int(st, "SELECT count(*) FROM attributes WHERE name = 'class'"), 0);
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM customers WHERE id IN ('G0000', 'G0999')"
				  " AND kind = 'individual' AND created_at IS NOT NULL"),
			 2);
	/* Row 0 is line 1: A11 6 ... class 1 (good); line 2 is class 2 (bad). */
	assert_int_equal(test_int(st, "SELECT count(*) FROM customer_attributes WHERE customer_id ="
				      " 'G0000' AND name = 'checking_status' AND value = 'A11'"),
			 1);
	assert_int_equal(test_int(st,
				  "SELECT num FROM customer_attributes WHERE customer_id = 'G0000'"
				  " AND name = 'credit_amount'"),
			 1169);
	assert_int_equal(test_int(st, "SELECT defaulted FROM outcomes WHERE customer_id = 'G0001'"),
			 1);
	/* The labels of the 20 attributes and of the 56 codes of the 13 categorical ones. */
	assert_int_equal(test_int(st, "SELECT count(*) FROM attribute_labels"), 76);
	assert_int_equal(test_int(st, "SELECT count(*) FROM attribute_labels WHERE value = ''"),
			 20);
	assert_int_equal(test_int(st, "SELECT count(*) FROM attribute_labels WHERE name ="
				      " 'checking_status' AND value = 'A11' AND label = '< 0 DM'"),
			 1);
	/* Line 267 (trailing blank) loads like the others. */
	assert_int_equal(test_int(st, "SELECT count(*) FROM customer_attributes WHERE customer_id "
				      "= 'G0266'"),
			 20);
	store_close(st);
}

static void test_taiwan(void **state)
{
	(void)state;
	const char *data = DATASETS "/taiwan/UCI_Credit_Card.csv";
	/* ../shared is part of the test set-up (CI has it): missing, the test fails. */
	if (access(data, R_OK) != 0)
		fail_msg("cannot read %s: ../shared (the datasets) must be beside the repository",
			 data);
	struct rd_store *st = test_store();
	struct run r;
	assert_int_equal(load(&r, st, "customers", data, "sample-data/mappings/taiwan.json", 0), 0);
	assert_int_equal(r.rep.inserted, 30000);
	run_free(&r);
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers"), 30000);
	assert_int_equal(test_int(st, "SELECT count(*) FROM outcomes WHERE defaulted = 1"), 6636);
	assert_int_equal(test_int(st, "SELECT count(*) FROM outcomes"), 30000);
	assert_int_equal(test_int(st, "SELECT count(*) FROM attributes"), 23);
	assert_int_equal(test_int(st, "SELECT count(*) FROM attributes WHERE name = 'LIMIT_BAL' AND"
				      " type = 'numeric'"),
			 1);
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM attributes WHERE type = 'categorical' AND"
				  " name IN ('SEX', 'EDUCATION', 'MARRIAGE')"),
			 3);
	assert_int_equal(test_int(st, "SELECT count(*) FROM attribute_labels WHERE value = ''"),
			 23);
	/* ID 7 is written "5e+05". */
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM customer_attributes WHERE customer_id = '7'"
				  " AND name = 'LIMIT_BAL' AND value = '5e+05' AND num = 500000"),
			 1);
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM customer_attributes WHERE name = 'SEX' AND"
				  " num IS NOT NULL"),
			 0);
	store_close(st);
}

/* ---- directories, the command, cancellation ---- */

/* ---- credit requests and external records ---- */

/* Expects the diagnostics d to hold "PATH:LINE: MSG". */
static void assert_line(const char *d, const char *path, int line, const char *msg)
{
	char want[1024];
	snprintf(want, sizeof want, "%s:%d: %s", path, line, msg);
	assert_has(d, want);
}

#define REQ_HEADER                                                                                 \
	"id,customer_id,amount,term_months,purpose,yearly_income,existing_debt,status,"            \
	"created_at\n"

/* Each bad row is rejected with its line and column, and nothing of the file is loaded. */
static void test_requests_validation(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	two_customers(st);
	const char *p =
		file_str("req.csv", REQ_HEADER
			 "R1,C1,5000,24,car,42000,3000,,2025-06-01T10:00:00Z\n" /* 2: good */
			 "R2,C9,100,12,,,,pending,2025-06-01\n"                 /* 3 */
			 "R3,C1,0,12,,,,,2025-06-01\n"                          /* 4 */
			 "R4,C1,-5,12,,,,,2025-06-01\n"                         /* 5 */
			 "R5,C1,lots,12,,,,,2025-06-01\n"                       /* 6 */
			 "R6,C1,100,0,,,,,2025-06-01\n"                         /* 7 */
			 "R7,C1,100,12.5,,,,,2025-06-01\n"                      /* 8 */
			 "R8,C1,100,1201,,,,,2025-06-01\n"                      /* 9 */
			 "R9,C1,100,12,,-1,,,2025-06-01\n"                      /* 10 */
			 "R10,C1,100,12,,,x,,2025-06-01\n"                      /* 11 */
			 "R11,C1,100,12,,,,maybe,2025-06-01\n"                  /* 12 */
			 "R12,C1,100,12,,,,,2025-13-01\n"                       /* 13 */
			 "R13,C1,100,12,,,,,\n"                                 /* 14 */
			 "R1,C2,100,12,,,,,2025-06-01\n"                        /* 15 */
			 ",C2,100,12,,,,,2025-06-01\n"                          /* 16 */
			 "R16,C2,,,,,,,2025-06-01\n");                          /* 17 */
	const char *d = load_fails(&r, st, "credit_requests", p);
	assert_line(d, p, 3, "column 'customer_id': unknown customer 'C9'");
	assert_line(d, p, 4, "column 'amount': '0' is not positive (an amount asked for is > 0)");
	assert_line(d, p, 5, "column 'amount': '-5' is not positive");
	assert_line(d, p, 6, "column 'amount': 'lots' is not a number");
	assert_line(d, p, 7,
		    "column 'term_months': '0' is not a whole number of months from 1 to 1200");
	assert_line(d, p, 8, "column 'term_months': '12.5' is not a whole number of months");
	assert_line(d, p, 9, "column 'term_months': '1201' is not a whole number of months");
	assert_line(d, p, 10, "column 'yearly_income': '-1' is negative (amounts are >= 0)");
	assert_line(d, p, 11, "column 'existing_debt': 'x' is not a number");
	assert_line(d, p, 12,
		    "column 'status': 'maybe' is not pending, approved, referred or declined");
	assert_line(d, p, 13, "column 'created_at': '2025-13-01' is not an ISO 8601 date");
	assert_line(d, p, 14, "column 'created_at': missing value");
	assert_line(d, p, 15, "column 'id': duplicate id 'R1' (first on line 2)");
	assert_line(d, p, 16, "column 'id': missing value");
	assert_line(d, p, 17, "column 'amount': missing value");
	assert_line(d, p, 17, "column 'term_months': missing value");
	assert_int_equal(r.sink.ndiags, 16);
	assert_has(r.err.msg, "load credit_requests: 15 invalid rows in");
	assert_has(r.err.msg, "nothing was loaded");
	assert_int_equal(test_int(st, "SELECT count(*) FROM credit_requests"), 0);
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs WHERE status = 'failed'"), 1);
	run_free(&r);
	/* The good row alone: a pending request (the default), its numbers as numbers. */
	p = file_str("req1.csv", REQ_HEADER "R1,C1,5000,24,car,42000,,,2025-06-01T10:00:00Z\n");
	assert_int_equal(load(&r, st, "credit_requests", p, NULL, 0), 0);
	assert_int_equal(r.rep.inserted, 1);
	run_free(&r);
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM credit_requests WHERE id = 'R1'"
				  " AND customer_id = 'C1' AND amount = 5000.0 AND term_months = 24"
				  " AND typeof(term_months) = 'integer' AND purpose = 'car'"
				  " AND yearly_income = 42000.0 AND existing_debt IS NULL"
				  " AND status = 'pending' AND score IS NULL AND decided_at IS NULL"
				  " AND created_at = '2025-06-01T10:00:00Z'"),
			 1);
	/* A file without a required column stops at its header. */
	p = file_str("req2.csv", "id,customer_id,amount,created_at\nR2,C1,5,2025-06-01\n");
	load_fails(&r, st, "credit_requests", p);
	assert_has(r.err.msg, "no column 'term_months' (credit_requests have id, customer_id,");
	run_free(&r);
	store_close(st);
}

#define REC_HEADER "source,key,customer_id,payload,fetched_at\n"

static void test_records_validation(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	two_customers(st);
	/* NDJSON: the payload as an object, or as a string holding one. */
	const char *p = file_str(
		"rec.ndjson",
		"{\"source\":\"tax_office\",\"key\":\"T1\",\"customer_id\":\"C1\",\"payload\":"
		"{\"insolvency\":false},\"fetched_at\":\"2025-06-01T10:00:00Z\"}\n" /* 1: good */
		"{\"source\":\"tax office\",\"key\":\"T2\",\"customer_id\":\"C1\",\"payload\":{},"
		"\"fetched_at\":\"2025-06-01\"}\n" /* 2 */
		"{\"source\":\"tax_office\",\"key\":\"T3\",\"customer_id\":\"C1\",\"payload\":[1,2]"
		","
		"\"fetched_at\":\"2025-06-01\"}\n" /* 3 */
		"{\"source\":\"tax_office\",\"key\":\"T4\",\"customer_id\":\"C1\",\"payload\":\"{"
		"bad\","
		"\"fetched_at\":\"2025-06-01\"}\n" /* 4 */
		"{\"source\":\"tax_office\",\"key\":\"T5\",\"customer_id\":\"C1\",\"payload\":\"{} "
		"x\","
		"\"fetched_at\":\"2025-06-01\"}\n" /* 5 */
		"{\"source\":\"tax_office\",\"key\":\"T6\",\"customer_id\":\"C1\",\"payload\":"
		"\"7\","
		"\"fetched_at\":\"2025-06-01\"}\n" /* 6 */
		"{\"source\":\"tax_office\",\"key\":\"T7\",\"customer_id\":\"C1\",\"payload\":{},"
		"\"fetched_at\":\"yesterday\"}\n" /* 7 */
		"{\"source\":\"tax_office\",\"key\":\"T8\",\"customer_id\":\"C9\",\"payload\":{},"
		"\"fetched_at\":\"2025-06-01\"}\n" /* 8 */
		"{\"source\":\"tax_office\",\"key\":\"T1\",\"customer_id\":\"C2\",\"payload\":{},"
		"\"fetched_at\":\"2025-06-01\"}\n" /* 9 */
		"{\"source\":\"tax_office\",\"customer_id\":\"C2\",\"payload\":{},"
		"\"fetched_at\":\"2025-06-01\"}\n" /* 10 */
		"{\"source\":\"land_registry\",\"key\":\"T1\",\"customer_id\":\"C2\","
		"\"fetched_at\":\"2025-06-01\"}\n"); /* 11 */
	const char *d = load_fails(&r, st, "external_records", p);
	assert_line(d, p, 2,
		    "column 'source': 'tax office' is not a source name (letters, digits,"
		    " '_', '-' and '.'; at most 64 bytes)");
	assert_line(d, p, 3, "column 'payload': '[1,2]' is not a JSON object ({...})");
	assert_line(d, p, 4, "column 'payload': '{bad' is not valid JSON");
	assert_line(d, p, 5, "column 'payload': '{} x' has text after its JSON object");
	assert_line(d, p, 6, "column 'payload': '7' is not a JSON object");
	assert_line(d, p, 7, "column 'fetched_at': 'yesterday' is not an ISO 8601 date");
	assert_line(d, p, 8, "column 'customer_id': unknown customer 'C9'");
	assert_line(d, p, 9,
		    "column 'key': duplicate source and key 'tax_office' 'T1' (first on"
		    " line 1)");
	assert_line(d, p, 10, "column 'key': missing value");
	assert_line(d, p, 11, "column 'payload': missing value");
	assert_int_equal(r.sink.ndiags, 10);
	assert_has(r.err.msg, "load external_records: 10 invalid rows in");
	assert_int_equal(test_int(st, "SELECT count(*) FROM external_records"), 0);
	run_free(&r);
	/* The same key under another source is another record; in CSV the payload is a
	 * quoted JSON text. An object elsewhere than a JSON column is refused as before. */
	p = file_str("rec.csv",
		     REC_HEADER "tax_office,T1,C1,\"{\"\"a\"\": 1}\",2025-06-01\n"
				"land_registry,T1,C1,\"{ \"\"b\"\" : [1, 2] }\",2025-06-01\n");
	assert_int_equal(load(&r, st, "external_records", p, NULL, 0), 0);
	assert_int_equal(r.rep.inserted, 2);
	run_free(&r);
	char v[128];
	assert_string_equal(text_of(st,
				    "SELECT payload FROM external_records WHERE source ="
				    " 'land_registry'",
				    v, sizeof v),
			    "{\"b\":[1,2]}");
	p = file_str("rec.json",
		     "[{\"source\": {\"x\": 1}, \"key\": \"T9\", \"customer_id\": \"C1\","
		     " \"payload\": {}, \"fetched_at\": \"2025-06-01\"}]");
	d = load_fails(&r, st, "external_records", p);
	assert_line(d, p, 1,
		    "column 'source': a JSON object or array (expected a string or a number)");
	run_free(&r);
	store_close(st);
}

/* Dumps credit_requests and external_records. */
static void dump_both(struct rd_store *st, struct rd_buf *out)
{
	struct rd_buf b = {0};
	buf_reset(out);
	dump(st, "credit_requests", &b);
	buf_puts(out, b.data);
	dump(st, "external_records", &b);
	buf_puts(out, b.data);
	buf_free(&b);
}

/* A file with good rows that would insert and replace, and one bad row, changes nothing. */
static void test_requests_records_all_or_nothing(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	two_customers(st);
	const char *p = file_str("a.csv", REQ_HEADER "R1,C1,100,12,car,1000,0,,2025-06-01\n"
						     "R2,C2,200,24,,,,approved,2025-06-02\n");
	assert_int_equal(load(&r, st, "credit_requests", p, NULL, 0), 0);
	run_free(&r);
	p = file_str("a.ndjson", "{\"source\":\"tax_office\",\"key\":\"T1\",\"customer_id\":\"C1\","
				 "\"payload\":{\"n\":1},\"fetched_at\":\"2025-06-01\"}\n");
	assert_int_equal(load(&r, st, "external_records", p, NULL, 0), 0);
	run_free(&r);
	struct rd_buf before = {0}, after = {0};
	dump_both(st, &before);
	int64_t runs = test_int(st, "SELECT count(*) FROM runs");
	p = file_str("b.csv", REQ_HEADER "R1,C2,999,36,,,,declined,2025-06-03\n"
					 "R3,C1,300,12,,,,,2025-06-04\n"
					 "R4,C1,300,12,,,,,2025-06-04T25:00:00Z\n");
	load_fails(&r, st, "credit_requests", p);
	run_free(&r);
	p = file_str("b.ndjson", "{\"source\":\"tax_office\",\"key\":\"T1\",\"customer_id\":\"C2\","
				 "\"payload\":{\"n\":2},\"fetched_at\":\"2025-06-02\"}\n"
				 "{\"source\":\"tax_office\",\"key\":\"T2\",\"customer_id\":\"C1\","
				 "\"payload\":{\"n\":3},\"fetched_at\":\"2025-06-02\"}\n"
				 "{\"source\":\"tax_office\",\"key\":\"T3\",\"customer_id\":\"C1\","
				 "\"payload\":\"nope\",\"fetched_at\":\"2025-06-02\"}\n");
	load_fails(&r, st, "external_records", p);
	run_free(&r);
	dump_both(st, &after);
	assert_string_equal(before.data, after.data);
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs") - runs, 2);
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs WHERE status = 'failed'"), 2);
	assert_int_equal(test_int(st, "PRAGMA foreign_keys"), 1);
	/* With --skip-bad the good rows go in and the bad one to the rejects file. */
	char rej[700];
	p = file_str("b.csv", REQ_HEADER "R1,C2,999,36,,,,declined,2025-06-03\n"
					 "R3,C1,300,12,,,,,2025-06-04\n"
					 "R4,C1,300,12,,,,,2025-06-04T25:00:00Z\n");
	snprintf(rej, sizeof rej, "%s.rejects.csv", p);
	assert_int_equal(load(&r, st, "credit_requests", p, NULL, 1), 0);
	assert_int_equal(r.rep.read, 3);
	assert_int_equal(r.rep.inserted, 1);
	assert_int_equal(r.rep.replaced, 1);
	assert_int_equal(r.rep.rejected, 1);
	run_free(&r);
	assert_int_equal(access(rej, F_OK), 0);
	unlink(rej);
	assert_int_equal(test_int(st, "SELECT count(*) FROM credit_requests"), 3);
	assert_int_equal(test_int(st, "SELECT count(*) FROM credit_requests WHERE id = 'R1' AND"
				      " customer_id = 'C2' AND status = 'declined' AND purpose IS "
				      "NULL"),
			 1);
	buf_free(&before);
	buf_free(&after);
	store_close(st);
}

/* Reloading: counts, and a decision riskdesk made survives a file that does not know it. */
static void test_requests_replace(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	struct rd_err err = {{0}};
	two_customers(st);
	const char *text = REQ_HEADER "R1,C1,100,12,car,1000,0,,2025-06-01\n"
				      "R2,C2,200,24,,,,,2025-06-02\n";
	const char *p = file_str("r.csv", text);
	assert_int_equal(load(&r, st, "credit_requests", p, NULL, 0), 0);
	assert_int_equal(r.rep.inserted, 2);
	run_free(&r);
	assert_int_equal(store_exec(st,
				    "UPDATE credit_requests SET status = 'approved', score = 700,"
				    " reasons = '[]', decided_at = '2025-06-05T00:00:00Z'",
				    &err),
			 0);
	/* The same file again: both kept as decided. */
	assert_int_equal(load(&r, st, "credit_requests", p, NULL, 0), 0);
	assert_int_equal(r.rep.inserted, 0);
	assert_int_equal(r.rep.replaced, 2);
	run_free(&r);
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM credit_requests WHERE status = 'approved'"
				  " AND score = 700 AND decided_at IS NOT NULL"),
			 2);
	/* R1 asks for more now, R2 comes declined from the source: both take the file's. */
	p = file_str("r2.csv", REQ_HEADER "R1,C1,150,12,car,1000,0,,2025-06-01\n"
					  "R2,C2,200,24,,,,declined,2025-06-02\n"
					  "R3,C2,50,6,,,,,2025-06-03\n");
	assert_int_equal(load(&r, st, "credit_requests", p, NULL, 0), 0);
	assert_int_equal(r.rep.inserted, 1);
	assert_int_equal(r.rep.replaced, 2);
	run_free(&r);
	assert_int_equal(test_int(st, "SELECT count(*) FROM credit_requests WHERE id = 'R1' AND"
				      " status = 'pending' AND amount = 150 AND score IS NULL AND"
				      " reasons IS NULL AND decided_at IS NULL"),
			 1);
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM credit_requests WHERE id = 'R2' AND"
				  " status = 'declined' AND score IS NULL AND decided_at IS NULL"),
			 1);
	/* Requests and records are no profile input: the profiles do not go stale. */
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM meta WHERE key = 'profiles_load'"
				  " AND value = (SELECT min(id) FROM runs WHERE kind = 'load')"),
			 1);
	store_close(st);
}

/* One set of records as CSV, a pretty-printed JSON array and NDJSON (payload as a string):
 * the same rows, the payloads minified with each number's text kept. */
static void test_records_formats(void **state)
{
	(void)state;
	const char *csv = REC_HEADER
		"tax_office,T1,C1,\"{\"\"id\"\": 9007199254740993, \"\"income\"\": 42000.50,"
		" \"\"insolvency\"\": false}\",2025-06-01T10:00:00Z\n"
		"land_registry,P-1/2,C2,\"{\"\"parcel\"\": \"\"P-1/2\"\", \"\"share\"\": 0.5,"
		" \"\"notes\"\": [\"\"a, b\"\", {\"\"x\"\": null}]}\",2025-06-02\n";
	const char *json =
		"[\n"
		"  {\"source\": \"tax_office\", \"key\": \"T1\", \"customer_id\": \"C1\",\n"
		"   \"payload\": {\n"
		"     \"id\": 9007199254740993,\n"
		"     \"income\": 42000.50,\n"
		"     \"insolvency\": false\n"
		"   },\n"
		"   \"fetched_at\": \"2025-06-01T10:00:00Z\"},\n"
		"  {\"source\": \"land_registry\", \"key\": \"P-1/2\", \"customer_id\": \"C2\",\n"
		"   \"payload\": {\"parcel\": \"P-1/2\", \"share\": 0.5, \"notes\": [\"a, b\", "
		"{\"x\": null}]},\n"
		"   \"fetched_at\": \"2025-06-02\"}\n"
		"]\n";
	const char *ndjson =
		"{\"source\":\"tax_office\",\"key\":\"T1\",\"customer_id\":\"C1\",\"payload\":"
		"\"{\\\"id\\\": 9007199254740993, \\\"income\\\": 42000.50, \\\"insolvency\\\": "
		"false}\","
		"\"fetched_at\":\"2025-06-01T10:00:00Z\"}\n"
		"{\"source\":\"land_registry\",\"key\":\"P-1/"
		"2\",\"customer_id\":\"C2\",\"payload\":"
		"{\"parcel\": \"P-1/2\", \"share\": 0.5, \"notes\": [\"a, b\", {\"x\": null}]},"
		"\"fetched_at\":\"2025-06-02\"}\n";
	const char *names[3] = {"f.csv", "f.json", "f.ndjson"}, *texts[3] = {csv, json, ndjson};
	char *dumps[3];
	for (int i = 0; i < 3; i++) {
		struct rd_store *st = test_store();
		struct run r;
		two_customers(st);
		const char *p = file_str(names[i], texts[i]);
		if (load(&r, st, "external_records", p, NULL, 0))
			fail_msg("%s: %s\n%s", names[i], r.err.msg, diags(&r));
		assert_int_equal(r.rep.inserted, 2);
		run_free(&r);
		struct rd_buf b = {0};
		dump(st, "external_records", &b);
		dumps[i] = buf_steal(&b);
		store_close(st);
	}
	assert_string_equal(dumps[0],
			    "tax_office|T1|C1|{\"id\":9007199254740993,\"income\":42000.50,"
			    "\"insolvency\":false}|2025-06-01T10:00:00Z|\n"
			    "land_registry|P-1/2|C2|{\"parcel\":\"P-1/2\",\"share\":0.5,\"notes\":"
			    "[\"a, b\",{\"x\":null}]}|2025-06-02|\n");
	assert_string_equal(dumps[1], dumps[0]);
	assert_string_equal(dumps[2], dumps[0]);
	for (int i = 0; i < 3; i++)
		free(dumps[i]);
}

/* load DIR takes both files after the customers they refer to, in one transaction. */
static void test_requests_records_dir(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	char dir[512];
	const char *base = test_file("marker", "", 0);
	snprintf(dir, sizeof dir, "%.*s/rd", (int)(strrchr(base, '/') - base), base);
	mkdir(dir, 0700);
	file_str("rd/customers.csv", "id,name,kind\nC1,Ann,individual\nC2,Acme,company\n");
	file_str("rd/credit_requests.json",
		 "[{\"id\":\"R1\",\"customer_id\":\"C2\",\"amount\":25000,\"term_months\":36,"
		 "\"purpose\":\"equipment\",\"created_at\":\"2025-06-01\"}]");
	file_str("rd/external_records.csv", REC_HEADER "tax_office,DE1,C2,{},2025-06-01\n"
						       "tax_office,DE2,C3,{},2025-06-01\n");
	struct load_report reps[LOAD_TABLES];
	int n = -1;
	struct load_opts o = {0};
	memset(&r, 0, sizeof r);
	r.sink.base.ops = &cap_ops;
	r.job = (struct rd_job){.store = st, .out = &r.sink.base};
	assert_int_equal(load_dir(&r.job, dir, &o, reps, &n, &r.err), -1);
	assert_has(diags(&r),
		   "external_records.csv:3: column 'customer_id': unknown customer 'C3'");
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers"), 0);
	assert_int_equal(test_int(st, "SELECT count(*) FROM credit_requests"), 0);
	run_free(&r);
	file_str("rd/external_records.csv", REC_HEADER "tax_office,DE1,C2,{},2025-06-01\n");
	memset(&r, 0, sizeof r);
	r.sink.base.ops = &cap_ops;
	r.job = (struct rd_job){.store = st, .out = &r.sink.base};
	assert_int_equal(load_dir(&r.job, dir, &o, reps, &n, &r.err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(reps[0].table, "customers");
	assert_string_equal(reps[1].table, "credit_requests");
	assert_string_equal(reps[2].table, "external_records");
	assert_int_equal(reps[1].inserted, 1);
	assert_int_equal(reps[2].inserted, 1);
	run_free(&r);
	assert_int_equal(test_int(st, "SELECT count(*) FROM credit_requests WHERE id = 'R1' AND"
				      " status = 'pending' AND purpose = 'equipment'"),
			 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs WHERE status = 'ok'"), 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	/* The public table list names them. */
	for (int i = 0; i < LOAD_TABLES; i++)
		assert_non_null(load_table_names[i]);
	assert_null(load_table_names[LOAD_TABLES]);
	char list[160];
	assert_string_equal(load_tables_list(" or ", list, sizeof list),
			    "customers, orders, payments, outcomes, credit_requests or "
			    "external_records");
	store_close(st);
}

/* Mappings apply to both tables as to the others. */
static void test_requests_mapping(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	two_customers(st);
	const char *m = file_str(
		"req-map.json",
		"{\"table\": \"credit_requests\", \"separator\": \";\","
		" \"rename\": {\"ref\": \"id\", \"client\": \"customer_id\", \"sum\": \"amount\","
		" \"months\": \"term_months\", \"state\": \"status\", \"day\": \"created_at\"},"
		" \"recode\": {\"state\": {\"P\": \"pending\", \"A\": \"approved\", \"D\": "
		"\"declined\"}},"
		" \"defaults\": {\"purpose\": \"unknown\"}, \"ignore\": [\"branch\"]}");
	const char *p = file_str("req-src.csv", "ref;client;sum;months;state;day;branch\n"
						"Q1;C1;1000;12;P;2025-06-01;north\n"
						"Q2;C2;2000;24;A;2025-06-02;south\n"
						"Q3;C2;3000;36;X;2025-06-03;south\n");
	const char *d;
	assert_int_equal(load(&r, st, "credit_requests", p, m, 0), -1);
	d = diags(&r);
	assert_line(d, p, 4, "column 'state': 'X' is not pending, approved, referred or declined");
	run_free(&r);
	p = file_str("req-src.csv", "ref;client;sum;months;state;day;branch\n"
				    "Q1;C1;1000;12;P;2025-06-01;north\n"
				    "Q2;C2;2000;24;A;2025-06-02;south\n");
	assert_int_equal(load(&r, st, "credit_requests", p, m, 0), 0);
	run_free(&r);
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM credit_requests WHERE purpose = 'unknown'"
				  " AND ((id = 'Q1' AND status = 'pending') OR (id = 'Q2' AND"
				  " status = 'approved'))"),
			 2);
	/* A mapping for another table, and generated ids for records, are refused. */
	assert_int_equal(load(&r, st, "external_records", p, m, 0), -1);
	assert_has(r.err.msg, "is a mapping for credit_requests, not external_records");
	run_free(&r);
	m = file_str("rec-map.json", "{\"id\": {\"format\": \"X%d\"}}");
	p = file_str("rec-src.csv", REC_HEADER "tax_office,T1,C1,{},2025-06-01\n");
	assert_int_equal(load(&r, st, "external_records", p, m, 0), -1);
	assert_has(r.err.msg,
		   "'id' does not apply to external_records (their key is source and key)");
	run_free(&r);
	m = file_str("out-map.json", "{\"id\": {\"format\": \"X%d\"}}");
	p = file_str("out-src.csv", "customer_id,defaulted\nC1,0\n");
	assert_int_equal(load(&r, st, "outcomes", p, m, 0), -1);
	assert_has(r.err.msg, "'id' does not apply to outcomes (their key is customer_id)");
	run_free(&r);
	/* Generated ids do apply to requests. */
	m = file_str("req-id.json", "{\"id\": {\"format\": \"APP%04d\"}}");
	p = file_str("req-noid.csv",
		     "customer_id,amount,term_months,created_at\nC1,5,6,2025-06-01\n"
		     "C2,6,6,2025-06-01\n");
	assert_int_equal(load(&r, st, "credit_requests", p, m, 0), 0);
	run_free(&r);
	assert_int_equal(test_int(st, "SELECT count(*) FROM credit_requests WHERE id IN ('APP0000',"
				      " 'APP0001')"),
			 2);
	store_close(st);
}

static void test_load_dir(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	char dir[512];
	const char *base = test_file("marker", "", 0);
	snprintf(dir, sizeof dir, "%.*s/d", (int)(strrchr(base, '/') - base), base);
	mkdir(dir, 0700);
	const char *c = file_str("d/customers.csv", "id,name\nC1,Ann\nC2,Bob\n");
	file_str("d/orders.json", "[{\"id\":\"O1\",\"customer_id\":\"C1\",\"amount\":3,\"status\":"
				  "\"placed\",\"created_at\":\"2025-01-01\"}]");
	const char *pay =
		file_str("d/payments.ndjson",
			 "{\"id\":\"P1\",\"customer_id\":\"C2\",\"order_id\":\"O1\","
			 "\"method\":\"bank\",\"success\":false,\"amount\":3,\"created_at\":"
			 "\"2025-01-02\"}\n{\"id\":\"P2\",\"customer_id\":\"C2\",\"order_id\":"
			 "\"O2\",\"method\":\"bank\",\"success\":1,\"amount\":3,\"created_at\":"
			 "\"2025-01-02\"}\n");
	(void)c;
	struct load_report reps[LOAD_TABLES];
	int n = -1;
	memset(&r, 0, sizeof r);
	r.sink.base.ops = &cap_ops;
	r.job = (struct rd_job){.store = st, .out = &r.sink.base};
	struct load_opts o = {0};
	assert_int_equal(load_dir(&r.job, dir, &o, reps, &n, &r.err), -1);
	assert_int_equal(n, 0);
	assert_has(diags(&r), "payments.ndjson:2: column 'order_id': unknown order 'O2'");
	/* One transaction: the good customers and orders files are not committed either. */
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers"), 0);
	assert_int_equal(test_int(st, "SELECT count(*) FROM orders"), 0);
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs WHERE status = 'failed'"), 1);
	run_free(&r);
	file_str("d/payments.ndjson",
		 "{\"id\":\"P1\",\"customer_id\":\"C2\",\"order_id\":\"O1\","
		 "\"method\":\"bank\",\"success\":false,\"amount\":3,\"created_at\":"
		 "\"2025-01-02\"}\n");
	(void)pay;
	memset(&r, 0, sizeof r);
	r.sink.base.ops = &cap_ops;
	r.job = (struct rd_job){.store = st, .out = &r.sink.base};
	assert_int_equal(load_dir(&r.job, dir, &o, reps, &n, &r.err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(reps[0].table, "customers");
	assert_string_equal(reps[1].table, "orders");
	assert_string_equal(reps[2].table, "payments");
	assert_int_equal(reps[2].inserted, 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM payments WHERE success = 0"), 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs WHERE status = 'ok'"), 1);
	assert_int_equal(test_int(st, "PRAGMA foreign_keys"), 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	run_free(&r);
	/* Two files for one table are refused. */
	file_str("d/orders.csv", "id,customer_id,amount,status,created_at\n");
	memset(&r, 0, sizeof r);
	r.sink.base.ops = &cap_ops;
	r.job = (struct rd_job){.store = st, .out = &r.sink.base};
	assert_int_equal(load_dir(&r.job, dir, &o, reps, &n, &r.err), -1);
	assert_has(r.err.msg, "keep one");
	run_free(&r);
	/* --skip-bad, then a later file fails: no rejects file is left for a load that
	 * committed nothing. */
	char dir2[600], rej[700];
	snprintf(dir2, sizeof dir2, "%s2", dir);
	mkdir(dir2, 0700);
	char path[700];
	snprintf(path, sizeof path, "%s/customers.csv", dir2);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("id,kind\nC7,individual\nC8,robot\n", f);
	fclose(f);
	snprintf(path, sizeof path, "%s/orders.csv", dir2);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("id,customer_id,amount,status,created_at\nO9,C7,1,placed,\"2025-01-01\n", f);
	fclose(f);
	snprintf(rej, sizeof rej, "%s/customers.csv.rejects.csv", dir2);
	memset(&r, 0, sizeof r);
	r.sink.base.ops = &cap_ops;
	r.job = (struct rd_job){.store = st, .out = &r.sink.base};
	o.skip_bad = 1;
	assert_int_equal(load_dir(&r.job, dir2, &o, reps, &n, &r.err), -1);
	assert_has(r.err.msg, "orders.csv:2: malformed CSV");
	assert_int_equal(access(rej, F_OK), -1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers WHERE id = 'C7'"), 0);
	run_free(&r);
	store_close(st);
}

static void test_command(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	char line[1200];
	const char *c = file_str("cmd.csv", "id,name\nC1,Ann\nC2,\"B\n");
	snprintf(line, sizeof line, "load customers '%s'", c);
	assert_int_equal(test_run(st, line, &err), RD_FAILED);
	assert_has(err.msg, "never closed");
	c = file_str("cmd.csv", "id,name\nC1,Ann\nC2,Bob\n");
	assert_int_equal(test_run(st, line, &err), RD_OK);
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers"), 2);
	assert_int_equal(
		test_int(st, "SELECT count(*) FROM audit WHERE command LIKE 'load customers%'"), 2);
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs WHERE kind = 'load'"), 2);
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs WHERE args LIKE 'load customers %'"
				      " AND user != ''"),
			 2);
	snprintf(line, sizeof line, "load orders '%s' --skip-bad --delim ab", c);
	assert_int_equal(test_run(st, line, &err), RD_USAGE);
	assert_has(err.msg, "--delim 'ab'");
	assert_int_equal(test_run(st, "load /nonexistent-dir", &err), RD_USAGE);
	assert_has(err.msg, "is not a directory");
	snprintf(line, sizeof line, "load loans '%s'", c);
	assert_int_equal(test_run(st, line, &err), RD_USAGE);
	assert_has(err.msg, "unknown table 'loans'");
	store_close(st);
}

static void test_cancel(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	struct rd_buf b = {0};
	buf_puts(&b, "id,name\n");
	for (int i = 0; i < 10000; i++)
		buf_printf(&b, "C%05d,n%d\n", i, i);
	const char *p = test_file("many.csv", b.data, b.len);
	buf_free(&b);
	atomic_int cancel = 1;
	memset(&r, 0, sizeof r);
	r.sink.base.ops = &cap_ops;
	r.job = (struct rd_job){.store = st, .out = &r.sink.base};
	r.job.cancel = &cancel;
	struct load_opts o = {0};
	assert_int_equal(load_file(&r.job, "customers", p, &o, &r.rep, &r.err), -1);
	assert_has(r.err.msg, "cancelled");
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers"), 0);
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs WHERE status = 'cancelled'"), 1);
	assert_int_equal(test_int(st, "PRAGMA foreign_keys"), 1);
	run_free(&r);
	store_close(st);
}

/* ---- hostile input (issue 9) ---- */

/* Rows of every table the loader writes, for "nothing changed". */
static long long data_rows(struct rd_store *st)
{
	return test_int(st, "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM"
			    " attributes) + (SELECT count(*) FROM customer_attributes) + (SELECT"
			    " count(*) FROM orders) + (SELECT count(*) FROM payments) + (SELECT"
			    " count(*) FROM outcomes)");
}

/* The directory test_file writes into. */
static void test_dir(char *out, size_t n, const char *sub)
{
	const char *base = test_file("marker", "", 0);
	snprintf(out, n, "%.*s/%s", (int)(strrchr(base, '/') - base), base, sub);
}

static void test_not_regular(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	char dir[512], fifo[600];
	two_customers(st);
	long long before = data_rows(st);
	/* A FIFO nobody writes to: refused at once (no reader may wait on it, least of all
	 * while holding the write lock). The alarm stops a test that would hang. */
	test_dir(fifo, sizeof fifo, "pipe.csv");
	unlink(fifo);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	alarm(10);
	assert_int_equal(load(&r, st, "customers", fifo, NULL, 0), -1);
	alarm(0);
	assert_non_null(strstr(r.err.msg, "pipe.csv: a FIFO (named pipe), not a regular file"));
	run_free(&r);
	/* A directory or a device where a file is expected. */
	test_dir(dir, sizeof dir, "");
	assert_int_equal(load(&r, st, "customers", dir, NULL, 0), -1);
	assert_non_null(strstr(r.err.msg, ": a directory, not a regular file"));
	run_free(&r);
	assert_int_equal(load(&r, st, "customers", "/dev/null", NULL, 0), -1);
	assert_string_equal(r.err.msg, "/dev/null: a character device, not a regular file");
	run_free(&r);
	/* load DIR: a FIFO under a table's name is refused, not skipped; nothing loads. */
	test_dir(dir, sizeof dir, "fd");
	mkdir(dir, 0700);
	file_str("fd/customers.csv", "id\nC7\n");
	snprintf(fifo, sizeof fifo, "%s/orders.csv", dir);
	unlink(fifo);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	memset(&r, 0, sizeof r);
	r.sink.base.ops = &cap_ops;
	r.job = (struct rd_job){.store = st, .out = &r.sink.base};
	struct load_opts o = {0};
	struct load_report reps[4];
	int n = -1;
	alarm(10);
	assert_int_equal(load_dir(&r.job, dir, &o, reps, &n, &r.err), -1);
	alarm(0);
	assert_int_equal(n, 0);
	assert_non_null(
		strstr(r.err.msg, "fd/orders.csv: a FIFO (named pipe), not a regular file"));
	run_free(&r);
	/* A directory named like a dataset file is refused the same way. */
	unlink(fifo);
	mkdir(fifo, 0700);
	assert_int_equal(load_dir(&r.job, dir, &o, reps, &n, &r.err), -1);
	assert_non_null(strstr(r.err.msg, "fd/orders.csv: a directory, not a regular file"));
	rmdir(fifo);
	assert_int_equal(data_rows(st), before);
	/* Each refusal is a failed run, like any failed load. */
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs WHERE kind = 'load' AND status = "
				      "'failed'"),
			 5);
	store_close(st);
}

static void test_nul_bytes(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	two_customers(st);
	long long before = data_rows(st);
	/* CSV: 'C0001\0x' would be stored whole and shown as C0001, a second C0001. */
	static const char csv[] = "id,name\nC0001,Ann\nC0001\0x,Bob\n";
	const char *p = test_file("nul.csv", csv, sizeof csv - 1);
	assert_has(load_fails(&r, st, "customers", p),
		   "nul.csv:3: column 'id': 'C0001?x' contains a NUL byte (at byte 6)");
	run_free(&r);
	/* Whitespace-separated text, and an attribute (a column of no fixed table field). */
	static const char ws[] = "id name age\nC5 Eve 4\0x\n";
	p = test_file("nul.txt", ws, sizeof ws - 1);
	memset(&r, 0, sizeof r);
	r.sink.base.ops = &cap_ops;
	r.job = (struct rd_job){.store = st, .out = &r.sink.base};
	struct load_opts wo = {.delim = ' '};
	assert_int_equal(load_file(&r.job, "customers", p, &wo, &r.rep, &r.err), -1);
	assert_has(diags(&r), "nul.txt:2: column 'age': '4?x' contains a NUL byte (at byte 2)");
	run_free(&r);
	/* JSON: \u0000 in a value, an id and a key. cJSON decodes it and its C string ends
	 * there, so the value, the id and the key would be cut. */
	p = file_str("nul.json", "[{\"id\":\"J1\",\"name\":\"a\\u0000b\"},\n"
				 "{\"id\":\"J2\\u0000zz\",\"name\":\"c\"},\n"
				 "{\"id\":\"J3\",\"seg\\u0000ment\":\"x\"}]");
	const char *d = load_fails(&r, st, "customers", p);
	assert_has(d, "nul.json:1: column 'name': 'a\\u0000b' contains \\u0000 (a NUL character)");
	assert_has(d, "nul.json:2: column 'id': 'J2\\u0000zz' contains \\u0000 (a NUL character)");
	assert_has(d, "nul.json:3: key 'seg\\u0000ment' contains \\u0000 (a NUL character)");
	run_free(&r);
	/* NDJSON likewise; an escaped backslash before u0000 is text and loads. */
	p = file_str("nul.ndjson", "{\"id\":\"J4\",\"name\":\"a\\\\u0000b\"}\n"
				   "{\"id\":\"J5\",\"name\":\"\\u0000\"}\n");
	assert_has(load_fails(&r, st, "customers", p),
		   "nul.ndjson:2: column 'name': '\\u0000' contains \\u0000 (a NUL character)");
	run_free(&r);
	/* A raw NUL byte, which cJSON reads as a blank or keeps in a string: invalid JSON. */
	static const char raw[] = "{\"id\":\"J6\"}\n{\"id\":\"J7\",\0\"name\":\"x\"}\n";
	p = test_file("raw.ndjson", raw, sizeof raw - 1);
	assert_int_equal(load(&r, st, "customers", p, NULL, 0), -1);
	assert_has(r.err.msg, "raw.ndjson:2: invalid JSON: a NUL byte at column 12");
	run_free(&r);
	assert_int_equal(data_rows(st), before);
	/* --skip-bad rejects such rows and loads the others. */
	p = file_str("nul2.json", "[{\"id\":\"J8\",\"name\":\"a\\u0000b\"},{\"id\":\"J9\"}]");
	assert_int_equal(load(&r, st, "customers", p, NULL, 1), 0);
	assert_int_equal(r.rep.inserted, 1);
	assert_int_equal(r.rep.rejected, 1);
	run_free(&r);
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers WHERE id = 'J9'"), 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers WHERE instr(id, char(0)) > 0"
				      " OR instr(name, char(0)) > 0"),
			 0);
	store_close(st);
}

static void test_json_numbers(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	char v[64];
	/* Both ids are distinct: as doubles they were one, ...992, and a duplicate. */
	const char *p = file_str("big.json",
				 "[{\"id\":9007199254740993,\"name\":\"a\"},\n"
				 " {\"id\":9007199254740992,\"name\":\"b\"},\n"
				 " {\"id\":7.50,\"name\":\"c\",\"score\":-0.0,\"big\":1E+2}]");
	assert_int_equal(load(&r, st, "customers", p, NULL, 0), 0);
	assert_int_equal(r.rep.inserted, 3);
	run_free(&r);
	assert_string_equal(text_of(st, "SELECT name FROM customers WHERE id = '9007199254740993'",
				    v, sizeof v),
			    "a");
	assert_string_equal(text_of(st, "SELECT name FROM customers WHERE id = '9007199254740992'",
				    v, sizeof v),
			    "b");
	/* Every number keeps its text as written; attributes get its value too. */
	assert_string_equal(text_of(st, "SELECT name FROM customers WHERE id = '7.50'", v,
				    sizeof v),
			    "c");
	assert_string_equal(text_of(st,
				    "SELECT value || ' ' || num FROM customer_attributes"
				    " WHERE customer_id = '7.50' AND name = 'big'",
				    v, sizeof v),
			    "1E+2 100.0");
	assert_string_equal(text_of(st,
				    "SELECT value FROM customer_attributes"
				    " WHERE customer_id = '7.50' AND name = 'score'",
				    v, sizeof v),
			    "-0.0");
	/* Orders: the amount is the number, its id the literal. */
	p = file_str("o.ndjson",
		     "{\"id\":12345678901234567890,\"customer_id\":9007199254740993,"
		     "\"amount\":19.90,\"status\":\"placed\",\"created_at\":\"2025-01-01\"}\n");
	assert_int_equal(load(&r, st, "orders", p, NULL, 0), 0);
	run_free(&r);
	assert_string_equal(text_of(st,
				    "SELECT customer_id || ' ' || amount FROM orders"
				    " WHERE id = '12345678901234567890'",
				    v, sizeof v),
			    "9007199254740993 19.9");
	/* A number beyond a double: refused with its line and column, not stored as null. */
	long long before = data_rows(st);
	p = file_str("inf.json", "[{\"id\":\"E1\"},\n{\"id\":\"E2\",\"x\":1e400},\n"
				 "{\"id\":\"E3\",\"x\":-1E+999}]");
	const char *d = load_fails(&r, st, "customers", p);
	assert_has(d, "inf.json:2: column 'x': '1e400' is out of the range of a number (beyond"
		      " 1.8e308)");
	assert_has(d, "inf.json:3: column 'x': '-1E+999' is out of the range of a number");
	run_free(&r);
	p = file_str("infa.ndjson", "{\"id\":\"O9\",\"customer_id\":\"7.50\",\"amount\":1e309,"
				    "\"status\":\"placed\",\"created_at\":\"2025-01-01\"}\n");
	assert_has(load_fails(&r, st, "orders", p),
		   "infa.ndjson:1: column 'amount': '1e309' is out of the range of a number");
	run_free(&r);
	assert_int_equal(data_rows(st), before);
	store_close(st);
}

static void test_json_duplicate_keys(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	/* cJSON keeps both; the loader took one silently. */
	const char *p = file_str("dup.json", "[{\"id\":\"D1\",\"name\":\"a\"},\n"
					     "{\"id\":\"D2\",\"name\":\"a\",\"name\":\"b\"},\n"
					     "{\"id\":\"D3\",\"Name\":\"a\",\" name \":\"b\"},\n"
					     "{\"id\":\"D4\",\"id\":\"D5\"}]");
	const char *d = load_fails(&r, st, "customers", p);
	assert_has(d, "dup.json:2: key 'name' appears twice in the object");
	assert_has(d, "dup.json:3: keys 'Name' and ' name ' name one column");
	assert_has(d, "dup.json:4: key 'id' appears twice in the object");
	assert_has(r.err.msg, "3 invalid rows in ");
	assert_has(r.err.msg, "dup.json; nothing was loaded");
	run_free(&r);
	assert_int_equal(data_rows(st), 0);
	/* The same key in nested objects or in different objects is fine (a nested value is
	 * refused for what it is, not for its keys). */
	p = file_str("dup2.ndjson",
		     "{\"id\":\"D6\",\"name\":\"a\"}\n{\"id\":\"D7\",\"name\":\"b\"}\n");
	assert_int_equal(load(&r, st, "customers", p, NULL, 0), 0);
	run_free(&r);
	/* With many keys the check stays linear: 20000 distinct keys, then one repeated. */
	struct rd_buf b = {0};
	buf_puts(&b, "{\"id\":\"W1\"");
	for (int i = 0; i < 20000; i++)
		buf_printf(&b, ",\"k%d\":%d", i, i);
	buf_puts(&b, ",\"k17\":1}\n");
	p = test_file("wide.ndjson", b.data, b.len);
	buf_free(&b);
	assert_has(load_fails(&r, st, "customers", p), "wide.ndjson:1: key 'k17' appears twice");
	run_free(&r);
	store_close(st);
}

static void test_dates_and_echo(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	/* Year 0000 is refused; 0001 and 9999 load. */
	const char *p = file_str("y.csv", "id,created_at\nY1,0001-01-01\nY2,0000-06-01\n"
					  "Y3,9999-12-31T23:59:59Z\n");
	assert_has(load_fails(&r, st, "customers", p), "y.csv:3: column 'created_at': '0000-06-01'"
						       " is not an ISO 8601 date");
	run_free(&r);
	assert_int_equal(data_rows(st), 0);
	/* A 60000-byte id given twice: the error quotes 60 characters and the size. */
	struct rd_buf b = {0};
	buf_puts(&b, "id,name\n");
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < 60000; i++)
			buf_putc(&b, 'X');
		buf_puts(&b, ",n\n");
	}
	p = test_file("long.csv", b.data, b.len);
	buf_free(&b);
	const char *d = load_fails(&r, st, "customers", p);
	assert_has(d, "long.csv:3: column 'id': duplicate id 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
		      "XXXXXXXXXXXXXXXXXXXXXXXX\xe2\x80\xa6' (60000 bytes) (first on line 2)");
	assert_true(strlen(d) < 200);
	run_free(&r);
	/* A column name of 1000 bytes in a message is cut too. */
	b = (struct rd_buf){0};
	buf_puts(&b, "id,");
	for (int i = 0; i < 1000; i++)
		buf_putc(&b, 'c');
	buf_append(&b, "\nL1,\"a\0\"\n", 9);
	p = test_file("longcol.csv", b.data, b.len);
	buf_free(&b);
	d = load_fails(&r, st, "customers", p);
	assert_has(d, "' (1000 bytes): 'a?' contains a NUL byte");
	assert_true(strlen(d) < 200);
	run_free(&r);
	store_close(st);
}

static void test_mapping_hostile(void **state)
{
	(void)state;
	struct rd_err err = {{0}};
	static const struct {
		const char *json;
		const char *want;
	} cases[] = {
		/* An empty or blank column name would make an attribute without a name. */
		{"{\"defaults\": {\"\": \"x\"}}",
		 "m.json: 'defaults': the key '' is not a column name"},
		{"{\"defaults\": {\" \\t\": \"x\"}}",
		 "m.json: 'defaults': the key ' ?' is not a column"},
		{"{\"types\": {\"\": \"numeric\"}}",
		 "m.json: 'types': the key '' is not a column name"},
		{"{\"recode\": {\"\": {\"a\": \"b\"}}}",
		 "m.json: 'recode': the key '' is not a column"},
		{"{\"ignore\": [\" \"]}", "m.json: 'ignore' item 1 must be a column name"},
		/* \u0000 anywhere in a string: cJSON would cut the name or value there. */
		{"{\n\"defaults\": {\"seg\\u0000ment\": \"x\"}}",
		 "m.json:2:18: invalid JSON: \\u0000 (NUL) in a string"},
		{"{\"recode\": {\"a\": {\"x\": \n\"y\\u0000\"}}}",
		 "m.json:2:3: invalid JSON: \\u0000 (NUL) in a string"},
		/* A column named twice, ignoring case. */
		{"{\"defaults\": {\"Age\": 1, \"age\": 2}}",
		 "m.json: 'defaults' names 'age' twice"},
		{"{\"types\": {\"a\": \"numeric\", \"A\": \"numeric\"}}",
		 "'types' names 'A' twice"},
		/* A number a double does not hold: refused, not written as null or rounded. */
		{"{\"defaults\": {\"age\": 1e400}}",
		 "m.json:1:22: invalid JSON: a number beyond the range"},
		{"{\"defaults\": {\"id\": 9007199254740993}}", "write others as a string"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct rd_mapping *m = mapping_parse(cases[i].json, strlen(cases[i].json), "m.json",
						     &err);
		if (m)
			fail_msg("accepted %s", cases[i].json);
		assert_has(err.msg, cases[i].want);
	}
	/* A raw NUL byte inside a string. */
	static const char raw[] = "{\"defaults\": {\"a\0b\": \"x\"}}";
	assert_null(mapping_parse(raw, sizeof raw - 1, "m.json", &err));
	assert_has(err.msg, "m.json:1:17: invalid JSON: a control character");
	/* The loader refuses such a mapping before touching the store. */
	struct rd_store *st = test_store();
	struct run r;
	const char *map = file_str("em.json", "{\"defaults\": {\"\": \"x\"}}");
	const char *p = file_str("em.csv", "id,name\nM1,a\n");
	assert_int_equal(load(&r, st, "customers", p, map, 0), -1);
	assert_has(r.err.msg, "em.json: 'defaults': the key '' is not a column name");
	run_free(&r);
	assert_int_equal(data_rows(st), 0);
	store_close(st);
}

/* ---- fast load (issue 15, item 1) ---- */

/* A key the file repeats is found by the upsert (a row the file inserted) or by the keys of
 * the rows it replaced; the first line is right after rows of several lines, blank lines,
 * replaced and bad rows; the repeat changes nothing. */
static void test_duplicates_found_by_the_table(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	char t[64];
	two_customers(st);
	static const char csv[] = "id,name,kind\n"
				  "N1,\"two\nlines\",individual\n"
				  "\n"
				  "C1,replaced,individual\n"
				  "N2,b,company\n"
				  "N3,c,robot\n"
				  "N4,d,individual\n"
				  "N1,again,individual\n"
				  "N4,again,individual\n"
				  "C1,again,individual\n"
				  "N2,again,individual\n";
	const char *p = file_str("dupl.csv", csv);
	const char *d = load_fails(&r, st, "customers", p);
	assert_has(d, "dupl.csv:7: column 'kind': 'robot' is not individual or company");
	assert_has(d, "dupl.csv:9: column 'id': duplicate id 'N1' (first on line 2)");
	assert_has(d, "dupl.csv:10: column 'id': duplicate id 'N4' (first on line 8)");
	assert_has(d, "dupl.csv:11: column 'id': duplicate id 'C1' (first on line 5)");
	assert_has(d, "dupl.csv:12: column 'id': duplicate id 'N2' (first on line 6)");
	assert_int_equal(r.sink.ndiags, 5);
	run_free(&r);
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers"), 2);
	assert_string_equal(text_of(st, "SELECT name FROM customers WHERE id = 'C1'", t, sizeof t),
			    "Ann");
	/* --skip-bad: the first of each key is written, the repeats are rejected. */
	assert_int_equal(load(&r, st, "customers", p, NULL, 1), 0);
	assert_int_equal(r.rep.rejected, 5);
	assert_int_equal(r.rep.inserted, 3);
	assert_int_equal(r.rep.replaced, 1);
	assert_has(diags(&r), "dupl.csv:11: column 'id': duplicate id 'C1' (first on line 5)");
	run_free(&r);
	assert_string_equal(text_of(st, "SELECT name FROM customers WHERE id = 'C1'", t, sizeof t),
			    "replaced");
	assert_string_equal(text_of(st, "SELECT name FROM customers WHERE id = 'N4'", t, sizeof t),
			    "d");
	assert_string_equal(text_of(st, "SELECT name FROM customers WHERE id = 'N1'", t, sizeof t),
			    "two\nlines");
	store_close(st);
}

/* References checked through a window of ids: more customers than the largest window, in
 * order with unknown ids between known ones, then backwards. */
static void test_reference_windows(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	struct rd_buf b = {0};
	buf_puts(&b, "id\n");
	for (int i = 0; i < 10000; i += 2)
		buf_printf(&b, "K%05d\n", i);
	const char *p = test_file("kw.csv", b.data, b.len);
	assert_int_equal(load(&r, st, "customers", p, NULL, 0), 0);
	run_free(&r);
	buf_reset(&b);
	buf_puts(&b, "id,customer_id,amount,status,created_at\n");
	int n = 0, unknown = 0;
	for (int i = 0; i < 10000; i += 2) {
		buf_printf(&b, "O%06d,K%05d,1,placed,2025-01-01\n", n++, i);
		if (i % 334 == 0) { /* odd: between two known ids */
			buf_printf(&b, "O%06d,K%05d,1,placed,2025-01-01\n", n++, i + 1);
			unknown++;
		}
	}
	for (int i = 9998; i >= 0; i -= 98)
		buf_printf(&b, "O%06d,K%05d,1,placed,2025-01-01\n", n++, i);
	buf_printf(&b, "O%06d,K99999,1,placed,2025-01-01\n", n++);
	unknown++;
	p = test_file("ow.csv", b.data, b.len);
	load_fails(&r, st, "orders", p);
	char want[64];
	snprintf(want, sizeof want, "%d invalid rows", unknown);
	assert_has(r.err.msg, want);
	assert_has(diags(&r), "column 'customer_id': unknown customer 'K00001'");
	run_free(&r);
	/* Without the unknown ones, every row is in. */
	buf_reset(&b);
	buf_puts(&b, "id,customer_id,amount,status,created_at\n");
	for (int i = 0; i < 10000; i += 2)
		buf_printf(&b, "O%06d,K%05d,1,placed,2025-01-01\n", i, i);
	p = test_file("ow2.csv", b.data, b.len);
	assert_int_equal(load(&r, st, "orders", p, NULL, 0), 0);
	assert_int_equal(r.rep.inserted, 5000);
	run_free(&r);
	buf_free(&b);
	store_close(st);
}

/* The first and last event dates: noted by each load, exact after a replaced row moved
 * the last one back, and read by a scan after rows written behind riskdesk's back. */
static void test_event_dates(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct run r;
	struct rd_err err;
	char t[96], *lo, *hi;
	int64_t day, e;
	two_customers(st);
	const char *p = file_str("ed.csv", "id,customer_id,amount,status,created_at\n"
					   "O1,C1,1,placed,2025-02-01\n"
					   "O2,C2,1,placed,2025-03-15T10:00:00Z\n");
	assert_int_equal(load(&r, st, "orders", p, NULL, 0), 0);
	run_free(&r);
	assert_string_equal(text_of(st, "SELECT value FROM meta WHERE key = 'dates.orders'", t,
				    sizeof t),
			    "2\t2025-02-01\t2025-03-15T10:00:00Z");
	p = file_str("ed2.csv", "id,customer_id,amount,status,created_at\n"
				"O3,C1,1,placed,2025-01-20\n");
	assert_int_equal(load(&r, st, "orders", p, NULL, 0), 0);
	run_free(&r);
	assert_string_equal(text_of(st, "SELECT value FROM meta WHERE key = 'dates.orders'", t,
				    sizeof t),
			    "3\t2025-01-20\t2025-03-15T10:00:00Z");
	/* O2, the last, moves back: the noted last date follows. */
	p = file_str("ed3.csv", "id,customer_id,amount,status,created_at\n"
				"O2,C2,1,placed,2025-02-10\n");
	assert_int_equal(load(&r, st, "orders", p, NULL, 0), 0);
	run_free(&r);
	assert_int_equal(events_dates(st, "orders", &lo, &hi, &err), 0);
	assert_string_equal(lo, "2025-01-20");
	assert_string_equal(hi, "2025-02-10");
	free(lo);
	free(hi);
	assert_int_equal(features_as_of(st, NULL, &day, &err), 0);
	assert_int_equal(date_parse("2025-02-10", 10, &e), 0);
	assert_int_equal(day, epoch_day(e));
	/* Written behind riskdesk's back: the meta is old, a scan reads the dates. */
	assert_int_equal(sqlite3_exec(store_db(st),
				      "INSERT INTO orders VALUES ('X', 'C1', 1, 'placed', "
				      "'2025-04-01')",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(events_dates(st, "orders", &lo, &hi, &err), 0);
	assert_string_equal(hi, "2025-04-01");
	free(lo);
	free(hi);
	assert_int_equal(events_dates(st, "payments", &lo, &hi, &err), 0);
	assert_null(lo);
	assert_null(hi);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_quotes_and_lines),
		cmocka_unit_test(test_bom_and_header_case),
		cmocka_unit_test(test_empty_and_header_only),
		cmocka_unit_test(test_ragged_and_utf8),
		cmocka_unit_test(test_huge_field),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_duplicates_and_error_cap),
		cmocka_unit_test(test_duplicates_found_by_the_table),
		cmocka_unit_test(test_reference_windows),
		cmocka_unit_test(test_event_dates),
		cmocka_unit_test(test_reference_order),
		cmocka_unit_test(test_bulk_indexes),
		cmocka_unit_test(test_all_or_nothing),
		cmocka_unit_test(test_skip_bad),
		cmocka_unit_test(test_reload_replaces),
		cmocka_unit_test(test_json_array),
		cmocka_unit_test(test_ndjson),
		cmocka_unit_test(test_mapping_errors),
		cmocka_unit_test(test_mapping_apply),
		cmocka_unit_test(test_mapping_missing_special),
		cmocka_unit_test(test_mapping_labels),
		cmocka_unit_test(test_german),
		cmocka_unit_test(test_taiwan),
		cmocka_unit_test(test_load_dir),
		cmocka_unit_test(test_command),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_not_regular),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_json_numbers),
		cmocka_unit_test(test_json_duplicate_keys),
		cmocka_unit_test(test_dates_and_echo),
		cmocka_unit_test(test_mapping_hostile),
		cmocka_unit_test(test_requests_validation),
		cmocka_unit_test(test_records_validation),
		cmocka_unit_test(test_requests_records_all_or_nothing),
		cmocka_unit_test(test_requests_replace),
		cmocka_unit_test(test_records_formats),
		cmocka_unit_test(test_requests_records_dir),
		cmocka_unit_test(test_requests_mapping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
