/*
 * bulwarkd audit against a real instance: clean when every version's
 * content file is there and right; each missing, damaged or unreadable
 * content file, orphan, stray entry and abandoned pending version
 * reported with its own ID, and the exit status; --repair removes
 * orphans only, and nothing when the catalog is damaged. The suite is
 * test_retention.c's.
 */
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "catalog_helpers.h"
#include "helpers.h"
#include "retention_helpers.h"
#include "srvfix.h"

static void
audit(struct run *r, const struct srv *v, int repair)
{
	t_run(r, "bulwarkd", (const char *[]){ "--instance", v->dir, "audit",
	    repair ? "--repair" : NULL, NULL }, NULL);
}

/* How many lines of r's standard error carry id. */
static int
lines_with(const struct run *r, const char *id)
{
	const char *p = r->err;
	int n = 0;

	while ((p = strstr(p, id)) != NULL) {
		n++;
		p += strlen(id);
	}
	return n;
}

/* A file's bytes changed in place, its size kept. */
static void
flip_byte(const char *content)
{
	int fd = open(rt_file(content), O_WRONLY);

	cr_assert_neq(fd, -1, "%s", strerror(errno));
	cr_assert_eq(pwrite(fd, "X", 1, 3), 1);
	close(fd);
}

/* An instance with files, directories, links, old versions. */
static void
good_instance(struct srv *v, char (*names)[CAT_CONTENT_MAX], int n)
{
	struct cat_meta dir = { .type = CAT_DIR, .mode = 0755 };
	struct cat_meta link = { .type = CAT_LINK, .mode = 0777,
	    .link = "../target" };
	struct cat_pending p;
	struct catalog *c;
	char path[32];
	int d, i;

	srv_init(v, NULL);
	c = rt_catalog();
	d = rt_data();
	tc_add_node(c, "n1", CAT_STRICT);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/u/f%d", i / 2);
		rt_store(c, d, path, 1000 + (size_t)i * 10, 'a' + i, names[i]);
	}
	cr_assert_eq(catalog_object_begin(c, "n1", "/home", "/u", &dir, &p),
	    CAT_OK);
	cr_assert_eq(catalog_object_commit(c, "n1", p.version, 0, NULL),
	    CAT_OK);
	cr_assert_eq(catalog_object_begin(c, "n1", "/home", "/u/l", &link, &p),
	    CAT_OK);
	cr_assert_eq(catalog_object_commit(c, "n1", p.version, 0, NULL),
	    CAT_OK);
	catalog_close(c);
	close(d);
}

Test(retention, audit_is_clean_on_a_good_instance)
{
	char names[6][CAT_CONTENT_MAX];
	struct srv v;
	struct run r;

	good_instance(&v, names, 6);
	audit(&r, &v, 0);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert_eq(r.err[0], '\0', "%s", r.err);
	/* six versions, three of them inactive, each read back */
	cr_assert(t_contains(r.out, "BWK1560I audit of "), "%s", r.out);
	cr_assert(t_contains(r.out, ": no problem found: the catalog is sound, "
	    "6 content files match it (6150 bytes), no orphan file is left (0 "
	    "removed), no version was abandoned pending"), "%s", r.out);
}

