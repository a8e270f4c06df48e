/* The Requests pane (issue 13, item 6): the queue of credit requests as `requests` gives it
 * (queue.h: referred and pending first), filtered with the where language by `f`; the
 * selected request in detail as `request ID` prints it; the approval, referral and override
 * rates by band as `decisions` computes them, in the foot. Side by side when the pane is
 * wide, the detail under the list otherwise, the list alone when it is small. A and D open
 * the prompt with `decide ID approve|decline --note `, Enter shows the applicant (the key
 * table's; cmd_console.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/expr.h"
#include "riskdesk/queue.h"
#include "tui.h"

#define ROWS_MAX 5000  /* requests held; the title says when there are more */
#define SIDE_MIN_W 110 /* from this width the detail goes beside the list */
#define LIST_W 64      /* the list's width beside the detail */
#define FULL_MIN_H 8   /* below this height, the list alone */

struct qrow {
	char id[64];
	char customer[64];
	char name[64];
	char status[12];
	char band;     /* 0 for none */
	int score;     /* -1 for none */
	double amount; /* the request's */
	int term;      /* months */
};

struct requests {
	struct qrow *rows;      /* ROWS_MAX, owned */
	int n, more;            /* rows held; 1 when the queue has more */
	int cursor, top;        /* the selected row; the first shown */
	struct rd_expr *filter; /* owned */
	char filter_text[256];
	char shown[64]; /* the request whose detail is held */
	char *detail;   /* `request ID`'s text, owned */
	char **lines;   /* into detail */
	int nlines, scroll;
	struct queue_rate *rates; /* by band, then all; owned */
	size_t nrates;
};

/* Where things are for the pane's size. */
struct geometry {
	int list_y, list_rows, list_w;     /* the rows (under the column heads) */
	int det_y, det_x, det_rows, det_w; /* the detail (under its heading); rows 0: none */
	int foot_y;                        /* the rates, or -1 */
};

static struct requests *state(struct pane *p)
{
	struct requests *s = p->state;
	if (!s) {
		s = p->state = rd_calloc(1, sizeof *s);
		s->rows = rd_calloc(ROWS_MAX, sizeof *s->rows);
	}
	return s;
}

static void geometry(const struct pane *p, struct geometry *g)
{
	memset(g, 0, sizeof *g);
	g->foot_y = -1;
	g->list_y = 2; /* the title, the column heads */
	g->list_w = p->w;
	if (p->h < FULL_MIN_H) {
		g->list_rows = p->h - 2 > 0 ? p->h - 2 : 0;
		return;
	}
	g->foot_y = p->h - 1;
	int body = p->h - 1 - g->list_y; /* rows between the heads and the foot */
	if (p->w >= SIDE_MIN_W) {
		g->list_w = LIST_W;
		g->list_rows = body;
		g->det_y = 2; /* its heading on the column heads' row */
		g->det_x = LIST_W + 1;
		g->det_w = p->w - g->det_x;
		g->det_rows = p->h - 1 - g->det_y;
		return;
	}
	g->list_rows = body * 2 / 5 > 3 ? body * 2 / 5 : 3;
	g->det_y = g->list_y + g->list_rows + 1; /* under its heading */
	g->det_x = 0;
	g->det_w = p->w;
	g->det_rows = g->foot_y - g->det_y;
	if (g->det_rows < 1)
		g->det_rows = 0;
}

static void free_detail(struct requests *s)
{
	free(s->detail);
	free(s->lines);
	s->detail = NULL;
	s->lines = NULL;
	s->nlines = s->scroll = 0;
	s->shown[0] = '\0';
}

