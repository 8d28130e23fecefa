/* The catalog tests' shared helpers (catalog_helpers.h). */
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/lib/msg.h"
#include "../src/catalog/catalog_int.h"
#include "catalog_helpers.h"
#include "helpers.h"

char	tc_msgs[16384];

static void
tc_capture(void *arg, const char *id, const char *text)
{
	size_t n = strlen(tc_msgs);

	(void)arg;
	snprintf(tc_msgs + n, sizeof(tc_msgs) - n, "%s %s\n", id, text);
}

void
tc_setup(void)
{
	t_tmpdir();
	cr_assert_eq(mkdir(INST, 0700), 0);
	tc_msgs[0] = '\0';
	bwk_msg_hook(tc_capture, NULL, NULL, NULL);
}

void
tc_teardown(void)
{
	bwk_msg_hook(NULL, NULL, NULL, NULL);
	t_cleanup();
}

int64_t	tc_now = 1700000000;

static int64_t
tc_clock(void)
{
	return tc_now;
}

struct catalog *
tc_open(void)
{
	struct catalog *c;

	cr_assert_eq(catalog_open(&c, INST, CAT_OPEN_CREATE), CAT_OK,
	    "open: %s", tc_msgs);
	cr_assert_not_null(c);
	catalog_set_clock(c, tc_clock);
	return c;
}


struct scram_verifier
tc_verifier(int seed)
{
	struct scram_verifier v;

	memset(&v, 0, sizeof(v));
	v.p.salt_len = 16 + seed % 8;
	memset(v.p.salt, 'a' + seed % 26, v.p.salt_len);
	v.p.iter = SCRAM_ITER_FLOOR + (uint32_t)seed;
	memset(v.stored_key, 0x10 + seed, SCRAM_HASH_LEN);
	memset(v.server_key, 0x80 + seed, SCRAM_HASH_LEN);
	return v;
}

void
tc_add_node(struct catalog *c, const char *name, enum cat_security sec)
{
	struct scram_verifier v = tc_verifier(1);

	cr_assert_eq(catalog_account_register(c, CAT_NODE, name, &v, sec, 0),
	    CAT_OK, "register %s: %s", name, tc_msgs);
}

struct cat_account
tc_get(struct catalog *c, enum cat_kind kind, const char *name)
{
	struct cat_account a;

	cr_assert_eq(catalog_account_get(c, kind, name, &a), CAT_OK,
	    "get %s: %s", name, tc_msgs);
	return a;
}

/* A statement run on the file directly, as another program would. */
void
tc_raw(const char *sql)
{
	sqlite3 *db;
	char *err = NULL;

	cr_assert_eq(sqlite3_open(DBFILE, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &err), SQLITE_OK,
	    "%s: %s", sql, err != NULL ? err : "?");
	sqlite3_close(db);
}

int64_t
tc_raw_int(struct catalog *c, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v;

	cr_assert_eq(sqlite3_prepare_v2(c->db, sql, -1, &st, NULL), SQLITE_OK,
	    "%s", sql);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

void
tc_fault(const char *var, const char *point)
{
	cr_assert_eq(setenv(var, point, 1), 0);
}

void
tc_clear_faults(void)
{
	unsetenv("BULWARK_TEST_CATALOG_FAIL");
	unsetenv("BULWARK_TEST_CATALOG_CRASH");
	unsetenv("BULWARK_TEST_CATALOG_SLEEP");
}
