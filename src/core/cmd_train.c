/* train NAME --algo logit|scorecard|xgb|rf: K-fold cross-validation, out-of-fold metrics and
 * cut-off, a fit on all rows, registered as a challenger with its specification, metrics,
 * IV table and reference distributions, in one run. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/command.h"
#include "riskdesk/featscan.h"
#include "riskdesk/journal.h"
#include "riskdesk/label.h"
#include "riskdesk/metrics.h"
#include "riskdesk/train.h"
#include "riskdesk/tune.h"
#include "riskdesk/vocab.h"

#define ROC_POINTS 41 /* enough for a chart; the curve is downsampled evenly */

static const struct rd_opt train_opts[] = {
	{"algo", "ALGO", "logit, scorecard, xgb or rf (random forest)"},
	{"segment", "S",
	 "all, new, existing, individual or company (default all): the customers it"
	 " learns from and serves"},
	{"features", "F,...", "only these features and attributes; kind adds the customer's kind"},
	{"folds", "K", "K-fold stratified cross-validation (default 5)"},
	{"folds-file", "FILE", "folds from a CSV of row,fold (a dataset's folds.csv)"},
	{"c", "C", "logit, scorecard: inverse L2 strength (default 1)"},
	{"cost-fn", "X", "cost of approving a defaulter (default 10)"},
	{"cost-fp", "X", "cost of declining a good customer (default 1)"},
	{"trees", "N",
	 "xgb: boosting rounds (default 300; with --tune, the most early stopping may"
	 " reach, default 2000); rf: trees (default 500)"},
	{"depth", "D", "xgb: maximum tree depth (default 4); rf: (default 16)"},
	{"eta", "X", "xgb: learning rate (default 0.05)"},
	{"min-iv", "X", "scorecard: leave out features whose IV is below X (default 0.02)"},
	{"max-corr", "X",
	 "scorecard: of two features whose WoE values correlate above X, leave"
	 " out the one of lower IV (default 0.8; 1: keep both)"},
	{"trend", "[F=]SHAPE",
	 "scorecard: bin shape auto, ascending, descending, peak, valley or"
	 " none, for every numeric feature or (repeated) for feature F"},
	{"special", "F=V,...",
	 "scorecard: sentinel codes of feature F with bins of their own"
	 " (repeated per feature; replaces the mapping's)"},
	{"bins", "FILE",
	 "scorecard: hand-set bins, a JSON of feature: {\"edges\": [...]} or {\"groups\":"
	 " [[...], ...]}, kept exactly (the other features binned as usual; 'bins NAME --export"
	 " FILE' writes one)"},
	{"bands", "A,B,C,D", "the lowest score of bands A to D (default 800,700,600,500)"},
	{"min-child", "X",
	 "xgb, rf: least hessian sum in a leaf (default 1; rf: that of"
	 " sqrt(rows per tree)/4 rows)"},
	{"subsample", "X", "xgb, rf: share of rows per tree (default 0.8; rf 0.632)"},
	{"colsample", "X",
	 "xgb: share of inputs per tree (default 0.8); rf: per split"
	 " (default: sqrt(inputs) of them)"},
	{"threads", "N", "xgb, rf: threads (default 0: all cores)"},
	{"tune", NULL, "xgb: cross-validated search of depth, eta, min-child, subsample, trees"},
	{"grid", "SPEC",
	 "--tune's grid: the values of depth, eta, min-child and subsample, e.g."
	 " depth=2,4:eta=0.05 (the default: depth=2,4,6:eta=0.02:min-child=1,10,50:"
	 "subsample=0.8; a setting left out keeps it)"},
	{"reasons", "shap|approx",
	 "xgb, rf: reasons from exact SHAP or approximate contributions"
	 " (default: xgb shap, rf approx)"},
	{NULL, NULL, NULL},
};

struct trainer {
	struct rd_ctx *ctx;
	int fit, fits; /* the fit under way (0-based) of all CV fits and the final one */
	int rounds;    /* xgb rounds per fit; 1 for the others */
};

static void on_rounds(void *ud, int done, int total)
{
	struct trainer *t = ud;
	(void)total;
	sink_progress(t->ctx->out, "training", (int64_t)t->fit * t->rounds + done,
		      (int64_t)t->fits * t->rounds);
}

static void num(struct rd_buf *b, const char *key, double v)
{
	buf_printf(b, ",\"%s\":", key);
	buf_json_number(b, v);
}

struct cv_result {
	double auc_mean, auc_sd;
	double *fold_auc;
	int k;
	struct rd_metrics m;
	struct metrics_cutoff cut;
	struct metrics_gains_row gains[METRICS_GAINS_BUCKETS];
	struct metrics_calib_row calib[METRICS_BANDS];
	struct metrics_roc_point roc[ROC_POINTS];
	size_t nroc;
	double cfn, cfp, cv_seconds, fit_seconds;
	struct metrics_hl hl;       /* over the gains deciles */
	struct score_scaling scale; /* the default one with the model's band edges */
	double *oof;                /* the out-of-fold PD of every row (owned) */
	char folds_sig[17];         /* hash of the rows' ids and folds: equal for the same folds */
	struct tune_row *tuning;    /* --tune's table (owned), ntuning rows, the chosen best */
	int ntuning, best;
	double tune_seconds;
};

