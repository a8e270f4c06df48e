/* Population stability (SPEC §9): PSI and the Kolmogorov–Smirnov statistic of a current
 * population against a reference distribution (refdist.h). Pure numeric code here.
 *
 *   PSI = Σ_b (a_b − e_b) · ln(a_b / e_b), e_b the reference share of bin b and a_b the
 *         current share, each floored at 0.0001 (an empty bin would make it infinite);
 *   KS  = max_x |F_ref(x) − F_cur(x)|, the empirical distribution functions (numerics);
 *   status: stable (PSI < 0.1), moderate (0.1 ≤ PSI ≤ 0.25), significant (PSI > 0.25). */
#ifndef RISKDESK_DRIFT_H
#define RISKDESK_DRIFT_H

#include <stddef.h>

#define DRIFT_FLOOR 0.0001
#define DRIFT_MODERATE 0.1
#define DRIFT_SIGNIFICANT 0.25

/* "stable", "moderate" or "significant" (static). NaN: "n/a". */
const char *drift_status(double psi);

/* The PSI of nbins shares; contrib (may be NULL) receives each bin's term. */
double drift_psi(const double *ref, const double *cur, int nbins, double *contrib);

/* The two-sample KS statistic of sorted samples (ascending, no NaN); 0 when one is empty. */
double drift_ks(const double *a, size_t na, const double *b, size_t nb);

#endif
