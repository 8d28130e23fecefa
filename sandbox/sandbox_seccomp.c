/*
 * seccomp allow-lists for the profiles, with libseccomp.
 *
 * Shaped like OpenSSH's sandbox-seccomp-filter.c: the filter is a table,
 * one function per profile, grouped under systemd-style headings, with
 * the argument-restricted entries after the plain ones. Anything not
 * listed kills the whole process (SCMP_ACT_KILL_PROCESS, the process then
 * dies of SIGSYS). The few calls glibc makes only to probe (isatty, and
 * its fstat()) get an errno instead, so libc falls back quietly.
 *
 * No stat of a path in the key helper's and the network process's
 * profiles (the session process's must allow it for SQLite, see
 * srvsession_rules): Landlock does not cover stat, so newfstatat is
 * refused outright (EACCES), and only fstat(2), which takes a descriptor
 * and nothing else, is allowed where the store needs it
 * (bwk_fstat). Allowing newfstatat when its flags say AT_EMPTY_PATH, as
 * glibc's fstat() calls it, would prove nothing: a filter cannot read the
 * path, and with a non-empty one the kernel resolves it all the same. The
 * price is that glibc's own fstat() fails inside: stdio then sizes its
 * buffers at BUFSIZ and seeks with lseek, and sb_apply_*() decide a
 * terminal's line buffering before the filter (sandbox.c).
 *
 * Architecture: libseccomp puts only the native ABI (x86_64) in the
 * filter. Its first instructions kill on any other audit arch (i386 via
 * int 0x80) and on x32 numbers (nr >= 0x40000000), with the bad-arch
 * action set below to KILL_PROCESS too. The tests check both.
 *
 * The lists were found with strace on programs doing what each process
 * does after sandboxing (wolfCrypt RNG, HMAC, ECDSA and RSA signing with
 * blinding, AES-GCM, socketpair I/O, stdio; and a whole wolfSSL TLS 1.2
 * client; for the session process, libsqlite3 in WAL mode), see the
 * report in the sandbox tests.
 *
 * Explicitly killed by omission (the tests prove each family): execve and
 * execveat; fork, vfork, clone and clone3; ptrace; process_vm_readv and
 * process_vm_writev; kill and tgkill of anyone but ourselves; socket()
 * other than TCP over IPv4/IPv6 (no UDP, raw, AF_UNIX, netlink, MPTCP,
 * SCTP), and in the session process any socket() or connect(); bind;
 * socketpair; sendmsg and recvmsg (no fd passing); open, creat, openat2,
 * and openat with any write, create, truncate, path or directory flag
 * (the session process and a helper with a store: truncate, append, path
 * and O_TMPFILE); mmap and mprotect with PROT_EXEC; personality, bpf,
 * userfaultfd, mount, chroot, the setuid family, prctl, keyctl, io_uring.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <linux/futex.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <seccomp.h>

#include "../src/lib/msg.h"
#include "sandbox_int.h"

#ifdef BWK_SECCOMP_DEBUG
/* Reports the offending syscall instead of dying: *never* in release. */
#ifndef BULWARK_TESTING
#error "BWK_SECCOMP_DEBUG is for test builds only"
#endif
#define SB_FAIL	SCMP_ACT_TRAP
#else
#define SB_FAIL	SCMP_ACT_KILL_PROCESS
#endif

/* Flags a read-only open may carry; anything else (O_WRONLY, O_RDWR,
 * O_CREAT, O_TRUNC, O_APPEND, O_PATH, O_TMPFILE, O_DIRECTORY...) kills.
 * 0100000 is the kernel's O_LARGEFILE, which glibc's is 0 on x86_64. */
#define SB_RDONLY_OK	(O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | 0100000)

/* From <linux/fcntl.h> and <linux/fs.h>; glibc has them with _GNU_SOURCE. */
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH		0x1000
#endif
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE	(1 << 0)
#endif

/* int arguments: compare the low 32 bits only, as the kernel does. */
#define EQ32(a, v)	SCMP_CMP64((a), SCMP_CMP_MASKED_EQ, 0xffffffffULL, \
			    (uint32_t)(v))
#define CLEAR32(a, m)	SCMP_CMP64((a), SCMP_CMP_MASKED_EQ, \
			    (uint32_t)(m), 0)

