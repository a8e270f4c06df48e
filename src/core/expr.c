/* The `where` language (docs/where.md): a recursive-descent parser that compiles straight
 * to an SQL condition. Everything the user typed (values, and the names that are not fixed
 * columns: feature paths and attribute names) goes to a bound `?`; the SQL text is made
 * only of the fixed strings in this file. */
#include "riskdesk/expr.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/features.h"
#include "riskdesk/vocab.h"

#define EXPR_MAX_LEN 4096   /* bytes of expression text */
#define EXPR_MAX_NEST 48    /* nesting, counted as SQLite's parser stack grows (see parse_or) */
#define EXPR_MAX_CMPS 256   /* comparisons: keeps SQLite's expression tree under its depth limit */
#define EXPR_MAX_PARAMS 999 /* SQLite's smallest compiled-in number of variables */

enum param_kind { PARAM_TEXT, PARAM_INT, PARAM_REAL };

struct expr_param {
	enum param_kind kind; /* which of the three is set */
	char *text;           /* PARAM_TEXT; owned */
	int64_t i;            /* PARAM_INT */
	double d;             /* PARAM_REAL */
};

struct rd_expr {
	char *sql;                 /* the condition, parenthesised; owned */
	struct expr_param *params; /* values in placeholder order; owned */
	int nparams;               /* used entries of params */
	int cap;                   /* allocated entries of params */
	int reads_pii;             /* compares email or phone */
};

enum tok_kind {
	T_END,    /* end of the text */
	T_WORD,   /* a bare word: number, date, identifier */
	T_STRING, /* a quoted string */
	T_LPAREN, /* ( */
	T_RPAREN, /* ) */
	T_COMMA,  /* , */
	T_OP,     /* a comparison operator */
	T_AND,    /* and && */
	T_OR,     /* or || */
	T_NOT,    /* not ! */
	T_IN,     /* in */
	T_IS,     /* is */
	T_NULL,   /* null */
};

enum cmp_op {
	OP_EQ,
	OP_NE,
	OP_LT,
	OP_LE,
	OP_GT,
	OP_GE, /* the six of op_sql */
	OP_LIKE,
	OP_NLIKE, /* ~ !~ */
	OP_IN,
	OP_NIN, /* in, not in */
	OP_NULL,
	OP_NNULL, /* is null, is not null */
};

static const char *const op_sql[] = {" = ", " <> ", " < ", " <= ", " > ", " >= "};

struct token {
	enum tok_kind kind; /* what it is */
	enum cmp_op op;     /* T_OP */
	size_t start;       /* byte offset in the text */
	size_t len;         /* bytes in the text, quotes included */
	const char *val;    /* T_WORD: into the text; T_STRING: the decoded p->sbuf */
	size_t vlen;        /* bytes of val */
};

enum field_type {
	FT_NUM,     /* numbers only */
	FT_TEXT,    /* any text */
	FT_BAND,    /* A..E */
	FT_RISK,    /* LOW..CRITICAL */
	FT_SEGMENT, /* new, existing */
	FT_KIND,    /* individual, company */
	FT_DATE,    /* ISO 8601 text */
};

struct field_def {
	const char *name;     /* matched in any case */
	const char *sql;      /* the column */
	enum field_type type; /* which values it takes */
	int personal;         /* email, phone: only with pii on (a filter is a guess at them) */
};

/* The order is the one listed in messages. */
static const struct field_def builtin_fields[] = {
	{"score", "p.score", FT_NUM, 0},
	{"band", "p.band", FT_BAND, 0},
	{"pd", "p.pd", FT_NUM, 0},
	{"risk_level", "p.risk_level", FT_RISK, 0},
	{"segment", "p.segment", FT_SEGMENT, 0},
	{"kind", "c.kind", FT_KIND, 0},
	{"name", "c.name", FT_TEXT, 0},
	{"id", "c.id", FT_TEXT, 0},
	{"model", "p.model_name", FT_TEXT, 0},
	{"model_version", "p.model_version", FT_NUM, 0},
	{"computed_at", "p.computed_at", FT_DATE, 0},
	{"last_activity", "p.last_activity", FT_DATE, 0},
	{"created_at", "c.created_at", FT_DATE, 0},
	{"email", "c.email", FT_TEXT, 1},
	{"phone", "c.phone", FT_TEXT, 1},
};
#define NBUILTIN (sizeof builtin_fields / sizeof *builtin_fields)

