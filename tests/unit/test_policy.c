/* The credit policy (include/riskdesk/policy.h): what an application derives; each kind of
 * rule firing on a constructed case and not just on the other side of its threshold; the
 * decision's precedence; bad specifications refused with the file and the field named;
 * the one spelling; `policy import` of a bad file changing nothing; and the decisions'
 * writer setting each request from its decision's row, a chunk at a time. */
#include "testutil.h"

#include <math.h>

#include "riskdesk/decide.h"
#include "riskdesk/policy.h"

static struct rd_policy *parse_ok(const char *json)
{
	struct rd_policy *p = rd_malloc(sizeof *p);
	struct rd_err err = {{0}};
	if (policy_parse(json, strlen(json), "t.json", p, &err))
		fail_msg("%s", err.msg);
	return p;
}

static void test_derive(void **state)
{
	(void)state;
	struct rd_policy *p = parse_ok("{\"annual_rate\": 0.12, \"rules\": [{\"code\": \"B\","
				       " \"action\": \"refer\", \"test\": \"band\", \"bands\":"
				       " [\"E\"], \"text\": \"e\"}]}");
	struct policy_derived d;
	/* 12,000 over 12 months at 1% a month: the annuity 1066.19 (to the cent). */
	struct policy_application a = {12000, 12, 60000, 6000};
	policy_derive(p, &a, &d);
	double pay = 12000 * 0.01 / (1 - pow(1.01, -12));
	assert_true(fabs(d.monthly_payment - 1066.1854641401) < 1e-6);
	assert_true(fabs(d.dti - (6000 + 12 * pay) / 60000) < 1e-12);
	assert_true(fabs(d.pti - 12 * pay / 60000) < 1e-12);
	assert_true(fabs(d.lti - 0.2) < 1e-12);
	/* A term under a year counts its payments only. */
	a.term_months = 6;
	policy_derive(p, &a, &d);
	pay = 12000 * 0.01 / (1 - pow(1.01, -6));
	assert_true(fabs(d.dti - (6000 + 6 * pay) / 60000) < 1e-12);
	/* At rate 0 the payment is the amount over the term. */
	p->annual_rate = 0;
	policy_derive(p, &a, &d);
	assert_true(d.monthly_payment == 2000);
	/* No debt declared: no dti (the rest stands); no income (or none > 0): no ratio. */
	a.existing_debt = NAN;
	policy_derive(p, &a, &d);
	assert_true(isnan(d.dti) && d.pti == 0.4 && d.lti == 0.2);
	a.existing_debt = 0;
	a.yearly_income = NAN;
	policy_derive(p, &a, &d);
	assert_true(isnan(d.dti) && isnan(d.pti) && isnan(d.lti) && d.monthly_payment == 2000);
	a.yearly_income = 0;
	policy_derive(p, &a, &d);
	assert_true(isnan(d.dti) && isnan(d.pti) && isnan(d.lti));
	free(p);
}

/* One rule of each kind; at rate 0 a payment is amount / term. */
static const char rules_json[] =
	"{\"annual_rate\": 0, \"fallback_cutoff_pd\": 0.2, \"rules\": ["
	"{\"code\": \"DTI\", \"action\": \"decline\", \"test\": \"feature\", \"feature\": \"dti\","
	" \"op\": \">\", \"threshold\": 0.6, \"text\": \"dti\"},"
	"{\"code\": \"PTI\", \"action\": \"refer\", \"test\": \"feature\", \"feature\": \"pti\","
	" \"op\": \">=\", \"threshold\": 0.3, \"text\": \"pti\"},"
	"{\"code\": \"LTI\", \"action\": \"refer\", \"test\": \"feature\", \"feature\": \"lti\","
	" \"op\": \">\", \"threshold\": 2, \"text\": \"lti\"},"
	"{\"code\": \"INCOME\", \"action\": \"refer\", \"test\": \"feature\", \"feature\":"
	" \"yearly_income\", \"op\": \"missing\", \"text\": \"no income\"},"
	"{\"code\": \"SCORE\", \"action\": \"refer\", \"test\": \"feature\", \"feature\": "
	"\"score\","
	" \"op\": \"<\", \"threshold\": 400, \"text\": \"score\"},"
	"{\"code\": \"TENURE\", \"action\": \"refer\", \"test\": \"feature\", \"feature\":"
	" \"tenure_days\", \"op\": \"<=\", \"threshold\": 30, \"text\": \"new\"},"
	"{\"code\": \"INSOLVENT\", \"action\": \"decline\", \"test\": \"record_flag\", \"field\":"
	" \"insolvency\", \"text\": \"insolvent\"},"
	"{\"code\": \"ARREARS\", \"action\": \"refer\", \"test\": \"record_flag\", \"field\":"
	" \"arrears_flag\", \"source\": \"tax_office\", \"text\": \"arrears\"},"
	"{\"code\": \"NOTAX\", \"action\": \"refer\", \"test\": \"record_missing\", \"source\":"
	" \"tax_office\", \"text\": \"no tax record\"},"
	"{\"code\": \"BANDE\", \"action\": \"decline\", \"test\": \"band\", \"bands\": [\"E\"],"
	" \"text\": \"band E\"},"
	"{\"code\": \"CUT\", \"action\": \"decline\", \"test\": \"cutoff\", \"text\": \"cut-off\"},"
	"{\"code\": \"NEAR\", \"action\": \"refer\", \"test\": \"near_cutoff\", \"points\": 10,"
	" \"text\": \"near\"}]}";

