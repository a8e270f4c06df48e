/* The logistic regression (train.h): liblinear's L2 fit on sparse rows, which the
 * scorecard's fit uses too, and the logit model: numerics winsorized, imputed with a
 * missing indicator and standardised, categoricals one-hot, and each column's average
 * contribution kept for reasons (docs/methodology.md 7.1). */
#include <linear.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/woe.h"
#include "train_internal.h"

static void quiet(const char *s)
{
	(void)s; /* liblinear prints progress; the core never prints */
}

/* L2 logistic regression with liblinear on sparse rows whose indexes run 1..nindex (the
 * last the bias node, present in every row). w[j - 1] receives the weight of index j,
 * oriented so that a larger w·x means a larger probability of y = 1. 0 or -1. */
static int lr_fit(struct feature_node **rows, double *y, size_t l, int nindex, double c, double *w,
		  struct rd_err *err)
{
	struct problem prob = {.l = (int)l, .n = nindex, .y = y, .x = rows, .bias = -1};
	struct parameter param = {.solver_type = L2R_LR, .C = c, .eps = 0.01};
	set_print_string_function(quiet);
	const char *bad = check_parameter(&prob, &param);
	if (bad) {
		rd_err_set(err, "train: liblinear: %s", bad);
		return -1;
	}
	struct model *m = train(&prob, &param);
	int labels[2] = {1, 0};
	get_labels(m, labels);
	/* liblinear's decision values favour its first label. */
	double sign = get_nr_class(m) == 2 && labels[0] == 0 ? -1.0 : 1.0;
	for (int j = 1; j <= nindex; j++)
		w[j - 1] = get_nr_class(m) == 2 ? sign * get_decfun_coef(m, j, 0) : 0;
	if (get_nr_class(m) != 2) /* one class only: a constant PD in the intercept */
		w[nindex - 1] = labels[0] ? 30 : -30;
	free_and_destroy_model(&m);
	return 0;
}

static double sigmoid(double eta)
{
	return 1 / (1 + exp(-eta));
}

/* How a logit reads a numeric column, learnt from the used rows (docs/methodology.md 7.1):
 * winsorized at their 1st and 99th percentiles, a missing value replaced by their median
 * and flagged by an indicator input (when some used row is missing), then standardised
 * with the mean and standard deviation of the values so prepared. */
struct logit_num {
	double lo, hi, impute, mean, sd;
	int indicator; /* some used row is missing: the column has a missing indicator input */
};

/* The value the regression sees before standardising. */
static double logit_num_value(const struct logit_num *t, double v)
{
	return isnan(v) ? t->impute : fmin(fmax(v, t->lo), t->hi);
}

static struct logit_num logit_num_fit(const struct train_data *d, const unsigned char *use, int col,
				      double *buf)
{
	struct logit_num t = {0, 0, 0, 0, 1, 0};
	size_t k = 0, n = 0;
	for (size_t i = 0; i < d->n; i++) {
		double v = d->x[i * (size_t)d->ncols + (size_t)col];
		if (!use[i])
			continue;
		n++;
		if (isnan(v))
			t.indicator = 1;
		else
			buf[k++] = v;
	}
	if (k > 0) {
		qsort(buf, k, sizeof *buf, train_cmp_double);
		t.lo = quantile_at(buf, k, 0.01);
		t.hi = quantile_at(buf, k, 0.99);
		t.impute = quantile_at(buf, k, 0.5);
	}
	double s = 0, ss = 0;
	for (size_t i = 0; i < d->n; i++) {
		if (use[i]) {
			double x = logit_num_value(&t, d->x[i * (size_t)d->ncols + (size_t)col]);
			s += x;
			ss += x * x;
		}
	}
	t.mean = n ? s / (double)n : 0;
	double var = n ? ss / (double)n - t.mean * t.mean : 0;
	t.sd = var > 1e-24 ? sqrt(var) : 1;
	return t;
}

/* Ends a row of liblinear nodes (k used) with the bias and the terminator. */
void train_lr_end_row(struct feature_node *r, int k, int bias)
{
	r[k++] = (struct feature_node){bias, 1.0};
	r[k] = (struct feature_node){-1, 0};
}

/* Fits on the rows with use[i] (row i's nodes at nodes + i·per) and predicts every row:
 * w receives the weights (bias last), p[i] the PD. 0 or -1. */
int train_lr_fit(const struct train_data *d, const unsigned char *use, struct feature_node *nodes,
		 size_t per, int bias, double c, double *w, double *p, struct rd_err *err)
{
	struct feature_node **rows = rd_malloc(d->n * sizeof *rows);
	double *yy = rd_malloc(d->n * sizeof *yy);
	size_t l = 0;
	for (size_t i = 0; i < d->n; i++) {
		if (use[i]) {
			rows[l] = nodes + i * per;
			yy[l++] = d->y[i];
		}
	}
	int rc = lr_fit(rows, yy, l, bias, c, w, err);
	for (size_t i = 0; i < d->n && rc == 0; i++) {
		double eta = 0;
		for (const struct feature_node *r = nodes + i * per; r->index != -1; r++)
			eta += w[r->index - 1] * r->value;
		p[i] = sigmoid(eta);
	}
	free(rows);
	free(yy);
	return rc;
}

