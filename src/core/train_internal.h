/* Between the files of model training: train.c (the fit and the specification's shared
 * parts), train_data.c, train_logit.c, train_scorecard.c, train_xgb.c. Not a public
 * header. */
#ifndef RISKDESK_TRAIN_INTERNAL_H
#define RISKDESK_TRAIN_INTERNAL_H

#include <stddef.h>

#include "riskdesk/train.h"
#include "riskdesk/util.h"

struct feature_node; /* liblinear's (linear.h) */

/* qsort's comparison of doubles, ascending (train_data.c). */
int train_cmp_double(const void *a, const void *b);

/* The start of a specification: {"algo": algo, "scaling": {...}, left open (train.c). */
void train_spec_head(struct rd_buf *b, const char *algo);
/* A categorical column's ,"levels":[...] (train.c). */
void train_spec_levels(struct rd_buf *b, const struct train_column *tc);

/* Ends a row of liblinear nodes (k used) with the bias node and the terminator
 * (train_logit.c). */
void train_lr_end_row(struct feature_node *r, int k, int bias);
/* L2 logistic regression on the rows with use[i] (row i's nodes at nodes + i·per, indexes
 * 1..bias, the bias last), then the PD p[i] of every row; w receives the weights. 0 or -1
 * (train_logit.c). */
int train_lr_fit(const struct train_data *d, const unsigned char *use, struct feature_node *nodes,
		 size_t per, int bias, double c, double *w, double *p, struct rd_err *err);

/* The algorithms' fits, as train_fit describes them (train.h). */
int train_fit_logit(const struct train_data *d, const unsigned char *use,
		    const struct train_params *tp, double *p, struct train_output *out,
		    struct rd_err *err);
int train_fit_scorecard(const struct train_data *d, const unsigned char *use,
			const struct train_params *tp, double *p, struct train_output *out,
			struct rd_err *err);
int train_fit_xgb(enum model_algo algo, const struct train_data *d, const unsigned char *use,
		  const struct train_params *tp, double *p, struct train_output *out,
		  struct rd_err *err);

#endif
