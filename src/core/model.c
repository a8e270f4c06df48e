/* Trained models: specification parsing, batch scoring and reasons per algorithm. */
#include "riskdesk/model.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/xgb.h"

const char *const model_algo_names[3] = {"logit", "scorecard", "xgb"};

#define PD_FLOOR 1e-12 /* keeps ln(odds) finite for a certain prediction */

void score_fill(const struct score_scaling *sc, double raw, struct rd_score *out)
{
	out->score = score_clamp(raw);
	out->band = score_band(out->score);
	out->risk_level = score_risk_level(out->band);
	out->pd = pd_from_score(sc, raw);
}

void model_free(struct rd_model *m)
{
	if (!m)
		return;
	for (int c = 0; c < m->ncols; c++) {
		struct model_column *col = &m->cols[c];
		free(col->name);
		for (int l = 0; l < col->nlevels; l++)
			free(col->levels[l]);
		free(col->levels);
		free(col->weights);
		free(col->bins);
		free(col->level_bin);
	}
	free(m->cols);
	free(m->nlevels);
	xgb_free(m->booster);
	free(m);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int model_level_of(const struct model_column *col, const char *value)
{
	if (!value || !col->nlevels)
		return -1;
	char **hit = bsearch(&value, col->levels, (size_t)col->nlevels, sizeof(char *), cmp_str);
	return hit ? (int)(hit - col->levels) : -1;
}

int model_level(const struct rd_model *m, int c, const char *value)
{
	return model_level_of(&m->cols[c], value);
}

/* A number member; with optional != 0 an absent member leaves *out as it is. */
static int get_num(const cJSON *o, const char *key, double *out, int optional, const char *where,
		   struct rd_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v && optional)
		return 0;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) {
		rd_err_set(err, "model spec: %s: '%s' must be a number", where, key);
		return -1;
	}
	*out = v->valuedouble;
	return 0;
}

static int parse_levels(const cJSON *jl, struct model_column *col, struct rd_err *err)
{
	int n = cJSON_GetArraySize(jl);
	col->categorical = 1;
	col->levels = rd_calloc((size_t)(n ? n : 1), sizeof *col->levels);
	const cJSON *l;
	cJSON_ArrayForEach(l, jl)
	{
		if (!cJSON_IsString(l)) {
			rd_err_set(err, "model spec: column '%s': levels must be strings", col->name);
			return -1;
		}
		col->levels[col->nlevels] = rd_strdup(l->valuestring);
		if (col->nlevels && strcmp(col->levels[col->nlevels - 1], l->valuestring) >= 0) {
			col->nlevels++;
			rd_err_set(err, "model spec: column '%s': levels must be sorted and distinct",
				   col->name);
			return -1;
		}
		col->nlevels++;
	}
	return 0;
}

static int parse_logit_column(const cJSON *jc, struct model_column *col, struct rd_err *err)
{
	if (col->categorical) {
		const cJSON *jw = cJSON_GetObjectItemCaseSensitive(jc, "weights");
		if (!cJSON_IsArray(jw) || cJSON_GetArraySize(jw) != col->nlevels) {
			rd_err_set(err, "model spec: column '%s': one weight per level", col->name);
			return -1;
		}
		col->weights = rd_calloc((size_t)col->nlevels + 1, sizeof *col->weights);
		int l = 0;
		const cJSON *w;
		cJSON_ArrayForEach(w, jw)
		{
			if (!cJSON_IsNumber(w)) {
				rd_err_set(err, "model spec: column '%s': weights must be numbers", col->name);
				return -1;
			}
			col->weights[l++] = w->valuedouble;
		}
		return 0;
	}
	if (get_num(jc, "mean", &col->mean, 0, col->name, err) ||
	    get_num(jc, "sd", &col->sd, 0, col->name, err) ||
	    get_num(jc, "weight", &col->weight, 0, col->name, err))
		return -1;
	col->lo = col->hi = col->mean; /* without a range, only the mean is attainable */
	if (get_num(jc, "min", &col->lo, 1, col->name, err) ||
	    get_num(jc, "max", &col->hi, 1, col->name, err))
		return -1;
	if (!(col->sd > 0)) {
		rd_err_set(err, "model spec: column '%s': 'sd' must be > 0", col->name);
		return -1;
	}
	return 0;
}

