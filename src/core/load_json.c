/* JSON readers: an array of objects (parsed one element at a time, so each record knows
 * the line it starts on and memory stays at one element), and NDJSON. Strings are taken
 * as cJSON decodes them; numbers keep their text as written (cJSON would make them
 * doubles: 9007199254740993 would become ...992), read back from the element's text;
 * null is an empty cell; an object or an array is its text, marked nested. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_internal.h"
#include "riskdesk/util.h"

/* Where one member of an object lies in its text. */
struct json_member {
	size_t key, key_end; /* the key, quotes included */
	size_t val, val_end; /* the value (a string with its quotes) */
};

/* A column's last use, to find a key given twice in one object. */
struct json_seen {
	int64_t element;  /* the element that last used the column */
	const char *name; /* its key there (valid while that element is the current one) */
};

struct json_state {
	struct load_in *in;     /* receives the records */
	const char *data;       /* the whole file */
	size_t len;             /* its bytes */
	size_t pos;             /* next byte to read */
	int64_t line;           /* line of data[pos] */
	struct load_field *f;   /* cells by column index */
	int cap;                /* room in f */
	struct json_member *m;  /* the current element's members, in document order */
	int mcap;               /* room in m */
	struct json_seen *seen; /* by column index */
	int seencap;            /* room in seen */
	int64_t element;        /* elements read so far */
	struct rd_buf problem;  /* what is wrong with the current record as a whole */
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

static size_t skip_blank(const char *s, size_t i, size_t n)
{
	while (i < n && (unsigned char)s[i] <= ' ') /* what cJSON skips between tokens */
		i++;
	return i;
}

/* The end of the string whose opening quote is s[i]: just past its closing quote. */
static size_t string_end(const char *s, size_t i, size_t n)
{
	for (i++; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return n;
}

/* The end of the value starting at s[i]. */
static size_t value_end(const char *s, size_t i, size_t n)
{
	if (i < n && s[i] == '"')
		return string_end(s, i, n);
	if (i < n && (s[i] == '{' || s[i] == '[')) {
		size_t depth = 0;
		while (i < n) {
			if (s[i] == '"') {
				i = string_end(s, i, n);
				continue;
			}
			if (s[i] == '{' || s[i] == '[')
				depth++;
			else if ((s[i] == '}' || s[i] == ']') && --depth == 0)
				return i + 1;
			i++;
		}
		return n;
	}
	while (i < n && (unsigned char)s[i] > ' ' && s[i] != ',' && s[i] != '}' && s[i] != ']')
		i++;
	return i;
}

/* Splits the text of an object cJSON accepted into its members: one pass, so the text is
 * known to be valid here. cJSON keeps members in document order: member k is child k.
 * Returns the number of members. */
static int split_members(struct json_state *js, const char *s, size_t n)
{
	int k = 0;
	size_t i = skip_blank(s, 0, n) + 1; /* past the '{' */
	for (;;) {
		i = skip_blank(s, i, n);
		if (i >= n || s[i] != '"')
			break; /* the closing '}' */
		if (k == js->mcap) {
			js->mcap = js->mcap ? js->mcap * 2 : 64;
			js->m = rd_realloc(js->m, (size_t)js->mcap * sizeof *js->m);
		}
		struct json_member *m = &js->m[k++];
		m->key = i;
		m->key_end = i = string_end(s, i, n);
		i = skip_blank(s, skip_blank(s, i, n) + 1, n); /* past the ':' */
		m->val = i;
		m->val_end = i = value_end(s, i, n);
		i = skip_blank(s, i, n);
		if (i < n && s[i] == ',')
			i++;
	}
	return k;
}

/* Adds to what is wrong with the current record. */
static void problem(struct json_state *js, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void problem(struct json_state *js, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (js->problem.len)
		buf_puts(&js->problem, "; ");
	buf_puts(&js->problem, msg);
}

static void ensure_seen(struct json_state *js, int n)
{
	if (n <= js->seencap)
		return;
	int old = js->seencap;
	while (js->seencap < n)
		js->seencap = js->seencap ? js->seencap * 2 : 64;
	js->seen = rd_realloc(js->seen, (size_t)js->seencap * sizeof *js->seen);
	for (int i = old; i < js->seencap; i++)
		js->seen[i] = (struct json_seen){.element = 0};
}

/* Hands one parsed element (raw: its text) to the loader. */
static int emit(struct json_state *js, const cJSON *obj, int64_t line, const char *raw,
		size_t raw_len)
{
	char e1[RD_ECHO_SIZE], e2[RD_ECHO_SIZE];
	const char *z = memchr(raw, '\0', raw_len);
	if (z) {
		/* cJSON reads a NUL byte as a blank, or keeps it in a string it then cuts. */
		const char *bol = z;
		while (bol > raw && bol[-1] != '\n')
			bol--;
		return load_fail(js->in, line + count_lines(raw, (size_t)(z - raw)),
				 "invalid JSON: a NUL byte at column %zu", (size_t)(z - bol) + 1);
	}
	if (!cJSON_IsObject(obj))
		return load_fail(js->in, line, "expected an object, found %s", type_name(obj));
	int nm = split_members(js, raw, raw_len), k = 0;
	int64_t el = ++js->element;
	buf_reset(&js->problem);
	int n = load_ncolumns(js->in);
	ensure_cap(js, n);
	for (int i = 0; i < n; i++)
		js->f[i] = (struct load_field){.s = "", .len = 0};
	for (const cJSON *c = obj->child; c; c = c->next, k++) {
		if (k >= nm) /* cannot happen: the text is the one cJSON parsed */
			return load_fail(js->in, line, "invalid JSON");
		const struct json_member *m = &js->m[k];
		const char *key = raw + m->key, *val = raw + m->val;
		size_t klen = m->key_end - m->key, vlen = m->val_end - m->val;
		if (klen < 2) /* cannot happen either: a key is a whole string */
			return load_fail(js->in, line, "invalid JSON");
		if (json_nul_at(key, klen) >= 0) {
			/* cJSON's key ends at the NUL: it would name another column. */
			problem(js, "key %s contains \\u0000 (a NUL character)",
				rd_echo(e1, key + 1, klen - 2));
			continue;
		}
		int col = load_column(js->in, c->string, strlen(c->string), line);
		if (col < 0)
			return LOAD_FAIL;
		ensure_cap(js, col + 1);
		ensure_seen(js, col + 1);
		struct json_seen *seen = &js->seen[col];
		if (seen->element == el) {
			const char *first = seen->name;
			if (strcmp(first, c->string) == 0)
				problem(js, "key %s appears twice in the object",
					rd_echo(e1, c->string, strlen(c->string)));
			else
				problem(js, "keys %s and %s name one column (names ignore case)",
					rd_echo(e1, first, strlen(first)),
					rd_echo(e2, c->string, strlen(c->string)));
			continue;
		}
		seen->element = el;
		seen->name = c->string;
		struct load_field *cell = &js->f[col];
		*cell = (struct load_field){.s = "", .len = 0};
		if (cJSON_IsString(c)) {
			if (vlen >= 2 && json_nul_at(val, vlen) >= 0) {
				/* Shown as written: cJSON's copy ends at the NUL. */
				*cell = (struct load_field){.s = val + 1,
							    .len = vlen - 2,
							    .bad = "contains \\u0000 (a NUL "
								   "character)"};
			} else {
				cell->s = c->valuestring;
				cell->len = strlen(c->valuestring);
			}
		} else if (cJSON_IsNumber(c)) {
			/* The literal, not cJSON's double: ids keep every digit. */
			cell->s = val;
			cell->len = vlen;
			if (!isfinite(c->valuedouble))
				cell->bad = "is out of the range of a number (beyond 1.8e308)";
		} else if (cJSON_IsBool(c)) {
			cell->s = cJSON_IsTrue(c) ? "true" : "false";
			cell->len = strlen(cell->s);
		} else if (!cJSON_IsNull(c)) {
			/* An object or an array, as written: a JSON column takes it (an external
			 * record's payload), any other refuses it (load.c). */
			cell->s = val;
			cell->len = vlen;
			cell->nested = 1;
		}
	}
	n = load_ncolumns(js->in);
	struct load_rec rec = {.line = line,
			       .pos = (int64_t)js->pos,
			       .f = js->f,
			       .nf = n,
			       .raw = raw,
			       .raw_len = raw_len,
			       .bad = js->problem.len ? js->problem.data : NULL};
	return load_row(js->in, &rec);
}

/* Parses the value at js->pos; on success moves past it (and the blanks cJSON skips). */
static cJSON *parse_value(struct json_state *js, size_t *raw_len)
{
	const char *start = js->data + js->pos, *end = NULL;
	cJSON *v = cJSON_ParseWithLengthOpts(start, js->len - js->pos, &end, 0);
	if (!v) {
		size_t at = end && end >= start && end <= js->data + js->len ? (size_t)(end - start)
									     : 0;
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
				return load_fail(js->in, js->line,
						 "the JSON array is never closed (']')");
			char c = js->data[js->pos++];
			if (c == ']')
				break;
			if (c != ',')
				return load_fail(js->in, js->line,
						 "expected ',' or ']' after an element of the "
						 "array");
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
					return load_fail(js->in, line,
							 "more than one JSON value on the line");
				}
			}
			size_t raw_len = (size_t)(end - (s + b));
			while (raw_len > 0 &&
			       (s[b + raw_len - 1] == ' ' || s[b + raw_len - 1] == '\t' ||
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
	free(js.m);
	free(js.seen);
	buf_free(&js.problem);
	return rc;
}
