/* k-means: seeded k-means++ starts and Lloyd's algorithm (include/riskdesk/kmeans.h). */
#include "riskdesk/kmeans.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double dist2(const double *a, const double *b, int dim)
{
	double s = 0;
	for (int j = 0; j < dim; j++) {
		double d = a[j] - b[j];
		s += d * d;
	}
	return s;
}

/* The nearest centroid of p (ties to the lower number), and its squared distance. */
static int nearest(const double *p, const double *c, int k, int dim, double *d2)
{
	int best = 0;
	double bd = dist2(p, c, dim);
	for (int q = 1; q < k; q++) {
		double d = dist2(p, c + (size_t)q * (size_t)dim, dim);
		if (d < bd) {
			bd = d;
			best = q;
		}
	}
	*d2 = bd;
	return best;
}

static double unif(uint64_t *rng)
{
	return (double)(rd_splitmix64(rng) >> 11) * 0x1.0p-53;
}

static int check_args(const double *x, size_t n, int dim, int k, struct rd_err *err)
{
	if (dim < 1 || k < 1 || k > KMEANS_MAX_K) {
		rd_err_set(err,
			   "k-means: k must be 1 to %d and the points have at least one"
			   " coordinate",
			   KMEANS_MAX_K);
		return -1;
	}
	if (n < (size_t)k) {
		rd_err_set(err, "k-means: %zu points cannot make %d clusters", n, k);
		return -1;
	}
	for (size_t i = 0; i < n * (size_t)dim; i++) {
		if (!isfinite(x[i])) {
			rd_err_set(err,
				   "k-means: point %zu has a coordinate that is not a finite"
				   " number",
				   i / (size_t)dim);
			return -1;
		}
	}
	return 0;
}

void kmeans_result_free(struct kmeans_result *r)
{
	if (!r)
		return;
	free(r->centroids);
	free(r->init);
	free(r->assign);
	free(r->sizes);
	memset(r, 0, sizeof *r);
}

int kmeans_plusplus(const double *x, size_t n, int dim, int k, uint64_t *rng, double *out,
		    struct rd_err *err)
{
	if (check_args(x, n, dim, k, err))
		return -1;
	size_t d = (size_t)dim;
	double *d2 = rd_malloc(n * sizeof *d2);
	size_t first = (size_t)(unif(rng) * (double)n);
	if (first >= n)
		first = n - 1;
	memcpy(out, x + first * d, d * sizeof *out);
	for (size_t i = 0; i < n; i++)
		d2[i] = dist2(x + i * d, out, dim);
	int rc = -1;
	for (int c = 1; c < k; c++) {
		double total = 0;
		for (size_t i = 0; i < n; i++)
			total += d2[i];
		if (!(total > 0)) {
			rd_err_set(err, "k-means: the points have fewer than %d distinct values",
				   k);
			goto out;
		}
		/* The first point whose running sum passes u·total; rounding can leave the
		 * walk at the end, when the last point with a distance is taken. */
		double target = unif(rng) * total, run = 0;
		size_t pick = n, last = n;
		for (size_t i = 0; i < n; i++) {
			if (d2[i] <= 0)
				continue;
			last = i;
			run += d2[i];
			if (run > target) {
				pick = i;
				break;
			}
		}
		if (pick == n)
			pick = last;
		double *cc = out + (size_t)c * d;
		memcpy(cc, x + pick * d, d * sizeof *cc);
		for (size_t i = 0; i < n; i++) {
			double e = dist2(x + i * d, cc, dim);
			if (e < d2[i])
				d2[i] = e;
		}
	}
	rc = 0;
out:
	free(d2);
	return rc;
}

/* A cluster left empty by the update takes the point farthest from its own centroid
 * (distances of the assignment just made) that no other empty cluster took this step. */
static void relocate_empty(const double *x, size_t n, int dim, int k, double *c,
			   const size_t *sizes, const double *d2, unsigned char *taken)
{
	size_t d = (size_t)dim;
	for (int q = 0; q < k; q++) {
		if (sizes[q])
			continue;
		size_t far = n;
		for (size_t i = 0; i < n; i++)
			if (!taken[i] && (far == n || d2[i] > d2[far]))
				far = i;
		if (far == n)
			return;
		taken[far] = 1;
		memcpy(c + (size_t)q * d, x + far * d, d * sizeof *c);
	}
}

