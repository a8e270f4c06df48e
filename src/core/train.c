/* Training data, folds and the logistic regression (liblinear). */
#include "riskdesk/train.h"

#include <linear.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/engine.h"
#include "riskdesk/features.h"
#include "riskdesk/refdist.h"
#include "riskdesk/woe.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void train_data_free(struct train_data *d)
{
	if (!d)
		return;
	for (int c = 0; c < d->ncols; c++) {
		free(d->cols[c].name);
		for (int l = 0; l < d->cols[c].nlevels; l++)
			free(d->cols[c].levels[l]);
		free(d->cols[c].levels);
	}
	for (size_t i = 0; i < d->n; i++)
		free(d->ids[i]);
	free(d->cols);
	free(d->x);
	free(d->y);
	free(d->ids);
	free(d->is_new);
	memset(d, 0, sizeof *d);
}

struct scan_fill {
	struct train_data *d;
	struct rd_strmap *rows; /* id -> row */
};

static int fill_features(void *ud, const char *id, const double *v,
			 const struct feature_times *t)
{
	struct scan_fill *f = ud;
	(void)t;
	int64_t row = strmap_get(f->rows, id, strlen(id));
	if (row >= 0) {
		for (int k = 0; k < FEAT_COUNT; k++)
			f->d->x[(size_t)row * (size_t)f->d->ncols + (size_t)k] = v[k];
		f->d->is_new[row] = strcmp(engine_segment(v), "new") == 0;
	}
	return 0;
}

/* Keeps the columns named in list (comma-separated), or the non-constant ones. */
static int select_columns(struct train_data *d, const char *list, struct rd_err *err)
{
	unsigned char *keep = rd_calloc((size_t)d->ncols, 1);
	int rc = -1;
	if (list) {
		char *copy = rd_strdup(list), *save = NULL;
		for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			int c;
			for (c = 0; c < d->ncols && strcmp(d->cols[c].name, tok) != 0; c++)
				;
			if (c == d->ncols) {
				rd_err_set(err, "train: unknown feature '%s'", tok);
				free(copy);
				goto out;
			}
			keep[c] = 1;
		}
		free(copy);
	} else {
		for (int c = 0; c < d->ncols; c++) {
			double first = NAN;
			for (size_t i = 0; i < d->n && !keep[c]; i++) {
				double v = d->x[i * (size_t)d->ncols + (size_t)c];
				if (isnan(first))
					first = v;
				else if (v != first && !(isnan(v) && isnan(first)))
					keep[c] = 1;
			}
		}
	}
	int m = 0;
	for (int c = 0; c < d->ncols; c++)
		m += keep[c];
	if (m == 0) {
		rd_err_set(err, "train: no feature varies across the customers with outcomes");
		goto out;
	}
	double *x = rd_malloc(d->n * (size_t)m * sizeof *x);
	struct train_column *cols = rd_calloc((size_t)m, sizeof *cols);
	for (int c = 0, j = 0; c < d->ncols; c++) {
		if (keep[c]) {
			cols[j] = d->cols[c];
			for (size_t i = 0; i < d->n; i++)
				x[i * (size_t)m + (size_t)j] = d->x[i * (size_t)d->ncols + (size_t)c];
			j++;
		} else {
			free(d->cols[c].name);
			for (int l = 0; l < d->cols[c].nlevels; l++)
				free(d->cols[c].levels[l]);
			free(d->cols[c].levels);
		}
	}
	free(d->x);
	free(d->cols);
	d->x = x;
	d->cols = cols;
	d->ncols = m;
	rc = 0;
out:
	free(keep);
	return rc;
}

