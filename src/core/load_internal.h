/* Inside the loader. First, between the loader and its readers (load_csv.c,
 * load_json.c): a reader turns the bytes of a file into a header and records and hands
 * them to the loader, which maps, validates and writes them. Then the loader's own state
 * and the calls between its files: load.c (the row pipeline, one file, the session),
 * load_plan.c (the tables, where each column goes, attribute definitions), load_ids.c
 * (keys seen in the file, ids in the store) and load_reject.c (row errors, the rejects
 * file). Not a public header. */
#ifndef RISKDESK_LOAD_INTERNAL_H
#define RISKDESK_LOAD_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "riskdesk/afile.h"
#include "riskdesk/journal.h"
#include "riskdesk/load.h"
#include "riskdesk/mapping.h"
#include "riskdesk/store.h"
#include "riskdesk/util.h"

#define LOAD_FIELD_MAX 65536 /* longest cell accepted, in bytes */

/* One cell. The bytes need not be NUL-terminated and stay valid only during the call. */
struct load_field {
	const char *s;   /* never NULL ("" when empty) */
	size_t len;      /* bytes */
	const char *bad; /* NULL, or why the reader found the cell unusable ("contains
			  * \u0000"), reported after the value s when len > 0 */
	int nested;      /* JSON sources: s is a JSON object or array as written, which only a
			  * JSON column (VT_JSON) takes */
};

/* One data record of the source. */
struct load_rec {
	int64_t line;               /* physical line on which the record starts (1-based) */
	int64_t pos;                /* bytes of the file consumed so far, for progress */
	const struct load_field *f; /* cells by column index */
	int nf;                     /* cells in f */
	const char *raw;            /* JSON: the element's text, for the rejects file; else NULL */
	size_t raw_len;
	const char *bad; /* NULL, or what is wrong with the record as a whole (a
				      * JSON key given twice), for the row's errors */
};

/* The state of one file being loaded; defined in load.c. */
struct load_in;

/* Results of the calls below: go on, stop quietly (cancelled), or fail (the error is set). */
enum { LOAD_GO = 0, LOAD_STOP = 1, LOAD_FAIL = -1 };

/* The header line's column names. line is 0 when the names come from a mapping. */
int load_header(struct load_in *in, const struct load_field *names, int n, int64_t line);
/* JSON: the column index of a key, adding a column when the key is new; LOAD_FAIL on a
 * bad name. line is the record's line, for messages. */
int load_column(struct load_in *in, const char *name, size_t len, int64_t line);
/* Columns known so far. */
int load_ncolumns(const struct load_in *in);
/* One record: LOAD_GO, LOAD_STOP or LOAD_FAIL. */
int load_row(struct load_in *in, const struct load_rec *rec);
/* Fails the file with "FILE:LINE: message" (or "FILE: message" when line is 0). Returns
 * LOAD_FAIL. */
int load_fail(struct load_in *in, int64_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Delimited text (data, len: the whole file). sep is the delimiter, or ' ' for runs of
 * blanks without quoting. header: the first record names the columns. */
int load_csv_read(struct load_in *in, const char *data, size_t len, int sep, int header);
/* A JSON array of objects, or (ndjson) one object a line. */
int load_json_read(struct load_in *in, const char *data, size_t len, int ndjson);

/* ---- the loader's own state (load.c, load_plan.c, load_ids.c, load_reject.c); the
 * readers never look inside ---- */

#define LOAD_MAX_SLOTS 9 /* canonical columns of the widest table (credit_requests) */
#define LOAD_TOKENS 5    /* distinct texts in a numeric-looking column that still warn */

/* In the order `load DIR` loads them: each after the tables it refers to. */
enum load_table {
	LT_CUSTOMERS,
	LT_ORDERS,
	LT_PAYMENTS,
	LT_OUTCOMES,
	LT_REQUESTS,
	LT_RECORDS,
	LT_COUNT
};
_Static_assert(LT_COUNT == LOAD_TABLES, "load.h counts the tables");

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
	VT_POSITIVE, /* a finite number > 0 (a request's amount) */
	VT_MONTHS,   /* a whole number of months, 1 to LOAD_MONTHS_MAX */
	VT_REQUEST,  /* a credit request's status */
	VT_JSON,     /* a JSON object (a JSON source may give it as an object or as a string) */
	VT_SOURCE,   /* an external source's name: letters, digits, '_', '-', '.' */
};

#define LOAD_MONTHS_MAX 1200 /* a longer term (a hundred years) is a typo */

struct load_fdef {
	const char *name;     /* canonical column */
	enum load_vtype type; /* how its cells are checked and bound */
	int required;         /* 1: the cell may not be empty */
};

struct load_tdef {
	const char *name;               /* the table */
	const struct load_fdef *fields; /* slot order = the upsert's parameter order */
	int nfields;                    /* entries in fields */
	int nkey;                       /* the first nkey slots are the row's key, unique in
					 * the file: 1, or 2 (external records: source and key) */
	const char *key;                /* the key for messages: "id", "source and key" */
	int profile_input;              /* profiles are computed from it (stale.h) */
	const char *upsert;             /* writes one row, replacing the key's old row */
	const char *count;              /* rows in the table */
	const char *columns;            /* for messages */
};