/* Fields with a closed set of values (vocab.h): the value is checked and put in the stored
 * case. */
static const struct {
	enum field_type type;
	const struct vocab *v;
	int range; /* expected as "a band A to E" rather than each value */
} enum_fields[] = {
	{FT_BAND, &vocab_band, 1},
	{FT_RISK, &vocab_risk_level, 0},
	{FT_SEGMENT, &vocab_segment, 0},
	{FT_KIND, &vocab_kind, 0},
};

static const char feature_sql[] = "rd_feature(p.fvec, ?)"; /* profile.h */
static const char attr_num_sql[] =
	"(SELECT num FROM customer_attributes WHERE customer_id = c.id AND name = ?)";
static const char attr_text_sql[] =
	"(SELECT value FROM customer_attributes WHERE customer_id = c.id AND name = ?)";

/* A field of one comparison, resolved. */
struct field {
	const char *sql;      /* the column, or a template with one '?' */
	char *param;          /* bound to that '?': a feature's or an attribute's name; owned */
	enum field_type type; /* which values it takes */
};

struct parser {
	const char *text;    /* the expression, NUL-terminated */
	size_t len;          /* its bytes */
	size_t pos;          /* next byte to lex */
	struct token tok;    /* the current token */
	size_t prev_start;   /* the last consumed token, for "after 'X'" */
	size_t prev_len;     /* 0 before the first */
	struct rd_buf sbuf;  /* decoded text of the current string token */
	struct rd_buf sql;   /* the condition being built */
	struct rd_expr *e;   /* receives the bound values */
	struct rd_store *st; /* attributes; may be NULL */
	struct rd_err *err;  /* the message of the first error */
	int ncmps;           /* comparisons so far */
	int pii;             /* the session shows personal data: email and phone allowed */
};

static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parser *p, const char *fmt, ...)
{
	char msg[RD_ERR_MAX - 8];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	rd_err_set(p->err, "where: %s", msg);
	return -1;
}

/* 1-based column of a byte offset, counting UTF-8 characters. */
static int column(const struct parser *p, size_t off)
{
	int col = 1;
	for (size_t i = 0; i < off && i < p->len; i++)
		if (((unsigned char)p->text[i] & 0xC0) != 0x80)
			col++;
	return col;
}

/* "expected WHAT after 'PREV' at column N, found 'TOK'", the parts that apply. */
static int expected(struct parser *p, const char *what, const char *hint)
{
	char prev[RD_ECHO_SIZE], found[RD_ECHO_SIZE];
	struct rd_buf b = {0};
	buf_printf(&b, "expected %s", what);
	if (p->prev_len) {
		buf_printf(&b, " after %s", rd_echo(prev, p->text + p->prev_start, p->prev_len));
	}
	buf_printf(&b, " at column %d", column(p, p->tok.start));
	if (p->tok.kind != T_END) {
		buf_printf(&b, ", found %s", rd_echo(found, p->text + p->tok.start, p->tok.len));
	}
	if (hint)
		buf_printf(&b, " (%s)", hint);
	fail(p, "%s", b.data);
	buf_free(&b);
	return -1;
}

static int is_word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c >= 0x80 || (c && strchr("_.-+:@/", c));
}

static int lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : (unsigned char)c;
}

static int same_ci(const char *a, size_t alen, const char *b)
{
	size_t i = 0;
	for (; i < alen && b[i]; i++)
		if (lower(a[i]) != lower(b[i]))
			return 0;
	return i == alen && !b[i];
}

static enum tok_kind keyword(const char *s, size_t n)
{
	static const struct {
		const char *word;
		enum tok_kind kind;
	} words[] = {{"and", T_AND}, {"or", T_OR}, {"not", T_NOT},
		     {"in", T_IN},   {"is", T_IS}, {"null", T_NULL}};
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (same_ci(s, n, words[i].word))
			return words[i].kind;
	return T_WORD;
}

