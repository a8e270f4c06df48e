/* label: the outcomes' sources; label proxy --rfm makes proxy labels where there are no
 * observed outcomes (label.h); label clear removes them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_util.h"
#include "riskdesk/label.h"

static const struct rd_opt label_opts[] = {
	{"rfm", NULL, "proxy: cluster on recency, frequency and monetary value (the method)"},
	{"clusters", "K", "proxy: k-means clusters, 2 to 20 (default 4)"},
	{"bad-share", "P",
	 "proxy: label this share of the customers bad, least engaged first"
	 " (default: the least engaged cluster)"},
	{"seed", "S", "proxy: seed of the k-means++ starts (default 42)"},
	{"force", NULL,
	 "proxy: label the customers without an observed outcome even when others"
	 " have one"},
	{NULL, NULL, NULL},
};

static int parse_proxy(struct rd_ctx *ctx, const struct rd_args *a, struct label_proxy_opts *o)
{
	const char *k = args_opt(a, "clusters"), *p = args_opt(a, "bad-share");
	const char *seed = args_opt(a, "seed");
	char echo[RD_ECHO_SIZE];
	uint64_t v;
	*o = (struct label_proxy_opts){LABEL_K_DEFAULT, 0, LABEL_SEED_DEFAULT, 0,
				       ctx->settings.as_of};
	if (!args_opt(a, "rfm")) {
		rd_err_set(&ctx->err, "label proxy: say how: --rfm (recency, frequency and monetary"
				      " value, the one method)");
		return -1;
	}
	if (k) {
		if (cmd_parse_uint(k, 2, LABEL_K_MAX, &v)) {
			rd_err_set(&ctx->err,
				   "label proxy: --clusters must be a whole number from 2"
				   " to %d, not %s",
				   LABEL_K_MAX, rd_echo(echo, k, strlen(k)));
			return -1;
		}
		o->k = (int)v;
	}
	if (p &&
	    (num_parse(p, strlen(p), &o->bad_share) || !(o->bad_share > 0 && o->bad_share < 1))) {
		rd_err_set(&ctx->err,
			   "label proxy: --bad-share must be a share between 0 and 1"
			   " (0.2), not %s",
			   rd_echo(echo, p, strlen(p)));
		return -1;
	}
	if (seed) {
		if (cmd_parse_uint(seed, 0, UINT64_MAX, &v)) {
			rd_err_set(&ctx->err, "label proxy: --seed must be a whole number, not %s",
				   rd_echo(echo, seed, strlen(seed)));
			return -1;
		}
		o->seed = v;
	}
	o->force = args_opt(a, "force") != NULL;
	return 0;
}

static void report_proxy(struct rd_ctx *ctx, const struct label_proxy_report *r)
{
	struct rd_sink *out = ctx->out;
	double n = r->customers ? (double)r->customers : 1;
	sink_field(out, "labels", "method", r->summary, COL_TEXT);
	sink_fieldf(out, "labels", "customers", COL_NUM, "%zu", r->customers);
	sink_fieldf(out, "labels", "bads", COL_NUM, "%zu", r->bads);
	sink_fieldf(out, "labels", "bad_share", COL_NUM, "%.4f", (double)r->bads / n);
	sink_fieldf(out, "labels", "observed_kept", COL_NUM, "%zu", r->observed);
	sink_fieldf(out, "labels", "replaced", COL_NUM, "%zu", r->replaced);
	sink_fieldf(out, "labels", "iterations", COL_NUM, "%d", r->iterations);
	sink_fieldf(out, "labels", "inertia", COL_NUM, "%.4f", r->inertia);
	static const char *const cols[] = {"cluster",      "customers",    "share",
					   "recency_days", "orders_total", "total_spend",
					   "engagement",   "bads"};
	static const enum rd_col_kind kinds[] = {COL_NUM, COL_NUM, COL_NUM, COL_NUM,
						 COL_NUM, COL_NUM, COL_NUM, COL_NUM};
	sink_table_begin(out, "clusters", 8, cols, kinds);
	for (int c = 0; c < r->k; c++) {
		const struct label_cluster *k = &r->clusters[c];
		char b[8][32];
		snprintf(b[0], sizeof b[0], "%d", c + 1);
		snprintf(b[1], sizeof b[1], "%zu", k->customers);
		snprintf(b[2], sizeof b[2], "%.4f", (double)k->customers / n);
		snprintf(b[3], sizeof b[3], "%.1f", k->recency);
		snprintf(b[4], sizeof b[4], "%.2f", k->frequency);
		snprintf(b[5], sizeof b[5], "%.2f", k->monetary);
		snprintf(b[6], sizeof b[6], "%.4f", k->engagement);
		snprintf(b[7], sizeof b[7], "%zu", k->bads);
		const char *row[] = {b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]};
		sink_row(out, row);
	}
	sink_table_end(out);
	sink_message(out,
		     "labelled %zu customers as proxy outcomes, %zu bad; models trained on"
		     " them say so ('label clear' removes them)",
		     r->customers, r->bads);
}

/* label: how many outcomes of each source, and how the proxy ones were made. */
static int label_status(struct rd_ctx *ctx)
{
	sqlite3_stmt *s;
	if (store_prepare(ctx->store,
			  "SELECT source, count(*) AS customers, sum(defaulted) AS bads,"
			  " round(avg(defaulted), 4) AS bad_rate FROM outcomes GROUP BY source"
			  " ORDER BY source",
			  &s, &ctx->err))
		return RD_FAILED;
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_NUM, COL_NUM, COL_NUM};
	int rc = cmd_emit_rows(ctx, s, "outcomes", kinds);
	sqlite3_finalize(s);
	char summary[160];
	label_proxy_summary(ctx->store, summary, sizeof summary);
	if (summary[0])
		sink_field(ctx->out, "proxy", "method", summary, COL_TEXT);
	return rc ? RD_FAILED : RD_OK;
}

