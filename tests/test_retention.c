/*
 * Retention on the server: the catalog's rules for deleted files
 * (VERDELETED, RETONLY) and its audit listing, bulwarkd.opt's retention
 * options, `bulwarkd expire`, and the listener's reaping at start and
 * expiry at start and daily, against a real bulwarkd and the instance's
 * real catalog, with content files written as a session writes them
 * (src/srvsession/content.c). The audit's tests are test_audit.c's.
 */
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/srvsession/content.h"
#include "catalog_helpers.h"
#include "helpers.h"
#include "retention_helpers.h"
#include "srvfix.h"

TestSuite(retention, .init = tc_setup, .fini = tc_teardown, .timeout = 90);

/* The versions of /home the query shows, inactive ones too. */
static int
count_cb(void *arg, const struct cat_version *v)
{
	(void)v;
	(*(int *)arg)++;
	return 0;
}

static int
versions_of(struct catalog *c, const char *path)
{
	int n = 0;

	cr_assert_eq(catalog_object_query(c, "n1", "/home", path,
	    CAT_Q_INACTIVE, count_cb, &n), CAT_OK, "%s", tc_msgs);
	return n;
}

/* A version of a FILE with no content file, at the catalog's clock. */
static int64_t
backup(struct catalog *c, const char *path)
{
	struct cat_meta m = { .type = CAT_FILE, .mode = 0600 };
	struct cat_pending p;
	uint8_t sha[32] = { 0 };

	cr_assert_eq(catalog_object_begin(c, "n1", "/home", path, &m, &p),
	    CAT_OK, "%s", tc_msgs);
	cr_assert_eq(catalog_object_commit(c, "n1", p.version, 0, sha), CAT_OK,
	    "%s", tc_msgs);
	return p.version;
}

Test(retention, deleted_file_keeps_verdeleted_versions)
{
	struct catalog *c = tc_open();
	int n, i;

	tc_add_node(c, "n1", CAT_STRICT);
	cr_assert_eq(catalog_set_retention(c, 3, 30), CAT_OK);
	for (i = 0; i < 3; i++) {
		backup(c, "/f");
		backup(c, "/g");
		tc_now += 10;
	}
	cr_assert_eq(catalog_object_deactivate(c, "n1", "/home", "/f", NULL),
	    CAT_OK);
	cr_assert_eq(versions_of(c, "/f"), 3);
	/* VERDELETED 2: the deleted file keeps its two newest */
	cr_assert_eq(catalog_set_retention_deleted(c, 2, 60), CAT_OK);
	cr_assert_eq(catalog_expire(c, &n), CAT_OK, "%s", tc_msgs);
	cr_assert_eq(n, 1);
	cr_assert_eq(versions_of(c, "/f"), 2);
	/* VEREXISTS still rules the file that exists */
	cr_assert_eq(versions_of(c, "/g"), 3);
	/* VERDELETED 0: nothing of a deleted file stays */
	cr_assert_eq(catalog_set_retention_deleted(c, 0, 60), CAT_OK);
	cr_assert_eq(catalog_expire(c, &n), CAT_OK, "%s", tc_msgs);
	cr_assert_eq(n, 2);
	cr_assert_eq(versions_of(c, "/f"), 0);
	cr_assert_eq(versions_of(c, "/g"), 3);
	catalog_close(c);
}

