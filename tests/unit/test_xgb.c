/* Gradient-boosted trees (include/riskdesk/xgb.h): training on a synthetic problem with a
 * known signal and missing values, row selection, cancellation, SHAP contributions, the
 * JSON round trip and errors. Small models so that the suite stays fast. */
#include "testutil.h"

#include <math.h>

#include "riskdesk/metrics.h"
#include "riskdesk/xgb.h"

enum { N = 2000, K = 5, HALF = 1500 };

static float x[N * K];
static int y[N];

/* A small linear congruential generator, so the test is the same on every run. */
static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

static double unif(uint32_t *s)
{
	return (double)lcg(s) / 16777216.0;
}

/* x0, x1 carry a linear signal, x2 a threshold one, x3 is noise, x4 is missing in a
 * fifth of the rows and raises the risk when present and high. */
static int setup(void **state)
{
	(void)state;
	uint32_t s = 7;
	for (int i = 0; i < N; i++) {
		float *r = x + i * K;
		for (int j = 0; j < K; j++)
			r[j] = (float)(unif(&s) * 4 - 2);
		if (lcg(&s) % 5 == 0)
			r[4] = NAN;
		double z = 1.2 * r[0] - 0.8 * r[1] + (r[2] > 0.5f ? 1.0 : 0.0) - 0.5 +
			   (isnan(r[4]) ? 0.0 : 0.4 * r[4]);
		y[i] = unif(&s) < 1 / (1 + exp(-z));
	}
	return 0;
}

static struct xgb_params small(int trees)
{
	struct xgb_params p = xgb_params_default;
	p.trees = trees;
	p.eta = 0.1;
	return p;
}

static struct xgb_model *train_or_fail(const float *xs, size_t n, const int *ys,
				       const unsigned char *use, const struct xgb_params *p)
{
	struct rd_err err = {{0}};
	struct xgb_model *m = xgb_train(xs, n, K, ys, use, p, NULL, NULL, NULL, &err);
	if (!m)
		fail_msg("xgb_train: %s", err.msg);
	return m;
}

static void predict_or_fail(struct xgb_model *m, const float *xs, size_t n, double *pd)
{
	struct rd_err err = {{0}};
	if (xgb_predict(m, xs, n, pd, &err))
		fail_msg("xgb_predict: %s", err.msg);
}

struct progress_log {
	int calls;
	int last_done;
	int total;
	atomic_int *cancel; /* set once done reaches 20 */
};

static void on_progress(void *ud, int done, int total)
{
	struct progress_log *pl = ud;
	pl->calls++;
	pl->last_done = done;
	pl->total = total;
	if (pl->cancel && done >= 20)
		*pl->cancel = 1;
}

/* Trained on the first 1500 rows, the model ranks the 500 others well. */
static void test_train_auc(void **state)
{
	(void)state;
	static unsigned char use[N];
	for (int i = 0; i < N; i++)
		use[i] = i < HALF;
	struct xgb_params p = small(95);
	struct progress_log pl = {0};
	struct rd_err err = {{0}};
	struct xgb_model *m = xgb_train(x, N, K, y, use, &p, NULL, on_progress, &pl, &err);
	if (!m)
		fail_msg("xgb_train: %s", err.msg);
	assert_int_equal(xgb_ninputs(m), K);
	/* Every 10 rounds and once at the end. */
	assert_int_equal(pl.calls, 10);
	assert_int_equal(pl.last_done, 95);
	assert_int_equal(pl.total, 95);

	static double pd[N];
	predict_or_fail(m, x, N, pd);
	for (int i = 0; i < N; i++)
		assert_true(pd[i] > 0 && pd[i] < 1);
	double auc = 0;
	assert_int_equal(metrics_auc(pd + HALF, y + HALF, N - HALF, &auc, &err), 0);
	assert_true(auc > 0.75);
	xgb_free(m);
	xgb_free(NULL);
}

