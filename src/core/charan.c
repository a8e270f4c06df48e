/* Characteristic analysis of a scorecard (include/riskdesk/charan.h). One pass over the
 * current rows in customer order, merged with the customers' attributes in the same order
 * (both keyed by customer id), each row's values binned by the scoring code. */
#include "riskdesk/charan.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/features.h"
#include "riskdesk/profile.h"
#include "riskdesk/model.h"
#include "riskdesk/vocab.h"

/* s into out (n bytes), cut at a UTF-8 character boundary with "..." when it is longer. */
static void label_copy(char *out, size_t n, const char *s)
{
	size_t len = strlen(s);
	if (len < n) {
		memcpy(out, s, len + 1);
		return;
	}
	size_t keep = utf8_cut(s, len, n - 4);
	memcpy(out, s, keep);
	memcpy(out + keep, "...", 4);
}

/* Bin b of column col as `model NAME` labels it: "(-inf, 9]", "A11,A12", "missing",
 * "special -1". */
static void bin_label(const struct model_column *col, int b, char *out, size_t n)
{
	const struct model_bin *bin = &col->bins[b];
	if (bin->missing) {
		snprintf(out, n, "missing");
		return;
	}
	for (int k = 0; k < col->nspecial; k++)
		if (col->special_bin[k] == b) {
			snprintf(out, n, "special %.15g", col->special[k]);
			return;
		}
	if (col->categorical) {
		struct rd_buf t = {0};
		for (int l = 0; l < col->nlevels && t.len < n; l++) {
			if (col->level_bin[l] != b)
				continue;
			if (t.len)
				buf_putc(&t, ',');
			buf_puts(&t, col->levels[l]);
		}
		label_copy(out, n, t.data ? t.data : "");
		buf_free(&t);
		return;
	}
	double lo = -INFINITY;
	for (int j = 0; j < col->nedges; j++)
		if (col->edge_bin[j] == b) {
			lo = j ? col->bins[col->edge_bin[j - 1]].hi : -INFINITY;
			break;
		}
	char a[32], z[32];
	if (isinf(lo))
		snprintf(a, sizeof a, "-inf");
	else
		snprintf(a, sizeof a, "%.6g", lo);
	if (isinf(bin->hi))
		snprintf(z, sizeof z, "inf");
	else
		snprintf(z, sizeof z, "%.6g", bin->hi);
	snprintf(out, n, "(%s, %s]", a, z);
}

/* The model's algorithm, segment and parsed specification. 0 (*m NULL and r->note set
 * when it is no scorecard) or -1. */
static int read_model(struct rd_store *st, const struct charan_opts *o, struct charan_report *r,
		      struct rd_model **m, struct rd_err *err)
{
	sqlite3_stmt *s;
	*m = NULL;
	if (store_prepare(st,
			  "SELECT algo, segment, spec FROM models WHERE name = ?1 AND version = ?2",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, o->model, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, o->version);
	int rc = -1, step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		const char *algo = (const char *)sqlite3_column_text(s, 0);
		snprintf(r->segment, sizeof r->segment, "%s",
			 (const char *)sqlite3_column_text(s, 1));
		rc = 0;
		if (strcmp(algo, "scorecard") != 0) {
			snprintf(r->note, sizeof r->note,
				 "characteristic analysis is for scorecards: %s@%d is a %s model",
				 r->model, r->version, algo);
		} else if (!(*m = model_parse((const char *)sqlite3_column_text(s, 2), err))) {
			rc = -1;
		}
	} else if (step == SQLITE_DONE) {
		rd_err_set(err, "no model %s@%d", o->model, o->version);
	} else {
		store_fail(st, err, "reading the model");
	}
	sqlite3_finalize(s);
	return rc;
}