int kmeans_lloyd(const double *x, size_t n, int dim, int k, const double *init, int max_iter,
		 atomic_int *cancel, struct kmeans_result *r, struct rd_err *err)
{
	memset(r, 0, sizeof *r);
	if (check_args(x, n, dim, k, err))
		return -1;
	if (max_iter < 1) {
		rd_err_set(err, "k-means: at least one iteration");
		return -1;
	}
	size_t d = (size_t)dim, kd = (size_t)k * d;
	r->k = k;
	r->dim = dim;
	r->n = n;
	r->centroids = rd_malloc(kd * sizeof *r->centroids);
	r->init = rd_malloc(kd * sizeof *r->init);
	r->assign = rd_malloc(n * sizeof *r->assign);
	r->sizes = rd_calloc((size_t)k, sizeof *r->sizes);
	memcpy(r->centroids, init, kd * sizeof *init);
	memcpy(r->init, init, kd * sizeof *init);
	for (size_t i = 0; i < n; i++)
		r->assign[i] = -1;
	double *d2 = rd_malloc(n * sizeof *d2), *sum = rd_malloc(kd * sizeof *sum);
	unsigned char *taken = rd_malloc(n);
	int rc = -1;
	for (int it = 1; it <= max_iter; it++) {
		if (cancel && *cancel) {
			rc = 1;
			goto out;
		}
		int changed = 0;
		memset(r->sizes, 0, (size_t)k * sizeof *r->sizes);
		for (size_t i = 0; i < n; i++) {
			int q = nearest(x + i * d, r->centroids, k, dim, &d2[i]);
			changed |= q != r->assign[i];
			r->assign[i] = q;
			r->sizes[q]++;
		}
		r->iterations = it;
		if (!changed) {
			r->converged = 1;
			break;
		}
		if (it == max_iter)
			break; /* the assignment to the last centroids stands */
		memset(sum, 0, kd * sizeof *sum);
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < d; j++)
				sum[(size_t)r->assign[i] * d + j] += x[i * d + j];
		for (int q = 0; q < k; q++)
			for (size_t j = 0; j < d && r->sizes[q]; j++)
				r->centroids[(size_t)q * d + j] = sum[(size_t)q * d + j] /
								  (double)r->sizes[q];
		memset(taken, 0, n);
		relocate_empty(x, n, dim, k, r->centroids, r->sizes, d2, taken);
	}
	r->inertia = 0;
	for (size_t i = 0; i < n; i++)
		r->inertia += d2[i];
	rc = 0;
out:
	free(d2);
	free(sum);
	free(taken);
	return rc;
}

int kmeans_fit(const double *x, size_t n, int dim, int k, uint64_t seed, int n_init, int max_iter,
	       atomic_int *cancel, struct kmeans_result *r, struct rd_err *err)
{
	memset(r, 0, sizeof *r);
	if (n_init < 1) {
		rd_err_set(err, "k-means: at least one start");
		return -1;
	}
	if (check_args(x, n, dim, k, err))
		return -1;
	uint64_t rng = seed;
	double *init = rd_malloc((size_t)k * (size_t)dim * sizeof *init);
	struct kmeans_result run = {0};
	int rc = -1;
	for (int s = 0; s < n_init; s++) {
		if ((rc = kmeans_plusplus(x, n, dim, k, &rng, init, err)) != 0)
			goto out;
		if ((rc = kmeans_lloyd(x, n, dim, k, init, max_iter, cancel, &run, err)) != 0)
			goto out;
		if (s == 0 || run.inertia < r->inertia) {
			kmeans_result_free(r);
			*r = run;
			memset(&run, 0, sizeof run);
		} else {
			kmeans_result_free(&run);
		}
	}
	rc = 0;
out:
	kmeans_result_free(&run);
	free(init);
	if (rc)
		kmeans_result_free(r);
	return rc;
}
