/* source add|list|remove|attempts; refresh stale. The engine is source.c, the calls fetch.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_util.h"
#include "riskdesk/fetch.h"
#include "riskdesk/source.h"

extern const struct rd_cmd cmd_source, cmd_refresh;

/* The command words of a stored argv (JSON) as a command line, or the JSON itself. */
static char *command_text(const char *json)
{
	int argc;
	char **argv;
	struct rd_err e;
	if (source_argv_parse(json, &argc, &argv, &e))
		return rd_strdup(json ? json : "");
	char *line = cmd_join(argc, (const char *const *)argv);
	fetch_argv_free(argv);
	return line;
}

/* Option name may be given to sub only (the others are usage errors). */
static int only_opts(struct rd_ctx *ctx, const struct rd_args *a, const char *sub,
		     const char *allowed)
{
	for (int i = 0; i < a->nopts; i++) {
		const char *name = a->opts[i].opt->name;
		size_t len = strlen(name);
		const char *p = allowed;
		int ok = 0;
		while (p && *p && !ok) {
			size_t n = strcspn(p, " ");
			ok = n == len && strncmp(p, name, n) == 0;
			p += n + (p[n] == ' ');
		}
		if (!ok) {
			rd_err_set(&ctx->err, "source %s: --%s is not an option of it", sub, name);
			return -1;
		}
	}
	return 0;
}

static int parse_ttl(struct rd_ctx *ctx, const char *cmd, const char *v, int64_t *days)
{
	uint64_t n;
	if (cmd_parse_uint(v, 0, SOURCE_TTL_MAX, &n) == 0) {
		*days = (int64_t)n;
		return 0;
	}
	char echo[RD_ECHO_SIZE];
	rd_err_set(&ctx->err, "%s: --ttl wants whole days, 0 to %d, not %s", cmd, SOURCE_TTL_MAX,
		   rd_echo(echo, v, strlen(v)));
	return -1;
}

static int source_add_cmd(struct rd_ctx *ctx, const struct rd_args *a)
{
	const char *command = args_opt(a, "command"), *ttl = args_opt(a, "ttl");
	const char *timeout = args_opt(a, "timeout");
	char echo[RD_ECHO_SIZE];
	double secs = FETCH_TIMEOUT_DEFAULT;
	int64_t days;
	if (a->argc != 2 || !command || !ttl) {
		rd_err_set(&ctx->err, "usage: source add NAME --command 'PROGRAM ... {key} ...'"
				      " --ttl DAYS [--timeout SECONDS]");
		return RD_USAGE;
	}
	if (!source_name_ok(a->argv[1], strlen(a->argv[1]))) {
		rd_err_set(&ctx->err,
			   "source add: %s is not a source name (letters, digits, '_', '-' and"
			   " '.'; at most %d bytes)",
			   rd_echo(echo, a->argv[1], strlen(a->argv[1])), SOURCE_NAME_MAX);
		return RD_USAGE;
	}
	if (parse_ttl(ctx, "source add", ttl, &days))
		return RD_USAGE;
	if (timeout && (num_parse(timeout, strlen(timeout), &secs) || !(secs > 0) ||
			secs > FETCH_TIMEOUT_MAX)) {
		rd_err_set(&ctx->err,
			   "source add: --timeout wants seconds above 0 and at most %g, not %s",
			   FETCH_TIMEOUT_MAX, rd_echo(echo, timeout, strlen(timeout)));
		return RD_USAGE;
	}
	/* Split once, here, as a command line is: what runs is these words, never a line. */
	int argc;
	char **argv;
	if (cmd_split(command, &argc, &argv, &ctx->err))
		return RD_USAGE;
	const char *why = fetch_argv_problem(argc, (const char *const *)argv);
	if (why) {
		rd_err_set(&ctx->err, "source add: the command %s (%s)", why,
			   rd_echo(echo, command, strlen(command)));
		cmd_argv_free(argv);
		return RD_USAGE;
	}
	struct rd_job job = cmd_job(ctx);
	int rc = source_add(&job, a->argv[1], argc, (const char *const *)argv, days, secs,
			    &ctx->err);
	if (rc >= 0) {
		char *line = cmd_join(argc, (const char *const *)argv);
		sink_message(ctx->out, "source %s %s: runs %s (TTL %lld days, timeout %g s)",
			     a->argv[1], rc ? "replaced" : "added", line, (long long)days, secs);
		free(line);
	}
	cmd_argv_free(argv);
	return rc < 0 ? RD_FAILED : RD_OK;
}

