/* libFuzzer target: `policy import`, seeded with `policy export` (tests/fuzz/seeds.sh). A
 * refused file changes nothing; an imported one is stored in its one spelling (which reads
 * back to itself) and decides a pending request, or `rescore pending` fails and leaves it
 * pending. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_fixture.h"
#include "riskdesk/decide.h"
#include "riskdesk/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], line[96];
	snprintf(path, sizeof path, "/tmp/riskdesk-fuzzpolicy-%d.json", (int)getpid());
	if (fuzz_write(path, data, size))
		return 0;
	struct fuzz_fixture fx;
	struct rd_err err;
	fuzz_fixture_open(&fx);
	if (store_exec(fx.st,
		       "INSERT INTO credit_requests(id, customer_id, amount, term_months,"
		       " yearly_income, existing_debt, created_at) VALUES ('r1', 'a', 5000, 24,"
		       " 40000, 1000, '2024-05-01'), ('r2', 'b', 1e6, 1, NULL, NULL, '2024-05-01');"
		       "INSERT INTO external_records VALUES ('tax_office', 'k1', 'a',"
		       " '{\"insolvency\":true,\"x\":1}', '2024-05-01');",
		       &err))
		abort();
	snprintf(line, sizeof line, "policy import %s", path);
	long long versions = store_int(fx.st, "SELECT count(*) FROM policies", -1);
	if (cmd_run_line(&fx.ctx, line) != RD_OK) {
		if (store_int(fx.st, "SELECT count(*) FROM policies", -1) != versions)
			abort();
	} else {
		int version;
		char *spec = policy_serving(fx.st, &version, &err);
		struct rd_policy *p = malloc(sizeof *p);
		if (!spec || !p || policy_parse(spec, strlen(spec), "stored", p, &err))
			abort();
		char *again = policy_to_json(p);
		if (strcmp(again, spec) != 0)
			abort();
		free(again);
		free(spec);
		free(p);
		cmd_run_line(&fx.ctx, "policy");
		int rc = cmd_run_line(&fx.ctx, "rescore pending");
		long long pending =
			store_int(fx.st,
				  "SELECT count(*) FROM credit_requests WHERE status = 'pending'",
				  -1);
		long long decided = store_int(fx.st, "SELECT count(*) FROM decisions", -1);
		if (rc == RD_OK ? pending != 0 || decided != 2 : pending != 2 || decided != 0)
			abort();
	}
	fuzz_fixture_close(&fx);
	unlink(path);
	return 0;
}
