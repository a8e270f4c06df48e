/* Helpers of util.c that guard input: rd_echo (every value quoted in a message),
 * json_nul_at, file_open_regular and the years date_parse accepts; and buf.c's JSON
 * spelling of numbers and strings, which stored JSON (reasons, fired rules) is made of. */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>

static void test_echo(void **state)
{
	(void)state;
	char out[RD_ECHO_SIZE];
	assert_string_equal(rd_echo(out, "C0001", 5), "'C0001'");
	assert_string_equal(rd_echo(out, "", 0), "''");
	/* Control characters and a NUL show as '?': one readable line. */
	assert_string_equal(rd_echo(out, "a\0b\nc\x7f", 6), "'a?b?c?'");
	/* Bytes that are not UTF-8 too; characters that are stay whole. */
	assert_string_equal(rd_echo(out, "Zo\xc3\xab \xff\xc3", 7), "'Zo\xc3\xab ?"
								    "?'");
	/* 60 characters are shown whole; 61 are cut, with the size. */
	char v[100001];
	memset(v, 'X', sizeof v - 1);
	v[sizeof v - 1] = '\0';
	char want[RD_ECHO_SIZE];
	snprintf(want, sizeof want, "'%.60s'", v);
	assert_string_equal(rd_echo(out, v, 60), want);
	snprintf(want, sizeof want, "'%.60s\xe2\x80\xa6' (61 bytes)", v);
	assert_string_equal(rd_echo(out, v, 61), want);
	/* A 100 KB value: 60 characters and its size, nothing more. */
	snprintf(want, sizeof want, "'%.60s\xe2\x80\xa6' (100000 bytes)", v);
	assert_string_equal(rd_echo(out, v, 100000), want);
	/* The cut counts characters, never splitting one: 70 four-byte characters. */
	char emoji[281];
	for (int i = 0; i < 70; i++)
		memcpy(emoji + 4 * i, "\xf0\x9f\x98\x80", 4);
	rd_echo(out, emoji, 280);
	assert_int_equal(strlen(out), 1 + 240 + 3 + 1 + strlen(" (280 bytes)"));
	assert_true(utf8_valid(out, strlen(out)));
}

static void test_json_nul(void **state)
{
	(void)state;
	const char *t = "{\"a\":\"x\\u0000y\"}";
	assert_int_equal(json_nul_at(t, strlen(t)), 7);
	t = "{\"k\\u0000\":1}";
	assert_int_equal(json_nul_at(t, strlen(t)), 3);
	/* An escaped backslash followed by u0000 is text, not a NUL. */
	t = "{\"a\":\"x\\\\u0000\"}";
	assert_int_equal(json_nul_at(t, strlen(t)), -1);
	/* An escaped quote does not end the string. */
	t = "{\"a\":\"\\\"\\u0000\"}";
	assert_int_equal(json_nul_at(t, strlen(t)), 8);
	/* Other escapes are fine; so is \u0001 or \u00000 split differently. */
	t = "{\"a\":\"\\u0001\\n\\u00e9\"}";
	assert_int_equal(json_nul_at(t, strlen(t)), -1);
	/* A raw NUL byte inside a string. */
	assert_int_equal(json_nul_at("\"a\0b\"", 5), 2);
	/* Cut short: no read past the end. */
	assert_int_equal(json_nul_at("\"\\u000", 6), -1);
}

