/* The credit policy (SPEC section 8; docs/design.md, "Policy and decisions"): a versioned
 * JSON specification of rules over a credit request, what is derived from it (debt-,
 * payment- and loan-to-income), the applicant's score, PD and band against the serving
 * model's cut-off, and the external records on file. Each rule declines or refers; a
 * decision lists every rule that fired and is declined when a decline rule fired, else
 * referred when a referral rule fired, else approved. Pure: decide.h reads the store. */
#ifndef RISKDESK_POLICY_H
#define RISKDESK_POLICY_H

#include "riskdesk/buf.h"
#include "riskdesk/features.h"
#include "riskdesk/score.h"
#include "riskdesk/util.h"
#include "riskdesk/vocab.h"

#define POLICY_RULES_MAX 64
#define POLICY_CODE_MAX 32  /* bytes of a rule's code: letters, digits, '-', '_', '.' */
#define POLICY_TEXT_MAX 160 /* bytes of a rule's text */
#define POLICY_NAME_MAX 64  /* bytes of a source's or a payload field's name */
#define POLICY_FILE_MAX (1 << 20)
#define POLICY_THRESHOLD_MAX 1e12 /* a threshold's magnitude: amounts, ratios, days */
#define POLICY_POINTS_MAX (SCORE_MAX - SCORE_MIN)

struct policy_rule {
	char code[POLICY_CODE_MAX + 1];
	char text[POLICY_TEXT_MAX + 1];
	enum rd_policy_action action;
	enum rd_policy_test test;
	/* POLICY_TEST_FEATURE: value (enum rd_policy_value, or POLICY_VALUES + a feature_id of
	 * features.h), op and threshold (unused with POLICY_MISSING) */
	int value;
	enum rd_policy_op op;
	double threshold;
	/* record tests: the source ("" for any, record_flag only) and the payload's field */
	char source[POLICY_NAME_MAX + 1];
	char field[POLICY_NAME_MAX + 1];
	unsigned bands; /* POLICY_TEST_BAND: bit b for band index b */
	double points;  /* POLICY_TEST_NEAR_CUTOFF */
};

struct rd_policy {
	double annual_rate;        /* of the new loan's annuity, 0 to 1 */
	double fallback_cutoff_pd; /* the cut-off when the serving model has none (the rules
				    * model); NaN: none, and cut-off tests do not fire */
	int nrules;
	struct policy_rule rules[POLICY_RULES_MAX];
};

/* Parses and checks a specification (strict JSON, jsondoc.h) into *p. 0, or -1 with err
 * "NAME: rules[2] (D-DTI): 'op': ..." naming the field (NAME: the file, for messages). */
int policy_parse(const char *json, size_t len, const char *name, struct rd_policy *p,
		 struct rd_err *err);
/* The specification in its one spelling (what is stored and exported); caller frees. */
char *policy_to_json(const struct rd_policy *p);
/* The name of value v of a feature test (a policy value or a behavioural feature). */
const char *policy_value_name(int v);

/* A credit request as the policy reads it. */
struct policy_application {
	double amount;        /* > 0 */
	int term_months;      /* > 0 */
	double yearly_income; /* NaN when not declared */
	double existing_debt; /* NaN when not declared */
};

/* What is derived from an application; NaN when undefined (no income or no debt declared). */
struct policy_derived {
	double monthly_payment; /* annuity: amount * i / (1 - (1 + i)^-term), i = rate / 12
				 * (amount / term at rate 0) */
	double dti;             /* (existing_debt + monthly_payment * min(term, 12)) / income;
				 * NaN without income > 0 or without existing debt declared */
	double pti;             /* monthly_payment * 12 / income; NaN without income > 0 */
	double lti;             /* amount / income; NaN without income > 0 */
};

void policy_derive(const struct rd_policy *p, const struct policy_application *a,
		   struct policy_derived *out);

/* Everything the rules read about one request. The caller fills the application, the
 * score's part and the features, sets the records with policy_facts_begin and
 * policy_record, and the derived values with policy_derive. */
struct policy_facts {
	struct policy_application app;
	struct policy_derived derived;
	int score;
	char band; /* 'A'..'E' */
	double pd;
	double model_cutoff_pd;                 /* the serving model's or blend's; NaN for none */
	const struct score_scaling *scaling;    /* the score's scale: the cut-off's score */
	const double *features;                 /* FEAT_COUNT values, or NULL (tests read NaN) */
	unsigned char record[POLICY_RULES_MAX]; /* per record test: a record satisfied it */
};

/* Clears the records seen. */
void policy_facts_begin(struct policy_facts *f);
/* One external record of the applicant: its source, and for each rule r whether its
 * payload's field rule[r].field is JSON true (flag[r]; read for record_flag rules only). */
void policy_record(const struct rd_policy *p, struct policy_facts *f, const char *source,
		   const unsigned char *flag);

struct policy_fired {
	int rule;     /* index in rules */
	double value; /* what the rule saw (the feature's value, the PD, the distance in points,
		       * the score); NaN for record and band tests */
};

struct policy_decision {
	enum rd_request_decision status;
	double cutoff_pd; /* the cut-off used: the model's, else the fallback; NaN for none */
	int cutoff_score; /* the score at that PD on the score's scale (rounded, clamped); 0 */
	int nfired;
	struct policy_fired fired[POLICY_RULES_MAX]; /* in the policy's order */
};

/* Applies every rule to f. */
void policy_decide(const struct rd_policy *p, const struct policy_facts *f,
		   struct policy_decision *out);

/* The fired rules as JSON: [{"code", "action", "text", "value"}...] (value omitted when
 * NaN). Appended to b. */
void policy_fired_json(const struct rd_policy *p, const struct policy_decision *d,
		       struct rd_buf *b);
/* The fired rules' codes joined by blanks ("D-DTI F-BAND"), "" for none. Appended to b. */
void policy_fired_codes(const struct rd_policy *p, const struct policy_decision *d,
			struct rd_buf *b);

#endif