enum { R_DTI, R_PTI, R_LTI, R_INCOME, R_SCORE, R_TENURE, R_INSOLVENT, R_ARREARS, R_NOTAX };

struct fixture {
	struct rd_policy *p;
	struct policy_facts f;
	double features[FEAT_COUNT];
	unsigned char flag[POLICY_RULES_MAX];
};

/* An application on which no rule fires: 10,000 over 10 months (1,000 a month) on an
 * income of 100,000 without debt (dti 0.1, pti 0.12, lti 0.1), score 700 (B, PD 1%), on
 * the book 100 days, a tax office record with no flag. The cut-off is the fallback's. */
static void base(struct fixture *x)
{
	memset(&x->f, 0, sizeof x->f);
	memset(x->features, 0, sizeof x->features);
	memset(x->flag, 0, sizeof x->flag);
	x->features[FEAT_TENURE_DAYS] = 100;
	x->f.app = (struct policy_application){10000, 10, 100000, 0};
	x->f.score = 700;
	x->f.band = 'B';
	x->f.pd = 0.01;
	x->f.model_cutoff_pd = NAN;
	x->f.scaling = &score_scaling_default;
	x->f.features = x->features;
	policy_facts_begin(&x->f);
	policy_record(x->p, &x->f, "tax_office", x->flag);
}

/* The codes that fire on x (derived values recomputed), and the status. */
static char *fired(struct fixture *x, enum rd_request_decision *status)
{
	struct policy_decision d;
	struct rd_buf b = {0};
	policy_derive(x->p, &x->f.app, &x->f.derived);
	policy_decide(x->p, &x->f, &d);
	policy_fired_codes(x->p, &d, &b);
	if (status)
		*status = d.status;
	return buf_steal(&b);
}

static void expect(struct fixture *x, const char *codes, enum rd_request_decision status,
		   const char *what)
{
	enum rd_request_decision got;
	char *c = fired(x, &got);
	if (strcmp(c, codes) != 0 || got != status)
		fail_msg("%s: fired '%s' (%s), expected '%s' (%s)", what, c,
			 vocab_name(&vocab_request_decision, (int)got), codes,
			 vocab_name(&vocab_request_decision, (int)status));
	free(c);
}

