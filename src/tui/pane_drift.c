/* The Drift pane (SPEC §9): today's population against the serving model's reference,
 * from monitor.h. A verdict; the features sorted by PSI, status coloured, each with a
 * reference and a current histogram over its bins; the score's distribution, reference
 * against current; the score's PSI and the AUC per calendar month, from the monthly
 * snapshots (monitor_run by month), as line charts (braille dots, `*` in ASCII); the
 * actual against the expected bad rate per month end and the vintage curves, from the
 * outcomes (performance.h). Enter opens the selected row's bins (label, shares, PSI part).
 *
 * monitor_run reads every profile (about a second at a million), so the reports are made
 * once, between keys (the idle hook; a key interrupts it and it starts again at the next
 * idle moment), and again only after a write reloads the panes. Drawing reads only the
 * cached reports. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "drift_extra.h"
#include "riskdesk/drift.h"
#include "riskdesk/monitor.h"
#include "riskdesk/performance.h"
#include "tui.h"

#define SECTIONS                                                                                   \
	6           /* features, score distribution, PSI chart, AUC chart, outcomes,
				    * characteristic analysis */
#define SIDE_MIN 40 /* the charts go beside the table when this much is left */
#define PSI_TITLE "Score PSI per month end"
#define AUC_TITLE "AUC per month end"

struct drift {
	struct monitor_report r; /* the last report; valid when have */
	int have;
	struct monitor_report mr; /* the snapshots by month, for the charts; valid when have_mr */
	int have_mr;
	char months_note[RD_ERR_MAX]; /* why there are no monthly charts, or "" */
	int pending;                  /* the report must be made (again) at the next idle moment */
	char error[RD_ERR_MAX];       /* why there is no report, or "" */
	int failed; /* monitor_run's enum monitor_result: MONITOR_NO_REFERENCE gets a hint */
	int *order; /* r.ncols indexes: the features by PSI (highest first), the score last */
	int nfeat;  /* features: r.ncols - 1 */
	int namew;  /* the longest feature name */
	double *psi, *auc; /* per month of mr, NaN where not computed */
	int cursor;        /* index in order */
	int bins;          /* the bins view of order[cursor] is open */
	int scroll;        /* first body row shown, table view */
	int bscroll;       /* first body row shown, bins view */
	int content;       /* body rows at the last draw (table view) */
	int bcontent;      /* and in the bins view */
	int sections[SECTIONS];
	int nsections;
	char keep[64];         /* the name under the cursor, kept across recomputes */
	struct perf_report pr; /* outcomes over time, for their charts; valid when have_pr */
	int have_pr;
	char pr_note[RD_ERR_MAX]; /* why an outcomes chart has nothing to draw, or "" */
	struct drift_extra dx;    /* characteristic analysis and stale line (drift_extra.h) */
	char stale[512];          /* what is out of date, at the last draw; "" for nothing */
};

static struct drift *state(struct pane *p)
{
	if (!p->state)
		p->state = rd_calloc(1, sizeof(struct drift));
	return p->state;
}

static void report_drop(struct drift *s)
{
	if (s->have)
		monitor_free(&s->r);
	if (s->have_mr)
		monitor_free(&s->mr);
	s->have_mr = 0;
	free(s->order);
	free(s->psi);
	free(s->auc);
	s->order = NULL;
	s->psi = s->auc = NULL;
	s->have = 0;
	s->nfeat = 0;
}

/* --- making the report */

static const struct monitor_column *sort_cols; /* qsort's context */

