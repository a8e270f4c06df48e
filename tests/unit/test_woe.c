/* Binning and Weight of Evidence (include/riskdesk/woe.h) against the shared german
 * reference: ../shared/datasets/german/woe_reference.csv and BASELINES.md. */
#include "testutil.h"

#include <math.h>

#include "riskdesk/woe.h"

#define GERMAN_DIR "../shared/datasets/german/"
#define GERMAN_ROWS 1000
#define GERMAN_ATTRS 20

#define assert_close(a, b, tol) check_close((a), (b), (tol), #a, __FILE__, __LINE__)

static void check_close(double a, double b, double tol, const char *what, const char *file,
			int line)
{
	if (a != b && !(fabs(a - b) <= tol))
		fail_msg("%s:%d: %s = %.17g, expected %.17g (tolerance %g)", file, line, what, a, b,
			 tol);
}

/* german.data: 20 attributes and the class (1 good, 2 bad), whitespace-separated. */
struct german {
	char val[GERMAN_ROWS][GERMAN_ATTRS][8]; /* attribute texts */
	int y[GERMAN_ROWS];                     /* 1 = bad (class 2) */
	size_t n;                               /* rows read */
};

static struct german *german_load(void)
{
	FILE *f = fopen(GERMAN_DIR "german.data", "r");
	if (!f)
		fail_msg("cannot open " GERMAN_DIR "german.data (run from the repository root)");
	struct german *g = calloc(1, sizeof *g);
	char line[512];
	while (fgets(line, sizeof line, f) && g->n < GERMAN_ROWS) {
		char *save = NULL;
		int col = 0;
		for (char *t = strtok_r(line, " \t\r\n", &save); t;
		     t = strtok_r(NULL, " \t\r\n", &save)) {
			if (col < GERMAN_ATTRS)
				snprintf(g->val[g->n][col], sizeof g->val[0][0], "%s", t);
			else if (col == GERMAN_ATTRS)
				g->y[g->n] = atoi(t) == 2;
			col++;
		}
		if (col == 0)
			continue;
		assert_int_equal(col, GERMAN_ATTRS + 1);
		g->n++;
	}
	fclose(f);
	assert_int_equal(g->n, GERMAN_ROWS);
	return g;
}

/* Attributes 2, 5, 8, 11, 13, 16, 18 (1-based) are numeric. */
static int german_numeric(int attr)
{
	static const int num[] = {2, 5, 8, 11, 13, 16, 18};
	for (size_t i = 0; i < sizeof num / sizeof num[0]; i++)
		if (num[i] == attr + 1)
			return 1;
	return 0;
}

static void german_fit(const struct german *g, int attr, struct woe_binning *b)
{
	struct rd_err err = {{0}};
	int rc;
	if (german_numeric(attr)) {
		double *x = malloc(g->n * sizeof *x);
		for (size_t i = 0; i < g->n; i++)
			x[i] = atof(g->val[i][attr]);
		rc = woe_fit_numeric(x, g->y, g->n, b, &err);
		free(x);
	} else {
		const char **lv = malloc(g->n * sizeof *lv);
		for (size_t i = 0; i < g->n; i++)
			lv[i] = g->val[i][attr];
		rc = woe_fit_categorical(lv, g->y, g->n, b, &err);
		free(lv);
	}
	if (rc)
		fail_msg("attribute %d: %s", attr + 1, err.msg);
}

/* One row of woe_reference.csv. */
struct ref_row {
	char feature[32]; /* attribute name */
	int bin;          /* bin index */
	long good, bad;   /* counts */
	double woe;       /* woe_smoothed */
	double iv_part;   /* iv_part_smoothed */
};

/* Reads the reference; returns the number of rows (the caller frees *rows). */
static size_t ref_load(struct ref_row **rows)
{
	FILE *f = fopen(GERMAN_DIR "woe_reference.csv", "r");
	if (!f)
		fail_msg("cannot open " GERMAN_DIR "woe_reference.csv");
	size_t n = 0, cap = 256;
	struct ref_row *r = malloc(cap * sizeof *r);
	char line[512];
	if (!fgets(line, sizeof line, f)) /* header */
		fail_msg("empty reference");
	while (fgets(line, sizeof line, f)) {
		if (n == cap)
			r = realloc(r, (cap *= 2) * sizeof *r);
		char *c = strchr(line, ',');
		assert_non_null(c);
		size_t fl = (size_t)(c - line);
		assert_true(fl < sizeof r[n].feature);
		memcpy(r[n].feature, line, fl);
		r[n].feature[fl] = '\0';
		r[n].bin = atoi(c + 1);
		/* Skip the range (quoted when it holds a comma). */
		char *s = strchr(c + 1, ',') + 1;
		s = *s == '"' ? strchr(s + 1, '"') + 2 : strchr(s, ',') + 1;
		if (sscanf(s, "%ld,%ld,%lf,%lf", &r[n].good, &r[n].bad, &r[n].woe, &r[n].iv_part) !=
		    4)
			fail_msg("bad reference line: %s", line);
		n++;
	}
	fclose(f);
	*rows = r;
	return n;
}