static int exec_label(struct rd_ctx *ctx, const struct rd_args *a)
{
	const char *sub = a->argc ? a->argv[0] : NULL;
	if (!sub) {
		if (a->nopts) {
			rd_err_set(&ctx->err, "label: options go with 'label proxy'");
			return RD_USAGE;
		}
		return label_status(ctx);
	}
	if (strcmp(sub, "proxy") == 0) {
		struct label_proxy_opts o;
		struct label_proxy_report r;
		struct rd_job job = cmd_job(ctx);
		if (parse_proxy(ctx, a, &o))
			return RD_USAGE;
		if (label_proxy(&job, &o, &r, &ctx->err))
			return RD_FAILED;
		report_proxy(ctx, &r);
		return RD_OK;
	}
	if (strcmp(sub, "clear") == 0) {
		int64_t removed;
		if (a->nopts) {
			rd_err_set(&ctx->err, "label clear takes no options");
			return RD_USAGE;
		}
		struct rd_job job = cmd_job(ctx);
		if (label_clear(&job, &removed, &ctx->err))
			return RD_FAILED;
		sink_message(ctx->out,
			     "removed %lld proxy labels; observed outcomes are as they were",
			     (long long)removed);
		return RD_OK;
	}
	char echo[RD_ECHO_SIZE];
	rd_err_set(&ctx->err, "label: unknown subcommand %s (proxy, clear)",
		   rd_echo(echo, sub, strlen(sub)));
	return RD_USAGE;
}

static const char *const label_writes[] = {"proxy", "clear", NULL};

const struct rd_cmd cmd_label = {
	.name = "label",
	.usage = "[proxy --rfm [--clusters K] [--bad-share P] [--seed S] [--force] | clear]",
	.summary = "outcomes by source; proxy labels from recency, frequency and monetary value",
	.help = "Without arguments: the outcomes by source (observed, proxy) and how the proxy "
		"ones were made. 'label proxy --rfm' clusters the customers without an observed "
		"outcome by k-means on their standardised log recency_days, orders_total and "
		"total_spend, and labels the least engaged cluster bad (or, with --bad-share P, "
		"round(P\xc3\x97n) of the n customers, least engaged clusters first); the labels "
		"replace the earlier proxy labels and are stored as outcomes of source proxy. It "
		"refuses while observed outcomes exist unless --force; an observed outcome is "
		"never replaced, and loading one replaces the proxy label. Models trained on "
		"proxy labels say so in train, model, the Models pane and the Profile. 'label "
		"clear' removes the proxy labels.",
	.min_args = 0,
	.max_args = 1,
	.flags = CMD_LONG,
	.opts = label_opts,
	.writing_subcommands = label_writes,
	.args = (const struct rd_arg[]){{.at = 0,
					 .values = {.type = RD_ARG_WORD, .words = label_writes}},
					RD_ARGS_END},
	.exec = exec_label,
};