/* A row's contributions add up to its margin, logit(pd); the last is the bias. */
static void test_contribs(void **state)
{
	(void)state;
	struct xgb_params p = small(40);
	struct xgb_model *m = train_or_fail(x, N, y, NULL, &p);
	enum { R = 300 };
	static double pd[R], c[R * (K + 1)];
	struct rd_err err = {{0}};
	predict_or_fail(m, x, R, pd);
	int nan_rows = 0;
	for (int approx = 0; approx <= 1; approx++) { /* exact SHAP and approximate alike */
		assert_int_equal(xgb_contribs(m, x, R, approx, c, &err), 0);
		for (int i = 0; i < R; i++) {
			double sum = 0;
			for (int j = 0; j <= K; j++)
				sum += c[i * (K + 1) + j];
			double margin = log(pd[i] / (1 - pd[i]));
			if (!(fabs(sum - margin) <= 1e-4))
				fail_msg("row %d: contributions sum to %.9g, margin %.9g", i, sum,
					 margin);
			nan_rows += isnan(x[i * K + 4]);
		}
	}
	assert_true(nan_rows > 0);
	assert_int_equal(xgb_contribs(m, x, R, 0, c, &err), 0);
	/* The bias is the same for every row. */
	for (int i = 1; i < R; i++)
		assert_true(c[i * (K + 1) + K] == c[K]);
	xgb_free(m);
}

/* The JSON text gives back a booster that predicts bitwise the same. */
static void test_json_round_trip(void **state)
{
	(void)state;
	struct xgb_params p = small(60);
	struct xgb_model *m = train_or_fail(x, N, y, NULL, &p);
	struct rd_err err = {{0}};
	char *json = xgb_to_json(m, &err);
	if (!json)
		fail_msg("xgb_to_json: %s", err.msg);
	assert_true(json[0] == '{');
	struct xgb_model *r = xgb_from_json(json, strlen(json), K, &err);
	if (!r)
		fail_msg("xgb_from_json: %s", err.msg);
	assert_int_equal(xgb_ninputs(r), K);

	static double a[N], b[N], ca[N * (K + 1)], cb[N * (K + 1)];
	predict_or_fail(m, x, N, a);
	predict_or_fail(r, x, N, b);
	assert_memory_equal(a, b, sizeof a);
	assert_int_equal(xgb_contribs(m, x, N, 0, ca, &err), 0);
	assert_int_equal(xgb_contribs(r, x, N, 0, cb, &err), 0);
	assert_memory_equal(ca, cb, sizeof ca);

	/* The text again, from the reloaded booster, reloads too. */
	char *again = xgb_to_json(r, &err);
	assert_non_null(again);
	struct xgb_model *r2 = xgb_from_json(again, strlen(again), K, &err);
	assert_non_null(r2);
	predict_or_fail(r2, x, N, b);
	assert_memory_equal(a, b, sizeof a);

	/* The wrong number of inputs is refused. */
	err.msg[0] = '\0';
	assert_null(xgb_from_json(json, strlen(json), K + 1, &err));
	assert_non_null(strstr(err.msg, "inputs"));

	free(again);
	free(json);
	xgb_free(r2);
	xgb_free(r);
	xgb_free(m);
}

/* use selects exactly its rows: the same as training on those rows copied out, and not
 * the same as training on all. */
static void test_use(void **state)
{
	(void)state;
	static unsigned char use[N];
	static float xs[N * K];
	static int ys[N];
	size_t k = 0;
	for (int i = 0; i < N; i++) {
		use[i] = i % 2 == 0;
		if (use[i]) {
			memcpy(xs + k * K, x + i * K, K * sizeof *xs);
			ys[k++] = y[i];
		}
	}
	struct xgb_params p = small(30);
	struct xgb_model *half = train_or_fail(x, N, y, use, &p);
	struct xgb_model *copied = train_or_fail(xs, k, ys, NULL, &p);
	struct xgb_model *all = train_or_fail(x, N, y, NULL, &p);
	static double a[N], b[N], c[N];
	predict_or_fail(half, x, N, a);
	predict_or_fail(copied, x, N, b);
	predict_or_fail(all, x, N, c);
	assert_memory_equal(a, b, sizeof a);
	assert_memory_not_equal(a, c, sizeof a);
	xgb_free(half);
	xgb_free(copied);
	xgb_free(all);
}

