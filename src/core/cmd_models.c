/* The model registry: models, model NAME[@VERSION] (and model export/import),
 * promote, retire. Every change is audited by cmd_run_line. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_util.h"
#include "riskdesk/afile.h"
#include "riskdesk/blend.h"
#include "riskdesk/engine.h"
#include "riskdesk/jsondoc.h"
#include "riskdesk/label.h"
#include "riskdesk/modelcheck.h"
#include "riskdesk/model.h"
#include "riskdesk/score.h"
#include "riskdesk/sqlexport.h"
#include "riskdesk/vocab.h"

#define MODEL_FILE_MAX (64u << 20) /* a boosted model can be large; this is a sanity bound */
#define MODEL_FORMAT "riskdesk-model-1"

/* NAME or NAME@VERSION. version 0: the newest (for promote: the newest not retired). */
static int parse_ref(struct rd_ctx *ctx, const char *ref, char *name, size_t n, int *version)
{
	const char *at = strchr(ref, '@');
	size_t len = at ? (size_t)(at - ref) : strlen(ref);
	if (len == 0 || len >= n) {
		rd_err_set(&ctx->err, "'%s' is not a model name (NAME or NAME@VERSION)", ref);
		return -1;
	}
	memcpy(name, ref, len);
	name[len] = '\0';
	*version = 0;
	if (at) {
		char *end;
		long v = strtol(at + 1, &end, 10);
		if (*end || v <= 0 || v > 1000000) {
			rd_err_set(&ctx->err, "'%s': the version must be a positive number", ref);
			return -1;
		}
		*version = (int)v;
	}
	return 0;
}

/* Resolves a reference to an existing version; 0, or -1 with the error set. */
static int resolve(struct rd_ctx *ctx, const char *ref, char *name, size_t n, int *version)
{
	if (parse_ref(ctx, ref, name, n, version))
		return -1;
	sqlite3_stmt *s;
	if (store_prepare(ctx->store,
			  "SELECT version FROM models WHERE name = ?1 AND (?2 = 0 OR version = ?2)"
			  " ORDER BY version DESC LIMIT 1",
			  &s, &ctx->err))
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, *version);
	int found = sqlite3_step(s) == SQLITE_ROW;
	if (found)
		*version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (!found) {
		rd_err_set(&ctx->err, "no model '%s' (see 'models')", ref);
		return -1;
	}
	return 0;
}

int cmd_model_resolve(struct rd_ctx *ctx, const char *ref, char *name, size_t n, int *version)
{
	return resolve(ctx, ref, name, n, version);
}

static int exec_models(struct rd_ctx *ctx, const struct rd_args *a)
{
	if (a->argc > 0 && strcmp(a->argv[0], "compare") == 0)
		return cmd_models_compare(ctx, a);
	if (a->argc > 0) {
		rd_err_set(&ctx->err, "usage: models | models compare [NAME[@VERSION]...]");
		return RD_USAGE;
	}
	sqlite3_stmt *s;
	if (store_prepare(ctx->store,
			  "SELECT name, version, algo, segment, status, weight,"
			  " json_extract(metrics, '$.auc') AS auc, json_extract(metrics, '$.ks') "
			  "AS ks,"
			  " created_at FROM models ORDER BY name, version",
			  &s, &ctx->err))
		return RD_FAILED;
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_NUM, COL_TEXT, COL_TEXT, COL_TEXT,
						 COL_NUM,  COL_NUM, COL_NUM,  COL_TEXT};
	int rc = cmd_emit_rows(ctx, s, "models", kinds);
	sqlite3_finalize(s);
	if (rc)
		return RD_FAILED;
	/* Who serves each segment (each route of a segment whose kinds are served apart): a
	 * champion, a blend (with its own cut-off), or rules. */
	struct blend sb[BLEND_ROUTES];
	if (blend_serving(ctx->store, sb, &ctx->err))
		return RD_FAILED;
	static const char *const cols[] = {"segment", "served_by", "cutoff_pd", "cutoff_from",
					   "auc_oof"};
	static const enum rd_col_kind skinds[] = {COL_TEXT, COL_TEXT, COL_NUM, COL_TEXT, COL_NUM};
	sink_table_begin(ctx->out, "serving", 5, cols, skinds);
	for (int k = 0; k < BLEND_ROUTES; k++) {
		const struct blend *b = &sb[blend_route((enum rd_customer_kind)(k % KINDS),
							(enum rd_segment)(k / KINDS))];
		int by_kind = !blend_kinds_alike(sb, (enum rd_segment)(k / KINDS));
		if (!by_kind && k % KINDS != 0)
			continue;
		char by[BLEND_LABEL_MAX + 16], cut[32] = "", from[64] = "", auc[32] = "", seg[32];
		if (b->n == 1)
			snprintf(by, sizeof by, "%s@%d", b->m[0].name, b->m[0].version);
		else
			snprintf(by, sizeof by, "%s", b->n ? b->label : "rules");
		if (!isnan(b->cutoff_pd))
			snprintf(cut, sizeof cut, "%.4f", b->cutoff_pd);
		if (b->n == 1 && !isnan(b->cutoff_pd))
			snprintf(from, sizeof from, "its cross-validation");
		else if (b->n > 1 && b->cutoff_rows)
			snprintf(from, sizeof from, "%zu customers out of fold", b->cutoff_rows);
		else if (b->n > 1 && !isnan(b->cutoff_pd))
			snprintf(from, sizeof from, "members' cut-offs");
		if (!isnan(b->auc_oof))
			snprintf(auc, sizeof auc, "%.4f", b->auc_oof);
		const char *row[] = {blend_route_name(b, by_kind, seg, sizeof seg), by, cut, from,
				     auc};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);
	return RD_OK;
}

const struct rd_cmd cmd_models = {
	.name = "models",
	.usage = "[compare [NAME[@VERSION]...]]",
	.summary = "the model registry: every version with its status, algorithm and metrics,"
		   " and who serves each segment",
	.help = "Per version: its algorithm, segment, status, weight, AUC and KS. Per segment: "
		"who serves it, a champion, a blend with its cut-off, or the rules model. 'models "
		"compare' puts trained models side by side as a validation report wants them: "
		"fold-mean AUC and its spread, out-of-fold AUC, KS, Brier score, mean PD against "
		"the observed bad rate, the largest PD-decile calibration gap and the tuning, "
		"cross-validation and fit seconds, best AUC first (default: the newest version of "
		"every trained model). folds_id is equal when they were cross-validated on the "
		"same rows and folds.",
	.min_args = 0,
	.max_args = -1,
	.exec = exec_models,
};

/* The metrics object's numbers as fields. */
static void show_metrics(struct rd_ctx *ctx, const char *json)
{
	cJSON *o = cJSON_Parse(json), *f;
	char labels[256];
	label_source_describe(json, labels, sizeof labels);
	sink_field(ctx->out, "model", "label_source", labels, COL_TEXT);
	cJSON_ArrayForEach(f, o)
	{
		char v[32];
		if (!cJSON_IsNumber(f))
			continue;
		num_format(f->valuedouble, v, sizeof v);
		sink_field(ctx->out, "metrics", f->string, v, COL_NUM);
	}
	cJSON_Delete(o);
}

