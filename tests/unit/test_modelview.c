/* The registry as the Models pane reads it (include/riskdesk/modelview.h): a fresh store
 * (only rules), a scorecard with every section, a logit and an xgb, corrupt JSON (no
 * crash, fields absent), and a scorecard trained on German Credit. */
#include "testutil.h"

#include <math.h>

#include "riskdesk/modelview.h"

static void insert(struct rd_store *st, const char *name, int version, const char *algo,
		   const char *status, const char *spec, const char *metrics)
{
	sqlite3_stmt *s;
	struct rd_err err = {{0}};
	assert_int_equal(
		store_prepare(st,
			      "INSERT INTO models(name, version, algo, segment, status, weight,"
			      " spec, metrics, created_at) VALUES (?1, ?2, ?3, 'all', ?4, 1,"
			      " ?5, ?6, '2025-06-30T10:00:00Z')",
			      &s, &err),
		0);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, version);
	sqlite3_bind_text(s, 3, algo, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, spec, -1, SQLITE_STATIC);
	if (metrics)
		sqlite3_bind_text(s, 6, metrics, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
}

static const char scorecard_spec[] =
	"{\"algo\":\"scorecard\",\"scaling\":{\"base_score\":600,\"base_odds\":19,\"pdo\":50},"
	"\"intercept\":-0.84,\"base_points\":448.04,\"columns\":["
	"{\"name\":\"checking_status\",\"levels\":[\"A11\",\"A12\",\"A13\",\"A14\"],\"coef\":-0.8,"
	"\"iv\":0.659,\"bins\":[{\"levels\":[\"A11\",\"A12\"],\"goods\":303,\"bads\":240,\"woe\":-"
	"0.6,"
	"\"points\":-35.5},{\"levels\":[\"A13\"],\"goods\":49,\"bads\":14,\"woe\":0.38,\"points\":"
	"22.1},"
	"{\"levels\":[\"A14\"],\"goods\":348,\"bads\":46,\"woe\":1.17,\"points\":67.29}]},"
	"{\"name\":\"duration\",\"coef\":-0.76,\"iv\":0.227,\"bins\":["
	"{\"hi\":9,\"goods\":119,\"bads\":24,\"woe\":0.743,\"points\":40.7},"
	"{\"hi\":15.5,\"goods\":223,\"bads\":65,\"woe\":0.386,\"points\":21.13},"
	"{\"hi\":null,\"goods\":358,\"bads\":211,\"woe\":-0.4,\"points\":-20.0},"
	"{\"missing\":true,\"goods\":0,\"bads\":0,\"woe\":0,\"points\":0}]}]}";

static const char scorecard_metrics[] =
	"{\"auc\":0.7835,\"auc_sd\":0.048,\"auc_oof\":0.7799,\"gini\":0.5598,\"ks\":0.4567,"
	"\"brier\":0.168,\"logloss\":0.5088,\"rows\":1000,\"bads\":300,\"folds\":3,"
	"\"threshold_pd\":0.0807,\"threshold_score\":563,\"expected_cost\":0.648,\"cost_fn\":10,"
	"\"cost_fp\":1,\"declined\":805,\"false_neg\":13,\"false_pos\":518,\"cv_seconds\":0.009,"
	"\"fit_seconds\":0.002,\"fold_auc\":[0.85,0.74,0.81],"
	"\"gains\":[{\"count\":500,\"bads\":250,\"min_pd\":0.3,\"max_pd\":0.9,\"bad_rate\":0.5,"
	"\"cum_capture\":0.8333,\"lift\":1.67},{\"count\":500,\"bads\":50,\"min_pd\":0.01,"
	"\"max_pd\":0.3,\"bad_rate\":0.1,\"cum_capture\":1,\"lift\":0.33}],"
	"\"calibration\":[{\"band\":\"A\",\"count\":0,\"bads\":0,\"mean_pd\":0,\"observed\":0},"
	"{\"band\":\"E\",\"count\":583,\"bads\":258,\"mean_pd\":0.4526,\"observed\":0.4425}],"
	"\"roc\":[[0,0],[0.1,0.4],[0.3,0.7],[1,1]],"
	"\"iv\":[{\"name\":\"duration\",\"type\":\"numeric\",\"bins\":3,\"iv\":0.227,\"iv_raw\":0."
	"23},"
	"{\"name\":\"telephone\",\"type\":\"categorical\",\"bins\":2,\"iv\":0.006,\"iv_raw\":0."
	"0064},"
	"{\"name\":\"checking_status\",\"type\":\"categorical\",\"bins\":3,\"iv\":0.659,"
	"\"iv_raw\":0.666}]}";

