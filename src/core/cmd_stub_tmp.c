/* TEMPORARY: commands not written yet. */
#include "riskdesk/command.h"

static int not_yet(struct rd_ctx *ctx, const struct rd_args *a)
{
	(void)a;
	rd_err_set(&ctx->err, "not implemented yet");
	return RD_FAILED;
}

#define STUB(n) const struct rd_cmd cmd_##n = {.name = #n, .usage = "", .summary = "", .max_args = -1, .exec = not_yet};
STUB(recompute)
STUB(show)
STUB(list)
STUB(history)
STUB(export)
STUB(rules)
STUB(runs)
STUB(audit)
