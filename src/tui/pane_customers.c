/* The Customers pane: a window onto the customer list, read page by page with keyset
 * paging (browse.h). It holds only the rows on screen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

#define MAX_ROWS 512     /* more rows than any terminal is tall */
#define COUNT_CAP 100000 /* count at most this many: a keystroke must stay cheap */

struct customers {
	struct browse_query q;
	struct rd_expr *filter;   /* owned */
	char filter_text[256];
	struct browse_row rows[MAX_ROWS]; /* the page on screen */
	int nrows;
	int cursor;               /* index in rows */
	struct browse_row anchor; /* the row just before rows[0] */
	int has_anchor;           /* 0: rows[0] is the first row */
	int64_t count;            /* matching rows, up to COUNT_CAP + 1 */
	int stale_count;
	int detached;             /* the selected customer is not in the list (`select`) */
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
	select_cursor(p, t);
	return PK_DONE | PK_REDRAW | (strcmp(before, t->selected) ? PK_SELECT : 0);
}

static void c_mouse(struct pane *p, struct tui *t, int y, int x, int wheel)
{
	struct customers *c = state(p);
	(void)x;
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

static void c_draw(struct pane *p, struct tui *t)
{
	struct customers *c = state(p);
	WINDOW *w = p->win;
	int width = p->w, focused = t->focus == PANE_CUSTOMERS;
	/* Columns: id, name, score, band, segment, last activity — narrower panes drop from
	 * the right. */
	int idw = 10, scw = 6, bdw = 5, sgw = 9, law = 11;
	int namew = width - idw - scw - bdw - sgw - law - 1;
	if (namew < 8) {
		law = sgw = 0;
		namew = width - idw - scw - bdw - 1;
	}
	if (namew < 4)
		namew = 4;
	int ha = tui_attr(t, focused ? ROLE_FOCUS : ROLE_HEADER);
	wattron(w, ha);
	tui_clear_to(w, 0, 0, width);
	tui_put(w, 0, 1, idw - 1, "id");
	tui_put(w, 0, idw, namew, "name");
	tui_put(w, 0, idw + namew, scw, "score");
	tui_put(w, 0, idw + namew + scw, bdw, "band");
	if (sgw)
		tui_put(w, 0, idw + namew + scw + bdw, sgw, "segment");
	if (law)
		tui_put(w, 0, idw + namew + scw + bdw + sgw, law, "activity");
	wattroff(w, tui_attr(t, focused ? ROLE_FOCUS : ROLE_HEADER));
	for (int i = 0; i < c->nrows && i + 1 < p->h - 1; i++) {
		const struct browse_row *r = &c->rows[i];
		int y = i + 1, sel = i == c->cursor && !c->detached;
		int base = sel ? tui_attr(t, ROLE_SELECTION) : tui_attr(t, ROLE_NORMAL);
		wattron(w, base);
		tui_clear_to(w, y, 0, width);
		tui_put(w, y, 1, idw - 1, r->id);
		tui_put(w, y, idw, namew - 1, r->name);
		if (r->has_profile) {
			char sc[16];
			snprintf(sc, sizeof sc, "%5d", r->score);
			tui_put(w, y, idw + namew, scw, sc);
			wattroff(w, base);
			int ba = sel ? base : tui_band_attr(t, r->band);
			wattron(w, ba);
			char b[2] = {r->band, 0};
			tui_put(w, y, idw + namew + scw + 1, 1, b);
			/* (the band letter sits under the middle of its heading) */
			wattroff(w, ba);
			wattron(w, base);
			if (sgw)
				tui_put(w, y, idw + namew + scw + bdw, sgw - 1, r->segment);
			if (law)
				tui_put(w, y, idw + namew + scw + bdw + sgw, law, r->last_activity);
		} else {
			tui_put(w, y, idw + namew, scw + bdw, "    -");
		}
		wattroff(w, base);
	}
	if (c->nrows == 0 && !c->filter_text[0]) {
		/* An empty database: how to fill it, on one row or, narrow, three. */
		char hint[3][40] = {"no customers \xe2\x80\x94", ":load DIR,", "or make run's sample"};
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
		 browse_sort_names[c->q.sort], c->q.desc ? " desc" : "",
		 c->filter_text[0] ? "  where " : "", c->filter_text);
	wattron(w, tui_attr(t, ROLE_MUTED));
	tui_put(w, p->h - 1, 0, width, foot);
	wattroff(w, tui_attr(t, ROLE_MUTED));
}

int customers_select(struct pane *p, struct tui *t, const char *id, char *why, size_t n,
		     struct rd_err *err)
{
	struct customers *c = state(p);
	struct browse_row found;
	int on_page = -1;
	for (int i = 0; i < c->nrows && on_page < 0; i++)
		if (strcmp(c->rows[i].id, id) == 0)
			on_page = i;
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
			 rd_echo(e, id, strlen(id)), browse_sort_names[c->q.sort]);
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
	go_first(p, t);
	c->stale_count = 1;
	select_cursor(p, t);
}

void customers_sort(struct pane *p, struct tui *t, enum browse_sort sort, int desc)
{
	struct customers *c = state(p);
	c->q.sort = sort;
	c->q.desc = desc;
	go_first(p, t); /* the count does not depend on the order */
	select_cursor(p, t);
	p->dirty = 1;
}

int customers_search(struct pane *p, struct tui *t, const char *prefix, char *found_id, size_t n,
		     struct rd_err *err)
{
	struct customers *c = state(p);
	struct browse_row found;
	int rc = browse_search(t->store, &c->q, prefix, c->nrows ? &c->rows[c->cursor] : NULL,
			       &found, err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		char e[RD_ECHO_SIZE];
		rd_err_set(err, "no customer starts with %s", rd_echo(e, prefix, strlen(prefix)));
		return -1;
	}
	show_at_top(p, t, &found); /* the found row at the top of the page */
	select_cursor(p, t);
	snprintf(found_id, n, "%s", found.id);
	return 0;
}

/* The list's sort for the keys s and S: `sort {sort-next} {sort-dir}`. */
static int c_arg(struct pane *p, struct tui *t, const char *name, char *out, size_t n)
{
	struct customers *c = state(p);
	(void)t;
	if (strcmp(name, "sort") == 0)
		snprintf(out, n, "%s", browse_sort_names[c->q.sort]);
	else if (strcmp(name, "sort-next") == 0)
		snprintf(out, n, "%s", browse_sort_names[(c->q.sort + 1) % BROWSE_SORT_COUNT]);
	else if (strcmp(name, "sort-dir") == 0)
		snprintf(out, n, "%s", c->q.desc ? "desc" : "asc");
	else if (strcmp(name, "sort-flip") == 0)
		snprintf(out, n, "%s", c->q.desc ? "asc" : "desc");
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
	.mouse = c_mouse,
	.idle = c_idle,
	.arg = c_arg,
	.free = c_free,
};
