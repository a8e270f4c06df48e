/* The Customers pane: a window onto the customer list, read page by page with keyset
 * paging (browse.h). It holds only the rows on screen, and the selected row is always one
 * of them: a resize keeps it in view (c_resize), paging moves it with the page. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

#define MAX_ROWS 512     /* more rows than any terminal is tall */
#define COUNT_CAP 100000 /* count at most this many: a keystroke must stay cheap */
#define NAME_ROOM 18     /* the name's columns before PD's column is given up */
#define NAME_MIN 8       /* ... before segment's and activity's are */
#define FEATURE_W 12     /* a feature's column, its heading cut to fit */

/* Where the list was, to go back to. */
struct place {
	struct browse_row anchor; /* the row just before the page */
	int has_anchor;
	int cursor;
	char id[64]; /* the selected customer, rows[cursor] */
};

struct customers {
	struct browse_query q;
	struct rd_expr *filter; /* owned */
	char filter_text[256];
	struct browse_row rows[MAX_ROWS]; /* the page on screen */
	int nrows;
	int cursor;               /* index in rows */
	struct browse_row anchor; /* the row just before rows[0] */
	int has_anchor;           /* 0: rows[0] is the first row */
	int page_h;               /* the body's height the page was last fitted to */
	int64_t count;            /* matching rows, up to COUNT_CAP + 1 */
	int stale_count;
	int detached; /* the selected customer is not in the list (`select`) */
	/* Where the list was when a search began (searching): selecting that customer again
	 * (as Esc at the `/` prompt does) puts the list back as it was, page and row. Anything
	 * else that moves the list ends the search. */
	struct place before;
	int searching;
	char last_search[256]; /* for n and N */
};

/* The columns, in the order of enum browse_sort's columns; then a feature's. */
enum col { C_ID, C_NAME, C_SCORE, C_PD, C_BAND, C_SEGMENT, C_ACTIVITY, C_FEATURE, NCOLS };

struct columns {
	int x[NCOLS], w[NCOLS]; /* w 0: not shown */
};

static struct customers *state(struct pane *p)
{
	if (!p->state)
		p->state = rd_calloc(1, sizeof(struct customers));
	return p->state;
}

static int body_rows(const struct pane *p)
{
	int n = p->h - 2; /* header and footer lines */
	if (n > MAX_ROWS)
		n = MAX_ROWS;
	return n < 1 ? 1 : n;
}

static void fail(struct tui *t, const struct rd_err *err)
{
	tui_status(t, 1, "%s", err->msg);
}

/* The column a sort shows itself in. */
static enum col sort_col(enum browse_sort sort)
{
	return sort >= BROWSE_BY_FEATURE ? C_FEATURE : (enum col)sort;
}

/* Lays the columns out in width: id, name, score, PD, band, segment, activity, and the
 * feature sorted by. When narrow, PD goes first (the name keeps NAME_ROOM), then segment
 * and activity together (it keeps NAME_MIN); the sorted column stays. */
static void lay_out(const struct customers *c, int width, struct columns *l)
{
	static const int want[NCOLS] = {10, 0, 6, 8, 5, 9, 11, FEATURE_W};
	static const struct {
		enum col cols[2];
		int room;
	} give_up[] = {{{C_PD, C_PD}, NAME_ROOM}, {{C_SEGMENT, C_ACTIVITY}, NAME_MIN}};
	enum col sorted = sort_col(c->q.sort);
	int fixed = 0;
	memset(l, 0, sizeof *l);
	for (int i = 0; i < NCOLS; i++) {
		l->w[i] = want[i];
		if (i == C_FEATURE && sorted != C_FEATURE)
			l->w[i] = 0;
		fixed += l->w[i];
	}
	for (size_t g = 0; g < sizeof give_up / sizeof *give_up; g++) {
		if (width - fixed - 1 >= give_up[g].room)
			continue;
		for (int k = 0; k < 2; k++) {
			enum col col = give_up[g].cols[k];
			if (col != sorted) {
				fixed -= l->w[col];
				l->w[col] = 0;
			}
		}
	}
	l->w[C_NAME] = width - fixed - 1 < 4 ? 4 : width - fixed - 1;
	int x = 0;
	for (int i = 0; i < NCOLS; i++) {
		l->x[i] = x;
		x += l->w[i];
	}
}

