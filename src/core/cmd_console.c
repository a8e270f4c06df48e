/* The console's own commands (select, filter, search, sort, zoom, pane) and its key table,
 * whose keys are command lines of the one table. Each command checks its arguments in
 * both modes, then hands the work to the console's hooks (rd_ctx.console); in batch mode
 * there are none, and it says it acts on the console only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_util.h"
#include "riskdesk/browse.h"
#include "riskdesk/expr.h"
#include "riskdesk/features.h"
#include "riskdesk/vocab.h"

/* In the order of the console's panes (tui.h, enum pane_id). */
const char *const rd_console_panes[] = {"customers", "activity", "profile",  "drift", "models",
					"log",       "output",   "requests", NULL};

/* The keys, in the order `?` lists them: everywhere first, then each pane's own. */
const struct rd_key_binding rd_key_bindings[] = {
	/* keys, pane, command, note, hint, ask, declined */
	{"j k Down Up", NULL, NULL, "move down, up (or scroll)", NULL, NULL, NULL},
	{"PgDn Space PgUp", NULL, NULL, "page down, up", NULL, NULL, NULL},
	{"g Home G End", NULL, NULL, "first, last", NULL, NULL, NULL},
	{"Tab", NULL, "pane next", "next pane", NULL, NULL, NULL},
	{"S-Tab", NULL, "pane previous", "previous pane", NULL, NULL, NULL},
	{"c", NULL, "pane customers", "Customers", NULL, NULL, NULL},
	{"a", NULL, "pane activity", "Activity of the selected customer", NULL, NULL, NULL},
	{"p", NULL, "pane profile", "Profile of the selected customer", NULL, NULL, NULL},
	{"d", NULL, "pane drift", "Drift", NULL, NULL, NULL},
	{"m", NULL, "pane models", "Models", NULL, NULL, NULL},
	{"l", NULL, "pane log", "Log: runs and audit", NULL, NULL, NULL},
	{"o", NULL, "pane output", "Output of the last command", NULL, NULL, NULL},
	{"i", NULL, "pane requests", "Requests: the queue of credit requests", NULL, NULL, NULL},
	{"z", NULL, "zoom", "zoom the focused pane (again: back)", NULL, NULL, NULL},
	{"C-c", NULL, "cancel", "cancel the background job", NULL, NULL, NULL},
	{"Esc", NULL, "pane customers", "end a zoom, else the default screen", NULL, NULL, NULL},
	{"/", NULL, NULL, "search ids and names as you type; Esc: back (search TEXT)", NULL, NULL,
	 NULL},
	{"n", NULL, "search --next", "the list's next match of the search", NULL, NULL, NULL},
	{"N", NULL, "search --previous", "the list's previous match of the search", NULL, NULL,
	 NULL},
	{"f", NULL, NULL, "edit the filter, empty clears (filter EXPR)", NULL, NULL, NULL},
	{"s", NULL, "sort {sort-next} {sort-dir}", "sort the list by the next column", NULL, NULL,
	 NULL},
	{"r", NULL, "recompute --id {customer}", "recompute the selected customer", NULL, NULL,
	 NULL},
	{"R", NULL, "recompute all", "recompute every customer (asks)", NULL,
	 "recompute every customer?", "recompute all: not run"},
	{"?", NULL, NULL, "this help", "keys", NULL, NULL},
	{":", NULL, NULL, "command prompt (Tab completes)", "command", NULL, NULL},
	{"q", NULL, "quit", "quit", "quit", NULL, NULL},
	{"Enter", "customers", "pane profile", "the selected customer's profile", NULL, NULL, NULL},
	{"S", "customers", "sort {sort} {sort-flip}", "reverse the sort", NULL, NULL, NULL},
	{"Enter", "models", "model {model}", "the selected version's report", "report", NULL, NULL},
	{"P", "models", "promote {model}", "promote the selected version (asks)", "promote", "",
	 "not promoted"},
	{"X", "models", "retire {model}", "retire the selected version (asks)", "retire", "",
	 "not retired"},
	{"J K", "models", NULL, "scroll the detail down, up", NULL, NULL, NULL},
	{"} {", "models", NULL, "the detail's next, previous section", NULL, NULL, NULL},
	{"Enter l Right", "drift", NULL, "the row's bins (then j k: the next's)", "bins", NULL,
	 NULL},
	{"Esc h Left BSpace", "drift", NULL, "from the bins back to the table", NULL, NULL, NULL},
	{"J K", "drift", NULL, "scroll the report (or bins) down, up", NULL, NULL, NULL},
	{"} {", "drift", NULL, "the report's next, previous section", NULL, NULL, NULL},
	{"u", "drift", NULL, "remake the report when out of date", "remake", NULL, NULL},
	{"e", "profile", "prompt -- whatif {customer}",
	 "what-if: score it with inputs changed (type NAME=VALUE...)", "what-if", NULL, NULL},
	{"A", "requests", "prompt -- decide {request} approve --note",
	 "approve it, with a note (an override)", "approve", NULL, NULL},
	{"D", "requests", "prompt -- decide {request} decline --note",
	 "decline it, with a note (an override)", "decline", NULL, NULL},
	{"Enter", "requests", "show {applicant}", "the applicant's profile and activity",
	 "customer", NULL, NULL},
	{"f", "requests", NULL, "filter the queue (filter EXPR)", "filter", NULL, NULL},
	{"J K", "requests", NULL, "scroll the detail down, up", NULL, NULL, NULL},
	{"/", "output", NULL, "find text in the output (search TEXT)", "find", NULL, NULL},
	{"n N", "output", NULL, "the next, previous match", NULL, NULL, NULL},
	{"w", "output", NULL, "wrap long lines, or cut them", "wrap", NULL, NULL},
	{"Left Right", "output", NULL, "pan cut lines sideways", NULL, NULL, NULL},
	{"/", "log", NULL, "find text in the log (search TEXT)", "find", NULL, NULL},
	{"n N", "log", NULL, "the next, previous match", NULL, NULL, NULL},
	{"/", RD_KEYS_HELP, NULL, "find text in the help", "find", NULL, NULL},
	{"n N", RD_KEYS_HELP, NULL, "the next, previous match", NULL, NULL, NULL},
	{"q Esc ?", RD_KEYS_HELP, NULL,
	 "close the help (so does any key that neither moves nor finds)", "close", NULL, NULL},
	{NULL, NULL, NULL, NULL, NULL, NULL, NULL},
};

