/* recompute ID | all | where EXPR: rescore with the champion models, in one transaction. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_util.h"
#include "riskdesk/command.h"
#include "riskdesk/engine.h"
#include "riskdesk/expr.h"
#include "riskdesk/featscan.h"
#include "riskdesk/journal.h"
#include "riskdesk/monitor.h"
#include "riskdesk/profile.h"
#include "riskdesk/stale.h"

#define BATCH 2048 /* customers scored together: a boosted model scores a batch at once */
#define SHADOWS_MAX 16

/* A challenger in shadow (models.shadow): it scores the customers of its segments into
 * shadow_scores, never the profiles. */
struct shadow {
	char *name;
	int version;
	struct rd_engine *engine; /* it alone, the rules model elsewhere */
	int64_t scored;
};

struct recompute {
	struct rd_ctx *ctx;
	struct rd_engine *engine;
	struct profile_writer *writer;
	int64_t done, total;
	int64_t joined_later; /* customers created after the as-of day: not scored */
	int64_t bands[BANDS]; /* customers per band A..E */
	struct rd_err err;
	int failed;
	size_t n; /* customers in the batch */
	char *ids[BATCH];
	double features[BATCH * FEAT_COUNT];
	struct feature_times times[BATCH];
	struct engine_result results[BATCH];
	struct engine_result last; /* the last customer's result, for `recompute ID` */
	double scoring_s;          /* time in the engine: the models' share of the work */
	struct shadow shadow[SHADOWS_MAX];
	int nshadows;
	int whole_book;                   /* `all`: the shadow rows were cleared first */
	struct engine_result *shadow_out; /* BATCH of them */
	sqlite3_stmt *shadow_put, *shadow_drop;
	int64_t run_id;
	char as_of[11];
	int single; /* recompute ID: its profile is the report */
};

/* The batch scored by each shadow: a row where the model itself scored the customer (its
 * segments), none where the rules model did. 0, or -1 with r->err. */
static int shadow_flush(struct recompute *r, size_t n)
{
	for (int k = 0; k < r->nshadows; k++) {
		struct shadow *sh = &r->shadow[k];
		if (engine_score_batch(sh->engine, n, (const char *const *)r->ids, r->features,
				       r->shadow_out, &r->err))
			return -1;
		for (size_t i = 0; i < n; i++) {
			const struct engine_result *x = &r->shadow_out[i];
			int served = x->model_name && strcmp(x->model_name, sh->name) == 0 &&
				     x->model_version == sh->version;
			sqlite3_stmt *s = served ? r->shadow_put : r->shadow_drop;
			if (!served && r->whole_book)
				continue;
			sqlite3_bind_text(s, 1, sh->name, -1, SQLITE_STATIC);
			sqlite3_bind_int(s, 2, sh->version);
			sqlite3_bind_text(s, 3, r->ids[i], -1, SQLITE_STATIC);
			if (served) {
				char band[2] = {x->score.band, 0};
				sqlite3_bind_int(s, 4, x->score.score);
				sqlite3_bind_double(s, 5, x->score.pd);
				sqlite3_bind_text(s, 6, band, 1, SQLITE_TRANSIENT);
				if (isnan(x->cutoff_pd))
					sqlite3_bind_null(s, 7);
				else
					sqlite3_bind_double(s, 7, x->cutoff_pd);
				sqlite3_bind_int64(s, 8, r->run_id);
				sqlite3_bind_text(s, 9, r->as_of, -1, SQLITE_STATIC);
				sh->scored++;
			}
			int rc = sqlite3_step(s);
			sqlite3_reset(s);
			if (rc != SQLITE_DONE)
				return store_fail(r->ctx->store, &r->err, "writing shadow scores");
		}
	}
	return 0;
}

/* The challengers in shadow, each with its engine; the statements that write their rows.
 * For the whole book their rows go first (a customer no longer in a model's segments loses
 * its row). 0, or -1 with ctx->err. */
