/* The model registry read for the console's Models pane (modelview.h): SQL for the rows,
 * cJSON for the metrics and the specification. Wrong or missing JSON leaves fields
 * absent; only database errors fail. */
#include "riskdesk/modelview.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/label.h"
#include "riskdesk/model.h"

/* Copies s into out (n bytes), cut at a UTF-8 character boundary. */
static void copy_text(char *out, size_t n, const char *s)
{
	utf8_copy_cut(out, n, s ? s : "");
}

static const char *col_str(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? (const char *)t : "";
}

/* A numeric column, or NaN when NULL or text. */
static double col_num(sqlite3_stmt *s, int i)
{
	int type = sqlite3_column_type(s, i);
	return type == SQLITE_INTEGER || type == SQLITE_FLOAT ? sqlite3_column_double(s, i) : NAN;
}

static void version_row(sqlite3_stmt *s, struct modelview_version *v)
{
	copy_text(v->name, sizeof v->name, col_str(s, 0));
	v->version = sqlite3_column_int(s, 1);
	copy_text(v->algo, sizeof v->algo, col_str(s, 2));
	copy_text(v->segment, sizeof v->segment, col_str(s, 3));
	copy_text(v->status, sizeof v->status, col_str(s, 4));
	v->weight = col_num(s, 5);
	v->auc = col_num(s, 6);
	v->ks = col_num(s, 7);
	copy_text(v->created_at, sizeof v->created_at, col_str(s, 8));
}

/* Corrupt metrics must not fail the query: json_extract raises on malformed JSON. */
#define VERSION_COLUMNS                                                                            \
	"name, version, algo, segment, status, weight,"                                            \
	" CASE WHEN json_valid(metrics) AND json_type(metrics) = 'object'"                         \
	" THEN json_extract(metrics, '$.auc') END,"                                                \
	" CASE WHEN json_valid(metrics) AND json_type(metrics) = 'object'"                         \
	" THEN json_extract(metrics, '$.ks') END, created_at"

int modelview_list(struct rd_store *st, struct modelview_version *out, int max, int *total,
		   struct rd_err *err)
{
	sqlite3_stmt *s;
	if (max > MODELVIEW_MAX_VERSIONS)
		max = MODELVIEW_MAX_VERSIONS;
	if (max < 0)
		max = 0;
	if (total)
		*total = (int)store_int(st, "SELECT count(*) FROM models", 0);
	if (store_prepare(st,
			  "SELECT " VERSION_COLUMNS " FROM models ORDER BY name, version LIMIT ?1",
			  &s, err))
		return -1;
	sqlite3_bind_int(s, 1, max);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
		version_row(s, &out[n++]);
	if (n < max && rc != SQLITE_DONE) {
		store_fail(st, err, "models");
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return n;
}

/* A number member of o, or NaN. */
static double num(const cJSON *o, const char *key)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(f) ? f->valuedouble : NAN;
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(f) && f->valuestring ? f->valuestring : "";
}

/* An array member's size, capped; 0 when it is not an array. */
static int array_size(const cJSON *a, int cap)
{
	if (!cJSON_IsArray(a))
		return 0;
	int n = cJSON_GetArraySize(a);
	return n > cap ? cap : n;
}

static int iv_desc(const void *a, const void *b)
{
	const struct modelview_iv *x = a, *y = b;
	double u = isnan(x->iv) ? -INFINITY : x->iv, v = isnan(y->iv) ? -INFINITY : y->iv;
	if (u != v)
		return u > v ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Calibration by decile and the Hosmer–Lemeshow test (trained since schema 5). */
static void read_deciles(struct modelview *m, const cJSON *o)
{
	const cJSON *hl = cJSON_GetObjectItemCaseSensitive(o, "hosmer_lemeshow"), *e;
	m->hl = num(hl, "statistic");
	m->hl_df = num(hl, "df");
	m->hl_p = num(hl, "p_value");
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "calibration_deciles");
	int cap = array_size(a, MODELVIEW_MAX_GAINS);
	if (cap == 0)
		return;
	m->deciles = rd_calloc((size_t)cap, sizeof *m->deciles);
	cJSON_ArrayForEach(e, a)
	{
		if (m->ndeciles >= cap)
			break;
		if (!cJSON_IsObject(e))
			continue;
		struct modelview_decile *d = &m->deciles[m->ndeciles++];
		d->count = num(e, "count");
		d->bads = num(e, "bads");
		d->min_pd = num(e, "min_pd");
		d->max_pd = num(e, "max_pd");
		d->mean_pd = num(e, "mean_pd");
		d->observed = num(e, "observed");
	}
}

