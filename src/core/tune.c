/* train --tune: the cross-validated grid search (include/riskdesk/tune.h). */
#include "riskdesk/tune.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tune_grid_default(struct tune_grid *g)
{
	*g = (struct tune_grid){
		.ndepth = 3,
		.depth = {2, 4, 6},
		.neta = 1,
		.eta = {0.02},
		.nmcw = 3,
		.mcw = {1, 10, 50},
		.nsub = 1,
		.subsample = {0.8},
		.max_trees = 2000,
	};
}

int tune_grid_size(const struct tune_grid *g)
{
	return g->ndepth * g->neta * g->nmcw * g->nsub;
}

/* One key's values: "2,4,6" into out (at most TUNE_MAX_VALUES), each in [lo, hi] (lo
 * excluded when open_lo), whole numbers when whole. */
static int parse_values(const char *key, const char *text, double lo, double hi, int open_lo,
			int whole, double *out, int *count, struct rd_err *err)
{
	char *copy = rd_strdup(text), *save = NULL;
	int n = 0, rc = -1;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end = NULL;
		double v = strtod(tok, &end);
		if (end == tok || *end || !(open_lo ? v > lo : v >= lo) || !(v <= hi) ||
		    (whole && v != floor(v))) {
			rd_err_set(err, "train: --grid: %s=%.40s: '%.40s' is not %s from %g to %g",
				   key, text, tok, whole ? "a whole number" : "a number", lo, hi);
			goto out;
		}
		if (n == TUNE_MAX_VALUES) {
			rd_err_set(err, "train: --grid: %s: at most %d values", key,
				   TUNE_MAX_VALUES);
			goto out;
		}
		out[n++] = v;
	}
	if (n == 0) {
		rd_err_set(err, "train: --grid: %s has no value", key);
		goto out;
	}
	*count = n;
	rc = 0;
out:
	free(copy);
	return rc;
}

int tune_grid_parse(const char *text, struct tune_grid *g, struct rd_err *err)
{
	char *copy = rd_strdup(text), *save = NULL;
	int rc = -1;
	struct tune_grid t = *g;
	for (char *part = strtok_r(copy, ":", &save); part; part = strtok_r(NULL, ":", &save)) {
		char *eq = strchr(part, '=');
		double v[TUNE_MAX_VALUES];
		int n = 0;
		if (!eq) {
			rd_err_set(err,
				   "train: --grid: '%.40s' is not KEY=V,V,... (keys depth, eta,"
				   " min-child, subsample)",
				   part);
			goto out;
		}
		*eq = '\0';
		const char *key = part, *vals = eq + 1;
		if (strcmp(key, "depth") == 0) {
			if (parse_values(key, vals, 1, 16, 0, 1, v, &n, err))
				goto out;
			t.ndepth = n;
			for (int i = 0; i < n; i++)
				t.depth[i] = (int)v[i];
		} else if (strcmp(key, "eta") == 0) {
			if (parse_values(key, vals, 0, 1, 1, 0, t.eta, &t.neta, err))
				goto out;
		} else if (strcmp(key, "min-child") == 0) {
			if (parse_values(key, vals, 0, 1e6, 0, 0, t.mcw, &t.nmcw, err))
				goto out;
		} else if (strcmp(key, "subsample") == 0) {
			if (parse_values(key, vals, 0, 1, 1, 0, t.subsample, &t.nsub, err))
				goto out;
		} else {
			rd_err_set(err,
				   "train: --grid: unknown setting '%.40s' (depth, eta, min-child,"
				   " subsample)",
				   key);
			goto out;
		}
	}
	*g = t;
	rc = 0;
out:
	free(copy);
	return rc;
}

int tune_run(const struct train_data *d, const int *fold, int k, const struct train_params *tp,
	     const struct tune_grid *g, struct tune_row *rows, int *best,
	     void (*progress)(void *ud, int done, int total), void *ud, struct rd_err *err)
{
	int ninputs = 0, total = tune_grid_size(g), rc = -1;
	float *x = train_tree_inputs(d, &ninputs);
	unsigned char *use = rd_malloc(d->n), *eval = rd_malloc(d->n);
	*best = 0;
	for (int r = 0; r < total; r++) {
		/* Grid order: depth slowest, subsample fastest. */
		int s = r % g->nsub, c = r / g->nsub % g->nmcw,
		    b = r / (g->nsub * g->nmcw) % g->neta;
		int a = r / (g->nsub * g->nmcw * g->neta);
		struct tune_row *row = &rows[r];
		struct xgb_params p = tp->xgb;
		double t0 = now_seconds(), sum = 0, ss = 0, rounds = 0;
		p.forest = 0;
		p.trees = g->max_trees;
		p.max_depth = row->depth = g->depth[a];
		p.eta = row->eta = g->eta[b];
		p.min_child_weight = row->mcw = g->mcw[c];
		p.subsample = row->subsample = g->subsample[s];
		for (int f = 0; f < k; f++) {
			int best_rounds = 0;
			double auc = 0;
			for (size_t i = 0; i < d->n; i++) {
				use[i] = fold[i] != f;
				eval[i] = fold[i] == f;
			}
			if (xgb_early_stop(x, d->n, ninputs, d->y, use, eval, &p, TUNE_PATIENCE,
					   tp->cancel, &best_rounds, &auc, err))
				goto out;
			sum += auc;
			ss += auc * auc;
			rounds += best_rounds;
		}
		row->auc = sum / k;
		row->auc_sd = sqrt(fmax(0, ss / k - row->auc * row->auc));
		row->trees = (int)lround(rounds / k);
		row->seconds = now_seconds() - t0;
		if (row->auc > rows[*best].auc)
			*best = r;
		if (progress)
			progress(ud, r + 1, total);
	}
	rc = 0;
out:
	free(x);
	free(use);
	free(eval);
	return rc;
}
