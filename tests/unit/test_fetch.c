/* Fetching external records (fetch.h): a call's words with the key as one argument, the
 * check of what a call printed, and fetch_run's outcomes (ok, failed, malformed, timeout,
 * output over the cap, no such program, cancelled), with no child left behind and no
 * descriptor of the store passed on. */
#include "testutil.h"

#include <errno.h>
#include <sys/wait.h>

#include "riskdesk/fetch.h"
#include "riskdesk/source.h"
#include "riskdesk/vocab.h"

static int count(char **v)
{
	int n = 0;
	while (v[n])
		n++;
	return n;
}

/* The key becomes part of exactly the words that hold {key}, whatever it holds: no word
 * is split, joined or added, nothing in the key is read (quotes, ';', '$(...)', a
 * backslash, "{key}" itself), and the program is the configured one. */
static void test_argv(void **state)
{
	(void)state;
	static const char *const tmpl[] = {"./tax.sh",           "--id",  "{key}",
					   "--tag=x{key}y{key}", "{KEY}", "{key"};
	static const char *const keys[] = {"; rm -rf x", "$(id)", "a b\tc\nd", "'\"`\\",
					   "",           "{key}", "-rf",       "*"};
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
		const char *key = keys[k];
		char **v = fetch_argv(6, tmpl, key);
		assert_int_equal(count(v), 6);
		assert_string_equal(v[0], "./tax.sh");
		assert_string_equal(v[1], "--id");
		assert_string_equal(v[2], key);
		char want[64];
		snprintf(want, sizeof want, "--tag=x%sy%s", key, key);
		assert_string_equal(v[3], want);
		assert_string_equal(v[4], "{KEY}"); /* the placeholder is exact */
		assert_string_equal(v[5], "{key");
		fetch_argv_free(v);
	}
	fetch_argv_free(NULL);
}

static void test_argv_problem(void **state)
{
	(void)state;
	assert_null(fetch_argv_problem(2, (const char *const[]){"x", "{key}"}));
	assert_null(fetch_argv_problem(2, (const char *const[]){"/bin/x", "id={key}"}));
	assert_non_null(fetch_argv_problem(0, (const char *const[]){NULL}));
	assert_non_null(fetch_argv_problem(2, (const char *const[]){"", "{key}"}));
	assert_non_null(fetch_argv_problem(1, (const char *const[]){"{key}"}));
	assert_non_null(fetch_argv_problem(2, (const char *const[]){"bin/{key}", "{key}"}));
	assert_non_null(fetch_argv_problem(2, (const char *const[]){"x", "key"}));
	const char *why = fetch_argv_problem(2, (const char *const[]){"{key}.sh", "{key}"});
	assert_non_null(strstr(why, "program"));
}

/* Stored as a JSON array and read back the same; anything else is refused. */
static void test_argv_json(void **state)
{
	(void)state;
	int argc;
	char **argv;
	struct rd_err err = {{0}};
	assert_int_equal(source_argv_parse("[\"sh\", \"a b\", \"{key}\", \"\\\"$(id)\"]", &argc,
					   &argv, &err),
			 0);
	assert_int_equal(argc, 4);
	assert_string_equal(argv[1], "a b");
	assert_string_equal(argv[3], "\"$(id)");
	assert_null(argv[4]);
	fetch_argv_free(argv);
	static const char *const bad[] = {"",       "[]", "{}", "[1]", "[\"a\", null]",
					  "\"sh\"", "[",  NULL};
	for (const char *const *b = bad; *b; b++) {
		assert_int_equal(source_argv_parse(*b, &argc, &argv, &err), -1);
		assert_null(argv);
	}
}

