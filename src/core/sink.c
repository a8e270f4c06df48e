/* The sink dispatch, the text sink (aligned tables and records, which batch mode prints and
 * the console shows in its output view) and the null sink. Batch mode's JSON sink and its
 * progress line are the app's (src/batch_sink.c). */
#include "riskdesk/sink.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/util.h"

void sink_begin(struct rd_sink *s, const char *command)
{
	if (s->ops->begin)
		s->ops->begin(s, command);
}

void sink_end(struct rd_sink *s, int status, const char *error)
{
	if (s->ops->end)
		s->ops->end(s, status, error);
}

void sink_table_begin(struct rd_sink *s, const char *name, int ncols, const char *const *cols,
		      const enum rd_col_kind *kinds)
{
	if (s->ops->table_begin)
		s->ops->table_begin(s, name, ncols, cols, kinds);
}

void sink_row(struct rd_sink *s, const char *const *cells)
{
	if (s->ops->row)
		s->ops->row(s, cells);
}

void sink_table_end(struct rd_sink *s)
{
	if (s->ops->table_end)
		s->ops->table_end(s);
}

void sink_field(struct rd_sink *s, const char *section, const char *key, const char *value,
		enum rd_col_kind kind)
{
	if (s->ops->field)
		s->ops->field(s, section, key, value ? value : "", kind);
}

