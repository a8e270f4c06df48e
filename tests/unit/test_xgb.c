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
	volatile sig_atomic_t *cancel; /* set once done reaches 20 */
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

static void test_cancel(void **state)
{
	(void)state;
	struct xgb_params p = small(50);
	struct rd_err err = {{0}};
	volatile sig_atomic_t cancel = 1;
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
		cmocka_unit_test(test_train_auc), cmocka_unit_test(test_contribs),
		cmocka_unit_test(test_json_round_trip), cmocka_unit_test(test_use),
		cmocka_unit_test(test_deterministic), cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_bad_json), cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