static int shadow_open(struct recompute *r, int whole_book)
{
	struct rd_ctx *ctx = r->ctx;
	sqlite3_stmt *s;
	if (store_prepare(ctx->store,
			  "SELECT name, version FROM models WHERE shadow = 1 AND status = "
			  "'challenger'"
			  " ORDER BY name, version",
			  &s, &ctx->err))
		return -1;
	int rc = 0;
	while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
		if (r->nshadows == SHADOWS_MAX) {
			rd_err_set(&ctx->err,
				   "recompute: more than %d challengers in shadow; retire some",
				   SHADOWS_MAX);
			rc = -1;
			break;
		}
		struct shadow *sh = &r->shadow[r->nshadows];
		sh->name = rd_strdup(col_text(s, 0));
		sh->version = sqlite3_column_int(s, 1);
		r->nshadows++;
		if (!(sh->engine = engine_load_model(ctx->store, sh->name, sh->version, &ctx->err)))
			rc = -1;
	}
	sqlite3_finalize(s);
	/* The whole book: the rows of the last recompute go, those of a model no longer in
	 * shadow too. */
	if (rc || (whole_book && store_exec(ctx->store, "DELETE FROM shadow_scores", &ctx->err)))
		return -1;
	if (r->nshadows == 0)
		return 0;
	r->whole_book = whole_book;
	r->shadow_out = rd_malloc(BATCH * sizeof *r->shadow_out);
	if (store_prepare(ctx->store,
			  "INSERT INTO shadow_scores(name, version, customer_id, score, pd, band,"
			  " cutoff_pd, run_id, as_of) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
			  " ON CONFLICT(name, version, customer_id) DO UPDATE SET score ="
			  " excluded.score, pd = excluded.pd, band = excluded.band, cutoff_pd ="
			  " excluded.cutoff_pd, run_id = excluded.run_id, as_of = excluded.as_of",
			  &r->shadow_put, &ctx->err) ||
	    store_prepare(ctx->store,
			  "DELETE FROM shadow_scores WHERE name = ?1 AND version = ?2 AND"
			  " customer_id = ?3",
			  &r->shadow_drop, &ctx->err))
		return -1;
	return 0;
}

static void shadow_close(struct recompute *r)
{
	for (int k = 0; k < r->nshadows; k++) {
		free(r->shadow[k].name);
		engine_free(r->shadow[k].engine);
	}
	free(r->shadow_out);
	sqlite3_finalize(r->shadow_put);
	sqlite3_finalize(r->shadow_drop);
}

/* Scores and writes the batch. 0, or 1 to stop (failed or cancelled). */
static int flush(struct recompute *r)
{
	size_t n = r->n;
	if (n == 0)
		return 0;
	double t0 = now_seconds();
	int stop = engine_score_batch(r->engine, n, (const char *const *)r->ids, r->features,
				      r->results, &r->err) != 0;
	r->scoring_s += now_seconds() - t0;
	for (size_t i = 0; i < n && !stop; i++) {
		if (profile_write(r->writer, r->ids[i], &r->results[i],
				  r->features + i * FEAT_COUNT, &r->times[i], &r->err))
			stop = 1;
		r->bands[vocab_band_index(r->results[i].score.band)]++;
	}
	if (!stop && r->nshadows && shadow_flush(r, n))
		stop = 1;
	r->failed |= stop;
	if (n)
		r->last = r->results[n - 1];
	for (size_t i = 0; i < n; i++)
		free(r->ids[i]);
	r->n = 0;
	r->done += (int64_t)n;
	if (!stop) {
		if (ctx_cancelled(r->ctx))
			return 1;
		sink_progress(r->ctx->out, "scoring", r->done, r->total);
	}
	return stop;
}

static int visit(void *ud, const char *customer_id, const double *features,
		 const struct feature_times *times)
{
	struct recompute *r = ud;
	r->ids[r->n] = rd_strdup(customer_id);
	memcpy(r->features + r->n * FEAT_COUNT, features, FEAT_COUNT * sizeof *features);
	r->times[r->n++] = *times;
	return r->n == BATCH ? flush(r) : 0;
}

