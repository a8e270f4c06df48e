/* The Models pane: the registry (every version, status coloured, champions marked) and
 * the selected version in detail — key metrics, the ROC curve (braille dots, or `*` in
 * ASCII), IV bars, the strategy curve (approval against bad rate by cut-off), the points table (scorecards), weights (logit), parameters (xgb) or
 * terms (rules), gains by decile, calibration by band and by PD decile with the
 * Hosmer–Lemeshow test. The data comes from modelview.h; j/k select a version, J/K scroll
 * the detail, { and } jump between its sections, Enter runs `model NAME@V`, P and X run
 * `promote NAME@V` and `retire NAME@V` after a confirmation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "riskdesk/modelview.h"
#include "riskdesk/strategy.h"
#include "riskdesk/swapset.h"
#include "tui.h"

#define LIST_MAX 500 /* registry rows held; the title says when there are more */
#define MAX_SECTIONS 10

struct models {
	struct modelview_version *list; /* owned, LIST_MAX rows */
	int n, total;
	int cursor; /* index in list */
	int top;    /* first registry row shown */
	struct modelview mv;
	int loaded;                 /* mv holds list[cursor] */
	int scroll;                 /* first detail row shown */
	int content;                /* detail rows at the last draw */
	int sections[MAX_SECTIONS]; /* where each detail section starts, at the last draw */
	int nsections;
	struct strategy strat; /* the selected trained version's sweep (strategy.h) */
	int has_strat;
	struct strategy book; /* the same on the current book, when it has scores there */
	int has_book;
	char book_note[RD_ERR_MAX]; /* why there is no book sweep, when there is none */
	struct swapset swap;        /* a challenger's against its segment's champion (swapset.h) */
	int has_swap;
};

/* Where things are in the pane for its current size. */
struct geometry {
	int list_y, list_rows; /* the registry rows */
	int head_y;            /* the selected version's heading, or -1 */
	int body_y, body_rows; /* the detail */
};

static struct models *state(struct pane *p)
{
	struct models *s = p->state;
	if (!s) {
		s = p->state = rd_calloc(1, sizeof *s);
		s->list = rd_calloc(LIST_MAX, sizeof *s->list);
	}
	return s;
}

static void geometry(const struct pane *p, const struct models *s, struct geometry *g)
{
	int avail = p->h - 2; /* the title and the registry's column heads */
	g->list_y = 2;
	g->head_y = -1;
	g->body_y = p->h;
	g->body_rows = 0;
	if (avail <= 3) {
		g->list_rows = avail > 0 ? avail : 0;
		return;
	}
	int cap = avail / 3 > 2 ? avail / 3 : 2;
	int want = s->n > 0 ? s->n : 1;
	g->list_rows = want < cap ? want : cap;
	g->head_y = g->list_y + g->list_rows;
	g->body_y = g->head_y + 1;
	g->body_rows = p->h - g->body_y;
}

static void load_detail(struct pane *p, struct tui *t)
{
	struct models *s = state(p);
	struct rd_err err = {{0}};
	modelview_free(&s->mv);
	strategy_free(&s->strat);
	strategy_free(&s->book);
	s->has_strat = 0;
	s->has_book = 0;
	s->book_note[0] = '\0';
	s->loaded = 0;
	s->scroll = 0;
	if (s->n == 0)
		return;
	const struct modelview_version *v = &s->list[s->cursor];
	int rc = modelview_load(t->store, v->name, v->version, &s->mv, &err);
	if (rc < 0)
		tui_status(t, 1, "%s", err.msg);
	s->loaded = rc == 0;
	/* The rules model has no predictions to sweep: no section, no message. */
	if (s->loaded && strcmp(v->algo, "rules") != 0)
		s->has_strat = strategy_load(t->store, v->name, v->version, &s->strat, &err) == 0;
	if (s->has_strat) {
		int booked = strategy_load_book(t->store, v->name, v->version, &s->book, &err);
		s->has_book = booked == 0;
		snprintf(s->book_note, sizeof s->book_note, "%s", booked ? err.msg : "");
	}
	s->has_swap = s->loaded &&
		      swapset_against_champion(t->store, v->name, v->version, &s->swap, &err) == 0;
}

static void m_reload(struct pane *p, struct tui *t)
{
	struct models *s = state(p);
	struct rd_err err = {{0}};
	char keep[128] = "";
	int keep_version = 0, first = s->n == 0;
	if (s->n) {
		snprintf(keep, sizeof keep, "%s", s->list[s->cursor].name);
		keep_version = s->list[s->cursor].version;
	}
	int n = modelview_list(t->store, s->list, LIST_MAX, &s->total, &err);
	if (n < 0) {
		tui_status(t, 1, "%s", err.msg);
		n = 0;
	}
	s->n = n;
	s->cursor = 0;
	for (int i = 0; i < n; i++) {
		if (!first && strcmp(s->list[i].name, keep) == 0 &&
		    s->list[i].version == keep_version) {
			s->cursor = i;
			break;
		}
		/* Opened for the first time: the first trained champion. */
		if (first && strcmp(s->list[i].status, "champion") == 0 &&
		    strcmp(s->list[i].algo, "rules") != 0) {
			s->cursor = i;
			break;
		}
	}
	int scroll = s->scroll;
	load_detail(p, t);
	if (!first && s->n && strcmp(s->list[s->cursor].name, keep) == 0 &&
	    s->list[s->cursor].version == keep_version)
		s->scroll = scroll; /* the same version reloaded: stay where the reader was */
	p->dirty = 1;
}

/* --- text helpers */

/* A number with a printf format, or "-" when it is absent. */
static const char *nf(char *buf, size_t n, const char *fmt, double v)
{
	if (isnan(v))
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, fmt, v);
	return buf;
}

static const char *pct(char *buf, size_t n, double v)
{
	if (isnan(v))
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%.1f%%", v * 100);
	return buf;
}

