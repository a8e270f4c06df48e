/* The ids a load checks against: the keys of the file's valid rows (duplicates), kept in
 * plain arrays while they arrive sorted and in a hash map only if the order breaks; and
 * the ids of customers and orders already in the store (references), read once, sorted,
 * and searched from the last hit forward. */
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

void load_ids_free(struct load_ids *ids)
{
	if (!ids)
		return;
	free(ids->arena);
	free(ids->v);
	free(ids);
}

static _Thread_local const char *ids_sort_arena; /* qsort has no context argument */

static int ids_sort_cmp(const void *a, const void *b)
{
	const struct load_id *x = a, *y = b;
	return key_cmp(ids_sort_arena + x->off, x->len, ids_sort_arena + y->off, y->len);
}

/* The ids of a table now in the store (this transaction's rows included), or NULL with
 * the session's err. Read once per load, in primary key order (no sort, no hashing). */
static struct load_ids *ids_load(struct load_session *ss, const char *table)
{
	char sql[64];
	sqlite3_stmt *s = NULL;
	struct rd_store *st = ss->job->store;
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table); /* a fixed table name */
	size_t cap = (size_t)store_int(st, sql, 0) + 1, arena_cap = 65536, arena_len = 0;
	snprintf(sql, sizeof sql, "SELECT id FROM %s ORDER BY id", table);
	if (store_prepare(st, sql, &s, ss->err))
		return NULL;
	struct load_ids *ids = rd_calloc(1, sizeof *ids);
	ids->v = rd_malloc(cap * sizeof *ids->v);
	ids->arena = rd_malloc(arena_cap);
	int rc, sorted = 1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(s, 0);
		size_t len = (size_t)sqlite3_column_bytes(s, 0);
		if (!id)
			continue;
		if (ids->n == cap) {
			cap *= 2;
			ids->v = rd_realloc(ids->v, cap * sizeof *ids->v);
		}
		if (arena_len + len > arena_cap) {
			while (arena_cap < arena_len + len)
				arena_cap *= 2;
			ids->arena = rd_realloc(ids->arena, arena_cap);
		}
		memcpy(ids->arena + arena_len, id, len);
		ids->v[ids->n] = (struct load_id){.off = arena_len, .len = len};
		if (ids->n > 0 && sorted) {
			const struct load_id *prev = &ids->v[ids->n - 1];
			sorted = key_cmp(ids->arena + prev->off, prev->len, id, len) < 0;
		}
		arena_len += len;
		ids->n++;
	}
	if (rc != SQLITE_DONE) {
		rd_err_set(ss->err, "reading %s ids: %s", table, sqlite3_errmsg(store_db(st)));
		load_ids_free(ids);
		ids = NULL;
	} else if (!sorted) {
		/* Only if some id is not stored as text: the index order is then not byte order. */
		ids_sort_arena = ids->arena;
		qsort(ids->v, ids->n, sizeof *ids->v, ids_sort_cmp);
	}
	sqlite3_finalize(s);
	return ids;
}

static int ids_cmp_at(const struct load_ids *ids, const char *s, size_t len, size_t i)
{
	return key_cmp(s, len, ids->arena + ids->v[i].off, ids->v[i].len);
}

/* 1 when s is one of the ids. */
int load_ids_has(struct load_ids *ids, const char *s, size_t len)
{
	size_t n = ids->n, lo, hi;
	if (n == 0)
		return 0;
	size_t f = ids->finger < n ? ids->finger : n - 1;
	int c = ids_cmp_at(ids, s, len, f);
	if (c == 0)
		return 1;
	if (c > 0) {
		/* Gallop: f+1, f+2, f+4, ... until an id not below s. */
		size_t prev = f, p = f + 1, step = 1;
		while (p < n && (c = ids_cmp_at(ids, s, len, p)) > 0) {
			prev = p;
			step *= 2;
			p = prev + step;
		}
		if (p < n && c == 0) {
			ids->finger = p;
			return 1;
		}
		lo = prev + 1;
		hi = p < n ? p : n;
	} else {
		lo = 0;
		hi = f;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		c = ids_cmp_at(ids, s, len, mid);
		if (c == 0) {
			ids->finger = mid;
			return 1;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	ids->finger = lo;
	return 0;
}

/* The ids a reference column checks against, read on first use: by then the files this
 * load wrote before (customers before orders, orders before payments) are in the store. */
struct load_ids *load_ids_for(struct load_in *in, enum load_vtype type)
{
	struct load_ids **ids = type == VT_CUSTOMER ? &in->ss->customers : &in->ss->orders;
	if (!*ids && !(*ids = ids_load(in->ss, type == VT_CUSTOMER ? "customers" : "orders")))
		in->failed = 1;
	return *ids;
}
