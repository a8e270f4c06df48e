/* Stale data (include/riskdesk/stale.h): profiles older than the latest load of customers,
 * orders or payments (not of outcomes), profiles scored by a model that no longer serves
 * their segment (a single champion and a blend), snapshot months older than the load, a
 * drift report older than the profiles; the cache across connections; the texts. */
#include "testutil.h"

#include <time.h>

#include "riskdesk/stale.h"

static const char customers[] = "id,name,created_at\nC1,Ann,2025-01-01\nC2,Bob,2025-01-01\n"
				"C3,Cy,2025-01-01\n";
static const char orders[] = "id,customer_id,amount,status,created_at\n"
			     "O1,C1,10,delivered,2025-02-01\nO2,C1,10,delivered,2025-02-02\n"
			     "O3,C1,10,delivered,2025-02-03\nO4,C1,10,delivered,2025-02-04\n"
			     "O5,C2,10,delivered,2025-02-05\n";
static const char outcomes[] = "customer_id,defaulted,observed_at\nC1,0,2025-06-30\n";

static void run_ok(struct rd_store *st, const char *fmt, const char *arg)
{
	char line[1024];
	struct rd_err err = {{0}};
	snprintf(line, sizeof line, fmt, arg);
	if (test_run(st, line, &err) != RD_OK)
		fail_msg("%s: %s", line, err.msg);
}

static void check(struct rd_store *st, struct stale_state *s)
{
	struct rd_err err = {{0}};
	if (stale_check(st, s, &err))
		fail_msg("stale_check: %s", err.msg);
}

static void load_all(struct rd_store *st)
{
	run_ok(st, "load customers %s",
	       test_file("customers.csv", customers, sizeof customers - 1));
	run_ok(st, "load orders %s", test_file("orders.csv", orders, sizeof orders - 1));
}

static void test_older_than_load(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct stale_state s = {0};
	char text[512];
	check(st, &s);
	assert_int_equal(s.load_run, 0);
	assert_false(stale_profiles(&s));
	load_all(st);
	check(st, &s);
	long long load = test_int(st, "SELECT max(id) FROM runs WHERE kind = 'load'");
	assert_int_equal(s.load_run, load);
	assert_int_equal(s.older, 0); /* no profiles yet */
	run_ok(st, "recompute all", NULL);
	check(st, &s);
	assert_int_equal(s.older, 0);
	assert_int_equal(s.unserved, 0);
	assert_int_equal(s.recompute_run, test_int(st, "SELECT max(id) FROM runs"));
	stale_profiles_text(&s, 1, text, sizeof text);
	assert_string_equal(text, "");
	/* Outcomes change no profile. */
	run_ok(st, "load outcomes %s", test_file("outcomes.csv", outcomes, sizeof outcomes - 1));
	check(st, &s);
	assert_int_equal(s.load_run, load);
	assert_int_equal(s.older, 0);
	/* Orders do: every profile is older than that load. */
	run_ok(st, "load orders %s", test_file("orders.csv", orders, sizeof orders - 1));
	check(st, &s);
	load = test_int(st, "SELECT max(id) FROM runs");
	assert_int_equal(s.load_run, load);
	assert_int_equal(s.older, 3);
	assert_true(stale_profiles(&s));
	char want[256];
	snprintf(want, sizeof want,
		 "3 profiles are older than the load of %s (run %lld):"
		 " 'recompute all' updates them",
		 s.load_at, load);
	stale_profiles_text(&s, 0, text, sizeof text);
	assert_string_equal(text, want);
	stale_profiles_text(&s, 1, text, sizeof text);
	assert_non_null(strstr(text, "3 profiles older than the load of "));
	assert_non_null(strstr(text, " \xe2\x80\x94 R recomputes"));
	/* One recomputed: two left; a drift report made before that recompute is older than
	 * the profiles. */
	int64_t report = s.recompute_run;
	assert_false(stale_report(&s, report));
	run_ok(st, "recompute %s", "C1");
	check(st, &s);
	assert_int_equal(s.older, 2);
	assert_true(stale_report(&s, report));
	assert_false(stale_report(&s, s.recompute_run));
	stale_report_text(&s, report, 0, text, sizeof text);
	snprintf(want, sizeof want,
		 "the report is older than the profiles (the recompute of %s,"
		 " run %lld)",
		 s.recompute_at, (long long)s.recompute_run);
	assert_string_equal(text, want);
	run_ok(st, "recompute all", NULL);
	check(st, &s);
	assert_int_equal(s.older, 0);
	assert_false(stale_profiles(&s));
	store_close(st);
}

