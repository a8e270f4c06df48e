/* Charts for the panes, with an ASCII fallback outside a UTF-8 locale (tui->utf8); colours
 * are theme attributes (tui_attr) chosen by the caller.
 *
 * - Gauges and sparklines at window coordinates (block elements; `#` and `_.-=^` in ASCII).
 * - A page: rows of a virtual page taller than the pane, scrolled and clipped to a column
 *   of it, with text, gauges, one-row histograms and legends placed by page row.
 * - A plot (struct chart): a grid of braille dots, 2 x 4 a cell (one dot a cell, `*` and
 *   `.`, in ASCII), filled with curves and guide lines, then drawn on a page with its y
 *   labels and axes. There is one plot at a time: chart_begin clears it.
 *
 * A pane computes its series and calls these; it never draws dots or axes itself. */
#ifndef RISKDESK_CHART_H
#define RISKDESK_CHART_H

#include "tui.h"

#define CHART_COLS_MAX 120 /* a plot's cells */
#define CHART_ROWS_MAX 16

/* --- at window coordinates */

/* A bar of frac (0..1) of w cells, in eighths of a cell. */
void chart_win_gauge(const struct tui *t, WINDOW *win, int y, int x, int w, double frac, int attr);
/* The last w of v[0..n) as one row of bars scaled from lo to hi. */
void chart_win_sparkline(const struct tui *t, WINDOW *win, int y, int x, int w, const int *v, int n,
			 int lo, int hi);

/* --- a page */

struct chart_page {
	struct pane *p;
	struct tui *t;
	int y0, rows; /* the pane rows it may use; 0 rows only measures */
	int top;      /* the first page row shown */
	int x0, w;    /* the column [x0, x0 + w) of the pane */
	int row;      /* the next page row to fill, for a caller laying out top-down */
};

/* The pane row of a page row, or -1 when it is not shown. */
int chart_y(const struct chart_page *c, int row);
/* Columns [x, x + *w) of the column, *w clipped to it; 0 when nothing shows. */
int chart_clip(const struct chart_page *c, int x, int *w);
/* Text at (row, x) of the column, at most w columns. */
void chart_put(const struct chart_page *c, int row, int x, int w, int attr, const char *s);
/* chart_win_gauge at (row, x) of the column, clipped to it. */
void chart_gauge(const struct chart_page *c, int row, int x, int w, double frac, int attr);
/* Shares v[0..n) (n <= CHART_HIST_MAX) as n bars scaled to hi, cut on the right. */
#define CHART_HIST_MAX 12
void chart_hist(const struct chart_page *c, int row, int x, const double *v, int n, double hi,
		int attr);
/* Legend items from (row, 1), two blanks apart, wrapped at w. Returns the rows used. */
int chart_legend(const struct chart_page *c, int row, int w, const char *const *items,
		 const int *attrs, int n);

/* --- a plot */

/* What a dot belongs to; a cell keeps every kind drawn in it. */
enum chart_kind {
	CHART_CURVE = 1, /* a curve: `*` in ASCII */
	CHART_FAINT = 2, /* a curve's dotted gap or a dotted guide: `.` */
	CHART_MARK = 4,  /* a threshold line: `-` */
	CHART_MARK2 = 8, /* a second threshold line: `-` */
};

struct chart {
	int utf8;
	int pw, ph;    /* cells */
	int gw, gh;    /* dots */
	double lo, hi; /* the y range, set by the caller after chart_begin */
	int root;      /* the y scale is of square roots (from lo >= 0) */
	unsigned char bits[CHART_ROWS_MAX][CHART_COLS_MAX]; /* braille dots of a cell */
	unsigned char kind[CHART_ROWS_MAX][CHART_COLS_MAX]; /* enum chart_kind bits */
	float val[CHART_ROWS_MAX][CHART_COLS_MAX];          /* the highest curve value in a cell */
	char label[CHART_ROWS_MAX][16];                     /* y labels per cell row, or "" */
};

/* The one plot, cleared and sized pw x ph cells (at most CHART_COLS_MAX x CHART_ROWS_MAX);
 * NULL when under 4 x 2. */
struct chart *chart_begin(const struct tui *t, int pw, int ph);
/* The dot row of value v (clamped to the range). */
int chart_ydot(const struct chart *ch, double v);
void chart_dot(struct chart *ch, int gx, int gy, int kind, double v);
/* A segment between two dots, v0 to v1 its values; every other dot (CHART_FAINT) when
 * dotted. */
void chart_line(struct chart *ch, int x0, int y0, double v0, int x1, int y1, double v1, int dotted);
/* A curve through v[0..n) at positions 0..npos-1 spread over the width (one position: the
 * middle), only i < npos; NaN: no point, and the segment over it dotted. Its dots' values
 * are v's, or tag unless tag is NaN. */
void chart_curve(struct chart *ch, const double *v, int n, int npos, double tag);
/* A dotted line at v across the plot, when v is strictly inside the range. */
void chart_hline(struct chart *ch, double v, int kind);
/* A dotted line from the bottom left corner to the top right one (chance on a ROC). */
void chart_diagonal(struct chart *ch, int kind);
/* A fine segment in fractions of the plot (x and y from 0 to 1; points outside are left
 * out), sampled at half-dot steps. */
void chart_segment(struct chart *ch, double x0, double y0, double x1, double y1, int kind);
/* The y label of v ("%4.2f", "%4.1f" from 10) on the cell row of v, replacing one there. */
void chart_label(struct chart *ch, double v);
/* The smallest of 1, 2, 2.5, 5 times a power of ten that is at least v (1 for v <= 0). */
double chart_nice_ceil(double v);

/* Colours of a plot's cells, by the kinds drawn in a cell in this order of precedence. */
struct chart_colors {
	int axis; /* the y labels and the axes */
	int curve, faint, mark2, mark;
	/* When set, a curve cell's colour from its value (a status, a series' number). */
	int (*curve_at)(const void *ctx, double v);
	const void *ctx;
};

/* The plot on the page from (row0, x): per cell row its label (lw columns), the axis and
 * the cells; under them the x axis. Returns the rows used (ph + 1). */
int chart_draw(const struct chart_page *c, const struct chart *ch, int row0, int x, int lw,
	       const struct chart_colors *cc);
/* Text under the plot drawn at (., x, lw) on page row row: at the plot's left edge (align
 * < 0), centred (0) or ending at its right edge (> 0). */
void chart_xlabel(const struct chart_page *c, const struct chart *ch, int row, int x, int lw,
		  int align, int attr, const char *s);

/* --- a line chart of several series */

struct chart_series {
	const double *v; /* NaN: no point */
	int n;
	int attr;
};

/* The series over positions 0..npos-1 at (row0, x), w columns wide (the y labels take 5)
 * with a plot ph cells tall, from 0 up: plot, axis, the first and last positions' labels.
 * Where two series share a cell the later one's colour shows. Returns the rows used, 0
 * when too small. */
int chart_lines(const struct chart_page *c, int row0, int x, int w, int ph,
		const struct chart_series *ser, int nser, int npos, const char *xfirst,
		const char *xlast);

#endif
