/* swapset CHAMPION CHALLENGER: the classic swap-set table of two models' decisions on the
 * live book (issue 14, item 2). Each model's scores are its serving profiles, else its
 * shadow scores (promote --shadow); a customer is approved when PD < the model's cut-off. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_util.h"
#include "riskdesk/swapset.h"

static int side_read(struct rd_ctx *ctx, const char *ref, struct swapset_side *x)
{
	char name[128];
	int version;
	if (cmd_model_resolve(ctx, ref, name, sizeof name, &version))
		return -1;
	int rc = swapset_side_read(ctx->store, name, version, x, &ctx->err);
	if (rc > 0) {
		char msg[sizeof ctx->err.msg];
		snprintf(msg, sizeof msg, "%s", ctx->err.msg);
		rd_err_set(&ctx->err, "swapset: %s", msg);
	}
	return rc ? -1 : 0;
}

static int exec_swapset(struct rd_ctx *ctx, const struct rd_args *a)
{
	struct swapset x = {0};
	struct swapset_side *c = &x.champion, *d = &x.challenger;
	if (side_read(ctx, a->argv[0], c) || side_read(ctx, a->argv[1], d))
		return RD_FAILED;
	if (strcmp(c->name, d->name) == 0 && c->version == d->version) {
		rd_err_set(&ctx->err, "swapset: give two different models");
		return RD_USAGE;
	}
	if (swapset_count(ctx->store, &x, &ctx->err))
		return RD_FAILED;
	const int64_t *n = x.n, *known = x.known, *bads = x.bads;
	int64_t total = x.total;
	char who[2][300];
	snprintf(who[0], sizeof who[0], "%s@%d (%s, %lld customers)", c->name, c->version, c->from,
		 (long long)c->scored);
	snprintf(who[1], sizeof who[1], "%s@%d (%s, %lld customers)", d->name, d->version, d->from,
		 (long long)d->scored);
	sink_field(ctx->out, "swapset", "champion", who[0], COL_TEXT);
	sink_field(ctx->out, "swapset", "challenger", who[1], COL_TEXT);
	sink_fieldf(ctx->out, "swapset", "customers", COL_NUM, "%lld", (long long)total);
	if (total) {
		sink_fieldf(ctx->out, "swapset", "approval_champion", COL_NUM, "%.4f",
			    (double)(n[SWAP_BOTH] + n[SWAP_OUT]) / (double)total);
		sink_fieldf(ctx->out, "swapset", "approval_challenger", COL_NUM, "%.4f",
			    (double)(n[SWAP_BOTH] + n[SWAP_IN]) / (double)total);
	}
	static const char *const cols[] = {"cell",  "champion", "challenger",       "customers",
					   "share", "outcomes", "observed_bad_rate"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_TEXT, COL_TEXT, COL_NUM,
						 COL_NUM,  COL_NUM,  COL_NUM};
	sink_table_begin(ctx->out, "cells", 7, cols, kinds);
	for (int k = 0; k < SWAP_CELLS; k++) {
		char cnt[24], share[24], out[24], rate[24];
		snprintf(cnt, sizeof cnt, "%lld", (long long)n[k]);
		snprintf(share, sizeof share, "%.4f", total ? (double)n[k] / (double)total : 0.0);
		snprintf(out, sizeof out, "%lld", (long long)known[k]);
		if (known[k])
			snprintf(rate, sizeof rate, "%.4f", (double)bads[k] / (double)known[k]);
		else
			rate[0] = '\0';
		const char *row[] = {swapset_cell_names[k],
				     swapset_approves(k, 0) ? "approve" : "decline",
				     swapset_approves(k, 1) ? "approve" : "decline",
				     cnt,
				     share,
				     out,
				     rate};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);
	return RD_OK;
}

const struct rd_cmd cmd_swapset = {
	.name = "swapset",
	.usage = "CHAMPION[@V] CHALLENGER[@V]",
	.summary = "the swap-set table of two models' decisions on the live book",
	.help = "Compares the decisions of two models on the customers both scored: a model's "
		"scores are its profiles when it serves, else its shadow scores (promote NAME "
		"--shadow, then recompute); a customer is approved when its PD is below the "
		"model's cut-off. The four cells — approved by both, swap-outs (the champion "
		"approves, the challenger declines), swap-ins (the reverse), declined by both — "
		"with their counts, shares, how many have an observed outcome and the observed "
		"bad rate among those; and each model's approval rate.",
	.min_args = 2,
	.max_args = 2,
	.args = (const struct rd_arg[]){{.at = 0, .values = {.type = RD_ARG_MODEL}},
					{.at = 1, .values = {.type = RD_ARG_MODEL}},
					RD_ARGS_END},
	.exec = exec_swapset,
};
