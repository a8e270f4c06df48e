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

static int exec_models(struct rd_ctx *ctx, const struct rd_args *a)
{
	(void)a;
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
	.usage = "",
	.summary = "the model registry: every version with its status, algorithm and metrics",
	.min_args = 0,
	.max_args = 0,
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
	enum rd_col_kind kinds[8];
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
};

/* A table of a trained model's specification, one row per binding of fmt, which formats
 * it as the other tables do (SQLite's round and printf). The values come from one pass of
 * json_tree over the columns, as json_extract gives them: a query over json_each re-read a
 * column's JSON once per bin or level (10,000 bins took 17 s). */
struct spec_walk {
	struct rd_ctx *ctx;
	const char *name;    /* the model */
	int version;
	sqlite3_stmt *fmt;
	sqlite3_int64 root, col, col_key;
	sqlite3_value *col_name;
};

static const char walk_sql[] =
	"SELECT j.id, j.parent, j.key, j.type, j.atom FROM models m,"
	" json_tree(m.spec, '$.columns') j WHERE m.name = ?1 AND m.version = ?2";

static int walk_begin(struct spec_walk *w, struct rd_ctx *ctx, const char *name, int version,
		      const char *table, const char *fmt, const enum rd_col_kind *kinds,
		      sqlite3_stmt **q)
{
	*w = (struct spec_walk){.ctx = ctx, .name = name, .version = version, .root = -1, .col = -1};
	if (store_prepare(ctx->store, fmt, &w->fmt, &ctx->err))
		return -1;
	if (store_prepare(ctx->store, walk_sql, q, &ctx->err)) {
		sqlite3_finalize(w->fmt);
		return -1;
	}
	sqlite3_bind_text(*q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(*q, 2, version);
	const char *cols[8];
	int n = sqlite3_column_count(w->fmt);
	for (int i = 0; i < n && i < 8; i++)
		cols[i] = sqlite3_column_name(w->fmt, i);
	sink_table_begin(ctx->out, table, n < 8 ? n : 8, cols, kinds);
	return 0;
}

/* Binds the column's name to ?1; when the name comes after the column's bins in the
 * document, it is looked up. */
static void walk_bind_name(struct spec_walk *w)
{
	sqlite3_stmt *s;
	if (!w->col_name &&
	    store_prepare(w->ctx->store,
			  "SELECT json_extract(spec, '$.columns[' || ?3 || '].name') FROM models"
			  " WHERE name = ?1 AND version = ?2", &s, &w->ctx->err) == 0) {
		sqlite3_bind_text(s, 1, w->name, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, w->version);
		sqlite3_bind_int64(s, 3, w->col_key);
		if (sqlite3_step(s) == SQLITE_ROW)
			w->col_name = sqlite3_value_dup(sqlite3_column_value(s, 0));
		sqlite3_finalize(s);
	}
	if (w->col_name)
		sqlite3_bind_value(w->fmt, 1, w->col_name);
}

static void walk_row(struct spec_walk *w)
{
	if (sqlite3_step(w->fmt) == SQLITE_ROW)
		cmd_emit_row(w->ctx, w->fmt);
	sqlite3_reset(w->fmt);
	sqlite3_clear_bindings(w->fmt);
}

static void walk_end(struct spec_walk *w, sqlite3_stmt *q)
{
	sink_table_end(w->ctx->out);
	sqlite3_finalize(w->fmt);
	sqlite3_finalize(q);
	sqlite3_value_free(w->col_name);
}

/* The row's node: 0 the columns array itself, 1 a column, 2 anything deeper (its parent's
 * id in *parent). */
static int walk_node(struct spec_walk *w, sqlite3_stmt *q, sqlite3_int64 *parent)
{
	*parent = sqlite3_column_type(q, 1) == SQLITE_NULL ? -1 : sqlite3_column_int64(q, 1);
	if (w->root < 0) {
		w->root = sqlite3_column_int64(q, 0);
		return 0;
	}
	return *parent == w->root ? 1 : 2;
}

/* Starts the column of the row (after the previous one's rows are out). */
static void walk_column(struct spec_walk *w, sqlite3_stmt *q)
{
	w->col = sqlite3_column_int64(q, 0);
	w->col_key = sqlite3_column_int64(q, 2);
	sqlite3_value_free(w->col_name);
	w->col_name = NULL;
}

/* A scorecard's bins, per column: the levels, the missing value, or (previous edge, edge]. */
struct bin_walk {
	sqlite3_int64 bins, bin, levels;
	sqlite3_value *hi, *prev_hi;
	int has_levels, nlevels;
	struct rd_buf lv;
};

static void bin_flush(struct spec_walk *w, struct bin_walk *b)
{
	if (b->bin < 0)
		return;
	walk_bind_name(w);
	sqlite3_bind_int(w->fmt, 3, b->has_levels);
	if (b->has_levels && b->nlevels)
		sqlite3_bind_text(w->fmt, 4, b->lv.data, (int)b->lv.len, SQLITE_STATIC);
	if (b->prev_hi)
		sqlite3_bind_value(w->fmt, 5, b->prev_hi);
	walk_row(w);
	sqlite3_value_free(b->prev_hi);
	b->prev_hi = b->hi;
	b->hi = NULL;
	b->bin = -1;
}

static void show_points(struct rd_ctx *ctx, const char *name, int version)
{
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_TEXT, COL_NUM, COL_NUM, COL_NUM, COL_NUM};
	static const char *const fields[] = {"missing", "hi", "goods", "bads", "woe", "points"};
	static const int params[] = {2, 6, 7, 8, 9, 10};
	struct spec_walk w;
	sqlite3_stmt *q;
	if (walk_begin(&w, ctx, name, version, "points",
		       "SELECT ?1 AS feature, CASE WHEN ?2 THEN 'missing' WHEN ?3 THEN ?4"
		       " ELSE printf('(%s, %s]', iif(?5 IS NULL, '-inf', printf('%.6g', ?5)),"
		       " iif(?6 IS NULL, 'inf', printf('%.6g', ?6))) END AS bin,"
		       " ?7 + ?8 AS customers, round(CAST(?8 AS REAL) / max(?7 + ?8, 1), 4) AS"
		       " bad_rate, round(?9, 4) AS woe, round(?10, 1) AS points",
		       kinds, &q))
		return;
	struct bin_walk b = {.bins = -1, .bin = -1, .levels = -1};
	while (sqlite3_step(q) == SQLITE_ROW) {
		sqlite3_int64 parent, id = sqlite3_column_int64(q, 0);
		const char *key = col_text(q, 2), *type = col_text(q, 3);
		sqlite3_value *v = sqlite3_column_value(q, 4);
		int node = walk_node(&w, q, &parent);
		if (node == 1) {
			bin_flush(&w, &b);
			sqlite3_value_free(b.prev_hi); /* the edges start again */
			b.prev_hi = NULL;
			b.bins = -1;
			walk_column(&w, q);
		} else if (node == 2 && parent == w.col) {
			if (strcmp(key, "name") == 0 && !w.col_name)
				w.col_name = sqlite3_value_dup(v);
			else if (strcmp(key, "bins") == 0 && strcmp(type, "array") == 0)
				b.bins = id;
		} else if (node == 2 && parent == b.bins) {
			bin_flush(&w, &b);
			b.bin = id;
			b.has_levels = b.nlevels = 0;
			b.levels = -1;
			buf_reset(&b.lv);
		} else if (node == 2 && b.bin >= 0 && parent == b.bin) {
			if (strcmp(key, "levels") == 0) {
				b.has_levels = strcmp(type, "null") != 0;
				b.levels = id;
			}
			for (int f = 0; f < 6; f++) {
				if (strcmp(key, fields[f]) == 0) {
					sqlite3_bind_value(w.fmt, params[f], v);
					if (f == 1 && !b.hi)
						b.hi = sqlite3_value_dup(v);
				}
			}
		} else if (node == 2 && b.levels >= 0 && parent == b.levels) {
			const unsigned char *text = sqlite3_value_text(v);
			if (b.nlevels++)
				buf_putc(&b.lv, ',');
			buf_puts(&b.lv, text ? (const char *)text : "");
		}
	}
	bin_flush(&w, &b);
	sqlite3_value_free(b.prev_hi);
	sqlite3_value_free(b.hi);
	buf_free(&b.lv);
	walk_end(&w, q);
}

