/* Swap sets (methodology §16): two models' decisions on the customers both scored — a
 * model's profiles when it serves, else its shadow scores. `swapset` prints them; the Models
 * pane shows a challenger's against the champion of its segment. */
#ifndef RISKDESK_SWAPSET_H
#define RISKDESK_SWAPSET_H

#include <stdint.h>

#include "riskdesk/store.h"

/* One model's scores on the book, as SQL rows of cols (of customer_id, pd, cutoff_pd): from
 * its profiles (read from the table expression profiles: "credit_profiles", or the same with
 * an index named) when it serves, else from shadow_scores. n and v: the SQL parameters of
 * its name and version ("?1", "?2"). The one definition of "the model's scores on the book",
 * for swap sets and the cut-off sweep on the book (strategy.h). */
#define SWAPSET_BOOK_SQL_OF(profiles, cols, n, v)                                                  \
	"SELECT " cols " FROM " profiles " WHERE model_name = " n " AND model_version = " v        \
	" UNION ALL SELECT " cols " FROM shadow_scores WHERE name = " n " AND version = " v        \
	" AND NOT EXISTS (SELECT 1 FROM credit_profiles WHERE model_name = " n                     \
	" AND model_version = " v ")"
#define SWAPSET_BOOK_SQL(n, v)                                                                     \
	SWAPSET_BOOK_SQL_OF("credit_profiles", "customer_id, pd, cutoff_pd", n, v)

enum swapset_cell { SWAP_BOTH, SWAP_OUT, SWAP_IN, SWAP_NEITHER, SWAP_CELLS };

/* One side: a model and where its scores come from. */
struct swapset_side {
	char name[128];
	int version;
	int64_t scored;
	const char *from; /* "profiles" or "shadow" */
};

struct swapset {
	struct swapset_side champion, challenger;
	int64_t n[SWAP_CELLS];     /* customers per cell */
	int64_t known[SWAP_CELLS]; /* of them with an observed outcome */
	int64_t bads[SWAP_CELLS];  /* of those, defaulted */
	int64_t total;
};

/* The cells' names ("approved by both", "swap-out", ...), and each side's verdict in them. */
extern const char *const swapset_cell_names[SWAP_CELLS];
int swapset_approves(enum swapset_cell cell, int challenger);

/* Reads a side: 0; 1 when the model scored no customer or has no cut-off (err says which);
 * -1 with err. */
int swapset_side_read(struct rd_store *st, const char *name, int version, struct swapset_side *x,
		      struct rd_err *err);
/* The swap set of challenger name@version against the trained champion of its segment
 * (the heaviest, in a blend): 0 with *out filled; 1 when there is none to compare (no such
 * champion, or a side without scores or cut-off); -1 with err. */
int swapset_against_champion(struct rd_store *st, const char *name, int version,
			     struct swapset *out, struct rd_err *err);
/* The cells of two read sides. 0, or -1 with err. */
int swapset_count(struct rd_store *st, struct swapset *s, struct rd_err *err);

#endif
