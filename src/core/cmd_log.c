/* runs, audit: the logs. */
#include <stdlib.h>
#include <string.h>

#include "cmd_util.h"
#include "riskdesk/journal.h"

static const struct rd_opt log_opts[] = {
	{"limit", "N", "how many of the latest rows (default 50)"},
	{NULL, NULL, NULL},
};

static int show_log(struct rd_ctx *ctx, const struct rd_args *a, const char *sql, const char *name,
		    const enum rd_col_kind *kinds)
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
	sqlite3_stmt *s;
	if (journal_pending(ctx->store, &ctx->err) || store_prepare(ctx->store, sql, &s, &ctx->err))
		return RD_FAILED;
	sqlite3_bind_int64(s, 1, limit);
	int rc = cmd_emit_rows(ctx, s, name, kinds);
	sqlite3_finalize(s);
	return rc ? RD_FAILED : RD_OK;
}

static int exec_runs(struct rd_ctx *ctx, const struct rd_args *a)
{
	static const enum rd_col_kind kinds[] = {COL_NUM,  COL_TEXT, COL_TEXT, COL_NUM, COL_TEXT,
						 COL_NUM,  COL_TEXT, COL_TEXT, COL_TEXT};
	/* A run's outcome may still wait in DB-riskdesk (pending_runs); a `running` row
	 * whose process is gone is `interrupted` (the next writer marks it so). */
	return show_log(ctx, a,
			"SELECT * FROM (SELECT r.id, r.kind, CASE WHEN p.id IS NULL AND r.status ="
			" 'running' AND NOT run_alive(r.id) THEN 'interrupted' ELSE"
			" coalesce(p.status, r.status) END AS status, coalesce(p.rows, r.rows) AS rows,"
			" r.started_at, round((julianday(coalesce(p.finished_at, r.finished_at))"
			" - julianday(r.started_at)) * 86400, 1) AS seconds, r.user, r.args,"
			" CASE WHEN p.id IS NULL AND r.status = 'running' AND NOT run_alive(r.id)"
			" THEN '" RUN_INTERRUPTED "' ELSE coalesce(p.message, r.message, '') END"
			" AS message FROM runs r LEFT JOIN temp.pending_runs p ON p.id = r.id"
			" ORDER BY r.id DESC LIMIT ?1) ORDER BY id",
			"runs", kinds);
}

const struct rd_cmd cmd_runs = {
	.name = "runs",
	.usage = "[--limit N]",
	.summary = "the latest write commands (loads, recomputes, training, promotions, ...)",
	.min_args = 0,
	.max_args = 0,
	.opts = log_opts,
	.exec = exec_runs,
};

static int exec_audit(struct rd_ctx *ctx, const struct rd_args *a)
{
	static const enum rd_col_kind kinds[] = {COL_NUM, COL_TEXT, COL_TEXT, COL_TEXT, COL_TEXT,
						 COL_TEXT};
	/* Rows still waiting in DB-riskdesk (a write refused while the lock was busy) come
	 * without an id, in time order with the others (after those of the same second). */
	return show_log(ctx, a,
			"SELECT id, at, user, status, command, detail FROM (SELECT * FROM (SELECT id,"
			" at, user, status, command, coalesce(detail, '') AS detail, 0 AS w, id AS n"
			" FROM audit UNION ALL SELECT NULL, at, user, status, command,"
			" coalesce(detail, ''), 1, rowid FROM temp.pending_audit)"
			" ORDER BY at DESC, w DESC, n DESC LIMIT ?1) ORDER BY at, w, n",
			"audit", kinds);
}

const struct rd_cmd cmd_audit = {
	.name = "audit",
	.usage = "[--limit N]",
	.summary = "who changed what, when (every write command)",
	.min_args = 0,
	.max_args = 0,
	.opts = log_opts,
	.exec = exec_audit,
};
