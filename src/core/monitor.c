/* Monitoring: the current profiles, or the monthly snapshots, against a model's reference
 * (include/riskdesk/monitor.h). One pass over the profiles or snapshot rows (packed
 * features, score, month, outcome) and, when the reference has attribute columns, one over
 * the customers' attributes. */
#include "riskdesk/monitor.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/drift.h"
#include "riskdesk/features.h"
#include "riskdesk/profile.h"
#include "riskdesk/refdist.h"
#include "riskdesk/score.h"
#include "riskdesk/woe.h"
#include "riskdesk/vocab.h"

#define MAX_LEVELS 256 /* categorical levels tracked per column; more are lumped as new */

/* One column of the reference and its current counts. */
struct mcol {
	char name[64];
	enum monitor_kind kind;
	int feature; /* enum feature_id, or -1 for an attribute */
	/* reference */
	double ref_missing;
	int nedges;
	double edges[QUANTILE_EDGES];
	double ref_shares[QUANTILE_EDGES + 1];
	struct drift_ks ks; /* numeric: the KS statistic against the reference's quantiles */
	int nlevels;
	char **levels;     /* categorical, as the reference lists them */
	double *ref_level; /* their shares */
	/* current */
	int nbins;            /* value bins (numeric: nedges + 1; categorical: nlevels + 1 new) */
	size_t *counts;       /* [month][nbins + 1]: the last one missing */
	char new_levels[128]; /* the first unseen levels, for the report */
};

#define SCORES (SCORE_MAX - SCORE_MIN + 1)

struct month_acc {
	char month[8];
	char as_of[11];
	size_t n;
	uint32_t *bads, *goods; /* per score 300..1000, for the AUC: counting, not sorting */
	size_t nout;
};

struct mrun {
	struct mcol *cols;
	int ncols;
	struct month_acc *months;
	int nmonths;
	struct rd_strmap *rows; /* customer id -> row, when attributes are needed */
	int *row_month;         /* each such row's month */
	size_t nrows, caprows;
	int last_month;   /* the month of the previous row, or -1 */
	pthread_t worker; /* counting a batch, when counting != 0 */
	int counting;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void mcol_free(struct mcol *c)
{
	drift_ks_free(&c->ks);
	for (int l = 0; l < c->nlevels; l++)
		free(c->levels[l]);
	free(c->levels);
	free(c->ref_level);
	free(c->counts);
}

/* A refdist object into c. 0 or -1. */
static int parse_ref(const cJSON *o, enum monitor_kind kind, struct mcol *c, struct rd_err *err)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "name");
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(o, "type");
	const cJSON *missing = cJSON_GetObjectItemCaseSensitive(o, "missing");
	if (!cJSON_IsString(name) || !cJSON_IsString(type)) {
		rd_err_set(err, "drift: the reference has a column without name or type");
		return -1;
	}
	snprintf(c->name, sizeof c->name, "%s", name->valuestring);
	c->feature = kind == MON_SCORE ? -1 : feature_index(c->name);
	c->ref_missing = cJSON_IsNumber(missing) ? missing->valuedouble : 0;
	if (vocab_find(&vocab_attr_type, type->valuestring) == ATTR_CATEGORICAL &&
	    kind != MON_SCORE) {
		c->kind = MON_CATEGORICAL;
		const cJSON *lv = cJSON_GetObjectItemCaseSensitive(o, "levels"), *l;
		int n = cJSON_GetArraySize(lv);
		if (n > MAX_LEVELS)
			n = MAX_LEVELS;
		c->levels = rd_calloc((size_t)n + 1, sizeof *c->levels);
		c->ref_level = rd_calloc((size_t)n + 1, sizeof *c->ref_level);
		cJSON_ArrayForEach(l, lv)
		{
			if (c->nlevels == n)
				break;
			c->levels[c->nlevels] = rd_strdup(l->string);
			c->ref_level[c->nlevels++] = cJSON_IsNumber(l) ? l->valuedouble : 0;
		}
		/* Sorted, for lookups; shares move with their level. */
		for (int i = 1; i < c->nlevels; i++)
			for (int j = i; j > 0 && strcmp(c->levels[j - 1], c->levels[j]) > 0; j--) {
				char *t = c->levels[j];
				c->levels[j] = c->levels[j - 1];
				c->levels[j - 1] = t;
				double s = c->ref_level[j];
				c->ref_level[j] = c->ref_level[j - 1];
				c->ref_level[j - 1] = s;
			}
		c->nbins = c->nlevels + 1;
		return 0;
	}
	c->kind = kind;
	const cJSON *edges = cJSON_GetObjectItemCaseSensitive(o, "edges");
	const cJSON *shares = cJSON_GetObjectItemCaseSensitive(o, "shares");
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(o, "quantiles"), *v;
	if (!cJSON_IsArray(edges) || cJSON_GetArraySize(edges) > QUANTILE_EDGES ||
	    !cJSON_IsArray(shares)) {
		rd_err_set(err, "drift: reference column '%s' has no bins", c->name);
		return -1;
	}
	cJSON_ArrayForEach(v, edges) c->edges[c->nedges++] = v->valuedouble;
	int k = 0;
	cJSON_ArrayForEach(v, shares) if (k <= c->nedges) c->ref_shares[k++] = v->valuedouble;
	c->nbins = c->nedges + 1;
	/* The quantiles as refdist wrote them; without them (an older reference) no KS. */
	int nq = 0;
	double *qv = rd_malloc((size_t)(cJSON_GetArraySize(q) + 1) * sizeof *qv);
	cJSON_ArrayForEach(v, q) qv[nq++] = v->valuedouble;
	if (nq >= 2)
		drift_ks_init(&c->ks, qv, nq);
	free(qv);
	return 0;
}

static void pipeline_wait(struct mrun *m);

static int month_index(struct mrun *m, const char *cohort)
{
	char key[8] = "none";
	if (cohort && strlen(cohort) >= 7) {
		memcpy(key, cohort, 7);
		key[7] = '\0';
	}
	/* Most rows fall in a month seen a moment ago. */
	if (m->last_month >= 0 && strcmp(m->months[m->last_month].month, key) == 0)
		return m->last_month;
	for (int i = m->nmonths - 1; i >= 0; i--)
		if (strcmp(m->months[i].month, key) == 0)
			return m->last_month = i;
	pipeline_wait(m); /* the counts are about to move */
	int i = m->last_month = m->nmonths++;
	m->months = rd_realloc(m->months, (size_t)m->nmonths * sizeof *m->months);
	memset(&m->months[i], 0, sizeof m->months[i]);
	memcpy(m->months[i].month, key, sizeof key);
	for (int c = 0; c < m->ncols; c++) {
		struct mcol *col = &m->cols[c];
		size_t per = (size_t)col->nbins + 1;
		col->counts = rd_realloc(col->counts,
					 (size_t)m->nmonths * per * sizeof *col->counts);
		memset(col->counts + (size_t)i * per, 0, per * sizeof *col->counts);
	}
	return i;
}