static int source_list_cmd(struct rd_ctx *ctx)
{
	static const char *const cols[] = {"name",    "command", "ttl_days",    "timeout",
					   "records", "stale",   "last_attempt"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_TEXT, COL_NUM, COL_NUM,
						 COL_NUM,  COL_NUM,  COL_TEXT};
	sqlite3_stmt *s = source_list(ctx->store, &ctx->err);
	if (!s)
		return RD_FAILED;
	sink_table_begin(ctx->out, "sources", 7, cols, kinds);
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		char *line = command_text(col_text(s, 1));
		char timeout[32];
		num_format(sqlite3_column_double(s, 3), timeout, sizeof timeout);
		const char *row[] = {col_text(s, 0), line,           col_text(s, 2), timeout,
				     col_text(s, 4), col_text(s, 5), col_text(s, 6)};
		sink_row(ctx->out, row);
		free(line);
	}
	sink_table_end(ctx->out);
	sqlite3_finalize(s);
	return step == SQLITE_DONE ? RD_OK : RD_FAILED;
}

static int source_attempts_cmd(struct rd_ctx *ctx, const struct rd_args *a)
{
	static const enum rd_col_kind kinds[] = {COL_NUM,  COL_TEXT, COL_TEXT, COL_TEXT,
						 COL_TEXT, COL_NUM,  COL_TEXT};
	const char *l = args_opt(a, "limit");
	uint64_t limit = 50;
	if (l && cmd_parse_uint(l, 0, INT64_MAX, &limit)) {
		char echo[RD_ECHO_SIZE];
		rd_err_set(&ctx->err, "source attempts: --limit must be a number >= 0, not %s",
			   rd_echo(echo, l, strlen(l)));
		return RD_USAGE;
	}
	sqlite3_stmt *s = source_attempts(ctx->store, a->argc > 1 ? a->argv[1] : NULL,
					  (int64_t)limit, &ctx->err);
	if (!s)
		return RD_FAILED;
	int rc = cmd_emit_rows(ctx, s, "attempts", kinds);
	sqlite3_finalize(s);
	return rc ? RD_FAILED : RD_OK;
}

static int exec_source(struct rd_ctx *ctx, const struct rd_args *a)
{
	const char *sub = a->argv[0];
	if (strcmp(sub, "add") == 0)
		return only_opts(ctx, a, sub, "command ttl timeout") ? RD_USAGE
								     : source_add_cmd(ctx, a);
	if (strcmp(sub, "list") == 0 && a->argc == 1)
		return only_opts(ctx, a, sub, "") ? RD_USAGE : source_list_cmd(ctx);
	if (strcmp(sub, "attempts") == 0)
		return only_opts(ctx, a, sub, "limit") ? RD_USAGE : source_attempts_cmd(ctx, a);
	if (strcmp(sub, "remove") == 0 && a->argc == 2) {
		if (only_opts(ctx, a, sub, ""))
			return RD_USAGE;
		struct rd_job job = cmd_job(ctx);
		int rc = source_remove(&job, a->argv[1], &ctx->err);
		if (rc == 0)
			sink_message(ctx->out, "source %s removed (its records and attempts stay)",
				     a->argv[1]);
		return rc ? RD_FAILED : RD_OK;
	}
	rd_err_set(&ctx->err, "usage: source %s", cmd_source.usage);
	return RD_USAGE;
}

static const struct rd_opt source_opts[] = {
	{"command", "CMD",
	 "add: the program and its arguments, split into words as a command line is"
	 " (quotes, backslash); a word's {key} becomes the record's key"},
	{"ttl", "DAYS", "add: a record fetched longer ago than this is stale"},
	{"timeout", "SECONDS", "add: how long one call may take (default 30)"},
	{"limit", "N", "attempts: how many of the latest (default 50)"},
	{NULL, NULL, NULL},
};

const struct rd_cmd cmd_source = {
	.name = "source",
	.usage = "add NAME --command CMD --ttl DAYS [--timeout SECONDS] | list | remove NAME |"
		 " attempts [NAME] [--limit N]",
	.summary = "the external sources 'refresh stale' fetches records from (add, remove "
		   "audited)",
	.help = "A source is a command that prints one external record's payload, a JSON "
		"object, for a key: 'source add tax_office --command \"sample-data/sources/"
		"tax_office.sh {key}\" --ttl 30'. The command is split into words once, as a "
		"command line is, and run without a shell: each word's {key} becomes the key, "
		"which stays inside that one argument whatever it holds (blanks, quotes, ';', "
		"'$(...)'), and the program itself cannot be {key}. A program without a '/' is "
		"looked for in PATH, a relative path is from the directory riskdesk runs in. "
		"Adding "
		"a source again replaces its definition. 'list' shows each source with its "
		"records, how many are stale by its TTL and its latest fetch; 'attempts' the "
		"latest "
		"fetches (of NAME only) with their status (ok, failed, timeout, malformed, "
		"cancelled) and message; 'remove' forgets the command, not the records.",
	.min_args = 1,
	.max_args = 2,
	.opts = source_opts,
	.args = (const struct rd_arg[]){{.at = 0,
					 .values = {.type = RD_ARG_WORD,
						    .words = (const char *const[]){"add",
										   "attempts",
										   "list", "remove",
										   NULL}}},
					RD_ARGS_END},
	.writing_subcommands = (const char *const[]){"add", "remove", NULL},
	.exec = exec_source,
};

