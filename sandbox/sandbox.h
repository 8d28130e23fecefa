/*
 * The sandbox layer: confines the key helper (bulwark-keyd), the network
 * process and bulwarkd's session process with rlimits, no_new_privs,
 * Landlock and a seccomp allow-list, in that order (seccomp last, because
 * it forbids the Landlock syscalls).
 *
 * Policy: a protection the profile needs and the kernel lacks is REFUSED
 * (the apply call returns -1 with an E message saying what is missing and
 * how to get it) unless the caller passes insecure=1, which the user asks
 * for with --insecure-weak-sandbox. Then a W message names what is missing
 * and the process goes on with what exists.
 *
 * Threads: Landlock (before ABI 8) confines only the calling thread, so call
 * sb_apply_*() before any thread exists; it refuses when it can see more.
 *
 * Message IDs (BWK0600-BWK0699; 05xx belongs to bulwark-keyd, see
 * docs/messages.md), meaning and fix:
 *
 * BWK0601E seccomp filters cannot be installed (kernel without
 *          CONFIG_SECCOMP_FILTER or older than 4.14, no KILL_PROCESS).
 *          Fix: a kernel with seccomp filters, or --insecure-weak-sandbox.
 * BWK0602W seccomp is missing and --insecure-weak-sandbox was given: the
 *          process runs without a system-call filter. Fix: as BWK0601E.
 * BWK0603E building or loading the seccomp filter failed (libseccomp error,
 *          named rule). A bug or a libseccomp too old for this kernel.
 *          Fix: report it with the text; libseccomp >= 2.5 is expected.
 * BWK0604E Landlock is not built into this kernel (ENOSYS).
 *          Fix: a kernel with CONFIG_SECURITY_LANDLOCK=y (5.13 or later).
 * BWK0605E Landlock is built in but disabled at boot (EOPNOTSUPP).
 *          Fix: boot with lsm=landlock,... (add landlock to the current
 *          list in /sys/kernel/security/lsm).
 * BWK0606E Landlock ABI below 4: no TCP port rules, so the network process
 *          could connect anywhere. Fix: Linux 6.7 or later.
 * BWK0607W a Landlock protection is missing and --insecure-weak-sandbox was
 *          given (the text says which: all of Landlock, or TCP port rules).
 *          Fix: as BWK0604E-BWK0606E.
 * BWK0608W Landlock ABI below 6: no signal or abstract-socket scoping; the
 *          helper's PR_SET_DUMPABLE 0 still stops ptrace by the network
 *          process. Warning only. Fix: Linux 6.12 or later.
 * BWK0609E a Landlock system call failed (create_ruleset, add_rule or
 *          restrict_self) with the errno shown. Fix: report it; E2BIG means
 *          16 Landlock layers are already stacked.
 * BWK0610E a path the profile must allow cannot be opened (name, errno).
 *          Fix: correct the path; under a chroot the path is inside it.
 * BWK0611E a path has the wrong type: a read path that is not a regular
 *          file (directories are not allowed), a key store that is not a
 *          directory, a /dev/urandom that is not a character device.
 *          Fix: name the CA bundle file itself / the right path.
 * BWK0612E the network policy is invalid (more than 8 ports or paths, or
 *          port 0). Fix: the caller's configuration.
 * BWK0613E prctl(PR_SET_NO_NEW_PRIVS) or PR_SET_DUMPABLE failed (errno).
 *          Never expected on Linux 3.5 or later; report it.
 * BWK0614E setrlimit failed (which limit, errno). Only lowering is done,
 *          so this is not expected; report it.
 * BWK0615E the process has more than one thread; Landlock would confine
 *          only the calling one. Fix: sandbox before starting threads.
 *
 * BWK0620E the user to switch to does not exist. Fix: create it or name
 *          another (default "nobody").
 * BWK0621E the user to switch to has uid 0 or gid 0. Fix: name an
 *          unprivileged user.
 * BWK0622E the chroot directory is unsafe or cannot be made (each component
 *          must be a directory owned by root, not writable by group or
 *          others, and it must be empty but for dev/urandom).
 *          Fix: mkdir -m 0755 /var/empty/bulwark as root, empty it.
 * BWK0623E chroot or chdir into it failed (errno).
 * BWK0624E setgroups, setresgid or setresuid failed (errno).
 * BWK0625E after the switch, root could be regained or capabilities were
 *          left. Never expected; the process stops.
 * BWK0626E the random device inside the chroot (dev/urandom, needed by
 *          wolfCrypt seeding) cannot be made or read: the file system may
 *          be mounted nodev. Fix: a chroot directory on a file system that
 *          allows device nodes, or wolfSSL built with WOLFSSL_GETRANDOM.
 *
 * The session process (sb_apply_srvsession, sb_drop_to_owner):
 * BWK0627E the session policy is invalid (no policy, a directory without a
 *          name or by a relative path). Fix: the caller's.
 * BWK0628E the catalog or data directory cannot be examined, is a symbolic
 *          link or not a directory, is not the session user's, or group or
 *          others may write it. Fix: the instance's own directories, owned
 *          by the server's user, 0700.
 * BWK0629E the catalog directory holds something other than regular files
 *          with one link: its rule would reach that too (a subdirectory
 *          such as kdb/, a hard link to a file elsewhere). Fix: keep only
 *          catalog.db and its -wal, -shm and -journal files in it.
 * BWK0630E Landlock ABI below 4: Landlock cannot forbid TCP connect and
 *          bind. Fix: Linux 6.7 or later.
 * BWK0631E uid 0 without Landlock: a process that keeps uid 0 (no
 *          capabilities) could write root's files; refused even with
 *          --insecure-weak-sandbox. Fix: a kernel with Landlock, or an
 *          instance owned by the server's user.
 * BWK0632E the instance directory cannot be examined or is not a
 *          directory. Fix: the path bulwarkd was given.
 * BWK0633W the instance is root's: the session keeps uid 0 without any
 *          capability. Fix: chown the instance to a server user.
 * BWK0634E shedding root's capabilities failed, or some are left.
 *          Never expected; report it.
 *
 * sb_report() lines (to its FILE, for `bulwark sandbox-check`):
 * BWK0640I a protection is available; the line says which and how much.
 * BWK0641W a protection is missing or partial; the line says the fix.
 * BWK0642I summary: everything the profiles need is available.
 * BWK0643E summary: something is missing; the profiles will refuse to
 *          start without --insecure-weak-sandbox.
 */