Test(retention, audit_reports_each_problem_with_its_id)
{
	char names[6][CAT_CONTENT_MAX], orphan[64], path[600];
	struct srv v;
	struct run r;
	int fd;

	good_instance(&v, names, 6);
	/* names[0]: gone; names[1]: a byte changed; names[2]: longer */
	cr_assert_eq(unlink(rt_file(names[0])), 0);
	flip_byte(names[1]);
	fd = open(rt_file(names[2]), O_WRONLY | O_APPEND);
	cr_assert_eq(write(fd, "more", 4), 4);
	close(fd);
	/* a content file no version names, beside the others */
	snprintf(orphan, sizeof(orphan), "%.2s/%.2s%s", names[3], names[3],
	    "0123456789abcdef0123456789abcd");
	cr_assert_eq(t_write(rt_file(orphan), (const uint8_t *)"lost", 4,
	    0600), 0);
	/* and what the server never makes */
	snprintf(path, sizeof(path), "%s/inst/data/notes.txt", t_tmpdir());
	cr_assert_eq(t_write(path, (const uint8_t *)"x", 1, 0600), 0);

	audit(&r, &v, 0);
	cr_assert_eq(r.status, 4, "%s%s", r.out, r.err);
	cr_assert_eq(lines_with(&r, "BWK1563E"), 1, "%s", r.err);
	cr_assert(t_contains(r.err, "version 1 (node N1, filespace /home, "
	    "/u/f0): its content file "), "%s", r.err);
	cr_assert(t_contains(r.err, names[0]), "%s", r.err);
	cr_assert(t_contains(r.err, " is missing, so the version cannot be "
	    "restored; restore it from a backup"), "%s", r.err);
	cr_assert_eq(lines_with(&r, "BWK1565E"), 1, "%s", r.err);
	cr_assert(t_contains(r.err, "version 2 (node N1, filespace /home, "
	    "/u/f0)"), "%s", r.err);
	cr_assert_eq(lines_with(&r, "BWK1564E"), 1, "%s", r.err);
	cr_assert(t_contains(r.err, " has 1024 bytes where the catalog says "
	    "1020: it is damaged"), "%s", r.err);
	cr_assert_eq(lines_with(&r, "BWK1567E"), 1, "%s", r.err);
	cr_assert(t_contains(r.err, orphan), "%s", r.err);
	cr_assert(t_contains(r.err, "audit --repair"), "%s", r.err);
	cr_assert_eq(lines_with(&r, "BWK1569E"), 1, "%s", r.err);
	cr_assert(t_contains(r.err, "notes.txt is not a content file of the "
	    "server (a file with another name)"), "%s", r.err);
	cr_assert(t_contains(r.err, "BWK1561E bulwarkd: audit of "), "%s",
	    r.err);
	cr_assert(t_contains(r.err, ": 5 problems found"), "%s", r.err);

	/* --repair removes the orphan, and only it */
	audit(&r, &v, 1);
	cr_assert_eq(r.status, 4, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "BWK1568I removed "), "%s", r.out);
	cr_assert(t_contains(r.out, orphan), "%s", r.out);
	cr_assert(!rt_exists(orphan));
	cr_assert(rt_exists(names[1]) && rt_exists(names[2]));
	cr_assert_eq(access(path, F_OK), 0);
	cr_assert(t_contains(r.err, ": 4 problems found"), "%s", r.err);
	cr_assert_eq(lines_with(&r, "BWK1567E"), 0, "%s", r.err);
}

Test(retention, audit_never_opens_links_or_fifos)
{
	char names[2][CAT_CONTENT_MAX], stray[64];
	struct srv v;
	struct run r;

	good_instance(&v, names, 2);
	/* the active version's file a FIFO, the other a link to it */
	cr_assert_eq(unlink(rt_file(names[1])), 0);
	cr_assert_eq(mkfifo(rt_file(names[1]), 0600), 0);
	cr_assert_eq(unlink(rt_file(names[0])), 0);
	cr_assert_eq(symlink("/etc/passwd", rt_file(names[0])), 0);
	/* a link with a content file's name no version has */
	snprintf(stray, sizeof(stray), "%.2s/%.2s%s", names[0], names[0],
	    "0000000000000000000000000000ff");
	cr_assert_eq(symlink("/etc/passwd", rt_file(stray)), 0);
	audit(&r, &v, 1);
	cr_assert_eq(r.status, 4, "%s%s", r.out, r.err);
	cr_assert_eq(lines_with(&r, "BWK1566E"), 2, "%s", r.err);
	cr_assert(t_contains(r.err, "it is a symbolic link"), "%s", r.err);
	cr_assert(t_contains(r.err, "it is not a regular file"), "%s", r.err);
	/* links and FIFOs are the administrator's to look at: said, kept */
	cr_assert_eq(lines_with(&r, "BWK1569E"), 3, "%s", r.err);
	cr_assert(t_contains(r.err, "(a symbolic link)"), "%s", r.err);
	cr_assert(rt_exists(stray) && rt_exists(names[0]));
}

