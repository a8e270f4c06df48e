/* Prints a generated section of docs/riskdesk.1 (troff). COMMANDS, from the command
 * table: every command's usage, summary, help paragraph, flags and options, in the table's
 * order, so that the man page says what `help NAME` says and cannot drift from it. KEYS,
 * from the console's key table (rd_key_bindings), as `help keys` lists it, a subsection per
 * pane. `make man` splices the output into the page; `make check-man` fails when the page
 * differs.
 * usage: mancmds commands|keys > section.roff */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "riskdesk/command.h"

#define WIDTH 80 /* output lines are filled to this many bytes where they can be */

/* One output line being filled word by word. */
static char line[4096];
static size_t line_len;
static int line_fill = 1; /* 0 while writing a .TP tag, which must stay on one line */

static void line_flush(void)
{
	if (line_len == 0)
		return;
	/* A text line must not start with a control character. */
	if (line[0] == '.' || line[0] == '\'')
		fputs("\\&", stdout);
	fwrite(line, 1, line_len, stdout);
	putchar('\n');
	line_len = 0;
}

static void line_word(const char *w, size_t n)
{
	if (line_fill && line_len > 0 && line_len + 1 + n > WIDTH)
		line_flush();
	if (line_len + 1 + n >= sizeof line) { /* a word longer than a line: alone */
		line_flush();
		fwrite(w, 1, n, stdout);
		putchar('\n');
		return;
	}
	if (line_len > 0)
		line[line_len++] = ' ';
	memcpy(line + line_len, w, n);
	line_len += n;
}

/* The troff names of the non-ASCII characters the table uses; others pass through as
 * UTF-8 (man's preconv reads them). */
static const struct {
	const char *utf8, *troff;
} glyphs[] = {
	{"\xc3\x97", "\\(mu"},     /* × */
	{"\xe2\x80\x93", "\\(en"}, /* – */
	{"\xe2\x80\x94", "\\(em"}, /* — */
	{"\xe2\x89\xa5", "\\(>="}, /* ≥ */
	{"\xe2\x89\xa4", "\\(<="}, /* ≤ */
	{"\xc2\xb1", "\\(+-"},     /* ± */
	{"\xe2\x86\x92", "\\(->"}, /* → */
	{"\xe2\x88\x9a", "\\(sr"}, /* √ */
};

/* Appends one word of text to out, escaped: backslashes, the glyphs above, and the
 * dashes of an option or a negative number as \- (a word whose first character after
 * any opening bracket or quote is '-'); other dashes are hyphens. */
static size_t escape_word(char *out, size_t cap, const char *w, size_t n)
{
	size_t o = 0, lead = 0;
	while (lead < n && strchr("([{'\"|", w[lead]))
		lead++;
	int option = lead < n && w[lead] == '-';
	for (size_t i = 0; i < n && o + 8 < cap; i++) {
		size_t g;
		for (g = 0; g < sizeof glyphs / sizeof glyphs[0]; g++) {
			size_t gl = strlen(glyphs[g].utf8);
			if (i + gl <= n && memcmp(w + i, glyphs[g].utf8, gl) == 0) {
				o += (size_t)snprintf(out + o, cap - o, "%s", glyphs[g].troff);
				i += gl - 1;
				break;
			}
		}
		if (g < sizeof glyphs / sizeof glyphs[0])
			continue;
		if (w[i] == '\\')
			o += (size_t)snprintf(out + o, cap - o, "\\e");
		else if (w[i] == '-' && option)
			o += (size_t)snprintf(out + o, cap - o, "\\-");
		else
			out[o++] = w[i];
	}
	out[o] = '\0';
	return o;
}

/* A placeholder in a usage: a run of capitals, digits and '_' (DIR, YYYY-MM, F), with
 * a file name's extension (MAPPING.json), that starts with a capital and is not inside
 * a lower-case word. */
static size_t placeholder(const char *s, size_t i, size_t n)
{
	/* The program never calls setlocale: the ctype functions see ASCII only. */
	if (i >= n || !isupper((unsigned char)s[i]))
		return 0;
	if (i > 0 && (islower((unsigned char)s[i - 1]) || s[i - 1] == '-'))
		return 0;
	size_t j = i;
	for (; j < n; j++) {
		unsigned char ch = (unsigned char)s[j];
		int dash = ch == '-' && j + 1 < n && isupper((unsigned char)s[j + 1]);
		if (!isupper(ch) && !isdigit(ch) && ch != '_' && !dash)
			break;
	}
	if (j < n && islower((unsigned char)s[j]))
		return 0;
	if (j + 1 < n && s[j] == '.' && islower((unsigned char)s[j + 1]))
		while (++j < n && islower((unsigned char)s[j]))
			;
	return j - i;
}

/* Text as filled paragraph lines: words separated by blanks (a newline is one too),
 * each escaped; in a usage (usage != 0) placeholders are italic. */