static void on_progress(void *ud, const char *phase, int64_t done, int64_t total)
{
	struct recompute *r = ud;
	sink_progress(r->ctx->out, phase, done, total);
}

/* The ids matching a where-expression, as a set. NULL with err. */
static struct rd_strmap *select_ids(struct rd_ctx *ctx, const char *text, int64_t *count)
{
	struct rd_expr *e = expr_compile_pii(text, ctx->store, ctx->settings.pii, &ctx->err);
	if (!e)
		return NULL;
	struct rd_buf sql = {0};
	buf_printf(&sql,
		   "SELECT c.id FROM customers c LEFT JOIN credit_profiles p ON p.customer_id = "
		   "c.id"
		   " WHERE %s",
		   expr_sql(e));
	sqlite3_stmt *s;
	struct rd_strmap *ids = NULL;
	if (store_prepare(ctx->store, sql.data, &s, &ctx->err) == 0) {
		expr_bind(e, s, 1);
		ids = strmap_new(1024);
		int rc;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			strmap_put(ids, (const char *)sqlite3_column_text(s, 0),
				   (size_t)sqlite3_column_bytes(s, 0), 1);
		if (rc != SQLITE_DONE) {
			store_fail(ctx->store, &ctx->err, "where");
			strmap_free(ids);
			ids = NULL;
		}
		sqlite3_finalize(s);
	}
	if (ids)
		*count = (int64_t)strmap_count(ids);
	buf_free(&sql);
	expr_free(e);
	return ids;
}

/* `recompute changed`: the customers whose rows a load changed after their profile was
 * computed, and those without a profile (stale.h's data sequence). Read inside the run's
 * transaction, the one the profiles' data_seq is read in. As an array and, when many, a
 * set for the scan. -1 with err. */
static int changed_ids(struct rd_ctx *ctx, char ***ids, int64_t *n)
{
	sqlite3_stmt *s;
	*ids = NULL;
	*n = 0;
	if (store_prepare(ctx->store,
			  "SELECT c.id FROM customers c LEFT JOIN credit_profiles p ON"
			  " p.customer_id = c.id WHERE p.customer_id IS NULL OR c.changed_seq >"
			  " p.data_seq",
			  &s, &ctx->err))
		return -1;
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((size_t)*n == cap) {
			cap = cap ? 2 * cap : 256;
			*ids = rd_realloc(*ids, cap * sizeof **ids);
		}
		(*ids)[(*n)++] = rd_strdup((const char *)sqlite3_column_text(s, 0));
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(ctx->store, &ctx->err, "finding the changed");
}

/* The changed customers one at a time through the customer index: a day's events touch a
 * small part of the book, and reading all of it for them would cost a full recompute. */
static int score_each(struct recompute *r, int64_t as_of_day, char **ids, int64_t n)
{
	struct rd_ctx *ctx = r->ctx;
	for (int64_t i = 0; i < n; i++) {
		double f[FEAT_COUNT];
		struct feature_times times;
		int rc = features_one(ctx->store, as_of_day, ids[i], f, &times, &ctx->err);
		if (rc < 0)
			return -1;
		if (rc == 2)
			r->joined_later++;
		if (rc == 0 && visit(r, ids[i], f, &times))
			return r->failed ? -1 : 1;
	}
	return flush(r) ? (r->failed ? -1 : 1) : 0;
}

