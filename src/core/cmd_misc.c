/* help, set, theme, quit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riskdesk/command.h"
#include "riskdesk/journal.h"
#include "riskdesk/theme.h"

/* help keys: the console's key table (rd_key_bindings). */
static void help_keys(struct rd_ctx *ctx)
{
	static const char *const cols[] = {"key", "pane", "command", "note"};
	sink_table_begin(ctx->out, "keys", 4, cols, NULL);
	for (const struct rd_key_binding *b = rd_key_bindings; b->keys; b++) {
		const char *row[] = {b->keys, b->pane ? b->pane : "all",
				     b->command ? b->command : "-", b->note};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);
}

static int exec_help(struct rd_ctx *ctx, const struct rd_args *a)
{
	if (a->argc == 1 && strcmp(a->argv[0], "keys") == 0 && !cmd_find("keys")) {
		help_keys(ctx);
		return RD_OK;
	}
	if (a->argc == 1) {
		const struct rd_cmd *c = cmd_find(a->argv[0]);
		if (!c) {
			char echo[RD_ECHO_SIZE];
			rd_err_set(&ctx->err, "help: unknown command %s",
				   rd_echo(echo, a->argv[0], strlen(a->argv[0])));
			return RD_FAILED;
		}
		sink_fieldf(ctx->out, c->name, "usage", COL_TEXT, "%s %s", c->name, c->usage);
		sink_field(ctx->out, c->name, "summary", c->summary, COL_TEXT);
		if (c->help)
			sink_field(ctx->out, c->name, "help", c->help, COL_TEXT);
		if (c->alias)
			sink_field(ctx->out, c->name, "alias", c->alias, COL_TEXT);
		if (c->opts && c->opts->name) {
			static const char *const cols[] = {"option", "meaning"};
			sink_table_begin(ctx->out, "options", 2, cols, NULL);
			for (const struct rd_opt *o = c->opts; o->name; o++) {
				char opt[128];
				snprintf(opt, sizeof opt, "--%s%s%s", o->name, o->arg ? " " : "",
					 o->arg ? o->arg : "");
				const char *row[] = {opt, o->help ? o->help : ""};
				sink_row(ctx->out, row);
			}
			sink_table_end(ctx->out);
		}
		return RD_OK;
	}
	static const char *const cols[] = {"command", "usage", "summary"};
	sink_table_begin(ctx->out, "commands", 3, cols, NULL);
	for (const struct rd_cmd *const *c = rd_commands; *c; c++) {
		const char *row[] = {(*c)->name, (*c)->usage, (*c)->summary};
		sink_row(ctx->out, row);
	}
	sink_table_end(ctx->out);
	return RD_OK;
}

const struct rd_cmd cmd_help = {
	.name = "help",
	.usage = "[COMMAND | keys]",
	.summary = "list the commands, or describe one; help keys: the console's keys",
	.min_args = 0,
	.max_args = 1,
	.args = (const struct rd_arg[]){{.at = 0,
					 .values = {.type = RD_ARG_COMMAND,
						    .words = (const char *const[]){"keys", NULL}}},
					RD_ARGS_END},
	.exec = exec_help,
};

