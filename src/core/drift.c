/* PSI, KS and bins (include/riskdesk/drift.h). */
#include "riskdesk/drift.h"

#include <math.h>
#include <stdlib.h>

#include "riskdesk/util.h"
#include "riskdesk/vocab.h"
#include "riskdesk/woe.h"

const char *drift_status(double psi)
{
	if (isnan(psi))
		return "n/a";
	return vocab_name(&vocab_drift_status, psi < DRIFT_MODERATE ? DRIFT_LEVEL_STABLE
					       : psi <= DRIFT_SIGNIFICANT
						       ? DRIFT_LEVEL_MODERATE
						       : DRIFT_LEVEL_SIGNIFICANT);
}

double drift_psi(const double *ref, const double *cur, int nbins, double *contrib)
{
	double psi = 0;
	for (int b = 0; b < nbins; b++) {
		double e = ref[b] > DRIFT_FLOOR ? ref[b] : DRIFT_FLOOR;
		double a = cur[b] > DRIFT_FLOOR ? cur[b] : DRIFT_FLOOR;
		double term = (a - e) * log(a / e);
		if (contrib)
			contrib[b] = term;
		psi += term;
	}
	return psi;
}

#define GRID_CELLS 1024

void drift_ks_init(struct drift_ks *k, const double *q, int nq)
{
	memset(k, 0, sizeof *k);
	k->nq = nq;
	k->q = rd_malloc((size_t)(nq + 1) * sizeof *k->q);
	memcpy(k->q, q, (size_t)nq * sizeof *q);
	k->dq = rd_malloc((size_t)(nq + 1) * sizeof *k->dq);
	k->dfirst = rd_malloc((size_t)(nq + 1) * sizeof *k->dfirst);
	k->dlast = rd_malloc((size_t)(nq + 1) * sizeof *k->dlast);
	for (int i = 0; i < nq; i++) {
		if (k->nd && k->dq[k->nd - 1] == q[i]) {
			k->dlast[k->nd - 1] = i;
			continue;
		}
		k->dq[k->nd] = q[i];
		k->dfirst[k->nd] = k->dlast[k->nd] = i;
		k->nd++;
	}
	if (k->nd > 16 && k->dq[k->nd - 1] > k->dq[0]) {
		k->grid = rd_malloc((GRID_CELLS + 1) * sizeof *k->grid);
		k->grid_lo = k->dq[0];
		k->grid_scale = GRID_CELLS / (k->dq[k->nd - 1] - k->dq[0]);
		for (int g = 0; g <= GRID_CELLS; g++)
			k->grid[g] = (int)quantile_bin(k->dq, (size_t)k->nd,
						       k->grid_lo + g / k->grid_scale);
	}
	k->le = rd_calloc((size_t)nq + 1, sizeof *k->le);
	k->lt = rd_calloc((size_t)nq + 1, sizeof *k->lt);
}

void drift_ks_free(struct drift_ks *k)
{
	free(k->q);
	free(k->dq);
	free(k->dfirst);
	free(k->dlast);
	free(k->grid);
	free(k->le);
	free(k->lt);
	memset(k, 0, sizeof *k);
}

/* The first distinct quantile not below x: through the grid, then checked. */
static int position(const struct drift_ks *k, double x)
{
	if (k->grid && x > k->grid_lo && x <= k->dq[k->nd - 1]) {
		double cell = (x - k->grid_lo) * k->grid_scale;
		int g = cell < GRID_CELLS ? (int)cell : GRID_CELLS - 1;
		int a = k->grid[g], b = k->grid[g + 1];
		int p = a + (int)quantile_bin(k->dq + a, (size_t)(b - a), x);
		if ((p == 0 || k->dq[p - 1] < x) && (p == k->nd || k->dq[p] >= x))
			return p; /* rounding at a cell's edge can miss by one: then search all */
	}
	return (int)quantile_bin(k->dq, (size_t)k->nd, x);
}

void drift_ks_add(struct drift_ks *k, double x)
{
	if (!k->nq)
		return;
	int p = position(k, x);
	int ge = p < k->nd ? k->dfirst[p] : k->nq;                  /* q[ge] >= x */
	int gt = p < k->nd && k->dq[p] == x ? k->dlast[p] + 1 : ge; /* q[gt] > x */
	k->le[ge]++;                                                /* x <= q[i] for i >= ge */
	k->lt[gt]++;                                                /* x < q[i] for i >= gt */
	k->n++;
}

double drift_ks_value(const struct drift_ks *k)
{
	if (k->nq < 2 || k->n == 0)
		return NAN;
	double d = 0, step = 1.0 / (double)(k->nq - 1);
	size_t le = 0, lt = 0;
	int ile = 0, ilt = 0;
	for (int p = 0; p < k->nd; p++) {
		/* F_ref at dq[p] is the probability of its last index, just below it that of the
		 * index before its first; F_cur counts the values up to there. */
		while (ile <= k->dlast[p])
			le += k->le[ile++];
		while (ilt <= k->dfirst[p])
			lt += k->lt[ilt++];
		double at = fabs((double)k->dlast[p] * step - (double)le / (double)k->n);
		double below = fabs((k->dfirst[p] ? (double)(k->dfirst[p] - 1) * step : 0) -
				    (double)lt / (double)k->n);
		d = fmax(d, fmax(at, below));
	}
	return d;
}
