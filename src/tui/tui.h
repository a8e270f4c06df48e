/* The console: panes over the store, a readline prompt, themes. Only src/tui includes
 * curses and readline. Keys act through command strings of the one command table. */
#ifndef RISKDESK_TUI_H
#define RISKDESK_TUI_H

#include <curses.h>
#include <pthread.h>
#include <stdint.h>

#include "riskdesk/browse.h"
#include "riskdesk/command.h"
#include "riskdesk/sink.h"
#include "riskdesk/stale.h"
#include "riskdesk/theme.h"

struct tui;
struct pane;

/* What a key handler asks the loop to do; handlers never draw. */
enum key_result {
	PK_UNHANDLED = 0,
	PK_DONE = 1 << 0,   /* handled */
	PK_REDRAW = 1 << 1, /* the pane must be drawn again */
	PK_SELECT = 1 << 2, /* the selected customer changed: dependent panes reload */
};

struct pane_ops {
	const char *name;                                  /* tab title */
	void (*draw)(struct pane *p, struct tui *t);       /* paint p->win */
	int (*key)(struct pane *p, struct tui *t, int ch); /* enum key_result bits */
	void (*reload)(struct pane *p, struct tui *t);     /* data changed underneath */
	/* Its size (p->h, p->w) may have changed: keep what is selected in view. May be NULL. */
	void (*resize)(struct pane *p, struct tui *t);
	void (*mouse)(struct pane *p, struct tui *t, int y, int x, int wheel); /* may be NULL */
	/* Deferred work (a count) done between keys, abandoned when a key arrives; returns
	 * 1 when the pane changed. May be NULL. */
	int (*idle)(struct pane *p, struct tui *t);
	/* A key binding's word {name} (the pane's selected model, its sort...): its value
	 * into out and 1, or 0 when the pane has none. May be NULL. */
	int (*arg)(struct pane *p, struct tui *t, const char *name, char *out, size_t n);
	void (*free)(struct pane *p);
};

struct pane {
	const struct pane_ops *ops;
	WINDOW *win;    /* NULL while hidden */
	int y, x, h, w; /* where it is on screen */
	int dirty;      /* draw at the next frame */
	int stale;      /* reload before it is next drawn (hidden panes reload lazily) */
	void *state;    /* owned by the pane */
};

enum pane_id {
	PANE_CUSTOMERS,
	PANE_ACTIVITY,
	PANE_PROFILE,
	PANE_DRIFT,
	PANE_MODELS,
	PANE_LOG,
	PANE_OUTPUT,
	PANE_REQUESTS,
	PANE_COUNT
};

struct tui {
	struct rd_store *store;
	struct rd_ctx ctx;    /* commands run in this context */
	struct rd_sink *sink; /* the console sink (console_sink.c) */
	struct pane panes[PANE_COUNT];
	int focus;      /* enum pane_id with the keyboard */
	int front;      /* the pane shown besides the default three, or -1 */
	int rows, cols; /* screen size */
	int single;     /* too small for the full layout: one pane at a time */
	int utf8;       /* the locale is UTF-8: block and braille characters */
	int colors;     /* 0, 8 or 256 */
	struct rd_theme theme;
	const char *themes_dir; /* the source or installed themes/, or NULL */
	char status[512];       /* the status line's message */
	int status_error;       /* it is an error */
	char selected[64];      /* the selected customer's id, "" for none */
	int quit;
	int help;                      /* the key and command overlay is shown */
	int zoom;                      /* the focused pane fills the screen (`zoom`) */
	int hooked;                    /* the command being run acted through a console hook */
	struct rd_console_hooks hooks; /* the console's side of the console-only commands */
	int prompting;                 /* the prompt has the keyboard */
	WINDOW *bar;                   /* the bottom line: status or prompt */
	WINDOW *tabs;                  /* the top line: pane titles */
	WINDOW *jobs;                  /* the line above the bar while a job runs, or NULL */
	struct tui_job *job;           /* the long command running on the worker thread, or NULL */
	struct stale_state stale;      /* what is out of date, checked before every frame */
};

