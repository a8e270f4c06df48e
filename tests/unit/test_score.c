/* Rules scoring, bands, risk levels and the PD scaling (SPEC section 5). */
#include "testutil.h"

#include <math.h>

#include "riskdesk/engine.h"
#include "riskdesk/score.h"

/* The built-in rules model, as a new database holds it (schema.sql). */
static struct rules_model rules_v1(void)
{
	static struct rules_model m;
	static int parsed;
	if (!parsed) {
		struct rd_err err = {{0}};
		struct rd_store *st = test_store();
		sqlite3_stmt *s;
		if (store_prepare(st,
				  "SELECT spec FROM models WHERE name = 'rules' AND version = 1",
				  &s, &err) ||
		    sqlite3_step(s) != SQLITE_ROW ||
		    rules_parse((const char *)sqlite3_column_text(s, 0), &m, &err))
			fail_msg("the built-in rules model: %s", err.msg);
		sqlite3_finalize(s);
		store_close(st);
		parsed = 1;
	}
	return m;
}

/* A feature vector from the six inputs of the rules formula. */
static void features(double *f, double spend, double delivered, double aov, double rr, double fpr,
		     double cod)
{
	memset(f, 0, FEAT_COUNT * sizeof *f);
	f[FEAT_TOTAL_SPEND] = spend;
	f[FEAT_ORDERS_DELIVERED] = delivered;
	f[FEAT_AVG_ORDER_VALUE] = aov;
	f[FEAT_RETURN_RATE] = rr;
	f[FEAT_FAILED_PAYMENT_RATE] = fpr;
	f[FEAT_COD_SHARE] = cod;
}

static int score_of(double spend, double delivered, double aov, double rr, double fpr, double cod)
{
	struct rules_model m = rules_v1();
	double f[FEAT_COUNT];
	struct rd_score s;
	features(f, spend, delivered, aov, rr, fpr, cod);
	rules_score(&m, f, &s);
	return s.score;
}

static void test_band_edges(void **state)
{
	(void)state;
	/* Each case worked by hand from SPEC section 5's formula. */
	assert_int_equal(score_of(0, 0, 0, 0, 0, 0), 600);           /* baseline */
	assert_int_equal(score_of(0, 0, 0, 0, 1.0 / 400, 0), 599);   /* 600 - 1 */
	assert_int_equal(score_of(0, 0, 0, 1.0 / 3, 0, 0), 500);     /* 600 - 100 */
	assert_int_equal(score_of(0, 0, 0, 0, 101.0 / 400, 0), 499); /* 600 - 101 */
	assert_int_equal(score_of(0, 25, 0, 0, 0, 0), 700);          /* 600 + 100 */
	assert_int_equal(score_of(0, 25, 0, 0, 1.0 / 400, 0), 699);  /* 600 + 100 - 1 */
	assert_int_equal(score_of(1000, 25, 100, 0, 0, 0), 800);     /* 600 + 50 + 100 + 50 */
	assert_int_equal(score_of(1000, 25, 100, 0, 0, 1.0 / 150), 799);
	assert_int_equal(score_of(1500, 30, 50, 0, 0, 0), 800); /* 600 + 75 + 100 + 25 */
	/* Caps: 150 + 100 + 50 at most. */
	assert_int_equal(score_of(1e9, 1e6, 1e9, 0, 0, 0), 900);
	/* Rounding to nearest: 600 + 0.5 (spend 10) rounds half away from zero. */
	assert_int_equal(score_of(10, 0, 0, 0, 0, 0), 601);
	assert_int_equal(score_of(9.8, 0, 0, 0, 0, 0), 600);
}

