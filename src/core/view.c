/* The Profile and Activity panes' reading of one customer: the customer, its profile
 * through profile.h, its attributes and which of them the scoring model reads, its score
 * history and its activity counts. */
#include "riskdesk/view.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/features.h"
#include "riskdesk/label.h"
#include "riskdesk/strmap.h"
#include "riskdesk/vocab.h"

/* The profile's part of the view, in the fields the Profile pane draws. */
static void view_fill_profile(struct customer_view *v, const struct rd_profile *p)
{
	v->has_profile = 1;
	v->score = p->head.score;
	v->band = p->head.band;
	v->pd = p->head.pd;
	snprintf(v->risk_level, sizeof v->risk_level, "%s",
		 p->risk >= 0 ? vocab_name(&vocab_risk_level, p->risk) : "");
	snprintf(v->segment, sizeof v->segment, "%s",
		 p->head.segment >= 0 ? vocab_name(&vocab_segment, p->head.segment) : "");
	profile_model_label(p->model_name, p->model_version, v->model, sizeof v->model);
	snprintf(v->algo, sizeof v->algo, "%s", p->algo);
	v->cutoff_pd = p->cutoff_pd;
	v->ncomponents = p->ncomponents;
	for (int k = 0; k < p->ncomponents; k++) {
		const struct profile_component *c = &p->comp[k];
		snprintf(v->comp[k].model, sizeof v->comp[k].model, "%s@%d",
			 c->name[0] ? c->name : "?", c->version);
		v->comp[k].score = c->score;
		v->comp[k].weight = c->weight;
		v->comp[k].raw = c->raw;
		v->comp[k].pd = c->pd;
	}
	v->raw = p->raw;
	snprintf(v->computed_at, sizeof v->computed_at, "%s", p->computed_at);
	snprintf(v->as_of, sizeof v->as_of, "%s", p->as_of);
	snprintf(v->last_activity, sizeof v->last_activity, "%s", p->head.last_activity);
	v->nreasons = p->nreasons;
	memcpy(v->reasons, p->reasons, (size_t)p->nreasons * sizeof *p->reasons);
	v->path_reasons = p->path_reasons;
	/* The pane shows 0 for a feature the row lacks, as it always has. */
	for (int i = 0; i < FEAT_COUNT; i++)
		v->features[i] = isnan(p->features[i]) ? 0 : p->features[i];
}

static void copy_col(char *dst, size_t n, sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	snprintf(dst, n, "%s", t ? (const char *)t : "");
}

/* copy_col for source data shown on one line: control characters become '?'. */
static void copy_line(char *dst, size_t n, sqlite3_stmt *s, int i)
{
	copy_col(dst, n, s, i);
	for (; *dst; dst++)
		if ((unsigned char)*dst < 0x20 || *dst == 0x7f)
			*dst = '?';
}

/* The names a model reads: a trained model's columns, the rules model's terms. */
struct inputs {
	char **name; /* owned */
	int n;
	unsigned char *matched;  /* a feature or a stored attribute has it */
	struct rd_strmap *index; /* name -> index in name */
};

static void inputs_free(struct inputs *in)
{
	for (int i = 0; i < in->n; i++)
		free(in->name[i]);
	free(in->name);
	free(in->matched);
	strmap_free(in->index);
}

/* Adds the inputs of model name@version (nothing when the registry has no such model). */
static int inputs_add(struct rd_store *st, const char *name, int version, struct inputs *in,
		      struct rd_err *err)
{
	sqlite3_stmt *s;
	/* One parse of the specification (an xgb one is large): its columns and terms as
	 * [columns, terms], then the names from that small array. */
	if (store_prepare(st,
			  "WITH m(a) AS (SELECT CASE WHEN json_valid(spec) THEN"
			  " json_extract(spec, '$.columns', '$.terms') END"
			  " FROM models WHERE name = ?1 AND version = ?2)"
			  " SELECT json_extract(c.value, '$.name') FROM m, json_each(m.a, '$[0]') c"
			  " UNION ALL SELECT json_extract(t.value, '$.feature')"
			  " FROM m, json_each(m.a, '$[1]') t",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, version);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *col = (const char *)sqlite3_column_text(s, 0);
		if (!col || !strmap_put(in->index, col, strlen(col), in->n))
			continue;
		in->name = rd_realloc(in->name, (size_t)(in->n + 1) * sizeof *in->name);
		in->name[in->n++] = rd_strdup(col);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, "model inputs");
}

/* The inputs of the model that scored the profile, or of each of a blend's members. */
static int read_inputs(struct rd_store *st, const struct rd_profile *p, struct inputs *in,
		       struct rd_err *err)
{
	in->index = strmap_new(64);
	if (p->ncomponents == 0)
		return inputs_add(st, p->model_name, p->model_version, in, err);
	for (int k = 0; k < p->ncomponents; k++)
		if (inputs_add(st, p->comp[k].name, p->comp[k].version, in, err))
			return -1;
	return 0;
}

