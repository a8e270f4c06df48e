/* The console: screen set-up, layout, the key loop, the status line, running commands. */
#include "tui.h"

#include <langinfo.h>
#include <poll.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"

#define FULL_MIN_COLS 80 /* below this, or FULL_MIN_ROWS, one pane at a time */
#define FULL_MIN_ROWS 24
#define JOB_POLL_MS 100      /* the key loop's wake-up while a job runs */
#define JOBS_MIN_PANE_ROWS 6 /* fewer rows for the panes: the jobs line replaces the tabs */

static struct tui *the_tui; /* for the OOM hook and signal handlers */

static void on_sigint(int sig)
{
	(void)sig;
	app_cancel = 1; /* a long command polls it; idle, it is harmless */
}

static void restore_terminal(void)
{
	if (!isendwin())
		endwin();
}

int tui_attr(const struct tui *t, enum theme_role role)
{
	const struct theme_style *s = &t->theme.roles[role];
	int a = t->colors ? (int)COLOR_PAIR(role + 1) : 0;
	if (s->attrs & THEME_BOLD)
		a |= A_BOLD;
	if (s->attrs & THEME_DIM)
		a |= A_DIM;
	if (s->attrs & THEME_REVERSE)
		a |= A_REVERSE;
	if (s->attrs & THEME_UNDERLINE)
		a |= A_UNDERLINE;
	/* Without colours, focus and selection still need to stand out. */
	if (!t->colors && (role == ROLE_FOCUS || role == ROLE_SELECTION || role == ROLE_STATUS))
		a |= A_REVERSE;
	return a;
}

int tui_band_attr(const struct tui *t, char band)
{
	if (band < 'A' || band > 'E')
		return tui_attr(t, ROLE_MUTED);
	return tui_attr(t, (enum theme_role)(ROLE_BAND_A + (band - 'A')));
}

static void apply_theme(struct tui *t)
{
	if (!t->colors)
		return;
	for (int r = 0; r < ROLE_COUNT; r++) {
		short fg, bg; /* a role's `default` is normal's: one background everywhere */
		theme_colours(&t->theme, (enum theme_role)r, t->colors, &fg, &bg);
		init_pair((short)(r + 1), fg, bg);
	}
	bkgd((chtype)tui_attr(t, ROLE_NORMAL));
}

int tui_set_theme(struct tui *t, const char *name, struct rd_err *err)
{
	struct rd_theme th;
	if (getenv("NO_COLOR") && *getenv("NO_COLOR") && strcmp(name, "mono") != 0) {
		rd_err_set(err, "NO_COLOR is set: the mono theme stays");
		return -1;
	}
	if (theme_load(name, t->themes_dir, &th, err))
		return -1;
	t->theme = th;
	apply_theme(t);
	snprintf(t->ctx.settings.theme, sizeof t->ctx.settings.theme, "%s", name);
	for (int i = 0; i < PANE_COUNT; i++) {
		t->panes[i].dirty = 1;
		if (t->panes[i].win) /* the new normal's attributes under the blanks */
			wbkgd(t->panes[i].win, (chtype)tui_attr(t, ROLE_NORMAL));
	}
	clearok(curscr, TRUE);
	return 0;
}

void tui_status(struct tui *t, int error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->status, sizeof t->status, fmt, ap);
	va_end(ap);
	/* One line: the first line of a multi-line message. */
	char *nl = strchr(t->status, '\n');
	if (nl)
		*nl = '\0';
	t->status_error = error;
}

void tui_reload_all(struct tui *t)
{
	/* Visible panes reload now; hidden ones when they are next shown. */
	for (int i = 0; i < PANE_COUNT; i++) {
		t->panes[i].stale = 1;
		t->panes[i].dirty = 1;
	}
}

int tui_input_pending(void)
{
	struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
	return poll(&pfd, 1, 0) > 0;
}

static int interrupt_on_input(void *ud)
{
	(void)ud;
	return tui_input_pending();
}

/* Deferred pane work between keys; a key interrupts it (SQLite's progress handler). */
static int idle(struct tui *t)
{
	int changed = 0;
	sqlite3_progress_handler(store_db(t->store), 2000, interrupt_on_input, NULL);
	for (int i = 0; i < PANE_COUNT && !tui_input_pending(); i++) {
		struct pane *p = &t->panes[i];
		if (p->win && p->ops->idle && p->ops->idle(p, t)) {
			p->dirty = 1;
			changed = 1;
		}
	}
	sqlite3_progress_handler(store_db(t->store), 0, NULL, NULL);
	return changed;
}

static void place(const struct tui *t, struct pane *p, int y, int x, int h, int w)
{
	p->y = y, p->x = x, p->h = h, p->w = w;
	p->win = tui_window(t, h, w, y, x);
	p->dirty = 1;
}

