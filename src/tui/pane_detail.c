/* The Profile and Activity panes: the selected customer.
 *
 * Both lay out by content for the width they are given (docs/design.md, "Profile,
 * Activity and labels"): the Profile is a page of sections (the customer, the score, its
 * reasons, features and attributes) whose lines wrap at blanks, scrolled as one; the
 * Activity table's columns give way in a set order, the amount and the FAILED marker
 * never. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "chart.h"
#include "riskdesk/features.h"
#include "riskdesk/score.h"
#include "riskdesk/view.h"
#include "tui.h"

/* From this width the Profile's attributes go to a column of their own, beside the rest. */
#define SPLIT_MIN_COLS 100

struct profile {
	struct customer_view v;
	int found;  /* 0 none selected, 1 shown, -1 missing */
	int scroll; /* the first page row shown */
};

static void p_reload(struct pane *p, struct tui *t)
{
	struct profile *s = p->state ? p->state : (p->state = rd_calloc(1, sizeof(struct profile)));
	struct rd_err err = {{0}};
	s->found = 0;
	s->scroll = 0;
	if (!t->selected[0])
		return;
	int rc = view_customer(t->store, t->selected, &s->v, &err);
	if (rc < 0) {
		tui_status(t, 1, "%s", err.msg);
		return;
	}
	s->found = rc == 0 ? 1 : -1;
	p->dirty = 1;
}

/* A blend's label in a locale that is not UTF-8: its "×" as "x". */
static void ascii_times(char *s)
{
	char *out = s;
	for (; *s; s++) {
		if ((unsigned char)s[0] == 0xc3 && (unsigned char)s[1] == 0x97) {
			*out++ = 'x';
			s++;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* A number with a format, or "-" when it is absent (NaN). */
static const char *nf2(char *buf, size_t n, const char *fmt, double v)
{
	if (isnan(v))
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, fmt, v);
	return buf;
}

static void heading(struct tui *t, WINDOW *w, int y, int width, const char *text, int focused)
{
	int a = tui_attr(t, focused ? ROLE_FOCUS : ROLE_HEADER);
	wattron(w, a);
	tui_clear_to(w, y, 0, width);
	tui_put(w, y, 0, width, text);
	wattroff(w, a);
}

/* --- text laid out by content */

/* Columns of the first len bytes of UTF-8 text, as tui_put draws them. */
static int cols_n(const char *s, size_t len)
{
	int used = 0;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	for (size_t i = 0; i < len && s[i];) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s + i, len - i, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof st);
			used++;
			i++;
			continue;
		}
		int cw = wcwidth(wc);
		used += cw < 0 ? 1 : cw;
		i += n;
	}
	return used;
}

static int cols(const char *s)
{
	return cols_n(s, strlen(s));
}

/* Bytes of s's longest start that fits in w columns, ending before a blank when s does
 * not fit whole; a word wider than w is cut where w ends (at least one character). */
static size_t fit(const char *s, int w)
{
	size_t len = strlen(s), brk = 0, i = 0;
	int used = 0;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	while (i < len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s + i, len - i, &st);
		int cw = 1;
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof st);
			n = 1;
		} else if (wcwidth(wc) >= 0) {
			cw = wcwidth(wc);
		}
		if (s[i] == ' ')
			brk = i; /* a blank where the row ends breaks there */
		if (used + cw > w)
			return brk ? brk : i ? i : n;
		used += cw;
		i += n;
	}
	return len;
}

/* In text to wrap, a blank that does not break (shown as a blank). */
#define NOBREAK '\x1f'

/* text from (row, x) of the page, wrapped at blanks to its width; rows after the first
 * start at column hang. Returns the rows used. */
static int wrap(const struct chart_page *c, int row, int x, int hang, int attr, const char *text)
{
	int rows = 0;
	if (hang >= c->w)
		hang = 1;
	do {
		int w = c->w - x > 0 ? c->w - x : 1;
		size_t n = fit(text, w);
		char piece[512];
		snprintf(piece, sizeof piece, "%.*s", (int)n, text);
		for (char *b = piece; (b = strchr(b, NOBREAK)); b++)
			*b = ' ';
		chart_put(c, row + rows++, x, w, attr, piece);
		for (text += n; *text == ' '; text++)
			;
		x = hang;
	} while (*text);
	return rows;
}

