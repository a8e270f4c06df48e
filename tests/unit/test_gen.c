/* The synthetic dataset generator: determinism, the committed sample, file format,
 * referential integrity, realism (risk shows in behaviour and defaults), drift,
 * options, cancellation. Run from the repository root. */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>

#include <cjson/cJSON.h>

#include "riskdesk/gen.h"
#include "riskdesk/util.h"
#include "riskdesk/vocab.h"

#define NFILES 6
static const char *const files[NFILES] = {"customers.csv",       "orders.csv",
					  "payments.csv",        "outcomes.csv",
					  "credit_requests.csv", "external_records.csv"};

/* ---- helpers ---- */

/* A fresh directory path under a per-process temporary root (not created). */
static const char *tmp_dir(const char *name)
{
	static char paths[8][512];
	static int next;
	char root[256];
	snprintf(root, sizeof root, "/tmp/riskdesk-gen-%d", (int)getpid());
	mkdir(root, 0700);
	char *p = paths[next++ % 8];
	snprintf(p, 512, "%s/%s", root, name);
	return p;
}

static void rm_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	char path[1024];
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot read %s", path);
	struct rd_buf b = {0};
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return b.data ? buf_steal(&b) : rd_strdup("");
}

static int same_file(const char *a, const char *b)
{
	size_t la, lb;
	char *x = slurp(a, &la), *y = slurp(b, &lb);
	int same = la == lb && memcmp(x, y, la) == 0;
	free(x);
	free(y);
	return same;
}

static void gen_ok(const char *dir, int64_t customers, uint64_t seed, int months, int drift)
{
	struct gen_opts o;
	struct gen_report rep;
	struct rd_err err = {{0}};
	gen_opts_default(&o);
	o.customers = customers;
	o.seed = seed;
	o.months = months;
	o.drift = drift;
	if (gen_write(dir, &o, &rep, &err))
		fail_msg("gen_write %s: %s", dir, err.msg);
	assert_int_equal(rep.customers, customers);
	assert_int_equal(rep.outcomes, customers);
	assert_true(rep.requests >= 0 && rep.records >= 0);
}

/* A strict RFC 4180 reader over a file held in memory, unquoting in place. */
struct csv {
	char *data;
	size_t len, pos;
	int line; /* of the record just read */
};

/* Reads the next record into f (at most max fields). Returns the number of fields,
 * 0 at the end, or fails the test on malformed input. */
static int csv_next(struct csv *c, char **f, int max)
{
	if (c->pos >= c->len)
		return 0;
	c->line++;
	int n = 0;
	for (;;) {
		char *start = c->data + c->pos, *w = start;
		if (c->data[c->pos] == '"') {
			c->pos++;
			for (;;) {
				if (c->pos >= c->len)
					fail_msg("line %d: unterminated quote", c->line);
				char ch = c->data[c->pos++];
				if (ch == '"') {
					if (c->pos < c->len && c->data[c->pos] == '"')
						c->pos++;
					else
						break;
				}
				*w++ = ch;
			}
		} else {
			while (c->pos < c->len && c->data[c->pos] != ',' &&
			       c->data[c->pos] != '\n') {
				if (c->data[c->pos] == '"' || c->data[c->pos] == '\r')
					fail_msg("line %d: stray quote or CR", c->line);
				*w++ = c->data[c->pos++];
			}
		}
		if (c->pos >= c->len)
			fail_msg("line %d: no line end", c->line);
		char end = c->data[c->pos++];
		*w = '\0';
		if (n == max)
			fail_msg("line %d: more than %d fields", c->line, max);
		f[n++] = start;
		if (end == '\n')
			return n;
		if (end != ',')
			fail_msg("line %d: junk after a quoted field", c->line);
	}
}

static int is_amount(const char *s)
{
	const char *dot = strchr(s, '.');
	if (!dot || dot == s || strlen(dot) != 3)
		return 0;
	for (const char *p = s; *p; p++)
		if (p != dot && (*p < '0' || *p > '9'))
			return 0;
	return 1;
}

/* Per customer: what the tests measure. */
struct cust {
	int64_t created_day;
	int64_t observed_day; /* the outcome's observed_at */
	int64_t first_order;  /* the day of the earliest order, INT64_MAX without */
	int company, defaulted, has_outcome;
	int orders, delivered, returned, cancelled;
	int payments, failed, cod;
	double spend;
	int requests;         /* credit requests */
	int64_t last_request; /* epoch second of the latest, or -1 */
	int tax, land;        /* its records at the tax office and the land registry */
	int insolvent;        /* a record says so */
};

#define GEN_MONTHS_MAX 12

/* Per half of the window (0: before the split date, 1: from it). */
struct half {
	int64_t orders, returned, payments, cod, failed;
	double amount;
};

struct dataset {
	int64_t n;
	struct cust *c;
	struct rd_strmap *ids;    /* customer id -> index */
	struct rd_strmap *orders; /* order id -> customer index */
	int64_t norders, npayments, orphan_payments;
	int names_with_comma, names_with_quote;
	struct half half[2];
	int64_t *order_day, *order_cust; /* each order's day and customer index */
	size_t order_cap;
	int64_t nrequests, by_status[REQUEST_STATUSES], nrecords;
	int64_t month_requests[GEN_MONTHS_MAX]; /* per reported month (12 months only) */
};

static void dataset_free(struct dataset *d)
{
	free(d->c);
	free(d->order_day);
	free(d->order_cust);
	strmap_free(d->ids);
	strmap_free(d->orders);
}

