/* runs, audit: the logs. */
#include <stdlib.h>
#include <string.h>

#include "cmd_util.h"
#include "riskdesk/journal.h"

static const struct rd_opt log_opts[] = {
	{"limit", "N", "how many of the latest rows (default 50)"},
	{NULL, NULL, NULL},
};

/* rows: journal_runs or journal_audit. */
static int show_log(struct rd_ctx *ctx, const struct rd_args *a,
		    sqlite3_stmt *(*rows)(struct rd_store *, int64_t, int, struct rd_err *),
		    const char *name, const enum rd_col_kind *kinds)
{
	const char *l = args_opt(a, "limit");
	char *end = NULL;
	long long limit = l ? strtoll(l, &end, 10) : 50;
	if (l && (*end || limit < 0)) {
		char echo[RD_ECHO_SIZE];
		rd_err_set(&ctx->err, "%s: --limit must be a number >= 0, not %s", name,
			   rd_echo(echo, l, strlen(l)));
		return RD_USAGE;
	}
	sqlite3_stmt *s = rows(ctx->store, limit, 0, &ctx->err);
	if (!s)
		return RD_FAILED;
	int rc = cmd_emit_rows(ctx, s, name, kinds);
	sqlite3_finalize(s);
	return rc ? RD_FAILED : RD_OK;
}

static int exec_runs(struct rd_ctx *ctx, const struct rd_args *a)
{
	static const enum rd_col_kind kinds[] = {COL_NUM, COL_TEXT, COL_TEXT, COL_NUM, COL_TEXT,
						 COL_NUM, COL_TEXT, COL_TEXT, COL_TEXT};
	return show_log(ctx, a, journal_runs, "runs", kinds);
}

const struct rd_cmd cmd_runs = {
	.name = "runs",
	.usage = "[--limit N]",
	.summary = "the latest write commands (loads, recomputes, training, promotions, ...)",
	.help = "Each with its status: running (in progress), ok (finished), failed (stopped by "
		"an error; its data was rolled back), cancelled (stopped when asked; its data was "
		"rolled back) or interrupted (its process ended while it ran). seconds is how "
		"long each ran, to the millisecond (runs recorded before schema 14: whole "
		"seconds, from their start and finish times). Outcomes still waiting in "
		"PATH-riskdesk beside the database (written while another process held the lock) "
		"are shown. The console's Log shows them newest first.",
	.min_args = 0,
	.max_args = 0,
	.opts = log_opts,
	.exec = exec_runs,
};

static int exec_audit(struct rd_ctx *ctx, const struct rd_args *a)
{
	static const enum rd_col_kind kinds[] = {COL_NUM,  COL_TEXT, COL_TEXT,
						 COL_TEXT, COL_TEXT, COL_TEXT};
	return show_log(ctx, a, journal_audit, "audit", kinds);
}

const struct rd_cmd cmd_audit = {
	.name = "audit",
	.usage = "[--limit N]",
	.summary = "who changed what, when (every write command)",
	.help = "Export and 'set pii' too. Each row has its status: ok (succeeded), failed "
		"(stopped by an error), cancelled (stopped when asked), refused (another process "
		"held the write lock) or started (data began to leave: an export with email and "
		"phone unmasked). Rows still waiting in PATH-riskdesk beside the database "
		"(written while another process held the lock) are shown without an id.",
	.min_args = 0,
	.max_args = 0,
	.opts = log_opts,
	.exec = exec_audit,
};
