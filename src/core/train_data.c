/* Training data, folds and the logistic regression (liblinear). */
#include "riskdesk/train.h"
#include "riskdesk/jsondoc.h"

#include <cjson/cJSON.h>
#include <linear.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/engine.h"
#include "riskdesk/featscan.h"
#include "riskdesk/refdist.h"
#include "riskdesk/woe.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void column_free(struct train_column *c)
{
	free(c->name);
	for (int l = 0; l < c->nlevels; l++) {
		free(c->levels[l]);
		if (c->level_labels)
			free(c->level_labels[l]);
	}
	free(c->levels);
	free(c->label);
	free(c->level_labels);
	free(c->special);
}

void train_data_free(struct train_data *d)
{
	if (!d)
		return;
	for (int c = 0; c < d->ncols; c++)
		column_free(&d->cols[c]);
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
			column_free(&d->cols[c]);
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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, z = *(const double *)b;
	return (x > z) - (x < z);
}

/* Sorts a column's special codes and drops repeats. */
static void codes_tidy(struct train_column *tc)
{
	int m = 0;
	qsort(tc->special, (size_t)tc->nspecial, sizeof *tc->special, cmp_double);
	for (int k = 0; k < tc->nspecial; k++)
		if (m == 0 || tc->special[k] != tc->special[m - 1])
			tc->special[m++] = tc->special[k];
	tc->nspecial = m;
}

/* The special codes of an attribute (the mapping's "special", stored by load as a JSON
 * array of numbers); anything else is ignored. */
static void special_codes(struct train_column *tc, const char *json)
{
	cJSON *a = json ? cJSON_Parse(json) : NULL, *v;
	int n = cJSON_IsArray(a) ? cJSON_GetArraySize(a) : 0;
	if (n > 0 && n <= WOE_SPECIAL_MAX && !tc->categorical) {
		tc->special = rd_malloc((size_t)n * sizeof *tc->special);
		cJSON_ArrayForEach(v, a)
		{
			if (cJSON_IsNumber(v) && isfinite(v->valuedouble))
				tc->special[tc->nspecial++] = v->valuedouble;
		}
		codes_tidy(tc);
	}
	cJSON_Delete(a);
}

/* A model's reasons hold column names whole (REASON_NAME_MAX): a longer one is refused
 * here rather than cut there. */
static int column_names_fit(const struct train_data *d, struct rd_err *err)
{
	for (int c = 0; c < d->ncols; c++) {
		size_t len = strlen(d->cols[c].name);
		if (len > REASON_NAME_MAX) {
			char e[RD_ECHO_SIZE];
			rd_err_set(err, "train: attribute %s has a name of %zu bytes; a model's columns"
					" have at most %d (their reason codes hold the name whole): rename it"
					" with a mapping's 'rename' or leave it out with --features",
				   rd_echo(e, d->cols[c].name, len), len, REASON_NAME_MAX);
			return -1;
		}
	}
	return 0;
}

static int level_of(const struct train_column *col, const char *value)
{
	char **hit = bsearch(&value, col->levels, (size_t)col->nlevels, sizeof(char *), cmp_str);
	return hit ? (int)(hit - col->levels) : -1;
}

/* The labels the mappings gave the columns (attribute_labels: value '' labels the
 * attribute itself, any other a categorical level). */
