/* The SQLite store: one database file, schema migrated by PRAGMA user_version, WAL,
 * foreign keys on. */
#ifndef RISKDESK_STORE_H
#define RISKDESK_STORE_H

#include <sqlite3.h>

#include "riskdesk/util.h"

#define STORE_SCHEMA_VERSION 3

enum store_flags {
	STORE_READONLY = 1 << 0, /* open read-only; the file must exist */
};

struct rd_store;

/* Opens (creating with mode 0600 when missing) and migrates the database at path
 * (":memory:" works). Returns NULL and fills err on failure. */
struct rd_store *store_open(const char *path, int flags, struct rd_err *err);
void store_close(struct rd_store *st);

sqlite3 *store_db(const struct rd_store *st);
const char *store_path(const struct rd_store *st);
int store_readonly(const struct rd_store *st);

/* Runs SQL with no result rows. 0 or -1. */
int store_exec(struct rd_store *st, const char *sql, struct rd_err *err);
/* Prepares one statement. 0 or -1. */
int store_prepare(struct rd_store *st, const char *sql, sqlite3_stmt **stmt, struct rd_err *err);
/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. rollback never fails the caller. */
int store_begin(struct rd_store *st, struct rd_err *err);
int store_commit(struct rd_store *st, struct rd_err *err);
void store_rollback(struct rd_store *st);
/* Fills err with sqlite's message after a failed step, prefixed by what. Returns -1. */
int store_fail(struct rd_store *st, struct rd_err *err, const char *what);

/* The single integer of a query with bound text parameters (NULL-terminated list);
 * def when no row. */
int64_t store_int(struct rd_store *st, const char *sql, int64_t def);

#endif
