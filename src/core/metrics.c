/* Model quality metrics (include/riskdesk/metrics.h). */
#include "riskdesk/metrics.h"

#include <math.h>
#include <stdlib.h>

/* A prediction with its label and input position (the tie-break that keeps sorts stable). */
struct pair {
	double p;   /* predicted PD */
	int y;      /* 1 = bad */
	size_t idx; /* input position */
};

static int check_input(const double *p, const int *y, size_t n, struct rd_err *err)
{
	if (n == 0) {
		rd_err_set(err, "no predictions");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!(p[i] >= 0.0 && p[i] <= 1.0)) {
			rd_err_set(err, "prediction %zu is not a probability in [0, 1]", i);
			return -1;
		}
		if (y[i] != 0 && y[i] != 1) {
			rd_err_set(err, "label %zu is %d, not 0 or 1", i, y[i]);
			return -1;
		}
	}
	return 0;
}

static size_t count_bads(const int *y, size_t n)
{
	size_t b = 0;
	for (size_t i = 0; i < n; i++)
		b += (size_t)y[i];
	return b;
}

static int both_classes(size_t bads, size_t n, struct rd_err *err)
{
	if (bads == 0 || bads == n) {
		rd_err_set(err, "needs both goods and bads (%zu bads of %zu)", bads, n);
		return -1;
	}
	return 0;
}

/* Descending p, then ascending input position. */
static int pair_cmp_desc(const void *a, const void *b)
{
	const struct pair *x = a, *z = b;
	if (x->p > z->p)
		return -1;
	if (x->p < z->p)
		return 1;
	return (x->idx > z->idx) - (x->idx < z->idx);
}

/* The rows sorted by p descending; the caller frees the array. */
static struct pair *sorted_desc(const double *p, const int *y, size_t n)
{
	struct pair *a = rd_malloc(n * sizeof *a);
	for (size_t i = 0; i < n; i++) {
		a[i].p = p[i];
		a[i].y = y[i];
		a[i].idx = i;
	}
	qsort(a, n, sizeof *a, pair_cmp_desc);
	return a;
}

/* AUC from rows sorted descending: each tie group's bads beat every good below it and
 * half of the goods in the group. Counts stay integers until the final division. */
static double auc_sorted(const struct pair *a, size_t n, size_t bads)
{
	size_t goods = n - bads;
	double wins = 0.0;      /* Σ over bads of goods ranked strictly below, + ½ ties */
	size_t goods_above = 0; /* goods with p strictly above the current group */
	for (size_t i = 0; i < n;) {
		size_t j = i, gb = 0, gg = 0;
		while (j < n && a[j].p == a[i].p) {
			if (a[j].y)
				gb++;
			else
				gg++;
			j++;
		}
		size_t goods_below = goods - goods_above - gg;
		wins += (double)gb * (double)goods_below + 0.5 * (double)gb * (double)gg;
		goods_above += gg;
		i = j;
	}
	return wins / ((double)bads * (double)goods);
}

/* KS from rows sorted descending; *thr gets the p where it is reached. */
static double ks_sorted(const struct pair *a, size_t n, size_t bads, double *thr)
{
	size_t goods = n - bads, tp = 0, fp = 0;
	double best = 0.0, best_t = a[0].p;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && a[j].p == a[i].p) {
			if (a[j].y)
				tp++;
			else
				fp++;
			j++;
		}
		double d = (double)tp / (double)bads - (double)fp / (double)goods;
		if (d > best) {
			best = d;
			best_t = a[i].p;
		}
		i = j;
	}
	if (thr)
		*thr = best_t;
	return best;
}

static double brier_of(const double *p, const int *y, size_t n)
{
	double s = 0.0;
	for (size_t i = 0; i < n; i++) {
		double d = p[i] - (double)y[i];
		s += d * d;
	}
	return s / (double)n;
}

static double logloss_of(const double *p, const int *y, size_t n)
{
	double s = 0.0;
	for (size_t i = 0; i < n; i++) {
		double q = p[i];
		if (q < METRICS_LOGLOSS_EPS)
			q = METRICS_LOGLOSS_EPS;
		if (q > 1.0 - METRICS_LOGLOSS_EPS)
			q = 1.0 - METRICS_LOGLOSS_EPS;
		s += y[i] ? log(q) : log1p(-q);
	}
	return -s / (double)n;
}

int metrics_auc(const double *p, const int *y, size_t n, double *auc, struct rd_err *err)
{
	if (check_input(p, y, n, err))
		return -1;
	size_t bads = count_bads(y, n);
	if (both_classes(bads, n, err))
		return -1;
	struct pair *a = sorted_desc(p, y, n);
	*auc = auc_sorted(a, n, bads);
	free(a);
	return 0;
}

