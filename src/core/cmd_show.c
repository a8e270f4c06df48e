/* show ID, list [where EXPR] [sort FIELD [desc]] [limit N], history ID. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "riskdesk/command.h"
#include "riskdesk/expr.h"
#include "riskdesk/features.h"
#include "riskdesk/profile.h"
#include "cmd_util.h"

/* A number for a cell: "" when it is absent (NaN). */
static const char *cell_num(double v, char *buf, size_t n)
{
	if (isnan(v))
		buf[0] = '\0';
	else
		num_format(v, buf, n);
	return buf;
}

static const char *cell_fixed(double v, int decimals, char *buf, size_t n)
{
	if (isnan(v))
		buf[0] = '\0';
	else
		snprintf(buf, n, "%.*f", decimals, v);
	return buf;
}

static void show_reasons(struct rd_ctx *ctx, const struct rd_profile *p)
{
	static const char *const cols[] = {"code", "reason", "feature", "value", "points_lost"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_TEXT, COL_TEXT, COL_NUM, COL_NUM};
	sink_table_begin(ctx->out, "reasons", 5, cols, kinds);
	for (int i = 0; i < p->nreasons; i++) {
		const struct rd_reason *r = &p->reasons[i];
		char v[32], pts[32];
		const char *row[] = {r->code, r->text, r->name,
				     r->level[0] ? r->level : cell_num(r->value, v, sizeof v),
				     cell_fixed(r->points, 2, pts, sizeof pts)};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);
}

/* A blend's members: each one's weight, unclamped score (which the blend averages), PD and
 * cut-off, so that the profile's score visibly follows from them. */
static void show_components(struct rd_ctx *ctx, const struct rd_profile *p)
{
	static const char *const cols[] = {"model", "version", "weight",   "raw_score",
					   "score", "pd",      "cutoff_pd"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_NUM, COL_NUM, COL_NUM,
						 COL_NUM,  COL_NUM, COL_NUM};
	sink_table_begin(ctx->out, "components", 7, cols, kinds);
	for (int k = 0; k < p->ncomponents; k++) {
		const struct profile_component *c = &p->comp[k];
		char ver[16], w[32], raw[48], sc[16], pd[48], cut[48];
		snprintf(ver, sizeof ver, "%d", c->version);
		snprintf(sc, sizeof sc, "%d", c->score);
		const char *row[] = {c->name,
				     ver,
				     cell_num(c->weight, w, sizeof w),
				     cell_fixed(c->raw, 4, raw, sizeof raw),
				     sc,
				     cell_fixed(c->pd, 6, pd, sizeof pd),
				     cell_fixed(c->cutoff_pd, 4, cut, sizeof cut)};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);
}

/* Every feature, in the features' order ("" for a missing value). */
static void show_features(struct rd_ctx *ctx, const struct rd_profile *p)
{
	for (int i = 0; i < FEAT_COUNT; i++) {
		char v[32];
		sink_field(ctx->out, "features", feature_names[i],
			   cell_num(p->features[i], v, sizeof v), COL_NUM);
	}
}

static void show_profile(struct rd_ctx *ctx, const char *id, const struct rd_profile *p)
{
	char model[PROFILE_MODEL_SIZE];
	sink_fieldf(ctx->out, "profile", "score", COL_NUM, "%d", p->head.score);
	sink_fieldf(ctx->out, "profile", "band", COL_TEXT, "%c", p->head.band);
	sink_fieldf(ctx->out, "profile", "pd", COL_NUM, "%.4f", p->head.pd);
	sink_field(ctx->out, "profile", "risk_level",
		   p->risk >= 0 ? vocab_name(&vocab_risk_level, p->risk) : "", COL_TEXT);
	sink_field(ctx->out, "profile", "segment",
		   p->head.segment >= 0 ? vocab_name(&vocab_segment, p->head.segment) : "",
		   COL_TEXT);
	sink_field(ctx->out, "profile", "model",
		   profile_model_label(p->model_name, p->model_version, model, sizeof model),
		   COL_TEXT);
	if (p->ncomponents > 1 && !isnan(p->raw))
		/* A blend's unclamped score: its members' weighted mean (rounded, clamped: the
		 * score; through section 5's formula: the PD). */
		sink_fieldf(ctx->out, "profile", "raw_score", COL_NUM, "%.4f", p->raw);
	sink_field(ctx->out, "profile", "as_of", p->as_of, COL_TEXT);
	sink_field(ctx->out, "profile", "computed_at", p->computed_at, COL_TEXT);
	sink_field(ctx->out, "profile", "last_activity", p->head.last_activity, COL_TEXT);
	int d = profile_decision(p->head.pd, p->cutoff_pd);
	if (d >= 0) {
		/* The serving model's cost-optimal cut-off: decline at or above it. */
		sink_fieldf(ctx->out, "profile", "cutoff_pd", COL_NUM, "%.4f", p->cutoff_pd);
		sink_field(ctx->out, "profile", "decision", vocab_name(&vocab_decision, d),
			   COL_TEXT);
	}
	if (p->ncomponents > 1)
		show_components(ctx, p);
	show_features(ctx, p);
	show_reasons(ctx, p);
	if (p->path_reasons)
		sink_message(ctx->out,
			     "reasons ranked by path attributions, not exact SHAP: the serving"
			     " models or the customer's attributes changed since the profile was"
			     " computed; 'recompute %s' computes them exactly",
			     id);
}