/* Calibration by decile of predicted PD (the gains table's buckets, riskiest first) and the
 * Hosmer–Lemeshow test over them. */
static void calibration_json(struct rd_buf *b, const struct cv_result *r)
{
	buf_puts(b, ",\"calibration_deciles\":[");
	for (int k = 0; k < METRICS_GAINS_BUCKETS; k++) {
		const struct metrics_gains_row *g = &r->gains[k];
		buf_printf(b, "%s{\"count\":%zu,\"bads\":%zu", k ? "," : "", g->count, g->bads);
		num(b, "min_pd", g->min_pd);
		num(b, "max_pd", g->max_pd);
		num(b, "mean_pd", g->mean_pd);
		num(b, "observed", g->bad_rate);
		buf_putc(b, '}');
	}
	buf_puts(b, "],\"hosmer_lemeshow\":{\"statistic\":");
	buf_json_number(b, r->hl.statistic);
	buf_printf(b, ",\"groups\":%d,\"df\":%d,\"p_value\":", r->hl.groups, r->hl.df);
	buf_json_number(b, r->hl.p_value); /* null when it has no degree of freedom */
	buf_putc(b, '}');
}

/* The keys `models compare` reads besides the common metrics: calibration in the large
 * (mean PD against the observed bad rate), the largest gap between mean PD and bad rate
 * over the PD deciles, the folds' signature and --tune's table. */
static void power_json(struct rd_buf *b, const struct cv_result *r)
{
	double sum = 0, gap = 0;
	for (size_t i = 0; i < r->m.n; i++)
		sum += r->oof[i];
	for (int k = 0; k < METRICS_GAINS_BUCKETS; k++)
		if (r->gains[k].count)
			gap = fmax(gap, fabs(r->gains[k].mean_pd - r->gains[k].bad_rate));
	num(b, "mean_pd", r->m.n ? sum / (double)r->m.n : 0);
	num(b, "bad_rate", r->m.bad_rate);
	num(b, "decile_gap", gap);
	buf_printf(b, ",\"folds_sig\":\"%s\"", r->folds_sig);
	if (!r->tuning)
		return;
	num(b, "tune_seconds", round(r->tune_seconds * 1000) / 1000);
	buf_puts(b, ",\"tuning\":[");
	for (int i = 0; i < r->ntuning; i++) {
		const struct tune_row *t = &r->tuning[i];
		buf_printf(b, "%s{\"depth\":%d", i ? "," : "", t->depth);
		num(b, "eta", t->eta);
		num(b, "min_child", t->mcw);
		num(b, "subsample", t->subsample);
		buf_printf(b, ",\"trees\":%d", t->trees);
		num(b, "auc", t->auc);
		num(b, "auc_sd", t->auc_sd);
		num(b, "seconds", round(t->seconds * 1000) / 1000);
		buf_printf(b, ",\"chosen\":%s}", i == r->best ? "true" : "false");
	}
	buf_putc(b, ']');
}

static void metrics_json(struct rd_buf *b, const struct cv_result *r, const char *iv)
{
	buf_puts(b, "{\"auc\":");
	buf_json_number(b, r->auc_mean);
	num(b, "auc_sd", r->auc_sd);
	num(b, "auc_oof", r->m.auc);
	num(b, "gini", r->m.gini);
	num(b, "ks", r->m.ks);
	num(b, "brier", r->m.brier);
	num(b, "logloss", r->m.logloss);
	buf_printf(b, ",\"rows\":%zu,\"bads\":%zu,\"folds\":%d", r->m.n, r->m.bads, r->k);
	num(b, "threshold_pd", r->cut.cutoff);
	num(b, "threshold_score", score_clamp(score_from_pd(&r->scale, r->cut.cutoff)));
	num(b, "expected_cost", r->cut.expected_cost);
	num(b, "cost_fn", r->cfn);
	num(b, "cost_fp", r->cfp);
	buf_printf(b, ",\"declined\":%zu,\"false_neg\":%zu,\"false_pos\":%zu", r->cut.declined,
		   r->cut.false_neg, r->cut.false_pos);
	num(b, "cv_seconds", round(r->cv_seconds * 1000) / 1000);
	num(b, "fit_seconds", round(r->fit_seconds * 1000) / 1000);
	power_json(b, r);
	buf_puts(b, ",\"fold_auc\":[");
	for (int f = 0; f < r->k; f++) {
		if (f)
			buf_putc(b, ',');
		buf_json_number(b, r->fold_auc[f]);
	}
	buf_puts(b, "],\"gains\":[");
	for (int k = 0; k < METRICS_GAINS_BUCKETS; k++) {
		const struct metrics_gains_row *g = &r->gains[k];
		buf_printf(b, "%s{\"count\":%zu,\"bads\":%zu", k ? "," : "", g->count, g->bads);
		num(b, "min_pd", g->min_pd);
		num(b, "max_pd", g->max_pd);
		num(b, "bad_rate", g->bad_rate);
		num(b, "cum_capture", g->cum_capture);
		num(b, "lift", g->lift);
		buf_putc(b, '}');
	}
	buf_puts(b, "],\"calibration\":[");
	for (int k = 0; k < METRICS_BANDS; k++) {
		const struct metrics_calib_row *c = &r->calib[k];
		buf_printf(b, "%s{\"band\":\"%c\",\"count\":%zu,\"bads\":%zu", k ? "," : "",
			   c->band, c->count, c->bads);
		num(b, "mean_pd", c->mean_pd);
		num(b, "observed", c->observed);
		buf_putc(b, '}');
	}
	buf_puts(b, "],\"roc\":[");
	for (size_t k = 0; k < r->nroc; k++) {
		buf_puts(b, k ? ",[" : "[");
		buf_json_number(b, round(r->roc[k].fpr * 1e4) / 1e4);
		buf_putc(b, ',');
		buf_json_number(b, round(r->roc[k].tpr * 1e4) / 1e4);
		buf_putc(b, ']');
	}
	buf_putc(b, ']');
	calibration_json(b, r);
	buf_puts(b, ",\"iv\":");
	buf_puts(b, iv);
	buf_putc(b, '}');
}