Test(retention, last_version_of_a_deleted_file_keeps_retonly_days)
{
	struct catalog *c = tc_open();
	int64_t v1, v2, t0 = tc_now;
	enum cat_state s;
	int n;

	tc_add_node(c, "n1", CAT_STRICT);
	cr_assert_eq(catalog_set_retention(c, 3, 10), CAT_OK);
	cr_assert_eq(catalog_set_retention_deleted(c, 3, 40), CAT_OK);
	v1 = backup(c, "/f");
	tc_now += 100;
	v2 = backup(c, "/f");		/* v1 inactive from now */
	backup(c, "/g");
	backup(c, "/g");		/* and the same for /g */
	tc_now += 100;
	cr_assert_eq(catalog_object_deactivate(c, "n1", "/home", "/f", NULL),
	    CAT_OK);

	/* RETEXTRA 10 days: the older inactive ones, of either file */
	tc_now = t0 + 100 + 10 * 86400;
	cr_assert_eq(catalog_expire(c, &n), CAT_OK, "%s", tc_msgs);
	cr_assert_eq(n, 0, "a second early");
	tc_now++;
	cr_assert_eq(catalog_expire(c, &n), CAT_OK, "%s", tc_msgs);
	cr_assert_eq(n, 2, "%d expired", n);
	cr_assert_eq(catalog_version_state(c, v1, &s), CAT_OK);
	cr_assert_eq(s, CAT_DELETING);
	/* the last version of the deleted file stays RETONLY's 40 days */
	cr_assert_eq(catalog_version_state(c, v2, &s), CAT_OK);
	cr_assert_eq(s, CAT_INACTIVE);
	tc_now = t0 + 200 + 40 * 86400;
	cr_assert_eq(catalog_expire(c, &n), CAT_OK, "%s", tc_msgs);
	cr_assert_eq(n, 0, "a second early");
	tc_now++;
	cr_assert_eq(catalog_expire(c, &n), CAT_OK, "%s", tc_msgs);
	cr_assert_eq(n, 1);
	cr_assert_eq(catalog_version_state(c, v2, &s), CAT_OK);
	cr_assert_eq(s, CAT_DELETING);
	cr_assert_eq(versions_of(c, "/g"), 1, "the active one stays");
	catalog_close(c);
}

Test(retention, retention_of_deleted_files_is_bounded)
{
	struct catalog *c = tc_open();

	cr_assert_eq(catalog_set_retention_deleted(c, -1, 60), CAT_INVALID);
	cr_assert_eq(catalog_set_retention_deleted(c, 101, 60), CAT_INVALID);
	cr_assert_eq(catalog_set_retention_deleted(c, 1, -1), CAT_INVALID);
	cr_assert_eq(catalog_set_retention_deleted(c, 1, 3651), CAT_INVALID);
	cr_assert_eq(catalog_set_retention_deleted(c, 0, 0), CAT_OK);
	cr_assert_eq(catalog_set_retention_deleted(c, 100, 3650), CAT_OK);
	catalog_close(c);
}

struct listing {
	struct catalog	*c;
	int		 n, pending, file, dir;
	int64_t		 last;
	int		 ordered;
	char		 first[128];
};

static int
list_cb(void *arg, const struct cat_version *v)
{
	struct listing *l = arg;
	struct cat_meta m = { .type = CAT_DIR, .mode = 0755 };
	struct cat_pending p;
	enum cat_state s;

	if (v->version <= l->last)
		l->ordered = 0;
	l->last = v->version;
	if (l->n++ == 0)
		snprintf(l->first, sizeof(l->first), "%s %s %s%s %s", v->node,
		    v->filespace, v->dir, v->name,
		    v->content != NULL ? v->content : "-");
	l->pending += v->state == CAT_PENDING;
	l->file += v->type == CAT_FILE;
	l->dir += v->type == CAT_DIR;
	/* outside any transaction: the callback reads and writes */
	cr_assert_eq(catalog_version_state(l->c, v->version, &s), CAT_OK);
	cr_assert_eq(s, v->state);
	if (l->n == 40)
		cr_assert_eq(catalog_object_begin(l->c, "n2", "/late", "/d", &m,
		    &p), CAT_OK, "%s", tc_msgs);
	return 0;
}

