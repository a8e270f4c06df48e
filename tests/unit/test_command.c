/* The command table: splitting, options, usage errors, read-only, audit. */
#include "testutil.h"

#include "riskdesk/browse.h"
#include "riskdesk/expr.h"
#include "riskdesk/performance.h"
#include "riskdesk/tune.h"
#include "riskdesk/vocab.h"
#include "riskdesk/xgb.h"

/* Whether a line writes: the command, a writing subcommand, or a writing option in either
 * spelling (`--cutoff 600`, `--cutoff=600`); a look-alike option does not. */
static void test_line_writes(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		int writes;
	} cases[] = {
		{"strategy sc", 0},
		{"strategy sc --step 5", 0},
		{"strategy sc --cutoff 600", 1},
		{"strategy sc --cutoff=600", 1},
		{"strategy sc --cutoffs 600", 0},
		{"rules export x.json", 0},
		{"rules import x.json", 1},
		{"recompute all", 1},
		{"show C0001", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int argc;
		char **argv;
		struct rd_err err = {{0}};
		assert_int_equal(cmd_split(cases[i].line, &argc, &argv, &err), 0);
		const struct rd_cmd *cmd = cmd_find(argv[0]);
		assert_non_null(cmd);
		if (cmd_line_writes(cmd, argc, (const char *const *)argv) != cases[i].writes)
			fail_msg("%s: writes should be %d", cases[i].line, cases[i].writes);
		cmd_argv_free(argv);
	}
}

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
	const char *words[] = {"recompute",  "--id",      "all",
			       "zz O'Brien", "",          "#not a comment",
			       "a\\b",       "tab\there", "line\nbreak",
			       "\"dq\"",     "'",         "''",
			       "--json",     "x y z",     "C0001",
			       "é ü",        "\\",        "where",
			       "band=E"};
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
		{"help", big},
		{"set", "pii", big},
		{"set", "as-of", big},
		{"set", big, "1"},
		{"theme", big},
		{"export", big, "f.csv"},
		{"runs", "--limit", big},
		{"gen", "d", "--customers", big},
		{"drift", "--since", big},
		{"drift", "--model", big},
		{"show", big},
		{"history", big},
		{"recompute", "--id", big},
		{big},
	};
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		int argc = 0;
		while (argc < 4 && forms[i][argc])
			argc++;
		char *line = cmd_join(argc, forms[i]);
		assert_int_not_equal(test_run(st, line, &err), RD_OK);
		free(line);
		if (strlen(err.msg) > 400 || !strstr(err.msg, "(100000 bytes)"))
			fail_msg("%s: %.200s... (%zu bytes)",
				 forms[i][0] == big ? "command" : forms[i][0], err.msg,
				 strlen(err.msg));
	}
	free(big);
	store_close(st);
}

/* What the console's hooks were asked (a stand-in console). */
struct fake_console {
	char what[32];
	char arg[256];
	int num, flag;
	int fail;
};

static int fake_select(void *ud, struct rd_ctx *ctx, const char *id, int show)
{
	struct fake_console *f = ud;
	(void)ctx;
	snprintf(f->what, sizeof f->what, "select");
	snprintf(f->arg, sizeof f->arg, "%s", id);
	f->flag = show;
	return 0;
}

static int fake_filter(void *ud, struct rd_ctx *ctx, const char *text, struct rd_expr *e)
{
	struct fake_console *f = ud;
	(void)ctx;
	snprintf(f->what, sizeof f->what, "filter");
	snprintf(f->arg, sizeof f->arg, "%s", text);
	f->flag = e != NULL;
	expr_free(e);
	return 0;
}

static int fake_search(void *ud, struct rd_ctx *ctx, const char *text, int dir)
{
	struct fake_console *f = ud;
	snprintf(f->what, sizeof f->what, "search");
	snprintf(f->arg, sizeof f->arg, "%s", text ? text : "(last)");
	f->num = dir;
	if (f->fail)
		rd_err_set(&ctx->err, "no customer starts with %s", text);
	return f->fail ? -1 : 0;
}

static int fake_sort(void *ud, struct rd_ctx *ctx, int key, int desc)
{
	struct fake_console *f = ud;
	(void)ctx;
	snprintf(f->what, sizeof f->what, "sort");
	f->num = key;
	f->flag = desc;
	return 0;
}

