/* Small shared helpers of the core: errors, number, UTF-8 and label checks, values quoted
 * for messages, files, and (through the headers it includes, so that one include gives
 * them all) memory and growable strings (buf.h), string maps and FNV-1a (strmap.h), dates
 * and clocks (dates.h). Nothing here prints or exits. */
#ifndef RISKDESK_UTIL_H
#define RISKDESK_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "riskdesk/buf.h"
#include "riskdesk/dates.h"
#include "riskdesk/strmap.h"

#define RD_ERR_MAX 2048

/* An error message filled by a failing core function (which returns -1 or NULL). */
struct rd_err {
	char msg[RD_ERR_MAX]; /* "" when no error */
};

void rd_err_set(struct rd_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rd_err_clear(struct rd_err *e);

/* The first string greater than every string starting with s[0..len): the exclusive end
 * of a prefix range for an index (id >= s AND id < end). NULL when there is none (s is
 * empty or all 0xFF bytes). The caller frees it. */
char *prefix_successor(const char *s, size_t len);

/* Parses the whole of s as a finite decimal or scientific number ("5e+05"). 0 or -1. */
int num_parse(const char *s, size_t len, double *out);
/* 1 when s is well-formed UTF-8. */
int utf8_valid(const char *s, size_t len);
/* The longest prefix of s (len bytes) of at most max bytes that does not end inside a UTF-8
 * character. */
size_t utf8_cut(const char *s, size_t len, size_t max);
/* Copies s into out (n > 0 bytes), cut at a UTF-8 character boundary. */
void utf8_copy_cut(char *out, size_t n, const char *s);

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
