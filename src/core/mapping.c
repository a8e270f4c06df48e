/* Dataset mappings: parsing and checking the JSON, and the small lookups the loader
 * needs. Every unknown key or bad value is an error naming the mapping file. */
#include "riskdesk/mapping.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "riskdesk/jsondoc.h"
#include "riskdesk/load.h"
#include "riskdesk/vocab.h"

#define MAPPING_MAX_BYTES (4 << 20) /* a mapping is a few hundred bytes; refuse nonsense */

static const char *const top_keys[] = {
	"description", "table", "header", "columns", "separator", "rename",  "recode", "defaults",
	"types",       "id",    "ignore", "outcome", "missing",   "special", "labels", NULL,
};
static const char *const outcome_keys[] = {"column", "recode", "observed_at", NULL};
static const char *const id_keys[] = {"format", NULL};
static const char *const label_keys[] = {"label", "values", NULL};

int mapping_name_eq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

int mapping_separator(const char *s, int *sep)
{
	if (strcmp(s, "whitespace") == 0 || strcmp(s, "space") == 0 || strcmp(s, " ") == 0) {
		*sep = MAPPING_WHITESPACE;
		return 0;
	}
	if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0 || strcmp(s, "\t") == 0) {
		*sep = '\t';
		return 0;
	}
	/* One printable ASCII byte; the quote and line ends would make the file unreadable. */
	if (strlen(s) == 1 && (unsigned char)s[0] > 0x20 && (unsigned char)s[0] < 0x7f &&
	    s[0] != '"') {
		*sep = (unsigned char)s[0];
		return 0;
	}
	return -1;
}

static const char *echo(char e[RD_ECHO_SIZE], const char *s)
{
	return rd_echo(e, s, strlen(s));
}

static void keys_list(struct rd_buf *b, const char *const *keys)
{
	for (int i = 0; keys[i]; i++) {
		if (strcmp(keys[i], "description") == 0)
			continue;
		if (b->len)
			buf_puts(b, ", ");
		buf_puts(b, keys[i]);
	}
}

/* Fails on any key of obj not in keys. where is "" for the top level or "'outcome': ". */
static int check_keys(const cJSON *obj, const char *const *keys, const char *name,
		      const char *where, struct rd_err *err)
{
	for (const cJSON *c = obj->child; c; c = c->next) {
		int known = 0;
		for (int i = 0; keys[i] && !known; i++)
			known = strcmp(c->string, keys[i]) == 0;
		if (!known) {
			struct rd_buf b = {0};
			keys_list(&b, keys);
			char e[RD_ECHO_SIZE];
			rd_err_set(err, "%s: %sunknown key %s (expected %s)", name, where,
				   echo(e, c->string), b.data);
			buf_free(&b);
			return -1;
		}
	}
	return 0;
}

/* The text of a scalar (string, number or boolean), or NULL. The caller frees it. A
 * number is read as cJSON's double: one out of range, or from 2^53 on, where a double no
 * longer keeps every integer, is NULL too (write such a value as a string). */
static char *scalar_text(const cJSON *v)
{
	if (cJSON_IsString(v))
		return rd_strdup(v->valuestring);
	if (cJSON_IsNumber(v)) {
		if (!isfinite(v->valuedouble) || fabs(v->valuedouble) >= 9007199254740992.0)
			return NULL;
		struct rd_buf b = {0};
		buf_json_number(&b, v->valuedouble);
		return buf_steal(&b);
	}
	if (cJSON_IsBool(v))
		return rd_strdup(cJSON_IsTrue(v) ? "true" : "false");
	return NULL;
}

/* A column name: not empty, and not only blanks (the loader trims names). */
static int column_name_ok(const char *s)
{
	return s[strspn(s, " \t")] != '\0';
}

static int nonempty_string(const cJSON *v)
{
	return cJSON_IsString(v) && column_name_ok(v->valuestring);
}

