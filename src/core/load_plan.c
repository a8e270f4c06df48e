/* The load plan: the tables a file can load (their columns, checks and upserts), where
 * each column of a file goes (a table's column, a customer attribute, the mapping's outcome,
 * or nowhere) after the mapping's rename, ignore, recode, missing and defaults, and, once
 * the file is read, the attributes' definitions (numeric or categorical as the values
 * show, the mapping's types, special codes and labels). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_internal.h"
#include "riskdesk/sink.h"
#include "riskdesk/vocab.h"

#define LOAD_NAME_MAX 1024 /* longest column name */

static const struct load_fdef customer_fields[] = {
	{"id", VT_ID, 1},      {"name", VT_TEXT, 0}, {"email", VT_TEXT, 0},
	{"phone", VT_TEXT, 0}, {"kind", VT_KIND, 0}, {"created_at", VT_DATE, 0},
};
static const struct load_fdef order_fields[] = {
	{"id", VT_ID, 1},         {"customer_id", VT_CUSTOMER, 1}, {"amount", VT_AMOUNT, 1},
	{"status", VT_STATUS, 1}, {"created_at", VT_DATE, 1},
};
static const struct load_fdef payment_fields[] = {
	{"id", VT_ID, 1},           {"customer_id", VT_CUSTOMER, 1}, {"order_id", VT_ORDER, 0},
	{"method", VT_METHOD, 1},   {"success", VT_FLAG, 1},         {"amount", VT_AMOUNT, 1},
	{"created_at", VT_DATE, 1},
};
static const struct load_fdef outcome_fields[] = {
	{"customer_id", VT_CUSTOMER, 1},
	{"defaulted", VT_FLAG, 1},
	{"observed_at", VT_DATE, 0},
};
static const struct load_fdef request_fields[] = {
	{"id", VT_ID, 1},
	{"customer_id", VT_CUSTOMER, 1},
	{"amount", VT_POSITIVE, 1},
	{"term_months", VT_MONTHS, 1},
	{"purpose", VT_TEXT, 0},
	{"yearly_income", VT_AMOUNT, 0},
	{"existing_debt", VT_AMOUNT, 0},
	{"status", VT_REQUEST, 0},
	{"created_at", VT_DATE, 1},
};
static const struct load_fdef record_fields[] = {
	{"source", VT_SOURCE, 1}, {"key", VT_TEXT, 1},        {"customer_id", VT_CUSTOMER, 1},
	{"payload", VT_JSON, 1},  {"fetched_at", VT_DATE, 1},
};

const char *const load_table_names[LOAD_TABLES + 1] = {
	"customers", "orders", "payments", "outcomes", "credit_requests", "external_records", NULL,
};

/* A request riskdesk has decided (decided_at) that a file gives again as pending, with
 * everything else as stored: the file does not know the decision, which stays. Anything
 * else the file says replaces the request, and clears the decision's score, reasons, PD,
 * band, rules and decision row (the decisions table keeps the old decision). */
#define REQUEST_KEEPS_DECISION                                                                     \
	"(credit_requests.decided_at IS NOT NULL AND excluded.status = 'pending'"                  \
	" AND credit_requests.customer_id IS excluded.customer_id"                                 \
	" AND credit_requests.amount IS excluded.amount"                                           \
	" AND credit_requests.term_months IS excluded.term_months"                                 \
	" AND credit_requests.purpose IS excluded.purpose"                                         \
	" AND credit_requests.yearly_income IS excluded.yearly_income"                             \
	" AND credit_requests.existing_debt IS excluded.existing_debt"                             \
	" AND credit_requests.created_at IS excluded.created_at)"

/* Upserts: never INSERT OR REPLACE, which deletes the old row (and, with foreign keys
 * on, whatever references it). */
