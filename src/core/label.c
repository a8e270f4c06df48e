/* Proxy labels from recency, frequency and monetary value (include/riskdesk/label.h). */
#include "riskdesk/label.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/featscan.h"
#include "riskdesk/journal.h"
#include "riskdesk/sink.h"

/* Recency, frequency, monetary value: which features, and in which column. */
enum { RFM_R, RFM_F, RFM_M, RFM };
static const int rfm_feature[RFM] = {FEAT_RECENCY_DAYS, FEAT_ORDERS_TOTAL, FEAT_TOTAL_SPEND};
/* Engagement rises with frequency and monetary value and falls with recency. */
static const double rfm_sign[RFM] = {-1, 1, 1};

/* The customers to label, in rowid order, and their raw R, F, M. */
struct rfm_rows {
	char **ids;  /* owned */
	double *raw; /* n × RFM; owned */
	size_t n, cap;
};

static void rfm_rows_free(struct rfm_rows *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->ids[i]);
	free(r->ids);
	free(r->raw);
	memset(r, 0, sizeof *r);
}

struct scan_ud {
	const struct rd_job *job;
	struct rfm_rows *rows;
};

static int visit(void *ud, const char *id, const double *v, const struct feature_times *t)
{
	struct rfm_rows *r = ((struct scan_ud *)ud)->rows;
	(void)t;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 1024;
		r->ids = rd_realloc(r->ids, r->cap * sizeof *r->ids);
		r->raw = rd_realloc(r->raw, r->cap * RFM * sizeof *r->raw);
	}
	r->ids[r->n] = rd_strdup(id);
	for (int j = 0; j < RFM; j++)
		r->raw[r->n * RFM + (size_t)j] = v[rfm_feature[j]];
	r->n++;
	return 0;
}

static void on_progress(void *ud, const char *phase, int64_t done, int64_t total)
{
	sink_progress(((struct scan_ud *)ud)->job->out, phase, done, total);
}

/* The customers without an observed outcome, when some have one (else NULL: everyone). */
static int unlabelled(struct rd_store *st, size_t observed, struct rd_strmap **only,
		      struct rd_err *err)
{
	*only = NULL;
	if (observed == 0)
		return 0;
	sqlite3_stmt *s;
	if (store_prepare(st,
			  "SELECT c.id FROM customers c WHERE NOT EXISTS (SELECT 1 FROM outcomes o"
			  " WHERE o.customer_id = c.id AND o.source = 'observed')",
			  &s, err))
		return -1;
	*only = strmap_new(1024);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		strmap_put(*only, (const char *)sqlite3_column_text(s, 0),
			   (size_t)sqlite3_column_bytes(s, 0), 1);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "label proxy");
	return 0;
}

/* z = (ln(1 + max(x, 0)) − mean) / sd per column, population sd; a constant column is 0.
 * 0, or -1 when every column is constant. */
static int standardise(const double *raw, size_t n, double *z, double mean[RFM], double sd[RFM])
{
	int varying = 0;
	for (int j = 0; j < RFM; j++) {
		double s = 0, ss = 0;
		for (size_t i = 0; i < n; i++) {
			double v = log1p(fmax(raw[i * RFM + (size_t)j], 0));
			z[i * RFM + (size_t)j] = v;
			s += v;
		}
		mean[j] = s / (double)n;
		for (size_t i = 0; i < n; i++) {
			double d = z[i * RFM + (size_t)j] - mean[j];
			ss += d * d;
		}
		sd[j] = sqrt(ss / (double)n);
		varying |= sd[j] > 0;
		for (size_t i = 0; i < n; i++)
			z[i * RFM + (size_t)j] = sd[j] > 0 ? (z[i * RFM + (size_t)j] - mean[j]) /
								     sd[j]
							   : 0;
	}
	return varying ? 0 : -1;
}

static double engagement(const double *z)
{
	double e = 0;
	for (int j = 0; j < RFM; j++)
		e += rfm_sign[j] * z[j];
	return e / RFM;
}

struct member {
	double e; /* the customer's engagement */
	size_t i; /* row */
};

