/* Between the loader (load.c) and its readers (load_csv.c, load_json.c): a reader turns
 * the bytes of a file into a header and records and hands them to the loader, which
 * maps, validates and writes them. Not a public header. */
#ifndef RISKDESK_LOAD_INTERNAL_H
#define RISKDESK_LOAD_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#define LOAD_FIELD_MAX 65536 /* longest cell accepted, in bytes */

/* One cell. The bytes need not be NUL-terminated and stay valid only during the call. */
struct load_field {
	const char *s;   /* never NULL ("" when empty) */
	size_t len;      /* bytes */
	const char *bad; /* NULL, or why the reader found the cell unusable ("contains
			  * \u0000"), reported after the value s when len > 0 */
};

/* One data record of the source. */
struct load_rec {
	int64_t line;                /* physical line on which the record starts (1-based) */
	int64_t pos;                 /* bytes of the file consumed so far, for progress */
	const struct load_field *f;  /* cells by column index */
	int nf;                      /* cells in f */
	const char *raw;             /* JSON: the element's text, for the rejects file; else NULL */
	size_t raw_len;
	const char *bad;             /* NULL, or what is wrong with the record as a whole (a
				      * JSON key given twice), for the row's errors */
};

/* The state of one file being loaded; defined in load.c. */
struct load_in;

/* Results of the calls below: go on, stop quietly (cancelled), or fail (the error is set). */
enum { LOAD_GO = 0, LOAD_STOP = 1, LOAD_FAIL = -1 };

/* The header line's column names. line is 0 when the names come from a mapping. */
int load_header(struct load_in *in, const struct load_field *names, int n, int64_t line);
/* JSON: the column index of a key, adding a column when the key is new; LOAD_FAIL on a
 * bad name. line is the record's line, for messages. */
int load_column(struct load_in *in, const char *name, size_t len, int64_t line);
/* Columns known so far. */
int load_ncolumns(const struct load_in *in);
/* One record: LOAD_GO, LOAD_STOP or LOAD_FAIL. */
int load_row(struct load_in *in, const struct load_rec *rec);
/* Fails the file with "FILE:LINE: message" (or "FILE: message" when line is 0). Returns
 * LOAD_FAIL. */
int load_fail(struct load_in *in, int64_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Delimited text (data, len: the whole file). sep is the delimiter, or ' ' for runs of
 * blanks without quoting. header: the first record names the columns. */
int load_csv_read(struct load_in *in, const char *data, size_t len, int sep, int header);
/* A JSON array of objects, or (ndjson) one object a line. */
int load_json_read(struct load_in *in, const char *data, size_t len, int ndjson);

#endif
