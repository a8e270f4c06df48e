/* The logs: one `runs` row per write command (load, recompute, train, promote, ...),
 * committed as `running` before the command's data transaction so that other processes
 * can see who holds the write lock, and `audit` rows for every write command.
 *
 * Log rows written after a command (its outcome, its audit row) never wait for the write
 * lock: when another process holds it they go to DB-riskdesk, the file beside the
 * database, which the next writer folds into the tables and `runs`/`audit` show
 * meanwhile. A refused command (the lock stayed busy) is audited that way. */
#ifndef RISKDESK_JOURNAL_H
#define RISKDESK_JOURNAL_H

#include <stdint.h>

#include "riskdesk/command.h"

/* The message of a `running` run whose process is gone. */
#define RUN_INTERRUPTED "its process ended before the run finished"

struct rd_run {
	int64_t id;          /* the runs row, once run_enter committed it */
	char kind[32];       /* "load", "recompute", "model import", ... */
	char started_at[21]; /* ISO time */
	double t0;           /* now_seconds() at the start */
	int finished;        /* run_finish_ok recorded the outcome with the data */
	int64_t rows;        /* for a failed run's row: how far it got */
};

/* The run of the command being run: ctx->run when one is open (cmd_run_line opens one for
 * every write command), else own, begun here and made ctx->run until run_leave (callers of
 * the library outside cmd_run_line). Beginning a run waits for the write lock, folds in
 * the waiting log lines, marks the runs of dead processes `interrupted`, and commits a
 * `running` row. NULL and err when that row cannot be committed. */
struct rd_run *run_enter(struct rd_ctx *ctx, struct rd_run *own, const char *kind,
			 struct rd_err *err);
/* Inside the caller's data transaction: the run is ok, committed with the data. */
int run_finish_ok(struct rd_ctx *ctx, struct rd_run *run, int64_t rows, const char *message,
		  struct rd_err *err);
/* Ends own when run_enter began it (else nothing: its opener ends it): after the caller
 * rolled back, records status (an rd_status; failed or cancelled by ctx_cancelled) unless
 * run_finish_ok did, with ctx->err's message. Never waits: see above. */
void run_leave(struct rd_ctx *ctx, struct rd_run *own, int status);

/* Appends an audit row now, waiting for the lock like any write. 0 or -1. A read-only
 * store records nothing. */
int audit_write(struct rd_store *st, const char *command, const char *status, const char *detail,
		struct rd_err *err);
/* Records that email and phone are about to be shown or written unmasked: an audit row
 * (the command line, the user, status) whose detail is `what` and the session (host,
 * process id, terminal). 0 only once the row is COMMITTED; the caller shows or writes
 * nothing unmasked otherwise. -1 with err on a read-only store, inside an open
 * transaction, or when the row cannot be written (another process holds the write lock
 * past the busy timeout). */
int audit_pii(struct rd_ctx *ctx, const char *status, const char *what, struct rd_err *err);
/* The audit row of a command that has ended: now if the lock is free, else left in
 * DB-riskdesk for the next writer. Best effort; a read-only store records nothing. */
void audit_log(struct rd_store *st, const char *command, const char *status, const char *detail);

/* After a wait for the lock gave up (store_wait_failed): ctx->err says what holds the
 * lock (the live `running` runs: command, user, since, pid) and how long we waited; it
 * replaces the message (SQLite's "database is locked") or, with keep, follows it. */
void journal_busy_message(struct rd_ctx *ctx, enum store_wait_end how, double waited, int keep);

/* For display: the log lines still waiting in DB-riskdesk as the temporary tables
 * temp.pending_audit(at, user, command, status, detail) and temp.pending_runs(id, status,
 * finished_at, rows, message), rebuilt at each call. 0 or -1. */
int journal_pending(struct rd_store *st, struct rd_err *err);

#endif
