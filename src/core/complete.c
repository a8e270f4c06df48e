/* Tab completion at the prompt (complete.h). The word under the cursor is found the way
 * cmd_split reads the line (blanks, quotes, backslashes). What it may be comes from the
 * command table: command names, options, and the declared type of the option's value or
 * of the positional there (command.h: struct rd_values), whose values come from the
 * table's words, vocab.h, the store (customer ids, model names, features, attributes, each
 * through an index range) and the file system. No command is named here. */
#include "riskdesk/complete.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "riskdesk/command.h"
#include "riskdesk/expr.h"
#include "riskdesk/features.h"
#include "riskdesk/vocab.h"

/* The candidates gathered for one word, before quoting. */
struct cands {
	char **v;           /* values matching `word`, unquoted; owned */
	int n;              /* used entries of v */
	int cap;            /* allocated entries of v */
	const char *word;   /* what was typed of the value, unquoted */
	size_t len;         /* bytes of word */
	int max;            /* the caller's cap, so the store is not asked for more */
	struct rd_buf lead; /* typed text kept before each candidate ("--map=", "band=", "a,") */
};

/* The line around the word: what a type may depend on (RD_ARG_FEATURE reads --model). */
struct line {
	struct rd_store *st;      /* may be NULL */
	const struct rd_cmd *cmd; /* NULL for an unknown command */
	char **argv;              /* the words before the one completed */
	int argc;
	char **pos; /* its positionals (after the name, options left out) */
	int k;      /* how many; the word completed is positional k */
};

static void cands_add(struct cands *c, const char *s, size_t len)
{
	if (len < c->len || memcmp(s, c->word, c->len) != 0)
		return;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->v = rd_realloc(c->v, (size_t)c->cap * sizeof *c->v);
	}
	c->v[c->n++] = rd_strndup(s, len);
}

static void cands_str(struct cands *c, const char *s)
{
	cands_add(c, s, strlen(s));
}

/* NULL-terminated, or n of them when n > 0. */
static void cands_words(struct cands *c, const char *const *words, int n)
{
	for (int i = 0; words && (n > 0 ? i < n : words[i] != NULL); i++)
		cands_str(c, words[i]);
}

static void cands_vocab(struct cands *c, const struct vocab *v)
{
	for (int i = 0; v && i < v->n; i++)
		cands_str(c, v->words[i].name);
}

static void cands_commands(struct cands *c)
{
	for (const struct rd_cmd *const *cmd = rd_commands; *cmd; cmd++) {
		cands_str(c, (*cmd)->name);
		if ((*cmd)->alias)
			cands_str(c, (*cmd)->alias);
	}
}

/* Moves the start of the value to just after `at` bytes of it: what comes before stays as
 * typed (the lead). */
static void cands_skip(struct cands *c, size_t at)
{
	buf_append(&c->lead, c->word, at);
	c->word += at;
	c->len -= at;
}

/* Adds the first values of the one-column query over the prefix range ?1..?2 (the end is
 * an empty blob, after every text, when the prefix has none), as many as leave room under
 * the cap for the words already there ("all" beside the ids of `recompute`). ?4 and ?5,
 * when the query has them, are name (text or NULL) and version (NULL when 0). */
