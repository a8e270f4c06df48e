/* The word lists (include/riskdesk/vocab.h): every name round-trips through its index, any
 * other text is refused, the helpers (bands, risk levels, segments, the joined list), and
 * the CHECK lists of schema.sql, read from a new store, agree with the tables. */
#include "testutil.h"

#include "riskdesk/browse.h"
#include "riskdesk/features.h"
#include "riskdesk/model.h"
#include "riskdesk/score.h"
#include "riskdesk/vocab.h"

static const struct vocab *const all_vocabs[] = {
	&vocab_band,
	&vocab_risk_level,
	&vocab_segment,
	&vocab_model_segment,
	&vocab_kind,
	&vocab_outcome_source,
	&vocab_model_status,
	&vocab_run_status,
	&vocab_audit_status,
	&vocab_drift_status,
	&vocab_attr_type,
	&vocab_order_status,
	&vocab_pay_method,
	&vocab_request_status,
	&vocab_decision,
	&vocab_sort_key,
	&vocab_request_decision,
	&vocab_decision_origin,
	&vocab_policy_action,
	&vocab_policy_test,
	&vocab_policy_op,
	&vocab_policy_value,
	&vocab_fetch_status,
};
#define NVOCABS (sizeof all_vocabs / sizeof *all_vocabs)

static void test_round_trips(void **state)
{
	(void)state;
	for (size_t k = 0; k < NVOCABS; k++) {
		const struct vocab *v = all_vocabs[k];
		assert_true(v->n > 0);
		assert_non_null(v->what);
		for (int i = 0; i < v->n; i++) {
			const char *name = vocab_name(v, i);
			char up[VOCAB_NAME_SIZE], low[VOCAB_NAME_SIZE];
			size_t len = strlen(name);
			assert_true(len > 0 && len < VOCAB_NAME_SIZE);
			for (size_t j = 0; j <= len; j++) {
				up[j] = name[j] >= 'a' && name[j] <= 'z' ? (char)(name[j] - 32)
									 : name[j];
				low[j] = name[j] >= 'A' && name[j] <= 'Z' ? (char)(name[j] + 32)
									  : name[j];
			}
			assert_int_equal(vocab_find(v, name), i);
			assert_int_equal(vocab_find_n(v, name, len), i);
			assert_int_equal(vocab_find_ci(v, up, len), i);
			assert_int_equal(vocab_find_ci(v, low, len), i);
			/* Names are unique: the first with this name is this one. */
			for (int j = 0; j < i; j++)
				assert_string_not_equal(vocab_name(v, j), name);
			const char *note = vocab_note(v, i);
			assert_true(note == NULL || note[0] != '\0');
		}
		assert_null(vocab_name(v, -1));
		assert_null(vocab_name(v, v->n));
		assert_null(vocab_note(v, v->n));
	}
}

static void test_unknown_refused(void **state)
{
	(void)state;
	assert_int_equal(vocab_find(&vocab_segment, NULL), -1);
	assert_int_equal(vocab_find(&vocab_segment, ""), -1);
	assert_int_equal(vocab_find(&vocab_segment, "New"), -1); /* exact: as stored */
	assert_int_equal(vocab_find(&vocab_segment, "ne"), -1);  /* no prefixes */
	assert_int_equal(vocab_find(&vocab_segment, "news"), -1);
	assert_int_equal(vocab_find(&vocab_segment, "all"), -1); /* a model's, not a profile's */
	assert_int_equal(vocab_find(&vocab_model_segment, "all"), MODEL_SEGMENT_ALL);
	assert_int_equal(vocab_find(&vocab_band, "a"), -1);
	assert_int_equal(vocab_find(&vocab_band, "F"), -1);
	assert_int_equal(vocab_find(&vocab_band, "AB"), -1);
	assert_int_equal(vocab_find_ci(&vocab_band, "a", 1), 0);
	assert_int_equal(vocab_find_ci(&vocab_kind, "Compan", 6), -1);
	assert_int_equal(vocab_find(&vocab_model_status, "champion "), -1);
	/* len bytes only, and a NUL inside them is no match. */
	assert_int_equal(vocab_find_n(&vocab_segment, "newer", 3), SEGMENT_NEW);
	assert_int_equal(vocab_find_n(&vocab_segment, "new\0", 4), -1);
	/* Aliases: accepted on input, never listed. */
	assert_int_equal(vocab_find(&vocab_sort_key, "activity"), SORT_LAST_ACTIVITY);
	assert_int_equal(vocab_find_ci(&vocab_sort_key, "Activity", 8), SORT_LAST_ACTIVITY);
	for (int i = 0; i < vocab_sort_key.n; i++)
		assert_string_not_equal(vocab_name(&vocab_sort_key, i), "activity");
}

