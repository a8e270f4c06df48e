/* The Profile pane's reading of one customer. */
#include "riskdesk/view.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "riskdesk/label.h"

static void copy_col(char *dst, size_t n, sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	snprintf(dst, n, "%s", t ? (const char *)t : "");
}

static void parse_reasons(const char *json, struct customer_view *v)
{
	cJSON *a = cJSON_Parse(json), *r;
	cJSON_ArrayForEach(r, a)
	{
		if (v->nreasons == REASONS_MAX)
			break;
		struct rd_reason *x = &v->reasons[v->nreasons++];
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(r, "code");
		const cJSON *text = cJSON_GetObjectItemCaseSensitive(r, "text");
		const cJSON *feat = cJSON_GetObjectItemCaseSensitive(r, "feature");
		const cJSON *val = cJSON_GetObjectItemCaseSensitive(r, "value");
		const cJSON *pts = cJSON_GetObjectItemCaseSensitive(r, "points");
		snprintf(x->code, sizeof x->code, "%s", cJSON_IsString(code) ? code->valuestring : "");
		snprintf(x->text, sizeof x->text, "%s", cJSON_IsString(text) ? text->valuestring : "");
		x->feature = cJSON_IsString(feat) ? feature_index(feat->valuestring) : -1;
		snprintf(x->name, sizeof x->name, "%s", cJSON_IsString(feat) ? feat->valuestring : "");
		snprintf(x->level, sizeof x->level, "%s", cJSON_IsString(val) ? val->valuestring : "");
		x->value = cJSON_IsNumber(val) ? val->valuedouble : NAN;
		x->points = cJSON_IsNumber(pts) ? pts->valuedouble : 0;
	}
	cJSON_Delete(a);
}

static double num_or_nan(const cJSON *o, const char *key)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(x) ? x->valuedouble : NAN;
}

static void parse_components(const char *json, struct customer_view *v)
{
	cJSON *a = json ? cJSON_Parse(json) : NULL, *c;
	int max = (int)(sizeof v->comp / sizeof *v->comp);
	double wsum = 0, mix = 0;
	v->raw = NAN;
	cJSON_ArrayForEach(c, a)
	{
		if (v->ncomponents == max)
			break;
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(c, "model");
		const cJSON *ver = cJSON_GetObjectItemCaseSensitive(c, "version");
		const cJSON *sc = cJSON_GetObjectItemCaseSensitive(c, "score");
		const cJSON *w = cJSON_GetObjectItemCaseSensitive(c, "weight");
		int k = v->ncomponents++;
		snprintf(v->comp[k].model, sizeof v->comp[k].model, "%s@%d",
			 cJSON_IsString(m) ? m->valuestring : "?", cJSON_IsNumber(ver) ? ver->valueint : 0);
		v->comp[k].score = cJSON_IsNumber(sc) ? sc->valueint : 0;
		v->comp[k].weight = cJSON_IsNumber(w) ? w->valuedouble : 1;
		v->comp[k].raw = num_or_nan(c, "raw");
		v->comp[k].pd = num_or_nan(c, "pd");
		wsum += v->comp[k].weight;
		mix += v->comp[k].weight * v->comp[k].raw;
	}
	if (v->ncomponents > 1 && wsum > 0)
		v->raw = mix / wsum; /* NaN when a member's raw score was not stored (older profiles) */
	cJSON_Delete(a);
}

static void parse_features(const char *json, double *f)
{
	cJSON *o = cJSON_Parse(json);
	for (int i = 0; i < FEAT_COUNT; i++) {
		const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, feature_names[i]);
		f[i] = cJSON_IsNumber(x) ? x->valuedouble : 0;
	}
	cJSON_Delete(o);
}

/* The outcome's source, and whether a model that scored the profile learnt from proxy
 * labels (the one named by the profile or any of its components). */
static int read_labels(struct rd_store *st, const char *id, struct customer_view *v,
		       struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st,
			  "SELECT (SELECT source FROM outcomes WHERE customer_id = ?1),"
			  " (SELECT m.metrics FROM credit_profiles p, models m"
			  " WHERE p.customer_id = ?1 AND CASE WHEN json_valid(m.metrics) THEN"
			  " json_extract(m.metrics, '$.label_source.source') END IN ('proxy', 'mixed')"
			  " AND ((m.name = p.model_name AND m.version = p.model_version)"
			  " OR EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(p.components)"
			  " THEN p.components END) c WHERE json_extract(c.value, '$.model') = m.name"
			  " AND json_extract(c.value, '$.version') = m.version)) LIMIT 1)",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		copy_col(v->outcome_source, sizeof v->outcome_source, s, 0);
		if (sqlite3_column_type(s, 1) != SQLITE_NULL)
			label_source_describe((const char *)sqlite3_column_text(s, 1), v->label_source,
					      sizeof v->label_source);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : store_fail(st, err, "customer");
}