static char *vformat(const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	char *p = rd_malloc(n > 0 ? (size_t)n + 1 : 1);
	vsnprintf(p, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
	return p;
}

void sink_fieldf(struct rd_sink *s, const char *section, const char *key, enum rd_col_kind kind,
		 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *v = vformat(fmt, ap);
	va_end(ap);
	sink_field(s, section, key, v, kind);
	free(v);
}

void sink_message(struct rd_sink *s, const char *fmt, ...)
{
	if (!s->ops->message)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *m = vformat(fmt, ap);
	va_end(ap);
	s->ops->message(s, m);
	free(m);
}

void sink_diag(struct rd_sink *s, const char *fmt, ...)
{
	if (!s->ops->diag)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *m = vformat(fmt, ap);
	va_end(ap);
	s->ops->diag(s, m);
	free(m);
}

void sink_progress(struct rd_sink *s, const char *what, int64_t done, int64_t total)
{
	if (s->ops->progress)
		s->ops->progress(s, what, done, total);
}

void sink_progress_bytes(struct rd_sink *s, const char *what, int64_t done, int64_t total,
			 int64_t rows)
{
	if (s->ops->progress_bytes)
		s->ops->progress_bytes(s, what, done, total, rows);
	else
		sink_progress(s, what, done, total);
}

const char *sink_bytes_text(double bytes, char *out, size_t n)
{
	static const char *const units[] = {"KB", "MB", "GB", "TB"};
	if (bytes < 1000) {
		snprintf(out, n, "%.0f B", bytes);
		return out;
	}
	int u = 0;
	for (bytes /= 1000; bytes >= 999.95 && u < 3; u++)
		bytes /= 1000;
	snprintf(out, n, bytes < 9.995 && u >= 2 ? "%.2f %s" : "%.1f %s", bytes, units[u]);
	return out;
}

/* "12 s", "3 min 05 s", "2 h 10 min". */
static void duration_text(double s, char *out, size_t n)
{
	long t = (long)(s + 0.5);
	if (s < 1)
		snprintf(out, n, "<1 s");
	else if (t < 60)
		snprintf(out, n, "%ld s", t);
	else if (t < 3600)
		snprintf(out, n, "%ld min %02ld s", t / 60, t % 60);
	else
		snprintf(out, n, "%ld h %02ld min", t / 3600, t / 60 % 60);
}

const char *sink_progress_text(const struct sink_progress_report *r, char *out, size_t n)
{
	char done[32], total[32], rate[32] = "", left[48] = "", rows[40] = "", pct[16] = "";
	int measured = r->done > 0 && r->elapsed >= SINK_PROGRESS_MEASURE;
	double per_s = measured ? (double)r->done / r->elapsed : 0;
	if (r->bytes) {
		sink_bytes_text((double)r->done, done, sizeof done);
		sink_bytes_text((double)r->total, total, sizeof total);
		if (measured) {
			sink_bytes_text(per_s, rate, sizeof rate);
			strcat(rate, "/s");
		}
		if (r->rows >= 0)
			snprintf(rows, sizeof rows, "  %lld rows", (long long)r->rows);
	} else {
		snprintf(done, sizeof done, "%lld", (long long)r->done);
		snprintf(total, sizeof total, "%lld", (long long)r->total);
		if (measured)
			snprintf(rate, sizeof rate, per_s < 10 ? "%.1f/s" : "%.0f/s", per_s);
	}
	if (r->total > 0) {
		double f = (double)r->done / (double)r->total;
		snprintf(pct, sizeof pct, "  %.0f%%", 100 * (f > 1 ? 1 : f < 0 ? 0 : f));
		if (measured && r->done < r->total) {
			duration_text((double)(r->total - r->done) / per_s, left + 2,
				      sizeof left - 4);
			memcpy(left, "  ", 2);
			strcat(left, " left");
		}
	}
	if (r->total > 0) /* nothing to estimate once done */
		snprintf(out, n, "%s %s%s%s%s%s%s%s%s", r->what, done, r->bytes ? " of " : "/",
			 total, pct, rows, measured || r->done < r->total ? "  " : "",
			 measured             ? rate
			 : r->done < r->total ? "estimating"
					      : "",
			 left);
	else
		snprintf(out, n, "%s %s%s%s%s", r->what, done, rows, measured ? "  " : "", rate);
	return out;
}

void sink_free(struct rd_sink *s)
{
	if (s && s->ops->free)
		s->ops->free(s);
}

/* ---- the columns of the table being written ---- */

struct table_head {
	int ncols;
	char **cols;             /* owned copies of the column names */
	enum rd_col_kind *kinds; /* COL_TEXT when the command gave none */
};

static void head_set(struct table_head *h, int ncols, const char *const *cols,
		     const enum rd_col_kind *kinds)
{
	h->ncols = ncols;
	h->cols = rd_calloc((size_t)ncols, sizeof *h->cols);
	h->kinds = rd_calloc((size_t)ncols, sizeof *h->kinds);
	for (int i = 0; i < ncols; i++) {
		h->cols[i] = rd_strdup(cols[i]);
		h->kinds[i] = kinds ? kinds[i] : COL_TEXT;
	}
}

static void head_clear(struct table_head *h)
{
	for (int i = 0; i < h->ncols; i++)
		free(h->cols[i]);
	free(h->cols);
	free(h->kinds);
	memset(h, 0, sizeof *h);
}

/* ---- text ---- */

struct text_sink {
	struct rd_sink base;
	FILE *out;
	/* the table being collected, printed aligned at table_end */
	struct table_head head;
	char **cells; /* nrows * head.ncols */
	size_t nrows, cap;
	char section[64]; /* the last field section printed */
	int printed;      /* something was printed for this command */
};

static size_t display_width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static void text_begin(struct rd_sink *s, const char *command)
{
	struct text_sink *t = (struct text_sink *)s;
	(void)command;
	t->section[0] = '\0';
	t->printed = 0;
}

static void text_end(struct rd_sink *s, int status, const char *error)
{
	struct text_sink *t = (struct text_sink *)s;
	(void)status;
	(void)error; /* the caller prints it with its origin (FILE:LINE) */
	fflush(t->out);
}

static void text_table_begin(struct rd_sink *s, const char *name, int ncols,
			     const char *const *cols, const enum rd_col_kind *kinds)
{
	struct text_sink *t = (struct text_sink *)s;
	(void)name;
	head_set(&t->head, ncols, cols, kinds);
	t->nrows = 0;
}

static void text_row(struct rd_sink *s, const char *const *cells)
{
	struct text_sink *t = (struct text_sink *)s;
	if ((t->nrows + 1) * (size_t)t->head.ncols > t->cap) {
		t->cap = t->cap ? t->cap * 2 : (size_t)t->head.ncols * 64;
		while (t->cap < (t->nrows + 1) * (size_t)t->head.ncols)
			t->cap *= 2;
		t->cells = rd_realloc(t->cells, t->cap * sizeof *t->cells);
	}
	/* A row's cells in one block, starting at its first cell: a table may have 500,000 rows. */
	size_t total = 0;
	for (int i = 0; i < t->head.ncols; i++)
		total += strlen(cells[i] ? cells[i] : "") + 1;
	char *block = t->head.ncols ? rd_malloc(total) : NULL;
	for (int i = 0; i < t->head.ncols; i++) {
		const char *v = cells[i] ? cells[i] : "";
		size_t len = strlen(v) + 1;
		t->cells[t->nrows * (size_t)t->head.ncols + (size_t)i] = memcpy(block, v, len);
		block += len;
	}
	t->nrows++;
}

static void text_cell(FILE *out, const char *v, size_t width, enum rd_col_kind kind, int last)
{
	size_t w = display_width(v);
	if (kind == COL_NUM)
		for (size_t i = w; i < width; i++)
			fputc(' ', out);
	fputs(v, out);
	if (kind != COL_NUM && !last)
		for (size_t i = w; i < width; i++)
			fputc(' ', out);
	if (!last)
		fputs("  ", out);
}

static void text_table_end(struct rd_sink *s)
{
	struct text_sink *t = (struct text_sink *)s;
	size_t *width = rd_calloc((size_t)t->head.ncols, sizeof *width);
	for (int c = 0; c < t->head.ncols; c++) {
		width[c] = display_width(t->head.cols[c]);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t w = display_width(t->cells[r * (size_t)t->head.ncols + (size_t)c]);
			if (w > width[c])
				width[c] = w;
		}
	}
	if (t->printed)
		fputc('\n', t->out);
	for (int c = 0; c < t->head.ncols; c++)
		text_cell(t->out, t->head.cols[c], width[c], t->head.kinds[c],
			  c == t->head.ncols - 1);
	fputc('\n', t->out);
	for (size_t r = 0; r < t->nrows; r++) {
		for (int c = 0; c < t->head.ncols; c++) {
			char *cell = t->cells[r * (size_t)t->head.ncols + (size_t)c];
			text_cell(t->out, cell, width[c], t->head.kinds[c], c == t->head.ncols - 1);
		}
		if (t->head.ncols)
			free(t->cells[r * (size_t)t->head.ncols]); /* the row's block */
		fputc('\n', t->out);
	}
	head_clear(&t->head);
	free(width);
	free(t->cells);
	t->cells = NULL;
	t->cap = t->nrows = 0;
	t->printed = 1;
	t->section[0] = '\0';
}

