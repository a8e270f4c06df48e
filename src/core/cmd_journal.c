/* The logs (journal.h) seen from a command: the run of the command being run kept in
 * ctx->run, the PII audit row of its command line, the busy message into ctx->err, and the
 * job a command hands to the core (load, label proxy). Not a command: the bridge that lets
 * journal.c, load.c and label.c know the store and never a command's context. */
#include "riskdesk/command.h"
#include "riskdesk/journal.h"

struct rd_run *run_enter(struct rd_ctx *ctx, struct rd_run *own, const char *kind,
			 struct rd_err *err)
{
	if (ctx->run)
		return ctx->run;
	if (!run_begin(ctx->store, own, kind, ctx->line, err))
		return NULL;
	ctx->run = own;
	return own;
}

int run_finish_ok(struct rd_ctx *ctx, struct rd_run *run, int64_t rows, const char *message,
		  struct rd_err *err)
{
	return run_mark_ok(ctx->store, run, rows, message, err);
}

void run_leave(struct rd_ctx *ctx, struct rd_run *own, int status)
{
	if (ctx->run != own)
		return;
	ctx->run = NULL;
	run_end(ctx->store, own,
		status == RD_OK      ? RUN_STATUS_OK
		: ctx_cancelled(ctx) ? RUN_STATUS_CANCELLED
				     : RUN_STATUS_FAILED,
		ctx->err.msg);
}

int audit_pii(struct rd_ctx *ctx, enum rd_audit_status status, const char *what, struct rd_err *err)
{
	return audit_pii_write(ctx->store, ctx->line, status, what, err);
}

void journal_busy_message(struct rd_ctx *ctx, enum store_wait_end how, double waited, int keep)
{
	journal_busy(ctx->store, ctx->run ? ctx->run->id : 0, ctx->settings.lock_timeout, how,
		     waited, keep, &ctx->err);
}

struct rd_job cmd_job(struct rd_ctx *ctx)
{
	return (struct rd_job){ctx->store, ctx->out, ctx->cancel, ctx->run};
}
