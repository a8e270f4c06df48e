/* Path attributions per leaf (include/riskdesk/xgbtree.h) against libxgboost's own
 * approximate contributions (approx_contribs): on a tree worked by hand, and on an xgb and
 * a forest trained on German Credit, every row's contributions from the table equal
 * libxgboost's bit for bit (tolerance 0: the table does libxgboost's float arithmetic in
 * its order), and the leaves found by walking the trees equal XGBoost's pred_leaf. */
#include "testutil.h"

#include <cjson/cJSON.h>
#include <math.h>

#include "riskdesk/model.h"
#include "riskdesk/profile.h"
#include "riskdesk/xgb.h"
#include "riskdesk/xgbtree.h"

/* One tree on inputs x0, x1 (base_score 0.5: margin 0):
 *   node 0: x0 < 0 (missing left)  cover 10
 *     node 1: x1 < 0 (missing right) cover 6
 *       leaf 3: 0.5   cover 2
 *       leaf 4: -0.25 cover 4
 *     node 2: x0 < 1                 cover 4
 *       leaf 5: 1     cover 1
 *       leaf 6: -0.5  cover 3
 * Means: node 1 (0.5*2 - 0.25*4)/6 = 0, node 2 (1*1 - 0.5*3)/4 = -0.125, root
 * (0*6 - 0.125*4)/10 = -0.05. Leaf 3: x0 gets 0 - (-0.05) = 0.05, x1 0.5 - 0 = 0.5;
 * leaf 4: x0 0.05, x1 -0.25; leaf 5: x0 (-0.125 + 0.05) + (1 + 0.125) = 1.05; leaf 6:
 * x0 -0.075 + (-0.5 + 0.125) = -0.45. The bias is the root's mean, -0.05. */
static const char hand_tree[] =
	"{\"learner\":{\"attributes\":{},\"feature_names\":[],\"feature_types\":[],"
	"\"gradient_booster\":{\"model\":{\"gbtree_model_param\":{\"num_parallel_tree\":\"1\","
	"\"num_trees\":\"1\",\"size_leaf_vector\":\"0\"},\"tree_info\":[0],\"trees\":[{"
	"\"base_weights\":[0E0,0E0,0E0,5E-1,-2.5E-1,1E0,-5E-1],\"categories\":[],"
	"\"categories_nodes\":[],\"categories_segments\":[],\"categories_sizes\":[],"
	"\"default_left\":[1,0,0,0,0,0,0],\"id\":0,\"left_children\":[1,3,5,-1,-1,-1,-1],"
	"\"loss_changes\":[1E0,1E0,1E0,0E0,0E0,0E0,0E0],"
	"\"parents\":[2147483647,0,0,1,1,2,2],\"right_children\":[2,4,6,-1,-1,-1,-1],"
	"\"split_conditions\":[0E0,0E0,1E0,5E-1,-2.5E-1,1E0,-5E-1],"
	"\"split_indices\":[0,1,0,0,0,0,0],\"split_type\":[0,0,0,0,0,0,0],"
	"\"sum_hessian\":[1E1,6E0,4E0,2E0,4E0,1E0,3E0],\"tree_param\":{\"num_deleted\":\"0\","
	"\"num_feature\":\"2\",\"num_nodes\":\"7\",\"size_leaf_vector\":\"0\"}}]},"
	"\"name\":\"gbtree\"},\"learner_model_param\":{\"base_score\":\"5E-1\","
	"\"boost_from_average\":\"0\",\"num_class\":\"0\",\"num_feature\":\"2\","
	"\"num_target\":\"1\"},\"objective\":{\"name\":\"binary:logistic\","
	"\"reg_loss_param\":{\"scale_pos_weight\":\"1\"}}},\"version\":[1,7,4]}";

/* The table's contributions of n rows (ninputs each) equal libxgboost's approx_contribs
 * bit for bit, and the leaves walked equal pred_leaf's. */
