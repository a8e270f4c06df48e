/* Interim console: a readline prompt over the command table. The ncurses panes of
 * SPEC section 7 replace this (issue: the analyst console). */
#include <readline/history.h>
#include <readline/readline.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/app.h"

static void on_sigint(int sig)
{
	(void)sig;
	app_cancel = 1;
}

int console_main(struct rd_store *st, const struct app_opts *o)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);
	struct rd_sink *sink = sink_text_new(stdout, stderr);
	struct rd_ctx ctx;
	ctx_init(&ctx, st, sink);
	ctx.cancel = &app_cancel;
	if (o->theme)
		snprintf(ctx.settings.theme, sizeof ctx.settings.theme, "%s", o->theme);
	printf("riskdesk on %s — 'help' lists commands, 'quit' leaves.\n", o->db_path);
	char *line;
	while ((line = readline("riskdesk> ")) != NULL) {
		if (*line)
			add_history(line);
		app_cancel = 0;
		int status = cmd_run_line(&ctx, line);
		free(line);
		if (status == RD_QUIT)
			break;
		if (status != RD_OK)
			fprintf(stderr, "riskdesk: %s\n", ctx.err.msg);
	}
	sink_free(sink);
	return 0;
}
