/*
 * The server's catalog against a real SQLite file in a temporary
 * instance directory: creation and reopening, permissions, schema
 * versions, nodes and administrators, the lock policy, transactions that
 * fail or are killed half-way, and two processes writing at once. The
 * backup objects are in test_catalog_objects.c.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/lib/util.h"
#include "../src/catalog/catalog_int.h"
#include "catalog_helpers.h"
#include "helpers.h"

TestSuite(catalog, .init = tc_setup, .fini = tc_teardown, .timeout = 120);

/* catalog_open fails with the message ID id (and the text want, if any). */
static void
open_refused(int flags, const char *id, const char *want)
{
	struct catalog *c = (struct catalog *)1;

	tc_msgs[0] = '\0';
	cr_assert_eq(catalog_open(&c, INST, flags), CAT_ERROR);
	cr_assert_null(c);
	cr_assert(t_contains(tc_msgs, id), "want %s: %s", id, tc_msgs);
	if (want != NULL)
		cr_assert(t_contains(tc_msgs, want), "want \"%s\": %s", want,
		    tc_msgs);
}

/* ---- opening, permissions, schema ---- */

Test(catalog, create_then_reopen)
{
	struct catalog *c = tc_open();
	struct stat st;
	uint8_t *buf;
	size_t len;

	cr_assert_eq(catalog_schema_version(c), CATALOG_SCHEMA_VERSION);
	cr_assert(t_contains(catalog_path(c), "/inst/catalog.db"));
	cr_assert_eq(stat(DBFILE, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0600, "mode %o", st.st_mode & 07777);
	tc_add_node(c, "alpha", CAT_TRANSITIONAL);
	/* the durability settings this connection runs with */
	cr_assert_eq(tc_raw_int(c, "PRAGMA synchronous"), 2, "not FULL");
	cr_assert_eq(tc_raw_int(c, "PRAGMA foreign_keys"), 1);
	cr_assert_gt(tc_raw_int(c, "PRAGMA busy_timeout"), 0);
	cr_assert_eq(tc_raw_int(c, "PRAGMA application_id"), CAT_APPLICATION_ID);
	cr_assert_eq(tc_raw_int(c, "SELECT version FROM schema_version"),
	    CATALOG_SCHEMA_VERSION);
	cr_assert_eq(stat(t_path("inst/catalog.db-wal"), &st), 0, "no WAL");
	cr_assert_eq(st.st_mode & 07777, 0600, "WAL mode %o",
	    st.st_mode & 07777);
	catalog_close(c);

	/* WAL is recorded in the file: header bytes 18 and 19 are 2 */
	cr_assert_eq(t_read(DBFILE, &buf, &len), 0);
	cr_assert_geq(len, 100);
	cr_assert(buf[18] == 2 && buf[19] == 2, "not WAL: %d %d", buf[18],
	    buf[19]);
	free(buf);

	cr_assert_eq(catalog_open(&c, INST, 0), CAT_OK, "%s", tc_msgs);
	cr_assert_str_eq(tc_get(c, CAT_NODE, "ALPHA").name, "ALPHA");
	cr_assert_eq(catalog_check(c), CAT_OK, "%s", tc_msgs);
	catalog_close(c);
	cr_assert_eq(tc_msgs[0], '\0', "messages on a clean open: %s", tc_msgs);
}

Test(catalog, absent_catalog_says_how_to_make_one)
{
	struct stat st;

	open_refused(0, "BWK1206E", "init --admin");
	cr_assert_eq(stat(DBFILE, &st), -1, "a catalog was created");
}

Test(catalog, missing_instance_directory)
{
	struct catalog *c;

	cr_assert_eq(catalog_open(&c, t_path("nowhere"), CAT_OPEN_CREATE),
	    CAT_ERROR);
	cr_assert(t_contains(tc_msgs, "BWK1200E"), "%s", tc_msgs);
}

Test(catalog, wide_file_modes_refused)
{
	static const mode_t modes[] = { 0640, 0604, 0620, 0660, 0700 };
	size_t i;

	catalog_close(tc_open());
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		cr_assert_eq(chmod(DBFILE, modes[i]), 0);
		open_refused(0, "BWK1203E", "chmod 600 ");
	}
	cr_assert_eq(chmod(DBFILE, 0600), 0);
	catalog_close(tc_open());
}

Test(catalog, wide_companion_file_refused)
{
	catalog_close(tc_open());
	cr_assert_eq(t_write(t_path("inst/catalog.db-wal"), (const uint8_t *)"",
	    0, 0644), 0);
	open_refused(0, "BWK1203E", "catalog.db-wal");
}

