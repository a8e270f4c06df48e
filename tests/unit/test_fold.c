/* The folded form of names (fold.h): case and Latin accents do not count; everything else
 * is kept, invalid UTF-8 included. */
#include "testutil.h"

#include "riskdesk/fold.h"

static void check(const char *in, const char *want)
{
	char *got = fold_dup(in, strlen(in));
	if (strcmp(got, want) != 0)
		fail_msg("fold '%s': got '%s', expected '%s'", in, got, want);
	free(got);
}

static void test_fold(void **state)
{
	(void)state;
	check("", "");
	check("Anna LEHMANN", "anna lehmann");
	check("de Vries & Co.", "de vries & co.");
	check("\xc3\x89mile", "emile");          /* É */
	check("Kr\xc3\xbcger", "kruger");        /* ü */
	check("\xc3\x96zt\xc3\xbcrk", "ozturk"); /* Ö ü */
	check("S\xc3\xb8ren", "soren");          /* ø */
	check("Stra\xc3\x9f"
	      "e",
	      "strasse");                                  /* ß */
	check("\xc3\x86sir \xc5\x92uvre", "aesir oeuvre"); /* Æ Œ */
	check("\xc3\x9eorn", "thorn");                     /* Þ */
	check("\xc5\x81\xc3\xb3"
	      "d\xc5\xba",
	      "lodz");                                               /* Ł ó ź */
	check("Dvo\xc5\x99\xc3\xa1k", "dvorak");                     /* ř á */
	check("\xc8\x98tefan \xc8\x9b", "stefan t");                 /* Ș ț */
	check("\xc4\xb2sselmeer", "ijsselmeer");                     /* Ĳ */
	check("e\xcc\x81mile", "emile");                             /* e + combining acute */
	check("3 \xc3\x97 4 \xc3\xb7 2", "3 \xc3\x97 4 \xc3\xb7 2"); /* × ÷ kept */
	check("\xce\x91\xce\xb8\xce\xae\xce\xbd\xce\xb1",
	      "\xce\x91\xce\xb8\xce\xae\xce\xbd\xce\xb1");
	check("\xe2\x82\xac 5", "\xe2\x82\xac 5");     /* € kept */
	check("bad \xff\xc3 end", "bad \xff\xc3 end"); /* not UTF-8: kept */
	check("\xc3", "\xc3");
	check("\xf0\x9f\x98\x80 ok", "\xf0\x9f\x98\x80 ok"); /* 4 bytes: kept */
	/* every letter of Latin-1 and Latin Extended-A folds to ASCII letters */
	for (unsigned cp = 0xC0; cp <= 0x17F; cp++) {
		char in[3] = {(char)(0xC0 | cp >> 6), (char)(0x80 | (cp & 0x3F)), 0};
		char *got = fold_dup(in, 2);
		int ascii = 1;
		for (const char *g = got; *g; g++)
			ascii &= *g >= 'a' && *g <= 'z';
		if (cp != 0xD7 && cp != 0xF7 && (!ascii || !*got))
			fail_msg("U+%04X folds to '%s'", cp, got);
		free(got);
	}
	/* the order of folded names: case and accents do not count */
	char *a = fold_dup("\xc3\x89mile", 7), *b = fold_dup("emil", 4), *c = fold_dup("Emma", 4);
	assert_true(strcmp(b, a) < 0 && strcmp(a, c) < 0);
	free(a);
	free(b);
	free(c);
	/* len bounds the input */
	char *part = fold_dup("ABCDEF", 3);
	assert_string_equal(part, "abc");
	free(part);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
