/* Text views, and the panes that show text: the Output view (what a command printed) and
 * the Log (runs and audit, newest first). A text view wraps its lines to the width (or
 * pans sideways), scrolls, finds text and says which lines it shows; a table's column
 * header stays at the top while its rows scroll. The `?` help (tui.c) is one too. (Models
 * and Drift have their own panes: pane_models.c, pane_drift.c.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "riskdesk/journal.h"
#include "tui.h"

#define LOG_ROWS 100 /* runs and audit rows the Log reads, each */
#define PAN_STEP 8   /* columns a Left or Right moves an unwrapped view */

struct tv_line {
	size_t off, len;   /* bytes of the buffer, without the newline */
	enum tv_role role; /* how it is drawn */
	int hang;          /* the column its wrapped rows start at; -1: hanging_indent's */
};

/* A screen row: all or part of a line. */
struct tv_row {
	int line;        /* its line */
	size_t off, len; /* bytes of the buffer */
	int indent;      /* columns before it (a wrapped line's hanging indent) */
};

struct textview {
	struct rd_buf buf;     /* the text */
	struct tv_line *lines; /* its lines, in order */
	int nlines, caplines;
	int open;            /* the last line has no newline yet: more text goes on it */
	struct tv_row *rows; /* the lines laid out for width */
	int nrows, caprows;
	int width;      /* of rows; 0: not laid out yet */
	int stale;      /* the text changed since rows were made */
	int top;        /* first row shown */
	size_t anchor;  /* byte of the top row: kept when the rows are made again */
	int page;       /* rows of text at the last draw */
	int wrap;       /* 1: long lines wrap; 0: they are cut, and pan */
	int left;       /* columns panned (not wrapping) */
	char find[128]; /* the text found, "" for none */
	size_t *match;  /* where it is in the buffer, ascending */
	int nmatch, capmatch;
	int cur; /* the current match */
};

/* ---- columns of UTF-8 text ---- */

/* Columns of the character at s (n bytes left) into *cols; returns its bytes. A byte that is
 * not UTF-8 is one column (tui_put shows '?'). */
static size_t char_at(const char *s, size_t n, int *cols)
{
	mbstate_t st;
	wchar_t wc;
	memset(&st, 0, sizeof st);
	size_t b = mbrtowc(&wc, s, n, &st);
	if (b == (size_t)-1 || b == (size_t)-2 || b == 0) {
		*cols = 1;
		return 1;
	}
	int w = wcwidth(wc);
	*cols = w < 0 ? 1 : w;
	return b;
}

static int text_width(const char *s, size_t len)
{
	int used = 0, c;
	for (size_t i = 0; i < len; used += c)
		i += char_at(s + i, len - i, &c);
	return used;
}

/* The bytes of s that fit in cols columns (whole characters). */
static size_t bytes_fitting(const char *s, size_t len, int cols)
{
	int used = 0, c;
	size_t i = 0;
	while (i < len) {
		size_t b = char_at(s + i, len - i, &c);
		if (used + c > cols)
			break;
		used += c;
		i += b;
	}
	return i;
}

/* ---- the text ---- */

struct textview *textview_new(void)
{
	struct textview *v = rd_calloc(1, sizeof *v);
	v->wrap = 1;
	return v;
}

void textview_free(struct textview *v)
{
	if (!v)
		return;
	buf_free(&v->buf);
	free(v->lines);
	free(v->rows);
	free(v->match);
	free(v);
}

void textview_clear(struct textview *v)
{
	buf_reset(&v->buf);
	v->nlines = v->nrows = v->nmatch = 0;
	v->open = v->top = v->left = v->cur = 0;
	v->anchor = 0;
	v->find[0] = '\0';
	v->stale = 1;
}

void textview_add(struct textview *v, enum tv_role role, const char *s, size_t len)
{
	size_t at = v->buf.len;
	buf_append(&v->buf, s, len);
	while (at < v->buf.len) {
		if (!v->open) {
			if (v->nlines == v->caplines) {
				v->caplines = v->caplines ? v->caplines * 2 : 64;
				v->lines = rd_realloc(v->lines,
						      (size_t)v->caplines * sizeof *v->lines);
			}
			v->lines[v->nlines++] = (struct tv_line){at, 0, role, -1};
		}
		struct tv_line *l = &v->lines[v->nlines - 1];
		const char *nl = memchr(v->buf.data + at, '\n', v->buf.len - at);
		size_t end = nl ? (size_t)(nl - v->buf.data) : v->buf.len;
		l->len = end - l->off;
		v->open = !nl;
		at = nl ? end + 1 : end;
	}
	v->stale = 1;
}

