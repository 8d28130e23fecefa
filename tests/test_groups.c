/*
 * Objects sent without waiting and stored in groups (docs/protocol.md,
 * "Groups"): a tree of small files, directories, links and files too
 * large to hold comes back whole; refusals inside a group reach the
 * objects they are for, in order; a session killed with answers due
 * reports each object it has no answer for, and whatever the client saw
 * stored is restorable after the server's restart and audit.
 */
#define _GNU_SOURCE	/* memmem */
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "nodefix.h"
#include "srvfix.h"

#define NFILES	300

/* File i's size: most small, a few past what the server holds (64 KiB),
 * some empty. */
static size_t
size_of(int i)
{
	if (i % 50 == 7)
		return 70000 + (size_t)i;
	return (size_t)(i * 37) % 5000;
}

static void
content_of(int i, uint8_t *b, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		b[k] = (uint8_t)(i * 131 + k * 7 + (k >> 9));
}

/* NFILES files in ten directories, and a link, beneath src. */
static void
make_tree(const char *src, int nfiles)
{
	static uint8_t b[80000];
	char p[800];
	int i;

	cr_assert_eq(mkdir(src, 0755), 0);
	for (i = 0; i < 10; i++) {
		snprintf(p, sizeof(p), "%s/d%d", src, i);
		cr_assert_eq(mkdir(p, 0750), 0);
	}
	for (i = 0; i < nfiles; i++) {
		size_t n = size_of(i);

		content_of(i, b, n);
		snprintf(p, sizeof(p), "%s/d%d/f%04d", src, i % 10, i);
		mkfile(p, b, n, 0640);
	}
	snprintf(p, sizeof(p), "%s/d0/link", src);
	cr_assert_eq(symlink("f0000", p), 0);
}

static void
same_tree(const char *dst, int nfiles)
{
	static uint8_t want[80000];
	char p[800], t[64];
	uint8_t *b;
	size_t n;
	ssize_t k;
	int i;

	for (i = 0; i < nfiles; i++) {
		snprintf(p, sizeof(p), "%s/d%d/f%04d", dst, i % 10, i);
		cr_assert_eq(t_read(p, &b, &n), 0, "%s: %s", p, strerror(errno));
		content_of(i, want, size_of(i));
		cr_assert_eq(n, size_of(i), "%s", p);
		cr_assert(n == 0 || memcmp(b, want, n) == 0, "%s differs", p);
		free(b);
	}
	snprintf(p, sizeof(p), "%s/d0/link", dst);
	k = readlink(p, t, sizeof(t) - 1);
	cr_assert_eq(k, 5);
	cr_assert(memcmp(t, "f0000", 5) == 0);
}

/* "Total number of objects backed up: N" */
static long
backed_up(const char *out)
{
	const char *p = strstr(out, "objects backed up:");

	cr_assert_not_null(p, "%s", out);
	return strtol(p + strlen("objects backed up:"), NULL, 10);
}

