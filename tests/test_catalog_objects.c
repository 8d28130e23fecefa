/*
 * The catalog's backup objects: a version visible only once committed,
 * the old one kept until then (a writer killed between the two steps, a
 * full database), paths and patterns, odd names, retention and expiry,
 * reaping, and what one node may touch of another's. The suite is
 * test_catalog.c's.
 */
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/catalog/catalog_int.h"
#include "catalog_helpers.h"
#include "helpers.h"

struct seen {
	int	n;
	char	rows[64][256];
	struct cat_version last;
	uint8_t	sha[32];
	char	content[CAT_CONTENT_MAX];
	char	link[64];
	char	fs[64];
};

static int
collect(void *arg, const struct cat_version *v)
{
	struct seen *s = arg;

	if (s->n < 64)
		snprintf(s->rows[s->n], sizeof(s->rows[0]), "%s%s %s %lld",
		    v->dir, v->name, v->state == CAT_ACTIVE ? "A" :
		    v->state == CAT_INACTIVE ? "I" : "?",
		    (long long)v->version);
	s->n++;
	s->last = *v;
	memcpy(s->sha, v->sha256, 32);
	snprintf(s->content, sizeof(s->content), "%s",
	    v->content != NULL ? v->content : "");
	snprintf(s->link, sizeof(s->link), "%s",
	    v->link != NULL ? v->link : "");
	snprintf(s->fs, sizeof(s->fs), "%s", v->filespace);
	s->last.dir = s->last.name = s->last.content = s->last.link = NULL;
	s->last.node = s->last.filespace = NULL;
	return 0;
}

static struct seen
query(struct catalog *c, const char *node, const char *pat, int flags)
{
	struct seen s;

	memset(&s, 0, sizeof(s));
	cr_assert_eq(catalog_object_query(c, node, "/home", pat, flags,
	    collect, &s), CAT_OK, "query %s: %s", pat, tc_msgs);
	return s;
}

static struct cat_meta
file_meta(void)
{
	struct cat_meta m = { .type = CAT_FILE, .mode = 0640, .uid = 1000,
	    .gid = 100, .mtime_ns = 1690000000123456789LL,
	    .ctime_ns = 1690000001000000001LL };

	return m;
}

/* A whole backup of one file: begin, then commit. Its version. */
static int64_t
backup(struct catalog *c, const char *node, const char *path, uint64_t size)
{
	struct cat_meta m = file_meta();
	struct cat_pending p;
	uint8_t sha[32];

	cr_assert_eq(catalog_object_begin(c, node, "/home", path, &m, &p),
	    CAT_OK, "begin %s: %s", path, tc_msgs);
	memset(sha, (int)size, sizeof(sha));
	cr_assert_eq(catalog_object_commit(c, node, p.version, size, sha),
	    CAT_OK, "commit %s: %s", path, tc_msgs);
	return p.version;
}

