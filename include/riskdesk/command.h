/* The one command table. Every command (prompt, batch, key binding) is an entry here
 * and runs through cmd_run_line, which writes its results to the context's sink. */
#ifndef RISKDESK_COMMAND_H
#define RISKDESK_COMMAND_H

#include <signal.h>
#include <stdatomic.h>

#include "riskdesk/sink.h"
#include "riskdesk/store.h"
#include "riskdesk/util.h"

enum rd_status {
	RD_OK = 0,     /* done */
	RD_FAILED = 1, /* the command ran and failed */
	RD_USAGE = 2,  /* unknown command, bad options or arguments */
	RD_QUIT = 3,   /* `quit`: the caller ends the session */
};

/* Session settings (`set KEY VALUE`); they last as long as the process. */
struct rd_settings {
	char as_of[32];      /* "" = the latest event in the store */
	int pii;             /* 1: show email and phone unmasked */
	char theme[64];      /* console theme name */
	double lock_timeout; /* seconds a write waits for another process's lock (0: none) */
};

struct rd_run;
struct rd_ctx;
struct rd_expr;

/* The console's side of its console-only commands (cmd_console.c: select, filter, search,
 * sort, zoom, pane, cancel; `show` and `theme` too). rd_ctx.console is NULL in batch mode, where
 * those commands check their arguments and say they act on the console only. A hook
 * returns 0, or -1 with ctx->err set; what it has to say it writes to ctx->out as one
 * message (the console shows it in its status line). */
struct rd_console_hooks {
	void *ud; /* the console */
	/* Makes customer id (which exists) the selected one everywhere: the list's row too;
	 * show: and brings its profile forward. */
	int (*select)(void *ud, struct rd_ctx *ctx, const char *id, int show);
	/* Filters the customer list by e, compiled from text; the hook owns e (NULL clears). */
	int (*filter)(void *ud, struct rd_ctx *ctx, const char *text, struct rd_expr *e);
	/* Moves the list to a customer whose id or name holds text (NULL: the last search's),
	 * in direction dir (CMD_SEARCH_...). */
	int (*search)(void *ud, struct rd_ctx *ctx, const char *text, int dir);
	/* Sorts the list by browse_sort_name(key) (browse.h), descending when desc. */
	int (*sort)(void *ud, struct rd_ctx *ctx, int key, int desc);
	/* Maximises the focused pane, or restores the layout when it is. */
	int (*zoom)(void *ud, struct rd_ctx *ctx);
	/* Gives a pane the keyboard: an index of rd_console_panes, or CMD_PANE_NEXT/PREVIOUS. */
	int (*pane)(void *ud, struct rd_ctx *ctx, int pane);
	/* Switches to theme name (its spelling checked; the hook loads it). */
	int (*theme)(void *ud, struct rd_ctx *ctx, const char *name);
	/* Asks the long command running in the background to stop. */
	int (*cancel)(void *ud, struct rd_ctx *ctx);
	/* Opens the command prompt with text typed, to be completed and run with Enter. */
	int (*prompt)(void *ud, struct rd_ctx *ctx, const char *text);
};

enum { CMD_PANE_NEXT = -1, CMD_PANE_PREVIOUS = -2 };
/* A search's direction from the selected customer: at or after it, after it, before it
 * (browse.h's enum browse_dir, in its order). */
enum { CMD_SEARCH_AT, CMD_SEARCH_NEXT, CMD_SEARCH_PREVIOUS };

/* The console's panes by name, in the console's order; NULL-terminated. */
extern const char *const rd_console_panes[];

/* A console key bound to a command line of the table, as tmux binds keys. The console
 * reads its keys, its `?` help and its status-line hints from rd_key_bindings; `help keys`
 * prints it; the man page's KEYS section lists it. */
