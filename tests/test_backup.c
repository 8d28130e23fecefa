/*
 * The backup commands end to end: bulwark incremental, selective, query
 * backup, query filespace, restore and delete backup against a real
 * bulwarkd on loopback, with the real SQLite catalog and content files,
 * and the client as its two processes (file side and network process).
 */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "srvfix.h"
#include "nodefix.h"

static void setup(void) { t_tmpdir(); }
static void teardown(void) { t_cleanup(); }

TestSuite(backup, .init = setup, .fini = teardown, .timeout = 120);

/* The tree the tests back up: odd names, a link, an empty file, a
 * sparse file, one of a few MiB, a subdirectory. */
static void
make_tree(const char *src)
{
	char p[700];
	uint8_t *big;
	size_t i;
	int fd;

	cr_assert_eq(mkdir(src, 0755), 0);
	snprintf(p, sizeof(p), "%s/sub", src);
	cr_assert_eq(mkdir(p, 0750), 0);
	snprintf(p, sizeof(p), "%s/a.txt", src);
	mkfile(p, "hello\n", 6, 0644);
	snprintf(p, sizeof(p), "%s/sub/b.txt", src);
	mkfile(p, "world\n", 6, 0600);
	snprintf(p, sizeof(p), "%s/with space", src);
	mkfile(p, "s", 1, 0644);
	snprintf(p, sizeof(p), "%s/new\nline", src);
	mkfile(p, "n", 1, 0644);
	snprintf(p, sizeof(p), "%s/bad\xff" "utf8", src);
	mkfile(p, "u", 1, 0644);
	snprintf(p, sizeof(p), "%s/empty", src);
	mkfile(p, "", 0, 0640);
	snprintf(p, sizeof(p), "%s/link", src);
	cr_assert_eq(symlink("a.txt", p), 0);
	snprintf(p, sizeof(p), "%s/dangling", src);
	cr_assert_eq(symlink("/nonexistent/x", p), 0);
	/* 3 MiB and a bit: many DATA frames, a short last one */
	big = malloc(3 * 1024 * 1024 + 123);
	for (i = 0; i < 3 * 1024 * 1024 + 123; i++)
		big[i] = (uint8_t)(i * 2654435761u >> 13);
	snprintf(p, sizeof(p), "%s/big.bin", src);
	mkfile(p, big, 3 * 1024 * 1024 + 123, 0644);
	free(big);
	/* 64 MiB, nearly all hole */
	snprintf(p, sizeof(p), "%s/sparse", src);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert(fd != -1);
	cr_assert_eq(pwrite(fd, "tail", 4, 64 * 1024 * 1024 - 4), 4);
	cr_assert_eq(pwrite(fd, "head", 4, 0), 4);
	close(fd);
}

