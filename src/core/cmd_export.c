/* export profiles|customers|history|drift FILE: CSV, JSON or NDJSON by the file's
 * extension, written whole or not at all (afile.h). */
#include <cjson/cJSON.h>
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_util.h"
#include "riskdesk/afile.h"
#include "riskdesk/drift.h"
#include "riskdesk/features.h"
#include "riskdesk/journal.h"
#include "riskdesk/monitor.h"
#include "riskdesk/profile.h"

enum export_format { EXPORT_CSV, EXPORT_JSON, EXPORT_NDJSON };

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void csv_field(FILE *f, const char *v)
{
	size_t n = strlen(v);
	if (strpbrk(v, ",\"\r\n"))
		csv_fwrite(f, v, n); /* libcsv quotes and doubles the quotes */
	else
		fwrite(v, 1, n, f);
}

/* A column holding JSON text, embedded as JSON in JSON output. */
static int is_json_column(const char *name)
{
	return strcmp(name, "features") == 0 || strcmp(name, "reasons") == 0 ||
	       strcmp(name, "components") == 0 || strcmp(name, "rules") == 0;
}

static int is_pii_column(const char *name)
{
	return strcmp(name, "email") == 0 || strcmp(name, "phone") == 0;
}

/* Email and phone leave unmasked only under `set pii on`, and only once an audit row
 * saying so is committed (status "started"; cmd_run_line's row then gives the outcome).
 * 0 to go on, -1 with ctx->err: nothing is written. */
static int pii_gate(struct rd_ctx *ctx, sqlite3_stmt *s, const char *path)
{
	struct rd_err aerr;
	struct rd_buf what = {0};
	int pii = 0, rc = 0;
	for (int i = 0; i < sqlite3_column_count(s); i++)
		pii |= is_pii_column(sqlite3_column_name(s, i));
	if (!pii || !ctx->settings.pii)
		return 0; /* write_rows masks them */
	buf_printf(&what, "email and phone written unmasked to %s", path);
	if (audit_pii(ctx, AUDIT_STARTED, what.data, &aerr)) {
		rd_err_set(&ctx->err, "export: refused to write email and phone unmasked: %s",
			   aerr.msg);
		rc = -1;
	}
	buf_free(&what);
	return rc;
}

static int write_rows(struct rd_ctx *ctx, sqlite3_stmt *s, FILE *f, enum export_format fmt,
		      int64_t *rows)
{
	int n = sqlite3_column_count(s), rc;
	char masked[256];
	struct rd_buf line = {0};
	if (fmt == EXPORT_CSV) {
		for (int i = 0; i < n; i++) {
			if (i)
				fputc(',', f);
			csv_field(f, sqlite3_column_name(s, i));
		}
		fputc('\n', f);
	} else if (fmt == EXPORT_JSON) {
		fputs("[", f);
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (fmt == EXPORT_CSV) {
			for (int i = 0; i < n; i++) {
				const char *v = col_text(s, i);
				if (!ctx->settings.pii &&
				    is_pii_column(sqlite3_column_name(s, i))) {
					pii_mask(v, masked, sizeof masked);
					v = masked;
				}
				if (i)
					fputc(',', f);
				csv_field(f, v);
			}
			fputc('\n', f);
		} else {
			/* Written by hand: numbers to the last digit (cJSON rounds some doubles), and
			 * the stored JSON columns as they are. */
			buf_reset(&line);
			buf_putc(&line, '{');
			for (int i = 0; i < n; i++) {
				const char *name = sqlite3_column_name(s, i);
				if (i)
					buf_putc(&line, ',');
				buf_json_string(&line, name);
				buf_putc(&line, ':');
				switch (sqlite3_column_type(s, i)) {
				case SQLITE_NULL: buf_puts(&line, "null"); break;
				case SQLITE_INTEGER:
					buf_printf(&line, "%lld",
						   (long long)sqlite3_column_int64(s, i));
					break;
				case SQLITE_FLOAT:
					buf_json_number(&line, sqlite3_column_double(s, i));
					break;
				default: {
					const char *v = col_text(s, i);
					cJSON *j = is_json_column(name) ? cJSON_Parse(v) : NULL;
					if (j) {
						buf_puts(&line, v);
					} else if (!ctx->settings.pii && is_pii_column(name)) {
						pii_mask(v, masked, sizeof masked);
						buf_json_string(&line, masked);
					} else {
						buf_json_string(&line, v);
					}
					cJSON_Delete(j);
				}
				}
			}
			buf_putc(&line, '}');
			if (fmt == EXPORT_JSON)
				fputs(*rows ? ",\n" : "\n", f);
			fwrite(line.data, 1, line.len, f);
			if (fmt == EXPORT_NDJSON)
				fputc('\n', f);
		}
		if ((++*rows & 0xfff) == 0 && ctx_cancelled(ctx)) {
			rd_err_set(&ctx->err, "export cancelled: no file was written");
			buf_free(&line);
			return -1;
		}
	}
	buf_free(&line);
	if (fmt == EXPORT_JSON)
		fputs("\n]\n", f);
	if (rc != SQLITE_DONE)
		return store_fail(ctx->store, &ctx->err, "export");
	return 0;
}

