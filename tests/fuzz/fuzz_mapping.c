/* libFuzzer target: mapping files. The input is the mapping JSON; the data is a fixed
 * German-Credit-like file. Any mapping either loads or fails with a message, and never
 * makes an attribute without a name or a value with a NUL. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "riskdesk/load.h"
#include "riskdesk/sink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char sample[] = "A11 6 A34 1169 1\nA12 48 A32 5951 2\nA14 12 A34 2096 1 \n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char map[64], file[64];
	snprintf(map, sizeof map, "/tmp/riskdesk-fuzzmap-%d.json", (int)getpid());
	snprintf(file, sizeof file, "/tmp/riskdesk-fuzzmap-%d.data", (int)getpid());
	FILE *f = fopen(map, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	if (access(file, R_OK) != 0) {
		f = fopen(file, "wb");
		if (!f)
			return 0;
		fputs(sample, f);
		fclose(f);
	}
	struct rd_err err;
	struct rd_store *st = store_open(":memory:", 0, &err);
	if (!st)
		abort();
	struct rd_sink *sink = sink_null_new();
	struct rd_job job = {.store = st, .out = sink};
	struct load_opts opts = {.map_path = map};
	struct load_report rep;
	if (load_file(&job, "customers", file, &opts, &rep, &err) != 0 &&
	    store_int(st, "SELECT count(*) FROM customers", -1) != 0)
		abort();
		/* Whatever a mapping says, an attribute has a name and nothing holds a NUL. */
#define HAS_NUL(c) " instr(CAST(" c " AS BLOB), x'00')"
	/* clang-format cannot lay out strings joined with macros: */
	/* clang-format off */
	if (store_int(st,
		      "SELECT (SELECT count(*) FROM attributes WHERE trim(name) = '' OR" HAS_NUL("name")
		      ") + (SELECT count(*) FROM customer_attributes WHERE" HAS_NUL("value")
		      ") + (SELECT count(*) FROM customers WHERE" HAS_NUL("id") ")",
		      -1) != 0)
		abort();
	/* clang-format on */
	sink_free(sink);
	store_close(st);
	unlink(map);
	return 0;
}
