/*
 * Hard links: each name of a file is backed up (each restorable alone),
 * the later names with the first as their link, and a restore of several
 * makes them one file again.
 */
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "nodefix.h"
#include "srvfix.h"

static void setup(void) { t_tmpdir(); }
static void teardown(void) { t_cleanup(); }

TestSuite(hardlinks, .init = setup, .fini = teardown, .timeout = 120);

static struct stat
st_of(const char *dir, const char *name)
{
	char p[900];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	cr_assert_eq(lstat(p, &st), 0, "%s is missing", p);
	return st;
}

Test(hardlinks, three_names_of_one_file_are_one_file_again)
{
	char src[600], dst[600], one[600], p[800], q[800];
	struct stat a, b, c, o;
	struct srv v;
	struct run r;
	uint8_t *buf;
	size_t n;
	const char *sys = node_setup(&v, NULL);

	snprintf(src, sizeof(src), "%s/src", t_tmpdir());
	snprintf(dst, sizeof(dst), "%s/dst", t_tmpdir());
	snprintf(one, sizeof(one), "%s/one", t_tmpdir());
	cr_assert_eq(mkdir(src, 0755), 0);
	snprintf(p, sizeof(p), "%s/sub", src);
	cr_assert_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/h1", src);
	mkfile(p, "one file, three names\n", 22, 0640);
	snprintf(q, sizeof(q), "%s/sub/h2", src);
	cr_assert_eq(link(p, q), 0);
	snprintf(q, sizeof(q), "%s/zz", src);
	cr_assert_eq(link(p, q), 0);
	snprintf(p, sizeof(p), "%s/plain", src);
	mkfile(p, "a file of its own\n", 18, 0644);

	client(&r, sys, (const char *[]){ "incremental", src, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	/* the later names carry the first */
	snprintf(p, sizeof(p), "%s/*", src);
	client(&r, sys, (const char *[]){ "query", "backup", p, "-subdir=yes",
	    "--json", NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "\"hard_link\":"), "%s", r.out);
	cr_assert(t_contains(r.out, "/h1\"}"), "%s", r.out);
	/* nothing changed: nothing sent again */
	client(&r, sys, (const char *[]){ "incremental", src, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "backed up:") || t_contains(r.out,
	    "Total number of objects backed up:"), "%s", r.out);

	/* all of them: one file with three names, the other apart */
	snprintf(p, sizeof(p), "%s/", src);
	client(&r, sys, (const char *[]){ "restore", "-subdir=yes", p, dst,
	    NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	a = st_of(dst, "h1");
	b = st_of(dst, "sub/h2");
	c = st_of(dst, "zz");
	o = st_of(dst, "plain");
	cr_assert(a.st_ino == b.st_ino && a.st_ino == c.st_ino,
	    "the three names are not one file");
	cr_assert_eq(a.st_nlink, 3);
	cr_assert_neq(o.st_ino, a.st_ino);
	cr_assert_eq(a.st_mode & 07777, 0640);
	snprintf(p, sizeof(p), "%s/sub/h2", dst);
	cr_assert_eq(t_read(p, &buf, &n), 0);
	cr_assert(n == 22 && memcmp(buf, "one file, three names\n", 22) == 0);
	free(buf);
	no_temp_files(dst);

	/* a later name alone: its own bytes, a file of its own */
	snprintf(p, sizeof(p), "%s/sub/h2", src);
	client(&r, sys, (const char *[]){ "restore", p, one, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	b = st_of(one, "h2");
	cr_assert_eq(b.st_nlink, 1);
	cr_assert_eq(b.st_size, 22);

	/* the first name gone: the others become inactive-free, and the
	 * next incremental sends them again with each other as one */
	snprintf(p, sizeof(p), "%s/h1", src);
	cr_assert_eq(unlink(p), 0);
	client(&r, sys, (const char *[]){ "incremental", src, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	snprintf(dst, sizeof(dst), "%s/dst2", t_tmpdir());
	snprintf(p, sizeof(p), "%s/", src);
	client(&r, sys, (const char *[]){ "restore", "-subdir=yes", p, dst,
	    NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	b = st_of(dst, "sub/h2");
	c = st_of(dst, "zz");
	cr_assert_eq(b.st_ino, c.st_ino, "the two names left are not one");
	cr_assert_eq(b.st_nlink, 2);
	snprintf(p, sizeof(p), "%s/h1", dst);
	cr_assert_neq(access(p, F_OK), 0);
	t_peer_stop(&v.p);
}

/* Versions of the names of one file restored at once (-pick of a's
 * newest and both of b's, -replace=yes): b's second version is not
 * linked onto the file b already is (a rename that does nothing, and
 * would leave the temporary name), nor across other metadata. */
Test(hardlinks, versions_of_linked_names_restored_together_leave_nothing)
{
	char src[600], dst[600], p[800], q[800], pat[800];
	const char *argv[12];
	struct srv v;
	struct run r;
	const char *sys = node_setup(&v, NULL);

	snprintf(src, sizeof(src), "%s/src", t_tmpdir());
	snprintf(dst, sizeof(dst), "%s/dst", t_tmpdir());
	cr_assert_eq(mkdir(src, 0755), 0);
	snprintf(p, sizeof(p), "%s/a", src);
	mkfile(p, "same bytes\n", 11, 0644);
	snprintf(q, sizeof(q), "%s/b", src);
	cr_assert_eq(link(p, q), 0);
	client(&r, sys, (const char *[]){ "incremental", src, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	/* a new version of both names: the same bytes, another mode */
	cr_assert_eq(chmod(p, 0600), 0);
	client(&r, sys, (const char *[]){ "incremental", src, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);

	snprintf(pat, sizeof(pat), "%s/", src);
	argv[0] = "restore";
	argv[1] = "-pick";
	argv[2] = "-inactive";
	argv[3] = "-replace=yes";
	argv[4] = pat;
	argv[5] = dst;
	argv[6] = "--sysfile";
	argv[7] = sys;
	argv[8] = NULL;
	/* listed by name, newest first: a's two, then b's two */
	t_run_input(&r, "bulwark", argv, "1 3 4\n");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "    1  A  FILE") &&
	    t_contains(r.err, "    4  I  FILE"), "%s", r.err);
	no_temp_files(dst);
	(void)st_of(dst, "a");
	(void)st_of(dst, "b");
	t_peer_stop(&v.p);
}
