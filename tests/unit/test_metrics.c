/* Model quality metrics: AUC, Gini, KS, Brier, log loss, gains, calibration, cost
 * cut-off, ROC (include/riskdesk/metrics.h). Expected values worked by hand. */
#include "testutil.h"

#include <math.h>

#include "riskdesk/metrics.h"

/* |a - b| <= tol in doubles (cmocka's float assertion rounds to float). */
#define assert_close(a, b, tol) check_close((a), (b), (tol), #a, __FILE__, __LINE__)

static void check_close(double a, double b, double tol, const char *what, const char *file,
			int line)
{
	if (a != b && !(fabs(a - b) <= tol))
		fail_msg("%s:%d: %s = %.17g, expected %.17g (tolerance %g)", file, line, what, a, b,
			 tol);
}

static double auc_of(const double *p, const int *y, size_t n)
{
	struct rd_err err = {{0}};
	double auc = -1;
	if (metrics_auc(p, y, n, &auc, &err))
		fail_msg("metrics_auc: %s", err.msg);
	return auc;
}

static void test_auc_hand(void **state)
{
	(void)state;
	/* Pairs (bad, good): 0.35>0.1, 0.35<0.4, 0.8>0.1, 0.8>0.4: 3 of 4. */
	const double p[] = {0.1, 0.4, 0.35, 0.8};
	const int y[] = {0, 0, 1, 1};
	assert_close(auc_of(p, y, 4), 0.75, 1e-15);
	/* Ties: bads {0.5, 0.8}, goods {0.5, 0.2}: 0.5 (tie) + 1 + 1 + 1 = 3.5 of 4. */
	const double pt[] = {0.5, 0.5, 0.2, 0.8};
	const int yt[] = {1, 0, 0, 1};
	assert_close(auc_of(pt, yt, 4), 0.875, 1e-15);
	/* All tied: every pair is half a win. */
	const double pa[] = {0.3, 0.3, 0.3, 0.3, 0.3};
	const int ya[] = {1, 0, 0, 1, 0};
	assert_close(auc_of(pa, ya, 5), 0.5, 1e-15);
	/* Perfect and inverted. */
	const double pp[] = {0.9, 0.1, 0.8, 0.2, 0.7};
	const int yp[] = {1, 0, 1, 0, 1};
	const int yi[] = {0, 1, 0, 1, 0};
	assert_close(auc_of(pp, yp, 5), 1.0, 1e-15);
	assert_close(auc_of(pp, yi, 5), 0.0, 1e-15);
}

/* A small linear congruential generator, so the test is the same on every run. */
static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

static void test_auc_brute_force(void **state)
{
	(void)state;
	enum { N = 500 };
	static double p[N];
	static int y[N];
	uint32_t s = 42;
	for (int i = 0; i < N; i++) {
		p[i] = (double)(lcg(&s) % 11) / 10.0; /* many ties */
		y[i] = (int)(lcg(&s) % 100) < 20 + (int)(p[i] * 50);
	}
	double wins = 0;
	long pairs = 0;
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			if (y[i] == 1 && y[j] == 0) {
				pairs++;
				wins += p[i] > p[j] ? 1.0 : p[i] == p[j] ? 0.5 : 0.0;
			}
	assert_close(auc_of(p, y, N), wins / (double)pairs, 1e-12);

	struct rd_metrics m;
	struct rd_err err = {{0}};
	assert_int_equal(metrics_compute(p, y, N, &m, &err), 0);
	assert_close(m.auc, wins / (double)pairs, 1e-12);
	assert_close(m.gini, 2 * m.auc - 1, 1e-15);
	assert_int_equal(m.n, N);
	/* KS by brute force over every threshold in 0, 0.1, ... 1 (and above 1). */
	size_t bads = 0;
	for (int i = 0; i < N; i++)
		bads += (size_t)y[i];
	assert_int_equal(m.bads, bads);
	double best = 0;
	for (int t = 0; t <= 10; t++) {
		double tp = 0, fp = 0;
		for (int i = 0; i < N; i++)
			if (p[i] >= t / 10.0 - 1e-12) {
				tp += y[i];
				fp += !y[i];
			}
		double d = tp / (double)bads - fp / (double)(N - bads);
		if (d > best)
			best = d;
	}
	assert_close(m.ks, best, 1e-12);
}

