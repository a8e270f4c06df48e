/* Models as SQL (include/riskdesk/sqlexport.h): the scoring of engine.c, model.c, xgb's
 * trees and score.c written out as one query, with the same operations in the same order,
 * so that SQLite and PostgreSQL, doing IEEE double arithmetic with the same libm, give
 * the same numbers. Every constant is printed with 17 digits (exact); every identifier
 * of the features table is quoted and appears once, in the first CTE (x), which names its
 * columns c0, c1, ...; every text is a quoted literal. */
#include "riskdesk/sqlexport.h"

#include <cjson/cJSON.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/blend.h"
#include "riskdesk/dates.h"
#include "riskdesk/jsondoc.h"
#include "riskdesk/model.h"
#include "riskdesk/score.h"
#include "riskdesk/vocab.h"
#include "riskdesk/xgbtree.h"

const char *const sqlexport_dialect_names[SQLEXPORT_DIALECTS] = {"sqlite", "postgres"};

int sqlexport_dialect_parse(const char *s, enum sqlexport_dialect *out, struct rd_err *err)
{
	for (int d = 0; d < SQLEXPORT_DIALECTS; d++) {
		if (s && strcmp(s, sqlexport_dialect_names[d]) == 0) {
			*out = (enum sqlexport_dialect)d;
			return 0;
		}
	}
	rd_err_set(err, "unknown SQL dialect '%.40s': sqlite or postgres", s ? s : "");
	return -1;
}

#define PD_FLOOR 1e-12     /* model.c's */
#define PG_IDENT_MAX 63    /* PostgreSQL cuts longer identifiers */
#define TREE_GROUP 100     /* trees summed per column (bounds the expression's depth) */
#define SQLITE_NEST_MAX 16 /* nested CASEs SQLite's parser (100 entries) takes here */

struct unit {
	char name[128];
	int version;
	struct rules_model *rules;    /* the rules model, or NULL */
	struct rd_model *m;           /* a trained model, or NULL */
	struct xgb_trees *tr;         /* xgb, rf: the trees and their path attributions */
	int *input_col, *input_level; /* per booster input: its column and level (-1: numeric) */
	int *xcol;                    /* per model column (or rules term): its c index in x */
	int routes;                   /* bitmask of the routes it serves (0: all rows) */
};

struct server {
	int n;
	int unit[BLEND_MAX];
	double weight[BLEND_MAX];
	struct score_scaling sc;
	char label[BLEND_LABEL_MAX];
	int routes; /* 0: every row */
};

/* An input column of the features table. */
struct xcol {
	const char *name; /* owned by a model, the rules or the feature names */
	int categorical;
};

struct gen {
	struct rd_buf *b;
	enum sqlexport_dialect d;
	struct unit *u;
	int nu;
	struct server sv[BLEND_ROUTES];
	int ns;
	struct xcol cols[512];
	int ncols;
	int routed;  /* a route column: servers differ by route */
	int seg_col; /* x's orders_delivered, for routes */
	int kind_col;
	struct rd_err *err;
};

/* ---- printing ---- */

/* A double as an exact SQL literal of type double. */
static void put_num(struct gen *g, double v)
{
	char t[40];
	snprintf(t, sizeof t, "%.17g", v);
	if (!strpbrk(t, ".eEn"))
		strcat(t, ".0");
	if (g->d == SQLEXPORT_POSTGRES)
		buf_printf(g->b, v < 0 ? "(%s::float8)" : "%s::float8", t);
	else
		buf_printf(g->b, v < 0 ? "(%s)" : "%s", t);
}

static void put_str(struct rd_buf *b, const char *s)
{
	buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_putc(b, '\'');
		buf_putc(b, *s);
	}
	buf_putc(b, '\'');
}