int metrics_ks(const double *p, const int *y, size_t n, double *ks, double *threshold,
	       struct rd_err *err)
{
	if (check_input(p, y, n, err))
		return -1;
	size_t bads = count_bads(y, n);
	if (both_classes(bads, n, err))
		return -1;
	struct pair *a = sorted_desc(p, y, n);
	*ks = ks_sorted(a, n, bads, threshold);
	free(a);
	return 0;
}

int metrics_brier(const double *p, const int *y, size_t n, double *brier, struct rd_err *err)
{
	if (check_input(p, y, n, err))
		return -1;
	*brier = brier_of(p, y, n);
	return 0;
}

int metrics_logloss(const double *p, const int *y, size_t n, double *logloss, struct rd_err *err)
{
	if (check_input(p, y, n, err))
		return -1;
	*logloss = logloss_of(p, y, n);
	return 0;
}

int metrics_compute(const double *p, const int *y, size_t n, struct rd_metrics *m,
		    struct rd_err *err)
{
	if (check_input(p, y, n, err))
		return -1;
	size_t bads = count_bads(y, n);
	if (both_classes(bads, n, err))
		return -1;
	struct pair *a = sorted_desc(p, y, n);
	m->n = n;
	m->bads = bads;
	m->bad_rate = (double)bads / (double)n;
	m->auc = auc_sorted(a, n, bads);
	m->gini = 2.0 * m->auc - 1.0;
	m->ks = ks_sorted(a, n, bads, &m->ks_threshold);
	m->brier = brier_of(p, y, n);
	m->logloss = logloss_of(p, y, n);
	free(a);
	return 0;
}

int metrics_gains(const double *p, const int *y, size_t n,
		  struct metrics_gains_row out[METRICS_GAINS_BUCKETS], struct rd_err *err)
{
	if (check_input(p, y, n, err))
		return -1;
	size_t bads = count_bads(y, n);
	if (bads == 0) {
		rd_err_set(err, "gains table needs at least one bad");
		return -1;
	}
	struct pair *a = sorted_desc(p, y, n);
	double base = (double)bads / (double)n;
	size_t cum_count = 0, cum_bads = 0;
	for (size_t k = 0; k < METRICS_GAINS_BUCKETS; k++) {
		struct metrics_gains_row *r = &out[k];
		size_t from = k * n / METRICS_GAINS_BUCKETS;
		size_t to = (k + 1) * n / METRICS_GAINS_BUCKETS;
		*r = (struct metrics_gains_row){0};
		if (from == to)
			continue;
		double sum = 0.0;
		for (size_t i = from; i < to; i++) {
			r->bads += (size_t)a[i].y;
			sum += a[i].p;
		}
		r->count = to - from;
		r->max_pd = a[from].p;
		r->min_pd = a[to - 1].p;
		r->mean_pd = sum / (double)r->count;
		r->bad_rate = (double)r->bads / (double)r->count;
		cum_count += r->count;
		cum_bads += r->bads;
		r->cum_capture = (double)cum_bads / (double)bads;
		r->lift = r->bad_rate / base;
		r->cum_lift = ((double)cum_bads / (double)cum_count) / base;
	}
	free(a);
	return 0;
}

int metrics_calibration(const double *p, const int *y, const char *band, size_t n,
			struct metrics_calib_row out[METRICS_BANDS], struct rd_err *err)
{
	if (check_input(p, y, n, err))
		return -1;
	double sum[METRICS_BANDS] = {0};
	for (int b = 0; b < METRICS_BANDS; b++)
		out[b] = (struct metrics_calib_row){.band = vocab_band_letter(b)};
	for (size_t i = 0; i < n; i++) {
		int b = vocab_band_index(band[i]);
		if (b < 0) {
			rd_err_set(err, "row %zu has no band A..E", i);
			return -1;
		}
		out[b].count++;
		out[b].bads += (size_t)y[i];
		sum[b] += p[i];
	}
	for (int b = 0; b < METRICS_BANDS; b++) {
		if (out[b].count == 0)
			continue;
		out[b].mean_pd = sum[b] / (double)out[b].count;
		out[b].observed = (double)out[b].bads / (double)out[b].count;
	}
	return 0;
}

