/* The dataset loader (SPEC section 3). A reader (load_csv.c, load_json.c) hands over a
 * header and records; here they are mapped onto a table's columns, validated, and
 * written with one reused upsert statement per table, all in one transaction.
 * Speed (SPEC section 10): references are checked against the store's ids read once,
 * sorted, rather than a query per row, so foreign keys are off during the load; keys are
 * checked for duplicates without hashing while they come sorted; and a big file into a
 * table no bigger than it rebuilds the table's secondary indexes afterwards instead of
 * inserting into them row by row. */
#include "riskdesk/load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load_internal.h"
#include "riskdesk/afile.h"
#include "riskdesk/features.h"
#include "riskdesk/journal.h"
#include "riskdesk/mapping.h"
#include "riskdesk/sink.h"
#include "riskdesk/stale.h"

#define LOAD_MAX_DIAG 20   /* row errors listed; the others are counted */
#define LOAD_MAX_SLOTS 8   /* canonical columns of the widest table */
#define LOAD_NAME_MAX 1024 /* longest column name */
#define LOAD_POLL 4096     /* rows between cancel checks */
#define LOAD_PROGRESS 65536 /* rows between progress reports */
#define LOAD_BULK_BYTES (4 << 20) /* files from this size may rebuild indexes after loading */
#define LOAD_ROW_BYTES 64  /* a guess at a row's size, to compare a file with a table */
#define LOAD_TOKENS 5      /* distinct texts in a numeric-looking column that still warn */
#define LOAD_TOKEN_BYTES 32 /* a longer text is data, not a missing-value token */

enum load_table { LT_CUSTOMERS, LT_ORDERS, LT_PAYMENTS, LT_OUTCOMES, LT_COUNT };

enum load_vtype {
	VT_ID,       /* free text; slot 0 is also the row's key, unique in the file */
	VT_TEXT,     /* free text */
	VT_CUSTOMER, /* a customer id in the store or in this load */
	VT_ORDER,    /* an order id in the store or in this load */
	VT_AMOUNT,   /* a finite number >= 0 */
	VT_STATUS,   /* an order status */
	VT_METHOD,   /* a payment method */
	VT_FLAG,     /* 0 or 1 (true and false accepted) */
	VT_KIND,     /* individual or company */
	VT_DATE,     /* ISO 8601 */
};

struct load_fdef {
	const char *name;     /* canonical column */
	enum load_vtype type; /* how its cells are checked and bound */
	int required;         /* 1: the cell may not be empty */
};

struct load_tdef {
	const char *name;               /* the table */
	const struct load_fdef *fields; /* slot order = the upsert's parameter order */
	int nfields;                    /* entries in fields */
	const char *upsert;             /* writes one row, replacing the key's old row */
	const char *count;              /* rows in the table */
	const char *columns;            /* for messages */
};

static const struct load_fdef customer_fields[] = {
	{"id", VT_ID, 1},      {"name", VT_TEXT, 0}, {"email", VT_TEXT, 0},
	{"phone", VT_TEXT, 0}, {"kind", VT_KIND, 0}, {"created_at", VT_DATE, 0},
};
static const struct load_fdef order_fields[] = {
	{"id", VT_ID, 1},         {"customer_id", VT_CUSTOMER, 1}, {"amount", VT_AMOUNT, 1},
	{"status", VT_STATUS, 1}, {"created_at", VT_DATE, 1},
};
static const struct load_fdef payment_fields[] = {
	{"id", VT_ID, 1},          {"customer_id", VT_CUSTOMER, 1}, {"order_id", VT_ORDER, 0},
	{"method", VT_METHOD, 1},  {"success", VT_FLAG, 1},         {"amount", VT_AMOUNT, 1},
	{"created_at", VT_DATE, 1},
};
static const struct load_fdef outcome_fields[] = {
	{"customer_id", VT_CUSTOMER, 1}, {"defaulted", VT_FLAG, 1}, {"observed_at", VT_DATE, 0},
};

/* Upserts: never INSERT OR REPLACE, which deletes the old row (and, with foreign keys
 * on, whatever references it). */
static const struct load_tdef tables[LT_COUNT] = {
	{"customers", customer_fields, 6,
	 "INSERT INTO customers(id, name, email, phone, kind, created_at)"
	 " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
	 " email = excluded.email, phone = excluded.phone, kind = excluded.kind,"
	 " created_at = excluded.created_at",
	 "SELECT count(*) FROM customers", "id, name, email, phone, kind, created_at"},
	{"orders", order_fields, 5,
	 "INSERT INTO orders(id, customer_id, amount, status, created_at)"
	 " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET"
	 " customer_id = excluded.customer_id, amount = excluded.amount,"
	 " status = excluded.status, created_at = excluded.created_at",
	 "SELECT count(*) FROM orders", "id, customer_id, amount, status, created_at"},
	{"payments", payment_fields, 7,
	 "INSERT INTO payments(id, customer_id, order_id, method, success, amount, created_at)"
	 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO UPDATE SET"
	 " customer_id = excluded.customer_id, order_id = excluded.order_id,"
	 " method = excluded.method, success = excluded.success, amount = excluded.amount,"
	 " created_at = excluded.created_at",
	 "SELECT count(*) FROM payments",
	 "id, customer_id, order_id, method, success, amount, created_at"},
	{"outcomes", outcome_fields, 3,
	 "INSERT INTO outcomes(customer_id, defaulted, observed_at) VALUES (?1, ?2, ?3)"
	 " ON CONFLICT(customer_id) DO UPDATE SET defaulted = excluded.defaulted,"
	 " observed_at = excluded.observed_at, source = 'observed'", /* replaces a proxy label */
	 "SELECT count(*) FROM outcomes", "customer_id, defaulted, observed_at"},
};

static const char *const kind_names[2] = {"individual", "company"};

/* The ids of a table, sorted (the order of its primary key index), for reference checks.
 * Lookups start at the last hit and gallop forward: references mostly come in id order
 * (orders grouped by customer, payments by order), so most cost one comparison. */
struct load_ids {
	char *arena;         /* id bytes, back to back; owned */
	struct load_id {
		size_t off;  /* in arena */
		size_t len;  /* bytes */
	} *v;                /* sorted; owned */
	size_t n;            /* ids */
	size_t finger;       /* where the last search ended */
};

/* State shared by the files of one load command (one transaction). */
struct load_session {
	const struct rd_job *job;       /* store, sink, cancel flag and the caller's run */
	struct rd_err *err;             /* the load's error */
	const struct load_opts *opts;   /* options of the command */
	struct rd_mapping *map;         /* owned; NULL without --map */
	struct load_ids *customers;     /* customer ids in the store, read when first needed */
	struct load_ids *orders;        /* order ids likewise */
	struct afile *rejects[LT_COUNT]; /* complete rejects files, renamed into place once
					  * the load is committed, else removed; owned */
	int nrejects;                   /* entries in rejects */
	int64_t errors;                 /* row errors of the whole load */
	int64_t shown;                  /* of which were sent as diagnostics */
	int cancelled;                  /* the user asked to stop */
};

enum load_target {
	TG_IGNORE,  /* dropped */
	TG_SLOT,    /* a canonical column */
	TG_ATTR,    /* a customer attribute */
	TG_OUTCOME, /* the mapping's outcome column */
};

struct load_col {
	char *name;                          /* as in the header, trimmed; owned */
	enum load_target target;             /* where its cells go */
	int index;                           /* slot or attribute */
	const struct mapping_recode *recode; /* value replacements, or NULL; the mapping owns it */
	const struct mapping_missing *missing; /* texts meaning no value, or NULL; the mapping's */
};

struct load_attr {
	char *name;              /* as stored in `attributes`; owned */
	const char *label;       /* name for messages: the source column when there is one */
	enum mapping_type forced; /* type the mapping imposes, or MAPPING_AUTO */
	enum mapping_type before; /* type already in the store, or MAPPING_AUTO when new */
	const char *def;         /* default value or NULL; the mapping owns it */
	int col;                 /* source column, or -1 */
	int nonnum;              /* a written value was not a number */
	int written;             /* values written */
	int64_t numbers;         /* values written that are numbers */
	char *tok[LOAD_TOKENS];  /* the distinct other values, while few and short; owned */
	int64_t tokn[LOAD_TOKENS]; /* rows of each */
	int ntok;                /* entries in tok */
	int many;                /* more or longer other values than tok keeps */
	struct load_field v;     /* the current row's value */
	double num;              /* its number, when hasnum */
	int hasnum;              /* v parsed as a number */
};

/* A key of the file, while the keys arrive sorted. */
struct load_key {
	size_t off;   /* in load_keys.arena */
	size_t len;   /* bytes */
	int64_t line; /* line of its row */
};

/* The keys of a file's valid rows, to find duplicates. Sources usually come sorted by
 * id: while every key is greater than the one before, none can repeat and the keys go to
 * plain arrays (sequential writes, no hashing); the hash map is built only if the order
 * ever breaks. */
struct load_keys {
	char *arena;           /* key bytes, back to back; owned */
	size_t arena_len;      /* bytes used */
	size_t arena_cap;      /* bytes allocated */
	struct load_key *v;    /* the keys in order, while sorted; owned */
	size_t n;              /* keys in v */
	size_t cap;            /* room in v */
	struct rd_strmap *map; /* key -> line once the order broke, else NULL; owned */
};

