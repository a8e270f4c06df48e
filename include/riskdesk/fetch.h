/* Running a source's command to fetch external records (SPEC section 8): once per key,
 * without a shell, several at a time, each with a timeout and a cap on what it prints,
 * what it printed checked as exactly one JSON object. No SQLite here: source.c reads the
 * sources and stores what comes back.
 *
 * A command is its words (argv), split once when the source is configured; a call's argv
 * is those words with every FETCH_KEY replaced by the key, each word staying one argument
 * whatever the key holds (blanks, quotes, ';', '$(...)'): no shell ever reads it. The
 * child runs in its own process group (a timeout kills its children too), with stdin
 * from /dev/null, stdout and stderr read through pipes, the default signal actions and
 * no blocked signal; every other descriptor of riskdesk (the database's, SQLite's and
 * ours) is close-on-exec. */
#ifndef RISKDESK_FETCH_H
#define RISKDESK_FETCH_H

#include <stdatomic.h>
#include <stddef.h>

#include "riskdesk/util.h"

#define FETCH_KEY "{key}"
#define FETCH_MAX_OUTPUT (1u << 20) /* bytes a call may print on stdout (1 MiB) */
#define FETCH_MAX_MESSAGE 480       /* bytes of a call's message (stderr included) */
#define FETCH_KILL_GRACE 1.0        /* seconds from SIGTERM to SIGKILL */
#define FETCH_TIMEOUT_DEFAULT 30.0  /* seconds a call may take */
#define FETCH_TIMEOUT_MAX 3600.0
#define FETCH_JOBS_DEFAULT 4 /* calls at once */
#define FETCH_JOBS_MAX 64

/* What is wrong with a source's command words argv[0..argc), or NULL: there must be a
 * program (argv[0], not empty, without FETCH_KEY: the key never chooses what runs) and
 * FETCH_KEY in some other word. Static text. */
const char *fetch_argv_problem(int argc, const char *const *argv);
/* A call's argv: tmpl[0..argc) with every FETCH_KEY replaced by key, NULL-terminated. The
 * caller frees it with fetch_argv_free. */
char **fetch_argv(int argc, const char *const *tmpl, const char *key);
void fetch_argv_free(char **argv);

/* What is wrong with text[0..len), what a call printed, as a record's payload, or NULL:
 * nothing printed, a NUL character (a raw byte or \u0000), not UTF-8, or what
 * jsondoc_object_problem says (not JSON, not an object, text after it: two objects).
 * Static text. */
const char *fetch_payload_problem(const char *text, size_t len);

struct fetch_call {
	char *const *argv; /* NULL-terminated; not owned */
	double timeout;    /* seconds */
};

struct fetch_result {
	int status;      /* enum rd_fetch_status (vocab.h) */
	const char *out; /* what it printed on stdout (ok: the payload); out_len bytes */
	size_t out_len;
	const char *message; /* what went wrong and what it wrote on stderr, one line; "" none */
	char started_at[21]; /* ISO time */
	double seconds;      /* how long it took */
};

struct fetch_opts {
	int jobs;           /* at most this many calls at once (1 to FETCH_JOBS_MAX) */
	size_t max_output;  /* bytes; 0: FETCH_MAX_OUTPUT */
	double grace;       /* seconds from SIGTERM to SIGKILL; 0: FETCH_KILL_GRACE */
	atomic_int *cancel; /* polled at least every 100 ms; may be NULL */
	/* Each call as it ends, in the order they end, with its index in calls; the result
	 * lives until it returns. Nonzero stops everything (the calls running are killed and
	 * not reported). */
	int (*done)(void *ud, size_t i, const struct fetch_result *r);
	/* How many calls have ended; may be NULL. */
	void (*progress)(void *ud, size_t ended, size_t total);
	void *ud;
};

/* Runs calls[0..n), at most o->jobs at once, reporting each to o->done. A call that cannot
 * start (no such program, no pipe) is reported failed. Returns 0 when every call was
 * reported; 1 when *cancel stopped it (the calls running are killed, SIGTERM then SIGKILL,
 * and reported cancelled; those not started are not reported); -1 with err when done
 * failed (its message is the caller's to set; err says "stopped"). Every child is reaped
 * before it returns. */
int fetch_run(const struct fetch_call *calls, size_t n, const struct fetch_opts *o,
	      struct rd_err *err);

#endif