/* Fails when obj names a column twice (names match ignoring ASCII case), in linear time. */
static int distinct_columns(const cJSON *obj, const char *name, const char *key, struct rd_err *err)
{
	struct rd_strmap *seen = strmap_new((size_t)cJSON_GetArraySize(obj));
	struct rd_buf low = {0};
	int rc = 0;
	for (const cJSON *c = obj->child; c && rc == 0; c = c->next) {
		buf_reset(&low);
		for (const char *p = c->string; *p; p++)
			buf_putc(&low, *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p);
		if (!strmap_put(seen, low.data ? low.data : "", low.len, 0)) {
			char e[RD_ECHO_SIZE];
			rd_err_set(err, "%s: %s names %s twice", name, key, echo(e, c->string));
			rc = -1;
		}
	}
	buf_free(&low);
	strmap_free(seen);
	return rc;
}

/* A list of distinct non-empty column names. */
static int parse_names(const cJSON *v, const char *name, const char *key, char ***out, int *n,
		       struct rd_err *err)
{
	if (!cJSON_IsArray(v)) {
		rd_err_set(err, "%s: %s must be an array of column names", name, key);
		return -1;
	}
	int count = cJSON_GetArraySize(v);
	*out = rd_calloc((size_t)count + 1, sizeof **out);
	*n = 0;
	for (const cJSON *c = v->child; c; c = c->next) {
		if (!nonempty_string(c)) {
			rd_err_set(err,
				   "%s: %s item %d must be a column name (a string, not empty"
				   " or blank)",
				   name, key, *n + 1);
			return -1;
		}
		for (int i = 0; i < *n; i++) {
			if (mapping_name_eq((*out)[i], c->valuestring)) {
				char e[RD_ECHO_SIZE];
				rd_err_set(err, "%s: %s names %s twice", name, key,
					   echo(e, c->valuestring));
				return -1;
			}
		}
		(*out)[(*n)++] = rd_strdup(c->valuestring);
	}
	return 0;
}

enum {
	PAIR_KEY_COLUMN = 1,   /* the keys are column names: not blank, not twice */
	PAIR_VALUE_COLUMN = 2, /* the values are column names; else scalars */
};

/* An object of key -> scalar; what keys and values are: PAIR_* flags. */
static int parse_pairs(const cJSON *v, const char *name, const char *key, int kind,
		       struct mapping_pair **out, int *n, struct rd_err *err)
{
	char e[RD_ECHO_SIZE];
	if (!cJSON_IsObject(v)) {
		rd_err_set(err, "%s: %s must be an object", name, key);
		return -1;
	}
	if ((kind & PAIR_KEY_COLUMN) && distinct_columns(v, name, key, err))
		return -1;
	*out = rd_calloc((size_t)cJSON_GetArraySize(v) + 1, sizeof **out);
	*n = 0;
	for (const cJSON *c = v->child; c; c = c->next) {
		if ((kind & PAIR_KEY_COLUMN) && !column_name_ok(c->string)) {
			/* It would make an attribute without a name. */
			rd_err_set(err, "%s: %s: the key %s is not a column name (empty or blank)",
				   name, key, echo(e, c->string));
			return -1;
		}
		char *to = kind & PAIR_VALUE_COLUMN
				   ? (nonempty_string(c) ? rd_strdup(c->valuestring) : NULL)
				   : scalar_text(c);
		if (!to) {
			rd_err_set(err, "%s: %s: the value of %s must be %s", name, key,
				   echo(e, c->string),
				   kind & PAIR_VALUE_COLUMN ? "a column name (not empty or blank)"
				   : cJSON_IsNumber(c) ? "a number within ±2^53 (write others as a"
							 " string)"
						       : "a string or a number");
			return -1;
		}
		(*out)[*n].from = rd_strdup(c->string);
		(*out)[*n].to = to;
		(*n)++;
	}
	return 0;
}