static int fake_zoom(void *ud, struct rd_ctx *ctx)
{
	struct fake_console *f = ud;
	(void)ctx;
	snprintf(f->what, sizeof f->what, "zoom");
	return 0;
}

static int fake_pane(void *ud, struct rd_ctx *ctx, int pane)
{
	struct fake_console *f = ud;
	(void)ctx;
	snprintf(f->what, sizeof f->what, "pane");
	f->num = pane;
	return 0;
}

static int fake_theme(void *ud, struct rd_ctx *ctx, const char *name)
{
	struct fake_console *f = ud;
	(void)ctx;
	snprintf(f->what, sizeof f->what, "theme");
	snprintf(f->arg, sizeof f->arg, "%s", name);
	return 0;
}

static int fake_cancel(void *ud, struct rd_ctx *ctx)
{
	struct fake_console *f = ud;
	(void)ctx;
	snprintf(f->what, sizeof f->what, "cancel");
	return 0;
}

static int fake_prompt(void *ud, struct rd_ctx *ctx, const char *text)
{
	struct fake_console *f = ud;
	(void)ctx;
	snprintf(f->what, sizeof f->what, "prompt");
	snprintf(f->arg, sizeof f->arg, "%s", text);
	return 0;
}

static struct rd_store *one_customer_store(void)
{
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	const char csv[] = "id,name,email,phone,kind,created_at\n"
			   "C1,Ann Lee,a@x.org,,individual,2025-01-01\n";
	char *load = cmd_join(3, (const char *const[]){"load", "customers",
						       test_file("one.csv", csv, sizeof csv - 1)});
	assert_int_equal(test_run(st, load, &err), RD_OK);
	free(load);
	return st;
}

/* The console-only commands reach the console through its hooks, with their arguments as
 * data; `show` and `theme` too. Without hooks (batch) they check and do nothing. */
