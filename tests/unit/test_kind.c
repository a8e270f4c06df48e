/* Customers' kind (individual or company) as a model segment, a model input and a route
 * (issue 13, item 2): train --segment company learns from companies only; --features kind
 * makes it a categorical column that scores, drifts and explains like an attribute but is
 * read from customers; a kind's champion serves that kind's customers before a segment's
 * or all customers' champions, and stale profiles follow. Each checked against SQL over
 * the tables. */
#include "testutil.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <math.h>

#include "riskdesk/blend.h"
#include "riskdesk/gen.h"
#include "riskdesk/stale.h"

static char dir[256];

static void run_ok(struct rd_store *st, const char *line)
{
	struct rd_err err = {{0}};
	if (test_run(st, line, &err) != RD_OK)
		fail_msg("%s: %s", line, err.msg);
}

/* A generated book of 1500 customers (about 12% companies), loaded and scored. */
static struct rd_store *fixture(void)
{
	struct rd_store *st = test_store();
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/riskdesk-unit-%d-kind", (int)getpid());
		struct gen_opts o;
		struct gen_report rep;
		struct rd_err err = {{0}};
		gen_opts_default(&o);
		o.customers = 1500;
		o.seed = 5;
		o.force = 1;
		if (gen_write(dir, &o, &rep, &err))
			fail_msg("gen: %s", err.msg);
	}
	char line[400];
	snprintf(line, sizeof line, "load %s", dir);
	run_ok(st, line);
	run_ok(st, "recompute all");
	return st;
}

static void remove_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[600];
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
			unlink(p);
		}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* train --segment company: the rows are the companies with an outcome, and only they. */
static void test_train_company(void **state)
{
	(void)state;
	struct rd_store *st = fixture();
	struct rd_err err = {{0}};
	run_ok(st, "train gc --algo logit --segment company");
	assert_int_equal(test_int(st, "SELECT count(*) FROM models WHERE name = 'gc' AND"
				      " segment = 'company' AND status = 'challenger'"),
			 1);
	long long companies = test_int(st, "SELECT count(*) FROM customers c JOIN outcomes o ON"
					   " o.customer_id = c.id WHERE c.kind = 'company'");
	assert_true(companies > 100);
	assert_int_equal(test_int(st, "SELECT count(*) FROM model_oof WHERE name = 'gc'"),
			 companies);
	assert_int_equal(test_int(st, "SELECT count(*) FROM model_oof m JOIN customers c ON"
				      " c.id = m.customer_id WHERE m.name = 'gc' AND c.kind != "
				      "'company'"),
			 0);
	run_ok(st, "train gi --algo logit --segment individual");
	assert_int_equal(test_int(st, "SELECT count(*) FROM model_oof m JOIN customers c ON"
				      " c.id = m.customer_id WHERE m.name = 'gi' AND c.kind = "
				      "'individual'"),
			 test_int(st, "SELECT count(*) FROM customers c JOIN outcomes o ON"
				      " o.customer_id = c.id WHERE c.kind = 'individual'"));
	/* new and existing as before: the segment's rows whatever their kind. */
	run_ok(st, "train gn --algo logit --segment new");
	assert_int_equal(test_int(st, "SELECT count(*) FROM model_oof m JOIN credit_profiles p ON"
				      " p.customer_id = m.customer_id WHERE m.name = 'gn' AND"
				      " p.segment != 'new'"),
			 0);
	assert_true(test_int(st, "SELECT count(DISTINCT c.kind) FROM model_oof m JOIN customers c"
				 " ON c.id = m.customer_id WHERE m.name = 'gn'") == 2);
	assert_int_equal(test_run(st, "train gx --algo logit --segment vip", &err), RD_USAGE);
	assert_non_null(strstr(err.msg, "all, new, existing, individual or company"));
	store_close(st);
}