int train_data_load(struct rd_store *st, const char *only_features, int64_t as_of_day,
		    struct train_data *d, struct rd_err *err)
{
	sqlite3_stmt *s = NULL;
	struct rd_strmap *rows = strmap_new(1024), *attr_index = strmap_new(64);
	int rc = -1, nattr = 0;
	memset(d, 0, sizeof *d);
	size_t cap = 0;
	if (store_prepare(st,
			  "SELECT c.id, o.defaulted FROM customers c JOIN outcomes o"
			  " ON o.customer_id = c.id ORDER BY c.rowid",
			  &s, err))
		goto out;
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (d->n == cap) {
			cap = cap ? cap * 2 : 1024;
			d->ids = rd_realloc(d->ids, cap * sizeof *d->ids);
			d->y = rd_realloc(d->y, cap * sizeof *d->y);
		}
		const char *id = (const char *)sqlite3_column_text(s, 0);
		d->ids[d->n] = rd_strdup(id);
		d->y[d->n] = sqlite3_column_int(s, 1) != 0;
		strmap_put(rows, id, strlen(id), (int64_t)d->n);
		d->n++;
	}
	sqlite3_finalize(s);
	s = NULL;
	if (d->n < 20) {
		rd_err_set(err, "train: %zu customers have an outcome; at least 20 are needed", d->n);
		goto out;
	}
	/* Columns: the built-in features, then the attributes in definition order. */
	nattr = (int)store_int(st, "SELECT count(*) FROM attributes", 0);
	d->ncols = FEAT_COUNT + nattr;
	d->cols = rd_calloc((size_t)d->ncols, sizeof *d->cols);
	for (int k = 0; k < FEAT_COUNT; k++)
		d->cols[k].name = rd_strdup(feature_names[k]);
	if (store_prepare(st, "SELECT name, type FROM attributes ORDER BY rowid", &s, err))
		goto out;
	for (int a = 0; sqlite3_step(s) == SQLITE_ROW && a < nattr; a++) {
		const char *name = (const char *)sqlite3_column_text(s, 0);
		d->cols[FEAT_COUNT + a].name = rd_strdup(name);
		d->cols[FEAT_COUNT + a].categorical =
			strcmp((const char *)sqlite3_column_text(s, 1), "categorical") == 0;
		strmap_put(attr_index, name, strlen(name), FEAT_COUNT + a);
	}
	sqlite3_finalize(s);
	s = NULL;
	d->x = rd_malloc(d->n * (size_t)d->ncols * sizeof *d->x);
	d->is_new = rd_malloc(d->n);
	memset(d->is_new, 1, d->n); /* customers with no orders at all */
	for (size_t i = 0; i < d->n * (size_t)d->ncols; i++)
		d->x[i] = NAN;
	struct scan_fill fill = {d, rows};
	struct feature_scan scan = {.as_of_day = as_of_day, .only = rows, .visit = fill_features,
				    .ud = &fill};
	if (features_scan(st, &scan, err) < 0)
		goto out;
	/* Categorical levels: sorted, so codes do not depend on row order. */
	for (int c = FEAT_COUNT; c < d->ncols; c++) {
		if (!d->cols[c].categorical)
			continue;
		if (store_prepare(st,
				  "SELECT DISTINCT value FROM customer_attributes WHERE name = ?1"
				  " AND value IS NOT NULL AND value != ''",
				  &s, err))
			goto out;
		sqlite3_bind_text(s, 1, d->cols[c].name, -1, SQLITE_STATIC);
		int lcap = 0;
		while (sqlite3_step(s) == SQLITE_ROW) {
			if (d->cols[c].nlevels == lcap) {
				lcap = lcap ? lcap * 2 : 8;
				d->cols[c].levels = rd_realloc(d->cols[c].levels,
							       (size_t)lcap * sizeof *d->cols[c].levels);
			}
			d->cols[c].levels[d->cols[c].nlevels++] =
				rd_strdup((const char *)sqlite3_column_text(s, 0));
		}
		sqlite3_finalize(s);
		s = NULL;
		qsort(d->cols[c].levels, (size_t)d->cols[c].nlevels, sizeof(char *), cmp_str);
	}
	if (store_prepare(st, "SELECT customer_id, name, value, num FROM customer_attributes", &s,
			  err))
		goto out;
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(s, 0);
		const char *name = (const char *)sqlite3_column_text(s, 1);
		int64_t row = strmap_get(rows, id, strlen(id));
		int64_t c = strmap_get(attr_index, name, strlen(name));
		if (row < 0 || c < 0)
			continue;
		double *cell = &d->x[(size_t)row * (size_t)d->ncols + (size_t)c];
		const struct train_column *col = &d->cols[c];
		if (col->categorical) {
			const char *v = (const char *)sqlite3_column_text(s, 2);
			const char *key = v ? v : "";
			char **hit = bsearch(&key, col->levels, (size_t)col->nlevels, sizeof(char *),
					     cmp_str);
			*cell = hit ? (double)(hit - col->levels) : NAN;
		} else if (sqlite3_column_type(s, 3) != SQLITE_NULL) {
			*cell = sqlite3_column_double(s, 3);
		}
	}
	sqlite3_finalize(s);
	s = NULL;
	if (select_columns(d, only_features, err))
		goto out;
	rc = 0;
