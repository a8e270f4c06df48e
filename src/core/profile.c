/* The profile row (profile.h): writing it, reading it back, its JSON, the decision. */
#include "riskdesk/profile.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/stale.h"

int profile_decision(double pd, double cutoff_pd)
{
	if (isnan(cutoff_pd))
		return -1;
	return pd >= cutoff_pd ? DECISION_DECLINE : DECISION_APPROVE;
}

static void copy_col(char *dst, size_t n, sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	snprintf(dst, n, "%s", t ? (const char *)t : "");
}

int profile_head_read(sqlite3_stmt *s, int col, struct profile_head *h)
{
	memset(h, 0, sizeof *h);
	h->segment = -1;
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return 1;
	const unsigned char *band = sqlite3_column_text(s, col + 1);
	const unsigned char *seg = sqlite3_column_text(s, col + 3);
	h->score = sqlite3_column_int(s, col);
	h->band = band ? (char)band[0] : '\0';
	h->pd = sqlite3_column_double(s, col + 2);
	h->segment = vocab_find(&vocab_segment, (const char *)seg);
	copy_col(h->last_activity, sizeof h->last_activity, s, col + 4);
	return 0;
}

static double num_or_nan(const cJSON *o, const char *key)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(x) ? x->valuedouble : NAN;
}

static const char *str_or_empty(const cJSON *o, const char *key)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(x) ? x->valuestring : "";
}

int profile_reasons_decode(const char *json, struct rd_reason *out, int max)
{
	cJSON *a = json ? cJSON_Parse(json) : NULL, *r;
	int n = 0;
	cJSON_ArrayForEach(r, a)
	{
		if (n == max)
			break;
		struct rd_reason *x = &out[n++];
		const cJSON *feat = cJSON_GetObjectItemCaseSensitive(r, "feature");
		const cJSON *val = cJSON_GetObjectItemCaseSensitive(r, "value");
		double pts = num_or_nan(r, "points");
		snprintf(x->code, sizeof x->code, "%s", str_or_empty(r, "code"));
		snprintf(x->text, sizeof x->text, "%s", str_or_empty(r, "text"));
		x->feature = cJSON_IsString(feat) ? feature_index(feat->valuestring) : -1;
		snprintf(x->name, sizeof x->name, "%s", str_or_empty(r, "feature"));
		/* A categorical value is text, a numeric one a number (null: missing). */
		snprintf(x->level, sizeof x->level, "%s",
			 cJSON_IsString(val) ? val->valuestring : "");
		x->value = cJSON_IsNumber(val) ? val->valuedouble : NAN;
		x->points = isnan(pts) ? 0 : pts;
	}
	cJSON_Delete(a);
	return n;
}

int profile_components_decode(const char *json, struct profile_component *out, int max, double *raw)
{
	cJSON *a = json ? cJSON_Parse(json) : NULL, *c;
	int n = 0;
	double wsum = 0, mix = 0;
	cJSON_ArrayForEach(c, a)
	{
		if (n == max)
			break;
		struct profile_component *x = &out[n++];
		const cJSON *ver = cJSON_GetObjectItemCaseSensitive(c, "version");
		const cJSON *sc = cJSON_GetObjectItemCaseSensitive(c, "score");
		double w = num_or_nan(c, "weight");
		snprintf(x->name, sizeof x->name, "%s", str_or_empty(c, "model"));
		x->version = cJSON_IsNumber(ver) ? ver->valueint : 0;
		x->score = cJSON_IsNumber(sc) ? sc->valueint : 0;
		x->weight = isnan(w) ? 1 : w;
		x->raw = num_or_nan(c, "raw");
		x->pd = num_or_nan(c, "pd");
		x->cutoff_pd = num_or_nan(c, "cutoff_pd");
		x->path_reasons = strcmp(str_or_empty(c, "reasons_kind"), "path") == 0;
		wsum += x->weight;
		mix += x->weight * x->raw;
	}
	cJSON_Delete(a);
	if (raw) /* NaN when a member's raw score was not stored (profiles before it was) */
		*raw = n > 1 && wsum > 0 ? mix / wsum : NAN;
	return n;
}

int profile_features_get(sqlite3_stmt *s, int col, double *out)
{
	if (sqlite3_column_bytes(s, col) == FEATURES_PACKED) {
		features_unpack(sqlite3_column_blob(s, col), out);
		return 0;
	}
	for (int i = 0; i < FEAT_COUNT; i++)
		out[i] = NAN;
	return 1;
}

