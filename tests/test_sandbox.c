/*
 * The sandbox profiles, proven on the running kernel. Each case forks a
 * child (Criterion's test process has threads of its own; a forked child
 * has one), applies a profile there, makes one call and exits; the parent
 * asserts that the child died of SIGSYS (seccomp) or reports the errno
 * Landlock gave. Nothing is sandboxed in the test process itself.
 *
 * Missing kernel features skip with the reason (kselftest style); on the
 * development machine (Linux 6.18, Landlock ABI 7) nothing skips.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* process_vm_readv, memmem */
#endif
#include <sys/ioctl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/random.h>

#include "../sandbox/landlock_compat.h"
#include "../sandbox/sandbox.h"
#include "../sandbox/sandbox_int.h"
#include "../src/lib/msg.h"
#include "../src/kdb/store.h"
#include "../src/lib/util.h"
#include "helpers.h"

/* Child exit codes besides an errno value (all errnos used are < 100). */
#define X_OK_		0	/* the call did what a permitted call does */
#define X_APPLY		100	/* the profile could not be applied */
#define X_WRONG		101	/* an unexpected result */
#define X_SETUP		102	/* the test's own setup failed */

/* State the children use; set up by the parent before forking. */
static struct {
	int		 lfd_ok, lfd_bad;	/* listeners on 127.0.0.1 */
	uint16_t	 port_ok, port_bad;
	char		 readable[512];		/* a file listed in the policy */
	char		 unlisted[512];		/* a file that is not */
	char		 store[512];		/* a keyd store directory */
	struct sb_net_policy pol;
	pid_t		 parent;
	int		 pair[2];		/* a socketpair, as to keyd */
	int		 pipe[2];		/* not a tty */
} g;

static int
listener(uint16_t *port)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	int fd;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert_neq(fd, -1);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(fd, 8), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &al), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static void
setup(void)
{
	FILE *f;

	memset(&g, 0, sizeof(g));
	g.parent = getpid();
	g.lfd_ok = listener(&g.port_ok);
	g.lfd_bad = listener(&g.port_bad);
	snprintf(g.readable, sizeof(g.readable), "%s", t_path("ca.pem"));
	snprintf(g.unlisted, sizeof(g.unlisted), "%s", t_path("secret"));
	snprintf(g.store, sizeof(g.store), "%s", t_path("store"));
	cr_assert_eq(mkdir(g.store, 0700), 0);
	f = fopen(g.readable, "w");
	cr_assert_not_null(f);
	fputs("readable\n", f);
	fclose(f);
	f = fopen(g.unlisted, "w");
	cr_assert_not_null(f);
	fputs("secret\n", f);
	fclose(f);
	g.pol.ports[g.pol.nports++] = g.port_ok;
	g.pol.read_paths[g.pol.nread++] = g.readable;
	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
	    g.pair), 0);
	cr_assert_eq(pipe(g.pipe), 0);
}

static void
teardown(void)
{
	close(g.lfd_ok);
	close(g.lfd_bad);
	close(g.pair[0]);
	close(g.pair[1]);
	close(g.pipe[0]);
	close(g.pipe[1]);
	t_cleanup();
}

TestSuite(sandbox, .init = setup, .fini = teardown, .timeout = 60);

/* ---- running a child ---- */

typedef int (*apply_fn)(void);
typedef int (*act_fn)(void);

static int ap_keyd(void) { return sb_apply_keyd(NULL, 0); }
static int ap_store(void) { return sb_apply_keyd(g.store, 0); }
static int ap_net(void) { return sb_apply_net(&g.pol, 0); }

/* Fork, apply, act; the child's wait status. */
static int
run(apply_fn apply, act_fn act)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		alarm(20);
		if (apply != NULL && apply() != 0)
			_exit(X_APPLY);
		_exit(act());
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return st;
}

static const char *
how(int st)
{
	static char buf[64];

	if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "killed by signal %d (%s)",
		    WTERMSIG(st), strsignal(WTERMSIG(st)));
	else if (WIFEXITED(st))
		snprintf(buf, sizeof(buf), "exit %d%s", WEXITSTATUS(st),
		    WEXITSTATUS(st) == X_APPLY ? " (apply failed)" :
		    WEXITSTATUS(st) == X_WRONG ? " (unexpected result)" : "");
	else
		snprintf(buf, sizeof(buf), "status %#x", st);
	return buf;
}

/* Criterion's macros evaluate their arguments more than once: one
 * evaluation here, so a run() in the argument forks once. */
#define assert_killed(expr) do {					\
	int st_ = (expr);						\
	cr_assert(WIFSIGNALED(st_) && WTERMSIG(st_) == SIGSYS,		\
	    "want death by SIGSYS, got %s", how(st_));			\
} while (0)
#define assert_exit(expr, code) do {					\
	int st_ = (expr);						\
	cr_assert(WIFEXITED(st_) && WEXITSTATUS(st_) == (code),	\
	    "want exit %d, got %s", (code), how(st_));			\
} while (0)

static int
landlock_abi(void)
{
	struct sb_status s;

	sb_probe(&s);
	return s.landlock_abi;
}

static void
need_abi(int abi)
{
	int have = landlock_abi();

	if (have < abi)
		cr_skip_test("needs Landlock ABI %d, this kernel has %d", abi,
		    have);
}

/* ---- what the children do ---- */

static int
errno_of(int r)
{
	return r == -1 ? errno : X_OK_;
}

static int do_read_unlisted(void) { return errno_of(open(g.unlisted,
    O_RDONLY | O_CLOEXEC)); }
