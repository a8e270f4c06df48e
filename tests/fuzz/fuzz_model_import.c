/* libFuzzer target: `model import`, the whole path: the file's text, strict JSON, the
 * spec's checks (and the booster's, before libxgboost reads it); then, when it imports,
 * `model NAME@V`, promote, and `recompute all`, which scores a few customers with it.
 * Seeds: real exported models of each algorithm (tests/fuzz/seeds.sh). Whatever the input:
 * a refused import changes nothing; a served model gives every customer a score, band and
 * pd in range, or the recompute fails and leaves the profiles as they were. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], line[160];
	snprintf(path, sizeof path, "/tmp/riskdesk-fuzzmodel-%d.model", (int)getpid());
	if (fuzz_write(path, data, size))
		return 0;
	struct fuzz_fixture fx;
	fuzz_fixture_open(&fx);
	snprintf(line, sizeof line, "model import %s", path);
	if (fuzz_import_checked(&fx, line)) {
		/* The name passed the model-name rule: it is one word of [A-Za-z0-9_.-]. */
		char ref[96];
		if (fuzz_newest_model(&fx, ref, sizeof ref))
			abort();
		snprintf(line, sizeof line, "model %s", ref);
		cmd_run_line(&fx.ctx, line);
		snprintf(line, sizeof line, "promote %s", ref);
		cmd_run_line(&fx.ctx, line);
		fuzz_recompute_checked(&fx);
	}
	fuzz_fixture_close(&fx);
	unlink(path);
	return 0;
}