/* The same seed trains the same model (row and column sampling included); another seed
 * does not. */
static void test_deterministic(void **state)
{
	(void)state;
	struct xgb_params p = small(30);
	p.seed = 11;
	struct xgb_model *m1 = train_or_fail(x, N, y, NULL, &p);
	struct xgb_model *m2 = train_or_fail(x, N, y, NULL, &p);
	p.seed = 12;
	struct xgb_model *m3 = train_or_fail(x, N, y, NULL, &p);
	static double a[N], b[N], c[N];
	predict_or_fail(m1, x, N, a);
	predict_or_fail(m2, x, N, b);
	predict_or_fail(m3, x, N, c);
	assert_memory_equal(a, b, sizeof a);
	assert_memory_not_equal(a, c, sizeof a);
	xgb_free(m1);
	xgb_free(m2);
	xgb_free(m3);
}

/* A random forest (several trees in its one round): trained as XGBoost's random-forest mode
 * (one round, num_parallel_tree trees), it ranks the held-out rows well; its JSON passes
 * xgb_check_json and reloads to the same predictions and SHAP contributions, which add up
 * to its margin. */
static void test_forest(void **state)
{
	(void)state;
	static unsigned char use[N];
	for (int i = 0; i < N; i++)
		use[i] = i < HALF;
	struct xgb_params p = xgb_params_forest;
	p.trees = 40;
	p.max_depth = 6;
	p.colsample = 0.6;
	struct progress_log pl = {0};
	struct rd_err err = {{0}};
	struct xgb_model *m = xgb_train(x, N, K, y, use, &p, NULL, on_progress, &pl, &err);
	if (!m)
		fail_msg("xgb_train: %s", err.msg);
	assert_int_equal(pl.calls, 1);
	assert_int_equal(pl.last_done, 40);
	char *json = xgb_to_json(m, &err);
	assert_non_null(json);
	/* One round of 40 trees: num_trees 40, num_parallel_tree 40. */
	assert_non_null(strstr(json, "\"num_parallel_tree\":\"40\""));
	assert_non_null(strstr(json, "\"num_trees\":\"40\""));
	if (xgb_check_json(json, strlen(json), K, &err))
		fail_msg("xgb_check_json: %s", err.msg);
	struct xgb_model *r = xgb_from_json(json, strlen(json), K, &err);
	if (!r)
		fail_msg("xgb_from_json: %s", err.msg);
	static double a[N], b[N], ca[N * (K + 1)], cb[N * (K + 1)];
	predict_or_fail(m, x, N, a);
	predict_or_fail(r, x, N, b);
	assert_memory_equal(a, b, sizeof a);
	double auc = 0;
	assert_int_equal(metrics_auc(a + HALF, y + HALF, N - HALF, &auc, &err), 0);
	assert_true(auc > 0.75);
	assert_int_equal(xgb_contribs(m, x, N, 0, ca, &err), 0);
	assert_int_equal(xgb_contribs(r, x, N, 0, cb, &err), 0);
	assert_memory_equal(ca, cb, sizeof ca);
	for (int i = 0; i < N; i += 97) {
		double sum = 0;
		for (int j = 0; j <= K; j++)
			sum += ca[i * (K + 1) + j];
		assert_true(fabs(sum - log(a[i] / (1 - a[i]))) <= 1e-4);
	}
	/* num_trees not a multiple of num_parallel_tree is refused. */
	char *bad = strdup(json), *at = strstr(bad, "\"num_parallel_tree\":\"40\"");
	memcpy(at + strlen("\"num_parallel_tree\":\""), "30", 2);
	assert_int_equal(xgb_check_json(bad, strlen(bad), K, &err), -1);
	assert_non_null(strstr(err.msg, "multiple"));
	free(bad);
	free(json);
	xgb_free(r);
	xgb_free(m);
}

/* A forest's leaves are not shrunk (lambda 0): with one tree on every row and input, each
 * training row's margin is logit(p0) + (r - p0) / (p0 (1 - p0)), r the bad rate of the
 * rows sharing its leaf (the same margin) and p0 the base score, the training bad rate.
 * libxgboost's default lambda 1 makes it n (r - p0) / (n p0 (1 - p0) + 1). */
