/* Drawing helpers: clipped UTF-8 text, gauges and sparklines with an ASCII fallback. */
#include <string.h>
#include <wchar.h>

#include "tui.h"

int tui_put(WINDOW *win, int y, int x, int w, const char *s)
{
	int used = 0;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	while (*s && used < w) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, strlen(s), &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			/* Not valid in this locale: show a placeholder and resynchronise. */
			memset(&st, 0, sizeof st);
			mvwaddch(win, y, x + used, '?');
			used++;
			s++;
			continue;
		}
		int cw = wcwidth(wc);
		if (cw < 0)
			cw = 1;
		if (used + cw > w)
			break;
		if (wc < 0x80) {
			mvwaddch(win, y, x + used, (chtype)(unsigned char)*s);
		} else {
			cchar_t cc;
			wchar_t one[2] = {wc, 0};
			setcchar(&cc, one, 0, 0, NULL);
			mvwadd_wch(win, y, x + used, &cc);
		}
		used += cw;
		s += n;
	}
	return used;
}

void tui_clear_to(WINDOW *win, int y, int x, int w)
{
	for (int i = x; i < w; i++)
		mvwaddch(win, y, i, ' ');
}

static void put_wide(WINDOW *win, int y, int x, wchar_t wc)
{
	cchar_t cc;
	wchar_t one[2] = {wc, 0};
	setcchar(&cc, one, 0, 0, NULL);
	mvwadd_wch(win, y, x, &cc);
}

void tui_gauge(struct tui *t, WINDOW *win, int y, int x, int w, double frac, int attr)
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

void tui_sparkline(struct tui *t, WINDOW *win, int y, int x, int w, const int *v, int n, int lo,
		   int hi)
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

int tui_detail_scroll(int ch, int scroll, const int *sections, int n, int *to)
{
	switch (ch) {
	case 'J': *to = scroll + 1; return 1;
	case 'K': *to = scroll - 1; return 1;
	case '}':
	case '{': break;
	default: return 0;
	}
	*to = ch == '}' ? scroll : 0;
	for (int i = 0; i < n; i++) {
		if (ch == '}' && sections[i] > scroll) {
			*to = sections[i];
			break;
		}
		if (ch == '{' && sections[i] < scroll)
			*to = sections[i];
	}
	return 1;
}

int tui_list_move(int ch, int cursor, int n, int page, int *out)
{
	if (n <= 0)
		return 0;
	switch (ch) {
	case 'j':
	case KEY_DOWN: cursor++; break;
	case 'k':
	case KEY_UP: cursor--; break;
	case KEY_NPAGE: cursor += page; break;
	case KEY_PPAGE: cursor -= page; break;
	case 'g':
	case KEY_HOME: cursor = 0; break;
	case 'G':
	case KEY_END: cursor = n - 1; break;
	default: return 0;
	}
	*out = cursor >= n ? n - 1 : cursor < 0 ? 0 : cursor;
	return 1;
}