static void test_console_hooks(void **state)
{
	(void)state;
	struct rd_store *st = one_customer_store();
	struct fake_console f;
	memset(&f, 0, sizeof f);
	const struct rd_console_hooks hooks = {&f,          fake_select, fake_filter, fake_search,
					       fake_sort,   fake_zoom,   fake_pane,   fake_theme,
					       fake_cancel, fake_prompt};
	struct rd_sink *sink = sink_null_new();
	struct rd_ctx ctx;
	ctx_init(&ctx, st, sink);
	ctx.console = &hooks;
	/* A key's prompt (A in the Requests pane): the words after -- as one line that splits
	 * back into them, and a blank to type on. */
	assert_int_equal(cmd_run_line(&ctx, "prompt -- decide \"R 1'\" approve --note"), RD_OK);
	assert_string_equal(f.what, "prompt");
	assert_string_equal(f.arg, "decide 'R 1'\\''' approve --note ");
	assert_int_equal(cmd_run_line(&ctx, "prompt nonsense"), RD_FAILED);
	assert_int_equal(cmd_run_line(&ctx, "select C1"), RD_OK);
	assert_string_equal(f.what, "select");
	assert_string_equal(f.arg, "C1");
	assert_int_equal(f.flag, 0);
	assert_int_equal(cmd_run_line(&ctx, "show C1"), RD_OK);
	assert_string_equal(f.what, "select");
	assert_int_equal(f.flag, 1);
	memset(&f, 0, sizeof f);
	assert_int_equal(cmd_run_line(&ctx, "select C2"), RD_FAILED);
	assert_string_equal(ctx.err.msg, "select: no customer 'C2'");
	assert_string_equal(f.what, ""); /* the console was not asked */
	/* A filter typed at the prompt keeps its quotes; one quoted word (how the `f` prompt
	 * passes what was typed, cmd_join) is that word. */
	assert_int_equal(cmd_run_line(&ctx, "filter name ~ \"Ann L\""), RD_OK);
	assert_string_equal(f.arg, "name ~ \"Ann L\"");
	assert_int_equal(f.flag, 1);
	char *line = cmd_join(2, (const char *const[]){"filter",
						       "name ~ 'Ann L' and kind=individual"});
	assert_int_equal(cmd_run_line(&ctx, line), RD_OK);
	free(line);
	assert_string_equal(f.arg, "name ~ 'Ann L' and kind=individual");
	assert_int_equal(cmd_run_line(&ctx, "filter"), RD_OK);
	assert_string_equal(f.arg, "");
	assert_int_equal(f.flag, 0); /* cleared */
	assert_int_equal(cmd_run_line(&ctx, "filter band="), RD_FAILED);
	assert_int_equal(cmd_run_line(&ctx, "filter email ~ x"), RD_FAILED); /* pii is off */
	assert_int_equal(cmd_run_line(&ctx, "search Ann Lee"), RD_OK);
	assert_string_equal(f.what, "search");
	assert_string_equal(f.arg, "Ann Lee");
	assert_int_equal(f.num, CMD_SEARCH_AT);
	/* n and N: the next or previous match of the last search, or of a new text */
	assert_int_equal(cmd_run_line(&ctx, "search --next"), RD_OK);
	assert_string_equal(f.arg, "(last)");
	assert_int_equal(f.num, CMD_SEARCH_NEXT);
	assert_int_equal(cmd_run_line(&ctx, "search --previous Bo"), RD_OK);
	assert_string_equal(f.arg, "Bo");
	assert_int_equal(f.num, CMD_SEARCH_PREVIOUS);
	assert_int_equal(cmd_run_line(&ctx, "search"), RD_USAGE);
	assert_int_equal(cmd_run_line(&ctx, "search --next --previous x"), RD_USAGE);
	f.fail = 1;
	assert_int_equal(cmd_run_line(&ctx, "search Bob"), RD_FAILED);
	assert_string_equal(ctx.err.msg, "no customer starts with Bob");
	f.fail = 0;
	assert_int_equal(cmd_run_line(&ctx, "sort score desc"), RD_OK);
	assert_string_equal(f.what, "sort");
	assert_int_equal(f.num, BROWSE_BY_SCORE);
	assert_int_equal(f.flag, 1);
	assert_int_equal(cmd_run_line(&ctx, "sort name asc"), RD_OK);
	assert_int_equal(f.num, BROWSE_BY_NAME);
	assert_int_equal(f.flag, 0);
	assert_int_equal(cmd_run_line(&ctx, "sort pd"), RD_OK); /* every column (issue 12) */
	assert_int_equal(f.num, BROWSE_BY_PD);
	assert_int_equal(cmd_run_line(&ctx, "sort return_rate desc"), RD_OK); /* a feature */
	assert_int_equal(f.num, BROWSE_BY_FEATURE + FEAT_RETURN_RATE);
	assert_int_equal(cmd_run_line(&ctx, "sort activity"), RD_OK);
	assert_int_equal(f.num, BROWSE_BY_ACTIVITY);
	assert_int_equal(cmd_run_line(&ctx, "sort frob"), RD_FAILED);
	assert_int_equal(cmd_run_line(&ctx, "sort id up"), RD_FAILED);
	assert_int_equal(cmd_run_line(&ctx, "zoom"), RD_OK);
	assert_string_equal(f.what, "zoom");
	assert_int_equal(cmd_run_line(&ctx, "pane models"), RD_OK);
	assert_int_equal(f.num, 4);
	assert_string_equal(rd_console_panes[f.num], "models");
	assert_int_equal(cmd_run_line(&ctx, "pane previous"), RD_OK);
	assert_int_equal(f.num, CMD_PANE_PREVIOUS);
	assert_int_equal(cmd_run_line(&ctx, "pane frob"), RD_FAILED);
	assert_int_equal(cmd_run_line(&ctx, "theme dark"), RD_OK);
	assert_string_equal(f.what, "theme");
	assert_string_equal(f.arg, "dark");
	assert_int_equal(cmd_run_line(&ctx, "cancel"), RD_OK);
	assert_string_equal(f.what, "cancel");
	assert_int_equal(cmd_run_line(&ctx, "cancel now"), RD_USAGE);
	/* Batch: no hooks; the arguments are still checked. */
	ctx.console = NULL;
	memset(&f, 0, sizeof f);
	assert_int_equal(cmd_run_line(&ctx, "select C1"), RD_OK);
	assert_int_equal(cmd_run_line(&ctx, "select C2"), RD_FAILED);
	assert_int_equal(cmd_run_line(&ctx, "filter band=E"), RD_OK);
	assert_int_equal(cmd_run_line(&ctx, "sort pd"), RD_OK);
	assert_int_equal(cmd_run_line(&ctx, "sort frob"), RD_FAILED);
	assert_int_equal(cmd_run_line(&ctx, "zoom"), RD_OK);
	assert_int_equal(cmd_run_line(&ctx, "pane frob"), RD_FAILED);
	assert_int_equal(cmd_run_line(&ctx, "cancel"), RD_OK);
	assert_string_equal(f.what, "");
	sink_free(sink);
	store_close(st);
}

