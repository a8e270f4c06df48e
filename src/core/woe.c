/* Binning and Weight of Evidence (include/riskdesk/woe.h). */
#include "riskdesk/woe.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int check_labels(const int *y, size_t n, struct rd_err *err)
{
	if (n == 0) {
		rd_err_set(err, "no rows to bin");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (y[i] != 0 && y[i] != 1) {
			rd_err_set(err, "label %zu is %d, not 0 or 1", i, y[i]);
			return -1;
		}
	}
	return 0;
}

/* Bins that are neither special nor missing (they come first). */
static size_t value_bins(const struct woe_binning *b)
{
	size_t n = b->nbins && b->bins[b->nbins - 1].missing ? b->nbins - 1 : b->nbins;
	return n - b->nspecial;
}

void woe_recompute(struct woe_binning *b)
{
	size_t g = 0, d = 0;
	for (size_t k = 0; k < b->nbins; k++) {
		g += b->bins[k].goods;
		d += b->bins[k].bads;
	}
	b->goods = g;
	b->bads = d;
	b->iv = 0.0;
	b->iv_raw = 0.0;
	size_t used = 0; /* B: the bins holding rows (an empty one takes no part) */
	for (size_t k = 0; k < b->nbins; k++)
		used += b->bins[k].goods + b->bins[k].bads > 0;
	double half_b = WOE_SMOOTH * (double)used;
	for (size_t k = 0; k < b->nbins; k++) {
		struct woe_bin *bin = &b->bins[k];
		double pg = ((double)bin->goods + WOE_SMOOTH) / ((double)g + half_b);
		double pb = ((double)bin->bads + WOE_SMOOTH) / ((double)d + half_b);
		/* An empty bin (only hand-set bins can be) holds no evidence: WoE 0, as a value
		 * with no bin, rather than the smoothing's ln((D + ½B)/(G + ½B)), and it is not
		 * counted in B (so that empty bins do not dilute the others' WoE). */
		int empty = bin->goods == 0 && bin->bads == 0;
		bin->woe = empty ? 0.0 : log(pg / pb);
		bin->iv_part = empty ? 0.0 : (pg - pb) * bin->woe;
		b->iv += bin->iv_part;
		double rg = (double)bin->goods / (double)g, rb = (double)bin->bads / (double)d;
		if (bin->goods == bin->bads && bin->goods == 0) {
			bin->woe_raw = NAN;
			bin->iv_part_raw = 0.0; /* an empty bin adds nothing */
		} else {
			bin->woe_raw = log(rg / rb);
			bin->iv_part_raw = (rg - rb) * bin->woe_raw;
		}
		b->iv_raw += bin->iv_part_raw;
	}
}

void woe_free(struct woe_binning *b)
{
	if (!b)
		return;
	for (size_t k = 0; k < b->nbins; k++)
		free(b->bins[k].level);
	free(b->bins);
	b->bins = NULL;
	b->nbins = 0;
}

static int need_both(const struct woe_binning *b, struct rd_err *err)
{
	if (b->goods == 0 || b->bads == 0) {
		rd_err_set(err, "binning needs both goods and bads (%zu goods, %zu bads)", b->goods,
			   b->bads);
		return -1;
	}
	return 0;
}

/* The missing values' bin, the last one, when there are any. */
static void put_missing(struct woe_binning *out, size_t goods, size_t bads)
{
	if (goods + bads == 0)
		return;
	struct woe_bin *bin = &out->bins[out->nbins - 1];
	bin->lo = bin->hi = NAN;
	bin->missing = 1;
	bin->goods = goods;
	bin->bads = bads;
}

/* Every bin counted: WoE and IV, or -1 (freed) when one class is absent. */
static int finish(struct woe_binning *out, struct rd_err *err)
{
	woe_recompute(out);
	if (need_both(out, err)) {
		woe_free(out);
		return -1;
	}
	return 0;
}

