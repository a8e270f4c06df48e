/* The sink dispatch and the batch sinks: aligned text, JSON, and null. */
#include "riskdesk/sink.h"

#include <cjson/cJSON.h>
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

void sink_free(struct rd_sink *s)
{
	if (s && s->ops->free)
		s->ops->free(s);
}

/* ---- progress line shared by the batch sinks ---- */

struct progress_line {
	FILE *out;       /* NULL: no progress */
	double t0;       /* when the current phase started */
	double last;     /* when the line was last drawn */
	char what[32];   /* current phase */
	int shown;       /* a line is on screen and must be cleared */
};

static void progress_draw(struct progress_line *p, const char *what, int64_t done, int64_t total)
{
	if (!p->out)
		return;
	double now = now_seconds();
	if (strncmp(p->what, what, sizeof p->what - 1) != 0) {
		snprintf(p->what, sizeof p->what, "%s", what);
		p->t0 = now;
		p->last = 0;
	}
	if (now - p->last < 0.1 && done < total)
		return;
	p->last = now;
	double el = now - p->t0, rate = el > 0 ? (double)done / el : 0;
	if (total > 0) {
		double left = rate > 0 ? (double)(total - done) / rate : 0;
		fprintf(p->out, "\r%s: %lld/%lld (%.0f%%) %.0f/s, %.0fs left   ", what,
			(long long)done, (long long)total, 100.0 * (double)done / (double)total, rate,
			left);
	} else {
		fprintf(p->out, "\r%s: %lld  %.0f/s   ", what, (long long)done, rate);
	}
	fflush(p->out);
	p->shown = 1;
}

static void progress_clear(struct progress_line *p)
{
	if (p->out && p->shown) {
		fprintf(p->out, "\r\033[K");
		fflush(p->out);
	}
	p->shown = 0;
	p->what[0] = '\0';
}

/* ---- the columns of the table being written, shared by the batch sinks ---- */

struct table_head {
	int ncols;
	char **cols;               /* owned copies of the column names */
	enum rd_col_kind *kinds;   /* COL_TEXT when the command gave none */
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
	struct progress_line progress;
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
	progress_clear(&t->progress);
	fflush(t->out);
}

static void text_table_begin(struct rd_sink *s, const char *name, int ncols,
			     const char *const *cols, const enum rd_col_kind *kinds)
{
	struct text_sink *t = (struct text_sink *)s;
	(void)name;
	progress_clear(&t->progress);
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
		text_cell(t->out, t->head.cols[c], width[c], t->head.kinds[c], c == t->head.ncols - 1);
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
	progress_clear(&t->progress);
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
	progress_clear(&t->progress);
	fprintf(t->out, "%s\n", text);
	t->printed = 1;
}

static void stderr_diag(struct progress_line *p, const char *text)
{
	progress_clear(p);
	fflush(stdout);
	fprintf(stderr, "riskdesk: %s\n", text);
}

static void text_diag(struct rd_sink *s, const char *text)
{
	stderr_diag(&((struct text_sink *)s)->progress, text);
}

static void text_progress(struct rd_sink *s, const char *what, int64_t done, int64_t total)
{
	progress_draw(&((struct text_sink *)s)->progress, what, done, total);
}

static void text_free(struct rd_sink *s)
{
	struct text_sink *t = (struct text_sink *)s;
	progress_clear(&t->progress);
	free(t);
}

static const struct rd_sink_ops text_ops = {
	.begin = text_begin,
	.end = text_end,
	.table_begin = text_table_begin,
	.row = text_row,
	.table_end = text_table_end,
	.field = text_field,
	.message = text_message,
	.diag = text_diag,
	.progress = text_progress,
	.free = text_free,
};

struct rd_sink *sink_text_new(FILE *out, FILE *progress_out)
{
	struct text_sink *t = rd_calloc(1, sizeof *t);
	t->base.ops = &text_ops;
	t->out = out;
	t->progress.out = progress_out;
	return &t->base;
}

/* ---- JSON: {"command": ..., "ok": true, <section>: {...}, <table>: [...], "messages": [...]} ---- */

struct json_sink {
	struct rd_sink base;
	FILE *out;
	struct progress_line progress;
	cJSON *doc;      /* the command's document */
	cJSON *table;    /* array being filled */
	struct table_head head;
	/* The rows' keys, one copy each for the document's life: a table may have 500,000
	 * rows, and cJSON would copy each key into each row. */
	char **keys;
	size_t nkeys;
	const char **row_keys; /* the table's columns, among keys */
};

static void json_doc_free(struct json_sink *j)
{
	cJSON_Delete(j->doc);
	j->doc = NULL;
	for (size_t i = 0; i < j->nkeys; i++)
		free(j->keys[i]);
	free(j->keys);
	j->keys = NULL;
	j->nkeys = 0;
	free(j->row_keys);
	j->row_keys = NULL;
}

static const char *json_key(struct json_sink *j, const char *name)
{
	for (size_t i = 0; i < j->nkeys; i++)
		if (strcmp(j->keys[i], name) == 0)
			return j->keys[i];
	j->keys = rd_realloc(j->keys, (j->nkeys + 1) * sizeof *j->keys);
	return j->keys[j->nkeys++] = rd_strdup(name);
}