Test(retention, version_list_shows_every_version_in_batches)
{
	struct catalog *c = tc_open();
	struct cat_meta m = { .type = CAT_DIR, .mode = 0755 };
	struct cat_pending p;
	struct listing l;
	enum cat_state s;
	char path[32];
	int i;

	tc_add_node(c, "n1", CAT_STRICT);
	tc_add_node(c, "n2", CAT_STRICT);
	for (i = 0; i < 70; i++) {	/* more than two batches */
		snprintf(path, sizeof(path), "/f%02d", i);
		backup(c, path);
	}
	cr_assert_eq(catalog_object_begin(c, "n2", "/srv", "/d", &m, &p),
	    CAT_OK);
	memset(&l, 0, sizeof(l));
	l.c = c;
	l.ordered = 1;
	cr_assert_eq(catalog_version_list(c, list_cb, &l), CAT_OK, "%s",
	    tc_msgs);
	/* the version the callback began after the 40th is listed too */
	cr_assert_eq(l.n, 72, "%d listed", l.n);
	cr_assert(l.ordered);
	cr_assert_eq(l.pending, 2);
	cr_assert_eq(l.file, 70);
	cr_assert_eq(l.dir, 2);
	cr_assert(strncmp(l.first, "N1 /home /f00 ", 14) == 0, "%s", l.first);
	cr_assert_eq(strlen(l.first), 14 + 35, "%s", l.first);

	/* a damaged row is said and skipped; the others are all shown */
	catalog_close(c);
	tc_raw("UPDATE versions SET content = 'ab/../../x' WHERE id = 5");
	c = tc_open();
	memset(&l, 0, sizeof(l));
	l.c = c;
	l.ordered = 1;
	cr_assert_eq(catalog_version_list(c, list_cb, &l), CAT_ERROR);
	/* 72 rows, one damaged, and one more the callback began */
	cr_assert_eq(l.n, 72, "%d listed", l.n);
	cr_assert(t_contains(tc_msgs, "BWK1211E"), "%s", tc_msgs);
	cr_assert_eq(catalog_version_state(c, 999999, &s), CAT_NOTFOUND);
	catalog_close(c);
}

Test(retention, oldest_session_start)
{
	struct catalog *c = tc_open();
	struct cat_session s = { .run = 7, .id = 1, .peer = "127.0.0.1:1",
	    .role = "node", .name = "N1", .started = 500, .signed_on = 501,
	    .protocol = "TLSv1.2", .suite = "x", .group = "P-256" };
	int64_t t = 0;

	cr_assert_eq(catalog_session_oldest(c, &t), CAT_NOTFOUND);
	cr_assert_eq(catalog_session_add(c, &s), CAT_OK, "%s", tc_msgs);
	s.id = 2;
	s.started = 400;
	cr_assert_eq(catalog_session_add(c, &s), CAT_OK);
	s.run = 8;
	s.started = 450;
	cr_assert_eq(catalog_session_add(c, &s), CAT_OK);
	cr_assert_eq(catalog_session_oldest(c, &t), CAT_OK);
	cr_assert_eq(t, 400);
	catalog_close(c);
}

/* ---- bulwarkd.opt's options ---- */

struct opt_case {
	char	line[40];
	char	want[80];
};