#ifndef BWK_SANDBOX_H
#define BWK_SANDBOX_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SB_MAX_PORTS	8
#define SB_MAX_PATHS	8

struct sb_net_policy {
	uint16_t	 ports[SB_MAX_PORTS];	/* TCP ports connect() may reach */
	size_t		 nports;
	const char	*read_paths[SB_MAX_PATHS]; /* files it may read (CA) */
	size_t		 nread;
	/* the file side's channel: descriptors may be received on it */
	int		 has_chan, chan_fd;
};

struct sb_status {		/* what this kernel offers, for sandbox-check */
	int	seccomp;		/* 1 if seccomp filters can be installed */
	int	landlock_abi;		/* 0 none, else ABI version */
	int	landlock_errno;		/* ENOSYS / EOPNOTSUPP when abi 0 */
	int	can_switch_user;	/* running as root */
};

/* bulwarkd's session process: where its files are (absolute paths). */
struct sb_srvsession_policy {
	const char	*catalog_dir;	/* DIR/catalog: the SQLite catalog */
	const char	*data_dir;	/* DIR/data: the objects' contents */
};

/*
 * The file side of a backup or restore (bulwark's parent, which reads
 * and writes the user's files and forked the network process): no core
 * files, no_new_privs, and a seccomp deny-list: no socket, connect, bind,
 * listen or accept, no io_uring, exec, ptrace, BPF, mounts or keyrings
 * (EPERM). It keeps its user's access to files. 0, or -1 with a message.
 */
