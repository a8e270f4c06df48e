/* The tree models' fit (train.h): the training rows as XGBoost inputs (numerics as they are,
 * categoricals one-hot), boosting (xgb) or the random forest (rf) through xgb.c, and their
 * specification with the booster's own JSON text. Beside xgb.c, which wraps libxgboost;
 * here the training data becomes a model. */
#include <stdlib.h>
#include <string.h>

#include "riskdesk/model.h"
#include "riskdesk/xgb.h"
#include "train_internal.h"

float *train_tree_inputs(const struct train_data *d, int *ninputs)
{
	int k = 0;
	int *nlevels = rd_malloc((size_t)d->ncols * sizeof *nlevels);
	for (int col = 0; col < d->ncols; col++) {
		nlevels[col] = d->cols[col].categorical ? d->cols[col].nlevels : -1;
		k += d->cols[col].categorical ? d->cols[col].nlevels : 1;
	}
	float *x = rd_malloc(d->n * (size_t)k * sizeof *x);
	for (size_t i = 0; i < d->n; i++)
		onehot_row(d->ncols, nlevels, d->x + i * (size_t)d->ncols, x + i * (size_t)k);
	free(nlevels);
	*ninputs = k;
	return x;
}

/* xgb and rf: the inputs of train_tree_inputs; XGBoost boosting, or its random-forest mode. */
int train_fit_xgb(enum model_algo algo, const struct train_data *d, const unsigned char *use,
		  const struct train_params *tp, double *p, struct train_output *out,
		  struct rd_err *err)
{
	int ninputs = 0, rc = -1;
	struct xgb_params xp = tp->xgb;
	xp.forest = algo == MODEL_RF;
	float *x = train_tree_inputs(d, &ninputs);
	/* The forest's data-dependent settings, resolved here too so that the spec records
	 * them (xgb_train resolves the same rows the same way). */
	size_t rows = 0, bads = 0;
	for (size_t i = 0; i < d->n; i++)
		if (!use || use[i]) {
			rows++;
			bads += d->y[i] == 1;
		}
	xgb_forest_resolve(&xp, rows, bads, ninputs);
	struct xgb_model *m = xgb_train(x, d->n, ninputs, d->y, use, &xp, tp->cancel, tp->progress,
					tp->ud, err);
	if (!m || xgb_predict(m, x, d->n, p, err))
		goto out;
	if (out) {
		char *booster = xgb_to_json(m, err);
		if (!booster)
			goto out;
		struct rd_buf b = {0};
		train_spec_head(&b, model_algo_names[algo]);
		buf_printf(&b, ",\"params\":{\"trees\":%d,\"max_depth\":%d", xp.trees,
			   xp.max_depth);
		if (!xp.forest) {
			buf_puts(&b, ",\"eta\":");
			buf_json_number(&b, xp.eta);
		}
		buf_puts(&b, ",\"subsample\":");
		buf_json_number(&b, xp.subsample);
		buf_puts(&b, xp.forest ? ",\"colsample_bynode\":" : ",\"colsample\":");
		buf_json_number(&b, xp.colsample);
		buf_puts(&b, ",\"min_child_weight\":");
		buf_json_number(&b, xp.min_child_weight);
		if (xp.forest)
			buf_printf(&b, ",\"num_parallel_tree\":%d,\"lambda\":0", xp.trees);
		buf_printf(&b, ",\"tree_method\":\"hist\"},\"reasons\":\"%s\",\"columns\":[",
			   tp->approx_reasons ? "approx" : "shap");
		for (int col = 0; col < d->ncols; col++) {
			buf_puts(&b, col ? ",{\"name\":" : "{\"name\":");
			buf_json_string(&b, d->cols[col].name);
			if (d->cols[col].categorical)
				train_spec_levels(&b, &d->cols[col]);
			buf_putc(&b, '}');
		}
		/* XGBoost's own JSON as a string: its parser tells integers from reals, and
		 * only its own text keeps every number as it was. */
		buf_puts(&b, "],\"booster\":");
		buf_json_string(&b, booster);
		buf_putc(&b, '}');
		free(booster);
		out->spec = buf_steal(&b);
	}
	rc = 0;
out:
	xgb_free(m);
	free(x);
	return rc;
}
