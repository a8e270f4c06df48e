/* What the console's panes read (browse.h): the customer list by keyset paging over the
 * sort's index, one customer's activity and score history.
 *
 * A page is "the n rows after this key" in the sort's order, read with a row-value
 * comparison that SQLite turns into an index range ((p.score, p.customer_id) > (?, ?)),
 * ORDER BY the index's columns and LIMIT n: the cost is the rows shown, wherever the page
 * is. Backward is the same read in the opposite direction, reversed. The SQL is made of
 * the fixed strings of this file and the filter's compiled condition; every value is bound.
 *
 * Sorts by id and name are driven from customers (PK, customers_name) and LEFT JOIN the
 * profiles, so customers never scored are listed. Sorts by score, band and activity are
 * driven from credit_profiles through their indexes and JOIN customers: customers without
 * a profile do not appear under those sorts (they have no score, band or activity to be
 * placed by).
 *
 * Nullable keys (name, last_activity) cannot be compared as row values (NULL compares to
 * nothing), so such a list is two segments read one after the other: the NULL keys by id,
 * then the others by (key, id). NULLs come first ascending and last descending, as in
 * SQLite's ORDER BY. */
#include "riskdesk/browse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/profile.h"

#define SEARCH_SCAN 128      /* rows a search reads in order before it asks the indexes */
#define SEARCH_LETTERS 3     /* leading letters of a name prefix spelt in both cases */
#define SEARCH_VARIANTS 8    /* 2^SEARCH_LETTERS ranges of the name index */
#define TRUNC_SLACK 4        /* a copied string this close to its buffer may be cut */

/* The list's sort keys' names (vocab.h), pointed at from here. */
const char *const browse_sort_names[BROWSE_SORT_COUNT] = {
	[BROWSE_BY_ID] = vocab_sort_key_words[SORT_ID].name,
	[BROWSE_BY_NAME] = vocab_sort_key_words[SORT_NAME].name,
	[BROWSE_BY_SCORE] = vocab_sort_key_words[SORT_SCORE].name,
	[BROWSE_BY_BAND] = vocab_sort_key_words[SORT_BAND].name,
	[BROWSE_BY_ACTIVITY] = vocab_sort_key_words[SORT_LAST_ACTIVITY].name,
};

static const char from_customers[] =
	" FROM customers c LEFT JOIN credit_profiles p ON p.customer_id = c.id";
static const char from_profiles[] =
	" FROM credit_profiles p JOIN customers c ON c.id = p.customer_id";

/* How each sort reads: the fixed column names of its index. */
struct sort_def {
	const char *from;        /* FROM clause, the driving table first */
	const char *from_forced; /* the same, the sort's index forced (see prepare_page) */
	const char *key;         /* first key column, or NULL (the id alone) */
	const char *key2;        /* second key column (band: the score), or NULL */
	const char *idcol;       /* the tie-breaking id column of the driving table */
	int key_num;             /* key is a number (bound as an integer) */
	int nullable;            /* key may be NULL: two segments */
	int by_profile;          /* driven from credit_profiles */
};

static const struct sort_def sorts[BROWSE_SORT_COUNT] = {
	[BROWSE_BY_ID] = {from_customers, from_customers, NULL, NULL, "c.id", 0, 0, 0},
	[BROWSE_BY_NAME] = {from_customers,
			    " FROM customers c INDEXED BY customers_name"
			    " LEFT JOIN credit_profiles p ON p.customer_id = c.id",
			    "c.name", NULL, "c.id", 0, 1, 0},
	[BROWSE_BY_SCORE] = {from_profiles,
			     " FROM credit_profiles p INDEXED BY profiles_score"
			     " JOIN customers c ON c.id = p.customer_id",
			     "p.score", NULL, "p.customer_id", 1, 0, 1},
	[BROWSE_BY_BAND] = {from_profiles,
			    " FROM credit_profiles p INDEXED BY profiles_band"
			    " JOIN customers c ON c.id = p.customer_id",
			    "p.band", "p.score", "p.customer_id", 0, 0, 1},
	[BROWSE_BY_ACTIVITY] = {from_profiles,
				" FROM credit_profiles p INDEXED BY profiles_activity"
				" JOIN customers c ON c.id = p.customer_id",
				"p.last_activity", NULL, "p.customer_id", 0, 1, 1},
};

