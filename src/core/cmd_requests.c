/* The review queue (issue 13, item 6): requests [--where EXPR] [--status S] [--limit N];
 * request ID; decide ID approve|decline --note TEXT [--force]; decisions [--by B]. The
 * queue and the rates are queue.h's, the override's row decide.h's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_util.h"
#include "riskdesk/decide.h"
#include "riskdesk/expr.h"
#include "riskdesk/journal.h"
#include "riskdesk/queue.h"
#include "riskdesk/vocab.h"

#define NOTE_MAX 1000 /* bytes of an override's note */

/* ---- requests ---- */

static int exec_requests(struct rd_ctx *ctx, const struct rd_args *a)
{
	const char *where = args_opt(a, "where"), *lim = args_opt(a, "limit");
	struct queue_filter f = {.status = args_opt(a, "status"), .limit = 100};
	struct rd_expr *e = NULL;
	sqlite3_stmt *s = NULL;
	int status = RD_FAILED;
	uint64_t n;
	if (lim) {
		if (cmd_parse_uint(lim, 0, INT64_MAX, &n)) {
			char ec[RD_ECHO_SIZE];
			rd_err_set(&ctx->err, "requests: --limit takes a whole number, not %s",
				   rd_echo(ec, lim, strlen(lim)));
			return RD_USAGE;
		}
		f.limit = (int64_t)n;
	}
	if (where && *where &&
	    !(e = expr_compile_pii(where, ctx->store, ctx->settings.pii, &ctx->err)))
		goto out;
	f.where = e;
	int64_t shown = f.limit;
	f.limit = shown + 1; /* one more: whether there are more to say */
	if (!(s = queue_prepare(ctx->store, &f, &ctx->err))) {
		if (f.status)
			status = RD_USAGE;
		char msg[RD_ERR_MAX];
		snprintf(msg, sizeof msg, "%s", ctx->err.msg);
		rd_err_set(&ctx->err, "requests: %s", msg);
		goto out;
	}
	static const char *const cols[QUEUE_COLS] = {"id",     "customer", "name",       "kind",
						     "amount", "term",     "status",     "score",
						     "band",   "pd",       "decided_at", "origin"};
	static const enum rd_col_kind kinds[QUEUE_COLS] = {COL_TEXT, COL_TEXT, COL_TEXT, COL_TEXT,
							   COL_NUM,  COL_NUM,  COL_TEXT, COL_NUM,
							   COL_TEXT, COL_NUM,  COL_TEXT, COL_TEXT};
	sink_table_begin(ctx->out, "requests", QUEUE_COLS, cols, kinds);
	int rc;
	int64_t rows = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && rows < shown) {
		const char *cells[QUEUE_COLS];
		char amount[32], pd[32] = "";
		for (int i = 0; i < QUEUE_COLS; i++)
			cells[i] = col_text(s, i);
		num_format(sqlite3_column_double(s, QUEUE_AMOUNT), amount, sizeof amount);
		cells[QUEUE_AMOUNT] = amount;
		if (sqlite3_column_type(s, QUEUE_PD) != SQLITE_NULL)
			snprintf(pd, sizeof pd, "%.4f", sqlite3_column_double(s, QUEUE_PD));
		cells[QUEUE_PD] = pd;
		sink_row(ctx->out, cells);
		rows++;
	}
	sink_table_end(ctx->out);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_fail(ctx->store, &ctx->err, "requests");
		goto out;
	}
	if (rc == SQLITE_ROW)
		sink_message(ctx->out, "the first %lld requests (--limit N shows more)",
			     (long long)rows);
	status = RD_OK;
out:
	sqlite3_finalize(s);
	expr_free(e);
	return status;
}

static const struct rd_opt requests_opts[] = {
	{"where", "EXPR", "only the requests whose applicant matches EXPR (the where language)"},
	{"status", "S", "only the requests of status S: pending, approved, referred, declined"},
	{"limit", "N", "at most N requests (default 100)"},
	{NULL, NULL, NULL},
};

static const struct rd_arg requests_args[] = {
	{.opt = "where", .values = {.type = RD_ARG_EXPR}},
	{.opt = "status", .values = {.type = RD_ARG_WORD, .vocab = &vocab_request_status}},
	RD_ARGS_END,
};