/* A fresh store: only the built-in rules model, without metrics. */
static void test_rules_only(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	struct modelview_version v[4];
	int total = -1;
	assert_int_equal(modelview_list(st, v, 4, &total, &err), 1);
	assert_int_equal(total, 1);
	assert_string_equal(v[0].name, "rules");
	assert_int_equal(v[0].version, 1);
	assert_string_equal(v[0].algo, "rules");
	assert_string_equal(v[0].status, "champion");
	assert_string_equal(v[0].segment, "all");
	assert_true(isnan(v[0].auc) && isnan(v[0].ks));
	assert_true(v[0].weight == 1);

	struct modelview m;
	assert_int_equal(modelview_load(st, "rules", 1, &m, &err), 0);
	assert_false(m.has_metrics);
	assert_true(isnan(m.auc) && isnan(m.threshold_pd));
	assert_int_equal(m.ngains + m.ncalibration + m.nroc + m.niv + m.npoints + m.nweights, 0);
	assert_true(m.has_rules);
	assert_int_equal(m.rules.nterms, 6);
	assert_true(m.rules.baseline == 600);
	assert_string_equal(feature_names[m.rules.terms[0].feature], "total_spend");
	modelview_free(&m);
	modelview_free(NULL);

	assert_int_equal(modelview_load(st, "rules", 2, &m, &err), 1);
	assert_int_equal(modelview_load(st, "nope", 1, &m, &err), 1);
	modelview_free(&m);
	/* max 0 reads nothing but still counts. */
	assert_int_equal(modelview_list(st, v, 0, &total, &err), 0);
	assert_int_equal(total, 1);
	store_close(st);
}

static void test_scorecard(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	insert(st, "g1", 1, "scorecard", "champion", scorecard_spec, scorecard_metrics);
	insert(st, "g1", 2, "scorecard", "retired", scorecard_spec, scorecard_metrics);
	struct modelview_version v[8];
	int total;
	assert_int_equal(modelview_list(st, v, 8, &total, &err), 3);
	assert_int_equal(total, 3);
	assert_string_equal(v[0].name, "g1");
	assert_int_equal(v[0].version, 1);
	assert_int_equal(v[1].version, 2);
	assert_string_equal(v[1].status, "retired");
	assert_string_equal(v[2].name, "rules");
	assert_true(fabs(v[0].auc - 0.7835) < 1e-12);
	assert_true(fabs(v[0].ks - 0.4567) < 1e-12);
	/* A short buffer gets the first rows. */
	assert_int_equal(modelview_list(st, v, 2, &total, &err), 2);
	assert_int_equal(total, 3);

	struct modelview m;
	assert_int_equal(modelview_load(st, "g1", 1, &m, &err), 0);
	assert_string_equal(m.v.algo, "scorecard");
	assert_string_equal(m.v.status, "champion");
	assert_string_equal(m.v.created_at, "2025-06-30T10:00:00Z");
	assert_true(m.has_metrics);
	assert_true(m.auc == 0.7835 && m.auc_sd == 0.048 && m.auc_oof == 0.7799);
	assert_true(m.gini == 0.5598 && m.ks == 0.4567 && m.brier == 0.168 && m.logloss == 0.5088);
	assert_true(m.rows == 1000 && m.bads == 300 && m.folds == 3);
	assert_true(m.threshold_pd == 0.0807 && m.threshold_score == 563);
	assert_true(m.expected_cost == 0.648 && m.cost_fn == 10 && m.cost_fp == 1);
	assert_true(m.declined == 805 && m.false_neg == 13 && m.false_pos == 518);
	assert_int_equal(m.nfold_auc, 3);
	assert_true(m.fold_auc[2] == 0.81);
	assert_int_equal(m.ngains, 2);
	assert_true(m.gains[0].bad_rate == 0.5 && m.gains[0].cum_capture == 0.8333 &&
		    m.gains[1].lift == 0.33 && m.gains[1].count == 500);
	assert_int_equal(m.ncalibration, 2);
	assert_string_equal(m.calibration[1].band, "E");
	assert_true(m.calibration[1].observed == 0.4425 && m.calibration[1].count == 583);
	assert_int_equal(m.nroc, 4);
	assert_true(m.roc[1][0] == 0.1 && m.roc[1][1] == 0.4 && m.roc[3][0] == 1);
	/* IV highest first. */
	assert_int_equal(m.niv, 3);
	assert_string_equal(m.iv[0].name, "checking_status");
	assert_string_equal(m.iv[1].name, "duration");
	assert_string_equal(m.iv[2].name, "telephone");
	assert_string_equal(m.iv[0].type, "categorical");
	assert_true(m.iv[0].iv == 0.659 && m.iv[0].iv_raw == 0.666 && m.iv[0].bins == 3);
	/* The points table. */
	assert_true(m.base_points == 448.04 && m.intercept == -0.84);
	assert_int_equal(m.ncolumns, 2);
	assert_int_equal(m.npoints, 7);
	assert_false(m.points_cut);
	assert_string_equal(m.points[0].feature, "checking_status");
	assert_string_equal(m.points[0].bin, "A11,A12");
	assert_true(m.points[0].customers == 543);
	assert_true(fabs(m.points[0].bad_rate - 240.0 / 543) < 1e-12);
	assert_true(m.points[0].woe == -0.6 && m.points[0].points == -35.5);
	assert_string_equal(m.points[2].bin, "A14");
	assert_true(m.points[2].points == 67.29);
	assert_string_equal(m.points[3].feature, "duration");
	assert_string_equal(m.points[3].bin, "(-inf, 9]");
	assert_string_equal(m.points[4].bin, "(9, 15.5]");
	assert_string_equal(m.points[5].bin, "(15.5, inf]");
	assert_string_equal(m.points[6].bin, "missing");
	assert_true(m.points[6].customers == 0 && m.points[6].bad_rate == 0);
	assert_int_equal(m.nweights + m.nparams, 0);
	assert_false(m.has_rules);
	modelview_free(&m);
	assert_null(m.gains);
	assert_int_equal(m.npoints, 0);
	store_close(st);
}

