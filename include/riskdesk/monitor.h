/* Monitoring (SPEC §9): today's population against a model's reference distributions —
 * PSI and KS per feature and for the score, new and vanished categories, a verdict, and
 * the same per cohort month with the AUC where outcomes exist. Reads the store; the
 * console's Drift pane and the `drift` command both show a monitor_report. */
#ifndef RISKDESK_MONITOR_H
#define RISKDESK_MONITOR_H

#include <stddef.h>

#include "riskdesk/store.h"

enum monitor_kind { MON_NUMERIC, MON_CATEGORICAL, MON_SCORE };

struct monitor_bin {
	char label[64];  /* "(-inf, 12]", "A11", "new", "missing" */
	double ref, cur; /* shares */
	double contrib;  /* this bin's PSI term */
};

struct monitor_column {
	char name[64];
	enum monitor_kind kind;
	double psi;
	double ks; /* NaN for categoricals */
	int nbins;
	struct monitor_bin *bins;
	char changes[200]; /* categoricals: "new A99; vanished A14" or "" */
};

/* One cohort month: the customers whose first order or payment (else creation) falls in
 * it. Under MONITOR_MIN_COHORT customers (or outcomes) its PSI (or AUC) is not computed. */
#define MONITOR_MIN_COHORT 30
struct monitor_month {
	char month[8];  /* "2025-03" */
	char as_of[11]; /* by month: the snapshot's as-of day; else "" */
	size_t n;       /* profiles (by month: snapshot rows) */
	double score_psi;
	int drifted;  /* features with PSI > 0.25 */
	int moderate; /* features with 0.1 <= PSI <= 0.25 */
	double *psi;  /* per column of the report, the score last; NaN when not computed */
	double auc;   /* of the score against outcomes; NaN without both classes */
	size_t outcomes;
};

struct monitor_report {
	char model[112]; /* the reference's model */
	int version;
	char algo[16];
	char segment[16];
	size_t ref_rows; /* rows the reference was built from */
	size_t cur_rows; /* current profiles compared */
	int ncols;       /* features in the reference's order, the score last */
	struct monitor_column *cols;
	int nmonths; /* oldest first */
	struct monitor_month *months;
	int significant, moderate; /* features (not the score) per status */
	int stored_counts; /* by month: 1 when the months' counts came from snapshot_counts */
};

struct monitor_opts {
	const char *model; /* NAME or NAME@VERSION; NULL: the model that scored most profiles */
	const char *since; /* cohort window, YYYY-MM-DD inclusive; NULL: open */
	const char *until;
	/* 1: the current population is the monthly snapshots (snapshot.h) instead of the
	 * profiles: months are the snapshots' calendar months (since/until: YYYY-MM,
	 * inclusive), each compared with the reference on its own in months[i].psi; the
	 * columns then pool every month. */
	int by_month;
};

/* What monitor_run returns. A caller that acts on why it failed (the Drift pane's hint)
 * tells these apart, never err's words. */
enum monitor_result {
	MONITOR_OK = 0,
	MONITOR_FAILED = -1,       /* anything else: err says what */
	MONITOR_NO_REFERENCE = -2, /* the model has no reference ("drift baseline" sets the
				    * rules one) */
	MONITOR_NO_SNAPSHOTS = -3, /* by month: no snapshot month in the window */
};

/* An enum monitor_result: 0, or below 0 with err (no such model, no reference, ...). */
int monitor_run(struct rd_store *st, const struct monitor_opts *o, struct monitor_report *r,
		struct rd_err *err);
void monitor_free(struct monitor_report *r);

/* Stores, for the snapshot months since..until (YYYY-MM, inclusive), each champion's
 * by-month counts against its current reference (snapshot_counts), replacing those
 * months' stored counts; monitor_run by month then reads them instead of the rows while
 * the reference is unchanged. Inside the caller's transaction. 0 or -1. */
int monitor_store_counts(struct rd_store *st, const char *since, const char *until,
			 struct rd_err *err);

/* Sets the serving rules model's reference from the current profiles (their features,
 * the customers' attributes and the scores). *rows: profiles used. 0 or -1. Runs inside
 * the caller's transaction, if any. */
int monitor_baseline(struct rd_store *st, size_t *rows, struct rd_err *err);
/* 1 when the serving rules model has no reference yet, else 0. */
int monitor_needs_baseline(struct rd_store *st);

#endif
