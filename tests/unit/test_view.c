/* The customer view (include/riskdesk/view.h): the attributes with their labels, the
 * model's inputs marked and listed first (an input the customer lacks too), the score
 * history with its days, the activity counts, and feature values in their units. */
#include "testutil.h"

#include <math.h>

#include "riskdesk/features.h"
#include "riskdesk/view.h"

static const char customers[] = "id,name,created_at,checking,amount,note\n"
				"C1,Ann,2025-01-01,A12,1169,x\nC2,Bob,2025-01-01,A14,,\n";
static const char mapping[] =
	"{\"labels\": {\"checking\": {\"label\": \"checking account\","
	" \"values\": {\"A12\": \"0 to < 200 DM\"}}, \"amount\": \"amount in DM\"}}";
static const char orders[] = "id,customer_id,amount,status,created_at\n"
			     "O1,C1,10,delivered,2025-02-01\nO2,C1,30,returned,2025-02-02\n";
static const char payments[] = "id,customer_id,order_id,method,success,amount,created_at\n"
			       "P1,C1,O1,card,1,10,2025-02-01\nP2,C1,O2,card,0,30,2025-02-02\n"
			       "P3,C1,O2,cod,1,30,2025-02-03\n";

static void run_ok(struct rd_store *st, const char *line)
{
	struct rd_err err = {{0}};
	if (test_run(st, line, &err) != RD_OK)
		fail_msg("%s: %s", line, err.msg);
}

static void exec_ok(struct rd_store *st, const char *sql)
{
	struct rd_err err = {{0}};
	if (store_exec(st, sql, &err))
		fail_msg("%s: %s", sql, err.msg);
}

static struct rd_store *fixture(void)
{
	struct rd_store *st = test_store();
	char line[1200];
	snprintf(line, sizeof line, "load customers %s --map %s",
		 test_file("customers.csv", customers, sizeof customers - 1),
		 test_file("labels.json", mapping, sizeof mapping - 1));
	run_ok(st, line);
	snprintf(line, sizeof line, "load orders %s",
		 test_file("orders.csv", orders, sizeof orders - 1));
	run_ok(st, line);
	snprintf(line, sizeof line, "load payments %s",
		 test_file("payments.csv", payments, sizeof payments - 1));
	run_ok(st, line);
	run_ok(st, "recompute all");
	return st;
}

static struct customer_view *view_of(struct rd_store *st, const char *id)
{
	static struct customer_view v;
	struct rd_err err = {{0}};
	if (view_customer(st, id, &v, &err))
		fail_msg("view_customer %s: %s", id, err.msg);
	return &v;
}

/* Scored by the rules model, which reads features only: every attribute unmarked, by name,
 * each with the value's label, else the attribute's. */
static void test_attributes_rules(void **state)
{
	(void)state;
	struct rd_store *st = fixture();
	struct customer_view *v = view_of(st, "C1");
	assert_int_equal(v->has_profile, 1);
	assert_int_equal(v->nattributes, 3);
	assert_int_equal(v->nattr, 3);
	assert_int_equal(v->attr_hidden, 0);
	assert_string_equal(v->attr[0].name, "amount");
	assert_string_equal(v->attr[0].value, "1169");
	assert_string_equal(v->attr[0].label, "amount in DM");
	assert_string_equal(v->attr[1].name, "checking");
	assert_string_equal(v->attr[1].value, "A12");
	assert_string_equal(v->attr[1].label, "0 to < 200 DM");
	assert_string_equal(v->attr[2].name, "note");
	assert_string_equal(v->attr[2].label, "");
	for (int i = 0; i < 3; i++)
		assert_int_equal(v->attr[i].input, 0);
	/* The rules model's terms are features. */
	assert_true(v->ninputs > 0);
	assert_int_equal(v->feature_input[FEAT_TOTAL_SPEND], 1);
	assert_int_equal(v->feature_input[FEAT_RETURN_RATE], 1);
	assert_int_equal(v->feature_input[FEAT_ORDERS_TOTAL], 0);
	/* A value without a label of its own has the attribute's; empty cells are not stored. */
	v = view_of(st, "C2");
	assert_int_equal(v->nattr, 1);
	assert_string_equal(v->attr[0].name, "checking");
	assert_string_equal(v->attr[0].label, "checking account");
	store_close(st);
}

/* Scored by a model that reads checking and an attribute no customer has: both marked and
 * first, the absent one as missing; the features unmarked. */
