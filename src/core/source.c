/* External sources and `refresh stale` (source.h). */
#include "riskdesk/source.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/fetch.h"
#include "riskdesk/sink.h"

int source_name_ok(const char *s, size_t len)
{
	if (len == 0 || len > SOURCE_NAME_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

int source_argv_parse(const char *json, int *argc, char ***argv, struct rd_err *err)
{
	cJSON *a = cJSON_Parse(json ? json : "");
	int n = cJSON_IsArray(a) ? cJSON_GetArraySize(a) : -1;
	*argc = 0;
	*argv = NULL;
	if (n < 1 || n > SOURCE_ARGV_MAX) {
		cJSON_Delete(a);
		rd_err_set(err, "a source's command is not a JSON array of 1 to %d words",
			   SOURCE_ARGV_MAX);
		return -1;
	}
	char **v = rd_calloc((size_t)n + 1, sizeof *v);
	int i = 0;
	for (const cJSON *w = a->child; w; w = w->next, i++) {
		if (!cJSON_IsString(w)) {
			cJSON_Delete(a);
			fetch_argv_free(v);
			rd_err_set(err, "a source's command has a word that is not a string");
			return -1;
		}
		v[i] = rd_strdup(w->valuestring);
	}
	cJSON_Delete(a);
	*argc = n;
	*argv = v;
	return 0;
}

int source_add(const struct rd_job *job, const char *name, int argc, const char *const *argv,
	       int64_t ttl_days, double timeout, struct rd_err *err)
{
	struct rd_store *st = job->store;
	const char *why = fetch_argv_problem(argc, argv);
	char echo[RD_ECHO_SIZE];
	if (!source_name_ok(name, strlen(name))) {
		rd_err_set(err,
			   "source add: %s is not a source name (letters, digits, '_', '-' and"
			   " '.'; at most %d bytes)",
			   rd_echo(echo, name, strlen(name)), SOURCE_NAME_MAX);
		return -1;
	}
	if (why || argc > SOURCE_ARGV_MAX) {
		rd_err_set(err, "source add: the command %s", why ? why : "has too many words");
		return -1;
	}
	if (ttl_days < 0 || ttl_days > SOURCE_TTL_MAX || !(timeout > 0) ||
	    timeout > FETCH_TIMEOUT_MAX) {
		rd_err_set(err,
			   "source add: the TTL is 0 to %d days, the timeout above 0 and at"
			   " most %g s",
			   SOURCE_TTL_MAX, FETCH_TIMEOUT_MAX);
		return -1;
	}
	struct rd_buf words = {0};
	buf_putc(&words, '[');
	for (int i = 0; i < argc; i++) {
		if (i)
			buf_putc(&words, ',');
		buf_json_string(&words, argv[i]);
	}
	buf_putc(&words, ']');
	struct rd_run own, *run;
	sqlite3_stmt *s = NULL;
	int rc = -1;
	if (!(run = job_run(job, &own, "source add", err))) {
		buf_free(&words);
		return -1;
	}
	char now[21];
	now_iso(now);
	if (store_begin(st, err))
		goto out;
	int replaced = store_prepare(st, "SELECT 1 FROM sources WHERE name = ?1", &s, err) == 0 &&
		       sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC) == SQLITE_OK &&
		       sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	if (store_prepare(st,
			  "INSERT INTO sources(name, argv, ttl_days, timeout, created_at)"
			  " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (name) DO UPDATE SET"
			  " argv = excluded.argv, ttl_days = excluded.ttl_days,"
			  " timeout = excluded.timeout",
			  &s, err))
		goto out;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, words.data, (int)words.len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, ttl_days);
	sqlite3_bind_double(s, 4, timeout);
	sqlite3_bind_text(s, 5, now, -1, SQLITE_STATIC);
	int step = sqlite3_step(s);
	sqlite3_finalize(s);
	if (step != SQLITE_DONE) {
		store_fail(st, err, "source add");
		goto out;
	}
	if (run_mark_ok(st, run, 1, replaced ? "replaced" : "added", err) || store_commit(st, err))
		goto out;
	rc = replaced;
out:
	store_rollback(st);
	job_run_end(job, &own, rc < 0 ? -1 : 0, err);
	buf_free(&words);
	return rc;
}

