/* swapset CHAMPION CHALLENGER: the classic swap-set table of two models' decisions on the
 * live book (issue 14, item 2). Each model's scores are its serving profiles, else its
 * shadow scores (promote --shadow); a customer is approved when PD < the model's cut-off. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_util.h"

/* One model's decisions on the book: the customers it scored and whether it approves,
 * from its profiles when it serves, else from shadow_scores. ?1 name, ?2 version. */
#define BOOK_OF(n, v)                                                                              \
	"SELECT customer_id, pd, cutoff_pd FROM credit_profiles WHERE model_name = " n             \
	" AND model_version = " v " UNION ALL SELECT customer_id, pd, cutoff_pd FROM"              \
	" shadow_scores WHERE name = " n " AND version = " v " AND NOT EXISTS (SELECT 1 FROM"      \
	" credit_profiles WHERE model_name = " n " AND model_version = " v ")"

struct side {
	char name[128];
	int version;
	int64_t scored, no_cutoff;
	const char *from; /* "profiles" or "shadow" */
};

static int side_read(struct rd_ctx *ctx, const char *ref, struct side *x)
{
	if (cmd_model_resolve(ctx, ref, x->name, sizeof x->name, &x->version))
		return -1;
	sqlite3_stmt *s;
	if (store_prepare(ctx->store,
			  "SELECT count(*), sum(cutoff_pd IS NULL), (SELECT count(*) FROM"
			  " credit_profiles WHERE model_name = ?1 AND model_version = ?2) > 0"
			  " FROM (" BOOK_OF("?1", "?2") ")",
			  &s, &ctx->err))
		return -1;
	sqlite3_bind_text(s, 1, x->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, x->version);
	int rc = sqlite3_step(s) == SQLITE_ROW ? 0 : store_fail(ctx->store, &ctx->err, "swapset");
	if (rc == 0) {
		x->scored = sqlite3_column_int64(s, 0);
		x->no_cutoff = sqlite3_column_int64(s, 1);
		x->from = sqlite3_column_int(s, 2) ? "profiles" : "shadow";
	}
	sqlite3_finalize(s);
	if (rc)
		return -1;
	if (x->scored == 0) {
		rd_err_set(&ctx->err,
			   "swapset: %s@%d has scored no customer: it neither serves nor runs in "
			   "shadow ('promote %s --shadow', then 'recompute all')",
			   x->name, x->version, x->name);
		return -1;
	}
	if (x->no_cutoff) {
		rd_err_set(&ctx->err,
			   "swapset: %s@%d has no cut-off (the rules model): nothing to approve "
			   "or decline by",
			   x->name, x->version);
		return -1;
	}
	return 0;
}

static int exec_swapset(struct rd_ctx *ctx, const struct rd_args *a)
{
	struct side c = {0}, d = {0};
	if (side_read(ctx, a->argv[0], &c) || side_read(ctx, a->argv[1], &d))
		return RD_FAILED;
	if (strcmp(c.name, d.name) == 0 && c.version == d.version) {
		rd_err_set(&ctx->err, "swapset: give two different models");
		return RD_USAGE;
	}
	sqlite3_stmt *s;
	if (store_prepare(ctx->store,
			  "WITH a AS (" BOOK_OF("?1", "?2") "), b AS (" BOOK_OF(
				  "?3", "?4") "),"
					      " cells AS (SELECT a.pd < a.cutoff_pd AS champion, "
					      "b.pd < b.cutoff_pd AS"
					      " challenger, o.defaulted AS bad FROM a JOIN b USING "
					      "(customer_id) LEFT JOIN"
					      " outcomes o ON o.customer_id = a.customer_id AND "
					      "o.source = 'observed')"
					      " SELECT k.champion, k.challenger, "
					      "count(c.champion), count(c.bad),"
					      " coalesce(sum(c.bad), 0) FROM (SELECT 1 AS "
					      "champion, 1 AS challenger UNION"
					      " ALL SELECT 1, 0 UNION ALL SELECT 0, 1 UNION ALL "
					      "SELECT 0, 0) k LEFT JOIN"
					      " cells c ON c.champion = k.champion AND "
					      "c.challenger = k.challenger"
					      " GROUP BY k.champion, k.challenger ORDER BY "
					      "k.champion DESC, k.challenger"
					      " DESC",
			  &s, &ctx->err))
		return RD_FAILED;
	sqlite3_bind_text(s, 1, c.name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, c.version);
	sqlite3_bind_text(s, 3, d.name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, d.version);
	int64_t n[4], known[4], bads[4], total = 0;
	int i = 0, rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && i < 4) {
		n[i] = sqlite3_column_int64(s, 2);
		known[i] = sqlite3_column_int64(s, 3);
		bads[i] = sqlite3_column_int64(s, 4);
		total += n[i++];
	}
	sqlite3_finalize(s);
	if (i != 4) {
		store_fail(ctx->store, &ctx->err, "swapset");
		return RD_FAILED;
	}
	char who[2][300];
	snprintf(who[0], sizeof who[0], "%s@%d (%s, %lld customers)", c.name, c.version, c.from,
		 (long long)c.scored);
	snprintf(who[1], sizeof who[1], "%s@%d (%s, %lld customers)", d.name, d.version, d.from,
		 (long long)d.scored);
	sink_field(ctx->out, "swapset", "champion", who[0], COL_TEXT);
	sink_field(ctx->out, "swapset", "challenger", who[1], COL_TEXT);
	sink_fieldf(ctx->out, "swapset", "customers", COL_NUM, "%lld", (long long)total);
	if (total) {
		sink_fieldf(ctx->out, "swapset", "approval_champion", COL_NUM, "%.4f",
			    (double)(n[0] + n[1]) / (double)total);
		sink_fieldf(ctx->out, "swapset", "approval_challenger", COL_NUM, "%.4f",
			    (double)(n[0] + n[2]) / (double)total);
	}
	static const char *const cols[] = {"cell",  "champion", "challenger",       "customers",
					   "share", "outcomes", "observed_bad_rate"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_TEXT, COL_TEXT, COL_NUM,
						 COL_NUM,  COL_NUM,  COL_NUM};
	static const char *const cells[4][3] = {
		{"approved by both", "approve", "approve"},
		{"swap-out", "approve", "decline"},
		{"swap-in", "decline", "approve"},
		{"declined by both", "decline", "decline"},
	};
	sink_table_begin(ctx->out, "cells", 7, cols, kinds);
	for (int k = 0; k < 4; k++) {
		char cnt[24], share[24], out[24], rate[24];
		snprintf(cnt, sizeof cnt, "%lld", (long long)n[k]);
		snprintf(share, sizeof share, "%.4f", total ? (double)n[k] / (double)total : 0.0);
		snprintf(out, sizeof out, "%lld", (long long)known[k]);
		if (known[k])
			snprintf(rate, sizeof rate, "%.4f", (double)bads[k] / (double)known[k]);
		else
			rate[0] = '\0';
		const char *row[] = {cells[k][0], cells[k][1], cells[k][2], cnt, share, out, rate};
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