struct load_in {
	struct load_session *ss;     /* the load this file is part of */
	const struct load_tdef *t;   /* the target table */
	enum load_table table;       /* its index */
	const char *path;            /* the file as the user gave it */
	struct load_report *rep;     /* counts for the caller */
	char what[32];               /* "load orders", for progress */
	int json;                    /* the source is JSON: no header, columns come by key */
	int64_t size;                /* bytes of the file */
	/* columns */
	struct load_col *cols;       /* source columns; owned */
	int ncols;                   /* columns so far */
	int capcols;                 /* room in cols */
	struct rd_strmap *colmap;    /* lowercased name -> column */
	int have_header;             /* column names are known (header, mapping or JSON) */
	int header_nf;               /* cells every record must have; 0: any (JSON) */
	/* targets */
	int slot_col[LOAD_MAX_SLOTS];            /* source column of each slot, or -1 */
	const char *slot_def[LOAD_MAX_SLOTS];    /* default of each slot, or NULL */
	const char *label[LOAD_MAX_SLOTS];       /* name of each slot in messages */
	struct load_attr *attrs;                 /* customer attributes; owned */
	int nattrs;                              /* attributes so far */
	int capattrs;                            /* room in attrs */
	struct rd_strmap *attrmap;               /* lowercased attribute name -> index */
	int outcome_col;                         /* source column of the outcome, or -1 */
	const char *outcome_label;               /* its name in messages */
	const char *outcome_def;                 /* its default, or NULL */
	int genid;                               /* ids come from the mapping's id format */
	/* the current row */
	struct load_field val[LOAD_MAX_SLOTS];   /* cell of each slot after recode and default */
	double num[LOAD_MAX_SLOTS];              /* parsed amounts */
	int code[LOAD_MAX_SLOTS];                /* parsed enums and flags */
	struct load_field outcome;               /* outcome cell */
	int outcome_code;                        /* its value, or -1 for none */
	char idbuf[256];                         /* generated id */
	int row_bad;                             /* an error was found in the row */
	const struct load_rec *rec;              /* the row, for messages */
	struct rd_buf reason;                    /* the row's errors, for the rejects file */
	/* database */
	sqlite3_stmt *ins;                       /* the table's upsert */
	sqlite3_stmt *ins_attr;                  /* customers: one attribute value */
	sqlite3_stmt *del_attr;                  /* customers: a replaced customer's attributes */
	sqlite3_stmt *ins_outcome;               /* customers with an outcome column */
	int64_t before;                          /* rows in the table before the file */
	char **index_sql;                        /* secondary indexes dropped for a bulk load,
						  * rebuilt by their CREATE statements; owned */
	int nindex;                              /* entries in index_sql */
	int64_t outcomes_before;                 /* rows in outcomes before the file */
	/* bookkeeping */
	struct load_keys seen;                   /* keys of the valid rows so far */
	int64_t rows;                            /* data rows read (the next row's 0-based number) */
	int64_t written;                         /* rows written */
	int64_t bad_rows;                        /* rows with errors */
	int insert;                              /* 0 once a row failed without skip_bad */
	int failed;                              /* a fatal error is in the session's err */
	struct afile *rejects;                   /* FILE.rejects.csv being written, once a row
						  * was rejected; owned */
	struct rd_buf scratch;                   /* lowercased names */
};

int load_ncolumns(const struct load_in *in)
{
	return in->ncols;
}

int load_fail(struct load_in *in, int64_t line, const char *fmt, ...)
{
	char msg[1536];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line > 0)
		rd_err_set(in->ss->err, "%s:%lld: %s", in->path, (long long)line, msg);
	else
		rd_err_set(in->ss->err, "%s: %s", in->path, msg);
	in->failed = 1;
	return LOAD_FAIL;
}

/* A name (a column, a key) quoted for a message, cut like every echoed value. */
static const char *echo_name(char buf[RD_ECHO_SIZE], const char *name)
{
	return rd_echo(buf, name, strlen(name));
}

/* Records an error of the current row: a diagnostic while fewer than 20 were shown, and
 * a part of the reason written to the rejects file. label NULL: not about one column. */
static void row_error(struct load_in *in, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void row_error(struct load_in *in, const char *label, const char *fmt, ...)
{
	struct load_session *ss = in->ss;
	char msg[1024], lb[RD_ECHO_SIZE];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	in->row_bad = 1;
	ss->errors++;
	if (label)
		echo_name(lb, label);
	if (ss->shown < LOAD_MAX_DIAG) {
		ss->shown++;
		if (label)
			sink_diag(ss->job->out, "%s:%lld: column %s: %s", in->path,
				  (long long)in->rec->line, lb, msg);
		else
			sink_diag(ss->job->out, "%s:%lld: %s", in->path, (long long)in->rec->line, msg);
	}
	if (ss->opts->skip_bad) {
		if (in->reason.len)
			buf_puts(&in->reason, "; ");
		if (label)
			buf_printf(&in->reason, "column %s: ", lb);
		buf_puts(&in->reason, msg);
	}
}

/* ---- keys seen in the file ---- */

static int key_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);
	return c ? c : (al > bl) - (al < bl);
}

/* The line of key's row, or -1 when the key was not seen. */
static int64_t keys_get(const struct load_keys *k, const char *s, size_t len)
{
	if (k->map)
		return strmap_get(k->map, s, len);
	if (k->n == 0)
		return -1;
	const struct load_key *last = &k->v[k->n - 1];
	int c = key_cmp(s, len, k->arena + last->off, last->len);
	if (c > 0)
		return -1; /* the usual case: past every key so far */
	size_t lo = 0, hi = k->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		c = key_cmp(s, len, k->arena + k->v[mid].off, k->v[mid].len);
		if (c == 0)
			return k->v[mid].line;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* Adds a key keys_get did not find. */
static void keys_put(struct load_keys *k, const char *s, size_t len, int64_t line)
{
	if (!k->map && k->n > 0) {
		const struct load_key *last = &k->v[k->n - 1];
		if (key_cmp(s, len, k->arena + last->off, last->len) < 0) {
			/* Out of order: from now on, a hash map. */
			k->map = strmap_new(k->n * 2);
			for (size_t i = 0; i < k->n; i++)
				strmap_put(k->map, k->arena + k->v[i].off, k->v[i].len, k->v[i].line);
			free(k->v);
			free(k->arena);
			k->v = NULL;
			k->arena = NULL;
			k->n = k->cap = k->arena_len = k->arena_cap = 0;
		}
	}
	if (k->map) {
		strmap_put(k->map, s, len, line);
		return;
	}
	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 4096;
		k->v = rd_realloc(k->v, k->cap * sizeof *k->v);
	}
	if (k->arena_len + len > k->arena_cap) {
		k->arena_cap = k->arena_cap ? k->arena_cap * 2 : 65536;
		while (k->arena_cap < k->arena_len + len)
			k->arena_cap *= 2;
		k->arena = rd_realloc(k->arena, k->arena_cap);
	}
	memcpy(k->arena + k->arena_len, s, len);
	k->v[k->n++] = (struct load_key){.off = k->arena_len, .len = len, .line = line};
	k->arena_len += len;
}

static void keys_free(struct load_keys *k)
{
	free(k->arena);
	free(k->v);
	strmap_free(k->map);
}

/* ---- reference ids ---- */

static void ids_free(struct load_ids *ids)
{
	if (!ids)
		return;
	free(ids->arena);
	free(ids->v);
	free(ids);
}

static const char *ids_sort_arena; /* qsort has no context argument */

static int ids_sort_cmp(const void *a, const void *b)
{
	const struct load_id *x = a, *y = b;
	return key_cmp(ids_sort_arena + x->off, x->len, ids_sort_arena + y->off, y->len);
}

/* The ids of a table now in the store (this transaction's rows included), or NULL with
 * the session's err. Read once per load, in primary key order (no sort, no hashing). */
static struct load_ids *ids_load(struct load_session *ss, const char *table)
{
	char sql[64];
	sqlite3_stmt *s = NULL;
	struct rd_store *st = ss->job->store;
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table); /* a fixed table name */
	size_t cap = (size_t)store_int(st, sql, 0) + 1, arena_cap = 65536, arena_len = 0;
	snprintf(sql, sizeof sql, "SELECT id FROM %s ORDER BY id", table);
	if (store_prepare(st, sql, &s, ss->err))
		return NULL;
	struct load_ids *ids = rd_calloc(1, sizeof *ids);
	ids->v = rd_malloc(cap * sizeof *ids->v);
	ids->arena = rd_malloc(arena_cap);
	int rc, sorted = 1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(s, 0);
		size_t len = (size_t)sqlite3_column_bytes(s, 0);
		if (!id)
			continue;
		if (ids->n == cap) {
			cap *= 2;
			ids->v = rd_realloc(ids->v, cap * sizeof *ids->v);
		}
		if (arena_len + len > arena_cap) {
			while (arena_cap < arena_len + len)
				arena_cap *= 2;
			ids->arena = rd_realloc(ids->arena, arena_cap);
		}
		memcpy(ids->arena + arena_len, id, len);
		ids->v[ids->n] = (struct load_id){.off = arena_len, .len = len};
		if (ids->n > 0 && sorted) {
			const struct load_id *prev = &ids->v[ids->n - 1];
			sorted = key_cmp(ids->arena + prev->off, prev->len, id, len) < 0;
		}
		arena_len += len;
		ids->n++;
	}
	if (rc != SQLITE_DONE) {
		rd_err_set(ss->err, "reading %s ids: %s", table, sqlite3_errmsg(store_db(st)));
		ids_free(ids);
		ids = NULL;
	} else if (!sorted) {
		/* Only if some id is not stored as text: the index order is then not byte order. */
		ids_sort_arena = ids->arena;
		qsort(ids->v, ids->n, sizeof *ids->v, ids_sort_cmp);
	}
	sqlite3_finalize(s);
	return ids;
}

