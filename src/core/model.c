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
#include "riskdesk/xgbtree.h"

const char *const model_algo_names[MODEL_ALGOS] = {"logit", "scorecard", "xgb", "rf"};

int model_algo_trees(enum model_algo algo)
{
	return algo == MODEL_XGB || algo == MODEL_RF;
}

#define PD_FLOOR 1e-12 /* keeps ln(odds) finite for a certain prediction */

void score_fill(const struct score_scaling *sc, double raw, struct rd_score *out)
{
	out->score = score_clamp(raw);
	out->band = score_band_of(sc, out->score);
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
		free(col->label);
		for (int l = 0; col->level_labels && l < col->nlevels; l++)
			free(col->level_labels[l]);
		free(col->level_labels);
		free(col->bins);
		free(col->level_bin);
		free(col->edge_bin);
		free(col->special);
		free(col->special_bin);
	}
	free(m->cols);
	free(m->nlevels);
	xgb_free(m->booster);
	xgb_trees_free(m->paths);
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
	rd_err_set(err,
		   "'%s' is not a model name: 1 to %d letters, digits, '_', '.' or '-',"
		   " starting with a letter or a digit",
		   shown, MODEL_NAME_MAX);
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
static int get_num(const cJSON *o, const char *key, double *out, int optional, double lo, double hi,
		   const char *where, struct rd_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v && optional)
		return 0;
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= lo && v->valuedouble <= hi)) {
		if (hi == DBL_MAX)
			rd_err_set(err, "model spec: %s: '%s' must be a finite number", where, key);
		else
			rd_err_set(err, "model spec: %s: '%s' must be a number from %g to %g",
				   where, key, lo, hi);
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
			rd_err_set(err, "model spec: column '%s': levels must be strings",
				   col->name);
			return -1;
		}
		col->levels[col->nlevels] = rd_strdup(l->valuestring);
		if (col->nlevels && strcmp(col->levels[col->nlevels - 1], l->valuestring) >= 0) {
			col->nlevels++;
			rd_err_set(err,
				   "model spec: column '%s': levels must be sorted and distinct",
				   col->name);
			return -1;
		}
		col->nlevels++;
	}
	return 0;
}

/* The log-odds a numeric logit column adds at x, a value within its clip range. */
static double logit_part(const struct model_column *col, double x)
{
	double z = (x - col->mean) / col->sd;
	return col->weight * z;
}