struct sb_filter {
	scmp_filter_ctx	 ctx;
	int		 rc;		/* first libseccomp error */
	const char	*what;		/* the rule it failed on */
};

static void
rule(struct sb_filter *f, uint32_t action, int nr, const char *name,
    unsigned int n, const struct scmp_arg_cmp *cmp)
{
	int rc;

	if (f->rc != 0)
		return;
	/* _exact: libseccomp must not rewrite a rule behind our back. */
	if ((rc = seccomp_rule_add_exact_array(f->ctx, action, nr, n, cmp)) !=
	    0) {
		f->rc = rc;
		f->what = name;
	}
}

#define ALLOW(f, sc) \
	rule((f), SCMP_ACT_ALLOW, SCMP_SYS(sc), #sc, 0, NULL)
#define DENY(f, sc, e) \
	rule((f), SCMP_ACT_ERRNO(e), SCMP_SYS(sc), #sc, 0, NULL)
#define ALLOW_IF(f, sc, ...) do {					\
	const struct scmp_arg_cmp c_[] = { __VA_ARGS__ };		\
	rule((f), SCMP_ACT_ALLOW, SCMP_SYS(sc), #sc,			\
	    (unsigned int)(sizeof(c_) / sizeof(c_[0])), c_);		\
} while (0)
#define DENY_IF(f, sc, e, ...) do {					\
	const struct scmp_arg_cmp c_[] = { __VA_ARGS__ };		\
	rule((f), SCMP_ACT_ERRNO(e), SCMP_SYS(sc), #sc,		\
	    (unsigned int)(sizeof(c_) / sizeof(c_[0])), c_);		\
} while (0)

/* Both profiles: what any single-threaded wolfCrypt program needs. */
static void
common_rules(struct sb_filter *f, int need_open)
{
	static const int futex_ops[] = { FUTEX_WAIT, FUTEX_WAKE,
	    FUTEX_WAIT_BITSET, FUTEX_WAKE_BITSET };
	static const int advice[] = { MADV_NORMAL, MADV_DONTNEED, MADV_FREE,
	    MADV_DONTDUMP, MADV_WIPEONFORK, MADV_NOHUGEPAGE };
	size_t i;

	/* @default: leaving, signal return, syscall restart after a stop */
	ALLOW(f, exit);
	ALLOW(f, exit_group);
	ALLOW(f, rt_sigreturn);
	ALLOW(f, restart_syscall);
	ALLOW(f, getpid);
	ALLOW(f, gettid);
	/* identity reads: the key store checks file owners against geteuid */
	ALLOW(f, getuid);
	ALLOW(f, geteuid);
	ALLOW(f, getgid);
	ALLOW(f, getegid);

	/* @basic-io: our fds only; new ones come from openat/socket below.
	 * writev is glibc's fatal-error path (__libc_message). */
	ALLOW(f, read);
	ALLOW(f, write);
	ALLOW(f, writev);
	ALLOW(f, close);

	/* @io-event: the helper channel is read with a timeout */
	ALLOW(f, poll);
	ALLOW(f, ppoll);

	/* @clock: read clocks and sleep (usually the vDSO, not a syscall) */
	ALLOW(f, clock_gettime);
	ALLOW(f, clock_getres);
	ALLOW(f, gettimeofday);
	ALLOW(f, time);
	ALLOW(f, nanosleep);
	ALLOW(f, clock_nanosleep);

	/* random: glibc's malloc seeds its tcache key with getrandom */
	ALLOW(f, getrandom);

	/* @memory: W^X, nothing may become executable after sandboxing */
	ALLOW(f, brk);
	ALLOW(f, munmap);
	ALLOW(f, mremap);		/* realloc; keeps the protection */
	ALLOW_IF(f, mmap, CLEAR32(2, PROT_EXEC));
	ALLOW_IF(f, mprotect, CLEAR32(2, PROT_EXEC));
	for (i = 0; i < sizeof(advice) / sizeof(advice[0]); i++)
		ALLOW_IF(f, madvise, EQ32(2, advice[i]));

	/* @sync: glibc's internal locks; wait and wake only (no requeue or
	 * PI, the classic futex exploit surface) */
	for (i = 0; i < sizeof(futex_ops) / sizeof(futex_ops[0]); i++)
		ALLOW_IF(f, futex, SCMP_CMP64(1, SCMP_CMP_MASKED_EQ,
		    (uint32_t)~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME),
		    (uint32_t)futex_ops[i]));

	/* @signal: abort() and raise() must still work (SIGABRT is a
	 * clearer failure than SIGSYS): they tgkill() a thread of our own
	 * process, never another process. kill() is not allowed at all. */
	ALLOW(f, rt_sigprocmask);
	ALLOW(f, rt_sigaction);
	ALLOW_IF(f, tgkill, EQ32(0, getpid()));

	/* isatty() from stdio: say "not a tty" rather than kill; every
	 * other ioctl (TIOCSTI keystroke injection...) kills */
	DENY_IF(f, ioctl, ENOTTY, EQ32(1, TCGETS));