/* The tables of a trained model, read from its metrics and specification by SQL. */
static const struct model_table {
	const char *name;
	const char *sql; /* ?1 name, ?2 version */
	enum rd_col_kind kinds[12];
} model_tables[] = {
	{"folds",
	 "SELECT j.key + 1 AS fold, round(j.value, 4) AS auc FROM models m,"
	 " json_each(m.metrics, '$.fold_auc') j WHERE m.name = ?1 AND m.version = ?2",
	 {COL_NUM, COL_NUM}},
	{"gains",
	 "SELECT j.key + 1 AS decile, json_extract(j.value, '$.count') AS customers,"
	 " json_extract(j.value, '$.bads') AS bads,"
	 " round(json_extract(j.value, '$.min_pd'), 4) AS min_pd,"
	 " round(json_extract(j.value, '$.max_pd'), 4) AS max_pd,"
	 " round(json_extract(j.value, '$.bad_rate'), 4) AS bad_rate,"
	 " round(json_extract(j.value, '$.cum_capture'), 4) AS cum_capture,"
	 " round(json_extract(j.value, '$.lift'), 2) AS lift"
	 " FROM models m, json_each(m.metrics, '$.gains') j WHERE m.name = ?1 AND m.version = ?2",
	 {COL_NUM, COL_NUM, COL_NUM, COL_NUM, COL_NUM, COL_NUM, COL_NUM, COL_NUM}},
	{"calibration",
	 "SELECT json_extract(j.value, '$.band') AS band, json_extract(j.value, '$.count') AS"
	 " customers, json_extract(j.value, '$.bads') AS bads,"
	 " round(json_extract(j.value, '$.mean_pd'), 4) AS mean_pd,"
	 " round(json_extract(j.value, '$.observed'), 4) AS observed"
	 " FROM models m, json_each(m.metrics, '$.calibration') j"
	 " WHERE m.name = ?1 AND m.version = ?2",
	 {COL_TEXT, COL_NUM, COL_NUM, COL_NUM, COL_NUM}},
	{"iv",
	 "SELECT json_extract(j.value, '$.name') AS feature, json_extract(j.value, '$.type') AS "
	 "type,"
	 " json_extract(j.value, '$.bins') AS bins, round(json_extract(j.value, '$.iv'), 4) AS iv,"
	 " round(json_extract(j.value, '$.iv_raw'), 4) AS iv_raw,"
	 " CASE WHEN json_extract(j.value, '$.iv') < 0.02 THEN 'useless'"
	 " WHEN json_extract(j.value, '$.iv') < 0.1 THEN 'weak'"
	 " WHEN json_extract(j.value, '$.iv') < 0.3 THEN 'medium'"
	 " WHEN json_extract(j.value, '$.iv') < 0.5 THEN 'strong' ELSE 'very strong' END AS power,"
	 " coalesce(json_extract(j.value, '$.label'), '') AS label"
	 " FROM models m, json_each(m.metrics, '$.iv') j WHERE m.name = ?1 AND m.version = ?2"
	 " ORDER BY json_extract(j.value, '$.iv') DESC",
	 {COL_TEXT, COL_TEXT, COL_NUM, COL_NUM, COL_NUM, COL_TEXT, COL_TEXT}},
	{"tuning",
	 "SELECT json_extract(j.value, '$.depth') AS depth, json_extract(j.value, '$.eta') AS eta,"
	 " json_extract(j.value, '$.min_child') AS min_child,"
	 " json_extract(j.value, '$.subsample') AS subsample,"
	 " json_extract(j.value, '$.trees') AS trees, round(json_extract(j.value, '$.auc'), 4) AS "
	 "auc,"
	 " round(json_extract(j.value, '$.auc_sd'), 4) AS auc_sd,"
	 " round(json_extract(j.value, '$.seconds'), 2) AS seconds,"
	 " iif(json_extract(j.value, '$.chosen'), '*', '') AS chosen"
	 " FROM models m, json_each(m.metrics, '$.tuning') j WHERE m.name = ?1 AND m.version = ?2",
	 {COL_NUM, COL_NUM, COL_NUM, COL_NUM, COL_NUM, COL_NUM, COL_NUM, COL_NUM, COL_TEXT}},
};

/* The spec's tables (points, weights) are formatted here as the SQL tables above are by
 * SQLite: round(x, n) is SQLite's (its printf's "%.nf" read back), labels use its printf.
 * The stored spec (checked at import) is walked as text, never held whole as a tree: a
 * scorecard of 500,000 bins shows in about a second where SQL's json_tree took several. */
static double sql_round(double x, int n)
{
	char buf[64];
	if (x < -4503599627370496.0 || x > 4503599627370496.0)
		return x; /* no fractional part: SQLite returns it unchanged */
	sqlite3_snprintf(sizeof buf, buf, "%.*f", n, x);
	return strtod(buf, NULL);
}

/* A cell of a number as cmd_emit_row shows a REAL; "" for no number (SQL's NULL). */
static const char *num_cell(int has, double v, int round_to, char *buf, size_t n)
{
	if (!has)
		return "";
	num_format(sql_round(v, round_to), buf, n);
	return buf;
}