/* Fields from (row, 1), two blanks apart: a field that does not fit beside the others
 * starts a row, one wider than a row wraps. attrs may be NULL (attr for all). Returns
 * the rows used. */
static int flow(const struct chart_page *c, int row, const char *const *f, const int *attrs,
		int attr, int n)
{
	int x = 1, rows = 1;
	for (int k = 0; k < n; k++) {
		if (!f[k] || !*f[k])
			continue;
		int l = cols(f[k]), a = attrs ? attrs[k] : attr;
		if (x > 1 && x + 2 + l > c->w) {
			rows++;
			x = 1;
		} else if (x > 1) {
			x += 2;
		}
		if (l > c->w - x) {
			rows += wrap(c, row + rows - 1, x, 1, a, f[k]) - 1;
			x = c->w; /* the next field starts a row */
			continue;
		}
		chart_put(c, row + rows - 1, x, l, a, f[k]);
		x += l;
	}
	return rows;
}

/* A section's heading, and after it a note (muted) when it fits. */
static void section(const struct chart_page *c, int row, const char *title, const char *note)
{
	int a = tui_attr(c->t, ROLE_CHART) | A_BOLD, l = cols(title);
	chart_put(c, row, 1, c->w - 1, a, title);
	if (note && *note && 1 + l + 2 + cols(note) <= c->w)
		chart_put(c, row, 1 + l + 2, c->w - 3 - l, tui_attr(c->t, ROLE_MUTED), note);
}

/* The marker of a model input, and its legend. */
static const char *input_mark(const struct tui *t)
{
	return t->utf8 ? "\xe2\x80\xa2" : "*";
}

static const char *input_legend(const struct tui *t)
{
	return t->utf8 ? "\xe2\x80\xa2 model input" : "* model input";
}

/* --- the Profile's sections, each from c->row on; c->row ends after it */

/* Who: kind, contact, since when, the outcome. */
static void p_identity(struct chart_page *c, struct tui *t, const struct customer_view *v)
{
	char email[128], phone[64], since[32];
	if (t->ctx.settings.pii) {
		snprintf(email, sizeof email, "%s", v->email);
		snprintf(phone, sizeof phone, "%s", v->phone);
	} else {
		pii_mask(v->email, email, sizeof email);
		pii_mask(v->phone, phone, sizeof phone);
	}
	snprintf(since, sizeof since, "since %.10s", v->created_at);
	const char *outcome = v->defaulted != 1                         ? ""
			      : strcmp(v->outcome_source, "proxy") == 0 ? "PROXY BAD"
									: "DEFAULTED";
	const char *f[] = {v->kind, email, phone, v->created_at[0] ? since : "", outcome};
	int normal = tui_attr(t, ROLE_NORMAL);
	int attrs[] = {normal, normal, normal, normal, tui_attr(t, ROLE_BAND_E)};
	c->row += flow(c, c->row, f, attrs, 0, 5);
}

/* The score on its gauge, with the gauge's scale when there is room. */
static void p_gauge(struct chart_page *c, struct tui *t, const struct customer_view *v)
{
	char head[32], lo[16], hi[16];
	snprintf(head, sizeof head, " %4d %c", v->score, v->band);
	snprintf(lo, sizeof lo, "%d", SCORE_MIN);
	snprintf(hi, sizeof hi, "%d", SCORE_MAX);
	int used = cols(head), scale = 2 + (int)strlen(lo) + 1 + 1 + (int)strlen(hi);
	int gw = c->w - used - scale - 1;
	double frac = (double)(v->score - SCORE_MIN) / (SCORE_MAX - SCORE_MIN);
	chart_put(c, c->row, 0, used, tui_band_attr(t, v->band), head);
	if (gw >= 6) {
		gw = gw > 40 ? 40 : gw;
		int x = used + 2, m = tui_attr(t, ROLE_MUTED);
		chart_put(c, c->row, x, (int)strlen(lo), m, lo);
		x += (int)strlen(lo) + 1;
		chart_gauge(c, c->row, x, gw, frac, tui_band_attr(t, v->band));
		chart_put(c, c->row, x + gw + 1, (int)strlen(hi), m, hi);
	} else if (c->w - used - 2 > 0) {
		chart_gauge(c, c->row, used + 1, c->w - used - 2, frac, tui_band_attr(t, v->band));
	}
	c->row++;
}