static int status_attr(const struct tui *t, const char *status)
{
	if (strcmp(status, "champion") == 0)
		return tui_attr(t, ROLE_DRIFT_STABLE) | A_BOLD;
	if (strcmp(status, "challenger") == 0)
		return tui_attr(t, ROLE_DRIFT_MODERATE);
	return tui_attr(t, ROLE_MUTED);
}

/* Text at (y, x), at most w columns and never past the pane's right edge. */
static void put(struct pane *p, int y, int x, int w, int attr, const char *s)
{
	if (y < 0 || y >= p->h || x >= p->w || w <= 0)
		return;
	if (x + w > p->w)
		w = p->w - x;
	wattron(p->win, attr);
	tui_put(p->win, y, x, w, s);
	wattroff(p->win, attr);
}

/* --- the registry */

static void draw_registry(struct pane *p, struct tui *t, const struct geometry *g)
{
	struct models *s = state(p);
	int nw = 12;
	for (int i = 0; i < s->n; i++) {
		char nv[160];
		int len = snprintf(nv, sizeof nv, "%s@%d", s->list[i].name, s->list[i].version);
		if (len + 1 > nw)
			nw = len + 1;
	}
	if (nw > 28)
		nw = 28;
	/* Columns: marker, name@version, then the most telling first (narrow panes cut the
	 * right ones): status, algo, AUC, KS, segment, weight, created. */
	static const char *const heads[] = {"status",  "algo",   "AUC",    "KS",
					    "segment", "weight", "created"};
	static const int widths[] = {11, 10, 7, 8, 9, 7, 21};
	static const int right[] = {0, 0, 1, 1, 0, 1, 0};
	int xs[7], x = 2 + nw;
	for (int c = 0; c < 7; c++) {
		xs[c] = x;
		x += widths[c];
	}
	int ha = tui_attr(t, ROLE_MUTED) | A_BOLD;
	wattron(p->win, ha);
	if (1 < p->h)
		tui_clear_to(p->win, 1, 0, p->w);
	wattroff(p->win, ha);
	put(p, 1, 2, nw, ha, "model");
	for (int c = 0; c < 7; c++) {
		char h[32];
		snprintf(h, sizeof h, right[c] ? "%*s " : "%-*s", widths[c] - 1, heads[c]);
		put(p, 1, xs[c], widths[c], ha, h);
	}
	if (s->n == 0 && g->list_rows > 0)
		put(p, g->list_y, 2, p->w - 2, tui_attr(t, ROLE_MUTED), "No models.");
	if (s->cursor < s->top)
		s->top = s->cursor;
	if (g->list_rows > 0 && s->cursor >= s->top + g->list_rows)
		s->top = s->cursor - g->list_rows + 1;
	if (s->top > 0 && s->top + g->list_rows > s->n)
		s->top = s->n > g->list_rows ? s->n - g->list_rows : 0;
	for (int r = 0; r < g->list_rows && s->top + r < s->n; r++) {
		int i = s->top + r, y = g->list_y + r, sel = i == s->cursor;
		const struct modelview_version *v = &s->list[i];
		int retired = strcmp(v->status, "retired") == 0;
		int base = sel ? tui_attr(t, ROLE_SELECTION)
			       : tui_attr(t, retired ? ROLE_MUTED : ROLE_NORMAL);
		wattron(p->win, base);
		tui_clear_to(p->win, y, 0, p->w);
		wattroff(p->win, base);
		char cell[160];
		int champ = strcmp(v->status, "champion") == 0;
		put(p, y, 0, 2, sel ? base : status_attr(t, v->status), champ ? "*" : " ");
		snprintf(cell, sizeof cell, "%s@%d", v->name, v->version);
		put(p, y, 2, nw - 1, base | (champ ? A_BOLD : 0), cell);
		char w[32], a[32], k[32];
		const char *vals[7] = {v->status,
				       v->algo,
				       nf(a, sizeof a, "%.4f", v->auc),
				       nf(k, sizeof k, "%.4f", v->ks),
				       v->segment,
				       nf(w, sizeof w, "%g", v->weight),
				       v->created_at};
		for (int c = 0; c < 7; c++) {
			snprintf(cell, sizeof cell, right[c] ? "%*s " : "%-*s", widths[c] - 1,
				 vals[c]);
			put(p, y, xs[c], widths[c],
			    c == 0 && !sel ? status_attr(t, v->status) : base, cell);
		}
	}
}

/* --- the detail, drawn on rows of a taller virtual page (chart.h) clipped to the pane */

static void cv_heading(struct chart_page *c, struct models *s, const char *text)
{
	if (c->row > 0)
		c->row++; /* a blank line between sections */
	if (s->nsections < MAX_SECTIONS)
		s->sections[s->nsections++] = c->row;
	chart_put(c, c->row++, 1, c->w - 1, tui_attr(c->t, ROLE_CHART) | A_BOLD, text);
}