static int console_only(struct rd_ctx *ctx, const char *name)
{
	sink_message(ctx->out,
		     "%s: acts on the console only (arguments checked, nothing done in"
		     " batch mode)",
		     name);
	return RD_OK;
}

/* The text of filter and search from argument `from` on: the arguments as typed (a
 * `where` expression keeps its quotes), but a single word that begins with a quote is
 * that word's value: how the `f` and `/` prompts pass what was typed, as one argument
 * (cmd_join). The caller frees it. */
static char *text_arg(const struct rd_args *a, int from)
{
	if (a->argc == from + 1 &&
	    (a->line[a->start[from]] == '\'' || a->line[a->start[from]] == '"'))
		return rd_strdup(a->argv[from]);
	return args_raw(a, from, a->argc);
}

static int customer_exists(struct rd_ctx *ctx, const char *cmd, const char *id)
{
	sqlite3_stmt *s = NULL;
	int rc = -1;
	if (store_prepare(ctx->store, "SELECT 1 FROM customers WHERE id = ?1", &s, &ctx->err))
		return -1;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		rc = 0;
	} else if (step == SQLITE_DONE) {
		char e[RD_ECHO_SIZE];
		rd_err_set(&ctx->err, "%s: no customer %s", cmd, rd_echo(e, id, strlen(id)));
	} else {
		store_fail(ctx->store, &ctx->err, cmd);
	}
	sqlite3_finalize(s);
	return rc;
}

