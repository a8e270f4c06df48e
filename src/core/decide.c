/* Decisions on credit requests (decide.h): features, scores and external records of the
 * applicants, through the serving policy; and the rows that record them. */
#include "riskdesk/decide.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/featscan.h"
#include "riskdesk/profile.h"
#include "riskdesk/stale.h"

#define BATCH 2048 /* applicants scored together (a boosted model scores a batch at once) */
/* Fewer applicants than the customers / this: their features through the indexes, one
 * customer at a time; more: one pass over every event (features_scan). */
#define SCAN_RATIO 32

char *policy_serving(struct rd_store *st, int *version, struct rd_err *err)
{
	sqlite3_stmt *s;
	char *spec = NULL;
	if (store_prepare(st, "SELECT spec, version FROM policies ORDER BY version DESC LIMIT 1",
			  &s, err))
		return NULL;
	if (sqlite3_step(s) == SQLITE_ROW) {
		spec = rd_strdup((const char *)sqlite3_column_text(s, 0));
		*version = sqlite3_column_int(s, 1);
	} else {
		rd_err_set(err, "no credit policy in the store (see 'policy import')");
	}
	sqlite3_finalize(s);
	return spec;
}

struct decider {
	struct rd_store *st;
	struct rd_policy policy;
	int version;
	struct rd_engine *engine;
	sqlite3_stmt *records; /* an applicant's records: source, then one flag per rule */
	int nflags;            /* flag columns */
	int flag_rule[POLICY_RULES_MAX]; /* the rule of each flag column */
};

struct decider *decider_new(struct rd_store *st, struct rd_err *err)
{
	struct decider *d = rd_calloc(1, sizeof *d);
	struct rd_buf sql = {0};
	d->st = st;
	char *spec = policy_serving(st, &d->version, err);
	char name[32];
	snprintf(name, sizeof name, "policy v%d", d->version);
	if (!spec || policy_parse(spec, strlen(spec), name, &d->policy, err) ||
	    !(d->engine = engine_load(st, err)))
		goto fail;
	int records = 0;
	buf_puts(&sql, "SELECT source");
	for (int r = 0; r < d->policy.nrules; r++) {
		enum rd_policy_test t = d->policy.rules[r].test;
		records |= t == POLICY_TEST_RECORD_FLAG || t == POLICY_TEST_RECORD_MISSING;
		if (t != POLICY_TEST_RECORD_FLAG)
			continue;
		/* The field's path is bound (a parameter per column), never pasted. */
		buf_printf(&sql, ", json_type(payload, ?%d) = 'true'", d->nflags + 2);
		d->flag_rule[d->nflags++] = r;
	}
	buf_puts(&sql, " FROM external_records WHERE customer_id = ?1");
	if (records) {
		if (store_prepare(st, sql.data, &d->records, err))
			goto fail;
		for (int k = 0; k < d->nflags; k++) {
			char path[POLICY_NAME_MAX + 8];
			snprintf(path, sizeof path, "$.\"%s\"",
				 d->policy.rules[d->flag_rule[k]].field);
			sqlite3_bind_text(d->records, k + 2, path, -1, SQLITE_TRANSIENT);
		}
	}
	free(spec);
	buf_free(&sql);
	return d;
fail:
	free(spec);
	buf_free(&sql);
	decider_free(d);
	return NULL;
}

void decider_free(struct decider *d)
{
	if (!d)
		return;
	engine_free(d->engine);
	sqlite3_finalize(d->records);
	free(d);
}

const struct rd_policy *decider_policy(const struct decider *d)
{
	return &d->policy;
}

int decider_policy_version(const struct decider *d)
{
	return d->version;
}

/* The applicants of one decider_run. */
struct applicants {
	struct decider *d;
	const struct decide_job *job;
	const struct decide_request *reqs;
	size_t nreqs;
	struct rd_strmap *index; /* customer id -> applicant */
	size_t n;                /* applicants */
	size_t *first;           /* per applicant: its first request, then next[] */
	size_t *next;            /* per request: the applicant's next request, or SIZE_MAX */
	unsigned char *scored;   /* per applicant */
	int64_t visited;         /* requests visited */
	/* the batch */
	size_t nb;
	const char *ids[BATCH];
	size_t who[BATCH]; /* applicant of each */
	double features[BATCH * FEAT_COUNT];
	struct engine_result results[BATCH];
	struct rd_err err;
	int failed;
};

