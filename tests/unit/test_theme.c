/* Themes and the console config: the four built-in themes, the on-disk copies, colours
 * (names, bright-, numbers, 8-colour|256-colour pairs), attributes, inheritance from
 * the default theme, every error with its line, the search order of theme_load, name
 * checks, and config_load. Files live under a private temporary directory. */
#include "testutil.h"

#include <errno.h>
#include <ftw.h>

#include "riskdesk/theme.h"

/* The generated header's theme_mono array would clash with the function. */
#define theme_mono theme_mono_text
#include "themes.h"
#undef theme_mono

static const char *const builtin_names[] = {"default", "dark", "light", "mono"};
static const char *const builtin_texts[] = {theme_default, theme_dark, theme_light,
					    theme_mono_text};

static char root[256]; /* private temporary directory of this run */

/* ---- helpers ---- */

static const char *tmp_path(const char *rel)
{
	static char paths[8][512];
	static int next;
	char *p = paths[next++ % 8];
	snprintf(p, 512, "%s/%s", root, rel);
	return p;
}

/* mkdir -p of the directory part of path. */
static void make_parents(const char *path)
{
	char dir[512];
	snprintf(dir, sizeof dir, "%s", path);
	for (char *s = dir + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", dir, strerror(errno));
		*s = '/';
	}
}