Test(catalog, another_owner_refused)
{
	if (geteuid() != 0)
		cr_skip_test("needs root to give the file away");
	catalog_close(tc_open());
	cr_assert_eq(chown(DBFILE, 65534, 65534), 0);
	open_refused(0, "BWK1204E", "chown ");
	cr_assert_eq(chown(DBFILE, 0, 0), 0);
	cr_assert_eq(chown(INST, 65534, 65534), 0);
	open_refused(0, "BWK1201E", "chown ");
}

Test(catalog, unsafe_directories_refused)
{
	cr_assert_eq(chmod(INST, 0770), 0);
	open_refused(CAT_OPEN_CREATE, "BWK1202E", "chmod go-w");
	cr_assert_eq(chmod(INST, 0700), 0);
	cr_assert_eq(chmod(t_tmpdir(), 0777), 0);
	open_refused(CAT_OPEN_CREATE, "BWK1202E", "on the way to");
	cr_assert_eq(chmod(t_tmpdir(), 0700), 0);
}

Test(catalog, links_and_other_files_refused)
{
	cr_assert_eq(symlink(t_path("elsewhere"), DBFILE), 0);
	open_refused(CAT_OPEN_CREATE, "BWK1205E", "symbolic link");
	cr_assert_eq(unlink(DBFILE), 0);
	cr_assert_eq(mkdir(DBFILE, 0700), 0);
	open_refused(CAT_OPEN_CREATE, "BWK1205E", "not a regular file");
}

Test(catalog, newer_schema_refused_untouched)
{
	struct catalog *c = tc_open();
	uint8_t *before, *after;
	size_t blen, alen;

	tc_add_node(c, "n1", CAT_STRICT);
	catalog_close(c);
	tc_raw("UPDATE schema_version SET version = 4");
	cr_assert_eq(t_read(DBFILE, &before, &blen), 0);
	open_refused(0, "BWK1209E", "schema version 4");
	cr_assert(t_contains(tc_msgs, "up to 3"), "%s", tc_msgs);
	cr_assert_eq(t_read(DBFILE, &after, &alen), 0);
	cr_assert(blen == alen && memcmp(before, after, blen) == 0,
	    "the catalog was written");
	free(before);
	free(after);
}

Test(catalog, foreign_files_refused)
{
	tc_raw("CREATE TABLE photos (id INTEGER PRIMARY KEY)");
	cr_assert_eq(chmod(DBFILE, 0600), 0);
	open_refused(CAT_OPEN_CREATE, "BWK1210E", "another program");
	cr_assert_eq(unlink(DBFILE), 0);
	cr_assert_eq(t_write(DBFILE, (const uint8_t *)
	    "this is not a database at all, not even close, no header here "
	    "and nothing SQLite could read as one; it goes on for a while "
	    "so the header is all garbage", 150, 0600), 0);
	open_refused(0, "BWK1211E", "damaged");
}

Test(catalog, empty_file_from_a_crash_is_made_a_catalog)
{
	struct catalog *c;

	cr_assert_eq(t_write(DBFILE, (const uint8_t *)"", 0, 0600), 0);
	c = tc_open();
	cr_assert_eq(catalog_schema_version(c), CATALOG_SCHEMA_VERSION);
	catalog_close(c);
}