/* The bin of a value: c->nbins for a missing one. */
static int numeric_bin(const struct mcol *c, double x)
{
	if (isnan(x))
		return c->nbins;
	int bin = 0;
	for (int k = 0; k < c->nedges; k++) /* at most 9: a count beats a search */
		bin += x > c->edges[k];
	return bin;
}

static void count_numeric(struct mcol *c, int month, double x)
{
	c->counts[(size_t)month * (size_t)(c->nbins + 1) + (size_t)numeric_bin(c, x)]++;
	if (!isnan(x))
		drift_ks_add(&c->ks, x);
}

/* The bin of a level (c->nlevels: one the reference never saw, noted; c->nbins: missing). */
static int level_bin(struct mcol *c, const char *level)
{
	if (!level || !*level)
		return c->nbins;
	char **hit = bsearch(&level, c->levels, (size_t)c->nlevels, sizeof(char *), cmp_str);
	if (hit)
		return (int)(hit - c->levels);
	size_t used = strlen(c->new_levels);
	if (!strstr(c->new_levels, level) && used + strlen(level) + 2 < sizeof c->new_levels)
		snprintf(c->new_levels + used, sizeof c->new_levels - used, "%s%s", used ? " " : "",
			 level);
	return c->nlevels;
}

static void count_level(struct mcol *c, int month, const char *level)
{
	c->counts[(size_t)month * (size_t)(c->nbins + 1) + (size_t)level_bin(c, level)]++;
}

/* Shares of the current rows of months [m0, m1) in the column's bins (and missing). */
static size_t shares_of(const struct mcol *c, int m0, int m1, double *cur)
{
	size_t per = (size_t)c->nbins + 1, total = 0;
	for (size_t b = 0; b < per; b++)
		cur[b] = 0;
	for (int m = m0; m < m1; m++)
		for (size_t b = 0; b < per; b++) {
			cur[b] += (double)c->counts[(size_t)m * per + b];
			total += c->counts[(size_t)m * per + b];
		}
	for (size_t b = 0; b < per; b++)
		cur[b] = total ? cur[b] / (double)total : 0;
	return total;
}

static void ref_shares(const struct mcol *c, double *ref)
{
	for (int b = 0; b < c->nbins; b++)
		ref[b] = c->kind == MON_CATEGORICAL ? (b < c->nlevels ? c->ref_level[b] : 0)
						    : c->ref_shares[b];
	ref[c->nbins] = c->ref_missing;
}

/* The PSI over months [m0, m1): the value bins, plus the missing bin when either side
 * has missing values. */
static double psi_of(const struct mcol *c, int m0, int m1, double *contrib)
{
	double ref[MAX_LEVELS + 2], cur[MAX_LEVELS + 2];
	ref_shares(c, ref);
	if (shares_of(c, m0, m1, cur) == 0)
		return NAN;
	int nb = c->nbins + (ref[c->nbins] > 0 || cur[c->nbins] > 0);
	return drift_psi(ref, cur, nb, contrib);
}

static void fmt_edge(double v, char *out, size_t n)
{
	if (isinf(v))
		snprintf(out, n, v < 0 ? "-inf" : "inf");
	else
		snprintf(out, n, "%.6g", v);
}

static void fill_column(const struct mcol *c, int nmonths, struct monitor_column *out)
{
	double ref[MAX_LEVELS + 2], cur[MAX_LEVELS + 2], contrib[MAX_LEVELS + 2] = {0};
	snprintf(out->name, sizeof out->name, "%s", c->name);
	out->kind = c->kind;
	ref_shares(c, ref);
	size_t total = shares_of(c, 0, nmonths, cur);
	out->psi = total ? drift_psi(ref, cur, c->nbins + 1, contrib) : NAN;
	out->nbins = c->nbins + 1;
	out->bins = rd_calloc((size_t)out->nbins, sizeof *out->bins);
	for (int b = 0; b < out->nbins; b++) {
		struct monitor_bin *mb = &out->bins[b];
		mb->ref = ref[b];
		mb->cur = cur[b];
		mb->contrib = contrib[b];
		if (b == c->nbins) {
			snprintf(mb->label, sizeof mb->label, "missing");
		} else if (c->kind == MON_CATEGORICAL) {
			snprintf(mb->label, sizeof mb->label, "%s",
				 b < c->nlevels ? c->levels[b] : "new");
		} else {
			char lo[20], hi[20];
			fmt_edge(b ? c->edges[b - 1] : -INFINITY, lo, sizeof lo);
			fmt_edge(b < c->nedges ? c->edges[b] : INFINITY, hi, sizeof hi);
			snprintf(mb->label, sizeof mb->label, "(%s, %s]", lo, hi);
		}
	}
	/* Both sides without missing values: the missing bin adds nothing and is dropped. */
	if (ref[c->nbins] == 0 && cur[c->nbins] == 0)
		out->nbins--;
	if (c->kind == MON_CATEGORICAL) {
		char vanished[160] = "";
		size_t used = 0;
		for (int l = 0; l < c->nlevels; l++)
			if (c->ref_level[l] > 0 && cur[l] == 0 &&
			    used + strlen(c->levels[l]) + 2 < sizeof vanished)
				used += (size_t)snprintf(vanished + used, sizeof vanished - used,
							 "%s%s", used ? " " : "", c->levels[l]);
		snprintf(out->changes, sizeof out->changes, "%s%s%s%s%s",
			 c->new_levels[0] ? "new " : "", c->new_levels,
			 c->new_levels[0] && vanished[0] ? "; " : "",
			 vanished[0] ? "vanished " : "", vanished);
		out->ks = NAN;
	} else {
		out->ks = drift_ks_value(&c->ks);
	}
}

/* The model to compare with: NAME[@VERSION], or the serving one (a trained champion for
 * all customers first, then any trained champion, then rules). Fills the report's model
 * fields and *reference (owned by the caller, NULL when it has none). 0, -1, or
 * MONITOR_NO_REFERENCE. */
