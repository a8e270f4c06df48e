/* The command table: splitting, options, usage errors, read-only, audit. */
#include "testutil.h"

static void test_split(void **state)
{
	(void)state;
	int argc;
	char **argv;
	struct rd_err err = {{0}};
	assert_int_equal(cmd_split("  load  orders 'my file.csv' --map=\"a b\" x\\ y # note", &argc,
				   &argv, &err),
			 0);
	assert_int_equal(argc, 5);
	assert_string_equal(argv[0], "load");
	assert_string_equal(argv[2], "my file.csv");
	assert_string_equal(argv[3], "--map=a b");
	assert_string_equal(argv[4], "x y");
	assert_null(argv[5]);
	cmd_argv_free(argv);
	assert_int_equal(cmd_split("say \"a \\\"quoted\\\" word\" ''", &argc, &argv, &err), 0);
	assert_int_equal(argc, 3);
	assert_string_equal(argv[1], "a \"quoted\" word");
	assert_string_equal(argv[2], ""); /* '' is an empty word, as in the shell */
	cmd_argv_free(argv);
	assert_int_equal(cmd_split("   # only a comment", &argc, &argv, &err), 0);
	assert_int_equal(argc, 0);
	cmd_argv_free(argv);
	assert_int_equal(cmd_split("show 'abc", &argc, &argv, &err), -1);
	assert_non_null(strstr(err.msg, "unterminated"));
}

static void test_table(void **state)
{
	(void)state;
	/* Every entry is complete, and names are unique. */
	for (const struct rd_cmd *const *c = rd_commands; *c; c++) {
		assert_non_null((*c)->name);
		assert_non_null((*c)->usage);
		assert_non_null((*c)->summary);
		assert_true((*c)->summary[0] != '\0');
		assert_non_null((*c)->exec);
		assert_ptr_equal(cmd_find((*c)->name), *c);
		for (const struct rd_cmd *const *d = c + 1; *d; d++)
			assert_string_not_equal((*c)->name, (*d)->name);
	}
	assert_null(cmd_find("nope"));
	assert_non_null(cmd_find("exit")); /* alias of quit */
}

static void test_usage_errors(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	assert_int_equal(test_run(st, "frob", &err), RD_USAGE);
	assert_non_null(strstr(err.msg, "unknown command 'frob'"));
	assert_int_equal(test_run(st, "runs --bogus", &err), RD_USAGE);
	assert_non_null(strstr(err.msg, "unknown option '--bogus'"));
	assert_int_equal(test_run(st, "runs --limit", &err), RD_USAGE);
	assert_non_null(strstr(err.msg, "needs a value"));
	assert_int_equal(test_run(st, "runs --limit=x", &err), RD_USAGE);
	assert_int_equal(test_run(st, "show", &err), RD_USAGE);
	assert_non_null(strstr(err.msg, "usage: show ID"));
	assert_int_equal(test_run(st, "show a b", &err), RD_USAGE);
	assert_int_equal(test_run(st, "list sideways", &err), RD_USAGE);
	assert_int_equal(test_run(st, "list sort shoe", &err), RD_FAILED);
	assert_int_equal(test_run(st, "", &err), RD_OK);
	assert_int_equal(test_run(st, "quit", &err), RD_QUIT);
	assert_int_equal(test_run(st, "set pii maybe", &err), RD_FAILED);
	store_close(st);
}

static void test_audit_and_read_only(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof path, "/tmp/riskdesk-unit-%d-cmd.db", (int)getpid());
	unlink(path);
	struct rd_err err = {{0}};
	struct rd_store *st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(test_run(st, "recompute all", &err), RD_OK);
	assert_int_equal(test_run(st, "runs", &err), RD_OK); /* reads are not audited */
	assert_int_equal(test_int(st, "SELECT count(*) FROM audit"), 1);
	assert_int_equal(test_int(st, "SELECT count(*) FROM audit WHERE command = 'recompute all'"
				      " AND status = 'ok' AND user != ''"),
			 1);
	store_close(st);
	st = store_open(path, STORE_READONLY, &err);
	assert_non_null(st);
	assert_int_equal(test_run(st, "recompute all", &err), RD_FAILED);
	assert_non_null(strstr(err.msg, "read-only"));
	assert_int_equal(test_run(st, "rules import x.json", &err), RD_FAILED);
	assert_non_null(strstr(err.msg, "read-only"));
	assert_int_equal(test_run(st, "rules", &err), RD_OK);
	store_close(st);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_audit_and_read_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
