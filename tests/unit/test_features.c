/* Features (SPEC section 4) and recompute through the command table. */
#include "testutil.h"

#include <math.h>

#include "riskdesk/featscan.h"
#include "riskdesk/score.h"

static void exec_ok(struct rd_store *st, const char *sql)
{
	struct rd_err err = {{0}};
	if (store_exec(st, sql, &err))
		fail_msg("%s: %s", sql, err.msg);
}

/* Customer a: 4 orders (2 delivered 100 and 50, 1 returned 30, 1 cancelled 20), the
 * last on 2025-06-20; 5 payments, 1 failed, 2 COD. Customer b: nothing. As of 2025-06-30. */
static struct rd_store *fixture(void)
{
	struct rd_store *st = test_store();
	exec_ok(st, "INSERT INTO customers(id, name, created_at) VALUES"
		    " ('a', 'Ann', '2024-06-30'), ('b', 'Bob', '2025-06-01T08:00:00Z')");
	exec_ok(st, "INSERT INTO orders VALUES"
		    " ('o1', 'a', 100, 'delivered', '2025-01-10T10:00:00Z'),"
		    " ('o2', 'a', 50, 'delivered', '2025-04-02T10:00:00Z'),"
		    " ('o3', 'a', 30, 'returned', '2025-04-01'),"
		    " ('o4', 'a', 20, 'cancelled', '2025-06-20T23:59:00Z')");
	exec_ok(st, "INSERT INTO payments VALUES"
		    " ('p1', 'a', 'o1', 'card', 1, 100, '2025-01-10'),"
		    " ('p2', 'a', 'o2', 'cod', 0, 50, '2025-04-02'),"
		    " ('p3', 'a', 'o2', 'cod', 1, 50, '2025-04-03'),"
		    " ('p4', 'a', 'o3', 'wallet', 1, 30, '2025-04-01'),"
		    " ('p5', 'a', NULL, 'bank', 1, 5, '2025-06-30T12:00:00Z')");
	return st;
}

static void check_a(const double *f)
{
	assert_true(f[FEAT_ORDERS_TOTAL] == 4);
	assert_true(f[FEAT_ORDERS_DELIVERED] == 2);
	assert_true(f[FEAT_ORDERS_RETURNED] == 1);
	assert_true(f[FEAT_ORDERS_CANCELLED] == 1);
	assert_true(f[FEAT_TOTAL_SPEND] == 150);
	assert_true(f[FEAT_AVG_ORDER_VALUE] == 75);
	assert_true(f[FEAT_RETURN_RATE] == 0.25);
	assert_true(f[FEAT_CANCEL_RATE] == 0.25);
	assert_true(f[FEAT_PAYMENTS_TOTAL] == 5);
	assert_true(f[FEAT_PAYMENTS_FAILED] == 1);
	assert_true(f[FEAT_FAILED_PAYMENT_RATE] == 0.2);
	assert_true(f[FEAT_COD_SHARE] == 0.4);
	assert_true(f[FEAT_RECENCY_DAYS] == 10); /* 2025-06-20 to 2025-06-30 */
	/* The 90 days up to 2025-06-30 start on 2025-04-02: o2 and o4 are in, o3 is not. */
	assert_true(f[FEAT_FREQUENCY_90D] == 2);
	assert_true(f[FEAT_MONETARY_90D] == 70);
	/* Population std of 100, 50, 30, 20: mean 50, variance (2500+0+400+900)/4 = 950. */
	assert_true(fabs(f[FEAT_AMOUNT_STD] - sqrt(950)) < 1e-9);
	assert_true(f[FEAT_TENURE_DAYS] == 365);
}

static void check_b(const double *f)
{
	for (int i = 0; i < FEAT_COUNT; i++)
		if (i != FEAT_RECENCY_DAYS && i != FEAT_TENURE_DAYS && f[i] != 0)
			fail_msg("%s = %g, expected 0 (ratios with a zero denominator are 0)",
				 feature_names[i], f[i]);
	assert_true(f[FEAT_RECENCY_DAYS] == 29); /* no orders: days since created_at */
	assert_true(f[FEAT_TENURE_DAYS] == 29);
}

