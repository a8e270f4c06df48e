/* The prompt: GNU readline inside the screen through its callback interface. Keys come
 * from curses and are handed to readline one byte at a time; readline's redisplay draws
 * into the bottom line; completion asks the core (complete.h). What is typed runs as a
 * command of the table: the line itself, or `search TEXT` / `filter EXPR` with the text as
 * one argument. Commands, filters and searches each have their own history (and file). */
#include <errno.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/complete.h"
#include "tui.h"

static struct tui *pt;    /* the console readline serves */
static int pending = EOF; /* the byte readline reads next */
static char purpose[16];  /* "command", "search", "filter" */
static char prompt_text[32];
static char search_origin[64]; /* the customer selected when `/` opened */

/* One readline history per purpose, swapped in while its prompt is open. */
enum { HIST_COMMAND, HIST_FILTER, HIST_SEARCH, HIST_COUNT };
static const char *const hist_purpose[HIST_COUNT] = {"command", "filter", "search"};
static const char *const hist_file[HIST_COUNT] = {"history", "history-filter", "history-search"};
static char hist_dir[4096];                   /* where the files are, "" when nowhere */
static HISTORY_STATE *hist_saved[HIST_COUNT]; /* each history while another is in use */
static int hist_loaded[HIST_COUNT];
static int hist_current = -1;
static char matches_line[1024]; /* completion candidates shown above the prompt */
static FILE *devnull;

static int getc_from_curses(FILE *f)
{
	(void)f;
	int c = pending;
	pending = EOF;
	return c;
}

static int input_available(void)
{
	return pending != EOF;
}

static void no_prep(int meta)
{
	(void)meta;
}

static void no_deprep(void)
{
}

static void redisplay(void)
{
	if (pt)
		prompt_draw(pt);
}

static void hist_path(int h, char *out, size_t n)
{
	snprintf(out, n, "%s/%s", hist_dir, hist_file[h]);
}

/* Makes history h readline's (read from its file the first time). */
static void use_history(int h)
{
	if (h == hist_current)
		return;
	if (hist_current >= 0) {
		free(hist_saved[hist_current]);
		hist_saved[hist_current] = history_get_history_state();
	}
	if (hist_loaded[h]) {
		history_set_history_state(hist_saved[h]);
	} else {
		HISTORY_STATE fresh = {0};
		char path[4200];
		history_set_history_state(&fresh);
		stifle_history(1000);
		hist_path(h, path, sizeof path);
		if (hist_dir[0])
			read_history(path);
		hist_loaded[h] = 1;
	}
	hist_current = h;
	using_history();
}

static int hist_of(const char *what)
{
	for (int h = 0; h < HIST_COUNT; h++)
		if (strcmp(hist_purpose[h], what) == 0)
			return h;
	return HIST_COMMAND;
}

static void on_line(char *line)
{
	struct tui *t = pt;
	char what[16];
	snprintf(what, sizeof what, "%s", purpose);
	rl_callback_handler_remove();
	t->prompting = 0;
	matches_line[0] = '\0';
	curs_set(0);
	if (!line) /* Ctrl-D on an empty line */
		return;
	if (strcmp(what, "command") == 0) {
		if (*line) {
			add_history(line);
			tui_run(t, line);
		}
	} else if (strcmp(what, "search") == 0) {
		if (*line) {
			add_history(line);
			tui_run_words(t, 2, (const char *const[]){"search", line});
		}
	} else if (strcmp(what, "filter") == 0) { /* an empty line clears the filter */
		if (*line)
			add_history(line);
		tui_run_words(t, 2, (const char *const[]){"filter", line});
	}
	free(line);
	for (int i = 0; i < PANE_COUNT; i++)
		t->panes[i].dirty = 1;
}

static char **attempt_completion(const char *text, int start, int end)
{
	(void)start;
	(void)end;
	rl_attempted_completion_over = 1; /* never fall back to readline's own file names */
	if (strcmp(purpose, "command") != 0)
		return NULL;
	int ws = 0;
	char **cands = complete_line(pt->store, rl_line_buffer, rl_point, 200, &ws);
	if (!cands || !cands[0]) {
		complete_free(cands);
		return NULL;
	}
	int n = 0;
	while (cands[n])
		n++;
	/* readline wants [common prefix, matches..., NULL], all malloc'd. */
	char **out = malloc((size_t)(n + 2) * sizeof *out);
	if (!out) {
		complete_free(cands);
		return NULL;
	}
	size_t common = strlen(cands[0]);
	for (int i = 1; i < n; i++) {
		size_t k = 0;
		while (k < common && cands[i][k] == cands[0][k])
			k++;
		common = k;
	}
	if (common < strlen(text))
		common = strlen(text);
	out[0] = strndup(n == 1 ? cands[0] : cands[0], n == 1 ? strlen(cands[0]) : common);
	for (int i = 0; i < n; i++)
		out[i + 1] = strdup(cands[i]);
	out[n + 1] = NULL;
	complete_free(cands);
	if (n == 1) { /* a single match: readline uses out[0] only */
		free(out[1]);
		out[1] = NULL;
		/* A directory stays open, without a blank, so that the next Tab goes into it. */
		size_t len = strlen(out[0]);
		if (len > 0 && out[0][len - 1] == '/')
			rl_completion_suppress_append = 1;
	}
	return out;
}