static void report(struct rd_ctx *ctx, const struct recompute *r, int64_t as_of_day, double secs)
{
	char day[11];
	day_format(as_of_day, day);
	if (r->single && r->done == 1) {
		const struct engine_result *x = &r->last;
		sink_fieldf(ctx->out, "profile", "score", COL_NUM, "%d", x->score.score);
		sink_fieldf(ctx->out, "profile", "band", COL_TEXT, "%c", x->score.band);
		sink_fieldf(ctx->out, "profile", "pd", COL_NUM, "%.4f", x->score.pd);
		sink_field(ctx->out, "profile", "risk_level", x->score.risk_level, COL_TEXT);
		sink_field(ctx->out, "profile", "segment",
			   vocab_name(&vocab_segment, (int)x->segment), COL_TEXT);
		char model[PROFILE_MODEL_SIZE];
		sink_field(ctx->out, "profile", "model",
			   profile_model_label(x->model_name, x->model_version, model,
					       sizeof model),
			   COL_TEXT);
		sink_field(ctx->out, "profile", "as_of", day, COL_TEXT);
		return;
	}
	static const char *const cols[] = {"band", "customers", "share"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_NUM, COL_NUM};
	sink_table_begin(ctx->out, "bands", 3, cols, kinds);
	for (int b = 0; b < BANDS; b++) {
		const char *band = vocab_name(&vocab_band, b);
		char n[24], share[24];
		snprintf(n, sizeof n, "%lld", (long long)r->bands[b]);
		snprintf(share, sizeof share, "%.1f%%",
			 r->done ? 100.0 * (double)r->bands[b] / (double)r->done : 0.0);
		const char *row[] = {band, n, share};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);
	sink_message(ctx->out, "recomputed %lld customers in %.2f s (as of %s)", (long long)r->done,
		     secs, day);
	if (r->joined_later)
		sink_message(ctx->out,
			     "%lld customers created after %s were not scored (their"
			     " profiles, if any, are unchanged)",
			     (long long)r->joined_later, day);
	for (int k = 0; k < r->nshadows; k++)
		sink_message(ctx->out,
			     "in shadow: %s@%d scored %lld customers of its segments "
			     "(shadow_scores;"
			     " never serving)",
			     r->shadow[k].name, r->shadow[k].version,
			     (long long)r->shadow[k].scored);
	if (engine_has_trained(r->engine) && r->scoring_s > 0)
		/* The rest is computing the features and writing profiles and history. */
		sink_message(ctx->out, "scoring by the trained champions: %.2f s, %.0f customers/s",
			     r->scoring_s, (double)r->done / r->scoring_s);
}

