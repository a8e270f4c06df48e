/* drift [--model M] [--feature F] [--since D] [--until D] [--by month]; drift baseline.
 * SPEC §9. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_util.h"
#include "riskdesk/command.h"
#include "riskdesk/drift.h"
#include "riskdesk/monitor.h"
#include "riskdesk/snapshot.h"

static const struct rd_opt drift_opts[] = {
	{"model", "M", "compare with this model's reference (default: the serving model)"},
	{"feature", "F", "only this feature (or 'score'), with its bins"},
	{"since", "DATE", "only customers whose first activity is on or after DATE"},
	{"until", "DATE", "only customers whose first activity is on or before DATE"},
	{"by", "month", "each monthly snapshot against the reference (--since/--until: YYYY-MM)"},
	{"outcomes", NULL,
	 "per snapshot month and band, actual against expected bad rate, and the AUC"},
	{"window", "N", "with --outcomes: the performance window in months, 1 to 120 (default 12)"},
	{"vintages", NULL, "cumulative bad rate by months on book per origination quarter"},
	{NULL, NULL, NULL},
};

static void fmt(double v, const char *f, char *out, size_t n)
{
	if (isnan(v))
		snprintf(out, n, "-");
	else
		snprintf(out, n, f, v);
}

static int by_psi(const void *a, const void *b)
{
	const struct monitor_column *x = *(const struct monitor_column *const *)a;
	const struct monitor_column *y = *(const struct monitor_column *const *)b;
	double px = isnan(x->psi) ? -1 : x->psi, py = isnan(y->psi) ? -1 : y->psi;
	if (px != py)
		return px < py ? 1 : -1;
	return strcmp(x->name, y->name);
}

static void emit_bins(struct rd_ctx *ctx, const struct monitor_column *c)
{
	static const char *const cols[] = {"bin", "reference", "current", "psi_part"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_NUM, COL_NUM, COL_NUM};
	sink_table_begin(ctx->out, "bins", 4, cols, kinds);
	for (int b = 0; b < c->nbins; b++) {
		char e[24], a[24], p[24];
		snprintf(e, sizeof e, "%.4f", c->bins[b].ref);
		snprintf(a, sizeof a, "%.4f", c->bins[b].cur);
		snprintf(p, sizeof p, "%.6f", c->bins[b].contrib);
		const char *row[] = {c->bins[b].label, e, a, p};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);
}

/* The feature named by --feature, or NULL with the message. */
static const char *check_feature(struct rd_ctx *ctx, const struct monitor_report *r,
				 const char *only)
{
	if (strcmp(only, "score") == 0)
		return only;
	for (int c = 0; c < r->ncols - 1; c++)
		if (strcmp(r->cols[c].name, only) == 0)
			return only;
	char echo[RD_ECHO_SIZE];
	rd_err_set(&ctx->err, "drift: %s@%d's reference has no feature %s", r->model, r->version,
		   rd_echo(echo, only, strlen(only)));
	return NULL;
}

/* drift --by month: every snapshot month against the reference, the score and each
 * feature's PSI and status (the columns in the reference's order). */
