/* monitor_run's failures that a caller acts on (include/riskdesk/monitor.h): no reference
 * and no monthly snapshots are results of their own, which the Drift pane reads instead
 * of the message's words; any other failure is MONITOR_FAILED. (perf_run's
 * PERF_NO_SNAPSHOTS: test_performance.) */
#include "testutil.h"

#include "riskdesk/monitor.h"

static const char customers[] = "id,name,created_at\nC1,Ann,2025-01-01\nC2,Bob,2025-01-01\n"
				"C3,Cy,2025-01-01\n";
static const char orders[] = "id,customer_id,amount,status,created_at\n"
			     "O1,C1,10,delivered,2025-02-01\nO2,C2,10,delivered,2025-02-05\n";

static void run_ok(struct rd_store *st, const char *fmt, const char *arg)
{
	char line[1024];
	struct rd_err err = {{0}};
	snprintf(line, sizeof line, fmt, arg);
	if (test_run(st, line, &err) != RD_OK)
		fail_msg("%s: %s", line, err.msg);
}

/* monitor_run returns rc, with a message holding want. */
static void monitor_fails(struct rd_store *st, const struct monitor_opts *o, int rc,
			  const char *want)
{
	struct monitor_report r;
	struct rd_err err = {{0}};
	assert_int_equal(monitor_run(st, o, &r, &err), rc);
	if (!strstr(err.msg, want))
		fail_msg("'%s' without '%s'", err.msg, want);
}

static void test_monitor_results(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	struct monitor_opts o = {NULL, NULL, NULL, 0};
	struct monitor_report r;
	run_ok(st, "load customers %s",
	       test_file("customers.csv", customers, sizeof customers - 1));
	run_ok(st, "load orders %s", test_file("orders.csv", orders, sizeof orders - 1));
	/* The serving rules model before any recompute: no reference. */
	monitor_fails(st, &o, MONITOR_NO_REFERENCE, "rules@1 has no reference yet");
	/* A trained model stored without reference distributions. */
	assert_int_equal(store_exec(st,
				    "INSERT INTO models (name, version, algo, status, spec, "
				    "created_at)"
				    " VALUES ('t', 1, 'logit', 'challenger', '{}', '2025-01-01')",
				    &err),
			 0);
	o.model = "t@1";
	monitor_fails(st, &o, MONITOR_NO_REFERENCE, "t@1 has no reference distributions");
	/* Any other failure. */
	o.model = "nope";
	monitor_fails(st, &o, MONITOR_FAILED, "no model 'nope'");
	o.model = "@";
	monitor_fails(st, &o, MONITOR_FAILED, "is not a model");
	/* The first recompute sets the reference: by month, no snapshots yet. */
	o.model = NULL;
	run_ok(st, "recompute all", NULL);
	assert_int_equal(monitor_run(st, &o, &r, &err), MONITOR_OK);
	monitor_free(&r);
	o.by_month = 1;
	monitor_fails(st, &o, MONITOR_NO_SNAPSHOTS, "no monthly snapshots ('snapshot' takes them)");
	run_ok(st, "snapshot --from 2025-02 --to 2025-02", NULL);
	assert_int_equal(monitor_run(st, &o, &r, &err), MONITOR_OK);
	monitor_free(&r);
	o.since = o.until = "2024-01"; /* outside the snapshots */
	monitor_fails(st, &o, MONITOR_NO_SNAPSHOTS, "no monthly snapshots in that window");
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_monitor_results),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
