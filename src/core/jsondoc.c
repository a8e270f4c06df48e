/* Strict JSON documents (include/riskdesk/jsondoc.h). */
#include "riskdesk/jsondoc.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NUMBER_MAX 63 /* cJSON reads at most 63 characters of a number */

struct lexer {
	const char *p, *end;
	const char *why; /* set with p at the fault */
	int depth;
};

static int fault(struct lexer *x, const char *why)
{
	x->why = why;
	return -1;
}

static void skip_space(struct lexer *x)
{
	while (x->p < x->end && (*x->p == ' ' || *x->p == '\t' || *x->p == '\n' || *x->p == '\r'))
		x->p++;
}

static int hex4(const char *p, const char *end, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		if (p + i >= end)
			return -1;
		char c = p[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (d < 0)
			return -1;
		v = v * 16 + (unsigned)d;
	}
	*out = v;
	return 0;
}

static int lex_string(struct lexer *x)
{
	const char *start = ++x->p;
	while (x->p < x->end && *x->p != '"') {
		unsigned char c = (unsigned char)*x->p;
		if (c < 0x20)
			return fault(x, "a control character in a string (write it as an escape)");
		if (c != '\\') {
			x->p++;
			continue;
		}
		const char *esc = x->p++;
		if (x->p == x->end)
			break;
		if (strchr("\"\\/bfnrt", *x->p) && *x->p) {
			x->p++;
			continue;
		}
		unsigned u, lo;
		if (*x->p != 'u' || hex4(x->p + 1, x->end, &u)) {
			x->p = esc;
			return fault(x, "a bad escape in a string");
		}
		x->p += 5;
		if (u == 0) {
			x->p = esc;
			return fault(x, "\\u0000 (NUL) in a string");
		}
		if (u >= 0xdc00 && u <= 0xdfff) {
			x->p = esc;
			return fault(x, "a lone low surrogate in a string");
		}
		if (u >= 0xd800 && u <= 0xdbff) {
			if (x->end - x->p < 6 || x->p[0] != '\\' || x->p[1] != 'u' ||
			    hex4(x->p + 2, x->end, &lo) || lo < 0xdc00 || lo > 0xdfff) {
				x->p = esc;
				return fault(x,
					     "a high surrogate without its low half in a string");
			}
			x->p += 6;
		}
	}
	if (x->p == x->end)
		return fault(x, "the text ends inside a string");
	if (!utf8_valid(start, (size_t)(x->p - start))) {
		x->p = start - 1;
		return fault(x, "invalid UTF-8 in a string");
	}
	x->p++;
	return 0;
}

static int is_digit(const struct lexer *x)
{
	return x->p < x->end && *x->p >= '0' && *x->p <= '9';
}

static int lex_number(struct lexer *x)
{
	const char *start = x->p;
	if (*x->p == '-')
		x->p++;
	if (!is_digit(x))
		return fault(x, "a digit must follow '-'");
	if (*x->p == '0') {
		x->p++;
		if (is_digit(x))
			return fault(x, "a number with a leading zero");
	}
	while (is_digit(x))
		x->p++;
	if (x->p < x->end && *x->p == '.') {
		x->p++;
		if (!is_digit(x))
			return fault(x, "a digit must follow the decimal point");
		while (is_digit(x))
			x->p++;
	}
	if (x->p < x->end && (*x->p == 'e' || *x->p == 'E')) {
		x->p++;
		if (x->p < x->end && (*x->p == '+' || *x->p == '-'))
			x->p++;
		if (!is_digit(x))
			return fault(x, "a digit must follow the exponent's 'e'");
		while (is_digit(x))
			x->p++;
	}
	size_t n = (size_t)(x->p - start);
	if (n > NUMBER_MAX) {
		x->p = start;
		return fault(x, "a number longer than 63 characters");
	}
	char buf[NUMBER_MAX + 1];
	memcpy(buf, start, n);
	buf[n] = '\0';
	if (isinf(strtod(buf, NULL))) {
		x->p = start;
		return fault(x, "a number beyond the range of a double");
	}
	return 0;
}

static int lex_value(struct lexer *x);

/* An object or an array, from its opening bracket. */
static int lex_container(struct lexer *x)
{
	char close = *x->p == '{' ? '}' : ']';
	if (++x->depth > JSONDOC_MAX_DEPTH)
		return fault(x, "nesting deeper than 256 arrays and objects");
	x->p++;
	skip_space(x);
	if (x->p < x->end && *x->p == close) {
		x->p++;
		x->depth--;
		return 0;
	}
	for (;;) {
		skip_space(x);
		if (close == '}') {
			if (x->p == x->end)
				return fault(x, "the text ends inside an object");
			if (*x->p != '"')
				return fault(x, "a key (a string in double quotes) was expected");
			if (lex_string(x))
				return -1;
			skip_space(x);
			if (x->p == x->end)
				return fault(x, "the text ends inside an object");
			if (*x->p != ':')
				return fault(x, "':' was expected after the key");
			x->p++;
		}
		if (lex_value(x))
			return -1;
		skip_space(x);
		if (x->p == x->end)
			return fault(x, close == '}' ? "the text ends inside an object"
						     : "the text ends inside an array");
		if (*x->p == close)
			break;
		if (*x->p != ',')
			return fault(x, close == '}' ? "',' or '}' was expected"
						     : "',' or ']' was expected");
		x->p++;
	}
	x->p++;
	x->depth--;
	return 0;
}