#ifdef SB_SANITIZER
	/* ASan's thread teardown at exit; test builds only */
	ALLOW(f, sigaltstack);
#endif

	/* @file-system, read only: wolfCrypt opens /dev/urandom on every
	 * RNG init (and the network process reads its CA files). The path
	 * is Landlock's job; here the flags must mean "read". */
	if (need_open)
		ALLOW_IF(f, openat, CLEAR32(2, ~SB_RDONLY_OK));
}

/* Flags the key store's own opens use (lock, temp file, directory for
 * fsync); still no O_TRUNC, O_APPEND, O_PATH or O_TMPFILE. */
#define SB_STORE_OK	(SB_RDONLY_OK | O_WRONLY | O_RDWR | O_CREAT | \
			    O_EXCL | O_DIRECTORY)

/*
 * bulwark-keyd: holds the keys; talks only over the inherited socket.
 * With a store directory (a first-use pin, a sign-on's salt and count)
 * it also rewrites its key
 * database there; Landlock confines those calls to that directory.
 */
static void
keyd_rules(struct sb_filter *f, int store)
{
	common_rules(f, SB_NEEDS_URANDOM && !store);
	/* no stat of a path (see the top); glibc's fstat() falls back */
	DENY(f, newfstatat, EACCES);
	DENY(f, statx, EACCES);
	if (!store) {
		DENY(f, fstat, EACCES);
		return;
	}
	/* @file-system for the store: lock, read, write a temp file,
	 * fsync, rename it over the old one, fsync the directory; the
	 * owner and mode checks on open files use fd-only fstat */
	ALLOW_IF(f, openat, CLEAR32(2, ~SB_STORE_OK));
	ALLOW(f, fstat);
	ALLOW(f, lseek);
	ALLOW(f, flock);
	ALLOW(f, fsync);
	ALLOW(f, unlink);
	ALLOW(f, rename);
}

/*
 * TLS over a TCP socket the process holds (the network process's own,
 * the session process's accepted one), the helper channel, stdout.
 */
static void
stream_rules(struct sb_filter *f)
{
	static const int sol_socket[] = { SO_KEEPALIVE, SO_RCVTIMEO_OLD,
	    SO_SNDTIMEO_OLD, SO_RCVTIMEO_NEW, SO_SNDTIMEO_NEW };
	static const int sol_tcp[] = { TCP_NODELAY, TCP_KEEPIDLE,
	    TCP_KEEPINTVL, TCP_KEEPCNT, TCP_USER_TIMEOUT };
	size_t i;

	/* @io-event */
	ALLOW(f, select);
	ALLOW(f, pselect6);

	/* @process: reap the key helper it spawned before sandboxing (wait4
	 * reaches only our own children; nothing can be started) */
	ALLOW(f, wait4);

	/* @network-io on sockets already made */
	ALLOW(f, recvfrom);
	/* send() only: an address or MSG_FASTOPEN would connect inside
	 * sendto (TCP fast open), which Landlock's connect hook does not
	 * see (landlock-lsm/linux issue 41); TCP_FASTOPEN_CONNECT is not in
	 * the setsockopt list either */
	ALLOW_IF(f, sendto, SCMP_CMP64(4, SCMP_CMP_EQ, 0, 0),
	    CLEAR32(3, MSG_FASTOPEN));
	ALLOW(f, shutdown);
	ALLOW(f, getsockname);
	ALLOW(f, getpeername);
	/* timeouts and keepalives only; no TCP_ULP (kTLS), socket filters,
	 * TCP_REPAIR, fast open or device binding */
	for (i = 0; i < sizeof(sol_socket) / sizeof(sol_socket[0]); i++)
		ALLOW_IF(f, setsockopt, EQ32(1, SOL_SOCKET),
		    EQ32(2, sol_socket[i]));
	for (i = 0; i < sizeof(sol_tcp) / sizeof(sol_tcp[0]); i++)
		ALLOW_IF(f, setsockopt, EQ32(1, IPPROTO_TCP),
		    EQ32(2, sol_tcp[i]));
	ALLOW_IF(f, setsockopt, EQ32(1, IPPROTO_IP), EQ32(2, IP_TOS));
	ALLOW_IF(f, setsockopt, EQ32(1, IPPROTO_IPV6), EQ32(2, IPV6_TCLASS));
	ALLOW_IF(f, getsockopt, EQ32(1, SOL_SOCKET));
	ALLOW_IF(f, getsockopt, EQ32(1, IPPROTO_TCP));
	/* non-blocking connect and I/O */
	ALLOW_IF(f, fcntl, EQ32(1, F_GETFL));
	ALLOW_IF(f, fcntl, EQ32(1, F_SETFL));
}

