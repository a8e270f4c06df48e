/* Tab completion: commands, options, subcommands, customer ids, model names, file paths,
 * the word under the cursor found as cmd_split reads the line, and values that follow the
 * type the command table declares (features, attributes, where expressions). */
#include "testutil.h"

#include "riskdesk/complete.h"

static char tmpdir[256]; /* a directory of files for the path cases */

/* The candidates for line (cursor at point, or at the end when point < 0) joined by '|',
 * and the word's start. */
static char *complete(struct rd_store *st, const char *line, int point, int max, int *start)
{
	struct rd_buf b = {0};
	int ws = -1;
	char **c = complete_line(st, line, point < 0 ? (int)strlen(line) : point, max, &ws);
	assert_non_null(c);
	for (char **p = c; *p; p++) {
		if (p != c)
			buf_putc(&b, '|');
		buf_puts(&b, *p);
	}
	complete_free(c);
	if (start)
		*start = ws;
	return b.data ? buf_steal(&b) : rd_strdup("");
}

static void check_at(struct rd_store *st, const char *line, int point, int max, const char *want,
		     int want_start)
{
	int start;
	char *got = complete(st, line, point, max, &start);
	if (strcmp(got, want) != 0)
		fail_msg("complete '%s':\n  got      %s\n  expected %s", line, got, want);
	if (want_start >= 0 && start != want_start)
		fail_msg("complete '%s': word starts at %d, expected %d", line, start, want_start);
	free(got);
}

static void check(struct rd_store *st, const char *line, const char *want)
{
	check_at(st, line, -1, 100, want, -1);
}

/* A store with a few customers and models. */
static struct rd_store *make_store(void)
{
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	if (store_exec(st,
		       "INSERT INTO customers(id, name) VALUES ('C001', 'a'), ('C002', 'b'),"
		       " ('C010', 'c'), ('C100', 'd'), ('D001', 'e'), ('c001', 'f');"
		       "INSERT INTO models(name, version, algo, status, spec, created_at) VALUES"
		       " ('xgb_main', 1, 'xgb', 'challenger', '{}', '2025'),"
		       " ('xgb_main', 2, 'xgb', 'champion', '{}', '2025'),"
		       " ('logit_new', 1, 'logit', 'challenger', '{}', '2025')",
		       &err))
		fail_msg("%s", err.msg);
	return st;
}

static void touch(const char *rel)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", tmpdir, rel);
	FILE *f = fopen(p, "w");
	if (!f)
		fail_msg("cannot write %s", p);
	fclose(f);
}

static int setup_dir(void **state)
{
	(void)state;
	char p[512];
	snprintf(tmpdir, sizeof tmpdir, "/tmp/riskdesk-complete-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	touch("a.csv");
	touch("ab.json");
	touch(".hidden");
	touch("my file.csv");
	touch("it's.csv");
	snprintf(p, sizeof p, "%s/data", tmpdir);
	mkdir(p, 0700);
	snprintf(p, sizeof p, "%s/.config", tmpdir);
	mkdir(p, 0700);
	touch("data/orders.csv");
	return 0;
}

static int teardown_dir(void **state)
{
	(void)state;
	static const char *const files[] = {"a.csv",    "ab.json",         ".hidden", "my file.csv",
					    "it's.csv", "data/orders.csv", "data",    ".config"};
	char p[512];
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		snprintf(p, sizeof p, "%s/%s", tmpdir, files[i]);
		remove(p);
	}
	return rmdir(tmpdir);
}

