/* The dataset loader (SPEC section 3), its row pipeline: a reader (load_csv.c,
 * load_json.c) hands over a header and records; here each record's cells go to their
 * targets (the plan, load_plan.c), are checked, and are written with one reused upsert
 * statement per table; one file at a time, all files of a load in one transaction with
 * one run. Speed (SPEC section 10; docs/design.md "Fast load"): references are checked
 * against a window of the store's ids read in id order rather than a query per row
 * (load_ids.c), so foreign keys are off during the load, and so are the CHECKs, whose
 * every value is checked here first; a key repeated in the file is found by the upsert
 * itself (it does not replace a row the file inserted); and a big file into a table no
 * bigger than it rebuilds the table's secondary indexes afterwards instead of inserting
 * into them row by row. Memory does not grow with the file or the store. */
#include "riskdesk/load.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load_internal.h"
#include "riskdesk/afile.h"
#include "riskdesk/featscan.h"
#include "riskdesk/features.h"
#include "riskdesk/journal.h"
#include "riskdesk/jsondoc.h"
#include "riskdesk/mapping.h"
#include "riskdesk/sink.h"
#include "riskdesk/source.h"
#include "riskdesk/stale.h"
#include "riskdesk/vocab.h"

#define LOAD_POLL 4096               /* rows between cancel checks */
#define LOAD_PROGRESS 65536          /* rows between progress reports */
#define LOAD_BULK_BYTES (4 << 20)    /* files from this size may rebuild indexes after loading */
#define LOAD_ROW_BYTES 64            /* a guess at a row's size, to compare a file with a table */
#define LOAD_TOKEN_BYTES 32          /* a longer text is data, not a missing-value token */
#define LOAD_RELEASE_BYTES (8 << 20) /* read bytes given back at a time */

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

/* A whole number of months, 1 to LOAD_MONTHS_MAX, written as digits (a JSON number
 * arrives as its text); -1 otherwise. */