/* The network process: a TCP client, TLS, its CA files. */
static void
net_rules(struct sb_filter *f, const struct sb_net_policy *pol)
{
	static const int domains[] = { AF_INET, AF_INET6 };
	static const int protos[] = { 0, IPPROTO_TCP };
	size_t i, j;

	common_rules(f, 1);

	/* @file-system, read side: a file opened inside is read with
	 * lseek and read; fd-only fstat, no stat of a path (see the top;
	 * glibc's fseek(SEEK_END) falls back to lseek without fstat) */
	ALLOW(f, lseek);
	ALLOW(f, fstat);
	DENY(f, newfstatat, EACCES);
	DENY(f, statx, EACCES);

	stream_rules(f);

	/* @network-io: a TCP client and nothing else. Landlock only sees
	 * real TCP (erratum 1), so the protocol is pinned here: no MPTCP,
	 * SCTP or SMC, no UDP, raw, AF_UNIX or netlink sockets. */
	for (i = 0; i < sizeof(domains) / sizeof(domains[0]); i++)
		for (j = 0; j < sizeof(protos) / sizeof(protos[0]); j++)
			ALLOW_IF(f, socket, EQ32(0, domains[i]),
			    SCMP_CMP64(1, SCMP_CMP_MASKED_EQ,
			    (uint32_t)~(SOCK_CLOEXEC | SOCK_NONBLOCK),
			    SOCK_STREAM),
			    EQ32(2, protos[j]));
	ALLOW(f, connect);		/* ports: Landlock */

	/* @network-io: descriptors from the file side, on its channel only
	 * (src/tls/netchan.h): the files to send and to restore into, which
	 * this process may not open itself */
	if (pol->has_chan)
		ALLOW_IF(f, recvmsg, EQ32(0, pol->chan_fd));
}

/*
 * bulwarkd's session process: TLS on the socket it was given (no socket,
 * connect or bind at all), and SQLite's catalog and the objects' contents
 * in the two directories Landlock allows. The file calls are those
 * libsqlite3 3.40 (Debian 12) makes in WAL mode with synchronous=FULL,
 * found with strace (see the session tests), and those of writing a file
 * to a temporary name, fsync, rename and fsync of the directory.
 *
 * SQLite stats paths, so newfstatat is allowed here, unlike in the other
 * profiles: it lstat()s each component of a database's path to resolve
 * links, stat()s the database to give a new -wal or -journal its mode,
 * tests -wal and -journal for existence with stat(), and at close checks
 * that the database was not moved. Refused, it cannot open the catalog.
 * What this gives away is the metadata of paths the user could reach
 * anyway (type, size, owner, mode, times), never contents. Its flags are
 * limited to what stat, lstat and fstat pass; statx stays refused.
 */
