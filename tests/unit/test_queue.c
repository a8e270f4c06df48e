/* The review queue (queue.h), the rates of `decisions`, and the analyst's override
 * (decide_override and the `decide` command): a constructed store whose every number is
 * known. */
#include "testutil.h"

#include <math.h>

#include "riskdesk/decide.h"
#include "riskdesk/expr.h"
#include "riskdesk/queue.h"

static const char setup_sql[] =
	"INSERT INTO customers(id, name, kind, created_at) VALUES"
	" ('C1', 'Anna', 'individual', '2020-01-01'), ('C2', 'Acme', 'company', '2020-01-01'),"
	" ('C3', 'Bob', 'individual', '2020-01-01');"
	"INSERT INTO credit_requests(id, customer_id, amount, term_months, status, created_at,"
	" decided_at, score, band, pd) VALUES"
	" ('R1', 'C1', 1000, 12, 'pending', '2025-01-03', NULL, NULL, NULL, NULL),"
	" ('R2', 'C2', 2000, 24, 'referred', '2025-01-05', '2025-02-05', 560, 'D', 0.08),"
	" ('R3', 'C3', 3000, 36, 'referred', '2025-01-01', '2025-02-05', 630, 'C', 0.03),"
	" ('R4', 'C1', 4000, 12, 'approved', '2025-01-02', '2025-02-01', 720, 'B', 0.01),"
	" ('R5', 'C3', 5000, 12, 'declined', '2025-01-04', '2025-02-03', 400, 'E', 0.4),"
	" ('R6', 'C2', 6000, 12, 'approved', '2024-12-01', NULL, NULL, NULL, NULL);"
	"INSERT INTO decisions(id, request_id, origin, status, decided_at, score, pd, band, dti,"
	" rules, reasons) VALUES"
	" (1, 'R2', 'policy', 'referred', '2025-02-05', 560, 0.08, 'D', 0.3, '[]', '[]'),"
	" (2, 'R3', 'policy', 'referred', '2025-02-05', 630, 0.03, 'C', 0.45,"
	"  '[{\"code\":\"REF-DTI\"}]', '[]'),"
	" (3, 'R4', 'policy', 'approved', '2025-02-01', 720, 0.01, 'B', 0.1, '[]', '[]'),"
	" (4, 'R5', 'policy', 'declined', '2025-02-03', 400, 0.4, 'E', 0.7, '[]', '[]');"
	"UPDATE credit_requests SET decision_id = substr(id, 2) - 1 WHERE id IN ('R2', 'R3',"
	" 'R4', 'R5');";

static struct rd_store *setup(void)
{
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	if (store_exec(st, setup_sql, &err))
		fail_msg("setup: %s", err.msg);
	return st;
}

/* The queue's ids joined by blanks. */
static void queue_ids(struct rd_store *st, const struct queue_filter *f, char *out, size_t n)
{
	struct rd_err err = {{0}};
	sqlite3_stmt *s = queue_prepare(st, f, &err);
	if (!s)
		fail_msg("queue_prepare: %s", err.msg);
	out[0] = '\0';
	while (sqlite3_step(s) == SQLITE_ROW) {
		size_t len = strlen(out);
		snprintf(out + len, n - len, "%s%s", len ? " " : "", sqlite3_column_text(s, 0));
	}
	sqlite3_finalize(s);
}

static void test_order_and_filters(void **state)
{
	(void)state;
	struct rd_store *st = setup();
	struct rd_err err = {{0}};
	char ids[256];
	/* Referred (oldest first), pending, then decided newest first; one decided by the
	 * source system (no decided_at) last. */
	queue_ids(st, &(struct queue_filter){.limit = -1}, ids, sizeof ids);
	assert_string_equal(ids, "R3 R2 R1 R5 R4 R6");
	queue_ids(st, &(struct queue_filter){.limit = 2}, ids, sizeof ids);
	assert_string_equal(ids, "R3 R2");
	queue_ids(st, &(struct queue_filter){.status = "approved", .limit = -1}, ids, sizeof ids);
	assert_string_equal(ids, "R4 R6");
	assert_null(queue_prepare(st, &(struct queue_filter){.status = "open", .limit = -1}, &err));
	assert_non_null(strstr(err.msg, "'open' is not pending, approved, referred or declined"));

	struct rd_expr *e = expr_compile("kind = company", st, &err);
	assert_non_null(e);
	queue_ids(st, &(struct queue_filter){.where = e, .limit = -1}, ids, sizeof ids);
	assert_string_equal(ids, "R2 R6");
	queue_ids(st, &(struct queue_filter){.where = e, .status = "referred", .limit = -1}, ids,
		  sizeof ids);
	assert_string_equal(ids, "R2");
	expr_free(e);
	/* Hostile text is a bound value: it matches nothing and runs nothing. */
	e = expr_compile("name = \"x') OR 1=1; DROP TABLE customers; --\"", st, &err);
	assert_non_null(e);
	queue_ids(st, &(struct queue_filter){.where = e, .limit = -1}, ids, sizeof ids);
	assert_string_equal(ids, "");
	expr_free(e);
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers"), 3);
	store_close(st);
}

