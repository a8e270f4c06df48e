/* The word lists (vocab.h). */
#include "riskdesk/vocab.h"

#include <stdio.h>
#include <string.h>

#define STR_(x) #x
#define STR(x) STR_(x)
#define COUNT(a) ((int)(sizeof a / sizeof *a))
#define VOCAB(what, words)                                                                         \
	{                                                                                          \
		what, words, COUNT(words), NULL, 0                                                 \
	}

static const struct vocab_word band_words[BANDS] = {
	{"A", "the least risk: a score of 800 or more with SPEC's edges"},
	{"B", "700 to 799 with SPEC's edges"},
	{"C", "600 to 699 with SPEC's edges"},
	{"D", "500 to 599 with SPEC's edges"},
	{"E", "the most risk: below 500 with SPEC's edges"},
};
const struct vocab vocab_band = VOCAB("band", band_words);

static const struct vocab_word risk_words[RISK_LEVELS] = {
	{"LOW", "bands A and B"},
	{"MEDIUM", "band C"},
	{"HIGH", "band D"},
	{"CRITICAL", "band E"},
};
const struct vocab vocab_risk_level = VOCAB("risk level", risk_words);

static const struct vocab_word segment_words[SEGMENTS] = {
	{"new", "fewer than " STR(SEGMENT_NEW_BELOW) " delivered orders"},
	{"existing", STR(SEGMENT_NEW_BELOW) " or more delivered orders"},
};
const struct vocab vocab_segment = VOCAB("segment", segment_words);

static const struct vocab_word model_segment_words[] = {
	{"all", "every customer"},
	{"new", "customers of segment new"},
	{"existing", "customers of segment existing"},
	{"individual", "customers of kind individual"},
	{"company", "customers of kind company"},
};
const struct vocab vocab_model_segment = VOCAB("segment", model_segment_words);

static const struct vocab_word kind_words[KINDS] = {
	{"individual", "a person"},
	{"company", "a business"},
};
const struct vocab vocab_kind = VOCAB("kind", kind_words);

static const struct vocab_word source_words[] = {
	{"observed", "loaded from an outcomes file"},
	{"proxy", "derived from activity by 'label proxy'; an observed outcome replaces it"},
};
const struct vocab vocab_outcome_source = VOCAB("outcome source", source_words);

static const struct vocab_word model_status_words[] = {
	{"champion", "serves its segment (with other champions: a blend)"},
	{"challenger", "trained or imported, not serving"},
	{"retired", "kept for the record; never serves"},
};
const struct vocab vocab_model_status = VOCAB("status", model_status_words);

static const struct vocab_word run_status_words[] = {
	{"running", "in progress"},
	{"ok", "finished"},
	{"failed", "stopped by an error; its data was rolled back"},
	{"cancelled", "stopped when asked; its data was rolled back"},
	{"interrupted", "its process ended while it ran"},
};
const struct vocab vocab_run_status = VOCAB("run status", run_status_words);

static const struct vocab_word audit_status_words[] = {
	{"ok", "succeeded"},
	{"failed", "stopped by an error"},
	{"cancelled", "stopped when asked"},
	{"refused", "another process held the write lock"},
	{"started", "data began to leave (an export with email and phone unmasked)"},
};
const struct vocab vocab_audit_status = VOCAB("audit status", audit_status_words);

static const struct vocab_word drift_words[] = {
	{"stable", "PSI below 0.1"},
	{"moderate", "PSI from 0.1 to 0.25"},
	{"significant", "PSI above 0.25"},
};
const struct vocab vocab_drift_status = VOCAB("drift status", drift_words);

static const struct vocab_word attr_type_words[] = {
	{"numeric", "a number"},
	{"categorical", "one of a set of codes"},
};
const struct vocab vocab_attr_type = VOCAB("attribute type", attr_type_words);

static const struct vocab_word order_status_words[] = {
	{"placed", NULL},    {"shipped", NULL},  {"delivered", NULL},
	{"cancelled", NULL}, {"returned", NULL},
};
const struct vocab vocab_order_status = VOCAB("order status", order_status_words);

static const struct vocab_word pay_method_words[] = {
	{"card", NULL},
	{"cod", "cash on delivery"},
	{"wallet", NULL},
	{"bank", "bank transfer"},
};
const struct vocab vocab_pay_method = VOCAB("payment method", pay_method_words);