static void test_bands_and_levels(void **state)
{
	(void)state;
	const struct {
		int score;
		char band;
		const char *level;
	} cases[] = {
		{1000, 'A', "LOW"},     {800, 'A', "LOW"},    {799, 'B', "LOW"},
		{700, 'B', "LOW"},      {699, 'C', "MEDIUM"}, {600, 'C', "MEDIUM"},
		{599, 'D', "HIGH"},     {500, 'D', "HIGH"},   {499, 'E', "CRITICAL"},
		{300, 'E', "CRITICAL"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char b = score_band(cases[i].score);
		assert_int_equal(b, cases[i].band);
		assert_string_equal(score_risk_level(b), cases[i].level);
	}
}

/* A model's own band edges (train --bands): each edge is the lowest score of its band. */
static void test_band_setting(void **state)
{
	(void)state;
	struct rd_err err = {{0}};
	struct score_scaling sc = score_scaling_default;
	for (int s = SCORE_MIN; s <= SCORE_MAX; s++) /* SPEC's edges: as score_band */
		assert_int_equal(score_band_of(&sc, s), score_band(s));
	assert_true(score_bands_default(sc.bands));
	assert_int_equal(score_bands_parse("750,650,550,450", sc.bands, &err), 0);
	assert_false(score_bands_default(sc.bands));
	assert_int_equal(score_band_of(&sc, 750), 'A');
	assert_int_equal(score_band_of(&sc, 749), 'B');
	assert_int_equal(score_band_of(&sc, 650), 'B');
	assert_int_equal(score_band_of(&sc, 649), 'C');
	assert_int_equal(score_band_of(&sc, 450), 'D');
	assert_int_equal(score_band_of(&sc, 449), 'E');
	assert_false(score_scaling_same(&sc, &score_scaling_default));
	static const char *const bad[] = {"800,700,600",      "800,700,600,500,400",
					  "800,800,600,500",  "700,800,600,500",
					  "1001,700,600,500", "800,700,600,300",
					  "800,700,600,500,", "800;700;600;500",
					  "800,700,600,5e2",  ""};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int b[SCORE_BANDS - 1] = {1, 2, 3, 4};
		if (score_bands_parse(bad[i], b, &err) == 0)
			fail_msg("accepted band edges '%s'", bad[i]);
		assert_non_null(strstr(err.msg, "strictly decreasing"));
	}
	assert_int_equal(score_bands_parse("1000,999,998,301", sc.bands, &err), 0);
}

static void test_clamps(void **state)
{
	(void)state;
	/* Every penalty at its worst: 600 - 300 - 400 - 150 = -250, clamped to 300. */
	assert_int_equal(score_of(0, 0, 0, 1, 1, 1), 300);
	assert_int_equal(score_of(0, 0, 0, 1, 0.5, 0), 300); /* 600 - 300 - 200 = 100 */
	assert_int_equal(score_clamp(1000.4), 1000);
	assert_int_equal(score_clamp(1000.6), 1000);
	assert_int_equal(score_clamp(299.5), 300);
	assert_int_equal(score_clamp(NAN), 300);
	/* The top clamp through a model whose baseline is high. */
	struct rules_model m = rules_v1();
	m.baseline = 950;
	double f[FEAT_COUNT];
	struct rd_score s;
	features(f, 0, 25, 0, 0, 0, 0);
	rules_score(&m, f, &s);
	assert_int_equal(s.score, 1000);
	assert_int_equal(s.band, 'A');
}

static void test_pd_scaling(void **state)
{
	(void)state;
	const struct score_scaling *sc = &score_scaling_default;
	/* 600 points at odds 19:1, i.e. pd = 1/20; +50 points doubles the odds. */
	assert_true(fabs(pd_from_score(sc, 600) - 0.05) < 1e-12);
	assert_true(fabs(pd_from_score(sc, 650) - 1.0 / 39) < 1e-12);
	assert_true(fabs(score_from_pd(sc, 0.05) - 600) < 1e-9);
	assert_true(fabs(score_from_pd(sc, 1.0 / 39) - 650) < 1e-9);
	for (double pd = 0.001; pd < 1; pd += 0.0137)
		assert_true(fabs(pd_from_score(sc, score_from_pd(sc, pd)) - pd) < 1e-12);
}

