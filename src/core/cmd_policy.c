/* policy, policy export FILE, policy import FILE: the credit policy's JSON specification
 * (policy.h), versioned in `policies`; the highest version serves. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_util.h"
#include "riskdesk/afile.h"
#include "riskdesk/decide.h"
#include "riskdesk/policy.h"

/* A rule's test as people read it: "dti > 0.6", "no tax_office record". */
static void rule_condition(const struct policy_rule *r, struct rd_buf *b)
{
	char n[32];
	switch (r->test) {
	case POLICY_TEST_FEATURE:
		buf_printf(b, "%s %s", policy_value_name(r->value),
			   r->op == POLICY_MISSING ? "is missing"
						   : vocab_name(&vocab_policy_op, (int)r->op));
		if (r->op != POLICY_MISSING) {
			num_format(r->threshold, n, sizeof n);
			buf_printf(b, " %s", n);
		}
		break;
	case POLICY_TEST_RECORD_FLAG:
		if (r->source[0])
			buf_printf(b, "a %s record with %s true", r->source, r->field);
		else
			buf_printf(b, "a record with %s true", r->field);
		break;
	case POLICY_TEST_RECORD_MISSING: buf_printf(b, "no %s record", r->source); break;
	case POLICY_TEST_BAND:
		buf_puts(b, "band");
		for (int k = 0, i = 0; k < BANDS; k++)
			if (r->bands & (1u << k))
				buf_printf(b, "%s%c", i++ ? ", " : " ", vocab_band_letter(k));
		break;
	case POLICY_TEST_CUTOFF: buf_puts(b, "pd >= cut-off"); break;
	case POLICY_TEST_NEAR_CUTOFF:
		num_format(r->points, n, sizeof n);
		buf_printf(b, "score within %s points of the cut-off's", n);
		break;
	case POLICY_TESTS: break;
	}
}

static int policy_show(struct rd_ctx *ctx)
{
	sqlite3_stmt *s = NULL;
	int status = RD_FAILED;
	int version;
	char *spec = policy_serving(ctx->store, &version, &ctx->err);
	struct rd_policy *p = rd_malloc(sizeof *p);
	char name[32];
	snprintf(name, sizeof name, "policy v%d", version);
	if (!spec || policy_parse(spec, strlen(spec), name, p, &ctx->err) ||
	    store_prepare(ctx->store, "SELECT created_at, origin FROM policies WHERE version = ?1",
			  &s, &ctx->err))
		goto out;
	sqlite3_bind_int(s, 1, version);
	if (sqlite3_step(s) != SQLITE_ROW) {
		store_fail(ctx->store, &ctx->err, "policy");
		goto out;
	}
	char n[32];
	sink_fieldf(ctx->out, "policy", "version", COL_NUM, "%d", version);
	sink_field(ctx->out, "policy", "created_at", col_text(s, 0), COL_TEXT);
	sink_field(ctx->out, "policy", "origin", col_text(s, 1), COL_TEXT); /* built-in, a file */
	num_format(p->annual_rate, n, sizeof n);
	sink_field(ctx->out, "policy", "annual_rate", n, COL_NUM);
	num_format(p->fallback_cutoff_pd, n, sizeof n);
	sink_field(ctx->out, "policy", "fallback_cutoff_pd", n, COL_NUM);
	static const char *const cols[] = {"code", "action", "when", "text"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_TEXT, COL_TEXT, COL_TEXT};
	sink_table_begin(ctx->out, "rules", 4, cols, kinds);
	struct rd_buf when = {0};
	for (int i = 0; i < p->nrules; i++) {
		const struct policy_rule *r = &p->rules[i];
		buf_reset(&when);
		rule_condition(r, &when);
		const char *row[] = {r->code, vocab_name(&vocab_policy_action, (int)r->action),
				     when.data, r->text};
		sink_row(ctx->out, row);
	}
	buf_free(&when);
	sink_table_end(ctx->out);
	status = RD_OK;
out:
	sqlite3_finalize(s);
	free(spec);
	free(p);
	return status;
}

