/* libxgboost's C API (include/riskdesk/xgb.h): training boosted trees and random forests
 * on dense rows, early stopping, probabilities and SHAP contributions, the model's JSON
 * text, and the checks of that text before libxgboost reads it. What a training row is,
 * and the specification a fit writes, are train_xgb.c's. */
#include "riskdesk/xgb.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xgboost/c_api.h>

#include "riskdesk/jsondoc.h"
#include "riskdesk/metrics.h"

/* Rows per DMatrix when predicting: bounds libxgboost's copy of the rows (8 bytes per
 * value) and its output buffer, whatever n the caller passes. */
#define XGB_BATCH 65536

const struct xgb_params xgb_params_default = {
	.trees = 300,
	.max_depth = 4,
	.eta = 0.05,
	.subsample = 0.8,
	.colsample = 0.8,
	.threads = 0,
	.seed = 0,
	.min_child_weight = 1,
	.forest = 0,
};

const struct xgb_params xgb_params_forest = {
	.trees = 500,
	.max_depth = 16,
	.eta = 1,
	.subsample = 0.632,
	.colsample = XGB_AUTO,
	.threads = 0,
	.seed = 0,
	.min_child_weight = XGB_AUTO,
	.forest = 1,
};

struct xgb_model {
	BoosterHandle h; /* owned */
	int ninputs;     /* columns of x */
};

static const char *const predict_config =
	"{\"type\":0,\"training\":false,\"iteration_begin\":0,\"iteration_end\":0,"
	"\"strict_shape\":false}";
static const char *const contribs_config =
	"{\"type\":2,\"training\":false,\"iteration_begin\":0,\"iteration_end\":0,"
	"\"strict_shape\":false}";
static const char *const approx_contribs_config =
	"{\"type\":3,\"training\":false,\"iteration_begin\":0,\"iteration_end\":0,"
	"\"strict_shape\":false}";

static const char *const leaf_config =
	"{\"type\":6,\"training\":false,\"iteration_begin\":0,\"iteration_end\":0,"
	"\"strict_shape\":false}";

static void log_ignore(const char *msg)
{
	(void)msg;
}

/* libxgboost's log callback and verbosity are per thread, so every entry point sets
 * them for the calling thread. The callback also swallows LOG(CONSOLE), which prints
 * whatever the verbosity. */
static void quiet(void)
{
	XGBRegisterLogCallback(log_ignore);
	XGBSetGlobalConfig("{\"verbosity\":0}");
}

/* err = "xgboost: what: " and the last error of this thread, without libxgboost's
 * "[time] file:line: " prefix and its stack trace. */
static void fail(struct rd_err *err, const char *what)
{
	const char *e = XGBGetLastError();
	if (!e || !*e)
		e = "unknown error";
	if (e[0] == '[') {
		const char *close = strchr(e, ']');
		const char *colon = close ? strstr(close, ": ") : NULL;
		const char *nl = strchr(e, '\n');
		if (colon && (!nl || colon < nl))
			e = colon + 2;
	}
	size_t len = strcspn(e, "\n");
	while (len > 0 && (e[len - 1] == ' ' || e[len - 1] == ':'))
		len--;
	rd_err_set(err, "xgboost: %s: %.*s", what, (int)len, e);
}

static int check_params(const struct xgb_params *p, struct rd_err *err)
{
	if (p->trees < 1) {
		rd_err_set(err, "xgboost: trees must be at least 1 (got %d)", p->trees);
		return -1;
	}
	if (p->max_depth < 1) {
		rd_err_set(err, "xgboost: max_depth must be at least 1 (got %d)", p->max_depth);
		return -1;
	}
	if (!(p->eta > 0 && p->eta <= 1)) {
		rd_err_set(err, "xgboost: eta must be in (0, 1] (got %g)", p->eta);
		return -1;
	}
	if (!(p->subsample > 0 && p->subsample <= 1)) {
		rd_err_set(err, "xgboost: subsample must be in (0, 1] (got %g)", p->subsample);
		return -1;
	}
	int autos = p->forest && p->colsample == XGB_AUTO;
	if (!autos && !(p->colsample > 0 && p->colsample <= 1)) {
		rd_err_set(err, "xgboost: colsample must be in (0, 1] (got %g)", p->colsample);
		return -1;
	}
	autos = p->forest && p->min_child_weight == XGB_AUTO;
	if (!autos && !(p->min_child_weight >= 0 && p->min_child_weight <= 1e6)) {
		rd_err_set(err, "xgboost: min_child_weight must be from 0 to 1e6 (got %g)",
			   p->min_child_weight);
		return -1;
	}
	if (p->trees > XGB_MAX_TREES) {
		rd_err_set(err, "xgboost: at most %d trees (got %d)", XGB_MAX_TREES, p->trees);
		return -1;
	}
	if (p->threads < 0) {
		rd_err_set(err, "xgboost: threads must be 0 (all cores) or more (got %d)",
			   p->threads);
		return -1;
	}
	return 0;
}

