#include "riskdesk/util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pwd.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

static void (*oom_hook)(void);

void rd_set_oom_hook(void (*hook)(void))
{
	oom_hook = hook;
}

static void out_of_memory(size_t n)
{
	if (oom_hook)
		oom_hook();
	fprintf(stderr, "riskdesk: out of memory (%zu bytes)\n", n);
	_exit(70);
}

void *rd_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory(n);
	return p;
}

void *rd_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory(n * size);
	return p;
}

void *rd_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		out_of_memory(n);
	return q;
}

char *rd_strndup(const char *s, size_t n)
{
	char *d = rd_malloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *rd_strdup(const char *s)
{
	return rd_strndup(s, strlen(s));
}

void buf_free(struct rd_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void buf_reset(struct rd_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static void buf_reserve(struct rd_buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->data = rd_realloc(b->data, cap);
	b->cap = cap;
}

void buf_append(struct rd_buf *b, const void *data, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_puts(struct rd_buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void buf_putc(struct rd_buf *b, char c)
{
	buf_reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void buf_printf(struct rd_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char small[256];
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		buf_append(b, small, (size_t)n);
		return;
	}
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void buf_json_string(struct rd_buf *b, const char *s)
{
	buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		case '\t': buf_puts(b, "\\t"); break;
		default:
			if (*p < 0x20)
				buf_printf(b, "\\u%04x", *p);
			else
				buf_putc(b, (char)*p);
		}
	}
	buf_putc(b, '"');
}

void buf_json_number(struct rd_buf *b, double v)
{
	if (!isfinite(v)) {
		buf_puts(b, "null");
		return;
	}
	if (fabs(v) < 1e15 && v == (double)(int64_t)v) {
		buf_printf(b, "%lld", (long long)v);
		return;
	}
	char tmp[40];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	buf_puts(b, tmp);
}

char *buf_steal(struct rd_buf *b)
{
	char *s = b->data ? b->data : rd_strdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

/* Open addressing with linear probing; keys live in one growing arena. */
struct strmap_slot {
	uint64_t hash;  /* 0 = empty */
	size_t key_off; /* offset of the key in the arena */
	uint32_t key_len;
	int64_t value;
};

struct rd_strmap {
	struct strmap_slot *slots;
	size_t nslots; /* power of two */
	size_t count;
	char *arena;
	size_t arena_len, arena_cap;
};

uint64_t rd_fnv1a(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < n; i++)
		h = rd_fnv1a_step(h, p[i]);
	return h;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = rd_fnv1a(RD_FNV1A_SEED, s, n); /* then a final mix */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h ? h : 1;
}

struct rd_strmap *strmap_new(size_t expected)
{
	struct rd_strmap *m = rd_calloc(1, sizeof *m);
	size_t n = 16;
	while (n < expected * 2)
		n *= 2;
	m->slots = rd_calloc(n, sizeof *m->slots);
	m->nslots = n;
	return m;
}

void strmap_free(struct rd_strmap *m)
{
	if (!m)
		return;
	free(m->slots);
	free(m->arena);
	free(m);
}

static struct strmap_slot *strmap_find(const struct rd_strmap *m, const char *key, size_t len,
				       uint64_t h)
{
	size_t mask = m->nslots - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct strmap_slot *s = &m->slots[i];
		if (s->hash == 0)
			return s;
		if (s->hash == h && s->key_len == len && memcmp(m->arena + s->key_off, key, len) == 0)
			return s;
	}
}

int64_t strmap_get(const struct rd_strmap *m, const char *key, size_t len)
{
	const struct strmap_slot *s = strmap_find(m, key, len, hash_bytes(key, len));
	return s->hash ? s->value : -1;
}

static void strmap_grow(struct rd_strmap *m)
{
	struct strmap_slot *old = m->slots;
	size_t oldn = m->nslots;
	m->nslots *= 2;
	m->slots = rd_calloc(m->nslots, sizeof *m->slots);
	size_t mask = m->nslots - 1;
	for (size_t i = 0; i < oldn; i++) {
		if (!old[i].hash)
			continue;
		size_t j = old[i].hash & mask;
		while (m->slots[j].hash)
			j = (j + 1) & mask;
		m->slots[j] = old[i];
	}
	free(old);
}

int strmap_put(struct rd_strmap *m, const char *key, size_t len, int64_t value)
{
	if ((m->count + 1) * 10 > m->nslots * 7)
		strmap_grow(m);
	uint64_t h = hash_bytes(key, len);
	struct strmap_slot *s = strmap_find(m, key, len, h);
	if (s->hash)
		return 0;
	if (m->arena_len + len + 1 > m->arena_cap) {
		size_t cap = m->arena_cap ? m->arena_cap : 4096;
		while (cap < m->arena_len + len + 1)
			cap *= 2;
		m->arena = rd_realloc(m->arena, cap);
		m->arena_cap = cap;
	}
	memcpy(m->arena + m->arena_len, key, len);
	m->arena[m->arena_len + len] = '\0';
	s->hash = h;
	s->key_off = m->arena_len;
	s->key_len = (uint32_t)len;
	s->value = value;
	m->arena_len += len + 1;
	m->count++;
	return 1;
}

size_t strmap_count(const struct rd_strmap *m)
{
	return m->count;
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Howard Hinnant's algorithm: exact for the proleptic Gregorian calendar. */
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int64_t epoch_day(int64_t epoch)
{
	return epoch >= 0 ? epoch / 86400 : -((-epoch + 86399) / 86400);
}

void day_format(int64_t z, char out[11])
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(((y % 10000) + 10000) % 10000), m % 100,
		 d % 100);
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int date_parse(const char *s, size_t len, int64_t *epoch)
{
	int y, mo, d, h = 0, mi = 0, sec = 0;
	if (len < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d))
		return -1;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return -1;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo == 2 && d == 29 && !leap)
		return -1;
	size_t i = 10;
	int64_t offset = 0;
	if (i < len) {
		if ((s[i] != 'T' && s[i] != ' ') || len < i + 6 || digits(s + i + 1, 2, &h) ||
		    s[i + 3] != ':' || digits(s + i + 4, 2, &mi))
			return -1;
		i += 6;
		if (i < len && s[i] == ':') {
			if (len < i + 3 || digits(s + i + 1, 2, &sec))
				return -1;
			i += 3;
			if (i < len && (s[i] == '.' || s[i] == ',')) {
				size_t j = i + 1;
				while (j < len && s[j] >= '0' && s[j] <= '9')
					j++;
				if (j == i + 1)
					return -1;
				i = j;
			}
		}
		if (h > 23 || mi > 59 || sec > 60)
			return -1;
		if (i < len) {
			if (s[i] == 'Z' && i + 1 == len) {
				i++;
			} else if ((s[i] == '+' || s[i] == '-') && len == i + 6 && s[i + 3] == ':') {
				int oh, om;
				if (digits(s + i + 1, 2, &oh) || digits(s + i + 4, 2, &om) || oh > 23 ||
				    om > 59)
					return -1;
				offset = (s[i] == '+' ? 1 : -1) * (int64_t)(oh * 3600 + om * 60);
				i = len;
			} else {
				return -1;
			}
		}
	}
	*epoch = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec -
		 offset;
	return 0;
}

void now_iso(char out[21])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

/* Bytes of the UTF-8 character at s (at most len bytes), or 0 when it is not one. */
static size_t utf8_char(const char *s, size_t len)
{
	unsigned char c = (unsigned char)s[0];
	size_t n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
		 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
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
	return S_ISFIFO(m) ? "a FIFO (named pipe)" : S_ISDIR(m) ? "a directory"
	       : S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device"
	       : S_ISSOCK(m) ? "a socket" : "not a regular file";
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
				rd_err_set(err, "%s: larger than %zu KiB, refused", path, max / 1024);
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