/* Fills the page starting right after the anchor (or at the start). */
static void fill_from_anchor(struct pane *p, struct tui *t)
{
	struct customers *c = state(p);
	struct rd_err err = {{0}};
	int n = browse_page(t->store, &c->q, c->has_anchor ? &c->anchor : NULL, 0, body_rows(p),
			    c->rows, &err);
	if (n < 0) {
		fail(t, &err);
		n = 0;
	}
	c->nrows = n;
	if (c->cursor >= n)
		c->cursor = n > 0 ? n - 1 : 0;
}

/* After rows were placed by a backward read: find the row before rows[0]. */
static void set_anchor_before_top(struct pane *p, struct tui *t)
{
	struct customers *c = state(p);
	struct rd_err err = {{0}};
	c->has_anchor = c->nrows > 0 &&
			browse_page(t->store, &c->q, &c->rows[0], 1, 1, &c->anchor, &err) == 1;
}

static void select_cursor(struct pane *p, struct tui *t)
{
	struct customers *c = state(p);
	c->detached = 0;
	snprintf(t->selected, sizeof t->selected, "%s", c->nrows ? c->rows[c->cursor].id : "");
}

static void c_reload(struct pane *p, struct tui *t)
{
	struct customers *c = state(p);
	char keep[64];
	snprintf(keep, sizeof keep, "%s", t->selected);
	c->searching = 0; /* the rows it would go back to may have changed */
	fill_from_anchor(p, t);
	/* Keep the cursor on the same customer when it is still on the page. */
	for (int i = 0; i < c->nrows; i++)
		if (strcmp(c->rows[i].id, keep) == 0) {
			c->cursor = i;
			c->detached = 0;
		}
	c->stale_count = 1;
	if (!c->detached && (!t->selected[0] || c->nrows))
		select_cursor(p, t);
	p->dirty = 1;
}

/* The pane's height changed: the page is cut or filled to the new height, and the
 * selected row stays on it — when the page shrinks, the rows above it go first (it ends
 * at the bottom); when it grows, rows come below, then above at the end of the list. */
static void c_resize(struct pane *p, struct tui *t)
{
	struct customers *c = state(p);
	struct rd_err err = {{0}};
	int h = body_rows(p);
	if (h == c->page_h)
		return;
	c->page_h = h;
	if (c->nrows == 0)
		return;
	if (c->nrows > h) {
		int top = !c->detached && c->cursor >= h ? c->cursor - h + 1 : 0;
		if (top > 0) {
			c->anchor = c->rows[top - 1];
			c->has_anchor = 1;
			memmove(c->rows, c->rows + top, (size_t)(c->nrows - top) * sizeof *c->rows);
			c->nrows -= top;
			c->cursor -= top;
		}
		if (c->nrows > h)
			c->nrows = h;
		if (c->cursor >= c->nrows)
			c->cursor = c->nrows - 1;
		return;
	}
	int n = browse_page(t->store, &c->q, &c->rows[c->nrows - 1], 0, h - c->nrows,
			    c->rows + c->nrows, &err);
	if (n > 0)
		c->nrows += n;
	if (n >= 0 && c->nrows < h && c->has_anchor) {
		struct browse_row *above = rd_malloc((size_t)(h - c->nrows) * sizeof *above);
		int m = browse_page(t->store, &c->q, &c->rows[0], 1, h - c->nrows, above, &err);
		if (m > 0) {
			memmove(c->rows + m, c->rows, (size_t)c->nrows * sizeof *c->rows);
			memcpy(c->rows, above, (size_t)m * sizeof *above);
			c->nrows += m;
			c->cursor += m;
			set_anchor_before_top(p, t);
		}
		free(above);
	}
	if (n < 0)
		fail(t, &err);
}

static void go_first(struct pane *p, struct tui *t)
{
	struct customers *c = state(p);
	c->has_anchor = 0;
	c->cursor = 0;
	fill_from_anchor(p, t);
}

static void go_last(struct pane *p, struct tui *t)
{
	struct customers *c = state(p);
	struct rd_err err = {{0}};
	int n = browse_page(t->store, &c->q, NULL, 1, body_rows(p), c->rows, &err);
	if (n < 0) {
		fail(t, &err);
		return;
	}
	c->nrows = n;
	c->cursor = n > 0 ? n - 1 : 0;
	set_anchor_before_top(p, t);
}

