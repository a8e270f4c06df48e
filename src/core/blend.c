/* Who serves each segment, and a blend's label and cut-off (include/riskdesk/blend.h). */
#include "riskdesk/blend.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/metrics.h"
#include "riskdesk/model.h"
#include "riskdesk/vocab.h"

void blend_label(const struct blend_member *m, int n, char *out, size_t size)
{
	size_t used = 0;
	if (n <= 1) {
		snprintf(out, size, "%s", n ? m[0].name : "");
		return;
	}
	used = (size_t)snprintf(out, size, "blend:");
	for (int k = 0; k < n && used < size; k++)
		used += (size_t)snprintf(out + used, size - used, "%s %s@%d \xc3\x97%g",
					 k ? " +" : "", m[k].name, m[k].version, m[k].weight);
}

#define MEMBER_COLUMNS                                                                             \
	"name, version, segment, weight, json_extract(metrics, '$.threshold_pd'),"                 \
	" json_extract(metrics, '$.cost_fn'), json_extract(metrics, '$.cost_fp'),"                 \
	" json_extract(spec, '$.scaling')"

/* A row of MEMBER_COLUMNS into m. 0 or -1 (a scaling that does not parse). */
static int member_read(sqlite3_stmt *s, struct blend_member *m, struct rd_err *err)
{
	memset(m, 0, sizeof *m);
	snprintf(m->name, sizeof m->name, "%s", (const char *)sqlite3_column_text(s, 0));
	m->version = sqlite3_column_int(s, 1);
	snprintf(m->segment, sizeof m->segment, "%s", (const char *)sqlite3_column_text(s, 2));
	m->weight = sqlite3_column_double(s, 3);
	m->cutoff_pd = sqlite3_column_type(s, 4) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 4);
	m->cost_fn = sqlite3_column_type(s, 5) == SQLITE_NULL ? METRICS_CFN_DEFAULT
							      : sqlite3_column_double(s, 5);
	m->cost_fp = sqlite3_column_type(s, 6) == SQLITE_NULL ? METRICS_CFP_DEFAULT
							      : sqlite3_column_double(s, 6);
	const char *sc = (const char *)sqlite3_column_text(s, 7);
	cJSON *j = sc ? cJSON_Parse(sc) : NULL;
	struct rd_err serr;
	int rc = model_scaling_parse(j, &m->scaling, &serr);
	if (rc)
		rd_err_set(err, "%s@%d: %s", m->name, m->version, serr.msg);
	cJSON_Delete(j);
	return rc;
}

/* The champions (rules aside), by name and version. light: who they are only (name,
 * version, segment, weight), without reading their metrics and specifications. */
static int read_champions(struct rd_store *st, int light, struct blend_member **out, int *n,
			  struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st,
			  light ? "SELECT name, version, segment, weight, NULL, NULL, NULL, NULL"
				  " FROM models WHERE status = 'champion' AND algo != 'rules'"
				  " ORDER BY name, version"
				: "SELECT " MEMBER_COLUMNS " FROM models WHERE status = 'champion'"
				  " AND algo != 'rules' ORDER BY name, version",
			  &s, err))
		return -1;
	int rc;
	*n = 0;
	*out = NULL;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*out = rd_realloc(*out, (size_t)(*n + 1) * sizeof **out);
		if (member_read(s, &(*out)[(*n)++], err)) {
			sqlite3_finalize(s);
			return -1;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "reading the champions");
	return 0;
}

/* Empties route r of out. */
static void route_init(struct blend *b, int r)
{
	memset(b, 0, sizeof *b);
	b->segment = vocab_name(&vocab_segment, r % SEGMENTS);
	b->kind = vocab_name(&vocab_kind, r / SEGMENTS);
	b->cutoff_pd = b->auc_oof = NAN;
}

