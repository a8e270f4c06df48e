/* libFuzzer target: the loader (CSV via libcsv, JSON, NDJSON, whitespace) against a
 * store that already holds two customers and an order. The first byte picks the table
 * (load_table_names), the second the format; the rest is the file. Whatever the input,
 * the load either commits valid rows or fails with a message, the store stays consistent
 * (foreign keys, CHECKs), nothing stored holds a NUL byte, and every stored payload is a
 * JSON object. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "riskdesk/load.h"
#include "riskdesk/sink.h"

static const char *const suffixes[] = {".csv", ".json", ".ndjson", ".tsv"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	static char path[64];
	const char *table = load_table_names[data[0] % LOAD_TABLES];
	snprintf(path, sizeof path, "/tmp/riskdesk-fuzz-%d%s", (int)getpid(),
		 suffixes[data[1] % 4]);
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data + 2, 1, size - 2, f);
	fclose(f);

	struct rd_err err;
	struct rd_store *st = store_open(":memory:", 0, &err);
	if (!st)
		abort();
	store_exec(st,
		   "INSERT INTO customers(id) VALUES ('a'), ('b');"
		   " INSERT INTO orders VALUES ('o1', 'a', 1, 'placed', '2025-01-01')",
		   &err);
	struct rd_sink *sink = sink_null_new();
	struct rd_job job = {.store = st, .out = sink};
	struct load_opts opts = {.skip_bad = (data[1] >> 2) & 1,
				 .delim = (data[1] >> 3) & 1 ? ' ' : 0};
	struct load_report rep;
	int rc = load_file(&job, table, path, &opts, &rep, &err);
	/* A failed load leaves exactly the fixture; a good one keeps references whole. */
	if (rc != 0 && (store_int(st, "SELECT count(*) FROM customers", -1) != 2 ||
			store_int(st, "SELECT count(*) FROM orders", -1) != 1))
		abort();
	if (store_int(st, "SELECT count(*) FROM pragma_foreign_key_check", -1) != 0)
		abort();
	if (store_int(st, "PRAGMA foreign_keys", -1) != 1)
		abort();
	/* The load runs without CHECKs (load.c checks each value first): every row holds
	 * them all the same (quick_check tests CHECK and NOT NULL), and they are back on. */
	if (store_int(st, "PRAGMA ignore_check_constraints", -1) != 0 ||
	    store_int(st, "SELECT count(*) FROM pragma_quick_check WHERE quick_check <> 'ok'",
		      -1) != 0)
		abort();
		/* No stored text holds a NUL (it would end the text early wherever it is shown), and
	 * every attribute has a name. */
#define HAS_NUL(c) " instr(CAST(" c " AS BLOB), x'00')"
	/* clang-format cannot lay out strings joined with macros: */
	/* clang-format off */
	if (store_int(st,
		      "SELECT (SELECT count(*) FROM customers WHERE" HAS_NUL("id") " OR" HAS_NUL("name")
		      " OR" HAS_NUL("email") " OR" HAS_NUL("phone") ")"
		      " + (SELECT count(*) FROM customer_attributes WHERE" HAS_NUL("value") ")"
		      " + (SELECT count(*) FROM orders WHERE" HAS_NUL("id") ")"
		      " + (SELECT count(*) FROM payments WHERE" HAS_NUL("id") ")"
		      " + (SELECT count(*) FROM credit_requests WHERE" HAS_NUL("id") " OR"
		      HAS_NUL("purpose") ")"
		      " + (SELECT count(*) FROM external_records WHERE" HAS_NUL("key") " OR"
		      HAS_NUL("payload") " OR NOT json_valid(payload)"
		      " OR json_type(payload) != 'object')"
		      " + (SELECT count(*) FROM attributes WHERE trim(name) = '' OR" HAS_NUL("name") ")",
		      -1) != 0)
		abort();
	/* clang-format on */
	sink_free(sink);
	store_close(st);
	unlink(path);
	char rejects[96];
	snprintf(rejects, sizeof rejects, "%s.rejects.csv", path);
	unlink(rejects);
	return 0;
}
