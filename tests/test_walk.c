/*
 * The file side's walk (src/files/walk.c) on a real tree: the order, the
 * odd names, links never followed, EXCLUDE.DIR pruning, SUBDIR NO, and a
 * directory swapped for a link while walks run.
 */
#define _GNU_SOURCE		/* renameat2 */
#include <criterion/criterion.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/files/walk.h"

static char top[PATH_MAX], root[PATH_MAX + 8], outside[PATH_MAX + 16];

struct seen {
	char	 text[16384];	/* "kind path\n" for every entry */
	size_t	 n;
	int	 escaped;	/* a path outside root */
};

static int
collect(void *arg, const struct walk_entry *e)
{
	struct seen *s = arg;
	const char *k = "?";

	if (strncmp(e->path, root, strlen(root)) != 0)
		s->escaped = 1;
	switch (e->what) {
	case WALK_ENTRY:
		k = S_ISDIR(e->st.st_mode) ? "d" : S_ISLNK(e->st.st_mode) ?
		    "l" : e->included ? "f" : "x";
		break;
	case WALK_EXCLUDED_DIR:
		k = "X";
		break;
	case WALK_MOUNT:
		k = "m";
		break;
	case WALK_ERROR:
		k = "E";
		break;
	}
	s->n += (size_t)snprintf(s->text + s->n, sizeof(s->text) - s->n,
	    "%s %s\n", k, e->path + strlen(root));
	return 0;
}

static void
mk(const char *rel, const char *data)
{
	char p[PATH_MAX * 2];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	if (data == NULL) {
		cr_assert_eq(mkdir(p, 0755), 0, "%s: %s", p, strerror(errno));
		return;
	}
	cr_assert_neq(fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644), -1);
	cr_assert_eq(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	close(fd);
}