static int cmp_member(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	if (x->e != y->e)
		return x->e < y->e ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Clusters in engagement order: order[r] is the k-means cluster of rank r (0 = least
 * engaged; ties to the lower cluster number). */
static void rank_clusters(const struct kmeans_result *km, int *order, double *eng)
{
	for (int q = 0; q < km->k; q++) {
		eng[q] = engagement(km->centroids + (size_t)q * RFM);
		order[q] = q;
	}
	for (int a = 1; a < km->k; a++) /* insertion sort: k ≤ 20 */
		for (int b = a; b > 0 && eng[order[b]] < eng[order[b - 1]]; b--) {
			int t = order[b];
			order[b] = order[b - 1];
			order[b - 1] = t;
		}
}

/* bad[i] for every row: the least engaged cluster, or (bad_share) whole clusters from the
 * least engaged while they fit in round(P·n), then the least engaged customers of the
 * next one. 0, or -1 when the share labels no one or everyone. */
static int choose_bads(const struct kmeans_result *km, const double *z, const int *order,
		       double bad_share, unsigned char *bad, struct rd_err *err)
{
	size_t n = km->n;
	memset(bad, 0, n);
	if (bad_share <= 0) {
		for (size_t i = 0; i < n; i++)
			bad[i] = km->assign[i] == order[0];
		return 0;
	}
	size_t target = (size_t)floor(bad_share * (double)n + 0.5), taken = 0;
	if (target == 0 || target >= n) {
		rd_err_set(err, "label proxy: --bad-share %g of %zu customers labels %s", bad_share,
			   n, target == 0 ? "no one bad" : "everyone bad");
		return -1;
	}
	for (int r = 0; r < km->k && taken < target; r++) {
		int q = order[r];
		if (taken + km->sizes[q] <= target) {
			for (size_t i = 0; i < n; i++)
				bad[i] |= km->assign[i] == q;
			taken += km->sizes[q];
			continue;
		}
		struct member *m = rd_malloc(km->sizes[q] * sizeof *m);
		size_t nm = 0;
		for (size_t i = 0; i < n; i++)
			if (km->assign[i] == q)
				m[nm++] = (struct member){engagement(z + i * RFM), i};
		qsort(m, nm, sizeof *m, cmp_member);
		for (size_t j = 0; j < target - taken; j++)
			bad[m[j].i] = 1;
		free(m);
		taken = target;
	}
	return 0;
}

static void summary_text(const struct label_proxy_opts *o, const char *as_of, char *out, size_t n)
{
	char share[48] = "least engaged cluster";
	if (o->bad_share > 0)
		snprintf(share, sizeof share, "bad share %g", o->bad_share);
	snprintf(out, n, "rfm, k=%d, seed %llu, %s, as of %s", o->k, (unsigned long long)o->seed,
		 share, as_of);
}

static void json_numbers(struct rd_buf *b, const double *v, int n)
{
	buf_putc(b, '[');
	for (int j = 0; j < n; j++) {
		if (j)
			buf_putc(b, ',');
		buf_json_number(b, v[j]);
	}
	buf_putc(b, ']');
}

/* The meta row: enough to see how every label came about and to redo it elsewhere. */
static void meta_json(struct rd_buf *b, const struct label_proxy_opts *o,
		      const struct label_proxy_report *rep, const struct kmeans_result *km,
		      const int *order, const double mean[RFM], const double sd[RFM], int64_t run)
{
	char now[21];
	now_iso(now);
	buf_puts(b, "{\"method\":\"rfm\",\"summary\":");
	buf_json_string(b, rep->summary);
	buf_printf(b, ",\"k\":%d,\"seed\":%llu,\"bad_share\":", o->k, (unsigned long long)o->seed);
	if (o->bad_share > 0)
		buf_json_number(b, o->bad_share);
	else
		buf_puts(b, "null");
	buf_printf(b, ",\"as_of\":\"%s\",\"labelled_at\":\"%s\",\"run\":%lld", rep->as_of, now,
		   (long long)run);
	buf_puts(b, ",\"features\":[");
	for (int j = 0; j < RFM; j++)
		buf_printf(b, "%s\"%s\"", j ? "," : "", feature_names[rfm_feature[j]]);
	buf_puts(b, "],\"transform\":\"log1p\",\"mean\":");
	json_numbers(b, mean, RFM);
	buf_puts(b, ",\"sd\":");
	json_numbers(b, sd, RFM);
	buf_printf(b, ",\"customers\":%zu,\"bads\":%zu,\"inertia\":", rep->customers, rep->bads);
	buf_json_number(b, km->inertia);
	buf_printf(b, ",\"iterations\":%d,\"clusters\":[", km->iterations);
	for (int r = 0; r < km->k; r++) {
		const struct label_cluster *c = &rep->clusters[r];
		size_t q = (size_t)order[r];
		buf_printf(b, "%s{\"customers\":%zu,\"bads\":%zu,\"engagement\":", r ? "," : "",
			   c->customers, c->bads);
		buf_json_number(b, c->engagement);
		buf_puts(b, ",\"centroid\":");
		json_numbers(b, km->centroids + q * RFM, RFM);
		buf_puts(b, ",\"init\":");
		json_numbers(b, km->init + q * RFM, RFM);
		buf_puts(b, ",\"recency\":");
		buf_json_number(b, c->recency);
		buf_puts(b, ",\"frequency\":");
		buf_json_number(b, c->frequency);
		buf_puts(b, ",\"monetary\":");
		buf_json_number(b, c->monetary);
		buf_putc(b, '}');
	}
	buf_puts(b, "]}");
}

/* Deletes the previous proxy labels, inserts the new ones and the meta row. */
static int write_labels(struct rd_store *st, const struct rfm_rows *rows, const unsigned char *bad,
			const char *as_of, const char *meta, struct label_proxy_report *rep,
			struct rd_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc = -1;
	if (store_exec(st, "DELETE FROM outcomes WHERE source = 'proxy'", err))
		return -1;
	rep->replaced = (size_t)sqlite3_changes(store_db(st));
	if (store_prepare(st,
			  "INSERT INTO outcomes(customer_id, defaulted, observed_at, source)"
			  " VALUES (?1, ?2, ?3, 'proxy')",
			  &s, err))
		goto out;
	for (size_t i = 0; i < rows->n; i++) {
		sqlite3_reset(s);
		sqlite3_bind_text(s, 1, rows->ids[i], -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, bad[i]);
		sqlite3_bind_text(s, 3, as_of, -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE) {
			store_fail(st, err, "label proxy");
			goto out;
		}
	}
	sqlite3_finalize(s);
	s = NULL;
	if (store_meta_put(st, LABEL_META_KEY, meta, "label proxy", err))
		goto out;
	rc = 0;
out:
	sqlite3_finalize(s);
	return rc;
}

int label_proxy(const struct rd_job *job, const struct label_proxy_opts *o,
		struct label_proxy_report *rep, struct rd_err *err)
{
	struct rfm_rows rows = {0};
	struct rd_strmap *only = NULL;
	struct kmeans_result km = {0};
	struct rd_buf meta = {0};
	struct rd_run own, *run;
	double *z = NULL, mean[RFM], sd[RFM], eng[LABEL_K_MAX];
	unsigned char *bad = NULL;
	int order[LABEL_K_MAX], rc = -1;
	struct rd_store *st = job->store;
	memset(rep, 0, sizeof *rep);
	if (o->k < 2 || o->k > LABEL_K_MAX || !(o->bad_share >= 0 && o->bad_share < 1)) {
		rd_err_set(err,
			   "label proxy: --clusters must be 2 to %d and --bad-share in"
			   " (0, 1)",
			   LABEL_K_MAX);
		return -1;
	}
	rep->k = o->k;
	if (!(run = job_run(job, &own, "label proxy", err)))
		return -1;
	/* One transaction from the read to the write: a load cannot slip an observed outcome
	 * in between, and a failure or Ctrl-C leaves the old labels. */
	int64_t as_of;
	if (store_begin(st, err) || features_as_of(st, o->as_of, &as_of, err))
		goto out;
	day_format(as_of, rep->as_of);
	summary_text(o, rep->as_of, rep->summary, sizeof rep->summary);
	rep->observed = (size_t)store_int(st,
					  "SELECT count(*) FROM outcomes WHERE"
					  " source = 'observed'",
					  0);
	if (rep->observed && !o->force) {
		rd_err_set(err,
			   "label proxy: %zu customers have observed outcomes; proxy labels"
			   " beside them would be mixed into training (--force labels only"
			   " the customers without one; observed outcomes are never"
			   " replaced)",
			   rep->observed);
		goto out;
	}
	if (unlabelled(st, rep->observed, &only, err))
		goto out;
	struct scan_ud ud = {job, &rows};
	struct feature_scan scan = {.as_of_day = as_of,
				    .only = only,
				    .cancel = job->cancel,
				    .progress = on_progress,
				    .ud = &ud,
				    .visit = visit};
	int sc = features_scan(st, &scan, err);
	if (sc) {
		rc = sc > 0 ? 1 : -1;
		goto out;
	}
	if (rows.n < (size_t)o->k) {
		rd_err_set(err,
			   "label proxy: %zu customers without an observed outcome; %d"
			   " clusters need at least %d",
			   rows.n, o->k, o->k);
		goto out;
	}
	z = rd_malloc(rows.n * RFM * sizeof *z);
	if (standardise(rows.raw, rows.n, z, mean, sd)) {
		rd_err_set(err,
			   "label proxy: recency, frequency and monetary value are the same"
			   " for all %zu customers (no orders?): nothing to cluster",
			   rows.n);
		goto out;
	}
	int kc = kmeans_fit(z, rows.n, RFM, o->k, o->seed, KMEANS_N_INIT, KMEANS_MAX_ITER,
			    job->cancel, &km, err);
	if (kc) {
		/* The points are finite and n ≥ k: only too few distinct ones fail. */
		if (kc < 0)
			rd_err_set(err,
				   "label proxy: the %zu customers have fewer than %d"
				   " distinct (recency, frequency, monetary) values: use"
				   " fewer --clusters",
				   rows.n, o->k);
		rc = kc > 0 ? 1 : -1;
		goto out;
	}
	rank_clusters(&km, order, eng);
	bad = rd_malloc(rows.n);
	if (choose_bads(&km, z, order, o->bad_share, bad, err))
		goto out;
	int rank_of[LABEL_K_MAX];
	for (int r = 0; r < o->k; r++) {
		rank_of[order[r]] = r;
		rep->clusters[r].engagement = eng[order[r]];
	}
	for (size_t i = 0; i < rows.n; i++) {
		struct label_cluster *c = &rep->clusters[rank_of[km.assign[i]]];
		c->customers++;
		c->bads += bad[i];
		rep->bads += bad[i];
		c->recency += rows.raw[i * RFM + RFM_R];
		c->frequency += rows.raw[i * RFM + RFM_F];
		c->monetary += rows.raw[i * RFM + RFM_M];
	}
	for (int r = 0; r < o->k; r++) {
		struct label_cluster *c = &rep->clusters[r];
		double m = c->customers ? (double)c->customers : 1;
		c->recency /= m;
		c->frequency /= m;
		c->monetary /= m;
	}
	rep->customers = rows.n;
	rep->inertia = km.inertia;
	rep->iterations = km.iterations;
	meta_json(&meta, o, rep, &km, order, mean, sd, run->id);
	if (write_labels(st, &rows, bad, rep->as_of, meta.data, rep, err) ||
	    run_mark_ok(st, run, (int64_t)rows.n, rep->summary, err) || store_commit(st, err))
		goto out;
	rc = 0;
out:
	if (rc == 1)
		rd_err_set(err, "label proxy cancelled: the labels are as they were");
	store_rollback(st);
	job_run_end(job, &own, rc, err);
	rfm_rows_free(&rows);
	strmap_free(only);
	kmeans_result_free(&km);
	buf_free(&meta);
	free(z);
	free(bad);
	return rc;
}

int label_clear(const struct rd_job *job, int64_t *removed, struct rd_err *err)
{
	struct rd_store *st = job->store;
	struct rd_run own, *run;
	int rc = -1;
	*removed = 0;
	if (!(run = job_run(job, &own, "label clear", err)))
		return -1;
	if (store_begin(st, err) ||
	    store_exec(st, "DELETE FROM outcomes WHERE source = 'proxy'", err))
		goto out;
	*removed = sqlite3_changes(store_db(st));
	if (store_exec(st, "DELETE FROM meta WHERE key = '" LABEL_META_KEY "'", err) ||
	    run_mark_ok(st, run, *removed, NULL, err) || store_commit(st, err))
		goto out;
	rc = 0;
out:
	store_rollback(st);
	job_run_end(job, &own, rc, err);
	return rc;
}

void label_proxy_summary(struct rd_store *st, char *out, size_t n)
{
	sqlite3_stmt *s;
	out[0] = '\0';
	if (store_prepare(st,
			  "SELECT json_extract(value, '$.summary') FROM meta WHERE key = ?1"
			  " AND json_valid(value)",
			  &s, &(struct rd_err){{0}}))
		return;
	sqlite3_bind_text(s, 1, LABEL_META_KEY, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) == SQLITE_TEXT)
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
}

