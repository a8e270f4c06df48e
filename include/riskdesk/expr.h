/* The `where` language: band=E, score<550, return_rate>0.2 and (segment=new or not
 * kind=company), band in (D,E), name~smith. riskdesk parses it and compiles it to an SQL
 * condition with `?` placeholders; user text is only ever bound, never pasted.
 * docs/where.md has the grammar, the fields and the limits. */
#ifndef RISKDESK_EXPR_H
#define RISKDESK_EXPR_H

#include <sqlite3.h>

#include "riskdesk/store.h"
#include "riskdesk/util.h"

struct rd_expr;

/* Compiles text. Field names are checked: profile fields (score, band, pd, risk_level,
 * segment, model, model_version, computed_at, last_activity), customer fields (id, name,
 * kind, created_at, and the personal email and phone), the built-in features, and, when
 * st is not NULL, the customer attributes in the store. The SQL refers to customers as
 * `c` and credit_profiles as `p` (LEFT JOINed: a customer without a profile has NULL p
 * columns). Returns NULL with err ("where: ...") naming the column and what was expected.
 * The expression does not keep text or st.
 * email and phone are refused unless pii is 1 (the session's `set pii on`, which was
 * audited): a filter on a masked value reveals it one guess at a time. expr_compile is
 * expr_compile_pii with pii 0. */
struct rd_expr *expr_compile(const char *text, struct rd_store *st, struct rd_err *err);
struct rd_expr *expr_compile_pii(const char *text, struct rd_store *st, int pii,
				 struct rd_err *err);
/* expr_free(NULL) is a no-op. */
void expr_free(struct rd_expr *e);
/* The SQL condition, with anonymous `?` placeholders, parenthesised; owned by e. */
const char *expr_sql(const struct rd_expr *e);
/* Binds the values to the placeholders first, first+1, ... (text is copied, so e may be
 * freed before the statement). Returns how many, or -1 when SQLite refuses a bind
 * (the statement has too few placeholders). */
int expr_bind(const struct rd_expr *e, sqlite3_stmt *stmt, int first);
/* Number of placeholders. */
int expr_nparams(const struct rd_expr *e);
/* 1 when the expression compares email or phone: whoever runs it must check that the
 * session still shows personal data. */
int expr_reads_pii(const struct rd_expr *e);

struct vocab;
/* For completion: built-in field i (0, 1, ... until NULL), and whether it is personal
 * (email, phone: refused unless pii is on). */
const char *expr_field_name(int i, int *personal);
/* The closed list of values of the built-in field name (len bytes, any case: band, A to
 * E), or NULL when it takes any value. */
const struct vocab *expr_field_values(const char *name, size_t len);

#endif