int	sb_apply_files(int insecure);

/* Fills *st; returns 0. Never prints. */
int	sb_probe(struct sb_status *);

/*
 * Key helper profile: the process may read and write its open fds, use
 * memory, clocks and the RNG, open /dev/urandom read-only (wolfCrypt
 * seeding) and nothing else. RLIMIT_FSIZE 0 (unless stderr is a regular
 * file: audit lines must not raise SIGXFSZ).
 *
 * store_dir NULL: exactly that (always so for the setgid helper).
 * store_dir set (trust on first use, the user's own database): the helper
 * may also lock, read, create, replace and fsync files directly in that
 * one directory (Landlock rights beneath it; seccomp adds the few file
 * calls the store needs, still no O_TRUNC/O_APPEND/O_PATH/O_TMPFILE), and
 * RLIMIT_FSIZE is left alone. 0, or -1 with a message.
 */
int	sb_apply_keyd(const char *store_dir, int insecure);

/*
 * Network process profile: the keyd set plus TCP sockets (AF_INET/AF_INET6
 * stream, protocol TCP) that may connect() only to the policy's ports, and
 * read-only opens of /dev/urandom and the policy's files. Also sets
 * PR_SET_DUMPABLE 0 (session keys live here). 0, or -1 with a message.
 */
int	sb_apply_net(const struct sb_net_policy *, int insecure);

/*
 * bulwarkd's session process: TLS on the socket it was given (no new
 * socket, no connect, no bind), reaping its key helper, and the server's
 * files: SQLite's catalog (WAL mode: read, write, lock, truncate, create
 * and remove regular files directly in catalog_dir, which must hold
 * nothing else) and the objects' contents (files and directories beneath
 * data_dir, renamed within it; no truncate). Both directories must be the
 * process's own and not group- or world-writable. Also read-only
 * /dev/urandom (SQLite seeds from it), no file growth limit, not dumpable.
 * Unlike the other profiles it may stat paths (SQLite must; see
 * sandbox_seccomp.c). 0, or -1 with a message.
 */
int	sb_apply_srvsession(const struct sb_srvsession_policy *, int insecure);

/*
 * Root only, for the session process: become the owner of `dir` (the
 * instance), with its primary group (the directory's group when the uid
 * has no passwd entry) and no supplementary groups, without
 * a chroot (the instance must stay reachable; Landlock confines the
 * files), and check that root cannot be regained. When root owns `dir`,
 * keep uid 0 but shed every capability for good (bounding, ambient,
 * securebits locked), with a warning. Call before starting the key helper
 * and before sb_apply_srvsession. Not root: returns 0 and does nothing.
 * 0, or -1 with a message.
 */
int	sb_drop_to_owner(const char *dir);

/*
 * Root only: switch to `user` (NULL means "nobody") with its gid and no
 * supplementary groups, after chroot to /var/empty/bulwark (made 0755 root
 * if missing; every path component must be root-owned and not group- or
 * world-writable) and chdir("/"). When this wolfSSL seeds from /dev/urandom
 * (not built with WOLFSSL_GETRANDOM) the directory holds one entry,
 * dev/urandom (char 1:9, 0444), made if missing and checked after the
 * switch. Checks that setuid(0)/setgid(0) fail and no capability is left.
 * Call before sb_apply_net; open fds survive, but paths given to
 * sb_apply_net are then looked up inside the chroot, so load the CA bundle
 * before switching. Not root: returns 0 and does nothing.
 * 0, or -1 with a message.
 */
int	sb_drop_to_user(const char *user);


/*
 * One line per protection (seccomp, Landlock ABI and the rights in force
 * for each profile, TCP port rules, scopes, user switch) to f. Returns 0
 * only when everything the profiles need is available.
 */
int	sb_report(FILE *f);

/* Helper-side hardening before sandboxing: PR_SET_DUMPABLE 0, RLIMIT_CORE
 * 0. 0, or -1 with a message. */
int	sb_harden_process(void);

#endif
