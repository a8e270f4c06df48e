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

#endif
