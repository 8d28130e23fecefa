/*
 * bulwarkd under load: 64 clients (16 under ASan) back up 100 small
 * files each (25 under ASan), all at once, then restore them all at
 * once, and every byte restored is compared with what was sent. The
 * listener's RSS is sampled meanwhile and must stay bounded; its
 * descriptors, threads and child processes, counted from /proc, must
 * come back to where they were.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "nodefix.h"
#include "procfix.h"
#include "srvfix.h"

static void setup(void) { t_tmpdir(); }
static void teardown(void) { t_cleanup(); }

TestSuite(load, .init = setup, .fini = teardown, .timeout = 400);

/* The listener may grow by this much under load, in KiB. */
#define RSS_BOUND_KB	2048

/* Every client in a child of its own; the children's statuses. */
static void
all_at_once(struct srv *v, const char *sys, int clients, int files,
    int restore, long *rss_max)
{
	pid_t pid[64];
	int i, st, running;

	fflush(NULL);
	for (i = 0; i < clients; i++) {
		if ((pid[i] = fork()) == 0) {
			static struct run r;
			char src[600], dst[600], pat[700], why[1700];

			snprintf(src, sizeof(src), "%s/c%02d", t_tmpdir(), i);
			snprintf(dst, sizeof(dst), "%s/c%02d-back", t_tmpdir(), i);
			snprintf(pat, sizeof(pat), "%s/", src);
			if (restore) {
				client(&r, sys, (const char *[]){ "restore", pat,
				    dst, NULL });
				if (r.status == 0 && tree_same(src, dst, files,
				    why, sizeof(why)) == -1) {
					fprintf(stderr, "client %d: %s\n", i, why);
					_exit(99);
				}
			} else
				client(&r, sys, (const char *[]){ "selective",
				    src, NULL });
			if (r.status != 0)
				fprintf(stderr, "client %d: %s%s\n", i, r.out,
				    r.err);
			_exit(r.status);
		}
		cr_assert_gt(pid[i], 0);
	}
	/* the listener's RSS while they run */
	for (running = clients; running > 0;) {
		struct proc_count c;

		proc_count(v->p.pid, &c);
		if (c.rss_kb > *rss_max)
			*rss_max = c.rss_kb;
		running = 0;
		for (i = 0; i < clients; i++) {
			if (pid[i] == 0)
				continue;
			if (waitpid(pid[i], &st, WNOHANG) == pid[i]) {
				cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
				    "client %d (%s): status %d\n%s", i, restore ?
				    "restore" : "backup", st, srv_log(v));
				pid[i] = 0;
			} else
				running++;
		}
		usleep(50000);
	}
}

Test(load, sixty_four_clients_back_up_and_restore_at_once)
{
	int asan = getenv("BWK_CHILD_ASAN_OPTIONS") != NULL;
	int clients = asan ? 16 : 64, files = asan ? 25 : 100, i;
	struct proc_count base, c;
	long rss_max = 0;
	const char *sys;
	struct srv v;

	sys = hostile_setup(&v, "MAXSESSIONS 80\n");
	well_behaved(&v, sys, "warm");	/* pins the certificate */
	srv_idle(&v);
	proc_count(v.p.pid, &base);
	for (i = 0; i < clients; i++) {
		char src[600];

		snprintf(src, sizeof(src), "%s/c%02d", t_tmpdir(), i);
		tree_make(src, files, (unsigned)i + 1000);
	}
	all_at_once(&v, sys, clients, files, 0, &rss_max);
	all_at_once(&v, sys, clients, files, 1, &rss_max);
	srv_idle(&v);
	proc_count(v.p.pid, &c);
	fprintf(stderr, "load: %d clients x %d files: listener RSS %ld KiB "
	    "before, %ld at most, %ld after; descriptors %d before, %d after; "
	    "threads %d/%d; children %d/%d\n", clients, files, base.rss_kb,
	    rss_max, c.rss_kb, base.fds, c.fds, base.threads, c.threads,
	    base.children, c.children);
	cr_assert_leq(rss_max, base.rss_kb + RSS_BOUND_KB, "the listener's "
	    "RSS reached %ld KiB from %ld", rss_max, base.rss_kb);
	proc_back_to(v.p.pid, &base, 512, "after the load");
	cr_assert(!t_contains(srv_log(&v), "BWK1018W"), "%s", srv_log(&v));
	t_peer_stop(&v.p);
	{
		const char *audit[] = { "--instance", v.dir, "audit", NULL };
		struct run r;

		t_run(&r, "bulwarkd", audit, NULL);
		cr_assert_eq(r.status, 0, "audit: %s%s", r.out, r.err);
	}
}
