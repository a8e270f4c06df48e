#include "riskdesk/journal.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

void run_start(struct rd_run *run, const char *kind)
{
	memset(run, 0, sizeof *run);
	run->kind = kind;
	now_iso(run->started_at);
	run->t0 = now_seconds();
}

static int insert_run(struct rd_ctx *ctx, struct rd_run *run, const char *status, int64_t rows,
		      const char *message, int finished, struct rd_err *err)
{
	sqlite3_stmt *s;
	char now[21];
	now_iso(now);
	if (store_prepare(ctx->store,
			  "INSERT INTO runs(kind, args, user, started_at, finished_at, rows, status,"
			  " message) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, run->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, ctx->line ? ctx->line : run->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, rd_user(), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, run->started_at, -1, SQLITE_STATIC);
	if (finished)
		sqlite3_bind_text(s, 5, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 6, rows);
	sqlite3_bind_text(s, 7, status, -1, SQLITE_STATIC);
	if (message)
		sqlite3_bind_text(s, 8, message, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(ctx->store, err, "recording the run");
	run->id = sqlite3_last_insert_rowid(store_db(ctx->store));
	return 0;
}

int run_insert(struct rd_ctx *ctx, struct rd_run *run, struct rd_err *err)
{
	return insert_run(ctx, run, "ok", 0, NULL, 0, err);
}

int run_finish_ok(struct rd_ctx *ctx, struct rd_run *run, int64_t rows, const char *message,
		  struct rd_err *err)
{
	sqlite3_stmt *s;
	char now[21];
	now_iso(now);
	if (store_prepare(ctx->store,
			  "UPDATE runs SET finished_at = ?1, rows = ?2, message = ?3 WHERE id = ?4", &s,
			  err))
		return -1;
	sqlite3_bind_text(s, 1, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, rows);
	if (message)
		sqlite3_bind_text(s, 3, message, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, run->id);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(ctx->store, err, "finishing the run");
}

void run_record_failure(struct rd_ctx *ctx, struct rd_run *run, const char *status, int64_t rows,
			const char *message)
{
	struct rd_err err;
	if (store_readonly(ctx->store))
		return;
	store_rollback(ctx->store);
	insert_run(ctx, run, status, rows, message, 1, &err);
}

int audit_write(struct rd_store *st, const char *command, const char *status, const char *detail,
		struct rd_err *err)
{
	sqlite3_stmt *s;
	char now[21];
	if (store_readonly(st))
		return 0;
	now_iso(now);
	if (store_prepare(st,
			  "INSERT INTO audit(at, user, command, status, detail)"
			  " VALUES (?1, ?2, ?3, ?4, ?5)",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, rd_user(), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, command, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, status, -1, SQLITE_STATIC);
	if (detail && *detail)
		sqlite3_bind_text(s, 5, detail, -1, SQLITE_STATIC);
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

int audit_pii(struct rd_ctx *ctx, const char *status, const char *what, struct rd_err *err)
{
	char session[400];
	struct rd_buf detail = {0};
	int rc = -1;
	if (store_readonly(ctx->store)) {
		rd_err_set(err, "the database is open read-only, so no audit row can be written"
				" (open it without --read-only)");
		return -1;
	}
	/* Inside a transaction the row would not be committed yet. */
	if (!sqlite3_get_autocommit(store_db(ctx->store))) {
		rd_err_set(err, "a transaction is open, so the audit row cannot be committed now");
		return -1;
	}
	session_name(session, sizeof session);
	buf_printf(&detail, "%s; %s", what, session);
	/* In autocommit: the row is committed when the insert returns. */
	if (audit_write(ctx->store, ctx->line ? ctx->line : what, status, detail.data, err) == 0)
		rc = 0;
	else if ((sqlite3_errcode(store_db(ctx->store)) & 0xff) == SQLITE_BUSY)
		rd_err_set(err, "another process holds the database's write lock, so the audit row"
				" cannot be written now (%s)", sqlite3_errmsg(store_db(ctx->store)));
	buf_free(&detail);
	return rc;
}