static const cJSON *member(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static const char *json_num_cell(const cJSON *v, int round_to, char *buf, size_t n)
{
	return num_cell(cJSON_IsNumber(v), cJSON_GetNumberValue(v), round_to, buf, n);
}

/* The members of a bin that the points table shows. */
enum bin_field {
	BIN_MISSING,
	BIN_SPECIAL,
	BIN_LEVELS,
	BIN_HI,
	BIN_GOODS,
	BIN_BADS,
	BIN_WOE,
	BIN_POINTS,
	BIN_NFIELDS
};

struct bin_row {
	int has[BIN_NFIELDS]; /* the member is there (for numbers: is a number) */
	double num[BIN_NFIELDS];
	struct jsondoc_span levels;
};

static void bin_read(struct jsondoc_span bin, struct bin_row *r)
{
	static const char *const keys[] = {"missing", "special", "levels", "hi",
					   "goods",   "bads",    "woe",    "points"};
	struct jsondoc_iter it;
	struct jsondoc_span key, v;
	memset(r, 0, sizeof *r);
	if (jsondoc_begin(&it, bin))
		return;
	while (jsondoc_next(&it, &key, &v)) {
		for (int f = 0; f < BIN_NFIELDS; f++) {
			if (r->has[f] || !jsondoc_key_is(key, keys[f]))
				continue;
			int number = jsondoc_number(v, &r->num[f]) == 0;
			if (f == BIN_LEVELS) {
				r->has[f] = !(v.n == 4 && memcmp(v.p, "null", 4) == 0);
				r->levels = v;
			} else if (
				f ==
				BIN_MISSING) { /* true, as SQL's CASE WHEN read it: or non-zero */
				r->has[f] = (v.n == 4 && memcmp(v.p, "true", 4) == 0) ||
					    (number && r->num[f] != 0);
			} else {
				r->has[f] = number;
			}
		}
	}
}

/* The labels of a column in the spec's "labels" (an object with "label" and "values"). */
static const cJSON *labels_of(const cJSON *labels, const char *name)
{
	return cJSON_IsObject(labels) && name ? member(labels, name) : NULL;
}

/* A scorecard's bins, per column: the levels, "missing", or (previous bin's hi, hi]; label:
 * what the levels mean (the spec's labels; a level without one as it is). */
static void show_points(struct rd_ctx *ctx, struct jsondoc_span columns, const cJSON *labels)
{
	static const char *const cols[] = {"feature", "bin",    "customers", "bad_rate",
					   "woe",     "points", "label"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_TEXT, COL_NUM, COL_NUM,
						 COL_NUM,  COL_NUM,  COL_TEXT};
	struct rd_buf name = {0}, label = {0}, meaning = {0}, level_text = {0};
	struct jsondoc_iter cit, bit, lit;
	struct jsondoc_span col, bins, bin, level;
	sink_table_begin(ctx->out, "points", 7, cols, kinds);
	jsondoc_begin(&cit, columns);
	while (jsondoc_next(&cit, NULL, &col)) {
		struct jsondoc_span name_v;
		buf_reset(&name);
		if (jsondoc_member(col, "name", &name_v) == 0)
			jsondoc_string(name_v, &name);
		const cJSON *values = member(labels_of(labels, name.data), "values");
		if (jsondoc_member(col, "bins", &bins) || jsondoc_begin(&bit, bins))
			continue;
		int has_prev_hi = 0;
		double prev_hi = 0;
		while (jsondoc_next(&bit, NULL, &bin)) {
			struct bin_row r;
			char edge[2][64], customers[32] = "", bad_rate[32] = "", woe[32],
					  points[32];
			bin_read(bin, &r);
			buf_reset(&label);
			buf_reset(&meaning);
			if (r.has[BIN_MISSING]) {
				buf_puts(&label, "missing");
			} else if (r.has[BIN_SPECIAL]) {
				char code[64];
				sqlite3_snprintf(sizeof code, code, "%.15g", r.num[BIN_SPECIAL]);
				buf_printf(&label, "special %s", code);
			} else if (r.has[BIN_LEVELS]) {
				int k = 0;
				jsondoc_begin(&lit, r.levels);
				while (jsondoc_next(&lit, NULL, &level)) {
					buf_reset(&level_text);
					jsondoc_string(level, &level_text);
					const char *l = level_text.data ? level_text.data : "";
					const cJSON *m = values ? member(values, l) : NULL;
					if (k++) {
						buf_putc(&label, ',');
						buf_puts(&meaning, "; ");
					}
					buf_puts(&label, l);
					buf_puts(&meaning, cJSON_IsString(m) ? m->valuestring : l);
				}
				if (!values)
					buf_reset(&meaning);
			} else {
				if (has_prev_hi)
					sqlite3_snprintf(sizeof edge[0], edge[0], "%.6g", prev_hi);
				if (r.has[BIN_HI])
					sqlite3_snprintf(sizeof edge[1], edge[1], "%.6g",
							 r.num[BIN_HI]);
				buf_printf(&label, "(%s, %s]", has_prev_hi ? edge[0] : "-inf",
					   r.has[BIN_HI] ? edge[1] : "inf");
			}
			if (r.has[BIN_GOODS] && r.has[BIN_BADS]) {
				double n = r.num[BIN_GOODS] + r.num[BIN_BADS];
				num_format(n, customers, sizeof customers);
				num_format(sql_round(r.num[BIN_BADS] / (n > 1 ? n : 1), 4),
					   bad_rate, sizeof bad_rate);
			}
			const char *row[] = {name.data ? name.data : "",
					     label.data ? label.data : "",
					     customers,
					     bad_rate,
					     num_cell(r.has[BIN_WOE], r.num[BIN_WOE], 4, woe,
						      sizeof woe),
					     num_cell(r.has[BIN_POINTS], r.num[BIN_POINTS], 1,
						      points, sizeof points),
					     meaning.data ? meaning.data : ""};
			sink_row(ctx->out, row);
			if (!r.has[BIN_SPECIAL]) { /* a special bin is no edge */
				has_prev_hi = r.has[BIN_HI];
				prev_hi = r.num[BIN_HI];
			}
		}
	}
	sink_table_end(ctx->out);
	buf_free(&name);
	buf_free(&label);
	buf_free(&meaning);
	buf_free(&level_text);
}

/* A scorecard's variable selection: every feature by IV, kept or dropped, and why. */
static void show_selection(struct rd_ctx *ctx, struct jsondoc_span span)
{
	static const char *const cols[] = {"feature", "iv",     "bins",  "trend",
					   "coef",    "status", "reason"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_NUM,  COL_NUM, COL_TEXT,
						 COL_NUM,  COL_TEXT, COL_TEXT};
	cJSON *selection = cJSON_ParseWithLength(span.p, span.n);
	const cJSON *f;
	if (cJSON_IsArray(selection)) {
		sink_table_begin(ctx->out, "selection", 7, cols, kinds);
		cJSON_ArrayForEach(f, selection)
		{
			char iv[32], bins[32], coef[32];
			const cJSON *name = member(f, "name"), *trend = member(f, "trend");
			const cJSON *status = member(f, "status"), *reason = member(f, "reason");
			const cJSON *iv_v = member(f, "iv"), *bins_v = member(f, "bins");
			const cJSON *coef_v = member(f, "coef");
			const char *row[] = {cJSON_IsString(name) ? name->valuestring : "",
					     json_num_cell(iv_v, 4, iv, sizeof iv),
					     json_num_cell(bins_v, 0, bins, sizeof bins),
					     cJSON_IsString(trend) ? trend->valuestring : "",
					     json_num_cell(coef_v, 4, coef, sizeof coef),
					     cJSON_IsString(status) ? status->valuestring : "",
					     cJSON_IsString(reason) ? reason->valuestring : ""};
			sink_row(ctx->out, row);
		}
		sink_table_end(ctx->out);
	}
	cJSON_Delete(selection);
}

/* A logit's weights: one row per level of a categorical; per numeric, its row (with the
 * standardisation and the winsorizing bounds) and its missing indicator's when it has one.
 * label: the level's or the column's, from the spec's labels. */
static void show_weights(struct rd_ctx *ctx, struct jsondoc_span columns, const cJSON *labels)
{
	static const char *const cols[] = {"feature", "level",   "weight", "mean", "sd",
					   "clip_lo", "clip_hi", "impute", "label"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_TEXT, COL_NUM, COL_NUM, COL_NUM,
						 COL_NUM,  COL_NUM,  COL_NUM, COL_TEXT};
	struct jsondoc_iter cit;
	struct jsondoc_span span;
	sink_table_begin(ctx->out, "weights", 9, cols, kinds);
	jsondoc_begin(&cit, columns);
	while (jsondoc_next(&cit, NULL, &span)) {
		/* a column's levels are few enough to parse it whole */
		cJSON *col = cJSON_ParseWithLength(span.p, span.n);
		const cJSON *name = member(col, "name"), *levels = member(col, "levels");
		const cJSON *weights = member(col, "weights");
		const cJSON *lab = labels_of(labels,
					     cJSON_IsString(name) ? name->valuestring : NULL);
		const cJSON *missing_w = member(col, "missing_weight"),
			    *values = member(lab, "values");
		int nlevels = cJSON_IsArray(levels) ? cJSON_GetArraySize(levels) : 0;
		const cJSON *level = nlevels ? levels->child : NULL;
		const cJSON *weight = cJSON_IsArray(weights) ? weights->child : NULL;
		char w[32], mean[32], sd[32], lo[32], hi[32], imp[32];
		int rows = nlevels ? nlevels : 1 + (missing_w != NULL);
		for (int i = 0; i < rows; i++) {
			int indicator = !nlevels && i == 1;
			const cJSON *wv = nlevels && weight ? weight
					  : indicator       ? missing_w
							    : member(col, "weight");
			const cJSON *ll = nlevels && cJSON_IsString(level)
						  ? member(values, level->valuestring)
					  : nlevels ? NULL
						    : member(lab, "label");
			int f = cJSON_IsString(name) ? feature_index(name->valuestring) : -1;
			const cJSON *at = indicator ? NULL
						    : col; /* the indicator has no transform */
			const char *row[] = {cJSON_IsString(name) ? name->valuestring : "",
					     cJSON_IsString(level) ? level->valuestring
					     : indicator           ? "missing"
								   : "",
					     json_num_cell(wv, 4, w, sizeof w),
					     json_num_cell(member(at, "mean"), 4, mean,
							   sizeof mean),
					     json_num_cell(member(at, "sd"), 4, sd, sizeof sd),
					     json_num_cell(member(at, "clip_lo"), 4, lo, sizeof lo),
					     json_num_cell(member(at, "clip_hi"), 4, hi, sizeof hi),
					     json_num_cell(member(at, "impute"), 4, imp,
							   sizeof imp),
					     cJSON_IsString(ll)   ? ll->valuestring
					     : !nlevels && f >= 0 ? feature_labels[f]
								  : ""};
			sink_row(ctx->out, row);
			level = level ? level->next : NULL;
			weight = weight ? weight->next : NULL;
		}
		cJSON_Delete(col);
	}
	sink_table_end(ctx->out);
}

/* Calibration beyond the stored band table: predicted against observed bad rate per
 * decile of out-of-fold PD, and the Hosmer–Lemeshow test over them. */
static void show_calibration(struct rd_ctx *ctx, const char *name, int version)
{
	sqlite3_stmt *s;
	if (store_prepare(ctx->store,
			  "SELECT round(json_extract(metrics, '$.hosmer_lemeshow.statistic'), 4),"
			  " json_extract(metrics, '$.hosmer_lemeshow.groups'),"
			  " json_extract(metrics, '$.hosmer_lemeshow.df'),"
			  " json_extract(metrics, '$.hosmer_lemeshow.p_value')"
			  " FROM models WHERE name = ?1 AND version = ?2"
			  " AND json_type(metrics, '$.hosmer_lemeshow') = 'object'",
			  &s, &ctx->err))
		return;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, version);
	if (sqlite3_step(s) == SQLITE_ROW) {
		sink_field(ctx->out, "hosmer_lemeshow", "statistic", col_text(s, 0), COL_NUM);
		sink_field(ctx->out, "hosmer_lemeshow", "groups", col_text(s, 1), COL_NUM);
		sink_field(ctx->out, "hosmer_lemeshow", "df", col_text(s, 2), COL_NUM);
		if (sqlite3_column_type(s, 3) == SQLITE_NULL)
			sink_field(ctx->out, "hosmer_lemeshow", "p_value", "", COL_NUM);
		else
			sink_fieldf(ctx->out, "hosmer_lemeshow", "p_value", COL_NUM, "%.4g",
				    sqlite3_column_double(s, 3));
	}
	sqlite3_finalize(s);
	static const enum rd_col_kind kinds[] = {COL_NUM, COL_NUM, COL_NUM, COL_NUM,
						 COL_NUM, COL_NUM, COL_NUM};
	if (store_prepare(ctx->store,
			  "SELECT j.key + 1 AS decile, json_extract(j.value, '$.count') AS "
			  "customers,"
			  " json_extract(j.value, '$.bads') AS bads,"
			  " round(json_extract(j.value, '$.min_pd'), 4) AS min_pd,"
			  " round(json_extract(j.value, '$.max_pd'), 4) AS max_pd,"
			  " round(json_extract(j.value, '$.mean_pd'), 4) AS mean_pd,"
			  " round(json_extract(j.value, '$.observed'), 4) AS observed"
			  " FROM models m, json_each(m.metrics, '$.calibration_deciles') j"
			  " WHERE m.name = ?1 AND m.version = ?2",
			  &s, &ctx->err))
		return;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, version);
	cmd_emit_rows(ctx, s, "calibration_deciles", kinds);
	sqlite3_finalize(s);
}