static int do_read_passwd(void) { return errno_of(open("/etc/passwd",
    O_RDONLY)); }
static int do_read_listed(void) { return errno_of(open(g.readable,
    O_RDONLY)); }
static int do_open_write(void) { return errno_of(open(g.readable,
    O_WRONLY)); }
static int do_open_creat(void) { return errno_of(open(t_path("new"),
    O_RDONLY | O_CREAT, 0600)); }
static int do_open_path(void) { return errno_of(open("/", O_PATH)); }

static int
do_execve(void)
{
	char *const argv[] = { (char *)"true", NULL }, *const envp[] = { NULL };

	execve("/bin/true", argv, envp);
	return errno;
}

static int do_ptrace_traceme(void) { return errno_of((int)ptrace(
    PTRACE_TRACEME, 0, NULL, NULL)); }
static int do_ptrace_parent(void) { return errno_of((int)ptrace(
    PTRACE_ATTACH, g.parent, NULL, NULL)); }

static int
do_vm_readv(void)
{
	char buf[8];
	struct iovec l = { buf, sizeof(buf) }, r = { &g, sizeof(buf) };

	return errno_of((int)process_vm_readv(g.parent, &l, 1, &r, 1, 0));
}

static int do_udp(void) { return errno_of(socket(AF_INET, SOCK_DGRAM, 0)); }
static int do_udp6(void) { return errno_of(socket(AF_INET6, SOCK_DGRAM,
    IPPROTO_UDP)); }
static int do_unix(void) { return errno_of(socket(AF_UNIX, SOCK_STREAM,
    0)); }
static int do_netlink(void) { return errno_of(socket(AF_NETLINK, SOCK_RAW,
    0)); }
static int do_raw(void) { return errno_of(socket(AF_INET, SOCK_RAW,
    IPPROTO_TCP)); }
static int do_mptcp(void) { return errno_of(socket(AF_INET, SOCK_STREAM,
    262 /* IPPROTO_MPTCP */)); }
static int do_sctp(void) { return errno_of(socket(AF_INET6, SOCK_STREAM,
    132 /* IPPROTO_SCTP */)); }
static int do_tcp(void) { return errno_of(socket(AF_INET6, SOCK_STREAM |
    SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_TCP)); }

static int
do_socketpair(void)
{
	int sv[2];

	return errno_of(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
}

static int
do_sendmsg(void)
{
	char c = 'x';
	struct iovec iov = { &c, 1 };
	struct msghdr m;

	memset(&m, 0, sizeof(m));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	return errno_of((int)sendmsg(g.pair[0], &m, 0));
}

static int
do_recvmsg(void)
{
	char c;
	struct iovec iov = { &c, 1 };
	struct msghdr m;

	memset(&m, 0, sizeof(m));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	return errno_of((int)recvmsg(g.pair[1], &m, MSG_DONTWAIT));
}

static int do_kill_parent(void) { return errno_of(kill(g.parent, 0)); }

static int
do_fork(void)
{
	pid_t p = fork();

	if (p == 0)
		_exit(0);
	return errno_of(p);
}

static int
do_clone3(void)
{
	uint64_t args[11];

	memset(args, 0, sizeof(args));
	return errno_of((int)syscall(435 /* clone3 */, args, sizeof(args)));
}

static int
do_mmap_exec(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? errno : X_OK_;
}

static int
do_mprotect_exec(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return X_SETUP;
	return errno_of(mprotect(p, 4096, PROT_READ | PROT_EXEC));
}

static int do_x32(void) { return errno_of((int)syscall(0x40000000 |
    SYS_getpid)); }

/* getpid through the i386 entry (int 0x80): a foreign audit arch. */
static long
int80_getpid(void)
{
	long ret;

	__asm__ volatile ("int $0x80" : "=a"(ret) : "a"(20L)
	    : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

static int do_i386(void) { return int80_getpid() > 0 ? X_OK_ : X_WRONG; }

static int do_prctl(void) { return errno_of(prctl(PR_SET_DUMPABLE, 1, 0, 0,
    0)); }
static int do_setuid(void) { return errno_of(setuid(0)); }
static int do_personality(void) { return errno_of((int)syscall(
    SYS_personality, 0xffffffffUL)); }

/* On a pipe: if the filter let it through, nothing would be injected. */
static int
do_tiocsti(void)
{
	char c = 'x';

	return errno_of(ioctl(g.pipe[0], TIOCSTI, &c));
}

static int do_pipe(void) { int p[2]; return errno_of(pipe(p)); }

/* isatty() must fail softly (ENOTTY), not kill: stdio calls it. */
static int
do_isatty(void)
{
	return isatty(g.pipe[1]) == 0 && errno == ENOTTY ? X_OK_ : X_WRONG;
}

static int
tcp_connect(uint16_t port, int *fdp)
{
	struct sockaddr_in a;
	int fd, r;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP)) ==
	    -1)
		return errno;
	r = errno_of(connect(fd, (struct sockaddr *)&a, sizeof(a)));
	if (fdp != NULL && r == 0)
		*fdp = fd;
	else
		close(fd);
	return r;
}

static int do_connect_bad(void) { return tcp_connect(g.port_bad, NULL); }

/* The allowed port, and the socket calls a client makes on it. */
static int
do_connect_ok(void)
{
	struct timeval tv = { 5, 0 };
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd, one = 1, r, fl, err;

	if ((r = tcp_connect(g.port_ok, &fd)) != 0)
		return r;
	fl = fcntl(fd, F_GETFL);
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) ||
	    getpeername(fd, (struct sockaddr *)&ss, &sl) ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) || fl == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    send(fd, "x", 1, 0) != 1 || shutdown(fd, SHUT_RDWR) != 0)
		return X_WRONG;
	return X_OK_;
}

