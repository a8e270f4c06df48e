/* drift --outcomes [--window N] [--since M] [--until M], drift --vintages: outcomes over
 * time (performance.h), the part of `drift` that reads the outcomes rather than a model's
 * reference. Called by cmd_drift.c. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cmd_util.h"
#include "riskdesk/performance.h"
#include "riskdesk/snapshot.h"
#include "riskdesk/vocab.h"

static const char *num4(double v, char *out, size_t n)
{
	if (isnan(v))
		snprintf(out, n, "-");
	else
		snprintf(out, n, "%.4f", v);
	return out;
}

static void emit_months(struct rd_ctx *ctx, const struct perf_report *r)
{
	static const char *const cols[] = {"month", "window_end", "status",     "customers",
					   "bads",  "expected",   "actual",     "auc",
					   "gini",  "defaulted",  "unlabelled", "undated"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_TEXT, COL_TEXT, COL_NUM,
						 COL_NUM,  COL_NUM,  COL_NUM,  COL_NUM,
						 COL_NUM,  COL_NUM,  COL_NUM,  COL_NUM};
	sink_table_begin(ctx->out, "months", 12, cols, kinds);
	for (int i = 0; i < r->nmonths; i++) {
		const struct perf_month *m = &r->months[i];
		char cu[24], bads[24], ex[24], ac[24], auc[24], gini[24], de[24], un[24], ud[24];
		snprintf(cu, sizeof cu, "%zu", m->all.customers);
		if (m->mature)
			snprintf(bads, sizeof bads, "%zu", m->all.bads);
		else
			snprintf(bads, sizeof bads, "-");
		snprintf(de, sizeof de, "%zu", m->defaulted);
		snprintf(un, sizeof un, "%zu", m->unlabelled);
		snprintf(ud, sizeof ud, "%zu", m->undated);
		const char *row[] = {m->month,
				     m->window_end,
				     m->mature ? "mature" : "immature",
				     cu,
				     bads,
				     num4(m->all.expected, ex, sizeof ex),
				     num4(m->all.actual, ac, sizeof ac),
				     num4(m->auc, auc, sizeof auc),
				     num4(m->gini, gini, sizeof gini),
				     de,
				     un,
				     ud};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);

	static const char *const bcols[] = {"month", "band",     "customers",
					    "bads",  "expected", "actual"};
	static const enum rd_col_kind bkinds[] = {COL_TEXT, COL_TEXT, COL_NUM,
						  COL_NUM,  COL_NUM,  COL_NUM};
	sink_table_begin(ctx->out, "bands", 6, bcols, bkinds);
	for (int i = 0; i < r->nmonths; i++)
		for (int b = 0; b < PERF_BANDS; b++) {
			const struct perf_month *m = &r->months[i];
			const struct perf_cell *c = &m->bands[b];
			if (!c->customers)
				continue;
			const char *band = vocab_name(&vocab_band, b);
			char cu[24], bads[24], ex[24], ac[24];
			snprintf(cu, sizeof cu, "%zu", c->customers);
			if (m->mature)
				snprintf(bads, sizeof bads, "%zu", c->bads);
			else
				snprintf(bads, sizeof bads, "-");
			const char *row[] = {m->month,
					     band,
					     cu,
					     bads,
					     num4(c->expected, ex, sizeof ex),
					     num4(c->actual, ac, sizeof ac)};
			sink_row(ctx->out, row);
		}
	sink_table_end(ctx->out);
}

static void emit_vintages(struct rd_ctx *ctx, const struct perf_report *r)
{
	/* defaults: all of the quarter's, also those after its last point observed. */
	static const char *const cols[] = {"quarter", "customers", "defaults", "months_observed",
					   "cum_bad_rate"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_NUM, COL_NUM, COL_NUM, COL_NUM};
	sink_table_begin(ctx->out, "vintages", 5, cols, kinds);
	for (int i = 0; i < r->nvintages; i++) {
		const struct perf_vintage *v = &r->vintages[i];
		char cu[24], bads[24], pts[24], last[24];
		snprintf(cu, sizeof cu, "%zu", v->customers);
		snprintf(bads, sizeof bads, "%zu", v->bads);
		snprintf(pts, sizeof pts, "%d", v->points);
		const char *row[] = {v->quarter, cu, bads, pts,
				     num4(v->points ? v->cum[v->points - 1] : NAN, last,
					  sizeof last)};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);
	/* The curves, one row per point (a quarter has as many as it has been observed). */
	static const char *const ccols[] = {"quarter", "months_on_book", "cum_bad_rate"};
	static const enum rd_col_kind ckinds[] = {COL_TEXT, COL_NUM, COL_NUM};
	sink_table_begin(ctx->out, "vintage_curves", 3, ccols, ckinds);
	for (int i = 0; i < r->nvintages; i++)
		for (int k = 1; k <= r->vintages[i].points; k++) {
			char mob[24], cum[24];
			snprintf(mob, sizeof mob, "%d", k);
			const char *row[] = {r->vintages[i].quarter, mob,
					     num4(r->vintages[i].cum[k - 1], cum, sizeof cum)};
			sink_row(ctx->out, row);
		}
	sink_table_end(ctx->out);
}

