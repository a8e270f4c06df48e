/* The string map (strmap.h): byte-string keys to int64 values, open addressing over one
 * key arena; and FNV-1a, the hash riskdesk stores (ids, folds, reference texts). */
#include "riskdesk/strmap.h"

#include <stdlib.h>
#include <string.h>

#include "riskdesk/buf.h"

/* Open addressing with linear probing; keys live in one growing arena. */
struct strmap_slot {
	uint64_t hash;  /* 0 = empty */
	size_t key_off; /* offset of the key in the arena */
	uint32_t key_len;
	int64_t value;
};

struct rd_strmap {
	struct strmap_slot *slots;
	size_t nslots; /* power of two */
	size_t count;
	char *arena;
	size_t arena_len, arena_cap;
};

uint64_t rd_fnv1a(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < n; i++)
		h = rd_fnv1a_step(h, p[i]);
	return h;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = rd_fnv1a(RD_FNV1A_SEED, s, n); /* then a final mix */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h ? h : 1;
}

struct rd_strmap *strmap_new(size_t expected)
{
	struct rd_strmap *m = rd_calloc(1, sizeof *m);
	size_t n = 16;
	while (n < expected * 2)
		n *= 2;
	m->slots = rd_calloc(n, sizeof *m->slots);
	m->nslots = n;
	return m;
}

void strmap_free(struct rd_strmap *m)
{
	if (!m)
		return;
	free(m->slots);
	free(m->arena);
	free(m);
}

static struct strmap_slot *strmap_find(const struct rd_strmap *m, const char *key, size_t len,
				       uint64_t h)
{
	size_t mask = m->nslots - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct strmap_slot *s = &m->slots[i];
		if (s->hash == 0)
			return s;
		if (s->hash == h && s->key_len == len &&
		    memcmp(m->arena + s->key_off, key, len) == 0)
			return s;
	}
}

int64_t strmap_get(const struct rd_strmap *m, const char *key, size_t len)
{
	const struct strmap_slot *s = strmap_find(m, key, len, hash_bytes(key, len));
	return s->hash ? s->value : -1;
}

static void strmap_grow(struct rd_strmap *m)
{
	struct strmap_slot *old = m->slots;
	size_t oldn = m->nslots;
	m->nslots *= 2;
	m->slots = rd_calloc(m->nslots, sizeof *m->slots);
	size_t mask = m->nslots - 1;
	for (size_t i = 0; i < oldn; i++) {
		if (!old[i].hash)
			continue;
		size_t j = old[i].hash & mask;
		while (m->slots[j].hash)
			j = (j + 1) & mask;
		m->slots[j] = old[i];
	}
	free(old);
}

int strmap_put(struct rd_strmap *m, const char *key, size_t len, int64_t value)
{
	if ((m->count + 1) * 10 > m->nslots * 7)
		strmap_grow(m);
	uint64_t h = hash_bytes(key, len);
	struct strmap_slot *s = strmap_find(m, key, len, h);
	if (s->hash)
		return 0;
	if (m->arena_len + len + 1 > m->arena_cap) {
		size_t cap = m->arena_cap ? m->arena_cap : 4096;
		while (cap < m->arena_len + len + 1)
			cap *= 2;
		m->arena = rd_realloc(m->arena, cap);
		m->arena_cap = cap;
	}
	memcpy(m->arena + m->arena_len, key, len);
	m->arena[m->arena_len + len] = '\0';
	s->hash = h;
	s->key_off = m->arena_len;
	s->key_len = (uint32_t)len;
	s->value = value;
	m->arena_len += len + 1;
	m->count++;
	return 1;
}

size_t strmap_count(const struct rd_strmap *m)
{
	return m->count;
}
