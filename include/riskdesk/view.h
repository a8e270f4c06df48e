/* One customer as the console's Profile pane shows it: the customer, its profile,
 * reasons and features, read in a few indexed queries. */
#ifndef RISKDESK_VIEW_H
#define RISKDESK_VIEW_H

#include "riskdesk/profile.h"
#include "riskdesk/store.h"

struct customer_view {
	char id[64];
	char name[128];
	char email[128];      /* as stored; the console masks it unless pii is on */
	char phone[64];
	char kind[16];
	char created_at[32];
	int defaulted;        /* -1 unknown, else the outcome */
	char outcome_source[12]; /* observed or proxy; "" without an outcome */
	char label_source[192];  /* when the serving model (or a component) learnt from proxy
				  * labels, what label_source_describe says; else "" */
	int has_profile;
	int score;
	char band;
	double pd;
	char risk_level[16];
	char segment[10];
	char model[PROFILE_MODEL_SIZE]; /* "rules v1", or a blend's label "blend: g1@1 ×1 + g3@1 ×1" */
	char algo[16];        /* the serving model's algorithm ("" for a blend) */
	double cutoff_pd;     /* its cost-optimal cut-off, NaN when it has none */
	int ncomponents;      /* champions whose weighted mean is the score (0 or >= 1) */
	double raw;           /* a blend's unclamped score, the members' weighted mean; NaN */
	struct {
		char model[160];  /* "g1@2" */
		int score;
		double weight;
		double raw;       /* unclamped score, what the blend averages; NaN when not stored */
		double pd;
	} comp[PROFILE_COMPONENTS_MAX];
	char computed_at[32];
	char as_of[11];       /* the day its features were computed as of; "" before schema 5 */
	char last_activity[11];
	int nreasons;
	struct rd_reason reasons[REASONS_MAX];
	double features[FEAT_COUNT]; /* valid when has_profile */
	int nattributes;      /* customer attributes stored */
};

/* 0, 1 when there is no such customer, or -1 with err. */
int view_customer(struct rd_store *st, const char *id, struct customer_view *out,
		  struct rd_err *err);

/* Profiles per band (A..E) and customers without one. 0 or -1. */
int view_band_counts(struct rd_store *st, int64_t counts[5], int64_t *unscored,
		     struct rd_err *err);

#endif