int label_source_add(struct rd_store *st, char *const *ids, size_t n, struct rd_buf *b,
		     struct rd_err *err)
{
	size_t proxy = 0;
	if (!b->len || b->data[b->len - 1] != '}') {
		rd_err_set(err, "label_source_add: not a JSON object");
		return -1;
	}
	if (store_int(st, "SELECT EXISTS (SELECT 1 FROM outcomes WHERE source = 'proxy')", 0)) {
		sqlite3_stmt *s;
		if (store_prepare(st, "SELECT customer_id FROM outcomes WHERE source = 'proxy'", &s,
				  err))
			return -1;
		struct rd_strmap *rows = strmap_new(n ? n : 1);
		for (size_t i = 0; i < n; i++)
			strmap_put(rows, ids[i], strlen(ids[i]), 1);
		int rc;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			proxy += strmap_get(rows, (const char *)sqlite3_column_text(s, 0),
					    (size_t)sqlite3_column_bytes(s, 0)) >= 0;
		sqlite3_finalize(s);
		strmap_free(rows);
		if (rc != SQLITE_DONE)
			return store_fail(st, err, "train: reading the proxy labels");
	}
	b->data[--b->len] = '\0';
	buf_printf(b, ",\"label_source\":{\"source\":\"%s\",\"observed\":%zu,\"proxy\":%zu",
		   proxy == 0   ? "observed"
		   : proxy == n ? "proxy"
				: "mixed",
		   n - proxy, proxy);
	if (proxy) {
		char summary[160];
		label_proxy_summary(st, summary, sizeof summary);
		buf_puts(b, ",\"method\":");
		buf_json_string(b, summary);
	}
	buf_puts(b, "}}");
	return 0;
}

