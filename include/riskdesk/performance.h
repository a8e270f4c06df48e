/* Outcomes over time (SPEC §9, docs/methodology.md section 12): per monthly snapshot, the
 * expected bad rate (mean PD at the snapshot) against the actual one (defaults observed in
 * the performance window after its month end), per band and in all, with the AUC and Gini
 * of the snapshot's PD against that outcome; and vintage curves, the cumulative bad rate by
 * months on book per origination quarter. Reads snapshot_rows, customers and the observed
 * outcomes (never proxy labels); writes nothing. */
#ifndef RISKDESK_PERFORMANCE_H
#define RISKDESK_PERFORMANCE_H

#include <stddef.h>

#include "riskdesk/store.h"
#include "riskdesk/vocab.h"

#define PERF_WINDOW_DEFAULT 12 /* months */
#define PERF_WINDOW_MAX 120
#define PERF_MOB_MAX 240 /* a vintage curve stops at 20 years on book */
#define PERF_BANDS BANDS /* A..E (vocab.h) */

/* A band (or the whole month) of one snapshot month. Customers are the snapshot's rows with
 * an observed outcome that had not defaulted by the month end (the customers at risk). */
struct perf_cell {
	size_t customers;
	size_t bads;     /* defaults observed after the month end, within the window */
	double expected; /* mean PD; NaN without customers */
	double actual;   /* bads / customers; NaN without customers or while immature */
};

struct perf_month {
	char month[8];       /* "2025-03" */
	char as_of[11];      /* its last day */
	char window_end[11]; /* the last day of the month `window` months later */
	int mature;          /* window_end is on or before the data's end */
	size_t rows;         /* snapshot rows */
	size_t unlabelled;   /* left out: no observed outcome */
	size_t undated;      /* left out: an observed default without an observed_at date */
	size_t defaulted;    /* left out: default observed on or before the month end */
	struct perf_cell all;
	struct perf_cell bands[PERF_BANDS];
	double auc, gini; /* of the PD against the window's outcome; NaN while immature or
			      * without both outcomes */
};

struct perf_vintage {
	char quarter[8];  /* "2024-Q3": customers.created_at's quarter */
	size_t customers; /* created in it, with an observed outcome (a dated one if a default) */
	size_t bads;      /* of them, defaults (whenever observed) */
	int points;       /* months on book observed for every customer of the quarter */
	double *cum;      /* cum[k - 1], k = 1..points: share defaulted within k months on book */
};

struct perf_report {
	int window;        /* months */
	char data_end[11]; /* the latest observed_at of an observed outcome; "" without one */
	size_t outcomes;   /* observed outcomes */
	size_t undated;    /* of them, defaults without a usable observed_at: left out */
	size_t uncreated;  /* of them, customers without a usable created_at: no vintage */
	int nmonths;       /* oldest first; 0 when months were not asked for */
	struct perf_month *months;
	int nvintages; /* oldest first */
	struct perf_vintage *vintages;
	int max_points; /* the longest vintage curve */
};

struct perf_opts {
	int window;        /* 1..PERF_WINDOW_MAX months; 0: PERF_WINDOW_DEFAULT */
	const char *since; /* months YYYY-MM, inclusive; NULL: open */
	const char *until;
	int months;   /* 1: the snapshot months (an error without snapshots in range) */
	int vintages; /* 1: the vintage curves */
};

/* perf_run's result when months were asked for and the window has no snapshot month: a
 * caller may ask again without them (the vintages need none), telling it from the rest by
 * this, never by err's words. */
#define PERF_NO_SNAPSHOTS (-2)

/* Fills r (the caller frees it with perf_free). 0, or -1 with err: no observed outcome with
 * an observed_at, a PD outside [0, 1], SQL; or PERF_NO_SNAPSHOTS with err. */
int perf_run(struct rd_store *st, const struct perf_opts *o, struct perf_report *r,
	     struct rd_err *err);
void perf_free(struct perf_report *r);

/* Whole months from day a to day b (day numbers): (Yb − Ya)·12 + (Mb − Ma) − [Db < Da];
 * negative when b is before a. */
int perf_months_between(int64_t a, int64_t b);

#endif
