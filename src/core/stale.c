/* Stale data (include/riskdesk/stale.h). */
#include "riskdesk/stale.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "riskdesk/blend.h"
#include "riskdesk/vocab.h"

int stale_note_load(struct rd_store *st, int64_t run_id, struct rd_err *err)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)run_id);
	return store_meta_put(st, STALE_META_LOAD, id, "recording the load", err);
}

int64_t stale_latest_load(struct rd_store *st)
{
	return store_int(st,
			 "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = "
			 "'" STALE_META_LOAD "'), 0)",
			 0);
}

int64_t stale_data_seq(struct rd_store *st)
{
	return store_int(st,
			 "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = "
			 "'" STALE_META_SEQ "'), 0)",
			 0);
}

int stale_next_seq(struct rd_store *st, int64_t *seq, struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st,
			  "INSERT INTO meta(key, value) VALUES ('" STALE_META_SEQ "', 1)"
			  " ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
			  " RETURNING CAST(value AS INTEGER)",
			  &s, err))
		return -1;
	int rc = sqlite3_step(s);
	*seq = sqlite3_column_int64(s, 0);
	if (rc == SQLITE_ROW)
		rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, "numbering the load");
}

char *stale_serving(struct rd_store *st, struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st,
			  "SELECT coalesce(group_concat(m, ';'), '') FROM (SELECT name || '@' ||"
			  " version || ' ' || status || ' ' || segment || ' ' || weight || ' ' ||"
			  " coalesce(json_extract(metrics, '$.threshold_pd'), '-') AS m FROM models"
			  " WHERE status = 'champion' OR (status = 'challenger' AND shadow = 1)"
			  " ORDER BY name, version)",
			  &s, err))
		return NULL;
	char *text = NULL;
	if (sqlite3_step(s) == SQLITE_ROW)
		text = rd_strdup((const char *)sqlite3_column_text(s, 0));
	else
		store_fail(st, err, "reading the serving models");
	sqlite3_finalize(s);
	return text;
}

int stale_note_serving(struct rd_store *st, const char *text, struct rd_err *err)
{
	return store_meta_put(st, STALE_META_SERVING, text, "recording the serving models", err);
}

char *stale_serving_noted(struct rd_store *st)
{
	return store_meta_get(st, STALE_META_SERVING);
}