static int attr_order(const void *a, const void *b)
{
	const struct view_attribute *x = a, *y = b;
	if (x->input != y->input)
		return y->input - x->input;
	return strcmp(x->name, y->name);
}

/* The stored attributes with their labels, and the inputs marked: the model's inputs are
 * always kept, the others while there is room. */
static int read_attributes(struct rd_store *st, const char *id, struct inputs *in,
			   struct customer_view *v, struct rd_err *err)
{
	sqlite3_stmt *s;
	/* A model that takes the kind has it among its inputs (customer_inputs). */
#define ATTRIBUTES_FROM(table)                                                                     \
	"SELECT a.name, a.value, coalesce((SELECT l.label FROM attribute_labels l"                 \
	" WHERE l.name = a.name AND l.value = a.value AND a.value <> ''),"                         \
	" (SELECT l.label FROM attribute_labels l WHERE l.name = a.name AND"                       \
	" l.value = '')) FROM " table " a WHERE a.customer_id = ?1 ORDER BY a.name"
	int takes_kind = in->index && strmap_get(in->index, KIND_INPUT, strlen(KIND_INPUT)) >= 0;
	if (store_prepare(st,
			  takes_kind ? ATTRIBUTES_FROM("customer_inputs")
				     : ATTRIBUTES_FROM("customer_attributes"),
			  &s, err))
		return -1;
#undef ATTRIBUTES_FROM
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	int room = VIEW_ATTRIBUTES_MAX -
		   (in->n < VIEW_ATTRIBUTES_MAX ? in->n : VIEW_ATTRIBUTES_MAX);
	int others = 0, rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(s, 0);
		int64_t k = name && in->index ? strmap_get(in->index, name, strlen(name)) : -1;
		if (k >= 0)
			in->matched[k] = 1;
		if (v->nattr == VIEW_ATTRIBUTES_MAX || (k < 0 && others == room)) {
			v->attr_hidden++;
			continue;
		}
		others += k < 0;
		struct view_attribute *a = &v->attr[v->nattr++];
		copy_line(a->name, sizeof a->name, s, 0);
		copy_line(a->value, sizeof a->value, s, 1);
		const char *label = (const char *)sqlite3_column_text(s, 2);
		snprintf(a->label, sizeof a->label, "%s", label && rd_label_ok(label) ? label : "");
		a->input = k >= 0;
		a->missing = !a->value[0];
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "customer attributes");
	/* The inputs that are neither a feature nor stored for this customer. */
	for (int k = 0; k < in->n && v->nattr < VIEW_ATTRIBUTES_MAX; k++) {
		if (in->matched[k])
			continue;
		struct view_attribute *a = &v->attr[v->nattr++];
		snprintf(a->name, sizeof a->name, "%s", in->name[k]);
		a->input = a->missing = 1;
	}
	qsort(v->attr, (size_t)v->nattr, sizeof *v->attr, attr_order);
	return 0;
}

/* The latest VIEW_HISTORY_MAX scores, oldest first, with their days. */
static int read_history(struct rd_store *st, const char *id, struct customer_view *v,
			struct rd_err *err)
{
	sqlite3_stmt *s;
	/* Through score_history_customer (customer_id, id). */
	if (store_prepare(st,
			  "SELECT score, substr(computed_at, 1, 10) FROM (SELECT id, score, "
			  "computed_at"
			  " FROM score_history WHERE customer_id = ?1 ORDER BY id DESC LIMIT ?2)"
			  " ORDER BY id",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, VIEW_HISTORY_MAX);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && v->nhistory < VIEW_HISTORY_MAX) {
		v->history[v->nhistory] = sqlite3_column_int(s, 0);
		copy_line(v->history_day[v->nhistory], sizeof v->history_day[0], s, 1);
		v->nhistory++;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, "score history");
}

/* The outcome's source, and whether a model that scored the profile learnt from proxy
 * labels (the one named by the profile or any of its components). */
static int read_labels(struct rd_store *st, const char *id, struct customer_view *v,
		       struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(
		    st,
		    "SELECT (SELECT source FROM outcomes WHERE customer_id = ?1),"
		    " (SELECT m.metrics FROM credit_profiles_full p, models m"
		    " WHERE p.customer_id = ?1 AND CASE WHEN json_valid(m.metrics) THEN"
		    " json_extract(m.metrics, '$.label_source.source') END IN ('proxy', 'mixed')"
		    " AND ((m.name = p.model_name AND m.version = p.model_version)"
		    " OR EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(p.components)"
		    " THEN p.components END) c WHERE json_extract(c.value, '$.model') = m.name"
		    " AND json_extract(c.value, '$.version') = m.version)) LIMIT 1)",
		    &s, err))
		return -1;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		copy_col(v->outcome_source, sizeof v->outcome_source, s, 0);
		if (sqlite3_column_type(s, 1) != SQLITE_NULL)
			label_source_describe((const char *)sqlite3_column_text(s, 1),
					      v->label_source, sizeof v->label_source);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : store_fail(st, err, "customer");
}