static void test_ks_brier_logloss(void **state)
{
	(void)state;
	const double p[] = {0.1, 0.4, 0.35, 0.8};
	const int y[] = {0, 0, 1, 1};
	struct rd_err err = {{0}};
	double ks, thr, brier, ll;
	/* Descending: 0.8 bad (TPR .5, FPR 0), 0.4 good (.5, .5), 0.35 bad (1, .5), 0.1 good. */
	assert_int_equal(metrics_ks(p, y, 4, &ks, &thr, &err), 0);
	assert_close(ks, 0.5, 1e-15);
	assert_close(thr, 0.8, 0);
	assert_int_equal(metrics_ks(p, y, 4, &ks, NULL, &err), 0);
	/* (0.01 + 0.16 + 0.4225 + 0.04) / 4 */
	assert_int_equal(metrics_brier(p, y, 4, &brier, &err), 0);
	assert_close(brier, 0.158125, 1e-15);
	assert_int_equal(metrics_logloss(p, y, 4, &ll, &err), 0);
	assert_close(ll, -(log(0.9) + log(0.6) + log(0.35) + log(0.8)) / 4, 1e-15);
	/* Clipping: confident and wrong costs -ln(1e-15) each, not infinity. */
	const double pc[] = {0.0, 1.0};
	const int yc[] = {1, 0};
	assert_int_equal(metrics_logloss(pc, yc, 2, &ll, &err), 0);
	assert_true(isfinite(ll));
	assert_close(ll, -log(1e-15), 1e-3);
	/* Confident and right costs (almost) nothing. */
	const int yr[] = {0, 1};
	assert_int_equal(metrics_logloss(pc, yr, 2, &ll, &err), 0);
	assert_close(ll, 1e-15, 1e-16);
	/* The struct agrees with the single functions. */
	struct rd_metrics m;
	assert_int_equal(metrics_compute(p, y, 4, &m, &err), 0);
	assert_close(m.auc, 0.75, 1e-15);
	assert_close(m.gini, 0.5, 1e-15);
	assert_close(m.ks, 0.5, 1e-15);
	assert_close(m.ks_threshold, 0.8, 0);
	assert_close(m.brier, 0.158125, 1e-15);
	assert_close(m.bad_rate, 0.5, 0);
}

static void test_gains(void **state)
{
	(void)state;
	enum { N = 23 };
	double p[N];
	int y[N];
	for (int i = 0; i < N; i++) {
		p[i] = (i + 1) / 24.0;
		y[i] = i % 3 == 0 || i >= 20; /* rows 0,3,...,18 and 20,21,22 */
	}
	struct metrics_gains_row g[METRICS_GAINS_BUCKETS];
	struct rd_err err = {{0}};
	assert_int_equal(metrics_gains(p, y, N, g, &err), 0);
	size_t count = 0, bads = 0, total_bads = 0;
	for (int i = 0; i < N; i++)
		total_bads += (size_t)y[i];
	for (int k = 0; k < METRICS_GAINS_BUCKETS; k++) {
		count += g[k].count;
		bads += g[k].bads;
		assert_true(g[k].count == 2 || g[k].count == 3);
		assert_close(g[k].cum_capture, (double)bads / (double)total_bads, 1e-15);
		if (k > 0)
			assert_true(g[k].max_pd <= g[k - 1].min_pd);
	}
	assert_int_equal(count, N);
	assert_int_equal(bads, total_bads);
	assert_close(g[9].cum_capture, 1.0, 1e-15);
	assert_close(g[9].cum_lift, 1.0, 1e-15);
	/* Bucket 0 = rows floor(0) .. floor(23/10) - 1 = the top 2: rows 22 and 21, both bad. */
	assert_int_equal(g[0].count, 2);
	assert_int_equal(g[0].bads, 2);
	assert_close(g[0].max_pd, 23 / 24.0, 0);
	assert_close(g[0].min_pd, 22 / 24.0, 0);
	assert_close(g[0].mean_pd, 22.5 / 24.0, 1e-15);
	assert_close(g[0].bad_rate, 1.0, 0);
	assert_close(g[0].lift, 1.0 / ((double)total_bads / N), 1e-12);

	/* Fewer rows than buckets: some buckets are empty and all zero. */
	const double ps[] = {0.9, 0.1, 0.5};
	const int ys[] = {1, 0, 0};
	assert_int_equal(metrics_gains(ps, ys, 3, g, &err), 0);
	count = 0;
	int empty = 0;
	for (int k = 0; k < METRICS_GAINS_BUCKETS; k++) {
		count += g[k].count;
		empty += g[k].count == 0;
	}
	assert_int_equal(count, 3);
	assert_int_equal(empty, 7);
	/* No bads: refused. */
	const int y0[] = {0, 0, 0};
	assert_int_equal(metrics_gains(ps, y0, 3, g, &err), -1);
}

