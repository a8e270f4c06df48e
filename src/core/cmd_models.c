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
#include "riskdesk/engine.h"
#include "riskdesk/jsondoc.h"
#include "riskdesk/model.h"
#include "riskdesk/score.h"

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
			  " json_extract(metrics, '$.auc') AS auc, json_extract(metrics, '$.ks') AS ks,"
			  " created_at FROM models ORDER BY name, version",
			  &s, &ctx->err))
		return RD_FAILED;
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_NUM, COL_TEXT, COL_TEXT, COL_TEXT,
						 COL_NUM,  COL_NUM, COL_NUM,  COL_TEXT};
	int rc = cmd_emit_rows(ctx, s, "models", kinds);
	sqlite3_finalize(s);
	return rc ? RD_FAILED : RD_OK;
}

const struct rd_cmd cmd_models = {
	.name = "models",
	.usage = "[compare [NAME[@VERSION]...]]",
	.summary = "the model registry: every version with its status, algorithm and metrics",
	.help = "'models compare' puts trained models side by side as a validation report wants "
		"them: fold-mean AUC and its spread, out-of-fold AUC, KS, Brier score, mean PD "
		"against the observed bad rate, the largest PD-decile calibration gap and the "
		"training times, best AUC first (default: the newest version of every trained "
		"model). folds_id tells whether they were cross-validated on the same rows and folds.",
	.min_args = 0,
	.max_args = -1,
	.exec = exec_models,
};

/* The metrics object's numbers as fields. */
static void show_metrics(struct rd_ctx *ctx, const char *json)
{
	cJSON *o = cJSON_Parse(json), *f;
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
	const char *sql;  /* ?1 name, ?2 version */
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
	 "SELECT json_extract(j.value, '$.name') AS feature, json_extract(j.value, '$.type') AS type,"
	 " json_extract(j.value, '$.bins') AS bins, round(json_extract(j.value, '$.iv'), 4) AS iv,"
	 " round(json_extract(j.value, '$.iv_raw'), 4) AS iv_raw,"
	 " CASE WHEN json_extract(j.value, '$.iv') < 0.02 THEN 'useless'"
	 " WHEN json_extract(j.value, '$.iv') < 0.1 THEN 'weak'"
	 " WHEN json_extract(j.value, '$.iv') < 0.3 THEN 'medium'"
	 " WHEN json_extract(j.value, '$.iv') < 0.5 THEN 'strong' ELSE 'very strong' END AS power"
	 " FROM models m, json_each(m.metrics, '$.iv') j WHERE m.name = ?1 AND m.version = ?2"
	 " ORDER BY json_extract(j.value, '$.iv') DESC",
	 {COL_TEXT, COL_TEXT, COL_NUM, COL_NUM, COL_NUM, COL_TEXT}},
	{"tuning",
	 "SELECT json_extract(j.value, '$.depth') AS depth, json_extract(j.value, '$.eta') AS eta,"
	 " json_extract(j.value, '$.min_child') AS min_child,"
	 " json_extract(j.value, '$.subsample') AS subsample,"
	 " json_extract(j.value, '$.trees') AS trees, round(json_extract(j.value, '$.auc'), 4) AS auc,"
	 " round(json_extract(j.value, '$.auc_sd'), 4) AS auc_sd,"
	 " round(json_extract(j.value, '$.seconds'), 2) AS seconds,"
	 " iif(json_extract(j.value, '$.chosen'), '*', '') AS chosen"
	 " FROM models m, json_each(m.metrics, '$.tuning') j WHERE m.name = ?1 AND m.version = ?2",
	 {COL_NUM, COL_NUM, COL_NUM, COL_NUM, COL_NUM, COL_NUM, COL_NUM, COL_NUM, COL_TEXT}},
};

/* The spec's tables (points, weights) are formatted here as the SQL tables above are by
 * SQLite: round(x, n) is SQLite's (its printf's "%.nf" read back), labels use its printf.
 * One parse of the stored spec, then a pass over the columns: a scorecard of 500,000 bins
 * shows in about a second where SQL's json_tree took several. */
static double sql_round(double x, int n)
{
	char buf[64];
	if (x < -4503599627370496.0 || x > 4503599627370496.0)
		return x; /* no fractional part: SQLite returns it unchanged */
	sqlite3_snprintf(sizeof buf, buf, "%.*f", n, x);
	return strtod(buf, NULL);
}

