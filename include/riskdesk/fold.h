/* Names in the order people expect: a folded form of a text that ignores letter case and
 * Latin accents ("Émile" and "emile" fold alike, "de Vries" sorts among the D's), compared
 * byte by byte. The store keeps it for every customer's name (customers.name_key, SQL
 * function rd_fold) and the list sorts and searches by it. Pure: no store. */
#ifndef RISKDESK_FOLD_H
#define RISKDESK_FOLD_H

#include <stddef.h>

#include "riskdesk/buf.h"

/* Appends the folded form of s (len bytes of UTF-8) to b: ASCII letters in lower case;
 * the letters of Latin-1 and Latin Extended-A (and Romanian's comma-below S and T) as
 * their base letter in lower case, ligatures and ß as two letters (æ ae, œ oe, ĳ ij,
 * ß ss, þ th); combining accents (U+0300..U+036F) dropped; anything else, invalid UTF-8
 * included, kept as it is. */
void fold_append(struct rd_buf *b, const char *s, size_t len);
/* The folded form of s as a new string (the caller frees it). */
char *fold_dup(const char *s, size_t len);

#endif