static int exec_recompute(struct rd_ctx *ctx, const struct rd_args *a)
{
	/* --id names one customer whatever its id says, even `all` or `where`: how keys
	 * pass the selected customer. */
	const char *id = args_opt(a, "id");
	const char *what = id ? id : a->argc ? a->argv[0] : "";
	int is_all = !id && strcmp(what, "all") == 0, is_where = !id && strcmp(what, "where") == 0;
	int is_changed = !id && strcmp(what, "changed") == 0;
	char **changed = NULL, *serving = NULL, *noted = NULL;
	int64_t nchanged = 0;
	struct recompute *r = NULL;
	struct rd_strmap *only = NULL;
	struct rd_run own, *run = NULL;
	struct store_indexes indexes = {0};
	int64_t as_of_day;
	int status = RD_FAILED;
	if (id ? a->argc != 0 : (a->argc == 0 || (is_where ? a->argc < 2 : a->argc != 1))) {
		rd_err_set(&ctx->err, "usage: recompute ID | all | changed | where EXPR | --id ID");
		return RD_USAGE;
	}
	/* --as-of for this run, else the setting (SPEC §4: point-in-time). */
	const char *as_of = args_opt(a, "as-of");
	if (features_as_of(ctx->store, as_of ? as_of : ctx->settings.as_of, &as_of_day, &ctx->err))
		return RD_FAILED;
	r = rd_calloc(1, sizeof *r); /* large: the batch */
	r->ctx = ctx;
	r->engine = engine_load(ctx->store, &ctx->err);
	if (!r->engine)
		goto out;
	if (is_where) {
		char *text = args_raw(a, 1, a->argc);
		only = select_ids(ctx, text, &r->total);
		free(text);
		if (!only)
			goto out;
	} else if (is_all) {
		r->total = store_int(ctx->store, "SELECT count(*) FROM customers", 0);
	} else if (!is_changed) {
		r->total = 1;
		r->single = 1;
	}
	/* `all` (and `changed` may become it) sorts every profile into its indexes. */
	if (!(run = run_enter(ctx, &own, "recompute", &ctx->err)) ||
	    store_sort_on_disk(ctx->store, 1, &ctx->err) || store_begin(ctx->store, &ctx->err))
		goto out;
	/* What serves now; stored by every run that scores the whole book. When it differs
	 * from what the profiles were computed with, `changed` is every customer. */
	if ((is_all || is_changed) && !(serving = stale_serving(ctx->store, &ctx->err)))
		goto out;
	if (is_changed) {
		noted = stale_serving_noted(ctx->store);
		if (!noted || strcmp(noted, serving) != 0) {
			is_all = 1;
			is_changed = 0;
			r->total = store_int(ctx->store, "SELECT count(*) FROM customers", 0);
			sink_message(ctx->out, "recompute changed: %s; every customer is rescored",
				     noted ? "the serving models changed since the profiles were "
					     "computed"
					   : "no recompute of every customer since schema 20");
		} else {
			if (changed_ids(ctx, &changed, &nchanged))
				goto out;
			r->total = nchanged;
			int64_t book = store_int(ctx->store, "SELECT count(*) FROM customers", 0);
			sink_message(ctx->out,
				     "recompute changed: %lld of %lld customers changed since "
				     "their "
				     "profiles",
				     (long long)nchanged, (long long)book);
			/* Many: one scan of the events beats an index probe each. */
			if (nchanged * 20 > book) {
				only = strmap_new((size_t)nchanged);
				for (int64_t i = 0; i < nchanged; i++)
					strmap_put(only, changed[i], strlen(changed[i]), 1);
				is_where = 1;
			}
		}
	}
	/* Every profile is rewritten: their indexes are built again after, not row by row —
	 * but for two that the writes fill in order (customers come in id order, featscan.h):
	 * profiles_drift leads with the customer id, profiles_stale with a few models and
	 * segments, each then in rowid order. Kept, they grow at their ends; built again, each
	 * is one more pass over every profile row (the widest, the drift index, the longest). */
	static const char *const in_order[] = {"profiles_drift", "profiles_stale", NULL};
	if (is_all &&
	    store_indexes_drop(ctx->store, "credit_profiles", in_order, &indexes, &ctx->err))
		goto out;
	r->writer = profile_writer_new(ctx->store, run->id, as_of_day, &ctx->err);
	r->run_id = run->id;
	day_format(as_of_day, r->as_of);
	if (!r->writer || shadow_open(r, is_all))
		goto out;
	/* Many customers: exact-SHAP reasons are ranked by path attributions, computed
	 * exactly where shown or exported (docs/design.md, issue 15 item 3); one customer's
	 * are exact. Shadows store no reasons. */
	if (!r->single)
		engine_rank_reasons(r->engine);
	for (int k = 0; k < r->nshadows; k++)
		engine_rank_reasons(r->shadow[k].engine);
	if (is_changed && !only) {
		int rc = score_each(r, as_of_day, changed, nchanged);
		if (rc < 0)
			goto out;
		if (rc == 1) {
			rd_err_set(&ctx->err, "recompute cancelled: nothing was changed");
			goto out;
		}
	} else if (!is_all && !is_where) {
		double f[FEAT_COUNT];
		struct feature_times times;
		int rc = features_one(ctx->store, as_of_day, what, f, &times, &ctx->err);
		char e[RD_ECHO_SIZE];
		char day[11];
		day_format(as_of_day, day);
		if (rc == 1)
			rd_err_set(&ctx->err, "recompute: no customer %s",
				   rd_echo(e, what, strlen(what)));
		else if (rc == 2)
			rd_err_set(&ctx->err,
				   "recompute: customer %s was created after the as-of date"
				   " %s: not scored",
				   rd_echo(e, what, strlen(what)), day);
		if (rc || visit(r, what, f, &times) || flush(r))
			goto out;
	} else if (r->total > 0) {
		struct feature_scan scan = {
			.as_of_day = as_of_day,
			.only = only,
			.cancel = ctx->cancel,
			.progress = on_progress,
			.ud = r,
			.visit = visit,
			.joined_later = &r->joined_later,
		};
		int rc = features_scan(ctx->store, &scan, &ctx->err);
		if (rc < 0)
			goto out;
		if (rc == 0)
			rc = flush(r); /* the last, partial batch */
		if (rc == 1 && !r->failed) {
			rd_err_set(&ctx->err, "recompute cancelled: nothing was changed");
			status = RD_FAILED;
			goto out;
		}
	}
	if (r->failed) {
		ctx->err = r->err;
		goto out;
	}
	if (store_indexes_restore(ctx->store, &indexes, &ctx->err))
		goto out;
	/* The first full recompute gives the rules model its drift reference (SPEC §9). */
	size_t baseline_rows = 0;
	if (is_all && r->done > 0 && monitor_needs_baseline(ctx->store) &&
	    monitor_baseline(ctx->store, &baseline_rows, &ctx->err))
		goto out;
	if (is_all && stale_note_serving(ctx->store, serving, &ctx->err))
		goto out;
	if (run_finish_ok(ctx, run, r->done, NULL, &ctx->err) ||
	    store_commit(ctx->store, &ctx->err))
		goto out;
	if (!is_changed || nchanged > 0) /* nothing changed: its message says it all */
		report(ctx, r, as_of_day, now_seconds() - run->t0);
	if (baseline_rows)
		sink_message(ctx->out,
			     "drift reference of the rules model: these %zu profiles"
			     " ('drift baseline' renews it)",
			     baseline_rows);
	status = RD_OK;
out:
	if (run) {
		store_rollback(ctx->store);
		store_sort_on_disk(ctx->store, 0, &(struct rd_err){{0}});
		if (status != RD_OK)
			run->rows = r->done;
		run_leave(ctx, &own, status);
	}
	store_indexes_free(&indexes); /* the rollback brought them back */
	profile_writer_free(r->writer);
	shadow_close(r);
	engine_free(r->engine);
	strmap_free(only);
	for (int64_t i = 0; i < nchanged; i++)
		free(changed[i]);
	free(changed);
	free(serving);
	free(noted);
	for (size_t i = 0; i < r->n; i++)
		free(r->ids[i]);
	free(r);
	return status;
}

