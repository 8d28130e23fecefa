/* The key database's names: see names.h. */
#include <string.h>

#include "names.h"

int
kdb_label_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > KDB_LABEL_MAX || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("._:@/+-", c) != NULL))
			return 0;
	}
	return 1;
}

int
kdb_name_ok(const char *s)
{
	return kdb_label_ok(s) && strpbrk(s, "/@+") == NULL;
}

/* Past one character: a whole UTF-8 sequence when it is one, else a byte. */
static const char *
next_char(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	int more = u[0] >= 0xf0 ? 3 : u[0] >= 0xe0 ? 2 : u[0] >= 0xc0 ? 1 : 0;
	int i;

	for (i = 1; i <= more; i++)
		if ((u[i] & 0xc0) != 0x80)
			return s + 1;
	return s + 1 + more;
}

/*
 * The seed's wildcards in a name: '*' any run of characters, '?' one.
 * The catalog's queries and the client's check of a listing (restore)
 * both use it, so that the two agree on what a pattern names.
 * Iterative, with one backtrack point: linear in practice, and no
 * recursion a hostile pattern could deepen.
 */
int
bwk_name_match(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s != '\0') {
		if (*p == '*') {
			star = ++p;
			resume = s;
		} else if (*p == '?') {
			p++;
			s = next_char(s);
		} else if (*p != '\0' && *p == *s) {
			p++;
			s++;
		} else if (star != NULL) {
			p = star;
			s = resume = next_char(resume);
		} else
			return 0;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}