/* A cell of a number as cmd_emit_row shows a REAL; "" for no number (SQL's NULL). */
static const char *num_cell(const cJSON *v, int round_to, char *buf, size_t n)
{
	if (!cJSON_IsNumber(v))
		return "";
	num_format(sql_round(v->valuedouble, round_to), buf, n);
	return buf;
}

static const cJSON *member(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static void edge_text(const cJSON *edge, const char *open, char *buf, size_t n)
{
	if (cJSON_IsNumber(edge))
		sqlite3_snprintf((int)n, buf, "%.6g", edge->valuedouble);
	else
		snprintf(buf, n, "%s", open);
}

/* A scorecard's bins, per column: the levels, "missing", or (previous bin's hi, hi]. */
static void show_points(struct rd_ctx *ctx, const cJSON *columns)
{
	static const char *const cols[] = {"feature", "bin", "customers", "bad_rate", "woe", "points"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_TEXT, COL_NUM, COL_NUM, COL_NUM, COL_NUM};
	struct rd_buf label = {0};
	const cJSON *col, *bin;
	sink_table_begin(ctx->out, "points", 6, cols, kinds);
	cJSON_ArrayForEach(col, columns)
	{
		const cJSON *name = member(col, "name"), *prev_hi = NULL;
		cJSON_ArrayForEach(bin, member(col, "bins"))
		{
			const cJSON *missing = member(bin, "missing"), *levels = member(bin, "levels");
			const cJSON *hi = member(bin, "hi"), *goods = member(bin, "goods");
			const cJSON *bads = member(bin, "bads"), *level;
			char lo_s[64], hi_s[64], customers[32] = "", bad_rate[32] = "", woe[32], points[32];
			buf_reset(&label);
			if (cJSON_IsTrue(missing) || (cJSON_IsNumber(missing) && missing->valuedouble != 0)) {
				buf_puts(&label, "missing");
			} else if (levels && !cJSON_IsNull(levels)) {
				int k = 0;
				cJSON_ArrayForEach(level, levels)
				{
					if (k++)
						buf_putc(&label, ',');
					buf_puts(&label, cJSON_IsString(level) ? level->valuestring : "");
				}
			} else {
				edge_text(prev_hi, "-inf", lo_s, sizeof lo_s);
				edge_text(hi, "inf", hi_s, sizeof hi_s);
				buf_printf(&label, "(%s, %s]", lo_s, hi_s);
			}
			if (cJSON_IsNumber(goods) && cJSON_IsNumber(bads)) {
				double n = goods->valuedouble + bads->valuedouble;
				num_format(n, customers, sizeof customers);
				num_format(sql_round(bads->valuedouble / (n > 1 ? n : 1), 4), bad_rate,
					   sizeof bad_rate);
			}
			const char *row[] = {cJSON_IsString(name) ? name->valuestring : "",
					     label.data ? label.data : "",
					     customers,
					     bad_rate,
					     num_cell(member(bin, "woe"), 4, woe, sizeof woe),
					     num_cell(member(bin, "points"), 1, points, sizeof points)};
			sink_row(ctx->out, row);
			prev_hi = hi;
		}
	}
	sink_table_end(ctx->out);
	buf_free(&label);
}

/* A logit's weights: one row per level of a categorical, one per numeric. */
static void show_weights(struct rd_ctx *ctx, const cJSON *columns)
{
	static const char *const cols[] = {"feature", "level", "weight", "mean", "sd"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_TEXT, COL_NUM, COL_NUM, COL_NUM};
	const cJSON *col;
	sink_table_begin(ctx->out, "weights", 5, cols, kinds);
	cJSON_ArrayForEach(col, columns)
	{
		const cJSON *name = member(col, "name"), *levels = member(col, "levels");
		const cJSON *weights = member(col, "weights");
		int nlevels = cJSON_IsArray(levels) ? cJSON_GetArraySize(levels) : 0;
		const cJSON *level = nlevels ? levels->child : NULL;
		const cJSON *weight = cJSON_IsArray(weights) ? weights->child : NULL;
		char w[32], mean[32], sd[32];
		for (int i = 0; i < (nlevels ? nlevels : 1); i++) {
			const cJSON *wv = nlevels && weight ? weight : member(col, "weight");
			const char *row[] = {cJSON_IsString(name) ? name->valuestring : "",
					     cJSON_IsString(level) ? level->valuestring : "",
					     num_cell(wv, 4, w, sizeof w),
					     num_cell(member(col, "mean"), 4, mean, sizeof mean),
					     num_cell(member(col, "sd"), 4, sd, sizeof sd)};
			sink_row(ctx->out, row);
			level = level ? level->next : NULL;
			weight = weight ? weight->next : NULL;
		}
	}
	sink_table_end(ctx->out);
}

static void show_trained(struct rd_ctx *ctx, const char *name, int version, const char *algo)
{
	sqlite3_stmt *s;
	cJSON *spec = NULL;
	if (store_prepare(ctx->store, "SELECT spec FROM models WHERE name = ?1 AND version = ?2",
			  &s, &ctx->err) == 0) {
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, version);
		if (sqlite3_step(s) == SQLITE_ROW)
			spec = cJSON_ParseWithLength(col_text(s, 0), (size_t)sqlite3_column_bytes(s, 0));
		sqlite3_finalize(s);
	}
	const cJSON *base = member(spec, "base_points"), *p;
	char v[32];
	if (cJSON_IsNumber(base)) {
		/* A scorecard's score is the base points plus the points of each bin. */
		snprintf(v, sizeof v, "%.1f", base->valuedouble);
		sink_field(ctx->out, "model", "base_points", v, COL_NUM);
	}
	cJSON_ArrayForEach(p, member(spec, "params"))
	{
		if (cJSON_IsNumber(p))
			num_format(p->valuedouble, v, sizeof v);
		else
			snprintf(v, sizeof v, "%s", cJSON_IsString(p) ? p->valuestring : "");
		sink_field(ctx->out, "params", p->string, v, cJSON_IsNumber(p) ? COL_NUM : COL_TEXT);
	}
	for (size_t t = 0; t < sizeof model_tables / sizeof *model_tables; t++) {
		const struct model_table *mt = &model_tables[t];
		if (store_prepare(ctx->store, mt->sql, &s, &ctx->err))
			continue;
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, version);
		cmd_emit_rows(ctx, s, mt->name, mt->kinds);
		sqlite3_finalize(s);
	}
	if (strcmp(algo, "scorecard") == 0)
		show_points(ctx, member(spec, "columns"));
	else if (strcmp(algo, "logit") == 0)
		show_weights(ctx, member(spec, "columns"));
	cJSON_Delete(spec);
}