Test(retention, audit_reports_abandoned_pending_versions)
{
	char done[CAT_CONTENT_MAX], pend[CAT_CONTENT_MAX];
	struct cat_session s = { .run = 9, .id = 1, .peer = "127.0.0.1:1",
	    .role = "node", .name = "N1", .protocol = "TLSv1.2",
	    .suite = "x", .group = "P-256" };
	struct catalog *c;
	struct srv v;
	struct run r;
	int d;

	srv_init(&v, NULL);
	c = rt_catalog();
	d = rt_data();
	tc_add_node(c, "n1", CAT_STRICT);
	rt_store(c, d, "/done", 10, 'd', done);
	rt_clock = bwk_now() - 3600;
	rt_pending(c, d, "/halfway", 10, pend);
	/* a session signed on since: it may not have begun the version */
	s.started = s.signed_on = bwk_now() - 3500;
	cr_assert_eq(catalog_session_add(c, &s), CAT_OK, "%s", tc_msgs);
	audit(&r, &v, 0);
	cr_assert_eq(r.status, 4, "%s%s", r.out, r.err);
	cr_assert_eq(lines_with(&r, "BWK1570E"), 1, "%s", r.err);
	cr_assert(t_contains(r.err, "(node N1, filespace /home, /halfway) has "
	    "been pending since "), "%s", r.err);
	cr_assert(t_contains(r.err, "bulwarkd reaps it"), "%s", r.err);
	/* its file is the catalog's: no orphan, and --repair leaves it */
	cr_assert_eq(lines_with(&r, "BWK1567E"), 0, "%s", r.err);
	audit(&r, &v, 1);
	cr_assert(rt_exists(pend));

	/* a session signed on before it began: it may be that session's */
	s.id = 2;
	s.started = s.signed_on = bwk_now() - 4000;
	cr_assert_eq(catalog_session_add(c, &s), CAT_OK, "%s", tc_msgs);
	audit(&r, &v, 0);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	catalog_close(c);
	close(d);
}

/* A catalog that is not read whole calls no file an orphan. */
Test(retention, audit_with_a_damaged_catalog_repairs_nothing)
{
	char names[2][CAT_CONTENT_MAX];
	struct srv v;
	struct run r;

	good_instance(&v, names, 2);
	rt_raw("UPDATE versions SET content = 'zz/../../etc' WHERE id = 1");
	audit(&r, &v, 1);
	cr_assert_eq(r.status, 4, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1211E"), "%s", r.err);
	cr_assert(t_contains(r.err, "BWK1562E"), "%s", r.err);
	cr_assert_eq(lines_with(&r, "BWK1567E"), 0, "%s", r.err);
	cr_assert_eq(lines_with(&r, "BWK1568I"), 0, "%s", r.out);
	cr_assert(rt_exists(names[0]), "the damaged row's file was removed");
	/* the good version is still checked */
	flip_byte(names[1]);
	audit(&r, &v, 0);
	cr_assert_eq(lines_with(&r, "BWK1565E"), 1, "%s", r.err);
}

Test(retention, audit_usage_and_missing_data)
{
	char path[600];
	struct srv v;
	struct run r;

	srv_init(&v, NULL);
	t_run(&r, "bulwarkd", (const char *[]){ "--instance", v.dir, "audit",
	    "--fix", NULL }, NULL);
	cr_assert_eq(r.status, 2, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1000E"), "%s", r.err);
	snprintf(path, sizeof(path), "%s/data", v.dir);
	cr_assert_eq(rmdir(path), 0);
	audit(&r, &v, 0);
	cr_assert_eq(r.status, 3, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1555E"), "%s", r.err);
}