static int show_by_month(struct rd_ctx *ctx, const struct rd_args *a)
{
	struct monitor_opts o = {args_opt(a, "model"), args_opt(a, "since"), args_opt(a, "until"),
				 1};
	const char *only = args_opt(a, "feature");
	for (int i = 0; i < 2; i++) {
		const char *d = i ? o.until : o.since;
		int month;
		if (d && snapshot_month_parse(d, &month)) {
			char echo[RD_ECHO_SIZE];
			rd_err_set(&ctx->err,
				   "drift --by month: --%s wants a month YYYY-MM, not %s",
				   i ? "until" : "since", rd_echo(echo, d, strlen(d)));
			return RD_USAGE;
		}
	}
	struct monitor_report r;
	if (monitor_run(ctx->store, &o, &r, &ctx->err))
		return RD_FAILED;
	if (only && !check_feature(ctx, &r, only)) {
		monitor_free(&r);
		return RD_FAILED;
	}
	sink_fieldf(ctx->out, "drift", "model", COL_TEXT, "%s@%d (%s)", r.model, r.version, r.algo);
	sink_field(ctx->out, "drift", "segment", r.segment, COL_TEXT);
	sink_fieldf(ctx->out, "drift", "reference_rows", COL_NUM, "%zu", r.ref_rows);
	sink_fieldf(ctx->out, "drift", "months", COL_NUM, "%d", r.nmonths);
	sink_fieldf(ctx->out, "drift", "snapshot_rows", COL_NUM, "%zu", r.cur_rows);
	sink_field(ctx->out, "drift", "counted_from",
		   r.stored_counts ? "the counts stored by snapshot" : "the snapshot rows",
		   COL_TEXT);
	if (cmd_stale_fields(ctx, "drift", 1)) {
		monitor_free(&r);
		return RD_FAILED;
	}
	static const char *const mcols[] = {"month",     "as_of",    "customers",
					    "score_psi", "status",   "drifted",
					    "moderate",  "outcomes", "auc"};
	static const enum rd_col_kind mkinds[] = {COL_TEXT, COL_TEXT, COL_NUM, COL_NUM, COL_TEXT,
						  COL_NUM,  COL_NUM,  COL_NUM, COL_NUM};
	sink_table_begin(ctx->out, "months", 9, mcols, mkinds);
	for (int i = 0; i < r.nmonths; i++) {
		const struct monitor_month *m = &r.months[i];
		char cu[24], psi[24], dr[24], mo[24], out[24], auc[24];
		snprintf(cu, sizeof cu, "%zu", m->n);
		fmt(m->score_psi, "%.4f", psi, sizeof psi);
		snprintf(dr, sizeof dr, "%d", m->drifted);
		snprintf(mo, sizeof mo, "%d", m->moderate);
		snprintf(out, sizeof out, "%zu", m->outcomes);
		fmt(m->auc, "%.4f", auc, sizeof auc);
		const char *row[] = {m->month, m->as_of, cu,  psi, drift_status(m->score_psi),
				     dr,       mo,       out, auc};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);
	if (!only || strcmp(only, "score") != 0) {
		static const char *const fcols[] = {"month", "feature", "psi", "status"};
		static const enum rd_col_kind fkinds[] = {COL_TEXT, COL_TEXT, COL_NUM, COL_TEXT};
		sink_table_begin(ctx->out, "features", 4, fcols, fkinds);
		for (int i = 0; i < r.nmonths; i++)
			for (int c = 0; c < r.ncols - 1; c++) {
				if (only && strcmp(r.cols[c].name, only) != 0)
					continue;
				char psi[24];
				fmt(r.months[i].psi[c], "%.4f", psi, sizeof psi);
				const char *row[] = {r.months[i].month, r.cols[c].name, psi,
						     drift_status(r.months[i].psi[c])};
				sink_row(ctx->out, row);
			}
		sink_table_end(ctx->out);
	}
	/* A scorecard's characteristic analysis of the window's last month. */
	int rc = only && cmd_drift_characteristic(ctx, r.model, r.version, only,
						  r.months[r.nmonths - 1].month, NULL, NULL);
	monitor_free(&r);
	return rc ? RD_FAILED : RD_OK;
}