static struct german *german;

static int setup(void **state)
{
	(void)state;
	german = german_load();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(german);
	return 0;
}

static void test_checking_status(void **state)
{
	(void)state;
	struct woe_binning b;
	german_fit(german, 0, &b);
	assert_int_equal(b.kind, WOE_CATEGORICAL);
	assert_int_equal(b.nbins, 4);
	static const char *const lv[] = {"A11", "A12", "A13", "A14"};
	static const size_t good[] = {139, 164, 49, 348}, bad[] = {135, 105, 14, 46};
	static const double woe[] = {-0.8144134257092768, -0.399306769361636, 0.3843176334971743,
				     1.1706795309563265};
	for (int k = 0; k < 4; k++) {
		assert_string_equal(b.bins[k].level, lv[k]);
		assert_int_equal(b.bins[k].goods, good[k]);
		assert_int_equal(b.bins[k].bads, bad[k]);
		assert_close(b.bins[k].woe, woe[k], 1e-9);
		assert_int_equal(woe_index_categorical(&b, lv[k]), k);
		assert_close(woe_value(&b, k), woe[k], 1e-9);
	}
	assert_int_equal(b.goods, 700);
	assert_int_equal(b.bads, 300);
	assert_close(b.iv, 0.6591, 0.5e-4);
	assert_close(b.iv_raw, 0.6660, 0.5e-4);
	/* Unseen level and missing: no bin, neutral WoE. */
	assert_int_equal(woe_index_categorical(&b, "A15"), -1);
	assert_int_equal(woe_index_categorical(&b, NULL), -1);
	assert_close(woe_value(&b, -1), 0.0, 0);
	woe_free(&b);
}

static void test_duration(void **state)
{
	(void)state;
	struct woe_binning b;
	german_fit(german, 1, &b);
	assert_int_equal(b.kind, WOE_NUMERIC);
	assert_int_equal(b.nbins, 8); /* 9 quantiles, 7 unique */
	static const double hi[] = {9, 12, 15, 18, 24, 30, 36, INFINITY};
	static const size_t good[] = {119, 164, 59, 72, 158, 38, 48, 42};
	static const size_t bad[] = {24, 52, 13, 43, 66, 19, 38, 45};
	static const double woe[] = {0.7448925990690634,   0.30234674585602783,
				     0.6435359723553796,   -0.32892503098583,
				     0.028801990903706182, -0.15950687902778332,
				     -0.6088450981021216,  -0.9079589047783544};
	for (int k = 0; k < 8; k++) {
		assert_close(b.bins[k].hi, hi[k], 0);
		assert_int_equal(b.bins[k].goods, good[k]);
		assert_int_equal(b.bins[k].bads, bad[k]);
		assert_close(b.bins[k].woe, woe[k], 1e-9);
	}
	assert_true(isinf(b.bins[0].lo) && b.bins[0].lo < 0);
	assert_close(b.iv_raw, 0.2465, 0.5e-4);
	/* Right-closed: 9 is in (-inf, 9], 9.5 and 12 in (9, 12], 100 in the last. */
	assert_int_equal(woe_index_numeric(&b, 9), 0);
	assert_int_equal(woe_index_numeric(&b, 9.5), 1);
	assert_int_equal(woe_index_numeric(&b, 12), 1);
	assert_int_equal(woe_index_numeric(&b, -5), 0);
	assert_int_equal(woe_index_numeric(&b, 100), 7);
	assert_int_equal(woe_index_numeric(&b, NAN), -1);
	woe_free(&b);
}

