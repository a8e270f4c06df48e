/* strategy NAME [--step N] [--profit-good G --loss-bad L]: the cut-off sweep of a trained
 * model over its out-of-fold predictions and, where outcomes exist, over the current book;
 * strategy NAME --cutoff SCORE stores a chosen cut-off as its decision threshold (issue 14,
 * item 1). Formulas: methodology §15. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_util.h"
#include "riskdesk/strategy.h"

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

/* strategy NAME --cutoff SCORE. */
static int store_cutoff(struct rd_ctx *ctx, const char *name, int version, const struct strategy *o,
			int score)
{
	if (strategy_store_cutoff(ctx->store, name, version, o, score, &ctx->err))
		return -1;
	struct strategy_point p = strategy_at(o, score);
	char pd[48];
	num_format(p.cutoff_pd, pd, sizeof pd);
	sink_message(ctx->out,
		     "%s@%d declines at PD >= %s (score %d and below) from now on: %.1f%% of its "
		     "out-of-fold rows approved; 'recompute' applies it to the profiles",
		     name, version, pd, score, 100.0 * (double)p.approved / (double)o->n);
	return 0;
}

/* The sweep's table of s (the out-of-fold rows or the book), every step points from 300; the
 * profit column when good is a number. */
static void print_sweep(struct rd_ctx *ctx, const char *table, const struct strategy *s, int step,
			double good, double loss)
{
	int profit = !isnan(good);
	static const char *const cols[] = {"cutoff_score",   "cutoff_pd",     "approved",
					   "approval_rate",  "bad_rate",      "bads_accepted",
					   "goods_rejected", "expected_cost", "profit"};
	static const enum rd_col_kind kinds[] = {COL_NUM, COL_NUM, COL_NUM, COL_NUM, COL_NUM,
						 COL_NUM, COL_NUM, COL_NUM, COL_NUM};
	sink_table_begin(ctx->out, table, profit ? 9 : 8, cols, kinds);
	for (int score = 300; score <= 1000; score += step) {
		struct strategy_point p = strategy_at(s, score);
		char v[9][48];
		snprintf(v[0], sizeof v[0], "%d", score);
		snprintf(v[1], sizeof v[1], "%.6f", p.cutoff_pd);
		snprintf(v[2], sizeof v[2], "%lld", (long long)p.approved);
		snprintf(v[3], sizeof v[3], "%.4f", (double)p.approved / (double)s->n);
		if (p.approved)
			snprintf(v[4], sizeof v[4], "%.4f",
				 (double)p.bads_accepted / (double)p.approved);
		else
			v[4][0] = '\0';
		snprintf(v[5], sizeof v[5], "%lld", (long long)p.bads_accepted);
		snprintf(v[6], sizeof v[6], "%lld", (long long)p.goods_rejected);
		snprintf(v[7], sizeof v[7], "%.4f", strategy_cost(s, &p));
		snprintf(v[8], sizeof v[8], "%.2f",
			 profit ? good * (double)(p.approved - p.bads_accepted) -
					  loss * (double)p.bads_accepted
				: 0.0);
		const char *row[] = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);
}

static int exec_strategy(struct rd_ctx *ctx, const struct rd_args *a)
{
	char name[256];
	int version;
	struct strategy o = {0}, book = {0};
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
	if (cmd_model_resolve(ctx, a->argv[0], name, sizeof name, &version))
		goto out;
	int loaded = strategy_load(ctx->store, name, version, &o, &ctx->err);
	if (loaded) {
		if (loaded > 0) {
			char msg[sizeof ctx->err.msg];
			snprintf(msg, sizeof msg, "%s", ctx->err.msg);
			rd_err_set(&ctx->err, "strategy: %s", msg);
		}
		goto out;
	}
	if (cut_text) {
		status = store_cutoff(ctx, name, version, &o, (int)cutoff) ? RD_FAILED : RD_OK;
		goto out;
	}
	char ref[300], cpd[48];
	snprintf(ref, sizeof ref, "%s@%d", name, version);
	sink_field(ctx->out, "strategy", "model", ref, COL_TEXT);
	sink_fieldf(ctx->out, "strategy", "rows", COL_NUM, "%lld", (long long)o.n);
	sink_fieldf(ctx->out, "strategy", "bads", COL_NUM, "%lld", (long long)o.bads);
	sink_fieldf(ctx->out, "strategy", "cost_fn", COL_NUM, "%g", o.cost_fn);
	sink_fieldf(ctx->out, "strategy", "cost_fp", COL_NUM, "%g", o.cost_fp);
	if (!isnan(o.threshold_pd)) {
		num_format(o.threshold_pd, cpd, sizeof cpd);
		sink_field(ctx->out, "strategy", "cutoff_pd", cpd, COL_NUM);
		sink_fieldf(ctx->out, "strategy", "cutoff_score", COL_NUM, "%d",
			    score_clamp(score_from_pd(&o.scaling, o.threshold_pd)));
	}
	print_sweep(ctx, "sweep", &o, (int)step, good, loss);
	/* The same sweep on the book, where the model has scores and outcomes exist. */
	int booked = strategy_load_book(ctx->store, name, version, &book, &ctx->err);
	if (booked < 0)
		goto out;
	if (booked > 0) {
		sink_message(ctx->out, "book: %s", ctx->err.msg);
		rd_err_clear(&ctx->err);
	} else {
		sink_field(ctx->out, "book", "scores_from", book.from, COL_TEXT);
		sink_fieldf(ctx->out, "book", "scored", COL_NUM, "%lld", (long long)book.scored);
		sink_fieldf(ctx->out, "book", "rows", COL_NUM, "%lld", (long long)book.n);
		sink_fieldf(ctx->out, "book", "bads", COL_NUM, "%lld", (long long)book.bads);
		print_sweep(ctx, "book_sweep", &book, (int)step, good, loss);
	}
	status = RD_OK;
out:
	strategy_free(&o);
	strategy_free(&book);
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
		"G per good approved less L per bad approved. A second table, [book], sweeps the "
		"current book the same way: the customers with an observed outcome (load "
		"outcomes; proxy labels are not outcomes), scored by the model's profiles when it "
		"serves, else by its shadow scores (promote NAME --shadow, then recompute); one "
		"line says so when there are none. --cutoff SCORE stores SCORE's PD as "
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