static int policy_export(struct rd_ctx *ctx, const char *path)
{
	int version;
	char *spec = policy_serving(ctx->store, &version, &ctx->err);
	if (!spec)
		return RD_FAILED;
	int status = RD_FAILED;
	struct rd_err ferr;
	struct afile *f = afile_open(path, &ferr);
	if (f)
		afile_write(f, spec, strlen(spec)); /* a failure is reported by the commit */
	if (!f || afile_commit(f, &ferr)) {
		rd_err_set(&ctx->err, "policy export: %s", ferr.msg);
	} else {
		sink_message(ctx->out, "policy v%d written to %s", version, path);
		status = RD_OK;
	}
	free(spec);
	return status;
}

static int policy_import(struct rd_ctx *ctx, const char *path)
{
	struct rd_buf text = {0};
	struct rd_policy *p = rd_malloc(sizeof *p);
	char *spec = NULL;
	sqlite3_stmt *s = NULL;
	int status = RD_FAILED;
	int rc = text_file_read(path, POLICY_FILE_MAX, &text, &ctx->err);
	if (rc == 1)
		rd_err_set(&ctx->err, "%s: No such file or directory", path);
	/* Everything is checked before the transaction: a bad file changes nothing. */
	if (rc || policy_parse(text.data ? text.data : "", text.len, path, p, &ctx->err))
		goto out;
	spec = policy_to_json(p); /* one spelling of each policy */
	char now[21];
	now_iso(now);
	if (store_begin(ctx->store, &ctx->err))
		goto out;
	int version = (int)store_int(ctx->store,
				     "SELECT coalesce(max(version), 0) + 1 FROM policies", 1);
	if (store_prepare(ctx->store,
			  "INSERT INTO policies(version, spec, created_at, origin)"
			  " VALUES (?1, ?2, ?3, ?4)",
			  &s, &ctx->err))
		goto out;
	sqlite3_bind_int(s, 1, version);
	sqlite3_bind_text(s, 2, spec, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, path, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_fail(ctx->store, &ctx->err, "policy import");
		goto out;
	}
	if (store_commit(ctx->store, &ctx->err))
		goto out;
	sink_message(ctx->out,
		     "policy v%d serves from now on (%d rules); 'rescore pending' decides with it",
		     version, p->nrules);
	status = RD_OK;
out:
	sqlite3_finalize(s);
	store_rollback(ctx->store);
	buf_free(&text);
	free(spec);
	free(p);
	return status;
}

static int exec_policy(struct rd_ctx *ctx, const struct rd_args *a)
{
	if (a->argc == 0)
		return policy_show(ctx);
	if (a->argc == 2 && strcmp(a->argv[0], "export") == 0)
		return policy_export(ctx, a->argv[1]);
	if (a->argc == 2 && strcmp(a->argv[0], "import") == 0)
		return policy_import(ctx, a->argv[1]);
	rd_err_set(&ctx->err, "usage: policy [export FILE | import FILE]");
	return RD_USAGE;
}

static const char *const policy_writing[] = {"import", NULL};

static const struct rd_arg policy_args[] = {
	{.at = 0,
	 .values = {.type = RD_ARG_WORD, .words = (const char *const[]){"export", "import", NULL}}},
	{.when = "export import", .at = 1, .values = {.type = RD_ARG_FILE}},
	RD_ARGS_END,
};

const struct rd_cmd cmd_policy = {
	.name = "policy",
	.usage = "[export FILE | import FILE]",
	.summary = "show the credit policy, or write/read its JSON (import makes a new version)",
	.help = "The credit policy decides credit requests ('rescore pending', 'score "
		"--request'): it derives debt-to-income (dti), payment-to-income (pti) and "
		"loan-to-income (lti) from a request, and its rules decline or refer on those, "
		"on the score's band, on the serving model's PD cut-off (the policy's "
		"fallback_cutoff_pd when the model has none), on the distance to the cut-off's "
		"score, and on the applicant's external records (a payload field that is true, "
		"a source with no record). A request is declined when a decline rule fires, else "
		"referred when a referral rule fires, else approved. 'policy export FILE' writes "
		"the serving version's JSON; 'policy import FILE' checks an edited one (every "
		"message names the file and the field) and makes it a new version, which serves: "
		"a bad file changes nothing.",
	.min_args = 0,
	.max_args = 2,
	.writing_subcommands = policy_writing,
	.args = policy_args,
	.exec = exec_policy,
};