int metrics_cost_cutoff(const double *p, const int *y, size_t n, double cfn, double cfp,
			struct metrics_cutoff *out, struct rd_err *err)
{
	if (check_input(p, y, n, err))
		return -1;
	if (!(cfn > 0.0 && cfp > 0.0 && isfinite(cfn) && isfinite(cfp))) {
		rd_err_set(err, "costs must be positive");
		return -1;
	}
	size_t bads = count_bads(y, n);
	struct pair *a = sorted_desc(p, y, n);
	/* Start with "decline none": every bad is a false negative. Lowering the cut-off
	 * through each distinct p (descending) declines one more tie group; a strictly
	 * lower cost is needed to move, so ties keep the higher cut-off. */
	size_t tp = 0, fp = 0;
	double best = cfn * (double)bads;
	*out = (struct metrics_cutoff){
		.cutoff = nextafter(a[0].p, INFINITY),
		.declined = 0,
		.false_neg = bads,
		.false_pos = 0,
	};
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && a[j].p == a[i].p) {
			if (a[j].y)
				tp++;
			else
				fp++;
			j++;
		}
		double cost = cfn * (double)(bads - tp) + cfp * (double)fp;
		if (cost < best) {
			best = cost;
			out->cutoff = a[i].p;
			out->declined = j;
			out->false_neg = bads - tp;
			out->false_pos = fp;
		}
		i = j;
	}
	out->expected_cost = best / (double)n;
	free(a);
	return 0;
}

int metrics_roc(const double *p, const int *y, size_t n, struct metrics_roc_point *out, size_t k,
		size_t *count, struct rd_err *err)
{
	if (k < 2) {
		rd_err_set(err, "a ROC curve needs room for at least 2 points");
		return -1;
	}
	if (check_input(p, y, n, err))
		return -1;
	size_t bads = count_bads(y, n);
	if (both_classes(bads, n, err))
		return -1;
	size_t goods = n - bads;
	struct pair *a = sorted_desc(p, y, n);
	/* The full curve, then the evenly spaced selection. */
	struct metrics_roc_point *full = rd_malloc((n + 1) * sizeof *full);
	size_t m = 0, tp = 0, fp = 0;
	full[m++] = (struct metrics_roc_point){0.0, 0.0, INFINITY};
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && a[j].p == a[i].p) {
			if (a[j].y)
				tp++;
			else
				fp++;
			j++;
		}
		full[m++] = (struct metrics_roc_point){(double)fp / (double)goods,
						       (double)tp / (double)bads, a[i].p};
		i = j;
	}
	if (m <= k) {
		for (size_t i = 0; i < m; i++)
			out[i] = full[i];
		*count = m;
	} else {
		for (size_t i = 0; i < k; i++) {
			/* round(i·(m−1)/(k−1)) in integers */
			size_t idx = (i * (m - 1) * 2 + (k - 1)) / (2 * (k - 1));
			out[i] = full[idx];
		}
		*count = k;
	}
	free(full);
	free(a);
	return 0;
}

/* ln Γ(a)·… series for P(a, x), x < a + 1 (Numerical Recipes' gser). */
static double gamma_p_series(double a, double x)
{
	double sum = 1.0 / a, term = sum, ap = a;
	for (int k = 0; k < 1000; k++) {
		ap += 1.0;
		term *= x / ap;
		sum += term;
		if (fabs(term) < fabs(sum) * 1e-16)
			break;
	}
	return sum * exp(-x + a * log(x) - lgamma(a));
}

/* Lentz's continued fraction for Q(a, x), x ≥ a + 1 (Numerical Recipes' gcf). */
static double gamma_q_fraction(double a, double x)
{
	const double tiny = 1e-300;
	double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
	for (int i = 1; i < 1000; i++) {
		double an = -i * (i - a);
		b += 2.0;
		d = an * d + b;
		if (fabs(d) < tiny)
			d = tiny;
		c = b + an / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		double del = d * c;
		h *= del;
		if (fabs(del - 1.0) < 1e-16)
			break;
	}
	return exp(-x + a * log(x) - lgamma(a)) * h;
}

double metrics_chi2_sf(double x, double df)
{
	if (!(df > 0) || isnan(x))
		return NAN;
	if (x <= 0)
		return 1.0;
	if (isinf(x))
		return 0.0;
	double a = df / 2, h = x / 2;
	return h < a + 1 ? 1.0 - gamma_p_series(a, h) : gamma_q_fraction(a, h);
}

int metrics_hosmer_lemeshow(const struct metrics_gains_row *rows, int nrows, struct metrics_hl *out,
			    struct rd_err *err)
{
	*out = (struct metrics_hl){0};
	for (int g = 0; g < nrows; g++) {
		const struct metrics_gains_row *r = &rows[g];
		double n = (double)r->count, e = r->mean_pd * n, o = (double)r->bads;
		if (r->count == 0 || !(e > 0 && e < n))
			continue;
		out->statistic += (o - e) * (o - e) / (e * (1 - e / n));
		out->groups++;
	}
	if (out->groups == 0) {
		rd_err_set(err, "no group has a predicted PD strictly between 0 and 1");
		return -1;
	}
	out->df = out->groups - 2;
	out->p_value = out->df >= 1 ? metrics_chi2_sf(out->statistic, out->df) : NAN;
	return 0;
}
