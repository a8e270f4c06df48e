/* The review queue of credit requests (issue 13, item 6): the one query behind `requests`
 * and the console's Requests pane, and the approval, referral and override rates behind
 * `decisions` and the pane's foot (docs/methodology.md, section 13). Decisions themselves
 * are written by decide.h. */
#ifndef RISKDESK_QUEUE_H
#define RISKDESK_QUEUE_H

#include <stdint.h>

#include "riskdesk/store.h"
#include "riskdesk/util.h"

struct rd_expr;

/* Which requests: all when where is NULL, status NULL and limit < 0. */
struct queue_filter {
	const struct rd_expr *where; /* on the applicant (customer and profile fields); not owned */
	const char *status;          /* a request status (vocab_request_status), or NULL */
	int64_t limit;               /* at most this many rows; < 0: all */
};

/* The queue's columns, in order. */
enum queue_col {
	QUEUE_ID,
	QUEUE_CUSTOMER,
	QUEUE_NAME,
	QUEUE_KIND,
	QUEUE_AMOUNT,
	QUEUE_TERM,
	QUEUE_STATUS,
	QUEUE_SCORE,
	QUEUE_BAND,
	QUEUE_PD,
	QUEUE_DECIDED_AT,
	QUEUE_ORIGIN, /* of the latest decision: policy, override, or NULL (none by riskdesk) */
	QUEUE_COLS
};

/* The statement of the queue, ready to step: referred requests first, then pending ones
 * (each the oldest first: created_at, then id), then the decided ones, the newest decision
 * first. Columns as enum queue_col, named id, customer, name, kind, amount, term, status,
 * score, band, pd, decided_at, origin. The caller finalizes it. NULL with err (a status
 * that is none). */
sqlite3_stmt *queue_prepare(struct rd_store *st, const struct queue_filter *f, struct rd_err *err);

/* What `decisions` groups by. */
enum queue_by { QUEUE_BY_BAND, QUEUE_BY_SEGMENT, QUEUE_BY_KIND, QUEUE_BYS };
extern const char *const queue_by_names[]; /* "band", "segment", "kind", NULL */

/* One group's figures (methodology §13). Rates are NaN when decided is 0. */
struct queue_rate {
	char group[16];          /* the band, segment or kind; "" for none; "all" for the total */
	int64_t decided;         /* requests riskdesk decided whose decision stands */
	int64_t approved;        /* ...approved now (by the policy or an override) */
	int64_t referred;        /* ...referred now: still waiting for an analyst */
	int64_t declined;        /* ...declined now */
	int64_t policy_referred; /* ...that the policy's latest decision referred */
	int64_t overridden;      /* ...whose standing decision is an analyst's override */
	double approval_rate, referral_rate, override_rate;
};

/* The groups in order (bands A to E, segments, kinds; then none), then the total "all"
 * last, into *rows (the caller frees it) and *n. Groups with no decided request are left
 * out. 0, or -1 with err. */
int queue_rates(struct rd_store *st, enum queue_by by, struct queue_rate **rows, size_t *n,
		struct rd_err *err);

#endif
