/* Panes that show text: the output view and the Log (runs and audit). Text panes scroll;
 * their content comes from commands of the table. (Models and Drift have their own
 * panes: pane_models.c, pane_drift.c.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

struct text {
	struct rd_buf buf; /* the text */
	int top;           /* first line shown */
	int lines;         /* lines in buf */
};

static struct text *text_state(struct pane *p)
{
	if (!p->state)
		p->state = rd_calloc(1, sizeof(struct text));
	return p->state;
}

static void text_set(struct pane *p, const char *s)
{
	struct text *x = text_state(p);
	buf_reset(&x->buf);
	buf_puts(&x->buf, s ? s : "");
	x->lines = 0;
	for (const char *c = x->buf.data ? x->buf.data : ""; *c; c++)
		x->lines += *c == '\n';
	x->top = 0;
	p->dirty = 1;
}

void output_clear(struct pane *p)
{
	text_set(p, "");
}

void output_append(struct pane *p, const char *s, size_t len)
{
	struct text *x = text_state(p);
	buf_append(&x->buf, s, len);
	for (size_t i = 0; i < len; i++)
		x->lines += s[i] == '\n';
	p->dirty = 1;
}

static void text_draw_title(struct pane *p, struct tui *t, const char *title)
{
	int a = tui_attr(t, t->focus == (int)(p - t->panes) ? ROLE_FOCUS : ROLE_HEADER);
	wattron(p->win, a);
	tui_clear_to(p->win, 0, 0, p->w);
	tui_put(p->win, 0, 0, p->w, title);
	wattroff(p->win, a);
}

static void text_draw_body(struct pane *p, struct tui *t, int y0)
{
	struct text *x = text_state(p);
	const char *c = x->buf.data ? x->buf.data : "";
	(void)t;
	for (int skip = x->top; skip > 0 && *c; c++)
		if (*c == '\n')
			skip--;
	char line[1024];
	for (int y = y0; y < p->h && *c; y++) {
		const char *nl = strchr(c, '\n');
		size_t n = nl ? (size_t)(nl - c) : strlen(c);
		if (n >= sizeof line)
			n = sizeof line - 1;
		memcpy(line, c, n);
		line[n] = '\0';
		tui_put(p->win, y, 0, p->w, line);
		c = nl ? nl + 1 : c + strlen(c);
	}
}

static int text_key(struct pane *p, struct tui *t, int ch)
{
	struct text *x = text_state(p);
	int rows = p->h - 1, last = x->lines > rows ? x->lines - rows : 0;
	(void)t;
	switch (ch) {
	case 'j':
	case KEY_DOWN: x->top = x->top < last ? x->top + 1 : last; break;
	case 'k':
	case KEY_UP: x->top = x->top > 0 ? x->top - 1 : 0; break;
	case KEY_NPAGE:
	case ' ': x->top = x->top + rows < last ? x->top + rows : last; break;
	case KEY_PPAGE: x->top = x->top > rows ? x->top - rows : 0; break;
	case 'g': x->top = 0; break;
	case 'G': x->top = last; break;
	default: return PK_UNHANDLED;
	}
	return PK_DONE | PK_REDRAW;
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
	struct text *x = p->state;
	if (x)
		buf_free(&x->buf);
	free(x);
	p->state = NULL;
}

static void output_draw(struct pane *p, struct tui *t)
{
	text_draw_title(p, t, " Output  (j/k PgUp/PgDn scroll, Esc back)");
	text_draw_body(p, t, 1);
}

static void output_reload(struct pane *p, struct tui *t)
{
	(void)t;
	text_state(p);
}

const struct pane_ops pane_output_ops = {
	.name = "Output",
	.draw = output_draw,
	.key = text_key,
	.reload = output_reload,
	.mouse = text_mouse,
	.free = text_free,
};

static void log_reload(struct pane *p, struct tui *t)
{
	struct rd_buf b = {0};
	char *runs = tui_capture(t, "runs --limit 15");
	char *audit = tui_capture(t, "audit --limit 15");
	buf_puts(&b, "Runs\n");
	buf_puts(&b, runs ? runs : "");
	buf_puts(&b, "\nAudit\n");
	buf_puts(&b, audit ? audit : "");
	text_set(p, b.data);
	buf_free(&b);
	free(runs);
	free(audit);
}

static void log_draw(struct pane *p, struct tui *t)
{
	text_draw_title(p, t, " Log: runs and audit");
	text_draw_body(p, t, 1);
}

const struct pane_ops pane_log_ops = {
	.name = "Log",
	.draw = log_draw,
	.key = text_key,
	.reload = log_reload,
	.mouse = text_mouse,
	.free = text_free,
};
