/* Shared by the model fuzz targets: a store in memory with three customers (orders,
 * payments, attributes of German Credit's mapping) and one stale profile, and the checks
 * after a recompute. Header-only: each target is one translation unit. */
#ifndef RISKDESK_FUZZ_FIXTURE_H
#define RISKDESK_FUZZ_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/command.h"
#include "riskdesk/store.h"

struct fuzz_fixture {
	struct rd_store *st;
	struct rd_sink *sink;
	struct rd_ctx ctx;
};

static const char fuzz_rows[] =
	"INSERT INTO customers(id, kind, created_at) VALUES ('a', 'individual', '2024-01-01'),"
	" ('b', 'company', '2024-03-01'), ('c', 'individual', '2024-06-01');"
	"INSERT INTO orders VALUES ('o1', 'a', 120, 'delivered', '2024-02-01'),"
	" ('o2', 'a', 80, 'delivered', '2024-03-01'), ('o3', 'a', 40, 'returned', '2024-04-01'),"
	" ('o4', 'a', 300, 'delivered', '2024-05-01'), ('o5', 'b', 50, 'placed', '2024-05-02');"
	"INSERT INTO payments VALUES ('p1', 'a', 'o1', 'card', 1, 120, '2024-02-01'),"
	" ('p2', 'a', 'o2', 'cod', 1, 80, '2024-03-01'), ('p3', 'b', 'o5', 'wallet', 0, 50,"
	" '2024-05-02');"
	"INSERT INTO attributes(name, type) VALUES ('checking_status', 'categorical'),"
	" ('duration', 'numeric');"
	"INSERT INTO customer_attributes VALUES ('a', 'checking_status', 'A11', NULL),"
	" ('a', 'duration', '12', 12), ('b', 'checking_status', 'A14', NULL),"
	" ('b', 'duration', '1e300', 1e300);"
	"INSERT INTO credit_profiles(customer_id, score, band, pd, risk_level, segment, model_name,"
	" model_version, computed_at) VALUES ('c', 555, 'D', 0.2, 'HIGH',"
	" 'new', 'rules', 1, '2024-01-01T00:00:00Z');";

static inline int fuzz_write(const char *path, const unsigned char *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	fwrite(data, 1, size, f);
	return fclose(f);
}

static inline void fuzz_fixture_open(struct fuzz_fixture *fx)
{
	struct rd_err err;
	fx->st = store_open(":memory:", 0, &err);
	if (!fx->st || store_exec(fx->st, fuzz_rows, &err))
		abort();
	fx->sink = sink_null_new();
	ctx_init(&fx->ctx, fx->st, fx->sink);
}

static inline void fuzz_fixture_close(struct fuzz_fixture *fx)
{
	sink_free(fx->sink);
	store_close(fx->st);
}

/* Runs an import line; a refused import must leave the registry as it was (abort
 * otherwise). 1 when the file was imported. */
static inline int fuzz_import_checked(struct fuzz_fixture *fx, const char *line)
{
	long long models = store_int(fx->st, "SELECT count(*) FROM models", -1);
	if (cmd_run_line(&fx->ctx, line) == RD_OK)
		return 1;
	if (store_int(fx->st, "SELECT count(*) FROM models", -1) != models)
		abort();
	return 0;
}

/* "NAME@VERSION" of the model imported last. */
static inline int fuzz_newest_model(struct fuzz_fixture *fx, char *ref, size_t n)
{
	sqlite3_stmt *s;
	struct rd_err err;
	if (store_prepare(fx->st, "SELECT name, version FROM models ORDER BY rowid DESC LIMIT 1",
			  &s, &err))
		return -1;
	int rc = sqlite3_step(s) == SQLITE_ROW ? 0 : -1;
	if (rc == 0)
		snprintf(ref, n, "%s@%d", (const char *)sqlite3_column_text(s, 0),
			 sqlite3_column_int(s, 1));
	sqlite3_finalize(s);
	return rc;
}

/* recompute all: every profile in range, or a failure that changed no profile. */
static inline void fuzz_recompute_checked(struct fuzz_fixture *fx)
{
	static const char sum[] = "SELECT count(*) * 1000003 + total(score) + total(model_version) "
				  "FROM credit_profiles";
	long long before = store_int(fx->st, sum, -1);
	long long history = store_int(fx->st, "SELECT count(*) FROM score_history", -1);
	if (cmd_run_line(&fx->ctx, "recompute all") == RD_OK) {
		if (store_int(fx->st,
			      "SELECT count(*) FROM credit_profiles WHERE score BETWEEN 300"
			      " AND 1000 AND pd > 0 AND pd < 1 AND band IN ('A', 'B', 'C',"
			      " 'D', 'E')",
			      -1) != 3)
			abort();
	} else if (store_int(fx->st, sum, -1) != before ||
		   store_int(fx->st, "SELECT count(*) FROM score_history", -1) != history) {
		abort();
	}
}

#endif
