/* Batch mode: -c commands, then a script file or stdin, through the one command table. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"

static void on_sigint(int sig)
{
	(void)sig;
	if (app_cancel) /* a second Ctrl-C: stop now; SQLite's journal keeps the file whole */
		_exit(130);
	app_cancel = 1;
}

/* Runs one line; prints the error with its origin. Returns the rd_status. */
static int run_one(struct rd_ctx *ctx, const char *line, const char *file, long lineno)
{
	app_cancel = 0;
	int status = cmd_run_line(ctx, line);
	if (status == RD_OK || status == RD_QUIT)
		return status;
	fflush(stdout);
	if (file)
		fprintf(stderr, "riskdesk: %s:%ld: %s\n", file, lineno, ctx->err.msg);
	else
		fprintf(stderr, "riskdesk: %s\n", ctx->err.msg);
	return status;
}

static int run_script(struct rd_ctx *ctx, const char *path)
{
	int from_stdin = strcmp(path, "-") == 0;
	FILE *f = from_stdin ? stdin : fopen(path, "r");
	if (!f) {
		fprintf(stderr, "riskdesk: %s: %s\n", path, strerror(errno));
		return RD_USAGE;
	}
	const char *name = from_stdin ? "<stdin>" : path;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;
	int status = RD_OK;
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		const char *nul = memchr(line, '\0', (size_t)n);
		if (nul) {
			/* The command would silently end there. */
			fflush(stdout);
			fprintf(stderr,
				"riskdesk: %s:%ld: a NUL byte at column %ld (a script is text,"
				" one command a line)\n",
				name, lineno, (long)(nul - line) + 1);
			status = RD_USAGE;
			break;
		}
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		status = run_one(ctx, line, name, lineno);
		if (status != RD_OK)
			break;
	}
	free(line);
	if (!from_stdin)
		fclose(f);
	return status == RD_QUIT ? RD_OK : status;
}

int batch_main(struct rd_store *st, const struct app_opts *o)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);

	FILE *progress = isatty(STDERR_FILENO) ? stderr : NULL;
	struct rd_sink *sink = batch_sink_new(stdout, progress, o->json);
	struct rd_ctx ctx;
	ctx_init(&ctx, st, sink);
	ctx.cancel = &app_cancel;
	if (o->theme)
		snprintf(ctx.settings.theme, sizeof ctx.settings.theme, "%s", o->theme);

	int status = RD_OK;
	for (int i = 0; i < o->ncommands && status == RD_OK; i++)
		status = run_one(&ctx, o->commands[i], NULL, 0);
	if (status == RD_OK && o->script)
		status = run_script(&ctx, o->script);
	sink_free(sink);
	if (status == RD_QUIT)
		status = RD_OK;
	return status;
}
