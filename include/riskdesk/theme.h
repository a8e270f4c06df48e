/* Console themes as data: each semantic role (band A..E, drift status, focus,
 * selection, error, ...) maps to colours for 8- and 256-colour terminals and
 * attributes. Parsing lives in the core (testable, fuzzed); the console maps the
 * result onto curses colour pairs. */
#ifndef RISKDESK_THEME_H
#define RISKDESK_THEME_H

#include "riskdesk/util.h"

enum theme_role {
	ROLE_NORMAL,
	ROLE_HEADER,
	ROLE_FOCUS,
	ROLE_SELECTION,
	ROLE_STATUS,
	ROLE_ERROR,
	ROLE_BAND_A,
	ROLE_BAND_B,
	ROLE_BAND_C,
	ROLE_BAND_D,
	ROLE_BAND_E,
	ROLE_DRIFT_STABLE,
	ROLE_DRIFT_MODERATE,
	ROLE_DRIFT_SIGNIFICANT,
	ROLE_CHART,
	ROLE_MUTED,
	ROLE_COUNT
};

extern const char *const theme_role_names[ROLE_COUNT]; /* "normal", "header", ... "band_a" */

enum theme_attr {
	THEME_BOLD = 1 << 0,
	THEME_DIM = 1 << 1,
	THEME_REVERSE = 1 << 2,
	THEME_UNDERLINE = 1 << 3,
};

#define THEME_DEFAULT_COLOR (-1) /* the terminal's own foreground or background */

struct theme_style {
	short fg8, bg8;     /* 0-7 or THEME_DEFAULT_COLOR, for 8-colour terminals */
	short fg256, bg256; /* 0-255 or THEME_DEFAULT_COLOR */
	unsigned attrs;     /* enum theme_attr bits */
};

struct rd_theme {
	char name[64];
	struct theme_style roles[ROLE_COUNT];
};

/* Parses theme text (format in themes/default.theme). Roles not named keep the
 * built-in default's style. 0, or -1 with err "NAME:LINE: ...". */
int theme_parse(const char *name, const char *text, struct rd_theme *out, struct rd_err *err);
/* Loads theme NAME from the first of: $XDG_CONFIG_HOME/riskdesk/themes/NAME.theme,
 * the `themes_dir` given (the source tree's or the installed themes/), the built-in
 * themes compiled in. NAME is letters, digits, '-' and '_' only. 0 or -1 with err. */
int theme_load(const char *name, const char *themes_dir, struct rd_theme *out, struct rd_err *err);
/* A theme name: 1-63 letters, digits, '-' and '_' (so never a path). 0 or -1 with err. */
int theme_name_check(const char *name, size_t n, struct rd_err *err);
/* The built-in mono theme (also what NO_COLOR selects). */
void theme_mono(struct rd_theme *out);
/* The colours role is drawn in on a terminal of `colors` colours (8, or 256 and more):
 * a `default` colour of any role but normal is normal's, so a theme that sets its own
 * background (dark, light) has it under every role and every cell; normal's `default`
 * is the terminal's own (THEME_DEFAULT_COLOR), as in the default theme. */
void theme_colours(const struct rd_theme *t, enum theme_role role, int colors, short *fg,
		   short *bg);

/* The console configuration: $XDG_CONFIG_HOME/riskdesk/config (else ~/.config/...),
 * lines "key = value", '#' comments. Unknown keys are reported, not fatal. */
struct rd_config {
	char theme[64]; /* "" when not set */
};

/* Reads the config file if it exists (a missing file is not an error). 0 or -1 with
 * err "FILE:LINE: ...". */
int config_load(struct rd_config *out, struct rd_err *err);

#endif
