/* Fitting (include/riskdesk/train.h) on data made here: the logit's winsorizing bounds,
 * median and missing indicator worked out by hand, its average contributions, and a
 * specification that scores the training rows as the fit predicted them. */
#include "testutil.h"

#include <cjson/cJSON.h>
#include <math.h>

#include "riskdesk/model.h"
#include "riskdesk/train.h"

#define ROWS 201

/* Columns x (numeric: 0..199 with row 200 an outlier of 1e9 and rows 7 and 100 missing),
 * z (numeric, complete, i mod 17) and c (categorical a/b). */
static void make_data(struct train_data *d)
{
	memset(d, 0, sizeof *d);
	d->n = ROWS;
	d->ncols = 3;
	d->cols = rd_calloc(3, sizeof *d->cols);
	d->cols[0].name = rd_strdup("x");
	d->cols[1].name = rd_strdup("z");
	d->cols[2].name = rd_strdup("c");
	d->cols[2].categorical = 1;
	d->cols[2].nlevels = 2;
	d->cols[2].levels = rd_calloc(2, sizeof(char *));
	d->cols[2].levels[0] = rd_strdup("a");
	d->cols[2].levels[1] = rd_strdup("b");
	d->cols[2].label = rd_strdup("colour");
	d->x = rd_malloc(ROWS * 3 * sizeof *d->x);
	d->y = rd_malloc(ROWS * sizeof *d->y);
	d->ids = rd_calloc(ROWS, sizeof *d->ids);
	for (int i = 0; i < ROWS; i++) {
		d->x[i * 3] = i == 200 ? 1e9 : i == 7 || i == 100 ? NAN : i;
		d->x[i * 3 + 1] = i % 17;
		d->x[i * 3 + 2] = i % 3 == 0;
		d->y[i] = (i % 5 == 0) || (i > 120 && i % 3 != 1) || i == 7;
		char id[16];
		snprintf(id, sizeof id, "R%03d", i);
		d->ids[i] = rd_strdup(id);
	}
}

static const cJSON *column(const cJSON *spec, const char *name)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(spec, "columns")) if (
		strcmp(cJSON_GetObjectItemCaseSensitive(c, "name")->valuestring, name) ==
		0) return c;
	fail_msg("no column %s", name);
	return NULL;
}

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsNumber(v))
		fail_msg("no number '%s'", key);
	return v->valuedouble;
}

static void test_logit_winsorized(void **state)
{
	(void)state;
	struct train_data d;
	make_data(&d);
	unsigned char use[ROWS];
	memset(use, 1, sizeof use);
	double p[ROWS];
	struct train_params tp;
	struct train_output out;
	struct rd_err err = {{0}};
	train_params_default(&tp);
	assert_int_equal(train_fit(MODEL_LOGIT, &d, use, &tp, p, &out, &err), 0);
	cJSON *spec = cJSON_Parse(out.spec);
	assert_non_null(spec);
	/* x's 199 values sorted: 0..6, 8..99, 101..199, 1e9. The quantile at q is
	 * v[h] + frac(h)(v[h+1] - v[h]), h = 198q: 1 % -> v[1.98] = 1.98; 99 % -> v[196.02] =
	 * 198 + 0.02 = 198.02 (the outlier beyond); the median v[99] = 101. */
	const cJSON *x = column(spec, "x"), *z = column(spec, "z"), *c = column(spec, "c");
	assert_true(fabs(num(x, "clip_lo") - 1.98) < 1e-9);
	assert_true(fabs(num(x, "clip_hi") - 198.02) < 1e-9);
	assert_true(num(x, "impute") == 101);
	/* Standardised after clipping and imputing: the outlier counts as 198.02. */
	double s = 0, ss = 0;
	for (int i = 0; i < ROWS; i++) {
		double v = i == 200             ? 198.02
			   : i == 7 || i == 100 ? 101
						: fmin(fmax(i, 1.98), 198.02);
		s += v;
		ss += v * v;
	}
	double mean = s / ROWS;
	assert_true(fabs(num(x, "mean") - mean) < 1e-9);
	assert_true(fabs(num(x, "sd") - sqrt(ss / ROWS - mean * mean)) < 1e-9);
	/* The indicator only where the rows had missing values. */
	assert_non_null(cJSON_GetObjectItemCaseSensitive(x, "missing_weight"));
	assert_null(cJSON_GetObjectItemCaseSensitive(z, "missing_weight"));
	assert_true(num(z, "clip_lo") == 0 && num(z, "clip_hi") == 16);
	/* avg: the mean of each column's contribution over the rows. */
	double ax = 0, ac = 0;
	for (int i = 0; i < ROWS; i++) {
		double v = d.x[i * 3];
		ax += isnan(v)
			      ? num(x, "weight") * ((101 - num(x, "mean")) / num(x, "sd")) +
					num(x, "missing_weight")
			      : num(x, "weight") *
					((fmin(fmax(v, 1.98), num(x, "clip_hi")) - num(x, "mean")) /
					 num(x, "sd"));
		ac += cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(c, "weights"),
					 (int)d.x[i * 3 + 2])
			      ->valuedouble;
	}
	assert_true(fabs(num(x, "avg") - ax / ROWS) < 1e-12);
	assert_true(fabs(num(c, "avg") - ac / ROWS) < 1e-12);
	assert_true(fabs(num(z, "avg")) < 1e-12); /* standardised, complete: mean 0 */
	/* The label travels in the spec. */
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(
				    cJSON_GetObjectItemCaseSensitive(
					    cJSON_GetObjectItemCaseSensitive(spec, "labels"), "c"),
				    "label")
				    ->valuestring,
			    "colour");
	/* The spec scores each row as the fit predicted it; the outlier as the clip bound. */
	struct rd_model *m = model_parse(out.spec, &err);
	assert_non_null(m);
	struct rd_score *sc = rd_malloc(ROWS * sizeof *sc);
	double raw[ROWS];
	assert_int_equal(model_score(m, d.x, ROWS, sc, raw, &err), 0);
	for (int i = 0; i < ROWS; i++)
		if (fabs(sc[i].pd - p[i]) > 1e-12)
			fail_msg("row %d: pd %.15g, fitted %.15g", i, sc[i].pd, p[i]);
	double row[3] = {num(x, "clip_hi"), d.x[200 * 3 + 1], d.x[200 * 3 + 2]}, r1;
	struct rd_score one;
	assert_int_equal(model_score(m, row, 1, &one, &r1, &err), 0);
	assert_true(r1 == raw[200]);
	free(sc);
	model_free(m);
	cJSON_Delete(spec);
	free(out.spec);
	train_data_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_logit_winsorized),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