/* PD, risk level, segment, the model, the features' day; what the model learnt from; the
 * cut-off and decision; a blend's members. */
static void p_score(struct chart_page *c, struct tui *t, const struct customer_view *v)
{
	char pd[32], model[PROFILE_MODEL_SIZE + 32], asof[32], line[512];
	int trained = v->algo[0] && strcmp(v->algo, "rules") != 0;
	snprintf(pd, sizeof pd, "PD %.2f%%", v->pd * 100);
	snprintf(model, sizeof model, "%s%s%s%s", v->model, trained ? " (" : "",
		 trained ? v->algo : "", trained ? ")" : "");
	if (!t->utf8)
		ascii_times(model);
	snprintf(asof, sizeof asof, "%s%s", v->as_of[0] ? "as of " : "", v->as_of);
	const char *f[] = {pd, v->risk_level, v->segment, model, asof};
	c->row += flow(c, c->row, f, NULL, tui_band_attr(t, v->band), 5);
	if (v->label_source[0]) {
		/* Not a default model: say what it learnt from before anything else. */
		snprintf(line, sizeof line, "trained on %s", v->label_source);
		c->row += wrap(c, c->row, 1, 3, tui_attr(t, ROLE_DRIFT_MODERATE), line);
	}
	if (!isnan(v->cutoff_pd)) {
		snprintf(line, sizeof line, "cut-off PD %.2f%%%s: %s", v->cutoff_pd * 100,
			 v->ncomponents > 1 ? " (the blend's)" : "",
			 vocab_name(&vocab_decision, profile_decision(v->pd, v->cutoff_pd)));
		c->row += wrap(c, c->row, 1, 3, tui_attr(t, ROLE_NORMAL), line);
	}
	if (v->ncomponents > 1) {
		/* The blend's members, and how the score follows from them: the weighted mean of
		 * their unclamped scores, rounded. */
		for (int k = 0; k < v->ncomponents; k++) {
			char raw[32], cpd[32];
			snprintf(line, sizeof line, "%s %s%g  raw %s  PD %s", v->comp[k].model,
				 t->utf8 ? "\xc3\x97" : "x", v->comp[k].weight,
				 nf2(raw, sizeof raw, "%.2f", v->comp[k].raw),
				 nf2(cpd, sizeof cpd, "%.2f%%", v->comp[k].pd * 100));
			c->row += wrap(c, c->row, 3, 5, tui_attr(t, ROLE_NORMAL), line);
		}
		if (!isnan(v->raw)) {
			snprintf(line, sizeof line, "weighted mean raw %.2f %s score %d", v->raw,
				 t->utf8 ? "\xe2\x86\x92" : "->", v->score);
			c->row += wrap(c, c->row, 3, 5, tui_attr(t, ROLE_NORMAL), line);
		}
	}
}

/* The latest scores as a sparkline scaled to their range, with the range and the days of
 * the first and last shown. */
static void p_history(struct chart_page *c, struct tui *t, const struct customer_view *v)
{
	int n = v->nhistory, x = 9;
	if (n < 2)
		return;
	chart_put(c, c->row, 1, 7, tui_attr(t, ROLE_MUTED), "history");
	/* Room for the range after the line (9999..9999), else the line takes the row. */
	int room = c->w - x - 1 - 10, range_below = room < 4;
	int sw = range_below ? c->w - x - 1 : room;
	sw = sw > n ? n : sw < 2 ? 2 : sw;
	int first = n - sw, lo = INT_MAX, hi = INT_MIN;
	for (int i = first; i < n; i++) {
		lo = v->history[i] < lo ? v->history[i] : lo;
		hi = v->history[i] > hi ? v->history[i] : hi;
	}
	int y = chart_y(c, c->row), w = sw;
	if (y >= 0 && chart_clip(c, x, &w)) {
		int a = tui_attr(t, ROLE_CHART);
		wattron(c->p->win, a);
		chart_win_sparkline(t, c->p->win, y, c->x0 + x, w, v->history, n, lo, hi);
		wattroff(c->p->win, a);
	}
	char range[32], days[32];
	snprintf(range, sizeof range, "%d..%d", lo, hi);
	if (strcmp(v->history_day[first], v->history_day[n - 1]) == 0)
		snprintf(days, sizeof days, "%s", v->history_day[n - 1]);
	else
		snprintf(days, sizeof days, "%s..%s", v->history_day[first], v->history_day[n - 1]);
	int m = tui_attr(t, ROLE_MUTED);
	x = range_below ? x : x + sw + 1;
	if (range_below)
		c->row++;
	chart_put(c, c->row, x, c->w - x, m, range);
	x += cols(range) + 2;
	if (x + cols(days) > c->w) {
		c->row++;
		x = 9;
	}
	chart_put(c, c->row, x, c->w - x, m, days);
	c->row++;
}