out:
	sqlite3_finalize(s);
	strmap_free(rows);
	strmap_free(attr_index);
	if (rc)
		train_data_free(d);
	return rc;
}

static uint64_t mix(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h ^ (h >> 29);
}

struct fold_key {
	int y;
	uint64_t h;
	size_t row;
};

static int cmp_fold_key(const void *a, const void *b)
{
	const struct fold_key *x = a, *y = b;
	if (x->y != y->y)
		return x->y - y->y;
	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

void train_folds(const struct train_data *d, int k, int *fold)
{
	struct fold_key *keys = rd_malloc(d->n * sizeof *keys);
	for (size_t i = 0; i < d->n; i++)
		keys[i] = (struct fold_key){d->y[i], mix(d->ids[i]), i};
	qsort(keys, d->n, sizeof *keys, cmp_fold_key);
	for (size_t i = 0; i < d->n; i++)
		fold[keys[i].row] = (int)(i % (size_t)k);
	free(keys);
}

int train_folds_file(const struct train_data *d, const char *path, int *fold, int *k,
		     struct rd_err *err)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		rd_err_set(err, "%s: cannot open", path);
		return -1;
	}
	char line[256];
	long lineno = 0;
	int maxf = -1, rc = -1;
	for (size_t i = 0; i < d->n; i++)
		fold[i] = -1;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		long row, fo;
		if (lineno == 1 && strncmp(line, "row", 3) == 0)
			continue;
		if (sscanf(line, "%ld,%ld", &row, &fo) != 2 || row < 0 || (size_t)row >= d->n ||
		    fo < 0 || fo > 99) {
			rd_err_set(err, "%s:%ld: expected 'row,fold' with row < %zu", path, lineno, d->n);
			goto out;
		}
		fold[row] = (int)fo;
		if (fo > maxf)
			maxf = (int)fo;
	}
	for (size_t i = 0; i < d->n; i++) {
		if (fold[i] < 0) {
			rd_err_set(err, "%s: row %zu has no fold", path, i);
			goto out;
		}
	}
	*k = maxf + 1;
	rc = *k >= 2 ? 0 : -1;
	if (rc)
		rd_err_set(err, "%s: fewer than 2 folds", path);
out:
	fclose(f);
	return rc;
}

void train_params_default(struct train_params *tp)
{
	memset(tp, 0, sizeof *tp);
	tp->c = 1.0;
	tp->min_share = WOE_MIN_SHARE_DEFAULT;
	tp->xgb = xgb_params_default;
}

static void quiet(const char *s)
{
	(void)s; /* liblinear prints progress; the core never prints */
}

/* L2 logistic regression with liblinear on sparse rows whose indexes run 1..nindex (the
 * last the bias node, present in every row). w[j - 1] receives the weight of index j,
 * oriented so that a larger w·x means a larger probability of y = 1. 0 or -1. */
static int lr_fit(struct feature_node **rows, double *y, size_t l, int nindex, double c,
		  double *w, struct rd_err *err)
{
	struct problem prob = {.l = (int)l, .n = nindex, .y = y, .x = rows, .bias = -1};
	struct parameter param = {.solver_type = L2R_LR, .C = c, .eps = 0.01};
	set_print_string_function(quiet);
	const char *bad = check_parameter(&prob, &param);
	if (bad) {
		rd_err_set(err, "train: liblinear: %s", bad);
		return -1;
	}
	struct model *m = train(&prob, &param);
	int labels[2] = {1, 0};
	get_labels(m, labels);
	/* liblinear's decision values favour its first label. */
	double sign = get_nr_class(m) == 2 && labels[0] == 0 ? -1.0 : 1.0;
	for (int j = 1; j <= nindex; j++)
		w[j - 1] = get_nr_class(m) == 2 ? sign * get_decfun_coef(m, j, 0) : 0;
	if (get_nr_class(m) != 2) /* one class only: a constant PD in the intercept */
		w[nindex - 1] = labels[0] ? 30 : -30;
	free_and_destroy_model(&m);
	return 0;
}

static double sigmoid(double eta)
{
	return 1 / (1 + exp(-eta));
}

/* Mean, standard deviation, minimum and maximum of a numeric column over the used rows. */
struct col_stats {
	double mean, sd, min, max;
};