/* The records of an applicant into f's record slots. 0 or -1. */
static int read_records(struct decider *d, const char *customer_id, struct policy_facts *f,
			struct rd_err *err)
{
	policy_facts_begin(f);
	if (!d->records)
		return 0;
	unsigned char flag[POLICY_RULES_MAX] = {0};
	sqlite3_bind_text(d->records, 1, customer_id, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(d->records)) == SQLITE_ROW) {
		for (int k = 0; k < d->nflags; k++)
			flag[d->flag_rule[k]] = (unsigned char)sqlite3_column_int(d->records,
										  k + 1);
		const char *source = (const char *)sqlite3_column_text(d->records, 0);
		policy_record(&d->policy, f, source ? source : "", flag);
	}
	sqlite3_reset(d->records);
	return rc == SQLITE_DONE ? 0 : store_fail(d->st, err, "reading external records");
}

/* Scores the batch and visits its applicants' requests. 0, or 1 to stop (failed: a->failed,
 * or stopped by the visit). */
static int flush(struct applicants *a)
{
	struct decider *d = a->d;
	size_t n = a->nb;
	a->nb = 0;
	if (n == 0)
		return 0;
	if (engine_score_batch(d->engine, n, a->ids, a->features, a->results, &a->err)) {
		a->failed = 1;
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		const struct engine_result *r = &a->results[i];
		struct decide_outcome o = {.score = r, .features = a->features + i * FEAT_COUNT};
		struct policy_facts *f = &o.facts;
		if (read_records(d, a->ids[i], f, &a->err)) {
			a->failed = 1;
			return 1;
		}
		f->score = r->score.score;
		f->band = r->score.band;
		f->pd = r->score.pd;
		f->model_cutoff_pd = r->cutoff_pd;
		f->scaling = r->scaling;
		f->features = o.features;
		a->scored[a->who[i]] = 1;
		for (size_t q = a->first[a->who[i]]; q != SIZE_MAX; q = a->next[q]) {
			f->app = a->reqs[q].app;
			policy_derive(&d->policy, &f->app, &f->derived);
			policy_decide(&d->policy, f, &o.decision);
			a->visited++;
			if (a->job->visit(a->job->ud, &a->reqs[q], &o))
				return 1;
		}
	}
	if (a->job->progress)
		a->job->progress(a->job->ud, "deciding", a->visited, (int64_t)a->nreqs);
	if (a->job->cancel && atomic_load(a->job->cancel))
		return 1;
	return 0;
}

static int add(struct applicants *a, const char *customer_id, const double *features)
{
	int64_t who = strmap_get(a->index, customer_id, strlen(customer_id));
	if (who < 0)
		return 0;
	size_t w = (size_t)who;
	a->ids[a->nb] = a->reqs[a->first[w]].customer_id; /* outlives the batch */
	a->who[a->nb] = w;
	memcpy(a->features + a->nb * FEAT_COUNT, features, FEAT_COUNT * sizeof *features);
	return ++a->nb == BATCH ? flush(a) : 0;
}

static int visit_scan(void *ud, const char *customer_id, const double *values,
		      const struct feature_times *times)
{
	(void)times;
	return add(ud, customer_id, values);
}

/* Adds the applicants whose stored profile is current to the batches; the others go to
 * rest (*nrest of them). 0, or -1 with err; *stop when a flush stopped. */
