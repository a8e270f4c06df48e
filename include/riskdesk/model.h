/* Trained models (logit, scorecard, xgb) read from their JSON specification, which holds
 * everything needed to score: columns, coefficients or bins or trees, and the scaling.
 * Scoring is by batches of rows, with the adverse reasons of each algorithm (SPEC §5). */
#ifndef RISKDESK_MODEL_H
#define RISKDESK_MODEL_H

#include <stddef.h>

#include "riskdesk/score.h"

enum model_algo { MODEL_LOGIT, MODEL_SCORECARD, MODEL_XGB };

struct xgb_model;

/* One bin of a scorecard column: numeric bins are x <= hi (in increasing order, the last
 * +inf), a categorical bin holds some levels, the missing bin holds missing values. */
struct model_bin {
	double hi;
	int missing;
	double woe;
	double points;
};

struct model_column {
	char *name;
	int feature;       /* enum feature_id, or -1 for a customer attribute */
	int categorical;
	char **levels;     /* categorical: sorted (strcmp); input values are indexes into it */
	int nlevels;
	/* logit */
	double mean, sd, weight, lo, hi; /* numerics: standardisation, weight, training range */
	double *weights;   /* categoricals: one per level */
	/* scorecard */
	double coef;       /* coefficient of the WoE */
	struct model_bin *bins;
	int nbins;
	int *level_bin;    /* categoricals: the bin of each level */
	int missing_bin;   /* -1 when training saw no missing value */
	/* xgb */
	int first_input;   /* numerics one input, categoricals one per level (one-hot) */
};

struct rd_model {
	enum model_algo algo;
	struct score_scaling scaling;
	double intercept;  /* logit, scorecard: log-odds of default at zero inputs */
	int ncols;
	struct model_column *cols;
	int ninputs;       /* xgb */
	int *nlevels;      /* xgb: per column, its levels or -1 (numeric), for onehot_row */
	struct xgb_model *booster;
	int approx_reasons;  /* xgb: reasons from approximate contributions, not exact SHAP */
};

extern const char *const model_algo_names[3]; /* "logit", "scorecard", "xgb" */

/* Parses and checks a specification; NULL with err naming the bad field. */
struct rd_model *model_parse(const char *spec, struct rd_err *err);
void model_free(struct rd_model *m);

/* The index of a categorical value in column c's levels, or -1 (unseen). */
int model_level(const struct rd_model *m, int c, const char *value);

/* Scores n rows. x holds n * m->ncols values: numbers, or for categorical columns a level
 * index as a double (NaN: missing or unseen). Fills each out[i] (score, band, pd, risk
 * level, up to REASONS_MAX reasons) and raw[i], the unclamped score (for weighted means).
 * 0 or -1. */
int model_score(struct rd_model *m, const double *x, size_t n, struct rd_score *out,
		double *raw, struct rd_err *err);

/* A row of column values as XGBoost inputs: a numeric column (nlevels[c] < 0) one input
 * as it is, a categorical column one input per level (one-hot; missing: all 0). */
void onehot_row(int ncols, const int *nlevels, const double *row, float *out);

/* Fills score, band, risk level and pd from a raw (unclamped) score. */
void score_fill(const struct score_scaling *sc, double raw, struct rd_score *out);

#endif
