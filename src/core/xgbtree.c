/* A booster's trees and their path attributions (include/riskdesk/xgbtree.h). The float
 * arithmetic is libxgboost 1.7's, step for step (cpu_predictor.cc's FillNodeMeanValues
 * and PredictContribution, tree_model.cc's CalculateContributionsApprox), so that the
 * table gives its approx_contribs bit for bit. */
#include "riskdesk/xgbtree.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/jsondoc.h"
#include "riskdesk/xgb.h"

static void tree_free(struct xgb_tree *t)
{
	free(t->left);
	free(t->right);
	free(t->split);
	free(t->dleft);
	free(t->cond);
	free(t->mean);
	free(t->at);
	free(t->in);
	free(t->val);
	free(t->node);
	free(t->part);
}

void xgb_trees_free(struct xgb_trees *tr)
{
	if (!tr)
		return;
	for (int i = 0; i < tr->ntrees; i++)
		tree_free(&tr->t[i]);
	free(tr->t);
	free(tr);
}

/* The n values of array key of tree jt (xgb_check_json has checked their count and kind). */
static void read_ints(const cJSON *jt, const char *key, int n, int *out)
{
	const cJSON *v;
	int i = 0;
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(jt, key))
	{
		if (i < n)
			out[i++] = (int)v->valuedouble;
	}
}

static void read_floats(const cJSON *jt, const char *key, int n, float *out)
{
	const cJSON *v;
	int i = 0;
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(jt, key))
	{
		if (i < n)
			out[i++] = (float)v->valuedouble;
	}
}

/* Means (children after their parent: from the last node up), depth, and per leaf the
 * path attribution, walking from the root as CalculateContributionsApprox does. */
static void tree_attribute(struct xgb_tree *t, const float *hess)
{
	int n = t->n;
	int *parent = rd_malloc((size_t)n * sizeof *parent),
	    *depth = rd_calloc((size_t)n, sizeof *depth);
	for (int i = 0; i < n; i++)
		parent[i] = -1;
	for (int i = 0; i < n; i++) {
		if (t->left[i] >= 0) {
			parent[t->left[i]] = parent[t->right[i]] = i;
			depth[t->left[i]] = depth[t->right[i]] = depth[i] + 1;
		}
	}
	t->depth = 0;
	for (int i = n - 1; i >= 0; i--) {
		if (t->left[i] < 0) {
			t->mean[i] = t->cond[i];
		} else {
			float r = t->mean[t->left[i]] * hess[t->left[i]];
			r += t->mean[t->right[i]] * hess[t->right[i]];
			r /= hess[i];
			t->mean[i] = r;
		}
		if (depth[i] > t->depth)
			t->depth = depth[i];
	}
	size_t cap = 64, used = 0;
	t->at = rd_malloc(((size_t)n + 1) * sizeof *t->at);
	t->in = rd_malloc(cap * sizeof *t->in);
	t->val = rd_malloc(cap * sizeof *t->val);
	int *path = rd_malloc(((size_t)t->depth + 1) * sizeof *path);
	for (int i = 0; i < n; i++) {
		t->at[i] = (int)used;
		if (t->left[i] >= 0)
			continue;
		int len = 0;
		for (int j = i; j >= 0; j = parent[j])
			path[len++] = j;
		/* path[len - 1] is the root; each split adds child mean - node mean to its
		 * input, in order, in float (the leaf's own last step adds 0: mean = value) */
		size_t first = used;
		for (int k = len - 1; k > 0; k--) {
			int node = path[k], next = path[k - 1], in = t->split[node];
			size_t e = first;
			while (e < used && t->in[e] != in)
				e++;
			if (e == used) {
				if (used == cap) {
					cap *= 2;
					t->in = rd_realloc(t->in, cap * sizeof *t->in);
					t->val = rd_realloc(t->val, cap * sizeof *t->val);
				}
				t->in[used] = in;
				t->val[used++] = 0.0f;
			}
			float d = t->mean[next] - t->mean[node];
			t->val[e] += d;
		}
	}
	t->at[n] = (int)used;
	free(path);
	free(parent);
	free(depth);
}

