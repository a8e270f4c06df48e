/* The scoring engine: the champion models of each segment, routing, and profiles.
 * With no trained champion the rules model serves (SPEC section 5). */
#ifndef RISKDESK_ENGINE_H
#define RISKDESK_ENGINE_H

#include <stdint.h>

#include "riskdesk/score.h"
#include "riskdesk/store.h"

#define SEGMENT_NEW_BELOW 3 /* fewer delivered orders than this: segment "new" */

struct rd_engine;

/* Loads the champions from `models`. NULL with err when none can serve. */
struct rd_engine *engine_load(struct rd_store *st, struct rd_err *err);
void engine_free(struct rd_engine *e);

/* "new" or "existing" for a customer's features. */
const char *engine_segment(const double *features);

struct engine_result {
	struct rd_score score;   /* score, band, pd, risk level, reasons */
	const char *segment;     /* "new" | "existing" (static) */
	const char *model_name;  /* owned by the engine */
	int model_version;
};

/* Scores one customer. 0 or -1. */
int engine_score(struct rd_engine *e, const double *features, struct engine_result *out,
		 struct rd_err *err);

/* Writes profiles and history rows inside the caller's transaction. */
struct profile_writer;

struct profile_writer *profile_writer_new(struct rd_store *st, int64_t run_id, struct rd_err *err);
void profile_writer_free(struct profile_writer *w);
/* Upserts the customer's profile and appends a score_history row. 0 or -1. */
int profile_write(struct profile_writer *w, const char *customer_id, const struct engine_result *r,
		  const double *features, int64_t last_event, struct rd_err *err);
/* The reasons as a JSON array. */
void reasons_json(struct rd_buf *b, const struct rd_score *s);

#endif
