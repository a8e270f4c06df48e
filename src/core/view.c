/* The Profile pane's reading of one customer: the customer, and its profile through
 * profile.h. */
#include "riskdesk/view.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/label.h"

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
	/* The pane shows 0 for a feature the row lacks, as it always has. */
	for (int i = 0; i < FEAT_COUNT; i++)
		v->features[i] = isnan(p->features[i]) ? 0 : p->features[i];
}

static void copy_col(char *dst, size_t n, sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	snprintf(dst, n, "%s", t ? (const char *)t : "");
}

/* The outcome's source, and whether a model that scored the profile learnt from proxy
 * labels (the one named by the profile or any of its components). */
static int read_labels(struct rd_store *st, const char *id, struct customer_view *v,
		       struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st,
			  "SELECT (SELECT source FROM outcomes WHERE customer_id = ?1),"
			  " (SELECT m.metrics FROM credit_profiles p, models m"
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
			label_source_describe((const char *)sqlite3_column_text(s, 1), v->label_source,
					      sizeof v->label_source);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : store_fail(st, err, "customer");
}

int view_customer(struct rd_store *st, const char *id, struct customer_view *v, struct rd_err *err)
{
	sqlite3_stmt *s = NULL;
	struct rd_profile *p = NULL;
	int rc = -1;
	memset(v, 0, sizeof *v);
	v->defaulted = -1;
	v->cutoff_pd = v->raw = NAN;
	if (store_prepare(st,
			  "SELECT c.id, c.name, c.email, c.phone, c.kind, c.created_at, o.defaulted,"
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
	if (got == 0)
		view_fill_profile(v, p);
	if (read_labels(st, id, v, err))
		goto out;
	rc = 0;
out:
	sqlite3_finalize(s);
	free(p);
	return rc;
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