/* Every bin of every attribute in woe_reference.csv. */
static void test_full_reference(void **state)
{
	(void)state;
	struct ref_row *ref;
	size_t nref = ref_load(&ref);
	static const char *const name[GERMAN_ATTRS] = {"checking_status",
						       "duration",
						       "credit_history",
						       "purpose",
						       "credit_amount",
						       "savings",
						       "employment_since",
						       "installment_rate",
						       "personal_status_sex",
						       "other_debtors",
						       "residence_since",
						       "property",
						       "age",
						       "other_installment_plans",
						       "housing",
						       "existing_credits",
						       "job",
						       "num_liable",
						       "telephone",
						       "foreign_worker"};
	size_t seen = 0;
	for (int a = 0; a < GERMAN_ATTRS; a++) {
		struct woe_binning b;
		german_fit(german, a, &b);
		size_t nb = 0;
		for (size_t i = 0; i < nref; i++) {
			if (strcmp(ref[i].feature, name[a]) != 0)
				continue;
			assert_int_equal(ref[i].bin, nb);
			assert_true(nb < b.nbins);
			if ((long)b.bins[nb].goods != ref[i].good ||
			    (long)b.bins[nb].bads != ref[i].bad)
				fail_msg("%s bin %zu: %zu/%zu, expected %ld/%ld", name[a], nb,
					 b.bins[nb].goods, b.bins[nb].bads, ref[i].good,
					 ref[i].bad);
			assert_close(b.bins[nb].woe, ref[i].woe, 1e-9);
			assert_close(b.bins[nb].iv_part, ref[i].iv_part, 1e-9);
			nb++;
			seen++;
		}
		assert_int_equal(nb, b.nbins);
		woe_free(&b);
	}
	assert_int_equal(seen, nref);
	free(ref);
}

/* BASELINES.md's IV table (unsmoothed; smoothed where given), to its printed digits. */
static void test_iv_table(void **state)
{
	(void)state;
	static const struct {
		int attr;
		double iv, tol;
	} t[] = {
		{1, 0.6660, 0.5e-4},  {3, 0.2932, 0.5e-4},   {2, 0.2465, 0.5e-4},
		{6, 0.1960, 0.5e-4},  {4, 0.1692, 0.5e-4},   {5, 0.1136, 0.5e-4},
		{12, 0.1126, 0.5e-4}, {13, 0.1006, 0.5e-4},  {7, 0.0864, 0.5e-4},
		{15, 0.0833, 0.5e-4}, {14, 0.0576, 0.5e-4},  {9, 0.0447, 0.5e-4},
		{20, 0.0439, 0.5e-4}, {10, 0.0320, 0.5e-4},  {8, 0.0263, 0.5e-4},
		{16, 0.0114, 0.5e-4}, {17, 0.0088, 0.5e-4},  {19, 0.0064, 0.5e-4},
		{11, 0.0036, 0.5e-4}, {18, 0.00004, 0.5e-5},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct woe_binning b;
		german_fit(german, t[i].attr - 1, &b);
		if (!(fabs(b.iv_raw - t[i].iv) <= t[i].tol))
			fail_msg("attribute %d: IV %.6f, expected %.5f", t[i].attr, b.iv_raw,
				 t[i].iv);
		if (t[i].attr == 3)
			assert_close(b.iv, 0.2908, 0.5e-4);
		woe_free(&b);
	}
}

static int strictly_monotone(const struct woe_binning *b)
{
	size_t nn = b->nbins - (b->nbins && b->bins[b->nbins - 1].missing);
	int up = 1, down = 1;
	for (size_t k = 0; k + 1 < nn; k++) {
		up &= b->bins[k].woe < b->bins[k + 1].woe;
		down &= b->bins[k].woe > b->bins[k + 1].woe;
	}
	return up || down;
}