static int read_labels(struct rd_store *st, struct train_data *d, struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st, "SELECT name, value, label FROM attribute_labels", &s, err))
		return -1;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(s, 0);
		const char *value = (const char *)sqlite3_column_text(s, 1);
		const char *label = (const char *)sqlite3_column_text(s, 2);
		int c;
		for (c = 0; c < d->ncols && strcmp(d->cols[c].name, name) != 0; c++)
			;
		/* the built-in features have their own labels (feature_labels) */
		if (c >= d->ncols || feature_index(name) >= 0 || !value || !label ||
		    !rd_label_ok(label))
			continue;
		struct train_column *col = &d->cols[c];
		if (!*value) {
			free(col->label);
			col->label = rd_strdup(label);
			continue;
		}
		int l = col->categorical ? level_of(col, value) : -1;
		if (l < 0)
			continue; /* a value no customer has now, or of a numeric column */
		if (!col->level_labels)
			col->level_labels = rd_calloc((size_t)col->nlevels, sizeof *col->level_labels);
		free(col->level_labels[l]);
		col->level_labels[l] = rd_strdup(label);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "reading attribute labels");
	return 0;
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
	if (store_prepare(st, "SELECT name, type, special FROM attributes ORDER BY rowid", &s, err))
		goto out;
	for (int a = 0; sqlite3_step(s) == SQLITE_ROW && a < nattr; a++) {
		const char *name = (const char *)sqlite3_column_text(s, 0);
		d->cols[FEAT_COUNT + a].name = rd_strdup(name);
		d->cols[FEAT_COUNT + a].categorical =
			strcmp((const char *)sqlite3_column_text(s, 1), "categorical") == 0;
		strmap_put(attr_index, name, strlen(name), FEAT_COUNT + a);
		special_codes(&d->cols[FEAT_COUNT + a], (const char *)sqlite3_column_text(s, 2));
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
	if (select_columns(d, only_features, err) || column_names_fit(d, err) ||
	    read_labels(st, d, err))
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
	uint64_t h = rd_fnv1a(RD_FNV1A_SEED, s, strlen(s));
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
	tp->min_iv = 0.02;
	tp->max_corr = 0.8;
	tp->trend = WOE_TREND_AUTO;
	tp->xgb = xgb_params_default;
}

static struct train_column *numeric_column(struct train_data *d, const char *name,
					   const char *what, struct rd_err *err)
{
	char e[RD_ECHO_SIZE];
	for (int c = 0; c < d->ncols; c++) {
		if (strcmp(d->cols[c].name, name) != 0)
			continue;
		if (d->cols[c].categorical) {
			rd_err_set(err, "train: %s: %s is categorical (each level has its own bin"
					" already)", what, rd_echo(e, name, strlen(name)));
			return NULL;
		}
		return &d->cols[c];
	}
	rd_err_set(err, "train: %s: no numeric feature %s among the training columns", what,
		   rd_echo(e, name, strlen(name)));
	return NULL;
}

int train_column_special(struct train_data *d, const char *name, const double *codes, int n,
			 struct rd_err *err)
{
	struct train_column *tc = numeric_column(d, name, "--special", err);
	if (!tc)
		return -1;
	if (n < 0 || n > WOE_SPECIAL_MAX) {
		rd_err_set(err, "train: --special: at most %d codes a feature", WOE_SPECIAL_MAX);
		return -1;
	}
	free(tc->special);
	tc->special = n ? rd_malloc((size_t)n * sizeof *tc->special) : NULL;
	if (n)
		memcpy(tc->special, codes, (size_t)n * sizeof *codes);
	tc->nspecial = n;
	codes_tidy(tc);
	return 0;
}