static int by_psi(const void *a, const void *b)
{
	const struct monitor_column *x = &sort_cols[*(const int *)a],
				    *y = &sort_cols[*(const int *)b];
	double px = isnan(x->psi) ? -1 : x->psi, py = isnan(y->psi) ? -1 : y->psi;
	if (px != py)
		return px < py ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* Takes a fresh report (and mr, the snapshots by month, or NULL): sorts it, keeps the
 * cursor on the same name. */
static void report_take(struct drift *s, struct monitor_report *r, struct monitor_report *mr)
{
	report_drop(s);
	s->r = *r;
	s->have = 1;
	if (mr) {
		s->mr = *mr;
		s->have_mr = 1;
	}
	s->error[0] = '\0';
	s->failed = MONITOR_OK;
	s->nfeat = r->ncols > 0 ? r->ncols - 1 : 0;
	s->order = rd_malloc((size_t)(r->ncols > 0 ? r->ncols : 1) * sizeof *s->order);
	for (int i = 0; i < r->ncols; i++)
		s->order[i] = i;
	sort_cols = r->cols;
	qsort(s->order, (size_t)s->nfeat, sizeof *s->order, by_psi);
	sort_cols = NULL;
	s->namew = 5; /* "score" */
	for (int i = 0; i < s->nfeat; i++) {
		int l = (int)strlen(r->cols[i].name);
		s->namew = l > s->namew ? l : s->namew;
	}
	int nm = s->have_mr ? s->mr.nmonths : 0;
	s->psi = rd_malloc((size_t)(nm > 0 ? nm : 1) * sizeof *s->psi);
	s->auc = rd_malloc((size_t)(nm > 0 ? nm : 1) * sizeof *s->auc);
	for (int i = 0; i < nm; i++) {
		s->psi[i] = s->mr.months[i].score_psi;
		s->auc[i] = s->mr.months[i].auc;
	}
	int found = -1;
	for (int i = 0; i < r->ncols && s->keep[0]; i++)
		if (strcmp(r->cols[s->order[i]].name, s->keep) == 0)
			found = i;
	if (found < 0) {
		s->cursor = 0;
		s->bins = 0;
	} else {
		s->cursor = found;
	}
	if (s->cursor >= r->ncols)
		s->cursor = r->ncols > 0 ? r->ncols - 1 : 0;
	if (r->ncols > 0)
		snprintf(s->keep, sizeof s->keep, "%s", r->cols[s->order[s->cursor]].name);
}

static void d_reload(struct pane *p, struct tui *t)
{
	struct drift *s = state(p);
	(void)t;
	s->pending = 1; /* the old report stays on screen, marked, until the new one is made */
	p->dirty = 1;
}

static int outcomes_make(struct drift *s, struct tui *t);

static int d_idle(struct pane *p, struct tui *t)
{
	struct drift *s = state(p);
	if (!s->pending)
		return drift_extra_idle(&s->dx, t);
	drift_extra_begin(&s->dx, t);
	struct monitor_opts o = {NULL, NULL, NULL, 0};
	struct monitor_report r, mr;
	struct rd_err err = {{0}};
	int rc = monitor_run(t->store, &o, &r, &err);
	if (rc) {
		if (tui_input_pending())
			return 0; /* a key interrupted it: again at the next idle moment */
		report_drop(s);
		const char *m = err.msg;
		if (strncmp(m, "drift: ", 7) == 0)
			m += 7;
		snprintf(s->error, sizeof s->error, "%s", m);
		s->failed = rc;
		s->pending = 0;
		s->bins = 0;
		return 1;
	}
	/* The charts: calendar months from the snapshots, never cohorts of different ages
	 * (young cohorts differ by having less history, a false alarm on undrifted data). */
	s->months_note[0] = '\0';
	o.by_month = 1;
	rc = monitor_run(t->store, &o, &mr, &err);
	int months = rc == 0;
	if (rc == MONITOR_NO_SNAPSHOTS) {
		snprintf(s->months_note, sizeof s->months_note,
			 "no snapshots: 'snapshot' takes them");
	} else if (rc && tui_input_pending()) {
		monitor_free(&r);
		return 0; /* a key interrupted it: both again at the next idle moment */
	} else if (rc) {
		const char *m = strncmp(err.msg, "drift: ", 7) == 0 ? err.msg + 7 : err.msg;
		snprintf(s->months_note, sizeof s->months_note, "%s", m);
	}
	if (outcomes_make(s, t)) {
		monitor_free(&r);
		if (months)
			monitor_free(&mr);
		return 0; /* a key interrupted it: all again at the next idle moment */
	}
	report_take(s, &r, months ? &mr : NULL);
	drift_extra_report(&s->dx, t, &s->r);
	s->pending = 0;
	return 1;
}

static void d_free(struct pane *p)
{
	struct drift *s = p->state;
	if (s) {
		report_drop(s);
		if (s->have_pr)
			perf_free(&s->pr);
		drift_extra_free(&s->dx);
	}
	free(s);
	p->state = NULL;
}

/* --- drawing helpers */

static int status_attr(const struct tui *t, double psi)
{
	if (isnan(psi))
		return tui_attr(t, ROLE_MUTED);
	if (psi > DRIFT_SIGNIFICANT)
		return tui_attr(t, ROLE_DRIFT_SIGNIFICANT);
	if (psi >= DRIFT_MODERATE)
		return tui_attr(t, ROLE_DRIFT_MODERATE);
	return tui_attr(t, ROLE_DRIFT_STABLE);
}

/* A PSI chart's point: its status's colour (ctx: the tui). */
static int psi_attr(const void *ctx, double psi)
{
	return status_attr(ctx, psi);
}

static const char *nf(char *buf, size_t n, const char *fmt, double v)
{
	if (isnan(v))
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, fmt, v);
	return buf;
}

/* Text at (y, x) of the pane, at most w columns and never past its edges; returns the
 * columns used. */
static int put(struct pane *p, int y, int x, int w, int attr, const char *s)
{
	if (y < 0 || y >= p->h || x < 0 || x >= p->w || w <= 0)
		return 0;
	if (x + w > p->w)
		w = p->w - x;
	wattron(p->win, attr);
	int used = tui_put(p->win, y, x, w, s);
	wattroff(p->win, attr);
	return used;
}

/* A column's bins folded into at most max (<= CHART_HIST_MAX) groups of shares. */
static int fold_bins(const struct monitor_column *col, int max, double *ref, double *cur)
{
	int n = col->nbins, g = (n + max - 1) / max, k = 0;
	if (g < 1)
		g = 1;
	for (int b = 0; b < n; b += g, k++) {
		ref[k] = cur[k] = 0;
		for (int j = b; j < b + g && j < n; j++) {
			ref[k] += col->bins[j].ref;
			cur[k] += col->bins[j].cur;
		}
	}
	return k;
}

/* --- the feature table */

struct table_geom {
	int namew;      /* name column */
	int ks, status; /* columns shown */
	int hist;       /* histogram bars per side, 0 for none */
	int width;      /* columns used */
};

static void table_geom(const struct drift *s, int w, struct table_geom *g)
{
	/* The name, PSI and status first; the name shrinks (to 10) before status goes. */
	g->namew = s->namew + 2 < 22 ? s->namew + 2 : 22;
	g->status = 1;
	if (1 + g->namew + 8 + 13 > w) {
		g->namew = w - 1 - 8 - 13;
		if (g->namew < 10) {
			g->status = 0;
			g->namew = w - 1 - 8 > 6 ? w - 1 - 8 : 6;
			if (g->namew > 22)
				g->namew = 22;
		}
	}
	int used = 1 + g->namew + 8 + (g->status ? 13 : 0);
	g->ks = g->status && used + 8 <= w;
	used += g->ks ? 8 : 0;
	g->hist = 0;
	if (used + 2 + 2 * 6 <= w) {
		int room = (w - used - 2) / 2;
		g->hist = room < CHART_HIST_MAX ? room : CHART_HIST_MAX;
		used += 2 + 2 * g->hist;
	}
	g->width = used;
}

