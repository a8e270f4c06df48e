#include "riskdesk/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "riskdesk/score.h"
#include "schema.h" /* generated from schema.sql: static const char schema_sql[] */

struct rd_store {
	sqlite3 *db;    /* the connection */
	char *path;     /* as given */
	int readonly;   /* opened with STORE_READONLY */
};

int store_fail(struct rd_store *st, struct rd_err *err, const char *what)
{
	rd_err_set(err, "%s: %s", what, sqlite3_errmsg(st->db));
	return -1;
}

int store_exec(struct rd_store *st, const char *sql, struct rd_err *err)
{
	char *msg = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		rd_err_set(err, "database: %s", msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int store_prepare(struct rd_store *st, const char *sql, sqlite3_stmt **stmt, struct rd_err *err)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL) != SQLITE_OK) {
		rd_err_set(err, "database: %s", sqlite3_errmsg(st->db));
		*stmt = NULL;
		return -1;
	}
	return 0;
}

int store_begin(struct rd_store *st, struct rd_err *err)
{
	return store_exec(st, "BEGIN IMMEDIATE", err);
}

int store_commit(struct rd_store *st, struct rd_err *err)
{
	return store_exec(st, "COMMIT", err);
}

void store_rollback(struct rd_store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

int64_t store_int(struct rd_store *st, const char *sql, int64_t def)
{
	sqlite3_stmt *s;
	int64_t v = def;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return def;
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

sqlite3 *store_db(const struct rd_store *st)
{
	return st->db;
}

const char *store_path(const struct rd_store *st)
{
	return st->path;
}

int store_readonly(const struct rd_store *st)
{
	return st->readonly;
}

/* SQLite creates a missing file with the process umask; we want 0600 from the first
 * byte, and SQLite gives its -wal and -shm files the database file's mode. */
static int create_private_file(const char *path, struct rd_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return 0;
		rd_err_set(err, "%s: cannot create: %s", path, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

static int apply_schema(struct rd_store *st, struct rd_err *err)
{
	int64_t version = store_int(st, "PRAGMA user_version", 0);
	if (version == STORE_SCHEMA_VERSION)
		return 0;
	if (version > STORE_SCHEMA_VERSION) {
		rd_err_set(err, "%s: schema version %lld is newer than this riskdesk (%d)", st->path,
			   (long long)version, STORE_SCHEMA_VERSION);
		return -1;
	}
	if (st->readonly) {
		rd_err_set(err, "%s: the database needs a schema upgrade, which --read-only forbids",
			   st->path);
		return -1;
	}
	if (store_begin(st, err))
		return -1;
	/* Version 0 -> 1: the baseline schema and the built-in rules model. Later
	 * migrations go below, one `if (version < N)` block each. */
	if (version < 1) {
		sqlite3_stmt *ins = NULL;
		char now[21];
		now_iso(now);
		if (store_exec(st, schema_sql, err) ||
		    store_prepare(st,
				  "INSERT INTO models(name, version, algo, segment, status, spec, created_at)"
				  " VALUES ('rules', 1, 'rules', 'all', 'champion', ?1, ?2)",
				  &ins, err))
			goto fail;
		sqlite3_bind_text(ins, 1, rules_default_json(), -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, now, -1, SQLITE_TRANSIENT);
		int rc = sqlite3_step(ins);
		sqlite3_finalize(ins);
		if (rc != SQLITE_DONE) {
			store_fail(st, err, "creating the rules model");
			goto fail;
		}
	}
	/* 1 -> 2: profiles keep a packed copy of their features and their cohort (drift). A
	 * profile from version 1 has neither until its next recompute. */
	if (version == 1 &&
	    store_exec(st, "ALTER TABLE credit_profiles ADD COLUMN fvec BLOB;"
			   " ALTER TABLE credit_profiles ADD COLUMN cohort TEXT;", err))
		goto fail;
	/* 2 -> 3: covering indexes for drift's pass over the profiles and their outcomes. */
	if (version >= 1 && version < 3 &&
	    store_exec(st, "CREATE INDEX profiles_drift ON credit_profiles(customer_id, segment,"
			   " cohort, score, pd, model_name, model_version, fvec);"
			   " CREATE INDEX outcomes_label ON outcomes(customer_id, defaulted);", err))
		goto fail;
	char pragma[64];
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
	if (store_exec(st, pragma, err) || store_commit(st, err))
		goto fail;
	return 0;
fail:
	store_rollback(st);
	return -1;
}

struct rd_store *store_open(const char *path, int flags, struct rd_err *err)
{
	int readonly = (flags & STORE_READONLY) != 0;
	int memory = strcmp(path, ":memory:") == 0;
	if (!memory) {
		struct stat sb;
		if (readonly && stat(path, &sb) != 0) {
			rd_err_set(err, "%s: cannot open read-only: %s", path, strerror(errno));
			return NULL;
		}
		if (!readonly && create_private_file(path, err))
			return NULL;
	}
	struct rd_store *st = rd_calloc(1, sizeof *st);
	st->path = rd_strdup(path);
	st->readonly = readonly;
	int oflags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &st->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rd_err_set(err, "%s: %s", path, st->db ? sqlite3_errmsg(st->db) : "cannot open");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	/* Another console may hold the write lock for a moment: wait rather than fail. */
	sqlite3_busy_timeout(st->db, 5000);
	if (store_int(st, "PRAGMA schema_version", -1) < 0) {
		rd_err_set(err, "%s: not a riskdesk database (%s)", path, sqlite3_errmsg(st->db));
		goto fail;
	}
	if (!readonly && !memory && store_exec(st, "PRAGMA journal_mode = WAL", err))
		goto fail;
	if (store_exec(st,
		       "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
		       " PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY",
		       err) ||
	    apply_schema(st, err))
		goto fail;
	return st;
fail:
	store_close(st);
	return NULL;
}

void store_close(struct rd_store *st)
{
	if (!st)
		return;
	if (st->db)
		sqlite3_close_v2(st->db);
	free(st->path);
	free(st);
}