static void
tree(void)
{
	char p[PATH_MAX * 2];

	snprintf(top, sizeof(top), "%s/bwk-walk.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	cr_assert_not_null(mkdtemp(top));
	snprintf(root, sizeof(root), "%s/root", top);
	snprintf(outside, sizeof(outside), "%s/outside", top);
	cr_assert_eq(mkdir(root, 0755), 0);
	cr_assert_eq(mkdir(outside, 0755), 0);
	snprintf(p, sizeof(p), "%s/secret", outside);
	cr_assert_eq(close(open(p, O_WRONLY | O_CREAT, 0600)), 0);
	mk("b", NULL);
	mk("b/z.txt", "z");
	mk("b/a.tmp", "tmp");
	mk("a", NULL);
	mk("a/empty", "");
	mk("a/with space", "s");
	mk("a/new\nline", "n");
	mk("a/\xff\xfe", "bytes");
	mk("cache", NULL);
	mk("cache/big", "big");
	snprintf(p, sizeof(p), "%s/link", root);
	cr_assert_eq(symlink(outside, p), 0);
}

static void
untree(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	(void)system(cmd);
}

TestSuite(walk, .init = tree, .fini = untree);

Test(walk, order_names_and_links)
{
	static struct seen s;
	struct walk_opts o = { NULL, 1, 0 };

	cr_assert_eq(walk_tree(root, &o, collect, &s), 0);
	cr_assert_str_eq(s.text,
	    "d \n"
	    "d /a\n"
	    "f /a/empty\n"
	    "f /a/new\nline\n"
	    "f /a/with space\n"
	    "f /a/\xff\xfe\n"
	    "d /b\n"
	    "f /b/a.tmp\n"
	    "f /b/z.txt\n"
	    "d /cache\n"
	    "f /cache/big\n"
	    "l /link\n");
	cr_assert_eq(s.escaped, 0);
}

Test(walk, statements_prune_and_mark)
{
	static struct seen s;
	char dir[PATH_MAX * 2], tmp[PATH_MAX * 2];
	struct ie_rule r[2];
	struct ie_list l = { r, 2 };
	struct walk_opts o = { &l, 1, 0 };

	snprintf(dir, sizeof(dir), "%s/cache", root);
	snprintf(tmp, sizeof(tmp), "%s/.../*.tmp", root);
	r[0] = (struct ie_rule){ IE_EXCLUDE_DIR, dir, "", 1 };
	r[1] = (struct ie_rule){ IE_EXCLUDE, tmp, "", 2 };
	cr_assert_eq(walk_tree(root, &o, collect, &s), 0);
	cr_assert_not_null(strstr(s.text, "X /cache\n"), "%s", s.text);
	cr_assert_null(strstr(s.text, "/cache/big"), "%s", s.text);
	cr_assert_not_null(strstr(s.text, "x /b/a.tmp\n"), "%s", s.text);
	cr_assert_not_null(strstr(s.text, "f /b/z.txt\n"), "%s", s.text);
}

Test(walk, subdir_no_is_the_root_alone)
{
	static struct seen s;
	struct walk_opts o = { NULL, 0, 0 };

	cr_assert_eq(walk_tree(root, &o, collect, &s), 0);
	cr_assert_str_eq(s.text, "d \n");
	cr_assert_eq(walk_tree("relative/path", &o, collect, &s), -1);
	cr_assert_eq(errno, EINVAL);
}

static int
stop_at_b(void *arg, const struct walk_entry *e)
{
	(void)arg;
	return strstr(e->path, "/b") != NULL ? 7 : 0;
}

Test(walk, callback_stops_it)
{
	struct walk_opts o = { NULL, 1, 0 };

	cr_assert_eq(walk_tree(root, &o, stop_at_b, NULL), 7);
}

Test(walk, unreadable_directory_is_reported_and_the_walk_goes_on)
{
	static struct seen s;
	char p[PATH_MAX * 2];
	struct walk_opts o = { NULL, 1, 0 };

	if (geteuid() == 0)
		cr_skip_test("root reads a directory of mode 000; run as a "
		    "user to test this");
	snprintf(p, sizeof(p), "%s/b", root);
	cr_assert_eq(chmod(p, 0), 0);
	cr_assert_eq(walk_tree(root, &o, collect, &s), 0);
	chmod(p, 0755);
	cr_assert_not_null(strstr(s.text, "E /b\n"), "%s", s.text);
	cr_assert_not_null(strstr(s.text, "f /cache/big\n"), "%s", s.text);
}

/* Directory "a" keeps being exchanged with a link to outside. */
Test(walk, swapped_directory_never_leads_outside)
{
	static struct seen s;
	char a[PATH_MAX * 2], alink[PATH_MAX * 2];
	struct walk_opts o = { NULL, 1, 0 };
	pid_t pid;
	int i;

	snprintf(a, sizeof(a), "%s/a", root);
	snprintf(alink, sizeof(alink), "%s/alink", root);
	cr_assert_eq(symlink(outside, alink), 0);
	cr_assert_neq(pid = fork(), -1);
	if (pid == 0)
		for (;;)
			(void)renameat2(AT_FDCWD, a, AT_FDCWD, alink,
			    RENAME_EXCHANGE);
	for (i = 0; i < 300; i++) {
		s.n = 0;
		s.text[0] = '\0';
		cr_assert_eq(walk_tree(root, &o, collect, &s), 0);
		cr_assert_null(strstr(s.text, "secret"), "the walk followed a "
		    "link: %s", s.text);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	cr_assert_eq(s.escaped, 0);
}

/* A selective backup of a directory without SUBDIR: its own entries, its
 * subdirectories named but not entered. */
Test(walk, one_level_names_subdirectories_without_entering)
{
	static struct seen s;
	struct walk_opts o = { NULL, 1, 1 };

	cr_assert_eq(walk_tree(root, &o, collect, &s), 0);
	cr_assert_str_eq(s.text,
	    "d \n"
	    "d /a\n"
	    "d /b\n"
	    "d /cache\n"
	    "l /link\n");
}
