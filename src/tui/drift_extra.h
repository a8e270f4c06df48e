/* The Drift pane's characteristic analysis (charan.h) and stale-data line (stale.h), kept
 * apart from pane_drift.c, which calls them from one place each. */
#ifndef RISKDESK_DRIFT_EXTRA_H
#define RISKDESK_DRIFT_EXTRA_H

#include <stdint.h>

#include "chart.h"
#include "riskdesk/charan.h"
#include "riskdesk/monitor.h"

struct drift_extra {
	int64_t report_run; /* the latest recompute when the report was begun */
	char model[112];    /* the report's model */
	int version;
	int pending;             /* the characteristic analysis is to be made (idle) */
	int have;                /* ca is valid */
	struct charan_report ca; /* its note says why there is none (not a scorecard, ...) */
	char error[RD_ERR_MAX];  /* it could not be made */
};

void drift_extra_free(struct drift_extra *x);
/* Before a report is made: the latest recompute it holds at least. */
void drift_extra_begin(struct drift_extra *x, struct tui *t);
/* A report was made: its model's characteristic analysis follows, now or (when a key
 * interrupts it) at the next idle moment. */
void drift_extra_report(struct drift_extra *x, struct tui *t, const struct monitor_report *r);
/* Idle work (interrupted by a key: again at the next idle moment). 1 when it changed. */
int drift_extra_idle(struct drift_extra *x, struct tui *t);
/* What the pane shows is out of date: its report older than the profiles, the profiles
 * older than the latest load or scored by a model no longer serving, the snapshots of the
 * monthly charts (snapshots != 0) older than the load. "" when nothing is. */
void drift_extra_stale(const struct drift_extra *x, struct tui *t, int snapshots, char *out,
		       size_t n);
/* The bins view of column name (the score: every column's total): its characteristic
 * analysis on the pane's page (chart.h) from page row `row`. Returns the rows used. */
int drift_extra_feature(const struct drift_extra *x, const struct chart_page *a, int row,
			const char *name, int score);
/* The page's last section: every column's total, largest first. Returns the row after it. */
int drift_extra_section(const struct drift_extra *x, const struct chart_page *a, int row);

#endif