static void p_reasons(struct chart_page *c, struct tui *t, const struct customer_view *v)
{
	section(c, c->row++, "Reasons", NULL);
	if (v->nreasons == 0)
		chart_put(c, c->row++, 1, c->w - 1, tui_attr(t, ROLE_MUTED),
			  "none: no points lost");
	for (int i = 0; i < v->nreasons; i++) {
		const struct rd_reason *r = &v->reasons[i];
		char val[80], pts[16], line[REASON_TEXT_SIZE + REASON_NAME_MAX + 96];
		if (r->level[0])
			snprintf(val, sizeof val, "%s", r->level);
		else if (r->feature >= 0)
			view_feature_text(r->feature, r->value, val, sizeof val);
		else
			num_format(r->value, val, sizeof val);
		if (strncmp(r->text, r->name, strlen(r->name)) == 0) /* the text names it already */
			snprintf(line, sizeof line, "%s", r->text);
		else
			snprintf(line, sizeof line, "%s (%s%c%s)", r->text, r->name, NOBREAK, val);
		snprintf(pts, sizeof pts, "-%.1f", r->points);
		chart_put(c, c->row, 1, 7, tui_attr(t, ROLE_NORMAL), pts);
		c->row += wrap(c, c->row, 8, 8, tui_attr(t, ROLE_NORMAL), line);
	}
	if (v->path_reasons) /* the models or attributes changed since (profile.h) */
		c->row += wrap(c, c->row, 1, 1, tui_attr(t, ROLE_MUTED),
			       "ranked by path attributions, not exact: r recomputes");
}

static int feature_inputs(const struct customer_view *v)
{
	int n = 0;
	for (int i = 0; i < FEAT_COUNT; i++)
		n += v->feature_input[i];
	return n;
}

static int attribute_inputs(const struct customer_view *v)
{
	int n = 0;
	for (int i = 0; i < v->nattr; i++)
		n += v->attr[i].input;
	return n;
}

/* Every feature, in as many columns as fit, down then across; the model's inputs
 * marked and in the normal colour, the others muted. */
static void p_features(struct chart_page *c, struct tui *t, const struct customer_view *v)
{
	int namew = 0, valw = 10, gap = 3;
	for (int i = 0; i < FEAT_COUNT; i++)
		namew = (int)strlen(feature_names[i]) > namew ? (int)strlen(feature_names[i])
							      : namew;
	int colw = 2 + namew + 1 + valw;
	if (1 + colw > c->w) {
		valw = 9;
		namew = c->w - 1 - 2 - 1 - valw;
		namew = namew < 4 ? 4 : namew;
		colw = 2 + namew + 1 + valw;
	}
	int ncols = (c->w - 1 + gap) / (colw + gap);
	ncols = ncols < 1 ? 1 : ncols;
	int nrows = (FEAT_COUNT + ncols - 1) / ncols;
	section(c, c->row++, "Features", feature_inputs(v) ? input_legend(t) : NULL);
	for (int i = 0; i < FEAT_COUNT; i++) {
		int row = c->row + i % nrows, x = 1 + (i / nrows) * (colw + gap);
		int in = v->feature_input[i];
		int a = tui_attr(t, in ? ROLE_NORMAL : ROLE_MUTED);
		char val[32], cell[48];
		view_feature_text(i, v->features[i], val, sizeof val);
		snprintf(cell, sizeof cell, "%*s", valw, val);
		if (in)
			chart_put(c, row, x, 1, a, input_mark(t));
		chart_put(c, row, x + 2, namew, a, feature_names[i]);
		chart_put(c, row, x + 2 + namew + 1, valw, a, cell);
	}
	c->row += nrows;
}