struct rd_key_binding {
	const char *keys; /* key names, blank-separated: "j Down", "S-Tab", "PgDn", "{" */
	const char *pane; /* a name of rd_console_panes: only there; RD_KEYS_HELP: while the
			       * `?` help shows; NULL: everywhere */
	/* A command line. A word {customer}, {model}, {sort}, {sort-next}, {sort-dir},
	 * {sort-flip}, {request} or {applicant} (the Requests pane's request and its customer)
	 * becomes the console's value, as one argument (cmd_join). NULL: the
	 * focused pane's own motion, else the console's own key (prompts, help). */
	const char *command;
	const char *note;     /* what it does, for `?` and the man page */
	const char *hint;     /* a word for the status line's key hints, or NULL */
	const char *ask;      /* a y/n question first ("" asks "COMMAND?"), or NULL */
	const char *declined; /* the status line after n, or NULL */
};

/* Terminated by an entry with keys NULL. */
extern const struct rd_key_binding rd_key_bindings[];
/* The scope of the keys of the `?` help (struct rd_key_binding's pane). */
#define RD_KEYS_HELP "help"

/* Everything a command may touch. */
struct rd_ctx {
	struct rd_store *store; /* the open database; not owned */
	struct rd_sink *out;    /* results go here; not owned */
	struct rd_settings settings;
	atomic_int *cancel; /* set (by SIGINT, or by the console for its job) to
					  * ask a long command to stop; may be NULL */
	const char *line;   /* the command line being run, for runs and audit */
	struct rd_run *run; /* the write command's runs row (journal.h), or NULL */
	const struct rd_console_hooks *console; /* the console's hooks; NULL in batch mode */
	struct rd_err err;                      /* the failing command's message */
};

enum rd_cmd_flags {
	CMD_WRITES = 1u << 0,  /* changes the database: refused with --read-only, audited */
	CMD_LONG = 1u << 1,    /* may run long: progress and cancel */
	CMD_CONSOLE = 1u << 2, /* acts on the console (select, theme, quit...); harmless in batch */
	CMD_AUDITED = 1u << 3, /* audited though it writes no table (data leaving: export) */
};

struct vocab;

/* What an argument (an option's value or a positional) is: Tab completion offers the values
 * of its type (complete.h), so that completing follows the command table. */
enum rd_arg_type {
	RD_ARG_NONE = 0, /* nothing to offer: a number, a date, free text */
	RD_ARG_WORD,     /* only the words below */
	RD_ARG_FILE,     /* a file (directories too, to go into) */
	RD_ARG_DIR,      /* a directory */
	RD_ARG_MODEL,    /* a model's name */
	RD_ARG_FEATURE,  /* an input of a model: that of --model on the line, else the champions' */
	RD_ARG_COLUMN,   /* a training column: a built-in feature, a customer attribute or the
			   * customer's kind */
	RD_ARG_CUSTOMER, /* a customer id */
	RD_ARG_ATTRIBUTE, /* a customer attribute's name */
	RD_ARG_COMMAND,   /* a command's name */
	RD_ARG_EXPR,      /* a `where` expression: names of fields, features and attributes, the
			   * values of a field with a closed list (band...), and, or */
};

/* The values an argument takes. */
struct rd_values {
	enum rd_arg_type type;
	const char *const *words; /* offered too (RD_ARG_WORD: the only ones): NULL-terminated,
				    * or nwords of them when nwords > 0 */
	int nwords;
	const struct vocab *vocab; /* its words offered too (vocab.h), or NULL */
	char sep;                  /* a list separated by sep (',': "F,..."), or 0 */
};

struct rd_opt {
	const char *name; /* without the dashes: "map" for --map */
	const char *arg;  /* value placeholder ("FILE", "N"), or NULL for a flag */
	const char *help;
};

/* What an option's value or a positional argument is, for completion (struct rd_cmd's
 * args): the value of option `opt`; or the positional at index `at` (0: the first after
 * the command's name), only when the first positional is one of `when`; or, in a command
 * of clauses in any order (`list where EXPR sort FIELD limit N`), the argument `at` after
 * the keyword `key`. Several entries for one place add up. Written with designated
 * initializers: what is left out is 0, NULL or none. */
