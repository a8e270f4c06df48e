/* Stale data: whether what the profiles (and what is drawn from them) show is out of date.
 * One check for the console's status line, the Drift pane and batch mode (`status`,
 * `drift`):
 *   - profiles older than the latest load of customers, orders or payments: computed before
 *     it, so its data are not in them (a profile records the latest load its transaction
 *     saw; a load of outcomes alone changes no profile);
 *   - profiles scored by a model that no longer serves their segment (promote, retire);
 *   - snapshot months taken before the latest load;
 *   - a drift report made before the latest recompute (stale_report).
 * Cheap enough for every screen refresh: the load is a meta row, the latest recompute found
 * through an index on the runs' kind, and the profiles counted through an index on (model, version, segment, load), skipping
 * from one model to the next, so a store with nothing stale costs a few index probes. The
 * result is kept with the data version it was computed at and reused until the store
 * changes (another connection's commit, or one of this connection's). */
#ifndef RISKDESK_STALE_H
#define RISKDESK_STALE_H

#include <stdint.h>

#include "riskdesk/store.h"

/* The meta row naming the latest load that changed customers, orders or payments — what
 * profiles are computed from. A load of outcomes alone changes no profile. */
#define STALE_META_LOAD "profiles_load"

/* Inside the transaction of a load (run run_id) that changed customers, orders or payments:
 * profiles computed before it are stale from its commit. 0 or -1. */
int stale_note_load(struct rd_store *st, int64_t run_id, struct rd_err *err);
/* That load's run id, 0 for none: what a profile computed now holds (engine.h). */
int64_t stale_latest_load(struct rd_store *st);

/* Incremental recompute (issue 15, item 4). The data sequence (meta STALE_META_SEQ) counts
 * the loads of profile inputs — customers and their attributes, orders, payments, outcomes
 * — in commit order: each takes the next number inside its transaction, so two loads racing
 * from two processes still get them in the order their data became visible (run ids are
 * taken before the write lock, in start order). A customer keeps the number of the latest
 * load that changed one of its rows (customers.changed_seq); a profile the number its
 * recompute's transaction saw (credit_profiles.data_seq). Changed since its profile:
 * changed_seq > data_seq. */
#define STALE_META_SEQ "data_seq"
/* The serving models as of the latest recompute of every customer: stale_serving's text. */
#define STALE_META_SERVING "profiles_serving"

/* The current data sequence (0 before any load). */
int64_t stale_data_seq(struct rd_store *st);
/* Inside a load's transaction: takes the next number into *seq. 0 or -1. */
int stale_next_seq(struct rd_store *st, int64_t *seq, struct rd_err *err);
/* What serves and shadows now, as one text (each champion's and shadow challenger's name,
 * version, segment, weight and decision threshold): when it differs from the text stored by
 * the latest `recompute all`, every profile may be out of date. Owned by the caller; NULL
 * with err. */
char *stale_serving(struct rd_store *st, struct rd_err *err);
/* Stores text as the serving models every profile was computed with. 0 or -1. */
int stale_note_serving(struct rd_store *st, const char *text, struct rd_err *err);
/* The stored text, or NULL (never stored). Owned by the caller. */
char *stale_serving_noted(struct rd_store *st);

struct stale_state {
	int64_t load_run;      /* the latest load of profile inputs (runs id), 0 for none */
	char load_at[21];      /* when it finished (ISO 8601, UTC) */
	int64_t recompute_run; /* the latest recompute that succeeded, 0 for none */
	char recompute_at[21];
	int64_t older;    /* profiles computed before load_run */
	int64_t unserved; /* profiles scored by a model that no longer serves their segment */
	char unserved_model[160]; /* the one with most of those: "g1@1", a blend's label */
	int unserved_models;      /* how many such models */
	int64_t snapshots_older;  /* snapshot months taken before load_run */
	/* the cache: valid once computed, for the data version it was computed at */
	int valid;
	int64_t data_version, changes;
};

/* Brings s up to date (computing only when the store changed since; a zeroed s computes).
 * 0, or -1 with err. */
int stale_check(struct rd_store *st, struct stale_state *s, struct rd_err *err);
/* Whether the profiles are stale (older or unserved). */
int stale_profiles(const struct stale_state *s);
/* Whether a drift report made when recompute_run was the latest recompute is older than the
 * profiles. */
int stale_report(const struct stale_state *s, int64_t report_recompute_run);

/* For people, into out (n bytes; "" when nothing is stale). console: short, with thousands
 * separators, local times HH:MM (or the date when not today) and the console's keys
 * ("2,000 profiles older than the load of 10:31 — R recomputes"); else the batch form, with
 * ISO times and commands. */
void stale_profiles_text(const struct stale_state *s, int console, char *out, size_t n);
void stale_snapshots_text(const struct stale_state *s, int console, char *out, size_t n);
void stale_report_text(const struct stale_state *s, int64_t report_recompute_run, int console,
		       char *out, size_t n);

#endif