Test(catalog, version_visible_only_once_committed)
{
	struct catalog *c = tc_open();
	struct cat_meta m = file_meta();
	struct cat_pending p;
	struct seen s;
	uint8_t sha[32];
	int64_t v1;

	tc_add_node(c, "n1", CAT_STRICT);
	v1 = backup(c, "n1", "/u/report.txt", 11);
	tc_now += 3600;
	cr_assert_eq(catalog_object_begin(c, "n1", "/home", "/u/report.txt",
	    &m, &p), CAT_OK);
	cr_assert_gt(p.version, v1);
	cr_assert_eq(strlen(p.content), 35, "content %s", p.content);
	cr_assert_eq(p.content[2], '/');
	/* while the new data is written, the old version is the one seen */
	s = query(c, "n1", "/u/*", CAT_Q_INACTIVE);
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.last.version, v1);
	cr_assert_eq(s.last.state, CAT_ACTIVE);
	cr_assert_eq(s.last.size, 11);

	memset(sha, 0xab, sizeof(sha));
	cr_assert_eq(catalog_object_commit(c, "n1", p.version, 22, sha),
	    CAT_OK);
	s = query(c, "n1", "/u/report.txt", 0);
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.last.version, p.version);
	cr_assert_eq(s.last.type, CAT_FILE);
	cr_assert_eq(s.last.size, 22);
	cr_assert_eq(s.last.mode, 0640);
	cr_assert_eq(s.last.uid, 1000);
	cr_assert_eq(s.last.gid, 100);
	cr_assert_eq(s.last.mtime_ns, 1690000000123456789LL);
	cr_assert_eq(s.last.ctime_ns, 1690000001000000001LL);
	cr_assert_eq(memcmp(s.sha, sha, 32), 0);
	cr_assert_str_eq(s.content, p.content);
	cr_assert_eq(s.last.inserted, tc_now);
	cr_assert_eq(s.last.committed, tc_now);
	cr_assert_eq(s.last.deactivated, 0);

	s = query(c, "n1", "/u/report.txt", CAT_Q_INACTIVE);
	cr_assert_eq(s.n, 2);
	cr_assert(t_contains(s.rows[0], " A "), "newest first: %s", s.rows[0]);
	cr_assert(t_contains(s.rows[1], " I "), "%s", s.rows[1]);
	cr_assert_eq(s.last.deactivated, tc_now);

	/* a committed version cannot be committed or abandoned again */
	cr_assert_eq(catalog_object_commit(c, "n1", p.version, 22, sha),
	    CAT_STATE);
	cr_assert_eq(catalog_object_abort(c, "n1", p.version), CAT_STATE);
	cr_assert_eq(catalog_object_commit(c, "n1", 999999, 22, sha),
	    CAT_NOTFOUND);
	cr_assert_eq(tc_msgs[0], '\0', "%s", tc_msgs);
	catalog_close(c);
}