static void test_monotone(void **state)
{
	(void)state;
	struct rd_err err = {{0}};
	/* The german numerics: after merging, monotone, every bin >= 5 % of rows, counts kept,
	 * the edges a subset of the original ones, IV no larger. */
	for (int a = 0; a < GERMAN_ATTRS; a++) {
		if (!german_numeric(a))
			continue;
		struct woe_binning b, m;
		german_fit(german, a, &b);
		german_fit(german, a, &m);
		assert_int_equal(woe_make_monotone(&m, WOE_MIN_SHARE_DEFAULT, &err), 0);
		assert_true(strictly_monotone(&m));
		assert_true(m.nbins >= 1 && m.nbins <= b.nbins);
		assert_int_equal(m.goods, 700);
		assert_int_equal(m.bads, 300);
		assert_true(m.iv <= b.iv + 1e-12);
		size_t j = 0;
		for (size_t k = 0; k < m.nbins; k++) {
			assert_true(m.bins[k].goods + m.bins[k].bads >= 50);
			while (j < b.nbins && b.bins[j].hi != m.bins[k].hi)
				j++;
			assert_true(j < b.nbins); /* an original edge */
		}
		assert_true(isinf(m.bins[m.nbins - 1].hi));
		woe_free(&b);
		woe_free(&m);
	}
	/* duration: WoE falls with the term, apart from the (12, 15] and (18, 24] bumps. */
	struct woe_binning d;
	german_fit(german, 1, &d);
	assert_int_equal(woe_make_monotone(&d, WOE_MIN_SHARE_DEFAULT, &err), 0);
	assert_true(d.bins[0].woe > d.bins[d.nbins - 1].woe);
	assert_true(d.nbins >= 3);
	woe_free(&d);

	/* A hand case: 4 bins of 10 rows, WoE up, down, up: the middle pair merges. */
	double x[40];
	int y[40];
	static const int bads_per_quarter[] = {1, 5, 3, 8};
	for (int i = 0; i < 40; i++) {
		x[i] = i / 10; /* 0, 1, 2, 3 */
		y[i] = i % 10 < bads_per_quarter[i / 10];
	}
	struct woe_binning h;
	assert_int_equal(woe_fit_numeric(x, y, 40, &h, &err), 0);
	/* Quantiles of 0..3 (ten each), h = 39q: 0, 0, 1, 1, 1.5, 2, 2, 3, 3 -> edges 0 1 1.5
	 * 2 3; the bins (1, 1.5] and (3, inf) are empty and merged into their lower neighbours. */
	assert_int_equal(h.nbins, 4);
	assert_close(h.bins[0].hi, 0, 0);
	assert_close(h.bins[1].hi, 1.5, 0);
	assert_close(h.bins[2].hi, 2, 0);
	assert_true(isinf(h.bins[3].hi));
	assert_int_equal(woe_index_numeric(&h, 1.2), 1);
	assert_int_equal(woe_index_numeric(&h, 1.7), 2);
	assert_int_equal(h.bins[1].bads, 5);
	assert_int_equal(woe_make_monotone(&h, 0.05, &err), 0);
	assert_int_equal(h.nbins, 3);
	assert_int_equal(h.bins[1].goods + h.bins[1].bads, 20);
	assert_int_equal(h.bins[1].bads, 8);
	assert_true(h.bins[0].woe > h.bins[1].woe && h.bins[1].woe > h.bins[2].woe);
	woe_free(&h);
	/* A bin under the share floor merges even when monotone: 30 % floor on 4 x 10 rows. */
	for (int i = 0; i < 40; i++)
		y[i] = i % 10 < i / 10 + 1;
	assert_int_equal(woe_fit_numeric(x, y, 40, &h, &err), 0);
	assert_int_equal(h.nbins, 4);
	assert_int_equal(woe_make_monotone(&h, 0.3, &err), 0);
	assert_int_equal(h.nbins, 2);
	assert_true(strictly_monotone(&h));
	assert_int_equal(woe_make_monotone(&h, 1.5, &err), -1);
	woe_free(&h);
}

