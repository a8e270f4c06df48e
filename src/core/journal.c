/* The logs (journal.h): runs, audit rows, and the log lines that wait in DB-riskdesk
 * while another process holds the write lock. Below the command layer: it sees the store,
 * never a command's context (cmd_journal.c makes the bridge). */
#include "riskdesk/journal.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- log lines waiting in DB-riskdesk ----
 * One JSON object a line: {"kind":"audit", at, user, command, status, detail} or
 * {"kind":"run", id, status, finished_at, rows, message, seconds}. Appended under the byte-0 lock;
 * the next writer applies them in its first transaction and empties the file. */

/* Steps a write statement without waiting for the lock. Returns sqlite's code. */
static int step_nowait(struct rd_store *st, sqlite3_stmt *s)
{
	double old = store_set_timeout(st, 0);
	int rc = sqlite3_step(s);
	store_set_timeout(st, old);
	return rc;
}

static int is_busy(int rc)
{
	return (rc & 0xff) == SQLITE_BUSY;
}

/* Adds a string member, or null. */
static void json_str(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

/* Appends one line. 0 or -1 (no file: in memory, or it cannot be created). */
static int side_append(struct rd_store *st, cJSON *line)
{
	int fd = store_side_fd(st), rc = -1;
	char *text = cJSON_PrintUnformatted(line);
	if (fd < 0 || !text || store_side_lock(st, 1) != 0)
		goto out;
	size_t len = strlen(text);
	text[len++] = '\n'; /* replaces the NUL: written by length */
	off_t end = lseek(fd, 0, SEEK_END);
	if (end >= 0 && write(fd, text, len) == (ssize_t)len)
		rc = 0;
	else if (end >= 0 && ftruncate(fd, end) != 0) /* never leave half a line... */
		rc = -1;                              /* ...and a reader skips one that stays */
	store_side_lock(st, 0);
out:
	cJSON_free(text);
	return rc;
}

/* Calls fn for each complete line of the file that parses (a line torn by a crash, or
 * not ours, is skipped); returns the file's size, or -1 when fn failed. */
static int64_t side_each(struct rd_store *st, int (*fn)(struct rd_store *, const cJSON *, void *),
			 void *ud)
{
	int fd = store_side_fd(st);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) != 0 || sb.st_size == 0)
		return 0;
	size_t size = (size_t)sb.st_size, got = 0;
	char *data = rd_malloc(size + 1);
	while (got < size) {
		ssize_t n = pread(fd, data + got, size - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	for (char *p = data, *nl; (nl = memchr(p, '\n', got - (size_t)(p - data))); p = nl + 1) {
		*nl = '\0';
		cJSON *o = cJSON_Parse(p);
		int rc = o ? fn(st, o, ud) : 0;
		cJSON_Delete(o);
		if (rc) {
			free(data);
			return -1;
		}
	}
	free(data);
	return (int64_t)got;
}

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int64_t num_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
}

/* A number, or NULL when absent (a line of an older riskdesk has no seconds). */
static void bind_num(sqlite3_stmt *s, int i, const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (cJSON_IsNumber(v))
		sqlite3_bind_double(s, i, v->valuedouble);
	else
		sqlite3_bind_null(s, i);
}

static void bind_opt(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

/* The statements a line becomes, in the tables (fold) or in the temporary ones
 * (journal_pending). */
struct apply {
	sqlite3_stmt *audit, *run;
	struct rd_err *err;
};

static int apply_line(struct rd_store *st, const cJSON *o, void *ud)
{
	struct apply *a = ud;
	const char *kind = str_of(o, "kind");
	sqlite3_stmt *s = NULL;
	if (kind && strcmp(kind, "audit") == 0 && str_of(o, "at") && str_of(o, "user") &&
	    str_of(o, "command") && str_of(o, "status")) {
		s = a->audit;
		bind_opt(s, 1, str_of(o, "at"));
		bind_opt(s, 2, str_of(o, "user"));
		bind_opt(s, 3, str_of(o, "command"));
		bind_opt(s, 4, str_of(o, "status"));
		bind_opt(s, 5, str_of(o, "detail"));
	} else if (kind && strcmp(kind, "run") == 0 && num_of(o, "id") > 0 && str_of(o, "status")) {
		s = a->run;
		sqlite3_bind_int64(s, 1, num_of(o, "id"));
		bind_opt(s, 2, str_of(o, "status"));
		bind_opt(s, 3, str_of(o, "finished_at"));
		sqlite3_bind_int64(s, 4, num_of(o, "rows"));
		bind_opt(s, 5, str_of(o, "message"));
		bind_num(s, 6, o, "seconds");
	} else {
		return 0; /* not ours: skipped */
	}
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE && rc != SQLITE_CONSTRAINT_CHECK)
		return store_fail(st, a->err, "folding DB-riskdesk into the logs");
	return 0;
}