static int ids_cmp_at(const struct load_ids *ids, const char *s, size_t len, size_t i)
{
	return key_cmp(s, len, ids->arena + ids->v[i].off, ids->v[i].len);
}

/* 1 when s is one of the ids. */
static int ids_has(struct load_ids *ids, const char *s, size_t len)
{
	size_t n = ids->n, lo, hi;
	if (n == 0)
		return 0;
	size_t f = ids->finger < n ? ids->finger : n - 1;
	int c = ids_cmp_at(ids, s, len, f);
	if (c == 0)
		return 1;
	if (c > 0) {
		/* Gallop: f+1, f+2, f+4, ... until an id not below s. */
		size_t prev = f, p = f + 1, step = 1;
		while (p < n && (c = ids_cmp_at(ids, s, len, p)) > 0) {
			prev = p;
			step *= 2;
			p = prev + step;
		}
		if (p < n && c == 0) {
			ids->finger = p;
			return 1;
		}
		lo = prev + 1;
		hi = p < n ? p : n;
	} else {
		lo = 0;
		hi = f;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		c = ids_cmp_at(ids, s, len, mid);
		if (c == 0) {
			ids->finger = mid;
			return 1;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	ids->finger = lo;
	return 0;
}

/* The ids a reference column checks against, read on first use: by then the files this
 * load wrote before (customers before orders, orders before payments) are in the store. */
static struct load_ids *ids_for(struct load_in *in, enum load_vtype type)
{
	struct load_ids **ids = type == VT_CUSTOMER ? &in->ss->customers : &in->ss->orders;
	if (!*ids && !(*ids = ids_load(in->ss, type == VT_CUSTOMER ? "customers" : "orders")))
		in->failed = 1;
	return *ids;
}

/* ---- columns and targets ---- */

static void trim(const char **s, size_t *len)
{
	while (*len && ((*s)[0] == ' ' || (*s)[0] == '\t'))
		(*s)++, (*len)--;
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

/* Lowercased copy in in->scratch (names match ignoring ASCII case). */
static const char *lower(struct load_in *in, const char *s, size_t len)
{
	buf_reset(&in->scratch);
	buf_append(&in->scratch, s, len);
	for (size_t i = 0; i < len; i++)
		if (in->scratch.data[i] >= 'A' && in->scratch.data[i] <= 'Z')
			in->scratch.data[i] = (char)(in->scratch.data[i] - 'A' + 'a');
	return in->scratch.data;
}

/* The name a source column takes after the mapping's rename. */
static const char *renamed(const struct rd_mapping *m, const char *name)
{
	for (int i = 0; m && i < m->nrename; i++)
		if (mapping_name_eq(m->rename[i].from, name))
			return m->rename[i].to;
	return name;
}

/* A mapping entry names a column by its source name or by its name after rename. */
static int names(const char *key, const char *src, const char *res)
{
	return mapping_name_eq(key, src) || mapping_name_eq(key, res);
}

static int slot_of(const struct load_tdef *t, const char *name)
{
	for (int i = 0; i < t->nfields; i++)
		if (mapping_name_eq(t->fields[i].name, name))
			return i;
	return -1;
}

static int is_ignored(const struct rd_mapping *m, const char *src, const char *res)
{
	for (int i = 0; m && i < m->nignore; i++)
		if (names(m->ignore[i], src, res))
			return 1;
	return 0;
}

/* The attribute called res (created when new), or -1 with the error set. */
static int attr_get(struct load_in *in, const char *src, const char *res)
{
	size_t len = strlen(res);
	int64_t i = strmap_get(in->attrmap, lower(in, res, len), len);
	if (i >= 0)
		return (int)i;
	if (in->nattrs == in->capattrs) {
		in->capattrs = in->capattrs ? in->capattrs * 2 : 32;
		in->attrs = rd_realloc(in->attrs, (size_t)in->capattrs * sizeof *in->attrs);
	}
	struct load_attr *a = &in->attrs[in->nattrs];
	memset(a, 0, sizeof *a);
	a->name = rd_strdup(res);
	a->label = a->name;
	a->col = -1;
	const struct rd_mapping *m = in->ss->map;
	for (int k = 0; m && k < m->ntypes; k++)
		if (names(m->types[k].column, src, res))
			a->forced = m->types[k].type;
	sqlite3_stmt *s;
	struct rd_err err;
	if (store_prepare(in->ss->job->store, "SELECT type FROM attributes WHERE name = ?1", &s,
			  &err)) {
		load_fail(in, 0, "%s", err.msg);
		free(a->name);
		return -1;
	}
	sqlite3_bind_text(s, 1, res, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(s, 0);
		a->before = type && strcmp(type, "numeric") == 0 ? MAPPING_NUMERIC : MAPPING_CATEGORICAL;
	}
	sqlite3_finalize(s);
	strmap_put(in->attrmap, lower(in, res, len), len, in->nattrs);
	return in->nattrs++;
}

/* Adds a source column and decides where its cells go. Returns its index or LOAD_FAIL. */
static int add_column(struct load_in *in, const char *name, size_t len, int64_t line)
{
	const struct rd_mapping *m = in->ss->map;
	trim(&name, &len);
	if (len > LOAD_NAME_MAX)
		return load_fail(in, line, "column %d: the name is longer than %d bytes", in->ncols + 1,
				 LOAD_NAME_MAX);
	if (!utf8_valid(name, len))
		return load_fail(in, line, "column %d: the name is not valid UTF-8", in->ncols + 1);
	if (memchr(name, '\0', len))
		return load_fail(in, line, "column %d: the name contains a NUL byte", in->ncols + 1);
	char e1[RD_ECHO_SIZE], e2[RD_ECHO_SIZE], e3[RD_ECHO_SIZE];
	if (len > 0 && strmap_get(in->colmap, lower(in, name, len), len) >= 0)
		return load_fail(in, line, "column %s appears twice", rd_echo(e1, name, len));
	if (in->ncols == in->capcols) {
		in->capcols = in->capcols ? in->capcols * 2 : 32;
		in->cols = rd_realloc(in->cols, (size_t)in->capcols * sizeof *in->cols);
	}
	int idx = in->ncols++;
	struct load_col *c = &in->cols[idx];
	memset(c, 0, sizeof *c);
	c->name = rd_strndup(name, len);
	strmap_put(in->colmap, lower(in, name, len), len, idx);
	if (len == 0) {
		/* A trailing comma in the header, typically: nothing to name it by. */
		c->target = TG_IGNORE;
		sink_message(in->ss->job->out, "%s: ignoring column %d, which has no name", in->path,
			     idx + 1);
		return idx;
	}
	const char *res = renamed(m, c->name);
	for (int i = 0; m && i < m->nrecode; i++)
		if (names(m->recode[i].column, c->name, res))
			c->recode = &m->recode[i];
	for (int i = 0; m && i < m->nmissing; i++)
		if (!m->missing[i].column || names(m->missing[i].column, c->name, res))
			c->missing = &m->missing[i];
	int k;
	if (m && m->outcome_column && names(m->outcome_column, c->name, res)) {
		if (in->outcome_col >= 0)
			return load_fail(in, line, "columns %s and %s both give the outcome",
					 echo_name(e1, in->cols[in->outcome_col].name),
					 echo_name(e2, c->name));
		c->target = TG_OUTCOME;
		in->outcome_col = idx;
		in->outcome_label = c->name;
	} else if (is_ignored(m, c->name, res)) {
		c->target = TG_IGNORE;
	} else if ((k = slot_of(in->t, res)) >= 0) {
		if (k == 0 && in->genid)
			return load_fail(in, line, "%s generates ids ('id'.'format'), but the file has"
				         " a column %s", m->name, echo_name(e1, c->name));
		if (in->slot_col[k] >= 0)
			return load_fail(in, line, "columns %s and %s both give '%s'",
					 echo_name(e1, in->cols[in->slot_col[k]].name),
					 echo_name(e2, c->name), in->t->fields[k].name);
		c->target = TG_SLOT;
		c->index = k;
		in->slot_col[k] = idx;
		in->label[k] = c->name;
	} else if (in->table == LT_CUSTOMERS) {
		int a = attr_get(in, c->name, res);
		if (a < 0)
			return LOAD_FAIL;
		if (in->attrs[a].col >= 0)
			return load_fail(in, line, "columns %s and %s both give attribute %s",
					 echo_name(e1, in->cols[in->attrs[a].col].name),
					 echo_name(e2, c->name), echo_name(e3, in->attrs[a].name));
		c->target = TG_ATTR;
		c->index = a;
		in->attrs[a].col = idx;
		in->attrs[a].label = c->name;
	} else {
		c->target = TG_IGNORE;
		sink_message(in->ss->job->out, "%s: ignoring column %s (%s have %s)", in->path,
			     echo_name(e1, c->name), in->t->name, in->t->columns);
	}
	return idx;
}

int load_column(struct load_in *in, const char *name, size_t len, int64_t line)
{
	const char *s = name;
	size_t n = len;
	trim(&s, &n);
	int64_t i = strmap_get(in->colmap, lower(in, s, n), n);
	if (i >= 0)
		return (int)i;
	return add_column(in, name, len, line);
}

/* After the header: every required column must come from somewhere. */
static int plan_check(struct load_in *in, int64_t line)
{
	const struct rd_mapping *m = in->ss->map;
	for (int k = 0; k < in->t->nfields; k++) {
		if (!in->t->fields[k].required || in->slot_col[k] >= 0 || in->slot_def[k] ||
		    (k == 0 && in->genid))
			continue;
		return load_fail(in, line, "no column '%s' (%s have %s)", in->t->fields[k].name,
				 in->t->name, in->t->columns);
	}
	char e[RD_ECHO_SIZE];
	if (m && m->outcome_column && in->outcome_col < 0 && !in->outcome_def)
		return load_fail(in, line, "%s takes outcomes from column %s, which the file does"
				 " not have", m->name, echo_name(e, m->outcome_column));
	return LOAD_GO;
}

int load_header(struct load_in *in, const struct load_field *f, int n, int64_t line)
{
	if (in->have_header) {
		/* The mapping's "columns" replace the file's own header line. */
		if (n != in->ncols)
			return load_fail(in, line, "the header has %d columns, but %s names %d", n,
					 in->ss->map->name, in->ncols);
		return LOAD_GO;
	}
	in->have_header = 1;
	for (int i = 0; i < n; i++)
		if (add_column(in, f[i].s, f[i].len, line) < 0)
			return LOAD_FAIL;
	in->header_nf = n;
	return plan_check(in, line);
}

/* The mapping's defaults, the built-in kind default, and checks of what the mapping
 * asks against the table. */
static int plan_init(struct load_in *in)
{
	const struct rd_mapping *m = in->ss->map;
	for (int k = 0; k < LOAD_MAX_SLOTS; k++) {
		in->slot_col[k] = -1;
		in->label[k] = k < in->t->nfields ? in->t->fields[k].name : "";
	}
	in->outcome_col = -1;
	in->outcome_code = -1;
	if (m) {
		if (m->table[0] && strcmp(m->table, in->t->name) != 0)
			return load_fail(in, 0, "%s is a mapping for %s, not %s", m->name, m->table,
					 in->t->name);
		if (m->outcome_column && in->table != LT_CUSTOMERS)
			return load_fail(in, 0, "%s derives outcomes, which needs a customers file",
					 m->name);
		if (m->has_id && in->table == LT_OUTCOMES)
			return load_fail(in, 0, "%s: 'id' does not apply to outcomes (their key is"
					 " customer_id)", m->name);
		in->genid = m->has_id;
		if (in->genid)
			in->label[0] = "id";
		if (m->nspecial && in->table != LT_CUSTOMERS)
			return load_fail(in, 0, "%s: 'special' applies to customer attributes, not to"
					 " %s", m->name, in->t->name);
		for (int i = 0; i < m->ndefaults; i++) {
			const char *src = m->defaults[i].from, *res = renamed(m, src);
			int k;
			if (m->outcome_column && names(m->outcome_column, src, res)) {
				in->outcome_def = m->defaults[i].to;
			} else if (is_ignored(m, src, res)) {
				continue;
			} else if ((k = slot_of(in->t, res)) >= 0) {
				in->slot_def[k] = m->defaults[i].to;
			} else if (in->table == LT_CUSTOMERS) {
				int a = attr_get(in, src, res);
				if (a < 0)
					return LOAD_FAIL;
				in->attrs[a].def = m->defaults[i].to;
			} else {
				char e[RD_ECHO_SIZE];
				return load_fail(in, 0, "%s: 'defaults' names %s, which is not a column"
						 " of %s (%s)", m->name, echo_name(e, src), in->t->name,
						 in->t->columns);
			}
		}
	}
	int kind = slot_of(in->t, "kind");
	if (kind >= 0 && !in->slot_def[kind])
		in->slot_def[kind] = kind_names[0];
	return LOAD_GO;
}

/* ---- rows ---- */

static int flag_parse(const char *s, size_t len)
{
	if (len == 1 && (s[0] == '0' || s[0] == '1'))
		return s[0] - '0';
	if (len == 4 && strncasecmp(s, "true", 4) == 0)
		return 1;
	if (len == 5 && strncasecmp(s, "false", 5) == 0)
		return 0;
	return -1;
}

/* Checks slot k of the current row and keeps its parsed value. */
static void check_slot(struct load_in *in, int k)
{
	const struct load_fdef *fd = &in->t->fields[k];
	const struct load_field *v = &in->val[k];
	const char *label = in->label[k];
	char sh[RD_ECHO_SIZE];
	int64_t epoch;
	if (v->len == 0) {
		if (fd->required)
			row_error(in, label, "missing value");
		return;
	}
	switch (fd->type) {
	case VT_ID:
	case VT_TEXT:
		break;
	case VT_CUSTOMER:
	case VT_ORDER: {
		struct load_ids *ids = ids_for(in, fd->type);
		if (ids && !ids_has(ids, v->s, v->len))
			row_error(in, label, "unknown %s %s", fd->type == VT_CUSTOMER ? "customer" : "order",
				  rd_echo(sh, v->s, v->len));
		break;
	}
	case VT_AMOUNT:
		if (num_parse(v->s, v->len, &in->num[k]))
			row_error(in, label, "%s is not a number", rd_echo(sh, v->s, v->len));
		else if (in->num[k] < 0)
			row_error(in, label, "%s is negative (amounts are >= 0)",
				  rd_echo(sh, v->s, v->len));
		break;
	case VT_STATUS:
		if ((in->code[k] = order_status_parse(v->s, v->len)) < 0)
			row_error(in, label, "%s is not placed, shipped, delivered, cancelled or returned",
				  rd_echo(sh, v->s, v->len));
		break;
	case VT_METHOD:
		if ((in->code[k] = pay_method_parse(v->s, v->len)) < 0)
			row_error(in, label, "%s is not card, cod, wallet or bank",
				  rd_echo(sh, v->s, v->len));
		break;
	case VT_FLAG:
		if ((in->code[k] = flag_parse(v->s, v->len)) < 0)
			row_error(in, label, "%s is not 0 or 1", rd_echo(sh, v->s, v->len));
		break;
	case VT_KIND:
		in->code[k] = v->len == 10 && memcmp(v->s, "individual", 10) == 0 ? 0
			      : v->len == 7 && memcmp(v->s, "company", 7) == 0    ? 1
										    : -1;
		if (in->code[k] < 0)
			row_error(in, label, "%s is not individual or company",
				  rd_echo(sh, v->s, v->len));
		break;
	case VT_DATE:
		if (date_parse(v->s, v->len, &epoch))
			row_error(in, label, "%s is not an ISO 8601 date (2025-03-01 or"
				  " 2025-03-01T10:30:00Z; years 0001 to 9999)", rd_echo(sh, v->s, v->len));
		break;
	}
}

static void bind_slot(struct load_in *in, int k)
{
	sqlite3_stmt *s = in->ins;
	const struct load_field *v = &in->val[k];
	int p = k + 1;
	if (v->len == 0) {
		sqlite3_bind_null(s, p);
		return;
	}
	switch (in->t->fields[k].type) {
	case VT_AMOUNT:
		sqlite3_bind_double(s, p, in->num[k]);
		break;
	case VT_STATUS:
		sqlite3_bind_text(s, p, order_status_names[in->code[k]], -1, SQLITE_STATIC);
		break;
	case VT_METHOD:
		sqlite3_bind_text(s, p, pay_method_names[in->code[k]], -1, SQLITE_STATIC);
		break;
	case VT_KIND:
		sqlite3_bind_text(s, p, kind_names[in->code[k]], -1, SQLITE_STATIC);
		break;
	case VT_FLAG:
		sqlite3_bind_int(s, p, in->code[k]);
		break;
	default:
		/* The cell outlives the step: the reader keeps it until load_row returns. */
		sqlite3_bind_text(s, p, v->s, (int)v->len, SQLITE_STATIC);
		break;
	}
}

/* Whether a cell is one of the mapping's missing-value texts. */
static int is_missing(const struct mapping_missing *mm, const struct load_field *v)
{
	for (int i = 0; i < mm->ntokens; i++)
		if (strlen(mm->tokens[i]) == v->len && memcmp(mm->tokens[i], v->s, v->len) == 0)
			return 1;
	return 0;
}

/* Counts a written value that is not a number, keeping the first few distinct ones. */
static void note_text(struct load_attr *a)
{
	if (a->many)
		return;
	for (int i = 0; i < a->ntok; i++) {
		if (strlen(a->tok[i]) == a->v.len && memcmp(a->tok[i], a->v.s, a->v.len) == 0) {
			a->tokn[i]++;
			return;
		}
	}
	if (a->ntok == LOAD_TOKENS || a->v.len > LOAD_TOKEN_BYTES) {
		a->many = 1;
		return;
	}
	a->tok[a->ntok] = rd_strndup(a->v.s, a->v.len);
	a->tokn[a->ntok++] = 1;
}

static int step(struct load_in *in, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	if (rc != SQLITE_DONE) {
		load_fail(in, in->rec->line, "database: %s", sqlite3_errmsg(store_db(in->ss->job->store)));
		sqlite3_reset(s);
		return LOAD_FAIL;
	}
	sqlite3_reset(s);
	return LOAD_GO;
}

static int write_row(struct load_in *in)
{
	for (int k = 0; k < in->t->nfields; k++)
		bind_slot(in, k);
	if (step(in, in->ins))
		return LOAD_FAIL;
	in->written++;
	const struct load_field *key = &in->val[0];
	if (in->table == LT_CUSTOMERS) {
		/* A replaced customer's attributes are replaced as a whole. */
		if (in->before > 0) {
			sqlite3_bind_text(in->del_attr, 1, key->s, (int)key->len, SQLITE_STATIC);
			if (step(in, in->del_attr))
				return LOAD_FAIL;
		}
		for (int i = 0; i < in->nattrs; i++) {
			struct load_attr *a = &in->attrs[i];
			if (a->v.len == 0)
				continue;
			sqlite3_bind_text(in->ins_attr, 1, key->s, (int)key->len, SQLITE_STATIC);
			sqlite3_bind_text(in->ins_attr, 2, a->name, -1, SQLITE_STATIC);
			sqlite3_bind_text(in->ins_attr, 3, a->v.s, (int)a->v.len, SQLITE_STATIC);
			if (a->hasnum && a->forced != MAPPING_CATEGORICAL)
				sqlite3_bind_double(in->ins_attr, 4, a->num);
			else
				sqlite3_bind_null(in->ins_attr, 4);
			if (step(in, in->ins_attr))
				return LOAD_FAIL;
			a->written++;
			a->nonnum |= !a->hasnum;
			if (a->hasnum)
				a->numbers++;
			else
				note_text(a);
		}
		if (in->outcome_code >= 0) {
			const char *obs = in->ss->map->outcome_observed_at;
			sqlite3_bind_text(in->ins_outcome, 1, key->s, (int)key->len, SQLITE_STATIC);
			sqlite3_bind_int(in->ins_outcome, 2, in->outcome_code);
			if (obs)
				sqlite3_bind_text(in->ins_outcome, 3, obs, -1, SQLITE_STATIC);
			else
				sqlite3_bind_null(in->ins_outcome, 3);
			if (step(in, in->ins_outcome))
				return LOAD_FAIL;
			in->rep->outcomes++;
		}
	}
	return LOAD_GO;
}

/* ---- the rejects file ---- */

static void csv_cell(FILE *f, const char *s, size_t len)
{
	int quote = len > 0 && (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t');
	for (size_t i = 0; i < len && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
	if (!quote) {
		fwrite(s, 1, len, f);
		return;
	}
	putc('"', f);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			putc('"', f);
		putc(s[i], f);
	}
	putc('"', f);
}

/* The rejects file is a report of one load: it is written beside its target and
 * replaces the previous one only once the load is committed (afile.h). */
static int rejects_open(struct load_in *in)
{
	struct rd_err e;
	size_t n = strlen(in->path) + sizeof ".rejects.csv";
	char *path = rd_malloc(n);
	snprintf(path, n, "%s.rejects.csv", in->path);
	in->rejects = afile_open(path, &e);
	free(path);
	if (!in->rejects)
		return load_fail(in, 0, "cannot write %s", e.msg);
	FILE *f = afile_stream(in->rejects);
	if (in->json) {
		fputs("record,reason\r\n", f);
		return LOAD_GO;
	}
	for (int i = 0; i < in->ncols; i++) {
		csv_cell(f, in->cols[i].name, strlen(in->cols[i].name));
		putc(',', f);
	}
	fputs("reason\r\n", f);
	return LOAD_GO;
}

/* Puts the rejects files of a committed load in place. The rows are in the store by
 * now, so a failure here is reported without undoing the load. */
static void rejects_publish(struct load_session *ss)
{
	struct rd_err e;
	for (int i = 0; i < ss->nrejects; i++) {
		if (afile_commit(ss->rejects[i], &e))
			sink_diag(ss->job->out, "loaded, but the rejects file was not written: %s", e.msg);
		ss->rejects[i] = NULL;
	}
}

/* The original cells (padded to the header's width) and the reason. */
static int reject(struct load_in *in, const struct load_rec *r)
{
	if (!in->rejects && rejects_open(in))
		return LOAD_FAIL;
	FILE *f = afile_stream(in->rejects);
	if (r->raw) {
		csv_cell(f, r->raw, r->raw_len);
		putc(',', f);
	} else {
		int i;
		for (i = 0; i < r->nf; i++) {
			csv_cell(f, r->f[i].s, r->f[i].len);
			putc(',', f);
		}
		for (; i < in->header_nf; i++)
			putc(',', f);
	}
	csv_cell(f, in->reason.data ? in->reason.data : "", in->reason.len);
	fputs("\r\n", f);
	in->rep->rejected++;
	return LOAD_GO;
}

/* ---- one record ---- */

/* Marks a cell whose error was reported: later checks and defaults skip it. */
static const struct load_field reported = {.s = "", .len = 0, .bad = "reported"};

/* Moves the record's cells to their targets, checking size and encoding on the way. */
static void spread(struct load_in *in, const struct load_rec *r)
{
	int n = r->nf < in->ncols ? r->nf : in->ncols;
	for (int i = 0; i < n; i++) {
		const struct load_col *c = &in->cols[i];
		if (c->target == TG_IGNORE)
			continue;
		struct load_field v = r->f[i];
		const char *nul;
		char sh[RD_ECHO_SIZE];
		if (v.bad) {
			if (v.len)
				row_error(in, c->name, "%s %s", rd_echo(sh, v.s, v.len), v.bad);
			else
				row_error(in, c->name, "%s", v.bad);
			v = reported;
		} else if (v.len > LOAD_FIELD_MAX) {
			row_error(in, c->name, "field is %zu bytes; the limit is %d", v.len, LOAD_FIELD_MAX);
			v = reported;
		} else if (!utf8_valid(v.s, v.len)) {
			row_error(in, c->name, "invalid UTF-8");
			v = reported;
		} else if ((nul = memchr(v.s, '\0', v.len)) != NULL) {
			/* Stored, it would end the text early: 'C0001\0x' shown as C0001. */
			row_error(in, c->name, "%s contains a NUL byte (at byte %zu)",
				  rd_echo(sh, v.s, v.len), (size_t)(nul - v.s) + 1);
			v = reported;
		} else {
			const char *to = c->recode ? mapping_recode_get(c->recode, v.s, v.len) : NULL;
			if (to) {
				v.s = to;
				v.len = strlen(to);
			}
			if (c->missing && is_missing(c->missing, &v))
				v = (struct load_field){.s = "", .len = 0};
		}
		if (c->target == TG_SLOT)
			in->val[c->index] = v;
		else if (c->target == TG_ATTR)
			in->attrs[c->index].v = v;
		else
			in->outcome = v;
	}
}

static void check_attrs(struct load_in *in)
{
	char sh[RD_ECHO_SIZE];
	for (int i = 0; i < in->nattrs; i++) {
		struct load_attr *a = &in->attrs[i];
		if (a->v.bad)
			continue;
		if (a->v.len == 0 && a->def)
			a->v = (struct load_field){.s = a->def, .len = strlen(a->def)};
		if (a->v.len == 0)
			continue;
		a->hasnum = num_parse(a->v.s, a->v.len, &a->num) == 0;
		if (!a->hasnum && a->forced == MAPPING_NUMERIC)
			row_error(in, a->label, "%s is not a number (%s makes it numeric)",
				  rd_echo(sh, a->v.s, a->v.len), in->ss->map->name);
	}
}

static void check_outcome(struct load_in *in)
{
	char sh[RD_ECHO_SIZE];
	struct load_field v = in->outcome;
	if (v.bad)
		return;
	if (v.len == 0 && in->outcome_def)
		v = (struct load_field){.s = in->outcome_def, .len = strlen(in->outcome_def)};
	if (v.len == 0)
		return; /* no label for this customer */
	const char *to = mapping_recode_get(&in->ss->map->outcome_recode, v.s, v.len);
	if (to)
		v = (struct load_field){.s = to, .len = strlen(to)};
	if ((in->outcome_code = flag_parse(v.s, v.len)) < 0)
		row_error(in, in->outcome_label ? in->outcome_label : in->ss->map->outcome_column,
			  "%s is not an outcome (0 or 1%s)", rd_echo(sh, v.s, v.len),
			  in->ss->map->outcome_recode.npairs ? " after the mapping's recode" : "");
}

int load_row(struct load_in *in, const struct load_rec *r)
{
	struct load_session *ss = in->ss;
	const struct load_field *key = &in->val[0]; /* the row's key, once the cells are in */
	int64_t row = in->rows++;
	in->rep->read++;
	if (row % LOAD_POLL == 0 && row > 0) {
		if (job_cancelled(ss->job))
			return LOAD_STOP;
		if (row % LOAD_PROGRESS == 0)
			sink_progress(ss->job->out, in->what, r->pos, in->size);
	}
	in->rec = r;
	in->row_bad = 0;
	buf_reset(&in->reason);
	for (int k = 0; k < in->t->nfields; k++)
		in->val[k] = (struct load_field){.s = "", .len = 0};
	for (int i = 0; i < in->nattrs; i++)
		in->attrs[i].v = (struct load_field){.s = "", .len = 0};
	in->outcome = (struct load_field){.s = "", .len = 0};
	in->outcome_code = -1;

	if (in->header_nf && r->nf != in->header_nf) {
		row_error(in, NULL, "has %d field%s, the header has %d", r->nf, r->nf == 1 ? "" : "s",
			  in->header_nf);
		goto done;
	}
	if (r->bad)
		row_error(in, NULL, "%s", r->bad);
	spread(in, r);
	if (in->genid) {
		mapping_id(ss->map, row, in->idbuf, sizeof in->idbuf);
		in->val[0] = (struct load_field){.s = in->idbuf, .len = strlen(in->idbuf)};
	}
	for (int k = 0; k < in->t->nfields; k++) {
		if (in->val[k].bad)
			continue;
		if (in->val[k].len == 0 && in->slot_def[k])
			in->val[k] = (struct load_field){.s = in->slot_def[k], .len = strlen(in->slot_def[k])};
		check_slot(in, k);
		if (in->failed)
			return LOAD_FAIL;
	}
	if (in->nattrs)
		check_attrs(in);
	if (in->outcome_col >= 0 || in->outcome_def)
		check_outcome(in);
	if (key->len) {
		int64_t first = keys_get(&in->seen, key->s, key->len);
		if (first >= 0) {
			char sh[RD_ECHO_SIZE];
			row_error(in, in->label[0], "duplicate %s %s (first on line %lld)",
				  in->table == LT_OUTCOMES ? "customer_id" : "id",
				  rd_echo(sh, key->s, key->len), (long long)first);
		}
	}
done:
	if (in->row_bad) {
		in->bad_rows++;
		if (ss->opts->skip_bad)
			return reject(in, r);
		in->insert = 0; /* nothing of this load will be committed: only validate */
		return LOAD_GO;
	}
	keys_put(&in->seen, key->s, key->len, r->line);
	return in->insert ? write_row(in) : LOAD_GO;
}

/* ---- one file ---- */

static int count_rows(struct load_in *in, const char *sql, int64_t *n)
{
	*n = store_int(in->ss->job->store, sql, -1);
	if (*n < 0)
		return load_fail(in, 0, "database: %s", sqlite3_errmsg(store_db(in->ss->job->store)));
	return LOAD_GO;
}

/* A big file into a table no bigger than it: drop the table's secondary indexes, to build
 * them again from sorted data once the rows are in (load_bulk_end). Inserting millions of
 * keys at random places in a B-tree costs far more than one sort. The DDL is part of the
 * load's transaction, so a failed load gets its indexes back with the rollback. */
static int bulk_begin(struct load_in *in)
{
	struct rd_store *st = in->ss->job->store;
	sqlite3_stmt *s = NULL;
	struct rd_err err;
	int rc = LOAD_FAIL;
	if (in->size < LOAD_BULK_BYTES || in->size / LOAD_ROW_BYTES < in->before)
		return LOAD_GO;
	if (store_prepare(st,
			  "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?1"
			  " AND sql IS NOT NULL",
			  &s, &err)) {
		load_fail(in, 0, "%s", err.msg);
		goto out;
	}
	sqlite3_bind_text(s, 1, in->t->name, -1, SQLITE_STATIC);
	char *names[16];
	int n = 0;
	while (n < 16 && sqlite3_step(s) == SQLITE_ROW) {
		names[n] = rd_strdup((const char *)sqlite3_column_text(s, 0));
		in->index_sql = rd_realloc(in->index_sql, (size_t)(n + 1) * sizeof *in->index_sql);
		in->index_sql[n++] = rd_strdup((const char *)sqlite3_column_text(s, 1));
	}
	in->nindex = n;
	sqlite3_finalize(s);
	s = NULL;
	rc = LOAD_GO;
	for (int i = 0; i < n; i++) {
		/* The names come from the schema itself, quoted as identifiers all the same. */
		char *sql = sqlite3_mprintf("DROP INDEX \"%w\"", names[i]);
		if (rc == LOAD_GO && store_exec(st, sql, &err))
			rc = load_fail(in, 0, "%s", err.msg);
		sqlite3_free(sql);
		free(names[i]);
	}
out:
	sqlite3_finalize(s);
	return rc;
}

static int bulk_end(struct load_in *in)
{
	struct rd_err err;
	for (int i = 0; i < in->nindex; i++)
		if (store_exec(in->ss->job->store, in->index_sql[i], &err))
			return load_fail(in, 0, "rebuilding an index: %s", err.msg);
	return LOAD_GO;
}

static int in_setup(struct load_in *in)
{
	struct rd_store *st = in->ss->job->store;
	struct rd_err err;
	snprintf(in->what, sizeof in->what, "load %s", in->t->name);
	in->colmap = strmap_new(64);
	in->attrmap = strmap_new(64);
	in->insert = 1;
	if (count_rows(in, in->t->count, &in->before) || bulk_begin(in))
		return LOAD_FAIL;
	if (store_prepare(st, in->t->upsert, &in->ins, &err))
		return load_fail(in, 0, "%s", err.msg);
	if (in->table == LT_CUSTOMERS) {
		if (store_prepare(st,
				  "INSERT INTO customer_attributes(customer_id, name, value, num)"
				  " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(customer_id, name) DO UPDATE"
				  " SET value = excluded.value, num = excluded.num",
				  &in->ins_attr, &err) ||
		    store_prepare(st, "DELETE FROM customer_attributes WHERE customer_id = ?1",
				  &in->del_attr, &err))
			return load_fail(in, 0, "%s", err.msg);
		if (in->ss->map && in->ss->map->outcome_column) {
			if (store_prepare(st, tables[LT_OUTCOMES].upsert, &in->ins_outcome, &err))
				return load_fail(in, 0, "%s", err.msg);
			if (count_rows(in, tables[LT_OUTCOMES].count, &in->outcomes_before))
				return LOAD_FAIL;
		}
	}
	return plan_init(in);
}

/* A column that would be numeric but for a few texts (NA, ?): almost certainly missing
 * values read as levels. Says which, how often, and the mapping key that reads them so. */
static void warn_texts(struct load_in *in, const struct load_attr *a)
{
	int64_t texts = 0;
	for (int i = 0; i < a->ntok; i++)
		texts += a->tokn[i];
	if (a->many || a->ntok == 0 || a->numbers < texts)
		return;
	struct rd_buf list = {0}, json = {0};
	char e[RD_ECHO_SIZE];
	for (int i = 0; i < a->ntok; i++) {
		buf_printf(&list, "%s%s (%lld row%s)", i ? ", " : "", rd_echo(e, a->tok[i],
			   strlen(a->tok[i])), (long long)a->tokn[i], a->tokn[i] == 1 ? "" : "s");
		buf_puts(&json, i ? ", " : "");
		buf_json_string(&json, a->tok[i]);
	}
	sink_diag(in->ss->job->out, "%s: warning: column %s is loaded as categorical because of %d"
		  " text%s among its %lld numbers: %s; if %s no value, the mapping key \"missing\":"
		  " [%s] keeps it numeric", in->path, echo_name(e, a->label), a->ntok,
		  a->ntok == 1 ? "" : "s", (long long)a->numbers, list.data,
		  a->ntok == 1 ? "it means" : "they mean", json.data);
	buf_free(&list);
	buf_free(&json);
}

/* The mapping's "special": each names a numeric attribute of this file, whose codes are
 * stored with its definition (train gives each code a scorecard bin of its own). */
static int attrs_special(struct load_in *in)
{
	const struct rd_mapping *m = in->ss->map;
	sqlite3_stmt *s = NULL;
	struct rd_buf codes = {0};
	struct rd_err err;
	char e[RD_ECHO_SIZE];
	int rc = LOAD_FAIL;
	if (!m || m->nspecial == 0)
		return LOAD_GO;
	if (store_prepare(in->ss->job->store,
			  "UPDATE attributes SET special = ?2 WHERE name = ?1 AND type = 'numeric'", &s,
			  &err)) {
		load_fail(in, 0, "%s", err.msg);
		goto out;
	}
	for (int k = 0; k < m->nspecial; k++) {
		const struct mapping_special *ms = &m->special[k];
		const struct load_attr *a = NULL;
		for (int i = 0; i < in->nattrs && !a; i++)
			if (names(ms->column, in->attrs[i].label, in->attrs[i].name) &&
			    (in->attrs[i].col >= 0 || in->attrs[i].def))
				a = &in->attrs[i];
		if (!a) {
			load_fail(in, 0, "%s: 'special' names %s, which is not an attribute column of"
				  " this file", m->name, echo_name(e, ms->column));
			goto out;
		}
		buf_reset(&codes);
		for (int c = 0; c < ms->ncodes; c++) {
			buf_putc(&codes, c ? ',' : '[');
			buf_json_number(&codes, ms->codes[c]);
		}
		buf_putc(&codes, ']');
		sqlite3_bind_text(s, 1, a->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, codes.data, (int)codes.len, SQLITE_STATIC);
		if (step(in, s))
			goto out;
		if (sqlite3_changes(store_db(in->ss->job->store)) != 1) {
			load_fail(in, 0, "%s: 'special' gives codes for %s, which is categorical (a value"
				  " is not a number); special codes are for numeric columns", m->name,
				  echo_name(e, a->label));
			goto out;
		}
	}
	rc = LOAD_GO;
out:
	sqlite3_finalize(s);
	buf_free(&codes);
	return rc;
}

/* A column this load reads with "missing" tokens, categorical from an earlier load (whose
 * texts were, typically, those tokens): 1 when every value now stored is a number, which
 * then gets its num; 0 when some is text; LOAD_FAIL on a database error. */
static int stored_numbers(struct load_in *in, const struct load_attr *a)
{
	sqlite3_stmt *s = NULL, *u = NULL;
	struct rd_err err;
	char **ids = NULL;
	double *nums = NULL;
	size_t n = 0, cap = 0;
	int rc = LOAD_FAIL, step_rc;
	if (store_prepare(in->ss->job->store, "SELECT customer_id, value FROM customer_attributes"
			  " WHERE name = ?1 AND num IS NULL", &s, &err) ||
	    store_prepare(in->ss->job->store, "UPDATE customer_attributes SET num = ?3"
			  " WHERE customer_id = ?1 AND name = ?2", &u, &err)) {
		load_fail(in, 0, "%s", err.msg);
		goto out;
	}
	sqlite3_bind_text(s, 1, a->name, -1, SQLITE_STATIC);
	rc = 1;
	while ((step_rc = sqlite3_step(s)) == SQLITE_ROW && rc == 1) {
		const char *v = (const char *)sqlite3_column_text(s, 1);
		double x;
		if (!v || num_parse(v, strlen(v), &x)) {
			rc = 0;
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			ids = rd_realloc(ids, cap * sizeof *ids);
			nums = rd_realloc(nums, cap * sizeof *nums);
		}
		ids[n] = rd_strdup((const char *)sqlite3_column_text(s, 0));
		nums[n++] = x;
	}
	if (rc == 1 && step_rc != SQLITE_DONE) {
		rc = load_fail(in, 0, "database: %s", sqlite3_errmsg(store_db(in->ss->job->store)));
		goto out;
	}
	for (size_t i = 0; rc == 1 && i < n; i++) {
		sqlite3_bind_text(u, 1, ids[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(u, 2, a->name, -1, SQLITE_STATIC);
		sqlite3_bind_double(u, 3, nums[i]);
		if (step(in, u))
			rc = LOAD_FAIL;
	}
out:
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	free(nums);
	sqlite3_finalize(s);
	sqlite3_finalize(u);
	return rc;
}

/* Attribute definitions, with the type this load's values show. */
static int attrs_finish(struct load_in *in)
{
	struct rd_store *st = in->ss->job->store;
	sqlite3_stmt *def = NULL, *clear = NULL;
	struct rd_err err;
	int rc = LOAD_FAIL;
	if (in->nattrs == 0)
		return LOAD_GO;
	if (store_prepare(st,
			  "INSERT INTO attributes(name, type) VALUES (?1, ?2)"
			  " ON CONFLICT(name) DO UPDATE SET type = excluded.type",
			  &def, &err) ||
	    store_prepare(st,
			  "UPDATE customer_attributes SET num = NULL"
			  " WHERE name = ?1 AND num IS NOT NULL",
			  &clear, &err)) {
		load_fail(in, 0, "%s", err.msg);
		goto out;
	}
	for (int i = 0; i < in->nattrs; i++) {
		const struct load_attr *a = &in->attrs[i];
		if (!a->written && a->before == MAPPING_AUTO && a->forced == MAPPING_AUTO)
			continue; /* no value anywhere: nothing to define */
		/* Numeric only when every value of this load is a number and an earlier load did
		 * not already find text in it; the mapping's "types" win. */
		enum mapping_type t = a->forced ? a->forced
				      : a->nonnum || a->before == MAPPING_CATEGORICAL ? MAPPING_CATEGORICAL
										    : MAPPING_NUMERIC;
		if (t == MAPPING_CATEGORICAL && !a->forced && !a->nonnum && a->col >= 0 &&
		    in->cols[a->col].missing) {
			int all = stored_numbers(in, a);
			if (all < 0)
				goto out;
			if (all)
				t = MAPPING_NUMERIC;
		}
		sqlite3_bind_text(def, 1, a->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(def, 2, t == MAPPING_NUMERIC ? "numeric" : "categorical", -1,
				  SQLITE_STATIC);
		if (step(in, def))
			goto out;
		if (t == MAPPING_CATEGORICAL) {
			sqlite3_bind_text(clear, 1, a->name, -1, SQLITE_STATIC);
			if (step(in, clear))
				goto out;
			if (!a->forced)
				warn_texts(in, a);
		}
	}
	rc = attrs_special(in);
out:
	sqlite3_finalize(def);
	sqlite3_finalize(clear);
	return rc;
}

/* The mapping's labels of this file's attributes, stored for training (attribute_labels).
 * A label for a column that is no attribute here is an error: it would label nothing. */
static int labels_finish(struct load_in *in)
{
	const struct rd_mapping *m = in->ss->map;
	sqlite3_stmt *put = NULL;
	struct rd_err err;
	char e[RD_ECHO_SIZE];
	int rc = LOAD_FAIL;
	if (!m || m->nlabels == 0)
		return LOAD_GO;
	if (in->table != LT_CUSTOMERS)
		return load_fail(in, 0, "%s: 'labels' label customer attributes, which need a"
				 " customers file", m->name);
	if (store_prepare(in->ss->job->store,
			  "INSERT INTO attribute_labels(name, value, label) VALUES (?1, ?2, ?3)"
			  " ON CONFLICT(name, value) DO UPDATE SET label = excluded.label",
			  &put, &err)) {
		load_fail(in, 0, "%s", err.msg);
		goto out;
	}
	for (int i = 0; i < m->nlabels; i++) {
		const struct mapping_label *l = &m->labels[i];
		int a;
		for (a = 0; a < in->nattrs && !names(l->column, in->attrs[a].label, in->attrs[a].name);
		     a++)
			;
		if (a == in->nattrs) {
			load_fail(in, 0, "%s: 'labels' names %s, which is not an attribute column of"
				  " this file", m->name, echo_name(e, l->column));
			goto out;
		}
		for (int k = -1; k < l->nvalues; k++) {
			const char *value = k < 0 ? "" : l->values[k].from;
			const char *label = k < 0 ? l->label : l->values[k].to;
			if (!label)
				continue;
			sqlite3_bind_text(put, 1, in->attrs[a].name, -1, SQLITE_STATIC);
			sqlite3_bind_text(put, 2, value, -1, SQLITE_STATIC);
			sqlite3_bind_text(put, 3, label, -1, SQLITE_STATIC);
			if (step(in, put))
				goto out;
		}
	}
	rc = LOAD_GO;
out:
	sqlite3_finalize(put);
	return rc;
}

static void in_free(struct load_in *in)
{
	sqlite3_finalize(in->ins);
	sqlite3_finalize(in->ins_attr);
	sqlite3_finalize(in->del_attr);
	sqlite3_finalize(in->ins_outcome);
	for (int i = 0; i < in->ncols; i++)
		free(in->cols[i].name);
	free(in->cols);
	for (int i = 0; i < in->nattrs; i++) {
		free(in->attrs[i].name);
		for (int k = 0; k < in->attrs[i].ntok; k++)
			free(in->attrs[i].tok[k]);
	}
	free(in->attrs);
	strmap_free(in->colmap);
	strmap_free(in->attrmap);
	keys_free(&in->seen);
	for (int i = 0; i < in->nindex; i++)
		free(in->index_sql[i]);
	free(in->index_sql);
	buf_free(&in->reason);
	buf_free(&in->scratch);
	afile_abort(in->rejects); /* the rejects of a load that did not happen */
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* 1 when the first thing in the file (after a BOM and blanks) is '{': NDJSON. */
static int starts_with_object(const char *data, size_t len)
{
	size_t i = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	return i < len && data[i] == '{';
}

/* Reads, checks and writes one file (fd, opened by run_jobs) inside the session's
 * transaction. */
static int load_one(struct load_session *ss, enum load_table table, const char *path, int fd,
		    struct load_report *rep)
{
	struct load_in in = {.ss = ss, .t = &tables[table], .table = table, .path = path,
			     .rep = rep};
	const struct rd_mapping *m = ss->map;
	char *data = MAP_FAILED;
	int rc = LOAD_FAIL;
	struct stat sb = {0};
	memset(rep, 0, sizeof *rep);
	snprintf(rep->table, sizeof rep->table, "%s", tables[table].name);
	snprintf(rep->path, sizeof rep->path, "%s", path);
	double t0 = now_seconds();
	if (fstat(fd, &sb) != 0) {
		load_fail(&in, 0, "%s", strerror(errno));
		goto out;
	}
	in.size = sb.st_size;
	if (sb.st_size > 0) {
		data = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (data == MAP_FAILED) {
			load_fail(&in, 0, "cannot map the file: %s", strerror(errno));
			goto out;
		}
		madvise(data, (size_t)sb.st_size, MADV_SEQUENTIAL);
	}
	if (in_setup(&in))
		goto out;
	int ndjson = ends_with(path, ".ndjson") || ends_with(path, ".jsonl");
	in.json = ndjson || ends_with(path, ".json");
	int r;
	if (in.json) {
		in.have_header = 1;
		if (sb.st_size == 0) {
			load_fail(&in, 0, "empty file, expected %s",
				  ndjson ? "JSON objects, one a line" : "a JSON array of objects");
			goto out;
		}
		ndjson = ndjson || starts_with_object(data, (size_t)sb.st_size);
		r = load_json_read(&in, data, (size_t)sb.st_size, ndjson);
	} else {
		int sep = ss->opts->delim ? ss->opts->delim
			  : m && m->separator ? m->separator
			  : ends_with(path, ".tsv") ? '\t'
						    : ',';
		int header = m ? m->header : 1;
		if (m && m->ncolumns) {
			struct load_field *f = rd_calloc((size_t)m->ncolumns, sizeof *f);
			for (int i = 0; i < m->ncolumns; i++)
				f[i] = (struct load_field){.s = m->columns[i], .len = strlen(m->columns[i])};
			r = load_header(&in, f, m->ncolumns, 0);
			free(f);
			if (r)
				goto out;
		}
		if (sb.st_size == 0) {
			load_fail(&in, 0, "empty file%s", header ? ", expected a header" : "");
			goto out;
		}
		r = load_csv_read(&in, data ? data : "", (size_t)sb.st_size, sep, header);
		if (r == LOAD_GO && !in.have_header) {
			load_fail(&in, 0, "empty file, expected a header");
			goto out;
		}
	}
	if (r == LOAD_FAIL)
		goto out;
	if (r == LOAD_STOP) {
		ss->cancelled = 1;
		rd_err_set(ss->err, "load %s: cancelled; nothing was loaded", in.t->name);
		goto out;
	}
	if (in.bad_rows && !ss->opts->skip_bad) {
		rd_err_set(ss->err, "load %s: %lld invalid row%s in %s; nothing was loaded",
			   in.t->name, (long long)in.bad_rows, in.bad_rows == 1 ? "" : "s", path);
		goto out;
	}
	if (attrs_finish(&in) || labels_finish(&in) || bulk_end(&in))
		goto out;
	int64_t after, oafter;
	if (count_rows(&in, in.t->count, &after))
		goto out;
	rep->inserted = after - in.before;
	rep->replaced = in.written - rep->inserted;
	if (in.ins_outcome) {
		if (count_rows(&in, tables[LT_OUTCOMES].count, &oafter))
			goto out;
		rep->outcomes_inserted = oafter - in.outcomes_before;
	}
	struct rd_err werr;
	if (in.rejects && afile_sync(in.rejects, &werr)) {
		load_fail(&in, 0, "cannot write %s", werr.msg);
		goto out;
	}
	sink_progress(ss->job->out, in.what, in.size, in.size);
	if (in.rejects && ss->nrejects < LT_COUNT) {
		ss->rejects[ss->nrejects++] = in.rejects;
		in.rejects = NULL;
	}
	rc = LOAD_GO;
out:
	in_free(&in);
	if (data != MAP_FAILED)
		munmap(data, (size_t)sb.st_size);
	rep->seconds = now_seconds() - t0;
	return rc;
}

/* ---- sessions ---- */

struct load_job {
	enum load_table table; /* target */
	char *path;            /* owned */
	int fd;                /* the open file, once run_jobs opened it; else -1 */
};

static int table_of(const char *name)
{
	for (int i = 0; i < LT_COUNT; i++)
		if (strcmp(tables[i].name, name) == 0)
			return i;
	return -1;
}

/* Runs the jobs in one transaction with one runs row, foreign keys off meanwhile. Every
 * file is opened, and a FIFO, a device or a directory refused, before the write lock is
 * taken: nothing can then wait on a file while holding it. */
static int run_jobs(const struct rd_job *job, const struct load_opts *opts, struct load_job *jobs,
		    int njobs, struct load_report *reports, struct rd_err *err)
{
	struct load_session ss = {.job = job, .err = err, .opts = opts};
	struct rd_store *st = job->store;
	struct rd_run own, *run = job_run(job, &own, "load", err);
	struct rd_err scratch;
	int rc = -1, fk_off = 0;
	int64_t rows = 0;
	if (!run)
		return -1;
	if (opts->map_path && !(ss.map = mapping_load(opts->map_path, err)))
		goto out;
	for (int i = 0; i < njobs; i++)
		if ((jobs[i].fd = file_open_regular(jobs[i].path, NULL, err)) < 0)
			goto out;
	/* Takes effect only outside a transaction, which is where commands run. */
	if (store_exec(st, "PRAGMA foreign_keys = OFF", err))
		goto out;
	fk_off = 1;
	if (store_begin(st, err))
		goto out;
	for (int i = 0; i < njobs; i++) {
		if (load_one(&ss, jobs[i].table, jobs[i].path, jobs[i].fd, &reports[i]))
			goto out;
		rows += reports[i].read - reports[i].rejected;
	}
	/* Profiles are computed from customers, orders and payments: a load of those makes
	 * the older ones stale (stale.h); outcomes alone do not. */
	int inputs = 0;
	for (int i = 0; i < njobs; i++)
		inputs |= jobs[i].table != LT_OUTCOMES && reports[i].read > reports[i].rejected;
	if (inputs && stale_note_load(st, run->id, err))
		goto out;
	char msg[256];
	snprintf(msg, sizeof msg, "%d file%s, %lld rows", njobs, njobs == 1 ? "" : "s",
		 (long long)rows);
	if (run_mark_ok(st, run, rows, msg, err) || store_commit(st, err))
		goto out;
	rc = 0;
	rejects_publish(&ss);
out:
	if (ss.errors > ss.shown)
		sink_diag(job->out, "... and %lld more error%s", (long long)(ss.errors - ss.shown),
			  ss.errors - ss.shown == 1 ? "" : "s");
	for (int i = 0; i < ss.nrejects; i++)
		afile_abort(ss.rejects[i]); /* left only when the load failed */
	if (rc != 0) {
		store_rollback(st);
		run->rows = 0;
	}
	job_run_end(job, &own, rc, err);
	if (fk_off)
		store_exec(st, "PRAGMA foreign_keys = ON", &scratch);
	for (int i = 0; i < njobs; i++)
		if (jobs[i].fd >= 0)
			close(jobs[i].fd);
	mapping_free(ss.map);
	ids_free(ss.customers);
	ids_free(ss.orders);
	return rc;
}

int load_file(const struct rd_job *job, const char *table, const char *path,
	      const struct load_opts *opts, struct load_report *report, struct rd_err *err)
{
	int t = table_of(table);
	if (t < 0) {
		char e[RD_ECHO_SIZE];
		rd_err_set(err, "load: unknown table %s (customers, orders, payments, outcomes)",
			   rd_echo(e, table, strlen(table)));
		return -1;
	}
	struct load_job one = {.table = (enum load_table)t, .path = (char *)path, .fd = -1};
	return run_jobs(job, opts, &one, 1, report, err);
}

int load_dir(const struct rd_job *job, const char *dir, const struct load_opts *opts,
	     struct load_report *reports, int *nreports, struct rd_err *err)
{
	static const char *const exts[] = {".csv", ".json", ".ndjson"};
	struct load_job jobs[LT_COUNT];
	int n = 0, rc = -1;
	*nreports = 0;
	if (opts->map_path) {
		rd_err_set(err, "load %s: --map applies to one file (load TABLE FILE --map M)",
			   dir);
		return -1;
	}
	size_t dlen = strlen(dir);
	int slash = dlen > 0 && dir[dlen - 1] == '/';
	for (int t = 0; t < LT_COUNT; t++) {
		char *found = NULL;
		for (size_t e = 0; e < sizeof exts / sizeof *exts; e++) {
			size_t len = dlen + 32;
			char *p = rd_malloc(len);
			snprintf(p, len, "%s%s%s%s", dir, slash ? "" : "/", tables[t].name, exts[e]);
			/* Whatever has the name is the table's file: a FIFO or a directory there is
			 * refused when opened, not skipped. */
			struct stat sb;
			if (lstat(p, &sb) != 0) {
				free(p);
				continue;
			}
			if (found) {
				rd_err_set(err, "load %s: both %s and %s; keep one", dir, found, p);
				free(p);
				free(found);
				goto out;
			}
			found = p;
		}
		if (found)
			jobs[n++] = (struct load_job){.table = (enum load_table)t, .path = found, .fd = -1};
	}
	if (n == 0) {
		rd_err_set(err, "load %s: no customers, orders, payments or outcomes file"
			   " (.csv, .json or .ndjson)", dir);
		goto out;
	}
	rc = run_jobs(job, opts, jobs, n, reports, err);
	if (rc == 0)
		*nreports = n;
out:
	for (int i = 0; i < n; i++)
		free(jobs[i].path);
	return rc;
}