static void put_ident(struct rd_buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

/* Text for a comment line: control bytes as '?', so no name ends the comment. */
static void put_comment_text(struct rd_buf *b, const char *s)
{
	for (; *s; s++)
		buf_putc(b, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

static const char *fn_min(const struct gen *g)
{
	return g->d == SQLEXPORT_POSTGRES ? "LEAST" : "min";
}

static const char *fn_max(const struct gen *g)
{
	return g->d == SQLEXPORT_POSTGRES ? "GREATEST" : "max";
}

static const char *real_type(const struct gen *g)
{
	return g->d == SQLEXPORT_POSTGRES ? "double precision" : "REAL";
}

/* num_format (util.c) of the expression v: "missing", a whole number, or C's %.6g. */
static void put_num_text(struct gen *g, const char *v)
{
	struct rd_buf *b = g->b;
	if (g->d == SQLEXPORT_SQLITE) {
		/* SQLite's printf does not round ties as C does: the 6 digits n are rounded
		 * here, half to even, from m = |v| 10^(5 - X0), whose rounding error e is
		 * Dekker's exact product error (a tie of m is one of |v| only when e = 0). */
		buf_printf(
			b,
			"CASE WHEN %s IS NULL THEN 'missing' WHEN abs(%s) < 1e15 AND %s ="
			" CAST(CAST(%s AS INTEGER) AS REAL) THEN CAST(CAST(%s AS INTEGER) AS TEXT)"
			" ELSE (SELECT s.sg || CASE WHEN s.x < -4 OR s.x >= 6 THEN"
			" rtrim(rtrim(substr(s.n, 1, 1) || '.' || substr(s.n, 2), '0'), '.') || "
			"'e' ||"
			" CASE WHEN s.x < 0 THEN '-' ELSE '+' END || CASE WHEN abs(s.x) < 10 THEN "
			"'0'"
			" ELSE '' END || abs(s.x) ELSE rtrim(rtrim(substr(s.p, 1, length(s.p) - 5 +"
			" s.x) || '.' || substr(s.p, length(s.p) - 4 + s.x), '0'), '.') END FROM"
			" (SELECT t.sg, t.x, CAST(t.n AS TEXT) AS n, replace(printf('%%*d', 6 -"
			" t.x, t.n), ' ', '0') AS p FROM (SELECT u.sg, CAST(CASE WHEN u.n >= "
			"1000000"
			" THEN u.x0 + 1 ELSE u.x0 END AS INTEGER) AS x, CASE WHEN u.n >= 1000000 "
			"THEN"
			" u.n / 10 ELSE u.n END AS n FROM (SELECT w.sg, w.x0, CAST(CASE WHEN w.m -"
			" floor(w.m) > 0.5 OR (w.m - floor(w.m) = 0.5 AND (w.e > 0 OR (w.e = 0 AND"
			" CAST(floor(w.m) AS INTEGER) %% 2 = 1))) THEN floor(w.m) + 1 ELSE"
			" floor(w.m) END AS INTEGER) AS n FROM (SELECT y.sg, y.x0, y.m, ((y.ah * "
			"y.bh"
			" - y.m) + y.ah * (y.b - y.bh) + (y.a - y.ah) * y.bh) + (y.a - y.ah) * "
			"(y.b -"
			" y.bh) AS e FROM (SELECT z.sg, z.x0, z.a, z.b, z.a * z.b AS m,"
			" 134217729.0 * z.a - (134217729.0 * z.a - z.a) AS ah, 134217729.0 * z.b -"
			" (134217729.0 * z.b - z.b) AS bh FROM (SELECT CASE WHEN %s < 0 THEN '-' "
			"ELSE"
			" '' END AS sg, floor(log10(abs(%s))) AS x0, abs(%s) AS a, pow(10.0, 5 -"
			" floor(log10(abs(%s)))) AS b) z) y) w) u) t) s) END",
			v, v, v, v, v, v, v, v, v);
		return;
	}
	/* %.6g: the exponent X of %.5e decides between %.(5-X)f and %.5e, trailing zeros
	 * dropped. PostgreSQL's to_char of a float8 prints with C's printf. */
	buf_printf(b,
		   "CASE WHEN %s IS NULL THEN 'missing' WHEN abs(%s) < 1e15::float8 AND %s ="
		   " trunc(%s) THEN CAST(CAST(%s AS bigint) AS text) ELSE (SELECT CASE WHEN"
		   " e.x < -4 OR e.x >= 6 THEN regexp_replace(e.s, '\\.?0+e', 'e') ELSE"
		   " rtrim(rtrim(to_char(%s, 'FM999999990.' || repeat('0', 5 - e.x)), '0'), '.')"
		   " END FROM (SELECT t.s, CAST(split_part(t.s, 'e', 2) AS int) AS x FROM"
		   " (SELECT trim(to_char(%s, '9.99999EEEE')) AS s) t) e) END",
		   v, v, v, v, v, v, v);
}

/* ---- columns of the features table ---- */

static int xcol_add(struct gen *g, const char *name, int categorical)
{
	for (int i = 0; i < g->ncols; i++) {
		if (strcmp(g->cols[i].name, name) == 0) {
			if (g->cols[i].categorical != categorical) {
				rd_err_set(g->err,
					   "column '%.100s' is numeric in one model and categorical"
					   " in another: one features table cannot hold both",
					   name);
				return -1;
			}
			return i;
		}
	}
	if (g->ncols == (int)(sizeof g->cols / sizeof *g->cols)) {
		rd_err_set(g->err, "more than %zu input columns", sizeof g->cols / sizeof *g->cols);
		return -1;
	}
	if (g->d == SQLEXPORT_POSTGRES && strlen(name) > PG_IDENT_MAX) {
		rd_err_set(g->err,
			   "column '%.100s' has a name longer than %d bytes, which PostgreSQL"
			   " cuts: rename the attribute to export for postgres",
			   name, PG_IDENT_MAX);
		return -1;
	}
	g->cols[g->ncols] = (struct xcol){name, categorical};
	return g->ncols++;
}

/* ---- trees ---- */

/* The booster of a trained tree model, its trees and their path attributions. */
static int load_trees(struct unit *u, const char *spec, struct rd_err *err)
{
	cJSON *doc = cJSON_Parse(spec);
	const cJSON *jb = cJSON_GetObjectItemCaseSensitive(doc, "booster");
	struct rd_err terr;
	if (cJSON_IsString(jb))
		u->tr = xgb_trees_parse(jb->valuestring, strlen(jb->valuestring), u->m->ninputs,
					&terr);
	else
		snprintf(terr.msg, sizeof terr.msg, "no booster");
	cJSON_Delete(doc);
	if (!u->tr) {
		rd_err_set(err, "model %s@%d: its booster: %s", u->name, u->version, terr.msg);
		return -1;
	}
	return 0;
}

/* The condition under which a row goes left at node i: XGBoost compares the input as a
 * float, (float)v < cond, which for a double v is v < mid (or <=) with mid the midpoint
 * between cond and the float below it, rounding to even there. A one-hot input is 1 for
 * its level, else 0 (missing included): its test is on the level. Returns -1 when the
 * node's outcome does not depend on the row (0: right, 1: left) as 0/1 in *always. */
static int put_cond(struct gen *g, const struct unit *u, const struct xgb_tree *t, int i,
		    int *always)
{
	int in = t->split[i], c = u->input_col[in], l = u->input_level[in];
	float cond = t->cond[i];
	char x[32];
	snprintf(x, sizeof x, "x.c%d", u->xcol[c]);
	if (l >= 0) {
		int one = 1.0f < cond, zero = 0.0f < cond;
		if (one == zero) {
			*always = one;
			return -1;
		}
		buf_printf(g->b, one ? "%s = " : "(%s IS NULL OR %s <> ", x, x);
		put_str(g->b, u->m->cols[c].levels[l]);
		if (!one)
			buf_putc(g->b, ')');
		return 0;
	}
	float below = nextafterf(cond, -INFINITY);
	buf_printf(g->b, t->dleft[i] ? "(%s IS NULL OR %s " : "%s ", x, x);
	if (isinf(below)) {
		buf_puts(g->b, "< ");
		put_num(g, cond);
	} else {
		uint32_t bits;
		memcpy(&bits, &below, sizeof bits);
		double mid = ((double)below + (double)cond) / 2;
		buf_puts(g->b, bits & 1 ? "< " : "<= ");
		put_num(g, mid);
	}
	if (t->dleft[i])
		buf_putc(g->b, ')');
	return 0;
}

/* A float: PostgreSQL's real (float4, whose + is C's float addition), else a double. */
static void put_leaf(struct gen *g, float v)
{
	if (g->d == SQLEXPORT_SQLITE) {
		put_num(g, v);
		return;
	}
	char t[40];
	snprintf(t, sizeof t, "%.17g", (double)v);
	if (!strpbrk(t, ".eEn"))
		strcat(t, ".0");
	buf_printf(g->b, v < 0 ? "(%s::real)" : "%s::real", t);
}

/* Leaf i's path attribution to input in (0 when its path does not split on in). */
static float leaf_part(const struct xgb_tree *t, int i, int in)
{
	float v = 0;
	for (int e = t->at[i]; e < t->at[i + 1]; e++)
		if (t->in[e] == in)
			v = t->val[e];
	return v;
}

/* Whether every leaf below node i has the same value (in < 0) or attribution to input
 * in, bit for bit: then *v is it, and the walk stops there. */
static int node_constant(const struct xgb_tree *t, int i, int in, float *v)
{
	if (t->left[i] < 0) {
		*v = in < 0 ? t->cond[i] : leaf_part(t, i, in);
		return 1;
	}
	float a, b;
	return node_constant(t, t->left[i], in, &a) && node_constant(t, t->right[i], in, &b) &&
	       memcmp(&a, &b, sizeof a) == 0 && (*v = a, 1);
}

#define NODE_VALUE (-1) /* put_node's in: the leaves' values */
#define NODE_ID (-2)    /* the leaves' node numbers */

/* Node i as nested CASEs down to its leaves' values, node numbers, or path attributions
 * to input in: the leaf's contribution found by the walk itself, not by a join to a
 * table of leaves, which SQLite may scan for every row (docs/design.md, "Forests as
 * SQL"). A subtree whose leaves all give the same value is that value. */
static void put_node(struct gen *g, const struct unit *u, const struct xgb_tree *t, int i, int in)
{
	int always = 0;
	float v;
	while (t->left[i] >= 0) {
		if (in >= 0 && node_constant(t, i, in, &v)) {
			put_leaf(g, v);
			return;
		}
		size_t at = g->b->len;
		buf_puts(g->b, "CASE WHEN ");
		if (put_cond(g, u, t, i, &always) == 0)
			break;
		g->b->len = at; /* no test: the one child */
		i = always ? t->left[i] : t->right[i];
	}
	if (t->left[i] < 0) {
		if (in == NODE_ID)
			buf_printf(g->b, "%d", i);
		else
			put_leaf(g, in < 0 ? t->cond[i] : leaf_part(t, i, in));
		return;
	}
	buf_puts(g->b, " THEN ");
	put_node(g, u, t, t->left[i], in);
	buf_puts(g->b, " ELSE ");
	put_node(g, u, t, t->right[i], in);
	buf_puts(g->b, " END");
}

/* ---- units ---- */

static void unit_free(struct unit *u)
{
	free(u->rules);
	model_free(u->m);
	xgb_trees_free(u->tr);
	free(u->input_col);
	free(u->input_level);
	free(u->xcol);
}

/* Reads name@version into a new unit (its x columns registered). */
static int unit_load(struct gen *g, struct rd_store *st, const char *name, int version)
{
	for (int i = 0; i < g->nu; i++)
		if (strcmp(g->u[i].name, name) == 0 && g->u[i].version == version)
			return i;
	sqlite3_stmt *s;
	if (store_prepare(st, "SELECT algo, spec FROM models WHERE name = ?1 AND version = ?2", &s,
			  g->err))
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, version);
	g->u = rd_realloc(g->u, (size_t)(g->nu + 1) * sizeof *g->u);
	struct unit *u = &g->u[g->nu];
	memset(u, 0, sizeof *u);
	snprintf(u->name, sizeof u->name, "%s", name);
	u->version = version;
	int rc = -1;
	struct rd_err perr;
	if (sqlite3_step(s) != SQLITE_ROW) {
		rd_err_set(g->err, "no model %s@%d", name, version);
		goto out;
	}
	const char *algo = (const char *)sqlite3_column_text(s, 0);
	const char *spec = (const char *)sqlite3_column_text(s, 1);
	g->nu++;
	if (strcmp(algo, "rules") == 0) {
		u->rules = rd_malloc(sizeof *u->rules);
		if (rules_parse(spec, u->rules, &perr)) {
			rd_err_set(g->err, "model %s@%d: %s", name, version, perr.msg);
			goto out;
		}
		u->xcol = rd_malloc((size_t)(u->rules->nterms + 1) * sizeof *u->xcol);
		for (int k = 0; k < u->rules->nterms; k++)
			if ((u->xcol[k] = xcol_add(g, feature_names[u->rules->terms[k].feature],
						   0)) < 0)
				goto out;
		rc = 0;
		goto out;
	}
	if (!(u->m = model_parse(spec, &perr))) {
		rd_err_set(g->err, "model %s@%d: %s", name, version, perr.msg);
		goto out;
	}
	u->xcol = rd_malloc((size_t)u->m->ncols * sizeof *u->xcol);
	for (int k = 0; k < u->m->ncols; k++)
		if ((u->xcol[k] = xcol_add(g, u->m->cols[k].name, u->m->cols[k].categorical)) < 0)
			goto out;
	if (model_algo_trees(u->m->algo)) {
		if (load_trees(u, spec, g->err))
			goto out;
		u->input_col = rd_malloc((size_t)u->m->ninputs * sizeof(int));
		u->input_level = rd_malloc((size_t)u->m->ninputs * sizeof(int));
		for (int c = 0; c < u->m->ncols; c++) {
			const struct model_column *col = &u->m->cols[c];
			for (int j = 0; j < (col->categorical ? col->nlevels : 1); j++) {
				u->input_col[col->first_input + j] = c;
				u->input_level[col->first_input + j] = col->categorical ? j : -1;
			}
		}
		for (int t = 0; t < u->tr->ntrees && g->d == SQLEXPORT_SQLITE; t++) {
			if (u->tr->t[t].depth > SQLITE_NEST_MAX) {
				rd_err_set(g->err,
					   "model %s@%d: tree %d is %d levels deep; SQLite's parser"
					   " takes at most %d nested CASEs (export for postgres)",
					   name, version, t, u->tr->t[t].depth, SQLITE_NEST_MAX);
				goto out;
			}
		}
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	return rc < 0 ? -1 : g->nu - 1;
}

/* " WHERE x.route IN (...)" for routes (a mask; 0: no filter). */
static void put_routes(struct gen *g, int routes, const char *alias)
{
	if (!g->routed || !routes)
		return;
	buf_printf(g->b, " WHERE %s.route IN (", alias);
	int first = 1;
	for (int r = 0; r < BLEND_ROUTES; r++) {
		if (routes & (1 << r)) {
			buf_printf(g->b, first ? "%d" : ", %d", r);
			first = 0;
		}
	}
	buf_putc(g->b, ')');
}

/* The log-odds part of logit column c at x.cN (model.c's logit_row). */
static void put_logit_part(struct gen *g, const struct unit *u, int c)
{
	const struct model_column *col = &u->m->cols[c];
	int xc = u->xcol[c];
	if (col->categorical) {
		buf_printf(g->b, "CASE x.c%d", xc);
		for (int l = 0; l < col->nlevels; l++) {
			buf_puts(g->b, " WHEN ");
			put_str(g->b, col->levels[l]);
			buf_puts(g->b, " THEN ");
			put_num(g, col->weights[l]);
		}
		buf_puts(g->b, " ELSE ");
		put_num(g, 0);
		buf_puts(g->b, " END");
		return;
	}
	double z = (col->impute - col->mean) / col->sd;
	buf_printf(g->b, "CASE WHEN x.c%d IS NULL THEN ", xc);
	put_num(g, col->weight * z + col->missing_weight);
	buf_puts(g->b, " ELSE ");
	put_num(g, col->weight);
	buf_puts(g->b, " * ((");
	if (isinf(col->clip_lo) && isinf(col->clip_hi)) {
		buf_printf(g->b, "x.c%d", xc);
	} else {
		buf_printf(g->b, "%s(%s(x.c%d, ", fn_min(g), fn_max(g), xc);
		put_num(g, col->clip_lo);
		buf_puts(g->b, "), ");
		put_num(g, col->clip_hi);
		buf_puts(g->b, ")");
	}
	buf_puts(g->b, " - ");
	put_num(g, col->mean);
	buf_puts(g->b, ") / ");
	put_num(g, col->sd);
	buf_puts(g->b, ") END");
}

/* The bin of scorecard column c (model_scorecard_bin), -1 for none. */
static void put_bin(struct gen *g, const struct unit *u, int c)
{
	const struct model_column *col = &u->m->cols[c];
	int xc = u->xcol[c];
	if (col->categorical) {
		buf_printf(g->b, "CASE x.c%d", xc);
		for (int l = 0; l < col->nlevels; l++) {
			buf_puts(g->b, " WHEN ");
			put_str(g->b, col->levels[l]);
			buf_printf(g->b, " THEN %d", col->level_bin[l]);
		}
		buf_printf(g->b, " ELSE %d END", col->missing_bin);
		return;
	}
	buf_printf(g->b, "CASE WHEN x.c%d IS NULL THEN %d", xc, col->missing_bin);
	for (int k = 0; k < col->nspecial; k++) {
		buf_printf(g->b, " WHEN x.c%d = ", xc);
		put_num(g, col->special[k]);
		buf_printf(g->b, " THEN %d", col->special_bin[k]);
	}
	for (int e = 0; e < col->nedges; e++) {
		const struct model_bin *bin = &col->bins[col->edge_bin[e]];
		if (isinf(bin->hi)) {
			buf_printf(g->b, " ELSE %d END", col->edge_bin[e]);
			return;
		}
		buf_printf(g->b, " WHEN x.c%d <= ", xc);
		put_num(g, bin->hi);
		buf_printf(g->b, " THEN %d", col->edge_bin[e]);
	}
	buf_puts(g->b, " ELSE -1 END");
}

/* CASE bN WHEN k THEN value_k ... ELSE 0 END over a scorecard column's bins. */
static void put_bin_value(struct gen *g, const struct unit *u, int c, int points)
{
	const struct model_column *col = &u->m->cols[c];
	buf_printf(g->b, "CASE u.b%d", c);
	for (int k = 0; k < col->nbins; k++) {
		buf_printf(g->b, " WHEN %d THEN ", k);
		put_num(g, points ? col->bins[k].points : col->bins[k].woe);
	}
	buf_puts(g->b, " ELSE ");
	put_num(g, 0);
	buf_puts(g->b, " END");
}

/* Whether unit u's reasons can be written: rules, logit and scorecard, and trees whose
 * reasons are XGBoost's approximate contributions (path attributions, constant per leaf:
 * xgbtree.h); not a tree model's exact SHAP values (docs/design.md, "Models as SQL"). */
static int unit_reasons(const struct unit *u)
{
	return !u->m || !model_algo_trees(u->m->algo) || u->m->approx_reasons;
}

/* Whether tree t splits on input in. */
static int tree_splits(const struct xgb_tree *t, int in)
{
	for (int i = 0; i < t->n; i++)
		if (t->left[i] >= 0 && t->split[i] == in)
			return 1;
	return 0;
}

/* With reasons (unit_reasons), each input's contributions summed over the trees into
 * columns h{in}, from the path attributions (xgbtree.h): the columns of the step that adds
 * trees t0..t1-1 (none: carried on), each adding, for each input it splits on, the
 * attribution of the row's leaf. SQLite walks the tree for it (put_node, pruned); PostgreSQL
 * looks it up in an array by the leaf put_tree_leaves found. Neither joins a table of
 * leaves, which SQLite may scan for every row (docs/design.md "Forests as SQL"). From 0,
 * or tree 0's value, tree after tree: in PostgreSQL in real, as libxgboost adds them; in
 * SQLite in double. used[in]: some tree splits on input in (the others' sums are 0). */
static void put_tree_h(struct gen *g, const struct unit *u, int t0, int t1,
		       const unsigned char *used)
{
	for (int in = 0; in < u->m->ninputs; in++) {
		if (!used[in])
			continue;
		buf_puts(g->b, ",\n  ");
		int any = t0 > 0;
		if (any) {
			buf_printf(g->b, "x.h%d", in);
		} else if (!tree_splits(&u->tr->t[0], in)) {
			put_leaf(g, 0);
			any = 1;
		}
		for (int t = t0; t < t1; t++) {
			const struct xgb_tree *tr = &u->tr->t[t];
			if (!tree_splits(tr, in))
				continue;
			buf_puts(g->b, any ? " + " : "");
			any = 1;
			if (g->d == SQLEXPORT_SQLITE) {
				put_node(g, u, tr, 0, in);
				continue;
			}
			buf_puts(g->b, "(ARRAY[");
			for (int i = 0; i < tr->n; i++) {
				buf_puts(g->b, i ? ", " : "");
				put_leaf(g, tr->left[i] < 0 ? leaf_part(tr, i, in) : 0);
			}
			buf_printf(g->b, "])[w.l%d + 1]", t);
		}
		buf_printf(g->b, " AS h%d", in);
	}
}

/* PostgreSQL: the leaves of trees t0..t1-1 (their node numbers, l{t}), found once per row
 * for put_tree_h's look-ups in arrays of the leaves' attributions; a lateral subquery that
 * OFFSET 0 keeps whole (inlined, each look-up would walk the tree again). */
static void put_tree_leaves(struct gen *g, const struct unit *u, int t0, int t1)
{
	buf_puts(g->b, " CROSS JOIN LATERAL (SELECT ");
	for (int t = t0; t < t1; t++) {
		buf_puts(g->b, t > t0 ? ",\n  " : "");
		put_node(g, u, &u->tr->t[t], 0, NODE_ID);
		buf_printf(g->b, " AS l%d", t);
	}
	buf_puts(g->b, " OFFSET 0) w");
}

/* s{k} of a tree unit: eta from the last step of the trees, and with reasons (used) each
 * column's input v{c} and points lost l{c}: its inputs' sums (a one-hot column's levels')
 * in double, in points (model.c's xgb_score). */
static void put_tree_eta(struct gen *g, int k, const char *last, const char *eta,
			 const unsigned char *used)
{
	const struct unit *u = &g->u[k];
	buf_printf(g->b, "s%d AS (SELECT u.id%s, %s AS eta", k, g->routed ? ", u.route" : "", eta);
	for (int c = 0; used && c < u->m->ncols; c++) {
		const struct model_column *col = &u->m->cols[c];
		buf_printf(g->b, ",\n  u.c%d AS v%d, (", u->xcol[c], c);
		put_num(g, 0);
		for (int j = 0; j < (col->categorical ? col->nlevels : 1); j++) {
			int in = col->first_input + j;
			if (!used[in])
				continue;
			if (g->d == SQLEXPORT_POSTGRES)
				buf_printf(g->b, " + CAST(u.h%d AS double precision)", in);
			else
				buf_printf(g->b, " + u.h%d", in);
		}
		buf_puts(g->b, ") * ");
		put_num(g, u->m->scaling.pdo / M_LN2);
		buf_printf(g->b, " AS l%d", c);
	}
	buf_printf(g->b, "\n  FROM %s u),\n", last);
}

/* The trees of unit k summed into column a (SQLite) or g (PostgreSQL) of u{k}_*. SQLite:
 * one step per tree. PostgreSQL: in real, as XGBoost sums them (float, from the base
 * margin, tree after tree), a hundred trees per step u{k}_{i}, each adding to the last
 * one's sum. With reasons, the same steps add the trees' contributions (put_tree_h). */
static void put_tree_unit(struct gen *g, int k)
{
	const struct unit *u = &g->u[k];
	int ntrees = u->tr->ntrees;
	unsigned char *used = NULL;
	if (unit_reasons(u)) {
		used = rd_calloc((size_t)u->m->ninputs, 1);
		for (int t = 0; t < ntrees; t++) {
			const struct xgb_tree *tr = &u->tr->t[t];
			for (int i = 0; i < tr->n; i++)
				if (tr->left[i] >= 0)
					used[tr->split[i]] = 1;
		}
	}
	char last[32];
	if (g->d == SQLEXPORT_SQLITE) {
		/* No float type: each tree's step u{k}_t adds its leaf to the last sum rounded
		 * to a float, (a + C) - C with C = 1.5 * 2^(E + 29), E the binade of a (log2,
		 * corrected at powers of two): a rounding to 24 bits, ties to even. */
		for (int t = 0; t <= ntrees; t++) {
			buf_printf(g->b, "u%d_%d AS MATERIALIZED (SELECT x.id%s", k, t,
				   g->routed ? ", x.route" : "");
			for (int c = 0; c < g->ncols; c++)
				buf_printf(g->b, ", x.c%d", c);
			buf_puts(g->b, ",\n  ");
			if (t == 0) {
				put_num(g, (double)u->tr->base_margin);
			} else {
				const char *e0 = "floor(log2(abs(x.a)))";
				char e[256], cc[320];
				snprintf(e, sizeof e,
					 "(%s - (pow(2.0, %s) > abs(x.a)) + (pow(2.0, %s + 1) <="
					 " abs(x.a)))",
					 e0, e0, e0);
				snprintf(cc, sizeof cc, "(1.5 * pow(2.0, %s + 29))", e);
				buf_printf(g->b,
					   "CASE WHEN x.a = 0 THEN 0.0 ELSE (x.a + %s) - %s END",
					   cc, cc);
			}
			if (t < ntrees) {
				buf_puts(g->b, " + ");
				put_node(g, u, &u->tr->t[t], 0, NODE_VALUE);
			}
			buf_puts(g->b, " AS a");
			if (used)
				put_tree_h(g, u, t, t < ntrees ? t + 1 : t, used);
			buf_puts(g->b, "\n  FROM ");
			if (t == 0) {
				buf_puts(g->b, "x");
				put_routes(g, u->routes, "x");
			} else {
				buf_printf(g->b, "u%d_%d x", k, t - 1);
			}
			buf_puts(g->b, "),\n");
		}
		snprintf(last, sizeof last, "u%d_%d", k, ntrees);
		put_tree_eta(g, k, last, "u.a", used);
	} else {
		int groups = (ntrees + TREE_GROUP - 1) / TREE_GROUP;
		for (int gr = 0; gr < groups; gr++) {
			int last_tree = ntrees < (gr + 1) * TREE_GROUP ? ntrees
								       : (gr + 1) * TREE_GROUP;
			buf_printf(g->b, "u%d_%d AS MATERIALIZED (SELECT x.id%s", k, gr,
				   g->routed ? ", x.route" : "");
			for (int c = 0; c < g->ncols; c++)
				buf_printf(g->b, ", x.c%d", c);
			buf_puts(g->b, ",\n  ");
			if (gr == 0)
				put_leaf(g, u->tr->base_margin);
			else
				buf_printf(g->b, "x.g%d", gr - 1);
			for (int t = gr * TREE_GROUP; t < ntrees && t < (gr + 1) * TREE_GROUP;
			     t++) {
				buf_puts(g->b, "\n  + ");
				put_node(g, u, &u->tr->t[t], 0, NODE_VALUE);
			}
			buf_printf(g->b, " AS g%d", gr);
			if (used)
				put_tree_h(g, u, gr * TREE_GROUP, last_tree, used);
			if (gr == 0)
				buf_puts(g->b, "\n  FROM x");
			else
				buf_printf(g->b, "\n  FROM u%d_%d x", k, gr - 1);
			if (used)
				put_tree_leaves(g, u, gr * TREE_GROUP, last_tree);
			if (gr == 0)
				put_routes(g, u->routes, "x");
			buf_puts(g->b, "),\n");
		}
		snprintf(last, sizeof last, "u%d_%d", k, groups - 1);
		char eta[64];
		snprintf(eta, sizeof eta, "CAST(u.g%d AS double precision)", groups - 1);
		put_tree_eta(g, k, last, eta, used);
	}
	free(used);
}

/* Unit k as CTEs ending in z{k}(id, [route,] raw, pd, v0.., l0..): its unclamped score,
 * its PD (trained: the model's; rules: NULL, from the score later), the inputs and the
 * points lost per column; and r{k}(id, code, text, points, rn) its reasons ranked. */
static void put_unit(struct gen *g, int k)
{
	const struct unit *u = &g->u[k];
	struct rd_buf *b = g->b;
	const char *route = g->routed ? ", u.route" : "";
	if (u->rules) {
		const struct rules_model *r = u->rules;
		buf_printf(b, "u%d AS MATERIALIZED (SELECT x.id%s", k,
			   g->routed ? ", x.route" : "");
		for (int j = 0; j < r->nterms; j++) {
			const struct rules_term *t = &r->terms[j];
			buf_printf(b, ",\n  x.c%d AS v%d, ", u->xcol[j], j);
			if (t->has_cap)
				buf_printf(b, "%s(", fn_min(g));
			buf_printf(b, "(x.c%d / ", u->xcol[j]);
			put_num(g, t->divisor);
			buf_puts(b, ") * ");
			put_num(g, t->weight);
			if (t->has_cap) {
				buf_puts(b, ", ");
				put_num(g, t->cap);
				buf_putc(b, ')');
			}
			buf_printf(b, " AS p%d", j);
		}
		buf_puts(b, "\n  FROM x");
		put_routes(g, u->routes, "x");
		buf_printf(b, "),\nz%d AS (SELECT u.id%s, ", k, route);
		put_num(g, r->baseline);
		for (int j = 0; j < r->nterms; j++)
			buf_printf(b, " + u.p%d", j);
		buf_puts(b, " AS raw, NULL AS pd");
		for (int j = 0; j < r->nterms; j++) {
			const struct rules_term *t = &r->terms[j];
			buf_printf(b, ",\n  u.v%d, ", j);
			if (t->has_cap) {
				put_num(g, t->cap);
				buf_printf(b, " - u.p%d", j);
			} else {
				buf_printf(b, "CASE WHEN u.p%d < 0 THEN -u.p%d ELSE ", j, j);
				put_num(g, 0);
				buf_puts(b, " END");
			}
			buf_printf(b, " AS l%d", j);
		}
		buf_printf(b, "\n  FROM u%d u),\n", k);
	} else if (model_algo_trees(u->m->algo)) {
		put_tree_unit(g, k);
	} else {
		const struct rd_model *m = u->m;
		buf_printf(b, "u%d AS MATERIALIZED (SELECT x.id%s", k,
			   g->routed ? ", x.route" : "");
		for (int c = 0; c < m->ncols; c++) {
			buf_printf(b, ",\n  x.c%d AS v%d, ", u->xcol[c], c);
			if (m->algo == MODEL_LOGIT) {
				put_logit_part(g, u, c);
				buf_printf(b, " AS p%d", c);
			} else {
				put_bin(g, u, c);
				buf_printf(b, " AS b%d", c);
			}
		}
		buf_puts(b, "\n  FROM x");
		put_routes(g, u->routes, "x");
		buf_printf(b, "),\ns%d AS (SELECT u.id%s, ", k, route);
		put_num(g, m->intercept);
		for (int c = 0; c < m->ncols; c++) {
			if (m->algo == MODEL_LOGIT) {
				buf_printf(b, " + u.p%d", c);
				continue;
			}
			buf_puts(b, "\n  + ");
			put_num(g, m->cols[c].coef);
			buf_puts(b, " * ");
			put_bin_value(g, u, c, 0);
		}
		buf_puts(b, " AS eta");
		double factor = m->scaling.pdo / M_LN2;
		for (int c = 0; c < m->ncols; c++) {
			buf_printf(b, ",\n  u.v%d, ", c);
			if (m->algo == MODEL_LOGIT) {
				buf_printf(b, "(u.p%d - ", c);
				put_num(g, m->cols[c].avg);
				buf_puts(b, ") * ");
				put_num(g, factor);
			} else {
				put_num(g, m->cols[c].avg);
				buf_puts(b, " - ");
				put_bin_value(g, u, c, 1);
			}
			buf_printf(b, " AS l%d", c);
		}
		buf_printf(b, "\n  FROM u%d u),\n", k);
	}
	if (!u->rules) {
		/* model.c's fill: the PD kept inside [1e-12, 1 - 1e-12], its score. */
		const struct score_scaling *sc = &u->m->scaling;
		buf_printf(b, "t%d AS (SELECT s.*, %s(%s(", k, fn_min(g), fn_max(g));
		put_num(g, 1);
		buf_puts(b, " / (");
		put_num(g, 1);
		buf_puts(b, " + exp(-s.eta)), ");
		put_num(g, PD_FLOOR);
		buf_puts(b, "), ");
		put_num(g, 1 - PD_FLOOR);
		buf_printf(b, ") AS pd FROM s%d s),\n", k);
		buf_printf(b, "z%d AS (SELECT t.*, ", k);
		put_num(g, sc->base_score);
		buf_puts(b, " + ");
		put_num(g, sc->pdo / M_LN2);
		buf_puts(b, " * ln(((");
		put_num(g, 1);
		buf_puts(b, " - t.pd) / t.pd) / ");
		put_num(g, sc->base_odds);
		buf_printf(b, ") AS raw FROM t%d t),\n", k);
	}
	if (!unit_reasons(u))
		return; /* exact SHAP: no reasons (docs/design.md, "Models as SQL") */
	/* Reasons: one row per column losing more than 0.005 points, ranked. */
	int n = u->rules ? u->rules->nterms : u->m->ncols;
	int *tie = rd_malloc((size_t)n * sizeof *tie);
	for (int j = 0; j < n; j++) {
		tie[j] = 0;
		for (int i = 0; i < n; i++) {
			/* rules: by feature (score.c); trained: by name (model.c) */
			int before = u->rules ? u->rules->terms[i].feature <
							u->rules->terms[j].feature
					      : strcmp(u->m->cols[i].name, u->m->cols[j].name) < 0;
			tie[j] += before || (i < j && (u->rules ? u->rules->terms[i].feature ==
									  u->rules->terms[j].feature
								: 0));
		}
	}
	buf_printf(b, "j%d(k, tie) AS (VALUES ", k);
	for (int j = 0; j < n; j++)
		buf_printf(b, j ? ", (%d, %d)" : "(%d, %d)", j, tie[j]);
	buf_puts(b, "),\n");
	free(tie);
	buf_printf(b,
		   "r%d AS (SELECT q.id, q.code, q.text, q.points, row_number() OVER"
		   " (PARTITION BY q.id ORDER BY q.points DESC, q.tie) AS rn FROM (SELECT z.id,"
		   " j.tie, CASE j.k",
		   k);
	for (int j = 0; j < n; j++)
		buf_printf(b, " WHEN %d THEN z.l%d", j, j);
	buf_puts(b, " END AS lost,\n  CASE j.k");
	for (int j = 0; j < n; j++) {
		char code[REASON_CODE_SIZE];
		if (u->rules)
			snprintf(code, sizeof code, "%s", u->rules->terms[j].code);
		else
			snprintf(code, sizeof code, "M-%s", u->m->cols[j].name);
		buf_printf(b, " WHEN %d THEN ", j);
		put_str(b, code);
	}
	buf_puts(b, " END AS code,\n  CASE j.k");
	for (int j = 0; j < n; j++) {
		buf_printf(b, "\n   WHEN %d THEN ", j);
		if (u->rules) {
			put_str(b, u->rules->terms[j].text);
			continue;
		}
		const struct model_column *col = &u->m->cols[j];
		char text[REASON_TEXT_SIZE];
		if (col->categorical) {
			buf_printf(b, "CASE z.v%d", j);
			for (int l = 0; l < col->nlevels; l++) {
				char full[REASON_NAME_MAX + RD_LABEL_MAX + 1024];
				snprintf(full, sizeof full, "%s: %s", model_label(u->m, j),
					 col->level_labels && col->level_labels[l]
						 ? col->level_labels[l]
						 : col->levels[l]);
				utf8_copy_cut(text, sizeof text, full);
				buf_puts(b, " WHEN ");
				put_str(b, col->levels[l]);
				buf_puts(b, " THEN ");
				put_str(b, text);
			}
			char full[REASON_NAME_MAX + 64];
			snprintf(full, sizeof full, "%s: missing or unseen", model_label(u->m, j));
			utf8_copy_cut(text, sizeof text, full);
			buf_puts(b, " ELSE ");
			put_str(b, text);
			buf_puts(b, " END");
		} else {
			char label[REASON_NAME_MAX + 8];
			snprintf(label, sizeof label, "%s: ", model_label(u->m, j));
			put_str(b, label);
			buf_puts(b, " || (");
			char v[16];
			snprintf(v, sizeof v, "z.v%d", j);
			put_num_text(g, v);
			buf_putc(b, ')');
		}
	}
	buf_puts(b, " END AS text,\n  ");
	if (u->rules) {
		buf_puts(b, "CASE j.k");
		for (int j = 0; j < n; j++)
			buf_printf(b, " WHEN %d THEN z.l%d", j, j);
		buf_puts(b, " END");
	} else {
		buf_printf(b, "%s(CASE j.k", fn_min(g));
		for (int j = 0; j < n; j++)
			buf_printf(b, " WHEN %d THEN z.l%d", j, j);
		buf_puts(b, " END, ");
		put_num(g, SCORE_MAX - SCORE_MIN);
		buf_putc(b, ')');
	}
	buf_printf(b, " AS points\n  FROM z%d z CROSS JOIN j%d j) q WHERE q.lost > ", k, k);
	put_num(g, 0.005);
	buf_puts(b, "),\n");
}

/* ---- servers: who scores each route ---- */

/* Server s as f{s}(id, model, raw, score, pd, band) and q{s}(id, reason1..) CTEs. */
static void put_server(struct gen *g, int s)
{
	const struct server *sv = &g->sv[s];
	struct rd_buf *b = g->b;
	const struct score_scaling *sc = &sv->sc;
	const struct unit *u0 = &g->u[sv->unit[0]];
	/* raw: a blend's members' rows gathered by id (a sort: a join here may become a
	 * scan per row, docs/design.md "Forests as SQL"), the ids all of them score */
	if (sv->n == 1) {
		buf_printf(b, "e%d AS (SELECT z0.id, z0.raw, z0.pd FROM z%d z0", s, sv->unit[0]);
		put_routes(g, sv->routes, "z0");
	} else {
		double wsum = 0;
		for (int k = 0; k < sv->n; k++)
			wsum += sv->weight[k];
		buf_printf(b, "e%d AS (SELECT a.id, (", s);
		for (int k = 0; k < sv->n; k++) {
			buf_puts(b, k ? " + " : "");
			put_num(g, sv->weight[k]);
			buf_printf(b, " * max(CASE WHEN a.k = %d THEN a.raw END)", k);
		}
		buf_puts(b, ") / ");
		put_num(g, wsum);
		buf_puts(b, " AS raw, NULL AS pd FROM (");
		for (int k = 0; k < sv->n; k++) {
			buf_printf(b, "%sSELECT z.id, %d AS k, z.raw FROM z%d z",
				   k ? " UNION ALL " : "", k, sv->unit[k]);
			put_routes(g, sv->routes, "z");
		}
		buf_printf(b, ") a GROUP BY a.id HAVING count(*) = %d", sv->n);
	}
	buf_puts(b, "),\n");
	/* score: round half away from zero (exact: x - floor(x) is), clamped */
	buf_printf(b,
		   "w%d AS (SELECT e.*, CASE WHEN e.raw - floor(e.raw) >= 0.5 THEN floor(e.raw) +"
		   " 1 ELSE floor(e.raw) END AS r FROM e%d e),\n",
		   s, s);
	buf_printf(b,
		   "f%d AS (SELECT w.id, CASE WHEN w.r >= %d AND w.r <= %d THEN w.r WHEN w.r > %d"
		   " THEN %d ELSE %d END AS score, w.raw, w.pd FROM w%d w),\n",
		   s, SCORE_MIN, SCORE_MAX, SCORE_MAX, SCORE_MAX, SCORE_MIN, s);
	/* reasons */
	int reasons = 1;
	for (int k = 0; k < sv->n; k++)
		reasons &= unit_reasons(&g->u[sv->unit[k]]);
	if (!reasons)
		goto final;
	if (sv->n == 1) {
		/* its unit's rows of other routes too: q drops them */
		buf_printf(b, "v%d AS (SELECT r.id, r.code, r.text, r.points, r.rn FROM r%d r),\n",
			   s, sv->unit[0]);
	} else {
		/* engine.c's merge_reasons: each member's top 4 weighted by its share, summed
		 * per code (in member order), the text of the first member that has it */
		double wsum = 0;
		for (int k = 0; k < sv->n; k++)
			wsum += sv->weight[k];
		buf_printf(b, "m%d AS (", s);
		for (int k = 0; k < sv->n; k++) {
			buf_printf(b, "%sSELECT r.id, r.code, r.text, ", k ? "\n  UNION ALL " : "");
			put_num(g, sv->weight[k] / wsum);
			buf_printf(b,
				   " * r.points AS points, %d AS member FROM r%d r WHERE r.rn <= "
				   "%d",
				   k, sv->unit[k], REASONS_MAX);
		}
		buf_puts(b, "),\n");
		buf_printf(b,
			   "n%d AS (SELECT m.id, m.code, m.text, sum(m.points) OVER (PARTITION BY"
			   " m.id, m.code ORDER BY m.member ROWS BETWEEN UNBOUNDED PRECEDING AND"
			   " UNBOUNDED FOLLOWING) AS points, row_number() OVER (PARTITION BY m.id,"
			   " m.code ORDER BY m.member) AS first FROM m%d m),\n",
			   s, s);
		buf_printf(b,
			   "v%d AS (SELECT n.id, n.code, n.text, n.points, row_number() OVER"
			   " (PARTITION BY n.id ORDER BY n.points DESC, n.code%s) AS rn FROM n%d n"
			   " WHERE n.first = 1),\n",
			   s, g->d == SQLEXPORT_POSTGRES ? " COLLATE \"C\"" : "", s);
	}
	/* q: f's row (rn 0) and its reasons gathered by id, a sort (a join of f to the
	 * reasons grouped may become a scan per row); the ids f does not score dropped */
	buf_printf(b,
		   "q%d AS (SELECT v.id, max(v.score) AS score, max(v.raw) AS raw, max(v.pd) AS pd",
		   s);
	for (int r = 1; r <= REASONS_MAX; r++)
		buf_printf(b,
			   ", max(CASE WHEN v.rn = %d THEN v.code END) AS reason%d,"
			   " max(CASE WHEN v.rn = %d THEN v.text END) AS reason%d_text,"
			   " max(CASE WHEN v.rn = %d THEN v.points END) AS reason%d_points",
			   r, r, r, r, r, r);
	const char *rt = real_type(g);
	buf_printf(b,
		   "\n  FROM (SELECT f.id, f.score, f.raw, CAST(f.pd AS %s) AS pd, 0 AS rn,"
		   " CAST(NULL AS text) AS code, CAST(NULL AS text) AS text, CAST(NULL AS %s) AS"
		   " points FROM f%d f UNION ALL SELECT v.id, CAST(NULL AS %s), CAST(NULL AS %s),"
		   " CAST(NULL AS %s), v.rn, v.code, v.text, v.points FROM v%d v WHERE v.rn <= %d) "
		   "v"
		   " GROUP BY v.id HAVING min(v.rn) = 0),\n",
		   rt, rt, s, rt, rt, rt, s, REASONS_MAX);
final:
	/* the row: score, PD (a single trained model's own; else from the score: the
	 * rules model's from the clamped score, a blend's from its raw score), band */
	buf_printf(b, "o%d AS (SELECT f.id, ", s);
	char label[BLEND_LABEL_MAX + 32];
	if (sv->n == 1)
		snprintf(label, sizeof label, "%s@%d", u0->name, u0->version);
	else
		snprintf(label, sizeof label, "%s", sv->label);
	put_str(b, label);
	buf_printf(b, " AS model, CAST(f.score AS %s) AS score, ",
		   g->d == SQLEXPORT_POSTGRES ? "integer" : "INTEGER");
	if (sv->n == 1 && !u0->rules) {
		buf_puts(b, "f.pd");
	} else {
		put_num(g, 1);
		buf_puts(b, " / (");
		put_num(g, 1);
		buf_puts(b, " + ");
		put_num(g, sc->base_odds);
		buf_puts(b, g->d == SQLEXPORT_POSTGRES ? " * power(" : " * pow(");
		put_num(g, 2);
		buf_printf(b, ", (%s - ", sv->n == 1 ? "f.score" : "f.raw");
		put_num(g, sc->base_score);
		buf_puts(b, ") / ");
		put_num(g, sc->pdo);
		buf_puts(b, "))");
	}
	buf_puts(b, " AS pd, CASE");
	for (int k = 0; k < SCORE_BANDS - 1; k++)
		buf_printf(b, " WHEN f.score >= %d THEN '%c'", sc->bands[k], vocab_band_letter(k));
	buf_printf(b, " ELSE '%c' END AS band", vocab_band_letter(SCORE_BANDS - 1));
	for (int r = 1; r <= REASONS_MAX; r++) {
		if (reasons)
			buf_printf(b, ", f.reason%d, f.reason%d_text, f.reason%d_points", r, r, r);
		else
			buf_printf(b,
				   ", CAST(NULL AS text) AS reason%d, CAST(NULL AS text) AS"
				   " reason%d_text, CAST(NULL AS %s) AS reason%d_points",
				   r, r, real_type(g), r);
	}
	buf_printf(b, reasons ? " FROM q%d f" : " FROM f%d f", s);
	buf_puts(b, ")");
}

/* ---- the features ---- */

/* An ISO 8601 text's UTC day, as a number of days since 1970-01-01. */
static void put_day(struct gen *g, const char *col)
{
	if (g->d == SQLEXPORT_SQLITE)
		buf_printf(g->b, "(julianday(date(%s)) - 2440587.5)", col);
	else
		buf_printf(g->b,
			   "(CASE WHEN %s ~ '(Z|[+-][0-9][0-9]:[0-9][0-9])$' THEN"
			   " CAST(CAST(%s AS timestamptz) AT TIME ZONE 'UTC' AS date) ELSE"
			   " CAST(substr(%s, 1, 10) AS date) END - DATE '1970-01-01')",
			   col, col, col);
}

/* CTEs computing `features` (SPEC §4, docs/methodology.md section 2) from riskdesk's
 * tables, as of the as-of day (section 1). */
static int put_features(struct gen *g, const char *as_of)
{
	struct rd_buf *b = g->b;
	buf_puts(b, "asof(d) AS (SELECT ");
	if (as_of && *as_of) {
		int64_t e;
		if (date_parse(as_of, strlen(as_of), &e)) {
			rd_err_set(g->err, "as-of: '%.40s' is not an ISO 8601 date", as_of);
			return -1;
		}
		buf_printf(b, "%lld", (long long)epoch_day(e));
	} else {
		/* The latest order or payment (max of the text, as riskdesk reads it), else
		 * the latest customer, else today. */
		buf_puts(b, "coalesce((SELECT max(m.d) FROM (SELECT ");
		put_day(g, "(SELECT max(created_at) FROM orders)");
		buf_puts(b, " AS d UNION ALL SELECT ");
		put_day(g, "(SELECT max(created_at) FROM payments)");
		buf_puts(b, ") m), ");
		put_day(g, "(SELECT max(created_at) FROM customers)");
		buf_puts(b, ", ");
		put_day(g, g->d == SQLEXPORT_SQLITE
				   ? "date('now')"
				   : "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD')");
		buf_puts(b, ")");
	}
	buf_puts(b, "),\nfo AS (SELECT customer_id, amount, status, ");
	put_day(g, "created_at");
	buf_puts(b, " AS day FROM orders),\n");
	buf_puts(b, "eo AS (SELECT fo.* FROM fo, asof WHERE fo.day <= asof.d),\n");
	buf_puts(b, "fp AS (SELECT customer_id, method, success, ");
	put_day(g, "created_at");
	buf_puts(b, " AS day FROM payments),\n");
	buf_puts(b, "ep AS (SELECT fp.* FROM fp, asof WHERE fp.day <= asof.d),\n");
	buf_puts(b, "ao AS (SELECT eo.customer_id, count(*) AS n,"
		    " sum(CASE WHEN eo.status = 'delivered' THEN 1 ELSE 0 END) AS delivered,"
		    " sum(CASE WHEN eo.status = 'returned' THEN 1 ELSE 0 END) AS returned,"
		    " sum(CASE WHEN eo.status = 'cancelled' THEN 1 ELSE 0 END) AS cancelled,");
	buf_printf(b,
		   " sum(CASE WHEN eo.status = 'delivered' THEN CAST(eo.amount AS %s) ELSE 0"
		   " END) AS spend,",
		   real_type(g));
	buf_printf(b, " avg(CAST(eo.amount AS %s)) AS mean, max(eo.day) AS last_day,",
		   real_type(g));
	buf_puts(b, " sum(CASE WHEN eo.day > asof.d - 90 THEN 1 ELSE 0 END) AS f90,");
	buf_printf(b,
		   " sum(CASE WHEN eo.day > asof.d - 90 THEN CAST(eo.amount AS %s) ELSE 0 END)"
		   " AS m90 FROM eo, asof GROUP BY eo.customer_id),\n",
		   real_type(g));
	buf_puts(b, "sd AS (SELECT eo.customer_id, sum((eo.amount - ao.mean) * (eo.amount -"
		    " ao.mean)) AS m2 FROM eo JOIN ao ON ao.customer_id = eo.customer_id GROUP BY"
		    " eo.customer_id),\n");
	buf_puts(b, "ap AS (SELECT ep.customer_id, count(*) AS n,"
		    " sum(CASE WHEN ep.success = 0 THEN 1 ELSE 0 END) AS failed,"
		    " sum(CASE WHEN ep.method = 'cod' THEN 1 ELSE 0 END) AS cod"
		    " FROM ep GROUP BY ep.customer_id),\n");
	buf_puts(b, "cc AS (SELECT c.id, c.kind, ");
	put_day(g, "c.created_at");
	buf_puts(b, " AS cday FROM customers c),\n");
	buf_puts(b, "features AS (SELECT c.id, c.kind,\n");
	const char *r = real_type(g);
	buf_printf(b,
		   "  coalesce(ao.n, 0) AS orders_total,\n"
		   "  coalesce(ao.delivered, 0) AS orders_delivered,\n"
		   "  coalesce(ao.returned, 0) AS orders_returned,\n"
		   "  coalesce(ao.cancelled, 0) AS orders_cancelled,\n"
		   "  coalesce(ao.spend, 0) AS total_spend,\n"
		   "  CASE WHEN ao.delivered > 0 THEN ao.spend / ao.delivered ELSE 0 END AS"
		   " avg_order_value,\n"
		   "  CASE WHEN ao.n > 0 THEN CAST(ao.returned AS %s) / ao.n ELSE 0 END AS"
		   " return_rate,\n"
		   "  CASE WHEN ao.n > 0 THEN CAST(ao.cancelled AS %s) / ao.n ELSE 0 END AS"
		   " cancel_rate,\n"
		   "  coalesce(ap.n, 0) AS payments_total,\n"
		   "  coalesce(ap.failed, 0) AS payments_failed,\n"
		   "  CASE WHEN ap.n > 0 THEN CAST(ap.failed AS %s) / ap.n ELSE 0 END AS"
		   " failed_payment_rate,\n"
		   "  CASE WHEN ap.n > 0 THEN CAST(ap.cod AS %s) / ap.n ELSE 0 END AS cod_share,\n"
		   "  coalesce(asof.d - coalesce(ao.last_day, c.cday), 0) AS recency_days,\n"
		   "  coalesce(ao.f90, 0) AS frequency_90d,\n"
		   "  coalesce(ao.m90, 0) AS monetary_90d,\n"
		   "  CASE WHEN ao.n > 0 THEN sqrt(sd.m2 / ao.n) ELSE 0 END AS amount_std,\n"
		   "  coalesce(asof.d - c.cday, 0) AS tenure_days",
		   r, r, r, r);
	/* Attributes as riskdesk holds them: numbers in num, text in value ('' missing). */
	for (int i = 0; i < g->ncols; i++) {
		const char *name = g->cols[i].name;
		if (feature_index(name) >= 0 || strcmp(name, KIND_INPUT) == 0)
			continue;
		buf_printf(b,
			   ",\n  (SELECT %s FROM customer_attributes a WHERE a.customer_id ="
			   " c.id AND a.name = ",
			   g->cols[i].categorical ? "nullif(a.value, '')" : "a.num");
		put_str(b, name);
		buf_puts(b, ") AS ");
		put_ident(b, name);
	}
	buf_puts(b, "\n  FROM cc c CROSS JOIN asof LEFT JOIN ao ON ao.customer_id = c.id"
		    " LEFT JOIN sd ON sd.customer_id = c.id LEFT JOIN ap ON ap.customer_id = c.id"
		    "\n  WHERE c.cday IS NULL OR c.cday <= asof.d),\n");
	return 0;
}

/* ---- the whole query ---- */

static void put_header(struct gen *g, const char *what, const struct sqlexport_opts *o)
{
	struct rd_buf *b = g->b;
	buf_puts(b, "-- riskdesk: ");
	put_comment_text(b, what);
	buf_printf(b, " as one %s query.\n", g->d == SQLEXPORT_POSTGRES ? "PostgreSQL" : "SQLite");
	if (o->with_features) {
		buf_puts(b,
			 "-- It computes the features (SPEC section 4) from the tables customers,"
			 " orders,\n-- payments and customer_attributes as riskdesk holds them, as"
			 " of ");
		buf_puts(b, o->as_of && *o->as_of ? "the day "
						  : "the data's latest order or"
						    " payment");
		if (o->as_of && *o->as_of)
			put_comment_text(b, o->as_of);
		buf_puts(b, ".\n");
	} else {
		buf_puts(b, "-- It reads a table or view \"features\": one row per customer, with"
			    " these columns\n-- (names quoted; NULL, or '' for text, is missing):\n"
			    "--   id  the customer id\n");
		for (int i = 0; i < g->ncols; i++) {
			buf_puts(b, "--   ");
			put_comment_text(b, g->cols[i].name);
			buf_puts(b, g->cols[i].categorical ? "  text\n" : "  number\n");
		}
	}
	buf_puts(b, "-- It returns id, model, score, pd, band and the adverse reasons reason1..4 "
		    "with\n-- reasonN_text and reasonN_points.\n");
	for (int k = 0; k < g->nu; k++) {
		const struct unit *u = &g->u[k];
		if (!u->m || !model_algo_trees(u->m->algo))
			continue;
		buf_puts(b, "-- ");
		put_comment_text(b, u->name);
		if (u->m->approx_reasons)
			buf_printf(b,
				   "@%d: reasons from XGBoost's approximate contributions (path"
				   "\n--   attributions), as riskdesk's own for this model.\n",
				   u->version);
		else
			buf_printf(b,
				   "@%d: reasons NULL where it scores. Its reasons are exact SHAP"
				   "\n--   values (TreeSHAP), which one query cannot compute; a "
				   "model"
				   " trained with\n--   --reasons approx has them in SQL "
				   "(docs/design.md,"
				   " \"Models as SQL\").\n",
				   u->version);
	}
}

static void gen_free(struct gen *g)
{
	for (int i = 0; i < g->nu; i++)
		unit_free(&g->u[i]);
	free(g->u);
}

/* The servers of the routes (blend_serving), the rules version for routes none serves. */
static int load_serving(struct gen *g, struct rd_store *st)
{
	struct blend sb[BLEND_ROUTES];
	if (blend_serving(st, sb, g->err))
		return -1;
	int rules = -1;
	for (int r = 0; r < BLEND_ROUTES; r++) {
		const struct blend *bl = &sb[r];
		int s;
		for (s = 0; s < g->ns; s++) {
			const struct server *sv = &g->sv[s];
			int same = sv->n == (bl->n ? bl->n : 1);
			for (int k = 0; same && k < bl->n; k++)
				same = strcmp(g->u[sv->unit[k]].name, bl->m[k].name) == 0 &&
				       g->u[sv->unit[k]].version == bl->m[k].version &&
				       !g->u[sv->unit[k]].rules;
			if (same && bl->n == 0)
				same = g->u[sv->unit[0]].rules != NULL;
			if (same)
				break;
		}
		if (s < g->ns) {
			g->sv[s].routes |= 1 << r;
			continue;
		}
		struct server *sv = &g->sv[g->ns++];
		memset(sv, 0, sizeof *sv);
		sv->routes = 1 << r;
		if (bl->n == 0) {
			if (rules < 0) {
				int64_t v = store_int(st,
						      "SELECT max(version) FROM models WHERE name ="
						      " 'rules' AND algo = 'rules' AND status ="
						      " 'champion'",
						      0);
				if (v <= 0) {
					rd_err_set(g->err, "no rules model is champion");
					return -1;
				}
				if ((rules = unit_load(g, st, "rules", (int)v)) < 0)
					return -1;
			}
			sv->n = 1;
			sv->unit[0] = rules;
			sv->weight[0] = 1;
			sv->sc = score_scaling_default;
			continue;
		}
		sv->n = bl->n;
		sv->sc = bl->m[0].scaling;
		snprintf(sv->label, sizeof sv->label, "%s", bl->label);
		for (int k = 0; k < bl->n; k++) {
			int u = unit_load(g, st, bl->m[k].name, bl->m[k].version);
			if (u < 0)
				return -1;
			sv->unit[k] = u;
			sv->weight[k] = bl->m[k].weight;
		}
	}
	g->routed = g->ns > 1;
	/* Each unit scores the rows of the routes its servers serve. */
	for (int s = 0; s < g->ns; s++)
		for (int k = 0; k < g->sv[s].n; k++)
			g->u[g->sv[s].unit[k]].routes |= g->routed ? g->sv[s].routes : 0;
	if (g->routed) {
		if ((g->seg_col = xcol_add(g, feature_names[FEAT_ORDERS_DELIVERED], 0)) < 0)
			return -1;
		g->kind_col = -1;
		if (blend_by_kind(sb) && (g->kind_col = xcol_add(g, KIND_INPUT, 1)) < 0)
			return -1;
	}
	return 0;
}

char *sqlexport_query(struct rd_store *st, const char *name, int version,
		      const struct sqlexport_opts *o, struct rd_err *err)
{
	struct rd_buf b = {0};
	struct gen g = {.b = &b, .d = o->dialect, .err = err, .kind_col = -1};
	char what[BLEND_LABEL_MAX + 64];
	if (name) {
		int u = unit_load(&g, st, name, version);
		if (u < 0)
			goto fail;
		g.ns = 1;
		g.sv[0].n = 1;
		g.sv[0].unit[0] = u;
		g.sv[0].weight[0] = 1;
		g.sv[0].sc = g.u[u].m ? g.u[u].m->scaling : score_scaling_default;
		snprintf(what, sizeof what, "model %s@%d", name, version);
	} else {
		if (load_serving(&g, st))
			goto fail;
		snprintf(what, sizeof what, "the serving models");
	}
	put_header(&g, what, o);
	buf_puts(&b, "WITH\n");
	if (o->with_features && put_features(&g, o->as_of))
		goto fail;
	/* x: the inputs, numbers as doubles, under generated names. */
	buf_puts(&b, "x AS MATERIALIZED (SELECT CAST(f.id AS text) AS id");
	for (int i = 0; i < g.ncols; i++) {
		buf_puts(&b, ",\n  ");
		if (g.cols[i].categorical) {
			buf_puts(&b, "CAST(f.");
			put_ident(&b, g.cols[i].name);
			buf_puts(&b, " AS text)");
		} else {
			buf_printf(&b, "CAST(f.");
			put_ident(&b, g.cols[i].name);
			buf_printf(&b, " AS %s)", real_type(&g));
		}
		buf_printf(&b, " AS c%d", i);
	}
	if (g.routed) {
		buf_printf(&b, ",\n  CASE WHEN f.");
		put_ident(&b, feature_names[FEAT_ORDERS_DELIVERED]);
		buf_printf(&b, " < %d THEN %d ELSE %d END", SEGMENT_NEW_BELOW, SEGMENT_NEW,
			   SEGMENT_EXISTING);
		if (g.kind_col >= 0) {
			buf_puts(&b, " + CASE WHEN f.");
			put_ident(&b, KIND_INPUT);
			buf_printf(&b, " = 'company' THEN %d ELSE 0 END",
				   blend_route(KIND_COMPANY, SEGMENT_NEW));
		}
		buf_puts(&b, " AS route");
	}
	buf_puts(&b, "\n  FROM features f),\n");
	for (int k = 0; k < g.nu; k++)
		put_unit(&g, k);
	for (int s = 0; s < g.ns; s++) {
		put_server(&g, s);
		buf_puts(&b, s + 1 < g.ns ? ",\n" : "\n");
	}
	for (int s = 0; s < g.ns; s++)
		buf_printf(&b, "%sSELECT * FROM o%d\n", s ? "UNION ALL " : "", s);
	buf_puts(&b, "ORDER BY id;\n");
	gen_free(&g);
	return buf_steal(&b);
fail:
	gen_free(&g);
	buf_free(&b);
	return NULL;
}
