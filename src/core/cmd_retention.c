/* cleanup history --older-than DAYS (cleanup's other half: cmd_snapshot.c); vacuum. The
 * engine is retention.c. */
#include <stdio.h>
#include <string.h>

#include "cmd_util.h"
#include "riskdesk/retention.h"

int cmd_cleanup_history(struct rd_ctx *ctx, const struct rd_args *a)
{
	const char *older = args_opt(a, "older-than");
	uint64_t days;
	if (!older || args_opt(a, "before")) {
		rd_err_set(&ctx->err, "usage: cleanup history --older-than DAYS");
		return RD_USAGE;
	}
	if (cmd_parse_uint(older, 0, RETENTION_DAYS_MAX, &days)) {
		char echo[RD_ECHO_SIZE];
		rd_err_set(&ctx->err, "cleanup: --older-than wants whole days, 0 to %d, not %s",
			   RETENTION_DAYS_MAX, rd_echo(echo, older, strlen(older)));
		return RD_USAGE;
	}
	struct retention_report r;
	struct rd_job job = cmd_job(ctx);
	if (retention_history(&job, (int64_t)days, &r, &ctx->err))
		return RD_FAILED;
	sink_fieldf(ctx->out, "cleanup", "before", COL_TEXT, "%s", r.cutoff);
	sink_fieldf(ctx->out, "cleanup", "score_history", COL_NUM, "%lld", (long long)r.history);
	sink_fieldf(ctx->out, "cleanup", "kept_latest", COL_NUM, "%lld", (long long)r.kept_latest);
	sink_fieldf(ctx->out, "cleanup", "requests", COL_NUM, "%lld", (long long)r.requests);
	sink_fieldf(ctx->out, "cleanup", "fetch_attempts", COL_NUM, "%lld", (long long)r.attempts);
	sink_message(ctx->out,
		     "removed %lld score history rows, %lld decided requests and %lld fetch"
		     " attempts older than %llu days; kept %lld older scores, each its"
		     " customer's latest or its profile's ('vacuum' gives the space back)",
		     (long long)r.history, (long long)r.requests, (long long)r.attempts,
		     (unsigned long long)days, (long long)r.kept_latest);
	return RD_OK;
}

static int exec_vacuum(struct rd_ctx *ctx, const struct rd_args *a)
{
	(void)a;
	struct vacuum_report r;
	struct rd_job job = cmd_job(ctx);
	if (retention_vacuum(&job, &r, &ctx->err))
		return RD_FAILED;
	char b[32];
	sink_fieldf(ctx->out, "vacuum", "bytes_before", COL_NUM, "%lld", (long long)r.before);
	sink_fieldf(ctx->out, "vacuum", "bytes_after", COL_NUM, "%lld", (long long)r.after);
	sink_message(ctx->out, "vacuum: %s given back (%lld bytes before, %lld after)%s",
		     sink_bytes_text((double)(r.before - r.after), b, sizeof b),
		     (long long)r.before, (long long)r.after,
		     r.wal_busy ? "; another connection reads the database: the file shrinks"
				  " when it lets go"
				: "");
	return RD_OK;
}

const struct rd_cmd cmd_vacuum = {
	.name = "vacuum",
	.usage = "",
	.summary = "give the space of removed rows back to the file system",
	.help = "SQLite's VACUUM: the database is rewritten without its free pages, then the "
		"write-ahead log is emptied into it, so that the file shrinks to what is in use; "
		"it says how many bytes the database took before and after. Run it after "
		"'cleanup'. It needs as much free disk as the database takes, holds the write "
		"lock while it runs, and refuses to run inside a transaction; Ctrl-C stops it "
		"and leaves the file as it was.",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_WRITES | CMD_LONG,
	.exec = exec_vacuum,
};
