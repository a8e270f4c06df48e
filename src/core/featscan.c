/* The SQL side of the features (featscan.h): the as-of day from the store, and one
 * customer's or every customer's events read from orders and payments, fed to the
 * accumulators of features.c. */
#include "riskdesk/featscan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct feature_times times_of(const struct feature_acc *a, int64_t created_day)
{
	return (struct feature_times){a->first_event, a->last_event, created_day};
}

/* ---- the first and last event dates (meta: no created_at index; docs/design.md "Fast
 * load") ---- */

#define DATES_KEY "dates." /* + table: "ROWID\tFIRST\tLAST" */

static int is_events_table(const char *table)
{
	return strcmp(table, "orders") == 0 || strcmp(table, "payments") == 0;
}

/* The first and last created_at of the table by a query (sql: "... FROM <table>" plus
 * where), into *lo and *hi (NULL when none). */
static int dates_scan(struct rd_store *st, const char *table, const char *where, int64_t above,
		      char **lo, char **hi, struct rd_err *err)
{
	sqlite3_stmt *s;
	char sql[160];
	/* table is orders or payments (is_events_table). */
	snprintf(sql, sizeof sql, "SELECT min(created_at), max(created_at) FROM %s%s", table,
		 where);
	if (store_prepare(st, sql, &s, err))
		return -1;
	if (*where)
		sqlite3_bind_int64(s, 1, above);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
		*lo = rd_strdup((const char *)sqlite3_column_text(s, 0));
		*hi = rd_strdup((const char *)sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : store_fail(st, err, "reading event dates");
}

/* The noted dates: the table's largest rowid when they were noted, or -1 when none are. */
static int64_t dates_noted(struct rd_store *st, const char *table, char **lo, char **hi)
{
	char key[32];
	snprintf(key, sizeof key, DATES_KEY "%s", table);
	char *v = store_meta_get(st, key);
	char *t1 = v ? strchr(v, '\t') : NULL, *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
	int64_t rowid = t2 ? strtoll(v, NULL, 10) : -1;
	if (rowid >= 0 && t2 > t1 + 1) { /* "ROWID\t\t": no rows */
		*lo = rd_strndup(t1 + 1, (size_t)(t2 - t1 - 1));
		*hi = rd_strdup(t2 + 1);
	}
	free(v);
	return rowid;
}

int events_dates(struct rd_store *st, const char *table, char **lo, char **hi, struct rd_err *err)
{
	char sql[64];
	*lo = *hi = NULL;
	if (!is_events_table(table))
		return rd_err_set(err, "event dates: no table %s", table), -1;
	snprintf(sql, sizeof sql, "SELECT coalesce(max(rowid), 0) FROM %s", table);
	int64_t now = store_int(st, sql, -1);
	if (now >= 0 && dates_noted(st, table, lo, hi) == now)
		return 0;
	free(*lo);
	free(*hi);
	*lo = *hi = NULL;
	return dates_scan(st, table, "", 0, lo, hi, err);
}

/* Lexical order, as SQLite compares texts (BINARY). */
static void keep(char **have, char *other, int want_less)
{
	if (!other)
		return;
	if (!*have || (strcmp(other, *have) < 0) == want_less) {
		free(*have);
		*have = other;
	} else {
		free(other);
	}
}

int events_dates_note(struct rd_store *st, const char *table, int64_t rowid_before, int replaced,
		      struct rd_err *err)
{
	char *lo = NULL, *hi = NULL, *nlo = NULL, *nhi = NULL, sql[64], key[32];
	int rc = -1;
	if (!is_events_table(table))
		return rd_err_set(err, "event dates: no table %s", table), -1;
	/* Rows it replaced may have held the first or last date: then all rows are read. */
	if (!replaced && dates_noted(st, table, &lo, &hi) == rowid_before) {
		if (dates_scan(st, table, " WHERE rowid > ?1", rowid_before, &nlo, &nhi, err))
			goto out;
		keep(&lo, nlo, 1);
		keep(&hi, nhi, 0);
	} else {
		free(lo);
		free(hi);
		lo = hi = NULL;
		if (dates_scan(st, table, "", 0, &lo, &hi, err))
			goto out;
	}
	snprintf(sql, sizeof sql, "SELECT coalesce(max(rowid), 0) FROM %s", table);
	snprintf(key, sizeof key, DATES_KEY "%s", table);
	struct rd_buf v = {0};
	buf_printf(&v, "%lld\t%s\t%s", (long long)store_int(st, sql, 0), lo ? lo : "",
		   hi ? hi : "");
	rc = store_meta_put(st, key, v.data, "noting the event dates", err);
	buf_free(&v);
out:
	free(lo);
	free(hi);
	return rc;
}

/* The latest of the text (as riskdesk reads it), parsed. */
static void latest_text(const char *v, int64_t *best)
{
	int64_t e;
	if (v && date_parse(v, strlen(v), &e) == 0 && e > *best)
		*best = e;
}

/* The latest customer creation: customers have no created_at index; read only when there
 * is no order or payment. */
static int latest(struct rd_store *st, const char *sql, int64_t *best, struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st, sql, &s, err))
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		latest_text((const char *)sqlite3_column_text(s, 0), best);
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
	static const char *const events[] = {"orders", "payments"};
	for (int i = 0; i < 2; i++) {
		char *lo, *hi;
		if (events_dates(st, events[i], &lo, &hi, err))
			return -1;
		latest_text(hi, &best);
		free(lo);
		free(hi);
	}
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

	/* 1. Customers, in id order (through the primary key; the same as storage order when
	 * they were loaded sorted): an index from id to slot. The profiles are written in
	 * this order, which keeps the indexes that lead with the id growing at their end. */
	index = strmap_new((size_t)total_customers);
	if (store_prepare(st, "SELECT id, created_at FROM customers ORDER BY id", &s, err))
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