static int pick_model(struct rd_store *st, const char *ref, struct monitor_report *r,
		      char **reference, struct rd_err *err)
{
	char name[112] = "";
	int version = 0;
	if (ref) {
		const char *at = strchr(ref, '@');
		size_t len = at ? (size_t)(at - ref) : strlen(ref);
		if (len == 0 || len >= sizeof name || (at && atoi(at + 1) <= 0)) {
			char echo[RD_ECHO_SIZE];
			rd_err_set(err, "drift: %s is not a model (NAME or NAME@VERSION)",
				   rd_echo(echo, ref, strlen(ref)));
			return -1;
		}
		memcpy(name, ref, len);
		version = at ? atoi(at + 1) : 0;
	}
	sqlite3_stmt *s;
	if (store_prepare(st,
			  "SELECT name, version, algo, segment, reference FROM models"
			  " WHERE (?1 = '' AND status = 'champion') OR (name = ?1 AND (?2 = 0 OR "
			  "version = ?2))"
			  " ORDER BY algo = 'rules', segment != 'all', name, version DESC LIMIT 1",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, version);
	int rc = -1;
	if (sqlite3_step(s) != SQLITE_ROW) {
		rd_err_set(err, "drift: no model '%s' (see 'models')", ref ? ref : "champion");
	} else {
		snprintf(r->model, sizeof r->model, "%s", (const char *)sqlite3_column_text(s, 0));
		r->version = sqlite3_column_int(s, 1);
		snprintf(r->algo, sizeof r->algo, "%s", (const char *)sqlite3_column_text(s, 2));
		snprintf(r->segment, sizeof r->segment, "%s",
			 (const char *)sqlite3_column_text(s, 3));
		*reference = sqlite3_column_type(s, 4) == SQLITE_NULL
				     ? NULL
				     : rd_strdup((const char *)sqlite3_column_text(s, 4));
		rc = 0;
		if (!*reference)
			rd_err_set(err,
				   strcmp(r->algo, "rules") == 0
					   ? "drift: %s@%d has no reference yet: 'drift baseline' "
					     "takes"
					     " the current profiles as one"
					   : "drift: %s@%d has no reference distributions",
				   r->model, r->version);
		if (!*reference)
			rc = MONITOR_NO_REFERENCE;
	}
	sqlite3_finalize(s);
	return rc;
}

static int load_reference(const char *json, struct mrun *m, size_t *rows, struct rd_err *err)
{
	cJSON *doc = cJSON_Parse(json);
	const cJSON *feats = cJSON_GetObjectItemCaseSensitive(doc, "features");
	const cJSON *score = cJSON_GetObjectItemCaseSensitive(doc, "score");
	const cJSON *jrows = cJSON_GetObjectItemCaseSensitive(doc, "rows"), *f;
	int rc = -1;
	if (!cJSON_IsArray(feats) || !cJSON_IsObject(score)) {
		rd_err_set(err, "drift: the reference is not readable");
		goto out;
	}
	*rows = cJSON_IsNumber(jrows) ? (size_t)jrows->valuedouble : 0;
	m->cols = rd_calloc((size_t)cJSON_GetArraySize(feats) + 1, sizeof *m->cols);
	cJSON_ArrayForEach(f, feats)
	{
		if (parse_ref(f, MON_NUMERIC, &m->cols[m->ncols++], err))
			goto out;
	}
	if (parse_ref(score, MON_SCORE, &m->cols[m->ncols++], err))
		goto out;
	rc = 0;
out:
	cJSON_Delete(doc);
	return rc;
}

/* Where the attribute columns' values are: customer_inputs when one of them is the kind
 * (vocab.h: KIND_INPUT), else customer_attributes alone (no pass over the customers). */
static const char *inputs_table(const struct mrun *m)
{
	for (int c = 0; c < m->ncols; c++)
		if (m->cols[c].feature < 0 && m->cols[c].kind != MON_SCORE &&
		    strcmp(m->cols[c].name, KIND_INPUT) == 0)
			return "customer_inputs";
	return "customer_attributes";
}

/* The attribute columns' current values, one pass over customer_attributes. */
static int read_attributes(struct rd_store *st, struct mrun *m, struct rd_err *err)
{
	struct rd_strmap *by_name = strmap_new(16);
	for (int c = 0; c < m->ncols; c++)
		if (m->cols[c].feature < 0 && m->cols[c].kind != MON_SCORE)
			strmap_put(by_name, m->cols[c].name, strlen(m->cols[c].name), c);
	sqlite3_stmt *s;
	int rc = -1;
	/* Which current customers have each attribute: absent ones count as missing. */
	unsigned char *seen = NULL;
	size_t ncust = m->nrows;
	char sql[96];
	snprintf(sql, sizeof sql, "SELECT customer_id, name, value, num FROM %s", inputs_table(m));
	if (store_prepare(st, sql, &s, err))
		goto out;
	seen = rd_calloc(ncust * (size_t)m->ncols + 1, 1);
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(s, 0);
		const char *name = (const char *)sqlite3_column_text(s, 1);
		int64_t slot = strmap_get(m->rows, id, strlen(id));
		int64_t c = strmap_get(by_name, name, strlen(name));
		if (slot < 0 || c < 0)
			continue;
		size_t row = (size_t)slot;
		int month = m->row_month[row];
		struct mcol *col = &m->cols[c];
		seen[row * (size_t)m->ncols + (size_t)c] = 1;
		if (col->kind == MON_CATEGORICAL)
			count_level(col, month, (const char *)sqlite3_column_text(s, 2));
		else
			count_numeric(col, month,
				      sqlite3_column_type(s, 3) == SQLITE_NULL
					      ? NAN
					      : sqlite3_column_double(s, 3));
	}
	if (step != SQLITE_DONE) {
		store_fail(st, err, "reading attributes");
		goto out;
	}
	/* Customers without the attribute: missing. */
	for (size_t row = 0; row < m->nrows; row++) {
		int month = m->row_month[row];
		for (int c = 0; c < m->ncols; c++) {
			struct mcol *col = &m->cols[c];
			if (col->feature >= 0 || col->kind == MON_SCORE ||
			    seen[row * (size_t)m->ncols + (size_t)c])
				continue;
			if (col->kind == MON_CATEGORICAL)
				count_level(col, month, NULL);
			else
				count_numeric(col, month, NAN);
		}
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	strmap_free(by_name);
	free(seen);
	return rc;
}

/* By month: the snapshot months in the window, oldest first, as the report's months (a
 * month without rows shows too). 0, or -1 with err, or MONITOR_NO_SNAPSHOTS with err when
 * there is none. */
static int snapshot_months(struct rd_store *st, const struct monitor_opts *o, struct mrun *m,
			   struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st,
			  "SELECT month, as_of FROM snapshot_months WHERE (?1 IS NULL OR month >= "
			  "?1)"
			  " AND (?2 IS NULL OR month <= ?2) ORDER BY month",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, o->since, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, o->until, -1, SQLITE_STATIC);
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		int i = month_index(m,
				    (const char *)sqlite3_column_text(s, 0)); /* may move months */
		struct month_acc *ma = &m->months[i];
		snprintf(ma->as_of, sizeof ma->as_of, "%s",
			 (const char *)sqlite3_column_text(s, 1));
	}
	if (step != SQLITE_DONE)
		store_fail(st, err, "reading snapshots");
	sqlite3_finalize(s);
	if (step != SQLITE_DONE)
		return -1;
	if (m->nmonths == 0) {
		rd_err_set(err, "drift: no monthly snapshots%s ('snapshot' takes them)",
			   o->since || o->until ? " in that window" : "");
		return MONITOR_NO_SNAPSHOTS;
	}
	return 0;
}

