/* libFuzzer target: `train NAME --algo scorecard --bins FILE`, the classing file of hand-set
 * bins (bins.h), seeded with a file of the fixture's two attributes (tests/fuzz/seeds.sh).
 * The fixture gains twenty customers with outcomes, so that a scorecard trains. A refused
 * file registers no model; an accepted one shows in `bins`, and its `bins --export` trains
 * again (the export is a file train --bins reads back). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Twenty customers with duration 1 … 20, checking_status A11 … A14 and an outcome. */
static void add_rows(struct fuzz_fixture *fx)
{
	static const char *const levels[] = {"A11", "A12", "A13", "A14"};
	struct rd_buf sql = {0};
	for (int i = 0; i < 20; i++)
		buf_printf(&sql,
			   "INSERT INTO customers(id, kind, created_at) VALUES ('t%d', "
			   "'individual',"
			   " '2024-01-01');"
			   "INSERT INTO customer_attributes VALUES ('t%d', 'duration', '%d', %d),"
			   " ('t%d', 'checking_status', '%s', NULL);"
			   "INSERT INTO outcomes(customer_id, defaulted) VALUES ('t%d', %d);",
			   i, i, i + 1, i + 1, i, levels[i % 4], i, (i * 7) % 3 == 0);
	struct rd_err err;
	if (store_exec(fx->st, sql.data, &err))
		abort();
	buf_free(&sql);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], out[64], line[256];
	snprintf(path, sizeof path, "/tmp/riskdesk-fuzzbins-%d.json", (int)getpid());
	snprintf(out, sizeof out, "/tmp/riskdesk-fuzzbins-%d.out.json", (int)getpid());
	if (fuzz_write(path, data, size))
		return 0;
	struct fuzz_fixture fx;
	fuzz_fixture_open(&fx);
	add_rows(&fx);
	snprintf(line, sizeof line, "train f --algo scorecard --folds 2 --min-iv 0 --bins %s",
		 path);
	if (fuzz_import_checked(&fx, line)) {
		cmd_run_line(&fx.ctx, "bins f");
		snprintf(line, sizeof line, "bins f --export %s", out);
		if (cmd_run_line(&fx.ctx, line) != RD_OK)
			abort();
		snprintf(line, sizeof line,
			 "train g --algo scorecard --folds 2 --min-iv 0 --bins %s", out);
		if (cmd_run_line(&fx.ctx, line) != RD_OK)
			abort();
		unlink(out);
	}
	fuzz_fixture_close(&fx);
	unlink(path);
	return 0;
}