/* Every key of the console is a command line of the table (its {words} filled in) that
 * parses, in a pane that exists (or the help); no key is bound twice in one place. */
static void test_key_bindings(void **state)
{
	(void)state;
	struct rd_store *st = one_customer_store();
	struct fake_console f;
	memset(&f, 0, sizeof f);
	const struct rd_console_hooks hooks = {&f,          fake_select, fake_filter, fake_search,
					       fake_sort,   fake_zoom,   fake_pane,   fake_theme,
					       fake_cancel, fake_prompt};
	struct rd_sink *sink = sink_null_new();
	struct rd_ctx ctx;
	ctx_init(&ctx, st, sink);
	ctx.console = &hooks;
	static const char *const values[][2] = {
		{"{customer}", "C1"},    {"{model}", "rules@1"}, {"{sort}", "score"},
		{"{sort-next}", "band"}, {"{sort-dir}", "asc"},  {"{sort-flip}", "desc"},
		{"{request}", "R1"},     {"{applicant}", "C1"},
	};
	int n = 0;
	for (const struct rd_key_binding *b = rd_key_bindings; b->keys; b++, n++) {
		assert_true(b->keys[0] && b->note && b->note[0]);
		if (b->pane) {
			int known = strcmp(b->pane, RD_KEYS_HELP) == 0; /* the `?` help's keys */
			for (const char *const *p = rd_console_panes; *p; p++)
				known |= strcmp(*p, b->pane) == 0;
			if (!known)
				fail_msg("%s: no pane %s", b->keys, b->pane);
		}
		/* Each key name once per place. */
		for (const struct rd_key_binding *o = rd_key_bindings; o < b; o++) {
			if ((o->pane == NULL) != (b->pane == NULL) ||
			    (o->pane && strcmp(o->pane, b->pane) != 0))
				continue;
			char ko[64], kb[64];
			snprintf(ko, sizeof ko, " %s ", o->keys);
			for (const char *k = b->keys; *k; k += strspn(k, " ")) {
				size_t len = strcspn(k, " ");
				snprintf(kb, sizeof kb, " %.*s ", (int)len, k);
				if (strstr(ko, kb))
					fail_msg("key%s bound twice", kb);
				k += len;
			}
		}
		if (!b->command)
			continue;
		int argc;
		char **argv;
		struct rd_err err = {{0}};
		assert_int_equal(cmd_split(b->command, &argc, &argv, &err), 0);
		for (int i = 0; i < argc; i++)
			for (size_t v = 0; v < sizeof values / sizeof *values; v++)
				if (strcmp(argv[i], values[v][0]) == 0) {
					free(argv[i]);
					argv[i] = strdup(values[v][1]);
				}
		char *line = cmd_join(argc, (const char *const *)argv);
		cmd_argv_free(argv);
		if (strchr(line, '{'))
			fail_msg("%s: an unknown {word} in '%s'", b->keys, b->command);
		int rc = cmd_run_line(&ctx, line);
		if (rc == RD_USAGE)
			fail_msg("%s: '%s': %s", b->keys, line, ctx.err.msg);
		free(line);
	}
	assert_true(n > 20);
	sink_free(sink);
	store_close(st);
}

/* The help text of NAME (its paragraph, or with opt its option's), which must exist. */
static const char *help_of(const char *name, const char *opt)
{
	const struct rd_cmd *c = cmd_find(name);
	assert_non_null(c);
	if (!opt) {
		if (!c->help)
			fail_msg("%s has no help paragraph", name);
		return c->help;
	}
	for (const struct rd_opt *o = c->opts; o && o->name; o++)
		if (strcmp(o->name, opt) == 0)
			return o->help;
	fail_msg("%s has no option --%s", name, opt);
	return NULL;
}

