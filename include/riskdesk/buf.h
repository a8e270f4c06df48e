/* Memory and growable strings (buf.c). */
#ifndef RISKDESK_BUF_H
#define RISKDESK_BUF_H

#include <stddef.h>

/* Out of memory is the one fatal error. The hook (the console restores the terminal)
 * runs before the process exits. */
void rd_set_oom_hook(void (*hook)(void));
void *rd_malloc(size_t n);
void *rd_calloc(size_t n, size_t size);
void *rd_realloc(void *p, size_t n);
char *rd_strdup(const char *s);
char *rd_strndup(const char *s, size_t n);

/* A growable byte string, always NUL-terminated once anything was appended. */
struct rd_buf {
	char *data; /* owned; NULL until the first append */
	size_t len; /* bytes used, without the NUL */
	size_t cap; /* bytes allocated */
};

void buf_free(struct rd_buf *b);
void buf_reset(struct rd_buf *b);
void buf_append(struct rd_buf *b, const void *data, size_t n);
void buf_puts(struct rd_buf *b, const char *s);
void buf_putc(struct rd_buf *b, char c);
void buf_printf(struct rd_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal, quotes included. */
void buf_json_string(struct rd_buf *b, const char *s);
/* Appends a number as JSON: shortest form that reads back to the same double; null for NaN/inf. */
void buf_json_number(struct rd_buf *b, double v);
/* Returns the string (never NULL) and leaves b empty; the caller frees it. */
char *buf_steal(struct rd_buf *b);

#endif
