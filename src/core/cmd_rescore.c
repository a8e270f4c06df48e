/* rescore pending [--limit N]: decide the pending credit requests through the serving policy
 * and write the decisions, in one transaction; score --request FILE [--out FILE], or score
 * --customer ID --amount A --term N: the same decisions for the requests of a file or one
 * application typed at the prompt, written nowhere in the store (decide.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_util.h"
#include "riskdesk/decide.h"
#include "riskdesk/featscan.h"
#include "riskdesk/journal.h"
#include "riskdesk/load.h"
#include "riskdesk/profile.h"

/* The requests to decide, and their texts. */
struct requests {
	struct decide_request *v;
	size_t n, cap;
	struct rd_buf ids; /* "id\0customer\0" back to back: v[] points in once it is complete */
	size_t *at;        /* per request: its id's offset in ids */
};

static void requests_add(struct requests *q, const char *id, size_t idlen, const char *cust,
			 size_t custlen, const struct policy_application *app)
{
	if (q->n == q->cap) {
		q->cap = q->cap ? 2 * q->cap : 256;
		q->v = rd_realloc(q->v, q->cap * sizeof *q->v);
		q->at = rd_realloc(q->at, q->cap * sizeof *q->at);
	}
	q->at[q->n] = q->ids.len;
	buf_append(&q->ids, id, idlen);
	buf_putc(&q->ids, '\0');
	buf_append(&q->ids, cust, custlen);
	buf_putc(&q->ids, '\0');
	q->v[q->n++] = (struct decide_request){.app = *app};
}

/* Points the requests at their texts, which no longer move. */
static void requests_done(struct requests *q)
{
	for (size_t i = 0; i < q->n; i++) {
		q->v[i].id = q->ids.data + q->at[i];
		q->v[i].customer_id = q->v[i].id + strlen(q->v[i].id) + 1;
	}
}

static void requests_free(struct requests *q)
{
	free(q->v);
	free(q->at);
	buf_free(&q->ids);
}

static void on_progress(void *ud, const char *phase, int64_t done, int64_t total)
{
	struct rd_ctx *ctx = ud;
	sink_progress(ctx->out, phase, done, total);
}

/* The as-of day of --as-of, else the setting (as recompute). 0 or -1. */
static int as_of_of(struct rd_ctx *ctx, const struct rd_args *a, int64_t *day)
{
	const char *as_of = args_opt(a, "as-of");
	return features_as_of(ctx->store, as_of ? as_of : ctx->settings.as_of, day, &ctx->err);
}

/* ---- rescore pending ---- */

struct rescore {
	struct rd_ctx *ctx;
	struct decide_writer *writer;
	const struct rd_policy *policy;
	int64_t decided[REQUEST_DECISIONS];
	int64_t fired[POLICY_RULES_MAX];
	int64_t undecided;
};

static int rescore_visit(void *ud, const struct decide_request *req, const struct decide_outcome *o)
{
	struct rescore *r = ud;
	if (!o) {
		r->undecided++; /* stays pending */
		return 0;
	}
	if (decide_write(r->writer, req, o, &r->ctx->err))
		return 1;
	r->decided[o->decision.status]++;
	for (int i = 0; i < o->decision.nfired; i++)
		r->fired[o->decision.fired[i].rule]++;
	return 0;
}

/* The pending requests, the oldest first (at most limit; -1: all). 0 or -1. */
static int read_pending(struct rd_ctx *ctx, int64_t limit, struct requests *q)
{
	sqlite3_stmt *s;
	if (store_prepare(ctx->store,
			  "SELECT id, customer_id, amount, term_months, yearly_income, "
			  "existing_debt"
			  " FROM credit_requests WHERE status = 'pending'"
			  " ORDER BY created_at, id LIMIT ?1",
			  &s, &ctx->err))
		return -1;
	sqlite3_bind_int64(s, 1, limit);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct policy_application app = {
			.amount = sqlite3_column_double(s, 2),
			.term_months = sqlite3_column_int(s, 3),
			.yearly_income = sqlite3_column_type(s, 4) == SQLITE_NULL
						 ? NAN
						 : sqlite3_column_double(s, 4),
			.existing_debt = sqlite3_column_type(s, 5) == SQLITE_NULL
						 ? NAN
						 : sqlite3_column_double(s, 5),
		};
		requests_add(q, col_text(s, 0), (size_t)sqlite3_column_bytes(s, 0), col_text(s, 1),
			     (size_t)sqlite3_column_bytes(s, 1), &app);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(ctx->store, &ctx->err, "reading the pending requests");
	requests_done(q);
	return 0;
}