static void cands_query(struct cands *c, struct rd_store *st, const char *sql, const char *name,
			int64_t version)
{
	sqlite3_stmt *s = NULL;
	char *end = prefix_successor(c->word, c->len);
	if (!st || sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(s, 1, c->word, (int)c->len, SQLITE_STATIC);
	if (end)
		sqlite3_bind_text(s, 2, end, -1, SQLITE_STATIC);
	else
		sqlite3_bind_zeroblob(s, 2, 0);
	sqlite3_bind_int(s, 3, c->max > c->n ? c->max - c->n : 0); /* the words before stay */
	if (sqlite3_bind_parameter_count(s) >= 5) {
		if (name)
			sqlite3_bind_text(s, 4, name, -1, SQLITE_STATIC);
		if (version > 0)
			sqlite3_bind_int64(s, 5, version);
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(s, 0);
		if (v)
			cands_add(c, v, (size_t)sqlite3_column_bytes(s, 0));
	}
out:
	sqlite3_finalize(s);
	free(end);
}

static void cands_ids(struct cands *c, struct rd_store *st)
{
	cands_query(c, st,
		    "SELECT id FROM customers WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT ?3",
		    NULL, 0);
}

static void cands_models(struct cands *c, struct rd_store *st)
{
	cands_query(c, st,
		    "SELECT DISTINCT name FROM models WHERE name >= ?1 AND name < ?2"
		    " ORDER BY name LIMIT ?3",
		    NULL, 0);
}

/* plain: only names an expression takes unquoted (docs/where.md: a word). */
static void cands_attributes(struct cands *c, struct rd_store *st, int plain)
{
	int from = c->n;
	cands_query(c, st,
		    "SELECT name FROM attributes WHERE name >= ?1 AND name < ?2"
		    " ORDER BY name LIMIT ?3",
		    NULL, 0);
	for (int i = from; plain && i < c->n; i++)
		if (strpbrk(c->v[i], " \t'\"=<>~!(),&|")) {
			free(c->v[i]);
			c->v[i--] = c->v[--c->n];
		}
}

/* The features in the references of the model named by --model (NAME or NAME@VERSION: all
 * its versions, or that one), else of the champions: what `drift --feature` takes. */
static void cands_model_features(struct cands *c, const struct line *l)
{
	const char *model = NULL;
	for (int i = 1; i < l->argc; i++) {
		if (strncmp(l->argv[i], "--model=", 8) == 0)
			model = l->argv[i] + 8;
		else if (strcmp(l->argv[i], "--model") == 0 && i + 1 < l->argc)
			model = l->argv[++i];
	}
	char *name = model ? rd_strdup(model) : NULL, *at = name ? strchr(name, '@') : NULL;
	int64_t version = 0;
	if (at) {
		*at = '\0';
		version = strtoll(at + 1, NULL, 10);
	}
	cands_query(c, l->st,
		    "SELECT DISTINCT f FROM (SELECT json_extract(j.value, '$.name') AS f"
		    " FROM models m, json_each(CASE WHEN json_valid(m.reference)"
		    " THEN m.reference ELSE '{}' END, '$.features') j"
		    " WHERE CASE WHEN ?4 IS NULL THEN m.status = 'champion'"
		    " ELSE m.name = ?4 AND (?5 IS NULL OR m.version = ?5) END)"
		    " WHERE f >= ?1 AND f < ?2 ORDER BY f LIMIT ?3",
		    name, version);
	free(name);
}

static void cands_features(struct cands *c)
{
	cands_words(c, feature_names, FEAT_COUNT);
}

/* Entries of the directory part of the word whose names start with the rest of it;
 * directories get a '/'. "~/" is looked up in $HOME but stays as typed. */
static void cands_paths(struct cands *c, int dirs_only)
{
	const char *slash = strrchr(c->word, '/');
	size_t dirlen = slash ? (size_t)(slash - c->word) + 1 : 0;
	const char *base = c->word + dirlen;
	struct rd_buf dir = {0}, path = {0}, cand = {0};
	DIR *d = NULL;
	if (strcmp(c->word, "~") == 0) {
		cands_add(c, "~/", 2);
		goto out;
	}
	if (dirlen == 0) {
		buf_puts(&dir, ".");
	} else if (strncmp(c->word, "~/", 2) == 0) {
		const char *home = getenv("HOME");
		buf_puts(&dir, home && *home ? home : "/");
		buf_append(&dir, c->word + 1, dirlen - 1);
	} else {
		buf_append(&dir, c->word, dirlen);
	}
	d = opendir(dir.data);
	if (!d)
		goto out;
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *name = e->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		if (name[0] == '.' && base[0] != '.')
			continue; /* hidden unless asked for */
		if (strncmp(name, base, strlen(base)) != 0)
			continue;
		int is_dir = 0;
#ifdef DT_DIR
		is_dir = e->d_type == DT_DIR;
		if (e->d_type == DT_UNKNOWN || e->d_type == DT_LNK)
#endif
		{
			struct stat sb;
			buf_reset(&path);
			buf_printf(&path, "%s/%s", dir.data, name);
			is_dir = stat(path.data, &sb) == 0 && S_ISDIR(sb.st_mode);
		}
		if (dirs_only && !is_dir)
			continue;
		buf_reset(&cand);
		buf_append(&cand, c->word, dirlen);
		buf_puts(&cand, name);
		if (is_dir)
			buf_putc(&cand, '/');
		cands_add(c, cand.data, cand.len);
	}
out:
	if (d)
		closedir(d);
	buf_free(&dir);
	buf_free(&path);
	buf_free(&cand);
}

