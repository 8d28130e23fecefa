/* bulwark's command-line forms: see args.h. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "args.h"

int
arg_is_help(const char *a)
{
	return strcmp(a, "-h") == 0 || strcmp(a, "-help") == 0 ||
	    strcmp(a, "--help") == 0;
}

int
arg_is_version(const char *a)
{
	return strcmp(a, "-version") == 0 || strcmp(a, "--version") == 0;
}

int
arg_split(const char *a, char *name, size_t namelen, const char **value)
{
	const char *p, *eq;
	size_t n;

	*value = NULL;
	if (a[0] != '-')
		return -1;
	p = a + (a[1] == '-' ? 2 : 1);
	if (*p == '\0' || *p == '-' || *p == '=')
		return -1;
	eq = strchr(p, '=');
	n = eq != NULL ? (size_t)(eq - p) : strlen(p);
	if (n >= namelen)
		return -1;
	memcpy(name, p, n);
	name[n] = '\0';
	if (eq != NULL)
		*value = eq + 1;
	return 0;
}

static const struct arg_def *
find(const struct arg_def *defs, const char *name)
{
	for (; defs->name != NULL; defs++)
		if (strcasecmp(defs->name, name) == 0)
			return defs;
	return NULL;
}

int
arg_canonical(int argc, char **argv, int from, const struct arg_def *defs,
    char **out, size_t cap)
{
	const struct arg_def *d;
	const char *value;
	char name[64];
	size_t n = 0;
	int i;

	if (cap < 2 || (size_t)(argc - from) * 2 + 2 > cap)
		return -1;
	out[n++] = argv[from - 1];
	for (i = from; i < argc; i++) {
		if (arg_split(argv[i], name, sizeof(name), &value) == -1 ||
		    (d = find(defs, name)) == NULL ||
		    (!d->has_value && value != NULL)) {
			out[n++] = argv[i];	/* the parser refuses it */
			continue;
		}
		out[n++] = (char *)d->dashed;
		if (!d->has_value)
			continue;
		if (value != NULL)
			out[n++] = (char *)value;
		else if (i + 1 < argc)
			out[n++] = argv[++i];
	}
	out[n] = NULL;
	return (int)n;
}