/* Metrics as label/value cells, as many to a row as fit. */
static void draw_metrics(struct chart_page *c, struct models *s)
{
	const struct modelview *m = &s->mv;
	char b[20][96];
	const char *pm = c->t->utf8 ? "\xc2\xb1" : "+/-";
	struct {
		const char *label;
		const char *value;
	} cells[20];
	int n = 0;
	char x1[24];
#define CELL(l, ...)                                                                               \
	do {                                                                                       \
		snprintf(b[n], sizeof b[n], __VA_ARGS__);                                          \
		cells[n].label = (l);                                                              \
		cells[n].value = b[n];                                                             \
		n++;                                                                               \
	} while (0)
	if (!isnan(m->auc))
		CELL("AUC (CV)", "%.4f %s %s", m->auc, pm, nf(x1, sizeof x1, "%.4f", m->auc_sd));
	if (!isnan(m->auc_oof))
		CELL("OOF AUC", "%.4f", m->auc_oof);
	if (!isnan(m->gini))
		CELL("Gini", "%.4f", m->gini);
	if (!isnan(m->ks))
		CELL("KS", "%.4f", m->ks);
	if (!isnan(m->brier))
		CELL("Brier", "%.4f", m->brier);
	if (!isnan(m->logloss))
		CELL("Log loss", "%.4f", m->logloss);
	if (!isnan(m->rows))
		CELL("Rows / bads", "%.0f / %s", m->rows, nf(x1, sizeof x1, "%.0f", m->bads));
	if (!isnan(m->threshold_pd))
		CELL("Threshold PD", "%.2f%% (score %s)", m->threshold_pd * 100,
		     nf(x1, sizeof x1, "%.0f", m->threshold_score));
	if (!isnan(m->expected_cost))
		CELL("Expected cost", "%.4f", m->expected_cost);
	if (!isnan(m->cost_fn))
		CELL("Cost FN / FP", "%g / %s", m->cost_fn, nf(x1, sizeof x1, "%g", m->cost_fp));
	if (!isnan(m->declined))
		CELL("Declined", "%.0f", m->declined);
	if (!isnan(m->false_neg))
		CELL("False neg / pos", "%.0f / %s", m->false_neg,
		     nf(x1, sizeof x1, "%.0f", m->false_pos));
	if (!isnan(m->base_points))
		CELL("Base points", "%.1f", m->base_points);
	if (!isnan(m->intercept))
		CELL("Intercept", "%.4f", m->intercept);
	if (m->ncolumns)
		CELL("Inputs", "%d columns", m->ncolumns);
	if (!isnan(m->cv_seconds))
		CELL("CV / fit time", "%.2f / %s s", m->cv_seconds,
		     nf(x1, sizeof x1, "%.2f", m->fit_seconds));
#undef CELL
	cv_heading(c, s, "Metrics");
	if (m->label_source[0]) {
		/* Proxy labels first and in the warning colour: the metrics measure the proxy. */
		chart_put(c, c->row, 1, 16, tui_attr(c->t, ROLE_MUTED), "Labels");
		chart_put(c, c->row++, 18, c->w - 18,
			  m->proxy_labels ? tui_attr(c->t, ROLE_DRIFT_MODERATE) | A_BOLD : 0,
			  m->label_source);
	}
	if (n == 0) {
		chart_put(c, c->row++, 2, c->w - 2, tui_attr(c->t, ROLE_MUTED),
			  strcmp(m->v.algo, "rules") == 0
				  ? "The rules model is not trained: no metrics."
				  : "No readable metrics stored.");
		return;
	}
	int cw = 37, per = (c->w - 1) / cw;
	if (per < 1)
		per = 1;
	for (int i = 0; i < n; i += per, c->row++) {
		for (int j = 0; j < per && i + j < n; j++) {
			int x = 1 + j * cw;
			chart_put(c, c->row, x, 16, tui_attr(c->t, ROLE_MUTED), cells[i + j].label);
			chart_put(c, c->row, x + 17, cw - 18, 0, cells[i + j].value);
		}
	}
	if (m->nfold_auc) {
		char line[64 + MODELVIEW_MAX_FOLDS * 8];
		int len = snprintf(line, sizeof line, "Fold AUC");
		while (len < 17)
			line[len++] = ' ';
		line[len] = '\0';
		for (int i = 0; i < m->nfold_auc && len < (int)sizeof line - 8; i++)
			len += snprintf(line + len, sizeof line - (size_t)len, "%.4f ",
					m->fold_auc[i]);
		chart_put(c, c->row++, 1, c->w - 1, 0, line);
	}
}

/* The ROC curve at (c->row, x): a plot of ph x pw cells with its axes, pw + 4 columns
 * wide and ph + 3 rows tall. */
static int draw_roc(struct chart_page *c, const struct modelview *m, int x, int pw, int ph)
{
	int row0 = c->row;
	struct chart *ch = ph >= 3 ? chart_begin(c->t, pw, ph) : NULL;
	if (!ch)
		return 0;
	pw = ch->pw;
	ph = ch->ph;
	chart_diagonal(ch, CHART_FAINT); /* chance */
	/* The curve: straight segments between the stored points. */
	for (int k = 0; k + 1 < m->nroc || (k == 0 && m->nroc == 1); k++) {
		const double *a = m->roc[k], *b = m->roc[k + 1 < m->nroc ? k + 1 : k];
		chart_segment(ch, a[0], a[1], b[0], b[1], CHART_CURVE);
	}
	snprintf(ch->label[ph / 2], sizeof ch->label[0], "TPR");
	snprintf(ch->label[ph - 1], sizeof ch->label[0], "0.0");
	snprintf(ch->label[0], sizeof ch->label[0], "1.0");
	int muted = tui_attr(c->t, ROLE_MUTED);
	char title[96], a1[16], a2[16];
	snprintf(title, sizeof title, "ROC  AUC %s, OOF %s", nf(a1, sizeof a1, "%.4f", m->auc),
		 nf(a2, sizeof a2, "%.4f", m->auc_oof));
	chart_put(c, row0, x, pw + 5, tui_attr(c->t, ROLE_CHART) | A_BOLD, title);
	struct chart_colors cc = {.axis = muted,
				  .curve = tui_attr(c->t, ROLE_CHART),
				  .faint = muted};
	int axis = row0 + 1 + ph;
	chart_draw(c, ch, row0 + 1, x, 3, &cc);
	chart_xlabel(c, ch, axis + 1, x, 3, -1, muted, "0");
	chart_xlabel(c, ch, axis + 1, x, 3, 0, muted, "FPR");
	chart_xlabel(c, ch, axis + 1, x, 3, 1, muted, "1");
	return ph + 3;
}

static const char *iv_power(double iv)
{
	return isnan(iv)   ? ""
	       : iv < 0.02 ? "useless"
	       : iv < 0.1  ? "weak"
	       : iv < 0.3  ? "medium"
	       : iv < 0.5  ? "strong"
			   : "very strong";
}