/* A forest's base score: the bad rate of its training rows, kept inside (0, 1). */
static double forest_base(size_t rows, size_t bads)
{
	return rows ? fmin(fmax((double)bads / (double)rows, 1e-6), 1 - 1e-6) : 0.5;
}

void xgb_forest_resolve(struct xgb_params *p, size_t rows, size_t bads, int ninputs)
{
	if (!p->forest)
		return;
	/* floor(sqrt(n)) inputs: libxgboost samples (int)(colsample * n) of them, so the
	 * half keeps a float's rounding from taking one off. */
	if (p->colsample == XGB_AUTO && ninputs > 0) {
		double k = floor(sqrt((double)ninputs));
		p->colsample = fmin((k + 0.5) / ninputs, 1);
	}
	/* Leaves of sqrt(m) / 4 of a tree's m rows: measured on German (m 506, best near 5
	 * rows) and Taiwan (m 15,168, best from 20 to 40 rows), docs/design.md. Every row's
	 * hessian is p0 (1 - p0), a forest's trees all starting from the base score. */
	if (p->min_child_weight == XGB_AUTO) {
		double p0 = forest_base(rows, bads);
		p->min_child_weight = sqrt((double)rows * p->subsample) / 4 * p0 * (1 - p0);
	}
}

/* base: the base score, 0.5 for boosting (explicit, so that a later libxgboost, which
 * estimates it, trains the same) and the training bad rate for a forest. */
static int set_params(BoosterHandle h, const struct xgb_params *p, double base, struct rd_err *err)
{
	char depth[16], eta[32], sub[32], col[32], threads[16], seed[16], mcw[32], forest[16],
		bs[32];
	snprintf(depth, sizeof depth, "%d", p->max_depth);
	snprintf(eta, sizeof eta, "%.17g", p->forest ? 1.0 : p->eta);
	snprintf(sub, sizeof sub, "%.17g", p->subsample);
	snprintf(col, sizeof col, "%.17g", p->colsample);
	snprintf(threads, sizeof threads, "%d", p->threads);
	snprintf(seed, sizeof seed, "%u", p->seed);
	snprintf(mcw, sizeof mcw, "%.17g", p->min_child_weight);
	snprintf(forest, sizeof forest, "%d", p->trees);
	snprintf(bs, sizeof bs, "%.17g", base);
	const char *kv[][2] = {
		{"objective", "binary:logistic"},
		{"tree_method", "hist"},
		{"base_score", bs},
		{"max_depth", depth},
		{"eta", eta},
		{"subsample", sub},
		/* A forest samples the inputs at each split, as a random forest does. */
		{p->forest ? "colsample_bynode" : "colsample_bytree", col},
		{"min_child_weight", mcw},
		{"num_parallel_tree", p->forest ? forest : NULL},
		/* No L2 shrinkage of a forest's leaves: lambda 1 pulled a small leaf's value
		 * towards the base score (value G / (H + lambda), H about 0.2 per row), which
		 * cost German 0.004 of AUC. Boosting keeps libxgboost's default. */
		{"lambda", p->forest ? "0" : NULL},
		{"seed", seed},
		/* Leaving nthread unset lets libxgboost use every core. */
		{"nthread", p->threads > 0 ? threads : NULL},
	};
	for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) {
		if (!kv[i][1])
			continue;
		if (XGBoosterSetParam(h, kv[i][0], kv[i][1])) {
			fail(err, kv[i][0]);
			return -1;
		}
	}
	return 0;
}

/* The rows with use[i] != 0 (all with use NULL) as a DMatrix with their labels; *bads
 * counts their defaults. NULL with err. */
