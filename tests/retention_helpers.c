/* The retention and audit tests' helpers (retention_helpers.h). */
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../src/lib/util.h"
#include "../src/srvsession/content.h"
#include "catalog_helpers.h"
#include "helpers.h"
#include "retention_helpers.h"

int64_t	rt_clock;

static int64_t
rt_now(void)
{
	return rt_clock != 0 ? rt_clock : bwk_now();
}

struct catalog *
rt_catalog(void)
{
	struct catalog *c;

	cr_assert_eq(catalog_open(&c, t_path("inst/catalog"), 0), CAT_OK,
	    "open: %s", tc_msgs);
	catalog_set_clock(c, rt_now);
	return c;
}

int
rt_data(void)
{
	int fd = open(t_path("inst/data"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	cr_assert_neq(fd, -1, "%s", strerror(errno));
	return fd;
}

static int64_t
write_version(struct catalog *c, int d, const char *path, size_t len,
    int fill, int commit, char content[CAT_CONTENT_MAX])
{
	struct cat_meta m = { .type = CAT_FILE, .mode = 0640 };
	static uint8_t buf[1 << 16];
	struct cat_pending p;
	struct content_w w;
	uint8_t sha[32];
	uint64_t size;

	cr_assert_leq(len, sizeof(buf));
	cr_assert_eq(catalog_object_begin(c, "n1", "/home", path, &m, &p),
	    CAT_OK, "begin %s: %s", path, tc_msgs);
	cr_assert_eq(content_create(d, p.content, &w), 0, "%s",
	    strerror(errno));
	memset(buf, fill, len);
	cr_assert_eq(content_write(&w, buf, len), 0);
	cr_assert_eq(content_finish(&w, &size, sha), 0);
	if (commit)
		cr_assert_eq(catalog_object_commit(c, "n1", p.version, size,
		    sha), CAT_OK, "commit %s: %s", path, tc_msgs);
	if (content != NULL)
		snprintf(content, CAT_CONTENT_MAX, "%s", p.content);
	return p.version;
}

int64_t
rt_store(struct catalog *c, int d, const char *path, size_t len, int fill,
    char content[CAT_CONTENT_MAX])
{
	return write_version(c, d, path, len, fill, 1, content);
}

int64_t
rt_pending(struct catalog *c, int d, const char *path, size_t len,
    char content[CAT_CONTENT_MAX])
{
	return write_version(c, d, path, len, 'p', 0, content);
}

const char *
rt_file(const char *content)
{
	char name[64];

	snprintf(name, sizeof(name), "inst/data/%s", content);
	return t_path(name);
}

int
rt_exists(const char *content)
{
	struct stat st;

	return lstat(rt_file(content), &st) == 0;
}

const char *
rt_now_env(int64_t secs)
{
	static char env[64];

	snprintf(env, sizeof(env), "BULWARK_TEST_NOW=%lld",
	    (long long)(bwk_now() + secs));
	return env;
}

void
rt_raw(const char *sql)
{
	sqlite3 *db;
	char *err = NULL;

	cr_assert_eq(sqlite3_open(t_path("inst/catalog/catalog.db"), &db),
	    SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &err), SQLITE_OK,
	    "%s: %s", sql, err != NULL ? err : "?");
	sqlite3_close(db);
}
