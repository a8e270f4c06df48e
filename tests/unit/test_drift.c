/* PSI and KS (include/riskdesk/drift.h): hand-checked cases, and the Taiwan halves of
 * ../shared/datasets/BASELINES.md (ID ≤ 15000 reference, the rest current). */
#include "testutil.h"

#include <math.h>

#include "riskdesk/drift.h"
#include "riskdesk/refdist.h"
#include "riskdesk/woe.h"

static void test_psi_by_hand(void **state)
{
	(void)state;
	const double e[] = {0.5, 0.5}, a[] = {0.25, 0.75};
	double c[2];
	/* (0.25 − 0.5)·ln 0.5 + (0.75 − 0.5)·ln 1.5 */
	double want = -0.25 * log(0.5) + 0.25 * log(1.5);
	assert_true(fabs(drift_psi(e, a, 2, c) - want) < 1e-15);
	assert_true(fabs(c[0] + c[1] - want) < 1e-15);
	/* An empty current bin counts as 0.0001, not as log 0. */
	const double e2[] = {0.5, 0.5}, a2[] = {0.0, 1.0};
	double want2 = (0.0001 - 0.5) * log(0.0001 / 0.5) + 0.5 * log(2.0);
	assert_true(fabs(drift_psi(e2, a2, 2, NULL) - want2) < 1e-12);
	assert_true(drift_psi(e, e, 2, NULL) == 0);
}

static void test_status(void **state)
{
	(void)state;
	assert_string_equal(drift_status(0.0999), "stable");
	assert_string_equal(drift_status(0.1), "moderate");
	assert_string_equal(drift_status(0.25), "moderate");
	assert_string_equal(drift_status(0.2501), "significant");
	assert_string_equal(drift_status(NAN), "n/a");
}

/* The KS statistic as drift computes it: the reference kept as its quantiles, the current
 * values counted. */
static double ks_against(const double *ref, size_t nref, const double *cur, size_t ncur)
{
	double q[REFDIST_QUANTILES];
	refdist_quantiles(ref, nref, q, REFDIST_QUANTILES);
	struct drift_ks k;
	drift_ks_init(&k, q, REFDIST_QUANTILES);
	for (size_t i = 0; i < ncur; i++)
		drift_ks_add(&k, cur[i]);
	double d = drift_ks_value(&k);
	drift_ks_free(&k);
	return d;
}

/* By hand, F_a − F_b at 1..8: .2, .4, .6 − 1/6, .8 − 2/6, 1 − 3/6, 1 − 4/6, 1 − 5/6, 0:
 * the largest gap is 0.5, at 5. */
static void test_ks_by_hand(void **state)
{
	(void)state;
	const double a[] = {1, 2, 3, 4, 5}, b[] = {3, 4, 5, 6, 7, 8};
	assert_true(fabs(ks_against(a, 5, b, 6) - 0.5) < 1e-12);
	assert_true(fabs(ks_against(b, 6, a, 5) - 0.5) < 1e-12);
	/* Ties across the samples step together. */
	const double c[] = {1, 1, 2, 2}, d[] = {1, 2};
	assert_true(ks_against(c, 4, d, 2) < 1e-12);
	assert_true(ks_against(a, 5, a, 5) < 1e-12);
	const double f[] = {10, 11};
	assert_true(fabs(ks_against(a, 5, f, 2) - 1) < 1e-12);
	assert_true(fabs(ks_against(f, 2, a, 5) - 1) < 1e-12);
	struct drift_ks none;
	drift_ks_init(&none, a, 5);
	assert_true(isnan(drift_ks_value(&none))); /* nothing counted yet */
	drift_ks_free(&none);
}

/* The exact two-sample statistic of sorted samples, for comparison. */
static double ks_exact(const double *a, size_t na, const double *b, size_t nb)
{
	size_t i = 0, j = 0;
	double d = 0;
	while (i < na && j < nb) {
		double x = a[i] <= b[j] ? a[i] : b[j];
		while (i < na && a[i] <= x)
			i++;
		while (j < nb && b[j] <= x)
			j++;
		d = fmax(d, fabs((double)i / (double)na - (double)j / (double)nb));
	}
	return d;
}

static int cmp_double(const void *x, const void *y);

/* On samples of thousands of values (ties included) the quantile reference is off by at
 * most its 0.001 grid. */
static void test_ks_large(void **state)
{
	(void)state;
	enum { NA = 5000, NB = 3000 };
	static double a[NA], b[NB];
	uint64_t s = 42;
	for (int i = 0; i < NA + NB; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		double u = (double)(s >> 11) / 9007199254740992.0;
		if (i < NA)
			a[i] = floor(u * 400) / 4; /* ties */
		else
			b[i - NA] = floor((u * u) * 400) / 4; /* another shape */
	}
	qsort(a, NA, sizeof *a, cmp_double);
	qsort(b, NB, sizeof *b, cmp_double);
	double exact = ks_exact(a, NA, b, NB), approx = ks_against(a, NA, b, NB);
	if (!(exact > 0.1) || !(fabs(exact - approx) <= 0.001))
		fail_msg("KS %.6f against the exact %.6f", approx, exact);
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

/* PSI of a Taiwan column: reference ID ≤ 15000, current the rest, 10 quantile bins of the
 * reference, right-closed. */
static double taiwan_psi(int column)
{
	FILE *f = fopen("../shared/datasets/taiwan/UCI_Credit_Card.csv", "r");
	if (!f)
		fail_msg("cannot open ../shared/datasets/taiwan/UCI_Credit_Card.csv");
	static double ref[30000], cur[30000];
	size_t nr = 0, nc = 0;
	char line[1024];
	if (!fgets(line, sizeof line, f)) /* the header */
		fail_msg("empty file");
	while (fgets(line, sizeof line, f)) {
		char *save = NULL, *tok = strtok_r(line, ",", &save);
		long id = atol(tok);
		for (int c = 1; c <= column; c++)
			tok = strtok_r(NULL, ",", &save);
		double v = atof(tok);
		if (id <= 15000)
			ref[nr++] = v;
		else
			cur[nc++] = v;
	}
	fclose(f);
	assert_int_equal(nr, 15000);
	assert_int_equal(nc, 15000);
	qsort(ref, nr, sizeof *ref, cmp_double);
	double edge[QUANTILE_EDGES], e[QUANTILE_EDGES + 1] = {0}, a[QUANTILE_EDGES + 1] = {0};
	size_t nedge = quantile_edges(ref, nr, edge);
	assert_int_equal(nedge, 9);
	for (size_t i = 0; i < nr; i++)
		e[quantile_bin(edge, nedge, ref[i])] += 1.0 / (double)nr;
	for (size_t i = 0; i < nc; i++)
		a[quantile_bin(edge, nedge, cur[i])] += 1.0 / (double)nc;
	return drift_psi(e, a, (int)nedge + 1, NULL);
}

static void test_taiwan_psi(void **state)
{
	(void)state;
	/* Columns: ID, LIMIT_BAL, SEX, EDUCATION, MARRIAGE, AGE, … */
	double limit = taiwan_psi(1), age = taiwan_psi(5);
	if (fabs(limit - 0.002188) >= 0.5e-4 || fabs(age - 0.002847) >= 0.5e-4)
		fail_msg("PSI LIMIT_BAL %.6f (0.002188), AGE %.6f (0.002847)", limit, age);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_psi_by_hand), cmocka_unit_test(test_status),
		cmocka_unit_test(test_ks_by_hand),  cmocka_unit_test(test_ks_large),
		cmocka_unit_test(test_taiwan_psi),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
