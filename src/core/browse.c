/* What the console's panes read (browse.h): the customer list by keyset paging over the
 * sort's index, one customer's activity and score history.
 *
 * A page is "the n rows after this key" in the sort's order, read with a row-value
 * comparison that SQLite turns into an index range ((p.score, p.customer_id) > (?, ?)),
 * ORDER BY the index's columns and LIMIT n: the cost is the rows shown, wherever the page
 * is. Backward is the same read in the opposite direction, reversed. The SQL is made of
 * the fixed strings of this file and the filter's compiled condition; every value is bound.
 *
 * Sorts by id and name are driven from customers (PK, customers_name_key) and LEFT JOIN
 * the profiles, so customers never scored are listed. The other sorts are driven from
 * credit_profiles through their indexes and JOIN customers: customers without a profile
 * do not appear under those sorts (they have no score, band or activity to be placed by).
 *
 * A feature's sort has no index (seventeen more indexes on the profiles would cost every
 * recompute): its page is the first n of one pass over profiles_drift, the narrow covering
 * index that holds the packed features (read by rd_feature, profile.h), in a subquery that
 * joins the n rows it keeps and nothing else. The pass is the whole list's, every page:
 * measured in docs/design.md.
 *
 * Nullable keys (name_key, last_activity) cannot be compared as row values (NULL compares
 * to nothing), so such a list is two segments read one after the other: the NULL keys by
 * id, then the others by (key, id). NULLs come first ascending and last descending, as in
 * SQLite's ORDER BY. A missing feature is -Inf instead (a feature's key is never NULL). */
#include "riskdesk/browse.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/fold.h"
#include "riskdesk/profile.h"

#define SEARCH_SCAN 128 /* rows a search reads in order before it asks the name index */
#define TRUNC_SLACK 4   /* a copied string this close to its buffer may be cut */

/* The column sorts' names are the sort keys' (vocab.h), in the list's column order. */
static const enum rd_sort_key column_keys[BROWSE_BY_FEATURE] = {
	SORT_ID, SORT_NAME, SORT_SCORE, SORT_PD, SORT_BAND, SORT_SEGMENT, SORT_LAST_ACTIVITY,
};

const char *browse_sort_name(int sort)
{
	if (sort >= 0 && sort < BROWSE_BY_FEATURE)
		return vocab_sort_key_words[column_keys[sort]].name;
	if (sort >= BROWSE_BY_FEATURE && sort < BROWSE_SORT_COUNT)
		return feature_names[sort - BROWSE_BY_FEATURE];
	return NULL;
}

int browse_sort_parse(const char *name)
{
	int k = name ? vocab_find(&vocab_sort_key, name) : -1;
	for (int i = 0; k >= 0 && i < BROWSE_BY_FEATURE; i++)
		if (column_keys[i] == (enum rd_sort_key)k)
			return i;
	int f = name ? feature_index(name) : -1;
	return f >= 0 ? BROWSE_BY_FEATURE + f : -1;
}

static const char from_customers[] =
	" FROM customers c LEFT JOIN credit_profiles p ON p.customer_id = c.id";
static const char from_profiles[] =
	" FROM credit_profiles p JOIN customers c ON c.id = p.customer_id";

enum key_type {
	KEY_NONE, /* the id alone */
	KEY_TEXT, /* bound as text; with key2, the score bound as an integer after it */
	KEY_INT,  /* the score */
	KEY_REAL, /* PD, a feature */
};

/* How each sort reads: the fixed column names of its index. */
struct sort_def {
	const char *from;        /* FROM clause, the driving table first */
	const char *from_forced; /* the same, the sort's index forced (see prepare_page) */
	const char *key;         /* first key: a column, or a feature's expression; NULL: none */
	const char *key2;        /* second key column (band, segment: the score), or NULL */
	const char *idcol;       /* the tie-breaking id column of the driving table */
	enum key_type type;
	int nullable;   /* key may be NULL: two segments */
	int by_profile; /* driven from credit_profiles */
	int unindexed;  /* no index gives the order: a page is a sorted pass */
};

