/* STUB: replaced by the loader work. */
#include "riskdesk/command.h"
#include "riskdesk/load.h"

static int exec_load(struct rd_ctx *ctx, const struct rd_args *a)
{
	(void)a;
	rd_err_set(&ctx->err, "load: not implemented yet");
	return RD_FAILED;
}

static const struct rd_opt load_opts[] = {
	{"map", "MAPPING.json", "mapping of the source's columns and values"},
	{"delim", "C", "field separator (a character; 'space' for runs of blanks)"},
	{"skip-bad", NULL, "commit the valid rows; write the others to FILE.rejects.csv"},
	{NULL, NULL, NULL},
};

const struct rd_cmd cmd_load = {
	.name = "load",
	.usage = "DIR | TABLE FILE [--map M] [--delim C] [--skip-bad]",
	.summary = "load a dataset directory or one file into a table",
	.min_args = 1,
	.max_args = 2,
	.flags = CMD_WRITES | CMD_LONG,
	.opts = load_opts,
	.exec = exec_load,
};