int cmd_console_select(struct rd_ctx *ctx, const char *id, int show)
{
	const char *name = show ? "show" : "select";
	if (customer_exists(ctx, name, id))
		return RD_FAILED;
	if (!ctx->console)
		return console_only(ctx, name);
	return ctx->console->select(ctx->console->ud, ctx, id, show) ? RD_FAILED : RD_OK;
}

static int exec_select(struct rd_ctx *ctx, const struct rd_args *a)
{
	return cmd_console_select(ctx, a->argv[0], 0);
}

const struct rd_cmd cmd_select = {
	.name = "select",
	.usage = "ID",
	.summary = "console: make customer ID the selected one (the list's row, profile, activity)",
	.help = "The list moves to the customer, under its sort and filter (the status line says"
		" when the filter leaves it out), and Profile and Activity show it. In batch mode"
		" it checks that the customer exists and does nothing else.",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_CONSOLE,
	.args = (const struct rd_arg[]){{.at = 0, .values = {.type = RD_ARG_CUSTOMER}},
					RD_ARGS_END},
	.exec = exec_select,
};

static int exec_filter(struct rd_ctx *ctx, const struct rd_args *a)
{
	char *text = text_arg(a, 0);
	struct rd_expr *e = NULL;
	int status = RD_FAILED;
	if (*text && !(e = expr_compile_pii(text, ctx->store, ctx->settings.pii, &ctx->err)))
		goto out;
	if (!ctx->console) {
		expr_free(e);
		status = console_only(ctx, "filter");
	} else {
		status = ctx->console->filter(ctx->console->ud, ctx, text, e) ? RD_FAILED : RD_OK;
	}
out:
	free(text);
	return status;
}

const struct rd_cmd cmd_filter = {
	.name = "filter",
	.usage = "[EXPR]",
	.summary = "console: show the customers matching EXPR (the where language); none clears",
	.help = "The list's filter, as `list where EXPR` takes it (docs/where.md); the `f` key"
		" prompts for it, starting with the current one to edit, and Up and Down at that"
		" prompt go through the filters typed before (apart from commands and searches)."
		" With the Requests pane in front it filters the queue, by applicant."
		" In batch mode it checks the expression and does nothing else.",
	.min_args = 0,
	.max_args = -1,
	.flags = CMD_CONSOLE,
	.args = (const struct rd_arg[]){{.at = 0, .rest = 1, .values = {.type = RD_ARG_EXPR}},
					RD_ARGS_END},
	.exec = exec_filter,
};

static int exec_search(struct rd_ctx *ctx, const struct rd_args *a)
{
	int next = args_opt(a, "next") != NULL, previous = args_opt(a, "previous") != NULL;
	int dir = next ? CMD_SEARCH_NEXT : previous ? CMD_SEARCH_PREVIOUS : CMD_SEARCH_AT;
	char *text = a->argc ? text_arg(a, 0) : NULL;
	int status;
	if (next && previous) {
		rd_err_set(&ctx->err, "search: --next or --previous, not both");
		status = RD_USAGE;
	} else if (dir == CMD_SEARCH_AT && (!text || !*text)) {
		rd_err_set(&ctx->err, "usage: search [--next|--previous] TEXT");
		status = RD_USAGE;
	} else if (!ctx->console) {
		status = console_only(ctx, "search");
	} else {
		status = ctx->console->search(ctx->console->ud, ctx, text, dir) ? RD_FAILED : RD_OK;
	}
	free(text);
	return status;
}

static const struct rd_opt search_opts[] = {
	{"next", NULL, "the next match after the selected customer (TEXT: the last search's)"},
	{"previous", NULL, "the match before it, going back"},
	{NULL, NULL, NULL},
};