/* Cross-validation: out-of-fold predictions and the metrics on them. */
static int cross_validate(struct rd_ctx *ctx, enum model_algo algo, const struct train_data *d,
			  const int *fold, struct train_params *tp, struct trainer *t,
			  struct cv_result *r)
{
	double *oof = r->oof = rd_malloc(d->n * sizeof *oof), *p = rd_malloc(d->n * sizeof *p);
	double *fp = rd_malloc(d->n * sizeof *fp);
	int *fy = rd_malloc(d->n * sizeof *fy), rc = -1;
	unsigned char *use = rd_malloc(d->n);
	char *band = rd_malloc(d->n);
	double t0 = now_seconds(), sum = 0, ss = 0;
	for (int f = 0; f < r->k; f++) {
		if (ctx_cancelled(ctx))
			goto out;
		t->fit = f;
		sink_progress(ctx->out, "training", (int64_t)f * t->rounds,
			      (int64_t)t->fits * t->rounds);
		for (size_t i = 0; i < d->n; i++)
			use[i] = fold[i] != f;
		if (train_fit(algo, d, use, tp, p, NULL, &ctx->err))
			goto out;
		size_t m = 0;
		for (size_t i = 0; i < d->n; i++) {
			if (fold[i] == f) {
				oof[i] = fp[m] = p[i];
				fy[m++] = d->y[i];
			}
		}
		if (metrics_auc(fp, fy, m, &r->fold_auc[f], &ctx->err)) {
			rd_err_set(&ctx->err, "train: fold %d needs both defaulters and others", f);
			goto out;
		}
		sum += r->fold_auc[f];
		ss += r->fold_auc[f] * r->fold_auc[f];
	}
	r->auc_mean = sum / r->k;
	/* The population standard deviation, as BASELINES.md (scikit-learn's numpy.std). */
	r->auc_sd = sqrt(fmax(0, ss / r->k - r->auc_mean * r->auc_mean));
	r->cv_seconds = now_seconds() - t0;
	for (size_t i = 0; i < d->n; i++)
		band[i] = score_band_of(&r->scale, score_clamp(score_from_pd(&r->scale, oof[i])));
	if (metrics_compute(oof, d->y, d->n, &r->m, &ctx->err) ||
	    metrics_cost_cutoff(oof, d->y, d->n, r->cfn, r->cfp, &r->cut, &ctx->err) ||
	    metrics_gains(oof, d->y, d->n, r->gains, &ctx->err) ||
	    metrics_calibration(oof, d->y, band, d->n, r->calib, &ctx->err) ||
	    metrics_roc(oof, d->y, d->n, r->roc, ROC_POINTS, &r->nroc, &ctx->err))
		goto out;
	struct rd_err hlerr; /* no decile with a PD strictly inside (0, 1): no test, not an error */
	if (metrics_hosmer_lemeshow(r->gains, METRICS_GAINS_BUCKETS, &r->hl, &hlerr))
		r->hl = (struct metrics_hl){NAN, 0, 0, NAN};
	rc = 0;
out:
	free(p);
	free(fp);
	free(fy);
	free(use);
	free(band);
	return rc;
}

static int positive(const struct rd_args *a, const char *key, double dflt, double *out)
{
	const char *v = args_opt(a, key);
	char *end = NULL;
	*out = v ? strtod(v, &end) : dflt;
	return (v && (*end || end == v)) || !(*out > 0) || !isfinite(*out) ? -1 : 0;
}

