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

/* Bins that are not the missing one (they come first). */
static size_t value_bins(const struct woe_binning *b)
{
	return b->nbins && b->bins[b->nbins - 1].missing ? b->nbins - 1 : b->nbins;
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
	double half_b = WOE_SMOOTH * (double)b->nbins;
	for (size_t k = 0; k < b->nbins; k++) {
		struct woe_bin *bin = &b->bins[k];
		double pg = ((double)bin->goods + WOE_SMOOTH) / ((double)g + half_b);
		double pb = ((double)bin->bads + WOE_SMOOTH) / ((double)d + half_b);
		bin->woe = log(pg / pb);
		bin->iv_part = (pg - pb) * bin->woe;
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
	*out = (struct woe_binning){.kind = WOE_NUMERIC};
	if (check_labels(y, n, err))
		return -1;
	double *v = rd_malloc(n * sizeof *v);
	size_t m = 0, miss_g = 0, miss_b = 0;
	for (size_t i = 0; i < n; i++) {
		if (isnan(x[i])) {
			if (y[i])
				miss_b++;
			else
				miss_g++;
		} else {
			v[m++] = x[i];
		}
	}
	qsort(v, m, sizeof *v, double_cmp);
	double edge[QUANTILE_EDGES];
	size_t nedge = quantile_edges(v, m, edge);
	free(v);
	size_t nb = (m > 0 ? nedge + 1 : 0) + (miss_g + miss_b > 0);
	out->bins = rd_calloc(nb ? nb : 1, sizeof *out->bins);
	out->nbins = nb;
	if (miss_g + miss_b > 0) {
		struct woe_bin *bin = &out->bins[nb - 1];
		bin->lo = bin->hi = NAN;
		bin->missing = 1;
		bin->goods = miss_g;
		bin->bads = miss_b;
	}
	if (m > 0) {
		for (size_t k = 0; k <= nedge; k++) {
			out->bins[k].lo = k == 0 ? -INFINITY : edge[k - 1];
			out->bins[k].hi = k == nedge ? INFINITY : edge[k];
		}
		for (size_t i = 0; i < n; i++) {
			if (isnan(x[i]))
				continue;
			struct woe_bin *bin = &out->bins[quantile_bin(edge, nedge, x[i])];
			if (y[i])
				bin->bads++;
			else
				bin->goods++;
		}
		/* Drop empty value bins into a neighbour (the first bin always holds the minimum). */
		for (size_t k = 1; k < value_bins(out);) {
			if (out->bins[k].goods + out->bins[k].bads == 0)
				merge_next(out, k - 1);
			else
				k++;
		}
	}
	woe_recompute(out);
	if (need_both(out, err)) {
		woe_free(out);
		return -1;
	}
	return 0;
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

int woe_fit_categorical(const char *const *level, const int *y, size_t n,
			struct woe_binning *out, struct rd_err *err)
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
	if (miss_g + miss_b > 0) {
		struct woe_bin *bin = &out->bins[nb - 1];
		bin->lo = bin->hi = NAN;
		bin->missing = 1;
		bin->goods = miss_g;
		bin->bads = miss_b;
	}
	woe_recompute(out);
	if (need_both(out, err)) {
		woe_free(out);
		return -1;
	}
	return 0;
}

/* Merges c's value bins toward strictly monotone WoE in direction dir (+1 or -1), with
 * every value bin holding at least min_rows rows. */
static void monotone_pass(struct woe_binning *c, int dir, double min_rows)
{
	for (;;) {
		woe_recompute(c);
		size_t nn = value_bins(c);
		if (nn <= 1)
			return;
		struct woe_bin *w = c->bins;
		/* The smallest bin under the floor goes first, into its closer-WoE neighbour. */
		size_t small = nn;
		for (size_t k = 0; k < nn; k++) {
			double rows = (double)(w[k].goods + w[k].bads);
			if (rows < min_rows &&
			    (small == nn || rows < (double)(w[small].goods + w[small].bads)))
				small = k;
		}
		if (small < nn) {
			if (small == 0)
				merge_next(c, 0);
			else if (small == nn - 1)
				merge_next(c, small - 1);
			else if (fabs(w[small].woe - w[small - 1].woe) <=
				 fabs(w[small].woe - w[small + 1].woe))
				merge_next(c, small - 1);
			else
				merge_next(c, small);
			continue;
		}
		size_t k = 0;
		while (k + 1 < nn &&
		       (dir > 0 ? w[k].woe < w[k + 1].woe : w[k].woe > w[k + 1].woe))
			k++;
		if (k + 1 >= nn)
			return;
		merge_next(c, k);
	}
}

static struct woe_binning copy_bins(const struct woe_binning *b)
{
	struct woe_binning c = *b;
	c.bins = rd_malloc((b->nbins ? b->nbins : 1) * sizeof *c.bins);
	memcpy(c.bins, b->bins, b->nbins * sizeof *c.bins);
	return c;
}

int woe_make_monotone(struct woe_binning *b, double min_share, struct rd_err *err)
{
	if (!(min_share >= 0.0 && min_share < 1.0)) {
		rd_err_set(err, "minimum bin share must be in [0, 1)");
		return -1;
	}
	if (b->kind != WOE_NUMERIC)
		return 0;
	double min_rows = min_share * (double)(b->goods + b->bads);
	/* Numeric bins carry no levels, so the copies share nothing that needs freeing. */
	struct woe_binning up = copy_bins(b), down = copy_bins(b);
	monotone_pass(&up, 1, min_rows);
	monotone_pass(&down, -1, min_rows);
	struct woe_binning *win = down.iv > up.iv ? &down : &up;
	struct woe_binning *lose = win == &up ? &down : &up;
	free(b->bins);
	*b = *win;
	free(lose->bins);
	return 0;
}

int woe_index_numeric(const struct woe_binning *b, double x)
{
	size_t nn = value_bins(b);
	if (isnan(x))
		return nn < b->nbins ? (int)nn : -1;
	if (b->kind != WOE_NUMERIC || nn == 0)
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