/* The spec's weight of a level of categorical column col of model name@version. */
static double level_weight(struct rd_store *st, const char *name, const char *col,
			   const char *level)
{
	sqlite3_stmt *s;
	struct rd_err err = {{0}};
	assert_int_equal(store_prepare(st, "SELECT spec FROM models WHERE name = ?1", &s, &err), 0);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	cJSON *spec = cJSON_Parse((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	const cJSON *c, *cols = cJSON_GetObjectItemCaseSensitive(spec, "columns");
	double w = NAN;
	cJSON_ArrayForEach(c, cols)
	{
		if (strcmp(cJSON_GetObjectItemCaseSensitive(c, "name")->valuestring, col) != 0)
			continue;
		const cJSON *levels = cJSON_GetObjectItemCaseSensitive(c, "levels");
		const cJSON *weights = cJSON_GetObjectItemCaseSensitive(c, "weights");
		for (int i = 0; i < cJSON_GetArraySize(levels); i++)
			if (strcmp(cJSON_GetArrayItem(levels, i)->valuestring, level) == 0)
				w = cJSON_GetArrayItem(weights, i)->valuedouble;
	}
	cJSON_Delete(spec);
	return w;
}

static double logit(double p)
{
	return log(p / (1 - p));
}

static double profile_pd(struct rd_store *st, const char *id)
{
	char sql[200];
	sqlite3_stmt *s;
	struct rd_err err = {{0}};
	snprintf(sql, sizeof sql, "SELECT pd FROM credit_profiles WHERE customer_id = '%s'", id);
	assert_int_equal(store_prepare(st, sql, &s, &err), 0);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	double pd = sqlite3_column_double(s, 0);
	sqlite3_finalize(s);
	return pd;
}

/* --features kind: a categorical column whose levels are the kinds; scoring reads each
 * customer's kind from customers: turning a company into an individual moves its log-odds
 * by exactly the difference of the two levels' weights. Without naming it, no model has it. */
static void test_feature_kind(void **state)
{
	(void)state;
	struct rd_store *st = fixture();
	run_ok(st, "train plain --algo logit");
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM models m, json_each(m.spec, '$.columns') c"
				  " WHERE m.name = 'plain' AND json_extract(c.value, '$.name') ="
				  " 'kind'"),
			 0);
	run_ok(st, "train gk --algo logit --features kind,orders_delivered,return_rate,cod_share");
	assert_int_equal(
		test_int(st,
			 "SELECT count(*) FROM models m, json_each(m.spec, '$.columns') c"
			 " WHERE m.name = 'gk' AND json_extract(c.value, '$.name') = 'kind'"
			 " AND json_extract(c.value, '$.levels') = '[\"company\",\"individual\"]'"),
		1);
	/* Its reference holds the kinds' shares, as training saw them. */
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM models m, json_each(m.reference,"
				  " '$.features') f WHERE m.name = 'gk' AND json_extract(f.value,"
				  " '$.name') = 'kind'"),
			 1);
	double wc = level_weight(st, "gk", "kind", "company");
	double wi = level_weight(st, "gk", "kind", "individual");
	assert_false(isnan(wc) || isnan(wi));
	assert_true(fabs(wc - wi) > 1e-6);
	run_ok(st, "promote gk");
	run_ok(st, "recompute all");
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM credit_profiles WHERE model_name != 'gk'"),
			 0);
	char id[32];
	sqlite3_stmt *s;
	struct rd_err err = {{0}};
	assert_int_equal(store_prepare(st,
				       "SELECT id FROM customers WHERE kind = 'company'"
				       " ORDER BY id LIMIT 1",
				       &s, &err),
			 0);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	snprintf(id, sizeof id, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	double before = profile_pd(st, id);
	char sql[200];
	snprintf(sql, sizeof sql, "UPDATE customers SET kind = 'individual' WHERE id = '%s'", id);
	assert_int_equal(store_exec(st, sql, &err), 0);
	snprintf(sql, sizeof sql, "recompute %s", id);
	run_ok(st, sql);
	double after = profile_pd(st, id);
	assert_true(fabs((logit(after) - logit(before)) - (wi - wc)) < 1e-9);
	store_close(st);
}