#define PROFILE_SORT(key, key2, type, nullable, index)                                             \
	{                                                                                          \
		from_profiles,                                                                     \
			" FROM credit_profiles p INDEXED BY " index                                \
			" JOIN customers c ON c.id = p.customer_id",                               \
			key, key2, "p.customer_id", type, nullable, 1, 0                           \
	}
/* A missing feature (no packed features, or NaN) is -Inf: first ascending, as NULLs are. */
#define FEATURE_SORT(i)                                                                            \
	{                                                                                          \
		from_profiles, from_profiles, "ifnull(rd_feature(p.fvec, " #i "), -9e999)", NULL,  \
			"p.customer_id", KEY_REAL, 0, 1, 1                                         \
	}

static const struct sort_def sorts[BROWSE_SORT_COUNT] = {
	[BROWSE_BY_ID] = {from_customers, from_customers, NULL, NULL, "c.id", KEY_NONE, 0, 0, 0},
	[BROWSE_BY_NAME] = {from_customers,
			    " FROM customers c INDEXED BY customers_name_key"
			    " LEFT JOIN credit_profiles p ON p.customer_id = c.id",
			    "c.name_key", NULL, "c.id", KEY_TEXT, 1, 0, 0},
	[BROWSE_BY_SCORE] = PROFILE_SORT("p.score", NULL, KEY_INT, 0, "profiles_score"),
	[BROWSE_BY_PD] = PROFILE_SORT("p.pd", NULL, KEY_REAL, 0, "profiles_pd"),
	[BROWSE_BY_BAND] = PROFILE_SORT("p.band", "p.score", KEY_TEXT, 0, "profiles_band"),
	[BROWSE_BY_SEGMENT] = PROFILE_SORT("p.segment", "p.score", KEY_TEXT, 0, "profiles_segment"),
	[BROWSE_BY_ACTIVITY] = PROFILE_SORT("p.last_activity", NULL, KEY_TEXT, 1,
					    "profiles_activity"),
	[BROWSE_BY_FEATURE + 0] = FEATURE_SORT(0),
	[BROWSE_BY_FEATURE + 1] = FEATURE_SORT(1),
	[BROWSE_BY_FEATURE + 2] = FEATURE_SORT(2),
	[BROWSE_BY_FEATURE + 3] = FEATURE_SORT(3),
	[BROWSE_BY_FEATURE + 4] = FEATURE_SORT(4),
	[BROWSE_BY_FEATURE + 5] = FEATURE_SORT(5),
	[BROWSE_BY_FEATURE + 6] = FEATURE_SORT(6),
	[BROWSE_BY_FEATURE + 7] = FEATURE_SORT(7),
	[BROWSE_BY_FEATURE + 8] = FEATURE_SORT(8),
	[BROWSE_BY_FEATURE + 9] = FEATURE_SORT(9),
	[BROWSE_BY_FEATURE + 10] = FEATURE_SORT(10),
	[BROWSE_BY_FEATURE + 11] = FEATURE_SORT(11),
	[BROWSE_BY_FEATURE + 12] = FEATURE_SORT(12),
	[BROWSE_BY_FEATURE + 13] = FEATURE_SORT(13),
	[BROWSE_BY_FEATURE + 14] = FEATURE_SORT(14),
	[BROWSE_BY_FEATURE + 15] = FEATURE_SORT(15),
	[BROWSE_BY_FEATURE + 16] = FEATURE_SORT(16),
};
_Static_assert(FEAT_COUNT == 17, "a FEATURE_SORT for every feature");

/* The profile's part is profile.h's head: no JSON is decoded for the list. The sort's key
 * comes last (COL_KEY). */
static const char row_cols[] = "SELECT c.id, c.name, p.customer_id, " PROFILE_HEAD_COLUMNS
			       ", c.rowid, c.name_key, ";
enum { COL_HEAD = 3, COL_ROWID = 8, COL_NAME_KEY = 9, COL_KEY = 10 };

