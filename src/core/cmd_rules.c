/* rules, rules export FILE, rules import FILE: the rules model's JSON specification. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_util.h"
#include "riskdesk/afile.h"
#include "riskdesk/jsondoc.h"
#include "riskdesk/score.h"

#define RULES_FILE_MAX (1 << 20)

/* The champion rules version's spec (caller frees) and version. NULL with err. */
static char *current_rules(struct rd_ctx *ctx, int *version)
{
	sqlite3_stmt *s;
	char *spec = NULL;
	if (store_prepare(ctx->store,
			  "SELECT spec, version FROM models WHERE algo = 'rules' AND status = "
			  "'champion'"
			  " ORDER BY version DESC LIMIT 1",
			  &s, &ctx->err))
		return NULL;
	if (sqlite3_step(s) == SQLITE_ROW) {
		spec = rd_strdup(col_text(s, 0));
		*version = sqlite3_column_int(s, 1);
	} else {
		rd_err_set(&ctx->err, "rules: no rules model is champion");
	}
	sqlite3_finalize(s);
	return spec;
}

static int rules_show(struct rd_ctx *ctx)
{
	int version;
	struct rules_model m;
	char *spec = current_rules(ctx, &version);
	if (!spec)
		return RD_FAILED;
	int rc = rules_parse(spec, &m, &ctx->err);
	free(spec);
	if (rc)
		return RD_FAILED;
	sink_fieldf(ctx->out, "rules", "version", COL_NUM, "%d", version);
	sink_fieldf(ctx->out, "rules", "baseline", COL_NUM, "%g", m.baseline);
	cmd_rules_terms(ctx, &m);
	return RD_OK;
}

static int rules_export(struct rd_ctx *ctx, const char *path)
{
	int version;
	char *spec = current_rules(ctx, &version);
	if (!spec)
		return RD_FAILED;
	int status = RD_FAILED;
	struct rd_err ferr;
	struct afile *f = afile_open(path, &ferr);
	if (f)
		afile_write(f, spec, strlen(spec)); /* a failure is reported by the commit */
	if (!f || afile_commit(f, &ferr)) {
		rd_err_set(&ctx->err, "rules export: %s", ferr.msg);
	} else {
		sink_message(ctx->out, "rules v%d written to %s", version, path);
		status = RD_OK;
	}
	free(spec);
	return status;
}

static int rules_import(struct rd_ctx *ctx, const char *path)
{
	struct rules_model m;
	struct rd_err perr;
	struct rd_buf text = {0};
	int rc = text_file_read(path, RULES_FILE_MAX, &text, &ctx->err);
	if (rc == 1)
		rd_err_set(&ctx->err, "%s: No such file or directory", path);
	/* Parsed once here for the file's own name and line in a JSON error. */
	cJSON *doc = rc == 0 ? jsondoc_parse(text.data ? text.data : "", text.len, path, &ctx->err)
			     : NULL;
	if (!doc || rules_parse(text.data, &m, &perr)) {
		if (doc)
			rd_err_set(&ctx->err, "%s: %s", path, perr.msg);
		cJSON_Delete(doc);
		buf_free(&text);
		return RD_FAILED;
	}
	cJSON_Delete(doc);
	buf_free(&text);
	/* Store the normalised form: one spelling of each specification. */
	char *spec = rules_to_json(&m);
	char now[21];
	now_iso(now);
	sqlite3_stmt *s = NULL;
	int status = RD_FAILED;
	if (store_begin(ctx->store, &ctx->err))
		goto out;
	int version = (int)
		store_int(ctx->store,
			  "SELECT coalesce(max(version), 0) + 1 FROM models WHERE name = 'rules'",
			  1);
	if (store_exec(ctx->store,
		       "UPDATE models SET status = 'retired' WHERE algo = 'rules' AND status = "
		       "'champion'",
		       &ctx->err) ||
	    store_prepare(ctx->store,
			  "INSERT INTO models(name, version, algo, segment, status, spec, "
			  "created_at)"
			  " VALUES ('rules', ?1, 'rules', 'all', 'champion', ?2, ?3)",
			  &s, &ctx->err))
		goto out;
	sqlite3_bind_int(s, 1, version);
	sqlite3_bind_text(s, 2, spec, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_fail(ctx->store, &ctx->err, "rules import");
		goto out;
	}
	if (store_commit(ctx->store, &ctx->err))
		goto out;
	sink_message(ctx->out, "rules v%d is now the champion; 'recompute all' rescores with it",
		     version);
	status = RD_OK;
out:
	sqlite3_finalize(s);
	store_rollback(ctx->store);
	free(spec);
	return status;
}

static int exec_rules(struct rd_ctx *ctx, const struct rd_args *a)
{
	if (a->argc == 0)
		return rules_show(ctx);
	if (a->argc == 2 && strcmp(a->argv[0], "export") == 0)
		return rules_export(ctx, a->argv[1]);
	if (a->argc == 2 && strcmp(a->argv[0], "import") == 0)
		return rules_import(ctx, a->argv[1]);
	rd_err_set(&ctx->err, "usage: rules [export FILE | import FILE]");
	return RD_USAGE;
}

static const char *const rules_writing[] = {"import", NULL};

static const struct rd_arg rules_args[] = {
	{.at = 0,
	 .values = {.type = RD_ARG_WORD, .words = (const char *const[]){"export", "import", NULL}}},
	{.when = "export import", .at = 1, .values = {.type = RD_ARG_FILE}},
	RD_ARGS_END,
};

const struct rd_cmd cmd_rules = {
	.name = "rules",
	.usage = "[export FILE | import FILE]",
	.summary = "show the rules model, or write/read its JSON (import makes a new version)",
	.help = "The rules model scores the segments no trained champion serves. 'rules export "
		"FILE' writes the serving version's JSON specification; 'rules import FILE' "
		"checks an edited one and makes it a new version, the champion: the version that "
		"served is retired.",
	.min_args = 0,
	.max_args = 2,
	.writing_subcommands = rules_writing,
	.args = rules_args,
	.exec = exec_rules,
};
