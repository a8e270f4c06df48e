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
		tr->bias += t->mean[0];
	}
	free(hess);
	cJSON_Delete(doc);
	return tr;
}

int xgb_tree_leaf(const struct xgb_tree *t, const float *x)
{
	int i = 0;
	while (t->left[i] >= 0) {
		float v = x[t->split[i]];
		i = isnan(v) ? (t->dleft[i] ? t->left[i] : t->right[i])
			     : (v < t->cond[i] ? t->left[i] : t->right[i]);
	}
	return i;
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
