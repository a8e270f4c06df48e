/* Champion models and routing (profile.c writes what they score). */
#include "riskdesk/engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/blend.h"
#include "riskdesk/model.h"

struct champion {
	char *name;
	int version;
	double weight;
	int pos[BLEND_ROUTES]; /* its place in each route's serve[], or -1 */
	struct rd_model *m;
	int *attr_slot; /* per model column: its attribute slot, or -1 for a feature */
};

struct rd_engine {
	struct rd_store *st;
	struct rules_model rules; /* the rules champion: the fallback */
	char *rules_name;
	int rules_version;
	struct blend serve[BLEND_ROUTES]; /* who serves each route (blend_route) */
	struct champion *champ;           /* the members of any, each once */
	int nchamp;
	struct rd_strmap *slots; /* attribute name -> slot, for the attributes models use */
	int nslots;
	int by_kind;            /* routes depend on the kind: each customer's is read */
	sqlite3_stmt *attrs;    /* one customer's attributes (and kind, when a model takes it) */
	sqlite3_stmt *kind;     /* one customer's kind, when by_kind */
	struct rd_score *parts; /* the last batch's component scores (engine_component.detail) */
	size_t nparts;
	struct engine_override *overrides; /* what-if: attributes every customer is given */
	int noverrides;
};

struct engine_override {
	int slot;
	char *text; /* NULL: missing */
	double num; /* NaN unless the text reads as a number */
};

static int load_rules(struct rd_engine *e, struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(e->st,
			  "SELECT name, version, spec FROM models WHERE name = 'rules' AND algo = "
			  "'rules'"
			  " AND status = 'champion' ORDER BY version DESC LIMIT 1",
			  &s, err))
		return -1;
	int rc = -1;
	if (sqlite3_step(s) != SQLITE_ROW) {
		rd_err_set(err, "no rules model is champion (see 'rules import')");
	} else {
		e->rules_name = rd_strdup((const char *)sqlite3_column_text(s, 0));
		e->rules_version = sqlite3_column_int(s, 1);
		rc = rules_parse((const char *)sqlite3_column_text(s, 2), &e->rules, err);
	}
	sqlite3_finalize(s);
	return rc;
}

/* The champion for member m of serve[seg], parsed once however many segments it serves. */
static int add_champion(struct rd_engine *e, int seg, int pos, const struct blend_member *bm,
			struct rd_err *err)
{
	for (int i = 0; i < e->nchamp; i++) {
		if (strcmp(e->champ[i].name, bm->name) == 0 && e->champ[i].version == bm->version) {
			e->champ[i].pos[seg] = pos;
			return 0;
		}
	}
	sqlite3_stmt *s;
	if (store_prepare(e->st, "SELECT spec FROM models WHERE name = ?1 AND version = ?2", &s,
			  err))
		return -1;
	sqlite3_bind_text(s, 1, bm->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, bm->version);
	struct rd_model *m = NULL;
	if (sqlite3_step(s) == SQLITE_ROW)
		m = model_parse((const char *)sqlite3_column_text(s, 0), err);
	else
		rd_err_set(err, "not found");
	sqlite3_finalize(s);
	if (!m) {
		char msg[sizeof err->msg];
		snprintf(msg, sizeof msg, "%s", err->msg);
		rd_err_set(err, "champion %s@%d: %s", bm->name, bm->version, msg);
		return -1;
	}
	char what[160];
	snprintf(what, sizeof what, "champion %.100s@%d: its weight", bm->name, bm->version);
	if (model_weight_check(bm->weight, what, err)) {
		model_free(m);
		return -1;
	}
	e->champ = rd_realloc(e->champ, (size_t)(e->nchamp + 1) * sizeof *e->champ);
	struct champion *c = &e->champ[e->nchamp++];
	c->name = rd_strdup(bm->name);
	c->version = bm->version;
	c->weight = bm->weight;
	for (int k = 0; k < BLEND_ROUTES; k++)
		c->pos[k] = -1;
	c->pos[seg] = pos;
	c->m = m;
	c->attr_slot = rd_malloc((size_t)m->ncols * sizeof *c->attr_slot);
	for (int k = 0; k < m->ncols; k++) {
		const char *col = m->cols[k].name;
		if (m->cols[k].feature >= 0) {
			c->attr_slot[k] = -1;
			continue;
		}
		int64_t slot = strmap_get(e->slots, col, strlen(col));
		if (slot < 0) {
			slot = e->nslots++;
			strmap_put(e->slots, col, strlen(col), slot);
		}
		c->attr_slot[k] = (int)slot;
	}
	return 0;
}