int load_months_parse(const char *s, size_t len)
{
	int v = 0;
	if (len == 0 || len > 4)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v >= 1 && v <= LOAD_MONTHS_MAX ? v : -1;
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
			load_row_error(in, label, "missing value");
		return;
	}
	switch (fd->type) {
	case VT_ID:
	case VT_TEXT: break;
	case VT_CUSTOMER:
	case VT_ORDER: {
		struct load_ids *ids = load_ids_for(in, fd->type);
		int has = ids ? load_ids_has(ids, in->ss, v->s, v->len) : 1;
		if (has < 0)
			in->failed = 1;
		else if (!has)
			load_row_error(in, label, "unknown %s %s",
				       fd->type == VT_CUSTOMER ? "customer" : "order",
				       rd_echo(sh, v->s, v->len));
		break;
	}
	case VT_AMOUNT:
		if (num_parse(v->s, v->len, &in->num[k]))
			load_row_error(in, label, "%s is not a number", rd_echo(sh, v->s, v->len));
		else if (in->num[k] < 0)
			load_row_error(in, label, "%s is negative (amounts are >= 0)",
				       rd_echo(sh, v->s, v->len));
		break;
	case VT_STATUS:
		if ((in->code[k] = order_status_parse(v->s, v->len)) < 0)
			load_row_error(in, label,
				       "%s is not placed, shipped, delivered, cancelled or "
				       "returned",
				       rd_echo(sh, v->s, v->len));
		break;
	case VT_METHOD:
		if ((in->code[k] = pay_method_parse(v->s, v->len)) < 0)
			load_row_error(in, label, "%s is not card, cod, wallet or bank",
				       rd_echo(sh, v->s, v->len));
		break;
	case VT_FLAG:
		if ((in->code[k] = flag_parse(v->s, v->len)) < 0)
			load_row_error(in, label, "%s is not 0 or 1", rd_echo(sh, v->s, v->len));
		break;
	case VT_KIND:
		if ((in->code[k] = vocab_find_n(&vocab_kind, v->s, v->len)) < 0)
			load_row_error(in, label, "%s is not individual or company",
				       rd_echo(sh, v->s, v->len));
		break;
	case VT_DATE:
		if (date_parse(v->s, v->len, &epoch))
			load_row_error(in, label,
				       "%s is not an ISO 8601 date (2025-03-01 or"
				       " 2025-03-01T10:30:00Z; years 0001 to 9999)",
				       rd_echo(sh, v->s, v->len));
		break;
	case VT_POSITIVE:
		if (num_parse(v->s, v->len, &in->num[k]))
			load_row_error(in, label, "%s is not a number", rd_echo(sh, v->s, v->len));
		else if (!(in->num[k] > 0))
			load_row_error(in, label, "%s is not positive (an amount asked for is > 0)",
				       rd_echo(sh, v->s, v->len));
		break;
	case VT_MONTHS:
		if ((in->code[k] = load_months_parse(v->s, v->len)) < 0)
			load_row_error(in, label, "%s is not a whole number of months from 1 to %d",
				       rd_echo(sh, v->s, v->len), LOAD_MONTHS_MAX);
		break;
	case VT_REQUEST:
		if ((in->code[k] = vocab_find_n(&vocab_request_status, v->s, v->len)) < 0) {
			char words[64];
			load_row_error(in, label, "%s is not %s", rd_echo(sh, v->s, v->len),
				       vocab_list(&vocab_request_status, " or ", words,
						  sizeof words));
		}
		break;
	case VT_JSON: {
		const char *why = jsondoc_object_problem(v->s, v->len);
		if (why)
			load_row_error(in, label, "%s %s", rd_echo(sh, v->s, v->len), why);
		break;
	}
	case VT_SOURCE:
		if (!source_name_ok(v->s, v->len))
			load_row_error(in, label,
				       "%s is not a source name (letters, digits, '_', '-'"
				       " and '.'; at most %d bytes)",
				       rd_echo(sh, v->s, v->len), SOURCE_NAME_MAX);
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
	case VT_POSITIVE: sqlite3_bind_double(s, p, in->num[k]); break;
	case VT_MONTHS: sqlite3_bind_int(s, p, in->code[k]); break;
	case VT_REQUEST:
		sqlite3_bind_text(s, p, vocab_name(&vocab_request_status, in->code[k]), -1,
				  SQLITE_STATIC);
		break;
	case VT_STATUS:
		sqlite3_bind_text(s, p, vocab_name(&vocab_order_status, in->code[k]), -1,
				  SQLITE_STATIC);
		break;
	case VT_METHOD:
		sqlite3_bind_text(s, p, vocab_name(&vocab_pay_method, in->code[k]), -1,
				  SQLITE_STATIC);
		break;
	case VT_KIND:
		sqlite3_bind_text(s, p, vocab_name(&vocab_kind, in->code[k]), -1, SQLITE_STATIC);
		break;
	case VT_FLAG: sqlite3_bind_int(s, p, in->code[k]); break;
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

int load_step(struct load_in *in, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	if (rc != SQLITE_DONE) {
		load_fail(in, in->rec->line, "database: %s",
			  sqlite3_errmsg(store_db(in->ss->job->store)));
		sqlite3_reset(s);
		return LOAD_FAIL;
	}
	sqlite3_reset(s);
	return LOAD_GO;
}

/* The line a row this file inserted came from: the lines are kept only where line minus
 * rowid changes (rows are inserted at the next rowid), once for a file of one line a row. */
static void lines_note(struct load_in *in, int64_t rowid, int64_t line)
{
	struct load_lines *l = &in->lines;
	if (l->n > 0 && line - rowid == l->v[l->n - 1].line - l->v[l->n - 1].rowid)
		return;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = rd_realloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = (struct load_line){.rowid = rowid, .line = line};
}

static int64_t lines_get(const struct load_in *in, int64_t rowid)
{
	const struct load_lines *l = &in->lines;
	size_t lo = 0, hi = l->n;
	while (lo < hi) { /* the first entry above rowid */
		size_t mid = lo + (hi - lo) / 2;
		if (l->v[mid].rowid <= rowid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == 0 ? -1 : l->v[lo - 1].line + (rowid - l->v[lo - 1].rowid);
}

/* The line of the row this file inserted with the current row's key, or -1 when it
 * inserted none. */
static int64_t first_line(struct load_in *in)
{
	struct rd_store *st = in->ss->job->store;
	struct rd_err err;
	if (!in->find_row) {
		struct rd_buf b = {0};
		/* Table and column names come from load_plan.c. */
		buf_printf(&b, "SELECT rowid FROM \"%s\" WHERE", in->t->name);
		for (int k = 0; k < in->t->nkey; k++)
			buf_printf(&b, "%s \"%s\" = ?%d", k ? " AND" : "", in->t->fields[k].name,
				   k + 1);
		int rc = store_prepare(st, b.data, &in->find_row, &err);
		buf_free(&b);
		if (rc)
			return -1;
	}
	for (int k = 0; k < in->t->nkey; k++)
		sqlite3_bind_text(in->find_row, k + 1, in->val[k].s, (int)in->val[k].len,
				  SQLITE_STATIC);
	int64_t rowid = sqlite3_step(in->find_row) == SQLITE_ROW
				? sqlite3_column_int64(in->find_row, 0)
				: 0;
	int64_t line = rowid > in->rowid_before ? lines_get(in, rowid) : -1;
	sqlite3_reset(in->find_row);
	return line;
}

/* "id 'O1'", "source and key 'tax_office' 'X1'": the current row's key for a message. */
static void key_text(struct load_in *in, struct rd_buf *b)
{
	char sh[RD_ECHO_SIZE];
	buf_puts(b, in->t->key);
	for (int k = 0; k < in->t->nkey; k++)
		buf_printf(b, " %s", rd_echo(sh, in->val[k].s, in->val[k].len));
}

static void duplicate_error(struct load_in *in, int64_t first)
{
	struct rd_buf what = {0};
	key_text(in, &what);
	load_row_error(in, in->label[in->t->nkey - 1], "duplicate %s (first on line %lld)",
		       what.data, (long long)first);
	buf_free(&what);
}

/* Writes the current row. Its key's row from before the file is replaced; a row this file
 * wrote is not (the upsert's WHERE: it is above rowid_before), which makes the row a
 * duplicate (a row error) and changes nothing. */
static int write_row(struct load_in *in, const char *key_s, size_t key_len)
{
	sqlite3 *db = store_db(in->ss->job->store);
	for (int k = 0; k < in->t->nfields; k++)
		bind_slot(in, k);
	sqlite3_set_last_insert_rowid(db, 0);
	if (load_step(in, in->ins))
		return LOAD_FAIL;
	if (sqlite3_changes(db) == 0) {
		duplicate_error(in, first_line(in));
		return LOAD_GO;
	}
	int64_t rowid = sqlite3_last_insert_rowid(db); /* 0 when the upsert updated */
	if (rowid > 0)
		lines_note(in, rowid, in->rec->line);
	else /* a row from before: only its key can tell a second one */
		load_keys_put(&in->seen, key_s, key_len, in->rec->line);
	in->written++;
	const struct load_field *key = &in->val[0];
	if (in->table == LT_CUSTOMERS) {
		/* A replaced customer's attributes are replaced as a whole. */
		if (in->before > 0) {
			sqlite3_bind_text(in->del_attr, 1, key->s, (int)key->len, SQLITE_STATIC);
			if (load_step(in, in->del_attr))
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
			if (load_step(in, in->ins_attr))
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
			if (load_step(in, in->ins_outcome))
				return LOAD_FAIL;
			in->rep->outcomes++;
		}
	}
	return LOAD_GO;
}

/* load_read: the row goes to the caller instead of the table. */
static int visit_row(struct load_in *in)
{
	struct load_value v[LOAD_MAX_SLOTS];
	for (int k = 0; k < in->t->nfields; k++) {
		enum load_vtype type = in->t->fields[k].type;
		int number = in->val[k].len > 0 &&
			     (type == VT_AMOUNT || type == VT_POSITIVE || type == VT_MONTHS);
		v[k] = (struct load_value){in->val[k].s, in->val[k].len,
					   !number             ? NAN
					   : type == VT_MONTHS ? (double)in->code[k]
							       : in->num[k]};
	}
	in->written++;
	if (in->ss->visit(in->ss->visit_ud, in->rec->line, v)) {
		in->ss->visit_stopped = 1;
		return LOAD_STOP;
	}
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
				load_row_error(in, c->name, "%s %s", rd_echo(sh, v.s, v.len),
					       v.bad);
			else
				load_row_error(in, c->name, "%s", v.bad);
			v = reported;
		} else if (v.len > LOAD_FIELD_MAX) {
			load_row_error(in, c->name, "field is %zu bytes; the limit is %d", v.len,
				       LOAD_FIELD_MAX);
			v = reported;
		} else if (v.nested &&
			   !(c->target == TG_SLOT && in->t->fields[c->index].type == VT_JSON)) {
			load_row_error(in, c->name,
				       "a JSON object or array (expected a string or a number)");
			v = reported;
		} else if (!utf8_valid(v.s, v.len)) {
			load_row_error(in, c->name, "invalid UTF-8");
			v = reported;
		} else if ((nul = memchr(v.s, '\0', v.len)) != NULL) {
			/* Stored, it would end the text early: 'C0001\0x' shown as C0001. */
			load_row_error(in, c->name, "%s contains a NUL byte (at byte %zu)",
				       rd_echo(sh, v.s, v.len), (size_t)(nul - v.s) + 1);
			v = reported;
		} else {
			const char *to = c->recode ? mapping_recode_get(c->recode, v.s, v.len)
						   : NULL;
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
			load_row_error(in, a->label, "%s is not a number (%s makes it numeric)",
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
		load_row_error(in,
			       in->outcome_label ? in->outcome_label : in->ss->map->outcome_column,
			       "%s is not an outcome (0 or 1%s)", rd_echo(sh, v.s, v.len),
			       in->ss->map->outcome_recode.npairs ? " after the mapping's recode"
								  : "");
}

/* The current row's key into *s, *len: slot 0, or the key slots joined by NUL bytes (which
 * no valid cell holds). 0 when a part of it is empty. */
static int row_key(struct load_in *in, const char **s, size_t *len)
{
	if (in->t->nkey == 1) {
		*s = in->val[0].s;
		*len = in->val[0].len;
		return *len > 0;
	}
	buf_reset(&in->keybuf);
	for (int k = 0; k < in->t->nkey; k++) {
		if (in->val[k].len == 0)
			return 0;
		if (k)
			buf_putc(&in->keybuf, '\0');
		buf_append(&in->keybuf, in->val[k].s, in->val[k].len);
	}
	*s = in->keybuf.data;
	*len = in->keybuf.len;
	return 1;
}

/* Gives back the pages of the mapped file before the previous record, which nothing
 * points into any more (a reader copies or re-reads what it keeps): the memory of a load
 * does not grow with the file. */
static void release_read(struct load_in *in)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t upto = (size_t)in->done_pos / page * page;
	if (!in->data || upto < in->released + LOAD_RELEASE_BYTES)
		return;
	madvise((char *)in->data + in->released, upto - in->released, MADV_DONTNEED);
	in->released = upto;
}

int load_row(struct load_in *in, const struct load_rec *r)
{
	struct load_session *ss = in->ss;
	const char *key = NULL; /* the row's key, once the cells are in */
	size_t key_len = 0;
	int64_t row = in->rows++;
	in->rep->read++;
	if (row % LOAD_POLL == 0 && row > 0) {
		if (job_cancelled(ss->job))
			return LOAD_STOP;
		release_read(in);
		if (row % LOAD_PROGRESS == 0)
			sink_progress_bytes(ss->job->out, in->what, r->pos, in->size, row);
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
		load_row_error(in, NULL, "has %d field%s, the header has %d", r->nf,
			       r->nf == 1 ? "" : "s", in->header_nf);
		goto done;
	}
	if (r->bad)
		load_row_error(in, NULL, "%s", r->bad);
	spread(in, r);
	if (in->genid) {
		mapping_id(ss->map, row, in->idbuf, sizeof in->idbuf);
		in->val[0] = (struct load_field){.s = in->idbuf, .len = strlen(in->idbuf)};
	}
	for (int k = 0; k < in->t->nfields; k++) {
		if (in->val[k].bad)
			continue;
		if (in->val[k].len == 0 && in->slot_def[k])
			in->val[k] = (struct load_field){.s = in->slot_def[k],
							 .len = strlen(in->slot_def[k])};
		check_slot(in, k);
		if (in->failed)
			return LOAD_FAIL;
	}
	if (in->nattrs)
		check_attrs(in);
	if (in->outcome_col >= 0 || in->outcome_def)
		check_outcome(in);
	if (row_key(in, &key, &key_len)) {
		/* Written rows: the keys of replaced rows only (write_row); read rows: all. */
		int64_t first = load_keys_get(&in->seen, key, key_len);
		/* A row not to be written is still told a duplicate of one that was. */
		if (first < 0 && in->row_bad && !ss->visit)
			first = first_line(in);
		if (first >= 0)
			duplicate_error(in, first);
	}
done:
	in->done_pos = r->pos; /* given back at a later row (release_read) */
	if (!in->row_bad) {
		if (ss->visit) {
			load_keys_put(&in->seen, key, key_len, r->line);
			return in->insert ? visit_row(in) : LOAD_GO;
		}
		/* Written even once the load is bound to fail (it is rolled back then): the
		 * table finds the later rows' duplicates. */
		if (write_row(in, key, key_len))
			return LOAD_FAIL;
	}
	if (!in->row_bad)
		return LOAD_GO;
	in->bad_rows++;
	if (ss->opts->skip_bad)
		return load_reject(in, r);
	in->insert = 0; /* nothing of this load will be committed */
	return LOAD_GO;
}

/* ---- one file ---- */

static int count_rows(struct load_in *in, const char *sql, int64_t *n)
{
	*n = store_int(in->ss->job->store, sql, -1);
	if (*n < 0)
		return load_fail(in, 0, "database: %s",
				 sqlite3_errmsg(store_db(in->ss->job->store)));
	return LOAD_GO;
}

/* A big file into a table no bigger than it: drop the table's secondary indexes, to build
 * them again from sorted data once the rows are in (load_bulk_end). Inserting millions of
 * keys at random places in a B-tree costs far more than one sort. The DDL is part of the
 * load's transaction, so a failed load gets its indexes back with the rollback. */
static int bulk_begin(struct load_in *in)
{
	struct rd_err err;
	if (in->size < LOAD_BULK_BYTES || in->size / LOAD_ROW_BYTES < in->before)
		return LOAD_GO;
	if (store_indexes_drop(in->ss->job->store, in->t->name, NULL, &in->bulk, &err))
		return load_fail(in, 0, "%s", err.msg);
	return LOAD_GO;
}

static int bulk_end(struct load_in *in)
{
	struct rd_err err;
	if (store_indexes_restore(in->ss->job->store, &in->bulk, &err))
		return load_fail(in, 0, "rebuilding an index: %s", err.msg);
	return LOAD_GO;
}

/* ---- which customers a load changes (stale.h: recompute changed) ---- */

/* The tables whose rows a customer's profile is computed from, or that it shows. */
static int changes_customers(enum load_table t)
{
	return t == LT_CUSTOMERS || t == LT_ORDERS || t == LT_PAYMENTS || t == LT_OUTCOMES;
}

/* Before a file of orders, payments or outcomes: its new rows will be those above the
 * largest rowid; a row it replaces (an upsert keeps the rowid) is seen by a trigger of this
 * connection, which marks the row's old and new customer when a value changed. The
 * customers file marks its rows itself (its upsert's ?7). */
static int mark_begin(struct load_in *in)
{
	struct rd_store *st = in->ss->job->store;
	struct rd_err err;
	if (!in->ss->seq || !changes_customers(in->table))
		return LOAD_GO;
	if (in->table == LT_CUSTOMERS) {
		sqlite3_bind_int64(in->ins, 7, in->ss->seq);
		return LOAD_GO;
	}
	in->marking = 1;
	/* An empty table has no row to replace: no trigger, whose statement journal would
	 * cost every row of a first load (docs/design.md "Fast load"). */
	if (in->rowid_before == 0)
		return LOAD_GO;
	/* Table and column names come from load_plan.c, the number from the store. */
	struct rd_buf b = {0};
	buf_printf(&b, "CREATE TEMP TRIGGER rd_load_changed AFTER UPDATE ON main.\"%s\" WHEN 0",
		   in->t->name);
	for (int k = 0; k < in->t->nfields; k++)
		buf_printf(&b, " OR old.\"%s\" IS NOT new.\"%s\"", in->t->fields[k].name,
			   in->t->fields[k].name);
	buf_printf(&b,
		   " BEGIN UPDATE customers SET changed_seq = %lld"
		   " WHERE id IN (old.customer_id, new.customer_id); END",
		   (long long)in->ss->seq);
	int rc = store_exec(st, b.data, &err);
	buf_free(&b);
	if (rc)
		return load_fail(in, 0, "%s", err.msg);
	in->trigger = 1;
	return LOAD_GO;
}

/* After the file: the customers of its new rows take the load's number. Skipped when every
 * customer has it already (a first load, its customers file loaded just before). */
static int mark_end(struct load_in *in)
{
	struct rd_store *st = in->ss->job->store;
	struct rd_err err;
	sqlite3_stmt *s = NULL;
	int rc = LOAD_FAIL;
	if (!in->marking)
		return LOAD_GO;
	in->marking = 0;
	if (in->trigger && store_exec(st, "DROP TRIGGER temp.rd_load_changed", &err))
		return load_fail(in, 0, "%s", err.msg);
	in->trigger = 0;
	if (store_prepare(st, "SELECT EXISTS (SELECT 1 FROM customers WHERE changed_seq <> ?1)", &s,
			  &err))
		goto fail;
	sqlite3_bind_int64(s, 1, in->ss->seq);
	int others = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	s = NULL;
	if (!others)
		return LOAD_GO;
	char *sql = sqlite3_mprintf("UPDATE customers SET changed_seq = ?1 WHERE changed_seq <> ?1"
				    " AND id IN (SELECT customer_id FROM \"%w\" WHERE rowid > ?2)",
				    in->t->name);
	int prc = store_prepare(st, sql, &s, &err);
	sqlite3_free(sql);
	if (prc)
		goto fail;
	sqlite3_bind_int64(s, 1, in->ss->seq);
	sqlite3_bind_int64(s, 2, in->rowid_before);
	if (sqlite3_step(s) != SQLITE_DONE) {
		rc = load_fail(in, 0, "marking the changed customers: %s",
			       sqlite3_errmsg(store_db(st)));
		goto out;
	}
	rc = LOAD_GO;
	goto out;
fail:
	rc = load_fail(in, 0, "%s", err.msg);
out:
	sqlite3_finalize(s);
	return rc;
}

static int in_setup(struct load_in *in)
{
	struct rd_store *st = in->ss->job->store;
	struct rd_err err;
	snprintf(in->what, sizeof in->what, "load %s", in->t->name);
	in->colmap = strmap_new(64);
	in->attrmap = strmap_new(64);
	in->insert = 1;
	if (in->ss->visit) /* load_read: nothing is written */
		return load_plan_init(in);
	if (count_rows(in, in->t->count, &in->before) || bulk_begin(in))
		return LOAD_FAIL;
	/* Table names come from load_plan.c. */
	char *sql = sqlite3_mprintf("SELECT coalesce(max(rowid), 0) FROM \"%w\"", in->t->name);
	in->rowid_before = store_int(st, sql, -1);
	sqlite3_free(sql);
	if (in->rowid_before < 0)
		return load_fail(in, 0, "database: %s", sqlite3_errmsg(store_db(st)));
	sql = sqlite3_mprintf("%s WHERE \"%w\".rowid <= ?20", in->t->upsert, in->t->name);
	int prc = store_prepare(st, sql, &in->ins, &err);
	sqlite3_free(sql);
	if (prc)
		return load_fail(in, 0, "%s", err.msg);
	sqlite3_bind_int64(in->ins, 20, in->rowid_before);
	load_ids_reset(in->ss->customers);
	load_ids_reset(in->ss->orders);
	if (mark_begin(in))
		return LOAD_FAIL;
	if (in->table == LT_CUSTOMERS) {
		if (store_prepare(st,
				  "INSERT INTO customer_attributes(customer_id, name, value, num)"
				  " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(customer_id, name) DO "
				  "UPDATE"
				  " SET value = excluded.value, num = excluded.num",
				  &in->ins_attr, &err) ||
		    store_prepare(st, "DELETE FROM customer_attributes WHERE customer_id = ?1",
				  &in->del_attr, &err))
			return load_fail(in, 0, "%s", err.msg);
		if (in->ss->map && in->ss->map->outcome_column) {
			if (store_prepare(st, load_tables[LT_OUTCOMES].upsert, &in->ins_outcome,
					  &err))
				return load_fail(in, 0, "%s", err.msg);
			if (count_rows(in, load_tables[LT_OUTCOMES].count, &in->outcomes_before))
				return LOAD_FAIL;
		}
	}
	return load_plan_init(in);
}

static void in_free(struct load_in *in)
{
	if (in->trigger) /* a failed file: the rollback follows */
		store_exec(in->ss->job->store, "DROP TRIGGER IF EXISTS temp.rd_load_changed",
			   &(struct rd_err){{0}});
	sqlite3_finalize(in->ins);
	sqlite3_finalize(in->ins_attr);
	sqlite3_finalize(in->del_attr);
	sqlite3_finalize(in->ins_outcome);
	sqlite3_finalize(in->find_row);
	free(in->lines.v);
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
	load_keys_free(&in->seen);
	store_indexes_free(&in->bulk);
	buf_free(&in->reason);
	buf_free(&in->scratch);
	buf_free(&in->keybuf);
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
	struct load_in in = {.ss = ss,
			     .t = &load_tables[table],
			     .table = table,
			     .path = path,
			     .rep = rep};
	const struct rd_mapping *m = ss->map;
	char *data = MAP_FAILED;
	int rc = LOAD_FAIL;
	struct stat sb = {0};
	memset(rep, 0, sizeof *rep);
	snprintf(rep->table, sizeof rep->table, "%s", load_tables[table].name);
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
		in.data = data;
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
		int sep = ss->opts->delim           ? ss->opts->delim
			  : m && m->separator       ? m->separator
			  : ends_with(path, ".tsv") ? '\t'
						    : ',';
		int header = m ? m->header : 1;
		if (m && m->ncolumns) {
			struct load_field *f = rd_calloc((size_t)m->ncolumns, sizeof *f);
			for (int i = 0; i < m->ncolumns; i++)
				f[i] = (struct load_field){.s = m->columns[i],
							   .len = strlen(m->columns[i])};
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
	if (r == LOAD_STOP && ss->visit_stopped)
		goto out; /* the caller's visit set the error */
	if (r == LOAD_STOP) {
		ss->cancelled = 1;
		rd_err_set(ss->err, "load %s: cancelled; nothing was loaded", in.t->name);
		goto out;
	}
	if (in.bad_rows && !ss->opts->skip_bad) {
		rd_err_set(ss->err, "%s %s: %lld invalid row%s in %s%s",
			   ss->visit ? "read" : "load", in.t->name, (long long)in.bad_rows,
			   in.bad_rows == 1 ? "" : "s", path,
			   ss->visit ? "" : "; nothing was loaded");
		goto out;
	}
	if (ss->visit) {
		rc = LOAD_GO;
		goto out;
	}
	if (load_attrs_finish(&in) || load_labels_finish(&in) || bulk_end(&in) || mark_end(&in))
		goto out;
	int64_t after, oafter;
	if (count_rows(&in, in.t->count, &after))
		goto out;
	rep->inserted = after - in.before;
	rep->replaced = in.written - rep->inserted;
	struct rd_err derr;
	if ((table == LT_ORDERS || table == LT_PAYMENTS) &&
	    events_dates_note(ss->job->store, in.t->name, in.rowid_before, rep->replaced > 0,
			      &derr)) {
		load_fail(&in, 0, "%s", derr.msg);
		goto out;
	}
	if (in.ins_outcome) {
		if (count_rows(&in, load_tables[LT_OUTCOMES].count, &oafter))
			goto out;
		rep->outcomes_inserted = oafter - in.outcomes_before;
	}
	struct rd_err werr;
	if (in.rejects && afile_sync(in.rejects, &werr)) {
		load_fail(&in, 0, "cannot write %s", werr.msg);
		goto out;
	}
	sink_progress_bytes(ss->job->out, in.what, in.size, in.size, in.rows);
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

const char *load_tables_list(const char *last, char *buf, size_t n)
{
	size_t at = 0;
	buf[0] = '\0';
	for (int i = 0; i < LT_COUNT && at < n; i++) {
		int w = snprintf(buf + at, n - at, "%s%s",
				 i == 0              ? ""
				 : i == LT_COUNT - 1 ? last
						     : ", ",
				 load_table_names[i]);
		at += w > 0 ? (size_t)w : 0;
	}
	return buf;
}

static int table_of(const char *name)
{
	for (int i = 0; i < LT_COUNT; i++)
		if (strcmp(load_tables[i].name, name) == 0)
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
	/* Foreign keys: takes effect only outside a transaction, which is where commands run.
	 * CHECKs: every value they test was checked by load_row (and enums are bound as their
	 * canonical names); an IN list of three or more builds a temporary b-tree each time
	 * the upsert runs, which took a third of a load's time. Temporary files on disk: the
	 * sorts that rebuild the indexes (bulk_end) spill there, not into memory, which then
	 * does not grow with the tables (store_open's MEMORY is back after the load). */
	if (store_exec(st,
		       "PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON;"
		       " PRAGMA temp_store = FILE",
		       err))
		goto out;
	fk_off = 1;
	if (store_begin(st, err))
		goto out;
	for (int i = 0; i < njobs; i++)
		if (changes_customers(jobs[i].table)) {
			if (stale_next_seq(st, &ss.seq, err))
				goto out;
			break;
		}
	for (int i = 0; i < njobs; i++) {
		if (load_one(&ss, jobs[i].table, jobs[i].path, jobs[i].fd, &reports[i]))
			goto out;
		rows += reports[i].read - reports[i].rejected;
	}
	/* Profiles are computed from customers, orders and payments: a load of those makes
	 * the older ones stale (stale.h); outcomes, requests and records alone do not. */
	int inputs = 0;
	for (int i = 0; i < njobs; i++)
		inputs |= load_tables[jobs[i].table].profile_input &&
			  reports[i].read > reports[i].rejected;
	if (inputs && stale_note_load(st, run->id, err))
		goto out;
	char msg[256];
	snprintf(msg, sizeof msg, "%d file%s, %lld rows", njobs, njobs == 1 ? "" : "s",
		 (long long)rows);
	if (run_mark_ok(st, run, rows, msg, err) || store_commit(st, err))
		goto out;
	rc = 0;
	load_rejects_publish(&ss);
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
		store_exec(st,
			   "PRAGMA foreign_keys = ON; PRAGMA ignore_check_constraints = OFF;"
			   " PRAGMA temp_store = MEMORY",
			   &scratch);
	for (int i = 0; i < njobs; i++)
		if (jobs[i].fd >= 0)
			close(jobs[i].fd);
	mapping_free(ss.map);
	load_ids_free(ss.customers);
	load_ids_free(ss.orders);
	return rc;
}

int load_file(const struct rd_job *job, const char *table, const char *path,
	      const struct load_opts *opts, struct load_report *report, struct rd_err *err)
{
	int t = table_of(table);
	if (t < 0) {
		char e[RD_ECHO_SIZE];
		char list[160];
		rd_err_set(err, "load: unknown table %s (%s)", rd_echo(e, table, strlen(table)),
			   load_tables_list(", ", list, sizeof list));
		return -1;
	}
	struct load_job one = {.table = (enum load_table)t, .path = (char *)path, .fd = -1};
	return run_jobs(job, opts, &one, 1, report, err);
}

int load_column_index(const char *table, const char *column)
{
	int t = table_of(table);
	for (int k = 0; t >= 0 && k < load_tables[t].nfields; k++)
		if (strcmp(load_tables[t].fields[k].name, column) == 0)
			return k;
	return -1;
}

int load_read(const struct rd_job *job, const char *table, const char *path,
	      const struct load_opts *opts, load_visit visit, void *ud, struct rd_err *err)
{
	struct load_opts o = *opts;
	o.skip_bad = 0;
	struct load_session ss = {.job = job,
				  .err = err,
				  .opts = &o,
				  .visit = visit,
				  .visit_ud = ud};
	struct load_report rep;
	int t = table_of(table), fd = -1, rc = -1;
	if (t < 0) {
		rd_err_set(err, "read: unknown table %s", table);
		return -1;
	}
	if ((o.map_path && !(ss.map = mapping_load(o.map_path, err))) ||
	    (fd = file_open_regular(path, NULL, err)) < 0)
		goto out;
	rc = load_one(&ss, (enum load_table)t, path, fd, &rep) ? -1 : 0;
out:
	if (ss.errors > ss.shown)
		sink_diag(job->out, "... and %lld more error%s", (long long)(ss.errors - ss.shown),
			  ss.errors - ss.shown == 1 ? "" : "s");
	if (fd >= 0)
		close(fd);
	mapping_free(ss.map);
	load_ids_free(ss.customers);
	load_ids_free(ss.orders);
	return rc;
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
			snprintf(p, len, "%s%s%s%s", dir, slash ? "" : "/", load_tables[t].name,
				 exts[e]);
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
			jobs[n++] = (struct load_job){.table = (enum load_table)t,
						      .path = found,
						      .fd = -1};
	}
	if (n == 0) {
		char list[160];
		rd_err_set(err, "load %s: no %s file (.csv, .json or .ndjson)", dir,
			   load_tables_list(" or ", list, sizeof list));
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
