/* bins NAME [FEATURE] [--export FILE]: a scorecard's bins per feature (issue 14, item 4),
 * from its specification: each bin's edges or levels, goods, bads, WoE, IV part and
 * points, and whether the bins were set by hand (train --bins) or automatically; the
 * features the selection left out, with why; --export writes the classing as a file that
 * train --bins reads back (bins.h). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_util.h"
#include "riskdesk/afile.h"
#include "riskdesk/bins.h"
#include "riskdesk/woe.h"

static const cJSON *member(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static const char *set_by(const cJSON *trend)
{
	return cJSON_IsString(trend) && strcmp(trend->valuestring, "hand") == 0 ? "hand" : "auto";
}

/* A bin for people: "(lo, hi]" of a numeric value bin, the levels "a,b", "missing", or
 * "special CODE". prev_hi: the previous value bin's upper edge (−inf for the first). */
static void bin_label(const cJSON *bin, double prev_hi, struct rd_buf *out)
{
	const cJSON *levels = member(bin, "levels"), *special = member(bin, "special"), *l;
	const cJSON *hi = member(bin, "hi");
	buf_reset(out);
	if (cJSON_IsTrue(member(bin, "missing"))) {
		buf_puts(out, "missing");
	} else if (cJSON_IsNumber(special)) {
		buf_printf(out, "special %.15g", special->valuedouble);
	} else if (cJSON_IsArray(levels)) {
		int k = 0;
		cJSON_ArrayForEach(l, levels)
		{
			if (k++)
				buf_putc(out, ',');
			buf_puts(out, cJSON_IsString(l) ? l->valuestring : "?");
		}
	} else {
		if (isinf(prev_hi))
			buf_puts(out, "(-inf, ");
		else
			buf_printf(out, "(%.15g, ", prev_hi);
		if (cJSON_IsNumber(hi))
			buf_printf(out, "%.15g]", hi->valuedouble);
		else
			buf_puts(out, "inf)");
	}
}

/* One column's bins as rows of the table "bins". The IV parts come from the bins' counts
 * as training computed them (woe.h), so they add up to the column's IV. */
static void column_rows(struct rd_ctx *ctx, const cJSON *col)
{
	const cJSON *bins = member(col, "bins"), *bin;
	const char *name = member(col, "name")->valuestring, *set = set_by(member(col, "trend"));
	int n = cJSON_GetArraySize(bins), counted = 1, k = 0;
	struct woe_binning wb = {.kind = WOE_NUMERIC};
	wb.bins = rd_calloc((size_t)(n ? n : 1), sizeof *wb.bins);
	wb.nbins = (size_t)n;
	cJSON_ArrayForEach(bin, bins)
	{
		const cJSON *g = member(bin, "goods"), *d = member(bin, "bads");
		if (cJSON_IsNumber(g) && cJSON_IsNumber(d)) {
			wb.bins[k].goods = (size_t)g->valuedouble;
			wb.bins[k].bads = (size_t)d->valuedouble;
		} else {
			counted = 0;
		}
		k++;
	}
	if (counted)
		woe_recompute(&wb);
	struct rd_buf label = {0};
	double prev_hi = -INFINITY;
	k = 0;
	cJSON_ArrayForEach(bin, bins)
	{
		char goods[32] = "", bads[32] = "", rate[32] = "", woe[32] = "", iv[32] = "",
		     points[32] = "";
		const cJSON *w = member(bin, "woe"), *p = member(bin, "points"), *hi;
		bin_label(bin, prev_hi, &label);
		if (counted) {
			const struct woe_bin *b = &wb.bins[k];
			snprintf(goods, sizeof goods, "%zu", b->goods);
			snprintf(bads, sizeof bads, "%zu", b->bads);
			if (b->goods + b->bads)
				snprintf(rate, sizeof rate, "%.4f",
					 (double)b->bads / (double)(b->goods + b->bads));
			snprintf(iv, sizeof iv, "%.4f", b->iv_part);
		}
		if (cJSON_IsNumber(w))
			snprintf(woe, sizeof woe, "%.4f", w->valuedouble);
		if (cJSON_IsNumber(p))
			snprintf(points, sizeof points, "%.2f", p->valuedouble);
		const char *row[] = {name, label.data, goods, bads, rate, woe, iv, points, set};
		sink_row(ctx->out, row);
		if ((hi = member(bin, "hi")) && cJSON_IsNumber(hi))
			prev_hi = hi->valuedouble;
		k++;
	}
	buf_free(&label);
	free(wb.bins);
}