static void test_commands(void **state)
{
	(void)state;
	/* names and aliases, sorted */
	check(NULL, "he", "help");
	check(NULL, "hist", "history");
	check(NULL, "ex", "exit|export");
	check(NULL, "  r", "recompute|refresh|request|requests|rescore|retire|rules|runs");
	check(NULL, "  rec", "recompute");
	check(NULL, "  re", "recompute|refresh|request|requests|rescore|retire");
	check(NULL, "zz", "");
	char *all = complete(NULL, "", -1, 100, NULL);
	assert_non_null(strstr(all,
			       "audit|bins|cancel|cleanup|decide|decisions|drift|exit|export|"
			       "filter|gen|help|history|label|"
			       "list|load|model|models|pane|policy|promote|prompt|quit|recompute"));
	free(all);
	/* capped */
	check_at(NULL, "", -1, 3, "audit|bins|cancel", 0);
	check_at(NULL, "", -1, 0, "", 0);
	/* the word under the cursor, in the middle of the line */
	check_at(NULL, "sh C001", 2, 100, "show", 0);
	/* a comment completes nothing */
	check(NULL, "#he", "");
}

static void test_options(void **state)
{
	(void)state;
	check(NULL, "load --", "--delim|--map|--skip-bad");
	check(NULL, "load customers x.csv --s", "--skip-bad");
	check(NULL, "gen /tmp/x --", "--customers|--drift|--force|--months|--seed");
	check(NULL, "runs -", "--limit");
	check(NULL, "show --", "");
	check(NULL, "frobnicate --", "");
}

static void test_subcommands(void **state)
{
	(void)state;
	check(NULL, "rules ", "export|import");
	check(NULL, "rules im", "import");
	check(NULL, "policy ", "export|import");
	check(NULL, "rescore ", "pending");
	check(NULL, "rescore pending --", "--as-of|--limit");
	check(NULL, "score --",
	      "--amount|--as-of|--customer|--debt|--income|--out|--request|--term");
	check(NULL, "export ", "customers|drift|history|profiles");
	check(NULL, "export h", "history");
	check(NULL, "list ", "limit|sort|where");
	check(NULL, "list sort ", "band|id|last_activity|name|pd|score|segment");
	check(NULL, "list sort s", "score|segment");
	check(NULL, "list sort score ", "asc|desc|limit|where");
	check(NULL, "list sort score d", "desc");
	check(NULL, "list where band=E ", "and|limit|or|sort");
	check(NULL, "list where ba", "band");
	check(NULL, "list limit ", "");
	check(NULL, "list limit 5 sort pd desc ", "where");
	check(NULL, "source ", "add|attempts|list|remove");
	check(NULL, "source add x --", "--command|--limit|--timeout|--ttl");
	check(NULL, "refresh ", "stale");
	check(NULL, "refresh stale --", "--jobs|--source|--ttl");
	check(NULL, "cleanup ", "history|snapshots");
	check(NULL, "cleanup history --o", "--older-than");
	check(NULL, "bins x --", "--export");
	check(NULL, "train x --b", "--bands|--bins");
	check(NULL, "set ", "as-of|lock-timeout|pii");
	check(NULL, "set pii ", "off|on");
	check(NULL, "set as-of ", "latest");
	check(NULL, "help ",
	      "audit|bins|cancel|cleanup|decide|decisions|drift|exit|export|filter|gen|help|"
	      "history|keys|label|list|load|model|models|pane|policy|promote|prompt|quit|recompute|"
	      "refresh|request|requests|rescore|retire|rules|runs|score|search|select|set|show|"
	      "snapshot|snapshots|sort|source|status|strategy|swapset|theme|train|vacuum|whatif|"
	      "zoom");
	/* the review queue's words (issue 13, item 6) */
	check(NULL, "requests --status ", "approved|declined|pending|referred");
	check(NULL, "decide R1 ", "approve|decline");
	check(NULL, "decisions --by ", "band|kind|segment");
	/* the console's commands */
	/* the console's sorts: its columns and the features */
	check(NULL, "sort ",
	      "amount_std|avg_order_value|band|cancel_rate|cod_share|failed_payment_rate|"
	      "frequency_90d|id|last_activity|monetary_90d|name|orders_cancelled|orders_delivered|"
	      "orders_returned|orders_total|payments_failed|payments_total|pd|recency_days|"
	      "return_rate|score|segment|tenure_days|total_spend");
	check(NULL, "sort re", "recency_days|return_rate");
	check(NULL, "sort score ", "asc|desc");
	check(NULL, "pane m", "models");
	check(NULL, "help th", "theme");
	check(NULL, "theme ", "dark|default|light|mono");
	check(NULL, "theme d", "dark|default");
	check(NULL, "quit ", "");
	check(NULL, "show C001 ", "");
	check(NULL, "drift ", "baseline");
	check(NULL, "label ", "clear|proxy");
	check(NULL, "label proxy --c", "--clusters");
	check(NULL, "drift --by ", "month");
	check(NULL, "snapshot --", "--from|--monthly|--to");
	check(NULL, "train x --algo ", "logit|rf|scorecard|xgb");
	check(NULL, "train x --segment e", "existing");
}