const struct rd_cmd cmd_requests = {
	.name = "requests",
	.usage = "[--where EXPR] [--status S] [--limit N]",
	.summary = "the queue of credit requests: referred and pending first, then the decided",
	.help = "Referred requests first, then pending ones (each the oldest first), then the "
		"decided ones, the newest decision first: id, customer, name, kind, amount, term "
		"(months), status, score, band, PD, decided_at and the origin of the latest "
		"decision (policy, override; empty when riskdesk did not decide it). --where "
		"filters on the applicant with the where language of 'list' (docs/where.md: "
		"score, band, segment, kind, features, attributes...; quote it: --where "
		"'band in (D,E)'); --status on the request. The console's Requests pane (key i) "
		"shows the same queue.",
	.min_args = 0,
	.max_args = 0,
	.opts = requests_opts,
	.args = requests_args,
	.exec = exec_requests,
};

/* ---- request ID ---- */

/* 1 when request id exists, 0 when not (err says so), -1 on a database error. */
static int request_exists(struct rd_ctx *ctx, const char *cmd, const char *id)
{
	sqlite3_stmt *s;
	if (store_prepare(ctx->store, "SELECT 1 FROM credit_requests WHERE id = ?1", &s, &ctx->err))
		return -1;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		return store_fail(ctx->store, &ctx->err, cmd);
	char e[RD_ECHO_SIZE];
	rd_err_set(&ctx->err, "%s: no request %s (see 'requests')", cmd,
		   rd_echo(e, id, strlen(id)));
	return 0;
}

/* The one row of sql (id bound to ?1) as fields of section; nothing when there is none. */
static int emit_fields(struct rd_ctx *ctx, const char *section, const char *sql, const char *id)
{
	sqlite3_stmt *s;
	if (store_prepare(ctx->store, sql, &s, &ctx->err))
		return -1;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(s); i++) {
			int t = sqlite3_column_type(s, i);
			char num[32];
			const char *v = col_text(s, i);
			if (t == SQLITE_FLOAT) {
				num_format(sqlite3_column_double(s, i), num, sizeof num);
				v = num;
			}
			sink_field(ctx->out, section, sqlite3_column_name(s, i), v,
				   t == SQLITE_FLOAT || t == SQLITE_INTEGER ? COL_NUM : COL_TEXT);
		}
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(ctx->store, &ctx->err, section);
}

/* Every row of sql (id bound to ?1) as table name. */
static int emit_table(struct rd_ctx *ctx, const char *name, const char *sql, const char *id,
		      const enum rd_col_kind *kinds)
{
	sqlite3_stmt *s;
	if (store_prepare(ctx->store, sql, &s, &ctx->err))
		return -1;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	int rc = cmd_emit_rows(ctx, s, name, kinds);
	sqlite3_finalize(s);
	return rc;
}

