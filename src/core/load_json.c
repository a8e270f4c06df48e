/* JSON readers: an array of objects (parsed one element at a time, so each record knows
 * the line it starts on and memory stays at one element), and NDJSON. Numbers become
 * their text, null an empty cell. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "load_internal.h"
#include "riskdesk/util.h"

struct json_state {
	struct load_in *in;    /* receives the records */
	const char *data;      /* the whole file */
	size_t len;            /* its bytes */
	size_t pos;            /* next byte to read */
	int64_t line;          /* line of data[pos] */
	struct load_field *f;  /* cells by column index */
	int cap;               /* room in f */
	struct rd_buf nums;    /* the text of the element's numbers, back to back */
};

static int64_t count_lines(const char *s, size_t n)
{
	int64_t k = 0;
	const char *end = s + n;
	while ((s = memchr(s, '\n', (size_t)(end - s))) != NULL) {
		k++;
		s++;
	}
	return k;
}

static void skip_space(struct json_state *js)
{
	while (js->pos < js->len) {
		char c = js->data[js->pos];
		if (c == '\n')
			js->line++;
		else if (c != ' ' && c != '\t' && c != '\r')
			break;
		js->pos++;
	}
}

static const char *type_name(const cJSON *v)
{
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsNull(v))
		return "null";
	return "a value";
}

static void ensure_cap(struct json_state *js, int n)
{
	if (n <= js->cap)
		return;
	int old = js->cap;
	while (js->cap < n)
		js->cap = js->cap ? js->cap * 2 : 64;
	js->f = rd_realloc(js->f, (size_t)js->cap * sizeof *js->f);
	for (int i = old; i < js->cap; i++)
		js->f[i] = (struct load_field){.s = "", .len = 0};
}

/* Hands one parsed element to the loader. */
static int emit(struct json_state *js, const cJSON *obj, int64_t line, const char *raw,
		size_t raw_len)
{
	if (!cJSON_IsObject(obj))
		return load_fail(js->in, line, "expected an object, found %s", type_name(obj));
	/* Numbers first, so the buffer no longer moves when cells point into it. */
	buf_reset(&js->nums);
	for (const cJSON *c = obj->child; c; c = c->next) {
		if (cJSON_IsNumber(c)) {
			buf_json_number(&js->nums, c->valuedouble);
			buf_putc(&js->nums, '\0');
		}
	}
	int n = load_ncolumns(js->in);
	ensure_cap(js, n);
	for (int i = 0; i < n; i++)
		js->f[i] = (struct load_field){.s = "", .len = 0};
	size_t numoff = 0;
	for (const cJSON *c = obj->child; c; c = c->next) {
		int col = load_column(js->in, c->string, strlen(c->string), line);
		if (col < 0)
			return LOAD_FAIL;
		ensure_cap(js, col + 1);
		struct load_field *cell = &js->f[col];
		cell->nested = 0;
		if (cJSON_IsString(c)) {
			cell->s = c->valuestring;
			cell->len = strlen(c->valuestring);
		} else if (cJSON_IsNumber(c)) {
			cell->s = js->nums.data + numoff;
			cell->len = strlen(cell->s);
			numoff += cell->len + 1;
		} else if (cJSON_IsBool(c)) {
			cell->s = cJSON_IsTrue(c) ? "true" : "false";
			cell->len = strlen(cell->s);
		} else if (cJSON_IsNull(c)) {
			cell->s = "";
			cell->len = 0;
		} else {
			cell->s = "";
			cell->len = 0;
			cell->nested = 1;
		}
	}
	n = load_ncolumns(js->in);
	struct load_rec rec = {.line = line, .pos = (int64_t)js->pos, .f = js->f, .nf = n,
			       .raw = raw, .raw_len = raw_len};
	return load_row(js->in, &rec);
}

