/* The credit policy (policy.h): its specification read strictly and written in one
 * spelling, what an application derives, and the rules applied. */
#include "riskdesk/policy.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/jsondoc.h"
#include "riskdesk/profile.h"

/* ---- reading a specification ---- */

/* Where a message points: "FILE: rules[2] (D-DTI)". */
struct where {
	const char *name;
	int rule; /* -1: the top level */
	const char *code;
};

static void where_text(const struct where *w, char *out, size_t n)
{
	char e[RD_ECHO_SIZE];
	if (w->rule < 0)
		snprintf(out, n, "%s", w->name);
	else if (w->code)
		snprintf(out, n, "%s: rules[%d] (%s)", w->name, w->rule,
			 rd_echo(e, w->code, strlen(w->code)));
	else
		snprintf(out, n, "%s: rules[%d]", w->name, w->rule);
}

/* err = "WHERE: 'key': WHY". Returns -1. */
static int field_err(struct rd_err *err, const struct where *w, const char *key, const char *fmt,
		     ...) __attribute__((format(printf, 4, 5)));
static int field_err(struct rd_err *err, const struct where *w, const char *key, const char *fmt,
		     ...)
{
	char at[RD_ECHO_SIZE + 64], why[1024], e[RD_ECHO_SIZE];
	where_text(w, at, sizeof at);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	rd_err_set(err, "%s: %s: %s", at, rd_echo(e, key, strlen(key)), why);
	return -1;
}

/* A number of the document within [lo, hi]. 0 or -1. */
static int get_number(const cJSON *v, const struct where *w, const char *key, double lo, double hi,
		      double *out, struct rd_err *err)
{
	char e[RD_ECHO_SIZE];
	if (!cJSON_IsNumber(v))
		return field_err(err, w, key, "%s is not a number", jsondoc_echo(v, e));
	if (!(v->valuedouble >= lo && v->valuedouble <= hi))
		return field_err(err, w, key, "%s is not from %g to %g", jsondoc_echo(v, e), lo,
				 hi);
	*out = v->valuedouble;
	return 0;
}

/* Letters, digits and those of extra; 1 to max bytes. */
static int word_ok(const char *s, size_t max, const char *extra)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr(extra, c)))
			return 0;
	}
	return 1;
}

/* A string of the document: a word (extra: the other characters allowed) or, with extra
 * NULL, a text for people (no control characters; the reader checked the UTF-8). */
static int get_string(const cJSON *v, const struct where *w, const char *key, const char *extra,
		      size_t max, char *out, struct rd_err *err)
{
	char e[RD_ECHO_SIZE];
	if (!cJSON_IsString(v))
		return field_err(err, w, key, "%s is not a string", jsondoc_echo(v, e));
	const char *s = v->valuestring;
	size_t n = strlen(s);
	if (extra && !word_ok(s, max, extra))
		return field_err(err, w, key, "%s is not 1 to %zu letters, digits%s%s%s",
				 jsondoc_echo(v, e), max, *extra ? " and '" : "", extra,
				 *extra ? "'" : "");
	if (!extra) {
		if (n == 0 || n > max)
			return field_err(err, w, key, "%s is not 1 to %zu bytes",
					 jsondoc_echo(v, e), max);
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
				return field_err(err, w, key, "%s holds a control character",
						 jsondoc_echo(v, e));
	}
	memcpy(out, s, n + 1);
	return 0;
}

/* A word of vocabulary v. Its index, or -1 with err. */
static int get_word(const cJSON *v, const struct where *w, const char *key, const struct vocab *voc,
		    struct rd_err *err)
{
	char e[RD_ECHO_SIZE], words[256];
	int i = cJSON_IsString(v) ? vocab_find(voc, v->valuestring) : -1;
	if (i < 0)
		field_err(err, w, key, "%s is not %s", jsondoc_echo(v, e),
			  vocab_list(voc, " or ", words, sizeof words));
	return i;
}

/* The value a feature test reads: a policy value or a behavioural feature. -1 with err. */
static int get_value(const cJSON *v, const struct where *w, const char *key, struct rd_err *err)
{
	char e[RD_ECHO_SIZE], words[256];
	if (cJSON_IsString(v)) {
		int i = vocab_find(&vocab_policy_value, v->valuestring);
		if (i >= 0)
			return i;
		i = feature_index(v->valuestring);
		if (i >= 0)
			return POLICY_VALUES + i;
	}
	field_err(err, w, key, "%s is not %s, or a behavioural feature (total_spend, ...)",
		  jsondoc_echo(v, e), vocab_list(&vocab_policy_value, ", ", words, sizeof words));
	return -1;
}

