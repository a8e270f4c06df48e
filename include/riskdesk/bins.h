/* Hand-set bins (issue 14, item 4): the classing file of `train --bins FILE` and `bins NAME
 * --export FILE`, a JSON object of feature → {"edges": [e1, e2, …]} (a numeric: the value
 * bins edge[k−1] < x ≤ edge[k]) or {"groups": [["a", "b"], ["c"]]} (a categorical: its
 * levels grouped). The file is read strictly (jsondoc.h) and every message names the file
 * and the field: "bins.json: duration.edges[2]: 12 is not above edges[1] (24)". */
#ifndef RISKDESK_BINS_H
#define RISKDESK_BINS_H

#include <stddef.h>

#include "riskdesk/strmap.h"
#include "riskdesk/util.h"

#define BINS_FILE_MAX (1 << 20) /* bytes of a classing file */
#define BINS_EDGES_MAX 1000     /* edges of one feature */
#define BINS_LEVEL_MAX 1000     /* bytes of one level */

/* One feature's hand-set classing. */
struct bins_feature {
	char *name;      /* owned */
	int categorical; /* 1: groups of levels; 0: edges */
	double *edges;   /* numeric: finite, strictly increasing (owned) */
	size_t nedges;   /* at least 1 */
	char **levels;   /* categorical: every level of every group, in file order (owned) */
	int *group;      /* the group of levels[i], 0 … ngroups − 1 (owned) */
	size_t *start;   /* group g is levels[start[g]] … levels[start[g + 1] − 1] (owned,
			  * ngroups + 1 of them) */
	size_t nlevels;  /* each level in one group only */
	size_t ngroups;  /* at least 1, none empty */
	struct rd_strmap *index; /* level → its index in levels (owned) */
};

/* A classing file, read. Owns its features; free with bins_free. */
struct rd_bins {
	char *file; /* the name messages give (owned) */
	struct bins_feature *f;
	size_t n; /* at least 1 */
};

/* Parses text[0..len) named name. Refused with err "NAME: WHERE: WHY": not strict JSON (the
 * line and column), not an object, no feature, a feature that is not an object, a field
 * other than edges or groups, both or neither, edges not an array of finite numbers
 * strictly increasing (1 to BINS_EDGES_MAX of them), groups not an array of non-empty
 * arrays of strings (1 to BINS_LEVEL_MAX bytes, no control character), a level in two
 * groups. 0, or -1 (b holds nothing). Whether the features and levels are the training
 * data's is train_column_bins's check (train.h). */
int bins_parse(const char *text, size_t len, const char *name, struct rd_bins *b,
	       struct rd_err *err);
/* Reads the file at path (at most BINS_FILE_MAX bytes, a regular file) and parses it. */
int bins_read(const char *path, struct rd_bins *b, struct rd_err *err);
void bins_free(struct rd_bins *b);
/* The feature called name, or NULL. */
const struct bins_feature *bins_find(const struct rd_bins *b, const char *name);
/* The group of level in f, or -1 when no group holds it. */
int bins_group_of(const struct bins_feature *f, const char *level);

/* A feature's name for a message: as it is when it is a plain word (letters, digits, '_',
 * '.', '-'), else quoted by rd_echo. Returns out. */
const char *bins_name_echo(char out[RD_ECHO_SIZE], const char *name);

/* The classing of a scorecard's specification (spec: its JSON) as a classing file's text:
 * every column of the scorecard (only, when not NULL: that one), numeric value bins as
 * their edges, categorical bins as groups; special and missing bins are not classing (they
 * come from the data). *json is the caller's; *nfeatures receives how many. 0, or -1 with
 * err (not a scorecard, no column only). */
int bins_from_spec(const char *spec, const char *only, char **json, int *nfeatures,
		   struct rd_err *err);

#endif
