/* The Profile and Activity panes: the selected customer. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "riskdesk/view.h"
#include "tui.h"

#define HISTORY_POINTS 64

struct profile {
	struct customer_view v;
	int found;                   /* 0 none selected, 1 shown, -1 missing */
	int history[HISTORY_POINTS]; /* latest scores, oldest first */
	int nhistory;
	int scroll;                  /* first feature line shown */
};

static void p_reload(struct pane *p, struct tui *t)
{
	struct profile *s = p->state ? p->state : (p->state = rd_calloc(1, sizeof(struct profile)));
	struct rd_err err = {{0}};
	s->found = 0;
	s->nhistory = 0;
	if (!t->selected[0])
		return;
	int rc = view_customer(t->store, t->selected, &s->v, &err);
	if (rc < 0) {
		tui_status(t, 1, "%s", err.msg);
		return;
	}
	s->found = rc == 0 ? 1 : -1;
	if (rc == 0) {
		int n = browse_score_history(t->store, t->selected, HISTORY_POINTS, s->history, &err);
		s->nhistory = n > 0 ? n : 0;
	}
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

static void p_draw(struct pane *p, struct tui *t)
{
	struct profile *s = p->state;
	WINDOW *w = p->win;
	int width = p->w, y = 0, focused = t->focus == PANE_PROFILE;
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
	const struct customer_view *v = &s->v;
	char wide[1600];
	snprintf(line, sizeof line, " %s  %s", v->id, v->name);
	heading(t, w, y++, width, line, focused);
	char email[128], phone[64];
	if (t->ctx.settings.pii) {
		snprintf(email, sizeof email, "%s", v->email);
		snprintf(phone, sizeof phone, "%s", v->phone);
	} else {
		pii_mask(v->email, email, sizeof email);
		pii_mask(v->phone, phone, sizeof phone);
	}
	snprintf(line, sizeof line, " %s  %s  %s  since %.10s%s", v->kind, email, phone,
		 v->created_at, v->defaulted != 1 ? ""
				: strcmp(v->outcome_source, "proxy") == 0 ? "  PROXY BAD" : "  DEFAULTED");
	tui_put(w, y++, 0, width, line);
	if (!v->has_profile) {
		tui_put(w, y + 1, 1, width - 1, "Not scored yet: r recomputes this customer.");
		return;
	}
	/* The score gauge: 300..1000, coloured by band. */
	snprintf(line, sizeof line, " %4d %c ", v->score, v->band);
	int used = tui_put(w, y, 0, width, line);
	chart_win_gauge(t, w, y, used, width - used - 1 > 40 ? 40 : width - used - 1,
			(v->score - 300) / 700.0, tui_band_attr(t, v->band));
	y++;
	int trained = v->algo[0] && strcmp(v->algo, "rules") != 0;
	snprintf(wide, sizeof wide, " PD %.2f%%  %s  %s  %s%s%s%s%s%s", v->pd * 100, v->risk_level,
		 v->segment, v->model, trained ? " (" : "", trained ? v->algo : "", trained ? ")" : "",
		 v->as_of[0] ? "  as of " : "", v->as_of);
	if (!t->utf8)
		ascii_times(wide);
	wattron(w, tui_band_attr(t, v->band));
	tui_put(w, y++, 0, width, wide);
	wattroff(w, tui_band_attr(t, v->band));
	if (v->label_source[0] && y < p->h) {
		/* Not a default model: say what it learnt from before anything else. */
		snprintf(line, sizeof line, " trained on %s", v->label_source);
		wattron(w, tui_attr(t, ROLE_DRIFT_MODERATE));
		tui_put(w, y++, 0, width, line);
		wattroff(w, tui_attr(t, ROLE_DRIFT_MODERATE));
	}
	if (!isnan(v->cutoff_pd) && y < p->h) {
		snprintf(line, sizeof line, " cut-off PD %.2f%%%s: %s", v->cutoff_pd * 100,
			 v->ncomponents > 1 ? " (the blend's)" : "",
			 vocab_name(&vocab_decision, profile_decision(v->pd, v->cutoff_pd)));
		tui_put(w, y++, 0, width, line);
	}
	if (v->ncomponents > 1) {
		/* The blend's members, and how the score follows from them: the weighted mean of
		 * their unclamped scores, rounded. */
		for (int k = 0; k < v->ncomponents && y < p->h; k++, y++) {
			char raw[32], pd[32];
			snprintf(line, sizeof line, "   %s %s%g  raw %s  PD %s", v->comp[k].model,
				 t->utf8 ? "\xc3\x97" : "x", v->comp[k].weight,
				 nf2(raw, sizeof raw, "%.2f", v->comp[k].raw),
				 nf2(pd, sizeof pd, "%.2f%%", v->comp[k].pd * 100));
			tui_put(w, y, 0, width, line);
		}
		if (y < p->h && !isnan(v->raw)) {
			snprintf(line, sizeof line, "   weighted mean raw %.2f %s score %d", v->raw,
				 t->utf8 ? "\xe2\x86\x92" : "->", v->score);
			tui_put(w, y++, 0, width, line);
		}
	}
	if (s->nhistory > 1) {
		used = tui_put(w, y, 0, width, " history ");
		chart_win_sparkline(t, w, y, used, width - used - 1, s->history, s->nhistory, 300,
				    1000);
		y++;
	}
	if (y < p->h)
		y++;
	for (int i = 0; i < v->nreasons && y < p->h; i++, y++) {
		const struct rd_reason *r = &v->reasons[i];
		char val[48];
		if (r->level[0])
			snprintf(val, sizeof val, "%s", r->level);
		else
			num_format(r->value, val, sizeof val);
		if (strncmp(r->text, r->name, strlen(r->name)) == 0) /* the text names it already */
			snprintf(line, sizeof line, " -%-6.1f %s", r->points, r->text);
		else
			snprintf(line, sizeof line, " -%-6.1f %s (%s %s)", r->points, r->text, r->name,
				 val);
		tui_put(w, y, 0, width, line);
	}
	if (y < p->h)
		y++;
	/* Features in two columns when there is room. */
	int cols = width >= 60 ? 2 : 1, colw = width / cols;
	for (int i = s->scroll; i < FEAT_COUNT && y < p->h; i += cols, y++) {
		for (int c = 0; c < cols && i + c < FEAT_COUNT; c++) {
			char val[32];
			num_format(v->features[i + c], val, sizeof val);
			snprintf(line, sizeof line, " %-19s %10s", feature_names[i + c], val);
			wattron(w, tui_attr(t, ROLE_MUTED));
			tui_put(w, y, c * colw, colw, line);
			wattroff(w, tui_attr(t, ROLE_MUTED));
		}
	}
}

static int p_key(struct pane *p, struct tui *t, int ch)
{
	struct profile *s = p->state;
	(void)t;
	if (!s)
		return PK_UNHANDLED;
	switch (ch) {
	case 'j':
	case KEY_DOWN:
		if (s->scroll + 2 < FEAT_COUNT)
			s->scroll += 2;
		return PK_DONE | PK_REDRAW;
	case 'k':
	case KEY_UP:
		s->scroll = s->scroll >= 2 ? s->scroll - 2 : 0;
		return PK_DONE | PK_REDRAW;
	default: return PK_UNHANDLED;
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
	.free = p_free,
};

#define ACTIVITY_MAX 256

struct activity {
	struct browse_event ev[ACTIVITY_MAX];
	int n;
	int skip;   /* events above the window */
	int cursor; /* index in ev */
};

static void a_load(struct pane *p, struct tui *t)
{
	struct activity *a = p->state;
	struct rd_err err = {{0}};
	a->n = 0;
	if (!t->selected[0])
		return;
	int n = browse_activity(t->store, t->selected, a->skip, ACTIVITY_MAX, a->ev, &err);
	if (n < 0)
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

static void a_draw(struct pane *p, struct tui *t)
{
	struct activity *a = p->state;
	WINDOW *w = p->win;
	int width = p->w, focused = t->focus == PANE_ACTIVITY;
	char line[256];
	snprintf(line, sizeof line, " Activity%s%s", t->selected[0] ? " of " : "", t->selected);
	heading(t, w, 0, width, line, focused);
	if (!a || a->n == 0) {
		tui_put(w, 1, 1, width - 1, t->selected[0] ? "No orders or payments." : "");
		return;
	}
	int rows = p->h - 1, first = a->cursor >= rows ? a->cursor - rows + 1 : 0;
	for (int i = first, y = 1; i < a->n && y < p->h; i++, y++) {
		const struct browse_event *e = &a->ev[i];
		snprintf(line, sizeof line, " %c %-10.10s %-10s %-9s %10.2f%s", e->kind, e->at, e->id,
			 e->what, e->amount, e->kind == 'P' && !e->success ? "  FAILED" : "");
		int attr = i == a->cursor && focused ? tui_attr(t, ROLE_SELECTION)
			   : (e->kind == 'P' && !e->success) || strcmp(e->what, "returned") == 0
				   ? tui_attr(t, ROLE_BAND_D)
				   : tui_attr(t, ROLE_NORMAL);
		wattron(w, attr);
		tui_clear_to(w, y, 0, width);
		tui_put(w, y, 0, width, line);
		wattroff(w, attr);
	}
}

static int a_key(struct pane *p, struct tui *t, int ch)
{
	struct activity *a = p->state;
	(void)t;
	if (!a)
		return PK_UNHANDLED;
	int rows = p->h - 1;
	switch (ch) {
	case 'j':
	case KEY_DOWN: a->cursor = a->cursor + 1 < a->n ? a->cursor + 1 : a->cursor; break;
	case 'k':
	case KEY_UP: a->cursor = a->cursor > 0 ? a->cursor - 1 : 0; break;
	case KEY_NPAGE: a->cursor = a->cursor + rows < a->n ? a->cursor + rows : (a->n ? a->n - 1 : 0); break;
	case KEY_PPAGE: a->cursor = a->cursor > rows ? a->cursor - rows : 0; break;
	case 'g': a->cursor = 0; break;
	case 'G': a->cursor = a->n ? a->n - 1 : 0; break;
	default: return PK_UNHANDLED;
	}
	return PK_DONE | PK_REDRAW;
}

const struct pane_ops pane_activity_ops = {
	.name = "Activity",
	.draw = a_draw,
	.key = a_key,
	.reload = a_reload,
	.free = p_free,
};