/* Exactly one JSON object, as the loader wants a payload. */
static void test_payload(void **state)
{
	(void)state;
	static const char *const good[] = {"{}", "{\"a\": 1}\n", "  {\"a\": {\"b\": [1, 2]}}  \n",
					   "{\"name\": \"Ünal\"}", NULL};
	for (const char *const *g = good; *g; g++)
		if (fetch_payload_problem(*g, strlen(*g)))
			fail_msg("%s: %s", *g, fetch_payload_problem(*g, strlen(*g)));
	static const struct {
		const char *text;
		size_t len;
		const char *why;
	} bad[] = {
		{"", 0, "is empty"},
		{" \n", 2, "is empty"},
		{"{\"a\": 1}{\"b\": 2}", 16, "has text after its JSON object"},
		{"{\"a\": 1}\n{\"b\": 2}\n", 18, "has text after its JSON object"},
		{"{} x", 4, "has text after its JSON object"},
		{"[{}]", 4, "is not a JSON object ({...})"},
		{"42", 2, "is not a JSON object ({...})"},
		{"{\"a\": }", 7, "is not valid JSON"},
		{"{\"a\": 1", 7, "is not valid JSON"},
		{"not json at all", 15, "is not valid JSON"},
		{"{\"a\": \"x\\u0000y\"}", 17, "holds a NUL character"},
		{"{\"a\": 1}\0", 9, "holds a NUL character"},
		{"{\"a\": \"\xff\"}", 10, "is not UTF-8"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		const char *why = fetch_payload_problem(bad[i].text, bad[i].len);
		if (!why || strcmp(why, bad[i].why) != 0)
			fail_msg("case %zu: %s, not %s", i, why ? why : "(none)", bad[i].why);
	}
}

/* ---- fetch_run ---- */

struct seen {
	int n;
	int status[16];
	char message[16][FETCH_MAX_MESSAGE + 64];
	char out[16][256];
	atomic_int *cancel_after_first;
};

static int on_done(void *ud, size_t i, const struct fetch_result *r)
{
	struct seen *s = ud;
	assert_true(i < 16);
	s->n++;
	s->status[i] = r->status;
	snprintf(s->message[i], sizeof s->message[i], "%s", r->message);
	snprintf(s->out[i], sizeof s->out[i], "%.*s", (int)r->out_len, r->out);
	assert_int_equal(strlen(r->started_at), 20);
	assert_true(r->seconds >= 0);
	if (s->cancel_after_first)
		*s->cancel_after_first = 1;
	return 0;
}

/* A call of sh -c SCRIPT with the key as $1 (the test's own program: riskdesk never adds a
 * shell). */
#define SH(script)                                                                                 \
	(char *const[])                                                                            \
	{                                                                                          \
		"/bin/sh", "-c", script, "sh", "k", NULL                                           \
	}

static void no_children_left(void)
{
	errno = 0;
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static void test_run_outcomes(void **state)
{
	(void)state;
	/* A store open beside the calls: its descriptors must not reach them. */
	char path[128];
	snprintf(path, sizeof path, "/tmp/riskdesk-unit-%d-fetch.db", (int)getpid());
	unlink(path);
	struct rd_err err = {{0}};
	struct rd_store *st = store_open(path, 0, &err);
	assert_non_null(st);
	assert_int_equal(store_side_fd(st) >= 0, 1);
	const struct fetch_call calls[] = {
		{SH("printf '{\"key\": \"%s\"}\\n' \"$1\""), 10},
		{SH("echo 'tax office down' >&2; exit 3"), 10},
		{SH("echo '{\"a\": 1}{\"b\": 2}'"), 10},
		{SH("echo 'not json'; echo 'a warning' >&2"), 10},
		{SH("trap '' TERM; echo '{}'; sleep 20"), 0.3},
		{SH("sleep 20 & wait"), 0.3},
		/* Exits at once, but what it started holds the pipe: no answer yet. */
		{SH("sleep 20 & echo '{}'"), 0.3},
		{SH("yes '{}' | head -c 100000"), 10},
		{(char *const[]){"/nonexistent/riskdesk-no-such-program", "k", NULL}, 10},
		{SH("kill -SEGV $$"), 10},
		/* Descriptors the call holds: 0, 1 and 2 only (ls's own listing aside). */
		{SH("for f in /proc/$$/fd/*; do n=${f##*/}; [ \"$n\" -gt 2 ] && readlink \"$f\";"
		    " done | grep -c fetch.db; exit 0"),
		 10},
		{SH("read x; echo \"{\\\"stdin\\\": \\\"$x\\\"}\""), 10},
	};
	size_t n = sizeof calls / sizeof *calls;
	struct seen s = {0};
	struct fetch_opts o = {.jobs = 3,
			       .max_output = 1000,
			       .grace = 0.3,
			       .done = on_done,
			       .ud = &s};
	assert_int_equal(fetch_run(calls, n, &o, &err), 0);
	assert_int_equal(s.n, (int)n);
	assert_int_equal(s.status[0], FETCH_OK);
	assert_string_equal(s.out[0], "{\"key\": \"k\"}\n");
	assert_string_equal(s.message[0], "");
	assert_int_equal(s.status[1], FETCH_FAILED);
	assert_string_equal(s.message[1], "exit 3: tax office down");
	assert_int_equal(s.status[2], FETCH_MALFORMED);
	assert_string_equal(s.message[2], "its output has text after its JSON object");
	assert_int_equal(s.status[3], FETCH_MALFORMED);
	assert_string_equal(s.message[3], "its output is not valid JSON: a warning");
	/* Ignores SIGTERM: killed a grace later; a child of it holding the pipe goes too. */
	assert_int_equal(s.status[4], FETCH_TIMEOUT);
	assert_string_equal(s.message[4], "no answer within 0.3 s: killed");
	assert_int_equal(s.status[5], FETCH_TIMEOUT);
	assert_int_equal(s.status[6], FETCH_TIMEOUT);
	assert_string_equal(s.out[6], "{}\n");
	assert_int_equal(s.status[7], FETCH_FAILED);
	assert_string_equal(s.message[7], "printed more than 1000 bytes: killed");
	assert_int_equal(s.status[8], FETCH_FAILED);
	assert_string_equal(s.message[8], "cannot run /nonexistent/riskdesk-no-such-program: No"
					  " such file or directory");
	assert_int_equal(s.status[9], FETCH_FAILED);
	assert_string_equal(s.message[9], "killed by signal 11");
	/* The database's descriptors are close-on-exec (SQLite's and ours): none is open in the
	 * call, which printed the count (and is malformed for it). */
	assert_string_equal(s.out[10], "0\n");
	/* stdin is /dev/null: read gets nothing. */
	assert_int_equal(s.status[11], FETCH_OK);
	assert_string_equal(s.out[11], "{\"stdin\": \"\"}\n");
	no_children_left();
	store_close(st);
	unlink(path);
	snprintf(path + strlen(path), 16, "-riskdesk");
	unlink(path);
}

/* Messages are one line of UTF-8, cut to FETCH_MAX_MESSAGE bytes. */
static void test_run_message(void **state)
{
	(void)state;
	const struct fetch_call calls[] = {
		{SH("printf 'line one\\n\\tline\\033two \\377 end\\n' >&2; exit 1"), 10},
		{SH("i=0; while [ $i -lt 400 ]; do printf 'éé' >&2; i=$((i+1)); done; exit 1"), 10},
	};
	struct seen s = {0};
	struct rd_err err = {{0}};
	struct fetch_opts o = {.jobs = 2, .done = on_done, .ud = &s};
	assert_int_equal(fetch_run(calls, 2, &o, &err), 0);
	assert_string_equal(s.message[0], "exit 1: line one line two ? end");
	assert_true(strlen(s.message[1]) <= FETCH_MAX_MESSAGE + strlen("…"));
	assert_non_null(strstr(s.message[1], "exit 1: éé"));
	assert_true(utf8_valid(s.message[1], strlen(s.message[1])));
	size_t len = strlen(s.message[1]);
	assert_string_equal(s.message[1] + len - strlen("…"), "…");
	no_children_left();
}

/* Cancelled while calls run: those running are killed and reported cancelled, the rest
 * never start; no child is left. */
static void test_run_cancel(void **state)
{
	(void)state;
	atomic_int cancel = 0;
	char *const *quick = SH("echo '{}'"), *const *slow = SH("sleep 20");
	struct fetch_call calls[6];
	for (int i = 0; i < 6; i++)
		calls[i] = (struct fetch_call){i == 0 ? quick : slow, 60};
	struct seen s = {.cancel_after_first = &cancel};
	struct rd_err err = {{0}};
	struct fetch_opts o = {.jobs = 2,
			       .grace = 0.2,
			       .cancel = &cancel,
			       .done = on_done,
			       .ud = &s};
	assert_int_equal(fetch_run(calls, 6, &o, &err), 1);
	assert_int_equal(s.status[0], FETCH_OK);
	/* The first ended first and set the flag: the second was running, no other started. */
	assert_int_equal(s.n, 2);
	assert_int_equal(s.status[1], FETCH_CANCELLED);
	assert_string_equal(s.message[1], "cancelled");
	no_children_left();
}

static int stop_at_once(void *ud, size_t i, const struct fetch_result *r)
{
	(void)i;
	(void)r;
	(*(int *)ud)++;
	return 1;
}

/* done failing stops everything: the calls running are killed and reaped, unreported. */
static void test_run_stopped(void **state)
{
	(void)state;
	struct fetch_call calls[3] = {{SH("echo '{}'"), 60},
				      {SH("sleep 20"), 60},
				      {SH("sleep 20"), 60}};
	int reports = 0;
	struct rd_err err = {{0}};
	struct fetch_opts o = {.jobs = 3, .done = stop_at_once, .ud = &reports};
	assert_int_equal(fetch_run(calls, 3, &o, &err), -1);
	assert_int_equal(reports, 1);
	no_children_left();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_argv),         cmocka_unit_test(test_argv_problem),
		cmocka_unit_test(test_argv_json),    cmocka_unit_test(test_payload),
		cmocka_unit_test(test_run_outcomes), cmocka_unit_test(test_run_message),
		cmocka_unit_test(test_run_cancel),   cmocka_unit_test(test_run_stopped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
