/* The profile row (include/riskdesk/profile.h): a row the engine wrote by `recompute`,
 * read back and decoded as stored; a blend's components through the writer and the
 * reader; the head the customer list reads; the decision at, below and above the cut-off
 * (a PD exactly at the cut-off declines, in `show` as in the rule). */
#include "testutil.h"

#include <math.h>

#include "riskdesk/model.h"
#include "riskdesk/profile.h"
#include "riskdesk/view.h"

static const char customers[] = "id,name,created_at\nC1,Ann,2025-01-01\nC2,Bob,2025-01-01\n"
				"C3,Cy,2025-01-01\n";
static const char orders[] = "id,customer_id,amount,status,created_at\n"
			     "O1,C1,10,delivered,2025-02-01\nO2,C1,30,delivered,2025-02-02\n"
			     "O3,C1,10,returned,2025-02-03\nO4,C1,10,delivered,2025-02-04\n"
			     "O5,C2,10,cancelled,2025-02-05\n";

static void run_ok(struct rd_store *st, const char *line)
{
	struct rd_err err = {{0}};
	if (test_run(st, line, &err) != RD_OK)
		fail_msg("%s: %s", line, err.msg);
}

/* load TABLE from text written to a test file named NAME. */
static void load_text(struct rd_store *st, const char *table, const char *name, const char *text,
		      size_t len)
{
	char line[600];
	snprintf(line, sizeof line, "load %s %s", table, test_file(name, text, len));
	run_ok(st, line);
}

static struct rd_store *fixture(void)
{
	struct rd_store *st = test_store();
	load_text(st, "customers", "customers.csv", customers, sizeof customers - 1);
	load_text(st, "orders", "orders.csv", orders, sizeof orders - 1);
	run_ok(st, "recompute all");
	return st;
}