static void test_reasons(void **state)
{
	(void)state;
	struct rules_model m = rules_v1();
	double f[FEAT_COUNT];
	struct rd_score s;
	/* Missed rewards: spend 150, delivered 100, aov 50; penalties 60, 40, 15. */
	features(f, 0, 0, 0, 0.2, 0.1, 0.1);
	rules_score(&m, f, &s);
	assert_int_equal(s.nreasons, 4);
	assert_string_equal(s.reasons[0].code, "R-SPEND");
	assert_true(fabs(s.reasons[0].points - 150) < 1e-9);
	assert_string_equal(s.reasons[1].code, "R-DELIVERED");
	assert_string_equal(s.reasons[2].code, "R-RETURNS");
	assert_true(fabs(s.reasons[2].points - 60) < 1e-9);
	assert_string_equal(s.reasons[3].code, "R-AOV");
	/* A perfect customer has nothing to explain. */
	features(f, 1e6, 100, 1000, 0, 0, 0);
	rules_score(&m, f, &s);
	assert_int_equal(s.nreasons, 0);
}

static void test_rules_parse_errors(void **state)
{
	(void)state;
	struct rules_model m;
	struct rd_err err = {{0}};
	assert_int_equal(rules_parse("[1,2]", &m, &err), -1);
	assert_non_null(strstr(err.msg, "not a JSON object"));
	assert_int_equal(rules_parse("{\"terms\": []}", &m, &err), -1);
	assert_non_null(strstr(err.msg, "'baseline' is missing"));
	assert_int_equal(rules_parse("{\"baseline\": 1, \"terms\": [{\"feature\": \"x\", "
				     "\"weight\": 1}]}",
				     &m, &err),
			 -1);
	assert_non_null(strstr(err.msg, "unknown feature 'x'"));
	assert_int_equal(rules_parse("{\"baseline\": 1, \"terms\": [{\"feature\": \"cod_share\","
				     " \"weight\": 1, \"divisor\": 0}]}",
				     &m, &err),
			 -1);
	assert_non_null(strstr(err.msg, "divisor"));
	assert_int_equal(rules_parse("{\"baseline\": 1, \"terms\": [{\"feature\": \"cod_share\","
				     " \"weight\": \"a\"}]}",
				     &m, &err),
			 -1);
	assert_non_null(strstr(err.msg, "terms[0]: 'weight' must be a number"));
	/* A code is a reason's identity: whole (never cut) and not shared by two terms. */
	assert_int_equal(rules_parse("{\"baseline\": 1, \"terms\": [{\"feature\": \"cod_share\","
				     " \"weight\": 1, \"code\": \"R-X\"}, {\"feature\": "
				     "\"return_rate\","
				     " \"weight\": 1, \"code\": \"R-X\"}]}",
				     &m, &err),
			 -1);
	assert_non_null(strstr(err.msg, "terms[1]: code 'R-X' is also terms[0]'s"));
	char json_long[512], code[REASON_CODE_SIZE + 1];
	memset(code, 'C', sizeof code - 1);
	code[sizeof code - 1] = '\0';
	snprintf(json_long, sizeof json_long,
		 "{\"baseline\": 1, \"terms\": [{\"feature\":"
		 " \"cod_share\", \"weight\": 1, \"code\": \"%s\"}]}",
		 code);
	assert_int_equal(rules_parse(json_long, &m, &err), -1);
	assert_non_null(strstr(err.msg, "terms[0]: 'code' must be 1 to 130 bytes"));
	code[sizeof code - 2] = '\0'; /* 130 bytes: whole in the reason */
	snprintf(json_long, sizeof json_long,
		 "{\"baseline\": 1, \"terms\": [{\"feature\":"
		 " \"cod_share\", \"weight\": -1, \"code\": \"%s\"}]}",
		 code);
	assert_int_equal(rules_parse(json_long, &m, &err), 0);
	double f[FEAT_COUNT] = {0};
	f[FEAT_COD_SHARE] = 1;
	struct rd_score sc;
	rules_score(&m, f, &sc);
	assert_int_equal(sc.nreasons, 1);
	assert_string_equal(sc.reasons[0].code, code);
	/* The specification survives a round trip. */
	struct rules_model a = rules_v1(), b;
	char *json = rules_to_json(&a);
	assert_int_equal(rules_parse(json, &b, &err), 0);
	free(json);
	assert_int_equal(a.nterms, b.nterms);
	for (int i = 0; i < a.nterms; i++) {
		assert_int_equal(a.terms[i].feature, b.terms[i].feature);
		assert_true(a.terms[i].weight == b.terms[i].weight);
		assert_true(a.terms[i].divisor == b.terms[i].divisor);
		assert_int_equal(a.terms[i].has_cap, b.terms[i].has_cap);
	}
}