/* A quoted string at p->tok.start: backslash escapes (\n, \t, \r, else the character
 * itself) and a doubled quote for the quote. */
static int lex_string(struct parser *p)
{
	const char *s = p->text;
	size_t start = p->tok.start, i = start + 1;
	char q = s[start];
	buf_reset(&p->sbuf);
	for (;;) {
		if (i >= p->len)
			return fail(p, "unterminated string at column %d", column(p, start));
		char c = s[i];
		if (c == q) {
			if (s[i + 1] != q) {
				i++;
				break;
			}
			buf_putc(&p->sbuf, q);
			i += 2;
		} else if (c == '\\') {
			if (i + 1 >= p->len)
				return fail(p, "unterminated string at column %d",
					    column(p, start));
			char x = s[i + 1];
			buf_putc(&p->sbuf, x == 'n' ? '\n' : x == 't' ? '\t' : x == 'r' ? '\r' : x);
			i += 2;
		} else {
			buf_putc(&p->sbuf, c);
			i++;
		}
	}
	p->tok.kind = T_STRING;
	p->tok.val = p->sbuf.data ? p->sbuf.data : "";
	p->tok.vlen = p->sbuf.len;
	p->tok.len = i - start;
	p->pos = i;
	return 0;
}

/* Reads the next token into p->tok. 0 or -1 (a character no token starts with, an
 * unterminated string). */
static int lex(struct parser *p)
{
	const char *s = p->text;
	size_t i = p->pos;
	while (i < p->len && s[i] && strchr(" \t\n\r\f\v", s[i]))
		i++;
	memset(&p->tok, 0, sizeof p->tok);
	p->tok.start = i;
	if (i >= p->len) {
		p->tok.kind = T_END;
		p->pos = i;
		return 0;
	}
	unsigned char c = (unsigned char)s[i];
	char next = s[i + 1]; /* the text is NUL-terminated */
	size_t n = 1;
	struct token *t = &p->tok;
	switch (c) {
	case '(': t->kind = T_LPAREN; break;
	case ')': t->kind = T_RPAREN; break;
	case ',': t->kind = T_COMMA; break;
	case '~':
		t->kind = T_OP;
		t->op = OP_LIKE;
		break;
	case '=':
		t->kind = T_OP;
		t->op = OP_EQ;
		n = next == '=' ? 2 : 1;
		break;
	case '!':
		t->kind = T_OP;
		if (next == '=' || next == '~') {
			t->op = next == '=' ? OP_NE : OP_NLIKE;
			n = 2;
		} else {
			t->kind = T_NOT;
		}
		break;
	case '<':
		t->kind = T_OP;
		t->op = next == '=' ? OP_LE : next == '>' ? OP_NE : OP_LT;
		n = next == '=' || next == '>' ? 2 : 1;
		break;
	case '>':
		t->kind = T_OP;
		t->op = next == '=' ? OP_GE : OP_GT;
		n = next == '=' ? 2 : 1;
		break;
	case '&':
	case '|':
		if (next != (char)c)
			return fail(p,
				    "unexpected character '%c' at column %d (did you mean '%c%c'?)",
				    c, column(p, i), c, c);
		t->kind = c == '&' ? T_AND : T_OR;
		n = 2;
		break;
	case '\'':
	case '"': return lex_string(p);
	default:
		if (!is_word_byte(c)) {
			if (c < 0x20 || c == 0x7f)
				return fail(p, "unexpected character 0x%02x at column %d", c,
					    column(p, i));
			return fail(p, "unexpected character '%c' at column %d", c, column(p, i));
		}
		while (i + n < p->len && is_word_byte((unsigned char)s[i + n]))
			n++;
		t->kind = keyword(s + i, n);
		t->val = s + i;
		t->vlen = n;
		break;
	}
	t->len = n;
	p->pos = i + n;
	return 0;
}

static int advance(struct parser *p)
{
	p->prev_start = p->tok.start;
	p->prev_len = p->tok.len;
	return lex(p);
}