/* The page row of order index i (the score after a blank row). */
static int table_row_of(const struct drift *s, int i)
{
	return 1 + i + (i >= s->nfeat ? 1 : 0);
}

static int draw_table(const struct chart_page *c, const struct drift *s, int row0)
{
	struct table_geom g;
	table_geom(s, c->w, &g);
	struct tui *t = c->t;
	int muted = tui_attr(t, ROLE_MUTED) | A_BOLD;
	int x = 1 + g.namew;
	char cell[96];
	chart_put(c, row0, 1, g.namew, muted, "feature");
	chart_put(c, row0, x, 8, muted, "     PSI");
	x += 8;
	if (g.ks) {
		chart_put(c, row0, x, 8, muted, "      KS");
		x += 8;
	}
	if (g.status) {
		chart_put(c, row0, x, 13, muted, "  status");
		x += 13;
	}
	if (g.hist) {
		chart_put(c, row0, x + 2, g.hist, muted, "reference");
		chart_put(c, row0, x + 3 + g.hist, g.hist, muted, "current");
	}
	for (int i = 0; i < s->r.ncols; i++) {
		const struct monitor_column *col = &s->r.cols[s->order[i]];
		int row = row0 + table_row_of(s, i), sel = i == s->cursor;
		if (i == s->nfeat)
			chart_put(c, row - 1, 1, c->w - 1, tui_attr(t, ROLE_MUTED),
				  "the score (Enter: its bins)");
		if (chart_y(c, row) < 0)
			continue;
		int st = status_attr(t, col->psi),
		    drifted = !isnan(col->psi) && col->psi >= DRIFT_MODERATE;
		int base = sel ? tui_attr(t, ROLE_SELECTION) : 0;
		if (sel) {
			/* The bar ends before the histograms: they keep their own colours. */
			int y = chart_y(c, row),
			    w = 1 + g.namew + 8 + (g.ks ? 8 : 0) + (g.status ? 13 : 0);
			if (chart_clip(c, 0, &w)) {
				wattron(c->p->win, base);
				for (int k = 0; k < w; k++)
					mvwaddch(c->p->win, y, c->x0 + k, ' ');
				wattroff(c->p->win, base);
			}
		}
		chart_put(c, row, 1, g.namew - 1,
			  sel       ? base | (int)A_BOLD
			  : drifted ? st
				    : 0,
			  col->name);
		x = 1 + g.namew;
		char v[24];
		snprintf(cell, sizeof cell, "%8s", nf(v, sizeof v, "%.4f", col->psi));
		chart_put(c, row, x, 8, sel ? base : st, cell);
		x += 8;
		if (g.ks) {
			snprintf(cell, sizeof cell, "%8s", nf(v, sizeof v, "%.4f", col->ks));
			chart_put(c, row, x, 8, base, cell);
			x += 8;
		}
		if (g.status) {
			snprintf(cell, sizeof cell, "  %-11s", drift_status(col->psi));
			chart_put(c, row, x, 13, sel ? base : st, cell);
			x += 13;
		}
		if (g.hist && col->nbins > 0) {
			double ref[CHART_HIST_MAX], cur[CHART_HIST_MAX], hi = 0;
			int n = fold_bins(col, g.hist, ref, cur);
			for (int b = 0; b < n; b++)
				hi = fmax(hi, fmax(ref[b], cur[b]));
			chart_hist(c, row, x + 2, ref, n, hi, tui_attr(t, ROLE_MUTED));
			chart_hist(c, row, x + 3 + g.hist, cur, n, hi,
				   isnan(col->psi) ? tui_attr(t, ROLE_MUTED) : st);
		}
	}
	return table_row_of(s, s->r.ncols > 0 ? s->r.ncols - 1 : 0) + 1;
}

/* --- the score distribution */

static int draw_score_dist(const struct chart_page *c, const struct drift *s, int row0)
{
	const struct monitor_column *sc = &s->r.cols[s->r.ncols - 1];
	struct tui *t = c->t;
	char title[128], v[2][24];
	snprintf(title, sizeof title, "Score distribution  PSI %s  KS %s",
		 nf(v[0], sizeof v[0], "%.4f", sc->psi), nf(v[1], sizeof v[1], "%.4f", sc->ks));
	chart_put(c, row0, 1, c->w - 1, tui_attr(t, ROLE_CHART) | A_BOLD, title);
	if (sc->nbins == 0) {
		chart_put(c, row0 + 1, 2, c->w - 2, tui_attr(t, ROLE_MUTED), "no scored profiles");
		return 2;
	}
	int lw = 4;
	double hi = 0;
	for (int b = 0; b < sc->nbins; b++) {
		int l = (int)strlen(sc->bins[b].label) + 1;
		lw = l > lw ? l : lw;
		hi = fmax(hi, fmax(sc->bins[b].ref, sc->bins[b].cur));
	}
	int room = c->w - 1;
	if (lw > room * 2 / 5)
		lw = room * 2 / 5 > 4 ? room * 2 / 5 : 4;
	int nums = room - lw >= 36 ? 14 : 0; /* " 10.0%  27.2%" */
	int bw = (room - lw - nums - 1) / 2;
	int muted = tui_attr(t, ROLE_MUTED) | A_BOLD, st = status_attr(t, sc->psi);
	chart_put(c, row0 + 1, 1, lw, muted, "bin");
	if (bw >= 3) {
		chart_put(c, row0 + 1, 1 + lw, bw, muted, "reference");
		chart_put(c, row0 + 1, 2 + lw + bw, bw, muted, "current");
	}
	if (nums)
		chart_put(c, row0 + 1, 2 + lw + 2 * bw, nums, muted, "   ref    cur");
	for (int b = 0; b < sc->nbins; b++) {
		const struct monitor_bin *bin = &sc->bins[b];
		int row = row0 + 2 + b;
		if (chart_y(c, row) < 0)
			continue;
		chart_put(c, row, 1, lw - 1, 0, bin->label);
		if (bw >= 3) {
			chart_gauge(c, row, 1 + lw, bw, hi > 0 ? bin->ref / hi : 0,
				    tui_attr(t, ROLE_MUTED));
			chart_gauge(c, row, 2 + lw + bw, bw, hi > 0 ? bin->cur / hi : 0, st);
		}
		if (nums) {
			char cell[48];
			snprintf(cell, sizeof cell, "%6.1f%% %5.1f%%", bin->ref * 100,
				 bin->cur * 100);
			chart_put(c, row, 2 + lw + 2 * bw, nums, 0, cell);
		}
	}
	return 2 + sc->nbins;
}

