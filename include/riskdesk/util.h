/* Small shared helpers of the core: errors, memory, growable strings, string maps,
 * ISO 8601 dates, number and UTF-8 checks. Nothing here prints or exits. */
#ifndef RISKDESK_UTIL_H
#define RISKDESK_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define RD_ERR_MAX 2048

/* An error message filled by a failing core function (which returns -1 or NULL). */
struct rd_err {
	char msg[RD_ERR_MAX]; /* "" when no error */
};

void rd_err_set(struct rd_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rd_err_clear(struct rd_err *e);

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

/* ISO 8601 dates: "2025-03-01", "2025-03-01T10:30:00", with optional fraction and
 * "Z" or "+hh:mm". A space may stand for the "T". Years 0001 to 9999 (year 0000, 1 BC in
 * ISO 8601, is refused). Returns 0 and the UTC epoch second, or -1. */
int date_parse(const char *s, size_t len, int64_t *epoch);
/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
/* The UTC day number of an epoch second (floor). */
int64_t epoch_day(int64_t epoch);
/* Writes "YYYY-MM-DD" of a day number; out has room for 11 bytes. */
void day_format(int64_t day, char out[11]);
/* The current UTC time as "YYYY-MM-DDTHH:MM:SSZ"; out has room for 21 bytes. */
void now_iso(char out[21]);
/* Monotonic seconds, for progress rates and reports. */
double now_seconds(void);

/* The first string greater than every string starting with s[0..len): the exclusive end
 * of a prefix range for an index (id >= s AND id < end). NULL when there is none (s is
 * empty or all 0xFF bytes). The caller frees it. */
char *prefix_successor(const char *s, size_t len);

/* Parses the whole of s as a finite decimal or scientific number ("5e+05"). 0 or -1. */
int num_parse(const char *s, size_t len, double *out);
/* 1 when s is well-formed UTF-8. */
int utf8_valid(const char *s, size_t len);

#define RD_LABEL_MAX 80 /* bytes of a label (a mapping's "labels", a model's) */
/* 1 when s can be a label for people: 1 to RD_LABEL_MAX bytes of UTF-8, no control
 * character (a label is shown on one line, in reasons and tables). */
int rd_label_ok(const char *s);

#define RD_ECHO_CHARS 60 /* characters of a user's value quoted in a message */
#define RD_ECHO_SIZE 288 /* room for rd_echo's text */
/* A value the user gave (an id, a cell, a key, a token), quoted for a message: 'C0001',
 * or, when longer than RD_ECHO_CHARS characters, its start and its size: 'XXXX…' (100000
 * bytes). Control characters and bytes that are not UTF-8 show as '?', so the message
 * stays one readable line. Every message that quotes such a value goes through here.
 * Returns out, which has room for RD_ECHO_SIZE bytes. */
const char *rd_echo(char out[RD_ECHO_SIZE], const char *s, size_t len);
/* The offset of the first NUL character inside a string of a JSON text: an escaped
 * \u0000 (which cJSON decodes and then loses, the C string ending there) or a raw NUL
 * byte. The scan follows escapes, so "\\u0000" is no NUL. -1 when there is none. */
int64_t json_nul_at(const char *text, size_t len);
/* Personal data shown masked unless `set pii on`: "j***@example.com", "*******4567".
 * out has room for n bytes. */
void pii_mask(const char *value, char *out, size_t n);
/* A number for people: integers without decimals, else 6 significant digits; NaN "missing". */
void num_format(double v, char *out, size_t n);
/* Opens path to read it without blocking on it (a FIFO with no writer, a device) and
 * checks that what it opened is a regular file: the check is on the open descriptor, so
 * nothing can swap the file in between. Returns the descriptor (blocking again), and its
 * size when size is not NULL; or -1 with err ("PATH: a FIFO, not a regular file") and
 * errno kept (ENOENT or ENOTDIR when there is no such file). */
int file_open_regular(const char *path, int64_t *size, struct rd_err *err);
/* Reads a small text file (a theme, a mapping, a model specification) into b, which
 * is reset first. 0 when read, 1 when it does not exist, -1 with err: unreadable, not a
 * regular file (a FIFO is refused without blocking), over max bytes, or holding a NUL. */
int text_file_read(const char *path, size_t max, struct rd_buf *b, struct rd_err *err);
/* An XDG base directory: $VAR when it is absolute (a relative one is ignored, as the
 * specification asks), else $HOME/fallback (".config", ".local/share", ".local/state").
 * Appends it to b; 0 when neither is usable. */
int xdg_dir(const char *var, const char *fallback, struct rd_buf *b);
/* Creates the directories leading to path (not its last component), mode 0700 for
 * those it creates. 0 or -1 with errno. */
int make_parent_dirs(const char *path);
/* The OS user name (for runs and audit); never NULL. */
const char *rd_user(void);
/* splitmix64 (Steele, Lea and Flood): the next number of the sequence whose state is
 * *state (advanced). The seeding generator of gen and of k-means++. */
uint64_t rd_splitmix64(uint64_t *state);

#endif