static void test_as_of(void **state)
{
	(void)state;
	struct rd_store *st = fixture();
	struct rd_err err = {{0}};
	int64_t day;
	char s[11];
	assert_int_equal(features_as_of(st, "", &day, &err), 0);
	day_format(day, s);
	assert_string_equal(s, "2025-06-30"); /* the latest payment */
	assert_int_equal(features_as_of(st, "2025-01-31", &day, &err), 0);
	day_format(day, s);
	assert_string_equal(s, "2025-01-31");
	assert_int_equal(features_as_of(st, "last tuesday", &day, &err), -1);
	store_close(st);
}

static void test_one(void **state)
{
	(void)state;
	struct rd_store *st = fixture();
	struct rd_err err = {{0}};
	int64_t day;
	struct feature_times last;
	double f[FEAT_COUNT];
	features_as_of(st, NULL, &day, &err);
	assert_int_equal(features_one(st, day, "a", f, &last, &err), 0);
	check_a(f);
	assert_int_equal(features_one(st, day, "b", f, &last, &err), 0);
	check_b(f);
	assert_true(last.last_event == INT64_MIN);
	assert_true(last.first_event == INT64_MAX);
	assert_true(feature_cohort_day(&last) == last.created_day);
	assert_int_equal(features_one(st, day, "zzz", f, &last, &err), 1);
	store_close(st);
}

struct seen {
	int n;
	double a[FEAT_COUNT], b[FEAT_COUNT];
};

static int visit(void *ud, const char *id, const double *v, const struct feature_times *t)
{
	struct seen *s = ud;
	(void)t;
	memcpy(strcmp(id, "a") == 0 ? s->a : s->b, v, sizeof s->a);
	s->n++;
	return 0;
}

static void test_scan_matches_one(void **state)
{
	(void)state;
	struct rd_store *st = fixture();
	struct rd_err err = {{0}};
	struct seen seen = {0};
	struct feature_scan scan = {.visit = visit, .ud = &seen};
	features_as_of(st, NULL, &scan.as_of_day, &err);
	assert_int_equal(features_scan(st, &scan, &err), 0);
	assert_int_equal(seen.n, 2);
	check_a(seen.a);
	check_b(seen.b);
	/* Only a subset. */
	struct rd_strmap *only = strmap_new(4);
	strmap_put(only, "b", 1, 1);
	scan.only = only;
	seen.n = 0;
	assert_int_equal(features_scan(st, &scan, &err), 0);
	assert_int_equal(seen.n, 1);
	strmap_free(only);
	store_close(st);
}

static int visit_order(void *ud, const char *id, const double *v, const struct feature_times *t)
{
	(void)v;
	(void)t;
	strcat(ud, id);
	return 0;
}

/* Customers are visited in id order whatever order they were stored in: recompute all
 * keeps the indexes led by the id and grows them at their end (featscan.h). */
static void test_scan_id_order(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	exec_ok(st, "INSERT INTO customers(id, created_at) VALUES ('z', '2025-01-01'),"
		    " ('m', '2025-01-01'), ('a', '2025-01-01'), ('q', '2025-01-01')");
	char order[16] = "";
	struct feature_scan scan = {.visit = visit_order, .ud = order};
	features_as_of(st, NULL, &scan.as_of_day, &err);
	assert_int_equal(features_scan(st, &scan, &err), 0);
	assert_string_equal(order, "amqz");
	store_close(st);
}