/* ---- `where` expressions (docs/where.md), read far enough to know what comes next ---- */

enum ex_state {
	EX_FIELD,       /* a field's name (the start, after and, or, not, '(') */
	EX_AFTER_FIELD, /* an operator, in, not in, is */
	EX_VALUE,       /* a value, after an operator */
	EX_AFTER_VALUE, /* and, or, ')', or the end */
	EX_NOT,         /* "in", after "field not" */
	EX_IN,          /* '(' after in */
	EX_IN_VALUE,    /* a value of the list */
	EX_IN_AFTER,    /* ',' or ')' */
	EX_IS,          /* not, null */
};

struct ex {
	enum ex_state state;
	char field[64]; /* the latest field's name */
};

static int word_is(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && strncasecmp(s, w, len) == 0;
}

/* The length of the operator or punctuation at s, or 0 when a word starts there. */
static size_t ex_symbol(const char *s)
{
	static const char *const two[] = {"==", "!=", "<>", "<=", ">=", "!~", "&&", "||"};
	for (size_t i = 0; i < sizeof two / sizeof *two; i++)
		if (strncmp(s, two[i], 2) == 0)
			return 2;
	return strchr("=<>~!(),", *s) && *s ? 1 : 0;
}

/* One token: a word (quoted: a string, never a keyword) or a symbol. */
static void ex_feed(struct ex *e, const char *t, size_t len, int quoted)
{
	int sym = !quoted && ex_symbol(t) == len;
	if (!quoted && !sym && (word_is(t, len, "and") || word_is(t, len, "or"))) {
		if (e->state == EX_AFTER_VALUE)
			e->state = EX_FIELD;
	} else if (!quoted && (word_is(t, len, "&&") || word_is(t, len, "||"))) {
		e->state = EX_FIELD;
	} else if (!quoted && (word_is(t, len, "not") || word_is(t, len, "!"))) {
		if (e->state == EX_AFTER_FIELD)
			e->state = EX_NOT;
		else if (e->state != EX_IS)
			e->state = EX_FIELD;
	} else if (!quoted && word_is(t, len, "in") &&
		   (e->state == EX_AFTER_FIELD || e->state == EX_NOT)) {
		e->state = EX_IN;
	} else if (!quoted && word_is(t, len, "is") && e->state == EX_AFTER_FIELD) {
		e->state = EX_IS;
	} else if (!quoted && word_is(t, len, "null") && e->state == EX_IS) {
		e->state = EX_AFTER_VALUE;
	} else if (sym && *t == '(') {
		e->state = e->state == EX_IN ? EX_IN_VALUE : EX_FIELD;
	} else if (sym && *t == ')') {
		e->state = EX_AFTER_VALUE;
	} else if (sym && *t == ',') {
		e->state = EX_IN_VALUE;
	} else if (sym) {
		if (e->state == EX_AFTER_FIELD)
			e->state = EX_VALUE;
	} else if (e->state == EX_FIELD) {
		snprintf(e->field, sizeof e->field, "%.*s", (int)len, t);
		e->state = EX_AFTER_FIELD;
	} else if (e->state == EX_VALUE) {
		e->state = EX_AFTER_VALUE;
	} else if (e->state == EX_IN_VALUE) {
		e->state = EX_IN_AFTER;
	}
}

/* Feeds the tokens of one word of the line; returns where its last word token starts
 * (its length then in *last), or strlen(w) when it ends with a symbol. Without feeding that
 * last token when keep_last. */
static size_t ex_word(struct ex *e, const char *w, int keep_last, size_t *last)
{
	size_t n = strlen(w), i = 0, at = n;
	*last = 0;
	if (strpbrk(w, " \t")) { /* it was quoted: one string */
		if (!keep_last)
			ex_feed(e, w, n, 1);
		*last = keep_last ? n : 0;
		return keep_last ? 0 : n;
	}
	while (i < n) {
		size_t len = ex_symbol(w + i);
		int word = len == 0;
		if (word)
			while (i + len < n && !ex_symbol(w + i + len))
				len++;
		if (word && i + len == n && keep_last) {
			at = i;
			*last = len;
			break;
		}
		ex_feed(e, w + i, len, 0);
		i += len;
	}
	return at;
}