/* The profile's part is profile.h's head: no JSON is decoded for the list. */
static const char row_cols[] = "SELECT c.id, c.name, p.customer_id, " PROFILE_HEAD_COLUMNS
			       ", c.rowid";

enum segment {
	SEG_ALL,   /* the key is never NULL: one segment */
	SEG_NULL,  /* rows whose key is NULL, by id */
	SEG_VALUE, /* rows with a key, by (key, id) */
};

/* A keyset position with its exact (untruncated) keys. */
struct keypos {
	char *id;   /* owned */
	char *text; /* owned; the text key, or NULL when the sort has none or it is NULL */
	double num; /* the numeric key (score) */
	int null;   /* the nullable key is NULL */
};

/* A search prefix turned into bound values: an id range and name ranges. */
struct terms {
	const char *prefix;                /* as given */
	size_t len;                        /* bytes of prefix */
	char *hi;                          /* first string after every id with the prefix, or NULL */
	char *like;                        /* LIKE pattern: the prefix escaped, then % */
	int nvar;                          /* case spellings of the name's leading letters */
	char *var_lo[SEARCH_VARIANTS];     /* each spelling */
	char *var_hi[SEARCH_VARIANTS];     /* the first string after it, or NULL */
};

/* How a search reads (see search_from). */
enum find {
	FIND_NONE, /* a page */
	FIND_SCAN, /* rows in order, checked here against the prefix */
	FIND_CAND, /* the rows the PK and name index offer for the prefix, sorted */
	FIND_SEEK, /* rows in order within one index range of the prefix */
};

enum { PART_ID = 1, PART_NAME = 2 }; /* what of the prefix a FIND_CAND or FIND_SEEK looks at */
enum { SEEK_LO = 1, SEEK_HI = 2 };   /* the bounds of its range a FIND_SEEK states */

/* What a read adds to the page query. */
struct read_opts {
	int inclusive;          /* the position's row itself may come back */
	int desc;               /* direction of the read (not of the display) */
	enum find find;         /* a page or a search */
	const struct terms *t;  /* the search */
	unsigned parts;         /* FIND_CAND: PART_ID and/or PART_NAME; FIND_SEEK: one of them */
	int variant;            /* FIND_SEEK by name: which spelling's range */
	unsigned bounds;        /* FIND_SEEK: SEEK_LO, SEEK_HI (the keyset is the other bound) */
	int examine;            /* FIND_SCAN: rows to read at most */
	int exhausted;          /* out: FIND_SCAN found fewer than `examine` rows */
};

/* Copies at most cap-1 bytes of s, never cutting a UTF-8 sequence in two. */
static void copy_text(char *dst, size_t cap, const unsigned char *s, int bytes)
{
	size_t n = s && bytes > 0 ? (size_t)bytes : 0;
	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && (s[n] & 0xC0) == 0x80)
			n--;
	}
	if (n)
		memcpy(dst, s, n);
	dst[n] = '\0';
}

static void copy_col(char *dst, size_t cap, sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	copy_text(dst, cap, t, sqlite3_column_bytes(s, col));
}

/* An upper bound of a range: the successor, or an empty blob, which sorts after every
 * text in SQLite. */
static void bind_hi(sqlite3_stmt *s, int i, const char *hi)
{
	if (hi)
		sqlite3_bind_text(s, i, hi, -1, SQLITE_STATIC);
	else
		sqlite3_bind_zeroblob(s, i, 0);
}