static void assert_says(const char *text, const char *what, const char *name)
{
	if (!strstr(text, what))
		fail_msg("%s's help does not say \"%s\"", name, what);
}

/* Each word of v in text as "WORD (NOTE", the note up to its own parenthesis if any. */
static void assert_says_vocab(const char *text, const struct vocab *v, const char *name)
{
	for (int i = 0; i < v->n; i++) {
		char want[256];
		const char *note = vocab_note(v, i);
		int len = (int)strcspn(note, "(");
		while (len > 0 && note[len - 1] == ' ')
			len--;
		snprintf(want, sizeof want, "%s (%.*s", vocab_name(v, i), len, note);
		assert_says(text, want, name);
	}
}

/* The help strings are static text: what they say of a vocabulary or a default must be what
 * the code has (the man page's COMMANDS section is made from them). */
static void test_help_matches_code(void **state)
{
	(void)state;
	char want[256];
	assert_says_vocab(help_of("runs", NULL), &vocab_run_status, "runs");
	assert_says_vocab(help_of("audit", NULL), &vocab_audit_status, "audit");
	snprintf(want, sizeof want, "%g by default, 0 fails at once", STORE_LOCK_TIMEOUT);
	assert_says(help_of("set", NULL), want, "set");
	assert_says(help_of("set", NULL), "Ctrl-C stops waiting", "set");
	assert_says(help_of("set", NULL), "-c 'set lock-timeout 60' -c", "set");
	assert_says(help_of("promote", NULL), vocab_note(&vocab_segment, SEGMENT_NEW), "promote");
	assert_says(help_of("retire", NULL), "rules version that serves cannot be retired",
		    "retire");
	snprintf(want, sizeof want, "1 to %d (default %d)", PERF_WINDOW_MAX, PERF_WINDOW_DEFAULT);
	assert_says(help_of("drift", "window"), want, "drift --window");
	/* rf's defaults and --tune's grid. */
	snprintf(want, sizeof want, "%d trees of depth %d", xgb_params_forest.trees,
		 xgb_params_forest.max_depth);
	assert_says(help_of("train", NULL), want, "train");
	struct tune_grid g;
	tune_grid_default(&g);
	snprintf(want, sizeof want,
		 "(default %d; with --tune, the most early stopping may reach,"
		 " default %d); rf: trees (default %d)",
		 xgb_params_default.trees, g.max_trees, xgb_params_forest.trees);
	assert_says(help_of("train", "trees"), want, "train --trees");
	struct rd_buf grid = {0};
	buf_puts(&grid, "depth=");
	for (int i = 0; i < g.ndepth; i++)
		buf_printf(&grid, "%s%d", i ? "," : "", g.depth[i]);
	buf_puts(&grid, ":eta=");
	for (int i = 0; i < g.neta; i++)
		buf_printf(&grid, "%s%g", i ? "," : "", g.eta[i]);
	buf_puts(&grid, ":min-child=");
	for (int i = 0; i < g.nmcw; i++)
		buf_printf(&grid, "%s%g", i ? "," : "", g.mcw[i]);
	buf_puts(&grid, ":subsample=");
	for (int i = 0; i < g.nsub; i++)
		buf_printf(&grid, "%s%g", i ? "," : "", g.subsample[i]);
	assert_says(help_of("train", "grid"), grid.data, "train --grid");
	buf_free(&grid);
	/* The key that recomputes one customer is the one recompute's --id names. */
	int keyed = 0;
	for (const struct rd_key_binding *b = rd_key_bindings; b->keys; b++) {
		if (!b->command || strncmp(b->command, "recompute --id ", 15) != 0)
			continue;
		snprintf(want, sizeof want, "the console's %s key uses it", b->keys);
		assert_says(help_of("recompute", "id"), want, "recompute --id");
		keyed = 1;
	}
	assert_true(keyed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_writes),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_audit_and_read_only),
		cmocka_unit_test(test_join_round_trip),
		cmocka_unit_test(test_recompute_id_is_data),
		cmocka_unit_test(test_long_values_cut),
		cmocka_unit_test(test_console_hooks),
		cmocka_unit_test(test_key_bindings),
		cmocka_unit_test(test_help_matches_code),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
