/* The synthetic dataset generator (SPEC section 3): deterministic for a seed, with a
 * hidden risk per customer that shows in returns, failed payments, COD use and defaults. */
#ifndef RISKDESK_GEN_H
#define RISKDESK_GEN_H

#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>

#include "riskdesk/util.h"

#define GEN_AS_OF "2025-06-30"     /* the fixed end of the history window */
#define GEN_MAX_CUSTOMERS 10000000 /* about 200M orders at 12 months */
#define GEN_MAX_MONTHS 120
#define GEN_HISTORY_MONTHS 36        /* history before the reported months */
#define GEN_HISTORY_MONTHS_TEXT "36" /* the same, for help texts */

struct gen_opts {
	int64_t customers; /* default 2000; 1..GEN_MAX_CUSTOMERS */
	uint64_t seed;     /* default 42 */
	int months;        /* reported months, default 12; 1..GEN_MAX_MONTHS */
	int drift; /* later months shift (returns, COD, failed payments, order values); 0 = none */
	int force; /* replace the files of an existing dataset; 0 = refuse */
	void (*progress)(void *ud, const char *phase, int64_t done, int64_t total);
	void *ud;
	volatile const int *cancel;   /* polled; may be NULL */
	const atomic_int *sig_cancel; /* polled too (a command's ctx->cancel); may be NULL */
};

struct gen_report {
	int64_t customers, orders, payments, outcomes, requests, records;
};

/* Fills o with the defaults above (no progress, no cancel). */
void gen_opts_default(struct gen_opts *o);

/* Writes customers.csv, orders.csv, payments.csv, outcomes.csv, credit_requests.csv and
 * external_records.csv into dir (created with
 * mode 0700 when missing; files 0600, written whole or not at all: afile.h). A dir that
 * holds any of them already is refused, naming them, unless opts->force. The same
 * options give byte-identical files. 0, or -1 with err ("cancelled" when asked to stop:
 * no file of this run is left behind, earlier files stay as they were). */
int gen_write(const char *dir, const struct gen_opts *opts, struct gen_report *report,
	      struct rd_err *err);

#endif
