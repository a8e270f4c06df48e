/* Proxy labels (`label proxy --rfm`): when a book has no observed defaults, k-means on the
 * customers' recency, frequency and monetary value marks the least engaged customers as
 * bad, stored in `outcomes` with source 'proxy'. Observed outcomes always win: they are
 * never replaced, and a load of observed outcomes replaces proxy ones. This module also
 * owns the `label_source` member of a trained model's metrics, which says which labels the
 * model learnt from, and its text for people. Formulas: docs/methodology.md, "Proxy labels". */
#ifndef RISKDESK_LABEL_H
#define RISKDESK_LABEL_H

#include <stddef.h>
#include <stdint.h>

#include "riskdesk/journal.h"
#include "riskdesk/kmeans.h"

#define LABEL_K_DEFAULT 4
#define LABEL_K_MAX 20
#define LABEL_SEED_DEFAULT 42
#define LABEL_META_KEY "proxy_labels" /* meta row describing the latest proxy labelling */

struct label_proxy_opts {
	int k;             /* clusters, 2 … LABEL_K_MAX */
	double bad_share;  /* 0: the least engaged cluster is bad; else in (0, 1): that share */
	uint64_t seed;     /* of the k-means++ starts */
	int force;         /* label the customers without an observed outcome even when others
			   * have one; 0 refuses then */
	const char *as_of; /* the as-of setting ("" or NULL: the latest event in the store) */
};

struct label_cluster { /* one cluster, in engagement order (least engaged first) */
	size_t customers, bads;
	double engagement;                   /* of its centroid: (−z_R + z_F + z_M)/3 */
	double recency, frequency, monetary; /* its customers' means, in the features' units */
};

struct label_proxy_report {
	size_t customers; /* labelled */
	size_t bads;      /* of which labelled bad */
	size_t observed;  /* customers left with their observed outcome */
	size_t replaced;  /* proxy labels of the previous labelling removed */
	int k;
	struct label_cluster clusters[LABEL_K_MAX];
	double inertia; /* of the k-means run kept, in standardised units */
	int iterations;
	char as_of[11];    /* the features' as-of date */
	char summary[160]; /* "rfm, k=4, seed 42, least engaged cluster, as of 2025-06-30" */
};

/* Replaces the proxy labels: reads the features of every customer without an observed
 * outcome as of o->as_of, clusters them, and in one transaction deletes the previous proxy
 * labels and writes the new ones and the meta row LABEL_META_KEY, as part of job's run
 * (journal.h). 0, 1 when cancelled (nothing written), or -1 with err. */
int label_proxy(const struct rd_job *job, const struct label_proxy_opts *o,
		struct label_proxy_report *rep, struct rd_err *err);

/* Removes every proxy label and the meta row, as part of job's run. *removed gets how
 * many. 0 or -1 with err. */
int label_clear(const struct rd_job *job, int64_t *removed, struct rd_err *err);

/* The summary text of the latest proxy labelling (meta), "" when there is none. */
void label_proxy_summary(struct rd_store *st, char *out, size_t n);

/* For train: appends the member "label_source" to the JSON object in b (its last byte is
 * the closing brace): how many of the n training rows (customer ids) have observed and
 * proxy outcomes, "source" observed, proxy or mixed, and the proxy labelling's summary.
 * 0 or -1 with err. */
int label_source_add(struct rd_store *st, char *const *ids, size_t n, struct rd_buf *b,
		     struct rd_err *err);

/* What a model's metrics say about its labels, for people: "observed outcomes (1000
 * rows)", "proxy labels: rfm, k=4, … (2000 rows)", "mixed labels: 1500 observed + 500
 * proxy (rfm, …)". Metrics without the member (models trained before proxy labels existed)
 * are "observed outcomes". Returns 1 for proxy or mixed, else 0. */
int label_source_describe(const char *metrics_json, char *out, size_t n);

#endif