static void rescore_report(struct rd_ctx *ctx, const struct rescore *r, int version,
			   int64_t as_of_day, double secs)
{
	int64_t total = 0;
	for (int i = 0; i < REQUEST_DECISIONS; i++)
		total += r->decided[i];
	static const char *const cols[] = {"decision", "requests", "share"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_NUM, COL_NUM};
	sink_table_begin(ctx->out, "decisions", 3, cols, kinds);
	for (int i = 0; i < REQUEST_DECISIONS; i++) {
		char n[24], share[24];
		snprintf(n, sizeof n, "%lld", (long long)r->decided[i]);
		snprintf(share, sizeof share, "%.1f%%",
			 total ? 100.0 * (double)r->decided[i] / (double)total : 0.0);
		const char *row[] = {vocab_name(&vocab_request_decision, i), n, share};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);
	static const char *const rcols[] = {"rule", "action", "fired"};
	static const enum rd_col_kind rkinds[] = {COL_TEXT, COL_TEXT, COL_NUM};
	sink_table_begin(ctx->out, "rules", 3, rcols, rkinds);
	for (int i = 0; i < r->policy->nrules; i++) {
		char n[24];
		snprintf(n, sizeof n, "%lld", (long long)r->fired[i]);
		const char *row[] = {r->policy->rules[i].code,
				     vocab_name(&vocab_policy_action,
						(int)r->policy->rules[i].action),
				     n};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);
	char day[11];
	day_format(as_of_day, day);
	sink_message(ctx->out, "decided %lld pending requests in %.2f s (policy v%d, as of %s)",
		     (long long)total, secs, version, day);
	if (r->undecided)
		sink_message(ctx->out,
			     "%lld requests stay pending: their customers were created after %s",
			     (long long)r->undecided, day);
}

static int rescore_pending(struct rd_ctx *ctx, const struct rd_args *a)
{
	struct requests q = {0};
	struct rescore r = {.ctx = ctx};
	struct decider *d = NULL;
	struct rd_run own, *run = NULL;
	int64_t as_of_day, limit = -1;
	int status = RD_FAILED;
	const char *lim = args_opt(a, "limit");
	uint64_t n;
	if (lim) {
		if (cmd_parse_uint(lim, 1, INT64_MAX, &n)) {
			rd_err_set(&ctx->err, "rescore: --limit takes a whole number of 1 or more");
			return RD_USAGE;
		}
		limit = (int64_t)n;
	}
	if (as_of_of(ctx, a, &as_of_day) || !(d = decider_new(ctx->store, &ctx->err)))
		goto out;
	r.policy = decider_policy(d);
	if (!(run = run_enter(ctx, &own, "rescore", &ctx->err)) ||
	    store_begin(ctx->store, &ctx->err) || read_pending(ctx, limit, &q) ||
	    !(r.writer = decide_writer_new(ctx->store, d, run->id, as_of_day, &ctx->err)))
		goto out;
	struct decide_job job = {
		.as_of_day = as_of_day,
		.cancel = ctx->cancel,
		.progress = on_progress,
		.visit = rescore_visit,
		.ud = &r,
	};
	int rc = decider_run(d, q.v, q.n, &job, &ctx->err);
	if (rc < 0 || (rc == 1 && ctx->err.msg[0]))
		goto out;
	if (rc == 1) {
		rd_err_set(&ctx->err, "rescore cancelled: nothing was changed");
		goto out;
	}
	if (decide_writer_finish(r.writer, &ctx->err))
		goto out;
	int64_t decided = (int64_t)q.n - r.undecided;
	char msg[160];
	snprintf(msg, sizeof msg, "%lld approved, %lld referred, %lld declined (policy v%d)",
		 (long long)r.decided[REQUEST_DECISION_APPROVED],
		 (long long)r.decided[REQUEST_DECISION_REFERRED],
		 (long long)r.decided[REQUEST_DECISION_DECLINED], decider_policy_version(d));
	if (run_finish_ok(ctx, run, decided, msg, &ctx->err) || store_commit(ctx->store, &ctx->err))
		goto out;
	rescore_report(ctx, &r, decider_policy_version(d), as_of_day, now_seconds() - run->t0);
	status = RD_OK;
out:
	if (run) {
		store_rollback(ctx->store);
		run_leave(ctx, &own, status);
	}
	decide_writer_free(r.writer);
	decider_free(d);
	requests_free(&q);
	return status;
}