static void test_missing_and_edges(void **state)
{
	(void)state;
	struct rd_err err = {{0}};
	/* NaN gets its own bin, last; apply sends NaN there. */
	const double x[] = {1, 2, 3, NAN, 4, 5, NAN, 6, 7, 8};
	const int y[] = {0, 0, 1, 1, 0, 1, 1, 0, 0, 1};
	struct woe_binning b;
	assert_int_equal(woe_fit_numeric(x, y, 10, &b, &err), 0);
	assert_true(b.bins[b.nbins - 1].missing);
	assert_int_equal(b.bins[b.nbins - 1].bads, 2);
	assert_int_equal(b.bins[b.nbins - 1].goods, 0);
	assert_int_equal(woe_index_numeric(&b, NAN), (int)b.nbins - 1);
	assert_true(isinf(b.iv_raw)); /* a bin without goods */
	assert_true(isfinite(b.iv));
	size_t rows = 0;
	for (size_t k = 0; k < b.nbins; k++)
		rows += b.bins[k].goods + b.bins[k].bads;
	assert_int_equal(rows, 10);
	/* The missing bin survives monotone merging, last. */
	assert_int_equal(woe_make_monotone(&b, 0.05, &err), 0);
	assert_true(b.bins[b.nbins - 1].missing);
	assert_int_equal(b.bins[b.nbins - 1].bads, 2);
	woe_free(&b);
	/* All equal values: one bin. */
	const double c[] = {5, 5, 5, 5};
	const int yc[] = {0, 1, 0, 1};
	assert_int_equal(woe_fit_numeric(c, yc, 4, &b, &err), 0);
	assert_int_equal(b.nbins, 1);
	assert_close(b.iv, 0, 1e-15);
	assert_int_equal(woe_index_numeric(&b, 1e9), 0);
	woe_free(&b);
	/* Categorical with missing levels. */
	const char *lv[] = {"b", NULL, "a", "b", NULL, "a"};
	const int yl[] = {0, 1, 1, 0, 0, 1};
	assert_int_equal(woe_fit_categorical(lv, yl, 6, &b, &err), 0);
	assert_int_equal(b.nbins, 3);
	assert_string_equal(b.bins[0].level, "a");
	assert_string_equal(b.bins[1].level, "b");
	assert_true(b.bins[2].missing && !b.bins[2].level);
	assert_int_equal(woe_index_categorical(&b, NULL), 2);
	assert_int_equal(woe_index_categorical(&b, "b"), 1);
	/* Monotone merging leaves categoricals alone. */
	assert_int_equal(woe_make_monotone(&b, 0.05, &err), 0);
	assert_int_equal(b.nbins, 3);
	woe_free(&b);
	/* Errors: one class, bad label, no rows. */
	const int y0[] = {0, 0, 0, 0};
	assert_int_equal(woe_fit_numeric(c, y0, 4, &b, &err), -1);
	assert_true(err.msg[0] != '\0');
	assert_null(b.bins);
	const int y2[] = {0, 2, 0, 1};
	assert_int_equal(woe_fit_numeric(c, y2, 4, &b, &err), -1);
	assert_int_equal(woe_fit_categorical(lv, yl, 0, &b, &err), -1);
}

/* Special codes: their rows get bins of their own and take no part in the edges, so the
 * value bins are those of the data without them; scoring finds them; no shape merges them. */
static void test_special(void **state)
{
	(void)state;
	struct rd_err err = {{0}};
	enum { N = 400 };
	double x[N], rest[N];
	int y[N], yrest[N];
	size_t m = 0;
	for (int i = 0; i < N; i++) {
		/* every 5th row holds code 98 ("not applicable"), every 7th code -1 */
		x[i] = i % 5 == 0 ? 98 : i % 7 == 0 ? -1 : (double)(i % 50);
		y[i] = i % 5 == 0 ? i % 10 == 0 : (i % 50) < 20 ? i % 3 == 0 : i % 9 == 0;
		if (x[i] != 98 && x[i] != -1) {
			rest[m] = x[i];
			yrest[m++] = y[i];
		}
	}
	const double codes[] = {98, -1, 7777}; /* 7777: no row holds it, no bin */
	struct woe_binning b, r;
	assert_int_equal(woe_fit_numeric_special(x, y, N, codes, 3, &b, &err), 0);
	assert_int_equal(woe_fit_numeric(rest, yrest, m, &r, &err), 0);
	assert_int_equal(b.nspecial, 2);
	assert_int_equal(b.nbins, r.nbins + 2);
	for (size_t k = 0; k < r.nbins; k++) {
		assert_close(b.bins[k].hi, r.bins[k].hi, 0);
		assert_int_equal(b.bins[k].goods, r.bins[k].goods);
		assert_int_equal(b.bins[k].bads, r.bins[k].bads);
	}
	/* in increasing order of the code: -1, then 98; counted by hand */
	size_t g98 = 0, d98 = 0, g1 = 0, d1 = 0;
	for (int i = 0; i < N; i++) {
		if (x[i] == 98)
			y[i] ? d98++ : g98++;
		if (x[i] == -1)
			y[i] ? d1++ : g1++;
	}
	struct woe_bin *s1 = &b.bins[r.nbins], *s98 = &b.bins[r.nbins + 1];
	assert_true(s1->special && s98->special && !b.bins[0].special);
	assert_close(s1->hi, -1, 0);
	assert_close(s98->hi, 98, 0);
	assert_int_equal(s1->goods, g1);
	assert_int_equal(s1->bads, d1);
	assert_int_equal(s98->goods, g98);
	assert_int_equal(s98->bads, d98);
	assert_int_equal(woe_index_numeric(&b, 98), (int)r.nbins + 1);
	assert_int_equal(woe_index_numeric(&b, -1), (int)r.nbins);
	assert_int_equal(woe_index_numeric(&b, -2), 0);
	assert_int_equal(woe_index_numeric(&b, 97), (int)r.nbins - 1);
	/* Every shape leaves the special bins as they were, after the value bins. */
	for (int t = 0; t < WOE_TRENDS; t++) {
		struct woe_binning c;
		assert_int_equal(woe_fit_numeric_special(x, y, N, codes, 3, &c, &err), 0);
		assert_int_equal(woe_shape(&c, 0.2, (enum woe_trend)t, NULL, &err), 0);
		assert_int_equal(c.nspecial, 2);
		assert_true(c.bins[c.nbins - 2].special && c.bins[c.nbins - 1].special);
		assert_int_equal(c.bins[c.nbins - 1].goods + c.bins[c.nbins - 1].bads, g98 + d98);
		for (size_t k = 0; k + 2 < c.nbins; k++)
			assert_false(c.bins[k].special);
		woe_free(&c);
	}
	woe_free(&b);
	woe_free(&r);
	/* Only special values: no value bins. */
	const double only[] = {98, 98, -1, -1};
	const int yo[] = {0, 1, 0, 0};
	assert_int_equal(woe_fit_numeric_special(only, yo, 4, codes, 2, &b, &err), 0);
	assert_int_equal(b.nbins, 2);
	assert_int_equal(woe_index_numeric(&b, 5), -1);
	woe_free(&b);
	double many[WOE_SPECIAL_MAX + 1] = {0};
	assert_int_equal(woe_fit_numeric_special(only, yo, 4, many, WOE_SPECIAL_MAX + 1, &b, &err),
			 -1);
}

