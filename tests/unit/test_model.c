/* Model specifications (include/riskdesk/model.h) and strict JSON (jsondoc.h): what a
 * spec may hold (bounds, well-formed bins, names, weights), where a bad JSON text is, and
 * scoring that refuses a non-finite score. Small specs written here. */
#include "testutil.h"

#include <cjson/cJSON.h>
#include <math.h>

#include "riskdesk/jsondoc.h"
#include "riskdesk/model.h"

/* A logit spec: a categorical and a numeric column; %s are replaced in order. */
static const char logit_fmt[] =
	"{\"algo\": \"logit\", \"scaling\": {\"base_score\": %s, \"base_odds\": %s, \"pdo\": %s},"
	" \"intercept\": %s, \"columns\": ["
	" {\"name\": \"home\", \"levels\": [\"own\", \"rent\"], \"weights\": [%s, 0.4]},"
	" {\"name\": \"age\", \"mean\": 40, \"sd\": %s, \"min\": %s, \"max\": 80, \"weight\": "
	"%s}]}";

static char *logit_spec(const char *const v[8])
{
	static char buf[1024];
	snprintf(buf, sizeof buf, logit_fmt, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
	return buf;
}

static const char *const logit_ok[8] = {"600", "19", "50", "-1", "-0.5", "10", "18", "0.3"};

/* A scorecard spec with a categorical and a numeric column; bins given as text. */
static char *scorecard_spec(const char *cat_bins, const char *num_bins)
{
	static char buf[2048];
	snprintf(buf, sizeof buf,
		 "{\"algo\": \"scorecard\", \"intercept\": -1, \"columns\": ["
		 " {\"name\": \"home\", \"levels\": [\"free\", \"own\", \"rent\"], \"coef\": -0.8,"
		 " \"bins\": [%s]},"
		 " {\"name\": \"age\", \"coef\": -0.6, \"bins\": [%s]}]}",
		 cat_bins, num_bins);
	return buf;
}

static const char cat_ok[] = "{\"levels\": [\"own\"], \"woe\": 0.5, \"points\": 20},"
			     " {\"levels\": [\"free\", \"rent\"], \"woe\": -0.2, \"points\": -8},"
			     " {\"missing\": true, \"woe\": -0.4, \"points\": -15}";
static const char num_ok[] =
	"{\"hi\": 25, \"woe\": -0.7, \"points\": -30}, {\"missing\": true, \"woe\": 0.1, "
	"\"points\": 4},"
	" {\"hi\": 40, \"woe\": 0, \"points\": 0}, {\"hi\": null, \"woe\": 0.6, \"points\": 25}";

/* model_parse fails with a message containing want. */
static void refused(const char *spec, const char *want)
{
	struct rd_err err = {{0}};
	struct rd_model *m = model_parse(spec, &err);
	if (m) {
		model_free(m);
		fail_msg("accepted, expected '%s': %s", want, spec);
	}
	if (!strstr(err.msg, want))
		fail_msg("message '%s' lacks '%s'", err.msg, want);
}

static struct rd_model *parsed(const char *spec)
{
	struct rd_err err = {{0}};
	struct rd_model *m = model_parse(spec, &err);
	if (!m)
		fail_msg("refused: %s", err.msg);
	return m;
}

static void test_jsondoc_positions(void **state)
{
	(void)state;
	static const struct {
		const char *text, *want;
	} bad[] = {
		{"{\"a\": 1,\n \"b\": [1, 2",
		 "f:2:12: invalid JSON: the text ends inside an array"},
		{"{\"a\": 1,\n \"b\": NaN}", "f:2:7: invalid JSON: a value was expected (NaN"},
		{"{\"w\": -Infinity}", "f:1:8: invalid JSON: a digit must follow '-'"},
		{"{\"w\": 1e999}", "f:1:7: invalid JSON: a number beyond the range of a double"},
		{"{\"w\": -1e400}", "f:1:7: invalid JSON: a number beyond the range"},
		{"{\"w\": 01}", "f:1:8: invalid JSON: a number with a leading zero"},
		{"{\"w\": 1.}", "f:1:9: invalid JSON: a digit must follow the decimal point"},
		{"{\"s\": \"a\u00e9\\u0000b\"}", "f:1:10: invalid JSON: \\u0000 (NUL) in a string"},
		{"{\"s\": \"a\tb\"}", "f:1:9: invalid JSON: a control character in a string"},
		{"{\"s\": \"\\ud800x\"}",
		 "f:1:8: invalid JSON: a high surrogate without its low half"},
		{"{\"s\": \"\\udc00\"}", "f:1:8: invalid JSON: a lone low surrogate"},
		{"{\"s\": \"\\q\"}", "f:1:8: invalid JSON: a bad escape"},
		{"{\"s\": \"\xc3\x28\"}", "f:1:7: invalid JSON: invalid UTF-8 in a string"},
		{"{\"a\" 1}", "f:1:6: invalid JSON: ':' was expected after the key"},
		{"{a: 1}", "f:1:2: invalid JSON: a key (a string in double quotes) was expected"},
		{"[1, 2,]", "f:1:7: invalid JSON: a value was expected"},
		{"{} x", "f:1:4: invalid JSON: unexpected text after the JSON value"},
		{"", "f:1:1: invalid JSON: the text ends where a value was expected"},
		{"{\"a\": 1, \"b\": {\"c\": 2, \"c\": 3}}", "f: key 'c' appears twice in b"},
		{"{\"a\": [{}, {\"x\": 1, \"x\": 1}]}", "f: key 'x' appears twice in a[1]"},
		{"{\"k\": 1, \"k\": 2}", "f: key 'k' appears twice in the top-level object"},
		{"{\"w\": 12345678901234567890123456789012345678901234567890123456789012345}",
		 "f:1:7: invalid JSON: a number longer than 63 characters"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct rd_err err = {{0}};
		cJSON *doc = jsondoc_parse(bad[i].text, strlen(bad[i].text), "f", &err);
		if (doc) {
			cJSON_Delete(doc);
			fail_msg("accepted: %s", bad[i].text);
		}
		if (strncmp(err.msg, bad[i].want, strlen(bad[i].want)) != 0)
			fail_msg("'%s': got '%s', expected '%s'", bad[i].text, err.msg,
				 bad[i].want);
	}
	/* Nesting deeper than the limit; then strict JSON of every kind is accepted. */
	char deep[2 * JSONDOC_MAX_DEPTH + 8];
	memset(deep, '[', JSONDOC_MAX_DEPTH + 1);
	memset(deep + JSONDOC_MAX_DEPTH + 1, ']', JSONDOC_MAX_DEPTH + 1);
	struct rd_err err = {{0}};
	assert_null(jsondoc_parse(deep, 2 * JSONDOC_MAX_DEPTH + 2, "f", &err));
	assert_non_null(strstr(err.msg, "nesting deeper"));
	const char ok[] =
		" {\"a\": [1, -0.5e-3, 2E+8, true, false, null, \"\\u00e9\\ud83d\\ude00\\n\"],"
		" \"b\": {}, \"c\": [], \"d\": 1e-400}\n";
	cJSON *doc = jsondoc_parse(ok, strlen(ok), "f", &err);
	if (!doc)
		fail_msg("%s", err.msg);
	cJSON_Delete(doc);
	/* A text is read to its length, never past it. */
	doc = jsondoc_parse("[1]]]", 3, "f", &err);
	assert_non_null(doc);
	cJSON_Delete(doc);
}

/* The walk over a checked document finds what cJSON finds: members by their decoded key,
 * elements in order, strings holding brackets and quotes, empty containers. */
static void test_jsondoc_walk(void **state)
{
	(void)state;
	const char text[] =
		" {\"columns\": [{\"bins\": [{\"hi\": 1, \"w\": \"]}\\\"\"}, {\"hi\": null},"
		" {\"levels\": [\"A\\u0031\", \"b\"]}], \"name\": \"x\\ty\"}, [], {}],"
		" \"h\\u0069\": -2.5e-1, \"z\": true} ";
	struct jsondoc_span doc = {text, strlen(text)}, cols, col, bins, bin, v, key;
	struct jsondoc_iter it, bit;
	struct rd_buf b = {0};
	double d;
	assert_int_equal(jsondoc_begin(&it, doc), -1); /* leading space: not a container */
	doc.p++, doc.n--;
	assert_int_equal(jsondoc_member(doc, "hi", &v), 0); /* the key is escaped */
	assert_int_equal(jsondoc_number(v, &d), 0);
	assert_true(d == -0.25);
	v = (struct jsondoc_span){"kept", 4};
	assert_int_equal(jsondoc_member(doc, "missing", &v), -1);
	assert_true(v.n == 4 && memcmp(v.p, "kept", 4) == 0); /* not the last member's span */
	assert_int_equal(jsondoc_member(doc, "z", &v), 0);
	assert_int_equal(jsondoc_number(v, &d), -1);
	assert_int_equal(jsondoc_member(doc, "columns", &cols), 0);
	assert_int_equal(jsondoc_begin(&it, cols), 0);
	assert_int_equal(jsondoc_next(&it, &key, &col), 1);
	assert_int_equal(key.n, 0); /* an array's element has no key */
	assert_int_equal(jsondoc_member(col, "name", &v), 0);
	assert_int_equal(jsondoc_string(v, &b), 0);
	assert_string_equal(b.data, "x\ty");
	assert_int_equal(jsondoc_member(col, "bins", &bins), 0);
	assert_int_equal(jsondoc_begin(&bit, bins), 0);
	const char *want[] = {"{\"hi\": 1, \"w\": \"]}\\\"\"}", "{\"hi\": null}",
			      "{\"levels\": [\"A\\u0031\", \"b\"]}"};
	for (int i = 0; i < 3; i++) {
		assert_int_equal(jsondoc_next(&bit, NULL, &bin), 1);
		assert_int_equal(bin.n, strlen(want[i]));
		assert_memory_equal(bin.p, want[i], bin.n);
	}
	assert_int_equal(jsondoc_next(&bit, NULL, &bin), 0);
	assert_int_equal(jsondoc_next(&bit, NULL, &bin), 0); /* and stays at the end */
	assert_int_equal(jsondoc_member(bin, "levels", &v), 0);
	struct jsondoc_iter lit;
	assert_int_equal(jsondoc_begin(&lit, v), 0);
	buf_reset(&b);
	while (jsondoc_next(&lit, NULL, &v))
		assert_int_equal(jsondoc_string(v, &b), 0);
	assert_string_equal(b.data, "A1b");
	assert_int_equal(jsondoc_next(&it, NULL, &col), 1);
	assert_int_equal(jsondoc_begin(&bit, col), 0);
	assert_int_equal(jsondoc_next(&bit, NULL, &v), 0); /* [] */
	assert_int_equal(jsondoc_next(&it, NULL, &col), 1);
	assert_int_equal(jsondoc_member(col, "x", &v), -1); /* {} */
	assert_int_equal(jsondoc_next(&it, NULL, &col), 0);
	buf_free(&b);
}

static void test_logit_bounds(void **state)
{
	(void)state;
	model_free(parsed(logit_spec(logit_ok)));
	static const struct {
		int field;
		const char *value, *want;
	} bad[] = {
		{0, "5000", "'base_score' must be a number from 300 to 1000"},
		{1, "0", "'base_odds' must be a number from 0.001 to 1000"},
		{1, "1e6", "'base_odds'"},
		{2, "0", "'pdo' must be a number from 1 to 500"},
		{2, "1e308", "'pdo'"},
		{3, "20000", "'intercept' must be a number from -10000 to 10000"},
		{3, "1e999", "model spec:1:"},
		{4, "1e5", "column 'home': weights[0] must be a number from -10000 to 10000"},
		{4, "\"x\"", "column 'home': weights[0]"},
		{5, "0", "column 'age': 'sd' must be > 0"},
		{5, "-3", "'sd' must be > 0"},
		{6, "81", "column 'age': 'min' must not exceed 'max'"},
		{5, "1e-308", "no finite contribution"},
		{7, "-1e5", "column 'age': 'weight' must be a number from -10000 to 10000"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *v[8];
		memcpy(v, logit_ok, sizeof v);
		v[bad[i].field] = bad[i].value;
		refused(logit_spec(v), bad[i].want);
	}
	refused("{\"algo\": \"logit\", \"intercept\": 1, \"base_points\": 1e7, \"columns\": []}",
		"'base_points' must be a number");
	refused("{\"algo\": \"logit\", \"scaling\": 5, \"intercept\": 1, \"columns\": []}",
		"'scaling' must be an object");
}

/* Band edges in a spec's scaling: scoring uses them; a bad list is refused, named. */
static void test_spec_bands(void **state)
{
	(void)state;
	const char *v[8];
	memcpy(v, logit_ok, sizeof v);
	v[0] = "600, \"bands\": [750, 650, 550, 450]";
	struct rd_model *m = parsed(logit_spec(v));
	struct rd_score out;
	score_fill(&m->scaling, 660.2, &out);
	assert_int_equal(out.band, 'B'); /* C under SPEC's edges */
	score_fill(&m->scaling, 749.6, &out);
	assert_int_equal(out.score, 750);
	assert_int_equal(out.band, 'A');
	assert_string_equal(out.risk_level, "LOW");
	model_free(m);
	static const struct {
		const char *bands, *want;
	} bad[] = {
		{"[750, 650, 550]", "'bands' must be an array of 4 scores"},
		{"\"750\"", "'bands' must be an array of 4 scores"},
		{"[750, 650.5, 550, 450]", "'bands' must hold whole scores"},
		{"[750, 650, 650, 450]", "strictly decreasing"},
		{"[1e300, 650, 550, 450]", "'bands' must hold whole scores"},
		{"[750, 650, 550, 300]", "strictly decreasing"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char base[96];
		snprintf(base, sizeof base, "600, \"bands\": %s", bad[i].bands);
		v[0] = base;
		refused(logit_spec(v), bad[i].want);
	}
}

static void test_scorecard_bins(void **state)
{
	(void)state;
	model_free(parsed(scorecard_spec(cat_ok, num_ok)));
	static const struct {
		int numeric;
		const char *bins, *want;
	} bad[] = {
		{0,
		 "{\"levels\": [\"own\", \"rent\"], \"woe\": 0, \"points\": 0},"
		 " {\"levels\": [\"free\", \"rent\"], \"woe\": 0, \"points\": 0}",
		 "column 'home': level 'rent' is in bins[0] and bins[1]"},
		{0,
		 "{\"levels\": [\"own\"], \"woe\": 0, \"points\": 0},"
		 " {\"levels\": [\"rent\"], \"woe\": 0, \"points\": 0}",
		 "column 'home': level 'free' is in no bin"},
		{0,
		 "{\"levels\": [\"own\", \"free\", \"rent\", \"boat\"], \"woe\": 0, \"points\": 0}",
		 "column 'home': bins[0]: a level is not in 'levels'"},
		{0, "{\"levels\": [], \"woe\": 0, \"points\": 0}", "bins[0] needs 'levels'"},
		{0,
		 "{\"hi\": 3, \"levels\": [\"own\", \"free\", \"rent\"], \"woe\": 0, \"points\": "
		 "0}",
		 "bins[0] needs 'levels'"},
		{1,
		 "{\"hi\": 40, \"woe\": 0, \"points\": 0}, {\"hi\": 25, \"woe\": 0, \"points\": 0},"
		 " {\"hi\": null, \"woe\": 0, \"points\": 0}",
		 "column 'age': bins[1]: bin edges must increase"},
		{1,
		 "{\"hi\": 25, \"woe\": 0, \"points\": 0}, {\"hi\": 25, \"woe\": 0, \"points\": 0},"
		 " {\"woe\": 0, \"points\": 0}",
		 "bins[1]: bin edges must increase"},
		{1, "{\"woe\": 0, \"points\": 0}, {\"hi\": null, \"woe\": 0, \"points\": 0}",
		 "column 'age': bins[1]: a bin after the open top bin"},
		{1,
		 "{\"hi\": 25, \"woe\": 0, \"points\": 0}, {\"hi\": 40, \"woe\": 0, \"points\": 0}",
		 "column 'age': the last bin must be the open top bin"},
		{1, "{\"missing\": true, \"woe\": 0, \"points\": 0}",
		 "the last bin must be the open top bin"},
		{1,
		 "{\"missing\": true, \"woe\": 0, \"points\": 0}, {\"woe\": 0, \"points\": 0},"
		 " {\"missing\": true, \"woe\": 0, \"points\": 0}",
		 "column 'age': bins[2]: a second missing bin"},
		{1,
		 "{\"missing\": true, \"hi\": 4, \"woe\": 0, \"points\": 0}, {\"woe\": 0, "
		 "\"points\": 0}",
		 "a missing bin has no 'hi' or 'levels'"},
		{1, "{\"missing\": 1, \"woe\": 0, \"points\": 0}, {\"woe\": 0, \"points\": 0}",
		 "bins[0] must be an object ('missing' true or false)"},
		{1, "{\"hi\": \"5\", \"woe\": 0, \"points\": 0}, {\"woe\": 0, \"points\": 0}",
		 "bins[0]: 'hi' must be a number, or null"},
		{1,
		 "{\"hi\": 5, \"levels\": [\"a\"], \"woe\": 0, \"points\": 0}, {\"woe\": 0, "
		 "\"points\": 0}",
		 "bins[0]: 'hi' must be a number, or null for the open top bin (and no 'levels')"},
		{1, "{\"woe\": 1e5, \"points\": 0}",
		 "column 'age': bins[0]: 'woe' must be a number"},
		{1, "{\"woe\": 0, \"points\": -2e6}",
		 "column 'age': bins[0]: 'points' must be a number"},
		{1, "3", "bins[0] must be an object"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		refused(bad[i].numeric ? scorecard_spec(cat_ok, bad[i].bins)
				       : scorecard_spec(bad[i].bins, num_ok),
			bad[i].want);
}

/* Each value falls in the bin a linear scan finds: the binary search over the edges, with
 * the missing bin among them. */
static void test_scorecard_scoring(void **state)
{
	(void)state;
	struct rd_model *m = parsed(scorecard_spec(cat_ok, num_ok));
	static const struct {
		double home, age, points_lost_age;
	} rows[] = {
		{1, 10, 55},   /* own; age <= 25: -30 points, best 25 */
		{1, 25, 55},   /* the edge itself is in the lower bin */
		{1, 25.5, 25}, /* (25, 40]: 0 */
		{1, 40, 25},     {1, 41, 0},   {1, 1e300, 0},
		{1, -1e300, 55}, {1, NAN, 21}, /* the missing bin: 4 */
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		double x[2] = {rows[i].home, rows[i].age}, raw;
		struct rd_score s;
		struct rd_err err = {{0}};
		assert_int_equal(model_score(m, x, 1, &s, &raw, &err), 0);
		assert_true(isfinite(raw));
		double lost = 0;
		for (int r = 0; r < s.nreasons; r++)
			if (strcmp(s.reasons[r].name, "age") == 0)
				lost = s.reasons[r].points;
		if (fabs(lost - rows[i].points_lost_age) > 1e-9)
			fail_msg("age %g: lost %g, expected %g", rows[i].age, lost,
				 rows[i].points_lost_age);
	}
	model_free(m);
}

/* Special bins: a numeric column's codes listed in "special", each in at most one bin of
 * its own; scoring puts the code there (not in the value bin around it), and a listed code
 * without a bin is neutral. */
static void test_scorecard_special(void **state)
{
	(void)state;
	static const char fmt[] = "{\"algo\": \"scorecard\", \"intercept\": -1, \"columns\": ["
				  " {\"name\": \"age\", \"coef\": -1, %s \"bins\": [%s]}]}";
	static const char bins[] = "{\"hi\": 25, \"woe\": -0.5, \"points\": -30}, {\"hi\": null, "
				   "\"woe\": 0.5, \"points\": 30},"
				   " {\"special\": 98, \"woe\": -1, \"points\": -70}, "
				   "{\"missing\": true, \"woe\": 0.1,"
				   " \"points\": 5}";
	char spec[1024];
	snprintf(spec, sizeof spec, fmt, "\"special\": [-1, 98],", bins);
	struct rd_model *m = parsed(spec);
	static const struct {
		double age, lost;
	} rows[] = {
		{98, 100},  /* its own bin: -70 against the best 30 */
		{97.5, 0},  /* a value: (25, inf) */
		{-1, 30},   /* listed, no bin: neutral (0 points), not the (-inf, 25] bin */
		{-1.5, 60}, /* a value: (-inf, 25] */
		{NAN, 25},  /* missing */
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		double x[1] = {rows[i].age}, raw;
		struct rd_score s;
		struct rd_err err = {{0}};
		assert_int_equal(model_score(m, x, 1, &s, &raw, &err), 0);
		double lost = s.nreasons ? s.reasons[0].points : 0;
		if (fabs(lost - rows[i].lost) > 1e-9)
			fail_msg("age %g: lost %g, expected %g", rows[i].age, lost, rows[i].lost);
	}
	model_free(m);
	static const struct {
		const char *special, *bins, *want;
	} bad[] = {
		{"", bins, "bins[2]: 'special' must be one of the column's 'special' codes"},
		{"\"special\": [-1],", bins, "bins[2]: 'special' must be one of"},
		{"\"special\": [98, 98],", bins, "'special' lists 98 twice"},
		{"\"special\": [\"98\"],", bins, "'special' holds a value that is not a number"},
		{"\"special\": 98,", bins, "'special' must be an array of at most 32 numbers"},
		{"\"special\": [98],",
		 "{\"special\": 98, \"woe\": 0, \"points\": 0}, {\"special\": 98,"
		 " \"woe\": 0, \"points\": 0}, {\"hi\": null, \"woe\": 0, \"points\": 0}",
		 "code 98 is in bins[0] and bins[1]"},
		{"\"special\": [98],",
		 "{\"special\": 98, \"hi\": 3, \"woe\": 0, \"points\": 0},"
		 " {\"hi\": null, \"woe\": 0, \"points\": 0}",
		 "a special bin has no 'hi' or 'levels'"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(spec, sizeof spec, fmt, bad[i].special, bad[i].bins);
		refused(spec, bad[i].want);
	}
	/* Special bins only (every training value was a code): no open top bin needed. */
	snprintf(spec, sizeof spec, fmt, "\"special\": [98],",
		 "{\"special\": 98, \"woe\": 0.2, \"points\": 9}");
	model_free(parsed(spec));
	/* Not in a categorical column. */
	refused("{\"algo\": \"scorecard\", \"intercept\": -1, \"columns\": [{\"name\": \"home\","
		" \"levels\": [\"own\"], \"special\": [1], \"coef\": -1, \"bins\": [{\"levels\":"
		" [\"own\"], \"woe\": 0, \"points\": 0}]}]}",
		"'special' must be an array of at most 32 numbers, in a numeric column");
}

/* A model whose arithmetic overflows on some input: model_score refuses the batch and marks
 * the row, instead of clamping an infinite or NaN score to a band. */
static void test_nonfinite_score(void **state)
{
	(void)state;
	/* sd: any value off the mean overflows (a spec without clip bounds, whose range is the
	 * mean alone, so that it parses). */
	struct rd_model *m = parsed(
		"{\"algo\": \"logit\", \"intercept\": -1, \"columns\": ["
		" {\"name\": \"home\", \"levels\": [\"own\"], \"weights\": [0]},"
		" {\"name\": \"age\", \"mean\": 40, \"sd\": 5e-324, \"weight\": 1}]}");
	double x[6] = {0, 40, 0, 41, 1, 39}, raw[3];
	struct rd_score s[3];
	struct rd_err err = {{0}};
	assert_int_equal(model_score(m, x, 3, s, raw, &err), -1);
	assert_true(isfinite(raw[0]));
	assert_true(isnan(raw[1]));
	assert_true(isnan(raw[2]));
	assert_non_null(strstr(err.msg, "2 of 3 rows get no finite log-odds; the first is row 1"));
	err.msg[0] = '\0';
	assert_int_equal(model_score(m, x, 1, s, raw, &err), 0);
	model_free(m);
}

/* Points lost by one column never exceed the score range, however extreme the model:
 * age weight 10,000 per sd, so age 80 loses millions of points before the cap. */
static void test_points_lost_capped(void **state)
{
	(void)state;
	const char *v[8];
	memcpy(v, logit_ok, sizeof v);
	v[5] = "1";     /* sd */
	v[7] = "10000"; /* age weight */
	struct rd_model *m = parsed(logit_spec(v));
	double x[2] = {0, 80}, raw;
	struct rd_score s;
	struct rd_err err = {{0}};
	assert_int_equal(model_score(m, x, 1, &s, &raw, &err), 0);
	assert_true(s.nreasons >= 1);
	assert_string_equal(s.reasons[0].name, "age");
	assert_true(s.reasons[0].points == SCORE_MAX - SCORE_MIN);
	model_free(m);
}

static void test_names_and_weights(void **state)
{
	(void)state;
	const char *good[] = {"g1", "G", "a.b-c_d", "1x",
			      "a234567890123456789012345678901234567890123456789012345678901234"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		struct rd_err err = {{0}};
		if (model_name_check(good[i], &err))
			fail_msg("'%s' refused: %s", good[i], err.msg);
	}
	const char *bad[] = {"",
			     " ",
			     "a b",
			     "a\nb",
			     "-x",
			     ".x",
			     "_x",
			     "x@1",
			     "caf\xc3\xa9",
			     "a/b",
			     "a2345678901234567890123456789012345678901234567890123456789012345"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct rd_err err = {{0}};
		if (model_name_check(bad[i], &err) == 0)
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(strstr(err.msg, "is not a model name"));
		assert_null(strchr(err.msg, '\n'));
	}
	struct rd_err err = {{0}};
	assert_int_equal(model_weight_check(1, "w", &err), 0);
	assert_int_equal(model_weight_check(MODEL_WEIGHT_MAX, "w", &err), 0);
	const double badw[] = {0, -1, MODEL_WEIGHT_MAX * 1.01, INFINITY, NAN};
	for (size_t i = 0; i < sizeof badw / sizeof badw[0]; i++)
		assert_int_equal(model_weight_check(badw[i], "w", &err), -1);
	assert_string_equal(err.msg, "w must be a number > 0 and at most 1000000");
}

/* A logit spec as train writes it now: income winsorized to [1000, 8000], a missing income
 * imputed as 2500 and flagged (+0.3), average contributions home 0.1 and income 0.06. */
static const char logit_avg_spec[] =
	"{\"algo\": \"logit\", \"scaling\": {\"base_score\": 600, \"base_odds\": 19, \"pdo\": 50},"
	" \"intercept\": -1, \"columns\": ["
	" {\"name\": \"home\", \"levels\": [\"own\", \"rent\"], \"weights\": [-0.5, 0.4], \"avg\": "
	"0.1},"
	" {\"name\": \"income\", \"mean\": 3000, \"sd\": 1000, \"clip_lo\": 1000, \"clip_hi\": "
	"8000,"
	" \"impute\": 2500, \"weight\": -0.8, \"missing_weight\": 0.3, \"avg\": 0.06}],"
	" \"labels\": {\"home\": {\"label\": \"housing\", \"values\": {\"rent\": \"rents a "
	"home\"}}}}";

/* The points lost of the reason named name, or 0. */
static double lost_of(const struct rd_score *s, const char *name)
{
	for (int r = 0; r < s->nreasons; r++)
		if (strcmp(s->reasons[r].name, name) == 0)
			return s->reasons[r].points;
	return 0;
}

/* Points lost = (contribution - average contribution) * pdo/ln 2, worked by hand: the
 * contribution of income is -0.8 * (clip(x) - 3000)/1000, or -0.8 * (2500 - 3000)/1000 + 0.3
 * when missing; of home -0.5 (own), 0.4 (rent) or 0 (missing). */
static void test_logit_reasons_average(void **state)
{
	(void)state;
	struct rd_model *m = parsed(logit_avg_spec);
	const double f = 50 / M_LN2;
	static const struct {
		double home, income, eta, lost_home, lost_income;
	} rows[] = {
		{1, 2000, -1 + 0.4 + 0.8, 0.3, 0.74},   /* rent; income 1 sd below the mean */
		{1, 1000, -1 + 0.4 + 1.6, 0.3, 1.54},   /* at the lower clip bound */
		{1, -1e300, -1 + 0.4 + 1.6, 0.3, 1.54}, /* clipped to 1000: no more than it */
		{0, 1e300, -1 - 0.5 - 4.0, 0, 0},    /* clipped to 8000; own: both above average */
		{1, NAN, -1 + 0.4 + 0.7, 0.3, 0.64}, /* missing: imputed 2500, flagged */
		{NAN, 3000, -1 + 0 + 0, 0, 0},       /* home missing: 0, below the average 0.1 */
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		double x[2] = {rows[i].home, rows[i].income}, raw;
		struct rd_score s;
		struct rd_err err = {{0}};
		assert_int_equal(model_score(m, x, 1, &s, &raw, &err), 0);
		double want = 600 -
			      f * (rows[i].eta + log(19)); /* 600 + f ln(odds/19), odds = e^-eta */
		if (fabs(raw - want) > 1e-9)
			fail_msg("row %zu: raw %.12g, expected %.12g", i, raw, want);
		if (fabs(lost_of(&s, "home") - rows[i].lost_home * f) > 1e-9 ||
		    fabs(lost_of(&s, "income") - rows[i].lost_income * f) > 1e-9)
			fail_msg("row %zu: lost home %g income %g, expected %g and %g", i,
				 lost_of(&s, "home"), lost_of(&s, "income"), rows[i].lost_home * f,
				 rows[i].lost_income * f);
		for (int r = 0; r < s.nreasons; r++)
			assert_true(s.reasons[r].points > 0);
	}
	/* Reasons: most points first, code "M-" and the whole name, text with the labels. */
	double x[2] = {1, NAN}, raw;
	struct rd_score s;
	struct rd_err err = {{0}};
	assert_int_equal(model_score(m, x, 1, &s, &raw, &err), 0);
	assert_int_equal(s.nreasons, 2);
	assert_string_equal(s.reasons[0].code, "M-income");
	assert_string_equal(s.reasons[0].text, "income: missing");
	assert_true(isnan(s.reasons[0].value));
	assert_string_equal(s.reasons[1].code, "M-home");
	assert_string_equal(s.reasons[1].text, "housing: rents a home");
	assert_string_equal(s.reasons[1].level, "rent");
	x[1] = 1234.5;
	assert_int_equal(model_score(m, x, 1, &s, &raw, &err), 0);
	assert_string_equal(s.reasons[0].text, "income: 1234.5");
	assert_true(s.reasons[0].value == 1234.5);
	model_free(m);
}

/* A spec from before winsorizing (no clip, impute, indicator or avg) scores as it did: a
 * missing value is the mean, nothing is clipped, and points lost are against 0. */
static void test_logit_older_spec(void **state)
{
	(void)state;
	struct rd_model *m = parsed(logit_spec(logit_ok)); /* age: mean 40, sd 10, weight 0.3 */
	const double f = 50 / M_LN2;
	static const double ages[] = {80, 200, NAN, 30};
	for (size_t i = 0; i < sizeof ages / sizeof *ages; i++) {
		double x[2] = {0, ages[i]}, raw; /* home own: -0.5 */
		struct rd_score s;
		struct rd_err err = {{0}};
		assert_int_equal(model_score(m, x, 1, &s, &raw, &err), 0);
		double part = isnan(ages[i]) ? 0 : 0.3 * ((ages[i] - 40) / 10);
		assert_true(fabs(raw - (600 - f * (-1 - 0.5 + part + log(19)))) < 1e-9);
		assert_true(fabs(lost_of(&s, "age") - fmax(part * f, 0)) < 1e-9);
		assert_true(lost_of(&s, "home") == 0);
	}
	model_free(m);
}

/* A scorecard's points lost are below the feature's average points over the training rows
 * (the bins' goods + bads): age (-inf, 25] -30 x 100 rows, missing 4 x 50, (25, 40] 0 x 250,
 * (40, inf) 25 x 100: average -0.6. */
static void test_scorecard_average(void **state)
{
	(void)state;
	struct rd_model *m = parsed(scorecard_spec(
		cat_ok,
		"{\"hi\": 25, \"goods\": 60, \"bads\": 40, \"woe\": -0.7, \"points\": -30},"
		" {\"missing\": true, \"goods\": 40, \"bads\": 10, \"woe\": 0.1, \"points\": 4},"
		" {\"hi\": 40, \"goods\": 200, \"bads\": 50, \"woe\": 0, \"points\": 0},"
		" {\"hi\": null, \"goods\": 90, \"bads\": 10, \"woe\": 0.6, \"points\": 25}"));
	static const double ages[] = {20, NAN, 30, 50}, want[] = {29.4, 0, 0, 0};
	for (size_t i = 0; i < sizeof ages / sizeof *ages; i++) {
		double x[2] = {1, ages[i]}, raw;
		struct rd_score s;
		struct rd_err err = {{0}};
		assert_int_equal(model_score(m, x, 1, &s, &raw, &err), 0);
		if (fabs(lost_of(&s, "age") - want[i]) > 1e-9)
			fail_msg("age %g: lost %g, expected %g", ages[i], lost_of(&s, "age"),
				 want[i]);
	}
	model_free(m);
}

/* Labels and names: what a spec may hold. */
static void test_labels_and_names(void **state)
{
	(void)state;
	static const char head[] = "{\"algo\": \"logit\", \"intercept\": 0, \"columns\": ["
				   " {\"name\": \"home\", \"levels\": [\"own\"], \"weights\": [0]},"
				   " {\"name\": \"age\", \"mean\": 0, \"sd\": 1, \"weight\": 1}],"
				   " \"labels\": ";
	static const struct {
		const char *labels, *want;
	} bad[] = {
		{"[]", "'labels' must be an object"},
		{"{\"size\": {\"label\": \"x\"}}", "labels: 'size' is not a column of the model"},
		{"{\"home\": \"x\"}", "labels: 'home' must be an object"},
		{"{\"home\": {\"values\": {\"rent\": \"x\"}}}", "'rent' is not one of its levels"},
		{"{\"age\": {\"values\": {\"1\": \"x\"}}}",
		 "only 'label' and, for a categorical column"},
		{"{\"home\": {\"lable\": \"x\"}}", "only 'label' and"},
		{"{\"home\": {\"label\": \"\"}}", "'label' must be a text of 1 to 80 bytes"},
		{"{\"home\": {\"label\": \"a\\nb\"}}", "without control characters"},
		{"{\"home\": {\"values\": {\"own\": 3}}}", "a value's label must be a text"},
		{"{\"home\": {\"label\": "
		 "\"123456789012345678901234567890123456789012345678901234567890"
		 "123456789012345678901\"}}",
		 "1 to 80 bytes"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char spec[1024];
		snprintf(spec, sizeof spec, "%s%s}", head, bad[i].labels);
		refused(spec, bad[i].want);
	}
	char spec[1024];
	snprintf(spec, sizeof spec, "%s%s}", head, "{\"home\": {\"values\": {\"own\": \"owns\"}}}");
	struct rd_model *m = parsed(spec);
	assert_string_equal(model_label(m, 0), "home");
	assert_string_equal(m->cols[0].level_labels[0], "owns");
	model_free(m);
	/* Built-in features have labels of their own. */
	m = parsed("{\"algo\": \"logit\", \"intercept\": 0, \"columns\": [{\"name\":"
		   " \"orders_delivered\", \"mean\": 0, \"sd\": 1, \"weight\": -1}]}");
	assert_string_equal(model_label(m, 0), "delivered orders");
	double x = -2, raw;
	struct rd_score s;
	struct rd_err err = {{0}};
	assert_int_equal(model_score(m, &x, 1, &s, &raw, &err), 0);
	assert_string_equal(s.reasons[0].text, "delivered orders: -2");
	model_free(m);
	/* A reason holds a name whole: names up to REASON_NAME_MAX bytes, no longer. */
	char name[REASON_NAME_MAX + 2];
	memset(name, 'n', sizeof name);
	name[REASON_NAME_MAX] = '\0';
	snprintf(spec, sizeof spec,
		 "{\"algo\": \"logit\", \"intercept\": 0, \"columns\": [{\"name\":"
		 " \"%s\", \"mean\": 0, \"sd\": 1, \"weight\": 1}]}",
		 name);
	m = parsed(spec);
	x = 5;
	assert_int_equal(model_score(m, &x, 1, &s, &raw, &err), 0);
	assert_int_equal(strlen(s.reasons[0].code), REASON_NAME_MAX + 2);
	assert_string_equal(s.reasons[0].code + 2, name);
	model_free(m);
	name[REASON_NAME_MAX] = 'n';
	name[REASON_NAME_MAX + 1] = '\0';
	snprintf(spec, sizeof spec,
		 "{\"algo\": \"logit\", \"intercept\": 0, \"columns\": [{\"name\":"
		 " \"%s\", \"mean\": 0, \"sd\": 1, \"weight\": 1}]}",
		 name);
	refused(spec, "column 1: a name longer than 128 bytes");
	/* Clip bounds come in pairs, in order, and keep the log-odds finite. */
	refused("{\"algo\": \"logit\", \"intercept\": 0, \"columns\": [{\"name\": \"a\", \"mean\": "
		"0,"
		" \"sd\": 1, \"weight\": 1, \"clip_lo\": 1}]}",
		"'clip_lo' and 'clip_hi' go together");
	refused("{\"algo\": \"logit\", \"intercept\": 0, \"columns\": [{\"name\": \"a\", \"mean\": "
		"0,"
		" \"sd\": 1, \"weight\": 1, \"clip_lo\": 2, \"clip_hi\": 1}]}",
		"'clip_lo' must not exceed 'clip_hi'");
	refused("{\"algo\": \"logit\", \"intercept\": 0, \"columns\": [{\"name\": \"a\", \"mean\": "
		"0,"
		" \"sd\": 1e-300, \"weight\": 1, \"clip_lo\": 0, \"clip_hi\": 1e10}]}",
		"no finite contribution");
	refused("{\"algo\": \"logit\", \"intercept\": 0, \"columns\": [{\"name\": \"a\", \"mean\": "
		"0,"
		" \"sd\": 1, \"weight\": 1, \"avg\": 1e5}]}",
		"'avg' must be a number from");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jsondoc_positions),
		cmocka_unit_test(test_jsondoc_walk),
		cmocka_unit_test(test_logit_bounds),
		cmocka_unit_test(test_scorecard_bins),
		cmocka_unit_test(test_spec_bands),
		cmocka_unit_test(test_scorecard_scoring),
		cmocka_unit_test(test_scorecard_special),
		cmocka_unit_test(test_nonfinite_score),
		cmocka_unit_test(test_points_lost_capped),
		cmocka_unit_test(test_names_and_weights),
		cmocka_unit_test(test_logit_reasons_average),
		cmocka_unit_test(test_logit_older_spec),
		cmocka_unit_test(test_scorecard_average),
		cmocka_unit_test(test_labels_and_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