static void test_logit_xgb(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	insert(st, "lg", 1, "logit", "challenger",
	       "{\"algo\":\"logit\",\"intercept\":-0.27,\"columns\":[{\"name\":\"checking_status\","
	       "\"levels\":[\"A11\",\"A14\"],\"weights\":[0.65,-0.99]},{\"name\":\"duration\","
	       "\"mean\":20.9,\"sd\":12.05,\"min\":4,\"max\":72,\"weight\":0.33}]}",
	       "{\"auc\":0.779}");
	insert(st, "xg", 1, "xgb", "challenger",
	       "{\"algo\":\"xgb\",\"params\":{\"trees\":50,\"eta\":0.05,\"tree_method\":\"hist\"},"
	       "\"columns\":[{\"name\":\"duration\"}],\"booster\":{\"big\":[1,2,3]}}",
	       NULL);
	struct modelview m;
	assert_int_equal(modelview_load(st, "lg", 1, &m, &err), 0);
	assert_true(m.intercept == -0.27);
	assert_int_equal(m.nweights, 3);
	assert_string_equal(m.weights[0].feature, "checking_status");
	assert_string_equal(m.weights[1].level, "A14");
	assert_true(m.weights[1].weight == -0.99 && isnan(m.weights[1].mean));
	assert_string_equal(m.weights[2].feature, "duration");
	assert_string_equal(m.weights[2].level, "");
	assert_true(m.weights[2].weight == 0.33 && m.weights[2].mean == 20.9 &&
		    m.weights[2].sd == 12.05);
	assert_true(m.auc == 0.779 && isnan(m.ks));
	assert_int_equal(m.niv + m.nroc + m.ngains, 0);
	modelview_free(&m);

	assert_int_equal(modelview_load(st, "xg", 1, &m, &err), 0);
	assert_false(m.has_metrics);
	assert_int_equal(m.nparams, 3);
	assert_string_equal(m.params[0].key, "trees");
	assert_string_equal(m.params[0].value, "50");
	assert_string_equal(m.params[1].value, "0.05");
	assert_string_equal(m.params[2].value, "hist");
	assert_int_equal(m.ncolumns, 1);
	modelview_free(&m);
	store_close(st);
}