static DMatrixHandle rows_matrix(const float *x, size_t n, int ninputs, const int *y,
				 const unsigned char *use, size_t *count, size_t *bads,
				 struct rd_err *err)
{
	DMatrixHandle dm = NULL;
	float *rows = NULL, *labels = NULL;
	size_t k = 0;
	*bads = 0;
	for (size_t i = 0; i < n; i++) {
		if (use && !use[i])
			continue;
		if (y[i] != 0 && y[i] != 1) {
			rd_err_set(err, "xgboost: label of row %zu is %d, not 0 or 1", i, y[i]);
			return NULL;
		}
		*bads += (size_t)y[i];
		k++;
	}
	*count = k;
	if (k == 0) {
		rd_err_set(err, "xgboost: no training rows");
		return NULL;
	}
	/* The selected rows, compacted; with no selection x is used as it is. */
	const float *src = x;
	labels = rd_malloc(k * sizeof *labels);
	if (use)
		rows = rd_malloc(k * (size_t)ninputs * sizeof *rows);
	for (size_t i = 0, j = 0; i < n; i++) {
		if (use && !use[i])
			continue;
		if (rows)
			memcpy(rows + j * (size_t)ninputs, x + i * (size_t)ninputs,
			       (size_t)ninputs * sizeof *rows);
		labels[j++] = (float)y[i];
	}
	if (rows)
		src = rows;
	if (XGDMatrixCreateFromMat(src, (bst_ulong)k, (bst_ulong)ninputs, NAN, &dm)) {
		fail(err, "training rows");
	} else if (XGDMatrixSetFloatInfo(dm, "label", labels, (bst_ulong)k)) {
		fail(err, "labels");
		XGDMatrixFree(dm);
		dm = NULL;
	}
	free(rows);
	free(labels);
	return dm;
}

/* A booster for the training matrix (and eval, may be NULL, in its prediction cache) with
 * p's parameters. NULL with err. */
static BoosterHandle new_booster(DMatrixHandle train, DMatrixHandle eval, size_t rows, size_t bads,
				 const struct xgb_params *p, struct rd_err *err)
{
	DMatrixHandle cache[2] = {train, eval};
	BoosterHandle h = NULL;
	if (XGBoosterCreate(cache, eval ? 2 : 1, &h)) {
		fail(err, "booster");
		return NULL;
	}
	/* A forest's trees are one Newton step from the base score: from the bad rate p0, a
	 * leaf whose rows' rate is r is worth (r - p0) / (p0 (1 - p0)), its log-odds to first
	 * order, and the forest ranks rows as the mean of their leaves' rates does. */
	double base = p->forest ? forest_base(rows, bads) : 0.5;
	if (set_params(h, p, base, err)) {
		XGBoosterFree(h);
		return NULL;
	}
	return h;
}

struct xgb_model *xgb_train(const float *x, size_t n, int ninputs, const int *y,
			    const unsigned char *use, const struct xgb_params *p,
			    const atomic_int *cancel,
			    void (*progress)(void *ud, int done, int total), void *ud,
			    struct rd_err *err)
{
	struct xgb_model *m = NULL;
	DMatrixHandle dm = NULL;
	BoosterHandle h = NULL;
	size_t k, bads;
	struct xgb_params q;

	if (!p)
		p = &xgb_params_default;
	if (check_params(p, err))
		return NULL;
	if (!x || !y || ninputs < 1) {
		rd_err_set(err, "xgboost: no training data");
		return NULL;
	}
	quiet();
	if (!(dm = rows_matrix(x, n, ninputs, y, use, &k, &bads, err)))
		goto out;
	q = *p;
	xgb_forest_resolve(&q, k, bads, ninputs);
	if (!(h = new_booster(dm, NULL, k, bads, &q, err)))
		goto out;
	/* A forest is one round (all its trees at once: not cancellable inside). */
	int rounds = p->forest ? 1 : p->trees;
	for (int i = 0; i < rounds; i++) {
		if (cancel && *cancel) {
			rd_err_set(err, "cancelled");
			goto out;
		}
		if (XGBoosterUpdateOneIter(h, i, dm)) {
			fail(err, "training");
			goto out;
		}
		if (progress && ((i + 1) % 10 == 0 || i + 1 == rounds))
			progress(ud, p->forest ? p->trees : i + 1, p->trees);
	}
	m = rd_malloc(sizeof *m);
	m->h = h;
	m->ninputs = ninputs;
	h = NULL;
out:
	if (h)
		XGBoosterFree(h);
	if (dm)
		XGDMatrixFree(dm);
	return m;
}

