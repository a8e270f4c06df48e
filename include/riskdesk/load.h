/* Loading datasets (SPEC section 3): CSV (RFC 4180, via libcsv), JSON arrays and NDJSON
 * (via cJSON), and whitespace-separated files through a mapping (mapping.h,
 * docs/mappings.md). Every row is validated; a load is all or nothing unless skip_bad. */
#ifndef RISKDESK_LOAD_H
#define RISKDESK_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "riskdesk/journal.h"
#include "riskdesk/util.h"

struct load_opts {
	const char *map_path; /* mapping JSON, or NULL; only for load_file */
	int delim;            /* separator override (0: from the mapping, else ',' or '\t' for
			       * .tsv; ' ' = runs of blanks); see mapping_separator */
	int skip_bad;         /* commit valid rows, write rejects to FILE.rejects.csv */
};

/* The tables a file can load, in the order `load DIR` loads them (NULL after the last). */
#define LOAD_TABLES 6
extern const char *const load_table_names[LOAD_TABLES + 1];
/* The names joined by ", " and, before the last, by last (", " or " or "), into buf (n
 * bytes, cut); returns buf. */
const char *load_tables_list(const char *last, char *buf, size_t n);

struct load_report {
	char table[24];            /* customers, ..., external_records */
	char path[1024];           /* the file, as given */
	int64_t read;              /* data rows read */
	int64_t inserted;          /* new ids */
	int64_t replaced;          /* ids that existed and were replaced */
	int64_t rejected;          /* invalid rows (only with skip_bad; else the load failed) */
	int64_t outcomes;          /* outcomes rows derived by a mapping's outcome column */
	int64_t outcomes_inserted; /* of which were new (the rest replaced earlier outcomes) */
	double seconds;            /* time taken by this file */
};

/* Loads one file into a table, in one transaction, as part of job's run (its own run,
 * recorded as `load`, when the job has none; the audit row is cmd_run_line's). Validation
 * errors go to job->out as diagnostics ("FILE:LINE: column 'x': ..."; the first 20, then
 * a count). Foreign keys are off during the load (the loader checks references itself)
 * and on again afterwards. Polls job->cancel. 0, or -1 with err (nothing committed). */
int load_file(const struct rd_job *job, const char *table, const char *path,
	      const struct load_opts *opts, struct load_report *report, struct rd_err *err);

/* One valid row of load_read: a canonical column's cell as text (not NUL-terminated; ""
 * when empty), and its number for amounts and terms (NaN otherwise). Valid during the call. */
struct load_value {
	const char *s;
	size_t len;
	double num;
};

/* Called by load_read with each valid row: values[] in the table's column order
 * (load_column_index). Non-zero stops the read (load_read then fails with the caller's err). */
typedef int (*load_visit)(void *ud, int64_t line, const struct load_value *values);

/* The index of column in table's rows (load_visit's values), or -1. */
int load_column_index(const char *table, const char *column);

/* Reads and checks one file of table as load_file does (formats, opts' mapping, every row's
 * checks, references to the store's customers) and writes nothing: no run, no
 * transaction. Each valid row goes to visit, in file order; any invalid row fails the
 * whole file ("N invalid rows in FILE", the rows' errors as diagnostics), so the caller
 * keeps what visit saw only when it returns 0. skip_bad must be 0. 0, or -1 with err. */
int load_read(const struct rd_job *job, const char *table, const char *path,
	      const struct load_opts *opts, load_visit visit, void *ud, struct rd_err *err);

/* A loan term as the loader reads it: a whole number of months written as digits, 1 to
 * 1200; -1 otherwise. */
int load_months_parse(const char *s, size_t len);

/* Loads the files of load_table_names found in dir (TABLE.csv, .json or .ndjson) in that
 * order, all in one transaction. reports has room for LOAD_TABLES; *nreports is set (0
 * on failure). map_path must be NULL. */
int load_dir(const struct rd_job *job, const char *dir, const struct load_opts *opts,
	     struct load_report *reports, int *nreports, struct rd_err *err);

#endif
