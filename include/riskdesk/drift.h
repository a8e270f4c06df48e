/* Population stability (SPEC §9): PSI and the Kolmogorov–Smirnov statistic of a current
 * population against a reference distribution (refdist.h). Pure numeric code here.
 *
 *   PSI = Σ_b (a_b − e_b) · ln(a_b / e_b), e_b the reference share of bin b and a_b the
 *         current share, each floored at 0.0001 (an empty bin would make it infinite);
 *   KS  = max_x |F_ref(x) − F_cur(x)|, the empirical distribution functions (numerics),
 *         with F_ref known from the reference's quantiles (refdist.h);
 *   status: stable (PSI < 0.1), moderate (0.1 ≤ PSI ≤ 0.25), significant (PSI > 0.25). */
#ifndef RISKDESK_DRIFT_H
#define RISKDESK_DRIFT_H

#include <stddef.h>
#include <string.h>

#define DRIFT_FLOOR 0.0001
#define DRIFT_MODERATE 0.1
#define DRIFT_SIGNIFICANT 0.25

/* "stable", "moderate" or "significant" (static). NaN: "n/a". */
const char *drift_status(double psi);

/* The PSI of nbins shares; contrib (may be NULL) receives each bin's term. */
double drift_psi(const double *ref, const double *cur, int nbins, double *contrib);

/* The KS statistic of values added one at a time against a reference given by nq ≥ 2
 * quantiles q[k] at probabilities k/(nq − 1), ascending (refdist_quantiles: the inverse of
 * the reference's distribution function, so F_ref is exact at multiples of 1/(nq − 1)).
 * F_ref is a step function between its quantiles and F_cur rises monotonically, so the
 * largest gap lies at a quantile or just below one: only counts per quantile are kept,
 * never the values. */
struct drift_ks {
	int nq;
	double *q;
	int nd; /* the distinct quantiles, with the first and last index of each */
	double *dq;
	int *dfirst, *dlast;
	int *grid; /* cell g of a grid over [dq[0], dq[nd − 1]]: its values' positions */
	double grid_lo, grid_scale; /* among dq lie in [grid[g], grid[g + 1]] */
	size_t *le, *lt;            /* per quantile index: values at most / below it first there */
	size_t n;                   /* values added */
};

void drift_ks_init(struct drift_ks *k, const double *q, int nq);
/* Adds a value (not NaN). */
void drift_ks_add(struct drift_ks *k, double x);
/* NaN with no values or fewer than 2 quantiles. */
double drift_ks_value(const struct drift_ks *k);
void drift_ks_free(struct drift_ks *k);

#endif
