/* The closed word lists of riskdesk, each in one table: bands, risk levels, segments,
 * customer kinds, outcome sources, model, run and audit statuses, drift statuses, attribute
 * types, order statuses, payment methods, credit request statuses and decisions, decisions,
 * the credit policy's words and the list's sort keys. A word is stored and typed as its name; its index is the enum below it. The
 * CHECK constraints of schema.sql repeat some lists in SQL: test_vocab reads them from a
 * new store and fails when they and these tables disagree. (Model algorithms have their
 * owner in model.h: "rules" and model_algo_names.) */
#ifndef RISKDESK_VOCAB_H
#define RISKDESK_VOCAB_H

#include <stddef.h>

#define VOCAB_NAME_SIZE 16 /* the longest name, "last_activity", and its NUL, with room */

struct vocab_word {
	char name[VOCAB_NAME_SIZE]; /* as stored and typed; an array, so that other static
				     * tables may point at it (browse_sort_names) */
	const char *note;           /* what it means, for help and completion */
};

struct vocab_alias {
	const char *name; /* another spelling accepted on input */
	int index;        /* the word it stands for */
};

struct vocab {
	const char *what;               /* "segment": for messages */
	const struct vocab_word *words; /* n words, in display order */
	int n;
	const struct vocab_alias *aliases; /* naliases, or NULL */
	int naliases;
};

/* The index of name (exact, aliases too), or -1 for NULL and every other text. */
int vocab_find(const struct vocab *v, const char *name);
/* The same for len bytes of s (not NUL-terminated). */
int vocab_find_n(const struct vocab *v, const char *s, size_t len);
/* The same ignoring ASCII case (typed input: "segment = NEW"). */
int vocab_find_ci(const struct vocab *v, const char *s, size_t len);
/* The name or note of word i (static), or NULL when i is out of range. */
const char *vocab_name(const struct vocab *v, int i);
const char *vocab_note(const struct vocab *v, int i);
/* The names joined by ", ", and by last before the last one: with " or ", "new or
 * existing", "LOW, MEDIUM, HIGH or CRITICAL". Into buf, cut to n; returns buf. */
const char *vocab_list(const struct vocab *v, const char *last, char *buf, size_t n);

/* Bands, A (least risk) to E: a profile's band from its score (score.h: the edges). */
#define BANDS 5
extern const struct vocab vocab_band;
/* 0..BANDS-1 for 'A'..'E', else -1. */
int vocab_band_index(int letter);
/* 'A'..'E' for 0..BANDS-1, else '?'. */
char vocab_band_letter(int index);

/* Risk levels, one per band or two: A and B are LOW, C MEDIUM, D HIGH, E CRITICAL. */
enum rd_risk_level { RISK_LOW, RISK_MEDIUM, RISK_HIGH, RISK_CRITICAL, RISK_LEVELS };
extern const struct vocab vocab_risk_level;
/* The level of band index b (anything out of range: CRITICAL, as the lowest band). */
enum rd_risk_level vocab_band_risk(int b);

/* A customer's kind. */
enum rd_customer_kind { KIND_INDIVIDUAL, KIND_COMPANY, KINDS };
extern const struct vocab vocab_kind;
/* The kind as a trained model's input: a categorical column of this name, read from
 * customers.kind (the view customer_inputs), never from customer_attributes. */
#define KIND_INPUT "kind"

/* A customer's segment (the routing of SPEC section 5), and the segments a model serves:
 * all customers, one segment, or one kind. The words of the two lists a model's segment
 * can come from (segments and kinds) are distinct. */
#define SEGMENT_NEW_BELOW 3 /* fewer delivered orders than this: segment "new" */
enum rd_segment { SEGMENT_NEW, SEGMENT_EXISTING, SEGMENTS };
extern const struct vocab vocab_segment;
enum rd_model_segment {
	MODEL_SEGMENT_ALL,
	MODEL_SEGMENT_NEW,
	MODEL_SEGMENT_EXISTING,
	MODEL_SEGMENT_INDIVIDUAL,
	MODEL_SEGMENT_COMPANY
};
extern const struct vocab vocab_model_segment;
/* The model segment (enum rd_model_segment) of exactly segment s, and of exactly kind k. */
int vocab_model_segment_of(enum rd_segment s);
int vocab_model_segment_of_kind(enum rd_customer_kind k);
/* The kind (enum rd_customer_kind) a model segment is, or -1 (all, new, existing). */
int vocab_model_segment_kind(int ms);
/* Whether a model of segment ms (enum rd_model_segment) serves customers of kind k and
 * segment s. */
int vocab_model_serves(int ms, enum rd_customer_kind k, enum rd_segment s);

/* Where an outcome came from (label.h). */
enum rd_outcome_source { SOURCE_OBSERVED, SOURCE_PROXY };
extern const struct vocab vocab_outcome_source;

/* A model version's status. */
enum rd_model_status { MODEL_CHAMPION, MODEL_CHALLENGER, MODEL_RETIRED };
extern const struct vocab vocab_model_status;

