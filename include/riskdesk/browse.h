/* What the console's panes show, read page by page: the customer list by keyset
 * paging (never OFFSET, never the whole table), one customer's activity, score history.
 * Every query reads exactly the rows asked for, through an index; the sorts by a feature
 * alone have none (BROWSE_BY_FEATURE). */
#ifndef RISKDESK_BROWSE_H
#define RISKDESK_BROWSE_H

#include <stdint.h>

#include "riskdesk/expr.h"
#include "riskdesk/features.h"
#include "riskdesk/store.h"

/* The list's sorts: its columns, in the order they stand, then each built-in feature (a
 * feature's sort shows its column). The name sort is by the folded name (fold.h), so case
 * and accents do not count. */
enum browse_sort {
	BROWSE_BY_ID,       /* customers.id */
	BROWSE_BY_NAME,     /* customers(name_key, id) */
	BROWSE_BY_SCORE,    /* credit_profiles(score, customer_id) */
	BROWSE_BY_PD,       /* credit_profiles(pd, customer_id, band) */
	BROWSE_BY_BAND,     /* credit_profiles(band, score, customer_id) */
	BROWSE_BY_SEGMENT,  /* credit_profiles(segment, score, customer_id) */
	BROWSE_BY_ACTIVITY, /* credit_profiles(last_activity, customer_id) */
	/* BROWSE_BY_FEATURE + enum feature_id: a profile's feature, missing values first.
	 * No index: a page is picked by one pass over profiles_drift (docs/design.md, "The
	 * customer list"). */
	BROWSE_BY_FEATURE,
	BROWSE_SORT_COUNT = BROWSE_BY_FEATURE + FEAT_COUNT
};

/* The sort's name as commands take it ("id", "pd", "last_activity", "return_rate"), or
 * NULL when there is no such sort. */
const char *browse_sort_name(int sort);
/* The sort of a name (the sort keys' aliases too: "activity"), or -1. */
int browse_sort_parse(const char *name);

/* One row of the customer list. Strings are NUL-terminated and truncated to fit. */
struct browse_row {
	char id[64];
	char name[96];
	int has_profile; /* 0: never scored; the fields below are empty */
	int score;
	char band; /* 'A'..'E' */
	double pd;
	char segment[10];       /* "new" | "existing" */
	char last_activity[11]; /* YYYY-MM-DD or "" */
	double feature;         /* under a feature's sort, its value; else, or missing, NaN */
	/* the keyset position of this row under the current sort (opaque to callers) */
	char key_text[96];
	double key_num;
	int key_null;
	int64_t key_rowid; /* customers.rowid: finds the exact keys when id or name was truncated */
};

struct browse_query {
	enum browse_sort sort;
	int desc;                     /* descending */
	const struct rd_expr *filter; /* or NULL; owned by the caller */
	/* The session's `set pii` (rd_settings.pii), read at every call: a filter on email or
	 * phone runs only while it is 1, and NULL counts as 0. A pointer, so that a filter
	 * made with pii on stops matching as soon as pii goes off. */
	const int *pii;
};

/* Every function below that takes a query fails (-1, err) when its filter reads email or
 * phone while q->pii is not 1. */
/* Up to n rows strictly after `from` in the query's order (from NULL: the first rows),
 * or, with backward, strictly before it in reverse (from NULL: the last rows) — the
 * rows come back in display order either way. Returns the count (0..n) or -1. */
int browse_page(struct rd_store *st, const struct browse_query *q, const struct browse_row *from,
		int backward, int n, struct browse_row *out, struct rd_err *err);
/* Rows matching the query, counting at most `cap` (returns cap+1 when there are more):
 * an exact count on a million rows costs more than a keystroke may. -1 on error. */
int64_t browse_count(struct rd_store *st, const struct browse_query *q, int64_t cap,
		     struct rd_err *err);
/* Where a search looks, in the list's order, from `from` (NULL: the start, or the end
 * for BROWSE_PREVIOUS), wrapping around once. */
enum browse_dir {
	BROWSE_AT,       /* the first match at or after `from` */
	BROWSE_NEXT,     /* the first after it */
	BROWSE_PREVIOUS, /* the first before it, going back */
};
/* A row whose id or name holds text, both folded (fold.h: "muller" finds "Müller", "c05"
 * finds "C0500"); into out: 1 found, 0 not, -1. Empty text matches every row. */
int browse_search(struct rd_store *st, const struct browse_query *q, const char *text,
		  const struct browse_row *from, enum browse_dir dir, struct browse_row *out,
		  struct rd_err *err);

/* Customer id's row under the query (with its keyset position): 1, or 0 when the list
 * does not hold it (the filter excludes it, or the sort lists scored customers only and it
 * has no profile, or there is no such customer); -1 on error. */
int browse_find(struct rd_store *st, const struct browse_query *q, const char *id,
		struct browse_row *out, struct rd_err *err);

/* One order or payment of a customer, newest first. */
struct browse_event {
	char kind; /* 'O' order, 'P' payment */
	char id[64];
	char at[26];   /* created_at as stored */
	char what[16]; /* order status or payment method */
	int success;   /* payments: 1 ok, 0 failed; orders: 1 */
	double amount;
};

/* Up to n events of a customer, newest first, skipping the first `skip` (a customer's
 * activity is small enough for this). Returns the count or -1. */
int browse_activity(struct rd_store *st, const char *customer_id, int skip, int n,
		    struct browse_event *out, struct rd_err *err);
/* Up to n latest scores of a customer, oldest first (for a sparkline). Count or -1. */
int browse_score_history(struct rd_store *st, const char *customer_id, int n, int *scores,
			 struct rd_err *err);

#endif
