/* Delimited text readers: RFC 4180 CSV through libcsv (fed one physical line at a time so
 * every record knows the line it starts on), and whitespace-separated fields. */
#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "load_internal.h"
#include "riskdesk/util.h"

struct csv_state {
	struct load_in *in;   /* receives the header and records */
	int sep;              /* the delimiter */
	int header;           /* 1: the next record is the header */
	int rc;               /* LOAD_GO until a callback stops or fails */
	int64_t line;         /* physical line being fed */
	int64_t rec_line;     /* line on which the current record started */
	int in_rec;           /* a record has started and not ended */
	int64_t pos;          /* bytes fed so far */
	struct rd_buf cells;  /* the current record's cells, back to back */
	size_t *offs;         /* start of each cell in cells */
	size_t *lens;         /* length of each cell */
	struct load_field *f; /* the cells handed on, built when the record ends */
	int nf;               /* cells so far */
	int cap;              /* room in offs, lens and f */
};

static void grow(struct csv_state *st)
{
	st->cap = st->cap ? st->cap * 2 : 64;
	st->offs = rd_realloc(st->offs, (size_t)st->cap * sizeof *st->offs);
	st->lens = rd_realloc(st->lens, (size_t)st->cap * sizeof *st->lens);
	st->f = rd_realloc(st->f, (size_t)st->cap * sizeof *st->f);
}

/* libcsv: one cell ended. Its bytes live in libcsv's buffer until the next cell. */
static void on_cell(void *s, size_t len, void *data)
{
	struct csv_state *st = data;
	if (st->rc != LOAD_GO)
		return;
	if (st->nf == st->cap)
		grow(st);
	st->offs[st->nf] = st->cells.len;
	st->lens[st->nf] = len;
	if (len)
		buf_append(&st->cells, s, len);
	st->nf++;
}

/* libcsv: the record ended (c is the line end, or -1 at the end of the file). */
static void on_record(int c, void *data)
{
	struct csv_state *st = data;
	(void)c;
	if (st->rc == LOAD_GO) {
		const char *base = st->cells.data ? st->cells.data : "";
		for (int i = 0; i < st->nf; i++) {
			st->f[i].s = base + st->offs[i];
			st->f[i].len = st->lens[i];
			st->f[i].bad = NULL;
			st->f[i].nested = 0;
		}
		if (st->header) {
			st->header = 0;
			st->rc = load_header(st->in, st->f, st->nf, st->rec_line);
		} else {
			struct load_rec rec = {.line = st->rec_line,
					       .pos = st->pos,
					       .f = st->f,
					       .nf = st->nf};
			st->rc = load_row(st->in, &rec);
		}
	}
	st->nf = 0;
	buf_reset(&st->cells);
	st->in_rec = 0;
}

/* 1 when libcsv would start a record on this line: anything but blanks and line ends. */
static int starts_record(const char *s, size_t n, int sep)
{
	for (size_t i = 0; i < n; i++)
		if ((s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') || s[i] == sep)
			return 1;
	return 0;
}

static int csv_read(struct load_in *in, const char *data, size_t len, size_t at, int sep,
		    int header)
{
	struct csv_parser p;
	struct csv_state st = {.in = in, .sep = sep, .header = header, .rc = LOAD_GO};
	/* Strict: a stray quote is an error, not a silently different cell. */
	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
	csv_set_delim(&p, (unsigned char)sep);
	csv_set_realloc_func(&p, rd_realloc);
	csv_set_free_func(&p, free);
	csv_set_blk_size(&p, 65536); /* big cells grow in few steps */
	while (at < len && st.rc == LOAD_GO) {
		const char *nl = memchr(data + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - data) + 1 : len;
		st.line++;
		if (!st.in_rec && starts_record(data + at, end - at, sep)) {
			st.in_rec = 1;
			st.rec_line = st.line;
		}
		st.pos = (int64_t)end;
		if (csv_parse(&p, data + at, end - at, on_cell, on_record, &st) != end - at) {
			st.rc = load_fail(
				in, st.line, "malformed CSV: %s",
				csv_error(&p) == CSV_EPARSE
					? "a quote inside an unquoted cell, or text after a"
					  " closing quote (quote the cell and double its quotes)"
					: csv_strerror(csv_error(&p)));
		}
		at = end;
	}
	if (st.rc == LOAD_GO && csv_fini(&p, on_cell, on_record, &st) != 0 && st.rc == LOAD_GO)
		st.rc = load_fail(in, st.rec_line, "malformed CSV: a quoted cell is never closed");
	csv_free(&p);
	buf_free(&st.cells);
	free(st.offs);
	free(st.lens);
	free(st.f);
	return st.rc;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Runs of blanks separate cells; no quoting, no escapes. Blank lines are skipped. */
static int ws_read(struct load_in *in, const char *data, size_t len, size_t at, int header)
{
	struct load_field *f = NULL;
	int cap = 0, rc = LOAD_GO;
	int64_t line = 0;
	while (at < len && rc == LOAD_GO) {
		const char *nl = memchr(data + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - data) : len, next = nl ? end + 1 : len;
		int nf = 0;
		line++;
		for (size_t j = at; j < end;) {
			while (j < end && is_blank(data[j]))
				j++;
			if (j == end)
				break;
			size_t start = j;
			while (j < end && !is_blank(data[j]))
				j++;
			if (nf == cap) {
				cap = cap ? cap * 2 : 64;
				f = rd_realloc(f, (size_t)cap * sizeof *f);
			}
			f[nf].s = data + start;
			f[nf].len = j - start;
			f[nf].bad = NULL;
			f[nf].nested = 0;
			nf++;
		}
		at = next;
		if (nf == 0)
			continue;
		if (header) {
			header = 0;
			rc = load_header(in, f, nf, line);
		} else {
			struct load_rec rec = {.line = line,
					       .pos = (int64_t)next,
					       .f = f,
					       .nf = nf};
			rc = load_row(in, &rec);
		}
	}
	free(f);
	return rc;
}

int load_csv_read(struct load_in *in, const char *data, size_t len, int sep, int header)
{
	size_t at = 0;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		at = 3; /* the UTF-8 byte order mark some spreadsheets write */
	if (sep == ' ')
		return ws_read(in, data, len, at, header);
	return csv_read(in, data, len, at, sep, header);
}
