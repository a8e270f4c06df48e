/* The application around the core library: the entry points main() picks between (batch
 * mode and the console), the cancel flag both set on Ctrl-C, and batch mode's sink. Not
 * part of the core: src/core never includes it (it is not on the core's include path). */
#ifndef RISKDESK_APP_H
#define RISKDESK_APP_H

#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>

#include "riskdesk/command.h"

struct app_opts {
	const char *db_path; /* resolved database path */
	int read_only;
	int json;
	const char *theme;     /* or NULL */
	const char **commands; /* -c arguments, in order */
	int ncommands;
	const char *script; /* script file, "-" for stdin, or NULL */
	double started;     /* now_seconds() when main() began */
};

/* Set by the SIGINT handlers of both modes (defined in main.c); a long command polls it
 * through ctx->cancel. */
extern atomic_int app_cancel;

/* Runs -c commands and/or the script. Returns the exit status (0, 1, 2). */
int batch_main(struct rd_store *st, const struct app_opts *o);
/* The interactive console. Returns the exit status. */
int console_main(struct rd_store *st, const struct app_opts *o);

/* Batch mode's sink (batch_sink.c): the core's text sink, or with json one JSON document
 * per command, on out; error details on stderr; progress as one rewritten line on
 * progress_out (NULL: none). The caller keeps the FILEs. */
struct rd_sink *batch_sink_new(FILE *out, FILE *progress_out, int json);

#endif