/* The champions of serve[] (filled by the caller), each parsed once. */
static int load_champions(struct rd_engine *e, struct rd_err *err)
{
	for (int r = 0; r < BLEND_ROUTES; r++)
		for (int k = 0; k < e->serve[r].n; k++)
			if (add_champion(e, r, k, &e->serve[r].m[k], err))
				return -1;
	return 0;
}

/* An engine serving by who (blend_serving, or one model), NULL with err. */
static struct rd_engine *engine_make(struct rd_store *st, const char *name, int version,
				     struct rd_err *err)
{
	struct rd_engine *e = rd_calloc(1, sizeof *e);
	e->st = st;
	e->slots = strmap_new(16);
	int who = name ? blend_single(st, name, version, e->serve, err)
		       : blend_serving(st, e->serve, err);
	if (who || load_rules(e, err) || load_champions(e, err))
		goto fail;
	e->by_kind = blend_by_kind(e->serve);
	/* A model that takes the kind reads it with the attributes (customer_inputs). */
	int takes_kind = strmap_get(e->slots, KIND_INPUT, strlen(KIND_INPUT)) >= 0;
	if ((e->nslots &&
	     store_prepare(st,
			   takes_kind ? "SELECT name, value, num FROM customer_inputs"
					" WHERE customer_id = ?1"
				      : "SELECT name, value, num FROM customer_attributes"
					" WHERE customer_id = ?1",
			   &e->attrs, err)) ||
	    (e->by_kind &&
	     store_prepare(st, "SELECT kind FROM customers WHERE id = ?1", &e->kind, err)))
		goto fail;
	return e;
fail:
	engine_free(e);
	return NULL;
}

struct rd_engine *engine_load(struct rd_store *st, struct rd_err *err)
{
	return engine_make(st, NULL, 0, err);
}

struct rd_engine *engine_load_model(struct rd_store *st, const char *name, int version,
				    struct rd_err *err)
{
	return engine_make(st, name, version, err);
}

void engine_free(struct rd_engine *e)
{
	if (!e)
		return;
	for (int i = 0; i < e->nchamp; i++) {
		free(e->champ[i].name);
		free(e->champ[i].attr_slot);
		model_free(e->champ[i].m);
	}
	free(e->champ);
	free(e->parts);
	for (int i = 0; i < e->noverrides; i++)
		free(e->overrides[i].text);
	free(e->overrides);
	free(e->rules_name);
	strmap_free(e->slots);
	sqlite3_finalize(e->attrs);
	sqlite3_finalize(e->kind);
	free(e);
}

void engine_rank_reasons(struct rd_engine *e)
{
	for (int c = 0; c < e->nchamp; c++)
		e->champ[c].m->rank_only = 1;
}

int engine_has_trained(const struct rd_engine *e)
{
	return e->nchamp > 0;
}

enum rd_segment engine_segment_of(const double *f)
{
	return f[FEAT_ORDERS_DELIVERED] < SEGMENT_NEW_BELOW ? SEGMENT_NEW : SEGMENT_EXISTING;
}

const char *engine_segment(const double *f)
{
	return vocab_name(&vocab_segment, (int)engine_segment_of(f));
}

