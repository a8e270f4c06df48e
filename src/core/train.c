/* Fitting a model (train.h): the parameters' defaults, train_fit, which hands the rows to
 * the algorithm's fit (train_logit.c, train_scorecard.c, train_xgb.c) and then adds the
 * columns' labels every specification carries, and the parts of a specification the fits
 * share. The training data itself is train_data.c's. */
#include "riskdesk/train.h"

#include <stdlib.h>
#include <string.h>

#include "riskdesk/jsondoc.h"
#include "riskdesk/score.h"
#include "train_internal.h"

void train_params_default(struct train_params *tp)
{
	memset(tp, 0, sizeof *tp);
	tp->c = 1.0;
	tp->min_share = WOE_MIN_SHARE_DEFAULT;
	tp->min_iv = 0.02;
	tp->max_corr = 0.8;
	tp->trend = WOE_TREND_AUTO;
	tp->xgb = xgb_params_default;
}

void train_spec_head(struct rd_buf *b, const char *algo)
{
	buf_printf(b, "{\"algo\":\"%s\",\"scaling\":{\"base_score\":", algo);
	buf_json_number(b, score_scaling_default.base_score);
	buf_puts(b, ",\"base_odds\":");
	buf_json_number(b, score_scaling_default.base_odds);
	buf_puts(b, ",\"pdo\":");
	buf_json_number(b, score_scaling_default.pdo);
	buf_putc(b, '}');
}

void train_spec_levels(struct rd_buf *b, const struct train_column *tc)
{
	buf_puts(b, ",\"levels\":[");
	for (int l = 0; l < tc->nlevels; l++) {
		if (l)
			buf_putc(b, ',');
		buf_json_string(b, tc->levels[l]);
	}
	buf_putc(b, ']');
}

/* Whether the spec's "columns" has one named name (a scorecard's selection leaves some out). */
static int spec_has_column(const char *spec, const char *name)
{
	struct jsondoc_span doc = {spec, strlen(spec)}, cols, col, v;
	struct jsondoc_iter it;
	struct rd_buf b = {0};
	int found = 0;
	if (jsondoc_member(doc, "columns", &cols) || jsondoc_begin(&it, cols))
		return 0;
	while (!found && jsondoc_next(&it, NULL, &col)) {
		buf_reset(&b);
		found = jsondoc_member(col, "name", &v) == 0 && jsondoc_string(v, &b) == 0 &&
			strcmp(b.data, name) == 0;
	}
	buf_free(&b);
	return found;
}

/* The columns' labels as the spec's "labels" (model_parse), appended to its object: one
 * place for every algorithm. Nothing when no column of the model has one. */
static void spec_add_labels(const struct train_data *d, char **spec)
{
	struct rd_buf b = {0};
	for (int c = 0; c < d->ncols; c++) {
		const struct train_column *tc = &d->cols[c];
		int any = 0;
		for (int l = 0; tc->level_labels && l < tc->nlevels && !any; l++)
			any = tc->level_labels[l] != NULL;
		if ((!tc->label && !any) || !spec_has_column(*spec, tc->name))
			continue;
		buf_puts(&b, b.len ? "," : ",\"labels\":{");
		buf_json_string(&b, tc->name);
		buf_putc(&b, ':');
		if (tc->label) {
			buf_puts(&b, "{\"label\":");
			buf_json_string(&b, tc->label);
		}
		if (any) {
			buf_puts(&b, tc->label ? ",\"values\":{" : "{\"values\":{");
			for (int l = 0, k = 0; l < tc->nlevels; l++) {
				if (!tc->level_labels[l])
					continue;
				if (k++)
					buf_putc(&b, ',');
				buf_json_string(&b, tc->levels[l]);
				buf_putc(&b, ':');
				buf_json_string(&b, tc->level_labels[l]);
			}
			buf_putc(&b, '}');
		}
		buf_putc(&b, '}');
	}
	if (b.len) {
		size_t n = strlen(*spec); /* an object: it ends with '}' */
		struct rd_buf all = {0};
		buf_append(&all, *spec, n - 1);
		buf_puts(&all, b.data);
		buf_puts(&all, "}}");
		free(*spec);
		*spec = buf_steal(&all);
	}
	buf_free(&b);
}

static int fit_algo(enum model_algo algo, const struct train_data *d, const unsigned char *use,
		    const struct train_params *tp, double *p, struct train_output *out,
		    struct rd_err *err)
{
	switch (algo) {
	case MODEL_LOGIT: return train_fit_logit(d, use, tp, p, out, err);
	case MODEL_SCORECARD: return train_fit_scorecard(d, use, tp, p, out, err);
	case MODEL_XGB:
	case MODEL_RF: return train_fit_xgb(algo, d, use, tp, p, out, err);
	}
	rd_err_set(err, "train: unknown algorithm");
	return -1;
}

int train_fit(enum model_algo algo, const struct train_data *d, const unsigned char *use,
	      const struct train_params *tp, double *p, struct train_output *out,
	      struct rd_err *err)
{
	if (out)
		memset(out, 0, sizeof *out);
	int rc = fit_algo(algo, d, use, tp, p, out, err);
	if (rc == 0 && out && out->spec)
		spec_add_labels(d, &out->spec);
	return rc;
}