/* Applies the lines through the two statements; the bytes applied, or -1. */
static int64_t side_apply(struct rd_store *st, const char *audit_sql, const char *run_sql,
			  struct rd_err *err)
{
	struct apply a = {.err = err};
	int64_t used = -1;
	if (store_prepare(st, audit_sql, &a.audit, err) == 0 &&
	    store_prepare(st, run_sql, &a.run, err) == 0)
		used = side_each(st, apply_line, &a);
	sqlite3_finalize(a.audit);
	sqlite3_finalize(a.run);
	return used;
}

/* Inside the writer's transaction, under the byte-0 lock. */
static int64_t fold(struct rd_store *st, struct rd_err *err)
{
	return side_apply(st,
			  "INSERT INTO audit(at, user, command, status, detail)"
			  " VALUES (?1, ?2, ?3, ?4, ?5)",
			  "UPDATE runs SET status = ?2, finished_at = ?3, rows = ?4, message = ?5,"
			  " seconds = ?6 WHERE id = ?1 AND status IN ('running', 'interrupted')",
			  err);
}

int journal_pending(struct rd_store *st, struct rd_err *err)
{
	if (store_exec(st,
		       "CREATE TEMP TABLE IF NOT EXISTS pending_audit(at TEXT, user TEXT,"
		       " command TEXT, status TEXT, detail TEXT);"
		       " CREATE TEMP TABLE IF NOT EXISTS pending_runs(id INTEGER PRIMARY KEY,"
		       " status TEXT, finished_at TEXT, rows INTEGER, message TEXT, seconds REAL);"
		       " DELETE FROM temp.pending_audit; DELETE FROM temp.pending_runs;",
		       err))
		return -1;
	return side_apply(st, "INSERT INTO temp.pending_audit VALUES (?1, ?2, ?3, ?4, ?5)",
			  "INSERT OR REPLACE INTO temp.pending_runs VALUES (?1, ?2, ?3, ?4, ?5, "
			  "?6)",
			  err) < 0
		       ? -1
		       : 0;
}

/* The latest limit rows of a log query (a LIMIT ?1 inside), oldest or newest first. */
static sqlite3_stmt *log_rows(struct rd_store *st, const char *oldest_first,
			      const char *newest_first, int64_t limit, int newest,
			      struct rd_err *err)
{
	sqlite3_stmt *s = NULL;
	if (journal_pending(st, err) ||
	    store_prepare(st, newest ? newest_first : oldest_first, &s, err))
		return NULL;
	sqlite3_bind_int64(s, 1, limit);
	return s;
}

/* A run's outcome may still wait in DB-riskdesk (pending_runs); a `running` row whose
 * process is gone is `interrupted` (the next writer marks it so). Seconds: the run's own
 * measure, a real; else (runs older than schema 14) the difference of its whole-second
 * times, an integer. */
#define RUNS_SQL(order)                                                                            \
	"SELECT * FROM (SELECT r.id, r.kind, CASE WHEN p.id IS NULL AND r.status ="                \
	" 'running' AND NOT run_alive(r.id) THEN 'interrupted' ELSE"                               \
	" coalesce(p.status, r.status) END AS status, coalesce(p.rows, r.rows) AS rows,"           \
	" r.started_at, coalesce(round(coalesce(p.seconds, r.seconds), 3),"                        \
	" CAST(round((julianday(coalesce(p.finished_at, r.finished_at))"                           \
	" - julianday(r.started_at)) * 86400) AS INTEGER)) AS seconds, r.user, r.args,"            \
	" CASE WHEN p.id IS NULL AND r.status = 'running' AND NOT run_alive(r.id)"                 \
	" THEN '" RUN_INTERRUPTED "' ELSE coalesce(p.message, r.message, '') END"                  \
	" AS message FROM runs r LEFT JOIN temp.pending_runs p ON p.id = r.id"                     \
	" ORDER BY r.id DESC LIMIT ?1) ORDER BY id " order