/* key names the object in messages: 'recode'.'class' or 'outcome'.'recode'. */
static int parse_recode(const cJSON *v, const char *name, const char *column, const char *key,
			struct mapping_recode *r, struct rd_err *err)
{
	r->column = rd_strdup(column);
	if (parse_pairs(v, name, key, 0, &r->pairs, &r->npairs, err))
		return -1;
	r->index = strmap_new((size_t)r->npairs);
	for (int i = 0; i < r->npairs; i++) {
		if (!strmap_put(r->index, r->pairs[i].from, strlen(r->pairs[i].from), i)) {
			char e[RD_ECHO_SIZE];
			rd_err_set(err, "%s: %s recodes %s twice", name, key,
				   echo(e, r->pairs[i].from));
			return -1;
		}
	}
	return 0;
}

/* "G%04d": literal text, exactly one %d with an optional 0 flag and width, %% for '%'. */
static int parse_id_format(struct rd_mapping *m, const char *f, struct rd_err *err)
{
	struct rd_buf pre = {0}, post = {0};
	char e[RD_ECHO_SIZE];
	int convs = 0, rc = -1;
	for (const char *p = f; *p; p++) {
		struct rd_buf *b = convs ? &post : &pre;
		if (*p != '%') {
			buf_putc(b, *p);
			continue;
		}
		if (p[1] == '%') {
			buf_putc(b, '%');
			p++;
			continue;
		}
		p++;
		int zero = 0, width = 0, digits = 0;
		if (*p == '0') {
			zero = 1;
			p++;
		}
		while (*p >= '0' && *p <= '9' && digits < 3) {
			width = width * 10 + (*p++ - '0');
			digits++;
		}
		if (*p != 'd' && *p != 'i' && *p != 'u') {
			rd_err_set(err,
				   "%s: 'id'.'format' %s: only %%d (with an optional 0 and width,"
				   " like %%04d) and %%%% may follow a %%",
				   m->name, echo(e, f));
			goto out;
		}
		if (width > 20) {
			rd_err_set(err, "%s: 'id'.'format' %s: the width is at most 20", m->name,
				   echo(e, f));
			goto out;
		}
		if (++convs > 1) {
			rd_err_set(err, "%s: 'id'.'format' %s has more than one %%d", m->name,
				   echo(e, f));
			goto out;
		}
		m->id_zero = zero;
		m->id_width = width;
	}
	if (convs != 1) {
		rd_err_set(err, "%s: 'id'.'format' %s needs one %%d for the row number", m->name,
			   echo(e, f));
		goto out;
	}
	if (pre.len + post.len > 200) {
		rd_err_set(err, "%s: 'id'.'format' is too long", m->name);
		goto out;
	}
	m->id_prefix = buf_steal(&pre);
	m->id_suffix = buf_steal(&post);
	m->has_id = 1;
	rc = 0;
out:
	buf_free(&pre);
	buf_free(&post);
	return rc;
}

static int parse_outcome(struct rd_mapping *m, const cJSON *v, struct rd_err *err)
{
	if (!cJSON_IsObject(v)) {
		rd_err_set(err, "%s: 'outcome' must be an object with a 'column'", m->name);
		return -1;
	}
	if (check_keys(v, outcome_keys, m->name, "'outcome': ", err))
		return -1;
	const cJSON *col = cJSON_GetObjectItemCaseSensitive(v, "column");
	if (!nonempty_string(col)) {
		rd_err_set(err, "%s: 'outcome'.'column' must name the column holding the outcome",
			   m->name);
		return -1;
	}
	m->outcome_column = rd_strdup(col->valuestring);
	const cJSON *rec = cJSON_GetObjectItemCaseSensitive(v, "recode");
	if (rec) {
		if (parse_recode(rec, m->name, m->outcome_column, "'outcome'.'recode'",
				 &m->outcome_recode, err))
			return -1;
		for (int i = 0; i < m->outcome_recode.npairs; i++) {
			const char *to = m->outcome_recode.pairs[i].to;
			if (strcmp(to, "0") != 0 && strcmp(to, "1") != 0) {
				char e1[RD_ECHO_SIZE], e2[RD_ECHO_SIZE];
				rd_err_set(err,
					   "%s: 'outcome'.'recode' maps %s to %s; outcomes are 0"
					   " (good) or 1 (defaulted)",
					   m->name, echo(e1, m->outcome_recode.pairs[i].from),
					   echo(e2, to));
				return -1;
			}
		}
	}
	const cJSON *obs = cJSON_GetObjectItemCaseSensitive(v, "observed_at");
	if (obs) {
		int64_t e;
		if (!cJSON_IsString(obs) ||
		    date_parse(obs->valuestring, strlen(obs->valuestring), &e)) {
			rd_err_set(err,
				   "%s: 'outcome'.'observed_at' must be an ISO 8601 date"
				   " (2025-03-01)",
				   m->name);
			return -1;
		}
		m->outcome_observed_at = rd_strdup(obs->valuestring);
	}
	return 0;
}