/* A kind's champion serves that kind in both segments; a segment's champion the rest of its
 * segment; rules the remainder. Profiles say who scored them, and stale counts follow the
 * kind when a champion retires. */
static void test_routes(void **state)
{
	(void)state;
	struct rd_store *st = fixture();
	struct rd_err err = {{0}};
	run_ok(st, "train gc --algo logit --segment company");
	run_ok(st, "train gn --algo logit --segment new");
	run_ok(st, "promote gc");
	run_ok(st, "promote gn");
	struct blend b[BLEND_ROUTES];
	assert_int_equal(blend_serving(st, b, &err), 0);
	assert_string_equal(b[blend_route(KIND_COMPANY, SEGMENT_NEW)].label, "gc");
	assert_string_equal(b[blend_route(KIND_COMPANY, SEGMENT_EXISTING)].label, "gc");
	assert_string_equal(b[blend_route(KIND_INDIVIDUAL, SEGMENT_NEW)].label, "gn");
	assert_int_equal(b[blend_route(KIND_INDIVIDUAL, SEGMENT_EXISTING)].n, 0);
	assert_true(blend_by_kind(b));
	assert_false(blend_kinds_alike(b, SEGMENT_NEW));
	char name[48];
	assert_string_equal(blend_route_name(&b[blend_route(KIND_COMPANY, SEGMENT_NEW)], 1, name,
					     sizeof name),
			    "new company");
	/* The profiles scored before are those of rules: the companies' and the new
	 * individuals' no longer served by it. */
	struct stale_state ss = {0};
	assert_int_equal(stale_check(st, &ss, &err), 0);
	assert_int_equal(ss.unserved, test_int(st, "SELECT count(*) FROM credit_profiles p JOIN"
						   " customers c ON c.id = p.customer_id WHERE"
						   " c.kind = 'company' OR p.segment = 'new'"));
	run_ok(st, "recompute all");
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM credit_profiles p JOIN customers c ON"
				  " c.id = p.customer_id WHERE NOT (CASE WHEN c.kind = 'company'"
				  " THEN p.model_name = 'gc' WHEN p.segment = 'new' THEN"
				  " p.model_name = 'gn' ELSE p.model_name = 'rules' END)"),
			 0);
	assert_true(test_int(st, "SELECT count(*) FROM credit_profiles WHERE model_name = 'gc'") >
		    100);
	memset(&ss, 0, sizeof ss);
	assert_int_equal(stale_check(st, &ss, &err), 0);
	assert_int_equal(ss.unserved, 0);
	/* gc retired: the new companies go to gn, the existing ones to rules. */
	run_ok(st, "retire gc");
	memset(&ss, 0, sizeof ss);
	assert_int_equal(stale_check(st, &ss, &err), 0);
	assert_int_equal(ss.unserved, test_int(st, "SELECT count(*) FROM credit_profiles p JOIN"
						   " customers c ON c.id = p.customer_id WHERE"
						   " c.kind = 'company'"));
	assert_int_equal(blend_serving(st, b, &err), 0);
	assert_false(blend_by_kind(b));
	run_ok(st, "recompute all");
	assert_int_equal(test_int(st, "SELECT count(*) FROM credit_profiles WHERE NOT (CASE WHEN"
				      " segment = 'new' THEN model_name = 'gn' ELSE model_name = "
				      "'rules'"
				      " END)"),
			 0);
	/* Only a company's own champion sees the kind; an 'all' champion serves both. */
	run_ok(st, "train ga --algo logit");
	run_ok(st, "promote ga");
	assert_int_equal(blend_serving(st, b, &err), 0);
	assert_string_equal(b[blend_route(KIND_COMPANY, SEGMENT_EXISTING)].label, "ga");
	assert_string_equal(b[blend_route(KIND_COMPANY, SEGMENT_NEW)].label, "gn");
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_train_company),
		cmocka_unit_test(test_feature_kind),
		cmocka_unit_test(test_routes),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	remove_dir();
	return rc;
}