static void test_unserved(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct stale_state s = {0};
	struct rd_err err = {{0}};
	char text[512];
	load_all(st);
	run_ok(st, "recompute all", NULL);
	/* C1 (4 delivered orders) is existing; C2 and C3 are new. */
	assert_int_equal(test_int(st, "SELECT count(*) FROM credit_profiles WHERE segment = 'new'"),
			 2);
	check(st, &s);
	assert_int_equal(s.unserved, 0);
	/* A champion for segment new: the rules model's profiles there no longer serve. */
	assert_int_equal(store_exec(st,
				    "INSERT INTO models(name, version, algo, segment, status, spec,"
				    " created_at) VALUES ('g', 1, 'logit', 'new', 'champion', '{}',"
				    " '2025-01-01T00:00:00Z')",
				    &err),
			 0);
	check(st, &s);
	assert_int_equal(s.unserved, 2);
	assert_int_equal(s.unserved_models, 1);
	assert_string_equal(s.unserved_model, "rules@1");
	assert_int_equal(s.older, 0);
	stale_profiles_text(&s, 0, text, sizeof text);
	assert_string_equal(text, "2 profiles were scored by rules@1, which no longer serves their"
				  " segment: 'recompute all' updates them");
	/* Profiles g scored are served: only C3 is left. */
	assert_int_equal(store_exec(st,
				    "UPDATE credit_profiles SET model_name = 'g', model_version = 1"
				    " WHERE customer_id = 'C2'",
				    &err),
			 0);
	check(st, &s);
	assert_int_equal(s.unserved, 1);
	stale_profiles_text(&s, 1, text, sizeof text);
	assert_string_equal(text, "1 profile scored by rules@1, no longer serving \xe2\x80\x94 R"
				  " recomputes");
	/* A blend serves existing: its profiles carry its label and version 0. */
	assert_int_equal(
		store_exec(st,
			   "INSERT INTO models(name, version, algo, segment, status, weight, spec,"
			   " created_at) VALUES ('b', 1, 'logit', 'existing', 'champion', 1,"
			   " '{}', '2025-01-01T00:00:00Z'), ('b', 2, 'logit', 'existing',"
			   " 'champion', 3, '{}', '2025-01-01T00:00:00Z')",
			   &err),
		0);
	check(st, &s);
	assert_int_equal(s.unserved, 2); /* C1 (rules, existing) and C3 (rules, new): one model */
	assert_int_equal(s.unserved_models, 1);
	assert_int_equal(store_exec(st,
				    "UPDATE credit_profiles SET model_name = 'blend: b@1 \xc3\x97"
				    "1 +"
				    " b@2 \xc3\x97"
				    "3', model_version = 0 WHERE customer_id = 'C1'",
				    &err),
			 0);
	check(st, &s);
	assert_int_equal(s.unserved, 1);
	assert_int_equal(s.unserved_models, 1);
	/* g retired: rules serves new again, and C2's profile (g's) is the one left. */
	assert_int_equal(store_exec(st, "UPDATE models SET status = 'retired' WHERE name = 'g'",
				    &err),
			 0);
	check(st, &s);
	assert_int_equal(s.unserved, 1);
	assert_string_equal(s.unserved_model, "g@1");
	/* Two models no longer serving. */
	assert_int_equal(store_exec(st,
				    "UPDATE credit_profiles SET model_name = 'h', model_version = 3"
				    " WHERE customer_id = 'C3'",
				    &err),
			 0);
	check(st, &s);
	assert_int_equal(s.unserved, 2);
	assert_int_equal(s.unserved_models, 2);
	stale_profiles_text(&s, 0, text, sizeof text);
	assert_string_equal(text, "2 profiles were scored by g@1 and others, which no longer serve"
				  " their segment: 'recompute all' updates them");
	store_close(st);
}