static const cJSON *find_named(const cJSON *array, const char *name)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, array)
	{
		const cJSON *n = member(e, "name");
		if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
			return e;
	}
	return NULL;
}

static int bins_show(struct rd_ctx *ctx, const char *ref, const cJSON *doc, const char *only)
{
	const cJSON *cols = member(doc, "columns"), *sel = member(doc, "selection"), *c;
	sink_field(ctx->out, "model", "name", ref, COL_TEXT);
	static const char *const bcols[] = {"feature", "bin", "goods",  "bads", "bad_rate",
					    "woe",     "iv",  "points", "set"};
	static const enum rd_col_kind bkinds[] = {COL_TEXT, COL_TEXT, COL_NUM, COL_NUM, COL_NUM,
						  COL_NUM,  COL_NUM,  COL_NUM, COL_TEXT};
	sink_table_begin(ctx->out, "bins", 9, bcols, bkinds);
	cJSON_ArrayForEach(c, cols)
	{
		const cJSON *n = member(c, "name");
		if (cJSON_IsString(n) && (!only || strcmp(n->valuestring, only) == 0))
			column_rows(ctx, c);
	}
	sink_table_end(ctx->out);
	/* Every feature the training saw: kept with its bins above, or left out and why (a
	 * scorecard keeps no bins of a feature it left out). */
	static const char *const fcols[] = {"feature", "status", "bins", "iv", "set", "reason"};
	static const enum rd_col_kind fkinds[] = {COL_TEXT, COL_TEXT, COL_NUM,
						  COL_NUM,  COL_TEXT, COL_TEXT};
	sink_table_begin(ctx->out, "features", 6, fcols, fkinds);
	cJSON_ArrayForEach(c, sel)
	{
		const cJSON *n = member(c, "name"), *st = member(c, "status"),
			    *r = member(c, "reason");
		const cJSON *nb = member(c, "bins"), *iv = member(c, "iv");
		if (!cJSON_IsString(n) || (only && strcmp(n->valuestring, only) != 0))
			continue;
		char bins[32] = "", ivs[32] = "";
		if (cJSON_IsNumber(nb))
			snprintf(bins, sizeof bins, "%.0f", nb->valuedouble);
		if (cJSON_IsNumber(iv))
			snprintf(ivs, sizeof ivs, "%.4f", iv->valuedouble);
		const char *row[] = {n->valuestring,
				     cJSON_IsString(st) ? st->valuestring : "",
				     bins,
				     ivs,
				     set_by(member(c, "trend")),
				     cJSON_IsString(r) ? r->valuestring : ""};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);
	if (only && !find_named(cols, only))
		sink_message(ctx->out, "%s is not in %s's scorecard: its bins are not kept", only,
			     ref);
	return RD_OK;
}

static int bins_export(struct rd_ctx *ctx, const char *ref, const char *spec, const char *only,
		       const char *path)
{
	char *json = NULL;
	int n = 0, status = RD_FAILED;
	struct rd_err ferr;
	if (bins_from_spec(spec, only, &json, &n, &ferr)) {
		rd_err_set(&ctx->err, "bins: %s: %s", ref, ferr.msg);
		return RD_FAILED;
	}
	struct afile *f = afile_open(path, &ferr);
	if (f)
		afile_write(f, json, strlen(json)); /* a failure is reported by the commit */
	if (!f || afile_commit(f, &ferr)) {
		rd_err_set(&ctx->err, "bins: %s", ferr.msg);
	} else {
		sink_message(ctx->out,
			     "the bins of %d feature%s of %s written to %s ('train NAME --algo"
			     " scorecard --bins %s' reads them)",
			     n, n == 1 ? "" : "s", ref, path, path);
		status = RD_OK;
	}
	free(json);
	return status;
}

