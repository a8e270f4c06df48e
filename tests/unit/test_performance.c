/* Outcomes over time (include/riskdesk/performance.h) on a book small enough to work by
 * hand: three snapshot months (and an empty fourth), customers who default before, on and
 * after a month end, one without an outcome, one with an undated default, one with a proxy
 * label only, and the vintages of their creation quarters. */
#include "testutil.h"

#include <math.h>

#include "riskdesk/performance.h"
#include "riskdesk/snapshot.h"

static void exec_ok(struct rd_store *st, const char *sql)
{
	struct rd_err err = {{0}};
	if (store_exec(st, sql, &err))
		fail_msg("%s: %s", sql, err.msg);
}

/* Customers a..j; their outcomes (the latest observed_at: c's 2025-04-30, the data's end):
 *   a created 2024-11-15, default 2025-02-10      f default, no observed_at (undated)
 *   b created 2024-12-31, default 2025-01-31T23:30-01:00 = 2025-02-01 UTC
 *   c created 2025-01-20, good, observed 2025-04-30  g proxy default 2025-12-31 (ignored)
 *   d created 2024-10-01, default 2025-01-31 (on January's last day)
 *   e no outcome                                     h created 2025-02-03, default 2025-03-31
 *   i no created_at, good                            j created 2024-12-01, default 2024-11-20
 * Snapshot rows (band, PD): January a C .10, b C .30, c A .02, d E .50, e B .05, f B .20,
 * g D .40; February the same with c A .04 and h A .01; March as February. */
static struct rd_store *book(void)
{
	struct rd_store *st = test_store();
	exec_ok(st, "INSERT INTO customers (id, created_at) VALUES ('a', '2024-11-15'), ('b', "
		    "'2024-12-31'),"
		    " ('c', '2025-01-20'), ('d', '2024-10-01'), ('e', '2024-06-01'), ('f', "
		    "'2024-06-01'),"
		    " ('g', '2024-06-01'), ('h', '2025-02-03'), ('i', NULL), ('j', '2024-12-01');"
		    "INSERT INTO outcomes (customer_id, defaulted, observed_at, source) VALUES"
		    " ('a', 1, '2025-02-10', 'observed'), ('b', 1, '2025-01-31T23:30:00-01:00', "
		    "'observed'),"
		    " ('c', 0, '2025-04-30', 'observed'), ('d', 1, '2025-01-31', 'observed'),"
		    " ('f', 1, NULL, 'observed'), ('g', 1, '2025-12-31', 'proxy'),"
		    " ('h', 1, '2025-03-31', 'observed'), ('i', 0, '2025-03-01', 'observed'),"
		    " ('j', 1, '2024-11-20', 'observed');"
		    "INSERT INTO snapshot_months (month, as_of, customers, models, taken_at) VALUES"
		    " ('2025-01', '2025-01-31', 7, 'rules@1', 'now'), ('2025-02', '2025-02-28', 8, "
		    "'rules@1', 'now'),"
		    " ('2025-03', '2025-03-31', 8, 'rules@1', 'now'), ('2025-04', '2025-04-30', 0, "
		    "'rules@1', 'now');");
	static const char *const rows[] = {
		"a C 0.10", "b C 0.30", "c A 0.02", "d E 0.50", "e B 0.05", "f B 0.20", "g D 0.40",
	};
	for (int m = 1; m <= 3; m++)
		for (int i = 0; i < 8; i++) {
			if (i == 7 && m == 1)
				continue; /* h is created in February */
			char id = i == 7 ? 'h' : rows[i][0], band = i == 7 ? 'A' : rows[i][2];
			double pd = i == 7 ? 0.01 : atof(rows[i] + 4);
			if (id == 'c' && m > 1)
				pd = 0.04;
			char sql[300];
			snprintf(sql, sizeof sql,
				 "INSERT INTO snapshot_rows VALUES ('2025-0%d', '%c', 600, '%c', "
				 "%.2f,"
				 " 'existing', 'rules', 1, x'00')",
				 m, id, band, pd);
			exec_ok(st, sql);
		}
	return st;
}

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-12)

