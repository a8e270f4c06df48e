/* load: a dataset directory, or one file into a table (SPEC section 3). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "riskdesk/command.h"
#include "riskdesk/load.h"
#include "riskdesk/mapping.h"

static void report_row(struct rd_sink *out, const char *table, const char *file, int64_t read,
		       int64_t inserted, int64_t replaced, int64_t rejected, const char *seconds)
{
	char r[24], i[24], p[24], j[24];
	snprintf(r, sizeof r, "%lld", (long long)read);
	snprintf(i, sizeof i, "%lld", (long long)inserted);
	snprintf(p, sizeof p, "%lld", (long long)replaced);
	snprintf(j, sizeof j, "%lld", (long long)rejected);
	const char *row[] = {table, file, r, i, p, j, seconds};
	sink_row(out, row);
}

static void print_reports(struct rd_ctx *ctx, const struct load_report *reps, int n)
{
	static const char *const cols[] = {"table",    "file",     "read",   "inserted",
					   "replaced", "rejected", "seconds"};
	static const enum rd_col_kind kinds[] = {COL_TEXT, COL_TEXT, COL_NUM, COL_NUM,
						 COL_NUM,  COL_NUM,  COL_NUM};
	sink_table_begin(ctx->out, "load", 7, cols, kinds);
	for (int k = 0; k < n; k++) {
		const struct load_report *r = &reps[k];
		char secs[32];
		snprintf(secs, sizeof secs, "%.2f", r->seconds);
		report_row(ctx->out, r->table, r->path, r->read, r->inserted, r->replaced,
			   r->rejected, secs);
		/* Outcomes a mapping derived from the same file. */
		if (r->outcomes)
			report_row(ctx->out, "outcomes", r->path, r->outcomes, r->outcomes_inserted,
				   r->outcomes - r->outcomes_inserted, 0, "");
	}
	sink_table_end(ctx->out);
	for (int k = 0; k < n; k++)
		if (reps[k].rejected)
			sink_message(ctx->out,
				     "%lld rejected row%s of %s written to %s.rejects.csv",
				     (long long)reps[k].rejected, reps[k].rejected == 1 ? "" : "s",
				     reps[k].path, reps[k].path);
}

static int exec_load(struct rd_ctx *ctx, const struct rd_args *a)
{
	struct load_opts opts = {0};
	struct load_report reps[LOAD_TABLES];
	struct rd_job job = cmd_job(ctx);
	char e[RD_ECHO_SIZE];
	int n = 0;
	const char *delim = args_opt(a, "delim");
	opts.map_path = args_opt(a, "map");
	opts.skip_bad = args_opt(a, "skip-bad") != NULL;
	if (delim && mapping_separator(delim, &opts.delim)) {
		rd_err_set(&ctx->err, "load: --delim %s: expected one character, 'tab' or 'space'",
			   rd_echo(e, delim, strlen(delim)));
		return RD_USAGE;
	}
	if (opts.map_path && !*opts.map_path) {
		rd_err_set(&ctx->err, "load: --map needs a mapping file");
		return RD_USAGE;
	}
	if (a->argc == 1) {
		struct stat sb;
		if (stat(a->argv[0], &sb) != 0 || !S_ISDIR(sb.st_mode)) {
			rd_err_set(&ctx->err,
				   "load: %s is not a directory (usage: load DIR | load TABLE"
				   " FILE)",
				   rd_echo(e, a->argv[0], strlen(a->argv[0])));
			return RD_USAGE;
		}
		if (opts.map_path) {
			rd_err_set(&ctx->err,
				   "load: --map applies to one file (load TABLE FILE --map M)");
			return RD_USAGE;
		}
		if (load_dir(&job, a->argv[0], &opts, reps, &n, &ctx->err))
			return RD_FAILED;
	} else {
		int known = 0;
		for (int i = 0; load_table_names[i]; i++)
			known |= strcmp(a->argv[0], load_table_names[i]) == 0;
		if (!known) {
			char list[160];
			rd_err_set(&ctx->err, "load: unknown table %s (%s)",
				   rd_echo(e, a->argv[0], strlen(a->argv[0])),
				   load_tables_list(", ", list, sizeof list));
			return RD_USAGE;
		}
		if (load_file(&job, a->argv[0], a->argv[1], &opts, &reps[0], &ctx->err))
			return RD_FAILED;
		n = 1;
	}
	print_reports(ctx, reps, n);
	return RD_OK;
}

static const struct rd_arg load_args[] = {
	{.at = 0, .values = {.type = RD_ARG_DIR, .words = load_table_names}},
	{.when = "customers orders payments outcomes credit_requests external_records",
	 .at = 1,
	 .values = {.type = RD_ARG_FILE}},
	{.opt = "map", .values = {.type = RD_ARG_FILE}},
	RD_ARGS_END,
};

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
	.help = "DIR loads customers, orders, payments, outcomes, credit_requests and"
		" external_records files (.csv, .json, .ndjson) in that order, in one transaction."
		" TABLE FILE loads one file. Every row is checked; on any invalid row nothing is"
		" loaded and the errors are listed as FILE:LINE: column 'x': ... unless --skip-bad."
		" Loading the same ids again replaces them (external records: the same source and"
		" key). A credit request (id, customer_id, amount > 0, term_months, purpose,"
		" yearly_income, existing_debt, status, created_at) is pending unless its status"
		" says approved, referred or declined; an external record (source, key,"
		" customer_id, payload, fetched_at) has a JSON object as its payload. Mappings:"
		" docs/mappings.md.",
	.min_args = 1,
	.max_args = 2,
	.flags = CMD_WRITES | CMD_LONG,
	.opts = load_opts,
	.args = load_args,
	.exec = exec_load,
};
