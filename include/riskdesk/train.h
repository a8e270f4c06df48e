/* Training data and models (SPEC section 5): the rows are the customers with an
 * outcome, the columns their behavioural features and attributes. */
#ifndef RISKDESK_TRAIN_H
#define RISKDESK_TRAIN_H

#include <signal.h>
#include <stddef.h>

#include "riskdesk/store.h"

/* A column of the training data. */
struct train_column {
	char *name;      /* feature or attribute name (owned) */
	int categorical; /* 1: values are level codes into levels[] */
	char **levels;   /* categorical levels (owned), sorted */
	int nlevels;
};

/* Rows in customers' load order, so that row i is the i-th customer of the source file
 * (what a dataset's folds.csv refers to). */
struct train_data {
	size_t n;                    /* rows */
	int ncols;
	struct train_column *cols;   /* owned */
	double *x;                   /* n * ncols: a number, or a level code; NaN = missing */
	int *y;                      /* 1 = defaulted */
	char **ids;                  /* customer ids (owned) */
};

/* Reads the training data. only_features: a comma-separated list of column names, or
 * NULL for all (constant columns are dropped). 0 or -1 with err. */
int train_data_load(struct rd_store *st, const char *only_features, int64_t as_of_day,
		    struct train_data *d, struct rd_err *err);
void train_data_free(struct train_data *d);

/* Stratified folds, deterministic: rows ordered by label then a hash of the id, dealt
 * round-robin. fold[i] in 0..k-1. */
void train_folds(const struct train_data *d, int k, int *fold);
/* Folds from a CSV "row,fold" file (row 0-based, as a dataset's folds.csv). 0 or -1. */
int train_folds_file(const struct train_data *d, const char *path, int *fold, int *k,
		     struct rd_err *err);

/* L2 logistic regression (liblinear) on standardised numerics and one-hot categoricals.
 * Fits on the rows with use[i] != 0 and predicts p for every row. With spec != NULL,
 * also writes the fitted model as JSON (the caller frees *spec). 0 or -1. */
int train_logit(const struct train_data *d, const unsigned char *use, double c, double *p,
		char **spec, struct rd_err *err);

#endif