static struct col_stats column_stats(const struct train_data *d, const unsigned char *use, int col)
{
	double s = 0, ss = 0, lo = INFINITY, hi = -INFINITY;
	size_t k = 0;
	for (size_t i = 0; i < d->n; i++) {
		double v = d->x[i * (size_t)d->ncols + (size_t)col];
		if (use[i] && !isnan(v)) {
			s += v;
			ss += v * v;
			lo = fmin(lo, v);
			hi = fmax(hi, v);
			k++;
		}
	}
	struct col_stats st = {k ? s / (double)k : 0, 1, k ? lo : 0, k ? hi : 0};
	double var = k ? ss / (double)k - st.mean * st.mean : 0;
	st.sd = var > 1e-24 ? sqrt(var) : 1;
	return st;
}

static void spec_head(struct rd_buf *b, const char *algo)
{
	buf_printf(b, "{\"algo\":\"%s\",\"scaling\":{\"base_score\":", algo);
	buf_json_number(b, score_scaling_default.base_score);
	buf_puts(b, ",\"base_odds\":");
	buf_json_number(b, score_scaling_default.base_odds);
	buf_puts(b, ",\"pdo\":");
	buf_json_number(b, score_scaling_default.pdo);
	buf_putc(b, '}');
}

static void spec_levels(struct rd_buf *b, const struct train_column *tc)
{
	buf_puts(b, ",\"levels\":[");
	for (int l = 0; l < tc->nlevels; l++) {
		if (l)
			buf_putc(b, ',');
		buf_json_string(b, tc->levels[l]);
	}
	buf_putc(b, ']');
}

/* Ends a row of liblinear nodes (k used) with the bias and the terminator. */
static void end_row(struct feature_node *r, int k, int bias)
{
	r[k++] = (struct feature_node){bias, 1.0};
	r[k] = (struct feature_node){-1, 0};
}

/* Fits on the rows with use[i] (row i's nodes at nodes + i·per) and predicts every row:
 * w receives the weights (bias last), p[i] the PD. 0 or -1. */
static int fit_rows(const struct train_data *d, const unsigned char *use,
		    struct feature_node *nodes, size_t per, int bias, double c, double *w, double *p,
		    struct rd_err *err)
{
	struct feature_node **rows = rd_malloc(d->n * sizeof *rows);
	double *yy = rd_malloc(d->n * sizeof *yy);
	size_t l = 0;
	for (size_t i = 0; i < d->n; i++) {
		if (use[i]) {
			rows[l] = nodes + i * per;
			yy[l++] = d->y[i];
		}
	}
	int rc = lr_fit(rows, yy, l, bias, c, w, err);
	for (size_t i = 0; i < d->n && rc == 0; i++) {
		double eta = 0;
		for (const struct feature_node *r = nodes + i * per; r->index != -1; r++)
			eta += w[r->index - 1] * r->value;
		p[i] = sigmoid(eta);
	}
	free(rows);
	free(yy);
	return rc;
}