int blend_single(struct rd_store *st, const char *name, int version, struct blend out[BLEND_ROUTES],
		 struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st,
			  "SELECT " MEMBER_COLUMNS " FROM models WHERE name = ?1 AND version = ?2"
			  " AND algo != 'rules'",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, version);
	struct blend_member m;
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = member_read(s, &m, err);
	else if (rc == SQLITE_DONE)
		rd_err_set(err, "no trained model %s@%d", name, version);
	else
		store_fail(st, err, "reading the model");
	sqlite3_finalize(s);
	if (rc)
		return -1;
	int ms = vocab_find(&vocab_model_segment, m.segment);
	m.weight = 1;
	for (int r = 0; r < BLEND_ROUTES; r++) {
		route_init(&out[r], r);
		out[r].cutoff_pd = m.cutoff_pd;
		if (vocab_model_serves(ms, (enum rd_customer_kind)(r / SEGMENTS),
				       (enum rd_segment)(r % SEGMENTS))) {
			out[r].n = 1;
			out[r].m[0] = m;
		}
		blend_label(out[r].m, out[r].n, out[r].label, sizeof out[r].label);
	}
	return 0;
}

/* A member's out-of-fold predictions into the blend's running sums: rows keyed by customer
 * id in ids (first member: it adds them), raw[] += w·raw score, seen[] counts members, y[]
 * the label (-1 once two members disagree). */
static int add_oof(struct rd_store *st, const struct blend_member *m, int first,
		   struct rd_strmap *ids, double **raw, int **y, int **seen, size_t *n,
		   struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st,
			  "SELECT customer_id, pd, defaulted FROM model_oof WHERE name = ?1"
			  " AND version = ?2 ORDER BY row",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, m->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, m->version);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(s, 0);
		size_t len = (size_t)sqlite3_column_bytes(s, 0);
		int64_t at = strmap_get(ids, id, len);
		int label = sqlite3_column_int(s, 2);
		if (at < 0) {
			if (!first)
				continue;
			at = (int64_t)(*n)++;
			strmap_put(ids, id, len, at);
			*raw = rd_realloc(*raw, *n * sizeof **raw);
			*y = rd_realloc(*y, *n * sizeof **y);
			*seen = rd_realloc(*seen, *n * sizeof **seen);
			(*raw)[at] = 0;
			(*y)[at] = label;
			(*seen)[at] = 0;
		} else if ((*y)[at] != label) {
			(*y)[at] = -1;
		}
		(*raw)[at] += m->weight * score_from_pd(&m->scaling, sqlite3_column_double(s, 1));
		(*seen)[at]++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "reading out-of-fold predictions");
	return 0;
}

/* The blend's cut-off: cost-optimal on its own out-of-fold predictions (the customers every
 * member predicted out of fold, with one label), the costs the members' weighted means;
 * without such customers of both classes, the PD of the weighted mean of the members'
 * cut-off scores. */
static int fit_cutoff(struct rd_store *st, struct blend *b, struct rd_err *err)
{
	struct rd_strmap *ids = strmap_new(1024);
	double *raw = NULL, *pd = NULL, w = 0, cfn = 0, cfp = 0;
	int *y = NULL, *seen = NULL, *label = NULL, rc = -1;
	size_t n = 0, m = 0, bads = 0;
	for (int k = 0; k < b->n; k++) {
		w += b->m[k].weight;
		cfn += b->m[k].weight * b->m[k].cost_fn;
		cfp += b->m[k].weight * b->m[k].cost_fp;
		if (add_oof(st, &b->m[k], k == 0, ids, &raw, &y, &seen, &n, err))
			goto out;
	}
	pd = rd_malloc((n ? n : 1) * sizeof *pd);
	label = rd_malloc((n ? n : 1) * sizeof *label);
	for (size_t i = 0; i < n; i++) {
		if (seen[i] != b->n || y[i] < 0)
			continue;
		pd[m] = pd_from_score(&b->m[0].scaling, raw[i] / w);
		bads += (size_t)y[i];
		label[m++] = y[i];
	}
	struct metrics_cutoff cut;
	struct rd_err merr;
	if (bads > 0 && bads < m &&
	    metrics_cost_cutoff(pd, label, m, cfn / w, cfp / w, &cut, &merr) == 0 &&
	    metrics_auc(pd, label, m, &b->auc_oof, &merr) == 0) {
		b->cutoff_pd = cut.cutoff;
		b->cutoff_rows = m;
	} else {
		double c = 0;
		for (int k = 0; k < b->n; k++)
			c += b->m[k].weight * score_from_pd(&b->m[k].scaling, b->m[k].cutoff_pd);
		b->cutoff_pd = isnan(c) ? NAN : pd_from_score(&b->m[0].scaling, c / w);
		b->auc_oof = NAN;
		b->cutoff_rows = 0;
	}
	rc = 0;
out:
	strmap_free(ids);
	free(raw);
	free(pd);
	free(y);
	free(seen);
	free(label);
	return rc;
}