/* The drift table (as `drift` shows it, against the serving model) in a temporary table,
 * so that it leaves through the same writer as the others. 0 or -1. */
static int drift_table(struct rd_ctx *ctx)
{
	struct monitor_opts o = {0};
	struct monitor_report r;
	sqlite3_stmt *s = NULL;
	if (monitor_run(ctx->store, &o, &r, &ctx->err))
		return -1;
	int rc = -1;
	if (store_exec(ctx->store,
		       "CREATE TEMP TABLE IF NOT EXISTS drift_table(model TEXT, feature TEXT, type "
		       "TEXT,"
		       " psi REAL, ks REAL, status TEXT, changes TEXT); DELETE FROM "
		       "temp.drift_table",
		       &ctx->err) ||
	    store_prepare(ctx->store,
			  "INSERT INTO temp.drift_table VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", &s,
			  &ctx->err))
		goto out;
	char model[128];
	snprintf(model, sizeof model, "%s@%d", r.model, r.version);
	for (int c = 0; c < r.ncols; c++) {
		const struct monitor_column *col = &r.cols[c];
		static const char *const kinds[] = {"numeric", "categorical", "score"};
		sqlite3_bind_text(s, 1, model, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, col->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, kinds[col->kind], -1, SQLITE_STATIC);
		if (isnan(col->psi))
			sqlite3_bind_null(s, 4);
		else
			sqlite3_bind_double(s, 4, col->psi);
		if (isnan(col->ks))
			sqlite3_bind_null(s, 5);
		else
			sqlite3_bind_double(s, 5, col->ks);
		sqlite3_bind_text(s, 6, drift_status(col->psi), -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 7, col->changes, -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE) {
			store_fail(ctx->store, &ctx->err, "export drift");
			goto out;
		}
		sqlite3_reset(s);
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	monitor_free(&r);
	return rc;
}

/* The format of path by its extension; -1 with ctx->err (what: the command). */
static int format_of(struct rd_ctx *ctx, const char *what, const char *path)
{
	if (ends_with(path, ".csv"))
		return EXPORT_CSV;
	if (ends_with(path, ".ndjson"))
		return EXPORT_NDJSON;
	if (ends_with(path, ".json"))
		return EXPORT_JSON;
	rd_err_set(&ctx->err, "%s: %s: name the file .csv, .json or .ndjson", what, path);
	return -1;
}

int cmd_export_check(struct rd_ctx *ctx, const char *what, const char *path)
{
	return format_of(ctx, what, path) < 0 ? -1 : 0;
}

int cmd_export_rows(struct rd_ctx *ctx, const char *what, sqlite3_stmt *s, const char *path,
		    int64_t *rows)
{
	struct rd_err ferr;
	struct afile *f = NULL;
	int fmt = format_of(ctx, what, path);
	*rows = 0;
	if (fmt < 0 || pii_gate(ctx, s, path))
		return -1;
	if (!(f = afile_open(path, &ferr))) {
		rd_err_set(&ctx->err, "%s: %s", what, ferr.msg);
		return -1;
	}
	if (write_rows(ctx, s, afile_stream(f), (enum export_format)fmt, rows)) {
		afile_abort(f); /* the old file stays as it was */
		return -1;
	}
	if (afile_commit(f, &ferr)) {
		rd_err_set(&ctx->err, "%s: %s", what, ferr.msg);
		return -1;
	}
	return 0;
}

static int exec_export(struct rd_ctx *ctx, const struct rd_args *a)
{
	const char *what = a->argv[0], *path = a->argv[1];
	int fmt = format_of(ctx, "export", path);
	if (fmt < 0)
		return RD_USAGE;
	struct rd_buf sql = {0};
	if (strcmp(what, "profiles") == 0) {
		buf_puts(&sql,
			 "SELECT customer_id, score, band, pd, risk_level, segment, model_name,"
			 " model_version, computed_at, last_activity");
		if (fmt == EXPORT_CSV) /* one column per feature: what a spreadsheet wants */
			for (int i = 0; i < FEAT_COUNT; i++)
				buf_printf(&sql, ", rd_feature(fvec, %d) AS %s", i,
					   feature_names[i]);
		else
			buf_puts(&sql, ", rd_features(fvec) AS features");
		/* Reasons a recompute ranked by path attributions leave exact (profile.h). */
		int64_t marked;
		if (profile_exact_table(ctx->store, &marked, &ctx->err)) {
			buf_free(&sql);
			return RD_FAILED;
		}
		/* A blend's members keep their marked reasons in the components; one
		 * model's mark goes with its exact reasons. */
		buf_puts(&sql, ", coalesce(x.reasons, p.reasons) AS reasons, cutoff_pd,"
			       " iif(x.reasons IS NULL OR json_array_length(components) > 1,"
			       " components, replace(components,"
			       " ',\"reasons_kind\":\"path\"', '')) AS components FROM"
			       " credit_profiles_full p LEFT JOIN temp.exact_reasons x USING"
			       " (customer_id) ORDER BY customer_id");
	} else if (strcmp(what, "customers") == 0) {
		buf_puts(&sql, "SELECT id, name, email, phone, kind, created_at FROM customers "
			       "ORDER BY id");
	} else if (strcmp(what, "drift") == 0) {
		if (drift_table(ctx))
			return RD_FAILED;
		buf_puts(&sql, "SELECT model, feature, type, psi, ks, status, changes FROM "
			       "temp.drift_table"
			       " ORDER BY type = 'score' DESC, psi DESC, feature");
	} else if (strcmp(what, "history") == 0) {
		buf_puts(&sql, "SELECT id, customer_id, score, band, pd, model_name, "
			       "model_version, run_id,"
			       " computed_at, cutoff_pd, reasons, components FROM score_history"
			       " ORDER BY id");
	} else {
		char echo[RD_ECHO_SIZE];
		rd_err_set(&ctx->err,
			   "export: unknown table %s (profiles, customers, history, drift)",
			   rd_echo(echo, what, strlen(what)));
		return RD_USAGE;
	}
	sqlite3_stmt *s = NULL;
	int64_t rows = 0;
	int status = RD_FAILED;
	if (store_prepare(ctx->store, sql.data, &s, &ctx->err) ||
	    cmd_export_rows(ctx, "export", s, path, &rows))
		goto out;
	sink_message(ctx->out, "exported %lld %s%s to %s", (long long)rows, what,
		     strcmp(what, "drift") == 0 ? " rows" : "", path);
	status = RD_OK;
out:
	sqlite3_finalize(s);
	buf_free(&sql);
	return status;
}

static const struct rd_arg export_args[] = {
	{.at = 0,
	 .values = {.type = RD_ARG_WORD,
		    .words = (const char *const[]){"profiles", "customers", "history", "drift",
						   NULL}}},
	{.at = 1, .values = {.type = RD_ARG_FILE}},
	RD_ARGS_END,
};

const struct rd_cmd cmd_export = {
	.name = "export",
	.usage = "profiles|customers|history|drift FILE",
	.summary = "write a table to FILE (.csv, .json or .ndjson); email and phone masked unless "
		   "pii on",
	.help = "The format follows FILE's extension. With 'set pii on', an export that writes "
		"email and phone unmasked is audited before it starts (status started).",
	.min_args = 2,
	.max_args = 2,
	.flags = CMD_AUDITED,
	.args = export_args,
	.exec = exec_export,
};
