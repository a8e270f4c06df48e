/* Helpers shared by the cmd_*.c files. */
#include "cmd_util.h"

#include <stdio.h>

#include "riskdesk/score.h"

const char *col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? (const char *)t : "";
}

void cmd_emit_row(struct rd_ctx *ctx, sqlite3_stmt *s)
{
	int n = sqlite3_column_count(s);
	const char *cells[32];
	char num[32][32];
	if (n > 32)
		n = 32;
	for (int i = 0; i < n; i++) {
		if (sqlite3_column_type(s, i) == SQLITE_FLOAT) {
			num_format(sqlite3_column_double(s, i), num[i], sizeof num[i]);
			cells[i] = num[i];
		} else {
			cells[i] = col_text(s, i);
		}
	}
	sink_row(ctx->out, cells);
}

/* Emits every row of a prepared statement as a table named name. */
int cmd_emit_rows(struct rd_ctx *ctx, sqlite3_stmt *s, const char *name,
		  const enum rd_col_kind *kinds)
{
	int n = sqlite3_column_count(s), rc;
	const char *cols[32];
	if (n > 32)
		n = 32;
	for (int i = 0; i < n; i++)
		cols[i] = sqlite3_column_name(s, i);
	sink_table_begin(ctx->out, name, n, cols, kinds);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		cmd_emit_row(ctx, s);
	sink_table_end(ctx->out);
	return rc == SQLITE_DONE ? 0 : store_fail(ctx->store, &ctx->err, name);
}

void cmd_rules_terms(struct rd_ctx *ctx, const struct rules_model *m)
{
	static const char *const cols[] = {"feature", "divisor", "weight", "cap", "code", "text"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_NUM,  COL_NUM,
						 COL_NUM,  COL_TEXT, COL_TEXT};
	sink_table_begin(ctx->out, "terms", 6, cols, kinds);
	for (int i = 0; i < m->nterms; i++) {
		const struct rules_term *t = &m->terms[i];
		char d[32], w[32], c[32] = "";
		num_format(t->divisor, d, sizeof d);
		num_format(t->weight, w, sizeof w);
		if (t->has_cap)
			num_format(t->cap, c, sizeof c);
		const char *row[] = {feature_names[t->feature], d, w, c, t->code, t->text};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);
}

int cmd_parse_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	uint64_t v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		unsigned dg = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - dg) / 10)
			return -1;
		v = v * 10 + dg;
	}
	if (v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}
