/* The console's sink: a command's tables and messages become text for the output view
 * (the batch text sink writing into memory), its errors go to the status line, and its
 * progress draws a bar in the bottom line while Ctrl-C stays live. A job's sink (jobs.c)
 * runs on the worker thread and touches no window: it records the progress for the main
 * thread to draw in the jobs line. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "tui.h"

struct console_sink {
	struct rd_sink base;
	struct tui *t;
	struct rd_sink *text; /* the text sink over mem */
	FILE *mem;
	char *buf;
	size_t len;
	double t0, last; /* progress timing */
	char phase[32];
	struct rd_buf diags;         /* error details of the current command */
	struct job_progress *shared; /* a job's sink: progress goes there, not to the screen */
};

static void reopen(struct console_sink *c)
{
	c->mem = open_memstream(&c->buf, &c->len);
	c->text = sink_text_new(c->mem);
}

char *console_sink_take(struct rd_sink *s)
{
	struct console_sink *c = (struct console_sink *)s;
	sink_free(c->text);
	fclose(c->mem);
	struct rd_buf out = {0};
	buf_append(&out, c->buf ? c->buf : "", c->len);
	if (c->diags.len)
		buf_append(&out, c->diags.data, c->diags.len);
	buf_reset(&c->diags);
	free(c->buf);
	c->buf = NULL;
	c->len = 0;
	reopen(c);
	return buf_steal(&out);
}

static void c_begin(struct rd_sink *s, const char *command)
{
	struct console_sink *c = (struct console_sink *)s;
	c->phase[0] = '\0';
	c->t0 = c->last = now_seconds();
	sink_begin(c->text, command);
}

static void c_end(struct rd_sink *s, int status, const char *error)
{
	struct console_sink *c = (struct console_sink *)s;
	sink_end(c->text, status, error);
}

static void c_table_begin(struct rd_sink *s, const char *name, int ncols, const char *const *cols,
			  const enum rd_col_kind *kinds)
{
	sink_table_begin(((struct console_sink *)s)->text, name, ncols, cols, kinds);
}

static void c_row(struct rd_sink *s, const char *const *cells)
{
	sink_row(((struct console_sink *)s)->text, cells);
}

static void c_table_end(struct rd_sink *s)
{
	sink_table_end(((struct console_sink *)s)->text);
}

static void c_field(struct rd_sink *s, const char *section, const char *key, const char *value,
		    enum rd_col_kind kind)
{
	sink_field(((struct console_sink *)s)->text, section, key, value, kind);
}

static void c_message(struct rd_sink *s, const char *text)
{
	sink_message(((struct console_sink *)s)->text, "%s", text);
}

static void c_diag(struct rd_sink *s, const char *text)
{
	struct console_sink *c = (struct console_sink *)s;
	buf_puts(&c->diags, text);
	buf_putc(&c->diags, '\n');
}

void progress_draw(struct tui *t, WINDOW *w, const char *prefix, const char *short_prefix,
		   const struct sink_progress_report *r, const char *suffix)
{
	char text[200], label[400];
	sink_progress_text(r, text, sizeof text);
	int cols = getmaxx(w);
	/* When the gauge would have no room, the suffix ("Ctrl-C cancels") goes first, then
	 * the prefix shortens. */
	snprintf(label, sizeof label, " %s%s  %s ", prefix, text, suffix);
	if ((int)strlen(label) > cols - 12)
		snprintf(label, sizeof label, " %s%s ", prefix, text);
	if ((int)strlen(label) > cols - 12)
		snprintf(label, sizeof label, " %s%s ", short_prefix, text);
	/* Still too long (a slow rate in KB/s, a narrow screen): the last fields go (the report
	 * puts two blanks between them), so that the gauge keeps room. */
	if ((int)strlen(label) > cols - 12 && cols >= 40) {
		char *gap = label + cols - 13;
		while (gap > label && !(gap[0] == ' ' && gap[1] == ' '))
			gap--;
		gap[1] = '\0';
	}
	werase(w);
	int used = tui_put(w, 0, 0, cols, label);
	int width = cols - used - 1;
	if (r->total > 0 && width > 3) {
		double frac = (double)r->done / (double)r->total;
		frac = frac < 0 ? 0 : frac > 1 ? 1 : frac;
		int ta = tui_attr(t, ROLE_MUTED);
		wattron(w, ta);
		for (int i = 0; i < width; i++)
			tui_put(w, 0, used + i, 1,
				t->utf8 ? "\xe2\x96\x91" : "-"); /* light shade */
		wattroff(w, ta);
		/* The gauge over the cells it fills (as chart_win_gauge rounds, in eighths). */
		int eighths = (int)(frac * width * 8 + 0.5), filled = (eighths + 7) / 8;
		if (filled > 0)
			chart_win_gauge(t, w, 0, used, filled, (double)eighths / (8.0 * filled),
					tui_attr(t, ROLE_CHART));
	}
}