/* A number that SQL reads from the stored row of C1. */
static double stored(struct rd_store *st, const char *expr)
{
	char sql[512];
	sqlite3_stmt *s;
	struct rd_err err = {{0}};
	snprintf(sql, sizeof sql, "SELECT %s FROM credit_profiles WHERE customer_id = 'C1'", expr);
	if (store_prepare(st, sql, &s, &err))
		fail_msg("%s: %s", sql, err.msg);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	double v = sqlite3_column_type(s, 0) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void test_engine_row(void **state)
{
	(void)state;
	struct rd_store *st = fixture();
	struct rd_err err = {{0}};
	struct rd_profile *p = rd_malloc(sizeof *p);
	assert_int_equal(profile_read(st, "C1", p, &err), 0);
	assert_int_equal(p->head.score, (int)stored(st, "score"));
	assert_int_equal(p->head.band, (char)(stored(st, "unicode(band)")));
	assert_true(p->head.pd == stored(st, "pd"));
	assert_int_equal(p->head.segment, SEGMENT_EXISTING); /* 3 delivered orders */
	assert_string_equal(p->head.last_activity, "2025-02-04");
	assert_string_equal(vocab_name(&vocab_risk_level, p->risk), score_risk_level(p->head.band));
	assert_string_equal(p->model_name, "rules");
	assert_int_equal(p->model_version, 1);
	assert_string_equal(p->algo, "rules");
	assert_int_equal(p->ncomponents, 0); /* the rules model served */
	assert_true(isnan(p->raw));
	assert_true(isnan(p->cutoff_pd));
	assert_true(p->computed_at[0] != '\0');
	assert_string_equal(p->as_of, "2025-02-05"); /* the latest event in the store */
	/* Features: every one as stored in the JSON. */
	assert_true(p->features[FEAT_ORDERS_DELIVERED] == 3);
	assert_true(p->features[FEAT_ORDERS_RETURNED] == 1);
	assert_true(p->features[FEAT_TOTAL_SPEND] == 50);
	for (int i = 0; i < FEAT_COUNT; i++) {
		char e[80];
		snprintf(e, sizeof e, "rd_feature(fvec, %d)", i);
		double v = stored(st, e);
		assert_true(p->features[i] == v || (isnan(p->features[i]) && isnan(v)));
	}
	/* Reasons: those stored in the customer's latest history row, which the profile names
	 * (schema 24), in their order. */
	assert_int_equal(stored(st, "history_id"),
			 stored(st,
				"(SELECT max(id) FROM score_history WHERE customer_id = 'C1')"));
	assert_int_equal(p->nreasons, (int)stored(st, "json_array_length((SELECT reasons FROM"
						      " score_history WHERE customer_id = 'C1'"
						      " ORDER BY id DESC LIMIT 1))"));
	assert_true(p->nreasons > 0);
	for (int i = 0; i < p->nreasons; i++) {
		char sql[320];
		sqlite3_stmt *s;
		snprintf(sql, sizeof sql,
			 "SELECT json_extract(reasons, '$[%d].code'), json_extract(reasons, "
			 "'$[%d].points'),"
			 " json_extract(reasons, '$[%d].feature') FROM score_history"
			 " WHERE customer_id = 'C1' ORDER BY id DESC LIMIT 1",
			 i, i, i);
		assert_int_equal(store_prepare(st, sql, &s, &err), 0);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_string_equal(p->reasons[i].code, (const char *)sqlite3_column_text(s, 0));
		assert_true(p->reasons[i].points == sqlite3_column_double(s, 1));
		assert_string_equal(p->reasons[i].name, (const char *)sqlite3_column_text(s, 2));
		assert_int_equal(p->reasons[i].feature,
				 feature_index((const char *)sqlite3_column_text(s, 2)));
		sqlite3_finalize(s);
	}
	/* No profile, no customer. */
	assert_int_equal(store_exec(st, "INSERT INTO customers(id, name) VALUES ('C9', 'Dee')",
				    &err),
			 0);
	assert_int_equal(profile_read(st, "C9", p, &err), 1);
	assert_int_equal(profile_read(st, "nobody", p, &err), 1);
	free(p);
	store_close(st);
}

/* The head is what the list reads: the same values, from the columns alone. */
/* The features JSON that `show --json` and exports give is made from the one stored copy,
 * the packed row (schema 22): every value equals what a plain SQL statement over the
 * events computes (SPEC section 4), for customers with and without orders and payments. */
static void test_features_json_vs_sql(void **state)
{
	(void)state;
	static const char pays[] = "id,customer_id,order_id,method,success,amount,created_at\n"
				   "P1,C1,O1,card,1,10,2025-02-01\nP2,C1,O2,cod,1,30,2025-02-02\n"
				   "P3,C1,,card,0,10,2025-02-03\nP4,C2,,cod,0,10,2025-02-05\n"
				   "P5,C2,,wallet,1,10,2025-02-05\nP6,C2,,cod,1,10,2025-02-05\n";
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	load_text(st, "customers", "customers.csv", customers, sizeof customers - 1);
	load_text(st, "orders", "orders.csv", orders, sizeof orders - 1);
	load_text(st, "payments", "payments.csv", pays, sizeof pays - 1);
	run_ok(st, "recompute all");
	/* Per customer: the JSON's value of each feature, then the same by SQL alone. */
	static const char *const sql_of[][2] = {
		{"orders_total", "(SELECT count(*) FROM orders WHERE customer_id = c.id)"},
		{"orders_delivered", "(SELECT count(*) FROM orders WHERE customer_id = c.id"
				     " AND status = 'delivered')"},
		{"orders_returned", "(SELECT count(*) FROM orders WHERE customer_id = c.id"
				    " AND status = 'returned')"},
		{"orders_cancelled", "(SELECT count(*) FROM orders WHERE customer_id = c.id"
				     " AND status = 'cancelled')"},
		{"total_spend", "(SELECT total(amount) FROM orders WHERE customer_id = c.id"
				" AND status = 'delivered')"},
		{"avg_order_value", "coalesce((SELECT avg(amount) FROM orders WHERE customer_id ="
				    " c.id AND status = 'delivered'), 0)"},
		{"return_rate", "coalesce((SELECT avg(status = 'returned') FROM orders WHERE"
				" customer_id = c.id), 0)"},
		{"cancel_rate", "coalesce((SELECT avg(status = 'cancelled') FROM orders WHERE"
				" customer_id = c.id), 0)"},
		{"payments_total", "(SELECT count(*) FROM payments WHERE customer_id = c.id)"},
		{"payments_failed", "(SELECT count(*) FROM payments WHERE customer_id = c.id"
				    " AND success = 0)"},
		{"failed_payment_rate", "coalesce((SELECT avg(success = 0) FROM payments WHERE"
					" customer_id = c.id), 0)"},
		{"cod_share", "coalesce((SELECT avg(method = 'cod') FROM payments WHERE"
			      " customer_id = c.id), 0)"},
		{"tenure_days", "julianday('2025-02-05') - julianday(c.created_at)"},
	};
	int checked = 0;
	for (size_t k = 0; k < sizeof sql_of / sizeof *sql_of; k++) {
		char sql[600];
		sqlite3_stmt *s;
		snprintf(sql, sizeof sql,
			 "SELECT c.id, json_extract(rd_features(p.fvec), '$.%s'), %s FROM "
			 "customers c"
			 " JOIN credit_profiles p ON p.customer_id = c.id ORDER BY c.id",
			 sql_of[k][0], sql_of[k][1]);
		if (store_prepare(st, sql, &s, &err))
			fail_msg("%s: %s", sql, err.msg);
		int rows = 0;
		while (sqlite3_step(s) == SQLITE_ROW) {
			double got = sqlite3_column_double(s, 1),
			       want = sqlite3_column_double(s, 2);
			if (sqlite3_column_type(s, 1) == SQLITE_NULL || fabs(got - want) > 1e-12)
				fail_msg("%s of %s: the JSON says %s, SQL %.17g", sql_of[k][0],
					 sqlite3_column_text(s, 0), sqlite3_column_text(s, 1),
					 want);
			rows++;
		}
		sqlite3_finalize(s);
		assert_int_equal(rows, 3);
		checked += rows;
	}
	assert_true(checked > 0);
	/* Every feature is in the JSON, by its name. */
	assert_int_equal((int)stored(st, "(SELECT count(*) FROM json_each(rd_features(fvec)))"),
			 FEAT_COUNT);
	store_close(st);
}

static void test_head(void **state)
{
	(void)state;
	struct rd_store *st = fixture();
	struct rd_err err = {{0}};
	sqlite3_stmt *s;
	assert_int_equal(store_prepare(st,
				       "SELECT c.id, " PROFILE_HEAD_COLUMNS
				       " FROM customers c LEFT JOIN"
				       " credit_profiles p ON p.customer_id = c.id ORDER BY c.id",
				       &s, &err),
			 0);
	int rows = 0;
	struct rd_profile *p = rd_malloc(sizeof *p);
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct profile_head h;
		const char *id = (const char *)sqlite3_column_text(s, 0);
		int got = profile_head_read(s, 1, &h);
		assert_int_equal(got, profile_read(st, id, p, &err));
		if (got == 0) {
			assert_int_equal(h.score, p->head.score);
			assert_int_equal(h.band, p->head.band);
			assert_true(h.pd == p->head.pd);
			assert_int_equal(h.segment, p->head.segment);
			assert_string_equal(h.last_activity, p->head.last_activity);
		}
		rows++;
	}
	sqlite3_finalize(s);
	assert_int_equal(rows, 3);
	free(p);
	store_close(st);
}