static int parse_scorecard_column(const cJSON *jc, struct model_column *col, struct rd_err *err)
{
	const cJSON *jb = cJSON_GetObjectItemCaseSensitive(jc, "bins"), *b;
	if (get_num(jc, "coef", &col->coef, 0, col->name, err))
		return -1;
	if (!cJSON_IsArray(jb) || cJSON_GetArraySize(jb) < 1) {
		rd_err_set(err, "model spec: column '%s': 'bins' must be a non-empty array", col->name);
		return -1;
	}
	col->nbins = 0;
	col->bins = rd_calloc((size_t)cJSON_GetArraySize(jb), sizeof *col->bins);
	col->missing_bin = -1;
	if (col->categorical) {
		col->level_bin = rd_malloc((size_t)(col->nlevels ? col->nlevels : 1) * sizeof(int));
		for (int l = 0; l < col->nlevels; l++)
			col->level_bin[l] = -1;
	}
	double prev_hi = -INFINITY;
	cJSON_ArrayForEach(b, jb)
	{
		int idx = col->nbins++;
		struct model_bin *bin = &col->bins[idx];
		if (get_num(b, "woe", &bin->woe, 0, col->name, err) ||
		    get_num(b, "points", &bin->points, 0, col->name, err))
			return -1;
		bin->missing = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "missing"));
		if (bin->missing) {
			col->missing_bin = idx;
			continue;
		}
		if (col->categorical) {
			const cJSON *jl = cJSON_GetObjectItemCaseSensitive(b, "levels"), *l;
			cJSON_ArrayForEach(l, jl)
			{
				int li = cJSON_IsString(l) ? model_level_of(col, l->valuestring) : -1;
				if (li < 0) {
					rd_err_set(err, "model spec: column '%s': a bin's level is not in"
							" 'levels'", col->name);
					return -1;
				}
				col->level_bin[li] = idx;
			}
			continue;
		}
		const cJSON *hi = cJSON_GetObjectItemCaseSensitive(b, "hi");
		bin->hi = cJSON_IsNumber(hi) ? hi->valuedouble : INFINITY;
		if (!(bin->hi > prev_hi)) {
			rd_err_set(err, "model spec: column '%s': bin edges must increase", col->name);
			return -1;
		}
		prev_hi = bin->hi;
	}
	return 0;
}

struct rd_model *model_parse(const char *spec, struct rd_err *err)
{
	cJSON *doc = cJSON_Parse(spec);
	struct rd_model *m = rd_calloc(1, sizeof *m);
	const cJSON *algo = cJSON_GetObjectItemCaseSensitive(doc, "algo");
	const cJSON *jcols = cJSON_GetObjectItemCaseSensitive(doc, "columns");
	const cJSON *jsc = cJSON_GetObjectItemCaseSensitive(doc, "scaling");
	int a;
	if (!cJSON_IsObject(doc)) {
		rd_err_set(err, "model spec: not a JSON object");
		goto fail;
	}
	for (a = 0; a < 3; a++)
		if (cJSON_IsString(algo) && strcmp(algo->valuestring, model_algo_names[a]) == 0)
			break;
	if (a == 3) {
		rd_err_set(err, "model spec: 'algo' must be logit, scorecard or xgb");
		goto fail;
	}
	m->algo = (enum model_algo)a;
	m->scaling = score_scaling_default;
	if (jsc && (get_num(jsc, "base_score", &m->scaling.base_score, 0, "scaling", err) ||
		    get_num(jsc, "base_odds", &m->scaling.base_odds, 0, "scaling", err) ||
		    get_num(jsc, "pdo", &m->scaling.pdo, 0, "scaling", err)))
		goto fail;
	if (!(m->scaling.base_odds > 0) || !(m->scaling.pdo > 0)) {
		rd_err_set(err, "model spec: scaling: base_odds and pdo must be > 0");
		goto fail;
	}
	if (m->algo != MODEL_XGB && get_num(doc, "intercept", &m->intercept, 0, "model", err))
		goto fail;
	if (!cJSON_IsArray(jcols) || cJSON_GetArraySize(jcols) < 1) {
		rd_err_set(err, "model spec: 'columns' must be a non-empty array");
		goto fail;
	}
	m->cols = rd_calloc((size_t)cJSON_GetArraySize(jcols), sizeof *m->cols);
	m->nlevels = rd_calloc((size_t)cJSON_GetArraySize(jcols), sizeof *m->nlevels);
	const cJSON *jc;
	cJSON_ArrayForEach(jc, jcols)
	{
		struct model_column *col = &m->cols[m->ncols++];
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(jc, "name");
		const cJSON *levels = cJSON_GetObjectItemCaseSensitive(jc, "levels");
		if (!cJSON_IsString(name) || !*name->valuestring) {
			rd_err_set(err, "model spec: column %d has no name", m->ncols);
			goto fail;
		}
		col->name = rd_strdup(name->valuestring);
		col->feature = feature_index(col->name);
		if (levels && (!cJSON_IsArray(levels) || parse_levels(levels, col, err))) {
			if (!cJSON_IsArray(levels))
				rd_err_set(err, "model spec: column '%s': 'levels' must be an array",
					   col->name);
			goto fail;
		}
		m->nlevels[m->ncols - 1] = col->categorical ? col->nlevels : -1;
		col->first_input = m->ninputs;
		m->ninputs += col->categorical ? col->nlevels : 1;
		int bad = m->algo == MODEL_LOGIT       ? parse_logit_column(jc, col, err)
			  : m->algo == MODEL_SCORECARD ? parse_scorecard_column(jc, col, err)
						       : 0;
		if (bad)
			goto fail;
	}
	if (m->algo == MODEL_XGB) {
		const cJSON *jb = cJSON_GetObjectItemCaseSensitive(doc, "booster");
		if (!cJSON_IsString(jb)) {
			rd_err_set(err, "model spec: 'booster' must be XGBoost's JSON model as a string");
			goto fail;
		}
		const cJSON *jr = cJSON_GetObjectItemCaseSensitive(doc, "reasons");
		if (jr && !(cJSON_IsString(jr) && (strcmp(jr->valuestring, "shap") == 0 ||
						   strcmp(jr->valuestring, "approx") == 0))) {
			rd_err_set(err, "model spec: 'reasons' must be \"shap\" or \"approx\"");
			goto fail;
		}
		m->approx_reasons = jr && strcmp(jr->valuestring, "approx") == 0;
		m->booster = xgb_from_json(jb->valuestring, strlen(jb->valuestring), m->ninputs, err);
		if (!m->booster)
			goto fail;
	}
	cJSON_Delete(doc);
	return m;
fail:
	cJSON_Delete(doc);
	model_free(m);
	return NULL;
}