const struct rd_cmd cmd_search = {
	.name = "search",
	.usage = "[--next|--previous] [TEXT]",
	.summary = "console: move the list to the next customer whose id or name holds TEXT",
	.help = "Case and accents do not count (\"muller\" finds \"Müller\"), and TEXT may be"
		" anywhere in the id or name: the first match at or after the selected customer,"
		" wrapping around; --next and --previous the first after or before it. The `/`"
		" key prompts for it and searches as you type (Esc goes back to where you were);"
		" n and N are --next and --previous. In the Output view, the Log and the `?` help"
		" it finds TEXT in their text instead (ASCII case ignored), and there n and N go"
		" to the next and previous match.",
	.min_args = 0,
	.max_args = -1,
	.opts = search_opts,
	.flags = CMD_CONSOLE,
	.exec = exec_search,
};

static int exec_sort(struct rd_ctx *ctx, const struct rd_args *a)
{
	int key = browse_sort_parse(a->argv[0]), desc = 0;
	char e[RD_ECHO_SIZE];
	if (key < 0) {
		struct rd_buf names = {0};
		for (int i = 0; i < BROWSE_BY_FEATURE; i++)
			buf_printf(&names, "%s%s", i ? ", " : "", browse_sort_name(i));
		rd_err_set(&ctx->err,
			   "sort: unknown field %s (%s, or a feature: total_spend,"
			   " return_rate...: Tab after sort lists them)",
			   rd_echo(e, a->argv[0], strlen(a->argv[0])), names.data);
		buf_free(&names);
		return RD_FAILED;
	}
	if (a->argc == 2) {
		desc = strcmp(a->argv[1], "desc") == 0;
		if (!desc && strcmp(a->argv[1], "asc") != 0) {
			rd_err_set(&ctx->err, "sort: %s is not asc or desc",
				   rd_echo(e, a->argv[1], strlen(a->argv[1])));
			return RD_FAILED;
		}
	}
	if (!ctx->console)
		return console_only(ctx, "sort");
	return ctx->console->sort(ctx->console->ud, ctx, key, desc) ? RD_FAILED : RD_OK;
}

const struct rd_cmd cmd_sort = {
	.name = "sort",
	.usage = "FIELD [asc|desc]",
	.summary = "console: sort the list by a column (id, name, score, pd, band, segment,"
		   " last_activity) or a feature",
	.help = "Names sort as people expect: case and accents do not count. A feature's sort"
		" (total_spend, return_rate...: the features of `list where`) shows its column and"
		" lists scored customers only, as score, pd, band, segment and last_activity do."
		" The `s` key sorts by the next column, `S` reverses the order, and a click on a"
		" column's heading sorts by it (again: reversed). In batch mode it checks the field"
		" and does nothing else.",
	.min_args = 1,
	.max_args = 2,
	.flags = CMD_CONSOLE,
	.args =
		(const struct rd_arg[]){
			{.at = 0,
			 .values =
				 {.type = RD_ARG_WORD, /* browse.h's sorts: the sort keys and features */
				  .vocab = &vocab_sort_key,
				  .words = feature_names,
				  .nwords = FEAT_COUNT}},
			{.at = 1,
			 .values = {.type = RD_ARG_WORD,
				    .words = (const char *const[]){"asc", "desc", NULL}}},
			RD_ARGS_END},
	.exec = exec_sort,
};

static int exec_zoom(struct rd_ctx *ctx, const struct rd_args *a)
{
	(void)a;
	if (!ctx->console)
		return console_only(ctx, "zoom");
	return ctx->console->zoom(ctx->console->ud, ctx) ? RD_FAILED : RD_OK;
}

const struct rd_cmd cmd_zoom = {
	.name = "zoom",
	.usage = "",
	.summary = "console: the focused pane fills the screen, or the layout comes back",
	.help = "The `z` key; Esc also ends a zoom, as does giving another pane the keyboard.",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_CONSOLE,
	.exec = exec_zoom,
};

static int exec_cancel(struct rd_ctx *ctx, const struct rd_args *a)
{
	(void)a;
	if (!ctx->console)
		return console_only(ctx, "cancel");
	return ctx->console->cancel(ctx->console->ud, ctx) ? RD_FAILED : RD_OK;
}