/* IV bars at (c->row, x), w columns wide; returns the rows used. */
static int draw_iv(struct chart_page *c, const struct modelview *m, int x, int w)
{
	int row = c->row, nw = 8;
	double max = 0;
	for (int i = 0; i < m->niv; i++) {
		int len = (int)strlen(m->iv[i].name);
		if (len > nw)
			nw = len;
		if (m->iv[i].iv > max)
			max = m->iv[i].iv;
	}
	nw++;
	/* Room goes to the name, the value, a bar of 6 or more, then the power word. */
	int words = w >= nw + 9 + 6 + 12;
	if (nw > w - 9 - 6)
		nw = w - 9 - 6 > 6 ? w - 9 - 6 : 6;
	chart_put(c, row++, x, w, tui_attr(c->t, ROLE_CHART) | A_BOLD, "Information value (IV)");
	int barw = w - nw - 9 - (words ? 12 : 0);
	if (barw > 30)
		barw = 30;
	for (int i = 0; i < m->niv; i++, row++) {
		const struct modelview_iv *v = &m->iv[i];
		char val[16];
		int useless = !(v->iv >= 0.02);
		int attr = tui_attr(c->t, useless ? ROLE_MUTED : ROLE_NORMAL);
		chart_put(c, row, x, nw - 1, attr, v->name);
		char shown[24];
		snprintf(shown, sizeof shown, "%7s", nf(val, sizeof val, "%.4f", v->iv));
		chart_put(c, row, x + nw + 1, 8, attr, shown);
		int bx = x + nw + 9;
		if (!isnan(v->iv))
			chart_gauge(c, row, bx, barw, max > 0 ? v->iv / max : 0,
				    tui_attr(c->t, useless ? ROLE_MUTED : ROLE_CHART));
		if (words)
			chart_put(c, row, bx + barw + 1, c->w - bx - barw - 1,
				  tui_attr(c->t, ROLE_MUTED), iv_power(v->iv));
	}
	return row - c->row;
}

static void draw_charts(struct chart_page *c, struct models *s)
{
	const struct modelview *m = &s->mv;
	if (m->nroc == 0 && m->niv == 0)
		return;
	cv_heading(c, s, m->nroc ? (m->niv ? "ROC curve and IV" : "ROC curve") : "IV");
	int side = m->nroc && m->niv && c->w >= 76;
	int rocw = 0, used = 0;
	if (m->nroc) {
		int pw = side ? c->w * 2 / 5 - 7 : c->w - 8;
		if (pw > 40)
			pw = 40;
		int ph = side ? 12 : 8;
		used = draw_roc(c, m, 1, pw, ph);
		rocw = pw + 7;
		if (!side) {
			c->row += used;
			used = 0;
			if (m->niv)
				c->row++;
		}
	}
	int ivrows = 0;
	if (m->niv)
		ivrows = side ? draw_iv(c, m, rocw + 1, c->w - rocw - 1)
			      : draw_iv(c, m, 1, c->w - 1);
	c->row += used > ivrows ? used : ivrows;
}

/* A table row from cells with widths; negative widths are right-aligned. */
static void table_row(struct chart_page *c, int row, int x, const int *w, int n,
		      const char *const *cells, const int *attrs)
{
	for (int i = 0; i < n && x < c->w; i++) {
		int cw = w[i] < 0 ? -w[i] : w[i];
		char cell[160];
		snprintf(cell, sizeof cell, w[i] < 0 ? "%*s " : "%-*s ", cw - 1, cells[i]);
		chart_put(c, row, x, cw, attrs ? attrs[i] : 0, cell);
		x += cw;
	}
}

static void draw_points(struct chart_page *c, struct models *s)
{
	const struct modelview *m = &s->mv;
	char head[128], b[4][24];
	snprintf(head, sizeof head, "Points  base %.1f + one bin of each feature%s", m->base_points,
		 m->points_cut ? " (cut)" : "");
	cv_heading(c, s, head);
	int fw = 8, bw = 6;
	for (int i = 0; i < m->npoints; i++) {
		int lf = (int)strlen(m->points[i].feature) + 1,
		    lb = (int)strlen(m->points[i].bin) + 1;
		fw = lf > fw ? lf : fw;
		bw = lb > bw ? lb : bw;
	}
	int narrow = c->w < 70, numw = narrow ? 8 : 38;
	int room = c->w - 1 - numw;
	if (fw > room / 2)
		fw = room / 2 > 6 ? room / 2 : 6;
	if (bw > room - fw)
		bw = room - fw > 6 ? room - fw : 6;
	int muted = tui_attr(c->t, ROLE_MUTED) | A_BOLD;
	if (narrow) {
		int w[] = {fw, bw, -8};
		const char *h[] = {"feature", "bin", "points"};
		int a[] = {muted, muted, muted};
		table_row(c, c->row++, 1, w, 3, h, a);
	} else {
		int w[] = {fw, bw, -10, -9, -9, -10};
		const char *h[] = {"feature", "bin", "customers", "bad rate", "WoE", "points"};
		int a[] = {muted, muted, muted, muted, muted, muted};
		table_row(c, c->row++, 1, w, 6, h, a);
	}
	for (int i = 0; i < m->npoints; i++, c->row++) {
		const struct modelview_point *pt = &m->points[i];
		int cont = i > 0 && strcmp(m->points[i - 1].feature, pt->feature) == 0;
		int pa = tui_attr(c->t, isnan(pt->points) ? ROLE_MUTED
					: pt->points < 0  ? ROLE_BAND_D
							  : ROLE_BAND_A);
		int fa = cont ? tui_attr(c->t, ROLE_MUTED) : 0;
		if (chart_y(c, c->row) < 0)
			continue;
		if (narrow) {
			int w[] = {fw, bw, -8};
			const char *cells[] = {pt->feature, pt->bin,
					       nf(b[0], sizeof b[0], "%.1f", pt->points)};
			int a[] = {fa, 0, pa};
			table_row(c, c->row, 1, w, 3, cells, a);
		} else {
			int w[] = {fw, bw, -10, -9, -9, -10};
			const char *cells[] = {pt->feature,
					       pt->bin,
					       nf(b[0], sizeof b[0], "%.0f", pt->customers),
					       pct(b[1], sizeof b[1], pt->bad_rate),
					       nf(b[2], sizeof b[2], "%.4f", pt->woe),
					       nf(b[3], sizeof b[3], "%.1f", pt->points)};
			int a[] = {fa, 0, 0, 0, 0, pa};
			table_row(c, c->row, 1, w, 6, cells, a);
		}
	}
}