/* Five groups of rows with the given bads per group of size each: x = 0..4. */
static void groups(const int bads[5], int size, double *x, int *y)
{
	for (int g = 0, i = 0; g < 5; g++)
		for (int k = 0; k < size; k++, i++) {
			x[i] = g;
			y[i] = k < bads[g];
		}
}

static double bad_rate(const struct woe_bin *b)
{
	return (double)b->bads / (double)(b->goods + b->bads);
}

/* The shapes: each one's bad rates follow it; auto takes a peak or valley only when the
 * turn is significant, else the better monotone shape. */
static void test_shapes(void **state)
{
	(void)state;
	struct rd_err err = {{0}};
	enum { BIG = 1000, SMALL = 40 };
	static double x[5 * BIG];
	static int y[5 * BIG];
	static const int peak[5] = {100, 200, 400, 250, 120}; /* per 1000 rows */
	static const int valley[5] = {400, 200, 100, 250, 380};
	struct woe_binning b;
	enum woe_trend got;
	/* A clear peak: auto keeps all five bins and says peak. */
	groups(peak, BIG, x, y);
	assert_int_equal(woe_fit_numeric(x, y, 5 * BIG, &b, &err), 0);
	assert_int_equal(b.nbins, 5);
	double iv_all = b.iv;
	assert_int_equal(woe_shape(&b, 0.05, WOE_TREND_AUTO, &got, &err), 0);
	assert_int_equal(got, WOE_TREND_PEAK);
	assert_int_equal(b.nbins, 5);
	assert_close(b.iv, iv_all, 1e-12);
	woe_free(&b);
	/* Forced ascending on it: the bad rate rises strictly, fewer bins, less IV. */
	assert_int_equal(woe_fit_numeric(x, y, 5 * BIG, &b, &err), 0);
	assert_int_equal(woe_shape(&b, 0.05, WOE_TREND_ASCENDING, &got, &err), 0);
	assert_int_equal(got, WOE_TREND_ASCENDING);
	assert_true(b.nbins < 5 && b.iv < iv_all);
	for (size_t k = 0; k + 1 < b.nbins; k++)
		assert_true(bad_rate(&b.bins[k]) < bad_rate(&b.bins[k + 1]));
	woe_free(&b);
	/* Descending: falls strictly. */
	assert_int_equal(woe_fit_numeric(x, y, 5 * BIG, &b, &err), 0);
	assert_int_equal(woe_shape(&b, 0.05, WOE_TREND_DESCENDING, &got, &err), 0);
	for (size_t k = 0; k + 1 < b.nbins; k++)
		assert_true(bad_rate(&b.bins[k]) > bad_rate(&b.bins[k + 1]));
	woe_free(&b);
	/* Valley asked of a peak: rises nowhere before its lowest bin, falls nowhere after. */
	assert_int_equal(woe_fit_numeric(x, y, 5 * BIG, &b, &err), 0);
	assert_int_equal(woe_shape(&b, 0.05, WOE_TREND_VALLEY, &got, &err), 0);
	size_t low = 0;
	for (size_t k = 1; k < b.nbins; k++)
		if (bad_rate(&b.bins[k]) < bad_rate(&b.bins[low]))
			low = k;
	for (size_t k = 0; k + 1 < b.nbins; k++)
		assert_true(k < low ? bad_rate(&b.bins[k]) > bad_rate(&b.bins[k + 1])
				    : bad_rate(&b.bins[k]) < bad_rate(&b.bins[k + 1]));
	woe_free(&b);
	/* A clear valley: auto says valley. */
	groups(valley, BIG, x, y);
	assert_int_equal(woe_fit_numeric(x, y, 5 * BIG, &b, &err), 0);
	assert_int_equal(woe_shape(&b, 0.05, WOE_TREND_AUTO, &got, &err), 0);
	assert_int_equal(got, WOE_TREND_VALLEY);
	assert_int_equal(b.nbins, 5);
	woe_free(&b);
	/* The same rates on 40 rows a group: the turn is not significant (z about 1.1), so
	 * auto stays monotone, as woe_make_monotone would. */
	static const int peak_small[5] = {4, 6, 10, 7, 5};
	groups(peak_small, SMALL, x, y);
	struct woe_binning mono;
	assert_int_equal(woe_fit_numeric(x, y, 5 * SMALL, &b, &err), 0);
	assert_int_equal(woe_fit_numeric(x, y, 5 * SMALL, &mono, &err), 0);
	assert_int_equal(woe_shape(&b, 0.05, WOE_TREND_AUTO, &got, &err), 0);
	assert_int_equal(woe_make_monotone(&mono, 0.05, &err), 0);
	assert_true(got == WOE_TREND_ASCENDING || got == WOE_TREND_DESCENDING);
	assert_int_equal(b.nbins, mono.nbins);
	assert_close(b.iv, mono.iv, 0);
	woe_free(&mono);
	woe_free(&b);
	/* Peak on the small groups still fits the shape; none keeps all five (each is 20 %). */
	assert_int_equal(woe_fit_numeric(x, y, 5 * SMALL, &b, &err), 0);
	assert_int_equal(woe_shape(&b, 0.05, WOE_TREND_PEAK, &got, &err), 0);
	assert_int_equal(got, WOE_TREND_PEAK);
	assert_int_equal(b.nbins, 5);
	woe_free(&b);
	assert_int_equal(woe_fit_numeric(x, y, 5 * SMALL, &b, &err), 0);
	assert_int_equal(woe_shape(&b, 0.05, WOE_TREND_NONE, &got, &err), 0);
	assert_int_equal(b.nbins, 5);
	woe_free(&b);
	/* none still merges bins under the share floor */
	assert_int_equal(woe_fit_numeric(x, y, 5 * SMALL, &b, &err), 0);
	assert_int_equal(woe_shape(&b, 0.3, WOE_TREND_NONE, &got, &err), 0);
	assert_true(b.nbins < 5);
	for (size_t k = 0; k < b.nbins; k++)
		assert_true(b.bins[k].goods + b.bins[k].bads >= 60);
	woe_free(&b);
	/* Names, and bad arguments. */
	assert_int_equal(woe_trend_parse("valley"), WOE_TREND_VALLEY);
	assert_int_equal(woe_trend_parse("monotone"), -1);
	assert_string_equal(woe_trend_names[WOE_TREND_NONE], "none");
	assert_int_equal(woe_fit_numeric(x, y, 5 * SMALL, &b, &err), 0);
	assert_int_equal(woe_shape(&b, 1.5, WOE_TREND_AUTO, &got, &err), -1);
	woe_free(&b);
}