/* The customer's attributes: name, value and its label; the model's inputs first and
 * marked, an input without a value too. In columns when a label keeps 24 columns beside
 * names of up to 12 or more (a longer name takes a row of its own); narrower, each
 * attribute is its name and value on a row, the value at the right edge, and its label
 * on the rows below. */
static void p_attributes(struct chart_page *c, struct tui *t, const struct customer_view *v)
{
	char title[48];
	snprintf(title, sizeof title, "Attributes (%d)", v->nattributes);
	section(c, c->row++, title, attribute_inputs(v) ? input_legend(t) : NULL);
	int namew = 0, valw = 1;
	for (int i = 0; i < v->nattr; i++) {
		int nl = cols(v->attr[i].name), vl = cols(v->attr[i].value);
		namew = nl > namew ? nl : namew;
		valw = vl > valw ? vl : valw;
	}
	valw = valw > 14 ? 14 : valw;
	namew = namew > 24 ? 24 : namew;
	if (3 + namew + 1 + valw + 2 + 24 > c->w)
		namew = c->w - (3 + 1 + valw + 2 + 24);
	int columns = namew >= 12, vx = 3 + namew + 1, lx = vx + valw + 2;
	for (int i = 0; i < v->nattr; i++) {
		const struct view_attribute *a = &v->attr[i];
		int at = tui_attr(t, a->input ? ROLE_NORMAL : ROLE_MUTED);
		const char *value = a->missing ? "-" : a->value;
		int va = a->missing ? tui_attr(t, ROLE_MUTED) : at, nl = cols(a->name),
		    vl = cols(value);
		if (a->input)
			chart_put(c, c->row, 1, 1, at, input_mark(t));
		chart_put(c, c->row, 3, c->w - 3, at, a->name);
		if (columns) {
			if (nl > namew)
				c->row++;
			chart_put(c, c->row, vx, c->w - vx, va, value);
			/* a label after a value longer than its column: where the value ends */
			int x = vx + vl + 2 > lx ? vx + vl + 2 : lx;
			c->row += a->label[0] ? wrap(c, c->row, x, lx, tui_attr(t, ROLE_MUTED),
						     a->label)
					      : 1;
			continue;
		}
		if (3 + nl + 1 + vl > c->w - 1)
			c->row++;
		int vw = vl < c->w - 1 ? vl : c->w - 1;
		chart_put(c, c->row++, c->w - 1 - vw, vw, va, value);
		if (a->label[0])
			c->row += wrap(c, c->row, 5, 5, tui_attr(t, ROLE_MUTED), a->label);
	}
	if (v->attr_hidden) {
		char more[64];
		snprintf(more, sizeof more, "and %d more", v->attr_hidden);
		chart_put(c, c->row++, 3, c->w - 3, tui_attr(t, ROLE_MUTED), more);
	}
}

/* The page under the heading, at top: the customer and the score, the reasons, then the
 * features and the attributes, the one the model reads more of first; from
 * SPLIT_MIN_COLS the attributes in a column of their own on the right. The rows of the
 * taller column; rows 0 only measures. */
static int p_page(struct pane *p, struct tui *t, int top, int rows)
{
	struct profile *s = p->state;
	const struct customer_view *v = &s->v;
	int split = p->w >= SPLIT_MIN_COLS && v->nattr > 0;
	struct chart_page left = {.p = p,
				  .t = t,
				  .y0 = 1,
				  .rows = rows,
				  .top = top,
				  .x0 = 0,
				  .w = split ? p->w / 2 - 1 : p->w};
	struct chart_page right = left;
	right.x0 = p->w / 2;
	right.w = p->w - right.x0;
	p_identity(&left, t, v);
	int attrs_first = !split && attribute_inputs(v) > feature_inputs(v);
	if (!v->has_profile) {
		left.row++;
		left.row += wrap(&left, left.row, 1, 1, tui_attr(t, ROLE_NORMAL),
				 "Not scored yet: r recomputes this customer.");
	} else {
		p_gauge(&left, t, v);
		p_score(&left, t, v);
		p_history(&left, t, v);
		left.row++;
		p_reasons(&left, t, v);
		if (attrs_first) {
			left.row++;
			p_attributes(&left, t, v);
		}
		left.row++;
		p_features(&left, t, v);
	}
	if (v->nattr > 0 && !attrs_first) {
		struct chart_page *c = split ? &right : &left;
		if (!split)
			c->row++;
		p_attributes(c, t, v);
	}
	return left.row > right.row ? left.row : right.row;
}