static const struct queue_rate *group(const struct queue_rate *v, size_t n, const char *g)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].group, g) == 0)
			return &v[i];
	fail_msg("no group %s", g);
	return NULL;
}

static void test_rates_and_override(void **state)
{
	(void)state;
	struct rd_store *st = setup();
	struct rd_err err = {{0}};
	struct queue_rate *v;
	size_t n;
	assert_int_equal(queue_rates(st, QUEUE_BY_BAND, &v, &n, &err), 0);
	/* B C D E and the total; R1 (pending) and R6 (not decided by riskdesk) left out. */
	assert_int_equal(n, 5);
	assert_string_equal(v[0].group, "B");
	assert_string_equal(v[4].group, "all");
	const struct queue_rate *all = &v[4];
	assert_int_equal(all->decided, 4);
	assert_int_equal(all->approved, 1);
	assert_int_equal(all->referred, 2);
	assert_int_equal(all->declined, 1);
	assert_int_equal(all->policy_referred, 2);
	assert_int_equal(all->overridden, 0);
	assert_true(fabs(all->approval_rate - 0.25) < 1e-12);
	assert_true(fabs(all->referral_rate - 0.5) < 1e-12);
	assert_true(all->override_rate == 0);
	free(v);

	/* The analyst approves R3 (referred by the policy). */
	assert_int_equal(store_exec(st,
				    "INSERT INTO runs(id, kind, args, user, started_at, status)"
				    " VALUES (9, 'decide', 'decide', 'ana', '2025-03-01', 'ok')",
				    &err),
			 0);
	assert_int_equal(decide_override(st, "R3", REQUEST_DECISION_APPROVED, "payslip seen", 9,
					 &err),
			 0);
	assert_int_equal(test_int(st, "SELECT count(*) FROM decisions WHERE request_id = 'R3'"
				      " AND origin = 'override' AND status = 'approved'"
				      " AND note = 'payslip seen' AND run_id = 9 AND band = 'C'"
				      " AND score = 630 AND dti = 0.45 AND rules LIKE '%REF-DTI%'"),
			 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM credit_requests r JOIN decisions d"
				      " ON d.id = r.decision_id WHERE r.id = 'R3'"
				      " AND r.status = 'approved' AND d.origin = 'override'"
				      " AND r.decided_at = d.decided_at AND r.score = 630"),
			 1);
	/* A request that is none: refused, nothing written. */
	assert_int_equal(decide_override(st, "R9", REQUEST_DECISION_DECLINED, "x", 9, &err), -1);
	assert_non_null(strstr(err.msg, "no request 'R9'"));
	assert_int_equal(test_int(st, "SELECT count(*) FROM decisions"), 5);

	assert_int_equal(queue_rates(st, QUEUE_BY_BAND, &v, &n, &err), 0);
	const struct queue_rate *c = group(v, n, "C");
	assert_int_equal(c->decided, 1);
	assert_int_equal(c->approved, 1);
	assert_int_equal(c->referred, 0);
	assert_int_equal(c->policy_referred, 1); /* the policy's referral still counts */
	assert_int_equal(c->overridden, 1);
	all = group(v, n, "all");
	assert_true(fabs(all->approval_rate - 0.5) < 1e-12);
	assert_true(fabs(all->referral_rate - 0.5) < 1e-12);
	assert_true(fabs(all->override_rate - 0.25) < 1e-12);
	free(v);

	assert_int_equal(queue_rates(st, QUEUE_BY_KIND, &v, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(group(v, n, "company")->decided, 1);
	assert_int_equal(group(v, n, "individual")->decided, 3);
	free(v);
	/* No profiles: every request's segment is none. */
	assert_int_equal(queue_rates(st, QUEUE_BY_SEGMENT, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(group(v, n, "")->decided, 4);
	free(v);
	store_close(st);
}

/* What a refused `decide` must leave as it was. */
static const char state_sql[] =
	"SELECT (SELECT group_concat(id || status || coalesce(decided_at, '') ||"
	" coalesce(decision_id, ''), ' ') FROM credit_requests) ||"
	" (SELECT count(*) FROM decisions)";

static char *snapshot(struct rd_store *st)
{
	sqlite3_stmt *s;
	struct rd_err err = {{0}};
	assert_int_equal(store_prepare(st, state_sql, &s, &err), 0);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	char *out = rd_strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return out;
}

static void test_decide_command(void **state)
{
	(void)state;
	struct rd_store *st = setup();
	struct rd_err err = {{0}};
	char *before = snapshot(st);
	static const struct {
		const char *line;
		int status;
		const char *msg;
	} refused[] = {
		{"decide R3 approve", RD_USAGE, "--note TEXT is required"},
		{"decide R3 approve --note ''", RD_USAGE, "--note needs the reason"},
		{"decide R3 approve --note '   '", RD_USAGE, "--note needs the reason"},
		{"decide R3 approve --note 'two\nlines'", RD_USAGE, "control character"},
		{"decide R3 accept --note ok", RD_USAGE, "'accept' is not approve or decline"},
		{"decide R3 approve extra --note ok", RD_USAGE, "usage: decide"},
		{"decide R9 approve --note ok", RD_FAILED, "no request 'R9'"},
		{"decide R4 decline --note ok", RD_FAILED, "'R4' is approved already; --force"},
		{"decide R5 approve --note ok", RD_FAILED, "'R5' is declined already"},
		{"decide \"R3' OR 1=1 --\" approve --note ok", RD_FAILED, "no request"},
	};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		int rc = test_run(st, refused[i].line, &err);
		if (rc != refused[i].status || !strstr(err.msg, refused[i].msg))
			fail_msg("%s: %d %s", refused[i].line, rc, err.msg);
		char *now = snapshot(st);
		assert_string_equal(now, before);
		free(now);
	}
	free(before);
	/* Accepted: referred, pending, and a final decision with --force. */
	assert_int_equal(test_run(st, "decide R3 approve --note payslip  seen", &err), RD_OK);
	assert_int_equal(test_run(st, "decide R1 decline --note 'fraud suspected'", &err), RD_OK);
	assert_int_equal(test_run(st, "decide R4 decline --note 'appeal' --force", &err), RD_OK);
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM credit_requests WHERE"
				  " (id = 'R3' AND status = 'approved') OR (id = 'R1' AND"
				  " status = 'declined') OR (id = 'R4' AND status = 'declined')"),
			 3);
	/* R1 was never decided: its override carries no score. */
	assert_int_equal(test_int(st, "SELECT count(*) FROM decisions d JOIN credit_requests r"
				      " ON r.decision_id = d.id WHERE r.id = 'R1'"
				      " AND d.score IS NULL AND d.origin = 'override'"),
			 1);
	/* The words after --note are the note's. */
	assert_int_equal(test_int(st, "SELECT count(*) FROM decisions WHERE note = 'payslip seen'"),
			 1);
	/* Each one's run and audit row name the OS user and hold the line with the note. */
	char sql[512];
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM decisions d JOIN runs u ON u.id = d.run_id"
		 " WHERE d.origin = 'override' AND u.kind = 'decide' AND u.status = 'ok'"
		 " AND u.user = '%s' AND u.args LIKE 'decide %%' || substr(d.note, -4) || '%%'",
		 rd_user());
	assert_int_equal(test_int(st, sql), 3);
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM audit WHERE user = '%s' AND status = 'ok'"
		 " AND command IN ('decide R3 approve --note payslip  seen',"
		 " 'decide R1 decline --note ''fraud suspected''',"
		 " 'decide R4 decline --note ''appeal'' --force')",
		 rd_user());
	assert_int_equal(test_int(st, sql), 3);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_filters),
		cmocka_unit_test(test_rates_and_override),
		cmocka_unit_test(test_decide_command),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