int train_column_trend(struct train_data *d, const char *name, enum woe_trend trend,
		       struct rd_err *err)
{
	struct train_column *tc = numeric_column(d, name, "--trend", err);
	if (!tc)
		return -1;
	tc->trend = 1 + (int)trend;
	return 0;
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

/* How a logit reads a numeric column, learnt from the used rows (docs/methodology.md 7.1):
 * winsorized at their 1st and 99th percentiles, a missing value replaced by their median
 * and flagged by an indicator input (when some used row is missing), then standardised
 * with the mean and standard deviation of the values so prepared. */
struct logit_num {
	double lo, hi, impute, mean, sd;
	int indicator; /* some used row is missing: the column has a missing indicator input */
};

/* The value the regression sees before standardising. */
static double logit_num_value(const struct logit_num *t, double v)
{
	return isnan(v) ? t->impute : fmin(fmax(v, t->lo), t->hi);
}

static struct logit_num logit_num_fit(const struct train_data *d, const unsigned char *use,
				      int col, double *buf)
{
	struct logit_num t = {0, 0, 0, 0, 1, 0};
	size_t k = 0, n = 0;
	for (size_t i = 0; i < d->n; i++) {
		double v = d->x[i * (size_t)d->ncols + (size_t)col];
		if (!use[i])
			continue;
		n++;
		if (isnan(v))
			t.indicator = 1;
		else
			buf[k++] = v;
	}
	if (k > 0) {
		qsort(buf, k, sizeof *buf, cmp_double);
		t.lo = quantile_at(buf, k, 0.01);
		t.hi = quantile_at(buf, k, 0.99);
		t.impute = quantile_at(buf, k, 0.5);
	}
	double s = 0, ss = 0;
	for (size_t i = 0; i < d->n; i++) {
		if (use[i]) {
			double x = logit_num_value(&t, d->x[i * (size_t)d->ncols + (size_t)col]);
			s += x;
			ss += x * x;
		}
	}
	t.mean = n ? s / (double)n : 0;
	double var = n ? ss / (double)n - t.mean * t.mean : 0;
	t.sd = var > 1e-24 ? sqrt(var) : 1;
	return t;
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

/* logit spec: one numeric column's transform, weight and indicator weight. */
static void logit_num_spec(struct rd_buf *b, const struct logit_num *t, double w, double wm)
{
	static const char *const keys[] = {",\"mean\":", ",\"sd\":", ",\"clip_lo\":",
					   ",\"clip_hi\":", ",\"impute\":", ",\"weight\":"};
	const double vals[] = {t->mean, t->sd, t->lo, t->hi, t->impute, w};
	for (int k = 0; k < 6; k++) {
		buf_puts(b, keys[k]);
		buf_json_number(b, vals[k]);
	}
	if (t->indicator) {
		buf_puts(b, ",\"missing_weight\":");
		buf_json_number(b, wm);
	}
}

/* logit: a numeric column one input (and one more for its missing indicator), a
 * categorical one per level. The spec keeps each column's average contribution over the
 * fitted rows (its log-odds, as model_score computes them), which reasons measure from. */
static int fit_logit(const struct train_data *d, const unsigned char *use,
		     const struct train_params *tp, double *p, struct train_output *out,
		     struct rd_err *err)
{
	int ncols = d->ncols, rc = -1, next = 1;
	int *first = rd_calloc((size_t)ncols, sizeof *first);
	struct logit_num *tr = rd_calloc((size_t)ncols, sizeof *tr);
	double *buf = rd_malloc((d->n ? d->n : 1) * sizeof *buf);
	for (int col = 0; col < ncols; col++) {
		first[col] = next;
		if (d->cols[col].categorical) {
			next += d->cols[col].nlevels;
		} else {
			tr[col] = logit_num_fit(d, use, col, buf);
			next += 1 + tr[col].indicator;
		}
	}
	int bias = next;
	size_t per = 2 * (size_t)ncols + 2;
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
				continue;
			}
			double z = (logit_num_value(&tr[col], v) - tr[col].mean) / tr[col].sd;
			if (z != 0)
				r[k++] = (struct feature_node){first[col], z};
			if (tr[col].indicator && isnan(v))
				r[k++] = (struct feature_node){first[col] + 1, 1.0};
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
			const struct logit_num *t = &tr[col];
			double wc = w[first[col] - 1], wm = t->indicator ? w[first[col]] : 0;
			/* The average of the column's part of the log-odds over the fitted rows. */
			double sum = 0;
			size_t n = 0;
			for (size_t i = 0; i < d->n; i++) {
				double v = d->x[i * (size_t)ncols + (size_t)col];
				if (!use[i])
					continue;
				n++;
				if (tc->categorical)
					sum += isnan(v) ? 0 : w[first[col] + (int)v - 1];
				else
					sum += wc * ((logit_num_value(t, v) - t->mean) / t->sd) +
					       (isnan(v) ? wm : 0);
			}
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
				logit_num_spec(&b, t, wc, wm);
			}
			buf_puts(&b, ",\"avg\":");
			buf_json_number(&b, n ? sum / (double)n : 0);
			buf_putc(&b, '}');
		}
		buf_puts(&b, "]}");
		out->spec = buf_steal(&b);
	}
	rc = 0;