static void p_draw(struct pane *p, struct tui *t)
{
	struct profile *s = p->state;
	WINDOW *w = p->win;
	int width = p->w, focused = t->focus == PANE_PROFILE;
	char line[256];
	if (!s || s->found == 0) {
		heading(t, w, 0, width, " Profile", focused);
		tui_put(w, 2, 1, width - 1, "No customer selected.");
		return;
	}
	if (s->found < 0) {
		heading(t, w, 0, width, " Profile", focused);
		snprintf(line, sizeof line, "No customer '%s'.", t->selected);
		tui_put(w, 2, 1, width - 1, line);
		return;
	}
	int shown = p->h - 1, total = p_page(p, t, 0, 0);
	if (s->scroll > total - shown)
		s->scroll = total - shown;
	if (s->scroll < 0)
		s->scroll = 0;
	/* The heading, with arrows when the page goes on above or below. */
	const char *more = s->scroll > 0 && s->scroll + shown < total
				   ? (t->utf8 ? "\xe2\x86\x95" : "^v")
			   : s->scroll > 0             ? (t->utf8 ? "\xe2\x86\x91" : "^")
			   : s->scroll + shown < total ? (t->utf8 ? "\xe2\x86\x93" : "v")
						       : "";
	snprintf(line, sizeof line, " %s  %s", s->v.id, s->v.name);
	heading(t, w, 0, width, line, focused);
	if (*more && cols(line) + 2 + cols(more) < width) {
		int a = tui_attr(t, focused ? ROLE_FOCUS : ROLE_HEADER);
		wattron(w, a);
		tui_put(w, 0, width - 1 - cols(more), cols(more), more);
		wattroff(w, a);
	}
	p_page(p, t, s->scroll, shown);
}

static int p_key(struct pane *p, struct tui *t, int ch)
{
	struct profile *s = p->state;
	(void)t;
	if (!s)
		return PK_UNHANDLED;
	int page = p->h > 3 ? p->h - 2 : 1;
	switch (ch) {
	case 'j':
	case KEY_DOWN: s->scroll++; break;
	case 'k':
	case KEY_UP: s->scroll--; break;
	case ' ':
	case KEY_NPAGE: s->scroll += page; break;
	case KEY_PPAGE: s->scroll -= page; break;
	case 'g':
	case KEY_HOME: s->scroll = 0; break;
	case 'G':
	case KEY_END: s->scroll = INT_MAX / 2; break; /* the draw stops it at the end */
	default: return PK_UNHANDLED;
	}
	s->scroll = s->scroll < 0 ? 0 : s->scroll;
	return PK_DONE | PK_REDRAW;
}

static void p_mouse(struct pane *p, struct tui *t, int y, int x, int wheel)
{
	struct profile *s = p->state;
	(void)t, (void)y, (void)x;
	if (s && wheel) {
		s->scroll += 3 * wheel;
		s->scroll = s->scroll < 0 ? 0 : s->scroll;
	}
}

static void p_free(struct pane *p)
{
	free(p->state);
	p->state = NULL;
}

const struct pane_ops pane_profile_ops = {
	.name = "Profile",
	.draw = p_draw,
	.key = p_key,
	.reload = p_reload,
	.mouse = p_mouse,
	.free = p_free,
};

/* --- Activity */

#define ACTIVITY_MAX 256

struct activity {
	struct browse_event ev[ACTIVITY_MAX];
	int n;
	int skip;   /* events above the window */
	int cursor; /* index in ev */
	struct view_activity count;
};

static void a_load(struct pane *p, struct tui *t)
{
	struct activity *a = p->state;
	struct rd_err err = {{0}};
	a->n = 0;
	memset(&a->count, 0, sizeof a->count);
	if (!t->selected[0])
		return;
	int n = browse_activity(t->store, t->selected, a->skip, ACTIVITY_MAX, a->ev, &err);
	if (n < 0 || view_activity_count(t->store, t->selected, &a->count, &err))
		tui_status(t, 1, "%s", err.msg);
	a->n = n > 0 ? n : 0;
	if (a->cursor >= a->n)
		a->cursor = a->n ? a->n - 1 : 0;
}