static int exec_rescore(struct rd_ctx *ctx, const struct rd_args *a)
{
	if (strcmp(a->argv[0], "pending") != 0) {
		rd_err_set(&ctx->err, "usage: rescore pending [--limit N] [--as-of DATE]");
		return RD_USAGE;
	}
	return rescore_pending(ctx, a);
}

static const struct rd_opt rescore_opts[] = {
	{"limit", "N", "decide at most the N oldest pending requests"},
	{"as-of", "DATE", "compute the applicants' features from the events on or before DATE"},
	{NULL, NULL, NULL},
};

static const struct rd_arg rescore_args[] = {
	{.at = 0, .values = {.type = RD_ARG_WORD, .words = (const char *const[]){"pending", NULL}}},
	RD_ARGS_END,
};

const struct rd_cmd cmd_rescore = {
	.name = "rescore",
	.usage = "pending [--limit N] [--as-of DATE]",
	.summary = "decide the pending credit requests through the policy (audited)",
	.help = "Scores each pending request's applicant as 'recompute' would (features as of "
		"the dataset's as-of date, the serving models), reads the applicant's external "
		"records, and applies the serving policy ('policy'): approved, referred or "
		"declined, with the score, PD, band, reasons and the rules that fired stored on "
		"the request and in a row of the decisions table, all in one transaction with one "
		"run and one audit row (a cancelled or failed rescore changes nothing). The oldest "
		"requests go first; --limit N decides N of them. Profiles are not rewritten. A "
		"request whose customer was created after the as-of date stays pending.",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_WRITES | CMD_LONG,
	.opts = rescore_opts,
	.args = rescore_args,
	.exec = exec_rescore,
};

/* ---- score --request FILE ---- */

struct from_file {
	struct requests q;
	int col[9]; /* id, customer_id, amount, term_months, yearly_income, existing_debt */
};

static int file_visit(void *ud, int64_t line, const struct load_value *v)
{
	struct from_file *f = ud;
	(void)line;
	struct policy_application app = {
		.amount = v[f->col[2]].num,
		.term_months = (int)v[f->col[3]].num,
		.yearly_income = v[f->col[4]].num,
		.existing_debt = v[f->col[5]].num,
	};
	requests_add(&f->q, v[f->col[0]].s, v[f->col[0]].len, v[f->col[1]].s, v[f->col[1]].len,
		     &app);
	return 0;
}

struct scored {
	struct rd_ctx *ctx;
	sqlite3_stmt *ins;
	const struct decide_request *first; /* reqs[0]: a request's place in the file */
	const struct rd_policy *policy;
	struct rd_buf rules, codes, reasons;
	int64_t undecided;
};

