/* train NAME --algo logit: K-fold cross-validation, out-of-fold metrics, a fit on all
 * rows, registered as a challenger with its specification and metrics. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/command.h"
#include "riskdesk/features.h"
#include "riskdesk/journal.h"
#include "riskdesk/metrics.h"
#include "riskdesk/train.h"

static const struct rd_opt train_opts[] = {
	{"algo", "ALGO", "logit (scorecard and xgb come next)"},
	{"segment", "S", "all, new or existing (default all)"},
	{"features", "F,...", "only these features and attributes"},
	{"folds", "K", "K-fold stratified cross-validation (default 5)"},
	{"folds-file", "FILE", "folds from a CSV of row,fold (a dataset's folds.csv)"},
	{"c", "C", "inverse regularisation strength (default 1)"},
	{NULL, NULL, NULL},
};

static void metrics_json(struct rd_buf *b, const struct rd_metrics *m, double fold_auc,
			 const struct metrics_cutoff *cut, const struct metrics_gains_row *g,
			 int folds)
{
	buf_puts(b, "{\"auc\":");
	buf_json_number(b, fold_auc);
	buf_puts(b, ",\"auc_oof\":");
	buf_json_number(b, m->auc);
	buf_puts(b, ",\"gini\":");
	buf_json_number(b, m->gini);
	buf_puts(b, ",\"ks\":");
	buf_json_number(b, m->ks);
	buf_puts(b, ",\"brier\":");
	buf_json_number(b, m->brier);
	buf_puts(b, ",\"logloss\":");
	buf_json_number(b, m->logloss);
	buf_printf(b, ",\"rows\":%zu,\"bads\":%zu,\"folds\":%d", m->n, m->bads, folds);
	buf_puts(b, ",\"threshold_pd\":");
	buf_json_number(b, cut->cutoff);
	buf_puts(b, ",\"expected_cost\":");
	buf_json_number(b, cut->expected_cost);
	buf_puts(b, ",\"gains\":[");
	for (int k = 0; k < 10; k++) {
		buf_printf(b, "%s{\"count\":%zu,\"bads\":%zu,\"bad_rate\":", k ? "," : "", g[k].count,
			   g[k].bads);
		buf_json_number(b, g[k].bad_rate);
		buf_puts(b, ",\"cum_capture\":");
		buf_json_number(b, g[k].cum_capture);
		buf_puts(b, ",\"lift\":");
		buf_json_number(b, g[k].lift);
		buf_putc(b, '}');
	}
	buf_puts(b, "]}");
}

static int exec_train(struct rd_ctx *ctx, const struct rd_args *a)
{
	const char *name = a->argv[0], *algo = args_opt(a, "algo");
	const char *segment = args_opt(a, "segment") ? args_opt(a, "segment") : "all";
	const char *k_opt = args_opt(a, "folds"), *folds_file = args_opt(a, "folds-file");
	double c = args_opt(a, "c") ? strtod(args_opt(a, "c"), NULL) : 1.0;
	int k = k_opt ? atoi(k_opt) : 5, status = RD_FAILED;
	struct train_data d = {0};
	int *fold = NULL;
	double *oof = NULL, *p = NULL;
	unsigned char *use = NULL;
	char *spec = NULL;
	struct rd_buf mj = {0};
	struct rd_run run;
	if (!algo || strcmp(algo, "logit") != 0) {
		rd_err_set(&ctx->err, "train: --algo %s is not available yet (logit)",
			   algo ? algo : "is required:");
		return RD_USAGE;
	}
	if (strcmp(segment, "all") && strcmp(segment, "new") && strcmp(segment, "existing")) {
		rd_err_set(&ctx->err, "train: --segment must be all, new or existing");
		return RD_USAGE;
	}
	if (k < 2 || k > 20 || !(c > 0) || strchr(name, '@') || strcmp(name, "rules") == 0) {
		rd_err_set(&ctx->err, "train: need NAME (not 'rules'), --folds 2..20 and --c > 0");
		return RD_USAGE;
	}
	run_start(&run, "train");
	int64_t as_of;
	if (features_as_of(ctx->store, ctx->settings.as_of, &as_of, &ctx->err) ||
	    train_data_load(ctx->store, args_opt(a, "features"), as_of, &d, &ctx->err))
		goto out;
	fold = rd_malloc(d.n * sizeof *fold);
	if (folds_file) {
		if (train_folds_file(&d, folds_file, fold, &k, &ctx->err))
			goto out;
	} else {
		train_folds(&d, k, fold);
	}
	oof = rd_malloc(d.n * sizeof *oof);
	p = rd_malloc(d.n * sizeof *p);
	use = rd_malloc(d.n);
	double auc_sum = 0;
	for (int f = 0; f < k; f++) {
		if (ctx_cancelled(ctx)) {
			rd_err_set(&ctx->err, "train cancelled: nothing was registered");
			goto out;
		}
		sink_progress(ctx->out, "cross-validation", f, k);
		for (size_t i = 0; i < d.n; i++)
			use[i] = fold[i] != f;
		if (train_logit(&d, use, c, p, NULL, &ctx->err))
			goto out;
		/* This fold's AUC, and its rows' out-of-fold predictions. */
		size_t m = 0;
		double *fp = rd_malloc(d.n * sizeof *fp);
		int *fy = rd_malloc(d.n * sizeof *fy);
		for (size_t i = 0; i < d.n; i++) {
			if (fold[i] == f) {
				oof[i] = p[i];
				fp[m] = p[i];
				fy[m++] = d.y[i];
			}
		}
		double auc = 0;
		int bad = metrics_auc(fp, fy, m, &auc, &ctx->err);
		free(fp);
		free(fy);
		if (bad)
			goto out;
		auc_sum += auc;
	}
	struct rd_metrics mt;
	struct metrics_cutoff cut;
	struct metrics_gains_row gains[10];
	if (metrics_compute(oof, d.y, d.n, &mt, &ctx->err) ||
	    metrics_cost_cutoff(oof, d.y, d.n, METRICS_CFN_DEFAULT, METRICS_CFP_DEFAULT, &cut,
				&ctx->err) ||
	    metrics_gains(oof, d.y, d.n, gains, &ctx->err))
		goto out;
	memset(use, 1, d.n);
	if (train_logit(&d, use, c, p, &spec, &ctx->err))
		goto out;
	metrics_json(&mj, &mt, auc_sum / k, &cut, gains, k);

	sqlite3_stmt *s = NULL;
	char now[21];
	now_iso(now);
	if (store_begin(ctx->store, &ctx->err) || run_insert(ctx, &run, &ctx->err) ||
	    store_prepare(ctx->store,
			  "INSERT INTO models(name, version, algo, segment, status, spec, metrics,"
			  " created_at) SELECT ?1, coalesce(max(version), 0) + 1, 'logit', ?2,"
			  " 'challenger', ?3, ?4, ?5 FROM models WHERE name = ?1",
			  &s, &ctx->err))
		goto out;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, segment, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, spec, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, mj.data, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, now, -1, SQLITE_STATIC);
	int step = sqlite3_step(s);
	sqlite3_finalize(s);
	if (step != SQLITE_DONE) {
		store_fail(ctx->store, &ctx->err, "train");
		goto out;
	}
	int version = (int)store_int(ctx->store, "SELECT version FROM models WHERE rowid ="
						 " last_insert_rowid()", 0);
	if (run_finish_ok(ctx, &run, (int64_t)d.n, NULL, &ctx->err) ||
	    store_commit(ctx->store, &ctx->err))
		goto out;
	sink_fieldf(ctx->out, "model", "name", COL_TEXT, "%s@%d", name, version);
	sink_field(ctx->out, "model", "algo", "logit", COL_TEXT);
	sink_fieldf(ctx->out, "model", "rows", COL_NUM, "%zu", d.n);
	sink_fieldf(ctx->out, "model", "bads", COL_NUM, "%zu", mt.bads);
	sink_fieldf(ctx->out, "model", "columns", COL_NUM, "%d", d.ncols);
	sink_fieldf(ctx->out, "metrics", "auc_fold_mean", COL_NUM, "%.4f", auc_sum / k);
	sink_fieldf(ctx->out, "metrics", "auc_oof", COL_NUM, "%.4f", mt.auc);
	sink_fieldf(ctx->out, "metrics", "gini", COL_NUM, "%.4f", mt.gini);
	sink_fieldf(ctx->out, "metrics", "ks", COL_NUM, "%.4f", mt.ks);
	sink_fieldf(ctx->out, "metrics", "brier", COL_NUM, "%.4f", mt.brier);
	sink_fieldf(ctx->out, "metrics", "logloss", COL_NUM, "%.4f", mt.logloss);
	sink_fieldf(ctx->out, "metrics", "threshold_pd", COL_NUM, "%.4f", cut.cutoff);
	sink_fieldf(ctx->out, "metrics", "expected_cost", COL_NUM, "%.4f", cut.expected_cost);
	status = RD_OK;
out:
	if (status != RD_OK && run.id)
		run_record_failure(ctx, &run, ctx_cancelled(ctx) ? "cancelled" : "failed", 0,
				   ctx->err.msg);
	store_rollback(ctx->store);
	train_data_free(&d);
	free(fold);
	free(oof);
	free(p);
	free(use);
	free(spec);
	buf_free(&mj);
	return status;
}

const struct rd_cmd cmd_train = {
	.name = "train",
	.usage = "NAME --algo logit [--segment S] [--features F,...] [--folds K] [--folds-file FILE]",
	.summary = "train a model with K-fold cross-validation and register it as a challenger",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_WRITES | CMD_LONG,
	.opts = train_opts,
	.exec = exec_train,
};