static void a_reload(struct pane *p, struct tui *t)
{
	if (!p->state)
		p->state = rd_calloc(1, sizeof(struct activity));
	struct activity *a = p->state;
	a->skip = 0;
	a->cursor = 0;
	a_load(p, t);
	p->dirty = 1;
}

/* The table's columns. Each has forms from the widest down; when the table does not fit,
 * the steps of give_way apply in turn (docs/design.md). */
enum a_col { AC_KIND, AC_WHEN, AC_ID, AC_WHAT, AC_AMOUNT, AC_FLAG, AC_COUNT };
enum { KIND_WORD, KIND_LETTER };                      /* "payment" or "P" */
enum { WHEN_TIME, WHEN_DATE, WHEN_SHORT, WHEN_NONE }; /* "2024-03-13 10:22", date, "24-03-13" */
static const struct {
	int col, form;
} give_way[] = {
	{AC_WHEN, WHEN_DATE},   /* the time of day goes */
	{AC_KIND, KIND_LETTER}, /* "payment" becomes "P" */
	{AC_ID, 0},             /* the order's or payment's id goes */
	{AC_WHEN, WHEN_SHORT},  /* the century goes */
	{AC_WHAT, 0},           /* the status or method goes */
	{AC_WHEN, WHEN_NONE},   /* the date goes */
};

struct a_layout {
	int form[AC_COUNT];  /* the column's form; 0 is the widest; -1 gone */
	int width[AC_COUNT]; /* its columns in that form, 0 when gone */
};

static int when_width(int form)
{
	return form == WHEN_TIME ? 16 : form == WHEN_DATE ? 10 : form == WHEN_SHORT ? 8 : 0;
}

/* The forms that fit width, for the rows in a. */
static void a_layout(const struct activity *a, int width, struct a_layout *l)
{
	int idw = 2, amw = 6, failed = 0;
	for (int i = 0; i < a->n; i++) {
		char amount[32];
		int n = snprintf(amount, sizeof amount, "%.2f", a->ev[i].amount);
		amw = n > amw ? n : amw;
		idw = cols(a->ev[i].id) > idw ? cols(a->ev[i].id) : idw;
		failed |= a->ev[i].kind == 'P' && !a->ev[i].success;
	}
	idw = idw > 12 ? 12 : idw;
	memset(l, 0, sizeof *l);
	for (int step = -1; step < (int)(sizeof give_way / sizeof give_way[0]); step++) {
		if (step >= 0)
			l->form[give_way[step].col] = give_way[step].form ? give_way[step].form
									  : -1;
		l->width[AC_KIND] = l->form[AC_KIND] == KIND_WORD ? 7 : 1;
		l->width[AC_WHEN] = when_width(l->form[AC_WHEN]);
		l->width[AC_ID] = l->form[AC_ID] < 0 ? 0 : idw;
		l->width[AC_WHAT] = l->form[AC_WHAT] < 0 ? 0 : 9;
		l->width[AC_AMOUNT] = amw;
		l->width[AC_FLAG] = failed ? 6 : 0;
		int total = 0;
		for (int k = 0; k < AC_COUNT; k++)
			total += l->width[k] ? 1 + l->width[k] : 0;
		if (total <= width)
			return;
	}
}

/* The row's cells in the layout, from column 1 with a blank between. */
static void a_row(WINDOW *w, int y, int width, const struct a_layout *l, const char *const *cell)
{
	int x = 1;
	for (int k = 0; k < AC_COUNT && x < width; k++) {
		if (!l->width[k])
			continue;
		char c[64];
		if (k == AC_AMOUNT)
			snprintf(c, sizeof c, "%*s", l->width[k], cell[k]);
		else
			snprintf(c, sizeof c, "%s", cell[k]);
		tui_put(w, y, x, l->width[k] < width - x ? l->width[k] : width - x, c);
		x += l->width[k] + 1;
	}
}