/* logit: numeric columns one input each, categoricals one per level. */
static int fit_logit(const struct train_data *d, const unsigned char *use,
		     const struct train_params *tp, double *p, struct train_output *out,
		     struct rd_err *err)
{
	int ncols = d->ncols, rc = -1, next = 1;
	int *first = rd_calloc((size_t)ncols, sizeof *first);
	struct col_stats *st = rd_calloc((size_t)ncols, sizeof *st);
	for (int col = 0; col < ncols; col++) {
		first[col] = next;
		next += d->cols[col].categorical ? d->cols[col].nlevels : 1;
		if (!d->cols[col].categorical)
			st[col] = column_stats(d, use, col);
	}
	int bias = next;
	size_t per = (size_t)ncols + 2;
	struct feature_node *nodes = rd_malloc(d->n * per * sizeof *nodes);
	double *w = rd_calloc((size_t)bias, sizeof *w);
	for (size_t i = 0; i < d->n; i++) {
		struct feature_node *r = nodes + i * per;
		int k = 0;
		for (int col = 0; col < ncols; col++) {
			double v = d->x[i * (size_t)ncols + (size_t)col];
			if (d->cols[col].categorical) {
				if (!isnan(v))
					r[k++] = (struct feature_node){first[col] + (int)v, 1.0};
			} else {
				double z = isnan(v) ? 0 : (v - st[col].mean) / st[col].sd;
				if (z != 0)
					r[k++] = (struct feature_node){first[col], z};
			}
		}
		end_row(r, k, bias);
	}
	if (fit_rows(d, use, nodes, per, bias, tp->c, w, p, err))
		goto out;
	if (out) {
		struct rd_buf b = {0};
		spec_head(&b, "logit");
		buf_puts(&b, ",\"C\":");
		buf_json_number(&b, tp->c);
		buf_puts(&b, ",\"intercept\":");
		buf_json_number(&b, w[bias - 1]);
		buf_puts(&b, ",\"columns\":[");
		for (int col = 0; col < ncols; col++) {
			const struct train_column *tc = &d->cols[col];
			buf_puts(&b, col ? ",{\"name\":" : "{\"name\":");
			buf_json_string(&b, tc->name);
			if (tc->categorical) {
				spec_levels(&b, tc);
				buf_puts(&b, ",\"weights\":[");
				for (int lv = 0; lv < tc->nlevels; lv++) {
					if (lv)
						buf_putc(&b, ',');
					buf_json_number(&b, w[first[col] + lv - 1]);
				}
				buf_putc(&b, ']');
			} else {
				static const char *const keys[] = {",\"mean\":", ",\"sd\":", ",\"min\":",
								   ",\"max\":", ",\"weight\":"};
				const double vals[] = {st[col].mean, st[col].sd, st[col].min, st[col].max,
						       w[first[col] - 1]};
				for (int k = 0; k < 5; k++) {
					buf_puts(&b, keys[k]);
					buf_json_number(&b, vals[k]);
				}
			}
			buf_putc(&b, '}');
		}
		buf_puts(&b, "]}");
		out->spec = buf_steal(&b);
	}
	rc = 0;
out:
	free(first);
	free(st);
	free(nodes);
	free(w);
	return rc;
}

/* A scorecard column's bins: a WoE binning of the training rows, and for categoricals
 * the bin of each level (-1: no training row had it). */
struct sc_column {
	struct woe_binning b;
	int *level_bin;
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
			if (k != small &&
			    fabs(b->bins[k].woe - b->bins[small].woe) <
				    fabs(b->bins[into].woe - b->bins[small].woe))
				into = k;
		b->bins[into].goods += b->bins[small].goods;
		b->bins[into].bads += b->bins[small].bads;
		free(b->bins[small].level);
		memmove(&b->bins[small], &b->bins[small + 1], (b->nbins - small - 1) * sizeof *b->bins);
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
		      double min_share, struct sc_column *sc, struct rd_err *err)
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
	if (tc->categorical) {
		const char **lv = rd_malloc(n * sizeof *lv);
		for (size_t i = 0; i < n; i++)
			lv[i] = isnan(x[i]) ? NULL : tc->levels[(int)x[i]];
		rc = woe_fit_categorical(lv, y, n, &sc->b, err);
		free(lv);
		if (rc == 0) {
			for (int l = 0; l < tc->nlevels; l++)
				sc->level_bin[l] = woe_index_categorical(&sc->b, tc->levels[l]);
			merge_small_levels(&sc->b, sc->level_bin, tc->nlevels, min_share * (double)n);
		}
	} else {
		rc = woe_fit_numeric(x, y, n, &sc->b, err) || woe_make_monotone(&sc->b, min_share, err)
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
	return woe_index_numeric(&sc->b, v); /* NaN: the missing bin, or -1 */
}

static void sc_spec(struct rd_buf *b, const struct train_data *d, const struct sc_column *sc,
		    const double *w, int bias)
{
	double factor = score_scaling_default.pdo / M_LN2;
	spec_head(b, "scorecard");
	buf_puts(b, ",\"intercept\":");
	buf_json_number(b, w[bias - 1]);
	buf_puts(b, ",\"base_points\":");
	buf_json_number(b, score_scaling_default.base_score -
				   factor * log(score_scaling_default.base_odds) - factor * w[bias - 1]);
	buf_puts(b, ",\"columns\":[");
	for (int col = 0; col < d->ncols; col++) {
		const struct train_column *tc = &d->cols[col];
		const struct woe_binning *wb = &sc[col].b;
		buf_puts(b, col ? ",{\"name\":" : "{\"name\":");
		buf_json_string(b, tc->name);
		if (tc->categorical)
			spec_levels(b, tc);
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
			buf_printf(b, ",\"goods\":%zu,\"bads\":%zu,\"woe\":", bin->goods, bin->bads);
			buf_json_number(b, bin->woe);
			buf_puts(b, ",\"points\":");
			buf_json_number(b, -factor * w[col] * bin->woe);
			buf_putc(b, '}');
		}
		buf_puts(b, "]}");
	}
	buf_puts(b, "]}");
}

