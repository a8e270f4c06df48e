/* Retention (SPEC section 8): `cleanup history` removes the score history, the decided
 * credit requests and the fetch attempts older than a number of days, keeping each
 * customer's latest score; `vacuum` gives the space they took back to the file system. */
#ifndef RISKDESK_RETENTION_H
#define RISKDESK_RETENTION_H

#include <stdint.h>

#include "riskdesk/journal.h"

#define RETENTION_DAYS_MAX 36500

struct retention_report {
	char cutoff[21];     /* now less the days, ISO: older than this goes */
	int64_t history;     /* score_history rows removed */
	int64_t kept_latest; /* older rows kept: each the latest score of its customer */
	int64_t requests;    /* approved and declined credit requests removed */
	int64_t attempts;    /* fetch_attempts rows removed */
};

/* Removes, in one transaction of the job's run: the score history computed before the
 * cut-off (now less days) but each customer's latest row (the highest id: the order they
 * were computed in) and the row each profile names for its reasons; the credit requests
 * approved or declined before it (decided_at, or created_at when the source system
 * decided and riskdesk never did; referred and pending ones wait for a decision and
 * stay); the fetch attempts started before it. 0, or -1 with err (nothing removed). */
int retention_history(const struct rd_job *job, int64_t days, struct retention_report *rep,
		      struct rd_err *err);

struct vacuum_report {
	int64_t before, after; /* the database's bytes (pages x page size) */
	int wal_busy;          /* another connection kept the log from being emptied: the
				* file shrinks once it lets go */
};

/* SQLite's VACUUM, then a checkpoint that truncates the log, so that the file shrinks to
 * the pages in use. Refused inside an open transaction. Ctrl-C (job->cancel) stops it and
 * leaves the file as it was. 0, 1 when cancelled, -1 with err. */
int retention_vacuum(const struct rd_job *job, struct vacuum_report *rep, struct rd_err *err);

#endif
