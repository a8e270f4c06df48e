/* The SQLite store: one database file, schema migrated by PRAGMA user_version, WAL,
 * foreign keys on; waiting for another process's write lock; and DB-riskdesk, riskdesk's
 * own file beside the database (run liveness locks, log lines waiting for the lock). */
#ifndef RISKDESK_STORE_H
#define RISKDESK_STORE_H

#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>

#include "riskdesk/util.h"

#define STORE_SCHEMA_VERSION 24

enum store_flags {
	STORE_READONLY = 1 << 0, /* open read-only; the file must exist */
};

struct rd_store;

/* A function each connection store_open makes is given once it is migrated: the SQL
 * functions of the layers above the store (profile_sql_functions). Process-wide; set by
 * main and the tests before they open a store. */
void store_on_open(int (*fn)(sqlite3 *db));

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

/* The first column of the first row of a query without parameters, as an integer; def
 * when the query fails, returns no row, or NULL. */
int64_t store_int(struct rd_store *st, const char *sql, int64_t def);

/* The meta table's value for key: set (inserted or replaced; 0 or -1 with err, naming
 * what), and read (a copy the caller frees; NULL when there is none). */
int store_meta_put(struct rd_store *st, const char *key, const char *value, const char *what,
		   struct rd_err *err);
char *store_meta_get(struct rd_store *st, const char *key);

/* A table's secondary indexes dropped for a bulk write of most of its rows and made again
 * after it: CREATE INDEX sorts once, far faster than an index insert per row. Both inside
 * the caller's transaction, so that no reader and no crash sees the table without them.
 * keep (NULL, or a NULL-terminated list of names) stays: an index whose order the writes
 * follow grows at its end, cheaper than a pass over the table to build it again.
 * drop: 0 or -1 with err; restore makes them again and forgets them (0 or -1 with err);
 * free forgets them (after a rollback, which brought them back). */
struct store_indexes {
	char **sql; /* their CREATE INDEX statements */
	int n;
};
int store_indexes_drop(struct rd_store *st, const char *table, const char *const *keep,
		       struct store_indexes *saved, struct rd_err *err);
int store_indexes_restore(struct rd_store *st, struct store_indexes *saved, struct rd_err *err);
void store_indexes_free(struct store_indexes *saved);
/* Sorts (CREATE INDEX, ORDER BY) through temp files (on = 1) or in memory, the store's
 * default (on = 0). In memory SQLite's sorter keeps every key, so a sort of every profile
 * grows with the book; on disk it keeps what the cache size allows. Outside a transaction
 * only (SQLite refuses the change inside one). 0 or -1 with err. */
int store_sort_on_disk(struct rd_store *st, int on, struct rd_err *err);
/* The page cache. A store opens with a small one (4 MB): browsing reads a few pages a key,
 * and a pass over a million profiles (drift) is faster through it than through a large one,
 * whose pages cost more to fill than they save. Bulk work (on = 1: the long commands, which
 * cmd_run_line brackets; a schema upgrade) gets 64 MB: B-tree inserts and index builds
 * reuse their pages. Off gives the pages back. 0 or -1 with err. */
int store_cache_bulk(struct rd_store *st, int on, struct rd_err *err);

/* ---- waiting for the write lock ----
 * Every statement that finds the database locked by another connection waits (SQLite's
 * busy handler) up to the timeout, calling progress now and then, and gives up early when
 * *cancel is set. A new store waits STORE_LOCK_TIMEOUT seconds, without progress. */
#define STORE_LOCK_TIMEOUT 10.0

struct store_wait {
	double timeout;                                            /* seconds; 0 fails at once */
	atomic_int *cancel;                                        /* may be NULL */
	void (*progress)(void *ud, double waited, double timeout); /* may be NULL */
	void *ud;
};

enum store_wait_end {
	STORE_WAIT_NONE = 0,      /* no wait gave up */
	STORE_WAIT_TIMEOUT = 1,   /* the timeout passed */
	STORE_WAIT_CANCELLED = 2, /* *cancel was set */
};

void store_set_wait(struct rd_store *st, const struct store_wait *w);
/* The timeout alone; returns the previous one. */
double store_set_timeout(struct rd_store *st, double seconds);
/* How the last wait that gave up since store_wait_clear ended, and how long it lasted. */
enum store_wait_end store_wait_failed(const struct rd_store *st, double *waited);
void store_wait_clear(struct rd_store *st);

/* ---- DB-riskdesk: live runs and waiting log lines ----
 * A running command holds a byte lock at its run's id, which the kernel drops when the
 * process ends however it ends: run_alive(id) (also an SQL function on the connection) is
 * 1 while the run's process lives. Byte 0 guards the log lines journal.c keeps there.
 * A read-only or in-memory store never creates the file; without it (a directory we
 * cannot write) runs are not seen alive by others and no line can wait. */
/* The file's descriptor (opened, or created mode 0600, on first use), or -1. */
int store_side_fd(struct rd_store *st);
/* Holds or releases the lock of run id for this process. 0 or -1 (err). */
int store_run_hold(struct rd_store *st, int64_t id, struct rd_err *err);
void store_run_release(struct rd_store *st, int64_t id);
/* 1 when run id's process holds its lock (this store's own run counts). */
int store_run_alive(struct rd_store *st, int64_t id);
/* Takes (waiting) or drops the guard of the log lines. 0 or -1. */
int store_side_lock(struct rd_store *st, int take);

#endif
