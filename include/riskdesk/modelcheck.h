/* Pass/fail checks of a trained model, as a validation report lists them: discrimination
 * (cross-validated AUC, KS), the defaulters approved at its cut-off, calibration (the
 * Hosmer–Lemeshow p-value over its out-of-fold PD deciles) and the stability of its score
 * between its training rows and the current book (PSI). The limits are the caller's
 * (`model check NAME --min-auc X …`). */
#ifndef RISKDESK_MODELCHECK_H
#define RISKDESK_MODELCHECK_H

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>

#include "riskdesk/store.h"

#define MODELCHECK_COUNT 5

struct modelcheck_limits {
	double min_auc;  /* cross-validated AUC (fold mean) at least this: 0.70 */
	double max_fnr;  /* defaulters approved at the cut-off / all defaulters, at most: 0.20 */
	double min_ks;   /* KS of the out-of-fold PDs at least: 0.20 */
	double min_hl_p; /* Hosmer–Lemeshow p-value at least: 0.05 */
	double max_psi;  /* score PSI, training reference against the current book, below: 0.25 */
};

extern const struct modelcheck_limits modelcheck_default_limits;

enum modelcheck_result { MODELCHECK_PASS, MODELCHECK_FAIL, MODELCHECK_NA };

struct modelcheck {
	const char *name; /* "auc", "fnr", "ks", "calibration", "psi" (static) */
	double value;     /* NaN when it cannot be computed (result MODELCHECK_NA) */
	const char *op;   /* how value compares with limit to pass: ">=", "<=" or "<" */
	double limit;
	enum modelcheck_result result;
	char detail[200]; /* what the value is of, or why it is missing */
};

/* Runs the checks of name@version (a trained model) into out, in the order above. The PSI
 * scores the current profiles of the model's segment with the model itself (whatever
 * serves them), so a challenger can be checked before it is promoted; cancel (may be
 * NULL) is polled between batches. 0, or -1 with err (no such trained model, a database
 * error, cancelled). */
int modelcheck_run(struct rd_store *st, const char *name, int version,
		   const struct modelcheck_limits *lim, const atomic_int *cancel,
		   struct modelcheck out[MODELCHECK_COUNT], struct rd_err *err);

#endif
