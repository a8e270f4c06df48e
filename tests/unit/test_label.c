/* Proxy labels (label.h): `label proxy --rfm` on four groups of customers whose recency,
 * frequency and monetary value set them apart, --bad-share, observed outcomes winning,
 * `label clear`, and the label source a trained model records and shows. */
#include "testutil.h"

#include <math.h>

#include "riskdesk/label.h"
#include "riskdesk/view.h"

static void exec_ok(struct rd_store *st, const char *sql)
{
	struct rd_err err = {{0}};
	if (store_exec(st, sql, &err))
		fail_msg("%s: %s", sql, err.msg);
}

static void run_ok(struct rd_store *st, const char *line)
{
	struct rd_err err = {{0}};
	if (test_run(st, line, &err) != RD_OK)
		fail_msg("%s: %s", line, err.msg);
}

/* Ten customers in each of four groups, all orders delivered:
 *   a: 1 order 300 days before 2025-06-30, of 20 + i;
 *   b: 5 orders, the last 100 days before, of 50 + i each;
 *   c: 15 orders, the last 20 days before, of 80 + i;
 *   d: 40 orders, the last 2 days before (the as-of date, 2025-06-28), of 100 + i.
 * i = 1 … 10 is the customer's number in its group: within a group only the monetary
 * value differs, so the least engaged customers of a group are its lowest numbers. */
static struct rd_store *fixture(void)
{
	struct rd_store *st = test_store();
	exec_ok(st, "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 10),"
		    " g(name) AS (VALUES ('a'), ('b'), ('c'), ('d'))"
		    " INSERT INTO customers(id, created_at) SELECT name || printf('%02d', i),"
		    " '2024-01-01' FROM g, k ORDER BY name, i");
	exec_ok(st,
		"WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 10),"
		" n(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM n WHERE j < 40),"
		" g(name, cnt, last, gap, base) AS (VALUES ('a', 1, 300, 1, 20),"
		" ('b', 5, 100, 10, 50), ('c', 15, 20, 5, 80), ('d', 40, 2, 2, 100))"
		" INSERT INTO orders(id, customer_id, amount, status, created_at)"
		" SELECT name || printf('%02d-%02d', i, j), name || printf('%02d', i), base + i,"
		" 'delivered', date('2025-06-30', '-' || (last + (j - 1) * gap) || ' days')"
		" FROM g, k, n WHERE j <= cnt");
	return st;
}

static long long bads_like(struct rd_store *st, const char *group)
{
	char sql[160];
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM outcomes WHERE defaulted = 1 AND"
		 " source = 'proxy' AND customer_id LIKE '%s%%'",
		 group);
	return test_int(st, sql);
}

/* K = 4 finds the four groups; the least engaged (a) is bad, everyone else good; the run
 * and the audit say so; the meta row keeps the clustering. */
static void test_least_engaged_cluster(void **state)
{
	(void)state;
	struct rd_store *st = fixture();
	run_ok(st, "label proxy --rfm");
	assert_int_equal(test_int(st, "SELECT count(*) FROM outcomes WHERE source = 'proxy'"), 40);
	assert_int_equal(test_int(st, "SELECT sum(defaulted) FROM outcomes"), 10);
	assert_int_equal(bads_like(st, "a"), 10);
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM outcomes WHERE observed_at = '2025-06-28'"),
			 40);
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs WHERE kind = 'label proxy' AND"
				      " status = 'ok' AND rows = 40"),
			 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM audit WHERE command ="
				      " 'label proxy --rfm' AND status = 'ok'"),
			 1);
	/* Four clusters of ten, least engaged first, its centroid's engagement the lowest. */
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM meta, json_each(meta.value, '$.clusters') c"
				  " WHERE meta.key = 'proxy_labels'"
				  " AND json_extract(c.value, '$.customers') = 10"),
			 4);
	assert_int_equal(test_int(st, "SELECT json_extract(value, '$.clusters[0].bads') = 10 AND"
				      " json_extract(value, '$.clusters[0].engagement') <"
				      " json_extract(value, '$.clusters[1].engagement') AND"
				      " json_extract(value, '$.clusters[1].engagement') <"
				      " json_extract(value, '$.clusters[2].engagement')"
				      " FROM meta WHERE key = 'proxy_labels'"),
			 1);
	char summary[160];
	label_proxy_summary(st, summary, sizeof summary);
	assert_string_equal(summary, "rfm, k=4, seed 42, least engaged cluster, as of 2025-06-28");
	/* Reproducible: the same command gives the same labels, replacing the earlier ones. */
	exec_ok(st, "CREATE TEMP TABLE first AS SELECT * FROM outcomes");
	run_ok(st, "label proxy --rfm");
	assert_int_equal(test_int(st, "SELECT count(*) FROM outcomes JOIN temp.first f USING"
				      " (customer_id) WHERE outcomes.defaulted = f.defaulted"),
			 40);
	store_close(st);
}