/* --- line charts over the snapshots' calendar months */

/* A line chart of v over months [a, b] (NaN skipped; a gap is dotted) at (row0, x), w
 * columns wide with a plot ph cells tall: title, plot, axis, first and last month.
 * psi: PSI scale (from 0, the 0.1 and 0.25 thresholds marked, points coloured by
 * status); else an AUC scale. Returns the rows used. */
static int draw_chart(const struct chart_page *c, const struct drift *s, int row0, int x, int w,
		      int ph, const char *title, const double *v, int psi)
{
	struct tui *t = c->t;
	int n = s->have_mr ? s->mr.nmonths : 0, a = -1, b = -1;
	double vmin = INFINITY, vmax = -INFINITY;
	for (int i = 0; i < n; i++)
		if (!isnan(v[i])) {
			if (a < 0)
				a = i;
			b = i;
			vmin = fmin(vmin, v[i]);
			vmax = fmax(vmax, v[i]);
		}
	char head[160], last[24];
	if (a >= 0)
		snprintf(head, sizeof head, "%s  %s %s", title, s->mr.months[b].month,
			 nf(last, sizeof last, "%.3f", v[b]));
	else
		snprintf(head, sizeof head, "%s", title);
	chart_put(c, row0, x, w, tui_attr(t, ROLE_CHART) | A_BOLD, head);
	if (a < 0) {
		chart_put(c, row0 + 1, x + 1, w - 1, tui_attr(t, ROLE_MUTED),
			  !s->have_mr ? s->months_note
			  : psi       ? "no snapshot month has 30 customers"
				      : "no snapshot month has 30 outcomes of both kinds");
		return 2;
	}
	struct chart *ch = chart_begin(t, w - 6, ph);
	if (!ch)
		return 1;
	int muted = tui_attr(t, ROLE_MUTED);
	struct chart_colors cc = {.axis = muted,
				  .curve = tui_attr(t, ROLE_CHART),
				  .faint = muted,
				  .mark = muted};
	if (psi) {
		ch->lo = 0;
		ch->hi = chart_nice_ceil(fmax(vmax, 0.3));
		ch->root = 1; /* the thresholds stay apart under PSIs of 2 or 3 */
		chart_hline(ch, DRIFT_MODERATE, CHART_MARK);
		chart_hline(ch, DRIFT_SIGNIFICANT, CHART_MARK2);
		chart_label(ch, DRIFT_MODERATE);
		chart_label(ch, DRIFT_SIGNIFICANT);
		cc.curve_at = psi_attr; /* each point in its status's colour */
		cc.ctx = t;
		cc.mark = tui_attr(t, ROLE_DRIFT_MODERATE);
		cc.mark2 = tui_attr(t, ROLE_DRIFT_SIGNIFICANT) & ~A_BOLD;
	} else {
		ch->lo = floor(vmin * 10 - 1e-9) / 10;
		ch->hi = ceil(vmax * 10 + 1e-9) / 10;
		if (ch->hi > 1)
			ch->hi = 1;
		if (ch->lo < 0)
			ch->lo = 0;
		if (ch->hi - ch->lo < 0.1)
			ch->lo = ch->hi - 0.1;
		chart_hline(ch, 0.5, CHART_MARK); /* chance */
		if (0.5 > ch->lo && 0.5 < ch->hi)
			chart_label(ch, 0.5);
	}
	chart_label(ch, ch->lo);
	chart_label(ch, ch->hi);
	/* The curve: adjacent months solid, across months without a value dotted. */
	chart_curve(ch, v + a, b - a + 1, b - a + 1, NAN);
	int axis = row0 + chart_draw(c, ch, row0 + 1, x, 4, &cc);
	chart_xlabel(c, ch, axis + 1, x, 4, -1, muted, s->mr.months[a].month);
	if (b > a && ch->pw >= 16)
		chart_xlabel(c, ch, axis + 1, x, 4, 1, muted, s->mr.months[b].month);
	if (ch->root && ch->pw >= 30)
		chart_xlabel(c, ch, axis + 1, x, 4, 0, muted, "sqrt scale");
	return ch->ph + 3;
}

/* --- outcomes over time: actual against expected bad rate per month end, and the vintage
 * curves (performance.h), drawn with the line charts' plot */

#define VINTAGES_SHOWN 5 /* the latest quarters with a point, one colour each */
#define BADRATE_TITLE "Actual vs expected bad rate"
#define VINTAGE_TITLE "Vintages: cumulative bad rate"

/* The report for the charts (the default window), replacing the last; without snapshots
 * the vintages alone. 0, or -1 when a key interrupted it (the old one stays). */