/* Candidates in an expression whose words are pos[from..k), then the word being typed.
 * Returns 1 when the expression may end there (a clause's keyword may come next). */
static int cands_expr(struct cands *c, const struct line *l, int from)
{
	struct ex e = {EX_FIELD, ""};
	size_t last;
	for (int i = from; i < l->k; i++)
		ex_word(&e, l->pos[i], 0, &last);
	char *w = rd_strndup(c->word, c->len);
	size_t at = ex_word(&e, w, 1, &last);
	free(w);
	cands_skip(c, at);
	switch (e.state) {
	case EX_FIELD:
		for (int i = 0, personal; expr_field_name(i, &personal); i++)
			if (!personal)
				cands_str(c, expr_field_name(i, NULL));
		cands_features(c);
		cands_attributes(c, l->st, 1);
		break;
	case EX_VALUE:
	case EX_IN_VALUE: cands_vocab(c, expr_field_values(e.field, strlen(e.field))); break;
	case EX_AFTER_VALUE:
		cands_str(c, "and");
		cands_str(c, "or");
		break;
	case EX_NOT: cands_str(c, "in"); break;
	case EX_IS:
		cands_str(c, "not");
		cands_str(c, "null");
		break;
	default: break;
	}
	return e.state == EX_AFTER_VALUE && c->lead.len == 0;
}

/* The values of an argument (its list's last item when v->sep); an expression starts at
 * positional `from`. Returns 1 when what follows may be another clause. */
static int cands_values(struct cands *c, const struct line *l, const struct rd_values *v, int from)
{
	if (v->sep) {
		const char *p = memchr(c->word, v->sep, c->len), *lastsep = NULL;
		for (; p; p = memchr(p + 1, v->sep, c->len - (size_t)(p + 1 - c->word)))
			lastsep = p;
		if (lastsep)
			cands_skip(c, (size_t)(lastsep - c->word) + 1);
	}
	cands_words(c, v->words, v->nwords);
	cands_vocab(c, v->vocab);
	switch (v->type) {
	case RD_ARG_FILE: cands_paths(c, 0); break;
	case RD_ARG_DIR: cands_paths(c, 1); break;
	case RD_ARG_MODEL: cands_models(c, l->st); break;
	case RD_ARG_FEATURE: cands_model_features(c, l); break;
	case RD_ARG_COLUMN:
		cands_features(c);
		cands_attributes(c, l->st, 0);
		cands_words(c, (const char *const[]){KIND_INPUT}, 1);
		break;
	case RD_ARG_CUSTOMER: cands_ids(c, l->st); break;
	case RD_ARG_ATTRIBUTE: cands_attributes(c, l->st, 0); break;
	case RD_ARG_COMMAND: cands_commands(c); break;
	case RD_ARG_EXPR: return cands_expr(c, l, from);
	case RD_ARG_NONE:
	case RD_ARG_WORD: break;
	}
	return 1;
}

/* 1 when w is one of the blank-separated words of list. */
static int in_list(const char *list, const char *w)
{
	size_t n = strlen(w);
	for (const char *p = list; *p; p += strspn(p, " ")) {
		size_t len = strcspn(p, " ");
		if (len == n && strncmp(p, w, n) == 0)
			return 1;
		p += len;
	}
	return 0;
}

static const struct rd_arg *clause_key(const struct rd_arg *args, const char *w)
{
	for (const struct rd_arg *a = args; a && a->at >= 0; a++)
		if (a->key && strcasecmp(a->key, w) == 0)
			return a;
	return NULL;
}

