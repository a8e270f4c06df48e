/* The scoring engine: the champion models of each segment, routing, and profiles.
 * With no trained champion the rules model serves (SPEC section 5). */
#ifndef RISKDESK_ENGINE_H
#define RISKDESK_ENGINE_H

#include <stdint.h>

#include "riskdesk/blend.h"
#include "riskdesk/score.h"
#include "riskdesk/store.h"
#include "riskdesk/vocab.h"

struct rd_engine;

/* Loads the champions from `models`. NULL with err when none can serve. */
struct rd_engine *engine_load(struct rd_store *st, struct rd_err *err);
/* An engine in which name@version (trained, whatever its status) is the only champion,
 * serving the segments it was trained for; the rules model the others. NULL with err. */
struct rd_engine *engine_load_model(struct rd_store *st, const char *name, int version,
				    struct rd_err *err);
void engine_free(struct rd_engine *e);

/* The segment of a customer's features (vocab.h: SEGMENT_NEW_BELOW), and its name. */
enum rd_segment engine_segment_of(const double *features);
const char *engine_segment(const double *features);

#define ENGINE_MAX_CHAMPIONS BLEND_MAX /* per segment */

/* One champion's part of a score (one of a blend's members, or the sole champion). */
struct engine_component {
	const char *name; /* owned by the engine */
	int version;
	int score; /* its own score, clamped */
	double pd;
	double weight;
	double raw;                    /* its unclamped score: what a blend averages */
	double cutoff_pd;              /* its own cut-off; NaN without */
	const struct rd_score *detail; /* its reasons; owned by the engine, valid until its next
					* engine_score_batch */
};

struct engine_result {
	struct rd_score score;      /* score, band, pd, risk level, reasons */
	enum rd_segment segment;    /* the customer's, which routes it with its kind */
	enum rd_customer_kind kind; /* read only when routes depend on it (blend_by_kind); else
				     * individual */
	const char *model_name;     /* owned by the engine: the champion, or the blend's label
				  * ("blend: a@1 ×1 + b@2 ×3"), or the rules model */
	int model_version;          /* 0 for a blend */
	double raw;                 /* the unclamped score of a trained champion or blend; NaN */
	double cutoff_pd;           /* the champion's or blend's cut-off PD; NaN for none */
	const struct score_scaling *scaling; /* the scale of score and pd (the champions', the
					      * rules model's default); owned by the engine */
	int ncomponents; /* trained champions that scored; 0 when rules served */
	struct engine_component comp[ENGINE_MAX_CHAMPIONS];
};

/* Scores n customers: ids[i] and their features[i * FEAT_COUNT ..]. Each customer is routed
 * by its kind and segment to their champions (blend.h); with several, the score is the weighted mean of
 * their raw scores (a weighted mean of log-odds), the PD follows from it, and the reasons
 * are the weighted points lost; with none, the rules model scores. 0 or -1. */
int engine_score_batch(struct rd_engine *e, size_t n, const char *const *ids,
		       const double *features, struct engine_result *out, struct rd_err *err);
/* What-if: every customer this engine scores from now on has attribute name = value (its
 * number too when value reads as one; "" is missing). 0, or -1 when no serving model takes
 * that attribute (it would change nothing). */
int engine_override_attribute(struct rd_engine *e, const char *name, const char *value);

/* From now on, exact-SHAP tree models rank reasons by path attributions, marked
 * (rd_score.path_reasons): `recompute`'s list, whose shown reasons are computed exactly
 * (profile_exact_reasons; docs/design.md, issue 15 item 3). */
void engine_rank_reasons(struct rd_engine *e);

/* Whether a trained champion serves some segment (then batches are worth making). */
int engine_has_trained(const struct rd_engine *e);

/* profile.h writes the results as profiles. */

#endif