sqlite3_stmt *journal_runs(struct rd_store *st, int64_t limit, int newest_first, struct rd_err *err)
{
	return log_rows(st, RUNS_SQL("ASC"), RUNS_SQL("DESC"), limit, newest_first, err);
}

/* Rows still waiting in DB-riskdesk (a write refused while the lock was busy) come without
 * an id, in time order with the others (after those of the same second). */
#define AUDIT_SQL(order)                                                                           \
	"SELECT id, at, user, status, command, detail FROM (SELECT * FROM (SELECT id,"             \
	" at, user, status, command, coalesce(detail, '') AS detail, 0 AS w, id AS n"              \
	" FROM audit UNION ALL SELECT NULL, at, user, status, command,"                            \
	" coalesce(detail, ''), 1, rowid FROM temp.pending_audit)"                                 \
	" ORDER BY at DESC, w DESC, n DESC LIMIT ?1) ORDER BY at " order ", w " order ", n " order

sqlite3_stmt *journal_audit(struct rd_store *st, int64_t limit, int newest_first,
			    struct rd_err *err)
{
	return log_rows(st, AUDIT_SQL("ASC"), AUDIT_SQL("DESC"), limit, newest_first, err);
}

/* ---- runs ---- */

struct rd_run *run_begin(struct rd_store *st, struct rd_run *own, const char *kind,
			 const char *line, struct rd_err *err)
{
	sqlite3_stmt *s = NULL;
	char host[256] = "";
	int guarded = 0;
	memset(own, 0, sizeof *own);
	snprintf(own->kind, sizeof own->kind, "%s", kind);
	gethostname(host, sizeof host - 1);
	if (store_begin(st, err))
		return NULL;
	now_iso(own->started_at); /* once it has the lock: a wait is not part of the run */
	own->t0 = now_seconds();
	if (store_side_lock(st, 1) != 0) {
		rd_err_set(err, "%s-riskdesk: cannot lock: %s", store_path(st), strerror(errno));
		goto fail;
	}
	guarded = 1;
	int64_t folded = fold(st, err);
	if (folded < 0 ||
	    store_exec(st,
		       "UPDATE runs SET status = 'interrupted', message = '" RUN_INTERRUPTED "'"
		       " WHERE status = 'running' AND NOT run_alive(id)",
		       err) ||
	    store_prepare(st,
			  "INSERT INTO runs(kind, args, user, started_at, status, pid, host)"
			  " VALUES (?1, ?2, ?3, ?4, 'running', ?5, ?6)",
			  &s, err))
		goto fail;
	sqlite3_bind_text(s, 1, own->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, line ? line : own->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, rd_user(), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, own->started_at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (int64_t)getpid());
	sqlite3_bind_text(s, 6, host, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "recording the run");
		goto fail;
	}
	own->id = sqlite3_last_insert_rowid(store_db(st));
	/* Held before the row is visible, so that no one sees it without its lock. */
	if (store_run_hold(st, own->id, err))
		goto fail;
	if (store_commit(st, err)) {
		store_run_release(st, own->id);
		goto fail;
	}
	/* Committed, then emptied: a crash in between folds those lines twice, which a log
	 * survives better than losing them. */
	if (folded > 0 && ftruncate(store_side_fd(st), 0) != 0)
		folded = -1; /* the same: they come again next time */
	store_side_lock(st, 0);
	return own;
fail:
	store_rollback(st);
	if (guarded)
		store_side_lock(st, 0);
	own->id = 0;
	return NULL;
}

int run_mark_ok(struct rd_store *st, struct rd_run *run, int64_t rows, const char *message,
		struct rd_err *err)
{
	sqlite3_stmt *s;
	char now[21];
	now_iso(now);
	if (store_prepare(st,
			  "UPDATE runs SET status = 'ok', finished_at = ?1, rows = ?2, message = "
			  "?3,"
			  " seconds = ?5 WHERE id = ?4",
			  &s, err))
		return -1;
	sqlite3_bind_double(s, 5, now_seconds() - run->t0);
	sqlite3_bind_text(s, 1, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, rows);
	if (message)
		sqlite3_bind_text(s, 3, message, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, run->id);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "finishing the run");
	run->rows = rows;
	run->finished = 1;
	return 0;
}