static void draw_weights(struct chart_page *c, struct models *s)
{
	const struct modelview *m = &s->mv;
	char head[128], b[3][24];
	snprintf(head, sizeof head, "Weights  intercept %s%s",
		 nf(b[0], sizeof b[0], "%.4f", m->intercept), m->weights_cut ? " (cut)" : "");
	cv_heading(c, s, head);
	int fw = 8;
	for (int i = 0; i < m->nweights; i++) {
		int l = (int)strlen(m->weights[i].feature) + 1;
		fw = l > fw ? l : fw;
	}
	if (fw > 26)
		fw = 26;
	int w[] = {fw, 14, -10, -11, -11};
	int muted = tui_attr(c->t, ROLE_MUTED) | A_BOLD;
	const char *h[] = {"feature", "level", "weight", "mean", "sd"};
	int ha[] = {muted, muted, muted, muted, muted};
	table_row(c, c->row++, 1, w, 5, h, ha);
	for (int i = 0; i < m->nweights; i++, c->row++) {
		const struct modelview_weight *x = &m->weights[i];
		if (chart_y(c, c->row) < 0)
			continue;
		int cont = i > 0 && strcmp(m->weights[i - 1].feature, x->feature) == 0;
		const char *cells[] = {x->feature, x->level,
				       nf(b[0], sizeof b[0], "%.4f", x->weight),
				       x->level[0] ? "" : nf(b[1], sizeof b[1], "%.4g", x->mean),
				       x->level[0] ? "" : nf(b[2], sizeof b[2], "%.4g", x->sd)};
		int a[] = {cont ? tui_attr(c->t, ROLE_MUTED) : 0, 0,
			   tui_attr(c->t, x->weight > 0 ? ROLE_BAND_D : ROLE_BAND_A), 0, 0};
		table_row(c, c->row, 1, w, 5, cells, a);
	}
}

static void draw_params(struct chart_page *c, struct models *s)
{
	const struct modelview *m = &s->mv;
	cv_heading(c, s, "Parameters");
	int cw = 26, per = (c->w - 1) / cw;
	if (per < 1)
		per = 1;
	for (int i = 0; i < m->nparams; i += per, c->row++)
		for (int j = 0; j < per && i + j < m->nparams; j++) {
			chart_put(c, c->row, 1 + j * cw, 13, tui_attr(c->t, ROLE_MUTED),
				  m->params[i + j].key);
			chart_put(c, c->row, 1 + j * cw + 13, cw - 14, 0, m->params[i + j].value);
		}
}

static void draw_terms(struct chart_page *c, struct models *s)
{
	const struct modelview *m = &s->mv;
	char head[96];
	if (!m->has_rules) {
		cv_heading(c, s, "Terms");
		chart_put(c, c->row++, 2, c->w - 2, tui_attr(c->t, ROLE_MUTED),
			  "The specification does not parse.");
		return;
	}
	snprintf(head, sizeof head, "Terms  score = %g + the sum of the terms, clamped to 300-1000",
		 m->rules.baseline);
	cv_heading(c, s, head);
	int w[] = {21, -9, -8, -7, 14, 30};
	int muted = tui_attr(c->t, ROLE_MUTED) | A_BOLD;
	const char *h[] = {"feature", "divisor", "weight", "cap", "code", "text"};
	int ha[] = {muted, muted, muted, muted, muted, muted};
	table_row(c, c->row++, 1, w, 6, h, ha);
	for (int i = 0; i < m->rules.nterms; i++, c->row++) {
		const struct rules_term *x = &m->rules.terms[i];
		char d[24], wt[24], cap[24] = "";
		num_format(x->divisor, d, sizeof d);
		num_format(x->weight, wt, sizeof wt);
		if (x->has_cap)
			num_format(x->cap, cap, sizeof cap);
		const char *cells[] = {feature_names[x->feature], d, wt, cap, x->code, x->text};
		int a[] = {0, 0, tui_attr(c->t, x->weight < 0 ? ROLE_BAND_D : ROLE_BAND_A),
			   0, 0, tui_attr(c->t, ROLE_MUTED)};
		table_row(c, c->row, 1, w, 6, cells, a);
	}
}

static void draw_gains(struct chart_page *c, struct models *s)
{
	const struct modelview *m = &s->mv;
	if (!m->ngains)
		return;
	cv_heading(c, s, "Gains by decile  (riskiest first)");
	int w[] = {-7, -10, -7, -18, -9, -12, -7};
	int muted = tui_attr(c->t, ROLE_MUTED) | A_BOLD;
	const char *h[] = {"decile",   "customers",   "bads", "PD range",
			   "bad rate", "cum capture", "lift"};
	int ha[] = {muted, muted, muted, muted, muted, muted, muted};
	table_row(c, c->row++, 1, w, 7, h, ha);
	for (int i = 0; i < m->ngains; i++, c->row++) {
		const struct modelview_gain *g = &m->gains[i];
		char b[7][32], lo[16], hi[16];
		snprintf(b[0], sizeof b[0], "%d", i + 1);
		snprintf(b[3], sizeof b[3], "%s-%s", pct(lo, sizeof lo, g->min_pd),
			 pct(hi, sizeof hi, g->max_pd));
		const char *cells[] = {b[0],
				       nf(b[1], sizeof b[1], "%.0f", g->count),
				       nf(b[2], sizeof b[2], "%.0f", g->bads),
				       b[3],
				       pct(b[4], sizeof b[4], g->bad_rate),
				       pct(b[5], sizeof b[5], g->cum_capture),
				       nf(b[6], sizeof b[6], "%.2f", g->lift)};
		table_row(c, c->row, 1, w, 7, cells, NULL);
	}
}