/* TCP fast open: a connect inside sendto, unseen by Landlock's hook. */
static int
do_fastopen(void)
{
	struct sockaddr_in a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(g.port_bad);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return X_SETUP;
	return errno_of((int)sendto(fd, "x", 1, MSG_FASTOPEN,
	    (struct sockaddr *)&a, sizeof(a)));
}

static int
do_tcp_ulp(void)
{
	int fd, r;

	if ((r = tcp_connect(g.port_ok, &fd)) != 0)
		return X_SETUP;
	return errno_of(setsockopt(fd, IPPROTO_TCP, 31 /* TCP_ULP */, "tls",
	    3));
}

static int
do_bind(void)
{
	struct sockaddr_in a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return X_SETUP;
	return errno_of(bind(fd, (struct sockaddr *)&a, sizeof(a)));
}

static int do_abort(void) { abort(); }

static int ap_ll_keyd(void);
static int ap_ll_net(void);

/* ---- the key helper profile ---- */

#define KILLED(prof, what)						\
Test(sandbox, prof##_kills_##what)					\
{									\
	int st = run(ap_##prof, do_##what);				\
									\
	assert_killed(st);						\
}

KILLED(keyd, open_write)
KILLED(keyd, open_creat)
KILLED(keyd, open_path)
KILLED(keyd, execve)
KILLED(keyd, ptrace_traceme)
KILLED(keyd, ptrace_parent)
KILLED(keyd, vm_readv)
KILLED(keyd, tcp)
KILLED(keyd, udp)
KILLED(keyd, unix)
KILLED(keyd, socketpair)
KILLED(keyd, sendmsg)
KILLED(keyd, recvmsg)
KILLED(keyd, kill_parent)
KILLED(keyd, fork)
KILLED(keyd, clone3)
KILLED(keyd, mmap_exec)
KILLED(keyd, mprotect_exec)
KILLED(keyd, x32)
KILLED(keyd, prctl)
KILLED(keyd, setuid)
KILLED(keyd, tiocsti)
KILLED(keyd, pipe)
KILLED(keyd, bind)

/*
 * The key helper opens no file once sandboxed. When wolfCrypt seeds from
 * getrandom(2) seccomp forbids open outright (killed); when it needs
 * /dev/urandom, open is allowed read-only and Landlock refuses the rest.
 */
static void
assert_keyd_open_denied(int st)
{
	if (SB_NEEDS_URANDOM)
		assert_exit(st, EACCES);
	else
		assert_killed(st);
}

Test(sandbox, keyd_landlock_refuses_other_files)
{
	need_abi(1);
	assert_keyd_open_denied(run(ap_keyd, do_read_unlisted));
	assert_keyd_open_denied(run(ap_keyd, do_read_passwd));
	assert_keyd_open_denied(run(ap_keyd, do_read_listed));
}

Test(sandbox, keyd_isatty_fails_softly)
{
	assert_exit(run(ap_keyd, do_isatty), X_OK_);
}

Test(sandbox, keyd_abort_still_aborts)
{
	int st = run(ap_keyd, do_abort);

	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "%s", how(st));
}

/* What the helper does after sandboxing: RNG, sign, answer, audit. */
static int
do_keyd_work(void)
{
	WC_RNG rng;
	ecc_key k;
	byte buf[64], sig[128];
	word32 sl = sizeof(sig);
	int i;

	if (wc_ecc_init(&k) != 0)
		return X_SETUP;
	for (i = 0; i < 3; i++) {	/* each init reopens /dev/urandom */
		if (wc_InitRng(&rng) != 0)
			return 10;
		if (wc_RNG_GenerateBlock(&rng, buf, sizeof(buf)) != 0)
			return 11;
		if (i < 2)
			wc_FreeRng(&rng);
	}
	if (wc_ecc_make_key(&rng, 32, &k) != 0 ||
	    wc_ecc_sign_hash(buf, 32, sig, &sl, &rng, &k) != 0)
		return 12;
	if (write(g.pair[0], sig, sl) != (ssize_t)sl)
		return 13;
	fprintf(stderr, "audit line from the sandboxed helper\n");
	printf("stdout too\n");
	fflush(stdout);
	wc_ecc_free(&k);
	wc_FreeRng(&rng);
	return X_OK_;
}

Test(sandbox, keyd_positive_rng_sign_write)
{
	char buf[256];

	assert_exit(run(ap_keyd, do_keyd_work), X_OK_);
	cr_assert_gt(read(g.pair[1], buf, sizeof(buf)), 8,
	    "the signature did not arrive");
}

/* Trust on first use: the helper rewrites its store, and only there. */
static int
do_store_cycle(void)
{
	char tmp[600], dst[600], lock[600], buf[8];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s/kdb.tmp", g.store);
	snprintf(dst, sizeof(dst), "%s/kdb", g.store);
	snprintf(lock, sizeof(lock), "%s/lock", g.store);
	if ((fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600)) == -1)
		return 20;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0)
		return 21;
	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1)
		return 22;
	if (write(fd, "new", 3) != 3 || fsync(fd) != 0 || close(fd) != 0)
		return 23;
	if (rename(tmp, dst) != 0)
		return 24;
	if ((fd = open(g.store, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(fd) != 0)
		return 25;
	if ((fd = open(dst, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY)) ==
	    -1 || read(fd, buf, sizeof(buf)) != 3)
		return 26;
	/* outside the store: Landlock says no */
	if (open(g.unlisted, O_RDONLY) != -1 || errno != EACCES)
		return 27;
	if (do_keyd_work() != X_OK_)
		return 28;
	return X_OK_;
}

static int
do_store_trunc(void)
{
	char dst[600];

	snprintf(dst, sizeof(dst), "%s/kdb", g.store);
	return errno_of(open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0600));
}

