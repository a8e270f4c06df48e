/* Gradient-boosted trees through libxgboost's C API (include/riskdesk/xgb.h). */
#include "riskdesk/xgb.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xgboost/c_api.h>

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
	if (!(p->colsample > 0 && p->colsample <= 1)) {
		rd_err_set(err, "xgboost: colsample must be in (0, 1] (got %g)", p->colsample);
		return -1;
	}
	if (p->threads < 0) {
		rd_err_set(err, "xgboost: threads must be 0 (all cores) or more (got %d)",
			   p->threads);
		return -1;
	}
	return 0;
}

static int set_params(BoosterHandle h, const struct xgb_params *p, struct rd_err *err)
{
	char depth[16], eta[32], sub[32], col[32], threads[16], seed[16];
	snprintf(depth, sizeof depth, "%d", p->max_depth);
	snprintf(eta, sizeof eta, "%.17g", p->eta);
	snprintf(sub, sizeof sub, "%.17g", p->subsample);
	snprintf(col, sizeof col, "%.17g", p->colsample);
	snprintf(threads, sizeof threads, "%d", p->threads);
	snprintf(seed, sizeof seed, "%u", p->seed);
	const char *kv[][2] = {
		{"objective", "binary:logistic"},
		{"tree_method", "hist"},
		/* Explicit, so that a later libxgboost (which estimates it) trains the same. */
		{"base_score", "0.5"},
		{"max_depth", depth},
		{"eta", eta},
		{"subsample", sub},
		{"colsample_bytree", col},
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

struct xgb_model *xgb_train(const float *x, size_t n, int ninputs, const int *y,
			    const unsigned char *use, const struct xgb_params *p,
			    const volatile sig_atomic_t *cancel,
			    void (*progress)(void *ud, int done, int total), void *ud,
			    struct rd_err *err)
{
	struct xgb_model *m = NULL;
	DMatrixHandle dm = NULL;
	BoosterHandle h = NULL;
	float *rows = NULL;
	float *labels = NULL;

	if (!p)
		p = &xgb_params_default;
	if (check_params(p, err))
		return NULL;
	if (!x || !y || ninputs < 1) {
		rd_err_set(err, "xgboost: no training data");
		return NULL;
	}
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (use && !use[i])
			continue;
		if (y[i] != 0 && y[i] != 1) {
			rd_err_set(err, "xgboost: label of row %zu is %d, not 0 or 1", i, y[i]);
			return NULL;
		}
		k++;
	}
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

	quiet();
	if (XGDMatrixCreateFromMat(src, (bst_ulong)k, (bst_ulong)ninputs, NAN, &dm)) {
		fail(err, "training rows");
		goto out;
	}
	if (XGDMatrixSetFloatInfo(dm, "label", labels, (bst_ulong)k)) {
		fail(err, "labels");
		goto out;
	}
	if (XGBoosterCreate(&dm, 1, &h)) {
		fail(err, "booster");
		goto out;
	}
	if (set_params(h, p, err))
		goto out;
	for (int i = 0; i < p->trees; i++) {
		if (cancel && *cancel) {
			rd_err_set(err, "cancelled");
			goto out;
		}
		if (XGBoosterUpdateOneIter(h, i, dm)) {
			fail(err, "training");
			goto out;
		}
		if (progress && ((i + 1) % 10 == 0 || i + 1 == p->trees))
			progress(ud, i + 1, p->trees);
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
	free(rows);
	free(labels);
	return m;
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
	return predict_rows(m, approx ? approx_contribs_config : contribs_config, x, n, m ? (size_t)m->ninputs + 1 : 0, out, err);
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

struct xgb_model *xgb_from_json(const char *json, size_t len, int ninputs, struct rd_err *err)
{
	BoosterHandle h = NULL;
	struct xgb_model *m = NULL;
	size_t i = 0;
	while (json && i < len && (json[i] == ' ' || json[i] == '\t' || json[i] == '\n' ||
				   json[i] == '\r'))
		i++;
	/* Anything else would be read as libxgboost's legacy binary format. */
	if (!json || i == len || json[i] != '{') {
		rd_err_set(err, "xgboost: the model is not JSON text");
		return NULL;
	}
	if (ninputs < 1) {
		rd_err_set(err, "xgboost: ninputs must be at least 1 (got %d)", ninputs);
		return NULL;
	}
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