static int64_t day_of(const char *s, int with_time)
{
	int64_t e;
	size_t len = strlen(s);
	if (with_time ? len != 20 || s[10] != 'T' || s[19] != 'Z' : len != 10)
		fail_msg("'%s' is not an ISO 8601 %s", s, with_time ? "time" : "date");
	if (date_parse(s, len, &e))
		fail_msg("'%s' does not parse", s);
	return epoch_day(e);
}

/* Reads and checks a generated directory of months reported months; split is the epoch day
 * dividing the halves. */
static void dataset_read(struct dataset *d, const char *dir, int64_t split, int months)
{
	static const char *const headers[NFILES] = {
		"id,name,email,phone,kind,created_at",
		"id,customer_id,amount,status,created_at",
		"id,customer_id,order_id,method,success,amount,created_at",
		"customer_id,defaulted,observed_at",
		("id,customer_id,amount,term_months,purpose,yearly_income,existing_debt,status,"
		 "created_at"),
		"source,key,customer_id,payload,fetched_at",
	};
	static const int ncols[NFILES] = {6, 5, 7, 3, 9, 5};
	int64_t as_of_epoch;
	date_parse(GEN_AS_OF, strlen(GEN_AS_OF), &as_of_epoch);
	int64_t as_of = epoch_day(as_of_epoch);
	memset(d, 0, sizeof *d);
	d->ids = strmap_new(1024);
	d->orders = strmap_new(1024);
	struct rd_strmap *pay_ids = strmap_new(1024), *req_ids = strmap_new(1024);
	struct rd_strmap *rec_keys = strmap_new(1024);
	/* The reported months' first day: credit requests begin there. */
	int64_t first_month = 2025 * 12 + 5 - (months - 1); /* GEN_AS_OF's month is June 2025 */
	int64_t window = days_from_civil(first_month / 12, (unsigned)(first_month % 12) + 1, 1);
	for (int k = 0; k < NFILES; k++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", dir, files[k]);
		struct csv c = {0};
		c.data = slurp(path, &c.len);
		char *f[16];
		int nf = csv_next(&c, f, 16);
		assert_int_equal(nf, ncols[k]);
		char header[512] = "";
		for (int i = 0; i < nf; i++) {
			strcat(header, i ? "," : "");
			strcat(header, f[i]);
		}
		assert_string_equal(header, headers[k]);
		while ((nf = csv_next(&c, f, 16)) > 0) {
			if (nf != ncols[k])
				fail_msg("%s:%d: %d fields, expected %d", files[k], c.line, nf,
					 ncols[k]);
			if (k == 0) { /* customers */
				d->c = rd_realloc(d->c, (size_t)(d->n + 1) * sizeof *d->c);
				struct cust *cu = &d->c[d->n];
				memset(cu, 0, sizeof *cu);
				if (strmap_put(d->ids, f[0], strlen(f[0]), d->n) != 1)
					fail_msg("duplicate customer %s", f[0]);
				assert_true(f[0][0] == 'C');
				assert_true(utf8_valid(f[1], strlen(f[1])) && f[1][0]);
				assert_non_null(strchr(f[2], '@'));
				assert_true(f[3][0] == '+');
				d->names_with_comma += strchr(f[1], ',') != NULL;
				d->names_with_quote += strchr(f[1], '"') != NULL;
				if (strcmp(f[4], "company") == 0)
					cu->company = 1;
				else if (strcmp(f[4], "individual") != 0)
					fail_msg("customer %s: kind '%s'", f[0], f[4]);
				cu->created_day = day_of(f[5], 0);
				cu->first_order = INT64_MAX;
				cu->last_request = -1;
				assert_true(cu->created_day <= as_of);
				d->n++;
			} else if (k == 1) { /* orders */
				int64_t ci = strmap_get(d->ids, f[1], strlen(f[1]));
				if (ci < 0)
					fail_msg("order %s: unknown customer %s", f[0], f[1]);
				if (strmap_put(d->orders, f[0], strlen(f[0]), ci) != 1)
					fail_msg("duplicate order %s", f[0]);
				if (!is_amount(f[2]))
					fail_msg("order %s: amount '%s'", f[0], f[2]);
				double amount = atof(f[2]);
				int64_t day = day_of(f[4], 1);
				assert_true(day <= as_of);
				assert_true(day >= d->c[ci].created_day);
				struct cust *cu = &d->c[ci];
				struct half *h = &d->half[day >= split];
				if (day < cu->first_order)
					cu->first_order = day;
				if ((size_t)d->norders == d->order_cap) {
					d->order_cap = d->order_cap ? 2 * d->order_cap : 4096;
					d->order_day = rd_realloc(d->order_day,
								  d->order_cap * sizeof(int64_t));
					d->order_cust = rd_realloc(d->order_cust,
								   d->order_cap * sizeof(int64_t));
				}
				d->order_day[d->norders] = day;
				d->order_cust[d->norders] = ci;
				cu->orders++;
				h->orders++;
				h->amount += amount;
				if (strcmp(f[3], "delivered") == 0) {
					cu->delivered++;
					cu->spend += amount;
				} else if (strcmp(f[3], "returned") == 0) {
					cu->returned++;
					h->returned++;
				} else if (strcmp(f[3], "cancelled") == 0) {
					cu->cancelled++;
				} else if (strcmp(f[3], "placed") != 0 &&
					   strcmp(f[3], "shipped") != 0) {
					fail_msg("order %s: status '%s'", f[0], f[3]);
				}
				d->norders++;
			} else if (k == 2) { /* payments */
				int64_t ci = strmap_get(d->ids, f[1], strlen(f[1]));
				if (ci < 0)
					fail_msg("payment %s: unknown customer %s", f[0], f[1]);
				if (strmap_put(pay_ids, f[0], strlen(f[0]), 0) != 1)
					fail_msg("duplicate payment %s", f[0]);
				if (f[2][0]) {
					if (strmap_get(d->orders, f[2], strlen(f[2])) != ci)
						fail_msg("payment %s: order %s is not customer "
							 "%s's",
							 f[0], f[2], f[1]);
				} else {
					d->orphan_payments++;
				}
				int cod = strcmp(f[3], "cod") == 0;
				if (!cod && strcmp(f[3], "card") && strcmp(f[3], "wallet") &&
				    strcmp(f[3], "bank"))
					fail_msg("payment %s: method '%s'", f[0], f[3]);
				if (strcmp(f[4], "0") && strcmp(f[4], "1"))
					fail_msg("payment %s: success '%s'", f[0], f[4]);
				if (!is_amount(f[5]))
					fail_msg("payment %s: amount '%s'", f[0], f[5]);
				int64_t day = day_of(f[6], 1);
				assert_true(day <= as_of);
				struct cust *cu = &d->c[ci];
				struct half *h = &d->half[day >= split];
				cu->payments++;
				cu->failed += f[4][0] == '0';
				cu->cod += cod;
				h->payments++;
				h->cod += cod;
				h->failed += f[4][0] == '0';
				d->npayments++;
			} else if (k == 4) { /* credit requests */
				int64_t ci = strmap_get(d->ids, f[1], strlen(f[1]));
				if (ci < 0)
					fail_msg("request %s: unknown customer %s", f[0], f[1]);
				if (f[0][0] != 'R' ||
				    strmap_put(req_ids, f[0], strlen(f[0]), 0) != 1)
					fail_msg("request id %s", f[0]);
				struct cust *cu = &d->c[ci];
				char *end;
				long amount = strtol(f[2], &end, 10), term = strtol(f[3], &end, 10);
				if (amount <= 0 || strspn(f[2], "0123456789") != strlen(f[2]))
					fail_msg("request %s: amount '%s'", f[0], f[2]);
				if (term != 12 && term != 24 && term != 36 && term != 48 &&
				    term != 60 && term != 84)
					fail_msg("request %s: term '%s'", f[0], f[3]);
				assert_true(f[4][0] != '\0');
				assert_true(atol(f[5]) > 0 && atol(f[6]) >= 0);
				int status = vocab_find(&vocab_request_status, f[7]);
				if (status < 0)
					fail_msg("request %s: status '%s'", f[0], f[7]);
				int64_t day = day_of(f[8], 1);
				assert_true(day >= cu->created_day && day >= window &&
					    day <= as_of);
				/* The last 30 days are the queue; only they are pending. */
				assert_int_equal(status == REQUEST_PENDING, as_of - day < 30);
				int64_t at;
				date_parse(f[8], strlen(f[8]), &at);
				if (at > cu->last_request)
					cu->last_request = at;
				cu->requests++;
				d->by_status[status]++;
				d->nrequests++;
				int64_t mi = (atol(f[8]) * 12 + atol(f[8] + 5) - 1) -
					     (2024 * 12 + 6);
				if (mi >= 0 && mi < GEN_MONTHS_MAX)
					d->month_requests[mi]++;
			} else if (k == 5) { /* external records */
				int64_t ci = strmap_get(d->ids, f[2], strlen(f[2]));
				if (ci < 0)
					fail_msg("record %s %s: unknown customer %s", f[0], f[1],
						 f[2]);
				struct cust *cu = &d->c[ci];
				char key[128];
				snprintf(key, sizeof key, "%s/%s", f[0], f[1]);
				if (strmap_put(rec_keys, key, strlen(key), 0) != 1)
					fail_msg("record %s given twice", key);
				int tax = strcmp(f[0], "tax_office") == 0;
				if (!tax && strcmp(f[0], "land_registry") != 0)
					fail_msg("record %s: source", key);
				cJSON *j = cJSON_Parse(f[3]);
				if (!cJSON_IsObject(j))
					fail_msg("record %s: payload %s", key, f[3]);
				const cJSON *ins = cJSON_GetObjectItemCaseSensitive(j,
										    "insolvency");
				assert_true(cJSON_IsBool(ins));
				const cJSON *id = cJSON_GetObjectItemCaseSensitive(j,
										   tax ? "tax_id"
										       : "parcel");
				assert_true(cJSON_IsString(id) &&
					    strcmp(id->valuestring, f[1]) == 0);
				cu->insolvent |= cJSON_IsTrue(ins);
				cJSON_Delete(j);
				/* Fetched when the customer last applied, a few minutes later. */
				int64_t at;
				assert_int_equal(date_parse(f[4], strlen(f[4]), &at), 0);
				assert_true(cu->requests > 0 && at > cu->last_request &&
					    at < cu->last_request + 3600);
				cu->tax += tax;
				cu->land += !tax;
				d->nrecords++;
			} else { /* outcomes */
				int64_t ci = strmap_get(d->ids, f[0], strlen(f[0]));
				if (ci < 0)
					fail_msg("outcome: unknown customer %s", f[0]);
				assert_false(d->c[ci].has_outcome);
				d->c[ci].has_outcome = 1;
				assert_true(strcmp(f[1], "0") == 0 || strcmp(f[1], "1") == 0);
				struct cust *cu = &d->c[ci];
				cu->defaulted = f[1][0] == '1';
				cu->observed_day = day_of(f[2], 0);
				/* A good is observed at the end of the history; a default when it was
				 * declared: 60 days or more after joining, with an order by then. */
				if (!cu->defaulted)
					assert_int_equal(cu->observed_day, as_of);
				else if (cu->observed_day > as_of ||
					 cu->observed_day < cu->created_day + 60 ||
					 cu->first_order > cu->observed_day)
					fail_msg("customer %s: joined on day %lld, first order on "
						 "day %lld, "
						 "default observed %s",
						 f[0], (long long)cu->created_day,
						 (long long)cu->first_order, f[2]);
			}
		}
		free(c.data);
	}
	for (int64_t i = 0; i < d->n; i++)
		assert_true(d->c[i].has_outcome && d->c[i].tax <= 1 && d->c[i].land <= 1);
	strmap_free(pay_ids);
	strmap_free(req_ids);
	strmap_free(rec_keys);
}

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

