/* Gradient-boosted trees (libxgboost's C API): binary:logistic training on dense float
 * rows, probabilities, SHAP contributions and the JSON model text. Nothing here prints:
 * libxgboost's log is silenced and its errors come back in err. A model may be used from
 * one thread at a time. */
#ifndef RISKDESK_XGB_H
#define RISKDESK_XGB_H

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>

#include "riskdesk/util.h"

struct xgb_params {
	int trees;               /* boosting rounds, >= 1; 300 */
	int max_depth;           /* >= 1; 4 */
	double eta;              /* learning rate, (0, 1]; 0.05 */
	double subsample;        /* rows sampled per tree, (0, 1]; 0.8 */
	double colsample;        /* inputs sampled per tree, (0, 1]; 0.8 (colsample_bytree) */
	int threads;             /* >= 0; 0: all cores */
	unsigned seed;           /* 0 */
	double min_child_weight; /* >= 0: the least hessian sum in a leaf; 1 */
	/* 1: a random forest (XGBoost's random-forest mode): one round of `trees` parallel
	 * trees (num_parallel_tree), learning rate 1 (eta ignored), rows subsampled per tree
	 * and colsample taken per split (colsample_bynode), no L2 leaf penalty (lambda 0:
	 * a leaf is its rows' Newton step, as a forest's leaf is its rows' rate), base score
	 * the training rows' bad rate. A forest's colsample may be XGB_AUTO (see
	 * xgb_forest_resolve), and so may its min_child_weight. 0: boosting; 0. */
	int forest;
};

/* A forest parameter chosen from the data by xgb_forest_resolve. */
#define XGB_AUTO (-1.0)

extern const struct xgb_params xgb_params_default; /* the values above, tree_method hist */
/* A random forest's defaults: 500 trees of depth 16, subsample 0.632 (a bootstrap's share
 * of distinct rows), colsample and min_child_weight XGB_AUTO (docs/methodology.md). */
extern const struct xgb_params xgb_params_forest;

/* A forest's data-dependent parameters, for rows training rows of which bads are 1 and
 * ninputs inputs: colsample XGB_AUTO becomes floor(sqrt(ninputs)) inputs per split
 * (scikit-learn's max_features "sqrt"); min_child_weight XGB_AUTO a leaf of at least
 * sqrt(rows * subsample) / 4 rows (each row's hessian is p0 (1 - p0) at the base score
 * p0 = bads / rows). Other values, and boosting's, are left as they are. xgb_train does
 * this itself; a caller that records the parameters calls it first. */
void xgb_forest_resolve(struct xgb_params *p, size_t rows, size_t bads, int ninputs);

struct xgb_model; /* a booster and its number of inputs */

/* Trains binary:logistic on the rows i with use[i] != 0 (use NULL: all rows). x is dense row-major,
 * n rows by ninputs floats, NaN = missing; y[i] is 0/1. cancel (may be NULL) is polled between
 * boosting rounds: when it becomes non-zero, returns NULL with err "cancelled". progress (may be NULL)
 * is called every 10 rounds with (ud, round, trees), and once more after the last round when
 * trees is not a multiple of 10. The same data, params and seed give the same model. x and y
 * are not kept. Free the model with xgb_free. */
struct xgb_model *xgb_train(const float *x, size_t n, int ninputs, const int *y,
			    const unsigned char *use, const struct xgb_params *p,
			    const atomic_int *cancel,
			    void (*progress)(void *ud, int done, int total), void *ud,
			    struct rd_err *err);
/* Early stopping (train --tune): boosts up to p->trees rounds on the rows with use[i] != 0 and
 * after every round measures the AUC of the rows with eval[i] != 0, stopping when patience
 * rounds in a row have not raised the best one. Fills *best_rounds (1..p->trees) and *best_auc
 * (metrics_auc of those rows at that round). Not for forests (p->forest: one round). The same
 * data and params give the same result. 0, or -1 with err ("cancelled" when cancel was set). */
int xgb_early_stop(const float *x, size_t n, int ninputs, const int *y, const unsigned char *use,
		   const unsigned char *eval, const struct xgb_params *p, int patience,
		   const atomic_int *cancel, int *best_rounds, double *best_auc,
		   struct rd_err *err);
/* Probability of y = 1 for each of the n rows (x as for xgb_train, ninputs columns). 0 or -1. */
int xgb_predict(struct xgb_model *m, const float *x, size_t n, double *pd, struct rd_err *err);
/* Contributions in log-odds: exact SHAP values (XGBoost's pred_contribs, TreeSHAP), or with
 * approx != 0 its approximate ones (approx_contribs: each split's gain credited to its
 * feature along the row's path, about 20 times faster). out has n * (ninputs + 1) values,
 * row-major, the last of each row the bias; a row's sum is its margin. 0 or -1. */
int xgb_contribs(struct xgb_model *m, const float *x, size_t n, int approx, double *out,
		 struct rd_err *err);
/* The leaf each of the n rows reaches in each of the model's ntrees trees (XGBoost's
 * pred_leaf): out has n * ntrees node ids, row-major. 0 or -1 (a model with another
 * number of trees gives an error). */
int xgb_leaves(struct xgb_model *m, const float *x, size_t n, int ntrees, int *out,
	       struct rd_err *err);
/* The booster as XGBoost's JSON model text (caller frees), NULL with err. */
char *xgb_to_json(struct xgb_model *m, struct rd_err *err);
/* Checks XGBoost's JSON model text (libxgboost 1.7's format) before libxgboost reads it, so
 * that no booster it accepts can crash or hang prediction: binary:logistic on a gbtree of at
 * most XGB_MAX_TREES trees with one output group (a forest has num_parallel_tree trees per
 * round; num_trees is a multiple of it); num_trees, tree_info and the trees agree;
 * every tree's arrays have num_nodes values; every child is -1 or a later node of its tree,
 * each node but the root the child of exactly one node (its 'parents' entry), no node with
 * one child, depth at most XGB_MAX_DEPTH; split indices in [0, ninputs) and num_feature ==
 * ninputs; no categorical split; every number finite (a float where libxgboost reads a
 * float), base_score in (0, 1). 0, or -1 with err naming the tree, node and field. */
#define XGB_MAX_TREES 100000
#define XGB_MAX_NODES (1 << 24) /* per tree */
#define XGB_MAX_DEPTH 64        /* TreeSHAP's memory grows with the square of the depth */
int xgb_check_json(const char *json, size_t len, int ninputs, struct rd_err *err);
/* A booster from that JSON text, checked by xgb_check_json first; ninputs must be the
 * model's number of features. Its predictions are bitwise those of the booster that was
 * saved. */
struct xgb_model *xgb_from_json(const char *json, size_t len, int ninputs, struct rd_err *err);
int xgb_ninputs(const struct xgb_model *m);
/* xgb_free(NULL) is a no-op. */
void xgb_free(struct xgb_model *m);

#endif