const char *policy_value_name(int v)
{
	return v < POLICY_VALUES                ? vocab_name(&vocab_policy_value, v)
	       : v - POLICY_VALUES < FEAT_COUNT ? feature_names[v - POLICY_VALUES]
						: "?";
}

/* The fields each test takes besides code, action, test and text. */
static const char *const test_fields[POLICY_TESTS][4] = {
	[POLICY_TEST_FEATURE] = {"feature", "op", "threshold", NULL},
	[POLICY_TEST_RECORD_FLAG] = {"field", "source", NULL},
	[POLICY_TEST_RECORD_MISSING] = {"source", NULL},
	[POLICY_TEST_BAND] = {"bands", NULL},
	[POLICY_TEST_CUTOFF] = {NULL},
	[POLICY_TEST_NEAR_CUTOFF] = {"points", NULL},
};

static int takes(enum rd_policy_test t, const char *key)
{
	if (strcmp(key, "code") == 0 || strcmp(key, "action") == 0 || strcmp(key, "test") == 0 ||
	    strcmp(key, "text") == 0)
		return 1;
	for (int i = 0; test_fields[t][i]; i++)
		if (strcmp(test_fields[t][i], key) == 0)
			return 1;
	return 0;
}

static int parse_bands(const cJSON *v, const struct where *w, unsigned *bands, struct rd_err *err)
{
	char e[RD_ECHO_SIZE];
	const cJSON *b;
	*bands = 0;
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
		return field_err(err, w, "bands", "%s is not a list of bands ([\"D\", \"E\"])",
				 jsondoc_echo(v, e));
	cJSON_ArrayForEach(b, v)
	{
		int i = cJSON_IsString(b) ? vocab_find(&vocab_band, b->valuestring) : -1;
		if (i < 0)
			return field_err(err, w, "bands", "%s is not a band (A to E)",
					 jsondoc_echo(b, e));
		if (*bands & (1u << i))
			return field_err(err, w, "bands", "%s is listed twice", jsondoc_echo(b, e));
		*bands |= 1u << i;
	}
	return 0;
}