static int cmp_margin(const void *a, const void *b)
{
	const double *u = a, *v = b;
	return (u[0] > v[0]) - (u[0] < v[0]);
}

static void test_forest_leaves(void **state)
{
	(void)state;
	struct xgb_params p = xgb_params_forest;
	p.trees = 1;
	p.max_depth = 3;
	p.subsample = 1;
	p.colsample = 1;
	p.min_child_weight = 0;
	struct xgb_model *m = train_or_fail(x, N, y, NULL, &p);
	static double pd[N], mr[N][2]; /* margin, label */
	predict_or_fail(m, x, N, pd);
	int bads = 0;
	for (int i = 0; i < N; i++) {
		mr[i][0] = log(pd[i] / (1 - pd[i]));
		mr[i][1] = y[i];
		bads += y[i];
	}
	double p0 = (double)bads / N, base = log(p0 / (1 - p0));
	qsort(mr, N, sizeof mr[0], cmp_margin);
	int leaves = 0;
	for (int i = 0, j; i < N; i = j) {
		double d = 0;
		for (j = i; j < N && mr[j][0] - mr[i][0] < 1e-5; j++)
			d += mr[j][1];
		double r = d / (j - i), want = (r - p0) / (p0 * (1 - p0));
		if (!(fabs(mr[i][0] - base - want) <= 1e-4))
			fail_msg("leaf of %d rows, rate %.6f: value %.6f, want %.6f", j - i, r,
				 mr[i][0] - base, want);
		leaves++;
	}
	assert_true(leaves >= 4);
	xgb_free(m);
}

/* A forest's data-dependent defaults: floor(sqrt(n)) of n inputs per split, as libxgboost
 * counts them ((int)(colsample * n) in float), and leaves of sqrt(rows * subsample) / 4
 * rows' hessian; given values and boosting's are left alone. */
static void test_forest_resolve(void **state)
{
	(void)state;
	static const int n[] = {1, 2, 3, 4, 16, 33, 36, 61, 99, 100, 1000};
	for (size_t i = 0; i < sizeof n / sizeof *n; i++) {
		struct xgb_params p = xgb_params_forest;
		xgb_forest_resolve(&p, 800, 240, n[i]);
		assert_true(p.colsample > 0 && p.colsample <= 1);
		int k = (int)((float)p.colsample * (float)n[i]);
		if (k != (int)floor(sqrt(n[i])))
			fail_msg("%d inputs: colsample %.9g samples %d", n[i], p.colsample, k);
	}
	struct xgb_params p = xgb_params_forest;
	assert_true(p.colsample == XGB_AUTO && p.min_child_weight == XGB_AUTO);
	xgb_forest_resolve(&p, 800, 240, 61);
	assert_true(fabs(p.min_child_weight - sqrt(800 * 0.632) / 4 * 0.3 * 0.7) <= 1e-12);
	p.colsample = 0.5;
	p.min_child_weight = 2;
	xgb_forest_resolve(&p, 30000, 6636, 33);
	assert_true(p.colsample == 0.5 && p.min_child_weight == 2);
	struct xgb_params b = xgb_params_default, c = b;
	xgb_forest_resolve(&b, 800, 240, 61);
	assert_memory_equal(&b, &c, sizeof b);
	/* boosting refuses the forest's automatic values */
	struct rd_err err = {{0}};
	b.colsample = XGB_AUTO;
	assert_null(xgb_train(x, N, K, y, NULL, &b, NULL, NULL, NULL, &err));
	assert_non_null(strstr(err.msg, "colsample"));
}

/* Early stopping: the best round and its AUC are those of a model trained for that many
 * rounds, predicting the held-out rows; more patience never finds a worse best. */
