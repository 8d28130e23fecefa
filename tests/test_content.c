/*
 * The server's content files (src/srvsession/content.c) with a real
 * catalog: written while pending, hashed as written, visible only after
 * the sync and the commit; a failing write leaves nothing behind.
 */
#include <criterion/criterion.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "../src/srvsession/content.h"
#include "catalog_helpers.h"
#include "helpers.h"

TestSuite(content, .init = tc_setup, .fini = tc_teardown);

static int
data_dir(void)
{
	int fd;

	cr_assert_eq(mkdir(t_path("inst/data"), 0700), 0);
	cr_assert_neq(fd = open(t_path("inst/data"), O_RDONLY | O_DIRECTORY),
	    -1);
	return fd;
}

static struct cat_pending
begin(struct catalog *c, const char *path)
{
	struct cat_meta m = { .type = CAT_FILE, .mode = 0640 };
	struct cat_pending p;

	cr_assert_eq(catalog_object_begin(c, "n1", "/home", path, &m, &p),
	    CAT_OK, "%s", tc_msgs);
	return p;
}

Test(content, written_hashed_synced_then_committed)
{
	struct catalog *c = tc_open();
	static uint8_t buf[100000];
	uint8_t sha[32], want[32], back[sizeof(buf)];
	struct content_w w;
	struct cat_pending p;
	uint64_t size;
	size_t i;
	int d = data_dir(), fd;

	tc_add_node(c, "n1", CAT_STRICT);
	p = begin(c, "/u/f");
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7);
	cr_assert_eq(content_create(d, p.content, &w), 0, "%s", strerror(errno));
	/* in pieces, as records arrive */
	for (i = 0; i < sizeof(buf); i += 16384)
		cr_assert_eq(content_write(&w, buf + i, sizeof(buf) - i < 16384 ?
		    sizeof(buf) - i : 16384), 0);
	cr_assert_eq(content_finish(&w, &size, sha), 0);
	cr_assert_eq(size, sizeof(buf));
	cr_assert_eq(wc_Sha256Hash(buf, sizeof(buf), want), 0);
	cr_assert_eq(memcmp(sha, want, 32), 0, "the hash is not the bytes'");
	cr_assert_eq(catalog_object_commit(c, "n1", p.version, size, sha),
	    CAT_OK);
	cr_assert_neq(fd = content_open(d, p.content), -1);
	cr_assert_eq(read(fd, back, sizeof(back)), (ssize_t)sizeof(buf));
	cr_assert_eq(memcmp(back, buf, sizeof(buf)), 0);
	close(fd);
	/* the catalog's name is the only one: a second create is refused */
	cr_assert_eq(content_create(d, p.content, &w), -1);
	cr_assert_eq(errno, EEXIST);
	/* a finished file whose version is dropped after all goes, once */
	cr_assert_eq(content_remove(d, p.content), 0, "%s", strerror(errno));
	cr_assert_eq(content_open(d, p.content), -1);
	cr_assert_eq(errno, ENOENT);
	cr_assert_eq(content_remove(d, p.content), 0, "absent is removed");
	cr_assert_eq(content_remove(d, "../x"), -1);
	cr_assert_eq(errno, EINVAL);
	catalog_close(c);
	close(d);
}

Test(content, abort_leaves_no_file)
{
	struct catalog *c = tc_open();
	struct content_w w;
	struct cat_pending p;
	struct stat st;
	char path[128];
	int d = data_dir();

	tc_add_node(c, "n1", CAT_STRICT);
	p = begin(c, "/u/g");
	cr_assert_eq(content_create(d, p.content, &w), 0);
	cr_assert_eq(content_write(&w, "partial", 7), 0);
	content_abort(&w);
	snprintf(path, sizeof(path), "inst/data/%s", p.content);
	cr_assert_eq(stat(t_path(path), &st), -1, "the partial file is there");
	cr_assert_eq(catalog_object_abort(c, "n1", p.version), CAT_OK);
	catalog_close(c);
	close(d);
}

Test(content, bad_names_and_planted_links_refused)
{
	struct content_w w;
	char link[4096];
	int d = data_dir();

	cr_assert_eq(content_create(d, "../../etc/passwd", &w), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(content_open(d, "ab/../../../../../../etc/passwd"), -1);
	snprintf(link, sizeof(link), "%s", t_path("inst/data/ab"));
	cr_assert_eq(symlink("/tmp", link), 0);
	cr_assert_eq(content_create(d, "ab/abcdef0123456789abcdef01234567", &w),
	    -1, "written through a link");
	cr_assert_eq(content_open(d, "ab/abcdef0123456789abcdef01234567"), -1);
	close(d);
}

/*
 * A write that fails midway (the file size limit stands in for a full
 * disk): the writer keeps failing, finish refuses, the file is gone,
 * and nothing reaches the catalog.
 */
Test(content, failed_write_is_refused_whole)
{
	struct catalog *c = tc_open();
	static uint8_t buf[65536];
	struct content_w w;
	struct cat_pending p;
	struct rlimit rl, saved;
	struct stat st;
	char path[128];
	uint8_t sha[32];
	uint64_t size;
	int d = data_dir(), r1, r2, e;

	tc_add_node(c, "n1", CAT_STRICT);
	p = begin(c, "/u/h");
	cr_assert_eq(content_create(d, p.content, &w), 0);
	signal(SIGXFSZ, SIG_IGN);
	/* the soft limit only: the hard one could not be raised again */
	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &saved), 0);
	rl = saved;
	rl.rlim_cur = 4096;
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	r1 = content_write(&w, buf, sizeof(buf));
	e = errno;
	r2 = content_write(&w, buf, 10);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &saved), 0);
	cr_assert_eq(r1, -1);
	cr_assert_eq(e, EFBIG, "%s", strerror(e));
	cr_assert_eq(r2, -1, "a writer that failed wrote again");
	cr_assert_eq(content_finish(&w, &size, sha), -1);
	snprintf(path, sizeof(path), "inst/data/%s", p.content);
	cr_assert_eq(stat(t_path(path), &st), -1, "the partial file is there");
	cr_assert_eq(catalog_object_abort(c, "n1", p.version), CAT_OK, "%s",
	    tc_msgs);
	catalog_close(c);
	close(d);
}