static void test_each_rule(void **state)
{
	(void)state;
	struct fixture x = {.p = parse_ok(rules_json)};
	const enum rd_request_decision OK = REQUEST_DECISION_APPROVED,
				       REF = REQUEST_DECISION_REFERRED,
				       DEC = REQUEST_DECISION_DECLINED;
	base(&x);
	expect(&x, "", OK, "base");
	/* dti > 0.6: (debt + 10,000) / 100,000 */
	x.f.app.existing_debt = 50001;
	expect(&x, "DTI", DEC, "dti just above 0.6");
	x.f.app.existing_debt = 50000;
	expect(&x, "", OK, "dti at 0.6");
	/* pti >= 0.3: 12 * amount / term / 100,000 */
	base(&x);
	x.f.app.amount = 25000;
	expect(&x, "PTI", REF, "pti at 0.3");
	x.f.app.amount = 24990;
	expect(&x, "", OK, "pti just below 0.3");
	/* lti > 2, over a hundred years (the payment stays small) */
	base(&x);
	x.f.app.term_months = 1200;
	x.f.app.amount = 200100;
	expect(&x, "LTI", REF, "lti just above 2");
	x.f.app.amount = 200000;
	expect(&x, "", OK, "lti at 2");
	/* a missing income: only `missing` fires, the ratios have no value to compare */
	base(&x);
	x.f.app.yearly_income = NAN;
	x.f.app.existing_debt = 1e9;
	expect(&x, "INCOME", REF, "no income");
	x.f.app.yearly_income = 1e12;
	expect(&x, "", OK, "an income");
	/* score < 400 */
	base(&x);
	x.f.score = 399;
	expect(&x, "SCORE", REF, "score just below 400");
	x.f.score = 400;
	expect(&x, "", OK, "score at 400");
	/* a behavioural feature: tenure_days <= 30 */
	base(&x);
	x.features[FEAT_TENURE_DAYS] = 30;
	expect(&x, "TENURE", REF, "tenure at 30");
	x.features[FEAT_TENURE_DAYS] = 31;
	expect(&x, "", OK, "tenure just above 30");
	/* a record flagging insolvency, of any source */
	base(&x);
	x.flag[R_INSOLVENT] = 1;
	policy_record(x.p, &x.f, "land_registry", x.flag);
	expect(&x, "INSOLVENT", DEC, "an insolvent record");
	base(&x);
	policy_record(x.p, &x.f, "land_registry", x.flag); /* no flag */
	expect(&x, "", OK, "records without the flag");
	/* a flag of one source: another source's does not count */
	base(&x);
	x.flag[R_ARREARS] = 1;
	policy_record(x.p, &x.f, "land_registry", x.flag);
	expect(&x, "", OK, "arrears flagged by another source");
	policy_record(x.p, &x.f, "tax_office", x.flag);
	expect(&x, "ARREARS", REF, "arrears flagged by the tax office");
	/* no record of the tax office: none at all, or only another source's */
	base(&x);
	policy_facts_begin(&x.f);
	expect(&x, "NOTAX", REF, "no records");
	policy_record(x.p, &x.f, "land_registry", x.flag);
	expect(&x, "NOTAX", REF, "only a land registry record");
	policy_record(x.p, &x.f, "tax_office", x.flag);
	expect(&x, "", OK, "a tax office record");
	/* band E declines; D does not */
	base(&x);
	x.f.band = 'E';
	expect(&x, "BANDE", DEC, "band E");
	x.f.band = 'D';
	expect(&x, "", OK, "band D");
	/* the PD at the cut-off declines, just below it does not: the fallback's (0.2) when
	 * the model has none, else the model's */
	base(&x);
	x.f.pd = 0.2;
	expect(&x, "CUT", DEC, "PD at the fallback cut-off");
	x.f.pd = nextafter(0.2, 0);
	expect(&x, "", OK, "PD just below the fallback cut-off");
	x.f.model_cutoff_pd = 0.05;
	x.f.pd = 0.05;
	expect(&x, "CUT", DEC, "PD at the model's cut-off");
	x.f.pd = 0.0499;
	expect(&x, "", OK, "PD just below the model's cut-off");
	/* within 10 points of the cut-off's score, 488 at a PD of 0.2 on SPEC's scale */
	base(&x);
	int cut = score_clamp(score_from_pd(&score_scaling_default, 0.2));
	assert_int_equal(cut, 488);
	x.f.score = cut + 10;
	expect(&x, "NEAR", REF, "10 points above the cut-off");
	x.f.score = cut + 11;
	expect(&x, "", OK, "11 points above the cut-off");
	x.f.score = cut - 10; /* (the PD stays low: only the distance counts here) */
	expect(&x, "NEAR", REF, "10 points below the cut-off");
	x.f.score = cut - 11;
	expect(&x, "", OK, "11 points below the cut-off");
	/* Every rule that fired is listed, in the policy's order; a decline wins. */
	base(&x);
	x.f.app.existing_debt = 60000; /* dti 0.7 */
	x.f.band = 'E';
	x.f.score = 399;
	policy_facts_begin(&x.f);
	expect(&x, "DTI SCORE NOTAX BANDE", DEC, "several");
	x.f.band = 'C';
	x.f.app.existing_debt = 0;
	expect(&x, "SCORE NOTAX", REF, "referrals only");
	/* Without a fallback and without a model's cut-off, the cut-off tests never fire. */
	x.p->fallback_cutoff_pd = NAN;
	base(&x);
	x.f.pd = 0.99;
	x.f.score = 488;
	expect(&x, "", OK, "no cut-off at all");
	/* What the decision records: the values seen, the cut-off. */
	base(&x);
	x.p->fallback_cutoff_pd = 0.2;
	x.f.app.existing_debt = 60000;
	struct policy_decision d;
	policy_derive(x.p, &x.f.app, &x.f.derived);
	policy_decide(x.p, &x.f, &d);
	struct rd_buf b = {0};
	policy_fired_json(x.p, &d, &b);
	assert_string_equal(b.data, "[{\"code\":\"DTI\",\"action\":\"decline\",\"text\":\"dti\","
				    "\"value\":0.7}]");
	assert_true(d.cutoff_pd == 0.2 && d.cutoff_score == 488);
	assert_true(x.f.derived.monthly_payment == 1000 && x.f.derived.pti == 0.12);
	buf_free(&b);
	free(x.p);
}

