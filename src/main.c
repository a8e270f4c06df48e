/* riskdesk: picks batch mode or the console, opens the database. */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "app.h"
#include "riskdesk/profile.h"
#include "riskdesk/store.h"

/* Set by the SIGINT handler: a lock-free atomic is safe there, and across threads. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "a signal handler sets app_cancel");
atomic_int app_cancel;

#ifndef RISKDESK_VERSION
#define RISKDESK_VERSION "0.1.0"
#endif

static const char usage_text[] =
	"usage: riskdesk [--db PATH] [--read-only] [--theme NAME] [--json] [-c COMMAND]... [SCRIPT "
	"| -]\n"
	"\n"
	"With no -c, no script and a terminal: the interactive console. Otherwise batch mode:\n"
	"commands run in order and the first failure stops the run (exit 1; 2 for usage).\n"
	"\n"
	"  --db PATH      database file (default $RISKDESK_DB, else\n"
	"                 $XDG_DATA_HOME/riskdesk/riskdesk.db); created with mode 0600\n"
	"  --read-only    open read-only: commands that write fail\n"
	"  --theme NAME   console theme (default, dark, light, mono)\n"
	"  --json         one JSON document per command on stdout\n"
	"  -c COMMAND     run COMMAND (repeatable)\n"
	"  SCRIPT | -     run the commands of a file (one a line, # comments) or of stdin\n"
	"  --help, --version\n"
	"\n"
	"Inside, 'help' lists every command. See riskdesk(1).\n";

static char *default_db_path(void)
{
	const char *env = getenv("RISKDESK_DB");
	if (env && *env)
		return strdup(env);
	struct rd_buf b = {0};
	if (!xdg_dir("XDG_DATA_HOME", ".local/share", &b))
		buf_puts(&b, ".");
	buf_puts(&b, "/riskdesk/riskdesk.db");
	char *p = buf_steal(&b);
	if (make_parent_dirs(p) != 0) {
		fprintf(stderr, "riskdesk: cannot create the directory of %s: %s\n", p,
			strerror(errno));
		free(p);
		return NULL;
	}
	return p;
}

/* libxgboost's OpenMP threads busy-wait between parallel regions by default; on a machine
 * busy with anything else (another process, a background job of the console) a spinning
 * thread holds the core the working one needs: training xgb on German took 70 s instead
 * of 2 (docs/design.md "Tests in parallel, threads that wait"). libgomp reads the policy
 * once, when it is loaded, before main: so riskdesk starts itself again with the policy
 * set, unless the user set one. If that cannot be done it runs on as it is. */
static void passive_threads(char **argv)
{
	if (getenv("OMP_WAIT_POLICY") || setenv("OMP_WAIT_POLICY", "PASSIVE", 1) != 0)
		return;
	execv("/proc/self/exe", argv);
}

/* glibc gives the heap's top back to the system whenever a large block there is freed,
 * and the next allocation faults it in again. A bulk recompute frees and takes such
 * blocks all the time (SQLite's sorter, its page cache): at a million customers one row
 * layout spent 40 % of its time in those faults and in brk (153 s against 45 s with the
 * top kept; docs/design.md "The million profiled"). The top is kept up to 512 MB and
 * grown 64 MB at a time; untouched pages cost no memory. */
static void keep_heap_top(void)
{
#ifdef __GLIBC__
	mallopt(M_TRIM_THRESHOLD, 512 << 20);
	mallopt(M_TOP_PAD, 64 << 20);
#endif
}

int main(int argc, char **argv)
{
	passive_threads(argv);
	keep_heap_top();
	struct app_opts o = {.started = now_seconds()};
	const char *db = NULL;
	char *owned_db = NULL;
	int status = 0;
	o.commands = calloc((size_t)argc + 1, sizeof *o.commands);
	if (!o.commands)
		return 70;
	setlocale(LC_ALL, "");
	/* A file-size limit (ulimit -f) makes a write fail with EFBIG, which riskdesk
	 * reports ("File too large") and cleans up after, rather than killing it. */
	signal(SIGXFSZ, SIG_IGN);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage_text, stdout);
			goto done;
		} else if (strcmp(a, "--version") == 0) {
			printf("riskdesk %s\n", RISKDESK_VERSION);
			goto done;
		} else if (strcmp(a, "--read-only") == 0) {
			o.read_only = 1;
		} else if (strcmp(a, "--json") == 0) {
			o.json = 1;
		} else if ((strcmp(a, "--db") == 0 || strcmp(a, "--theme") == 0 ||
			    strcmp(a, "-c") == 0) &&
			   i + 1 < argc) {
			if (a[1] == 'c')
				o.commands[o.ncommands++] = argv[++i];
			else if (a[2] == 'd')
				db = argv[++i];
			else
				o.theme = argv[++i];
		} else if (strncmp(a, "--db=", 5) == 0) {
			db = a + 5;
		} else if (strncmp(a, "--theme=", 8) == 0) {
			o.theme = a + 8;
		} else if ((a[0] != '-' || strcmp(a, "-") == 0) && !o.script) {
			o.script = a;
		} else {
			fprintf(stderr, "riskdesk: unknown or incomplete argument '%s'\n%s", a,
				usage_text);
			status = 2;
			goto done;
		}
	}
	if (!db) {
		owned_db = default_db_path();
		if (!owned_db) {
			status = 1;
			goto done;
		}
		db = owned_db;
	}
	o.db_path = db;

	struct rd_err err = {{0}};
	store_on_open(profile_sql_functions); /* the console's jobs open the store again */
	struct rd_store *st = store_open(db, o.read_only ? STORE_READONLY : 0, &err);
	if (!st) {
		fprintf(stderr, "riskdesk: %s\n", err.msg);
		status = 1;
		goto done;
	}
	int interactive = o.ncommands == 0 && !o.script && isatty(STDIN_FILENO) &&
			  isatty(STDOUT_FILENO);
	if (!interactive && o.ncommands == 0 && !o.script)
		o.script = "-";
	status = interactive ? console_main(st, &o) : batch_main(st, &o);
	store_close(st);
done:
	free(owned_db);
	free(o.commands);
	return status;
}
