/* The output sink: where a command's results go. Commands never print; they hand
 * tables, fields, messages, error details and progress to a sink. The core has the text
 * sink below (batch mode prints it, the console shows it) and the null sink; batch mode's
 * JSON sink and progress line (src/batch_sink.c) and the console's sink (src/tui) are the
 * app's. */
#ifndef RISKDESK_SINK_H
#define RISKDESK_SINK_H

#include <stdint.h>
#include <stdio.h>

struct rd_sink;

enum rd_col_kind {
	COL_TEXT = 0, /* left-aligned, a JSON string */
	COL_NUM = 1,  /* right-aligned, a JSON number (empty cell = null) */
};

struct rd_sink_ops {
	void (*begin)(struct rd_sink *s, const char *command);
	/* status is an rd_status; error the failing command's message, or NULL. */
	void (*end)(struct rd_sink *s, int status, const char *error);
	void (*table_begin)(struct rd_sink *s, const char *name, int ncols, const char *const *cols,
			    const enum rd_col_kind *kinds);
	void (*row)(struct rd_sink *s, const char *const *cells);
	void (*table_end)(struct rd_sink *s);
	/* One named value of a record; section groups them ("customer", "profile"). */
	void (*field)(struct rd_sink *s, const char *section, const char *key, const char *value,
		      enum rd_col_kind kind);
	void (*message)(struct rd_sink *s, const char *text);
	/* A detail of an error, e.g. "orders.csv:7: column 'status': ...". */
	void (*diag)(struct rd_sink *s, const char *text);
	void (*progress)(struct rd_sink *s, const char *what, int64_t done, int64_t total);
	/* Work measured in bytes of input (a load), with the rows read so far. May be NULL:
	 * sink_progress_bytes then reports the bytes through progress. */
	void (*progress_bytes)(struct rd_sink *s, const char *what, int64_t done, int64_t total,
			       int64_t rows);
	void (*free)(struct rd_sink *s);
};

struct rd_sink {
	const struct rd_sink_ops *ops;
};

void sink_begin(struct rd_sink *s, const char *command);
void sink_end(struct rd_sink *s, int status, const char *error);
void sink_table_begin(struct rd_sink *s, const char *name, int ncols, const char *const *cols,
		      const enum rd_col_kind *kinds);
void sink_row(struct rd_sink *s, const char *const *cells);
void sink_table_end(struct rd_sink *s);
void sink_field(struct rd_sink *s, const char *section, const char *key, const char *value,
		enum rd_col_kind kind);
void sink_fieldf(struct rd_sink *s, const char *section, const char *key, enum rd_col_kind kind,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void sink_message(struct rd_sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sink_diag(struct rd_sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sink_progress(struct rd_sink *s, const char *what, int64_t done, int64_t total);
void sink_progress_bytes(struct rd_sink *s, const char *what, int64_t done, int64_t total,
			 int64_t rows);
void sink_free(struct rd_sink *s);

/* A progress report, as the console's bar and batch mode's progress line word it. */
struct sink_progress_report {
	const char *what; /* the phase: "load orders", "training" */
	int64_t done;     /* how far */
	int64_t total;    /* of how much; 0 or less: not known */
	int bytes;        /* done and total are bytes (then rows are the rows read) */
	int64_t rows;
	double elapsed; /* seconds since the phase began */
};
/* "training 120/1800  7%  85/s  20 s left", "load orders 1.2 MB of 5.2 MB  23%  40210 rows
 * 2.1 MB/s  2 s left": bytes in B, KB, MB or GB (powers of 1000). No rate and no time left
 * before there is a measure (something done, SINK_PROGRESS_MEASURE seconds in): then
 * "estimating". Into out (n bytes); returns out. */
#define SINK_PROGRESS_MEASURE 0.25
const char *sink_progress_text(const struct sink_progress_report *r, char *out, size_t n);
/* bytes as "950 B", "12.3 KB", "5.2 MB", "1.25 GB"; into out (n bytes); returns out. */
const char *sink_bytes_text(double bytes, char *out, size_t n);

/* Aligned text tables, "key: value" records under [section] lines, and messages, on out
 * (the caller keeps the FILE). Error details and progress are not written: their place
 * is the owner's (stderr in batch mode, the status line in the console), who handles them
 * before or instead of this sink. */
struct rd_sink *sink_text_new(FILE *out);
/* Discards everything. */
struct rd_sink *sink_null_new(void);

#endif
