/* The scorecard (train.h): WoE bins per column (quantile bins merged to the trend's shape,
 * one per categorical level with small levels merged, special codes and missing values
 * their own; or, for the features of train --bins, the user's edges or level groups kept
 * exactly), variable selection by IV and correlation, the logistic regression on the
 * WoE values refitted until every sign is right, points per bin; and the IV table of
 * train --iv, binned the same way. */
#include <linear.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/features.h"
#include "riskdesk/woe.h"
#include "riskdesk/vocab.h"
#include "train_internal.h"

/* What the variable selection and the sign check decided about a scorecard column. */
enum sc_status {
	SC_KEPT,
	SC_LOW_IV,     /* IV under min_iv */
	SC_CORRELATED, /* WoE correlates above max_corr with a kept column of higher IV */
	SC_WRONG_SIGN, /* a positive coefficient: points would fall as the WoE rises */
};

/* A scorecard column's bins: a WoE binning of the training rows, and for categoricals
 * the bin of each level (-1: no training row had it); and its fate in the selection. */
struct sc_column {
	struct woe_binning b;
	int *level_bin;
	enum woe_trend trend; /* numerics: the shape applied */
	enum sc_status status;
	int partner; /* SC_CORRELATED: the kept column */
	double r;    /* SC_CORRELATED: the correlation with it */
	double coef; /* SC_KEPT: the coefficient; SC_WRONG_SIGN: the one it had */
};

/* Merges the categorical bins holding under min_rows rows into the bin of the nearest
 * WoE, smallest first; the missing bin stays as it is. */
static void merge_small_levels(struct woe_binning *b, int *level_bin, int nlevels, double min_rows)
{
	for (;;) {
		size_t vb = b->nbins && b->bins[b->nbins - 1].missing ? b->nbins - 1 : b->nbins;
		if (vb < 2)
			return;
		size_t small = 0;
		for (size_t k = 1; k < vb; k++)
			if (b->bins[k].goods + b->bins[k].bads <
			    b->bins[small].goods + b->bins[small].bads)
				small = k;
		if ((double)(b->bins[small].goods + b->bins[small].bads) >= min_rows)
			return;
		size_t into = small == 0 ? 1 : 0;
		for (size_t k = 0; k < vb; k++)
			if (k != small && fabs(b->bins[k].woe - b->bins[small].woe) <
						  fabs(b->bins[into].woe - b->bins[small].woe))
				into = k;
		b->bins[into].goods += b->bins[small].goods;
		b->bins[into].bads += b->bins[small].bads;
		free(b->bins[small].level);
		memmove(&b->bins[small], &b->bins[small + 1],
			(b->nbins - small - 1) * sizeof *b->bins);
		b->nbins--;
		for (int l = 0; l < nlevels; l++) {
			if (level_bin[l] == (int)small)
				level_bin[l] = (int)into;
			if (level_bin[l] > (int)small)
				level_bin[l]--;
		}
		woe_recompute(b);
	}
}

static int bin_column(const struct train_data *d, const unsigned char *use, int col,
		      const struct train_params *tp, struct sc_column *sc, struct rd_err *err)
{
	const struct train_column *tc = &d->cols[col];
	size_t n = 0;
	int *y = rd_malloc(d->n * sizeof *y), rc = -1;
	double *x = rd_malloc(d->n * sizeof *x);
	for (size_t i = 0; i < d->n; i++) {
		if (use[i]) {
			x[n] = d->x[i * (size_t)d->ncols + (size_t)col];
			y[n++] = d->y[i];
		}
	}
	sc->level_bin = rd_malloc((size_t)(tc->nlevels + 1) * sizeof *sc->level_bin);
	sc->trend = WOE_TREND_NONE;
	if (tc->bins && tc->categorical) {
		/* Hand-set groups, kept exactly: no level merged (train_column_bins checked that
		 * every level is in a group). */
		int *group = rd_malloc((n ? n : 1) * sizeof *group);
		for (int l = 0; l < tc->nlevels; l++)
			sc->level_bin[l] = bins_group_of(tc->bins, tc->levels[l]);
		for (size_t i = 0; i < n; i++)
			group[i] = isnan(x[i]) ? -1 : sc->level_bin[(int)x[i]];
		rc = woe_fit_groups(group, y, n, tc->bins->ngroups, &sc->b, err);
		free(group);
	} else if (tc->bins) {
		/* Hand-set edges, kept exactly: no shape, no merging. */
		rc = woe_fit_numeric_edges(x, y, n, tc->special, (size_t)tc->nspecial,
					   tc->bins->edges, tc->bins->nedges, &sc->b, err);
	} else if (tc->categorical) {
		const char **lv = rd_malloc(n * sizeof *lv);
		for (size_t i = 0; i < n; i++)
			lv[i] = isnan(x[i]) ? NULL : tc->levels[(int)x[i]];
		rc = woe_fit_categorical(lv, y, n, &sc->b, err);
		free(lv);
		if (rc == 0) {
			for (int l = 0; l < tc->nlevels; l++)
				sc->level_bin[l] = woe_index_categorical(&sc->b, tc->levels[l]);
			merge_small_levels(&sc->b, sc->level_bin, tc->nlevels,
					   tp->min_share * (double)n);
		}
	} else {
		enum woe_trend trend = tc->trend ? (enum woe_trend)(tc->trend - 1) : tp->trend;
		rc = woe_fit_numeric_special(x, y, n, tc->special, (size_t)tc->nspecial, &sc->b,
					     err) ||
				     woe_shape(&sc->b, tp->min_share, trend, &sc->trend, err)
			     ? -1
			     : 0;
	}
	if (rc) {
		char msg[sizeof err->msg];
		snprintf(msg, sizeof msg, "%s", err->msg);
		rd_err_set(err, "train: %s: %s", tc->name, msg);
	}
	free(x);
	free(y);
	return rc;
}