static void test_snapshots(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct stale_state s = {0};
	struct rd_err err = {{0}};
	char text[512];
	load_all(st);
	run_ok(st, "recompute all", NULL);
	/* 2025-01 taken by run 1 (before the load of orders), 2025-02 by the recompute after
	 * it (standing in for a snapshot run). */
	assert_int_equal(
		store_exec(st,
			   "INSERT INTO snapshot_months(month, as_of, customers, models, run_id,"
			   " taken_at) VALUES ('2025-01', '2025-01-31', 3, 'rules@1', 1,"
			   " '2025-02-01T00:00:00Z'), ('2025-02', '2025-02-28', 3, 'rules@1',"
			   " (SELECT max(id) FROM runs), '2025-03-01T00:00:00Z')",
			   &err),
		0);
	check(st, &s);
	assert_int_equal(s.snapshots_older, 1);
	char want[256];
	snprintf(want, sizeof want,
		 "1 snapshot month was taken before the load of %s (run %lld):"
		 " 'snapshot' retakes them",
		 s.load_at, (long long)s.load_run);
	stale_snapshots_text(&s, 0, text, sizeof text);
	assert_string_equal(text, want);
	store_close(st);
}

/* Another connection's load shows in a cached state at the next check. */
static void test_cache(void **state)
{
	(void)state;
	char dir[256], path[300];
	snprintf(dir, sizeof dir, "%s", test_file("marker", "", 0));
	*strrchr(dir, '/') = '\0';
	snprintf(path, sizeof path, "%s/stale-cache.db", dir);
	unlink(path);
	struct rd_err err = {{0}};
	struct rd_store *a = store_open(path, 0, &err), *b;
	assert_non_null(a);
	load_all(a);
	run_ok(a, "recompute all", NULL);
	struct stale_state s = {0};
	check(a, &s);
	assert_int_equal(s.older, 0);
	check(a, &s); /* nothing changed: the cached state */
	assert_int_equal(s.valid, 1);
	b = store_open(path, 0, &err);
	assert_non_null(b);
	run_ok(b, "load orders %s", test_file("orders.csv", orders, sizeof orders - 1));
	check(a, &s);
	assert_int_equal(s.older, 3);
	store_close(b);
	store_close(a);
	char side[320];
	unlink(path);
	snprintf(side, sizeof side, "%s-riskdesk", path);
	unlink(side);
}

/* Thousands separators and the date when it is not today (the console's texts). */
static void test_texts(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	struct stale_state s = {.load_run = 7,
				.older = 2000,
				.unserved = 1234567,
				.unserved_models = 2,
				.snapshots_older = 3};
	snprintf(s.load_at, sizeof s.load_at, "2025-03-04T10:31:00Z");
	snprintf(s.unserved_model, sizeof s.unserved_model, "g1@1");
	char text[512];
	stale_profiles_text(&s, 1, text, sizeof text);
	assert_string_equal(text,
			    "2,000 profiles older than the load of 2025-03-04 10:31, 1,234,567"
			    " scored by g1@1 and others, no longer serving \xe2\x80\x94 R"
			    " recomputes");
	stale_profiles_text(&s, 0, text, sizeof text);
	assert_string_equal(text,
			    "2000 profiles are older than the load of 2025-03-04T10:31:00Z"
			    " (run 7); 1234567 profiles were scored by g1@1 and others, which no"
			    " longer serve their segment: 'recompute all' updates them");
	stale_snapshots_text(&s, 1, text, sizeof text);
	assert_string_equal(text, "3 snapshot months older than the load of 2025-03-04 10:31"
				  " \xe2\x80\x94 :snapshot retakes them");
	/* Today: the time alone. */
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(s.load_at, sizeof s.load_at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	char hhmm[8], want[128];
	strftime(hhmm, sizeof hhmm, "%H:%M", &tm);
	s.unserved = 0;
	stale_profiles_text(&s, 1, text, sizeof text);
	snprintf(want, sizeof want,
		 "2,000 profiles older than the load of %s \xe2\x80\x94 R recomputes", hhmm);
	assert_string_equal(text, want);
	/* Small counts have no separator; one profile is singular. */
	s.older = 1;
	stale_profiles_text(&s, 1, text, sizeof text);
	snprintf(want, sizeof want, "1 profile older than the load of %s \xe2\x80\x94 R recomputes",
		 hhmm);
	assert_string_equal(text, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_older_than_load), cmocka_unit_test(test_unserved),
		cmocka_unit_test(test_snapshots),       cmocka_unit_test(test_cache),
		cmocka_unit_test(test_texts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