/* The packed features of argument 0, or 1 when it holds none. */
static int value_features(sqlite3_value *v, double *out)
{
	if (sqlite3_value_type(v) != SQLITE_BLOB || sqlite3_value_bytes(v) != FEATURES_PACKED)
		return 1;
	features_unpack(sqlite3_value_blob(v), out);
	return 0;
}

/* rd_feature(fvec, i): feature i (enum feature_id, or its name) of packed features, or NULL
 * when there are none or the value is missing (NaN). */
static void sql_feature(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	(void)argc;
	int i = sqlite3_value_type(argv[1]) == SQLITE_TEXT
			? feature_index((const char *)sqlite3_value_text(argv[1]))
			: sqlite3_value_int(argv[1]);
	double v[FEAT_COUNT];
	if (i >= 0 && i < FEAT_COUNT && !value_features(argv[0], v) && !isnan(v[i]))
		sqlite3_result_double(c, v[i]);
}

/* rd_features(fvec): the JSON object of packed features (features_json), or NULL. */
static void sql_features(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	(void)argc;
	double v[FEAT_COUNT];
	if (value_features(argv[0], v))
		return;
	struct rd_buf b = {0};
	features_json(&b, v);
	sqlite3_result_text(c, b.data, (int)b.len, SQLITE_TRANSIENT);
	buf_free(&b);
}

int profile_sql_functions(sqlite3 *db)
{
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
	return sqlite3_create_function(db, "rd_feature", 2, flags, NULL, sql_feature, NULL, NULL) !=
				       SQLITE_OK ||
			       sqlite3_create_function(db, "rd_features", 1, flags, NULL,
						       sql_features, NULL, NULL) != SQLITE_OK
		       ? -1
		       : 0;
}

/* The customer scored again from the profile's features by what serves now, with exact
 * reasons: they replace the stored ranking when the score is the profile's (same models,
 * same inputs), else the ranking stays, marked. */
static int exact_reasons(struct rd_store *st, const char *customer_id, struct rd_profile *p,
			 struct rd_err *err)
{
	struct rd_engine *e = engine_load(st, err);
	if (!e)
		return -1;
	struct engine_result *r = rd_calloc(1, sizeof *r);
	int rc = engine_score_batch(e, 1, &customer_id, p->features, r, err);
	if (rc == 0 && !r->score.path_reasons && r->score.score == p->head.score &&
	    r->score.pd == p->head.pd && r->model_name &&
	    strcmp(r->model_name, p->model_name) == 0 && r->model_version == p->model_version) {
		p->nreasons = r->score.nreasons;
		memcpy(p->reasons, r->score.reasons, (size_t)p->nreasons * sizeof *p->reasons);
		p->path_reasons = 0;
	}
	free(r);
	engine_free(e);
	return rc ? -1 : 0;
}

#define EXACT_BATCH 2048

/* One batch of exact_table: scored, and the rows whose score is the profile's inserted. */
static int exact_flush(struct rd_engine *e, sqlite3_stmt *ins, size_t n, char **ids,
		       const double *f, const struct rd_profile *want, struct engine_result *r,
		       struct rd_buf *b, struct rd_err *err)
{
	if (engine_score_batch(e, n, (const char *const *)ids, f, r, err))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (r[i].score.score != want[i].head.score || r[i].score.pd != want[i].head.pd ||
		    !r[i].model_name || strcmp(r[i].model_name, want[i].model_name) != 0 ||
		    r[i].model_version != want[i].model_version)
			continue;
		buf_reset(b);
		profile_reasons_json(b, &r[i].score);
		sqlite3_bind_text(ins, 1, ids[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, b->data, (int)b->len, SQLITE_STATIC);
		int rc = sqlite3_step(ins);
		sqlite3_reset(ins);
		if (rc != SQLITE_DONE)
			return -1;
	}
	return 0;
}

