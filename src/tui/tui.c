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
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"

/* The console's page cache (KiB, negative): paging reads a few pages a key, and a small
 * cache keeps the console's memory the same at 10k and 1M customers. */
#define TUI_CACHE_PRAGMA "-4096"
#define FULL_MIN_COLS 80 /* below this, or FULL_MIN_ROWS, one pane at a time */
#define FULL_MIN_ROWS 24

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
		const struct theme_style *s = &t->theme.roles[r];
		short fg = t->colors >= 256 ? s->fg256 : s->fg8;
		short bg = t->colors >= 256 ? s->bg256 : s->bg8;
		init_pair((short)(r + 1), fg, bg);
	}
	bkgd((chtype)tui_attr(t, ROLE_NORMAL));
}

int tui_set_theme(struct tui *t, const char *name)
{
	struct rd_theme th;
	struct rd_err err = {{0}};
	if (getenv("NO_COLOR") && *getenv("NO_COLOR") && strcmp(name, "mono") != 0) {
		tui_status(t, 1, "NO_COLOR is set: the mono theme stays");
		return -1;
	}
	if (theme_load(name, t->themes_dir, &th, &err)) {
		tui_status(t, 1, "%s", err.msg);
		return -1;
	}
	t->theme = th;
	apply_theme(t);
	snprintf(t->ctx.settings.theme, sizeof t->ctx.settings.theme, "%s", name);
	for (int i = 0; i < PANE_COUNT; i++)
		t->panes[i].dirty = 1;
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


static void place(struct pane *p, int y, int x, int h, int w)
{
	p->y = y, p->x = x, p->h = h, p->w = w;
	p->win = newwin(h, w, y, x);
	p->dirty = 1;
}

/* Places the panes for the current size and front pane. */
static void layout(struct tui *t)
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
	t->tabs = t->bar = NULL;
	if (t->rows < 3 || t->cols < 10) {
		/* Too small for anything but the bar. */
		if (t->rows >= 1)
			t->bar = newwin(1, t->cols, t->rows - 1, 0);
		return;
	}
	t->tabs = newwin(1, t->cols, 0, 0);
	t->bar = newwin(1, t->cols, t->rows - 1, 0);
	int top = 1, h = t->rows - 2;
	struct pane *p = t->panes;
	int shown = t->single ? t->focus : t->front;
	if (shown >= 0 && (t->single || shown > PANE_PROFILE)) {
		place(&p[shown], top, 0, h, t->cols);
		if (!t->single && t->focus != shown)
			t->focus = shown;
		return;
	}
	int lw = t->cols * 11 / 20, rw = t->cols - lw;
	int ph = h * 3 / 5, ah = h - ph;
	place(&p[PANE_CUSTOMERS], top, 0, h, lw);
	place(&p[PANE_PROFILE], top, lw, ph, rw);
	place(&p[PANE_ACTIVITY], top + ph, lw, ah, rw);
	if (t->focus > PANE_PROFILE)
		t->focus = PANE_CUSTOMERS;
}

