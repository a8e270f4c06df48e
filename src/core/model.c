/* Trained models: specification parsing, batch scoring and reasons per algorithm. */
#include "riskdesk/model.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/jsondoc.h"
#include "riskdesk/xgb.h"

const char *const model_algo_names[MODEL_ALGOS] = {"logit", "scorecard", "xgb", "rf"};

int model_algo_trees(enum model_algo algo)
{
	return algo == MODEL_XGB || algo == MODEL_RF;
}

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
		free(col->edge_bin);
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

int model_name_check(const char *name, struct rd_err *err)
{
	size_t n = name ? strlen(name) : 0;
	int ok = n >= 1 && n <= MODEL_NAME_MAX && isalnum((unsigned char)name[0]);
	for (size_t i = 0; ok && i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		ok = c < 0x80 && (isalnum(c) || c == '_' || c == '.' || c == '-');
	}
	if (ok)
		return 0;
	/* The name as it can be shown: control and non-ASCII bytes as '?', cut. */
	char shown[MODEL_NAME_MAX + 4];
	size_t k = 0;
	for (; name && name[k] && k < MODEL_NAME_MAX; k++)
		shown[k] = name[k] >= 0x20 && name[k] < 0x7f ? name[k] : '?';
	snprintf(shown + k, sizeof shown - k, "%s", name && name[k] ? "..." : "");
	rd_err_set(err, "'%s' is not a model name: 1 to %d letters, digits, '_', '.' or '-',"
			" starting with a letter or a digit", shown, MODEL_NAME_MAX);
	return -1;
}

int model_weight_check(double w, const char *what, struct rd_err *err)
{
	if (w > 0 && w <= MODEL_WEIGHT_MAX)
		return 0;
	rd_err_set(err, "%s must be a number > 0 and at most %.0f", what, MODEL_WEIGHT_MAX);
	return -1;
}

/* A number member within [lo, hi]; with optional != 0 an absent member leaves *out as it
 * is. where names the column or part. */
static int get_num(const cJSON *o, const char *key, double *out, int optional, double lo,
		   double hi, const char *where, struct rd_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v && optional)
		return 0;
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= lo && v->valuedouble <= hi)) {
		if (hi == DBL_MAX)
			rd_err_set(err, "model spec: %s: '%s' must be a finite number", where, key);
		else
			rd_err_set(err, "model spec: %s: '%s' must be a number from %g to %g", where, key,
				   lo, hi);
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
	char where[160];
	snprintf(where, sizeof where, "column '%.100s'", col->name);
	if (col->categorical) {
		const cJSON *jw = cJSON_GetObjectItemCaseSensitive(jc, "weights");
		if (!cJSON_IsArray(jw) || cJSON_GetArraySize(jw) != col->nlevels) {
			rd_err_set(err, "model spec: %s: one weight per level", where);
			return -1;
		}
		col->weights = rd_calloc((size_t)col->nlevels + 1, sizeof *col->weights);
		int l = 0;
		const cJSON *w;
		col->best = 0;
		cJSON_ArrayForEach(w, jw)
		{
			if (!cJSON_IsNumber(w) || !(fabs(w->valuedouble) <= MODEL_LOGODDS_MAX)) {
				rd_err_set(err, "model spec: %s: weights[%d] must be a number from %g to %g",
					   where, l, -MODEL_LOGODDS_MAX, MODEL_LOGODDS_MAX);
				return -1;
			}
			col->weights[l] = w->valuedouble;
			col->best = l == 0 ? w->valuedouble : fmin(col->best, w->valuedouble);
			l++;
		}
		return 0;
	}
	if (get_num(jc, "mean", &col->mean, 0, -DBL_MAX, DBL_MAX, where, err) ||
	    get_num(jc, "sd", &col->sd, 0, -DBL_MAX, DBL_MAX, where, err) ||
	    get_num(jc, "weight", &col->weight, 0, -MODEL_LOGODDS_MAX, MODEL_LOGODDS_MAX, where, err))
		return -1;
	col->lo = col->hi = col->mean; /* without a range, only the mean is attainable */
	if (get_num(jc, "min", &col->lo, 1, -DBL_MAX, DBL_MAX, where, err) ||
	    get_num(jc, "max", &col->hi, 1, -DBL_MAX, DBL_MAX, where, err))
		return -1;
	if (!(col->sd > 0)) {
		rd_err_set(err, "model spec: %s: 'sd' must be > 0", where);
		return -1;
	}
	if (!(col->lo <= col->hi)) {
		rd_err_set(err, "model spec: %s: 'min' must not exceed 'max'", where);
		return -1;
	}
	col->best = fmin(col->weight * (col->lo - col->mean) / col->sd,
			 col->weight * (col->hi - col->mean) / col->sd);
	if (!isfinite(col->best)) {
		rd_err_set(err, "model spec: %s: mean, sd, min and max give no finite contribution",
			   where);
		return -1;
	}
	return 0;
}