static void test_calibration(void **state)
{
	(void)state;
	const double p[] = {0.01, 0.03, 0.2, 0.4, 0.5, 0.6};
	const int y[] = {0, 0, 1, 0, 1, 1};
	const char band[] = {'A', 'A', 'C', 'C', 'E', 'E'};
	struct metrics_calib_row c[METRICS_BANDS];
	struct rd_err err = {{0}};
	assert_int_equal(metrics_calibration(p, y, band, 6, c, &err), 0);
	assert_int_equal(c[0].band, 'A');
	assert_int_equal(c[0].count, 2);
	assert_close(c[0].mean_pd, 0.02, 1e-15);
	assert_close(c[0].observed, 0.0, 0);
	assert_int_equal(c[1].count, 0);
	assert_close(c[1].mean_pd, 0.0, 0);
	assert_int_equal(c[2].bads, 1);
	assert_close(c[2].mean_pd, 0.3, 1e-15);
	assert_close(c[2].observed, 0.5, 0);
	assert_int_equal(c[3].count, 0);
	assert_int_equal(c[4].band, 'E');
	assert_close(c[4].mean_pd, 0.55, 1e-15);
	assert_close(c[4].observed, 1.0, 0);
	const char bad_band[] = {'A', 'A', 'C', 'C', 'E', 'F'};
	assert_int_equal(metrics_calibration(p, y, bad_band, 6, c, &err), -1);
}

static void test_cost_cutoff(void **state)
{
	(void)state;
	struct rd_err err = {{0}};
	struct metrics_cutoff c;
	/* cfn 10, cfp 1. Decline none: 2 bads missed = 20. c = 0.9: FN 1 = 10. c = 0.6: FN 1,
	 * FP 1 = 11. c = 0.3: FP 1 = 1. c = 0.2: FP 2 = 2. c = 0.05: FP 3 = 3. */
	const double p[] = {0.05, 0.2, 0.3, 0.6, 0.9};
	const int y[] = {0, 0, 1, 0, 1};
	assert_int_equal(metrics_cost_cutoff(p, y, 5, METRICS_CFN_DEFAULT, METRICS_CFP_DEFAULT, &c,
					     &err),
			 0);
	assert_close(c.cutoff, 0.3, 0);
	assert_close(c.expected_cost, 0.2, 1e-15);
	assert_int_equal(c.declined, 3);
	assert_int_equal(c.false_neg, 0);
	assert_int_equal(c.false_pos, 1);
	/* Expensive false positives: cfp 10, cfn 1: decline none costs 2; c = 0.9 costs 1. */
	assert_int_equal(metrics_cost_cutoff(p, y, 5, 1, 10, &c, &err), 0);
	assert_close(c.cutoff, 0.9, 0);
	assert_close(c.expected_cost, 0.2, 1e-15);
	/* Ties go to the higher cut-off: costs 1 (none), 0 (0.8), 1 (0.2) -> 0.8; and with
	 * only goods, declining nobody is free: the cut-off lies above every prediction. */
	const double p2[] = {0.2, 0.8};
	const int y2[] = {0, 1};
	assert_int_equal(metrics_cost_cutoff(p2, y2, 2, 1, 1, &c, &err), 0);
	assert_close(c.cutoff, 0.8, 0);
	assert_close(c.expected_cost, 0.0, 0);
	const int yg[] = {0, 0};
	assert_int_equal(metrics_cost_cutoff(p2, yg, 2, 10, 1, &c, &err), 0);
	assert_true(c.cutoff > 0.8);
	assert_int_equal(c.declined, 0);
	assert_close(c.expected_cost, 0.0, 0);
	/* Tied predictions decline together: cfn 10 makes declining both worth it. */
	const double p3[] = {0.5, 0.5, 0.1};
	const int y3[] = {1, 0, 0};
	assert_int_equal(metrics_cost_cutoff(p3, y3, 3, 10, 1, &c, &err), 0);
	assert_close(c.cutoff, 0.5, 0);
	assert_int_equal(c.declined, 2);
	assert_close(c.expected_cost, 1.0 / 3, 1e-15);
	assert_int_equal(metrics_cost_cutoff(p3, y3, 3, 0, 1, &c, &err), -1);
}