/* Moves the window by one row down (+1) or up (-1). 1 when it moved. */
static int scroll_one(struct pane *p, struct tui *t, int dir)
{
	struct customers *c = state(p);
	struct rd_err err = {{0}};
	struct browse_row r;
	if (c->nrows == 0)
		return 0;
	if (dir > 0) {
		if (browse_page(t->store, &c->q, &c->rows[c->nrows - 1], 0, 1, &r, &err) != 1)
			return 0;
		c->anchor = c->rows[0];
		c->has_anchor = 1;
		if (c->nrows == body_rows(p)) {
			memmove(c->rows, c->rows + 1, (size_t)(c->nrows - 1) * sizeof *c->rows);
			c->rows[c->nrows - 1] = r;
		} else {
			c->rows[c->nrows++] = r;
		}
		return 1;
	}
	if (!c->has_anchor)
		return 0;
	if (c->nrows == body_rows(p))
		c->nrows--;
	memmove(c->rows + 1, c->rows, (size_t)c->nrows * sizeof *c->rows);
	c->rows[0] = c->anchor;
	c->nrows++;
	set_anchor_before_top(p, t);
	return 1;
}

/* A page down or up: the selection moves with the page (it keeps its line), to the first
 * or last row at the ends. */
static void page(struct pane *p, struct tui *t, int dir)
{
	struct customers *c = state(p);
	struct rd_err err = {{0}};
	int h = body_rows(p);
	if (c->nrows == 0)
		return;
	if (dir > 0) {
		struct browse_row *next = rd_malloc((size_t)h * sizeof *next);
		int n = browse_page(t->store, &c->q, &c->rows[c->nrows - 1], 0, h, next, &err);
		if (n == h) {
			c->anchor = c->rows[c->nrows - 1];
			c->has_anchor = 1;
			memcpy(c->rows, next, (size_t)n * sizeof *next);
			c->nrows = n;
		} else if (n > 0) {
			free(next);
			go_last(p, t);
			return;
		} else {
			c->cursor = c->nrows - 1;
		}
		free(next);
		return;
	}
	if (!c->has_anchor) {
		c->cursor = 0;
		return;
	}
	int n = browse_page(t->store, &c->q, &c->rows[0], 1, h, c->rows, &err);
	if (n < h) {
		go_first(p, t);
		return;
	}
	c->nrows = n;
	set_anchor_before_top(p, t);
}

/* Sets up the page so that r is its first row, and the cursor on it. */
static void show_at_top(struct pane *p, struct tui *t, const struct browse_row *r)
{
	struct customers *c = state(p);
	struct rd_err err = {{0}};
	c->has_anchor = browse_page(t->store, &c->q, r, 1, 1, &c->anchor, &err) == 1;
	c->cursor = 0;
	fill_from_anchor(p, t);
}

/* Motion only: the keys bound to commands (Enter, S) are the key table's (cmd_console.c). */
static int c_key(struct pane *p, struct tui *t, int ch)
{
	struct customers *c = state(p);
	char before[64];
	snprintf(before, sizeof before, "%s", t->selected);
	switch (ch) {
	case 'j':
	case KEY_DOWN:
		if (c->cursor + 1 < c->nrows)
			c->cursor++;
		else
			scroll_one(p, t, 1);
		break;
	case 'k':
	case KEY_UP:
		if (c->cursor > 0)
			c->cursor--;
		else
			scroll_one(p, t, -1);
		break;
	case KEY_NPAGE:
	case ' ': page(p, t, 1); break;
	case KEY_PPAGE: page(p, t, -1); break;
	case 'g':
	case KEY_HOME: go_first(p, t); break;
	case 'G':
	case KEY_END: go_last(p, t); break;
	default: return PK_UNHANDLED;
	}
	c->searching = 0;
	select_cursor(p, t);
	return PK_DONE | PK_REDRAW | (strcmp(before, t->selected) ? PK_SELECT : 0);
}

/* A click on a column's heading sorts by it, again reverses; on a row selects it. */
static void c_mouse(struct pane *p, struct tui *t, int y, int x, int wheel)
{
	struct customers *c = state(p);
	if (y == 0 && !wheel) {
		struct columns l;
		lay_out(c, p->w, &l);
		for (int i = 0; i < NCOLS; i++)
			if (l.w[i] && x >= l.x[i] && x < l.x[i] + l.w[i]) {
				int sort = i == C_FEATURE ? (int)c->q.sort : i;
				int again = sort == (int)c->q.sort;
				const char *dir = again && !c->q.desc ? "desc" : "asc";
				tui_run_words(t, 3,
					      (const char *const[]){"sort", browse_sort_name(sort),
								    dir});
				return;
			}
		return;
	}
	c->searching = 0;
	if (wheel) {
		for (int i = 0; i < 3; i++)
			scroll_one(p, t, wheel);
	} else if (y >= 1 && y - 1 < c->nrows) {
		c->cursor = y - 1;
	}
	select_cursor(p, t);
	for (int i = PANE_ACTIVITY; i <= PANE_PROFILE; i++)
		t->panes[i].stale = 1;
}

