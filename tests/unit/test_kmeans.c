/* k-means (kmeans.h): Lloyd on hand-worked cases, empty clusters, k-means++'s D² draws,
 * the best of several starts, and bad input. */
#include "testutil.h"

#include <math.h>

#include "riskdesk/kmeans.h"

static void lloyd_ok(const double *x, size_t n, int dim, int k, const double *init,
		     struct kmeans_result *r)
{
	struct rd_err err = {{0}};
	if (kmeans_lloyd(x, n, dim, k, init, KMEANS_MAX_ITER, NULL, r, &err))
		fail_msg("kmeans_lloyd: %s", err.msg);
}

/* 0, 1, 10, 11 from centroids 0 and 1: step 1 puts 1, 10, 11 together (mean 22/3);
 * step 2 moves 1 back (|1 − 0| < |1 − 22/3|); step 3 changes nothing. Centroids 0.5 and
 * 10.5, inertia 4 · 0.25 = 1. */
static void test_lloyd_by_hand(void **state)
{
	(void)state;
	const double x[] = {0, 1, 10, 11}, init[] = {0, 1};
	struct kmeans_result r;
	lloyd_ok(x, 4, 1, 2, init, &r);
	assert_true(r.converged);
	assert_int_equal(r.iterations, 3);
	assert_true(r.centroids[0] == 0.5 && r.centroids[1] == 10.5);
	assert_true(r.init[0] == 0 && r.init[1] == 1);
	assert_int_equal(r.assign[0], 0);
	assert_int_equal(r.assign[1], 0);
	assert_int_equal(r.assign[2], 1);
	assert_int_equal(r.assign[3], 1);
	assert_int_equal(r.sizes[0], 2);
	assert_int_equal(r.sizes[1], 2);
	assert_true(r.inertia == 1.0);
	kmeans_result_free(&r);
}

/* Two dimensions: (0,0) (0,1) (1,0) and (5,5) (5,6) (6,5) from (0,0) and (0,1). Step 1:
 * (0,1) and the far three together, mean (4, 4.25); step 2: (0,1) is 1.25 from (0.5, 0)
 * and 26.5625 from (4, 4.25), so it moves; step 3 changes nothing. Centroids (1/3, 1/3)
 * and (16/3, 16/3); each cluster's squared distances 2/9 + 5/9 + 5/9 = 4/3. */
static void test_lloyd_2d(void **state)
{
	(void)state;
	const double x[] = {0, 0, 0, 1, 1, 0, 5, 5, 5, 6, 6, 5}, init[] = {0, 0, 0, 1};
	struct kmeans_result r;
	lloyd_ok(x, 6, 2, 2, init, &r);
	assert_true(r.converged);
	assert_int_equal(r.iterations, 3);
	for (int i = 0; i < 6; i++)
		assert_int_equal(r.assign[i], i >= 3);
	assert_true(fabs(r.centroids[0] - 1.0 / 3) < 1e-15 &&
		    fabs(r.centroids[1] - 1.0 / 3) < 1e-15);
	assert_true(fabs(r.centroids[2] - 16.0 / 3) < 1e-15 &&
		    fabs(r.centroids[3] - 16.0 / 3) < 1e-15);
	assert_true(fabs(r.inertia - 8.0 / 3) < 1e-12);
	kmeans_result_free(&r);
}

/* Equal starting centroids: every point ties to cluster 0 (the lower number), so cluster 1
 * is empty and takes the point farthest from its centroid, 11 (distance² 121); then as
 * above. */
static void test_lloyd_empty_cluster(void **state)
{
	(void)state;
	const double x[] = {0, 1, 10, 11}, init[] = {0, 0};
	struct kmeans_result r;
	lloyd_ok(x, 4, 1, 2, init, &r);
	assert_true(r.converged);
	assert_int_equal(r.iterations, 3);
	assert_true(r.centroids[0] == 0.5 && r.centroids[1] == 10.5);
	assert_int_equal(r.sizes[0], 2);
	assert_int_equal(r.sizes[1], 2);
	kmeans_result_free(&r);
}

/* max_iter 1: one assignment to the starting centroids, not converged, and the inertia of
 * that assignment: 0, 1, 10, 11 to 0 and 1 gives 0 + 0 + 81 + 100. */
static void test_lloyd_max_iter(void **state)
{
	(void)state;
	const double x[] = {0, 1, 10, 11}, init[] = {0, 1};
	struct kmeans_result r;
	struct rd_err err = {{0}};
	assert_int_equal(kmeans_lloyd(x, 4, 1, 2, init, 1, NULL, &r, &err), 0);
	assert_false(r.converged);
	assert_int_equal(r.iterations, 1);
	assert_true(r.inertia == 181);
	kmeans_result_free(&r);
}

/* k-means++ draws the second centroid with probability D²/ΣD²: with points 0, 1, 3 and
 * the first centroid 0, the point 3 (D² = 9) comes 9 times in 10, the point 1 once. Over
 * 9000 seeds about a third start at 0; 3 must follow in 0.9 of them (± 0.03, six standard
 * deviations of a binomial share of ~3000 draws). */
