/* Training data (train.h): the rows (customers with an outcome, in load order) and their
 * columns (behavioural features and attributes, with the labels and special codes the
 * mappings gave them), the column settings of train --special and --trend, the folds
 * (stratified by label and id hash, or from a dataset's folds.csv), the reference
 * distributions a model keeps for drift, and the rows a fit keeps. */
#include "riskdesk/train.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/engine.h"
#include "riskdesk/featscan.h"
#include "riskdesk/refdist.h"
#include "riskdesk/vocab.h"
#include "train_internal.h"

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
	free(d->kind);
	memset(d, 0, sizeof *d);
}

struct scan_fill {
	struct train_data *d;
	struct rd_strmap *rows; /* id -> row */
};

static int fill_features(void *ud, const char *id, const double *v, const struct feature_times *t)
{
	struct scan_fill *f = ud;
	(void)t;
	int64_t row = strmap_get(f->rows, id, strlen(id));
	if (row >= 0) {
		for (int k = 0; k < FEAT_COUNT; k++)
			f->d->x[(size_t)row * (size_t)f->d->ncols + (size_t)k] = v[k];
		f->d->is_new[row] = engine_segment_of(v) == SEGMENT_NEW;
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
		for (char *tok = strtok_r(copy, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
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
				x[i * (size_t)m + (size_t)j] =
					d->x[i * (size_t)d->ncols + (size_t)c];
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

int train_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, z = *(const double *)b;
	return (x > z) - (x < z);
}

/* Sorts a column's special codes and drops repeats. */
static void codes_tidy(struct train_column *tc)
{
	int m = 0;
	qsort(tc->special, (size_t)tc->nspecial, sizeof *tc->special, train_cmp_double);
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
			rd_err_set(err,
				   "train: attribute %s has a name of %zu bytes; a model's columns"
				   " have at most %d (their reason codes hold the name whole): "
				   "rename it"
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
			col->level_labels = rd_calloc((size_t)col->nlevels,
						      sizeof *col->level_labels);
		free(col->level_labels[l]);
		col->level_labels[l] = rd_strdup(label);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "reading attribute labels");
	return 0;
}

/* Whether the comma-separated list names column name. */
static int list_names(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

/* The kind column (KIND_INPUT) at c: a categorical whose levels are the kinds customers
 * have, each row's from d->kind. */
static int kind_column(struct rd_store *st, struct train_data *d, int c, struct rd_err *err)
{
	struct train_column *col = &d->cols[c];
	sqlite3_stmt *s;
	col->name = rd_strdup(KIND_INPUT);
	col->categorical = 1;
	if (store_prepare(st, "SELECT DISTINCT kind FROM customers", &s, err))
		return -1;
	col->levels = rd_calloc(KINDS, sizeof *col->levels);
	while (sqlite3_step(s) == SQLITE_ROW && col->nlevels < KINDS)
		col->levels[col->nlevels++] = rd_strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	qsort(col->levels, (size_t)col->nlevels, sizeof(char *), cmp_str);
	for (size_t i = 0; i < d->n; i++) {
		int l = level_of(col, vocab_name(&vocab_kind, d->kind[i]));
		d->x[i * (size_t)d->ncols + (size_t)c] = l < 0 ? NAN : l;
	}
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
			  "SELECT c.id, o.defaulted, c.kind FROM customers c JOIN outcomes o"
			  " ON o.customer_id = c.id ORDER BY c.rowid",
			  &s, err))
		goto out;
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (d->n == cap) {
			cap = cap ? cap * 2 : 1024;
			d->ids = rd_realloc(d->ids, cap * sizeof *d->ids);
			d->y = rd_realloc(d->y, cap * sizeof *d->y);
			d->kind = rd_realloc(d->kind, cap * sizeof *d->kind);
		}
		const char *id = (const char *)sqlite3_column_text(s, 0);
		int kind = vocab_find(&vocab_kind, (const char *)sqlite3_column_text(s, 2));
		d->ids[d->n] = rd_strdup(id);
		d->y[d->n] = sqlite3_column_int(s, 1) != 0;
		d->kind[d->n] = (unsigned char)(kind < 0 ? KIND_INDIVIDUAL : kind);
		strmap_put(rows, id, strlen(id), (int64_t)d->n);
		d->n++;
	}
	sqlite3_finalize(s);
	s = NULL;
	if (d->n < 20) {
		rd_err_set(err, "train: %zu customers have an outcome; at least 20 are needed",
			   d->n);
		goto out;
	}
	/* Columns: the built-in features, then the attributes in definition order, then the
	 * kind when asked for (and no attribute has its name). */
	nattr = (int)store_int(st, "SELECT count(*) FROM attributes", 0);
	int kind_col = only_features && list_names(only_features, KIND_INPUT) &&
				       store_int(st,
						 "SELECT count(*) FROM attributes WHERE name = "
						 "'" KIND_INPUT "'",
						 0) == 0
			       ? FEAT_COUNT + nattr
			       : -1;
	d->ncols = FEAT_COUNT + nattr + (kind_col >= 0);
	d->cols = rd_calloc((size_t)d->ncols, sizeof *d->cols);
	for (int k = 0; k < FEAT_COUNT; k++)
		d->cols[k].name = rd_strdup(feature_names[k]);
	if (store_prepare(st, "SELECT name, type, special FROM attributes ORDER BY rowid", &s, err))
		goto out;
	for (int a = 0; sqlite3_step(s) == SQLITE_ROW && a < nattr; a++) {
		const char *name = (const char *)sqlite3_column_text(s, 0);
		d->cols[FEAT_COUNT + a].name = rd_strdup(name);
		d->cols[FEAT_COUNT + a].categorical =
			vocab_find(&vocab_attr_type, (const char *)sqlite3_column_text(s, 1)) ==
			ATTR_CATEGORICAL;
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
	struct feature_scan scan = {.as_of_day = as_of_day,
				    .only = rows,
				    .visit = fill_features,
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
							       (size_t)lcap *
								       sizeof *d->cols[c].levels);
			}
			d->cols[c].levels[d->cols[c].nlevels++] = rd_strdup(
				(const char *)sqlite3_column_text(s, 0));
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
			char **hit = bsearch(&key, col->levels, (size_t)col->nlevels,
					     sizeof(char *), cmp_str);
			*cell = hit ? (double)(hit - col->levels) : NAN;
		} else if (sqlite3_column_type(s, 3) != SQLITE_NULL) {
			*cell = sqlite3_column_double(s, 3);
		}
	}
	sqlite3_finalize(s);
	s = NULL;
	if ((kind_col >= 0 && kind_column(st, d, kind_col, err)) ||
	    select_columns(d, only_features, err) || column_names_fit(d, err) ||
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
			rd_err_set(err, "%s:%ld: expected 'row,fold' with row < %zu", path, lineno,
				   d->n);
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

static struct train_column *numeric_column(struct train_data *d, const char *name, const char *what,
					   struct rd_err *err)
{
	char e[RD_ECHO_SIZE];
	for (int c = 0; c < d->ncols; c++) {
		if (strcmp(d->cols[c].name, name) != 0)
			continue;
		if (d->cols[c].categorical) {
			rd_err_set(err,
				   "train: %s: %s is categorical (each level has its own bin"
				   " already)",
				   what, rd_echo(e, name, strlen(name)));
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

int train_column_bins(struct train_data *d, const struct rd_bins *b, struct rd_err *err)
{
	char e[RD_ECHO_SIZE];
	for (size_t k = 0; k < b->n; k++) {
		const struct bins_feature *f = &b->f[k];
		struct train_column *tc = NULL;
		for (int c = 0; c < d->ncols && !tc; c++)
			if (strcmp(d->cols[c].name, f->name) == 0)
				tc = &d->cols[c];
		bins_name_echo(e, f->name);
		if (!tc) {
			rd_err_set(err,
				   "%s: %s: no such feature among the training columns (a constant"
				   " one is dropped; --features limits them)",
				   b->file, e);
			return -1;
		}
		if (tc->categorical != f->categorical) {
			rd_err_set(err, "%s: %s: a %s feature takes %s, not %s", b->file, e,
				   tc->categorical ? "categorical" : "numeric",
				   tc->categorical ? "groups (lists of its levels)"
						   : "edges (the bins' upper edges)",
				   tc->categorical ? "edges" : "groups");
			return -1;
		}
		if (tc->trend) {
			rd_err_set(err,
				   "%s: %s: its bins are set by hand, so --trend %s=... does not"
				   " apply",
				   b->file, e, e);
			return -1;
		}
		for (int l = 0; l < tc->nlevels; l++) {
			if (bins_group_of(f, tc->levels[l]) < 0) {
				char le[RD_ECHO_SIZE];
				rd_err_set(err,
					   "%s: %s.groups: level %s is in no group (every level of"
					   " the training data must be in one)",
					   b->file, e,
					   rd_echo(le, tc->levels[l], strlen(tc->levels[l])));
				return -1;
			}
		}
		tc->bins = f;
	}
	return 0;
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
			size_t *counts = rd_calloc((size_t)tc->nlevels + 1, sizeof *counts),
			       missing = 0;
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
		if (d->kind)
			d->kind[m] = d->kind[i];
		m++;
	}
	d->n = m;
}
