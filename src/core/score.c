/* Scores, bands, PD scaling and the rules model (SPEC section 5). */
#include "riskdesk/score.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/jsondoc.h"

const struct score_scaling score_scaling_default = {600.0, 19.0, 50.0, {800, 700, 600, 500}};

double score_from_pd(const struct score_scaling *s, double pd)
{
	if (pd <= 0)
		return SCORE_MAX;
	if (pd >= 1)
		return SCORE_MIN;
	double odds = (1 - pd) / pd;
	return s->base_score + s->pdo / M_LN2 * log(odds / s->base_odds);
}

double pd_from_score(const struct score_scaling *s, double score)
{
	double odds = s->base_odds * exp2((score - s->base_score) / s->pdo);
	return 1.0 / (1.0 + odds);
}

int score_clamp(double raw)
{
	double r = round(raw); /* half away from zero */
	if (!(r >= SCORE_MIN)) /* also NaN */
		return SCORE_MIN;
	if (r > SCORE_MAX)
		return SCORE_MAX;
	return (int)r;
}

char score_band(int score)
{
	return score_band_of(&score_scaling_default, score);
}

char score_band_of(const struct score_scaling *s, int score)
{
	int b = 0;
	while (b < SCORE_BANDS - 1 && score < s->bands[b])
		b++;
	return vocab_band_letter(b);
}

int score_scaling_same(const struct score_scaling *s, const struct score_scaling *t)
{
	return s->base_score == t->base_score && s->base_odds == t->base_odds && s->pdo == t->pdo &&
	       memcmp(s->bands, t->bands, sizeof s->bands) == 0;
}

int score_bands_default(const int bands[SCORE_BANDS - 1])
{
	return memcmp(bands, score_scaling_default.bands, sizeof score_scaling_default.bands) == 0;
}

int score_bands_parse(const char *text, int bands[SCORE_BANDS - 1], struct rd_err *err)
{
	const char *p = text;
	for (int k = 0; k < SCORE_BANDS - 1; k++) {
		char *end;
		long v = strtol(p, &end, 10);
		int last = k == SCORE_BANDS - 2;
		if (end == p || (last ? *end != '\0' : *end != ',') || v <= SCORE_MIN ||
		    v > SCORE_MAX || (k > 0 && v >= bands[k - 1])) {
			rd_err_set(err,
				   "band edges must be 4 whole scores, the lowest of A, B, C and D,"
				   " strictly decreasing from at most %d to above %d (SPEC's:"
				   " 800,700,600,500)",
				   SCORE_MAX, SCORE_MIN);
			return -1;
		}
		bands[k] = (int)v;
		p = end + 1;
	}
	return 0;
}

const char *score_risk_level(char band)
{
	return vocab_name(&vocab_risk_level, (int)vocab_band_risk(vocab_band_index(band)));
}

/* A number member within [-RULES_VALUE_MAX, RULES_VALUE_MAX]. 0, 1 when absent and not
 * required, or -1 with err. */
static int get_number(const cJSON *o, const char *key, double *out, int required, const char *where,
		      struct rd_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v) {
		if (required)
			rd_err_set(err, "%s: '%s' is missing", where, key);
		return required ? -1 : 1;
	}
	if (!cJSON_IsNumber(v) || !(fabs(v->valuedouble) <= RULES_VALUE_MAX)) {
		rd_err_set(err, "%s: '%s' must be a number from %g to %g", where, key,
			   -RULES_VALUE_MAX, RULES_VALUE_MAX);
		return -1;
	}
	*out = v->valuedouble;
	return 0;
}