/* The tables (load_plan.c): slot order = the upsert's parameter order. */
extern const struct load_tdef load_tables[LT_COUNT];

/* A window on the ids of a table, for reference checks: the ids from a key on, read in
 * the order of the primary key index. References mostly come in id order (orders grouped
 * by customer, payments by order): most are answered by the window, which grows while
 * they do; a reference outside it reads the window again from there. The memory is the
 * window's, whatever the table's size. */
struct load_ids {
	const char *table; /* customers or orders */
	sqlite3_stmt *q;   /* the ids from ?1 on, ?2 of them; owned */
	char *arena;       /* id bytes, back to back; owned */
	size_t arena_len;  /* bytes used */
	size_t arena_cap;  /* bytes allocated */
	struct load_id {
		size_t off; /* in arena */
		size_t len; /* bytes */
	} * v;              /* the window, ascending; owned */
	size_t n;           /* ids in v */
	size_t cap;         /* room in v */
	size_t want;        /* ids the next read asks for */
	size_t hits;        /* lookups the window answered */
	struct rd_buf from; /* the key the window was read from */
	int valid;          /* the window was read (and the table not changed since) */
	int at_end;         /* no id above the window */
};

/* State shared by the files of one load command (one transaction). */
struct load_session {
	const struct rd_job *job;        /* store, sink, cancel flag and the caller's run */
	struct rd_err *err;              /* the load's error */
	const struct load_opts *opts;    /* options of the command */
	struct rd_mapping *map;          /* owned; NULL without --map */
	struct load_ids *customers;      /* customer ids in the store, prepared when first needed */
	struct load_ids *orders;         /* order ids likewise */
	struct afile *rejects[LT_COUNT]; /* complete rejects files, renamed into place once
					  * the load is committed, else removed; owned */
	int nrejects;                    /* entries in rejects */
	int64_t errors;                  /* row errors of the whole load */
	int64_t shown;                   /* of which were sent as diagnostics */
	int cancelled;                   /* the user asked to stop */
	load_visit visit;                /* load_read: valid rows go here, nothing is written */
	void *visit_ud;
	int visit_stopped; /* visit returned non-zero */
	int64_t seq;       /* this load's data sequence (stale.h); 0 when it changes no
			    * profile input */
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
	char *name;                /* as stored in `attributes`; owned */
	const char *label;         /* name for messages: the source column when there is one */
	enum mapping_type forced;  /* type the mapping imposes, or MAPPING_AUTO */
	enum mapping_type before;  /* type already in the store, or MAPPING_AUTO when new */
	const char *def;           /* default value or NULL; the mapping owns it */
	int col;                   /* source column, or -1 */
	int nonnum;                /* a written value was not a number */
	int written;               /* values written */
	int64_t numbers;           /* values written that are numbers */
	char *tok[LOAD_TOKENS];    /* the distinct other values, while few and short; owned */
	int64_t tokn[LOAD_TOKENS]; /* rows of each */
	int ntok;                  /* entries in tok */
	int many;                  /* more or longer other values than tok keeps */
	struct load_field v;       /* the current row's value */
	double num;                /* its number, when hasnum */
	int hasnum;                /* v parsed as a number */
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

/* The lines of the rows a file inserted, by rowid: an entry where line minus rowid
 * changes (a row of several lines, a bad or replaced row, a blank line). */
struct load_lines {
	struct load_line {
		int64_t rowid; /* from this row on ... */
		int64_t line;  /* ... the line is this plus the rowid's distance */
	} * v;                 /* ascending rowid; owned */
	size_t n;              /* entries in v */
	size_t cap;            /* room in v */
};

struct load_in {
	struct load_session *ss;   /* the load this file is part of */
	const struct load_tdef *t; /* the target table */
	enum load_table table;     /* its index */
	const char *path;          /* the file as the user gave it */
	struct load_report *rep;   /* counts for the caller */
	char what[32];             /* "load orders", for progress */
	int json;                  /* the source is JSON: no header, columns come by key */
	int64_t size;              /* bytes of the file */
	/* columns */
	struct load_col *cols;    /* source columns; owned */
	int ncols;                /* columns so far */
	int capcols;              /* room in cols */
	struct rd_strmap *colmap; /* lowercased name -> column */
	int have_header;          /* column names are known (header, mapping or JSON) */
	int header_nf;            /* cells every record must have; 0: any (JSON) */
	/* targets */
	int slot_col[LOAD_MAX_SLOTS];         /* source column of each slot, or -1 */
	const char *slot_def[LOAD_MAX_SLOTS]; /* default of each slot, or NULL */
	const char *label[LOAD_MAX_SLOTS];    /* name of each slot in messages */
	struct load_attr *attrs;              /* customer attributes; owned */
	int nattrs;                           /* attributes so far */
	int capattrs;                         /* room in attrs */
	struct rd_strmap *attrmap;            /* lowercased attribute name -> index */
	int outcome_col;                      /* source column of the outcome, or -1 */
	const char *outcome_label;            /* its name in messages */
	const char *outcome_def;              /* its default, or NULL */
	int genid;                            /* ids come from the mapping's id format */
	/* the current row */
	struct load_field val[LOAD_MAX_SLOTS]; /* cell of each slot after recode and default */
	double num[LOAD_MAX_SLOTS];            /* parsed amounts */
	int code[LOAD_MAX_SLOTS];              /* parsed enums and flags */
	struct load_field outcome;             /* outcome cell */
	int outcome_code;                      /* its value, or -1 for none */
	char idbuf[256];                       /* generated id */
	struct rd_buf keybuf;                  /* a key of several slots, joined by NULs */
	int row_bad;                           /* an error was found in the row */
	const struct load_rec *rec;            /* the row, for messages */
	struct rd_buf reason;                  /* the row's errors, for the rejects file */
	/* database */
	sqlite3_stmt *ins;         /* the table's upsert */
	sqlite3_stmt *ins_attr;    /* customers: one attribute value */
	sqlite3_stmt *del_attr;    /* customers: a replaced customer's attributes */
	sqlite3_stmt *ins_outcome; /* customers with an outcome column */
	int64_t before;            /* rows in the table before the file */
	struct store_indexes bulk; /* secondary indexes dropped for a bulk load; owned */
	int64_t outcomes_before;   /* rows in outcomes before the file */
	int64_t rowid_before;      /* the largest rowid before the file: its new rows are above
				    * it (duplicates; the customers they change) */
	sqlite3_stmt *find_row;    /* the rowid of a key's row, for a duplicate's first line */
	int marking;               /* mark_end marks the customers of the new rows */
	int trigger;               /* a trigger marks the customers of replaced rows */
	/* bookkeeping */
	struct load_keys seen;   /* keys of the rows replaced so far (load_read: of the valid
				  * rows so far) */
	struct load_lines lines; /* the lines of the rows inserted so far */
	const char *data;        /* the mapped file, or NULL */
	size_t released;         /* its bytes given back so far */
	int64_t done_pos;        /* its bytes up to the end of the previous record */
	int64_t rows;            /* data rows read (the next row's 0-based number) */
	int64_t written;         /* rows written */
	int64_t bad_rows;        /* rows with errors */
	int insert;              /* 0 once a row failed without skip_bad */
	int failed;              /* a fatal error is in the session's err */
	struct afile *rejects;   /* FILE.rejects.csv being written, once a row
						  * was rejected; owned */
	struct rd_buf scratch;   /* lowercased names */
};

/* A name (a column, a key) quoted for a message, cut like every echoed value. */
static inline const char *load_echo_name(char buf[RD_ECHO_SIZE], const char *name)
{
	return rd_echo(buf, name, strlen(name));
}

/* load.c: steps a write statement of the current row, failing the file on an error.
 * LOAD_GO or LOAD_FAIL. */
int load_step(struct load_in *in, sqlite3_stmt *s);

/* load_plan.c: the mapping's defaults, the built-in kind default, and checks of what the
 * mapping asks against the table, before the header. LOAD_GO or LOAD_FAIL. */
int load_plan_init(struct load_in *in);
/* After the file: the attributes' definitions with the type this load's values show
 * (warning about numbers mixed with a few texts), and the mapping's special codes. */
int load_attrs_finish(struct load_in *in);
/* After the file: the mapping's labels of this file's attributes (attribute_labels). */
int load_labels_finish(struct load_in *in);

/* load_ids.c: the line of key's row among the file's valid rows so far, or -1. */
int64_t load_keys_get(const struct load_keys *k, const char *s, size_t len);
/* Adds a key load_keys_get did not find. */
void load_keys_put(struct load_keys *k, const char *s, size_t len, int64_t line);
void load_keys_free(struct load_keys *k);
/* The ids a reference column (VT_CUSTOMER, VT_ORDER) checks against, prepared on first
 * use; NULL (and in->failed) on a database error. */
struct load_ids *load_ids_for(struct load_in *in, enum load_vtype type);
/* 1 when s is one of the ids, 0 when not, -1 on a database error (the session's err). */
int load_ids_has(struct load_ids *ids, struct load_session *ss, const char *s, size_t len);
/* Forgets the window (NULL: nothing to do): a file may have changed the table. */
void load_ids_reset(struct load_ids *ids);
void load_ids_free(struct load_ids *ids);

/* load_reject.c: records an error of the current row: a diagnostic while fewer than 20
 * were shown, and a part of the reason written to the rejects file. label NULL: not about
 * one column. */
void load_row_error(struct load_in *in, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Writes the current row (its original cells) and its reason to FILE.rejects.csv.
 * LOAD_GO or LOAD_FAIL. */
int load_reject(struct load_in *in, const struct load_rec *r);
/* Puts the rejects files of a committed load in place; a failure is a diagnostic. */
void load_rejects_publish(struct load_session *ss);

#endif