static void check_rows(struct xgb_model *m, const struct xgb_trees *tr, const float *x, size_t n,
		       const char *what)
{
	struct rd_err err = {{0}};
	size_t w = (size_t)tr->ninputs + 1, nt = (size_t)tr->ntrees;
	double *want = rd_malloc(n * w * sizeof *want), *got = rd_malloc(n * w * sizeof *got);
	int *leaves = rd_malloc(n * nt * sizeof *leaves);
	if (xgb_contribs(m, x, n, 1, want, &err) || xgb_leaves(m, x, n, tr->ntrees, leaves, &err))
		fail_msg("%s: %s", what, err.msg);
	for (size_t r = 0; r < n; r++)
		for (size_t t = 0; t < nt; t++)
			if (xgb_tree_leaf(&tr->t[t], x + r * (size_t)tr->ninputs) !=
			    leaves[r * nt + t])
				fail_msg("%s: row %zu, tree %zu: leaf %d walked, %d by XGBoost",
					 what, r, t,
					 xgb_tree_leaf(&tr->t[t], x + r * (size_t)tr->ninputs),
					 leaves[r * nt + t]);
	xgb_trees_contribs(tr, leaves, n, got);
	size_t nonzero = 0;
	for (size_t i = 0; i < n * w; i++) {
		if (memcmp(&got[i], &want[i], sizeof got[i]) != 0)
			fail_msg("%s: row %zu, input %zu: %.9g from the table, %.9g from "
				 "libxgboost",
				 what, i / w, i % w, got[i], want[i]);
		nonzero += i % w != w - 1 && got[i] != 0;
	}
	assert_true(nonzero > n); /* not a table of zeros */
	free(want);
	free(got);
	free(leaves);
}

static void test_hand_tree(void **state)
{
	(void)state;
	struct rd_err err = {{0}};
	struct xgb_trees *tr = xgb_trees_parse(hand_tree, sizeof hand_tree - 1, 2, &err);
	if (!tr)
		fail_msg("xgb_trees_parse: %s", err.msg);
	assert_int_equal(tr->ntrees, 1);
	const struct xgb_tree *t = &tr->t[0];
	assert_int_equal(t->depth, 2);
	assert_true(fabsf(t->mean[0] - -0.05f) < 1e-7f && t->mean[1] == 0 && t->mean[2] == -0.125f);
	assert_true(tr->base_margin == 0 && tr->bias == t->mean[0]);
	/* per leaf: (x0, x1) */
	static const int leaf[4] = {3, 4, 5, 6};
	static const float want[4][2] = {{0.05f, 0.5f}, {0.05f, -0.25f}, {1.05f, 0}, {-0.45f, 0}};
	for (int k = 0; k < 4; k++) {
		float v[2] = {0, 0};
		for (int e = t->at[leaf[k]]; e < t->at[leaf[k] + 1]; e++)
			v[t->in[e]] = t->val[e];
		for (int j = 0; j < 2; j++)
			if (!(fabsf(v[j] - want[k][j]) < 1e-6f))
				fail_msg("leaf %d, x%d: %.9g, by hand %.9g", leaf[k], j, v[j],
					 want[k][j]);
	}
	for (int i = 0; i < 3; i++) /* splits hold nothing */
		assert_int_equal(t->at[i], t->at[i + 1]);
	/* every leaf, missing values both ways, against libxgboost */
	static const float x[] = {-1, -1, -1, 1, 0.5f, 0, 2, 0, NAN, -1, -1, NAN, NAN, NAN, 0, 7};
	int want_leaf[] = {3, 4, 5, 6, 3, 4, 4, 5};
	for (int r = 0; r < 8; r++)
		assert_int_equal(xgb_tree_leaf(t, x + 2 * r), want_leaf[r]);
	struct xgb_model *m = xgb_from_json(hand_tree, sizeof hand_tree - 1, 2, &err);
	if (!m)
		fail_msg("xgb_from_json: %s", err.msg);
	check_rows(m, tr, x, 8, "hand tree");
	xgb_free(m);
	xgb_trees_free(tr);
	xgb_trees_free(NULL);
	/* what xgb_check_json refuses, this refuses */
	assert_null(xgb_trees_parse("{}", 2, 2, &err));
	assert_true(err.msg[0] != '\0');
	assert_null(xgb_trees_parse(hand_tree, sizeof hand_tree - 1, 3, &err));
}

