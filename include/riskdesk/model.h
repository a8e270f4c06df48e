/* Trained models (logit, scorecard, xgb) read from their JSON specification, which holds
 * everything needed to score: columns, coefficients or bins or trees, and the scaling.
 * Scoring is by batches of rows, with the adverse reasons of each algorithm (SPEC §5). */
#ifndef RISKDESK_MODEL_H
#define RISKDESK_MODEL_H

#include <stddef.h>

#include "riskdesk/score.h"

/* rf: a random forest, scored as xgb (its booster is XGBoost's random-forest mode). */
enum model_algo { MODEL_LOGIT, MODEL_SCORECARD, MODEL_XGB, MODEL_RF };
#define MODEL_ALGOS 4

struct xgb_model;
struct xgb_trees;

/* One bin of a scorecard column: numeric bins are x <= hi (in increasing order, the last
 * +inf), a categorical bin holds some levels, a special bin one special code of a numeric
 * column, the missing bin holds missing values. */
struct model_bin {
	double hi;
	int missing;
	double woe;
	double points;
	double count; /* training rows in it (goods + bads); NaN when the spec has none */
};

struct model_column {
	char *name;
	int feature; /* enum feature_id, or -1 for a customer attribute */
	int categorical;
	char **levels; /* categorical: sorted (strcmp); input values are indexes into it */
	int nlevels;
	/* logit, numerics: a value is clipped to [clip_lo, clip_hi] (the training rows' 1st and
	 * 99th percentiles), a missing one replaced by impute and flagged by the missing
	 * indicator, whose weight is missing_weight; then standardised with mean and sd. A spec
	 * from before winsorizing has no clip (+-inf), impute = mean, no indicator. */
	double mean, sd, weight;
	double clip_lo, clip_hi, impute, missing_weight;
	double *weights; /* categoricals: one per level */
	/* scorecard */
	double coef; /* coefficient of the WoE */
	struct model_bin *bins;
	int nbins;
	int *level_bin;  /* categoricals: the bin of each level */
	int missing_bin; /* -1 when training saw no missing value */
	int *edge_bin;   /* numerics: the value bins in order, for a binary search */
	int nedges;
	double *special;  /* numerics: sentinel codes, outside the value bins (spec "special") */
	int *special_bin; /* the bin of each code, or -1 (no training row had it: neutral) */
	int nspecial;
	/* The training population's average contribution, against which points lost are
	 * measured (reasons): logit, its log-odds (0 in a spec without "avg"); scorecard, the
	 * points of its bins weighted by their training rows (without counts: the best bin's). */
	double avg;
	char *label;         /* for people (the spec's "labels"); NULL: see model_label */
	char **level_labels; /* categoricals: one per level, NULL where none; NULL for none */
	/* xgb */
	int first_input; /* numerics one input, categoricals one per level (one-hot) */
};

struct rd_model {
	enum model_algo algo;
	struct score_scaling scaling;
	double intercept;   /* logit, scorecard: log-odds of default at zero inputs */
	double base_points; /* scorecard: the score at zero points (0 when the spec has none) */
	int ncols;
	struct model_column *cols;
	int ninputs;  /* xgb, rf */
	int *nlevels; /* xgb: per column, its levels or -1 (numeric), for onehot_row */
	struct xgb_model *booster;
	int approx_reasons;      /* xgb: reasons from approximate contributions, not exact SHAP */
	struct xgb_trees *paths; /* xgb, rf: the trees and their path attributions (xgbtree.h) */
	int rank_only;           /* set by the caller: an exact-SHAP model ranks reasons by path
			* attributions (rd_score.path_reasons) */
};

extern const char *const model_algo_names[MODEL_ALGOS]; /* "logit", "scorecard", "xgb", "rf" */
/* Whether algo scores through a booster (xgb, rf). */
int model_algo_trees(enum model_algo algo);

/* Bounds of a specification's numbers (docs/design.md, "Model files"): every one finite;
 * besides, log-odds terms (intercept, weights, coef, WoE) within +-MODEL_LOGODDS_MAX, a
 * bin's points and base_points within +-MODEL_POINTS_MAX, the scaling's base_score within
 * SCORE_MIN..SCORE_MAX, base_odds and pdo within the bounds below; sd > 0, min <= max. */
#define MODEL_LOGODDS_MAX 1e4
#define MODEL_POINTS_MAX 1e6
#define MODEL_BASE_ODDS_MIN 1e-3
#define MODEL_BASE_ODDS_MAX 1e3
#define MODEL_PDO_MIN 1.0
#define MODEL_PDO_MAX 500.0
/* A serving version's weight in its segment's weighted mean (promote --weight, the file's
 * 'weight'): in (0, MODEL_WEIGHT_MAX]. */
#define MODEL_WEIGHT_MAX 1e6
#define MODEL_NAME_MAX 64
#define MODEL_SPECIAL_MAX 32 /* special codes of a scorecard column */

/* Whether name can name a model: 1 to MODEL_NAME_MAX ASCII letters, digits, '_', '.' and
 * '-', starting with a letter or a digit (so it never reads as an option, and stays one
 * word on a command line). 0, or -1 with err. The one rule for train, import and promote. */
int model_name_check(const char *name, struct rd_err *err);
/* Whether w is a weight in (0, MODEL_WEIGHT_MAX]. 0, or -1 with err naming what. */
int model_weight_check(double w, const char *what, struct rd_err *err);

struct cJSON;
/* A specification's "scaling" object (NULL: absent) into sc: base_score, base_odds, pdo and
 * the optional band edges "bands" [A, B, C, D]; what is absent is SPEC section 5's. 0 or -1. */
int model_scaling_parse(const struct cJSON *jsc, struct score_scaling *sc, struct rd_err *err);

/* Parses and checks a specification; NULL with err naming the bad field. */
struct rd_model *model_parse(const char *spec, struct rd_err *err);
void model_free(struct rd_model *m);

/* The index of a categorical value in column c's levels, or -1 (unseen). */
int model_level(const struct rd_model *m, int c, const char *value);
/* Column c for people: its label, else a built-in feature's label, else its name. */
const char *model_label(const struct rd_model *m, int c);

/* The bin of value v (as model_score reads it: a level index for a categorical, NaN for
 * missing) in scorecard column col, or -1 when it has none (scored as neutral: WoE 0, no
 * points). The one binning of scoring, for whoever needs to count bins. */
int model_scorecard_bin(const struct model_column *col, double v);

/* Scores n rows. x holds n * m->ncols values: numbers, or for categorical columns a level
 * index as a double (NaN: missing or unseen). Fills each out[i] (score, band, pd, risk
 * level, up to REASONS_MAX reasons) and raw[i], the unclamped score (for weighted means).
 * 0, or -1 with err: libxgboost failed, or some row's log-odds are not a finite number (its
 * raw[i] is then NaN; the caller names the row and writes nothing). */
int model_score(struct rd_model *m, const double *x, size_t n, struct rd_score *out, double *raw,
		struct rd_err *err);

/* A row of column values as XGBoost inputs: a numeric column (nlevels[c] < 0) one input
 * as it is, a categorical column one input per level (one-hot; missing: all 0). */
void onehot_row(int ncols, const int *nlevels, const double *row, float *out);

/* Fills score, band, risk level and pd from a raw (unclamped) score. */
void score_fill(const struct score_scaling *sc, double raw, struct rd_score *out);

#endif
