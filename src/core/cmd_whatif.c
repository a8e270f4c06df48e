/* whatif ID NAME=VALUE ...: the customer scored as it is and with some inputs changed,
 * side by side, through the serving models; nothing is written (issue 14, item 3). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_util.h"
#include "riskdesk/decide.h"
#include "riskdesk/featscan.h"
#include "riskdesk/features.h"
#include "riskdesk/profile.h"

#define WHATIF_MAX 16 /* changes on one line */

struct change {
	char name[REASON_NAME_MAX + 1];
	const char *value; /* into the command's argv */
	int feature;       /* enum feature_id, or -1 for an attribute */
	double num;        /* a feature's new value */
	char before[128];  /* the stored attribute's text, or the feature's number */
};

static int is_share(int f)
{
	return f == FEAT_RETURN_RATE || f == FEAT_CANCEL_RATE || f == FEAT_FAILED_PAYMENT_RATE ||
	       f == FEAT_COD_SHARE;
}

/* NAME=VALUE: a built-in feature (a number >= 0; a rate or share at most 1) or a customer
 * attribute (its text; "" is missing; a number for a numeric attribute). */
static int parse_change(struct rd_ctx *ctx, const char *arg, struct change *c)
{
	char shown[RD_ECHO_SIZE];
	char *name = c->name;
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : 0;
	if (!eq || len == 0 || len > REASON_NAME_MAX) {
		rd_err_set(&ctx->err, "whatif: %s is not NAME=VALUE (a feature or an attribute)",
			   rd_echo(shown, arg, strlen(arg)));
		return -1;
	}
	memcpy(name, arg, len);
	name[len] = '\0';
	c->value = eq + 1;
	c->feature = feature_index(name);
	if (c->feature >= 0) {
		if (num_parse(c->value, strlen(c->value), &c->num) || c->num < 0 ||
		    (is_share(c->feature) && c->num > 1)) {
			rd_err_set(&ctx->err, "whatif: %s: %s is not %s", c->name,
				   rd_echo(shown, c->value, strlen(c->value)),
				   is_share(c->feature) ? "a share from 0 to 1" : "a number >= 0");
			return -1;
		}
		return 0;
	}
	sqlite3_stmt *s;
	if (store_prepare(ctx->store, "SELECT name, type FROM attributes WHERE name = ?1", &s,
			  &ctx->err))
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	int rc = -1;
	if (sqlite3_step(s) != SQLITE_ROW) {
		struct rd_buf names = {0};
		for (int f = 0; f < FEAT_COUNT; f++)
			buf_printf(&names, "%s%s", f ? ", " : "", feature_names[f]);
		rd_err_set(&ctx->err,
			   "whatif: %s is neither a feature (%s) nor a customer attribute",
			   rd_echo(shown, name, len), names.data);
		buf_free(&names);
	} else {
		const char *type = (const char *)sqlite3_column_text(s, 1);
		double x;
		if (type && vocab_find(&vocab_attr_type, type) == ATTR_NUMERIC && *c->value &&
		    num_parse(c->value, strlen(c->value), &x))
			rd_err_set(&ctx->err, "whatif: %s is numeric: %s is not a number", name,
				   rd_echo(shown, c->value, strlen(c->value)));
		else
			rc = 0;
	}
	sqlite3_finalize(s);
	return rc;
}