int label_source_describe(const char *metrics_json, char *out, size_t n)
{
	cJSON *m = metrics_json ? cJSON_Parse(metrics_json) : NULL;
	const cJSON *ls = cJSON_GetObjectItemCaseSensitive(m, "label_source");
	const cJSON *src = cJSON_GetObjectItemCaseSensitive(ls, "source");
	const cJSON *obs = cJSON_GetObjectItemCaseSensitive(ls, "observed");
	const cJSON *prx = cJSON_GetObjectItemCaseSensitive(ls, "proxy");
	const cJSON *how = cJSON_GetObjectItemCaseSensitive(ls, "method");
	const char *method = cJSON_IsString(how) ? how->valuestring : "method unknown";
	double no = cJSON_IsNumber(obs) ? obs->valuedouble : NAN;
	double np = cJSON_IsNumber(prx) ? prx->valuedouble : NAN;
	int proxy = 0;
	if (cJSON_IsString(src) && strcmp(src->valuestring, "proxy") == 0) {
		snprintf(out, n, "proxy labels: %s (%.0f rows)", method, isnan(np) ? 0 : np);
		proxy = 1;
	} else if (cJSON_IsString(src) && strcmp(src->valuestring, "mixed") == 0) {
		snprintf(out, n, "mixed labels: %.0f observed + %.0f proxy (%s)",
			 isnan(no) ? 0 : no, isnan(np) ? 0 : np, method);
		proxy = 1;
	} else if (!isnan(no)) {
		snprintf(out, n, "observed outcomes (%.0f rows)", no);
	} else {
		snprintf(out, n, "observed outcomes");
	}
	cJSON_Delete(m);
	return proxy;
}
