/*
 * libbulwark as another program uses it: the example program, linked
 * with build/pic/lib/libbulwark.so (make lib), backs up, lists and
 * restores a file against a real bulwarkd; and the shared library
 * exports bulwark.h's calls and nothing else.
 */
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "nodefix.h"
#include "srvfix.h"

static void setup(void) { t_tmpdir(); }
static void teardown(void) { t_cleanup(); }

TestSuite(libbulwark, .init = setup, .fini = teardown, .timeout = 90);

/* The example and the library are make lib's, beside every variant's
 * bin directory: BWK_BIN/../../examples. */
#define EXAMPLE	"../../examples/bwk-backup-one"
#define PATHS	"../../examples/bwk-backup-paths"

static void
need_lib(void)
{
	if (access(t_src("build/pic/lib/libbulwark.so.0"), R_OK) != 0 ||
	    access(t_src("build/examples/bwk-backup-one"), X_OK) != 0 ||
	    access(t_src("build/examples/bwk-backup-paths"), X_OK) != 0)
		cr_skip_test("libbulwark is not built (make lib; make check "
		    "builds it)");
}

Test(libbulwark, the_example_backs_up_lists_and_restores_a_file)
{
	char file[600], restored[700];
	struct srv v;
	struct run r;

	need_lib();
	(void)node_setup(&v, NULL);	/* node n1, its password stored */
	snprintf(file, sizeof(file), "%s/precious.txt", t_tmpdir());
	cr_assert_eq(t_write(file, (const uint8_t *)"kept by the library\n",
	    20, 0640), 0);
	t_run(&r, EXAMPLE, (const char *[]){ "srv1", "127.0.0.1", v.port,
	    "n1", file, NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "backed up"), "%s", r.out);
	cr_assert(t_contains(r.out, "version 1: 20 bytes, active"), "%s",
	    r.out);
	snprintf(restored, sizeof(restored), "%s.restored", file);
	cr_assert(t_same_file(file, restored));
	t_peer_stop(&v.p);
	/* the server saw a node's session that stored and restored */
	cr_assert(t_contains(srv_log(&v), "BWK1077I"), "%s", srv_log(&v));
}

/* The library's backup of a path list, as bulwark incremental runs it:
 * every object's outcome reaches the program's callback, a second run
 * sends nothing, and what is gone becomes inactive. */