/* A categorical bin's levels: each one of the column's, and in no other bin. */
static int bin_levels(const cJSON *b, struct model_column *col, int idx, const char *where,
		      struct rd_err *err)
{
	const cJSON *jl = cJSON_GetObjectItemCaseSensitive(b, "levels"), *l;
	if (!cJSON_IsArray(jl) || !jl->child || cJSON_GetObjectItemCaseSensitive(b, "hi")) {
		rd_err_set(err, "model spec: %s: bins[%d] needs 'levels', a non-empty array (and no"
				" 'hi')", where, idx);
		return -1;
	}
	cJSON_ArrayForEach(l, jl)
	{
		int li = cJSON_IsString(l) ? model_level_of(col, l->valuestring) : -1;
		if (li < 0) {
			rd_err_set(err, "model spec: %s: bins[%d]: a level is not in 'levels'", where, idx);
			return -1;
		}
		if (col->level_bin[li] >= 0) {
			rd_err_set(err, "model spec: %s: level '%.100s' is in bins[%d] and bins[%d]", where,
				   col->levels[li], col->level_bin[li], idx);
			return -1;
		}
		col->level_bin[li] = idx;
	}
	return 0;
}

static int parse_scorecard_column(const cJSON *jc, struct model_column *col, struct rd_err *err)
{
	char where[160];
	snprintf(where, sizeof where, "column '%.100s'", col->name);
	const cJSON *jb = cJSON_GetObjectItemCaseSensitive(jc, "bins"), *b;
	if (get_num(jc, "coef", &col->coef, 0, -MODEL_LOGODDS_MAX, MODEL_LOGODDS_MAX, where, err))
		return -1;
	if (!cJSON_IsArray(jb) || cJSON_GetArraySize(jb) < 1) {
		rd_err_set(err, "model spec: %s: 'bins' must be a non-empty array", where);
		return -1;
	}
	int size = cJSON_GetArraySize(jb);
	col->nbins = 0;
	col->bins = rd_calloc((size_t)size, sizeof *col->bins);
	col->missing_bin = -1;
	col->best = -INFINITY;
	if (col->categorical) {
		col->level_bin = rd_malloc((size_t)(col->nlevels ? col->nlevels : 1) * sizeof(int));
		for (int l = 0; l < col->nlevels; l++)
			col->level_bin[l] = -1;
	} else {
		col->edge_bin = rd_malloc((size_t)size * sizeof *col->edge_bin);
	}
	double prev_hi = -INFINITY;
	cJSON_ArrayForEach(b, jb)
	{
		int idx = col->nbins++;
		struct model_bin *bin = &col->bins[idx];
		const cJSON *miss = cJSON_GetObjectItemCaseSensitive(b, "missing");
		char bwhere[192];
		snprintf(bwhere, sizeof bwhere, "%s: bins[%d]", where, idx);
		if (!cJSON_IsObject(b) || (miss && !cJSON_IsBool(miss))) {
			rd_err_set(err, "model spec: %s must be an object ('missing' true or false)",
				   bwhere);
			return -1;
		}
		if (get_num(b, "woe", &bin->woe, 0, -MODEL_LOGODDS_MAX, MODEL_LOGODDS_MAX, bwhere,
			    err) ||
		    get_num(b, "points", &bin->points, 0, -MODEL_POINTS_MAX, MODEL_POINTS_MAX, bwhere,
			    err))
			return -1;
		col->best = fmax(col->best, bin->points);
		bin->missing = cJSON_IsTrue(miss);
		if (bin->missing) {
			if (col->missing_bin >= 0 || cJSON_GetObjectItemCaseSensitive(b, "hi") ||
			    cJSON_GetObjectItemCaseSensitive(b, "levels")) {
				rd_err_set(err, "model spec: %s: bins[%d]: %s", where, idx,
					   col->missing_bin >= 0 ? "a second missing bin"
								 : "a missing bin has no 'hi' or 'levels'");
				return -1;
			}
			col->missing_bin = idx;
			continue;
		}
		if (col->categorical) {
			if (bin_levels(b, col, idx, where, err))
				return -1;
			continue;
		}
		const cJSON *hi = cJSON_GetObjectItemCaseSensitive(b, "hi");
		if ((hi && !cJSON_IsNumber(hi) && !cJSON_IsNull(hi)) ||
		    cJSON_GetObjectItemCaseSensitive(b, "levels")) {
			rd_err_set(err, "model spec: %s: bins[%d]: 'hi' must be a number, or null for the"
					" open top bin (and no 'levels')", where, idx);
			return -1;
		}
		bin->hi = cJSON_IsNumber(hi) ? hi->valuedouble : INFINITY;
		if (!(bin->hi > prev_hi)) {
			rd_err_set(err, "model spec: %s: bins[%d]: %s", where, idx,
				   prev_hi == INFINITY ? "a bin after the open top bin"
						       : "bin edges must increase");
			return -1;
		}
		prev_hi = bin->hi;
		col->edge_bin[col->nedges++] = idx;
	}
	if (!col->categorical && prev_hi != INFINITY) {
		rd_err_set(err, "model spec: %s: the last bin must be the open top bin ('hi' null)",
			   where);
		return -1;
	}
	for (int l = 0; l < col->nlevels; l++) {
		if (col->level_bin[l] < 0) {
			rd_err_set(err, "model spec: %s: level '%.100s' is in no bin", where,
				   col->levels[l]);
			return -1;
		}
	}
	return 0;
}