static void show_trained(struct rd_ctx *ctx, const char *name, int version, const char *algo)
{
	sqlite3_stmt *s, *spec;
	if (store_prepare(ctx->store, "SELECT spec FROM models WHERE name = ?1 AND version = ?2",
			  &spec, &ctx->err))
		return;
	sqlite3_bind_text(spec, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(spec, 2, version);
	struct jsondoc_span doc = {"", 0}, columns = {"", 0}, v;
	if (sqlite3_step(spec) == SQLITE_ROW)
		doc = (struct jsondoc_span){col_text(spec, 0),
					    (size_t)sqlite3_column_bytes(spec, 0)};
	double base;
	char text[32];
	if (jsondoc_member(doc, "base_points", &v) == 0 && jsondoc_number(v, &base) == 0) {
		/* A scorecard's score is the base points plus the points of each bin. */
		snprintf(text, sizeof text, "%.1f", base);
		sink_field(ctx->out, "model", "base_points", text, COL_NUM);
	}
	cJSON *params = jsondoc_member(doc, "params", &v) ? NULL : cJSON_ParseWithLength(v.p, v.n);
	const cJSON *p;
	cJSON_ArrayForEach(p, params)
	{
		if (cJSON_IsNumber(p))
			num_format(p->valuedouble, text, sizeof text);
		else
			snprintf(text, sizeof text, "%s", cJSON_IsString(p) ? p->valuestring : "");
		sink_field(ctx->out, "params", p->string, text,
			   cJSON_IsNumber(p) ? COL_NUM : COL_TEXT);
	}
	cJSON_Delete(params);
	for (size_t t = 0; t < sizeof model_tables / sizeof *model_tables; t++) {
		const struct model_table *mt = &model_tables[t];
		if (store_prepare(ctx->store, mt->sql, &s, &ctx->err))
			continue;
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, version);
		cmd_emit_rows(ctx, s, mt->name, mt->kinds);
		sqlite3_finalize(s);
	}
	show_calibration(ctx, name, version);
	jsondoc_member(doc, "columns", &columns);
	cJSON *labels = jsondoc_member(doc, "labels", &v) ? NULL : cJSON_ParseWithLength(v.p, v.n);
	if (strcmp(algo, "scorecard") == 0) {
		struct jsondoc_span selection = {"", 0};
		jsondoc_member(doc, "selection", &selection);
		show_selection(ctx, selection);
		show_points(ctx, columns, labels);
	} else if (strcmp(algo, "logit") == 0) {
		show_weights(ctx, columns, labels);
	}
	cJSON_Delete(labels);
	sqlite3_finalize(spec);
}

static int model_show(struct rd_ctx *ctx, const char *ref)
{
	char name[128];
	int version;
	if (resolve(ctx, ref, name, sizeof name, &version))
		return RD_FAILED;
	sqlite3_stmt *s;
	if (store_prepare(ctx->store,
			  "SELECT algo, segment, status, weight, created_at, iif(algo = 'rules', "
			  "spec, NULL),"
			  " metrics, json_extract(spec, '$.scaling') FROM models"
			  " WHERE name = ?1 AND version = ?2",
			  &s, &ctx->err))
		return RD_FAILED;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, version);
	if (sqlite3_step(s) == SQLITE_ROW) {
		sink_field(ctx->out, "model", "name", name, COL_TEXT);
		sink_fieldf(ctx->out, "model", "version", COL_NUM, "%d", version);
		sink_field(ctx->out, "model", "algo", col_text(s, 0), COL_TEXT);
		sink_field(ctx->out, "model", "segment", col_text(s, 1), COL_TEXT);
		sink_field(ctx->out, "model", "status", col_text(s, 2), COL_TEXT);
		sink_field(ctx->out, "model", "weight", col_text(s, 3), COL_NUM);
		sink_field(ctx->out, "model", "created_at", col_text(s, 4), COL_TEXT);
		struct score_scaling sc;
		struct rd_err serr;
		cJSON *scaling = cJSON_Parse(col_text(s, 7));
		if (model_scaling_parse(scaling, &sc, &serr) == 0)
			sink_fieldf(ctx->out, "model", "bands", COL_TEXT,
				    "A >= %d, B >= %d, C >= %d,"
				    " D >= %d, E below",
				    sc.bands[0], sc.bands[1], sc.bands[2], sc.bands[3]);
		cJSON_Delete(scaling);
		if (sqlite3_column_type(s, 6) != SQLITE_NULL)
			show_metrics(ctx, col_text(s, 6));
		struct rules_model rm;
		struct rd_err ignore;
		if (strcmp(col_text(s, 0), "rules") == 0 &&
		    rules_parse(col_text(s, 5), &rm, &ignore) == 0)
			cmd_rules_terms(ctx, &rm);
		else
			show_trained(ctx, name, version, col_text(s, 0));
	}
	sqlite3_finalize(s);
	return RD_OK;
}

/* model export NAME[@V] FILE: the row as one JSON document. */
static int model_export(struct rd_ctx *ctx, const char *ref, const char *path)
{
	char name[128];
	int version, status = RD_FAILED;
	if (resolve(ctx, ref, name, sizeof name, &version))
		return RD_FAILED;
	sqlite3_stmt *s;
	if (store_prepare(ctx->store,
			  "SELECT algo, segment, weight, spec, metrics, reference, created_at FROM "
			  "models"
			  " WHERE name = ?1 AND version = ?2",
			  &s, &ctx->err))
		return RD_FAILED;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, version);
	/* Written by hand: the stored JSON goes out verbatim, every number as it was (cJSON
	 * prints some doubles a unit in the last place off). */
	struct rd_buf doc = {0};
	if (sqlite3_step(s) == SQLITE_ROW) {
		buf_printf(&doc, "{\n  \"format\": \"%s\",\n  \"name\": ", MODEL_FORMAT);
		buf_json_string(&doc, name);
		buf_printf(&doc, ",\n  \"version\": %d,\n  \"algo\": ", version);
		buf_json_string(&doc, col_text(s, 0));
		buf_puts(&doc, ",\n  \"segment\": ");
		buf_json_string(&doc, col_text(s, 1));
		buf_puts(&doc, ",\n  \"weight\": ");
		buf_json_number(&doc, sqlite3_column_double(s, 2));
		buf_puts(&doc, ",\n  \"created_at\": ");
		buf_json_string(&doc, col_text(s, 6));
		static const char *const json_cols[] = {"spec", "metrics", "reference"};
		for (int i = 0; i < 3; i++) {
			buf_printf(&doc, ",\n  \"%s\": %s", json_cols[i],
				   sqlite3_column_type(s, 3 + i) == SQLITE_NULL
					   ? "null"
					   : col_text(s, 3 + i));
		}
		buf_puts(&doc, "\n}");
	}
	sqlite3_finalize(s);
	if (!doc.len) {
		rd_err_set(&ctx->err, "model export: %s@%d: not found", name, version);
		return RD_FAILED;
	}
	buf_putc(&doc, '\n');
	struct rd_err ferr;
	struct afile *f = afile_open(path, &ferr);
	if (f)
		afile_write(f, doc.data, doc.len); /* a failure is reported by the commit */
	if (!f || afile_commit(f, &ferr)) {
		rd_err_set(&ctx->err, "model export: %s", ferr.msg);
	} else {
		sink_message(ctx->out, "%s@%d written to %s", name, version, path);
		status = RD_OK;
	}
	buf_free(&doc);
	return status;
}