Test(catalog, killed_between_the_steps_of_a_commit)
{
	struct catalog *c = tc_open();
	struct cat_meta m = file_meta();
	struct cat_pending p;
	struct seen s;
	uint8_t sha[32];
	int64_t v1;
	pid_t pid;
	int st;

	tc_add_node(c, "n1", CAT_STRICT);
	v1 = backup(c, "n1", "/f", 1);
	cr_assert_eq(catalog_object_begin(c, "n1", "/home", "/f", &m, &p),
	    CAT_OK);
	catalog_close(c);
	memset(sha, 2, sizeof(sha));
	if ((pid = fork()) == 0) {
		if (catalog_open(&c, INST, 0) != CAT_OK)
			_exit(1);
		/* the old version is already inactive in this transaction */
		setenv("BULWARK_TEST_CATALOG_CRASH", "commit-deactivated", 1);
		catalog_object_commit(c, "n1", p.version, 2, sha);
		_exit(2);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %x", st);
	c = tc_open();
	s = query(c, "n1", "/f", CAT_Q_INACTIVE);
	cr_assert_eq(s.n, 1, "%d versions", s.n);
	cr_assert_eq(s.last.version, v1);
	cr_assert_eq(s.last.state, CAT_ACTIVE, "the old version is gone");
	cr_assert_eq(catalog_check(c), CAT_OK, "%s", tc_msgs);
	/* the pending version is still pending: the session can finish */
	cr_assert_eq(catalog_object_commit(c, "n1", p.version, 2, sha), CAT_OK);
	s = query(c, "n1", "/f", 0);
	cr_assert_eq(s.last.version, p.version);

	/* the same point failing instead: rolled back, the same outcome */
	cr_assert_eq(catalog_object_begin(c, "n1", "/home", "/f", &m, &p),
	    CAT_OK);
	tc_fault("BULWARK_TEST_CATALOG_FAIL", "commit-deactivated");
	cr_assert_eq(catalog_object_commit(c, "n1", p.version, 3, sha),
	    CAT_ERROR);
	tc_clear_faults();
	s = query(c, "n1", "/f", CAT_Q_INACTIVE);
	cr_assert_eq(s.n, 2);
	cr_assert(t_contains(s.rows[0], " A "), "%s", s.rows[0]);
	cr_assert_neq(s.last.version, p.version);
	catalog_close(c);
}

Test(catalog, full_disk_writes_nothing)
{
	struct catalog *c = tc_open();
	struct cat_meta m = { .type = CAT_DIR, .mode = 0755 };
	struct cat_pending p;
	char path[600], fs[32];
	int64_t pages;
	int i, r = CAT_OK;

	tc_add_node(c, "n1", CAT_STRICT);
	pages = tc_raw_int(c, "PRAGMA page_count");
	tc_raw_int(c, "PRAGMA max_page_count = 1");	/* SQLite answers the count */
	cr_assert_eq(tc_raw_int(c, "PRAGMA max_page_count"), pages);
	/* each begin adds a filespace, an object and a version: until full */
	for (i = 0; i < 2000 && r == CAT_OK; i++) {
		snprintf(fs, sizeof(fs), "/fs%d", i);
		snprintf(path, sizeof(path), "/%0500d", i);
		r = catalog_object_begin(c, "n1", fs, path, &m, &p);
	}
	cr_assert_eq(r, CAT_ERROR, "never full");
	cr_assert(t_contains(tc_msgs, "BWK1213E"), "%s", tc_msgs);
	/* the failed begin left no filespace behind */
	cr_assert_eq(tc_raw_int(c, "SELECT count(*) FROM filespaces"), i - 1);
	cr_assert_eq(tc_raw_int(c, "SELECT count(*) FROM objects"), i - 1);
	cr_assert_eq(tc_raw_int(c, "SELECT count(*) FROM versions"), i - 1);
	cr_assert_eq(catalog_check(c), CAT_OK, "%s", tc_msgs);
	catalog_close(c);
}

Test(catalog, failed_begin_leaves_no_filespace)
{
	struct catalog *c = tc_open();
	struct cat_meta m = file_meta();
	struct cat_pending p;

	tc_add_node(c, "n1", CAT_STRICT);
	tc_fault("BULWARK_TEST_CATALOG_FAIL", "begin");
	cr_assert_eq(catalog_object_begin(c, "n1", "/home", "/x", &m, &p),
	    CAT_ERROR);
	tc_clear_faults();
	cr_assert_eq(p.version, 0);
	cr_assert_eq(tc_raw_int(c, "SELECT count(*) FROM filespaces"), 0);
	cr_assert_eq(tc_raw_int(c, "SELECT count(*) FROM objects"), 0);
	catalog_close(c);
}

Test(catalog, patterns)
{
	static const char *const paths[] = { "/a/x.c", "/a/y.h", "/a/b/z.c",
	    "/a/b/c/w.c", "/ab/q.c", "/a0/r.c", "/top.c" };
	struct catalog *c = tc_open();
	struct seen s;
	size_t i;

	tc_add_node(c, "n1", CAT_STRICT);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		backup(c, "n1", paths[i], i);
	s = query(c, "n1", "/a/*.c", 0);
	cr_assert_eq(s.n, 1);
	cr_assert(t_contains(s.rows[0], "/a/x.c "), "%s", s.rows[0]);
	s = query(c, "n1", "/a/*.c", CAT_Q_SUBDIR);
	cr_assert_eq(s.n, 3, "%d: %s %s", s.n, s.rows[0], s.rows[1]);
	cr_assert(t_contains(s.rows[0], "/a/x.c "), "%s", s.rows[0]);
	cr_assert(t_contains(s.rows[1], "/a/b/z.c "), "%s", s.rows[1]);
	cr_assert(t_contains(s.rows[2], "/a/b/c/w.c "), "%s", s.rows[2]);
	s = query(c, "n1", "/a/", 0);
	cr_assert_eq(s.n, 2);
	s = query(c, "n1", "/a/?.h", 0);
	cr_assert_eq(s.n, 1);
	s = query(c, "n1", "/a/x.c", 0);
	cr_assert_eq(s.n, 1);
	s = query(c, "n1", "/*", CAT_Q_SUBDIR);
	cr_assert_eq(s.n, 7);
	s = query(c, "n1", "/*.c", 0);
	cr_assert_eq(s.n, 1);
	s = query(c, "n1", "/nothing/*", CAT_Q_SUBDIR);
	cr_assert_eq(s.n, 0);
	/* wildcards only in the last component; no "." or ".." */
	cr_assert_eq(catalog_object_query(c, "n1", "/home", "/*/x.c", 0,
	    collect, &s), CAT_INVALID);
	cr_assert_eq(catalog_object_query(c, "n1", "/home", "/a/../x", 0,
	    collect, &s), CAT_INVALID);
	cr_assert_eq(catalog_object_query(c, "n1", "/home", "/a/..", 0,
	    collect, &s), CAT_INVALID);
	cr_assert_eq(catalog_object_query(c, "n1", "/home", "a/x", 0,
	    collect, &s), CAT_INVALID);
	cr_assert_eq(catalog_object_query(c, "n1", "/home", "/a", 0x80,
	    collect, &s), CAT_INVALID);
	cr_assert_eq(catalog_object_query(c, "ghost", "/home", "/a", 0,
	    collect, &s), CAT_NOTFOUND);
	catalog_close(c);
}

Test(catalog, odd_names_round_trip)
{
	static const char *const paths[] = { "/caf\xe9", "/new\nline",
	    "/with space", "/\xff\xfe", "/quote'\"; DROP TABLE nodes; --",
	    "/*star", "/caf\xc3\xa9" };
	struct catalog *c = tc_open();
	struct seen s;
	size_t i;

	tc_add_node(c, "n1", CAT_STRICT);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		backup(c, "n1", paths[i], i);
		s = query(c, "n1", paths[i], 0);
		cr_assert_eq(s.n, 1, "%s", paths[i]);
		cr_assert_eq(s.last.size, i);
	}
	/* '?' is one character, a whole UTF-8 sequence */
	s = query(c, "n1", "/caf?", 0);
	cr_assert_eq(s.n, 2, "%d", s.n);
	s = query(c, "n1", "/*", 0);
	cr_assert_eq(s.n, 7);
	cr_assert_str_eq(tc_get(c, CAT_NODE, "n1").name, "N1");
	catalog_close(c);
}