/* SPEC section 5's rules score from the test's own counts. */
static double rules_score(const struct cust *c)
{
	double aov = ratio(c->spend, c->delivered);
	double s = 600 + fmin(c->spend / 20, 150) + fmin(4.0 * c->delivered, 100) +
		   fmin(aov / 2, 50) - 300 * ratio(c->returned, c->orders) -
		   400 * ratio(c->failed, c->payments) - 150 * ratio(c->cod, c->payments);
	return fmax(300, fmin(1000, s));
}

struct scored {
	double score;
	int bad;
};

static int cmp_scored(const void *a, const void *b)
{
	double x = ((const struct scored *)a)->score, y = ((const struct scored *)b)->score;
	return (x > y) - (x < y);
}

/* AUC of "a lower score means default" (ties count half). */
static double auc_low_is_bad(const struct dataset *d)
{
	struct scored *s = rd_malloc((size_t)d->n * sizeof *s);
	int64_t nbad = 0;
	for (int64_t i = 0; i < d->n; i++) {
		s[i].score = -rules_score(&d->c[i]);
		s[i].bad = d->c[i].defaulted;
		nbad += s[i].bad;
	}
	qsort(s, (size_t)d->n, sizeof *s, cmp_scored);
	double rank_sum = 0;
	for (int64_t i = 0; i < d->n;) {
		int64_t j = i, bad = 0;
		while (j < d->n && s[j].score == s[i].score)
			bad += s[j++].bad;
		rank_sum += (double)bad * (double)(i + j + 1) / 2;
		i = j;
	}
	free(s);
	double ngood = (double)(d->n - nbad);
	return (rank_sum - (double)nbad * (double)(nbad + 1) / 2) / ((double)nbad * ngood);
}

