/* Console themes as data: parsing "role = FG BG [attr ...]" text, finding a theme by
 * name (user directory, themes directory, compiled-in copies), and the console's
 * config file. Nothing here knows curses: the console maps struct rd_theme onto
 * colour pairs. Errors name the file (or theme), the line and the bad word. */
#include "riskdesk/theme.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* The generated header names its mono text theme_mono, which is also the public
 * function's name: rename the array while including it. */
#define theme_mono theme_mono_text
#include "themes.h"
#undef theme_mono

#define THEME_MAX_BYTES (64 * 1024)      /* theme and config files are a few hundred bytes */
#define THEME_NAME_MAX 63                /* fits struct rd_theme.name and rd_config.theme */
#define WORD_SHOWN 32                    /* bytes of a bad word quoted in a message */
#define WORD_QUOTED (WORD_SHOWN * 4 + 8) /* room for \xNN escapes and "..." */

const char *const theme_role_names[ROLE_COUNT] = {
	[ROLE_NORMAL] = "normal",
	[ROLE_HEADER] = "header",
	[ROLE_FOCUS] = "focus",
	[ROLE_SELECTION] = "selection",
	[ROLE_STATUS] = "status",
	[ROLE_ERROR] = "error",
	[ROLE_BAND_A] = "band_a",
	[ROLE_BAND_B] = "band_b",
	[ROLE_BAND_C] = "band_c",
	[ROLE_BAND_D] = "band_d",
	[ROLE_BAND_E] = "band_e",
	[ROLE_DRIFT_STABLE] = "drift_stable",
	[ROLE_DRIFT_MODERATE] = "drift_moderate",
	[ROLE_DRIFT_SIGNIFICANT] = "drift_significant",
	[ROLE_CHART] = "chart",
	[ROLE_MUTED] = "muted",
};

/* ANSI order: the index is the colour number on every terminal. */
static const char *const colour_names[8] = {"black", "red",     "green", "yellow",
					    "blue",  "magenta", "cyan",  "white"};

#define ATTR_LIST "bold, dim, reverse, underline" /* for messages */

static const struct {
	const char *name; /* as written in theme files */
	unsigned bit;     /* enum theme_attr */
} attr_names[] = {
	{"bold", THEME_BOLD},
	{"dim", THEME_DIM},
	{"reverse", THEME_REVERSE},
	{"underline", THEME_UNDERLINE},
};

static const struct {
	const char *name; /* what theme_load accepts */
	const char *text; /* the theme file, compiled in */
} builtins[] = {
	{"default", theme_default},
	{"dark", theme_dark},
	{"light", theme_light},
	{"mono", theme_mono_text},
};

/* Where a line being parsed came from, for messages. */
struct line_ctx {
	const char *label;  /* file path or theme name */
	long line;          /* 1-based */
	struct rd_err *err; /* may be NULL */
};

