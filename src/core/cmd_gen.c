/* gen: write a deterministic synthetic dataset (SPEC section 3). It writes files, not
 * the database, so it is allowed with --read-only. */
#include <stdio.h>
#include <string.h>

#include "cmd_util.h"
#include "riskdesk/gen.h"

/* Reads option name into *out when given; 0, or -1 with a message naming it. */
static int opt_uint(struct rd_ctx *ctx, const struct rd_args *a, const char *name, uint64_t lo,
		    uint64_t hi, uint64_t *out)
{
	const char *v = args_opt(a, name);
	if (!v || cmd_parse_uint(v, lo, hi, out) == 0)
		return 0;
	char echo[RD_ECHO_SIZE];
	rd_err_set(&ctx->err, "gen: --%s must be a whole number from %llu to %llu, not %s", name,
		   (unsigned long long)lo, (unsigned long long)hi, rd_echo(echo, v, strlen(v)));
	return -1;
}

static void progress(void *ud, const char *phase, int64_t done, int64_t total)
{
	struct rd_ctx *ctx = ud;
	sink_progress(ctx->out, phase, done, total);
}

static void put_count(struct rd_ctx *ctx, const char *file, int64_t rows)
{
	char n[32];
	snprintf(n, sizeof n, "%lld", (long long)rows);
	const char *row[] = {file, n};
	sink_row(ctx->out, row);
}

static int exec_gen(struct rd_ctx *ctx, const struct rd_args *a)
{
	struct gen_opts o;
	struct gen_report rep;
	struct rd_err err = {{0}};
	uint64_t customers = 2000, seed = 42, months = 12;
	gen_opts_default(&o);
	if (opt_uint(ctx, a, "customers", 1, GEN_MAX_CUSTOMERS, &customers) ||
	    opt_uint(ctx, a, "seed", 0, UINT64_MAX, &seed) ||
	    opt_uint(ctx, a, "months", 1, GEN_MAX_MONTHS, &months))
		return RD_USAGE;
	o.customers = (int64_t)customers;
	o.seed = seed;
	o.months = (int)months;
	o.drift = args_opt(a, "drift") != NULL;
	o.force = args_opt(a, "force") != NULL;
	o.progress = progress;
	o.ud = ctx;
	o.sig_cancel = ctx->cancel;

	double t0 = now_seconds();
	if (gen_write(a->argv[0], &o, &rep, &err)) {
		rd_err_set(&ctx->err, "gen: %s", err.msg);
		return RD_FAILED;
	}
	long long cs = (long long)((now_seconds() - t0) * 100 + 0.5); /* no %f: the locale */

	static const char *const cols[] = {"file", "rows"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_NUM};
	sink_table_begin(ctx->out, "files", 2, cols, kinds);
	put_count(ctx, "customers.csv", rep.customers);
	put_count(ctx, "orders.csv", rep.orders);
	put_count(ctx, "payments.csv", rep.payments);
	put_count(ctx, "outcomes.csv", rep.outcomes);
	put_count(ctx, "credit_requests.csv", rep.requests);
	put_count(ctx, "external_records.csv", rep.records);
	sink_table_end(ctx->out);
	sink_message(ctx->out, "wrote %s (seed %llu, %d months%s) in %lld.%02lld s", a->argv[0],
		     (unsigned long long)o.seed, o.months, o.drift ? ", drift" : "", cs / 100,
		     cs % 100);
	return RD_OK;
}

static const struct rd_opt gen_opts[] = {
	{"customers", "N", "number of customers (default 2000)"},
	{"seed", "S", "random seed (default 42)"},
	{"months", "M",
	 "reported months up to " GEN_AS_OF ", after " GEN_HISTORY_MONTHS_TEXT
	 " of history (default 12)"},
	{"drift", NULL,
	 "shift the last half of the months (returns, COD, failed payments, dearer orders)"},
	{"force", NULL, "replace the files of a dataset already in DIR"},
	{NULL, NULL, NULL},
};

const struct rd_cmd cmd_gen = {
	.name = "gen",
	.usage = "DIR [--customers N] [--seed S] [--months M] [--drift] [--force]",
	.summary = "write a deterministic synthetic dataset into DIR",
	.help = "Writes customers.csv, orders.csv, payments.csv, outcomes.csv, "
		"credit_requests.csv and external_records.csv into DIR. "
		"Each customer has a hidden risk that shows in returns, cancellations, failed "
		"payments, cash-on-delivery use and order values, and drives the default label. "
		"In each reported month a few percent of the customers apply for credit (the "
		"riskier more often, for more against their income); requests of the last 30 days "
		"are pending, older ones decided. Most applicants have a tax office and a land "
		"registry record (JSON payloads), fetched when they last applied; a few of the "
		"riskiest are flagged insolvent. "
		"The book is stationary: customers join at a steady growth rate, each history "
		"from joining on, so month-end snapshots look alike unless --drift; defaults are "
		"observed months after joining, goods at the end. The history "
		"starts " GEN_HISTORY_MONTHS_TEXT
		" months before the reported months and ends on " GEN_AS_OF
		"; the same options give the same bytes. "
		"A DIR that holds any of these files is refused unless --force.",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_LONG,
	.opts = gen_opts,
	.args = (const struct rd_arg[]){{.at = 0, .values = {.type = RD_ARG_DIR}}, RD_ARGS_END},
	.exec = exec_gen,
};