/* A blend's result through profile_write and back through profile_read. */
static void test_blend_components(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	assert_int_equal(store_exec(st, "INSERT INTO customers(id, name) VALUES ('X1', 'Xi')",
				    &err),
			 0);
	struct rd_score part[2] = {{0}};
	snprintf(part[0].reasons[0].code, sizeof part[0].reasons[0].code, "M-age");
	part[0].nreasons = 1;
	struct engine_result r = {0};
	r.segment = SEGMENT_NEW;
	r.model_name = "blend: g1@2 \xc3\x97"
		       "1 + x3@1 \xc3\x97"
		       "3";
	r.model_version = 0;
	r.ncomponents = 2;
	r.cutoff_pd = 0.125;
	r.comp[0] = (struct engine_component){"g1", 2, 640, 0.05, 1, 640.25, 0.1, &part[0]};
	r.comp[1] = (struct engine_component){"x3", 1, 600, 0.08, 3, 600.5, NAN, &part[1]};
	r.raw = (640.25 + 3 * 600.5) / 4;
	score_fill(&score_scaling_default, r.raw, &r.score);
	r.score.nreasons = 1;
	snprintf(r.score.reasons[0].code, sizeof r.score.reasons[0].code, "M-income");
	snprintf(r.score.reasons[0].name, sizeof r.score.reasons[0].name, "income");
	snprintf(r.score.reasons[0].level, sizeof r.score.reasons[0].level, "low");
	r.score.reasons[0].feature = -1;
	r.score.reasons[0].value = NAN;
	r.score.reasons[0].points = 12.345;
	double f[FEAT_COUNT];
	for (int i = 0; i < FEAT_COUNT; i++)
		f[i] = i;
	f[FEAT_AMOUNT_STD] = NAN;
	struct feature_times t = {INT64_MAX, INT64_MIN, DAY_NONE};
	int64_t day;
	assert_int_equal(date_parse("2025-03-31", 10, &day), 0);
	struct profile_writer *w = profile_writer_new(st, 0, epoch_day(day), &err);
	assert_non_null(w);
	assert_int_equal(profile_write(w, "X1", &r, f, &t, &err), 0);
	profile_writer_free(w);

	struct rd_profile *p = rd_malloc(sizeof *p);
	assert_int_equal(profile_read(st, "X1", p, &err), 0);
	assert_int_equal(p->head.score, r.score.score);
	assert_int_equal(p->head.segment, SEGMENT_NEW);
	assert_string_equal(p->head.last_activity, "");
	assert_string_equal(p->model_name, r.model_name);
	assert_int_equal(p->model_version, 0);
	assert_string_equal(p->algo, "");
	assert_true(p->cutoff_pd == 0.125);
	assert_int_equal(p->ncomponents, 2);
	assert_string_equal(p->comp[0].name, "g1");
	assert_int_equal(p->comp[0].version, 2);
	assert_int_equal(p->comp[0].score, 640);
	assert_true(p->comp[0].pd == 0.05 && p->comp[0].weight == 1 && p->comp[0].raw == 640.25);
	assert_true(p->comp[0].cutoff_pd == 0.1);
	assert_string_equal(p->comp[1].name, "x3");
	assert_true(p->comp[1].weight == 3 && isnan(p->comp[1].cutoff_pd));
	assert_true(p->raw == r.raw);
	assert_int_equal(p->nreasons, 1);
	assert_string_equal(p->reasons[0].code, "M-income");
	assert_string_equal(p->reasons[0].level, "low");
	assert_int_equal(p->reasons[0].feature, -1);
	assert_true(p->reasons[0].points == 12.35); /* two decimals, as stored */
	for (int i = 0; i < FEAT_COUNT; i++)
		assert_true(i == FEAT_AMOUNT_STD ? isnan(p->features[i]) : p->features[i] == i);
	assert_string_equal(p->as_of, "2025-03-31");
	char label[PROFILE_MODEL_SIZE];
	assert_string_equal(profile_model_label(p->model_name, 0, label, sizeof label),
			    r.model_name);
	assert_string_equal(profile_model_label("g1", 2, label, sizeof label), "g1 v2");
	/* A member without its raw score (profiles before they were stored): no mean. */
	struct profile_component c[PROFILE_COMPONENTS_MAX];
	double raw;
	assert_int_equal(profile_components_decode("[{\"model\":\"a\",\"version\":1,\"raw\":600},"
						   "{\"model\":\"b\",\"version\":1}]",
						   c, PROFILE_COMPONENTS_MAX, &raw),
			 2);
	assert_true(isnan(raw) && c[1].weight == 1 && isnan(c[1].raw));
	assert_int_equal(profile_components_decode("not json", c, PROFILE_COMPONENTS_MAX, &raw), 0);
	assert_int_equal(profile_reasons_decode(NULL, p->reasons, REASONS_MAX), 0);
	free(p);
	store_close(st);
}