static int64_t day_num(const char *s)
{
	int64_t e;
	date_parse(s, strlen(s), &e);
	return epoch_day(e);
}

/* ---- tests ---- */

static void same_seed_same_bytes(void **state)
{
	(void)state;
	const char *a = tmp_dir("same-a"), *b = tmp_dir("same-b"), *c = tmp_dir("same-c");
	gen_ok(a, 700, 7, 12, 0);
	gen_ok(b, 700, 7, 12, 0);
	gen_ok(c, 700, 8, 12, 0);
	for (int i = 0; i < NFILES; i++) {
		char pa[600], pb[600], pc[600];
		snprintf(pa, sizeof pa, "%s/%s", a, files[i]);
		snprintf(pb, sizeof pb, "%s/%s", b, files[i]);
		snprintf(pc, sizeof pc, "%s/%s", c, files[i]);
		assert_true(same_file(pa, pb));
		assert_false(same_file(pa, pc)); /* another seed, other data */
	}
	rm_dir(a);
	rm_dir(b);
	rm_dir(c);
}

static void reproduces_committed_sample(void **state)
{
	(void)state;
	const char *dir = tmp_dir("sample");
	gen_ok(dir, 2000, 42, 12, 0);
	for (int i = 0; i < NFILES; i++) {
		char mine[600], committed[600];
		snprintf(mine, sizeof mine, "%s/%s", dir, files[i]);
		snprintf(committed, sizeof committed, "sample-data/%s", files[i]);
		if (access(committed, R_OK) != 0)
			fail_msg("%s is missing (run the tests from the repository root)",
				 committed);
		if (!same_file(mine, committed))
			fail_msg("%s differs from a fresh 'gen --customers 2000 --seed 42'",
				 committed);
	}
	rm_dir(dir);
}