/* Places the panes for the current size and front pane. */
static void place_panes(struct tui *t)
{
	getmaxyx(stdscr, t->rows, t->cols);
	t->single = t->cols < FULL_MIN_COLS || t->rows < FULL_MIN_ROWS;
	for (int i = 0; i < PANE_COUNT; i++) {
		if (t->panes[i].win)
			delwin(t->panes[i].win);
		t->panes[i].win = NULL;
		t->panes[i].dirty = 1;
	}
	if (t->tabs)
		delwin(t->tabs);
	if (t->bar)
		delwin(t->bar);
	if (t->jobs)
		delwin(t->jobs);
	t->tabs = t->bar = t->jobs = NULL;
	if (t->rows < 3 || t->cols < 10) {
		/* Too small for anything but the bar. */
		if (t->rows >= 1)
			t->bar = tui_window(t, 1, t->cols, t->rows - 1, 0);
		return;
	}
	t->tabs = tui_window(t, 1, t->cols, 0, 0);
	t->bar = tui_window(t, 1, t->cols, t->rows - 1, 0);
	int top = 1, h = t->rows - 2;
	if (t->job && h > JOBS_MIN_PANE_ROWS) { /* the jobs line, above the bar, while a job runs */
		h--;
		t->jobs = newwin(1, t->cols, t->rows - 2, 0);
	} else if (t->job) { /* no room for it: it takes the tab bar's place */
		delwin(t->tabs);
		t->tabs = NULL;
		t->jobs = newwin(1, t->cols, 0, 0);
	}
	struct pane *p = t->panes;
	int shown = t->single || t->zoom ? t->focus : t->front;
	if (shown >= 0 && (t->single || t->zoom || shown > PANE_PROFILE)) {
		place(t, &p[shown], top, 0, h, t->cols);
		if (!t->single && t->focus != shown)
			t->focus = shown;
		return;
	}
	int lw = t->cols * 11 / 20, rw = t->cols - lw;
	int ph = h * 3 / 5, ah = h - ph;
	place(t, &p[PANE_CUSTOMERS], top, 0, h, lw);
	place(t, &p[PANE_PROFILE], top, lw, ph, rw);
	place(t, &p[PANE_ACTIVITY], top + ph, lw, ah, rw);
	if (t->focus > PANE_PROFILE)
		t->focus = PANE_CUSTOMERS;
}

/* Places the panes, and tells those shown that their size may have changed. */
static void layout(struct tui *t)
{
	place_panes(t);
	for (int i = 0; i < PANE_COUNT; i++)
		if (t->panes[i].win && t->panes[i].ops->resize)
			t->panes[i].ops->resize(&t->panes[i], t);
}

static int text_cols(const char *s);

/* The top line: the title, each pane's key and name, and on the right what must not go
 * unnoticed: personal data shown (pii on) and a read-only database. When it does not
 * fit, in this order: the title goes, the names shorten, the indicators shorten, only the
 * focused pane keeps its name, the keys close up. A label is drawn whole or not at all. */
static void draw_tabs(struct tui *t)
{
	if (!t->tabs)
		return;
	static const char *const keys[PANE_COUNT] = {"c", "a", "p", "d", "m", "l", "o", "i"};
	static const char *const shorts[PANE_COUNT] = {"Cust",   "Act", "Prof", "Drift",
						       "Models", "Log", "Out",  "Req"};
	const char *ind[2] = {t->ctx.settings.pii ? "PII on" : NULL,
			      store_readonly(t->store) ? "read-only" : NULL};
	const char *ind_short[2] = {"PII", "RO"};
	int ind_attr[2] = {tui_attr(t, ROLE_ERROR), tui_attr(t, ROLE_DRIFT_MODERATE) | A_BOLD};
	char label[PANE_COUNT][40];
	/* 0 all, 1 no title, then the names shorten from the right one at a time (at 80
	 * columns only the last one: the default panes keep their names), then the short
	 * indicators, the keys, the keys closed up. */
	enum { SHORT1 = 2, INDS = SHORT1 + PANE_COUNT, KEYS, CLOSED };
	int level, x, right;
	for (level = 0; level <= CLOSED; level++) {
		int nshort = level < SHORT1 ? 0 : level >= INDS ? PANE_COUNT : level - SHORT1 + 1;
		x = level == 0 ? text_cols(" riskdesk ") : 0;
		for (int i = 0; i < PANE_COUNT; i++) {
			const char *name = i < PANE_COUNT - nshort ? t->panes[i].ops->name
								   : shorts[i];
			if (level >= KEYS && i != t->focus)
				snprintf(label[i], sizeof label[i],
					 level == CLOSED ? " %s" : " %s ", keys[i]);
			else
				snprintf(label[i], sizeof label[i], " %s:%s ", keys[i], name);
			x += text_cols(label[i]);
		}
		right = 0;
		for (int k = 0; k < 2; k++)
			if (ind[k])
				right += 2 + text_cols(level >= INDS ? ind_short[k] : ind[k]);
		if (x + right <= t->cols)
			break;
	}
	werase(t->tabs);
	wbkgd(t->tabs, (chtype)tui_attr(t, ROLE_HEADER));
	x = level == 0 ? tui_put(t->tabs, 0, 0, t->cols, " riskdesk ") : 0;
	right = t->cols;
	for (int k = 1; k >= 0; k--) {
		const char *text = level >= INDS ? ind_short[k] : ind[k];
		int w = ind[k] ? text_cols(text) : 0;
		if (!ind[k] || right - w - 1 < 0)
			continue;
		right -= w + 1;
		wattron(t->tabs, ind_attr[k]);
		tui_put(t->tabs, 0, right, w, text);
		wattroff(t->tabs, ind_attr[k]);
		right--;
	}
	for (int i = 0; i < PANE_COUNT; i++) {
		int w = text_cols(label[i]);
		if (x + w > right)
			break;
		int a = i == t->focus ? tui_attr(t, ROLE_FOCUS) : tui_attr(t, ROLE_HEADER);
		wattron(t->tabs, a);
		x += tui_put(t->tabs, 0, x, w, label[i]);
		wattroff(t->tabs, a);
	}
	wnoutrefresh(t->tabs);
}

/* A question waits in the status line (tui_confirm). */
static int bar_question;