/* Colour attribute of a semantic role. */
int tui_attr(const struct tui *t, enum theme_role role);
int tui_band_attr(const struct tui *t, char band);
/* Switches theme; 0 or -1 with err. */
int tui_set_theme(struct tui *t, const char *name, struct rd_err *err);
void tui_status(struct tui *t, int error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Asks a y/n question in the status line; 1 for y. */
int tui_confirm(struct tui *t, const char *question);
/* Runs a command line as typed at the prompt or bound to a key; results go to the pane
 * concerned or the output view, errors to the status line. */
void tui_run(struct tui *t, const char *line);
/* The same for a command and its arguments as words: a key passes the selected record's
 * id or name as one argument, never pasted into a line. */
void tui_run_words(struct tui *t, int argc, const char *const *argv);
/* 1 when a key is waiting: long idle work stops for it. */
int tui_input_pending(void);
/* Runs a read-only command for a pane and returns what it printed (caller frees), or
 * NULL with the error in the status line. */
char *tui_capture(struct tui *t, const char *line);
/* Marks every pane for reloading its data (after a command changed the store). */
void tui_reload_all(struct tui *t);
/* A new window (newwin's arguments) whose blanks are the theme's normal background: every
 * window the console makes comes from here, so an erased line, an empty area and text
 * drawn without a colour pair all show the theme's background (dark, light) and no cell
 * the terminal's own. */
WINDOW *tui_window(const struct tui *t, int h, int w, int y, int x);
/* Draws text clipped to width w at (y, x) of win; UTF-8 aware. Returns columns used. */
int tui_put(WINDOW *win, int y, int x, int w, const char *s);
/* Outside a UTF-8 locale, each em dash of s becomes '-' (in place). */
void tui_plain_dashes(const struct tui *t, char *s);
/* Fills the rest of the row from x with blanks. */
void tui_clear_to(WINDOW *win, int y, int x, int w);
/* A list's cursor moved by ch (j k arrows PgDn PgUp g G Home End), clamped to 0..n-1,
 * into *out: 1, or 0 when ch is no such key or the list is empty. */
int tui_list_move(int ch, int cursor, int n, int page, int *out);
/* A long pane's detail scrolled by ch (J K one line, } { to the next or previous section
 * start; sections ascending) from scroll, into *to: 1, or 0 when ch is no such key. */
int tui_detail_scroll(int ch, int scroll, const int *sections, int n, int *to);

/* Panes. */
extern const struct pane_ops pane_customers_ops, pane_activity_ops, pane_profile_ops,
	pane_drift_ops, pane_models_ops, pane_log_ops, pane_output_ops, pane_requests_ops;
/* The Requests pane's side of `filter` (pane_requests.c): e owned by the pane from now on
 * (NULL clears), whose text is text. */
void requests_set_filter(struct pane *p, struct tui *t, const char *text, struct rd_expr *e);
/* The customers pane's side of `select`, `filter`, `sort` and `search` (the console's
 * hooks, tui.c). */
/* Makes id the selected customer and the list's row: 1, or 0 when the list does not hold
 * it (why says so; the list stays, nothing highlighted), -1 with err. */
int customers_select(struct pane *p, struct tui *t, const char *id, char *why, size_t n,
		     struct rd_err *err);
/* The filter e (owned by the pane from now on; NULL clears), whose text is text. */
void customers_set_filter(struct pane *p, struct tui *t, const char *text, struct rd_expr *e);
void customers_sort(struct pane *p, struct tui *t, enum browse_sort sort, int desc);
/* A customer whose id or name holds text (NULL: the last search's), from the selected row
 * in direction dir (CMD_SEARCH_...), into found_id: 0, or -1 with err. Selecting the
 * customer the search began at puts the list back as it was (page and row). */
int customers_search(struct pane *p, struct tui *t, const char *text, int dir, char *found_id,
		     size_t n, struct rd_err *err);
/* Appends command output text to the output view and brings it forward. */
void output_append(struct pane *p, const char *text, size_t len);
void output_clear(struct pane *p);

/* A text view (pane_text.c): lines that wrap to the width (or, w, are cut and pan with Left
 * and Right), scroll, and find text (search TEXT, then n N); its title line says "lines
 * x-y of N" (rows on screen). The Output view, the Log and the `?` help are each one. */
struct textview;
enum tv_role {
	TV_TEXT,    /* plain */
	TV_HEADING, /* a section's title */
	TV_HEADER,  /* a table's column header: it stays at the top while the table scrolls */
};
struct textview *textview_new(void);
void textview_free(struct textview *v);
void textview_clear(struct textview *v);
/* Appends len bytes of s (lines; the last may go on later); role is that of the lines it
 * begins. */
void textview_add(struct textview *v, enum tv_role role, const char *s, size_t len);
/* Draws title (with title_attr, "lines x-y of N" on its right) at row y of win, and the
 * text in the h - 1 rows below, w columns wide. */
void textview_draw(struct textview *v, struct tui *t, WINDOW *win, int y, int h, int w,
		   const char *title, int title_attr);
/* Motion (j k arrows PgDn Space PgUp g G Home End), n N (the next, previous match), w
 * (wrap or not) and Left Right (pan): enum key_result bits. */
int textview_key(struct textview *v, struct tui *t, int ch);
/* Finds text (ASCII case ignored) from the top row on, brings the match into view and
 * highlights it; what was found goes into msg for the status line. 0, or -1 for none. */
int textview_find(struct textview *v, const char *text, char *msg, size_t n);
/* The text view of the Output or Log pane; NULL for the other panes. */
struct textview *pane_textview(struct pane *p);

/* A job's progress as its sink last reported it: written by the worker thread, read by
 * the main thread's jobs line, under lock. */
struct job_progress {
	pthread_mutex_t lock;
	char what[64]; /* report.what points here */
	struct sink_progress_report report;
	int reported; /* 0 until the first report */
};
/* The console sink: command output into the output view, progress bar in the bottom
 * line, Ctrl-C polled while a long command runs. With shared (a job's sink, on the worker
 * thread) it draws nothing and records the progress there instead. */
struct rd_sink *console_sink_new(struct tui *t, struct job_progress *shared);
/* Draws a progress report in the one-line window w: prefix, the report's words, suffix
 * when there is room, then the gauge over its track; short_prefix instead of prefix when
 * the gauge would have no room. */
void progress_draw(struct tui *t, WINDOW *w, const char *prefix, const char *short_prefix,
		   const struct sink_progress_report *r, const char *suffix);

/* Long commands on a worker thread (jobs.c), so the console stays live: one at a time. */
struct tui_job;
/* Starts line (of command cmd, CMD_LONG) as the job: 1 started, 0 when it must run in the
 * main thread instead (a database in memory has no second connection), -1 refused (a job
 * already runs; the status line says why). */
int job_start(struct tui *t, const char *line, const struct rd_cmd *cmd);
/* The job's command line, or NULL when none runs. */
const char *job_line(const struct tui *t);
/* Asks the job to stop (its command sees the cancel flag): 0, or -1 when none runs. */
int job_cancel(struct tui *t);
/* Called by the key loop: when the job has ended, joins it and finishes its command as
 * tui_run does; 1 when it ended now. */
int job_poll(struct tui *t);
/* Draws the jobs line (the window t->jobs) for the running job. */
void job_draw(struct tui *t);
/* Cancels the job, waits for it and frees it (quitting). */
void job_stop(struct tui *t);
/* Finishes a command that ran (inline or as a job): its output to the output view or the
 * status line, the panes reloaded after a write. */
void tui_finish(struct tui *t, const char *line, int status, const char *error, char *out,
		double seconds);
/* The text a command printed, since the last call (the caller frees it). */
char *console_sink_take(struct rd_sink *s);

/* The prompt: GNU readline through its callback interface. */
void prompt_init(struct tui *t);
void prompt_open(struct tui *t, const char *initial, const char *purpose);
void prompt_key(struct tui *t, int ch);
void prompt_draw(struct tui *t);
void prompt_done(struct tui *t);

#endif
