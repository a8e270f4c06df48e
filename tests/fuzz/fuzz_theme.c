/* libFuzzer target for theme text. Every input must either fail with one line
 * "fuzz:LINE: ..." of printable ASCII (it goes to the status line, so no byte of the
 * input may reach it raw) or give a theme whose every colour is in range, whose
 * attributes are known bits, and which reads back identically when written out as
 * explicit 8-colour|256-colour pairs. Anything else aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int in_range(int c, int hi)
{
	return c == THEME_DEFAULT_COLOR || (c >= 0 && c <= hi);
}

static void put_colour(struct rd_buf *b, int c8, int c256)
{
	if (c8 < 0)
		buf_puts(b, "default|");
	else
		buf_printf(b, "%d|", c8);
	if (c256 < 0)
		buf_puts(b, "default");
	else
		buf_printf(b, "%d", c256);
}

/* The theme as text that sets every role explicitly. */
static char *theme_text(const struct rd_theme *t)
{
	static const char *const attrs[] = {"bold", "dim", "reverse", "underline"};
	struct rd_buf b = {0};
	for (int i = 0; i < ROLE_COUNT; i++) {
		const struct theme_style *s = &t->roles[i];
		buf_printf(&b, "%s = ", theme_role_names[i]);
		put_colour(&b, s->fg8, s->fg256);
		buf_putc(&b, ' ');
		put_colour(&b, s->bg8, s->bg256);
		for (int a = 0; a < 4; a++)
			if (s->attrs & (1u << a))
				buf_printf(&b, " %s", attrs[a]);
		buf_putc(&b, '\n');
	}
	return buf_steal(&b);
}

static void check_error(const char *msg)
{
	if (strncmp(msg, "fuzz:", 5) != 0)
		abort();
	const char *p = msg + 5;
	if (*p < '1' || *p > '9')
		abort(); /* lines count from 1 */
	while (*p >= '0' && *p <= '9')
		p++;
	if (strncmp(p, ": ", 2) != 0)
		abort();
	for (p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		size = 65536; /* what a theme file may hold */
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	struct rd_theme t, back;
	struct rd_err err = {{0}};
	int rc = theme_parse("fuzz", text, &t, &err);
	free(text);
	if (rc != 0) {
		check_error(err.msg);
		return 0;
	}
	if (strcmp(t.name, "fuzz") != 0)
		abort();
	for (int i = 0; i < ROLE_COUNT; i++) {
		const struct theme_style *s = &t.roles[i];
		unsigned known = THEME_BOLD | THEME_DIM | THEME_REVERSE | THEME_UNDERLINE;
		if (!in_range(s->fg8, 7) || !in_range(s->bg8, 7) || !in_range(s->fg256, 255) ||
		    !in_range(s->bg256, 255) || (s->attrs & ~known))
			abort();
	}
	char *out = theme_text(&t);
	if (theme_parse("fuzz", out, &back, &err) != 0 || memcmp(&t, &back, sizeof t) != 0)
		abort();
	free(out);
	return 0;
}
