/* PSI, KS and bins (include/riskdesk/drift.h). */
#include "riskdesk/drift.h"

#include <math.h>

const char *drift_status(double psi)
{
	if (isnan(psi))
		return "n/a";
	return psi < DRIFT_MODERATE ? "stable" : psi <= DRIFT_SIGNIFICANT ? "moderate" : "significant";
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

double drift_ks(const double *a, size_t na, const double *b, size_t nb)
{
	if (na == 0 || nb == 0)
		return 0;
	size_t i = 0, j = 0;
	double d = 0;
	/* Walk both samples in order; at each distinct value both functions have stepped. */
	while (i < na && j < nb) {
		double x = a[i] <= b[j] ? a[i] : b[j];
		while (i < na && a[i] <= x)
			i++;
		while (j < nb && b[j] <= x)
			j++;
		double gap = fabs((double)i / (double)na - (double)j / (double)nb);
		if (gap > d)
			d = gap;
	}
	return d;
}