/* Positional k, by the command's declared arguments. */
static void cands_positional(struct cands *c, const struct line *l)
{
	const struct rd_arg *args = l->cmd ? l->cmd->args : NULL;
	if (!args)
		return;
	int has_keys = 0;
	for (const struct rd_arg *a = args; a->at >= 0; a++)
		has_keys |= a->key != NULL;
	if (!has_keys) {
		for (const struct rd_arg *a = args; a->at >= 0; a++)
			if (!a->opt && (a->at == l->k || (a->rest && l->k >= a->at)) &&
			    (!a->when || (l->k > 0 && in_list(a->when, l->pos[0]))))
				cands_values(c, l, &a->values, a->at);
		return;
	}
	/* Clauses: the word belongs to the latest keyword before it. */
	int ki = -1;
	for (int i = 0; i < l->k; i++)
		if (clause_key(args, l->pos[i]))
			ki = i;
	int offer_keys = ki < 0;
	if (ki >= 0) {
		int j = l->k - ki - 1, matched = 0, may_end = 0, rest = 0;
		for (const struct rd_arg *a = args; a->at >= 0; a++) {
			if (!a->key || strcasecmp(a->key, l->pos[ki]) != 0 ||
			    !(a->at == j || (a->rest && j >= a->at)))
				continue;
			matched = 1;
			rest |= a->rest;
			may_end |= cands_values(c, l, &a->values, ki + 1 + a->at);
		}
		offer_keys = !matched || (j >= 1 && !rest) || (rest && may_end);
	}
	for (const struct rd_arg *a = args; offer_keys && a->at >= 0; a++) {
		int used = 0;
		for (int i = 0; a->key && i < l->k; i++)
			used |= strcasecmp(l->pos[i], a->key) == 0;
		for (const struct rd_arg *b = args; a->key && b < a; b++)
			used |= b->key && strcmp(b->key, a->key) == 0; /* listed once */
		if (a->key && !used)
			cands_str(c, a->key);
	}
}

/* The value of option name of l's command. */
static void cands_opt_value(struct cands *c, const struct line *l, const char *name)
{
	for (const struct rd_arg *a = l->cmd ? l->cmd->args : NULL; a && a->at >= 0; a++)
		if (a->opt && strcmp(a->opt, name) == 0)
			cands_values(c, l, &a->values, -1);
}