static void draw_calibration(struct chart_page *c, struct models *s)
{
	const struct modelview *m = &s->mv;
	if (!m->ncalibration)
		return;
	char head[160];
	snprintf(head, sizeof head,
		 "Calibration by band  (mean PD against the observed bad rate;"
		 " A %s %d, B %s %d, C %s %d, D %s %d)",
		 c->t->utf8 ? "\xe2\x89\xa5" : ">=", m->bands[0],
		 c->t->utf8 ? "\xe2\x89\xa5" : ">=", m->bands[1],
		 c->t->utf8 ? "\xe2\x89\xa5" : ">=", m->bands[2],
		 c->t->utf8 ? "\xe2\x89\xa5" : ">=", m->bands[3]);
	cv_heading(c, s, head);
	int w[] = {6, -10, -7, -9, -10};
	int muted = tui_attr(c->t, ROLE_MUTED) | A_BOLD;
	const char *h[] = {"band", "customers", "bads", "mean PD", "observed"};
	int ha[] = {muted, muted, muted, muted, muted};
	table_row(c, c->row++, 1, w, 5, h, ha);
	for (int i = 0; i < m->ncalibration; i++, c->row++) {
		const struct modelview_calibration *k = &m->calibration[i];
		char b[4][24];
		const char *cells[] = {k->band, nf(b[0], sizeof b[0], "%.0f", k->count),
				       nf(b[1], sizeof b[1], "%.0f", k->bads),
				       pct(b[2], sizeof b[2], k->mean_pd),
				       pct(b[3], sizeof b[3], k->observed)};
		int a[] = {tui_band_attr(c->t, k->band[0]), 0, 0, 0, 0};
		table_row(c, c->row, 1, w, 5, cells, a);
	}
}

/* Predicted against observed bad rate per decile of out-of-fold PD, with the
 * Hosmer–Lemeshow test over them (a small p-value: the PDs are off somewhere). */
static void draw_deciles(struct chart_page *c, struct models *s)
{
	const struct modelview *m = &s->mv;
	if (!m->ndeciles)
		return;
	char head[160], st[24], p[24];
	snprintf(head, sizeof head,
		 "Calibration by PD decile  (riskiest first; Hosmer-Lemeshow %s,"
		 " %.0f df, p %s)",
		 nf(st, sizeof st, "%.2f", m->hl), isnan(m->hl_df) ? 0 : m->hl_df,
		 nf(p, sizeof p, "%.3g", m->hl_p));
	cv_heading(c, s, head);
	int w[] = {-7, -10, -7, -18, -9, -10};
	int muted = tui_attr(c->t, ROLE_MUTED) | A_BOLD;
	const char *h[] = {"decile", "customers", "bads", "PD range", "mean PD", "observed"};
	int ha[] = {muted, muted, muted, muted, muted, muted};
	table_row(c, c->row++, 1, w, 6, h, ha);
	for (int i = 0; i < m->ndeciles; i++, c->row++) {
		const struct modelview_decile *d = &m->deciles[i];
		char b[6][32], lo[16], hi[16];
		snprintf(b[0], sizeof b[0], "%d", i + 1);
		snprintf(b[3], sizeof b[3], "%s-%s", pct(lo, sizeof lo, d->min_pd),
			 pct(hi, sizeof hi, d->max_pd));
		const char *cells[] = {b[0],
				       nf(b[1], sizeof b[1], "%.0f", d->count),
				       nf(b[2], sizeof b[2], "%.0f", d->bads),
				       b[3],
				       pct(b[4], sizeof b[4], d->mean_pd),
				       pct(b[5], sizeof b[5], d->observed)};
		table_row(c, c->row, 1, w, 6, cells, NULL);
	}
}

/* A sweep's curve: the approval rate (x) against the bad rate among the approved (y) for every
 * cut-off score from 300 to 1000 by 10; the highest bad rate to *top. */
enum { STRATEGY_POINTS = 71 };
static void strategy_curve(const struct strategy *st, double *ax, double *by, double *top)
{
	for (int k = 0; k < STRATEGY_POINTS; k++) {
		struct strategy_point p = strategy_at(st, 300 + 10 * k);
		ax[k] = (double)p.approved / (double)st->n;
		by[k] = p.approved ? (double)p.bads_accepted / (double)p.approved : NAN;
		if (by[k] > *top)
			*top = by[k];
	}
}

static void curve_segments(struct chart *ch, const double *ax, const double *by, int kind)
{
	for (int k = 0; k + 1 < STRATEGY_POINTS; k++)
		if (!isnan(by[k]) && !isnan(by[k + 1]))
			chart_segment(ch, ax[k], by[k] / ch->hi, ax[k + 1], by[k + 1] / ch->hi,
				      kind);
}

/* The strategy curve (`strategy NAME`): the out-of-fold rows' curve and, faint, the current
 * book's (customers with an observed outcome scored by the model), the model's cut-off
 * marked, and the figures at it and 50 points either side, the book's beside them. */