int xgb_early_stop(const float *x, size_t n, int ninputs, const int *y, const unsigned char *use,
		   const unsigned char *eval, const struct xgb_params *p, int patience,
		   const atomic_int *cancel, int *best_rounds, double *best_auc, struct rd_err *err)
{
	DMatrixHandle dm = NULL, dv = NULL;
	BoosterHandle h = NULL;
	size_t k, bads, ke, ebads;
	double *pd = NULL;
	int *ye = NULL, rc = -1;
	if (check_params(p, err))
		return -1;
	if (p->forest || patience < 1 || !x || !y || !use || !eval || ninputs < 1) {
		rd_err_set(err, "xgboost: early stopping needs boosting, patience >= 1 and rows");
		return -1;
	}
	quiet();
	if (!(dm = rows_matrix(x, n, ninputs, y, use, &k, &bads, err)) ||
	    !(dv = rows_matrix(x, n, ninputs, y, eval, &ke, &ebads, err)) ||
	    !(h = new_booster(dm, dv, k, bads, p, err)))
		goto out;
	pd = rd_malloc(ke * sizeof *pd);
	ye = rd_malloc(ke * sizeof *ye);
	for (size_t i = 0, j = 0; i < n; i++)
		if (eval[i])
			ye[j++] = y[i];
	*best_rounds = 0;
	*best_auc = -1;
	for (int i = 0; i < p->trees && i - *best_rounds < patience; i++) {
		const bst_ulong *shape = NULL;
		bst_ulong dim = 0;
		const float *res = NULL;
		double auc;
		if (cancel && *cancel) {
			rd_err_set(err, "cancelled");
			goto out;
		}
		if (XGBoosterUpdateOneIter(h, i, dm)) {
			fail(err, "training");
			goto out;
		}
		/* eval is in the booster's cache: each round adds only its new tree. */
		if (XGBoosterPredictFromDMatrix(h, dv, predict_config, &shape, &dim, &res)) {
			fail(err, "prediction");
			goto out;
		}
		for (size_t j = 0; j < ke; j++)
			pd[j] = res[j];
		if (metrics_auc(pd, ye, ke, &auc, err))
			goto out;
		if (auc > *best_auc) {
			*best_auc = auc;
			*best_rounds = i + 1;
		}
	}
	rc = 0;
out:
	if (h)
		XGBoosterFree(h);
	if (dm)
		XGDMatrixFree(dm);
	if (dv)
		XGDMatrixFree(dv);
	free(pd);
	free(ye);
	return rc;
}

/* Predicts with config on rows in batches; each row gives width floats, stored as doubles. */
static int predict_rows(struct xgb_model *m, const char *config, const float *x, size_t n,
			size_t width, double *out, struct rd_err *err)
{
	if (!m || (n > 0 && (!x || !out))) {
		rd_err_set(err, "xgboost: no model or no rows");
		return -1;
	}
	quiet();
	for (size_t start = 0; start < n; start += XGB_BATCH) {
		size_t rows = n - start < XGB_BATCH ? n - start : XGB_BATCH;
		DMatrixHandle dm = NULL;
		const bst_ulong *shape = NULL;
		bst_ulong dim = 0;
		const float *res = NULL;
		if (XGDMatrixCreateFromMat(x + start * (size_t)m->ninputs, (bst_ulong)rows,
					   (bst_ulong)m->ninputs, NAN, &dm)) {
			fail(err, "rows");
			return -1;
		}
		int rc = XGBoosterPredictFromDMatrix(m->h, dm, config, &shape, &dim, &res);
		if (rc) {
			fail(err, "prediction");
		} else {
			/* res belongs to the booster until its next prediction: copied now. */
			bst_ulong total = 1;
			for (bst_ulong d = 0; d < dim; d++)
				total *= shape[d];
			if (total != (bst_ulong)(rows * width)) {
				rd_err_set(err, "xgboost: prediction has %llu values, expected %zu",
					   (unsigned long long)total, rows * width);
				rc = -1;
			} else {
				double *o = out + start * width;
				for (size_t i = 0; i < rows * width; i++)
					o[i] = res[i];
			}
		}
		XGDMatrixFree(dm);
		if (rc)
			return -1;
	}
	return 0;
}

int xgb_predict(struct xgb_model *m, const float *x, size_t n, double *pd, struct rd_err *err)
{
	return predict_rows(m, predict_config, x, n, 1, pd, err);
}

int xgb_contribs(struct xgb_model *m, const float *x, size_t n, int approx, double *out,
		 struct rd_err *err)
{
	return predict_rows(m, approx ? approx_contribs_config : contribs_config, x, n,
			    m ? (size_t)m->ninputs + 1 : 0, out, err);
}

int xgb_leaves(struct xgb_model *m, const float *x, size_t n, int ntrees, int *out,
	       struct rd_err *err)
{
	size_t w = (size_t)(ntrees > 0 ? ntrees : 1), cells = n * w;
	double *ids = rd_malloc((cells ? cells : 1) * sizeof *ids);
	int rc = predict_rows(m, leaf_config, x, n, w, ids, err);
	for (size_t i = 0; rc == 0 && i < cells; i++)
		out[i] = (int)ids[i];
	free(ids);
	return rc;
}