int source_remove(const struct rd_job *job, const char *name, struct rd_err *err)
{
	struct rd_store *st = job->store;
	struct rd_run own, *run;
	sqlite3_stmt *s;
	int rc = -1;
	if (!(run = job_run(job, &own, "source remove", err)))
		return -1;
	if (store_begin(st, err) ||
	    store_prepare(st, "DELETE FROM sources WHERE name = ?1", &s, err))
		goto out;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	int step = sqlite3_step(s);
	sqlite3_finalize(s);
	if (step != SQLITE_DONE) {
		store_fail(st, err, "source remove");
		goto out;
	}
	if (sqlite3_changes(store_db(st)) == 0) {
		char echo[RD_ECHO_SIZE];
		rd_err_set(err, "source remove: no source named %s ('source list' shows them)",
			   rd_echo(echo, name, strlen(name)));
		rc = 1;
		goto out;
	}
	if (run_mark_ok(st, run, 1, NULL, err) || store_commit(st, err))
		goto out;
	rc = 0;
out:
	store_rollback(st);
	job_run_end(job, &own, rc, err);
	return rc;
}

/* A record counts as stale when its fetched_at is older than the TTL in days (?2) from now;
 * a date SQLite cannot read is stale too. */
#define STALE_SQL "coalesce(julianday(fetched_at), 0) < julianday('now') - ?2"

sqlite3_stmt *source_list(struct rd_store *st, struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st,
			  "SELECT s.name, s.argv, s.ttl_days, s.timeout,"
			  " (SELECT count(*) FROM external_records e WHERE e.source = s.name) AS"
			  " records,"
			  " (SELECT count(*) FROM external_records e WHERE e.source = s.name AND"
			  " coalesce(julianday(e.fetched_at), 0) < julianday('now') - s.ttl_days)"
			  " AS stale,"
			  " (SELECT a.started_at || ' ' || a.status FROM fetch_attempts a WHERE"
			  " a.source = s.name ORDER BY a.id DESC LIMIT 1) AS last_attempt"
			  " FROM sources s ORDER BY s.name",
			  &s, err))
		return NULL;
	return s;
}

sqlite3_stmt *source_attempts(struct rd_store *st, const char *source, int64_t limit,
			      struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st,
			  "SELECT * FROM (SELECT id, started_at, source, key, status,"
			  " round(seconds, 3) AS seconds, message FROM fetch_attempts"
			  " WHERE ?1 IS NULL OR source = ?1 ORDER BY id DESC LIMIT ?2) ORDER BY id",
			  &s, err))
		return NULL;
	if (source)
		sqlite3_bind_text(s, 1, source, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, limit);
	return s;
}

/* ---- refresh ---- */

struct src {
	char *name;
	int argc;
	char **argv;
	int64_t ttl_days;
	double timeout;
};

/* One stale record to fetch. */
struct item {
	int src;          /* index of its source */
	char *key;        /* the record's key */
	char *fetched_at; /* as it was when selected: stored only if it still is */
	char **argv;      /* the call */
};

/* A result waiting to be written. */
struct done {
	size_t item;
	int status;
	char *payload; /* ok: the text printed */
	char *message;
	char started_at[21], finished_at[21];
	double seconds;
};

#define FLUSH_ROWS 64          /* results written together */
#define FLUSH_BYTES (4u << 20) /* ... or as soon as they hold this much */
#define FLUSH_SECONDS 1.0      /* ... or this long after the previous write */

struct refresh {
	const struct rd_job *job;
	struct rd_run *run;
	struct src *srcs;
	int nsrcs;
	struct item *items;
	size_t nitems;
	struct done *pending;
	size_t npending, pending_bytes;
	double last_flush;
	sqlite3_stmt *valid, *update, *attempt;
	struct source_refresh_report *rep;
	struct rd_err *err;
};

static void pending_clear(struct refresh *r)
{
	for (size_t i = 0; i < r->npending; i++) {
		free(r->pending[i].payload);
		free(r->pending[i].message);
	}
	r->npending = 0;
	r->pending_bytes = 0;
}