/* The selected request's detail: the text `request ID` prints (one owner of what it shows). */
static void load_detail(struct pane *p, struct tui *t)
{
	struct requests *s = state(p);
	if (s->n == 0) {
		free_detail(s);
		return;
	}
	const char *id = s->rows[s->cursor].id;
	if (s->detail && strcmp(s->shown, id) == 0)
		return;
	free_detail(s);
	char *line = cmd_join(2, (const char *const[]){"request", id});
	s->detail = tui_capture(t, line);
	free(line);
	snprintf(s->shown, sizeof s->shown, "%s", id);
	if (!s->detail)
		return;
	int cap = 64;
	s->lines = rd_malloc((size_t)cap * sizeof *s->lines);
	for (char *at = s->detail; *at;) {
		if (s->nlines == cap)
			s->lines = rd_realloc(s->lines, (size_t)(cap *= 2) * sizeof *s->lines);
		s->lines[s->nlines++] = at;
		char *nl = strchr(at, '\n');
		if (!nl)
			break;
		*nl = '\0';
		at = nl + 1;
	}
}

static void load(struct pane *p, struct tui *t)
{
	struct requests *s = state(p);
	struct rd_err err = {{0}};
	struct queue_filter f = {.where = s->filter, .limit = ROWS_MAX + 1};
	s->n = s->more = 0;
	sqlite3_stmt *q = queue_prepare(t->store, &f, &err);
	if (!q) {
		tui_status(t, 1, "requests: %s", err.msg);
		return;
	}
	while (sqlite3_step(q) == SQLITE_ROW) {
		if (s->n == ROWS_MAX) {
			s->more = 1;
			break;
		}
		struct qrow *r = &s->rows[s->n++];
		const unsigned char *v;
#define TEXT(field, col)                                                                           \
	v = sqlite3_column_text(q, col);                                                           \
	snprintf(r->field, sizeof r->field, "%s", v ? (const char *)v : "")
		TEXT(id, QUEUE_ID);
		TEXT(customer, QUEUE_CUSTOMER);
		TEXT(name, QUEUE_NAME);
		TEXT(status, QUEUE_STATUS);
#undef TEXT
		v = sqlite3_column_text(q, QUEUE_BAND);
		r->band = v ? (char)v[0] : 0;
		r->score = sqlite3_column_type(q, QUEUE_SCORE) == SQLITE_NULL
				   ? -1
				   : sqlite3_column_int(q, QUEUE_SCORE);
		r->amount = sqlite3_column_double(q, QUEUE_AMOUNT);
		r->term = sqlite3_column_int(q, QUEUE_TERM);
	}
	sqlite3_finalize(q);
	free(s->rates);
	s->rates = NULL;
	s->nrates = 0;
	if (queue_rates(t->store, QUEUE_BY_BAND, &s->rates, &s->nrates, &err))
		tui_status(t, 1, "decisions: %s", err.msg);
	/* The cursor keeps its place: after a decision, the next request of the queue is
	 * under it. */
	if (s->cursor >= s->n)
		s->cursor = s->n > 0 ? s->n - 1 : 0;
	free_detail(s);
	load_detail(p, t);
}

static void r_reload(struct pane *p, struct tui *t)
{
	load(p, t);
}

void requests_set_filter(struct pane *p, struct tui *t, const char *text, struct rd_expr *e)
{
	struct requests *s = state(p);
	(void)t;
	expr_free(s->filter);
	s->filter = e;
	snprintf(s->filter_text, sizeof s->filter_text, "%s", e && text ? text : "");
	s->cursor = s->top = 0;
	p->stale = 1; /* reloaded at the next frame, outside the command that set it */
	p->dirty = 1;
}

static void put(struct pane *p, int y, int x, int w, int attr, const char *text)
{
	if (w <= 0 || y < 0 || y >= p->h)
		return;
	wattron(p->win, attr);
	tui_put(p->win, y, x, w, text);
	wattroff(p->win, attr);
}

/* Fills a row's span with attr's blanks. */
static void bar(struct pane *p, int y, int x, int w, int attr)
{
	wattron(p->win, attr);
	for (int i = 0; i < w; i++)
		mvwaddch(p->win, y, x + i, ' ');
	wattroff(p->win, attr);
}

