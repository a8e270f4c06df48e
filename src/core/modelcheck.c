/* Pass/fail checks of a trained model (include/riskdesk/modelcheck.h). */
#include "riskdesk/modelcheck.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/drift.h"
#include "riskdesk/engine.h"
#include "riskdesk/features.h"
#include "riskdesk/profile.h"
#include "riskdesk/woe.h"

#define BATCH 2048

const struct modelcheck_limits modelcheck_default_limits = {0.70, 0.20, 0.20, 0.05, 0.25};

static double col_num(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? NAN : sqlite3_column_double(s, i);
}

static void judge(struct modelcheck *c, const char *name, double value, const char *op,
		  double limit)
{
	c->name = name;
	c->value = value;
	c->op = op;
	c->limit = limit;
	if (isnan(value))
		c->result = MODELCHECK_NA;
	else if (strcmp(op, ">=") == 0)
		c->result = value >= limit ? MODELCHECK_PASS : MODELCHECK_FAIL;
	else if (strcmp(op, "<=") == 0)
		c->result = value <= limit ? MODELCHECK_PASS : MODELCHECK_FAIL;
	else
		c->result = value < limit ? MODELCHECK_PASS : MODELCHECK_FAIL;
}

/* The training score distribution (the reference's "score": its bins). */
struct score_ref {
	int nedges;
	double edges[QUANTILE_EDGES];
	double shares[QUANTILE_EDGES + 2]; /* the bins, then missing */
};

static int score_ref_parse(const char *json, struct score_ref *r)
{
	cJSON *doc = json ? cJSON_Parse(json) : NULL;
	const cJSON *sc = cJSON_GetObjectItemCaseSensitive(doc, "score");
	const cJSON *edges = cJSON_GetObjectItemCaseSensitive(sc, "edges");
	const cJSON *shares = cJSON_GetObjectItemCaseSensitive(sc, "shares");
	const cJSON *missing = cJSON_GetObjectItemCaseSensitive(sc, "missing"), *v;
	int ok = cJSON_IsArray(edges) && cJSON_IsArray(shares) &&
		 cJSON_GetArraySize(edges) <= QUANTILE_EDGES &&
		 cJSON_GetArraySize(shares) == cJSON_GetArraySize(edges) + 1;
	memset(r, 0, sizeof *r);
	if (ok) {
		cJSON_ArrayForEach(v, edges) r->edges[r->nedges++] = v->valuedouble;
		int k = 0;
		cJSON_ArrayForEach(v, shares) r->shares[k++] = v->valuedouble;
		r->shares[k] = cJSON_IsNumber(missing) ? missing->valuedouble : 0;
	}
	cJSON_Delete(doc);
	return ok ? 0 : -1;
}

/* Scores the batch and counts each score into its reference bin. */
static int count_batch(struct rd_engine *e, size_t n, char **ids, const double *f,
		       struct engine_result *res, const struct score_ref *ref, size_t *counts,
		       struct rd_err *err)
{
	if (n == 0)
		return 0;
	if (engine_score_batch(e, n, (const char *const *)ids, f, res, err))
		return -1;
	for (size_t i = 0; i < n; i++) {
		int bin = 0;
		for (int k = 0; k < ref->nedges; k++)
			bin += res[i].score.score > ref->edges[k];
		counts[bin]++;
	}
	return 0;
}