static int score_visit(void *ud, const struct decide_request *req, const struct decide_outcome *o)
{
	struct scored *sc = ud;
	sqlite3_stmt *s = sc->ins;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)(req - sc->first));
	sqlite3_bind_text(s, 2, req->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, req->customer_id, -1, SQLITE_STATIC);
	for (int k = 4; k <= 16; k++)
		sqlite3_bind_null(s, k);
	char band[2] = "", model[PROFILE_MODEL_SIZE + 16];
	if (o) {
		const struct engine_result *r = o->score;
		const struct policy_derived *x = &o->facts.derived;
		buf_reset(&sc->rules);
		buf_reset(&sc->codes);
		buf_reset(&sc->reasons);
		policy_fired_json(sc->policy, &o->decision, &sc->rules);
		policy_fired_codes(sc->policy, &o->decision, &sc->codes);
		profile_reasons_json(&sc->reasons, &r->score);
		band[0] = r->score.band;
		band[1] = '\0';
		profile_model_label(r->model_name, r->model_version, model, sizeof model);
		sqlite3_bind_text(s, 4,
				  vocab_name(&vocab_request_decision, (int)o->decision.status), -1,
				  SQLITE_STATIC);
		sqlite3_bind_int(s, 5, r->score.score);
		sqlite3_bind_text(s, 6, band, -1, SQLITE_STATIC);
		sqlite3_bind_double(s, 7, r->score.pd);
		if (!isnan(o->decision.cutoff_pd))
			sqlite3_bind_double(s, 8, o->decision.cutoff_pd);
		sqlite3_bind_text(s, 9, model, -1, SQLITE_STATIC);
		double num[] = {x->dti, x->pti, x->lti, x->monthly_payment};
		for (int k = 0; k < 4; k++)
			if (!isnan(num[k]))
				sqlite3_bind_double(s, 10 + k, num[k]);
		sqlite3_bind_text(s, 14, sc->codes.data, (int)sc->codes.len, SQLITE_STATIC);
		sqlite3_bind_text(s, 15, sc->rules.data, (int)sc->rules.len, SQLITE_STATIC);
		sqlite3_bind_text(s, 16, sc->reasons.data, (int)sc->reasons.len, SQLITE_STATIC);
	} else {
		sc->undecided++;
	}
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_fail(sc->ctx->store, &sc->ctx->err, "score");
		return 1;
	}
	return 0;
}

/* One option of an application typed at the prompt: a number the loader would take in that
 * column (positive: the amount asked for; else >= 0), NaN when optional and not given. */
static int prompt_amount(struct rd_ctx *ctx, const struct rd_args *a, const char *opt, int required,
			 int positive, double *out)
{
	const char *v = args_opt(a, opt);
	*out = NAN;
	if (!v) {
		if (required)
			rd_err_set(&ctx->err, "score: --%s is required with --customer", opt);
		return required ? -1 : 0;
	}
	char shown[RD_ECHO_SIZE];
	if (num_parse(v, strlen(v), out))
		rd_err_set(&ctx->err, "score: --%s: %s is not a number", opt,
			   rd_echo(shown, v, strlen(v)));
	else if (positive ? !(*out > 0) : *out < 0)
		rd_err_set(&ctx->err, "score: --%s: %s is not %s", opt,
			   rd_echo(shown, v, strlen(v)),
			   positive ? "positive (an amount asked for is > 0)" : "an amount >= 0");
	else
		return 0;
	return -1;
}

/* score --customer ID --amount A --term N [--income Y] [--debt D]: one application, checked as
 * `load credit_requests` checks a row, with the id "prompt". */
static int request_from_prompt(struct rd_ctx *ctx, const struct rd_args *a, struct requests *q)
{
	const char *customer = args_opt(a, "customer"), *term = args_opt(a, "term");
	struct policy_application app = {0};
	char shown[RD_ECHO_SIZE];
	if (prompt_amount(ctx, a, "amount", 1, 1, &app.amount))
		return -1;
	if (!term) {
		rd_err_set(&ctx->err, "score: --term is required with --customer");
		return -1;
	}
	if ((app.term_months = load_months_parse(term, strlen(term))) < 0) {
		rd_err_set(&ctx->err,
			   "score: --term: %s is not a whole number of months from 1 to 1200",
			   rd_echo(shown, term, strlen(term)));
		return -1;
	}
	if (prompt_amount(ctx, a, "income", 0, 0, &app.yearly_income) ||
	    prompt_amount(ctx, a, "debt", 0, 0, &app.existing_debt))
		return -1;
	sqlite3_stmt *s;
	if (store_prepare(ctx->store, "SELECT 1 FROM customers WHERE id = ?1", &s, &ctx->err))
		return -1;
	sqlite3_bind_text(s, 1, customer, -1, SQLITE_STATIC);
	int known = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	if (!known) {
		rd_err_set(&ctx->err, "score: --customer: unknown customer %s",
			   rd_echo(shown, customer, strlen(customer)));
		return -1;
	}
	requests_add(q, "prompt", strlen("prompt"), customer, strlen(customer), &app);
	return 0;
}

