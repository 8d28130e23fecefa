/*
 * A restore from a server that lies: names that climb out of the
 * destination or are absolute, put into a real server's catalog as a
 * compromised server would hold them, and a destination whose directory
 * is swapped for a link while the restore runs. Nothing is written
 * outside the destination, each refused name is reported with its ID,
 * and the honest files are restored.
 */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "nodefix.h"
#include "srvfix.h"

static void setup(void) { t_tmpdir(); }
static void teardown(void) { t_cleanup(); }

TestSuite(hostile_restore, .init = setup, .fini = teardown, .timeout = 120);

/* The stopped server's catalog changed as a compromised server's
 * would be: sql run on it as it is. */
static void
forge(const struct srv *v, const char *sql)
{
	char path[700], *err = NULL;
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/catalog/catalog.db", v->dir);
	cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL),
	    SQLITE_OK, "%s", path);
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &err), SQLITE_OK,
	    "%s: %s", sql, err ? err : "");
	cr_assert_gt(sqlite3_changes(db), 0, "%s changed nothing", sql);
	sqlite3_close(db);
}

/* Entries of dir other than . and .. */
static int
entries(const char *dir)
{
	struct dirent *d;
	DIR *D;
	int n = 0;

	if ((D = opendir(dir)) == NULL)
		return -1;
	while ((d = readdir(D)) != NULL)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			n++;
	closedir(D);
	return n;
}

Test(hostile_restore, names_that_climb_out_or_are_absolute_are_refused)
{
	char top[600], src[700], dst[700], p[800], escaped[800], sql[600];
	struct srv v;
	struct run r;
	const char *sys = node_setup(&v, NULL);

	/* src and dst two levels down, so that ../../ stays in the test's
	 * own directory, where the test looks for what escaped */
	snprintf(top, sizeof(top), "%s/a", t_tmpdir());
	cr_assert_eq(mkdir(top, 0755), 0);
	snprintf(src, sizeof(src), "%s/src", top);
	snprintf(dst, sizeof(dst), "%s/b/dst", t_tmpdir());
	cr_assert_eq(mkdir(src, 0755), 0);
	snprintf(p, sizeof(p), "%s/b", t_tmpdir());
	cr_assert_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/climb.txt", src);
	mkfile(p, "out of the destination\n", 23, 0644);
	snprintf(p, sizeof(p), "%s/abs.txt", src);
	mkfile(p, "an absolute name\n", 17, 0644);
	snprintf(p, sizeof(p), "%s/fine.txt", src);
	mkfile(p, "honest\n", 7, 0644);
	client(&r, sys, (const char *[]){ "incremental", src, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);

	t_peer_stop(&v.p);
	/* names are BLOBs: the catalog keeps a file's bytes as they are */
	snprintf(sql, sizeof(sql), "UPDATE objects SET name = "
	    "CAST('../../climbed.txt' AS BLOB) WHERE name = "
	    "CAST('climb.txt' AS BLOB)");
	forge(&v, sql);
	snprintf(sql, sizeof(sql), "UPDATE objects SET name = "
	    "CAST('%s/absolute.txt' AS BLOB) WHERE name = "
	    "CAST('abs.txt' AS BLOB)", t_tmpdir());
	forge(&v, sql);
	srv_start(&v);

	snprintf(p, sizeof(p), "%s/", src);
	client(&r, sys, (const char *[]){ "restore", "-subdir=yes", p, dst,
	    NULL });
	cr_assert_eq(r.status, 12, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1762E"), "%s", r.err);
	cr_assert(t_contains(r.err, "climbed.txt"), "%s", r.err);
	cr_assert(t_contains(r.err, "absolute.txt"), "%s", r.err);
	/* nothing where the names point, nothing beside the destination */
	snprintf(escaped, sizeof(escaped), "%s/climbed.txt", t_tmpdir());
	cr_assert_neq(access(escaped, F_OK), 0, "%s was written", escaped);
	snprintf(escaped, sizeof(escaped), "%s/b/climbed.txt", t_tmpdir());
	cr_assert_neq(access(escaped, F_OK), 0, "%s was written", escaped);
	snprintf(escaped, sizeof(escaped), "%s/absolute.txt", t_tmpdir());
	cr_assert_neq(access(escaped, F_OK), 0, "%s was written", escaped);
	snprintf(p, sizeof(p), "%s/b", t_tmpdir());
	cr_assert_eq(entries(p), 1, "beside the destination: more than it");
	/* the honest file, and only it */
	snprintf(p, sizeof(p), "%s/fine.txt", dst);
	cr_assert_eq(access(p, F_OK), 0, "%s", r.err);
	cr_assert_eq(entries(dst), 1);
	no_temp_files(t_tmpdir());
	t_peer_stop(&v.p);
}

/* While the restore runs, its directory d is swapped again and again
 * for a link to a directory outside: each file either lands in d, or is
 * refused; none reaches the outside. */
Test(hostile_restore, a_directory_swapped_for_a_link_during_the_restore)
{
	char src[600], dst[600], out[600], d[700], real[700], p[800];
	struct srv v;
	struct run r;
	const char *sys = node_setup(&v, NULL);
	pid_t swapper;
	int i, status;

	snprintf(src, sizeof(src), "%s/src", t_tmpdir());
	snprintf(dst, sizeof(dst), "%s/dst", t_tmpdir());
	snprintf(out, sizeof(out), "%s/outside", t_tmpdir());
	cr_assert_eq(mkdir(src, 0755), 0);
	cr_assert_eq(mkdir(out, 0755), 0);
	snprintf(p, sizeof(p), "%s/d", src);
	cr_assert_eq(mkdir(p, 0755), 0);
	for (i = 0; i < 300; i++) {
		char body[32];

		snprintf(p, sizeof(p), "%s/d/f%03d", src, i);
		snprintf(body, sizeof(body), "file %d\n", i);
		mkfile(p, body, strlen(body), 0644);
	}
	client(&r, sys, (const char *[]){ "incremental", src, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);

	cr_assert_eq(mkdir(dst, 0755), 0);
	snprintf(d, sizeof(d), "%s/d", dst);
	snprintf(real, sizeof(real), "%s/d.real", dst);
	cr_assert_eq(mkdir(d, 0755), 0);
	if ((swapper = fork()) == 0) {
		struct timespec ts = { 0, 200 * 1000 };

		/* until killed: d is a directory, then a link outside */
		for (;;) {
			if (rename(d, real) == 0) {
				(void)symlink(out, d);
				nanosleep(&ts, NULL);
				(void)unlink(d);
				(void)rename(real, d);
			}
			nanosleep(&ts, NULL);
		}
	}
	cr_assert_gt(swapper, 0);
	snprintf(p, sizeof(p), "%s/", src);
	client(&r, sys, (const char *[]){ "restore", "-subdir=yes",
	    "-replace=yes", p, dst, NULL });
	kill(swapper, SIGKILL);
	waitpid(swapper, &status, 0);
	/* files refused (BWK1763E: the link; BWK1761E: d was away), none
	 * escaped */
	cr_assert(r.status == 0 || r.status == 12, "%d: %s%s", r.status,
	    r.out, r.err);
	if (r.status == 12)
		cr_assert(t_contains(r.err, "BWK1763E") ||
		    t_contains(r.err, "BWK1761E"), "%s", r.err);
	cr_assert_eq(entries(out), 0, "a restored file reached the outside "
	    "through the link");
	no_temp_files(dst);
	t_peer_stop(&v.p);
}