static void read_metrics(struct modelview *m, const char *json)
{
	cJSON *o = json ? cJSON_Parse(json) : NULL, *e;
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		return;
	}
	m->has_metrics = 1;
	static const struct {
		const char *key;
		size_t off;
	} scalars[] = {
#define S(f) {#f, offsetof(struct modelview, f)}
		S(auc),           S(auc_sd),       S(auc_oof),
		S(gini),          S(ks),           S(brier),
		S(logloss),       S(rows),         S(bads),
		S(folds),         S(threshold_pd), S(threshold_score),
		S(expected_cost), S(cost_fn),      S(cost_fp),
		S(declined),      S(false_neg),    S(false_pos),
		S(cv_seconds),    S(fit_seconds),
#undef S
	};
	for (size_t i = 0; i < sizeof scalars / sizeof *scalars; i++)
		*(double *)((char *)m + scalars[i].off) = num(o, scalars[i].key);

	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "fold_auc");
	int cap = array_size(a, MODELVIEW_MAX_FOLDS);
	cJSON_ArrayForEach(e, a)
	{
		if (m->nfold_auc >= cap)
			break;
		if (cJSON_IsNumber(e))
			m->fold_auc[m->nfold_auc++] = e->valuedouble;
	}

	a = cJSON_GetObjectItemCaseSensitive(o, "gains");
	if ((cap = array_size(a, MODELVIEW_MAX_GAINS)) > 0) {
		m->gains = rd_calloc((size_t)cap, sizeof *m->gains);
		cJSON_ArrayForEach(e, a)
		{
			if (m->ngains >= cap)
				break;
			if (!cJSON_IsObject(e))
				continue;
			struct modelview_gain *g = &m->gains[m->ngains++];
			g->count = num(e, "count");
			g->bads = num(e, "bads");
			g->min_pd = num(e, "min_pd");
			g->max_pd = num(e, "max_pd");
			g->bad_rate = num(e, "bad_rate");
			g->cum_capture = num(e, "cum_capture");
			g->lift = num(e, "lift");
		}
	}

	a = cJSON_GetObjectItemCaseSensitive(o, "calibration");
	if ((cap = array_size(a, MODELVIEW_MAX_CALIBRATION)) > 0) {
		m->calibration = rd_calloc((size_t)cap, sizeof *m->calibration);
		cJSON_ArrayForEach(e, a)
		{
			if (m->ncalibration >= cap)
				break;
			if (!cJSON_IsObject(e))
				continue;
			struct modelview_calibration *c = &m->calibration[m->ncalibration++];
			copy_text(c->band, sizeof c->band, str(e, "band"));
			c->count = num(e, "count");
			c->bads = num(e, "bads");
			c->mean_pd = num(e, "mean_pd");
			c->observed = num(e, "observed");
		}
	}

	a = cJSON_GetObjectItemCaseSensitive(o, "roc");
	if ((cap = array_size(a, MODELVIEW_MAX_ROC)) > 0) {
		m->roc = rd_calloc((size_t)cap, sizeof *m->roc);
		cJSON_ArrayForEach(e, a)
		{
			if (m->nroc >= cap)
				break;
			const cJSON *x = cJSON_GetArrayItem(e, 0), *y = cJSON_GetArrayItem(e, 1);
			if (!cJSON_IsArray(e) || !cJSON_IsNumber(x) || !cJSON_IsNumber(y))
				continue;
			m->roc[m->nroc][0] = x->valuedouble;
			m->roc[m->nroc][1] = y->valuedouble;
			m->nroc++;
		}
	}

	a = cJSON_GetObjectItemCaseSensitive(o, "iv");
	if ((cap = array_size(a, MODELVIEW_MAX_IV)) > 0) {
		m->iv = rd_calloc((size_t)cap, sizeof *m->iv);
		cJSON_ArrayForEach(e, a)
		{
			if (m->niv >= cap)
				break;
			if (!cJSON_IsObject(e) || !*str(e, "name"))
				continue;
			struct modelview_iv *v = &m->iv[m->niv++];
			copy_text(v->name, sizeof v->name, str(e, "name"));
			copy_text(v->type, sizeof v->type, str(e, "type"));
			v->bins = num(e, "bins");
			v->iv = num(e, "iv");
			v->iv_raw = num(e, "iv_raw");
		}
		qsort(m->iv, (size_t)m->niv, sizeof *m->iv, iv_desc);
	}
	read_deciles(m, o);
	cJSON_Delete(o);
}