static int outcomes_make(struct drift *s, struct tui *t)
{
	struct perf_opts o = {0, NULL, NULL, 1, 1};
	struct perf_report pr;
	struct rd_err err = {{0}};
	char note[RD_ERR_MAX] = "";
	int rc = perf_run(t->store, &o, &pr, &err);
	if (rc == PERF_NO_SNAPSHOTS && !tui_input_pending()) {
		snprintf(note, sizeof note, "%s", err.msg);
		o.months = 0;
		rc = perf_run(t->store, &o, &pr, &err);
	}
	if (rc && tui_input_pending())
		return -1;
	if (s->have_pr)
		perf_free(&s->pr);
	s->have_pr = rc == 0;
	if (rc == 0)
		s->pr = pr;
	snprintf(s->pr_note, sizeof s->pr_note, "%s", rc ? err.msg : note);
	return 0;
}

/* The bad-rate chart: expected (mean PD) per month end, actual where the window is over. */
static int draw_badrate(const struct chart_page *c, struct drift *s, int row0, int w, int ph)
{
	struct tui *t = c->t;
	const struct perf_report *r = &s->pr;
	int muted = tui_attr(t, ROLE_MUTED), chart = tui_attr(t, ROLE_CHART);
	int n = s->have_pr ? r->nmonths : 0, last = -1;
	chart_put(c, row0, 0, w, chart | A_BOLD, BADRATE_TITLE);
	if (n == 0) {
		chart_put(c, row0 + 1, 1, w - 1, muted, s->pr_note);
		return 2;
	}
	for (int i = 0; i < n; i++)
		if (r->months[i].mature)
			last = i;
	/* The legend: the last mature month's figures, the window and where it is not over. */
	char it[4][64], v[24];
	if (last >= 0) {
		snprintf(it[0], sizeof it[0], "actual %s",
			 nf(v, sizeof v, "%.3f", r->months[last].all.actual));
		snprintf(it[1], sizeof it[1], "expected %s at %s",
			 nf(v, sizeof v, "%.3f", r->months[last].all.expected),
			 r->months[last].month);
	} else {
		snprintf(it[0], sizeof it[0], "actual");
		snprintf(it[1], sizeof it[1], "expected (mean PD)");
	}
	snprintf(it[2], sizeof it[2], "%d-month window", r->window);
	if (last >= 0)
		snprintf(it[3], sizeof it[3], "not over after %s", r->months[last].month);
	else
		snprintf(it[3], sizeof it[3], "not over for any month");
	const char *items[4] = {it[0], it[1], it[2], it[3]};
	const int attrs[4] = {chart, muted, muted, muted};
	int row = row0 + 1 + chart_legend(c, row0 + 1, w, items, attrs, last < n - 1 ? 4 : 3);
	double *ex = rd_malloc((size_t)n * sizeof *ex), *ac = rd_malloc((size_t)n * sizeof *ac);
	for (int i = 0; i < n; i++) {
		ex[i] = r->months[i].all.expected;
		ac[i] = r->months[i].all.actual; /* NaN while immature */
	}
	struct chart_series ser[2] = {{ex, n, muted}, {ac, n, chart}};
	row += chart_lines(c, row, 0, w, ph, ser, 2, n, r->months[0].month, r->months[n - 1].month);
	free(ex);
	free(ac);
	return row - row0;
}

/* The vintage chart: the latest quarters' cumulative bad rate by months on book. */
static int draw_vintages(const struct chart_page *c, struct drift *s, int row0, int w, int ph)
{
	struct tui *t = c->t;
	const struct perf_report *r = &s->pr;
	int muted = tui_attr(t, ROLE_MUTED), chart = tui_attr(t, ROLE_CHART);
	chart_put(c, row0, 0, w, chart | A_BOLD, VINTAGE_TITLE);
	/* Newest first, in these colours. */
	const int colours[VINTAGES_SHOWN] = {chart, tui_attr(t, ROLE_BAND_C),
					     tui_attr(t, ROLE_BAND_A), tui_attr(t, ROLE_BAND_E),
					     muted};
	struct chart_series ser[VINTAGES_SHOWN];
	char it[VINTAGES_SHOWN][48];
	const char *items[VINTAGES_SHOWN];
	int nser = 0, npos = 0;
	for (int i = s->have_pr ? r->nvintages - 1 : -1; i >= 0 && nser < VINTAGES_SHOWN; i--) {
		const struct perf_vintage *v = &r->vintages[i];
		if (v->points < 1)
			continue;
		char val[24];
		snprintf(it[nser], sizeof it[nser], "%s %s", v->quarter,
			 nf(val, sizeof val, "%.3f", v->cum[v->points - 1]));
		items[nser] = it[nser];
		/* Drawn oldest first: the newest quarter's colour wins where curves meet. */
		ser[VINTAGES_SHOWN - 1 - nser] = (struct chart_series){v->cum, v->points,
								       colours[nser]};
		npos = v->points > npos ? v->points : npos;
		nser++;
	}
	if (nser == 0) {
		chart_put(c, row0 + 1, 1, w - 1, muted,
			  !s->have_pr ? s->pr_note
				      : "no quarter has a whole month on book observed");
		return 2;
	}
	int row = row0 + 1 + chart_legend(c, row0 + 1, w, items, colours, nser);
	char xlast[32];
	snprintf(xlast, sizeof xlast, "%d months on book", npos);
	row += chart_lines(c, row, 0, w, ph, ser + VINTAGES_SHOWN - nser, nser, npos, "1", xlast);
	return row - row0;
}