/* Columns of UTF-8 text whose characters are each one column wide. */
static int text_cols(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

void tui_plain_dashes(const struct tui *t, char *s)
{
	if (t->utf8)
		return;
	char *at, *end = s + strlen(s);
	while ((at = strstr(s, "\xe2\x80\x94"))) {
		*at = '-';
		memmove(at + 1, at + 3, (size_t)(end - (at + 3)) + 1);
		end -= 2;
		s = at + 1;
	}
}

/* --- the key table (rd_key_bindings, cmd_console.c): key names, lookup, hints */

/* Names of the keys that are not one character. */
static const struct {
	const char *name;
	int code;
} key_names[] = {
	{"Enter", '\r'},     {"Enter", '\n'},     {"Enter", KEY_ENTER}, {"Esc", 27},
	{"Tab", '\t'},       {"S-Tab", KEY_BTAB}, {"Space", ' '},       {"Up", KEY_UP},
	{"Down", KEY_DOWN},  {"Left", KEY_LEFT},  {"Right", KEY_RIGHT}, {"PgUp", KEY_PPAGE},
	{"PgDn", KEY_NPAGE}, {"Home", KEY_HOME},  {"End", KEY_END},     {"BSpace", KEY_BACKSPACE},
	{"C-c", 3}, /* arrives as SIGINT (cbreak): the key loop passes it on as this key */
};

/* 1 when the key name (len bytes) is ch, 0 when not, -1 when it names no key. */
static int key_is(const char *name, size_t len, int ch)
{
	if (len == 1)
		return (unsigned char)name[0] == ch;
	int known = 0;
	for (size_t i = 0; i < sizeof key_names / sizeof *key_names; i++)
		if (strlen(key_names[i].name) == len &&
		    strncmp(key_names[i].name, name, len) == 0) {
			known = 1;
			if (key_names[i].code == ch)
				return 1;
		}
	return known ? 0 : -1;
}

static int binding_has(const struct rd_key_binding *b, int ch)
{
	for (const char *k = b->keys + strspn(b->keys, " "); *k; k += strspn(k, " ")) {
		size_t len = strcspn(k, " ");
		if (key_is(k, len, ch) == 1)
			return 1;
		k += len;
	}
	return 0;
}

/* Every key name of the table is one the console knows (checked at start). 0 or -1. */
static int check_key_names(struct rd_err *err)
{
	for (const struct rd_key_binding *b = rd_key_bindings; b->keys; b++)
		for (const char *k = b->keys + strspn(b->keys, " "); *k; k += strspn(k, " ")) {
			size_t len = strcspn(k, " ");
			if (key_is(k, len, -1) < 0) {
				rd_err_set(err, "key table: unknown key name '%.*s'", (int)len, k);
				return -1;
			}
			k += len;
		}
	return 0;
}

/* The binding of ch in pane (NULL: those that act everywhere), or NULL. */
static const struct rd_key_binding *binding_for(int ch, const char *pane)
{
	for (const struct rd_key_binding *b = rd_key_bindings; b->keys; b++)
		if ((pane ? b->pane && strcmp(b->pane, pane) == 0 : !b->pane) && binding_has(b, ch))
			return b;
	return NULL;
}

/* The key hints of the focused pane and of everywhere (of the help alone while it shows),
 * "? keys" joined by sep. */
static void key_hints(const struct tui *t, const char *sep, char *out, size_t n)
{
	size_t used = 0;
	const char *scope = t->help ? RD_KEYS_HELP : rd_console_panes[t->focus];
	out[0] = '\0';
	for (const struct rd_key_binding *b = rd_key_bindings; b->keys; b++) {
		if (!b->hint || (b->pane ? strcmp(b->pane, scope) != 0 : t->help))
			continue;
		int w = snprintf(out + used, n - used, "%s%.*s %s", used ? sep : "",
				 (int)strcspn(b->keys, " "), b->keys, b->hint);
		if (w < 0 || (size_t)w >= n - used)
			break;
		used += (size_t)w;
	}
}

static void draw_bar(struct tui *t)
{
	if (!t->bar)
		return;
	if (t->prompting) {
		prompt_draw(t);
		return;
	}
	werase(t->bar);
	int a = t->status_error ? tui_attr(t, ROLE_ERROR) : tui_attr(t, ROLE_STATUS);
	wbkgd(t->bar, (chtype)a);
	/* Stale profiles: the warning on the right, the message in what is left; but an error
	 * or a question keeps its whole line, beside the short form if it fits. */
	char hints[256] = " ";
	key_hints(t, "  ", hints + 1, sizeof hints - 1);
	const char *msg = t->status[0] ? t->status : hints;
	char warn[400] = "";
	stale_profiles_text(&t->stale, 1, warn + 1, sizeof warn - 2);
	int ww = 0;
	if (warn[1]) {
		warn[0] = ' ';
		strcat(warn, " ");
		ww = text_cols(warn);
		int mw = t->status_error || bar_question ? text_cols(msg) : 0;
		if (ww > t->cols - 10 || mw + ww > t->cols) { /* the short form */
			snprintf(warn, sizeof warn, " stale profiles \xe2\x80\x94 R ");
			ww = text_cols(warn);
		}
		if (mw + ww > t->cols)
			ww = mw >= t->cols ? 0 : t->cols - mw;
		tui_plain_dashes(t, warn);
	}
	tui_put(t->bar, 0, 0, t->cols - ww, msg);
	if (ww > 0) {
		int wa = tui_attr(t, ROLE_ERROR);
		wattron(t->bar, wa);
		tui_put(t->bar, 0, t->cols - ww, ww, warn);
		wattroff(t->bar, wa);
	}
	wnoutrefresh(t->bar);
}

static int pane_index(const char *name)
{
	for (int i = 0; i < PANE_COUNT; i++)
		if (strcmp(rd_console_panes[i], name) == 0)
			return i;
	return PANE_CUSTOMERS;
}

static void dirty_all(struct tui *t)
{
	for (int i = 0; i < PANE_COUNT; i++)
		t->panes[i].dirty = 1;
}

/* The `?` overlay: the key table (everywhere, then each pane's own and the help's; two to a
 * line when the screen is wide), then the commands' summaries. A text view, so it scrolls,
 * wraps and finds as the Output view does; made again for a new width. */
static struct textview *help_view;
static int help_width;

/* A binding as a line of the overlay: its keys in kw columns, then its note. */
static void help_item(struct rd_buf *b, const struct rd_key_binding *k, int kw)
{
	buf_reset(b);
	buf_printf(b, " %-*s  %s", kw, k->keys, k->note);
}

static void help_text(struct tui *t, int w)
{
	struct rd_buf item = {0}, line = {0};
	int kw = 0, colw = w >= 100 ? w / 2 : w;
	for (const struct rd_key_binding *b = rd_key_bindings; b->keys; b++)
		if ((int)strlen(b->keys) > kw)
			kw = (int)strlen(b->keys);
	textview_clear(help_view);
	const char *scope = NULL; /* "" for everywhere */
	int half = 0;             /* line holds a left column waiting for its right */
	for (const struct rd_key_binding *b = rd_key_bindings;; b++) {
		const char *here = b->keys ? (b->pane ? b->pane : "") : NULL;
		if (!here || !scope || strcmp(here, scope) != 0) {
			if (half)
				textview_add(help_view, TV_TEXT, line.data, line.len);
			if (half)
				textview_add(help_view, TV_TEXT, "\n", 1);
			half = 0;
			if (!here)
				break;
			const char *name = !*here ? "Everywhere"
					   : strcmp(here, RD_KEYS_HELP) == 0
						   ? "This help"
						   : t->panes[pane_index(here)].ops->name;
			buf_reset(&line);
			buf_printf(&line, "%s\n", name);
			textview_add(help_view, TV_HEADING, line.data, line.len);
			scope = here;
		}
		help_item(&item, b, kw);
		int cols = text_cols(item.data);
		if (colw == w || cols >= colw) { /* a line of its own */
			if (half)
				textview_add(help_view, TV_TEXT, line.data, line.len);
			if (half)
				textview_add(help_view, TV_TEXT, "\n", 1);
			half = 0;
			buf_putc(&item, '\n');
			textview_add(help_view, TV_TEXT, item.data, item.len);
		} else if (!half) {
			buf_reset(&line);
			buf_printf(&line, "%s%*s", item.data, colw - cols, "");
			half = 1;
		} else {
			buf_printf(&line, "%s\n", item.data);
			textview_add(help_view, TV_TEXT, line.data, line.len);
			half = 0;
		}
	}
	static const char commands[] = "Commands  (: then a command; help NAME for more)\n";
	textview_add(help_view, TV_HEADING, commands, sizeof commands - 1);
	for (const struct rd_cmd *const *c = rd_commands; *c; c++) {
		buf_reset(&item);
		buf_printf(&item, " %-10s  %s\n", (*c)->name, (*c)->summary);
		textview_add(help_view, TV_TEXT, item.data, item.len);
	}
	buf_free(&item);
	buf_free(&line);
	help_width = w;
}

static void draw_help(struct tui *t)
{
	int h = t->rows - 2, w = t->cols;
	if (h < 1 || !t->tabs)
		return;
	if (!help_view)
		help_view = textview_new();
	if (help_width != w)
		help_text(t, w);
	WINDOW *win = tui_window(t, h, w, 1, 0);
	werase(win);
	textview_draw(help_view, t, win, 0, h, w, " Keys and commands  (q closes, / finds)",
		      tui_attr(t, ROLE_HEADER));
	wnoutrefresh(win);
	delwin(win);
}

static void close_help(struct tui *t)
{
	t->help = 0;
	dirty_all(t);
	clear();
	wnoutrefresh(stdscr);
}

/* A key while the help shows: its own keys (find, next match, close), the motion keys; any
 * other key closes it. */
static void help_key(struct tui *t, int ch)
{
	const struct rd_key_binding *hb = binding_for(ch, RD_KEYS_HELP),
				    *gb = binding_for(ch, NULL);
	if (hb && ch == '/')
		prompt_open(t, "", "search");
	else if ((hb || (gb && !gb->command)) && help_view &&
		 textview_key(help_view, t, ch) != PK_UNHANDLED)
		return;
	else
		close_help(t);
}

static void frame(struct tui *t)
{
	/* Stage stdscr first (it only holds the background): getch() would otherwise
	 * refresh a touched stdscr over the panes. */
	wnoutrefresh(stdscr);
	draw_tabs(t);
	if (t->help) {
		draw_help(t);
	} else {
		for (int i = 0; i < PANE_COUNT; i++) {
			struct pane *p = &t->panes[i];
			if (p->win && p->stale) {
				p->stale = 0;
				if (p->ops->reload)
					p->ops->reload(p, t);
				p->dirty = 1;
			}
			if (!p->win || !p->dirty)
				continue;
			werase(p->win);
			p->ops->draw(p, t);
			wnoutrefresh(p->win);
			p->dirty = 0;
		}
	}
	job_draw(t);
	draw_bar(t);
	doupdate();
}

static void show_front(struct tui *t, int id)
{
	t->front = id > PANE_PROFILE ? id : -1;
	t->focus = id >= 0 ? id : PANE_CUSTOMERS;
	layout(t);
	clear();
	wnoutrefresh(stdscr);
}

/* Gives pane id the keyboard: the default three share the screen, the others come
 * forward; in the small layout each comes forward. A zoom ends. */
static void focus_pane(struct tui *t, int id)
{
	int zoomed = t->zoom;
	t->zoom = 0;
	if (id == PANE_MODELS)
		t->panes[PANE_MODELS].stale = 1; /* another console may have trained */
	if (t->single || zoomed || t->front >= 0 || id == PANE_CUSTOMERS || id > PANE_PROFILE)
		show_front(t, id);
	else
		t->focus = id;
	dirty_all(t);
}

/* The next (dir 1) or previous pane of those on screen (all of them, one at a time, in
 * the small layout); none beside a pane brought forward. */
static void cycle_pane(struct tui *t, int dir)
{
	int n = t->single ? PANE_COUNT : t->front < 0 ? PANE_PROFILE + 1 : 1;
	if (n > 1)
		focus_pane(t, (t->focus + (dir > 0 ? 1 : n - 1)) % n);
}

static void select_changed(struct tui *t)
{
	for (int i = PANE_ACTIVITY; i <= PANE_PROFILE; i++) {
		t->panes[i].stale = 1;
		t->panes[i].dirty = 1;
	}
}

int tui_confirm(struct tui *t, const char *question)
{
	tui_status(t, 0, "%s (y/n)", question);
	bar_question = 1;
	draw_bar(t);
	bar_question = 0;
	doupdate();
	int ch;
	while ((ch = getch()) == ERR || ch == KEY_RESIZE)
		;
	tui_status(t, 0, "%s", "");
	return ch == 'y' || ch == 'Y';
}

/* A binding's word {name}: 0 when it is no such word; else its value into out and 1, or
 * -1 with the reason in the status line (nothing selected). */
static int binding_value(struct tui *t, const char *word, char *out, size_t n)
{
	size_t len = strlen(word);
	char name[32];
	if (len < 3 || len - 2 >= sizeof name || word[0] != '{' || word[len - 1] != '}')
		return 0;
	snprintf(name, sizeof name, "%.*s", (int)(len - 2), word + 1);
	if (strcmp(name, "customer") == 0 && t->selected[0]) {
		snprintf(out, n, "%s", t->selected);
		return 1;
	}
	struct pane *f = &t->panes[t->focus];
	if (f->ops->arg && f->ops->arg(f, t, name, out, n))
		return 1;
	for (int i = 0; i < PANE_COUNT; i++) {
		struct pane *p = &t->panes[i];
		if (p->ops->arg && p->ops->arg(p, t, name, out, n))
			return 1;
	}
	tui_status(t, 1, "no %s selected", name);
	return -1;
}

/* Runs a key's command line: its {words} replaced by values as whole arguments, asked
 * first when the binding says so. */
static void run_binding(struct tui *t, const struct rd_key_binding *b)
{
	int argc;
	char **argv, *line = NULL;
	struct rd_err err = {{0}};
	if (cmd_split(b->command, &argc, &argv, &err)) {
		tui_status(t, 1, "%s", err.msg);
		return;
	}
	for (int i = 0; i < argc; i++) {
		char value[320];
		int rc = binding_value(t, argv[i], value, sizeof value);
		if (rc < 0)
			goto out;
		if (rc > 0) {
			free(argv[i]);
			argv[i] = rd_strdup(value);
		}
	}
	line = cmd_join(argc, (const char *const *)argv);
	if (b->ask) {
		char question[400];
		snprintf(question, sizeof question, "%s", *b->ask ? b->ask : line);
		if (!*b->ask)
			snprintf(question + strlen(question), sizeof question - strlen(question),
				 "?");
		if (!tui_confirm(t, question)) {
			if (b->declined)
				tui_status(t, 0, "%s", b->declined);
			goto out;
		}
	}
	tui_run(t, line);
out:
	free(line);
	cmd_argv_free(argv);
}

/* The focused pane's own handling of ch (motion); 1 when it took the key. */
static int pane_key(struct tui *t, int ch)
{
	struct pane *p = &t->panes[t->focus];
	int r = p->win ? p->ops->key(p, t, ch) : PK_UNHANDLED;
	if (r & PK_REDRAW)
		p->dirty = 1;
	if (r & PK_SELECT)
		select_changed(t);
	return r != PK_UNHANDLED;
}

/* The console's own keys of the table (those bound to no command and no pane). */
static void console_key(struct tui *t, int ch)
{
	switch (ch) {
	case '?':
		t->help = 1;
		tui_status(t, 0, "%s", ""); /* the bar shows the help's keys */
		break;
	case ':': prompt_open(t, "", "command"); break;
	case '/': prompt_open(t, "", "search"); break;
	case 'f': { /* the prompt starts with the filter (the queue's, there), to edit */
		char cur[256] = "";
		struct pane *cp =
			&t->panes[t->focus == PANE_REQUESTS ? PANE_REQUESTS : PANE_CUSTOMERS];
		cp->ops->arg(cp, t, "filter", cur, sizeof cur);
		prompt_open(t, cur, "filter");
		break;
	}
	default: break;
	}
}

/* A key, through the key table: the focused pane's binding, then the binding everywhere.
 * A binding without a command is the pane's own motion, else the console's own key. */
static void on_key(struct tui *t, int ch)
{
	if (t->help && ch != KEY_RESIZE) {
		help_key(t, ch);
		return;
	}
	if (ch == KEY_RESIZE) {
		layout(t);
		clear();
		wnoutrefresh(stdscr);
		return;
	}
	const struct rd_key_binding *pb = binding_for(ch, rd_console_panes[t->focus]);
	const struct rd_key_binding *gb = binding_for(ch, NULL);
	if (pb && pb->command) {
		run_binding(t, pb);
		return;
	}
	if ((pb || (gb && !gb->command)) && pane_key(t, ch))
		return;
	if (ch == 27 && t->zoom) /* Esc ends a zoom before it goes back (its note says so) */
		tui_run(t, "zoom");
	else if (gb && gb->command)
		run_binding(t, gb);
	else if (gb)
		console_key(t, ch);
}

static void on_mouse(struct tui *t)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON1_RELEASED)
		return; /* a click acts once, when pressed (a heading's second click reverses) */
	for (int i = 0; i < PANE_COUNT; i++) {
		struct pane *p = &t->panes[i];
		if (!p->win || ev.y < p->y || ev.y >= p->y + p->h || ev.x < p->x ||
		    ev.x >= p->x + p->w)
			continue;
		t->focus = i;
		int wheel = 0;
#ifdef BUTTON5_PRESSED
		if (ev.bstate & BUTTON4_PRESSED)
			wheel = -1;
		else if (ev.bstate & BUTTON5_PRESSED)
			wheel = 1;
#endif
		if (p->ops->mouse)
			p->ops->mouse(p, t, ev.y - p->y, ev.x - p->x, wheel);
		for (int j = 0; j < PANE_COUNT; j++)
			t->panes[j].dirty = 1;
	}
}