static const struct rd_opt *find_opt(const struct rd_cmd *cmd, const char *name, size_t len)
{
	for (const struct rd_opt *o = cmd ? cmd->opts : NULL; o && o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

static int is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* The start of the word that ends at point: after the last blank outside quotes, as
 * cmd_split reads the line. */
static int word_start_of(const char *line, int point)
{
	int start = 0;
	char q = 0;
	for (int i = 0; i < point; i++) {
		char ch = line[i];
		if (q) {
			if (ch == q)
				q = 0;
			else if (q == '"' && ch == '\\' && i + 1 < point)
				i++;
		} else if (ch == '\\' && i + 1 < point) {
			i++;
		} else if (ch == '\'' || ch == '"') {
			q = ch;
		} else if (is_blank(ch)) {
			start = i + 1;
		}
	}
	return start;
}

/* The value of line[from, to) with quotes and escapes removed; an open quote at the end
 * is allowed (the user is still typing). */
static char *unquote(const char *line, int from, int to)
{
	struct rd_buf b = {0};
	char q = 0;
	for (int i = from; i < to; i++) {
		char ch = line[i];
		if (q) {
			if (ch == q) {
				q = 0;
				continue;
			}
			if (q == '"' && ch == '\\' && i + 1 < to)
				ch = line[++i];
		} else if (ch == '\\' && i + 1 < to) {
			ch = line[++i];
		} else if (ch == '\'' || ch == '"') {
			q = ch;
			continue;
		}
		buf_putc(&b, ch);
	}
	return b.data ? buf_steal(&b) : rd_strdup("");
}

/* 1 when ch must be escaped with a backslash to read back as itself inside the quote
 * (0: none), as cmd_split reads; '#' starts a comment only at the start of a word. */
static int needs_escape(char ch, char quote, int at_start)
{
	if (quote == '"')
		return ch == '"' || ch == '\\';
	if (quote)
		return 0;
	return is_blank(ch) || ch == '\'' || ch == '"' || ch == '\\' || (ch == '#' && at_start);
}

/* The word as it goes back on the line: lead (typed text kept as is, like "--map="), then
 * the value in the quotes the word opened with, closed unless it is a directory to go
 * on into; without quotes, blanks, quotes and backslashes are escaped. */
static char *requote(const char *lead, const char *v, char quote)
{
	struct rd_buf b = {0};
	size_t n = strlen(v);
	int done = !(n > 0 && v[n - 1] == '/');
	if (quote == '\'' && strchr(v, '\''))
		quote = 0; /* a single quote cannot be written inside single quotes */
	buf_puts(&b, lead);
	if (quote)
		buf_putc(&b, quote);
	for (const char *p = v; *p; p++) {
		if (needs_escape(*p, quote, p == v && !*lead))
			buf_putc(&b, '\\');
		buf_putc(&b, *p);
	}
	if (quote && done)
		buf_putc(&b, quote);
	return buf_steal(&b);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **complete_line(struct rd_store *st, const char *line, int point, int max, int *word_start)
{
	struct cands c = {0};
	struct line l = {.st = st};
	char *before = NULL, *word = NULL;
	int len = line ? (int)strlen(line) : 0;
	if (!line)
		line = "";
	if (point < 0 || point > len)
		point = len;
	int start = word_start_of(line, point);
	if (word_start)
		*word_start = start;
	char quote = line[start] == '\'' || line[start] == '"' ? line[start] : 0;
	word = unquote(line, start, point);
	c.word = word;
	c.len = strlen(word);
	c.max = max > 0 ? max : 0;
	if (max <= 0)
		goto done;

	before = rd_strndup(line, (size_t)start);
	if (cmd_split(before, &l.argc, &l.argv, NULL))
		goto done;
	if (l.argc == 0) {
		if (word[0] != '#')
			cands_commands(&c);
		goto done;
	}
	l.cmd = cmd_find(l.argv[0]);

	/* Sort the words after the command into options and positionals. */
	l.pos = rd_calloc((size_t)l.argc, sizeof *l.pos);
	int only_positionals = 0;
	const struct rd_opt *wants_value = NULL;
	for (int i = 1; i < l.argc; i++) {
		const char *w = l.argv[i];
		wants_value = NULL;
		if (!only_positionals && strcmp(w, "--") == 0) {
			only_positionals = 1;
		} else if (!only_positionals && strncmp(w, "--", 2) == 0) {
			const struct rd_opt *o = find_opt(l.cmd, w + 2, strlen(w + 2));
			if (o && o->arg && !strchr(w, '=')) {
				if (i + 1 < l.argc)
					i++; /* its value */
				else
					wants_value = o;
			}
		} else {
			l.pos[l.k++] = l.argv[i];
		}
	}
	if (wants_value) {
		cands_opt_value(&c, &l, wants_value->name);
	} else if (!only_positionals && word[0] == '-' && quote == 0) {
		const char *eq = strchr(word, '=');
		const struct rd_opt *o = eq && strncmp(word, "--", 2) == 0
						 ? find_opt(l.cmd, word + 2,
							    (size_t)(eq - word - 2))
						 : NULL;
		if (o && o->arg) {
			/* --map=FILE: the value is completed, "--map=" kept */
			cands_skip(&c, (size_t)(eq - word) + 1);
			cands_opt_value(&c, &l, o->name);
		} else if (!eq) {
			struct rd_buf b = {0};
			for (const struct rd_opt *op = l.cmd ? l.cmd->opts : NULL; op && op->name;
			     op++) {
				buf_reset(&b);
				buf_printf(&b, "--%s", op->name);
				cands_add(&c, b.data, b.len);
			}
			buf_free(&b);
		}
	} else {
		cands_positional(&c, &l);
	}

done:;
	/* Quote, sort, drop duplicates, cap. */
	char **out = rd_calloc((size_t)c.n + 1, sizeof *out);
	int n = 0;
	for (int i = 0; i < c.n; i++) {
		out[i] = requote(c.lead.data ? c.lead.data : "", c.v[i], quote);
		free(c.v[i]);
	}
	qsort(out, (size_t)c.n, sizeof *out, cmp_str);
	for (int i = 0; i < c.n; i++) {
		if (n < c.max && (n == 0 || strcmp(out[i], out[n - 1]) != 0))
			out[n++] = out[i];
		else
			free(out[i]);
	}
	out[n] = NULL;
	free(c.v);
	buf_free(&c.lead);
	free(l.pos);
	cmd_argv_free(l.argv);
	free(before);
	free(word);
	return out;
}

void complete_free(char **candidates)
{
	if (!candidates)
		return;
	for (char **p = candidates; *p; p++)
		free(*p);
	free(candidates);
}