/* A feature's value in at most 11 columns, with the same decimals down the column: rates
 * and shares 3, money 2, counts and days none. */
static void format_feature(char *out, size_t n, const char *name, double v)
{
	size_t len = strlen(name);
	int rate = (len > 5 && strcmp(name + len - 5, "_rate") == 0) ||
		   (len > 6 && strcmp(name + len - 6, "_share") == 0);
	int money = strstr(name, "spend") || strstr(name, "value") || strstr(name, "monetary") ||
		    strstr(name, "amount");
	if (isnan(v))
		snprintf(out, n, "-");
	else
		snprintf(out, n, "%.*f", rate ? 3 : money ? 2 : 0, v);
}

/* The heading: each column's name, the sorted one with ▲ (ascending) or ▼ (^ v outside
 * UTF-8) after it, or before it where the column has no room left. */
static void draw_heading(struct pane *p, struct tui *t, const struct columns *l)
{
	struct customers *c = state(p);
	static const char *const names[NCOLS] = {"id",   "name",    "score",    "PD",
						 "band", "segment", "activity", NULL};
	WINDOW *w = p->win;
	enum col sorted = sort_col(c->q.sort);
	const char *arrow = t->utf8 ? (c->q.desc ? "\xe2\x96\xbc" : "\xe2\x96\xb2")
				    : (c->q.desc ? "v" : "^");
	tui_clear_to(w, 0, 0, p->w);
	for (int i = 0; i < NCOLS; i++) {
		if (!l->w[i])
			continue;
		const char *name = i == C_FEATURE ? browse_sort_name(c->q.sort) : names[i];
		int x = l->x[i] + (i == C_ID), room = l->w[i] - (i == C_ID) - 1;
		char label[64];
		snprintf(label, sizeof label, "%s", name);
		if (i == (int)sorted && (int)strlen(label) + 1 > room && i == C_FEATURE)
			label[room > 1 ? room - 1 : 0] = '\0'; /* a feature's long name is cut */
		int used = tui_put(w, 0, x, room, label);
		if (i != (int)sorted)
			continue;
		if (used + 1 <= room)
			tui_put(w, 0, x + used, 1, arrow);
		else if (x > 0)
			tui_put(w, 0, x - 1, 1, arrow);
	}
}