ParameterizedTestParameters(retention, bad_options_refused)
{
	static struct opt_case c[] = {
		{ "VEREXISTS 0", "VEREXISTS: give a number from 1 to 100" },
		{ "VEREXISTS 101", "VEREXISTS: give a number from 1 to 100" },
		{ "verexists two", "VEREXISTS: give a number from 1 to 100" },
		{ "VEREXISTS NOLIMIT", "VEREXISTS: NOLIMIT is not supported; "
		    "give a number from 1 to 100" },
		{ "RETEXTRA -1", "RETEXTRA: give a number from 0 to 3650" },
		{ "RETEXTRA 3651", "RETEXTRA: give a number from 0 to 3650" },
		{ "RetExtra nolimit", "RETEXTRA: NOLIMIT is not supported; "
		    "give a number from 0 to 3650" },
		{ "VERDELETED 101", "VERDELETED: give a number from 0 to 100" },
		{ "RETONLY 4000", "RETONLY: give a number from 0 to 3650" },
	};
	return cr_make_param_array(struct opt_case, c, sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct opt_case *p, retention, bad_options_refused)
{
	char extra[64];
	struct srv v;
	struct run r;

	snprintf(extra, sizeof(extra), "%s\n", p->line);
	srv_init(&v, extra);
	t_run(&r, "bulwarkd", (const char *[]){ "--instance", v.dir, "expire",
	    NULL }, NULL);
	cr_assert_eq(r.status, 2, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1001E"), "%s", r.err);
	cr_assert(t_contains(r.err, "bulwarkd.opt:3: "), "%s", r.err);
	cr_assert(t_contains(r.err, p->want), "want %s in %s", p->want, r.err);
	/* the server does not start with it either */
	t_run(&r, "bulwarkd", (const char *[]){ "--instance", v.dir, NULL },
	    NULL);
	cr_assert_eq(r.status, 2, "%s%s", r.out, r.err);
}

Test(retention, good_options_taken)
{
	struct srv v;
	struct run r;

	srv_init(&v, "VEREXISTS 100\nVERDELETED 0\nRETEXTRA 0\nRETONLY 3650\n");
	t_run(&r, "bulwarkd", (const char *[]){ "--instance", v.dir, "expire",
	    NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "BWK1550I expiry (VEREXISTS 100, "
	    "VERDELETED 0, RETEXTRA 0, RETONLY 3650): 0 versions expired"),
	    "%s", r.out);
}

/* ---- bulwarkd expire ---- */

Test(retention, expire_removes_versions_and_their_files)
{
	char keep[4][CAT_CONTENT_MAX], old[CAT_CONTENT_MAX];
	char recent[CAT_CONTENT_MAX], newer[CAT_CONTENT_MAX];
	char pend[CAT_CONTENT_MAX];
	struct catalog *c;
	struct srv v;
	struct run r;
	int d, i;

	srv_init(&v, "VEREXISTS 2\nRETEXTRA 30\n");
	c = rt_catalog();
	d = rt_data();
	tc_add_node(c, "n1", CAT_STRICT);
	/* four versions of /keep: the session's policy then kept more */
	cr_assert_eq(catalog_set_retention(c, 10, 30), CAT_OK);
	rt_clock = bwk_now() - 86400;
	for (i = 0; i < 4; i++)
		rt_store(c, d, "/keep", 100 + (size_t)i, 'k', keep[i]);
	/* /old: inactive for 40 days; /recent: for 10 */
	rt_clock = bwk_now() - 50 * 86400;
	rt_store(c, d, "/old", 10, 'o', old);
	rt_clock = bwk_now() - 40 * 86400;
	rt_store(c, d, "/old", 11, 'O', newer);
	rt_store(c, d, "/recent", 20, 'r', recent);
	rt_clock = bwk_now() - 10 * 86400;
	rt_store(c, d, "/recent", 21, 'R', NULL);
	/* a backup in progress, begun long ago: not expire's to reap */
	rt_clock = bwk_now() - 60 * 86400;
	rt_pending(c, d, "/busy", 5, pend);
	catalog_close(c);

	t_run(&r, "bulwarkd", (const char *[]){ "--instance", v.dir, "expire",
	    NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	/* keep[0], keep[1] beyond VEREXISTS; /old's first by RETEXTRA */
	cr_assert(t_contains(r.out, "BWK1550I expiry (VEREXISTS 2, VERDELETED "
	    "1, RETEXTRA 30, RETONLY 60): 3 versions expired; 3 versions "
	    "removed, with 3 content files of 211 bytes"), "%s", r.out);
	cr_assert(!rt_exists(keep[0]) && !rt_exists(keep[1]));
	cr_assert(rt_exists(keep[2]) && rt_exists(keep[3]));
	cr_assert(!rt_exists(old) && rt_exists(newer));
	cr_assert(rt_exists(recent), "expired 20 days early");
	cr_assert(rt_exists(pend), "a pending version's file was reaped");
	c = rt_catalog();
	cr_assert_eq(versions_of(c, "/keep"), 2);
	cr_assert_eq(versions_of(c, "/old"), 1);
	cr_assert_eq(versions_of(c, "/recent"), 2);
	cr_assert_eq(tc_raw_int(c, "SELECT count(*) FROM versions WHERE "
	    "state = 'PENDING'"), 1);
	catalog_close(c);

	/* twenty days later, the other inactive one goes */
	t_run(&r, "bulwarkd", (const char *[]){ "--instance", v.dir, "expire",
	    NULL }, (const char *[]){ rt_now_env(21 * 86400), NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, ": 1 versions expired; 1 versions removed, "
	    "with 1 content files of 20 bytes"), "%s", r.out);
	cr_assert(!rt_exists(recent));
	close(d);
}

/* Reaping never follows a link planted in data/, and keeps the row. */
Test(retention, expire_never_removes_through_a_link)
{
	char first[CAT_CONTENT_MAX], dir[600], outside[600], target[700];
	struct catalog *c;
	struct srv v;
	struct run r;
	int d;

	srv_init(&v, "VEREXISTS 1\n");
	c = rt_catalog();
	d = rt_data();
	tc_add_node(c, "n1", CAT_STRICT);
	cr_assert_eq(catalog_set_retention(c, 5, 30), CAT_OK);
	rt_store(c, d, "/f", 3, 'a', first);
	rt_store(c, d, "/f", 4, 'b', NULL);
	catalog_close(c);
	/* its ab/ directory replaced by a link to another one */
	snprintf(outside, sizeof(outside), "%s/outside", t_tmpdir());
	snprintf(dir, sizeof(dir), "%s/inst/data/%.2s", t_tmpdir(), first);
	cr_assert_eq(rename(dir, outside), 0, "%s", strerror(errno));
	cr_assert_eq(symlink(outside, dir), 0);
	t_run(&r, "bulwarkd", (const char *[]){ "--instance", v.dir, "expire",
	    NULL }, NULL);
	cr_assert_eq(r.status, 3, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1552E"), "%s", r.err);
	cr_assert(t_contains(r.err, "BWK1554E"), "%s", r.err);
	snprintf(target, sizeof(target), "%s/%s", outside, first + 3);
	cr_assert_eq(access(target, F_OK), 0, "removed through the link");
	c = rt_catalog();
	cr_assert_eq(tc_raw_int(c, "SELECT count(*) FROM versions WHERE "
	    "state = 'DELETING'"), 1, "the row went without its file");
	catalog_close(c);
	close(d);
}

/* ---- the listener ---- */

Test(retention, listener_reaps_abandoned_versions_at_start)
{
	char pend[CAT_CONTENT_MAX], done[CAT_CONTENT_MAX];
	struct catalog *c;
	enum cat_state s;
	int64_t pv;
	struct srv v;
	const char *log;
	int d;

	srv_init(&v, NULL);
	c = rt_catalog();
	d = rt_data();
	tc_add_node(c, "n1", CAT_STRICT);
	rt_store(c, d, "/done", 8, 'd', done);
	/* a session died while it wrote this one: pending, its file there */
	pv = rt_pending(c, d, "/halfway", 1000, pend);
	catalog_close(c);
	cr_assert(rt_exists(pend));

	srv_start(&v);
	log = srv_log_wait(&v, "BWK1550I");
	cr_assert(t_contains(log, "BWK1551I bulwarkd: at start, with no session "
	    "running: 1 versions reaped (pending ones that sessions abandoned, "
	    "and expired ones not yet removed), with 1 content files of 1000 "
	    "bytes"), "%s", log);
	/* the start's expiry, in its own process, after the reaping */
	cr_assert(t_contains(log, "BWK1550I bulwarkd: expiry (VEREXISTS 2"),
	    "%s", log);
	cr_assert(strstr(log, "BWK1551I") < strstr(log, "BWK1021I"),
	    "reaped after the first accept: %s", log);
	cr_assert(!rt_exists(pend));
	cr_assert(rt_exists(done));
	c = rt_catalog();
	cr_assert_eq(catalog_version_state(c, pv, &s), CAT_NOTFOUND);
	cr_assert_eq(versions_of(c, "/done"), 1);
	catalog_close(c);
	t_peer_stop(&v.p);
	close(d);
}

Test(retention, listener_expires_daily)
{
	char first[CAT_CONTENT_MAX], second[CAT_CONTENT_MAX];
	struct catalog *c;
	struct srv v;
	const char *log;
	int d, i;

	srv_init(&v, "VEREXISTS 1\n");
	/* a "day" of a second */
	cr_assert_eq(setenv("BULWARK_TEST_DAY_MS", "1000", 1), 0);
	srv_start(&v);
	srv_log_wait(&v, "BWK1550I");
	c = rt_catalog();
	d = rt_data();
	tc_add_node(c, "n1", CAT_STRICT);
	cr_assert_eq(catalog_set_retention(c, 5, 30), CAT_OK);
	rt_store(c, d, "/f", 3, 'a', first);
	rt_store(c, d, "/f", 4, 'b', second);
	catalog_close(c);
	/* the next day's expiry, with the server's VEREXISTS 1 (its line
	 * comes after the file is gone) */
	for (i = 0; i < 100 && rt_exists(first); i++)
		usleep(50000);
	log = srv_log_wait(&v, ": 1 versions expired; 1 versions removed, "
	    "with 1 content files of 3 bytes");
	cr_assert(!rt_exists(first), "not expired: %s", log);
	cr_assert(rt_exists(second));
	cr_assert(t_contains(log, ": 1 versions expired; 1 versions removed, "
	    "with 1 content files of 3 bytes"), "%s", log);
	t_peer_stop(&v.p);
	unsetenv("BULWARK_TEST_DAY_MS");
	close(d);
}

/* What init writes, uncommented, is what the server takes by default. */
Test(retention, template_shows_the_defaults)
{
	char path[600], opt[512] = "", name[32], value[32];
	struct srv v;
	struct run r;
	uint8_t *b;
	size_t n;
	char *line, *save = NULL;

	srv_init(&v, NULL);
	/* srv_init replaced bulwarkd.opt: init writes it again elsewhere */
	snprintf(path, sizeof(path), "%s/other", t_tmpdir());
	t_run(&r, "bulwarkd", (const char *[]){ "--instance", path, "init",
	    NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	snprintf(path, sizeof(path), "%s/other/bulwarkd.opt", t_tmpdir());
	cr_assert_eq(t_read(path, &b, &n), 0);
	b = realloc(b, n + 1);
	b[n] = '\0';
	for (line = strtok_r((char *)b, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "* %31s %31s", name, value) == 2 &&
		    (strncmp(name, "VER", 3) == 0 || strncmp(name, "RET", 3) == 0))
			snprintf(opt + strlen(opt), sizeof(opt) - strlen(opt),
			    "%s %s\n", name, value);
	free(b);
	cr_assert(t_contains(opt, "VEREXISTS 2\nVERDELETED 1\nRETEXTRA 30\n"
	    "RETONLY 60\n"), "%s", opt);
	snprintf(path, sizeof(path), "%s/bulwarkd.opt", v.dir);
	cr_assert_eq(t_write(path, (const uint8_t *)opt, strlen(opt), 0600), 0);
	t_run(&r, "bulwarkd", (const char *[]){ "--instance", v.dir, "expire",
	    NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "(VEREXISTS 2, VERDELETED 1, RETEXTRA 30, "
	    "RETONLY 60)"), "%s", r.out);
}

/* A stop of the server ends its expiry too; the next one finishes. */
Test(retention, stopped_expiry_loses_nothing)
{
	char first[CAT_CONTENT_MAX];
	struct catalog *c;
	struct srv v;
	struct run r;
	int64_t t;
	int d;

	srv_init(&v, "VEREXISTS 1\n");
	c = rt_catalog();
	d = rt_data();
	tc_add_node(c, "n1", CAT_STRICT);
	cr_assert_eq(catalog_set_retention(c, 5, 30), CAT_OK);
	rt_store(c, d, "/f", 3, 'a', first);
	rt_store(c, d, "/f", 4, 'b', NULL);
	catalog_close(c);
	/* the expiry waits after removing the files, before the rows */
	cr_assert_eq(setenv("BULWARK_TEST_CATALOG_SLEEP", "reap:30000", 1), 0);
	srv_start(&v);
	unsetenv("BULWARK_TEST_CATALOG_SLEEP");
	while (rt_exists(first))
		usleep(20000);
	t = bwk_mono_ms();
	t_peer_stop(&v.p);
	cr_assert_lt(bwk_mono_ms() - t, 5000, "the stop waited for the expiry");
	cr_assert(t_contains(srv_log(&v), "BWK1556W bulwarkd: the expiry "
	    "process ended by signal 15"), "%s", srv_log(&v));
	c = rt_catalog();
	cr_assert_eq(tc_raw_int(c, "SELECT count(*) FROM versions WHERE "
	    "state = 'DELETING'"), 1);
	catalog_close(c);
	/* the file is gone, the row is not: the next expiry removes it */
	t_run(&r, "bulwarkd", (const char *[]){ "--instance", v.dir, "expire",
	    NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, ": 0 versions expired; 1 versions removed, "
	    "with 0 content files of 0 bytes"), "%s", r.out);
	close(d);
}