static void
srvsession_rules(struct sb_filter *f)
{
	/* POSIX advisory locks, which SQLite's unix VFS takes on the
	 * database and the -shm file; not F_SETLKW (no lock timeout in
	 * Debian's build), no OFD locks, leases or descriptor games */
	static const int lock_cmds[] = { F_GETLK, F_SETLK };
	size_t i;

	/* openat: the catalog's files are opened O_RDWR|O_CREAT|O_NOFOLLOW,
	 * the directory O_RDONLY for fsync, a content file O_WRONLY|
	 * O_CREAT|O_EXCL; still no O_TRUNC, O_APPEND, O_PATH or O_TMPFILE */
	common_rules(f, 0);
	ALLOW_IF(f, openat, CLEAR32(2, ~SB_STORE_OK));
	stream_rules(f);

	/* @file-system: I/O on what it opened. SQLite reads and writes
	 * pages with pread64 and pwrite64, grows and maps the -shm file
	 * (mmap MAP_SHARED, never PROT_EXEC: common_rules), truncates the
	 * -wal and the database at checkpoints (Landlock's TRUNCATE is
	 * granted only in the catalog) and syncs with fdatasync */
	ALLOW(f, pread64);
	ALLOW(f, pwrite64);
	ALLOW(f, lseek);
	ALLOW(f, ftruncate);
	ALLOW(f, fsync);
	ALLOW(f, fdatasync);
	for (i = 0; i < sizeof(lock_cmds) / sizeof(lock_cmds[0]); i++)
		ALLOW_IF(f, fcntl, EQ32(1, lock_cmds[i]));

	/* stat: see above */
	ALLOW(f, fstat);
	ALLOW_IF(f, newfstatat, CLEAR32(3, ~(AT_SYMLINK_NOFOLLOW |
	    AT_EMPTY_PATH)));
	DENY(f, statx, EACCES);

	/* names: make, remove and rename, in either form (paths: Landlock);
	 * renameat2 only plain or RENAME_NOREPLACE (no exchange, whiteout) */
	ALLOW(f, mkdir);
	ALLOW(f, mkdirat);
	ALLOW(f, unlink);
	ALLOW_IF(f, unlinkat, CLEAR32(2, ~AT_REMOVEDIR));
	ALLOW(f, rmdir);
	ALLOW(f, rename);
	ALLOW(f, renameat);
	ALLOW_IF(f, renameat2, CLEAR32(4, ~RENAME_NOREPLACE));

	/* What SQLite only tries, answered with an error it copes with:
	 * fchown of a new -wal or -shm to the database's owner, as uid 0
	 * only (the file is ours already); fchmod when the umask narrowed
	 * a new file's mode (it stays narrower); access() while looking
	 * for a temporary-file directory (none is allowed: the catalog uses
	 * temp_store=MEMORY); readlink of a link in a path (no link may be
	 * there: the directories are checked) */
	DENY(f, fchown, EPERM);
	DENY(f, fchmod, EPERM);
	DENY(f, access, EACCES);
	DENY(f, faccessat, EACCES);
	DENY(f, faccessat2, EACCES);
	DENY(f, readlink, EACCES);
}

#ifdef BWK_SECCOMP_DEBUG
static void
violation(int sig, siginfo_t *si, void *ctx)
{
	char buf[64];
	int n;

	(void)sig;
	(void)ctx;
	n = snprintf(buf, sizeof(buf), "seccomp violation: syscall %d\n",
	    si->si_syscall);
	(void)!write(STDERR_FILENO, buf, (size_t)n);
	_exit(99);
}
#endif

int
sb_seccomp_available(void)
{
	uint32_t action = SECCOMP_RET_KILL_PROCESS;

#ifdef BULWARK_TESTING
	{
		const char *v = getenv("BULWARK_TEST_SECCOMP");

		if (v != NULL && strcmp(v, "0") == 0)
			return 0;
	}
#endif
	/* KILL_PROCESS (4.14) is what the profiles rely on; a kernel that
	 * knows it has filters. */
	return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0U, &action) ==
	    0;
}

/*
 * The file side (bulwark's parent during a backup or restore): it must
 * open, read, create and rename any file its user may, so its filter is
 * a deny-list, not an allow-list: it takes away what a file side never
 * needs and an attacker who took it over would want first. It is
 * hardening, not confinement: the file side keeps its user's files (and,
 * as that user, /proc of its user's processes). No socket of
 * any kind (it talks to the network process over the socketpair it
 * made before), no connect, bind, listen or accept, no io_uring (which
 * would make sockets behind the filter's back), no exec, no ptrace or
 * process_vm_* reading of another process's memory, no BPF, no mounts
 * (old or new API), no namespaces, no kernel keyrings or modules. Denied calls fail with EPERM rather than kill: the file
 * side holds the user's half-restored files and must clean up.
 */