enum segment {
	SEG_ALL,   /* the key is never NULL: one segment */
	SEG_NULL,  /* rows whose key is NULL, by id */
	SEG_VALUE, /* rows with a key, by (key, id) */
};

/* A keyset position with its exact (untruncated) keys. */
struct keypos {
	char *id;   /* owned */
	char *text; /* owned; the text key, or NULL when the sort has none or it is NULL */
	double num; /* the numeric key, or the score after a text key */
	int null;   /* the nullable key is NULL */
};

/* How a read finds rows. */
enum find {
	FIND_NONE, /* a page */
	FIND_SCAN, /* rows in order, checked here against the search */
	FIND_CAND, /* the rows the name index offers for the search, sorted */
};

/* What a read adds to the page query. */
struct read_opts {
	int inclusive;      /* the position's row itself may come back */
	int desc;           /* direction of the read (not of the display) */
	enum find find;     /* a page or a search */
	const char *needle; /* the search, folded */
	int examine;        /* FIND_SCAN: rows to read at most */
	int exhausted;      /* out: FIND_SCAN found fewer than `examine` rows */
};

/* Copies at most cap-1 bytes of s, never cutting a UTF-8 sequence in two. */
static void copy_text(char *dst, size_t cap, const unsigned char *s, int bytes)
{
	size_t n = s && bytes > 0 ? utf8_cut((const char *)s, (size_t)bytes, cap - 1) : 0;
	if (n)
		memcpy(dst, s, n);
	dst[n] = '\0';
}

static void copy_col(char *dst, size_t cap, sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	copy_text(dst, cap, t, sqlite3_column_bytes(s, col));
}

static void fill_row(sqlite3_stmt *s, enum browse_sort sort, struct browse_row *r)
{
	const struct sort_def *d = &sorts[sort];
	memset(r, 0, sizeof *r);
	copy_col(r->id, sizeof r->id, s, 0);
	copy_col(r->name, sizeof r->name, s, 1);
	r->has_profile = sqlite3_column_type(s, 2) != SQLITE_NULL;
	if (r->has_profile) {
		struct profile_head h;
		profile_head_read(s, COL_HEAD, &h);
		r->score = h.score;
		r->band = h.band;
		r->pd = h.pd;
		if (h.segment >= 0)
			snprintf(r->segment, sizeof r->segment, "%s",
				 vocab_name(&vocab_segment, h.segment));
		memcpy(r->last_activity, h.last_activity, sizeof r->last_activity);
	}
	r->key_rowid = sqlite3_column_int64(s, COL_ROWID);
	r->feature = NAN;
	if (d->type == KEY_TEXT) {
		r->key_null = sqlite3_column_type(s, COL_KEY) == SQLITE_NULL;
		copy_col(r->key_text, sizeof r->key_text, s, COL_KEY);
		r->key_num = r->score; /* key2 */
	} else if (d->type != KEY_NONE) {
		r->key_num = sqlite3_column_double(s, COL_KEY);
	}
	if (sort >= BROWSE_BY_FEATURE && !isinf(r->key_num))
		r->feature = r->key_num;
}

static void keypos_free(struct keypos *k)
{
	free(k->id);
	free(k->text);
}

/* The exact keys of `from`. The row's strings are cut to their buffers; when one may have
 * been, the keys are read again through the customer's rowid (when that row still has the
 * same id prefix; else the cut keys serve, which at worst repeats a row). 0 or -1. */
static int keypos_init(struct rd_store *st, enum browse_sort sort, const struct browse_row *from,
		       struct keypos *k, struct rd_err *err)
{
	const struct sort_def *d = &sorts[sort];
	const int text_key = d->type == KEY_TEXT;
	size_t idlen = strnlen(from->id, sizeof from->id);
	size_t textlen = strnlen(from->key_text, sizeof from->key_text);
	memset(k, 0, sizeof *k);
	k->id = rd_strndup(from->id, idlen);
	k->num = from->key_num;
	k->null = d->nullable && from->key_null;
	if (text_key && !k->null)
		k->text = rd_strndup(from->key_text, textlen);
	if (idlen + TRUNC_SLACK < sizeof from->id &&
	    (!text_key || k->null || textlen + TRUNC_SLACK < sizeof from->key_text))
		return 0;

