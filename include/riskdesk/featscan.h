/* The features of the customers in the store (SPEC section 4): the as-of day, one
 * sequential pass over customers, orders and payments for all of them, and one customer
 * through the indexes. The values come from the accumulators of features.h. */
#ifndef RISKDESK_FEATSCAN_H
#define RISKDESK_FEATSCAN_H

#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>

#include "riskdesk/features.h"
#include "riskdesk/store.h"
#include "riskdesk/util.h"

/* The as-of day: setting ("" or NULL: the latest order, payment or customer creation in
 * the store; with no data at all, today). 0 or -1 (a malformed setting). */
int features_as_of(struct rd_store *st, const char *setting, int64_t *day, struct rd_err *err);

/* The first and last created_at text of orders or payments (table), as an index on the
 * column would give them: noted in meta by each load (the table's files have no such
 * index: docs/design.md "Fast load"), read by a scan when the table's largest rowid is no
 * longer the one noted with them (rows written behind riskdesk's back). *lo and *hi are
 * the caller's to free, NULL when the table is empty. 0 or -1 with err. */
int events_dates(struct rd_store *st, const char *table, char **lo, char **hi, struct rd_err *err);
/* After a load wrote rows of the table: notes its dates, from the noted ones and the rows
 * above rowid_before, or from all rows when some were replaced (or none were noted). */
int events_dates_note(struct rd_store *st, const char *table, int64_t rowid_before, int replaced,
		      struct rd_err *err);

/* Called once per customer by features_scan, in customers' id order. Return non-zero
 * to stop. */
typedef int (*feature_visit)(void *ud, const char *customer_id, const double *values,
			     const struct feature_times *times);

struct feature_scan {
	int64_t as_of_day;
	const struct rd_strmap *only; /* customer ids to visit, or NULL for all */
	atomic_int *cancel;           /* polled; may be NULL */
	void (*progress)(void *ud, const char *phase, int64_t done, int64_t total);
	void *ud;
	feature_visit visit;
	int64_t *
		joined_later; /* counts customers created after as_of_day (not visited); may be NULL */
};

/* One sequential pass over customers, orders and payments (never a query per
 * customer). Point-in-time: only events on or before as_of_day count, and customers created
 * after it are not visited. 0, 1 when cancelled or stopped by visit, or -1 with err. */
int features_scan(struct rd_store *st, const struct feature_scan *scan, struct rd_err *err);
/* The features of one customer, through the indexes, point-in-time as features_scan. 0, 1
 * when not found, 2 when the customer was created after as_of_day, or -1. */
int features_one(struct rd_store *st, int64_t as_of_day, const char *customer_id,
		 double out[FEAT_COUNT], struct feature_times *times, struct rd_err *err);

#endif
