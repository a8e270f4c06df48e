/* Binning and Weight of Evidence of one feature against a 0/1 outcome, as
 * /work/shared/datasets/BASELINES.md defines them. Pure numeric code: no I/O.
 * Labels y[i]: 1 = bad, 0 = good. Functions returning int give 0, or -1 with err. */
#ifndef RISKDESK_WOE_H
#define RISKDESK_WOE_H

#include <stddef.h>

#include "riskdesk/util.h"

#define WOE_SMOOTH 0.5             /* added to each bin's good and bad counts */
#define WOE_MIN_SHARE_DEFAULT 0.05 /* monotone merging: smallest bin share of rows */

/* Formulas (bins b = 1..B, g_b/d_b goods/bads of bin b, G = Σ g_b, D = Σ d_b):
 * quantile edge   e_q = x[lo] + (h − lo)(x[lo+1] − x[lo]), h = (n − 1)q, lo = floor(h),
 *                 x the sorted non-missing values, q = 0.1 … 0.9, duplicates dropped;
 * numeric bin     edge[k−1] < x ≤ edge[k] (first from −inf, last to +inf), NaN its own bin;
 * smoothed        %good_b = (g_b + ½)/(G + ½B), %bad_b = (d_b + ½)/(D + ½B);
 * WoE_b           = ln(%good_b / %bad_b);
 * IV part         = (%good_b − %bad_b)·WoE_b;   IV = Σ IV parts;
 * an empty bin    (g_b = d_b = 0: only hand-set bins can be empty) WoE_b = 0, IV part 0,
 *                 and B counts only the bins holding rows;
 * unsmoothed      the same with %good_b = g_b/G, %bad_b = d_b/D (±inf or NaN when a
 *                 count is 0; the IV is then +inf). */

#define QUANTILE_EDGES 9 /* the 10 % … 90 % quantiles */

/* The distinct quantile edges e_q (formula above) of m sorted values, into edge; returns
 * how many (0 when m = 0). Also the bins of drift's reference distributions. */
size_t quantile_edges(const double *sorted, size_t m, double edge[QUANTILE_EDGES]);
/* The quantile at probability q in [0, 1] of m > 0 sorted values (the formula above, as
 * numpy's default "linear"): the logit's winsorizing bounds and median. */
double quantile_at(const double *sorted, size_t m, double q);
/* The right-closed bin of x among nedge ascending edges (edge[k−1] < x ≤ edge[k], the
 * first from −inf, the last to +inf): 0 … nedge, i.e. the first k with x ≤ edge[k]. */
size_t quantile_bin(const double *edge, size_t nedge, double x);

enum woe_kind {
	WOE_NUMERIC,     /* quantile bins of a double, NaN missing */
	WOE_CATEGORICAL, /* one bin per level, NULL missing */
};

struct woe_bin {
	double lo;   /* numeric: lo < x ≤ hi; −inf for the first bin; a special bin: its code */
	double hi;   /* +inf for the last numeric bin; a special bin: its code */
	char *level; /* categorical: the level (owned); NULL for numeric and missing */
	int missing; /* 1 for the bin of missing values (always last) */
	int special; /* 1 for the bin of one special value (a sentinel code) */
	size_t goods;       /* rows with y = 0 */
	size_t bads;        /* rows with y = 1 */
	double woe;         /* smoothed WoE */
	double iv_part;     /* smoothed IV part */
	double woe_raw;     /* unsmoothed WoE */
	double iv_part_raw; /* unsmoothed IV part */
};

/* A binned feature. Owns bins and their levels; free with woe_free. Numeric bins are in
 * increasing order, categorical bins in strcmp order of their levels; then the special
 * bins (numeric only: one per special code that the rows hold, in increasing order of
 * the code); the missing bin, present only when the data had missing values, comes last. */
struct woe_binning {
	enum woe_kind kind;   /* numeric or categorical */
	struct woe_bin *bins; /* owned, nbins of them */
	size_t nbins;         /* bins, the special and missing ones included */
	size_t nspecial;      /* special bins */
	size_t goods;         /* G */
	size_t bads;          /* D */
	double iv;            /* smoothed IV */
	double iv_raw;        /* unsmoothed IV */
};

/* Numeric binning at the unique 10 %…90 % quantiles of the non-missing x (NaN = missing).
 * A value bin left empty by the edges (heavy ties) is merged into its lower neighbour,
 * whose upper edge widens. Needs n > 0 with both goods and bads. Fills *out; on error
 * *out holds no bins. */
int woe_fit_numeric(const double *x, const int *y, size_t n, struct woe_binning *out,
		    struct rd_err *err);