/* "(-inf, 9]", "A11,A12", "missing". lo is the previous bin's upper edge (or -inf). */
static void bin_label(const cJSON *b, double lo, char *out, size_t n)
{
	const cJSON *levels = cJSON_GetObjectItemCaseSensitive(b, "levels"), *l;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "missing"))) {
		copy_text(out, n, "missing");
		return;
	}
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(b, "special");
	if (code) {
		snprintf(out, n, "special %.15g", cJSON_IsNumber(code) ? code->valuedouble : NAN);
		return;
	}
	if (cJSON_IsArray(levels)) {
		struct rd_buf t = {0};
		cJSON_ArrayForEach(l, levels)
		{
			if (!cJSON_IsString(l))
				continue;
			if (t.len)
				buf_putc(&t, ',');
			buf_puts(&t, l->valuestring);
			if (t.len >= n)
				break;
		}
		if (t.len >= n && n > 4) {
			copy_text(out, n - 3, t.data);
			strcat(out, "...");
		} else {
			copy_text(out, n, t.data ? t.data : "");
		}
		buf_free(&t);
		return;
	}
	double hi = num(b, "hi");
	char a[32], z[32];
	if (isnan(lo) || isinf(lo))
		snprintf(a, sizeof a, "-inf");
	else
		snprintf(a, sizeof a, "%.6g", lo);
	if (isnan(hi) || isinf(hi))
		snprintf(z, sizeof z, "inf");
	else
		snprintf(z, sizeof z, "%.6g", hi);
	snprintf(out, n, "(%s, %s]", a, z);
}

static void read_scorecard(struct modelview *m, const cJSON *cols)
{
	const cJSON *c, *b;
	int total = 0;
	cJSON_ArrayForEach(c, cols) total += array_size(cJSON_GetObjectItemCaseSensitive(c, "bins"),
							MODELVIEW_MAX_POINTS);
	if (total > MODELVIEW_MAX_POINTS) {
		total = MODELVIEW_MAX_POINTS;
		m->points_cut = 1;
	}
	if (total == 0)
		return;
	m->points = rd_calloc((size_t)total, sizeof *m->points);
	cJSON_ArrayForEach(c, cols)
	{
		double lo = -INFINITY;
		const cJSON *bins = cJSON_GetObjectItemCaseSensitive(c, "bins");
		if (!cJSON_IsObject(c) || !cJSON_IsArray(bins))
			continue;
		cJSON_ArrayForEach(b, bins)
		{
			if (m->npoints >= total)
				return;
			if (!cJSON_IsObject(b))
				continue;
			struct modelview_point *p = &m->points[m->npoints++];
			copy_text(p->feature, sizeof p->feature, str(c, "name"));
			bin_label(b, lo, p->bin, sizeof p->bin);
			double goods = num(b, "goods"), bads = num(b, "bads");
			p->customers = goods + bads;
			p->bad_rate = isnan(p->customers) ? NAN
				      : p->customers > 0  ? bads / p->customers
							  : 0;
			p->woe = num(b, "woe");
			p->points = num(b, "points");
			if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "missing")) &&
			    !cJSON_GetObjectItemCaseSensitive(b, "levels") &&
			    !cJSON_GetObjectItemCaseSensitive(b, "special"))
				lo = num(b, "hi");
		}
	}
}

static void read_logit(struct modelview *m, const cJSON *cols)
{
	const cJSON *c, *l;
	int total = 0;
	cJSON_ArrayForEach(c, cols)
	{
		int n = array_size(cJSON_GetObjectItemCaseSensitive(c, "levels"),
				   MODELVIEW_MAX_WEIGHTS);
		total += n ? n : 1;
		if (total > MODELVIEW_MAX_WEIGHTS)
			break;
	}
	if (total > MODELVIEW_MAX_WEIGHTS) {
		total = MODELVIEW_MAX_WEIGHTS;
		m->weights_cut = 1;
	}
	if (total == 0)
		return;
	m->weights = rd_calloc((size_t)total, sizeof *m->weights);
	cJSON_ArrayForEach(c, cols)
	{
		if (!cJSON_IsObject(c))
			continue;
		const cJSON *levels = cJSON_GetObjectItemCaseSensitive(c, "levels");
		const cJSON *w = cJSON_GetObjectItemCaseSensitive(c, "weights");
		if (cJSON_IsArray(levels)) {
			int i = 0;
			cJSON_ArrayForEach(l, levels)
			{
				if (m->nweights >= total)
					return;
				struct modelview_weight *x = &m->weights[m->nweights++];
				const cJSON *wi = cJSON_GetArrayItem(w, i++);
				copy_text(x->feature, sizeof x->feature, str(c, "name"));
				copy_text(x->level, sizeof x->level,
					  cJSON_IsString(l) ? l->valuestring : "?");
				x->weight = cJSON_IsNumber(wi) ? wi->valuedouble : NAN;
				x->mean = x->sd = NAN;
			}
			continue;
		}
		if (m->nweights >= total)
			return;
		struct modelview_weight *x = &m->weights[m->nweights++];
		copy_text(x->feature, sizeof x->feature, str(c, "name"));
		x->weight = num(c, "weight");
		x->mean = num(c, "mean");
		x->sd = num(c, "sd");
	}
}