static void report_refresh(struct rd_ctx *ctx, const struct source_refresh_report *r, double secs)
{
	static const char *const cols[] = {"source",  "stale",     "ok",        "failed",
					   "timeout", "malformed", "cancelled", "stored"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_NUM, COL_NUM, COL_NUM,
						 COL_NUM,  COL_NUM, COL_NUM, COL_NUM};
	sink_table_begin(ctx->out, "refresh", 8, cols, kinds);
	for (int k = 0; k < r->nsources; k++) {
		const struct source_refresh_count *c = &r->sources[k];
		char v[7][24];
		snprintf(v[0], sizeof v[0], "%lld", (long long)c->stale);
		for (int j = 0; j < FETCH_STATUSES; j++)
			snprintf(v[1 + j], sizeof v[1 + j], "%lld", (long long)c->n[j]);
		snprintf(v[6], sizeof v[6], "%lld", (long long)c->stored);
		const char *row[] = {c->name, v[0], v[1], v[2], v[3], v[4], v[5], v[6]};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);
	const struct source_refresh_count *all = &r->all;
	int64_t bad = all->n[FETCH_FAILED] + all->n[FETCH_TIMEOUT] + all->n[FETCH_MALFORMED];
	sink_message(ctx->out, "refreshed %lld of %lld stale records in %.2f s%s%s%s",
		     (long long)all->stored, (long long)all->stale, secs, bad ? " (" : "",
		     bad ? "the others are as they were: 'source attempts'" : "",
		     bad ? " says why)" : "");
	if (r->orphans)
		sink_message(ctx->out,
			     "not refreshed: %lld records of %s, which no source fetches"
			     " ('source add')",
			     (long long)r->orphans, r->orphan_names);
}

static int exec_refresh(struct rd_ctx *ctx, const struct rd_args *a)
{
	const char *ttl = args_opt(a, "ttl"), *jobs = args_opt(a, "jobs");
	struct source_refresh_opts o = {args_opt(a, "source"), -1, FETCH_JOBS_DEFAULT, 0};
	char echo[RD_ECHO_SIZE];
	if (strcmp(a->argv[0], "stale") != 0) {
		rd_err_set(&ctx->err, "usage: refresh %s", cmd_refresh.usage);
		return RD_USAGE;
	}
	if (ttl && parse_ttl(ctx, "refresh", ttl, &o.ttl_days))
		return RD_USAGE;
	uint64_t n;
	if (jobs) {
		if (cmd_parse_uint(jobs, 1, FETCH_JOBS_MAX, &n)) {
			rd_err_set(&ctx->err,
				   "refresh: --jobs wants a whole number from 1 to %d, not %s",
				   FETCH_JOBS_MAX, rd_echo(echo, jobs, strlen(jobs)));
			return RD_USAGE;
		}
		o.jobs = (int)n;
	}
	struct source_refresh_report r;
	struct rd_job job = cmd_job(ctx);
	double t0 = now_seconds();
	int rc = source_refresh(&job, &o, &r, &ctx->err);
	if (rc >= 0)
		report_refresh(ctx, &r, now_seconds() - t0);
	source_refresh_report_free(&r);
	return rc ? RD_FAILED : RD_OK;
}

static const struct rd_opt refresh_opts[] = {
	{"source", "S", "only the records of source S"},
	{"ttl", "DAYS", "stale when fetched longer ago than this (default: each source's TTL)"},
	{"jobs", "N", "calls at once, 1 to 64 (default 4)"},
	{NULL, NULL, NULL},
};

const struct rd_cmd cmd_refresh = {
	.name = "refresh",
	.usage = "stale [--source S] [--ttl DAYS] [--jobs N]",
	.summary = "fetch the external records older than their source's TTL again",
	.help = "Runs each stale record's source command ('source add') with the record's key, "
		"N at a time, each with its source's timeout (then SIGTERM, and SIGKILL a second "
		"later, to its whole process group) and at most 1 MiB of output. A record is "
		"replaced (payload and fetched_at) only when the command exits 0 having printed "
		"exactly one JSON object; a failure, a timeout or anything else it prints leaves "
		"it as it was. Every call is recorded with its status and message ('source "
		"attempts'). Results are written as they come, a few at a time, so the write lock "
		"is never held while a source is asked, and Ctrl-C keeps the records fetched "
		"before it (the calls running are killed and recorded cancelled). Records of "
		"sources without a command are counted, not refreshed.",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_WRITES | CMD_LONG,
	.opts = refresh_opts,
	.args = (const struct rd_arg[]){{.at = 0,
					 .values = {.type = RD_ARG_WORD,
						    .words = (const char *const[]){"stale", NULL}}},
					RD_ARGS_END},
	.exec = exec_refresh,
};