Test(libbulwark, a_path_list_is_backed_up_with_a_callback_per_object)
{
	char tree[600], path[700], fifo[700];
	struct srv v;
	struct run r;

	need_lib();
	(void)node_setup(&v, NULL);	/* node n1, its password stored */
	snprintf(tree, sizeof(tree), "%s/tree", t_tmpdir());
	cr_assert_eq(mkdir(tree, 0755), 0);
	snprintf(path, sizeof(path), "%s/sub", tree);
	cr_assert_eq(mkdir(path, 0750), 0);
	snprintf(path, sizeof(path), "%s/sub/a.txt", tree);
	cr_assert_eq(t_write(path, (const uint8_t *)"alpha\n", 6, 0640), 0);
	snprintf(path, sizeof(path), "%s/b.bin", tree);
	cr_assert_eq(t_write(path, (const uint8_t *)"bravo!!\n", 8, 0600), 0);
	snprintf(path, sizeof(path), "%s/link", tree);
	cr_assert_eq(symlink("sub/a.txt", path), 0);
	snprintf(fifo, sizeof(fifo), "%s/pipe", tree);
	cr_assert_eq(mkfifo(fifo, 0600), 0);

	t_run(&r, PATHS, (const char *[]){ "srv1", "127.0.0.1", v.port, "n1",
	    tree, NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	/* the tree, its directory, two files and a link; the FIFO left out */
	cr_assert(t_contains(r.out, "sent "), "%s", r.out);
	cr_assert(t_contains(r.out, "/sub/a.txt (6 bytes)"), "%s", r.out);
	cr_assert(t_contains(r.out, "/b.bin (8 bytes)"), "%s", r.out);
	cr_assert(t_contains(r.out, "BWK1744I "), "%s", r.out);
	cr_assert(t_contains(r.out, "inspected 6, sent 5, unchanged 0, "
	    "inactive 0, failed 0, skipped 1, 14 bytes"), "%s", r.out);
	/* the count ahead (BWK_B_ESTIMATE) is what was sent */
	cr_assert(t_contains(r.out, "expected 5 objects, 14 bytes"), "%s",
	    r.out);

	/* nothing changed: nothing sent */
	t_run(&r, PATHS, (const char *[]){ "srv1", "127.0.0.1", v.port, "n1",
	    tree, NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "inspected 6, sent 0, unchanged 5, "
	    "inactive 0, failed 0, skipped 1, 0 bytes"), "%s", r.out);
	cr_assert(t_contains(r.out, "expected 0 objects, 0 bytes"), "%s",
	    r.out);

	/* a link gone: its backup becomes inactive, and the directory that
	 * held it is sent again (its times changed) */
	cr_assert_eq(unlink(path), 0);
	t_run(&r, PATHS, (const char *[]){ "srv1", "127.0.0.1", v.port, "n1",
	    tree, NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "inactive "), "%s", r.out);
	cr_assert(t_contains(r.out, "/link\n"), "%s", r.out);
	cr_assert(t_contains(r.out, "inspected 5, sent 1, unchanged 3, "
	    "inactive 1, failed 0, skipped 1, 0 bytes"), "%s", r.out);
	t_peer_stop(&v.p);
}

/* The example's progress lines between from (the start: NULL) and to. */
static int
moved_between(const char *out, const char *from, const char *to)
{
	const char *p = from != NULL ? strstr(out, from) : out;
	const char *end = strstr(out, to);
	int n = 0;

	if (p == NULL || end == NULL)
		return -1;
	while ((p = strstr(p, "  moved: ")) != NULL && p < end) {
		n++;
		p++;
	}
	return n;
}

/* A large file's progress reaches the program every 16 MiB, both ways. */
Test(libbulwark, a_large_file_tells_its_progress_both_ways)
{
	char file[600], restored[700];
	struct srv v;
	struct run r;
	uint8_t *big;
	size_t i, n = 40u << 20;

	need_lib();
	(void)node_setup(&v, NULL);	/* node n1, its password stored */
	snprintf(file, sizeof(file), "%s/large.bin", t_tmpdir());
	cr_assert((big = malloc(n)) != NULL);
	for (i = 0; i < n; i++)
		big[i] = (uint8_t)(i * 2654435761u >> 11);
	cr_assert_eq(t_write(file, big, n, 0600), 0);
	free(big);
	t_run(&r, EXAMPLE, (const char *[]){ "srv1", "127.0.0.1", v.port,
	    "n1", file, NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	/* twice up (past 16 and 32 MiB), twice down */
	cr_assert_eq(moved_between(r.out, NULL, "backed up"), 2, "%s", r.out);
	cr_assert_eq(moved_between(r.out, "active\n", "restored"), 2, "%s",
	    r.out);
	snprintf(restored, sizeof(restored), "%s.restored", file);
	cr_assert(t_same_file(file, restored));
	t_peer_stop(&v.p);
}

/* Every dynamic symbol the library defines is a call of bulwark.h, and
 * every call of bulwark.h is one of them. */
Test(libbulwark, exports_bulwark_h_and_nothing_else)
{
	char cmd[800], line[256], *hdr, *p;
	uint8_t *b;
	size_t n, nsym = 0;
	FILE *f;

	need_lib();
	cr_assert_eq(t_read(t_src("src/tls/bulwark.h"), &b, &n), 0);
	hdr = calloc(1, n + 1);
	memcpy(hdr, b, n);
	free(b);
	snprintf(cmd, sizeof(cmd), "nm -D --defined-only %s",
	    t_src("build/pic/lib/libbulwark.so.0"));
	cr_assert((f = popen(cmd, "r")) != NULL);
	while (fgets(line, sizeof(line), f) != NULL) {
		char name[128], want[140];

		if (sscanf(line, "%*s %*s %127s", name) != 1 ||
		    strcmp(name, "LIBBULWARK_0") == 0)
			continue;
		if ((p = strchr(name, '@')) != NULL)
			*p = '\0';
		snprintf(want, sizeof(want), "%s(", name);
		cr_assert(strstr(hdr, want) != NULL, "libbulwark exports %s, "
		    "which bulwark.h does not declare", name);
		nsym++;
	}
	pclose(f);
	/* and the other way: each declared call is exported */
	for (p = hdr; (p = strstr(p, "bwk_")) != NULL; p++) {
		char name[128], grep[900];
		size_t k = 0;

		while (k + 1 < sizeof(name) && (isalnum((unsigned char)p[k]) ||
		    p[k] == '_')) {
			name[k] = p[k];
			k++;
		}
		name[k] = '\0';
		/* a call, not a callback type (bwk_log_cb) */
		if (p[k] != '(' || (p > hdr && (isalnum((unsigned char)p[-1]) ||
		    p[-1] == '_')) || (k > 3 && strcmp(name + k - 3, "_cb") == 0))
			continue;
		/* a call in a comment's example is declared below it too */
		snprintf(grep, sizeof(grep), "nm -D --defined-only %s | grep -qw "
		    "%s", t_src("build/pic/lib/libbulwark.so.0"), name);
		cr_assert_eq(system(grep), 0, "bulwark.h declares %s, which "
		    "libbulwark does not export (src/tls/libbulwark.map)", name);
	}
	cr_assert_gt(nsym, 40);
	free(hdr);
}