/* Model name@1 of st parsed, its trees, and its inputs for every customer (attributes as
 * riskdesk reads them; a built-in feature missing: German customers have no orders). */
static float *german_rows(struct rd_store *st, const char *name, struct rd_model **mp,
			  struct xgb_trees **trp, size_t *np, double **colsp)
{
	struct rd_err err = {{0}};
	sqlite3_stmt *s;
	assert_int_equal(store_prepare(st, "SELECT spec FROM models WHERE name = ?1", &s, &err), 0);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	const char *spec = (const char *)sqlite3_column_text(s, 0);
	struct rd_model *m = model_parse(spec, &err);
	if (!m)
		fail_msg("model_parse: %s", err.msg);
	cJSON *doc = cJSON_Parse(spec);
	const char *bst = cJSON_GetObjectItemCaseSensitive(doc, "booster")->valuestring;
	struct xgb_trees *tr = xgb_trees_parse(bst, strlen(bst), m->ninputs, &err);
	if (!tr)
		fail_msg("xgb_trees_parse: %s", err.msg);
	cJSON_Delete(doc);
	sqlite3_finalize(s);
	size_t n = (size_t)test_int(st, "SELECT count(*) FROM customers");
	float *x = rd_malloc(n * (size_t)m->ninputs * sizeof *x);
	double *cols = rd_malloc(n * (size_t)m->ncols * sizeof *cols), *row;
	sqlite3_stmt *ids, *in;
	assert_int_equal(store_prepare(st, "SELECT id FROM customers ORDER BY id", &ids, &err), 0);
	assert_int_equal(store_prepare(st,
				       "SELECT name, value, num FROM customer_inputs WHERE"
				       " customer_id = ?1",
				       &in, &err),
			 0);
	size_t r = 0;
	while (sqlite3_step(ids) == SQLITE_ROW && r < n) {
		row = cols + r * (size_t)m->ncols;
		for (int c = 0; c < m->ncols; c++)
			row[c] = NAN;
		sqlite3_reset(in);
		sqlite3_bind_text(in, 1, (const char *)sqlite3_column_text(ids, 0), -1,
				  SQLITE_TRANSIENT);
		while (sqlite3_step(in) == SQLITE_ROW) {
			const char *iname = (const char *)sqlite3_column_text(in, 0);
			for (int c = 0; c < m->ncols; c++) {
				if (strcmp(m->cols[c].name, iname) != 0)
					continue;
				if (m->cols[c].categorical) {
					const char *v = (const char *)sqlite3_column_text(in, 1);
					int l = model_level(m, c, v ? v : "");
					row[c] = l < 0 ? NAN : l;
				} else if (sqlite3_column_type(in, 2) != SQLITE_NULL) {
					row[c] = sqlite3_column_double(in, 2);
				}
			}
		}
		onehot_row(m->ncols, m->nlevels, row, x + r++ * (size_t)m->ninputs);
	}
	sqlite3_finalize(ids);
	sqlite3_finalize(in);
	assert_int_equal(r, n);
	*colsp = cols;
	*mp = m;
	*trp = tr;
	*np = n;
	return x;
}