/* Every number of a rules spec within its bounds; strict JSON (no duplicate key, no
 * infinity); the raw score comes back so that the engine can refuse a non-finite one. */
static void test_rules_bounds(void **state)
{
	(void)state;
	static const struct {
		const char *json, *want;
	} bad[] = {
		{"{\"baseline\": 1e999, \"terms\": []}",
		 "rules:1:14: invalid JSON: a number beyond"},
		{"{\"baseline\": 2e6, \"terms\": []}",
		 "rules: 'baseline' must be a number from -1e+06"},
		{"{\"baseline\": 600, \"terms\": [{\"feature\": \"cod_share\", \"weight\": -1e7}]}",
		 "rules: terms[0]: 'weight' must be a number from -1e+06 to 1e+06"},
		{"{\"baseline\": 600, \"terms\": [{\"feature\": \"cod_share\", \"weight\": 1,"
		 " \"cap\": 1e300}]}",
		 "terms[0]: 'cap' must be a number"},
		{"{\"baseline\": 600, \"terms\": [{\"feature\": \"cod_share\", \"weight\": 1,"
		 " \"divisor\": 1e-9}]}",
		 "terms[0]: 'divisor' must be at least 1e-06 away from 0"},
		{"{\"baseline\": 600, \"terms\": [{\"feature\": \"cod_share\", \"weight\": 1,"
		 " \"weight\": 1e6}]}",
		 "rules: key 'weight' appears twice in terms[0]"},
		{"{\"baseline\": 600, \"terms\": [", "rules:1:29: invalid JSON: the text ends"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct rules_model m;
		struct rd_err err = {{0}};
		if (rules_parse(bad[i].json, &m, &err) == 0)
			fail_msg("accepted: %s", bad[i].json);
		if (!strstr(err.msg, bad[i].want))
			fail_msg("'%s': got '%s', expected '%s'", bad[i].json, err.msg,
				 bad[i].want);
	}
	/* An uncapped term on an enormous feature overflows: the raw score says so. */
	struct rules_model m;
	struct rd_err err = {{0}};
	assert_int_equal(rules_parse("{\"baseline\": 600, \"terms\": [{\"feature\": "
				     "\"total_spend\","
				     " \"weight\": 1e6, \"divisor\": 1e-6}]}",
				     &m, &err),
			 0);
	double f[FEAT_COUNT] = {0};
	struct rd_score s;
	f[FEAT_TOTAL_SPEND] = 1e300;
	assert_false(isfinite(rules_score(&m, f, &s)));
	f[FEAT_TOTAL_SPEND] = 0.5;
	assert_true(rules_score(&m, f, &s) == 600 + 0.5 / 1e-6 * 1e6);
}

static void test_segment(void **state)
{
	(void)state;
	double f[FEAT_COUNT] = {0};
	f[FEAT_ORDERS_DELIVERED] = 2;
	assert_string_equal(engine_segment(f), "new");
	f[FEAT_ORDERS_DELIVERED] = 3;
	assert_string_equal(engine_segment(f), "existing");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_band_edges),         cmocka_unit_test(test_bands_and_levels),
		cmocka_unit_test(test_band_setting),       cmocka_unit_test(test_clamps),
		cmocka_unit_test(test_pd_scaling),         cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_rules_parse_errors), cmocka_unit_test(test_segment),
		cmocka_unit_test(test_rules_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