/* Appends s as one line, whose wrapped rows start at column hang (-1: as they may). */
static void textview_line(struct textview *v, enum tv_role role, const char *s, int hang)
{
	textview_add(v, role, s, strlen(s));
	textview_add(v, role, "\n", 1);
	v->lines[v->nlines - 1].hang = hang;
}

/* ---- laying lines out in rows ---- */

static void add_row(struct textview *v, int line, size_t off, size_t len, int indent)
{
	if (v->nrows == v->caprows) {
		v->caprows = v->caprows ? v->caprows * 2 : 64;
		v->rows = rd_realloc(v->rows, (size_t)v->caprows * sizeof *v->rows);
	}
	v->rows[v->nrows++] = (struct tv_row){line, off, len, indent};
}

/* Where a wrapped line's next rows start: under the value of its first row, after the last
 * run of two blanks there ("key   value", a table's last column), when that leaves room;
 * else under its first word. */
static int hanging_indent(const char *s, size_t first, int w)
{
	int lead = 0, col = -1;
	while ((size_t)lead < first && s[lead] == ' ')
		lead++;
	for (size_t i = 2; i < first; i++)
		if (s[i - 2] == ' ' && s[i - 1] == ' ' && s[i] != ' ')
			col = text_width(s, i);
	if (col >= 0 && col <= w * 2 / 3)
		return col;
	return lead <= w / 2 ? lead : 0;
}

static void wrap_line(struct textview *v, int li, int w)
{
	const struct tv_line *l = &v->lines[li];
	const char *s = v->buf.data + l->off;
	size_t len = l->len, at = 0;
	if (!v->wrap || w < 8 || text_width(s, len) <= w) {
		add_row(v, li, l->off, len, 0);
		return;
	}
	int indent = 0;
	while (at < len) {
		int avail = w - indent;
		size_t fit = bytes_fitting(s + at, len - at, avail), cut = fit;
		if (at + fit < len) { /* break at the last blank that fits, else inside the word */
			size_t b = at + fit;
			while (b > at && s[b] != ' ')
				b--;
			if (b > at)
				cut = b - at;
		}
		if (cut == 0) /* a character wider than the room */
			cut = char_at(s + at, len - at, &(int){0});
		size_t shown = cut;
		while (shown > 0 && s[at + shown - 1] == ' ')
			shown--;
		add_row(v, li, l->off + at, shown, at ? indent : 0);
		if (at == 0)
			indent = l->hang >= 0 && l->hang <= w / 2 ? l->hang
								  : hanging_indent(s, cut, w);
		at += cut;
		while (at < len && s[at] == ' ')
			at++;
	}
}