static int exec_score(struct rd_ctx *ctx, const struct rd_args *a)
{
	const char *path = args_opt(a, "request"), *out = args_opt(a, "out");
	struct from_file f = {0};
	struct scored sc = {.ctx = ctx};
	struct decider *d = NULL;
	sqlite3_stmt *sel = NULL;
	int64_t as_of_day;
	int status = RD_FAILED;
	const char *customer = args_opt(a, "customer");
	if (!path == !customer) {
		rd_err_set(&ctx->err,
			   "usage: score --request FILE | --customer ID --amount A --term N"
			   " [--income Y] [--debt D]; [--out FILE] [--as-of DATE]");
		return RD_USAGE;
	}
	static const char *const prompt_only[] = {"amount", "term", "income", "debt"};
	for (int k = 0; path && k < 4; k++)
		if (args_opt(a, prompt_only[k])) {
			rd_err_set(&ctx->err, "score: --%s goes with --customer, not --request",
				   prompt_only[k]);
			return RD_USAGE;
		}
	if (out && cmd_export_check(ctx, "score", out))
		return RD_USAGE;
	static const char *const cols[] = {"id",          "customer_id",   "amount",
					   "term_months", "yearly_income", "existing_debt"};
	for (int k = 0; k < 6; k++)
		f.col[k] = load_column_index("credit_requests", cols[k]);
	struct rd_job job = cmd_job(ctx);
	struct load_opts opts = {0};
	/* The file is hostile until read whole and checked, as `load credit_requests` checks it;
	 * nothing is decided before. */
	if (customer ? request_from_prompt(ctx, a, &f.q)
		     : load_read(&job, "credit_requests", path, &opts, file_visit, &f, &ctx->err))
		goto out;
	requests_done(&f.q);
	if (as_of_of(ctx, a, &as_of_day) || !(d = decider_new(ctx->store, &ctx->err)))
		goto out;
	sc.policy = decider_policy(d);
	sc.first = f.q.v;
	if (store_exec(ctx->store,
		       "CREATE TEMP TABLE IF NOT EXISTS scored_requests (seq INTEGER, request TEXT,"
		       " customer TEXT, decision TEXT, score INTEGER, band TEXT, pd REAL, cutoff_pd"
		       " REAL, model TEXT, dti REAL, pti REAL, lti REAL, monthly_payment REAL,"
		       " fired TEXT, rules TEXT, reasons TEXT, as_of TEXT);"
		       " DELETE FROM temp.scored_requests",
		       &ctx->err) ||
	    store_prepare(ctx->store,
			  "INSERT INTO temp.scored_requests VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
			  " ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
			  &sc.ins, &ctx->err))
		goto out;
	char day[11];
	day_format(as_of_day, day);
	sqlite3_bind_text(sc.ins, 17, day, -1, SQLITE_TRANSIENT);
	struct decide_job dj = {
		.as_of_day = as_of_day,
		.cancel = ctx->cancel,
		.progress = on_progress,
		.visit = score_visit,
		.ud = &sc,
	};
	int rc = decider_run(d, f.q.v, f.q.n, &dj, &ctx->err);
	if (rc < 0 || (rc == 1 && ctx->err.msg[0]))
		goto out;
	if (rc == 1) {
		rd_err_set(&ctx->err, "score cancelled");
		goto out;
	}
	int64_t rows;
	if (out) {
		if (store_prepare(ctx->store,
				  "SELECT request, customer, decision, score, band, pd, cutoff_pd,"
				  " model, dti, pti, lti, monthly_payment, rules, reasons, as_of"
				  " FROM temp.scored_requests ORDER BY seq",
				  &sel, &ctx->err) ||
		    cmd_export_rows(ctx, "score", sel, out, &rows))
			goto out;
		sink_message(ctx->out, "scored %lld request%s into %s (policy v%d, as of %s)",
			     (long long)rows, rows == 1 ? "" : "s", out, decider_policy_version(d),
			     day);
	} else {
		if (store_prepare(
			    ctx->store,
			    "SELECT request, customer, decision, score, band, round(pd, 4) AS pd,"
			    " round(dti, 3) AS dti, round(pti, 3) AS pti, round(lti, 3) AS lti,"
			    " fired AS rules FROM temp.scored_requests ORDER BY seq",
			    &sel, &ctx->err))
			goto out;
		static const enum rd_col_kind kinds[] = {COL_TEXT, COL_TEXT, COL_TEXT, COL_NUM,
							 COL_TEXT, COL_NUM,  COL_NUM,  COL_NUM,
							 COL_NUM,  COL_TEXT};
		if (cmd_emit_rows(ctx, sel, "decisions", kinds))
			goto out;
		sink_message(ctx->out,
			     "scored %lld request%s (policy v%d, as of %s); nothing stored",
			     (long long)f.q.n, f.q.n == 1 ? "" : "s", decider_policy_version(d),
			     day);
	}
	if (sc.undecided)
		sink_message(ctx->out, "%lld not scored: their customers were created after %s",
			     (long long)sc.undecided, day);
	status = RD_OK;
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(sc.ins);
	store_exec(ctx->store, "DROP TABLE IF EXISTS temp.scored_requests", &(struct rd_err){{0}});
	buf_free(&sc.rules);
	buf_free(&sc.codes);
	buf_free(&sc.reasons);
	decider_free(d);
	requests_free(&f.q);
	return status;
}