/* The title: whose activity, and how much of it, as much as fits. */
static void a_title(struct activity *a, struct tui *t, char *out, size_t n, int width)
{
	const struct view_activity *k = &a->count;
	char fails[32] = "";
	if (k->failed)
		snprintf(fails, sizeof fails, " (%lld failed)", (long long)k->failed);
	snprintf(out, n, " Activity of %s  orders %lld, payments %lld%s", t->selected,
		 (long long)k->orders, (long long)k->payments, fails);
	if (cols(out) <= width)
		return;
	snprintf(out, n, " Activity of %s  orders %lld, payments %lld", t->selected,
		 (long long)k->orders, (long long)k->payments);
	if (cols(out) <= width)
		return;
	snprintf(out, n, " Activity of %s  O %lld, P %lld", t->selected, (long long)k->orders,
		 (long long)k->payments);
	if (cols(out) <= width)
		return;
	snprintf(out, n, " Activity of %s", t->selected);
}

static void a_draw(struct pane *p, struct tui *t)
{
	struct activity *a = p->state;
	WINDOW *w = p->win;
	int width = p->w, focused = t->focus == PANE_ACTIVITY;
	char line[256];
	if (!a || !t->selected[0]) {
		heading(t, w, 0, width, " Activity", focused);
		return;
	}
	a_title(a, t, line, sizeof line, width);
	heading(t, w, 0, width, line, focused);
	if (a->n == 0) {
		tui_put(w, 1, 1, width - 1, "No orders or payments.");
		return;
	}
	struct a_layout l;
	a_layout(a, width, &l);
	const char *head[AC_COUNT] = {l.form[AC_KIND] == KIND_WORD ? "kind" : "",
				      l.form[AC_WHEN] == WHEN_TIME ? "when" : "date",
				      "id",
				      "what",
				      "amount",
				      ""};
	int ha = tui_attr(t, ROLE_MUTED) | A_BOLD;
	wattron(w, ha);
	tui_clear_to(w, 1, 0, width);
	a_row(w, 1, width, &l, head);
	wattroff(w, ha);
	int rows = p->h - 2, first = a->cursor >= rows ? a->cursor - rows + 1 : 0;
	for (int i = first, y = 2; i < a->n && y < p->h; i++, y++) {
		const struct browse_event *e = &a->ev[i];
		int failed = e->kind == 'P' && !e->success;
		char when[32], amount[32];
		const char *at = e->at;
		if (l.form[AC_WHEN] == WHEN_TIME && (at[10] == 'T' || at[10] == ' '))
			snprintf(when, sizeof when, "%.10s %.5s", at, at + 11);
		else if (l.form[AC_WHEN] == WHEN_SHORT && strlen(at) >= 10)
			snprintf(when, sizeof when, "%.8s", at + 2);
		else
			snprintf(when, sizeof when, "%.10s", at);
		snprintf(amount, sizeof amount, "%.2f", e->amount);
		const char *kind = l.form[AC_KIND] == KIND_WORD
					   ? (e->kind == 'P' ? "payment" : "order")
				   : e->kind == 'P' ? "P"
						    : "O";
		const char *cell[AC_COUNT] = {kind,    when,   e->id,
					      e->what, amount, failed ? "FAILED" : ""};
		int attr = i == a->cursor && focused ? tui_attr(t, ROLE_SELECTION)
			   : failed || strcmp(e->what, "returned") == 0 ? tui_attr(t, ROLE_BAND_D)
									: tui_attr(t, ROLE_NORMAL);
		wattron(w, attr);
		tui_clear_to(w, y, 0, width);
		a_row(w, y, width, &l, cell);
		wattroff(w, attr);
	}
}

static int a_key(struct pane *p, struct tui *t, int ch)
{
	struct activity *a = p->state;
	(void)t;
	if (!a)
		return PK_UNHANDLED;
	int rows = p->h - 2 > 0 ? p->h - 2 : 1;
	if (tui_list_move(ch == ' ' ? KEY_NPAGE : ch, a->cursor, a->n, rows, &a->cursor))
		return PK_DONE | PK_REDRAW;
	return PK_UNHANDLED;
}

const struct pane_ops pane_activity_ops = {
	.name = "Activity",
	.draw = a_draw,
	.key = a_key,
	.reload = a_reload,
	.free = p_free,
};