Test(sandbox, keyd_store_mode_writes_only_its_directory)
{
	char buf[256];

	need_abi(1);
	assert_exit(run(ap_store, do_store_cycle), X_OK_);
	cr_assert_gt(read(g.pair[1], buf, sizeof(buf)), 8);
	assert_killed(run(ap_store, do_store_trunc));
	assert_killed(run(ap_store, do_execve));
	assert_killed(run(ap_store, do_tcp));
}

/* The real store code, as the helper's ACCEPT runs it after sandboxing. */
static int
do_real_store(void)
{
	static struct store s;
	struct kdb db, fresh;
	struct stash st, st2;
	char dir[PATH_MAX];

	if (bwk_kdb_dir(t_db(), dir, sizeof(dir)) == -1 ||
	    store_open(&s, dir, STORE_WRITE_LATER) == -1 ||
	    store_load(&s, &db, &st) == -1)
		return X_SETUP;
	if (sb_apply_keyd(dir, 0) != 0)
		return X_APPLY;
	if (store_lock(&s) == -1)
		return 50;
	if (store_load(&s, &fresh, &st2) == -1)
		return 51;
	if (store_save(&s, &fresh, &st2) == -1)
		return 52;
	store_unlock(&s);
	kdb_free(&fresh);
	kdb_free(&db);
	stash_wipe(&st);
	stash_wipe(&st2);
	store_close(&s);
	return X_OK_;
}

Test(sandbox, keyd_store_mode_runs_the_real_store)
{
	struct run r;

	need_abi(1);
	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", "srv1", "-file",
	    t_cert("ec384.pem"), NULL), 0, "%s", r.err);
	assert_exit(run(NULL, do_real_store), X_OK_);
}

/* ---- the network process profile ---- */

KILLED(net, open_write)
KILLED(net, open_creat)
KILLED(net, open_path)
KILLED(net, execve)
KILLED(net, ptrace_traceme)
KILLED(net, ptrace_parent)
KILLED(net, vm_readv)
KILLED(net, udp)
KILLED(net, udp6)
KILLED(net, unix)
KILLED(net, netlink)
KILLED(net, raw)
KILLED(net, mptcp)
KILLED(net, sctp)
KILLED(net, socketpair)
KILLED(net, sendmsg)
KILLED(net, recvmsg)
KILLED(net, kill_parent)
KILLED(net, fork)
KILLED(net, clone3)
KILLED(net, mmap_exec)
KILLED(net, mprotect_exec)
KILLED(net, x32)
KILLED(net, fastopen)
KILLED(net, tcp_ulp)
KILLED(net, prctl)
KILLED(net, setuid)
KILLED(net, personality)
KILLED(net, tiocsti)
KILLED(net, pipe)

Test(sandbox, keyd_and_net_kill_i386_entry)
{
	/* only meaningful where the i386 entry works unsandboxed */
	int st = run(NULL, do_i386);

	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		cr_skip_test("int 0x80 does not work here (%s): no IA32 "
		    "emulation", how(st));
	assert_killed(run(ap_net, do_i386));
	assert_killed(run(ap_keyd, do_i386));
}

Test(sandbox, net_landlock_files)
{
	need_abi(1);
	assert_exit(run(ap_net, do_read_listed), X_OK_);
	assert_exit(run(ap_net, do_read_unlisted), EACCES);
	assert_exit(run(ap_net, do_read_passwd), EACCES);
}

Test(sandbox, net_tcp_ports)
{
	need_abi(4);
	assert_exit(run(ap_net, do_tcp), X_OK_);
	assert_exit(run(ap_net, do_connect_ok), X_OK_);
	assert_exit(run(ap_net, do_connect_bad), EACCES);
	/* bind: seccomp kills it; Landlock alone refuses it too */
	assert_killed(run(ap_net, do_bind));
	assert_exit(run(ap_ll_net, do_bind), EACCES);
	assert_exit(run(ap_ll_keyd, do_bind), EACCES);
	assert_exit(run(ap_ll_keyd, do_connect_ok), EACCES);
	assert_exit(run(ap_ll_net, do_connect_bad), EACCES);
}

Test(sandbox, net_isatty_and_abort)
{
	int st;

	assert_exit(run(ap_net, do_isatty), X_OK_);
	st = run(ap_net, do_abort);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "%s", how(st));
}

static int do_nothing(void) { return X_OK_; }

/* ---- no stat of a path: Landlock does not cover it, seccomp must ---- */

/* glibc's stat(): newfstatat(AT_FDCWD, path, buf, 0) */
static int
do_stat_path(void)
{
	struct stat st;

	return errno_of(stat(g.unlisted, &st));
}

/*
 * The form a filter that allowed fstat by its flags would let through: the
 * kernel resolves a non-empty path even with AT_EMPTY_PATH.
 */
static int
do_stat_path_as_fstat(void)
{
	struct stat st;

	return errno_of((int)syscall(SYS_newfstatat, AT_FDCWD, g.unlisted, &st,
	    AT_EMPTY_PATH));
}