static void test_ids(void **state)
{
	(void)state;
	struct rd_store *st = make_store();
	check(st, "show C0", "C001|C002|C010");
	check(st, "show C00", "C001|C002");
	check(st, "select C00", "C001|C002");
	check(st, "history c", "c001");
	check(st, "show ", "C001|C002|C010|C100|D001|c001");
	check(st, "show X", "");
	check(st, "recompute ", "C001|C002|C010|C100|D001|all|c001|changed|where");
	check(st, "recompute a", "all");
	check(st, "recompute C1", "C100");
	/* the cap leaves room for the words */
	check_at(st, "recompute ", -1, 4, "C001|all|changed|where", 10);
	check_at(st, "show ", -1, 2, "C001|C002", 5);
	/* no store: no ids */
	check(NULL, "show C0", "");
	store_close(st);
}

static void test_models(void **state)
{
	(void)state;
	struct rd_store *st = make_store();
	check(st, "train ", "logit_new|rules|xgb_main");
	check(st, "promote x", "xgb_main");
	check(st, "retire l", "logit_new");
	check(st, "model ", "check|export|import|logit_new|rules|xgb_main");
	check(st, "model export r", "rules");
	check(st, "model check x", "xgb_main");
	check(st, "drift --model x", "xgb_main");
	check(NULL, "train ", "");
	store_close(st);
}

static void test_paths(void **state)
{
	(void)state;
	char line[1024], want[2048];
	const char *d = tmpdir;
	int len = (int)strlen(d);

	snprintf(line, sizeof line, "load customers %s/", d);
	snprintf(want, sizeof want, "%s/a.csv|%s/ab.json|%s/data/|%s/it\\'s.csv|%s/my\\ file.csv",
		 d, d, d, d, d);
	check_at(NULL, line, -1, 100, want, 15);

	snprintf(line, sizeof line, "load customers %s/a", d);
	snprintf(want, sizeof want, "%s/a.csv|%s/ab.json", d, d);
	check(NULL, line, want);

	/* hidden entries only when asked for */
	snprintf(line, sizeof line, "export profiles %s/.", d);
	snprintf(want, sizeof want, "%s/.config/|%s/.hidden", d, d);
	check(NULL, line, want);

	snprintf(line, sizeof line, "rules import %s/data/", d);
	snprintf(want, sizeof want, "%s/data/orders.csv", d);
	check(NULL, line, want);
	snprintf(line, sizeof line, "rules export %s/da", d);
	snprintf(want, sizeof want, "%s/data/", d);
	check(NULL, line, want);

	/* load DIR lists directories beside the tables */
	snprintf(line, sizeof line, "load %s/", d);
	snprintf(want, sizeof want, "%s/data/", d);
	check(NULL, line, want);
	check(NULL, "load cu", "customers");

	/* --map FILE and --map=FILE */
	snprintf(line, sizeof line, "load customers x.csv --map %s/ab", d);
	snprintf(want, sizeof want, "%s/ab.json", d);
	check(NULL, line, want);
	snprintf(line, sizeof line, "load customers x.csv --map=%s/ab", d);
	snprintf(want, sizeof want, "--map=%s/ab.json", d);
	check_at(NULL, line, -1, 100, want, 21);

	/* ~/ is looked up in $HOME and stays as typed */
	char *home = getenv("HOME") ? rd_strdup(getenv("HOME")) : NULL;
	setenv("HOME", d, 1);
	check(NULL, "export customers ~/a", "~/a.csv|~/ab.json");
	check(NULL, "export customers ~/data/", "~/data/orders.csv");
	check(NULL, "export customers ~", "~/");
	if (home)
		setenv("HOME", home, 1);
	else
		unsetenv("HOME");
	free(home);

	/* a file where none can be */
	snprintf(line, sizeof line, "show %s/", d);
	check(NULL, line, "");
	snprintf(line, sizeof line, "export profiles x.csv %s/", d);
	check(NULL, line, "");
	(void)len;
}

