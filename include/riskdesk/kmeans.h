/* k-means clustering: Lloyd's algorithm from seeded k-means++ starts. Pure numeric code,
 * no I/O. Points are n rows of dim doubles stored row by row (x[i*dim + j]), all finite.
 * Deterministic: the same points, k and seed give the same clusters on every machine
 * (a fixed generator and fixed summation orders). Functions returning int give 0, 1 when
 * cancelled, or -1 with err.
 *
 * k-means++ (Arthur and Vassilvitskii, 2007): the first centroid is a point drawn
 * uniformly; each next one is a point drawn with probability D(x)² / Σ D(x)², D(x) the
 * distance to the nearest centroid chosen so far. The draws come from splitmix64 seeded
 * by the caller, u = (next >> 11)·2⁻⁵³.
 *
 * Lloyd: assign every point to its nearest centroid (squared Euclidean distance, ties to
 * the lower cluster number); stop when no assignment changed (the centroids are then the
 * means of their points); else move each centroid to the mean of its points. A cluster
 * left empty takes the point farthest from its own centroid (ties: the first such point;
 * each point at most once per step). At most max_iter assignment steps. */
#ifndef RISKDESK_KMEANS_H
#define RISKDESK_KMEANS_H

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "riskdesk/util.h"

#define KMEANS_MAX_K 64
#define KMEANS_N_INIT 10    /* k-means++ starts tried by kmeans_fit; the lowest inertia wins */
#define KMEANS_MAX_ITER 300 /* assignment steps per start */

struct kmeans_result {
	int k, dim;
	size_t n;
	double *centroids; /* k × dim, row by row; owned */
	double *init;      /* the starting centroids of the run kept, k × dim; owned */
	int *assign;       /* n: each point's cluster, 0 … k−1; owned */
	size_t *sizes;     /* k: points per cluster; owned */
	double inertia;    /* Σ squared distance of each point to its centroid */
	int iterations;    /* assignment steps of the run kept */
	int converged;     /* 1: the assignments stopped changing within max_iter */
};

/* Lloyd's algorithm from the k centroids init (k × dim). Fills r (free it with
 * kmeans_result_free, also after a failure). cancel is polled each step; may be NULL. */
int kmeans_lloyd(const double *x, size_t n, int dim, int k, const double *init, int max_iter,
		 atomic_int *cancel, struct kmeans_result *r, struct rd_err *err);

/* k-means++ starting centroids into out (k × dim), drawing from the splitmix64 state
 * *rng (advanced). -1 when the points have fewer than k distinct values. */
int kmeans_plusplus(const double *x, size_t n, int dim, int k, uint64_t *rng, double *out,
		    struct rd_err *err);

/* n_init k-means++ starts from one generator seeded with seed, each refined by Lloyd; the
 * run with the lowest inertia is kept (ties: the earlier run). */
int kmeans_fit(const double *x, size_t n, int dim, int k, uint64_t seed, int n_init, int max_iter,
	       atomic_int *cancel, struct kmeans_result *r, struct rd_err *err);

/* Frees what r owns and zeroes it; NULL is a no-op. */
void kmeans_result_free(struct kmeans_result *r);

#endif