/* The spec (an object), metrics and reference (objects, else NULL) of a model file, as
 * SQLite's JSON functions give them: numbers keep their text, where cJSON would reprint
 * them. doc is strict JSON already (jsondoc_parse). 0 or -1. */
static int json_members(struct rd_ctx *ctx, const char *path, const char *doc, char **spec,
			char **metrics, char **reference)
{
	sqlite3_stmt *s;
	if (store_prepare(ctx->store,
			  "SELECT iif(json_type(?1, '$.spec') = 'object', json_extract(?1, "
			  "'$.spec'), NULL),"
			  " iif(json_type(?1, '$.metrics') = 'object', json_extract(?1, "
			  "'$.metrics'), NULL),"
			  " iif(json_type(?1, '$.reference') = 'object', json_extract(?1, "
			  "'$.reference'),"
			  " NULL)",
			  &s, &ctx->err))
		return -1;
	sqlite3_bind_text(s, 1, doc, -1, SQLITE_STATIC);
	char **out[] = {spec, metrics, reference};
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		for (int i = 0; i < 3; i++)
			*out[i] = sqlite3_column_type(s, i) == SQLITE_NULL
					  ? NULL
					  : rd_strdup((const char *)sqlite3_column_text(s, i));
	else
		rd_err_set(&ctx->err, "%s: SQLite's JSON functions refuse it: %s", path,
			   sqlite3_errmsg(store_db(ctx->store)));
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* model import FILE: a new version of the model's name, as a challenger. The
 * specification must be one this riskdesk can score. */
static int model_import(struct rd_ctx *ctx, const char *path)
{
	struct rd_buf text = {0};
	cJSON *doc = NULL;
	sqlite3_stmt *s = NULL;
	char *spec = NULL, *metrics = NULL, *reference = NULL;
	int status = RD_FAILED;
	int rc = text_file_read(path, MODEL_FILE_MAX, &text, &ctx->err);
	if (rc == 1)
		rd_err_set(&ctx->err, "%s: No such file or directory", path);
	if (rc != 0)
		goto out;
	doc = jsondoc_parse(text.data ? text.data : "", text.len, path, &ctx->err);
	if (!doc)
		goto out;
	const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(doc, "format");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(doc, "name");
	const cJSON *algo = cJSON_GetObjectItemCaseSensitive(doc, "algo");
	const cJSON *segment = cJSON_GetObjectItemCaseSensitive(doc, "segment");
	const cJSON *weight = cJSON_GetObjectItemCaseSensitive(doc, "weight");
	if (!cJSON_IsObject(doc) || !cJSON_IsString(fmt) ||
	    strcmp(fmt->valuestring, MODEL_FORMAT)) {
		rd_err_set(&ctx->err, "%s: not a riskdesk model file (format %s)", path,
			   MODEL_FORMAT);
		goto out;
	}
	struct rd_err nerr;
	if (!cJSON_IsString(name) || model_name_check(name->valuestring, &nerr)) {
		rd_err_set(&ctx->err, "%s: 'name': %s", path,
			   cJSON_IsString(name) ? nerr.msg : "missing or not a string");
		goto out;
	}
	int is_rules = cJSON_IsString(algo) && strcmp(algo->valuestring, "rules") == 0;
	int is_trained = 0;
	for (int i = 0; i < MODEL_ALGOS && cJSON_IsString(algo); i++)
		is_trained |= strcmp(algo->valuestring, model_algo_names[i]) == 0;
	if (!is_rules && !is_trained) {
		rd_err_set(&ctx->err, "%s: algo '%.40s' is not rules, logit, scorecard, xgb or rf",
			   path, cJSON_IsString(algo) ? algo->valuestring : "?");
		goto out;
	}
	if (is_rules != (strcmp(name->valuestring, "rules") == 0)) {
		/* The rules scorecard is one model with versions: the fallback. */
		rd_err_set(&ctx->err,
			   is_rules ? "%s: a rules model is a version of 'rules', not '%s'"
				    : "%s: the name 'rules' belongs to the rules model, not %.40s",
			   path, is_rules ? name->valuestring : algo->valuestring);
		goto out;
	}
	const char *seg = cJSON_IsString(segment)
				  ? segment->valuestring
				  : vocab_name(&vocab_model_segment, MODEL_SEGMENT_ALL);
	if (vocab_find(&vocab_model_segment, seg) < 0) {
		char words[64];
		rd_err_set(&ctx->err, "%s: segment '%.40s' is not %s", path, seg,
			   vocab_list(&vocab_model_segment, " or ", words, sizeof words));
		goto out;
	}
	char what[PATH_MAX + 16];
	snprintf(what, sizeof what, "%s: 'weight'", path);
	if (weight &&
	    model_weight_check(cJSON_IsNumber(weight) ? weight->valuedouble : NAN, what, &ctx->err))
		goto out;
	if (json_members(ctx, path, text.data, &spec, &metrics, &reference))
		goto out;
	struct rules_model rm;
	struct rd_err perr;
	struct rd_model *tm = NULL;
	/* Only a specification this riskdesk can score gets in. */
	if (!spec || (is_rules ? rules_parse(spec, &rm, &perr) != 0
			       : (tm = model_parse(spec, &perr)) == NULL)) {
		rd_err_set(&ctx->err, "%s: spec: %s", path, spec ? perr.msg : "missing");
		goto out;
	}
	if (tm && strcmp(algo->valuestring, model_algo_names[tm->algo]) != 0) {
		rd_err_set(&ctx->err, "%s: 'algo' is %.40s but the spec is %s", path,
			   algo->valuestring, model_algo_names[tm->algo]);
		model_free(tm);
		goto out;
	}
	model_free(tm);
	char now[21];
	now_iso(now);
	if (store_begin(ctx->store, &ctx->err) ||
	    store_prepare(ctx->store,
			  "INSERT INTO models(name, version, algo, segment, status, weight, spec, "
			  "metrics,"
			  " reference, created_at) SELECT ?1, coalesce(max(version), 0) + 1, ?2, "
			  "?3,"
			  " ?9, ?4, ?5, ?6, ?7, ?8 FROM models WHERE name = ?1",
			  &s, &ctx->err))
		goto out;
	sqlite3_bind_text(s, 9, vocab_name(&vocab_model_status, MODEL_CHALLENGER), -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(s, 1, name->valuestring, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, algo->valuestring, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, seg, -1, SQLITE_STATIC);
	sqlite3_bind_double(s, 4, weight ? weight->valuedouble : 1.0);
	sqlite3_bind_text(s, 5, spec, -1, SQLITE_STATIC);
	if (metrics)
		sqlite3_bind_text(s, 6, metrics, -1, SQLITE_STATIC);
	if (reference)
		sqlite3_bind_text(s, 7, reference, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, now, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_fail(ctx->store, &ctx->err, "model import");
		goto out;
	}
	int version = (int)store_int(ctx->store,
				     "SELECT max(version) FROM models WHERE rowid ="
				     " last_insert_rowid()",
				     0);
	if (store_commit(ctx->store, &ctx->err))
		goto out;
	sink_message(ctx->out, "imported %s@%d as a challenger ('promote %s@%d' makes it serve)",
		     name->valuestring, version, name->valuestring, version);
	status = RD_OK;
out:
	sqlite3_finalize(s);
	store_rollback(ctx->store);
	cJSON_Delete(doc);
	buf_free(&text);
	free(spec);
	free(metrics);
	free(reference);
	return status;
}

static const struct rd_opt model_opts[] = {
	{"min-auc", "X", "model check: the cross-validated AUC must be at least X (default 0.70)"},
	{"max-fnr", "X", "model check: at most X of the defaulters approved at the cut-off (0.20)"},
	{"min-ks", "X", "model check: the KS must be at least X (default 0.20)"},
	{"min-hl-p", "X", "model check: the Hosmer-Lemeshow p-value must be at least X (0.05)"},
	{"max-psi", "X",
	 "model check: the score PSI against the current book must be below X (0.25)"},
	{"dialect", "D", "model export NAME FILE.sql: the SQL of sqlite (default) or postgres"},
	{"with-features", NULL,
	 "model export NAME FILE.sql: the query computes the features from the orders and "
	 "payments"},
	{NULL, NULL, NULL},
};

#define MODEL_CHECK_OPTS 5 /* the first model_opts are model check's */

/* model export NAME[@V]|serving FILE.sql [--dialect D] [--with-features]: the model (or
 * the serving models) as one SQL query (sqlexport.h). */
static int model_export_sql(struct rd_ctx *ctx, const struct rd_args *a)
{
	const char *ref = a->argv[1], *path = a->argv[2], *d = args_opt(a, "dialect");
	struct sqlexport_opts o = {SQLEXPORT_SQLITE, args_opt(a, "with-features") != NULL,
				   ctx->settings.as_of};
	if (d && sqlexport_dialect_parse(d, &o.dialect, &ctx->err))
		return RD_USAGE;
	char name[128];
	int version = 0;
	if (strcmp(ref, "serving") != 0 && resolve(ctx, ref, name, sizeof name, &version))
		return RD_FAILED;
	char *sql = sqlexport_query(ctx->store, version ? name : NULL, version, &o, &ctx->err);
	if (!sql) {
		char msg[sizeof ctx->err.msg];
		snprintf(msg, sizeof msg, "%s", ctx->err.msg);
		rd_err_set(&ctx->err, "model export: %s", msg);
		return RD_FAILED;
	}
	struct rd_err ferr;
	struct afile *f = afile_open(path, &ferr);
	int status = RD_FAILED;
	if (f)
		afile_write(f, sql, strlen(sql)); /* a failure is reported by the commit */
	if (!f || afile_commit(f, &ferr)) {
		rd_err_set(&ctx->err, "model export: %s", ferr.msg);
	} else {
		if (version)
			sink_message(ctx->out, "%s@%d written to %s as %s SQL", name, version, path,
				     sqlexport_dialect_names[o.dialect]);
		else
			sink_message(ctx->out, "the serving models written to %s as %s SQL", path,
				     sqlexport_dialect_names[o.dialect]);
		status = RD_OK;
	}
	free(sql);
	return status;
}

/* Whether path names an SQL file (FILE.sql). */
static int is_sql_path(const char *path)
{
	size_t n = strlen(path);
	return n > 4 && strcmp(path + n - 4, ".sql") == 0;
}

/* model check NAME[@V] [--min-auc X …]: the checks as a table; fails when one fails. */
static int model_check(struct rd_ctx *ctx, const struct rd_args *a)
{
	struct modelcheck_limits lim = modelcheck_default_limits;
	double *slot[] = {&lim.min_auc, &lim.max_fnr, &lim.min_ks, &lim.min_hl_p, &lim.max_psi};
	for (int i = 0; i < MODEL_CHECK_OPTS; i++) {
		const char *v = args_opt(a, model_opts[i].name);
		char *end;
		if (!v)
			continue;
		*slot[i] = strtod(v, &end);
		if (*end || end == v || !(*slot[i] >= 0) || (i < 4 && *slot[i] > 1) ||
		    !isfinite(*slot[i])) {
			rd_err_set(&ctx->err, "model check: --%s must be a number from 0 to %s",
				   model_opts[i].name, i < 4 ? "1" : "infinity");
			return RD_USAGE;
		}
	}
	char name[128];
	int version;
	struct modelcheck c[MODELCHECK_COUNT];
	if (resolve(ctx, a->argv[1], name, sizeof name, &version) ||
	    modelcheck_run(ctx->store, name, version, &lim, ctx->cancel, c, &ctx->err))
		return RD_FAILED;
	static const char *const cols[] = {"check", "value", "limit", "result", "detail"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_NUM, COL_TEXT, COL_TEXT, COL_TEXT};
	static const char *const results[] = {"pass", "FAIL", "n/a"};
	struct rd_buf failed = {0};
	int nfail = 0, nna = 0;
	sink_table_begin(ctx->out, "checks", 5, cols, kinds);
	for (int i = 0; i < MODELCHECK_COUNT; i++) {
		char value[32] = "", limit[32];
		if (!isnan(c[i].value))
			snprintf(value, sizeof value, "%.4f", c[i].value);
		snprintf(limit, sizeof limit, "%s %g", c[i].op, c[i].limit);
		const char *row[] = {c[i].name, value, limit, results[c[i].result], c[i].detail};
		sink_row(ctx->out, row);
		if (c[i].result == MODELCHECK_FAIL)
			buf_printf(&failed, "%s%s", nfail++ ? ", " : "", c[i].name);
		nna += c[i].result == MODELCHECK_NA;
	}
	sink_table_end(ctx->out);
	int status = RD_OK;
	if (nfail) {
		rd_err_set(&ctx->err, "model check: %s@%d fails %d of %d checks: %s", name, version,
			   nfail, MODELCHECK_COUNT, failed.data);
		status = RD_FAILED;
	} else {
		sink_message(ctx->out, "%s@%d passes %d of %d checks%s", name, version,
			     MODELCHECK_COUNT - nna, MODELCHECK_COUNT,
			     nna ? "; the others could not be computed (see detail)" : "");
	}
	buf_free(&failed);
	return status;
}

static int exec_model(struct rd_ctx *ctx, const struct rd_args *a)
{
	int sql = a->argc == 3 && strcmp(a->argv[0], "export") == 0 && is_sql_path(a->argv[2]);
	for (int i = 0; i < a->nopts; i++) {
		int check = a->opts[i].opt < model_opts + MODEL_CHECK_OPTS;
		if (check ? a->argc == 2 && strcmp(a->argv[0], "check") == 0 : sql)
			continue;
		rd_err_set(&ctx->err, "model: --%s is an option of '%s'", a->opts[i].opt->name,
			   check ? "model check NAME" : "model export NAME FILE.sql");
		return RD_USAGE;
	}
	if (a->argc == 2 && strcmp(a->argv[0], "check") == 0)
		return model_check(ctx, a);
	if (sql)
		return model_export_sql(ctx, a);
	if (a->nopts) {
		rd_err_set(&ctx->err, "model: --%s is an option of 'model check NAME'",
			   a->opts[0].opt->name);
		return RD_USAGE;
	}
	if (a->argc == 1 && strcmp(a->argv[0], "export") && strcmp(a->argv[0], "import") &&
	    strcmp(a->argv[0], "check"))
		return model_show(ctx, a->argv[0]);
	if (a->argc == 3 && strcmp(a->argv[0], "export") == 0)
		return model_export(ctx, a->argv[1], a->argv[2]);
	if (a->argc == 2 && strcmp(a->argv[0], "import") == 0)
		return model_import(ctx, a->argv[1]);
	rd_err_set(&ctx->err, "usage: model NAME[@VERSION] | model export NAME[@VERSION] FILE |"
			      " model export NAME[@VERSION]|serving FILE.sql [--dialect D]"
			      " [--with-features] | model import FILE | model check NAME[@VERSION]"
			      " [--min-auc X ...]");
	return RD_USAGE;
}

static const char *const model_writing[] = {"import", NULL};

static const struct rd_arg model_args[] = {
	{.at = 0,
	 .values = {.type = RD_ARG_MODEL,
		    .words = (const char *const[]){"check", "export", "import", NULL}}},
	{.when = "export check", .at = 1, .values = {.type = RD_ARG_MODEL}},
	{.when = "import", .at = 1, .values = {.type = RD_ARG_FILE}},
	{.when = "export", .at = 2, .values = {.type = RD_ARG_FILE}},
	{.when = "export", .at = 1, .values = {.words = (const char *const[]){"serving", NULL}}},
	{.opt = "dialect", .values = {.words = (const char *const[]){"sqlite", "postgres", NULL}}},
	RD_ARGS_END,
};

const struct rd_cmd cmd_model = {
	.name = "model",
	.usage = "NAME[@VERSION] | export NAME[@VERSION] FILE |"
		 " export NAME[@VERSION]|serving FILE.sql [--dialect sqlite|postgres]"
		 " [--with-features] | import FILE |"
		 " check NAME[@VERSION] [--min-auc X] [--max-fnr X] [--min-ks X] [--min-hl-p X]"
		 " [--max-psi X]",
	.summary = "one model's details; write it to / read it from one JSON file; or check it",
	.help = "model NAME shows its band edges, metrics (threshold_pd is its cut-off), fold "
		"AUCs, gains, calibration by band and by PD decile with the Hosmer-Lemeshow test, "
		"the IV table, and the scorecard's variable selection and points table or the "
		"logit weights. 'model export NAME FILE' writes the model as one JSON file that "
		"scores identically in another database; to a FILE.sql it writes one SQL query "
		"that scores a table 'features' (id and the model's inputs: the file's header "
		"lists them) in SQLite or, with --dialect postgres, PostgreSQL, giving id, model, "
		"score, pd, band and the reasons as riskdesk does ('serving' for the models "
		"serving "
		"now, routed by segment and kind, with blends and the rules model); "
		"--with-features makes it compute the features from the customers, orders and "
		"payments tables as of the as-of day ('set as-of', else the latest order or "
		"payment). 'model import FILE' adds it as the next "
		"version of its name, a challenger, once the file's format, name, algorithm "
		"(rules only as a version of 'rules'), segment and weight are valid and its "
		"specification is one this riskdesk can score, of that algorithm. model check "
		"NAME runs pass/fail checks: cross-validated AUC, the share of defaulters "
		"approved at its cut-off, KS, the Hosmer-Lemeshow p-value, and the PSI of its "
		"score between its training rows and the current profiles of its segment (scored "
		"by the model itself, so a challenger can be checked); it fails (exit status 1) "
		"when one fails. A check that cannot be computed says why and does not fail.",
	.min_args = 1,
	.max_args = 3,
	.opts = model_opts,
	.writing_subcommands = model_writing,
	.args = model_args,
	.exec = exec_model,
};

/* Sets a version's status in one transaction: retiring, or promoting a rules version
 * (the other rules versions step down: the rules model is the one fallback). */
static int set_status(struct rd_ctx *ctx, const char *ref, enum rd_model_status st)
{
	const char *to = vocab_name(&vocab_model_status, st);
	char name[128];
	int version, status = RD_FAILED;
	if (resolve(ctx, ref, name, sizeof name, &version))
		return RD_FAILED;
	sqlite3_stmt *s = NULL;
	if (st == MODEL_RETIRED && strcmp(name, "rules") == 0 &&
	    store_int(ctx->store,
		      "SELECT count(*) FROM models WHERE name = 'rules'"
		      " AND status = 'champion'",
		      0) <= 1) {
		sqlite3_stmt *q;
		int is_champion = 0;
		if (store_prepare(ctx->store,
				  "SELECT status = 'champion' FROM models WHERE name = 'rules' AND"
				  " version = ?1",
				  &q, &ctx->err) == 0) {
			sqlite3_bind_int(q, 1, version);
			is_champion = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0);
			sqlite3_finalize(q);
		}
		if (is_champion) {
			rd_err_set(&ctx->err,
				   "retire: rules@%d is the fallback that scores when no trained"
				   " model serves; import or promote another rules version first",
				   version);
			return RD_FAILED;
		}
	}
	if (store_begin(ctx->store, &ctx->err))
		return RD_FAILED;
	if (st == MODEL_CHAMPION) {
		if (store_prepare(ctx->store,
				  "UPDATE models SET status = 'challenger' WHERE name = ?1 AND "
				  "version != ?2"
				  " AND status = 'champion'",
				  &s, &ctx->err))
			goto out;
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, version);
		if (sqlite3_step(s) != SQLITE_DONE) {
			store_fail(ctx->store, &ctx->err, to);
			goto out;
		}
		sqlite3_finalize(s);
		s = NULL;
	}
	/* A version that serves or is retired is no longer in shadow. */
	if (store_prepare(ctx->store,
			  "UPDATE models SET status = ?3, shadow = iif(?3 = 'challenger', shadow, "
			  "0)"
			  " WHERE name = ?1 AND version = ?2",
			  &s, &ctx->err))
		goto out;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, version);
	sqlite3_bind_text(s, 3, to, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE || store_commit(ctx->store, &ctx->err)) {
		if (!ctx->err.msg[0])
			store_fail(ctx->store, &ctx->err, to);
		goto out;
	}
	sink_message(ctx->out, "%s@%d is now %s%s", name, version, to,
		     st == MODEL_CHAMPION ? "; 'recompute all' rescores with it" : "");
	status = RD_OK;
