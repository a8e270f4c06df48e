/* show ID, list [where EXPR] [sort FIELD [desc]] [limit N], history ID. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "riskdesk/command.h"
#include "riskdesk/expr.h"
#include "riskdesk/features.h"
#include "cmd_util.h"

static void show_reasons(struct rd_ctx *ctx, const char *json)
{
	static const char *const cols[] = {"code", "reason", "feature", "value", "points_lost"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_TEXT, COL_TEXT, COL_NUM, COL_NUM};
	cJSON *a = cJSON_Parse(json), *r;
	sink_table_begin(ctx->out, "reasons", 5, cols, kinds);
	cJSON_ArrayForEach(r, a)
	{
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(r, "code");
		const cJSON *text = cJSON_GetObjectItemCaseSensitive(r, "text");
		const cJSON *feat = cJSON_GetObjectItemCaseSensitive(r, "feature");
		const cJSON *val = cJSON_GetObjectItemCaseSensitive(r, "value");
		const cJSON *pts = cJSON_GetObjectItemCaseSensitive(r, "points");
		char v[32] = "", p[32] = "";
		if (cJSON_IsNumber(val))
			num_format(val->valuedouble, v, sizeof v);
		else if (cJSON_IsString(val))
			snprintf(v, sizeof v, "%s", val->valuestring);
		if (cJSON_IsNumber(pts))
			snprintf(p, sizeof p, "%.2f", pts->valuedouble);
		const char *row[] = {cJSON_IsString(code) ? code->valuestring : "",
				     cJSON_IsString(text) ? text->valuestring : "",
				     cJSON_IsString(feat) ? feat->valuestring : "", v, p};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);
	cJSON_Delete(a);
}

/* A blend's members: each one's weight, unclamped score (which the blend averages), PD and
 * cut-off, so that the profile's score visibly follows from them. */
static void show_components(struct rd_ctx *ctx, const char *id)
{
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_NUM, COL_NUM, COL_NUM,
						 COL_NUM,  COL_NUM, COL_NUM};
	sqlite3_stmt *s;
	if (store_prepare(ctx->store,
			  "SELECT json_extract(j.value, '$.model') AS model,"
			  " json_extract(j.value, '$.version') AS version,"
			  " json_extract(j.value, '$.weight') AS weight,"
			  " printf('%.4f', json_extract(j.value, '$.raw')) AS raw_score,"
			  " json_extract(j.value, '$.score') AS score,"
			  " printf('%.6f', json_extract(j.value, '$.pd')) AS pd,"
			  " iif(json_type(j.value, '$.cutoff_pd') IS NULL, NULL,"
			  " printf('%.4f', json_extract(j.value, '$.cutoff_pd'))) AS cutoff_pd"
			  " FROM credit_profiles p, json_each(p.components) j WHERE p.customer_id = ?1",
			  &s, &ctx->err))
		return;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	cmd_emit_rows(ctx, s, "components", kinds);
	sqlite3_finalize(s);
}

static void show_features(struct rd_ctx *ctx, const char *json)
{
	cJSON *o = cJSON_Parse(json), *f;
	cJSON_ArrayForEach(f, o)
	{
		char v[32] = "";
		if (cJSON_IsNumber(f))
			num_format(f->valuedouble, v, sizeof v);
		sink_field(ctx->out, "features", f->string, v, COL_NUM);
	}
	cJSON_Delete(o);
}

