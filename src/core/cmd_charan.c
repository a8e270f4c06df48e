/* drift --feature F on a scorecard: the characteristic analysis (charan.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cmd_util.h"
#include "riskdesk/charan.h"

/* A signed figure to 4 decimals; one that rounds to zero is +0.0000, never -0.0000. */
static void signed4(double v, char *out, size_t n)
{
	snprintf(out, n, "%+.4f", fabs(v) < 0.00005 ? 0.0 : v);
}

static void emit_bins(struct rd_ctx *ctx, const struct charan_column *c)
{
	static const char *const cols[] = {"bin",    "reference", "current",
					   "change", "points",    "shift"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_NUM, COL_NUM,
						 COL_NUM,  COL_NUM, COL_NUM};
	sink_table_begin(ctx->out, "characteristic_bins", 6, cols, kinds);
	for (int b = 0; b < c->nbins; b++) {
		const struct charan_bin *bin = &c->bins[b];
		char ref[24], cur[24], chg[24], pts[24], sh[24];
		snprintf(ref, sizeof ref, "%.4f", bin->ref);
		snprintf(cur, sizeof cur, "%.4f", bin->cur);
		signed4(bin->cur - bin->ref, chg, sizeof chg);
		snprintf(pts, sizeof pts, "%.2f", bin->points);
		signed4(bin->shift, sh, sizeof sh);
		const char *row[] = {bin->label, ref, cur, chg, pts, sh};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);
}

int cmd_drift_characteristic(struct rd_ctx *ctx, const char *model, int version, const char *only,
			     const char *month, const char *since, const char *until)
{
	static const char sec[] = "characteristic";
	struct charan_opts o = {model, version, month, month ? NULL : since, month ? NULL : until};
	struct charan_report r;
	if (charan_run(ctx->store, &o, &r, &ctx->err))
		return -1;
	if (r.note[0]) {
		sink_field(ctx->out, sec, "note", r.note, COL_TEXT);
		charan_free(&r);
		return 0;
	}
	sink_fieldf(ctx->out, sec, "model", COL_TEXT, "%s@%d (segment %s)", r.model, r.version,
		    r.segment);
	sink_fieldf(ctx->out, sec, "reference", COL_TEXT, "the training rows (%.0f)", r.ref_rows);
	if (r.month[0])
		sink_fieldf(ctx->out, sec, "current", COL_TEXT, "snapshot %s (%zu rows)", r.month,
			    r.cur_rows);
	else
		sink_fieldf(ctx->out, sec, "current", COL_TEXT, "the profiles (%zu)", r.cur_rows);
	sink_fieldf(ctx->out, sec, "reference_mean_score", COL_NUM, "%.4f", r.ref_score);
	sink_fieldf(ctx->out, sec, "current_mean_score", COL_NUM, "%.4f", r.cur_score);
	char v[24];
	signed4(r.cur_score - r.ref_score, v, sizeof v);
	sink_field(ctx->out, sec, "mean_score_shift", v, COL_NUM);
	signed4(r.shift, v, sizeof v);
	sink_field(ctx->out, sec, "sum_of_totals", v, COL_NUM);
	const struct charan_column *c = strcmp(only, "score") == 0 ? NULL : charan_column(&r, only);
	if (c)
		emit_bins(ctx, c);
	else if (strcmp(only, "score") != 0) {
		char echo[RD_ECHO_SIZE];
		sink_fieldf(ctx->out, sec, "feature", COL_TEXT,
			    "%s is not a column of %s@%d: it adds no points",
			    rd_echo(echo, only, strlen(only)), r.model, r.version);
	}
	static const char *const cols[] = {"feature", "total"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_NUM};
	sink_table_begin(ctx->out, "characteristic_features", 2, cols, kinds);
	for (int i = 0; i < r.ncols; i++) {
		char t[24];
		signed4(r.cols[i].total, t, sizeof t);
		const char *row[] = {r.cols[i].name, t};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);
	charan_free(&r);
	return 0;
}
