/*
 * The include and exclude statements (src/files/inclexcl.c): the
 * patterns as the old client's users write them, the order the old
 * client reads them in, and patterns that would make a backtracking
 * matcher take forever.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "../src/files/inclexcl.h"

struct match_case {
	char	pattern[48];
	char	path[48];
	int	want;
};

ParameterizedTestParameters(inclexcl, match)
{
	static struct match_case c[] = {
		{ "/home/.../*.o", "/home/a.o", 1 },
		{ "/home/.../*.o", "/home/x/y/z/a.o", 1 },
		{ "/home/.../*.o", "/home2/a.o", 0 },
		{ "/home/.../*.o", "/home/a.oo", 0 },
		{ "/home/.../*.o", "/home", 0 },
		{ "/tmp/*", "/tmp/a", 1 },
		{ "/tmp/*", "/tmp/a/b", 0 },
		{ "/tmp/*", "/tmp", 0 },
		{ "/.../core", "/core", 1 },
		{ "/.../core", "/var/crash/core", 1 },
		{ "/.../core", "/var/crash/core.1", 0 },
		{ "/a/.../b/.../c", "/a/b/c", 1 },
		{ "/a/.../b/.../c", "/a/x/b/y/z/c", 1 },
		{ "/a/.../b/.../c", "/a/x/y/c", 0 },
		{ "/a/[bc]?d", "/a/bxd", 1 },
		{ "/a/[bc]?d", "/a/dxd", 0 },
		{ "/a/[!bc]*", "/a/dog", 1 },
		{ "/a/[!bc]*", "/a/cat", 0 },
		{ "/a/[a-c]x", "/a/bx", 1 },
		{ "/a/[a-c]x", "/a/dx", 0 },
		{ "/a/*.[ch]", "/a/main.c", 1 },
		{ "/a/*.[ch]", "/a/main.o", 0 },
		{ "/a/*b*c", "/a/xbybzc", 1 },
		{ "/a/*b*c", "/a/xbybzd", 0 },
		{ "/a/?", "/a/", 0 },
		{ "/Home/x", "/home/x", 0 },
		{ "/", "/", 1 },
		{ "/*", "/", 0 },
		{ "/a/b", "/a/b/c", 0 },
		{ "/a/b/c", "/a/b", 0 },
		{ "/a/[", "/a/[", 1 },
		{ "/a/[]", "/a/[]", 1 },
	};
	return cr_make_param_array(struct match_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct match_case *c, inclexcl, match)
{
	cr_assert_eq(ie_match(c->pattern, c->path), c->want, "%s against %s",
	    c->pattern, c->path);
}

/* fnmatch-style backtracking takes exponential time on these. */
Test(inclexcl, hostile_patterns_finish, .timeout = 20)
{
	static char pat[4096], path[4096];
	size_t i, n = 0;

	pat[n++] = '/';
	for (i = 0; i < 60; i++) {
		pat[n++] = '*';
		pat[n++] = 'a';
	}
	pat[n++] = 'b';
	pat[n] = '\0';
	path[0] = '/';
	memset(path + 1, 'a', 3000);
	path[3001] = '\0';
	cr_assert_eq(ie_match(pat, path), 0);
	/* "..." levels against a deep path that ends the wrong way */
	strcpy(pat, "/.../.../.../.../.../.../.../.../x");
	for (i = 0, n = 0; i < 1500; i++) {
		path[n++] = '/';
		path[n++] = 'a';
	}
	path[n++] = '/';
	path[n++] = 'y';
	path[n] = '\0';
	cr_assert_eq(ie_match(pat, path), 0);
	path[n - 1] = 'x';
	cr_assert_eq(ie_match(pat, path), 1);
}

static const struct ie_rule rules[] = {
	{ IE_EXCLUDE, "/home/.../*.tmp", "", 1 },
	{ IE_INCLUDE, "/home/user/keep.tmp", "LONGTERM", 2 },
	{ IE_EXCLUDE_DIR, "/home/user/cache", "", 3 },
	{ IE_EXCLUDE, "/home/user/cache/.../*", "", 4 },
	{ IE_INCLUDE, "/home/.../*.doc", "", 5 },
	{ IE_EXCLUDE, "/home/old/*", "", 6 },
};
static const struct ie_list list = { rules, sizeof(rules) / sizeof(rules[0]) };

static void
decides(const char *path, int want, int line)
{
	const struct ie_rule *by;

	cr_assert_eq(ie_file_included(&list, path, &by), want, "%s", path);
	if (line == 0)
		cr_assert_null(by, "%s: decided by line %d", path, by->line);
	else {
		cr_assert_not_null(by, "%s: no statement decided", path);
		cr_assert_eq(by->line, line, "%s: line %d decided, not %d",
		    path, by->line, line);
	}
}

Test(inclexcl, bottom_up_first_match_decides)
{
	decides("/home/user/keep.tmp", 1, 2);	/* below line 1 */
	decides("/home/user/x.tmp", 0, 1);
	decides("/home/user/a.txt", 1, 0);	/* nothing matched */
	decides("/home/user/a.doc", 1, 5);
	decides("/home/old/a.doc", 0, 6);	/* line 6 is read first */
	decides("/home/old/sub/a.doc", 1, 5);
	cr_assert_eq(ie_kind_parse("exclude.dir", &(enum ie_kind){0}), 0);
}

Test(inclexcl, exclude_dir_first_and_final)
{
	const struct ie_rule *r;

	r = ie_dir_excluded(&list, "/home/user/cache");
	cr_assert_not_null(r);
	cr_assert_eq(r->line, 3);
	cr_assert_null(ie_dir_excluded(&list, "/home/user"));
	cr_assert_null(ie_dir_excluded(&list, "/home/user/cache2"));
}

Test(inclexcl, kinds)
{
	enum ie_kind k;

	cr_assert_eq(ie_kind_parse("Include", &k), 0);
	cr_assert_eq(k, IE_INCLUDE);
	cr_assert_eq(ie_kind_parse("EXCLUDE.FILE", &k), 0);
	cr_assert_eq(k, IE_EXCLUDE);
	cr_assert_eq(ie_kind_parse("EXCLUDE.FS", &k), 0);
	cr_assert_eq(k, IE_EXCLUDE_FS);
	cr_assert_eq(ie_kind_parse("EXCLUDE.ARCHIVE", &k), -1);
	cr_assert_str_eq(ie_kind_name(IE_EXCLUDE_DIR), "EXCLUDE.DIR");
}
