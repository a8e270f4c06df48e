/* Champion models, routing and profile writing. */
#include "riskdesk/engine.h"

#include <stdlib.h>
#include <string.h>

struct rd_engine {
	struct rules_model rules; /* the rules champion */
	char *rules_name;
	int rules_version;
};

struct rd_engine *engine_load(struct rd_store *st, struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st,
			  "SELECT name, version, spec FROM models WHERE name = 'rules' AND algo = 'rules'"
			  " AND status = 'champion' ORDER BY version DESC LIMIT 1",
			  &s, err))
		return NULL;
	struct rd_engine *e = NULL;
	if (sqlite3_step(s) != SQLITE_ROW) {
		rd_err_set(err, "no rules model is champion (see 'rules import')");
		goto out;
	}
	e = rd_calloc(1, sizeof *e);
	e->rules_name = rd_strdup((const char *)sqlite3_column_text(s, 0));
	e->rules_version = sqlite3_column_int(s, 1);
	if (rules_parse((const char *)sqlite3_column_text(s, 2), &e->rules, err)) {
		engine_free(e);
		e = NULL;
	}
out:
	sqlite3_finalize(s);
	return e;
}

void engine_free(struct rd_engine *e)
{
	if (!e)
		return;
	free(e->rules_name);
	free(e);
}

const char *engine_segment(const double *f)
{
	return f[FEAT_ORDERS_DELIVERED] < SEGMENT_NEW_BELOW ? "new" : "existing";
}

int engine_score(struct rd_engine *e, const double *features, struct engine_result *out,
		 struct rd_err *err)
{
	(void)err;
	rules_score(&e->rules, features, &out->score);
	out->segment = engine_segment(features);
	out->model_name = e->rules_name;
	out->model_version = e->rules_version;
	return 0;
}

struct profile_writer {
	struct rd_store *st;
	sqlite3_stmt *upsert;  /* credit_profiles */
	sqlite3_stmt *history; /* score_history */
	int64_t run_id;
	char now[21];
	struct rd_buf features, reasons;
};

struct profile_writer *profile_writer_new(struct rd_store *st, int64_t run_id, struct rd_err *err)
{
	struct profile_writer *w = rd_calloc(1, sizeof *w);
	w->st = st;
	w->run_id = run_id;
	now_iso(w->now);
	if (store_prepare(st,
			  "INSERT INTO credit_profiles(customer_id, score, band, pd, risk_level, segment,"
			  " model_name, model_version, features, reasons, components, last_activity,"
			  " computed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, NULL, ?11, ?12)"
			  " ON CONFLICT(customer_id) DO UPDATE SET score = excluded.score,"
			  " band = excluded.band, pd = excluded.pd, risk_level = excluded.risk_level,"
			  " segment = excluded.segment, model_name = excluded.model_name,"
			  " model_version = excluded.model_version, features = excluded.features,"
			  " reasons = excluded.reasons, components = excluded.components,"
			  " last_activity = excluded.last_activity, computed_at = excluded.computed_at",
			  &w->upsert, err) ||
	    store_prepare(st,
			  "INSERT INTO score_history(customer_id, score, band, pd, model_name,"
			  " model_version, run_id, computed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
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
	buf_free(&w->features);
	buf_free(&w->reasons);
	free(w);
}

void reasons_json(struct rd_buf *b, const struct rd_score *s)
{
	buf_putc(b, '[');
	for (int i = 0; i < s->nreasons; i++) {
		const struct rd_reason *r = &s->reasons[i];
		buf_puts(b, i ? ",{\"code\":" : "{\"code\":");
		buf_json_string(b, r->code);
		buf_puts(b, ",\"text\":");
		buf_json_string(b, r->text);
		buf_puts(b, ",\"feature\":");
		if (r->feature >= 0)
			buf_json_string(b, feature_names[r->feature]);
		else
			buf_puts(b, "null");
		buf_puts(b, ",\"value\":");
		buf_json_number(b, r->value);
		buf_puts(b, ",\"points\":");
		/* Points lost to two decimals: enough for people, stable in goldens. */
		buf_json_number(b, (double)(int64_t)(r->points * 100 + 0.5) / 100);
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
}

int profile_write(struct profile_writer *w, const char *customer_id, const struct engine_result *r,
		  const double *features, int64_t last_event, struct rd_err *err)
{
	char band[2] = {r->score.band, '\0'};
	char last[11];
	buf_reset(&w->features);
	buf_reset(&w->reasons);
	features_json(&w->features, features);
	reasons_json(&w->reasons, &r->score);
	sqlite3_stmt *u = w->upsert, *h = w->history;
	sqlite3_bind_text(u, 1, customer_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(u, 2, r->score.score);
	sqlite3_bind_text(u, 3, band, 1, SQLITE_STATIC);
	sqlite3_bind_double(u, 4, r->score.pd);
	sqlite3_bind_text(u, 5, r->score.risk_level, -1, SQLITE_STATIC);
	sqlite3_bind_text(u, 6, r->segment, -1, SQLITE_STATIC);
	sqlite3_bind_text(u, 7, r->model_name, -1, SQLITE_STATIC);
	sqlite3_bind_int(u, 8, r->model_version);
	sqlite3_bind_text(u, 9, w->features.data, (int)w->features.len, SQLITE_STATIC);
	sqlite3_bind_text(u, 10, w->reasons.data, (int)w->reasons.len, SQLITE_STATIC);
	if (last_event != INT64_MIN) {
		day_format(epoch_day(last_event), last);
		sqlite3_bind_text(u, 11, last, 10, SQLITE_STATIC);
	} else {
		sqlite3_bind_null(u, 11);
	}
	sqlite3_bind_text(u, 12, w->now, -1, SQLITE_STATIC);
	int rc = sqlite3_step(u);
	sqlite3_reset(u);
	if (rc != SQLITE_DONE)
		return store_fail(w->st, err, "writing the profile");
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
	rc = sqlite3_step(h);
	sqlite3_reset(h);
	if (rc != SQLITE_DONE)
		return store_fail(w->st, err, "writing the score history");
	return 0;
}