static void display_matches(char **matches, int n, int max_len)
{
	(void)max_len;
	size_t used = 0;
	matches_line[0] = '\0';
	for (int i = 1; i <= n && used + 2 < sizeof matches_line; i++) {
		/* A path shows its last part, as a shell lists them ("data/", "orders.csv"). */
		const char *m = matches[i], *slash = NULL;
		for (const char *c = m; c[0] && c[1]; c++)
			if (c[0] == '/')
				slash = c;
		int w = snprintf(matches_line + used, sizeof matches_line - used, "%s%s",
				 i > 1 ? "  " : "", slash ? slash + 1 : m);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	redisplay();
}

static void history_dir(void)
{
	struct rd_buf b = {0};
	if (!xdg_dir("XDG_STATE_HOME", ".local/state", &b))
		buf_puts(&b, ".");
	buf_puts(&b, "/riskdesk/history");
	make_parent_dirs(b.data); /* private; a failure shows as history not being kept */
	snprintf(hist_dir, sizeof hist_dir, "%.*s", (int)(b.len - strlen("/history")), b.data);
	buf_free(&b);
}

void prompt_init(struct tui *t)
{
	pt = t;
	devnull = fopen("/dev/null", "w");
	rl_readline_name = "riskdesk";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = no_prep;
	rl_deprep_term_function = no_deprep;
	rl_getc_function = getc_from_curses;
	rl_input_available_hook = input_available;
	rl_redisplay_function = redisplay;
	rl_outstream = devnull;
	rl_attempted_completion_function = attempt_completion;
	rl_completion_display_matches_hook = display_matches;
	rl_completer_word_break_characters = " \t";
	rl_completer_quote_characters = "\"'";
	history_dir();
	use_history(HIST_COMMAND);
}

void prompt_open(struct tui *t, const char *initial, const char *what)
{
	snprintf(purpose, sizeof purpose, "%s", what);
	snprintf(prompt_text, sizeof prompt_text, "%s",
		 strcmp(what, "search") == 0   ? "/"
		 : strcmp(what, "filter") == 0 ? "filter: "
					       : ":");
	t->prompting = 1;
	matches_line[0] = '\0';
	snprintf(search_origin, sizeof search_origin, "%s", t->selected);
	use_history(hist_of(what));
	rl_callback_handler_install(prompt_text, on_line);
	if (initial && *initial)
		rl_insert_text(initial);
	curs_set(1);
	prompt_draw(t);
}

static void feed(const char *bytes)
{
	for (const char *b = bytes; *b && pt->prompting; b++) {
		pending = (unsigned char)*b;
		rl_callback_read_char();
	}
}

/* While searching: the list back at the customer selected when `/` opened (the console
 * restores its page too). */
static void back_to_origin(struct tui *t)
{
	if (search_origin[0] && strcmp(t->selected, search_origin) != 0)
		tui_run_words(t, 2, (const char *const[]){"select", search_origin});
}

static void key_to_readline(struct tui *t, int ch)
{
	switch (ch) {
	case 27: /* Esc: leave the prompt; a search goes back to where it began */
		rl_callback_handler_remove();
		t->prompting = 0;
		matches_line[0] = '\0';
		curs_set(0);
		if (strcmp(purpose, "search") == 0) {
			back_to_origin(t);
			tui_status(t, 0, "search cancelled");
		}
		for (int i = 0; i < PANE_COUNT; i++)
			t->panes[i].dirty = 1;
		return;
	case KEY_LEFT: feed("\033[D"); return;
	case KEY_RIGHT: feed("\033[C"); return;
	case KEY_UP: feed("\033[A"); return;
	case KEY_DOWN: feed("\033[B"); return;
	case KEY_HOME: feed("\001"); return;
	case KEY_END: feed("\005"); return;
	case KEY_DC: feed("\004"); return;
	case KEY_BACKSPACE:
	case 8: feed("\177"); return;
	case KEY_ENTER:
	case '\r': feed("\n"); return;
	default:
		if (ch >= 0 && ch < 256) {
			char one[2] = {(char)ch, 0};
			if (ch == 0)
				return;
			feed(one);
		}
	}
}

void prompt_key(struct tui *t, int ch)
{
	key_to_readline(t, ch);
	/* Search is incremental: every keystroke looks again from where the search began
	 * (deleting goes back), for the first match. */
	if (t->prompting && strcmp(purpose, "search") == 0 && rl_line_buffer) {
		back_to_origin(t);
		if (*rl_line_buffer)
			tui_run_words(t, 2, (const char *const[]){"search", rl_line_buffer});
	}
}

void prompt_draw(struct tui *t)
{
	WINDOW *bar = t->bar;
	if (!bar || !t->prompting)
		return;
	int cols = getmaxx(bar);
	werase(bar);
	wbkgd(bar, (chtype)tui_attr(t, ROLE_NORMAL));
	int plen = tui_put(bar, 0, 0, cols, prompt_text);
	const char *line = rl_line_buffer ? rl_line_buffer : "";
	int point = rl_point;
	int room = cols - plen - 1;
	if (room < 1)
		room = 1;
	/* Scroll horizontally so the cursor stays in view. */
	int first = point > room ? point - room : 0;
	tui_put(bar, 0, plen, cols - plen, line + first);
	if (matches_line[0] && t->rows >= 2) {
		WINDOW *m = tui_window(t, 1, cols, t->rows - 2, 0);
		wbkgd(m, (chtype)tui_attr(t, ROLE_STATUS));
		tui_put(m, 0, 0, cols, matches_line);
		wnoutrefresh(m);
		delwin(m);
	}
	wmove(bar, 0, plen + point - first < cols ? plen + point - first : cols - 1);
	wnoutrefresh(bar);
}

void prompt_done(struct tui *t)
{
	(void)t;
	if (t->prompting)
		rl_callback_handler_remove();
	for (int h = 0; h < HIST_COUNT && hist_dir[0]; h++) {
		char path[4200];
		if (!hist_loaded[h])
			continue;
		use_history(h);
		hist_path(h, path, sizeof path);
		write_history(path);
	}
	if (devnull)
		fclose(devnull);
	devnull = NULL;
}
