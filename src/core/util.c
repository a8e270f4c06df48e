/* The core's other small helpers (util.h): errors, checks of numbers, UTF-8 and labels,
 * values quoted for messages, PII masks, number formats, files read or opened safely, XDG
 * directories, the user's name, splitmix64. Memory, maps and dates have files of their
 * own (buf.c, strmap.c, dates.c). */
#include "riskdesk/util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pwd.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void rd_err_set(struct rd_err *e, const char *fmt, ...)
{
	if (!e)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
}

void rd_err_clear(struct rd_err *e)
{
	if (e)
		e->msg[0] = '\0';
}

int num_parse(const char *s, size_t len, double *out)
{
	char tmp[64];
	if (len == 0 || len >= sizeof tmp)
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	/* strtod accepts hex, inf and nan: a data file means none of them. */
	for (size_t i = 0; i < len; i++)
		if (!strchr("0123456789+-.eE", tmp[i]))
			return -1;
	char *end;
	errno = 0;
	double v = strtod(tmp, &end);
	if (end != tmp + len || errno == ERANGE || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

int utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		uint32_t cp;
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (i + n >= len)
			return 0;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

int rd_label_ok(const char *s)
{
	size_t len = strlen(s);
	if (len == 0 || len > RD_LABEL_MAX || !utf8_valid(s, len))
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

size_t utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--; /* s[max] continues a character: cut before it */
	return max;
}

void utf8_copy_cut(char *out, size_t n, const char *s)
{
	size_t len = utf8_cut(s, strlen(s), n - 1);
	memcpy(out, s, len);
	out[len] = '\0';
}

/* Bytes of the UTF-8 character at s (at most len bytes), or 0 when it is not one. */
static size_t utf8_char(const char *s, size_t len)
{
	unsigned char c = (unsigned char)s[0];
	size_t n = c < 0x80                 ? 1
		   : c >= 0xc2 && c <= 0xdf ? 2
		   : c >= 0xe0 && c <= 0xef ? 3
		   : c >= 0xf0 && c <= 0xf4 ? 4
					    : 0;
	return n > 0 && n <= len && utf8_valid(s, n) ? n : 0;
}

const char *rd_echo(char out[RD_ECHO_SIZE], const char *s, size_t len)
{
	size_t k = 0, i = 0;
	out[k++] = '\'';
	for (int chars = 0; i < len && chars < RD_ECHO_CHARS; chars++) {
		size_t n = utf8_char(s + i, len - i);
		unsigned char c = (unsigned char)s[i];
		if (n > 1) {
			memcpy(out + k, s + i, n);
			k += n;
			i += n;
		} else {
			out[k++] = n == 0 || c < 0x20 || c == 0x7f ? '?' : (char)c;
			i++;
		}
	}
	if (i < len) {
		memcpy(out + k, "\u2026", 3); /* the ellipsis, in UTF-8 */
		k += 3;
	}
	out[k++] = '\'';
	if (i < len)
		snprintf(out + k, RD_ECHO_SIZE - k, " (%zu bytes)", len);
	else
		out[k] = '\0';
	return out;
}

int64_t json_nul_at(const char *t, size_t len)
{
	int in_string = 0;
	for (size_t i = 0; i < len; i++) {
		if (t[i] == '\0' && in_string)
			return (int64_t)i;
		if (t[i] == '"') {
			in_string = !in_string;
		} else if (t[i] == '\\' && in_string && i + 1 < len) {
			if (t[i + 1] == 'u' && i + 5 < len && memcmp(t + i + 2, "0000", 4) == 0)
				return (int64_t)i;
			i++; /* the escaped character, which may be a quote or a backslash */
		}
	}
	return -1;
}

const char *rd_user(void)
{
	static char name[64];
	if (name[0])
		return name;
	struct passwd *pw = getpwuid(geteuid());
	const char *n = pw && pw->pw_name ? pw->pw_name : getenv("USER");
	snprintf(name, sizeof name, "%s", n && *n ? n : "unknown");
	return name;
}

void pii_mask(const char *v, char *out, size_t n)
{
	size_t len = strlen(v);
	const char *at = strchr(v, '@');
	if (n == 0)
		return;
	if (len == 0) {
		out[0] = '\0';
	} else if (at) {
		/* Keep the first character and the domain: enough to tell addresses apart. */
		snprintf(out, n, "%c***%s", v[0], at);
	} else {
		size_t keep = len > 4 ? 4 : 0, i;
		for (i = 0; i < len - keep && i + 1 < n; i++)
			out[i] = '*';
		snprintf(out + i, n - i, "%s", v + len - keep);
	}
}

void num_format(double v, char *out, size_t n)
{
	if (isnan(v))
		snprintf(out, n, "missing");
	else if (fabs(v) < 1e15 && v == (double)(int64_t)v)
		snprintf(out, n, "%lld", (long long)v);
	else
		snprintf(out, n, "%.6g", v);
}

char *prefix_successor(const char *s, size_t len)
{
	while (len > 0 && (unsigned char)s[len - 1] == 0xFF)
		len--;
	if (len == 0)
		return NULL;
	char *r = rd_strndup(s, len);
	r[len - 1] = (char)((unsigned char)r[len - 1] + 1);
	return r;
}

static const char *file_kind(mode_t m)
{
	return S_ISFIFO(m)   ? "a FIFO (named pipe)"
	       : S_ISDIR(m)  ? "a directory"
	       : S_ISCHR(m)  ? "a character device"
	       : S_ISBLK(m)  ? "a block device"
	       : S_ISSOCK(m) ? "a socket"
			     : "not a regular file";
}

int file_open_regular(const char *path, int64_t *size, struct rd_err *err)
{
	struct stat st;
	/* O_NONBLOCK: opening a FIFO with no writer, or some devices, would wait forever. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), e;
	if (fd < 0) {
		e = errno;
		/* A socket cannot be opened (ENXIO): say what it is, only for the message. */
		if (e == ENXIO && stat(path, &st) == 0 && !S_ISREG(st.st_mode))
			rd_err_set(err, "%s: %s, not a regular file", path, file_kind(st.st_mode));
		else
			rd_err_set(err, "%s: %s", path, strerror(e));
		goto fail;
	}
	if (fstat(fd, &st) != 0) {
		e = errno;
		rd_err_set(err, "%s: %s", path, strerror(e));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		e = EINVAL;
		rd_err_set(err, "%s: %s, not a regular file", path, file_kind(st.st_mode));
		goto fail;
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		e = errno;
		rd_err_set(err, "%s: %s", path, strerror(e));
		goto fail;
	}
	if (size)
		*size = (int64_t)st.st_size;
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	errno = e;
	return -1;
}

int text_file_read(const char *path, size_t max, struct rd_buf *b, struct rd_err *err)
{
	int rc = -1;
	char chunk[4096];
	buf_reset(b);
	int fd = file_open_regular(path, NULL, err);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			rc = 1;
		goto out;
	}
	buf_append(b, "", 0); /* data is never NULL, even for an empty file */
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rd_err_set(err, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		/* Checked while reading, not from st_size: the file may grow meanwhile. */
		if (b->len + (size_t)n > max) {
			if (max % 1024 == 0)
				rd_err_set(err, "%s: larger than %zu KiB, refused", path,
					   max / 1024);
			else
				rd_err_set(err, "%s: larger than %zu bytes, refused", path, max);
			goto out;
		}
		buf_append(b, chunk, (size_t)n);
	}
	if (memchr(b->data, '\0', b->len)) {
		rd_err_set(err, "%s: contains a NUL byte (not a text file)", path);
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

int xdg_dir(const char *var, const char *fallback, struct rd_buf *b)
{
	const char *x = getenv(var), *h = getenv("HOME");
	if (x && x[0] == '/')
		buf_puts(b, x);
	else if (h && h[0])
		buf_printf(b, "%s/%s", h, fallback);
	else
		return 0;
	return 1;
}

int make_parent_dirs(const char *path)
{
	char *copy = rd_strdup(path);
	int rc = 0;
	for (char *p = copy + 1; *p && rc == 0; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0700) != 0 && errno != EEXIST)
			rc = -1;
		*p = '/';
	}
	free(copy);
	return rc;
}

uint64_t rd_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}
