/* The sinks' shared wording of progress (sink_progress_text): bytes with a unit and the
 * rows read, no rate or time left before there is a measure, and a sink without its own
 * byte progress hearing it as plain progress. */
#include "testutil.h"

static const char *text(const char *what, int64_t done, int64_t total, int bytes, int64_t rows,
			double elapsed)
{
	static char out[200];
	struct sink_progress_report r = {what, done, total, bytes, rows, elapsed};
	return sink_progress_text(&r, out, sizeof out);
}

static void test_counts(void **state)
{
	(void)state;
	/* The first report of a training: nothing done, nothing measured. */
	assert_string_equal(text("training", 0, 1800, 0, -1, 0), "training 0/1800  0%  estimating");
	assert_string_equal(text("training", 30, 1800, 0, -1, 0.1),
			    "training 30/1800  2%  estimating");
	assert_string_equal(text("training", 180, 1800, 0, -1, 2),
			    "training 180/1800  10%  90/s  18 s left");
	assert_string_equal(text("training", 9, 1800, 0, -1, 3),
			    "training 9/1800  0%  3.0/s  9 min 57 s left");
	assert_string_equal(text("training", 1800, 1800, 0, -1, 20),
			    "training 1800/1800  100%  90/s");
	/* Done at once: nothing to estimate. */
	assert_string_equal(text("load customers", 1748882, 1748882, 1, 20000, 0.1),
			    "load customers 1.7 MB of 1.7 MB  100%  20000 rows");
	/* Under a second to go. */
	assert_string_equal(text("load orders", 170, 188, 0, -1, 1),
			    "load orders 170/188  90%  170/s  <1 s left");
	assert_string_equal(text("tuning", 1, 3600 * 4, 0, -1, 1),
			    "tuning 1/14400  0%  1.0/s  3 h 59 min left");
	/* No total: the count and, once measured, the rate. */
	assert_string_equal(text("scoring", 0, 0, 0, -1, 0), "scoring 0");
	assert_string_equal(text("scoring", 500, 0, 0, -1, 2), "scoring 500  250/s");
}

static void test_bytes(void **state)
{
	(void)state;
	/* A load: bytes in a unit, with the rows read ("5180871/5180871 7394717/s" was raw). */
	assert_string_equal(text("load orders", 0, 5180871, 1, 0, 0),
			    "load orders 0 B of 5.2 MB  0%  0 rows  estimating");
	assert_string_equal(text("load orders", 2590435, 5180871, 1, 40210, 0.5),
			    "load orders 2.6 MB of 5.2 MB  50%  40210 rows  5.2 MB/s  <1 s left");
	assert_string_equal(text("load orders", 5180871, 5180871, 1, 80228, 0.7),
			    "load orders 5.2 MB of 5.2 MB  100%  80228 rows  7.4 MB/s");
	char b[32];
	assert_string_equal(sink_bytes_text(999, b, sizeof b), "999 B");
	assert_string_equal(sink_bytes_text(1000, b, sizeof b), "1.0 KB");
	assert_string_equal(sink_bytes_text(12345, b, sizeof b), "12.3 KB");
	assert_string_equal(sink_bytes_text(999960, b, sizeof b), "1.0 MB");
	assert_string_equal(sink_bytes_text(1250000000, b, sizeof b), "1.25 GB");
	assert_string_equal(sink_bytes_text(42e9, b, sizeof b), "42.0 GB");
}

/* A sink with only progress hears a load's bytes there. */
struct heard {
	struct rd_sink base;
	char what[32];
	int64_t done, total;
};

static void heard_progress(struct rd_sink *s, const char *what, int64_t done, int64_t total)
{
	struct heard *h = (struct heard *)s;
	snprintf(h->what, sizeof h->what, "%s", what);
	h->done = done;
	h->total = total;
}

static void test_fallback(void **state)
{
	(void)state;
	static const struct rd_sink_ops ops = {.progress = heard_progress};
	struct heard h = {{&ops}, "", 0, 0};
	sink_progress_bytes(&h.base, "load orders", 10, 20, 3);
	assert_string_equal(h.what, "load orders");
	assert_int_equal(h.done, 10);
	assert_int_equal(h.total, 20);
	struct rd_sink *null = sink_null_new();
	sink_progress_bytes(null, "load orders", 10, 20, 3); /* nothing, no crash */
	sink_free(null);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_fallback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
