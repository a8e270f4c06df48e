/* Reference distributions: what drift compares today's population with (SPEC §9). Each
 * trained model keeps those of its training rows; the rules model gets them from the
 * profiles. Written as JSON objects:
 *   numeric      {"name","type":"numeric","n","missing","edges":[…],"shares":[…],
 *                 "quantiles":[1001 values]}  — edges the distinct deciles (quantile_edges),
 *                 bins right-closed (edge[k−1] < x ≤ edge[k]); shares per bin and the
 *                 missing share are of all n rows; quantiles 0 %, 0.1 %, … 100 % of the
 *                 non-missing values (refdist_quantiles; for the KS statistic);
 *   categorical  {"name","type":"categorical","n","missing","levels":{"level":share,…}}. */
#ifndef RISKDESK_REFDIST_H
#define RISKDESK_REFDIST_H

#include <stddef.h>

#include "riskdesk/util.h"

#define REFDIST_QUANTILES 1001 /* 0 %, 0.1 %, … 100 % */

/* The nq quantiles of m sorted values at probabilities k/(nq − 1), as the inverse of
 * their distribution function: q[k] = x[max(0, ⌈m·k/(nq − 1)⌉ − 1)], the smallest value
 * with at least that share at or below it. So F(q[k]) ≥ k/(nq − 1), with equality at
 * every multiple of 1/(nq − 1) that F takes. m > 0, nq ≥ 2. */
void refdist_quantiles(const double *sorted, size_t m, double *q, int nq);
/* Appends the numeric reference of x[0..n) (NaN = missing); sorts x in place. */
void refdist_numeric(struct rd_buf *b, const char *name, double *x, size_t n);
/* Appends the categorical reference from counts per level and of missing values. */
void refdist_categorical(struct rd_buf *b, const char *name, char *const *levels,
			 const size_t *counts, int nlevels, size_t missing);

#endif