/* fd-only fstat(2), what Bulwark's code uses after sandboxing */
static int
do_fstat_fd(void)
{
	struct stat st;

	if (bwk_fstat(STDERR_FILENO, &st) == -1)
		return errno;
	return st.st_mode != 0 ? X_OK_ : X_WRONG;
}

static void
assert_no_stat(apply_fn apply)
{
	struct stat st;

	/* outside the sandbox the path is there to be seen */
	cr_assert_eq(stat(g.unlisted, &st), 0);
	assert_exit(run(apply, do_stat_path), EACCES);
	assert_exit(run(apply, do_stat_path_as_fstat), EACCES);
	assert_exit(run(apply, do_fstat_fd), X_OK_);
}

Test(sandbox, net_cannot_stat_a_path)
{
	assert_no_stat(ap_net);
}

Test(sandbox, keyd_store_mode_cannot_stat_a_path)
{
	assert_no_stat(ap_store);
}

Test(sandbox, keyd_cannot_stat_a_path)
{
	assert_exit(run(ap_keyd, do_stat_path), EACCES);
	assert_exit(run(ap_keyd, do_stat_path_as_fstat), EACCES);
}

Test(sandbox, net_applies_without_insecure_on_this_kernel)
{
	struct sb_status s;

	sb_probe(&s);
	if (!s.seccomp || s.landlock_abi < SB_LL_ABI_NET_MIN)
		cr_skip_test("kernel lacks seccomp or Landlock ABI 4 (has %d)",
		    s.landlock_abi);
	assert_exit(run(ap_net, do_nothing), X_OK_);
	assert_exit(run(ap_keyd, do_nothing), X_OK_);
}

/* ---- a whole TLS 1.2 session inside the network profile ---- */

static void
tls_server(int lfd)
{
	WOLFSSL_CTX *ctx;
	WOLFSSL *ssl;
	char buf[64];
	int fd, n;

	alarm(20);
	wolfSSL_Init();
	ctx = wolfSSL_CTX_new(wolfTLSv1_2_server_method());
	if (ctx == NULL || wolfSSL_CTX_use_certificate_file(ctx,
	    t_cert("ec256.pem"), WOLFSSL_FILETYPE_PEM) != 1 ||
	    wolfSSL_CTX_use_PrivateKey_file(ctx, t_cert("ec256.key"),
	    WOLFSSL_FILETYPE_PEM) != 1)
		_exit(1);
	if ((fd = accept(lfd, NULL, NULL)) == -1)
		_exit(2);
	ssl = wolfSSL_new(ctx);
	wolfSSL_set_fd(ssl, fd);
	if (wolfSSL_accept(ssl) != 1)
		_exit(3);
	if ((n = wolfSSL_read(ssl, buf, sizeof(buf))) <= 0 ||
	    wolfSSL_write(ssl, buf, n) != n)
		_exit(4);
	wolfSSL_shutdown(ssl);
	_exit(0);
}

/* What `bulwark check` does once sandboxed, CA loading included. */
static int
do_tls_client(void)
{
	WOLFSSL_CTX *ctx;
	WOLFSSL *ssl;
	struct timeval tv = { 10, 0 };
	char buf[64];
	int fd, one = 1, n;

	if (wolfSSL_Init() != WOLFSSL_SUCCESS ||
	    (ctx = wolfSSL_CTX_new(wolfTLSv1_2_client_method())) == NULL)
		return 30;
	if (wolfSSL_CTX_load_verify_locations(ctx, g.pol.read_paths[0],
	    NULL) != WOLFSSL_SUCCESS)
		return 31;
	if (tcp_connect(g.port_ok, &fd) != 0)
		return 32;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if ((ssl = wolfSSL_new(ctx)) == NULL ||
	    wolfSSL_set_fd(ssl, fd) != WOLFSSL_SUCCESS ||
	    wolfSSL_check_domain_name(ssl, "localhost") != WOLFSSL_SUCCESS)
		return 33;
	if (wolfSSL_connect(ssl) != WOLFSSL_SUCCESS)
		return 34;
	if (wolfSSL_write(ssl, "ping", 4) != 4 ||
	    (n = wolfSSL_read(ssl, buf, sizeof(buf))) != 4 ||
	    memcmp(buf, "ping", 4) != 0)
		return 35;
	/* the helper channel and a result line, as the client does */
	if (write(g.pair[0], "sign", 4) != 4)
		return 36;
	printf("cipher %s\n", wolfSSL_get_cipher(ssl));
	fflush(stdout);
	wolfSSL_shutdown(ssl);
	wolfSSL_free(ssl);
	wolfSSL_CTX_free(ctx);
	wolfSSL_Cleanup();
	close(fd);
	return X_OK_;
}

Test(sandbox, net_positive_tls_session)
{
	pid_t srv;
	int st;

	need_abi(4);
	/* the CA file is the server's self-signed certificate */
	g.pol.read_paths[0] = t_cert("ec256.pem");
	fflush(NULL);
	srv = fork();
	cr_assert_neq(srv, -1);
	if (srv == 0)
		tls_server(g.lfd_ok);
	st = run(ap_net, do_tls_client);
	assert_exit(st, X_OK_);
	cr_assert_eq(waitpid(srv, &st, 0), srv);
	assert_exit(st, 0);
}

/* ---- Landlock alone: the scopes (seccomp would kill first) ---- */

static int
ll_only(enum sb_profile p)
{
	struct sb_spec sp = { p, NULL, &g.pol, NULL };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return sb_ll_apply(&sp, landlock_abi());
}

static int ap_ll_keyd(void) { return ll_only(SB_KEYD); }
static int ap_ll_net(void) { return ll_only(SB_NET); }