static void read_params(struct modelview *m, const cJSON *params)
{
	const cJSON *p;
	cJSON_ArrayForEach(p, params)
	{
		if (m->nparams >= MODELVIEW_MAX_PARAMS || !p->string)
			break;
		struct modelview_param *x = &m->params[m->nparams++];
		copy_text(x->key, sizeof x->key, p->string);
		if (cJSON_IsNumber(p))
			num_format(p->valuedouble, x->value, sizeof x->value);
		else if (cJSON_IsString(p))
			copy_text(x->value, sizeof x->value, p->valuestring);
		else if (cJSON_IsBool(p))
			copy_text(x->value, sizeof x->value, cJSON_IsTrue(p) ? "true" : "false");
		else
			copy_text(x->value, sizeof x->value, "?");
	}
}

static void read_spec(struct modelview *m, const char *json)
{
	if (strcmp(m->v.algo, "rules") == 0) {
		struct rd_err err;
		m->has_rules = json && rules_parse(json, &m->rules, &err) == 0;
		return;
	}
	cJSON *o = json ? cJSON_Parse(json) : NULL;
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		return;
	}
	m->base_points = num(o, "base_points");
	m->intercept = num(o, "intercept");
	struct score_scaling sc;
	struct rd_err ignore;
	if (model_scaling_parse(cJSON_GetObjectItemCaseSensitive(o, "scaling"), &sc, &ignore) == 0)
		memcpy(m->bands, sc.bands, sizeof m->bands);
	const cJSON *cols = cJSON_GetObjectItemCaseSensitive(o, "columns");
	m->ncolumns = cJSON_IsArray(cols) ? cJSON_GetArraySize(cols) : 0;
	if (cJSON_IsArray(cols) && strcmp(m->v.algo, "scorecard") == 0)
		read_scorecard(m, cols);
	else if (cJSON_IsArray(cols) && strcmp(m->v.algo, "logit") == 0)
		read_logit(m, cols);
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(o, "params");
	if (cJSON_IsObject(params))
		read_params(m, params);
	cJSON_Delete(o);
}

static void mv_clear(struct modelview *m)
{
	memset(m, 0, sizeof *m);
	double *nan_fields[] = {&m->v.weight,      &m->v.auc,        &m->v.ks,
				&m->auc,           &m->auc_sd,       &m->auc_oof,
				&m->gini,          &m->ks,           &m->brier,
				&m->logloss,       &m->rows,         &m->bads,
				&m->folds,         &m->threshold_pd, &m->threshold_score,
				&m->expected_cost, &m->cost_fn,      &m->cost_fp,
				&m->declined,      &m->false_neg,    &m->false_pos,
				&m->cv_seconds,    &m->fit_seconds,  &m->base_points,
				&m->intercept,     &m->hl,           &m->hl_df,
				&m->hl_p};
	for (size_t i = 0; i < sizeof nan_fields / sizeof *nan_fields; i++)
		*nan_fields[i] = NAN;
	memcpy(m->bands, score_scaling_default.bands, sizeof m->bands);
}

int modelview_load(struct rd_store *st, const char *name, int version, struct modelview *out,
		   struct rd_err *err)
{
	mv_clear(out);
	sqlite3_stmt *s;
	/* The booster (xgb trees) can be megabytes and is not shown: SQLite drops it before
	 * cJSON sees the specification. */
	if (store_prepare(st,
			  "SELECT " VERSION_COLUMNS ", metrics,"
			  " CASE WHEN json_valid(spec) AND json_type(spec) = 'object'"
			  " THEN json_remove(spec, '$.booster') ELSE spec END"
			  " FROM models WHERE name = ?1 AND version = ?2",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, version);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(s);
		return 1;
	}
	if (rc != SQLITE_ROW) {
		store_fail(st, err, "model");
		sqlite3_finalize(s);
		return -1;
	}
	version_row(s, &out->v);
	read_metrics(out, (const char *)sqlite3_column_text(s, 9));
	if (out->has_metrics)
		out->proxy_labels = label_source_describe((const char *)sqlite3_column_text(s, 9),
							  out->label_source,
							  sizeof out->label_source);
	read_spec(out, (const char *)sqlite3_column_text(s, 10));
	sqlite3_finalize(s);
	return 0;
}

void modelview_free(struct modelview *m)
{
	if (!m)
		return;
	free(m->gains);
	free(m->calibration);
	free(m->deciles);
	free(m->roc);
	free(m->iv);
	free(m->points);
	free(m->weights);
	mv_clear(m);
}