static void test_roc(void **state)
{
	(void)state;
	const double p[] = {0.1, 0.4, 0.35, 0.8};
	const int y[] = {0, 0, 1, 1};
	struct metrics_roc_point r[10];
	size_t count = 0;
	struct rd_err err = {{0}};
	assert_int_equal(metrics_roc(p, y, 4, r, 10, &count, &err), 0);
	/* (0,0) (0,.5) (.5,.5) (.5,1) (1,1) */
	const double fpr[] = {0, 0, 0.5, 0.5, 1}, tpr[] = {0, 0.5, 0.5, 1, 1};
	assert_int_equal(count, 5);
	double area = 0;
	for (size_t i = 0; i < count; i++) {
		assert_close(r[i].fpr, fpr[i], 0);
		assert_close(r[i].tpr, tpr[i], 0);
		if (i)
			area += (r[i].fpr - r[i - 1].fpr) * (r[i].tpr + r[i - 1].tpr) / 2;
	}
	assert_true(isinf(r[0].threshold));
	assert_close(r[1].threshold, 0.8, 0);
	assert_close(area, 0.75, 1e-15);
	/* Down to 3: indices 0, 2, 4. */
	assert_int_equal(metrics_roc(p, y, 4, r, 3, &count, &err), 0);
	assert_int_equal(count, 3);
	assert_close(r[0].fpr, 0, 0);
	assert_close(r[1].fpr, 0.5, 0);
	assert_close(r[1].tpr, 0.5, 0);
	assert_close(r[2].fpr, 1, 0);
	assert_close(r[2].tpr, 1, 0);
	/* Many points down to 7: first and last kept, monotone. */
	enum { N = 1000 };
	static double pb[N];
	static int yb[N];
	for (int i = 0; i < N; i++) {
		pb[i] = i / (double)N;
		yb[i] = (i * 7) % 10 < 3 + i / 200;
	}
	assert_int_equal(metrics_roc(pb, yb, N, r, 7, &count, &err), 0);
	assert_int_equal(count, 7);
	assert_close(r[0].tpr, 0, 0);
	assert_close(r[6].tpr, 1, 0);
	assert_close(r[6].fpr, 1, 0);
	for (int i = 1; i < 7; i++)
		assert_true(r[i].fpr >= r[i - 1].fpr && r[i].tpr >= r[i - 1].tpr);
	assert_int_equal(metrics_roc(p, y, 4, r, 1, &count, &err), -1);
}