/* By month: the attribute columns' counts per snapshot month, grouped in SQL (a customer is
 * in many months, so the row map of read_attributes does not apply); a month's customers
 * without the attribute are missing. */
static int read_attributes_by_month(struct rd_store *st, const struct monitor_opts *o,
				    const struct monitor_report *r, struct mrun *m,
				    struct rd_err *err)
{
	struct rd_buf sql = {0};
	buf_printf(&sql,
		   "SELECT s.month, a.value, a.num, count(*) FROM snapshot_rows s"
		   " JOIN %s a ON a.customer_id = s.customer_id AND a.name = ?4 WHERE 1",
		   inputs_table(m));
	if (o->since)
		buf_puts(&sql, " AND s.month >= ?1");
	if (o->until)
		buf_puts(&sql, " AND s.month <= ?2");
	int ms = vocab_find(&vocab_model_segment, r->segment);
	if (vocab_model_segment_kind(ms) >= 0)
		buf_puts(&sql, " AND s.customer_id IN (SELECT id FROM customers WHERE kind = ?3)");
	else if (ms != MODEL_SEGMENT_ALL)
		buf_puts(&sql, " AND s.segment = ?3");
	buf_puts(&sql, " GROUP BY s.month, a.value");
	sqlite3_stmt *s;
	int bad = store_prepare(st, sql.data, &s, err);
	buf_free(&sql);
	if (bad)
		return -1;
	size_t *present = rd_calloc((size_t)m->nmonths + 1, sizeof *present);
	int rc = -1;
	for (int c = 0; c < m->ncols - 1; c++) {
		struct mcol *col = &m->cols[c];
		if (col->feature >= 0)
			continue;
		sqlite3_reset(s);
		sqlite3_bind_text(s, 1, o->since, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, o->until, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, r->segment, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, col->name, -1, SQLITE_STATIC);
		memset(present, 0, ((size_t)m->nmonths + 1) * sizeof *present);
		int step;
		while ((step = sqlite3_step(s)) == SQLITE_ROW) {
			int month = month_index(m, (const char *)sqlite3_column_text(s, 0));
			size_t n = (size_t)sqlite3_column_int64(s, 3);
			int bin = col->kind == MON_CATEGORICAL
					  ? level_bin(col, (const char *)sqlite3_column_text(s, 1))
					  : numeric_bin(col,
							sqlite3_column_type(s, 2) == SQLITE_NULL
								? NAN
								: sqlite3_column_double(s, 2));
			if (month >= 0 && month < m->nmonths) {
				col->counts[(size_t)month * (size_t)(col->nbins + 1) +
					    (size_t)bin] += n;
				present[month] += n;
			}
		}
		if (step != SQLITE_DONE) {
			store_fail(st, err, "reading attributes");
			goto out;
		}
		for (int i = 0; i < m->nmonths; i++)
			if (m->months[i].n > present[i])
				col->counts[(size_t)i * (size_t)(col->nbins + 1) +
					    (size_t)col->nbins] += m->months[i].n - present[i];
	}
	rc = 0;
out:
	free(present);
	sqlite3_finalize(s);
	return rc;
}

/* Profiles read but not yet counted. Counting is half the work: a worker thread counts
 * one batch while this thread reads the next from SQLite (two cores, both busy). */
#define BATCH 8192

struct batch {
	struct mrun *m;
	size_t n;
	double f[BATCH * FEAT_COUNT];
	double score[BATCH];
	int month[BATCH];
	unsigned char scored[BATCH];
};

static void count_batch(struct batch *b)
{
	int score_col = b->m->ncols - 1;
	for (int c = 0; c <= score_col; c++) {
		struct mcol *col = &b->m->cols[c];
		if (c == score_col) {
			for (size_t i = 0; i < b->n; i++)
				if (b->scored[i])
					count_numeric(col, b->month[i], b->score[i]);
		} else if (col->feature >= 0) {
			for (size_t i = 0; i < b->n; i++)
				count_numeric(col, b->month[i],
					      b->f[i * FEAT_COUNT + (size_t)col->feature]);
		}
	}
	b->n = 0;
}

static void *count_worker(void *arg)
{
	count_batch(arg);
	return NULL;
}

/* Waits for the batch being counted, if any. */
static void pipeline_wait(struct mrun *m)
{
	if (m->counting) {
		pthread_join(m->worker, NULL);
		m->counting = 0;
	}
}

/* Hands a full batch to the worker (or counts it here when no thread can start) and
 * returns the free one. */
static struct batch *pipeline_hand(struct mrun *m, struct batch *full, struct batch *other)
{
	pipeline_wait(m);
	if (pthread_create(&m->worker, NULL, count_worker, full) == 0)
		m->counting = 1;
	else
		count_batch(full);
	return other;
}

/* One pass over the profiles in the window, through their covering index in customer
 * order, merged with the outcomes in the same order; by month, over the snapshot rows in
 * (month, customer) order, the outcomes merged again for each month. */