static void json_begin(struct rd_sink *s, const char *command)
{
	struct json_sink *j = (struct json_sink *)s;
	json_doc_free(j);
	j->doc = cJSON_CreateObject();
	cJSON_AddStringToObject(j->doc, "command", command ? command : "");
}

static cJSON *json_value(const char *v, enum rd_col_kind kind)
{
	double d;
	if (kind == COL_NUM) {
		if (!v || !*v)
			return cJSON_CreateNull();
		if (num_parse(v, strlen(v), &d) == 0)
			return cJSON_CreateNumber(d);
	}
	return cJSON_CreateString(v ? v : "");
}

static void json_end(struct rd_sink *s, int status, const char *error)
{
	struct json_sink *j = (struct json_sink *)s;
	progress_clear(&j->progress);
	if (!j->doc)
		return;
	cJSON_AddBoolToObject(j->doc, "ok", status == 0);
	if (status != 0 && error && *error)
		cJSON_AddStringToObject(j->doc, "error", error);
	char *text = cJSON_Print(j->doc);
	if (text) {
		fprintf(j->out, "%s\n", text);
		cJSON_free(text);
	}
	fflush(j->out);
	json_doc_free(j);
}

static void json_ensure_doc(struct json_sink *j)
{
	if (!j->doc)
		json_begin(&j->base, "");
}

static void json_table_begin(struct rd_sink *s, const char *name, int ncols,
			     const char *const *cols, const enum rd_col_kind *kinds)
{
	struct json_sink *j = (struct json_sink *)s;
	json_ensure_doc(j);
	const char *key = name && *name ? name : "rows";
	j->table = cJSON_GetObjectItemCaseSensitive(j->doc, key);
	if (!j->table)
		j->table = cJSON_AddArrayToObject(j->doc, key);
	head_set(&j->head, ncols, cols, kinds);
	j->row_keys = rd_realloc(j->row_keys, (size_t)(ncols > 0 ? ncols : 1) * sizeof *j->row_keys);
	for (int i = 0; i < ncols; i++)
		j->row_keys[i] = json_key(j, j->head.cols[i]);
}

static void json_row(struct rd_sink *s, const char *const *cells)
{
	struct json_sink *j = (struct json_sink *)s;
	cJSON *o = cJSON_CreateObject();
	for (int i = 0; i < j->head.ncols; i++)
		cJSON_AddItemToObjectCS(o, j->row_keys[i], json_value(cells[i], j->head.kinds[i]));
	cJSON_AddItemToArray(j->table, o);
}

static void json_table_end(struct rd_sink *s)
{
	struct json_sink *j = (struct json_sink *)s;
	head_clear(&j->head);
	j->table = NULL;
}

static void json_field(struct rd_sink *s, const char *section, const char *key, const char *value,
		       enum rd_col_kind kind)
{
	struct json_sink *j = (struct json_sink *)s;
	json_ensure_doc(j);
	cJSON *parent = j->doc;
	if (section) {
		parent = cJSON_GetObjectItemCaseSensitive(j->doc, section);
		if (!parent)
			parent = cJSON_AddObjectToObject(j->doc, section);
	}
	cJSON_DeleteItemFromObjectCaseSensitive(parent, key);
	cJSON_AddItemToObject(parent, key, json_value(value, kind));
}

static void json_list_add(struct json_sink *j, const char *list, const char *text)
{
	json_ensure_doc(j);
	cJSON *a = cJSON_GetObjectItemCaseSensitive(j->doc, list);
	if (!a)
		a = cJSON_AddArrayToObject(j->doc, list);
	cJSON_AddItemToArray(a, cJSON_CreateString(text));
}

static void json_message(struct rd_sink *s, const char *text)
{
	json_list_add((struct json_sink *)s, "messages", text);
}

static void json_diag(struct rd_sink *s, const char *text)
{
	struct json_sink *j = (struct json_sink *)s;
	json_list_add(j, "errors", text);
	stderr_diag(&j->progress, text);
}

static void json_progress(struct rd_sink *s, const char *what, int64_t done, int64_t total)
{
	progress_draw(&((struct json_sink *)s)->progress, what, done, total);
}

static void json_free(struct rd_sink *s)
{
	struct json_sink *j = (struct json_sink *)s;
	progress_clear(&j->progress);
	json_doc_free(j);
	free(j);
}

static const struct rd_sink_ops json_ops = {
	.begin = json_begin,
	.end = json_end,
	.table_begin = json_table_begin,
	.row = json_row,
	.table_end = json_table_end,
	.field = json_field,
	.message = json_message,
	.diag = json_diag,
	.progress = json_progress,
	.free = json_free,
};

struct rd_sink *sink_json_new(FILE *out, FILE *progress_out)
{
	struct json_sink *j = rd_calloc(1, sizeof *j);
	j->base.ops = &json_ops;
	j->out = out;
	j->progress.out = progress_out;
	return &j->base;
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