/* The current rows, in customer order: the snapshot month's or the profiles'. */
static int rows_stmt(struct rd_store *st, const struct charan_opts *o, const char *segment,
		     sqlite3_stmt **s, struct rd_err *err)
{
	struct rd_buf sql = {0};
	if (o->month) {
		buf_puts(&sql, "SELECT customer_id, fvec FROM snapshot_rows WHERE month = ?1");
	} else {
		buf_puts(&sql,
			 "SELECT customer_id, fvec FROM credit_profiles INDEXED BY profiles_drift"
			 " WHERE 1");
		if (o->since)
			buf_puts(&sql, " AND cohort >= ?2");
		if (o->until)
			buf_puts(&sql, " AND cohort <= ?3");
	}
	int ms = vocab_find(&vocab_model_segment, segment);
	if (vocab_model_segment_kind(ms) >= 0)
		buf_puts(&sql, " AND customer_id IN (SELECT id FROM customers WHERE kind = ?4)");
	else if (ms != MODEL_SEGMENT_ALL)
		buf_puts(&sql, " AND segment = ?4");
	buf_puts(&sql, " ORDER BY customer_id");
	int rc = store_prepare(st, sql.data, s, err);
	buf_free(&sql);
	if (rc)
		return -1;
	sqlite3_bind_text(*s, 1, o->month, -1, SQLITE_STATIC);
	sqlite3_bind_text(*s, 2, o->since, -1, SQLITE_STATIC);
	sqlite3_bind_text(*s, 3, o->until, -1, SQLITE_STATIC);
	sqlite3_bind_text(*s, 4, segment, -1, SQLITE_STATIC);
	return 0;
}

