/* Outcomes over time (include/riskdesk/performance.h).
 *
 * The observed outcomes are read once, in customer order, with their observed_at parsed to
 * a UTC day; the snapshot rows are then read in key order (month, customer) and merged with
 * them month by month, as drift --by month merges its outcomes. Vintages are one pass over
 * the observed outcomes joined to their customers. Memory: the outcomes (their ids and
 * days) and one month's PDs for its AUC. */
#include "riskdesk/performance.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/metrics.h"
#include "riskdesk/snapshot.h"

#define NO_DAY INT64_MIN

int perf_months_between(int64_t a, int64_t b)
{
	int ma = snapshot_month_of_day(a), mb = snapshot_month_of_day(b);
	/* Day of the month: days after the previous month's last day. */
	int64_t da = a - snapshot_month_end(ma - 1), db = b - snapshot_month_end(mb - 1);
	return mb - ma - (db < da);
}

/* The UTC day of a column's date, or NO_DAY (NULL or not a date). */
static int64_t column_day(sqlite3_stmt *s, int i)
{
	int64_t e;
	if (sqlite3_column_type(s, i) == SQLITE_NULL ||
	    date_parse((const char *)sqlite3_column_text(s, i), (size_t)sqlite3_column_bytes(s, i),
		       &e))
		return NO_DAY;
	return epoch_day(e);
}

/* The observed outcomes in customer order. */
struct outcomes {
	size_t n;
	struct rd_buf ids; /* NUL-separated, in order */
	size_t *at;        /* offset of each id in ids */
	unsigned char *bad;
	int64_t *day; /* observed_at's day, NO_DAY when missing */
};

static void outcomes_free(struct outcomes *o)
{
	buf_free(&o->ids);
	free(o->at);
	free(o->bad);
	free(o->day);
}

/* Reads them (the ids only when keep_ids), sets r's data_end, outcomes and undated. */
static int outcomes_read(struct rd_store *st, int keep_ids, struct outcomes *o,
			 struct perf_report *r, int64_t *data_end, struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(
		    st,
		    "SELECT customer_id, defaulted, observed_at FROM outcomes"
		    " WHERE source = 'observed' ORDER BY customer_id", /* never proxy labels */
		    &s, err))
		return -1;
	size_t cap = 0;
	int64_t end = NO_DAY;
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		int bad = sqlite3_column_int(s, 1) != 0;
		int64_t day = column_day(s, 2);
		if (day != NO_DAY && day > end)
			end = day;
		r->undated += bad && day == NO_DAY;
		r->outcomes++;
		if (!keep_ids)
			continue;
		if (o->n == cap) {
			cap = cap ? cap * 2 : 1024;
			o->at = rd_realloc(o->at, cap * sizeof *o->at);
			o->bad = rd_realloc(o->bad, cap);
			o->day = rd_realloc(o->day, cap * sizeof *o->day);
		}
		o->at[o->n] = o->ids.len;
		buf_append(&o->ids, sqlite3_column_text(s, 0),
			   (size_t)sqlite3_column_bytes(s, 0) + 1);
		o->bad[o->n] = (unsigned char)bad;
		o->day[o->n++] = day;
	}
	if (step != SQLITE_DONE)
		store_fail(st, err, "reading outcomes");
	sqlite3_finalize(s);
	if (step != SQLITE_DONE)
		return -1;
	if (end == NO_DAY) {
		rd_err_set(err, r->outcomes ? "no observed outcome has an observed_at date"
					    : "no observed outcomes ('load outcomes FILE')");
		return -1;
	}
	day_format(end, r->data_end);
	*data_end = end;
	return 0;
}

static void cell_finish(struct perf_cell *c, double pd_sum, int mature)
{
	c->expected = c->customers ? pd_sum / (double)c->customers : NAN;
	c->actual = c->customers && mature ? (double)c->bads / (double)c->customers : NAN;
	if (!mature)
		c->bads = 0;
}

