/* Characteristic analysis of a scorecard (SPEC §9, docs/methodology.md 8.1): per column,
 * the change in each bin's share between the reference population and the current one,
 * times the bin's points — the points the population gained or lost through that column.
 *
 *   shift_b = (cur_b − ref_b) · points_b,   total_c = Σ_b shift_b,   Σ_c total_c
 *           = mean current score − mean reference score (the points-table score, before
 *             the clamp to 300–1000 and rounding).
 *
 * The reference is the training population: the bins' counts (goods + bads) that every
 * trained scorecard's specification holds. The current population is the profiles of the
 * model's segment (as `drift` reads them), or one monthly snapshot; each value is binned
 * by the scoring code's own lookup (model_scorecard_bin). Reads the store. */
#ifndef RISKDESK_CHARAN_H
#define RISKDESK_CHARAN_H

#include <stddef.h>

#include "riskdesk/store.h"

struct charan_bin {
	char label[96];  /* "(-inf, 12]", "A11,A12", "missing", "special -1", "no bin" */
	double ref, cur; /* shares of the reference and current rows */
	double points;   /* the bin's points (0 for "no bin": neutral) */
	double shift;    /* (cur − ref) · points */
};

struct charan_column {
	char name[136];
	int nbins;               /* the specification's bins in its order, then "no bin" when
				  * some current rows fall in none (an unseen level, say) */
	struct charan_bin *bins; /* owned by the report */
	double total;            /* Σ shift */
};

struct charan_report {
	char model[112]; /* the scorecard */
	int version;
	char segment[16]; /* the customers compared: all, new or existing */
	char month[8];    /* the snapshot month compared, "" for the profiles */
	/* Set when the analysis does not apply (not a scorecard, bins without counts, no
	 * current rows): why, for people; then there are no columns. */
	char note[240];
	double ref_rows; /* training rows (a column's counts summed) */
	size_t cur_rows;
	double ref_score; /* the reference's mean score: base points + Σ ref_b · points_b */
	double cur_score; /* the current rows' mean score, summed row by row */
	double shift;     /* Σ total over the columns (their order in the specification) */
	int ncols;
	struct charan_column *cols; /* by |total|, largest first (ties by name) */
};

struct charan_opts {
	const char *model; /* the model's name and version (both required) */
	int version;
	const char *month; /* NULL: the current profiles; else this snapshot month (YYYY-MM) */
	const char *since; /* profiles only: cohort window, YYYY-MM-DD inclusive; NULL: open */
	const char *until;
};

/* 0 (r filled, or r->note set when the analysis does not apply), or -1 with err (no such
 * model, a database error). The caller frees r with charan_free. */
int charan_run(struct rd_store *st, const struct charan_opts *o, struct charan_report *r,
	       struct rd_err *err);
void charan_free(struct charan_report *r);
/* The column named name, or NULL. */
const struct charan_column *charan_column(const struct charan_report *r, const char *name);

#endif