static int sc_bin_of(const struct train_column *tc, const struct sc_column *sc, double v)
{
	if (tc->categorical && !isnan(v))
		return sc->level_bin[(int)v];
	int b = woe_index_numeric(&sc->b, v); /* NaN: the missing bin, or -1 */
	/* A special code no training row held has no bin: neutral, never a value bin. */
	for (int k = 0; b >= 0 && k < tc->nspecial; k++)
		if (tc->special[k] == v && !sc->b.bins[b].special)
			return -1;
	return b;
}

/* The reason a column is out of the scorecard, or "" when it is in. */
static void sc_reason(const struct train_data *d, const struct sc_column *sc,
		      const struct train_params *tp, char *out, size_t n)
{
	switch (sc->status) {
	case SC_KEPT: snprintf(out, n, "%s", ""); break;
	case SC_LOW_IV:
		snprintf(out, n, "IV %.4f below %g (--min-iv)", sc->b.iv, tp->min_iv);
		break;
	case SC_CORRELATED:
		snprintf(out, n,
			 "WoE correlates with %s (r = %.3f, above %g: --max-corr), whose IV"
			 " is higher",
			 d->cols[sc->partner].name, sc->r, tp->max_corr);
		break;
	case SC_WRONG_SIGN:
		snprintf(out, n,
			 "wrong sign: coefficient %+.4f, so points would fall as the WoE"
			 " rises; refitted without it",
			 sc->coef);
		break;
	}
}