/* The snapshot months in the window, oldest first, into r->months. 0, -1, or
 * PERF_NO_SNAPSHOTS. */
static int months_read(struct rd_store *st, const struct perf_opts *o, int window, int64_t data_end,
		       struct perf_report *r, int **nums, struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st,
			  "SELECT month FROM snapshot_months WHERE (?1 IS NULL OR month >= ?1)"
			  " AND (?2 IS NULL OR month <= ?2) ORDER BY month",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, o->since, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, o->until, -1, SQLITE_STATIC);
	int step, cap = 0;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		int m;
		if (snapshot_month_parse((const char *)sqlite3_column_text(s, 0), &m))
			continue; /* not written by riskdesk */
		if (r->nmonths == cap) {
			cap = cap ? cap * 2 : 16;
			r->months = rd_realloc(r->months, (size_t)cap * sizeof *r->months);
			*nums = rd_realloc(*nums, (size_t)cap * sizeof **nums);
		}
		struct perf_month *pm = &r->months[r->nmonths];
		memset(pm, 0, sizeof *pm);
		(*nums)[r->nmonths++] = m;
		snapshot_month_format(m, pm->month);
		day_format(snapshot_month_end(m), pm->as_of);
		int64_t wend = snapshot_month_end(m + window);
		day_format(wend, pm->window_end);
		pm->mature = wend <= data_end;
	}
	if (step != SQLITE_DONE)
		store_fail(st, err, "reading snapshots");
	sqlite3_finalize(s);
	if (step != SQLITE_DONE)
		return -1;
	if (r->nmonths == 0) {
		rd_err_set(err, "no monthly snapshots%s ('snapshot' takes them)",
			   o->since || o->until ? " in that window" : "");
		return PERF_NO_SNAPSHOTS;
	}
	return 0;
}

/* One month's sums while its rows are read. */
struct month_acc {
	double pd_sum[PERF_BANDS + 1]; /* per band, the whole month last */
	double *p;                     /* the customers at risk: PD and outcome, for the AUC */
	int *y;
	size_t cap;
};

static int month_finish(struct perf_month *pm, struct month_acc *a, struct rd_err *err)
{
	for (int b = 0; b < PERF_BANDS; b++)
		cell_finish(&pm->bands[b], a->pd_sum[b], pm->mature);
	cell_finish(&pm->all, a->pd_sum[PERF_BANDS], pm->mature);
	pm->auc = pm->gini = NAN;
	size_t n = pm->all.customers;
	if (pm->mature && pm->all.bads > 0 && pm->all.bads < n) {
		if (metrics_auc(a->p, a->y, n, &pm->auc, err))
			return -1;
		pm->gini = 2 * pm->auc - 1;
	}
	memset(a->pd_sum, 0, sizeof a->pd_sum);
	return 0;
}