Test(catalog, bad_paths_refused)
{
	static const char *const bad[] = { "", "x", "/a/", "//a", "/a//b",
	    "/.", "/a/./b", "/..", "/a/../b", "/a/.." };
	struct catalog *c = tc_open();
	struct cat_meta m = file_meta();
	struct cat_pending p;
	char longp[CAT_PATH_MAX + 2];
	size_t i;

	tc_add_node(c, "n1", CAT_STRICT);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(catalog_object_begin(c, "n1", "/home", bad[i],
		    &m, &p), CAT_INVALID, "%s", bad[i]);
		cr_assert_eq(catalog_object_begin(c, "n1", bad[i], "/x",
		    &m, &p), CAT_INVALID, "filespace %s", bad[i]);
	}
	longp[0] = '/';
	memset(longp + 1, 'x', CAT_PATH_MAX);
	longp[CAT_PATH_MAX + 1] = '\0';
	cr_assert_eq(catalog_object_begin(c, "n1", "/home", longp, &m, &p),
	    CAT_INVALID);
	longp[CAT_PATH_MAX] = '\0';
	cr_assert_eq(catalog_object_begin(c, "n1", "/home", longp, &m, &p),
	    CAT_OK, "%s", tc_msgs);
	m.mode = 010000;
	cr_assert_eq(catalog_object_begin(c, "n1", "/home", "/m", &m, &p),
	    CAT_INVALID);
	m = file_meta();
	m.link = "target";
	cr_assert_eq(catalog_object_begin(c, "n1", "/home", "/m", &m, &p),
	    CAT_INVALID);
	m.type = CAT_LINK;
	m.link = NULL;
	cr_assert_eq(catalog_object_begin(c, "n1", "/home", "/m", &m, &p),
	    CAT_INVALID);
	cr_assert_eq(catalog_object_begin(c, "ghost", "/home", "/m",
	    &(struct cat_meta){ .type = CAT_DIR }, &p), CAT_NOTFOUND);
	catalog_close(c);
}