static int lex_literal(struct lexer *x, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(x->end - x->p) < n || memcmp(x->p, word, n) != 0)
		return fault(x, "a value was expected (NaN and Infinity are not JSON)");
	x->p += n;
	return 0;
}

static int lex_value(struct lexer *x)
{
	skip_space(x);
	if (x->p == x->end)
		return fault(x, "the text ends where a value was expected");
	switch (*x->p) {
	case '{':
	case '[': return lex_container(x);
	case '"': return lex_string(x);
	case 't': return lex_literal(x, "true");
	case 'f': return lex_literal(x, "false");
	case 'n': return lex_literal(x, "null");
	default:
		if (*x->p == '-' || (*x->p >= '0' && *x->p <= '9'))
			return lex_number(x);
		return fault(x, "a value was expected (NaN and Infinity are not JSON)");
	}
}

/* "NAME:LINE:COLUMN: invalid JSON: WHY", the column in characters. */
static void set_position_error(const char *text, const char *at, const char *name, const char *why,
			       struct rd_err *err)
{
	long long line = 1, col = 1;
	for (const char *p = text; p < at; p++) {
		if (*p == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)*p & 0xc0) != 0x80) {
			col++;
		}
	}
	rd_err_set(err, "%s:%lld:%lld: invalid JSON: %s", name, line, col, why);
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Refuses a key that appears twice in one object, naming the path to it. */
static int check_keys(const cJSON *node, char *path, size_t len, size_t cap, const char *name,
		      struct rd_err *err)
{
	if (!cJSON_IsObject(node) && !cJSON_IsArray(node))
		return 0;
	int n = 0, rc = 0;
	for (const cJSON *c = node->child; c; c = c->next)
		n++;
	if (cJSON_IsObject(node) && n > 1) {
		const char **keys = rd_malloc((size_t)n * sizeof *keys);
		int k = 0;
		for (const cJSON *c = node->child; c; c = c->next)
			keys[k++] = c->string;
		qsort(keys, (size_t)n, sizeof *keys, cmp_key);
		for (k = 1; k < n && rc == 0; k++) {
			if (strcmp(keys[k - 1], keys[k]) == 0) {
				rd_err_set(err, "%s: key '%.200s' appears twice in %s", name,
					   keys[k], len ? path : "the top-level object");
				rc = -1;
			}
		}
		free(keys);
	}
	int i = 0;
	for (const cJSON *c = node->child; c && rc == 0; c = c->next, i++) {
		if (!cJSON_IsObject(c) && !cJSON_IsArray(c))
			continue;
		int w = cJSON_IsObject(node)
				? snprintf(path + len, cap - len, "%s%s", len ? "." : "", c->string)
				: snprintf(path + len, cap - len, "[%d]", i);
		size_t next = w < 0 || (size_t)w >= cap - len ? cap - 1 : len + (size_t)w;
		rc = check_keys(c, path, next, cap, name, err);
		path[len] = '\0';
	}
	return rc;
}