static int model_show(struct rd_ctx *ctx, const char *ref)
{
	char name[128];
	int version;
	if (resolve(ctx, ref, name, sizeof name, &version))
		return RD_FAILED;
	sqlite3_stmt *s;
	if (store_prepare(ctx->store,
			  "SELECT algo, segment, status, weight, created_at, iif(algo = 'rules', spec, NULL),"
			  " metrics FROM models"
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
		if (sqlite3_column_type(s, 6) != SQLITE_NULL)
			show_metrics(ctx, col_text(s, 6));
		struct rules_model rm;
		struct rd_err ignore;
		if (strcmp(col_text(s, 0), "rules") == 0 && rules_parse(col_text(s, 5), &rm, &ignore) == 0)
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
			  "SELECT algo, segment, weight, spec, metrics, reference, created_at FROM models"
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
				   sqlite3_column_type(s, 3 + i) == SQLITE_NULL ? "null"
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
			  "SELECT iif(json_type(?1, '$.spec') = 'object', json_extract(?1, '$.spec'), NULL),"
			  " iif(json_type(?1, '$.metrics') = 'object', json_extract(?1, '$.metrics'), NULL),"
			  " iif(json_type(?1, '$.reference') = 'object', json_extract(?1, '$.reference'),"
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
	if (!cJSON_IsObject(doc) || !cJSON_IsString(fmt) || strcmp(fmt->valuestring, MODEL_FORMAT)) {
		rd_err_set(&ctx->err, "%s: not a riskdesk model file (format %s)", path, MODEL_FORMAT);
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
		rd_err_set(&ctx->err, "%s: algo '%.40s' is not rules, logit, scorecard, xgb or rf", path,
			   cJSON_IsString(algo) ? algo->valuestring : "?");
		goto out;
	}
	if (is_rules != (strcmp(name->valuestring, "rules") == 0)) {
		/* The rules scorecard is one model with versions: the fallback. */
		rd_err_set(&ctx->err, is_rules ? "%s: a rules model is a version of 'rules', not '%s'"
					       : "%s: the name 'rules' belongs to the rules model, not %.40s",
			   path, is_rules ? name->valuestring : algo->valuestring);
		goto out;
	}
	const char *seg = cJSON_IsString(segment) ? segment->valuestring : "all";
	if (strcmp(seg, "all") && strcmp(seg, "new") && strcmp(seg, "existing")) {
		rd_err_set(&ctx->err, "%s: segment '%.40s' is not all, new or existing", path, seg);
		goto out;
	}
	char what[PATH_MAX + 16];
	snprintf(what, sizeof what, "%s: 'weight'", path);
	if (weight && model_weight_check(cJSON_IsNumber(weight) ? weight->valuedouble : NAN, what,
					 &ctx->err))
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
		rd_err_set(&ctx->err, "%s: 'algo' is %.40s but the spec is %s", path, algo->valuestring,
			   model_algo_names[tm->algo]);
		model_free(tm);
		goto out;
	}
	model_free(tm);
	char now[21];
	now_iso(now);
	if (store_begin(ctx->store, &ctx->err) ||
	    store_prepare(ctx->store,
			  "INSERT INTO models(name, version, algo, segment, status, weight, spec, metrics,"
			  " reference, created_at) SELECT ?1, coalesce(max(version), 0) + 1, ?2, ?3,"
			  " 'challenger', ?4, ?5, ?6, ?7, ?8 FROM models WHERE name = ?1",
			  &s, &ctx->err))
		goto out;
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
	int version = (int)store_int(ctx->store, "SELECT max(version) FROM models WHERE rowid ="
						 " last_insert_rowid()", 0);
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

static int exec_model(struct rd_ctx *ctx, const struct rd_args *a)
{
	if (a->argc == 1 && strcmp(a->argv[0], "export") && strcmp(a->argv[0], "import"))
		return model_show(ctx, a->argv[0]);
	if (a->argc == 3 && strcmp(a->argv[0], "export") == 0)
		return model_export(ctx, a->argv[1], a->argv[2]);
	if (a->argc == 2 && strcmp(a->argv[0], "import") == 0)
		return model_import(ctx, a->argv[1]);
	rd_err_set(&ctx->err, "usage: model NAME[@VERSION] | model export NAME[@VERSION] FILE |"
			      " model import FILE");
	return RD_USAGE;
}

static const char *const model_writing[] = {"import", NULL};

const struct rd_cmd cmd_model = {
	.name = "model",
	.usage = "NAME[@VERSION] | export NAME[@VERSION] FILE | import FILE",
	.summary = "one model's details; or write it to / read it from one JSON file",
	.min_args = 1,
	.max_args = 3,
	.writing_subcommands = model_writing,
	.exec = exec_model,
};

static const char *segment_of(struct rd_ctx *ctx, const char *name, int version)
{
	static char seg[16];
	sqlite3_stmt *s;
	snprintf(seg, sizeof seg, "all");
	if (store_prepare(ctx->store, "SELECT segment FROM models WHERE name = ?1 AND version = ?2",
			  &s, &ctx->err) == 0) {
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, version);
		if (sqlite3_step(s) == SQLITE_ROW)
			snprintf(seg, sizeof seg, "%s", col_text(s, 0));
		sqlite3_finalize(s);
	}
	return seg;
}

static double weight_of(struct rd_ctx *ctx, const char *name, int version)
{
	sqlite3_stmt *s;
	double w = 1;
	if (store_prepare(ctx->store, "SELECT weight FROM models WHERE name = ?1 AND version = ?2",
			  &s, &ctx->err) == 0) {
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, version);
		if (sqlite3_step(s) == SQLITE_ROW)
			w = sqlite3_column_double(s, 0);
		sqlite3_finalize(s);
	}
	return w;
}