static int exec_show(struct rd_ctx *ctx, const struct rd_args *a)
{
	const char *id = a->argv[0];
	if (ctx->console) /* the console shows the customer in its panes */
		return cmd_console_select(ctx, id, 1);
	sqlite3_stmt *s = NULL;
	int status = RD_FAILED;
	if (store_prepare(ctx->store,
			  "SELECT id, name, email, phone, kind, created_at FROM customers WHERE id = ?1",
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
			   strcmp(col_text(s, 2), "numeric") == 0 ? COL_NUM : COL_TEXT);
	sqlite3_finalize(s);

	if (store_prepare(ctx->store,
			  "SELECT p.score, p.band, p.pd, p.risk_level, p.segment,"
			  " iif(p.model_version = 0, p.model_name, p.model_name || ' v' || p.model_version),"
			  " (SELECT sum(json_extract(j.value, '$.weight') * json_extract(j.value, '$.raw'))"
			  " / sum(json_extract(j.value, '$.weight')) FROM json_each(p.components) j),"
			  " p.computed_at, p.last_activity, p.reasons, p.features,"
			  " coalesce(p.cutoff_pd, json_extract(m.metrics, '$.threshold_pd')),"
			  " coalesce(json_array_length(p.components), 0), p.as_of"
			  " FROM credit_profiles p LEFT JOIN models m ON m.name = p.model_name"
			  " AND m.version = p.model_version WHERE p.customer_id = ?1",
			  &s, &ctx->err))
		return RD_FAILED;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		sink_field(ctx->out, "profile", "score", col_text(s, 0), COL_NUM);
		sink_field(ctx->out, "profile", "band", col_text(s, 1), COL_TEXT);
		sink_fieldf(ctx->out, "profile", "pd", COL_NUM, "%.4f", sqlite3_column_double(s, 2));
		sink_field(ctx->out, "profile", "risk_level", col_text(s, 3), COL_TEXT);
		sink_field(ctx->out, "profile", "segment", col_text(s, 4), COL_TEXT);
		sink_field(ctx->out, "profile", "model", col_text(s, 5), COL_TEXT);
		if (sqlite3_column_int(s, 12) > 1 && sqlite3_column_type(s, 6) != SQLITE_NULL)
			/* A blend's unclamped score: its members' weighted mean (rounded, clamped:
			 * the score; through section 5's formula: the PD). */
			sink_fieldf(ctx->out, "profile", "raw_score", COL_NUM, "%.4f",
				    sqlite3_column_double(s, 6));
		sink_field(ctx->out, "profile", "as_of", col_text(s, 13), COL_TEXT);
		sink_field(ctx->out, "profile", "computed_at", col_text(s, 7), COL_TEXT);
		sink_field(ctx->out, "profile", "last_activity", col_text(s, 8), COL_TEXT);
		if (sqlite3_column_type(s, 11) != SQLITE_NULL) {
			/* The serving model's cost-optimal cut-off: decline at or above it. */
			double cut = sqlite3_column_double(s, 11);
			sink_fieldf(ctx->out, "profile", "cutoff_pd", COL_NUM, "%.4f", cut);
			sink_field(ctx->out, "profile", "decision",
				   sqlite3_column_double(s, 2) >= cut ? "decline" : "approve", COL_TEXT);
		}
		if (sqlite3_column_int(s, 12) > 1)
			show_components(ctx, id);
		show_features(ctx, col_text(s, 10));
		show_reasons(ctx, col_text(s, 9));
	} else {
		sink_message(ctx->out, "no profile yet: run 'recompute %s'", id);
	}
	sqlite3_finalize(s);

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
	static const enum rd_col_kind pkinds[] = {COL_TEXT, COL_TEXT, COL_TEXT, COL_NUM, COL_NUM,
						  COL_TEXT};
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
	.summary = "the customer, its profile, reasons and recent orders and payments",
	.min_args = 1,
	.max_args = 1,
	.exec = exec_show,
};

/* Sort keys of the list: a fixed map, so no user text reaches the SQL. */
static const struct {
	const char *name;
	const char *sql;
} sort_keys[] = {
	{"id", "c.id"},         {"name", "c.name"},
	{"score", "p.score"},   {"band", "p.band"},
	{"pd", "p.pd"},         {"segment", "p.segment"},
	{"last_activity", "p.last_activity"}, {"activity", "p.last_activity"},
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
			size_t k;
			for (k = 0; k < sizeof sort_keys / sizeof *sort_keys; k++)
				if (strcasecmp(a->argv[i + 1], sort_keys[k].name) == 0)
					break;
			if (k == sizeof sort_keys / sizeof *sort_keys) {
				char ec[RD_ECHO_SIZE];
				rd_err_set(&ctx->err,
					   "list: cannot sort by %s (id, name, score, band, pd, segment,"
					   " last_activity)",
					   rd_echo(ec, a->argv[i + 1], strlen(a->argv[i + 1])));
				goto out;
			}
			sort = sort_keys[k].sql;
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
				   "list: unexpected %s (usage: list [where EXPR] [sort FIELD [desc]]"
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
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_TEXT, COL_NUM, COL_TEXT,
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
			  " FROM json_each(h.reasons) j) AS reasons, run_id AS run FROM score_history h"
			  " WHERE customer_id = ?1 ORDER BY id",
			  &s, &ctx->err))
		return RD_FAILED;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	/* A blend is its label (it has no version); reasons are what the profile said then. */
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
	.exec = exec_history,
};