static void attribute_before(struct rd_ctx *ctx, const char *id, struct change *c)
{
	sqlite3_stmt *s;
	snprintf(c->before, sizeof c->before, "(missing)");
	if (store_prepare(ctx->store,
			  "SELECT value FROM customer_attributes WHERE customer_id = ?1 AND name = "
			  "?2",
			  &s, &(struct rd_err){{0}}))
		return;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, c->name, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0) &&
	    *sqlite3_column_text(s, 0))
		snprintf(c->before, sizeof c->before, "%s",
			 (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
}

/* The decision as `show` and the policy's cut-off rule make it: the model's cut-off, else
 * the serving policy's fallback. */
static const char *decision_of(const struct engine_result *r, double fallback)
{
	double cut = isnan(r->cutoff_pd) ? fallback : r->cutoff_pd;
	int d = profile_decision(r->score.pd, cut);
	return d < 0 ? "" : vocab_name(&vocab_decision, d);
}

static void reason_cell(const struct rd_score *s, int i, char *out, size_t n)
{
	if (i >= s->nreasons) {
		out[0] = '\0';
		return;
	}
	const struct rd_reason *r = &s->reasons[i];
	char v[48];
	if (r->level[0])
		snprintf(v, sizeof v, "%s", r->level);
	else if (isnan(r->value))
		snprintf(v, sizeof v, "missing");
	else
		num_format(r->value, v, sizeof v);
	snprintf(out, n, "-%.1f %s (%s %s)", r->points, r->text, r->name, v);
}

static int exec_whatif(struct rd_ctx *ctx, const struct rd_args *a)
{
	const char *id = a->argv[0];
	struct change ch[WHATIF_MAX];
	int n = a->argc - 1, status = RD_FAILED;
	struct rd_engine *engine = NULL;
	struct rd_policy policy;
	char *spec = NULL;
	char shown[RD_ECHO_SIZE];
	if (n > WHATIF_MAX) {
		rd_err_set(&ctx->err, "whatif: at most %d changes", WHATIF_MAX);
		return RD_USAGE;
	}
	for (int k = 0; k < n; k++) {
		if (parse_change(ctx, a->argv[k + 1], &ch[k]))
			return ctx->err.msg[0] ? RD_USAGE : RD_FAILED;
		for (int j = 0; j < k; j++)
			if (strcmp(ch[j].name, ch[k].name) == 0) {
				rd_err_set(&ctx->err, "whatif: %s is changed twice", ch[k].name);
				return RD_USAGE;
			}
	}
	const char *as_of = args_opt(a, "as-of");
	int64_t day;
	if (features_as_of(ctx->store, as_of ? as_of : ctx->settings.as_of, &day, &ctx->err))
		return RD_FAILED;
	double f0[FEAT_COUNT], f1[FEAT_COUNT];
	struct feature_times times;
	int rc = features_one(ctx->store, day, id, f0, &times, &ctx->err);
	char dayname[11];
	day_format(day, dayname);
	if (rc == 1)
		rd_err_set(&ctx->err, "whatif: no customer %s", rd_echo(shown, id, strlen(id)));
	else if (rc == 2)
		rd_err_set(&ctx->err, "whatif: customer %s was created after the as-of date %s",
			   rd_echo(shown, id, strlen(id)), dayname);
	if (rc)
		return RD_FAILED;
	int version;
	if (!(spec = policy_serving(ctx->store, &version, &ctx->err)) ||
	    policy_parse(spec, strlen(spec), "policy", &policy, &ctx->err) ||
	    !(engine = engine_load(ctx->store, &ctx->err)))
		goto out;
	/* Before first: an attribute override holds for every later score of the engine. */
	struct engine_result r0, r1;
	if (engine_score_batch(engine, 1, &id, f0, &r0, &ctx->err))
		goto out;
	memcpy(f1, f0, sizeof f1);
	for (int k = 0; k < n; k++) {
		if (ch[k].feature >= 0) {
			num_format(f0[ch[k].feature], ch[k].before, sizeof ch[k].before);
			f1[ch[k].feature] = ch[k].num;
			continue;
		}
		attribute_before(ctx, id, &ch[k]);
		if (engine_override_attribute(engine, ch[k].name, ch[k].value)) {
			rd_err_set(&ctx->err,
				   "whatif: no serving model takes the attribute %s: it changes "
				   "nothing",
				   ch[k].name);
			goto out;
		}
	}
	if (engine_score_batch(engine, 1, &id, f1, &r1, &ctx->err))
		goto out;

	sink_field(ctx->out, "whatif", "customer", id, COL_TEXT);
	sink_field(ctx->out, "whatif", "as_of", dayname, COL_TEXT);
	sink_field(ctx->out, "whatif", "stored", "nothing (a what-if)", COL_TEXT);

	static const char *const ccols[] = {"input", "before", "after"};
	static const enum rd_col_kind ckinds[] = {COL_TEXT, COL_TEXT, COL_TEXT};
	sink_table_begin(ctx->out, "changes", 3, ccols, ckinds);
	for (int k = 0; k < n; k++) {
		const char *row[] = {ch[k].name, ch[k].before,
				     ch[k].feature < 0 && !*ch[k].value ? "(missing)"
									: ch[k].value};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);

	static const char *const ocols[] = {"what", "before", "after"};
	static const enum rd_col_kind okinds[] = {COL_TEXT, COL_TEXT, COL_TEXT};
	char s0[16], s1[16], b0[2] = {r0.score.band, 0}, b1[2] = {r1.score.band, 0};
	char p0[48], p1[48], m0[PROFILE_MODEL_SIZE + 16], m1[PROFILE_MODEL_SIZE + 16];
	snprintf(s0, sizeof s0, "%d", r0.score.score);
	snprintf(s1, sizeof s1, "%d", r1.score.score);
	num_format(r0.score.pd, p0, sizeof p0);
	num_format(r1.score.pd, p1, sizeof p1);
	const char *rows[][3] = {
		{"score", s0, s1},
		{"band", b0, b1},
		{"pd", p0, p1},
		{"decision", decision_of(&r0, policy.fallback_cutoff_pd),
		 decision_of(&r1, policy.fallback_cutoff_pd)},
		{"segment", vocab_name(&vocab_segment, (int)r0.segment),
		 vocab_name(&vocab_segment, (int)r1.segment)},
		{"model", profile_model_label(r0.model_name, r0.model_version, m0, sizeof m0),
		 profile_model_label(r1.model_name, r1.model_version, m1, sizeof m1)},
	};
	sink_table_begin(ctx->out, "outcome", 3, ocols, okinds);
	for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++)
		sink_row(ctx->out, rows[k]);
	sink_table_end(ctx->out);

	static const char *const rcols[] = {"rank", "before", "after"};
	static const enum rd_col_kind rkinds[] = {COL_NUM, COL_TEXT, COL_TEXT};
	sink_table_begin(ctx->out, "reasons", 3, rcols, rkinds);
	int nr = r0.score.nreasons > r1.score.nreasons ? r0.score.nreasons : r1.score.nreasons;
	for (int i = 0; i < nr; i++) {
		char rank[16], x0[REASON_TEXT_SIZE + 200], x1[REASON_TEXT_SIZE + 200];
		snprintf(rank, sizeof rank, "%d", i + 1);
		reason_cell(&r0.score, i, x0, sizeof x0);
		reason_cell(&r1.score, i, x1, sizeof x1);
		const char *row[] = {rank, x0, x1};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);
	status = RD_OK;
out:
	engine_free(engine);
	free(spec);
	return status;
}