/* A logit's weights: one row per level of a categorical, one per numeric. */
struct weight_walk {
	sqlite3_int64 levels, weights;
	sqlite3_value *stats[3]; /* weight, mean, sd */
	sqlite3_value **lv, **wv;
	size_t nl, nw, capl, capw;
};

static void weight_flush(struct spec_walk *w, struct weight_walk *c)
{
	if (w->col < 0)
		return;
	for (size_t i = 0; i < (c->nl ? c->nl : 1); i++) {
		walk_bind_name(w);
		if (c->nl)
			sqlite3_bind_value(w->fmt, 2, c->lv[i]);
		if (c->nl && i < c->nw)
			sqlite3_bind_value(w->fmt, 3, c->wv[i]);
		for (int k = 0; k < 3; k++)
			if (c->stats[k])
				sqlite3_bind_value(w->fmt, 4 + k, c->stats[k]);
		walk_row(w);
	}
	for (size_t i = 0; i < c->nl; i++)
		sqlite3_value_free(c->lv[i]);
	for (size_t i = 0; i < c->nw; i++)
		sqlite3_value_free(c->wv[i]);
	for (int k = 0; k < 3; k++) {
		sqlite3_value_free(c->stats[k]);
		c->stats[k] = NULL;
	}
	c->nl = c->nw = 0;
	c->levels = c->weights = -1;
}

