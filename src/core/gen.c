/* The synthetic dataset generator. Every customer has a hidden risk r in [0, 1]; r
 * drives order values, cancellations, returns, failed payments, COD use and the default
 * label, each with its own noise, so behaviour predicts defaults without giving them away.
 * Some customers apply for credit (credit requests), and the applicants have records at
 * the tax office and the land registry (external records), which r shows in too.
 *
 * Determinism: each customer draws from its own xoshiro256** stream seeded from (seed,
 * customer number), all maths uses only IEEE basic operations (our own exp and log, not
 * libm's, whose last bits vary with the CPU), and numbers are formatted by hand, never
 * through the locale. The history window ends at the fixed GEN_AS_OF. */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF /* no fused multiply-add (gcc: -std=c11 implies it) */
#endif

#include "riskdesk/gen.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "riskdesk/afile.h"
#include "riskdesk/features.h"
#include "riskdesk/vocab.h"

#define GEN_BUF (1u << 20)  /* output buffer per file */
#define GEN_ROW_MAX 1024    /* an upper bound on one formatted row */
#define GEN_MAX_ORDERS 5000 /* per customer, whatever the activity draw says */
#define GEN_LN2 0.69314718055994530942
/* The book (docs/design.md, "Stationary generated book"): customers join at a steady
 * growth rate, so that the tenures at any month end follow one exponential distribution
 * of mean GEN_MEAN_AGE days; the history begins GEN_HISTORY_MONTHS before the first
 * reported month, long enough that the few customers it cuts off change nothing there. */
#define GEN_MEAN_AGE 540.0
#define GEN_MEAN_ACTIVE 730.0 /* days a customer keeps ordering (exponential) */

/* ---- random numbers ---- */

struct gen_rng {
	uint64_t s[4]; /* xoshiro256** state */
};

/* One independent stream per (seed, stream number). */
static void rng_seed(struct gen_rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed;
	uint64_t base = rd_splitmix64(&x);
	x = base ^ (stream * 0xd1b54a32d192ed03u);
	for (int i = 0; i < 4; i++)
		r->s[i] = rd_splitmix64(&x);
}

static uint64_t rotl(uint64_t v, int k)
{
	return (v << k) | (v >> (64 - k));
}