struct rd_model *model_parse(const char *spec, struct rd_err *err)
{
	cJSON *doc = spec ? jsondoc_parse(spec, strlen(spec), "model spec", err) : NULL;
	struct rd_model *m = rd_calloc(1, sizeof *m);
	const cJSON *algo = cJSON_GetObjectItemCaseSensitive(doc, "algo");
	const cJSON *jcols = cJSON_GetObjectItemCaseSensitive(doc, "columns");
	const cJSON *jsc = cJSON_GetObjectItemCaseSensitive(doc, "scaling");
	double base_points = 0;
	int a;
	if (!spec)
		rd_err_set(err, "model spec: missing");
	if (!doc)
		goto fail;
	if (!cJSON_IsObject(doc)) {
		rd_err_set(err, "model spec: not a JSON object");
		goto fail;
	}
	for (a = 0; a < MODEL_ALGOS; a++)
		if (cJSON_IsString(algo) && strcmp(algo->valuestring, model_algo_names[a]) == 0)
			break;
	if (a == MODEL_ALGOS) {
		rd_err_set(err, "model spec: 'algo' must be logit, scorecard, xgb or rf");
		goto fail;
	}
	m->algo = (enum model_algo)a;
	m->scaling = score_scaling_default;
	if (jsc && (!cJSON_IsObject(jsc) ||
		    get_num(jsc, "base_score", &m->scaling.base_score, 0, SCORE_MIN, SCORE_MAX,
			    "scaling", err) ||
		    get_num(jsc, "base_odds", &m->scaling.base_odds, 0, MODEL_BASE_ODDS_MIN,
			    MODEL_BASE_ODDS_MAX, "scaling", err) ||
		    get_num(jsc, "pdo", &m->scaling.pdo, 0, MODEL_PDO_MIN, MODEL_PDO_MAX, "scaling",
			    err))) {
		if (!cJSON_IsObject(jsc))
			rd_err_set(err, "model spec: 'scaling' must be an object");
		goto fail;
	}
	if (!model_algo_trees(m->algo) && get_num(doc, "intercept", &m->intercept, 0, -MODEL_LOGODDS_MAX,
					    MODEL_LOGODDS_MAX, "model", err))
		goto fail;
	if (get_num(doc, "base_points", &base_points, 1, -MODEL_POINTS_MAX, MODEL_POINTS_MAX,
		    "model", err))
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
				rd_err_set(err, "model spec: column '%.100s': 'levels' must be an array",
					   col->name);
			goto fail;
		}
		m->nlevels[m->ncols - 1] = col->categorical ? col->nlevels : -1;
		col->first_input = m->ninputs;
		if (m->ninputs > INT_MAX - (col->categorical ? col->nlevels : 1)) {
			rd_err_set(err, "model spec: too many inputs");
			goto fail;
		}
		m->ninputs += col->categorical ? col->nlevels : 1;
		int bad = m->algo == MODEL_LOGIT       ? parse_logit_column(jc, col, err)
			  : m->algo == MODEL_SCORECARD ? parse_scorecard_column(jc, col, err)
						       : 0;
		if (bad)
			goto fail;
	}
	if (model_algo_trees(m->algo)) {
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
	/* Never more than the score range (SPEC §5), whatever the model's arithmetic gave:
	 * a column can lose no more than the whole scale. */
	r->points = fmin(lost, SCORE_MAX - SCORE_MIN);
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
		double part;
		if (col->categorical) {
			int l = level_index(col, row[c]);
			part = l < 0 ? 0 : col->weights[l];
		} else {
			double z = isnan(row[c]) ? 0 : (row[c] - col->mean) / col->sd;
			part = col->weight * z;
		}
		eta += part;
		lost[c] = (part - col->best) * factor;
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
	/* The first bin whose upper edge is at or above v (edges increase; the last is +inf). */
	int lo = 0, hi = col->nedges;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (v <= col->bins[col->edge_bin[mid]].hi)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo < col->nedges ? col->edge_bin[lo] : -1;
}