/* Writes one result: the record when ok, and its attempt. 0 or -1. */
static int write_one(struct refresh *r, struct done *d)
{
	struct item *it = &r->items[d->item];
	struct source_refresh_count *c = &r->rep->sources[it->src];
	struct rd_store *st = r->job->store;
	const char *message = d->message;
	char *note = NULL;
	if (d->status == FETCH_OK) {
		/* cJSON took it; SQLite, which stores it minified, must too. */
		sqlite3_reset(r->valid);
		sqlite3_bind_text(r->valid, 1, d->payload, -1, SQLITE_STATIC);
		int valid = sqlite3_step(r->valid) == SQLITE_ROW &&
			    sqlite3_column_int(r->valid, 0) == 1;
		sqlite3_reset(r->valid);
		if (!valid) {
			d->status = FETCH_MALFORMED;
			message = "its output is JSON that SQLite does not read";
		}
	}
	if (d->status == FETCH_OK) {
		sqlite3_stmt *u = r->update;
		sqlite3_reset(u);
		sqlite3_bind_text(u, 1, r->srcs[it->src].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(u, 2, it->key, -1, SQLITE_STATIC);
		sqlite3_bind_text(u, 3, d->payload, -1, SQLITE_STATIC);
		sqlite3_bind_text(u, 4, d->finished_at, -1, SQLITE_STATIC);
		sqlite3_bind_text(u, 5, it->fetched_at, -1, SQLITE_STATIC);
		if (sqlite3_step(u) != SQLITE_DONE)
			return store_fail(st, r->err, "refresh: storing a record");
		if (sqlite3_changes(store_db(st)) == 1) {
			c->stored++;
		} else {
			note = rd_malloc(strlen(message) + 80);
			sprintf(note,
				"not stored: the record was replaced or removed meanwhile%s%s",
				*message ? "; " : "", message);
			message = note;
		}
	}
	c->n[d->status]++;
	sqlite3_stmt *a = r->attempt;
	sqlite3_reset(a);
	sqlite3_bind_int64(a, 1, r->run->id);
	sqlite3_bind_text(a, 2, r->srcs[it->src].name, -1, SQLITE_STATIC);
	sqlite3_bind_text(a, 3, it->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(a, 4, d->started_at, -1, SQLITE_STATIC);
	sqlite3_bind_double(a, 5, d->seconds);
	sqlite3_bind_text(a, 6, vocab_name(&vocab_fetch_status, d->status), -1, SQLITE_STATIC);
	if (*message)
		sqlite3_bind_text(a, 7, message, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(a, 7);
	int step = sqlite3_step(a);
	sqlite3_reset(a);
	sqlite3_clear_bindings(a);
	free(note);
	return step == SQLITE_DONE ? 0 : store_fail(st, r->err, "refresh: recording an attempt");
}

/* rep->all from rep->sources. */
static void sum_counts(struct source_refresh_report *rep)
{
	memset(&rep->all, 0, sizeof rep->all);
	for (int k = 0; k < rep->nsources && rep->sources; k++) {
		const struct source_refresh_count *c = &rep->sources[k];
		rep->all.stale += c->stale;
		rep->all.stored += c->stored;
		for (int j = 0; j < FETCH_STATUSES; j++)
			rep->all.n[j] += c->n[j];
	}
}

/* Writes the results waiting, in one transaction; with finish, the run is ok in it too. */
static int flush(struct refresh *r, int finish)
{
	struct rd_store *st = r->job->store;
	int rc = -1;
	r->last_flush = now_seconds();
	if (r->npending == 0 && !finish)
		return 0;
	if (store_begin(st, r->err))
		goto out;
	for (size_t i = 0; i < r->npending; i++)
		if (write_one(r, &r->pending[i]))
			goto out;
	if (finish) {
		struct source_refresh_count *all = &r->rep->all;
		sum_counts(r->rep);
		char msg[160];
		snprintf(msg, sizeof msg,
			 "%lld stale: %lld stored, %lld failed, %lld timeout, %lld malformed",
			 (long long)all->stale, (long long)all->stored,
			 (long long)all->n[FETCH_FAILED], (long long)all->n[FETCH_TIMEOUT],
			 (long long)all->n[FETCH_MALFORMED]);
		if (run_mark_ok(st, r->run, all->stored, msg, r->err))
			goto out;
	}
	if (store_commit(st, r->err))
		goto out;
	rc = 0;
out:
	if (rc)
		store_rollback(st);
	pending_clear(r);
	return rc;
}

static int on_done(void *ud, size_t i, const struct fetch_result *res)
{
	struct refresh *r = ud;
	struct done *d = &r->pending[r->npending++];
	memset(d, 0, sizeof *d);
	d->item = i;
	d->status = res->status;
	if (res->status == FETCH_OK)
		d->payload = rd_strndup(res->out, res->out_len);
	d->message = rd_strdup(res->message);
	memcpy(d->started_at, res->started_at, sizeof d->started_at);
	now_iso(d->finished_at);
	d->seconds = res->seconds;
	r->pending_bytes += res->status == FETCH_OK ? res->out_len : 0;
	if (r->npending < FLUSH_ROWS && r->pending_bytes < FLUSH_BYTES &&
	    now_seconds() - r->last_flush < FLUSH_SECONDS)
		return 0;
	return flush(r, 0);
}

static void on_progress(void *ud, size_t ended, size_t total)
{
	struct refresh *r = ud;
	sink_progress(r->job->out, "refresh", (int64_t)ended, (int64_t)total);
}

/* The sources to refresh (o->source only, when given) into r. 0 or -1. */
static int read_sources(struct refresh *r, const struct source_refresh_opts *o)
{
	struct rd_store *st = r->job->store;
	sqlite3_stmt *s;
	int rc = -1;
	if (store_prepare(st,
			  "SELECT name, argv, ttl_days, timeout FROM sources"
			  " WHERE ?1 IS NULL OR name = ?1 ORDER BY name",
			  &s, r->err))
		return -1;
	if (o->source)
		sqlite3_bind_text(s, 1, o->source, -1, SQLITE_STATIC);
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		r->srcs = rd_realloc(r->srcs, (size_t)(r->nsrcs + 1) * sizeof *r->srcs);
		struct src *c = &r->srcs[r->nsrcs];
		memset(c, 0, sizeof *c);
		c->name = rd_strdup((const char *)sqlite3_column_text(s, 0));
		c->ttl_days = sqlite3_column_int64(s, 2);
		c->timeout = sqlite3_column_double(s, 3);
		r->nsrcs++;
		struct rd_err e = {{0}};
		const char *why = NULL;
		if (source_argv_parse((const char *)sqlite3_column_text(s, 1), &c->argc, &c->argv,
				      &e))
			why = e.msg;
		else
			why = fetch_argv_problem(c->argc, (const char *const *)c->argv);
		if (why) {
			rd_err_set(r->err,
				   "refresh: source %s has a command riskdesk cannot run (%s):"
				   " 'source add' it again",
				   c->name, why);
			goto out;
		}
	}
	if (step != SQLITE_DONE) {
		store_fail(st, r->err, "refresh: reading the sources");
		goto out;
	}
	if (o->source && r->nsrcs == 0) {
		char echo[RD_ECHO_SIZE];
		rd_err_set(r->err,
			   "refresh: no source named %s ('source list' shows them, 'source add'"
			   " makes one)",
			   rd_echo(echo, o->source, strlen(o->source)));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	return rc;
}

/* The stale records of every source into r->items, with their calls. 0 or -1. */
static int read_stale(struct refresh *r, const struct source_refresh_opts *o)
{
	struct rd_store *st = r->job->store;
	sqlite3_stmt *s;
	size_t cap = 0;
	if (store_prepare(st,
			  "SELECT key, fetched_at FROM external_records WHERE source = ?1 "
			  "AND " STALE_SQL " ORDER BY key",
			  &s, r->err))
		return -1;
	for (int k = 0; k < r->nsrcs; k++) {
		struct src *c = &r->srcs[k];
		sqlite3_reset(s);
		sqlite3_bind_text(s, 1, c->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, o->ttl_days >= 0 ? o->ttl_days : c->ttl_days);
		int step;
		while ((step = sqlite3_step(s)) == SQLITE_ROW) {
			if (r->nitems == cap) {
				cap = cap ? cap * 2 : 64;
				r->items = rd_realloc(r->items, cap * sizeof *r->items);
			}
			struct item *it = &r->items[r->nitems++];
			it->src = k;
			it->key = rd_strdup((const char *)sqlite3_column_text(s, 0));
			it->fetched_at = rd_strdup((const char *)sqlite3_column_text(s, 1));
			it->argv = fetch_argv(c->argc, (const char *const *)c->argv, it->key);
			r->rep->sources[k].stale++;
		}
		if (step != SQLITE_DONE) {
			sqlite3_finalize(s);
			return store_fail(st, r->err, "refresh: reading the stale records");
		}
	}
	sqlite3_finalize(s);
	return 0;
}

/* The records whose source has no command, for the report. */
static void count_orphans(struct rd_store *st, struct source_refresh_report *rep)
{
	sqlite3_stmt *s;
	struct rd_err ignore;
	if (store_prepare(st,
			  "SELECT source, count(*) FROM external_records WHERE source NOT IN"
			  " (SELECT name FROM sources) GROUP BY source ORDER BY source",
			  &s, &ignore))
		return;
	size_t used = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		rep->orphans += sqlite3_column_int64(s, 1);
		const char *name = (const char *)sqlite3_column_text(s, 0);
		int n = snprintf(rep->orphan_names + used, sizeof rep->orphan_names - used, "%s%s",
				 used ? " " : "", name ? name : "");
		if (n > 0 && used + (size_t)n < sizeof rep->orphan_names)
			used += (size_t)n;
	}
	sqlite3_finalize(s);
}

int source_refresh(const struct rd_job *job, const struct source_refresh_opts *o,
		   struct source_refresh_report *rep, struct rd_err *err)
{
	struct rd_store *st = job->store;
	struct refresh r = {.job = job, .rep = rep, .err = err};
	struct fetch_call *calls = NULL;
	struct rd_run own;
	int rc = -1;
	memset(rep, 0, sizeof *rep);
	if (!(r.run = job_run(job, &own, "refresh", err)))
		return -1;
	if (read_sources(&r, o))
		goto out;
	rep->nsources = r.nsrcs;
	rep->sources = rd_calloc((size_t)(r.nsrcs ? r.nsrcs : 1), sizeof *rep->sources);
	for (int k = 0; k < r.nsrcs; k++)
		snprintf(rep->sources[k].name, sizeof rep->sources[k].name, "%s", r.srcs[k].name);
	if (read_stale(&r, o))
		goto out;
	if (!o->source)
		count_orphans(st, rep);
	if (store_prepare(st, "SELECT json_valid(?1) AND json_type(?1) = 'object'", &r.valid,
			  err) ||
	    store_prepare(st,
			  "UPDATE external_records SET payload = json(?3), fetched_at = ?4"
			  " WHERE source = ?1 AND key = ?2 AND fetched_at IS ?5",
			  &r.update, err) ||
	    store_prepare(st,
			  "INSERT INTO fetch_attempts(run_id, source, key, started_at, seconds,"
			  " status, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			  &r.attempt, err))
		goto out;
	calls = rd_calloc(r.nitems ? r.nitems : 1, sizeof *calls);
	for (size_t i = 0; i < r.nitems; i++) {
		calls[i].argv = r.items[i].argv;
		calls[i].timeout = r.srcs[r.items[i].src].timeout;
	}
	r.pending = rd_calloc(FLUSH_ROWS, sizeof *r.pending);
	r.last_flush = now_seconds();
	struct fetch_opts fo = {.jobs = o->jobs,
				.grace = o->grace,
				.cancel = job->cancel,
				.done = on_done,
				.progress = on_progress,
				.ud = &r};
	sink_progress(job->out, "refresh", 0, (int64_t)r.nitems);
	int fr = fetch_run(calls, r.nitems, &fo, err);
	if (fr < 0)
		goto out;
	if (fr == 1) {
		/* Cancelled: what came back is kept, the run is not ok. */
		if (flush(&r, 0) == 0) {
			rd_err_set(err, "refresh cancelled: the records fetched before were kept");
		} else {
			char why[RD_ERR_MAX];
			snprintf(why, sizeof why, "%s", err->msg);
			rd_err_set(err, "refresh cancelled, and what came back was lost: %s", why);
		}
		rc = 1;
		goto out;
	}
	rc = flush(&r, 1);
out:
	sum_counts(rep);
	sqlite3_finalize(r.valid);
	sqlite3_finalize(r.update);
	sqlite3_finalize(r.attempt);
	store_rollback(st);
	job_run_end(job, &own, rc, err);
	pending_clear(&r);
	free(r.pending);
	for (size_t i = 0; i < r.nitems; i++) {
		free(r.items[i].key);
		free(r.items[i].fetched_at);
		fetch_argv_free(r.items[i].argv);
	}
	free(r.items);
	for (int k = 0; k < r.nsrcs; k++) {
		free(r.srcs[k].name);
		fetch_argv_free(r.srcs[k].argv);
	}
	free(r.srcs);
	free(calls);
	return rc;
}

void source_refresh_report_free(struct source_refresh_report *rep)
{
	free(rep->sources);
	rep->sources = NULL;
	rep->nsources = 0;
}