static int parse_rule(const cJSON *o, struct where *w, struct rd_policy *p, struct rd_err *err)
{
	struct policy_rule *r = &p->rules[p->nrules];
	char e[RD_ECHO_SIZE];
	memset(r, 0, sizeof *r);
	if (!cJSON_IsObject(o)) {
		char at[RD_ECHO_SIZE + 64];
		where_text(w, at, sizeof at);
		rd_err_set(err, "%s: %s is not an object", at, jsondoc_echo(o, e));
		return -1;
	}
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(o, "code");
	if (!code)
		return field_err(err, w, "code", "missing (every rule has a code)");
	if (get_string(code, w, "code", "-_.", POLICY_CODE_MAX, r->code, err))
		return -1;
	w->code = r->code;
	for (int k = 0; k < p->nrules; k++)
		if (strcmp(p->rules[k].code, r->code) == 0)
			return field_err(err, w, "code", "%s is also rules[%d]'s",
					 jsondoc_echo(code, e), k);
	static const char *const required[] = {"action", "test", "text"};
	for (size_t i = 0; i < sizeof required / sizeof *required; i++)
		if (!cJSON_GetObjectItemCaseSensitive(o, required[i]))
			return field_err(err, w, required[i], "missing");
	int action = get_word(cJSON_GetObjectItemCaseSensitive(o, "action"), w, "action",
			      &vocab_policy_action, err);
	int test = action < 0 ? -1
			      : get_word(cJSON_GetObjectItemCaseSensitive(o, "test"), w, "test",
					 &vocab_policy_test, err);
	if (test < 0 || get_string(cJSON_GetObjectItemCaseSensitive(o, "text"), w, "text", NULL,
				   POLICY_TEXT_MAX, r->text, err))
		return -1;
	r->action = (enum rd_policy_action)action;
	r->test = (enum rd_policy_test)test;
	const cJSON *m;
	cJSON_ArrayForEach(m, o)
	{
		if (takes(r->test, m->string))
			continue;
		struct rd_buf list = {0};
		buf_puts(&list, "code, action, test, text");
		for (int i = 0; test_fields[test][i]; i++)
			buf_printf(&list, ", %s", test_fields[test][i]);
		field_err(err, w, m->string, "not a field of a %s rule (%s)",
			  vocab_name(&vocab_policy_test, test), list.data);
		buf_free(&list);
		return -1;
	}
	for (int i = 0; test_fields[test][i]; i++) {
		const char *key = test_fields[test][i];
		/* Optional: a flag's source (any), and the threshold of `missing`. */
		int optional = strcmp(key, "source") == 0 && r->test == POLICY_TEST_RECORD_FLAG;
		if (!optional && strcmp(key, "threshold") != 0 &&
		    !cJSON_GetObjectItemCaseSensitive(o, key))
			return field_err(err, w, key, "missing (a %s rule has one)",
					 vocab_name(&vocab_policy_test, test));
	}
	const cJSON *v;
	switch (r->test) {
	case POLICY_TEST_FEATURE: {
		if ((r->value = get_value(cJSON_GetObjectItemCaseSensitive(o, "feature"), w,
					  "feature", err)) < 0)
			return -1;
		int op = get_word(cJSON_GetObjectItemCaseSensitive(o, "op"), w, "op",
				  &vocab_policy_op, err);
		if (op < 0)
			return -1;
		r->op = (enum rd_policy_op)op;
		v = cJSON_GetObjectItemCaseSensitive(o, "threshold");
		if (r->op == POLICY_MISSING && v)
			return field_err(err, w, "threshold",
					 "not with op 'missing' (a missing value has none)");
		if (r->op != POLICY_MISSING && !v)
			return field_err(err, w, "threshold", "missing (op '%s' compares with it)",
					 vocab_name(&vocab_policy_op, op));
		r->threshold = NAN;
		if (v && get_number(v, w, "threshold", -POLICY_THRESHOLD_MAX, POLICY_THRESHOLD_MAX,
				    &r->threshold, err))
			return -1;
		break;
	}
	case POLICY_TEST_RECORD_FLAG:
	case POLICY_TEST_RECORD_MISSING:
		if (r->test == POLICY_TEST_RECORD_FLAG &&
		    get_string(cJSON_GetObjectItemCaseSensitive(o, "field"), w, "field", "_",
			       POLICY_NAME_MAX, r->field, err))
			return -1;
		v = cJSON_GetObjectItemCaseSensitive(o, "source");
		/* A source's name as `load external_records` takes it. */
		if (v && get_string(v, w, "source", "_-.", POLICY_NAME_MAX, r->source, err))
			return -1;
		break;
	case POLICY_TEST_BAND:
		if (parse_bands(cJSON_GetObjectItemCaseSensitive(o, "bands"), w, &r->bands, err))
			return -1;
		break;
	case POLICY_TEST_CUTOFF: break;
	case POLICY_TEST_NEAR_CUTOFF:
		if (get_number(cJSON_GetObjectItemCaseSensitive(o, "points"), w, "points", 0,
			       POLICY_POINTS_MAX, &r->points, err))
			return -1;
		break;
	case POLICY_TESTS: break;
	}
	p->nrules++;
	return 0;
}

int policy_parse(const char *json, size_t len, const char *name, struct rd_policy *p,
		 struct rd_err *err)
{
	memset(p, 0, sizeof *p);
	struct where w = {.name = name, .rule = -1};
	char e[RD_ECHO_SIZE];
	cJSON *root = jsondoc_parse(json, len, name, err);
	int rc = -1;
	if (!root)
		return -1;
	if (!cJSON_IsObject(root)) {
		rd_err_set(err, "%s: %s is not a policy (a JSON object)", name,
			   jsondoc_echo(root, e));
		goto out;
	}
	const cJSON *m;
	cJSON_ArrayForEach(m, root)
	{
		if (strcmp(m->string, "annual_rate") != 0 &&
		    strcmp(m->string, "fallback_cutoff_pd") != 0 &&
		    strcmp(m->string, "rules") != 0) {
			field_err(err, &w, m->string,
				  "not a field of a policy (annual_rate, fallback_cutoff_pd, "
				  "rules)");
			goto out;
		}
	}
	const cJSON *rate = cJSON_GetObjectItemCaseSensitive(root, "annual_rate");
	const cJSON *cut = cJSON_GetObjectItemCaseSensitive(root, "fallback_cutoff_pd");
	const cJSON *rules = cJSON_GetObjectItemCaseSensitive(root, "rules");
	if (!rate) {
		field_err(err, &w, "annual_rate", "missing (the rate of the loans' annuities)");
		goto out;
	}
	if (get_number(rate, &w, "annual_rate", 0, 1, &p->annual_rate, err))
		goto out;
	p->fallback_cutoff_pd = NAN;
	if (cut && !cJSON_IsNull(cut)) {
		if (!cJSON_IsNumber(cut) || !(cut->valuedouble > 0 && cut->valuedouble < 1)) {
			field_err(err, &w, "fallback_cutoff_pd",
				  "%s is not a PD above 0 and below 1 (or null: none)",
				  jsondoc_echo(cut, e));
			goto out;
		}
		p->fallback_cutoff_pd = cut->valuedouble;
	}
	if (!rules) {
		field_err(err, &w, "rules", "missing");
		goto out;
	}
	if (!cJSON_IsArray(rules) || cJSON_GetArraySize(rules) == 0 ||
	    cJSON_GetArraySize(rules) > POLICY_RULES_MAX) {
		field_err(err, &w, "rules", "%s is not a list of 1 to %d rules",
			  cJSON_IsArray(rules) ? "the list" : jsondoc_echo(rules, e),
			  POLICY_RULES_MAX);
		goto out;
	}
	cJSON_ArrayForEach(m, rules)
	{
		w.rule = p->nrules;
		w.code = NULL;
		if (parse_rule(m, &w, p, err))
			goto out;
	}
	rc = 0;
out:
	cJSON_Delete(root);
	return rc;
}