static int exec_request(struct rd_ctx *ctx, const struct rd_args *a)
{
	const char *id = a->argv[0];
	int found = request_exists(ctx, "request", id);
	if (found <= 0)
		return RD_FAILED;
	static const enum rd_col_kind rec_kinds[] = {COL_TEXT, COL_TEXT, COL_TEXT, COL_NUM,
						     COL_TEXT};
	static const enum rd_col_kind rule_kinds[] = {COL_TEXT, COL_TEXT, COL_TEXT, COL_NUM};
	static const enum rd_col_kind reason_kinds[] = {COL_TEXT, COL_TEXT, COL_TEXT, COL_NUM,
							COL_NUM};
	static const enum rd_col_kind dec_kinds[] = {COL_NUM, COL_TEXT, COL_TEXT, COL_TEXT,
						     COL_NUM, COL_TEXT, COL_NUM,  COL_TEXT,
						     COL_NUM, COL_TEXT};
	/* The derived values are the latest decision's (what the policy saw); the profile is
	 * the applicant's as it stands. */
	if (emit_fields(ctx, "request",
			"SELECT r.id, r.customer_id AS customer, c.name, c.kind, r.amount,"
			" r.term_months, r.purpose, r.yearly_income, r.existing_debt,"
			" r.created_at, r.status, r.decided_at FROM credit_requests r"
			" JOIN customers c ON c.id = r.customer_id WHERE r.id = ?1",
			id) ||
	    emit_fields(ctx, "applicant",
			"SELECT p.score, p.band, round(p.pd, 4) AS pd, p.segment, p.risk_level,"
			" p.model_name || ' v' || p.model_version AS model, p.as_of"
			" FROM credit_requests r JOIN credit_profiles p"
			" ON p.customer_id = r.customer_id WHERE r.id = ?1",
			id) ||
	    emit_fields(ctx, "decision",
			"SELECT d.origin, d.status, d.score, d.band, round(d.pd, 4) AS pd,"
			" d.model_name || ' v' || d.model_version AS model, d.policy_version,"
			" d.as_of, round(d.monthly_payment, 2) AS monthly_payment,"
			" round(d.dti, 3) AS dti, round(d.pti, 3) AS pti, round(d.lti, 3) AS lti,"
			" round(d.cutoff_pd, 4) AS cutoff_pd, d.cutoff_score, d.note"
			" FROM credit_requests r JOIN decisions d ON d.id = r.decision_id"
			" WHERE r.id = ?1",
			id) ||
	    emit_table(ctx, "records",
		       "SELECT e.source, e.key, e.fetched_at, CAST(julianday('now') -"
		       " julianday(e.fetched_at) AS INTEGER) AS age_days, e.payload"
		       " FROM credit_requests r JOIN external_records e"
		       " ON e.customer_id = r.customer_id WHERE r.id = ?1"
		       " ORDER BY e.source, e.key",
		       id, rec_kinds) ||
	    emit_table(ctx, "rules",
		       "SELECT j.value ->> 'code' AS code, j.value ->> 'action' AS action,"
		       " j.value ->> 'text' AS text, j.value ->> 'value' AS value"
		       " FROM credit_requests r, json_each(coalesce(r.rules, '[]')) j"
		       " WHERE r.id = ?1 ORDER BY j.key",
		       id, rule_kinds) ||
	    emit_table(ctx, "reasons",
		       "SELECT j.value ->> 'code' AS code, j.value ->> 'text' AS reason,"
		       " j.value ->> 'feature' AS feature, j.value ->> 'value' AS value,"
		       " j.value ->> 'points' AS points_lost"
		       " FROM credit_requests r, json_each(coalesce(r.reasons, '[]')) j"
		       " WHERE r.id = ?1 ORDER BY j.key",
		       id, reason_kinds) ||
	    emit_table(ctx, "decisions",
		       "SELECT d.id, d.decided_at, d.origin, d.status, d.score, d.band,"
		       " round(d.pd, 4) AS pd, u.user, d.run_id AS run, d.note"
		       " FROM decisions d LEFT JOIN runs u ON u.id = d.run_id"
		       " WHERE d.request_id = ?1 ORDER BY d.id",
		       id, dec_kinds))
		return RD_FAILED;
	return RD_OK;
}

const struct rd_cmd cmd_request = {
	.name = "request",
	.usage = "ID",
	.summary = "one credit request: applicant, derived values, records, rules, decisions",
	.help = "The request; its applicant's profile as it stands (score, band, PD, segment); "
		"the latest decision with the values the policy derived (monthly payment, DTI, "
		"PTI, LTI) and the cut-off; the applicant's external records with their age in "
		"days; the rules that fired and the score's reasons; and every decision made on "
		"it, oldest first, with the user of its run and an override's note.",
	.min_args = 1,
	.max_args = 1,
	.exec = exec_request,
};

/* ---- decide ID approve|decline --note TEXT [--force] ---- */

static const char *const decide_words[] = {"approve", "decline", NULL};

/* 0 when note is one a decision can keep: some non-blank text, no control characters,
 * valid UTF-8, at most NOTE_MAX bytes; else -1 with ctx->err. */
static int note_check(struct rd_ctx *ctx, const char *note)
{
	size_t len = strlen(note), blank = strspn(note, " \t");
	if (blank == len) {
		rd_err_set(&ctx->err, "decide: --note needs the reason for the decision "
				      "(it is kept with it)");
		return -1;
	}
	if (len > NOTE_MAX) {
		rd_err_set(&ctx->err, "decide: the note is %zu bytes; at most %d", len, NOTE_MAX);
		return -1;
	}
	for (const unsigned char *c = (const unsigned char *)note; *c; c++)
		if (*c < 0x20 || *c == 0x7f) {
			rd_err_set(&ctx->err, "decide: the note holds a control character (one "
					      "line of text)");
			return -1;
		}
	if (!utf8_valid(note, len)) {
		rd_err_set(&ctx->err, "decide: the note is not UTF-8 text");
		return -1;
	}
	return 0;
}