static int exec_show(struct rd_ctx *ctx, const struct rd_args *a)
{
	const char *id = a->argv[0];
	if (ctx->console) /* the console shows the customer in its panes */
		return cmd_console_select(ctx, id, 1);
	sqlite3_stmt *s = NULL;
	int status = RD_FAILED;
	if (store_prepare(ctx->store,
			  "SELECT id, name, email, phone, kind, created_at FROM customers WHERE id "
			  "= ?1",
			  &s, &ctx->err))
		return RD_FAILED;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_ROW) {
		char e[RD_ECHO_SIZE];
		rd_err_set(&ctx->err, "show: no customer %s", rd_echo(e, id, strlen(id)));
		goto out;
	}
	char email[256], phone[256];
	if (ctx->settings.pii) {
		snprintf(email, sizeof email, "%s", col_text(s, 2));
		snprintf(phone, sizeof phone, "%s", col_text(s, 3));
	} else {
		pii_mask(col_text(s, 2), email, sizeof email);
		pii_mask(col_text(s, 3), phone, sizeof phone);
	}
	sink_field(ctx->out, "customer", "id", col_text(s, 0), COL_TEXT);
	sink_field(ctx->out, "customer", "name", col_text(s, 1), COL_TEXT);
	sink_field(ctx->out, "customer", "email", email, COL_TEXT);
	sink_field(ctx->out, "customer", "phone", phone, COL_TEXT);
	sink_field(ctx->out, "customer", "kind", col_text(s, 4), COL_TEXT);
	sink_field(ctx->out, "customer", "created_at", col_text(s, 5), COL_TEXT);
	sqlite3_finalize(s);

	if (store_prepare(ctx->store,
			  "SELECT o.defaulted, o.observed_at, o.source FROM outcomes o"
			  " WHERE o.customer_id = ?1",
			  &s, &ctx->err))
		return RD_FAILED;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		sink_field(ctx->out, "outcome", "defaulted", col_text(s, 0), COL_NUM);
		sink_field(ctx->out, "outcome", "observed_at", col_text(s, 1), COL_TEXT);
		sink_field(ctx->out, "outcome", "source", col_text(s, 2), COL_TEXT);
	}
	sqlite3_finalize(s);

	if (store_prepare(ctx->store,
			  "SELECT a.name, ca.value, a.type FROM customer_attributes ca"
			  " JOIN attributes a ON a.name = ca.name WHERE ca.customer_id = ?1"
			  " ORDER BY a.rowid",
			  &s, &ctx->err))
		return RD_FAILED;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW)
		sink_field(ctx->out, "attributes", col_text(s, 0), col_text(s, 1),
			   vocab_find(&vocab_attr_type, col_text(s, 2)) == ATTR_NUMERIC ? COL_NUM
											: COL_TEXT);
	sqlite3_finalize(s);

	struct rd_profile *p = rd_malloc(sizeof *p);
	int got = profile_read(ctx->store, id, p, &ctx->err);
	if (got == 0)
		show_profile(ctx, id, p);
	else if (got == 1)
		sink_message(ctx->out, "no profile yet: run 'recompute %s'", id);
	free(p);
	if (got < 0)
		return RD_FAILED;

	static const enum rd_col_kind okinds[] = {COL_TEXT, COL_TEXT, COL_TEXT, COL_NUM};
	if (store_prepare(ctx->store,
			  "SELECT id AS \"order\", created_at, status, amount FROM orders"
			  " WHERE customer_id = ?1 ORDER BY created_at DESC, id DESC LIMIT 10",
			  &s, &ctx->err))
		return RD_FAILED;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	if (cmd_emit_rows(ctx, s, "orders", okinds))
		goto out;
	sqlite3_finalize(s);
	static const enum rd_col_kind pkinds[] = {COL_TEXT, COL_TEXT, COL_TEXT,
						  COL_NUM,  COL_NUM,  COL_TEXT};
	if (store_prepare(ctx->store,
			  "SELECT id AS payment, created_at, method, success, amount, order_id"
			  " FROM payments WHERE customer_id = ?1 ORDER BY created_at DESC, id DESC"
			  " LIMIT 10",
			  &s, &ctx->err))
		return RD_FAILED;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	if (cmd_emit_rows(ctx, s, "payments", pkinds))
		goto out;
	status = RD_OK;
