/* A booster's trees read from XGBoost's JSON model text, outside libxgboost, and per leaf
 * their path attributions: XGBoost's approximate contributions (approx_contribs, Saabas's
 * method), which depend only on the leaf a row reaches in each tree, so that a table of
 * them per (tree, leaf) gives a row's contributions (docs/methodology.md, 17). The one
 * reading of the trees for the SQL export and for reasons from the table. */
#ifndef RISKDESK_XGBTREE_H
#define RISKDESK_XGBTREE_H

#include <stddef.h>

#include "riskdesk/util.h"

/* A node as the walk reads it, in 16 bytes (one cache line holds four): the arrays below
 * side by side cost a cache miss each per node on a forest's deep trees. */
struct xgb_node {
	int left;       /* -1 at a leaf */
	int right;      /* at a leaf: where its path attribution starts in part[] */
	unsigned split; /* the input tested; XGB_DEFAULT_LEFT set: a missing input goes left;
			 * at a leaf: how many inputs its path attribution has */
	float cond;     /* the threshold; a leaf's value */
};
struct xgb_part {
	int in;
	float val;
};
#define XGB_DEFAULT_LEFT 0x80000000u

/* One tree; nodes are numbered as XGBoost numbers them (its pred_leaf), the root 0. */
struct xgb_tree {
	int n;
	int *left, *right; /* children; -1 at a leaf */
	int *split;        /* the input a split tests */
	int *dleft;        /* 1: a missing input goes left */
	float *cond;       /* a split's threshold ((float)x < cond goes left); a leaf's value */
	float *mean;       /* per node, its leaves' values weighted by their cover (sum_hessian),
			      as XGBoost's FillNodeMeanValues computes it, in float */
	int depth;         /* splits on the longest path */
	/* Per leaf i, its path attribution: the inputs in[at[i]..at[i+1]-1] (in order of
	 * their first split on the path) with the float sums val[] of child mean - node mean
	 * over the splits on them; nothing at a split node. */
	int *at; /* n + 1 offsets */
	int *in;
	float *val;
	struct xgb_node *node; /* the same tree for the walk */
	struct xgb_part *part; /* in[] and val[] side by side */
};

struct xgb_trees {
	int ntrees;
	int ninputs;
	float base_margin; /* the model's base_score as a margin, as libxgboost computes it */
	float bias;        /* the roots' means summed in float, tree after tree */
	struct xgb_tree *t;
};

/* The trees of a booster's JSON text (libxgboost 1.7's format), checked by xgb_check_json
 * with ninputs inputs first, and their path attributions. NULL with err. Free with
 * xgb_trees_free (NULL: a no-op). */
struct xgb_trees *xgb_trees_parse(const char *json, size_t len, int ninputs, struct rd_err *err);
void xgb_trees_free(struct xgb_trees *tr);

/* The leaf a row reaches in tree t (x: the ninputs inputs, NaN missing), as XGBoost
 * decides: a missing input goes the default way, else left when (float)x < cond. */
int xgb_tree_leaf(const struct xgb_tree *t, const float *x);

/* The approximate contributions of n rows from their leaves (leaves: n * ntrees node ids,
 * row-major, as XGBoost's pred_leaf gives them): out as xgb_contribs's, n * (ninputs + 1)
 * values, the last of a row the bias. Summed in float tree after tree, as libxgboost
 * sums them, so equal to its approx_contribs bit for bit. */
void xgb_trees_contribs(const struct xgb_trees *tr, const int *leaves, size_t n, double *out);

/* The margins of n rows (x: ninputs each), as libxgboost predicts them: the base margin
 * plus each tree's leaf, in float, tree after tree. With acc (n * (ninputs + 1) floats) also
 * their approximate contributions, as xgb_trees_contribs's (the last of a row the bias). */
void xgb_trees_rows(const struct xgb_trees *tr, const float *x, size_t n, float *margin,
		    float *acc);

/* The probability of a margin, as libxgboost's binary:logistic transforms it (in float). */
float xgb_sigmoid(float margin);

#endif