static const struct rd_opt recompute_opts[] = {
	{"id", "ID",
	 "the customer with exactly this id (even one called 'all', 'changed' or 'where');"
	 " the"
	 " console's r key uses it"},
	{"as-of", "DATE", "compute the features from the events on or before DATE (this run only)"},
	{NULL, NULL, NULL},
};

static const struct rd_arg recompute_args[] = {
	{.at = 0,
	 .values = {.type = RD_ARG_CUSTOMER,
		    .words = (const char *const[]){"all", "changed", "where", NULL}}},
	{.when = "where", .at = 1, .rest = 1, .values = {.type = RD_ARG_EXPR}},
	{.opt = "id", .values = {.type = RD_ARG_CUSTOMER}},
	RD_ARGS_END,
};

const struct rd_cmd cmd_recompute = {
	.name = "recompute",
	.usage = "ID | all | changed | where EXPR | --id ID  [--as-of DATE]",
	.summary = "rescore one customer, all, those changed since their profiles, or those "
		   "matching EXPR (band=E, score<550, ...)",
	.help = "Computes the features as of the dataset's as-of date (--as-of, else 'set as-of', "
		"else the latest event), point-in-time: only orders and payments on or before that "
		"day count, and customers created after it are not scored. Scores with the "
		"champion "
		"models (rules when none is trained), and writes profiles (each records its as-of "
		"day) and score history in one transaction: a cancelled or failed recompute "
		"changes "
		"nothing. 'changed' rescores only the customers a load changed after their "
		"profile was computed (their row or attributes, orders, payments or outcome) and "
		"those without a profile, each as of the current as-of date while the others keep "
		"theirs; every customer when the serving models, their weights or cut-offs, or "
		"the challengers in shadow changed since the last recompute of every customer.",
	.min_args = 0,
	.max_args = -1,
	.flags = CMD_WRITES | CMD_LONG,
	.opts = recompute_opts,
	.args = recompute_args,
	.exec = exec_recompute,
};