static void test_early_stop(void **state)
{
	(void)state;
	static unsigned char use[N], eval[N];
	for (int i = 0; i < N; i++) {
		use[i] = i < HALF;
		eval[i] = !use[i];
	}
	struct xgb_params p = small(300);
	p.eta = 0.3;
	p.max_depth = 6;
	int best = 0, best2 = 0;
	double auc = 0, auc2 = 0, check = 0;
	struct rd_err err = {{0}};
	if (xgb_early_stop(x, N, K, y, use, eval, &p, 10, NULL, &best, &auc, &err))
		fail_msg("xgb_early_stop: %s", err.msg);
	assert_true(best >= 1 && best < 300);
	p.trees = best;
	struct xgb_model *m = train_or_fail(x, N, y, use, &p);
	static double pd[N];
	predict_or_fail(m, x, N, pd);
	assert_int_equal(metrics_auc(pd + HALF, y + HALF, N - HALF, &check, &err), 0);
	assert_true(fabs(check - auc) < 1e-6);
	p.trees = 300;
	assert_int_equal(xgb_early_stop(x, N, K, y, use, eval, &p, 50, NULL, &best2, &auc2, &err),
			 0);
	assert_true(best2 >= best && auc2 >= auc);
	atomic_int cancel = 1;
	assert_int_equal(xgb_early_stop(x, N, K, y, use, eval, &p, 10, &cancel, &best, &auc, &err),
			 -1);
	assert_string_equal(err.msg, "cancelled");
	xgb_free(m);
}

static void test_cancel(void **state)
{
	(void)state;
	struct xgb_params p = small(50);
	struct rd_err err = {{0}};
	atomic_int cancel = 1;
	assert_null(xgb_train(x, N, K, y, NULL, &p, &cancel, NULL, NULL, &err));
	assert_string_equal(err.msg, "cancelled");

	/* Set during training (by the progress callback at round 20): stops at the next round. */
	cancel = 0;
	err.msg[0] = '\0';
	struct progress_log pl = {.cancel = &cancel};
	assert_null(xgb_train(x, N, K, y, NULL, &p, &cancel, on_progress, &pl, &err));
	assert_string_equal(err.msg, "cancelled");
	assert_int_equal(pl.last_done, 20);
}

static void test_bad_json(void **state)
{
	(void)state;
	const char *bad[] = {
		"",
		"garbage",
		"binf\x01\x02\x03\x04 not a legacy model either, just some bytes",
		"{",
		"{\"x\": 1}",
		"{\"learner\": {}, \"version\": [1, 7, 4]}",
		"[1, 2, 3]",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct rd_err err = {{0}};
		assert_null(xgb_from_json(bad[i], strlen(bad[i]), K, &err));
		if (err.msg[0] == '\0')
			fail_msg("no message for bad model %zu", i);
		assert_null(strchr(err.msg, '\n'));
	}
	struct rd_err err = {{0}};
	assert_null(xgb_from_json(NULL, 0, K, &err));
	assert_true(err.msg[0] != '\0');
}

/* ---- Hostile boosters: a trained model's JSON, edited as text (so that libxgboost would
 * read it: cJSON would reprint reals like 0.0 as integers, which it refuses), must be
 * refused before libxgboost reads it; it crashed, aborted or looped forever on several. ---- */

/* json with the value of the first "key" after anchor (NULL: the start) replaced by value;
 * index >= 0: only that element of the (flat) array. Caller frees. */
static char *edit_text(const char *json, const char *anchor, const char *key, int index,
		       const char *value)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\":", key);
	const char *from = anchor ? strstr(json, anchor) : json;
	assert_non_null(from);
	const char *v = strstr(from, pat);
	assert_non_null(v);
	v += strlen(pat);
	const char *end;
	if (index >= 0) {
		assert_true(*v == '[');
		v++;
		for (int k = 0; k < index; k++) {
			v = strchr(v, ',');
			assert_non_null(v);
			v++;
		}
		end = v + strcspn(v, ",]");
	} else if (*v == '[') {
		end = strchr(v, ']') + 1;
	} else if (*v == '"') {
		end = strchr(v + 1, '"') + 1;
	} else {
		end = v + strcspn(v, ",}]");
	}
	struct rd_buf b = {0};
	buf_append(&b, json, (size_t)(v - json));
	buf_puts(&b, value);
	buf_puts(&b, end);
	return buf_steal(&b);
}