static uint64_t rng_next(struct gen_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

/* Uniform in [0, 1). */
static double rng_unif(struct gen_rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform integer in [0, n), n < 2^32. */
static int64_t rng_below(struct gen_rng *r, uint32_t n)
{
	return (int64_t)(((rng_next(r) >> 32) * n) >> 32);
}

static int rng_chance(struct gen_rng *r, double p)
{
	return rng_unif(r) < p;
}

/* Natural logarithm of x > 0 from basic operations: 2 atanh(t), t = (m-1)/(m+1), by
 * Horner over the series' coefficients 1/(2k+1). */
static double gen_ln(double x)
{
	static const double c[13] = {1.0 / 1,  1.0 / 3,  1.0 / 5,  1.0 / 7,  1.0 / 9,
				     1.0 / 11, 1.0 / 13, 1.0 / 15, 1.0 / 17, 1.0 / 19,
				     1.0 / 21, 1.0 / 23, 1.0 / 25};
	int e;
	double m = frexp(x, &e); /* exact: m in [0.5, 1) */
	if (m < 0.70710678118654752440) {
		m *= 2;
		e--;
	}
	double t = (m - 1) / (m + 1), t2 = t * t, sum = c[12];
	for (int k = 11; k >= 0; k--) /* |t| < 0.172: 13 terms reach double precision */
		sum = sum * t2 + c[k];
	return 2 * t * sum + e * GEN_LN2;
}

/* e^x from basic operations: x = k ln2 + r, |r| <= ln2/2, Taylor series of e^r. */
static double gen_exp(double x)
{
	static const double c[15] = {
		1.0,
		1.0,
		1.0 / 2,
		1.0 / 6,
		1.0 / 24,
		1.0 / 120,
		1.0 / 720,
		1.0 / 5040,
		1.0 / 40320,
		1.0 / 362880,
		1.0 / 3628800,
		1.0 / 39916800,
		1.0 / 479001600,
		1.0 / 6227020800.0,
		1.0 / 87178291200.0,
	};
	if (x < -700)
		return 0;
	if (x > 700)
		x = 700;
	double k = floor(x / GEN_LN2 + 0.5);
	double r = x - k * GEN_LN2, sum = c[14];
	for (int n = 13; n >= 0; n--)
		sum = sum * r + c[n];
	return ldexp(sum, (int)k);
}

static double sigmoid(double x)
{
	return 1 / (1 + gen_exp(-x));
}

/* Standard normal (Marsaglia's polar method: needs only log and sqrt). */
static double rng_normal(struct gen_rng *r)
{
	for (;;) {
		double u = 2 * rng_unif(r) - 1, v = 2 * rng_unif(r) - 1, s = u * u + v * v;
		if (s > 0 && s < 1)
			return u * sqrt(-2 * gen_ln(s) / s);
	}
}

/* Exponential with mean 1. */
static double rng_exponential(struct gen_rng *r)
{
	return -gen_ln(1 - rng_unif(r));
}

/* Beta(k, n + 1 - k) as the k-th smallest of n uniforms (n <= 16). */
static double rng_beta_order(struct gen_rng *r, int k, int n)
{
	double u[16];
	for (int i = 0; i < n; i++) {
		double v = rng_unif(r);
		int j = i;
		for (; j > 0 && u[j - 1] > v; j--)
			u[j] = u[j - 1];
		u[j] = v;
	}
	return u[k - 1];
}

/* ---- names ---- */

struct gen_name {
	const char *text;  /* as shown, UTF-8 */
	const char *ascii; /* for e-mail addresses */
};

static const struct gen_name first_names[] = {
	{"Anna", "anna"},     {"Ben", "ben"},
	{"Clara", "clara"},   {"David", "david"},
	{"Elena", "elena"},   {"Felix", "felix"},
	{"Greta", "greta"},   {"Hannah", "hannah"},
	{"Jonas", "jonas"},   {"Julia", "julia"},
	{"Karl", "karl"},     {"Lea", "lea"},
	{"Leon", "leon"},     {"Lina", "lina"},
	{"Luca", "luca"},     {"Marie", "marie"},
	{"Max", "max"},       {"Mia", "mia"},
	{"Noah", "noah"},     {"Paul", "paul"},
	{"Sara", "sara"},     {"Tom", "tom"},
	{"Zoe", "zoe"},       {"Jürgen", "juergen"},
	{"Søren", "soeren"},  {"Chloé", "chloe"},
	{"José", "jose"},     {"Ana", "ana"},
	{"Marco", "marco"},   {"Giulia", "giulia"},
	{"Piotr", "piotr"},   {"Agnieszka", "agnieszka"},
	{"Tomás", "tomas"},   {"Emma", "emma"},
	{"Oliver", "oliver"}, {"Amelia", "amelia"},
	{"Liam", "liam"},     {"Fatima", "fatima"},
	{"Mehmet", "mehmet"}, {"Aylin", "aylin"},
	{"Yusuf", "yusuf"},   {"Ingrid", "ingrid"},
	{"Lars", "lars"},     {"Katarzyna", "katarzyna"},
	{"Matteo", "matteo"}, {"Sofia", "sofia"},
	{"Nils", "nils"},     {"Eva", "eva"},
};

static const struct gen_name last_names[] = {
	{"Müller", "mueller"},    {"Schmidt", "schmidt"},     {"Schneider", "schneider"},
	{"Fischer", "fischer"},   {"Weber", "weber"},         {"Meyer", "meyer"},
	{"Wagner", "wagner"},     {"Becker", "becker"},       {"Schulz", "schulz"},
	{"Hoffmann", "hoffmann"}, {"Koch", "koch"},           {"Richter", "richter"},
	{"Klein", "klein"},       {"Wolf", "wolf"},           {"Schröder", "schroeder"},
	{"Neumann", "neumann"},   {"Schwarz", "schwarz"},     {"Zimmermann", "zimmermann"},
	{"Braun", "braun"},       {"Krüger", "krueger"},      {"Hartmann", "hartmann"},
	{"Lange", "lange"},       {"Werner", "werner"},       {"Krause", "krause"},
	{"Lehmann", "lehmann"},   {"Köhler", "koehler"},      {"Vogel", "vogel"},
	{"Rossi", "rossi"},       {"Bianchi", "bianchi"},     {"García", "garcia"},
	{"Martínez", "martinez"}, {"Nowak", "nowak"},         {"Kowalski", "kowalski"},
	{"Yılmaz", "yilmaz"},     {"Kaya", "kaya"},           {"Dubois", "dubois"},
	{"Martin", "martin"},     {"Jansen", "jansen"},       {"de Vries", "devries"},
	{"O'Brien", "obrien"},    {"Smith", "smith"},         {"Novak", "novak"},
	{"Nielsen", "nielsen"},   {"Andersson", "andersson"}, {"Popescu", "popescu"},
	{"Silva", "silva"},       {"Santos", "santos"},       {"Horvat", "horvat"},
};

static const char *const company_forms[] = {"GmbH", "AG", "KG",  "GmbH & Co. KG",
					    "Ltd",  "SE", "e.K."};
static const char *const company_trades[] = {"Handel", "Logistik",   "Elektro", "Bau",
					     "Textil", "Consulting", "Trading", "Versand",
					     "Medien", "Feinkost"};
static const char *const company_words[] = {"Nordlicht", "Alpen", "Rhein", "Blauwal", "Sonnenhof",
					    "Eiche",     "Hanse", "Polar", "Atlas",   "Kompass"};
static const char *const email_domains[] = {"example.com", "example.net", "example.org",
					    "mail.example.com", "post.example.net"};
static const char *const mobile_prefixes[] = {"151", "152", "157", "160", "162", "170", "171",
					      "172", "173", "175", "176", "177", "178", "179"};
static const char *const area_codes[] = {"30", "40", "69", "89", "221", "211", "711", "351"};

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define PICK(r, a) ((a)[rng_below((r), (uint32_t)NELEM(a))])

/* Relative weight of each hour of the day for orders (UTC, a European shop). */
static const int hour_weights[24] = {2,  1,  1,  1,  1,  2,  4,  7,  10, 12, 13, 14,
				     15, 14, 13, 12, 12, 13, 15, 17, 18, 16, 10, 5};

/* ---- buffered output ---- */

enum {
	OUT_CUSTOMERS,
	OUT_ORDERS,
	OUT_PAYMENTS,
	OUT_OUTCOMES,
	OUT_REQUESTS,
	OUT_RECORDS,
	OUT_COUNT
};

static const char *const out_names[OUT_COUNT] = {"customers.csv",       "orders.csv",
						 "payments.csv",        "outcomes.csv",
						 "credit_requests.csv", "external_records.csv"};
static const char *const out_headers[OUT_COUNT] = {
	"id,name,email,phone,kind,created_at\n",
	"id,customer_id,amount,status,created_at\n",
	"id,customer_id,order_id,method,success,amount,created_at\n",
	"customer_id,defaulted,observed_at\n",
	"id,customer_id,amount,term_months,purpose,yearly_income,existing_debt,status,created_at\n",
	"source,key,customer_id,payload,fetched_at\n",
};

struct gen_out {
	struct afile *f; /* the file being written; owned; NULL once committed or removed */
	char *buf;       /* GEN_BUF bytes; owned */
	size_t len;      /* bytes waiting in buf */
	int failed;      /* a write failed (afile_sync says why) */
	int64_t rows;    /* data rows, header excluded */
};

static void out_flush(struct gen_out *o)
{
	if (!o->failed && afile_write(o->f, o->buf, o->len))
		o->failed = 1;
	o->len = 0;
}

/* Makes room for one more row. */
static void out_row(struct gen_out *o)
{
	if (o->len + GEN_ROW_MAX > GEN_BUF)
		out_flush(o);
	o->rows++;
}

static void put_c(struct gen_out *o, char c)
{
	o->buf[o->len++] = c;
}

static void put_s(struct gen_out *o, const char *s)
{
	size_t n = strlen(s);
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

/* A CSV field, quoted (RFC 4180) when it holds a comma, quote or line break. */
static void put_field(struct gen_out *o, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		put_s(o, s);
		return;
	}
	put_c(o, '"');
	for (; *s; s++) {
		if (*s == '"')
			put_c(o, '"');
		put_c(o, *s);
	}
	put_c(o, '"');
}

/* An unsigned number, zero-padded to at least width digits. */
static void put_uint(struct gen_out *o, uint64_t v, int width)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width)
		tmp[n++] = '0';
	while (n)
		put_c(o, tmp[--n]);
}

