/* Model quality metrics on predicted PDs and 0/1 outcomes: AUC, Gini, KS, Brier, log
 * loss, a gains table, calibration by band, the cost-optimal cut-off and a ROC curve.
 * Pure numeric code: no I/O, no SQLite. Every function takes n predictions p[i] in
 * [0, 1] and labels y[i] (1 = bad/default, 0 = good), never keeps them, and returns 0,
 * or -1 with err (n = 0, p not finite or outside [0, 1], y not 0/1, or a metric that
 * needs both classes given only one). Output arrays belong to the caller. */
#ifndef RISKDESK_METRICS_H
#define RISKDESK_METRICS_H

#include <stddef.h>

#include "riskdesk/util.h"
#include "riskdesk/vocab.h"

#define METRICS_GAINS_BUCKETS 10
#define METRICS_BANDS BANDS /* A..E (vocab.h) */
#define METRICS_LOGLOSS_EPS 1e-15
#define METRICS_CFN_DEFAULT 10.0
#define METRICS_CFP_DEFAULT 1.0

/* Formulas (P = number of bads, N = number of goods, n = P + N):
 * AUC     = (Σ_{bad i} rank(p_i) − P(P+1)/2) / (P·N), ranks ascending, ties averaged
 *           (equivalently P(p_bad > p_good) + ½·P(p_bad = p_good));
 * Gini    = 2·AUC − 1;
 * KS      = max over thresholds t of TPR(t) − FPR(t), flagging p ≥ t, t over distinct p;
 * Brier   = (1/n) Σ (p_i − y_i)²;
 * logloss = −(1/n) Σ [y_i ln q_i + (1 − y_i) ln(1 − q_i)], q_i = clip(p_i, 1e-15, 1 − 1e-15). */
struct rd_metrics {
	size_t n;            /* rows */
	size_t bads;         /* rows with y = 1 */
	double bad_rate;     /* bads / n */
	double auc;          /* Mann–Whitney, ties averaged */
	double gini;         /* 2·AUC − 1 */
	double ks;           /* max(TPR − FPR) */
	double ks_threshold; /* the p at which KS is reached (flag p ≥ it) */
	double brier;        /* mean squared error of p */
	double logloss;      /* mean negative log-likelihood, p clipped */
};

/* Fills every field of m. Needs both classes. */
int metrics_compute(const double *p, const int *y, size_t n, struct rd_metrics *m,
		    struct rd_err *err);
/* The single metrics, as in struct rd_metrics; auc and ks need both classes. */
int metrics_auc(const double *p, const int *y, size_t n, double *auc, struct rd_err *err);
/* threshold may be NULL. */
int metrics_ks(const double *p, const int *y, size_t n, double *ks, double *threshold,
	       struct rd_err *err);
int metrics_brier(const double *p, const int *y, size_t n, double *brier, struct rd_err *err);
int metrics_logloss(const double *p, const int *y, size_t n, double *logloss, struct rd_err *err);

/* One decile of predicted PD. Rows sorted by p descending (ties in input order); bucket
 * k (0 = highest risk) holds rows floor(k·n/10) .. floor((k+1)·n/10) − 1, so a tie may
 * straddle two buckets. Empty buckets (n < 10) have every field 0. */
struct metrics_gains_row {
	size_t count;       /* rows in the bucket */
	size_t bads;        /* bads in the bucket */
	double min_pd;      /* lowest p in the bucket */
	double max_pd;      /* highest p in the bucket */
	double mean_pd;     /* mean p in the bucket */
	double bad_rate;    /* bads / count */
	double cum_capture; /* Σ_{j≤k} bads_j / P: share of all bads captured so far */
	double lift;        /* bad_rate / (P / n) */
	double cum_lift;    /* (Σ_{j≤k} bads_j / Σ_{j≤k} count_j) / (P / n) */
};

/* Fills out[0..METRICS_GAINS_BUCKETS). Needs at least one bad (lift divides by P/n). */
int metrics_gains(const double *p, const int *y, size_t n,
		  struct metrics_gains_row out[METRICS_GAINS_BUCKETS], struct rd_err *err);

/* The Hosmer–Lemeshow goodness-of-fit test over groups of predictions (riskdesk uses the
 * gains table's 10 deciles of predicted PD):
 *   HL = Σ_g (O_g − E_g)² / (E_g·(1 − E_g/n_g)),  O_g bads, E_g = Σ p (= n_g·mean_pd),
 * over the groups with n_g > 0 and 0 < E_g < n_g (a group whose PDs are all 0 or all 1 has
 * no variance and is left out); p-value = P(χ² with g − 2 degrees of freedom ≥ HL). */
struct metrics_hl {
	double statistic;
	int groups;     /* g: groups that entered the sum */
	int df;         /* g − 2 */
	double p_value; /* NaN when df < 1 */
};

int metrics_hosmer_lemeshow(const struct metrics_gains_row *rows, int nrows, struct metrics_hl *out,
			    struct rd_err *err);
/* P(X ≥ x) for X chi-square with df > 0 degrees of freedom: the regularised upper
 * incomplete gamma function Q(df/2, x/2) (series below a + 1, continued fraction above). */
double metrics_chi2_sf(double x, double df);

/* Calibration of one score band. */
struct metrics_calib_row {
	char band;       /* 'A'..'E' */
	size_t count;    /* rows in the band */
	size_t bads;     /* bads in the band */
	double mean_pd;  /* (1/count) Σ p over the band; 0 when empty */
	double observed; /* bads / count; 0 when empty */
};

/* band[i] is row i's band, 'A'..'E' (anything else is an error). Fills out[0..5) in
 * band order A..E. The bands come from the model's band edges (score_band_of). */
int metrics_calibration(const double *p, const int *y, const char *band, size_t n,
			struct metrics_calib_row out[METRICS_BANDS], struct rd_err *err);

/* The cost-optimal cut-off: decline when p ≥ cutoff.
 * cost(c) = cfn·#{bad, p < c} + cfp·#{good, p ≥ c}; minimised over c in the distinct
 * predicted values and "decline none" (c = the next double above max p); ties go to the
 * higher c (fewer declines). expected_cost = cost / n. */
struct metrics_cutoff {
	double cutoff;        /* decline when p ≥ cutoff */
	double expected_cost; /* minimal cost per customer */
	size_t declined;      /* rows with p ≥ cutoff */
	size_t false_neg;     /* bads approved */
	size_t false_pos;     /* goods declined */
};

/* cfn, cfp > 0 (METRICS_CFN_DEFAULT, METRICS_CFP_DEFAULT). */
int metrics_cost_cutoff(const double *p, const int *y, size_t n, double cfn, double cfp,
			struct metrics_cutoff *out, struct rd_err *err);

/* A point of the ROC curve: flag p ≥ threshold; TPR = TP/P, FPR = FP/N. */
struct metrics_roc_point {
	double fpr;       /* false positive rate */
	double tpr;       /* true positive rate */
	double threshold; /* p ≥ threshold flagged; +inf at the (0, 0) start */
};

/* The full curve has one point per distinct p plus (0, 0); when that is more than k,
 * k points are kept at evenly spaced indices, first and last included. k ≥ 2; out has
 * room for k points; *count receives the number written. Needs both classes. */
int metrics_roc(const double *p, const int *y, size_t n, struct metrics_roc_point *out, size_t k,
		size_t *count, struct rd_err *err);

#endif