Test(catalog, handle_does_not_cross_fork)
{
	struct catalog *c = tc_open();
	struct cat_account a;
	pid_t pid;
	int st;

	tc_add_node(c, "n1", CAT_STRICT);
	if ((pid = fork()) == 0) {
		tc_msgs[0] = '\0';
		if (catalog_account_get(c, CAT_NODE, "n1", &a) != CAT_ERROR ||
		    !t_contains(tc_msgs, "BWK1216E"))
			_exit(1);
		catalog_close(c);	/* frees only */
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	cr_assert_str_eq(tc_get(c, CAT_NODE, "n1").name, "N1");
	catalog_close(c);
}

Test(catalog, settings_are_bounded)
{
	struct catalog *c = tc_open();
	static const int statuses[] = { CAT_ERROR, CAT_OK, CAT_NOTFOUND,
	    CAT_EXISTS, CAT_INVALID, CAT_LOCKED, CAT_HASDATA, CAT_STATE };
	size_t i;

	cr_assert_eq(catalog_set_busy_timeout(c, 0), CAT_INVALID);
	cr_assert_eq(catalog_set_busy_timeout(c, 600001), CAT_INVALID);
	cr_assert_eq(catalog_set_busy_timeout(c, 1234), CAT_OK);
	cr_assert_eq(tc_raw_int(c, "PRAGMA busy_timeout"), 1234);
	cr_assert_eq(catalog_set_lock_policy(c, 1001, 60), CAT_INVALID);
	cr_assert_eq(catalog_set_lock_policy(c, 5, 30 * 86400 + 1),
	    CAT_INVALID);
	cr_assert_eq(catalog_set_retention(c, 101, 30), CAT_INVALID);
	cr_assert_eq(catalog_set_retention(c, 2, -1), CAT_INVALID);
	cr_assert_eq(catalog_set_retention(c, 2, 3651), CAT_INVALID);
	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		cr_assert(strcmp(catalog_strerror(statuses[i]),
		    "unknown status") != 0, "%d", statuses[i]);
	cr_assert_str_eq(catalog_strerror(99), "unknown status");
	catalog_close(c);
	catalog_close(NULL);
}

/* ---- names and accounts ---- */

Test(catalog, names)
{
	char canon[CAT_NAME_MAX + 1], long_name[80];

	cr_assert(catalog_name_ok("A"));
	cr_assert(catalog_name_ok("node_1.example-com+x&y"));
	memset(long_name, 'x', 64);
	long_name[64] = '\0';
	cr_assert(catalog_name_ok(long_name));
	long_name[64] = 'x';
	long_name[65] = '\0';
	cr_assert(!catalog_name_ok(long_name));
	cr_assert(!catalog_name_ok(""));
	cr_assert(!catalog_name_ok(NULL));
	cr_assert(!catalog_name_ok("-x"));
	cr_assert(!catalog_name_ok("a b"));
	cr_assert(!catalog_name_ok("a/b"));
	cr_assert(!catalog_name_ok("a'b"));
	cr_assert(!catalog_name_ok("caf\xc3\xa9"));
	cr_assert_eq(catalog_name_canon("Node_1.a&b", canon), CAT_OK);
	cr_assert_str_eq(canon, "NODE_1.A&B");
	cr_assert_eq(catalog_name_canon("a;DROP", canon), CAT_INVALID);
}

Test(catalog, names_are_case_insensitive)
{
	struct catalog *c = tc_open();
	struct scram_verifier v = tc_verifier(2);

	tc_add_node(c, "MixedCase", CAT_STRICT);
	cr_assert_str_eq(tc_get(c, CAT_NODE, "mixedcase").name, "MIXEDCASE");
	cr_assert_eq(catalog_account_register(c, CAT_NODE, "MIXEDcase", &v,
	    CAT_STRICT, 0), CAT_EXISTS);
	cr_assert_eq(catalog_account_register(c, CAT_NODE, "bad name", &v,
	    CAT_STRICT, 0), CAT_INVALID);
	/* nodes and administrators are separate namespaces, as the seed's */
	cr_assert_eq(catalog_account_register(c, CAT_ADMIN, "mixedcase", &v,
	    CAT_STRICT, 0), CAT_OK);
	cr_assert_eq(tc_msgs[0], '\0', "%s", tc_msgs);
	catalog_close(c);
}

Test(catalog, weak_verifiers_refused)
{
	struct catalog *c = tc_open();
	struct scram_verifier v = tc_verifier(0);
	struct cat_account a;

	v.p.iter = SCRAM_ITER_FLOOR - 1;
	cr_assert_eq(catalog_account_register(c, CAT_NODE, "n", &v,
	    CAT_STRICT, 0), CAT_INVALID);
	v.p.iter = SCRAM_ITER_MAX + 1;
	cr_assert_eq(catalog_account_register(c, CAT_NODE, "n", &v,
	    CAT_STRICT, 0), CAT_INVALID);
	v = tc_verifier(0);
	v.p.salt_len = SCRAM_SALT_MIN - 1;
	cr_assert_eq(catalog_account_register(c, CAT_NODE, "n", &v,
	    CAT_STRICT, 0), CAT_INVALID);
	v = tc_verifier(0);
	cr_assert_eq(catalog_account_register(c, CAT_NODE, "n", &v,
	    (enum cat_security)7, 0), CAT_INVALID);
	cr_assert_eq(catalog_account_register(c, CAT_NODE, "n", &v,
	    CAT_STRICT, -1), CAT_INVALID);
	cr_assert_eq(catalog_account_get(c, CAT_NODE, "n", &a), CAT_NOTFOUND);
	catalog_close(c);
}

/* What the SCRAM code makes at registration is what the catalog gives back. */
Test(catalog, scram_verifier_round_trip)
{
	struct catalog *c = tc_open();
	struct scram_verifier v;
	struct cat_account a;
	static const uint8_t pw[] = "correct horse battery staple";

	cr_assert_eq(scram_verifier_make(pw, sizeof(pw) - 1, SCRAM_ITER_FLOOR,
	    0, &v), SCRAM_OK);
	cr_assert(catalog_verifier_ok(&v));
	cr_assert_eq(catalog_account_register(c, CAT_ADMIN, "root", &v,
	    CAT_STRICT, 0), CAT_OK, "%s", tc_msgs);
	a = tc_get(c, CAT_ADMIN, "ROOT");
	cr_assert_eq(a.verifier.p.salt_len, v.p.salt_len);
	cr_assert_eq(a.verifier.p.iter, v.p.iter);
	cr_assert_eq(memcmp(a.verifier.p.salt, v.p.salt, v.p.salt_len), 0);
	cr_assert_eq(memcmp(a.verifier.stored_key, v.stored_key,
	    SCRAM_HASH_LEN), 0);
	cr_assert_eq(memcmp(a.verifier.server_key, v.server_key,
	    SCRAM_HASH_LEN), 0);
	catalog_close(c);
}

static int
collect_names(void *arg, const struct cat_account *a)
{
	char *out = arg;

	strcat(out, a->name);
	strcat(out, ",");
	return 0;
}

static void
account_calls(enum cat_kind kind)
{
	struct catalog *c = tc_open();
	struct scram_verifier v = tc_verifier(3), w = tc_verifier(4);
	struct cat_account a;
	struct cat_update u;
	char names[256] = "";

	cr_assert_eq(catalog_account_register(c, kind, "zed", &v,
	    CAT_TRANSITIONAL, 1800000000), CAT_OK);
	tc_now += 10;
	cr_assert_eq(catalog_account_register(c, kind, "amy", &v,
	    CAT_STRICT, 0), CAT_OK);
	a = tc_get(c, kind, "ZED");
	cr_assert_eq(a.verifier.p.salt_len, v.p.salt_len);
	cr_assert_eq(memcmp(a.verifier.p.salt, v.p.salt, v.p.salt_len), 0);
	cr_assert_eq(a.verifier.p.iter, v.p.iter);
	cr_assert_eq(memcmp(a.verifier.stored_key, v.stored_key, 32), 0);
	cr_assert_eq(memcmp(a.verifier.server_key, v.server_key, 32), 0);
	cr_assert_eq(a.security, CAT_TRANSITIONAL);
	cr_assert_eq(a.password_expires, 1800000000);
	cr_assert_eq(a.created, tc_now - 10);
	cr_assert_eq(a.updated, tc_now - 10);
	cr_assert_eq(a.failed_signons, 0);
	cr_assert_eq(a.last_signon, 0);

	cr_assert_eq(catalog_account_list(c, kind, collect_names, names),
	    CAT_OK);
	cr_assert_str_eq(names, "AMY,ZED,");

	tc_now += 10;
	cr_assert_eq(catalog_account_set_verifier(c, kind, "zed", &w, 0),
	    CAT_OK);
	a = tc_get(c, kind, "zed");
	cr_assert_eq(a.verifier.p.iter, w.p.iter);
	cr_assert_eq(memcmp(a.verifier.stored_key, w.stored_key, 32), 0);
	cr_assert_eq(a.password_expires, 0);
	cr_assert_eq(a.updated, tc_now);
	cr_assert_eq(a.created, tc_now - 20);

	cr_assert_eq(catalog_account_set_security(c, kind, "zed", CAT_STRICT),
	    CAT_OK);
	cr_assert_eq(tc_get(c, kind, "zed").security, CAT_STRICT);

	memset(&u, 0, sizeof(u));
	u.what = CAT_SET_SECURITY | CAT_SET_EXPIRES;
	u.security = CAT_TRANSITIONAL;
	u.password_expires = 1900000000;
	cr_assert_eq(catalog_account_update(c, kind, "zed", &u), CAT_OK);
	a = tc_get(c, kind, "zed");
	cr_assert_eq(a.security, CAT_TRANSITIONAL);
	cr_assert_eq(a.password_expires, 1900000000);
	cr_assert_eq(memcmp(a.verifier.stored_key, w.stored_key, 32), 0);

	u.what = 0;
	cr_assert_eq(catalog_account_update(c, kind, "zed", &u), CAT_INVALID);
	u.what = CAT_SET_VERIFIER;
	u.verifier = NULL;
	cr_assert_eq(catalog_account_update(c, kind, "zed", &u), CAT_INVALID);
	u.what = CAT_SET_SECURITY;
	u.security = CAT_STRICT;
	cr_assert_eq(catalog_account_update(c, kind, "nobody", &u),
	    CAT_NOTFOUND);
	cr_assert_eq(catalog_account_set_security(c, kind, "nobody",
	    CAT_STRICT), CAT_NOTFOUND);

	cr_assert_eq(catalog_account_remove(c, kind, "Zed"), CAT_OK);
	cr_assert_eq(catalog_account_get(c, kind, "zed", &a), CAT_NOTFOUND);
	cr_assert_eq(catalog_account_remove(c, kind, "zed"), CAT_NOTFOUND);
	names[0] = '\0';
	cr_assert_eq(catalog_account_list(c, kind, collect_names, names),
	    CAT_OK);
	cr_assert_str_eq(names, "AMY,");
	cr_assert_eq(tc_msgs[0], '\0', "%s", tc_msgs);
	catalog_close(c);
}

Test(catalog, node_calls)
{
	account_calls(CAT_NODE);
}

Test(catalog, admin_calls)
{
	account_calls(CAT_ADMIN);
}

static int
stop_at_first(void *arg, const struct cat_account *a)
{
	(void)a;
	++*(int *)arg;
	return 42;
}

Test(catalog, list_callback_stops)
{
	struct catalog *c = tc_open();
	int n = 0;

	tc_add_node(c, "a", CAT_STRICT);
	tc_add_node(c, "b", CAT_STRICT);
	cr_assert_eq(catalog_account_list(c, CAT_NODE, stop_at_first, &n), 42);
	cr_assert_eq(n, 1);
	/* the statement was reset: the next call works */
	tc_add_node(c, "c", CAT_STRICT);
	catalog_close(c);
}

/* ---- sign-on and the lock policy ---- */

Test(catalog, first_signon_makes_a_node_strict)
{
	struct catalog *c = tc_open();
	struct cat_account a;
	int strict = -1;

	tc_add_node(c, "n1", CAT_TRANSITIONAL);
	tc_now += 100;
	cr_assert_eq(catalog_signon_success(c, CAT_NODE, "n1", &strict),
	    CAT_OK);
	cr_assert_eq(strict, 1);
	a = tc_get(c, CAT_NODE, "n1");
	cr_assert_eq(a.security, CAT_STRICT);
	cr_assert_eq(a.last_signon, tc_now);
	cr_assert_eq(a.updated, tc_now);
	tc_now += 100;
	cr_assert_eq(catalog_signon_success(c, CAT_NODE, "n1", &strict),
	    CAT_OK);
	cr_assert_eq(strict, 0);
	a = tc_get(c, CAT_NODE, "n1");
	cr_assert_eq(a.last_signon, tc_now);
	cr_assert_eq(a.updated, tc_now - 100, "a sign-on is not a change");
	/* the administrator's reset, as in the seed */
	cr_assert_eq(catalog_account_set_security(c, CAT_NODE, "n1",
	    CAT_TRANSITIONAL), CAT_OK);
	cr_assert_eq(catalog_signon_success(c, CAT_NODE, "n1", &strict),
	    CAT_OK);
	cr_assert_eq(strict, 1);
	cr_assert_eq(catalog_signon_success(c, CAT_NODE, "ghost", &strict),
	    CAT_NOTFOUND);
	cr_assert_eq(strict, 0);
	catalog_close(c);
}

Test(catalog, lock_policy_defaults)
{
	struct catalog *c = tc_open();
	int64_t until = -1, start = tc_now;
	int i, locked, strict;

	tc_add_node(c, "n1", CAT_TRANSITIONAL);
	for (i = 1; i < CAT_LOCK_FAILURES; i++) {
		cr_assert_eq(catalog_signon_failure(c, CAT_NODE, "n1", &until),
		    CAT_OK);
		cr_assert_eq(until, 0);
		cr_assert_eq(tc_get(c, CAT_NODE, "n1").failed_signons, i);
	}
	cr_assert_eq(catalog_signon_failure(c, CAT_NODE, "n1", &until),
	    CAT_LOCKED);
	cr_assert_eq(until, start + CAT_LOCK_SECONDS);
	cr_assert_eq(catalog_account_locked(c, CAT_NODE, "n1", &locked,
	    &until), CAT_OK);
	cr_assert_eq(locked, 1);
	cr_assert_eq(until, start + CAT_LOCK_SECONDS);

	/* while locked: a right password does not tc_get in, nor changes a thing */
	cr_assert_eq(catalog_signon_success(c, CAT_NODE, "n1", &strict),
	    CAT_LOCKED);
	cr_assert_eq(strict, 0);
	cr_assert_eq(tc_get(c, CAT_NODE, "n1").security, CAT_TRANSITIONAL);
	tc_now += 60;
	cr_assert_eq(catalog_signon_failure(c, CAT_NODE, "n1", &until),
	    CAT_LOCKED);
	cr_assert_eq(until, start + CAT_LOCK_SECONDS, "a lock was extended");
	cr_assert_eq(tc_get(c, CAT_NODE, "n1").failed_signons, CAT_LOCK_FAILURES);

	/* expired: the next failure locks again at once */
	tc_now = start + CAT_LOCK_SECONDS;
	cr_assert_eq(catalog_account_locked(c, CAT_NODE, "n1", &locked, NULL),
	    CAT_OK);
	cr_assert_eq(locked, 0);
	cr_assert_eq(catalog_signon_failure(c, CAT_NODE, "n1", &until),
	    CAT_LOCKED);
	cr_assert_eq(until, tc_now + CAT_LOCK_SECONDS);

	/* expired again, and this time the password is right */
	tc_now += CAT_LOCK_SECONDS;
	cr_assert_eq(catalog_signon_success(c, CAT_NODE, "n1", &strict),
	    CAT_OK);
	cr_assert_eq(tc_get(c, CAT_NODE, "n1").failed_signons, 0);
	cr_assert_eq(tc_get(c, CAT_NODE, "n1").locked_until, 0);
	cr_assert_eq(catalog_signon_failure(c, CAT_NODE, "n1", &until),
	    CAT_OK);
	cr_assert_eq(catalog_signon_failure(c, CAT_NODE, "ghost", &until),
	    CAT_NOTFOUND);
	catalog_close(c);
}

Test(catalog, administrator_unlocks)
{
	struct catalog *c = tc_open();
	struct scram_verifier w = tc_verifier(9);
	struct cat_update u;
	int locked;

	cr_assert_eq(catalog_set_lock_policy(c, 2, 60), CAT_OK);
	cr_assert_eq(catalog_set_lock_policy(c, 0, 60), CAT_INVALID);
	cr_assert_eq(catalog_set_lock_policy(c, 2, 0), CAT_INVALID);
	tc_add_node(c, "n1", CAT_STRICT);
	cr_assert_eq(catalog_signon_failure(c, CAT_ADMIN, "n1", NULL),
	    CAT_NOTFOUND);
	cr_assert_eq(catalog_signon_failure(c, CAT_NODE, "n1", NULL), CAT_OK);
	cr_assert_eq(catalog_signon_failure(c, CAT_NODE, "n1", NULL),
	    CAT_LOCKED);
	cr_assert_eq(tc_get(c, CAT_NODE, "n1").locked_until, tc_now + 60);
	/* a new password unlocks */
	cr_assert_eq(catalog_account_set_verifier(c, CAT_NODE, "n1", &w, 0),
	    CAT_OK);
	cr_assert_eq(catalog_account_locked(c, CAT_NODE, "n1", &locked, NULL),
	    CAT_OK);
	cr_assert_eq(locked, 0);
	cr_assert_eq(tc_get(c, CAT_NODE, "n1").failed_signons, 0);
	/* and so does an explicit unlock */
	cr_assert_eq(catalog_signon_failure(c, CAT_NODE, "n1", NULL), CAT_OK);
	cr_assert_eq(catalog_signon_failure(c, CAT_NODE, "n1", NULL),
	    CAT_LOCKED);
	memset(&u, 0, sizeof(u));
	u.what = CAT_SET_UNLOCK;
	cr_assert_eq(catalog_account_update(c, CAT_NODE, "n1", &u), CAT_OK);
	cr_assert_eq(tc_get(c, CAT_NODE, "n1").locked_until, 0);
	cr_assert_eq(catalog_signon_failure(c, CAT_NODE, "n1", NULL), CAT_OK);
	catalog_close(c);
}

/* ---- transactions: all or nothing ---- */

Test(catalog, failed_commit_writes_nothing)
{
	struct catalog *c = tc_open();
	struct scram_verifier v = tc_verifier(5);
	struct cat_account a;

	tc_fault("BULWARK_TEST_CATALOG_FAIL", "commit");
	cr_assert_eq(catalog_account_register(c, CAT_NODE, "n1", &v,
	    CAT_STRICT, 0), CAT_ERROR);
	cr_assert(t_contains(tc_msgs, "BWK1214E"), "%s", tc_msgs);
	tc_clear_faults();
	cr_assert_eq(catalog_account_get(c, CAT_NODE, "n1", &a), CAT_NOTFOUND);
	/* and the handle goes on working */
	tc_add_node(c, "n1", CAT_STRICT);
	catalog_close(c);
}

Test(catalog, half_update_rolled_back)
{
	struct catalog *c = tc_open();
	struct scram_verifier v = tc_verifier(1), w = tc_verifier(6);
	struct cat_update u;
	struct cat_account a;

	tc_add_node(c, "n1", CAT_TRANSITIONAL);
	memset(&u, 0, sizeof(u));
	u.what = CAT_SET_VERIFIER | CAT_SET_SECURITY;
	u.verifier = &w;
	u.security = CAT_STRICT;
	/* fails after the tc_verifier was changed, before SESSIONSECURITY */
	tc_fault("BULWARK_TEST_CATALOG_FAIL", "update");
	cr_assert_eq(catalog_account_update(c, CAT_NODE, "n1", &u), CAT_ERROR);
	tc_clear_faults();
	a = tc_get(c, CAT_NODE, "n1");
	cr_assert_eq(memcmp(a.verifier.stored_key, v.stored_key, 32), 0,
	    "the verifier was half-written");
	cr_assert_eq(a.security, CAT_TRANSITIONAL);

	cr_assert_eq(catalog_set_lock_policy(c, 1, 60), CAT_OK);
	tc_fault("BULWARK_TEST_CATALOG_FAIL", "failure");
	cr_assert_eq(catalog_signon_failure(c, CAT_NODE, "n1", NULL),
	    CAT_ERROR);
	tc_clear_faults();
	a = tc_get(c, CAT_NODE, "n1");
	cr_assert_eq(a.failed_signons, 0);
	cr_assert_eq(a.locked_until, 0);
	catalog_close(c);
}

Test(catalog, killed_in_a_transaction_leaves_nothing)
{
	struct catalog *c;
	struct cat_account a;
	pid_t pid;
	int st;

	catalog_close(tc_open());
	if ((pid = fork()) == 0) {
		struct scram_verifier v = tc_verifier(1);

		if (catalog_open(&c, INST, 0) != CAT_OK)
			_exit(1);
		setenv("BULWARK_TEST_CATALOG_CRASH", "commit", 1);
		catalog_account_register(c, CAT_NODE, "n1", &v, CAT_STRICT, 0);
		_exit(2);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %x", st);
	c = tc_open();
	cr_assert_eq(catalog_account_get(c, CAT_NODE, "n1", &a), CAT_NOTFOUND);
	cr_assert_eq(catalog_check(c), CAT_OK, "%s", tc_msgs);
	tc_add_node(c, "n1", CAT_STRICT);
	catalog_close(c);
}

/* ---- two processes ---- */

static double
mono_s(void)
{
	return (double)bwk_mono_ms() / 1000.0;
}

/* Child: open, then register name, waiting at hold ("point:ms") if set. */
static pid_t
writer(const char *name, const char *hold, int ready_fd)
{
	pid_t pid;

	if ((pid = fork()) != 0)
		return pid;
	{
		struct catalog *c;
		struct scram_verifier v = tc_verifier(7);
		int r;

		if (catalog_open(&c, INST, 0) != CAT_OK)
			_exit(10);
		if (hold != NULL)
			setenv("BULWARK_TEST_CATALOG_SLEEP", hold, 1);
		if (ready_fd != -1) {
			if (write(ready_fd, "x", 1) != 1)
				_exit(11);
			close(ready_fd);
		}
		r = catalog_account_register(c, CAT_NODE, name, &v,
		    CAT_STRICT, 0);
		catalog_close(c);
		_exit(r == CAT_OK ? 0 : 20 + r);
	}
}

static void
exited_ok(pid_t pid)
{
	int st;

	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %x", st);
}

Test(catalog, second_writer_waits_then_commits)
{
	struct catalog *c;
	int fds[2];
	char x;
	double t0, waited;
	pid_t a;

	catalog_close(tc_open());
	cr_assert_eq(pipe(fds), 0);
	/* A holds the write lock for 1.5 s, just before its COMMIT */
	a = writer("first", "hold:1500", fds[1]);
	close(fds[1]);
	cr_assert_eq(read(fds[0], &x, 1), 1);
	close(fds[0]);
	usleep(300000);
	c = tc_open();
	t0 = mono_s();
	tc_add_node(c, "second", CAT_STRICT);
	waited = mono_s() - t0;
	exited_ok(a);
	cr_assert_gt(waited, 0.8, "did not wait: %.2f s", waited);
	cr_assert_str_eq(tc_get(c, CAT_NODE, "first").name, "FIRST");
	cr_assert_str_eq(tc_get(c, CAT_NODE, "second").name, "SECOND");
	cr_assert_eq(catalog_check(c), CAT_OK, "%s", tc_msgs);
	catalog_close(c);
}

Test(catalog, busy_timeout_ends_a_wait)
{
	struct catalog *c;
	struct scram_verifier v = tc_verifier(1);
	struct cat_account a;
	int fds[2];
	char x;
	pid_t w;

	catalog_close(tc_open());
	cr_assert_eq(pipe(fds), 0);
	w = writer("holder", "hold:3000", fds[1]);
	close(fds[1]);
	cr_assert_eq(read(fds[0], &x, 1), 1);
	close(fds[0]);
	usleep(300000);
	c = tc_open();
	cr_assert_eq(catalog_set_busy_timeout(c, 200), CAT_OK);
	cr_assert_eq(catalog_account_register(c, CAT_NODE, "late", &v,
	    CAT_STRICT, 0), CAT_ERROR);
	cr_assert(t_contains(tc_msgs, "BWK1212E"), "%s", tc_msgs);
	exited_ok(w);
	cr_assert_eq(catalog_account_get(c, CAT_NODE, "late", &a),
	    CAT_NOTFOUND);
	cr_assert_str_eq(tc_get(c, CAT_NODE, "holder").name, "HOLDER");
	catalog_close(c);
}

/* Child: n failed sign-ons of one node. */
static pid_t
failer(int n)
{
	pid_t pid;
	struct catalog *c;
	int i;

	if ((pid = fork()) != 0)
		return pid;
	if (catalog_open(&c, INST, 0) != CAT_OK ||
	    catalog_set_lock_policy(c, 1000, 60) != CAT_OK)
		_exit(10);
	for (i = 0; i < n; i++)
		if (catalog_signon_failure(c, CAT_NODE, "shared", NULL) !=
		    CAT_OK)
			_exit(11);
	catalog_close(c);
	_exit(0);
}

Test(catalog, concurrent_counts_lose_nothing)
{
	struct catalog *c = tc_open();
	pid_t a, b;

	tc_add_node(c, "shared", CAT_STRICT);
	a = failer(60);
	b = failer(60);
	exited_ok(a);
	exited_ok(b);
	cr_assert_eq(tc_get(c, CAT_NODE, "shared").failed_signons, 120);
	catalog_close(c);
}

/* ---- the sessions signed on now ---- */

struct sess_seen {
	char	text[1024];
	size_t	n;
};

static int
sess_collect(void *arg, const struct cat_session *s)
{
	struct sess_seen *x = arg;

	x->n += (size_t)snprintf(x->text + x->n, sizeof(x->text) - x->n,
	    "%lld %s %s %s %s|", (long long)s->id, s->peer, s->role, s->name,
	    s->suite);
	return 0;
}

static void
sess_add(struct catalog *c, int64_t run, int64_t id, const char *name)
{
	struct cat_session s = { run, id, "127.0.0.1:4000", "node", name,
	    100, 101, "TLSv1.2", "ECDHE-ECDSA-AES256-GCM-SHA384", "P-256", 1 };

	cr_assert_eq(catalog_session_add(c, &s), CAT_OK, "%s", tc_msgs);
}

Test(catalog, sessions_listed_by_run_and_pruned)
{
	struct catalog *c = tc_open();
	struct sess_seen x;
	const int64_t live[] = { 3 };

	sess_add(c, 7, 2, "N2");
	sess_add(c, 7, 3, "N3");
	sess_add(c, 6, 3, "OLD");		/* a run before a restart */
	/* session 5 started after the list session 4 was handed */
	sess_add(c, 7, 5, "N5");
	cr_assert_eq(catalog_session_prune(c, 7, 4, live, 1), CAT_OK);
	cr_assert_eq(tc_raw_int(c, "SELECT count(*) FROM sessions WHERE id = 5"),
	    1, "a later session's row was dropped");
	cr_assert_eq(catalog_session_remove(c, 7, 5), CAT_OK);
	sess_add(c, 7, 2, "N2");
	sess_add(c, 6, 3, "OLD");
	memset(&x, 0, sizeof(x));
	cr_assert_eq(catalog_session_list(c, 7, sess_collect, &x), CAT_OK);
	cr_assert_str_eq(x.text, "2 127.0.0.1:4000 node N2 "
	    "ECDHE-ECDSA-AES256-GCM-SHA384|3 127.0.0.1:4000 node N3 "
	    "ECDHE-ECDSA-AES256-GCM-SHA384|");
	/* session 2 died: the next one's prune drops it and the old run */
	cr_assert_eq(catalog_session_prune(c, 7, 4, live, 1), CAT_OK);
	cr_assert_eq(tc_raw_int(c, "SELECT count(*) FROM sessions"), 1);
	memset(&x, 0, sizeof(x));
	cr_assert_eq(catalog_session_list(c, 7, sess_collect, &x), CAT_OK);
	cr_assert_str_eq(x.text, "3 127.0.0.1:4000 node N3 "
	    "ECDHE-ECDSA-AES256-GCM-SHA384|");
	cr_assert_eq(catalog_session_remove(c, 7, 3), CAT_OK);
	cr_assert_eq(tc_raw_int(c, "SELECT count(*) FROM sessions"), 0);
	catalog_close(c);
}

/* A catalog of schema version 1 is migrated: it gains the table. */
Test(catalog, version_1_gains_the_sessions_table)
{
	struct catalog *c = tc_open();

	catalog_close(c);
	tc_raw("DROP TABLE sessions");
	tc_raw("ALTER TABLE versions DROP COLUMN hardlink");
	tc_raw("UPDATE schema_version SET version = 1");
	c = tc_open();
	cr_assert_eq(catalog_schema_version(c), CATALOG_SCHEMA_VERSION);
	sess_add(c, 1, 1, "N1");
	catalog_close(c);
}

/* A catalog of schema version 2 gains the hard links' column, which
 * only a FILE's version may fill. */
Test(catalog, version_2_gains_the_hard_link_column)
{
	struct catalog *c = tc_open();

	catalog_close(c);
	tc_raw("ALTER TABLE versions DROP COLUMN hardlink");
	tc_raw("UPDATE schema_version SET version = 2");
	c = tc_open();
	cr_assert_eq(catalog_schema_version(c), CATALOG_SCHEMA_VERSION);
	cr_assert_eq(tc_raw_int(c, "SELECT count(*) FROM pragma_table_info("
	    "'versions') WHERE name = 'hardlink'"), 1);
	catalog_close(c);
}
