/* The SQL side of the features (featscan.h): the as-of day from the store, and one
 * customer's or every customer's events read from orders and payments, fed to the
 * accumulators of features.c. */
#include "riskdesk/featscan.h"

#include <stdlib.h>
#include <string.h>

static struct feature_times times_of(const struct feature_acc *a, int64_t created_day)
{
	return (struct feature_times){a->first_event, a->last_event, created_day};
}

/* The latest of a column, read through its index (max() of an indexed column is one seek). */
static int latest(struct rd_store *st, const char *sql, int64_t *best, struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st, sql, &s, err))
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
		const char *v = (const char *)sqlite3_column_text(s, 0);
		int64_t e;
		if (date_parse(v, (size_t)sqlite3_column_bytes(s, 0), &e) == 0 && e > *best)
			*best = e;
	}
	sqlite3_finalize(s);
	return 0;
}

int features_as_of(struct rd_store *st, const char *setting, int64_t *day, struct rd_err *err)
{
	int64_t e;
	if (setting && *setting) {
		if (date_parse(setting, strlen(setting), &e)) {
			rd_err_set(err, "as-of: '%s' is not an ISO 8601 date", setting);
			return -1;
		}
		*day = epoch_day(e);
		return 0;
	}
	int64_t best = INT64_MIN;
	if (latest(st, "SELECT max(created_at) FROM orders", &best, err) ||
	    latest(st, "SELECT max(created_at) FROM payments", &best, err))
		return -1;
	if (best == INT64_MIN && latest(st, "SELECT max(created_at) FROM customers", &best, err))
		return -1;
	if (best == INT64_MIN) {
		char now[21];
		now_iso(now);
		date_parse(now, strlen(now), &best);
	}
	*day = epoch_day(best);
	return 0;
}

static int64_t parse_day_or_none(sqlite3_stmt *s, int col)
{
	int64_t e;
	if (sqlite3_column_type(s, col) == SQLITE_NULL ||
	    date_parse((const char *)sqlite3_column_text(s, col),
		       (size_t)sqlite3_column_bytes(s, col), &e))
		return DAY_NONE;
	return epoch_day(e);
}

/* The row's created_at (column 3) when it is on or before the as-of day: features are
 * point-in-time, and an event after the as-of date did not happen yet. */
static int event_epoch(sqlite3_stmt *s, int64_t as_of_day, int64_t *e)
{
	/* validated on load; a row written behind riskdesk's back is skipped */
	return date_parse((const char *)sqlite3_column_text(s, 3),
			  (size_t)sqlite3_column_bytes(s, 3), e) == 0 &&
	       epoch_day(*e) <= as_of_day;
}

/* Feeds one row of (customer_id, amount, status, created_at) or
 * (customer_id, method, success, created_at) into acc. */
static void feed_order(struct feature_acc *acc, sqlite3_stmt *s, int64_t as_of_day)
{
	int64_t e;
	int status = order_status_parse((const char *)sqlite3_column_text(s, 2),
					(size_t)sqlite3_column_bytes(s, 2));
	if (!event_epoch(s, as_of_day, &e))
		return;
	feature_acc_order(acc, as_of_day, e, sqlite3_column_double(s, 1),
			  status < 0 ? ORDER_PLACED : (enum order_status)status);
}

static void feed_payment(struct feature_acc *acc, sqlite3_stmt *s, int64_t as_of_day)
{
	int64_t e;
	int method = pay_method_parse((const char *)sqlite3_column_text(s, 1),
				      (size_t)sqlite3_column_bytes(s, 1));
	if (!event_epoch(s, as_of_day, &e))
		return;
	feature_acc_payment(acc, e, method < 0 ? PAY_CARD : (enum pay_method)method,
			    sqlite3_column_int(s, 2) != 0);
}

struct scan_customer {
	char *id; /* into the id arena */
	int64_t created_day;
};