static void test_helpers(void **state)
{
	(void)state;
	char buf[64];
	for (int b = 0; b < BANDS; b++) {
		assert_int_equal(vocab_band_index(vocab_band_letter(b)), b);
		assert_int_equal(vocab_band_letter(b), vocab_name(&vocab_band, b)[0]);
	}
	assert_int_equal(vocab_band_index('@'), -1);
	assert_int_equal(vocab_band_index('F'), -1);
	assert_int_equal(vocab_band_index('a'), -1);
	assert_int_equal(vocab_band_letter(BANDS), '?');
	/* Risk levels of SPEC section 5, through score.h too. */
	static const char *const risk[BANDS] = {"LOW", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
	for (int b = 0; b < BANDS; b++) {
		assert_string_equal(vocab_name(&vocab_risk_level, (int)vocab_band_risk(b)),
				    risk[b]);
		assert_string_equal(score_risk_level(vocab_band_letter(b)), risk[b]);
	}
	assert_int_equal(vocab_band_risk(-1), RISK_CRITICAL);
	/* Which models serve which customers: by segment whatever the kind, by kind whatever
	 * the segment. */
	for (int k = 0; k < KINDS; k++) {
		enum rd_customer_kind kd = (enum rd_customer_kind)k;
		assert_true(vocab_model_serves(MODEL_SEGMENT_ALL, kd, SEGMENT_NEW));
		assert_true(vocab_model_serves(MODEL_SEGMENT_ALL, kd, SEGMENT_EXISTING));
		assert_true(vocab_model_serves(MODEL_SEGMENT_NEW, kd, SEGMENT_NEW));
		assert_false(vocab_model_serves(MODEL_SEGMENT_NEW, kd, SEGMENT_EXISTING));
		assert_false(vocab_model_serves(MODEL_SEGMENT_EXISTING, kd, SEGMENT_NEW));
		assert_false(vocab_model_serves(-1, kd, SEGMENT_NEW));
	}
	for (int s = 0; s < SEGMENTS; s++) {
		enum rd_segment sg = (enum rd_segment)s;
		assert_true(vocab_model_serves(MODEL_SEGMENT_COMPANY, KIND_COMPANY, sg));
		assert_false(vocab_model_serves(MODEL_SEGMENT_COMPANY, KIND_INDIVIDUAL, sg));
		assert_true(vocab_model_serves(MODEL_SEGMENT_INDIVIDUAL, KIND_INDIVIDUAL, sg));
		assert_false(vocab_model_serves(MODEL_SEGMENT_INDIVIDUAL, KIND_COMPANY, sg));
	}
	for (int s = 0; s < SEGMENTS; s++)
		assert_string_equal(vocab_name(&vocab_model_segment, vocab_model_segment_of(s)),
				    vocab_name(&vocab_segment, s));
	for (int k = 0; k < KINDS; k++) {
		int ms = vocab_model_segment_of_kind((enum rd_customer_kind)k);
		assert_string_equal(vocab_name(&vocab_model_segment, ms),
				    vocab_name(&vocab_kind, k));
		assert_int_equal(vocab_model_segment_kind(ms), k);
	}
	for (int ms = MODEL_SEGMENT_ALL; ms <= MODEL_SEGMENT_EXISTING; ms++)
		assert_int_equal(vocab_model_segment_kind(ms), -1);
	assert_int_equal(vocab_model_segment_kind(vocab_model_segment.n), -1);
	/* A model segment's word names one list's word only: a kind is no segment. */
	for (int k = 0; k < KINDS; k++)
		assert_int_equal(vocab_find(&vocab_segment, vocab_name(&vocab_kind, k)), -1);
	assert_string_equal(vocab_list(&vocab_model_segment, " or ", buf, sizeof buf),
			    "all, new, existing, individual or company");
	/* The lists messages give. */
	assert_string_equal(vocab_list(&vocab_segment, " or ", buf, sizeof buf), "new or existing");
	assert_string_equal(vocab_list(&vocab_risk_level, " or ", buf, sizeof buf),
			    "LOW, MEDIUM, HIGH or CRITICAL");
	assert_string_equal(vocab_list(&vocab_sort_key, ", ", buf, sizeof buf),
			    "id, name, score, band, pd, segment, last_activity");
	assert_string_equal(vocab_list(&vocab_segment, " or ", buf, 6), "new o");
	/* The drift verdicts and the decisions are these words. */
	assert_string_equal(vocab_name(&vocab_drift_status, DRIFT_LEVEL_MODERATE), "moderate");
	assert_string_equal(vocab_name(&vocab_decision, DECISION_DECLINE), "decline");
	/* A request's decision is its status once decided. */
	for (int d = 0; d < REQUEST_DECISIONS; d++)
		assert_string_equal(vocab_name(&vocab_request_status,
					       (int)vocab_request_decided(d)),
				    vocab_name(&vocab_request_decision, d));
	assert_string_equal(vocab_list(&vocab_policy_op, ", ", buf, sizeof buf),
			    ">, >=, <, <=, missing");
}

/* The names other modules still list themselves, and the texts that name the words. */
static void test_other_tables(void **state)
{
	(void)state;
	/* features.h's enums are in vocab's order: each name parses to its own index. */
	assert_int_equal(vocab_order_status.n, ORDER_RETURNED + 1);
	for (int i = 0; i < vocab_order_status.n; i++) {
		const char *n = vocab_name(&vocab_order_status, i);
		assert_int_equal(order_status_parse(n, strlen(n)), i);
	}
	assert_string_equal(vocab_name(&vocab_order_status, ORDER_DELIVERED), "delivered");
	assert_int_equal(vocab_pay_method.n, PAY_BANK + 1);
	for (int i = 0; i < vocab_pay_method.n; i++) {
		const char *n = vocab_name(&vocab_pay_method, i);
		assert_int_equal(pay_method_parse(n, strlen(n)), i);
	}
	assert_string_equal(vocab_name(&vocab_pay_method, PAY_COD), "cod");
	/* The console's sorts are list sort keys, and features. */
	for (int i = 0; i < BROWSE_SORT_COUNT; i++)
		assert_true(i < BROWSE_BY_FEATURE
				    ? vocab_find(&vocab_sort_key, browse_sort_name(i)) >= 0
				    : feature_index(browse_sort_name(i)) == i - BROWSE_BY_FEATURE);
	/* `help list` names every sort key. */
	const struct rd_cmd *list = NULL;
	for (const struct rd_cmd *const *c = rd_commands; *c; c++)
		if (strcmp((*c)->name, "list") == 0)
			list = *c;
	assert_non_null(list);
	for (int i = 0; i < vocab_sort_key.n; i++)
		if (!strstr(list->help, vocab_name(&vocab_sort_key, i)))
			fail_msg("help list does not name sort key %s",
				 vocab_name(&vocab_sort_key, i));
}

/* The vocabulary a CHECK (COLUMN IN ('a', ...)) list of TABLE must equal; NULL: unknown. */
static const struct vocab *check_vocab(const char *table, const char *column)
{
	static const struct {
		const char *table, *column;
		const struct vocab *v;
	} map[] = {
		{"customers", "kind", &vocab_kind},
		{"attributes", "type", &vocab_attr_type},
		{"orders", "status", &vocab_order_status},
		{"payments", "method", &vocab_pay_method},
		{"outcomes", "source", &vocab_outcome_source},
		{"models", "segment", &vocab_model_segment},
		{"models", "status", &vocab_model_status},
		{"credit_profiles", "band", &vocab_band},
		{"credit_profiles", "risk_level", &vocab_risk_level},
		{"credit_profiles", "segment", &vocab_segment},
		{"runs", "status", &vocab_run_status},
		{"credit_requests", "status", &vocab_request_status},
		{"credit_requests", "band", &vocab_band},
		{"shadow_scores", "band", &vocab_band},
		{"decisions", "origin", &vocab_decision_origin},
		{"decisions", "status", &vocab_request_decision},
		{"fetch_attempts", "status", &vocab_fetch_status},
	};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (strcmp(map[i].table, table) == 0 && strcmp(map[i].column, column) == 0)
			return map[i].v;
	return NULL;
}

static int in_words(const char *word, char words[][VOCAB_NAME_SIZE * 2], int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(words[i], word) == 0)
			return 1;
	return 0;
}