/* A bad specification is refused with the file's name and the field. */
static void test_parse_errors(void **state)
{
	(void)state;
#define RULE(x) "{\"annual_rate\": 0.1, \"rules\": [" x "]}"
#define FEAT "\"code\": \"X\", \"action\": \"refer\", \"test\": \"feature\", \"text\": \"t\""
	static const struct {
		const char *json, *msg;
	} cases[] = {
		{"", "p.json:1:1: invalid JSON"},
		{"{\"annual_rate\": 0.1,", "p.json:1:21: invalid JSON"},
		{"[1]", "p.json: an array is not a policy"},
		{"{\"annual_rate\": NaN}", "p.json:1:17: invalid JSON"},
		{"{\"annual_rate\": 0.1, \"annual_rate\": 0.2}",
		 "p.json: key 'annual_rate' appears twice"},
		{"{\"rules\": []}", "p.json: 'annual_rate': missing"},
		{"{\"annual_rate\": 2, \"rules\": []}",
		 "p.json: 'annual_rate': 2 is not from 0 to 1"},
		{"{\"annual_rate\": \"0.1\", \"rules\": []}",
		 "p.json: 'annual_rate': '0.1' is not a number"},
		{"{\"annual_rate\": 0.1, \"rule\": []}", "p.json: 'rule': not a field of a policy"},
		{"{\"annual_rate\": 0.1, \"fallback_cutoff_pd\": 1, \"rules\": []}",
		 "p.json: 'fallback_cutoff_pd': 1 is not a PD above 0 and below 1"},
		{"{\"annual_rate\": 0.1}", "p.json: 'rules': missing"},
		{"{\"annual_rate\": 0.1, \"rules\": []}",
		 "p.json: 'rules': the list is not a list of 1 to 64"},
		{"{\"annual_rate\": 0.1, \"rules\": {}}",
		 "p.json: 'rules': an object is not a list"},
		{RULE("5"), "p.json: rules[0]: 5 is not an object"},
		{RULE("{\"action\": \"refer\"}"), "p.json: rules[0]: 'code': missing"},
		{RULE("{\"code\": \"A B\"}"),
		 "p.json: rules[0]: 'code': 'A B' is not 1 to 32 letters"},
		{RULE("{\"code\": \"XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\"}"),
		 "rules[0]: 'code': 'XXX"},
		{RULE("{" FEAT ", \"feature\": \"dti\", \"op\": \"missing\"}, {" FEAT
		      ", \"feature\": \"dti\", \"op\": \"missing\"}"),
		 "p.json: rules[1] ('X'): 'code': 'X' is also rules[0]'s"},
		{RULE("{\"code\": \"X\", \"test\": \"band\", \"text\": \"t\"}"),
		 "p.json: rules[0] ('X'): 'action': missing"},
		{RULE("{\"code\": \"X\", \"action\": \"block\", \"test\": \"band\", \"text\": "
		      "\"t\"}"),
		 "p.json: rules[0] ('X'): 'action': 'block' is not decline or refer"},
		{RULE("{\"code\": \"X\", \"action\": \"refer\", \"test\": \"bands\", \"text\": "
		      "\"t\"}"),
		 "p.json: rules[0] ('X'): 'test': 'bands' is not feature, record_flag"},
		{RULE("{\"code\": \"X\", \"action\": \"refer\", \"test\": \"cutoff\"}"),
		 "p.json: rules[0] ('X'): 'text': missing"},
		{RULE("{\"code\": \"X\", \"action\": \"refer\", \"test\": \"cutoff\", \"text\": "
		      "\"\"}"),
		 "p.json: rules[0] ('X'): 'text': '' is not 1 to 160 bytes"},
		{RULE("{\"code\": \"X\", \"action\": \"refer\", \"test\": \"cutoff\", \"text\": "
		      "\"a\\tb\"}"),
		 "p.json: rules[0] ('X'): 'text': 'a?b' holds a control character"},
		{RULE("{" FEAT ", \"feature\": \"dti\", \"op\": \"missing\", \"bands\": [\"E\"]}"),
		 "p.json: rules[0] ('X'): 'bands': not a field of a feature rule (code, action, "
		 "test, "
		 "text, feature, op, threshold)"},
		{RULE("{" FEAT ", \"op\": \">\", \"threshold\": 1}"),
		 "p.json: rules[0] ('X'): 'feature': missing"},
		{RULE("{" FEAT ", \"feature\": \"income\", \"op\": \">\", \"threshold\": 1}"),
		 "p.json: rules[0] ('X'): 'feature': 'income' is not dti, pti, lti"},
		{RULE("{" FEAT ", \"feature\": \"dti\", \"op\": \"=>\", \"threshold\": 1}"),
		 "p.json: rules[0] ('X'): 'op': '=>' is not >, >=, <, <= or missing"},
		{RULE("{" FEAT ", \"feature\": \"dti\", \"op\": \">\"}"),
		 "p.json: rules[0] ('X'): 'threshold': missing (op '>' compares with it)"},
		{RULE("{" FEAT ", \"feature\": \"dti\", \"op\": \"missing\", \"threshold\": 1}"),
		 "p.json: rules[0] ('X'): 'threshold': not with op 'missing'"},
		{RULE("{" FEAT ", \"feature\": \"dti\", \"op\": \">\", \"threshold\": 1e13}"),
		 "p.json: rules[0] ('X'): 'threshold': 10000000000000 is not from -1e+12 to 1e+12"},
		{RULE("{" FEAT ", \"feature\": \"dti\", \"op\": \">\", \"threshold\": null}"),
		 "p.json: rules[0] ('X'): 'threshold': null is not a number"},
		{RULE("{\"code\": \"X\", \"action\": \"refer\", \"test\": \"record_flag\", "
		      "\"text\": "
		      "\"t\"}"),
		 "p.json: rules[0] ('X'): 'field': missing (a record_flag rule has one)"},
		{RULE("{\"code\": \"X\", \"action\": \"refer\", \"test\": \"record_flag\", "
		      "\"text\": "
		      "\"t\", \"field\": \"a.b\"}"),
		 "p.json: rules[0] ('X'): 'field': 'a.b' is not 1 to 64 letters, digits and '_'"},
		{RULE("{\"code\": \"X\", \"action\": \"refer\", \"test\": \"record_flag\", "
		      "\"text\": "
		      "\"t\", \"field\": \"f\", \"source\": \"tax office\"}"),
		 "p.json: rules[0] ('X'): 'source': 'tax office' is not 1 to 64 letters"},
		{RULE("{\"code\": \"X\", \"action\": \"refer\", \"test\": \"record_missing\", "
		      "\"text\": "
		      "\"t\"}"),
		 "p.json: rules[0] ('X'): 'source': missing (a record_missing rule has one)"},
		{RULE("{\"code\": \"X\", \"action\": \"refer\", \"test\": \"band\", \"text\": "
		      "\"t\", "
		      "\"bands\": []}"),
		 "p.json: rules[0] ('X'): 'bands': an array is not a list of bands"},
		{RULE("{\"code\": \"X\", \"action\": \"refer\", \"test\": \"band\", \"text\": "
		      "\"t\", "
		      "\"bands\": [\"F\"]}"),
		 "p.json: rules[0] ('X'): 'bands': 'F' is not a band (A to E)"},
		{RULE("{\"code\": \"X\", \"action\": \"refer\", \"test\": \"band\", \"text\": "
		      "\"t\", "
		      "\"bands\": [\"E\", \"E\"]}"),
		 "p.json: rules[0] ('X'): 'bands': 'E' is listed twice"},
		{RULE("{\"code\": \"X\", \"action\": \"refer\", \"test\": \"near_cutoff\", "
		      "\"text\": "
		      "\"t\", \"points\": 701}"),
		 "p.json: rules[0] ('X'): 'points': 701 is not from 0 to 700"},
		{RULE("{\"code\": \"X\", \"action\": \"refer\", \"test\": \"cutoff\", \"text\": "
		      "\"t\", "
		      "\"points\": 1}"),
		 "p.json: rules[0] ('X'): 'points': not a field of a cutoff rule"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct rd_policy *p = rd_malloc(sizeof *p);
		struct rd_err err = {{0}};
		const char *j = cases[i].json;
		if (policy_parse(j, strlen(j), "p.json", p, &err) == 0)
			fail_msg("case %zu accepted: %s", i, j);
		if (!strstr(err.msg, cases[i].msg))
			fail_msg("case %zu: %s\n  got      %s\n  expected %s", i, j, err.msg,
				 cases[i].msg);
		free(p);
	}
	/* 65 rules are too many. */
	struct rd_buf b = {0};
	buf_puts(&b, "{\"annual_rate\": 0, \"rules\": [");
	for (int i = 0; i <= POLICY_RULES_MAX; i++)
		buf_printf(&b,
			   "%s{\"code\": \"C%d\", \"action\": \"refer\", \"test\": \"cutoff\","
			   " \"text\": \"t\"}",
			   i ? ", " : "", i);
	buf_puts(&b, "]}");
	struct rd_policy *p = rd_malloc(sizeof *p);
	struct rd_err err = {{0}};
	assert_int_equal(policy_parse(b.data, b.len, "p.json", p, &err), -1);
	assert_non_null(
		strstr(err.msg, "p.json: 'rules': the list is not a list of 1 to 64 rules"));
	buf_free(&b);
	free(p);
#undef RULE
#undef FEAT
}

/* The built-in policy is stored in the one spelling, which reads back to itself; `policy
 * import` of a bad file changes nothing, of a good one makes a new version that serves. */
static void test_store_and_import(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	int version = 0;
	char *spec = policy_serving(st, &version, &err);
	assert_non_null(spec);
	assert_int_equal(version, 1);
	struct rd_policy *p = parse_ok(spec);
	char *again = policy_to_json(p);
	assert_string_equal(again, spec);
	assert_int_equal(p->nrules, 11);
	assert_true(p->annual_rate == 0.09 && p->fallback_cutoff_pd == 0.15);
	free(again);

	const char bad[] = "{\"annual_rate\": 0.1, \"rules\": [{\"code\": \"X\", \"action\":"
			   " \"refer\", \"test\": \"feature\", \"feature\": \"dti\", \"op\": \">\","
			   " \"threshold\": \"high\", \"text\": \"t\"}]}";
	const char *path = test_file("bad-policy.json", bad, sizeof bad - 1);
	char line[600];
	snprintf(line, sizeof line, "policy import %s", path);
	assert_int_equal(test_run(st, line, &err), RD_FAILED);
	if (!strstr(err.msg, path) || !strstr(err.msg, "rules[0] ('X'): 'threshold': 'high' is"
						       " not a number"))
		fail_msg("%s", err.msg);
	assert_int_equal(test_int(st, "SELECT count(*) FROM policies"), 1);
	snprintf(line, sizeof line, "policy import %s.missing", path);
	assert_int_equal(test_run(st, line, &err), RD_FAILED);
	assert_non_null(strstr(err.msg, "No such file or directory"));
	assert_int_equal(test_int(st, "SELECT count(*) FROM policies"), 1);

	/* The same policy with DTI at 0.5: a new version, serving, in the one spelling. */
	p->rules[1].threshold = 0.5;
	char *edited = policy_to_json(p);
	path = test_file("good-policy.json", edited, strlen(edited));
	snprintf(line, sizeof line, "policy import %s", path);
	assert_int_equal(test_run(st, line, &err), RD_OK);
	free(spec);
	spec = policy_serving(st, &version, &err);
	assert_int_equal(version, 2);
	assert_string_equal(spec, edited);
	assert_int_equal(test_int(st, "SELECT count(*) FROM policies WHERE version = 1"), 1);
	/* Exported as stored. */
	char out[512];
	snprintf(out, sizeof out, "%s.out", path);
	snprintf(line, sizeof line, "policy export %s", out);
	assert_int_equal(test_run(st, line, &err), RD_OK);
	struct rd_buf b = {0};
	assert_int_equal(text_file_read(out, 1 << 20, &b, &err), 0);
	assert_string_equal(b.data, edited);
	unlink(out);
	buf_free(&b);
	free(edited);
	free(spec);
	free(p);
	store_close(st);
}

struct twice {
	struct decide_writer *w;
	struct rd_err *err;
	int rc;
};

/* Writes the request's decision twice, then finishes: the second is refused. */
static int write_twice(void *ud, const struct decide_request *req, const struct decide_outcome *o)
{
	struct twice *t = ud;
	t->rc = !o ? -2
		: decide_write(t->w, req, o, t->err) || decide_write(t->w, req, o, t->err) ||
				decide_writer_finish(t->w, t->err)
			? -1
			: 0;
	return 0;
}

/* rescore pending sets every request from its row of decisions, which the writer does 1,024
 * at a time: 2,500 requests are two whole chunks and a part, all set, none twice. A request
 * decided twice in a chunk (the caller read it pending) is refused by name. */
static void test_writer_chunks(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	if (store_exec(st,
		       "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
		       "2500)"
		       " INSERT INTO customers(id, created_at) SELECT printf('C%04d', i),"
		       " '2024-01-01' FROM n;"
		       " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
		       "2500)"
		       " INSERT INTO credit_requests(id, customer_id, amount, term_months,"
		       " yearly_income, existing_debt, created_at) SELECT printf('R%04d', i),"
		       " printf('C%04d', i), 1000 + 40 * i, 12, 30000, iif(i % 3, 1000, NULL),"
		       " '2025-01-01' FROM n",
		       &err))
		fail_msg("%s", err.msg);
	assert_int_equal(test_run(st, "rescore pending --as-of 2025-06-30", &err), RD_OK);
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM credit_requests WHERE status = 'pending'"),
			 0);
	assert_int_equal(test_int(st, "SELECT count(DISTINCT request_id) FROM decisions"), 2500);
	assert_int_equal(test_int(st,
				  "SELECT count(*) FROM credit_requests r JOIN decisions d"
				  " ON d.id = r.decision_id WHERE d.request_id = r.id"
				  " AND r.status = d.status AND r.score = d.score AND r.pd = d.pd"
				  " AND r.band = d.band AND r.rules = d.rules"
				  " AND r.reasons = d.reasons AND r.decided_at = d.decided_at"),
			 2500);
	assert_true(test_int(st, "SELECT count(DISTINCT status) FROM decisions") >= 2);

	/* The writer given request R0001 twice. */
	assert_int_equal(
		store_exec(st,
			   "UPDATE credit_requests SET status = 'pending' WHERE id = 'R0001';"
			   " INSERT INTO runs(kind, args, user, started_at, status)"
			   " VALUES ('rescore', 'rescore', 'test', '2025-01-01', 'running')",
			   &err),
		0);
	struct decider *d = decider_new(st, &err);
	assert_non_null(d);
	int64_t as_of;
	assert_int_equal(date_parse("2025-06-30", 10, &as_of), 0);
	struct decide_request req = {.id = "R0001",
				     .customer_id = "C0001",
				     .app = {.amount = 1040,
					     .term_months = 12,
					     .yearly_income = 30000,
					     .existing_debt = 1000}};
	assert_int_equal(store_begin(st, &err), 0);
	struct twice t = {.err = &err};
	t.w = decide_writer_new(st, d, test_int(st, "SELECT max(id) FROM runs"), as_of / 86400,
				&err);
	assert_non_null(t.w);
	struct decide_job job = {.as_of_day = as_of / 86400, .visit = write_twice, .ud = &t};
	assert_int_equal(decider_run(d, &req, 1, &job, &err), 0);
	assert_int_equal(t.rc, -1);
	assert_string_equal(err.msg, "request 'R0001' is no longer pending");
	struct decide_writer *w = t.w;
	store_rollback(st);
	decide_writer_free(w);
	decider_free(d);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_derive),        cmocka_unit_test(test_each_rule),
		cmocka_unit_test(test_parse_errors),  cmocka_unit_test(test_store_and_import),
		cmocka_unit_test(test_writer_chunks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