/* The same with special values: a row whose x equals one of the nspecial codes goes to
 * that code's own bin and takes no part in the quantile edges (nor, later, in any merge).
 * A code no row holds gets no bin. nspecial at most WOE_SPECIAL_MAX. */
#define WOE_SPECIAL_MAX 32
int woe_fit_numeric_special(const double *x, const int *y, size_t n, const double *special,
			    size_t nspecial, struct woe_binning *out, struct rd_err *err);
/* The same at the nedge edges given (finite, strictly increasing; none: one value bin),
 * kept exactly: bin k holds edge[k−1] < x ≤ edge[k], the first from −inf, the last to
 * +inf; a bin no row falls in stays, with WoE 0 (no evidence). Special
 * codes and missing values as woe_fit_numeric_special. Hand-set bins (train --bins). */
int woe_fit_numeric_edges(const double *x, const int *y, size_t n, const double *special,
			  size_t nspecial, const double *edge, size_t nedge,
			  struct woe_binning *out, struct rd_err *err);
/* Categorical binning of given groups of levels: group[i] is row i's group, 0 … ngroups−1,
 * or −1 for a missing value. One bin per group in group order (empty ones too; their
 * level is NULL: the caller knows each group's levels), then the missing bin. Hand-set
 * level groups (train --bins). */
int woe_fit_groups(const int *group, const int *y, size_t n, size_t ngroups,
		   struct woe_binning *out, struct rd_err *err);
/* Categorical binning: one bin per distinct level (NULL = missing). Levels are copied,
 * so the caller keeps its strings. */
int woe_fit_categorical(const char *const *level, const int *y, size_t n, struct woe_binning *out,
			struct rd_err *err);
/* Merges adjacent numeric bins until every one holds at least min_share of all rows and
 * the WoE is strictly monotone; both directions are tried and the one keeping the larger
 * smoothed IV wins. The missing bin is never merged. Recomputes WoE and IV. Categorical
 * binnings are left unchanged. min_share in [0, 1) (WOE_MIN_SHARE_DEFAULT). */
int woe_make_monotone(struct woe_binning *b, double min_share, struct rd_err *err);

/* The shape of the bad rate over a numeric feature's value bins (as optbinning's
 * monotonic_trend): ascending (the bad rate rises with x, so the WoE falls), descending,
 * peak (rises, then falls), valley (falls, then rises), none (no shape imposed), or auto. */
enum woe_trend {
	WOE_TREND_AUTO,
	WOE_TREND_ASCENDING,
	WOE_TREND_DESCENDING,
	WOE_TREND_PEAK,
	WOE_TREND_VALLEY,
	WOE_TREND_NONE,
};
#define WOE_TRENDS 6
extern const char *const woe_trend_names[WOE_TRENDS]; /* "auto", "ascending", ... */
/* The trend called name, or -1. */
int woe_trend_parse(const char *name);
/* The two-sided 5 % critical value of the z test that lets auto choose a peak or valley. */
#define WOE_TURN_Z 1.959964

/* Merges adjacent value bins (never the special or missing ones) until every one holds at
 * least min_share of all rows and the bad rate follows trend strictly:
 *   ascending, descending: as woe_make_monotone with the direction fixed;
 *   peak, valley: for every split of the value bins into a left and a right part, the left
 *     merged ascending and the right descending (peak) or the reverse (valley); the split
 *     keeping the largest smoothed IV wins;
 *   none: only bins under min_share merge (smallest first, into the neighbour of closer
 *     WoE);
 *   auto: the better (larger IV) of ascending and descending, unless a peak or valley has a
 *     larger IV and the data support its turn: the turn bin's bad rate differs from that of
 *     the value bins on its left pooled, and from those on its right pooled, each by a
 *     two-proportion z test |z| ≥ WOE_TURN_Z, in the shape's direction.
 * *chosen (may be NULL) receives the shape applied. Categoricals are left unchanged
 * (*chosen = none). Recomputes WoE and IV. 0, or -1 with err. */
int woe_shape(struct woe_binning *b, double min_share, enum woe_trend trend, enum woe_trend *chosen,
	      struct rd_err *err);
/* Recomputes every bin's WoE and IV parts and the two IVs from the counts. */
void woe_recompute(struct woe_binning *b);
void woe_free(struct woe_binning *b);

/* The bin of a value, or -1 when it has none (missing with no missing bin, or an unseen
 * level). A value equal to a special bin's code is in that bin. */
int woe_index_numeric(const struct woe_binning *b, double x);
int woe_index_categorical(const struct woe_binning *b, const char *level);
/* The smoothed WoE of bin idx; 0 (neutral) for idx = -1. */
double woe_value(const struct woe_binning *b, int idx);

#endif