/* Edit distance with transpositions (optimal string alignment), ASCII case ignored;
 * names longer than 63 bytes count as far from everything. */
static int distance(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);
	if (alen > 63 || blen > 63)
		return 99;
	int d[64][64];
	for (size_t i = 0; i <= alen; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= blen; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= alen; i++)
		for (size_t j = 1; j <= blen; j++) {
			int v = d[i - 1][j - 1] + (lower(a[i - 1]) != lower(b[j - 1]));
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
			    lower(a[i - 2]) == lower(b[j - 1]) && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[alen][blen];
}

/* Keeps the closest candidate within reach of a typo. */
static void suggest(const char *name, size_t len, const char *cand, char best[64], int *best_d)
{
	int d = distance(name, len, cand);
	int reach = len <= 4 ? 1 : 2;
	if (d <= reach && d < *best_d && strlen(cand) < 64) {
		*best_d = d;
		strcpy(best, cand);
	}
}

static int unknown_field(struct parser *p, const char *name, size_t len)
{
	char shown[RD_ECHO_SIZE], best[64] = "";
	int best_d = 99;
	for (size_t i = 0; i < NBUILTIN; i++)
		suggest(name, len, builtin_fields[i].name, best, &best_d);
	for (int i = 0; i < FEAT_COUNT; i++)
		suggest(name, len, feature_names[i], best, &best_d);
	sqlite3_stmt *s = NULL;
	if (p->st && sqlite3_prepare_v2(store_db(p->st), "SELECT name FROM attributes LIMIT 10000",
					-1, &s, NULL) == SQLITE_OK)
		while (sqlite3_step(s) == SQLITE_ROW)
			if (sqlite3_column_text(s, 0))
				suggest(name, len, (const char *)sqlite3_column_text(s, 0), best,
					&best_d);
	sqlite3_finalize(s);
	struct rd_buf b = {0};
	buf_printf(&b, "unknown field %s at column %d (", rd_echo(shown, name, len),
		   column(p, p->tok.start));
	if (best[0])
		buf_printf(&b, "did you mean '%s'? ", best);
	buf_puts(&b, "fields: ");
	for (size_t i = 0; i < 8; i++)
		buf_printf(&b, "%s, ", builtin_fields[i].name);
	buf_printf(&b, "..., features such as %s%s)", feature_names[FEAT_RETURN_RATE],
		   p->st ? ", attributes" : "");
	fail(p, "%s", b.data);
	buf_free(&b);
	return -1;
}

/* Looks name up among the store's attributes. 1 found, 0 not, -1 error. */
static int attribute_lookup(struct parser *p, const char *name, size_t len, struct field *f)
{
	sqlite3 *db = store_db(p->st);
	sqlite3_stmt *s = NULL;
	int rc = -1;
	if (sqlite3_prepare_v2(db, "SELECT type FROM attributes WHERE name = ?1", -1, &s, NULL) !=
	    SQLITE_OK)
		goto done;
	sqlite3_bind_text(s, 1, name, (int)len, SQLITE_STATIC);
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(s, 0);
		int numeric = vocab_find(&vocab_attr_type, type) == ATTR_NUMERIC;
		f->sql = numeric ? attr_num_sql : attr_text_sql;
		f->param = rd_strndup(name, len);
		f->type = numeric ? FT_NUM : FT_TEXT;
		rc = 1;
	} else if (step == SQLITE_DONE) {
		rc = 0;
	}
done:
	if (rc < 0)
		fail(p, "cannot read attributes: %s", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return rc;
}

/* Resolves the field at p->tok (a bare word or a quoted name) and consumes it: built-in
 * fields and features in any case, then the store's attributes by exact name. */