/* Hand-set edges (train --bins), a case worked by hand. x = 1 … 6 and two missing, bads
 * at 2, 5 and one missing; edges 2, 4, 100 make (−inf, 2]: 1 good 1 bad, (2, 4]: 2 goods,
 * (4, 100]: 1 good 1 bad, (100, inf): empty, missing: 1 good 1 bad. G = 5, D = 3, and
 * B = 4 bins holding rows (the empty one has WoE 0, adds nothing and is not counted):
 * %good = (g + ½)/7, %bad = (d + ½)/5. */
static void test_hand_edges(void **state)
{
	(void)state;
	const double x[] = {1, 2, 3, 4, 5, 6, NAN, NAN}, edge[] = {2, 4, 100};
	const int y[] = {0, 1, 0, 0, 1, 0, 1, 0};
	struct woe_binning b;
	struct rd_err err = {{0}};
	assert_int_equal(woe_fit_numeric_edges(x, y, 8, NULL, 0, edge, 3, &b, &err), 0);
	assert_int_equal(b.nbins, 5);
	assert_int_equal(b.nspecial, 0);
	const size_t g[] = {1, 2, 1, 0, 1}, d[] = {1, 0, 1, 0, 1};
	const double hi[] = {2, 4, 100, INFINITY, NAN};
	double w11 = log((1.5 / 7) / (1.5 / 5)), w20 = log((2.5 / 7) / (0.5 / 5));
	const double woe[] = {w11, w20, w11, 0, w11};
	double iv11 = (1.5 / 7 - 1.5 / 5) * w11, iv20 = (2.5 / 7 - 0.5 / 5) * w20;
	for (size_t k = 0; k < 5; k++) {
		assert_int_equal(b.bins[k].goods, g[k]);
		assert_int_equal(b.bins[k].bads, d[k]);
		assert_close(b.bins[k].woe, woe[k], 1e-12);
		if (k < 4)
			assert_close(b.bins[k].hi, hi[k], 0);
	}
	assert_true(b.bins[4].missing);
	assert_close(b.bins[0].woe, -0.33647223662121289, 1e-12); /* ln(5/7) */
	assert_close(b.bins[1].woe, 1.2729656758128873, 1e-12);   /* ln(25/7) */
	assert_close(b.iv, 3 * iv11 + iv20, 1e-12);
	assert_close(b.bins[3].iv_part, 0, 0);
	/* The automatic fit of the same rows would merge or move those bins. */
	assert_int_equal(woe_index_numeric(&b, 4.0), 1);
	assert_int_equal(woe_index_numeric(&b, 4.5), 2);
	assert_int_equal(woe_index_numeric(&b, 1e9), 3);
	woe_free(&b);
	/* Edges must be finite and increase. */
	const double down[] = {4, 2}, same[] = {2, 2}, inf[] = {2, INFINITY};
	assert_int_equal(woe_fit_numeric_edges(x, y, 8, NULL, 0, down, 2, &b, &err), -1);
	assert_int_equal(woe_fit_numeric_edges(x, y, 8, NULL, 0, same, 2, &b, &err), -1);
	assert_int_equal(woe_fit_numeric_edges(x, y, 8, NULL, 0, inf, 2, &b, &err), -1);
	/* Special codes keep their own bin between the value bins and the missing one. */
	const double code[] = {6};
	assert_int_equal(woe_fit_numeric_edges(x, y, 8, code, 1, edge, 3, &b, &err), 0);
	assert_int_equal(b.nbins, 6);
	assert_true(b.bins[4].special && b.bins[4].goods == 1 && b.bins[4].bads == 0);
	assert_int_equal(b.bins[2].goods, 0); /* 6 left (4, 100] */
	woe_free(&b);
}

