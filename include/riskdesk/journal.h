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

#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>

#include "riskdesk/store.h"
#include "riskdesk/vocab.h"

struct rd_sink;

/* The message of a `running` run whose process is gone. */
#define RUN_INTERRUPTED "its process ended before the run finished"

struct rd_run {
	int64_t id;          /* the runs row, once run_begin committed it */
	char kind[32];       /* "load", "recompute", "model import", ... */
	char started_at[21]; /* ISO time */
	double t0;           /* now_seconds() at the start: the run's seconds count from it */
	int finished;        /* run_mark_ok recorded the outcome with the data */
	int64_t rows;        /* for a failed run's row: how far it got */
};

/* Begins a run of kind (own, which the caller keeps until run_end): waits for the write
 * lock, folds in the waiting log lines, marks the runs of dead processes `interrupted`,
 * and commits a `running` row (its args: line, or kind when line is NULL) whose byte lock
 * this process holds. Returns own, or NULL and err when that row cannot be committed. */
struct rd_run *run_begin(struct rd_store *st, struct rd_run *own, const char *kind,
			 const char *line, struct rd_err *err);
/* Inside the caller's data transaction: the run is ok, committed with the data. 0 or -1. */
int run_mark_ok(struct rd_store *st, struct rd_run *run, int64_t rows, const char *message,
		struct rd_err *err);
/* Ends a run that run_begin began, after the caller committed or rolled back: records
 * status (RUN_STATUS_OK, _FAILED or _CANCELLED) and message (NULL or "": none; ignored when ok)
 * unless run_mark_ok did, and releases its lock. Never waits: see above. Nothing for a run
 * that never began (id 0). */
void run_end(struct rd_store *st, struct rd_run *own, enum rd_run_status status,
	     const char *message);

/* A write job of the core run for a caller (load, label proxy): the store, where its
 * messages and progress go, the flag that cancels it, and the run it is part of. A
 * command fills one from its context (cmd_job); a job given no run opens its own. */
struct rd_job {
	struct rd_store *store; /* not owned */
	struct rd_sink *out;    /* diagnostics, messages, progress; not owned */
	atomic_int *cancel;     /* polled; may be NULL */
	struct rd_run *run;     /* the caller's open run, or NULL */
};

/* The job's run: the caller's, or own begun as run_begin does (its args the kind). */
struct rd_run *job_run(const struct rd_job *job, struct rd_run *own, const char *kind,
		       struct rd_err *err);
/* 1 when the job's cancel flag is set. */
int job_cancelled(const struct rd_job *job);
/* Ends own when job_run began it: ok when rc is 0, else cancelled (the flag is set) or
 * failed, with err's message. */
void job_run_end(const struct rd_job *job, struct rd_run *own, int rc, const struct rd_err *err);

/* Appends an audit row now, waiting for the lock like any write. 0 or -1. A read-only
 * store records nothing. */
int audit_write(struct rd_store *st, const char *command, enum rd_audit_status status,
		const char *detail, struct rd_err *err);
/* Records that email and phone are about to be shown or written unmasked: an audit row
 * (command, or what when NULL; the user; status) whose detail is `what` and the session
 * (host, process id, terminal). 0 only once the row is COMMITTED; the caller shows or
 * writes nothing unmasked otherwise. -1 with err on a read-only store, inside an open
 * transaction, or when the row cannot be written (another process holds the write lock
 * past the busy timeout). */
int audit_pii_write(struct rd_store *st, const char *command, enum rd_audit_status status,
		    const char *what, struct rd_err *err);
/* The audit row of a command that has ended: now if the lock is free, else left in
 * DB-riskdesk for the next writer. Best effort; a read-only store records nothing. */
void audit_log(struct rd_store *st, const char *command, enum rd_audit_status status,
	       const char *detail);

/* After a wait for the lock gave up (store_wait_failed): err says what holds the lock
 * (the live `running` runs other than own_run: command, user, since, pid) and how long we
 * waited (timeout: the lock-timeout setting); it replaces the message (SQLite's "database
 * is locked") or, with keep, follows it. */
void journal_busy(struct rd_store *st, int64_t own_run, double timeout, enum store_wait_end how,
		  double waited, int keep, struct rd_err *err);

/* For display: the log lines still waiting in DB-riskdesk as the temporary tables
 * temp.pending_audit(at, user, command, status, detail) and temp.pending_runs(id, status,
 * finished_at, rows, message, seconds), rebuilt at each call. 0 or -1. */
int journal_pending(struct rd_store *st, struct rd_err *err);

/* For display (`runs`, the console's Log): the latest limit runs, with the outcomes still
 * waiting in DB-riskdesk, oldest first or newest_first, as a statement the caller steps and
 * finalizes. Columns: id, kind, status, rows, started_at, seconds (how long it ran, a real
 * to the millisecond; for runs older than schema 14 the difference of its whole-second
 * times, an integer), user, args, message. NULL with err. */
sqlite3_stmt *journal_runs(struct rd_store *st, int64_t limit, int newest_first,
			   struct rd_err *err);
/* The same for the audit rows: id (NULL for a row still waiting), at, user, status,
 * command, detail. */
sqlite3_stmt *journal_audit(struct rd_store *st, int64_t limit, int newest_first,
			    struct rd_err *err);

/* ---- the same for a command (struct rd_ctx, command.h): defined by the command layer in
 * cmd_journal.c, over ctx->store, ctx->run, ctx->line, ctx->err and the settings ---- */
struct rd_ctx;

/* The run of the command being run: ctx->run when one is open (cmd_run_line opens one for
 * every write command), else own, begun by run_begin and made ctx->run until run_leave
 * (callers of the library outside cmd_run_line). NULL and err when its row cannot be
 * committed. */
struct rd_run *run_enter(struct rd_ctx *ctx, struct rd_run *own, const char *kind,
			 struct rd_err *err);
/* run_mark_ok on ctx's store. */
int run_finish_ok(struct rd_ctx *ctx, struct rd_run *run, int64_t rows, const char *message,
		  struct rd_err *err);
/* Ends own when run_enter began it (else nothing: its opener ends it): run_end with status
 * (an rd_status: ok, else failed or cancelled by ctx_cancelled) and ctx->err's message. */
void run_leave(struct rd_ctx *ctx, struct rd_run *own, int status);
/* audit_pii_write for the command line being run. */
int audit_pii(struct rd_ctx *ctx, enum rd_audit_status status, const char *what,
	      struct rd_err *err);
/* journal_busy into ctx->err, for ctx's run and lock-timeout. */
void journal_busy_message(struct rd_ctx *ctx, enum store_wait_end how, double waited, int keep);
/* The job a command runs in the core (load, label proxy): its store, sink, cancel flag and
 * open run. */
struct rd_job cmd_job(struct rd_ctx *ctx);

#endif