static char *hostile_text(const char *json, int k)
{
	static const char *const tp = "\"tree_param\"";
	switch (k) {
	case 0: return edit_text(json, NULL, "split_indices", 0, "999999");
	case 1: return edit_text(json, NULL, "split_indices", 0, "-5");
	case 2: return edit_text(json, NULL, "left_children", 0, "99999");
	case 3: {
		struct rd_buf b = {0};
		buf_puts(&b, "[0");
		for (int i = 1; i < 21; i++)
			buf_puts(&b, ",0");
		buf_putc(&b, ']');
		char *r = edit_text(json, NULL, "tree_info", -1, b.data);
		buf_free(&b);
		return r;
	}
	case 4: return edit_text(json, NULL, "num_trees", -1, "\"1000000\"");
	case 5: {
		char *a = edit_text(json, NULL, "left_children", 0, "0");
		char *r = edit_text(a, NULL, "right_children", 0, "0");
		free(a);
		return r;
	}
	case 6: return edit_text(json, NULL, "right_children", 0, "-1");
	case 7: return edit_text(json, tp, "num_deleted", -1, "\"1\"");
	case 8: return edit_text(json, NULL, "default_left", 0, "2");
	case 9: return edit_text(json, NULL, "split_type", 0, "1");
	case 10: return edit_text(json, NULL, "sum_hessian", 0, "0.0");
	case 11: return edit_text(json, NULL, "base_score", -1, "\"NaN\"");
	case 12: return edit_text(json, "\"objective\"", "name", -1, "\"reg:squarederror\"");
	case 13: return edit_text(json, "\"gradient_booster\"", "name", -1, "\"dart\"");
	case 14: return edit_text(json, NULL, "id", -1, "5");
	case 15: return edit_text(json, NULL, "split_conditions", 0, "1E39");
	case 16:
		return edit_text(json, NULL, "feature_types", -1,
				 "[\"c\",\"c\",\"c\",\"c\",\"c\"]");
	case 17: return edit_text(json, NULL, "parents", 0, "0");
	case 18: return edit_text(json, tp, "size_leaf_vector", -1, "\"1\"");
	case 19: return edit_text(json, NULL, "num_class", -1, "\"2\"");
	case 20: return edit_text(json, tp, "num_feature", -1, "\"4\"");
	case 21: return edit_text(json, NULL, "split_indices", 0, "1.5");
	case 22: return edit_text(json, NULL, "loss_changes", -1, "[1.0]");
	case 23: return edit_text(json, NULL, "categories", -1, "[1]");
	case 24: return edit_text(json, NULL, "left_children", 1, "0");
	default: return NULL;
	}
}

static const char *const hostile_want[] = {
	"booster: tree 0, node 0: split_indices is 999999, not an input from 0 to 4",
	"booster: tree 0, node 0: split_indices is -5, not an input from 0 to 4",
	"booster: tree 0, node 0: left_children is 99999, not -1 or a later node of the tree",
	"booster: tree_info must be an array of num_trees (20) values; it has 21",
	"booster: gbtree_model_param: num_trees is \"1000000\", not a whole number from 1 to "
	"100000",
	"booster: tree 0, node 0: left_children is 0, not -1 or a later node",
	"booster: tree 0, node 0: one child (left_children 1, right_children -1)",
	"booster: tree 0: tree_param: num_deleted is \"1\"",
	"booster: tree 0, node 0: default_left is 2, not 0 or 1",
	"booster: tree 0, node 0: split_type is 1: categorical splits are not supported",
	"booster: tree 0, node 0: sum_hessian is 0, not > 0 at a split",
	"booster: learner_model_param: base_score is \"NaN\", not a probability",
	"booster: the objective is \"reg:squarederror\", not \"binary:logistic\"",
	"booster: gradient_booster is \"dart\"; only \"gbtree\" is supported",
	"booster: tree 0: id is 5, not 0",
	"booster: tree 0, node 0: split_conditions is 9.9999999999999994e+38, not a finite float",
	"booster: feature_types: \"c\" is not a numeric type (categorical inputs are not "
	"supported)",
	"booster: tree 0, node 0: parents is 0, not 2147483647",
	"booster: tree 0: tree_param: size_leaf_vector is \"1\"",
	"booster: learner_model_param: num_class is \"2\"",
	"booster: tree 0: tree_param: num_feature is 4, but the model's is 5",
	"booster: tree 0, node 0: split_indices is 1.5, not a whole number",
	"booster: tree 0: loss_changes has 1 values, but num_nodes is",
	"booster: tree 0: categories must be an empty array",
	"booster: tree 0, node 1: left_children is 0, not -1 or a later node",
};