const struct rd_cmd cmd_cancel = {
	.name = "cancel",
	.usage = "",
	.summary = "console: stop the long command running in the background",
	.help = "The console runs a long command (one whose help says Long) on a worker thread,"
		" shown in the jobs line above the status line, while the"
		" panes stay live; one at a time, and no other write until it ends. `cancel`, or"
		" Ctrl-C, asks it to stop: it stops at its next check, its transaction rolls back"
		" and its run is recorded as cancelled. A write waiting for another process's lock"
		" stops waiting.",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_CONSOLE,
	.exec = exec_cancel,
};

static int exec_pane(struct rd_ctx *ctx, const struct rd_args *a)
{
	const char *name = a->argv[0];
	int pane = strcmp(name, "next") == 0       ? CMD_PANE_NEXT
		   : strcmp(name, "previous") == 0 ? CMD_PANE_PREVIOUS
						   : -3;
	for (int i = 0; pane == -3 && rd_console_panes[i]; i++)
		if (strcmp(name, rd_console_panes[i]) == 0)
			pane = i;
	if (pane == -3) {
		struct rd_buf names = {0};
		for (int i = 0; rd_console_panes[i]; i++)
			buf_printf(&names, "%s, ", rd_console_panes[i]);
		char e[RD_ECHO_SIZE];
		rd_err_set(&ctx->err, "pane: unknown pane %s (%snext, previous)",
			   rd_echo(e, name, strlen(name)), names.data);
		buf_free(&names);
		return RD_FAILED;
	}
	if (!ctx->console)
		return console_only(ctx, "pane");
	return ctx->console->pane(ctx->console->ud, ctx, pane) ? RD_FAILED : RD_OK;
}

const struct rd_cmd cmd_pane = {
	.name = "pane",
	.usage = "NAME|next|previous",
	.summary = "console: give a pane the keyboard (customers, activity, profile, drift,"
		   " models, log, output, requests)",
	.help = "The keys c a p d m l o i, Tab and S-Tab. In batch mode it checks the name and does"
		" nothing else.",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_CONSOLE,
	.args = (const struct rd_arg[]){{.at = 0,
					 .values = {.type = RD_ARG_WORD,
						    .words = rd_console_panes}},
					RD_ARGS_END},
	.exec = exec_pane,
};

static int exec_prompt(struct rd_ctx *ctx, const struct rd_args *a)
{
	if (!cmd_find(a->argv[0])) {
		char e[RD_ECHO_SIZE];
		rd_err_set(&ctx->err, "prompt: unknown command %s",
			   rd_echo(e, a->argv[0], strlen(a->argv[0])));
		return RD_FAILED;
	}
	if (!ctx->console)
		return console_only(ctx, "prompt");
	/* The words as one line that splits back into them, and a blank to type on. */
	char *line = cmd_join(a->argc, (const char *const *)a->argv);
	struct rd_buf text = {0};
	buf_printf(&text, "%s ", line);
	int rc = ctx->console->prompt(ctx->console->ud, ctx, text.data);
	free(line);
	buf_free(&text);
	return rc ? RD_FAILED : RD_OK;
}

const struct rd_cmd cmd_prompt = {
	.name = "prompt",
	.usage = "[--] COMMAND [ARG...]",
	.summary = "console: open the command prompt with a command typed, to complete and run",
	.help = "How a key prepares a command that needs the user's words: A and D in the "
		"Requests pane are `prompt -- decide {request} approve --note` (the `--` makes "
		"the options the command's). Enter runs the line, Esc drops it. In batch mode it "
		"checks that COMMAND is one and does nothing else.",
	.min_args = 1,
	.max_args = -1,
	.flags = CMD_CONSOLE,
	.args = (const struct rd_arg[]){{.at = 0, .values = {.type = RD_ARG_COMMAND}}, RD_ARGS_END},
	.exec = exec_prompt,
};