static int same_members(const struct blend *a, const struct blend *b)
{
	if (a->n != b->n)
		return 0;
	for (int k = 0; k < a->n; k++)
		if (strcmp(a->m[k].name, b->m[k].name) || a->m[k].version != b->m[k].version)
			return 0;
	return 1;
}

/* Whether some champion serves exactly model segment ms. */
static int has_segment(const struct blend_member *all, int n, int ms)
{
	for (int i = 0; i < n; i++)
		if (vocab_find(&vocab_model_segment, all[i].segment) == ms)
			return 1;
	return 0;
}

/* fit: the whole blends (blend_serving); else who serves only (blend_members). */
static int serving(struct rd_store *st, struct blend out[BLEND_ROUTES], int fit, struct rd_err *err)
{
	struct blend_member *all = NULL;
	int n, rc = -1;
	if (read_champions(st, !fit, &all, &n, err))
		return -1;
	for (int r = 0; r < BLEND_ROUTES; r++) {
		struct blend *b = &out[r];
		route_init(b, r);
		/* The champions of the route's kind, else of its segment, else of all. */
		int of_kind = vocab_model_segment_of_kind((enum rd_customer_kind)(r / SEGMENTS));
		int of_seg = vocab_model_segment_of((enum rd_segment)(r % SEGMENTS));
		int want = has_segment(all, n, of_kind)  ? of_kind
			   : has_segment(all, n, of_seg) ? of_seg
							 : MODEL_SEGMENT_ALL;
		for (int i = 0; i < n; i++) {
			if (vocab_find(&vocab_model_segment, all[i].segment) != want)
				continue;
			if (b->n == BLEND_MAX) {
				rd_err_set(err,
					   "segment %s has more than %d champions; retire some",
					   vocab_name(&vocab_model_segment, want), BLEND_MAX);
				goto out;
			}
			b->m[b->n++] = all[i];
		}
		for (int k = 1; k < b->n; k++) {
			if (!score_scaling_same(&b->m[0].scaling, &b->m[k].scaling)) {
				rd_err_set(err,
					   "%s@%d and %s@%d score on different scales (scaling or "
					   "band"
					   " edges): one blend cannot average them",
					   b->m[0].name, b->m[0].version, b->m[k].name,
					   b->m[k].version);
				goto out;
			}
		}
		blend_label(b->m, b->n, b->label, sizeof b->label);
		int before = 0;
		while (before < r && !same_members(&out[before], b))
			before++;
		if (b->n == 1) {
			b->cutoff_pd = b->m[0].cutoff_pd;
		} else if (before < r) {
			/* One blend serves both: fitted once. */
			b->cutoff_pd = out[before].cutoff_pd;
			b->cutoff_rows = out[before].cutoff_rows;
			b->auc_oof = out[before].auc_oof;
		} else if (b->n > 1 && fit && fit_cutoff(st, b, err)) {
			goto out;
		}
	}
	rc = 0;
out:
	free(all);
	return rc;
}

int blend_serving(struct rd_store *st, struct blend out[BLEND_ROUTES], struct rd_err *err)
{
	return serving(st, out, 1, err);
}

int blend_members(struct rd_store *st, struct blend out[BLEND_ROUTES], struct rd_err *err)
{
	return serving(st, out, 0, err);
}

int blend_kinds_alike(const struct blend out[BLEND_ROUTES], enum rd_segment s)
{
	return same_members(&out[blend_route(KIND_INDIVIDUAL, s)],
			    &out[blend_route(KIND_COMPANY, s)]);
}

int blend_by_kind(const struct blend out[BLEND_ROUTES])
{
	for (int s = 0; s < SEGMENTS; s++)
		if (!blend_kinds_alike(out, (enum rd_segment)s))
			return 1;
	return 0;
}

const char *blend_route_name(const struct blend *b, int by_kind, char *out, size_t size)
{
	if (by_kind)
		snprintf(out, size, "%s %s", b->segment, b->kind);
	else
		snprintf(out, size, "%s", b->segment);
	return out;
}
