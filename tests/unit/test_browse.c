/* The customer list read page by page (keyset paging under every sort, both directions,
 * filters, counts, search), the name order people expect, features' sorts, one customer's
 * activity and score history, and the query plans: every page query goes through an index
 * (a feature's sort through the covering one, sorted). */
#include "testutil.h"

#include <math.h>

#include "riskdesk/browse.h"
#include "riskdesk/expr.h"
#include "riskdesk/fold.h"

#define NCUST 500

static const char *const names[] = {
	"Anna Lehmann", "anna lehmann", "Ben Koch", "Zoe Silva",    "\xc3\x89mile Durand",
	"Lina Becker",  "Lina Braun",   "lina b",   "O'Brien & Co", "Max_Power",
	"100% Juice",   "Lars Lange",   "",         "Ben Koch",     "ZOE silva",
};

/* The id of customer j: short ones, and a few longer than browse_row.id holds that share
 * their first 70 bytes. */
static void cust_id(int j, char *out, size_t n)
{
	if (j % 97 == 5)
		snprintf(out, n, "L%070d-%05d", 0, j);
	else
		snprintf(out, n, "C%05d", j);
}

/* NULL names, long names that share the bytes browse_row.name holds (with two-byte
 * characters around the cut), and a few names many customers share. */
static const char *cust_name(int j, char *buf, size_t n)
{
	if (j % 13 == 0)
		return NULL;
	if (j % 41 == 3) {
		struct rd_buf b = {0};
		buf_puts(&b, "Long ");
		for (int i = 0; i < 60; i++)
			buf_puts(&b, "\xc3\xa9");
		buf_printf(&b, " %05d", 100000 - j);
		snprintf(buf, n, "%s", b.data);
		buf_free(&b);
		return buf;
	}
	return names[j % (int)(sizeof names / sizeof *names)];
}

static char band_of(int score)
{
	return score >= 800   ? 'A'
	       : score >= 700 ? 'B'
	       : score >= 600 ? 'C'
	       : score >= 500 ? 'D'
			      : 'E';
}

static void exec(struct rd_store *st, const char *sql)
{
	struct rd_err err = {{0}};
	if (store_exec(st, sql, &err))
		fail_msg("%s: %s", sql, err.msg);
}

/* NCUST customers inserted in a scrambled order; most have a profile with scores, bands
 * and activity dates that tie; some have no activity date. */