static void draw_tabs(struct tui *t)
{
	if (!t->tabs)
		return;
	werase(t->tabs);
	wbkgd(t->tabs, (chtype)tui_attr(t, ROLE_HEADER));
	int x = tui_put(t->tabs, 0, 0, t->cols, " riskdesk ");
	static const char *const keys[PANE_COUNT] = {"c", "a", "p", "d", "m", "l", "o"};
	for (int i = 0; i < PANE_COUNT && x < t->cols; i++) {
		char label[40];
		snprintf(label, sizeof label, " %s:%s ", keys[i], t->panes[i].ops->name);
		int a = i == t->focus ? tui_attr(t, ROLE_FOCUS) : tui_attr(t, ROLE_HEADER);
		wattron(t->tabs, a);
		x += tui_put(t->tabs, 0, x, t->cols - x, label);
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
	const char *msg = t->status[0] ? t->status : " ? keys  : command  q quit";
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

/* The keys, generated into the help overlay with the command table's summaries. */
static const struct {
	const char *key;
	const char *what;
} key_help[] = {
	{"j k, arrows", "move"},
	{"PgUp PgDn g G", "page, first, last"},
	{"Tab S-Tab", "next / previous pane"},
	{"Enter", "open (customer -> profile)"},
	{"/", "search by id or name"},
	{"s", "change the sort (id, name, score, band, activity)"},
	{"S", "reverse the sort"},
	{"f", "filter with the where language; empty clears"},
	{"r", "recompute <selected>"},
	{"R", "recompute all (asks first)"},
	{"c a p d m l o", "Customers Activity Profile Drift Models Log Output"},
	{"J K  { }", "Models, Drift: scroll the detail, previous / next section"},
	{"Enter  P  X", "Models: `model NAME@V` report, promote, retire (ask first)"},
	{"Enter  Esc", "Drift: the selected feature's bins (j k: next / previous), back"},
	{"u", "Drift: remake the report (when it is older than the profiles)"},
	{"Esc", "back to the default screen"},
	{":", "command prompt (Tab completes)"},
	{"?", "this help"},
	{"q", "quit"},
};

static void draw_help(struct tui *t)
{
	int h = t->rows - 2, w = t->cols;
	if (h < 1 || !t->tabs)
		return;
	WINDOW *win = newwin(h, w, 1, 0);
	werase(win);
	int y = 0;
	wattron(win, tui_attr(t, ROLE_HEADER));
	tui_put(win, y++, 0, w, " Keys  (any key closes)");
	wattroff(win, tui_attr(t, ROLE_HEADER));
	for (size_t i = 0; i < sizeof key_help / sizeof *key_help && y < h; i++, y++) {
		tui_put(win, y, 1, 16, key_help[i].key);
		tui_put(win, y, 18, w - 18, key_help[i].what);
	}
	if (y < h)
		y++;
	if (y < h) {
		wattron(win, tui_attr(t, ROLE_HEADER));
		tui_put(win, y++, 0, w, " Commands  (: then a command; help NAME for more)");
		wattroff(win, tui_attr(t, ROLE_HEADER));
	}
	for (const struct rd_cmd *const *c = rd_commands; *c && y < h; c++, y++) {
		tui_put(win, y, 1, 12, (*c)->name);
		tui_put(win, y, 13, w - 13, (*c)->summary);
	}
	wnoutrefresh(win);
	delwin(win);
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

void tui_show(struct tui *t, int id)
{
	if (t->single || id > PANE_PROFILE)
		show_front(t, id);
	else
		t->focus = id;
	for (int i = 0; i < PANE_COUNT; i++)
		t->panes[i].dirty = 1;
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

/* Keys of the whole console; pane keys first. */
static void on_key(struct tui *t, int ch)
{
	if (t->help) {
		t->help = 0;
		for (int i = 0; i < PANE_COUNT; i++)
			t->panes[i].dirty = 1;
		clear();
		wnoutrefresh(stdscr);
		return;
	}
	struct pane *p = &t->panes[t->focus];
	int r = p->win ? p->ops->key(p, t, ch) : PK_UNHANDLED;
	if (r & PK_REDRAW)
		p->dirty = 1;
	if (r & PK_SELECT)
		select_changed(t);
	if (r != PK_UNHANDLED)
		return;
	switch (ch) {
	case 'q': tui_run(t, "quit"); break;
	case '?': t->help = 1; break;
	case ':': prompt_open(t, "", "command"); break;
	case '/': prompt_open(t, "", "search"); break;
	case 'f': prompt_open(t, "", "filter"); break;
	case 's': customers_cycle_sort(&t->panes[PANE_CUSTOMERS], t); break;
	case 'r':
		if (!t->selected[0]) {
			tui_status(t, 1, "no customer selected");
			break;
		}
		tui_run_words(t, 3, (const char *const[]){"recompute", "--id", t->selected});
		break;
	case 'R':
		if (tui_confirm(t, "recompute every customer?"))
			tui_run(t, "recompute all");
		break;
	case '\t':
	case KEY_BTAB: {
		int n = t->single || t->front < 0 ? (t->single ? PANE_COUNT : PANE_PROFILE + 1) : 1;
		if (n == 1)
			break;
		int next = (t->focus + (ch == '\t' ? 1 : n - 1)) % n;
		if (t->single)
			show_front(t, next);
		else
			t->focus = next;
		for (int i = 0; i < PANE_COUNT; i++)
			t->panes[i].dirty = 1;
		break;
	}
	case 'c': show_front(t, PANE_CUSTOMERS); break;
	case 'a': tui_show(t, PANE_ACTIVITY); break;
	case 'p': tui_show(t, PANE_PROFILE); break;
	case 'd': show_front(t, PANE_DRIFT); break;
	case 'm':
		t->panes[PANE_MODELS].stale = 1; /* another console may have trained */
		show_front(t, PANE_MODELS);
		break;
	case 'l': show_front(t, PANE_LOG); break;
	case 'o': show_front(t, PANE_OUTPUT); break;
	case 27: show_front(t, t->single ? PANE_CUSTOMERS : -1); break;
	case KEY_RESIZE: layout(t); clear(); wnoutrefresh(stdscr); break;
	default: break;
	}
}

static void on_mouse(struct tui *t)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return;
	for (int i = 0; i < PANE_COUNT; i++) {
		struct pane *p = &t->panes[i];
		if (!p->win || ev.y < p->y || ev.y >= p->y + p->h || ev.x < p->x || ev.x >= p->x + p->w)
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

/* Commands whose results belong to a pane rather than the output view. */
static int run_in_pane(struct tui *t, int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[0], "show") == 0) {
		/* `show ID` selects the customer: its profile and activity come forward. */
		snprintf(t->selected, sizeof t->selected, "%s", argv[1]);
		select_changed(t);
		if (!t->single && t->front >= 0)
			show_front(t, -1);
		tui_show(t, PANE_PROFILE);
		return 1;
	}
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
	if (run_in_pane(t, argc, argv)) {
		cmd_argv_free(argv);
		return;
	}
	const struct rd_cmd *cmd = cmd_find(argv[0]);
	int is_theme = cmd && strcmp(cmd->name, "theme") == 0 && argc == 2;
	app_cancel = 0;
	double t0 = now_seconds();
	int long_work = cmd && (cmd->flags & CMD_LONG);
	struct rd_err ignored;
	if (long_work) /* loads and recomputes want the big page cache... */
		store_exec(t->store, "PRAGMA cache_size = -65536", &ignored);
	int status = cmd_run_line(&t->ctx, line);
	if (long_work) { /* ...browsing does not, and memory must not grow with the data */
		store_exec(t->store, "PRAGMA cache_size = " TUI_CACHE_PRAGMA, &ignored);
		sqlite3_db_release_memory(store_db(t->store));
	}
	char *out = console_sink_take(t->sink);
	if (status == RD_QUIT) {
		t->quit = 1;
	} else if (status != RD_OK) {
		tui_status(t, 1, "%s", t->ctx.err.msg);
		if (out && *out)
			output_append(&t->panes[PANE_OUTPUT], out, strlen(out));
	} else if (is_theme) {
		if (tui_set_theme(t, argv[1]) == 0)
			tui_status(t, 0, "theme %s", argv[1]);
	} else {
		int writes = cmd && (cmd->flags & CMD_WRITES);
		for (const char *const *w = cmd ? cmd->writing_subcommands : NULL; w && *w && argc > 1; w++)
			writes |= strcmp(*w, argv[1]) == 0; /* `drift baseline`, `rules import` */
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
			tui_status(t, 0, "%s: %.2f s  (Esc: back)", argv[0], now_seconds() - t0);
		} else {
			/* A write's effect shows in the panes; its report waits under `o`. */
			tui_status(t, 0, "%s: done in %.2f s%s", argv[0], now_seconds() - t0,
				   multi ? "  (o: report)" : "");
		}
		if (writes)
			tui_reload_all(t);
	}
	free(out);
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
		theme_mono(&t->theme); /* the built-in one: a user's mono.theme may not add colour */
	} else if (theme_load(theme, t->themes_dir, &t->theme, &terr)) {
		fprintf(stderr, "riskdesk: %s\n", terr.msg);
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

	store_exec(st, "PRAGMA cache_size = " TUI_CACHE_PRAGMA, &err);
	t->sink = console_sink_new(t);
	ctx_init(&t->ctx, st, t->sink);
	t->ctx.cancel = &app_cancel;
	snprintf(t->ctx.settings.theme, sizeof t->ctx.settings.theme, "%s", theme);
	const struct pane_ops *ops[PANE_COUNT] = {
		&pane_customers_ops, &pane_activity_ops, &pane_profile_ops, &pane_drift_ops,
		&pane_models_ops,    &pane_log_ops,      &pane_output_ops,
	};
	for (int i = 0; i < PANE_COUNT; i++)
		t->panes[i].ops = ops[i];
	layout(t);
	tui_reload_all(t);
	prompt_init(t);
	if (cfg_rc)
		tui_status(t, 1, "%s", err.msg);
	else
		tui_status(t, 0, "%s — ? keys, : command, q quit", store_path(st));

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
		int ch = getch();
		key_at = now_seconds();
		last_key = ch;
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
	endwin();
	sink_free(t->sink);
	if (trace)
		fclose(trace);
	return 0;
}