/* The booster's text with tree 0 replaced by a chain of depth levels, written as libxgboost
 * writes a tree. */
static char *chain_text(const char *json, int depth)
{
	const char *start = strstr(json, "\"trees\":[{");
	assert_non_null(start);
	start += strlen("\"trees\":[");
	const char *end = start;
	for (int level = 0; *end; end++) {
		level += *end == '{' ? 1 : *end == '}' ? -1 : 0;
		if (level == 0)
			break;
	}
	int n = 2 * depth + 1;
	struct rd_buf b = {0};
	buf_append(&b, json, (size_t)(start - json));
	static const char *const fields[] = {"left_children", "right_children",   "parents",
					     "split_indices", "split_conditions", "default_left",
					     "base_weights",  "loss_changes",     "sum_hessian",
					     "split_type"};
	buf_putc(&b, '{');
	for (size_t f = 0; f < sizeof fields / sizeof *fields; f++) {
		buf_printf(&b, "\"%s\":[", fields[f]);
		for (int i = 0; i < n; i++) {
			int internal = i % 2 == 0 && i < n - 1;
			if (i)
				buf_putc(&b, ',');
			if (f == 0)
				buf_printf(&b, "%d", internal ? i + 1 : -1);
			else if (f == 1)
				buf_printf(&b, "%d", internal ? i + 2 : -1);
			else if (f == 2)
				buf_printf(&b, "%d", i == 0 ? 2147483647 : i % 2 ? i - 1 : i - 2);
			else if (f == 3)
				buf_printf(&b, "%d", i % K);
			else if (f == 5 || f == 9)
				buf_puts(&b, "0");
			else
				buf_puts(&b, "5E-1");
		}
		buf_puts(&b, "],");
	}
	buf_printf(&b,
		   "\"categories\":[],\"categories_nodes\":[],\"categories_segments\":[],"
		   "\"categories_sizes\":[],\"id\":0,\"tree_param\":{\"num_deleted\":\"0\","
		   "\"num_feature\":\"%d\",\"num_nodes\":\"%d\",\"size_leaf_vector\":\"0\"}}",
		   K, n);
	buf_puts(&b, end + 1);
	return buf_steal(&b);
}

static void test_hostile_boosters(void **state)
{
	(void)state;
	struct xgb_params p = small(20);
	p.max_depth = 3;
	struct xgb_model *m = train_or_fail(x, N, y, NULL, &p);
	struct rd_err err = {{0}};
	char *json = xgb_to_json(m, &err);
	assert_non_null(json);
	xgb_free(m);
	for (int k = 0; k < (int)(sizeof hostile_want / sizeof *hostile_want); k++) {
		char *text = hostile_text(json, k);
		err.msg[0] = '\0';
		struct xgb_model *r = xgb_from_json(text, strlen(text), K, &err);
		if (r) {
			xgb_free(r);
			fail_msg("edit %d accepted (expected '%s')", k, hostile_want[k]);
		}
		if (!strstr(err.msg, hostile_want[k]))
			fail_msg("edit %d: '%s', expected '%s'", k, err.msg, hostile_want[k]);
		free(text);
	}
	/* A duplicate key would be read one way here and another way by libxgboost. */
	const char *at = strstr(json, "\"left_children\":");
	assert_non_null(at);
	struct rd_buf dup = {0};
	buf_append(&dup, json, (size_t)(at - json));
	buf_puts(&dup, "\"left_children\":[1,2,-1],");
	buf_puts(&dup, at);
	assert_null(xgb_from_json(dup.data, dup.len, K, &err));
	assert_non_null(strstr(err.msg, "key 'left_children' appears twice in"
					" learner.gradient_booster.model.trees[0]"));
	buf_free(&dup);
	/* Leading white space would make libxgboost read its legacy binary format. */
	char *spaced = rd_malloc(strlen(json) + 2);
	spaced[0] = ' ';
	strcpy(spaced + 1, json);
	assert_null(xgb_from_json(spaced, strlen(spaced), K, &err));
	free(spaced);

	/* The deepest tree allowed loads and explains (TreeSHAP) every row. cJSON would print
	 * reals like 0.0 as integers, which libxgboost refuses: tree 0's text is replaced. */
	char *text = chain_text(json, XGB_MAX_DEPTH);
	struct xgb_model *deep = xgb_from_json(text, strlen(text), K, &err);
	if (!deep)
		fail_msg("depth %d refused: %s", XGB_MAX_DEPTH, err.msg);
	static double c[100 * (K + 1)];
	assert_int_equal(xgb_contribs(deep, x, 100, 0, c, &err), 0);
	xgb_free(deep);
	free(text);
	text = chain_text(json, XGB_MAX_DEPTH + 1);
	assert_null(xgb_from_json(text, strlen(text), K, &err));
	assert_non_null(strstr(err.msg, "deeper than 64 levels"));
	free(text);
	free(json);
}