static void text_field(struct rd_sink *s, const char *section, const char *key, const char *value,
		       enum rd_col_kind kind)
{
	struct text_sink *t = (struct text_sink *)s;
	(void)kind;
	if (section && strcmp(section, t->section) != 0) {
		if (t->printed)
			fputc('\n', t->out);
		fprintf(t->out, "[%s]\n", section);
		snprintf(t->section, sizeof t->section, "%s", section);
	}
	fprintf(t->out, "%-20s %s\n", key, value);
	t->printed = 1;
}

static void text_message(struct rd_sink *s, const char *text)
{
	struct text_sink *t = (struct text_sink *)s;
	fprintf(t->out, "%s\n", text);
	t->printed = 1;
}

static void text_free(struct rd_sink *s)
{
	free(s);
}

static const struct rd_sink_ops text_ops = {
	.begin = text_begin,
	.end = text_end,
	.table_begin = text_table_begin,
	.row = text_row,
	.table_end = text_table_end,
	.field = text_field,
	.message = text_message,
	.free = text_free, /* diag and progress: the owner's (sink.h) */
};

struct rd_sink *sink_text_new(FILE *out)
{
	struct text_sink *t = rd_calloc(1, sizeof *t);
	t->base.ops = &text_ops;
	t->out = out;
	return &t->base;
}

static void null_free(struct rd_sink *s)
{
	free(s);
}

static const struct rd_sink_ops null_ops = {.free = null_free};

struct rd_sink *sink_null_new(void)
{
	struct rd_sink *s = rd_calloc(1, sizeof *s);
	s->ops = &null_ops;
	return s;
}
