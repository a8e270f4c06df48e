/* status: what is out of date (stale.h); and the stale line of `drift`. */
#include <stdio.h>
#include <string.h>

#include "cmd_util.h"
#include "riskdesk/stale.h"

static void run_field(struct rd_ctx *ctx, const char *key, int64_t id, const char *at)
{
	if (id)
		sink_fieldf(ctx->out, "status", key, COL_TEXT, "%s (run %lld)", at, (long long)id);
	else
		sink_field(ctx->out, "status", key, "none", COL_TEXT);
}

static int exec_status(struct rd_ctx *ctx, const struct rd_args *a)
{
	(void)a;
	struct stale_state s = {0};
	if (stale_check(ctx->store, &s, &ctx->err))
		return RD_FAILED;
	char text[512];
	sink_fieldf(ctx->out, "status", "profiles", COL_NUM, "%lld",
		    (long long)store_int(ctx->store, "SELECT count(*) FROM credit_profiles", 0));
	run_field(ctx, "latest_load", s.load_run, s.load_at);
	run_field(ctx, "latest_recompute", s.recompute_run, s.recompute_at);
	sink_fieldf(ctx->out, "status", "older_than_load", COL_NUM, "%lld", (long long)s.older);
	sink_fieldf(ctx->out, "status", "scored_by_unserving", COL_NUM, "%lld",
		    (long long)s.unserved);
	sink_fieldf(ctx->out, "status", "snapshots_older_than_load", COL_NUM, "%lld",
		    (long long)(s.load_run ? s.snapshots_older : 0));
	int any = 0;
	stale_profiles_text(&s, 0, text, sizeof text);
	if (text[0]) {
		sink_field(ctx->out, "status", "stale", text, COL_TEXT);
		any = 1;
	}
	stale_snapshots_text(&s, 0, text, sizeof text);
	if (text[0]) {
		sink_field(ctx->out, "status", any ? "stale_snapshots" : "stale", text, COL_TEXT);
		any = 1;
	}
	if (!any)
		sink_field(ctx->out, "status", "stale",
			   "nothing: the profiles hold the latest load and"
			   " were scored by the serving models",
			   COL_TEXT);
	return RD_OK;
}

const struct rd_cmd cmd_status = {
	.name = "status",
	.usage = "",
	.summary = "what is out of date: profiles older than the latest load or scored by a model "
		   "that no longer serves, snapshots older than the load",
	.help = "Profiles computed before the latest load of customers, orders or payments (they "
		"miss its data; outcomes change no profile), profiles scored by a model that no "
		"longer serves their segment (after promote, retire or rules import), and "
		"snapshot months taken before that load; 'recompute all' and 'snapshot' bring "
		"them up to date. drift says the same in its stale line, the console in its "
		"status line and Drift pane.",
	.min_args = 0,
	.max_args = 0,
	.exec = exec_status,
};

int cmd_stale_fields(struct rd_ctx *ctx, const char *section, int snapshots)
{
	struct stale_state s = {0};
	char text[512];
	if (stale_check(ctx->store, &s, &ctx->err))
		return -1;
	if (snapshots)
		stale_snapshots_text(&s, 0, text, sizeof text);
	else
		stale_profiles_text(&s, 0, text, sizeof text);
	if (text[0])
		sink_field(ctx->out, section, "stale", text, COL_TEXT);
	return 0;
}
