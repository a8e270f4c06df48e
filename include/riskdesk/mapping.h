/* Dataset mappings (docs/mappings.md): a JSON file that tells the loader how to read a
 * source it cannot read alone: column names when there is no header, the separator,
 * renames, recodes, defaults, forced attribute types, generated ids, an outcome
 * column and labels for people. Parsing checks every key and value; the loader applies the result. */
#ifndef RISKDESK_MAPPING_H
#define RISKDESK_MAPPING_H

#include <stddef.h>
#include <stdint.h>

#include "riskdesk/util.h"

#define MAPPING_WHITESPACE ' ' /* separator value meaning "runs of blanks, no quoting" */

struct mapping_pair {
	char *from; /* source name or value; owned */
	char *to;   /* canonical name or replacement value; owned */
};

/* Value replacements for one column. */
struct mapping_recode {
	char *column;               /* the column it applies to; owned */
	struct mapping_pair *pairs; /* from -> to; owned */
	int npairs;                 /* entries in pairs */
	struct rd_strmap *index;    /* from -> index in pairs; owned */
};

enum mapping_type {
	MAPPING_AUTO = 0,        /* numeric when every non-empty value is a number */
	MAPPING_NUMERIC = 1,     /* every non-empty value must be a number */
	MAPPING_CATEGORICAL = 2, /* kept as text even when the values look numeric */
};

struct mapping_type_entry {
	char *column;           /* owned */
	enum mapping_type type; /* the forced type */
};

/* Cell texts that mean "no value" (key "missing"): for one column, or for every column. */
struct mapping_missing {
	char *column;  /* owned; NULL: every column of the file */
	char **tokens; /* owned; compared with the whole cell, after the recode */
	int ntokens;   /* entries in tokens */
};

#define MAPPING_SPECIAL_MAX 32 /* codes per column */

/* Sentinel codes of a numeric customer attribute (key "special"): values that are not
 * amounts ("98: not applicable"), each given a scorecard bin of its own. */
struct mapping_special {
	char *column;  /* owned */
	double *codes; /* owned; distinct, finite */
	int ncodes;    /* entries in codes, 1..MAPPING_SPECIAL_MAX */
};

/* Labels for people of one customer attribute (the mapping's "labels"). */
struct mapping_label {
	char *column;                /* as written in the mapping (source or renamed); owned */
	char *label;                 /* the attribute's label, or NULL; owned */
	struct mapping_pair *values; /* a value (as stored, after recode) -> its label; owned */
	int nvalues;                 /* entries in values */
};

struct rd_mapping {
	char *name;                  /* the mapping file as given, for messages; owned */
	char table[24];              /* the table it is for, or "" for any */
	int header;                  /* 1: the first line of the source names the columns */
	char **columns;              /* column names (replace the header when header is 1); owned */
	int ncolumns;                /* 0: none given */
	int separator;               /* 0: the loader's default; a byte; MAPPING_WHITESPACE */
	struct mapping_pair *rename; /* source column -> canonical name; owned */
	int nrename;                 /* entries in rename */
	struct mapping_recode *recode;    /* per-column value replacements; owned */
	int nrecode;                      /* entries in recode */
	struct mapping_pair *defaults;    /* column -> value for empty or missing cells; owned */
	int ndefaults;                    /* entries in defaults */
	struct mapping_type_entry *types; /* forced attribute types; owned */
	int ntypes;                       /* entries in types */
	char **ignore;                    /* columns dropped; owned */
	int nignore;                      /* entries in ignore */
	int has_id;                       /* 1: ids are generated from the 0-based row number */
	char *id_prefix;                  /* text before the number; owned */
	char *id_suffix;                  /* text after the number; owned */
	int id_width;                     /* minimum digits (0: as many as needed) */
	int id_zero;                      /* 1: pad with zeros, else with blanks */
	char *outcome_column;             /* column that derives outcomes rows, or NULL; owned */
	struct mapping_recode outcome_recode; /* applied to the outcome column (npairs may be 0) */
	char *outcome_observed_at;            /* observed_at of derived outcomes, or NULL; owned */
	struct mapping_missing *missing;      /* missing-value tokens; owned */
	int nmissing;                    /* entries in missing (one with column NULL at most) */
	struct mapping_special *special; /* per-column sentinel codes; owned */
	int nspecial;                    /* entries in special */
	struct mapping_label *labels;    /* labels of attributes and their values; owned */
	int nlabels;                     /* entries in labels */
};

/* Reads and checks the mapping at path. Returns a mapping the caller frees with
 * mapping_free, or NULL with err naming the file ("german.json: ..."). */
struct rd_mapping *mapping_load(const char *path, struct rd_err *err);
/* The same from text in memory; name is used in messages. */
struct rd_mapping *mapping_parse(const char *text, size_t len, const char *name,
				 struct rd_err *err);
void mapping_free(struct rd_mapping *m);

/* The replacement of a value, or NULL when the recode does not mention it. The returned
 * string is owned by the mapping. */
const char *mapping_recode_get(const struct mapping_recode *r, const char *s, size_t len);
/* Writes the generated id of a 0-based data row ("G%04d", 7 -> "G0007") into out. */
void mapping_id(const struct rd_mapping *m, int64_t row, char *out, size_t n);

/* Parses a separator as written in a mapping or after --delim: one character, "tab" or
 * "\t", "space" or "whitespace" (runs of blanks: MAPPING_WHITESPACE). 0 or -1. */
int mapping_separator(const char *s, int *sep);
/* 1 when a and b are equal ignoring ASCII case. */
int mapping_name_eq(const char *a, const char *b);

#endif