static int double_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, z = *(const double *)b;
	return (x > z) - (x < z);
}

size_t quantile_bin(const double *edge, size_t nedge, double x)
{
	/* Without branches on the data (a conditional move per step): drift calls this for
	 * every value of every profile. */
	if (nedge == 0)
		return 0;
	const double *base = edge;
	size_t n = nedge;
	while (n > 1) {
		size_t half = n / 2;
		base = base[half - 1] < x ? base + half : base;
		n -= half;
	}
	return (size_t)(base - edge) + (*base < x);
}

/* Bin k absorbs bin k + 1 (both numeric). */
static void merge_next(struct woe_binning *b, size_t k)
{
	struct woe_bin *a = &b->bins[k], *c = &b->bins[k + 1];
	a->hi = c->hi;
	a->goods += c->goods;
	a->bads += c->bads;
	memmove(c, c + 1, (b->nbins - k - 2) * sizeof *c);
	b->nbins--;
}

double quantile_at(const double *v, size_t m, double q)
{
	double h = (double)(m - 1) * q;
	size_t lo = (size_t)floor(h);
	double e = v[lo];
	if (lo + 1 < m)
		e = v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
	return e;
}

size_t quantile_edges(const double *v, size_t m, double edge[QUANTILE_EDGES])
{
	size_t nedge = 0;
	for (int q = 1; m > 0 && q <= QUANTILE_EDGES; q++) {
		double e = quantile_at(v, m, q / 10.0);
		if (nedge == 0 || e != edge[nedge - 1])
			edge[nedge++] = e;
	}
	return nedge;
}

int woe_fit_numeric(const double *x, const int *y, size_t n, struct woe_binning *out,
		    struct rd_err *err)
{
	return woe_fit_numeric_special(x, y, n, NULL, 0, out, err);
}

/* The index in code[] (sorted, distinct) of x, or -1. */
static int special_of(const double *code, size_t ncode, double x)
{
	for (size_t k = 0; k < ncode; k++)
		if (code[k] == x)
			return (int)k;
	return -1;
}

/* The numeric fit of woe_fit_numeric_special (given NULL: quantile edges, empty value
 * bins merged) and woe_fit_numeric_edges (the ngiven edges given, kept exactly). */