Test(catalog, directories_and_links)
{
	struct catalog *c = tc_open();
	struct cat_meta d = { .type = CAT_DIR, .mode = 0755 };
	struct cat_meta l = { .type = CAT_LINK, .mode = 0777,
	    .link = "../elsewhere/target" };
	struct cat_meta f = file_meta();
	struct cat_pending p;
	struct seen s;

	tc_add_node(c, "n1", CAT_STRICT);
	cr_assert_eq(catalog_object_begin(c, "n1", "/home", "/", &d, &p),
	    CAT_OK, "%s", tc_msgs);
	cr_assert_str_eq(p.content, "");
	cr_assert_eq(catalog_object_commit(c, "n1", p.version, 0, NULL),
	    CAT_OK);
	cr_assert_eq(catalog_object_begin(c, "n1", "/home", "/ln", &l, &p),
	    CAT_OK);
	cr_assert_eq(catalog_object_commit(c, "n1", p.version, 19, NULL),
	    CAT_OK);
	s = query(c, "n1", "/ln", 0);
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.last.type, CAT_LINK);
	cr_assert_str_eq(s.link, "../elsewhere/target");
	cr_assert_str_eq(s.content, "");
	s = query(c, "n1", "/", 0);
	cr_assert_eq(s.n, 2, "the root and the link: %d", s.n);
	/* a file's data must come with its hash */
	cr_assert_eq(catalog_object_begin(c, "n1", "/home", "/f", &f, &p),
	    CAT_OK);
	cr_assert_eq(catalog_object_commit(c, "n1", p.version, 0, NULL),
	    CAT_INVALID);
	catalog_close(c);
}

Test(catalog, nodes_see_only_their_own)
{
	struct catalog *c = tc_open();
	struct cat_meta m = file_meta();
	struct cat_pending p;
	uint8_t sha[32] = { 0 };

	tc_add_node(c, "n1", CAT_STRICT);
	tc_add_node(c, "n2", CAT_STRICT);
	backup(c, "n1", "/secret", 5);
	cr_assert_eq(query(c, "n2", "/*", CAT_Q_SUBDIR | CAT_Q_INACTIVE).n, 0);
	cr_assert_eq(catalog_object_begin(c, "n1", "/home", "/s2", &m, &p),
	    CAT_OK);
	cr_assert_eq(catalog_object_commit(c, "n2", p.version, 1, sha),
	    CAT_NOTFOUND);
	cr_assert_eq(catalog_object_abort(c, "n2", p.version), CAT_NOTFOUND);
	cr_assert_eq(catalog_object_deactivate(c, "n2", "/home", "/secret",
	    NULL), CAT_NOTFOUND);
	cr_assert_eq(query(c, "n1", "/secret", 0).n, 1);
	catalog_close(c);
}

/* A restore's look-up: a version by id, the node's own and visible only. */
Test(catalog, version_by_id_only_the_nodes_own_and_visible)
{
	struct catalog *c = tc_open();
	struct cat_meta m = file_meta();
	struct cat_pending p;
	struct seen s;
	int64_t v1, v2, v3;

	tc_add_node(c, "n1", CAT_STRICT);
	tc_add_node(c, "n2", CAT_STRICT);
	v1 = backup(c, "n1", "/d/f", 7);
	v2 = backup(c, "n1", "/d/f", 8);
	memset(&s, 0, sizeof(s));
	cr_assert_eq(catalog_version_get(c, "n1", v2, collect, &s), CAT_OK,
	    "%s", tc_msgs);
	cr_assert_eq(s.n, 1);
	cr_assert_str_eq(s.rows[0], "/d/f A 2");
	cr_assert_eq(s.last.size, 8);
	cr_assert_eq(s.sha[0], 8);
	cr_assert_eq(strlen(s.content), 35);
	/* the inactive one too, with its filespace */
	memset(&s, 0, sizeof(s));
	cr_assert_eq(catalog_version_get(c, "n1", v1, collect, &s), CAT_OK);
	cr_assert_eq(s.last.state, CAT_INACTIVE);
	cr_assert_str_eq(s.fs, "/home");
	/* another node's, a pending one, one being deleted, none: nothing */
	memset(&s, 0, sizeof(s));
	cr_assert_eq(catalog_version_get(c, "n2", v2, collect, &s),
	    CAT_NOTFOUND);
	cr_assert_eq(catalog_object_begin(c, "n1", "/home", "/d/f", &m, &p),
	    CAT_OK);
	v3 = p.version;
	cr_assert_eq(catalog_version_get(c, "n1", v3, collect, &s),
	    CAT_NOTFOUND);
	cr_assert_eq(catalog_object_abort(c, "n1", v3), CAT_OK);
	cr_assert_eq(catalog_version_get(c, "n1", v3, collect, &s),
	    CAT_NOTFOUND);
	cr_assert_eq(catalog_version_get(c, "n1", v3 + 100, collect, &s),
	    CAT_NOTFOUND);
	cr_assert_eq(catalog_version_get(c, "n1", 0, collect, &s),
	    CAT_NOTFOUND);
	cr_assert_eq(catalog_version_get(c, "no/such", v1, collect, &s),
	    CAT_INVALID);
	cr_assert_eq(s.n, 0);
	catalog_close(c);
}

