/* Memory and growable strings (buf.h): allocation that never returns NULL (out of memory
 * is the one fatal error, after the hook that restores the terminal), and struct rd_buf,
 * the byte string every module builds text and JSON in. */
#include "riskdesk/buf.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	const unsigned char *p = (const unsigned char *)s;
	for (;;) {
		/* The characters that need no escape, appended as one run. */
		const unsigned char *run = p;
		while (*p >= 0x20 && *p != '"' && *p != '\\')
			p++;
		if (p > run)
			buf_append(b, run, (size_t)(p - run));
		if (!*p)
			break;
		switch (*p) {
		case '"': buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		case '\t': buf_puts(b, "\\t"); break;
		default: buf_printf(b, "\\u%04x", *p);
		}
		p++;
	}
	buf_putc(b, '"');
}

/* Spells sign, digits d[0..n) and decimal exponent x (the value d[0].d[1]... * 10^x) as
 * printf's %.{prec}g would, the digits being already rounded to prec: fixed notation when
 * -4 <= x < prec, else d.ddde+XX; trailing zeros of the fraction dropped. */
static size_t spell_g(char *out, int neg, const char *d, int n, int x, int prec)
{
	size_t k = 0;
	while (n > 1 && d[n - 1] == '0')
		n--;
	if (neg)
		out[k++] = '-';
	if (x < -4 || x >= prec) {
		out[k++] = d[0];
		if (n > 1) {
			out[k++] = '.';
			memcpy(out + k, d + 1, (size_t)n - 1);
			k += (size_t)n - 1;
		}
		k += (size_t)snprintf(out + k, 8, "e%c%02d", x < 0 ? '-' : '+', x < 0 ? -x : x);
	} else if (x < 0) {
		out[k++] = '0';
		out[k++] = '.';
		for (int i = -1; i > x; i--)
			out[k++] = '0';
		memcpy(out + k, d, (size_t)n);
		k += (size_t)n;
	} else {
		for (int i = 0; i <= x; i++)
			out[k++] = i < n ? d[i] : '0';
		if (n > x + 1) {
			out[k++] = '.';
			memcpy(out + k, d + x + 1, (size_t)(n - x - 1));
			k += (size_t)(n - x - 1);
		}
	}
	out[k] = '\0';
	return k;
}

/* The decimal digits of u into out (at least 21 bytes, not terminated); their count. */
static int spell_digits(char *out, uint64_t u)
{
	char rev[20];
	int n = 0;
	do
		rev[n++] = (char)('0' + u % 10);
	while (u /= 10);
	for (int i = 0; i < n; i++)
		out[i] = rev[n - 1 - i];
	return n;
}

void buf_json_number(struct rd_buf *b, double v)
{
	if (!isfinite(v)) {
		buf_puts(b, "null");
		return;
	}
	if (fabs(v) < 1e15 && v == (double)(int64_t)v) {
		char dig[24];
		int n = spell_digits(dig + 1, (uint64_t)fabs(v));
		dig[0] = '-';
		buf_append(b, v < 0 ? dig : dig + 1, (size_t)n + (v < 0 ? 1 : 0));
		return;
	}
	/* A number of at most 13 digits with 1 to 6 decimals (points, shares): %.15g spells
	 * those digits, since v lies within 0.11 units of the 15th digit of them (it is their
	 * nearest double), and they read back as v. */
	static const double pow10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
	for (int j = 1; j <= 6 && fabs(v) < 1e7; j++) {
		double k = nearbyint(v * pow10[j]);
		if (k / pow10[j] != v || fabs(k) >= 1e13)
			continue;
		char dig[24], tmp[40];
		int n = spell_digits(dig, (uint64_t)fabs(k));
		spell_g(tmp, v < 0, dig, n, n - 1 - j, 15);
		buf_puts(b, tmp);
		return;
	}
	/* The first of %.15g, %.16g and %.17g that reads back as v. The three come from one
	 * %.16e (17 correctly rounded digits) rounded again to 15 and 16: that gives v's own
	 * rounding unless the digits dropped are exactly a half (printf then rounds v itself,
	 * which may lie either side) or the rounding carries into a new leading digit; in
	 * those rare cases printf is asked. */
	char e17[40], tmp[40];
	snprintf(e17, sizeof e17, "%.16e", v);
	int neg = e17[0] == '-';
	const char *m = e17 + neg; /* d.dddddddddddddddde[+-]XX */
	char d17[17];
	d17[0] = m[0];
	memcpy(d17 + 1, m + 2, 16);
	int x = atoi(m + 19);
	for (int prec = 15; prec <= 17; prec++) {
		char d[17];
		memcpy(d, d17, (size_t)prec);
		int exact = 1;
		if (prec < 17) {
			int half = d17[prec] == '5';
			for (int i = prec + 1; i < 17 && half; i++)
				half = d17[i] == '0';
			int i = prec - 1;
			if (d17[prec] >= '5' && !half) {
				while (i >= 0 && d[i] == '9')
					d[i--] = '0';
				if (i >= 0)
					d[i]++;
			}
			exact = !half && i >= 0;
		}
		if (exact)
			spell_g(tmp, neg, d, prec, x, prec);
		else
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