extern const struct rd_cmd cmd_decide;
static int exec_override(struct rd_ctx *ctx, const char *id, enum rd_request_decision d,
			 const char *note, int force);

static int exec_decide(struct rd_ctx *ctx, const struct rd_args *a)
{
	const char *id = a->argv[0], *verb = a->argv[1], *note = args_opt(a, "note");
	int force = args_opt(a, "force") != NULL;
	char e[RD_ECHO_SIZE];
	enum rd_request_decision d;
	if (strcmp(verb, "approve") == 0) {
		d = REQUEST_DECISION_APPROVED;
	} else if (strcmp(verb, "decline") == 0) {
		d = REQUEST_DECISION_DECLINED;
	} else {
		rd_err_set(&ctx->err, "decide: %s is not approve or decline",
			   rd_echo(e, verb, strlen(verb)));
		return RD_USAGE;
	}
	if (!note) {
		rd_err_set(&ctx->err, "decide: --note TEXT is required: the reason for the "
				      "decision, kept with it");
		return RD_USAGE;
	}
	/* The words after --note TEXT are the note's too, so that it need not be quoted at
	 * the prompt (A and D in the Requests pane leave the line at --note). */
	char *whole = NULL;
	if (a->argc > 2) {
		const char *at = strstr(a->line, "--note");
		if (!at || at - a->line > a->start[2]) {
			rd_err_set(&ctx->err, "usage: decide %s", cmd_decide.usage);
			return RD_USAGE;
		}
		struct rd_buf b = {0};
		buf_puts(&b, note);
		for (int i = 2; i < a->argc; i++)
			buf_printf(&b, " %s", a->argv[i]);
		note = whole = b.data;
	}
	int rc = exec_override(ctx, id, d, note, force);
	free(whole);
	return rc;
}

/* The override itself, once the words are checked. An rd_status. */
static int exec_override(struct rd_ctx *ctx, const char *id, enum rd_request_decision d,
			 const char *note, int force)
{
	int status = RD_FAILED;
	char e[RD_ECHO_SIZE];
	if (note_check(ctx, note))
		return RD_USAGE;
	struct rd_run own, *run = NULL;
	sqlite3_stmt *s = NULL;
	if (!(run = run_enter(ctx, &own, "decide", &ctx->err)) ||
	    store_begin(ctx->store, &ctx->err))
		goto out;
	/* The status read in the write transaction: nobody decides it meanwhile. */
	if (store_prepare(ctx->store, "SELECT status FROM credit_requests WHERE id = ?1", &s,
			  &ctx->err))
		goto out;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		rd_err_set(&ctx->err, "decide: no request %s (see 'requests')",
			   rd_echo(e, id, strlen(id)));
		goto out;
	}
	if (rc != SQLITE_ROW) {
		store_fail(ctx->store, &ctx->err, "decide");
		goto out;
	}
	char was[16];
	snprintf(was, sizeof was, "%s", col_text(s, 0));
	sqlite3_finalize(s);
	s = NULL;
	int decided = strcmp(was, "approved") == 0 || strcmp(was, "declined") == 0;
	if (decided && !force) {
		rd_err_set(&ctx->err,
			   "decide: request %s is %s already; --force overrides a final decision",
			   rd_echo(e, id, strlen(id)), was);
		goto out;
	}
	if (decide_override(ctx->store, id, d, note, run->id, &ctx->err))
		goto out;
	const char *now = vocab_name(&vocab_request_status, vocab_request_decided(d));
	char msg[RD_ECHO_SIZE + 80];
	snprintf(msg, sizeof msg, "%s %s by override (was %s)", rd_echo(e, id, strlen(id)), now,
		 was);
	if (run_finish_ok(ctx, run, 1, msg, &ctx->err) || store_commit(ctx->store, &ctx->err))
		goto out;
	sink_message(ctx->out, "%s; the note is kept with the decision", msg);
	status = RD_OK;
out:
	sqlite3_finalize(s);
	if (run) {
		store_rollback(ctx->store);
		run_leave(ctx, &own, status);
	}
	return status;
}

static const struct rd_opt decide_opts[] = {
	{"note", "TEXT", "why (required): kept with the decision"},
	{"force", NULL, "override a request already approved or declined"},
	{NULL, NULL, NULL},
};

static const struct rd_arg decide_args[] = {
	{.at = 1, .values = {.type = RD_ARG_WORD, .words = decide_words}},
	RD_ARGS_END,
};