/* --- the console's hooks: its side of select, filter, search, sort, zoom, pane, show,
 * theme (command.h). Each says what it did through the command's sink. */

static int hook_select(void *ud, struct rd_ctx *ctx, const char *id, int show)
{
	struct tui *t = ud;
	char why[256];
	t->hooked = 1;
	int in_list = customers_select(&t->panes[PANE_CUSTOMERS], t, id, why, sizeof why,
				       &ctx->err);
	if (in_list < 0)
		return -1;
	select_changed(t);
	if (show)
		focus_pane(t, PANE_PROFILE);
	if (!in_list)
		sink_message(ctx->out, "%s", why);
	return 0;
}

static int hook_filter(void *ud, struct rd_ctx *ctx, const char *text, struct rd_expr *e)
{
	struct tui *t = ud;
	t->hooked = 1;
	if (t->focus == PANE_REQUESTS) { /* the queue's filter */
		requests_set_filter(&t->panes[PANE_REQUESTS], t, text, e);
		sink_message(ctx->out, "%s",
			     e ? "queue filtered (f then Enter on an empty line clears)"
			       : "queue filter cleared");
		return 0;
	}
	customers_set_filter(&t->panes[PANE_CUSTOMERS], t, text, e);
	select_changed(t);
	sink_message(ctx->out, "%s",
		     e ? "filtered (f then Enter on an empty line clears)" : "filter cleared");
	return 0;
}