/* logit spec: one numeric column's transform, weight and indicator weight. */
static void logit_num_spec(struct rd_buf *b, const struct logit_num *t, double w, double wm)
{
	static const char *const keys[] = {",\"mean\":",    ",\"sd\":",     ",\"clip_lo\":",
					   ",\"clip_hi\":", ",\"impute\":", ",\"weight\":"};
	const double vals[] = {t->mean, t->sd, t->lo, t->hi, t->impute, w};
	for (int k = 0; k < 6; k++) {
		buf_puts(b, keys[k]);
		buf_json_number(b, vals[k]);
	}
	if (t->indicator) {
		buf_puts(b, ",\"missing_weight\":");
		buf_json_number(b, wm);
	}
}

/* logit: a numeric column one input (and one more for its missing indicator), a
 * categorical one per level. The spec keeps each column's average contribution over the
 * fitted rows (its log-odds, as model_score computes them), which reasons measure from. */
int train_fit_logit(const struct train_data *d, const unsigned char *use,
		    const struct train_params *tp, double *p, struct train_output *out,
		    struct rd_err *err)
{
	int ncols = d->ncols, rc = -1, next = 1;
	int *first = rd_calloc((size_t)ncols, sizeof *first);
	struct logit_num *tr = rd_calloc((size_t)ncols, sizeof *tr);
	double *buf = rd_malloc((d->n ? d->n : 1) * sizeof *buf);
	for (int col = 0; col < ncols; col++) {
		first[col] = next;
		if (d->cols[col].categorical) {
			next += d->cols[col].nlevels;
		} else {
			tr[col] = logit_num_fit(d, use, col, buf);
			next += 1 + tr[col].indicator;
		}
	}
	int bias = next;
	size_t per = 2 * (size_t)ncols + 2;
	struct feature_node *nodes = rd_malloc(d->n * per * sizeof *nodes);
	double *w = rd_calloc((size_t)bias, sizeof *w);
	for (size_t i = 0; i < d->n; i++) {
		struct feature_node *r = nodes + i * per;
		int k = 0;
		for (int col = 0; col < ncols; col++) {
			double v = d->x[i * (size_t)ncols + (size_t)col];
			if (d->cols[col].categorical) {
				if (!isnan(v))
					r[k++] = (struct feature_node){first[col] + (int)v, 1.0};
				continue;
			}
			double z = (logit_num_value(&tr[col], v) - tr[col].mean) / tr[col].sd;
			if (z != 0)
				r[k++] = (struct feature_node){first[col], z};
			if (tr[col].indicator && isnan(v))
				r[k++] = (struct feature_node){first[col] + 1, 1.0};
		}
		train_lr_end_row(r, k, bias);
	}
	if (train_lr_fit(d, use, nodes, per, bias, tp->c, w, p, err))
		goto out;
	if (out) {
		struct rd_buf b = {0};
		train_spec_head(&b, "logit");
		buf_puts(&b, ",\"C\":");
		buf_json_number(&b, tp->c);
		buf_puts(&b, ",\"intercept\":");
		buf_json_number(&b, w[bias - 1]);
		buf_puts(&b, ",\"columns\":[");
		for (int col = 0; col < ncols; col++) {
			const struct train_column *tc = &d->cols[col];
			const struct logit_num *t = &tr[col];
			double wc = w[first[col] - 1], wm = t->indicator ? w[first[col]] : 0;
			/* The average of the column's part of the log-odds over the fitted rows. */
			double sum = 0;
			size_t n = 0;
			for (size_t i = 0; i < d->n; i++) {
				double v = d->x[i * (size_t)ncols + (size_t)col];
				if (!use[i])
					continue;
				n++;
				if (tc->categorical)
					sum += isnan(v) ? 0 : w[first[col] + (int)v - 1];
				else
					sum += wc * ((logit_num_value(t, v) - t->mean) / t->sd) +
					       (isnan(v) ? wm : 0);
			}
			buf_puts(&b, col ? ",{\"name\":" : "{\"name\":");
			buf_json_string(&b, tc->name);
			if (tc->categorical) {
				train_spec_levels(&b, tc);
				buf_puts(&b, ",\"weights\":[");
				for (int lv = 0; lv < tc->nlevels; lv++) {
					if (lv)
						buf_putc(&b, ',');
					buf_json_number(&b, w[first[col] + lv - 1]);
				}
				buf_putc(&b, ']');
			} else {
				logit_num_spec(&b, t, wc, wm);
			}
			buf_puts(&b, ",\"avg\":");
			buf_json_number(&b, n ? sum / (double)n : 0);
			buf_putc(&b, '}');
		}
		buf_puts(&b, "]}");
		out->spec = buf_steal(&b);
	}
	rc = 0;
out:
	free(first);
	free(tr);
	free(buf);
	free(nodes);
	free(w);
	return rc;
}
