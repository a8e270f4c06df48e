/* strategy NAME [--step N] [--profit-good G --loss-bad L]: the cut-off sweep of a trained
 * model over its out-of-fold predictions; strategy NAME --cutoff SCORE stores a chosen
 * cut-off as its decision threshold (issue 14, item 1). Formulas: methodology §15. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_util.h"
#include "riskdesk/metrics.h"
#include "riskdesk/model.h"

/* One model's out-of-fold predictions, sorted by PD. */
struct oof {
	double *pd;
	int *bad;
	size_t n;
	struct score_scaling scaling;
	double cost_fn, cost_fp, threshold_pd;
};

static int oof_read(struct rd_ctx *ctx, const char *name, int version, struct oof *o)
{
	sqlite3_stmt *s = NULL;
	struct rd_model *m = NULL;
	int rc = -1;
	if (store_prepare(ctx->store,
			  "SELECT algo, spec, coalesce(json_extract(metrics, '$.cost_fn'), ?3),"
			  " coalesce(json_extract(metrics, '$.cost_fp'), ?4),"
			  " json_extract(metrics, '$.threshold_pd')"
			  " FROM models WHERE name = ?1 AND version = ?2",
			  &s, &ctx->err))
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, version);
	sqlite3_bind_double(s, 3, METRICS_CFN_DEFAULT);
	sqlite3_bind_double(s, 4, METRICS_CFP_DEFAULT);
	if (sqlite3_step(s) != SQLITE_ROW) {
		store_fail(ctx->store, &ctx->err, "reading the model");
		goto out;
	}
	if (strcmp((const char *)sqlite3_column_text(s, 0), "rules") == 0) {
		rd_err_set(&ctx->err,
			   "strategy: %s@%d is the rules model: it has no out-of-fold predictions "
			   "(train a model)",
			   name, version);
		goto out;
	}
	if (!(m = model_parse((const char *)sqlite3_column_text(s, 1), &ctx->err)))
		goto out;
	o->scaling = m->scaling;
	o->cost_fn = sqlite3_column_double(s, 2);
	o->cost_fp = sqlite3_column_double(s, 3);
	o->threshold_pd = sqlite3_column_type(s, 4) == SQLITE_NULL ? NAN
								   : sqlite3_column_double(s, 4);
	sqlite3_finalize(s);
	if (store_prepare(ctx->store,
			  "SELECT pd, defaulted FROM model_oof WHERE name = ?1 AND version = ?2"
			  " ORDER BY pd",
			  &s, &ctx->err))
		goto out;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, version);
	size_t cap = 0;
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		if (o->n == cap) {
			cap = cap ? 2 * cap : 1024;
			o->pd = rd_realloc(o->pd, cap * sizeof *o->pd);
			o->bad = rd_realloc(o->bad, cap * sizeof *o->bad);
		}
		o->pd[o->n] = sqlite3_column_double(s, 0);
		o->bad[o->n++] = sqlite3_column_int(s, 1) != 0;
	}
	if (step != SQLITE_DONE) {
		store_fail(ctx->store, &ctx->err, "reading the out-of-fold predictions");
		goto out;
	}
	if (o->n == 0) {
		rd_err_set(&ctx->err, "strategy: %s@%d has no out-of-fold predictions", name,
			   version);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	model_free(m);
	return rc;
}

