/* String maps and FNV-1a (strmap.c). */
#ifndef RISKDESK_STRMAP_H
#define RISKDESK_STRMAP_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a, 64 bits: start from RD_FNV1A_SEED, feed bytes (or one value with
 * rd_fnv1a_step); the hash of ids, folds and reference texts that riskdesk stores. */
#define RD_FNV1A_SEED 1469598103934665603ULL
static inline uint64_t rd_fnv1a_step(uint64_t h, unsigned v)
{
	return (h ^ v) * 1099511628211ULL;
}
uint64_t rd_fnv1a(uint64_t h, const void *data, size_t n);

/* A map from byte strings to int64 values. Keys are copied into the map. */
struct rd_strmap;

struct rd_strmap *strmap_new(size_t expected);
void strmap_free(struct rd_strmap *m);
/* The value for key, or -1 when absent. */
int64_t strmap_get(const struct rd_strmap *m, const char *key, size_t len);
/* Inserts key -> value. Returns 1 when inserted, 0 when the key existed (value unchanged). */
int strmap_put(struct rd_strmap *m, const char *key, size_t len, int64_t value);
size_t strmap_count(const struct rd_strmap *m);

#endif