/* Both charts, one under the other, as a section of the page. */
static int draw_outcomes(const struct chart_page *c, struct drift *s, int row0, int w, int ph)
{
	if (s->nsections < SECTIONS)
		s->sections[s->nsections++] = row0;
	int row = row0 + draw_badrate(c, s, row0, w, ph) + 1;
	return row - row0 + draw_vintages(c, s, row, w, ph);
}

/* --- the page: the table, the score distribution and the charts, side by side when
 * the pane is wide, else one under the other */

static int header_rows(const struct pane *p)
{
	const struct drift *s = p->state;
	return p->h >= 8 ? 3 + (p->h >= 10 && s && s->stale[0]) : p->h >= 3 ? 2 : 1;
}

static int body_rows(const struct pane *p)
{
	int n = p->h - header_rows(p);
	return n > 0 ? n : 0;
}

/* Under everything, the whole width: the characteristic analysis (drift_extra.h). */
static void page_extra(struct pane *p, struct tui *t, struct drift *s, int y0, int rows)
{
	struct chart_page da =
		{.p = p, .t = t, .y0 = y0, .rows = rows, .top = s->scroll, .w = p->w};
	if (s->nsections < SECTIONS)
		s->sections[s->nsections++] = s->content + 1;
	s->content = drift_extra_section(&s->dx, &da, s->content + 1);
}

/* Lays the page out from row s->scroll; with rows 0 it only measures. */
static void draw_page(struct pane *p, struct tui *t, struct drift *s, int y0, int rows)
{
	struct table_geom g;
	table_geom(s, p->w, &g);
	struct chart_page c =
		{.p = p, .t = t, .y0 = y0, .rows = rows, .top = s->scroll, .x0 = 0, .w = p->w};
	int side = p->w - g.width - 2 >= SIDE_MIN;
	int avail = body_rows(p);
	s->nsections = 0;
	s->sections[s->nsections++] = 0;
	if (side) {
		c.w = g.width;
		int left = draw_table(&c, s, 0);
		struct chart_page r = c;
		r.x0 = g.width + 1;
		r.w = p->w - r.x0;
		int row = draw_score_dist(&r, s, 0) + 1;
		/* The two charts share what is left, 3 to 10 rows of plot each. */
		int ph = (avail - row - 1 - 6) / 2;
		ph = ph < 3 ? 3 : ph > 10 ? 10 : ph;
		row += draw_chart(&r, s, row, 0, r.w - 1, ph, PSI_TITLE, s->psi, 1);
		row += 1;
		row += draw_chart(&r, s, row, 0, r.w - 1, ph, AUC_TITLE, s->auc, 0);
		row += 1;
		row += draw_outcomes(&r, s, row, r.w - 1, ph);
		s->content = left > row ? left : row;
		page_extra(p, t, s, y0, rows);
		return;
	}
	int row = draw_table(&c, s, 0) + 1;
	s->sections[s->nsections++] = row;
	row += draw_score_dist(&c, s, row) + 1;
	int ph = avail - 4;
	ph = ph < 3 ? 3 : ph > 8 ? 8 : ph;
	int cw = p->w - 1 < 86 ? p->w - 1 : 86;
	s->sections[s->nsections++] = row;
	row += draw_chart(&c, s, row, 0, cw, ph, PSI_TITLE, s->psi, 1) + 1;
	s->sections[s->nsections++] = row;
	row += draw_chart(&c, s, row, 0, cw, ph, AUC_TITLE, s->auc, 0) + 1;
	row += draw_outcomes(&c, s, row, cw, ph);
	s->content = row;
	page_extra(p, t, s, y0, rows);
}