static int exec_set(struct rd_ctx *ctx, const struct rd_args *a)
{
	struct rd_settings *s = &ctx->settings;
	if (a->argc == 0) {
		sink_field(ctx->out, "settings", "as-of", s->as_of[0] ? s->as_of : "(latest event)",
			   COL_TEXT);
		sink_field(ctx->out, "settings", "pii", s->pii ? "on" : "off", COL_TEXT);
		sink_field(ctx->out, "settings", "theme", s->theme, COL_TEXT);
		sink_fieldf(ctx->out, "settings", "lock-timeout", COL_NUM, "%g", s->lock_timeout);
		return RD_OK;
	}
	if (a->argc != 2) {
		rd_err_set(&ctx->err, "usage: set KEY VALUE (keys: as-of, pii, lock-timeout)");
		return RD_USAGE;
	}
	const char *key = a->argv[0], *v = a->argv[1];
	if (strcmp(key, "as-of") == 0) {
		int64_t epoch;
		if (strcmp(v, "latest") == 0 || strcmp(v, "auto") == 0) {
			s->as_of[0] = '\0';
		} else if (strlen(v) >= sizeof s->as_of || date_parse(v, strlen(v), &epoch)) {
			char echo[RD_ECHO_SIZE];
			rd_err_set(&ctx->err, "set as-of: %s is not an ISO 8601 date (2025-06-30)",
				   rd_echo(echo, v, strlen(v)));
			return RD_FAILED;
		} else {
			snprintf(s->as_of, sizeof s->as_of, "%s", v);
		}
	} else if (strcmp(key, "pii") == 0) {
		if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0) {
			char echo[RD_ECHO_SIZE];
			rd_err_set(&ctx->err, "set pii: expected on or off, not %s",
				   rd_echo(echo, v, strlen(v)));
			return RD_FAILED;
		}
		struct rd_err aerr;
		if (strcmp(v, "on") == 0) {
			/* Nothing is shown unmasked before the row saying who sees it is committed. */
			if (audit_pii(ctx, AUDIT_OK, "pii shown", &aerr)) {
				rd_err_set(&ctx->err,
					   "set pii on: refused, email and phone stay masked: %s",
					   aerr.msg);
				return RD_FAILED;
			}
			s->pii = 1;
		} else {
			/* Masking comes first and stands even when its audit row cannot be written
			 * (that is said); read-only, pii was never on. */
			s->pii = 0;
			if (!store_readonly(ctx->store) &&
			    audit_pii(ctx, AUDIT_OK, "pii masked", &aerr)) {
				sink_message(ctx->out, "pii = off (not audited: %s)", aerr.msg);
				return RD_OK;
			}
		}
	} else if (strcmp(key, "lock-timeout") == 0) {
		/* Seconds a write waits for another process's write lock; 0 fails at once. */
		double sec;
		if (num_parse(v, strlen(v), &sec) || sec < 0 || sec > 86400) {
			rd_err_set(&ctx->err,
				   "set lock-timeout: expected seconds from 0 to 86400,"
				   " not '%s'",
				   v);
			return RD_FAILED;
		}
		s->lock_timeout = sec;
	} else {
		char echo[RD_ECHO_SIZE];
		rd_err_set(&ctx->err, "set: unknown setting %s (as-of, pii, lock-timeout)",
			   rd_echo(echo, key, strlen(key)));
		return RD_FAILED;
	}
	sink_message(ctx->out, "%s = %s", key, v);
	return RD_OK;
}

static const struct rd_arg set_args[] = {
	{.at = 0,
	 .values = {.type = RD_ARG_WORD,
		    .words = (const char *const[]){"as-of", "lock-timeout", "pii", NULL}}},
	{.when = "pii",
	 .at = 1,
	 .values = {.type = RD_ARG_WORD, .words = (const char *const[]){"on", "off", NULL}}},
	{.when = "as-of",
	 .at = 1,
	 .values = {.type = RD_ARG_WORD, .words = (const char *const[]){"latest", NULL}}},
	RD_ARGS_END,
};

const struct rd_cmd cmd_set = {
	.name = "set",
	.usage = "[KEY VALUE]",
	.summary = "show or change a session setting (as-of DATE|latest, pii on|off,"
		   " lock-timeout SECONDS)",
	.help = "Without arguments: the settings. Each lasts for the session: in batch mode, one "
		"run of riskdesk. pii on shows and exports email and phone unmasked; turning it "
		"on or off is audited. lock-timeout SECONDS (0 to 86400) is how long a write "
		"waits while another process holds the database's write lock: 10 by default, 0 "
		"fails at once, and Ctrl-C stops waiting. A write that gives up fails naming the "
		"riskdesk command that holds the lock, its user, since when and its process id "
		"(when one does). In batch mode, set it before the commands it is for: riskdesk "
		"-c 'set lock-timeout 60' -c 'recompute all'.",
	.min_args = 0,
	.max_args = 2,
	.args = set_args,
	.exec = exec_set,
};

static int exec_theme(struct rd_ctx *ctx, const struct rd_args *a)
{
	const char *name = a->argv[0];
	if (theme_name_check(name, strlen(name), &ctx->err))
		return RD_FAILED;
	if (ctx->console && ctx->console->theme(ctx->console->ud, ctx, name))
		return RD_FAILED;
	snprintf(ctx->settings.theme, sizeof ctx->settings.theme, "%s", name);
	sink_message(ctx->out, "theme %s", name);
	return RD_OK;
}

const struct rd_cmd cmd_theme = {
	.name = "theme",
	.usage = "NAME",
	.summary = "switch the console's colours (default, dark, light, mono)",
	.min_args = 1,
	.max_args = 1,
	.flags = CMD_CONSOLE,
	.args = (const struct rd_arg[]){{.at = 0,
					 .values = {.type = RD_ARG_WORD,
						    .words = (const char *const[]){"default",
										   "dark", "light",
										   "mono", NULL}}},
					RD_ARGS_END},
	.exec = exec_theme,
};

static int exec_quit(struct rd_ctx *ctx, const struct rd_args *a)
{
	(void)ctx;
	(void)a;
	return RD_QUIT;
}

const struct rd_cmd cmd_quit = {
	.name = "quit",
	.alias = "exit",
	.usage = "",
	.summary = "leave riskdesk",
	.min_args = 0,
	.max_args = 0,
	.flags = CMD_CONSOLE,
	.exec = exec_quit,
};