static int field_resolve(struct parser *p, struct field *f)
{
	const char *name = p->tok.val;
	size_t len = p->tok.vlen;
	for (size_t i = 0; i < NBUILTIN; i++)
		if (same_ci(name, len, builtin_fields[i].name)) {
			if (builtin_fields[i].personal && !p->pii)
				return fail(p,
					    "%s is personal data (column %d): filtering on it needs"
					    " 'set pii on', which is audited",
					    builtin_fields[i].name, column(p, p->tok.start));
			p->e->reads_pii |= builtin_fields[i].personal;
			f->sql = builtin_fields[i].sql;
			f->type = builtin_fields[i].type;
			return advance(p);
		}
	for (int i = 0; i < FEAT_COUNT; i++)
		if (same_ci(name, len, feature_names[i])) {
			f->sql = feature_sql;
			f->param = rd_strdup(feature_names[i]);
			f->type = FT_NUM;
			return advance(p);
		}
	int found = p->st ? attribute_lookup(p, name, len, f) : 0;
	if (found < 0)
		return -1;
	return found ? advance(p) : unknown_field(p, name, len);
}

/* Converts the value at p->tok for field f into out (the caller consumes the token):
 * numbers for numeric fields, a known value for the closed sets, an ISO date for
 * dates; for '~' the text with LIKE's wildcards escaped, between '%'. */
static int value_convert(struct parser *p, const struct field *f, enum cmp_op op,
			 struct expr_param *out)
{
	if (p->tok.kind == T_NULL)
		return expected(p, "a value", "write 'is null' to test for a missing value");
	if (p->tok.kind != T_WORD && p->tok.kind != T_STRING)
		return expected(p, "a value", NULL);
	const char *v = p->tok.val;
	size_t len = p->tok.vlen;
	memset(out, 0, sizeof *out);
	if (op == OP_LIKE || op == OP_NLIKE) {
		struct rd_buf b = {0};
		buf_putc(&b, '%');
		for (size_t i = 0; i < len; i++) {
			if (v[i] == '%' || v[i] == '_' || v[i] == '\\')
				buf_putc(&b, '\\');
			buf_putc(&b, v[i]);
		}
		buf_putc(&b, '%');
		out->text = buf_steal(&b);
		return 0;
	}
	switch (f->type) {
	case FT_NUM: {
		double d;
		if (num_parse(v, len, &d))
			return expected(p, "a number", NULL);
		/* Whole numbers bind as integers so that they compare exactly with INTEGER columns. */
		if (d == trunc(d) && fabs(d) < 9007199254740992.0) {
			out->kind = PARAM_INT;
			out->i = (int64_t)d;
		} else {
			out->kind = PARAM_REAL;
			out->d = d;
		}
		return 0;
	}
	case FT_DATE: {
		int64_t epoch;
		if (date_parse(v, len, &epoch))
			return expected(p, "an ISO date such as 2025-06-30", NULL);
		break;
	}
	case FT_TEXT: break;
	default:
		for (size_t k = 0; k < sizeof enum_fields / sizeof *enum_fields; k++) {
			const struct vocab *vo = enum_fields[k].v;
			if (enum_fields[k].type != f->type)
				continue;
			int j = vocab_find_ci(vo, v, len);
			if (j >= 0) {
				out->text = rd_strdup(vocab_name(vo, j));
				return 0;
			}
			char what[128];
			if (enum_fields[k].range)
				snprintf(what, sizeof what, "a %s %s to %s", vo->what,
					 vocab_name(vo, 0), vocab_name(vo, vo->n - 1));
			else
				vocab_list(vo, " or ", what, sizeof what);
			return expected(p, what, NULL);
		}
		break;
	}
	out->text = rd_strndup(v, len);
	return 0;
}

/* Appends a bound value; takes ownership of its text. */
static void push(struct parser *p, struct expr_param v)
{
	struct rd_expr *e = p->e;
	if (e->nparams == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 8;
		e->params = rd_realloc(e->params, (size_t)e->cap * sizeof *e->params);
	}
	e->params[e->nparams++] = v;
}

/* Writes one comparison and moves its values (and the field's bound name) to the
 * expression, in the order of their placeholders. */
