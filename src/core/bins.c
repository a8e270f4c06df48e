/* Hand-set bins (bins.h): the classing file read strictly, and written from a scorecard. */
#include "riskdesk/bins.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/jsondoc.h"

const char *bins_name_echo(char out[RD_ECHO_SIZE], const char *name)
{
	size_t n = strlen(name), i = 0;
	for (; i < n && i < RD_ECHO_CHARS; i++) {
		unsigned char c = (unsigned char)name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			break;
	}
	if (n == 0 || i < n)
		return rd_echo(out, name, n);
	memcpy(out, name, n + 1);
	return out;
}

/* err = "FILE: FEATURE.FIELD: WHY" (field may be ""). Returns -1. */
static int where_err(struct rd_err *err, const char *file, const char *feature, const char *field,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int where_err(struct rd_err *err, const char *file, const char *feature, const char *field,
		     const char *fmt, ...)
{
	char why[1024], e[RD_ECHO_SIZE];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	rd_err_set(err, "%s: %s%s%s: %s", file, bins_name_echo(e, feature), *field ? "." : "",
		   field, why);
	return -1;
}

static int parse_edges(const cJSON *v, const char *file, struct bins_feature *f, struct rd_err *err)
{
	char e[RD_ECHO_SIZE], at[48];
	int n = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : -1;
	if (n < 1 || n > BINS_EDGES_MAX)
		return where_err(err, file, f->name, "edges",
				 "%s is not a list of 1 to %d numbers (the upper edges of the"
				 " bins, increasing)",
				 n == 0 ? "[]" : jsondoc_echo(v, e), BINS_EDGES_MAX);
	f->edges = rd_malloc((size_t)n * sizeof *f->edges);
	const cJSON *x;
	cJSON_ArrayForEach(x, v)
	{
		size_t k = f->nedges;
		snprintf(at, sizeof at, "edges[%zu]", k);
		if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble))
			return where_err(err, file, f->name, at, "%s is not a number",
					 jsondoc_echo(x, e));
		if (k > 0 && !(x->valuedouble > f->edges[k - 1]))
			return where_err(err, file, f->name, at,
					 "%.17g is not above edges[%zu] (%.17g): edges increase",
					 x->valuedouble, k - 1, f->edges[k - 1]);
		f->edges[f->nedges++] = x->valuedouble;
	}
	return 0;
}

static int level_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > BINS_LEVEL_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

static int parse_groups(const cJSON *v, const char *file, struct bins_feature *f,
			struct rd_err *err)
{
	char e[RD_ECHO_SIZE], at[64];
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) < 1)
		return where_err(err, file, f->name, "groups",
				 "%s is not a list of groups of levels ([[\"a\", \"b\"], [\"c\"]])",
				 cJSON_IsArray(v) ? "[]" : jsondoc_echo(v, e));
	size_t cap = 0;
	const cJSON *g, *l;
	f->index = strmap_new(64);
	f->start = rd_malloc(((size_t)cJSON_GetArraySize(v) + 1) * sizeof *f->start);
	f->start[0] = 0;
	cJSON_ArrayForEach(g, v)
	{
		size_t gi = f->ngroups++;
		snprintf(at, sizeof at, "groups[%zu]", gi);
		if (!cJSON_IsArray(g))
			return where_err(err, file, f->name, at,
					 "%s is not a list of levels ([\"a\", \"b\"])",
					 jsondoc_echo(g, e));
		if (cJSON_GetArraySize(g) < 1)
			return where_err(err, file, f->name, at,
					 "an empty group (each one holds at least one level)");
		size_t li = 0;
		cJSON_ArrayForEach(l, g)
		{
			snprintf(at, sizeof at, "groups[%zu][%zu]", gi, li++);
			if (!cJSON_IsString(l) || !level_ok(l->valuestring))
				return where_err(err, file, f->name, at,
						 "%s is not a level (1 to %d bytes of text, no "
						 "control character)",
						 jsondoc_echo(l, e), BINS_LEVEL_MAX);
			size_t len = strlen(l->valuestring);
			int64_t k = strmap_get(f->index, l->valuestring, len);
			if (k >= 0)
				return where_err(err, file, f->name, at, "%s is also in groups[%d]",
						 jsondoc_echo(l, e), f->group[k]);
			strmap_put(f->index, l->valuestring, len, (int64_t)f->nlevels);
			if (f->nlevels == cap) {
				cap = cap ? 2 * cap : 16;
				f->levels = rd_realloc(f->levels, cap * sizeof *f->levels);
				f->group = rd_realloc(f->group, cap * sizeof *f->group);
			}
			f->levels[f->nlevels] = rd_strdup(l->valuestring);
			f->group[f->nlevels++] = (int)gi;
		}
		f->start[gi + 1] = f->nlevels;
	}
	return 0;
}