static int parse_types(struct rd_mapping *m, const cJSON *v, struct rd_err *err)
{
	if (!cJSON_IsObject(v)) {
		rd_err_set(err,
			   "%s: 'types' must be an object of column -> \"numeric\" or"
			   " \"categorical\"",
			   m->name);
		return -1;
	}
	if (distinct_columns(v, m->name, "'types'", err))
		return -1;
	m->types = rd_calloc((size_t)cJSON_GetArraySize(v) + 1, sizeof *m->types);
	for (const cJSON *c = v->child; c; c = c->next) {
		enum mapping_type t;
		char e[RD_ECHO_SIZE];
		if (!column_name_ok(c->string)) {
			rd_err_set(err,
				   "%s: 'types': the key %s is not a column name (empty or blank)",
				   m->name, echo(e, c->string));
			return -1;
		}
		int at = cJSON_IsString(c) ? vocab_find(&vocab_attr_type, c->valuestring) : -1;
		if (at == ATTR_NUMERIC) {
			t = MAPPING_NUMERIC;
		} else if (at == ATTR_CATEGORICAL) {
			t = MAPPING_CATEGORICAL;
		} else {
			rd_err_set(err,
				   "%s: 'types': the type of %s must be \"numeric\" or"
				   " \"categorical\"",
				   m->name, echo(e, c->string));
			return -1;
		}
		m->types[m->ntypes].column = rd_strdup(c->string);
		m->types[m->ntypes].type = t;
		m->ntypes++;
	}
	return 0;
}

/* A list of missing-value tokens (strings, or numbers as written by scalar_text). */
static int missing_tokens(const cJSON *v, const char *name, const char *what,
			  struct mapping_missing *out, struct rd_err *err)
{
	if (!cJSON_IsArray(v)) {
		rd_err_set(err,
			   "%s: %s must be an array of texts that mean no value, like [\"NA\","
			   " \"?\"]",
			   name, what);
		return -1;
	}
	out->tokens = rd_calloc((size_t)cJSON_GetArraySize(v) + 1, sizeof *out->tokens);
	for (const cJSON *t = v->child; t; t = t->next) {
		char *text = cJSON_IsString(t) || cJSON_IsNumber(t) ? scalar_text(t) : NULL;
		if (!text) {
			rd_err_set(err,
				   "%s: %s item %d must be a string (or a number within ±2^53)",
				   name, what, out->ntokens + 1);
			return -1;
		}
		out->tokens[out->ntokens++] = text;
	}
	return 0;
}