/* The attributes of a batch: per customer and slot, the text and the number. */
struct batch_attrs {
	char **text; /* n * nslots, owned, NULL when absent */
	double *num; /* n * nslots, NaN when absent */
};

static int read_attrs(struct rd_engine *e, size_t n, const char *const *ids, struct batch_attrs *a,
		      struct rd_err *err)
{
	size_t cells = n * (size_t)e->nslots;
	a->text = rd_calloc(cells ? cells : 1, sizeof *a->text);
	a->num = rd_malloc((cells ? cells : 1) * sizeof *a->num);
	for (size_t i = 0; i < cells; i++)
		a->num[i] = NAN;
	for (size_t i = 0; i < n && e->nslots; i++) {
		sqlite3_bind_text(e->attrs, 1, ids[i], -1, SQLITE_STATIC);
		int rc;
		while ((rc = sqlite3_step(e->attrs)) == SQLITE_ROW) {
			const char *name = (const char *)sqlite3_column_text(e->attrs, 0);
			int64_t slot = strmap_get(e->slots, name, strlen(name));
			if (slot < 0)
				continue;
			size_t cell = i * (size_t)e->nslots + (size_t)slot;
			const char *v = (const char *)sqlite3_column_text(e->attrs, 1);
			if (v && *v) /* empty is missing, as in training */
				a->text[cell] = rd_strdup(v);
			if (sqlite3_column_type(e->attrs, 2) != SQLITE_NULL)
				a->num[cell] = sqlite3_column_double(e->attrs, 2);
		}
		sqlite3_reset(e->attrs);
		if (rc != SQLITE_DONE)
			return store_fail(e->st, err, "reading attributes");
		for (int k = 0; k < e->noverrides; k++) {
			size_t cell = i * (size_t)e->nslots + (size_t)e->overrides[k].slot;
			free(a->text[cell]);
			a->text[cell] = e->overrides[k].text ? rd_strdup(e->overrides[k].text)
							     : NULL;
			a->num[cell] = e->overrides[k].num;
		}
	}
	return 0;
}

int engine_override_attribute(struct rd_engine *e, const char *name, const char *value)
{
	int64_t slot = strmap_get(e->slots, name, strlen(name));
	if (slot < 0)
		return -1;
	e->overrides = rd_realloc(e->overrides, (size_t)(e->noverrides + 1) * sizeof *e->overrides);
	struct engine_override *o = &e->overrides[e->noverrides++];
	o->slot = (int)slot;
	o->text = value && *value ? rd_strdup(value) : NULL; /* empty is missing, as loaded */
	if (!o->text || num_parse(value, strlen(value), &o->num))
		o->num = NAN;
	return 0;
}

/* The kind of each customer of a batch, when routes depend on it; else individual (what
 * a customer is unless its file says otherwise), which no route then tells apart. */
static int read_kinds(struct rd_engine *e, size_t n, const char *const *ids,
		      struct engine_result *out, struct rd_err *err)
{
	for (size_t i = 0; i < n; i++) {
		out[i].kind = KIND_INDIVIDUAL;
		if (!e->by_kind)
			continue;
		sqlite3_bind_text(e->kind, 1, ids[i], -1, SQLITE_STATIC);
		int rc = sqlite3_step(e->kind);
		if (rc == SQLITE_ROW) {
			int k = vocab_find(&vocab_kind,
					   (const char *)sqlite3_column_text(e->kind, 0));
			out[i].kind = k < 0 ? KIND_INDIVIDUAL : (enum rd_customer_kind)k;
		}
		sqlite3_reset(e->kind);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return store_fail(e->st, err, "reading customers' kinds");
	}
	return 0;
}

/* The route (blend_route) of result r. */
static int route_of(const struct engine_result *r)
{
	return blend_route(r->kind, r->segment);
}

static void free_attrs(struct batch_attrs *a, size_t cells)
{
	for (size_t i = 0; a->text && i < cells; i++)
		free(a->text[i]);
	free(a->text);
	free(a->num);
}