out:
	free(first);
	free(tr);
	free(buf);
	free(nodes);
	free(w);
	return rc;
}

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
	enum woe_trend trend;  /* numerics: the shape applied */
	enum sc_status status;
	int partner;           /* SC_CORRELATED: the kept column */
	double r;              /* SC_CORRELATED: the correlation with it */
	double coef;           /* SC_KEPT: the coefficient; SC_WRONG_SIGN: the one it had */
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
	if (tc->categorical) {
		const char **lv = rd_malloc(n * sizeof *lv);
		for (size_t i = 0; i < n; i++)
			lv[i] = isnan(x[i]) ? NULL : tc->levels[(int)x[i]];
		rc = woe_fit_categorical(lv, y, n, &sc->b, err);
		free(lv);
		if (rc == 0) {
			for (int l = 0; l < tc->nlevels; l++)
				sc->level_bin[l] = woe_index_categorical(&sc->b, tc->levels[l]);
			merge_small_levels(&sc->b, sc->level_bin, tc->nlevels, tp->min_share * (double)n);
		}
	} else {
		enum woe_trend trend = tc->trend ? (enum woe_trend)(tc->trend - 1) : tp->trend;
		rc = woe_fit_numeric_special(x, y, n, tc->special, (size_t)tc->nspecial, &sc->b, err) ||
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
		snprintf(out, n, "WoE correlates with %s (r = %.3f, above %g: --max-corr), whose IV"
				 " is higher", d->cols[sc->partner].name, sc->r, tp->max_corr);
		break;
	case SC_WRONG_SIGN:
		snprintf(out, n, "wrong sign: coefficient %+.4f, so points would fall as the WoE"
				 " rises; refitted without it", sc->coef);
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

static void sc_spec(struct rd_buf *b, const struct train_data *d, const struct sc_column *sc,
		    const double *w, int bias, const struct train_params *tp)
{
	double factor = score_scaling_default.pdo / M_LN2;
	spec_head(b, "scorecard");
	buf_puts(b, ",\"params\":{\"min_iv\":");
	buf_json_number(b, tp->min_iv);
	buf_puts(b, ",\"max_corr\":");
	buf_json_number(b, tp->max_corr);
	buf_printf(b, ",\"trend\":\"%s\"}", woe_trend_names[tp->trend]);
	buf_puts(b, ",\"intercept\":");
	buf_json_number(b, w[bias - 1]);
	buf_puts(b, ",\"base_points\":");
	buf_json_number(b, score_scaling_default.base_score -
				   factor * log(score_scaling_default.base_odds) - factor * w[bias - 1]);
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
		if (tc->categorical) {
			spec_levels(b, tc);
		} else {
			buf_printf(b, ",\"trend\":\"%s\"", woe_trend_names[sc[col].trend]);
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
			   d->cols[col].categorical ? "" : woe_trend_names[sc[col].trend],
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
	double *mean = rd_calloc((size_t)ncols, sizeof *mean), *sd = rd_calloc((size_t)ncols, sizeof *sd);
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
						cov += (wv[i * (size_t)ncols + (size_t)a] - mean[a]) *
						       (wv[i * (size_t)ncols + (size_t)c] - mean[c]);
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
static int fit_scorecard(const struct train_data *d, const unsigned char *use,
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
				woe_value(&sc[col].b, sc_bin_of(&d->cols[col], &sc[col],
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
			rd_err_set(err, "train: the scorecard has no feature left: %d with an IV below %g"
					" (--min-iv), %d correlated above %g (--max-corr), %d with the wrong"
					" sign", why[SC_LOW_IV], tp->min_iv, why[SC_CORRELATED], tp->max_corr,
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
			end_row(r, k, bias);
		}
		memset(w, 0, (size_t)bias * sizeof *w);
		if (fit_rows(d, use, nodes, per, bias, tp->c, w, p, err))
			goto out;
		/* A higher WoE is a safer bin: its coefficient on the log-odds of default must
		 * not be positive. The largest offender goes, and the rest are refitted. */
		for (int col = 0; col < ncols; col++)
			if (sc[col].status == SC_KEPT && w[col] > 0 && (worst < 0 || w[col] > w[worst]))
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
	/* The forest's data-dependent settings, resolved here too so that the spec records
	 * them (xgb_train resolves the same rows the same way). */
	size_t rows = 0, bads = 0;
	for (size_t i = 0; i < d->n; i++)
		if (!use || use[i]) {
			rows++;
			bads += d->y[i] == 1;
		}
	xgb_forest_resolve(&xp, rows, bads, ninputs);
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
			buf_printf(&b, ",\"num_parallel_tree\":%d,\"lambda\":0", xp.trees);
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

/* Whether the spec's "columns" has one named name (a scorecard's selection leaves some out). */
static int spec_has_column(const char *spec, const char *name)
{
	struct jsondoc_span doc = {spec, strlen(spec)}, cols, col, v;
	struct jsondoc_iter it;
	struct rd_buf b = {0};
	int found = 0;
	if (jsondoc_member(doc, "columns", &cols) || jsondoc_begin(&it, cols))
		return 0;
	while (!found && jsondoc_next(&it, NULL, &col)) {
		buf_reset(&b);
		found = jsondoc_member(col, "name", &v) == 0 && jsondoc_string(v, &b) == 0 &&
			strcmp(b.data, name) == 0;
	}
	buf_free(&b);
	return found;
}

/* The columns' labels as the spec's "labels" (model_parse), appended to its object: one
 * place for every algorithm. Nothing when no column of the model has one. */
static void spec_add_labels(const struct train_data *d, char **spec)
{
	struct rd_buf b = {0};
	for (int c = 0; c < d->ncols; c++) {
		const struct train_column *tc = &d->cols[c];
		int any = 0;
		for (int l = 0; tc->level_labels && l < tc->nlevels && !any; l++)
			any = tc->level_labels[l] != NULL;
		if ((!tc->label && !any) || !spec_has_column(*spec, tc->name))
			continue;
		buf_puts(&b, b.len ? "," : ",\"labels\":{");
		buf_json_string(&b, tc->name);
		buf_putc(&b, ':');
		if (tc->label) {
			buf_puts(&b, "{\"label\":");
			buf_json_string(&b, tc->label);
		}
		if (any) {
			buf_puts(&b, tc->label ? ",\"values\":{" : "{\"values\":{");
			for (int l = 0, k = 0; l < tc->nlevels; l++) {
				if (!tc->level_labels[l])
					continue;
				if (k++)
					buf_putc(&b, ',');
				buf_json_string(&b, tc->levels[l]);
				buf_putc(&b, ':');
				buf_json_string(&b, tc->level_labels[l]);
			}
			buf_putc(&b, '}');
		}
		buf_putc(&b, '}');
	}
	if (b.len) {
		size_t n = strlen(*spec); /* an object: it ends with '}' */
		struct rd_buf all = {0};
		buf_append(&all, *spec, n - 1);
		buf_puts(&all, b.data);
		buf_puts(&all, "}}");
		free(*spec);
		*spec = buf_steal(&all);
	}
	buf_free(&b);
}

static int fit_algo(enum model_algo algo, const struct train_data *d, const unsigned char *use,
		    const struct train_params *tp, double *p, struct train_output *out,
		    struct rd_err *err)
{
	switch (algo) {
	case MODEL_LOGIT: return fit_logit(d, use, tp, p, out, err);
	case MODEL_SCORECARD: return fit_scorecard(d, use, tp, p, out, err);
	case MODEL_XGB:
	case MODEL_RF: return fit_xgb(algo, d, use, tp, p, out, err);
	}
	rd_err_set(err, "train: unknown algorithm");
	return -1;
}

int train_fit(enum model_algo algo, const struct train_data *d, const unsigned char *use,
	      const struct train_params *tp, double *p, struct train_output *out,
	      struct rd_err *err)
{
	if (out)
		memset(out, 0, sizeof *out);
	int rc = fit_algo(algo, d, use, tp, p, out, err);
	if (rc == 0 && out && out->spec)
		spec_add_labels(d, &out->spec);
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
				   d->cols[col].categorical ? "categorical" : "numeric", sc.b.nbins);
			buf_json_number(&b, sc.b.iv);
			buf_puts(&b, ",\"iv_raw\":");
			buf_json_number(&b, sc.b.iv_raw);
			int f = feature_index(d->cols[col].name);
			const char *label = d->cols[col].label ? d->cols[col].label
					    : f >= 0	      ? feature_labels[f]
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