int profile_exact_table(struct rd_store *st, int64_t *count, struct rd_err *err)
{
	sqlite3_stmt *s = NULL, *ins = NULL;
	struct rd_engine *e = NULL;
	char *ids[EXACT_BATCH] = {0};
	double *f = rd_malloc(EXACT_BATCH * FEAT_COUNT * sizeof *f);
	struct rd_profile *want = rd_malloc(EXACT_BATCH * sizeof *want);
	struct engine_result *r = rd_malloc(EXACT_BATCH * sizeof *r);
	struct rd_buf b = {0};
	size_t n = 0;
	int rc = -1;
	*count = 0;
	if (store_exec(st,
		       "CREATE TEMP TABLE IF NOT EXISTS exact_reasons(customer_id TEXT PRIMARY"
		       " KEY, reasons TEXT NOT NULL); DELETE FROM temp.exact_reasons",
		       err) ||
	    store_prepare(st,
			  "SELECT customer_id, fvec, score, pd, model_name, model_version"
			  " FROM credit_profiles_full WHERE instr(components,"
			  " '\"reasons_kind\":\"path\"')",
			  &s, err) ||
	    store_prepare(st, "INSERT INTO temp.exact_reasons VALUES (?1, ?2)", &ins, err))
		goto out;
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		if (!e && !(e = engine_load(st, err)))
			goto out;
		free(ids[n]);
		ids[n] = rd_strdup((const char *)sqlite3_column_text(s, 0));
		profile_features_get(s, 1, f + n * FEAT_COUNT);
		want[n].head.score = sqlite3_column_int(s, 2);
		want[n].head.pd = sqlite3_column_double(s, 3);
		copy_col(want[n].model_name, sizeof want[n].model_name, s, 4);
		want[n].model_version = sqlite3_column_int(s, 5);
		(*count)++;
		if (++n == EXACT_BATCH) {
			if (exact_flush(e, ins, n, ids, f, want, r, &b, err))
				goto out;
			n = 0;
		}
	}
	if (step != SQLITE_DONE || (n && exact_flush(e, ins, n, ids, f, want, r, &b, err)))
		goto out;
	rc = 0;
out:
	if (rc && !err->msg[0])
		store_fail(st, err, "computing exact reasons");
	sqlite3_finalize(s);
	sqlite3_finalize(ins);
	engine_free(e);
	for (size_t i = 0; i < EXACT_BATCH; i++)
		free(ids[i]);
	free(f);
	free(want);
	free(r);
	buf_free(&b);
	return rc;
}

