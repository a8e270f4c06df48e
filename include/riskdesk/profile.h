/* A customer's profile: the row of credit_profiles (and its score_history copy). This is
 * the one writer of the row (the engine's results, by `recompute`) and its one reader
 * (`show`, the console's customer view, the customer list), the one coder of its reasons
 * and components JSON, and the one place of the decision rule. The packed features (fvec)
 * are features.h's (features_pack). */
#ifndef RISKDESK_PROFILE_H
#define RISKDESK_PROFILE_H

#include <stdint.h>

#include "riskdesk/engine.h"
#include "riskdesk/vocab.h"

/* The decision of a profile with probability of default pd against its cut-off PD:
 * DECISION_DECLINE when pd >= cutoff_pd (a PD exactly at the cut-off declines: the cut-off
 * is the least PD declined), DECISION_APPROVE below it, -1 without a cut-off (NaN). */
int profile_decision(double pd, double cutoff_pd);

/* The columns of a profile that need no JSON: all that the customer list reads of it,
 * selected in this order from credit_profiles AS p. */
#define PROFILE_HEAD_COLUMNS "p.score, p.band, p.pd, p.segment, p.last_activity"
#define PROFILE_HEAD_NCOLUMNS 5

struct profile_head {
	int score;
	char band; /* 'A'..'E' */
	double pd;
	int segment;            /* enum rd_segment; -1 for any other text */
	char last_activity[11]; /* YYYY-MM-DD, "" without orders or payments */
};

/* Reads PROFILE_HEAD_COLUMNS from columns col.. of the current row. 0, or 1 when the row
 * has none (a customer without a profile: score NULL), *h zeroed. */
int profile_head_read(sqlite3_stmt *s, int col, struct profile_head *h);

#define PROFILE_COMPONENTS_MAX ENGINE_MAX_CHAMPIONS
#define PROFILE_MODEL_SIZE BLEND_LABEL_MAX /* a model's name, or a blend's label */

/* One champion's part of a profile's score (components JSON). */
struct profile_component {
	char name[144];   /* the member's model ("" when not stored) */
	int version;      /* its version (0 when not stored) */
	int score;        /* its own score, clamped */
	double weight;    /* 1 when not stored */
	double raw;       /* its unclamped score, what a blend averages; NaN when not stored */
	double pd;        /* NaN when not stored */
	double cutoff_pd; /* its own cut-off; NaN without */
	int path_reasons; /* its reasons were ranked by path attributions ("reasons_kind") */
};

/* A profile as stored, decoded. */
struct rd_profile {
	struct profile_head head;
	int risk;                            /* enum rd_risk_level; -1 for any other text */
	char model_name[PROFILE_MODEL_SIZE]; /* the serving model, or a blend's label */
	int model_version;                   /* 0 for a blend */
	char algo[16];                       /* the serving model's algorithm ("" for a blend) */
	double cutoff_pd;                    /* the profile's cut-off PD, else its model's
					  * metrics.threshold_pd (profiles before schema 9); NaN */
	int ncomponents;                     /* the champions whose weighted mean is the score:
					  * 0 (rules served), 1, or a blend's members */
	struct profile_component comp[PROFILE_COMPONENTS_MAX];
	double raw; /* a blend's unclamped score, its members' weighted
					  * mean raw; NaN for one model or when a raw is missing */
	int nreasons;
	struct rd_reason reasons[REASONS_MAX]; /* most points lost first */
	/* 1: reasons as stored, ranked by path attributions (a recompute's list); 0: exact (as
	 * computed, or by profile_exact_reasons) */
	int path_reasons;
	double features[FEAT_COUNT]; /* NaN when absent or null */
	char computed_at[32];
	char as_of[11]; /* the features' as-of day; "" before schema 5 */
};

/* The profile of a customer. 0, 1 when it has none, or -1 with err. Reasons a recompute
 * ranked by path attributions are computed exactly (the customer scored again from the
 * profile's features); they stay as stored, path_reasons set, when the serving models or
 * the customer's attributes changed since (the score would differ). */
int profile_read(struct rd_store *st, const char *customer_id, struct rd_profile *out,
		 struct rd_err *err);
/* temp.exact_reasons(customer_id, reasons): for every profile whose reasons a recompute
 * ranked by path attributions, its exact ones as the reasons JSON (what profile_read gives
 * it); none where the serving models or attributes changed since. *count: the profiles
 * marked. 0, or -1 with err. */
int profile_exact_table(struct rd_store *st, int64_t *count, struct rd_err *err);
/* "rules v1" for a model's version, the label itself for a blend (version 0). Returns buf. */
const char *profile_model_label(const char *name, int version, char *buf, size_t n);

/* The reasons JSON (an array of {code, text, feature, value, points}): up to max of them
 * into out; the count. Text that is no such array gives 0. */
int profile_reasons_decode(const char *json, struct rd_reason *out, int max);
/* The components JSON: up to max members into out; the count. *raw (may be NULL) gets
 * the members' weighted mean raw score when there are several, else NaN. */
int profile_components_decode(const char *json, struct profile_component *out, int max,
			      double *raw);
/* The packed features (credit_profiles.fvec, the one copy since schema 22) of column col
 * into out[FEAT_COUNT]: 0, or 1 when the column holds none (all NaN). */
int profile_features_get(sqlite3_stmt *s, int col, double *out);
/* SQL functions over the packed features, on every connection the store opens
 * (store_on_open): rd_feature(fvec, I) (feature I, a number or a name; NULL when missing)
 * and rd_features(fvec) (the JSON object `show --json` and exports give). Only riskdesk
 * has them: no view, index or trigger of the schema may use them. 0 or -1. */
int profile_sql_functions(sqlite3 *db);

/* The reasons as the JSON array stored. */
void profile_reasons_json(struct rd_buf *b, const struct rd_score *s);
/* The components as a JSON array of {model, version, score, pd, weight, raw, cutoff_pd}
 * and, for a blend's members, their own reasons. */
void profile_components_json(struct rd_buf *b, const struct engine_result *r);

/* Writes profiles and history rows inside the caller's transaction. */
struct profile_writer;

/* Profiles written record as_of_day, the day their features were computed as of, and the
 * latest load the store holds when the writer is made (load_run, stale.h): make it inside
 * the transaction that reads the features. */
struct profile_writer *profile_writer_new(struct rd_store *st, int64_t run_id, int64_t as_of_day,
					  struct rd_err *err);
void profile_writer_free(struct profile_writer *w);
/* Upserts the customer's profile and appends a score_history row. 0 or -1. */
int profile_write(struct profile_writer *w, const char *customer_id, const struct engine_result *r,
		  const double *features, const struct feature_times *times, struct rd_err *err);

#endif
