/* External sources (SPEC section 8): the `sources` table, one command per source with its
 * time to live and timeout, and `refresh stale`, which fetches the records older than
 * their source's TTL through fetch.h, a few at a time, stores what comes back and records
 * every attempt in fetch_attempts. A failed, timed-out or malformed fetch leaves the
 * stored record as it was. */
#ifndef RISKDESK_SOURCE_H
#define RISKDESK_SOURCE_H

#include <stdint.h>

#include "riskdesk/journal.h"
#include "riskdesk/store.h"
#include "riskdesk/vocab.h"

#define SOURCE_NAME_MAX 64   /* bytes of a source's name */
#define SOURCE_TTL_MAX 36500 /* days */
#define SOURCE_ARGV_MAX 64   /* words of a command */

/* 1 when s[0..len) can name a source: 1 to SOURCE_NAME_MAX letters, digits, '_', '-' and
 * '.' (it is typed as `--source S`; the loader checks records' sources by the same rule). */
int source_name_ok(const char *s, size_t len);

/* Adds source name, or replaces its definition: command words argv[0..argc) (stored as a
 * JSON array; fetch_argv_problem must find nothing wrong), ttl_days (0 to SOURCE_TTL_MAX)
 * and timeout (seconds, above 0 and at most FETCH_TIMEOUT_MAX). In the job's run, one
 * transaction. 0 added, 1 replaced, -1 with err. */
int source_add(const struct rd_job *job, const char *name, int argc, const char *const *argv,
	       int64_t ttl_days, double timeout, struct rd_err *err);
/* Removes source name (its records and attempts stay). 0, 1 when there is no such source,
 * -1 with err. */
int source_remove(const struct rd_job *job, const char *name, struct rd_err *err);

/* The command words stored as json (a JSON array of strings): 0 with *argc and a
 * NULL-terminated *argv the caller frees (fetch_argv_free), or -1 with err. */
int source_argv_parse(const char *json, int *argc, char ***argv, struct rd_err *err);

/* The sources, by name: name, argv (JSON), ttl_days, timeout, records, stale (by its TTL
 * now), last_attempt ("TIME STATUS" of its latest fetch, or NULL). NULL with err. */
sqlite3_stmt *source_list(struct rd_store *st, struct rd_err *err);
/* The latest limit fetch attempts, of source only (NULL: all), oldest first: id, started_at,
 * source, key, status, seconds, message. NULL with err. */
sqlite3_stmt *source_attempts(struct rd_store *st, const char *source, int64_t limit,
			      struct rd_err *err);

struct source_refresh_opts {
	const char *source; /* only this source, or NULL: every configured one */
	int64_t ttl_days;   /* stale when older than this, or < 0: each source's own TTL */
	int jobs;           /* calls at once (fetch.h) */
	double grace;       /* seconds from SIGTERM to SIGKILL; 0: FETCH_KILL_GRACE */
};

struct source_refresh_count {
	char name[SOURCE_NAME_MAX + 1];
	int64_t stale;             /* records found stale */
	int64_t n[FETCH_STATUSES]; /* attempts by status */
	int64_t stored;            /* records replaced (ok, and unchanged meanwhile) */
};

struct source_refresh_report {
	struct source_refresh_count *sources; /* nsources, by name; owned */
	int nsources;
	struct source_refresh_count all; /* the sum */
	int64_t orphans;                 /* records of sources without a command (not refreshed) */
	char orphan_names[160];          /* their sources, blank-separated (cut) */
};

/* Fetches every stale record of the sources (o->source only, when given), o->jobs at once,
 * and stores each success (payload minified by SQLite, fetched_at when it came) unless
 * the record changed meanwhile (a load replaced it); every attempt is a fetch_attempts
 * row of the job's run. Results are written as they come, a batch at a time in short
 * transactions: the write lock is never held while a source is asked. Progress "refresh"
 * goes to job->out. Returns 0; 1 when cancelled (the calls running are killed and recorded
 * cancelled; what was fetched before is kept); -1 with err (nothing more is written). rep
 * is filled in every case; free it with source_refresh_report_free. */
int source_refresh(const struct rd_job *job, const struct source_refresh_opts *o,
		   struct source_refresh_report *rep, struct rd_err *err);
void source_refresh_report_free(struct source_refresh_report *rep);

#endif