static int show(struct rd_ctx *ctx, const struct rd_args *a)
{
	struct monitor_opts o = {args_opt(a, "model"), args_opt(a, "since"), args_opt(a, "until"),
				 0};
	const char *only = args_opt(a, "feature");
	for (int i = 0; i < 2; i++) {
		const char *d = i ? o.until : o.since;
		int64_t e;
		if (d && (strlen(d) != 10 || date_parse(d, 10, &e))) {
			char echo[RD_ECHO_SIZE];
			rd_err_set(&ctx->err, "drift: --%s wants a date YYYY-MM-DD, not %s",
				   i ? "until" : "since", rd_echo(echo, d, strlen(d)));
			return RD_USAGE;
		}
	}
	struct monitor_report r;
	if (monitor_run(ctx->store, &o, &r, &ctx->err))
		return RD_FAILED;
	const struct monitor_column *score = &r.cols[r.ncols - 1];
	if (only && !check_feature(ctx, &r, only)) {
		monitor_free(&r);
		return RD_FAILED;
	}
	char v[48];
	sink_fieldf(ctx->out, "drift", "model", COL_TEXT, "%s@%d (%s)", r.model, r.version, r.algo);
	sink_field(ctx->out, "drift", "segment", r.segment, COL_TEXT);
	sink_fieldf(ctx->out, "drift", "reference_rows", COL_NUM, "%zu", r.ref_rows);
	sink_fieldf(ctx->out, "drift", "current_profiles", COL_NUM, "%zu", r.cur_rows);
	if (o.since || o.until)
		sink_fieldf(ctx->out, "drift", "window", COL_TEXT, "%s .. %s",
			    o.since ? o.since : "", o.until ? o.until : "");
	fmt(score->psi, "%.4f", v, sizeof v);
	sink_field(ctx->out, "drift", "score_psi", v, COL_NUM);
	fmt(score->ks, "%.4f", v, sizeof v);
	sink_field(ctx->out, "drift", "score_ks", v, COL_NUM);
	sink_field(ctx->out, "drift", "score_status", drift_status(score->psi), COL_TEXT);
	sink_fieldf(ctx->out, "drift", "verdict", COL_TEXT,
		    "%d of %d features drifted significantly, %d moderately", r.significant,
		    r.ncols - 1, r.moderate);
	if (cmd_stale_fields(ctx, "drift", 0)) {
		monitor_free(&r);
		return RD_FAILED;
	}

	/* Features, most drifted first. */
	const struct monitor_column **sorted = rd_malloc((size_t)r.ncols * sizeof *sorted);
	int n = 0;
	for (int c = 0; c < r.ncols - 1; c++)
		if (!only || strcmp(r.cols[c].name, only) == 0)
			sorted[n++] = &r.cols[c];
	qsort(sorted, (size_t)n, sizeof *sorted, by_psi);
	static const char *const cols[] = {"feature", "type", "psi", "ks", "status", "changes"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_TEXT, COL_NUM,
						 COL_NUM,  COL_TEXT, COL_TEXT};
	if (!only || strcmp(only, "score") != 0) {
		sink_table_begin(ctx->out, "features", 6, cols, kinds);
		for (int i = 0; i < n; i++) {
			char psi[24], ks[24];
			fmt(sorted[i]->psi, "%.4f", psi, sizeof psi);
			fmt(sorted[i]->ks, "%.4f", ks, sizeof ks);
			const char *row[] = {sorted[i]->name,
					     sorted[i]->kind == MON_CATEGORICAL ? "categorical"
										: "numeric",
					     psi,
					     ks,
					     drift_status(sorted[i]->psi),
					     sorted[i]->changes};
			sink_row(ctx->out, row);
		}
		sink_table_end(ctx->out);
	}
	if (only)
		emit_bins(ctx, strcmp(only, "score") == 0 ? score : sorted[0]);
	free(sorted);
	if (only &&
	    cmd_drift_characteristic(ctx, r.model, r.version, only, NULL, o.since, o.until)) {
		monitor_free(&r);
		return RD_FAILED;
	}

	monitor_free(&r);
	return RD_OK;
}

