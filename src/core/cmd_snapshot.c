/* snapshot [--monthly] [--from YYYY-MM] [--to YYYY-MM]; snapshots; cleanup snapshots
 * --before YYYY-MM (and cleanup history: cmd_retention.c). The engine is snapshot.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_util.h"
#include "riskdesk/journal.h"
#include "riskdesk/monitor.h"
#include "riskdesk/snapshot.h"

/* --NAME's month into *month; RD_OK, or RD_USAGE with the message. */
static int month_opt(struct rd_ctx *ctx, const char *cmd, const char *name, const char *v,
		     int *month)
{
	if (snapshot_month_parse(v, month) == 0)
		return RD_OK;
	char echo[RD_ECHO_SIZE];
	rd_err_set(&ctx->err, "%s: --%s wants a month YYYY-MM, not %s", cmd, name,
		   rd_echo(echo, v, strlen(v)));
	return RD_USAGE;
}

static void on_progress(void *ud, const char *phase, int64_t done, int64_t total)
{
	struct rd_ctx *ctx = ud;
	sink_progress(ctx->out, phase, done, total);
}

static void report(struct rd_ctx *ctx, const struct snapshot_take *t, double secs)
{
	static const char *const cols[] = {"month", "as_of", "customers", "mean_score", "models"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_TEXT, COL_NUM, COL_NUM, COL_TEXT};
	int64_t rows = 0;
	sink_table_begin(ctx->out, "snapshots", 5, cols, kinds);
	for (int j = 0; j <= t->last - t->first; j++) {
		const struct snapshot_month *m = &t->months[j];
		char month[8], as_of[11], n[24], mean[24] = "";
		snapshot_month_format(m->month, month);
		day_format(snapshot_month_end(m->month), as_of);
		snprintf(n, sizeof n, "%lld", (long long)m->customers);
		if (!isnan(m->mean_score))
			snprintf(mean, sizeof mean, "%.1f",
				 round(m->mean_score * 10) / 10); /* as SQL's */
		const char *row[] = {month, as_of, n, mean, m->models};
		sink_row(ctx->out, row);
		rows += m->customers;
	}
	sink_table_end(ctx->out);
	char a[8], b[8];
	snapshot_month_format(t->first, a);
	snapshot_month_format(t->last, b);
	sink_message(ctx->out, "took %d monthly snapshots (%s .. %s, %lld rows) in %.2f s",
		     t->last - t->first + 1, a, b, (long long)rows, secs);
}

static int exec_snapshot(struct rd_ctx *ctx, const struct rd_args *a)
{
	const char *from = args_opt(a, "from"), *to = args_opt(a, "to");
	struct snapshot_take t = {.cancel = ctx->cancel, .progress = on_progress, .ud = ctx};
	struct rd_engine *engine = NULL;
	struct rd_run own, *run = NULL;
	int status = RD_FAILED, rc;
	if ((from && (rc = month_opt(ctx, "snapshot", "from", from, &t.first)) != RD_OK) ||
	    (to && (rc = month_opt(ctx, "snapshot", "to", to, &t.last)) != RD_OK))
		return rc;
	if (!from || !to) {
		int first, last;
		rc = snapshot_default_range(ctx->store, &first, &last, &ctx->err);
		if (rc < 0)
			return RD_FAILED;
		if (rc == 1) {
			rd_err_set(&ctx->err,
				   "snapshot: no whole month of orders or payments to take"
				   " (give --from and --to)");
			return RD_FAILED;
		}
		if (!to)
			t.last = last;
		/* A monitoring year, not the whole history: a book with years of history would
		 * take years of months, most of them long before any model's reference. */
		if (!from)
			t.first = first > t.last - (SNAPSHOT_DEFAULT_MONTHS - 1)
					  ? first
					  : t.last - (SNAPSHOT_DEFAULT_MONTHS - 1);
	}
	char a1[8], a2[8];
	snapshot_month_format(t.first, a1);
	snapshot_month_format(t.last, a2);
	if (t.last < t.first) {
		rd_err_set(&ctx->err, "snapshot: the range %s .. %s is empty", a1, a2);
		return RD_USAGE;
	}
	if (t.last - t.first >= SNAPSHOT_MAX_MONTHS) {
		rd_err_set(&ctx->err, "snapshot: %s .. %s is more than %d months", a1, a2,
			   SNAPSHOT_MAX_MONTHS);
		return RD_USAGE;
	}
	t.months = rd_calloc((size_t)(t.last - t.first + 1), sizeof *t.months);
	if (!(engine = engine_load(ctx->store, &ctx->err)) ||
	    !(run = run_enter(ctx, &own, "snapshot", &ctx->err)) ||
	    store_begin(ctx->store, &ctx->err))
		goto out;
	t.run_id = run->id;
	engine_rank_reasons(engine); /* snapshots store no reasons: none exact to compute */
	rc = snapshot_take(ctx->store, engine, &t, &ctx->err);
	if (rc == 1)
		rd_err_set(&ctx->err, "snapshot cancelled: nothing was changed");
	if (rc)
		goto out;
	if (monitor_store_counts(ctx->store, a1, a2, &ctx->err))
		goto out;
	int64_t rows = 0;
	for (int j = 0; j <= t.last - t.first; j++)
		rows += t.months[j].customers;
	if (run_finish_ok(ctx, run, rows, NULL, &ctx->err) || store_commit(ctx->store, &ctx->err))
		goto out;
	report(ctx, &t, now_seconds() - run->t0);
	status = RD_OK;
out:
	if (run) {
		store_rollback(ctx->store);
		run_leave(ctx, &own, status);
	}
	engine_free(engine);
	free(t.months);
	return status;
}