/* --bad-share P labels round(P·n) bad: whole clusters from the least engaged while they
 * fit, then the least engaged customers of the next. 0.35 of 40 = 14: all of a and b01 …
 * b04; 0.2 = 8: a01 … a08. */
static void test_bad_share(void **state)
{
	(void)state;
	struct rd_store *st = fixture();
	run_ok(st, "label proxy --rfm --bad-share 0.35");
	assert_int_equal(test_int(st, "SELECT sum(defaulted) FROM outcomes"), 14);
	assert_int_equal(bads_like(st, "a"), 10);
	assert_int_equal(test_int(st, "SELECT count(*) FROM outcomes WHERE defaulted = 1 AND"
				      " customer_id IN ('b01', 'b02', 'b03', 'b04')"),
			 4);
	run_ok(st, "label proxy --rfm --bad-share 0.2");
	assert_int_equal(test_int(st, "SELECT sum(defaulted) FROM outcomes"), 8);
	assert_int_equal(test_int(st, "SELECT count(*) FROM outcomes WHERE defaulted = 1 AND"
				      " customer_id BETWEEN 'a01' AND 'a08'"),
			 8);
	char summary[160];
	label_proxy_summary(st, summary, sizeof summary);
	assert_string_equal(summary, "rfm, k=4, seed 42, bad share 0.2, as of 2025-06-28");
	store_close(st);
}

/* Observed outcomes win: label proxy refuses beside them (nothing written, audited
 * failed); --force labels only the others; a load of an observed outcome replaces a proxy
 * label; label clear removes the proxy labels and keeps the observed ones. */
