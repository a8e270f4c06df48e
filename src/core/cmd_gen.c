/* STUB: replaced by the generator work. */
#include "riskdesk/command.h"
#include "riskdesk/gen.h"

static int exec_gen(struct rd_ctx *ctx, const struct rd_args *a)
{
	(void)a;
	rd_err_set(&ctx->err, "gen: not implemented yet");
	return RD_FAILED;
}

static const struct rd_opt gen_opts[] = {
	{"customers", "N", "number of customers (default 2000)"},
	{"seed", "S", "random seed (default 42)"},
	{"months", "M", "months of history (default 12)"},
	{NULL, NULL, NULL},
};

const struct rd_cmd cmd_gen = {
	.name = "gen",
	.usage = "DIR [--customers N] [--seed S] [--months M]",
	.summary = "write a deterministic synthetic dataset into DIR",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_LONG,
	.opts = gen_opts,
	.exec = exec_gen,
};
