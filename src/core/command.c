/* Running a command line through the table: split, look up, check, execute, audit. */
#include "riskdesk/command.h"

#include <stdlib.h>
#include <string.h>

#include "riskdesk/journal.h"

void ctx_init(struct rd_ctx *ctx, struct rd_store *store, struct rd_sink *out)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->store = store;
	ctx->out = out;
	snprintf(ctx->settings.theme, sizeof ctx->settings.theme, "default");
	ctx->settings.lock_timeout = STORE_LOCK_TIMEOUT;
}

int ctx_cancelled(const struct rd_ctx *ctx)
{
	return ctx->cancel && *ctx->cancel;
}

const struct rd_cmd *cmd_find(const char *name)
{
	for (const struct rd_cmd *const *c = rd_commands; *c; c++)
		if (strcmp((*c)->name, name) == 0 ||
		    ((*c)->alias && strcmp((*c)->alias, name) == 0))
			return *c;
	return NULL;
}

void cmd_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

/* Words made only of these need no quotes; anything else is single-quoted. */
static const char plain_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "0123456789_-.,:/=+@%";

char *cmd_join(int argc, const char *const *argv)
{
	struct rd_buf b = {0};
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		if (i)
			buf_putc(&b, ' ');
		if (*w && strspn(w, plain_chars) == strlen(w)) {
			buf_puts(&b, w);
			continue;
		}
		/* '…' keeps everything literally; a quote closes, is escaped, and reopens. */
		buf_putc(&b, '\'');
		for (const char *c = w; *c; c++) {
			if (*c == '\'')
				buf_puts(&b, "'\\''");
			else
				buf_putc(&b, *c);
		}
		buf_putc(&b, '\'');
	}
	return buf_steal(&b);
}

int cmd_split(const char *line, int *argc, char ***argv, struct rd_err *err)
{
	return cmd_split_spans(line, argc, argv, NULL, NULL, err);
}

int cmd_split_spans(const char *line, int *argc, char ***argv, int **start, int **end,
		    struct rd_err *err)
{
	int n = 0, cap = 8;
	char **v = rd_malloc((size_t)cap * sizeof *v);
	int *sv = rd_malloc((size_t)cap * sizeof *sv), *ev = rd_malloc((size_t)cap * sizeof *ev);
	struct rd_buf word = {0};
	const char *p = line;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p || *p == '#')
			break;
		int have = 0;
		const char *word_start = p;
		buf_reset(&word);
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
			if (*p == '\'' || *p == '"') {
				char q = *p++;
				const char *quoted = p;
				while (*p && *p != q) {
					if (q == '"' && *p == '\\' && p[1])
						p++;
					p++;
				}
				if (!*p) {
					rd_err_set(err, "unterminated %s quote",
						   q == '"' ? "double" : "single");
					buf_free(&word);
					v[n] = NULL;
					cmd_argv_free(v);
					free(sv);
					free(ev);
					return -1;
				}
				for (const char *c = quoted; c < p; c++) {
					if (q == '"' && *c == '\\' && c + 1 < p)
						c++;
					buf_putc(&word, *c);
				}
				p++;
				have = 1;
			} else if (*p == '\\' && p[1]) {
				buf_putc(&word, p[1]);
				p += 2;
				have = 1;
			} else {
				buf_putc(&word, *p++);
				have = 1;
			}
		}
		if (!have)
			continue;
		if (n + 2 > cap) {
			cap *= 2;
			v = rd_realloc(v, (size_t)cap * sizeof *v);
			sv = rd_realloc(sv, (size_t)cap * sizeof *sv);
			ev = rd_realloc(ev, (size_t)cap * sizeof *ev);
		}
		sv[n] = (int)(word_start - line);
		ev[n] = (int)(p - line);
		v[n++] = word.data ? buf_steal(&word) : rd_strdup("");
	}
	buf_free(&word);
	v[n] = NULL;
	*argc = n;
	*argv = v;
	if (start)
		*start = sv;
	else
		free(sv);
	if (end)
		*end = ev;
	else
		free(ev);
	return 0;
}