char *policy_to_json(const struct rd_policy *p)
{
	struct rd_buf b = {0};
	buf_puts(&b, "{\n  \"annual_rate\": ");
	buf_json_number(&b, p->annual_rate);
	buf_puts(&b, ",\n  \"fallback_cutoff_pd\": ");
	buf_json_number(&b, p->fallback_cutoff_pd); /* null for NaN */
	buf_puts(&b, ",\n  \"rules\": [\n");
	for (int i = 0; i < p->nrules; i++) {
		const struct policy_rule *r = &p->rules[i];
		buf_puts(&b, "    {\"code\": ");
		buf_json_string(&b, r->code);
		buf_printf(&b, ", \"action\": \"%s\", \"test\": \"%s\"",
			   vocab_name(&vocab_policy_action, (int)r->action),
			   vocab_name(&vocab_policy_test, (int)r->test));
		switch (r->test) {
		case POLICY_TEST_FEATURE:
			buf_printf(&b, ", \"feature\": \"%s\", \"op\": \"%s\"",
				   policy_value_name(r->value),
				   vocab_name(&vocab_policy_op, (int)r->op));
			if (r->op != POLICY_MISSING) {
				buf_puts(&b, ", \"threshold\": ");
				buf_json_number(&b, r->threshold);
			}
			break;
		case POLICY_TEST_RECORD_FLAG:
		case POLICY_TEST_RECORD_MISSING:
			if (r->test == POLICY_TEST_RECORD_FLAG) {
				buf_puts(&b, ", \"field\": ");
				buf_json_string(&b, r->field);
			}
			if (r->source[0]) {
				buf_puts(&b, ", \"source\": ");
				buf_json_string(&b, r->source);
			}
			break;
		case POLICY_TEST_BAND:
			buf_puts(&b, ", \"bands\": [");
			for (int k = 0, n = 0; k < BANDS; k++)
				if (r->bands & (1u << k))
					buf_printf(&b, "%s\"%c\"", n++ ? ", " : "",
						   vocab_band_letter(k));
			buf_putc(&b, ']');
			break;
		case POLICY_TEST_NEAR_CUTOFF:
			buf_puts(&b, ", \"points\": ");
			buf_json_number(&b, r->points);
			break;
		case POLICY_TEST_CUTOFF:
		case POLICY_TESTS: break;
		}
		buf_puts(&b, ",\n     \"text\": ");
		buf_json_string(&b, r->text);
		buf_puts(&b, i + 1 < p->nrules ? "},\n" : "}\n");
	}
	buf_puts(&b, "  ]\n}\n");
	return buf_steal(&b);
}

/* ---- deciding ---- */

void policy_derive(const struct rd_policy *p, const struct policy_application *a,
		   struct policy_derived *out)
{
	double i = p->annual_rate / 12, n = a->term_months;
	double pay = i > 0 ? a->amount * i / (1 - pow(1 + i, -n)) : a->amount / n;
	int income = a->yearly_income > 0; /* false for NaN */
	out->monthly_payment = pay;
	out->dti = income && !isnan(a->existing_debt)
			   ? (a->existing_debt + pay * (n < 12 ? n : 12)) / a->yearly_income
			   : NAN;
	out->pti = income ? pay * 12 / a->yearly_income : NAN;
	out->lti = income ? a->amount / a->yearly_income : NAN;
}

void policy_facts_begin(struct policy_facts *f)
{
	memset(f->record, 0, sizeof f->record);
}

