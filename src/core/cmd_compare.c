/* models compare [NAME[@VERSION]...]: trained models side by side, from the metrics their
 * cross-validation stored (docs/methodology.md, "Comparing models"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_util.h"
#include "riskdesk/util.h"

#define COMPARE_MAX 64

static const char compare_columns[] =
	"SELECT m.name || '@' || m.version AS model, m.algo AS algo,"
	" json_extract(m.metrics, '$.rows') AS rows, json_extract(m.metrics, '$.folds') AS folds,"
	" round(json_extract(m.metrics, '$.auc'), 4) AS auc,"
	" round(json_extract(m.metrics, '$.auc_sd'), 4) AS auc_sd,"
	" round(json_extract(m.metrics, '$.auc_oof'), 4) AS auc_oof,"
	" round(json_extract(m.metrics, '$.ks'), 4) AS ks,"
	" round(json_extract(m.metrics, '$.brier'), 4) AS brier,"
	" round(json_extract(m.metrics, '$.mean_pd'), 4) AS mean_pd,"
	" round(json_extract(m.metrics, '$.bads') * 1.0 / json_extract(m.metrics, '$.rows'), 4)"
	" AS observed,"
	" round(json_extract(m.metrics, '$.decile_gap'), 4) AS decile_gap,"
	" round(json_extract(m.metrics, '$.tune_seconds'), 2) AS tune_s,"
	" round(json_extract(m.metrics, '$.cv_seconds'), 2) AS cv_s,"
	" round(json_extract(m.metrics, '$.fit_seconds'), 2) AS fit_s,"
	" substr(json_extract(m.metrics, '$.folds_sig'), 1, 8) AS folds_id";

/* The picked versions as SQL: named ones as a VALUES list of bound pairs (?1, ?2), ...;
 * none named: the newest version of every trained model. */
static void picked_sql(struct rd_buf *b, int named)
{
	buf_puts(b, "WITH pick(name, version) AS (");
	if (named) {
		buf_puts(b, "VALUES ");
		for (int i = 0; i < named; i++)
			buf_printf(b, "%s(?%d, ?%d)", i ? ", " : "", 2 * i + 1, 2 * i + 2);
	} else {
		buf_puts(b, "SELECT name, max(version) FROM models WHERE algo != 'rules' AND"
			    " metrics IS NOT NULL GROUP BY name");
	}
	buf_puts(b, ") ");
}

int cmd_models_compare(struct rd_ctx *ctx, const struct rd_args *a)
{
	int named = a->argc - 1, versions[COMPARE_MAX], status = RD_FAILED;
	char names[COMPARE_MAX][128];
	struct rd_buf sql = {0};
	sqlite3_stmt *s = NULL;
	if (named > COMPARE_MAX) {
		rd_err_set(&ctx->err, "models compare: at most %d models", COMPARE_MAX);
		return RD_USAGE;
	}
	for (int i = 0; i < named; i++) {
		if (cmd_model_resolve(ctx, a->argv[i + 1], names[i], sizeof names[i], &versions[i]))
			return RD_FAILED;
		if (strcmp(names[i], "rules") == 0) {
			rd_err_set(&ctx->err,
				   "models compare: '%s' is the rules model, which is not"
				   " trained and has no cross-validation",
				   a->argv[i + 1]);
			return RD_FAILED;
		}
	}
	picked_sql(&sql, named);
	buf_puts(&sql, compare_columns);
	buf_puts(&sql, " FROM pick JOIN models m USING (name, version)"
		       " ORDER BY json_extract(m.metrics, '$.auc') DESC, m.name, m.version");
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_TEXT, COL_NUM, COL_NUM,
						 COL_NUM,  COL_NUM,  COL_NUM, COL_NUM,
						 COL_NUM,  COL_NUM,  COL_NUM, COL_NUM,
						 COL_NUM,  COL_NUM,  COL_NUM, COL_TEXT};
	if (store_prepare(ctx->store, sql.data, &s, &ctx->err))
		goto out;
	for (int i = 0; i < named; i++) {
		sqlite3_bind_text(s, 2 * i + 1, names[i], -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 2 * i + 2, versions[i]);
	}
	if (cmd_emit_rows(ctx, s, "compare", kinds))
		goto out;
	sqlite3_finalize(s);
	s = NULL;
	/* Paired only on the same rows and folds: say whether they are. */
	buf_reset(&sql);
	picked_sql(&sql, named);
	buf_puts(&sql,
		 "SELECT count(*), count(DISTINCT json_extract(m.metrics, '$.folds_sig')),"
		 " count(json_extract(m.metrics, '$.folds_sig')),"
		 " max(json_extract(m.metrics, '$.rows')), max(json_extract(m.metrics, '$.folds')),"
		 " substr(max(json_extract(m.metrics, '$.folds_sig')), 1, 8)"
		 " FROM pick JOIN models m USING (name, version)");
	if (store_prepare(ctx->store, sql.data, &s, &ctx->err))
		goto out;
	for (int i = 0; i < named; i++) {
		sqlite3_bind_text(s, 2 * i + 1, names[i], -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 2 * i + 2, versions[i]);
	}
	if (sqlite3_step(s) != SQLITE_ROW) {
		store_fail(ctx->store, &ctx->err, "models compare");
		goto out;
	}
	int n = sqlite3_column_int(s, 0), distinct = sqlite3_column_int(s, 1);
	int signed_ = sqlite3_column_int(s, 2);
	if (n == 0)
		sink_message(ctx->out, "no trained model to compare ('train NAME --algo ...')");
	else if (distinct == 1 && signed_ == n)
		sink_message(ctx->out,
			     "%d model%s cross-validated on the same %d rows and %d folds"
			     " (folds_id %s): their metrics are paired",
			     n, n == 1 ? "" : "s", sqlite3_column_int(s, 3),
			     sqlite3_column_int(s, 4), col_text(s, 5));
	else
		sink_message(ctx->out, "not cross-validated on the same rows and folds (folds_id"
				       " differs or is unknown): compare metrics only within one"
				       " folds_id");
	status = RD_OK;
out:
	sqlite3_finalize(s);
	buf_free(&sql);
	return status;
}
