/* Drawing helpers: windows on the theme's background, clipped UTF-8 text, list and detail
 * movement. Gauges, sparklines and plots are in chart.c. */
#include <string.h>
#include <wchar.h>

#include "tui.h"

WINDOW *tui_window(const struct tui *t, int h, int w, int y, int x)
{
	WINDOW *win = newwin(h, w, y, x);
	if (win)
		wbkgd(win, (chtype)tui_attr(t, ROLE_NORMAL));
	return win;
}

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