static double scorecard_row(const struct rd_model *m, const double *row, double *lost)
{
	double eta = m->intercept;
	for (int c = 0; c < m->ncols; c++) {
		const struct model_column *col = &m->cols[c];
		int b = scorecard_bin(col, row[c]);
		/* A value with no bin (unseen level, missing never seen) is neutral: WoE 0. */
		double woe = b < 0 ? 0 : col->bins[b].woe, points = b < 0 ? 0 : col->bins[b].points;
		eta += col->coef * woe;
		lost[c] = fmax(points, col->best) - points;
	}
	return eta;
}

/* Fills a row's score from its probability of default; a pd that is not a number leaves
 * raw NaN (refused by model_score). */
static void fill(const struct rd_model *m, double pd, const double *row, const double *lost,
		 struct rd_score *out, double *raw)
{
	if (isnan(pd)) {
		*raw = NAN;
		return;
	}
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

/* -1 with err when some raw[i] is not finite. */
static int check_raw(const double *raw, size_t n, struct rd_err *err)
{
	size_t bad = 0, first = 0;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(raw[i]) && bad++ == 0)
			first = i;
	if (bad == 0)
		return 0;
	rd_err_set(err, "%zu of %zu rows get no finite log-odds; the first is row %zu", bad, n, first);
	return -1;
}

int model_score(struct rd_model *m, const double *x, size_t n, struct rd_score *out,
		double *raw, struct rd_err *err)
{
	if (model_algo_trees(m->algo))
		return xgb_score(m, x, n, out, raw, err) || check_raw(raw, n, err) ? -1 : 0;
	double *lost = rd_malloc((size_t)m->ncols * sizeof *lost);
	for (size_t i = 0; i < n; i++) {
		const double *row = x + i * (size_t)m->ncols;
		double eta = m->algo == MODEL_LOGIT ? logit_row(m, row, lost)
						    : scorecard_row(m, row, lost);
		/* Infinite log-odds come only from inputs the model's arithmetic overflows on. */
		fill(m, isfinite(eta) ? 1 / (1 + exp(-eta)) : NAN, row, lost, &out[i], &raw[i]);
	}
	free(lost);
	return check_raw(raw, n, err);
}
