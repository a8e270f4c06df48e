/* Charts for the panes (chart.h): gauges, sparklines, a scrolled page, braille plots. */
#include "chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* --- at window coordinates */

static void put_wide(WINDOW *win, int y, int x, wchar_t wc)
{
	cchar_t cc;
	wchar_t one[2] = {wc, 0};
	setcchar(&cc, one, 0, 0, NULL);
	mvwadd_wch(win, y, x, &cc);
}

void chart_win_gauge(const struct tui *t, WINDOW *win, int y, int x, int w, double frac, int attr)
{
	if (w <= 0)
		return;
	if (frac < 0)
		frac = 0;
	if (frac > 1)
		frac = 1;
	int eighths = (int)(frac * w * 8 + 0.5);
	wattron(win, attr);
	for (int i = 0; i < w; i++) {
		int e = eighths - i * 8;
		if (e >= 8) {
			if (t->utf8)
				put_wide(win, y, x + i, 0x2588); /* full block */
			else
				mvwaddch(win, y, x + i, '#');
		} else if (e > 0 && t->utf8) {
			put_wide(win, y, x + i, (wchar_t)(0x2590 - e)); /* left 1/8 .. 7/8 blocks */
		} else {
			mvwaddch(win, y, x + i, e > 3 ? '#' : t->utf8 ? ' ' : '.');
		}
	}
	wattroff(win, attr);
}

void chart_win_sparkline(const struct tui *t, WINDOW *win, int y, int x, int w, const int *v, int n,
			 int lo, int hi)
{
	static const char ascii[] = "_.-=^";
	if (n <= 0 || w <= 0)
		return;
	int start = n > w ? n - w : 0;
	for (int i = start; i < n; i++) {
		double f = hi > lo ? (double)(v[i] - lo) / (hi - lo) : 0.5;
		if (f < 0)
			f = 0;
		if (f > 1)
			f = 1;
		if (t->utf8)
			put_wide(win, y, x + i - start, (wchar_t)(0x2581 + (int)(f * 7 + 0.5)));
		else
			mvwaddch(win, y, x + i - start, (chtype)ascii[(int)(f * 4 + 0.5)]);
	}
}

/* --- a page */

int chart_y(const struct chart_page *c, int row)
{
	int r = row - c->top;
	return r >= 0 && r < c->rows ? c->y0 + r : -1;
}

int chart_clip(const struct chart_page *c, int x, int *w)
{
	int right = c->x0 + c->w < c->p->w ? c->x0 + c->w : c->p->w;
	if (c->x0 + x + *w > right)
		*w = right - c->x0 - x;
	return *w > 0 && x >= 0;
}

void chart_put(const struct chart_page *c, int row, int x, int w, int attr, const char *s)
{
	int y = chart_y(c, row);
	if (y < 0 || y >= c->p->h || !chart_clip(c, x, &w))
		return;
	wattron(c->p->win, attr);
	tui_put(c->p->win, y, c->x0 + x, w, s);
	wattroff(c->p->win, attr);
}

void chart_gauge(const struct chart_page *c, int row, int x, int w, double frac, int attr)
{
	int y = chart_y(c, row);
	if (y >= 0 && chart_clip(c, x, &w))
		chart_win_gauge(c->t, c->p->win, y, c->x0 + x, w, frac, attr);
}

void chart_hist(const struct chart_page *c, int row, int x, const double *v, int n, double hi,
		int attr)
{
	int y = chart_y(c, row), w = n, iv[CHART_HIST_MAX];
	if (y < 0 || n <= 0 || !chart_clip(c, x, &w))
		return;
	for (int i = 0; i < n && i < CHART_HIST_MAX; i++)
		iv[i] = (int)lround(v[i] * 10000);
	int top = (int)lround(hi * 10000);
	wattron(c->p->win, attr);
	/* The sparkline shows the last w values: clip from the right instead. */
	chart_win_sparkline(c->t, c->p->win, y, c->x0 + x, w, iv, w < n ? w : n, 0,
			    top > 0 ? top : 1);
	wattroff(c->p->win, attr);
}

int chart_legend(const struct chart_page *c, int row, int w, const char *const *items,
		 const int *attrs, int n)
{
	int x = 1, rows = n > 0;
	for (int k = 0; k < n; k++) {
		int l = (int)strlen(items[k]);
		if (x > 1 && x + l > w) {
			x = 1;
			rows++;
		}
		chart_put(c, row + rows - 1, x, l < w - x ? l : w - x, attrs[k], items[k]);
		x += l + 2;
	}
	return rows;
}

/* --- a plot */