void run_end(struct rd_store *st, struct rd_run *own, enum rd_run_status status,
	     const char *message)
{
	int ok = status == RUN_STATUS_OK;
	if (own->id == 0)
		return;
	if (ok && own->finished) { /* committed with the data */
		store_run_release(st, own->id);
		return;
	}
	if (ok || (message && !*message))
		message = NULL;
	char now[21];
	now_iso(now);
	double seconds = now_seconds() - own->t0;
	sqlite3_stmt *s;
	struct rd_err scratch;
	int rc = SQLITE_ERROR;
	if (store_prepare(st,
			  "UPDATE runs SET status = ?2, finished_at = ?3, rows = ?4, message = ?5,"
			  " seconds = ?6 WHERE id = ?1",
			  &s, &scratch) == 0) {
		sqlite3_bind_int64(s, 1, own->id);
		sqlite3_bind_text(s, 2, vocab_name(&vocab_run_status, status), -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 4, own->rows);
		bind_opt(s, 5, message);
		sqlite3_bind_double(s, 6, seconds);
		rc = step_nowait(st, s);
		sqlite3_finalize(s);
	}
	if (is_busy(rc)) {
		cJSON *line = cJSON_CreateObject();
		cJSON_AddStringToObject(line, "kind", "run");
		cJSON_AddNumberToObject(line, "id", (double)own->id);
		cJSON_AddStringToObject(line, "status", vocab_name(&vocab_run_status, status));
		cJSON_AddStringToObject(line, "finished_at", now);
		cJSON_AddNumberToObject(line, "rows", (double)own->rows);
		json_str(line, "message", message);
		cJSON_AddNumberToObject(line, "seconds", seconds);
		side_append(st, line);
		cJSON_Delete(line);
	}
	/* After the outcome is somewhere: a run without its lock and without an outcome
	 * is `interrupted`. */
	store_run_release(st, own->id);
}

/* ---- jobs ---- */

struct rd_run *job_run(const struct rd_job *job, struct rd_run *own, const char *kind,
		       struct rd_err *err)
{
	return job->run ? job->run : run_begin(job->store, own, kind, NULL, err);
}

int job_cancelled(const struct rd_job *job)
{
	return job->cancel && *job->cancel;
}

void job_run_end(const struct rd_job *job, struct rd_run *own, int rc, const struct rd_err *err)
{
	if (job->run)
		return; /* the caller's: its opener ends it */
	run_end(job->store, own,
		rc == 0              ? RUN_STATUS_OK
		: job_cancelled(job) ? RUN_STATUS_CANCELLED
				     : RUN_STATUS_FAILED,
		err->msg);
}

/* ---- audit ---- */

static sqlite3_stmt *audit_stmt(struct rd_store *st, const char *at, const char *command,
				enum rd_audit_status status, const char *detail, struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st,
			  "INSERT INTO audit(at, user, command, status, detail)"
			  " VALUES (?1, ?2, ?3, ?4, ?5)",
			  &s, err))
		return NULL;
	sqlite3_bind_text(s, 1, at, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, rd_user(), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, command, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, vocab_name(&vocab_audit_status, status), -1, SQLITE_STATIC);
	if (detail && *detail)
		sqlite3_bind_text(s, 5, detail, -1, SQLITE_STATIC);
	return s;
}

int audit_write(struct rd_store *st, const char *command, enum rd_audit_status status,
		const char *detail, struct rd_err *err)
{
	char now[21];
	if (store_readonly(st))
		return 0;
	now_iso(now);
	sqlite3_stmt *s = audit_stmt(st, now, command, status, detail, err);
	if (!s)
		return -1;
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, "writing the audit log");
}

/* The session: this process, on this host, at this terminal (none in a pipe or cron). */
static void session_name(char *out, size_t n)
{
	char host[256] = "";
	const char *tty = isatty(STDIN_FILENO) ? ttyname(STDIN_FILENO) : NULL;
	if (gethostname(host, sizeof host - 1) || !host[0])
		snprintf(host, sizeof host, "localhost");
	snprintf(out, n, "session %s:%ld%s%s", host, (long)getpid(), tty ? " on " : "",
		 tty ? tty : "");
}