/* Corrupt JSON: no crash, no error, the fields it would fill are absent. */
static void test_corrupt(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	insert(st, "bad", 1, "scorecard", "challenger", "{\"columns\": [",
	       "{\"auc\": 0.7, \"gains\"");
	insert(st, "bad", 2, "scorecard", "challenger",
	       "{\"columns\":[7,{\"name\":\"x\",\"bins\":[\"no\",{\"hi\":\"a\"},{\"levels\":[1,"
	       "\"L\"]}]}]}",
	       "{\"auc\":\"high\",\"ks\":0.3,\"fold_auc\":{\"a\":1},\"gains\":[1,{}],"
	       "\"calibration\":7,\"roc\":[[0],[\"a\",1],[0.5,0.5]],\"iv\":[{\"iv\":1},{\"name\":"
	       "\"f\"}]}");
	insert(st, "bad", 3, "logit", "challenger", "[1,2]", "[]");
	insert(st, "rules", 2, "rules", "challenger", "{\"baseline\": \"x\"}", "nonsense");
	struct modelview_version v[8];
	int total;
	assert_int_equal(modelview_list(st, v, 8, &total, &err), 5);
	assert_true(isnan(v[0].auc)); /* malformed metrics */
	assert_true(isnan(v[1].auc)); /* a string */
	assert_true(v[1].ks == 0.3);
	assert_true(isnan(v[2].auc)); /* an array */

	struct modelview m;
	assert_int_equal(modelview_load(st, "bad", 1, &m, &err), 0);
	assert_false(m.has_metrics);
	assert_true(isnan(m.auc) && isnan(m.base_points));
	assert_int_equal(m.npoints + m.ngains + m.niv + m.nroc, 0);
	modelview_free(&m);

	assert_int_equal(modelview_load(st, "bad", 2, &m, &err), 0);
	assert_true(m.has_metrics);
	assert_true(isnan(m.auc));
	assert_true(m.ks == 0.3);
	assert_int_equal(m.nfold_auc, 0);
	assert_int_equal(m.ngains, 1); /* the object; the number is skipped */
	assert_true(isnan(m.gains[0].bad_rate));
	assert_int_equal(m.ncalibration, 0);
	assert_int_equal(m.nroc, 1);
	assert_true(m.roc[0][0] == 0.5);
	assert_int_equal(m.niv, 1);
	assert_string_equal(m.iv[0].name, "f");
	assert_true(isnan(m.iv[0].iv));
	assert_int_equal(m.npoints, 2);
	assert_string_equal(m.points[0].feature, "x");
	assert_string_equal(m.points[0].bin, "(-inf, inf]");
	assert_true(isnan(m.points[0].customers) && isnan(m.points[0].bad_rate));
	assert_string_equal(m.points[1].bin, "L");
	modelview_free(&m);

	assert_int_equal(modelview_load(st, "bad", 3, &m, &err), 0);
	assert_false(m.has_metrics);
	assert_int_equal(m.nweights + m.ncolumns, 0);
	modelview_free(&m);

	assert_int_equal(modelview_load(st, "rules", 2, &m, &err), 0);
	assert_false(m.has_rules);
	assert_false(m.has_metrics);
	modelview_free(&m);
	store_close(st);
}

/* A scorecard trained on German Credit, as the console shows it after `train`. */
static void test_trained_german(void **state)
{
	(void)state;
	struct rd_store *st = test_store_german();
	struct rd_err err = {{0}};
	assert_int_equal(test_run(st, "train g1 --algo scorecard", &err), RD_OK);
	assert_int_equal(test_run(st, "promote g1", &err), RD_OK);
	struct modelview_version v[4];
	int total;
	assert_int_equal(modelview_list(st, v, 4, &total, &err), 2);
	assert_string_equal(v[0].name, "g1");
	assert_string_equal(v[0].status, "champion");
	assert_true(v[0].auc > 0.7 && v[0].auc < 0.9);
	struct modelview m;
	assert_int_equal(modelview_load(st, "g1", 1, &m, &err), 0);
	assert_int_equal(m.nfold_auc, 5);
	assert_int_equal(m.ngains, 10);
	assert_int_equal(m.ncalibration, 5);
	assert_true(m.nroc >= 2 && m.nroc <= 41);
	assert_true(m.roc[0][0] == 0 && m.roc[m.nroc - 1][0] == 1);
	assert_true(m.niv >= 20);
	assert_string_equal(m.iv[0].name, "checking_status");
	for (int i = 1; i < m.niv; i++)
		assert_true(m.iv[i - 1].iv >= m.iv[i].iv);
	assert_true(m.npoints > 20);
	int a14 = 0;
	for (int i = 0; i < m.npoints; i++)
		a14 |= strcmp(m.points[i].feature, "checking_status") == 0 &&
		       strcmp(m.points[i].bin, "A14") == 0 && m.points[i].points > 0;
	assert_true(a14);
	assert_false(isnan(m.base_points));
	assert_false(isnan(m.threshold_pd));
	modelview_free(&m);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_only),     cmocka_unit_test(test_scorecard),
		cmocka_unit_test(test_logit_xgb),      cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_trained_german),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