/* The first index whose PD is >= c in the sorted PDs (the declined start there). */
static size_t first_declined(const struct oof *o, double c)
{
	size_t lo = 0, hi = o->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (o->pd[mid] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int parse_money(struct rd_ctx *ctx, const char *opt, const char *v, double *out)
{
	char shown[RD_ECHO_SIZE];
	if (num_parse(v, strlen(v), out) || *out < 0) {
		rd_err_set(&ctx->err, "strategy: --%s: %s is not an amount >= 0", opt,
			   rd_echo(shown, v, strlen(v)));
		return -1;
	}
	return 0;
}

/* Stores SCORE's PD as the model's decision threshold, in place of the cost-optimal one
 * (kept as threshold_pd_cost the first time). */
static int store_cutoff(struct rd_ctx *ctx, const char *name, int version, const struct oof *o,
			int score)
{
	double c = pd_from_score(&o->scaling, score);
	sqlite3_stmt *s;
	if (store_begin(ctx->store, &ctx->err) ||
	    store_prepare(ctx->store,
			  "UPDATE models SET metrics = json_set(metrics,"
			  " '$.threshold_pd_cost', coalesce(json_extract(metrics,"
			  " '$.threshold_pd_cost'), json_extract(metrics, '$.threshold_pd')),"
			  " '$.threshold_pd', ?3, '$.threshold_score', ?4,"
			  " '$.threshold_by', 'strategy') WHERE name = ?1 AND version = ?2",
			  &s, &ctx->err))
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, version);
	sqlite3_bind_double(s, 3, c);
	sqlite3_bind_int(s, 4, score);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(ctx->store, &ctx->err, "storing the cut-off");
	size_t d = first_declined(o, c);
	if (store_commit(ctx->store, &ctx->err))
		return -1;
	char pd[48];
	num_format(c, pd, sizeof pd);
	sink_message(ctx->out,
		     "%s@%d declines at PD >= %s (score %d and below) from now on: %.1f%% of its "
		     "out-of-fold rows approved; 'recompute' applies it to the profiles",
		     name, version, pd, score, 100.0 * (double)d / (double)o->n);
	return 0;
}

static int exec_strategy(struct rd_ctx *ctx, const struct rd_args *a)
{
	char name[256];
	int version;
	struct oof o = {0};
	int status = RD_FAILED;
	uint64_t step = 10, cutoff = 0;
	const char *step_text = args_opt(a, "step"), *cut_text = args_opt(a, "cutoff");
	const char *good_text = args_opt(a, "profit-good"), *bad_text = args_opt(a, "loss-bad");
	double good = NAN, loss = NAN;
	if (step_text && cmd_parse_uint(step_text, 1, 700, &step)) {
		rd_err_set(&ctx->err,
			   "strategy: --step must be a whole number of points, 1 to 700");
		return RD_USAGE;
	}
	if (cut_text && cmd_parse_uint(cut_text, 300, 1000, &cutoff)) {
		rd_err_set(&ctx->err, "strategy: --cutoff must be a score from 300 to 1000");
		return RD_USAGE;
	}
	if (!good_text != !bad_text) {
		rd_err_set(&ctx->err, "strategy: --profit-good and --loss-bad go together");
		return RD_USAGE;
	}
	if (good_text && (parse_money(ctx, "profit-good", good_text, &good) ||
			  parse_money(ctx, "loss-bad", bad_text, &loss)))
		return RD_USAGE;
	if (cmd_model_resolve(ctx, a->argv[0], name, sizeof name, &version) ||
	    oof_read(ctx, name, version, &o))
		goto out;
	if (cut_text) {
		status = store_cutoff(ctx, name, version, &o, (int)cutoff) ? RD_FAILED : RD_OK;
		goto out;
	}
	size_t bads = 0;
	for (size_t i = 0; i < o.n; i++)
		bads += (size_t)o.bad[i];
	/* Prefix counts of bads in PD order: approved = rows below the cut-off's PD. */
	size_t *bads_below = rd_malloc((o.n + 1) * sizeof *bads_below);
	bads_below[0] = 0;
	for (size_t i = 0; i < o.n; i++)
		bads_below[i + 1] = bads_below[i] + (size_t)o.bad[i];
	char ref[300], cpd[48];
	snprintf(ref, sizeof ref, "%s@%d", name, version);
	sink_field(ctx->out, "strategy", "model", ref, COL_TEXT);
	sink_fieldf(ctx->out, "strategy", "rows", COL_NUM, "%zu", o.n);
	sink_fieldf(ctx->out, "strategy", "bads", COL_NUM, "%zu", bads);
	sink_fieldf(ctx->out, "strategy", "cost_fn", COL_NUM, "%g", o.cost_fn);
	sink_fieldf(ctx->out, "strategy", "cost_fp", COL_NUM, "%g", o.cost_fp);
	if (!isnan(o.threshold_pd)) {
		num_format(o.threshold_pd, cpd, sizeof cpd);
		sink_field(ctx->out, "strategy", "cutoff_pd", cpd, COL_NUM);
		sink_fieldf(ctx->out, "strategy", "cutoff_score", COL_NUM, "%d",
			    score_clamp(score_from_pd(&o.scaling, o.threshold_pd)));
	}
	int profit = !isnan(good);
	static const char *const cols[] = {"cutoff_score",   "cutoff_pd",     "approved",
					   "approval_rate",  "bad_rate",      "bads_accepted",
					   "goods_rejected", "expected_cost", "profit"};
	static const enum rd_col_kind kinds[] = {COL_NUM, COL_NUM, COL_NUM, COL_NUM, COL_NUM,
						 COL_NUM, COL_NUM, COL_NUM, COL_NUM};
	sink_table_begin(ctx->out, "sweep", profit ? 9 : 8, cols, kinds);
	for (int s = 300; s <= 1000; s += (int)step) {
		double c = pd_from_score(&o.scaling, s);
		size_t approved = first_declined(&o, c), bad_ok = bads_below[approved];
		size_t good_no = (o.n - approved) - (bads - bads_below[approved]);
		char v[9][48];
		snprintf(v[0], sizeof v[0], "%d", s);
		snprintf(v[1], sizeof v[1], "%.6f", c);
		snprintf(v[2], sizeof v[2], "%zu", approved);
		snprintf(v[3], sizeof v[3], "%.4f", (double)approved / (double)o.n);
		if (approved)
			snprintf(v[4], sizeof v[4], "%.4f", (double)bad_ok / (double)approved);
		else
			v[4][0] = '\0';
		snprintf(v[5], sizeof v[5], "%zu", bad_ok);
		snprintf(v[6], sizeof v[6], "%zu", good_no);
		snprintf(v[7], sizeof v[7], "%.4f",
			 (o.cost_fn * (double)bad_ok + o.cost_fp * (double)good_no) / (double)o.n);
		snprintf(v[8], sizeof v[8], "%.2f",
			 profit ? good * (double)(approved - bad_ok) - loss * (double)bad_ok : 0.0);
		const char *row[] = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);
	free(bads_below);
	status = RD_OK;
out:
	free(o.pd);
	free(o.bad);
	return status;
}

static const struct rd_opt strategy_opts[] = {
	{"step", "N", "points between two cut-offs of the sweep (default 10)"},
	{"profit-good", "G",
	 "what a good approved customer earns (with --loss-bad: a profit column)"},
	{"loss-bad", "L", "what a bad approved customer loses"},
	{"cutoff", "SCORE", "store SCORE as the model's cut-off (decline at its PD and above)"},
	{NULL, NULL, NULL},
};

static const struct rd_arg strategy_args[] = {
	{.at = 0, .values = {.type = RD_ARG_MODEL}},
	RD_ARGS_END,
};

static const char *const strategy_writing[] = {"cutoff", NULL};

const struct rd_cmd cmd_strategy = {
	.name = "strategy",
	.usage = "NAME[@VERSION] [--step N] [--profit-good G --loss-bad L] | NAME --cutoff SCORE",
	.summary = "the cut-off sweep of a trained model; --cutoff stores a chosen cut-off",
	.help = "For every cut-off score from 300 to 1000 (every --step points), on the model's "
		"out-of-fold predictions: the cut-off's PD (decline at that PD and above, as "
		"decisions do), how many rows are approved and the approval rate, the bad rate "
		"among the approved, the bads accepted, the goods rejected, the expected cost per "
		"row with the model's costs (cost_fn per bad accepted, cost_fp per good rejected: "
		"train's --cost-fn, --cost-fp) and, with --profit-good G --loss-bad L, the profit "
		"G per good approved less L per bad approved. --cutoff SCORE stores SCORE's PD as "
		"the model's decision threshold in place of the cost-optimal one (kept as "
		"threshold_pd_cost), audited; profiles, blends and credit decisions use it from "
		"the next recompute or rescore.",
	.min_args = 1,
	.max_args = 1,
	.opts = strategy_opts,
	.args = strategy_args,
	.writing_options = strategy_writing,
	.exec = exec_strategy,
};