int profile_read(struct rd_store *st, const char *customer_id, struct rd_profile *p,
		 struct rd_err *err)
{
	sqlite3_stmt *s = NULL;
	memset(p, 0, sizeof *p);
	p->cutoff_pd = p->raw = NAN;
	p->risk = -1;
	if (store_prepare(st,
			  "SELECT " PROFILE_HEAD_COLUMNS ", p.risk_level, p.model_name,"
			  " p.model_version, m.algo,"
			  " coalesce(p.cutoff_pd, json_extract(m.metrics, '$.threshold_pd')),"
			  " p.components, p.reasons, p.fvec, p.computed_at, p.as_of"
			  " FROM credit_profiles_full p LEFT JOIN models m ON m.name = p.model_name"
			  " AND m.version = p.model_version WHERE p.customer_id = ?1",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, customer_id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		return rc == SQLITE_DONE ? 1 : store_fail(st, err, "reading the profile");
	}
	enum {
		C_RISK = PROFILE_HEAD_NCOLUMNS,
		C_MODEL,
		C_VERSION,
		C_ALGO,
		C_CUTOFF,
		C_COMPONENTS,
		C_REASONS,
		C_FEATURES,
		C_COMPUTED,
		C_AS_OF
	};
	profile_head_read(s, 0, &p->head);
	p->risk = vocab_find(&vocab_risk_level, (const char *)sqlite3_column_text(s, C_RISK));
	copy_col(p->model_name, sizeof p->model_name, s, C_MODEL);
	p->model_version = sqlite3_column_int(s, C_VERSION);
	copy_col(p->algo, sizeof p->algo, s, C_ALGO);
	if (sqlite3_column_type(s, C_CUTOFF) != SQLITE_NULL)
		p->cutoff_pd = sqlite3_column_double(s, C_CUTOFF);
	p->ncomponents = profile_components_decode((const char *)sqlite3_column_text(s,
										     C_COMPONENTS),
						   p->comp, PROFILE_COMPONENTS_MAX, &p->raw);
	p->nreasons = profile_reasons_decode((const char *)sqlite3_column_text(s, C_REASONS),
					     p->reasons, REASONS_MAX);
	for (int k = 0; k < p->ncomponents; k++)
		p->path_reasons |= p->comp[k].path_reasons;
	profile_features_get(s, C_FEATURES, p->features);
	copy_col(p->computed_at, sizeof p->computed_at, s, C_COMPUTED);
	copy_col(p->as_of, sizeof p->as_of, s, C_AS_OF);
	sqlite3_finalize(s);
	return p->path_reasons ? exact_reasons(st, customer_id, p, err) : 0;
}

const char *profile_model_label(const char *name, int version, char *buf, size_t n)
{
	if (version == 0) /* a blend: its label */
		snprintf(buf, n, "%s", name);
	else
		snprintf(buf, n, "%s v%d", name, version);
	return buf;
}

void profile_components_json(struct rd_buf *b, const struct engine_result *r)
{
	buf_putc(b, '[');
	for (int k = 0; k < r->ncomponents; k++) {
		const struct engine_component *c = &r->comp[k];
		buf_puts(b, k ? ",{\"model\":" : "{\"model\":");
		buf_json_string(b, c->name);
		buf_printf(b, ",\"version\":%d,\"score\":%d,\"pd\":", c->version, c->score);
		buf_json_number(b, c->pd);
		buf_puts(b, ",\"weight\":");
		buf_json_number(b, c->weight);
		/* The unclamped score, which the blend averages (a clamped one would not add up). */
		buf_puts(b, ",\"raw\":");
		buf_json_number(b, c->raw);
		if (isfinite(c->cutoff_pd)) {
			buf_puts(b, ",\"cutoff_pd\":");
			buf_json_number(b, c->cutoff_pd);
		}
		if (c->detail && c->detail->path_reasons)
			/* its reasons ranked by path attributions: shown, computed exactly */
			buf_puts(b, ",\"reasons_kind\":\"path\"");
		if (r->ncomponents > 1 && c->detail) {
			/* A blend's reasons are these, weighted by share and summed per code. */
			buf_puts(b, ",\"reasons\":");
			profile_reasons_json(b, c->detail);
		}
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
}

struct profile_writer {
	struct rd_store *st;
	sqlite3_stmt *upsert;  /* credit_profiles */
	sqlite3_stmt *history; /* score_history */
	int64_t run_id;
	int64_t load_run; /* the latest load the caller's transaction sees (stale.h) */
	int64_t data_seq; /* the data sequence it sees (stale.h: recompute changed) */
	char now[21];
	char as_of[11];
	struct rd_buf reasons, components;
};

struct profile_writer *profile_writer_new(struct rd_store *st, int64_t run_id, int64_t as_of_day,
					  struct rd_err *err)
{
	struct profile_writer *w = rd_calloc(1, sizeof *w);
	w->st = st;
	w->run_id = run_id;
	now_iso(w->now);
	day_format(as_of_day, w->as_of);
	/* Inside the caller's transaction: exactly the loads the features are read after. */
	w->load_run = stale_latest_load(st);
	w->data_seq = stale_data_seq(st);
	if (store_prepare(
		    st,
		    "INSERT INTO credit_profiles(customer_id, score, band, pd, risk_level, segment,"
		    " model_name, model_version, last_activity, computed_at, fvec, cohort, as_of,"
		    " cutoff_pd, load_run, data_seq, history_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
		    " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
		    " ON CONFLICT(customer_id) DO UPDATE SET score = excluded.score,"
		    " band = excluded.band, pd = excluded.pd, risk_level = excluded.risk_level,"
		    " segment = excluded.segment, model_name = excluded.model_name,"
		    " model_version = excluded.model_version,"
		    " last_activity = excluded.last_activity, computed_at = excluded.computed_at,"
		    " fvec = excluded.fvec, cohort = excluded.cohort, as_of = excluded.as_of,"
		    " cutoff_pd = excluded.cutoff_pd, load_run = excluded.load_run,"
		    " data_seq = excluded.data_seq, history_id = excluded.history_id",
		    &w->upsert, err) ||
	    store_prepare(st,
			  "INSERT INTO score_history(customer_id, score, band, pd, model_name,"
			  " model_version, run_id, computed_at, reasons, components, cutoff_pd)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
			  &w->history, err)) {
		profile_writer_free(w);
		return NULL;
	}
	return w;
}

void profile_writer_free(struct profile_writer *w)
{
	if (!w)
		return;
	sqlite3_finalize(w->upsert);
	sqlite3_finalize(w->history);
	buf_free(&w->reasons);
	buf_free(&w->components);
	free(w);
}

void profile_reasons_json(struct rd_buf *b, const struct rd_score *s)
{
	buf_putc(b, '[');
	for (int i = 0; i < s->nreasons; i++) {
		const struct rd_reason *r = &s->reasons[i];
		buf_puts(b, i ? ",{\"code\":" : "{\"code\":");
		buf_json_string(b, r->code);
		buf_puts(b, ",\"text\":");
		buf_json_string(b, r->text);
		buf_puts(b, ",\"feature\":");
		buf_json_string(b, r->name);
		buf_puts(b, ",\"value\":");
		if (r->level[0])
			buf_json_string(b, r->level);
		else
			buf_json_number(b, r->value);
		buf_puts(b, ",\"points\":");
		/* Points lost to two decimals: enough for people, stable in goldens. round()
		 * rather than a cast to an integer, which no value can overflow. */
		buf_json_number(b, round(r->points * 100) / 100);
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
}

int profile_write(struct profile_writer *w, const char *customer_id, const struct engine_result *r,
		  const double *features, const struct feature_times *times, struct rd_err *err)
{
	char band[2] = {r->score.band, '\0'};
	char last[11];
	buf_reset(&w->reasons);
	profile_reasons_json(&w->reasons, &r->score);
	if (r->ncomponents) {
		buf_reset(&w->components);
		profile_components_json(&w->components, r);
	}
	/* The history row first: it holds the reasons and components, and the profile
	 * names it (history_id), so the profile's own row stays as narrow as the list. */
	sqlite3_stmt *u = w->upsert, *h = w->history;
	sqlite3_bind_text(h, 1, customer_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(h, 2, r->score.score);
	sqlite3_bind_text(h, 3, band, 1, SQLITE_STATIC);
	sqlite3_bind_double(h, 4, r->score.pd);
	sqlite3_bind_text(h, 5, r->model_name, -1, SQLITE_STATIC);
	sqlite3_bind_int(h, 6, r->model_version);
	if (w->run_id)
		sqlite3_bind_int64(h, 7, w->run_id);
	else
		sqlite3_bind_null(h, 7);
	sqlite3_bind_text(h, 8, w->now, -1, SQLITE_STATIC);
	sqlite3_bind_text(h, 9, w->reasons.data, (int)w->reasons.len, SQLITE_STATIC);
	if (r->ncomponents)
		sqlite3_bind_text(h, 10, w->components.data, (int)w->components.len, SQLITE_STATIC);
	else
		sqlite3_bind_null(h, 10);
	if (isfinite(r->cutoff_pd))
		sqlite3_bind_double(h, 11, r->cutoff_pd);
	else
		sqlite3_bind_null(h, 11);
	int rc = sqlite3_step(h);
	sqlite3_reset(h);
	if (rc != SQLITE_DONE)
		return store_fail(w->st, err, "writing the score history");
	sqlite3_int64 history_id = sqlite3_last_insert_rowid(store_db(w->st));

	sqlite3_bind_text(u, 1, customer_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(u, 2, r->score.score);
	sqlite3_bind_text(u, 3, band, 1, SQLITE_STATIC);
	sqlite3_bind_double(u, 4, r->score.pd);
	sqlite3_bind_text(u, 5, r->score.risk_level, -1, SQLITE_STATIC);
	sqlite3_bind_text(u, 6, vocab_name(&vocab_segment, (int)r->segment), -1, SQLITE_STATIC);
	sqlite3_bind_text(u, 7, r->model_name, -1, SQLITE_STATIC);
	sqlite3_bind_int(u, 8, r->model_version);
	if (times->last_event != INT64_MIN) {
		day_format(epoch_day(times->last_event), last);
		sqlite3_bind_text(u, 9, last, 10, SQLITE_STATIC);
	} else {
		sqlite3_bind_null(u, 9);
	}
	unsigned char vec[FEATURES_PACKED];
	features_pack(features, vec);
	sqlite3_bind_blob(u, 11, vec, sizeof vec, SQLITE_STATIC);
	char cohort[11];
	int64_t cohort_day = feature_cohort_day(times);
	if (cohort_day != DAY_NONE) {
		day_format(cohort_day, cohort);
		sqlite3_bind_text(u, 12, cohort, 10, SQLITE_STATIC);
	} else {
		sqlite3_bind_null(u, 12);
	}
	sqlite3_bind_text(u, 10, w->now, -1, SQLITE_STATIC);
	sqlite3_bind_text(u, 13, w->as_of, -1, SQLITE_STATIC);
	if (isfinite(r->cutoff_pd))
		sqlite3_bind_double(u, 14, r->cutoff_pd);
	else
		sqlite3_bind_null(u, 14);
	sqlite3_bind_int64(u, 15, w->load_run);
	sqlite3_bind_int64(u, 16, w->data_seq);
	sqlite3_bind_int64(u, 17, history_id);
	rc = sqlite3_step(u);
	sqlite3_reset(u);
	if (rc != SQLITE_DONE)
		return store_fail(w->st, err, "writing the profile");
	return 0;
}