/* Merges the snapshot rows of r's months with the outcomes. */
static int months_count(struct rd_store *st, const struct outcomes *o, const int *nums,
			struct perf_report *r, struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st,
			  "SELECT month, customer_id, band, pd FROM snapshot_rows"
			  " WHERE month >= ?1 AND month <= ?2 ORDER BY month, customer_id",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, r->months[0].month, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, r->months[r->nmonths - 1].month, -1, SQLITE_STATIC);
	struct month_acc a = {{0}, NULL, NULL, 0};
	struct rd_buf last = {0}; /* the month text of the rows being read */
	int rc = -1, step;
	int next = 0; /* the months before it are finished */
	int cur = -1; /* the month being read; -1: rows of a month not listed */
	size_t k = 0; /* the outcomes' cursor */
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		const char *mtext = (const char *)sqlite3_column_text(s, 0);
		if (!last.data || strcmp(mtext, last.data) != 0) {
			if (cur >= 0) {
				if (month_finish(&r->months[cur], &a, err))
					goto out;
				next = cur + 1;
			}
			/* Months without rows come out empty. */
			while (next < r->nmonths && strcmp(r->months[next].month, mtext) < 0)
				if (month_finish(&r->months[next++], &a, err))
					goto out;
			cur = next < r->nmonths && strcmp(r->months[next].month, mtext) == 0 ? next
											     : -1;
			buf_reset(&last);
			buf_puts(&last, mtext);
			k = 0; /* both in byte order of the id: merge again from the first */
		}
		if (cur < 0)
			continue;
		struct perf_month *pm = &r->months[cur];
		const char *id = (const char *)sqlite3_column_text(s, 1);
		double pd = sqlite3_column_double(s, 3);
		pm->rows++;
		int cmp = -1;
		while (k < o->n && (cmp = strcmp(o->ids.data + o->at[k], id)) < 0)
			k++;
		if (k == o->n || cmp != 0) {
			pm->unlabelled++;
			continue;
		}
		int64_t end = snapshot_month_end(nums[cur]), day = o->day[k];
		int bad = 0;
		if (o->bad[k]) {
			if (day == NO_DAY) {
				pm->undated++;
				continue;
			}
			if (day <= end) {
				pm->defaulted++; /* not at risk any more */
				continue;
			}
			bad = day <= snapshot_month_end(nums[cur] + r->window);
		}
		if (!(pd >= 0 && pd <= 1)) {
			char echo[RD_ECHO_SIZE];
			rd_err_set(err, "snapshot %s: customer %s has PD %g, not in [0, 1]",
				   pm->month, rd_echo(echo, id, strlen(id)), pd);
			goto out;
		}
		const char *band = (const char *)sqlite3_column_text(s, 2);
		int b = band && !band[1] ? vocab_band_index(band[0]) : -1;
		if (b >= 0) {
			pm->bands[b].customers++;
			pm->bands[b].bads += (size_t)bad;
			a.pd_sum[b] += pd;
		}
		if (pm->all.customers == a.cap) {
			a.cap = a.cap ? a.cap * 2 : 1024;
			a.p = rd_realloc(a.p, a.cap * sizeof *a.p);
			a.y = rd_realloc(a.y, a.cap * sizeof *a.y);
		}
		a.p[pm->all.customers] = pd;
		a.y[pm->all.customers++] = bad;
		pm->all.bads += (size_t)bad;
		a.pd_sum[PERF_BANDS] += pd;
	}
	if (step != SQLITE_DONE) {
		store_fail(st, err, "reading snapshots");
		goto out;
	}
	/* The month being read, and those after it without rows. */
	for (int i = cur >= 0 ? cur : next; i < r->nmonths; i++)
		if (month_finish(&r->months[i], &a, err))
			goto out;
	rc = 0;
out:
	buf_free(&last);
	free(a.p);
	free(a.y);
	sqlite3_finalize(s);
	return rc;
}

/* One origination quarter while the customers are read. */
struct vacc {
	int quarter; /* year * 4 + quarter - 1 */
	size_t customers, bads;
	int64_t last_created;
	size_t *at_mob; /* defaults per months on book, 0..PERF_MOB_MAX - 1 */
};

static int by_quarter(const void *a, const void *b)
{
	const struct vacc *x = a, *y = b;
	return (x->quarter > y->quarter) - (x->quarter < y->quarter);
}