/* Whether promoting name@version would give a segment more champions than the engine
 * combines; sets the error when so. */
static int champions_would_exceed(struct rd_ctx *ctx, const char *name, int version)
{
	sqlite3_stmt *s;
	if (store_prepare(ctx->store,
			  "SELECT count(*) FROM models m, models p WHERE p.name = ?1 AND p.version = ?2"
			  " AND m.status = 'champion' AND m.algo != 'rules' AND m.name != ?1"
			  " AND (m.segment = 'all' OR p.segment = 'all' OR m.segment = p.segment)",
			  &s, &ctx->err))
		return 1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, version);
	int n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_finalize(s);
	if (n + 1 > ENGINE_MAX_CHAMPIONS) {
		rd_err_set(&ctx->err, "promote: a segment can have at most %d champions; retire one"
				      " first", ENGINE_MAX_CHAMPIONS);
		return 1;
	}
	return 0;
}

/* Sets a version's status in one transaction; promoting makes the name's other live
 * version a challenger (one serving version per name) and, with weight > 0, sets its
 * share in its segment's weighted mean. */
static int set_status(struct rd_ctx *ctx, const char *ref, const char *to, double weight)
{
	char name[128];
	int version, status = RD_FAILED;
	if (resolve(ctx, ref, name, sizeof name, &version))
		return RD_FAILED;
	sqlite3_stmt *s = NULL;
	if (strcmp(to, "retired") == 0 && strcmp(name, "rules") == 0 &&
	    store_int(ctx->store, "SELECT count(*) FROM models WHERE name = 'rules'"
				  " AND status = 'champion'", 0) <= 1) {
		sqlite3_stmt *q;
		int is_champion = 0;
		if (store_prepare(ctx->store,
				  "SELECT status = 'champion' FROM models WHERE name = 'rules' AND"
				  " version = ?1", &q, &ctx->err) == 0) {
			sqlite3_bind_int(q, 1, version);
			is_champion = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0);
			sqlite3_finalize(q);
		}
		if (is_champion) {
			rd_err_set(&ctx->err, "retire: rules@%d is the fallback that scores when no trained"
					      " model serves; import or promote another rules version first",
				   version);
			return RD_FAILED;
		}
	}
	if (store_begin(ctx->store, &ctx->err))
		return RD_FAILED;
	if (weight > 0) {
		if (store_prepare(ctx->store, "UPDATE models SET weight = ?3 WHERE name = ?1 AND"
					      " version = ?2", &s, &ctx->err))
			goto out;
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, version);
		sqlite3_bind_double(s, 3, weight);
		if (sqlite3_step(s) != SQLITE_DONE) {
			store_fail(ctx->store, &ctx->err, to);
			goto out;
		}
		sqlite3_finalize(s);
		s = NULL;
	}
	if (strcmp(to, "champion") == 0 && strcmp(name, "rules") != 0 &&
	    champions_would_exceed(ctx, name, version))
		goto out;
	if (strcmp(to, "champion") == 0) {
		if (store_prepare(ctx->store,
				  "UPDATE models SET status = 'challenger' WHERE name = ?1 AND version != ?2"
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
	if (store_prepare(ctx->store, "UPDATE models SET status = ?3 WHERE name = ?1 AND version = ?2",
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
	if (strcmp(to, "champion") == 0 && strcmp(name, "rules") != 0)
		sink_message(ctx->out, "%s@%d is now champion of segment %s (weight %g);"
				       " 'recompute all' rescores with it",
			     name, version, segment_of(ctx, name, version), weight_of(ctx, name, version));
	else
		sink_message(ctx->out, "%s@%d is now %s%s", name, version, to,
			     strcmp(to, "champion") == 0 ? "; 'recompute all' rescores with it" : "");
	status = RD_OK;
out:
	sqlite3_finalize(s);
	store_rollback(ctx->store);
	return status;
}

static int exec_promote(struct rd_ctx *ctx, const struct rd_args *a)
{
	const char *w = args_opt(a, "weight");
	double weight = 0;
	if (w) {
		char *end;
		weight = strtod(w, &end);
		if (*end || end == w)
			weight = NAN;
		if (model_weight_check(weight, "promote: --weight", &ctx->err))
			return RD_USAGE;
	}
	return set_status(ctx, a->argv[0], "champion", weight);
}

static int exec_retire(struct rd_ctx *ctx, const struct rd_args *a)
{
	return set_status(ctx, a->argv[0], "retired", 0);
}

static const struct rd_opt promote_opts[] = {
	{"weight", "W", "its share in the segment's weighted mean of champions (default 1)"},
	{NULL, NULL, NULL},
};

const struct rd_cmd cmd_promote = {
	.name = "promote",
	.usage = "NAME[@VERSION] [--weight W]",
	.summary = "make a model version a champion of its segment (audited)",
	.help = "A trained champion serves the customers of its segment (new: fewer than 3 "
		"delivered orders; existing; or all). With several champions in a segment the "
		"score is their weighted mean; with none, the rules model serves. The name's other "
		"serving version becomes a challenger.",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_WRITES,
	.opts = promote_opts,
	.exec = exec_promote,
};

const struct rd_cmd cmd_retire = {
	.name = "retire",
	.usage = "NAME[@VERSION]",
	.summary = "take a model version out of service (audited)",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_WRITES,
	.exec = exec_retire,
};