/* "missing": an array of tokens for every column, or {column: [tokens]}. */
static int parse_missing(struct rd_mapping *m, const cJSON *v, struct rd_err *err)
{
	char e[RD_ECHO_SIZE], what[RD_ECHO_SIZE + 16];
	if (cJSON_IsArray(v)) {
		m->missing = rd_calloc(1, sizeof *m->missing);
		m->nmissing = 1;
		return missing_tokens(v, m->name, "'missing'", &m->missing[0], err);
	}
	if (!cJSON_IsObject(v)) {
		rd_err_set(err,
			   "%s: 'missing' must be an array of texts for every column, or an"
			   " object of column -> array",
			   m->name);
		return -1;
	}
	if (distinct_columns(v, m->name, "'missing'", err))
		return -1;
	m->missing = rd_calloc((size_t)cJSON_GetArraySize(v) + 1, sizeof *m->missing);
	for (const cJSON *c = v->child; c; c = c->next) {
		if (!column_name_ok(c->string)) {
			rd_err_set(err,
				   "%s: 'missing': the key %s is not a column name (empty or "
				   "blank)",
				   m->name, echo(e, c->string));
			return -1;
		}
		struct mapping_missing *mm = &m->missing[m->nmissing++];
		mm->column = rd_strdup(c->string);
		snprintf(what, sizeof what, "'missing'.%s", echo(e, c->string));
		if (missing_tokens(c, m->name, what, mm, err))
			return -1;
	}
	return 0;
}

/* "special": {column: [codes]}, the codes distinct finite numbers. */
static int parse_special(struct rd_mapping *m, const cJSON *v, struct rd_err *err)
{
	char e[RD_ECHO_SIZE];
	if (!cJSON_IsObject(v)) {
		rd_err_set(err,
			   "%s: 'special' must be an object of column -> array of codes, like"
			   " {\"PAY_0\": [-2, -1]}",
			   m->name);
		return -1;
	}
	if (distinct_columns(v, m->name, "'special'", err))
		return -1;
	m->special = rd_calloc((size_t)cJSON_GetArraySize(v) + 1, sizeof *m->special);
	for (const cJSON *c = v->child; c; c = c->next) {
		int n = cJSON_IsArray(c) ? cJSON_GetArraySize(c) : 0;
		if (!column_name_ok(c->string)) {
			rd_err_set(err,
				   "%s: 'special': the key %s is not a column name (empty or "
				   "blank)",
				   m->name, echo(e, c->string));
			return -1;
		}
		if (n < 1 || n > MAPPING_SPECIAL_MAX) {
			rd_err_set(err, "%s: 'special'.%s must be an array of 1 to %d numbers",
				   m->name, echo(e, c->string), MAPPING_SPECIAL_MAX);
			return -1;
		}
		struct mapping_special *ms = &m->special[m->nspecial++];
		ms->column = rd_strdup(c->string);
		ms->codes = rd_malloc((size_t)n * sizeof *ms->codes);
		for (const cJSON *x = c->child; x; x = x->next) {
			double d = cJSON_IsNumber(x) ? x->valuedouble : NAN;
			int dup = 0;
			for (int k = 0; k < ms->ncodes; k++)
				dup |= ms->codes[k] == d;
			if (!isfinite(d) || fabs(d) >= 9007199254740992.0 || dup) {
				rd_err_set(err,
					   "%s: 'special'.%s item %d must be a number within "
					   "±2^53%s",
					   m->name, echo(e, c->string), ms->ncodes + 1,
					   dup ? ", not given twice" : "");
				return -1;
			}
			ms->codes[ms->ncodes++] = d;
		}
	}
	return 0;
}

/* One label: rd_label_ok's text. what names it in the message. */
static char *label_text(const struct rd_mapping *m, const cJSON *v, const char *what,
			struct rd_err *err)
{
	if (cJSON_IsString(v) && rd_label_ok(v->valuestring))
		return rd_strdup(v->valuestring);
	rd_err_set(err, "%s: %s must be a text of 1 to %d bytes without control characters",
		   m->name, what, RD_LABEL_MAX);
	return NULL;
}