static void draw_list(struct pane *p, struct tui *t, const struct geometry *g, int focused)
{
	struct requests *s = state(p);
	int w = g->list_w;
	int ha = tui_attr(t, ROLE_HEADER);
	bar(p, 1, 0, w, ha);
	put(p, 1, 0, w, ha, " id        status   band score   amount term  applicant");
	if (s->cursor < s->top)
		s->top = s->cursor;
	if (g->list_rows > 0 && s->cursor >= s->top + g->list_rows)
		s->top = s->cursor - g->list_rows + 1;
	if (s->n == 0) {
		put(p, g->list_y, 0, w, tui_attr(t, ROLE_MUTED),
		    s->filter ? " no request matches the filter" : " no credit requests");
		return;
	}
	for (int i = 0; i < g->list_rows && s->top + i < s->n; i++) {
		const struct qrow *r = &s->rows[s->top + i];
		int y = g->list_y + i, sel = s->top + i == s->cursor;
		int na = sel ? tui_attr(t, focused ? ROLE_SELECTION : ROLE_FOCUS)
			     : tui_attr(t, ROLE_NORMAL);
		if (sel)
			bar(p, y, 0, w, na);
		char cell[96];
		snprintf(cell, sizeof cell, " %-9.9s", r->id);
		int x = 0;
		put(p, y, x, w - x, na, cell);
		x += 11;
		int sa = strcmp(r->status, "referred") == 0
				 ? tui_attr(t, ROLE_DRIFT_MODERATE) | (int)A_BOLD
			 : strcmp(r->status, "pending") == 0 ? tui_attr(t, ROLE_DRIFT_MODERATE)
							     : na;
		snprintf(cell, sizeof cell, "%-8s", r->status);
		put(p, y, x, w - x, sel ? na : sa, cell);
		x += 9;
		snprintf(cell, sizeof cell, "%c", r->band ? r->band : ' ');
		put(p, y, x + 1, w - x - 1, sel ? na : tui_band_attr(t, r->band), cell);
		x += 4;
		if (r->score >= 0)
			snprintf(cell, sizeof cell, "%5d", r->score);
		else
			snprintf(cell, sizeof cell, "%5s", "");
		put(p, y, x, w - x, na, cell);
		x += 6;
		snprintf(cell, sizeof cell, "%8.0f %4d  ", r->amount, r->term);
		put(p, y, x, w - x, na, cell);
		x += 15;
		put(p, y, x, w - x, na, r->name);
	}
}

static void draw_detail(struct pane *p, struct tui *t, const struct geometry *g)
{
	struct requests *s = state(p);
	if (g->det_rows <= 0 || g->det_w <= 0)
		return;
	int ha = tui_attr(t, ROLE_HEADER), hy = g->det_y - 1;
	bar(p, hy, g->det_x, g->det_w, ha);
	if (s->n == 0)
		return;
	const struct qrow *r = &s->rows[s->cursor];
	int max = s->nlines - g->det_rows;
	if (s->scroll > max)
		s->scroll = max > 0 ? max : 0;
	char head[160], pos[48] = "";
	snprintf(head, sizeof head, " %s  %s  %s", r->id, r->customer, r->status);
	if (s->nlines > g->det_rows) {
		int last = s->scroll + g->det_rows;
		snprintf(pos, sizeof pos, " lines %d-%d of %d ", s->scroll + 1,
			 last < s->nlines ? last : s->nlines, s->nlines);
	}
	put(p, hy, g->det_x, g->det_w, ha, head);
	int pl = (int)strlen(pos);
	if (pl && (int)strlen(head) + pl + 1 <= g->det_w)
		put(p, hy, g->det_x + g->det_w - pl, pl, ha, pos);
	for (int i = 0; i < g->det_rows && s->scroll + i < s->nlines; i++) {
		const char *line = s->lines[s->scroll + i];
		int a = line[0] == '[' ? tui_attr(t, ROLE_HEADER) : tui_attr(t, ROLE_NORMAL);
		put(p, g->det_y + i, g->det_x + 1, g->det_w - 1, a, line);
	}
}