/* Reasons of several components: points lost weighted by share, summed per code. */
static void merge_reasons(struct engine_result *r, struct rd_score *const *parts, int nparts,
			  double total_weight)
{
	struct rd_reason all[ENGINE_MAX_CHAMPIONS * REASONS_MAX];
	int n = 0;
	for (int k = 0; k < nparts; k++) {
		double share = r->comp[k].weight / total_weight;
		for (int j = 0; j < parts[k]->nreasons; j++) {
			const struct rd_reason *x = &parts[k]->reasons[j];
			int at;
			for (at = 0; at < n && strcmp(all[at].code, x->code) != 0; at++)
				;
			if (at == n) {
				all[n] = *x;
				all[n++].points = 0;
			}
			all[at].points += share * x->points;
		}
	}
	/* The largest first; at most REASONS_MAX. */
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (all[j].points > all[i].points ||
			    (all[j].points == all[i].points &&
			     strcmp(all[j].code, all[i].code) < 0)) {
				struct rd_reason t = all[i];
				all[i] = all[j];
				all[j] = t;
			}
	r->score.nreasons = n < REASONS_MAX ? n : REASONS_MAX;
	memcpy(r->score.reasons, all, (size_t)r->score.nreasons * sizeof *all);
	r->score.path_reasons = 0;
	for (int k = 0; k < nparts; k++)
		r->score.path_reasons |= parts[k]->path_reasons;
}

/* err = the model's error, naming the model and the first customer with no finite score. */
static void fail_score(const char *name, int version, size_t m, const double *raw,
		       const char *const *ids, const size_t *rows, struct rd_err *err)
{
	char msg[sizeof err->msg];
	snprintf(msg, sizeof msg, "%s", err->msg);
	size_t r = 0;
	while (r < m && isfinite(raw[r]))
		r++;
	if (r < m)
		rd_err_set(err,
			   "model %s@%d gives customer '%.100s' no finite score (%s of its batch);"
			   " nothing was written",
			   name, version, ids[rows[r]], msg);
	else
		rd_err_set(err, "model %s@%d: %s", name, version, msg);
}