static int vintages_read(struct rd_store *st, int64_t data_end, struct perf_report *r,
			 struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st,
			  "SELECT c.created_at, o.defaulted, o.observed_at FROM outcomes o"
			  " JOIN customers c ON c.id = o.customer_id WHERE o.source = 'observed'",
			  &s, err))
		return -1;
	struct rd_strmap *index = strmap_new(64);
	struct vacc *v = NULL;
	size_t nv = 0, cap = 0;
	int rc = -1, step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t created = column_day(s, 0), day = column_day(s, 2);
		int bad = sqlite3_column_int(s, 1) != 0;
		if (bad && day == NO_DAY)
			continue; /* counted in r->undated */
		if (created == NO_DAY) {
			r->uncreated++;
			continue;
		}
		int m = snapshot_month_of_day(created), q = m / 12 * 4 + m % 12 / 3;
		int64_t i = strmap_get(index, (const char *)&q, sizeof q);
		if (i < 0) {
			if (nv == cap) {
				cap = cap ? cap * 2 : 16;
				v = rd_realloc(v, cap * sizeof *v);
			}
			i = (int64_t)nv++;
			v[i] = (struct vacc){q, 0, 0, created,
					     rd_calloc(PERF_MOB_MAX, sizeof(size_t))};
			strmap_put(index, (const char *)&q, sizeof q, i);
		}
		struct vacc *a = &v[i];
		a->customers++;
		if (created > a->last_created)
			a->last_created = created;
		if (bad) {
			a->bads++;
			int mob = perf_months_between(created, day);
			if (mob < 0)
				mob = 0; /* observed before the creation date: the first month */
			if (mob < PERF_MOB_MAX)
				a->at_mob[mob]++;
		}
	}
	if (step != SQLITE_DONE) {
		store_fail(st, err, "reading customers");
		goto out;
	}
	if (nv)
		qsort(v, nv, sizeof *v, by_quarter);
	r->vintages = rd_calloc(nv ? nv : 1, sizeof *r->vintages);
	for (size_t j = 0; j < nv; j++) {
		struct perf_vintage *pv = &r->vintages[r->nvintages++];
		unsigned year = (unsigned)(v[j].quarter / 4) % 10000; /* created_at: 0001..9999 */
		snprintf(pv->quarter, sizeof pv->quarter, "%04u-Q%c", year,
			 (char)('1' + v[j].quarter % 4));
		pv->customers = v[j].customers;
		pv->bads = v[j].bads;
		/* Every customer of the quarter has been on book this long by the data's end. */
		int points = perf_months_between(v[j].last_created, data_end);
		pv->points = points < 0 ? 0 : points > PERF_MOB_MAX ? PERF_MOB_MAX : points;
		pv->cum = rd_malloc((size_t)(pv->points ? pv->points : 1) * sizeof *pv->cum);
		size_t bads = 0;
		for (int k = 1; k <= pv->points; k++) {
			bads += v[j].at_mob[k - 1]; /* months on book k − 1: within the first k */
			pv->cum[k - 1] = (double)bads / (double)pv->customers;
		}
		if (pv->points > r->max_points)
			r->max_points = pv->points;
	}
	rc = 0;
out:
	for (size_t j = 0; j < nv; j++)
		free(v[j].at_mob);
	free(v);
	strmap_free(index);
	sqlite3_finalize(s);
	return rc;
}

int perf_run(struct rd_store *st, const struct perf_opts *o, struct perf_report *r,
	     struct rd_err *err)
{
	memset(r, 0, sizeof *r);
	r->window = o->window ? o->window : PERF_WINDOW_DEFAULT;
	if (r->window < 1 || r->window > PERF_WINDOW_MAX) {
		rd_err_set(err, "the performance window is 1 to %d months, not %d", PERF_WINDOW_MAX,
			   r->window);
		return -1;
	}
	struct outcomes out = {0};
	int *nums = NULL, rc = -1;
	int64_t data_end;
	if (outcomes_read(st, o->months, &out, r, &data_end, err))
		goto done;
	if (o->months) {
		int months = months_read(st, o, r->window, data_end, r, &nums, err);
		if (months) {
			rc = months; /* PERF_NO_SNAPSHOTS, or -1 */
			goto done;
		}
		if (months_count(st, &out, nums, r, err))
			goto done;
	}
	if (o->vintages && vintages_read(st, data_end, r, err))
		goto done;
	rc = 0;
done:
	outcomes_free(&out);
	free(nums);
	if (rc)
		perf_free(r);
	return rc;
}

void perf_free(struct perf_report *r)
{
	for (int i = 0; i < r->nvintages; i++)
		free(r->vintages[i].cum);
	free(r->vintages);
	free(r->months);
	r->vintages = NULL;
	r->months = NULL;
	r->nvintages = r->nmonths = 0;
}