out:
	sqlite3_finalize(s);
	store_rollback(ctx->store);
	return status;
}

/* Runs one bound statement (?1 name, ?2 version, ?3 the segment, ?4 weight) of promote. */
static int promote_step(struct rd_ctx *ctx, const char *sql, const char *name, int version,
			const char *segment, double weight)
{
	sqlite3_stmt *s;
	if (store_prepare(ctx->store, sql, &s, &ctx->err))
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, version);
	sqlite3_bind_text(s, 3, segment, -1, SQLITE_STATIC);
	sqlite3_bind_double(s, 4, weight);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(ctx->store, &ctx->err, "promote");
}

/* The champions of a segment that promoting name@version replaces, as "a@1, b@2". */
static int replaced_list(struct rd_ctx *ctx, const char *name, int version, const char *segment,
			 int same_name_only, struct rd_buf *out)
{
	sqlite3_stmt *s;
	int n = 0;
	if (store_prepare(ctx->store,
			  "SELECT name, version FROM models WHERE status = 'champion' AND algo != "
			  "'rules'"
			  " AND NOT (name = ?1 AND version = ?2) AND (name = ?1 OR (?4 = 0 AND"
			  " segment = ?3)) ORDER BY name, version",
			  &s, &ctx->err))
		return 0;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, version);
	sqlite3_bind_text(s, 3, segment, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, same_name_only);
	while (sqlite3_step(s) == SQLITE_ROW && ++n)
		buf_printf(out, "%s%s@%d", out->len ? ", " : "", col_text(s, 0),
			   sqlite3_column_int(s, 1));
	sqlite3_finalize(s);
	return n;
}