static void emit_cmp(struct parser *p, struct field *f, enum cmp_op op, struct expr_param *vals,
		     int nvals)
{
	struct rd_buf *b = &p->sql;
	/* A date alone compares with the date part, so created_at = 2025-06-30 means that day. */
	int date_only = f->type == FT_DATE && op != OP_LIKE && op != OP_NLIKE && nvals > 0;
	for (int i = 0; i < nvals; i++)
		if (!vals[i].text || strlen(vals[i].text) != 10)
			date_only = 0;
	if (date_only)
		buf_puts(b, "substr(");
	buf_puts(b, f->sql);
	if (f->param) {
		push(p, (struct expr_param){.kind = PARAM_TEXT, .text = f->param});
		f->param = NULL;
	}
	if (date_only)
		buf_puts(b, ", 1, 10)");
	switch (op) {
	case OP_NULL: buf_puts(b, " IS NULL"); break;
	case OP_NNULL: buf_puts(b, " IS NOT NULL"); break;
	case OP_IN:
	case OP_NIN:
		buf_puts(b, op == OP_IN ? " IN (" : " NOT IN (");
		for (int i = 0; i < nvals; i++)
			buf_puts(b, i ? ", ?" : "?");
		buf_putc(b, ')');
		break;
	case OP_LIKE: buf_puts(b, " LIKE ? ESCAPE '\\'"); break;
	case OP_NLIKE: buf_puts(b, " NOT LIKE ? ESCAPE '\\'"); break;
	default:
		buf_puts(b, op_sql[op]);
		buf_putc(b, '?');
		break;
	}
	for (int i = 0; i < nvals; i++) {
		push(p, vals[i]);
		vals[i].text = NULL;
	}
}

/* comparison = field ( op value | ["not"] "in" "(" value {"," value} ")"
 *                    | "is" ["not"] "null" ) */
static int parse_cmp(struct parser *p)
{
	struct field f = {0};
	struct expr_param *vals = NULL;
	int nvals = 0, cap = 0, rc = -1;
	enum cmp_op op = OP_EQ;
	size_t field_start = p->tok.start, field_len = p->tok.len;
	if (++p->ncmps > EXPR_MAX_CMPS) {
		fail(p, "too many comparisons at column %d (at most %d)", column(p, p->tok.start),
		     EXPR_MAX_CMPS);
		goto done;
	}
	if (field_resolve(p, &f))
		goto done;
	switch (p->tok.kind) {
	case T_OP:
		op = p->tok.op;
		if ((op == OP_LIKE || op == OP_NLIKE) && f.type == FT_NUM) {
			/* A known field's name: short, not an arbitrary value. */
			fail(p, "'%s' needs a text field at column %d, and %.*s is numeric",
			     op == OP_LIKE ? "~" : "!~", column(p, p->tok.start), (int)field_len,
			     p->text + field_start);
			goto done;
		}
		if (advance(p))
			goto done;
		vals = rd_calloc(1, sizeof *vals);
		cap = 1;
		if (value_convert(p, &f, op, &vals[0]))
			goto done;
		nvals = 1;
		if (advance(p))
			goto done;
		break;
	case T_NOT:
	case T_IN:
		op = p->tok.kind == T_NOT ? OP_NIN : OP_IN;
		if (op == OP_NIN) {
			if (advance(p))
				goto done;
			if (p->tok.kind != T_IN) {
				expected(p, "'in'", NULL);
				goto done;
			}
		}
		if (advance(p))
			goto done;
		if (p->tok.kind != T_LPAREN) {
			expected(p, "'('", NULL);
			goto done;
		}
		if (advance(p))
			goto done;
		for (;;) {
			if (nvals == cap) {
				cap = cap ? 2 * cap : 8;
				vals = rd_realloc(vals, (size_t)cap * sizeof *vals);
			}
			if (value_convert(p, &f, op, &vals[nvals]))
				goto done;
			nvals++;
			if (advance(p))
				goto done;
			if (p->tok.kind == T_RPAREN)
				break;
			if (p->tok.kind != T_COMMA) {
				expected(p, "',' or ')'", NULL);
				goto done;
			}
			if (advance(p))
				goto done;
		}
		if (advance(p))
			goto done;
		break;
	case T_IS:
		if (advance(p))
			goto done;
		op = OP_NULL;
		if (p->tok.kind == T_NOT) {
			op = OP_NNULL;
			if (advance(p))
				goto done;
		}
		if (p->tok.kind != T_NULL) {
			expected(p, op == OP_NULL ? "'null' or 'not null'" : "'null'", NULL);
			goto done;
		}
		if (advance(p))
			goto done;
		break;
	default:
		expected(p, "an operator (=, !=, <, <=, >, >=, ~, !~, in, not in, is)", NULL);
		goto done;
	}
	if (p->e->nparams + nvals + (f.param != NULL) > EXPR_MAX_PARAMS) {
		fail(p, "too many values at column %d (at most %d)", column(p, p->prev_start),
		     EXPR_MAX_PARAMS);
		goto done;
	}
	emit_cmp(p, &f, op, vals, nvals);
	rc = 0;
done:
	free(f.param);
	for (int i = 0; i < nvals; i++)
		free(vals[i].text);
	free(vals);
	return rc;
}