static struct rd_store *make_store(void)
{
	struct rd_store *st = test_store();
	sqlite3_stmt *c, *p;
	struct rd_err err = {{0}};
	exec(st, "BEGIN");
	/* name_key as the load writes it */
	assert_int_equal(store_prepare(st,
				       "INSERT INTO customers(id, name, kind, name_key)"
				       " VALUES (?1, ?2, ?3, rd_fold(?2))",
				       &c, &err),
			 0);
	assert_int_equal(store_prepare(st,
				       "INSERT INTO credit_profiles(customer_id, score, band, pd, "
				       "risk_level,"
				       " segment, model_name, model_version, last_activity,"
				       " computed_at, fvec) VALUES (?1, ?2, ?3, ?4, 'LOW', ?5, "
				       "'rules', 1,"
				       " ?6, '2025-06-30', ?7)",
				       &p, &err),
			 0);
	for (int i = 0; i < NCUST; i++) {
		int j = (i * 7919) % NCUST;
		char id[128], nbuf[256], day[16];
		cust_id(j, id, sizeof id);
		const char *name = cust_name(j, nbuf, sizeof nbuf);
		sqlite3_bind_text(c, 1, id, -1, SQLITE_TRANSIENT);
		if (name)
			sqlite3_bind_text(c, 2, name, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(c, 2);
		sqlite3_bind_text(c, 3, j % 5 == 0 ? "company" : "individual", -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(c), SQLITE_DONE);
		sqlite3_reset(c);
		if (j % 11 == 0)
			continue; /* never scored */
		int score = 300 + (j * 37 % 71) * 10;
		char band[2] = {band_of(score), 0};
		sqlite3_bind_text(p, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(p, 2, score);
		sqlite3_bind_text(p, 3, band, -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(p, 4, (1000 - score) / 1000.0);
		sqlite3_bind_text(p, 5, j % 3 ? "existing" : "new", -1, SQLITE_STATIC);
		snprintf(day, sizeof day, "2025-0%d-%02d", 1 + j % 6, 1 + j % 7);
		if (j % 9 == 0)
			sqlite3_bind_null(p, 6);
		else
			sqlite3_bind_text(p, 6, day, -1, SQLITE_TRANSIENT);
		/* features that tie, one missing (NaN) now and then, none (older profiles) */
		double f[FEAT_COUNT];
		unsigned char packed[FEATURES_PACKED];
		for (int k = 0; k < FEAT_COUNT; k++)
			f[k] = (j * (k + 3)) % 17 / (k % 2 ? 4.0 : 1.0) -
			       (k == FEAT_AMOUNT_STD ? 2 : 0);
		if (j % 19 == 0)
			f[FEAT_RETURN_RATE] = NAN;
		features_pack(f, packed);
		if (j % 23 == 0)
			sqlite3_bind_null(p, 7);
		else
			sqlite3_bind_blob(p, 7, packed, sizeof packed, SQLITE_TRANSIENT);
		assert_int_equal(sqlite3_step(p), SQLITE_DONE);
		sqlite3_reset(p);
	}
	sqlite3_finalize(c);
	sqlite3_finalize(p);
	exec(st, "COMMIT");
	/* a feature's sort registers rd_feature, which the reference orders use */
	struct browse_query fq = {.sort = BROWSE_BY_FEATURE};
	assert_true(browse_count(st, &fq, 0, &err) >= 0);
	return st;
}

/* The sorts checked in depth: every column's, and three features' (ties, missing values,
 * negative values) — the features share one machinery. For i = 0, 1, ... until -1. */
static int sort_checked(int i)
{
	static const int features[] = {FEAT_ORDERS_TOTAL, FEAT_RETURN_RATE, FEAT_AMOUNT_STD};
	if (i < BROWSE_BY_FEATURE)
		return i;
	i -= BROWSE_BY_FEATURE;
	return i < 3 ? BROWSE_BY_FEATURE + features[i] : -1;
}

/* The list as one ORDER BY query without LIMIT: the ids, NULL-terminated. The order's
 * keys are browse.c's (the name's fold and the features are checked on their own below). */
static void ref_order(struct rd_buf *b, enum browse_sort sort, int desc)
{
	static const char *const cols[BROWSE_BY_FEATURE][3] = {
		{"c.id"},
		{"c.name_key", "c.id"},
		{"p.score", "p.customer_id"},
		{"p.pd", "p.customer_id"},
		{"p.band", "p.score", "p.customer_id"},
		{"p.segment", "p.score", "p.customer_id"},
		{"p.last_activity", "p.customer_id"},
	};
	char feature[96];
	snprintf(feature, sizeof feature, "ifnull(rd_feature(p.fvec, %d), -9e999)",
		 (int)sort - BROWSE_BY_FEATURE);
	const char *const feature_cols[3] = {feature, "p.customer_id"};
	const char *const *keys = sort < BROWSE_BY_FEATURE ? cols[sort] : feature_cols;
	buf_puts(b, " ORDER BY ");
	for (int i = 0; i < 3 && keys[i]; i++)
		buf_printf(b, "%s%s%s", i ? ", " : "", keys[i], desc ? " DESC" : "");
}

struct list {
	char **id;     /* owned */
	char **name;   /* owned; NULL for a NULL name */
	char **folded; /* owned; the folded id and name, joined by a newline */
	int n;
};

static void list_free(struct list *l)
{
	for (int i = 0; i < l->n; i++) {
		free(l->id[i]);
		free(l->name[i]);
		free(l->folded[i]);
	}
	free(l->id);
	free(l->name);
	free(l->folded);
}

static struct list reference(struct rd_store *st, const struct browse_query *q)
{
	struct rd_buf sql = {0};
	struct rd_err err = {{0}};
	sqlite3_stmt *s;
	struct list l = {0};
	buf_puts(&sql, "SELECT c.id, c.name");
	buf_puts(&sql,
		 q->sort <= BROWSE_BY_NAME
			 ? " FROM customers c LEFT JOIN credit_profiles p ON p.customer_id = c.id"
			 : " FROM credit_profiles p JOIN customers c ON c.id = p.customer_id");
	if (q->filter)
		buf_printf(&sql, " WHERE %s", expr_sql(q->filter));
	ref_order(&sql, q->sort, q->desc);
	assert_int_equal(store_prepare(st, sql.data, &s, &err), 0);
	if (q->filter)
		assert_true(expr_bind(q->filter, s, 1) >= 0);
	l.id = rd_calloc(NCUST + 1, sizeof *l.id);
	l.name = rd_calloc(NCUST + 1, sizeof *l.name);
	l.folded = rd_calloc(NCUST + 1, sizeof *l.folded);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(s, 1);
		struct rd_buf f = {0};
		l.id[l.n] = rd_strdup((const char *)sqlite3_column_text(s, 0));
		fold_append(&f, l.id[l.n], strlen(l.id[l.n]));
		buf_putc(&f, '\n');
		if (name)
			fold_append(&f, name, strlen(name));
		l.folded[l.n] = buf_steal(&f);
		l.name[l.n++] = name ? rd_strdup(name) : NULL;
	}
	sqlite3_finalize(s);
	buf_free(&sql);
	return l;
}

/* The full id of a row, whose id field may be cut: the reference id it begins. */
static int same_id(const char *row_id, const char *full)
{
	size_t n = strlen(row_id);
	return n > 0 && strncmp(row_id, full, n) == 0 &&
	       (full[n] == '\0' || n + 4 >= sizeof((struct browse_row *)0)->id);
}

static void check_row(const struct browse_row *r, const struct list *ref, int i, const char *what)
{
	if (i >= ref->n)
		fail_msg("%s: row %d (%s) past the end (%d rows)", what, i, r->id, ref->n);
	if (!same_id(r->id, ref->id[i]))
		fail_msg("%s: row %d is %s, expected %s", what, i, r->id, ref->id[i]);
}

/* Pages forward from the start and backward from the end, n rows at a time, and compares
 * with the reference. */
static void check_paging(struct rd_store *st, const struct browse_query *q, int n)
{
	struct list ref = reference(st, q);
	struct browse_row *page = rd_calloc((size_t)n, sizeof *page), last;
	struct rd_err err = {{0}};
	char what[128];
	snprintf(what, sizeof what, "sort %s%s n=%d%s", browse_sort_name(q->sort),
		 q->desc ? " desc" : "", n, q->filter ? " filtered" : "");

	int seen = 0, got;
	const struct browse_row *from = NULL;
	while ((got = browse_page(st, q, from, 0, n, page, &err)) > 0) {
		for (int i = 0; i < got; i++)
			check_row(&page[i], &ref, seen + i, what);
		seen += got;
		last = page[got - 1];
		from = &last;
		if (got < n)
			break;
	}
	assert_int_equal(got >= 0, 1);
	if (seen != ref.n)
		fail_msg("%s forward: %d rows, expected %d", what, seen, ref.n);

	/* Backward from the end (jump to the end, then page up). */
	int end = ref.n;
	from = NULL;
	while ((got = browse_page(st, q, from, 1, n, page, &err)) > 0) {
		end -= got;
		for (int i = 0; i < got; i++)
			check_row(&page[i], &ref, end + i, what);
		last = page[0];
		from = &last;
	}
	assert_int_equal(got, 0);
	if (end != 0)
		fail_msg("%s backward: stopped %d rows before the start", what, end);
	free(page);
	list_free(&ref);
}

static void test_paging(void **state)
{
	(void)state;
	struct rd_store *st = make_store();
	for (int i = 0, sort; (sort = sort_checked(i)) >= 0; i++)
		for (int desc = 0; desc < 2; desc++) {
			struct browse_query q = {.sort = (enum browse_sort)sort, .desc = desc};
			check_paging(st, &q, 1);
			check_paging(st, &q, 7);
			check_paging(st, &q, 50);
			check_paging(st, &q, 1000);
		}
	store_close(st);
}

/* Forward and backward from the same rows meet: a page down then up shows the same rows. */
static void test_back_and_forth(void **state)
{
	(void)state;
	struct rd_store *st = make_store();
	struct rd_err err = {{0}};
	for (int sort = 0; sort < BROWSE_SORT_COUNT; sort++) {
		struct browse_query q = {.sort = (enum browse_sort)sort, .desc = sort % 2};
		struct browse_row a[20], b[20], c[20];
		assert_int_equal(browse_page(st, &q, NULL, 0, 20, a, &err), 20);
		assert_int_equal(browse_page(st, &q, &a[19], 0, 20, b, &err), 20);
		/* up from b[0] gives a again, read into the very array `from` points into */
		memcpy(c, b, sizeof c);
		assert_int_equal(browse_page(st, &q, &c[0], 1, 20, c, &err), 20);
		for (int i = 0; i < 20; i++)
			assert_string_equal(c[i].id, a[i].id);
		/* up from the first row: nothing */
		assert_int_equal(browse_page(st, &q, &a[0], 1, 20, c, &err), 0);
	}
	store_close(st);
}

static void test_last_page(void **state)
{
	(void)state;
	struct rd_store *st = make_store();
	struct rd_err err = {{0}};
	struct browse_query q = {.sort = BROWSE_BY_SCORE};
	struct browse_row rows[5], more[5];
	struct list ref = reference(st, &q);
	assert_int_equal(browse_page(st, &q, NULL, 1, 5, rows, &err), 5);
	for (int i = 0; i < 5; i++)
		assert_true(same_id(rows[i].id, ref.id[ref.n - 5 + i]));
	assert_int_equal(browse_page(st, &q, &rows[4], 0, 5, more, &err), 0);
	assert_int_equal(browse_page(st, &q, &rows[2], 0, 5, more, &err), 2);
	assert_string_equal(more[1].id, rows[4].id);
	/* the fields of a row */
	assert_true(rows[4].has_profile);
	assert_int_equal(rows[4].score, 1000);
	assert_int_equal(rows[4].band, 'A');
	assert_int_equal((int)rows[4].key_num, 1000);
	/* no rows asked, an unknown sort */
	assert_int_equal(browse_page(st, &q, NULL, 0, 0, rows, &err), 0);
	q.sort = BROWSE_SORT_COUNT;
	assert_int_equal(browse_page(st, &q, NULL, 0, 5, rows, &err), -1);
	assert_string_not_equal(err.msg, "");
	list_free(&ref);
	store_close(st);
}

/* Customers without a profile: listed by id and name, with empty profile fields; not
 * under the profile sorts. Names and ids longer than the row holds are cut on a
 * character boundary. */
static void test_rows(void **state)
{
	(void)state;
	struct rd_store *st = make_store();
	struct rd_err err = {{0}};
	struct browse_query q = {.sort = BROWSE_BY_ID};
	struct browse_row r[NCUST];
	int n = browse_page(st, &q, NULL, 0, NCUST, r, &err);
	assert_int_equal(n, NCUST);
	int unscored = 0, cut_names = 0, cut_ids = 0;
	for (int i = 0; i < n; i++) {
		unscored += !r[i].has_profile;
		if (!r[i].has_profile) {
			assert_int_equal(r[i].score, 0);
			assert_string_equal(r[i].segment, "");
		}
		if (strncmp(r[i].name, "Long ", 5) == 0) {
			cut_names++;
			assert_true(utf8_valid(r[i].name, strlen(r[i].name)));
			assert_true(strlen(r[i].name) >= sizeof r[i].name - 4);
		}
		cut_ids += r[i].id[0] == 'L';
	}
	assert_int_equal(unscored, (NCUST + 10) / 11);
	assert_true(cut_names > 5);
	assert_true(cut_ids > 3);
	q.sort = BROWSE_BY_SCORE;
	assert_int_equal(browse_page(st, &q, NULL, 0, NCUST, r, &err), NCUST - (NCUST + 10) / 11);
	store_close(st);
}

static void test_filter(void **state)
{
	(void)state;
	struct rd_store *st = make_store();
	static const char *const filters[] = {"band=E",    "score<600 and kind=company",
					      "name~lina", "not band in (A,B)",
					      "id=C00007", "score is null"};
	struct rd_err err = {{0}};
	for (size_t f = 0; f < sizeof filters / sizeof *filters; f++) {
		struct rd_expr *e = expr_compile(filters[f], st, &err);
		if (!e)
			fail_msg("%s: %s", filters[f], err.msg);
		for (int i = 0, sort; (sort = sort_checked(i)) >= 0; i++)
			for (int desc = 0; desc < 2; desc++) {
				struct browse_query q = {.sort = (enum browse_sort)sort,
							 .desc = desc,
							 .filter = e};
				check_paging(st, &q, 9);
			}
		expr_free(e);
	}
	store_close(st);
}

static void test_count(void **state)
{
	(void)state;
	struct rd_store *st = make_store();
	struct rd_err err = {{0}};
	struct browse_query q = {.sort = BROWSE_BY_NAME};
	assert_int_equal(browse_count(st, &q, 10, &err), 11);
	assert_int_equal(browse_count(st, &q, 100000, &err), NCUST);
	assert_int_equal(browse_count(st, &q, 0, &err), 1);
	assert_int_equal(browse_count(st, &q, INT64_MAX, &err), NCUST);
	q.sort = BROWSE_BY_BAND;
	assert_int_equal(browse_count(st, &q, 100000, &err), NCUST - (NCUST + 10) / 11);
	struct rd_expr *e = expr_compile("band=E", st, &err);
	q.filter = e;
	int64_t e_count = test_int(st, "SELECT count(*) FROM credit_profiles WHERE band = 'E'");
	assert_true(e_count > 20);
	assert_int_equal(browse_count(st, &q, 100000, &err), e_count);
	assert_int_equal(browse_count(st, &q, 20, &err), 21);
	expr_free(e);
	store_close(st);
}

/* What browse_search must find: from position `at` of the list (-1: none), the first row
 * in direction dir whose id or name holds text (folded), wrapping around. -1: none. */
static int expected_search(const struct list *l, int at, const char *text, enum browse_dir dir)
{
	char *needle = fold_dup(text, strlen(text));
	int found = -1;
	for (int k = 0; k < l->n && found < 0 && l->n > 0; k++) {
		int i;
		if (dir == BROWSE_PREVIOUS)
			i = at < 0 ? l->n - 1 - k : ((at - 1 - k) % l->n + l->n) % l->n;
		else
			i = at < 0 ? k : (at + k + (dir == BROWSE_NEXT)) % l->n;
		if (strstr(l->folded[i], needle)) /* (no needle holds a newline) */
			found = i;
	}
	free(needle);
	return found;
}

static void check_search(struct rd_store *st, const struct browse_query *q, const struct list *l,
			 int at, const char *text, enum browse_dir dir)
{
	static const char *const dirs[] = {"at", "next", "previous"};
	struct rd_err err = {{0}};
	struct browse_row from, found;
	if (at >= 0)
		assert_int_equal(browse_find(st, q, l->id[at], &from, &err), 1);
	int want = expected_search(l, at, text, dir);
	int rc = browse_search(st, q, text, at >= 0 ? &from : NULL, dir, &found, &err);
	if (rc < 0)
		fail_msg("search '%s': %s", text, err.msg);
	if (want < 0 && rc != 0)
		fail_msg("search %s '%s' from %d (sort %s%s): found %s, expected nothing",
			 dirs[dir], text, at, browse_sort_name(q->sort), q->desc ? " desc" : "",
			 found.id);
	if (want >= 0 && (rc != 1 || !same_id(found.id, l->id[want])))
		fail_msg("search %s '%s' from %d (sort %s%s): found %s, expected %s", dirs[dir],
			 text, at, browse_sort_name(q->sort), q->desc ? " desc" : "",
			 rc == 1 ? found.id : "-", l->id[want]);
}

/* Every sort, both directions, with and without a filter: the three directions of a
 * search find what a pass over the reference list finds. */
static void test_search(void **state)
{
	(void)state;
	struct rd_store *st = make_store();
	static const char *const texts[] = {
		"C0012",  "C00",  "C",    "L000",          "lina",
		"LINA B", "ben",  "z",    "\xc3\x89mi",    "emile",
		"O'",     "max_", "100%", "Long \xc3\xa9", "nobody",
		"A",      "",     "koch", "-0041",         "\xc3\xa9\xc3\xa9\xc3\xa9",
	};
	struct rd_err err = {{0}};
	struct rd_expr *e = expr_compile("band in (D,E)", st, &err);
	for (int f = 0; f < 2; f++)
		for (int i = 0, sort; (sort = sort_checked(i)) >= 0; i++)
			for (int desc = 0; desc < 2; desc++) {
				struct browse_query q = {.sort = (enum browse_sort)sort,
							 .desc = desc,
							 .filter = f ? e : NULL};
				struct list l = reference(st, &q);
				for (size_t p = 0; p < sizeof texts / sizeof *texts; p++)
					for (int at = -1; at < l.n; at += l.n / 4 + 1)
						for (int dir = 0; dir < 3; dir++)
							check_search(st, &q, &l, at, texts[p],
								     (enum browse_dir)dir);
				if (l.n)
					check_search(st, &q, &l, l.n - 1, "C0012", BROWSE_AT);
				list_free(&l);
			}
	expr_free(e);
	store_close(st);
}

static void test_search_wrap(void **state)
{
	(void)state;
	struct rd_store *st = make_store();
	struct rd_err err = {{0}};
	struct browse_query q = {.sort = BROWSE_BY_ID};
	struct browse_row from, found;
	/* from the last row, C00012 is found again at the start */
	assert_int_equal(browse_page(st, &q, NULL, 1, 1, &from, &err), 1);
	assert_int_equal(browse_search(st, &q, "C00012", &from, BROWSE_AT, &found, &err), 1);
	assert_string_equal(found.id, "C00012");
	/* at or after: the row itself; after it: the next that holds it; before it: back */
	assert_int_equal(browse_search(st, &q, "C00012", &found, BROWSE_AT, &from, &err), 1);
	assert_string_equal(from.id, "C00012");
	assert_int_equal(browse_search(st, &q, "0012", &found, BROWSE_NEXT, &from, &err), 1);
	assert_string_equal(from.id, "C00120");
	assert_int_equal(browse_search(st, &q, "0012", &from, BROWSE_PREVIOUS, &found, &err), 1);
	assert_string_equal(found.id, "C00012");
	/* the only match: next and previous come back to it */
	assert_int_equal(browse_search(st, &q, "C00013", NULL, BROWSE_AT, &found, &err), 1);
	assert_int_equal(browse_search(st, &q, "C00013", &found, BROWSE_NEXT, &from, &err), 1);
	assert_string_equal(from.id, "C00013");
	assert_int_equal(browse_search(st, &q, "C00013", &found, BROWSE_PREVIOUS, &from, &err), 1);
	assert_string_equal(from.id, "C00013");
	/* by name, in any case and with or without accents, after C00012 in id order */
	assert_int_equal(browse_search(st, &q, "LINA BR", &found, BROWSE_AT, &from, &err), 1);
	assert_string_equal(from.name, "Lina Braun");
	assert_true(strcmp(from.id, "C00012") > 0);
	assert_int_equal(browse_search(st, &q, "EMILE DUR", NULL, BROWSE_AT, &found, &err), 1);
	assert_string_equal(found.name, "\xc3\x89mile Durand");
	assert_int_equal(browse_search(st, &q, "\xc3\xa9mile", NULL, BROWSE_AT, &found, &err), 1);
	assert_string_equal(found.name, "\xc3\x89mile Durand");
	/* anywhere in the name or id, not only at the start */
	assert_int_equal(browse_search(st, &q, "durand", NULL, BROWSE_AT, &found, &err), 1);
	assert_string_equal(found.name, "\xc3\x89mile Durand");
	assert_int_equal(browse_search(st, &q, "00499", NULL, BROWSE_AT, &found, &err), 1);
	assert_string_equal(found.id, "C00499");
	assert_int_equal(browse_search(st, &q, "zzz", NULL, BROWSE_AT, &found, &err), 0);
	assert_int_equal(browse_search(st, &q, "zzz", NULL, BROWSE_PREVIOUS, &found, &err), 0);
	/* empty text: every row matches */
	assert_int_equal(browse_search(st, &q, "", NULL, BROWSE_PREVIOUS, &found, &err), 1);
	assert_int_equal(browse_page(st, &q, NULL, 1, 1, &from, &err), 1);
	assert_string_equal(found.id, from.id);
	store_close(st);
}

/* Under the name sort a NULL name (first ascending, last descending) is placed by its id
 * alone; a search finds the customers whose id holds the text among them too, in order. */
static void test_search_parts(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	exec(st, "INSERT INTO customers(id, name, name_key) VALUES ('C001', NULL, NULL),"
		 " ('C002', 'Zed', 'zed'), ('Q1', 'C00 Holding', 'c00 holding'), ('A1', 'Aaron', "
		 "'aaron')");
	exec(st, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)"
		 " INSERT INTO customers(id, name, name_key) SELECT printf('F%03d', i),"
		 " printf('Y%03d', i), printf('y%03d', i) FROM n");
	struct browse_query q = {.sort = BROWSE_BY_NAME, .desc = 1};
	struct browse_row top, from, found;
	assert_int_equal(browse_page(st, &q, NULL, 0, 1, &top, &err), 1);
	assert_string_equal(top.name, "Zed");
	assert_int_equal(browse_page(st, &q, &top, 0, 1, &from, &err), 1);
	assert_int_equal(browse_search(st, &q, "C00", &from, BROWSE_AT, &found, &err), 1);
	assert_string_equal(found.id, "Q1");
	assert_int_equal(browse_search(st, &q, "C00", &found, BROWSE_AT, &from, &err), 1);
	assert_string_equal(from.id, "Q1");
	assert_int_equal(browse_search(st, &q, "C00", &found, BROWSE_NEXT, &from, &err), 1);
	assert_string_equal(from.id, "C001");
	assert_int_equal(browse_search(st, &q, "C00", &from, BROWSE_NEXT, &found, &err), 1);
	assert_string_equal(found.id, "C002"); /* its id; its name is Zed */
	assert_int_equal(browse_search(st, &q, "c00", &found, BROWSE_PREVIOUS, &from, &err), 1);
	assert_string_equal(from.id, "C001");
	q.desc = 0; /* ascending the NULL name comes first */
	assert_int_equal(browse_search(st, &q, "C00", NULL, BROWSE_AT, &found, &err), 1);
	assert_string_equal(found.id, "C001");
	assert_int_equal(browse_search(st, &q, "c00", NULL, BROWSE_PREVIOUS, &found, &err), 1);
	assert_string_equal(found.id, "C002"); /* the last: Zed */
	store_close(st);
}

/* The name order people expect: case and accents do not count, and names that fold
 * alike are in id order. The load writes name_key (rd_fold), as this store does. */
static void test_name_order(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	struct rd_buf out = {0};
	exec(st, "INSERT INTO customers(id, name) VALUES ('1', 'zoe'), ('2', '\xc3\x89mile'),"
		 " ('3', 'de Vries'), ('4', 'Anna'), ('5', 'emil'), ('6', '\xc3\x96zt\xc3\xbcrk'),"
		 " ('7', 'Oz'), ('8', 'anna'), ('9', 'Zo\xc3\xab'), ('10', '\xc3\x85sa'),"
		 " ('11', 'Daniel'), ('12', 'EMILE')");
	exec(st, "UPDATE customers SET name_key = rd_fold(name)");
	struct browse_query q = {.sort = BROWSE_BY_NAME};
	struct browse_row r[16];
	int n = browse_page(st, &q, NULL, 0, 16, r, &err);
	assert_int_equal(n, 12);
	for (int i = 0; i < n; i++)
		buf_printf(&out, "%s%s", i ? "," : "", r[i].name);
	assert_string_equal(out.data, "Anna,anna,\xc3\x85sa,Daniel,de Vries,emil,EMILE,"
				      "\xc3\x89mile,Oz,\xc3\x96zt\xc3\xbcrk,zoe,Zo\xc3\xab");
	buf_free(&out);
	/* backward from the end, and descending: the same order reversed */
	q.desc = 1;
	assert_int_equal(browse_page(st, &q, NULL, 0, 16, r, &err), 12);
	assert_string_equal(r[0].name, "Zo\xc3\xab");
	assert_string_equal(r[11].name, "Anna");
	store_close(st);
}

/* A feature's sort: by the profile's value, a missing one (no packed features, or NaN)
 * first; its value comes with the row. */
static void test_feature_sort(void **state)
{
	(void)state;
	struct rd_store *st = make_store();
	struct rd_err err = {{0}};
	struct browse_query q = {.sort = BROWSE_BY_FEATURE + FEAT_RETURN_RATE};
	struct browse_row r[NCUST];
	int n = browse_page(st, &q, NULL, 0, NCUST, r, &err);
	assert_int_equal(n, NCUST - (NCUST + 10) / 11);
	int missing = 0;
	while (missing < n && isnan(r[missing].feature))
		missing++;
	assert_true(missing > 10);
	for (int i = missing; i < n; i++) {
		assert_false(isnan(r[i].feature));
		if (i > missing)
			assert_true(r[i - 1].feature <= r[i].feature);
	}
	/* the value is the packed one */
	assert_string_equal(browse_sort_name(q.sort), "return_rate");
	assert_int_equal(browse_sort_parse("return_rate"), q.sort);
	assert_int_equal(browse_sort_parse("activity"), BROWSE_BY_ACTIVITY);
	assert_int_equal(browse_sort_parse("pd"), BROWSE_BY_PD);
	assert_int_equal(browse_sort_parse("nope"), -1);
	assert_null(browse_sort_name(BROWSE_SORT_COUNT));
	double v = NAN;
	sqlite3_stmt *s;
	assert_int_equal(store_prepare(st,
				       "SELECT rd_feature(fvec, ?1) FROM credit_profiles"
				       " WHERE customer_id = ?2",
				       &s, &err),
			 0);
	sqlite3_bind_int(s, 1, FEAT_RETURN_RATE);
	sqlite3_bind_text(s, 2, r[n - 1].id, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_double(s, 0);
	sqlite3_finalize(s);
	assert_true(v == r[n - 1].feature);
	/* other rows carry no feature */
	q.sort = BROWSE_BY_SCORE;
	assert_int_equal(browse_page(st, &q, NULL, 0, 3, r, &err), 3);
	assert_true(isnan(r[0].feature));
	store_close(st);
}

/* Schema 13 -> 14: the names get their folded key, the list its indexes. */
static void test_migration_name_key(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof path, "/tmp/riskdesk-unit-%d-mig14.db", (int)getpid());
	unlink(path);
	struct rd_err err = {{0}};
	struct rd_store *st = store_open(path, 0, &err);
	assert_non_null(st);
	exec(st,
	     "DROP INDEX customers_name_key; DROP INDEX profiles_pd; DROP INDEX profiles_segment;"
	     " ALTER TABLE customers DROP COLUMN name_key;"
	     " INSERT INTO customers(id, name) VALUES ('a', '\xc3\x89mile'), ('b', 'zed'),"
	     " ('c', NULL), ('d', 'Emil'); PRAGMA user_version = 13");
	store_close(st);
	st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(test_int(st, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM customers WHERE name_key IS rd_fold(name)"),
			 4);
	assert_int_equal(test_int(st, "SELECT count(*) FROM sqlite_schema WHERE name IN"
				      " ('customers_name_key', 'profiles_pd', 'profiles_segment')"),
			 3);
	struct browse_query q = {.sort = BROWSE_BY_NAME};
	struct browse_row r[4];
	assert_int_equal(browse_page(st, &q, NULL, 0, 4, r, &err), 4);
	assert_string_equal(r[0].id, "c");
	assert_string_equal(r[1].id, "d");
	assert_string_equal(r[2].id, "a");
	assert_string_equal(r[3].id, "b");
	store_close(st);
	unlink(path);
}

static void test_activity(void **state)
{
	(void)state;
	struct rd_store *st = make_store();
	struct rd_err err = {{0}};
	exec(st, "INSERT INTO orders VALUES"
		 " ('O1', 'C00001', 10, 'delivered', '2025-01-01T10:00:00Z'),"
		 " ('O2', 'C00001', 20, 'returned', '2025-03-01T10:00:00Z'),"
		 " ('O3', 'C00001', 30, 'placed', '2025-02-01'),"
		 " ('O4', 'C00002', 40, 'placed', '2025-02-01');"
		 "INSERT INTO payments VALUES"
		 " ('P1', 'C00001', 'O1', 'card', 1, 10, '2025-01-01T10:00:00Z'),"
		 " ('P2', 'C00001', 'O2', 'cod', 0, 20, '2025-03-02T09:00:00Z'),"
		 " ('P3', 'C00002', NULL, 'bank', 1, 5, '2025-01-05');");
	struct browse_event ev[10];
	int n = browse_activity(st, "C00001", 0, 10, ev, &err);
	assert_int_equal(n, 5);
	static const char *const order[] = {"P2", "O2", "O3", "P1", "O1"};
	for (int i = 0; i < n; i++)
		assert_string_equal(ev[i].id, order[i]);
	assert_int_equal(ev[0].kind, 'P');
	assert_string_equal(ev[0].what, "cod");
	assert_int_equal(ev[0].success, 0);
	assert_true(ev[0].amount == 20);
	assert_int_equal(ev[1].kind, 'O');
	assert_string_equal(ev[1].what, "returned");
	assert_int_equal(ev[1].success, 1);
	assert_string_equal(ev[1].at, "2025-03-01T10:00:00Z");
	/* skip and n */
	assert_int_equal(browse_activity(st, "C00001", 2, 2, ev, &err), 2);
	assert_string_equal(ev[0].id, "O3");
	assert_string_equal(ev[1].id, "P1");
	assert_int_equal(browse_activity(st, "C00001", 4, 10, ev, &err), 1);
	assert_string_equal(ev[0].id, "O1");
	assert_int_equal(browse_activity(st, "C00001", 5, 10, ev, &err), 0);
	assert_int_equal(browse_activity(st, "nobody", 0, 10, ev, &err), 0);
	assert_int_equal(browse_activity(st, "C00001", 0, 0, ev, &err), 0);
	store_close(st);
}

static void test_score_history(void **state)
{
	(void)state;
	struct rd_store *st = make_store();
	struct rd_err err = {{0}};
	for (int i = 0; i < 10; i++) {
		char sql[256];
		snprintf(sql, sizeof sql,
			 "INSERT INTO score_history(customer_id, score, band, pd, model_name,"
			 " model_version, computed_at) VALUES ('%s', %d, 'C', 0.1, 'rules', 1, "
			 "'2025')",
			 i % 3 ? "C00001" : "C00002", 500 + i);
		exec(st, sql);
	}
	/* C00001 has 501 502 504 505 507 508: the latest four, oldest first */
	int s[10];
	assert_int_equal(browse_score_history(st, "C00001", 4, s, &err), 4);
	assert_int_equal(s[0], 504);
	assert_int_equal(s[1], 505);
	assert_int_equal(s[2], 507);
	assert_int_equal(s[3], 508);
	assert_int_equal(browse_score_history(st, "C00001", 10, s, &err), 6);
	assert_int_equal(s[0], 501);
	assert_int_equal(browse_score_history(st, "nobody", 10, s, &err), 0);
	store_close(st);
}

/* The SQL of every statement run, for the plan check. */
struct trace {
	char *sql[4096];
	int n;
};

static int trace_stmt(unsigned type, void *ud, void *p, void *x)
{
	struct trace *t = ud;
	(void)type;
	(void)x;
	const char *sql = sqlite3_sql((sqlite3_stmt *)p);
	if (sql && strncmp(sql, "EXPLAIN", 7) != 0 && t->n < 4096) {
		for (int i = 0; i < t->n; i++)
			if (strcmp(t->sql[i], sql) == 0)
				return 0;
		t->sql[t->n++] = rd_strdup(sql);
	}
	return 0;
}

/* Every query the browse functions ran reads customers and credit_profiles through an
 * index (SEARCH, or SCAN ... USING INDEX), and a page never sorts: it follows the index.
 * Only a search's candidates (the few rows the name index offered) are sorted, and a
 * feature's page, which is picked by a sorted pass: over the covering index without a
 * filter (a filter may read the rows). */
static void test_query_plans(void **state)
{
	(void)state;
	struct rd_store *st = make_store();
	struct rd_err err = {{0}};
	struct trace t = {0};
	sqlite3_trace_v2(store_db(st), SQLITE_TRACE_STMT, trace_stmt, &t);
	static const char *const filters[] = {NULL,
					      "band=E",
					      "id=C00007",
					      "name~lina and score>500",
					      "last_activity>2025-03-01",
					      "band in (C,D,E)"};
	for (size_t f = 0; f < sizeof filters / sizeof *filters; f++) {
		struct rd_expr *e = filters[f] ? expr_compile(filters[f], st, &err) : NULL;
		for (int sort = 0; sort < BROWSE_SORT_COUNT; sort++)
			for (int desc = 0; desc < 2; desc++) {
				struct browse_query q = {.sort = (enum browse_sort)sort,
							 .desc = desc,
							 .filter = e};
				struct browse_row r[NCUST], found;
				int n = browse_page(st, &q, NULL, 0, 10, r, &err);
				assert_true(n >= 0);
				if (n > 0) {
					browse_page(st, &q, &r[n - 1], 0, 10, r, &err);
					browse_page(st, &q, &r[0], 1, 10, r, &err);
				}
				browse_page(st, &q, NULL, 1, 10, r, &err);
				browse_search(st, &q, "lina br", NULL, BROWSE_AT, &found, &err);
				/* through the name index */
				browse_search(st, &q, "zzz", NULL, BROWSE_AT, &found, &err);
				browse_search(st, &q, "C0049", n > 0 ? &r[0] : NULL,
					      BROWSE_PREVIOUS, &found, &err);
				/* from the NULL names / activities */
				if (browse_page(st, &q, NULL, 0, NCUST, r, &err) > 0)
					browse_page(st, &q, &r[0], 0, 3, r, &err);
			}
		expr_free(e);
	}
	struct browse_event ev[4];
	int scores[4];
	browse_activity(st, "C00001", 0, 4, ev, &err);
	browse_score_history(st, "C00001", 4, scores, &err);
	sqlite3_trace_v2(store_db(st), 0, NULL, NULL);

	assert_true(t.n > 50);
	for (int i = 0; i < t.n; i++) {
		struct rd_buf sql = {0};
		sqlite3_stmt *s;
		buf_printf(&sql, "EXPLAIN QUERY PLAN %s", t.sql[i]);
		assert_int_equal(store_prepare(st, sql.data, &s, &err), 0);
		int candidates = strstr(t.sql[i], " m CROSS JOIN") != NULL;
		int page = strncmp(t.sql[i], "SELECT c.id, c.name, p.customer_id", 34) == 0;
		int feature = strstr(t.sql[i], "(SELECT p.customer_id AS kid") != NULL;
		int filtered = strstr(t.sql[i], "AS k FROM credit_profiles p JOIN customers c") !=
			       NULL;
		int covering = 0;
		while (sqlite3_step(s) == SQLITE_ROW) {
			const char *d = (const char *)sqlite3_column_text(s, 3);
			covering |= strstr(d, "COVERING INDEX profiles_drift") != NULL;
			int bare_scan = strncmp(d, "SCAN ", 5) == 0 && !strstr(d, "USING") &&
					strcmp(d, "SCAN m") != 0 && strncmp(d, "SCAN (", 6) != 0 &&
					strcmp(d, "SCAN s") != 0 && !(feature && filtered);
			int sorts = strstr(d, "TEMP B-TREE FOR ORDER BY") != NULL;
			int automatic = strstr(d, "AUTOMATIC") != NULL;
			/* the candidates reach their customer and profile by key */
			int by_key = !candidates ||
				     ((strncmp(d, "SEARCH c ", 9) != 0 || strstr(d, "(rowid=?)")) &&
				      (strncmp(d, "SEARCH p ", 9) != 0 ||
				       strstr(d, "customer_id=?)")));
			if (bare_scan || automatic || (page && !candidates && !feature && sorts) ||
			    !by_key)
				fail_msg("plan '%s' of\n  %s", d, t.sql[i]);
		}
		if (feature && !filtered && !covering)
			fail_msg("a feature's page not over profiles_drift:\n  %s", t.sql[i]);
		sqlite3_finalize(s);
		buf_free(&sql);
		free(t.sql[i]);
	}
	store_close(st);
}

/* A filter on email or phone (made in a session with pii on) runs only while the
 * session's pii is on: the console keeps its filter across `set pii off`, and a list
 * filtered on a masked value reveals it one guess at a time. */
static void test_personal_filter(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	struct browse_row r[4];
	const char *refused = "browse: the filter reads email or phone, which needs 'set pii on'"
			      " (clear the filter or turn pii on)";
	exec(st, "INSERT INTO customers(id, name, email, phone) VALUES"
		 " ('C1', 'Anna Lehmann', 'a.lehmann86@post.example.net', '+49 177 7846670'),"
		 " ('C2', 'Ben Koch', 'ben@example.com', '+49 30 1234567');"
		 " UPDATE customers SET name_key = rd_fold(name)");
	struct rd_expr *e = expr_compile_pii("email ~ 'a.lehmann86@'", st, 1, &err);
	assert_non_null(e);
	int pii = 0;
	for (int sort = 0; sort < BROWSE_SORT_COUNT; sort++) {
		struct browse_query q = {.sort = (enum browse_sort)sort, .filter = e};
		for (int k = 0; k < 2; k++) { /* no pii setting, then pii off */
			q.pii = k ? &pii : NULL;
			rd_err_clear(&err);
			assert_int_equal(browse_page(st, &q, NULL, 0, 4, r, &err), -1);
			assert_string_equal(err.msg, refused);
			rd_err_clear(&err);
			assert_int_equal(browse_page(st, &q, NULL, 1, 4, r, &err), -1);
			assert_string_equal(err.msg, refused);
			rd_err_clear(&err);
			assert_int_equal(browse_count(st, &q, 100, &err), -1);
			assert_string_equal(err.msg, refused);
			rd_err_clear(&err);
			assert_int_equal(browse_search(st, &q, "C", NULL, BROWSE_AT, r, &err), -1);
			assert_string_equal(err.msg, refused);
		}
	}
	/* pii on: the filter runs (customers without a profile are listed by id and name). */
	struct browse_query q = {.sort = BROWSE_BY_ID, .filter = e, .pii = &pii};
	pii = 1;
	assert_int_equal(browse_page(st, &q, NULL, 0, 4, r, &err), 1);
	assert_string_equal(r[0].id, "C1");
	assert_int_equal(browse_count(st, &q, 100, &err), 1);
	assert_int_equal(browse_search(st, &q, "anna", NULL, BROWSE_AT, r, &err), 1);
	assert_string_equal(r[0].id, "C1");
	/* pii off again: the same query is refused at once. */
	pii = 0;
	assert_int_equal(browse_page(st, &q, NULL, 0, 4, r, &err), -1);
	assert_string_equal(err.msg, refused);
	expr_free(e);
	/* A filter on other fields needs no pii. */
	e = expr_compile("name ~ koch", st, &err);
	q.filter = e;
	q.pii = NULL;
	assert_int_equal(browse_page(st, &q, NULL, 0, 4, r, &err), 1);
	assert_string_equal(r[0].id, "C2");
	expr_free(e);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paging),       cmocka_unit_test(test_back_and_forth),
		cmocka_unit_test(test_last_page),    cmocka_unit_test(test_rows),
		cmocka_unit_test(test_filter),       cmocka_unit_test(test_count),
		cmocka_unit_test(test_search),       cmocka_unit_test(test_search_wrap),
		cmocka_unit_test(test_search_parts), cmocka_unit_test(test_name_order),
		cmocka_unit_test(test_feature_sort), cmocka_unit_test(test_migration_name_key),
		cmocka_unit_test(test_activity),     cmocka_unit_test(test_score_history),
		cmocka_unit_test(test_query_plans),  cmocka_unit_test(test_personal_filter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