int
sb_seccomp_apply_files(void)
{
	static const int denied[] = {
		SCMP_SYS(socket), SCMP_SYS(socketpair), SCMP_SYS(connect),
		SCMP_SYS(bind), SCMP_SYS(listen), SCMP_SYS(accept),
		SCMP_SYS(accept4), SCMP_SYS(io_uring_setup),
		SCMP_SYS(io_uring_enter), SCMP_SYS(io_uring_register),
		SCMP_SYS(execve), SCMP_SYS(execveat),
#ifndef SB_SANITIZER
		/* LeakSanitizer's exit check ptraces the process: sanitizer
		 * builds keep it, so that the file side's leaks are found */
		SCMP_SYS(ptrace),
#endif
		SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev),
		SCMP_SYS(bpf), SCMP_SYS(mount), SCMP_SYS(umount2),
		SCMP_SYS(pivot_root), SCMP_SYS(fsopen), SCMP_SYS(fsconfig),
		SCMP_SYS(fsmount), SCMP_SYS(fspick), SCMP_SYS(move_mount),
		SCMP_SYS(open_tree), SCMP_SYS(mount_setattr),
		SCMP_SYS(unshare), SCMP_SYS(setns), SCMP_SYS(pidfd_getfd),
		SCMP_SYS(add_key), SCMP_SYS(keyctl),
		SCMP_SYS(request_key), SCMP_SYS(perf_event_open),
		SCMP_SYS(userfaultfd), SCMP_SYS(kexec_load),
		SCMP_SYS(kexec_file_load), SCMP_SYS(init_module),
		SCMP_SYS(finit_module), SCMP_SYS(delete_module),
	};
	struct sb_filter f;
	size_t i;
	int rc;

	memset(&f, 0, sizeof(f));
	if ((f.ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL) {
		bwk_msg("BWK0603E", "sandbox: seccomp_init failed");
		return -1;
	}
	/* a foreign arch would be a way around the list: it dies */
	if ((rc = seccomp_attr_set(f.ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS)) != 0) {
		f.rc = rc;
		f.what = "attributes";
	}
	for (i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
		rule(&f, SCMP_ACT_ERRNO(EPERM), denied[i], "file side", 0, NULL);
	if (f.rc == 0 && (rc = seccomp_load(f.ctx)) != 0) {
		f.rc = rc;
		f.what = "seccomp_load";
	}
	seccomp_release(f.ctx);
	if (f.rc != 0) {
		bwk_msg("BWK0603E", "sandbox: seccomp filter (%s): %s", f.what,
		    strerror(-f.rc));
		return -1;
	}
	return 0;
}

int
sb_seccomp_apply(const struct sb_spec *sp)
{
	struct sb_filter f;
	int rc;

	memset(&f, 0, sizeof(f));
	if ((f.ctx = seccomp_init(SB_FAIL)) == NULL) {
		bwk_msg("BWK0603E", "sandbox: seccomp_init failed");
		return -1;
	}
	/* A foreign arch or an x32 number dies like any other violation;
	 * TSYNC puts any thread we could not see under the filter too. */
	if ((rc = seccomp_attr_set(f.ctx, SCMP_FLTATR_ACT_BADARCH, SB_FAIL)) !=
	    0 || (rc = seccomp_attr_set(f.ctx, SCMP_FLTATR_CTL_TSYNC, 1)) != 0) {
		f.rc = rc;
		f.what = "attributes";
	}
	if (sp->profile == SB_KEYD)
		keyd_rules(&f, sp->store_dir != NULL);
	else if (sp->profile == SB_NET)
		net_rules(&f, sp->net);
	else
		srvsession_rules(&f);
#ifdef BWK_SECCOMP_DEBUG
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = violation;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGSYS, &sa, NULL);
	}
#endif
	if (f.rc == 0 && (rc = seccomp_load(f.ctx)) != 0) {
		f.rc = rc;
		f.what = "seccomp_load";
	}
	seccomp_release(f.ctx);
	if (f.rc != 0) {
		bwk_msg("BWK0603E", "sandbox: seccomp filter (%s): %s", f.what,
		    strerror(-f.rc));
		return -1;
	}
	return 0;
}