static int
do_abstract_unix(void)
{
	struct sockaddr_un a;
	socklen_t al;
	int fd;

	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "bwk-test-%d",
	    (int)g.parent);
	al = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
	    strlen(a.sun_path + 1));
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return X_SETUP;
	return errno_of(connect(fd, (struct sockaddr *)&a, al));
}

Test(sandbox, landlock_scopes_signal_and_abstract_unix)
{
	struct sockaddr_un a;
	socklen_t al;
	int fd;

	need_abi(6);
	/* the control: without the sandbox both work */
	assert_exit(run(NULL, do_kill_parent), X_OK_);
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "bwk-test-%d",
	    (int)g.parent);
	al = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
	    strlen(a.sun_path + 1));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert_neq(fd, -1);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, al), 0);
	cr_assert_eq(listen(fd, 4), 0);
	assert_exit(run(NULL, do_abstract_unix), X_OK_);

	assert_exit(run(ap_ll_keyd, do_kill_parent), EPERM);
	assert_exit(run(ap_ll_net, do_kill_parent), EPERM);
	assert_exit(run(ap_ll_keyd, do_abstract_unix), EPERM);
	assert_exit(run(ap_ll_net, do_abstract_unix), EPERM);
	/* the ptrace rule comes with any Landlock domain */
	assert_exit(run(ap_ll_net, do_ptrace_parent), EPERM);
	close(fd);
}

/*
 * The constants in landlock_compat.h against the kernel: every right we
 * know for this ABI is accepted, the next bit is not (EINVAL). Valid for
 * ABI 5 to 8, which add no rights past IOCTL_DEV and the two scopes.
 */
static long
mk_ruleset(uint64_t fs, uint64_t net, uint64_t scoped)
{
	struct bwk_ll_ruleset_attr ra = { fs, net, scoped };
	long fd = syscall(BWK_NR_landlock_create_ruleset, &ra, sizeof(ra), 0U);

	if (fd >= 0) {
		close((int)fd);
		return 0;
	}
	return errno;
}

Test(sandbox, landlock_constants_match_kernel)
{
	int abi = landlock_abi(), a;

	need_abi(1);
	for (a = 1; a <= abi && a <= 7; a++)
		cr_assert_eq(mk_ruleset(sb_ll_fs_rights(a), sb_ll_net_rights(a),
		    sb_ll_scopes(a)), 0, "rights of ABI %d refused", a);
	if (abi < 5 || abi > 8)
		cr_skip_test("next-bit checks are for ABI 5-8, kernel has %d",
		    abi);
	cr_assert_eq(sb_ll_fs_rights(abi), (1ULL << 16) - 1);
	cr_assert_eq(mk_ruleset(1ULL << 16, 0, 0), EINVAL);
	cr_assert_eq(mk_ruleset(BWK_LL_FS_READ_FILE, 1ULL << 2, 0), EINVAL);
	if (abi >= 6)
		cr_assert_eq(mk_ruleset(BWK_LL_FS_READ_FILE, 0, 1ULL << 2),
		    EINVAL);
}

/* ---- refusing missing protection, and --insecure-weak-sandbox ---- */

static const char *env_name, *env_value;
static int insecure_flag;

/* Runs apply + act with stderr in a file; returns status, *err text. */
static int
run_env(const char *name, const char *value, int insecure, apply_fn apply,
    act_fn act, char *err, size_t errlen)
{
	const char *path = t_path("stderr");
	int fd, save, st;
	ssize_t n;

	env_name = name;
	env_value = value;
	insecure_flag = insecure;
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	cr_assert_neq(fd, -1);
	fflush(stderr);
	save = dup(2);
	dup2(fd, 2);
	st = run(apply, act);
	dup2(save, 2);
	close(save);
	n = pread(fd, err, errlen - 1, 0);
	err[n > 0 ? n : 0] = '\0';
	close(fd);
	return st;
}

static int
report_to_string(char *out, size_t len)
{
	FILE *f = fmemopen(out, len, "w");
	int r;

	cr_assert_not_null(f);
	r = sb_report(f);
	fclose(f);
	return r;
}

#ifdef BULWARK_TESTING
static int
ap_env_net(void)
{
	setenv(env_name, env_value, 1);
	return sb_apply_net(&g.pol, insecure_flag);
}

static int
ap_env_keyd(void)
{
	setenv(env_name, env_value, 1);
	return sb_apply_keyd(NULL, insecure_flag);
}

Test(sandbox, refuses_old_landlock_for_net)
{
	char err[4096];
	int st;

	need_abi(4);
	st = run_env("BULWARK_TEST_LANDLOCK_ABI", "3", 0, ap_env_net,
	    do_nothing, err, sizeof(err));
	assert_exit(st, X_APPLY);
	cr_assert(t_contains(err, "BWK0606E"), "%s", err);
	cr_assert(t_contains(err, "6.7"), "%s", err);
	cr_assert(t_contains(err, "--insecure-weak-sandbox"), "%s", err);

	/* with the flag: a warning, and the file rules still hold, but the
	 * port rule is gone (that is what ABI 3 cannot do) */
	st = run_env("BULWARK_TEST_LANDLOCK_ABI", "3", 1, ap_env_net,
	    do_nothing, err, sizeof(err));
	assert_exit(st, X_OK_);
	cr_assert(t_contains(err, "BWK0607W"), "%s", err);
	cr_assert(t_contains(err, "BWK0608W"), "%s", err);
	st = run_env("BULWARK_TEST_LANDLOCK_ABI", "3", 1, ap_env_net,
	    do_read_unlisted, err, sizeof(err));
	assert_exit(st, EACCES);
	st = run_env("BULWARK_TEST_LANDLOCK_ABI", "3", 1, ap_env_net,
	    do_connect_bad, err, sizeof(err));
	assert_exit(st, X_OK_);
	st = run_env("BULWARK_TEST_LANDLOCK_ABI", "3", 1, ap_env_net,
	    do_udp, err, sizeof(err));
	assert_killed(st);

	/* the key helper needs only ABI 1 */
	st = run_env("BULWARK_TEST_LANDLOCK_ABI", "3", 0, ap_env_keyd,
	    do_read_unlisted, err, sizeof(err));
	assert_keyd_open_denied(st);
	cr_assert(t_contains(err, "BWK0608W"), "%s", err);
}