/* "labels": {column: "label"} or {column: {"label": "...", "values": {value: "..."}}}. */
static int parse_labels(struct rd_mapping *m, const cJSON *v, struct rd_err *err)
{
	char e[RD_ECHO_SIZE], e2[RD_ECHO_SIZE], what[2 * RD_ECHO_SIZE + 32];
	if (!cJSON_IsObject(v)) {
		rd_err_set(err,
			   "%s: 'labels' must be an object of column -> \"label\" or {\"label\":"
			   " ..., \"values\": {value: label}}",
			   m->name);
		return -1;
	}
	if (distinct_columns(v, m->name, "'labels'", err))
		return -1;
	m->labels = rd_calloc((size_t)cJSON_GetArraySize(v) + 1, sizeof *m->labels);
	for (const cJSON *c = v->child; c; c = c->next) {
		if (!column_name_ok(c->string)) {
			rd_err_set(err,
				   "%s: 'labels': the key %s is not a column name (empty or blank)",
				   m->name, echo(e, c->string));
			return -1;
		}
		struct mapping_label *l = &m->labels[m->nlabels++];
		l->column = rd_strdup(c->string);
		snprintf(what, sizeof what, "'labels'.%s", echo(e, c->string));
		if (cJSON_IsString(c)) {
			if (!(l->label = label_text(m, c, what, err)))
				return -1;
			continue;
		}
		if (!cJSON_IsObject(c)) {
			rd_err_set(err,
				   "%s: %s must be a label or {\"label\": ..., \"values\": {...}}",
				   m->name, what);
			return -1;
		}
		if (check_keys(c, label_keys, m->name, "'labels': ", err))
			return -1;
		const cJSON *lab = cJSON_GetObjectItemCaseSensitive(c, "label");
		if (lab && !(l->label = label_text(m, lab, what, err)))
			return -1;
		const cJSON *vals = cJSON_GetObjectItemCaseSensitive(c, "values");
		if (!vals)
			continue;
		if (!cJSON_IsObject(vals)) {
			rd_err_set(err, "%s: %s.'values' must be an object of value -> label",
				   m->name, what);
			return -1;
		}
		l->values = rd_calloc((size_t)cJSON_GetArraySize(vals) + 1, sizeof *l->values);
		for (const cJSON *x = vals->child; x; x = x->next) {
			char vwhat[sizeof what + RD_ECHO_SIZE + 16];
			snprintf(vwhat, sizeof vwhat, "%s.'values'.%s", what, echo(e2, x->string));
			if (!*x->string) {
				rd_err_set(err,
					   "%s: %s: an empty value is never stored, so it has no "
					   "label",
					   m->name, vwhat);
				return -1;
			}
			char *t = label_text(m, x, vwhat, err);
			if (!t)
				return -1;
			l->values[l->nvalues].from = rd_strdup(x->string);
			l->values[l->nvalues++].to = t;
		}
	}
	return 0;
}

