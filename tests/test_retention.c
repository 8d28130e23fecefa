/*
 * Retention on the server: the catalog's rules for deleted files
 * (VERDELETED, RETONLY), and its listing for the server's audit.
 */
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_helpers.h"
#include "helpers.h"

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
	cr_assert_eq(catalog_object_deactivate(c, "n1", "/home", "/f"), CAT_OK);
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
	cr_assert_eq(catalog_object_deactivate(c, "n1", "/home", "/f"), CAT_OK);

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
