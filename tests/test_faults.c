/*
 * bulwarkd under real faults: the whole server killed (kill -9) at
 * random points of backups and restarted, its disk full, a failing
 * write or fsync (the test build's hook, src/srvsession/content.h), and
 * a key helper killed in the middle of a handshake, the server's and the
 * client's. Whatever the fault, what the server confirmed is kept and
 * restorable, nothing partial is visible, `bulwarkd audit` passes, and
 * the server goes on once the fault is gone.
 */
#define _GNU_SOURCE
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "../src/tls/objects.h"
#include "../src/tls/session.h"
#include "../src/tls/wire.h"
#include "helpers.h"
#include "nodefix.h"
#include "procfix.h"
#include "srvfix.h"

static void setup(void) { t_tmpdir(); }
static void teardown(void) { t_cleanup(); }

TestSuite(faults, .init = setup, .fini = teardown, .timeout = 240);

static struct wire_frame frame;
static struct wire_out out;

/* The run under ASan+UBSan (make check's second run) does fewer. */
static int
under_asan(void)
{
	return getenv("BWK_CHILD_ASAN_OPTIONS") != NULL;
}

static void
audit_passes(const struct srv *v, const char *when)
{
	const char *audit[] = { "--instance", v->dir, "audit", NULL };
	struct run r;

	t_run(&r, "bulwarkd", audit, NULL);
	cr_assert_eq(r.status, 0, "audit %s: %s%s", when, r.out, r.err);
}

/* ---- kill -9 of the whole server at random points */

/* Every process below pid (and pid), deepest first, into out. */
static size_t
tree_of(pid_t pid, pid_t *into, size_t max)
{
	char path[80];
	size_t n = 0;
	FILE *f;
	int c;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid,
	    (int)pid);
	if ((f = fopen(path, "r")) != NULL) {
		while (fscanf(f, "%d", &c) == 1 && n < max)
			n += tree_of(c, into + n, max - n);
		fclose(f);
	}
	if (n < max)
		into[n++] = pid;
	return n;
}

static void
kill_tree(pid_t pid)
{
	pid_t all[256];
	size_t n = tree_of(pid, all, 256), i;

	for (i = 0; i < n; i++)
		kill(all[i], SIGKILL);
}

static void
put_file(const char *name, size_t n)
{
	wire_begin(&out, WIRE_BACKUP);
	wire_put_path(&out, "/home");
	wire_put_path(&out, name);
	wire_put_n8(&out, WIRE_OBJ_FILE);
	wire_put_n32(&out, 0644);
	wire_put_n32(&out, 1000);
	wire_put_n32(&out, 100);
	wire_put_n64(&out, 1690000000000000000ULL + n);
	wire_put_n64(&out, 1690000000000000000ULL);
	wire_put_text(&out, "", WIRE_PATH_MAX);
}

/* A file's bytes from its number: size and contents. */
static size_t
file_bytes(unsigned k, uint8_t *b, size_t max)
{
	uint32_t s = k * 2654435761u + 7;
	size_t n = (k * 7919u) % (3 * WIRE_DATA_MAX), i;

	if (n > max)
		n = max;
	for (i = 0; i < n; i++) {
		s ^= s << 13;
		s ^= s >> 17;
		s ^= s << 5;
		b[i] = (uint8_t)s;
	}
	return n;
}

/*
 * One object sent whole: 1 when the server confirmed it (OBJECT_OK), 0
 * when the session ended first (the server was killed).
 */
static int
send_object(struct relay *c, unsigned k)
{
	static uint8_t b[3 * WIRE_DATA_MAX];
	char name[64], id[9];
	uint8_t sha[32];
	size_t n = file_bytes(k, b, sizeof(b)), off, len;

	snprintf(name, sizeof(name), "/k/f%05u", k);
	put_file(name, n);
	if (relay_try_send(c, &out) == -1)
		return 0;
	for (off = 0; off < n; off += len) {
		len = n - off < WIRE_DATA_MAX ? n - off : WIRE_DATA_MAX;
		wire_begin(&out, WIRE_DATA);
		wire_put(&out, b + off, len);
		if (relay_try_send(c, &out) == -1)
			return 0;
	}
	cr_assert_eq(wc_Sha256Hash(b, (word32)n, sha), 0);
	wire_begin(&out, WIRE_DATA_END);
	wire_put_n64(&out, n);
	wire_put(&out, sha, 32);
	if (relay_try_send(c, &out) == -1)
		return 0;
	if (relay_recv(c, &frame, id) != 1)
		return 0;
	cr_assert_eq(frame.type, WIRE_OBJECT_OK, "a %s frame, not OBJECT_OK",
	    wire_type_name(frame.type));
	return 1;
}