static int fit_numeric(const double *x, const int *y, size_t n, const double *special,
		       size_t nspecial, const double *given, size_t ngiven, struct woe_binning *out,
		       struct rd_err *err)
{
	*out = (struct woe_binning){.kind = WOE_NUMERIC};
	if (check_labels(y, n, err))
		return -1;
	if (nspecial > WOE_SPECIAL_MAX) {
		rd_err_set(err, "at most %d special values", WOE_SPECIAL_MAX);
		return -1;
	}
	double code[WOE_SPECIAL_MAX];
	size_t ncode = 0, sg[WOE_SPECIAL_MAX] = {0}, sb[WOE_SPECIAL_MAX] = {0};
	for (size_t k = 0; k < nspecial; k++)
		if (!isnan(special[k]) && special_of(code, ncode, special[k]) < 0)
			code[ncode++] = special[k];
	qsort(code, ncode, sizeof *code, double_cmp);
	double *v = rd_malloc((n ? n : 1) * sizeof *v);
	size_t m = 0, miss_g = 0, miss_b = 0, nsb = 0;
	for (size_t i = 0; i < n; i++) {
		int sp;
		if (isnan(x[i])) {
			if (y[i])
				miss_b++;
			else
				miss_g++;
		} else if (ncode && (sp = special_of(code, ncode, x[i])) >= 0) {
			if (y[i])
				sb[sp]++;
			else
				sg[sp]++;
		} else {
			v[m++] = x[i];
		}
	}
	for (size_t k = 0; k < ncode; k++)
		nsb += sg[k] + sb[k] > 0;
	qsort(v, m, sizeof *v, double_cmp);
	double qedge[QUANTILE_EDGES];
	size_t nedge = given ? ngiven : quantile_edges(v, m, qedge);
	const double *edge = given ? given : qedge;
	free(v);
	/* Given edges make their bins whether or not rows fall in them. */
	size_t nv = m > 0 || given ? nedge + 1 : 0;
	size_t nb = nv + nsb + (miss_g + miss_b > 0);
	out->bins = rd_calloc(nb ? nb : 1, sizeof *out->bins);
	out->nbins = nb;
	out->nspecial = nsb;
	for (size_t k = 0, j = nv; k < ncode; k++) {
		if (sg[k] + sb[k] == 0)
			continue;
		struct woe_bin *bin = &out->bins[j++];
		bin->lo = bin->hi = code[k];
		bin->special = 1;
		bin->goods = sg[k];
		bin->bads = sb[k];
	}
	put_missing(out, miss_g, miss_b);
	if (nv > 0) {
		for (size_t k = 0; k <= nedge; k++) {
			out->bins[k].lo = k == 0 ? -INFINITY : edge[k - 1];
			out->bins[k].hi = k == nedge ? INFINITY : edge[k];
		}
		for (size_t i = 0; i < n; i++) {
			if (isnan(x[i]) || (ncode && special_of(code, ncode, x[i]) >= 0))
				continue;
			struct woe_bin *bin = &out->bins[quantile_bin(edge, nedge, x[i])];
			if (y[i])
				bin->bads++;
			else
				bin->goods++;
		}
		/* Drop empty value bins into a neighbour (the first bin always holds the minimum). */
		for (size_t k = 1; !given && k < value_bins(out);) {
			if (out->bins[k].goods + out->bins[k].bads == 0)
				merge_next(out, k - 1);
			else
				k++;
		}
	}
	return finish(out, err);
}

int woe_fit_numeric_special(const double *x, const int *y, size_t n, const double *special,
			    size_t nspecial, struct woe_binning *out, struct rd_err *err)
{
	return fit_numeric(x, y, n, special, nspecial, NULL, 0, out, err);
}

int woe_fit_numeric_edges(const double *x, const int *y, size_t n, const double *special,
			  size_t nspecial, const double *edge, size_t nedge,
			  struct woe_binning *out, struct rd_err *err)
{
	*out = (struct woe_binning){.kind = WOE_NUMERIC};
	for (size_t k = 0; k < nedge; k++) {
		if (!isfinite(edge[k]) || (k > 0 && !(edge[k] > edge[k - 1]))) {
			rd_err_set(err, "edge %zu (%g) is not finite and above the one before", k,
				   edge[k]);
			return -1;
		}
	}
	return fit_numeric(x, y, n, special, nspecial, edge, nedge, out, err);
}

int woe_fit_groups(const int *group, const int *y, size_t n, size_t ngroups,
		   struct woe_binning *out, struct rd_err *err)
{
	*out = (struct woe_binning){.kind = WOE_CATEGORICAL};
	if (check_labels(y, n, err))
		return -1;
	size_t miss_g = 0, miss_b = 0;
	for (size_t i = 0; i < n; i++) {
		if (group[i] < 0) {
			miss_b += y[i] != 0;
			miss_g += y[i] == 0;
		} else if ((size_t)group[i] >= ngroups) {
			rd_err_set(err, "row %zu is in group %d of %zu", i, group[i], ngroups);
			return -1;
		}
	}
	size_t nb = ngroups + (miss_g + miss_b > 0);
	out->bins = rd_calloc(nb ? nb : 1, sizeof *out->bins);
	out->nbins = nb;
	for (size_t k = 0; k < nb; k++)
		out->bins[k].lo = out->bins[k].hi = NAN;
	for (size_t i = 0; i < n; i++) {
		if (group[i] < 0)
			continue;
		struct woe_bin *bin = &out->bins[group[i]];
		bin->bads += y[i] != 0;
		bin->goods += y[i] == 0;
	}
	put_missing(out, miss_g, miss_b);
	return finish(out, err);
}

