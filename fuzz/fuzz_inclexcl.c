/*
 * The include and exclude patterns (src/files/inclexcl.c). Input: a
 * pattern, a NUL, a path. Properties, beyond no crash and no timeout
 * (libFuzzer's -timeout catches a match that backtracks without end):
 * on short inputs, ie_match agrees with a plain recursive reading of the
 * rules, too slow for real use but easy to check by eye.
 */
#include <stdint.h>
#include <string.h>

#include "../src/files/inclexcl.h"
#include "fuzz_common.h"

#define SHORT	40

static int ref_name(const char *p, const char *pe, const char *s,
    const char *se);

/* A class at p ("[" passed), as inclexcl.h defines it; NULL: none. */
static const char *
ref_class(const char *p, const char *pe, unsigned char c, int *in)
{
	const char *from = p, *q;
	int neg = 0, hit = 0;

	if (from < pe && (*from == '!' || *from == '^')) {
		neg = 1;
		from++;
	}
	if (from >= pe)
		return NULL;
	for (q = from + 1; q < pe && *q != ']'; q++)
		;
	if (q >= pe)
		return NULL;
	for (p = from; p < q; p++) {
		if (p + 2 < q && p[1] == '-') {
			hit |= c >= (unsigned char)p[0] && c <= (unsigned char)p[2];
			p += 2;
		} else
			hit |= c == (unsigned char)*p;
	}
	*in = hit != neg;
	return q + 1;
}

static int
ref_name(const char *p, const char *pe, const char *s, const char *se)
{
	const char *after;
	int in;

	if (p == pe)
		return s == se;
	if (*p == '*')
		return ref_name(p + 1, pe, s, se) ||
		    (s < se && ref_name(p, pe, s + 1, se));
	if (s == se)
		return 0;
	if (*p == '?')
		return ref_name(p + 1, pe, s + 1, se);
	if (*p == '[' && (after = ref_class(p + 1, pe, (unsigned char)*s,
	    &in)) != NULL)
		return in && ref_name(after, pe, s + 1, se);
	return *p == *s && ref_name(p + 1, pe, s + 1, se);
}

static const char *
lend(const char *s)
{
	const char *e = strchr(s, '/');

	return e != NULL ? e : s + strlen(s);
}

/* p and s at the start of a level (after a "/"), or at the end. */
static int
ref_levels(const char *p, const char *s)
{
	const char *pe = lend(p), *se = lend(s);

	if (*p == '\0')
		return *s == '\0';
	if (pe - p == 3 && memcmp(p, "...", 3) == 0) {
		const char *pn = *pe == '/' ? pe + 1 : pe;

		if (ref_levels(pn, s))
			return 1;
		return *s != '\0' && ref_levels(p, *se == '/' ? se + 1 : se);
	}
	if (*s == '\0' || !ref_name(p, pe, s, se))
		return 0;
	return ref_levels(*pe == '/' ? pe + 1 : pe, *se == '/' ? se + 1 : se);
}

static int
wildcards(const char *p)
{
	int n = 0;

	for (; *p != '\0'; p++)
		n += *p == '*' || (p[0] == '.' && p[1] == '.' && p[2] == '.');
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[8192];
	const char *pattern, *path;
	char *nul;
	int r, want;

	if (size >= sizeof(buf))
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if ((nul = memchr(buf, '\0', size)) == NULL)
		return 0;
	pattern = buf;
	path = nul + 1;
	r = ie_match(pattern, path);
	if (r != 0 && r != 1)
		fuzz_fail("ie_match returned %d", r);
	/* the rules hold for well-formed paths: no "//", no "/" last */
	if (strlen(pattern) > SHORT || strlen(path) > SHORT ||
	    pattern[0] != '/' || path[0] != '/' || strstr(path, "//") ||
	    strstr(pattern, "//") || (path[1] != '\0' &&
	    path[strlen(path) - 1] == '/') || (pattern[1] != '\0' &&
	    pattern[strlen(pattern) - 1] == '/'))
		return 0;
	/* the reference backtracks: few wildcards, or it is the slow one */
	if (wildcards(pattern) > 6)
		return 0;
	want = ref_levels(pattern + 1, path + 1);
	if (r != want)
		fuzz_fail("%s against %s: %d, the rules say %d", pattern, path,
		    r, want);
	return 0;
}