static void test_german(void **state)
{
	(void)state;
	struct rd_store *st = test_store_german();
	struct rd_err err = {{0}};
	assert_int_equal(test_run(st, "train gx --algo xgb --reasons approx --folds 2 --trees 100",
				  &err),
			 RD_OK);
	assert_int_equal(test_run(st, "train gr --algo rf --folds 2 --trees 100", &err), RD_OK);
	static const char *const names[] = {"gx", "gr"};
	for (int k = 0; k < 2; k++) {
		struct rd_model *m;
		struct xgb_trees *tr;
		size_t n;
		double *cols;
		float *x = german_rows(st, names[k], &m, &tr, &n, &cols);
		assert_int_equal(n, 1000);
		assert_int_equal(tr->ntrees, 100);
		check_rows(m->booster, tr, x, n, names[k]);
		/* model_score's reasons from the table (m->paths) equal those from libxgboost's
		 * approx_contribs (the model without its table) */
		assert_non_null(m->paths);
		struct rd_score *a = rd_calloc(n, sizeof *a), *b = rd_calloc(n, sizeof *b);
		double *ra = rd_malloc(n * sizeof *ra), *rb = rd_malloc(n * sizeof *rb);
		assert_int_equal(model_score(m, cols, n, a, ra, &err), 0);
		struct xgb_trees *paths = m->paths;
		m->paths = NULL;
		assert_int_equal(model_score(m, cols, n, b, rb, &err), 0);
		m->paths = paths;
		size_t with = 0;
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(a[i].nreasons, b[i].nreasons);
			with += a[i].nreasons > 0;
			for (int j = 0; j < a[i].nreasons; j++) {
				assert_string_equal(a[i].reasons[j].code, b[i].reasons[j].code);
				assert_true(a[i].reasons[j].points == b[i].reasons[j].points);
			}
			assert_true(ra[i] == rb[i] && a[i].score == b[i].score);
		}
		assert_true(with > n / 2);
		free(a);
		free(b);
		free(ra);
		free(rb);
		free(cols);
		free(x);
		xgb_trees_free(tr);
		model_free(m);
	}
	store_close(st);
}

/* The top REASONS_MAX columns of one row's contributions (cr: per input, towards default),
 * worked here from the contributions alone: points lost = the column's inputs summed times
 * pdo / ln 2, above 0.005, most first, ties by name. Their columns into top, the points
 * into pts; the count. */
static int top_reasons(const struct rd_model *m, const double *cr, int *top, double *pts)
{
	double lost[64];
	int n = 0;
	assert_true(m->ncols <= 64);
	for (int c = 0; c < m->ncols; c++) {
		const struct model_column *col = &m->cols[c];
		double sum = 0;
		for (int j = 0; j < (col->categorical ? col->nlevels : 1); j++)
			sum += cr[col->first_input + j];
		lost[c] = sum * m->scaling.pdo / M_LN2;
	}
	for (int k = 0; k < REASONS_MAX; k++) {
		int best = -1;
		for (int c = 0; c < m->ncols; c++) {
			int used = 0;
			for (int j = 0; j < n; j++)
				used |= top[j] == c;
			if (used || !(lost[c] > 0.005))
				continue;
			if (best < 0 || lost[c] > lost[best] ||
			    (lost[c] == lost[best] &&
			     strcmp(m->cols[c].name, m->cols[best].name) < 0))
				best = c;
		}
		if (best < 0)
			break;
		top[n] = best;
		pts[n++] = lost[best];
	}
	return n;
}

/* Lazy exact reasons (docs/design.md, issue 15 item 3): after `recompute all` with an
 * exact-SHAP xgb, the stored reasons are the path attributions' top four (libxgboost's
 * approx_contribs, worked into reasons here), marked; profile_read's (show, the Profile
 * pane) are exact SHAP's top four (libxgboost's pred_contribs), and export's equal them. */