/* A level with its row, for sorting. */
struct level_row {
	const char *s; /* the level, not NULL */
	int y;         /* the row's label */
};

static int level_cmp(const void *a, const void *b)
{
	return strcmp(((const struct level_row *)a)->s, ((const struct level_row *)b)->s);
}

int woe_fit_categorical(const char *const *level, const int *y, size_t n, struct woe_binning *out,
			struct rd_err *err)
{
	*out = (struct woe_binning){.kind = WOE_CATEGORICAL};
	if (check_labels(y, n, err))
		return -1;
	struct level_row *r = rd_malloc(n * sizeof *r);
	size_t m = 0, miss_g = 0, miss_b = 0;
	for (size_t i = 0; i < n; i++) {
		if (!level[i]) {
			if (y[i])
				miss_b++;
			else
				miss_g++;
		} else {
			r[m].s = level[i];
			r[m].y = y[i];
			m++;
		}
	}
	qsort(r, m, sizeof *r, level_cmp);
	size_t distinct = 0;
	for (size_t i = 0; i < m; i++)
		distinct += i == 0 || strcmp(r[i].s, r[i - 1].s) != 0;
	size_t nb = distinct + (miss_g + miss_b > 0);
	out->bins = rd_calloc(nb ? nb : 1, sizeof *out->bins);
	out->nbins = nb;
	size_t k = 0;
	for (size_t i = 0; i < m; k++) {
		struct woe_bin *bin = &out->bins[k];
		bin->lo = bin->hi = NAN;
		bin->level = rd_strdup(r[i].s);
		size_t j = i;
		for (; j < m && strcmp(r[j].s, r[i].s) == 0; j++) {
			if (r[j].y)
				bin->bads++;
			else
				bin->goods++;
		}
		i = j;
	}
	free(r);
	put_missing(out, miss_g, miss_b);
	return finish(out, err);
}

/* Merges value bins lo .. *hi − 1 of c (*hi shrinks as they merge) toward strictly
 * monotone WoE in direction dir (+1 rising, −1 falling, 0: no direction), with every one
 * holding at least min_rows rows; neighbours outside the range are left alone. */
static void shape_range(struct woe_binning *c, size_t lo, size_t *hi, int dir, double min_rows)
{
	for (;;) {
		woe_recompute(c);
		if (*hi - lo <= 1)
			return;
		struct woe_bin *w = c->bins;
		/* The smallest bin under the floor goes first, into its closer-WoE neighbour. */
		size_t small = *hi;
		for (size_t k = lo; k < *hi; k++) {
			double rows = (double)(w[k].goods + w[k].bads);
			if (rows < min_rows &&
			    (small == *hi || rows < (double)(w[small].goods + w[small].bads)))
				small = k;
		}
		if (small < *hi) {
			if (small == lo)
				merge_next(c, lo);
			else if (small == *hi - 1)
				merge_next(c, small - 1);
			else if (fabs(w[small].woe - w[small - 1].woe) <=
				 fabs(w[small].woe - w[small + 1].woe))
				merge_next(c, small - 1);
			else
				merge_next(c, small);
			(*hi)--;
			continue;
		}
		if (dir == 0)
			return;
		size_t k = lo;
		while (k + 1 < *hi && (dir > 0 ? w[k].woe < w[k + 1].woe : w[k].woe > w[k + 1].woe))
			k++;
		if (k + 1 >= *hi)
			return;
		merge_next(c, k);
		(*hi)--;
	}
}

/* Merges c's value bins toward strictly monotone WoE in direction dir (+1 or -1), with
 * every value bin holding at least min_rows rows. */
static void monotone_pass(struct woe_binning *c, int dir, double min_rows)
{
	size_t hi = value_bins(c);
	shape_range(c, 0, &hi, dir, min_rows);
}