static int parse_options(struct rd_ctx *ctx, const struct rd_args *a, enum model_algo *algo,
			 struct train_params *tp, struct cv_result *r)
{
	const char *name = a->argv[0], *al = args_opt(a, "algo");
	const char *segment = args_opt(a, "segment")
				      ? args_opt(a, "segment")
				      : vocab_name(&vocab_model_segment, MODEL_SEGMENT_ALL);
	int i;
	for (i = 0; i < MODEL_ALGOS && !(al && strcmp(al, model_algo_names[i]) == 0); i++)
		;
	if (i == MODEL_ALGOS) {
		rd_err_set(&ctx->err, "train: --algo must be logit, scorecard, xgb or rf");
		return -1;
	}
	*algo = (enum model_algo)i;
	if (vocab_find(&vocab_model_segment, segment) < 0) {
		char words[64];
		rd_err_set(&ctx->err, "train: --segment must be %s",
			   vocab_list(&vocab_model_segment, " or ", words, sizeof words));
		return -1;
	}
	struct rd_err nerr;
	if (model_name_check(name, &nerr)) {
		rd_err_set(&ctx->err, "train: %s", nerr.msg);
		return -1;
	}
	if (strcmp(name, "rules") == 0) {
		rd_err_set(&ctx->err, "train: the name 'rules' belongs to the rules model");
		return -1;
	}
	double k, trees, depth;
	train_params_default(tp);
	if (*algo == MODEL_RF)
		tp->xgb = xgb_params_forest;
	if (positive(a, "folds", 5, &k) || k < 2 || k > 20 || k != floor(k)) {
		rd_err_set(&ctx->err, "train: --folds must be 2 to 20");
		return -1;
	}
	r->k = (int)k;
	if (positive(a, "c", 1, &tp->c) || positive(a, "cost-fn", METRICS_CFN_DEFAULT, &r->cfn) ||
	    positive(a, "cost-fp", METRICS_CFP_DEFAULT, &r->cfp) ||
	    positive(a, "eta", tp->xgb.eta, &tp->xgb.eta) || tp->xgb.eta > 1 ||
	    positive(a, "trees", tp->xgb.trees, &trees) || trees > 5000 || trees != floor(trees) ||
	    positive(a, "depth", tp->xgb.max_depth, &depth) || depth > 16 ||
	    depth != floor(depth)) {
		rd_err_set(&ctx->err,
			   "train: --c, --cost-fn, --cost-fp must be > 0, --eta in (0, 1],"
			   " --trees 1 to 5000, --depth 1 to 16");
		return -1;
	}
	const char *reasons = args_opt(a, "reasons");
	if (reasons && strcmp(reasons, "shap") && strcmp(reasons, "approx")) {
		rd_err_set(&ctx->err, "train: --reasons must be shap or approx");
		return -1;
	}
	tp->approx_reasons = reasons && strcmp(reasons, "approx") == 0;
	const char *mi = args_opt(a, "min-iv"), *mc = args_opt(a, "max-corr");
	char *end = NULL;
	if (mi && ((tp->min_iv = strtod(mi, &end)),
		   *end || end == mi || !(tp->min_iv >= 0) || !isfinite(tp->min_iv))) {
		rd_err_set(&ctx->err, "train: --min-iv must be a number >= 0");
		return -1;
	}
	if (mc && ((tp->max_corr = strtod(mc, &end)),
		   *end || end == mc || !(tp->max_corr > 0) || tp->max_corr > 1)) {
		rd_err_set(&ctx->err, "train: --max-corr must be a number in (0, 1]");
		return -1;
	}
	for (int o = 0; o < a->nopts; o++) {
		const char *v = a->opts[o].value;
		if (strcmp(a->opts[o].opt->name, "trend") != 0 || strchr(v, '='))
			continue;
		int t = woe_trend_parse(v);
		if (t < 0) {
			rd_err_set(&ctx->err,
				   "train: --trend must be auto, ascending, descending, peak,"
				   " valley or none (or FEATURE=SHAPE)");
			return -1;
		}
		tp->trend = (enum woe_trend)t;
	}
	r->scale = score_scaling_default;
	struct rd_err berr;
	if (args_opt(a, "bands") &&
	    score_bands_parse(args_opt(a, "bands"), r->scale.bands, &berr)) {
		rd_err_set(&ctx->err, "train: --bands: %s", berr.msg);
		return -1;
	}
	tp->xgb.trees = (int)trees;
	tp->xgb.max_depth = (int)depth;
	tp->cancel = ctx->cancel;
	return 0;
}

/* --special F=V,... and --trend F=SHAPE: per-column settings of the scorecard. */
static int column_options(struct rd_ctx *ctx, const struct rd_args *a, struct train_data *d)
{
	for (int o = 0; o < a->nopts; o++) {
		const char *opt = a->opts[o].opt->name, *v = a->opts[o].value, *eq = strchr(v, '=');
		int special = strcmp(opt, "special") == 0;
		if (!special && (strcmp(opt, "trend") != 0 || !eq))
			continue;
		if (!eq || eq == v) {
			rd_err_set(&ctx->err, "train: --%s needs FEATURE=%s", opt,
				   special ? "V,V,..." : "SHAPE");
			return -1;
		}
		char *name = rd_strndup(v, (size_t)(eq - v)), e[RD_ECHO_SIZE];
		int rc = -1;
		rd_echo(e, v, strlen(v));
		if (!special) {
			int t = woe_trend_parse(eq + 1);
			if (t < 0)
				rd_err_set(&ctx->err,
					   "train: --trend %s: the shape must be auto, ascending,"
					   " descending, peak, valley or none",
					   e);
			else
				rc = train_column_trend(d, name, (enum woe_trend)t, &ctx->err);
		} else {
			double codes[WOE_SPECIAL_MAX];
			int n = 0;
			const char *p = eq + 1;
			rc = 0;
			while (*p && rc == 0) {
				char *end;
				double x = strtod(p, &end);
				if (end == p || (*end && *end != ',') || !isfinite(x) ||
				    n == WOE_SPECIAL_MAX) {
					rd_err_set(&ctx->err, "train: --special %s: %s", e,
						   n == WOE_SPECIAL_MAX
							   ? "too many codes (at most 32)"
							   : "the codes must be numbers separated "
							     "by commas");
					rc = -1;
				} else {
					codes[n++] = x;
					p = *end ? end + 1 : end;
				}
			}
			if (rc == 0)
				rc = train_column_special(d, name, codes, n, &ctx->err);
		}
		free(name);
		if (rc)
			return -1;
	}
	return 0;
}