static int exec_bins(struct rd_ctx *ctx, const struct rd_args *a)
{
	char name[128], ref[160];
	int version, status = RD_FAILED;
	sqlite3_stmt *s = NULL;
	cJSON *doc = NULL;
	const char *only = a->argc > 1 ? a->argv[1] : NULL;
	if (cmd_model_resolve(ctx, a->argv[0], name, sizeof name, &version) ||
	    store_prepare(ctx->store,
			  "SELECT algo, spec FROM models WHERE name = ?1 AND version = ?2", &s,
			  &ctx->err))
		goto out;
	snprintf(ref, sizeof ref, "%s@%d", name, version);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, version);
	if (sqlite3_step(s) != SQLITE_ROW) {
		store_fail(ctx->store, &ctx->err, "bins");
		goto out;
	}
	if (strcmp(col_text(s, 0), "scorecard") != 0) {
		rd_err_set(&ctx->err,
			   "bins: %s is a %s model: bins are a scorecard's (train --algo "
			   "scorecard)",
			   ref, col_text(s, 0));
		goto out;
	}
	if (!(doc = cJSON_Parse(col_text(s, 1)))) {
		rd_err_set(&ctx->err, "bins: %s: its specification is not JSON", ref);
		goto out;
	}
	const cJSON *cols = member(doc, "columns"), *sel = member(doc, "selection");
	char e[RD_ECHO_SIZE];
	if (only && !find_named(cols, only) && !find_named(sel, only)) {
		rd_err_set(&ctx->err, "bins: %s has no feature %s ('bins %s' lists them)", ref,
			   bins_name_echo(e, only), ref);
	} else if (only && args_opt(a, "export") && !find_named(cols, only)) {
		rd_err_set(&ctx->err,
			   "bins: %s is not in %s's scorecard: it has no bins to export ('bins %s"
			   " %s' says why)",
			   bins_name_echo(e, only), ref, ref, e);
	} else if (args_opt(a, "export")) {
		status = bins_export(ctx, ref, col_text(s, 1), only, args_opt(a, "export"));
	} else {
		status = bins_show(ctx, ref, doc, only);
	}
out:
	sqlite3_finalize(s);
	cJSON_Delete(doc);
	return status;
}

static const struct rd_opt bins_opts[] = {
	{"export", "FILE", "write the classing as JSON that train --bins reads"},
	{NULL, NULL, NULL},
};

static const struct rd_arg bins_args[] = {
	{.at = 0, .values = {.type = RD_ARG_MODEL}},
	{.at = 1, .values = {.type = RD_ARG_COLUMN}},
	{.opt = "export", .values = {.type = RD_ARG_FILE}},
	RD_ARGS_END,
};

const struct rd_cmd cmd_bins = {
	.name = "bins",
	.usage = "NAME[@VERSION] [FEATURE] [--export FILE]",
	.summary =
		"show a scorecard's bins per feature, or write them as a file train --bins reads",
	.help = "Per feature of the scorecard (FEATURE: that one only): each bin, its edges "
		"(lo, hi] or its levels, the missing bin and the bins of special codes, with the "
		"training rows' goods and bads, bad rate, WoE, its part of the feature's IV, and "
		"its points; 'set' says whether the bins were set by hand (train --bins) or "
		"automatically. Then every feature the training saw, kept or left out, with its "
		"IV and why (a scorecard keeps no bins of a feature it left out). --export FILE "
		"writes the classing of its features as JSON, {\"FEATURE\": {\"edges\": [...]}} "
		"for "
		"a numeric one (the value bins' upper edges) or {\"FEATURE\": {\"groups\": "
		"[[\"a\", \"b\"], ...]}} for a categorical one: edit it, then 'train NAME --algo "
		"scorecard --bins FILE' keeps those bins exactly and bins the other features as "
		"usual.",
	.min_args = 1,
	.max_args = 2,
	.opts = bins_opts,
	.args = bins_args,
	.exec = exec_bins,
};