static int read_profiles(struct rd_store *st, const struct monitor_opts *o,
			 const struct monitor_report *r, struct mrun *m, struct rd_err *err)
{
	int need_ids = 0, score_col = m->ncols - 1, rc = -1, step, ostep;
	struct batch *buf = rd_calloc(2, sizeof *buf), *b = &buf[0];
	buf[0].m = buf[1].m = m;
	for (int c = 0; c < score_col && !o->by_month; c++)
		need_ids |= m->cols[c].feature < 0;
	if (need_ids)
		m->rows = strmap_new(1024);
	sqlite3_stmt *s = NULL, *out = NULL;
	/* Only the conditions asked for (fixed texts): this runs for every profile. */
	struct rd_buf sql = {0};
	if (o->by_month) {
		buf_puts(&sql,
			 "SELECT customer_id, score, fvec, month, NULL,"
			 " model_name = ?4 AND model_version = ?5 FROM snapshot_rows WHERE 1");
		if (o->since)
			buf_puts(&sql, " AND month >= ?1");
		if (o->until)
			buf_puts(&sql, " AND month <= ?2");
	} else {
		buf_puts(&sql, "SELECT customer_id, score, fvec, cohort, NULL,"
			       " model_name = ?4 AND model_version = ?5"
			       " FROM credit_profiles INDEXED BY profiles_drift WHERE 1");
		if (o->since)
			buf_puts(&sql, " AND cohort >= ?1");
		if (o->until)
			buf_puts(&sql, " AND cohort <= ?2");
	}
	int ms = vocab_find(&vocab_model_segment, r->segment);
	if (vocab_model_segment_kind(ms) >= 0)
		buf_puts(&sql, " AND customer_id IN (SELECT id FROM customers WHERE kind = ?3)");
	else if (ms != MODEL_SEGMENT_ALL)
		buf_puts(&sql, " AND segment = ?3");
	buf_puts(&sql, o->by_month ? " ORDER BY month, customer_id" : " ORDER BY customer_id");
	int bad = store_prepare(st, sql.data, &s, err);
	buf_free(&sql);
	if (bad ||
	    store_prepare(st,
			  "SELECT customer_id, defaulted FROM outcomes INDEXED BY outcomes_label"
			  " WHERE source = 'observed' ORDER BY customer_id", /* not proxy labels */
			  &out, err))
		goto done;
	if (o->since)
		sqlite3_bind_text(s, 1, o->since, -1, SQLITE_STATIC);
	if (o->until)
		sqlite3_bind_text(s, 2, o->until, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, r->segment, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, r->model, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, r->version);
	ostep = sqlite3_step(out);
	int prev_month = -1;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(s, 0);
		int month = month_index(m, (const char *)sqlite3_column_text(s, 3));
		struct month_acc *ma = &m->months[month];
		if (o->by_month && prev_month >= 0 && month != prev_month) {
			sqlite3_reset(out); /* the next month's customers, from the first again */
			ostep = sqlite3_step(out);
		}
		prev_month = month;
		/* A row without packed features (written behind riskdesk's back) counts as
		 * missing. */
		profile_features_get(s, 2, b->f + b->n * FEAT_COUNT);
		ma->n++;
		b->month[b->n] = month;
		b->score[b->n] = sqlite3_column_double(s, 1);
		b->scored[b->n++] = (unsigned char)sqlite3_column_int(s, 5);
		if (b->n == BATCH)
			b = pipeline_hand(m, b, b == &buf[0] ? &buf[1] : &buf[0]);
		/* Both in byte order of the id: the outcome, if any, is at the cursor. */
		int cmp = -1;
		while (ostep == SQLITE_ROW &&
		       (cmp = strcmp((const char *)sqlite3_column_text(out, 0), id)) < 0)
			ostep = sqlite3_step(out);
		int score = sqlite3_column_int(s, 1);
		if (ostep == SQLITE_ROW && cmp == 0 && score >= SCORE_MIN && score <= SCORE_MAX) {
			if (!ma->bads) {
				ma->bads = rd_calloc(SCORES, sizeof *ma->bads);
				ma->goods = rd_calloc(SCORES, sizeof *ma->goods);
			}
			if (sqlite3_column_int(out, 1))
				ma->bads[score - SCORE_MIN]++;
			else
				ma->goods[score - SCORE_MIN]++;
			ma->nout++;
		}
		if (need_ids) {
			if (m->nrows == m->caprows) {
				m->caprows = m->caprows ? m->caprows * 2 : 1024;
				m->row_month = rd_realloc(m->row_month,
							  m->caprows * sizeof *m->row_month);
			}
			m->row_month[m->nrows] = month;
			strmap_put(m->rows, id, strlen(id), (int64_t)m->nrows);
			m->nrows++;
		}
	}
	if (step != SQLITE_DONE || (ostep != SQLITE_ROW && ostep != SQLITE_DONE)) {
		store_fail(st, err, "reading profiles");
		goto done;
	}
	pipeline_wait(m);
	count_batch(b);
	rc = 0;
done:
	pipeline_wait(m);
	free(buf);
	sqlite3_finalize(s);
	sqlite3_finalize(out);
	return rc;
}

/* The AUC of the score from counts per score: the chance that a defaulter scored lower
 * than a good customer, ties counting half. NaN without both. */
static double score_auc(const uint32_t *bads, const uint32_t *goods)
{
	double nb = 0, ng = 0, wins = 0;
	for (int k = 0; k < SCORES; k++) {
		/* The defaulters at this score beat the goods above it and tie the goods at it. */
		wins += (double)bads[k] * (double)goods[k] * 0.5;
		nb += bads[k];
	}
	double goods_above = 0;
	for (int k = SCORES - 1; k >= 0; k--) {
		wins += (double)bads[k] * goods_above;
		goods_above += goods[k];
	}
	ng = goods_above;
	return nb > 0 && ng > 0 ? wins / (nb * ng) : NAN;
}

static int cmp_month(const void *a, const void *b)
{
	return strcmp(((const struct month_acc *)a)->month, ((const struct month_acc *)b)->month);
}

void monitor_free(struct monitor_report *r)
{
	for (int c = 0; c < r->ncols; c++)
		free(r->cols[c].bins);
	free(r->cols);
	for (int i = 0; i < r->nmonths; i++)
		free(r->months[i].psi);
	free(r->months);
	memset(r, 0, sizeof *r);
}

static void mrun_free(struct mrun *m)
{
	for (int c = 0; c < m->ncols; c++)
		mcol_free(&m->cols[c]);
	free(m->cols);
	for (int i = 0; i < m->nmonths; i++) {
		free(m->months[i].bads);
		free(m->months[i].goods);
	}
	free(m->months);
	strmap_free(m->rows);
	free(m->row_month);
}