static const struct vocab_word request_status_words[REQUEST_STATUSES] = {
	{"pending", "waiting for a decision"},
	{"approved", "granted"},
	{"referred", "waiting for an analyst's decision"},
	{"declined", "refused"},
};
const struct vocab vocab_request_status = VOCAB("request status", request_status_words);

static const struct vocab_word fetch_status_words[FETCH_STATUSES] = {
	{"ok", "the record was replaced by what the source printed"},
	{"failed", "the command could not run, exited non-zero, was killed or printed too much"},
	{"timeout", "no answer within the source's timeout (killed)"},
	{"malformed", "printed something other than exactly one JSON object"},
	{"cancelled", "stopped when asked"},
};
const struct vocab vocab_fetch_status = VOCAB("fetch status", fetch_status_words);

static const struct vocab_word decision_words[] = {
	{"approve", "PD below the cut-off"},
	{"decline", "PD at or above the cut-off"},
};
const struct vocab vocab_decision = VOCAB("decision", decision_words);

static const struct vocab_word request_decision_words[REQUEST_DECISIONS] = {
	{"approved", "no rule of the policy fired"},
	{"referred", "a referral rule fired and no decline rule: an analyst decides"},
	{"declined", "a decline rule fired"},
};
const struct vocab vocab_request_decision = VOCAB("decision", request_decision_words);

_Static_assert(REQUEST_APPROVED == 1 + REQUEST_DECISION_APPROVED &&
		       REQUEST_REFERRED == 1 + REQUEST_DECISION_REFERRED &&
		       REQUEST_DECLINED == 1 + REQUEST_DECISION_DECLINED,
	       "a decision is the request status one after it");

enum rd_request_status vocab_request_decided(enum rd_request_decision d)
{
	return (enum rd_request_status)(1 + (int)d);
}

static const struct vocab_word decision_origin_words[] = {
	{"policy", "decided by the serving policy ('rescore pending')"},
	{"override", "decided by an analyst against the policy"},
};
const struct vocab vocab_decision_origin = VOCAB("decision origin", decision_origin_words);

static const struct vocab_word policy_action_words[POLICY_ACTIONS] = {
	{"decline", "the request is declined"},
	{"refer", "the request goes to an analyst, unless a decline rule fired"},
};
const struct vocab vocab_policy_action = VOCAB("action", policy_action_words);

static const struct vocab_word policy_test_words[POLICY_TESTS] = {
	{"feature", "a feature against a threshold: \"feature\", \"op\", \"threshold\""},
	{"record_flag", "an external record whose payload's \"field\" is true (of \"source\")"},
	{"record_missing", "no external record of \"source\""},
	{"band", "the score's band is one of \"bands\""},
	{"cutoff", "the PD is at or above the cut-off"},
	{"near_cutoff", "the score is within \"points\" of the cut-off's score"},
};
const struct vocab vocab_policy_test = VOCAB("test", policy_test_words);

static const struct vocab_word policy_op_words[POLICY_OPS] = {
	{">", "above the threshold"},
	{">=", "at or above the threshold"},
	{"<", "below the threshold"},
	{"<=", "at or below the threshold"},
	{"missing", "the value is missing (no threshold)"},
};
const struct vocab vocab_policy_op = VOCAB("op", policy_op_words);

static const struct vocab_word policy_value_words[POLICY_VALUES] = {
	{"dti", "(existing debt + the loan's first-year payments) / yearly income"},
	{"pti", "the loan's monthly payment / monthly income"},
	{"lti", "loan-to-income: the amount / yearly income"},
	{"monthly_payment", "the loan's monthly payment (an annuity at the policy's rate)"},
	{"amount", "the amount asked for"},
	{"term_months", "the term asked for"},
	{"yearly_income", "the yearly income declared"},
	{"existing_debt", "the existing debt declared"},
	{"score", "the applicant's score"},
	{"pd", "the applicant's probability of default"},
};
const struct vocab vocab_policy_value = VOCAB("policy feature", policy_value_words);

