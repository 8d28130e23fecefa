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
