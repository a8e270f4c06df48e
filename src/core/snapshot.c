/* Monthly snapshots (include/riskdesk/snapshot.h).
 *
 * One pass: the customers, then the orders and the payments each read once in storage
 * order (a sequential scan; reading them through their created_at index costs a table
 * lookup per row, measured ten times slower: docs/design.md), each event dropped into the
 * bucket of days
 * between two consecutive checkpoints. The buckets are then fed oldest first into one
 * running struct feature_acc per customer; between buckets each month end's features are
 * taken (a copy of the totals, finished as of that day) and scored in batches. Within a
 * bucket the order does not matter to any checkpoint, so it stays the storage order.
 *
 * The 90-day window (as-of − 89 … as-of) slides: every order also goes into four
 * window totals per customer, and window j's is emptied when the stream reaches its first
 * day, month end j − 89. Four suffice: four month ends span at least 89 days, so window
 * j − 4 has been taken before window j opens. Its totals are then sums of exactly the
 * window's orders, never a difference of two cumulative sums (which would leave
 * rounding crumbs such as 1e-13 for an empty window). */
#include "riskdesk/snapshot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/featscan.h"
#include "riskdesk/features.h"

#define BATCH 2048 /* customers scored together, as recompute does */
#define WINDOWS 4  /* 90-day windows open at once (above) */
#define MAX_MODELS 16