/* The bar in the bottom line: the report, then a gauge over its track (the part still to
 * do drawn too: a bar without a track reads as a line of text). bytes: done and total are
 * bytes and rows the rows read. A job's sink records the report instead. */
static void draw_progress(struct console_sink *c, const char *what, int64_t done, int64_t total,
			  int bytes, int64_t rows)
{
	struct tui *t = c->t;
	double now = now_seconds();
	if (strcmp(c->phase, what) != 0) {
		/* A phase began when the previous one last reported (or the command began). */
		snprintf(c->phase, sizeof c->phase, "%s", what);
		c->t0 = c->last;
		c->last = 0;
	}
	if (now - c->last < 0.05 || (!c->shared && !t->bar))
		return;
	c->last = now;
	if (c->shared) {
		pthread_mutex_lock(&c->shared->lock);
		snprintf(c->shared->what, sizeof c->shared->what, "%s", what);
		c->shared->report =
			(struct sink_progress_report){c->shared->what, done, total,
						      bytes,           rows, now - c->t0};
		c->shared->reported = 1;
		pthread_mutex_unlock(&c->shared->lock);
		return;
	}
	/* Keep Ctrl-C and resizes alive while the command holds the loop. */
	nodelay(stdscr, TRUE);
	int ch;
	while ((ch = getch()) != ERR) {
		if (ch == 3)
			*t->ctx.cancel = 1;
	}
	nodelay(stdscr, FALSE);
	struct sink_progress_report r = {what, done, total, bytes, rows, now - c->t0};
	progress_draw(t, t->bar, "", "", &r, "Ctrl-C cancels");
	wnoutrefresh(t->bar);
	doupdate();
}

static void c_progress(struct rd_sink *s, const char *what, int64_t done, int64_t total)
{
	draw_progress((struct console_sink *)s, what, done, total, 0, -1);
}

static void c_progress_bytes(struct rd_sink *s, const char *what, int64_t done, int64_t total,
			     int64_t rows)
{
	draw_progress((struct console_sink *)s, what, done, total, 1, rows);
}

static void c_free(struct rd_sink *s)
{
	struct console_sink *c = (struct console_sink *)s;
	sink_free(c->text);
	fclose(c->mem);
	free(c->buf);
	buf_free(&c->diags);
	free(c);
}

static const struct rd_sink_ops console_ops = {
	.begin = c_begin,
	.end = c_end,
	.table_begin = c_table_begin,
	.row = c_row,
	.table_end = c_table_end,
	.field = c_field,
	.message = c_message,
	.diag = c_diag,
	.progress = c_progress,
	.progress_bytes = c_progress_bytes,
	.free = c_free,
};

struct rd_sink *console_sink_new(struct tui *t, struct job_progress *shared)
{
	struct console_sink *c = rd_calloc(1, sizeof *c);
	c->base.ops = &console_ops;
	c->t = t;
	c->shared = shared;
	reopen(c);
	return &c->base;
}
