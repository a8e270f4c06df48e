/* The entry points main() picks between: batch mode and the console. Not part of the
 * core library. */
#ifndef RISKDESK_APP_H
#define RISKDESK_APP_H

#include <signal.h>

#include "riskdesk/command.h"

struct app_opts {
	const char *db_path;  /* resolved database path */
	int read_only;
	int json;
	const char *theme;    /* or NULL */
	const char **commands; /* -c arguments, in order */
	int ncommands;
	const char *script;   /* script file, "-" for stdin, or NULL */
	double started;       /* now_seconds() when main() began */
};

/* Set by the SIGINT handler; long commands poll it through ctx->cancel. */
extern volatile sig_atomic_t app_cancel;

/* Runs -c commands and/or the script. Returns the exit status (0, 1, 2). */
int batch_main(struct rd_store *st, const struct app_opts *o);
/* The interactive console. Returns the exit status. */
int console_main(struct rd_store *st, const struct app_opts *o);

#endif