static void draw_strategy(struct chart_page *c, struct models *s)
{
	const struct strategy *st = &s->strat, *bk = &s->book;
	if (!s->has_strat)
		return;
	cv_heading(c, s, "Strategy: approval rate against bad rate (strategy NAME)");
	double ax[STRATEGY_POINTS], by[STRATEGY_POINTS], top = 0;
	double bx[STRATEGY_POINTS], bb[STRATEGY_POINTS];
	strategy_curve(st, ax, by, &top);
	if (s->has_book)
		strategy_curve(bk, bx, bb, &top);
	int cut = isnan(st->threshold_pd)
			  ? -1
			  : score_clamp(score_from_pd(&st->scaling, st->threshold_pd));
	int pw = c->w - 10 < 50 ? c->w - 10 : 50, ph = 8;
	struct chart *ch = pw >= 4 ? chart_begin(c->t, pw, ph) : NULL;
	int muted = tui_attr(c->t, ROLE_MUTED);
	if (ch) {
		pw = ch->pw;
		ph = ch->ph;
		ch->lo = 0;
		ch->hi = chart_nice_ceil(top);
		if (s->has_book)
			curve_segments(ch, bx, bb, CHART_FAINT);
		curve_segments(ch, ax, by, CHART_CURVE);
		if (cut >= 0) {
			struct strategy_point p = strategy_at(st, cut);
			double x = (double)p.approved / (double)st->n;
			chart_segment(ch, x, 0, x, 1, CHART_MARK);
		}
		chart_label(ch, ch->hi);
		chart_label(ch, 0);
		struct chart_colors cc = {.axis = muted,
					  .curve = tui_attr(c->t, ROLE_CHART),
					  .faint = muted,
					  .mark = tui_attr(c->t, ROLE_DRIFT_MODERATE)};
		chart_put(c, c->row++, 1, c->w - 1, muted, "bad rate among the approved");
		int axis = c->row + ph;
		chart_draw(c, ch, c->row, 1, 5, &cc);
		chart_xlabel(c, ch, axis + 1, 1, 5, -1, muted, "0%");
		chart_xlabel(c, ch, axis + 1, 1, 5, 0, muted, "approval rate");
		chart_xlabel(c, ch, axis + 1, 1, 5, 1, muted, "100%");
		c->row = axis + 2;
	}
	static const char *const head[] = {"cut-off",  "PD",        "approved", "bad rate",
					   "cost/row", "book appr", "book bad"};
	static const int w[] = {-9, -9, -10, -10, -10, -11, -10};
	int ha = tui_attr(c->t, ROLE_HEADER), ncol = s->has_book ? 7 : 5;
	table_row(c, c->row++, 1, w, ncol, head, (const int[]){ha, ha, ha, ha, ha, ha, ha});
	for (int d = -50; d <= 50; d += 25) {
		int score = (cut >= 0 ? cut : 600) + d;
		if (score < 300 || score > 1000)
			continue;
		struct strategy_point p = strategy_at(st, score);
		char b[7][32] = {""};
		snprintf(b[0], sizeof b[0], "%d%s", score, d == 0 && cut >= 0 ? " *" : "");
		snprintf(b[1], sizeof b[1], "%.2f%%", 100 * p.cutoff_pd);
		snprintf(b[2], sizeof b[2], "%.1f%%", 100.0 * (double)p.approved / (double)st->n);
		if (p.approved)
			snprintf(b[3], sizeof b[3], "%.1f%%",
				 100.0 * (double)p.bads_accepted / (double)p.approved);
		else
			snprintf(b[3], sizeof b[3], "-");
		snprintf(b[4], sizeof b[4], "%.4f", strategy_cost(st, &p));
		if (s->has_book) {
			struct strategy_point q = strategy_at(bk, score);
			snprintf(b[5], sizeof b[5], "%.1f%%",
				 100.0 * (double)q.approved / (double)bk->n);
			if (q.approved)
				snprintf(b[6], sizeof b[6], "%.1f%%",
					 100.0 * (double)q.bads_accepted / (double)q.approved);
			else
				snprintf(b[6], sizeof b[6], "-");
		}
		const char *cells[] = {b[0], b[1], b[2], b[3], b[4], b[5], b[6]};
		int a = d == 0 && cut >= 0 ? A_BOLD : 0;
		table_row(c, c->row++, 1, w, ncol, cells, (const int[]){a, a, a, a, a, a, a});
	}
	/* Which curve is which, and the book's size or why there is none. */
	char line[RD_ERR_MAX + 64];
	if (s->has_book)
		snprintf(line, sizeof line,
			 "book: %lld customers with outcomes (%s), dotted; out of fold: solid",
			 (long long)bk->n, bk->from);
	else
		snprintf(line, sizeof line, "book: %s", s->book_note);
	chart_put(c, c->row++, 1, c->w - 1, muted, line);
	chart_put(c, c->row++, 1, c->w - 1, tui_attr(c->t, ROLE_MUTED),
		  "* the model's cut-off; 'strategy NAME --cutoff SCORE' sets another");
}

/* A challenger scored in shadow against its segment's champion: the swap set
 * (`swapset CHAMPION CHALLENGER`). */
static void draw_swapset(struct chart_page *c, struct models *s)
{
	const struct swapset *x = &s->swap;
	if (!s->has_swap)
		return;
	char title[400];
	snprintf(title, sizeof title, "Swap set against %s@%d (%s; this one: %s, %lld customers)",
		 x->champion.name, x->champion.version, x->champion.from, x->challenger.from,
		 (long long)x->total);
	cv_heading(c, s, title);
	static const char *const head[] = {"cell",      "champion", "this",
					   "customers", "share",    "bad rate"};
	static const int w[] = {18, 9, 9, -10, -8, -9};
	int ha = tui_attr(c->t, ROLE_HEADER);
	table_row(c, c->row++, 1, w, 6, head, (const int[]){ha, ha, ha, ha, ha, ha});
	for (int k = 0; k < SWAP_CELLS; k++) {
		char b[3][32];
		snprintf(b[0], sizeof b[0], "%lld", (long long)x->n[k]);
		snprintf(b[1], sizeof b[1], "%.1f%%",
			 x->total ? 100.0 * (double)x->n[k] / (double)x->total : 0.0);
		if (x->known[k])
			snprintf(b[2], sizeof b[2], "%.1f%%",
				 100.0 * (double)x->bads[k] / (double)x->known[k]);
		else
			snprintf(b[2], sizeof b[2], "-");
		const char *cells[] = {swapset_cell_names[k],
				       swapset_approves(k, 0) ? "approve" : "decline",
				       swapset_approves(k, 1) ? "approve" : "decline",
				       b[0],
				       b[1],
				       b[2]};
		int a = k == SWAP_OUT || k == SWAP_IN ? A_BOLD : 0;
		table_row(c, c->row++, 1, w, 6, cells, (const int[]){a, a, a, a, a, a});
	}
	chart_put(c, c->row++, 1, c->w - 1, tui_attr(c->t, ROLE_MUTED),
		  "bad rate: of the customers with an observed outcome");
}

/* Lays the detail out from row s->scroll; with rows 0 it only measures (content and
 * sections). */