/* The bins of the selected row: label, shares, PSI part, bars. */
static void draw_bins(struct pane *p, struct tui *t, struct drift *s, int y0, int rows)
{
	const struct monitor_column *col = &s->r.cols[s->order[s->cursor]];
	struct chart_page c =
		{.p = p, .t = t, .y0 = y0, .rows = rows, .top = s->bscroll, .x0 = 0, .w = p->w};
	char line[320], v[2][24];
	int st = status_attr(t, col->psi), muted = tui_attr(t, ROLE_MUTED) | A_BOLD;
	int x = 1;
	const char *kind = col->kind == MON_CATEGORICAL ? "categorical"
			   : col->kind == MON_SCORE     ? "score"
							: "numeric";
	int y = chart_y(&c, 0);
	snprintf(line, sizeof line, "%s  %s  PSI %s  KS %s  ", col->name, kind,
		 nf(v[0], sizeof v[0], "%.4f", col->psi), nf(v[1], sizeof v[1], "%.4f", col->ks));
	if (y >= 0) {
		x += put(p, y, x, p->w - x, A_BOLD, line);
		put(p, y, x, p->w - x, st, drift_status(col->psi));
	}
	int row = 1;
	if (col->changes[0])
		chart_put(&c, row++, 1, p->w - 1, tui_attr(t, ROLE_DRIFT_MODERATE), col->changes);
	row++;
	int lw = 4;
	double hi = 0;
	for (int b = 0; b < col->nbins; b++) {
		int l = (int)strlen(col->bins[b].label) + 2;
		lw = l > lw ? l : lw;
		hi = fmax(hi, fmax(col->bins[b].ref, col->bins[b].cur));
	}
	/* Numbers first (all three, else the shares, else the current share), the label as
	 * long as it is, bars with what is left. */
	int room = p->w - 1, nums = 30;
	if (lw > room - nums)
		nums = room - 8 >= 16 ? 16 : 8;
	if (lw > room - nums)
		lw = room - nums > 6 ? room - nums : 6;
	int bw = (room - lw - nums - 2) / 2;
	if (bw > 30)
		bw = 30;
	chart_put(&c, row, 1, lw, muted, "bin");
	chart_put(&c, row, 1 + lw, nums, muted,
		  nums >= 30   ? " reference   current  PSI part"
		  : nums >= 16 ? "    ref     cur"
			       : "    cur");
	if (bw >= 3) {
		chart_put(&c, row, 2 + lw + nums, bw, muted, "reference");
		chart_put(&c, row, 3 + lw + nums + bw, bw, muted, "current");
	}
	row++;
	for (int b = 0; b < col->nbins; b++, row++) {
		const struct monitor_bin *bin = &col->bins[b];
		if (chart_y(&c, row) < 0)
			continue;
		chart_put(&c, row, 1, lw - 1, 0, bin->label);
		if (nums >= 30) {
			snprintf(line, sizeof line, "%9.2f%% %8.2f%% ", bin->ref * 100,
				 bin->cur * 100);
			chart_put(&c, row, 1 + lw, 21, 0, line);
			snprintf(line, sizeof line, "%9.4f", bin->contrib);
			chart_put(&c, row, 1 + lw + 21, 9, status_attr(t, bin->contrib), line);
		} else if (nums >= 16) {
			snprintf(line, sizeof line, "%6.1f%% %6.1f%%", bin->ref * 100,
				 bin->cur * 100);
			chart_put(&c, row, 1 + lw, nums, 0, line);
		} else {
			snprintf(line, sizeof line, "%6.1f%%", bin->cur * 100);
			chart_put(&c, row, 1 + lw, nums, 0, line);
		}
		if (bw >= 3) {
			chart_gauge(&c, row, 2 + lw + nums, bw, hi > 0 ? bin->ref / hi : 0,
				    tui_attr(t, ROLE_MUTED));
			chart_gauge(&c, row, 3 + lw + nums + bw, bw, hi > 0 ? bin->cur / hi : 0,
				    st);
		}
	}
	row++;
	snprintf(line, sizeof line,
		 "PSI = sum of (current - reference) * ln(current / reference),"
		 " shares floored at %g",
		 DRIFT_FLOOR);
	chart_put(&c, row++, 1, p->w - 1, tui_attr(t, ROLE_MUTED), line);
	struct chart_page da =
		{.p = p, .t = t, .y0 = y0, .rows = rows, .top = s->bscroll, .w = p->w};
	row += 1 + drift_extra_feature(&s->dx, &da, row + 1, col->name, col->kind == MON_SCORE);
	s->bcontent = row;
}

static void d_draw(struct pane *p, struct tui *t)
{
	struct drift *s = state(p);
	int focused = t->focus == (int)(p - t->panes);
	int ta = tui_attr(t, focused ? ROLE_FOCUS : ROLE_HEADER);
	const char *dots = t->utf8 ? "\xe2\x80\xa6" : "...";
	char line[512], model[160] = "", busy[32] = "";
	if (s->have)
		snprintf(model, sizeof model, "  %s@%d", s->r.model, s->r.version);
	if (s->have && s->pending)
		snprintf(busy, sizeof busy, "  (computing%s)", dots);
	if (s->have && s->bins)
		snprintf(line, sizeof line,
			 " Drift%s: %s bins%s  Esc/Enter back  j/k next/previous  J/K scroll",
			 model, s->r.cols[s->order[s->cursor]].name, busy);
	else
		snprintf(line, sizeof line,
			 " Drift%s%s  j/k select  Enter bins  J/K scroll  { } sections", model,
			 busy);
	wattron(p->win, ta);
	tui_clear_to(p->win, 0, 0, p->w);
	wattroff(p->win, ta);
	put(p, 0, 0, p->w, ta, line);
	drift_extra_stale(&s->dx, t, s->have_mr, s->stale, sizeof s->stale);
	if (!s->have)
		s->stale[0] = '\0'; /* no report: nothing to be out of date */
	int hr = header_rows(p);
	if (!s->have) {
		if (hr < 2)
			return;
		if (s->pending) {
			snprintf(line, sizeof line, " computing%s", dots);
			put(p, 1, 0, p->w, tui_attr(t, ROLE_MUTED), line);
		} else if (s->failed == MONITOR_NO_REFERENCE) {
			put(p, 1, 0, p->w, A_BOLD,
			    " no drift reference yet: 'drift baseline' or 'recompute all'");
			put(p, 2, 1, p->w - 1, tui_attr(t, ROLE_MUTED), s->error);
		} else {
			put(p, 1, 1, p->w - 1, tui_attr(t, ROLE_DRIFT_SIGNIFICANT), s->error);
		}
		return;
	}
	const struct monitor_report *r = &s->r;
	if (hr >= 4)
		put(p, 3, 1, p->w - 1, tui_attr(t, ROLE_DRIFT_MODERATE) | A_BOLD, s->stale);
	if (hr >= 2) {
		snprintf(line, sizeof line,
			 " %d of %d features drifted significantly, %d moderately", r->significant,
			 s->nfeat, r->moderate);
		int va = r->significant ? tui_attr(t, ROLE_DRIFT_SIGNIFICANT)
			 : r->moderate  ? tui_attr(t, ROLE_DRIFT_MODERATE)
					: tui_attr(t, ROLE_DRIFT_STABLE);
		put(p, 1, 0, p->w, va | A_BOLD, line);
	}
	if (hr >= 3 && r->ncols > 0) {
		const struct monitor_column *sc = &r->cols[r->ncols - 1];
		char v[2][24];
		snprintf(line, sizeof line,
			 " %s  segment %s  reference %zu rows  current %zu profiles"
			 "  score PSI %s  KS %s  ",
			 r->algo, r->segment, r->ref_rows, r->cur_rows,
			 nf(v[0], sizeof v[0], "%.4f", sc->psi),
			 nf(v[1], sizeof v[1], "%.4f", sc->ks));
		int used = put(p, 2, 0, p->w, 0, line);
		put(p, 2, used, p->w - used, status_attr(t, sc->psi), drift_status(sc->psi));
	}
	int rows = body_rows(p);
	if (rows <= 0 || r->ncols == 0)
		return;
	if (s->bins) {
		draw_bins(p, t, s, hr, 0);
		int max = s->bcontent - rows;
		if (s->bscroll > max)
			s->bscroll = max > 0 ? max : 0;
		draw_bins(p, t, s, hr, rows);
		return;
	}
	/* Measure first: a resize changes the layout, and the scroll must stay inside it. */
	draw_page(p, t, s, hr, 0);
	int max = s->content - rows;
	if (s->scroll > max)
		s->scroll = max > 0 ? max : 0;
	draw_page(p, t, s, hr, rows);
}

