/* libFuzzer target: `rules import`, seeded with `rules export` (tests/fuzz/seeds.sh). A
 * refused file changes nothing; an imported one scores every customer in range, or the
 * recompute fails and leaves the profiles as they were. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], line[96];
	snprintf(path, sizeof path, "/tmp/riskdesk-fuzzrules-%d.json", (int)getpid());
	if (fuzz_write(path, data, size))
		return 0;
	struct fuzz_fixture fx;
	fuzz_fixture_open(&fx);
	snprintf(line, sizeof line, "rules import %s", path);
	if (fuzz_import_checked(&fx, line)) {
		cmd_run_line(&fx.ctx, "rules");
		fuzz_recompute_checked(&fx);
	}
	fuzz_fixture_close(&fx);
	unlink(path);
	return 0;
}
