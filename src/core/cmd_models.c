/* The model registry: models, model NAME[@VERSION] (and model export/import),
 * promote, retire. Every change is audited by cmd_run_line. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_util.h"
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

static void show_rules_terms(struct rd_ctx *ctx, const char *spec)
{
	struct rules_model m;
	struct rd_err err;
	if (rules_parse(spec, &m, &err))
		return;
	static const char *const cols[] = {"feature", "divisor", "weight", "cap", "code"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_NUM, COL_NUM, COL_NUM, COL_TEXT};
	sink_table_begin(ctx->out, "terms", 5, cols, kinds);
	for (int i = 0; i < m.nterms; i++) {
		char d[32], w[32], c[32] = "";
		num_format(m.terms[i].divisor, d, sizeof d);
		num_format(m.terms[i].weight, w, sizeof w);
		if (m.terms[i].has_cap)
			num_format(m.terms[i].cap, c, sizeof c);
		const char *row[] = {feature_names[m.terms[i].feature], d, w, c, m.terms[i].code};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);
}

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

static int model_show(struct rd_ctx *ctx, const char *ref)
{
	char name[128];
	int version;
	if (resolve(ctx, ref, name, sizeof name, &version))
		return RD_FAILED;
	sqlite3_stmt *s;
	if (store_prepare(ctx->store,
			  "SELECT algo, segment, status, weight, created_at, spec, metrics FROM models"
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
		if (strcmp(col_text(s, 0), "rules") == 0)
			show_rules_terms(ctx, col_text(s, 5));
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
	cJSON *doc = cJSON_CreateObject();
	if (sqlite3_step(s) == SQLITE_ROW) {
		cJSON_AddStringToObject(doc, "format", MODEL_FORMAT);
		cJSON_AddStringToObject(doc, "name", name);
		cJSON_AddNumberToObject(doc, "version", version);
		cJSON_AddStringToObject(doc, "algo", col_text(s, 0));
		cJSON_AddStringToObject(doc, "segment", col_text(s, 1));
		cJSON_AddNumberToObject(doc, "weight", sqlite3_column_double(s, 2));
		static const char *const json_cols[] = {"spec", "metrics", "reference"};
		for (int i = 0; i < 3; i++) {
			cJSON *v = sqlite3_column_type(s, 3 + i) == SQLITE_NULL
					   ? cJSON_CreateNull()
					   : cJSON_Parse(col_text(s, 3 + i));
			cJSON_AddItemToObject(doc, json_cols[i], v ? v : cJSON_CreateNull());
		}
		cJSON_AddStringToObject(doc, "created_at", col_text(s, 6));
	}
	sqlite3_finalize(s);
	char *text = cJSON_Print(doc);
	cJSON_Delete(doc);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t n = text ? strlen(text) : 0;
	if (!text || fd < 0 || write(fd, text, n) != (ssize_t)n || write(fd, "\n", 1) != 1 ||
	    fsync(fd)) {
		rd_err_set(&ctx->err, "model export: %s: %s", path, strerror(errno));
	} else {
		sink_message(ctx->out, "%s@%d written to %s", name, version, path);
		status = RD_OK;
	}
	if (fd >= 0)
		close(fd);
	cJSON_free(text);
	return status;
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
	doc = cJSON_Parse(text.data);
	const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(doc, "format");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(doc, "name");
	const cJSON *algo = cJSON_GetObjectItemCaseSensitive(doc, "algo");
	const cJSON *segment = cJSON_GetObjectItemCaseSensitive(doc, "segment");
	const cJSON *weight = cJSON_GetObjectItemCaseSensitive(doc, "weight");
	const cJSON *jspec = cJSON_GetObjectItemCaseSensitive(doc, "spec");
	if (!cJSON_IsObject(doc) || !cJSON_IsString(fmt) || strcmp(fmt->valuestring, MODEL_FORMAT)) {
		rd_err_set(&ctx->err, "%s: not a riskdesk model file (format %s)", path, MODEL_FORMAT);
		goto out;
	}
	if (!cJSON_IsString(name) || !*name->valuestring || strchr(name->valuestring, '@') ||
	    strlen(name->valuestring) > 100) {
		rd_err_set(&ctx->err, "%s: 'name' must be a model name", path);
		goto out;
	}
	if (!cJSON_IsString(algo) || strcmp(algo->valuestring, "rules") != 0) {
		/* Trained algorithms arrive with the model lab. */
		rd_err_set(&ctx->err, "%s: algo '%s' cannot be scored by this riskdesk (rules)", path,
			   cJSON_IsString(algo) ? algo->valuestring : "?");
		goto out;
	}
	if (strcmp(name->valuestring, "rules") != 0) {
		/* The rules scorecard is one model with versions: the fallback. */
		rd_err_set(&ctx->err, "%s: a rules model is a version of 'rules', not '%s'", path,
			   name->valuestring);
		goto out;
	}
	const char *seg = cJSON_IsString(segment) ? segment->valuestring : "all";
	if (strcmp(seg, "all") && strcmp(seg, "new") && strcmp(seg, "existing")) {
		rd_err_set(&ctx->err, "%s: segment '%s' is not all, new or existing", path, seg);
		goto out;
	}
	if (weight && (!cJSON_IsNumber(weight) || !(weight->valuedouble > 0))) {
		rd_err_set(&ctx->err, "%s: 'weight' must be a number > 0", path);
		goto out;
	}
	spec = jspec ? cJSON_PrintUnformatted(jspec) : NULL;
	struct rules_model m;
	struct rd_err perr;
	if (!spec || rules_parse(spec, &m, &perr)) {
		rd_err_set(&ctx->err, "%s: spec: %s", path, spec ? perr.msg : "missing");
		goto out;
	}
	const cJSON *jm = cJSON_GetObjectItemCaseSensitive(doc, "metrics");
	const cJSON *jr = cJSON_GetObjectItemCaseSensitive(doc, "reference");
	metrics = cJSON_IsObject(jm) ? cJSON_PrintUnformatted(jm) : NULL;
	reference = cJSON_IsObject(jr) ? cJSON_PrintUnformatted(jr) : NULL;
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
	cJSON_free(spec);
	cJSON_free(metrics);
	cJSON_free(reference);
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

/* Sets a version's status in one transaction; promoting makes the name's other live
 * version a challenger (one serving version per name). */
static int set_status(struct rd_ctx *ctx, const char *ref, const char *to)
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
	if (strcmp(to, "champion") == 0 && strcmp(name, "rules") != 0) {
		/* Trained models are registered and measured now; the engine scores them once
		 * the model lab's scoring lands, and promoting before that would be a lie. */
		rd_err_set(&ctx->err, "promote: %s@%d cannot serve yet: this riskdesk scores with the"
				      " rules model only", name, version);
		return RD_FAILED;
	}
	if (store_begin(ctx->store, &ctx->err))
		return RD_FAILED;
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
	return set_status(ctx, a->argv[0], "champion");
}

static int exec_retire(struct rd_ctx *ctx, const struct rd_args *a)
{
	return set_status(ctx, a->argv[0], "retired");
}

const struct rd_cmd cmd_promote = {
	.name = "promote",
	.usage = "NAME[@VERSION]",
	.summary = "make a model version a champion of its segment (audited)",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_WRITES,
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