static void test_months_between(void **state)
{
	(void)state;
	int64_t jan31 = days_from_civil(2024, 1, 31), feb29 = days_from_civil(2024, 2, 29);
	assert_int_equal(perf_months_between(jan31, feb29), 0); /* the 29th is before the 31st */
	assert_int_equal(perf_months_between(jan31, days_from_civil(2024, 3, 1)), 1);
	assert_int_equal(perf_months_between(days_from_civil(2024, 1, 15),
					     days_from_civil(2024, 1, 15)),
			 0);
	assert_int_equal(perf_months_between(days_from_civil(2024, 1, 15),
					     days_from_civil(2025, 1, 15)),
			 12);
	assert_int_equal(perf_months_between(days_from_civil(2024, 3, 10),
					     days_from_civil(2024, 3, 9)),
			 -1);
}

static void test_months_by_hand(void **state)
{
	(void)state;
	struct rd_store *st = book();
	struct perf_opts o = {1, NULL, NULL, 1, 0};
	struct perf_report r;
	struct rd_err err = {{0}};
	if (perf_run(st, &o, &r, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(r.window, 1);
	assert_string_equal(r.data_end, "2025-04-30"); /* c's; not g's proxy 2025-12-31 */
	assert_int_equal(r.outcomes, 8);               /* a b c d f h i j */
	assert_int_equal(r.undated, 1);                /* f */
	assert_int_equal(r.nmonths, 4);

	/* January: d defaulted on its last day (left out), e and g have no observed outcome, f
	 * no date; a (Feb 10) and b (Feb 1 UTC) default within the month after, c does not. */
	const struct perf_month *m = &r.months[0];
	assert_string_equal(m->month, "2025-01");
	assert_string_equal(m->as_of, "2025-01-31");
	assert_string_equal(m->window_end, "2025-02-28");
	assert_true(m->mature);
	assert_int_equal(m->rows, 7);
	assert_int_equal(m->unlabelled, 2);
	assert_int_equal(m->undated, 1);
	assert_int_equal(m->defaulted, 1);
	assert_int_equal(m->all.customers, 3);
	assert_int_equal(m->all.bads, 2);
	NEAR(m->all.expected, (0.10 + 0.30 + 0.02) / 3);
	NEAR(m->all.actual, 2.0 / 3);
	assert_int_equal(m->bands[0].customers, 1); /* A: c */
	assert_int_equal(m->bands[0].bads, 0);
	NEAR(m->bands[0].expected, 0.02);
	NEAR(m->bands[0].actual, 0);
	assert_int_equal(m->bands[2].customers, 2); /* C: a and b */
	assert_int_equal(m->bands[2].bads, 2);
	NEAR(m->bands[2].expected, 0.20);
	NEAR(m->bands[2].actual, 1);
	assert_int_equal(m->bands[1].customers, 0); /* B: e and f left out */
	assert_true(isnan(m->bands[1].expected) && isnan(m->bands[1].actual));
	assert_int_equal(m->bands[4].customers, 0); /* E: d had defaulted */
	NEAR(m->auc, 1);                            /* both defaulters' PDs above c's */
	NEAR(m->gini, 1);

	/* February: a, b, d defaulted by its end; h defaults on March 31, the window's last day,
	 * with a PD below c's. */
	m = &r.months[1];
	assert_string_equal(m->window_end, "2025-03-31");
	assert_true(m->mature);
	assert_int_equal(m->rows, 8);
	assert_int_equal(m->defaulted, 3);
	assert_int_equal(m->all.customers, 2);
	assert_int_equal(m->all.bads, 1);
	NEAR(m->all.expected, (0.04 + 0.01) / 2);
	NEAR(m->all.actual, 0.5);
	assert_int_equal(m->bands[0].customers, 2);
	assert_int_equal(m->bands[0].bads, 1);
	NEAR(m->auc, 0);
	NEAR(m->gini, -1);

	/* March: h defaulted on its last day; c alone, good: no AUC. Its window ends on the
	 * data's last day: mature. */
	m = &r.months[2];
	assert_true(m->mature);
	assert_int_equal(m->defaulted, 4);
	assert_int_equal(m->all.customers, 1);
	assert_int_equal(m->all.bads, 0);
	NEAR(m->all.actual, 0);
	assert_true(isnan(m->auc) && isnan(m->gini));

	/* April: listed without rows; its window ends after the data's. */
	m = &r.months[3];
	assert_string_equal(m->window_end, "2025-05-31");
	assert_false(m->mature);
	assert_int_equal(m->rows, 0);
	assert_true(isnan(m->all.expected) && isnan(m->all.actual));
	perf_free(&r);

	/* Two months: March is immature now (window to May 31): expected only. */
	o.window = 2;
	o.since = "2025-02";
	o.until = "2025-03";
	if (perf_run(st, &o, &r, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(r.nmonths, 2);
	assert_string_equal(r.months[0].month, "2025-02");
	assert_true(r.months[0].mature);
	assert_int_equal(r.months[0].all.bads, 1);
	m = &r.months[1];
	assert_false(m->mature);
	assert_int_equal(m->all.customers, 1);
	assert_int_equal(m->all.bads, 0);
	NEAR(m->all.expected, 0.04);
	assert_true(isnan(m->all.actual) && isnan(m->auc));
	assert_true(isnan(m->bands[0].actual));
	NEAR(m->bands[0].expected, 0.04);
	perf_free(&r);
	store_close(st);
}

static void test_vintages_by_hand(void **state)
{
	(void)state;
	struct rd_store *st = book();
	struct perf_opts o = {0, NULL, NULL, 0, 1};
	struct perf_report r;
	struct rd_err err = {{0}};
	if (perf_run(st, &o, &r, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(r.nmonths, 0);
	assert_int_equal(r.uncreated, 1); /* i */
	assert_int_equal(r.nvintages, 2);
	/* 2024-Q4: a, b, d, j. The latest created, b on Dec 31, has 3 whole months on book by
	 * Apr 30 (the 30th is before the 31st). Months on book at default: j 0 (observed before
	 * its creation), b 1 (Dec 31 → Feb 1), a 2 (Nov 15 → Feb 10), d 3 (Oct 1 → Jan 31). */
	const struct perf_vintage *v = &r.vintages[0];
	assert_string_equal(v->quarter, "2024-Q4");
	assert_int_equal(v->customers, 4);
	assert_int_equal(v->bads, 4);
	assert_int_equal(v->points, 3);
	NEAR(v->cum[0], 0.25);
	NEAR(v->cum[1], 0.50);
	NEAR(v->cum[2], 0.75);
	/* 2025-Q1: c, h (Feb 3 → Mar 31: 1 month on book); h by Apr 30 has 2. */
	v = &r.vintages[1];
	assert_string_equal(v->quarter, "2025-Q1");
	assert_int_equal(v->customers, 2);
	assert_int_equal(v->bads, 1);
	assert_int_equal(v->points, 2);
	NEAR(v->cum[0], 0);
	NEAR(v->cum[1], 0.5);
	assert_int_equal(r.max_points, 3);
	perf_free(&r);
	store_close(st);
}

static void test_refusals(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct perf_opts o = {0, NULL, NULL, 1, 1};
	struct perf_report r;
	struct rd_err err = {{0}};
	assert_int_equal(perf_run(st, &o, &r, &err), -1);
	assert_non_null(strstr(err.msg, "no observed outcomes"));
	exec_ok(st, "INSERT INTO customers (id) VALUES ('x'), ('y');"
		    "INSERT INTO outcomes VALUES ('x', 1, NULL, 'observed'),"
		    " ('y', 1, '2025-01-01', 'proxy')");
	assert_int_equal(perf_run(st, &o, &r, &err), -1);
	assert_non_null(strstr(err.msg, "no observed outcome has an observed_at date"));
	exec_ok(st, "UPDATE outcomes SET observed_at = '2025-01-01'");
	assert_int_equal(perf_run(st, &o, &r, &err), PERF_NO_SNAPSHOTS);
	assert_non_null(strstr(err.msg, "no monthly snapshots ('snapshot' takes them)"));
	o.months = 0; /* vintages need no snapshots */
	assert_int_equal(perf_run(st, &o, &r, &err), 0);
	assert_int_equal(r.nvintages, 0);
	assert_int_equal(r.uncreated, 1);
	perf_free(&r);
	o.window = PERF_WINDOW_MAX + 1;
	assert_int_equal(perf_run(st, &o, &r, &err), -1);
	assert_non_null(strstr(err.msg, "1 to 120 months"));
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_months_between),
		cmocka_unit_test(test_months_by_hand),
		cmocka_unit_test(test_vintages_by_hand),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