char *xgb_to_json(struct xgb_model *m, struct rd_err *err)
{
	bst_ulong len = 0;
	const char *buf = NULL;
	if (!m) {
		rd_err_set(err, "xgboost: no model");
		return NULL;
	}
	quiet();
	if (XGBoosterSaveModelToBuffer(m->h, "{\"format\":\"json\"}", &len, &buf)) {
		fail(err, "saving the model");
		return NULL;
	}
	/* buf belongs to the booster and is not NUL-terminated. */
	return rd_strndup(buf, (size_t)len);
}

/* The objective's name in the booster's JSON configuration; 0 when it is binary:logistic. */
static int check_objective(BoosterHandle h, struct rd_err *err)
{
	bst_ulong len = 0;
	const char *buf = NULL;
	if (XGBoosterSaveJsonConfig(h, &len, &buf)) {
		fail(err, "model configuration");
		return -1;
	}
	cJSON *root = cJSON_ParseWithLength(buf, (size_t)len);
	cJSON *learner = cJSON_GetObjectItemCaseSensitive(root, "learner");
	cJSON *obj = cJSON_GetObjectItemCaseSensitive(learner, "objective");
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "name"));
	int rc = 0;
	if (!name || strcmp(name, "binary:logistic") != 0) {
		rd_err_set(err, "xgboost: model objective is %s, not binary:logistic",
			   name ? name : "unknown");
		rc = -1;
	}
	cJSON_Delete(root);
	return rc;
}

/* ---- The booster's JSON, checked before libxgboost reads it (xgb.h) ---- */

/* A JSON value for a message: a string in quotes (cut), a number, or its kind. */
static const char *shown(const cJSON *v, char *buf, size_t n)
{
	if (cJSON_IsString(v))
		snprintf(buf, n, "\"%.40s\"", v->valuestring);
	else if (cJSON_IsNumber(v))
		snprintf(buf, n, "%.17g", v->valuedouble);
	else
		snprintf(buf, n, "%s",
			 !v                  ? "missing"
			 : cJSON_IsObject(v) ? "an object"
			 : cJSON_IsArray(v)  ? "an array"
					     : "not a string");
	return buf;
}

static const cJSON *need_object(const cJSON *o, const char *key, const char *where,
				struct rd_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsObject(v))
		rd_err_set(err, "booster: %s'%s' must be an object", where, key);
	return cJSON_IsObject(v) ? v : NULL;
}

/* A whole number in [lo, hi] written as a string, as libxgboost writes its parameters
 * ("61"). optional: an absent member is dflt. */
static int string_int(const cJSON *o, const char *key, long lo, long hi, int optional, long dflt,
		      long *out, const char *where, struct rd_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v && optional) {
		*out = dflt;
		return 0;
	}
	char *end = NULL, buf[64];
	long n = 0;
	errno = 0;
	if (cJSON_IsString(v))
		n = strtol(v->valuestring, &end, 10);
	if (!cJSON_IsString(v) || !*v->valuestring || *end || errno || n < lo || n > hi) {
		rd_err_set(err,
			   "booster: %s%s is %s, not a whole number from %ld to %ld in a string",
			   where, key, shown(v, buf, sizeof buf), lo, hi);
		return -1;
	}
	*out = n;
	return 0;
}

/* The per-node arrays of a tree, all of num_nodes values. */
enum {
	F_LEFT,
	F_RIGHT,
	F_PARENT,
	F_SPLIT,
	F_COND,
	F_DEFAULT,
	F_WEIGHT,
	F_LOSS,
	F_HESS,
	F_TYPE,
	NFIELDS
};
static const char *const tree_fields[NFIELDS] = {"left_children",    "right_children",
						 "parents",          "split_indices",
						 "split_conditions", "default_left",
						 "base_weights",     "loss_changes",
						 "sum_hessian",      "split_type"};
static const unsigned char field_is_int[NFIELDS] = {1, 1, 1, 1, 0, 1, 0, 0, 0, 1};

static long array_count(const cJSON *a)
{
	long n = 0;
	for (const cJSON *e = a ? a->child : NULL; e; e = e->next)
		n++;
	return n;
}

static int read_field(const cJSON *tree, int t, int f, long n, double *out, struct rd_err *err)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(tree, tree_fields[f]), *e;
	if (!cJSON_IsArray(a)) {
		rd_err_set(err, "booster: tree %d: '%s' must be an array", t, tree_fields[f]);
		return -1;
	}
	long count = array_count(a), i = 0;
	if (count != n) {
		rd_err_set(err, "booster: tree %d: %s has %ld values, but num_nodes is %ld", t,
			   tree_fields[f], count, n);
		return -1;
	}
	cJSON_ArrayForEach(e, a)
	{
		double d = cJSON_IsNumber(e) ? e->valuedouble : NAN;
		/* libxgboost reads the reals as floats: beyond FLT_MAX they would be infinite. */
		if (field_is_int[f] ? d != floor(d) : !(fabs(d) <= FLT_MAX)) {
			char buf[64];
			rd_err_set(err, "booster: tree %d, node %ld: %s is %s, not %s", t, i,
				   tree_fields[f], shown(e, buf, sizeof buf),
				   field_is_int[f] ? "a whole number" : "a finite float");
			return -1;
		}
		out[i++] = d;
	}
	return 0;
}