static int parse_feature(const cJSON *o, const char *file, struct bins_feature *f,
			 struct rd_err *err)
{
	char e[RD_ECHO_SIZE];
	if (!cJSON_IsObject(o))
		return where_err(err, file, f->name, "",
				 "%s is not an object ({\"edges\": [...]} or {\"groups\": [...]})",
				 jsondoc_echo(o, e));
	const cJSON *m;
	cJSON_ArrayForEach(m, o)
	{
		if (strcmp(m->string, "edges") != 0 && strcmp(m->string, "groups") != 0)
			return where_err(err, file, f->name, "",
					 "%s is not a field (edges for a numeric feature, groups"
					 " for a categorical one)",
					 rd_echo(e, m->string, strlen(m->string)));
	}
	const cJSON *edges = cJSON_GetObjectItemCaseSensitive(o, "edges");
	const cJSON *groups = cJSON_GetObjectItemCaseSensitive(o, "groups");
	if (!edges == !groups)
		return where_err(err, file, f->name, "",
				 "give either edges (a numeric feature) or groups (a categorical"
				 " one)%s",
				 edges ? ", not both" : "");
	f->categorical = groups != NULL;
	return groups ? parse_groups(groups, file, f, err) : parse_edges(edges, file, f, err);
}

static void feature_free(struct bins_feature *f)
{
	free(f->name);
	free(f->edges);
	for (size_t k = 0; k < f->nlevels; k++)
		free(f->levels[k]);
	free(f->levels);
	free(f->group);
	free(f->start);
	if (f->index)
		strmap_free(f->index);
}

void bins_free(struct rd_bins *b)
{
	if (!b)
		return;
	for (size_t k = 0; k < b->n; k++)
		feature_free(&b->f[k]);
	free(b->f);
	free(b->file);
	memset(b, 0, sizeof *b);
}

int bins_parse(const char *text, size_t len, const char *name, struct rd_bins *b,
	       struct rd_err *err)
{
	char e[RD_ECHO_SIZE];
	memset(b, 0, sizeof *b);
	cJSON *root = jsondoc_parse(text, len, name, err);
	if (!root)
		return -1;
	int rc = -1, n = cJSON_GetArraySize(root);
	b->file = rd_strdup(name);
	if (!cJSON_IsObject(root)) {
		rd_err_set(err, "%s: %s is not a classing (a JSON object of feature: bins)", name,
			   jsondoc_echo(root, e));
		goto out;
	}
	if (n < 1) {
		rd_err_set(err, "%s: names no feature ({\"FEATURE\": {\"edges\": [...]}, ...})",
			   name);
		goto out;
	}
	b->f = rd_calloc((size_t)n, sizeof *b->f);
	const cJSON *m;
	cJSON_ArrayForEach(m, root)
	{
		struct bins_feature *f = &b->f[b->n++];
		f->name = rd_strdup(m->string);
		if (!*m->string) {
			rd_err_set(err, "%s: a feature with no name", name);
			goto out;
		}
		if (parse_feature(m, name, f, err))
			goto out;
	}
	rc = 0;
out:
	cJSON_Delete(root);
	if (rc)
		bins_free(b);
	return rc;
}

