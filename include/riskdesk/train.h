/* Training data and models (SPEC section 5): the rows are the customers with an
 * outcome, the columns their behavioural features and attributes. The data, folds and
 * reference distributions are train_data.c's; train_fit is train.c's, with one file per
 * algorithm's fit (train_logit.c, train_scorecard.c, train_xgb.c). */
#ifndef RISKDESK_TRAIN_H
#define RISKDESK_TRAIN_H

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>

#include "riskdesk/bins.h"
#include "riskdesk/model.h"
#include "riskdesk/store.h"
#include "riskdesk/woe.h"
#include "riskdesk/xgb.h"

/* A column of the training data. */
struct train_column {
	char *name;      /* feature or attribute name (owned) */
	int categorical; /* 1: values are level codes into levels[] */
	char **levels;   /* categorical levels (owned), sorted */
	int nlevels;
	double *special; /* numeric: sentinel codes, each its own scorecard bin (owned), from
			  * the attribute's mapping or train --special */
	int nspecial;
	int trend; /* scorecard: 1 + enum woe_trend for this column; 0: train_params' */
	const struct bins_feature *bins; /* scorecard: hand-set bins (train --bins), not owned;
					  * NULL: binned automatically */
	char *label;         /* for people, from a mapping's "labels" (owned), or NULL */
	char **level_labels; /* categorical: per level (owned), NULL where none; or NULL */
};

/* Rows in customers' load order, so that row i is the i-th customer of the source file
 * (what a dataset's folds.csv refers to). */
struct train_data {
	size_t n; /* rows */
	int ncols;
	struct train_column *cols; /* owned */
	double *x;                 /* n * ncols: a number, or a level code; NaN = missing */
	int *y;                    /* 1 = defaulted */
	char **ids;                /* customer ids (owned) */
	unsigned char *is_new;     /* 1: segment "new" (routing, SPEC §5) */
	unsigned char *kind;       /* enum rd_customer_kind (routing too) */
};

/* Reads the training data, with the labels the mappings gave its columns. only_features:
 * a comma-separated list of column names, or NULL for all (constant columns are dropped).
 * The customer's kind is a categorical column (vocab.h: KIND_INPUT) only when the list
 * names it: a model trained without naming it stays as it was.
 * A column name longer than REASON_NAME_MAX bytes is refused. 0 or -1 with err. */
int train_data_load(struct rd_store *st, const char *only_features, int64_t as_of_day,
		    struct train_data *d, struct rd_err *err);
void train_data_free(struct train_data *d);
/* Keeps the rows with keep[i] != 0, in order. */
void train_data_keep(struct train_data *d, const unsigned char *keep);
/* Sets the special codes (n ≤ WOE_SPECIAL_MAX, n = 0: none) of the numeric column name,
 * replacing those it had. 0, or -1 with err (no such column, categorical, too many). */
int train_column_special(struct train_data *d, const char *name, const double *codes, int n,
			 struct rd_err *err);
/* Sets the bin shape of the numeric column name. 0, or -1 with err. */
int train_column_trend(struct train_data *d, const char *name, enum woe_trend trend,
		       struct rd_err *err);

/* Hands b's classing to the columns it names (their bins are then b's, kept exactly). Each
 * feature of b must be a training column, of b's kind (edges: numeric, groups:
 * categorical), with every level of a categorical in one of its groups, and with no --trend
 * of its own. b must outlive d's use. 0, or -1 with err "FILE: FEATURE: WHY". */
int train_column_bins(struct train_data *d, const struct rd_bins *b, struct rd_err *err);

/* Stratified folds, deterministic: rows ordered by label then a hash of the id, dealt
 * round-robin. fold[i] in 0..k-1. */
void train_folds(const struct train_data *d, int k, int *fold);
/* Folds from a CSV "row,fold" file (row 0-based, as a dataset's folds.csv). 0 or -1. */
int train_folds_file(const struct train_data *d, const char *path, int *fold, int *k,
		     struct rd_err *err);

/* What a fit needs besides the data. */
struct train_params {
	double c;                 /* logit, scorecard: liblinear's C (inverse L2 strength) */
	double min_share;         /* scorecard: the smallest bin's share of rows (0.05) */
	double min_iv;            /* scorecard: columns with a smaller IV are left out (0.02) */
	double max_corr;          /* scorecard: of two columns whose WoE values correlate above
				   * this (|r|), the one of lower IV is left out (0.8) */
	enum woe_trend trend;     /* scorecard: the bin shape of numerics (auto) */
	struct xgb_params xgb;    /* xgb */
	int approx_reasons;       /* xgb: reasons from approximate contributions (spec "reasons") */
	const atomic_int *cancel; /* polled by long fits; NULL: never */
	void (*progress)(void *ud, int done, int total); /* xgb rounds; may be NULL */
	void *ud;
};

void train_params_default(struct train_params *tp);

/* What a final fit leaves: the specification (JSON that model_parse reads, owned by the
 * caller). */
struct train_output {
	char *spec;
};

/* Fits algo on the rows with use[i] != 0 and predicts the PD p[i] of every row. With out
 * != NULL, also fills *out. 0 or -1 with err ("cancelled" when cancel was set).
 *   logit:     numerics winsorized at the 1st and 99th percentiles, missing values the
 *              median with a missing indicator, standardised; one-hot categoricals; L2
 *              logistic regression (liblinear); each column's average contribution;
 *   scorecard: per column quantile bins merged to the trend's shape, categoricals one bin
 *              per level with levels under min_share merged into the nearest WoE, special
 *              codes and missing values their own bins (a column with hand-set bins,
 *              tc->bins: those, kept exactly); columns left out by IV (min_iv)
 *              and correlation (max_corr); logistic regression on the WoE values, refitted
 *              without the column of the largest wrong-sign (positive) coefficient until
 *              none is left, so that points rise with the WoE; points per bin; the spec's
 *              "selection" says what was left out and why;
 *   xgb:       numerics as they are (missing as missing), categoricals one-hot; XGBoost;
 *   rf:        the same inputs; XGBoost's random-forest mode (tp->xgb as a forest). */
int train_fit(enum model_algo algo, const struct train_data *d, const unsigned char *use,
	      const struct train_params *tp, double *p, struct train_output *out,
	      struct rd_err *err);

/* The rows as XGBoost inputs, as model_score builds them (numerics as they are, categoricals
 * one-hot): d->n * *ninputs floats, the caller's to free. */
float *train_tree_inputs(const struct train_data *d, int *ninputs);

/* The Information Value of every column over all rows, binned as the scorecard bins
 * (a JSON array of {name, type, bins, iv, iv_raw[, label]}); *json is the caller's. 0 or -1. */
int train_iv_table(const struct train_data *d, double min_share, char **json, struct rd_err *err);
/* The same, binned with tp's bin share and trend. */
int train_iv_table_for(const struct train_data *d, const struct train_params *tp, char **json,
		       struct rd_err *err);

/* The reference distributions of the columns and of score[i] (refdist.h), as JSON
 * {"rows", "features": [...], "score": {...}}; the caller frees it. */
char *train_reference(const struct train_data *d, const double *score);

#endif