static void draw_detail(struct pane *p, struct tui *t, int y0, int rows)
{
	struct models *s = state(p);
	struct chart_page c = {.p = p, .t = t, .y0 = y0, .rows = rows, .top = s->scroll, .w = p->w};
	s->nsections = 0;
	draw_metrics(&c, s);
	draw_charts(&c, s);
	draw_strategy(&c, s);
	draw_swapset(&c, s);
	const char *algo = s->mv.v.algo;
	if (strcmp(algo, "scorecard") == 0 && s->mv.npoints)
		draw_points(&c, s);
	else if (strcmp(algo, "logit") == 0 && s->mv.nweights)
		draw_weights(&c, s);
	else if ((strcmp(algo, "xgb") == 0 || strcmp(algo, "rf") == 0) && s->mv.nparams)
		draw_params(&c, s);
	else if (strcmp(algo, "rules") == 0)
		draw_terms(&c, s);
	draw_gains(&c, s);
	draw_calibration(&c, s);
	draw_deciles(&c, s);
	s->content = c.row;
}

static void m_draw(struct pane *p, struct tui *t)
{
	struct models *s = state(p);
	struct geometry g;
	geometry(p, s, &g);
	int focused = t->focus == PANE_MODELS;
	char line[256];
	int ta = tui_attr(t, focused ? ROLE_FOCUS : ROLE_HEADER);
	char more[32] = "";
	if (s->total > s->n)
		snprintf(more, sizeof more, ", first %d shown", s->n);
	snprintf(line, sizeof line,
		 " Models (%d%s)  j/k select  J/K scroll  { } sections  Enter report"
		 "  P promote  X retire",
		 s->total, more);
	wattron(p->win, ta);
	tui_clear_to(p->win, 0, 0, p->w);
	wattroff(p->win, ta);
	put(p, 0, 0, p->w, ta, line);
	draw_registry(p, t, &g);
	if (g.head_y < 0 || g.head_y >= p->h)
		return;
	int ha = tui_attr(t, ROLE_HEADER);
	wattron(p->win, ha);
	tui_clear_to(p->win, g.head_y, 0, p->w);
	wattroff(p->win, ha);
	if (!s->loaded) {
		put(p, g.head_y, 0, p->w, ha, s->n ? " (this version could not be read)" : "");
		return;
	}
	const struct modelview_version *v = &s->mv.v;
	/* Measure first: a resize changes the layout, and the scroll must stay inside it. */
	draw_detail(p, t, g.body_y, 0);
	int max = s->content - g.body_rows;
	if (s->scroll > max)
		s->scroll = max > 0 ? max : 0;
	draw_detail(p, t, g.body_y, g.body_rows);
	int last = s->scroll + g.body_rows < s->content ? s->scroll + g.body_rows : s->content;
	snprintf(line, sizeof line, " %s@%d  %s  segment %s  %s  weight %g  created %s", v->name,
		 v->version, v->algo, v->segment, v->status, isnan(v->weight) ? 0 : v->weight,
		 v->created_at);
	put(p, g.head_y, 0, p->w, ha, line);
	char pos[48];
	int pl = snprintf(pos, sizeof pos, " lines %d-%d of %d ", s->content ? s->scroll + 1 : 0,
			  last, s->content);
	if (s->content > g.body_rows && (int)strlen(line) + pl + 1 <= p->w)
		put(p, g.head_y, p->w - pl, pl, ha, pos);
}

static int body_rows(const struct pane *p, const struct models *s)
{
	struct geometry g;
	geometry(p, s, &g);
	return g.body_rows;
}

static void scroll_to(struct pane *p, struct models *s, int to)
{
	int max = s->content - body_rows(p, s);
	if (to > max)
		to = max;
	if (to < 0)
		to = 0;
	s->scroll = to;
}

/* Motion only: Enter, P and X are the key table's (`model {model}`...; cmd_console.c). */
static int m_key(struct pane *p, struct tui *t, int ch)
{
	struct models *s = state(p);
	struct geometry g;
	geometry(p, s, &g);
	int page = g.list_rows > 1 ? g.list_rows : 1, cursor;
	if (tui_list_move(ch, s->cursor, s->n, page, &cursor)) {
		if (cursor != s->cursor) {
			s->cursor = cursor;
			load_detail(p, t);
		}
		return PK_DONE | PK_REDRAW;
	}
	int to;
	if (tui_detail_scroll(ch, s->scroll, s->sections, s->nsections, &to)) {
		scroll_to(p, s, to);
		return PK_DONE | PK_REDRAW;
	}
	return PK_UNHANDLED;
}

/* {model}: the selected version as NAME@V, one argument whatever the name holds. */
static int m_arg(struct pane *p, struct tui *t, const char *name, char *out, size_t n)
{
	struct models *s = state(p);
	(void)t;
	if (strcmp(name, "model") != 0 || !s->n)
		return 0;
	snprintf(out, n, "%s@%d", s->list[s->cursor].name, s->list[s->cursor].version);
	return 1;
}

static void m_mouse(struct pane *p, struct tui *t, int y, int x, int wheel)
{
	struct models *s = state(p);
	struct geometry g;
	geometry(p, s, &g);
	(void)x;
	int in_list = y >= g.list_y && y < g.list_y + g.list_rows;
	if (wheel && in_list) {
		m_key(p, t, wheel > 0 ? KEY_DOWN : KEY_UP);
	} else if (wheel) {
		scroll_to(p, s, s->scroll + 3 * wheel);
	} else if (in_list && s->top + y - g.list_y < s->n && s->top + y - g.list_y != s->cursor) {
		s->cursor = s->top + y - g.list_y;
		load_detail(p, t);
	}
	p->dirty = 1;
}

static void m_free(struct pane *p)
{
	struct models *s = p->state;
	if (s) {
		modelview_free(&s->mv);
		strategy_free(&s->strat);
		strategy_free(&s->book);
		free(s->list);
	}
	free(s);
	p->state = NULL;
}

const struct pane_ops pane_models_ops = {
	.name = "Models",
	.draw = m_draw,
	.key = m_key,
	.reload = m_reload,
	.mouse = m_mouse,
	.arg = m_arg,
	.free = m_free,
};