static struct woe_binning copy_bins(const struct woe_binning *b)
{
	struct woe_binning c = *b;
	c.bins = rd_malloc((b->nbins ? b->nbins : 1) * sizeof *c.bins);
	memcpy(c.bins, b->bins, b->nbins * sizeof *c.bins);
	return c;
}

const char *const woe_trend_names[WOE_TRENDS] = {"auto", "ascending", "descending",
						 "peak", "valley",    "none"};

int woe_trend_parse(const char *name)
{
	for (int t = 0; name && t < WOE_TRENDS; t++)
		if (strcmp(name, woe_trend_names[t]) == 0)
			return t;
	return -1;
}

/* A copy of b shaped as trend (not auto). The WoE falls where the bad rate rises. */
static struct woe_binning shaped(const struct woe_binning *b, enum woe_trend trend, double min_rows)
{
	struct woe_binning c = copy_bins(b);
	if (trend == WOE_TREND_ASCENDING || trend == WOE_TREND_DESCENDING ||
	    trend == WOE_TREND_NONE) {
		monotone_pass(&c, trend == WOE_TREND_ASCENDING ? -1 : trend == WOE_TREND_DESCENDING,
			      min_rows);
		return c;
	}
	/* Peak: the left part's bad rate rises (WoE falls), the right part's falls; a valley
	 * the reverse. Split 0 (all right) and split nn (all left) are the monotone shapes, so
	 * some split always meets the share floor. */
	int left = trend == WOE_TREND_PEAK ? -1 : 1;
	size_t nn = value_bins(b);
	struct woe_binning best = {0};
	for (size_t t = 0; t <= nn; t++) {
		struct woe_binning d = copy_bins(b);
		size_t mid = t, end;
		shape_range(&d, 0, &mid, left, min_rows);
		end = mid + (nn - t);
		shape_range(&d, mid, &end, -left, min_rows);
		woe_recompute(&d);
		int ok = 1;
		for (size_t k = 0; k < end && ok; k++)
			ok = (double)(d.bins[k].goods + d.bins[k].bads) >= min_rows || end == 1;
		if (ok && (!best.bins || d.iv > best.iv)) {
			free(best.bins);
			best = d;
		} else {
			free(d.bins);
		}
	}
	free(c.bins);
	return best;
}

/* Pooled bad rate and rows of value bins [from, to). */
static void pooled(const struct woe_binning *b, size_t from, size_t to, double *rate, double *rows)
{
	size_t g = 0, d = 0;
	for (size_t k = from; k < to; k++) {
		g += b->bins[k].goods;
		d += b->bins[k].bads;
	}
	*rows = (double)(g + d);
	*rate = g + d ? (double)d / (double)(g + d) : 0;
}

/* The two-proportion z statistic of rate p1 over n1 rows against p2 over n2. */
static double z_two(double p1, double n1, double p2, double n2)
{
	double p = (p1 * n1 + p2 * n2) / (n1 + n2), v = p * (1 - p) * (1 / n1 + 1 / n2);
	return v > 0 ? (p1 - p2) / sqrt(v) : 0;
}

/* Whether the data support b's turn: a peak's highest bad rate (a valley's lowest) has
 * value bins on both sides, each side's pooled rate lower (higher) by |z| ≥ WOE_TURN_Z. */
static int turn_supported(const struct woe_binning *b, enum woe_trend trend)
{
	size_t nn = value_bins(b), k = 0;
	double sign = trend == WOE_TREND_PEAK ? 1 : -1;
	for (size_t j = 1; j < nn; j++)
		if (sign * b->bins[j].woe < sign * b->bins[k].woe)
			k = j; /* peak: the lowest WoE, the highest bad rate */
	if (k == 0 || k + 1 >= nn)
		return 0;
	double pk, nk, pl, nl, pr, nr;
	pooled(b, k, k + 1, &pk, &nk);
	pooled(b, 0, k, &pl, &nl);
	pooled(b, k + 1, nn, &pr, &nr);
	return sign * z_two(pk, nk, pl, nl) >= WOE_TURN_Z &&
	       sign * z_two(pk, nk, pr, nr) >= WOE_TURN_Z;
}