/* Who serves each segment now, one message line each (one for both when they share it;
 * one for each route of a segment whose kinds are served apart). */
static void serving_message(struct rd_ctx *ctx, const struct blend sb[BLEND_ROUTES])
{
	int by_kind = blend_by_kind(sb);
	int shared = !by_kind &&
		     strcmp(sb[blend_route(KIND_INDIVIDUAL, SEGMENT_NEW)].label,
			    sb[blend_route(KIND_INDIVIDUAL, SEGMENT_EXISTING)].label) == 0;
	for (int k = 0; k < (shared ? 1 : BLEND_ROUTES); k++) {
		const struct blend *b = &sb[blend_route((enum rd_customer_kind)(k % KINDS),
							(enum rd_segment)(k / KINDS))];
		int apart = !blend_kinds_alike(sb, (enum rd_segment)(k / KINDS));
		if (!shared && !apart && k % KINDS != 0)
			continue;
		char route[48], whob[64];
		snprintf(whob, sizeof whob, "segment %s is",
			 blend_route_name(b, apart, route, sizeof route));
		const char *who = shared ? "segments new and existing are" : whob;
		char cut[160] = "";
		if (b->n > 1 && b->cutoff_rows)
			snprintf(cut, sizeof cut,
				 " (its cut-off PD %.4f is fitted on %zu customers'"
				 " out-of-fold predictions)",
				 b->cutoff_pd, b->cutoff_rows);
		else if (b->n > 1 && !isnan(b->cutoff_pd))
			snprintf(cut, sizeof cut,
				 " (its cut-off PD %.4f is the weighted mean of its"
				 " members' cut-off scores)",
				 b->cutoff_pd);
		else if (b->n > 1)
			snprintf(cut, sizeof cut, " (it has no cut-off: a member has none)");
		if (b->n == 1)
			sink_message(ctx->out, "%s served by %s@%d", who, b->m[0].name,
				     b->m[0].version);
		else if (b->n > 1)
			sink_message(ctx->out, "%s served by %s%s", who, b->label, cut);
		else
			sink_message(ctx->out, "%s served by the rules model", who);
	}
}

/* promote NAME[@V]: the champion of its segment, replacing the segment's champions (they
 * become challengers). With --blend W: a member of the segment's blend with weight W. */