/* The decision `show ID` prints (its "decision   VALUE" field line), or "" when it prints none.
 * The text sink: the JSON one belongs to batch mode, outside the core. */
static void decision_shown(struct rd_store *st, const char *id, char *out, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct rd_sink *sink = sink_text_new(f);
	struct rd_ctx ctx;
	char line[128];
	ctx_init(&ctx, st, sink);
	snprintf(line, sizeof line, "show %s", id);
	assert_int_equal(cmd_run_line(&ctx, line), RD_OK);
	sink_free(sink);
	fclose(f);
	out[0] = '\0';
	for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		l += strspn(l, " ");
		if (strncmp(l, "decision ", 9) == 0) {
			l += 9 + strspn(l + 9, " ");
			snprintf(out, n, "%.*s", (int)strcspn(l, "\n"), l);
			break;
		}
	}
	free(text);
}

static void test_decision(void **state)
{
	(void)state;
	/* The rule: decline at or above the cut-off. */
	assert_int_equal(profile_decision(0.2, 0.2), DECISION_DECLINE);
	assert_int_equal(profile_decision(nextafter(0.2, 0), 0.2), DECISION_APPROVE);
	assert_int_equal(profile_decision(nextafter(0.2, 1), 0.2), DECISION_DECLINE);
	assert_int_equal(profile_decision(0, 0), DECISION_DECLINE);
	assert_int_equal(profile_decision(0.5, NAN), -1); /* no cut-off, no decision */

	/* As `show` and the Profile pane's view give it, with the cut-off set to the PD. */
	struct rd_store *st = fixture();
	struct rd_err err = {{0}};
	char shown[32];
	decision_shown(st, "C1", shown, sizeof shown);
	assert_string_equal(shown, ""); /* the rules model has no cut-off */
	assert_int_equal(store_exec(st, "UPDATE credit_profiles SET cutoff_pd = pd", &err), 0);
	decision_shown(st, "C1", shown, sizeof shown);
	assert_string_equal(shown, "decline");
	struct customer_view v;
	assert_int_equal(view_customer(st, "C1", &v, &err), 0);
	assert_true(v.pd == v.cutoff_pd);
	assert_int_equal(profile_decision(v.pd, v.cutoff_pd), DECISION_DECLINE);
	assert_int_equal(store_exec(st, "UPDATE credit_profiles SET cutoff_pd = pd + 1e-9", &err),
			 0);
	decision_shown(st, "C1", shown, sizeof shown);
	assert_string_equal(shown, "approve");
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_engine_row), cmocka_unit_test(test_features_json_vs_sql),
		cmocka_unit_test(test_head),       cmocka_unit_test(test_blend_components),
		cmocka_unit_test(test_decision),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
