/* Decisions on credit requests (SPEC section 8): the serving policy (policy.h) applied to
 * each request with its applicant's score, as `recompute` would compute it now (the
 * features as of a day, featscan.h; the serving models, engine.h), and the applicant's
 * external records. `rescore pending` writes them (decide_writer: the request and a row of
 * `decisions`); `score --request` shows them and writes nothing. */
#ifndef RISKDESK_DECIDE_H
#define RISKDESK_DECIDE_H

#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>

#include "riskdesk/engine.h"
#include "riskdesk/policy.h"
#include "riskdesk/store.h"

/* The serving policy: the highest version in `policies`. Its specification (the caller
 * frees it) and version; NULL with err. */
char *policy_serving(struct rd_store *st, int *version, struct rd_err *err);

/* A request to decide. */
struct decide_request {
	const char *id;          /* not owned */
	const char *customer_id; /* not owned */
	struct policy_application app;
};

/* The decision on one request, valid during the visit. */
struct decide_outcome {
	const struct engine_result *score; /* the applicant's score: model, PD, band, reasons */
	const double *features;            /* the applicant's features (FEAT_COUNT) */
	struct policy_facts facts;         /* what the rules read */
	struct policy_decision decision;
};

/* Called once per request: with its outcome, or with NULL when it could not be scored (its
 * customer was created after the as-of day, or is not in the store). Non-zero stops. */
typedef int (*decide_visit)(void *ud, const struct decide_request *req,
			    const struct decide_outcome *o);

struct decider;

/* The serving policy, the serving models and the statements that read the records. NULL
 * with err (a policy that does not parse: the store's was checked when imported). */
struct decider *decider_new(struct rd_store *st, struct rd_err *err);
void decider_free(struct decider *d);
const struct rd_policy *decider_policy(const struct decider *d);
int decider_policy_version(const struct decider *d);

struct decide_job {
	int64_t as_of_day;  /* the applicants' features are as of this day (features_as_of) */
	atomic_int *cancel; /* polled; may be NULL */
	void (*progress)(void *ud, const char *phase, int64_t done, int64_t total); /* or NULL */
	decide_visit visit;
	void *ud;
};

/* Decides reqs[0..n): the features of their customers (through the indexes for a few, in
 * one pass over the events for many), scored in batches, each request visited once (in
 * batches of customers, not in reqs' order). 0, 1 when cancelled or stopped by visit, or
 * -1 with err. */
int decider_run(struct decider *d, const struct decide_request *reqs, size_t n,
		const struct decide_job *job, struct rd_err *err);

/* Writes decisions inside the caller's transaction: a row of `decisions` (run run_id,
 * origin policy, the time the writer was made) and the request's status, score, PD, band,
 * reasons, rules, decided_at and decision_id, when it is still pending. The requests are
 * set a chunk at a time from the rows written: decide_writer_finish sets the last ones and
 * must be called before the commit. */
struct decide_writer;
struct decide_writer *decide_writer_new(struct rd_store *st, const struct decider *d,
					int64_t run_id, int64_t as_of_day, struct rd_err *err);
void decide_writer_free(struct decide_writer *w);
/* 0, or -1 with err (also when a request is not pending: the caller read them pending in
 * the same transaction). */
int decide_writer_finish(struct decide_writer *w, struct rd_err *err);
/* 0, or -1 with err, as decide_writer_finish. */
int decide_write(struct decide_writer *w, const struct decide_request *req,
		 const struct decide_outcome *o, struct rd_err *err);

/* An analyst's override of request request_id, inside the caller's transaction: a row of
 * `decisions` (origin override, run run_id, whose runs and audit rows name the user; status;
 * the note; now) carrying the score, PD, band, model, derived values, rules and reasons of the
 * request's latest decision (none for a request never decided), and the request's status,
 * decided_at and decision_id; its score, rules and reasons stay. The caller checks the
 * request's status and the note. 0, or -1 with err (no such request). */
int decide_override(struct rd_store *st, const char *request_id, enum rd_request_decision status,
		    const char *note, int64_t run_id, struct rd_err *err);

#endif
