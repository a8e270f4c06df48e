/* Who serves each segment (SPEC section 5): the segment's own champions when it has any,
 * else the champions trained on all customers, else the rules model. Several champions
 * are a blend: its score is the weighted mean of their unclamped scores (log-odds), it is
 * named as such ("blend: g1@1 ×1 + g3@1 ×2"), and it has its own cut-off, fitted on the
 * members' out-of-fold predictions (docs/methodology.md, 7.5). Read from `models` and
 * `model_oof`; no model is parsed. */
#ifndef RISKDESK_BLEND_H
#define RISKDESK_BLEND_H

#include <stddef.h>

#include "riskdesk/score.h"
#include "riskdesk/store.h"

#define BLEND_MAX 8           /* champions in one segment's blend */
#define BLEND_LABEL_MAX 1400  /* "blend: " and 8 times "NAME@V ×W + " */

struct blend_member {
	char name[128];
	int version;
	char segment[12];           /* the segment it was trained for: all, new, existing */
	double weight;
	double cutoff_pd;           /* its own cost-optimal cut-off; NaN without */
	double cost_fn, cost_fp;    /* the costs it was fitted with (defaults when absent) */
	struct score_scaling scaling;
};

struct blend {
	const char *segment;        /* "new" or "existing" (static) */
	int n;                      /* members; 0: the rules model serves */
	struct blend_member m[BLEND_MAX]; /* by name, then version */
	char label[BLEND_LABEL_MAX]; /* n ≥ 2: "blend: a@1 ×1 + b@2 ×3"; n = 1: the name */
	double cutoff_pd;           /* decline at or above; NaN when there is none */
	size_t cutoff_rows;         /* n ≥ 2: customers it was fitted on; 0: from the members' cut-offs */
	double auc_oof;             /* n ≥ 2: the blend's AUC on those customers; NaN */
};

/* out[0] serves segment "new", out[1] "existing". 0, or -1 with err: a segment with more
 * than BLEND_MAX champions, or a blend whose members score on different scales (scaling or
 * band edges), or a database error. */
int blend_serving(struct rd_store *st, struct blend out[2], struct rd_err *err);
/* Who serves, cheap enough to ask at every screen refresh (stale.h): the members' names,
 * versions, segments and weights and the labels as blend_serving gives them, without
 * reading the models' metrics or specifications (cut-offs NaN, scalings the default). */
int blend_members(struct rd_store *st, struct blend out[2], struct rd_err *err);

/* As if name@version (a trained model, whatever its status) were the only champion: it
 * serves the segments it was trained for, weight 1. For scoring the book with a challenger
 * (model check). 0 or -1 with err. */
int blend_single(struct rd_store *st, const char *name, int version, struct blend out[2],
		 struct rd_err *err);

/* The label of members m[0..n) into out: "blend: a@1 ×1 + b@2 ×3" (n ≥ 2), else the name. */
void blend_label(const struct blend_member *m, int n, char *out, size_t size);

#endif
