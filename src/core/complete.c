/* Tab completion at the prompt (complete.h). The word under the cursor is found the way
 * cmd_split reads the line (blanks, quotes, backslashes); what it may be comes from the
 * command table (names, aliases, options), a few fixed word lists of the commands, the
 * store (customer ids, model names, each through an index range) and the file system. */
#include "riskdesk/complete.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "riskdesk/browse.h"
#include "riskdesk/command.h"
#include "riskdesk/model.h"
#include "riskdesk/vocab.h"

/* The candidates gathered for one word, before quoting. */
struct cands {
	char **v;         /* values matching `word`, unquoted; owned */
	int n;            /* used entries of v */
	int cap;          /* allocated entries of v */
	const char *word; /* what was typed of the value, unquoted */
	size_t len;       /* bytes of word */
	int max;          /* the caller's cap, so the store is not asked for more */
};

static const char *const load_tables[] = {"customers", "orders", "payments", "outcomes", NULL};
static const char *const export_what[] = {"profiles", "customers", "history", "drift", NULL};
static const char *const rules_sub[] = {"export", "import", NULL};
static const char *const model_sub[] = {"check", "export", "import", NULL};
static const char *const label_sub[] = {"clear", "proxy", NULL};
static const char *const recompute_sub[] = {"all", "where", NULL};
static const char *const set_keys[] = {"as-of", "lock-timeout", "pii", NULL};
static const char *const on_off[] = {"on", "off", NULL};
static const char *const as_of_words[] = {"latest", NULL};
static const char *const themes[] = {"default", "dark", "light", "mono", NULL};
static const char *const asc_desc[] = {"asc", "desc", NULL};
static const char *const drift_sub[] = {"baseline", NULL};
static const char *const cleanup_sub[] = {"snapshots", NULL};

static const char *const by_words[] = {"month", NULL};

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

static void cands_words(struct cands *c, const char *const *words)
{
	for (; *words; words++)
		cands_add(c, *words, strlen(*words));
}

static void cands_vocab(struct cands *c, const struct vocab *v)
{
	for (int i = 0; i < v->n; i++)
		cands_add(c, v->words[i].name, strlen(v->words[i].name));
}

static void cands_commands(struct cands *c)
{
	for (const struct rd_cmd *const *cmd = rd_commands; *cmd; cmd++) {
		cands_add(c, (*cmd)->name, strlen((*cmd)->name));
		if ((*cmd)->alias)
			cands_add(c, (*cmd)->alias, strlen((*cmd)->alias));
	}
}

/* Adds the first values of the one-column query over the prefix range ?1..?2 (the end is
 * an empty blob, after every text, when the prefix has none), as many as leave room under
 * the cap for the words already there ("all" beside the ids of `recompute`). */
static void cands_query(struct cands *c, struct rd_store *st, const char *sql)
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
		    "SELECT id FROM customers WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT ?3");
}