	sqlite3_stmt *s = NULL;
	int rc = -1;
	if (store_prepare(st,
			  "SELECT c.id, c.name_key, p.last_activity FROM customers c"
			  " LEFT JOIN credit_profiles p ON p.customer_id = c.id WHERE c.rowid = ?1",
			  &s, err))
		goto out;
	sqlite3_bind_int64(s, 1, from->key_rowid);
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(s, 0);
		if (id && strncmp(id, k->id, idlen) == 0) {
			free(k->id);
			k->id = rd_strdup(id);
			/* (band and segment are short: only these two text keys can be cut) */
			int col = sort == BROWSE_BY_NAME ? 1 : sort == BROWSE_BY_ACTIVITY ? 2 : -1;
			const char *t = col > 0 ? (const char *)sqlite3_column_text(s, col) : NULL;
			if (t && k->text) {
				free(k->text);
				k->text = rd_strdup(t);
			}
		}
	} else if (step != SQLITE_DONE) {
		store_fail(st, err, "browse");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	return rc;
}

/* The keyset and segment conditions of a read, joined to *sep's clause. */
static void where_keys(struct rd_buf *b, const struct sort_def *d, enum segment seg, const char *op,
		       const char **sep)
{
	if (seg != SEG_ALL) {
		buf_printf(b, "%s%s IS %s", *sep, d->key, seg == SEG_NULL ? "NULL" : "NOT NULL");
		*sep = " AND ";
	}
	if (op) {
		if (!d->key || seg == SEG_NULL)
			buf_printf(b, "%s%s %s ?", *sep, d->idcol, op);
		else if (d->key2)
			buf_printf(b, "%s(%s, %s, %s) %s (?, ?, ?)", *sep, d->key, d->key2,
				   d->idcol, op);
		else
			buf_printf(b, "%s(%s, %s) %s (?, ?)", *sep, d->key, d->idcol, op);
		*sep = " AND ";
	}
}

/* The ORDER BY of a read: the sort's key columns, then the id. The key stays in the
 * ORDER BY of the NULL segment: ordered by the id alone, the primary key would serve the
 * order too, and SQLite could walk all of it. */
static void order_by(struct rd_buf *b, const struct sort_def *d, const char *key, const char *idcol,
		     const char *dir)
{
	buf_puts(b, " ORDER BY ");
	if (key)
		buf_printf(b, "%s%s, ", key, dir);
	if (d->key2)
		buf_printf(b, "%s%s, ", d->key2, dir);
	buf_printf(b, "%s%s", idcol, dir);
}

/* Appends the page query of one segment. op is the keyset comparison ("<", ">=", ...) or
 * NULL from the segment's start. The `?` come in order: search, keyset, filter, limit. */