/* An option's number in [lo, hi] (whole with whole != 0); absent: *out unchanged. 0 or -1. */
static int in_range(const struct rd_args *a, const char *key, double lo, double hi, int whole,
		    double *out)
{
	const char *v = args_opt(a, key);
	char *end = NULL;
	if (!v)
		return 0;
	double x = strtod(v, &end);
	if (*end || end == v || !(x >= lo && x <= hi) || (whole && x != floor(x)))
		return -1;
	*out = x;
	return 0;
}

/* The tree options: --min-child, --subsample, --colsample, --threads (xgb, rf) and --tune,
 * --grid (xgb), into tp->xgb and *grid; *tune = 1 with --tune. 0, or -1 with the error. */
static int parse_tree_options(struct rd_ctx *ctx, const struct rd_args *a, enum model_algo algo,
			      struct train_params *tp, struct tune_grid *grid, int *tune)
{
	static const char *const tree_only[] = {"min-child", "subsample", "colsample",
						"threads",   "tune",      "grid"};
	/* rf's colsample and min-child default to XGB_AUTO, chosen from the data. */
	double mcw = tp->xgb.min_child_weight, sub, col = tp->xgb.colsample,
	       threads = tp->xgb.threads;
	for (size_t i = 0; i < sizeof tree_only / sizeof *tree_only; i++) {
		int tree_algo = model_algo_trees(algo) && (i < 4 || algo == MODEL_XGB);
		if (args_opt(a, tree_only[i]) && !tree_algo) {
			rd_err_set(&ctx->err, "train: --%s is for %s", tree_only[i],
				   i < 4 ? "xgb and rf" : "xgb");
			return -1;
		}
	}
	if (algo == MODEL_RF && args_opt(a, "eta")) {
		rd_err_set(&ctx->err,
			   "train: --eta is for xgb: a random forest's trees are averaged");
		return -1;
	}
	if (in_range(a, "threads", 0, 1024, 1, &threads)) {
		rd_err_set(&ctx->err, "train: --threads must be 0 (all cores) to 1024");
		return -1;
	}
	if (in_range(a, "min-child", 0, 1e6, 0, &mcw) ||
	    positive(a, "subsample", tp->xgb.subsample, &sub) || sub > 1 ||
	    (args_opt(a, "colsample") && (positive(a, "colsample", 1, &col) || col > 1))) {
		rd_err_set(&ctx->err, "train: --min-child must be 0 to 1e6, --subsample and"
				      " --colsample in (0, 1]");
		return -1;
	}
	/* A forest's deep trees make exact SHAP cost seconds per customer (docs/design.md):
	 * its reasons are XGBoost's approximate contributions unless --reasons shap. */
	if (algo == MODEL_RF && !args_opt(a, "reasons"))
		tp->approx_reasons = 1;
	tp->xgb.min_child_weight = mcw;
	tp->xgb.subsample = sub;
	tp->xgb.colsample = col;
	tp->xgb.threads = (int)threads;
	*tune = args_opt(a, "tune") != NULL;
	tune_grid_default(grid);
	if (args_opt(a, "trees"))
		grid->max_trees = tp->xgb.trees; /* with --tune, the ceiling of early stopping */
	if (args_opt(a, "grid") && !*tune) {
		rd_err_set(&ctx->err, "train: --grid goes with --tune");
		return -1;
	}
	return args_opt(a, "grid") ? tune_grid_parse(args_opt(a, "grid"), grid, &ctx->err) : 0;
}

static int register_model(struct rd_ctx *ctx, const char *name, enum model_algo algo,
			  const char *segment, const char *spec, const char *metrics,
			  const char *reference, int *version)
{
	sqlite3_stmt *s = NULL;
	char now[21];
	now_iso(now);
	if (store_begin(ctx->store, &ctx->err) ||
	    store_prepare(ctx->store,
			  "INSERT INTO models(name, version, algo, segment, status, spec, metrics,"
			  " reference, created_at) SELECT ?1, coalesce(max(version), 0) + 1, ?2, "
			  "?3,"
			  " ?8, ?4, ?5, ?6, ?7 FROM models WHERE name = ?1",
			  &s, &ctx->err))
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, model_algo_names[algo], -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, vocab_name(&vocab_model_status, MODEL_CHALLENGER), -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(s, 3, segment, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, spec, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, metrics, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, reference, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, now, -1, SQLITE_STATIC);
	int step = sqlite3_step(s);
	sqlite3_finalize(s);
	if (step != SQLITE_DONE)
		return store_fail(ctx->store, &ctx->err, "train");
	*version = (int)store_int(ctx->store,
				  "SELECT version FROM models WHERE rowid ="
				  " last_insert_rowid()",
				  0);
	return 0;
}

/* Band edges other than SPEC's go into the spec's scaling, where scoring reads them. The
 * trainer writes every spec starting {"algo":"…","scaling":{ (train.c's spec_head). */