struct cJSON *jsondoc_parse(const char *text, size_t len, const char *name, struct rd_err *err)
{
	if (!text) {
		rd_err_set(err, "%s: no JSON text", name);
		return NULL;
	}
	struct lexer x = {.p = text, .end = text + len};
	if (lex_value(&x) == 0) {
		skip_space(&x);
		if (x.p != x.end)
			fault(&x, "unexpected text after the JSON value");
	}
	if (x.why) {
		set_position_error(text, x.p, name, x.why, err);
		return NULL;
	}
	cJSON *doc = cJSON_ParseWithLength(text, len);
	if (!doc) {
		rd_err_set(err, "%s: invalid JSON (out of memory?)", name);
		return NULL;
	}
	char path[256] = "";
	if (check_keys(doc, path, 0, sizeof path, name, err)) {
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
}

/* The end of the value at p in a checked document: its structure only, nothing validated
 * again (the walk must not cost what the check did). */
static const char *skip_string(const char *p, const char *end)
{
	for (p++; p < end && *p != '"'; p++)
		if (*p == '\\' && p + 1 < end)
			p++;
	return p < end ? p + 1 : end;
}

static const char *skip_value(const char *p, const char *end)
{
	if (p < end && *p == '"')
		return skip_string(p, end);
	if (p < end && (*p == '[' || *p == '{')) {
		int depth = 0;
		while (p < end) {
			if (*p == '"') {
				p = skip_string(p, end);
				continue;
			}
			if (*p == '[' || *p == '{')
				depth++;
			else if ((*p == ']' || *p == '}') && --depth == 0)
				return p + 1;
			p++;
		}
		return end;
	}
	while (p < end && !strchr(",]} \t\n\r", *p))
		p++;
	return p;
}

int jsondoc_begin(struct jsondoc_iter *it, struct jsondoc_span v)
{
	*it = (struct jsondoc_iter){.p = v.p, .end = v.p + v.n, .done = 1};
	if (!v.n || (*v.p != '[' && *v.p != '{'))
		return -1;
	it->close = *v.p == '[' ? ']' : '}';
	it->p++;
	it->done = 0;
	return 0;
}

int jsondoc_next(struct jsondoc_iter *it, struct jsondoc_span *key, struct jsondoc_span *value)
{
	struct lexer x = {.p = it->p, .end = it->end};
	if (it->done)
		return 0;
	it->done = 1;
	skip_space(&x);
	if (x.p < x.end && *x.p == ',')
		x.p++;
	skip_space(&x);
	if (x.p == x.end || *x.p == it->close)
		return 0;
	if (it->close == '}') {
		if (*x.p != '"')
			return 0;
		const char *k = x.p;
		x.p = skip_string(x.p, x.end);
		if (key)
			*key = (struct jsondoc_span){k, (size_t)(x.p - k)};
		skip_space(&x);
		if (x.p == x.end || *x.p != ':')
			return 0;
		x.p++;
		skip_space(&x);
	} else if (key) {
		*key = (struct jsondoc_span){x.p, 0};
	}
	const char *start = x.p;
	x.p = skip_value(x.p, x.end);
	if (x.p == start)
		return 0;
	*value = (struct jsondoc_span){start, (size_t)(x.p - start)};
	it->p = x.p;
	it->done = 0;
	return 1;
}

int jsondoc_key_is(struct jsondoc_span key, const char *name)
{
	size_t len = strlen(name);
	if (key.n < 2)
		return 0;
	if (!memchr(key.p, '\\', key.n))
		return key.n - 2 == len && memcmp(key.p + 1, name, len) == 0;
	struct rd_buf b = {0};
	int same = jsondoc_string(key, &b) == 0 && b.len == len && memcmp(b.data, name, len) == 0;
	buf_free(&b);
	return same;
}

int jsondoc_member(struct jsondoc_span v, const char *name, struct jsondoc_span *out)
{
	struct jsondoc_iter it;
	struct jsondoc_span key, value;
	if (jsondoc_begin(&it, v) || it.close != '}')
		return -1;
	while (jsondoc_next(&it, &key, &value)) {
		if (jsondoc_key_is(key, name)) {
			*out = value;
			return 0;
		}
	}
	return -1;
}

int jsondoc_number(struct jsondoc_span v, double *out)
{
	char buf[NUMBER_MAX + 1];
	if (!v.n || v.n > NUMBER_MAX || !(*v.p == '-' || (*v.p >= '0' && *v.p <= '9')))
		return -1;
	memcpy(buf, v.p, v.n);
	buf[v.n] = '\0';
	*out = strtod(buf, NULL);
	return 0;
}

int jsondoc_string(struct jsondoc_span v, struct rd_buf *out)
{
	if (v.n < 2 || *v.p != '"')
		return -1;
	if (!memchr(v.p, '\\', v.n)) {
		buf_append(out, v.p + 1, v.n - 2);
		return 0;
	}
	cJSON *s = cJSON_ParseWithLength(v.p, v.n); /* escapes are cJSON's to decode */
	int rc = cJSON_IsString(s) ? 0 : -1;
	if (rc == 0)
		buf_puts(out, s->valuestring);
	cJSON_Delete(s);
	return rc;
}

const char *jsondoc_object_problem(const char *s, size_t len)
{
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts(s, len, &end, 0);
	const char *why = NULL;
	if (!j)
		why = "is not valid JSON";
	else if (!cJSON_IsObject(j))
		why = "is not a JSON object ({...})";
	else
		for (; end && end < s + len && !why; end++)
			if (*end != ' ' && *end != '\t' && *end != '\r' && *end != '\n')
				why = "has text after its JSON object";
	cJSON_Delete(j);
	return why;
}

const char *jsondoc_echo(const cJSON *v, char out[RD_ECHO_SIZE])
{
	if (cJSON_IsString(v))
		return rd_echo(out, v->valuestring, strlen(v->valuestring));
	if (cJSON_IsNumber(v)) {
		snprintf(out, RD_ECHO_SIZE, "%.17g", v->valuedouble);
		return out;
	}
	snprintf(out, RD_ECHO_SIZE, "%s",
		 cJSON_IsNull(v)     ? "null"
		 : cJSON_IsBool(v)   ? "a boolean"
		 : cJSON_IsArray(v)  ? "an array"
		 : cJSON_IsObject(v) ? "an object"
				     : "a value");
	return out;
}
