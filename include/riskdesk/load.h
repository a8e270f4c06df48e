/* Loading datasets (SPEC section 3): CSV (RFC 4180, via libcsv), JSON arrays and NDJSON
 * (via cJSON), and whitespace-separated files through a mapping. Every row is
 * validated; a load is all or nothing unless skip_bad. */
#ifndef RISKDESK_LOAD_H
#define RISKDESK_LOAD_H

#include <stdint.h>

#include "riskdesk/command.h"

struct load_opts {
	const char *map_path; /* mapping JSON, or NULL */
	int delim;            /* separator override (0: from the mapping or ','; ' ' = runs of blanks) */
	int skip_bad;         /* commit valid rows, write rejects to FILE.rejects.csv */
};

struct load_report {
	char table[16];     /* customers, orders, payments, outcomes */
	char path[1024];    /* the file */
	int64_t read;       /* data rows read */
	int64_t inserted;   /* new ids */
	int64_t replaced;   /* ids that existed and were replaced */
	int64_t rejected;   /* invalid rows (only with skip_bad; else the load failed) */
	int64_t outcomes;   /* outcomes derived by a mapping */
	double seconds;
};

/* Loads one file into a table, in one transaction with one runs row. Validation errors
 * go to ctx->out as diagnostics ("FILE:LINE: column 'x': ..."; the first 20, then a
 * count). 0, or -1 with ctx->err (nothing committed). */
int load_file(struct rd_ctx *ctx, const char *table, const char *path,
	      const struct load_opts *opts, struct load_report *report);

/* Loads customers, orders, payments, outcomes files found in dir (.csv, .json, .ndjson)
 * in dependency order, all in one transaction. reports has room for 4; *nreports is set. */
int load_dir(struct rd_ctx *ctx, const char *dir, const struct load_opts *opts,
	     struct load_report *reports, int *nreports);

#endif
