/*
 * The include and exclude statements' patterns and their order
 * (inclexcl.h). Written by hand: fnmatch(3) has no "..." level and its
 * FNM_PATHNAME backtracking is exponential on some patterns; here both
 * levels use the two-pointer wildcard match, which never goes back
 * further than the last "*" (or "..."), so the work stays polynomial
 * in the lengths whatever the pattern.
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "inclexcl.h"

static const struct {
	const char	*name;
	enum ie_kind	 kind;
} kinds[] = {
	{ "INCLUDE", IE_INCLUDE },
	{ "INCLUDE.BACKUP", IE_INCLUDE },
	{ "INCLUDE.FILE", IE_INCLUDE },
	{ "EXCLUDE", IE_EXCLUDE },
	{ "EXCLUDE.BACKUP", IE_EXCLUDE },
	{ "EXCLUDE.FILE", IE_EXCLUDE },
	{ "EXCLUDE.DIR", IE_EXCLUDE_DIR },
	{ "EXCLUDE.FS", IE_EXCLUDE_FS },
};

const char *
ie_kind_name(enum ie_kind k)
{
	switch (k) {
	case IE_INCLUDE:	return "INCLUDE";
	case IE_EXCLUDE:	return "EXCLUDE";
	case IE_EXCLUDE_DIR:	return "EXCLUDE.DIR";
	case IE_EXCLUDE_FS:	return "EXCLUDE.FS";
	}
	return "?";
}

int
ie_kind_parse(const char *s, enum ie_kind *k)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcasecmp(s, kinds[i].name) == 0) {
			*k = kinds[i].kind;
			return 0;
		}
	return -1;
}

/* An absolute path without control characters, shorter than max. */
static int
path_ok(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= max || s[0] != '/')
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/* "..." inside a name of n bytes at p. */
static int
has_dots(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i + 3 <= n; i++)
		if (p[i] == '.' && p[i + 1] == '.' && p[i + 2] == '.')
			return 1;
	return 0;
}

int
ie_pattern_ok(const char *s)
{
	const char *p, *end;
	size_t n;

	if (!path_ok(s, IE_PATTERN_MAX))
		return 0;
	for (p = s + 1; ; p = end + 1) {
		if ((end = strchr(p, '/')) == NULL)
			end = p + strlen(p);
		n = (size_t)(end - p);
		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (n == 3 && memcmp(p, "...", 3) == 0) {
			if (*end == '\0')
				return 0;
		} else if (has_dots(p, n))
			return 0;
		for (; p < end; p++) {
			const char *close;

			if (*p != '[')
				continue;
			close = memchr(p + 1, ']', (size_t)(end - p - 1));
			if (close == NULL || close == p + 1)
				return 0;
			p = close;
		}
		if (*end == '\0')
			return 1;
	}
}

int
ie_class_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > IE_CLASS_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    strchr("_-.", s[i]) != NULL))
			return 0;
	return 1;
}

/*
 * Whether byte c is in the class that starts at p ("[" already passed)
 * and ends before end (the "]").
 */
static int
in_class(const char *p, const char *end, unsigned char c)
{
	int negate = 0, in = 0;

	if (p < end && (*p == '!' || *p == '^')) {
		negate = 1;
		p++;
	}
	for (; p < end; p++) {
		if (p + 2 < end && p[1] == '-') {
			if (c >= (unsigned char)p[0] && c <= (unsigned char)p[2])
				in = 1;
			p += 2;
		} else if (c == (unsigned char)*p)
			in = 1;
	}
	return in != negate;
}

/* One pattern element at p (not "*") against byte c; *adv its length. */
static int
one(const char *p, const char *pend, unsigned char c, size_t *adv)
{
	const char *close, *from;

	*adv = 1;
	if (*p == '?')
		return 1;
	if (*p == '[') {
		from = p + 1;
		if (from < pend && (*from == '!' || *from == '^'))
			from++;
		/* a class holds one byte at least; "[]" or an open "[" is
		 * a plain "[" */
		close = from < pend ? memchr(from + 1, ']',
		    (size_t)(pend - from - 1)) : NULL;
		if (close != NULL) {
			*adv = (size_t)(close + 1 - p);
			return in_class(p + 1, close, c);
		}
	}
	return (unsigned char)*p == c;
}