static void test_quoting(void **state)
{
	(void)state;
	char line[1024], want[2048];
	const char *d = tmpdir;
	/* a double-quoted word: candidates in the same quotes, closed when complete */
	snprintf(line, sizeof line, "load customers \"%s/my", d);
	snprintf(want, sizeof want, "\"%s/my file.csv\"", d);
	check_at(NULL, line, -1, 100, want, 15);
	/* a directory stays open to go on */
	snprintf(line, sizeof line, "load customers \"%s/d", d);
	snprintf(want, sizeof want, "\"%s/data/", d);
	check(NULL, line, want);
	/* single quotes; a quote inside falls back to backslashes */
	snprintf(line, sizeof line, "load customers '%s/my", d);
	snprintf(want, sizeof want, "'%s/my file.csv'", d);
	check(NULL, line, want);
	snprintf(line, sizeof line, "load customers '%s/it", d);
	snprintf(want, sizeof want, "%s/it\\'s.csv", d);
	check(NULL, line, want);
	/* an escaped blank is part of the word */
	snprintf(line, sizeof line, "load customers %s/my\\ f", d);
	snprintf(want, sizeof want, "%s/my\\ file.csv", d);
	check_at(NULL, line, -1, 100, want, 15);
	/* a quoted blank does not end the word; quoted words before are read as cmd_split does */
	snprintf(line, sizeof line, "load \"customers\" \"%s/\"my", d);
	snprintf(want, sizeof want, "\"%s/my file.csv\"", d);
	check_at(NULL, line, -1, 100, want, 17);
	/* every file candidate reads back, through cmd_split, as the file's name */
	static const char *const typed[] = {"%s/my", "\"%s/my", "'%s/my",
					    "%s/it", "'%s/it",  "\"%s/it"};
	for (size_t i = 0; i < sizeof typed / sizeof *typed; i++) {
		char word[600];
		snprintf(word, sizeof word, typed[i], d);
		snprintf(line, sizeof line, "export profiles %s", word);
		char **c = complete_line(NULL, line, (int)strlen(line), 10, NULL);
		assert_non_null(c[0]);
		assert_null(c[1]);
		snprintf(line, sizeof line, "export profiles %s", c[0]);
		int argc;
		char **argv;
		assert_int_equal(cmd_split(line, &argc, &argv, NULL), 0);
		assert_int_equal(argc, 3);
		snprintf(want, sizeof want,
			 strstr(typed[i], "my") ? "%s/my file.csv" : "%s/it's.csv", d);
		assert_string_equal(argv[2], want);
		cmd_argv_free(argv);
		complete_free(c);
	}
	check(NULL, "set 'pii' o", "off|on");
	check(NULL, "\"he", "\"help\"");
	check(NULL, "load \"cus", "\"customers\"");
}

/* A store whose models carry references (their features) and whose customers have
 * attributes. */
static struct rd_store *make_typed_store(void)
{
	struct rd_store *st = make_store();
	struct rd_err err = {{0}};
	if (store_exec(
		    st,
		    "UPDATE models SET status = 'retired' WHERE name = 'rules';"
		    "UPDATE models SET reference = '{\"features\": [{\"name\": \"return_rate\"},"
		    " {\"name\": \"orders_total\"}, {\"name\": \"checking_status\"}]}'"
		    " WHERE name = 'xgb_main' AND version = 2;"
		    "UPDATE models SET reference = '{\"features\": [{\"name\": \"tenure_days\"}]}'"
		    " WHERE name = 'logit_new';"
		    "UPDATE models SET reference = 'not json' WHERE name = 'xgb_main' AND version "
		    "= 1;"
		    "INSERT INTO attributes(name, type) VALUES ('checking_status', 'categorical'),"
		    " ('credit_amount', 'numeric'), ('Credit Amount', 'numeric')",
		    &err))
		fail_msg("%s", err.msg);
	return st;
}

