/* Monthly snapshots (SPEC §9): each customer's point-in-time features and score at the
 * end of every calendar month of a range, under the serving models, computed in one pass
 * over the orders and payments with running accumulators checkpointed at each month end
 * (never one recompute per month). Stored in snapshot_months and snapshot_rows (schema 6);
 * a month taken again replaces the old one. docs/methodology.md section 10 says what a
 * snapshot holds; docs/design.md "Monthly snapshots" how it is computed. */
#ifndef RISKDESK_SNAPSHOT_H
#define RISKDESK_SNAPSHOT_H

#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>

#include "riskdesk/engine.h"
#include "riskdesk/store.h"

/* A month as one number: year * 12 + (month - 1). */
#define SNAPSHOT_MAX_MONTHS 600    /* per snapshot command: 50 years */
#define SNAPSHOT_DEFAULT_MONTHS 12 /* without --from: the last 12 months of the range */

/* "YYYY-MM" (exactly) into a month number. 0 or -1. */
int snapshot_month_parse(const char *s, int *month);
/* "YYYY-MM"; out has room for 8 bytes. */
void snapshot_month_format(int month, char out[8]);
/* The day number (days_from_civil) of the month's last day: its as-of day. */
int64_t snapshot_month_end(int month);
/* The month number of a day number. */
int snapshot_month_of_day(int64_t day);

/* The default range: from the month of the earliest order or payment to the last month
 * whose end is on or before the latest one (UTC days, offsets applied). 0, 1 when the
 * store has no dated order or payment, or when the range is empty (the data end before
 * their first month does), -1 with err. */
int snapshot_default_range(struct rd_store *st, int *first, int *last, struct rd_err *err);

/* What one month's snapshot holds, for the caller's report. */
struct snapshot_month {
	int month;
	int64_t customers; /* customers created on or before the month end (or undated) */
	double mean_score; /* NaN without customers */
	char models[256];  /* the models that scored them, "name@version", space-separated */
};

struct snapshot_take {
	int first, last;    /* the months, inclusive; last - first < SNAPSHOT_MAX_MONTHS */
	int64_t run_id;     /* the runs row the snapshots belong to */
	atomic_int *cancel; /* polled; may be NULL */
	void (*progress)(void *ud, const char *phase, int64_t done,
			 int64_t total); /* may be NULL */
	void *ud;
	struct snapshot_month *months; /* out: last - first + 1 entries, oldest first */
};

/* Computes the snapshots of months first..last and stores them inside the caller's
 * transaction, replacing those months' old snapshots; scores with e. 0, 1 when cancelled
 * (the caller rolls back), -1 with err. */
int snapshot_take(struct rd_store *st, struct rd_engine *e, const struct snapshot_take *t,
		  struct rd_err *err);

/* Removes the snapshots of the months before `before`, inside the caller's transaction.
 * *months and *rows: how many went. 0 or -1. */
int snapshot_remove_before(struct rd_store *st, int before, int64_t *months, int64_t *rows,
			   struct rd_err *err);

#endif