/* Applies one top-level key. */
static int parse_key(struct rd_mapping *m, const cJSON *c, int *header_given, struct rd_err *err)
{
	const char *k = c->string;
	if (strcmp(k, "description") == 0) {
		if (!cJSON_IsString(c)) {
			rd_err_set(err, "%s: 'description' must be a string", m->name);
			return -1;
		}
		return 0;
	}
	if (strcmp(k, "table") == 0) {
		for (int i = 0; cJSON_IsString(c) && load_table_names[i]; i++) {
			if (strcmp(c->valuestring, load_table_names[i]) == 0) {
				snprintf(m->table, sizeof m->table, "%s", load_table_names[i]);
				return 0;
			}
		}
		char list[160];
		rd_err_set(err, "%s: 'table' must be %s", m->name,
			   load_tables_list(" or ", list, sizeof list));
		return -1;
	}
	if (strcmp(k, "header") == 0) {
		if (!cJSON_IsBool(c)) {
			rd_err_set(err, "%s: 'header' must be true or false", m->name);
			return -1;
		}
		m->header = cJSON_IsTrue(c);
		*header_given = 1;
		return 0;
	}
	char q[32], e[RD_ECHO_SIZE];
	snprintf(q, sizeof q, "'%s'", k); /* one of top_keys: check_keys ran */
	if (strcmp(k, "columns") == 0) {
		if (parse_names(c, m->name, q, &m->columns, &m->ncolumns, err))
			return -1;
		if (m->ncolumns == 0) {
			rd_err_set(err, "%s: 'columns' is empty", m->name);
			return -1;
		}
		return 0;
	}
	if (strcmp(k, "separator") == 0) {
		if (!cJSON_IsString(c) || mapping_separator(c->valuestring, &m->separator)) {
			rd_err_set(err,
				   "%s: 'separator' must be one character, \"tab\" or "
				   "\"whitespace\"",
				   m->name);
			return -1;
		}
		return 0;
	}
	if (strcmp(k, "rename") == 0)
		return parse_pairs(c, m->name, q, PAIR_KEY_COLUMN | PAIR_VALUE_COLUMN, &m->rename,
				   &m->nrename, err);
	if (strcmp(k, "defaults") == 0)
		return parse_pairs(c, m->name, q, PAIR_KEY_COLUMN, &m->defaults, &m->ndefaults,
				   err);
	if (strcmp(k, "ignore") == 0)
		return parse_names(c, m->name, q, &m->ignore, &m->nignore, err);
	if (strcmp(k, "types") == 0)
		return parse_types(m, c, err);
	if (strcmp(k, "outcome") == 0)
		return parse_outcome(m, c, err);
	if (strcmp(k, "missing") == 0)
		return parse_missing(m, c, err);
	if (strcmp(k, "special") == 0)
		return parse_special(m, c, err);
	if (strcmp(k, "labels") == 0)
		return parse_labels(m, c, err);
	if (strcmp(k, "recode") == 0) {
		if (!cJSON_IsObject(c)) {
			rd_err_set(err, "%s: 'recode' must be an object of column -> {from: to}",
				   m->name);
			return -1;
		}
		if (distinct_columns(c, m->name, q, err))
			return -1;
		m->recode = rd_calloc((size_t)cJSON_GetArraySize(c) + 1, sizeof *m->recode);
		for (const cJSON *col = c->child; col; col = col->next) {
			char label[RD_ECHO_SIZE + 16];
			snprintf(label, sizeof label, "'recode'.%s", echo(e, col->string));
			if (!column_name_ok(col->string)) {
				rd_err_set(err,
					   "%s: 'recode': the key %s is not a column name (empty or"
					   " blank)",
					   m->name, echo(e, col->string));
				return -1;
			}
			if (parse_recode(col, m->name, col->string, label, &m->recode[m->nrecode++],
					 err))
				return -1;
		}
		return 0;
	}
	if (strcmp(k, "id") == 0) {
		if (!cJSON_IsObject(c)) {
			rd_err_set(err, "%s: 'id' must be {\"format\": \"G%%04d\"}", m->name);
			return -1;
		}
		if (check_keys(c, id_keys, m->name, "'id': ", err))
			return -1;
		const cJSON *f = cJSON_GetObjectItemCaseSensitive(c, "format");
		if (!nonempty_string(f)) {
			rd_err_set(err, "%s: 'id'.'format' must be a string like \"G%%04d\"",
				   m->name);
			return -1;
		}
		return parse_id_format(m, f->valuestring, err);
	}
	return -1; /* unreachable: check_keys ran first */
}