static int hook_search(void *ud, struct rd_ctx *ctx, const char *text, int dir)
{
	struct tui *t = ud;
	char found[64];
	t->hooked = 1;
	/* The help, Output or Log in view: search finds in its text. */
	struct textview *v = t->help ? help_view : pane_textview(&t->panes[t->focus]);
	if (v && !text) { /* --next, --previous: the next, previous match in the text */
		textview_key(v, t, dir == CMD_SEARCH_PREVIOUS ? 'N' : 'n');
		return 0;
	}
	if (v) {
		char msg[256];
		if (textview_find(v, text, msg, sizeof msg)) {
			rd_err_set(&ctx->err, "%s", msg);
			return -1;
		}
		sink_message(ctx->out, "%s", msg);
		return 0;
	}
	if (customers_search(&t->panes[PANE_CUSTOMERS], t, text, dir, found, sizeof found,
			     &ctx->err))
		return -1;
	select_changed(t);
	sink_message(ctx->out, "found %s", found);
	return 0;
}

static int hook_sort(void *ud, struct rd_ctx *ctx, int key, int desc)
{
	struct tui *t = ud;
	t->hooked = 1;
	customers_sort(&t->panes[PANE_CUSTOMERS], t, (enum browse_sort)key, desc);
	select_changed(t);
	sink_message(ctx->out, "sorted by %s%s", browse_sort_name(key), desc ? " (desc)" : "");
	return 0;
}