static void test_errors(void **state)
{
	(void)state;
	struct rd_err err = {{0}};
	double v;
	struct rd_metrics m;
	const double p[] = {0.2, 0.7};
	const int y[] = {0, 1};
	assert_int_equal(metrics_auc(p, y, 0, &v, &err), -1);
	assert_true(err.msg[0] != '\0');
	const double pn[] = {0.2, NAN};
	assert_int_equal(metrics_compute(pn, y, 2, &m, &err), -1);
	const double po[] = {0.2, 1.5};
	assert_int_equal(metrics_brier(po, y, 2, &v, &err), -1);
	const int y2[] = {0, 2};
	assert_int_equal(metrics_logloss(p, y2, 2, &v, &err), -1);
	const int y1[] = {1, 1};
	assert_int_equal(metrics_auc(p, y1, 2, &v, &err), -1);
	assert_int_equal(metrics_ks(p, y1, 2, &v, NULL, &err), -1);
	assert_int_equal(metrics_compute(p, y1, 2, &m, &err), -1);
	/* Brier and log loss need only one class. */
	assert_int_equal(metrics_brier(p, y1, 2, &v, &err), 0);
	assert_close(v, (0.64 + 0.09) / 2, 1e-15);
}

/* Against scipy.stats.chi2.sf (SciPy 1.10), relative to 1e-12. */
static void test_chi2_sf(void **state)
{
	(void)state;
	static const struct {
		double x, df, sf;
	} cases[] = {
		{0.5, 1, 0.47950012218695337},
		{3.0, 2, 0.22313016014842982},
		{8.0, 8, 0.43347012036670896},
		{15.507313055865453, 8, 0.050000000000000024}, /* the 95 % point */
		{40.0, 8, 3.203719780476998e-06},
		{1e-3, 8, 0.9999999999999974},
		{100, 3, 1.5541594313896026e-21},
		{7.3, 13, 0.8860365675012166},
		{0.2, 0.5, 0.391661154271034},
		{250, 8, 1.722791179945701e-49},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		assert_close(metrics_chi2_sf(cases[i].x, cases[i].df), cases[i].sf,
			     cases[i].sf * 1e-12);
	assert_close(metrics_chi2_sf(0, 8), 1.0, 0);
	assert_true(isnan(metrics_chi2_sf(1, 0)));
}

/* 20 rows in the gains deciles (2 rows each, riskiest first); HL and its p-value from a
 * plain Python loop and scipy.stats.chi2.sf(HL, 8). */
static void test_hosmer_lemeshow(void **state)
{
	(void)state;
	const double p[] = {0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5,
			    0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.99};
	const int y[] = {0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1};
	struct metrics_gains_row g[METRICS_GAINS_BUCKETS];
	struct metrics_hl hl;
	struct rd_err err = {{0}};
	assert_int_equal(metrics_gains(p, y, 20, g, &err), 0);
	assert_int_equal(metrics_hosmer_lemeshow(g, METRICS_GAINS_BUCKETS, &hl, &err), 0);
	assert_close(hl.statistic, 21.101574080169513, 1e-12);
	assert_int_equal(hl.groups, 10);
	assert_int_equal(hl.df, 8);
	assert_close(hl.p_value, 0.006882446063700177, 1e-15);
	/* A group whose PDs are all 0 has no variance: left out, and so are empty ones. */
	const double p0[] = {0, 0, 0.5, 0.5};
	const int y0[] = {0, 0, 1, 0};
	assert_int_equal(metrics_gains(p0, y0, 4, g, &err), 0);
	assert_int_equal(metrics_hosmer_lemeshow(g, METRICS_GAINS_BUCKETS, &hl, &err), 0);
	assert_int_equal(hl.groups, 2);
	assert_true(isnan(hl.p_value));
	const double pz[] = {0, 0};
	const int yz[] = {1, 0};
	assert_int_equal(metrics_gains(pz, yz, 2, g, &err), 0);
	assert_int_equal(metrics_hosmer_lemeshow(g, METRICS_GAINS_BUCKETS, &hl, &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auc_hand),
		cmocka_unit_test(test_auc_brute_force),
		cmocka_unit_test(test_ks_brier_logloss),
		cmocka_unit_test(test_gains),
		cmocka_unit_test(test_calibration),
		cmocka_unit_test(test_cost_cutoff),
		cmocka_unit_test(test_roc),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_chi2_sf),
		cmocka_unit_test(test_hosmer_lemeshow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