static int exec_drift(struct rd_ctx *ctx, const struct rd_args *a)
{
	if (a->argc == 1 && strcmp(a->argv[0], "baseline") == 0) {
		size_t rows;
		if (store_begin(ctx->store, &ctx->err) ||
		    monitor_baseline(ctx->store, &rows, &ctx->err) ||
		    store_commit(ctx->store, &ctx->err)) {
			store_rollback(ctx->store);
			return RD_FAILED;
		}
		sink_message(ctx->out,
			     "the rules model's drift reference is now these %zu profiles", rows);
		return RD_OK;
	}
	const char *by = args_opt(a, "by");
	if (a->argc != 0 || (by && strcmp(by, "month") != 0)) {
		rd_err_set(&ctx->err,
			   "usage: drift [--model M] [--feature F] [--since D] [--until D]"
			   " [--by month] | drift [--by month] --outcomes [--window N]"
			   " | drift --vintages | drift baseline");
		return RD_USAGE;
	}
	if (args_opt(a, "outcomes") || args_opt(a, "vintages") || args_opt(a, "window"))
		return cmd_drift_outcomes(ctx, a); /* outcomes over time: no reference */
	return by ? show_by_month(ctx, a) : show(ctx, a);
}

static const char *const drift_writing[] = {"baseline", NULL};

static const struct rd_arg drift_args[] = {
	{.at = 0, .values = {.type = RD_ARG_WORD, .words = drift_writing}},
	{.opt = "model", .values = {.type = RD_ARG_MODEL}},
	{.opt = "feature",
	 .values = {.type = RD_ARG_FEATURE, .words = (const char *const[]){"score", NULL}}},
	{.opt = "by",
	 .values = {.type = RD_ARG_WORD, .words = (const char *const[]){"month", NULL}}},
	RD_ARGS_END,
};

const struct rd_cmd cmd_drift = {
	.name = "drift",
	.usage = "[--model M] [--feature F] [--since DATE] [--until DATE] [--by month]"
		 " | [--by month] --outcomes [--window N] [--vintages] | --vintages | baseline",
	.summary =
		"population stability of every feature and the score against a model's reference",
	.help = "PSI over the reference's 10 quantile bins (empty bins at 0.0001) and the KS "
		"statistic per feature and for the score: stable < 0.1 <= moderate <= 0.25 < "
		"significant; new and vanished categories; a verdict (how many features drifted). "
		"--since/--until DATE keep the customers whose first order or payment falls in "
		"the window. There is no table per cohort month: young cohorts differ by having "
		"less history, a false alarm on an unchanged book. Over time, compare calendar "
		"months (--by month) and read outcomes by cohort in --vintages. With --by month, "
		"each monthly snapshot ('snapshot') instead of the profiles: per calendar month "
		"the score's PSI and status, the features drifted, the AUC, and each feature's "
		"PSI and status (--since/--until then take months YYYY-MM); it reads the counts "
		"'snapshot' stored for the model's reference, or counts the snapshot rows when "
		"the reference changed since (counted_from says which). --outcomes: per snapshot "
		"month (--since/--until YYYY-MM) and band, the customers at risk (an observed "
		"outcome, not defaulted by the month end), their expected bad rate (mean PD at "
		"the snapshot) against the actual one (defaults observed in the --window N months "
		"after the month end), and the AUC and Gini of the PD; a month whose window ends "
		"after the latest observed_at is immature and shows no actual, AUC or Gini. "
		"--vintages: per quarter of creation, the cumulative bad rate by whole months on "
		"book, each quarter only as far as all its customers have been observed. Both "
		"read observed outcomes with an observed_at only, never proxy labels (formulas: "
		"docs/methodology.md section 12). 'drift baseline' makes the current profiles the "
		"rules model's reference; the first 'recompute all' sets it when there is none. "
		"For a scorecard, --feature F adds its characteristic analysis: per bin of F the "
		"reference share (the training rows, from the bins' counts), the current share, "
		"the change, the points and change x points, then every column's total (largest "
		"first), which sum to the mean score shift (before clamping and rounding); "
		"--feature score gives the totals alone, and with --by month the current "
		"population is the window's last snapshot month. Other models say that it is for "
		"scorecards.",
	.min_args = 0,
	.max_args = 1,
	.opts = drift_opts,
	.writing_subcommands = drift_writing,
	.args = drift_args,
	.exec = exec_drift,
};