static void test_plusplus_d2(void **state)
{
	(void)state;
	const double x[] = {0, 1, 3};
	struct rd_err err = {{0}};
	int first0 = 0, then3 = 0, seen[3] = {0};
	for (uint64_t seed = 0; seed < 9000; seed++) {
		uint64_t rng = seed;
		double c[2];
		assert_int_equal(kmeans_plusplus(x, 3, 1, 2, &rng, c, &err), 0);
		assert_true(c[0] != c[1]); /* a chosen point has D = 0: never drawn again */
		seen[c[0] == 0 ? 0 : c[0] == 1 ? 1 : 2]++;
		if (c[0] == 0) {
			first0++;
			then3 += c[1] == 3;
		}
	}
	for (int i = 0; i < 3; i++) /* the first centroid is uniform: 3000 each, ± 150 */
		assert_true(abs(seen[i] - 3000) < 150);
	double share = (double)then3 / first0;
	assert_true(fabs(share - 0.9) < 0.03);
}

/* Three distinct values and k = 3: the starts are those three points; two distinct
 * values cannot make three clusters. */
static void test_plusplus_distinct(void **state)
{
	(void)state;
	const double x[] = {2, 2, 7, 7, 7, 9}, two[] = {1, 1, 4, 4};
	struct rd_err err = {{0}};
	uint64_t rng = 5;
	double c[3];
	assert_int_equal(kmeans_plusplus(x, 6, 1, 3, &rng, c, &err), 0);
	assert_true(c[0] + c[1] + c[2] == 18 && c[0] != c[1] && c[1] != c[2] && c[0] != c[2]);
	assert_int_equal(kmeans_plusplus(two, 4, 1, 3, &rng, c, &err), -1);
	assert_non_null(strstr(err.msg, "fewer than 3 distinct values"));
}

/* Three blobs of 30 points: kmeans_fit keeps the start with the lowest inertia among
 * those the same generator gives one after the other, and is reproducible. */
static void test_fit_best_of_starts(void **state)
{
	(void)state;
	double x[90 * 2];
	for (int i = 0; i < 90; i++) {
		double cx = (i % 3) * 4.0, cy = (i % 3 == 1) * 3.0;
		x[2 * i] = cx + sin(i * 1.7) * 1.5;
		x[2 * i + 1] = cy + cos(i * 2.3) * 1.5;
	}
	struct rd_err err = {{0}};
	struct kmeans_result a, b, one;
	assert_int_equal(kmeans_fit(x, 90, 2, 3, 7, KMEANS_N_INIT, KMEANS_MAX_ITER, NULL, &a, &err),
			 0);
	assert_int_equal(kmeans_fit(x, 90, 2, 3, 7, KMEANS_N_INIT, KMEANS_MAX_ITER, NULL, &b, &err),
			 0);
	assert_memory_equal(a.assign, b.assign, sizeof(int) * 90);
	assert_memory_equal(a.centroids, b.centroids, sizeof(double) * 6);
	uint64_t rng = 7;
	double init[6], best = INFINITY;
	for (int s = 0; s < KMEANS_N_INIT; s++) {
		assert_int_equal(kmeans_plusplus(x, 90, 2, 3, &rng, init, &err), 0);
		lloyd_ok(x, 90, 2, 3, init, &one);
		if (one.inertia < best)
			best = one.inertia;
		kmeans_result_free(&one);
	}
	assert_true(a.inertia == best);
	/* The kept run starts from a.init and ends where Lloyd from a.init ends. */
	lloyd_ok(x, 90, 2, 3, a.init, &one);
	assert_memory_equal(one.assign, a.assign, sizeof(int) * 90);
	assert_true(one.inertia == a.inertia);
	size_t total = 0;
	for (int q = 0; q < 3; q++)
		total += a.sizes[q];
	assert_int_equal(total, 90);
	kmeans_result_free(&one);
	kmeans_result_free(&a);
	kmeans_result_free(&b);
}

static void test_bad_input(void **state)
{
	(void)state;
	const double x[] = {0, 1, NAN, 3}, init[] = {0, 1};
	struct kmeans_result r;
	struct rd_err err = {{0}};
	assert_int_equal(kmeans_lloyd(x, 4, 1, 2, init, 10, NULL, &r, &err), -1);
	assert_non_null(strstr(err.msg, "point 2"));
	kmeans_result_free(&r);
	assert_int_equal(kmeans_fit(x, 1, 1, 2, 1, 1, 10, NULL, &r, &err), -1);
	assert_non_null(strstr(err.msg, "1 points cannot make 2 clusters"));
	assert_int_equal(kmeans_fit(x, 2, 1, KMEANS_MAX_K + 1, 1, 1, 10, NULL, &r, &err), -1);
	atomic_int cancel = 1;
	const double ok[] = {0, 1, 10, 11};
	assert_int_equal(kmeans_fit(ok, 4, 1, 2, 1, 3, 10, &cancel, &r, &err), 1);
	assert_null(r.assign); /* nothing kept */
	kmeans_result_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lloyd_by_hand),
		cmocka_unit_test(test_lloyd_2d),
		cmocka_unit_test(test_lloyd_empty_cluster),
		cmocka_unit_test(test_lloyd_max_iter),
		cmocka_unit_test(test_plusplus_d2),
		cmocka_unit_test(test_plusplus_distinct),
		cmocka_unit_test(test_fit_best_of_starts),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
