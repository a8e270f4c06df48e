/* The review queue (queue.h): the requests in the order an analyst works them, and the
 * approval, referral and override rates. The SQL is fixed text; the filter's values are
 * bound (expr.h), never pasted. */
#include "riskdesk/queue.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/expr.h"
#include "riskdesk/vocab.h"

sqlite3_stmt *queue_prepare(struct rd_store *st, const struct queue_filter *f, struct rd_err *err)
{
	struct rd_buf sql = {0};
	sqlite3_stmt *s = NULL;
	int status = f->status ? vocab_find(&vocab_request_status, f->status) : -1;
	if (f->status && status < 0) {
		char e[RD_ECHO_SIZE], list[128];
		rd_err_set(err, "status %s is not %s", rd_echo(e, f->status, strlen(f->status)),
			   vocab_list(&vocab_request_status, " or ", list, sizeof list));
		return NULL;
	}
	/* c and p are the names the where language compiles to (expr.h). */
	buf_puts(&sql, "SELECT r.id, r.customer_id AS customer, c.name, c.kind, r.amount,"
		       " r.term_months AS term, r.status, r.score, r.band, r.pd, r.decided_at,"
		       " d.origin"
		       " FROM credit_requests r JOIN customers c ON c.id = r.customer_id"
		       " LEFT JOIN credit_profiles p ON p.customer_id = r.customer_id"
		       " LEFT JOIN decisions d ON d.id = r.decision_id WHERE 1");
	if (f->status)
		buf_puts(&sql, " AND r.status = ?");
	if (f->where)
		buf_printf(&sql, " AND %s", expr_sql(f->where));
	buf_puts(&sql, " ORDER BY CASE r.status WHEN 'referred' THEN 0 WHEN 'pending' THEN 1"
		       " ELSE 2 END,"
		       " CASE WHEN r.status IN ('referred', 'pending') THEN r.created_at END,"
		       " r.decided_at DESC, r.created_at DESC, r.id LIMIT ?");
	if (store_prepare(st, sql.data, &s, err))
		goto out;
	int at = 1;
	if (f->status)
		sqlite3_bind_text(s, at++, vocab_name(&vocab_request_status, status), -1,
				  SQLITE_STATIC);
	if (f->where)
		at += expr_bind(f->where, s, at);
	sqlite3_bind_int64(s, at, f->limit);
out:
	buf_free(&sql);
	return s;
}

const char *const queue_by_names[] = {"band", "segment", "kind", NULL};

/* The column of each grouping: a fixed map, so no user text reaches the SQL. */
static const char *const by_sql[QUEUE_BYS] = {
	[QUEUE_BY_BAND] = "r.band",
	[QUEUE_BY_SEGMENT] = "p.segment",
	[QUEUE_BY_KIND] = "c.kind",
};

static void rates_of(struct queue_rate *q)
{
	double n = (double)q->decided;
	q->approval_rate = q->decided ? (double)q->approved / n : NAN;
	q->referral_rate = q->decided ? (double)q->policy_referred / n : NAN;
	q->override_rate = q->decided ? (double)q->overridden / n : NAN;
}

int queue_rates(struct rd_store *st, enum queue_by by, struct queue_rate **rows, size_t *n,
		struct rd_err *err)
{
	struct rd_buf sql = {0};
	sqlite3_stmt *s = NULL;
	struct queue_rate total = {.group = "all"};
	size_t cap = 8, used = 0;
	struct queue_rate *v = rd_calloc(cap, sizeof *v);
	int rc = -1;
	/* Decided: riskdesk's decision stands (the request points at its row and is no longer
	 * pending). The policy's verdict: its latest decision of origin policy. */
	buf_printf(&sql,
		   "WITH d AS (SELECT %s AS g, r.status,"
		   " (SELECT x.status FROM decisions x WHERE x.request_id = r.id"
		   " AND x.origin = 'policy' ORDER BY x.id DESC LIMIT 1) AS verdict,"
		   " o.origin FROM credit_requests r JOIN decisions o ON o.id = r.decision_id"
		   " JOIN customers c ON c.id = r.customer_id"
		   " LEFT JOIN credit_profiles p ON p.customer_id = r.customer_id"
		   " WHERE r.status <> 'pending')"
		   " SELECT g, count(*), sum(status = 'approved'), sum(status = 'referred'),"
		   " sum(status = 'declined'), sum(verdict IS 'referred'), sum(origin = 'override')"
		   " FROM d GROUP BY g ORDER BY g IS NULL, g",
		   by_sql[by]);
	if (store_prepare(st, sql.data, &s, err))
		goto out;
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		if (used + 1 == cap)
			v = rd_realloc(v, (cap *= 2) * sizeof *v);
		struct queue_rate *q = &v[used++];
		memset(q, 0, sizeof *q);
		const unsigned char *g = sqlite3_column_text(s, 0);
		snprintf(q->group, sizeof q->group, "%s", g ? (const char *)g : "");
		q->decided = sqlite3_column_int64(s, 1);
		q->approved = sqlite3_column_int64(s, 2);
		q->referred = sqlite3_column_int64(s, 3);
		q->declined = sqlite3_column_int64(s, 4);
		q->policy_referred = sqlite3_column_int64(s, 5);
		q->overridden = sqlite3_column_int64(s, 6);
		rates_of(q);
		total.decided += q->decided;
		total.approved += q->approved;
		total.referred += q->referred;
		total.declined += q->declined;
		total.policy_referred += q->policy_referred;
		total.overridden += q->overridden;
	}
	if (step != SQLITE_DONE) {
		store_fail(st, err, "decisions");
		goto out;
	}
	rates_of(&total);
	v[used++] = total;
	rc = 0;
out:
	sqlite3_finalize(s);
	buf_free(&sql);
	if (rc) {
		free(v);
		v = NULL;
		used = 0;
	}
	*rows = v;
	*n = used;
	return rc;
}