/* One tree: its parameters, arrays and structure (see xgb_check_json). */
static int check_tree(const cJSON *tree, int t, long nfeat, struct rd_err *err)
{
	char where[48], buf[64];
	long n, tf, deleted, leafvec;
	if (!cJSON_IsObject(tree)) {
		rd_err_set(err, "booster: tree %d must be an object", t);
		return -1;
	}
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(tree, "id");
	if (!cJSON_IsNumber(id) || id->valuedouble != t) {
		rd_err_set(err, "booster: tree %d: id is %s, not %d", t, shown(id, buf, sizeof buf),
			   t);
		return -1;
	}
	snprintf(where, sizeof where, "tree %d: ", t);
	const cJSON *tp = need_object(tree, "tree_param", where, err);
	snprintf(where, sizeof where, "tree %d: tree_param: ", t);
	if (!tp || string_int(tp, "num_nodes", 1, XGB_MAX_NODES, 0, 0, &n, where, err) ||
	    string_int(tp, "num_feature", 0, LONG_MAX, 0, 0, &tf, where, err) ||
	    string_int(tp, "num_deleted", 0, 0, 1, 0, &deleted, where, err) ||
	    string_int(tp, "size_leaf_vector", 0, 0, 1, 0, &leafvec, where, err))
		return -1;
	if (tf != nfeat) {
		rd_err_set(err,
			   "booster: tree %d: tree_param: num_feature is %ld, but the model's is "
			   "%ld",
			   t, tf, nfeat);
		return -1;
	}
	static const char *const cats[] = {"categories", "categories_nodes", "categories_segments",
					   "categories_sizes"};
	for (int k = 0; k < 4; k++) {
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(tree, cats[k]);
		if (!cJSON_IsArray(c) || c->child) {
			rd_err_set(err,
				   "booster: tree %d: %s must be an empty array (categorical splits"
				   " are not supported)",
				   t, cats[k]);
			return -1;
		}
	}
	/* The first array's length is checked before anything is allocated for n nodes. */
	long first = array_count(cJSON_GetObjectItemCaseSensitive(tree, tree_fields[0]));
	if (first != n) {
		rd_err_set(err, "booster: tree %d: %s has %ld values, but num_nodes is %ld", t,
			   tree_fields[0], first, n);
		return -1;
	}
	double *v = rd_malloc((size_t)n * NFIELDS * sizeof *v);
	long *parent_of = rd_malloc((size_t)n * sizeof *parent_of);
	int *depth = rd_malloc((size_t)n * sizeof *depth);
	int rc = -1;
	for (int f = 0; f < NFIELDS; f++)
		if (read_field(tree, t, f, n, v + (size_t)f * (size_t)n, err))
			goto out;
	const double *left = v, *right = v + n, *parents = v + 2 * n, *split = v + 3 * n,
		     *dflt = v + 5 * n, *hess = v + 8 * n, *type = v + 9 * n;
	for (long i = 0; i < n; i++)
		parent_of[i] = -1;
	depth[0] = 0;
	for (long i = 0; i < n; i++) {
		int leaf = left[i] == -1 && right[i] == -1;
		if (i == 0 ? parents[0] != 2147483647 && parents[0] != -1
			   : parents[i] != parent_of[i]) {
			if (i > 0 && parent_of[i] < 0)
				rd_err_set(err,
					   "booster: tree %d, node %ld: no node has it as a child",
					   t, i);
			else
				rd_err_set(err,
					   "booster: tree %d, node %ld: parents is %.17g, not %ld",
					   t, i, parents[i], i == 0 ? 2147483647L : parent_of[i]);
			goto out;
		}
		if (!leaf && (left[i] == -1 || right[i] == -1)) {
			rd_err_set(err,
				   "booster: tree %d, node %ld: one child (left_children %.17g,"
				   " right_children %.17g); a node has two or none",
				   t, i, left[i], right[i]);
			goto out;
		}
		for (int side = 0; side < 2 && !leaf; side++) {
			double c = side ? right[i] : left[i];
			if (!(c > (double)i && c < (double)n)) {
				rd_err_set(err,
					   "booster: tree %d, node %ld: %s is %.17g, not -1 or a "
					   "later"
					   " node of the tree (num_nodes %ld)",
					   t, i, tree_fields[side], c, n);
				goto out;
			}
			long ci = (long)c;
			if (parent_of[ci] >= 0) {
				rd_err_set(err,
					   "booster: tree %d, node %ld: %s is %ld, already a child "
					   "of"
					   " node %ld",
					   t, i, tree_fields[side], ci, parent_of[ci]);
				goto out;
			}
			parent_of[ci] = i;
			depth[ci] = depth[i] + 1;
			if (depth[ci] > XGB_MAX_DEPTH) {
				rd_err_set(err, "booster: tree %d, node %ld: deeper than %d levels",
					   t, ci, XGB_MAX_DEPTH);
				goto out;
			}
		}
		if (!(split[i] >= 0 && split[i] < (double)nfeat)) {
			rd_err_set(err,
				   "booster: tree %d, node %ld: split_indices is %.17g, not an "
				   "input"
				   " from 0 to %ld",
				   t, i, split[i], nfeat - 1);
			goto out;
		}
		if (dflt[i] != 0 && dflt[i] != 1) {
			rd_err_set(err,
				   "booster: tree %d, node %ld: default_left is %.17g, not 0 or 1",
				   t, i, dflt[i]);
			goto out;
		}
		if (type[i] != 0) {
			rd_err_set(err,
				   "booster: tree %d, node %ld: split_type is %.17g: categorical"
				   " splits are not supported",
				   t, i, type[i]);
			goto out;
		}
		/* TreeSHAP divides by a split's cover. */
		if (leaf ? !(hess[i] >= 0) : !(hess[i] > 0)) {
			rd_err_set(err, "booster: tree %d, node %ld: sum_hessian is %.17g, not %s",
				   t, i, hess[i], leaf ? ">= 0" : "> 0 at a split");
			goto out;
		}
	}
	rc = 0;
out:
	free(v);
	free(parent_of);
	free(depth);
	return rc;
}