/* The objects the server lists under /k, and each one's bytes checked
 * against what was sent: 1 for a whole one in seen[k]. */
static void
check_stored(struct srv *v, unsigned max, uint8_t *seen)
{
	static uint8_t want[3 * WIRE_DATA_MAX], got[3 * WIRE_DATA_MAX + 1];
	static struct wire_object o[1];
	struct relay c;
	uint8_t more = 1;
	uint16_t count, i;
	size_t n = 0, j;

	memset(seen, 0, max);
	relay_start(&c, v, "n1", NULL);
	wire_begin(&out, WIRE_QUERY_BACKUP);
	wire_put_path(&out, "/home");
	wire_put_path(&out, "/k/*");
	wire_put_n8(&out, 0);
	relay_send(&c, &out);
	{
		static uint64_t vers[20000];
		static unsigned ks[20000];

		while (more) {
			cr_assert_eq(relay_recv(&c, &frame, NULL), 1);
			cr_assert_eq(frame.type, WIRE_OBJECTS);
			cr_assert_eq(wire_get_n8(&frame.in, &more), 0);
			cr_assert_eq(wire_get_n16(&frame.in, &count), 0);
			for (i = 0; i < count; i++, n++) {
				cr_assert_lt(n, 20000);
				cr_assert_eq(wire_get_object(&frame.in, &o[0]), 0);
				cr_assert_eq(sscanf(o[0].path, "/k/f%05u", &ks[n]),
				    1, "%s", o[0].path);
				cr_assert_lt(ks[n], max);
				vers[n] = o[0].version;
			}
		}
		for (j = 0; j < n; j++) {
			unsigned k = ks[j];
			size_t len = 0, wn;
			uint64_t size;
			uint8_t sha[32];

			wire_begin(&out, WIRE_RESTORE);
			wire_put_n64(&out, vers[j]);
			relay_send(&c, &out);
			for (;;) {
				cr_assert_eq(relay_recv(&c, &frame, NULL), 1);
				if (frame.type != WIRE_RDATA)
					break;
				cr_assert_leq(len + frame.len, sizeof(got) - 1);
				memcpy(got + len, frame.payload, frame.len);
				len += frame.len;
			}
			cr_assert_eq(frame.type, WIRE_RDATA_END, "f%05u: a %s frame",
			    k, wire_type_name(frame.type));
			(void)wire_get_n64(&frame.in, &size);
			(void)wire_get(&frame.in, sha, 32);
			wn = file_bytes(k, want, sizeof(want));
			cr_assert(len == wn && memcmp(got, want, wn) == 0,
			    "f%05u: %zu bytes restored, %zu sent, or other bytes",
			    k, len, wn);
			seen[k] = 1;
		}
	}
	(void)o;
	wire_begin(&out, WIRE_BYE);
	relay_send(&c, &out);
	(void)relay_recv(&c, &frame, NULL);
	relay_stop(&c);
}

/*
 * The whole server (listener, session, its key helper) killed with
 * SIGKILL at a random point of a session's backups, restarted, and
 * audited, POINTS times (BWK_FAULT_POINTS, default 200; 20 under ASan),
 * with a seed printed (BWK_FAULT_SEED replays a run). Every object whose
 * OBJECT_OK the client saw is listed and restores to its bytes; any
 * other listed one (committed, its answer lost) is whole as well.
 */