const struct vocab_word vocab_sort_key_words[SORT_KEYS] = {
	{"id", "customer id"},
	{"name", "customer name"},
	{"score", "score"},
	{"band", "band, then score"},
	{"pd", "probability of default"},
	{"segment", "segment"},
	{"last_activity", "day of the latest order or payment"},
};
static const struct vocab_alias sort_key_aliases[] = {{"activity", SORT_LAST_ACTIVITY}};
const struct vocab vocab_sort_key = {"sort key", vocab_sort_key_words, SORT_KEYS, sort_key_aliases,
				     COUNT(sort_key_aliases)};

static int same(const char *a, const char *s, size_t len, int ci)
{
	size_t i;
	for (i = 0; i < len && a[i]; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)s[i];
		if (ci) {
			x = x >= 'A' && x <= 'Z' ? (unsigned char)(x - 'A' + 'a') : x;
			y = y >= 'A' && y <= 'Z' ? (unsigned char)(y - 'A' + 'a') : y;
		}
		if (x != y)
			return 0;
	}
	return i == len && a[i] == '\0';
}

static int find(const struct vocab *v, const char *s, size_t len, int ci)
{
	if (!s)
		return -1;
	for (int i = 0; i < v->n; i++)
		if (same(v->words[i].name, s, len, ci))
			return i;
	for (int i = 0; i < v->naliases; i++)
		if (same(v->aliases[i].name, s, len, ci))
			return v->aliases[i].index;
	return -1;
}

int vocab_find(const struct vocab *v, const char *name)
{
	return find(v, name, name ? strlen(name) : 0, 0);
}

int vocab_find_n(const struct vocab *v, const char *s, size_t len)
{
	return find(v, s, len, 0);
}

int vocab_find_ci(const struct vocab *v, const char *s, size_t len)
{
	return find(v, s, len, 1);
}

const char *vocab_name(const struct vocab *v, int i)
{
	return i >= 0 && i < v->n ? v->words[i].name : NULL;
}

const char *vocab_note(const struct vocab *v, int i)
{
	return i >= 0 && i < v->n ? v->words[i].note : NULL;
}

const char *vocab_list(const struct vocab *v, const char *last, char *buf, size_t n)
{
	size_t at = 0;
	if (n)
		buf[0] = '\0';
	for (int i = 0; i < v->n && at < n; i++) {
		const char *sep = i == 0 ? "" : i == v->n - 1 ? last : ", ";
		int w = snprintf(buf + at, n - at, "%s%s", sep, v->words[i].name);
		at += w > 0 ? (size_t)w : 0;
	}
	return buf;
}

int vocab_band_index(int letter)
{
	return letter >= 'A' && letter < 'A' + BANDS ? letter - 'A' : -1;
}

char vocab_band_letter(int index)
{
	return index >= 0 && index < BANDS ? band_words[index].name[0] : '?';
}

enum rd_risk_level vocab_band_risk(int b)
{
	static const enum rd_risk_level of_band[BANDS] = {RISK_LOW, RISK_LOW, RISK_MEDIUM,
							  RISK_HIGH, RISK_CRITICAL};
	return b >= 0 && b < BANDS ? of_band[b] : RISK_CRITICAL;
}

_Static_assert(MODEL_SEGMENT_NEW == SEGMENT_NEW + 1 &&
		       MODEL_SEGMENT_EXISTING == SEGMENT_EXISTING + 1,
	       "a model segment is a customer segment, one after 'all'");
_Static_assert(MODEL_SEGMENT_INDIVIDUAL == 1 + SEGMENTS + KIND_INDIVIDUAL &&
		       MODEL_SEGMENT_COMPANY == 1 + SEGMENTS + KIND_COMPANY,
	       "then a kind, one after the segments");

int vocab_model_segment_of(enum rd_segment s)
{
	return (int)s + 1;
}

int vocab_model_segment_of_kind(enum rd_customer_kind k)
{
	return 1 + SEGMENTS + (int)k;
}

int vocab_model_segment_kind(int ms)
{
	return ms > SEGMENTS && ms <= SEGMENTS + KINDS ? ms - 1 - SEGMENTS : -1;
}

int vocab_model_serves(int ms, enum rd_customer_kind k, enum rd_segment s)
{
	return ms == MODEL_SEGMENT_ALL || ms == vocab_model_segment_of(s) ||
	       ms == vocab_model_segment_of_kind(k);
}