/* An id: prefix letter and zero-padded number. */
static void put_id(struct gen_out *o, char prefix, int64_t n, int width)
{
	put_c(o, prefix);
	put_uint(o, (uint64_t)n, width);
}

/* An amount in cents as "123.45". */
static void put_cents(struct gen_out *o, int64_t cents)
{
	put_uint(o, (uint64_t)(cents / 100), 1);
	put_c(o, '.');
	put_uint(o, (uint64_t)(cents % 100), 2);
}

/* Proleptic Gregorian date of a day number (H. Hinnant's civil_from_days). */
static void civil(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static void put_date(struct gen_out *o, int64_t day)
{
	int64_t y;
	unsigned m, d;
	civil(day, &y, &m, &d);
	put_uint(o, (uint64_t)y, 4);
	put_c(o, '-');
	put_uint(o, m, 2);
	put_c(o, '-');
	put_uint(o, d, 2);
}

/* "2025-03-04T10:21:07Z" */
static void put_time(struct gen_out *o, int64_t epoch)
{
	int64_t day = epoch / 86400, sec = epoch % 86400; /* epochs here are positive */
	put_date(o, day);
	put_c(o, 'T');
	put_uint(o, (uint64_t)(sec / 3600), 2);
	put_c(o, ':');
	put_uint(o, (uint64_t)(sec / 60 % 60), 2);
	put_c(o, ':');
	put_uint(o, (uint64_t)(sec % 60), 2);
	put_c(o, 'Z');
}

/* ---- the model ---- */

/* The run: window, id widths, counters and the four outputs. */
struct gen_run {
	const struct gen_opts *opts;
	struct gen_out out[OUT_COUNT];
	int64_t as_of_day;   /* GEN_AS_OF */
	int64_t first_day;   /* the history's first day: GEN_HISTORY_MONTHS before the window */
	int64_t end_epoch;   /* the day after as_of_day at 00:00:00Z: events are before it */
	double growth_span;  /* e^(days of history / GEN_MEAN_AGE) - 1 */
	int64_t drift_epoch; /* orders from here on shift when opts->drift */
	int cust_width;      /* digits of customer ids */
	int event_width;     /* digits of order and payment ids */
	int64_t orders;      /* orders written so far (the last order number) */
	int64_t payments;    /* payments written so far */
	int64_t requests;    /* credit requests written so far */
	int64_t window_day;  /* the first day of the reported months: requests start there */
	int64_t hour_total;  /* sum of hour_weights */
};

/* One customer's hidden parameters. */
struct gen_customer {
	int64_t num;         /* 1-based customer number */
	int company;         /* 1: kind company */
	double risk;         /* hidden r in [0, 1] */
	double wealth;       /* log-normal (median 1): order values, income, property */
	double mu, sigma;    /* log-normal order value (log of euros) */
	double p_cod;        /* chance an order is paid cash on delivery */
	double p_fail;       /* chance a payment attempt fails */
	double p_cancel;     /* chance the customer cancels an order */
	double p_return;     /* chance a delivered order comes back */
	int64_t created_day; /* day number of created_at */
};

static int digits(int64_t v)
{
	int n = 1;
	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static void write_payment(struct gen_run *g, const struct gen_customer *c, int64_t order,
			  int method, int success, int64_t cents, int64_t when)
{
	struct gen_out *o = &g->out[OUT_PAYMENTS];
	out_row(o);
	put_id(o, 'P', ++g->payments, g->event_width);
	put_c(o, ',');
	put_id(o, 'C', c->num, g->cust_width);
	put_c(o, ',');
	if (order)
		put_id(o, 'O', order, g->event_width);
	put_c(o, ',');
	put_s(o, vocab_name(&vocab_pay_method, method));
	put_s(o, success ? ",1," : ",0,");
	put_cents(o, cents);
	put_c(o, ',');
	put_time(o, when);
	put_c(o, '\n');
}

/* A prepaid method other than m. */
static int other_prepaid(struct gen_rng *r, int m)
{
	static const int prepaid[3] = {PAY_CARD, PAY_WALLET, PAY_BANK};
	int k = (int)rng_below(r, 2);
	for (int i = 0; i < 3; i++) {
		if (prepaid[i] == m)
			continue;
		if (k-- == 0)
			return prepaid[i];
	}
	return PAY_CARD;
}

/* Moves an order time to an hour drawn from hour_weights, keeping its day. */
static int64_t time_of_day(struct gen_run *g, struct gen_rng *r, int64_t t)
{
	int64_t w = rng_below(r, (uint32_t)g->hour_total);
	int h = 0;
	while (w >= hour_weights[h])
		w -= hour_weights[h++];
	return t - t % 86400 + h * 3600 + rng_below(r, 3600);
}

/* One order at time t, its payments and its status as of the end of the window. */
static void gen_order(struct gen_run *g, const struct gen_customer *c, struct gen_rng *r, int64_t t)
{
	int drifted = g->opts->drift && t >= g->drift_epoch;
	double mu = c->mu, p_cod = c->p_cod, p_return = c->p_return, p_fail = c->p_fail;
	if (drifted) {      /* the later population buys dearer, pays cash, sends back more and
			* its payments fail more */
		mu += 0.85; /* x2.3 */
		p_cod = p_cod + 0.50;
		p_return = p_return * 2.5 + 0.20;
		p_fail = p_fail + 0.20;
	}
	double value = gen_exp(mu + c->sigma * rng_normal(r));
	value = value < 1 ? 1 : value > 25000 ? 25000 : value;
	int64_t cents = (int64_t)(value * 100 + 0.5);

	int method;
	if (rng_chance(r, p_cod)) {
		method = PAY_COD;
	} else {
		double u = rng_unif(r);
		if (c->company)
			method = u < 0.35 ? PAY_CARD : u < 0.40 ? PAY_WALLET : PAY_BANK;
		else
			method = u < 0.60 ? PAY_CARD : u < 0.88 ? PAY_WALLET : PAY_BANK;
	}
	int64_t id = ++g->orders, end = g->end_epoch;
	int64_t shipped = t + 7200 + rng_below(r, 34 * 3600);
	int64_t delivered = shipped + 86400 + rng_below(r, 4 * 86400);
	int64_t returned = delivered + 86400 + rng_below(r, 13 * 86400);
	enum order_status status;

	if (method == PAY_COD) {
		if (rng_chance(r, c->p_cancel)) {
			status = ORDER_CANCELLED;
		} else if (delivered >= end) {
			status = shipped >= end ? ORDER_PLACED : ORDER_SHIPPED;
		} else {
			int paid = !rng_chance(r, p_fail * 0.6);
			write_payment(g, c, id, PAY_COD, paid, cents, delivered);
			if (!paid) /* refused at the door */
				status = ORDER_RETURNED;
			else if (returned < end && rng_chance(r, p_return))
				status = ORDER_RETURNED;
			else
				status = ORDER_DELIVERED;
		}
	} else {
		/* Paid when ordered; a failed attempt is often retried, maybe another way. */
		int attempts = 0, paid = 0;
		int64_t when = t + 5 + rng_below(r, 295);
		while (when < end) {
			double p = attempts ? p_fail * 0.8 : p_fail;
			paid = !rng_chance(r, p);
			write_payment(g, c, id, method, paid, cents, when);
			attempts++;
			if (paid || attempts == 3 || !rng_chance(r, 0.7))
				break;
			when += 60 + rng_below(r, 6 * 3600);
			if (rng_chance(r, 0.3))
				method = other_prepaid(r, method);
		}
		if (attempts == 0)
			status = ORDER_PLACED;
		else if (!paid) /* no money, no goods */
			status = ORDER_CANCELLED;
		else if (rng_chance(r, c->p_cancel))
			status = ORDER_CANCELLED;
		else if (shipped >= end)
			status = ORDER_PLACED;
		else if (delivered >= end)
			status = ORDER_SHIPPED;
		else if (returned < end && rng_chance(r, p_return))
			status = ORDER_RETURNED;
		else
			status = ORDER_DELIVERED;
	}

	/* Now and then money arrives without an order: a wallet top-up or a transfer. */
	if (rng_chance(r, 0.03)) {
		static const int64_t topups[] = {1000, 2000, 2500, 5000, 10000, 20000};
		int64_t when = t + rng_below(r, 10 * 86400);
		int m = rng_chance(r, 0.6) ? PAY_WALLET : PAY_BANK;
		int ok = !rng_chance(r, p_fail * 0.5);
		if (when < end)
			write_payment(g, c, 0, m, ok, PICK(r, topups), when);
	}

	struct gen_out *o = &g->out[OUT_ORDERS];
	out_row(o);
	put_id(o, 'O', id, g->event_width);
	put_c(o, ',');
	put_id(o, 'C', c->num, g->cust_width);
	put_c(o, ',');
	put_cents(o, cents);
	put_c(o, ',');
	put_s(o, vocab_name(&vocab_order_status, (int)status));
	put_c(o, ',');
	put_time(o, t);
	put_c(o, '\n');
}

/* The customers.csv row: name, e-mail and phone drawn from the tables. */
static void write_customer(struct gen_run *g, const struct gen_customer *c, struct gen_rng *r)
{
	char name[256], email[256], phone[32];
	const struct gen_name *l1 = &PICK(r, last_names);
	const char *domain = PICK(r, email_domains);
	if (c->company) {
		const struct gen_name *l2 = &PICK(r, last_names);
		if (l2 == l1)
			l2 = &last_names[(l1 - last_names + 1) % NELEM(last_names)];
		const char *form = PICK(r, company_forms), *trade = PICK(r, company_trades);
		const char *word = PICK(r, company_words);
		int style = (int)rng_below(r, 100);
		if (style < 30) {
			snprintf(name, sizeof name, "%s %s %s", l1->text, trade, form);
			snprintf(email, sizeof email, "info@%s-%s.%s", l1->ascii, trade, domain);
		} else if (style < 55) { /* a comma: quoted in the CSV */
			snprintf(name, sizeof name, "%s, %s & Co", l1->text, l2->text);
			snprintf(email, sizeof email, "office@%s-%s.%s", l1->ascii, l2->ascii,
				 domain);
		} else if (style < 75) {
			snprintf(name, sizeof name, "%s & %s %s", l1->text, l2->text, form);
			snprintf(email, sizeof email, "kontakt@%s%s.%s", l1->ascii, l2->ascii,
				 domain);
		} else if (style < 95) {
			snprintf(name, sizeof name, "%s %s %s", word, trade, form);
			snprintf(email, sizeof email, "accounts@%s-%s.%s", word, trade, domain);
		} else { /* quotes inside: doubled in the CSV */
			snprintf(name, sizeof name, "\"%s\" %s, %s", word, trade, l1->text);
			snprintf(email, sizeof email, "hello@%s.%s", word, domain);
		}
		for (char *p = email; *p; p++) /* trades and words are ASCII; lower-case them */
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		const char *prefix =
			PICK(r, area_codes); /* draws in a fixed order, not an argument's */
		snprintf(phone, sizeof phone, "+49 %s %07lld", prefix,
			 (long long)(1000000 + rng_below(r, 9000000)));
	} else {
		const struct gen_name *f = &PICK(r, first_names);
		snprintf(name, sizeof name, "%s %s", f->text, l1->text);
		int style = (int)rng_below(r, 4);
		long long n = (long long)rng_below(r, 100);
		if (style == 0)
			snprintf(email, sizeof email, "%s.%s@%s", f->ascii, l1->ascii, domain);
		else if (style == 1)
			snprintf(email, sizeof email, "%c.%s%lld@%s", f->ascii[0], l1->ascii, n,
				 domain);
		else if (style == 2)
			snprintf(email, sizeof email, "%s%s%lld@%s", f->ascii, l1->ascii, n,
				 domain);
		else
			snprintf(email, sizeof email, "%s.%s.%lld@%s", l1->ascii, f->ascii, n,
				 domain);
		const char *prefix = PICK(r, mobile_prefixes);
		snprintf(phone, sizeof phone, "+49 %s %07lld", prefix,
			 (long long)(1000000 + rng_below(r, 9000000)));
	}

	struct gen_out *o = &g->out[OUT_CUSTOMERS];
	out_row(o);
	put_id(o, 'C', c->num, g->cust_width);
	put_c(o, ',');
	put_field(o, name);
	put_c(o, ',');
	put_field(o, email);
	put_c(o, ',');
	put_field(o, phone);
	put_s(o, c->company ? ",company," : ",individual,");
	put_date(o, c->created_day);
	put_c(o, '\n');
}

/* ---- credit requests and external records ---- */

#define GEN_QUEUE_DAYS 30    /* requests of the last 30 days are pending: the queue */
#define GEN_REFERRED_DAYS 90 /* older ones referred to an analyst and still open */

static const char *const purposes_individual[] =
	{"car", "home_improvement", "consumer_goods", "education", "travel", "debt_consolidation"};
static const char *const purposes_company[] = {"working_capital", "equipment", "vehicles",
					       "expansion", "refinancing"};
static const int terms_individual[] = {12, 24, 36, 48, 60};
static const int terms_company[] = {12, 24, 36, 60, 84};

/* A whole number of euros rounded to a multiple of step (at least step). */
static int64_t euros(double v, int64_t step)
{
	int64_t e = (int64_t)(v / (double)step + 0.5) * step;
	return e < step ? step : e;
}

/* One credit request of customer c on day (a day of the reported months). */
static void write_request(struct gen_run *g, const struct gen_customer *c, struct gen_rng *r,
			  int64_t day, int64_t when, int64_t income, int64_t debt)
{
	double rk = c->risk;
	/* Risky applicants ask for more against their income, and for debt consolidation. */
	double share = gen_exp(gen_ln(c->company ? 0.25 : 0.15) + 0.8 * rk + 0.5 * rng_normal(r));
	int64_t amount = euros((double)income * share, c->company ? 1000 : 100);
	int term = c->company ? PICK(r, terms_company) : PICK(r, terms_individual);
	const char *purpose = c->company ? PICK(r, purposes_company) : PICK(r, purposes_individual);
	if (!c->company && rng_chance(r, 0.3 * rk))
		purpose = "debt_consolidation";
	/* The lender's own decisions, before riskdesk: the newest wait in the queue, a few
	 * referred ones wait for an analyst, the riskier are declined more often. */
	int64_t age = g->as_of_day - day;
	int status = REQUEST_APPROVED;
	double u = rng_unif(r);
	if (age < GEN_QUEUE_DAYS)
		status = REQUEST_PENDING;
	else if (age < GEN_REFERRED_DAYS && u < 0.08)
		status = REQUEST_REFERRED;
	else if (rng_chance(r, 0.04 + 0.7 * rk * rk))
		status = REQUEST_DECLINED;

	struct gen_out *o = &g->out[OUT_REQUESTS];
	out_row(o);
	put_id(o, 'R', ++g->requests, g->event_width);
	put_c(o, ',');
	put_id(o, 'C', c->num, g->cust_width);
	put_c(o, ',');
	put_uint(o, (uint64_t)amount, 1);
	put_c(o, ',');
	put_uint(o, (uint64_t)term, 1);
	put_c(o, ',');
	put_s(o, purpose);
	put_c(o, ',');
	put_uint(o, (uint64_t)income, 1);
	put_c(o, ',');
	put_uint(o, (uint64_t)debt, 1);
	put_c(o, ',');
	put_s(o, vocab_name(&vocab_request_status, status));
	put_c(o, ',');
	put_time(o, when);
	put_c(o, '\n');
}

/* An external record: payload is a JSON object's text (quoted for the CSV here). */
static void write_record(struct gen_run *g, const struct gen_customer *c, const char *source,
			 const char *key, const char *payload, int64_t fetched)
{
	struct gen_out *o = &g->out[OUT_RECORDS];
	out_row(o);
	put_s(o, source);
	put_c(o, ',');
	put_s(o, key);
	put_c(o, ',');
	put_id(o, 'C', c->num, g->cust_width);
	put_c(o, ',');
	put_field(o, payload);
	put_c(o, ',');
	put_time(o, fetched);
	put_c(o, '\n');
}

/* Customer c's credit requests in the reported months (in each month a chance of
 * 2% + 4% r, companies half as much again), and, when it applied, its records at the
 * tax office (92%) and the land registry (70%), fetched when it last applied. A few of
 * the riskiest are insolvent, which both records say. From a stream of its own, so that
 * the other files are what they were without it. */
static void gen_credit(struct gen_run *g, const struct gen_customer *c)
{
	struct gen_rng rng, *r = &rng;
	rng_seed(r, g->opts->seed, (uint64_t)c->num | (uint64_t)1 << 63);
	double rk = c->risk;
	double p_month = (0.02 + 0.04 * rk) * (c->company ? 1.5 : 1);
	/* Income (a company's: its yearly profit before tax) and debt, as the applicant
	 * declares them; the tax office's figure is close, lower for the risky. */
	double base = c->company ? 120000 : 36000;
	int64_t income = euros(base * c->wealth * (1 - 0.35 * rk) * gen_exp(0.25 * rng_normal(r)),
			       100);
	int64_t debt = rng_chance(r, 0.3 * (1 - rk))
			       ? 0
			       : euros((double)income * rk * 1.2 * rng_unif(r), 100);
	int64_t last = -1;
	int64_t y;
	unsigned m, d;
	civil(g->window_day, &y, &m, &d);
	for (int64_t month = y * 12 + (m - 1);; month++) {
		int64_t first = days_from_civil(month / 12, (unsigned)(month % 12) + 1, 1);
		int64_t next = days_from_civil((month + 1) / 12, (unsigned)((month + 1) % 12) + 1,
					       1);
		if (first > g->as_of_day)
			break;
		int64_t lo = first > c->created_day ? first : c->created_day;
		int64_t hi = next - 1 < g->as_of_day ? next - 1 : g->as_of_day;
		if (lo > hi || !rng_chance(r, p_month))
			continue;
		int64_t day = lo + rng_below(r, (uint32_t)(hi - lo + 1));
		int64_t when = time_of_day(g, r, day * 86400);
		write_request(g, c, r, day, when, income, debt);
		last = when;
	}
	if (last < 0)
		return;
	int insolvent = rng_chance(r, 0.005 + 0.15 * rk * rk * rk);
	int64_t fetched = last + 5 + rng_below(r, 600);
	char key[48], payload[512];
	if (rng_chance(r, 0.92)) {
		int64_t declared = euros((double)income * (0.85 + 0.2 * rng_unif(r) - 0.2 * rk),
					 100);
		int64_t arrears = rng_chance(r, 0.6 * rk)
					  ? euros((double)income * 0.1 * rng_unif(r), 10)
					  : 0;
		int digit = 1 + (int)rng_below(r, 9), two = (int)rng_below(r, 100);
		if (c->company)
			snprintf(key, sizeof key, "DE%d%08lld", digit, (long long)c->num);
		else
			snprintf(key, sizeof key, "%d%02d%08lld", digit, two, (long long)c->num);
		snprintf(payload, sizeof payload,
			 "{\"tax_id\": \"%s\", \"tax_year\": 2024, \"declared_income\": %lld,"
			 " \"arrears\": %lld, \"insolvency\": %s}",
			 key, (long long)declared, (long long)arrears,
			 insolvent ? "true" : "false");
		write_record(g, c, "tax_office", key, payload, fetched);
	}
	if (rng_chance(r, 0.70)) {
		int64_t value = euros((c->company ? 600000 : 250000) * c->wealth *
					      gen_exp(0.3 * rng_normal(r)),
				      1000);
		int64_t charges = euros((double)value * (0.2 * rng_unif(r) + 0.6 * rk), 1000);
		int district = 100 + (int)rng_below(r, 900);
		int shared = !c->company && rng_chance(r, 0.4);
		snprintf(key, sizeof key, "LR-%03d-%08lld", district, (long long)c->num);
		snprintf(payload, sizeof payload,
			 "{\"parcel\": \"%s\", \"owner_share\": %s, \"assessed_value\": %lld,"
			 " \"encumbrances\": %lld, \"insolvency\": %s}",
			 key, shared ? "0.5" : "1", (long long)value, (long long)charges,
			 insolvent ? "true" : "false");
		write_record(g, c, "land_registry", key, payload, fetched);
	}
}

/* One customer: hidden parameters, the customer row, the orders with their payments,
 * and the outcome. Each customer has its own random stream. */
static void gen_customer(struct gen_run *g, int64_t num)
{
	struct gen_rng rng, *r = &rng;
	struct gen_customer c = {.num = num};
	rng_seed(r, g->opts->seed, (uint64_t)num);

	c.company = rng_chance(r, 0.12);
	/* Risk: most customers are sound (Beta(2,10), mean 0.17), a minority is not
	 * (Beta(5,4), mean 0.56). */
	c.risk = rng_chance(r, 0.18) ? rng_beta_order(r, 5, 8) : rng_beta_order(r, 2, 11);
	double rk = c.risk;
	c.wealth = gen_exp(0.45 * rng_normal(r));
	double median = 48 * c.wealth * (c.company ? 3.5 : 1);
	c.mu = gen_ln(median * (1 - 0.45 * rk)); /* riskier: cheaper ... */
	c.sigma = 0.30 + 0.60 * rk;              /* ... and more erratic orders */
	c.p_cod = (c.company ? 0.02 : 0.05) + 0.50 * rk;
	c.p_fail = 0.02 + 0.38 * rk;
	c.p_cancel = 0.02 + 0.10 * rk;
	c.p_return = 0.03 + 0.30 * rk;

	/* Joining: arrivals grow as e^(day / GEN_MEAN_AGE), so the share p of the customers
	 * has joined by day GEN_MEAN_AGE ln(1 + p (e^span - 1)) of the history. Customer num
	 * of N takes p in [(num-1)/N, num/N): numbers follow the joining order, and even a
	 * small book has the same mix of tenures at every month end. */
	double p = ((double)(num - 1) + rng_unif(r)) / (double)g->opts->customers;
	int64_t day = (int64_t)(GEN_MEAN_AGE * gen_ln(1 + p * g->growth_span));
	c.created_day = g->first_day + day;
	if (c.created_day > g->as_of_day) /* rounding at p near 1 */
		c.created_day = g->as_of_day;
	/* Orders a month: log-normal activity with mean 1.85, for everyone alike, from
	 * joining until the customer drifts away (exponential, mean GEN_MEAN_ACTIVE days). */
	double rate = 1.85 * gen_exp(0.7 * rng_normal(r) - 0.245) / (30.4375 * 86400);
	double shock = rng_normal(r); /* what behaviour does not show: job loss, illness */
	int64_t joined = c.created_day * 86400;
	double active_end = (double)joined + GEN_MEAN_ACTIVE * 86400 * rng_exponential(r);
	if (active_end > (double)g->end_epoch)
		active_end = (double)g->end_epoch;
	write_customer(g, &c, r);

	/* Most sign up with their first order; then a Poisson process. */
	int64_t first_order = INT64_MAX;
	if (rng_chance(r, 0.8)) {
		first_order = time_of_day(g, r, joined);
		gen_order(g, &c, r, first_order);
	}
	double t = (double)joined;
	for (int n = 0; n < GEN_MAX_ORDERS; n++) {
		t += rng_exponential(r) / rate;
		if (t >= active_end)
			break;
		int64_t when = time_of_day(g, r, (int64_t)t);
		if (when < first_order)
			first_order = when;
		gen_order(g, &c, r, when);
	}

	/* Default: logistic in r, plus the shock, on credit taken (an order by then). It is
	 * declared some months after joining: 60 days past a missed due date, which comes
	 * after a Gamma(2) wait, shorter for the riskier. One not declared by the end of the
	 * history is not observed yet (the customer is good as of then). About 11% are. */
	int defaulted = rng_chance(r, sigmoid(-5.0 + 10 * rk + 0.6 * shock));
	double wait = 80 * (1 - 0.5 * rk) * (rng_exponential(r) + rng_exponential(r));
	int64_t observed = c.created_day + 60 + (int64_t)wait;
	if (!defaulted || observed > g->as_of_day || first_order >= (observed + 1) * 86400) {
		defaulted = 0;
		observed = g->as_of_day;
	}
	struct gen_out *o = &g->out[OUT_OUTCOMES];
	out_row(o);
	put_id(o, 'C', c.num, g->cust_width);
	put_s(o, defaulted ? ",1," : ",0,");
	put_date(o, observed);
	put_c(o, '\n');
	gen_credit(g, &c);
}

/* ---- files ---- */

/* mkdir -p with mode 0700 for what it creates. */
static int make_dir(const char *dir, struct rd_err *err)
{
	char *p = rd_strdup(dir);
	struct stat sb;
	int rc = -1;
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST) {
			rd_err_set(err, "cannot create directory %s: %s", p, strerror(errno));
			goto out;
		}
		*s = c;
		if (!c)
			break;
	}
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		rd_err_set(err, "%s is not a directory", dir);
		goto out;
	}
	rc = 0;