static void test_errors(void **state)
{
	(void)state;
	struct rd_err err = {{0}};
	struct xgb_params p = small(10);
	p.trees = 0;
	assert_null(xgb_train(x, N, K, y, NULL, &p, NULL, NULL, NULL, &err));
	assert_non_null(strstr(err.msg, "trees"));

	struct xgb_params bad[6];
	for (int i = 0; i < 6; i++)
		bad[i] = small(10);
	bad[0].trees = -3;
	bad[1].max_depth = 0;
	bad[2].eta = 0;
	bad[3].subsample = 1.5;
	bad[4].colsample = NAN;
	bad[5].threads = -1;
	for (int i = 0; i < 6; i++) {
		err.msg[0] = '\0';
		assert_null(xgb_train(x, N, K, y, NULL, &bad[i], NULL, NULL, NULL, &err));
		assert_true(err.msg[0] != '\0');
	}

	/* Labels other than 0/1, no rows selected, no inputs. */
	p.trees = 10;
	static int y2[N];
	memcpy(y2, y, sizeof y2);
	y2[17] = 2;
	err.msg[0] = '\0';
	assert_null(xgb_train(x, N, K, y2, NULL, &p, NULL, NULL, NULL, &err));
	assert_non_null(strstr(err.msg, "17"));
	static unsigned char none[N];
	assert_null(xgb_train(x, N, K, y, none, &p, NULL, NULL, NULL, &err));
	assert_non_null(strstr(err.msg, "no training rows"));
	assert_null(xgb_train(x, N, 0, y, NULL, &p, NULL, NULL, NULL, &err));
	assert_null(xgb_train(x, 0, K, y, NULL, &p, NULL, NULL, NULL, &err));

	/* An infinite input is refused by libxgboost, with its message on one line. */
	static float xi[10 * K];
	memcpy(xi, x, sizeof xi);
	xi[3] = INFINITY;
	err.msg[0] = '\0';
	assert_null(xgb_train(xi, 10, K, y, NULL, &p, NULL, NULL, NULL, &err));
	assert_non_null(strstr(err.msg, "xgboost: "));
	assert_null(strchr(err.msg, '\n'));

	/* No rows to predict is not an error. */
	struct xgb_model *m = train_or_fail(x, N, y, NULL, &p);
	assert_int_equal(xgb_predict(m, x, 0, NULL, &err), 0);
	xgb_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_train_auc),        cmocka_unit_test(test_contribs),
		cmocka_unit_test(test_json_round_trip),  cmocka_unit_test(test_use),
		cmocka_unit_test(test_deterministic),    cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_bad_json),         cmocka_unit_test(test_errors),
		cmocka_unit_test(test_hostile_boosters), cmocka_unit_test(test_forest),
		cmocka_unit_test(test_forest_leaves),    cmocka_unit_test(test_forest_resolve),
		cmocka_unit_test(test_early_stop),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