static void text(const char *s, int usage)
{
	size_t n = strlen(s), i = 0;
	while (i < n) {
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		size_t j = i;
		while (j < n && !isspace((unsigned char)s[j]))
			j++;
		if (j == i)
			break;
		char out[2048];
		size_t o = 0;
		if (!usage) {
			o = escape_word(out, sizeof out, s + i, j - i);
		} else {
			/* Escape the word's pieces around its placeholders. */
			size_t k = i, from = i;
			while (k < j) {
				size_t p = placeholder(s, k, j);
				if (p == 0) {
					k++;
					continue;
				}
				o += escape_word(out + o, sizeof out - o, s + from, k - from);
				o += (size_t)snprintf(out + o, sizeof out - o, "\\fI");
				o += escape_word(out + o, sizeof out - o, s + k, p);
				o += (size_t)snprintf(out + o, sizeof out - o, "\\fR");
				k += p;
				from = k;
			}
			o += escape_word(out + o, sizeof out - o, s + from, j - from);
		}
		line_word(out, o);
		i = j;
	}
}

/* "load a dataset…" -> "Load a dataset…." as one sentence. */
static void sentence(const char *s)
{
	char b[1024];
	snprintf(b, sizeof b, "%s", s);
	if (b[0] >= 'a' && b[0] <= 'z')
		b[0] = (char)(b[0] - 'a' + 'A');
	size_t n = strlen(b);
	if (n > 0 && b[n - 1] != '.' && n + 1 < sizeof b) {
		b[n] = '.';
		b[n + 1] = '\0';
	}
	text(b, 0);
}

static void command(const struct rd_cmd *c)
{
	puts(".TP");
	char head[1024];
	snprintf(head, sizeof head, "\\fB%s\\fR", c->name);
	line_fill = 0;
	line_word(head, strlen(head));
	text(c->usage, 1);
	line_flush();
	line_fill = 1;
	sentence(c->summary);
	if (c->help)
		text(c->help, 0);
	if (c->alias) {
		snprintf(head, sizeof head, "\\fB%s\\fR.", c->alias);
		text("Alias:", 0);
		line_word(head, strlen(head));
	}
	if (c->flags & CMD_WRITES) {
		text("Writes to the database: audited, refused with --read-only.", 0);
	} else if (c->writing_subcommands) {
		for (const char *const *w = c->writing_subcommands; *w; w++) {
			snprintf(head, sizeof head, "\\fB%s %s\\fR%s", c->name, *w,
				 w[1] ? (w[2] ? "," : " and") : "");
			line_word(head, strlen(head));
		}
		text(c->writing_subcommands[1] ? "write" : "writes", 0);
		text("to the database: audited, refused with --read-only.", 0);
	} else if (c->flags & CMD_AUDITED) {
		text("Audited.", 0);
	}
	if (c->flags & CMD_LONG)
		text("Long: shows progress; Ctrl-C cancels.", 0);
	if (c->flags & CMD_CONSOLE)
		text("Acts on the console; harmless in batch mode.", 0);
	line_flush();
	if (!c->opts || !c->opts[0].name)
		return;
	puts(".RS");
	for (const struct rd_opt *o = c->opts; o->name; o++) {
		char name[256], out[512];
		snprintf(name, sizeof name, "--%s", o->name);
		escape_word(out, sizeof out, name, strlen(name));
		snprintf(head, sizeof head, "\\fB%s\\fR", out);
		puts(".TP");
		line_fill = 0;
		line_word(head, strlen(head));
		if (o->arg)
			text(o->arg, 1);
		line_flush();
		line_fill = 1;
		text(o->help, 0);
		line_flush();
	}
	puts(".RE");
}

/* The key table: the keys acting everywhere, then each pane's and the help's, each
 * binding's keys as the tag and its note, with its command line after a dash. */
static void keys(void)
{
	const char *scope = "";
	for (const struct rd_key_binding *b = rd_key_bindings; b->keys; b++) {
		const char *pane = b->pane ? b->pane : "everywhere";
		if (strcmp(pane, scope) != 0) {
			scope = pane;
			printf(".SS %c%s\n", toupper((unsigned char)pane[0]), pane + 1);
		}
		printf(".TP\n.B %s\n%s%s", b->keys, b->note[0] == '.' ? "\\&" : "", b->note);
		if (b->command) {
			fputs(" \\(em \\fB", stdout);
			for (const char *ch = b->command; *ch; ch++)
				fputs(*ch == '-'    ? "\\-"
				      : *ch == '\\' ? "\\e"
						    : (char[]){*ch, 0},
				      stdout);
			fputs("\\fR", stdout);
		}
		putchar('\n');
	}
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "keys") == 0) {
		keys();
	} else if (argc == 2 && strcmp(argv[1], "commands") == 0) {
		for (const struct rd_cmd *const *c = rd_commands; *c; c++)
			command(*c);
	} else {
		fputs("usage: mancmds commands|keys\n", stderr);
		return 2;
	}
	return 0;
}