/* scorecard: bins per column, logistic regression on the WoE values, points per bin. */
static int fit_scorecard(const struct train_data *d, const unsigned char *use,
			 const struct train_params *tp, double *p, struct train_output *out,
			 struct rd_err *err)
{
	int ncols = d->ncols, bias = ncols + 1, rc = -1;
	struct sc_column *sc = rd_calloc((size_t)ncols, sizeof *sc);
	size_t per = (size_t)ncols + 2;
	struct feature_node *nodes = rd_malloc(d->n * per * sizeof *nodes);
	double *w = rd_calloc((size_t)bias, sizeof *w);
	for (int col = 0; col < ncols; col++) {
		if (tp->cancel && *tp->cancel) {
			rd_err_set(err, "cancelled");
			goto out;
		}
		if (bin_column(d, use, col, tp->min_share, &sc[col], err))
			goto out;
	}
	for (size_t i = 0; i < d->n; i++) {
		struct feature_node *r = nodes + i * per;
		int k = 0;
		for (int col = 0; col < ncols; col++) {
			double v = d->x[i * (size_t)ncols + (size_t)col];
			double woe = woe_value(&sc[col].b, sc_bin_of(&d->cols[col], &sc[col], v));
			if (woe != 0)
				r[k++] = (struct feature_node){col + 1, woe};
		}
		end_row(r, k, bias);
	}
	if (fit_rows(d, use, nodes, per, bias, tp->c, w, p, err))
		goto out;
	if (out) {
		struct rd_buf b = {0};
		sc_spec(&b, d, sc, w, bias);
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
	return rc;
}

float *train_tree_inputs(const struct train_data *d, int *ninputs)
{
	int k = 0;
	int *nlevels = rd_malloc((size_t)d->ncols * sizeof *nlevels);
	for (int col = 0; col < d->ncols; col++) {
		nlevels[col] = d->cols[col].categorical ? d->cols[col].nlevels : -1;
		k += d->cols[col].categorical ? d->cols[col].nlevels : 1;
	}
	float *x = rd_malloc(d->n * (size_t)k * sizeof *x);
	for (size_t i = 0; i < d->n; i++)
		onehot_row(d->ncols, nlevels, d->x + i * (size_t)d->ncols, x + i * (size_t)k);
	free(nlevels);
	*ninputs = k;
	return x;
}

/* xgb and rf: the inputs of train_tree_inputs; XGBoost boosting, or its random-forest mode. */
static int fit_xgb(enum model_algo algo, const struct train_data *d, const unsigned char *use,
		   const struct train_params *tp, double *p, struct train_output *out,
		   struct rd_err *err)
{
	int ninputs = 0, rc = -1;
	struct xgb_params xp = tp->xgb;
	xp.forest = algo == MODEL_RF;
	float *x = train_tree_inputs(d, &ninputs);
	struct xgb_model *m = xgb_train(x, d->n, ninputs, d->y, use, &xp, tp->cancel,
					tp->progress, tp->ud, err);
	if (!m || xgb_predict(m, x, d->n, p, err))
		goto out;
	if (out) {
		char *booster = xgb_to_json(m, err);
		if (!booster)
			goto out;
		struct rd_buf b = {0};
		spec_head(&b, model_algo_names[algo]);
		buf_printf(&b, ",\"params\":{\"trees\":%d,\"max_depth\":%d", xp.trees, xp.max_depth);
		if (!xp.forest) {
			buf_puts(&b, ",\"eta\":");
			buf_json_number(&b, xp.eta);
		}
		buf_puts(&b, ",\"subsample\":");
		buf_json_number(&b, xp.subsample);
		buf_puts(&b, xp.forest ? ",\"colsample_bynode\":" : ",\"colsample\":");
		buf_json_number(&b, xp.colsample);
		buf_puts(&b, ",\"min_child_weight\":");
		buf_json_number(&b, xp.min_child_weight);
		if (xp.forest)
			buf_printf(&b, ",\"num_parallel_tree\":%d", xp.trees);
		buf_printf(&b, ",\"tree_method\":\"hist\"},\"reasons\":\"%s\",\"columns\":[",
			   tp->approx_reasons ? "approx" : "shap");
		for (int col = 0; col < d->ncols; col++) {
			buf_puts(&b, col ? ",{\"name\":" : "{\"name\":");
			buf_json_string(&b, d->cols[col].name);
			if (d->cols[col].categorical)
				spec_levels(&b, &d->cols[col]);
			buf_putc(&b, '}');
		}
		/* XGBoost's own JSON as a string: its parser tells integers from reals, and
		 * only its own text keeps every number as it was. */
		buf_puts(&b, "],\"booster\":");
		buf_json_string(&b, booster);
		buf_putc(&b, '}');
		free(booster);
		out->spec = buf_steal(&b);
	}
	rc = 0;
out:
	xgb_free(m);
	free(x);
	return rc;
}

int train_fit(enum model_algo algo, const struct train_data *d, const unsigned char *use,
	      const struct train_params *tp, double *p, struct train_output *out,
	      struct rd_err *err)
{
	if (out)
		memset(out, 0, sizeof *out);
	switch (algo) {
	case MODEL_LOGIT: return fit_logit(d, use, tp, p, out, err);
	case MODEL_SCORECARD: return fit_scorecard(d, use, tp, p, out, err);
	case MODEL_XGB:
	case MODEL_RF: return fit_xgb(algo, d, use, tp, p, out, err);
	}
	rd_err_set(err, "train: unknown algorithm");
	return -1;
}

int train_iv_table(const struct train_data *d, double min_share, char **json, struct rd_err *err)
{
	unsigned char *all = rd_malloc(d->n);
	memset(all, 1, d->n);
	struct rd_buf b = {0};
	int rc = 0;
	buf_putc(&b, '[');
	for (int col = 0; col < d->ncols && rc == 0; col++) {
		struct sc_column sc = {0};
		rc = bin_column(d, all, col, min_share, &sc, err);
		if (rc == 0) {
			buf_puts(&b, col ? ",{\"name\":" : "{\"name\":");
			buf_json_string(&b, d->cols[col].name);
			buf_printf(&b, ",\"type\":\"%s\",\"bins\":%zu,\"iv\":",
				   d->cols[col].categorical ? "categorical" : "numeric", sc.b.nbins);
			buf_json_number(&b, sc.b.iv);
			buf_puts(&b, ",\"iv_raw\":");
			buf_json_number(&b, sc.b.iv_raw);
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

char *train_reference(const struct train_data *d, const double *score)
{
	struct rd_buf b = {0};
	double *v = rd_malloc(d->n * sizeof *v);
	buf_puts(&b, "{\"rows\":");
	buf_printf(&b, "%zu,\"features\":[", d->n);
	for (int col = 0; col < d->ncols; col++) {
		const struct train_column *tc = &d->cols[col];
		if (col)
			buf_putc(&b, ',');
		if (tc->categorical) {
			size_t *counts = rd_calloc((size_t)tc->nlevels + 1, sizeof *counts), missing = 0;
			for (size_t i = 0; i < d->n; i++) {
				double x = d->x[i * (size_t)d->ncols + (size_t)col];
				if (isnan(x))
					missing++;
				else
					counts[(int)x]++;
			}
			refdist_categorical(&b, tc->name, tc->levels, counts, tc->nlevels, missing);
			free(counts);
		} else {
			for (size_t i = 0; i < d->n; i++)
				v[i] = d->x[i * (size_t)d->ncols + (size_t)col];
			refdist_numeric(&b, tc->name, v, d->n);
		}
	}
	buf_puts(&b, "],\"score\":");
	memcpy(v, score, d->n * sizeof *v);
	refdist_numeric(&b, "score", v, d->n);
	buf_putc(&b, '}');
	free(v);
	return buf_steal(&b);
}

void train_data_keep(struct train_data *d, const unsigned char *keep)
{
	size_t m = 0;
	for (size_t i = 0; i < d->n; i++) {
		if (!keep[i]) {
			free(d->ids[i]);
			continue;
		}
		memmove(d->x + m * (size_t)d->ncols, d->x + i * (size_t)d->ncols,
			(size_t)d->ncols * sizeof *d->x);
		d->y[m] = d->y[i];
		d->ids[m] = d->ids[i];
		if (d->is_new)
			d->is_new[m] = d->is_new[i];
		m++;
	}
	d->n = m;
}
