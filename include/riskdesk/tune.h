/* train --tune: a cross-validated grid search of XGBoost's settings (depth, learning rate,
 * min child weight, row subsampling), the number of trees of each found by early stopping
 * on the held-out fold. No I/O; the caller reports and stores the table. */
#ifndef RISKDESK_TUNE_H
#define RISKDESK_TUNE_H

#include "riskdesk/train.h"

#define TUNE_MAX_VALUES 8 /* per setting */
#define TUNE_PATIENCE 50  /* rounds without a better held-out AUC before stopping */

struct tune_grid {
	int ndepth, neta, nmcw, nsub;
	int depth[TUNE_MAX_VALUES];
	double eta[TUNE_MAX_VALUES];
	double mcw[TUNE_MAX_VALUES]; /* min_child_weight */
	double subsample[TUNE_MAX_VALUES];
	int max_trees; /* early stopping's ceiling of rounds */
};

/* The default grid (docs/methodology.md): depth 2, 4, 6; eta 0.02; min-child 1, 10, 50;
 * subsample 0.8 (9 settings); at most 2000 trees. */
void tune_grid_default(struct tune_grid *g);
/* Replaces the settings named in text, "depth=2,4:eta=0.1:min-child=1:subsample=0.8"
 * (keys depth, eta, min-child, subsample; values separated by commas, at most
 * TUNE_MAX_VALUES each; depth 1 to 16, eta in (0, 1], min-child 0 to 1e6, subsample in
 * (0, 1]). The others keep their values. 0, or -1 with err naming the bad part. */
int tune_grid_parse(const char *text, struct tune_grid *g, struct rd_err *err);
/* Settings in the grid (the product of the value counts). */
int tune_grid_size(const struct tune_grid *g);

/* One setting of the grid, cross-validated. */
struct tune_row {
	int depth;
	double eta, mcw, subsample;
	int trees;          /* the mean over the folds of early stopping's best round, rounded */
	double auc, auc_sd; /* mean (population sd) over the folds of the best round's AUC */
	double seconds;
};

/* Cross-validates every setting of g (the other XGBoost settings, threads and seed from
 * tp->xgb) on the folds fold[i] in 0..k-1: per fold, boosting on the other folds with early
 * stopping on it. rows[] receives tune_grid_size(g) rows in grid order (depth slowest,
 * subsample fastest); *best the index of the highest mean AUC (the first on ties). progress
 * (may be NULL) is called after each setting with (ud, done, total). 0, or -1 with err
 * ("cancelled" when tp->cancel was set). */
int tune_run(const struct train_data *d, const int *fold, int k, const struct train_params *tp,
	     const struct tune_grid *g, struct tune_row *rows, int *best,
	     void (*progress)(void *ud, int done, int total), void *ud, struct rd_err *err);

#endif