static void test_observed_wins(void **state)
{
	(void)state;
	struct rd_store *st = fixture();
	struct rd_err err = {{0}};
	exec_ok(st, "INSERT INTO outcomes(customer_id, defaulted, observed_at) SELECT id, 1,"
		    " '2025-05-01' FROM customers WHERE id BETWEEN 'a01' AND 'a05'");
	assert_int_equal(test_run(st, "label proxy --rfm", &err), RD_FAILED);
	assert_non_null(strstr(err.msg, "5 customers have observed outcomes"));
	assert_non_null(strstr(err.msg, "--force"));
	assert_int_equal(test_int(st, "SELECT count(*) FROM outcomes WHERE source = 'proxy'"), 0);
	assert_int_equal(test_int(st, "SELECT count(*) FROM audit WHERE command ="
				      " 'label proxy --rfm' AND status = 'failed'"),
			 1);
	run_ok(st, "label proxy --rfm --force");
	assert_int_equal(test_int(st, "SELECT count(*) FROM outcomes WHERE source = 'proxy'"), 35);
	assert_int_equal(test_int(st, "SELECT count(*) FROM outcomes WHERE source = 'observed'"
				      " AND defaulted = 1 AND observed_at = '2025-05-01'"),
			 5);
	assert_int_equal(bads_like(st, "a"), 5); /* a06 … a10: their own cluster */
	assert_int_equal(test_int(st, "SELECT sum(defaulted) FROM outcomes WHERE source = 'proxy'"),
			 5);

	const char *csv = "customer_id,defaulted,observed_at\na06,0,2025-07-01\n";
	char line[600];
	snprintf(line, sizeof line, "load outcomes %s", test_file("o.csv", csv, strlen(csv)));
	run_ok(st, line);
	assert_int_equal(test_int(st, "SELECT count(*) FROM outcomes WHERE customer_id = 'a06'"
				      " AND source = 'observed' AND defaulted = 0"),
			 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM outcomes WHERE source = 'proxy'"), 34);

	run_ok(st, "label clear");
	assert_int_equal(test_int(st, "SELECT count(*) FROM outcomes WHERE source = 'proxy'"), 0);
	assert_int_equal(test_int(st, "SELECT count(*) FROM outcomes WHERE source = 'observed'"),
			 6);
	assert_int_equal(test_int(st, "SELECT count(*) FROM meta WHERE key = 'proxy_labels'"), 0);
	assert_int_equal(test_int(st, "SELECT rows FROM runs WHERE kind = 'label clear'"), 34);
	store_close(st);
}

static void fails(struct rd_store *st, const char *line, int status, const char *msg)
{
	struct rd_err err = {{0}};
	int rc = test_run(st, line, &err);
	if (rc != status || !strstr(err.msg, msg))
		fail_msg("%s: status %d, message '%s'; expected %d and '%s'", line, rc, err.msg,
			 status, msg);
}

static void test_bad_input(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	fails(st, "label proxy", RD_USAGE, "--rfm");
	fails(st, "label proxy --rfm --clusters 1", RD_USAGE,
	      "--clusters must be a whole number"
	      " from 2 to 20, not '1'");
	fails(st, "label proxy --rfm --clusters 21", RD_USAGE, "from 2 to 20");
	fails(st, "label proxy --rfm --bad-share 1", RD_USAGE, "--bad-share must be a share");
	fails(st, "label proxy --rfm --bad-share 0", RD_USAGE, "--bad-share must be a share");
	fails(st, "label proxy --rfm --bad-share x", RD_USAGE, "not 'x'");
	fails(st, "label proxy --rfm --seed -1", RD_USAGE, "--seed must be a whole number");
	fails(st, "label sideways", RD_USAGE, "unknown subcommand 'sideways'");
	fails(st, "label --clusters 3", RD_USAGE, "options go with 'label proxy'");
	fails(st, "label clear --force", RD_USAGE, "takes no options");
	fails(st, "label proxy --rfm", RD_FAILED, "0 customers without an observed outcome");
	/* Customers without orders, all created the same day: nothing varies. */
	exec_ok(st, "INSERT INTO customers(id, created_at) VALUES ('x', '2025-01-01'),"
		    " ('y', '2025-01-01'), ('z', '2025-01-01')");
	fails(st, "label proxy --rfm --clusters 2", RD_FAILED, "the same for all 3 customers");
	/* Two distinct customers cannot make three clusters. */
	exec_ok(st, "INSERT INTO orders VALUES ('o1', 'x', 10, 'delivered', '2025-03-01')");
	fails(st, "label proxy --rfm --clusters 3", RD_FAILED, "fewer than 3 distinct");
	/* 0.1 of 3 customers rounds to nobody. */
	fails(st, "label proxy --rfm --clusters 2 --bad-share 0.1", RD_FAILED, "labels no one bad");
	assert_int_equal(test_int(st, "SELECT count(*) FROM outcomes"), 0);
	store_close(st);
}

static void test_cancelled(void **state)
{
	(void)state;
	struct rd_store *st = fixture();
	struct rd_sink *sink = sink_null_new();
	struct rd_ctx ctx;
	atomic_int cancel = 1;
	ctx_init(&ctx, st, sink);
	ctx.cancel = &cancel;
	assert_int_equal(cmd_run_line(&ctx, "label proxy --rfm"), RD_FAILED);
	assert_non_null(strstr(ctx.err.msg, "cancelled"));
	assert_int_equal(test_int(st, "SELECT count(*) FROM outcomes"), 0);
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs WHERE status = 'cancelled'"), 1);
	sink_free(sink);
	store_close(st);
}

static char *metrics_of(struct rd_store *st, const char *name)
{
	sqlite3_stmt *s;
	struct rd_err err = {{0}};
	assert_int_equal(store_prepare(st, "SELECT metrics FROM models WHERE name = ?1", &s, &err),
			 0);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	char *m = rd_strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return m;
}

/* A model trained on proxy labels records it and every reader says so; mixed labels are
 * counted; a model from observed outcomes says observed. */
static void test_model_label_source(void **state)
{
	(void)state;
	struct rd_store *st = fixture();
	struct rd_err err = {{0}};
	char text[256];
	run_ok(st, "label proxy --rfm");
	run_ok(st, "train p --algo logit");
	assert_int_equal(test_int(st,
				  "SELECT json_extract(metrics, '$.label_source.source') ="
				  " 'proxy' AND json_extract(metrics, '$.label_source.proxy') = 40"
				  " AND json_extract(metrics, '$.label_source.observed') = 0"
				  " FROM models WHERE name = 'p'"),
			 1);
	char *m = metrics_of(st, "p");
	assert_int_equal(label_source_describe(m, text, sizeof text), 1);
	assert_string_equal(text, "proxy labels: rfm, k=4, seed 42, least engaged cluster, as of"
				  " 2025-06-28 (40 rows)");
	free(m);
	/* The Profile of a customer scored by it. */
	run_ok(st, "promote p");
	run_ok(st, "recompute all");
	struct customer_view v;
	assert_int_equal(view_customer(st, "a01", &v, &err), 0);
	assert_string_equal(v.outcome_source, "proxy");
	assert_int_equal(v.defaulted, 1);
	assert_string_equal(v.label_source, text);

	/* Observed outcomes for a01 … a05, proxy labels for the rest: mixed. */
	exec_ok(st, "UPDATE outcomes SET source = 'observed' WHERE customer_id <= 'a05'");
	run_ok(st, "label proxy --rfm --force");
	run_ok(st, "train q --algo logit");
	m = metrics_of(st, "q");
	assert_int_equal(label_source_describe(m, text, sizeof text), 1);
	assert_string_equal(text, "mixed labels: 5 observed + 35 proxy (rfm, k=4, seed 42, least"
				  " engaged cluster, as of 2025-06-28)");
	free(m);

	/* Observed only. */
	run_ok(st, "label clear");
	exec_ok(st,
		"INSERT INTO outcomes(customer_id, defaulted) SELECT id, id < 'b' FROM customers"
		" WHERE id > 'a05'");
	run_ok(st, "train r --algo logit");
	m = metrics_of(st, "r");
	assert_int_equal(label_source_describe(m, text, sizeof text), 0);
	assert_string_equal(text, "observed outcomes (40 rows)");
	free(m);
	assert_int_equal(view_customer(st, "a01", &v, &err), 0);
	assert_int_equal(strncmp(v.label_source, "proxy labels:", 13), 0); /* p still serves */
	run_ok(st, "promote r");
	run_ok(st, "retire p");
	run_ok(st, "recompute all");
	assert_int_equal(view_customer(st, "a01", &v, &err), 0);
	assert_string_equal(v.label_source, "");
	assert_string_equal(v.outcome_source, "observed");
	/* Metrics from before proxy labels existed, or none. */
	assert_int_equal(label_source_describe("{\"auc\": 0.7}", text, sizeof text), 0);
	assert_string_equal(text, "observed outcomes");
	assert_int_equal(label_source_describe(NULL, text, sizeof text), 0);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_least_engaged_cluster),
		cmocka_unit_test(test_bad_share),
		cmocka_unit_test(test_observed_wins),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_cancelled),
		cmocka_unit_test(test_model_label_source),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