int audit_pii_write(struct rd_store *st, const char *command, enum rd_audit_status status,
		    const char *what, struct rd_err *err)
{
	char session[400];
	struct rd_buf detail = {0};
	int rc = -1;
	if (store_readonly(st)) {
		rd_err_set(err, "the database is open read-only, so no audit row can be written"
				" (open it without --read-only)");
		return -1;
	}
	/* Inside a transaction the row would not be committed yet. */
	if (!sqlite3_get_autocommit(store_db(st))) {
		rd_err_set(err, "a transaction is open, so the audit row cannot be committed now");
		return -1;
	}
	session_name(session, sizeof session);
	buf_printf(&detail, "%s; %s", what, session);
	/* In autocommit: the row is committed when the insert returns. */
	if (audit_write(st, command ? command : what, status, detail.data, err) == 0)
		rc = 0;
	else if ((sqlite3_errcode(store_db(st)) & 0xff) == SQLITE_BUSY)
		rd_err_set(err, "the audit row cannot be written now"); /* cmd_run_line says why */
	buf_free(&detail);
	return rc;
}

void audit_log(struct rd_store *st, const char *command, enum rd_audit_status status,
	       const char *detail)
{
	char now[21];
	struct rd_err scratch;
	if (store_readonly(st))
		return;
	now_iso(now);
	sqlite3_stmt *s = audit_stmt(st, now, command, status, detail, &scratch);
	int rc = s ? step_nowait(st, s) : SQLITE_ERROR;
	sqlite3_finalize(s);
	if (!is_busy(rc))
		return;
	cJSON *line = cJSON_CreateObject();
	cJSON_AddStringToObject(line, "kind", "audit");
	cJSON_AddStringToObject(line, "at", now);
	cJSON_AddStringToObject(line, "user", rd_user());
	cJSON_AddStringToObject(line, "command", command);
	cJSON_AddStringToObject(line, "status", vocab_name(&vocab_audit_status, status));
	json_str(line, "detail", detail && *detail ? detail : NULL);
	side_append(st, line);
	cJSON_Delete(line);
}

/* ---- the busy message ---- */

void journal_busy(struct rd_store *st, int64_t own_run, double timeout, enum store_wait_end how,
		  double waited, int keep, struct rd_err *err)
{
	struct rd_buf who = {0};
	struct rd_err scratch;
	sqlite3_stmt *s;
	char host[256] = "";
	int n = 0;
	gethostname(host, sizeof host - 1);
	if (store_prepare(st,
			  "SELECT args, user, started_at, pid, host FROM runs WHERE status = "
			  "'running'"
			  " AND id IS NOT ?1 AND run_alive(id) ORDER BY id DESC LIMIT 3",
			  &s, &scratch) == 0) {
		if (own_run)
			sqlite3_bind_int64(s, 1, own_run);
		while (sqlite3_step(s) == SQLITE_ROW) {
			const char *args = (const char *)sqlite3_column_text(s, 0);
			const char *other = (const char *)sqlite3_column_text(s, 4);
			int cut = args && strlen(args) > 60;
			buf_printf(&who, "%s`%.60s%s` by %s since %s (pid %lld%s%s)", n ? "; " : "",
				   args ? args : "", cut ? "..." : "", sqlite3_column_text(s, 1),
				   sqlite3_column_text(s, 2), (long long)sqlite3_column_int64(s, 3),
				   other && strcmp(other, host) != 0 ? " on " : "",
				   other && strcmp(other, host) != 0 ? other : "");
			n++;
		}
		sqlite3_finalize(s);
	}
	char wait[96];
	if (how == STORE_WAIT_CANCELLED)
		snprintf(wait, sizeof wait, "cancelled after waiting %.1f s", waited);
	else if (timeout <= 0)
		snprintf(wait, sizeof wait, "did not wait (lock-timeout is 0)");
	else
		snprintf(wait, sizeof wait, "waited %g s (set lock-timeout to wait longer)",
			 timeout);
	char *before = keep && err->msg[0] ? rd_strdup(err->msg) : NULL;
	if (n == 1)
		rd_err_set(err, "%s%sthe database is busy: %s holds the write lock; %s",
			   before ? before : "", before ? ": " : "", who.data, wait);
	else if (n > 1)
		rd_err_set(err, "%s%sthe database is busy: one of %s holds the write lock; %s",
			   before ? before : "", before ? ": " : "", who.data, wait);
	else
		rd_err_set(err,
			   "%s%sthe database is busy: another connection holds the write"
			   " lock (no riskdesk command is running: a short one, or another"
			   " program); %s",
			   before ? before : "", before ? ": " : "", wait);
	free(before);
	buf_free(&who);
}