Test(faults, kill_9_of_the_server_at_random_points, .timeout = 600)
{
	static uint8_t confirmed[20000], seen[20000];
	const char *env_seed = getenv("BWK_FAULT_SEED");
	const char *env_points = getenv("BWK_FAULT_POINTS");
	unsigned seed = env_seed ? (unsigned)strtoul(env_seed, NULL, 10) :
	    (unsigned)time(NULL) ^ (unsigned)getpid();
	int points = env_points ? atoi(env_points) : under_asan() ? 20 : 200;
	unsigned next = 0, k, nconf = 0;
	struct srv v;
	int i;

	cr_assert(points > 0 && points < 2000);
	fprintf(stderr, "faults: kill -9 at %d random points, seed %u "
	    "(BWK_FAULT_SEED=%u replays it)\n", points, seed, seed);
	srandom(seed);
	(void)hostile_setup(&v, NULL);
	{
		struct run r;

		srv_check(&r, &v, 1, NULL);	/* the certificate pinned */
		cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	}
	for (i = 0; i < points; i++) {
		struct relay c;
		pid_t killer, server = v.p.pid;
		long delay_us = random() % 250000;

		relay_start(&c, &v, "n1", NULL);
		fflush(NULL);
		if ((killer = fork()) == 0) {
			usleep((useconds_t)delay_us);
			kill_tree(server);
			_exit(0);
		}
		cr_assert_gt(killer, 0);
		while (next < sizeof(confirmed) && send_object(&c, next))
			confirmed[next++] = 1, nconf++;
		if (next < sizeof(confirmed))
			next++;		/* the one cut short: never confirmed */
		cr_assert_eq(waitpid(killer, NULL, 0), killer);
		relay_stop(&c);
		/* the listener is ours: reaped by t_peer_stop */
		t_peer_stop(&v.p);
		audit_passes(&v, "after a kill -9");
		srv_start(&v);
	}
	check_stored(&v, next, seen);
	for (k = 0; k < next; k++)
		cr_assert(!confirmed[k] || seen[k], "object %u was confirmed "
		    "but is not stored (seed %u)", k, seed);
	fprintf(stderr, "faults: %u objects confirmed over %d kills (seed "
	    "%u), every one restorable\n", nconf, points, seed);
	audit_passes(&v, "at the end");
	t_peer_stop(&v.p);
}

/* ---- a failing write or fsync under the content files */