static void fill_row(sqlite3_stmt *s, enum browse_sort sort, struct browse_row *r)
{
	memset(r, 0, sizeof *r);
	copy_col(r->id, sizeof r->id, s, 0);
	copy_col(r->name, sizeof r->name, s, 1);
	r->has_profile = sqlite3_column_type(s, 2) != SQLITE_NULL;
	if (r->has_profile) {
		struct profile_head h;
		profile_head_read(s, 3, &h);
		r->score = h.score;
		r->band = h.band;
		r->pd = h.pd;
		if (h.segment >= 0)
			snprintf(r->segment, sizeof r->segment, "%s", vocab_name(&vocab_segment, h.segment));
		memcpy(r->last_activity, h.last_activity, sizeof r->last_activity);
	}
	r->key_rowid = sqlite3_column_int64(s, 8);
	switch (sort) {
	case BROWSE_BY_NAME:
		r->key_null = sqlite3_column_type(s, 1) == SQLITE_NULL;
		copy_col(r->key_text, sizeof r->key_text, s, 1);
		break;
	case BROWSE_BY_SCORE:
		r->key_num = r->score;
		break;
	case BROWSE_BY_BAND:
		copy_col(r->key_text, sizeof r->key_text, s, 4);
		r->key_num = r->score;
		break;
	case BROWSE_BY_ACTIVITY:
		r->key_null = sqlite3_column_type(s, 7) == SQLITE_NULL;
		copy_col(r->key_text, sizeof r->key_text, s, 7);
		break;
	default:
		break;
	}
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
	const int text_key = sort == BROWSE_BY_NAME || sort == BROWSE_BY_ACTIVITY;
	size_t idlen = strnlen(from->id, sizeof from->id);
	size_t textlen = strnlen(from->key_text, sizeof from->key_text);
	memset(k, 0, sizeof *k);
	k->id = rd_strndup(from->id, idlen);
	k->num = from->key_num;
	k->null = text_key && from->key_null;
	if (sort == BROWSE_BY_BAND || (text_key && !k->null))
		k->text = rd_strndup(from->key_text, textlen);
	if (idlen + TRUNC_SLACK < sizeof from->id &&
	    (!text_key || k->null || textlen + TRUNC_SLACK < sizeof from->key_text))
		return 0;

	sqlite3_stmt *s = NULL;
	int rc = -1;
	if (store_prepare(st,
			  "SELECT c.id, c.name, p.last_activity FROM customers c"
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
			if (text_key && !k->null) {
				const char *t = (const char *)sqlite3_column_text(
					s, sort == BROWSE_BY_NAME ? 1 : 2);
				if (t) {
					free(k->text);
					k->text = rd_strdup(t);
				}
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

/* Appends the page query of one segment. op is the keyset comparison ("<", ">=", ...) or
 * NULL from the segment's start. The `?` come in order: search, keyset, filter, limit. */
static void page_sql(struct rd_buf *b, const struct sort_def *d, const struct browse_query *q,
		     enum segment seg, const char *op, const struct read_opts *o, int forced)
{
	const char *sep = " WHERE ";
	const char *dir = o->desc ? " DESC" : "";
	buf_puts(b, row_cols);
	if (o->find == FIND_CAND) {
		/* The customers whose id or name starts with the prefix, found through the PK and
		 * the name index, drive the read (CROSS JOIN keeps them the outer loop); these few
		 * are then sorted in the list's order. */
		buf_puts(b, " FROM (");
		if (o->parts & PART_ID)
			buf_puts(b, "SELECT rowid AS rid FROM customers WHERE id >= ? AND id < ?");
		if (o->parts == (PART_ID | PART_NAME))
			buf_puts(b, " UNION ");
		if (o->parts & PART_NAME) {
			buf_puts(b, "SELECT rowid AS rid FROM customers WHERE (");
			for (int i = 0; i < o->t->nvar; i++)
				buf_puts(b, i ? " OR name >= ? AND name < ?" : "name >= ? AND name < ?");
			buf_puts(b, ") AND name LIKE ? ESCAPE '\\'");
		}
		buf_puts(b, ") m CROSS JOIN customers c ON c.rowid = m.rid");
		buf_puts(b, d->by_profile ? " CROSS JOIN credit_profiles p ON p.customer_id = c.id"
					  : " LEFT JOIN credit_profiles p ON p.customer_id = c.id");
	} else {
		buf_puts(b, forced ? d->from_forced : d->from);
	}
	if (seg != SEG_ALL) {
		buf_printf(b, "%s%s IS %s", sep, d->key, seg == SEG_NULL ? "NULL" : "NOT NULL");
		sep = " AND ";
	}
	if (op) {
		if (!d->key || seg == SEG_NULL)
			buf_printf(b, "%s%s %s ?", sep, d->idcol, op);
		else if (d->key2)
			buf_printf(b, "%s(%s, %s, %s) %s (?, ?, ?)", sep, d->key, d->key2, d->idcol, op);
		else
			buf_printf(b, "%s(%s, %s) %s (?, ?)", sep, d->key, d->idcol, op);
		sep = " AND ";
	}
	if (q->filter) {
		/* `IS TRUE` hides the filter from the planner where it must not pick the plan: a
		 * forced customers-driven read keeps its LEFT JOIN (SQLite may not make it an
		 * inner join and reorder it), and the candidates reach their profile by its key
		 * (not through, say, profiles_band for a band=E, once per candidate). */
		int wrap = (forced && !d->by_profile) || o->find == FIND_CAND;
		buf_printf(b, "%s%s%s%s", sep, wrap ? "(" : "", expr_sql(q->filter),
			   wrap ? " IS TRUE)" : "");
		sep = " AND ";
	}
	if (o->find == FIND_SEEK) {
		const char *col = o->parts == PART_ID ? "c.id" : "c.name";
		if (o->bounds & SEEK_LO) {
			buf_printf(b, "%s%s >= ?", sep, col);
			sep = " AND ";
		}
		if (o->bounds & SEEK_HI) {
			buf_printf(b, "%s%s < ?", sep, col);
			sep = " AND ";
		}
		if (o->parts == PART_NAME)
			buf_printf(b, "%sc.name LIKE ? ESCAPE '\\'", sep);
	}
	/* The key stays in the ORDER BY of the NULL segment: ordered by the id alone, the
	 * primary key would serve the order too, and SQLite could walk all of it. */
	buf_puts(b, " ORDER BY ");
	if (d->key)
		buf_printf(b, "%s%s, ", d->key, dir);
	if (d->key2)
		buf_printf(b, "%s%s, ", d->key2, dir);
	buf_printf(b, "%s%s LIMIT ?", d->idcol, dir);
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
		sorting = detail && ((strstr(detail, "TEMP B-TREE") && strstr(detail, "ORDER BY")) ||
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
 * match. */
static int prepare_page(struct rd_store *st, const struct browse_query *q, enum segment seg,
			const char *op, const struct read_opts *o, sqlite3_stmt **s,
			struct rd_err *err)
{
	const struct sort_def *d = &sorts[q->sort];
	struct rd_buf sql = {0};
	page_sql(&sql, d, q, seg, op, o, 0);
	if (q->filter && o->find != FIND_CAND && plan_sorts(st, sql.data)) {
		buf_reset(&sql);
		page_sql(&sql, d, q, seg, op, o, 1);
	}
	int rc = store_prepare(st, sql.data, s, err);
	buf_free(&sql);
	return rc;
}

/* Binds the keyset, filter, search and limit values in the order of page_sql. */
static int bind_page(sqlite3_stmt *s, const struct sort_def *d, const struct browse_query *q,
		     enum segment seg, const struct keypos *k, const struct read_opts *o, int limit)
{
	const struct terms *t = o->t;
	int i = 1;
	if (o->find == FIND_CAND && (o->parts & PART_ID)) {
		sqlite3_bind_text(s, i++, t->prefix, (int)t->len, SQLITE_STATIC);
		bind_hi(s, i++, t->hi);
	}
	if (o->find == FIND_CAND && (o->parts & PART_NAME)) {
		for (int v = 0; v < t->nvar; v++) {
			sqlite3_bind_text(s, i++, t->var_lo[v], -1, SQLITE_STATIC);
			bind_hi(s, i++, t->var_hi[v]);
		}
		sqlite3_bind_text(s, i++, t->like, -1, SQLITE_STATIC);
	}
	if (k) {
		if (d->key && seg != SEG_NULL) {
			if (d->key_num)
				sqlite3_bind_int64(s, i++, (sqlite3_int64)k->num);
			else
				sqlite3_bind_text(s, i++, k->text ? k->text : "", -1, SQLITE_STATIC);
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
	if (o->find == FIND_SEEK) {
		const int by_id = o->parts == PART_ID;
		if (o->bounds & SEEK_LO)
			sqlite3_bind_text(s, i++, by_id ? t->prefix : t->var_lo[o->variant],
					  by_id ? (int)t->len : -1, SQLITE_STATIC);
		if (o->bounds & SEEK_HI)
			bind_hi(s, i++, by_id ? t->hi : t->var_hi[o->variant]);
		if (!by_id)
			sqlite3_bind_text(s, i++, t->like, -1, SQLITE_STATIC);
	}
	sqlite3_bind_int(s, i, limit);
	return 0;
}

/* 1 when the row's id starts with the prefix, or its name does in any ASCII case (as
 * LIKE compares). */
static int row_matches(sqlite3_stmt *s, const struct terms *t)
{
	const char *id = (const char *)sqlite3_column_text(s, 0);
	if (id && (size_t)sqlite3_column_bytes(s, 0) >= t->len && memcmp(id, t->prefix, t->len) == 0)
		return 1;
	const char *name = (const char *)sqlite3_column_text(s, 1);
	return name && (size_t)sqlite3_column_bytes(s, 1) >= t->len &&
	       sqlite3_strnicmp(name, t->prefix, (int)t->len) == 0;
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
		if (segs[i] == SEG_NULL && o->find == FIND_SEEK && o->parts == PART_NAME)
			continue; /* a name range holds no NULL name */
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
			if (!scan || row_matches(s, o->t))
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

static void terms_free(struct terms *t)
{
	free(t->hi);
	free(t->like);
	for (int i = 0; i < t->nvar; i++) {
		free(t->var_lo[i]);
		free(t->var_hi[i]);
	}
}

/* The ranges of a prefix: ids in [prefix, successor), and names in the ranges of every
 * upper/lower spelling of their leading part (up to SEARCH_LETTERS ASCII letters), which
 * hold every name LIKE 'prefix%' (LIKE folds ASCII letters only). */
static void terms_init(struct terms *t, const char *prefix)
{
	struct rd_buf like = {0};
	size_t lead = 0;
	int letters = 0;
	memset(t, 0, sizeof *t);
	t->prefix = prefix;
	t->len = strlen(prefix);
	t->hi = prefix_successor(prefix, t->len);
	for (const char *p = prefix; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_putc(&like, '\\');
		buf_putc(&like, *p);
	}
	buf_putc(&like, '%');
	t->like = buf_steal(&like);
	for (; lead < t->len; lead++) {
		unsigned char c = (unsigned char)prefix[lead];
		int letter = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
		if (letter && letters == SEARCH_LETTERS)
			break;
		letters += letter;
	}
	t->nvar = 1 << letters;
	for (int v = 0; v < t->nvar; v++) {
		char *s = rd_strndup(prefix, lead);
		for (size_t i = 0, bit = 0; i < lead; i++) {
			unsigned char c = (unsigned char)s[i];
			if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
				s[i] = (char)(v >> bit++ & 1 ? c & ~0x20 : c | 0x20);
		}
		t->var_lo[v] = s;
		t->var_hi[v] = prefix_successor(s, lead);
	}
}

/* 1 when a comes before b in the order of the id or name sort (b may be unset). The keys
 * compared may have been cut to their buffers; two names alike for 90 bytes may then
 * compare by id. */
static int row_before(const struct browse_row *a, const struct browse_row *b, int have_b,
		      enum browse_sort sort, int desc)
{
	int c = 0;
	if (!have_b)
		return 1;
	if (sort == BROWSE_BY_NAME) {
		c = b->key_null - a->key_null; /* NULL names first */
		if (!c)
			c = strcmp(a->key_text, b->key_text);
	}
	if (!c)
		c = strcmp(a->id, b->id);
	return desc ? c > 0 : c < 0;
}

/* Reads one part of a search and keeps its row in *best when it comes first. 0 or -1. */
static int search_part(struct rd_store *st, const struct browse_query *q, const struct keypos *k,
		       struct read_opts *o, struct browse_row *best, int *have, struct rd_err *err)
{
	struct browse_row r;
	int got = read_rows(st, q, k, o, 1, &r, err);
	if (got < 0)
		return -1;
	if (got == 1 && row_before(&r, best, *have, q->sort, q->desc)) {
		*best = r;
		*have = 1;
	}
	return 0;
}

/* Reads the first row at or after k within the index range [lo, hi) (hi NULL: no end) of
 * the sort's own key. SQLite bounds a range scan by one condition per side, so the keyset
 * and the range must not both state the same side: the tighter one is chosen here. */
static int search_seek(struct rd_store *st, const struct browse_query *q, const struct keypos *k,
		       struct read_opts *o, const char *lo, const char *hi, struct browse_row *best,
		       int *have, struct rd_err *err)
{
	const char *key = !k ? NULL : o->parts == PART_ID ? k->id : k->null ? NULL : k->text;
	o->bounds = SEEK_LO | SEEK_HI;
	if (!q->desc) {
		if (key && hi && strcmp(key, hi) >= 0)
			return 0; /* the range is behind */
		if (key && strcmp(key, lo) >= 0)
			o->bounds = SEEK_HI; /* the keyset starts within the range */
		else
			k = NULL; /* the range starts after k (a NULL name comes first) */
	} else {
		if (k && (!key || strcmp(key, lo) < 0))
			return 0; /* behind (a NULL name comes last) */
		if (key && (!hi || strcmp(key, hi) < 0))
			o->bounds = SEEK_LO;
		else
			k = NULL;
	}
	return search_part(st, q, k, o, best, have, err);
}

/* The first row at or after k whose id or name starts with the prefix. First the next
 * SEARCH_SCAN rows in order: a prefix that matches many rows matches one soon. Else the
 * matches are few, or gathered where the order is their own index's: under the id sort
 * the ids with the prefix are one range of the PK, read in order from k; under the name
 * sort the names are one range of customers_name per spelling; the other matches are
 * found through their index and sorted. 1, 0 or -1. */
static int search_from(struct rd_store *st, const struct browse_query *q, const struct keypos *k,
		       const struct terms *t, struct browse_row *out, struct rd_err *err)
{
	struct read_opts o = {.inclusive = 1, .desc = q->desc, .find = FIND_SCAN, .t = t,
			      .examine = SEARCH_SCAN};
	int got = read_rows(st, q, k, &o, 1, out, err);
	if (got != 0 || o.exhausted)
		return got;
	int have = 0;
	o.find = FIND_CAND;
	if (q->sort == BROWSE_BY_ID) {
		o.parts = PART_NAME;
		if (search_part(st, q, k, &o, out, &have, err))
			return -1;
		o.find = FIND_SEEK;
		o.parts = PART_ID;
		if (search_seek(st, q, k, &o, t->prefix, t->hi, out, &have, err))
			return -1;
	} else if (q->sort == BROWSE_BY_NAME) {
		o.parts = PART_ID;
		if (search_part(st, q, k, &o, out, &have, err))
			return -1;
		o.find = FIND_SEEK;
		o.parts = PART_NAME;
		for (o.variant = 0; o.variant < t->nvar; o.variant++)
			if (search_seek(st, q, k, &o, t->var_lo[o.variant], t->var_hi[o.variant], out,
					&have, err))
				return -1;
	} else {
		o.parts = PART_ID | PART_NAME;
		if (search_part(st, q, k, &o, out, &have, err))
			return -1;
	}
	return have;
}

int browse_search(struct rd_store *st, const struct browse_query *q, const char *prefix,
		  const struct browse_row *from, struct browse_row *out, struct rd_err *err)
{
	struct keypos k = {0};
	struct terms t = {0};
	int found = -1;
	if (check_query(q, err))
		return -1;
	if (from && keypos_init(st, q->sort, from, &k, err))
		goto out;
	if (!prefix || !*prefix) {
		/* Everything matches: the row at `from`, or the first. */
		struct read_opts o = {.inclusive = 1, .desc = q->desc};
		found = read_rows(st, q, from ? &k : NULL, &o, 1, out, err);
		if (found == 0 && from)
			found = read_rows(st, q, NULL, &o, 1, out, err);
		goto out;
	}
	terms_init(&t, prefix);
	found = search_from(st, q, from ? &k : NULL, &t, out, err);
	if (found == 0 && from) /* wrap around to the start */
		found = search_from(st, q, NULL, &t, out, err);
out:
	terms_free(&t);
	keypos_free(&k);
	return found;
}

int browse_find(struct rd_store *st, const struct browse_query *q, const char *id,
		struct browse_row *out, struct rd_err *err)
{
	struct rd_buf sql = {0};
	sqlite3_stmt *s = NULL;
	int found = -1;
	if (check_query(q, err))
		return -1;
	/* The sort's own FROM: a sort driven from the profiles lists scored customers only. */
	buf_puts(&sql, row_cols);
	buf_puts(&sql, sorts[q->sort].from);
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
			  " UNION ALL SELECT 'P', id, created_at, method, success, amount FROM payments"
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