static int parse_logit_column(const cJSON *jc, struct model_column *col, struct rd_err *err)
{
	char where[160];
	snprintf(where, sizeof where, "column '%.100s'", col->name);
	col->avg = 0; /* a spec from before "avg": exact for numerics (standardised values
		       * average 0 over the training rows), the all-levels-absent row for
		       * categoricals */
	if (get_num(jc, "avg", &col->avg, 1, -MODEL_LOGODDS_MAX, MODEL_LOGODDS_MAX, where, err))
		return -1;
	if (col->categorical) {
		const cJSON *jw = cJSON_GetObjectItemCaseSensitive(jc, "weights");
		if (!cJSON_IsArray(jw) || cJSON_GetArraySize(jw) != col->nlevels) {
			rd_err_set(err, "model spec: %s: one weight per level", where);
			return -1;
		}
		col->weights = rd_calloc((size_t)col->nlevels + 1, sizeof *col->weights);
		int l = 0;
		const cJSON *w;
		cJSON_ArrayForEach(w, jw)
		{
			if (!cJSON_IsNumber(w) || !(fabs(w->valuedouble) <= MODEL_LOGODDS_MAX)) {
				rd_err_set(err,
					   "model spec: %s: weights[%d] must be a number from %g "
					   "to %g",
					   where, l, -MODEL_LOGODDS_MAX, MODEL_LOGODDS_MAX);
				return -1;
			}
			col->weights[l++] = w->valuedouble;
		}
		return 0;
	}
	if (get_num(jc, "mean", &col->mean, 0, -DBL_MAX, DBL_MAX, where, err) ||
	    get_num(jc, "sd", &col->sd, 0, -DBL_MAX, DBL_MAX, where, err) ||
	    get_num(jc, "weight", &col->weight, 0, -MODEL_LOGODDS_MAX, MODEL_LOGODDS_MAX, where,
		    err))
		return -1;
	/* The range whose ends must give finite log-odds: the clip bounds, or in a spec from
	 * before winsorizing the training range (min, max; without them the mean). */
	double lo = col->mean, hi = col->mean;
	col->clip_lo = -INFINITY;
	col->clip_hi = INFINITY;
	col->impute = col->mean;
	col->missing_weight = 0;
	const cJSON *clo = cJSON_GetObjectItemCaseSensitive(jc, "clip_lo");
	if (!clo != !cJSON_GetObjectItemCaseSensitive(jc, "clip_hi")) {
		rd_err_set(err, "model spec: %s: 'clip_lo' and 'clip_hi' go together", where);
		return -1;
	}
	if (get_num(jc, "min", &lo, 1, -DBL_MAX, DBL_MAX, where, err) ||
	    get_num(jc, "max", &hi, 1, -DBL_MAX, DBL_MAX, where, err) ||
	    get_num(jc, "clip_lo", &col->clip_lo, 1, -DBL_MAX, DBL_MAX, where, err) ||
	    get_num(jc, "clip_hi", &col->clip_hi, 1, -DBL_MAX, DBL_MAX, where, err) ||
	    get_num(jc, "impute", &col->impute, 1, -DBL_MAX, DBL_MAX, where, err) ||
	    get_num(jc, "missing_weight", &col->missing_weight, 1, -MODEL_LOGODDS_MAX,
		    MODEL_LOGODDS_MAX, where, err))
		return -1;
	if (!(col->sd > 0)) {
		rd_err_set(err, "model spec: %s: 'sd' must be > 0", where);
		return -1;
	}
	if (!(lo <= hi) || !(col->clip_lo <= col->clip_hi)) {
		rd_err_set(err, "model spec: %s: '%s' must not exceed '%s'", where,
			   lo <= hi ? "clip_lo" : "min", lo <= hi ? "clip_hi" : "max");
		return -1;
	}
	if (clo) {
		lo = col->clip_lo;
		hi = col->clip_hi;
	}
	if (!isfinite(logit_part(col, lo)) || !isfinite(logit_part(col, hi)) ||
	    !isfinite(logit_part(col, col->impute))) {
		rd_err_set(err,
			   "model spec: %s: mean, sd and the range (clip_lo and clip_hi, or min"
			   " and max) or impute give no finite contribution",
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
		rd_err_set(err,
			   "model spec: %s: bins[%d] needs 'levels', a non-empty array (and no"
			   " 'hi')",
			   where, idx);
		return -1;
	}
	cJSON_ArrayForEach(l, jl)
	{
		int li = cJSON_IsString(l) ? model_level_of(col, l->valuestring) : -1;
		if (li < 0) {
			rd_err_set(err, "model spec: %s: bins[%d]: a level is not in 'levels'",
				   where, idx);
			return -1;
		}
		if (col->level_bin[li] >= 0) {
			rd_err_set(err,
				   "model spec: %s: level '%.100s' is in bins[%d] and bins[%d]",
				   where, col->levels[li], col->level_bin[li], idx);
			return -1;
		}
		col->level_bin[li] = idx;
	}
	return 0;
}

/* A numeric column's "special": distinct finite codes, none with a bin yet. */
static int parse_special_codes(const cJSON *jc, struct model_column *col, const char *where,
			       struct rd_err *err)
{
	const cJSON *js = cJSON_GetObjectItemCaseSensitive(jc, "special"), *v;
	if (!js)
		return 0;
	int n = cJSON_IsArray(js) ? cJSON_GetArraySize(js) : -1;
	if (col->categorical || n < 0 || n > MODEL_SPECIAL_MAX) {
		rd_err_set(err,
			   "model spec: %s: 'special' must be an array of at most %d numbers, in"
			   " a numeric column",
			   where, MODEL_SPECIAL_MAX);
		return -1;
	}
	col->special = rd_malloc((size_t)(n ? n : 1) * sizeof *col->special);
	col->special_bin = rd_malloc((size_t)(n ? n : 1) * sizeof *col->special_bin);
	cJSON_ArrayForEach(v, js)
	{
		if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) {
			rd_err_set(err,
				   "model spec: %s: 'special' holds a value that is not a number",
				   where);
			return -1;
		}
		for (int k = 0; k < col->nspecial; k++) {
			if (col->special[k] == v->valuedouble) {
				rd_err_set(err, "model spec: %s: 'special' lists %.17g twice",
					   where, v->valuedouble);
				return -1;
			}
		}
		col->special_bin[col->nspecial] = -1;
		col->special[col->nspecial++] = v->valuedouble;
	}
	return 0;
}