static int fail(const struct line_ctx *lc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Sets "LABEL:LINE: message" and returns -1. */
static int fail(const struct line_ctx *lc, const char *fmt, ...)
{
	char msg[RD_ERR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	rd_err_set(lc->err, "%s:%ld: %s", lc->label, lc->line, msg);
	return -1;
}

/* A word of user text made safe for a status line: at most WORD_SHOWN bytes, anything
 * outside printable ASCII (and the backslash) as \xNN, "..." when cut. */
static void quote_word(char out[WORD_QUOTED], const char *w, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n && i < WORD_SHOWN; i++) {
		unsigned char c = (unsigned char)w[i];
		if (c < 0x20 || c >= 0x7f || c == '\\')
			o += (size_t)snprintf(out + o, WORD_QUOTED - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	if (n > WORD_SHOWN) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int word_is(const char *w, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(w, name, n) == 0;
}

/* ---- colours ---- */

/* A level of the xterm 6x6x6 colour cube. */
static int cube_level(int v)
{
	return v ? 55 + 40 * v : 0;
}

/* The basic colour (0-7) an 8-colour terminal shows for a 256-colour index. The
 * 16 system colours map to themselves, bright ones (8-15) to their base colour.
 * The cube and the grey ramp keep their hue rather than the nearest RGB distance,
 * so dark red (52) stays red instead of turning black and vanishing on a dark
 * background: a channel counts as on when it is above 60% of the way from the
 * smallest channel to the largest. Near-greys (channels within 48 of each other)
 * become black below half lightness and white above. docs/themes.md has the table. */
static short colour_to_8(int c)
{
	if (c < 16)
		return (short)(c & 7);
	int r, g, b;
	if (c >= 232) {
		r = g = b = 8 + 10 * (c - 232);
	} else {
		r = cube_level((c - 16) / 36);
		g = cube_level((c - 16) / 6 % 6);
		b = cube_level((c - 16) % 6);
	}
	int hi = r > g ? (r > b ? r : b) : (g > b ? g : b);
	int lo = r < g ? (r < b ? r : b) : (g < b ? g : b);
	if (hi - lo < 48)
		return (hi + lo) / 2 < 128 ? 0 : 7;
	int cut = lo + (hi - lo) * 3 / 5;
	return (short)((r > cut) | (g > cut) << 1 | (b > cut) << 2);
}

enum colour_result {
	COLOUR_OK,
	COLOUR_UNKNOWN, /* not a colour word */
	COLOUR_RANGE,   /* a number above 255 */
};

/* One colour without '|': default, a name, bright-NAME or 0-255. Fills the colour for
 * 256-colour terminals and its 8-colour equivalent. */
static enum colour_result colour_word(const char *w, size_t n, short *c8, short *c256)
{
	if (word_is(w, n, "default")) {
		*c8 = *c256 = THEME_DEFAULT_COLOR;
		return COLOUR_OK;
	}
	int bright = n > 7 && strncasecmp(w, "bright-", 7) == 0;
	const char *base = bright ? w + 7 : w;
	size_t bn = bright ? n - 7 : n;
	for (short i = 0; i < 8; i++) {
		if (word_is(base, bn, colour_names[i])) {
			*c8 = i; /* bright-NAME: the base colour, not bold, on 8 colours */
			*c256 = (short)(bright ? 8 + i : i);
			return COLOUR_OK;
		}
	}
	if (bright || n == 0)
		return COLOUR_UNKNOWN;
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (w[i] < '0' || w[i] > '9')
			return COLOUR_UNKNOWN;
		if (v <= 255)
			v = v * 10 + (w[i] - '0'); /* stops growing once past the range */
	}
	if (v > 255)
		return COLOUR_RANGE;
	*c256 = (short)v;
	*c8 = colour_to_8(v);
	return COLOUR_OK;
}

static int colour_error(const struct line_ctx *lc, enum colour_result r, const char *w, size_t n)
{
	char q[WORD_QUOTED];
	quote_word(q, w, n);
	if (r == COLOUR_RANGE)
		return fail(lc, "colour '%s' out of range (0-255)", q);
	return fail(lc,
		    "unknown colour '%s' (expected default, black, red, green, yellow, blue, "
		    "magenta, cyan, white, bright-NAME, 0-255, or 8-colour|256-colour)",
		    q);
}

/* A foreground or background word: one colour for both terminals, or A|B with A for
 * 8-colour terminals (default, a basic name or 0-7) and B for 256-colour ones. */
static int parse_colour(const struct line_ctx *lc, const char *w, size_t n, short *c8, short *c256)
{
	char q[WORD_QUOTED];
	const char *bar = memchr(w, '|', n);
	if (!bar) {
		enum colour_result r = colour_word(w, n, c8, c256);
		return r == COLOUR_OK ? 0 : colour_error(lc, r, w, n);
	}
	const char *b = bar + 1;
	size_t an = (size_t)(bar - w), bn = n - an - 1;
	quote_word(q, w, n);
	if (memchr(b, '|', bn))
		return fail(lc, "'%s': a pair has one '|' (8-colour|256-colour)", q);
	if (an == 0 || bn == 0)
		return fail(lc, "'%s': a pair needs both sides, written without spaces (red|196)",
			    q);
	short a8, a256, b8;
	enum colour_result r = colour_word(w, an, &a8, &a256);
	if (r != COLOUR_OK)
		return colour_error(lc, r, w, an);
	if (a256 > 7)
		return fail(lc,
			    "'%s': the 8-colour side of a pair must be default, a basic colour "
			    "name or 0-7",
			    q);
	r = colour_word(b, bn, &b8, c256);
	if (r != COLOUR_OK)
		return colour_error(lc, r, b, bn);
	*c8 = a8;
	return 0;
}

/* ---- theme text ---- */

static void theme_plain(struct rd_theme *t, const char *name)
{
	memset(t, 0, sizeof *t); /* padding and the name's tail too: themes compare with memcmp */
	snprintf(t->name, sizeof t->name, "%s", name);
	for (int i = 0; i < ROLE_COUNT; i++) {
		struct theme_style *s = &t->roles[i];
		s->fg8 = s->bg8 = s->fg256 = s->bg256 = THEME_DEFAULT_COLOR;
	}
}

/* The next word of [*p, end): ends at white space; '=' ends it too when stop_eq. */
static size_t next_word(const char **p, const char *end, int stop_eq, const char **w)
{
	while (*p < end && is_space(**p))
		(*p)++;
	*w = *p;
	while (*p < end && !is_space(**p) && !(stop_eq && **p == '='))
		(*p)++;
	return (size_t)(*p - *w);
}

static int find_role(const char *w, size_t n)
{
	for (int i = 0; i < ROLE_COUNT; i++)
		if (word_is(w, n, theme_role_names[i]))
			return i;
	return -1;
}

/* The attribute bit a word names, or 0. */
static unsigned find_attr(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++)
		if (word_is(w, n, attr_names[i].name))
			return attr_names[i].bit;
	return 0;
}

/* One line without its '\n'. seen[] holds the line each role was set on, 0 if not. */
static int parse_line(const struct line_ctx *lc, const char *p, const char *end, struct rd_theme *t,
		      long seen[ROLE_COUNT])
{
	char q[WORD_QUOTED];
	const char *hash = memchr(p, '#', (size_t)(end - p));
	if (hash)
		end = hash; /* no word contains '#', so a comment may follow the colours */
	const char *w;
	size_t n = next_word(&p, end, 1, &w);
	if (n == 0 && p == end)
		return 0; /* blank or comment */
	if (n == 0)
		return fail(lc, "missing role name before '='");
	int role = find_role(w, n);
	quote_word(q, w, n);
	if (role < 0) {
		struct rd_buf names = {0};
		for (int i = 0; i < ROLE_COUNT; i++)
			buf_printf(&names, "%s%s", i ? ", " : "", theme_role_names[i]);
		fail(lc, "unknown role '%s' (expected %s)", q, names.data);
		buf_free(&names);
		return -1;
	}
	const char *rname = theme_role_names[role];
	while (p < end && is_space(*p))
		p++;
	if (p == end || *p != '=')
		return fail(lc, "expected '=' after '%s' (role = FG BG [attributes])", q);
	p++;
	if (seen[role])
		return fail(lc, "role '%s' is set twice (first on line %ld)", rname, seen[role]);
	struct theme_style s = {0};
	const char *fw, *bw;
	size_t fn = next_word(&p, end, 0, &fw);
	size_t bn = next_word(&p, end, 0, &bw);
	if (fn == 0)
		return fail(lc, "role '%s' needs a foreground and a background colour", rname);
	if (bn == 0) {
		quote_word(q, fw, fn);
		return fail(lc, "role '%s' needs a background colour after '%s'", rname, q);
	}
	if (parse_colour(lc, fw, fn, &s.fg8, &s.fg256) ||
	    parse_colour(lc, bw, bn, &s.bg8, &s.bg256))
		return -1;
	for (n = next_word(&p, end, 0, &w); n; n = next_word(&p, end, 0, &w)) {
		unsigned bit = find_attr(w, n);
		if (!bit) {
			quote_word(q, w, n);
			return fail(lc, "unknown attribute '%s' (expected " ATTR_LIST ")", q);
		}
		s.attrs |= bit;
	}
	t->roles[role] = s;
	seen[role] = lc->line;
	return 0;
}

/* Applies text over t; roles it does not name stay as they are. */
static int parse_text(const char *label, const char *text, size_t len, struct rd_theme *t,
		      struct rd_err *err)
{
	long seen[ROLE_COUNT] = {0};
	struct line_ctx lc = {.label = label, .line = 0, .err = err};
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		lc.line++;
		if (parse_line(&lc, p, le, t, seen))
			return -1;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* A theme named name from text, over the built-in default (or over no colours at all
 * when plain). label is what messages name. out is untouched on error. */
static int theme_build(const char *name, const char *label, const char *text, size_t len, int plain,
		       struct rd_theme *out, struct rd_err *err)
{
	struct rd_theme t;
	theme_plain(&t, name);
	/* The compiled-in default never fails (the unit tests parse it). */
	if (!plain && parse_text("default", theme_default, sizeof theme_default - 1, &t, err))
		return -1;
	if (parse_text(label, text, len, &t, err))
		return -1;
	*out = t;
	return 0;
}

int theme_parse(const char *name, const char *text, struct rd_theme *out, struct rd_err *err)
{
	if (!name)
		name = "theme";
	if (!text) {
		rd_err_set(err, "%s: no theme text", name);
		return -1;
	}
	return theme_build(name, name, text, strlen(text), 0, out, err);
}

void theme_mono(struct rd_theme *out)
{
	/* Over no colours at all, so NO_COLOR stays colourless whatever mono.theme says. */
	if (theme_build("mono", "mono", theme_mono_text, sizeof theme_mono_text - 1, 1, out, NULL))
		theme_plain(out, "mono");
}

void theme_colours(const struct rd_theme *t, enum theme_role role, int colors, short *fg, short *bg)
{
	const struct theme_style *s = &t->roles[role], *n = &t->roles[ROLE_NORMAL];
	int wide = colors >= 256;
	*fg = wide ? s->fg256 : s->fg8;
	*bg = wide ? s->bg256 : s->bg8;
	if (*fg == THEME_DEFAULT_COLOR)
		*fg = wide ? n->fg256 : n->fg8;
	if (*bg == THEME_DEFAULT_COLOR)
		*bg = wide ? n->bg256 : n->bg8;
}

/* ---- files ---- */

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

int theme_name_check(const char *name, size_t n, struct rd_err *err)
{
	char q[RD_ECHO_SIZE];
	rd_echo(q, name, n);
	if (n == 0) {
		rd_err_set(err, "theme name is empty");
		return -1;
	}
	size_t i = 0;
	while (i < n && name_char(name[i]))
		i++;
	if (i < n) {
		rd_err_set(err, "theme name %s is not valid (letters, digits, '-' and '_' only)",
			   q);
		return -1;
	}
	if (n > THEME_NAME_MAX) {
		rd_err_set(err, "theme name %s is too long (%d bytes at most)", q, THEME_NAME_MAX);
		return -1;
	}
	return 0;
}

int theme_load(const char *name, const char *themes_dir, struct rd_theme *out, struct rd_err *err)
{
	int rc = -1;
	struct rd_buf path = {0}, text = {0};
	if (!name)
		name = "";
	if (theme_name_check(name, strlen(name), err))
		goto out;
	/* The user's directory first, then the one given; a file found but broken is an
	 * error, not a reason to look further. */
	for (int where = 0; where < 2; where++) {
		buf_reset(&path);
		if (where == 0 && xdg_dir("XDG_CONFIG_HOME", ".config", &path))
			buf_printf(&path, "/riskdesk/themes/%s.theme", name);
		else if (where == 1 && themes_dir && themes_dir[0])
			buf_printf(&path, "%s/%s.theme", themes_dir, name);
		else
			continue;
		int got = text_file_read(path.data, THEME_MAX_BYTES, &text, err);
		if (got < 0)
			goto out;
		if (got == 0) {
			rc = theme_build(name, path.data, text.data, text.len, 0, out, err);
			goto out;
		}
	}
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
		if (strcmp(name, builtins[i].name) == 0) {
			rc = theme_build(name, name, builtins[i].text, strlen(builtins[i].text), 0,
					 out, err);
			goto out;
		}
	}
	/* The name passed theme_name_check: short and plain. */
	rd_err_set(err, "theme '%s' not found (default, dark, light, mono)", name);
out:
	buf_free(&path);
	buf_free(&text);
	return rc;
}

/* ---- the config file ---- */

/* One "key = value" line of the config file into out. */
static int config_line(const struct line_ctx *lc, const char *p, const char *end,
		       struct rd_config *out)
{
	char q[WORD_QUOTED];
	const char *hash = memchr(p, '#', (size_t)(end - p));
	if (hash)
		end = hash;
	while (p < end && is_space(*p))
		p++;
	while (end > p && is_space(end[-1]))
		end--;
	if (p == end)
		return 0;
	const char *eq = memchr(p, '=', (size_t)(end - p));
	if (!eq) {
		quote_word(q, p, (size_t)(end - p));
		return fail(lc, "expected 'key = value', found '%s'", q);
	}
	const char *key = p, *kend = eq, *val = eq + 1;
	while (kend > key && is_space(kend[-1]))
		kend--;
	while (val < end && is_space(*val))
		val++;
	size_t kn = (size_t)(kend - key), vn = (size_t)(end - val);
	if (kn == 0)
		return fail(lc, "missing key before '='");
	quote_word(q, key, kn);
	if (kn != 5 || memcmp(key, "theme", 5) != 0)
		return fail(lc, "unknown key '%s' (expected theme)", q);
	if (vn == 0)
		return fail(lc, "'theme' needs a value (a theme name)");
	struct rd_err e;
	if (theme_name_check(val, vn, &e))
		return fail(lc, "%s", e.msg);
	memcpy(out->theme, val, vn);
	out->theme[vn] = '\0';
	return 0;
}

int config_load(struct rd_config *out, struct rd_err *err)
{
	int rc = -1, bad = 0;
	struct rd_buf path = {0}, text = {0};
	struct rd_err first = {{0}};
	memset(out, 0, sizeof *out);
	if (!xdg_dir("XDG_CONFIG_HOME", ".config", &path)) {
		rc = 0; /* no home at all: nothing to read */
		goto out;
	}
	buf_puts(&path, "/riskdesk/config");
	int got = text_file_read(path.data, THEME_MAX_BYTES, &text, err);
	if (got != 0) {
		rc = got > 0 ? 0 : -1;
		goto out;
	}
	/* Every good line applies even when another is bad: the console reports the first
	 * error and carries on with the rest of the settings. */
	struct line_ctx lc = {.label = path.data, .line = 0, .err = &first};
	const char *p = text.data, *end = text.data + text.len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		lc.line++;
		if (config_line(&lc, p, nl ? nl : end, out) && bad++ == 0)
			lc.err = NULL; /* keep the first message */
		p = nl ? nl + 1 : end;
	}
	if (bad > 1)
		rd_err_set(err, "%s (and %d more bad line%s)", first.msg, bad - 1,
			   bad > 2 ? "s" : "");
	else if (bad)
		rd_err_set(err, "%s", first.msg);
	rc = bad ? -1 : 0;
out:
	buf_free(&path);
	buf_free(&text);
	return rc;
}