static int by_total(const void *a, const void *b)
{
	const struct charan_column *x = a, *y = b;
	double ax = fabs(x->total), ay = fabs(y->total);
	if (ax != ay)
		return ax < ay ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* Counts per column and bin into the report: shares, shifts, totals, the means. */
static void fill(const struct rd_model *m, size_t *const *counts, size_t n, double score_sum,
		 struct charan_report *r)
{
	r->ncols = m->ncols;
	r->cols = rd_calloc((size_t)m->ncols, sizeof *r->cols);
	r->cur_rows = n;
	r->ref_score = r->cur_score = m->base_points;
	for (int c = 0; c < m->ncols; c++) {
		const struct model_column *col = &m->cols[c];
		struct charan_column *cc = &r->cols[c];
		snprintf(cc->name, sizeof cc->name, "%s", col->name);
		double ref_n = 0;
		for (int b = 0; b < col->nbins; b++)
			ref_n += col->bins[b].count;
		if (c == 0)
			r->ref_rows = ref_n;
		int unbinned = counts[c][col->nbins] > 0;
		cc->nbins = col->nbins + unbinned;
		cc->bins = rd_calloc((size_t)cc->nbins, sizeof *cc->bins);
		for (int b = 0; b < cc->nbins; b++) {
			struct charan_bin *cb = &cc->bins[b];
			if (b < col->nbins) {
				bin_label(col, b, cb->label, sizeof cb->label);
				cb->ref = ref_n > 0 ? col->bins[b].count / ref_n : 0;
				cb->points = col->bins[b].points;
			} else {
				snprintf(cb->label, sizeof cb->label, "no bin");
			}
			cb->cur = (double)counts[c][b] / (double)n;
			cb->shift = (cb->cur - cb->ref) * cb->points;
			cc->total += cb->shift;
			r->ref_score += cb->ref * cb->points;
		}
		r->shift += cc->total;
	}
	r->cur_score = score_sum / (double)n;
	qsort(r->cols, (size_t)r->ncols, sizeof *r->cols, by_total);
}

int charan_run(struct rd_store *st, const struct charan_opts *o, struct charan_report *r,
	       struct rd_err *err)
{
	struct rd_model *m = NULL;
	sqlite3_stmt *rows = NULL, *attrs = NULL;
	struct rd_strmap *attr_col = NULL;
	size_t **counts = NULL, n = 0;
	double *x = NULL, f[FEAT_COUNT], score_sum = 0;
	int rc = -1, step, astep = SQLITE_DONE;
	memset(r, 0, sizeof *r);
	snprintf(r->model, sizeof r->model, "%s", o->model);
	r->version = o->version;
	if (o->month)
		snprintf(r->month, sizeof r->month, "%s", o->month);
	if (read_model(st, o, r, &m, err))
		goto out;
	if (!m) {
		rc = 0; /* r->note says why */
		goto out;
	}
	for (int c = 0; c < m->ncols; c++)
		for (int b = 0; b < m->cols[c].nbins; b++)
			if (isnan(m->cols[c].bins[b].count)) {
				snprintf(r->note, sizeof r->note,
					 "%s@%d's bins hold no training counts (goods and bads): "
					 "there is"
					 " no reference population to compare with",
					 r->model, r->version);
				rc = 0;
				goto out;
			}
	/* The attribute columns by name; their values come from the merge below. */
	attr_col = strmap_new(16);
	int nattr = 0, takes_kind = 0;
	for (int c = 0; c < m->ncols; c++)
		if (m->cols[c].feature < 0) {
			strmap_put(attr_col, m->cols[c].name, strlen(m->cols[c].name), c);
			nattr++;
			takes_kind |= strcmp(m->cols[c].name, KIND_INPUT) == 0;
		}
	/* The kind comes from customers (customer_inputs) only for a model that takes it. */
	if (rows_stmt(st, o, r->segment, &rows, err) ||
	    (nattr && store_prepare(st,
				    takes_kind ? "SELECT customer_id, name, value, num FROM"
						 " customer_inputs ORDER BY customer_id"
					       : "SELECT customer_id, name, value, num FROM"
						 " customer_attributes ORDER BY customer_id",
				    &attrs, err)))
		goto out;
	counts = rd_calloc((size_t)m->ncols, sizeof *counts);
	for (int c = 0; c < m->ncols; c++)
		counts[c] = rd_calloc((size_t)m->cols[c].nbins + 1, sizeof **counts);
	x = rd_malloc((size_t)m->ncols * sizeof *x);
	if (attrs)
		astep = sqlite3_step(attrs);
	while ((step = sqlite3_step(rows)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(rows, 0);
		profile_features_get(rows, 1, f); /* a snapshot row's fvec reads the same */
		for (int c = 0; c < m->ncols; c++)
			x[c] = m->cols[c].feature >= 0 ? f[m->cols[c].feature] : NAN;
		/* Both in byte order of the id: this customer's attributes are at the cursor.
		 * Read as the engine reads them: a categorical by its text (empty: missing; a
		 * level the model never saw: no level), a numeric by its number. */
		int cmp = -1;
		while (astep == SQLITE_ROW &&
		       (cmp = strcmp((const char *)sqlite3_column_text(attrs, 0), id)) <= 0) {
			if (cmp == 0) {
				const char *name = (const char *)sqlite3_column_text(attrs, 1);
				int64_t c = strmap_get(attr_col, name, strlen(name));
				if (c >= 0 && m->cols[c].categorical) {
					const char *v = (const char *)sqlite3_column_text(attrs, 2);
					int l = v && *v ? model_level(m, (int)c, v) : -1;
					x[c] = l < 0 ? NAN : l;
				} else if (c >= 0 && sqlite3_column_type(attrs, 3) != SQLITE_NULL) {
					x[c] = sqlite3_column_double(attrs, 3);
				}
			}
			astep = sqlite3_step(attrs);
		}
		double score = m->base_points;
		for (int c = 0; c < m->ncols; c++) {
			int b = model_scorecard_bin(&m->cols[c], x[c]);
			counts[c][b < 0 ? m->cols[c].nbins : b]++;
			score += b < 0 ? 0 : m->cols[c].bins[b].points;
		}
		score_sum += score;
		n++;
	}
	if (step != SQLITE_DONE || (astep != SQLITE_ROW && astep != SQLITE_DONE)) {
		store_fail(st, err, "reading the current population");
		goto out;
	}
	if (n == 0) {
		if (o->month)
			snprintf(r->note, sizeof r->note,
				 "snapshot month %s has no rows of segment %s", o->month,
				 r->segment);
		else
			snprintf(r->note, sizeof r->note, "no current profiles%s of segment %s",
				 o->since || o->until ? " in that window" : "", r->segment);
	} else {
		fill(m, counts, n, score_sum, r);
	}
	rc = 0;
out:
	for (int c = 0; counts && c < m->ncols; c++)
		free(counts[c]);
	free(counts);
	free(x);
	sqlite3_finalize(rows);
	sqlite3_finalize(attrs);
	strmap_free(attr_col);
	model_free(m);
	if (rc)
		charan_free(r);
	return rc;
}

void charan_free(struct charan_report *r)
{
	for (int c = 0; c < r->ncols; c++)
		free(r->cols[c].bins);
	free(r->cols);
	r->cols = NULL;
	r->ncols = 0;
}

const struct charan_column *charan_column(const struct charan_report *r, const char *name)
{
	for (int c = 0; c < r->ncols; c++)
		if (strcmp(r->cols[c].name, name) == 0)
			return &r->cols[c];
	return NULL;
}