/* An option's value and a positional follow the type the command table gives them. */
static void test_types(void **state)
{
	(void)state;
	struct rd_store *st = make_typed_store();
	/* drift --feature: the champions' inputs (score too), or --model's */
	check(st, "drift --feature ", "checking_status|orders_total|return_rate|score");
	check(st, "drift --feature r", "return_rate");
	check(st, "drift --feature=o", "--feature=orders_total");
	check(st, "drift --model logit_new --feature ", "score|tenure_days");
	check(st, "drift --model=xgb_main@1 --feature ", "score");
	check(st, "drift --model xgb_main@2 --feature t", "");
	check(NULL, "drift --feature ", "score");
	check(st, "drift --model ", "logit_new|rules|xgb_main");
	/* a list of columns: the item after the last comma */
	check(st, "train x --features orders_total,ret", "orders_total,return_rate");
	check(st, "train x --features che", "checking_status");
	check(st, "train x --features=tenure_days,cr", "--features=tenure_days,credit_amount");
	check(st, "train x --features return_rate,ki",
	      "return_rate,kind"); /* the customer's kind */
	check(NULL, "train x --segment ", "all|company|existing|individual|new");
	check(NULL, "load cr", "credit_requests");
	check(NULL, "load ex", "external_records");
	check(NULL, "train x --reasons ", "approx|shap");
	check(st, "recompute --id C00", "C001|C002");
	check(NULL, "help k", "keys");
	store_close(st);
}

/* Where expressions (list, recompute, filter): field, feature and attribute names, the
 * values of a field with a closed list, then and / or and the next clause. */
static void test_expressions(void **state)
{
	(void)state;
	struct rd_store *st = make_typed_store();
	check(st, "list where che", "checking_status");
	check(st, "list where cr", "created_at|credit_amount");
	check(st, "list where Cr", ""); /* not a word: left out */
	check(st, "train x --features Cr", "Credit\\ Amount");
	check(st, "list where band=E and che", "checking_status");
	check(st, "list where (che", "(checking_status");
	check(st, "list where not che", "checking_status");
	check(NULL, "list where ret", "return_rate");
	check(NULL, "list where ris", "risk_level");
	check(NULL, "list where em", ""); /* personal: refused unless pii is on */
	check(NULL, "list where band=", "band=A|band=B|band=C|band=D|band=E");
	check(NULL, "list where band = ", "A|B|C|D|E");
	check(NULL, "list where segment=n", "segment=new");
	check(NULL, "list where risk_level in (LOW, ", "CRITICAL|HIGH|LOW|MEDIUM");
	check(NULL, "list where score is ", "not|null");
	check(NULL, "list where score is null ", "and|limit|or|sort");
	check(NULL, "list where kind not ", "in");
	check(NULL, "list where score < 500 ", "and|limit|or|sort");
	check(NULL, "list where score < 500 o", "or");
	check(NULL, "list where score < 500 so", "sort");
	check(NULL, "list where score < 500 sort ", "band|id|last_activity|name|pd|score|segment");
	check(NULL, "list sort pd where seg", "segment");
	check(NULL, "list where name ~ 'a b' ", "and|limit|or|sort");
	check(NULL, "recompute where kind=", "kind=company|kind=individual");
	check(NULL, "recompute where band=E ", "and|or");
	check(NULL, "filter seg", "segment");
	check(NULL, "filter band=E a", "and");
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commands),    cmocka_unit_test(test_options),
		cmocka_unit_test(test_subcommands), cmocka_unit_test(test_ids),
		cmocka_unit_test(test_models),      cmocka_unit_test(test_paths),
		cmocka_unit_test(test_quoting),     cmocka_unit_test(test_types),
		cmocka_unit_test(test_expressions),
	};
	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