static void
content_fault(const char *point)
{
	char src[600], f[700], dst[600], out_[800];
	const char *sys;
	struct srv v;
	struct run r;
	uint8_t *b;
	size_t n;

	sys = hostile_setup(&v, NULL);
	snprintf(src, sizeof(src), "%s/src", t_tmpdir());
	cr_assert_eq(mkdir(src, 0755), 0);
	snprintf(f, sizeof(f), "%s/doc", src);
	mkfile(f, "version 1\n", 10, 0644);
	client(&r, sys, (const char *[]){ "selective", f, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	/* the same server, its disk now failing */
	t_peer_stop(&v.p);
	setenv("BULWARK_TEST_CONTENT_FAULT", point, 1);
	srv_start(&v);
	unsetenv("BULWARK_TEST_CONTENT_FAULT");
	mkfile(f, "version 2, longer\n", 18, 0644);
	client(&r, sys, (const char *[]){ "selective", f, NULL });
	cr_assert_eq(r.status, 12, "the object was not refused: %s%s", r.out,
	    r.err);
	cr_assert(t_contains(r.err, "BWK1504E") || t_contains(r.out,
	    "BWK1504E"), "%s%s", r.out, r.err);
	cr_assert(t_contains(srv_log_wait(&v, "BWK1504E"), "Input/output "
	    "error"), "%s", srv_log(&v));
	t_peer_stop(&v.p);
	audit_passes(&v, "after the refused object");
	/* the disk healed: the catalog shows version 1, as it was */
	srv_start(&v);
	snprintf(dst, sizeof(dst), "%s/dst", t_tmpdir());
	client(&r, sys, (const char *[]){ "restore", f, dst, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	snprintf(out_, sizeof(out_), "%s/doc", dst);
	cr_assert_eq(t_read(out_, &b, &n), 0);
	cr_assert(n == 10 && memcmp(b, "version 1\n", 10) == 0, "%.*s",
	    (int)n, b);
	free(b);
	client(&r, sys, (const char *[]){ "selective", f, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	t_peer_stop(&v.p);
	audit_passes(&v, "once healed");
}

Test(faults, failing_write_refuses_the_object) { content_fault("write"); }
Test(faults, failing_fsync_refuses_the_object) { content_fault("fsync"); }

/* ---- the disk fills */

/*
 * The whole instance (catalog and data) on a tmpfs of 4 MiB, in this
 * test's own mount namespace: files of 256 KiB are backed up until the
 * disk is full. The client is told clearly, what was stored is still
 * restorable, audit passes, and once there is room again (the tmpfs
 * grown, the server not restarted) the next backup goes in.
 */
Test(faults, the_disk_fills_then_room_returns)
{
	static uint8_t b[256 * 1024];
	char inst[600], tmp[700], cmd[1600], src[600], p[700], dst[600],
	    pat[700], why[1700];
	const char *sys;
	struct srv v;
	struct run r;
	int i, full = 0;

	/* made on the ordinary disk, then moved onto the tmpfs */
	t_need_sandbox();
	srv_init(&v, NULL);
	snprintf(inst, sizeof(inst), "%s", v.dir);
	snprintf(tmp, sizeof(tmp), "%s.disk", v.dir);
	cr_assert_eq(rename(inst, tmp), 0);
	cr_assert_eq(mkdir(inst, 0700), 0);
	if (unshare(CLONE_NEWNS) == -1 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1 ||
	    mount("tmpfs", inst, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	    "size=4m,mode=0700") == -1)
		cr_skip_test("no mount namespace with a tmpfs here: %s",
		    strerror(errno));
	snprintf(cmd, sizeof(cmd), "cp -a %s/. %s/", tmp, inst);
	cr_assert_eq(system(cmd), 0);
	{
		const char *reg[] = { "--instance", inst, "node", "register",
		    "n1", NULL };

		t_run_input(&r, "bulwarkd", reg, "correct-horse-1\n");
		cr_assert_eq(r.status, 0, "%s", r.err);
	}
	srv_start(&v);
	t_nodepw("srv1", "n1", "correct-horse-1");
	snprintf(p, sizeof(p), "%s/node.sys", t_tmpdir());
	snprintf(cmd, sizeof(cmd), "SERVERNAME srv1\n TCPSERVERADDRESS "
	    "127.0.0.1\n TCPPORT %s\n SSLACCEPTCERTFROMSERV YES\n NODENAME "
	    "n1\n", v.port);
	cr_assert_eq(t_write(p, (const uint8_t *)cmd, strlen(cmd), 0644), 0);
	sys = p;
	well_behaved(&v, sys, "first");
	snprintf(src, sizeof(src), "%s/big", t_tmpdir());
	cr_assert_eq(mkdir(src, 0755), 0);
	for (i = 0; i < 40 && !full; i++) {
		char f[700];
		size_t k;

		for (k = 0; k < sizeof(b); k++)
			b[k] = (uint8_t)(k * 31 + (size_t)i * 7 + (k >> 9));
		snprintf(f, sizeof(f), "%s/b%02d", src, i);
		mkfile(f, b, sizeof(b), 0644);
		client(&r, sys, (const char *[]){ "selective", f, NULL });
		if (r.status != 0) {
			full = 1;
			cr_assert_eq(r.status, 12, "%s%s", r.out, r.err);
			cr_assert(t_contains(r.err, "full") ||
			    t_contains(r.out, "full"), "the client was not told "
			    "the disk is full: %s%s", r.out, r.err);
			unlink(f);
		}
	}
	cr_assert(full, "4 MiB never filled");
	cr_assert(t_contains(srv_log(&v), "is full"), "%s", srv_log(&v));
	/* what went in before is whole */
	snprintf(dst, sizeof(dst), "%s/big-back", t_tmpdir());
	snprintf(pat, sizeof(pat), "%s/", src);
	client(&r, sys, (const char *[]){ "restore", pat, dst, NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	{
		struct dirent *d;
		DIR *dir;
		int n = 0;

		cr_assert_not_null(dir = opendir(src));
		while ((d = readdir(dir)) != NULL) {
			char a[1400], c2[1400];

			if (d->d_name[0] == '.')
				continue;
			snprintf(a, sizeof(a), "%s/%s", src, d->d_name);
			snprintf(c2, sizeof(c2), "%s/%s", dst, d->d_name);
			cr_assert(t_same_file(a, c2), "%s", c2);
			n++;
		}
		closedir(dir);
		cr_assert_gt(n, 0, "nothing fitted before the disk filled");
	}
	/* room again, the server still running */
	cr_assert_eq(mount(NULL, inst, NULL, MS_REMOUNT | MS_NOSUID | MS_NODEV |
	    MS_NOEXEC, "size=64m"), 0, "%s", strerror(errno));
	well_behaved(&v, sys, "room-again");
	t_peer_stop(&v.p);
	audit_passes(&v, "after the disk filled");
	(void)why;
	(void)umount2(inst, MNT_DETACH);
}

/* ---- the key helper killed in the middle of a handshake */

/* Is pid below ancestor? */
static int
descends(pid_t pid, pid_t ancestor)
{
	char path[64], line[128];
	FILE *f;
	int ppid, hops;

	for (hops = 0; hops < 16 && pid > 1; hops++) {
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
		if ((f = fopen(path, "r")) == NULL)
			return 0;
		ppid = 0;
		while (fgets(line, sizeof(line), f) != NULL)
			if (strncmp(line, "PPid:", 5) == 0)
				ppid = atoi(line + 5);
		fclose(f);
		if (ppid == ancestor)
			return 1;
		pid = ppid;
	}
	return 0;
}

/*
 * Kills every bulwark-keyd below ancestor but those in old (n_old of
 * them): how many. With old NULL, lists them into keep instead.
 */
static int
helpers_below(pid_t ancestor, const pid_t *old, int n_old, pid_t *keep,
    int max)
{
	char path[300], comm[64];
	struct dirent *d;
	DIR *dir;
	FILE *f;
	int n = 0;

	cr_assert_not_null(dir = opendir("/proc"));
	while ((d = readdir(dir)) != NULL) {
		pid_t pid = atoi(d->d_name);

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		comm[0] = '\0';
		if (fgets(comm, sizeof(comm), f) == NULL)
			comm[0] = '\0';
		fclose(f);
		if (strncmp(comm, "bulwark-keyd", 12) != 0 ||
		    !descends(pid, ancestor))
			continue;
		if (old == NULL) {
			if (n < max)
				keep[n++] = pid;
			continue;
		}
		{
			int i, seen = 0;

			for (i = 0; i < n_old; i++)
				seen |= old[i] == pid;
			if (!seen && kill(pid, SIGKILL) == 0)
				n++;
		}
	}
	closedir(dir);
	return n;
}

/* Is pid's parent sandboxed (seccomp filter mode), its start over? */
static int
parent_sandboxed(pid_t pid)
{
	char path[64], line[128];
	int ppid = 0, mode = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "PPid:", 5) == 0)
			ppid = atoi(line + 5);
	fclose(f);
	snprintf(path, sizeof(path), "/proc/%d/status", ppid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "Seccomp:", 8) == 0)
			mode = atoi(line + 8);
	fclose(f);
	return mode == 2;
}

/* The server's: the helper of the session the proxy just started, once
 * that session waits for its client (sandboxed), killed: 1, else 0. */
static int
kill_new_helper(pid_t anc, const pid_t *old, int n_old)
{
	pid_t now[64];
	int n = helpers_below(anc, NULL, 0, now, 64), i, j, seen;

	for (i = 0; i < n; i++) {
		for (seen = 0, j = 0; j < n_old; j++)
			seen |= old[j] == now[i];
		if (!seen && parent_sandboxed(now[i]) &&
		    kill(now[i], SIGKILL) == 0)
			return 1;
	}
	return 0;
}

/*
 * A proxy between a client and the server: once the client's
 * ClientHello is in (the handshake under way), the key helpers below
 * victim are killed, then the bytes flow both ways until either side
 * closes. In a child of its own; its port in *port.
 */
static pid_t
proxy_start(const struct srv *v, pid_t victim, int *port)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	pid_t pid;
	int ls;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_neq(ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), -1);
	cr_assert_eq(bind(ls, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(ls, 1), 0);
	cr_assert_eq(getsockname(ls, (struct sockaddr *)&a, &al), 0);
	*port = ntohs(a.sin_port);
	fflush(NULL);
	if ((pid = fork()) != 0) {
		close(ls);
		return pid;
	}
	{
		struct pollfd pf[2];
		uint8_t b[16384];
		ssize_t n;
		int c, s, killed = 0;

		pid_t old[64];
		int n_old, tries;
		pid_t anc = victim ? victim : getppid();

		if ((c = accept(ls, NULL, NULL)) == -1)
			_exit(1);
		/* the helpers there already are not this handshake's */
		n_old = helpers_below(anc, NULL, 0, old, 64);
		s = raw_connect(v);
		pf[0] = (struct pollfd){ c, POLLIN, 0 };
		pf[1] = (struct pollfd){ s, POLLIN, 0 };
		while (poll(pf, 2, 20000) > 0) {
			if (pf[0].revents) {
				if ((n = read(c, b, sizeof(b))) <= 0)
					break;
				/* the server's: its new session's helper, once
				 * it runs; the client's: there since before */
				for (tries = 0; !killed && tries < 300; tries++) {
					if (victim)
						killed = kill_new_helper(anc, old,
						    n_old);
					else {
						pid_t all[64];
						int k, m = helpers_below(anc, NULL,
						    0, all, 64);

						for (k = 0; k < m; k++)
							killed += kill(all[k],
							    SIGKILL) == 0;
					}
					if (!killed)
						usleep(10000);
				}
				if (killed)
					usleep(100000);
				if (write(s, b, (size_t)n) != n)
					break;
			}
			if (pf[1].revents) {
				if ((n = read(s, b, sizeof(b))) <= 0)
					break;
				if (write(c, b, (size_t)n) != n)
					break;
			}
		}
		_exit(killed > 0 ? 0 : 3);
	}
}

static int
proxy_end(pid_t pid)
{
	int st;

	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The client's key helper killed once its ClientHello has left. */
Test(faults, clients_key_helper_killed_during_the_handshake)
{
	char path[600], text[512];
	const char *argv[] = { "check", "--sysfile", path, NULL };
	const char *sys;
	struct srv v;
	struct run r;
	pid_t proxy;
	int port;

	sys = hostile_setup(&v, NULL);
	well_behaved(&v, sys, "before");
	proxy = proxy_start(&v, 0, &port);
	snprintf(path, sizeof(path), "%s/proxy.sys", t_tmpdir());
	snprintf(text, sizeof(text), "SERVERNAME srv1\n TCPSERVERADDRESS "
	    "127.0.0.1\n TCPPORT %d\n SSLACCEPTCERTFROMSERV YES\n NODENAME "
	    "n1\n", port);
	cr_assert_eq(t_write(path, (const uint8_t *)text, strlen(text), 0644),
	    0);
	t_run(&r, "bulwark", argv, NULL);
	cr_assert_eq(proxy_end(proxy), 0, "no key helper was killed");
	cr_assert_neq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "key helper"), "no clear message:\n%s%s",
	    r.out, r.err);
	fprintf(stderr, "faults: the client said: %s", r.err);
	/* nothing else is affected */
	well_behaved(&v, sys, "after");
	t_peer_stop(&v.p);
	audit_passes(&v, "after a client's helper was killed");
}

/* The server's session's key helper killed once the ClientHello came. */
Test(faults, servers_key_helper_killed_during_the_handshake)
{
	char path[600], text[512];
	const char *argv[] = { "check", "--sysfile", path, NULL };
	const char *sys;
	struct srv v;
	struct run r;
	pid_t proxy;
	int port;

	sys = hostile_setup(&v, NULL);
	well_behaved(&v, sys, "before");
	proxy = proxy_start(&v, v.p.pid, &port);
	snprintf(path, sizeof(path), "%s/proxy.sys", t_tmpdir());
	snprintf(text, sizeof(text), "SERVERNAME srv1\n TCPSERVERADDRESS "
	    "127.0.0.1\n TCPPORT %d\n SSLACCEPTCERTFROMSERV YES\n NODENAME "
	    "n1\n", port);
	cr_assert_eq(t_write(path, (const uint8_t *)text, strlen(text), 0644),
	    0);
	t_run(&r, "bulwark", argv, NULL);
	cr_assert_eq(proxy_end(proxy), 0, "no key helper was killed");
	cr_assert_neq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(srv_log_wait(&v, "key helper"), "key helper"),
	    "no clear line in the server's log:\n%s", srv_log(&v));
	fprintf(stderr, "faults: the client said: %s", r.err);
	cr_assert(t_contains(srv_log(&v), "BWK1942E"), "%s", srv_log(&v));
	well_behaved(&v, sys, "after");
	srv_idle(&v);
	t_peer_stop(&v.p);
	cr_assert(!t_contains(srv_log(&v), "BWK1018W"), "%s", srv_log(&v));
	audit_passes(&v, "after a session's helper was killed");
}