static void page_sql(struct rd_buf *b, const struct sort_def *d, const struct browse_query *q,
		     enum segment seg, const char *op, const struct read_opts *o, int forced)
{
	const char *sep = " WHERE ";
	const char *dir = o->desc ? " DESC" : "";
	const int inner = d->unindexed && o->find != FIND_CAND;
	buf_puts(b, row_cols);
	if (inner) {
		/* One sorted pass picks the page's ids from the covering index; only those n
		 * rows are then joined (CROSS JOIN keeps the pick the outer loop). A filter may
		 * read the customer, so it joins it. */
		buf_printf(b,
			   "s.k FROM (SELECT p.customer_id AS kid, %s AS k FROM credit_profiles p",
			   d->key);
		if (q->filter)
			buf_puts(b, " JOIN customers c ON c.id = p.customer_id");
	} else {
		buf_puts(b, d->key ? d->key : "NULL");
	}
	if (o->find == FIND_CAND) {
		/* The customers whose folded name or id holds the text, found by one pass over
		 * customers_name_key (it holds both), drive the read (CROSS JOIN keeps them the
		 * outer loop); these few are then sorted in the list's order. */
		buf_puts(b, " FROM (SELECT rowid AS rid FROM customers"
			    " WHERE instr(name_key, ?) > 0 OR instr(rd_fold(id), ?) > 0)"
			    " m CROSS JOIN customers c ON c.rowid = m.rid");
		buf_puts(b, d->by_profile ? " CROSS JOIN credit_profiles p ON p.customer_id = c.id"
					  : " LEFT JOIN credit_profiles p ON p.customer_id = c.id");
	} else if (!inner) {
		buf_puts(b, forced ? d->from_forced : d->from);
	}
	where_keys(b, d, seg, op, &sep);
	if (q->filter) {
		/* `IS TRUE` hides the filter from the planner where it must not pick the plan: a
		 * forced customers-driven read keeps its LEFT JOIN (SQLite may not make it an
		 * inner join and reorder it), and the candidates reach their profile by its key
		 * (not through, say, profiles_band for a band=E, once per candidate). */
		int wrap = (forced && !d->by_profile) || o->find == FIND_CAND;
		buf_printf(b, "%s%s%s%s", sep, wrap ? "(" : "", expr_sql(q->filter),
			   wrap ? " IS TRUE)" : "");
	}
	if (inner) {
		order_by(b, d, "k", "kid", dir);
		buf_puts(b, " LIMIT ?) s CROSS JOIN credit_profiles p ON p.customer_id = s.kid"
			    " CROSS JOIN customers c ON c.id = s.kid");
		order_by(b, d, "s.k", "s.kid", dir);
	} else {
		order_by(b, d, d->key, d->idcol, dir);
		buf_puts(b, " LIMIT ?");
	}
}

/* 1 when SQLite's plan for sql sorts its rows or builds an index on the fly: it took a
 * filter for selective (it has no statistics) and would read every row that matches. */
static int plan_sorts(struct rd_store *st, const char *sql)
{
	struct rd_buf b = {0};
	sqlite3_stmt *s = NULL;
	int sorting = 0;
	buf_puts(&b, "EXPLAIN QUERY PLAN ");
	buf_puts(&b, sql);
	if (sqlite3_prepare_v2(store_db(st), b.data, -1, &s, NULL) != SQLITE_OK)
		goto out;
	while (!sorting && sqlite3_step(s) == SQLITE_ROW) {
		const char *detail = (const char *)sqlite3_column_text(s, 3);
		sorting = detail &&
			  ((strstr(detail, "TEMP B-TREE") && strstr(detail, "ORDER BY")) ||
			   strstr(detail, "AUTOMATIC"));
	}
out:
	sqlite3_finalize(s);
	buf_free(&b);
	return sorting;
}

/* Prepares one segment's query. Without a filter SQLite always follows the sort's index.
 * With one, having no statistics, it may take the filter for selective and serve it by
 * another index: good when that index gives the order too (band=E under the score sort:
 * profiles_band (band, score, customer_id)), bad when it must then sort every match
 * (band=E under the id sort: thousands of rows for a page). In that case the sort's index
 * is forced (INDEXED BY, or the LEFT JOIN kept), and the page reads rows in order until n
 * match. A feature's sort has no index to force. */
static int prepare_page(struct rd_store *st, const struct browse_query *q, enum segment seg,
			const char *op, const struct read_opts *o, sqlite3_stmt **s,
			struct rd_err *err)
{
	const struct sort_def *d = &sorts[q->sort];
	struct rd_buf sql = {0};
	page_sql(&sql, d, q, seg, op, o, 0);
	if (q->filter && o->find != FIND_CAND && !d->unindexed && plan_sorts(st, sql.data)) {
		buf_reset(&sql);
		page_sql(&sql, d, q, seg, op, o, 1);
	}
	int rc = store_prepare(st, sql.data, s, err);
	buf_free(&sql);
	return rc;
}

