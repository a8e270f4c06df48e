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

/* cmd_join gives lines that cmd_split turns back into the same words, whatever they hold. */
static void test_join_round_trip(void **state)
{
	(void)state;
	const char *words[] = {"recompute", "--id", "all", "zz O'Brien", "", "#not a comment",
			       "a\\b", "tab\there", "line\nbreak", "\"dq\"", "'", "''", "--json",
			       "x y z", "C0001", "é ü", "\\", "where", "band=E"};
	int n = (int)(sizeof words / sizeof *words);
	char *line = cmd_join(n, words);
	int argc;
	char **argv;
	struct rd_err err = {{0}};
	assert_int_equal(cmd_split(line, &argc, &argv, &err), 0);
	assert_int_equal(argc, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(argv[i], words[i]);
	cmd_argv_free(argv);
	free(line);
	line = cmd_join(2, (const char *const[]){"show", "C0001"});
	assert_string_equal(line, "show C0001"); /* plain words stay readable in the audit */
	free(line);
}

/* `recompute --id all` is the customer called "all", not every customer. */
static void test_recompute_id_is_data(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	const char csv[] = "id,name,email,phone,kind,created_at\n"
			   "all,A,a@x.org,,individual,2025-01-01\n"
			   "where,W,w@x.org,,individual,2025-01-01\n"
			   "zz O'Brien,Z,z@x.org,,individual,2025-01-01\n";
	char *load = cmd_join(3, (const char *const[]){"load", "customers",
						       test_file("c.csv", csv, sizeof csv - 1)});
	assert_int_equal(test_run(st, load, &err), RD_OK);
	free(load);
	const char *ids[] = {"all", "where", "zz O'Brien"};
	for (int i = 0; i < 3; i++) {
		char *cmd = cmd_join(3, (const char *const[]){"recompute", "--id", ids[i]});
		assert_int_equal(test_run(st, cmd, &err), RD_OK);
		free(cmd);
		assert_int_equal(test_int(st, "SELECT count(*) FROM credit_profiles"), i + 1);
	}
	assert_int_equal(test_int(st, "SELECT count(*) FROM score_history"), 3);
	/* The audit keeps the line that reproduces the command. */
	assert_int_equal(test_int(st, "SELECT count(*) FROM audit WHERE command ="
				      " 'recompute --id ''zz O''\\''''Brien'''"),
			 1);
	assert_int_equal(test_run(st, "recompute --id all x", &err), RD_USAGE);
	assert_int_equal(test_run(st, "recompute", &err), RD_USAGE);
	assert_int_equal(test_run(st, "recompute --id nobody", &err), RD_FAILED);
	assert_non_null(strstr(err.msg, "no customer 'nobody'"));
	store_close(st);
}

/* A value the user typed is quoted cut in every error message: a 100 KB word gives a
 * readable line, not the word. */
static void test_long_values_cut(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	size_t n = 100000;
	char *big = malloc(n + 1);
	memset(big, 'x', n);
	big[n] = '\0';
	const char *const forms[][4] = {
		{"help", big}, {"set", "pii", big}, {"set", "as-of", big}, {"set", big, "1"},
		{"theme", big}, {"export", big, "f.csv"}, {"runs", "--limit", big},
		{"gen", "d", "--customers", big}, {"drift", "--since", big}, {"drift", "--model", big},
		{"show", big}, {"history", big}, {"recompute", "--id", big}, {big},
	};
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		int argc = 0;
		while (argc < 4 && forms[i][argc])
			argc++;
		char *line = cmd_join(argc, forms[i]);
		assert_int_not_equal(test_run(st, line, &err), RD_OK);
		free(line);
		if (strlen(err.msg) > 400 || !strstr(err.msg, "(100000 bytes)"))
			fail_msg("%s: %.200s... (%zu bytes)", forms[i][0] == big ? "command" : forms[i][0],
				 err.msg, strlen(err.msg));
	}
	free(big);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_audit_and_read_only),
		cmocka_unit_test(test_join_round_trip),
		cmocka_unit_test(test_recompute_id_is_data),
		cmocka_unit_test(test_long_values_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