static void cands_models(struct cands *c, struct rd_store *st)
{
	cands_query(c, st,
		    "SELECT DISTINCT name FROM models WHERE name >= ?1 AND name < ?2"
		    " ORDER BY name LIMIT ?3");
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

/* Values of --opt (a cmd option with an argument). */
static void cands_opt_value(struct cands *c, struct rd_store *st, const char *opt)
{
	if (strcmp(opt, "map") == 0) {
		cands_paths(c, 0);
	} else if (strcmp(opt, "model") == 0) {
		cands_models(c, st);
	} else if (strcmp(opt, "algo") == 0) {
		for (int i = 0; i < MODEL_ALGOS; i++)
			cands_add(c, model_algo_names[i], strlen(model_algo_names[i]));
	} else if (strcmp(opt, "segment") == 0) {
		cands_vocab(c, &vocab_segment); /* "all", the default, goes without saying */
	} else if (strcmp(opt, "by") == 0) {
		cands_words(c, by_words);
	}
}

/* The options with values completed here, for commands not in the table yet (SPEC 6:
 * train --algo --segment, drift --model). */
static const struct rd_opt future_opts[] = {
	{"algo", "ALGO", NULL},
	{"segment", "S", NULL},
	{"model", "M", NULL},
	{"map", "FILE", NULL},
	{NULL, NULL, NULL},
};

static const struct rd_opt *find_opt(const struct rd_cmd *cmd, const char *name, size_t len)
{
	for (const struct rd_opt *o = cmd ? cmd->opts : future_opts; o && o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

static int is_word(const char *s, const char *const *words)
{
	for (; s && *words; words++)
		if (strcmp(s, *words) == 0)
			return 1;
	return 0;
}

/* list [where EXPR] [sort FIELD [asc|desc]] [limit N]: the keywords not used yet, sort
 * keys after `sort`, a direction after the key; nothing in an expression or a limit. */
static void cands_list(struct cands *c, char **pos, int k)
{
	const char *prev = k > 0 ? pos[k - 1] : NULL, *prev2 = k > 1 ? pos[k - 2] : NULL;
	int used_where = 0, used_sort = 0, used_limit = 0;
	for (int i = 0; i < k; i++) {
		used_where |= strcmp(pos[i], "where") == 0;
		used_sort |= strcmp(pos[i], "sort") == 0;
		used_limit |= strcmp(pos[i], "limit") == 0;
	}
	if (prev && strcmp(prev, "sort") == 0) {
		cands_vocab(c, &vocab_sort_key);
		return;
	}
	if (prev && (strcmp(prev, "limit") == 0 || strcmp(prev, "where") == 0))
		return;
	if (prev2 && strcmp(prev2, "sort") == 0 && vocab_find(&vocab_sort_key, prev) >= 0)
		cands_words(c, asc_desc);
	if (!used_where)
		cands_add(c, "where", 5);
	if (!used_sort)
		cands_add(c, "sort", 4);
	if (!used_limit)
		cands_add(c, "limit", 5);
}

/* The positional argument number k of command `name` (pos[0..k) before it). */
static void cands_positional(struct cands *c, struct rd_store *st, const char *name, char **pos,
			     int k)
{
	const char *p0 = k > 0 ? pos[0] : NULL;
	if (strcmp(name, "load") == 0) {
		if (k == 0) {
			cands_words(c, load_tables);
			cands_paths(c, 1);
		} else if (k == 1 && is_word(p0, load_tables)) {
			cands_paths(c, 0);
		}
	} else if (strcmp(name, "gen") == 0) {
		if (k == 0)
			cands_paths(c, 1);
	} else if (strcmp(name, "recompute") == 0) {
		if (k == 0) {
			cands_words(c, recompute_sub);
			cands_ids(c, st);
		}
	} else if (strcmp(name, "show") == 0 || strcmp(name, "history") == 0 ||
		   strcmp(name, "select") == 0) {
		if (k == 0)
			cands_ids(c, st);
	} else if (strcmp(name, "sort") == 0) { /* the console's list: browse.h's sorts */
		for (int i = 0; k == 0 && i < BROWSE_SORT_COUNT; i++)
			cands_add(c, browse_sort_name(i), strlen(browse_sort_name(i)));
		if (k == 1)
			cands_words(c, asc_desc);
	} else if (strcmp(name, "pane") == 0) {
		if (k == 0)
			cands_words(c, rd_console_panes);
	} else if (strcmp(name, "export") == 0) {
		if (k == 0)
			cands_words(c, export_what);
		else if (k == 1)
			cands_paths(c, 0);
	} else if (strcmp(name, "rules") == 0) {
		if (k == 0)
			cands_words(c, rules_sub);
		else if (k == 1 && is_word(p0, rules_sub))
			cands_paths(c, 0);
	} else if (strcmp(name, "list") == 0) {
		cands_list(c, pos, k);
	} else if (strcmp(name, "cleanup") == 0) {
		if (k == 0)
			cands_words(c, cleanup_sub);
	} else if (strcmp(name, "set") == 0) {
		if (k == 0)
			cands_words(c, set_keys);
		else if (k == 1 && strcmp(p0, "pii") == 0)
			cands_words(c, on_off);
		else if (k == 1 && strcmp(p0, "as-of") == 0)
			cands_words(c, as_of_words);
	} else if (strcmp(name, "help") == 0) {
		if (k == 0)
			cands_commands(c);
	} else if (strcmp(name, "theme") == 0) {
		if (k == 0)
			cands_words(c, themes);
	} else if (strcmp(name, "model") == 0) {
		/* model NAME[@VERSION] · model export NAME FILE · model import FILE · model check NAME */
		if (k == 0) {
			cands_words(c, model_sub);
			cands_models(c, st);
		} else if (k == 1 && (strcmp(p0, "export") == 0 || strcmp(p0, "check") == 0)) {
			cands_models(c, st);
		} else if ((k == 1 && strcmp(p0, "import") == 0) ||
			   (k == 2 && strcmp(p0, "export") == 0)) {
			cands_paths(c, 0);
		}
	} else if (strcmp(name, "train") == 0 || strcmp(name, "promote") == 0 ||
		   strcmp(name, "retire") == 0) {
		if (k == 0)
			cands_models(c, st);
	} else if (strcmp(name, "drift") == 0) {
		if (k == 0)
			cands_words(c, drift_sub);
	} else if (strcmp(name, "label") == 0) {
		if (k == 0)
			cands_words(c, label_sub);
	}
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
	int argc = 0;
	char **argv = NULL, **pos = NULL;
	char *before = NULL, *word = NULL, *lead = NULL;
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
	if (cmd_split(before, &argc, &argv, NULL))
		goto done;
	if (argc == 0) {
		if (word[0] != '#')
			cands_commands(&c);
		goto done;
	}
	const struct rd_cmd *cmd = cmd_find(argv[0]);
	const char *name = cmd ? cmd->name : argv[0]; /* commands to come complete too */

	/* Sort the words after the command into options and positionals. */
	pos = rd_calloc((size_t)argc, sizeof *pos);
	int k = 0, only_positionals = 0;
	const struct rd_opt *wants_value = NULL;
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];
		wants_value = NULL;
		if (!only_positionals && strcmp(w, "--") == 0) {
			only_positionals = 1;
		} else if (!only_positionals && strncmp(w, "--", 2) == 0) {
			const struct rd_opt *o = find_opt(cmd, w + 2, strlen(w + 2));
			if (o && o->arg && !strchr(w, '=')) {
				if (i + 1 < argc)
					i++; /* its value */
				else
					wants_value = o;
			}
		} else {
			pos[k++] = argv[i];
		}
	}
	if (wants_value) {
		cands_opt_value(&c, st, wants_value->name);
	} else if (!only_positionals && word[0] == '-' && quote == 0) {
		const char *eq = strchr(word, '=');
		const struct rd_opt *o = eq && strncmp(word, "--", 2) == 0
						 ? find_opt(cmd, word + 2, (size_t)(eq - word - 2))
						 : NULL;
		if (o && o->arg) {
			/* --map=FILE: the value is completed, "--map=" kept */
			lead = rd_strndup(word, (size_t)(eq - word) + 1);
			c.word = eq + 1;
			c.len = strlen(c.word);
			cands_opt_value(&c, st, o->name);
		} else if (!eq) {
			struct rd_buf b = {0};
			for (const struct rd_opt *op = cmd ? cmd->opts : NULL; op && op->name; op++) {
				buf_reset(&b);
				buf_printf(&b, "--%s", op->name);
				cands_add(&c, b.data, b.len);
			}
			buf_free(&b);
		}
	} else {
		cands_positional(&c, st, name, pos, k);
	}

done:;
	/* Quote, sort, drop duplicates, cap. */
	char **out = rd_calloc((size_t)c.n + 1, sizeof *out);
	int n = 0;
	for (int i = 0; i < c.n; i++) {
		out[i] = requote(lead ? lead : "", c.v[i], quote);
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
	free(lead);
	free(pos);
	cmd_argv_free(argv);
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
