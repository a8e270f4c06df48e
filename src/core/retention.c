/* Retention: cleanup history and vacuum (retention.h). */
#include "riskdesk/retention.h"

#include <stdio.h>
#include <string.h>

#include "riskdesk/sink.h"

/* The history rows cleanup keeps whatever their age: each customer's latest score, the row
 * computed last (the highest id: computed_at is to the second, and one recompute gives
 * every customer the same), and the row each profile names for its reasons (history_id,
 * schema 24; riskdesk writes it as the latest, a row inserted by hand may not be). */
#define HISTORY_KEPT                                                                               \
	"SELECT max(id) FROM score_history GROUP BY customer_id UNION SELECT history_id FROM"      \
	" credit_profiles WHERE history_id IS NOT NULL"

/* Runs one statement binding ?1 to text; *changes gets the rows it changed. 0 or -1. */
static int exec_bound(struct rd_store *st, const char *sql, const char *text, int64_t *changes,
		      struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st, sql, &s, err))
		return -1;
	sqlite3_bind_text(s, 1, text, -1, SQLITE_STATIC);
	int step = sqlite3_step(s);
	sqlite3_finalize(s);
	if (step != SQLITE_DONE && step != SQLITE_ROW)
		return store_fail(st, err, "cleanup history");
	if (changes)
		*changes = sqlite3_changes64(store_db(st));
	return 0;
}

int retention_history(const struct rd_job *job, int64_t days, struct retention_report *rep,
		      struct rd_err *err)
{
	struct rd_store *st = job->store;
	struct rd_run own, *run;
	sqlite3_stmt *s = NULL;
	int rc = -1;
	memset(rep, 0, sizeof *rep);
	if (days < 0 || days > RETENTION_DAYS_MAX) {
		rd_err_set(err, "cleanup history: --older-than is 0 to %d days",
			   RETENTION_DAYS_MAX);
		return -1;
	}
	if (!(run = job_run(job, &own, "cleanup history", err)))
		return -1;
	if (store_begin(st, err) ||
	    store_prepare(st, "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?1)", &s, err))
		goto out;
	char modifier[40];
	snprintf(modifier, sizeof modifier, "-%lld days", (long long)days);
	sqlite3_bind_text(s, 1, modifier, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_ROW || sqlite3_column_bytes(s, 0) != 20) {
		store_fail(st, err, "cleanup history: the cut-off");
		goto out;
	}
	memcpy(rep->cutoff, sqlite3_column_text(s, 0), 21);
	sqlite3_finalize(s);
	s = NULL;
	if (store_prepare(st,
			  "SELECT count(*) FROM score_history WHERE computed_at < ?1 AND id IN"
			  " (" HISTORY_KEPT ")",
			  &s, err))
		goto out;
	sqlite3_bind_text(s, 1, rep->cutoff, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_ROW) {
		store_fail(st, err, "cleanup history");
		goto out;
	}
	rep->kept_latest = sqlite3_column_int64(s, 0);
	if (exec_bound(st,
		       "DELETE FROM score_history WHERE computed_at < ?1 AND id NOT IN"
		       " (" HISTORY_KEPT ")",
		       rep->cutoff, &rep->history, err) ||
	    exec_bound(st,
		       "DELETE FROM credit_requests WHERE status IN ('approved', 'declined')"
		       " AND julianday(coalesce(decided_at, created_at)) < julianday(?1)",
		       rep->cutoff, &rep->requests, err) ||
	    exec_bound(st, "DELETE FROM fetch_attempts WHERE started_at < ?1", rep->cutoff,
		       &rep->attempts, err))
		goto out;
	char msg[200];
	snprintf(msg, sizeof msg,
		 "before %s: %lld score history rows (%lld kept: a latest or a profile's), %lld "
		 "requests,"
		 " %lld fetch attempts",
		 rep->cutoff, (long long)rep->history, (long long)rep->kept_latest,
		 (long long)rep->requests, (long long)rep->attempts);
	if (run_mark_ok(st, run, rep->history + rep->requests + rep->attempts, msg, err) ||
	    store_commit(st, err))
		goto out;
	rc = 0;
out:
	sqlite3_finalize(s);
	store_rollback(st);
	job_run_end(job, &own, rc, err);
	return rc;
}

static int64_t db_bytes(struct rd_store *st)
{
	return store_int(st, "PRAGMA page_count", 0) * store_int(st, "PRAGMA page_size", 0);
}

/* SQLite's progress handler: nonzero interrupts the VACUUM. */
static int vacuum_poll(void *ud)
{
	return job_cancelled(ud);
}

int retention_vacuum(const struct rd_job *job, struct vacuum_report *rep, struct rd_err *err)
{
	struct rd_store *st = job->store;
	sqlite3 *db = store_db(st);
	struct rd_run own, *run;
	int rc = -1;
	memset(rep, 0, sizeof *rep);
	if (!sqlite3_get_autocommit(db)) {
		rd_err_set(err, "vacuum: a transaction is open, and VACUUM runs outside one");
		return -1;
	}
	if (!(run = job_run(job, &own, "vacuum", err)))
		return -1;
	rep->before = db_bytes(st);
	sink_progress(job->out, "vacuum", 0, 0);
	sqlite3_progress_handler(db, 1000, vacuum_poll, (void *)job);
	int vrc = store_exec(st, "VACUUM", err);
	sqlite3_progress_handler(db, 0, NULL, NULL);
	if (vrc) {
		if (job_cancelled(job)) {
			rd_err_set(err, "vacuum cancelled: the file is as it was");
			rc = 1;
		}
		goto out;
	}
	/* The new pages went to the write-ahead log: copy them back and truncate both. A
	 * reader of another connection may hold the log a while; not for long here. */
	int log = 0, done = 0;
	double old = store_set_timeout(st, 1.0);
	int crc = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
	store_set_timeout(st, old);
	store_wait_clear(st); /* a busy log is reported, not the command's failure */
	rep->wal_busy = crc != SQLITE_OK || (log > 0 && done < log);
	rep->after = db_bytes(st);
	char msg[120];
	snprintf(msg, sizeof msg, "%lld bytes before, %lld after", (long long)rep->before,
		 (long long)rep->after);
	if (store_begin(st, err) || run_mark_ok(st, run, 0, msg, err) || store_commit(st, err))
		goto out;
	rc = 0;
out:
	store_rollback(st);
	job_run_end(job, &own, rc, err);
	return rc;
}