int engine_score_batch(struct rd_engine *e, size_t n, const char *const *ids,
		       const double *features, struct engine_result *out, struct rd_err *err)
{
	struct batch_attrs attrs = {0};
	double *raw = NULL, *x = NULL;
	size_t *rows = NULL;
	int rc = -1;
	/* Components of customer i are at i * stride: its blend's members in their order. */
	size_t stride = 0;
	for (int k = 0; k < BLEND_ROUTES; k++)
		if ((size_t)e->serve[k].n > stride)
			stride = (size_t)e->serve[k].n;
	for (size_t i = 0; i < n; i++) {
		out[i].segment = engine_segment_of(features + i * FEAT_COUNT);
		out[i].ncomponents = 0;
		out[i].raw = NAN;
		out[i].cutoff_pd = NAN;
		out[i].scaling = &score_scaling_default;
		out[i].score.path_reasons = 0;
	}
	if (read_kinds(e, n, ids, out, err))
		goto out;
	if (e->nchamp == 0)
		goto rules;
	if (read_attrs(e, n, ids, &attrs, err))
		goto out;
	if (e->nparts < n * stride) {
		free(e->parts);
		e->nparts = n * stride;
		e->parts = rd_malloc(e->nparts * sizeof *e->parts);
	}
	struct rd_score *parts = e->parts;
	raw = rd_malloc(n * stride * sizeof *raw);
	rows = rd_malloc(n * sizeof *rows);
	/* Each champion scores the customers of the segments it serves in one call. */
	for (int c = 0; c < e->nchamp; c++) {
		const struct champion *ch = &e->champ[c];
		int ncols = ch->m->ncols;
		size_t m = 0;
		for (size_t i = 0; i < n; i++)
			if (ch->pos[route_of(&out[i])] >= 0)
				rows[m++] = i;
		if (m == 0)
			continue;
		x = rd_realloc(x, m * (size_t)ncols * sizeof *x);
		for (size_t r = 0; r < m; r++) {
			size_t i = rows[r];
			for (int k = 0; k < ncols; k++) {
				const struct model_column *col = &ch->m->cols[k];
				double v;
				if (col->feature >= 0) {
					v = features[i * FEAT_COUNT + (size_t)col->feature];
				} else {
					size_t cell = i * (size_t)e->nslots +
						      (size_t)ch->attr_slot[k];
					if (col->categorical) {
						int l = model_level(ch->m, k, attrs.text[cell]);
						v = l < 0 ? NAN : l;
					} else {
						v = attrs.num[cell];
					}
				}
				x[r * (size_t)ncols + (size_t)k] = v;
			}
		}
		struct rd_score *sc = rd_malloc(m * sizeof *sc);
		double *rw = rd_calloc(m, sizeof *rw);
		if (model_score(ch->m, x, m, sc, rw, err)) {
			fail_score(ch->name, ch->version, m, rw, ids, rows, err);
			free(sc);
			free(rw);
			goto out;
		}
		for (size_t r = 0; r < m; r++) {
			size_t i = rows[r];
			int route = route_of(&out[i]), k = ch->pos[route];
			const struct blend *b = &e->serve[route];
			size_t at = i * stride + (size_t)k;
			parts[at] = sc[r];
			raw[at] = rw[r];
			out[i].comp[k] = (struct engine_component){ch->name,          ch->version,
								   sc[r].score,       sc[r].pd,
								   ch->weight,        rw[r],
								   b->m[k].cutoff_pd, &parts[at]};
		}
		free(sc);
		free(rw);
	}
	for (size_t i = 0; i < n; i++) {
		struct engine_result *r = &out[i];
		const struct blend *b = &e->serve[route_of(r)];
		int k = b->n;
		if (k == 0)
			continue;
		r->ncomponents = k;
		r->cutoff_pd = b->cutoff_pd;
		r->scaling = &b->m[0].scaling; /* a blend's members share it */
		struct rd_score *part[ENGINE_MAX_CHAMPIONS];
		double wsum = 0, mix = 0;
		for (int j = 0; j < k; j++) {
			part[j] = &parts[i * stride + (size_t)j];
			wsum += r->comp[j].weight;
			mix += r->comp[j].weight * raw[i * stride + (size_t)j];
		}
		if (k == 1) {
			r->score = *part[0];
			r->raw = raw[i * stride];
			r->model_name = r->comp[0].name;
			r->model_version = r->comp[0].version;
			continue;
		}
		r->raw = mix / wsum;
		if (!isfinite(r->raw)) {
			rd_err_set(err,
				   "the weighted mean of %d champions gives customer '%.100s' no"
				   " finite score; nothing was written",
				   k, ids[i]);
			goto out;
		}
		/* The members share one scale (blend_serving): their first's. */
		score_fill(&b->m[0].scaling, r->raw, &r->score);
		merge_reasons(r, part, k, wsum);
		r->model_name = b->label;
		r->model_version = 0;
	}
rules:
	for (size_t i = 0; i < n; i++) {
		if (out[i].ncomponents)
			continue;
		double rr = rules_score(&e->rules, features + i * FEAT_COUNT, &out[i].score);
		if (!isfinite(rr)) {
			rd_err_set(err,
				   "model %s@%d gives customer '%.100s' no finite score (%g);"
				   " nothing was written",
				   e->rules_name, e->rules_version, ids[i], rr);
			goto out;
		}
		out[i].model_name = e->rules_name;
		out[i].model_version = e->rules_version;
	}
	rc = 0;
out:
	free_attrs(&attrs, n * (size_t)e->nslots);
	free(raw);
	free(rows);
	free(x);
	return rc;
}