/* Stored counts (snapshot_counts): one snapshot month's counts for one model's reference,
 * little-endian: "RDC1", columns u32, rows u64, outcomes u64, then per score 300..1000 the
 * defaulters and the goods (u32 each) when there are outcomes, then per column its bins
 * u32 and a u64 per bin (the missing one last), and the unseen levels (u16 length, text).
 * A row that does not parse to the reference's exact shape is not used. */
#define COUNTS_MAGIC "RDC1"

static void ref_hash(const char *reference, char out[17])
{
	uint64_t h = rd_fnv1a(RD_FNV1A_SEED, reference, strlen(reference));
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static void put_le(struct rd_buf *b, uint64_t v, int bytes)
{
	unsigned char x[8];
	for (int i = 0; i < bytes; i++)
		x[i] = (unsigned char)(v >> (8 * i));
	buf_append(b, x, (size_t)bytes);
}

struct unpacker {
	const unsigned char *p;
	size_t left;
	int bad;
};

static uint64_t get_le(struct unpacker *u, int bytes)
{
	uint64_t v = 0;
	if (u->bad || u->left < (size_t)bytes) {
		u->bad = 1;
		return 0;
	}
	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)u->p[i] << (8 * i);
	u->p += bytes;
	u->left -= (size_t)bytes;
	return v;
}

static void pack_month(const struct mrun *m, int month, struct rd_buf *b)
{
	const struct month_acc *ma = &m->months[month];
	buf_append(b, COUNTS_MAGIC, 4);
	put_le(b, (uint64_t)m->ncols, 4);
	put_le(b, ma->n, 8);
	put_le(b, ma->nout, 8);
	for (int k = 0; k < SCORES && ma->bads; k++) {
		put_le(b, ma->bads[k], 4);
		put_le(b, ma->goods[k], 4);
	}
	for (int c = 0; c < m->ncols; c++) {
		const struct mcol *col = &m->cols[c];
		size_t per = (size_t)col->nbins + 1;
		put_le(b, per, 4);
		for (size_t k = 0; k < per; k++)
			put_le(b, col->counts[(size_t)month * per + k], 8);
		size_t len = strlen(col->new_levels);
		put_le(b, len, 2);
		buf_append(b, col->new_levels, len);
	}
}

/* Adds a stored month's counts into month slot `month`. 0, or -1 when the blob is not of
 * this reference's shape (nothing usable: the caller counts the rows instead). */
static int unpack_month(struct mrun *m, int month, const void *blob, size_t size)
{
	struct unpacker u = {blob, size, 0};
	struct month_acc *ma = &m->months[month];
	if (size < 4 || memcmp(blob, COUNTS_MAGIC, 4) != 0)
		return -1;
	u.p += 4;
	u.left -= 4;
	if (get_le(&u, 4) != (uint64_t)m->ncols)
		return -1;
	ma->n = (size_t)get_le(&u, 8);
	ma->nout = (size_t)get_le(&u, 8);
	if (ma->nout && !u.bad) {
		if (u.left < (size_t)SCORES * 8)
			return -1;
		ma->bads = rd_calloc(SCORES, sizeof *ma->bads);
		ma->goods = rd_calloc(SCORES, sizeof *ma->goods);
		for (int k = 0; k < SCORES; k++) {
			ma->bads[k] = (uint32_t)get_le(&u, 4);
			ma->goods[k] = (uint32_t)get_le(&u, 4);
		}
	}
	for (int c = 0; c < m->ncols && !u.bad; c++) {
		struct mcol *col = &m->cols[c];
		size_t per = (size_t)col->nbins + 1;
		if (get_le(&u, 4) != per)
			return -1;
		for (size_t k = 0; k < per; k++)
			col->counts[(size_t)month * per + k] = (size_t)get_le(&u, 8);
		size_t len = (size_t)get_le(&u, 2);
		if (u.bad || len > u.left)
			return -1;
		/* the unseen levels, as level_bin notes them */
		char level[128];
		for (size_t i = 0, start = 0; i <= len; i++)
			if (i == len || u.p[i] == ' ') {
				size_t n = i - start < sizeof level ? i - start : sizeof level - 1;
				memcpy(level, u.p + start, n);
				level[n] = '\0';
				if (n && col->kind == MON_CATEGORICAL)
					level_bin(col, level);
				start = i + 1;
			}
		u.p += len;
		u.left -= len;
	}
	return u.bad || u.left ? -1 : 0;
}

/* By month: every month of the window from snapshot_counts, when each has a row for this
 * model and reference. 1 when they all did, 0 when not (the counts are left zeroed for
 * the row pass), -1 with err. */
static int read_stored_counts(struct rd_store *st, const struct monitor_report *r, const char *hash,
			      struct mrun *m, struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st,
			  "SELECT counts FROM snapshot_counts WHERE month = ?1 AND model_name = ?2"
			  " AND model_version = ?3 AND reference_hash = ?4",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 2, r->model, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, r->version);
	sqlite3_bind_text(s, 4, hash, -1, SQLITE_STATIC);
	int all = 1;
	for (int i = 0; i < m->nmonths && all; i++) {
		sqlite3_reset(s);
		sqlite3_bind_text(s, 1, m->months[i].month, -1, SQLITE_STATIC);
		int step = sqlite3_step(s);
		if (step != SQLITE_ROW && step != SQLITE_DONE) {
			sqlite3_finalize(s);
			return store_fail(st, err, "reading snapshot counts");
		}
		all = step == SQLITE_ROW && unpack_month(m, i, sqlite3_column_blob(s, 0),
							 (size_t)sqlite3_column_bytes(s, 0)) == 0;
	}
	sqlite3_finalize(s);
	if (all)
		return 1;
	/* Back to nothing counted: the row pass counts every month. */
	for (int i = 0; i < m->nmonths; i++) {
		struct month_acc *ma = &m->months[i];
		free(ma->bads);
		free(ma->goods);
		ma->bads = ma->goods = NULL;
		ma->n = ma->nout = 0;
	}
	for (int c = 0; c < m->ncols; c++) {
		m->cols[c].new_levels[0] = '\0';
		memset(m->cols[c].counts, 0,
		       (size_t)m->nmonths * ((size_t)m->cols[c].nbins + 1) *
			       sizeof *m->cols[c].counts);
	}
	return 0;
}

