/* One customer as the console's Profile and Activity panes show it: the customer, its
 * profile, reasons and features, its attributes with their labels and which of them the
 * scoring model reads, its score history with dates and its activity counts, read in a
 * few indexed queries. */
#ifndef RISKDESK_VIEW_H
#define RISKDESK_VIEW_H

#include "riskdesk/profile.h"
#include "riskdesk/store.h"

#define VIEW_ATTRIBUTES_MAX 128 /* attributes a view holds; the rest are counted */
#define VIEW_HISTORY_MAX 64     /* latest scores a view holds */

/* One customer attribute, or a model input the customer has no value of. */
struct view_attribute {
	char name[64];   /* as stored (cut to fit) */
	char value[64];  /* as written in the source (cut to fit); "" when missing */
	char label[128]; /* for people: the value's label (attribute_labels), else the
			  * attribute's; "" for none */
	int input;       /* the profile's model (or one of a blend's members) reads it */
	int missing;     /* no value stored */
};

struct customer_view {
	char id[64];
	char name[128];
	char email[128]; /* as stored; the console masks it unless pii is on */
	char phone[64];
	char kind[16];
	char created_at[32];
	int defaulted;           /* -1 unknown, else the outcome */
	char outcome_source[12]; /* observed or proxy; "" without an outcome */
	char label_source[192];  /* when the serving model (or a component) learnt from proxy
				  * labels, what label_source_describe says; else "" */
	int has_profile;
	int score;
	char band;
	double pd;
	char risk_level[16];
	char segment[10];
	char model
		[PROFILE_MODEL_SIZE]; /* "rules v1", or a blend's label "blend: g1@1 ×1 + g3@1 ×1" */
	char algo[16];                /* the serving model's algorithm ("" for a blend) */
	double cutoff_pd;             /* its cost-optimal cut-off, NaN when it has none */
	int ncomponents;              /* champions whose weighted mean is the score (0 or >= 1) */
	double raw; /* a blend's unclamped score, the members' weighted mean; NaN */
	struct {
		char model[160]; /* "g1@2" */
		int score;
		double weight;
		double raw; /* unclamped score, what the blend averages; NaN when not stored */
		double pd;
	} comp[PROFILE_COMPONENTS_MAX];
	char computed_at[32];
	char as_of[11]; /* the day its features were computed as of; "" before schema 5 */
	char last_activity[11];
	int nreasons;
	struct rd_reason reasons[REASONS_MAX];
	int path_reasons;            /* ranked by path attributions, not exact (profile.h) */
	double features[FEAT_COUNT]; /* valid when has_profile */
	unsigned char feature_input[FEAT_COUNT]; /* 1: the profile's model reads it */
	int ninputs;     /* the model's inputs (features and attributes), 0 unscored */
	int nattributes; /* customer attributes stored */
	int nattr;       /* entries in attr: the model's inputs first, then the others,
			       * each by name; at most VIEW_ATTRIBUTES_MAX */
	struct view_attribute attr[VIEW_ATTRIBUTES_MAX];
	int attr_hidden; /* stored attributes left out of attr for want of room */
	int nhistory;    /* entries in history, oldest first: the latest scores */
	int history[VIEW_HISTORY_MAX];
	char history_day[VIEW_HISTORY_MAX][11]; /* YYYY-MM-DD each was computed */
};

/* A customer's orders and payments, counted. */
struct view_activity {
	int64_t orders;
	int64_t payments;
	int64_t failed; /* payments that failed */
};

/* 0, 1 when there is no such customer, or -1 with err. */
int view_customer(struct rd_store *st, const char *id, struct customer_view *out,
		  struct rd_err *err);

/* The counts of customer id's activity. 0 or -1 with err. */
int view_activity_count(struct rd_store *st, const char *id, struct view_activity *out,
			struct rd_err *err);

/* Feature f's value for people, in its unit: shares as percentages with one decimal
 * ("18.5%"), amounts with two ("1151.75"), counts and days whole ("27"); "-" for NaN.
 * Returns buf. */
const char *view_feature_text(int f, double v, char *buf, size_t n);

/* Profiles per band (A..E) and customers without one. 0 or -1. */
int view_band_counts(struct rd_store *st, int64_t counts[5], int64_t *unscored, struct rd_err *err);

#endif