char *args_raw(const struct rd_args *a, int from, int to)
{
	if (from >= to || from >= a->argc)
		return rd_strdup("");
	if (to > a->argc)
		to = a->argc;
	return rd_strndup(a->line + a->start[from], (size_t)(a->end[to - 1] - a->start[from]));
}

const char *args_opt(const struct rd_args *a, const char *name)
{
	for (int i = 0; i < a->nopts; i++)
		if (strcmp(a->opts[i].opt->name, name) == 0)
			return a->opts[i].value;
	return NULL;
}

static const struct rd_opt *find_opt(const struct rd_cmd *cmd, const char *name, size_t len)
{
	for (const struct rd_opt *o = cmd->opts; o && o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

/* Separates --options (and their values) from positionals. "--" ends options. */
static int parse_args(const struct rd_cmd *cmd, int argc, char **argv, const int *start,
		      const int *end, struct rd_args *a, struct rd_err *err)
{
	a->argv = rd_calloc((size_t)argc + 1, sizeof *a->argv);
	a->start = rd_calloc((size_t)argc + 1, sizeof *a->start);
	a->end = rd_calloc((size_t)argc + 1, sizeof *a->end);
	int only_positionals = 0;
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		if (!only_positionals && strcmp(w, "--") == 0) {
			only_positionals = 1;
			continue;
		}
		if (only_positionals || strncmp(w, "--", 2) != 0 || w[2] == '\0') {
			a->start[a->argc] = start[i];
			a->end[a->argc] = end[i];
			a->argv[a->argc++] = argv[i];
			continue;
		}
		const char *name = w + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		const struct rd_opt *o = find_opt(cmd, name, len);
		if (!o) {
			char e[RD_ECHO_SIZE];
			rd_err_set(err, "%s: unknown option %s (usage: %s %s)", cmd->name,
				   rd_echo(e, w, (size_t)(name - w) + len), cmd->name, cmd->usage);
			return -1;
		}
		if (a->nopts == RD_MAX_OPTS) {
			rd_err_set(err, "%s: too many options", cmd->name);
			return -1;
		}
		const char *value = "";
		if (o->arg) {
			if (eq) {
				value = eq + 1;
			} else if (i + 1 < argc) {
				value = argv[++i];
			} else {
				rd_err_set(err, "%s: option '--%s' needs a value (%s)", cmd->name,
					   o->name, o->arg);
				return -1;
			}
		} else if (eq) {
			rd_err_set(err, "%s: option '--%s' takes no value", cmd->name, o->name);
			return -1;
		}
		a->opts[a->nopts].opt = o;
		a->opts[a->nopts].value = value;
		a->nopts++;
	}
	if (a->argc < cmd->min_args || (cmd->max_args >= 0 && a->argc > cmd->max_args)) {
		rd_err_set(err, "usage: %s %s", cmd->name, cmd->usage);
		return -1;
	}
	return 0;
}

/* The store's wait for the lock, shown as the command's progress. */
static void on_wait(void *ud, double waited, double timeout)
{
	struct rd_ctx *ctx = ud;
	sink_progress(ctx->out, "waiting for the write lock", (int64_t)waited, (int64_t)timeout);
}

int cmd_run_line(struct rd_ctx *ctx, const char *line)
{
	int argc, status, *start = NULL, *end = NULL;
	char **argv;
	rd_err_clear(&ctx->err);
	if (cmd_split_spans(line, &argc, &argv, &start, &end, &ctx->err))
		return RD_USAGE;
	struct rd_args args = {.line = line};
	if (argc == 0) {
		status = RD_OK;
		goto out;
	}
	const struct rd_cmd *cmd = cmd_find(argv[0]);
	if (!cmd) {
		char e[RD_ECHO_SIZE];
		rd_err_set(&ctx->err, "unknown command %s (try 'help')",
			   rd_echo(e, argv[0], strlen(argv[0])));
		status = RD_USAGE;
		goto out;
	}
	if (parse_args(cmd, argc - 1, argv + 1, start + 1, end + 1, &args, &ctx->err)) {
		status = RD_USAGE;
		goto out;
	}
	unsigned flags = cmd->flags;
	const char *sub = NULL; /* the writing subcommand: the run's kind has it */
	for (const char *const *w = cmd->writing_subcommands; w && *w && args.argc > 0; w++)
		if (strcmp(*w, args.argv[0]) == 0) {
			flags |= CMD_WRITES;
			sub = args.argv[0];
		}
	for (const char *const *w = cmd->writing_options; w && *w; w++)
		if (args_opt(&args, *w))
			flags |= CMD_WRITES;
	if ((flags & CMD_WRITES) && store_readonly(ctx->store)) {
		rd_err_set(&ctx->err,
			   "%s: the database is open read-only (this command changes it)",
			   cmd->name);
		status = RD_FAILED;
		goto out;
	}
	ctx->line = line;
	sink_begin(ctx->out, cmd->name);
	struct store_wait wait = {ctx->settings.lock_timeout, ctx->cancel, on_wait, ctx};
	store_set_wait(ctx->store, &wait);
	store_wait_clear(ctx->store);
	/* A write command is a run from the start: its `running` row tells other processes
	 * who holds the lock. Not getting that row in (the lock stayed busy) refuses it. */
	struct rd_run run;
	int began = 1;
	if (flags & CMD_WRITES) {
		char kind[64];
		snprintf(kind, sizeof kind, "%s%s%s", cmd->name, sub ? " " : "", sub ? sub : "");
		began = run_enter(ctx, &run, kind, &ctx->err) != NULL;
	}
	/* Long work (load, recompute, ...) gets bulk work's page cache, for its run only. */
	if (began && (flags & CMD_LONG))
		began = store_cache_bulk(ctx->store, 1, &ctx->err) == 0;
	status = began ? cmd->exec(ctx, &args) : RD_FAILED;
	if (flags & CMD_LONG) /* a tuning: failing, it must not change the outcome */
		store_cache_bulk(ctx->store, 0, &(struct rd_err){{0}});
	if (status != RD_OK && !ctx->err.msg[0])
		rd_err_set(&ctx->err, "%s failed", cmd->name);
	store_rollback(ctx->store); /* a command never leaves a transaction open */
	double waited;
	enum store_wait_end gave_up = store_wait_failed(ctx->store, &waited);
	/* A write fails on the lock by construction: the busy message is the whole story. A
	 * read-only command (set pii's audit row) keeps its own message first. */
	if (status != RD_OK && status != RD_QUIT && gave_up)
		journal_busy_message(ctx, gave_up, waited, !(flags & CMD_WRITES));
	wait.progress = NULL; /* the sink is the command's only while it runs */
	store_set_wait(ctx->store, &wait);
	if (flags & CMD_WRITES)
		run_leave(ctx, &run, status);
	if (flags & (CMD_WRITES | CMD_AUDITED)) {
		enum rd_audit_status what = status == RD_OK      ? AUDIT_OK
					    : ctx_cancelled(ctx) ? AUDIT_CANCELLED
					    : !began && gave_up  ? AUDIT_REFUSED
								 : AUDIT_FAILED;
		audit_log(ctx->store, line, what, status == RD_OK ? NULL : ctx->err.msg);
	}
	/* Last: what the user reads as the outcome is in the runs and audit tables already. */
	sink_end(ctx->out, status == RD_QUIT ? RD_OK : status,
		 status == RD_OK || status == RD_QUIT ? NULL : ctx->err.msg);
	ctx->line = NULL;
out:
	free(args.argv);
	free(args.start);
	free(args.end);
	free(start);
	free(end);
	cmd_argv_free(argv);
	return status;
}

int cmd_line_writes(const struct rd_cmd *cmd, int argc, const char *const *argv)
{
	int writes = cmd && (cmd->flags & CMD_WRITES);
	for (const char *const *w = cmd ? cmd->writing_subcommands : NULL; w && *w && argc > 1; w++)
		writes |= strcmp(*w, argv[1]) == 0; /* `drift baseline`, `rules import` */
	for (const char *const *w = cmd ? cmd->writing_options : NULL; w && *w; w++)
		for (int i = 1; i < argc; i++) {
			size_t len = strlen(*w);
			writes |= strncmp(argv[i], "--", 2) == 0 &&
				  strncmp(argv[i] + 2, *w, len) == 0 &&
				  (argv[i][2 + len] == '\0' || argv[i][2 + len] == '=');
		}
	return writes;
}