/* The score PSI of the model on the current profiles of its segment, *rows of them. */
static int book_psi(struct rd_store *st, const char *name, int version, const char *segment,
		    const struct score_ref *ref, const atomic_int *cancel, double *psi,
		    size_t *rows, struct rd_err *err)
{
	struct rd_engine *e = engine_load_model(st, name, version, err);
	char **ids = rd_calloc(BATCH, sizeof *ids);
	double *f = rd_malloc(BATCH * FEAT_COUNT * sizeof *f);
	struct engine_result *res = rd_malloc(BATCH * sizeof *res);
	size_t counts[QUANTILE_EDGES + 2] = {0}, n = 0;
	sqlite3_stmt *s = NULL;
	int rc = -1, step;
	*rows = 0;
	*psi = NAN;
	/* A kind's model: its customers' profiles; a segment's: the segment's. */
	if (!e ||
	    store_prepare(st,
			  vocab_model_segment_kind(vocab_find(&vocab_model_segment, segment)) >= 0
				  ? "SELECT customer_id, fvec FROM credit_profiles"
				    " WHERE customer_id IN (SELECT id FROM customers WHERE kind = "
				    "?1)"
				    " ORDER BY customer_id"
				  : "SELECT customer_id, fvec FROM credit_profiles"
				    " WHERE ?1 = 'all' OR segment = ?1 ORDER BY customer_id",
			  &s, err))
		goto out;
	sqlite3_bind_text(s, 1, segment, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		free(ids[n]);
		ids[n] = rd_strdup((const char *)sqlite3_column_text(s, 0));
		profile_features_get(s, 1, f + n * FEAT_COUNT);
		if (++n == BATCH) {
			if (cancel && *cancel) {
				rd_err_set(err, "cancelled");
				goto out;
			}
			if (count_batch(e, n, ids, f, res, ref, counts, err))
				goto out;
			*rows += n;
			n = 0;
		}
	}
	if (step != SQLITE_DONE) {
		store_fail(st, err, "reading profiles");
		goto out;
	}
	if (count_batch(e, n, ids, f, res, ref, counts, err))
		goto out;
	*rows += n;
	if (*rows) {
		double cur[QUANTILE_EDGES + 2];
		int nb = ref->nedges + 1;
		for (int b = 0; b < nb; b++)
			cur[b] = (double)counts[b] / (double)*rows;
		cur[nb] =
			0; /* a score is never missing; the missing bin counts when the reference has one */
		*psi = drift_psi(ref->shares, cur, nb + (ref->shares[nb] > 0), NULL);
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	for (size_t i = 0; i < BATCH; i++)
		free(ids[i]);
	free(ids);
	free(f);
	free(res);
	engine_free(e);
	return rc;
}

int modelcheck_run(struct rd_store *st, const char *name, int version,
		   const struct modelcheck_limits *lim, const atomic_int *cancel,
		   struct modelcheck out[MODELCHECK_COUNT], struct rd_err *err)
{
	sqlite3_stmt *s;
	memset(out, 0, MODELCHECK_COUNT * sizeof *out);
	if (store_prepare(st,
			  "SELECT algo, segment, json_extract(metrics, '$.auc'),"
			  " json_extract(metrics, '$.false_neg'), json_extract(metrics, '$.bads'),"
			  " json_extract(metrics, '$.threshold_pd'), json_extract(metrics, '$.ks'),"
			  " json_extract(metrics, '$.hosmer_lemeshow.p_value'),"
			  " json_extract(metrics, '$.hosmer_lemeshow.statistic'),"
			  " json_extract(metrics, '$.hosmer_lemeshow.df'), reference,"
			  " json_extract(metrics, '$.folds')"
			  " FROM models WHERE name = ?1 AND version = ?2",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, version);
	if (sqlite3_step(s) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(s, 0), "rules") == 0) {
		rd_err_set(err,
			   "%s@%d is not a trained model: the checks read its cross-validation",
			   name, version);
		sqlite3_finalize(s);
		return -1;
	}
	char segment[16];
	snprintf(segment, sizeof segment, "%s", (const char *)sqlite3_column_text(s, 1));
	struct modelcheck *c = out;
	judge(c, "auc", col_num(s, 2), ">=", lim->min_auc);
	snprintf(c->detail, sizeof c->detail,
		 isnan(c->value) ? "no cross-validation stored" : "mean of the %.0f folds' AUC",
		 col_num(s, 11));
	c++;
	double fn = col_num(s, 3), bads = col_num(s, 4), cut = col_num(s, 5);
	judge(c, "fnr", bads > 0 ? fn / bads : NAN, "<=", lim->max_fnr);
	if (isnan(c->value))
		snprintf(c->detail, sizeof c->detail, "no cut-off stored");
	else
		snprintf(c->detail, sizeof c->detail,
			 "%.0f of %.0f defaulters approved at the cut-off"
			 " PD %.4f (out of fold)",
			 fn, bads, cut);
	c++;
	judge(c, "ks", col_num(s, 6), ">=", lim->min_ks);
	snprintf(c->detail, sizeof c->detail,
		 isnan(c->value) ? "no cross-validation stored" : "of the out-of-fold PDs");
	c++;
	judge(c, "calibration", col_num(s, 7), ">=", lim->min_hl_p);
	if (isnan(c->value))
		snprintf(c->detail, sizeof c->detail,
			 "no Hosmer-Lemeshow test stored (trained before"
			 " it was, or fewer than 3 deciles with a PD in (0, 1))");
	else
		snprintf(c->detail, sizeof c->detail,
			 "Hosmer-Lemeshow p-value: %.4f on %.0f degrees of"
			 " freedom over the PD deciles",
			 col_num(s, 8), col_num(s, 9));
	c++;
	struct score_ref ref;
	int has_ref = score_ref_parse((const char *)sqlite3_column_text(s, 10), &ref) == 0;
	sqlite3_finalize(s);
	double psi = NAN;
	size_t rows = 0;
	if (has_ref && book_psi(st, name, version, segment, &ref, cancel, &psi, &rows, err))
		return -1;
	judge(c, "psi", psi, "<", lim->max_psi);
	if (!has_ref)
		snprintf(c->detail, sizeof c->detail, "no training reference stored");
	else if (rows == 0)
		snprintf(c->detail, sizeof c->detail,
			 "no current profiles in segment %s (recompute first)", segment);
	else
		snprintf(c->detail, sizeof c->detail,
			 "its score on %zu current profiles (segment %s)"
			 " against its training rows",
			 rows, segment);
	return 0;
}