int cmd_drift_outcomes(struct rd_ctx *ctx, const struct rd_args *a)
{
	struct perf_opts o = {0, args_opt(a, "since"), args_opt(a, "until"),
			      args_opt(a, "outcomes") != NULL, args_opt(a, "vintages") != NULL};
	const char *window = args_opt(a, "window");
	if (args_opt(a, "model") || args_opt(a, "feature") || (window && !o.months) ||
	    (!o.months && (o.since || o.until))) {
		rd_err_set(
			&ctx->err,
			"usage: drift --outcomes [--window N] [--since YYYY-MM] [--until YYYY-MM]"
			" [--vintages] | drift --vintages (no --model or --feature: they read the"
			" outcomes, not a reference)");
		return RD_USAGE;
	}
	uint64_t w;
	if (window) {
		if (cmd_parse_uint(window, 1, PERF_WINDOW_MAX, &w)) {
			char echo[RD_ECHO_SIZE];
			rd_err_set(&ctx->err, "drift: --window wants months, 1 to %d, not %s",
				   PERF_WINDOW_MAX, rd_echo(echo, window, strlen(window)));
			return RD_USAGE;
		}
		o.window = (int)w;
	}
	for (int i = 0; i < 2; i++) {
		const char *d = i ? o.until : o.since;
		int month;
		if (d && snapshot_month_parse(d, &month)) {
			char echo[RD_ECHO_SIZE];
			rd_err_set(&ctx->err,
				   "drift --outcomes: --%s wants a month YYYY-MM, not %s",
				   i ? "until" : "since", rd_echo(echo, d, strlen(d)));
			return RD_USAGE;
		}
	}
	struct perf_report r;
	if (perf_run(ctx->store, &o, &r, &ctx->err)) {
		char msg[RD_ERR_MAX];
		snprintf(msg, sizeof msg, "%s", ctx->err.msg);
		rd_err_set(&ctx->err, "drift: %s", msg);
		return RD_FAILED;
	}
	if (o.months)
		sink_fieldf(ctx->out, "outcomes", "window", COL_TEXT, "%d months", r.window);
	sink_field(ctx->out, "outcomes", "data_end", r.data_end, COL_TEXT);
	sink_fieldf(ctx->out, "outcomes", "observed", COL_NUM, "%zu", r.outcomes);
	sink_fieldf(ctx->out, "outcomes", "undated_defaults", COL_NUM, "%zu", r.undated);
	if (o.vintages)
		sink_fieldf(ctx->out, "outcomes", "undated_customers", COL_NUM, "%zu", r.uncreated);
	if (o.months)
		emit_months(ctx, &r);
	if (o.vintages)
		emit_vintages(ctx, &r);
	perf_free(&r);
	return RD_OK;
}