out:
	free(p);
	return rc;
}

static int out_open(struct gen_out *o, const char *dir, const char *name, struct rd_err *err)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *path = rd_malloc(n);
	snprintf(path, n, "%s/%s", dir, name);
	o->f = afile_open(path, err);
	free(path);
	if (!o->f)
		return -1;
	o->buf = rd_malloc(GEN_BUF);
	return 0;
}

/* Removes what is left of a failed or cancelled run. */
static void out_discard(struct gen_out *o)
{
	afile_abort(o->f);
	free(o->buf);
	memset(o, 0, sizeof *o);
}

/* Refuses a directory holding any of the output files already, naming them. 0 or -1. */
static int check_not_there(const char *dir, struct rd_err *err)
{
	struct rd_buf names = {0}, path = {0};
	struct stat sb;
	int found = 0;
	for (int i = 0; i < OUT_COUNT; i++) {
		buf_reset(&path);
		buf_printf(&path, "%s/%s", dir, out_names[i]);
		if (lstat(path.data, &sb) != 0)
			continue;
		buf_printf(&names, "%s%s", found ? ", " : "", out_names[i]);
		found++;
	}
	if (found)
		rd_err_set(err, "%s already holds %s; --force replaces %s", dir, names.data,
			   found == 1 ? "it" : "them");
	buf_free(&names);
	buf_free(&path);
	return found ? -1 : 0;
}