static int stored_features(struct applicants *a, int64_t as_of_day, struct rd_strmap *rest,
			   size_t *nrest, int *stop, struct rd_err *err)
{
	sqlite3_stmt *s;
	char day[11];
	day_format(as_of_day, day);
	if (store_prepare(a->d->st,
			  "SELECT fvec FROM credit_profiles WHERE customer_id = ?1 AND as_of = ?2"
			  " AND load_run >= ?3 AND length(fvec) = ?4",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 2, day, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, stale_latest_load(a->d->st));
	sqlite3_bind_int(s, 4, FEATURES_PACKED);
	int rc = 0;
	for (size_t w = 0; w < a->n && !*stop; w++) {
		const char *c = a->reqs[a->first[w]].customer_id;
		sqlite3_bind_text(s, 1, c, -1, SQLITE_STATIC);
		int r = sqlite3_step(s);
		if (r == SQLITE_ROW) {
			double f[FEAT_COUNT];
			features_unpack(sqlite3_column_blob(s, 0), f);
			sqlite3_reset(s);
			*stop = add(a, c, f);
			continue;
		}
		sqlite3_reset(s);
		if (r != SQLITE_DONE) {
			rc = store_fail(a->d->st, err, "reading profiles");
			break;
		}
		strmap_put(rest, c, strlen(c), 1);
		(*nrest)++;
	}
	sqlite3_finalize(s);
	return rc;
}

int decider_run(struct decider *d, const struct decide_request *reqs, size_t n,
		const struct decide_job *job, struct rd_err *err)
{
	struct applicants *a = rd_calloc(1, sizeof *a); /* large: the batch */
	struct rd_strmap *rest = NULL;
	int rc = -1;
	a->d = d;
	a->job = job;
	a->reqs = reqs;
	a->nreqs = n;
	a->index = strmap_new(n ? n : 1);
	a->first = rd_malloc((n ? n : 1) * sizeof *a->first);
	a->next = rd_malloc((n ? n : 1) * sizeof *a->next);
	/* Each applicant once, its requests chained in reqs' order. */
	size_t *last = rd_malloc((n ? n : 1) * sizeof *last);
	for (size_t i = 0; i < n; i++) {
		const char *c = reqs[i].customer_id;
		int64_t w = strmap_get(a->index, c, strlen(c));
		a->next[i] = SIZE_MAX;
		if (w < 0) {
			w = (int64_t)a->n++;
			strmap_put(a->index, c, strlen(c), w);
			a->first[w] = i;
		} else {
			a->next[last[w]] = i;
		}
		last[w] = i;
	}
	free(last);
	a->scored = rd_calloc(a->n ? a->n : 1, 1);
	/* The applicants whose profile is current: computed as of the same day, after the
	 * latest load of customers, orders or payments (stale.h). Its features are what would
	 * be computed now; the others' are computed. */
	rest = strmap_new(64);
	size_t nrest = 0;
	int stop = 0;
	if (stored_features(a, job->as_of_day, rest, &nrest, &stop, err))
		goto out;
	int64_t customers = store_int(d->st, "SELECT count(*) FROM customers", 0);
	if (stop || nrest == 0) {
		/* nothing more to read */
	} else if ((int64_t)nrest * SCAN_RATIO < customers) {
		for (size_t w = 0; w < a->n && !stop; w++) {
			double f[FEAT_COUNT];
			struct feature_times times;
			const char *c = reqs[a->first[w]].customer_id;
			if (strmap_get(rest, c, strlen(c)) < 0)
				continue;
			int r = features_one(d->st, job->as_of_day, c, f, &times, err);
			if (r < 0)
				goto out;
			if (r == 0)
				stop = add(a, c, f);
		}
	} else {
		struct feature_scan scan = {
			.as_of_day = job->as_of_day,
			.only = rest,
			.cancel = job->cancel,
			.visit = visit_scan,
			.ud = a,
		};
		stop = features_scan(d->st, &scan, err);
		if (stop < 0)
			goto out;
	}
	if (!stop)
		stop = flush(a);
	if (a->failed) {
		*err = a->err;
		goto out;
	}
	/* The applicants never scored: created after the as-of day (or unknown). */
	for (size_t w = 0; w < a->n && !stop; w++)
		for (size_t q = a->first[w]; q != SIZE_MAX && !a->scored[w] && !stop;
		     q = a->next[q])
			stop = job->visit(job->ud, &reqs[q], NULL);
	rc = stop ? 1 : 0;
out:
	strmap_free(rest);
	strmap_free(a->index);
	free(a->first);
	free(a->next);
	free(a->scored);
	free(a);
	return rc;
}

/* ---- writing ---- */

/* Requests are set from their decisions' rows this many at a time, by one statement: a
 * statement per request cost a sixth of rescore's work in SQLite's per-statement setup; the
 * rows read back are the ones just written, still in the page cache. */
#define WRITE_CHUNK 1024

struct decide_writer {
	struct rd_store *st;
	const struct decider *d;
	int64_t run_id;
	char as_of[11];
	char now[21];
	sqlite3_stmt *ins, *upd;
	struct rd_buf rules, reasons;
	int64_t first, last; /* the decisions written whose requests are not set yet */
	int64_t unset;       /* how many */
};

struct decide_writer *decide_writer_new(struct rd_store *st, const struct decider *d,
					int64_t run_id, int64_t as_of_day, struct rd_err *err)
{
	struct decide_writer *w = rd_calloc(1, sizeof *w);
	w->st = st;
	w->d = d;
	w->run_id = run_id;
	day_format(as_of_day, w->as_of);
	now_iso(w->now);
	if (store_prepare(
		    st,
		    "INSERT INTO decisions(request_id, run_id, origin, status, decided_at,"
		    " score, pd, band, model_name, model_version, policy_version, as_of,"
		    " monthly_payment, dti, pti, lti, cutoff_pd, cutoff_score, rules, reasons)"
		    " VALUES (?1, ?2, 'policy', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
		    " ?14, ?15, ?16, ?17, ?18, ?19)",
		    &w->ins, err) ||
	    /* The decisions' rows in id order, each request found by its key (the unary +
	     * keeps the planner from walking every pending request by the status index). */
	    store_prepare(st,
			  "UPDATE credit_requests SET status = d.status, score = d.score, pd = "
			  "d.pd,"
			  " band = d.band, reasons = d.reasons, rules = d.rules,"
			  " decided_at = d.decided_at, decision_id = d.id FROM decisions d"
			  " WHERE d.id BETWEEN ?1 AND ?2 AND credit_requests.id = d.request_id"
			  " AND +credit_requests.status = 'pending'",
			  &w->upd, err)) {
		decide_writer_free(w);
		return NULL;
	}
	return w;
}

void decide_writer_free(struct decide_writer *w)
{
	if (!w)
		return;
	sqlite3_finalize(w->ins);
	sqlite3_finalize(w->upd);
	buf_free(&w->rules);
	buf_free(&w->reasons);
	free(w);
}

int decide_writer_finish(struct decide_writer *w, struct rd_err *err)
{
	if (w->unset == 0)
		return 0;
	sqlite3_stmt *s = w->upd;
	sqlite3_bind_int64(s, 1, w->first);
	sqlite3_bind_int64(s, 2, w->last);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_fail(w->st, err, "writing a decision");
	if (sqlite3_changes(store_db(w->st)) != w->unset) {
		/* The caller read them pending in this transaction: a request decided twice. */
		sqlite3_stmt *q;
		char e[RD_ECHO_SIZE];
		if (store_prepare(w->st,
				  "SELECT d.request_id FROM decisions d JOIN credit_requests r"
				  " ON r.id = d.request_id WHERE d.id BETWEEN ?1 AND ?2"
				  " AND r.decision_id IS NOT d.id ORDER BY d.id LIMIT 1",
				  &q, err))
			return -1;
		sqlite3_bind_int64(q, 1, w->first);
		sqlite3_bind_int64(q, 2, w->last);
		const char *id = sqlite3_step(q) == SQLITE_ROW
					 ? (const char *)sqlite3_column_text(q, 0)
					 : "?";
		rd_err_set(err, "request %s is no longer pending", rd_echo(e, id, strlen(id)));
		sqlite3_finalize(q);
		return -1;
	}
	w->unset = 0;
	return 0;
}

int decide_write(struct decide_writer *w, const struct decide_request *req,
		 const struct decide_outcome *o, struct rd_err *err)
{
	const struct rd_policy *p = &w->d->policy;
	const struct engine_result *r = o->score;
	const char *status = vocab_name(&vocab_request_decision, (int)o->decision.status);
	char band[2] = {r->score.band, '\0'};
	buf_reset(&w->rules);
	buf_reset(&w->reasons);
	policy_fired_json(p, &o->decision, &w->rules);
	profile_reasons_json(&w->reasons, &r->score);
	sqlite3_stmt *s = w->ins;
	sqlite3_bind_text(s, 1, req->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, w->run_id);
	sqlite3_bind_text(s, 3, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, w->now, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, r->score.score);
	sqlite3_bind_double(s, 6, r->score.pd);
	sqlite3_bind_text(s, 7, band, 1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, r->model_name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 9, r->model_version);
	sqlite3_bind_int(s, 10, w->d->version);
	sqlite3_bind_text(s, 11, w->as_of, -1, SQLITE_STATIC);
	const struct policy_derived *x = &o->facts.derived;
	double num[] = {x->monthly_payment, x->dti, x->pti, x->lti, o->decision.cutoff_pd};
	for (int k = 0; k < 5; k++)
		if (isnan(num[k]))
			sqlite3_bind_null(s, 12 + k);
		else
			sqlite3_bind_double(s, 12 + k, num[k]);
	if (o->decision.cutoff_score)
		sqlite3_bind_int(s, 17, o->decision.cutoff_score);
	else
		sqlite3_bind_null(s, 17);
	sqlite3_bind_text(s, 18, w->rules.data, (int)w->rules.len, SQLITE_STATIC);
	sqlite3_bind_text(s, 19, w->reasons.data, (int)w->reasons.len, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_fail(w->st, err, "writing a decision");
	sqlite3_int64 id = sqlite3_last_insert_rowid(store_db(w->st));
	if (w->unset == 0)
		w->first = id;
	w->last = id;
	if (++w->unset == WRITE_CHUNK) {
		if (decide_writer_finish(w, err))
			return -1;
	}
	return 0;
}

int decide_override(struct rd_store *st, const char *request_id, enum rd_request_decision status,
		    const char *note, int64_t run_id, struct rd_err *err)
{
	sqlite3_stmt *ins = NULL, *upd = NULL;
	const char *name = vocab_name(&vocab_request_decision, (int)status);
	char now[21];
	int rc = -1;
	now_iso(now);
	/* The latest decision's score, derived values, rules and reasons carried over: the
	 * analyst decides otherwise on the same facts, and the row reads alone. */
	if (store_prepare(st,
			  "INSERT INTO decisions(request_id, run_id, origin, status, decided_at,"
			  " score, pd, band, model_name, model_version, policy_version, as_of,"
			  " monthly_payment, dti, pti, lti, cutoff_pd, cutoff_score, rules, "
			  "reasons,"
			  " note) SELECT r.id, ?2, ?3, ?4, ?5, d.score, d.pd, d.band, d.model_name,"
			  " d.model_version, d.policy_version, d.as_of, d.monthly_payment, d.dti,"
			  " d.pti, d.lti, d.cutoff_pd, d.cutoff_score, d.rules, d.reasons, ?6"
			  " FROM credit_requests r LEFT JOIN decisions d ON d.id = r.decision_id"
			  " WHERE r.id = ?1",
			  &ins, err) ||
	    store_prepare(st,
			  "UPDATE credit_requests SET status = ?2, decided_at = ?3, decision_id = "
			  "?4"
			  " WHERE id = ?1",
			  &upd, err))
		goto out;
	sqlite3_bind_text(ins, 1, request_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 2, run_id);
	sqlite3_bind_text(ins, 3, vocab_name(&vocab_decision_origin, DECISION_BY_OVERRIDE), -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(ins, 4, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 5, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 6, note, -1, SQLITE_STATIC);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		store_fail(st, err, "writing the override");
		goto out;
	}
	if (sqlite3_changes(store_db(st)) != 1) {
		char e[RD_ECHO_SIZE];
		rd_err_set(err, "no request %s", rd_echo(e, request_id, strlen(request_id)));
		goto out;
	}
	sqlite3_bind_text(upd, 1, request_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(upd, 2, vocab_name(&vocab_request_status, vocab_request_decided(status)),
			  -1, SQLITE_STATIC);
	sqlite3_bind_text(upd, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(upd, 4, sqlite3_last_insert_rowid(store_db(st)));
	if (sqlite3_step(upd) != SQLITE_DONE) {
		store_fail(st, err, "writing the override");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(upd);
	return rc;
}