struct removed {
	int	n;
	char	names[16][CAT_CONTENT_MAX];
	int	fail;
};

static int
rm_cb(void *arg, const char *content)
{
	struct removed *r = arg;

	if (r->fail)
		return -1;
	if (r->n < 16)
		snprintf(r->names[r->n], CAT_CONTENT_MAX, "%s", content);
	r->n++;
	return 0;
}

static int
fs_cb(void *arg, const char *fs, int64_t created)
{
	(void)created;
	strcat(arg, fs);
	strcat(arg, ",");
	return 0;
}

Test(catalog, retention_keeps_n_versions)
{
	struct catalog *c = tc_open();
	struct removed rm = { 0 };
	struct seen s;
	char first[CAT_CONTENT_MAX];
	int n;

	tc_add_node(c, "n1", CAT_STRICT);
	backup(c, "n1", "/f", 1);
	s = query(c, "n1", "/f", 0);
	snprintf(first, sizeof(first), "%s", s.content);
	tc_now += 10;
	backup(c, "n1", "/f", 2);
	tc_now += 10;
	backup(c, "n1", "/f", 3);
	/* VEREXISTS 2: the active and one inactive */
	s = query(c, "n1", "/f", CAT_Q_INACTIVE);
	cr_assert_eq(s.n, 2);
	cr_assert_eq(s.last.size, 2);
	cr_assert_eq(catalog_reap(c, 0, rm_cb, &rm, &n), CAT_OK, "%s", tc_msgs);
	cr_assert_eq(n, 1);
	cr_assert_eq(rm.n, 1);
	cr_assert_str_eq(rm.names[0], first);
	cr_assert_eq(tc_raw_int(c, "SELECT count(*) FROM versions"), 2);

	/* a policy that keeps fewer takes effect at the next expiry */
	cr_assert_eq(catalog_set_retention(c, 1, 30), CAT_OK);
	cr_assert_eq(catalog_set_retention(c, 0, 30), CAT_INVALID);
	cr_assert_eq(catalog_expire(c, &n), CAT_OK);
	cr_assert_eq(n, 1);
	cr_assert_eq(query(c, "n1", "/f", CAT_Q_INACTIVE).n, 1);
	catalog_close(c);
}

