/* Who serves each route (SPEC section 5): a customer's route is its kind and its segment,
 * and it is served by the champions of its kind when there are any, else by those of its
 * segment, else by those trained on all customers, else by the rules model. Several champions
 * are a blend: its score is the weighted mean of their unclamped scores (log-odds), it is
 * named as such ("blend: g1@1 ×1 + g3@1 ×2"), and it has its own cut-off, fitted on the
 * members' out-of-fold predictions (docs/methodology.md, 7.5). Read from `models` and
 * `model_oof`; no model is parsed. */
#ifndef RISKDESK_BLEND_H
#define RISKDESK_BLEND_H

#include <stddef.h>

#include "riskdesk/score.h"
#include "riskdesk/store.h"
#include "riskdesk/vocab.h"

#define BLEND_MAX 8          /* champions in one route's blend */
#define BLEND_LABEL_MAX 1400 /* "blend: " and 8 times "NAME@V ×W + " */

struct blend_member {
	char name[128];
	int version;
	char segment[12]; /* the segment it was trained for: all, new, existing,
				     * individual, company */
	double weight;
	double cutoff_pd;        /* its own cost-optimal cut-off; NaN without */
	double cost_fn, cost_fp; /* the costs it was fitted with (defaults when absent) */
	struct score_scaling scaling;
};

/* Routes: a kind and a segment. */
#define BLEND_ROUTES (KINDS * SEGMENTS)
static inline int blend_route(enum rd_customer_kind k, enum rd_segment s)
{
	return (int)k * SEGMENTS + (int)s;
}

struct blend {
	const char *segment;              /* "new" or "existing" (static) */
	const char *kind;                 /* "individual" or "company" (static) */
	int n;                            /* members; 0: the rules model serves */
	struct blend_member m[BLEND_MAX]; /* by name, then version */
	char label[BLEND_LABEL_MAX];      /* n ≥ 2: "blend: a@1 ×1 + b@2 ×3"; n = 1: the name */
	double cutoff_pd;                 /* decline at or above; NaN when there is none */
	size_t cutoff_rows; /* n ≥ 2: customers it was fitted on; 0: from the members' cut-offs */
	double auc_oof;     /* n ≥ 2: the blend's AUC on those customers; NaN */
};

/* out[blend_route(k, s)] serves the customers of kind k and segment s. 0, or -1 with err:
 * a route with more than BLEND_MAX champions, or a blend whose members score on different
 * scales (scaling or band edges), or a database error. */
int blend_serving(struct rd_store *st, struct blend out[BLEND_ROUTES], struct rd_err *err);
/* Who serves, cheap enough to ask at every screen refresh (stale.h): the members' names,
 * versions, segments and weights and the labels as blend_serving gives them, without
 * reading the models' metrics or specifications (cut-offs NaN, scalings the default). */
int blend_members(struct rd_store *st, struct blend out[BLEND_ROUTES], struct rd_err *err);

/* As if name@version (a trained model, whatever its status) were the only champion: it
 * serves the routes of the segment it was trained for, weight 1. For scoring the book with
 * a challenger (model check). 0 or -1 with err. */
int blend_single(struct rd_store *st, const char *name, int version, struct blend out[BLEND_ROUTES],
		 struct rd_err *err);

/* Whether the same champions serve both kinds of segment s: then people are told about
 * segment s ("new"), else about each route ("new company"). */
int blend_kinds_alike(const struct blend out[BLEND_ROUTES], enum rd_segment s);
/* Whether some route's champions depend on the kind: scoring must read each customer's. */
int blend_by_kind(const struct blend out[BLEND_ROUTES]);
/* The name of route b for people: its segment ("new"), or with by_kind its segment and
 * kind ("new company"). Into out; returns out. */
const char *blend_route_name(const struct blend *b, int by_kind, char *out, size_t size);

/* The label of members m[0..n) into out: "blend: a@1 ×1 + b@2 ×3" (n ≥ 2), else the name. */
void blend_label(const struct blend_member *m, int n, char *out, size_t size);

#endif