/* A write command's row in `runs` (journal.h), and a command line's in `audit`. */
enum rd_run_status {
	RUN_STATUS_RUNNING,
	RUN_STATUS_OK,
	RUN_STATUS_FAILED,
	RUN_STATUS_CANCELLED,
	RUN_STATUS_INTERRUPTED
};
extern const struct vocab vocab_run_status;
enum rd_audit_status { AUDIT_OK, AUDIT_FAILED, AUDIT_CANCELLED, AUDIT_REFUSED, AUDIT_STARTED };
extern const struct vocab vocab_audit_status;

/* A PSI's verdict (drift.h: the thresholds). */
enum rd_drift_level { DRIFT_LEVEL_STABLE, DRIFT_LEVEL_MODERATE, DRIFT_LEVEL_SIGNIFICANT };
extern const struct vocab vocab_drift_status;

/* A customer attribute's type (mapping.h). */
enum rd_attr_type { ATTR_NUMERIC, ATTR_CATEGORICAL };
extern const struct vocab vocab_attr_type;

/* Orders' statuses and payments' methods, in the order of features.h's enum order_status
 * and enum pay_method. */
extern const struct vocab vocab_order_status;
extern const struct vocab vocab_pay_method;

/* A credit request's status (SPEC section 8): loaded as pending unless the file says
 * otherwise; decided as approved, referred (to an analyst) or declined. */
enum rd_request_status {
	REQUEST_PENDING,
	REQUEST_APPROVED,
	REQUEST_REFERRED,
	REQUEST_DECLINED,
	REQUEST_STATUSES
};
extern const struct vocab vocab_request_status;

/* An attempt to fetch an external record from its source (fetch.h, source.h): only ok
 * changes the stored record. */
enum rd_fetch_status {
	FETCH_OK,
	FETCH_FAILED,
	FETCH_TIMEOUT,
	FETCH_MALFORMED,
	FETCH_CANCELLED,
	FETCH_STATUSES
};
extern const struct vocab vocab_fetch_status;

/* A profile's decision against its cut-off (profile.h: the rule). */
enum rd_decision { DECISION_APPROVE, DECISION_DECLINE };
extern const struct vocab vocab_decision;

/* A credit request's decision (policy.h): approved when no rule fired, referred when a
 * referral rule fired and no decline rule, declined when a decline rule fired. Each is the
 * request status one after it (REQUEST_APPROVED = 1 + REQUEST_DECISION_APPROVED). */
enum rd_request_decision {
	REQUEST_DECISION_APPROVED,
	REQUEST_DECISION_REFERRED,
	REQUEST_DECISION_DECLINED,
	REQUEST_DECISIONS
};
extern const struct vocab vocab_request_decision;
/* The request status of decision d. */
enum rd_request_status vocab_request_decided(enum rd_request_decision d);
/* Who made a decision (the decisions table): the policy (`rescore pending`), or an analyst
 * overriding it. */
enum rd_decision_origin { DECISION_BY_POLICY, DECISION_BY_OVERRIDE };
extern const struct vocab vocab_decision_origin;

/* A policy rule's action, test and comparison (policy.h). */
enum rd_policy_action { POLICY_DECLINE, POLICY_REFER, POLICY_ACTIONS };
extern const struct vocab vocab_policy_action;
enum rd_policy_test {
	POLICY_TEST_FEATURE,        /* an application feature, the score or PD against a number */
	POLICY_TEST_RECORD_FLAG,    /* an external record's payload has a field that is true */
	POLICY_TEST_RECORD_MISSING, /* no external record of a source */
	POLICY_TEST_BAND,           /* the score's band is one of a list */
	POLICY_TEST_CUTOFF,         /* the PD is at or above the cut-off */
	POLICY_TEST_NEAR_CUTOFF,    /* the score is within some points of the cut-off's */
	POLICY_TESTS
};
extern const struct vocab vocab_policy_test;
enum rd_policy_op { POLICY_GT, POLICY_GE, POLICY_LT, POLICY_LE, POLICY_MISSING, POLICY_OPS };
extern const struct vocab vocab_policy_op;
/* The values a feature test reads besides the behavioural features (features.h): the
 * application's own numbers, those derived from it, and the score. */
enum rd_policy_value {
	POLICY_DTI,             /* debt-to-income */
	POLICY_PTI,             /* payment-to-income */
	POLICY_LTI,             /* loan-to-income: amount / yearly income */
	POLICY_MONTHLY_PAYMENT, /* the new loan's instalment */
	POLICY_AMOUNT,          /* as asked */
	POLICY_TERM_MONTHS,     /* as asked */
	POLICY_YEARLY_INCOME,   /* as declared */
	POLICY_EXISTING_DEBT,   /* as declared */
	POLICY_SCORE,           /* the applicant's score */
	POLICY_PD,              /* its probability of default */
	POLICY_VALUES
};
extern const struct vocab vocab_policy_value;

/* The keys `list ... sort FIELD` takes ("activity" too, for last_activity). */
enum rd_sort_key {
	SORT_ID,
	SORT_NAME,
	SORT_SCORE,
	SORT_BAND,
	SORT_PD,
	SORT_SEGMENT,
	SORT_LAST_ACTIVITY,
	SORT_KEYS
};
extern const struct vocab vocab_sort_key;
extern const struct vocab_word vocab_sort_key_words[SORT_KEYS]; /* vocab_sort_key's words */

#endif