/* The counts of the window's months from the snapshot rows (and attributes). */
static int count_rows(struct rd_store *st, const struct monitor_opts *o,
		      const struct monitor_report *r, struct mrun *m, struct rd_err *err)
{
	int attrs = 0;
	if (read_profiles(st, o, r, m, err))
		return -1;
	for (int c = 0; c < m->ncols - 1; c++)
		attrs |= m->cols[c].feature < 0;
	if ((m->rows && read_attributes(st, m, err)) ||
	    (o->by_month && attrs && read_attributes_by_month(st, o, r, m, err)))
		return -1;
	return 0;
}

int monitor_run(struct rd_store *st, const struct monitor_opts *o, struct monitor_report *r,
		struct rd_err *err)
{
	struct mrun m = {.last_month = -1};
	char *reference = NULL;
	memset(r, 0, sizeof *r);
	int rc = pick_model(st, o->model, r, &reference, err);
	if (rc)
		goto out; /* MONITOR_NO_REFERENCE, or -1 */
	rc = -1;
	if (load_reference(reference, &m, &r->ref_rows, err))
		goto out;
	/* By month, the columns pool all months: their KS would mean nothing and costs a
	 * quarter of the pass. */
	for (int c = 0; c < m.ncols && o->by_month; c++)
		drift_ks_free(&m.cols[c].ks); /* leaves none: drift_ks_add ignores values */
	if (o->by_month) {
		char hash[17];
		ref_hash(reference, hash);
		int stored, months = snapshot_months(st, o, &m, err);
		if (months) {
			rc = months; /* MONITOR_NO_SNAPSHOTS, or -1 */
			goto out;
		}
		if ((stored = read_stored_counts(st, r, hash, &m, err)) < 0)
			goto out;
		r->stored_counts = stored;
	}
	if (!r->stored_counts && count_rows(st, o, r, &m, err))
		goto out;
	/* Months in order: the counts are per month index, so reorder through a map. */
	int *order = rd_malloc((size_t)(m.nmonths ? m.nmonths : 1) * sizeof *order);
	struct month_acc *sorted = rd_malloc((size_t)(m.nmonths ? m.nmonths : 1) * sizeof *sorted);
	memcpy(sorted, m.months, (size_t)m.nmonths * sizeof *sorted);
	qsort(sorted, (size_t)m.nmonths, sizeof *sorted, cmp_month);
	for (int i = 0; i < m.nmonths; i++)
		for (int j = 0; j < m.nmonths; j++)
			if (strcmp(sorted[i].month, m.months[j].month) == 0)
				order[i] = j;
	free(sorted);
	r->ncols = m.ncols;
	r->cols = rd_calloc((size_t)m.ncols, sizeof *r->cols);
	for (int c = 0; c < m.ncols; c++) {
		fill_column(&m.cols[c], m.nmonths, &r->cols[c]);
		if (m.cols[c].kind != MON_SCORE) {
			r->significant += r->cols[c].psi > DRIFT_SIGNIFICANT;
			r->moderate += r->cols[c].psi >= DRIFT_MODERATE &&
				       r->cols[c].psi <= DRIFT_SIGNIFICANT;
		}
	}
	r->nmonths = m.nmonths;
	r->months = rd_calloc((size_t)(m.nmonths ? m.nmonths : 1), sizeof *r->months);
	for (int i = 0; i < m.nmonths; i++) {
		const struct month_acc *ma = &m.months[order[i]];
		struct monitor_month *mm = &r->months[i];
		memcpy(mm->month, ma->month, sizeof mm->month);
		memcpy(mm->as_of, ma->as_of, sizeof mm->as_of);
		mm->n = ma->n;
		r->cur_rows += ma->n;
		mm->outcomes = ma->nout;
		mm->score_psi = mm->auc = NAN;
		mm->psi = rd_malloc((size_t)m.ncols * sizeof *mm->psi);
		for (int c = 0; c < m.ncols; c++)
			mm->psi[c] = NAN;
		if (ma->n < MONITOR_MIN_COHORT)
			continue; /* too few for a distribution */
		for (int c = 0; c < m.ncols; c++)
			mm->psi[c] = psi_of(&m.cols[c], order[i], order[i] + 1, NULL);
		mm->score_psi = mm->psi[m.ncols - 1];
		for (int c = 0; c < m.ncols - 1; c++) {
			mm->drifted += mm->psi[c] > DRIFT_SIGNIFICANT;
			mm->moderate += mm->psi[c] >= DRIFT_MODERATE &&
					mm->psi[c] <= DRIFT_SIGNIFICANT;
		}
		if (ma->nout >= MONITOR_MIN_COHORT)
			mm->auc = score_auc(ma->bads, ma->goods);
	}
	free(order);
	rc = 0;
out:
	free(reference);
	mrun_free(&m);
	if (rc)
		monitor_free(r);
	return rc;
}

/* One model's counts of the window's snapshot months, stored. */
static int store_model_counts(struct rd_store *st, const char *model,
			      const struct monitor_opts *win, sqlite3_stmt *put, struct rd_err *err)
{
	struct monitor_opts o = {model, win->since, win->until, 1};
	struct monitor_report r = {0};
	struct mrun m = {.last_month = -1};
	char *reference = NULL, hash[17];
	struct rd_buf b = {0};
	int rc = -1;
	if (pick_model(st, o.model, &r, &reference, err) ||
	    load_reference(reference, &m, &r.ref_rows, err))
		goto out;
	for (int c = 0; c < m.ncols; c++)
		drift_ks_free(&m.cols[c].ks);
	if (snapshot_months(st, &o, &m, err) || count_rows(st, &o, &r, &m, err))
		goto out;
	ref_hash(reference, hash);
	for (int i = 0; i < m.nmonths; i++) {
		buf_reset(&b);
		pack_month(&m, i, &b);
		sqlite3_reset(put);
		sqlite3_bind_text(put, 1, m.months[i].month, -1, SQLITE_STATIC);
		sqlite3_bind_text(put, 2, r.model, -1, SQLITE_STATIC);
		sqlite3_bind_int(put, 3, r.version);
		sqlite3_bind_text(put, 4, hash, -1, SQLITE_STATIC);
		sqlite3_bind_blob(put, 5, b.data, (int)b.len, SQLITE_STATIC);
		if (sqlite3_step(put) != SQLITE_DONE) {
			store_fail(st, err, "storing snapshot counts");
			goto out;
		}
	}
	rc = 0;
out:
	sqlite3_reset(put);
	buf_free(&b);
	free(reference);
	mrun_free(&m);
	return rc;
}