int bins_read(const char *path, struct rd_bins *b, struct rd_err *err)
{
	struct rd_buf text = {0};
	memset(b, 0, sizeof *b);
	int rc = text_file_read(path, BINS_FILE_MAX, &text, err);
	if (rc == 1)
		rd_err_set(err, "%s: No such file or directory", path);
	if (rc == 0)
		rc = bins_parse(text.data ? text.data : "", text.len, path, b, err);
	buf_free(&text);
	return rc ? -1 : 0;
}

const struct bins_feature *bins_find(const struct rd_bins *b, const char *name)
{
	for (size_t k = 0; b && k < b->n; k++)
		if (strcmp(b->f[k].name, name) == 0)
			return &b->f[k];
	return NULL;
}

int bins_group_of(const struct bins_feature *f, const char *level)
{
	int64_t k = level && f->index ? strmap_get(f->index, level, strlen(level)) : -1;
	return k >= 0 ? f->group[k] : -1;
}

/* One column's classing: "NAME": {"edges": [...]} or {"groups": [[...], ...]}. */
static void column_classing(struct rd_buf *b, const cJSON *col)
{
	const cJSON *bin, *l;
	int categorical = cJSON_GetObjectItemCaseSensitive(col, "levels") != NULL, k = 0;
	buf_json_string(b, cJSON_GetObjectItemCaseSensitive(col, "name")->valuestring);
	buf_puts(b, categorical ? ": {\"groups\": [" : ": {\"edges\": [");
	cJSON_ArrayForEach(bin, cJSON_GetObjectItemCaseSensitive(col, "bins"))
	{
		const cJSON *hi = cJSON_GetObjectItemCaseSensitive(bin, "hi");
		const cJSON *levels = cJSON_GetObjectItemCaseSensitive(bin, "levels");
		if (categorical && cJSON_IsArray(levels)) {
			buf_puts(b, k++ ? ", [" : "[");
			int j = 0;
			cJSON_ArrayForEach(l, levels)
			{
				if (j++)
					buf_puts(b, ", ");
				buf_json_string(b, l->valuestring);
			}
			buf_putc(b, ']');
		} else if (!categorical && cJSON_IsNumber(hi)) { /* null: the open top bin */
			if (k++)
				buf_puts(b, ", ");
			buf_json_number(b, hi->valuedouble);
		}
	}
	buf_puts(b, "]}");
}

int bins_from_spec(const char *spec, const char *only, char **json, int *nfeatures,
		   struct rd_err *err)
{
	cJSON *doc = cJSON_Parse(spec);
	const cJSON *algo = cJSON_GetObjectItemCaseSensitive(doc, "algo"), *col;
	int rc = -1, n = 0;
	struct rd_buf b = {0};
	if (!cJSON_IsString(algo) || strcmp(algo->valuestring, "scorecard") != 0) {
		rd_err_set(err, "not a scorecard");
		goto out;
	}
	buf_puts(&b, "{");
	cJSON_ArrayForEach(col, cJSON_GetObjectItemCaseSensitive(doc, "columns"))
	{
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(col, "name");
		if (!cJSON_IsString(name) || (only && strcmp(name->valuestring, only) != 0))
			continue;
		buf_puts(&b, n++ ? ",\n  " : "\n  ");
		column_classing(&b, col);
	}
	if (only && n == 0) {
		char e[RD_ECHO_SIZE];
		rd_err_set(err, "no feature %s in the scorecard", rd_echo(e, only, strlen(only)));
		goto out;
	}
	buf_puts(&b, "\n}\n");
	*json = buf_steal(&b);
	*nfeatures = n;
	rc = 0;
out:
	buf_free(&b);
	cJSON_Delete(doc);
	return rc;
}
