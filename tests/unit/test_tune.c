/* train --tune's grid (include/riskdesk/tune.h): the default, the --grid text, its errors
 * (which leave the grid as it was). */
#include "testutil.h"

#include "riskdesk/tune.h"

static void test_default(void **state)
{
	(void)state;
	struct tune_grid g;
	tune_grid_default(&g);
	assert_int_equal(tune_grid_size(&g), 9);
	assert_int_equal(g.depth[0], 2);
	assert_int_equal(g.depth[2], 6);
	assert_true(g.eta[0] == 0.02 && g.mcw[2] == 50 && g.subsample[0] == 0.8);
	assert_int_equal(g.max_trees, 2000);
}

static void test_parse(void **state)
{
	(void)state;
	struct tune_grid g;
	struct rd_err err = {{0}};
	tune_grid_default(&g);
	assert_int_equal(tune_grid_parse("depth=3,5:subsample=0.5,0.7,1", &g, &err), 0);
	assert_int_equal(g.ndepth, 2);
	assert_int_equal(g.depth[1], 5);
	assert_int_equal(g.nsub, 3);
	assert_true(g.subsample[2] == 1);
	assert_int_equal(g.neta, 1); /* not named: kept */
	assert_int_equal(g.nmcw, 3);
	assert_int_equal(tune_grid_size(&g), 18);
	assert_int_equal(tune_grid_parse("eta=0.1,1:min-child=0", &g, &err), 0);
	assert_true(g.eta[1] == 1 && g.mcw[0] == 0 && g.nmcw == 1);
}

static void test_errors(void **state)
{
	(void)state;
	static const char *const bad[][2] = {
		{"depth=0", "'0' is not a whole number from 1 to 16"},
		{"depth=2.5", "not a whole number"},
		{"depth=17", "from 1 to 16"},
		{"eta=0", "'0' is not a number from 0 to 1"},
		{"eta=1.5", "'1.5'"},
		{"subsample=0", "subsample"},
		{"min-child=-1", "min-child"},
		{"depth=1,2,3,4,5,6,7,8,9", "at most 8 values"},
		{"depth=", "depth has no value"},
		{"depth", "is not KEY=V,V,..."},
		{"trees=10", "unknown setting 'trees'"},
		{"eta=0.1x", "'0.1x'"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct tune_grid g, before;
		struct rd_err err = {{0}};
		tune_grid_default(&g);
		before = g;
		if (tune_grid_parse(bad[i][0], &g, &err) != -1)
			fail_msg("'%s' was accepted", bad[i][0]);
		if (!strstr(err.msg, bad[i][1]))
			fail_msg("'%s': message '%s' lacks '%s'", bad[i][0], err.msg, bad[i][1]);
		assert_memory_equal(&g, &before, sizeof g);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