int view_customer(struct rd_store *st, const char *id, struct customer_view *v, struct rd_err *err)
{
	sqlite3_stmt *s = NULL;
	struct rd_profile *p = NULL;
	struct inputs in = {0};
	int rc = -1;
	memset(v, 0, sizeof *v);
	v->defaulted = -1;
	v->cutoff_pd = v->raw = NAN;
	if (store_prepare(st,
			  "SELECT c.id, c.name, c.email, c.phone, c.kind, c.created_at, "
			  "o.defaulted,"
			  " (SELECT count(*) FROM customer_attributes a WHERE a.customer_id = c.id)"
			  " FROM customers c LEFT JOIN outcomes o ON o.customer_id = c.id"
			  " WHERE c.id = ?1",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(s);
	if (step == SQLITE_DONE) {
		rc = 1;
		goto out;
	}
	if (step != SQLITE_ROW) {
		store_fail(st, err, "customer");
		goto out;
	}
	copy_col(v->id, sizeof v->id, s, 0);
	copy_col(v->name, sizeof v->name, s, 1);
	copy_col(v->email, sizeof v->email, s, 2);
	copy_col(v->phone, sizeof v->phone, s, 3);
	copy_col(v->kind, sizeof v->kind, s, 4);
	copy_col(v->created_at, sizeof v->created_at, s, 5);
	if (sqlite3_column_type(s, 6) != SQLITE_NULL)
		v->defaulted = sqlite3_column_int(s, 6);
	v->nattributes = sqlite3_column_int(s, 7);
	p = rd_malloc(sizeof *p);
	int got = profile_read(st, id, p, err);
	if (got < 0)
		goto out;
	if (got == 0) {
		view_fill_profile(v, p);
		if (read_inputs(st, p, &in, err))
			goto out;
		for (int k = 0; k < in.n; k++) {
			int f = feature_index(in.name[k]);
			if (f >= 0)
				v->feature_input[f] = 1;
		}
		v->ninputs = in.n;
	}
	in.matched = rd_calloc((size_t)in.n + 1, 1);
	for (int k = 0; k < in.n; k++)
		in.matched[k] = feature_index(in.name[k]) >= 0;
	if (read_attributes(st, id, &in, v, err) || read_history(st, id, v, err) ||
	    read_labels(st, id, v, err))
		goto out;
	rc = 0;
out:
	sqlite3_finalize(s);
	inputs_free(&in);
	free(p);
	return rc;
}

int view_activity_count(struct rd_store *st, const char *id, struct view_activity *out,
			struct rd_err *err)
{
	sqlite3_stmt *s;
	memset(out, 0, sizeof *out);
	/* Through orders_customer and payments_customer. */
	if (store_prepare(st,
			  "SELECT (SELECT count(*) FROM orders WHERE customer_id = ?1),"
			  " count(*), count(*) FILTER (WHERE success = 0) FROM payments"
			  " WHERE customer_id = ?1",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		out->orders = sqlite3_column_int64(s, 0);
		out->payments = sqlite3_column_int64(s, 1);
		out->failed = sqlite3_column_int64(s, 2);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : store_fail(st, err, "activity");
}

const char *view_feature_text(int f, double v, char *buf, size_t n)
{
	if (isnan(v)) {
		snprintf(buf, n, "-");
		return buf;
	}
	switch (f) {
	case FEAT_RETURN_RATE:
	case FEAT_CANCEL_RATE:
	case FEAT_FAILED_PAYMENT_RATE:
	case FEAT_COD_SHARE: snprintf(buf, n, "%.1f%%", v * 100); break;
	case FEAT_TOTAL_SPEND:
	case FEAT_AVG_ORDER_VALUE:
	case FEAT_MONETARY_90D:
	case FEAT_AMOUNT_STD: snprintf(buf, n, "%.2f", v); break;
	default: snprintf(buf, n, "%.0f", v); break;
	}
	return buf;
}

int view_band_counts(struct rd_store *st, int64_t counts[5], int64_t *unscored, struct rd_err *err)
{
	sqlite3_stmt *s;
	memset(counts, 0, 5 * sizeof *counts);
	/* The band index makes each count a range scan of the index only. */
	if (store_prepare(st, "SELECT band, count(*) FROM credit_profiles GROUP BY band", &s, err))
		return -1;
	int64_t scored = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		const unsigned char *b = sqlite3_column_text(s, 0);
		int k = b ? vocab_band_index(b[0]) : -1;
		if (k >= 0) {
			counts[k] = sqlite3_column_int64(s, 1);
			scored += counts[k];
		}
	}
	sqlite3_finalize(s);
	*unscored = store_int(st, "SELECT count(*) FROM customers", 0) - scored;
	return 0;
}