static int spec_bands(struct rd_ctx *ctx, char **spec, const struct score_scaling *sc)
{
	if (score_bands_default(sc->bands))
		return 0;
	char *at = strstr(*spec, "\"scaling\":{");
	if (!at) {
		rd_err_set(&ctx->err, "train: the specification has no scaling for the band edges");
		return -1;
	}
	at += strlen("\"scaling\":{");
	struct rd_buf b = {0};
	buf_printf(&b, "%.*s\"bands\":[%d,%d,%d,%d],%s", (int)(at - *spec), *spec, sc->bands[0],
		   sc->bands[1], sc->bands[2], sc->bands[3], at);
	free(*spec);
	*spec = rd_strdup(b.data);
	buf_free(&b);
	return 0;
}

/* The out-of-fold predictions, a row each, with the model (its calibration, checks and the
 * cut-off of a blend it joins come from them). */
static int store_oof(struct rd_ctx *ctx, const char *name, int version, const struct train_data *d,
		     const int *fold, const double *oof)
{
	sqlite3_stmt *s;
	if (store_prepare(ctx->store,
			  "INSERT INTO model_oof(name, version, row, customer_id, fold, pd, "
			  "defaulted)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			  &s, &ctx->err))
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, version);
	for (size_t i = 0; i < d->n; i++) {
		sqlite3_bind_int64(s, 3, (sqlite3_int64)i);
		sqlite3_bind_text(s, 4, d->ids[i], -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 5, fold[i]);
		sqlite3_bind_double(s, 6, oof[i]);
		sqlite3_bind_int(s, 7, d->y[i]);
		if (sqlite3_step(s) != SQLITE_DONE) {
			sqlite3_finalize(s);
			return store_fail(ctx->store, &ctx->err, "storing out-of-fold predictions");
		}
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	return 0;
}

static void report(struct rd_ctx *ctx, const char *name, int version, enum model_algo algo,
		   const char *segment, const struct train_data *d, const struct cv_result *r)
{
	struct rd_sink *o = ctx->out;
	sink_fieldf(o, "model", "name", COL_TEXT, "%s@%d", name, version);
	sink_field(o, "model", "algo", model_algo_names[algo], COL_TEXT);
	sink_field(o, "model", "segment", segment, COL_TEXT);
	sink_field(o, "model", "status", vocab_name(&vocab_model_status, MODEL_CHALLENGER),
		   COL_TEXT);
	sink_fieldf(o, "model", "rows", COL_NUM, "%zu", d->n);
	sink_fieldf(o, "model", "bads", COL_NUM, "%zu", r->m.bads);
	sink_fieldf(o, "model", "columns", COL_NUM, "%d", d->ncols);
	sink_fieldf(o, "metrics", "auc_fold_mean", COL_NUM, "%.4f", r->auc_mean);
	sink_fieldf(o, "metrics", "auc_fold_sd", COL_NUM, "%.4f", r->auc_sd);
	sink_fieldf(o, "metrics", "auc_oof", COL_NUM, "%.4f", r->m.auc);
	sink_fieldf(o, "metrics", "gini", COL_NUM, "%.4f", r->m.gini);
	sink_fieldf(o, "metrics", "ks", COL_NUM, "%.4f", r->m.ks);
	sink_fieldf(o, "metrics", "brier", COL_NUM, "%.4f", r->m.brier);
	sink_fieldf(o, "metrics", "logloss", COL_NUM, "%.4f", r->m.logloss);
	sink_fieldf(o, "metrics", "threshold_pd", COL_NUM, "%.4f", r->cut.cutoff);
	sink_fieldf(o, "metrics", "expected_cost", COL_NUM, "%.4f", r->cut.expected_cost);
	sink_message(o,
		     "registered %s@%d as a challenger; 'model %s@%d' shows its tables,"
		     " 'promote %s@%d' makes it serve",
		     name, version, name, version, name, version);
}

static void on_tuning(void *ud, int done, int total)
{
	struct trainer *t = ud;
	sink_progress(t->ctx->out, "tuning", done, total);
}

/* --tune: the grid search on the folds; tp->xgb takes the chosen settings. 0 or -1. */
static int tune(struct rd_ctx *ctx, const struct train_data *d, const int *fold,
		struct train_params *tp, const struct tune_grid *grid, struct trainer *t,
		struct cv_result *r)
{
	double t0 = now_seconds();
	r->ntuning = tune_grid_size(grid);
	r->tuning = rd_calloc((size_t)r->ntuning, sizeof *r->tuning);
	if (tune_run(d, fold, r->k, tp, grid, r->tuning, &r->best, on_tuning, t, &ctx->err))
		return -1;
	r->tune_seconds = now_seconds() - t0;
	const struct tune_row *b = &r->tuning[r->best];
	tp->xgb.max_depth = b->depth;
	tp->xgb.eta = b->eta;
	tp->xgb.min_child_weight = b->mcw;
	tp->xgb.subsample = b->subsample;
	tp->xgb.trees = b->trees > 0 ? b->trees : 1;
	return 0;
}

/* --tune's table: a row per setting, the chosen one marked. */
static void report_tuning(struct rd_ctx *ctx, const struct cv_result *r)
{
	static const char *const cols[] = {"depth", "eta",    "min_child", "subsample", "trees",
					   "auc",   "auc_sd", "seconds",   "chosen"};
	static const enum rd_col_kind kinds[] = {COL_NUM, COL_NUM, COL_NUM, COL_NUM, COL_NUM,
						 COL_NUM, COL_NUM, COL_NUM, COL_TEXT};
	sink_table_begin(ctx->out, "tuning", 9, cols, kinds);
	for (int i = 0; i < r->ntuning; i++) {
		const struct tune_row *t = &r->tuning[i];
		char v[8][32];
		snprintf(v[0], sizeof v[0], "%d", t->depth);
		num_format(t->eta, v[1], sizeof v[1]);
		num_format(t->mcw, v[2], sizeof v[2]);
		num_format(t->subsample, v[3], sizeof v[3]);
		snprintf(v[4], sizeof v[4], "%d", t->trees);
		snprintf(v[5], sizeof v[5], "%.4f", t->auc);
		snprintf(v[6], sizeof v[6], "%.4f", t->auc_sd);
		snprintf(v[7], sizeof v[7], "%.2f", t->seconds);
		const char *row[] = {v[0], v[1], v[2],
				     v[3], v[4], v[5],
				     v[6], v[7], i == r->best ? "*" : ""};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);
}

/* A hash of the rows' ids and folds (FNV-1a, hex): two models with the same one were
 * cross-validated on the same rows and folds, so their metrics are paired. */
static void folds_signature(const struct train_data *d, const int *fold, char sig[17])
{
	uint64_t h = RD_FNV1A_SEED;
	for (size_t i = 0; i < d->n; i++) {
		h = rd_fnv1a(h, d->ids[i], strlen(d->ids[i]));
		h = rd_fnv1a_step(h, 0xffu); /* ends the id */
		h = rd_fnv1a_step(h, (unsigned)fold[i]);
	}
	snprintf(sig, 17, "%016llx", (unsigned long long)h);
}

static int exec_train(struct rd_ctx *ctx, const struct rd_args *a)
{
	const char *name = a->argv[0], *folds_file = args_opt(a, "folds-file");
	const char *segment = args_opt(a, "segment")
				      ? args_opt(a, "segment")
				      : vocab_name(&vocab_model_segment, MODEL_SEGMENT_ALL);
	enum model_algo algo;
	struct train_params tp;
	struct cv_result r = {0};
	struct train_data d = {0};
	struct train_output fit = {0};
	int *fold = NULL, status = RD_FAILED, version = 0;
	double *p = NULL;
	unsigned char *use = NULL;
	char *iv = NULL, *reference = NULL;
	struct rd_buf mj = {0};
	struct rd_run own, *run;
	struct tune_grid grid;
	int tuned = 0;
	if (parse_options(ctx, a, &algo, &tp, &r) ||
	    parse_tree_options(ctx, a, algo, &tp, &grid, &tuned))
		return RD_USAGE;
	const char *bins_file = args_opt(a, "bins");
	struct rd_bins hand = {0};
	if (bins_file && algo != MODEL_SCORECARD) {
		rd_err_set(&ctx->err, "train: --bins is for scorecard");
		return RD_USAGE;
	}
	/* The file is checked before anything runs; against the data once it is read. */
	if (bins_file && bins_read(bins_file, &hand, &ctx->err))
		return RD_FAILED;
	struct trainer t = {ctx, 0, 0, model_algo_trees(algo) ? tp.xgb.trees : 1};
	tp.progress = on_rounds;
	tp.ud = &t;
	if (!(run = run_enter(ctx, &own, "train", &ctx->err))) {
		bins_free(&hand);
		return RD_FAILED;
	}
	int64_t as_of;
	if (features_as_of(ctx->store, ctx->settings.as_of, &as_of, &ctx->err) ||
	    train_data_load(ctx->store, args_opt(a, "features"), as_of, &d, &ctx->err))
		goto out;
	fold = rd_malloc(d.n * sizeof *fold);
	if (folds_file) {
		if (train_folds_file(&d, folds_file, fold, &r.k, &ctx->err))
			goto out;
	}
	int ms = vocab_find(&vocab_model_segment, segment);
	if (ms != MODEL_SEGMENT_ALL) {
		/* Folds (from a file too) follow the rows that stay. */
		unsigned char *keep = rd_malloc(d.n);
		size_t m = 0;
		for (size_t i = 0; i < d.n; i++) {
			keep[i] = vocab_model_serves(ms, (enum rd_customer_kind)d.kind[i],
						     d.is_new[i] ? SEGMENT_NEW : SEGMENT_EXISTING);
			if (keep[i])
				fold[m++] = fold[i];
		}
		train_data_keep(&d, keep);
		free(keep);
		if (d.n < 20) {
			rd_err_set(&ctx->err,
				   "train: %zu customers of segment '%s' have an outcome;"
				   " at least 20 are needed",
				   d.n, segment);
			goto out;
		}
	}
	if (!folds_file)
		train_folds(&d, r.k, fold);
	if (column_options(ctx, a, &d) || (bins_file && train_column_bins(&d, &hand, &ctx->err)))
		goto out;
	r.fold_auc = rd_calloc((size_t)r.k, sizeof *r.fold_auc);
	folds_signature(&d, fold, r.folds_sig);
	if (tuned) {
		if (tune(ctx, &d, fold, &tp, &grid, &t, &r))
			goto out;
		t.rounds = tp.xgb.trees;
	}
	t.fits = r.k + 1;
	if (cross_validate(ctx, algo, &d, fold, &tp, &t, &r))
		goto out;
	double t0 = now_seconds();
	p = rd_malloc(d.n * sizeof *p);
	use = rd_malloc(d.n);
	memset(use, 1, d.n);
	t.fit = r.k;
	if (ctx_cancelled(ctx) || train_fit(algo, &d, use, &tp, p, &fit, &ctx->err) ||
	    spec_bands(ctx, &fit.spec, &r.scale))
		goto out;
	r.fit_seconds = now_seconds() - t0;
	if (train_iv_table_for(&d, &tp, &iv, &ctx->err))
		goto out;
	for (size_t i = 0; i < d.n; i++)
		p[i] = score_clamp(score_from_pd(&score_scaling_default, p[i]));
	reference = train_reference(&d, p);
	metrics_json(&mj, &r, iv);
	if (label_source_add(ctx->store, d.ids, d.n, &mj, &ctx->err))
		goto out;
	if (register_model(ctx, name, algo, segment, fit.spec, mj.data, reference, &version) ||
	    store_oof(ctx, name, version, &d, fold, r.oof) ||
	    run_finish_ok(ctx, run, (int64_t)d.n, NULL, &ctx->err) ||
	    store_commit(ctx->store, &ctx->err))
		goto out;
	if (r.tuning)
		report_tuning(ctx, &r);
	report(ctx, name, version, algo, segment, &d, &r);
	char labels[256];
	if (label_source_describe(mj.data, labels, sizeof labels))
		sink_message(ctx->out, "trained on %s", labels); /* not observed defaults */
	status = RD_OK;
out:
	if (status != RD_OK && ctx_cancelled(ctx))
		rd_err_set(&ctx->err, "train cancelled: nothing was registered");
	store_rollback(ctx->store);
	run_leave(ctx, &own, status); /* a failed or cancelled training is a run too */
	train_data_free(&d);
	bins_free(&hand);
	free(fold);
	free(p);
	free(use);
	free(r.fold_auc);
	free(r.oof);
	free(r.tuning);
	free(fit.spec);
	free(iv);
	free(reference);
	buf_free(&mj);
	return status;
}

static const struct rd_arg train_args[] = {
	{.at = 0, .values = {.type = RD_ARG_MODEL}},
	{.opt = "algo",
	 .values = {.type = RD_ARG_WORD, .words = model_algo_names, .nwords = MODEL_ALGOS}},
	{.opt = "segment", .values = {.type = RD_ARG_WORD, .vocab = &vocab_model_segment}},
	{.opt = "features", .values = {.type = RD_ARG_COLUMN, .sep = ','}},
	{.opt = "folds-file", .values = {.type = RD_ARG_FILE}},
	{.opt = "bins", .values = {.type = RD_ARG_FILE}},
	{.opt = "reasons",
	 .values = {.type = RD_ARG_WORD, .words = (const char *const[]){"shap", "approx", NULL}}},
	RD_ARGS_END,
};

const struct rd_cmd cmd_train = {
	.name = "train",
	.usage = "NAME --algo logit|scorecard|xgb|rf [--segment S] [--features F,...] [--folds K]"
		 " [--folds-file FILE] [--min-iv X] [--max-corr X] [--trend [F=]SHAPE]"
		 " [--special F=V,...] [--bins FILE] [--tune [--grid SPEC]] [--threads N]",
	.summary = "train a model with K-fold cross-validation and register it as a challenger",
	.help = "It learns outcomes.defaulted: rows are the customers with an outcome, columns "
		"their features and attributes (constant ones dropped), and their kind "
		"(individual or company) when --features names kind. logit: liblinear's L2 "
		"logistic regression; scorecard: WoE bins, a logistic regression on the WoE "
		"values, a points table; xgb: libxgboost's gradient-boosted trees; rf: a random "
		"forest, libxgboost's random-forest mode (500 trees of depth 16, sqrt(inputs) of "
		"the inputs tried at each split, leaves of at least sqrt(rows per tree)/4 rows, "
		"no L2 penalty on the leaves: lambda 0; its reasons default to XGBoost's "
		"approximate contributions, faster than exact SHAP on deep trees). Metrics are on "
		"out-of-fold predictions: AUC per fold, out-of-fold AUC, Gini, KS, Brier score, "
		"log loss, gains, calibration by band and by PD decile, and the cost-optimal PD "
		"cut-off from --cost-fn and --cost-fp. The model is then fitted on all rows and "
		"registered as a challenger with its IV table, reference distributions and "
		"out-of-fold predictions (a blend's cut-off is fitted on them). --bands sets the "
		"band edges it uses when it scores and in its calibration. A scorecard bins "
		"numerics to the --trend shape (auto: monotone unless the data support a peak or "
		"valley), gives special codes and missing values bins of their own, leaves out "
		"features under --min-iv and the weaker of two whose WoE correlates above "
		"--max-corr, and refits without any feature whose coefficient has the wrong sign, "
		"so that points rise with the WoE; 'model NAME' lists what was left out and why. "
		"--bins FILE sets the bins of the features it names by hand: numeric edges or "
		"groups of levels, kept exactly (no shape, no merging), special codes and missing "
		"values still in bins of their own; 'bins NAME' shows them. "
		"xgb --tune first cross-validates a grid of depth, eta, min-child and subsample "
		"on the same folds, each setting's trees found by early stopping on the held-out "
		"fold, shows the table and trains the best.",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_WRITES | CMD_LONG,
	.opts = train_opts,
	.args = train_args,
	.exec = exec_train,
};
