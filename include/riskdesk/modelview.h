/* The model registry as the console's Models pane shows it: the list of versions, and
 * one version's metrics, ROC points, IV table, points table (scorecards), weights
 * (logit), parameters (xgb) or terms (rules), read from the models table and its JSON.
 * Everything is bounded: tables longer than their cap are cut (and say so). JSON that
 * is corrupt or of the wrong shape leaves the fields it would have filled absent. */
#ifndef RISKDESK_MODELVIEW_H
#define RISKDESK_MODELVIEW_H

#include <stdint.h>

#include "riskdesk/score.h"
#include "riskdesk/store.h"

#define MODELVIEW_MAX_VERSIONS 1000 /* registry rows read */
#define MODELVIEW_MAX_FOLDS 32
#define MODELVIEW_MAX_GAINS 100
#define MODELVIEW_MAX_CALIBRATION 16
#define MODELVIEW_MAX_ROC 256
#define MODELVIEW_MAX_IV 1024
#define MODELVIEW_MAX_POINTS 4096  /* scorecard bins */
#define MODELVIEW_MAX_WEIGHTS 4096 /* logit weights (one per numeric, one per level) */
#define MODELVIEW_MAX_PARAMS 32

/* One registry row. Numbers that are absent are NaN. */
struct modelview_version {
	char name[128]; /* the model's name */
	int version;
	char algo[12];    /* rules, logit, scorecard, xgb */
	char segment[12]; /* all, new, existing */
	char status[12];  /* champion, challenger, retired */
	double weight;    /* share in its segment's weighted mean */
	double auc, ks;   /* metrics.auc (fold mean) and metrics.ks; NaN without */
	char created_at[32];
};

/* Reads up to max (at most MODELVIEW_MAX_VERSIONS) versions ordered by name and version
 * into out; *total gets how many there are. Returns the number read, or -1 with err. */
int modelview_list(struct rd_store *st, struct modelview_version *out, int max, int *total,
		   struct rd_err *err);

struct modelview_gain { /* one decile, riskiest first */
	double count, bads;
	double min_pd, max_pd;
	double bad_rate, cum_capture, lift;
};

struct modelview_calibration { /* one score band */
	char band[8];
	double count, bads;
	double mean_pd, observed;
};

struct modelview_decile { /* one decile of out-of-fold PD, riskiest first */
	double count, bads;
	double min_pd, max_pd;
	double mean_pd, observed;
};

struct modelview_iv { /* one feature's information value */
	char name[64];
	char type[16]; /* numeric, categorical */
	double bins;
	double iv, iv_raw;
};

struct modelview_point { /* one bin of a scorecard column */
	char feature[64];
	char bin[96];     /* "(-inf, 9]", "(36, inf]", "A11,A12", "missing" */
	double customers; /* goods + bads in training */
	double bad_rate;  /* bads / customers (0 when empty) */
	double woe;
	double points;
};

struct modelview_weight { /* one logit input */
	char feature[64];
	char level[48];  /* a categorical level; "" for a numeric */
	double weight;   /* on the one-hot level or the standardised value */
	double mean, sd; /* numerics' standardisation; NaN for levels */
};

struct modelview_param { /* one xgb parameter */
	char key[32];
	char value[48];
};

/* One version in detail. Scalars that are absent are NaN; tables absent have n = 0. */
struct modelview {
	struct modelview_version v;
	int has_metrics;        /* the metrics JSON was an object */
	char label_source[192]; /* what the model learnt from (label_source_describe), when it
				 * has metrics; else "" */
	int proxy_labels;       /* 1: proxy or mixed labels */
	double auc, auc_sd, auc_oof, gini, ks, brier, logloss;
	double rows, bads, folds;
	double threshold_pd, threshold_score, expected_cost, cost_fn, cost_fp;
	double declined, false_neg, false_pos;
	double cv_seconds, fit_seconds;
	double fold_auc[MODELVIEW_MAX_FOLDS];
	int nfold_auc;
	struct modelview_gain *gains; /* owned */
	int ngains;
	struct modelview_calibration *calibration; /* owned */
	int ncalibration;
	struct modelview_decile *deciles; /* owned: calibration by decile */
	int ndeciles;
	double hl, hl_df, hl_p;     /* Hosmer–Lemeshow over the deciles; NaN without */
	int bands[SCORE_BANDS - 1]; /* the model's band edges (SPEC's when it names none) */
	double (*roc)[2];           /* owned: [fpr, tpr] in the stored order */
	int nroc;
	struct modelview_iv *iv; /* owned: highest IV first */
	int niv;
	/* The specification. */
	double base_points;             /* scorecard */
	double intercept;               /* logit, scorecard */
	struct modelview_point *points; /* owned: scorecard bins, column by column */
	int npoints;
	int points_cut;                   /* more bins than MODELVIEW_MAX_POINTS */
	struct modelview_weight *weights; /* owned: logit */
	int nweights;
	int weights_cut;
	struct modelview_param params[MODELVIEW_MAX_PARAMS]; /* xgb */
	int nparams;
	int ncolumns;  /* the specification's input columns */
	int has_rules; /* rules: the parsed specification is in rules */
	struct rules_model rules;
};

/* Reads name@version into out (zeroed first; free with modelview_free). 0, 1 when there
 * is no such version, or -1 with err (a database error; bad JSON is not one). */
int modelview_load(struct rd_store *st, const char *name, int version, struct modelview *out,
		   struct rd_err *err);
/* Frees what out owns and leaves it empty; NULL is a no-op. */
void modelview_free(struct modelview *m);

#endif
