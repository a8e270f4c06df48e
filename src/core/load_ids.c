/* The ids a load checks against: keys of the file (duplicates, where the table cannot
 * tell: load.c), kept in plain arrays while they arrive sorted and in a hash map only if
 * the order breaks; and the ids of customers and orders in the store (references), read
 * a window at a time in id order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_internal.h"

/* ---- keys seen in the file ---- */

static int key_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);
	return c ? c : (al > bl) - (al < bl);
}

/* The line of key's row, or -1 when the key was not seen. */
int64_t load_keys_get(const struct load_keys *k, const char *s, size_t len)
{
	if (k->map)
		return strmap_get(k->map, s, len);
	if (k->n == 0)
		return -1;
	const struct load_key *last = &k->v[k->n - 1];
	int c = key_cmp(s, len, k->arena + last->off, last->len);
	if (c > 0)
		return -1; /* the usual case: past every key so far */
	size_t lo = 0, hi = k->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		c = key_cmp(s, len, k->arena + k->v[mid].off, k->v[mid].len);
		if (c == 0)
			return k->v[mid].line;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* Adds a key keys_get did not find. */
void load_keys_put(struct load_keys *k, const char *s, size_t len, int64_t line)
{
	if (!k->map && k->n > 0) {
		const struct load_key *last = &k->v[k->n - 1];
		if (key_cmp(s, len, k->arena + last->off, last->len) < 0) {
			/* Out of order: from now on, a hash map. */
			k->map = strmap_new(k->n * 2);
			for (size_t i = 0; i < k->n; i++)
				strmap_put(k->map, k->arena + k->v[i].off, k->v[i].len,
					   k->v[i].line);
			free(k->v);
			free(k->arena);
			k->v = NULL;
			k->arena = NULL;
			k->n = k->cap = k->arena_len = k->arena_cap = 0;
		}
	}
	if (k->map) {
		strmap_put(k->map, s, len, line);
		return;
	}
	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 4096;
		k->v = rd_realloc(k->v, k->cap * sizeof *k->v);
	}
	if (k->arena_len + len > k->arena_cap) {
		k->arena_cap = k->arena_cap ? k->arena_cap * 2 : 65536;
		while (k->arena_cap < k->arena_len + len)
			k->arena_cap *= 2;
		k->arena = rd_realloc(k->arena, k->arena_cap);
	}
	memcpy(k->arena + k->arena_len, s, len);
	k->v[k->n++] = (struct load_key){.off = k->arena_len, .len = len, .line = line};
	k->arena_len += len;
}

void load_keys_free(struct load_keys *k)
{
	free(k->arena);
	free(k->v);
	strmap_free(k->map);
}

/* ---- reference ids ---- */

#define IDS_WINDOW_MIN 4    /* ids read at a time when references come in no order */
#define IDS_WINDOW_MAX 4096 /* ... and at most, when they come in id order */

void load_ids_free(struct load_ids *ids)
{
	if (!ids)
		return;
	sqlite3_finalize(ids->q);
	buf_free(&ids->from);
	free(ids->arena);
	free(ids->v);
	free(ids);
}

static int ids_cmp_at(const struct load_ids *ids, const char *s, size_t len, size_t i)
{
	return key_cmp(s, len, ids->arena + ids->v[i].off, ids->v[i].len);
}

/* Reads the window: the ids from s on, in the primary key's order (text compares as
 * memcmp, as key_cmp does). 0, or -1 with the session's err. */
