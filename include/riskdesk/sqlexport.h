/* Models as SQL: one query that scores a table of features in SQLite or PostgreSQL exactly
 * as riskdesk does (docs/design.md, "Models as SQL"; docs/methodology.md, 17).
 *
 * The query reads a table or view `features`: a column `id` (the customer id) and one
 * column per input of the model, named as the model names it (a built-in feature, a
 * customer attribute, or `kind`), numbers for numeric inputs and text for categorical
 * ones, NULL (or '' for text) when missing. The header comment of the file lists them.
 * It returns id, model, score, pd, band and reason1..4 with reasonN_text and
 * reasonN_points, ordered by id. With with_features the query computes `features` itself
 * from riskdesk's tables customers, orders, payments and customer_attributes. */
#ifndef RISKDESK_SQLEXPORT_H
#define RISKDESK_SQLEXPORT_H

#include "riskdesk/store.h"
#include "riskdesk/util.h"

enum sqlexport_dialect { SQLEXPORT_SQLITE, SQLEXPORT_POSTGRES, SQLEXPORT_DIALECTS };
extern const char *const sqlexport_dialect_names[SQLEXPORT_DIALECTS]; /* "sqlite", "postgres" */

/* The dialect named s. 0, or -1 with err listing the dialects. */
int sqlexport_dialect_parse(const char *s, enum sqlexport_dialect *out, struct rd_err *err);

struct sqlexport_opts {
	enum sqlexport_dialect dialect;
	int with_features; /* compute `features` from the orders and payments (SPEC §4) */
	const char *as_of; /* with_features: a fixed as-of date; NULL or "": the data's */
};

/* The query scoring by name@version (a trained model or a rules version: every row by
 * it), or with name NULL by the models serving now (routed by segment and kind, blends,
 * the rules model where no trained model serves). The caller frees it; NULL with err. */
char *sqlexport_query(struct rd_store *st, const char *name, int version,
		      const struct sqlexport_opts *o, struct rd_err *err);

#endif