int rules_parse(const char *json, struct rules_model *m, struct rd_err *err)
{
	memset(m, 0, sizeof *m);
	cJSON *root = json ? jsondoc_parse(json, strlen(json), "rules", err) : NULL;
	int rc = -1;
	if (!root || !cJSON_IsObject(root)) {
		if (root || !json)
			rd_err_set(err, "rules: not a JSON object");
		goto out;
	}
	if (get_number(root, "baseline", &m->baseline, 1, "rules", err))
		goto out;
	const cJSON *terms = cJSON_GetObjectItemCaseSensitive(root, "terms");
	if (!cJSON_IsArray(terms)) {
		rd_err_set(err, "rules: 'terms' must be an array");
		goto out;
	}
	const cJSON *t;
	cJSON_ArrayForEach(t, terms)
	{
		char where[64];
		snprintf(where, sizeof where, "rules: terms[%d]", m->nterms);
		if (m->nterms == RULES_MAX_TERMS) {
			rd_err_set(err, "rules: more than %d terms", RULES_MAX_TERMS);
			goto out;
		}
		struct rules_term *rt = &m->terms[m->nterms];
		const cJSON *f = cJSON_GetObjectItemCaseSensitive(t, "feature");
		if (!cJSON_IsObject(t) || !cJSON_IsString(f)) {
			rd_err_set(err, "%s: 'feature' must be a feature name", where);
			goto out;
		}
		rt->feature = feature_index(f->valuestring);
		if (rt->feature < 0) {
			rd_err_set(err, "%s: unknown feature '%.100s'", where, f->valuestring);
			goto out;
		}
		rt->divisor = 1;
		if (get_number(t, "weight", &rt->weight, 1, where, err) ||
		    get_number(t, "divisor", &rt->divisor, 0, where, err) < 0)
			goto out;
		if (!(fabs(rt->divisor) >= RULES_DIVISOR_MIN)) {
			rd_err_set(err, "%s: 'divisor' must be at least %g away from 0", where,
				   RULES_DIVISOR_MIN);
			goto out;
		}
		int cap = get_number(t, "cap", &rt->cap, 0, where, err);
		if (cap < 0)
			goto out;
		rt->has_cap = cap == 0;
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(t, "code");
		const cJSON *text = cJSON_GetObjectItemCaseSensitive(t, "text");
		const char *cs = cJSON_IsString(code) ? code->valuestring
						      : feature_names[rt->feature];
		/* A code is a reason's identity: never cut, never shared by two terms. */
		if (!*cs || strlen(cs) >= sizeof rt->code) {
			rd_err_set(err, "%s: 'code' must be 1 to %zu bytes", where,
				   sizeof rt->code - 1);
			goto out;
		}
		for (int k = 0; k < m->nterms; k++) {
			if (strcmp(m->terms[k].code, cs) == 0) {
				rd_err_set(err, "%s: code '%.100s' is also terms[%d]'s", where, cs,
					   k);
				goto out;
			}
		}
		snprintf(rt->code, sizeof rt->code, "%s", cs);
		snprintf(rt->text, sizeof rt->text, "%s",
			 cJSON_IsString(text) ? text->valuestring : feature_names[rt->feature]);
		m->nterms++;
	}
	rc = 0;
out:
	cJSON_Delete(root);
	return rc;
}

char *rules_to_json(const struct rules_model *m)
{
	struct rd_buf b = {0};
	buf_puts(&b, "{\n  \"baseline\": ");
	buf_json_number(&b, m->baseline);
	buf_puts(&b, ",\n  \"terms\": [");
	for (int i = 0; i < m->nterms; i++) {
		const struct rules_term *t = &m->terms[i];
		buf_puts(&b, i ? ",\n    {" : "\n    {");
		buf_puts(&b, "\"feature\": ");
		buf_json_string(&b, feature_names[t->feature]);
		if (t->divisor != 1) {
			buf_puts(&b, ", \"divisor\": ");
			buf_json_number(&b, t->divisor);
		}
		buf_puts(&b, ", \"weight\": ");
		buf_json_number(&b, t->weight);
		if (t->has_cap) {
			buf_puts(&b, ", \"cap\": ");
			buf_json_number(&b, t->cap);
		}
		buf_puts(&b, ", \"code\": ");
		buf_json_string(&b, t->code);
		buf_puts(&b, ", \"text\": ");
		buf_json_string(&b, t->text);
		buf_putc(&b, '}');
	}
	buf_puts(&b, "\n  ]\n}\n");
	return buf_steal(&b);
}

static int reason_cmp(const void *a, const void *b)
{
	const struct rd_reason *x = a, *y = b;
	if (x->points != y->points)
		return x->points < y->points ? 1 : -1;
	return x->feature - y->feature; /* ties in a fixed order */
}

double rules_score(const struct rules_model *m, const double *f, struct rd_score *out)
{
	double raw = m->baseline;
	struct rd_reason lost[RULES_MAX_TERMS];
	int nlost = 0;
	for (int i = 0; i < m->nterms; i++) {
		const struct rules_term *t = &m->terms[i];
		double v = f[t->feature];
		double pts = v / t->divisor * t->weight;
		/* Points lost: a capped reward's shortfall from its cap; a penalty's size. */
		double missed = 0;
		if (t->has_cap) {
			if (pts > t->cap)
				pts = t->cap;
			missed = t->cap - pts;
		} else if (pts < 0) {
			missed = -pts;
		}
		raw += pts;
		if (missed > 0.005) {
			struct rd_reason *r = &lost[nlost++];
			snprintf(r->code, sizeof r->code, "%s", t->code);
			snprintf(r->text, sizeof r->text, "%s", t->text);
			r->feature = t->feature;
			snprintf(r->name, sizeof r->name, "%s", feature_names[t->feature]);
			r->level[0] = '\0';
			r->value = v;
			r->points = missed;
		}
	}
	out->score = score_clamp(raw);
	out->band = score_band(out->score);
	out->risk_level = score_risk_level(out->band);
	out->pd = pd_from_score(&score_scaling_default, out->score);
	qsort(lost, (size_t)nlost, sizeof *lost, reason_cmp);
	out->nreasons = nlost < REASONS_MAX ? nlost : REASONS_MAX;
	memcpy(out->reasons, lost, (size_t)out->nreasons * sizeof *lost);
	return raw;
}