const struct rd_cmd cmd_decide = {
	.name = "decide",
	.usage = "ID approve|decline [--force] --note TEXT...",
	.summary = "an analyst's decision on a referred or pending request, with a note (audited)",
	.help = "Overrides the policy: request ID becomes approved or declined, and a row of "
		"the decisions table records it (origin override, the note, the run, whose row "
		"and audit row name the OS user), keeping the score, rules and reasons of the "
		"decision before it. The note is required: one line of text saying why; the "
		"words after --note are all the note's, so it needs no quotes when it comes last. "
		"A "
		"request already approved or declined is refused unless --force (a decision "
		"reversed on appeal). In the console's Requests pane, A and D open the prompt "
		"with this command for the selected request.",
	.min_args = 2,
	.max_args = -1,
	.flags = CMD_WRITES,
	.opts = decide_opts,
	.args = decide_args,
	.exec = exec_decide,
};

/* ---- decisions [--by band|segment|kind] ---- */

/* A rate as a percentage with one decimal ("" when there is none): a number in JSON. */
static void pct(double r, char *out, size_t n)
{
	if (isnan(r))
		out[0] = '\0';
	else
		snprintf(out, n, "%.1f", 100.0 * r);
}

static int exec_decisions(struct rd_ctx *ctx, const struct rd_args *a)
{
	const char *by = args_opt(a, "by");
	int k = QUEUE_BY_BAND;
	if (by) {
		for (k = 0; queue_by_names[k] && strcmp(queue_by_names[k], by) != 0; k++)
			;
		if (!queue_by_names[k]) {
			char e[RD_ECHO_SIZE];
			rd_err_set(&ctx->err, "decisions: --by %s: band, segment or kind",
				   rd_echo(e, by, strlen(by)));
			return RD_USAGE;
		}
	}
	struct queue_rate *v;
	size_t n;
	if (queue_rates(ctx->store, (enum queue_by)k, &v, &n, &ctx->err))
		return RD_FAILED;
	const char *cols[] = {queue_by_names[k], "decided",      "approved",
			      "referred",        "declined",     "overridden",
			      "approval_pct",    "referral_pct", "override_pct"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_NUM, COL_NUM, COL_NUM, COL_NUM,
						 COL_NUM,  COL_NUM, COL_NUM, COL_NUM};
	sink_table_begin(ctx->out, "decisions", 9, cols, kinds);
	for (size_t i = 0; i < n; i++) {
		const struct queue_rate *q = &v[i];
		char c[5][24], r[3][16];
		int64_t counts[] = {q->decided, q->approved, q->referred, q->declined,
				    q->overridden};
		for (int j = 0; j < 5; j++)
			snprintf(c[j], sizeof c[j], "%lld", (long long)counts[j]);
		pct(q->approval_rate, r[0], sizeof r[0]);
		pct(q->referral_rate, r[1], sizeof r[1]);
		pct(q->override_rate, r[2], sizeof r[2]);
		const char *row[] = {q->group[0] ? q->group : "none",
				     c[0],
				     c[1],
				     c[2],
				     c[3],
				     c[4],
				     r[0],
				     r[1],
				     r[2]};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);
	free(v);
	return RD_OK;
}

static const struct rd_opt decisions_opts[] = {
	{"by", "B", "group by band (the default), segment or kind"},
	{NULL, NULL, NULL},
};

static const struct rd_arg decisions_args[] = {
	{.opt = "by", .values = {.type = RD_ARG_WORD, .words = queue_by_names}},
	RD_ARGS_END,
};

const struct rd_cmd cmd_decisions = {
	.name = "decisions",
	.usage = "[--by band|segment|kind]",
	.summary = "approval, referral and override rates of the decided requests, by band",
	.help = "Per band of the decision (or the applicant's segment, or kind) and for all: the "
		"requests riskdesk decided whose decision stands (not pending again), how many "
		"are approved, referred (still waiting) and declined now, and how many an analyst "
		"overrode; then, in percent of those decided, the approval rate (approved now), "
		"the referral rate (those the policy referred: it does not fall as the queue is "
		"worked) and the override rate. docs/methodology.md, section 13.",
	.min_args = 0,
	.max_args = 0,
	.opts = decisions_opts,
	.args = decisions_args,
	.exec = exec_decisions,
};
