/* Helpers shared by the cmd_*.c files (internal to the core). */
#ifndef RISKDESK_CMD_UTIL_H
#define RISKDESK_CMD_UTIL_H

#include "riskdesk/command.h"

/* A column's text, "" for NULL. */
const char *col_text(sqlite3_stmt *s, int i);
/* Steps a prepared statement to the end, emitting its rows as a table named name
 * (column names from the statement; floats formatted with num_format). 0 or -1. */
/* The rules model's terms as the table "terms" (rules, model rules@V). */
struct rules_model;
void cmd_rules_terms(struct rd_ctx *ctx, const struct rules_model *m);
int cmd_emit_rows(struct rd_ctx *ctx, sqlite3_stmt *s, const char *name,
		  const enum rd_col_kind *kinds);
/* Emits the row a statement has just stepped to, as cmd_emit_rows does. */
void cmd_emit_row(struct rd_ctx *ctx, sqlite3_stmt *s);
/* Parses a decimal whole number in [lo, hi] (digits only: no sign, blanks or suffix). 0 or -1. */
int cmd_parse_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);

/* A model reference NAME[@VERSION] resolved to an existing version (the newest without
 * @VERSION): name (n bytes) and *version. 0, or -1 with ctx->err set. */
int cmd_model_resolve(struct rd_ctx *ctx, const char *ref, char *name, size_t n, int *version);
/* models compare [NAME[@VERSION]...] (cmd_compare.c). */
int cmd_models_compare(struct rd_ctx *ctx, const struct rd_args *a);
/* drift --outcomes / --vintages: outcomes over time (cmd_outcomes.c). */
int cmd_drift_outcomes(struct rd_ctx *ctx, const struct rd_args *a);
/* drift --feature F of a scorecard: its characteristic analysis (cmd_charan.c) — the
 * section "characteristic", F's bins (unless F is "score") and every column's total — of
 * the profiles (cohort window since/until) or of snapshot month (non-NULL); a note when it
 * does not apply. 0, or -1 with ctx->err. */
int cmd_drift_characteristic(struct rd_ctx *ctx, const char *model, int version, const char *only,
			     const char *month, const char *since, const char *until);
/* The field "stale" of section when the profiles (snapshots: the snapshot months) are out of
 * date (cmd_status.c). 0, or -1 with ctx->err. */
int cmd_stale_fields(struct rd_ctx *ctx, const char *section, int snapshots);
/* Whether path names a file export can write (.csv, .json or .ndjson). 0, or -1 with
 * ctx->err ("WHAT: PATH: name the file ..."). */
int cmd_export_check(struct rd_ctx *ctx, const char *what, const char *path);
/* Writes the rows of s to path as `export` does (CSV, JSON or NDJSON by the extension;
 * whole or not at all; email and phone masked unless pii on; JSON columns embedded), the
 * count in *rows. 0, or -1 with ctx->err prefixed by what (the command). */
int cmd_export_rows(struct rd_ctx *ctx, const char *what, sqlite3_stmt *s, const char *path,
		    int64_t *rows);
/* cleanup history --older-than DAYS (cmd_retention.c). */
int cmd_cleanup_history(struct rd_ctx *ctx, const struct rd_args *a);
/* select ID, and show ID in the console: checks that the customer exists, then the
 * console's select hook (show: its profile comes forward); batch: says it is console only. */
int cmd_console_select(struct rd_ctx *ctx, const char *id, int show);

#endif