/* "A 80/20/0  B 77/8/0 ... all 50/33/0": approval, referral, override in percent. */
static void draw_foot(struct pane *p, struct tui *t, const struct geometry *g)
{
	struct requests *s = state(p);
	if (g->foot_y < 0)
		return;
	int ha = tui_attr(t, ROLE_HEADER);
	bar(p, g->foot_y, 0, p->w, ha);
	char line[512];
	size_t used = (size_t)snprintf(line, sizeof line, " approved/referred/overridden %%:");
	if (!s->nrates || !s->rates[s->nrates - 1].decided)
		snprintf(line + used, sizeof line - used, " nothing decided yet");
	for (size_t i = 0; i < s->nrates && s->rates[s->nrates - 1].decided && used < sizeof line;
	     i++) {
		const struct queue_rate *q = &s->rates[i];
		used += (size_t)snprintf(line + used, sizeof line - used, "  %s %.0f/%.0f/%.0f",
					 q->group[0] ? q->group : "none", 100 * q->approval_rate,
					 100 * q->referral_rate, 100 * q->override_rate);
	}
	put(p, g->foot_y, 0, p->w, ha, line);
}

static void r_draw(struct pane *p, struct tui *t)
{
	struct requests *s = state(p);
	struct geometry g;
	geometry(p, &g);
	int focused = t->focus == PANE_REQUESTS;
	int ta = tui_attr(t, focused ? ROLE_FOCUS : ROLE_HEADER);
	char title[400], more[32] = "", filter[300] = "";
	if (s->more)
		snprintf(more, sizeof more, ", first %d", s->n);
	if (s->filter)
		snprintf(filter, sizeof filter, "  filter: %s", s->filter_text);
	snprintf(title, sizeof title, " Requests (%d%s)%s  A approve  D decline  Enter applicant",
		 s->n, more, filter);
	bar(p, 0, 0, p->w, ta);
	put(p, 0, 0, p->w, ta, title);
	draw_list(p, t, &g, focused);
	draw_detail(p, t, &g);
	draw_foot(p, t, &g);
}

/* Motion only: A, D, Enter and f are the key table's. */
static int r_key(struct pane *p, struct tui *t, int ch)
{
	struct requests *s = state(p);
	struct geometry g;
	geometry(p, &g);
	int page = g.list_rows > 1 ? g.list_rows : 1, cursor;
	if (tui_list_move(ch == ' ' ? KEY_NPAGE : ch, s->cursor, s->n, page, &cursor)) {
		if (cursor != s->cursor) {
			s->cursor = cursor;
			load_detail(p, t);
		}
		return PK_DONE | PK_REDRAW;
	}
	int to;
	if (tui_detail_scroll(ch, s->scroll, NULL, 0, &to)) {
		int max = s->nlines - g.det_rows;
		s->scroll = to > max ? (max > 0 ? max : 0) : to < 0 ? 0 : to;
		return PK_DONE | PK_REDRAW;
	}
	return PK_UNHANDLED;
}

/* {request}: the selected request's id; {applicant}: its customer; {filter}: the queue's. */
static int r_arg(struct pane *p, struct tui *t, const char *name, char *out, size_t n)
{
	struct requests *s = state(p);
	(void)t;
	if (strcmp(name, "filter") == 0) {
		snprintf(out, n, "%s", s->filter_text);
		return 1;
	}
	if (!s->n)
		return 0;
	if (strcmp(name, "request") == 0)
		snprintf(out, n, "%s", s->rows[s->cursor].id);
	else if (strcmp(name, "applicant") == 0)
		snprintf(out, n, "%s", s->rows[s->cursor].customer);
	else
		return 0;
	return 1;
}

static void r_free(struct pane *p)
{
	struct requests *s = p->state;
	if (s) {
		free_detail(s);
		free(s->rows);
		free(s->rates);
		expr_free(s->filter);
	}
	free(s);
	p->state = NULL;
}

const struct pane_ops pane_requests_ops = {
	.name = "Requests",
	.draw = r_draw,
	.key = r_key,
	.reload = r_reload,
	.arg = r_arg,
	.free = r_free,
};
