/* Batch mode's output (app.h): the JSON sink (one document per command), and around it
 * or the core's text sink the progress line and the error details on stderr. Not part of
 * the core library: the console has sinks of its own. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

/* ---- the progress line: one line on stderr (a terminal), rewritten ---- */

struct progress_line {
	FILE *out;     /* NULL: no progress */
	double t0;     /* when the current phase started */
	double last;   /* when the line was last drawn */
	char what[32]; /* current phase */
	int shown;     /* a line is on screen and must be cleared */
};

/* bytes: done and total are bytes, rows the rows read (sink.h). */
static void progress_draw(struct progress_line *p, const char *what, int64_t done, int64_t total,
			  int bytes, int64_t rows)
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
	char line[200];
	struct sink_progress_report r = {what, done, total, bytes, rows, now - p->t0};
	fprintf(p->out, "\r%s\033[K", sink_progress_text(&r, line, sizeof line));
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

/* ---- JSON: {"command": ..., "ok": true, <section>: {...}, <table>: [...], "messages": [...]} ---- */

struct json_sink {
	struct rd_sink base;
	FILE *out;
	cJSON *doc;              /* the command's document */
	cJSON *table;            /* array being filled */
	int ncols;               /* the table's columns */
	enum rd_col_kind *kinds; /* each column's kind (COL_TEXT when the command gave none) */
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
	j->ncols = ncols;
	j->kinds = rd_realloc(j->kinds, (size_t)(ncols > 0 ? ncols : 1) * sizeof *j->kinds);
	j->row_keys = rd_realloc(j->row_keys,
				 (size_t)(ncols > 0 ? ncols : 1) * sizeof *j->row_keys);
	for (int i = 0; i < ncols; i++) {
		j->kinds[i] = kinds ? kinds[i] : COL_TEXT;
		j->row_keys[i] = json_key(j, cols[i]);
	}
}

static void json_row(struct rd_sink *s, const char *const *cells)
{
	struct json_sink *j = (struct json_sink *)s;
	cJSON *o = cJSON_CreateObject();
	for (int i = 0; i < j->ncols; i++)
		cJSON_AddItemToObjectCS(o, j->row_keys[i], json_value(cells[i], j->kinds[i]));
	cJSON_AddItemToArray(j->table, o);
}

static void json_table_end(struct rd_sink *s)
{
	struct json_sink *j = (struct json_sink *)s;
	j->ncols = 0;
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
	json_list_add((struct json_sink *)s, "errors", text);
}

static void json_free(struct rd_sink *s)
{
	struct json_sink *j = (struct json_sink *)s;
	json_doc_free(j);
	free(j->kinds);
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
	.diag = json_diag, /* also on stderr, by the batch sink around it */
	.free = json_free,
};

static struct rd_sink *json_sink_new(FILE *out)
{
	struct json_sink *j = rd_calloc(1, sizeof *j);
	j->base.ops = &json_ops;
	j->out = out;
	return &j->base;
}

/* ---- the batch sink: the text or JSON sink, with the progress line and the error
 * details on stderr ---- */

struct batch_sink {
	struct rd_sink base;
	struct rd_sink *inner; /* text or JSON, owned */
	int json;              /* inner is JSON: it writes only at a command's end */
	struct progress_line progress;
};

/* Before the text sink writes to stdout, which it does as soon as it has something (the
 * JSON sink writes only at the command's end), the progress line goes. */
static void batch_clear(struct batch_sink *b)
{
	if (!b->json)
		progress_clear(&b->progress);
}

static void batch_begin(struct rd_sink *s, const char *command)
{
	sink_begin(((struct batch_sink *)s)->inner, command);
}

static void batch_end(struct rd_sink *s, int status, const char *error)
{
	struct batch_sink *b = (struct batch_sink *)s;
	progress_clear(&b->progress);
	sink_end(b->inner, status, error);
}

static void batch_table_begin(struct rd_sink *s, const char *name, int ncols,
			      const char *const *cols, const enum rd_col_kind *kinds)
{
	struct batch_sink *b = (struct batch_sink *)s;
	batch_clear(b);
	sink_table_begin(b->inner, name, ncols, cols, kinds);
}

static void batch_row(struct rd_sink *s, const char *const *cells)
{
	sink_row(((struct batch_sink *)s)->inner, cells);
}

static void batch_table_end(struct rd_sink *s)
{
	sink_table_end(((struct batch_sink *)s)->inner);
}

static void batch_field(struct rd_sink *s, const char *section, const char *key, const char *value,
			enum rd_col_kind kind)
{
	struct batch_sink *b = (struct batch_sink *)s;
	batch_clear(b);
	sink_field(b->inner, section, key, value, kind);
}

static void batch_message(struct rd_sink *s, const char *text)
{
	struct batch_sink *b = (struct batch_sink *)s;
	batch_clear(b);
	sink_message(b->inner, "%s", text);
}

/* An error's detail goes to stderr at once, after what stdout has so far. */
static void batch_diag(struct rd_sink *s, const char *text)
{
	struct batch_sink *b = (struct batch_sink *)s;
	sink_diag(b->inner, "%s", text);
	progress_clear(&b->progress);
	fflush(stdout);
	fprintf(stderr, "riskdesk: %s\n", text);
}

static void batch_progress(struct rd_sink *s, const char *what, int64_t done, int64_t total)
{
	progress_draw(&((struct batch_sink *)s)->progress, what, done, total, 0, -1);
}

static void batch_progress_bytes(struct rd_sink *s, const char *what, int64_t done, int64_t total,
				 int64_t rows)
{
	progress_draw(&((struct batch_sink *)s)->progress, what, done, total, 1, rows);
}

static void batch_free(struct rd_sink *s)
{
	struct batch_sink *b = (struct batch_sink *)s;
	progress_clear(&b->progress);
	sink_free(b->inner);
	free(b);
}

static const struct rd_sink_ops batch_ops = {
	.begin = batch_begin,
	.end = batch_end,
	.table_begin = batch_table_begin,
	.row = batch_row,
	.table_end = batch_table_end,
	.field = batch_field,
	.message = batch_message,
	.diag = batch_diag,
	.progress = batch_progress,
	.progress_bytes = batch_progress_bytes,
	.free = batch_free,
};

struct rd_sink *batch_sink_new(FILE *out, FILE *progress_out, int json)
{
	struct batch_sink *b = rd_calloc(1, sizeof *b);
	b->base.ops = &batch_ops;
	b->inner = json ? json_sink_new(out) : sink_text_new(out);
	b->json = json;
	b->progress.out = progress_out;
	return &b->base;
}
