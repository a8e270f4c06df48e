/* Long commands on a worker thread, so that browsing stays live while a 30 s training or a
 * load runs. The worker has its own connection to the database (in WAL mode the panes go
 * on reading the committed state meanwhile), its own context, and a console sink that
 * records progress instead of drawing it. The key loop draws the jobs line from that
 * record, turns Ctrl-C into `cancel` (the job's own flag), and finishes the command as
 * tui_run does once the thread has ended. One job at a time, and no other write while it
 * runs: SQLite has one writer, and a second would only wait for the first. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/store.h"
#include "riskdesk/util.h"
#include "tui.h"

struct tui_job {
	pthread_t thread;
	char *line;
	struct rd_store *store; /* the worker's connection */
	struct rd_sink *sink;   /* a console sink over progress */
	struct rd_ctx ctx;
	struct job_progress progress;
	atomic_int cancel;
	atomic_int done; /* set by the worker as its last act */
	int status;
	double t0;
};

static void *job_main(void *arg)
{
	struct tui_job *j = arg;
	j->status = cmd_run_line(&j->ctx, j->line);
	atomic_store(&j->done, 1);
	return NULL;
}

static void job_free(struct tui_job *j)
{
	sink_free(j->sink);
	store_close(j->store);
	pthread_mutex_destroy(&j->progress.lock);
	free(j->line);
	free(j);
}

int job_start(struct tui *t, const char *line, const struct rd_cmd *cmd)
{
	if (t->job) {
		tui_status(t, 1, "%s: \"%s\" runs in the background (Ctrl-C or :cancel stops it)",
			   cmd->name, t->job->line);
		return -1;
	}
	if (strcmp(store_path(t->store), ":memory:") == 0)
		return 0;
	struct rd_err err = {{0}};
	struct rd_store *st = store_open(store_path(t->store),
					 store_readonly(t->store) ? STORE_READONLY : 0, &err);
	if (!st) {
		tui_status(t, 1, "%s: %s", cmd->name, err.msg);
		return -1;
	}
	struct tui_job *j = rd_calloc(1, sizeof *j);
	j->line = rd_strdup(line);
	j->store = st;
	pthread_mutex_init(&j->progress.lock, NULL);
	j->sink = console_sink_new(t, &j->progress);
	ctx_init(&j->ctx, st, j->sink);
	j->ctx.settings = t->ctx.settings;
	j->ctx.cancel = &j->cancel;
	j->ctx.console = NULL; /* the hooks draw: the main thread's alone */
	j->t0 = now_seconds();
	(void)rd_user(); /* its cache filled here, not raced for by two threads */
	if (pthread_create(&j->thread, NULL, job_main, j) != 0) {
		tui_status(t, 1, "%s: cannot start a thread", cmd->name);
		job_free(j);
		return -1;
	}
	t->job = j;
	return 1;
}

const char *job_line(const struct tui *t)
{
	return t->job ? t->job->line : NULL;
}

int job_cancel(struct tui *t)
{
	if (!t->job)
		return -1;
	t->job->cancel = 1;
	return 0;
}

int job_poll(struct tui *t)
{
	struct tui_job *j = t->job;
	if (!j || !atomic_load(&j->done))
		return 0;
	pthread_join(j->thread, NULL);
	t->job = NULL;
	char *out = console_sink_take(j->sink);
	t->hooked = 0; /* from a console command run meanwhile */
	tui_finish(t, j->line, j->status, j->ctx.err.msg, out, now_seconds() - j->t0);
	free(out);
	job_free(j);
	return 1;
}

void job_stop(struct tui *t)
{
	struct tui_job *j = t->job;
	if (!j)
		return;
	j->cancel = 1;
	pthread_join(j->thread, NULL);
	t->job = NULL;
	job_free(j);
}

void job_draw(struct tui *t)
{
	struct tui_job *j = t->job;
	if (!j || !t->jobs)
		return;
	struct sink_progress_report r;
	char what[sizeof j->progress.what];
	pthread_mutex_lock(&j->progress.lock);
	int reported = j->progress.reported;
	r = j->progress.report;
	snprintf(what, sizeof what, "%s", j->progress.what);
	pthread_mutex_unlock(&j->progress.lock);
	r.what = what;
	/* The command line, cut to a quarter of the width: the report is what moves. */
	char line[160];
	size_t room = (size_t)getmaxx(t->jobs) / 4, len = strlen(j->line);
	if (room < 12)
		room = 12;
	if (len > room && room < sizeof line - 4) {
		size_t cut = utf8_cut(j->line, len, room - 1);
		snprintf(line, sizeof line, "%.*s%s", (int)cut, j->line,
			 t->utf8 ? "\xe2\x80\xa6" : "~");
	} else {
		snprintf(line, sizeof line, "%s", j->line);
	}
	char prefix[200], short_prefix[64];
	const char *stopping = j->cancel ? "cancelling " : "";
	snprintf(prefix, sizeof prefix, "%s%s: ", stopping, line);
	snprintf(short_prefix, sizeof short_prefix, "%s%.*s: ", stopping,
		 (int)strcspn(j->line, " "), j->line); /* the command's name */
	int a = tui_attr(t, ROLE_STATUS);
	wbkgd(t->jobs, (chtype)a);
	if (reported) {
		progress_draw(t, t->jobs, prefix, short_prefix, &r, "Ctrl-C cancels");
	} else { /* nothing measured yet: how long it has run */
		char text[256];
		snprintf(text, sizeof text, " %srunning %.0f s  Ctrl-C cancels", prefix,
			 now_seconds() - j->t0);
		werase(t->jobs);
		tui_put(t->jobs, 0, 0, getmaxx(t->jobs), text);
	}
	wnoutrefresh(t->jobs);
}