/* Binds the search, keyset, filter and limit values in the order of page_sql. */
static int bind_page(sqlite3_stmt *s, const struct sort_def *d, const struct browse_query *q,
		     enum segment seg, const struct keypos *k, const struct read_opts *o, int limit)
{
	int i = 1;
	if (o->find == FIND_CAND) {
		sqlite3_bind_text(s, i++, o->needle, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, i++, o->needle, -1, SQLITE_STATIC);
	}
	if (k) {
		if (d->key && seg != SEG_NULL) {
			if (d->type == KEY_TEXT)
				sqlite3_bind_text(s, i++, k->text ? k->text : "", -1,
						  SQLITE_STATIC);
			else if (d->type == KEY_INT)
				sqlite3_bind_int64(s, i++, (sqlite3_int64)k->num);
			else
				sqlite3_bind_double(s, i++, k->num);
			if (d->key2)
				sqlite3_bind_int64(s, i++, (sqlite3_int64)k->num);
		}
		sqlite3_bind_text(s, i++, k->id, -1, SQLITE_STATIC);
	}
	if (q->filter) {
		int n = expr_bind(q->filter, s, i);
		if (n < 0)
			return -1;
		i += n;
	}
	sqlite3_bind_int(s, i, limit);
	return 0;
}

/* 1 when the row's folded id or name (its name_key) holds the needle. */
static int row_matches(sqlite3_stmt *s, const char *needle)
{
	const char *key = (const char *)sqlite3_column_text(s, COL_NAME_KEY);
	if (key && strstr(key, needle))
		return 1;
	const char *id = (const char *)sqlite3_column_text(s, 0);
	char *fid = fold_dup(id ? id : "", (size_t)sqlite3_column_bytes(s, 0));
	int found = strstr(fid, needle) != NULL;
	free(fid);
	return found;
}

/* Reads up to n rows from position k (NULL: the start) in direction o->desc, through the
 * segments that follow it. Returns the count or -1. */
static int read_rows(struct rd_store *st, const struct browse_query *q, const struct keypos *k,
		     struct read_opts *o, int n, struct browse_row *out, struct rd_err *err)
{
	const struct sort_def *d = &sorts[q->sort];
	enum segment segs[2] = {SEG_ALL, SEG_ALL};
	int nseg = 1, first = 0, got = 0, rc = -1;
	sqlite3_stmt *s = NULL;
	if (d->nullable) {
		nseg = 2;
		segs[0] = o->desc ? SEG_VALUE : SEG_NULL;
		segs[1] = o->desc ? SEG_NULL : SEG_VALUE;
		if (k)
			first = segs[0] == (k->null ? SEG_NULL : SEG_VALUE) ? 0 : 1;
	}
	const int scan = o->find == FIND_SCAN;
	int budget = scan ? o->examine : n;
	for (int i = first; i < nseg && got < n && budget > 0; i++) {
		const struct keypos *pos = k && i == first ? k : NULL;
		const char *op = NULL;
		if (pos)
			op = o->desc ? (o->inclusive ? "<=" : "<") : (o->inclusive ? ">=" : ">");
		if (prepare_page(st, q, segs[i], op, o, &s, err))
			goto out;
		if (bind_page(s, d, q, segs[i], pos, o, scan ? budget : n - got)) {
			store_fail(st, err, "browse: binding the filter");
			goto out;
		}
		int step = SQLITE_DONE;
		while (got < n && (step = sqlite3_step(s)) == SQLITE_ROW) {
			budget--;
			if (!scan || row_matches(s, o->needle))
				fill_row(s, q->sort, &out[got++]);
		}
		if (got < n && step != SQLITE_DONE) {
			store_fail(st, err, "browse");
			goto out;
		}
		sqlite3_finalize(s);
		s = NULL;
	}
	o->exhausted = budget > 0;
	rc = got;
out:
	sqlite3_finalize(s);
	return rc;
}

static int check_query(const struct browse_query *q, struct rd_err *err)
{
	if (!q || (unsigned)q->sort >= BROWSE_SORT_COUNT) {
		rd_err_set(err, "browse: no such sort");
		return -1;
	}
	/* A filter on a masked value would reveal it one guess at a time. */
	if (q->filter && expr_reads_pii(q->filter) && !(q->pii && *q->pii == 1)) {
		rd_err_set(err, "browse: the filter reads email or phone, which needs 'set pii on'"
				" (clear the filter or turn pii on)");
		return -1;
	}
	return 0;
}