/* A reason's code: "M-" and the column's name in capitals, cut to fit. */
static void reason_for(const struct model_column *col, double v, double lost, struct rd_reason *r)
{
	snprintf(r->code, sizeof r->code, "M-%s", col->name);
	for (char *p = r->code; *p; p++)
		*p = *p == ' ' ? '_' : (char)toupper((unsigned char)*p);
	r->feature = col->feature;
	snprintf(r->name, sizeof r->name, "%s", col->name);
	r->level[0] = '\0';
	r->value = NAN;
	if (col->categorical) {
		if (!isnan(v))
			snprintf(r->level, sizeof r->level, "%s", col->levels[(int)v]);
		snprintf(r->text, sizeof r->text, "%s is %s", col->name,
			 isnan(v) ? "missing or unseen" : col->levels[(int)v]);
	} else {
		r->value = v;
		char num[32];
		num_format(v, num, sizeof num);
		snprintf(r->text, sizeof r->text, "%s of %s", col->name, num);
	}
	r->points = lost;
}

static int reason_cmp(const void *a, const void *b)
{
	const struct rd_reason *x = a, *y = b;
	if (x->points != y->points)
		return x->points < y->points ? 1 : -1;
	return strcmp(x->name, y->name); /* ties in a fixed order */
}

/* Keeps the REASONS_MAX largest of the points lost per column. */
static void pick_reasons(const struct rd_model *m, const double *row, const double *lost,
			 struct rd_score *out)
{
	struct rd_reason top[REASONS_MAX + 1];
	int n = 0;
	for (int c = 0; c < m->ncols; c++) {
		if (!(lost[c] > 0.005))
			continue;
		if (n == REASONS_MAX && lost[c] <= top[n - 1].points)
			continue;
		int k = n < REASONS_MAX ? n++ : n - 1;
		reason_for(&m->cols[c], row[c], lost[c], &top[k]);
		qsort(top, (size_t)n, sizeof *top, reason_cmp);
	}
	out->nreasons = n;
	memcpy(out->reasons, top, (size_t)n * sizeof *top);
}

static int level_index(const struct model_column *col, double v)
{
	return isnan(v) || v < 0 || v >= col->nlevels ? -1 : (int)v;
}

/* Log-odds of default and the points each column loses against its best attainable. */
static double logit_row(const struct rd_model *m, const double *row, double *lost)
{
	double factor = m->scaling.pdo / M_LN2, eta = m->intercept;
	for (int c = 0; c < m->ncols; c++) {
		const struct model_column *col = &m->cols[c];
		double part, best;
		if (col->categorical) {
			int l = level_index(col, row[c]);
			part = l < 0 ? 0 : col->weights[l];
			best = col->nlevels ? col->weights[0] : 0;
			for (int k = 1; k < col->nlevels; k++)
				best = fmin(best, col->weights[k]);
		} else {
			double z = isnan(row[c]) ? 0 : (row[c] - col->mean) / col->sd;
			part = col->weight * z;
			best = fmin(col->weight * (col->lo - col->mean) / col->sd,
				    col->weight * (col->hi - col->mean) / col->sd);
		}
		eta += part;
		lost[c] = (part - best) * factor;
	}
	return eta;
}