out:
	sqlite3_finalize(s);
	return status;
}

const struct rd_cmd cmd_show = {
	.name = "show",
	.usage = "ID",
	.summary = "the customer, its profile, reasons, features and recent orders and payments",
	.min_args = 1,
	.max_args = 1,
	.args = (const struct rd_arg[]){{.at = 0, .values = {.type = RD_ARG_CUSTOMER}},
					RD_ARGS_END},
	.exec = exec_show,
};

/* The column of each sort key (vocab.h): a fixed map, so no user text reaches the SQL. */
static const char *const sort_sql[SORT_KEYS] = {
	[SORT_ID] = "c.id",
	[SORT_NAME] = "c.name",
	[SORT_SCORE] = "p.score",
	[SORT_BAND] = "p.band",
	[SORT_PD] = "p.pd",
	[SORT_SEGMENT] = "p.segment",
	[SORT_LAST_ACTIVITY] = "p.last_activity",
};

static int exec_list(struct rd_ctx *ctx, const struct rd_args *a)
{
	char *where = NULL;
	const char *sort = "c.id";
	int desc = 0;
	long long limit = 100;
	int status = RD_FAILED;
	struct rd_expr *e = NULL;
	sqlite3_stmt *s = NULL;
	struct rd_buf sql = {0};
	for (int i = 0; i < a->argc;) {
		const char *w = a->argv[i];
		if (strcasecmp(w, "where") == 0 && !where) {
			int j = i + 1;
			while (j < a->argc && strcasecmp(a->argv[j], "sort") != 0 &&
			       strcasecmp(a->argv[j], "limit") != 0)
				j++;
			where = args_raw(a, i + 1, j);
			i = j;
		} else if (strcasecmp(w, "sort") == 0 && i + 1 < a->argc) {
			const char *key = a->argv[i + 1];
			int k = vocab_find_ci(&vocab_sort_key, key, strlen(key));
			if (k < 0) {
				char ec[RD_ECHO_SIZE], keys[256];
				rd_err_set(&ctx->err, "list: cannot sort by %s (%s)",
					   rd_echo(ec, key, strlen(key)),
					   vocab_list(&vocab_sort_key, ", ", keys, sizeof keys));
				goto out;
			}
			sort = sort_sql[k];
			i += 2;
			if (i < a->argc && (strcasecmp(a->argv[i], "desc") == 0 ||
					    strcasecmp(a->argv[i], "asc") == 0)) {
				desc = strcasecmp(a->argv[i], "desc") == 0;
				i++;
			}
		} else if (strcasecmp(w, "limit") == 0 && i + 1 < a->argc) {
			char *end;
			limit = strtoll(a->argv[i + 1], &end, 10);
			if (*end || limit < 0) {
				char ec[RD_ECHO_SIZE];
				rd_err_set(&ctx->err, "list: limit must be a number >= 0, not %s",
					   rd_echo(ec, a->argv[i + 1], strlen(a->argv[i + 1])));
				goto out;
			}
			i += 2;
		} else {
			char ec[RD_ECHO_SIZE];
			rd_err_set(&ctx->err,
				   "list: unexpected %s (usage: list [where EXPR] [sort FIELD "
				   "[desc]]"
				   " [limit N])",
				   rd_echo(ec, w, strlen(w)));
			status = RD_USAGE;
			goto out;
		}
	}
	if (where) {
		e = expr_compile_pii(where, ctx->store, ctx->settings.pii, &ctx->err);
		if (!e)
			goto out;
	}
	buf_puts(&sql, "SELECT c.id, c.name, p.score, p.band, p.pd, p.segment, p.risk_level,"
		       " p.last_activity FROM customers c"
		       " LEFT JOIN credit_profiles p ON p.customer_id = c.id");
	if (e)
		buf_printf(&sql, " WHERE %s", expr_sql(e));
	buf_printf(&sql, " ORDER BY %s %s, c.id %s LIMIT ?", sort, desc ? "DESC" : "ASC",
		   desc ? "DESC" : "ASC");
	if (store_prepare(ctx->store, sql.data, &s, &ctx->err))
		goto out;
	int n = e ? expr_bind(e, s, 1) : 0;
	sqlite3_bind_int64(s, n + 1, limit);
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_TEXT, COL_NUM,  COL_TEXT,
						 COL_NUM,  COL_TEXT, COL_TEXT, COL_TEXT};
	if (cmd_emit_rows(ctx, s, "customers", kinds))
		goto out;
	status = RD_OK;