const struct load_tdef load_tables[LT_COUNT] = {
	{"customers", customer_fields, 6, 1, "id", 1,
	 "INSERT INTO customers(id, name, email, phone, kind, created_at, name_key, changed_seq)"
	 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, rd_fold(?2), ?7) ON CONFLICT(id) DO UPDATE SET"
	 " name = excluded.name, email = excluded.email, phone = excluded.phone,"
	 " kind = excluded.kind, created_at = excluded.created_at, name_key = excluded.name_key,"
	 " changed_seq = excluded.changed_seq", /* ?7: the load's data sequence (load.c) */
	 "SELECT count(*) FROM customers", "id, name, email, phone, kind, created_at"},
	{"orders", order_fields, 5, 1, "id", 1,
	 "INSERT INTO orders(id, customer_id, amount, status, created_at)"
	 " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET"
	 " customer_id = excluded.customer_id, amount = excluded.amount,"
	 " status = excluded.status, created_at = excluded.created_at",
	 "SELECT count(*) FROM orders", "id, customer_id, amount, status, created_at"},
	{"payments", payment_fields, 7, 1, "id", 1,
	 "INSERT INTO payments(id, customer_id, order_id, method, success, amount, created_at)"
	 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO UPDATE SET"
	 " customer_id = excluded.customer_id, order_id = excluded.order_id,"
	 " method = excluded.method, success = excluded.success, amount = excluded.amount,"
	 " created_at = excluded.created_at",
	 "SELECT count(*) FROM payments",
	 "id, customer_id, order_id, method, success, amount, created_at"},
	{"outcomes", outcome_fields, 3, 1, "customer_id", 0,
	 "INSERT INTO outcomes(customer_id, defaulted, observed_at) VALUES (?1, ?2, ?3)"
	 " ON CONFLICT(customer_id) DO UPDATE SET defaulted = excluded.defaulted,"
	 " observed_at = excluded.observed_at, source = 'observed'", /* replaces a proxy label */
	 "SELECT count(*) FROM outcomes", "customer_id, defaulted, observed_at"},
	{"credit_requests", request_fields, 9, 1, "id", 0,
	 "INSERT INTO credit_requests(id, customer_id, amount, term_months, purpose,"
	 " yearly_income, existing_debt, status, created_at)"
	 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT(id) DO UPDATE SET"
	 " customer_id = excluded.customer_id, amount = excluded.amount,"
	 " term_months = excluded.term_months, purpose = excluded.purpose,"
	 " yearly_income = excluded.yearly_income, existing_debt = excluded.existing_debt,"
	 " created_at = excluded.created_at,"
	 " status = iif(" REQUEST_KEEPS_DECISION ", credit_requests.status, excluded.status),"
	 " score = iif(" REQUEST_KEEPS_DECISION ", credit_requests.score, NULL),"
	 " reasons = iif(" REQUEST_KEEPS_DECISION ", credit_requests.reasons, NULL),"
	 " pd = iif(" REQUEST_KEEPS_DECISION ", credit_requests.pd, NULL),"
	 " band = iif(" REQUEST_KEEPS_DECISION ", credit_requests.band, NULL),"
	 " rules = iif(" REQUEST_KEEPS_DECISION ", credit_requests.rules, NULL),"
	 " decision_id = iif(" REQUEST_KEEPS_DECISION ", credit_requests.decision_id, NULL),"
	 " decided_at = iif(" REQUEST_KEEPS_DECISION ", credit_requests.decided_at, NULL)",
	 "SELECT count(*) FROM credit_requests",
	 "id, customer_id, amount, term_months, purpose, yearly_income, existing_debt, status,"
	 " created_at"},
	/* The payload minified by SQLite, which keeps each number's text (cJSON would not). */
	{"external_records", record_fields, 5, 2, "source and key", 0,
	 "INSERT INTO external_records(source, key, customer_id, payload, fetched_at)"
	 " VALUES (?1, ?2, ?3, json(?4), ?5) ON CONFLICT(source, key) DO UPDATE SET"
	 " customer_id = excluded.customer_id, payload = excluded.payload,"
	 " fetched_at = excluded.fetched_at",
	 "SELECT count(*) FROM external_records", "source, key, customer_id, payload, fetched_at"},
};

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
		a->before = vocab_find(&vocab_attr_type, type) == ATTR_NUMERIC
				    ? MAPPING_NUMERIC
				    : MAPPING_CATEGORICAL;
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
		return load_fail(in, line, "column %d: the name is longer than %d bytes",
				 in->ncols + 1, LOAD_NAME_MAX);
	if (!utf8_valid(name, len))
		return load_fail(in, line, "column %d: the name is not valid UTF-8", in->ncols + 1);
	if (memchr(name, '\0', len))
		return load_fail(in, line, "column %d: the name contains a NUL byte",
				 in->ncols + 1);
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
		sink_message(in->ss->job->out, "%s: ignoring column %d, which has no name",
			     in->path, idx + 1);
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
					 load_echo_name(e1, in->cols[in->outcome_col].name),
					 load_echo_name(e2, c->name));
		c->target = TG_OUTCOME;
		in->outcome_col = idx;
		in->outcome_label = c->name;
	} else if (is_ignored(m, c->name, res)) {
		c->target = TG_IGNORE;
	} else if ((k = slot_of(in->t, res)) >= 0) {
		if (k == 0 && in->genid)
			return load_fail(in, line,
					 "%s generates ids ('id'.'format'), but the file has"
					 " a column %s",
					 m->name, load_echo_name(e1, c->name));
		if (in->slot_col[k] >= 0)
			return load_fail(in, line, "columns %s and %s both give '%s'",
					 load_echo_name(e1, in->cols[in->slot_col[k]].name),
					 load_echo_name(e2, c->name), in->t->fields[k].name);
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
					 load_echo_name(e1, in->cols[in->attrs[a].col].name),
					 load_echo_name(e2, c->name),
					 load_echo_name(e3, in->attrs[a].name));
		c->target = TG_ATTR;
		c->index = a;
		in->attrs[a].col = idx;
		in->attrs[a].label = c->name;
	} else {
		c->target = TG_IGNORE;
		sink_message(in->ss->job->out, "%s: ignoring column %s (%s have %s)", in->path,
			     load_echo_name(e1, c->name), in->t->name, in->t->columns);
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
		return load_fail(in, line,
				 "%s takes outcomes from column %s, which the file does"
				 " not have",
				 m->name, load_echo_name(e, m->outcome_column));
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

/* The mapping's defaults, the built-in defaults (kind, a request's status), and checks of
 * what the mapping asks against the table. */
int load_plan_init(struct load_in *in)
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
		if (m->has_id && in->t->fields[0].type != VT_ID)
			return load_fail(in, 0, "%s: 'id' does not apply to %s (their key is %s)",
					 m->name, in->t->name, in->t->key);
		in->genid = m->has_id;
		if (in->genid)
			in->label[0] = "id";
		if (m->nspecial && in->table != LT_CUSTOMERS)
			return load_fail(in, 0,
					 "%s: 'special' applies to customer attributes, not to"
					 " %s",
					 m->name, in->t->name);
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
				return load_fail(in, 0,
						 "%s: 'defaults' names %s, which is not a column"
						 " of %s (%s)",
						 m->name, load_echo_name(e, src), in->t->name,
						 in->t->columns);
			}
		}
	}
	/* What a customer is, and a request is, unless said otherwise. */
	for (int k = 0; k < in->t->nfields; k++) {
		if (in->slot_def[k])
			continue;
		if (in->t->fields[k].type == VT_KIND)
			in->slot_def[k] = vocab_name(&vocab_kind, KIND_INDIVIDUAL);
		else if (in->t->fields[k].type == VT_REQUEST)
			in->slot_def[k] = vocab_name(&vocab_request_status, REQUEST_PENDING);
	}
	return LOAD_GO;
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
		buf_printf(&list, "%s%s (%lld row%s)", i ? ", " : "",
			   rd_echo(e, a->tok[i], strlen(a->tok[i])), (long long)a->tokn[i],
			   a->tokn[i] == 1 ? "" : "s");
		buf_puts(&json, i ? ", " : "");
		buf_json_string(&json, a->tok[i]);
	}
	sink_diag(in->ss->job->out,
		  "%s: warning: column %s is loaded as categorical because of %d"
		  " text%s among its %lld numbers: %s; if %s no value, the mapping key \"missing\":"
		  " [%s] keeps it numeric",
		  in->path, load_echo_name(e, a->label), a->ntok, a->ntok == 1 ? "" : "s",
		  (long long)a->numbers, list.data, a->ntok == 1 ? "it means" : "they mean",
		  json.data);
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
			  "UPDATE attributes SET special = ?2 WHERE name = ?1 AND type = 'numeric'",
			  &s, &err)) {
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
			load_fail(in, 0,
				  "%s: 'special' names %s, which is not an attribute column of"
				  " this file",
				  m->name, load_echo_name(e, ms->column));
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
		if (load_step(in, s))
			goto out;
		if (sqlite3_changes(store_db(in->ss->job->store)) != 1) {
			load_fail(in, 0,
				  "%s: 'special' gives codes for %s, which is categorical (a value"
				  " is not a number); special codes are for numeric columns",
				  m->name, load_echo_name(e, a->label));
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
	if (store_prepare(in->ss->job->store,
			  "SELECT customer_id, value FROM customer_attributes"
			  " WHERE name = ?1 AND num IS NULL",
			  &s, &err) ||
	    store_prepare(in->ss->job->store,
			  "UPDATE customer_attributes SET num = ?3"
			  " WHERE customer_id = ?1 AND name = ?2",
			  &u, &err)) {
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
		if (load_step(in, u))
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
int load_attrs_finish(struct load_in *in)
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
				      : a->nonnum || a->before == MAPPING_CATEGORICAL
					      ? MAPPING_CATEGORICAL
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
		sqlite3_bind_text(def, 2,
				  vocab_name(&vocab_attr_type, t == MAPPING_NUMERIC
								       ? ATTR_NUMERIC
								       : ATTR_CATEGORICAL),
				  -1, SQLITE_STATIC);
		if (load_step(in, def))
			goto out;
		if (t == MAPPING_CATEGORICAL) {
			sqlite3_bind_text(clear, 1, a->name, -1, SQLITE_STATIC);
			if (load_step(in, clear))
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
int load_labels_finish(struct load_in *in)
{
	const struct rd_mapping *m = in->ss->map;
	sqlite3_stmt *put = NULL;
	struct rd_err err;
	char e[RD_ECHO_SIZE];
	int rc = LOAD_FAIL;
	if (!m || m->nlabels == 0)
		return LOAD_GO;
	if (in->table != LT_CUSTOMERS)
		return load_fail(in, 0,
				 "%s: 'labels' label customer attributes, which need a"
				 " customers file",
				 m->name);
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
		for (a = 0;
		     a < in->nattrs && !names(l->column, in->attrs[a].label, in->attrs[a].name);
		     a++)
			;
		if (a == in->nattrs) {
			load_fail(in, 0,
				  "%s: 'labels' names %s, which is not an attribute column of"
				  " this file",
				  m->name, load_echo_name(e, l->column));
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
			if (load_step(in, put))
				goto out;
		}
	}
	rc = LOAD_GO;
out:
	sqlite3_finalize(put);
	return rc;
}