static void push_value(sqlite3_value ***a, size_t *n, size_t *cap, sqlite3_value *v)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		*a = rd_realloc(*a, *cap * sizeof **a);
	}
	(*a)[(*n)++] = sqlite3_value_dup(v);
}

static void show_weights(struct rd_ctx *ctx, const char *name, int version)
{
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_TEXT, COL_NUM, COL_NUM, COL_NUM};
	static const char *const stats[] = {"weight", "mean", "sd"};
	struct spec_walk w;
	sqlite3_stmt *q;
	if (walk_begin(&w, ctx, name, version, "weights",
		       "SELECT ?1 AS feature, ?2 AS level, round(coalesce(?3, ?4), 4) AS weight,"
		       " round(?5, 4) AS mean, round(?6, 4) AS sd",
		       kinds, &q))
		return;
	struct weight_walk c = {.levels = -1, .weights = -1};
	while (sqlite3_step(q) == SQLITE_ROW) {
		sqlite3_int64 parent, id = sqlite3_column_int64(q, 0);
		const char *key = col_text(q, 2), *type = col_text(q, 3);
		sqlite3_value *v = sqlite3_column_value(q, 4);
		int node = walk_node(&w, q, &parent);
		if (node == 1) {
			weight_flush(&w, &c);
			walk_column(&w, q);
		} else if (node == 2 && parent == w.col) {
			if (strcmp(key, "name") == 0 && !w.col_name)
				w.col_name = sqlite3_value_dup(v);
			else if (strcmp(key, "levels") == 0 && strcmp(type, "array") == 0)
				c.levels = id;
			else if (strcmp(key, "weights") == 0 && strcmp(type, "array") == 0)
				c.weights = id;
			for (int k = 0; k < 3; k++)
				if (strcmp(key, stats[k]) == 0 && !c.stats[k])
					c.stats[k] = sqlite3_value_dup(v);
		} else if (node == 2 && parent == c.levels) {
			push_value(&c.lv, &c.nl, &c.capl, v);
		} else if (node == 2 && parent == c.weights) {
			push_value(&c.wv, &c.nw, &c.capw, v);
		}
	}
	weight_flush(&w, &c);
	free(c.lv);
	free(c.wv);
	walk_end(&w, q);
}

static void show_trained(struct rd_ctx *ctx, const char *name, int version, const char *algo)
{
	/* The spec's small members, numbers as written (SQLite keeps their text). */
	sqlite3_stmt *s;
	cJSON *doc = NULL;
	if (store_prepare(ctx->store,
			  "SELECT json_remove(spec, '$.columns', '$.booster') FROM models"
			  " WHERE name = ?1 AND version = ?2", &s, &ctx->err) == 0) {
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, version);
		if (sqlite3_step(s) == SQLITE_ROW)
			doc = cJSON_Parse(col_text(s, 0));
		sqlite3_finalize(s);
	}
	const cJSON *base = cJSON_GetObjectItemCaseSensitive(doc, "base_points");
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(doc, "params"), *p;
	char v[32];
	if (cJSON_IsNumber(base)) {
		/* A scorecard's score is the base points plus the points of each bin. */
		snprintf(v, sizeof v, "%.1f", base->valuedouble);
		sink_field(ctx->out, "model", "base_points", v, COL_NUM);
	}
	cJSON_ArrayForEach(p, params)
	{
		if (cJSON_IsNumber(p))
			num_format(p->valuedouble, v, sizeof v);
		else
			snprintf(v, sizeof v, "%s", cJSON_IsString(p) ? p->valuestring : "");
		sink_field(ctx->out, "params", p->string, v, cJSON_IsNumber(p) ? COL_NUM : COL_TEXT);
	}
	cJSON_Delete(doc);
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
		show_points(ctx, name, version);
	else if (strcmp(algo, "logit") == 0)
		show_weights(ctx, name, version);
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
	for (int i = 0; i < 3 && cJSON_IsString(algo); i++)
		is_trained |= strcmp(algo->valuestring, model_algo_names[i]) == 0;
	if (!is_rules && !is_trained) {
		rd_err_set(&ctx->err, "%s: algo '%.40s' is not rules, logit, scorecard or xgb", path,
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
