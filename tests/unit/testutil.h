/* Shared helpers of the cmocka unit tests. */
#ifndef RISKDESK_TESTUTIL_H
#define RISKDESK_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "riskdesk/command.h"
#include "riskdesk/store.h"

int profile_sql_functions(sqlite3 *db); /* profile.h, which would bring the engine's names */

/* A store in memory, migrated; fails the test when it cannot open. */
static inline struct rd_store *test_store(void)
{
	struct rd_err err = {{0}};
	store_on_open(profile_sql_functions); /* as main does */
	struct rd_store *st = store_open(":memory:", 0, &err);
	if (!st)
		fail_msg("store_open: %s", err.msg);
	return st;
}

/* Writes text to a fresh file under a per-process temporary directory and returns its
 * path (static buffer rotated among 8). */
static inline const char *test_file(const char *name, const char *data, size_t len)
{
	static char paths[8][512];
	static int next;
	char dir[256];
	snprintf(dir, sizeof dir, "/tmp/riskdesk-unit-%d", (int)getpid());
	mkdir(dir, 0700);
	char *p = paths[next++ % 8];
	snprintf(p, 512, "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	if (!f)
		fail_msg("cannot write %s", p);
	fwrite(data, 1, len, f);
	fclose(f);
	return p;
}

/* The single integer a query returns. */
static inline long long test_int(struct rd_store *st, const char *sql)
{
	return (long long)store_int(st, sql, -1);
}

/* Runs a command against st with a null sink; returns the rd_status. */
static inline int test_run(struct rd_store *st, const char *line, struct rd_err *err)
{
	struct rd_sink *sink = sink_null_new();
	struct rd_ctx ctx;
	ctx_init(&ctx, st, sink);
	int rc = cmd_run_line(&ctx, line);
	if (err)
		*err = ctx.err;
	sink_free(sink);
	return rc;
}

#define TEST_GERMAN "../shared/datasets/german/german.data"

/* A store with German Credit loaded. ../shared is part of the test set-up (CI has it):
 * missing, the test fails. */
static inline struct rd_store *test_store_german(void)
{
	if (access(TEST_GERMAN, R_OK) != 0)
		fail_msg("cannot read %s: ../shared (the datasets) must be beside the repository",
			 TEST_GERMAN);
	struct rd_store *st = test_store();
	struct rd_err err = {{0}};
	assert_int_equal(test_run(st,
				  "load customers " TEST_GERMAN
				  " --map sample-data/mappings/german.json",
				  &err),
			 RD_OK);
	return st;
}

#endif