/* Parses the value at js->pos; on success moves past it (and the blanks cJSON skips). */
static cJSON *parse_value(struct json_state *js, size_t *raw_len)
{
	const char *start = js->data + js->pos, *end = NULL;
	cJSON *v = cJSON_ParseWithLengthOpts(start, js->len - js->pos, &end, 0);
	if (!v) {
		size_t at = end && end >= start && end <= js->data + js->len ? (size_t)(end - start) : 0;
		load_fail(js->in, js->line + count_lines(start, at), "invalid JSON");
		return NULL;
	}
	size_t n = (size_t)(end - start), raw = n;
	while (raw > 0 && (start[raw - 1] == ' ' || start[raw - 1] == '\t' ||
			   start[raw - 1] == '\r' || start[raw - 1] == '\n'))
		raw--;
	*raw_len = raw;
	js->line += count_lines(start, n);
	js->pos += n;
	return v;
}

static int read_array(struct json_state *js)
{
	skip_space(js);
	if (js->pos == js->len)
		return load_fail(js->in, 0, "empty file, expected a JSON array of objects");
	if (js->data[js->pos] != '[')
		return load_fail(js->in, js->line, "expected a JSON array of objects ('[')");
	js->pos++;
	skip_space(js);
	int rc = LOAD_GO;
	if (js->pos < js->len && js->data[js->pos] == ']') {
		js->pos++;
	} else {
		for (;;) {
			skip_space(js);
			int64_t line = js->line;
			const char *raw = js->data + js->pos;
			size_t raw_len;
			cJSON *v = parse_value(js, &raw_len);
			if (!v)
				return LOAD_FAIL;
			rc = emit(js, v, line, raw, raw_len);
			cJSON_Delete(v);
			if (rc != LOAD_GO)
				return rc;
			skip_space(js);
			if (js->pos == js->len)
				return load_fail(js->in, js->line, "the JSON array is never closed (']')");
			char c = js->data[js->pos++];
			if (c == ']')
				break;
			if (c != ',')
				return load_fail(js->in, js->line,
						 "expected ',' or ']' after an element of the array");
		}
	}
	skip_space(js);
	if (js->pos != js->len)
		return load_fail(js->in, js->line, "unexpected text after the JSON array");
	return rc;
}

static int read_lines(struct json_state *js)
{
	int rc = LOAD_GO;
	int64_t seen = 0;
	while (js->pos < js->len && rc == LOAD_GO) {
		const char *s = js->data + js->pos;
		const char *nl = memchr(s, '\n', js->len - js->pos);
		size_t n = nl ? (size_t)(nl - s) : js->len - js->pos;
		int64_t line = js->line;
		size_t b = 0;
		while (b < n && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r'))
			b++;
		if (b < n) {
			const char *end = NULL;
			cJSON *v = cJSON_ParseWithLengthOpts(s + b, n - b, &end, 0);
			if (!v)
				return load_fail(js->in, line, "invalid JSON");
			for (const char *p = end; p < s + n; p++) {
				if (*p != ' ' && *p != '\t' && *p != '\r') {
					cJSON_Delete(v);
					return load_fail(js->in, line, "more than one JSON value on the line");
				}
			}
			size_t raw_len = (size_t)(end - (s + b));
			while (raw_len > 0 && (s[b + raw_len - 1] == ' ' || s[b + raw_len - 1] == '\t' ||
					       s[b + raw_len - 1] == '\r'))
				raw_len--;
			js->pos += nl ? n + 1 : n;
			js->line++;
			seen++;
			rc = emit(js, v, line, s + b, raw_len);
			cJSON_Delete(v);
			continue;
		}
		js->pos += nl ? n + 1 : n;
		js->line++;
	}
	if (rc == LOAD_GO && seen == 0)
		return load_fail(js->in, 0, "empty file, expected JSON objects, one a line");
	return rc;
}

int load_json_read(struct load_in *in, const char *data, size_t len, int ndjson)
{
	struct json_state js = {.in = in, .data = data, .len = len, .line = 1};
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		js.pos = 3;
	int rc = ndjson ? read_lines(&js) : read_array(&js);
	free(js.f);
	buf_free(&js.nums);
	return rc;
}