Test(sandbox, refuses_missing_landlock)
{
	char err[4096];
	int st;

	st = run_env("BULWARK_TEST_LANDLOCK_ABI", "0", 0, ap_env_keyd,
	    do_nothing, err, sizeof(err));
	assert_exit(st, X_APPLY);
	cr_assert(t_contains(err, "BWK0605E"), "%s", err);
	cr_assert(t_contains(err, "lsm=landlock"), "%s", err);
	st = run_env("BULWARK_TEST_LANDLOCK_ABI", "0", 0, ap_env_net,
	    do_nothing, err, sizeof(err));
	assert_exit(st, X_APPLY);
	cr_assert(t_contains(err, "BWK0605E"), "%s", err);

	/* degraded: no Landlock, but seccomp still kills */
	st = run_env("BULWARK_TEST_LANDLOCK_ABI", "0", 1, ap_env_keyd,
	    do_read_unlisted, err, sizeof(err));
	if (SB_NEEDS_URANDOM)
		assert_exit(st, X_OK_);	/* open is allowed, Landlock is gone */
	else
		assert_killed(st);
	cr_assert(t_contains(err, "BWK0607W"), "%s", err);
	st = run_env("BULWARK_TEST_LANDLOCK_ABI", "0", 1, ap_env_net,
	    do_udp, err, sizeof(err));
	assert_killed(st);
}

/*
 * Without Landlock the network process can read the user's key database
 * and stash, the very secrets the helper keeps from it: the warning says
 * so by name.
 */
Test(sandbox, insecure_without_landlock_names_the_key_files)
{
	char err[4096];
	int st;

	st = run_env("BULWARK_TEST_LANDLOCK_ABI", "0", 1, ap_env_net,
	    do_nothing, err, sizeof(err));
	assert_exit(st, X_OK_);
	cr_assert(t_contains(err, "BWK0607W"), "%s", err);
	cr_assert(t_contains(err, "bulwark.kdb"), "%s", err);
	cr_assert(t_contains(err, "bulwark.sth"), "%s", err);
}

Test(sandbox, refuses_missing_seccomp)
{
	char err[4096];
	int st;

	st = run_env("BULWARK_TEST_SECCOMP", "0", 0, ap_env_net, do_nothing,
	    err, sizeof(err));
	assert_exit(st, X_APPLY);
	cr_assert(t_contains(err, "BWK0601E"), "%s", err);
	st = run_env("BULWARK_TEST_SECCOMP", "0", 0, ap_env_keyd, do_nothing,
	    err, sizeof(err));
	assert_exit(st, X_APPLY);

	/* degraded: no filter, Landlock still confines */
	st = run_env("BULWARK_TEST_SECCOMP", "0", 1, ap_env_net, do_udp, err,
	    sizeof(err));
	assert_exit(st, X_OK_);
	cr_assert(t_contains(err, "BWK0602W"), "%s", err);
	if (landlock_abi() >= 4) {
		st = run_env("BULWARK_TEST_SECCOMP", "0", 1, ap_env_net,
		    do_connect_bad, err, sizeof(err));
		assert_exit(st, EACCES);
	}
}

Test(sandbox, warns_without_scopes)
{
	char err[4096];
	int st;

	need_abi(5);
	st = run_env("BULWARK_TEST_LANDLOCK_ABI", "5", 0, ap_env_net,
	    do_connect_ok, err, sizeof(err));
	assert_exit(st, X_OK_);
	cr_assert(t_contains(err, "BWK0608W"), "%s", err);
	cr_assert(t_contains(err, "PR_SET_DUMPABLE"), "%s", err);
}

Test(sandbox, report_old_kernel)
{
	char out[8192];

	setenv("BULWARK_TEST_LANDLOCK_ABI", "3", 1);
	cr_assert_eq(report_to_string(out, sizeof(out)), -1, "%s", out);
	unsetenv("BULWARK_TEST_LANDLOCK_ABI");
	cr_assert(t_contains(out, "BWK0641W TCP port rules: missing"), "%s",
	    out);
	cr_assert(t_contains(out, "6.7"), "%s", out);
	cr_assert(t_contains(out, "BWK0643E"), "%s", out);
	cr_assert(!t_contains(out, "ioctl_dev"), "ABI 3 has no IOCTL_DEV: %s",
	    out);
}
#endif

Test(sandbox, report_this_kernel)
{
	char out[8192];

	need_abi(6);
	cr_assert_eq(report_to_string(out, sizeof(out)), 0, "%s", out);
	cr_assert(t_contains(out, "BWK0640I seccomp:"), "%s", out);
	cr_assert(t_contains(out, "BWK0640I Landlock: ABI"), "%s", out);
	cr_assert(t_contains(out, "ioctl_dev"), "%s", out);
	cr_assert(t_contains(out, "connect_tcp"), "%s", out);
	cr_assert(t_contains(out, "BWK0640I scopes"), "%s", out);
	cr_assert(t_contains(out, "user switch"), "%s", out);
	cr_assert(t_contains(out, "BWK0642I"), "%s", out);
	cr_assert(!t_contains(out, "BWK0641W"), "%s", out);
}