static const struct rd_opt whatif_opts[] = {
	{"as-of", "DATE", "the features from the events on or before DATE"},
	{NULL, NULL, NULL},
};

static const struct rd_arg whatif_args[] = {
	{.at = 0, .values = {.type = RD_ARG_CUSTOMER}},
	RD_ARGS_END,
};

const struct rd_cmd cmd_whatif = {
	.name = "whatif",
	.usage = "ID NAME=VALUE... [--as-of DATE]",
	.summary = "score a customer with some inputs changed, beside its score now; nothing is "
		   "stored",
	.help = "Scores customer ID twice through the serving models — with its inputs as they "
		"are (the features computed from its events as of the as-of day, as recompute "
		"computes them, and its attributes) and with the named inputs changed — and shows "
		"score, band, PD, decision (the model's cut-off, else the credit policy's "
		"fallback), segment, serving model and the reasons side by side. NAME is a "
		"built-in feature (a number >= 0; rates and shares at most 1) or a customer "
		"attribute a serving model takes (its text; a number for a numeric attribute; "
		"NAME= for missing). Each input is set as given: the others stay as they are (a "
		"changed orders_returned does not change return_rate). Nothing is written: no "
		"profile, no history, no run.",
	.min_args = 2,
	.max_args = 1 + WHATIF_MAX,
	.opts = whatif_opts,
	.args = whatif_args,
	.exec = exec_whatif,
};
