/* JSON documents read strictly, for files that must mean one thing to every reader (model
 * files, the rules model, XGBoost's booster): RFC 8259 syntax checked before cJSON builds
 * the tree, so a bad text is named by line and column; then duplicate keys refused, since
 * cJSON, SQLite and libxgboost would not agree on which one counts. */
#ifndef RISKDESK_JSONDOC_H
#define RISKDESK_JSONDOC_H

#include <stddef.h>

#include "riskdesk/util.h"

struct cJSON;

#define JSONDOC_MAX_DEPTH 256 /* nested arrays and objects */

/* Parses text[0..len) as one JSON value, with only white space after it. Refused, with err
 * "NAME:LINE:COLUMN: invalid JSON: WHY" (the column counts characters from 1): any syntax
 * error (a truncated text says where it ends), NaN or Infinity, a number beyond a double's
 * range or longer than 63 characters, \u0000 or a control character or invalid UTF-8 in a
 * string, nesting deeper than JSONDOC_MAX_DEPTH; and "NAME: key 'K' appears twice in PATH".
 * The caller frees the tree with cJSON_Delete. */
struct cJSON *jsondoc_parse(const char *text, size_t len, const char *name, struct rd_err *err);

/* A value of a document for a message: 'text' (rd_echo), a number (%.17g), or its JSON type
 * ("an array", "null", ...). Returns out. */
const char *jsondoc_echo(const struct cJSON *v, char out[RD_ECHO_SIZE]);

/* What is wrong with text[0..len) as an external record's payload, or NULL: it must be
 * one JSON object as cJSON reads it (the loader's and `refresh stale`'s rule), with only
 * white space after it. "is not valid JSON", "is not a JSON object ({...})" or "has text
 * after its JSON object" (two objects, say). Static text. */
const char *jsondoc_object_problem(const char *text, size_t len);

/* Walking a stored, already checked document without building its tree, for documents too
 * large to hold as cJSON nodes (a scorecard of 500,000 bins): the spans of an array's
 * elements or an object's members, one at a time. */
struct jsondoc_span {
	const char *p; /* the value's text, from its first character */
	size_t n;
};

struct jsondoc_iter {
	const char *p, *end;
	char close; /* ']' or '}' */
	int done;
};

/* 0 when v is an array or an object, ready for jsondoc_next; -1 otherwise. */
int jsondoc_begin(struct jsondoc_iter *it, struct jsondoc_span v);
/* The next element (key NULL) or member: 1, or 0 at the end (or at text that is not JSON,
 * which a checked document does not have). key is the member's name with its quotes. */
int jsondoc_next(struct jsondoc_iter *it, struct jsondoc_span *key, struct jsondoc_span *value);
/* The member named name of object v; 0 and *out, or -1 (*out untouched) when there is none. */
int jsondoc_member(struct jsondoc_span v, const char *name, struct jsondoc_span *out);
/* Whether a member's key (with quotes, as jsondoc_next gives it) is name, escapes decoded. */
int jsondoc_key_is(struct jsondoc_span key, const char *name);
/* 0 and *out when v is a number. */
int jsondoc_number(struct jsondoc_span v, double *out);
/* Appends string v, decoded, to out; -1 (nothing appended) when v is not a string. */
int jsondoc_string(struct jsondoc_span v, struct rd_buf *out);

#endif
