/* Files written whole or not at all: everything riskdesk writes (exports, model and
 * rules files, a load's rejects, gen's dataset) goes to a temporary file beside the
 * target, is flushed and synced, then renamed over it. A reader, a crash or a full disk
 * never leaves a half-written target: the previous file stays as it was until the new
 * one is complete. Temporaries are hidden and named .NAME.riskdesk-tmp.PID.XXXXXX, so
 * that one left by a killed process is recognised and removed by the next write to the
 * same target. New files are mode 0600, also over an existing file of another mode. */
#ifndef RISKDESK_AFILE_H
#define RISKDESK_AFILE_H

#include <stddef.h>
#include <stdio.h>

#include "riskdesk/util.h"

/* The infix of a temporary's name: .NAME + AFILE_TAG + PID.XXXXXX */
#define AFILE_TAG ".riskdesk-tmp."

struct afile;

/* Starts writing path: removes leftover temporaries for path whose process is gone and
 * creates a new one. NULL with err ("PATH: cause") when path is a directory or not a
 * regular file, is not writable, or no temporary can be created beside it. */
struct afile *afile_open(const char *path, struct rd_err *err);

/* Buffered access to the temporary. Do not close it or flush it yourself: errors
 * are reported, with their cause, by afile_sync and afile_commit. Owned by f. */
FILE *afile_stream(struct afile *f);

/* Writes n bytes to the stream; -1 on a short write, whose cause afile_sync and
 * afile_commit report (the first error is kept). 0 otherwise. */
int afile_write(struct afile *f, const void *data, size_t n);

/* Flushes and syncs the temporary without publishing it (to check several files before
 * renaming any). 0, or -1 with err naming the target and the first failure's cause
 * ("File too large"); f stays open either way and still needs commit or abort. */
int afile_sync(struct afile *f, struct rd_err *err);

/* Flushes, syncs and closes the temporary, renames it over the target and syncs the
 * directory. 0, or -1 with err (the temporary is then removed and the target left as it
 * was). Frees f in both cases. */
int afile_commit(struct afile *f, struct rd_err *err);

/* Closes and removes the temporary, leaving the target as it was; frees f. NULL is fine. */
void afile_abort(struct afile *f);

#endif