out:
	sqlite3_finalize(s);
	buf_free(&sql);
	expr_free(e);
	free(where);
	return status;
}

/* Clauses in any order, each once. */
static const struct rd_arg list_args[] = {
	{.key = "where", .at = 0, .rest = 1, .values = {.type = RD_ARG_EXPR}},
	{.key = "sort", .at = 0, .values = {.type = RD_ARG_WORD, .vocab = &vocab_sort_key}},
	{.key = "sort",
	 .at = 1,
	 .values = {.type = RD_ARG_WORD, .words = (const char *const[]){"asc", "desc", NULL}}},
	{.key = "limit", .at = 0, .values = {.type = RD_ARG_NONE}},
	RD_ARGS_END,
};

const struct rd_cmd cmd_list = {
	.name = "list",
	.usage = "[where EXPR] [sort FIELD [desc]] [limit N]",
	.summary = "customers with their profiles (default: sorted by id, limit 100)",
	.help = "EXPR filters on profile fields (score, band, pd, segment, risk_level), customer "
		"fields (id, name, kind; email and phone only after 'set pii on'), features "
		"(return_rate>0.2) and attributes; see docs/where.md. FIELD is id, name, score, "
		"band, pd, segment or last_activity.",
	.min_args = 0,
	.max_args = -1,
	.args = list_args,
	.exec = exec_list,
};

static int exec_history(struct rd_ctx *ctx, const struct rd_args *a)
{
	sqlite3_stmt *s;
	const char *id = a->argv[0];
	if (store_prepare(ctx->store, "SELECT 1 FROM customers WHERE id = ?1", &s, &ctx->err))
		return RD_FAILED;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	int found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	if (!found) {
		char e[RD_ECHO_SIZE];
		rd_err_set(&ctx->err, "history: no customer %s", rd_echo(e, id, strlen(id)));
		return RD_FAILED;
	}
	if (store_prepare(ctx->store,
			  "SELECT computed_at, score, band, pd, model_name AS model,"
			  " nullif(model_version, 0) AS version, round(cutoff_pd, 4) AS cutoff_pd,"
			  " (SELECT group_concat(json_extract(j.value, '$.code'), ' ')"
			  " FROM json_each(h.reasons) j) || iif(instr(h.components,"
			  " '\"reasons_kind\":\"path\"'), ' (path attributions)', '') AS reasons,"
			  " run_id AS run FROM score_history h"
			  " WHERE customer_id = ?1 ORDER BY id",
			  &s, &ctx->err))
		return RD_FAILED;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	/* A blend is its label (it has no version); reasons are what the profile said then
	 * (a recompute's ranking by path attributions says so). */
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_NUM, COL_TEXT, COL_NUM, COL_TEXT,
						 COL_NUM,  COL_NUM, COL_TEXT, COL_NUM};
	int rc = cmd_emit_rows(ctx, s, "history", kinds);
	sqlite3_finalize(s);
	return rc ? RD_FAILED : RD_OK;
}

const struct rd_cmd cmd_history = {
	.name = "history",
	.usage = "ID",
	.summary = "every score the customer ever had",
	.min_args = 1,
	.max_args = 1,
	.args = (const struct rd_arg[]){{.at = 0, .values = {.type = RD_ARG_CUSTOMER}},
					RD_ARGS_END},
	.exec = exec_history,
};