/* One name against one level of the pattern. */
static int
name_match(const char *p, size_t pn, const char *s, size_t sn)
{
	const char *pend = p + pn;
	size_t pi = 0, si = 0, star_p = SIZE_MAX, star_s = 0, adv;

	while (si < sn) {
		if (pi < pn && p[pi] == '*') {
			star_p = pi++;
			star_s = si;
			continue;
		}
		if (pi < pn && one(p + pi, pend, (unsigned char)s[si], &adv)) {
			pi += adv;
			si++;
			continue;
		}
		if (star_p == SIZE_MAX)
			return 0;
		pi = star_p + 1;
		si = ++star_s;
	}
	while (pi < pn && p[pi] == '*')
		pi++;
	return pi == pn;
}

/* A level of a path: where it starts and how long it is. */
struct level {
	const char	*s;
	size_t		 n;
};

/* The level at s (after its "/"), or n 0 and s NULL at the end. */
static struct level
level_at(const char *s)
{
	struct level l = { NULL, 0 };
	const char *slash;

	if (s == NULL || *s == '\0')
		return l;
	l.s = s;
	slash = strchr(s, '/');
	l.n = slash != NULL ? (size_t)(slash - s) : strlen(s);
	return l;
}

/* The level after l. */
static const char *
next_of(struct level l)
{
	return l.s[l.n] == '/' ? l.s + l.n + 1 : l.s + l.n;
}

static int
is_dots(struct level l)
{
	return l.n == 3 && memcmp(l.s, "...", 3) == 0;
}

int
ie_match(const char *pattern, const char *path)
{
	const char *p, *s, *star_p = NULL, *star_s = NULL;
	struct level lp, ls;

	if (pattern[0] != '/' || path[0] != '/')
		return 0;
	p = pattern + 1;
	s = path + 1;
	for (;;) {
		ls = level_at(s);
		if (ls.s == NULL)
			break;
		lp = level_at(p);
		if (lp.s != NULL && is_dots(lp)) {
			star_p = p;
			star_s = s;
			p = next_of(lp);
			continue;
		}
		if (lp.s != NULL && name_match(lp.s, lp.n, ls.s, ls.n)) {
			p = next_of(lp);
			s = next_of(ls);
			continue;
		}
		if (star_p == NULL)
			return 0;
		/* "..." takes one more level */
		p = next_of(level_at(star_p));
		star_s = next_of(level_at(star_s));
		s = star_s;
	}
	for (lp = level_at(p); lp.s != NULL && is_dots(lp); lp = level_at(p))
		p = next_of(lp);
	return *p == '\0';
}

const struct ie_rule *
ie_dir_excluded(const struct ie_list *l, const char *dir)
{
	size_t i;

	for (i = l->n; i-- > 0;)
		if (l->rules[i].kind == IE_EXCLUDE_DIR &&
		    ie_match(l->rules[i].pattern, dir))
			return &l->rules[i];
	return NULL;
}

int
ie_file_included(const struct ie_list *l, const char *path,
    const struct ie_rule **by)
{
	const struct ie_rule *r;
	size_t i;

	*by = NULL;
	for (i = l->n; i-- > 0;) {
		r = &l->rules[i];
		if (r->kind != IE_INCLUDE && r->kind != IE_EXCLUDE)
			continue;
		if (ie_match(r->pattern, path)) {
			*by = r;
			return r->kind == IE_INCLUDE;
		}
	}
	return 1;
}

void
ie_eval_order(const struct ie_list *l, size_t *idx)
{
	static const enum ie_kind groups[] = { IE_EXCLUDE_FS, IE_EXCLUDE_DIR };
	size_t g, i, k = 0;

	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		for (i = l->n; i-- > 0;)
			if (l->rules[i].kind == groups[g])
				idx[k++] = i;
	for (i = l->n; i-- > 0;)
		if (l->rules[i].kind == IE_INCLUDE ||
		    l->rules[i].kind == IE_EXCLUDE)
			idx[k++] = i;
}