static void test_lazy_exact(void **state)
{
	(void)state;
	struct rd_store *st = test_store_german();
	struct rd_err err = {{0}};
	assert_int_equal(test_run(st, "train gs --algo xgb --folds 2 --trees 60", &err), RD_OK);
	assert_int_equal(test_run(st, "promote gs", &err), RD_OK);
	assert_int_equal(test_run(st, "recompute all", &err), RD_OK);
	struct rd_model *m;
	struct xgb_trees *tr;
	size_t n;
	double *cols;
	float *x = german_rows(st, "gs", &m, &tr, &n, &cols);
	assert_false(m->approx_reasons);
	size_t w = (size_t)m->ninputs + 1;
	double *approx = rd_malloc(n * w * sizeof *approx),
	       *exact = rd_malloc(n * w * sizeof *exact);
	if (xgb_contribs(m->booster, x, n, 1, approx, &err) ||
	    xgb_contribs(m->booster, x, n, 0, exact, &err))
		fail_msg("contribs: %s", err.msg);
	sqlite3_stmt *s;
	assert_int_equal(store_prepare(st,
				       "SELECT customer_id, reasons, instr(components,"
				       " '\"reasons_kind\":\"path\"') > 0 FROM credit_profiles_full"
				       " ORDER BY customer_id",
				       &s, &err),
			 0);
	size_t r = 0, differ = 0;
	struct rd_profile *p = rd_malloc(sizeof *p);
	struct rd_buf *shown = rd_calloc(n, sizeof *shown); /* profile_read's, as JSON */
	while (sqlite3_step(s) == SQLITE_ROW) {
		int top[REASONS_MAX], k;
		double pts[REASONS_MAX];
		struct rd_reason stored[REASONS_MAX];
		assert_true(r < n);
		assert_int_equal(sqlite3_column_int(s, 2), 1); /* marked */
		int ns = profile_reasons_decode((const char *)sqlite3_column_text(s, 1), stored,
						REASONS_MAX);
		k = top_reasons(m, approx + r * w, top, pts);
		assert_int_equal(ns, k);
		for (int j = 0; j < k; j++) {
			assert_string_equal(stored[j].name, m->cols[top[j]].name);
			assert_true(fabs(stored[j].points - pts[j]) <= 0.005 + 1e-9);
		}
		/* profile_read's exact reasons, one customer in five: a libxgboost call each */
		if (r % 5 != 0) {
			r++;
			continue;
		}
		const char *id = (const char *)sqlite3_column_text(s, 0);
		assert_int_equal(profile_read(st, id, p, &err), 0);
		assert_int_equal(p->path_reasons, 0);
		k = top_reasons(m, exact + r * w, top, pts);
		assert_int_equal(p->nreasons, k);
		int same = ns == k;
		for (int j = 0; j < k; j++) {
			assert_string_equal(p->reasons[j].name, m->cols[top[j]].name);
			assert_true(fabs(p->reasons[j].points - pts[j]) <= 1e-9);
			same &= strcmp(stored[j].name, p->reasons[j].name) == 0;
		}
		differ += !same;
		struct rd_score sc = {.nreasons = p->nreasons};
		memcpy(sc.reasons, p->reasons, sizeof sc.reasons);
		profile_reasons_json(&shown[r], &sc);
		r++;
	}
	sqlite3_finalize(s);
	assert_int_equal(r, n);
	assert_true(differ > 0); /* the exact ranking is not the stored one */
	/* export profiles gives profile_read's reasons: the marked ones exact */
	int64_t marked;
	assert_int_equal(profile_exact_table(st, &marked, &err), 0);
	assert_int_equal(marked, (int64_t)n);
	assert_int_equal(
		store_prepare(st, "SELECT reasons FROM temp.exact_reasons ORDER BY customer_id", &s,
			      &err),
		0);
	for (r = 0; sqlite3_step(s) == SQLITE_ROW; r++)
		if (r % 5 == 0)
			assert_string_equal((const char *)sqlite3_column_text(s, 0), shown[r].data);
	sqlite3_finalize(s);
	assert_int_equal(r, n);
	for (r = 0; r < n; r++)
		buf_free(&shown[r]);
	free(shown);
	free(p);
	free(approx);
	free(exact);
	free(cols);
	free(x);
	xgb_trees_free(tr);
	model_free(m);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hand_tree),
		cmocka_unit_test(test_german),
		cmocka_unit_test(test_lazy_exact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