int snapshot_month_parse(const char *s, int *month)
{
	if (strlen(s) != 7 || s[4] != '-')
		return -1;
	for (int i = 0; i < 7; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	if (y < 1 || m < 1 || m > 12)
		return -1;
	*month = y * 12 + m - 1;
	return 0;
}

void snapshot_month_format(int month, char out[8])
{
	int y = month / 12, m = month % 12 + 1;
	out[0] = (char)('0' + y / 1000 % 10);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '\0';
}

int64_t snapshot_month_end(int month)
{
	int next = month + 1;
	return days_from_civil(next / 12, (unsigned)(next % 12 + 1), 1) - 1;
}

int snapshot_month_of_day(int64_t day)
{
	char s[11];
	day_format(day, s);
	return ((s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0')) * 12 +
	       (s[5] - '0') * 10 + (s[6] - '0') - 1;
}

/* Widens [*lo, *hi] (UTC days) by the dated rows of orders or payments (table). The
 * lexically first and last texts are noted (events_dates); an offset moves a time less
 * than a day from its text's date, so only the rows whose text is within two days of those
 * can hold the true ends, and only they are parsed (in one pass: the column has no index).
 * Should none of them parse (written behind riskdesk's back), all rows are. */
static int day_bounds(struct rd_store *st, const char *table, int64_t *lo, int64_t *hi,
		      struct rd_err *err)
{
	sqlite3_stmt *s = NULL;
	char *first = NULL, *last = NULL, sql[128];
	char edge[2][11] = {"", ""};
	int rc = -1, dated = 1;
	if (events_dates(st, table, &first, &last, err))
		return -1;
	if (!first)
		return 0; /* no rows */
	for (int side = 0; side < 2; side++) {
		const char *v = side ? last : first;
		int64_t e;
		if (strlen(v) >= 10 && date_parse(v, 10, &e) == 0)
			day_format(epoch_day(e) + (side ? -2 : 3), edge[side]);
		else
			dated = 0;
	}
	/* The rows near the ends, else (none parses near one of them) all rows. */
	int found[2] = {0, 0};
	for (int all = !dated; all < 2 && !(found[0] && found[1]); all++) {
		/* table is orders or payments. */
		snprintf(sql, sizeof sql, "SELECT created_at FROM %s%s", table,
			 all ? "" : " WHERE created_at < ?1 OR created_at >= ?2");
		if (store_prepare(st, sql, &s, err))
			goto out;
		if (!all) {
			sqlite3_bind_text(s, 1, edge[0], -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 2, edge[1], -1, SQLITE_STATIC);
		}
		int step;
		while ((step = sqlite3_step(s)) == SQLITE_ROW) {
			const char *v = (const char *)sqlite3_column_text(s, 0);
			int64_t e;
			if (date_parse(v, (size_t)sqlite3_column_bytes(s, 0), &e))
				continue;
			found[0] |= all || strcmp(v, edge[0]) < 0;
			found[1] |= all || strcmp(v, edge[1]) >= 0;
			int64_t day = epoch_day(e);
			if (day < *lo)
				*lo = day;
			if (day > *hi)
				*hi = day;
		}
		if (step != SQLITE_DONE) {
			store_fail(st, err, "reading dates");
			goto out;
		}
		sqlite3_finalize(s);
		s = NULL;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	free(first);
	free(last);
	return rc;
}

int snapshot_default_range(struct rd_store *st, int *first, int *last, struct rd_err *err)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	if (day_bounds(st, "orders", &lo, &hi, err) || day_bounds(st, "payments", &lo, &hi, err))
		return -1;
	if (lo > hi)
		return 1;
	*first = snapshot_month_of_day(lo);
	*last = snapshot_month_of_day(hi);
	if (snapshot_month_end(*last) > hi)
		(*last)--; /* its end is after the data's: not a whole month yet */
	return *last < *first;
}

/* ---- taking snapshots */

/* An event kept for a later bucket, packed: the day as an offset from 0001-01-01 (< 2^22)
 * and the status or method beside it. */
#define DAY_BASE (-719162) /* days_from_civil(1, 1, 1) */
struct ev_order {
	double amount;
	uint32_t slot;
	uint32_t day_status; /* (day - DAY_BASE) << 3 | enum order_status */
};
struct ev_payment {
	uint32_t slot;
	uint8_t method;
	uint8_t success;
};

struct bucket {
	struct ev_order *o;
	size_t no, co;
	struct ev_payment *p;
	size_t np, cp;
};

/* One 90-day window's orders and their amounts. */
struct window {
	int32_t n;
	double amount;
};

/* A checkpoint (the day after month end j: take month j) or a window opening (month end
 * j − 89: empty window j % WINDOWS), in day order. */
struct mark {
	int64_t day;
	int take; /* 1: checkpoint, 0: window opening */
	int j;
};

struct snap {
	struct rd_store *st;
	struct rd_engine *engine;
	const struct snapshot_take *t;
	struct rd_err *err;
	int64_t n; /* customers */
	char **ids;
	int64_t *created;        /* creation day, DAY_NONE when unknown */
	int64_t *by_id;          /* slots in id order: rows are inserted in key order */
	struct rd_strmap *index; /* id -> slot */
	struct feature_acc *acc;
	struct window (*win)[WINDOWS];
	int64_t *days; /* the distinct mark days, ascending */
	int ndays;
	struct bucket *buckets; /* bucket u + 1: days in [days[u], days[u + 1]) */
	sqlite3_stmt *ins, *del, *put;
	char month[8]; /* the month being written (bound SQLITE_STATIC) */
	char taken_at[21];
	/* the batch being scored */
	size_t nb;
	const char *bids[BATCH];
	double f[BATCH * FEAT_COUNT];
	struct engine_result res[BATCH];
	/* the month's totals */
	int64_t customers;
	double score_sum;
	char models[MAX_MODELS][80];
	int nmodels;
};

/* qsort_r is not C11 or POSIX: the ids reach the comparison through a file-level pointer. */
static _Thread_local char **sort_ids; /* qsort has no context argument */
static int cmp_by_id(const void *a, const void *b)
{
	return strcmp(sort_ids[*(const int64_t *)a], sort_ids[*(const int64_t *)b]);
}

static int read_customers(struct snap *s)
{
	sqlite3_stmt *q;
	int64_t cap = 0;
	if (store_prepare(s->st, "SELECT id, created_at FROM customers", &q, s->err))
		return -1;
	int step;
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		if (s->n == cap) {
			cap = cap ? cap * 2 : 1024;
			s->ids = rd_realloc(s->ids, (size_t)cap * sizeof *s->ids);
			s->created = rd_realloc(s->created, (size_t)cap * sizeof *s->created);
		}
		s->ids[s->n] = rd_strndup((const char *)sqlite3_column_text(q, 0),
					  (size_t)sqlite3_column_bytes(q, 0));
		int64_t e;
		s->created[s->n] = sqlite3_column_type(q, 1) != SQLITE_NULL &&
						   date_parse((const char *)sqlite3_column_text(q,
												1),
							      (size_t)sqlite3_column_bytes(q, 1),
							      &e) == 0
					   ? epoch_day(e)
					   : DAY_NONE;
		s->n++;
	}
	if (step != SQLITE_DONE)
		store_fail(s->st, s->err, "reading customers");
	sqlite3_finalize(q);
	if (step != SQLITE_DONE)
		return -1;
	size_t n = (size_t)(s->n ? s->n : 1);
	s->index = strmap_new(n);
	for (int64_t i = 0; i < s->n; i++)
		strmap_put(s->index, s->ids[i], strlen(s->ids[i]), i);
	s->by_id = rd_malloc(n * sizeof *s->by_id);
	int sorted = 1;
	for (int64_t i = 0; i < s->n; i++) {
		s->by_id[i] = i;
		sorted &= i == 0 || strcmp(s->ids[i - 1], s->ids[i]) < 0;
	}
	if (!sorted) {
		sort_ids = s->ids;
		qsort(s->by_id, (size_t)s->n, sizeof *s->by_id, cmp_by_id);
		sort_ids = NULL;
	}
	s->acc = rd_malloc(n * sizeof *s->acc);
	s->win = rd_calloc(n, sizeof *s->win);
	for (int64_t i = 0; i < s->n; i++)
		feature_acc_init(&s->acc[i]);
	return 0;
}

static int cmp_mark(const void *a, const void *b)
{
	const struct mark *x = a, *y = b;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return x->j - y->j;
}

/* The bucket of a day: how many mark days are on or before it. 0: before every mark (fed at
 * once); ndays: after the last month end (never fed). */
static int bucket_of(const struct snap *s, int64_t day)
{
	int lo = 0, hi = s->ndays;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (s->days[mid] <= day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The 90-day totals live in s->win; the features' own window stays empty (as-of DAY_NONE).
 * A snapshot needs no time of day: the epoch given is the day's midnight. */
static void feed_order(struct snap *s, uint32_t slot, int64_t day, double amount,
		       enum order_status status)
{
	feature_acc_order(&s->acc[slot], DAY_NONE, day * 86400, amount, status);
	for (int w = 0; w < WINDOWS; w++) {
		s->win[slot][w].n++;
		s->win[slot][w].amount += amount;
	}
}

static void feed_payment(struct snap *s, uint32_t slot, int method, int success)
{
	feature_acc_payment(&s->acc[slot], 0, (enum pay_method)method, success);
}

/* Reads one table in storage order: events before the first mark are fed now, later ones
 * kept in their bucket, those after the last month end dropped. 0, 1 cancelled, -1. */
static int read_events(struct snap *s, int payments)
{
	static const char *const sql[2] = {
		"SELECT customer_id, amount, status, created_at FROM orders",
		"SELECT customer_id, method, success, created_at FROM payments",
	};
	const char *phase = payments ? "payments" : "orders";
	int64_t total = store_int(s->st,
				  payments ? "SELECT max(rowid) FROM payments"
					   : "SELECT max(rowid) FROM orders",
				  0);
	int64_t done = 0;
	sqlite3_stmt *q = NULL;
	int rc = -1, step;
	if (store_prepare(s->st, sql[payments], &q, s->err))
		goto out;
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		if ((++done & 0xffff) == 0) {
			if (s->t->cancel && *s->t->cancel) {
				rc = 1;
				goto out;
			}
			if (s->t->progress)
				s->t->progress(s->t->ud, phase, done, total);
		}
		int64_t slot = strmap_get(s->index, (const char *)sqlite3_column_text(q, 0),
					  (size_t)sqlite3_column_bytes(q, 0));
		int64_t e;
		/* validated on load; a row written behind riskdesk's back is skipped, as by recompute */
		if (slot < 0 || date_parse((const char *)sqlite3_column_text(q, 3),
					   (size_t)sqlite3_column_bytes(q, 3), &e))
			continue;
		int64_t day = epoch_day(e);
		int b = bucket_of(s, day);
		if (b == s->ndays)
			continue;
		int kind = payments ? pay_method_parse((const char *)sqlite3_column_text(q, 1),
						       (size_t)sqlite3_column_bytes(q, 1))
				    : order_status_parse((const char *)sqlite3_column_text(q, 2),
							 (size_t)sqlite3_column_bytes(q, 2));
		if (kind < 0)
			kind = payments ? PAY_CARD : ORDER_PLACED;
		struct bucket *bk = &s->buckets[b];
		if (payments) {
			int success = sqlite3_column_int(q, 2) != 0;
			if (b == 0) {
				feed_payment(s, (uint32_t)slot, kind, success);
				continue;
			}
			if (bk->np == bk->cp) {
				bk->cp = bk->cp ? bk->cp * 2 : 1024;
				bk->p = rd_realloc(bk->p, bk->cp * sizeof *bk->p);
			}
			bk->p[bk->np++] = (struct ev_payment){(uint32_t)slot, (uint8_t)kind,
							      (uint8_t)success};
		} else {
			double amount = sqlite3_column_double(q, 1);
			if (b == 0) {
				feed_order(s, (uint32_t)slot, day, amount, (enum order_status)kind);
				continue;
			}
			if (bk->no == bk->co) {
				bk->co = bk->co ? bk->co * 2 : 1024;
				bk->o = rd_realloc(bk->o, bk->co * sizeof *bk->o);
			}
			bk->o[bk->no++] = (struct ev_order){amount, (uint32_t)slot,
							    (uint32_t)(day - DAY_BASE) << 3 |
								    (uint32_t)kind};
		}
	}
	if (step != SQLITE_DONE) {
		store_fail(s->st, s->err, phase);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(q);
	return rc;
}

static void feed_bucket(struct snap *s, struct bucket *bk)
{
	for (size_t i = 0; i < bk->no; i++) {
		const struct ev_order *o = &bk->o[i];
		feed_order(s, o->slot, (int64_t)(o->day_status >> 3) + DAY_BASE, o->amount,
			   (enum order_status)(o->day_status & 7));
	}
	for (size_t i = 0; i < bk->np; i++)
		feed_payment(s, bk->p[i].slot, bk->p[i].method, bk->p[i].success);
	free(bk->o);
	free(bk->p);
	memset(bk, 0, sizeof *bk);
}

static void note_model(struct snap *s, const char *name, int version)
{
	char m[80];
	snprintf(m, sizeof m, "%s@%d", name, version);
	for (int i = 0; i < s->nmodels; i++)
		if (strcmp(s->models[i], m) == 0)
			return;
	if (s->nmodels < MAX_MODELS)
		memcpy(s->models[s->nmodels++], m, sizeof m);
}

/* Scores the batch and inserts its rows. 0 or -1. */
static int flush(struct snap *s)
{
	if (s->nb == 0)
		return 0;
	if (engine_score_batch(s->engine, s->nb, s->bids, s->f, s->res, s->err))
		return -1;
	for (size_t i = 0; i < s->nb; i++) {
		const struct engine_result *r = &s->res[i];
		unsigned char packed[FEATURES_PACKED];
		char band[2] = {r->score.band, '\0'};
		features_pack(s->f + i * FEAT_COUNT, packed);
		sqlite3_stmt *q = s->ins;
		sqlite3_bind_text(q, 2, s->bids[i], -1, SQLITE_STATIC);
		sqlite3_bind_int(q, 3, r->score.score);
		sqlite3_bind_text(q, 4, band, 1, SQLITE_STATIC);
		sqlite3_bind_double(q, 5, r->score.pd);
		sqlite3_bind_text(q, 6, vocab_name(&vocab_segment, (int)r->segment), -1,
				  SQLITE_STATIC);
		sqlite3_bind_text(q, 7, r->model_name, -1, SQLITE_STATIC);
		sqlite3_bind_int(q, 8, r->model_version);
		sqlite3_bind_blob(q, 9, packed, FEATURES_PACKED, SQLITE_STATIC);
		int rc = sqlite3_step(q);
		sqlite3_reset(q);
		if (rc != SQLITE_DONE)
			return store_fail(s->st, s->err, "writing the snapshot");
		s->customers++;
		s->score_sum += r->score.score;
		if (r->ncomponents == 0)
			note_model(s, r->model_name, r->model_version);
		for (int c = 0; c < r->ncomponents; c++)
			note_model(s, r->comp[c].name, r->comp[c].version);
	}
	s->nb = 0;
	return 0;
}

/* Month j of the range: every customer created by its end, as of that day. 0, 1, -1. */
static int take_month(struct snap *s, int j)
{
	const struct snapshot_take *t = s->t;
	int month = t->first + j, w = j % WINDOWS;
	int64_t as_of = snapshot_month_end(month);
	char as_of_text[11];
	day_format(as_of, as_of_text);
	snapshot_month_format(month, s->month);
	s->customers = 0;
	s->score_sum = 0;
	s->nmodels = 0;
	sqlite3_bind_text(s->del, 1, s->month, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s->del);
	sqlite3_reset(s->del);
	if (rc != SQLITE_DONE)
		return store_fail(s->st, s->err, "replacing the snapshot");
	sqlite3_bind_text(s->ins, 1, s->month, -1, SQLITE_STATIC);
	for (int64_t k = 0; k < s->n; k++) {
		int64_t i = s->by_id[k];
		if (s->created[i] != DAY_NONE && s->created[i] > as_of)
			continue; /* not a customer yet */
		struct feature_acc a = s->acc[i];
		a.orders_90d = s->win[i][w].n;
		a.amount_90d = s->win[i][w].amount;
		feature_finish(&a, as_of, s->created[i], s->f + s->nb * FEAT_COUNT);
		s->bids[s->nb++] = s->ids[i];
		if (s->nb == BATCH) {
			if (flush(s))
				return -1;
			if (t->cancel && *t->cancel)
				return 1;
			if (t->progress)
				t->progress(t->ud, s->month, k + 1, s->n);
		}
	}
	if (flush(s))
		return -1;
	struct snapshot_month *out = &t->months[j];
	out->month = month;
	out->customers = s->customers;
	out->mean_score = s->customers ? s->score_sum / (double)s->customers : NAN;
	/* Sorted, so the same models read the same whatever order the customers came in. */
	for (int a = 1; a < s->nmodels; a++)
		for (int b = a; b > 0 && strcmp(s->models[b - 1], s->models[b]) > 0; b--) {
			char tmp[80];
			memcpy(tmp, s->models[b], sizeof tmp);
			memcpy(s->models[b], s->models[b - 1], sizeof tmp);
			memcpy(s->models[b - 1], tmp, sizeof tmp);
		}
	out->models[0] = '\0';
	for (int m = 0; m < s->nmodels; m++) {
		size_t used = strlen(out->models);
		snprintf(out->models + used, sizeof out->models - used, "%s%s", m ? " " : "",
			 s->models[m]);
	}
	sqlite3_stmt *q = s->put;
	sqlite3_bind_text(q, 1, s->month, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, as_of_text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, s->customers);
	if (s->customers)
		sqlite3_bind_double(q, 4, out->mean_score);
	else
		sqlite3_bind_null(q, 4);
	sqlite3_bind_text(q, 5, out->models, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, t->run_id);
	sqlite3_bind_text(q, 7, s->taken_at, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	sqlite3_reset(q);
	if (rc != SQLITE_DONE)
		return store_fail(s->st, s->err, "writing the snapshot");
	return 0;
}

int snapshot_take(struct rd_store *st, struct rd_engine *e, const struct snapshot_take *t,
		  struct rd_err *err)
{
	int k = t->last - t->first + 1, rc = -1;
	if (k < 1 || k > SNAPSHOT_MAX_MONTHS) {
		rd_err_set(err, "snapshot: %d months: from 1 to %d at a time", k,
			   SNAPSHOT_MAX_MONTHS);
		return -1;
	}
	struct snap *s = rd_calloc(1, sizeof *s); /* large: the batch */
	struct mark *marks = rd_malloc((size_t)(2 * k) * sizeof *marks);
	s->st = st;
	s->engine = e;
	s->t = t;
	s->err = err;
	now_iso(s->taken_at);
	for (int j = 0; j < k; j++) {
		int64_t end = snapshot_month_end(t->first + j);
		marks[2 * j] = (struct mark){end + 1, 1, j};
		marks[2 * j + 1] = (struct mark){end - 89, 0, j};
	}
	qsort(marks, (size_t)(2 * k), sizeof *marks, cmp_mark);
	s->days = rd_malloc((size_t)(2 * k) * sizeof *s->days);
	for (int i = 0; i < 2 * k; i++)
		if (s->ndays == 0 || s->days[s->ndays - 1] != marks[i].day)
			s->days[s->ndays++] = marks[i].day;
	s->buckets = rd_calloc((size_t)s->ndays + 1, sizeof *s->buckets);
	if (read_customers(s) ||
	    store_prepare(st,
			  "INSERT INTO snapshot_rows(month, customer_id, score, band, pd, segment,"
			  " model_name, model_version, fvec) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
			  "?8, ?9)",
			  &s->ins, err) ||
	    store_prepare(st, "DELETE FROM snapshot_rows WHERE month = ?1", &s->del, err) ||
	    store_prepare(st,
			  "INSERT OR REPLACE INTO snapshot_months(month, as_of, customers, "
			  "mean_score,"
			  " models, run_id, taken_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			  &s->put, err))
		goto out;
	if ((rc = read_events(s, 0)) != 0 || (rc = read_events(s, 1)) != 0)
		goto out;
	rc = -1;
	/* The marks in day order; at each, the month ends it closes are taken and the windows
	 * it opens emptied, then the bucket up to the next mark is fed. */
	int next = 0;
	for (int u = 0; u < s->ndays; u++) {
		for (; next < 2 * k && marks[next].day == s->days[u]; next++) {
			const struct mark *m = &marks[next];
			if (m->take) {
				int r = take_month(s, m->j);
				if (r) {
					rc = r;
					goto out;
				}
			} else {
				for (int64_t i = 0; i < s->n; i++)
					s->win[i][m->j % WINDOWS] = (struct window){0, 0};
			}
		}
		if (u + 1 < s->ndays)
			feed_bucket(s, &s->buckets[u + 1]);
	}
	rc = 0;
out:
	sqlite3_finalize(s->ins);
	sqlite3_finalize(s->del);
	sqlite3_finalize(s->put);
	for (int u = 0; u <= s->ndays; u++) {
		free(s->buckets[u].o);
		free(s->buckets[u].p);
	}
	free(s->buckets);
	free(s->days);
	for (int64_t i = 0; i < s->n; i++)
		free(s->ids[i]);
	free(s->ids);
	free(s->created);
	free(s->by_id);
	strmap_free(s->index);
	free(s->acc);
	free(s->win);
	free(marks);
	free(s);
	return rc;
}

int snapshot_remove_before(struct rd_store *st, int before, int64_t *months, int64_t *rows,
			   struct rd_err *err)
{
	char month[8];
	snapshot_month_format(before, month);
	static const char *const sql[3] = {
		"DELETE FROM snapshot_counts WHERE month < ?1",
		"DELETE FROM snapshot_rows WHERE month < ?1",
		"DELETE FROM snapshot_months WHERE month < ?1",
	};
	for (int i = 0; i < 3; i++) {
		sqlite3_stmt *q;
		if (store_prepare(st, sql[i], &q, err))
			return -1;
		sqlite3_bind_text(q, 1, month, -1, SQLITE_STATIC);
		int rc = sqlite3_step(q);
		sqlite3_finalize(q);
		if (rc != SQLITE_DONE)
			return store_fail(st, err, "removing snapshots");
		if (i)
			*(i == 2 ? months : rows) = sqlite3_changes64(store_db(st));
	}
	return 0;
}