int features_scan(struct rd_store *st, const struct feature_scan *scan, struct rd_err *err)
{
	sqlite3_stmt *s = NULL;
	struct rd_strmap *index = NULL;
	struct scan_customer *cust = NULL;
	struct feature_acc *acc = NULL;
	int64_t n = 0, cap = 0;
	int rc = -1;
	int64_t total_customers = store_int(st, "SELECT count(*) FROM customers", 0);
	int64_t total_orders = store_int(st, "SELECT max(rowid) FROM orders", 0);
	int64_t total_payments = store_int(st, "SELECT max(rowid) FROM payments", 0);

	/* 1. Customers, in rowid order: an index from id to slot. */
	index = strmap_new((size_t)total_customers);
	if (store_prepare(st, "SELECT id, created_at FROM customers", &s, err))
		goto out;
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			cust = rd_realloc(cust, (size_t)cap * sizeof *cust);
		}
		const char *id = (const char *)sqlite3_column_text(s, 0);
		size_t len = (size_t)sqlite3_column_bytes(s, 0);
		strmap_put(index, id, len, n);
		cust[n].id = rd_strndup(id, len);
		cust[n].created_day = parse_day_or_none(s, 1);
		n++;
	}
	sqlite3_finalize(s);
	s = NULL;
	acc = rd_malloc((size_t)(n ? n : 1) * sizeof *acc);
	for (int64_t i = 0; i < n; i++)
		feature_acc_init(&acc[i]);

	/* 2. Orders and payments, each in rowid (storage) order: sequential reads. */
	static const char *const sql[2] = {
		"SELECT customer_id, amount, status, created_at FROM orders",
		"SELECT customer_id, method, success, created_at FROM payments",
	};
	for (int pass = 0; pass < 2; pass++) {
		const char *phase = pass ? "payments" : "orders";
		int64_t total = pass ? total_payments : total_orders, done = 0;
		if (scan->cancel && *scan->cancel) {
			rc = 1;
			goto out;
		}
		if (store_prepare(st, sql[pass], &s, err))
			goto out;
		int step;
		while ((step = sqlite3_step(s)) == SQLITE_ROW) {
			int64_t slot = strmap_get(index, (const char *)sqlite3_column_text(s, 0),
						  (size_t)sqlite3_column_bytes(s, 0));
			if (slot >= 0) {
				if (pass)
					feed_payment(&acc[slot], s, scan->as_of_day);
				else
					feed_order(&acc[slot], s, scan->as_of_day);
			}
			if ((++done & 0xffff) == 0) {
				if (scan->cancel && *scan->cancel) {
					rc = 1;
					goto out;
				}
				if (scan->progress)
					scan->progress(scan->ud, phase, done, total);
			}
		}
		if (step != SQLITE_DONE) {
			store_fail(st, err, phase);
			goto out;
		}
		sqlite3_finalize(s);
		s = NULL;
	}

	/* 3. Finish and hand each customer over. */
	for (int64_t i = 0; i < n; i++) {
		if (scan->only && strmap_get(scan->only, cust[i].id, strlen(cust[i].id)) < 0)
			continue;
		if (cust[i].created_day != DAY_NONE && cust[i].created_day > scan->as_of_day) {
			if (scan->joined_later)
				(*scan->joined_later)++;
			continue;
		}
		double v[FEAT_COUNT];
		feature_finish(&acc[i], scan->as_of_day, cust[i].created_day, v);
		struct feature_times t = times_of(&acc[i], cust[i].created_day);
		if (scan->visit(scan->ud, cust[i].id, v, &t)) {
			rc = 1;
			goto out;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	for (int64_t i = 0; i < n; i++)
		free(cust[i].id);
	free(cust);
	free(acc);
	strmap_free(index);
	return rc;
}

int features_one(struct rd_store *st, int64_t as_of_day, const char *customer_id,
		 double out[FEAT_COUNT], struct feature_times *times, struct rd_err *err)
{
	sqlite3_stmt *s = NULL;
	struct feature_acc acc;
	int64_t created_day = DAY_NONE;
	int rc = -1, step;
	feature_acc_init(&acc);
	if (store_prepare(st, "SELECT created_at FROM customers WHERE id = ?1", &s, err))
		return -1;
	sqlite3_bind_text(s, 1, customer_id, -1, SQLITE_STATIC);
	step = sqlite3_step(s);
	if (step != SQLITE_ROW) {
		sqlite3_finalize(s);
		return step == SQLITE_DONE ? 1 : store_fail(st, err, "customer");
	}
	created_day = parse_day_or_none(s, 0);
	sqlite3_finalize(s);
	if (created_day != DAY_NONE && created_day > as_of_day)
		return 2;
	if (store_prepare(st,
			  "SELECT customer_id, amount, status, created_at FROM orders"
			  " WHERE customer_id = ?1",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, customer_id, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		feed_order(&acc, s, as_of_day);
	if (step != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(s);
	if (store_prepare(st,
			  "SELECT customer_id, method, success, created_at FROM payments"
			  " WHERE customer_id = ?1",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, customer_id, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		feed_payment(&acc, s, as_of_day);
	if (step != SQLITE_DONE)
		goto fail;
	feature_finish(&acc, as_of_day, created_day, out);
	*times = times_of(&acc, created_day);
	rc = 0;
	goto done;
fail:
	store_fail(st, err, "reading activity");
done:
	sqlite3_finalize(s);
	return rc;
}