static const struct rd_opt snapshot_opts[] = {
	{"monthly", NULL, "at calendar month ends (the only kind, so the default)"},
	{"from", "YYYY-MM",
	 "the first month (default: 11 months before the last, or that of the"
	 " earliest order or payment when later)"},
	{"to", "YYYY-MM",
	 "the last month (default: the last one ending on or before the latest"
	 " order or payment)"},
	{NULL, NULL, NULL},
};

const struct rd_cmd cmd_snapshot = {
	.name = "snapshot",
	.usage = "[--monthly] [--from YYYY-MM] [--to YYYY-MM]",
	.summary = "store every customer's point-in-time features and score at each month end",
	.help = "For each calendar month of the range, stores every customer created by its last "
		"day with the features as of that day (only the orders and payments on or before "
		"it) and the score, PD, band and segment under the serving models, as 'recompute "
		"all --as-of' that day would give them. All months are computed in one pass over "
		"the orders and payments. It also stores each month's drift counts against every "
		"champion's reference, which 'drift --by month' reads. A month taken again is "
		"replaced. 'snapshots' lists them, 'drift --by month' compares each with the "
		"model's reference, 'cleanup snapshots' removes old ones.",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_WRITES | CMD_LONG,
	.opts = snapshot_opts,
	.exec = exec_snapshot,
};

static int exec_snapshots(struct rd_ctx *ctx, const struct rd_args *a)
{
	(void)a;
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_TEXT, COL_NUM,
						 COL_NUM,  COL_TEXT, COL_TEXT};
	sqlite3_stmt *s;
	if (store_prepare(ctx->store,
			  "SELECT month, as_of, customers, CASE WHEN mean_score IS NULL THEN ''"
			  " ELSE printf('%.1f', mean_score) END AS mean_score,"
			  " models, taken_at FROM snapshot_months ORDER BY month",
			  &s, &ctx->err))
		return RD_FAILED;
	int rc = cmd_emit_rows(ctx, s, "snapshots", kinds);
	sqlite3_finalize(s);
	return rc ? RD_FAILED : RD_OK;
}

const struct rd_cmd cmd_snapshots = {
	.name = "snapshots",
	.usage = "",
	.summary = "the monthly snapshots: month, as-of day, customers, mean score, models",
	.help = "One row per month taken by 'snapshot': its last day (the features' as-of), the "
		"customers created by then, their mean score, the models that scored them and when "
		"it was taken.",
	.min_args = 0,
	.max_args = 0,
	.exec = exec_snapshots,
};

extern const struct rd_cmd cmd_cleanup;

static int exec_cleanup(struct rd_ctx *ctx, const struct rd_args *a)
{
	const char *before = args_opt(a, "before");
	int month, rc;
	if (strcmp(a->argv[0], "history") == 0)
		return cmd_cleanup_history(ctx, a);
	if (strcmp(a->argv[0], "snapshots") != 0 || !before || args_opt(a, "older-than")) {
		rd_err_set(&ctx->err, "usage: cleanup %s", cmd_cleanup.usage);
		return RD_USAGE;
	}
	if ((rc = month_opt(ctx, "cleanup", "before", before, &month)) != RD_OK)
		return rc;
	struct rd_run own, *run = run_enter(ctx, &own, "cleanup", &ctx->err);
	int64_t months = 0, rows = 0;
	int status = RD_FAILED;
	if (!run || store_begin(ctx->store, &ctx->err) ||
	    snapshot_remove_before(ctx->store, month, &months, &rows, &ctx->err) ||
	    run_finish_ok(ctx, run, rows, NULL, &ctx->err) || store_commit(ctx->store, &ctx->err))
		goto out;
	sink_message(ctx->out, "removed %lld monthly snapshots before %s (%lld rows)",
		     (long long)months, before, (long long)rows);
	status = RD_OK;
out:
	if (run) {
		store_rollback(ctx->store);
		run_leave(ctx, &own, status);
	}
	return status;
}

static const struct rd_opt cleanup_opts[] = {
	{"before", "YYYY-MM", "snapshots: remove the months before this one"},
	{"older-than", "DAYS", "history: remove what is older than this many days"},
	{NULL, NULL, NULL},
};

const struct rd_cmd cmd_cleanup = {
	.name = "cleanup",
	.usage = "snapshots --before YYYY-MM | history --older-than DAYS",
	.summary = "remove old snapshots, or score history and decided requests past retention "
		   "(audited)",
	.help = "'snapshots' removes the snapshots (their rows and their summary) of every month "
		"before --before. 'history' removes what is older than --older-than days from "
		"now: the score history (each customer's latest score, and the row a profile takes "
		"its reasons from, stay however old), the "
		"credit requests approved or declined before then (by the day riskdesk decided "
		"them, else the day they were made; referred and pending ones wait for a decision "
		"and stay), and the fetch attempts of 'refresh stale'; it says how many of each. "
		"Either runs in one transaction, which a run and an audit row record. 'vacuum' "
		"then gives the space back.",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_WRITES,
	.opts = cleanup_opts,
	.args = (const struct rd_arg[]){{.at = 0,
					 .values = {.type = RD_ARG_WORD,
						    .words = (const char *const[]){"history",
										   "snapshots",
										   NULL}}},
					RD_ARGS_END},
	.exec = exec_cleanup,
};