/* --- keys */

static void scroll_to(struct pane *p, struct drift *s, int to)
{
	int max = s->content - body_rows(p);
	s->scroll = to > max ? max : to;
	if (s->scroll < 0)
		s->scroll = 0;
}

/* Scrolls so the cursor's row (and the table's head above the first) shows. */
static void show_cursor(struct pane *p, struct drift *s)
{
	int rows = body_rows(p), row = table_row_of(s, s->cursor);
	if (s->cursor == 0 || row - 1 < s->scroll)
		s->scroll = s->cursor == 0 ? 0 : row - 1;
	else if (rows > 0 && row >= s->scroll + rows)
		s->scroll = row - rows + 1;
}

static void bins_scroll(struct pane *p, struct drift *s, int to)
{
	int max = s->bcontent - body_rows(p);
	s->bscroll = to > max ? max : to;
	if (s->bscroll < 0)
		s->bscroll = 0;
}

static int d_key(struct pane *p, struct tui *t, int ch)
{
	struct drift *s = state(p);
	if (ch == 'u') { /* remake the report (another process may have recomputed) */
		d_reload(p, t);
		return PK_DONE | PK_REDRAW;
	}
	if (!s->have || s->r.ncols == 0)
		return PK_UNHANDLED;
	int rows = body_rows(p), page = rows > 2 ? rows - 1 : 1;
	if (s->bins) {
		switch (ch) {
		case 27:
		case '\n':
		case '\r':
		case KEY_ENTER:
		case KEY_BACKSPACE:
		case KEY_LEFT:
		case 'h': s->bins = 0; break;
		case 'j':
		case KEY_DOWN:
		case 'k':
		case KEY_UP: { /* the next (previous) row's bins */
			int down = ch == 'j' || ch == KEY_DOWN;
			int to = s->cursor + (down ? 1 : -1);
			if (to >= 0 && to < s->r.ncols) {
				s->cursor = to;
				s->bscroll = 0;
				snprintf(s->keep, sizeof s->keep, "%s",
					 s->r.cols[s->order[to]].name);
				show_cursor(p, s);
			}
			break;
		}
		case 'J': bins_scroll(p, s, s->bscroll + 1); break;
		case 'K': bins_scroll(p, s, s->bscroll - 1); break;
		case KEY_NPAGE:
		case ' ': bins_scroll(p, s, s->bscroll + page); break;
		case KEY_PPAGE: bins_scroll(p, s, s->bscroll - page); break;
		case 'g':
		case KEY_HOME: s->bscroll = 0; break;
		case 'G':
		case KEY_END: bins_scroll(p, s, s->bcontent); break;
		default: return PK_UNHANDLED;
		}
		return PK_DONE | PK_REDRAW;
	}
	int cursor, n = s->r.ncols;
	if (tui_list_move(ch, s->cursor, n, page, &cursor)) {
		s->cursor = cursor;
		snprintf(s->keep, sizeof s->keep, "%s", s->r.cols[s->order[cursor]].name);
		show_cursor(p, s);
		return PK_DONE | PK_REDRAW;
	}
	int to;
	if (tui_detail_scroll(ch, s->scroll, s->sections, s->nsections, &to)) {
		scroll_to(p, s, to);
		return PK_DONE | PK_REDRAW;
	}
	switch (ch) {
	case '\n':
	case '\r':
	case KEY_ENTER:
	case KEY_RIGHT:
	case 'l':
		s->bins = 1;
		s->bscroll = 0;
		return PK_DONE | PK_REDRAW;
	default: return PK_UNHANDLED;
	}
}

static void d_mouse(struct pane *p, struct tui *t, int y, int x, int wheel)
{
	struct drift *s = state(p);
	if (!s->have || s->r.ncols == 0)
		return;
	if (wheel && s->bins) {
		bins_scroll(p, s, s->bscroll + 3 * wheel);
		p->dirty = 1;
		return;
	}
	if (wheel) {
		for (int i = 0; i < 3; i++)
			d_key(p, t, wheel > 0 ? KEY_DOWN : KEY_UP);
		return;
	}
	if (s->bins)
		return;
	struct table_geom g;
	table_geom(s, p->w, &g);
	int row = y - header_rows(p) + s->scroll;
	if (y < header_rows(p) || x >= g.width)
		return;
	for (int i = 0; i < s->r.ncols; i++)
		if (table_row_of(s, i) == row) {
			s->cursor = i;
			snprintf(s->keep, sizeof s->keep, "%s", s->r.cols[s->order[i]].name);
			p->dirty = 1;
		}
}

const struct pane_ops pane_drift_ops = {
	.name = "Drift",
	.draw = d_draw,
	.key = d_key,
	.reload = d_reload,
	.mouse = d_mouse,
	.idle = d_idle,
	.free = d_free,
};