int xgb_check_json(const char *json, size_t len, int ninputs, struct rd_err *err)
{
	cJSON *doc = jsondoc_parse(json, len, "booster", err);
	const cJSON *learner, *lmp, *obj, *gb, *model, *gmp;
	long nfeat, nclass, ntarget, ntrees, nparallel, leafvec;
	char buf[64];
	int rc = -1;
	if (!doc)
		return -1;
	if (!(learner = need_object(doc, "learner", "", err)) ||
	    !(lmp = need_object(learner, "learner_model_param", "", err)) ||
	    !(obj = need_object(learner, "objective", "", err)) ||
	    !(gb = need_object(learner, "gradient_booster", "", err)))
		goto out;
	if (string_int(lmp, "num_feature", 1, INT_MAX, 0, 0, &nfeat,
		       "learner_model_param: ", err) ||
	    string_int(lmp, "num_class", 0, 0, 0, 0, &nclass, "learner_model_param: ", err) ||
	    string_int(lmp, "num_target", 1, 1, 1, 1, &ntarget, "learner_model_param: ", err))
		goto out;
	if (nfeat != ninputs) {
		rd_err_set(err,
			   "booster: learner_model_param: num_feature is %ld, but the model has %d"
			   " inputs",
			   nfeat, ninputs);
		goto out;
	}
	const cJSON *bs = cJSON_GetObjectItemCaseSensitive(lmp, "base_score");
	char *end = NULL;
	double base = cJSON_IsString(bs) ? strtod(bs->valuestring, &end) : NAN;
	if (!cJSON_IsString(bs) || end == bs->valuestring || *end || !(base > 0 && base < 1)) {
		rd_err_set(err,
			   "booster: learner_model_param: base_score is %s, not a probability"
			   " between 0 and 1 (exclusive) in a string",
			   shown(bs, buf, sizeof buf));
		goto out;
	}
	const cJSON *oname = cJSON_GetObjectItemCaseSensitive(obj, "name");
	if (!cJSON_IsString(oname) || strcmp(oname->valuestring, "binary:logistic") != 0) {
		rd_err_set(err, "booster: the objective is %s, not \"binary:logistic\"",
			   shown(oname, buf, sizeof buf));
		goto out;
	}
	static const char *const fkeys[] = {"feature_names", "feature_types"};
	for (int k = 0; k < 2; k++) {
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(learner, fkeys[k]), *e;
		long count = array_count(a);
		if (a && (!cJSON_IsArray(a) || (count != 0 && count != nfeat))) {
			rd_err_set(err,
				   "booster: %s must be an array of none or num_feature (%ld) "
				   "strings",
				   fkeys[k], nfeat);
			goto out;
		}
		cJSON_ArrayForEach(e, a)
		{
			if (!cJSON_IsString(e) || (k == 1 && strcmp(e->valuestring, "c") == 0)) {
				rd_err_set(err, "booster: %s: %s is not %s", fkeys[k],
					   shown(e, buf, sizeof buf),
					   k ? "a numeric type (categorical inputs are not "
					       "supported)"
					     : "a string");
				goto out;
			}
		}
	}
	const cJSON *gname = cJSON_GetObjectItemCaseSensitive(gb, "name");
	if (!cJSON_IsString(gname) || strcmp(gname->valuestring, "gbtree") != 0) {
		rd_err_set(err, "booster: gradient_booster is %s; only \"gbtree\" is supported",
			   shown(gname, buf, sizeof buf));
		goto out;
	}
	if (!(model = need_object(gb, "model", "gradient_booster: ", err)) ||
	    !(gmp = need_object(model, "gbtree_model_param", "", err)) ||
	    string_int(gmp, "num_trees", 1, XGB_MAX_TREES, 0, 0, &ntrees,
		       "gbtree_model_param: ", err) ||
	    string_int(gmp, "num_parallel_tree", 1, ntrees, 1, 1, &nparallel,
		       "gbtree_model_param: ", err) ||
	    string_int(gmp, "size_leaf_vector", 0, 0, 1, 0, &leafvec, "gbtree_model_param: ", err))
		goto out;
	if (ntrees % nparallel) {
		rd_err_set(err,
			   "booster: gbtree_model_param: num_trees (%ld) is not a multiple of"
			   " num_parallel_tree (%ld)",
			   ntrees, nparallel);
		goto out;
	}
	const cJSON *info = cJSON_GetObjectItemCaseSensitive(model, "tree_info");
	const cJSON *trees = cJSON_GetObjectItemCaseSensitive(model, "trees"), *e;
	if (!cJSON_IsArray(info) || array_count(info) != ntrees) {
		rd_err_set(err,
			   "booster: tree_info must be an array of num_trees (%ld) values; it has "
			   "%ld",
			   ntrees, cJSON_IsArray(info) ? array_count(info) : 0);
		goto out;
	}
	int t = 0;
	cJSON_ArrayForEach(e, info)
	{
		if (!cJSON_IsNumber(e) || e->valuedouble != 0) {
			rd_err_set(err, "booster: tree_info[%d] is %s, not 0 (one output group)", t,
				   shown(e, buf, sizeof buf));
			goto out;
		}
		t++;
	}
	if (!cJSON_IsArray(trees) || array_count(trees) != ntrees) {
		rd_err_set(err,
			   "booster: trees must be an array of num_trees (%ld) trees; it has %ld",
			   ntrees, cJSON_IsArray(trees) ? array_count(trees) : 0);
		goto out;
	}
	t = 0;
	cJSON_ArrayForEach(e, trees)
	{
		if (check_tree(e, t++, nfeat, err))
			goto out;
	}
	rc = 0;
out:
	cJSON_Delete(doc);
	return rc;
}