/* The row holding byte off (the last that starts at or before it). */
static int row_of(const struct textview *v, size_t off)
{
	int lo = 0, hi = v->nrows - 1, r = 0;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (v->rows[mid].off <= off) {
			r = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return r;
}

/* The column header that stays above the top row: the table's, when the top row is one of
 * its rows (below it, before the next heading). -1 for none. */
static int sticky_header(const struct textview *v, int at)
{
	if (!v->nrows)
		return -1;
	const struct tv_row *top = &v->rows[at];
	for (int i = top->line; i >= 0; i--) {
		if (v->lines[i].role == TV_HEADING)
			return -1;
		if (v->lines[i].role == TV_HEADER)
			return i == top->line && top->off == v->lines[i].off ? -1 : i;
	}
	return -1;
}

/* The last top row that still shows the whole page (a header that stays takes a row). */
static int last_top(const struct textview *v)
{
	int last = v->nrows > v->page ? v->nrows - v->page : 0;
	if (last > 0 && last < v->nrows - 1 && sticky_header(v, last) >= 0)
		last++;
	return last;
}

static void set_top(struct textview *v, int top)
{
	int last = last_top(v);
	v->top = top > last ? last : top < 0 ? 0 : top;
	v->anchor = v->nrows ? v->rows[v->top].off : 0;
}

/* Lays the lines out for width w, if they are not already; the top row stays. */
static void layout(struct textview *v, int w)
{
	if (v->width == w && !v->stale)
		return;
	v->nrows = 0;
	for (int i = 0; i < v->nlines; i++)
		wrap_line(v, i, w);
	v->width = w;
	v->stale = 0;
	set_top(v, row_of(v, v->anchor));
}

/* ---- finding ---- */

/* Brings the current match into view (a third down the page when it was out). */
static void reveal(struct textview *v)
{
	if (!v->nmatch)
		return;
	if (v->width)
		layout(v, v->width);
	size_t at = v->match[v->cur];
	if (!v->nrows) {
		v->anchor = at;
		return;
	}
	int r = row_of(v, at);
	if (r < v->top || r >= v->top + v->page)
		set_top(v, r - v->page / 3);
}

static void match_text(const struct textview *v, char *msg, size_t n)
{
	if (v->nmatch)
		snprintf(msg, n, "'%s': %d of %d  (n N: next, previous)", v->find, v->cur + 1,
			 v->nmatch);
	else
		snprintf(msg, n, "'%s' is not in the text", v->find);
}

int textview_find(struct textview *v, const char *text, char *msg, size_t n)
{
	size_t k = strlen(text);
	snprintf(v->find, sizeof v->find, "%s", text);
	v->nmatch = v->cur = 0;
	for (size_t i = 0; k > 0 && i + k <= v->buf.len; i++) {
		if (strncasecmp(v->buf.data + i, text, k) != 0 || memchr(v->buf.data + i, '\n', k))
			continue;
		if (v->nmatch == v->capmatch) {
			v->capmatch = v->capmatch ? v->capmatch * 2 : 64;
			v->match = rd_realloc(v->match, (size_t)v->capmatch * sizeof *v->match);
		}
		v->match[v->nmatch++] = i;
		i += k - 1;
	}
	/* The first match from the top of the view on, else from the start. */
	while (v->cur < v->nmatch && v->match[v->cur] < v->anchor)
		v->cur++;
	if (v->cur == v->nmatch)
		v->cur = 0;
	reveal(v);
	match_text(v, msg, n);
	return v->nmatch ? 0 : -1;
}

/* ---- keys and drawing ---- */

int textview_key(struct textview *v, struct tui *t, int ch)
{
	int page = v->page > 0 ? v->page : 1;
	char msg[256];
	switch (ch) {
	case 'j':
	case KEY_DOWN: set_top(v, v->top + 1); break;
	case 'k':
	case KEY_UP: set_top(v, v->top - 1); break;
	case KEY_NPAGE:
	case ' ': set_top(v, v->top + page); break;
	case KEY_PPAGE: set_top(v, v->top - page); break;
	case 'g':
	case KEY_HOME: set_top(v, 0); break;
	case 'G':
	case KEY_END: set_top(v, last_top(v)); break;
	case 'n':
	case 'N':
		if (!v->find[0]) {
			tui_status(t, 0, "nothing to find yet: / then the text");
			break;
		}
		if (v->nmatch)
			v->cur = (v->cur + (ch == 'n' ? 1 : v->nmatch - 1)) % v->nmatch;
		reveal(v);
		match_text(v, msg, sizeof msg);
		tui_status(t, !v->nmatch, "%s", msg);
		break;
	case 'w':
		v->wrap = !v->wrap;
		v->left = 0;
		v->stale = 1;
		tui_status(t, 0, "%s",
			   v->wrap ? "long lines wrap" : "long lines are cut: Left Right pan");
		break;
	case KEY_LEFT:
	case KEY_RIGHT:
		if (v->wrap)
			return PK_UNHANDLED;
		v->left += ch == KEY_RIGHT ? PAN_STEP : -PAN_STEP;
		if (v->left < 0)
			v->left = 0;
		break;
	default: return PK_UNHANDLED;
	}
	return PK_DONE | PK_REDRAW;
}

static int role_attr(const struct tui *t, enum tv_role role)
{
	switch (role) {
	case TV_HEADING: return tui_attr(t, ROLE_HEADER);
	case TV_HEADER: return tui_attr(t, ROLE_NORMAL) | A_BOLD;
	case TV_TEXT: break;
	}
	return tui_attr(t, ROLE_NORMAL);
}

/* Draws bytes [from, to) of the buffer at column x of row y, within w columns. */
static int put_bytes(const struct textview *v, WINDOW *win, int y, int x, int w, size_t from,
		     size_t to)
{
	if (to <= from || w <= 0)
		return 0;
	char *s = rd_strndup(v->buf.data + from, to - from);
	int used = tui_put(win, y, x, w, s);
	free(s);
	return used;
}

static void draw_row(const struct textview *v, const struct tui *t, WINDOW *win, int y, int w,
		     const struct tv_row *r, int attr)
{
	size_t from = r->off, to = r->off + r->len;
	int x = r->indent;
	if (!v->wrap && v->left > 0) /* panned: the first columns go */
		from += bytes_fitting(v->buf.data + from, to - from, v->left);
	wattron(win, attr);
	put_bytes(v, win, y, x, w - x, from, to);
	wattroff(win, attr);
	/* The matches on the row; the current one stands out. */
	size_t k = strlen(v->find);
	for (int i = 0; k && i < v->nmatch; i++) {
		size_t m0 = v->match[i], m1 = m0 + k;
		if (m1 <= from || m0 >= to)
			continue;
		if (m0 < from)
			m0 = from;
		if (m1 > to)
			m1 = to;
		int mx = x + text_width(v->buf.data + from, m0 - from);
		int ma = i == v->cur ? tui_attr(t, ROLE_SELECTION) | A_REVERSE
				     : attr | A_UNDERLINE | A_BOLD;
		if (mx >= w)
			continue;
		wattron(win, ma);
		put_bytes(v, win, y, mx, w - mx, m0, m1);
		wattroff(win, ma);
	}
}

void textview_draw(struct textview *v, struct tui *t, WINDOW *win, int y, int h, int w,
		   const char *title, int title_attr)
{
	if (h < 1 || w < 1)
		return;
	layout(v, w);
	v->page = h - 1 > 0 ? h - 1 : 1;
	set_top(v, v->top);
	int head = sticky_header(v, v->top);
	int body = h - 1 - (head >= 0), shown = v->nrows - v->top < body ? v->nrows - v->top : body;
	if (shown < 0)
		shown = 0;

	/* The title, and on the right which lines show. */
	char where[96];
	const char *dash = t->utf8 ? "\xe2\x80\x93" : "-";
	if (v->nrows == 0)
		snprintf(where, sizeof where, " (empty) ");
	else
		snprintf(where, sizeof where, " lines %d%s%d of %d%s ", shown ? v->top + 1 : v->top,
			 dash, v->top + shown, v->nrows,
			 v->wrap   ? ""
			 : v->left ? "  (cut, panned)"
				   : "  (cut)");
	int ww = text_width(where, strlen(where));
	wattron(win, title_attr);
	tui_clear_to(win, y, 0, w);
	int tw = tui_put(win, y, 0, w, title);
	if (tw + ww <= w)
		tui_put(win, y, w - ww, ww, where);
	wattroff(win, title_attr);

	int row = y + 1;
	if (head >= 0) {
		const struct tv_row hr = {head, v->lines[head].off, v->lines[head].len, 0};
		draw_row(v, t, win, row++, w, &hr, role_attr(t, TV_HEADER) | A_UNDERLINE);
	}
	for (int i = 0; i < shown; i++) {
		const struct tv_row *r = &v->rows[v->top + i];
		draw_row(v, t, win, row + i, w, r, role_attr(t, v->lines[r->line].role));
	}
}

/* ---- the panes ---- */

static struct textview *view_of(struct pane *p)
{
	if (!p->state)
		p->state = textview_new();
	return p->state;
}

struct textview *pane_textview(struct pane *p)
{
	return p->ops == &pane_output_ops || p->ops == &pane_log_ops ? view_of(p) : NULL;
}

void output_clear(struct pane *p)
{
	textview_clear(view_of(p));
	p->dirty = 1;
}

void output_append(struct pane *p, const char *s, size_t len)
{
	textview_add(view_of(p), TV_TEXT, s, len);
	p->dirty = 1;
}

static int text_key(struct pane *p, struct tui *t, int ch)
{
	return textview_key(view_of(p), t, ch);
}

static void text_mouse(struct pane *p, struct tui *t, int y, int x, int wheel)
{
	(void)y;
	(void)x;
	for (int i = 0; i < 3 && wheel; i++)
		text_key(p, t, wheel > 0 ? KEY_DOWN : KEY_UP);
}

static void text_free(struct pane *p)
{
	textview_free(p->state);
	p->state = NULL;
}

static void text_draw(struct pane *p, struct tui *t, const char *title)
{
	int a = tui_attr(t, t->focus == (int)(p - t->panes) ? ROLE_FOCUS : ROLE_HEADER);
	textview_draw(view_of(p), t, p->win, 0, p->h, p->w, title, a);
}

static void output_draw(struct pane *p, struct tui *t)
{
	text_draw(p, t, " Output");
}

static void output_reload(struct pane *p, struct tui *t)
{
	(void)t;
	view_of(p);
}

const struct pane_ops pane_output_ops = {
	.name = "Output",
	.draw = output_draw,
	.key = text_key,
	.reload = output_reload,
	.mouse = text_mouse,
	.free = text_free,
};

/* ---- the Log ---- */

static int log_width; /* the width the Log's text was made for (there is one Log) */

#define LOG_COLS 9

/* A log's rows as text, and the widest of each column. */
struct log_table {
	char **cell; /* n rows of LOG_COLS cells */
	int n, cap;
	int width[LOG_COLS];
};

static void log_add(struct log_table *lt, const char *const *cells, int ncols)
{
	if (lt->n == lt->cap) {
		lt->cap = lt->cap ? lt->cap * 2 : 32;
		lt->cell = rd_realloc(lt->cell, (size_t)lt->cap * LOG_COLS * sizeof *lt->cell);
	}
	for (int c = 0; c < LOG_COLS; c++) {
		const char *s = c < ncols && cells[c] ? cells[c] : "";
		lt->cell[lt->n * LOG_COLS + c] = rd_strdup(s);
		int w = text_width(s, strlen(s));
		if (w > lt->width[c])
			lt->width[c] = w;
	}
	lt->n++;
}

static void log_free(struct log_table *lt)
{
	for (int i = 0; i < lt->n * LOG_COLS; i++)
		free(lt->cell[i]);
	free(lt->cell);
}

/* "2026-12-05T16:14:05Z" as "2026-12-05 16:14:05". */
static void log_time(const char *iso, char *out, size_t n)
{
	snprintf(out, n, "%s", iso ? iso : "");
	char *t = strchr(out, 'T'), *z = strchr(out, 'Z');
	if (t)
		*t = ' ';
	if (z)
		*z = '\0';
}

/* A row of n cells, each padded to its column's width (right-aligned where right[c]); the
 * table's last column (c == last) as it is. */
static void log_format(struct rd_buf *b, const struct log_table *lt, const char *const *cells,
		       const int *right, int n, int last)
{
	buf_reset(b);
	for (int c = 0; c < n; c++) {
		int pad = lt->width[c] - text_width(cells[c], strlen(cells[c]));
		if (c == last)
			buf_printf(b, "%s", cells[c]);
		else if (right[c])
			buf_printf(b, "%*s%s  ", pad, "", cells[c]);
		else
			buf_printf(b, "%s%*s  ", cells[c], pad, "");
	}
}

/* A section of the Log for width w: its heading, its columns' header (which stays at the
 * top while its rows scroll), and a row per entry, whose last column (a command line) goes
 * on a line of its own below when the row leaves it less than a third of the width; its
 * message (or detail) follows, marked, on a line of its own. */
static void log_section(struct textview *v, const struct tui *t, int w, const char *heading,
			const char *const *head, const int *right, int ncols, struct log_table *lt,
			const char *empty)
{
	struct rd_buf b = {0};
	textview_line(v, TV_HEADING, heading, -1);
	if (lt->n == 0) {
		textview_line(v, TV_TEXT, empty, -1);
		return;
	}
	int last = 0; /* the column the last one starts at */
	for (int c = 0; c < ncols; c++) {
		int hw = text_width(head[c], strlen(head[c]));
		if (hw > lt->width[c])
			lt->width[c] = hw;
		if (c < ncols - 1)
			last += lt->width[c] + 2;
	}
	int apart = w - last < w / 3, indent = lt->width[0] + 2;
	const char *mark = t->utf8 ? "\xe2\x86\x92 " : "-> ";
	log_format(&b, lt, head, right, apart ? ncols - 1 : ncols, ncols - 1);
	textview_line(v, TV_HEADER, b.data, -1);
	for (int i = 0; i < lt->n; i++) {
		char **row = &lt->cell[i * LOG_COLS];
		log_format(&b, lt, (const char *const *)row, right, apart ? ncols - 1 : ncols,
			   ncols - 1);
		textview_line(v, TV_TEXT, b.data, apart ? -1 : last);
		if (apart) {
			buf_reset(&b);
			buf_printf(&b, "%*s%s", indent, "", row[ncols - 1]);
			textview_line(v, TV_TEXT, b.data, indent);
		}
		if (row[ncols][0]) {
			buf_reset(&b);
			buf_printf(&b, "%*s%s%s", indent, "", mark, row[ncols]);
			textview_line(v, TV_TEXT, b.data, indent + 2 + !t->utf8);
		}
	}
	buf_free(&b);
}

static void log_reload(struct pane *p, struct tui *t)
{
	struct textview *v = view_of(p);
	struct log_table runs = {0}, audit = {0};
	struct rd_err err = {{0}};
	sqlite3_stmt *s = journal_runs(t->store, LOG_ROWS, 1, &err);
	while (s && sqlite3_step(s) == SQLITE_ROW) {
		char when[32], sec[32] = "";
		log_time((const char *)sqlite3_column_text(s, 4), when, sizeof when);
		if (sqlite3_column_type(s, 5) == SQLITE_FLOAT) /* measured */
			snprintf(sec, sizeof sec, "%.3f", sqlite3_column_double(s, 5));
		else if (sqlite3_column_type(s, 5) ==
			 SQLITE_INTEGER) /* whole seconds: an old run */
			snprintf(sec, sizeof sec, "%lld", (long long)sqlite3_column_int64(s, 5));
		const char *cells[] = {(const char *)sqlite3_column_text(s, 0),
				       (const char *)sqlite3_column_text(s, 1),
				       (const char *)sqlite3_column_text(s, 2),
				       (const char *)sqlite3_column_text(s, 3),
				       when,
				       sec,
				       (const char *)sqlite3_column_text(s, 7),
				       (const char *)sqlite3_column_text(s, 8)};
		log_add(&runs, cells, 8);
	}
	sqlite3_finalize(s);
	s = err.msg[0] ? NULL : journal_audit(t->store, LOG_ROWS, 1, &err);
	while (s && sqlite3_step(s) == SQLITE_ROW) {
		char when[32];
		log_time((const char *)sqlite3_column_text(s, 1), when, sizeof when);
		const char *cells[] = {(const char *)sqlite3_column_text(s, 0),
				       when,
				       (const char *)sqlite3_column_text(s, 2),
				       (const char *)sqlite3_column_text(s, 3),
				       (const char *)sqlite3_column_text(s, 4),
				       (const char *)sqlite3_column_text(s, 5)};
		log_add(&audit, cells, 6);
	}
	sqlite3_finalize(s);

	textview_clear(v);
	if (err.msg[0])
		textview_line(v, TV_TEXT, err.msg, -1);
	static const char *const run_head[] = {"id",      "kind",    "status", "rows",
					       "started", "seconds", "command"};
	static const int run_right[] = {1, 0, 0, 1, 0, 1, 0};
	log_section(v, t, p->w, "Runs, newest first", run_head, run_right, 7, &runs,
		    "No runs yet: a load, a recompute or a training is one.");
	textview_line(v, TV_TEXT, "", -1);
	static const char *const audit_head[] = {"id", "at", "user", "status", "command"};
	static const int audit_right[] = {1, 0, 0, 0, 0};
	log_section(v, t, p->w, "Audit, newest first", audit_head, audit_right, 5, &audit,
		    "Nothing audited yet.");
	log_free(&runs);
	log_free(&audit);
	log_width = p->w;
	p->dirty = 1;
}

static void log_draw(struct pane *p, struct tui *t)
{
	if (p->w != log_width) /* its rows are laid out for a width */
		log_reload(p, t);
	text_draw(p, t, " Log: runs and audit");
}

const struct pane_ops pane_log_ops = {
	.name = "Log",
	.draw = log_draw,
	.key = text_key,
	.reload = log_reload,
	.mouse = text_mouse,
	.free = text_free,
};