/* Hand-set level groups: group 0 = {a, b}, 1 = {c}, 2 = {z} (no row), missing rows apart. */
static void test_hand_groups(void **state)
{
	(void)state;
	const int group[] = {0, 0, 1, 1, 0, -1}, y[] = {1, 0, 0, 0, 1, 0};
	struct woe_binning b;
	struct rd_err err = {{0}};
	assert_int_equal(woe_fit_groups(group, y, 6, 3, &b, &err), 0);
	assert_int_equal(b.nbins, 4);
	/* G = 4, D = 2, B = 3 (group 2 is empty): %good = (g + ½)/5.5, %bad = (d + ½)/3.5. */
	assert_int_equal(b.bins[0].goods, 1);
	assert_int_equal(b.bins[0].bads, 2);
	assert_close(b.bins[0].woe, log((1.5 / 5.5) / (2.5 / 3.5)), 1e-12);
	assert_close(b.bins[1].woe, log((2.5 / 5.5) / (0.5 / 3.5)), 1e-12);
	assert_close(b.bins[2].woe, 0, 0);
	assert_true(b.bins[3].missing && b.bins[3].goods == 1);
	assert_close(b.bins[3].woe, log((1.5 / 5.5) / (0.5 / 3.5)), 1e-12);
	woe_free(&b);
	const int out_of_range[] = {0, 3};
	assert_int_equal(woe_fit_groups(out_of_range, y, 2, 3, &b, &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checking_status), cmocka_unit_test(test_duration),
		cmocka_unit_test(test_full_reference),  cmocka_unit_test(test_iv_table),
		cmocka_unit_test(test_monotone),        cmocka_unit_test(test_missing_and_edges),
		cmocka_unit_test(test_special),         cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_hand_edges),      cmocka_unit_test(test_hand_groups),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
