/*
 * The patterns of query backup, restore and delete backup name what a
 * backup stored, however the user writes them: "." and ".." parts and
 * doubled slashes, taken out as text.
 */
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "nodefix.h"
#include "srvfix.h"

static void setup(void) { t_tmpdir(); }
static void teardown(void) { t_cleanup(); }

TestSuite(patterns, .init = setup, .fini = teardown, .timeout = 60);

Test(patterns, dots_and_doubled_slashes_name_the_backup)
{
	char src[600], p[900], alias[600], dst[600];
	const char *forms[4];
	struct srv v;
	struct run r;
	int i;
	const char *sys = node_setup(&v, NULL);

	snprintf(src, sizeof(src), "%s/src", t_tmpdir());
	cr_assert_eq(mkdir(src, 0755), 0);
	snprintf(p, sizeof(p), "%s/sub", src);
	cr_assert_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/a.txt", src);
	mkfile(p, "named many ways\n", 16, 0644);
	client(&r, sys, (const char *[]){ "incremental", src, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	snprintf(alias, sizeof(alias), "%s/alias", t_tmpdir());
	cr_assert_eq(symlink(src, alias), 0);

	char f0[900], f1[900], f2[900], f3[900];
	snprintf(f0, sizeof(f0), "%s/./a.txt", src);
	snprintf(f1, sizeof(f1), "%s//sub/../a.txt", src);
	snprintf(f2, sizeof(f2), "%s/sub/./../../src/a.txt", src);
	/* .. as text: the link's parent, not its target's */
	snprintf(f3, sizeof(f3), "%s/../src/./a.txt", alias);
	forms[0] = f0;
	forms[1] = f1;
	forms[2] = f2;
	forms[3] = f3;
	for (i = 0; i < 4; i++) {
		client(&r, sys, (const char *[]){ "query", "backup", forms[i],
		    NULL });
		cr_assert_eq(r.status, 0, "%s: %s%s", forms[i], r.out, r.err);
		snprintf(p, sizeof(p), "%s/a.txt", src);
		cr_assert(t_contains(r.out, p), "%s: %s", forms[i], r.out);
	}
	/* a trailing "." is the directory's contents, as a trailing "/" */
	snprintf(p, sizeof(p), "%s/sub/..//.", src);
	client(&r, sys, (const char *[]){ "query", "backup", p, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	snprintf(p, sizeof(p), "%s/a.txt", src);
	cr_assert(t_contains(r.out, p), "%s", r.out);
	/* a restore of a name so written, beneath a destination */
	snprintf(dst, sizeof(dst), "%s/dst", t_tmpdir());
	client(&r, sys, (const char *[]){ "restore", f2, dst, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	snprintf(p, sizeof(p), "%s/a.txt", dst);
	cr_assert_eq(access(p, F_OK), 0, "%s", r.err);
	t_peer_stop(&v.p);
}