static int cancelled(const struct gen_opts *o)
{
	return (o->cancel && *o->cancel) || (o->sig_cancel && *o->sig_cancel);
}

void gen_opts_default(struct gen_opts *o)
{
	memset(o, 0, sizeof *o);
	o->customers = 2000;
	o->seed = 42;
	o->months = 12;
}

int gen_write(const char *dir, const struct gen_opts *opts, struct gen_report *report,
	      struct rd_err *err)
{
	struct gen_run g = {.opts = opts};
	int rc = -1;
	if (report)
		memset(report, 0, sizeof *report);
	if (opts->customers < 1 || opts->customers > GEN_MAX_CUSTOMERS) {
		rd_err_set(err, "customers must be from 1 to %d", GEN_MAX_CUSTOMERS);
		goto out;
	}
	if (opts->months < 1 || opts->months > GEN_MAX_MONTHS) {
		rd_err_set(err, "months must be from 1 to %d", GEN_MAX_MONTHS);
		goto out;
	}
	if (!dir || !*dir) {
		rd_err_set(err, "no output directory");
		goto out;
	}

	/* The reported months end with the as-of date's month; the history begins
	 * GEN_HISTORY_MONTHS before them. */
	int64_t as_of_epoch;
	date_parse(GEN_AS_OF, strlen(GEN_AS_OF), &as_of_epoch);
	g.as_of_day = epoch_day(as_of_epoch);
	int64_t y, first_month, history_month;
	unsigned m, d;
	civil(g.as_of_day, &y, &m, &d);
	first_month = y * 12 + (m - 1) - (opts->months - 1);
	history_month = first_month - GEN_HISTORY_MONTHS;
	int64_t start_day = days_from_civil(first_month / 12, (unsigned)(first_month % 12) + 1, 1);
	g.first_day = days_from_civil(history_month / 12, (unsigned)(history_month % 12) + 1, 1);
	g.end_epoch = (g.as_of_day + 1) * 86400;
	g.growth_span = gen_exp((double)(g.as_of_day + 1 - g.first_day) / GEN_MEAN_AGE) - 1;
	if (opts->months >= 2) { /* the last half of the months */
		int64_t dm = first_month + opts->months - opts->months / 2;
		g.drift_epoch = days_from_civil(dm / 12, (unsigned)(dm % 12) + 1, 1) * 86400;
	} else {
		g.drift_epoch = start_day * 86400 + (g.end_epoch - start_day * 86400) / 2;
	}
	g.window_day = start_day;
	g.cust_width = digits(opts->customers);
	g.event_width = digits(opts->customers * 40); /* about 20 orders a customer expected */
	for (int h = 0; h < 24; h++)
		g.hour_total += hour_weights[h];