int monitor_store_counts(struct rd_store *st, const char *since, const char *until,
			 struct rd_err *err)
{
	struct monitor_opts win = {NULL, since, until, 1};
	sqlite3_stmt *del = NULL, *models = NULL, *put = NULL;
	int rc = -1, step;
	if (store_prepare(st, "DELETE FROM snapshot_counts WHERE month BETWEEN ?1 AND ?2", &del,
			  err) ||
	    store_prepare(st,
			  "SELECT name || '@' || version FROM models WHERE status = 'champion'"
			  " AND reference IS NOT NULL ORDER BY name, version",
			  &models, err) ||
	    store_prepare(st,
			  "INSERT OR REPLACE INTO snapshot_counts(month, model_name, model_version,"
			  " reference_hash, counts) VALUES (?1, ?2, ?3, ?4, ?5)",
			  &put, err))
		goto out;
	sqlite3_bind_text(del, 1, since, -1, SQLITE_STATIC);
	sqlite3_bind_text(del, 2, until, -1, SQLITE_STATIC);
	if (sqlite3_step(del) != SQLITE_DONE) {
		store_fail(st, err, "storing snapshot counts");
		goto out;
	}
	while ((step = sqlite3_step(models)) == SQLITE_ROW)
		if (store_model_counts(st, (const char *)sqlite3_column_text(models, 0), &win, put,
				       err))
			goto out;
	if (step != SQLITE_DONE) {
		store_fail(st, err, "storing snapshot counts");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(del);
	sqlite3_finalize(models);
	sqlite3_finalize(put);
	return rc;
}

int monitor_needs_baseline(struct rd_store *st)
{
	return store_int(st,
			 "SELECT reference IS NULL FROM models WHERE name = 'rules' AND algo = "
			 "'rules'"
			 " AND status = 'champion' ORDER BY version DESC LIMIT 1",
			 0) == 1;
}

/* One attribute of the current profiles' customers, appended to b as a reference. */
static int baseline_attribute(struct rd_store *st, const char *name, int categorical,
			      size_t nprofiles, struct rd_buf *b, struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st,
			  categorical
				  ? "SELECT a.value, count(*) FROM customer_attributes a JOIN "
				    "credit_profiles p"
				    " ON p.customer_id = a.customer_id WHERE a.name = ?1 AND "
				    "a.value != ''"
				    " GROUP BY a.value ORDER BY a.value"
				  : "SELECT a.num FROM customer_attributes a JOIN credit_profiles p"
				    " ON p.customer_id = a.customer_id WHERE a.name = ?1 AND a.num "
				    "IS NOT NULL",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	size_t n = 0, cap = 0;
	double *v = NULL;
	char **levels = NULL;
	size_t *counts = NULL;
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			if (categorical) {
				levels = rd_realloc(levels, cap * sizeof *levels);
				counts = rd_realloc(counts, cap * sizeof *counts);
			} else {
				v = rd_realloc(v, cap * sizeof *v);
			}
		}
		if (categorical) {
			levels[n] = rd_strdup((const char *)sqlite3_column_text(s, 0));
			counts[n] = (size_t)sqlite3_column_int64(s, 1);
		} else {
			v[n] = sqlite3_column_double(s, 0);
		}
		n++;
	}
	sqlite3_finalize(s);
	if (categorical) {
		size_t present = 0;
		for (size_t i = 0; i < n; i++)
			present += counts[i];
		refdist_categorical(b, name, levels, counts, (int)n,
				    nprofiles > present ? nprofiles - present : 0);
		for (size_t i = 0; i < n; i++)
			free(levels[i]);
	} else {
		/* Profiles without the attribute are missing values. */
		v = rd_realloc(v, (nprofiles > n ? nprofiles : n) * sizeof *v + sizeof *v);
		for (size_t i = n; i < nprofiles; i++)
			v[i] = NAN;
		refdist_numeric(b, name, v, nprofiles > n ? nprofiles : n);
	}
	free(levels);
	free(counts);
	free(v);
	return 0;
}

int monitor_baseline(struct rd_store *st, size_t *rows, struct rd_err *err)
{
	sqlite3_stmt *s = NULL;
	size_t n = 0, cap = 0, nscore = 0;
	double *f = NULL, *score = NULL;
	int rc = -1;
	/* The score's reference: the profiles the rules model scored. */
	if (store_prepare(st, "SELECT fvec, score, model_name = 'rules' FROM credit_profiles", &s,
			  err))
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			f = rd_realloc(f, cap * FEAT_COUNT * sizeof *f);
			score = rd_realloc(score, cap * sizeof *score);
		}
		double *row = f + n * FEAT_COUNT;
		profile_features_get(s, 0, row);
		if (sqlite3_column_int(s, 2))
			score[nscore++] = sqlite3_column_double(s, 1);
		n++;
	}
	sqlite3_finalize(s);
	s = NULL;
	if (n == 0) {
		rd_err_set(err, "drift baseline: no profiles yet ('recompute all' first)");
		goto out;
	}
	struct rd_buf b = {0};
	double *col = rd_malloc(n * sizeof *col);
	buf_printf(&b, "{\"rows\":%zu,\"features\":[", n);
	for (int k = 0; k < FEAT_COUNT; k++) {
		for (size_t i = 0; i < n; i++)
			col[i] = f[i * FEAT_COUNT + (size_t)k];
		if (k)
			buf_putc(&b, ',');
		refdist_numeric(&b, feature_names[k], col, n);
	}
	free(col);
	if (store_prepare(st, "SELECT name, type = 'categorical' FROM attributes ORDER BY rowid",
			  &s, err))
		goto fail;
	while (sqlite3_step(s) == SQLITE_ROW) {
		buf_putc(&b, ',');
		if (baseline_attribute(st, (const char *)sqlite3_column_text(s, 0),
				       sqlite3_column_int(s, 1), n, &b, err))
			goto fail;
	}
	sqlite3_finalize(s);
	s = NULL;
	buf_puts(&b, "],\"score\":");
	refdist_numeric(&b, "score", score, nscore);
	buf_putc(&b, '}');
	if (store_prepare(st,
			  "UPDATE models SET reference = ?1 WHERE rowid = (SELECT rowid FROM models"
			  " WHERE name = 'rules' AND algo = 'rules' AND status = 'champion'"
			  " ORDER BY version DESC LIMIT 1)",
			  &s, err))
		goto fail;
	sqlite3_bind_text(s, 1, b.data, (int)b.len, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_fail(st, err, "drift baseline");
		goto fail;
	}
	*rows = n;
	rc = 0;
fail:
	buf_free(&b);
out:
	sqlite3_finalize(s);
	free(f);
	free(score);
	return rc;
}