int view_customer(struct rd_store *st, const char *id, struct customer_view *v, struct rd_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc = -1;
	memset(v, 0, sizeof *v);
	v->defaulted = -1;
	if (store_prepare(st,
			  "SELECT c.id, c.name, c.email, c.phone, c.kind, c.created_at, o.defaulted,"
			  " p.score, p.band, p.pd, p.risk_level, p.segment, p.model_name,"
			  " p.model_version, p.computed_at, p.last_activity, p.reasons, p.features,"
			  " (SELECT count(*) FROM customer_attributes a WHERE a.customer_id = c.id),"
			  " m.algo, coalesce(p.cutoff_pd, json_extract(m.metrics, '$.threshold_pd')),"
			  " p.components, p.as_of"
			  " FROM customers c LEFT JOIN credit_profiles p ON p.customer_id = c.id"
			  " LEFT JOIN outcomes o ON o.customer_id = c.id"
			  " LEFT JOIN models m ON m.name = p.model_name AND m.version = p.model_version"
			  " WHERE c.id = ?1",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(s);
	if (step == SQLITE_DONE) {
		rc = 1;
		goto out;
	}
	if (step != SQLITE_ROW) {
		store_fail(st, err, "customer");
		goto out;
	}
	copy_col(v->id, sizeof v->id, s, 0);
	copy_col(v->name, sizeof v->name, s, 1);
	copy_col(v->email, sizeof v->email, s, 2);
	copy_col(v->phone, sizeof v->phone, s, 3);
	copy_col(v->kind, sizeof v->kind, s, 4);
	copy_col(v->created_at, sizeof v->created_at, s, 5);
	if (sqlite3_column_type(s, 6) != SQLITE_NULL)
		v->defaulted = sqlite3_column_int(s, 6);
	v->has_profile = sqlite3_column_type(s, 7) != SQLITE_NULL;
	if (v->has_profile) {
		v->score = sqlite3_column_int(s, 7);
		v->band = (char)sqlite3_column_text(s, 8)[0];
		v->pd = sqlite3_column_double(s, 9);
		copy_col(v->risk_level, sizeof v->risk_level, s, 10);
		copy_col(v->segment, sizeof v->segment, s, 11);
		if (sqlite3_column_int(s, 13) == 0) /* a blend: its label */
			copy_col(v->model, sizeof v->model, s, 12);
		else
			snprintf(v->model, sizeof v->model, "%s v%d",
				 (const char *)sqlite3_column_text(s, 12), sqlite3_column_int(s, 13));
		copy_col(v->computed_at, sizeof v->computed_at, s, 14);
		copy_col(v->last_activity, sizeof v->last_activity, s, 15);
		parse_reasons((const char *)sqlite3_column_text(s, 16), v);
		parse_features((const char *)sqlite3_column_text(s, 17), v->features);
	}
	v->nattributes = sqlite3_column_int(s, 18);
	copy_col(v->algo, sizeof v->algo, s, 19);
	v->cutoff_pd = sqlite3_column_type(s, 20) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 20);
	parse_components((const char *)sqlite3_column_text(s, 21), v);
	copy_col(v->as_of, sizeof v->as_of, s, 22);
	if (read_labels(st, id, v, err))
		goto out;
	rc = 0;
out:
	sqlite3_finalize(s);
	return rc;
}

int view_band_counts(struct rd_store *st, int64_t counts[5], int64_t *unscored, struct rd_err *err)
{
	sqlite3_stmt *s;
	memset(counts, 0, 5 * sizeof *counts);
	/* The band index makes each count a range scan of the index only. */
	if (store_prepare(st, "SELECT band, count(*) FROM credit_profiles GROUP BY band", &s, err))
		return -1;
	int64_t scored = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		const unsigned char *b = sqlite3_column_text(s, 0);
		int k = b ? vocab_band_index(b[0]) : -1;
		if (k >= 0) {
			counts[k] = sqlite3_column_int64(s, 1);
			scored += counts[k];
		}
	}
	sqlite3_finalize(s);
	*unscored = store_int(st, "SELECT count(*) FROM customers", 0) - scored;
	return 0;
}