static int ids_read(struct load_ids *ids, struct load_session *ss, const char *s, size_t len)
{
	struct rd_store *st = ss->job->store;
	int rc;
	ids->n = ids->arena_len = ids->hits = 0;
	ids->at_end = 0;
	ids->valid = 1;
	buf_reset(&ids->from);
	buf_append(&ids->from, s, len);
	sqlite3_bind_text(ids->q, 1, s, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(ids->q, 2, (int64_t)ids->want);
	while ((rc = sqlite3_step(ids->q)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(ids->q, 0);
		size_t n = (size_t)sqlite3_column_bytes(ids->q, 0);
		/* A blob id sorts after every text: the window ends before it. */
		if (ids->n > 0 && ids_cmp_at(ids, id, n, ids->n - 1) <= 0)
			break;
		if (ids->n == ids->cap) {
			ids->cap = ids->cap ? ids->cap * 2 : 64;
			ids->v = rd_realloc(ids->v, ids->cap * sizeof *ids->v);
		}
		if (ids->arena_len + n > ids->arena_cap) {
			ids->arena_cap = ids->arena_cap ? ids->arena_cap : 4096;
			while (ids->arena_cap < ids->arena_len + n)
				ids->arena_cap *= 2;
			ids->arena = rd_realloc(ids->arena, ids->arena_cap);
		}
		memcpy(ids->arena + ids->arena_len, id, n);
		ids->v[ids->n++] = (struct load_id){.off = ids->arena_len, .len = n};
		ids->arena_len += n;
	}
	if (rc == SQLITE_DONE && ids->n < ids->want)
		ids->at_end = 1; /* nothing above the window */
	sqlite3_reset(ids->q);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		ids->valid = 0;
		rd_err_set(ss->err, "reading %s ids: %s", ids->table, sqlite3_errmsg(store_db(st)));
		return -1;
	}
	return 0;
}

/* 1 when the window answers for s (from <= s, and s <= v[n-1] unless nothing is above
 * the window), with *found. */
static int ids_in_window(struct load_ids *ids, const char *s, size_t len, int *found)
{
	if (!ids->valid || key_cmp(s, len, ids->from.data, ids->from.len) < 0)
		return 0;
	if (ids->n == 0 || ids_cmp_at(ids, s, len, ids->n - 1) > 0) {
		*found = 0;
		return ids->at_end;
	}
	size_t lo = 0, hi = ids->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = ids_cmp_at(ids, s, len, mid);
		if (c == 0) {
			*found = 1;
			return 1;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*found = 0;
	return 1;
}

/* 1 when s is one of the ids, -1 on a database error (the session's err). */
int load_ids_has(struct load_ids *ids, struct load_session *ss, const char *s, size_t len)
{
	int found = 0;
	if (ids_in_window(ids, s, len, &found)) {
		ids->hits++;
		return found;
	}
	/* References in id order hit the window again and again: read more at a time; in no
	 * order, fewer (IDS_WINDOW_MIN: about one seek each). */
	if (ids->hits >= 2 && ids->n == ids->want)
		ids->want = ids->want * 4 < IDS_WINDOW_MAX ? ids->want * 4 : IDS_WINDOW_MAX;
	else if (ids->hits < 2)
		ids->want = ids->want / 4 > IDS_WINDOW_MIN ? ids->want / 4 : IDS_WINDOW_MIN;
	if (ids_read(ids, ss, s, len))
		return -1;
	ids->hits = 1;
	return ids->n > 0 && ids_cmp_at(ids, s, len, 0) == 0;
}

/* The ids a reference column checks against. The table is read a window at a time, so
 * the memory does not grow with it; each file starts with an empty window (the files
 * this load wrote before, customers before orders, orders before payments, are in). */
struct load_ids *load_ids_for(struct load_in *in, enum load_vtype type)
{
	struct load_ids **ids = type == VT_CUSTOMER ? &in->ss->customers : &in->ss->orders;
	const char *table = type == VT_CUSTOMER ? "customers" : "orders";
	if (!*ids) {
		char sql[96];
		sqlite3_stmt *q;
		/* A fixed table name. */
		snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE id >= ?1 ORDER BY id LIMIT ?2",
			 table);
		if (store_prepare(in->ss->job->store, sql, &q, in->ss->err)) {
			in->failed = 1;
			return NULL;
		}
		*ids = rd_calloc(1, sizeof **ids);
		(*ids)->q = q;
		(*ids)->table = table;
		(*ids)->want = 64;
	}
	return *ids;
}

/* Forgets the window: the table may have changed since. */
void load_ids_reset(struct load_ids *ids)
{
	if (ids)
		ids->valid = 0;
}