static void test_recompute_command(void **state)
{
	(void)state;
	struct rd_store *st = fixture();
	struct rd_err err = {{0}};
	assert_int_equal(test_run(st, "recompute all", &err), RD_OK);
	assert_int_equal(test_int(st, "SELECT count(*) FROM credit_profiles"), 2);
	assert_int_equal(test_int(st, "SELECT count(*) FROM score_history"), 2);
	/* a: 600 + 150/20 + 4*2 + 75/2 - 300*0.25 - 400*0.2 - 150*0.4 = 438.0 */
	assert_int_equal(test_int(st, "SELECT score FROM credit_profiles WHERE customer_id = 'a'"),
			 438);
	assert_int_equal(test_int(st, "SELECT band = 'E' AND risk_level = 'CRITICAL' AND segment = "
				      "'new'"
				      " FROM credit_profiles WHERE customer_id = 'a'"),
			 1);
	assert_int_equal(test_int(st, "SELECT score FROM credit_profiles WHERE customer_id = 'b'"),
			 600);
	/* Recomputing one customer appends to its history only. */
	assert_int_equal(test_run(st, "recompute a", &err), RD_OK);
	assert_int_equal(test_int(st, "SELECT count(*) FROM score_history WHERE customer_id = 'a'"),
			 2);
	assert_int_equal(test_int(st, "SELECT count(*) FROM score_history WHERE customer_id = 'b'"),
			 1);
	assert_int_equal(test_run(st, "recompute nobody", &err), RD_FAILED);
	assert_non_null(strstr(err.msg, "no customer 'nobody'"));
	/* Each run is logged; the failed one too. */
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs WHERE kind = 'recompute' AND "
				      "status = 'ok'"),
			 2);
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs WHERE status = 'failed'"), 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM audit WHERE command LIKE 'recompute%'"),
			 3);
	assert_int_equal(test_int(st, "SELECT count(*) FROM score_history h JOIN runs r ON r.id = "
				      "h.run_id"),
			 3);
	store_close(st);
}

/* Band edges end to end: orders and payments that make exactly 800 and 799. */
static void test_recompute_band_edge(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	exec_ok(st, "INSERT INTO customers(id, created_at) VALUES ('hi', '2025-01-01'), ('lo', "
		    "'2025-01-01')");
	/* 30 delivered orders of 50: 600 + 1500/20 + min(120, 100) + 50/2 = 800. */
	exec_ok(st,
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30)"
		" INSERT INTO orders SELECT 'h' || i, 'hi', 50, 'delivered', '2025-03-01' FROM n");
	/* The same, and one COD payment among 150: 800 - 150/150 = 799. */
	exec_ok(st,
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30)"
		" INSERT INTO orders SELECT 'l' || i, 'lo', 50, 'delivered', '2025-03-01' FROM n");
	exec_ok(st,
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150)"
		" INSERT INTO payments SELECT 'p' || i, 'lo', NULL, CASE WHEN i = 1 THEN 'cod' ELSE"
		" 'card' END, 1, 10, '2025-03-01' FROM n");
	assert_int_equal(test_run(st, "recompute all", &err), RD_OK);
	assert_int_equal(test_int(st, "SELECT score FROM credit_profiles WHERE customer_id = 'hi'"),
			 800);
	assert_int_equal(
		test_int(st, "SELECT band = 'A' FROM credit_profiles WHERE customer_id = 'hi'"), 1);
	assert_int_equal(test_int(st, "SELECT score FROM credit_profiles WHERE customer_id = 'lo'"),
			 799);
	assert_int_equal(
		test_int(st, "SELECT band = 'B' FROM credit_profiles WHERE customer_id = 'lo'"), 1);
	store_close(st);
}

static void test_recompute_cancelled(void **state)
{
	(void)state;
	struct rd_store *st = fixture();
	struct rd_sink *sink = sink_null_new();
	struct rd_ctx ctx;
	atomic_int cancel = 1; /* as if Ctrl-C came at once */
	ctx_init(&ctx, st, sink);
	ctx.cancel = &cancel;
	assert_int_equal(cmd_run_line(&ctx, "recompute all"), RD_FAILED);
	assert_non_null(strstr(ctx.err.msg, "cancelled"));
	assert_int_equal(test_int(st, "SELECT count(*) FROM credit_profiles"), 0);
	assert_int_equal(test_int(st, "SELECT count(*) FROM score_history"), 0);
	assert_int_equal(test_int(st, "SELECT count(*) FROM runs WHERE status = 'cancelled'"), 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM audit WHERE status = 'cancelled'"), 1);
	sink_free(sink);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_as_of),
		cmocka_unit_test(test_one),
		cmocka_unit_test(test_scan_matches_one),
		cmocka_unit_test(test_scan_id_order),
		cmocka_unit_test(test_recompute_command),
		cmocka_unit_test(test_recompute_band_edge),
		cmocka_unit_test(test_recompute_cancelled),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