static void test_open_regular(void **state)
{
	(void)state;
	struct rd_err err = {{0}};
	char dir[128], path[160];
	snprintf(dir, sizeof dir, "/tmp/riskdesk-util-%d", (int)getpid());
	mkdir(dir, 0700);
	/* A FIFO with no writer: refused at once, not waited on. */
	snprintf(path, sizeof path, "%s/fifo.csv", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(file_open_regular(path, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "fifo.csv: a FIFO (named pipe), not a regular file"));
	unlink(path);
	assert_int_equal(file_open_regular(dir, NULL, &err), -1);
	assert_non_null(strstr(err.msg, ": a directory, not a regular file"));
	assert_int_equal(file_open_regular("/dev/null", NULL, &err), -1);
	assert_string_equal(err.msg, "/dev/null: a character device, not a regular file");
	/* Missing: errno says so, for callers that treat it apart. */
	snprintf(path, sizeof path, "%s/none.csv", dir);
	assert_int_equal(file_open_regular(path, NULL, &err), -1);
	assert_int_equal(errno, ENOENT);
	/* A regular file: its size, and a descriptor that blocks as usual. */
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("id\n", f);
	fclose(f);
	int64_t size = -1;
	int fd = file_open_regular(path, &size, &err);
	assert_true(fd >= 0);
	assert_int_equal(size, 3);
	assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	close(fd);
	unlink(path);
	rmdir(dir);
}

static void test_date_years(void **state)
{
	(void)state;
	int64_t e;
	/* Year 0000 (1 BC) is no date in a credit file: 0001 to 9999 only. */
	assert_int_equal(date_parse("0000-01-01", 10, &e), -1);
	assert_int_equal(date_parse("0000-02-29T00:00:00Z", 20, &e), -1);
	assert_int_equal(date_parse("0001-01-01", 10, &e), 0);
	assert_int_equal(e, days_from_civil(1, 1, 1) * 86400);
	assert_int_equal(date_parse("9999-12-31", 10, &e), 0);
}

/* The spelling buf_json_number had before it was made faster (three printf calls for a
 * number that needs 17 digits): the first of %.15g, %.16g, %.17g that reads back. */
static void json_number_slow(struct rd_buf *b, double v)
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

static void json_number_same(double v)
{
	struct rd_buf fast = {0}, slow = {0};
	buf_json_number(&fast, v);
	json_number_slow(&slow, v);
	if (strcmp(fast.data, slow.data) != 0)
		fail_msg("%.17g: '%s', want '%s'", v, fast.data, slow.data);
	buf_free(&fast);
	buf_free(&slow);
}

/* Stored reasons and rules are compared as text (a decision's against its profile's,
 * goldens), so the fast spelling must be printf's to the byte: over random bit patterns,
 * ratios of small integers (the features), two-decimal points, powers of ten and their
 * neighbours (where %g switches notation or a rounding carries), and numbers whose 17
 * digits end in an exact half at the 15th or 16th. */
static void test_json_number(void **state)
{
	(void)state;
	uint64_t x = 88172645463325252u;
	for (int i = 0; i < 300000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		double v;
		memcpy(&v, &x, sizeof v);
		json_number_same(v);
		json_number_same((double)(x >> 11) / 9007199254740992.0);
	}
	for (int i = -1000; i <= 1000; i++)
		for (int j = 1; j <= 97; j++)
			json_number_same((double)i / j);
	for (int i = -200000; i <= 200000; i += 7)
		json_number_same(round((double)i * 1.37) / 100);
	static const double pow10[] = {1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7};
	for (int j = 0; j < 7; j++)
		for (int i = 0; i < 20000; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			json_number_same((double)(int64_t)(x % 100000000000000u) / pow10[j]);
			json_number_same(-(double)(x % (i + 1)) / pow10[j]);
			json_number_same((double)(x % 9999999u) * 1e-13 / pow10[j]);
		}
	for (int e = -320; e <= 308; e++) {
		double p = pow(10, e);
		json_number_same(p);
		json_number_same(-p);
		json_number_same(nextafter(p, 0));
		json_number_same(nextafter(p, INFINITY));
		json_number_same(p * 0.99999999999999994);
		json_number_same(p * 9.9999999999999995);
		json_number_same(p * 1.2345678901234565);
		json_number_same(p * 1.2345678901234550);
	}
	json_number_same(0.0);
	json_number_same(-0.0);
	json_number_same(NAN);
	json_number_same(INFINITY);
	json_number_same(5e-324);
	json_number_same(1.7976931348623157e308);
}

static void test_json_string(void **state)
{
	(void)state;
	struct rd_buf b = {0};
	buf_json_string(&b, "");
	buf_json_string(&b, "days as a customer: 1460");
	buf_json_string(&b, "a\"b\\c\nd\re\tf\x01g\x1fh\x7f\xc3\xab");
	buf_json_string(&b, "\"");
	assert_string_equal(b.data, "\"\"\"days as a customer: 1460\""
				    "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001fh\x7f\xc3\xab\""
				    "\"\\\"\"");
	buf_free(&b);
}

/* Cuts never end inside a character: "é" is two bytes, "€" three. */
static void test_utf8_cut(void **state)
{
	(void)state;
	const char *s = "ab\xc3\xa9\xe2\x82\xac"; /* "abé€": 7 bytes */
	assert_int_equal(utf8_cut(s, 7, 10), 7);
	assert_int_equal(utf8_cut(s, 7, 7), 7);
	assert_int_equal(utf8_cut(s, 7, 6), 4); /* inside € */
	assert_int_equal(utf8_cut(s, 7, 5), 4);
	assert_int_equal(utf8_cut(s, 7, 4), 4); /* just before € */
	assert_int_equal(utf8_cut(s, 7, 3), 2); /* inside é */
	assert_int_equal(utf8_cut(s, 7, 0), 0);
	char out[6];
	utf8_copy_cut(out, sizeof out, s); /* room for 5 bytes: "abé" */
	assert_string_equal(out, "ab\xc3\xa9");
	utf8_copy_cut(out, 2, s);
	assert_string_equal(out, "a");
	utf8_copy_cut(out, 1, s);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo),         cmocka_unit_test(test_json_nul),
		cmocka_unit_test(test_open_regular), cmocka_unit_test(test_date_years),
		cmocka_unit_test(test_json_number),  cmocka_unit_test(test_json_string),
		cmocka_unit_test(test_utf8_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