/* Wraps the SQL written since start in parentheses. */
static void wrap_from(struct rd_buf *b, size_t start)
{
	buf_putc(b, ')');
	buf_putc(b, ' '); /* room for the '(' */
	memmove(b->data + start + 1, b->data + start, b->len - 1 - start);
	b->data[start] = '(';
}

static int parse_or(struct parser *p, int nest);

/* Entering a group at nesting nest. */
static int nest_check(struct parser *p, int nest)
{
	if (nest <= EXPR_MAX_NEST)
		return 0;
	return fail(p, "nesting too deep at column %d (limit %d; see docs/where.md)",
		    column(p, p->tok.start), EXPR_MAX_NEST);
}

/* primary = "(" or_expr ")" | comparison. A group gets SQL parentheses only when it
 * holds an OR (AND binds tighter in SQL too), but always counts one level. */
static int parse_primary(struct parser *p, int nest)
{
	if (p->tok.kind == T_WORD || p->tok.kind == T_STRING)
		return parse_cmp(p);
	if (p->tok.kind != T_LPAREN)
		return expected(p, "a field or '('", NULL);
	size_t open = p->tok.start, start = p->sql.len;
	if (nest_check(p, nest + 1) || advance(p))
		return -1;
	int n = parse_or(p, nest + 1);
	if (n < 0)
		return -1;
	if (p->tok.kind == T_END)
		return fail(p, "expected ')' at column %d to close the '(' at column %d",
			    column(p, p->tok.start), column(p, open));
	if (p->tok.kind != T_RPAREN)
		return expected(p, "'and', 'or' or ')'", NULL);
	if (n > 1)
		wrap_from(&p->sql, start);
	return advance(p);
}

/* not_expr = ("not" | "!") not_expr | primary. A comparison on a missing value is NULL,
 * which WHERE takes as false; `(x) IS NOT 1` makes `not` of it true, so the language
 * stays two-valued (and costs SQLite's parser one level, where NOT coalesce() costs four). */
static int parse_not(struct parser *p, int nest)
{
	if (p->tok.kind != T_NOT)
		return parse_primary(p, nest);
	if (nest_check(p, nest + 1) || advance(p))
		return -1;
	buf_putc(&p->sql, '(');
	if (parse_not(p, nest + 1))
		return -1;
	buf_puts(&p->sql, ") IS NOT 1");
	return 0;
}

/* and_expr = not_expr { ("and" | "&&") not_expr }. SQL's AND binds tighter than OR,
 * as here, so the terms are written as they come. */
static int parse_and(struct parser *p, int nest)
{
	for (int n = 0;; n++) {
		/* SQLite's parser holds "x AND" while it reads a later operand. */
		if (parse_not(p, n ? nest + 2 : nest))
			return -1;
		if (p->tok.kind != T_AND)
			return 0;
		if (advance(p))
			return -1;
		buf_puts(&p->sql, " AND ");
	}
}

/* or_expr = and_expr { ("or" | "||") and_expr }. Returns the number of and_exprs, or -1.
 * nest counts what SQLite's parser (a fixed stack of 100 entries) holds when it reads
 * this part: one for each enclosing '(' or 'not', two for each 'x AND' or 'x OR' to
 * its left. Limiting it (with room for a comparison and the caller's query around the
 * condition) means every expression that compiles also prepares, and bounds the
 * recursion here. */