struct xgb_model *xgb_from_json(const char *json, size_t len, int ninputs, struct rd_err *err)
{
	BoosterHandle h = NULL;
	struct xgb_model *m = NULL;
	/* libxgboost reads anything not starting with '{' as its legacy binary format. */
	if (!json || len == 0 || json[0] != '{') {
		rd_err_set(err, "xgboost: the model is not JSON text starting with '{'");
		return NULL;
	}
	if (ninputs < 1) {
		rd_err_set(err, "xgboost: ninputs must be at least 1 (got %d)", ninputs);
		return NULL;
	}
	if (xgb_check_json(json, len, ninputs, err))
		return NULL;
	quiet();
	if (XGBoosterCreate(NULL, 0, &h)) {
		fail(err, "booster");
		return NULL;
	}
	if (XGBoosterLoadModelFromBuffer(h, json, (bst_ulong)len)) {
		fail(err, "loading the model");
		goto out;
	}
	bst_ulong nf = 0;
	if (XGBoosterGetNumFeature(h, &nf)) {
		fail(err, "model inputs");
		goto out;
	}
	if (nf != (bst_ulong)ninputs) {
		rd_err_set(err, "xgboost: the model has %llu inputs, expected %d",
			   (unsigned long long)nf, ninputs);
		goto out;
	}
	if (check_objective(h, err))
		goto out;
	m = rd_malloc(sizeof *m);
	m->h = h;
	m->ninputs = ninputs;
	h = NULL;
out:
	if (h)
		XGBoosterFree(h);
	return m;
}

int xgb_ninputs(const struct xgb_model *m)
{
	return m ? m->ninputs : 0;
}

void xgb_free(struct xgb_model *m)
{
	if (!m)
		return;
	XGBoosterFree(m->h);
	free(m);
}