static int hook_zoom(void *ud, struct rd_ctx *ctx)
{
	struct tui *t = ud;
	t->hooked = 1;
	t->zoom = !t->zoom;
	layout(t);
	clear();
	wnoutrefresh(stdscr);
	dirty_all(t);
	if (t->zoom)
		sink_message(ctx->out, "zoom: %s fills the screen (z or Esc: back)",
			     t->panes[t->focus].ops->name);
	else
		sink_message(ctx->out, "zoom off");
	return 0;
}

static int hook_pane(void *ud, struct rd_ctx *ctx, int pane)
{
	struct tui *t = ud;
	(void)ctx;
	t->hooked = 1;
	if (pane == CMD_PANE_NEXT || pane == CMD_PANE_PREVIOUS)
		cycle_pane(t, pane == CMD_PANE_NEXT ? 1 : -1);
	else if (pane >= 0 && pane < PANE_COUNT)
		focus_pane(t, pane);
	return 0;
}

static int hook_theme(void *ud, struct rd_ctx *ctx, const char *name)
{
	struct tui *t = ud;
	t->hooked = 1;
	return tui_set_theme(t, name, &ctx->err);
}

static int hook_cancel(void *ud, struct rd_ctx *ctx)
{
	struct tui *t = ud;
	t->hooked = 1;
	if (job_cancel(t)) {
		rd_err_set(&ctx->err, "cancel: nothing runs in the background");
		return -1;
	}
	sink_message(ctx->out, "cancelling \"%s\"", job_line(t));
	return 0;
}