static void test_attributes_inputs(void **state)
{
	(void)state;
	struct rd_store *st = fixture();
	exec_ok(st, "INSERT INTO models(name, version, algo, status, spec, created_at) VALUES"
		    " ('m', 1, 'logit', 'challenger', '{\"columns\": [{\"name\": \"gone\"},"
		    " {\"name\": \"checking\"}, {\"name\": \"cod_share\"}]}', '2025-01-01')");
	exec_ok(st, "UPDATE credit_profiles SET model_name = 'm', model_version = 1");
	struct customer_view *v = view_of(st, "C1");
	assert_int_equal(v->ninputs, 3);
	assert_int_equal(v->nattr, 4);
	assert_string_equal(v->attr[0].name, "checking");
	assert_int_equal(v->attr[0].input, 1);
	assert_string_equal(v->attr[1].name, "gone");
	assert_int_equal(v->attr[1].input, 1);
	assert_int_equal(v->attr[1].missing, 1);
	assert_string_equal(v->attr[1].value, "");
	assert_string_equal(v->attr[2].name, "amount");
	assert_int_equal(v->attr[2].input, 0);
	assert_string_equal(v->attr[3].name, "note");
	assert_int_equal(v->feature_input[FEAT_COD_SHARE], 1);
	assert_int_equal(v->feature_input[FEAT_TOTAL_SPEND], 0);
	/* A specification that is no JSON reads no inputs, and no error. */
	exec_ok(st, "UPDATE models SET spec = 'nope' WHERE name = 'm'");
	v = view_of(st, "C1");
	assert_int_equal(v->ninputs, 0);
	assert_int_equal(v->attr[0].input, 0);
	store_close(st);
}

/* The latest scores, oldest first, with their days. */
static void test_history(void **state)
{
	(void)state;
	struct rd_store *st = fixture();
	exec_ok(st, "INSERT INTO score_history(id, customer_id, score, band, pd, model_name,"
		    " model_version, computed_at) VALUES (-2, 'C1', 590, 'D', 0.05, 'rules', 1,"
		    " '2024-01-15T10:00:00Z'), (-1, 'C1', 700, 'B', 0.01, 'rules', 1,"
		    " '2024-06-01T10:00:00Z')");
	struct customer_view *v = view_of(st, "C1");
	assert_int_equal(v->nhistory, 3);
	assert_int_equal(v->history[0], 590);
	assert_string_equal(v->history_day[0], "2024-01-15");
	assert_int_equal(v->history[1], 700);
	assert_string_equal(v->history_day[1], "2024-06-01");
	assert_int_equal(v->history[2], v->score);
	/* Only the latest VIEW_HISTORY_MAX. */
	exec_ok(st, "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 70)"
		    " INSERT INTO score_history(customer_id, score, band, pd, model_name,"
		    " model_version, computed_at) SELECT 'C1', 300 + i, 'E', 0.5, 'rules', 1,"
		    " '2025-03-01' FROM k");
	v = view_of(st, "C1");
	assert_int_equal(v->nhistory, VIEW_HISTORY_MAX);
	assert_int_equal(v->history[VIEW_HISTORY_MAX - 1], 370);
	assert_int_equal(v->history[0], 370 - VIEW_HISTORY_MAX + 1);
	store_close(st);
}

static void test_activity_and_units(void **state)
{
	(void)state;
	struct rd_store *st = fixture();
	struct rd_err err = {{0}};
	struct view_activity a;
	assert_int_equal(view_activity_count(st, "C1", &a, &err), 0);
	assert_int_equal(a.orders, 2);
	assert_int_equal(a.payments, 3);
	assert_int_equal(a.failed, 1);
	assert_int_equal(view_activity_count(st, "nobody", &a, &err), 0);
	assert_int_equal(a.orders + a.payments + a.failed, 0);
	char buf[32];
	assert_string_equal(view_feature_text(FEAT_RETURN_RATE, 5.0 / 27, buf, sizeof buf),
			    "18.5%");
	assert_string_equal(view_feature_text(FEAT_COD_SHARE, 0, buf, sizeof buf), "0.0%");
	assert_string_equal(view_feature_text(FEAT_TOTAL_SPEND, 1151.75, buf, sizeof buf),
			    "1151.75");
	assert_string_equal(view_feature_text(FEAT_AVG_ORDER_VALUE, 57.5875, buf, sizeof buf),
			    "57.59");
	assert_string_equal(view_feature_text(FEAT_ORDERS_TOTAL, 27, buf, sizeof buf), "27");
	assert_string_equal(view_feature_text(FEAT_TENURE_DAYS, 1458, buf, sizeof buf), "1458");
	assert_string_equal(view_feature_text(FEAT_TOTAL_SPEND, NAN, buf, sizeof buf), "-");
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attributes_rules),
		cmocka_unit_test(test_attributes_inputs),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_activity_and_units),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