	if (cancelled(opts)) {
		rd_err_set(err, "cancelled");
		goto out;
	}
	if (make_dir(dir, err) || (!opts->force && check_not_there(dir, err)))
		goto out;
	for (int i = 0; i < OUT_COUNT; i++) {
		if (out_open(&g.out[i], dir, out_names[i], err))
			goto out;
		put_s(&g.out[i], out_headers[i]);
	}

	for (int64_t num = 1; num <= opts->customers; num++) {
		gen_customer(&g, num);
		if ((num & 255) == 0 || num == opts->customers) {
			for (int i = 0; i < OUT_COUNT; i++) {
				if (g.out[i].failed) {
					afile_sync(g.out[i].f, err); /* for the message */
					goto out;
				}
			}
			if (cancelled(opts)) {
				rd_err_set(err, "cancelled");
				goto out;
			}
			if (opts->progress && ((num & 4095) == 0 || num == opts->customers))
				opts->progress(opts->ud, "customers", num, opts->customers);
		}
	}
	/* All complete and synced before any replaces an existing file: a full disk
	 * cannot leave new customers beside old orders. */
	for (int i = 0; i < OUT_COUNT; i++) {
		out_flush(&g.out[i]);
		if (afile_sync(g.out[i].f, err))
			goto out;
	}
	for (int i = 0; i < OUT_COUNT; i++) {
		int failed = afile_commit(g.out[i].f, err);
		g.out[i].f = NULL;
		if (failed)
			goto out;
	}
	if (report) {
		report->customers = g.out[OUT_CUSTOMERS].rows;
		report->orders = g.out[OUT_ORDERS].rows;
		report->payments = g.out[OUT_PAYMENTS].rows;
		report->outcomes = g.out[OUT_OUTCOMES].rows;
		report->requests = g.out[OUT_REQUESTS].rows;
		report->records = g.out[OUT_RECORDS].rows;
	}
	rc = 0;
out:
	for (int i = 0; i < OUT_COUNT; i++)
		out_discard(&g.out[i]);
	return rc;
}