static int hook_prompt(void *ud, struct rd_ctx *ctx, const char *text)
{
	struct tui *t = ud;
	(void)ctx;
	t->hooked = 1;
	prompt_open(t, text, "command");
	return 0;
}

void tui_run_words(struct tui *t, int argc, const char *const *argv)
{
	char *line = cmd_join(argc, argv);
	tui_run(t, line);
	free(line);
}

void tui_run(struct tui *t, const char *line)
{
	int argc;
	char **argv;
	struct rd_err err = {{0}};
	if (cmd_split(line, &argc, &argv, &err)) {
		tui_status(t, 1, "%s", err.msg);
		return;
	}
	if (argc == 0) {
		cmd_argv_free(argv);
		return;
	}
	const struct rd_cmd *cmd = cmd_find(argv[0]);
	int long_work = cmd && (cmd->flags & CMD_LONG);
	if (t->job && !long_work && cmd_line_writes(cmd, argc, (const char *const *)argv)) {
		/* It would wait for the job's lock with the console frozen: say so instead. */
		tui_status(t, 1, "%s: waits until \"%s\" ends (Ctrl-C or :cancel stops it)",
			   argv[0], job_line(t));
		cmd_argv_free(argv);
		return;
	}
	cmd_argv_free(argv);
	if (long_work) {
		int started = job_start(t, line, cmd);
		if (started != 0) {
			if (started > 0) {
				layout(t); /* room for the jobs line */
				tui_status(t, 0, "%s: running in the background (Ctrl-C cancels)",
					   cmd->name);
			}
			return;
		}
	}
	app_cancel = 0;
	t->hooked = 0;
	double t0 = now_seconds();
	int status = cmd_run_line(&t->ctx, line); /* long work: its own cache (store.h) */
	app_cancel = 0;                           /* a Ctrl-C for this command is spent */
	char *out = console_sink_take(t->sink);
	tui_finish(t, line, status, t->ctx.err.msg, out, now_seconds() - t0);
	free(out);
}

void tui_finish(struct tui *t, const char *line, int status, const char *error, char *out,
		double seconds)
{
	int argc = 0;
	char **argv = NULL;
	struct rd_err err = {{0}};
	if (cmd_split(line, &argc, &argv, &err) || argc == 0) { /* it was split before */
		cmd_argv_free(argv);
		return;
	}
	const struct rd_cmd *cmd = cmd_find(argv[0]);
	if (status == RD_QUIT) {
		char question[300];
		snprintf(question, sizeof question,
			 "\"%s\" runs in the background: stop it and quit?",
			 job_line(t) ? job_line(t) : "");
		t->quit = !t->job || tui_confirm(t, question);
	} else if (status != RD_OK) {
		tui_status(t, 1, "%s", error);
		if (out && *out)
			output_append(&t->panes[PANE_OUTPUT], out, strlen(out));
	} else if (t->hooked) {
		/* The console acted (select, sort, theme...): what it says is for the status line,
		 * and the output view keeps the last report. */
		if (out && *out)
			tui_status(t, 0, "%s", out);
	} else {
		int writes = cmd_line_writes(cmd, argc, (const char *const *)argv);
		char *nl = out ? strchr(out, '\n') : NULL;
		int multi = nl && nl[1];
		if (out && *out) {
			output_clear(&t->panes[PANE_OUTPUT]);
			output_append(&t->panes[PANE_OUTPUT], out, strlen(out));
		}
		if (out && *out && !multi) {
			tui_status(t, 0, "%s", out); /* one line fits the status line */
		} else if (multi && !writes) {
			/* A read command's table is what was asked for: show it. */
			show_front(t, PANE_OUTPUT);
			tui_status(t, 0, "%s: %.2f s  (Esc: back)", argv[0], seconds);
		} else {
			/* A write's effect shows in the panes; its report waits under `o`. */
			tui_status(t, 0, "%s: done in %.2f s%s", argv[0], seconds,
				   multi ? "  (o: report)" : "");
		}
		if (writes)
			tui_reload_all(t);
	}
	cmd_argv_free(argv);
	for (int i = 0; i < PANE_COUNT; i++)
		t->panes[i].dirty = 1;
}

char *tui_capture(struct tui *t, const char *line)
{
	int status = cmd_run_line(&t->ctx, line);
	char *out = console_sink_take(t->sink);
	if (status != RD_OK) {
		tui_status(t, 1, "%s", t->ctx.err.msg);
		free(out);
		return NULL;
	}
	return out;
}

/* In the order of enum pane_id and of rd_console_panes (command.h). */
static const struct pane_ops *const pane_ops[PANE_COUNT] = {
	&pane_customers_ops, &pane_activity_ops, &pane_profile_ops, &pane_drift_ops,
	&pane_models_ops,    &pane_log_ops,      &pane_output_ops,  &pane_requests_ops,
};

