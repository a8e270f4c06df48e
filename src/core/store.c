/* The store (store.h): opening, the schema of a new database (schema.sql) and the
 * migrations of older ones, waiting for another process's write lock, and DB-riskdesk. */
#include "riskdesk/store.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "riskdesk/buf.h"
#include "riskdesk/fold.h"
#include "riskdesk/stale.h"
#include "policy_default.h" /* generated from policy_default.json: policy_default_json[] */
#include "schema.h"         /* generated from schema.sql: static const char schema_sql[] */

struct rd_store {
	sqlite3 *db;  /* the connection */
	char *path;   /* as given */
	int readonly; /* opened with STORE_READONLY */
	int memory;   /* ":memory:" */
	int tidy_wal; /* read-only, and no -wal or -shm existed at open: see store_close */
	struct store_wait wait;
	double wait_t0;              /* when the current wait began */
	enum store_wait_end gave_up; /* since store_wait_clear */
	double waited;
	int side_fd;      /* DB-riskdesk, or -1 */
	int64_t held_run; /* the run whose lock this store holds, or 0 */
	long cache_kib;   /* the page cache's size (store_cache_bulk) */
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

int store_meta_put(struct rd_store *st, const char *key, const char *value, const char *what,
		   struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st,
			  "INSERT INTO meta(key, value) VALUES (?1, ?2)"
			  " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, what);
}

char *store_meta_get(struct rd_store *st, const char *key)
{
	sqlite3_stmt *s;
	char *value = NULL;
	if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = ?1", -1, &s, NULL) !=
	    SQLITE_OK)
		return NULL;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		value = rd_strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return value;
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

/* ---- waiting for the write lock ---- */

/* SQLite calls this while another connection holds a lock it needs (count: how many
 * times already for this lock); nonzero means try again. */
static int on_busy(void *ud, int count)
{
	static const int delays_ms[] = {1, 2, 5, 10, 20, 50, 100};
	struct rd_store *st = ud;
	double now = now_seconds();
	if (count == 0)
		st->wait_t0 = now;
	double waited = now - st->wait_t0;
	int cancelled = st->wait.cancel && *st->wait.cancel;
	if (cancelled || waited >= st->wait.timeout) {
		st->gave_up = cancelled ? STORE_WAIT_CANCELLED : STORE_WAIT_TIMEOUT;
		st->waited = waited;
		return 0;
	}
	if (st->wait.progress && waited >= 0.2) /* a short wait draws nothing */
		st->wait.progress(st->wait.ud, waited, st->wait.timeout);
	double ms = delays_ms[count < 7 ? count : 6], left = (st->wait.timeout - waited) * 1000;
	sqlite3_sleep((int)(ms < left ? ms : left + 1));
	return 1;
}

void store_set_wait(struct rd_store *st, const struct store_wait *w)
{
	st->wait = *w;
}

double store_set_timeout(struct rd_store *st, double seconds)
{
	double old = st->wait.timeout;
	st->wait.timeout = seconds;
	return old;
}

enum store_wait_end store_wait_failed(const struct rd_store *st, double *waited)
{
	if (waited)
		*waited = st->waited;
	return st->gave_up;
}

void store_wait_clear(struct rd_store *st)
{
	st->gave_up = STORE_WAIT_NONE;
	st->waited = 0;
}

/* ---- DB-riskdesk ---- */

int store_side_fd(struct rd_store *st)
{
	if (st->side_fd >= 0 || st->memory)
		return st->side_fd;
	size_t len = strlen(st->path) + 16;
	char *p = rd_malloc(len);
	snprintf(p, len, "%s-riskdesk", st->path);
	st->side_fd = st->readonly ? open(p, O_RDONLY | O_CLOEXEC)
				   : open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	free(p);
	return st->side_fd;
}

/* fcntl on one byte of the side file: F_SETLK, F_SETLKW or F_GETLK. */
static int side_lock(struct rd_store *st, int cmd, short type, int64_t at, struct flock *fl)
{
	int fd = store_side_fd(st);
	if (fd < 0)
		return -1;
	memset(fl, 0, sizeof *fl);
	fl->l_type = type;
	fl->l_whence = SEEK_SET;
	fl->l_start = (off_t)at;
	fl->l_len = 1;
	int rc; /* the guard is held for microseconds; Ctrl-C still stops a wait on it */
	while ((rc = fcntl(fd, cmd, fl)) != 0 && errno == EINTR &&
	       !(st->wait.cancel && *st->wait.cancel))
		;
	return rc;
}

int store_run_hold(struct rd_store *st, int64_t id, struct rd_err *err)
{
	struct flock fl;
	/* In memory no other process can see the run; without the file (a directory we
	 * cannot write) others will take it for interrupted, which beats refusing to write. */
	if (st->memory || store_side_fd(st) < 0) {
		st->held_run = id;
		return 0;
	}
	if (side_lock(st, F_SETLK, F_WRLCK, id, &fl) != 0) {
		rd_err_set(err, "%s-riskdesk: cannot lock: %s", st->path, strerror(errno));
		return -1;
	}
	st->held_run = id;
	return 0;
}

void store_run_release(struct rd_store *st, int64_t id)
{
	struct flock fl;
	if (st->held_run != id)
		return;
	st->held_run = 0;
	if (!st->memory && st->side_fd >= 0)
		side_lock(st, F_SETLK, F_UNLCK, id, &fl);
}

int store_run_alive(struct rd_store *st, int64_t id)
{
	struct flock fl;
	if (id > 0 && id == st->held_run)
		return 1;
	/* No file: no process ever held a run's lock since it was created, or a read-only
	 * store cannot see it: either way nothing is alive that we can show. */
	if (st->memory || side_lock(st, F_GETLK, F_WRLCK, id, &fl) != 0)
		return 0;
	return fl.l_type != F_UNLCK;
}

int store_side_lock(struct rd_store *st, int take)
{
	struct flock fl;
	if (st->memory || store_side_fd(st) < 0) /* no file: no lines to guard */
		return 0;
	return side_lock(st, take ? F_SETLKW : F_SETLK, take ? F_WRLCK : F_UNLCK, 0, &fl);
}

static void sql_run_alive(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	(void)argc;
	struct rd_store *st = sqlite3_user_data(c);
	sqlite3_result_int(c, store_run_alive(st, sqlite3_value_int64(argv[0])));
}

/* rd_fold(text): the name order's key (fold.h); NULL stays NULL. */
static void sql_fold(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	if (!s)
		return; /* NULL */
	char *f = fold_dup(s, (size_t)sqlite3_value_bytes(argv[0]));
	sqlite3_result_text(c, f, -1, free);
}

static int kept(const char *const *keep, const char *name)
{
	for (; keep && *keep; keep++)
		if (strcmp(*keep, name) == 0)
			return 1;
	return 0;
}

int store_indexes_drop(struct rd_store *st, const char *table, const char *const *keep,
		       struct store_indexes *saved, struct rd_err *err)
{
	sqlite3_stmt *s;
	memset(saved, 0, sizeof *saved);
	/* sql IS NULL: the indexes of PRIMARY KEY and UNIQUE, which stay. */
	if (store_prepare(st,
			  "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name ="
			  " ?1 AND sql IS NOT NULL ORDER BY name",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
	struct rd_buf drop = {0};
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (kept(keep, (const char *)sqlite3_column_text(s, 0)))
			continue;
		saved->sql = rd_realloc(saved->sql, (size_t)(saved->n + 1) * sizeof *saved->sql);
		saved->sql[saved->n++] = rd_strdup((const char *)sqlite3_column_text(s, 1));
		/* The names come from the schema itself, quoted as identifiers all the same. */
		char *one = sqlite3_mprintf("DROP INDEX \"%w\";", sqlite3_column_text(s, 0));
		buf_puts(&drop, one);
		sqlite3_free(one);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		rc = store_fail(st, err, "reading the indexes");
	else
		rc = drop.len ? store_exec(st, drop.data, err) : 0;
	buf_free(&drop);
	if (rc)
		store_indexes_free(saved);
	return rc;
}

#define STORE_BULK_CACHE_KIB 65536L  /* bulk work's cache, and the most one sort keeps */
#define STORE_BROWSE_CACHE_KIB 4096L /* everything else's (store_cache_bulk) */

/* SQLite's sorter may sort and merge on helper threads: CREATE INDEX after a bulk load or
 * recompute uses every core (measured: docs/design.md, "A million customers"). */
static long sorter_helpers(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	return cores < 2 ? 0 : cores > 8 ? 7 : cores - 1;
}

/* The pragmas take numbers, never user text. */
static int sorter_threads(struct rd_store *st, struct rd_err *err)
{
	char pragma[40];
	snprintf(pragma, sizeof pragma, "PRAGMA threads = %ld", sorter_helpers());
	return store_exec(st, pragma, err);
}

static int cache_kib(struct rd_store *st, long kib, struct rd_err *err)
{
	char pragma[40];
	snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%ld", kib);
	return store_exec(st, pragma, err);
}

int store_cache_bulk(struct rd_store *st, int on, struct rd_err *err)
{
	st->cache_kib = on ? STORE_BULK_CACHE_KIB : STORE_BROWSE_CACHE_KIB;
	int rc = cache_kib(st, st->cache_kib, err);
	if (!on)
		sqlite3_db_release_memory(st->db);
	return rc;
}

int store_indexes_restore(struct rd_store *st, struct store_indexes *saved, struct rd_err *err)
{
	/* Each sorting thread fills a buffer as large as the cache: the cache is shared out
	 * among them for the builds, so that together they keep what one sort would. */
	int rc = saved->n ? cache_kib(st, st->cache_kib / (sorter_helpers() + 1), err) : 0;
	for (int i = 0; i < saved->n && rc == 0; i++)
		rc = store_exec(st, saved->sql[i], err);
	if (saved->n && cache_kib(st, st->cache_kib, rc ? &(struct rd_err){{0}} : err))
		rc = -1;
	store_indexes_free(saved);
	return rc;
}

static const char temp_in_memory[] = "PRAGMA temp_store = MEMORY"; /* the default */

int store_sort_on_disk(struct rd_store *st, int on, struct rd_err *err)
{
	return store_exec(st, on ? "PRAGMA temp_store = FILE" : temp_in_memory, err);
}

void store_indexes_free(struct store_indexes *saved)
{
	for (int i = 0; i < saved->n; i++)
		free(saved->sql[i]);
	free(saved->sql);
	memset(saved, 0, sizeof *saved);
}

static int (*on_open)(sqlite3 *db);

void store_on_open(int (*fn)(sqlite3 *db))
{
	on_open = fn;
}

/* rd_pack_doubles(X, ...): its arguments as little-endian IEEE doubles, NULL as NaN: the
 * packed features of features.h, for the 21 -> 22 migration (the store knows no features;
 * the migration names them, in their order). */
static void sql_pack_doubles(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	unsigned char *out = sqlite3_malloc(argc * 8 + 1);
	if (!out) {
		sqlite3_result_error_nomem(c);
		return;
	}
	for (int i = 0; i < argc; i++) {
		double v = sqlite3_value_type(argv[i]) == SQLITE_NULL
				   ? NAN
				   : sqlite3_value_double(argv[i]);
		uint64_t bits;
		memcpy(&bits, &v, 8);
		for (int k = 0; k < 8; k++)
			out[i * 8 + k] = (unsigned char)(bits >> (8 * k));
	}
	sqlite3_result_blob(c, out, argc * 8, sqlite3_free);
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

static int side_exists(const char *path, const char *suffix)
{
	size_t len = strlen(path) + strlen(suffix) + 1;
	char *p = rd_malloc(len);
	snprintf(p, len, "%s%s", path, suffix);
	int yes = access(p, F_OK) == 0;
	free(p);
	return yes;
}

/* Policy version 1, the built-in one, unless there is one already. 0 or -1. */
static int seed_policy(struct rd_store *st, struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st,
			  "INSERT OR IGNORE INTO policies(version, spec, created_at, origin)"
			  " VALUES (1, ?1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'built-in')",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, policy_default_json, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_fail(st, err, "seeding the policy");
	sqlite3_finalize(s);
	return rc;
}

/* 23 -> 24 (apply_schema explains it). The indexes are the old table's, saved and made
 * again on the new one, so their definitions stay in schema.sql alone. */
static int rebuild_profiles_v24(struct rd_store *st, struct rd_err *err)
{
	struct store_indexes saved;
	if (store_indexes_drop(st, "credit_profiles", NULL, &saved, err))
		return -1;
	if (store_exec(
		    st,
		    "INSERT INTO score_history(customer_id, score, band, pd, model_name,"
		    " model_version, computed_at, reasons, components, cutoff_pd) SELECT"
		    " customer_id, score, band, pd, model_name, model_version, computed_at,"
		    " reasons, components, cutoff_pd FROM credit_profiles p WHERE NOT EXISTS"
		    " (SELECT 1 FROM score_history h WHERE h.id = (SELECT max(id) FROM"
		    " score_history WHERE customer_id = p.customer_id) AND h.reasons IS p.reasons"
		    " AND h.components IS p.components) ORDER BY customer_id;"
		    " CREATE TABLE credit_profiles_v24 (customer_id TEXT PRIMARY KEY REFERENCES"
		    " customers(id) ON DELETE CASCADE, score INTEGER NOT NULL CHECK (score BETWEEN"
		    " 300 AND 1000), band TEXT NOT NULL CHECK (band IN ('A', 'B', 'C', 'D', 'E')),"
		    " pd REAL NOT NULL, risk_level TEXT NOT NULL CHECK (risk_level IN ('LOW',"
		    " 'MEDIUM', 'HIGH', 'CRITICAL')), segment TEXT NOT NULL CHECK (segment IN"
		    " ('new', 'existing')), model_name TEXT NOT NULL, model_version INTEGER NOT"
		    " NULL, last_activity TEXT, computed_at TEXT NOT NULL, cutoff_pd REAL, fvec"
		    " BLOB, cohort TEXT, as_of TEXT, load_run INTEGER NOT NULL DEFAULT 0, data_seq"
		    " INTEGER NOT NULL DEFAULT 0, history_id INTEGER);"
		    " INSERT INTO credit_profiles_v24 SELECT customer_id, score, band, pd,"
		    " risk_level, segment, model_name, model_version, last_activity, computed_at,"
		    " cutoff_pd, fvec, cohort, as_of, load_run, data_seq, (SELECT max(id) FROM"
		    " score_history h WHERE h.customer_id = p.customer_id) FROM credit_profiles p"
		    " ORDER BY p.rowid;"
		    " DROP TABLE credit_profiles;"
		    " ALTER TABLE credit_profiles_v24 RENAME TO credit_profiles;"
		    " CREATE VIEW credit_profiles_full AS SELECT p.*, h.reasons, h.components FROM"
		    " credit_profiles p LEFT JOIN score_history h ON h.id = p.history_id;",
		    err)) {
		store_indexes_free(&saved);
		return -1;
	}
	return store_indexes_restore(st, &saved, err);
}

static int apply_schema(struct rd_store *st, struct rd_err *err)
{
	int64_t version = store_int(st, "PRAGMA user_version", 0);
	if (version == STORE_SCHEMA_VERSION)
		return 0;
	if (version > STORE_SCHEMA_VERSION) {
		rd_err_set(err, "%s: schema version %lld is newer than this riskdesk (%d)",
			   st->path, (long long)version, STORE_SCHEMA_VERSION);
		return -1;
	}
	if (st->readonly) {
		rd_err_set(err,
			   "%s: the database needs a schema upgrade, which --read-only forbids",
			   st->path);
		return -1;
	}
	/* Rebuilding a table that others reference (runs, 3 -> 4) needs the foreign keys
	 * off, which only takes effect outside a transaction. */
	if (store_exec(st, "PRAGMA foreign_keys = OFF", err))
		return -1;
	/* Index builds sort in temp files, not memory: a migration that builds indexes of a
	 * million profiles would hold their keys (set before the transaction, which refuses
	 * it). They get bulk work's cache, as a long command does. */
	if (store_sort_on_disk(st, 1, err) || store_cache_bulk(st, 1, err) || store_begin(st, err))
		goto fail;
	/* A new database (version 0) gets the whole current schema, the built-in rules model
	 * included (schema.sql), and so STORE_SCHEMA_VERSION at once: the `version >= 1`
	 * blocks below are skipped. Each of them migrates a database that an older riskdesk
	 * made, one version's change at a time. */
	if (version < 1 && store_exec(st, schema_sql, err))
		goto fail;
	/* 1 -> 2: profiles keep a packed copy of their features and their cohort (drift). A
	 * profile from version 1 has neither until its next recompute. */
	if (version == 1 && store_exec(st,
				       "ALTER TABLE credit_profiles ADD COLUMN fvec BLOB;"
				       " ALTER TABLE credit_profiles ADD COLUMN cohort TEXT;",
				       err))
		goto fail;
	/* 2 -> 3: covering indexes for drift's pass over the profiles and their outcomes. */
	if (version >= 1 && version < 3 &&
	    store_exec(st,
		       "CREATE INDEX profiles_drift ON credit_profiles(customer_id, segment,"
		       " cohort, score, pd, model_name, model_version, fvec);"
		       " CREATE INDEX outcomes_label ON outcomes(customer_id, defaulted);",
		       err))
		goto fail;
	/* 3 -> 4: runs gain `running` and `interrupted` and the process (pid, host) that runs
	 * them. A CHECK cannot be altered: the table is rebuilt, its rows and ids kept. */
	if (version >= 1 && version < 4 &&
	    store_exec(st,
		       "CREATE TABLE runs_v4 (id INTEGER PRIMARY KEY, kind TEXT NOT NULL,"
		       " args TEXT NOT NULL, user TEXT NOT NULL, started_at TEXT NOT NULL,"
		       " finished_at TEXT, rows INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL"
		       " CHECK (status IN ('running', 'ok', 'failed', 'cancelled', 'interrupted')),"
		       " message TEXT, pid INTEGER, host TEXT);"
		       " INSERT INTO runs_v4(id, kind, args, user, started_at, finished_at, rows,"
		       " status, message) SELECT id, kind, args, user, started_at, finished_at,"
		       " rows, status, message FROM runs;"
		       " DROP TABLE runs; ALTER TABLE runs_v4 RENAME TO runs;",
		       err))
		goto fail;
	/* 4 -> 5: outcomes say whether they were observed or are proxy labels (label proxy);
	 * every earlier outcome was loaded, so observed. The drift index covers the source. */
	if (version >= 1 && version < 5 &&
	    store_exec(st,
		       "ALTER TABLE outcomes ADD COLUMN source TEXT NOT NULL DEFAULT 'observed'"
		       " CHECK (source IN ('observed', 'proxy'));"
		       " DROP INDEX outcomes_label;"
		       " CREATE INDEX outcomes_label ON outcomes(customer_id, defaulted, source);",
		       err))
		goto fail;
	/* 5 -> 6: a profile records the day its features were computed as of (point-in-time);
	 * older profiles have none until their next recompute. */
	if (version >= 1 && version < 6 &&
	    store_exec(st, "ALTER TABLE credit_profiles ADD COLUMN as_of TEXT", err))
		goto fail;
	/* 6 -> 7: an attribute keeps the sentinel codes its mapping declares ("special"). */
	if (version >= 1 && version < 7 &&
	    store_int(st,
		      "SELECT count(*) FROM pragma_table_info('attributes') WHERE name ="
		      " 'special'",
		      0) == 0 &&
	    store_exec(st, "ALTER TABLE attributes ADD COLUMN special TEXT;", err))
		goto fail;
	/* 7 -> 8: labels for people from mappings (attribute_labels). */
	if (version >= 1 && version < 8 &&
	    store_exec(st,
		       "CREATE TABLE IF NOT EXISTS attribute_labels (name TEXT NOT NULL,"
		       " value TEXT NOT NULL,"
		       " label TEXT NOT NULL, PRIMARY KEY (name, value)) WITHOUT ROWID;",
		       err))
		goto fail;
	/* 8 -> 9: blends and calibration — the cut-off a profile was decided against, the
	 * reasons and components of every computation, and models' out-of-fold predictions. */
	if (version >= 1 && version < 9 &&
	    store_exec(st,
		       "ALTER TABLE credit_profiles ADD COLUMN cutoff_pd REAL;"
		       " ALTER TABLE score_history ADD COLUMN reasons TEXT;"
		       " ALTER TABLE score_history ADD COLUMN components TEXT;"
		       " ALTER TABLE score_history ADD COLUMN cutoff_pd REAL;"
		       " CREATE TABLE model_oof (name TEXT NOT NULL, version INTEGER NOT NULL,"
		       " row INTEGER NOT NULL, customer_id TEXT NOT NULL, fold INTEGER NOT NULL,"
		       " pd REAL NOT NULL, defaulted INTEGER NOT NULL,"
		       " PRIMARY KEY (name, version, row),"
		       " FOREIGN KEY (name, version) REFERENCES models(name, version)) WITHOUT "
		       "ROWID;",
		       err))
		goto fail;
	/* 9 -> 10: monthly snapshots (snapshot.h). */
	if (version >= 1 && version < 10 &&
	    store_exec(st,
		       "CREATE TABLE IF NOT EXISTS snapshot_months (month TEXT PRIMARY KEY, as_of "
		       "TEXT NOT NULL,"
		       " customers INTEGER NOT NULL, mean_score REAL, models TEXT NOT NULL,"
		       " run_id INTEGER REFERENCES runs(id), taken_at TEXT NOT NULL);"
		       " CREATE TABLE IF NOT EXISTS snapshot_rows (month TEXT NOT NULL, "
		       "customer_id TEXT NOT NULL,"
		       " score INTEGER NOT NULL, band TEXT NOT NULL, pd REAL NOT NULL,"
		       " segment TEXT NOT NULL, model_name TEXT NOT NULL,"
		       " model_version INTEGER NOT NULL, fvec BLOB NOT NULL,"
		       " PRIMARY KEY (month, customer_id)) WITHOUT ROWID;",
		       err))
		goto fail;
	/* 10 -> 11: models gain the algorithm 'rf' (a CHECK cannot be altered: the table is
	 * rebuilt, rows kept; foreign keys are off here, so model_oof's reference holds). */
	if (version >= 1 && version < 11 &&
	    store_exec(
		    st,
		    "CREATE TABLE models_v11 (name TEXT NOT NULL, version INTEGER NOT NULL,"
		    " algo TEXT NOT NULL CHECK (algo IN ('rules', 'logit', 'scorecard', 'xgb',"
		    " 'rf')), segment TEXT NOT NULL DEFAULT 'all' CHECK (segment IN ('all', 'new',"
		    " 'existing')), status TEXT NOT NULL CHECK (status IN ('champion', "
		    "'challenger',"
		    " 'retired')), weight REAL NOT NULL DEFAULT 1.0, spec TEXT NOT NULL, metrics"
		    " TEXT, reference TEXT, created_at TEXT NOT NULL, PRIMARY KEY (name, version));"
		    " INSERT INTO models_v11 SELECT name, version, algo, segment, status, weight,"
		    " spec, metrics, reference, created_at FROM models;"
		    " DROP TABLE models; ALTER TABLE models_v11 RENAME TO models;",
		    err))
		goto fail;
	/* 11 -> 12: snapshots' stored drift counts (monitor.h). */
	if (version >= 1 && version < 12 &&
	    store_exec(st,
		       "CREATE TABLE IF NOT EXISTS snapshot_counts (month TEXT NOT NULL,"
		       " model_name TEXT NOT NULL, model_version INTEGER NOT NULL,"
		       " reference_hash TEXT NOT NULL, counts BLOB NOT NULL,"
		       " PRIMARY KEY (month, model_name, model_version)) WITHOUT ROWID;",
		       err))
		goto fail;
	/* 12 -> 13: stale data (stale.h). A profile records the latest load of profile
	 * inputs its data held. Which tables an older load changed is not recorded: every load
	 * counts, and older profiles get the latest load that had finished when they were
	 * computed (to the second: a load in the same second counts as held). */
	if (version >= 1 && version < 13 &&
	    store_int(st,
		      "SELECT count(*) FROM pragma_table_info('credit_profiles') WHERE name ="
		      " 'load_run'",
		      0) == 0 &&
	    store_exec(st,
		       "ALTER TABLE credit_profiles ADD COLUMN load_run INTEGER NOT NULL"
		       " DEFAULT 0;"
		       " UPDATE credit_profiles SET load_run = coalesce((SELECT max(id) FROM runs"
		       " WHERE kind = 'load' AND status = 'ok'"
		       " AND finished_at <= credit_profiles.computed_at), 0);",
		       err))
		goto fail;
	if (version >= 1 && version < 13 &&
	    store_exec(st,
		       "INSERT OR IGNORE INTO meta(key, value) SELECT 'profiles_load', max(id)"
		       " FROM runs WHERE kind = 'load' AND status = 'ok' HAVING max(id) IS NOT "
		       "NULL;",
		       err))
		goto fail;
	if (version >= 1 && version < 13 &&
	    store_exec(st,
		       "CREATE INDEX IF NOT EXISTS runs_kind ON runs(kind, status, id);"
		       " CREATE INDEX IF NOT EXISTS profiles_stale ON credit_profiles(model_name,"
		       " model_version, segment, load_run);",
		       err))
		goto fail;
	/* 13 -> 14: a run records how long it ran to the millisecond (`runs` showed whole-second
	 * differences of its times); older runs keep those. */
	if (version >= 1 && version < 14 &&
	    store_int(st, "SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'seconds'",
		      0) == 0 &&
	    store_exec(st, "ALTER TABLE runs ADD COLUMN seconds REAL", err))
		goto fail;
	/* 14 -> 15: the customer list's orders (issue 12): names as people order them, by a
	 * folded key (fold.h) kept beside the name, and PD and segment through an index. */
	if (version >= 1 && version < 15 &&
	    store_int(st,
		      "SELECT count(*) FROM pragma_table_info('customers') WHERE name ="
		      " 'name_key'",
		      0) == 0 &&
	    store_exec(st, "ALTER TABLE customers ADD COLUMN name_key TEXT", err))
		goto fail;
	if (version >= 1 && version < 15 &&
	    store_exec(st,
		       "UPDATE customers SET name_key = rd_fold(name);"
		       " CREATE INDEX IF NOT EXISTS customers_name_key ON customers(name_key, id);"
		       " CREATE INDEX IF NOT EXISTS profiles_pd ON credit_profiles(pd, customer_id,"
		       " band);"
		       " CREATE INDEX IF NOT EXISTS profiles_segment ON credit_profiles(segment,"
		       " score, customer_id);",
		       err))
		goto fail;
	/* 15 -> 16: credit requests and external records (issue 13): models serve a kind
	 * (individual, company) as well as a segment, a request's amount is positive and it
	 * has its day, both tables are indexed by customer, and kind is a model input
	 * (customer_inputs). The CHECKs cannot be altered: models and credit_requests are
	 * rebuilt, rows kept (no loader wrote requests before; a row that breaks the new
	 * rules stops the upgrade rather than being dropped). */
	if (version >= 1 && version < 16) {
		int64_t bad = store_int(st,
					"SELECT count(*) FROM credit_requests WHERE NOT"
					" (amount > 0) OR created_at IS NULL",
					-1);
		if (bad != 0) {
			rd_err_set(err,
				   "%s: the schema upgrade to %d needs every credit request to have"
				   " an amount > 0 and a created_at; %lld do%s not (fix them with "
				   "sqlite3"
				   " first)",
				   st->path, 16, (long long)bad, bad == 1 ? "es" : "");
			goto fail;
		}
	}
	if (version >= 1 && version < 16 &&
	    store_exec(
		    st,
		    "CREATE TABLE models_v16 (name TEXT NOT NULL, version INTEGER NOT NULL,"
		    " algo TEXT NOT NULL CHECK (algo IN ('rules', 'logit', 'scorecard', 'xgb',"
		    " 'rf')), segment TEXT NOT NULL DEFAULT 'all' CHECK (segment IN ('all', 'new',"
		    " 'existing', 'individual', 'company')), status TEXT NOT NULL CHECK (status"
		    " IN ('champion', 'challenger', 'retired')), weight REAL NOT NULL DEFAULT 1.0,"
		    " spec TEXT NOT NULL, metrics TEXT, reference TEXT, created_at TEXT NOT NULL,"
		    " PRIMARY KEY (name, version));"
		    " INSERT INTO models_v16 SELECT name, version, algo, segment, status, weight,"
		    " spec, metrics, reference, created_at FROM models;"
		    " DROP TABLE models; ALTER TABLE models_v16 RENAME TO models;"
		    " CREATE TABLE credit_requests_v16 (id TEXT PRIMARY KEY, customer_id TEXT NOT"
		    " NULL REFERENCES customers(id) ON DELETE CASCADE, amount REAL NOT NULL CHECK"
		    " (amount > 0), term_months INTEGER NOT NULL CHECK (term_months > 0), purpose"
		    " TEXT, yearly_income REAL, existing_debt REAL, status TEXT NOT NULL DEFAULT"
		    " 'pending' CHECK (status IN ('pending', 'approved', 'referred', 'declined')),"
		    " score INTEGER, reasons TEXT, created_at TEXT NOT NULL, decided_at TEXT);"
		    " INSERT INTO credit_requests_v16 SELECT id, customer_id, amount, term_months,"
		    " purpose, yearly_income, existing_debt, status, score, reasons, created_at,"
		    " decided_at FROM credit_requests;"
		    " DROP TABLE credit_requests;"
		    " ALTER TABLE credit_requests_v16 RENAME TO credit_requests;"
		    " CREATE INDEX credit_requests_status ON credit_requests(status, id);"
		    " CREATE INDEX credit_requests_customer ON credit_requests(customer_id,"
		    " created_at);"
		    " CREATE INDEX IF NOT EXISTS external_records_customer ON"
		    " external_records(customer_id, source);"
		    " CREATE VIEW IF NOT EXISTS customer_inputs(customer_id, name, value, num) AS"
		    " SELECT customer_id, name, value, num FROM customer_attributes UNION ALL"
		    " SELECT id, 'kind', kind, NULL FROM customers;",
		    err))
		goto fail;
	/* 16 -> 17: the credit policy and decisions (policy.h): a request keeps its latest
	 * decision's PD, band, fired rules and row of `decisions`, the log of every decision. */
	if (version >= 1 && version < 17 &&
	    store_int(st,
		      "SELECT count(*) FROM pragma_table_info('credit_requests') WHERE name ="
		      " 'decision_id'",
		      0) == 0 &&
	    store_exec(st,
		       "ALTER TABLE credit_requests ADD COLUMN pd REAL;"
		       " ALTER TABLE credit_requests ADD COLUMN band TEXT CHECK (band IN ('A', 'B',"
		       " 'C', 'D', 'E'));"
		       " ALTER TABLE credit_requests ADD COLUMN rules TEXT;"
		       " ALTER TABLE credit_requests ADD COLUMN decision_id INTEGER;",
		       err))
		goto fail;
	if (version >= 1 && version < 17 &&
	    store_exec(st,
		       "CREATE TABLE IF NOT EXISTS policies (version INTEGER PRIMARY KEY, spec TEXT"
		       " NOT NULL, created_at TEXT NOT NULL, origin TEXT NOT NULL);"
		       " CREATE TABLE IF NOT EXISTS decisions (id INTEGER PRIMARY KEY, request_id"
		       " TEXT NOT NULL REFERENCES credit_requests(id) ON DELETE CASCADE, run_id"
		       " INTEGER REFERENCES runs(id), origin TEXT NOT NULL DEFAULT 'policy' CHECK"
		       " (origin IN ('policy', 'override')), status TEXT NOT NULL CHECK (status IN"
		       " ('approved', 'referred', 'declined')), decided_at TEXT NOT NULL, score"
		       " INTEGER, pd REAL, band TEXT, model_name TEXT, model_version INTEGER,"
		       " policy_version INTEGER, as_of TEXT, monthly_payment REAL, dti REAL, pti "
		       "REAL,"
		       " lti REAL, cutoff_pd REAL, cutoff_score INTEGER, rules TEXT, reasons TEXT,"
		       " note TEXT);"
		       " CREATE INDEX IF NOT EXISTS decisions_request ON decisions(request_id, "
		       "id);",
		       err))
		goto fail;
	/* The built-in policy, version 1 of a new database and of a migrated one: one text,
	 * embedded (the store knows nothing of policies). */
	if (version < 17 && seed_policy(st, err))
		goto fail;
	/* 17 -> 18: external sources and every fetch from them (issue 13, items 5 and 7).
	 * (Schema 17 is the policy's, made on another branch at the same time.) */
	if (version >= 1 && version < 18 &&
	    store_exec(st,
		       "CREATE TABLE IF NOT EXISTS sources (name TEXT PRIMARY KEY, argv TEXT NOT"
		       " NULL, ttl_days INTEGER NOT NULL CHECK (ttl_days >= 0), timeout REAL NOT"
		       " NULL CHECK (timeout > 0), created_at TEXT NOT NULL);"
		       " CREATE TABLE IF NOT EXISTS fetch_attempts (id INTEGER PRIMARY KEY, run_id"
		       " INTEGER REFERENCES runs(id), source TEXT NOT NULL, key TEXT NOT NULL,"
		       " started_at TEXT NOT NULL, seconds REAL NOT NULL, status TEXT NOT NULL"
		       " CHECK (status IN ('ok', 'failed', 'timeout', 'malformed', 'cancelled')),"
		       " message TEXT);"
		       " CREATE INDEX IF NOT EXISTS fetch_attempts_record ON fetch_attempts(source,"
		       " key, id);",
		       err))
		goto fail;
	/* 18 -> 19: challengers scored in shadow (issue 14, item 2): the flag, and their scores
	 * of the book, apart from the serving profiles. */
	if (version >= 1 && version < 19 &&
	    store_int(st, "SELECT count(*) FROM pragma_table_info('models') WHERE name = 'shadow'",
		      0) == 0 &&
	    store_exec(st,
		       "ALTER TABLE models ADD COLUMN shadow INTEGER NOT NULL DEFAULT 0"
		       " CHECK (shadow IN (0, 1))",
		       err))
		goto fail;
	if (version >= 1 && version < 19 &&
	    store_exec(st,
		       "CREATE TABLE IF NOT EXISTS shadow_scores (name TEXT NOT NULL, version"
		       " INTEGER NOT NULL, customer_id TEXT NOT NULL REFERENCES customers(id) ON"
		       " DELETE CASCADE, score INTEGER NOT NULL, pd REAL NOT NULL, band TEXT NOT"
		       " NULL CHECK (band IN ('A', 'B', 'C', 'D', 'E')), cutoff_pd REAL, run_id"
		       " INTEGER REFERENCES runs(id), as_of TEXT NOT NULL, PRIMARY KEY (name,"
		       " version, customer_id), FOREIGN KEY (name, version) REFERENCES"
		       " models(name, version)) WITHOUT ROWID",
		       err))
		goto fail;
	/* 19 -> 20: incremental recompute (issue 15, item 4). The data sequence starts at 1
	 * with every customer changed by it; profiles computed after the latest load of
	 * their inputs are current at 1, older ones at 0 (changed since). */
	if (version >= 1 && version < 20 &&
	    store_int(st,
		      "SELECT count(*) FROM pragma_table_info('customers') WHERE name ="
		      " 'changed_seq'",
		      0) == 0 &&
	    store_exec(st,
		       "ALTER TABLE customers ADD COLUMN changed_seq INTEGER NOT NULL DEFAULT 0;"
		       " ALTER TABLE credit_profiles ADD COLUMN data_seq INTEGER NOT NULL DEFAULT"
		       " 0;"
		       " UPDATE customers SET changed_seq = 1;"
		       " UPDATE credit_profiles SET data_seq = 1 WHERE load_run >= coalesce((SELECT"
		       " CAST(value AS INTEGER) FROM meta WHERE key = '" STALE_META_LOAD "'), 0);"
		       " INSERT OR REPLACE INTO meta(key, value) VALUES ('" STALE_META_SEQ "', 1)",
		       err))
		goto fail;
	/* 20 -> 21: a fast load (issue 15, item 1). The created_at indexes go; the first and
	 * last event dates they gave are noted in meta by the next load (until then a scan
	 * reads them: featscan.h, events_dates). */
	if (version >= 1 && version < 21 &&
	    store_exec(st,
		       "DROP INDEX IF EXISTS orders_created; DROP INDEX IF EXISTS payments_created",
		       err))
		goto fail;
	/* 20 (or 21) -> 22: a profile's features are stored once, packed (fvec); the JSON that
	 * `show --json` and exports give is made from them (rd_features). Profiles from before
	 * schema 2 have only the JSON: packed first. (Schema 21 is the load's, made on another
	 * branch at the same time.) */
	if (version >= 1 && version < 22 &&
	    store_int(st,
		      "SELECT count(*) FROM pragma_table_info('credit_profiles') WHERE name ="
		      " 'features'",
		      0) == 1 &&
	    store_exec(st,
		       "UPDATE credit_profiles SET fvec ="
		       " rd_pack_doubles(json_extract(features, '$.orders_total'),"
		       " json_extract(features, '$.orders_delivered'), json_extract(features,"
		       " '$.orders_returned'), json_extract(features, '$.orders_cancelled'),"
		       " json_extract(features, '$.total_spend'), json_extract(features,"
		       " '$.avg_order_value'), json_extract(features, '$.return_rate'),"
		       " json_extract(features, '$.cancel_rate'), json_extract(features,"
		       " '$.payments_total'), json_extract(features, '$.payments_failed'),"
		       " json_extract(features, '$.failed_payment_rate'),"
		       " json_extract(features, '$.cod_share'), json_extract(features,"
		       " '$.recency_days'), json_extract(features, '$.frequency_90d'),"
		       " json_extract(features, '$.monetary_90d'), json_extract(features,"
		       " '$.amount_std'), json_extract(features, '$.tenure_days')) WHERE fvec"
		       " IS NULL;"
		       " ALTER TABLE credit_profiles DROP COLUMN features;",
		       err))
		goto fail;
	/* 22 -> 23: every sort index of the customer list carries band and score (schema.sql),
	 * so a filter on them never reads the profile rows a page passes. */
	if (version >= 1 && version < 23 &&
	    store_exec(st,
		       "DROP INDEX IF EXISTS profiles_score; DROP INDEX IF EXISTS profiles_pd;"
		       " DROP INDEX IF EXISTS profiles_segment; DROP INDEX IF EXISTS"
		       " profiles_activity;"
		       " CREATE INDEX profiles_score ON credit_profiles(score, customer_id, band);"
		       " CREATE INDEX profiles_pd ON credit_profiles(pd, customer_id, band, score);"
		       " CREATE INDEX profiles_segment ON credit_profiles(segment, score,"
		       " customer_id, band);"
		       " CREATE INDEX profiles_activity ON credit_profiles(last_activity,"
		       " customer_id, band, score);",
		       err))
		goto fail;
	/* 23 -> 24: a profile's reasons and components live only in its score_history row,
	 * named by history_id (schema.sql). A profile whose customer's latest history row
	 * holds other reasons or components (history cleaned up, or written before it kept
	 * reasons) first gets its own appended, as a row of its computation, so no reason is
	 * lost; then every profile names its customer's latest row. The table is rebuilt, not
	 * altered: dropping a column leaves each page as full as the wide rows left it (at
	 * 1,000,000 profiles two thirds empty), and every recompute would write them all. */
	if (version >= 1 && version < 24 &&
	    store_int(st,
		      "SELECT count(*) FROM pragma_table_info('credit_profiles') WHERE name ="
		      " 'reasons'",
		      0) == 1 &&
	    rebuild_profiles_v24(st, err))
		goto fail;
	if (store_int(st, "SELECT count(*) FROM pragma_foreign_key_check", 0) != 0) {
		rd_err_set(err, "%s: the schema upgrade would break foreign keys", st->path);
		goto fail;
	}
	char pragma[64];
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
	if (store_exec(st, pragma, err) || store_commit(st, err))
		goto fail;
	return store_sort_on_disk(st, 0, err) || store_cache_bulk(st, 0, err) ||
	       store_exec(st, "PRAGMA foreign_keys = ON", err);
fail:
	store_rollback(st);
	store_sort_on_disk(st, 0, &(struct rd_err){{0}});
	store_cache_bulk(st, 0, &(struct rd_err){{0}});
	store_exec(st, "PRAGMA foreign_keys = ON", &(struct rd_err){{0}});
	return -1;
}

/* SQLite counts every allocation under a global mutex unless told not to; nothing here reads
 * those counts, and a load allocates per row (measured: docs/design.md, "Fast load"). */
static void sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

struct rd_store *store_open(const char *path, int flags, struct rd_err *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sqlite_setup);
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
	st->memory = memory;
	st->side_fd = -1;
	st->wait.timeout = STORE_LOCK_TIMEOUT;
	st->tidy_wal = readonly && !memory && !side_exists(path, "-wal") &&
		       !side_exists(path, "-shm");
	int oflags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &st->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rd_err_set(err, "%s: %s", path, st->db ? sqlite3_errmsg(st->db) : "cannot open");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	/* Another process may hold the write lock: wait (store_set_wait) rather than fail. */
	sqlite3_busy_handler(st->db, on_busy, st);
	sqlite3_create_function(st->db, "run_alive", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY, st,
				sql_run_alive, NULL, NULL);
	/* Only riskdesk has it, so no index or trigger uses it: the sqlite3 shell could then
	 * no longer check or write the database. The load and the 13 -> 14 migration call it. */
	sqlite3_create_function(st->db, "rd_fold", 1,
				SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				sql_fold, NULL, NULL);
	sqlite3_create_function(st->db, "rd_pack_doubles", -1,
				SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				sql_pack_doubles, NULL, NULL);
	if (store_int(st, "PRAGMA schema_version", -1) < 0) {
		rd_err_set(err, "%s: not a riskdesk database (%s)", path, sqlite3_errmsg(st->db));
		goto fail;
	}
	if (!readonly && !memory && store_exec(st, "PRAGMA journal_mode = WAL", err))
		goto fail;
	if (store_exec(st, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;", err) ||
	    store_cache_bulk(st, 0, err) || sorter_threads(st, err) ||
	    store_exec(st, temp_in_memory, err) || apply_schema(st, err))
		goto fail;
	if (on_open && on_open(st->db)) {
		rd_err_set(err, "%s: %s", path, sqlite3_errmsg(st->db));
		goto fail;
	}
	return st;
fail:
	store_close(st);
	return NULL;
}

/* A read-only connection cannot remove the -wal and -shm files it had to create (SQLite
 * does that when the last connection closes, and a read-only one may not take the
 * exclusive lock it needs). When we created them and the log is still empty, a
 * read-write connection that reads one page and closes lets SQLite do it by its own rule:
 * only if no other connection is open, with nothing to checkpoint. The file unwritable by
 * us: SQLite opens it read-only and nothing happens. */
static void tidy_wal(const char *path)
{
	size_t len = strlen(path) + 8;
	char *wal = rd_malloc(len);
	snprintf(wal, len, "%s-wal", path);
	struct stat sb;
	int empty = stat(wal, &sb) == 0 && sb.st_size == 0;
	free(wal);
	sqlite3 *db = NULL;
	if (empty && sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
				     NULL) == SQLITE_OK) {
		sqlite3_busy_timeout(db, 1000);
		sqlite3_exec(db, "PRAGMA schema_version", NULL, NULL, NULL);
	}
	sqlite3_close(db);
}

void store_close(struct rd_store *st)
{
	if (!st)
		return;
	int closed = 1;
	if (st->db && sqlite3_close(st->db) != SQLITE_OK) { /* a statement left open */
		sqlite3_close_v2(st->db);
		closed = 0;
	}
	if (closed && st->tidy_wal)
		tidy_wal(st->path);
	if (st->side_fd >= 0)
		close(st->side_fd);
	free(st->path);
	free(st);
}