/* Every entry of a and b: the same type, bytes, mode, mtime, target. */
static void
same_tree(const char *a, const char *b, const char *rel)
{
	char pa[1200], pb[1200], ta[600], tb[600], sub[800];
	struct stat sa, sb;
	struct dirent *d;
	DIR *dir;
	ssize_t na, nb;

	snprintf(pa, sizeof(pa), "%s%s", a, rel);
	snprintf(pb, sizeof(pb), "%s%s", b, rel);
	cr_assert_eq(lstat(pa, &sa), 0, "%s", pa);
	cr_assert_eq(lstat(pb, &sb), 0, "restored %s is missing", pb);
	/* the destination itself is made by the restore, not restored */
	if (rel[0] == '\0')
		goto entries;
	cr_assert_eq(sa.st_mode, sb.st_mode, "%s: mode %o, restored %o", rel,
	    sa.st_mode, sb.st_mode);
	if (S_ISLNK(sa.st_mode)) {
		na = readlink(pa, ta, sizeof(ta));
		nb = readlink(pb, tb, sizeof(tb));
		cr_assert(na > 0 && na == nb && memcmp(ta, tb, (size_t)na) == 0,
		    "%s: link target", rel);
		return;
	}
	cr_assert_eq(sa.st_mtim.tv_sec, sb.st_mtim.tv_sec, "%s: mtime", rel);
	cr_assert_eq(sa.st_mtim.tv_nsec, sb.st_mtim.tv_nsec, "%s: mtime ns",
	    rel);
	if (S_ISREG(sa.st_mode)) {
		cr_assert_eq(sa.st_size, sb.st_size, "%s: size", rel);
		cr_assert(t_same_file(pa, pb), "%s: contents differ", rel);
		return;
	}
entries:
	cr_assert(S_ISDIR(sa.st_mode));
	cr_assert((dir = opendir(pa)) != NULL);
	while ((d = readdir(dir)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", rel, d->d_name);
		same_tree(a, b, sub);
	}
	closedir(dir);
}


Test(backup, selective_then_restore_elsewhere_gives_every_byte_and_mode)
{
	struct srv v;
	struct run r;
	char src[600], dst[600], pat[700], p[800];
	struct stat st;
	const char *sys = node_setup(&v, NULL);

	snprintf(src, sizeof(src), "%s/src", t_tmpdir());
	snprintf(dst, sizeof(dst), "%s/dst", t_tmpdir());
	make_tree(src);
	client(&r, sys, (const char *[]){ "selective", src, "-subdir=yes",
	    "--json", NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	/* the directory itself and its 11 entries */
	cr_assert(t_contains(r.out, "\"backed_up\":12"), "%s", r.out);
	cr_assert(t_contains(r.out, "\"failed\":0"), "%s", r.out);

	snprintf(pat, sizeof(pat), "%s/", src);
	client(&r, sys, (const char *[]){ "restore", pat, dst, "-subdir=yes",
	    NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	same_tree(src, dst, "");
	no_temp_files(dst);
	/* the hole came back as a hole */
	snprintf(p, sizeof(p), "%s/sparse", dst);
	cr_assert_eq(stat(p, &st), 0);
	cr_assert_eq(st.st_size, 64 * 1024 * 1024);
	cr_assert_lt(st.st_blocks * 512, 4 * 1024 * 1024, "%lld blocks",
	    (long long)st.st_blocks);
	t_peer_stop(&v.p);
}

Test(backup, query_backup_lists_versions_and_json_escapes_names)
{
	struct srv v;
	struct run r;
	char src[600], pat[700];
	const char *sys = node_setup(&v, NULL);

	snprintf(src, sizeof(src), "%s/src", t_tmpdir());
	make_tree(src);
	client(&r, sys, (const char *[]){ "selective", src, "-subdir=yes",
	    NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	snprintf(pat, sizeof(pat), "%s/*", src);
	client(&r, sys, (const char *[]){ "query", "backup", pat, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "a.txt"), "%s", r.out);
	cr_assert(t_contains(r.out, "link -> a.txt"), "%s", r.out);
	/* the newline is shown as '?', not printed */
	cr_assert(t_contains(r.out, "new?line"), "%s", r.out);
	cr_assert(!t_contains(r.out, "b.txt"), "no -subdir: %s", r.out);
	client(&r, sys, (const char *[]){ "query", "backup", pat,
	    "-subdir=yes", "--json", NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "b.txt\""), "%s", r.out);
	cr_assert(t_contains(r.out, "new\\u000aline"), "%s", r.out);
	cr_assert(t_contains(r.out, "bad\\u00ffutf8"), "%s", r.out);
	cr_assert(t_contains(r.out, "\"state\":\"active\""), "%s", r.out);
	client(&r, sys, (const char *[]){ "query", "filespace", NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "First Backup"), "%s", r.out);
	t_peer_stop(&v.p);
}

/* The second incremental sends only what changed, and makes inactive
 * what was deleted here. */
Test(backup, incremental_sends_only_what_changed)
{
	struct srv v;
	struct run r;
	char src[600], p[700], pat[700];
	const char *sys = node_setup(&v, NULL);
	struct timespec later[2] = { { 0, UTIME_OMIT }, { 2000000000, 0 } };

	snprintf(src, sizeof(src), "%s/src", t_tmpdir());
	make_tree(src);
	client(&r, sys, (const char *[]){ "incremental", src, "--json",
	    NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "\"backed_up\":12"), "%s", r.out);
	client(&r, sys, (const char *[]){ "incremental", src, "--json",
	    NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "\"backed_up\":0"), "%s", r.out);
	cr_assert(t_contains(r.out, "\"unchanged\":12"), "%s", r.out);
	/* one file's contents (its directory does not change), one file
	 * deleted (its directory does) */
	snprintf(p, sizeof(p), "%s/sub/b.txt", src);
	mkfile(p, "world, changed\n", 15, 0600);
	snprintf(p, sizeof(p), "%s/sub", src);
	cr_assert_eq(utimensat(AT_FDCWD, p, later, 0), 0);
	snprintf(p, sizeof(p), "%s/with space", src);
	cr_assert_eq(unlink(p), 0);
	client(&r, sys, (const char *[]){ "incremental", src, "--json",
	    NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	/* b.txt, sub (its time), src (an entry went) */
	cr_assert(t_contains(r.out, "\"backed_up\":3"), "%s", r.out);
	cr_assert(t_contains(r.out, "\"deactivated\":1"), "%s", r.out);
	snprintf(pat, sizeof(pat), "%s/with space", src);
	client(&r, sys, (const char *[]){ "query", "backup", pat, "-inactive",
	    "--json", NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "\"state\":\"inactive\""), "%s", r.out);
	cr_assert(!t_contains(r.out, "\"state\":\"active\""), "%s", r.out);
	t_peer_stop(&v.p);
}

/* Only the file side opens files, and the old version stays restorable
 * when a new one is made. */
Test(backup, restore_inactive_gives_the_previous_version)
{
	struct srv v;
	struct run r;
	char src[600], dst[600], p[800];
	uint8_t *b;
	size_t n;
	const char *sys = node_setup(&v, NULL);

	snprintf(src, sizeof(src), "%s/src", t_tmpdir());
	snprintf(dst, sizeof(dst), "%s/dst", t_tmpdir());
	cr_assert_eq(mkdir(src, 0755), 0);
	snprintf(p, sizeof(p), "%s/f", src);
	mkfile(p, "version one\n", 12, 0644);
	client(&r, sys, (const char *[]){ "selective", p, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	mkfile(p, "version two, longer\n", 20, 0644);
	client(&r, sys, (const char *[]){ "selective", p, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	client(&r, sys, (const char *[]){ "query", "backup", p, "-inactive",
	    "--json", NULL });
	cr_assert(t_contains(r.out, "\"state\":\"inactive\""), "%s", r.out);
	/* the newest is the active one */
	client(&r, sys, (const char *[]){ "restore", p, dst, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	snprintf(p, sizeof(p), "%s/f", dst);
	cr_assert_eq(t_read(p, &b, &n), 0);
	cr_assert(n == 20 && memcmp(b, "version two", 11) == 0);
	free(b);
	t_peer_stop(&v.p);
}

Test(backup, restore_does_not_replace_unless_told)
{
	struct srv v;
	struct run r;
	char src[600], p[800];
	uint8_t *b;
	size_t n;
	const char *sys = node_setup(&v, NULL);

	snprintf(src, sizeof(src), "%s/src", t_tmpdir());
	cr_assert_eq(mkdir(src, 0755), 0);
	snprintf(p, sizeof(p), "%s/f", src);
	mkfile(p, "backed up\n", 10, 0644);
	client(&r, sys, (const char *[]){ "selective", p, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	mkfile(p, "local edit\n", 11, 0644);
	/* to the original place: no terminal, so not replaced */
	client(&r, sys, (const char *[]){ "restore", p, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "BWK1764I"), "%s", r.out);
	cr_assert_eq(t_read(p, &b, &n), 0);
	cr_assert(n == 11 && memcmp(b, "local edit", 10) == 0);
	free(b);
	client(&r, sys, (const char *[]){ "restore", p, "-replace=yes", NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert_eq(t_read(p, &b, &n), 0);
	cr_assert(n == 10 && memcmp(b, "backed up", 9) == 0);
	free(b);
	no_temp_files(src);
	t_peer_stop(&v.p);
}

/* A content file damaged on the server's disk: the restore of that file
 * is refused, nothing appears under its name, the others are restored. */
Test(backup, restore_of_damaged_content_is_refused_and_nothing_appears)
{
	struct srv v;
	struct run r;
	char src[600], dst[600], p[800], cmd[1200];
	const char *sys = node_setup(&v, NULL);

	snprintf(src, sizeof(src), "%s/src", t_tmpdir());
	snprintf(dst, sizeof(dst), "%s/dst", t_tmpdir());
	cr_assert_eq(mkdir(src, 0755), 0);
	snprintf(p, sizeof(p), "%s/victim", src);
	mkfile(p, "precious bytes\n", 15, 0644);
	client(&r, sys, (const char *[]){ "selective", p, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	snprintf(p, sizeof(p), "%s/other", src);
	mkfile(p, "fine\n", 5, 0644);
	client(&r, sys, (const char *[]){ "selective", p, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	/* the one content file of 15 bytes: one byte changed */
	snprintf(cmd, sizeof(cmd), "f=$(find %s/data -type f -size 15c); "
	    "test -n \"$f\" && printf X | dd of=\"$f\" bs=1 seek=3 "
	    "conv=notrunc 2>/dev/null", v.dir);
	cr_assert_eq(system(cmd), 0);
	snprintf(p, sizeof(p), "%s/", src);
	client(&r, sys, (const char *[]){ "restore", p, dst, NULL });
	cr_assert_eq(r.status, 12, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "victim"), "%s", r.err);
	snprintf(p, sizeof(p), "%s/victim", dst);
	cr_assert_neq(access(p, F_OK), 0, "a damaged file appeared");
	snprintf(p, sizeof(p), "%s/other", dst);
	cr_assert_eq(access(p, F_OK), 0, "%s", r.err);
	no_temp_files(dst);
	t_peer_stop(&v.p);
}

Test(backup, delete_backup_makes_inactive_and_asks_without_noprompt)
{
	struct srv v;
	struct run r;
	char src[600], p[800];
	const char *sys = node_setup(&v, NULL);

	snprintf(src, sizeof(src), "%s/src", t_tmpdir());
	cr_assert_eq(mkdir(src, 0755), 0);
	snprintf(p, sizeof(p), "%s/f", src);
	mkfile(p, "x", 1, 0644);
	client(&r, sys, (const char *[]){ "selective", p, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	/* no terminal: refused before any connection */
	client(&r, sys, (const char *[]){ "delete", "backup", p, NULL });
	cr_assert_eq(r.status, 2, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "-noprompt"), "%s", r.err);
	client(&r, sys, (const char *[]){ "delete", "backup", p, "-noprompt",
	    NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	client(&r, sys, (const char *[]){ "query", "backup", p, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "BWK1756I"), "%s%s", r.out, r.err);
	client(&r, sys, (const char *[]){ "query", "backup", p, "-inactive",
	    NULL });
	cr_assert(t_contains(r.out, "  I  "), "%s", r.out);
	t_peer_stop(&v.p);
}

/* ERRORLOGNAME: a file that cannot be backed up is named there, and the
 * rest goes on; a FIFO is skipped. */
Test(backup, a_failed_file_is_logged_and_the_rest_goes_on)
{
	struct srv v;
	struct run r;
	char src[600], p[800], extra[800];
	uint8_t *b;
	size_t n;
	const char *sys;

	snprintf(src, sizeof(src), "%s/src", t_tmpdir());
	snprintf(extra, sizeof(extra), " ERRORLOGNAME %s/errors.log\n",
	    t_tmpdir());
	sys = node_setup(&v, extra);
	cr_assert_eq(mkdir(src, 0755), 0);
	snprintf(p, sizeof(p), "%s/ok", src);
	mkfile(p, "x", 1, 0644);
	snprintf(p, sizeof(p), "%s/fifo", src);
	cr_assert_eq(mkfifo(p, 0644), 0);
	snprintf(p, sizeof(p), "%s/missing", src);
	client(&r, sys, (const char *[]){ "selective", src, p, "--json",
	    NULL });
	cr_assert_eq(r.status, 12, "%s%s", r.out, r.err);
	/* --json: every message on standard error */
	cr_assert(t_contains(r.err, "BWK1744I"), "%s", r.err);
	cr_assert(t_contains(r.err, "BWK1751E"), "%s", r.err);
	cr_assert(t_contains(r.out, "\"backed_up\":2"), "%s", r.out);
	snprintf(p, sizeof(p), "%s/errors.log", t_tmpdir());
	cr_assert_eq(t_read(p, &b, &n), 0);
	cr_assert(memmem(b, n, "BWK1751E", 8) != NULL);
	cr_assert(memmem(b, n, "missing", 7) != NULL);
	free(b);
	t_peer_stop(&v.p);
}

/* Sixteen clients back up at once, each its own tree, and each tree
 * comes back whole. */
Test(backup, sixteen_clients_at_once)
{
	struct srv v;
	struct run r;
	char src[700], dst[700], p[800], pat[800];
	const char *sys = node_setup(&v, NULL);
	pid_t pid[16];
	int i, j, st;

	for (i = 0; i < 16; i++) {
		snprintf(src, sizeof(src), "%s/s%d", t_tmpdir(), i);
		cr_assert_eq(mkdir(src, 0755), 0);
		for (j = 0; j < 5; j++) {
			char data[64];

			snprintf(p, sizeof(p), "%s/f%d", src, j);
			snprintf(data, sizeof(data), "client %d file %d\n", i, j);
			mkfile(p, data, strlen(data), 0644);
		}
	}
	/* all sixteen take the server on first use at once: one pins, the
	 * others find the same certificate pinned (BWK0569I) */
	for (i = 0; i < 16; i++) {
		if ((pid[i] = fork()) == 0) {
			snprintf(src, sizeof(src), "%s/s%d", t_tmpdir(), i);
			client(&r, sys, (const char *[]){ "selective", src,
			    NULL });
			/* what went wrong, for the assertion below */
			if (r.status != 0)
				fprintf(stderr, "client %d (status %d):\n%s%s",
				    i, r.status, r.out, r.err);
			_exit(r.status);
		}
		cr_assert(pid[i] > 0);
	}
	for (i = 0; i < 16; i++) {
		cr_assert_eq(waitpid(pid[i], &st, 0), pid[i]);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "client %d: "
		    "status %d", i, st);
	}
	for (i = 0; i < 16; i++) {
		snprintf(src, sizeof(src), "%s/s%d", t_tmpdir(), i);
		snprintf(dst, sizeof(dst), "%s/d%d", t_tmpdir(), i);
		snprintf(pat, sizeof(pat), "%s/", src);
		client(&r, sys, (const char *[]){ "restore", pat, dst, NULL });
		cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
		for (j = 0; j < 5; j++) {
			char a[800], b[800];

			snprintf(a, sizeof(a), "%s/f%d", src, j);
			snprintf(b, sizeof(b), "%s/f%d", dst, j);
			cr_assert(t_same_file(a, b), "%s", b);
		}
	}
	t_peer_stop(&v.p);
}

/* A big file whose bytes say which version it is, at a few offsets. */
static void
big_version(const char *path, char v)
{
	static const off_t at[] = { 0, 100 << 20, 255 << 20 };
	char mark[64];
	size_t i;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert(fd != -1);
	cr_assert_eq(ftruncate(fd, 256 << 20), 0);
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		snprintf(mark, sizeof(mark), "version %c at %lld\n", v,
		    (long long)at[i]);
		cr_assert_eq(pwrite(fd, mark, strlen(mark), at[i]),
		    (ssize_t)strlen(mark));
	}
	close(fd);
}

/*
 * Sessions killed (kill -9) in the middle of a backup, the client's
 * network process and file side or the server's session process, at
 * several points: the catalog stays consistent (bulwarkd audit after a
 * restart, which reaps what the killed sessions left pending), no
 * temporary file survives, and the active version is whole: the old one,
 * or the new one, never a mix.
 */
Test(backup, sessions_killed_midway_leave_the_old_version_restorable,
    .timeout = 240)
{
	static const int delay_ms[] = { 30, 120, 250, 400, 700, 1000 };
	struct srv v;
	struct run r;
	char src[600], f[700], dst[700], out[800], mark[64];
	const char *sys = node_setup(&v, NULL);
	const char *audit[] = { "--instance", v.dir, "audit", NULL };
	uint8_t *b;
	size_t i, n;
	pid_t pid, victim;
	int fd;

	snprintf(src, sizeof(src), "%s/src", t_tmpdir());
	cr_assert_eq(mkdir(src, 0755), 0);
	snprintf(f, sizeof(f), "%s/big", src);
	big_version(f, '1');
	client(&r, sys, (const char *[]){ "selective", f, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	big_version(f, '2');
	for (i = 0; i < sizeof(delay_ms) / sizeof(delay_ms[0]); i++) {
		struct timespec ts = { delay_ms[i] / 1000,
		    (delay_ms[i] % 1000) * 1000000L };
		const char *argv[] = { "selective", f, "--sysfile", sys, NULL };

		pid = t_spawn("bulwark", argv, &fd);
		nanosleep(&ts, NULL);
		/* odd runs: the server's session; even: the client's two */
		victim = i % 2 ? t_child_of(v.p.pid) : t_child_of(pid);
		if (victim > 0)
			kill(victim, SIGKILL);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		close(fd);
	}
	/* a restart reaps what the killed sessions left pending */
	t_peer_stop(&v.p);
	srv_start(&v);
	t_peer_stop(&v.p);
	t_run(&r, "bulwarkd", audit, NULL);
	cr_assert_eq(r.status, 0, "audit after the restart: %s%s", r.out,
	    r.err);
	srv_start(&v);
	snprintf(dst, sizeof(dst), "%s/dst", t_tmpdir());
	client(&r, sys, (const char *[]){ "restore", f, dst, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	snprintf(out, sizeof(out), "%s/big", dst);
	cr_assert_eq(t_read(out, &b, &n), 0);
	cr_assert_eq(n, (size_t)256 << 20);
	/* whole: the three marks of one version */
	cr_assert(b[8] == '1' || b[8] == '2', "%.20s", b);
	snprintf(mark, sizeof(mark), "version %c at %lld\n", b[8],
	    (long long)(255 << 20));
	cr_assert(memcmp(b + (255 << 20), mark, strlen(mark)) == 0,
	    "a version mixed of two");
	snprintf(mark, sizeof(mark), "version %c at %lld\n", b[8],
	    (long long)(100 << 20));
	cr_assert(memcmp(b + (100 << 20), mark, strlen(mark)) == 0,
	    "a version mixed of two");
	free(b);
	no_temp_files(dst);
	t_peer_stop(&v.p);
}

/* A symbolic link planted in the destination: nothing is written
 * through it, the rest is restored. */
Test(backup, restore_writes_nothing_through_a_link_in_the_destination)
{
	struct srv v;
	struct run r;
	char src[600], dst[600], outside[600], p[800], pat[700];
	const char *sys = node_setup(&v, NULL);

	snprintf(src, sizeof(src), "%s/src", t_tmpdir());
	snprintf(dst, sizeof(dst), "%s/dst", t_tmpdir());
	snprintf(outside, sizeof(outside), "%s/outside", t_tmpdir());
	make_tree(src);
	client(&r, sys, (const char *[]){ "selective", src, "-subdir=yes",
	    NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert_eq(mkdir(dst, 0700), 0);
	cr_assert_eq(mkdir(outside, 0700), 0);
	snprintf(p, sizeof(p), "%s/sub", dst);
	cr_assert_eq(symlink(outside, p), 0);
	snprintf(pat, sizeof(pat), "%s/", src);
	client(&r, sys, (const char *[]){ "restore", pat, dst, "-subdir=yes",
	    NULL });
	cr_assert_eq(r.status, 12, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1763E") || t_contains(r.err,
	    "BWK1761E"), "%s", r.err);
	snprintf(p, sizeof(p), "%s/b.txt", outside);
	cr_assert_neq(access(p, F_OK), 0, "written through the link");
	snprintf(p, sizeof(p), "%s/a.txt", dst);
	cr_assert_eq(access(p, F_OK), 0, "%s", r.err);
	no_temp_files(outside);
	t_peer_stop(&v.p);
}

/* A file written to all the while it is read: sent again once, then
 * reported (BWK1746E), nothing of it stored, the rest backed up. */
Test(backup, a_file_that_keeps_changing_is_reported_not_stored)
{
	struct srv v;
	struct run r;
	char src[600], p[800], q[800];
	const char *sys = node_setup(&v, NULL);
	pid_t writer;
	int fd;

	snprintf(src, sizeof(src), "%s/src", t_tmpdir());
	cr_assert_eq(mkdir(src, 0755), 0);
	snprintf(q, sizeof(q), "%s/steady", src);
	mkfile(q, "steady\n", 7, 0644);
	snprintf(p, sizeof(p), "%s/log", src);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert(fd != -1);
	cr_assert_eq(ftruncate(fd, 32 << 20), 0);
	if ((writer = fork()) == 0) {
		/* a log that never stops growing */
		for (;;) {
			if (write(fd, "line\n", 5) != 5)
				_exit(1);
			usleep(200);
		}
	}
	client(&r, sys, (const char *[]){ "selective", p, q, "--json", NULL });
	kill(writer, SIGKILL);
	waitpid(writer, NULL, 0);
	close(fd);
	cr_assert_eq(r.status, 12, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1746E"), "%s", r.err);
	cr_assert(t_contains(r.out, "\"backed_up\":1"), "%s", r.out);
	client(&r, sys, (const char *[]){ "query", "backup", p, "-inactive",
	    NULL });
	cr_assert(t_contains(r.out, "BWK1756I"), "stored: %s", r.out);
	t_peer_stop(&v.p);
}

/* A restore to where the files were is not led elsewhere by a link put
 * in place of their directory, and leaves the modes of directories that
 * are there alone. */
Test(backup, restore_in_place_follows_no_link_and_keeps_existing_dirs)
{
	struct srv v;
	struct run r;
	char src[600], docs[700], outside[600], p[800], pat[800];
	struct stat st;
	const char *sys = node_setup(&v, NULL);

	snprintf(src, sizeof(src), "%s/src", t_tmpdir());
	snprintf(docs, sizeof(docs), "%s/docs", src);
	snprintf(outside, sizeof(outside), "%s/outside", t_tmpdir());
	cr_assert_eq(mkdir(src, 0755), 0);
	cr_assert_eq(mkdir(docs, 0750), 0);
	cr_assert_eq(mkdir(outside, 0700), 0);
	snprintf(p, sizeof(p), "%s/f", docs);
	mkfile(p, "doc\n", 4, 0644);
	client(&r, sys, (const char *[]){ "selective", src, "-subdir=yes",
	    NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	/* docs/ there with another mode: kept without -replace=yes */
	cr_assert_eq(chmod(docs, 0700), 0);
	cr_assert_eq(unlink(p), 0);
	snprintf(pat, sizeof(pat), "%s/", src);
	client(&r, sys, (const char *[]){ "restore", pat, "-subdir=yes",
	    NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert_eq(stat(docs, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0700, "mode %o", st.st_mode & 07777);
	cr_assert_eq(access(p, F_OK), 0, "%s", r.err);
	/* docs replaced by a link to outside */
	cr_assert_eq(unlink(p), 0);
	cr_assert_eq(rmdir(docs), 0);
	cr_assert_eq(symlink(outside, docs), 0);
	snprintf(pat, sizeof(pat), "%s/", docs);
	client(&r, sys, (const char *[]){ "restore", pat, "-replace=yes",
	    NULL });
	cr_assert_eq(r.status, 12, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1765E"), "%s", r.err);
	snprintf(p, sizeof(p), "%s/f", outside);
	cr_assert_neq(access(p, F_OK), 0, "written through the link");
	t_peer_stop(&v.p);
}

/* A restore stopped by a signal (the test build raises it before the
 * fourth object): it ends after the object in progress, says so, and
 * leaves no temporary file; what it restored is whole. */
Test(backup, a_stopped_restore_ends_cleanly)
{
	struct srv v;
	struct run r;
	char src[600], dst[600], p[800], pat[700];
	const char *sys = node_setup(&v, NULL);
	const char *env[] = { "BULWARK_TEST_STOP_AT=3", NULL };
	const char *argv[] = { "restore", pat, dst, "--sysfile", sys, NULL };
	int i, n = 0;

	snprintf(src, sizeof(src), "%s/src", t_tmpdir());
	snprintf(dst, sizeof(dst), "%s/dst", t_tmpdir());
	cr_assert_eq(mkdir(src, 0755), 0);
	for (i = 0; i < 8; i++) {
		snprintf(p, sizeof(p), "%s/f%d", src, i);
		mkfile(p, "contents\n", 9, 0644);
	}
	client(&r, sys, (const char *[]){ "selective", src, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	snprintf(pat, sizeof(pat), "%s/", src);
	t_run(&r, "bulwark", argv, env);
	cr_assert_eq(r.status, 12, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1768W"), "%s", r.err);
	for (i = 0; i < 8; i++) {
		char a[800];

		snprintf(p, sizeof(p), "%s/f%d", dst, i);
		snprintf(a, sizeof(a), "%s/f%d", src, i);
		if (access(p, F_OK) == 0) {
			cr_assert(t_same_file(a, p), "%s", p);
			n++;
		}
	}
	cr_assert_eq(n, 3, "%d files restored before the stop", n);
	no_temp_files(dst);
	t_peer_stop(&v.p);
}