struct chart *chart_begin(const struct tui *t, int pw, int ph)
{
	static struct chart ch; /* 12 KB: not on the stack */
	if (pw > CHART_COLS_MAX)
		pw = CHART_COLS_MAX;
	if (ph > CHART_ROWS_MAX)
		ph = CHART_ROWS_MAX;
	if (pw < 4 || ph < 2)
		return NULL;
	memset(&ch, 0, sizeof ch);
	ch.utf8 = t->utf8;
	ch.pw = pw;
	ch.ph = ph;
	ch.gw = pw * (ch.utf8 ? 2 : 1);
	ch.gh = ph * (ch.utf8 ? 4 : 1);
	ch.hi = 1;
	return &ch;
}

void chart_dot(struct chart *ch, int gx, int gy, int kind, double v)
{
	static const unsigned dot[4][2] = {{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};
	if (gx < 0 || gy < 0 || gx >= ch->gw || gy >= ch->gh)
		return;
	int sx = ch->utf8 ? 2 : 1, sy = ch->utf8 ? 4 : 1, r = gy / sy, col = gx / sx;
	ch->bits[r][col] |= (unsigned char)(ch->utf8 ? dot[gy % sy][gx % sx] : 1);
	if (kind == CHART_CURVE && (!(ch->kind[r][col] & CHART_CURVE) || v > ch->val[r][col]))
		ch->val[r][col] = (float)v;
	ch->kind[r][col] |= (unsigned char)kind;
}

int chart_ydot(const struct chart *ch, double v)
{
	double f = ch->root ? (sqrt(fmax(v, 0)) - sqrt(ch->lo)) / (sqrt(ch->hi) - sqrt(ch->lo))
			    : (v - ch->lo) / (ch->hi - ch->lo);
	f = f < 0 ? 0 : f > 1 ? 1 : f;
	return ch->gh - 1 - (int)lround(f * (ch->gh - 1));
}

void chart_line(struct chart *ch, int x0, int y0, double v0, int x1, int y1, double v1, int dotted)
{
	int steps = abs(x1 - x0) > abs(y1 - y0) ? abs(x1 - x0) : abs(y1 - y0);
	for (int i = 0; i <= steps; i++) {
		double f = steps ? (double)i / steps : 0;
		if (dotted && i % 2 && i != steps)
			continue;
		int gx = (int)lround(x0 + (x1 - x0) * f), gy = (int)lround(y0 + (y1 - y0) * f);
		chart_dot(ch, gx, gy, dotted && i != 0 && i != steps ? CHART_FAINT : CHART_CURVE,
			  v0 + (v1 - v0) * f);
	}
}

void chart_curve(struct chart *ch, const double *v, int n, int npos, double tag)
{
	int prev = -1, px = 0, py = 0;
	for (int i = 0; i < n && i < npos; i++) {
		if (isnan(v[i]))
			continue;
		int gx = npos == 1 ? ch->gw / 2
				   : (int)lround((double)i * (ch->gw - 1) / (npos - 1));
		int gy = chart_ydot(ch, v[i]);
		double here = isnan(tag) ? v[i] : tag;
		if (prev < 0)
			chart_dot(ch, gx, gy, CHART_CURVE, here);
		else
			chart_line(ch, px, py, isnan(tag) ? v[prev] : tag, gx, gy, here,
				   i - prev > 1);
		prev = i;
		px = gx;
		py = gy;
	}
}

void chart_hline(struct chart *ch, double v, int kind)
{
	if (!(v > ch->lo && v < ch->hi))
		return;
	int gy = chart_ydot(ch, v);
	for (int gx = 0; gx < ch->gw; gx += 2)
		chart_dot(ch, gx, gy, kind, v);
}

void chart_diagonal(struct chart *ch, int kind)
{
	for (int gx = 0; gx < ch->gw; gx += 2) {
		int gy = ch->gh - 1 - (int)lround((double)gx * (ch->gh - 1) / (ch->gw - 1));
		chart_dot(ch, gx, gy, kind, 0);
	}
}

void chart_segment(struct chart *ch, double x0, double y0, double x1, double y1, int kind)
{
	int steps = (int)(fmax(fabs(x1 - x0) * ch->gw, fabs(y1 - y0) * ch->gh) * 2) + 1;
	for (int i = 0; i <= steps; i++) {
		double f = (double)i / steps, fx = x0 + (x1 - x0) * f, fy = y0 + (y1 - y0) * f;
		if (!(fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1))
			continue;
		int gx = (int)lround(fx * (ch->gw - 1)),
		    gy = ch->gh - 1 - (int)lround(fy * (ch->gh - 1));
		chart_dot(ch, gx, gy, kind, fy);
	}
}

void chart_label(struct chart *ch, double v)
{
	int r = chart_ydot(ch, v) / (ch->utf8 ? 4 : 1);
	snprintf(ch->label[r], sizeof ch->label[r], v >= 10 ? "%4.1f" : "%4.2f", v);
}

double chart_nice_ceil(double v)
{
	if (!(v > 0))
		return 1;
	double e = pow(10, floor(log10(v)));
	static const double m[] = {1, 2, 2.5, 5, 10};
	for (size_t i = 0; i < sizeof m / sizeof *m; i++)
		if (m[i] * e >= v * (1 - 1e-9))
			return m[i] * e;
	return 10 * e;
}

/* The braille character of the dot bits (U+2800 + bits) as UTF-8. */
static void braille(unsigned bits, char out[4])
{
	out[0] = (char)0xE2;
	out[1] = (char)(0xA0 | (bits >> 6));
	out[2] = (char)(0x80 | (bits & 0x3F));
	out[3] = '\0';
}

int chart_draw(const struct chart_page *c, const struct chart *ch, int row0, int x, int lw,
	       const struct chart_colors *cc)
{
	const char *vbar = ch->utf8 ? "\xe2\x94\x82" : "|";
	for (int r = 0; r < ch->ph; r++) {
		int row = row0 + r;
		if (chart_y(c, row) < 0)
			continue;
		chart_put(c, row, x, lw, cc->axis, ch->label[r]);
		chart_put(c, row, x + lw, 1, cc->axis, vbar);
		for (int col = 0; col < ch->pw; col++) {
			int k = ch->kind[r][col], attr;
			char cell[4];
			if (!k)
				continue;
			if (k & CHART_CURVE)
				attr = cc->curve_at ? cc->curve_at(cc->ctx, ch->val[r][col])
						    : cc->curve;
			else if (k & CHART_FAINT)
				attr = cc->faint;
			else if (k & CHART_MARK2)
				attr = cc->mark2;
			else
				attr = cc->mark;
			if (ch->utf8)
				braille(ch->bits[r][col], cell);
			else
				snprintf(cell, sizeof cell, "%c",
					 k & CHART_CURVE   ? '*'
					 : k & CHART_FAINT ? '.'
							   : '-');
			chart_put(c, row, x + lw + 1 + col, 1, attr, cell);
		}
	}
	int axis = row0 + ch->ph;
	chart_put(c, axis, x + lw, 1, cc->axis, ch->utf8 ? "\xe2\x94\x94" : "+");
	for (int col = 0; col < ch->pw; col++)
		chart_put(c, axis, x + lw + 1 + col, 1, cc->axis, ch->utf8 ? "\xe2\x94\x80" : "-");
	return ch->ph + 1;
}

void chart_xlabel(const struct chart_page *c, const struct chart *ch, int row, int x, int lw,
		  int align, int attr, const char *s)
{
	int l = (int)strlen(s);
	int at = align < 0 ? 0 : align == 0 ? (ch->pw - l) / 2 : ch->pw - l;
	chart_put(c, row, x + lw + 1 + at, l, attr, s);
}

/* --- a line chart of several series */

struct series_look {
	const struct chart_series *ser;
	int nser;
	int other; /* a curve value that names no series */
};

/* A curve cell's colour: its value is the number (from 1) of the series drawn last there. */
static int series_attr(const void *ctx, double v)
{
	const struct series_look *l = ctx;
	int id = (int)lround(v);
	return id >= 1 && id <= l->nser ? l->ser[id - 1].attr : l->other;
}

int chart_lines(const struct chart_page *c, int row0, int x, int w, int ph,
		const struct chart_series *ser, int nser, int npos, const char *xfirst,
		const char *xlast)
{
	struct chart *ch = chart_begin(c->t, w - 6, ph);
	if (!ch || npos < 1)
		return 0;
	double vmax = 0;
	for (int k = 0; k < nser; k++)
		for (int i = 0; i < ser[k].n; i++)
			if (!isnan(ser[k].v[i]))
				vmax = fmax(vmax, ser[k].v[i]);
	ch->lo = 0;
	ch->hi = chart_nice_ceil(fmax(vmax, 0.01)); /* all zeros: a line at the bottom */
	/* Each dot's value is its series' number: the colour of a cell. */
	for (int k = 0; k < nser; k++)
		chart_curve(ch, ser[k].v, ser[k].n, npos, k + 1);
	chart_label(ch, ch->lo);
	chart_label(ch, ch->hi);
	int muted = tui_attr(c->t, ROLE_MUTED);
	struct series_look look = {ser, nser, muted};
	struct chart_colors cc = {.axis = muted,
				  .faint = muted,
				  .mark = muted,
				  .mark2 = muted,
				  .curve_at = series_attr,
				  .ctx = &look};
	int row = row0 + chart_draw(c, ch, row0, x, 4, &cc);
	chart_xlabel(c, ch, row, x, 4, -1, muted, xfirst);
	if (npos > 1 && ch->pw >= (int)strlen(xfirst) + (int)strlen(xlast) + 2)
		chart_xlabel(c, ch, row, x, 4, 1, muted, xlast);
	return row + 1 - row0;
}