/* ---- the policy, threads ---- */

Test(sandbox, bad_policies_refused)
{
	struct sb_net_policy p;

	bwk_quiet = 1;
	memset(&p, 0, sizeof(p));
	p.nports = SB_MAX_PORTS + 1;
	cr_assert_eq(sb_apply_net(&p, 0), -1);
	p.nports = 1;
	p.ports[0] = 0;
	cr_assert_eq(sb_apply_net(&p, 0), -1);
	cr_assert_eq(sb_apply_net(NULL, 0), -1);
	bwk_quiet = 0;
}

static struct sb_net_policy dir_pol;

static int ap_dir(void) { return sb_apply_net(&dir_pol, 0); }

Test(sandbox, read_path_must_be_a_file)
{
	char err[4096];
	int st;

	need_abi(1);
	dir_pol = g.pol;
	dir_pol.read_paths[0] = t_tmpdir();
	st = run_env("BWK_UNUSED", "", 0, ap_dir, do_nothing, err,
	    sizeof(err));
	assert_exit(st, X_APPLY);
	cr_assert(t_contains(err, "BWK0611E"), "%s", err);
	dir_pol.read_paths[0] = t_path("missing");
	st = run_env("BWK_UNUSED", "", 0, ap_dir, do_nothing, err,
	    sizeof(err));
	assert_exit(st, X_APPLY);
	cr_assert(t_contains(err, "BWK0610E"), "%s", err);
}

static void *
sleeper(void *arg)
{
	(void)arg;
	pause();
	return NULL;
}

static int
ap_threaded(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, sleeper, NULL) != 0)
		return X_SETUP;
	return sb_apply_keyd(NULL, 0) == -1 ? 1 : 0;
}

Test(sandbox, refuses_a_threaded_process)
{
	char err[4096];
	int st;

	st = run_env("BWK_UNUSED", "", 0, ap_threaded, do_nothing, err,
	    sizeof(err));
	assert_exit(st, X_APPLY);
	cr_assert(t_contains(err, "BWK0615E"), "%s", err);
}

/* ---- dropping root ---- */

static int
do_drop_then_net(void)
{
	struct passwd *pw = getpwnam("nobody");
	struct sb_net_policy p;
	char cwd[64];
	WC_RNG rng;
	byte b[16];

	if (pw == NULL)
		return X_SETUP;
	if (sb_drop_to_user(NULL) != 0)
		return 40;
	if (getuid() != pw->pw_uid || geteuid() != pw->pw_uid ||
	    getgid() != pw->pw_gid || getgroups(0, NULL) != 0)
		return 41;
	if (setuid(0) != -1 || getcwd(cwd, sizeof(cwd)) == NULL ||
	    strcmp(cwd, "/") != 0)
		return 42;
	if (access("/etc/passwd", F_OK) != -1 || errno != ENOENT)
		return 43;
	/* a second call is a no-op: not root any more */
	if (sb_drop_to_user("root") != 0)
		return 44;
	memset(&p, 0, sizeof(p));
	p.ports[p.nports++] = g.port_ok;
	if (sb_apply_net(&p, 0) != 0)
		return 45;
	if (wc_InitRng(&rng) != 0 || wc_RNG_GenerateBlock(&rng, b, 16) != 0)
		return 46;
	wc_FreeRng(&rng);
	return tcp_connect(g.port_ok, NULL) == 0 ? X_OK_ : 47;
}

static int do_drop_unknown(void) { return sb_drop_to_user(
    "bwk-no-such-user") == -1 ? X_OK_ : X_WRONG; }
static int do_drop_root(void) { return sb_drop_to_user("root") == -1 ?
    X_OK_ : X_WRONG; }

Test(sandbox, drop_to_user_chroots_and_switches)
{
	char err[4096];
	struct stat st;
	int s;

	if (geteuid() != 0)
		cr_skip_test("needs root (it switches users)");
	if (getpwnam("nobody") == NULL)
		cr_skip_test("no user nobody");
	assert_exit(run(NULL, do_drop_then_net), X_OK_);
	cr_assert_eq(lstat("/var/empty/bulwark", &st), 0);
	cr_assert(S_ISDIR(st.st_mode) && st.st_uid == 0 &&
	    (st.st_mode & 07777) == 0755);
	if (SB_NEEDS_URANDOM) {
		cr_assert_eq(lstat("/var/empty/bulwark/dev/urandom", &st), 0);
		cr_assert(S_ISCHR(st.st_mode) && (st.st_mode & 0222) == 0);
	}
	s = run_env("BWK_UNUSED", "", 0, NULL, do_drop_unknown, err,
	    sizeof(err));
	assert_exit(s, X_OK_);
	cr_assert(t_contains(err, "BWK0620E"), "%s", err);
	s = run_env("BWK_UNUSED", "", 0, NULL, do_drop_root, err, sizeof(err));
	assert_exit(s, X_OK_);
	cr_assert(t_contains(err, "BWK0621E"), "%s", err);
}

Test(sandbox, harden_process)
{
	struct rlimit rl;
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0)
		_exit(sb_harden_process() == 0 &&
		    prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0 &&
		    getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_cur == 0 &&
		    rl.rlim_max == 0 ? 0 : 1);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	assert_exit(st, 0);
}