struct rd_arg {
	const char *opt;  /* an option's name (without the dashes), or NULL */
	const char *key;  /* a clause's keyword, or NULL */
	const char *when; /* blank-separated words the first positional must be, or NULL */
	int at;           /* the positional's index (of a clause: 0 is right after the
			   * keyword); -1 ends the table */
	int rest;         /* 1: every index from at on (an expression) */
	struct rd_values values;
};

#define RD_ARGS_END                                                                                \
	{                                                                                          \
		.at = -1                                                                           \
	}

#define RD_MAX_OPTS 16

struct rd_args {
	int argc; /* positional arguments after the command name */
	char **argv;
	const char *line; /* the raw command line */
	int *start, *end; /* byte span in line of each positional, before unquoting */
	int nopts;
	struct {
		const struct rd_opt *opt;
		const char *value; /* "" for flags */
	} opts[RD_MAX_OPTS];
};

struct rd_cmd {
	const char *name;
	const char *alias;   /* or NULL */
	const char *usage;   /* arguments, e.g. "TABLE FILE [--map M]" */
	const char *summary; /* one line for help and completion */
	const char *help;    /* a paragraph for `help NAME`, or NULL */
	int min_args;
	int max_args; /* -1: no limit */
	unsigned flags;
	const struct rd_opt *opts; /* terminated by an entry with name NULL; may be NULL */
	/* What the option values and positionals are, for completion: RD_ARGS_END ends; may be
	 * NULL (nothing to offer). */
	const struct rd_arg *args;
	/* Subcommands (first argument) that write, for a command that otherwise only reads:
	 * `rules import`. NULL-terminated; may be NULL. */
	const char *const *writing_subcommands;
	/* Options (without the dashes) whose presence makes the command write, as a
	 * writing subcommand does (`strategy NAME --cutoff SCORE`); NULL-terminated, or NULL. */
	const char *const *writing_options;
	int (*exec)(struct rd_ctx *ctx, const struct rd_args *args);
};

/* Whether a command line split into argv (argv[0] the command's name) changes the
 * database: a writing command, subcommand or option, as cmd_run_line will judge it. */
int cmd_line_writes(const struct rd_cmd *cmd, int argc, const char *const *argv);

/* The table, terminated by NULL. */
extern const struct rd_cmd *const rd_commands[];

const struct rd_cmd *cmd_find(const char *name);
/* Splits a line like a shell: blanks separate words, quotes ('…' or "…") and backslash
 * escape. Returns 0 and a NULL-terminated vector the caller frees with cmd_argv_free,
 * or -1 and err (unterminated quote). An empty or comment line gives argc 0. */
int cmd_split(const char *line, int *argc, char ***argv, struct rd_err *err);
/* The same, also giving each word's byte span in line (arrays the caller frees). */
int cmd_split_spans(const char *line, int *argc, char ***argv, int **start, int **end,
		    struct rd_err *err);
void cmd_argv_free(char **argv);
/* The command line that cmd_split turns back into exactly argv[0..argc): words quoted
 * where needed. How keys pass data (a customer id, a model name) to a command without
 * pasting it into a line. The caller frees it. */
char *cmd_join(int argc, const char *const *argv);
/* The raw text of positionals from..to-1 (to may be argc), as typed: quotes kept, so
 * that a `where` expression reaches its own parser intact. The caller frees it. */
char *args_raw(const struct rd_args *a, int from, int to);
/* The option's value ("" for a flag) or NULL when absent. */
const char *args_opt(const struct rd_args *a, const char *name);

/* Runs one command line: finds the command, checks its options and arguments and the
 * read-only state, commits a `running` runs row for a write command (waiting up to
 * settings.lock_timeout for another process's write lock, with progress), executes it,
 * ends the run and writes an audit row for write commands. A write refused because the
 * lock stayed busy is audited `refused`, and its message names what holds the lock.
 * Returns an rd_status; ctx->err holds the message when not RD_OK. */
int cmd_run_line(struct rd_ctx *ctx, const char *line);

/* For commands: 1 when the user asked to cancel. */
int ctx_cancelled(const struct rd_ctx *ctx);
/* Initialises a context over an open store with default settings. */
void ctx_init(struct rd_ctx *ctx, struct rd_store *store, struct rd_sink *out);

#endif
