/* Characteristic analysis (include/riskdesk/charan.h) on a scorecard and populations chosen
 * by hand: every share, shift and total worked out below, and the totals summing to the
 * mean score shift. */
#include "testutil.h"

#include <math.h>

#include "riskdesk/charan.h"
#include "riskdesk/features.h"

/* Base points 500; three columns, the reference in the bins' counts (goods + bads):
 *   orders_total  (-inf,2] 40 rows −10 pts · (2,10] 40 rows +5 · (10,inf] 20 rows +20
 *   region        north 50 rows +8 · south,west 30 rows −4 · missing 20 rows −12
 *   income        (-inf,1000] 60 rows +3 · (1000,inf] 40 rows −6 · special −1: 0 rows +7
 *                 (no missing bin: a missing income has no bin and is neutral)
 * Trained for segment "new". */
static const char spec[] =
	"{\"algo\":\"scorecard\",\"intercept\":-1,\"base_points\":500,\"columns\":["
	"{\"name\":\"orders_total\",\"coef\":-1,\"bins\":["
	"{\"hi\":2,\"goods\":30,\"bads\":10,\"woe\":-0.5,\"points\":-10},"
	"{\"hi\":10,\"goods\":38,\"bads\":2,\"woe\":0.2,\"points\":5},"
	"{\"hi\":null,\"goods\":20,\"bads\":0,\"woe\":1,\"points\":20}]},"
	"{\"name\":\"region\",\"levels\":[\"north\",\"south\",\"west\"],\"coef\":-1,\"bins\":["
	"{\"levels\":[\"north\"],\"goods\":48,\"bads\":2,\"woe\":0.4,\"points\":8},"
	"{\"levels\":[\"south\",\"west\"],\"goods\":25,\"bads\":5,\"woe\":-0.2,\"points\":-4},"
	"{\"missing\":true,\"goods\":15,\"bads\":5,\"woe\":-0.6,\"points\":-12}]},"
	"{\"name\":\"income\",\"special\":[-1],\"coef\":-1,\"bins\":["
	"{\"hi\":1000,\"goods\":55,\"bads\":5,\"woe\":0.15,\"points\":3},"
	"{\"hi\":null,\"goods\":33,\"bads\":7,\"woe\":-0.3,\"points\":-6},"
	"{\"special\":-1,\"goods\":0,\"bads\":0,\"woe\":0.35,\"points\":7}]}]}";

/* The current population (segment new; C6 is existing and not compared):
 *        orders_total  region       income
 *   C1   1             north        500     500 − 10 + 8 + 3  = 501
 *   C2   5             south        2000    500 + 5 − 4 − 6   = 495
 *   C3   12            west         1000    500 + 20 − 4 + 3  = 519
 *   C4   15            (none)       (none)  500 + 20 − 12 + 0 = 508
 *   C5   2             east (unseen: the missing bin, as scoring does)
 *                                   −1      500 − 10 − 12 + 7 = 485
 * mean 2508 / 5 = 501.6; the reference's mean is
 * 500 + (.4·−10 + .4·5 + .2·20) + (.5·8 + .3·−4 + .2·−12) + (.6·3 + .4·−6 + 0·7)
 * = 500 + 2 + 0.4 − 0.6 = 501.8: the mean score shift is −0.2. */