/* The larger-IV of the ascending and descending shapes of b (a tie: descending). Numeric
 * bins carry no levels, so the copies share nothing that needs freeing. */
static struct woe_binning best_monotone(const struct woe_binning *b, double min_rows,
					enum woe_trend *got)
{
	struct woe_binning a = shaped(b, WOE_TREND_ASCENDING, min_rows);
	struct woe_binning d = shaped(b, WOE_TREND_DESCENDING, min_rows);
	int asc = a.iv > d.iv;
	*got = asc ? WOE_TREND_ASCENDING : WOE_TREND_DESCENDING;
	free(asc ? d.bins : a.bins);
	return asc ? a : d;
}

int woe_make_monotone(struct woe_binning *b, double min_share, struct rd_err *err)
{
	if (!(min_share >= 0.0 && min_share < 1.0)) {
		rd_err_set(err, "minimum bin share must be in [0, 1)");
		return -1;
	}
	if (b->kind != WOE_NUMERIC)
		return 0;
	enum woe_trend got;
	struct woe_binning win = best_monotone(b, min_share * (double)(b->goods + b->bads), &got);
	free(b->bins);
	*b = win;
	return 0;
}

int woe_shape(struct woe_binning *b, double min_share, enum woe_trend trend, enum woe_trend *chosen,
	      struct rd_err *err)
{
	if (!(min_share >= 0.0 && min_share < 1.0)) {
		rd_err_set(err, "minimum bin share must be in [0, 1)");
		return -1;
	}
	if ((int)trend < 0 || (int)trend >= WOE_TRENDS) {
		rd_err_set(err, "unknown bin shape %d", (int)trend);
		return -1;
	}
	if (chosen)
		*chosen = WOE_TREND_NONE;
	if (b->kind != WOE_NUMERIC)
		return 0;
	double min_rows = min_share * (double)(b->goods + b->bads);
	struct woe_binning win;
	enum woe_trend got = trend;
	if (trend != WOE_TREND_AUTO) {
		win = shaped(b, trend, min_rows);
	} else {
		win = best_monotone(b, min_rows, &got);
		for (enum woe_trend t = WOE_TREND_PEAK; t <= WOE_TREND_VALLEY; t++) {
			struct woe_binning c = shaped(b, t, min_rows);
			if (c.iv > win.iv && turn_supported(&c, t)) {
				free(win.bins);
				win = c;
				got = t;
			} else {
				free(c.bins);
			}
		}
	}
	free(b->bins);
	*b = win;
	if (chosen)
		*chosen = got;
	return 0;
}

int woe_index_numeric(const struct woe_binning *b, double x)
{
	size_t nn = value_bins(b);
	if (isnan(x))
		return nn + b->nspecial < b->nbins ? (int)(nn + b->nspecial) : -1;
	if (b->kind != WOE_NUMERIC)
		return -1;
	for (size_t k = nn; k < nn + b->nspecial; k++)
		if (b->bins[k].hi == x)
			return (int)k;
	if (nn == 0)
		return -1;
	size_t lo = 0, hi = nn - 1; /* the last value bin reaches +inf */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x <= b->bins[mid].hi)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (int)lo;
}

int woe_index_categorical(const struct woe_binning *b, const char *level)
{
	size_t nn = value_bins(b);
	if (!level)
		return nn < b->nbins ? (int)nn : -1;
	if (b->kind != WOE_CATEGORICAL)
		return -1;
	size_t lo = 0, hi = nn;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(level, b->bins[mid].level);
		if (c == 0)
			return (int)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

double woe_value(const struct woe_binning *b, int idx)
{
	if (idx < 0 || (size_t)idx >= b->nbins)
		return 0.0;
	return b->bins[idx].woe;
}