/* restore SRC/ DST -subdir=yes: the tree beneath src into dst */
static void
restore_tree(const char *sys, const char *src, const char *dst)
{
	struct run r;
	char pat[700];

	snprintf(pat, sizeof(pat), "%s/", src);
	client(&r, sys, (const char *[]){ "restore", "-subdir=yes", pat, dst,
	    NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
}

static void
audit_passes(struct srv *v)
{
	const char *audit[] = { "--instance", v->dir, "audit", NULL };
	struct run r;

	t_run(&r, "bulwarkd", audit, NULL);
	cr_assert_eq(r.status, 0, "audit: %s%s", r.out, r.err);
}

Test(groups, small_files_dirs_links_and_large_files_come_back_whole,
    .timeout = 120)
{
	struct srv v;
	struct run r;
	char src[600], dst[600], want[64];
	const char *sys = node_setup(&v, NULL);

	snprintf(src, sizeof(src), "%s/src", t_tmpdir());
	snprintf(dst, sizeof(dst), "%s/dst", t_tmpdir());
	make_tree(src, NFILES);
	client(&r, sys, (const char *[]){ "incremental", src, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	/* the files, the ten directories, the link and src itself */
	snprintf(want, sizeof(want), "objects stored: %d", NFILES + 12);
	cr_assert(t_contains(srv_log_wait(&v, "BWK1520I"), want), "%s",
	    srv_log(&v));
	restore_tree(sys, src, dst);
	same_tree(dst, NFILES);
	no_temp_files(dst);
	/* nothing changed: nothing sent */
	client(&r, sys, (const char *[]){ "incremental", src, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert_eq(backed_up(r.out), 0, "%s", r.out);
	t_peer_stop(&v.p);
	audit_passes(&v);
}

/* A failing disk: every FILE of every group is refused, each under its
 * own name, the directories are stored, and only the empty file (no
 * write to fail) has a content file. */
Test(groups, refusals_inside_a_group_reach_their_own_objects,
    .timeout = 120)
{
	struct srv v;
	struct run r;
	char src[600], name[64];
	const char *sys = node_setup(&v, NULL);
	int i;

	snprintf(src, sizeof(src), "%s/src", t_tmpdir());
	make_tree(src, NFILES);
	t_peer_stop(&v.p);
	setenv("BULWARK_TEST_CONTENT_FAULT", "write", 1);
	srv_start(&v);
	unsetenv("BULWARK_TEST_CONTENT_FAULT");
	client(&r, sys, (const char *[]){ "incremental", src, NULL });
	cr_assert_eq(r.status, 12, "%s%s", r.out, r.err);
	/* f0000, empty, is written with no write at all: stored; the names
	 * of d0's and d1's files, which the walk sends first */
	cr_assert(t_contains(r.out, "objects failed:           299"), "%s",
	    r.out);
	for (i = 1; i < NFILES; i++) {
		if (i % 10 > 1)
			continue;
		snprintf(name, sizeof(name), "/d%d/f%04d", i % 10, i);
		cr_assert(t_contains(r.err, name) || t_contains(r.out, name),
		    "no refusal for %s: %s%s", name, r.out, r.err);
	}
	cr_assert(t_contains(r.err, "BWK1745E") || t_contains(r.out,
	    "BWK1745E"), "%s%s", r.out, r.err);
	cr_assert(t_contains(srv_log_wait(&v, "BWK1520I"), "refused: 299"),
	    "%s", srv_log(&v));
	t_peer_stop(&v.p);
	audit_passes(&v);
	cr_assert_eq(srv_content_files(&v, NULL, 0), 1);
}

/*
 * The server's session killed in the middle of the backup, at several
 * points: the client names each object it has no answer for (BWK1769E)
 * when some were due, and after a restart the audit passes and a second
 * backup then a restore give every byte.
 */
Test(groups, a_session_killed_with_answers_due_reports_each_object,
    .timeout = 240)
{
	static const int delay_ms[] = { 150, 250, 350, 500, 700, 900 };
	struct srv v;
	struct run r;
	char src[600], dst[600], extra[800], log[700];
	const char *sys;
	size_t i, n;
	uint8_t *b;
	pid_t pid, victim;
	int fd, reported = 0;

	snprintf(log, sizeof(log), "%s/errors.log", t_tmpdir());
	snprintf(extra, sizeof(extra), " ERRORLOGNAME %s\n", log);
	sys = node_setup(&v, extra);
	snprintf(src, sizeof(src), "%s/src", t_tmpdir());
	snprintf(dst, sizeof(dst), "%s/dst", t_tmpdir());
	make_tree(src, 10 * NFILES);
	for (i = 0; i < sizeof(delay_ms) / sizeof(delay_ms[0]); i++) {
		struct timespec ts = { 0, delay_ms[i] * 1000000L };
		const char *argv[] = { "selective", "-subdir=yes", src,
		    "--sysfile", sys, NULL };

		pid = t_spawn("bulwark", argv, &fd);
		nanosleep(&ts, NULL);
		if ((victim = t_child_of(v.p.pid)) > 0)
			kill(victim, SIGKILL);
		waitpid(pid, NULL, 0);
		close(fd);
	}
	if (t_read(log, &b, &n) == 0) {
		reported = memmem(b, n, "BWK1769E", 8) != NULL;
		free(b);
	}
	cr_assert(reported, "no kill found answers due (%s)", log);
	t_peer_stop(&v.p);
	srv_start(&v);		/* its start reaps what the kills left */
	t_peer_stop(&v.p);
	audit_passes(&v);
	srv_start(&v);
	client(&r, sys, (const char *[]){ "incremental", src, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	restore_tree(sys, src, dst);
	same_tree(dst, 10 * NFILES);
	t_peer_stop(&v.p);
}