static void populate(struct rd_store *st)
{
	struct rd_err err = {{0}};
	assert_int_equal(
		store_exec(st,
			   "INSERT INTO attributes(name, type) VALUES ('region', 'categorical'),"
			   " ('income', 'numeric');"
			   "INSERT INTO customers(id) VALUES ('C1'), ('C2'), ('C3'), ('C4'), "
			   "('C5'),"
			   " ('C6');"
			   "INSERT INTO customer_attributes(customer_id, name, value, num) VALUES"
			   " ('C1', 'region', 'north', NULL), ('C1', 'income', '500', 500),"
			   " ('C2', 'region', 'south', NULL), ('C2', 'income', '2000', 2000),"
			   " ('C3', 'region', 'west', NULL), ('C3', 'income', '1000', 1000),"
			   " ('C5', 'region', 'east', NULL), ('C5', 'income', '-1', -1),"
			   " ('C6', 'region', 'north', NULL), ('C6', 'income', '9', 9);",
			   &err),
		0);
	sqlite3_stmt *m;
	assert_int_equal(
		store_prepare(st,
			      "INSERT INTO models(name, version, algo, segment, status, spec,"
			      " created_at) VALUES ('sc', 1, 'scorecard', 'new', 'champion', ?1,"
			      " '2025-01-01T00:00:00Z')",
			      &m, &err),
		0);
	sqlite3_bind_text(m, 1, spec, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(m), SQLITE_DONE);
	sqlite3_finalize(m);
	static const struct {
		const char *id, *segment;
		double orders;
	} rows[] = {{"C1", "new", 1},  {"C2", "new", 5}, {"C3", "new", 12},
		    {"C4", "new", 15}, {"C5", "new", 2}, {"C6", "existing", 40}};
	sqlite3_stmt *p, *s;
	assert_int_equal(store_prepare(st,
				       "INSERT INTO credit_profiles(customer_id, score, band, pd,"
				       " risk_level, segment, model_name, model_version,"
				       " computed_at, fvec) VALUES (?1, 600, 'C', 0.05, 'MEDIUM', "
				       "?2, 'sc',"
				       " 1, '2025-01-31T00:00:00Z', ?3)",
				       &p, &err),
			 0);
	assert_int_equal(
		store_prepare(st,
			      "INSERT INTO snapshot_rows(month, customer_id, score, band, pd,"
			      " segment, model_name, model_version, fvec) VALUES ('2025-01', ?1,"
			      " 600, 'C', 0.05, ?2, 'sc', 1, ?3)",
			      &s, &err),
		0);
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		double f[FEAT_COUNT] = {0};
		unsigned char vec[FEATURES_PACKED];
		f[FEAT_ORDERS_TOTAL] = rows[i].orders;
		features_pack(f, vec);
		sqlite3_stmt *q[2] = {p, s};
		for (int k = 0; k < 2; k++) {
			sqlite3_bind_text(q[k], 1, rows[i].id, -1, SQLITE_STATIC);
			sqlite3_bind_text(q[k], 2, rows[i].segment, -1, SQLITE_STATIC);
			sqlite3_bind_blob(q[k], 3, vec, sizeof vec, SQLITE_TRANSIENT);
			assert_int_equal(sqlite3_step(q[k]), SQLITE_DONE);
			sqlite3_reset(q[k]);
		}
	}
	sqlite3_finalize(p);
	sqlite3_finalize(s);
}

static void bin_is(const struct charan_column *c, int b, const char *label, double ref, double cur,
		   double points, double shift)
{
	assert_true(b < c->nbins);
	assert_string_equal(c->bins[b].label, label);
	assert_true(fabs(c->bins[b].ref - ref) < 1e-12);
	assert_true(fabs(c->bins[b].cur - cur) < 1e-12);
	assert_true(fabs(c->bins[b].points - points) < 1e-12);
	assert_true(fabs(c->bins[b].shift - shift) < 1e-12);
}