static const struct rd_opt score_opts[] = {
	{"request", "FILE",
	 "the requests to decide: CSV, JSON or NDJSON with credit_requests' columns"},
	{"customer", "ID", "instead of a file: one application of this customer, typed here"},
	{"amount", "A", "with --customer: the amount asked for (> 0)"},
	{"term", "N", "with --customer: the term in months (1 to 1200)"},
	{"income", "Y", "with --customer: the yearly income declared (>= 0)"},
	{"debt", "D", "with --customer: the existing debt declared (>= 0)"},
	{"out", "FILE", "write the decisions to FILE (.csv, .json or .ndjson) instead"},
	{"as-of", "DATE", "compute the applicants' features from the events on or before DATE"},
	{NULL, NULL, NULL},
};

static const struct rd_arg score_args[] = {
	{.opt = "request", .values = {.type = RD_ARG_FILE}},
	{.opt = "customer", .values = {.type = RD_ARG_CUSTOMER}},
	{.opt = "out", .values = {.type = RD_ARG_FILE}},
	RD_ARGS_END,
};

const struct rd_cmd cmd_score = {
	.name = "score",
	.usage = "--request FILE | --customer ID --amount A --term N [--income Y] [--debt D];"
		 " [--out FILE] [--as-of DATE]",
	.summary = "decide credit requests (a file's, or one typed) through the policy; nothing is "
		   "stored",
	.help = "Reads FILE as 'load credit_requests' would (CSV, JSON or NDJSON; every row "
		"checked, the customers must be in the store; one bad row and nothing is scored), "
		"and decides each request exactly as 'rescore pending' would — the applicant's "
		"score by the serving models, the external records, the serving policy — "
		"without writing anything to the store: the batch prediction applicant-facing "
		"systems ask for. The decisions go to the screen (decision, score, band, PD, "
		"dti, pti, lti and the rules that fired), or with --out to a file written whole "
		"with the cut-off, model, reasons and rules in full. With --customer instead of "
		"--request, one application typed at the prompt (amount, term in months, and the "
		"yearly income and existing debt when declared: without them the policy's income "
		"rules see them missing) is checked as the loader checks a row and decided the "
		"same way, as request 'prompt'.",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_LONG, /* a big file: progress, and Ctrl-C stops it */
	.opts = score_opts,
	.args = score_args,
	.exec = exec_score,
};