void policy_record(const struct rd_policy *p, struct policy_facts *f, const char *source,
		   const unsigned char *flag)
{
	for (int r = 0; r < p->nrules; r++) {
		const struct policy_rule *x = &p->rules[r];
		int same = strcmp(x->source, source) == 0;
		if (x->test == POLICY_TEST_RECORD_FLAG && (!x->source[0] || same) && flag[r])
			f->record[r] = 1;
		else if (x->test == POLICY_TEST_RECORD_MISSING && same)
			f->record[r] = 1;
	}
}

static double value_of(const struct policy_facts *f, int v)
{
	switch (v) {
	case POLICY_DTI: return f->derived.dti;
	case POLICY_PTI: return f->derived.pti;
	case POLICY_LTI: return f->derived.lti;
	case POLICY_MONTHLY_PAYMENT: return f->derived.monthly_payment;
	case POLICY_AMOUNT: return f->app.amount;
	case POLICY_TERM_MONTHS: return f->app.term_months;
	case POLICY_YEARLY_INCOME: return f->app.yearly_income;
	case POLICY_EXISTING_DEBT: return f->app.existing_debt;
	case POLICY_SCORE: return f->score;
	case POLICY_PD: return f->pd;
	default: return f->features ? f->features[v - POLICY_VALUES] : NAN;
	}
}

static int compare(enum rd_policy_op op, double v, double t)
{
	switch (op) {
	case POLICY_GT: return v > t;
	case POLICY_GE: return v >= t;
	case POLICY_LT: return v < t;
	case POLICY_LE: return v <= t;
	default: return isnan(v);
	}
}

void policy_decide(const struct rd_policy *p, const struct policy_facts *f,
		   struct policy_decision *out)
{
	int declined = 0, referred = 0;
	out->cutoff_pd = isnan(f->model_cutoff_pd) ? p->fallback_cutoff_pd : f->model_cutoff_pd;
	out->cutoff_score = isnan(out->cutoff_pd)
				    ? 0
				    : score_clamp(score_from_pd(f->scaling ? f->scaling
									   : &score_scaling_default,
								out->cutoff_pd));
	out->nfired = 0;
	for (int r = 0; r < p->nrules; r++) {
		const struct policy_rule *x = &p->rules[r];
		double seen = NAN;
		int fired = 0;
		switch (x->test) {
		case POLICY_TEST_FEATURE:
			seen = value_of(f, x->value);
			fired = x->op == POLICY_MISSING
					? isnan(seen)
					: !isnan(seen) && compare(x->op, seen, x->threshold);
			break;
		case POLICY_TEST_RECORD_FLAG: fired = f->record[r]; break;
		case POLICY_TEST_RECORD_MISSING: fired = !f->record[r]; break;
		case POLICY_TEST_BAND: {
			int b = vocab_band_index(f->band);
			fired = b >= 0 && (x->bands & (1u << b));
			break;
		}
		case POLICY_TEST_CUTOFF:
			seen = f->pd;
			fired = profile_decision(f->pd, out->cutoff_pd) == DECISION_DECLINE;
			break;
		case POLICY_TEST_NEAR_CUTOFF:
			if (out->cutoff_score) {
				seen = f->score - out->cutoff_score;
				fired = fabs(seen) <= x->points;
			}
			break;
		case POLICY_TESTS: break;
		}
		if (!fired)
			continue;
		out->fired[out->nfired++] = (struct policy_fired){r, seen};
		declined |= x->action == POLICY_DECLINE;
		referred |= x->action == POLICY_REFER;
	}
	out->status = declined   ? REQUEST_DECISION_DECLINED
		      : referred ? REQUEST_DECISION_REFERRED
				 : REQUEST_DECISION_APPROVED;
}

void policy_fired_json(const struct rd_policy *p, const struct policy_decision *d, struct rd_buf *b)
{
	buf_putc(b, '[');
	for (int i = 0; i < d->nfired; i++) {
		const struct policy_rule *r = &p->rules[d->fired[i].rule];
		buf_puts(b, i ? ",{\"code\":" : "{\"code\":");
		buf_json_string(b, r->code);
		buf_puts(b, ",\"action\":\"");
		buf_puts(b, vocab_name(&vocab_policy_action, (int)r->action));
		buf_puts(b, "\",\"text\":");
		buf_json_string(b, r->text);
		if (!isnan(d->fired[i].value)) {
			buf_puts(b, ",\"value\":");
			buf_json_number(b, d->fired[i].value);
		}
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
}

void policy_fired_codes(const struct rd_policy *p, const struct policy_decision *d,
			struct rd_buf *b)
{
	for (int i = 0; i < d->nfired; i++)
		buf_printf(b, "%s%s", i ? " " : "", p->rules[d->fired[i].rule].code);
	if (!b->data)
		buf_puts(b, "");
}