int browse_page(struct rd_store *st, const struct browse_query *q, const struct browse_row *from,
		int backward, int n, struct browse_row *out, struct rd_err *err)
{
	struct keypos k = {0};
	struct read_opts o = {0};
	int got = -1;
	if (check_query(q, err))
		return -1;
	if (n <= 0)
		return 0;
	o.desc = !q->desc != !backward; /* backward reads against the display order */
	if (from && keypos_init(st, q->sort, from, &k, err))
		goto out;
	got = read_rows(st, q, from ? &k : NULL, &o, n, out, err);
	if (got > 0 && backward) {
		for (int i = 0, j = got - 1; i < j; i++, j--) {
			struct browse_row t = out[i];
			out[i] = out[j];
			out[j] = t;
		}
	}
out:
	keypos_free(&k);
	return got;
}

int64_t browse_count(struct rd_store *st, const struct browse_query *q, int64_t cap,
		     struct rd_err *err)
{
	struct rd_buf sql = {0};
	sqlite3_stmt *s = NULL;
	int64_t count = -1;
	if (check_query(q, err))
		return -1;
	if (cap < 0)
		cap = 0;
	/* Counting stops after cap+1 rows; SQLite picks the plan (a filter's index is fine). */
	buf_puts(&sql, "SELECT count(*) FROM (SELECT 1");
	buf_puts(&sql, sorts[q->sort].from);
	if (q->filter)
		buf_printf(&sql, " WHERE %s", expr_sql(q->filter));
	buf_puts(&sql, " LIMIT ?)");
	if (store_prepare(st, sql.data, &s, err))
		goto out;
	int i = q->filter ? expr_bind(q->filter, s, 1) : 0;
	if (i < 0) {
		store_fail(st, err, "browse: binding the filter");
		goto out;
	}
	sqlite3_bind_int64(s, i + 1, cap < INT64_MAX ? cap + 1 : cap);
	if (sqlite3_step(s) != SQLITE_ROW) {
		store_fail(st, err, "browse: count");
		goto out;
	}
	count = sqlite3_column_int64(s, 0);
out:
	sqlite3_finalize(s);
	buf_free(&sql);
	return count;
}

/* The first match from k (NULL: the end the read starts from) in the read's direction.
 * First the next SEARCH_SCAN rows in order: a text that matches many rows matches one
 * soon. Else the matches are few: one pass over customers_name_key finds them, and the
 * first of them after k in the list's order is the one. 1, 0 or -1. */
static int search_from(struct rd_store *st, const struct browse_query *q, const struct keypos *k,
		       struct read_opts *o, struct browse_row *out, struct rd_err *err)
{
	if (!*o->needle) { /* everything matches */
		o->find = FIND_NONE;
		return read_rows(st, q, k, o, 1, out, err);
	}
	o->find = FIND_SCAN;
	o->examine = SEARCH_SCAN;
	int got = read_rows(st, q, k, o, 1, out, err);
	if (got != 0 || o->exhausted)
		return got;
	o->find = FIND_CAND;
	return read_rows(st, q, k, o, 1, out, err);
}

int browse_search(struct rd_store *st, const struct browse_query *q, const char *text,
		  const struct browse_row *from, enum browse_dir dir, struct browse_row *out,
		  struct rd_err *err)
{
	struct keypos k = {0};
	char *needle = NULL;
	int found = -1;
	if (check_query(q, err))
		return -1;
	if (from && keypos_init(st, q->sort, from, &k, err))
		goto out;
	needle = fold_dup(text ? text : "", text ? strlen(text) : 0);
	/* Going back is a read against the display order. */
	struct read_opts o = {.inclusive = dir == BROWSE_AT,
			      .desc = !q->desc != !(dir == BROWSE_PREVIOUS),
			      .needle = needle};
	found = search_from(st, q, from ? &k : NULL, &o, out, err);
	if (found == 0 && from) { /* wrap around to the other end */
		o.inclusive = 1;
		found = search_from(st, q, NULL, &o, out, err);
	}
out:
	free(needle);
	keypos_free(&k);
	return found;
}