/* The latest run of kind that succeeded: its id (0 for none) and finish time. */
static int latest_run(struct rd_store *st, const char *kind, int64_t *id, char at[21],
		      struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st,
			  "SELECT id, coalesce(finished_at, started_at) FROM runs INDEXED BY "
			  "runs_kind"
			  " WHERE kind = ?1 AND status = 'ok' ORDER BY id DESC LIMIT 1",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	*id = 0;
	at[0] = '\0';
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		snprintf(at, 21, "%s", (const char *)sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_fail(st, err, "reading the runs");
}

/* Who should have scored a route's profiles now: the name and version a profile of it
 * carries (a blend: its label and version 0; none trained: the rules champion). */
struct serving {
	const char *name[BLEND_ROUTES]; /* per blend_route */
	int version[BLEND_ROUTES];
};

static int read_serving(struct rd_store *st, struct blend b[BLEND_ROUTES], char rules[128],
			struct serving *sv, struct rd_err *err)
{
	if (blend_members(st, b, err))
		return -1;
	sqlite3_stmt *s;
	if (store_prepare(st,
			  "SELECT name, version FROM models WHERE name = 'rules' AND algo = 'rules'"
			  " AND status = 'champion' ORDER BY version DESC LIMIT 1",
			  &s, err))
		return -1;
	int rules_version = -1, rc = sqlite3_step(s);
	rules[0] = '\0';
	if (rc == SQLITE_ROW) {
		snprintf(rules, 128, "%s", (const char *)sqlite3_column_text(s, 0));
		rules_version = sqlite3_column_int(s, 1);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, err, "reading the rules model");
	for (int k = 0; k < BLEND_ROUTES; k++) {
		if (b[k].n == 0) {
			sv->name[k] = rules;
			sv->version[k] = rules_version;
		} else if (b[k].n == 1) {
			sv->name[k] = b[k].m[0].name;
			sv->version[k] = b[k].m[0].version;
		} else {
			sv->name[k] = b[k].label;
			sv->version[k] = 0;
		}
	}
	return 0;
}

/* One model's profiles that it scored for segments it no longer serves: counted in s, and
 * named when they are the most. */
static void unserved_add(struct stale_state *s, const char *name, int version, int64_t n,
			 int64_t *most)
{
	if (n == 0)
		return;
	s->unserved += n;
	s->unserved_models++;
	if (n <= *most)
		return;
	*most = n;
	if (version)
		snprintf(s->unserved_model, sizeof s->unserved_model, "%.120s@%d", name, version);
	else /* a blend's label */
		snprintf(s->unserved_model, sizeof s->unserved_model, "%.150s", name);
}

/* The (model, version, segment) after name, version, seg through next[0..2] (first: the
 * first one, through next[3]), into them: 1, 0 after the last, -1 on an error. */
static int next_triple(sqlite3_stmt *const next[4], int first, char *name, size_t size,
		       int *version, char seg[16])
{
	for (int i = first ? 3 : 0; i < (first ? 4 : 3); i++) {
		sqlite3_stmt *q = next[i];
		int params = sqlite3_bind_parameter_count(q);
		if (params >= 1)
			sqlite3_bind_text(q, 1, name, -1, SQLITE_TRANSIENT);
		if (params >= 2)
			sqlite3_bind_int(q, 2, *version);
		if (params >= 3)
			sqlite3_bind_text(q, 3, seg, -1, SQLITE_TRANSIENT);
		int step = sqlite3_step(q);
		if (step == SQLITE_ROW) {
			snprintf(name, size, "%s", (const char *)sqlite3_column_text(q, 0));
			*version = sqlite3_column_int(q, 1);
			snprintf(seg, 16, "%s", (const char *)sqlite3_column_text(q, 2));
		}
		sqlite3_reset(q);
		if (step == SQLITE_ROW)
			return 1;
		if (step != SQLITE_DONE)
			return -1;
	}
	return 0;
}

/* The profile counts: per distinct (model, version, segment) of the index — found by
 * skipping from one to the next — those older than the latest load, and all of them
 * when that model no longer serves the segment. When it serves the segment's customers of
 * one kind only (a kind's own champion), those of the other kind are counted through
 * their customers: only a store with such a champion pays for the join. */
static int count_profiles(struct rd_store *st, struct stale_state *s, const struct serving *sv,
			  struct rd_err *err)
{
	/* The next triple: a later segment of the same model and version, else a later version
	 * of the same model, else a later model — three seeks, where a row-value comparison
	 * (a, b, c) > (?, ?, ?) would seek on a alone and step through the rest. */
#define TRIPLE                                                                                     \
	"SELECT model_name, model_version, segment FROM credit_profiles INDEXED BY profiles_stale"
	static const char *const next_sql[4] = {
		(TRIPLE " WHERE model_name = ?1 AND model_version = ?2 AND segment > ?3"
			" ORDER BY segment LIMIT 1"),
		(TRIPLE " WHERE model_name = ?1 AND model_version > ?2"
			" ORDER BY model_version, segment LIMIT 1"),
		(TRIPLE
		 " WHERE model_name > ?1 ORDER BY model_name, model_version, segment LIMIT 1"),
		(TRIPLE " ORDER BY model_name, model_version, segment LIMIT 1"),
	};
#undef TRIPLE
	sqlite3_stmt *next[4] = {NULL, NULL, NULL, NULL}, *older = NULL, *all = NULL,
		     *of_kind = NULL;
	int rc = -1, step;
	int64_t most = 0;
	for (int i = 0; i < 4; i++)
		if (store_prepare(st, next_sql[i], &next[i], err))
			goto out;
	if (store_prepare(st,
			  "SELECT count(*) FROM credit_profiles INDEXED BY profiles_stale"
			  " WHERE model_name = ?1 AND model_version = ?2 AND segment = ?3"
			  " AND load_run < ?4",
			  &older, err) ||
	    store_prepare(st,
			  "SELECT count(*) FROM credit_profiles INDEXED BY profiles_stale"
			  " WHERE model_name = ?1 AND model_version = ?2 AND segment = ?3",
			  &all, err) ||
	    store_prepare(st,
			  "SELECT count(*) FROM credit_profiles p INDEXED BY profiles_stale"
			  " JOIN customers c ON c.id = p.customer_id WHERE p.model_name = ?1"
			  " AND p.model_version = ?2 AND p.segment = ?3 AND c.kind = ?4",
			  &of_kind, err))
		goto out;
	char name[BLEND_LABEL_MAX] = "", seg[16] = "", group[BLEND_LABEL_MAX] = "";
	int version = 0, group_version = 0, first = 1;
	int64_t group_n = 0; /* the unserved profiles of the model and version of group */
	while ((step = next_triple(next, first, name, sizeof name, &version, seg)) == 1) {
		first = 0;
		if (strcmp(name, group) != 0 || version != group_version) {
			unserved_add(s, group, group_version, group_n, &most);
			snprintf(group, sizeof group, "%s", name);
			group_version = version;
			group_n = 0;
		}
		int k = vocab_find(&vocab_segment, seg) == SEGMENT_NEW ? SEGMENT_NEW
								       : SEGMENT_EXISTING;
		int serves[KINDS];
		for (int kd = 0; kd < KINDS; kd++) {
			int r = blend_route((enum rd_customer_kind)kd, (enum rd_segment)k);
			serves[kd] = strcmp(name, sv->name[r]) == 0 && version == sv->version[r];
		}
		/* Served for both kinds: none unserved; for neither: all; for one: the other's. */
		int unserved_kind = serves[KIND_INDIVIDUAL] == serves[KIND_COMPANY] ? -1
				    : serves[KIND_INDIVIDUAL]                       ? KIND_COMPANY
							      : KIND_INDIVIDUAL;
		int all_served = serves[KIND_INDIVIDUAL] && serves[KIND_COMPANY];
		sqlite3_stmt *q[2] = {older, unserved_kind >= 0 ? of_kind : all};
		int64_t n[2] = {0, 0};
		for (int i = 0; i < 2; i++) {
			if (i == 1 && all_served)
				break;
			sqlite3_bind_text(q[i], 1, name, -1, SQLITE_STATIC);
			sqlite3_bind_int(q[i], 2, version);
			sqlite3_bind_text(q[i], 3, seg, -1, SQLITE_STATIC);
			if (i == 0)
				sqlite3_bind_int64(q[i], 4, s->load_run);
			else if (unserved_kind >= 0)
				sqlite3_bind_text(q[i], 4, vocab_name(&vocab_kind, unserved_kind),
						  -1, SQLITE_STATIC);
			int r = sqlite3_step(q[i]);
			n[i] = sqlite3_column_int64(q[i], 0);
			sqlite3_reset(q[i]);
			if (r != SQLITE_ROW) {
				store_fail(st, err, "counting the profiles");
				goto out;
			}
		}
		s->older += n[0];
		if (!all_served)
			group_n += n[1];
	}
	unserved_add(s, group, group_version, group_n, &most);
	if (step < 0) {
		store_fail(st, err, "reading the profiles");
		goto out;
	}
	rc = 0;
out:
	for (int i = 0; i < 4; i++)
		sqlite3_finalize(next[i]);
	sqlite3_finalize(older);
	sqlite3_finalize(all);
	sqlite3_finalize(of_kind);
	return rc;
}

static int compute(struct rd_store *st, struct stale_state *s, struct rd_err *err)
{
	struct blend b[BLEND_ROUTES];
	char rules[128];
	struct serving sv;
	sqlite3_stmt *q;
	s->load_run = stale_latest_load(st);
	if (s->load_run) {
		if (store_prepare(st,
				  "SELECT coalesce(finished_at, started_at) FROM runs WHERE id = "
				  "?1",
				  &q, err))
			return -1;
		sqlite3_bind_int64(q, 1, s->load_run);
		if (sqlite3_step(q) == SQLITE_ROW)
			snprintf(s->load_at, sizeof s->load_at, "%s",
				 (const char *)sqlite3_column_text(q, 0));
		sqlite3_finalize(q);
	}
	if (latest_run(st, "recompute", &s->recompute_run, s->recompute_at, err) ||
	    read_serving(st, b, rules, &sv, err) || count_profiles(st, s, &sv, err) ||
	    store_prepare(st, "SELECT count(*) FROM snapshot_months WHERE coalesce(run_id, 0) < ?1",
			  &q, err))
		return -1;
	sqlite3_bind_int64(q, 1, s->load_run);
	int rc = sqlite3_step(q);
	s->snapshots_older = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? 0 : store_fail(st, err, "reading the snapshots");
}

int stale_check(struct rd_store *st, struct stale_state *s, struct rd_err *err)
{
	sqlite3 *db = store_db(st);
	int64_t version = store_int(st, "PRAGMA data_version", -1);
	int64_t changes = sqlite3_total_changes64(db);
	if (s->valid && version == s->data_version && changes == s->changes)
		return 0;
	memset(s, 0, sizeof *s);
	/* One read transaction: every count from the same state of the store. */
	int own = sqlite3_get_autocommit(db) && store_exec(st, "BEGIN", err) == 0;
	int rc = compute(st, s, err);
	if (own)
		store_exec(st, "COMMIT", &(struct rd_err){{0}});
	if (rc) {
		memset(s, 0, sizeof *s);
		return -1;
	}
	s->valid = 1;
	s->data_version = version;
	s->changes = sqlite3_total_changes64(db);
	return 0;
}

int stale_profiles(const struct stale_state *s)
{
	return s->older > 0 || s->unserved > 0;
}

int stale_report(const struct stale_state *s, int64_t report_recompute_run)
{
	return s->recompute_run > report_recompute_run;
}

/* --- for people */

/* n with thousands separators ("2,000") in the console, plain in batch. */
static void count_text(int64_t n, int console, char *out, size_t size)
{
	char digits[32];
	snprintf(digits, sizeof digits, "%lld", (long long)n);
	if (!console) {
		snprintf(out, size, "%s", digits);
		return;
	}
	size_t len = strlen(digits), o = 0;
	for (size_t i = 0; i < len && o + 2 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

/* A run's time: ISO in batch; in the console local "HH:MM", or "YYYY-MM-DD HH:MM" when not
 * today. */
static void when_text(const char *iso, int console, char *out, size_t size)
{
	int64_t epoch;
	if (!console || date_parse(iso, strlen(iso), &epoch)) {
		snprintf(out, size, "%s", iso);
		return;
	}
	time_t t = (time_t)epoch, now = time(NULL);
	struct tm at, today;
	localtime_r(&t, &at);
	localtime_r(&now, &today);
	if (at.tm_year == today.tm_year && at.tm_yday == today.tm_yday)
		strftime(out, size, "%H:%M", &at);
	else
		strftime(out, size, "%Y-%m-%d %H:%M", &at);
}

void stale_profiles_text(const struct stale_state *s, int console, char *out, size_t n)
{
	char older[32], unserved[32], when[32], model[200];
	out[0] = '\0';
	if (!stale_profiles(s))
		return;
	count_text(s->older, console, older, sizeof older);
	count_text(s->unserved, console, unserved, sizeof unserved);
	when_text(s->load_at, console, when, sizeof when);
	snprintf(model, sizeof model, "%s%s", s->unserved_model,
		 s->unserved_models > 1 ? " and others" : "");
	if (console) {
		if (s->older && s->unserved)
			snprintf(out, n,
				 "%s profiles older than the load of %s, %s scored by %s, no"
				 " longer serving \xe2\x80\x94 R recomputes",
				 older, when, unserved, model);
		else if (s->older)
			snprintf(out, n,
				 "%s profile%s older than the load of %s \xe2\x80\x94 R"
				 " recomputes",
				 older, s->older == 1 ? "" : "s", when);
		else
			snprintf(out, n,
				 "%s profile%s scored by %s, no longer serving \xe2\x80\x94 R"
				 " recomputes",
				 unserved, s->unserved == 1 ? "" : "s", model);
		return;
	}
	size_t used = 0;
	if (s->older)
		used += (size_t)snprintf(out, n,
					 "%s profile%s older than the load of %s (run %lld)", older,
					 s->older == 1 ? " is" : "s are", when,
					 (long long)s->load_run);
	if (s->unserved && used < n)
		used += (size_t)snprintf(out + used, n - used,
					 "%s%s profile%s scored by %s, which"
					 " no longer serve%s %s segment",
					 used ? "; " : "", unserved,
					 s->unserved == 1 ? " was" : "s were", model,
					 s->unserved_models > 1 ? "" : "s",
					 s->unserved == 1 ? "its" : "their");
	if (used < n)
		snprintf(out + used, n - used, ": 'recompute all' updates them");
}

void stale_snapshots_text(const struct stale_state *s, int console, char *out, size_t n)
{
	char when[32];
	out[0] = '\0';
	if (s->snapshots_older == 0 || s->load_run == 0)
		return;
	when_text(s->load_at, console, when, sizeof when);
	if (console)
		snprintf(out, n,
			 "%lld snapshot month%s older than the load of %s \xe2\x80\x94 :snapshot"
			 " retakes them",
			 (long long)s->snapshots_older, s->snapshots_older == 1 ? "" : "s", when);
	else
		snprintf(out, n,
			 "%lld snapshot month%s taken before the load of %s (run %lld):"
			 " 'snapshot' retakes them",
			 (long long)s->snapshots_older, s->snapshots_older == 1 ? " was" : "s were",
			 when, (long long)s->load_run);
}

void stale_report_text(const struct stale_state *s, int64_t report_recompute_run, int console,
		       char *out, size_t n)
{
	char when[32];
	out[0] = '\0';
	if (!stale_report(s, report_recompute_run))
		return;
	when_text(s->recompute_at, console, when, sizeof when);
	if (console)
		snprintf(out, n,
			 "this report is older than the profiles (recompute of %s) \xe2\x80\x94"
			 " u remakes it",
			 when);
	else
		snprintf(out, n,
			 "the report is older than the profiles (the recompute of %s, run"
			 " %lld)",
			 when, (long long)s->recompute_run);
}
