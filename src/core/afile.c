/* Files written whole or not at all: a temporary beside the target, flushed, synced and
 * renamed over it (rename within one directory is atomic). */
#define _GNU_SOURCE /* fopencookie (glibc, musl): the stream's writes are ours, so a failed
		     * write keeps its errno; plain stdio loses it once a later call succeeds */
#include "riskdesk/afile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define AFILE_NAME_KEEP                                                                            \
	200 /* bytes of the target's name kept in its temporaries' names,
			     * which must stay under NAME_MAX (255) */

struct afile {
	char *path; /* the target; owned */
	char *dir;  /* its directory, for the leftovers and the sync after the rename; owned */
	char *tmp;  /* the temporary; owned */
	int fd;     /* open on tmp, written by the stream's cookie_write */
	FILE *fp;   /* the stream over fd; NULL once closed */
	int errnum; /* first error of a write or close, 0 when none */
};

static void afile_free(struct afile *f)
{
	free(f->path);
	free(f->dir);
	free(f->tmp);
	free(f);
}

/* 1 when name is prefix followed by PID.XXXXXX and no process PID exists, which is
 * what a writer killed before its rename leaves. Our own PID counts as alive. */
static int is_dead_leftover(const char *name, const char *prefix, size_t plen)
{
	if (strncmp(name, prefix, plen) != 0)
		return 0;
	const char *p = name + plen;
	long pid = 0;
	if (*p < '1' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		pid = pid * 10 + (*p - '0');
		if (pid > 0x7fffffffL)
			return 0;
	}
	if (*p != '.' || strlen(p + 1) != 6 || (pid_t)pid == getpid())
		return 0;
	return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* Removes the target's leftover temporaries (best effort: one that cannot be removed
 * does not stop a new write). */
static void remove_leftovers(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	size_t plen = strlen(prefix);
	struct dirent *e;
	struct stat sb;
	while ((e = readdir(d))) {
		if (is_dead_leftover(e->d_name, prefix, plen) &&
		    fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(sb.st_mode))
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
}

/* The stream's writes: all of buf, or the first error kept (nothing more is written
 * after it) and a short count, which sets the stream's error flag. */
static ssize_t cookie_write(void *cookie, const char *buf, size_t n)
{
	struct afile *f = cookie;
	size_t done = 0;
	while (done < n && !f->errnum) {
		ssize_t w = write(f->fd, buf + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			f->errnum = w < 0 ? errno : EIO;
		else
			done += (size_t)w;
	}
	return (ssize_t)done;
}

static int cookie_close(void *cookie)
{
	struct afile *f = cookie;
	if (close(f->fd) != 0 && !f->errnum)
		f->errnum = errno;
	f->fd = -1;
	return f->errnum ? -1 : 0;
}

struct afile *afile_open(const char *path, struct rd_err *err)
{
	struct stat sb;
	struct afile *f = NULL;
	char *prefix = NULL;
	if (!path || !*path) {
		rd_err_set(err, "no file name");
		return NULL;
	}
	/* A symbolic link to a regular file is replaced by the new file, never written
	 * through; anything else at the target is refused before anything is written. */
	if (stat(path, &sb) == 0) {
		if (S_ISDIR(sb.st_mode)) {
			rd_err_set(err, "%s: %s", path, strerror(EISDIR));
			return NULL;
		}
		if (!S_ISREG(sb.st_mode)) {
			rd_err_set(err, "%s: not a regular file", path);
			return NULL;
		}
		if (access(path, W_OK) != 0) { /* a read-only file is kept, as open() would */
			rd_err_set(err, "%s: %s", path, strerror(errno));
			return NULL;
		}
	} else if (errno != ENOENT) {
		rd_err_set(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t dlen = (size_t)(base - path); /* the directory part, with its slash */
	if (!*base) {
		rd_err_set(err, "%s: %s", path, strerror(EISDIR));
		return NULL;
	}
	f = rd_calloc(1, sizeof *f);
	f->path = rd_strdup(path);
	size_t keep = dlen;
	while (keep > 1 && path[keep - 1] == '/')
		keep--;
	f->dir = keep ? rd_strndup(path, keep) : rd_strdup(".");

	size_t blen = strlen(base);
	if (blen > AFILE_NAME_KEEP)
		blen = AFILE_NAME_KEEP;
	size_t n = 1 + blen + sizeof AFILE_TAG;
	prefix = rd_malloc(n);
	snprintf(prefix, n, ".%.*s%s", (int)blen, base, AFILE_TAG);
	remove_leftovers(f->dir, prefix);

	n = dlen + strlen(prefix) + 32;
	f->tmp = rd_malloc(n);
	snprintf(f->tmp, n, "%.*s%s%ld.XXXXXX", (int)dlen, path, prefix, (long)getpid());
	f->fd = mkstemp(f->tmp); /* mode 0600 */
	if (f->fd < 0) {
		rd_err_set(err, "%s: %s", path, strerror(errno));
		goto fail;
	}
	static const cookie_io_functions_t io = {.write = cookie_write, .close = cookie_close};
	if (fcntl(f->fd, F_SETFD, FD_CLOEXEC) != 0 || !(f->fp = fopencookie(f, "w", io))) {
		rd_err_set(err, "%s: %s", path, strerror(errno));
		close(f->fd);
		unlink(f->tmp);
		goto fail;
	}
	free(prefix);
	return f;
fail:
	free(prefix);
	afile_free(f);
	return NULL;
}

FILE *afile_stream(struct afile *f)
{
	return f->fp;
}

int afile_write(struct afile *f, const void *data, size_t n)
{
	return n && fwrite(data, 1, n, f->fp) != n ? -1 : 0;
}

int afile_sync(struct afile *f, struct rd_err *err)
{
	if (!f->errnum && (fflush(f->fp) != 0 || ferror(f->fp)) && !f->errnum)
		f->errnum = EIO; /* a stream error that was not a write's: not expected */
	if (!f->errnum && fsync(f->fd) != 0)
		f->errnum = errno;
	if (f->errnum) {
		rd_err_set(err, "%s: %s", f->path, strerror(f->errnum));
		return -1;
	}
	return 0;
}

int afile_commit(struct afile *f, struct rd_err *err)
{
	if (afile_sync(f, err))
		goto fail;
	int rc = fclose(f->fp); /* cookie_close keeps close's error */
	f->fp = NULL;
	if (rc != 0) {
		rd_err_set(err, "%s: %s", f->path, strerror(f->errnum ? f->errnum : EIO));
		goto fail;
	}
	if (rename(f->tmp, f->path) != 0) {
		rd_err_set(err, "%s: %s", f->path, strerror(errno));
		goto fail;
	}
	/* Makes the rename itself durable. Best effort: the file is complete and in place;
	 * some file systems cannot sync a directory. */
	int dfd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	afile_free(f);
	return 0;
fail:
	afile_abort(f);
	return -1;
}

void afile_abort(struct afile *f)
{
	if (!f)
		return;
	if (f->fp)
		fclose(f->fp);
	unlink(f->tmp);
	afile_free(f);
}