static int parse_or(struct parser *p, int nest)
{
	for (int n = 0;; n++) {
		if (parse_and(p, n ? nest + 2 : nest))
			return -1;
		if (p->tok.kind != T_OR)
			return n + 1;
		if (advance(p))
			return -1;
		buf_puts(&p->sql, " OR ");
	}
}

struct rd_expr *expr_compile(const char *text, struct rd_store *st, struct rd_err *err)
{
	return expr_compile_pii(text, st, 0, err);
}

struct rd_expr *expr_compile_pii(const char *text, struct rd_store *st, int pii, struct rd_err *err)
{
	struct rd_err local;
	struct parser p = {0};
	struct rd_expr *e = rd_calloc(1, sizeof *e), *res = NULL;
	p.text = text ? text : "";
	p.len = strlen(p.text);
	p.e = e;
	p.st = st;
	p.pii = pii;
	p.err = err ? err : &local;
	rd_err_clear(p.err);
	if (p.len > EXPR_MAX_LEN) {
		fail(&p, "expression too long (%zu bytes, at most %d)", p.len, EXPR_MAX_LEN);
		goto done;
	}
	if (!utf8_valid(p.text, p.len)) {
		fail(&p, "expression is not valid UTF-8");
		goto done;
	}
	if (lex(&p))
		goto done;
	if (p.tok.kind == T_END) {
		fail(&p, "empty expression (e.g. band=E, score<550)");
		goto done;
	}
	buf_putc(&p.sql, '(');
	if (parse_or(&p, 0) < 0)
		goto done;
	if (p.tok.kind == T_RPAREN) {
		fail(&p, "unexpected ')' at column %d", column(&p, p.tok.start));
		goto done;
	}
	if (p.tok.kind != T_END) {
		char shown[RD_ECHO_SIZE];
		rd_echo(shown, p.text + p.tok.start, p.tok.len);
		fail(&p, "unexpected %s at column %d (expected 'and', 'or' or the end)", shown,
		     column(&p, p.tok.start));
		goto done;
	}
	buf_putc(&p.sql, ')');
	e->sql = buf_steal(&p.sql);
	res = e;
	e = NULL;
done:
	expr_free(e);
	buf_free(&p.sql);
	buf_free(&p.sbuf);
	return res;
}

void expr_free(struct rd_expr *e)
{
	if (!e)
		return;
	for (int i = 0; i < e->nparams; i++)
		free(e->params[i].text);
	free(e->params);
	free(e->sql);
	free(e);
}

const char *expr_sql(const struct rd_expr *e)
{
	return e->sql;
}

int expr_bind(const struct rd_expr *e, sqlite3_stmt *stmt, int first)
{
	for (int i = 0; i < e->nparams; i++) {
		const struct expr_param *v = &e->params[i];
		int rc;
		switch (v->kind) {
		case PARAM_INT: rc = sqlite3_bind_int64(stmt, first + i, v->i); break;
		case PARAM_REAL: rc = sqlite3_bind_double(stmt, first + i, v->d); break;
		default:
			rc = sqlite3_bind_text(stmt, first + i, v->text, -1, SQLITE_TRANSIENT);
			break;
		}
		if (rc != SQLITE_OK)
			return -1;
	}
	return e->nparams;
}

int expr_nparams(const struct rd_expr *e)
{
	return e->nparams;
}

int expr_reads_pii(const struct rd_expr *e)
{
	return e->reads_pii;
}

const char *expr_field_name(int i, int *personal)
{
	if (i < 0 || (size_t)i >= NBUILTIN)
		return NULL;
	if (personal)
		*personal = builtin_fields[i].personal;
	return builtin_fields[i].name;
}

const struct vocab *expr_field_values(const char *name, size_t len)
{
	for (size_t i = 0; i < NBUILTIN; i++) {
		if (!same_ci(name, len, builtin_fields[i].name))
			continue;
		for (size_t k = 0; k < sizeof enum_fields / sizeof *enum_fields; k++)
			if (enum_fields[k].type == builtin_fields[i].type)
				return enum_fields[k].v;
	}
	return NULL;
}