static void c_draw(struct pane *p, struct tui *t)
{
	struct customers *c = state(p);
	WINDOW *w = p->win;
	int width = p->w, focused = t->focus == PANE_CUSTOMERS;
	struct columns l;
	lay_out(c, width, &l);
	int ha = tui_attr(t, focused ? ROLE_FOCUS : ROLE_HEADER);
	wattron(w, ha);
	draw_heading(p, t, &l);
	wattroff(w, ha);
	for (int i = 0; i < c->nrows && i + 1 < p->h - 1; i++) {
		const struct browse_row *r = &c->rows[i];
		int y = i + 1, sel = i == c->cursor && !c->detached;
		int base = sel ? tui_attr(t, ROLE_SELECTION) : tui_attr(t, ROLE_NORMAL);
		char v[32];
		wattron(w, base);
		tui_clear_to(w, y, 0, width);
		tui_put(w, y, 1, l.w[C_ID] - 1, r->id);
		tui_put(w, y, l.x[C_NAME], l.w[C_NAME] - 1, r->name);
		if (!r->has_profile) {
			tui_put(w, y, l.x[C_SCORE], l.w[C_SCORE] + l.w[C_BAND], "    -");
			wattroff(w, base);
			continue;
		}
		snprintf(v, sizeof v, "%5d", r->score);
		tui_put(w, y, l.x[C_SCORE], l.w[C_SCORE], v);
		if (l.w[C_PD]) {
			snprintf(v, sizeof v, "%6.2f%%", r->pd * 100);
			tui_put(w, y, l.x[C_PD], l.w[C_PD] - 1, v);
		}
		wattroff(w, base);
		int ba = sel ? base : tui_band_attr(t, r->band);
		wattron(w, ba);
		char b[2] = {r->band, 0};
		tui_put(w, y, l.x[C_BAND] + 1, 1, b); /* under the middle of its heading */
		wattroff(w, ba);
		wattron(w, base);
		if (l.w[C_SEGMENT])
			tui_put(w, y, l.x[C_SEGMENT], l.w[C_SEGMENT] - 1, r->segment);
		if (l.w[C_ACTIVITY])
			tui_put(w, y, l.x[C_ACTIVITY], l.w[C_ACTIVITY], r->last_activity);
		if (l.w[C_FEATURE]) {
			char f[32];
			format_feature(f, sizeof f, browse_sort_name(c->q.sort), r->feature);
			snprintf(v, sizeof v, "%*s", l.w[C_FEATURE] - 1, f);
			tui_put(w, y, l.x[C_FEATURE], l.w[C_FEATURE] - 1, v);
		}
		wattroff(w, base);
	}
	if (c->nrows == 0 && !c->filter_text[0]) {
		/* An empty database: how to fill it, on one row or, narrow, three. */
		char hint[3][40] = {"no customers \xe2\x80\x94", ":load DIR,",
				    "or make run's sample"};
		tui_plain_dashes(t, hint[0]);
		char one[128];
		snprintf(one, sizeof one, "%s %s %s", hint[0], hint[1], hint[2]);
		if ((int)strlen(one) - (t->utf8 ? 2 : 0) < width - 1)
			tui_put(w, 2, 1, width - 1, one);
		else
			for (int i = 0; i < 3 && 2 + i < p->h - 1; i++)
				tui_put(w, 2 + i, 1, width - 1, hint[i]);
	}
	/* Footer: rows, sort, filter. */
	char foot[512];
	char count[32];
	if (c->stale_count)
		snprintf(count, sizeof count, "…");
	else if (c->count > COUNT_CAP)
		snprintf(count, sizeof count, "%d+", COUNT_CAP);
	else
		snprintf(count, sizeof count, "%lld", (long long)c->count);
	snprintf(foot, sizeof foot, " %s customers  sort %s%s%s%s", count,
		 browse_sort_name(c->q.sort), c->q.desc ? " desc" : "",
		 c->filter_text[0] ? "  where " : "", c->filter_text);
	wattron(w, tui_attr(t, ROLE_MUTED));
	tui_put(w, p->h - 1, 0, width, foot);
	wattroff(w, tui_attr(t, ROLE_MUTED));
}

/* Puts the list back where the search began: the same page, the same row. 1 when it
 * could (the row is still there). */
static int go_back(struct pane *p, struct tui *t)
{
	struct customers *c = state(p);
	c->anchor = c->before.anchor;
	c->has_anchor = c->before.has_anchor;
	c->cursor = c->before.cursor;
	fill_from_anchor(p, t);
	return c->cursor < c->nrows && strcmp(c->rows[c->cursor].id, c->before.id) == 0;
}

int customers_select(struct pane *p, struct tui *t, const char *id, char *why, size_t n,
		     struct rd_err *err)
{
	struct customers *c = state(p);
	struct browse_row found;
	int on_page = -1;
	int back = c->searching && strcmp(c->before.id, id) == 0 && go_back(p, t);
	c->searching = 0;
	for (int i = 0; i < c->nrows && on_page < 0; i++)
		if (strcmp(c->rows[i].id, id) == 0)
			on_page = back ? c->cursor : i;
	if (on_page >= 0) {
		c->cursor = on_page;
	} else {
		/* Its place under the sort and filter, wherever that is. */
		int rc = browse_find(t->store, &c->q, id, &found, err);
		if (rc < 0)
			return -1;
		if (rc == 1)
			show_at_top(p, t, &found);
		on_page = rc == 1 ? c->cursor : -1;
	}
	snprintf(t->selected, sizeof t->selected, "%s", id);
	c->detached = on_page < 0;
	p->dirty = 1;
	if (!c->detached)
		return 1;
	char e[RD_ECHO_SIZE];
	if (c->filter_text[0])
		snprintf(why, n, "%s is not in the list (where %s)", rd_echo(e, id, strlen(id)),
			 c->filter_text);
	else
		snprintf(why, n, "%s is not in the list (sorted by %s: scored customers only)",
			 rd_echo(e, id, strlen(id)), browse_sort_name(c->q.sort));
	return 0;
}

