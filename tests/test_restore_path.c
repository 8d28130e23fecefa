/*
 * The file side's restore paths (src/files/restore_path.c), on a real
 * file system: names a hostile server might send, links planted in the
 * destination, and a link swapped in while a restore runs.
 */
#define _GNU_SOURCE		/* renameat2 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/files/restore_path.h"

/* Arrays, not pointers: Criterion copies the cases into each test's
 * own process, where a pointer into this one means nothing. */
struct name_case {
	char		 name[32];
	size_t		 len;		/* 0: strlen */
	char		 why[32];	/* "": accepted */
};

static char long_part[RP_PART_MAX + 2];
static char long_name[RP_NAME_MAX + 2];

static void
make_long(void)
{
	size_t i;

	memset(long_part, 'p', RP_PART_MAX + 1);
	long_part[RP_PART_MAX + 1] = '\0';
	for (i = 0; i < RP_NAME_MAX + 1; i++)
		long_name[i] = i % 100 == 99 ? '/' : 'n';
	long_name[RP_NAME_MAX + 1] = '\0';
}

ParameterizedTestParameters(restore_path, names)
{
	static struct name_case c[] = {
		{ "a", 0, "" },
		{ "dir/sub/file.txt", 0, "" },
		{ "with space/and\nnewline", 0, "" },
		{ "\xff\xfe not utf-8", 0, "" },
		{ "...", 0, "" },
		{ ".hidden/..x/x..", 0, "" },
		{ "", 0, "an empty name" },
		{ "/etc/passwd", 0, "an absolute name" },
		{ "../up", 0, "\"..\" part" },
		{ "a/../../up", 0, "\"..\" part" },
		{ "a/..", 0, "\"..\" part" },
		{ "./a", 0, "\".\" or" },
		{ "a//b", 0, "an empty part" },
		{ "a/", 0, "an empty part" },
		{ "a\0b", 3, "a NUL byte" },
		{ "d/.bwk-restore.0011", 0, "temporary files" },
	};
	return cr_make_param_array(struct name_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct name_case *c, restore_path, names)
{
	const char *why = NULL;
	size_t n = c->len != 0 ? c->len : strlen(c->name);
	int r = rp_name_check(c->name, n, &why);

	if (c->why[0] == '\0') {
		cr_assert_eq(r, 0, "%s refused: %s", c->name, why);
		return;
	}
	cr_assert_eq(r, -1, "%s accepted", c->name);
	cr_assert_not_null(strstr(why, c->why), "%s: %s", c->name, why);
}

Test(restore_path, lengths)
{
	const char *why = NULL;

	make_long();
	cr_assert_eq(rp_name_check(long_part, RP_PART_MAX, &why), 0);
	cr_assert_eq(rp_name_check(long_part, RP_PART_MAX + 1, &why), -1);
	cr_assert_not_null(strstr(why, "longer than 255"));
	cr_assert_eq(rp_name_check(long_name, RP_NAME_MAX, &why), 0, "%s", why);
	cr_assert_eq(rp_name_check(long_name, RP_NAME_MAX + 1, &why), -1);
	cr_assert_not_null(strstr(why, "longer than 4,095"));
}

/* ---- on disk */

static char top[PATH_MAX], dest[PATH_MAX + 8], outside[PATH_MAX + 8];

static void
tree(void)
{
	snprintf(top, sizeof(top), "%s/bwk-restore-path.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	cr_assert_not_null(mkdtemp(top));
	snprintf(dest, sizeof(dest), "%s/dest", top);
	snprintf(outside, sizeof(outside), "%s/outside", top);
	cr_assert_eq(mkdir(dest, 0700), 0);
	cr_assert_eq(mkdir(outside, 0700), 0);
}

static void
untree(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	(void)system(cmd);
}

static int
entries(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	cr_assert_not_null(d, "%s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* The whole sequence a restore of one file runs; 0 or an errno. */
static int
restore_one(int d, const char *name, const char *data, int replace)
{
	char tmp[RP_TEMP_MAX];
	const char *base;
	int dir, fd, e = 0;

	if ((dir = rp_parent_open(d, name, &base)) == -1)
		return errno;
	if ((fd = rp_temp_create(dir, tmp, sizeof(tmp))) == -1) {
		e = errno;
		close(dir);
		return e;
	}
	if (write(fd, data, strlen(data)) != (ssize_t)strlen(data))
		e = errno;
	close(fd);
	if (e != 0)
		rp_discard(dir, tmp);
	else if (rp_commit(dir, tmp, base, replace) == -1)
		e = errno;
	close(dir);
	return e;
}

static void
expect_file(const char *rel, const char *data)
{
	char p[PATH_MAX * 2], buf[256];
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dest, rel);
	cr_assert_eq(lstat(p, &st), 0, "%s: %s", p, strerror(errno));
	cr_assert(S_ISREG(st.st_mode), "%s is not a file", p);
	cr_assert_eq(st.st_mode & 07777, 0600);
	cr_assert_neq(fd = open(p, O_RDONLY), -1);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	cr_assert_geq(n, 0);
	buf[n] = '\0';
	cr_assert_str_eq(buf, data);
}

TestSuite(restore_disk, .init = tree, .fini = untree);

Test(restore_disk, nested_file_appears_with_no_temporary_left)
{
	int d = rp_dest_open(dest);

	cr_assert_neq(d, -1);
	cr_assert_eq(restore_one(d, "a/b c/file\n1", "one", 1), 0);
	expect_file("a/b c/file\n1", "one");
	cr_assert_eq(entries(dest), 1);
	{
		char p[PATH_MAX * 2];

		snprintf(p, sizeof(p), "%s/a/b c", dest);
		cr_assert_eq(entries(p), 1, "a temporary file was left");
	}
	/* replace 0 leaves the existing file, and no temporary */
	cr_assert_eq(restore_one(d, "a/b c/file\n1", "two", 0), EEXIST);
	expect_file("a/b c/file\n1", "one");
	cr_assert_eq(restore_one(d, "a/b c/file\n1", "two", 1), 0);
	expect_file("a/b c/file\n1", "two");
	close(d);
}

Test(restore_disk, planted_directory_link_is_refused)
{
	char link[PATH_MAX * 2];
	int d = rp_dest_open(dest);

	snprintf(link, sizeof(link), "%s/etc", dest);
	cr_assert_eq(symlink(outside, link), 0);
	cr_assert_eq(restore_one(d, "etc/passwd", "owned", 1), ELOOP);
	cr_assert_eq(entries(outside), 0, "a file was written through a link");
	/* an absolute link, and a relative one out of the tree */
	unlink(link);
	cr_assert_eq(symlink("../outside", link), 0);
	cr_assert_eq(restore_one(d, "etc/x/passwd", "owned", 1), ELOOP);
	cr_assert_eq(entries(outside), 0, "a directory was made through a link");
	close(d);
}

Test(restore_disk, link_as_the_final_name_is_replaced_not_followed)
{
	char link[PATH_MAX * 2], target[PATH_MAX * 2];
	struct stat st;
	int d = rp_dest_open(dest), fd;

	snprintf(target, sizeof(target), "%s/target", outside);
	cr_assert_neq(fd = open(target, O_WRONLY | O_CREAT, 0600), -1);
	close(fd);
	snprintf(link, sizeof(link), "%s/f", dest);
	cr_assert_eq(symlink(target, link), 0);
	cr_assert_eq(restore_one(d, "f", "new", 0), EEXIST);
	cr_assert_eq(restore_one(d, "f", "new", 1), 0);
	expect_file("f", "new");
	cr_assert_eq(stat(target, &st), 0);
	cr_assert_eq(st.st_size, 0, "the link's target was written");
	close(d);
}

Test(restore_disk, file_where_a_directory_is_due)
{
	int d = rp_dest_open(dest);

	cr_assert_eq(restore_one(d, "a", "file", 1), 0);
	cr_assert_eq(restore_one(d, "a/b", "x", 1), ENOTDIR);
	expect_file("a", "file");
	close(d);
}

/*
 * A link swapped in and out while restores run: another process keeps
 * exchanging directory "a" with a link to outside. Each restore either
 * lands beneath dest or fails; nothing appears outside.
 */
Test(restore_disk, link_race_never_escapes)
{
	char a[PATH_MAX * 2], alink[PATH_MAX * 2], name[32];
	int d = rp_dest_open(dest), i, landed = 0, refused = 0, r;
	pid_t pid;

	snprintf(a, sizeof(a), "%s/a", dest);
	snprintf(alink, sizeof(alink), "%s/alink", dest);
	cr_assert_eq(mkdir(a, 0700), 0);
	cr_assert_eq(symlink(outside, alink), 0);
	cr_assert_neq(pid = fork(), -1);
	if (pid == 0) {
		for (;;)
			(void)renameat2(AT_FDCWD, a, AT_FDCWD, alink,
			    RENAME_EXCHANGE);
	}
	for (i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "a/f%d", i);
		r = restore_one(d, name, "x", 1);
		if (r == 0)
			landed++;
		else
			refused++;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	cr_assert_eq(entries(outside), 0, "a restore escaped through the link "
	    "(%d landed, %d refused)", landed, refused);
	cr_assert_gt(refused, 0, "the race never put the link in place");
	close(d);
}