int browse_find(struct rd_store *st, const struct browse_query *q, const char *id,
		struct browse_row *out, struct rd_err *err)
{
	const struct sort_def *d;
	struct rd_buf sql = {0};
	sqlite3_stmt *s = NULL;
	int found = -1;
	if (check_query(q, err))
		return -1;
	/* The sort's own FROM: a sort driven from the profiles lists scored customers only. */
	d = &sorts[q->sort];
	buf_puts(&sql, row_cols);
	buf_puts(&sql, d->key ? d->key : "NULL");
	buf_puts(&sql, d->from);
	buf_puts(&sql, " WHERE c.id = ?");
	if (q->filter)
		buf_printf(&sql, " AND %s", expr_sql(q->filter));
	if (store_prepare(st, sql.data, &s, err))
		goto out;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	if (q->filter && expr_bind(q->filter, s, 2) < 0) {
		store_fail(st, err, "browse: binding the filter");
		goto out;
	}
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		fill_row(s, q->sort, out);
		found = 1;
	} else if (step == SQLITE_DONE) {
		found = 0;
	} else {
		store_fail(st, err, "browse");
	}
out:
	sqlite3_finalize(s);
	buf_free(&sql);
	return found;
}

int browse_activity(struct rd_store *st, const char *customer_id, int skip, int n,
		    struct browse_event *out, struct rd_err *err)
{
	sqlite3_stmt *s = NULL;
	int got = -1, seen = 0;
	if (skip < 0)
		skip = 0;
	if (n <= 0)
		return 0;
	/* Both tables through their (customer_id, created_at) index, merged newest first; at
	 * the same instant payments before orders, then by id. A customer's activity is small,
	 * so the skipped rows are read and dropped rather than keyed. */
	if (store_prepare(st,
			  "SELECT 'O', id, created_at, status, 1, amount FROM orders"
			  " WHERE customer_id = ?1"
			  " UNION ALL SELECT 'P', id, created_at, method, success, amount FROM "
			  "payments"
			  " WHERE customer_id = ?1"
			  " ORDER BY 3 DESC, 1 DESC, 2 DESC LIMIT ?2",
			  &s, err))
		goto out;
	sqlite3_bind_text(s, 1, customer_id ? customer_id : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)skip + n);
	got = 0;
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		if (seen++ < skip)
			continue;
		struct browse_event *e = &out[got++];
		memset(e, 0, sizeof *e);
		const unsigned char *kind = sqlite3_column_text(s, 0);
		e->kind = kind ? (char)kind[0] : '?';
		copy_col(e->id, sizeof e->id, s, 1);
		copy_col(e->at, sizeof e->at, s, 2);
		copy_col(e->what, sizeof e->what, s, 3);
		e->success = sqlite3_column_int(s, 4);
		e->amount = sqlite3_column_double(s, 5);
	}
	if (step != SQLITE_DONE)
		got = store_fail(st, err, "browse: activity");
out:
	sqlite3_finalize(s);
	return got;
}

int browse_score_history(struct rd_store *st, const char *customer_id, int n, int *scores,
			 struct rd_err *err)
{
	sqlite3_stmt *s = NULL;
	int got = -1;
	if (n <= 0)
		return 0;
	/* The latest n through score_history_customer (customer_id, id), then oldest first. */
	if (store_prepare(st,
			  "SELECT score FROM (SELECT id, score FROM score_history"
			  " WHERE customer_id = ?1 ORDER BY id DESC LIMIT ?2) ORDER BY id",
			  &s, err))
		goto out;
	sqlite3_bind_text(s, 1, customer_id ? customer_id : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, n);
	got = 0;
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		scores[got++] = sqlite3_column_int(s, 0);
	if (step != SQLITE_DONE)
		got = store_fail(st, err, "browse: score history");
out:
	sqlite3_finalize(s);
	return got;
}