static void format_and_integrity(void **state)
{
	(void)state;
	const char *dir = tmp_dir("format");
	struct dataset d;
	gen_ok(dir, 2000, 42, 12, 0);
	dataset_read(&d, dir, day_num("2025-03-01"), 12);
	assert_int_equal(d.n, 2000);
	assert_int_equal(strmap_get(d.ids, "C0001", 5), 0); /* padded to the width of N */
	assert_int_equal(strmap_get(d.ids, "C2000", 5), 1999);
	assert_true(d.names_with_comma > 10); /* "Meyer, Lange & Co": quoted */
	assert_true(d.names_with_quote > 0);  /* doubled quotes */
	/* About 20 orders and 20 payments a customer; most payments belong to an order. */
	assert_true(d.norders > 30000 && d.norders < 50000);
	assert_true(d.npayments > 0.9 * (double)d.norders &&
		    d.npayments < 1.25 * (double)d.norders);
	assert_true(d.orphan_payments > 0 && d.orphan_payments < d.npayments / 10);
	int companies = 0, quiet = 0;
	for (int64_t i = 0; i < d.n; i++) {
		companies += d.c[i].company;
		quiet += d.c[i].orders <= 2;
	}
	assert_true(companies > 150 && companies < 350); /* ~12% */
	assert_true(quiet > 60 && quiet < 400);          /* new customers */
	/* Files 0600 in a directory made 0700. */
	struct stat sb;
	assert_int_equal(stat(dir, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	for (int i = 0; i < NFILES; i++) {
		char p[600];
		snprintf(p, sizeof p, "%s/%s", dir, files[i]);
		assert_int_equal(stat(p, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0600);
	}
	assert_int_equal(count_entries(dir), NFILES); /* no temporaries left */
	/* A few percent of the customers on the book apply each month: the applications of
	 * each reported month against the customers who had joined by its end. */
	for (int mi = 0; mi < GEN_MONTHS_MAX; mi++) {
		int64_t y = 2024 + (6 + mi + 1) / 12;
		unsigned m = (unsigned)((6 + mi + 1) % 12) + 1;
		int64_t end = days_from_civil(y, m, 1) - 1, on_book = 0;
		for (int64_t i = 0; i < d.n; i++)
			on_book += d.c[i].created_day <= end;
		double share = (double)d.month_requests[mi] / (double)on_book;
		if (share < 0.01 || share > 0.08)
			fail_msg("month %d: %lld requests of %lld customers", mi,
				 (long long)d.month_requests[mi], (long long)on_book);
	}
	/* Every status; a queue of pending ones; mostly approved. */
	for (int k = 0; k < REQUEST_STATUSES; k++)
		assert_true(d.by_status[k] > 0);
	assert_true(d.by_status[REQUEST_APPROVED] > d.nrequests / 2);
	/* Tax office and land registry records for most applicants; a few insolvent. */
	int64_t applicants = 0, tax = 0, land = 0, insolvent = 0;
	for (int64_t i = 0; i < d.n; i++) {
		applicants += d.c[i].requests > 0;
		tax += d.c[i].tax;
		land += d.c[i].land;
		insolvent += d.c[i].insolvent;
		assert_true(d.c[i].requests > 0 || d.c[i].tax + d.c[i].land == 0);
	}
	print_message("%lld requests by %lld applicants; %lld tax, %lld land records, %lld"
		      " insolvent\n",
		      (long long)d.nrequests, (long long)applicants, (long long)tax,
		      (long long)land, (long long)insolvent);
	assert_true(tax > 0.85 * (double)applicants && tax < 0.98 * (double)applicants);
	assert_true(land > 0.6 * (double)applicants && land < 0.8 * (double)applicants);
	assert_true(insolvent > 0 && insolvent < applicants / 20);
	dataset_free(&d);
	rm_dir(dir);
}

static void risk_shows_in_behaviour(void **state)
{
	(void)state;
	const char *dir = tmp_dir("realism");
	struct dataset d;
	gen_ok(dir, 5000, 11, 12, 0);
	dataset_read(&d, dir, day_num("2025-03-01"), 12);
	double sum[2][3] = {{0}}; /* [defaulted][return rate, failed rate, cod share] */
	int64_t n[2] = {0, 0};
	for (int64_t i = 0; i < d.n; i++) {
		const struct cust *c = &d.c[i];
		int k = c->defaulted;
		n[k]++;
		sum[k][0] += ratio(c->returned, c->orders);
		sum[k][1] += ratio(c->failed, c->payments);
		sum[k][2] += ratio(c->cod, c->payments);
	}
	double rate = (double)n[1] / (double)d.n;
	print_message("default rate %.3f\n", rate);
	assert_true(rate > 0.08 && rate < 0.22);
	for (int f = 0; f < 3; f++) {
		double bad = sum[1][f] / (double)n[1], good = sum[0][f] / (double)n[0];
		print_message("feature %d: defaulters %.3f, others %.3f\n", f, bad, good);
		assert_true(bad > 1.4 * good);
	}
	/* Predictable, but noisy: the plain rules score ranks defaulters. */
	double auc = auc_low_is_bad(&d);
	print_message("rules score AUC %.3f\n", auc);
	assert_true(auc > 0.66 && auc < 0.86);
	/* The riskier apply more often and are insolvent more often: applicants default more
	 * than the others, and the insolvent most. */
	int64_t apply[2] = {0, 0}, apply_bad[2] = {0, 0}, ins = 0, ins_bad = 0;
	for (int64_t i = 0; i < d.n; i++) {
		int a = d.c[i].requests > 0;
		apply[a]++;
		apply_bad[a] += d.c[i].defaulted;
		ins += d.c[i].insolvent;
		ins_bad += d.c[i].insolvent && d.c[i].defaulted;
	}
	double ra = (double)apply_bad[1] / (double)apply[1],
	       ro = (double)apply_bad[0] / (double)apply[0];
	double ri = (double)ins_bad / (double)ins;
	print_message("default rate: applicants %.3f, others %.3f, insolvent %.3f (%lld)\n", ra, ro,
		      ri, (long long)ins);
	assert_true(ra > 1.2 * ro);
	assert_true(ri > 1.5 * ra);
	dataset_free(&d);
	rm_dir(dir);
}

static void drift_shifts_later_months(void **state)
{
	(void)state;
	const char *plain = tmp_dir("nodrift"), *drifted = tmp_dir("drift");
	struct dataset d0, d1;
	int64_t split = day_num("2025-01-01"); /* the last 6 of 12 months */
	gen_ok(plain, 3000, 5, 12, 0);
	gen_ok(drifted, 3000, 5, 12, 1);
	dataset_read(&d0, plain, split, 12);
	dataset_read(&d1, drifted, split, 12);
	for (int k = 0; k < 2; k++) {
		const struct half *h = k ? d1.half : d0.half;
		double ret = ratio((double)h[1].returned / (double)h[1].orders,
				   (double)h[0].returned / (double)h[0].orders);
		double value = ratio(h[1].amount / (double)h[1].orders,
				     h[0].amount / (double)h[0].orders);
		double cod = ratio((double)h[1].cod / (double)h[1].payments,
				   (double)h[0].cod / (double)h[0].payments);
		double failed = ratio((double)h[1].failed / (double)h[1].payments,
				      (double)h[0].failed / (double)h[0].payments);
		print_message("%s: later/earlier returns %.2f, order value %.2f, cod %.2f, "
			      "failed payments %.2f\n",
			      k ? "drift" : "no drift", ret, value, cod, failed);
		if (k) {
			assert_true(ret > 1.7);
			assert_true(value > 1.4);
			assert_true(cod > 1.7);
			assert_true(failed > 1.7);
		} else {
			assert_true(ret > 0.75 &&
				    ret < 1.15); /* recent returns are still to come */
			assert_true(value > 0.9 && value < 1.1);
			assert_true(cod > 0.9 && cod < 1.1);
			assert_true(failed > 0.9 && failed < 1.1);
		}
	}
	/* Drift changes nothing before the split. */
	assert_int_equal(d0.half[0].orders, d1.half[0].orders);
	dataset_free(&d0);
	dataset_free(&d1);
	rm_dir(plain);
	rm_dir(drifted);
}

static void command_runs_and_matches_library(void **state)
{
	(void)state;
	struct rd_store *st = test_store();
	struct rd_err err;
	const char *a = tmp_dir("cmd"), *b = tmp_dir("lib");
	char line[700];
	snprintf(line, sizeof line, "gen %s --customers 300 --seed 9 --months 6 --drift", a);
	assert_int_equal(test_run(st, line, &err), RD_OK);
	gen_ok(b, 300, 9, 6, 1);
	for (int i = 0; i < NFILES; i++) {
		char pa[600], pb[600];
		snprintf(pa, sizeof pa, "%s/%s", a, files[i]);
		snprintf(pb, sizeof pb, "%s/%s", b, files[i]);
		assert_true(same_file(pa, pb));
	}
	/* Defaults: 2000 customers, seed 42, 12 months: the committed sample. */
	rm_dir(a);
	snprintf(line, sizeof line, "gen %s", a);
	assert_int_equal(test_run(st, line, &err), RD_OK);
	char pa[600];
	snprintf(pa, sizeof pa, "%s/orders.csv", a);
	assert_true(same_file(pa, "sample-data/orders.csv"));
	/* It does not touch the database. */
	assert_int_equal(test_int(st, "SELECT count(*) FROM customers"), 0);
	store_close(st);
	rm_dir(a);
	rm_dir(b);
}

static void bad_options_are_named(void **state)
{
	(void)state;
	static const struct {
		const char *args, *expect;
	} cases[] = {
		{"--customers 0", "--customers"},
		{"--customers abc", "--customers"},
		{"--customers -5", "--customers"},
		{"--customers 10000001", "--customers"},
		{"--customers 12x", "--customers"},
		{"--customers ''", "--customers"},
		{"--months 0", "--months"},
		{"--months 121", "--months"},
		{"--seed -1", "--seed"},
		{"--seed 18446744073709551616", "--seed"},
		{"--bogus", "--bogus"},
		{"--customers", "--customers"},
	};
	struct rd_store *st = test_store();
	struct rd_err err;
	const char *dir = tmp_dir("bad");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char line[700];
		snprintf(line, sizeof line, "gen %s %s", dir, cases[i].args);
		assert_int_equal(test_run(st, line, &err), RD_USAGE);
		if (!strstr(err.msg, cases[i].expect))
			fail_msg("'%s': message '%s' does not name %s", line, err.msg,
				 cases[i].expect);
	}
	assert_int_equal(test_run(st, "gen", &err), RD_USAGE);
	assert_non_null(strstr(err.msg, "usage: gen DIR"));
	assert_int_equal(access(dir, F_OK), -1); /* nothing was created */
	/* The largest seed is fine. */
	char line[700];
	snprintf(line, sizeof line, "gen %s --customers 3 --seed 18446744073709551615", dir);
	assert_int_equal(test_run(st, line, &err), RD_OK);
	rm_dir(dir);
	/* A path that cannot be a directory fails cleanly. */
	const char *file = test_file("plain-file", "x", 1);
	snprintf(line, sizeof line, "gen %s --customers 3", file);
	assert_int_equal(test_run(st, line, &err), RD_FAILED);
	assert_non_null(strstr(err.msg, "gen: "));
	snprintf(line, sizeof line, "gen %s/sub --customers 3", file);
	assert_int_equal(test_run(st, line, &err), RD_FAILED);
	store_close(st);

	/* The library checks its options too. */
	struct gen_opts o;
	struct rd_err e = {{0}};
	gen_opts_default(&o);
	o.months = 0;
	assert_int_equal(gen_write(dir, &o, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "months"));
	gen_opts_default(&o);
	o.customers = -1;
	assert_int_equal(gen_write(dir, &o, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "customers"));
}

struct progress_log {
	int calls;
	int64_t last_done, total;
	volatile int *cancel_at_first; /* set on the first call, when not NULL */
};

static void on_progress(void *ud, const char *phase, int64_t done, int64_t total)
{
	struct progress_log *p = ud;
	assert_string_equal(phase, "customers");
	assert_true(done > p->last_done && done <= total);
	p->calls++;
	p->last_done = done;
	p->total = total;
	if (p->cancel_at_first)
		*p->cancel_at_first = 1;
}

static void progress_and_cancel(void **state)
{
	(void)state;
	const char *dir = tmp_dir("cancel");
	struct gen_opts o;
	struct gen_report rep;
	struct rd_err err = {{0}};
	struct progress_log log = {0};

	/* Progress every few thousand customers, and at the end. */
	gen_opts_default(&o);
	o.customers = 9000;
	o.progress = on_progress;
	o.ud = &log;
	assert_int_equal(gen_write(dir, &o, &rep, &err), 0);
	assert_int_equal(log.calls, 3);
	assert_int_equal(log.last_done, 9000);
	rm_dir(dir);

	/* Cancelled before it starts: nothing is made. */
	volatile int stop = 1;
	gen_opts_default(&o);
	o.cancel = &stop;
	assert_int_equal(gen_write(dir, &o, &rep, &err), -1);
	assert_string_equal(err.msg, "cancelled");
	assert_int_equal(count_entries(dir), -1);

	/* Cancelled half way (from the progress callback). */
	stop = 0;
	memset(&log, 0, sizeof log);
	log.cancel_at_first = &stop;
	gen_opts_default(&o);
	o.customers = 20000;
	o.progress = on_progress;
	o.ud = &log;
	o.cancel = &stop;
	assert_int_equal(gen_write(dir, &o, &rep, &err), -1);
	assert_string_equal(err.msg, "cancelled");
	assert_int_equal(log.calls, 1);
	assert_int_equal(count_entries(dir), 0);

	/* A command's SIGINT flag works the same way; earlier files stay untouched. */
	gen_ok(dir, 10, 1, 12, 0);
	atomic_int sig = 1;
	gen_opts_default(&o);
	o.sig_cancel = &sig;
	assert_int_equal(gen_write(dir, &o, &rep, &err), -1);
	assert_string_equal(err.msg, "cancelled");
	assert_int_equal(count_entries(dir), NFILES);
	char p[600];
	snprintf(p, sizeof p, "%s/outcomes.csv", dir);
	size_t len;
	char *text = slurp(p, &len);
	assert_int_equal(len, strlen("customer_id,defaulted,observed_at\n") +
				      10 * strlen("C01,0,2025-06-30\n"));
	free(text);
	rm_dir(dir);
}

static void history_precedes_months(void **state)
{
	(void)state;
	const char *dir = tmp_dir("months");
	struct dataset d;
	gen_ok(dir, 400, 3, 3, 0);
	/* The 3 months from 2025-04 follow 36 months of history from 2022-04. */
	dataset_read(&d, dir, day_num("2022-04-01"), 3);
	assert_int_equal(d.half[0].orders, 0);
	assert_int_equal(d.half[0].payments, 0);
	dataset_free(&d);
	dataset_read(&d, dir, day_num("2025-04-01"), 3);
	assert_true(d.half[0].orders > 2 * d.half[1].orders);
	assert_true(d.c[0].created_day < day_num("2022-05-01")); /* the first joins at the start */
	assert_true(d.c[399].created_day >= day_num("2025-06-01")); /* the last near the end */
	dataset_free(&d);
	rm_dir(dir);
}

/* PSI of cur against ref (n values each) over ref's distinct deciles, right-closed bins,
 * shares floored at 0.0001, as drift computes it (docs/methodology.md, section 8). */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double psi(double *ref, int64_t nref, const double *cur, int64_t ncur)
{
	double edges[9];
	int nedges = 0;
	qsort(ref, (size_t)nref, sizeof *ref, cmp_double);
	for (int k = 1; k <= 9; k++) {
		double q = ref[(nref * k + 9) / 10 - 1];
		if (nedges == 0 || q > edges[nedges - 1])
			edges[nedges++] = q;
	}
	double a[10] = {0}, e[10] = {0}, sum = 0;
	for (int64_t i = 0; i < nref; i++) {
		int b = 0;
		while (b < nedges && ref[i] > edges[b])
			b++;
		e[b] += 1.0 / (double)nref;
	}
	for (int64_t i = 0; i < ncur; i++) {
		int b = 0;
		while (b < nedges && cur[i] > edges[b])
			b++;
		a[b] += 1.0 / (double)ncur;
	}
	for (int b = 0; b <= nedges; b++) {
		double x = fmax(a[b], 0.0001), y = fmax(e[b], 0.0001);
		sum += (x - y) * log(x / y);
	}
	return sum;
}

/* The book at a day: for each customer created by then, tenure and orders to date. */
static int64_t book_at(const struct dataset *d, int64_t day, double *tenure, double *orders)
{
	int64_t n = 0, *count = calloc((size_t)d->n, sizeof *count);
	for (int64_t i = 0; i < d->norders; i++)
		count[d->order_cust[i]] += d->order_day[i] <= day;
	for (int64_t i = 0; i < d->n; i++) {
		if (d->c[i].created_day > day)
			continue;
		tenure[n] = (double)(day - d->c[i].created_day);
		orders[n] = (double)count[i];
		n++;
	}
	free(count);
	return n;
}

static void book_is_stationary(void **state)
{
	(void)state;
	const char *dir = tmp_dir("stationary");
	struct dataset d;
	gen_ok(dir, 3000, 13, 12, 0);
	dataset_read(&d, dir, day_num("2025-01-01"), 12);
	double *rt = rd_malloc((size_t)d.n * sizeof(double)),
	       *ro = rd_malloc((size_t)d.n * sizeof(double));
	double *ct = rd_malloc((size_t)d.n * sizeof(double)),
	       *co = rd_malloc((size_t)d.n * sizeof(double));
	/* Against the book at the middle month end, every month end from 2024-07 to 2025-06
	 * has the same mix of tenures and order counts, while customers keep joining. */
	static const char *const ends[] = {"2024-07-31", "2024-08-31", "2024-09-30", "2024-10-31",
					   "2024-11-30", "2025-01-31", "2025-02-28", "2025-03-31",
					   "2025-04-30", "2025-05-31", "2025-06-30"};
	double worst[2] = {0, 0};
	int64_t first = 0, last = 0;
	for (size_t m = 0; m < sizeof ends / sizeof ends[0]; m++) {
		int64_t nr = book_at(&d, day_num("2024-12-31"), rt, ro);
		int64_t nc = book_at(&d, day_num(ends[m]), ct, co);
		double pt = psi(rt, nr, ct, nc), po = psi(ro, nr, co, nc);
		worst[0] = fmax(worst[0], pt);
		worst[1] = fmax(worst[1], po);
		if (m == 0)
			first = nc;
		last = nc;
	}
	print_message("largest PSI against 2024-12-31: tenure %.4f, orders %.4f; book %lld -> "
		      "%lld\n",
		      worst[0], worst[1], (long long)first, (long long)last);
	assert_true(worst[0] < 0.05);
	assert_true(worst[1] < 0.05);
	assert_true(last == 3000 && first > 1000 && first < 2000); /* about half join in the year */
	free(rt);
	free(ro);
	free(ct);
	free(co);
	dataset_free(&d);
	rm_dir(dir);
}

static void defaults_observed_over_time(void **state)
{
	(void)state;
	const char *dir = tmp_dir("vintages");
	struct dataset d;
	gen_ok(dir, 5000, 17, 12, 0);
	dataset_read(&d, dir, day_num("2025-01-01"), 12); /* checks each observed_at */
	/* Defaults are declared over the months, not at the end: every reported month has
	 * some. */
	int per_month[12] = {0};
	int64_t starts[13], young = 0, young_bad = 0;
	for (int k = 0; k <= 12; k++) /* 2024-07-01 ... 2025-07-01 */
		starts[k] = days_from_civil(2024 + (6 + k) / 12, (unsigned)((6 + k) % 12) + 1, 1);
	for (int64_t i = 0; i < d.n; i++) {
		const struct cust *c = &d.c[i];
		for (int m = 0; m < 12 && c->defaulted; m++)
			per_month[m] += c->observed_day >= starts[m] &&
					c->observed_day < starts[m + 1];
		if (c->created_day > day_num("2025-05-01")) { /* too young to be declared bad */
			young++;
			young_bad += c->defaulted;
		}
	}
	for (int m = 0; m < 12; m++)
		assert_true(per_month[m] >= 10);
	assert_true(young > 100 && young_bad == 0);
	/* Vintage: customers who joined in 2023, bad rate by months on book, rising. */
	double cum[4] = {0};
	static const int mob[4] = {3, 6, 12, 18};
	int64_t n = 0;
	for (int64_t i = 0; i < d.n; i++) {
		const struct cust *c = &d.c[i];
		if (c->created_day < day_num("2023-01-01") ||
		    c->created_day >= day_num("2024-01-01"))
			continue;
		n++;
		for (int k = 0; k < 4; k++)
			cum[k] += c->defaulted &&
				  c->observed_day - c->created_day <= mob[k] * 30.44;
	}
	print_message("joined in 2023 (%lld): bad by 3, 6, 12, 18 months on book %.3f %.3f %.3f "
		      "%.3f\n",
		      (long long)n, cum[0] / (double)n, cum[1] / (double)n, cum[2] / (double)n,
		      cum[3] / (double)n);
	assert_true(cum[0] / (double)n < 0.05);
	assert_true(cum[0] < cum[1] && cum[1] < cum[2] && cum[2] <= cum[3]);
	assert_true(cum[3] / (double)n > 0.08 && cum[3] / (double)n < 0.25);
	dataset_free(&d);
	rm_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_seed_same_bytes),
		cmocka_unit_test(reproduces_committed_sample),
		cmocka_unit_test(format_and_integrity),
		cmocka_unit_test(risk_shows_in_behaviour),
		cmocka_unit_test(drift_shifts_later_months),
		cmocka_unit_test(command_runs_and_matches_library),
		cmocka_unit_test(bad_options_are_named),
		cmocka_unit_test(progress_and_cancel),
		cmocka_unit_test(history_precedes_months),
		cmocka_unit_test(book_is_stationary),
		cmocka_unit_test(defaults_observed_over_time),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char root[256];
	snprintf(root, sizeof root, "/tmp/riskdesk-gen-%d", (int)getpid());
	rmdir(root);
	return rc;
}
