/* Swap sets (swapset.h): each side's decisions on the book in one SQL expression, the four
 * cells counted by SQLite with the observed outcomes joined. */
#include "riskdesk/swapset.h"

#include <stdio.h>
#include <string.h>

const char *const swapset_cell_names[SWAP_CELLS] = {"approved by both", "swap-out", "swap-in",
						    "declined by both"};

int swapset_approves(enum swapset_cell cell, int challenger)
{
	return cell == SWAP_BOTH || cell == (challenger ? SWAP_IN : SWAP_OUT);
}

int swapset_side_read(struct rd_store *st, const char *name, int version, struct swapset_side *x,
		      struct rd_err *err)
{
	memset(x, 0, sizeof *x);
	snprintf(x->name, sizeof x->name, "%s", name);
	x->version = version;
	sqlite3_stmt *s;
	if (store_prepare(st,
			  "SELECT count(*), sum(cutoff_pd IS NULL), (SELECT count(*) FROM"
			  " credit_profiles WHERE model_name = ?1 AND model_version = ?2) > 0"
			  " FROM (" SWAPSET_BOOK_SQL("?1", "?2") ")",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, version);
	int rc = sqlite3_step(s) == SQLITE_ROW ? 0 : store_fail(st, err, "swapset");
	int64_t no_cutoff = 0;
	if (rc == 0) {
		x->scored = sqlite3_column_int64(s, 0);
		no_cutoff = sqlite3_column_int64(s, 1);
		x->from = sqlite3_column_int(s, 2) ? "profiles" : "shadow";
	}
	sqlite3_finalize(s);
	if (rc)
		return -1;
	if (x->scored == 0) {
		rd_err_set(err,
			   "%s@%d has scored no customer: it neither serves nor runs in shadow "
			   "('promote %s --shadow', then 'recompute all')",
			   name, version, name);
		return 1;
	}
	if (no_cutoff) {
		rd_err_set(err,
			   "%s@%d has no cut-off (the rules model): nothing to approve or decline "
			   "by",
			   name, version);
		return 1;
	}
	return 0;
}

int swapset_count(struct rd_store *st, struct swapset *x, struct rd_err *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st,
			  "WITH a AS (" SWAPSET_BOOK_SQL("?1", "?2") "), b AS (" SWAPSET_BOOK_SQL(
				  "?3", "?4") "),"
					      " cells AS (SELECT a.pd < a.cutoff_pd AS champion, "
					      "b.pd < b.cutoff_pd AS"
					      " challenger, o.defaulted AS bad FROM a JOIN b USING "
					      "(customer_id) LEFT JOIN"
					      " outcomes o ON o.customer_id = a.customer_id AND "
					      "o.source = 'observed')"
					      " SELECT k.champion, k.challenger, "
					      "count(c.champion), count(c.bad),"
					      " coalesce(sum(c.bad), 0) FROM (SELECT 1 AS "
					      "champion, 1 AS challenger UNION"
					      " ALL SELECT 1, 0 UNION ALL SELECT 0, 1 UNION ALL "
					      "SELECT 0, 0) k LEFT JOIN"
					      " cells c ON c.champion = k.champion AND "
					      "c.challenger = k.challenger"
					      " GROUP BY k.champion, k.challenger ORDER BY "
					      "k.champion DESC, k.challenger"
					      " DESC",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, x->champion.name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, x->champion.version);
	sqlite3_bind_text(s, 3, x->challenger.name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, x->challenger.version);
	int i = 0, rc;
	x->total = 0;
	while (i < SWAP_CELLS && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		x->n[i] = sqlite3_column_int64(s, 2);
		x->known[i] = sqlite3_column_int64(s, 3);
		x->bads[i] = sqlite3_column_int64(s, 4);
		x->total += x->n[i++];
	}
	sqlite3_finalize(s);
	return i == SWAP_CELLS ? 0 : store_fail(st, err, "swapset");
}

int swapset_against_champion(struct rd_store *st, const char *name, int version,
			     struct swapset *out, struct rd_err *err)
{
	sqlite3_stmt *s;
	memset(out, 0, sizeof *out);
	if (store_prepare(st,
			  "SELECT c.name, c.version FROM models m JOIN models c ON c.segment ="
			  " m.segment AND c.status = 'champion' AND c.algo != 'rules' WHERE m.name "
			  "="
			  " ?1 AND m.version = ?2 AND m.status = 'challenger' AND NOT (c.name = ?1"
			  " AND c.version = ?2) ORDER BY c.weight DESC, c.name LIMIT 1",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, version);
	int rc = 1;
	char champ[128] = "";
	int champ_version = 0;
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(champ, sizeof champ, "%s", (const char *)sqlite3_column_text(s, 0));
		champ_version = sqlite3_column_int(s, 1);
		rc = 0;
	}
	sqlite3_finalize(s);
	if (rc)
		return 1;
	struct rd_err scratch;
	int a = swapset_side_read(st, champ, champ_version, &out->champion, &scratch);
	int b = a ? a : swapset_side_read(st, name, version, &out->challenger, &scratch);
	if (a < 0 || b < 0) {
		*err = scratch;
		return -1;
	}
	if (a || b)
		return 1;
	return swapset_count(st, out, err);
}
