/* The synthetic dataset generator (SPEC section 3): deterministic for a seed, with a
 * hidden risk per customer that shows in returns, failed payments, COD use and defaults. */
#ifndef RISKDESK_GEN_H
#define RISKDESK_GEN_H

#include <stdint.h>

#include "riskdesk/util.h"

struct gen_opts {
	int64_t customers; /* default 2000 */
	uint64_t seed;     /* default 42 */
	int months;        /* history length, default 12 */
	int drift;         /* later months shift (returns, COD, order values); 0 = none */
	void (*progress)(void *ud, const char *phase, int64_t done, int64_t total);
	void *ud;
	volatile const int *cancel; /* polled; may be NULL */
};

struct gen_report {
	int64_t customers, orders, payments, outcomes;
};

/* Writes customers.csv, orders.csv, payments.csv, outcomes.csv into dir (created with
 * mode 0700 when missing; files 0600 written to a temporary name and renamed).
 * 0, or -1 with err. */
int gen_write(const char *dir, const struct gen_opts *opts, struct gen_report *report,
	      struct rd_err *err);

#endif