static void check_report(const struct charan_report *r)
{
	assert_string_equal(r->note, "");
	assert_string_equal(r->segment, "new");
	assert_int_equal(r->cur_rows, 5);
	assert_true(fabs(r->ref_rows - 100) < 1e-12);
	assert_int_equal(r->ncols, 3);
	/* By |total|: region −5.2, orders_total +3, income +2. */
	const struct charan_column *region = &r->cols[0], *orders = &r->cols[1],
				   *income = &r->cols[2];
	assert_string_equal(region->name, "region");
	assert_string_equal(orders->name, "orders_total");
	assert_string_equal(income->name, "income");
	/* orders_total: current C1, C5 | C2 | C3, C4. */
	assert_int_equal(orders->nbins, 3);
	bin_is(orders, 0, "(-inf, 2]", 0.4, 0.4, -10, 0);
	bin_is(orders, 1, "(2, 10]", 0.4, 0.2, 5, -1);
	bin_is(orders, 2, "(10, inf]", 0.2, 0.4, 20, 4);
	assert_true(fabs(orders->total - 3) < 1e-12);
	/* region: C1 | C2, C3 | C4 (none), C5 (east, unseen). */
	assert_int_equal(region->nbins, 3);
	bin_is(region, 0, "north", 0.5, 0.2, 8, -2.4);
	bin_is(region, 1, "south,west", 0.3, 0.4, -4, -0.4);
	bin_is(region, 2, "missing", 0.2, 0.4, -12, -2.4);
	assert_true(fabs(region->total + 5.2) < 1e-12);
	/* income: C1, C3 (1000 is in the bin up to 1000) | C2 | C5 (−1) | C4: no bin. */
	assert_int_equal(income->nbins, 4);
	bin_is(income, 0, "(-inf, 1000]", 0.6, 0.4, 3, -0.6);
	bin_is(income, 1, "(1000, inf]", 0.4, 0.2, -6, 1.2);
	bin_is(income, 2, "special -1", 0, 0.2, 7, 1.4);
	bin_is(income, 3, "no bin", 0, 0.2, 0, 0);
	assert_true(fabs(income->total - 2) < 1e-12);
	/* The totals sum to the mean score shift. */
	assert_true(fabs(r->ref_score - 501.8) < 1e-12);
	assert_true(fabs(r->cur_score - 501.6) < 1e-12);
	assert_true(fabs(r->shift + 0.2) < 1e-12);
	assert_true(fabs(r->shift - (r->cur_score - r->ref_score)) < 1e-12);
}

static void test_profiles(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	populate(st);
	struct charan_opts o = {"sc", 1, NULL, NULL, NULL};
	struct charan_report r;
	struct rd_err err = {{0}};
	assert_int_equal(charan_run(st, &o, &r, &err), 0);
	assert_string_equal(r.month, "");
	check_report(&r);
	assert_ptr_equal(charan_column(&r, "income"), &r.cols[2]);
	assert_null(charan_column(&r, "tenure_days"));
	charan_free(&r);
	store_close(st);
}

static void test_snapshot_month(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	populate(st);
	/* The profiles change; the snapshot of 2025-01 does not. */
	struct rd_err err = {{0}};
	assert_int_equal(store_exec(st, "DELETE FROM credit_profiles", &err), 0);
	struct charan_opts o = {"sc", 1, "2025-01", NULL, NULL};
	struct charan_report r;
	assert_int_equal(charan_run(st, &o, &r, &err), 0);
	assert_string_equal(r.month, "2025-01");
	check_report(&r);
	charan_free(&r);
	/* No current rows: a note, no columns. */
	o.month = NULL;
	assert_int_equal(charan_run(st, &o, &r, &err), 0);
	assert_string_equal(r.note, "no current profiles of segment new");
	assert_int_equal(r.ncols, 0);
	charan_free(&r);
	store_close(st);
}

static void test_not_applicable(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct charan_report r;
	struct rd_err err = {{0}};
	struct charan_opts o = {"rules", 1, NULL, NULL, NULL};
	assert_int_equal(charan_run(st, &o, &r, &err), 0);
	assert_string_equal(r.note,
			    "characteristic analysis is for scorecards: rules@1 is a rules model");
	charan_free(&r);
	/* A hand-written scorecard without counts: no reference population. */
	assert_int_equal(
		store_exec(st,
			   "INSERT INTO models(name, version, algo, segment, status, spec, "
			   "created_at)"
			   " VALUES ('bare', 1, 'scorecard', 'all', 'challenger', '{\"algo\":"
			   "\"scorecard\",\"intercept\":0,\"columns\":[{\"name\":\"orders_total\","
			   "\"coef\":-1,\"bins\":[{\"hi\":null,\"woe\":0,\"points\":0}]}]}',"
			   " '2025-01-01T00:00:00Z')",
			   &err),
		0);
	o.model = "bare";
	assert_int_equal(charan_run(st, &o, &r, &err), 0);
	assert_non_null(strstr(r.note, "bare@1's bins hold no training counts"));
	charan_free(&r);
	o.model = "nosuch";
	assert_int_equal(charan_run(st, &o, &r, &err), -1);
	assert_string_equal(err.msg, "no model nosuch@1");
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profiles),
		cmocka_unit_test(test_snapshot_month),
		cmocka_unit_test(test_not_applicable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