struct xgb_trees *xgb_trees_parse(const char *json, size_t len, int ninputs, struct rd_err *err)
{
	if (xgb_check_json(json, len, ninputs, err))
		return NULL;
	cJSON *doc = jsondoc_parse(json, len, "booster", err);
	if (!doc)
		return NULL;
	const cJSON *learner = cJSON_GetObjectItemCaseSensitive(doc, "learner");
	const cJSON *lmp = cJSON_GetObjectItemCaseSensitive(learner, "learner_model_param");
	const cJSON *bs = cJSON_GetObjectItemCaseSensitive(lmp, "base_score");
	const cJSON *model = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(learner, "gradient_booster"), "model");
	const cJSON *trees = cJSON_GetObjectItemCaseSensitive(model, "trees"), *jt;
	struct xgb_trees *tr = rd_calloc(1, sizeof *tr);
	tr->ninputs = ninputs;
	/* libxgboost's ProbToMargin, in float as it computes it. */
	float base = (float)strtod(bs->valuestring, NULL);
	tr->base_margin = -logf(1.0f / base - 1.0f);
	tr->t = rd_calloc((size_t)cJSON_GetArraySize(trees) + 1, sizeof *tr->t);
	float *hess = NULL;
	cJSON_ArrayForEach(jt, trees)
	{
		struct xgb_tree *t = &tr->t[tr->ntrees++];
		const cJSON *jp = cJSON_GetObjectItemCaseSensitive(jt, "tree_param");
		t->n = atoi(cJSON_GetObjectItemCaseSensitive(jp, "num_nodes")->valuestring);
		size_t n = (size_t)t->n;
		t->left = rd_malloc(n * sizeof *t->left);
		t->right = rd_malloc(n * sizeof *t->right);
		t->split = rd_malloc(n * sizeof *t->split);
		t->dleft = rd_malloc(n * sizeof *t->dleft);
		t->cond = rd_malloc(n * sizeof *t->cond);
		t->mean = rd_malloc(n * sizeof *t->mean);
		hess = rd_realloc(hess, n * sizeof *hess);
		read_ints(jt, "left_children", t->n, t->left);
		read_ints(jt, "right_children", t->n, t->right);
		read_ints(jt, "split_indices", t->n, t->split);
		read_ints(jt, "default_left", t->n, t->dleft);
		read_floats(jt, "split_conditions", t->n, t->cond);
		read_floats(jt, "sum_hessian", t->n, hess);
		tree_attribute(t, hess);
		t->node = rd_malloc(n * sizeof *t->node);
		for (size_t i = 0; i < n; i++)
			t->node[i] =
				t->left[i] >= 0
					? (struct xgb_node){t->left[i], t->right[i],
							    (unsigned)t->split[i] |
								    (t->dleft[i] ? XGB_DEFAULT_LEFT
										 : 0),
							    t->cond[i]}
					: (struct xgb_node){-1, t->at[i],
							    (unsigned)(t->at[i + 1] - t->at[i]),
							    t->cond[i]};
		t->part = rd_malloc(((size_t)t->at[n] + 1) * sizeof *t->part);
		for (int e = 0; e < t->at[n]; e++)
			t->part[e] = (struct xgb_part){t->in[e], t->val[e]};
		tr->bias += t->mean[0];
	}
	free(hess);
	cJSON_Delete(doc);
	return tr;
}

static inline int leaf_of(const struct xgb_node *nd, const float *x)
{
	int i = 0;
	while (nd[i].left >= 0) {
		unsigned s = nd[i].split;
		float v = x[s & ~XGB_DEFAULT_LEFT];
		i = isnan(v) ? (s & XGB_DEFAULT_LEFT ? nd[i].left : nd[i].right)
			     : (v < nd[i].cond ? nd[i].left : nd[i].right);
	}
	return i;
}

int xgb_tree_leaf(const struct xgb_tree *t, const float *x)
{
	return leaf_of(t->node, x);
}

/* Rows walked a block at a time, tree after tree: a tree stays in the cache for the
 * block's rows (a forest's deep trees do not fit it whole). */
#define XGB_BLOCK 64

void xgb_trees_rows(const struct xgb_trees *tr, const float *x, size_t n, float *margin, float *acc)
{
	size_t ni = (size_t)tr->ninputs, w = ni + 1;
	for (size_t r = 0; r < n; r++)
		margin[r] = tr->base_margin;
	if (acc)
		memset(acc, 0, n * w * sizeof *acc);
	for (size_t b = 0; b < n; b += XGB_BLOCK) {
		size_t end = n - b < XGB_BLOCK ? n : b + XGB_BLOCK;
		for (int k = 0; k < tr->ntrees; k++) {
			const struct xgb_node *nd = tr->t[k].node;
			const struct xgb_part *pt = tr->t[k].part;
			for (size_t r = b; r < end; r++) {
				const struct xgb_node *leaf = &nd[leaf_of(nd, x + r * ni)];
				margin[r] += leaf->cond;
				if (!acc)
					continue;
				float *a = acc + r * w;
				for (unsigned e = 0; e < leaf->split; e++)
					a[pt[leaf->right + (int)e].in] +=
						pt[leaf->right + (int)e].val;
			}
		}
	}
	for (size_t r = 0; acc && r < n; r++)
		acc[r * w + ni] = tr->bias + tr->base_margin;
}

/* libxgboost 1.7's common::Sigmoid: the exponent capped (no overflow), and an epsilon that
 * changes no float sum above 1. */
float xgb_sigmoid(float margin)
{
	float e = expf(fminf(-margin, 88.7f));
	return 1.0f / (e + 1.0f + 1e-16f);
}

void xgb_trees_contribs(const struct xgb_trees *tr, const int *leaves, size_t n, double *out)
{
	size_t w = (size_t)tr->ninputs + 1;
	float *acc = rd_malloc(w * sizeof *acc);
	for (size_t r = 0; r < n; r++) {
		memset(acc, 0, w * sizeof *acc);
		/* libxgboost adds every tree's whole vector; the zeros it adds change nothing
		 * (a sum that starts at +0 is never -0); the bias is each tree's root mean */
		for (int k = 0; k < tr->ntrees; k++) {
			const struct xgb_tree *t = &tr->t[k];
			int leaf = leaves[r * (size_t)tr->ntrees + (size_t)k];
			if (leaf < 0 || leaf >= t->n)
				continue; /* not from XGBoost */
			for (int e = t->at[leaf]; e < t->at[leaf + 1]; e++)
				acc[t->in[e]] += t->val[e];
		}
		acc[tr->ninputs] = tr->bias + tr->base_margin;
		for (size_t j = 0; j < w; j++)
			out[r * w + j] = acc[j];
	}
	free(acc);
}