static void write_at(const char *path, const char *data, size_t len)
{
	make_parents(path);
	FILE *f = fopen(path, "wb");
	if (!f)
		fail_msg("cannot write %s", path);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void write_text(const char *path, const char *text)
{
	write_at(path, text, strlen(text));
}

/* The whole of a file, NUL-terminated; the caller frees it. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot read %s (run the tests from the repository root)", path);
	struct rd_buf b = {0};
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	return buf_steal(&b);
}

static void assert_styles_equal(const struct rd_theme *a, const struct rd_theme *b)
{
	for (int i = 0; i < ROLE_COUNT; i++) {
		const struct theme_style *x = &a->roles[i], *y = &b->roles[i];
		if (x->fg8 != y->fg8 || x->bg8 != y->bg8 || x->fg256 != y->fg256 ||
		    x->bg256 != y->bg256 || x->attrs != y->attrs)
			fail_msg("role %s differs: %d/%d %d/%d %u vs %d/%d %d/%d %u",
				 theme_role_names[i], x->fg8, x->fg256, x->bg8, x->bg256, x->attrs,
				 y->fg8, y->fg256, y->bg8, y->bg256, y->attrs);
	}
}

static void assert_style(const struct theme_style *s, int fg8, int fg256, int bg8, int bg256,
			 unsigned attrs)
{
	assert_int_equal(s->fg8, fg8);
	assert_int_equal(s->fg256, fg256);
	assert_int_equal(s->bg8, bg8);
	assert_int_equal(s->bg256, bg256);
	assert_int_equal(s->attrs, attrs);
}

/* Parses text as theme "t" and fails the test on error. */
static struct rd_theme parse_ok(const char *text)
{
	struct rd_theme t;
	struct rd_err err = {{0}};
	if (theme_parse("t", text, &t, &err) != 0)
		fail_msg("theme_parse(%s): %s", text, err.msg);
	return t;
}

/* The style "normal = WORD default" gives, for one colour word. */
static struct theme_style fg_of(const char *word)
{
	char text[128];
	snprintf(text, sizeof text, "normal = %s default\n", word);
	return parse_ok(text).roles[ROLE_NORMAL];
}

static struct rd_theme builtin(const char *name)
{
	struct rd_theme t;
	struct rd_err err = {{0}};
	if (theme_load(name, NULL, &t, &err) != 0)
		fail_msg("theme_load(%s): %s", name, err.msg);
	return t;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* Each test starts with an empty config home and no HOME to fall back on. */
static int setup(void **state)
{
	(void)state;
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	mkdir(root, 0700);
	setenv("XDG_CONFIG_HOME", tmp_path("xdg"), 1);
	unsetenv("HOME");
	return 0;
}

/* ---- the built-in themes ---- */

static void test_role_names(void **state)
{
	(void)state;
	static const char *const want[ROLE_COUNT] = {
		"normal",         "header",
		"focus",          "selection",
		"status",         "error",
		"band_a",         "band_b",
		"band_c",         "band_d",
		"band_e",         "drift_stable",
		"drift_moderate", "drift_significant",
		"chart",          "muted",
	};
	for (int i = 0; i < ROLE_COUNT; i++)
		assert_string_equal(theme_role_names[i], want[i]);
	/* Every theme file names every role, one a line, in the enum's order. */
	for (size_t k = 0; k < 4; k++) {
		char path[64];
		snprintf(path, sizeof path, "themes/%s.theme", builtin_names[k]);
		char *text = slurp(path);
		int next = 0;
		for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
			if (line[0] == '#')
				continue;
			assert_true(next < ROLE_COUNT);
			size_t n = strlen(theme_role_names[next]);
			if (strncmp(line, theme_role_names[next], n) != 0 || line[n] != ' ')
				fail_msg("%s: expected role %s, found %s", path,
					 theme_role_names[next], line);
			next++;
		}
		assert_int_equal(next, ROLE_COUNT);
		free(text);
	}
}

static void test_builtins_parse(void **state)
{
	(void)state;
	for (size_t k = 0; k < 4; k++) {
		struct rd_theme t = builtin(builtin_names[k]), p;
		assert_string_equal(t.name, builtin_names[k]);
		struct rd_err err = {{0}};
		assert_int_equal(theme_parse(builtin_names[k], builtin_texts[k], &p, &err), 0);
		assert_styles_equal(&t, &p);
		assert_int_equal(memcmp(&t, &p, sizeof t), 0);
	}
	/* A few values straight from the files. */
	struct rd_theme d = builtin("default");
	assert_style(&d.roles[ROLE_NORMAL], -1, -1, -1, -1, 0);
	assert_style(&d.roles[ROLE_HEADER], 0, 16, 6, 38, THEME_BOLD);
	assert_style(&d.roles[ROLE_MUTED], -1, 245, -1, -1, 0);
	struct rd_theme k = builtin("dark");
	assert_style(&k.roles[ROLE_BAND_E], 1, 203, 0, 234, THEME_BOLD);
	struct rd_theme l = builtin("light");
	assert_style(&l.roles[ROLE_FOCUS], 7, 231, 5, 90, THEME_BOLD);
}

static void test_files_match_embedded(void **state)
{
	(void)state;
	for (size_t k = 0; k < 4; k++) {
		char path[64];
		snprintf(path, sizeof path, "themes/%s.theme", builtin_names[k]);
		char *text = slurp(path);
		assert_string_equal(text, builtin_texts[k]);
		struct rd_theme disk, load, emb = builtin(builtin_names[k]);
		struct rd_err err = {{0}};
		assert_int_equal(theme_parse(builtin_names[k], text, &disk, &err), 0);
		assert_int_equal(memcmp(&disk, &emb, sizeof disk), 0);
		/* and through the themes directory */
		assert_int_equal(theme_load(builtin_names[k], "themes", &load, &err), 0);
		assert_int_equal(memcmp(&load, &emb, sizeof load), 0);
		free(text);
	}
}

static void test_mono(void **state)
{
	(void)state;
	struct rd_theme m, l = builtin("mono");
	theme_mono(&m);
	assert_string_equal(m.name, "mono");
	assert_int_equal(memcmp(&m, &l, sizeof m), 0);
	for (int i = 0; i < ROLE_COUNT; i++)
		assert_style(&m.roles[i], -1, -1, -1, -1, m.roles[i].attrs);
	assert_int_equal(m.roles[ROLE_FOCUS].attrs, THEME_REVERSE | THEME_BOLD);
	assert_int_equal(m.roles[ROLE_MUTED].attrs, THEME_DIM);
	assert_int_equal(m.roles[ROLE_ERROR].attrs, THEME_BOLD | THEME_UNDERLINE);
	assert_int_equal(m.roles[ROLE_NORMAL].attrs, 0);
}

/* ---- colours and attributes ---- */

static void test_colour_names(void **state)
{
	(void)state;
	static const char *const names[] = {"black", "red",     "green", "yellow",
					    "blue",  "magenta", "cyan",  "white"};
	for (int i = 0; i < 8; i++) {
		struct theme_style s = fg_of(names[i]);
		assert_style(&s, i, i, -1, -1, 0);
		char bright[32];
		snprintf(bright, sizeof bright, "bright-%s", names[i]);
		s = fg_of(bright);
		assert_style(&s, i, 8 + i, -1, -1, 0); /* base colour, no bold, on 8 colours */
	}
	struct theme_style s = fg_of("default");
	assert_style(&s, -1, -1, -1, -1, 0);
	s = fg_of("RED"); /* words are not case-sensitive */
	assert_style(&s, 1, 1, -1, -1, 0);
	s = fg_of("Bright-Blue");
	assert_style(&s, 4, 12, -1, -1, 0);
	struct rd_theme t = parse_ok("header = yellow bright-cyan\n");
	assert_style(&t.roles[ROLE_HEADER], 3, 3, 6, 14, 0);
}

static void test_colour_numbers(void **state)
{
	(void)state;
	for (int i = 0; i < 8; i++) {
		char w[16];
		snprintf(w, sizeof w, "%d", i);
		struct theme_style s = fg_of(w);
		assert_style(&s, i, i, -1, -1, 0);
		snprintf(w, sizeof w, "%d", i + 8);
		s = fg_of(w);
		assert_style(&s, i, i + 8, -1, -1, 0); /* bright system colours: their base */
	}
	/* The cube and grey ramp keep their hue on 8 colours (see docs/themes.md). */
	static const struct {
		int c256, c8;
	} map[] = {
		{16, 0},  {52, 1},  {124, 1}, {160, 1}, {196, 1}, {203, 1}, {209, 1}, {166, 1},
		{208, 1}, {22, 2},  {28, 2},  {34, 2},  {70, 2},  {114, 2}, {150, 2}, {46, 2},
		{178, 3}, {136, 3}, {222, 3}, {221, 3}, {226, 3}, {17, 4},  {25, 4},  {21, 4},
		{67, 4},  {90, 5},  {201, 5}, {38, 6},  {80, 6},  {117, 6}, {51, 6},  {231, 7},
		{188, 7}, {59, 0},  {102, 7}, {232, 0}, {243, 0}, {244, 7}, {255, 7}, {234, 0},
		{252, 7}, {242, 0}, {245, 7},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		char w[16];
		snprintf(w, sizeof w, "%d", map[i].c256);
		struct theme_style s = fg_of(w);
		if (s.fg8 != map[i].c8 || s.fg256 != map[i].c256)
			fail_msg("%d: 8-colour %d, expected %d", map[i].c256, s.fg8, map[i].c8);
	}
	/* Every number maps into 0-7. */
	for (int c = 0; c < 256; c++) {
		char w[16];
		snprintf(w, sizeof w, "%d", c);
		struct theme_style s = fg_of(w);
		assert_int_equal(s.fg256, c);
		assert_true(s.fg8 >= 0 && s.fg8 <= 7);
	}
	struct theme_style s = fg_of("0007"); /* leading zeros are still the number */
	assert_style(&s, 7, 7, -1, -1, 0);
	s = fg_of("255");
	assert_int_equal(s.fg256, 255);
}

static void test_colour_pairs(void **state)
{
	(void)state;
	struct theme_style s = fg_of("green|34");
	assert_style(&s, 2, 34, -1, -1, 0);
	s = fg_of("default|245");
	assert_style(&s, -1, 245, -1, -1, 0);
	s = fg_of("3|default");
	assert_style(&s, 3, -1, -1, -1, 0);
	s = fg_of("white|bright-white");
	assert_style(&s, 7, 15, -1, -1, 0);
	s = fg_of("0|16");
	assert_style(&s, 0, 16, -1, -1, 0);
	s = fg_of("red|green"); /* the sides are independent */
	assert_style(&s, 1, 2, -1, -1, 0);
	struct rd_theme t = parse_ok("selection = black|16 cyan|117\n");
	assert_style(&t.roles[ROLE_SELECTION], 0, 16, 6, 117, 0);
}

static void test_attributes(void **state)
{
	(void)state;
	struct rd_theme t = parse_ok("normal = red default bold\n"
				     "header = red default dim\n"
				     "focus = red default reverse\n"
				     "selection = red default underline\n"
				     "status = red default bold dim reverse underline\n"
				     "error = red default\n"
				     "muted = red default BOLD bold\n");
	assert_int_equal(t.roles[ROLE_NORMAL].attrs, THEME_BOLD);
	assert_int_equal(t.roles[ROLE_HEADER].attrs, THEME_DIM);
	assert_int_equal(t.roles[ROLE_FOCUS].attrs, THEME_REVERSE);
	assert_int_equal(t.roles[ROLE_SELECTION].attrs, THEME_UNDERLINE);
	assert_int_equal(t.roles[ROLE_STATUS].attrs,
			 THEME_BOLD | THEME_DIM | THEME_REVERSE | THEME_UNDERLINE);
	assert_int_equal(t.roles[ROLE_ERROR].attrs, 0); /* a role set replaces the default's */
	assert_int_equal(t.roles[ROLE_MUTED].attrs, THEME_BOLD);
}

static void test_layout(void **state)
{
	(void)state;
	/* Comments, blank lines, tabs, CRLF, a trailing comment, no spaces around '='. */
	struct rd_theme t = parse_ok("# comment\n"
				     "\n"
				     "   \t  \n"
				     "  # indented comment\n"
				     "band_a=red|196 default\r\n"
				     "\tband_b\t=\tgreen\tblue  bold  # why green\n"
				     "band_c = yellow default#no space before the comment\n"
				     "band_d = 1 2"); /* no final newline */
	assert_style(&t.roles[ROLE_BAND_A], 1, 196, -1, -1, 0);
	assert_style(&t.roles[ROLE_BAND_B], 2, 2, 4, 4, THEME_BOLD);
	assert_style(&t.roles[ROLE_BAND_C], 3, 3, -1, -1, 0);
	assert_style(&t.roles[ROLE_BAND_D], 1, 1, 2, 2, 0);
	assert_string_equal(t.name, "t");
}

static void test_partial_inherits(void **state)
{
	(void)state;
	struct rd_theme d = builtin("default");
	struct rd_theme t = parse_ok("band_a = blue|21 default\nband_e = 5 default dim\n");
	assert_style(&t.roles[ROLE_BAND_A], 4, 21, -1, -1, 0);
	assert_style(&t.roles[ROLE_BAND_E], 5, 5, -1, -1, THEME_DIM);
	for (int i = 0; i < ROLE_COUNT; i++) {
		if (i == ROLE_BAND_A || i == ROLE_BAND_E)
			continue;
		assert_int_equal(memcmp(&t.roles[i], &d.roles[i], sizeof t.roles[i]), 0);
	}
	/* An empty or comment-only theme is the default under another name. */
	struct rd_theme e = parse_ok(""), c = parse_ok("# nothing\n\n");
	assert_styles_equal(&e, &d);
	assert_styles_equal(&c, &d);
	assert_string_equal(e.name, "t");
}

/* A role's `default` colour is normal's: the dark and light themes have their background
 * under every role; a theme that only sets normal's background gets it under the roles it
 * inherits; the default theme keeps the terminal's own (issue 12, item 7). */
static void test_colours(void **state)
{
	(void)state;
	static const char *const painted[] = {"dark", "light"};
	for (size_t k = 0; k < 2; k++) {
		struct rd_theme t = builtin(painted[k]);
		for (int colors = 8; colors <= 256; colors += 248)
			for (int r = 0; r < ROLE_COUNT; r++) {
				short fg, bg;
				theme_colours(&t, (enum theme_role)r, colors, &fg, &bg);
				if (fg < 0 || bg < 0)
					fail_msg("%s: role %s on %d colours: fg %d bg %d",
						 painted[k], theme_role_names[r], colors, fg, bg);
			}
	}
	short fg, bg;
	struct rd_theme p = parse_ok("normal = white|252 black|234\n");
	theme_colours(&p, ROLE_BAND_A, 256, &fg, &bg); /* default's band_a = green|34 default */
	assert_int_equal(fg, 34);
	assert_int_equal(bg, 234);
	theme_colours(&p, ROLE_BAND_A, 8, &fg, &bg);
	assert_int_equal(fg, 2);
	assert_int_equal(bg, 0);
	theme_colours(&p, ROLE_MUTED, 8, &fg, &bg); /* muted = default|245 default */
	assert_int_equal(fg, 7);
	assert_int_equal(bg, 0);
	struct rd_theme d = builtin("default");
	theme_colours(&d, ROLE_NORMAL, 256, &fg, &bg);
	assert_int_equal(fg, THEME_DEFAULT_COLOR);
	assert_int_equal(bg, THEME_DEFAULT_COLOR);
	theme_colours(&d, ROLE_BAND_E, 256, &fg, &bg);
	assert_int_equal(fg, 160);
	assert_int_equal(bg, THEME_DEFAULT_COLOR);
	theme_colours(&d, ROLE_HEADER, 8, &fg, &bg);
	assert_int_equal(fg, 0);
	assert_int_equal(bg, 6);
}

/* ---- errors ---- */

static void expect_error(const char *text, const char *want)
{
	struct rd_theme t;
	memset(&t, 0x5a, sizeof t);
	struct rd_theme before = t;
	struct rd_err err = {{0}};
	if (theme_parse("my.theme", text, &t, &err) == 0)
		fail_msg("expected an error for: %s", text);
	if (strcmp(err.msg, want) != 0)
		fail_msg("for %s\n got: %s\nwant: %s", text, err.msg, want);
	assert_int_equal(memcmp(&t, &before, sizeof t), 0); /* untouched on error */
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("normal = red blue\n# ok\nfoo = red blue\n",
		     "my.theme:3: unknown role 'foo' (expected normal, header, focus, selection, "
		     "status, error, band_a, band_b, band_c, band_d, band_e, drift_stable, "
		     "drift_moderate, drift_significant, chart, muted)");
	expect_error("\n\nnormal = purple blue\n",
		     "my.theme:3: unknown colour 'purple' (expected default, black, red, green, "
		     "yellow, blue, magenta, cyan, white, bright-NAME, 0-255, or "
		     "8-colour|256-colour)");
	expect_error("normal = red 256\n", "my.theme:1: colour '256' out of range (0-255)");
	expect_error("x\n\n\n\n",
		     "my.theme:1: unknown role 'x' (expected normal, header, focus, "
		     "selection, status, error, band_a, band_b, band_c, band_d, band_e, "
		     "drift_stable, drift_moderate, drift_significant, chart, muted)");
	expect_error("normal = 99999999999999999999999 red\n",
		     "my.theme:1: colour '99999999999999999999999' out of range (0-255)");
	expect_error("# c\nheader = red\n",
		     "my.theme:2: role 'header' needs a background colour after 'red'");
	expect_error("header = red # blue\n",
		     "my.theme:1: role 'header' needs a background colour after 'red'");
	expect_error("header =\n",
		     "my.theme:1: role 'header' needs a foreground and a background colour");
	expect_error("header\n",
		     "my.theme:1: expected '=' after 'header' (role = FG BG [attributes])");
	expect_error("header red blue\n",
		     "my.theme:1: expected '=' after 'header' (role = FG BG [attributes])");
	expect_error("  = red blue\n", "my.theme:1: missing role name before '='");
	expect_error("chart = red blue bold blink\n", "my.theme:1: unknown attribute 'blink' "
						      "(expected bold, dim, reverse, underline)");
	expect_error("chart = red blue green\n", "my.theme:1: unknown attribute 'green' (expected "
						 "bold, dim, reverse, underline)");
	expect_error("chart = red blue\nmuted = red blue\n\nCHART = red blue\n",
		     "my.theme:4: role 'chart' is set twice (first on line 1)");
	expect_error("normal = -1 red\n",
		     "my.theme:1: unknown colour '-1' (expected default, black, "
		     "red, green, yellow, blue, magenta, cyan, white, bright-NAME, "
		     "0-255, or 8-colour|256-colour)");
	expect_error("normal = bright-8 red\n",
		     "my.theme:1: unknown colour 'bright-8' (expected default, black, red, green, "
		     "yellow, blue, magenta, cyan, white, bright-NAME, 0-255, or "
		     "8-colour|256-colour)");
	expect_error("normal = 1e3 red\n",
		     "my.theme:1: unknown colour '1e3' (expected default, black, red, green, "
		     "yellow, blue, magenta, cyan, white, bright-NAME, 0-255, or "
		     "8-colour|256-colour)");
	/* pairs */
	expect_error("normal = bright-red|196 red\n",
		     "my.theme:1: 'bright-red|196': the 8-colour side of a pair must be default, a "
		     "basic colour name or 0-7");
	expect_error("normal = 9|196 red\n",
		     "my.theme:1: '9|196': the 8-colour side of a pair must be default, a basic "
		     "colour name or 0-7");
	expect_error("normal = red| red\n", "my.theme:1: 'red|': a pair needs both sides, written "
					    "without spaces (red|196)");
	expect_error("normal = red |196 red\n", "my.theme:1: '|196': a pair needs both sides, "
						"written without spaces (red|196)");
	expect_error("normal = red|1|2 red\n",
		     "my.theme:1: 'red|1|2': a pair has one '|' (8-colour|256-colour)");
	expect_error("normal = red|purple red\n",
		     "my.theme:1: unknown colour 'purple' (expected default, black, red, green, "
		     "yellow, blue, magenta, cyan, white, bright-NAME, 0-255, or "
		     "8-colour|256-colour)");
	expect_error("normal = red|300 red\n", "my.theme:1: colour '300' out of range (0-255)");
	expect_error("normal = red red|300\n", "my.theme:1: colour '300' out of range (0-255)");
	expect_error("normal = purple|1 red\n",
		     "my.theme:1: unknown colour 'purple' (expected default, black, red, green, "
		     "yellow, blue, magenta, cyan, white, bright-NAME, 0-255, or "
		     "8-colour|256-colour)");
	/* Bad words are made safe for a status line and cut. */
	expect_error("normal = \x1b[31m red\n",
		     "my.theme:1: unknown colour '\\x1b[31m' (expected default, black, red, green, "
		     "yellow, blue, magenta, cyan, white, bright-NAME, 0-255, or "
		     "8-colour|256-colour)");
	expect_error("b\xc3\xa4nd = red blue\n",
		     "my.theme:1: unknown role 'b\\xc3\\xa4nd' (expected normal, header, focus, "
		     "selection, status, error, band_a, band_b, band_c, band_d, band_e, "
		     "drift_stable, drift_moderate, drift_significant, chart, muted)");
	expect_error("normal = red blue aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
		     "my.theme:1: unknown attribute 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' "
		     "(expected "
		     "bold, dim, reverse, underline)");
	/* The first error wins, line numbers count every line. */
	expect_error("normal = red blue\r\n\r\n\r\nheader = x y\nfoo = 1 2\n",
		     "my.theme:4: unknown colour 'x' (expected default, black, red, green, yellow, "
		     "blue, magenta, cyan, white, bright-NAME, 0-255, or 8-colour|256-colour)");
}

/* ---- finding themes ---- */

static void test_load_order(void **state)
{
	(void)state;
	struct rd_theme t, dark = builtin("dark");
	struct rd_err err = {{0}};
	const char *dir = tmp_path("share/themes");
	mkdir(tmp_path("share"), 0700);
	mkdir(dir, 0700);
	/* Nothing on disk: the built-in copy. */
	assert_int_equal(theme_load("dark", dir, &t, &err), 0);
	assert_int_equal(memcmp(&t, &dark, sizeof t), 0);
	/* The themes directory next: the whole file replaces the built-in dark, and what
	 * it does not set comes from the default theme. */
	write_text(tmp_path("share/themes/dark.theme"), "normal = red|196 default\n");
	assert_int_equal(theme_load("dark", dir, &t, &err), 0);
	assert_string_equal(t.name, "dark");
	assert_style(&t.roles[ROLE_NORMAL], 1, 196, -1, -1, 0);
	struct rd_theme d = builtin("default");
	assert_int_equal(memcmp(&t.roles[ROLE_HEADER], &d.roles[ROLE_HEADER], sizeof d.roles[0]),
			 0);
	/* The user's directory first of all. */
	write_text(tmp_path("xdg/riskdesk/themes/dark.theme"), "normal = green default\n");
	assert_int_equal(theme_load("dark", dir, &t, &err), 0);
	assert_style(&t.roles[ROLE_NORMAL], 2, 2, -1, -1, 0);
	/* Without a themes directory the user's file still wins. */
	assert_int_equal(theme_load("dark", NULL, &t, &err), 0);
	assert_style(&t.roles[ROLE_NORMAL], 2, 2, -1, -1, 0);
	/* A theme that exists only in the themes directory. */
	write_text(tmp_path("share/themes/ocean.theme"), "chart = blue|33 default\n");
	assert_int_equal(theme_load("ocean", dir, &t, &err), 0);
	assert_string_equal(t.name, "ocean");
	assert_style(&t.roles[ROLE_CHART], 4, 33, -1, -1, 0);
	assert_int_equal(theme_load("ocean", NULL, &t, &err), -1);
	assert_string_equal(err.msg, "theme 'ocean' not found (default, dark, light, mono)");
	assert_int_equal(theme_load("ocean", "", &t, &err), -1); /* "" is no directory */
	assert_string_equal(err.msg, "theme 'ocean' not found (default, dark, light, mono)");
	assert_int_equal(theme_load("Dark", NULL, &t, &err), -1); /* names are case-sensitive */
	assert_string_equal(err.msg, "theme 'Dark' not found (default, dark, light, mono)");
	/* No XDG_CONFIG_HOME: ~/.config; a relative one is ignored. */
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", tmp_path("home"), 1);
	write_text(tmp_path("home/.config/riskdesk/themes/light.theme"), "muted = 5 6\n");
	assert_int_equal(theme_load("light", NULL, &t, &err), 0);
	assert_style(&t.roles[ROLE_MUTED], 5, 5, 6, 6, 0);
	setenv("XDG_CONFIG_HOME", "relative/dir", 1);
	assert_int_equal(theme_load("light", NULL, &t, &err), 0);
	assert_style(&t.roles[ROLE_MUTED], 5, 5, 6, 6, 0);
	setenv("XDG_CONFIG_HOME", "", 1);
	assert_int_equal(theme_load("light", NULL, &t, &err), 0);
	assert_style(&t.roles[ROLE_MUTED], 5, 5, 6, 6, 0);
	/* Neither: the themes directory and the built-in copies still work. */
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	assert_int_equal(theme_load("light", NULL, &t, &err), 0);
	struct rd_theme light = builtin("light");
	assert_int_equal(memcmp(&t, &light, sizeof t), 0);
	assert_int_equal(theme_load("ocean", dir, &t, &err), 0);
}

static void test_load_errors(void **state)
{
	(void)state;
	struct rd_theme t;
	struct rd_err err = {{0}};
	char want[1024];
	/* A broken user file is reported with its path and line, not skipped. */
	char user[512];
	snprintf(user, sizeof user, "%s", tmp_path("xdg/riskdesk/themes/dark.theme"));
	write_text(user, "# mine\nnormal = red\n");
	memset(&t, 0x5a, sizeof t);
	struct rd_theme before = t;
	assert_int_equal(theme_load("dark", "themes", &t, &err), -1);
	snprintf(want, sizeof want, "%s:2: role 'normal' needs a background colour after 'red'",
		 user);
	assert_string_equal(err.msg, want);
	assert_int_equal(memcmp(&t, &before, sizeof t), 0);
	/* 64 KiB is the limit. */
	size_t big = 64 * 1024;
	char *text = malloc(big + 1);
	memset(text, '#', big);
	text[big - 1] = '\n';
	write_at(user, text, big);
	assert_int_equal(theme_load("dark", NULL, &t, &err), 0);
	text[big - 1] = '#';
	text[big] = '\n';
	write_at(user, text, big + 1);
	assert_int_equal(theme_load("dark", NULL, &t, &err), -1);
	snprintf(want, sizeof want, "%s: larger than 64 KiB, refused", user);
	assert_string_equal(err.msg, want);
	free(text);
	/* A NUL byte, a directory, a FIFO (which must not block), an unreadable file. */
	write_at(user, "normal = red\0 blue\n", 19);
	assert_int_equal(theme_load("dark", NULL, &t, &err), -1);
	snprintf(want, sizeof want, "%s: contains a NUL byte (not a text file)", user);
	assert_string_equal(err.msg, want);
	remove(user);
	assert_int_equal(mkdir(user, 0700), 0);
	assert_int_equal(theme_load("dark", NULL, &t, &err), -1);
	snprintf(want, sizeof want, "%s: a directory, not a regular file", user);
	assert_string_equal(err.msg, want);
	rmdir(user);
	assert_int_equal(mkfifo(user, 0600), 0);
	assert_int_equal(theme_load("dark", NULL, &t, &err), -1);
	snprintf(want, sizeof want, "%s: a FIFO (named pipe), not a regular file", user);
	assert_string_equal(err.msg, want);
	remove(user);
	if (geteuid() != 0) { /* root reads anything */
		write_text(user, "normal = red blue\n");
		chmod(user, 0);
		assert_int_equal(theme_load("dark", NULL, &t, &err), -1);
		snprintf(want, sizeof want, "%s: %s", user, strerror(EACCES));
		assert_string_equal(err.msg, want);
		remove(user);
	}
	/* An empty file is a theme with nothing set: the default's styles. */
	write_text(user, "");
	assert_int_equal(theme_load("dark", NULL, &t, &err), 0);
	struct rd_theme d = builtin("default");
	assert_styles_equal(&t, &d);
	assert_string_equal(t.name, "dark");
	/* The config home being a file is the same as it being absent. */
	setenv("XDG_CONFIG_HOME", tmp_path("plainfile"), 1);
	write_text(tmp_path("plainfile"), "x");
	assert_int_equal(theme_load("mono", NULL, &t, &err), 0);
}

static void expect_bad_name(const char *name, const char *want)
{
	struct rd_theme t;
	struct rd_err err = {{0}};
	assert_int_equal(theme_load(name, "themes", &t, &err), -1);
	if (strcmp(err.msg, want) != 0)
		fail_msg("name %s\n got: %s\nwant: %s", name ? name : "(null)", err.msg, want);
}

static void test_bad_names(void **state)
{
	(void)state;
	/* A real file where "../x" would lead, so a path would be found if allowed. */
	write_text(tmp_path("xdg/riskdesk/x.theme"), "normal = red blue\n");
	expect_bad_name("../x",
			"theme name '../x' is not valid (letters, digits, '-' and '_' only)");
	expect_bad_name("a b", "theme name 'a b' is not valid (letters, digits, '-' and '_' only)");
	expect_bad_name("", "theme name is empty");
	expect_bad_name(NULL, "theme name is empty");
	expect_bad_name("/etc/passwd", "theme name '/etc/passwd' is not valid (letters, digits, "
				       "'-' and '_' only)");
	expect_bad_name("dark.theme",
			"theme name 'dark.theme' is not valid (letters, digits, '-' and '_' only)");
	expect_bad_name(".", "theme name '.' is not valid (letters, digits, '-' and '_' only)");
	expect_bad_name("x\x1b]0;t\a",
			"theme name 'x?]0;t?' is not valid (letters, digits, '-' and '_' only)");
	char longname[80];
	memset(longname, 'a', 64);
	longname[64] = '\0';
	expect_bad_name(longname,
			"theme name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			"…' (64 bytes) is too long (63 bytes at most)");
	/* The longest and the oddest good names are looked up (and not found). */
	longname[63] = '\0';
	char want[160];
	snprintf(want, sizeof want, "theme '%s' not found (default, dark, light, mono)", longname);
	expect_bad_name(longname, want);
	expect_bad_name("My_theme-2", "theme 'My_theme-2' not found (default, dark, light, mono)");
}

/* ---- the config file ---- */

static void test_config(void **state)
{
	(void)state;
	struct rd_config c;
	struct rd_err err = {{0}};
	/* Missing file, missing directory. */
	memset(&c, 'x', sizeof c);
	assert_int_equal(config_load(&c, &err), 0);
	assert_string_equal(c.theme, "");
	const char *path = tmp_path("xdg/riskdesk/config");
	write_text(path, "theme = dark\n");
	assert_int_equal(config_load(&c, &err), 0);
	assert_string_equal(c.theme, "dark");
	write_text(path, "# my settings\n\n  theme=light   # for daytime\r\n");
	assert_int_equal(config_load(&c, &err), 0);
	assert_string_equal(c.theme, "light");
	write_text(path, "theme = dark\ntheme = mono"); /* the last one wins */
	assert_int_equal(config_load(&c, &err), 0);
	assert_string_equal(c.theme, "mono");
	write_text(path, "");
	assert_int_equal(config_load(&c, &err), 0);
	assert_string_equal(c.theme, "");
	/* ~/.config without XDG_CONFIG_HOME; nothing at all without HOME either. */
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", tmp_path("home"), 1);
	write_text(tmp_path("home/.config/riskdesk/config"), "theme = light\n");
	assert_int_equal(config_load(&c, &err), 0);
	assert_string_equal(c.theme, "light");
	unsetenv("HOME");
	assert_int_equal(config_load(&c, &err), 0);
	assert_string_equal(c.theme, "");
}

static void expect_config_error(const char *text, const char *theme, const char *want_tail)
{
	const char *path = tmp_path("xdg/riskdesk/config");
	write_text(path, text);
	struct rd_config c;
	struct rd_err err = {{0}};
	assert_int_equal(config_load(&c, &err), -1);
	char want[1024];
	snprintf(want, sizeof want, "%s:%s", path, want_tail);
	if (strcmp(err.msg, want) != 0)
		fail_msg("for %s\n got: %s\nwant: %s", text, err.msg, want);
	assert_string_equal(c.theme, theme); /* the good lines still apply */
}

static void test_config_errors(void **state)
{
	(void)state;
	expect_config_error("# c\n\nnonsense\n", "", "3: expected 'key = value', found 'nonsense'");
	expect_config_error("theme = dark\ncolour = red\n", "dark",
			    "2: unknown key 'colour' (expected theme)");
	expect_config_error("colour = red\ntheme = dark\n", "dark",
			    "1: unknown key 'colour' (expected theme)");
	expect_config_error("Theme = dark\n", "", "1: unknown key 'Theme' (expected theme)");
	expect_config_error("the theme = dark\n", "",
			    "1: unknown key 'the theme' (expected theme)");
	expect_config_error(" = dark\n", "", "1: missing key before '='");
	expect_config_error("theme =   \n", "", "1: 'theme' needs a value (a theme name)");
	expect_config_error("theme = ../x\n", "",
			    "1: theme name '../x' is not valid (letters, digits, '-' and '_' "
			    "only)");
	expect_config_error("theme = my theme\n", "",
			    "1: theme name 'my theme' is not valid (letters, digits, '-' and '_' "
			    "only)");
	expect_config_error("a\ntheme = light\nb = 1\nc\n", "light",
			    "1: expected 'key = value', found 'a' (and 2 more bad lines)");
	expect_config_error("a\nb\n", "",
			    "1: expected 'key = value', found 'a' (and 1 more bad line)");
	expect_config_error("\x1b[2J\n", "", "1: expected 'key = value', found '\\x1b[2J'");
	/* Unreadable in other ways. */
	char path[512];
	snprintf(path, sizeof path, "%s", tmp_path("xdg/riskdesk/config"));
	char *big = malloc(70000);
	memset(big, '#', 70000);
	write_at(path, big, 70000);
	free(big);
	struct rd_config c;
	struct rd_err err = {{0}};
	assert_int_equal(config_load(&c, &err), -1);
	char want[1024];
	snprintf(want, sizeof want, "%s: larger than 64 KiB, refused", path);
	assert_string_equal(err.msg, want);
	assert_string_equal(c.theme, "");
	remove(path);
	mkdir(path, 0700);
	assert_int_equal(config_load(&c, &err), -1);
	snprintf(want, sizeof want, "%s: a directory, not a regular file", path);
	assert_string_equal(err.msg, want);
	rmdir(path);
}

static int teardown_all(void **state)
{
	(void)state;
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static int setup_all(void **state)
{
	(void)state;
	snprintf(root, sizeof root, "/tmp/riskdesk-theme-%d", (int)getpid());
	return 0;
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_role_names),
		T(test_builtins_parse),
		T(test_files_match_embedded),
		T(test_mono),
		T(test_colour_names),
		T(test_colour_numbers),
		T(test_colour_pairs),
		T(test_attributes),
		T(test_layout),
		T(test_partial_inherits),
		T(test_errors),
		T(test_load_order),
		T(test_load_errors),
		T(test_bad_names),
		T(test_config),
		T(test_config_errors),
		T(test_colours),
	};
#undef T
	return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