Test(catalog, inactive_versions_expire_after_days)
{
	struct catalog *c = tc_open();
	struct removed rm = { 0 };
	struct seen s;
	char names[256] = "";
	int64_t gone, version = -1;
	int n;

	tc_add_node(c, "n1", CAT_STRICT);
	gone = backup(c, "n1", "/gone", 1);
	backup(c, "n1", "/stays", 2);
	tc_now += 100;
	cr_assert_eq(catalog_object_deactivate(c, "n1", "/home", "/gone",
	    &version), CAT_OK);
	cr_assert_eq(version, gone);
	cr_assert_eq(catalog_object_deactivate(c, "n1", "/home", "/gone",
	    &version), CAT_NOTFOUND);
	cr_assert_eq(version, 0);
	cr_assert_eq(catalog_object_deactivate(c, "n1", "/home", "/never",
	    NULL), CAT_NOTFOUND);
	cr_assert_eq(query(c, "n1", "/gone", 0).n, 0);
	s = query(c, "n1", "/gone", CAT_Q_INACTIVE);
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.last.state, CAT_INACTIVE);
	cr_assert_eq(s.last.deactivated, tc_now);

	/* the last version of a deleted file: RETONLY's days, not RETEXTRA's */
	tc_now += (int64_t)CAT_KEEP_ONLY_DAYS * 86400 - 1;
	cr_assert_eq(catalog_expire(c, &n), CAT_OK);
	cr_assert_eq(n, 0, "expired a second early");
	tc_now += 2;
	cr_assert_eq(catalog_expire(c, &n), CAT_OK);
	cr_assert_eq(n, 1);
	cr_assert_eq(query(c, "n1", "/gone", CAT_Q_INACTIVE).n, 0);
	cr_assert_eq(query(c, "n1", "/stays", 0).n, 1, "active expired");

	/* reaping: the file first; a failed removal keeps the row */
	rm.fail = 1;
	cr_assert_eq(catalog_reap(c, 0, rm_cb, &rm, &n), CAT_ERROR);
	cr_assert_eq(n, 0);
	cr_assert_eq(tc_raw_int(c, "SELECT count(*) FROM versions"), 2);
	rm.fail = 0;
	cr_assert_eq(catalog_reap(c, 0, rm_cb, &rm, &n), CAT_OK);
	cr_assert_eq(n, 1);
	cr_assert_eq(tc_raw_int(c, "SELECT count(*) FROM versions"), 1);
	cr_assert_eq(tc_raw_int(c, "SELECT count(*) FROM objects"), 1);
	cr_assert_eq(catalog_filespace_list(c, "n1", fs_cb, names), CAT_OK);
	cr_assert_str_eq(names, "/home,");
	cr_assert_eq(catalog_check(c), CAT_OK, "%s", tc_msgs);
	catalog_close(c);
}

Test(catalog, abandoned_versions_are_reaped)
{
	struct catalog *c = tc_open();
	struct cat_meta m = file_meta();
	struct cat_pending p1, p2, p3;
	struct removed rm = { 0 };
	uint8_t sha[32] = { 0 };
	int n;

	tc_add_node(c, "n1", CAT_STRICT);
	cr_assert_eq(catalog_object_begin(c, "n1", "/home", "/a", &m, &p1),
	    CAT_OK);
	cr_assert_eq(catalog_object_begin(c, "n1", "/home", "/b", &m, &p2),
	    CAT_OK);
	tc_now += 100;
	cr_assert_eq(catalog_object_begin(c, "n1", "/home", "/c", &m, &p3),
	    CAT_OK);
	cr_assert_eq(catalog_object_abort(c, "n1", p1.version), CAT_OK);
	cr_assert_eq(catalog_object_commit(c, "n1", p1.version, 1, sha),
	    CAT_STATE);
	/* at start no session runs: pending from before now are abandoned */
	cr_assert_eq(catalog_reap(c, tc_now - 50, rm_cb, &rm, &n), CAT_OK);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(rm.names[0], p1.content);
	cr_assert_str_eq(rm.names[1], p2.content);
	cr_assert_eq(catalog_object_commit(c, "n1", p2.version, 1, sha),
	    CAT_NOTFOUND, "a reaped version committed");
	/* the newer one was left alone and can still complete */
	cr_assert_eq(catalog_object_commit(c, "n1", p3.version, 1, sha),
	    CAT_OK);
	cr_assert_eq(query(c, "n1", "/*", 0).n, 1);
	cr_assert_eq(tc_raw_int(c, "SELECT count(*) FROM objects"), 1);
	catalog_close(c);
}

