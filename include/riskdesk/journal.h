/* The logs: one `runs` row per load, recompute or training run, and `audit` rows for
 * every write command. */
#ifndef RISKDESK_JOURNAL_H
#define RISKDESK_JOURNAL_H

#include <stdint.h>

#include "riskdesk/command.h"

struct rd_run {
	int64_t id;          /* the runs row, once run_begin inserted it */
	const char *kind;    /* "load", "recompute", ... (static string) */
	char started_at[21]; /* ISO time */
	double t0;           /* now_seconds() at the start */
};

/* Starts the clock. Does not touch the database. */
void run_start(struct rd_run *run, const char *kind);
/* Inserts the run row inside the caller's open transaction, so rows it writes can
 * name run->id. 0 or -1. */
int run_insert(struct rd_ctx *ctx, struct rd_run *run, struct rd_err *err);
/* Marks the inserted run finished and ok, inside the same transaction. 0 or -1. */
int run_finish_ok(struct rd_ctx *ctx, struct rd_run *run, int64_t rows, const char *message,
		  struct rd_err *err);
/* After the caller rolled back: records the run as failed or cancelled in a
 * transaction of its own. Best effort (a read-only store records nothing). */
void run_record_failure(struct rd_ctx *ctx, struct rd_run *run, const char *status, int64_t rows,
			const char *message);
/* Appends an audit row in autocommit. 0 or -1. */
int audit_write(struct rd_store *st, const char *command, const char *status, const char *detail,
		struct rd_err *err);
/* Records that email and phone are about to be shown or written unmasked: an audit row
 * (the command line, the user, status) whose detail is `what` and the session (host,
 * process id, terminal). 0 only once the row is COMMITTED; the caller shows or writes
 * nothing unmasked otherwise. -1 with err on a read-only store, inside an open
 * transaction, or when the row cannot be written (another process holds the write lock
 * past the busy timeout). */
int audit_pii(struct rd_ctx *ctx, const char *status, const char *what, struct rd_err *err);

#endif
