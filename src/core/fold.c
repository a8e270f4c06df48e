/* Folding text for the name order (fold.h). Written here rather than taken from ICU: the
 * order wanted is only "case and Latin accents do not count", a table of 192 letters; ICU
 * would add a 30 MB library and per-locale rules that an id-and-name list does not need. */
#include "riskdesk/fold.h"

#include <string.h>

/* U+00C0..U+00FF: the base letter of each, '*' for two letters (see latin1_pair), '\0'
 * for a sign kept as it is (× ÷). */
static const char latin1[] = "aaaaaa*ceeeeiiiidnooooo\0ouuuuy**"
			     "aaaaaa*ceeeeiiiidnooooo\0ouuuuy*y";

/* U+0100..U+017F (Latin Extended-A), the same way. */
static const char latin_ext_a[] = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii**jjkkk"
				  "llllllllllnnnnnnnnnoooooo**rrrrrrssssssssttttttuuuuuuuuuuuu"
				  "wwyyyzzzzzzs";
_Static_assert(sizeof latin1 == 64 + 1 && sizeof latin_ext_a == 128 + 1, "a letter per code point");

static const char *latin1_pair(unsigned cp)
{
	switch (cp) {
	case 0xC6:
	case 0xE6: return "ae";
	case 0xDE:
	case 0xFE: return "th";
	case 0xDF: return "ss";
	default: return NULL;
	}
}

static const char *ext_a_pair(unsigned cp)
{
	return cp == 0x132 || cp == 0x133 ? "ij" : cp == 0x152 || cp == 0x153 ? "oe" : NULL;
}

/* Decodes one UTF-8 sequence of s (n > 0 bytes left) into *cp: its length, or 0 when the
 * bytes are no valid sequence of 2 or 3 bytes (longer ones are never Latin: kept). */
static size_t decode(const unsigned char *s, size_t n, unsigned *cp)
{
	if (s[0] >= 0xC2 && s[0] <= 0xDF && n >= 2 && (s[1] & 0xC0) == 0x80) {
		*cp = (unsigned)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
		return 2;
	}
	if (s[0] >= 0xE0 && s[0] <= 0xEF && n >= 3 && (s[1] & 0xC0) == 0x80 &&
	    (s[2] & 0xC0) == 0x80) {
		*cp = (unsigned)(s[0] & 0x0F) << 12 | (unsigned)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
		return *cp >= 0x800 ? 3 : 0;
	}
	return 0;
}

void fold_append(struct rd_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		unsigned char c = p[i];
		if (c < 0x80) {
			buf_putc(b, (char)(c >= 'A' && c <= 'Z' ? c | 0x20 : c));
			i++;
			continue;
		}
		unsigned cp = 0;
		size_t n = decode(p + i, len - i, &cp);
		const char *pair = NULL;
		char base = 0;
		if (n && cp >= 0xC0 && cp <= 0xFF) {
			base = latin1[cp - 0xC0];
			pair = base == '*' ? latin1_pair(cp) : NULL;
		} else if (n && cp >= 0x100 && cp <= 0x17F) {
			base = latin_ext_a[cp - 0x100];
			pair = base == '*' ? ext_a_pair(cp) : NULL;
		} else if (n && cp >= 0x218 && cp <= 0x21B) {
			base = cp < 0x21A ? 's' : 't'; /* Ș ș Ț ț */
		} else if (n && cp >= 0x300 && cp <= 0x36F) {
			i += n; /* a combining accent: dropped */
			continue;
		}
		if (pair)
			buf_puts(b, pair);
		else if (base && base != '*')
			buf_putc(b, base);
		else /* kept: a sign, another script, or bytes that are no UTF-8 */
			buf_append(b, p + i, n ? n : 1);
		i += n ? n : 1;
	}
	if (!b->data)
		buf_puts(b, "");
}

char *fold_dup(const char *s, size_t len)
{
	struct rd_buf b = {0};
	fold_append(&b, s, len);
	return buf_steal(&b);
}
