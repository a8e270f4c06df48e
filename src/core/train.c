/* Training data, folds and the logistic regression (liblinear). */
#include "riskdesk/train.h"

#include <linear.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/features.h"

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
	memset(d, 0, sizeof *d);
}

struct scan_fill {
	struct train_data *d;
	struct rd_strmap *rows; /* id -> row */
};

static int fill_features(void *ud, const char *id, const double *v, int64_t last_event)
{
	struct scan_fill *f = ud;
	(void)last_event;
	int64_t row = strmap_get(f->rows, id, strlen(id));
	if (row >= 0)
		for (int k = 0; k < FEAT_COUNT; k++)
			f->d->x[(size_t)row * (size_t)f->d->ncols + (size_t)k] = v[k];
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

static void quiet(const char *s)
{
	(void)s; /* liblinear prints progress; the core never prints */
}

/* The design matrix layout: numeric columns one input each, categoricals one per level. */
struct design {
	int ninputs;
	int *first;    /* first input of each column (1-based, liblinear's indices) */
	double *mean;  /* per numeric column, over the training rows */
	double *sd;
};

int train_logit(const struct train_data *d, const unsigned char *use, double c, double *p,
		char **spec, struct rd_err *err)
{
	struct design g = {0};
	int rc = -1;
	size_t ntrain = 0;
	struct problem prob = {0};
	struct parameter param = {0};
	struct model *m = NULL;
	struct feature_node *nodes = NULL, **rowsv = NULL;
	double *yy = NULL;
	g.first = rd_calloc((size_t)d->ncols, sizeof *g.first);
	g.mean = rd_calloc((size_t)d->ncols, sizeof *g.mean);
	g.sd = rd_calloc((size_t)d->ncols, sizeof *g.sd);
	int next = 1;
	for (int col = 0; col < d->ncols; col++) {
		g.first[col] = next;
		next += d->cols[col].categorical ? d->cols[col].nlevels : 1;
		if (d->cols[col].categorical)
			continue;
		/* Mean and standard deviation over the training rows; missing = the mean. */
		double s = 0, ss = 0;
		size_t k = 0;
		for (size_t i = 0; i < d->n; i++) {
			double v = d->x[i * (size_t)d->ncols + (size_t)col];
			if (use[i] && !isnan(v)) {
				s += v;
				ss += v * v;
				k++;
			}
		}
		g.mean[col] = k ? s / (double)k : 0;
		double var = k ? ss / (double)k - g.mean[col] * g.mean[col] : 0;
		g.sd[col] = var > 1e-24 ? sqrt(var) : 1;
	}
	g.ninputs = next - 1;
	int bias_index = next;
	/* One node per column, the bias, and the terminator, per row. */
	size_t per = (size_t)d->ncols + 2;
	nodes = rd_malloc(d->n * per * sizeof *nodes);
	rowsv = rd_malloc(d->n * sizeof *rowsv);
	yy = rd_malloc(d->n * sizeof *yy);
	for (size_t i = 0; i < d->n; i++) {
		struct feature_node *r = nodes + i * per;
		int k = 0;
		for (int col = 0; col < d->ncols; col++) {
			double v = d->x[i * (size_t)d->ncols + (size_t)col];
			if (d->cols[col].categorical) {
				if (!isnan(v))
					r[k++] = (struct feature_node){g.first[col] + (int)v, 1.0};
			} else {
				double z = isnan(v) ? 0 : (v - g.mean[col]) / g.sd[col];
				if (z != 0)
					r[k++] = (struct feature_node){g.first[col], z};
			}
		}
		r[k++] = (struct feature_node){bias_index, 1.0};
		r[k] = (struct feature_node){-1, 0};
		if (use[i]) {
			rowsv[ntrain] = r; /* the training rows; prediction reads every row's nodes */
			yy[ntrain] = d->y[i] ? 1 : 0;
			ntrain++;
		}
	}
	prob.l = (int)ntrain;
	prob.n = bias_index;
	prob.x = rowsv;
	prob.y = yy;
	prob.bias = -1; /* the bias node is in the data already */
	param.solver_type = L2R_LR;
	param.C = c;
	param.eps = 0.01;
	set_print_string_function(quiet);
	const char *bad = check_parameter(&prob, &param);
	if (bad) {
		rd_err_set(err, "train: liblinear: %s", bad);
		goto out;
	}
	m = train(&prob, &param);
	int labels[2];
	get_labels(m, labels);
	int bad_label = labels[0] == 1 ? 0 : 1;
	for (size_t i = 0; i < d->n; i++) {
		double pe[2];
		predict_probability(m, nodes + i * per, pe);
		p[i] = get_nr_class(m) == 2 ? pe[bad_label] : (double)labels[0];
	}
	if (spec) {
		struct rd_buf b = {0};
		buf_puts(&b, "{\"algo\":\"logit\",\"C\":");
		buf_json_number(&b, c);
		buf_puts(&b, ",\"scaling\":{\"base_score\":600,\"base_odds\":19,\"pdo\":50},\"columns\":[");
		for (int col = 0; col < d->ncols; col++) {
			const struct train_column *tc = &d->cols[col];
			buf_puts(&b, col ? ",{\"name\":" : "{\"name\":");
			buf_json_string(&b, tc->name);
			if (tc->categorical) {
				buf_puts(&b, ",\"levels\":[");
				for (int l = 0; l < tc->nlevels; l++) {
					if (l)
						buf_putc(&b, ',');
					buf_json_string(&b, tc->levels[l]);
				}
				buf_puts(&b, "],\"weights\":[");
				for (int l = 0; l < tc->nlevels; l++) {
					if (l)
						buf_putc(&b, ',');
					double w = get_decfun_coef(m, g.first[col] + l, 0);
					buf_json_number(&b, labels[0] == 1 ? w : -w);
				}
				buf_putc(&b, ']');
			} else {
				double w = get_decfun_coef(m, g.first[col], 0);
				buf_puts(&b, ",\"mean\":");
				buf_json_number(&b, g.mean[col]);
				buf_puts(&b, ",\"sd\":");
				buf_json_number(&b, g.sd[col]);
				buf_puts(&b, ",\"weight\":");
				buf_json_number(&b, labels[0] == 1 ? w : -w);
			}
			buf_putc(&b, '}');
		}
		double w0 = get_decfun_coef(m, bias_index, 0);
		buf_puts(&b, "],\"intercept\":");
		buf_json_number(&b, labels[0] == 1 ? w0 : -w0);
		buf_putc(&b, '}');
		*spec = buf_steal(&b);
	}
	rc = 0;
out:
	if (m)
		free_and_destroy_model(&m);
	free(nodes);
	free(rowsv);
	free(yy);
	free(g.first);
	free(g.mean);
	free(g.sd);
	return rc;
}