static int scorecard_bin(const struct model_column *col, double v)
{
	if (col->categorical) {
		int l = level_index(col, v);
		return l < 0 ? col->missing_bin : col->level_bin[l];
	}
	if (isnan(v))
		return col->missing_bin;
	for (int b = 0; b < col->nbins; b++)
		if (!col->bins[b].missing && v <= col->bins[b].hi)
			return b;
	return -1;
}

static double scorecard_row(const struct rd_model *m, const double *row, double *lost)
{
	double eta = m->intercept;
	for (int c = 0; c < m->ncols; c++) {
		const struct model_column *col = &m->cols[c];
		int b = scorecard_bin(col, row[c]);
		/* A value with no bin (unseen level, missing never seen) is neutral: WoE 0. */
		double woe = b < 0 ? 0 : col->bins[b].woe, points = b < 0 ? 0 : col->bins[b].points;
		double best = points;
		for (int k = 0; k < col->nbins; k++)
			best = fmax(best, col->bins[k].points);
		eta += col->coef * woe;
		lost[c] = best - points;
	}
	return eta;
}

static double pd_of(double eta)
{
	double pd = 1 / (1 + exp(-eta));
	return fmin(fmax(pd, PD_FLOOR), 1 - PD_FLOOR);
}

static void fill(const struct rd_model *m, double pd, const double *row, const double *lost,
		 struct rd_score *out, double *raw)
{
	pd = fmin(fmax(pd, PD_FLOOR), 1 - PD_FLOOR);
	*raw = score_from_pd(&m->scaling, pd);
	score_fill(&m->scaling, *raw, out);
	out->pd = pd;
	pick_reasons(m, row, lost, out);
}

void onehot_row(int ncols, const int *nlevels, const double *row, float *out)
{
	for (int c = 0; c < ncols; c++) {
		if (nlevels[c] < 0) {
			*out++ = (float)row[c];
			continue;
		}
		int l = isnan(row[c]) || row[c] < 0 || row[c] >= nlevels[c] ? -1 : (int)row[c];
		for (int j = 0; j < nlevels[c]; j++)
			*out++ = j == l ? 1.0f : 0.0f;
	}
}

/* xgb in chunks, so the one-hot input matrix stays small. */
#define XGB_CHUNK 4096

static int xgb_score(struct rd_model *m, const double *x, size_t n, struct rd_score *out,
		     double *raw, struct rd_err *err)
{
	size_t chunk = n < XGB_CHUNK ? n : XGB_CHUNK, w = (size_t)m->ninputs + 1;
	float *in = rd_malloc(chunk * (size_t)m->ninputs * sizeof *in);
	double *pd = rd_malloc(chunk * sizeof *pd), *contrib = rd_malloc(chunk * w * sizeof *contrib);
	double *lost = rd_malloc((size_t)m->ncols * sizeof *lost);
	int rc = 0;
	for (size_t start = 0; start < n && rc == 0; start += chunk) {
		size_t k = n - start < chunk ? n - start : chunk;
		for (size_t i = 0; i < k; i++)
			onehot_row(m->ncols, m->nlevels, x + (start + i) * (size_t)m->ncols,
				   in + i * (size_t)m->ninputs);
		rc = xgb_predict(m->booster, in, k, pd, err) ||
		     xgb_contribs(m->booster, in, k, m->approx_reasons, contrib, err);
		double factor = m->scaling.pdo / M_LN2;
		for (size_t i = 0; i < k && rc == 0; i++) {
			const double *row = x + (start + i) * (size_t)m->ncols, *cr = contrib + i * w;
			for (int c = 0; c < m->ncols; c++) {
				const struct model_column *col = &m->cols[c];
				double s = 0;
				for (int j = 0; j < (col->categorical ? col->nlevels : 1); j++)
					s += cr[col->first_input + j];
				lost[c] = s * factor; /* SHAP towards default, in points */
			}
			fill(m, pd[i], row, lost, &out[start + i], &raw[start + i]);
		}
	}
	free(in);
	free(pd);
	free(contrib);
	free(lost);
	return rc ? -1 : 0;
}

int model_score(struct rd_model *m, const double *x, size_t n, struct rd_score *out,
		double *raw, struct rd_err *err)
{
	if (m->algo == MODEL_XGB)
		return xgb_score(m, x, n, out, raw, err);
	double *lost = rd_malloc((size_t)m->ncols * sizeof *lost);
	for (size_t i = 0; i < n; i++) {
		const double *row = x + i * (size_t)m->ncols;
		double eta = m->algo == MODEL_LOGIT ? logit_row(m, row, lost)
						    : scorecard_row(m, row, lost);
		fill(m, pd_of(eta), row, lost, &out[i], &raw[i]);
	}
	free(lost);
	return 0;
}