/* Columns by IV, highest first (ties in column order). */
static void sc_order(const struct sc_column *sc, int ncols, int *order)
{
	for (int i = 0; i < ncols; i++) {
		int j = i;
		for (; j > 0 && sc[order[j - 1]].b.iv < sc[i].b.iv; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
}

/* A numeric column's trend in the spec: the shape applied, or "hand" for bins set by hand
 * (a categorical's too). */
static const char *sc_trend_name(const struct train_column *tc, const struct sc_column *sc)
{
	return tc->bins ? "hand" : woe_trend_names[sc->trend];
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A hand-grouped categorical's ,"levels":[...]: the training data's and those of the
 * groups that no training row had (so that they score in their group), sorted. */
static void hand_levels(struct rd_buf *b, const struct train_column *tc)
{
	size_t n = 0;
	const char **all = rd_malloc(((size_t)tc->nlevels + tc->bins->nlevels) * sizeof *all);
	for (int l = 0; l < tc->nlevels; l++)
		all[n++] = tc->levels[l];
	for (size_t k = 0; k < tc->bins->nlevels; k++)
		all[n++] = tc->bins->levels[k];
	qsort(all, n, sizeof *all, cmp_str);
	buf_puts(b, ",\"levels\":[");
	for (size_t k = 0; k < n; k++) {
		if (k && strcmp(all[k], all[k - 1]) == 0)
			continue;
		if (k)
			buf_putc(b, ',');
		buf_json_string(b, all[k]);
	}
	buf_putc(b, ']');
	free(all);
}

/* Group g's "levels":[...] in the file's order. */
static void hand_group(struct rd_buf *b, const struct bins_feature *f, int g)
{
	buf_puts(b, "\"levels\":[");
	for (size_t k = f->start[g]; k < f->start[g + 1]; k++) {
		if (k > f->start[g])
			buf_putc(b, ',');
		buf_json_string(b, f->levels[k]);
	}
	buf_putc(b, ']');
}

static void sc_spec(struct rd_buf *b, const struct train_data *d, const struct sc_column *sc,
		    const double *w, int bias, const struct train_params *tp)
{
	double factor = score_scaling_default.pdo / M_LN2;
	train_spec_head(b, "scorecard");
	buf_puts(b, ",\"params\":{\"min_iv\":");
	buf_json_number(b, tp->min_iv);
	buf_puts(b, ",\"max_corr\":");
	buf_json_number(b, tp->max_corr);
	buf_printf(b, ",\"trend\":\"%s\"}", woe_trend_names[tp->trend]);
	buf_puts(b, ",\"intercept\":");
	buf_json_number(b, w[bias - 1]);
	buf_puts(b, ",\"base_points\":");
	buf_json_number(b, score_scaling_default.base_score -
				   factor * log(score_scaling_default.base_odds) -
				   factor * w[bias - 1]);
	buf_puts(b, ",\"columns\":[");
	int first_col = 1;
	for (int col = 0; col < d->ncols; col++) {
		const struct train_column *tc = &d->cols[col];
		const struct woe_binning *wb = &sc[col].b;
		if (sc[col].status != SC_KEPT)
			continue;
		buf_puts(b, first_col ? "{\"name\":" : ",{\"name\":");
		first_col = 0;
		buf_json_string(b, tc->name);
		if (tc->categorical && tc->bins) {
			hand_levels(b, tc);
			buf_puts(b, ",\"trend\":\"hand\"");
		} else if (tc->categorical) {
			train_spec_levels(b, tc);
		} else {
			buf_printf(b, ",\"trend\":\"%s\"", sc_trend_name(tc, &sc[col]));
			if (tc->nspecial) {
				buf_puts(b, ",\"special\":[");
				for (int k = 0; k < tc->nspecial; k++) {
					if (k)
						buf_putc(b, ',');
					buf_json_number(b, tc->special[k]);
				}
				buf_putc(b, ']');
			}
		}
		buf_puts(b, ",\"coef\":");
		buf_json_number(b, w[col]);
		buf_puts(b, ",\"iv\":");
		buf_json_number(b, wb->iv);
		buf_puts(b, ",\"bins\":[");
		for (size_t k = 0; k < wb->nbins; k++) {
			const struct woe_bin *bin = &wb->bins[k];
			buf_puts(b, k ? ",{" : "{");
			if (bin->missing) {
				buf_puts(b, "\"missing\":true");
			} else if (bin->special) {
				buf_puts(b, "\"special\":");
				buf_json_number(b, bin->hi);
			} else if (tc->categorical && tc->bins) {
				hand_group(b, tc->bins, (int)k);
			} else if (tc->categorical) {
				buf_puts(b, "\"levels\":[");
				int first = 1;
				for (int l = 0; l < tc->nlevels; l++) {
					if (sc[col].level_bin[l] != (int)k)
						continue;
					if (!first)
						buf_putc(b, ',');
					buf_json_string(b, tc->levels[l]);
					first = 0;
				}
				buf_putc(b, ']');
			} else {
				buf_puts(b, "\"hi\":");
				buf_json_number(b, bin->hi); /* +inf prints as null */
			}
			buf_printf(b, ",\"goods\":%zu,\"bads\":%zu,\"woe\":", bin->goods,
				   bin->bads);
			buf_json_number(b, bin->woe);
			buf_puts(b, ",\"points\":");
			buf_json_number(b, -factor * w[col] * bin->woe);
			buf_putc(b, '}');
		}
		buf_puts(b, "]}");
	}
	/* Every column, by IV: what the selection and the sign check decided. */
	buf_puts(b, "],\"selection\":[");
	int *order = rd_malloc((size_t)d->ncols * sizeof *order);
	sc_order(sc, d->ncols, order);
	for (int k = 0; k < d->ncols; k++) {
		int col = order[k];
		char why[512];
		sc_reason(d, &sc[col], tp, why, sizeof why);
		buf_puts(b, k ? ",{\"name\":" : "{\"name\":");
		buf_json_string(b, d->cols[col].name);
		buf_puts(b, ",\"iv\":");
		buf_json_number(b, sc[col].b.iv);
		buf_printf(b, ",\"bins\":%zu,\"trend\":\"%s\",\"status\":\"%s\"", sc[col].b.nbins,
			   d->cols[col].categorical && !d->cols[col].bins
				   ? ""
				   : sc_trend_name(&d->cols[col], &sc[col]),
			   sc[col].status == SC_KEPT ? "kept" : "dropped");
		if (sc[col].status == SC_KEPT || sc[col].status == SC_WRONG_SIGN) {
			buf_puts(b, ",\"coef\":");
			buf_json_number(b, sc[col].coef);
		}
		buf_puts(b, ",\"reason\":");
		buf_json_string(b, why);
		buf_putc(b, '}');
	}
	free(order);
	buf_puts(b, "]}");
}

/* Variable selection on the rows with use[i] (wv: every row's WoE per column): a column
 * whose IV is under min_iv is out; then, by IV descending, a column whose WoE values
 * correlate (Pearson, |r|) above max_corr with one already kept is out. */
static void sc_select(const struct train_data *d, const unsigned char *use, const double *wv,
		      struct sc_column *sc, const struct train_params *tp)
{
	int ncols = d->ncols, *order = rd_malloc((size_t)ncols * sizeof *order), *kept = NULL;
	double *mean = rd_calloc((size_t)ncols, sizeof *mean),
	       *sd = rd_calloc((size_t)ncols, sizeof *sd);
	size_t m = 0;
	for (size_t i = 0; i < d->n; i++)
		m += use[i] != 0;
	for (int col = 0; col < ncols; col++) {
		sc[col].status = sc[col].b.iv < tp->min_iv ? SC_LOW_IV : SC_KEPT;
		double s = 0, ss = 0;
		for (size_t i = 0; i < d->n; i++) {
			if (!use[i])
				continue;
			double v = wv[i * (size_t)ncols + (size_t)col];
			s += v;
			ss += v * v;
		}
		mean[col] = m ? s / (double)m : 0;
		double var = m ? ss / (double)m - mean[col] * mean[col] : 0;
		sd[col] = var > 1e-24 ? sqrt(var) : 0;
	}
	sc_order(sc, ncols, order);
	kept = rd_malloc((size_t)ncols * sizeof *kept);
	int nkept = 0;
	for (int k = 0; k < ncols; k++) {
		int a = order[k];
		if (sc[a].status != SC_KEPT)
			continue;
		for (int j = 0; j < nkept && sc[a].status == SC_KEPT; j++) {
			int c = kept[j];
			double cov = 0, r = 0;
			if (sd[a] > 0 && sd[c] > 0) {
				for (size_t i = 0; i < d->n; i++)
					if (use[i])
						cov += (wv[i * (size_t)ncols + (size_t)a] -
							mean[a]) *
						       (wv[i * (size_t)ncols + (size_t)c] -
							mean[c]);
				r = cov / (double)m / (sd[a] * sd[c]);
			}
			if (fabs(r) > tp->max_corr) {
				sc[a].status = SC_CORRELATED;
				sc[a].partner = c;
				sc[a].r = r;
			}
		}
		if (sc[a].status == SC_KEPT)
			kept[nkept++] = a;
	}
	free(order);
	free(kept);
	free(mean);
	free(sd);
}

/* scorecard: bins per column, variable selection, logistic regression on the WoE values
 * refitted until no coefficient has the wrong sign, points per bin. */
int train_fit_scorecard(const struct train_data *d, const unsigned char *use,
			const struct train_params *tp, double *p, struct train_output *out,
			struct rd_err *err)
{
	int ncols = d->ncols, bias = ncols + 1, rc = -1;
	struct sc_column *sc = rd_calloc((size_t)ncols, sizeof *sc);
	size_t per = (size_t)ncols + 2;
	struct feature_node *nodes = rd_malloc(d->n * per * sizeof *nodes);
	double *w = rd_calloc((size_t)bias, sizeof *w);
	double *wv = rd_malloc(d->n * (size_t)ncols * sizeof *wv);
	for (int col = 0; col < ncols; col++) {
		if (tp->cancel && *tp->cancel) {
			rd_err_set(err, "cancelled");
			goto out;
		}
		if (bin_column(d, use, col, tp, &sc[col], err))
			goto out;
	}
	for (size_t i = 0; i < d->n; i++)
		for (int col = 0; col < ncols; col++)
			wv[i * (size_t)ncols + (size_t)col] =
				woe_value(&sc[col].b,
					  sc_bin_of(&d->cols[col], &sc[col],
						    d->x[i * (size_t)ncols + (size_t)col]));
	sc_select(d, use, wv, sc, tp);
	for (;;) {
		int nkept = 0, worst = -1;
		for (int col = 0; col < ncols; col++)
			nkept += sc[col].status == SC_KEPT;
		if (nkept == 0) {
			int why[4] = {0};
			for (int col = 0; col < ncols; col++)
				why[sc[col].status]++;
			rd_err_set(err,
				   "train: the scorecard has no feature left: %d with an IV below "
				   "%g"
				   " (--min-iv), %d correlated above %g (--max-corr), %d with the "
				   "wrong"
				   " sign",
				   why[SC_LOW_IV], tp->min_iv, why[SC_CORRELATED], tp->max_corr,
				   why[SC_WRONG_SIGN]);
			goto out;
		}
		if (tp->cancel && *tp->cancel) {
			rd_err_set(err, "cancelled");
			goto out;
		}
		for (size_t i = 0; i < d->n; i++) {
			struct feature_node *r = nodes + i * per;
			int k = 0;
			for (int col = 0; col < ncols; col++) {
				double woe = wv[i * (size_t)ncols + (size_t)col];
				if (sc[col].status == SC_KEPT && woe != 0)
					r[k++] = (struct feature_node){col + 1, woe};
			}
			train_lr_end_row(r, k, bias);
		}
		memset(w, 0, (size_t)bias * sizeof *w);
		if (train_lr_fit(d, use, nodes, per, bias, tp->c, w, p, err))
			goto out;
		/* A higher WoE is a safer bin: its coefficient on the log-odds of default must
		 * not be positive. The largest offender goes, and the rest are refitted. */
		for (int col = 0; col < ncols; col++)
			if (sc[col].status == SC_KEPT && w[col] > 0 &&
			    (worst < 0 || w[col] > w[worst]))
				worst = col;
		if (worst < 0)
			break;
		sc[worst].status = SC_WRONG_SIGN;
		sc[worst].coef = w[worst];
	}
	for (int col = 0; col < ncols; col++)
		if (sc[col].status == SC_KEPT)
			sc[col].coef = w[col];
	if (out) {
		struct rd_buf b = {0};
		sc_spec(&b, d, sc, w, bias, tp);
		out->spec = buf_steal(&b);
	}
	rc = 0;
out:
	for (int col = 0; col < ncols; col++) {
		woe_free(&sc[col].b);
		free(sc[col].level_bin);
	}
	free(sc);
	free(nodes);
	free(w);
	free(wv);
	return rc;
}

int train_iv_table(const struct train_data *d, double min_share, char **json, struct rd_err *err)
{
	struct train_params tp;
	train_params_default(&tp);
	tp.min_share = min_share;
	return train_iv_table_for(d, &tp, json, err);
}

int train_iv_table_for(const struct train_data *d, const struct train_params *tp, char **json,
		       struct rd_err *err)
{
	unsigned char *all = rd_malloc(d->n);
	memset(all, 1, d->n);
	struct rd_buf b = {0};
	int rc = 0;
	buf_putc(&b, '[');
	for (int col = 0; col < d->ncols && rc == 0; col++) {
		struct sc_column sc = {0};
		rc = bin_column(d, all, col, tp, &sc, err);
		if (rc == 0) {
			buf_puts(&b, col ? ",{\"name\":" : "{\"name\":");
			buf_json_string(&b, d->cols[col].name);
			buf_printf(&b, ",\"type\":\"%s\",\"bins\":%zu,\"iv\":",
				   vocab_name(&vocab_attr_type, d->cols[col].categorical
									? ATTR_CATEGORICAL
									: ATTR_NUMERIC),
				   sc.b.nbins);
			buf_json_number(&b, sc.b.iv);
			buf_puts(&b, ",\"iv_raw\":");
			buf_json_number(&b, sc.b.iv_raw);
			int f = feature_index(d->cols[col].name);
			const char *label = d->cols[col].label ? d->cols[col].label
					    : f >= 0           ? feature_labels[f]
							       : NULL;
			if (label) {
				buf_puts(&b, ",\"label\":");
				buf_json_string(&b, label);
			}
			buf_putc(&b, '}');
		}
		woe_free(&sc.b);
		free(sc.level_bin);
	}
	buf_putc(&b, ']');
	free(all);
	if (rc)
		buf_free(&b);
	else
		*json = buf_steal(&b);
	return rc;
}
