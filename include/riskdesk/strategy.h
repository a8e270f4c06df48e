/* Cut-off strategy (methodology §15): a trained model's out-of-fold predictions swept over
 * cut-off scores, the same sweep on the current book (the customers with an observed outcome,
 * scored by the model), and a chosen cut-off stored as its decision threshold. `strategy`
 * prints it; the Models pane draws it. */
#ifndef RISKDESK_STRATEGY_H
#define RISKDESK_STRATEGY_H

#include <stdint.h>

#include "riskdesk/score.h"
#include "riskdesk/store.h"

/* One cut-off score s: approve when PD < cutoff_pd = the PD of s. */
struct strategy_point {
	int score;
	double cutoff_pd;
	int64_t approved, bads_accepted, goods_rejected;
};

/* A model's out-of-fold predictions, or its scores on the book, sorted by PD, with what the
 * sweep needs of the model. */
struct strategy {
	double *pd;
	int64_t *bads_below; /* bads_below[i]: bads among pd[0..i) */
	int64_t n, bads;
	struct score_scaling scaling;
	double cost_fn, cost_fp;
	double threshold_pd; /* the model's cut-off; NaN without */
	const char *from;    /* the book's scores: "profiles" or "shadow"; NULL out of fold */
	int64_t scored;      /* the book: customers the model scored, outcome or not */
};

/* Reads name@version's predictions. 0; 1 when it has none (the rules model, or trained
 * without them: err says which); -1 with err. */
int strategy_load(struct rd_store *st, const char *name, int version, struct strategy *out,
		  struct rd_err *err);
/* Reads name@version's scores on the book (its profiles when it serves, else its shadow
 * scores) of the customers with an observed outcome, the outcome's `defaulted` their bad
 * flag. 0; 1 when there are none (no scores, or none with an outcome: err says which, in
 * one line); -1 with err. */
int strategy_load_book(struct rd_store *st, const char *name, int version, struct strategy *out,
		       struct rd_err *err);
void strategy_free(struct strategy *s);

/* The figures at cut-off score s (300..1000). */
struct strategy_point strategy_at(const struct strategy *s, int score);
/* Per row of the predictions: (C_FN · bads accepted + C_FP · goods rejected) / n. */
double strategy_cost(const struct strategy *s, const struct strategy_point *p);

/* Stores score's PD as name@version's decision threshold (threshold_pd, threshold_score,
 * threshold_by "strategy"; the cost-optimal value kept once as threshold_pd_cost), in
 * its own transaction. 0, or -1 with err. */
int strategy_store_cutoff(struct rd_store *st, const char *name, int version,
			  const struct strategy *s, int score, struct rd_err *err);

#endif