/* A bin of one special code: a code of the column's "special", in no other bin. */
static int special_bin(const cJSON *code, struct model_column *col, int idx, const char *where,
		       struct rd_err *err)
{
	int k = 0;
	while (cJSON_IsNumber(code) && k < col->nspecial && col->special[k] != code->valuedouble)
		k++;
	if (!cJSON_IsNumber(code) || k == col->nspecial) {
		rd_err_set(err,
			   "model spec: %s: bins[%d]: 'special' must be one of the column's"
			   " 'special' codes",
			   where, idx);
		return -1;
	}
	if (col->special_bin[k] >= 0) {
		rd_err_set(err, "model spec: %s: code %.17g is in bins[%d] and bins[%d]", where,
			   col->special[k], col->special_bin[k], idx);
		return -1;
	}
	col->special_bin[k] = idx;
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
	/* The average over the training rows, from the bins' counts; a spec without them
	 * measures against the best bin. */
	double rows = 0, sum = 0, best = -INFINITY;
	int counted = 1;
	if (col->categorical) {
		col->level_bin = rd_malloc((size_t)(col->nlevels ? col->nlevels : 1) * sizeof(int));
		for (int l = 0; l < col->nlevels; l++)
			col->level_bin[l] = -1;
	} else {
		col->edge_bin = rd_malloc((size_t)size * sizeof *col->edge_bin);
	}
	if (parse_special_codes(jc, col, where, err))
		return -1;
	double prev_hi = -INFINITY;
	cJSON_ArrayForEach(b, jb)
	{
		int idx = col->nbins++;
		struct model_bin *bin = &col->bins[idx];
		const cJSON *miss = cJSON_GetObjectItemCaseSensitive(b, "missing");
		char bwhere[192];
		snprintf(bwhere, sizeof bwhere, "%s: bins[%d]", where, idx);
		if (!cJSON_IsObject(b) || (miss && !cJSON_IsBool(miss))) {
			rd_err_set(err,
				   "model spec: %s must be an object ('missing' true or false)",
				   bwhere);
			return -1;
		}
		if (get_num(b, "woe", &bin->woe, 0, -MODEL_LOGODDS_MAX, MODEL_LOGODDS_MAX, bwhere,
			    err) ||
		    get_num(b, "points", &bin->points, 0, -MODEL_POINTS_MAX, MODEL_POINTS_MAX,
			    bwhere, err))
			return -1;
		best = fmax(best, bin->points);
		const cJSON *g = cJSON_GetObjectItemCaseSensitive(b, "goods");
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(b, "bads");
		bin->count = NAN;
		if (cJSON_IsNumber(g) && cJSON_IsNumber(d) && g->valuedouble >= 0 &&
		    d->valuedouble >= 0 && isfinite(g->valuedouble + d->valuedouble)) {
			bin->count = g->valuedouble + d->valuedouble;
			rows += g->valuedouble + d->valuedouble;
			sum += (g->valuedouble + d->valuedouble) * bin->points;
		} else {
			counted = 0;
		}
		bin->missing = cJSON_IsTrue(miss);
		if (bin->missing) {
			if (col->missing_bin >= 0 || cJSON_GetObjectItemCaseSensitive(b, "hi") ||
			    cJSON_GetObjectItemCaseSensitive(b, "levels")) {
				rd_err_set(err, "model spec: %s: bins[%d]: %s", where, idx,
					   col->missing_bin >= 0
						   ? "a second missing bin"
						   : "a missing bin has no 'hi' or 'levels'");
				return -1;
			}
			col->missing_bin = idx;
			continue;
		}
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(b, "special");
		if (code) {
			if (cJSON_GetObjectItemCaseSensitive(b, "hi") ||
			    cJSON_GetObjectItemCaseSensitive(b, "levels")) {
				rd_err_set(err,
					   "model spec: %s: bins[%d]: a special bin has no 'hi' or"
					   " 'levels'",
					   where, idx);
				return -1;
			}
			if (special_bin(code, col, idx, where, err))
				return -1;
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
			rd_err_set(err,
				   "model spec: %s: bins[%d]: 'hi' must be a number, or null for "
				   "the"
				   " open top bin (and no 'levels')",
				   where, idx);
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
	if (!col->categorical && prev_hi != INFINITY && (col->nedges > 0 || col->nspecial == 0)) {
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
	col->avg = counted && rows > 0 && isfinite(sum / rows) ? sum / rows : best;
	return 0;
}

/* One label of the spec's "labels": what a string may be (rd_label_ok). */
static int label_dup(const cJSON *v, char **out, const char *where, const char *what,
		     struct rd_err *err)
{
	if (!cJSON_IsString(v) || !rd_label_ok(v->valuestring)) {
		rd_err_set(err,
			   "model spec: labels: %s: %s must be a text of 1 to %d bytes without"
			   " control characters",
			   where, what, RD_LABEL_MAX);
		return -1;
	}
	*out = rd_strdup(v->valuestring);
	return 0;
}

/* "labels": {column: {"label": text, "values": {level: text}}}, both members optional;
 * every column and level named must be the model's. */
static int parse_labels(struct rd_model *m, const cJSON *jl, struct rd_err *err)
{
	const cJSON *e, *v;
	if (!cJSON_IsObject(jl)) {
		rd_err_set(err,
			   "model spec: 'labels' must be an object of column -> {label, values}");
		return -1;
	}
	cJSON_ArrayForEach(e, jl)
	{
		char where[120];
		snprintf(where, sizeof where, "'%.100s'", e->string);
		int c;
		for (c = 0; c < m->ncols && strcmp(m->cols[c].name, e->string) != 0; c++)
			;
		if (c == m->ncols || !cJSON_IsObject(e)) {
			rd_err_set(err, "model spec: labels: %s %s", where,
				   c == m->ncols ? "is not a column of the model"
						 : "must be an object with 'label' and 'values'");
			return -1;
		}
		struct model_column *col = &m->cols[c];
		cJSON_ArrayForEach(v, e)
		{
			if (strcmp(v->string, "label") == 0) {
				if (label_dup(v, &col->label, where, "'label'", err))
					return -1;
				continue;
			}
			if (strcmp(v->string, "values") != 0 || !cJSON_IsObject(v) ||
			    (v->child && !col->categorical)) {
				rd_err_set(err,
					   "model spec: labels: %s: only 'label' and, for a "
					   "categorical"
					   " column, 'values' (an object of level -> text)",
					   where);
				return -1;
			}
			if (!col->level_labels)
				col->level_labels = rd_calloc((size_t)col->nlevels + 1,
							      sizeof *col->level_labels);
			const cJSON *lv;
			cJSON_ArrayForEach(lv, v)
			{
				int l = model_level_of(col, lv->string);
				if (l < 0) {
					rd_err_set(err,
						   "model spec: labels: %s: '%.100s' is not one of "
						   "its"
						   " levels",
						   where, lv->string);
					return -1;
				}
				if (label_dup(lv, &col->level_labels[l], where, "a value's label",
					      err))
					return -1;
			}
		}
	}
	return 0;
}

/* The scaling's optional band edges: [A, B, C, D] lower edges (score_bands_parse's rule). */
static int parse_bands(const cJSON *jb, int bands[SCORE_BANDS - 1], struct rd_err *err)
{
	char text[64] = "";
	size_t used = 0;
	const cJSON *v;
	if (!jb)
		return 0;
	if (!cJSON_IsArray(jb) || cJSON_GetArraySize(jb) != SCORE_BANDS - 1) {
		rd_err_set(err, "model spec: scaling: 'bands' must be an array of 4 scores");
		return -1;
	}
	cJSON_ArrayForEach(v, jb)
	{
		if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
		    fabs(v->valuedouble) > SCORE_MAX * 2) {
			rd_err_set(err, "model spec: scaling: 'bands' must hold whole scores");
			return -1;
		}
		used += (size_t)snprintf(text + used, sizeof text - used, "%s%d", used ? "," : "",
					 (int)v->valuedouble);
	}
	struct rd_err berr;
	if (score_bands_parse(text, bands, &berr)) {
		rd_err_set(err, "model spec: scaling: 'bands': %s", berr.msg);
		return -1;
	}
	return 0;
}

int model_scaling_parse(const cJSON *jsc, struct score_scaling *sc, struct rd_err *err)
{
	*sc = score_scaling_default;
	if (jsc &&
	    (!cJSON_IsObject(jsc) ||
	     get_num(jsc, "base_score", &sc->base_score, 0, SCORE_MIN, SCORE_MAX, "scaling", err) ||
	     get_num(jsc, "base_odds", &sc->base_odds, 0, MODEL_BASE_ODDS_MIN, MODEL_BASE_ODDS_MAX,
		     "scaling", err) ||
	     get_num(jsc, "pdo", &sc->pdo, 0, MODEL_PDO_MIN, MODEL_PDO_MAX, "scaling", err))) {
		if (!cJSON_IsObject(jsc))
			rd_err_set(err, "model spec: 'scaling' must be an object");
		return -1;
	}
	return parse_bands(cJSON_GetObjectItemCaseSensitive(jsc, "bands"), sc->bands, err);
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
	if (model_scaling_parse(jsc, &m->scaling, err))
		goto fail;
	if (!model_algo_trees(m->algo) &&
	    get_num(doc, "intercept", &m->intercept, 0, -MODEL_LOGODDS_MAX, MODEL_LOGODDS_MAX,
		    "model", err))
		goto fail;
	if (get_num(doc, "base_points", &base_points, 1, -MODEL_POINTS_MAX, MODEL_POINTS_MAX,
		    "model", err))
		goto fail;
	m->base_points = base_points;
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
		if (strlen(name->valuestring) > REASON_NAME_MAX) {
			rd_err_set(err,
				   "model spec: column %d: a name longer than %d bytes (reason "
				   "codes"
				   " hold names whole)",
				   m->ncols, REASON_NAME_MAX);
			goto fail;
		}
		col->name = rd_strdup(name->valuestring);
		col->feature = feature_index(col->name);
		if (levels && (!cJSON_IsArray(levels) || parse_levels(levels, col, err))) {
			if (!cJSON_IsArray(levels))
				rd_err_set(err,
					   "model spec: column '%.100s': 'levels' must be an array",
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
	const cJSON *jl = cJSON_GetObjectItemCaseSensitive(doc, "labels");
	if (jl && parse_labels(m, jl, err))
		goto fail;
	if (model_algo_trees(m->algo)) {
		const cJSON *jb = cJSON_GetObjectItemCaseSensitive(doc, "booster");
		if (!cJSON_IsString(jb)) {
			rd_err_set(err, "model spec: 'booster' must be XGBoost's JSON model as a "
					"string");
			goto fail;
		}
		const cJSON *jr = cJSON_GetObjectItemCaseSensitive(doc, "reasons");
		if (jr && !(cJSON_IsString(jr) && (strcmp(jr->valuestring, "shap") == 0 ||
						   strcmp(jr->valuestring, "approx") == 0))) {
			rd_err_set(err, "model spec: 'reasons' must be \"shap\" or \"approx\"");
			goto fail;
		}
		m->approx_reasons = jr && strcmp(jr->valuestring, "approx") == 0;
		m->booster = xgb_from_json(jb->valuestring, strlen(jb->valuestring), m->ninputs,
					   err);
		if (!m->booster)
			goto fail;
		/* The trees walked in C: the margin as libxgboost predicts it, and approximate
		 * contributions from the table of path attributions, the same numbers as its
		 * approx_contribs, faster (docs/design.md). */
		if (!(m->paths = xgb_trees_parse(jb->valuestring, strlen(jb->valuestring),
						 m->ninputs, err)))
			goto fail;
	}
	cJSON_Delete(doc);
	return m;
fail:
	cJSON_Delete(doc);
	model_free(m);
	return NULL;
}

static int level_index(const struct model_column *col, double v)
{
	return isnan(v) || v < 0 || v >= col->nlevels ? -1 : (int)v;
}

const char *model_label(const struct rd_model *m, int c)
{
	const struct model_column *col = &m->cols[c];
	return col->label          ? col->label
	       : col->feature >= 0 ? feature_labels[col->feature]
				   : col->name;
}

/* Points lost as a reason holds them: never more than the score range (SPEC §5), whatever
 * the model's arithmetic gave: a column can lose no more than the whole scale. */
static double reason_points(double lost)
{
	return fmin(lost, SCORE_MAX - SCORE_MIN);
}

/* A reason: code "M-" and the column's name, whole (names are at most REASON_NAME_MAX
 * bytes, so codes are unique as the names are); text "LABEL: VALUE" with the labels of
 * the spec when it has them. */
static void reason_for(const struct rd_model *m, int c, double v, double lost, struct rd_reason *r)
{
	const struct model_column *col = &m->cols[c];
	char shown[RD_LABEL_MAX + 64], text[REASON_NAME_MAX + sizeof shown + 4];
	snprintf(r->code, sizeof r->code, "M-%s", col->name);
	r->feature = col->feature;
	snprintf(r->name, sizeof r->name, "%s", col->name);
	r->level[0] = '\0';
	r->value = NAN;
	if (col->categorical) {
		int l = level_index(col, v);
		if (l >= 0)
			utf8_copy_cut(r->level, sizeof r->level, col->levels[l]);
		utf8_copy_cut(shown, sizeof shown,
			      l < 0                                       ? "missing or unseen"
			      : col->level_labels && col->level_labels[l] ? col->level_labels[l]
									  : col->levels[l]);
	} else {
		r->value = v;
		num_format(v, shown, sizeof shown); /* NaN: "missing" */
	}
	snprintf(text, sizeof text, "%s: %s", model_label(m, c), shown);
	utf8_copy_cut(r->text, sizeof r->text, text);
	r->points = reason_points(lost);
}

/* Whether column a comes before column b among the reasons: more points, ties by name. */
static int reason_before(const struct rd_model *m, int a, double pa, int b, double pb)
{
	if (pa != pb)
		return pa > pb;
	return strcmp(m->cols[a].name, m->cols[b].name) < 0; /* ties in a fixed order */
}

/* Keeps the REASONS_MAX columns losing the most points (above 0.005); only those are
 * formatted. */
static void pick_reasons(const struct rd_model *m, const double *row, const double *lost,
			 struct rd_score *out)
{
	int top[REASONS_MAX + 1], n = 0;
	double pts[REASONS_MAX + 1];
	for (int c = 0; c < m->ncols; c++) {
		if (!(lost[c] > 0.005))
			continue;
		double p = reason_points(lost[c]);
		int k = n;
		while (k > 0 && reason_before(m, c, p, top[k - 1], pts[k - 1])) {
			top[k] = top[k - 1];
			pts[k] = pts[k - 1];
			k--;
		}
		top[k] = c;
		pts[k] = p;
		if (n < REASONS_MAX)
			n++;
	}
	out->nreasons = n;
	for (int i = 0; i < n; i++)
		reason_for(m, top[i], row[top[i]], lost[top[i]], &out->reasons[i]);
}

/* Log-odds of default and the points each column loses against the training population's
 * average contribution: a numeric clipped to its training range (winsorized), a missing
 * one imputed and flagged. */
static double logit_row(const struct rd_model *m, const double *row, double *lost)
{
	double factor = m->scaling.pdo / M_LN2, eta = m->intercept;
	for (int c = 0; c < m->ncols; c++) {
		const struct model_column *col = &m->cols[c];
		double part;
		if (col->categorical) {
			int l = level_index(col, row[c]);
			part = l < 0 ? 0 : col->weights[l];
		} else if (isnan(row[c])) {
			part = logit_part(col, col->impute) + col->missing_weight;
		} else {
			part = logit_part(col, fmin(fmax(row[c], col->clip_lo), col->clip_hi));
		}
		eta += part;
		lost[c] = (part - col->avg) * factor;
	}
	return eta;
}

int model_scorecard_bin(const struct model_column *col, double v)
{
	if (col->categorical) {
		int l = level_index(col, v);
		return l < 0 ? col->missing_bin : col->level_bin[l];
	}
	if (isnan(v))
		return col->missing_bin;
	for (int k = 0; k < col->nspecial; k++)
		if (v == col->special[k])
			return col->special_bin[k];
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
		int b = model_scorecard_bin(col, row[c]);
		/* A value with no bin (unseen level, missing never seen) is neutral: WoE 0. */
		double woe = b < 0 ? 0 : col->bins[b].woe, points = b < 0 ? 0 : col->bins[b].points;
		eta += col->coef * woe;
		lost[c] = col->avg - points;
	}
	return eta;
}

/* Fills a row's score from its probability of default; a pd that is not a number leaves
 * raw NaN (refused by model_score). */
static void fill(const struct rd_model *m, double pd, const double *row, const double *lost,
		 struct rd_score *out, double *raw)
{
	out->path_reasons = 0;
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

/* The points each column loses from a row's contributions (cr: per input, towards
 * default), and the row's score from its probability of default. */
static void tree_row_fill(const struct rd_model *m, const double *row, double pd, const float *crf,
			  const double *crd, double *lost, struct rd_score *out, double *raw)
{
	double factor = m->scaling.pdo / M_LN2;
	for (int c = 0; c < m->ncols; c++) {
		const struct model_column *col = &m->cols[c];
		double s = 0;
		for (int j = 0; j < (col->categorical ? col->nlevels : 1); j++)
			s += crf ? crf[col->first_input + j] : crd[col->first_input + j];
		lost[c] = s * factor; /* SHAP towards default, in points */
	}
	fill(m, pd, row, lost, out, raw);
}

/* Rows scored from the trees walked in C (xgbtree.h): the margin as libxgboost predicts it
 * and the path attributions. */
#define PATHS_CHUNK 256

static void paths_score(const struct rd_model *m, const double *x, size_t n, struct rd_score *out,
			double *raw)
{
	size_t w = (size_t)m->ninputs + 1;
	float *in = rd_malloc(PATHS_CHUNK * (size_t)m->ninputs * sizeof *in),
	      *acc = rd_malloc(PATHS_CHUNK * w * sizeof *acc), margin[PATHS_CHUNK];
	double *lost = rd_malloc((size_t)m->ncols * sizeof *lost);
	for (size_t start = 0; start < n; start += PATHS_CHUNK) {
		size_t k = n - start < PATHS_CHUNK ? n - start : PATHS_CHUNK;
		for (size_t i = 0; i < k; i++)
			onehot_row(m->ncols, m->nlevels, x + (start + i) * (size_t)m->ncols,
				   in + i * (size_t)m->ninputs);
		xgb_trees_rows(m->paths, in, k, margin, acc);
		for (size_t i = 0; i < k; i++) {
			tree_row_fill(m, x + (start + i) * (size_t)m->ncols, xgb_sigmoid(margin[i]),
				      acc + i * w, NULL, lost, &out[start + i], &raw[start + i]);
			out[start + i].path_reasons = !m->approx_reasons;
		}
	}
	free(in);
	free(acc);
	free(lost);
}

/* xgb in chunks, so the one-hot input matrix stays small. */
#define XGB_CHUNK 4096

static int xgb_score(struct rd_model *m, const double *x, size_t n, struct rd_score *out,
		     double *raw, struct rd_err *err)
{
	if (m->paths && (m->approx_reasons || m->rank_only)) {
		paths_score(m, x, n, out, raw);
		return 0;
	}
	size_t chunk = n < XGB_CHUNK ? n : XGB_CHUNK, w = (size_t)m->ninputs + 1;
	float *in = rd_malloc(chunk * (size_t)m->ninputs * sizeof *in);
	double *pd = rd_malloc(chunk * sizeof *pd),
	       *contrib = rd_malloc(chunk * w * sizeof *contrib);
	double *lost = rd_malloc((size_t)m->ncols * sizeof *lost);
	int rc = 0;
	for (size_t start = 0; start < n && rc == 0; start += chunk) {
		size_t k = n - start < chunk ? n - start : chunk;
		for (size_t i = 0; i < k; i++)
			onehot_row(m->ncols, m->nlevels, x + (start + i) * (size_t)m->ncols,
				   in + i * (size_t)m->ninputs);
		/* the margin from the trees walked in C when they are read (test_xgbtree: the
		 * same float as libxgboost's prediction), else libxgboost's */
		if (m->paths) {
			for (size_t i = 0; i < k; i += PATHS_CHUNK) {
				float margin[PATHS_CHUNK];
				size_t b = k - i < PATHS_CHUNK ? k - i : PATHS_CHUNK;
				xgb_trees_rows(m->paths, in + i * (size_t)m->ninputs, b, margin,
					       NULL);
				for (size_t j = 0; j < b; j++)
					pd[i + j] = xgb_sigmoid(margin[j]);
			}
		} else
			rc = xgb_predict(m->booster, in, k, pd, err);
		if (rc == 0)
			rc = xgb_contribs(m->booster, in, k, m->approx_reasons, contrib, err);
		for (size_t i = 0; i < k && rc == 0; i++)
			tree_row_fill(m, x + (start + i) * (size_t)m->ncols, pd[i], NULL,
				      contrib + i * w, lost, &out[start + i], &raw[start + i]);
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
	rd_err_set(err, "%zu of %zu rows get no finite log-odds; the first is row %zu", bad, n,
		   first);
	return -1;
}

int model_score(struct rd_model *m, const double *x, size_t n, struct rd_score *out, double *raw,
		struct rd_err *err)
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