static int promote(struct rd_ctx *ctx, const char *ref, double blend)
{
	char name[128], segment[16];
	int version, status = RD_FAILED;
	snprintf(segment, sizeof segment, "%s",
		 vocab_name(&vocab_model_segment, MODEL_SEGMENT_ALL));
	struct rd_buf replaced = {0};
	struct blend sb[BLEND_ROUTES];
	if (resolve(ctx, ref, name, sizeof name, &version))
		return RD_FAILED;
	if (strcmp(name, "rules") == 0) {
		if (blend > 0) {
			rd_err_set(&ctx->err,
				   "promote: the rules model is the fallback; it joins no"
				   " blend");
			return RD_USAGE;
		}
		return set_status(ctx, ref, MODEL_CHAMPION);
	}
	sqlite3_stmt *s;
	if (store_prepare(ctx->store, "SELECT segment FROM models WHERE name = ?1 AND version = ?2",
			  &s, &ctx->err))
		return RD_FAILED;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, version);
	if (sqlite3_step(s) == SQLITE_ROW)
		snprintf(segment, sizeof segment, "%s", col_text(s, 0));
	sqlite3_finalize(s);
	if (store_begin(ctx->store, &ctx->err))
		return RD_FAILED;
	int nreplaced = replaced_list(ctx, name, version, segment, blend > 0, &replaced);
	/* One serving version per name; without --blend also no other champion of the segment. */
	if (promote_step(ctx,
			 "UPDATE models SET status = 'challenger' WHERE status = 'champion'"
			 " AND algo != 'rules' AND NOT (name = ?1 AND version = ?2)"
			 " AND (name = ?1 OR (?4 = 0 AND segment = ?3))",
			 name, version, segment, blend) ||
	    promote_step(ctx,
			 "UPDATE models SET status = 'champion', weight = iif(?4 > 0, ?4, 1),"
			 " shadow = 0 WHERE name = ?1 AND version = ?2",
			 name, version, segment, blend))
		goto out;
	if (blend_serving(ctx->store, sb, &ctx->err)) {
		char msg[sizeof ctx->err.msg];
		snprintf(msg, sizeof msg, "%s", ctx->err.msg);
		rd_err_set(&ctx->err, "promote: %s", msg);
		goto out;
	}
	if (store_commit(ctx->store, &ctx->err))
		goto out;
	const char *now = nreplaced > 1 ? " (now challengers)" : " (now a challenger)";
	if (blend > 0)
		sink_message(ctx->out, "%s@%d joins the blend of segment %s with weight %g%s%s%s",
			     name, version, segment, blend, nreplaced ? ", replacing " : "",
			     nreplaced ? replaced.data : "", nreplaced ? now : "");
	else
		sink_message(ctx->out, "%s@%d is now the champion of segment %s%s%s%s", name,
			     version, segment, nreplaced ? ", replacing " : "",
			     nreplaced ? replaced.data : "", nreplaced ? now : "");
	serving_message(ctx, sb);
	sink_message(ctx->out, "'recompute all' rescores with it");
	status = RD_OK;
out:
	store_rollback(ctx->store);
	buf_free(&replaced);
	return status;
}

/* promote NAME --shadow: a challenger scored by every recompute beside the champions, into
 * shadow_scores, never serving. */
static int promote_shadow(struct rd_ctx *ctx, const char *ref)
{
	char name[128];
	int version;
	if (resolve(ctx, ref, name, sizeof name, &version))
		return RD_FAILED;
	sqlite3_stmt *s;
	if (store_prepare(ctx->store,
			  "SELECT algo, status, shadow FROM models WHERE name = ?1 AND version = "
			  "?2",
			  &s, &ctx->err))
		return RD_FAILED;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, version);
	int status = RD_FAILED, already = 0;
	if (sqlite3_step(s) != SQLITE_ROW) {
		store_fail(ctx->store, &ctx->err, "promote");
	} else if (strcmp(col_text(s, 0), "rules") == 0) {
		rd_err_set(&ctx->err, "promote --shadow: the rules model scores every customer it"
				      " serves already; shadow a trained model");
	} else if (strcmp(col_text(s, 1), "challenger") != 0) {
		rd_err_set(&ctx->err,
			   "promote --shadow: %s@%d is %s; only a challenger runs in shadow", name,
			   version, col_text(s, 1));
	} else {
		already = sqlite3_column_int(s, 2);
		status = RD_OK;
	}
	sqlite3_finalize(s);
	if (status != RD_OK)
		return status;
	if (already) {
		sink_message(ctx->out, "%s@%d is in shadow already", name, version);
		return RD_OK;
	}
	if (store_begin(ctx->store, &ctx->err) ||
	    promote_step(ctx, "UPDATE models SET shadow = 1 WHERE name = ?1 AND version = ?2", name,
			 version, "", 0) ||
	    store_commit(ctx->store, &ctx->err)) {
		store_rollback(ctx->store);
		return RD_FAILED;
	}
	sink_message(ctx->out,
		     "%s@%d is in shadow: 'recompute' scores the book with it too, apart from "
		     "the profiles; 'swapset' compares it with a champion",
		     name, version);
	return RD_OK;
}

static int exec_promote(struct rd_ctx *ctx, const struct rd_args *a)
{
	if (args_opt(a, "shadow")) {
		if (args_opt(a, "blend")) {
			rd_err_set(&ctx->err, "promote: --shadow and --blend exclude each other");
			return RD_USAGE;
		}
		return promote_shadow(ctx, a->argv[0]);
	}
	const char *w = args_opt(a, "blend");
	double weight = 0;
	if (w) {
		char *end;
		weight = strtod(w, &end);
		if (*end || end == w)
			weight = NAN;
		if (model_weight_check(weight, "promote: --blend", &ctx->err))
			return RD_USAGE;
	}
	return promote(ctx, a->argv[0], weight);
}

static int exec_retire(struct rd_ctx *ctx, const struct rd_args *a)
{
	return set_status(ctx, a->argv[0], MODEL_RETIRED);
}

static const struct rd_opt promote_opts[] = {
	{"blend", "W",
	 "add it to its segment's blend with weight W instead of replacing the champion"},
	{"shadow", NULL, "score the book with this challenger too, apart, never serving"},
	{NULL, NULL, NULL},
};

const struct rd_cmd cmd_promote = {
	.name = "promote",
	.usage = "NAME[@VERSION] [--blend W | --shadow]",
	.summary =
		"make a model version the champion of its segment, or add it to a blend (audited)",
	.help = "A customer is served by the champions of its kind (trained with --segment "
		"individual or company; a company champion serves new and existing companies), "
		"else of its segment (new: fewer than 3 delivered orders; existing), else those "
		"trained on all; with none the rules model serves. promote replaces the champions "
		"of the version's segment, which become challengers; with --blend W the version "
		"joins the segment's blend with weight W: the score is the weighted mean of the "
		"members' unclamped scores, named \"blend: a@1 \xc3\x97"
		"1 + b@2 \xc3\x97W\" in "
		"profiles, history and exports, with its own cut-off, fitted on the members' "
		"out-of-fold predictions of the customers they all predicted (without both "
		"defaulters and others among them: the weighted mean of their cut-off scores). "
		"The name's other serving version becomes a challenger. promote rules@N makes "
		"that rules version the one that serves. With --shadow a challenger stays a "
		"challenger and never serves, but every recompute also scores the customers of "
		"its segments with it, into shadow_scores (score, PD, band, its cut-off), for "
		"'swapset'; promoting or retiring it ends the shadow.",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_WRITES,
	.opts = promote_opts,
	.args = (const struct rd_arg[]){{.at = 0, .values = {.type = RD_ARG_MODEL}}, RD_ARGS_END},
	.exec = exec_promote,
};

const struct rd_cmd cmd_retire = {
	.name = "retire",
	.usage = "NAME[@VERSION]",
	.summary = "take a model version out of service (audited)",
	.help = "A retired version is kept for the record and never serves. The rules version "
		"that serves cannot be retired: it scores the segments no trained model serves; "
		"'rules import' or 'promote rules@N' replaces it first.",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_WRITES,
	.args = (const struct rd_arg[]){{.at = 0, .values = {.type = RD_ARG_MODEL}}, RD_ARGS_END},
	.exec = exec_retire,
};
