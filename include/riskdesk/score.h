/* Scores, bands, risk levels, PD scaling, and the rules model (the built-in one, rules
 * version 1, is seeded into a new database by schema.sql). */
#ifndef RISKDESK_SCORE_H
#define RISKDESK_SCORE_H

#include "riskdesk/features.h"
#include "riskdesk/util.h"
#include "riskdesk/vocab.h"

#define SCORE_MIN 300
#define SCORE_MAX 1000
#define REASONS_MAX 4

#define SCORE_BANDS BANDS /* A..E (vocab.h) */

/* A score from a PD: score = base_score + pdo/ln 2 * ln(odds/base_odds), odds = (1-pd)/pd;
 * and a band from the score: A at or above bands[0], B at or above bands[1], C, D, else E
 * (SPEC section 5: 800, 700, 600, 500). The band edges are a setting of each model. */
struct score_scaling {
	double base_score;          /* 600 */
	double base_odds;           /* 19 (good:bad) */
	double pdo;                 /* 50 points to double the odds */
	int bands[SCORE_BANDS - 1]; /* lower edges of A..D, strictly decreasing */
};

extern const struct score_scaling score_scaling_default;

double score_from_pd(const struct score_scaling *s, double pd);
double pd_from_score(const struct score_scaling *s, double score);
/* Rounds half away from zero and clamps to 300-1000. */
int score_clamp(double raw);
/* 'A'..'E' (A >= 800, B >= 700, C >= 600, D >= 500, E below). */
char score_band(int score);
/* 'A'..'E' by the scaling's band edges. */
char score_band_of(const struct score_scaling *s, int score);
/* Whether s and t give the same scores, PDs and bands (one scale). */
int score_scaling_same(const struct score_scaling *s, const struct score_scaling *t);
/* Parses "E1,E2,E3,E4" (the lower edges of A..D: integers, strictly decreasing, from 301 to
 * 1000) into bands. 0, or -1 with err. */
int score_bands_parse(const char *text, int bands[SCORE_BANDS - 1], struct rd_err *err);
/* Whether bands are SPEC section 5's. */
int score_bands_default(const int bands[SCORE_BANDS - 1]);
/* "LOW" (A, B), "MEDIUM" (C), "HIGH" (D), "CRITICAL" (E, and anything else): vocab.h. */
const char *score_risk_level(char band);

/* A reason holds its feature's or attribute's name whole: a trained model's columns have
 * names of at most REASON_NAME_MAX bytes (model_parse and train refuse longer ones). */
#define REASON_NAME_MAX 128
#define REASON_CODE_SIZE (REASON_NAME_MAX + 3) /* "M-" + a name, or a rules term's code */
#define REASON_TEXT_SIZE 192

struct rd_reason {
	char code[REASON_CODE_SIZE];    /* stable and unique: "R-RETURNS", "M-checking_status" */
	char text[REASON_TEXT_SIZE];    /* for people: "checking account: < 0 DM" */
	int feature;                    /* enum feature_id, or -1 for an attribute */
	char name[REASON_NAME_MAX + 1]; /* the feature's or attribute's name */
	char level[64];                 /* a categorical value (cut to fit); "" for numbers */
	double value;                   /* a numeric value (NaN: missing) */
	double points;                  /* points lost, > 0 */
};

struct rd_score {
	int score;
	char band;
	double pd;
	const char *risk_level; /* static string */
	int nreasons;
	struct rd_reason reasons[REASONS_MAX]; /* most points lost first */
	/* 1: the reasons are ranked by path attributions standing in for a model's exact SHAP
	 * values (a recompute's, engine_rank_reasons); shown, they are computed exactly. */
	int path_reasons;
};

/* One additive term of the rules model: points = value / divisor * weight, capped
 * above by cap when has_cap. */
struct rules_term {
	int feature; /* enum feature_id */
	double weight;
	double divisor; /* 1 when absent */
	double cap;
	int has_cap;
	char code[REASON_CODE_SIZE]; /* whole and unique among the terms (rules_parse) */
	char text[REASON_TEXT_SIZE];
};

#define RULES_MAX_TERMS 32

struct rules_model {
	double baseline; /* 600 */
	int nterms;
	struct rules_term terms[RULES_MAX_TERMS];
};

/* Bounds of a rules specification: baseline, weights and caps within +-RULES_VALUE_MAX,
 * a divisor at least RULES_DIVISOR_MIN away from 0. */
#define RULES_VALUE_MAX 1e6
#define RULES_DIVISOR_MIN 1e-6

/* Parses and checks a specification (strict JSON: include/riskdesk/jsondoc.h). 0 or -1
 * with a message naming the bad field. */
int rules_parse(const char *json, struct rules_model *m, struct rd_err *err);
/* The specification as JSON; the caller frees it. */
char *rules_to_json(const struct rules_model *m);
/* Fills out and returns the raw (unclamped) score, which the caller checks is finite. */
double rules_score(const struct rules_model *m, const double *features, struct rd_score *out);

#endif