static const char *find_themes_dir(void)
{
	static const char *const dirs[] = {"themes", "/usr/local/share/riskdesk/themes",
					   "/usr/share/riskdesk/themes"};
	struct stat sb;
	for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
		if (stat(dirs[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			return dirs[i];
	return NULL;
}

int console_main(struct rd_store *st, const struct app_opts *o)
{
	static struct tui tui;
	struct tui *t = &tui;
	memset(t, 0, sizeof *t);
	the_tui = t;
	t->store = st;
	t->front = -1;
	t->themes_dir = find_themes_dir();
	const char *cs = nl_langinfo(CODESET);
	t->utf8 = cs && strcmp(cs, "UTF-8") == 0;

	/* The theme: --theme, else the config file, else default; NO_COLOR wins. */
	struct rd_config cfg = {{0}};
	struct rd_err err = {{0}};
	int cfg_rc = config_load(&cfg, &err);
	const char *theme = o->theme ? o->theme : cfg.theme[0] ? cfg.theme : "default";
	const char *no_color = getenv("NO_COLOR");
	struct rd_err terr = {{0}};
	if (no_color && *no_color) {
		theme = "mono";
		theme_mono(
			&t->theme); /* the built-in one: a user's mono.theme may not add colour */
	} else if (theme_load(theme, t->themes_dir, &t->theme, &terr)) {
		fprintf(stderr, "riskdesk: %s\n", terr.msg);
		return 2;
	}

	/* The key table names keys this console knows, and panes in its order. */
	struct rd_err kerr = {{0}};
	for (int i = 0; i < PANE_COUNT && !kerr.msg[0]; i++)
		if (!rd_console_panes[i] || strcasecmp(rd_console_panes[i], pane_ops[i]->name) != 0)
			rd_err_set(&kerr, "pane %d is %s, not %s", i, pane_ops[i]->name,
				   rd_console_panes[i] ? rd_console_panes[i] : "(none)");
	if (kerr.msg[0] || check_key_names(&kerr)) {
		fprintf(stderr, "riskdesk: %s\n", kerr.msg);
		return 2;
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);
	rd_set_oom_hook(restore_terminal);

	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mousemask(ALL_MOUSE_EVENTS, NULL);
	mouseinterval(0);
	if (has_colors() && !(no_color && *no_color) && strcmp(theme, "mono") != 0) {
		start_color();
		use_default_colors();
		t->colors = COLORS >= 256 ? 256 : 8;
	}
	apply_theme(t);

	t->sink = console_sink_new(t, NULL);
	ctx_init(&t->ctx, st, t->sink);
	t->ctx.cancel = &app_cancel;
	snprintf(t->ctx.settings.theme, sizeof t->ctx.settings.theme, "%s", theme);
	t->hooks = (struct rd_console_hooks){
		.ud = t,
		.select = hook_select,
		.filter = hook_filter,
		.search = hook_search,
		.sort = hook_sort,
		.zoom = hook_zoom,
		.pane = hook_pane,
		.theme = hook_theme,
		.cancel = hook_cancel,
		.prompt = hook_prompt,
	};
	t->ctx.console = &t->hooks;
	for (int i = 0; i < PANE_COUNT; i++)
		t->panes[i].ops = pane_ops[i];
	layout(t);
	tui_reload_all(t);
	prompt_init(t);
	char hints[256];
	key_hints(t, ", ", hints, sizeof hints);
	if (cfg_rc)
		tui_status(t, 1, "%s", err.msg);
	else
		tui_status(t, 0, "%s — %s", store_path(st), hints);

	/* RISKDESK_TRACE=FILE: the time to the first full screen and, per key, from the
	 * key's arrival to the end of its redraw; `make bench` reads it. */
	FILE *trace = NULL;
	const char *trace_path = getenv("RISKDESK_TRACE");
	if (trace_path && *trace_path)
		trace = fopen(trace_path, "w");
	double key_at = 0;
	int last_key = 0;
	while (!t->quit) {
		/* Cached: a few probes, and the counts again only when the store changed. */
		struct rd_err serr;
		if (stale_check(st, &t->stale, &serr))
			memset(&t->stale, 0, sizeof t->stale);
		frame(t);
		if (trace) {
			double now = now_seconds();
			if (key_at == 0)
				fprintf(trace, "first_frame %.6f\n", now - o->started);
			else
				fprintf(trace, "key %d %.6f\n", last_key, now - key_at);
			fflush(trace);
		}
		if (!t->prompting && idle(t))
			frame(t);
		/* While a job runs, wake up to draw its progress and to see it end. */
		timeout(t->job ? JOB_POLL_MS : -1);
		int ch = getch();
		key_at = now_seconds();
		last_key = ch;
		if (app_cancel) { /* Ctrl-C: the key's binding (`cancel`) */
			app_cancel = 0;
			const struct rd_key_binding *b = binding_for(3, NULL);
			if (b && b->command && t->job)
				tui_run(t, b->command);
		}
		if (job_poll(t)) {
			layout(t); /* the jobs line goes */
			dirty_all(t);
		}
		if (ch == ERR)
			continue;
		if (t->prompting && ch != KEY_RESIZE && ch != KEY_MOUSE) {
			prompt_key(t, ch);
			continue;
		}
		if (ch == KEY_MOUSE)
			on_mouse(t);
		else
			on_key(t, ch);
	}
	prompt_done(t);
	job_stop(t);
	for (int i = 0; i < PANE_COUNT; i++) {
		if (t->panes[i].win)
			delwin(t->panes[i].win);
		if (t->panes[i].ops->free)
			t->panes[i].ops->free(&t->panes[i]);
	}
	if (t->tabs)
		delwin(t->tabs);
	if (t->bar)
		delwin(t->bar);
	if (t->jobs)
		delwin(t->jobs);
	endwin();
	textview_free(help_view);
	help_view = NULL;
	sink_free(t->sink);
	if (trace)
		fclose(trace);
	return 0;
}