void customers_set_filter(struct pane *p, struct tui *t, const char *text, struct rd_expr *e)
{
	struct customers *c = state(p);
	expr_free(c->filter);
	c->filter = e;
	c->q.filter = e;
	c->q.pii = &t->ctx.settings.pii; /* browse refuses a filter on email once pii is off */
	snprintf(c->filter_text, sizeof c->filter_text, "%s", e ? text : "");
	c->searching = 0;
	go_first(p, t);
	c->stale_count = 1;
	select_cursor(p, t);
}

void customers_sort(struct pane *p, struct tui *t, enum browse_sort sort, int desc)
{
	struct customers *c = state(p);
	c->q.sort = sort;
	c->q.desc = desc;
	c->searching = 0;
	go_first(p, t); /* the count does not depend on the order */
	select_cursor(p, t);
	p->dirty = 1;
}

int customers_search(struct pane *p, struct tui *t, const char *text, int dir, char *found_id,
		     size_t n, struct rd_err *err)
{
	struct customers *c = state(p);
	struct browse_row found;
	char e[RD_ECHO_SIZE];
	if (text)
		snprintf(c->last_search, sizeof c->last_search, "%s", text);
	else if (!c->last_search[0]) {
		rd_err_set(err, "no search yet (/ searches)");
		return -1;
	}
	text = c->last_search;
	if (!c->searching) {
		c->searching = 1;
		c->before = (struct place){.anchor = c->anchor,
					   .has_anchor = c->has_anchor,
					   .cursor = c->cursor};
		snprintf(c->before.id, sizeof c->before.id, "%s", t->selected);
	}
	const struct browse_row *from = c->nrows ? &c->rows[c->cursor] : NULL;
	int rc = browse_search(t->store, &c->q, text, from, (enum browse_dir)dir, &found, err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		rd_err_set(err, "no customer's id or name holds %s",
			   rd_echo(e, text, strlen(text)));
		return -1;
	}
	int on_page = -1;
	for (int i = 0; i < c->nrows && on_page < 0; i++)
		if (strcmp(c->rows[i].id, found.id) == 0)
			on_page = i;
	if (on_page >= 0)
		c->cursor = on_page; /* no need to move the page */
	else
		show_at_top(p, t, &found);
	select_cursor(p, t);
	p->dirty = 1;
	snprintf(found_id, n, "%s", found.id);
	return 0;
}

/* The list's sort for the keys s and S (`sort {sort-next} {sort-dir}`: s goes through the
 * columns), and the filter the `f` prompt starts with. */
static int c_arg(struct pane *p, struct tui *t, const char *name, char *out, size_t n)
{
	struct customers *c = state(p);
	(void)t;
	int next = c->q.sort + 1 < BROWSE_BY_FEATURE ? (int)c->q.sort + 1 : 0;
	if (strcmp(name, "sort") == 0)
		snprintf(out, n, "%s", browse_sort_name(c->q.sort));
	else if (strcmp(name, "sort-next") == 0)
		snprintf(out, n, "%s", browse_sort_name(next));
	else if (strcmp(name, "sort-dir") == 0)
		snprintf(out, n, "%s", c->q.desc ? "desc" : "asc");
	else if (strcmp(name, "sort-flip") == 0)
		snprintf(out, n, "%s", c->q.desc ? "asc" : "desc");
	else if (strcmp(name, "filter") == 0)
		snprintf(out, n, "%s", c->filter_text);
	else
		return 0;
	return 1;
}

/* The row count is deferred to idle time, and a key interrupts it: on a million rows a
 * filtered count may take longer than a keystroke may. */
static int c_idle(struct pane *p, struct tui *t)
{
	struct customers *c = state(p);
	struct rd_err err = {{0}};
	if (!c->stale_count)
		return 0;
	int64_t n = browse_count(t->store, &c->q, COUNT_CAP, &err);
	if (n < 0)
		return 0; /* interrupted by a key (or failed): try again when idle */
	c->count = n;
	c->stale_count = 0;
	return 1;
}

static void c_free(struct pane *p)
{
	struct customers *c = p->state;
	if (c)
		expr_free(c->filter);
	free(c);
	p->state = NULL;
}

const struct pane_ops pane_customers_ops = {
	.name = "Customers",
	.draw = c_draw,
	.key = c_key,
	.reload = c_reload,
	.resize = c_resize,
	.mouse = c_mouse,
	.idle = c_idle,
	.arg = c_arg,
	.free = c_free,
};