struct rd_mapping *mapping_parse(const char *text, size_t len, const char *name, struct rd_err *err)
{
	struct rd_mapping *m = rd_calloc(1, sizeof *m);
	m->name = rd_strdup(name);
	m->header = 1;
	int header_given = 0, ok = 0;
	/* Strict: positions for a bad text, and no \u0000 or duplicate key that cJSON would
	 * silently cut or shadow. */
	cJSON *root = jsondoc_parse(text, len, name, err);
	if (!root)
		goto out;
	if (!cJSON_IsObject(root)) {
		rd_err_set(err, "%s: a mapping is a JSON object", name);
		goto out;
	}
	if (check_keys(root, top_keys, name, "", err))
		goto out;
	for (const cJSON *c = root->child; c; c = c->next) {
		if (parse_key(m, c, &header_given, err))
			goto out;
	}
	/* "columns" alone means the file has no header line. */
	if (!header_given && m->ncolumns > 0)
		m->header = 0;
	if (!m->header && m->ncolumns == 0) {
		rd_err_set(err, "%s: \"header\": false needs \"columns\" to name the fields", name);
		goto out;
	}
	if (m->outcome_column && m->table[0] && strcmp(m->table, "customers") != 0) {
		rd_err_set(err,
			   "%s: 'outcome' derives outcomes from a customers file, but 'table' is "
			   "%s",
			   name, m->table);
		goto out;
	}
	ok = 1;
out:
	cJSON_Delete(root);
	if (!ok) {
		mapping_free(m);
		return NULL;
	}
	return m;
}

struct rd_mapping *mapping_load(const char *path, struct rd_err *err)
{
	struct rd_mapping *m = NULL;
	struct rd_buf b = {0};
	int rc = text_file_read(path, MAPPING_MAX_BYTES, &b, err);
	if (rc == 1)
		rd_err_set(err, "%s: %s", path, strerror(ENOENT));
	else if (rc == 0 && b.len == 0)
		rd_err_set(err, "%s: empty file, expected a mapping (a JSON object)", path);
	else if (rc == 0)
		m = mapping_parse(b.data, b.len, path, err);
	buf_free(&b);
	return m;
}

static void pairs_free(struct mapping_pair *p, int n)
{
	for (int i = 0; i < n && p; i++) {
		free(p[i].from);
		free(p[i].to);
	}
	free(p);
}

static void names_free(char **v, int n)
{
	for (int i = 0; i < n && v; i++)
		free(v[i]);
	free(v);
}

static void recode_free(struct mapping_recode *r)
{
	free(r->column);
	pairs_free(r->pairs, r->npairs);
	strmap_free(r->index);
}

void mapping_free(struct rd_mapping *m)
{
	if (!m)
		return;
	free(m->name);
	names_free(m->columns, m->ncolumns);
	pairs_free(m->rename, m->nrename);
	for (int i = 0; i < m->nrecode; i++)
		recode_free(&m->recode[i]);
	free(m->recode);
	pairs_free(m->defaults, m->ndefaults);
	for (int i = 0; i < m->ntypes; i++)
		free(m->types[i].column);
	free(m->types);
	names_free(m->ignore, m->nignore);
	free(m->id_prefix);
	free(m->id_suffix);
	free(m->outcome_column);
	recode_free(&m->outcome_recode);
	free(m->outcome_observed_at);
	for (int i = 0; i < m->nmissing; i++) {
		free(m->missing[i].column);
		names_free(m->missing[i].tokens, m->missing[i].ntokens);
	}
	free(m->missing);
	for (int i = 0; i < m->nspecial; i++) {
		free(m->special[i].column);
		free(m->special[i].codes);
	}
	free(m->special);
	for (int i = 0; i < m->nlabels; i++) {
		free(m->labels[i].column);
		free(m->labels[i].label);
		pairs_free(m->labels[i].values, m->labels[i].nvalues);
	}
	free(m->labels);
	free(m);
}

const char *mapping_recode_get(const struct mapping_recode *r, const char *s, size_t len)
{
	if (!r || !r->index)
		return NULL;
	int64_t i = strmap_get(r->index, s, len);
	return i < 0 ? NULL : r->pairs[i].to;
}

void mapping_id(const struct rd_mapping *m, int64_t row, char *out, size_t n)
{
	if (m->id_zero)
		snprintf(out, n, "%s%0*lld%s", m->id_prefix, m->id_width, (long long)row,
			 m->id_suffix);
	else
		snprintf(out, n, "%s%*lld%s", m->id_prefix, m->id_width, (long long)row,
			 m->id_suffix);
}