/* Checks one table's CREATE text: every text IN list of a CHECK equals its vocabulary (as
 * sets). Returns the lists seen. */
static int check_table(const char *table, const char *sql)
{
	int lists = 0;
	for (const char *p = sql; (p = strstr(p, "CHECK (")) != NULL;) {
		p += 7;
		char column[64];
		size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
		assert_true(n > 0 && n < sizeof column);
		memcpy(column, p, n);
		column[n] = '\0';
		p += n;
		if (strncmp(p, " IN (", 5) != 0 || p[5] != '\'')
			continue; /* a range or a list of numbers */
		p += 5;
		char words[16][VOCAB_NAME_SIZE * 2];
		int nw = 0;
		while (*p == '\'') {
			const char *end = strchr(p + 1, '\'');
			assert_non_null(end);
			assert_true(nw < 16 && (size_t)(end - p - 1) < sizeof words[0]);
			memcpy(words[nw], p + 1, (size_t)(end - p - 1));
			words[nw++][end - p - 1] = '\0';
			p = end + 1;
			if (strncmp(p, ", ", 2) == 0)
				p += 2;
		}
		assert_int_equal(*p, ')');
		lists++;
		if (strcmp(table, "models") == 0 && strcmp(column, "algo") == 0) {
			/* model.h's: the rules model and the trained algorithms. */
			assert_int_equal(nw, MODEL_ALGOS + 1);
			assert_true(in_words("rules", words, nw));
			for (int i = 0; i < MODEL_ALGOS; i++)
				assert_true(in_words(model_algo_names[i], words, nw));
			continue;
		}
		const struct vocab *v = check_vocab(table, column);
		if (!v)
			fail_msg("schema.sql: %s.%s has a CHECK list that no vocabulary owns "
				 "(vocab.h)",
				 table, column);
		if (nw != v->n)
			fail_msg("schema.sql: %s.%s lists %d words, its vocabulary (%s) %d", table,
				 column, nw, v->what, v->n);
		for (int i = 0; i < v->n; i++)
			if (!in_words(vocab_name(v, i), words, nw))
				fail_msg("schema.sql: %s.%s lacks '%s' of its vocabulary", table,
					 column, vocab_name(v, i));
	}
	return lists;
}

static void test_schema_agrees(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	sqlite3_stmt *s;
	struct rd_err err = {{0}};
	assert_int_equal(store_prepare(st,
				       "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
				       " ORDER BY name",
				       &s, &err),
			 0);
	int lists = 0;
	while (sqlite3_step(s) == SQLITE_ROW)
		lists += check_table((const char *)sqlite3_column_text(s, 0),
				     (const char *)sqlite3_column_text(s, 1));
	sqlite3_finalize(s);
	/* The lists above and the algorithms: a list that goes away shows here. */
	assert_int_equal(lists, 18);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trips),   cmocka_unit_test(test_unknown_refused),
		cmocka_unit_test(test_helpers),       cmocka_unit_test(test_other_tables),
		cmocka_unit_test(test_schema_agrees),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