Test(catalog, tampered_content_names_never_reach_rm)
{
	struct catalog *c = tc_open();
	struct removed rm = { 0 };
	int n;

	tc_add_node(c, "n1", CAT_STRICT);
	backup(c, "n1", "/f", 1);
	catalog_close(c);
	tc_raw("UPDATE versions SET content = '../../../etc/passwd'");
	c = tc_open();
	cr_assert_eq(query(c, "n1", "/f", 0).n, 0);
	cr_assert(t_contains(tc_msgs, "BWK1211E"), "%s", tc_msgs);
	tc_raw("UPDATE versions SET state = 'DELETING'");
	tc_msgs[0] = '\0';
	cr_assert_eq(catalog_reap(c, 0, rm_cb, &rm, &n), CAT_ERROR);
	cr_assert_eq(rm.n, 0);
	cr_assert_eq(n, 0);
	cr_assert(t_contains(tc_msgs, "BWK1211E"), "%s", tc_msgs);
	catalog_close(c);
}

Test(catalog, node_with_data_is_kept_until_its_data_is_gone)
{
	struct catalog *c = tc_open();
	struct removed rm = { 0 };

	cr_assert_eq(catalog_set_retention(c, 2, 0), CAT_OK);
	cr_assert_eq(catalog_set_retention_deleted(c, 1, 0), CAT_OK);
	tc_add_node(c, "n1", CAT_STRICT);
	backup(c, "n1", "/f", 1);
	cr_assert_eq(catalog_account_remove(c, CAT_NODE, "n1"), CAT_HASDATA);
	cr_assert_str_eq(tc_get(c, CAT_NODE, "n1").name, "N1");
	cr_assert_eq(catalog_object_deactivate(c, "n1", "/home", "/f", NULL),
	    CAT_OK);
	tc_now += 1;
	cr_assert_eq(catalog_expire(c, NULL), CAT_OK);
	cr_assert_eq(catalog_reap(c, 0, rm_cb, &rm, NULL), CAT_OK);
	cr_assert_eq(tc_raw_int(c, "SELECT count(*) FROM filespaces"), 0);
	cr_assert_eq(catalog_account_remove(c, CAT_NODE, "n1"), CAT_OK);
	cr_assert_eq(tc_msgs[0], '\0', "%s", tc_msgs);
	catalog_close(c);
}

Test(catalog, two_sessions_back_up_one_file)
{
	struct catalog *c = tc_open();
	struct cat_meta m = file_meta();
	struct cat_pending p1, p2;
	struct seen s;
	uint8_t sha[32] = { 0 };

	tc_add_node(c, "n1", CAT_STRICT);
	cr_assert_eq(catalog_object_begin(c, "n1", "/home", "/f", &m, &p1),
	    CAT_OK);
	cr_assert_eq(catalog_object_begin(c, "n1", "/home", "/f", &m, &p2),
	    CAT_OK);
	cr_assert_eq(catalog_object_commit(c, "n1", p2.version, 2, sha),
	    CAT_OK);
	tc_now += 1;
	cr_assert_eq(catalog_object_commit(c, "n1", p1.version, 1, sha),
	    CAT_OK);
	s = query(c, "n1", "/f", CAT_Q_INACTIVE);
	cr_assert_eq(s.n, 2);
	cr_assert(t_contains(s.rows[0], " A "), "%s", s.rows[0]);
	cr_assert_eq(tc_raw_int(c, "SELECT count(*) FROM versions WHERE "
	    "state = 'ACTIVE'"), 1);
	cr_assert_eq(catalog_check(c), CAT_OK, "%s", tc_msgs);
	catalog_close(c);
}

Test(catalog, values_are_bound_not_spliced)
{
	struct catalog *c = tc_open();
	struct seen s;

	tc_add_node(c, "n1", CAT_STRICT);
	backup(c, "n1", "/x' OR '1'='1", 1);
	backup(c, "n1", "/y", 2);
	s = query(c, "n1", "/x' OR '1'='1", 0);
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.last.size, 1);
	memset(&s, 0, sizeof(s));
	cr_assert_eq(catalog_object_query(c, "n1", "/home') --", "/*", 0,
	    collect, &s), CAT_OK);
	cr_assert_eq(s.n, 0);
	cr_assert_eq(catalog_object_query(c, "n1' OR name <> '", "/home",
	    "/*", 0, collect, &s), CAT_INVALID);
	catalog_close(c);
}
