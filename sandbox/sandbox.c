/*
 * Applying a profile: decide what the kernel allows (refuse or, with
 * --insecure-weak-sandbox, degrade), then, in this order and each step
 * fatal on error: rlimits, no_new_privs, Landlock, seccomp. seccomp comes
 * last because its allow-list has no Landlock or prctl calls.
 *
 * All the refusals happen before anything changes, so a caller that gets
 * -1 for a missing protection still has an untouched process.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../src/lib/msg.h"
#include "sandbox_int.h"

#ifdef SB_SANITIZER
#include <sanitizer/lsan_interface.h>
#endif

/* What is missing, decided before anything is applied. */
struct plan {
	int	seccomp;	/* install the filter */
	int	abi;		/* Landlock ABI to use, 0 = none */
};

static const char *
profile_name(enum sb_profile p)
{
	return p == SB_KEYD ? "the key helper" : p == SB_NET ?
	    "the network process" : "the session process";
}

static int
limit(int resource, const char *name)
{
	struct rlimit rl = { 0, 0 };

	if (setrlimit(resource, &rl) != 0) {
		bwk_msg("BWK0614E", "sandbox: setrlimit(%s, 0): %s", name,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Landlock before ABI 8 confines the calling thread only. A second thread
 * would run unconfined, so refuse. Without /proc (a chroot) this cannot be
 * seen; the seccomp filter is installed with TSYNC either way.
 */
static int
single_threaded(void)
{
	char line[128];
	FILE *f;
	long n = 1;

	if ((f = fopen("/proc/self/status", "re")) == NULL)
		return 1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "Threads:", 8) == 0)
			n = strtol(line + 8, NULL, 10);
	fclose(f);
	if (n != 1) {
		bwk_msg("BWK0615E", "sandbox: the process has %ld threads; it "
		    "must be sandboxed before it starts any", n);
		return 0;
	}
	return 1;
}

static int
check_policy(const struct sb_net_policy *pol)
{
	size_t i;

	if (pol == NULL || pol->nports > SB_MAX_PORTS ||
	    pol->nread > SB_MAX_PATHS) {
		bwk_msg("BWK0612E", "sandbox: invalid network policy (at most "
		    "%d ports and %d files)", SB_MAX_PORTS, SB_MAX_PATHS);
		return -1;
	}
	for (i = 0; i < pol->nports; i++)
		if (pol->ports[i] == 0) {
			bwk_msg("BWK0612E", "sandbox: invalid network policy: "
			    "port 0");
			return -1;
		}
	for (i = 0; i < pol->nread; i++)
		if (pol->read_paths[i] == NULL) {
			bwk_msg("BWK0612E", "sandbox: invalid network policy: "
			    "file %zu has no name", i);
			return -1;
		}
	return 0;
}

static void
landlock_missing(int err, int insecure, enum sb_profile p)
{
	if (insecure) {
		/*
		 * Name what that means: for the network process the user's
		 * own key database and stash, the secrets the helper exists
		 * to keep from it (as root it is still in its chroot); for
		 * the session process the server's, in the instance beside
		 * the catalog, and the instance's other files.
		 */
		bwk_msg("BWK0607W", "sandbox: Landlock is missing (%s) and "
		    "--insecure-weak-sandbox was given: %s may read every file "
		    "its user can%s", err == EOPNOTSUPP ? "disabled at boot" :
		    "not in this kernel", profile_name(p),
		    p == SB_NET ? ", the key database bulwark.kdb and its stash "
		    "bulwark.sth included (unless it runs as root, when its "
		    "chroot still hides them), and connect to any TCP port" :
		    p == SB_SRVSESSION ? ", and write those it may, the "
		    "server's key database and stash in the instance's kdb/ and "
		    "its bulwarkd.opt included" : "");
	} else if (err == EOPNOTSUPP) {
		bwk_msg("BWK0605E", "sandbox: Landlock is disabled at boot "
		    "(EOPNOTSUPP): boot with lsm=landlock,... (Landlock added "
		    "to the list in /sys/kernel/security/lsm); refusing to run "
		    "%s without it (--insecure-weak-sandbox overrides)",
		    profile_name(p));
	} else {
		bwk_msg("BWK0604E", "sandbox: Landlock is not available (%s): "
		    "a kernel 5.13 or later built with "
		    "CONFIG_SECURITY_LANDLOCK=y is needed; refusing to run %s "
		    "without it (--insecure-weak-sandbox overrides)",
		    strerror(err ? err : ENOSYS), profile_name(p));
	}
}

/* Decides; prints every missing piece; -1 if one is refused. */
static int
plan(enum sb_profile p, int insecure, struct plan *pl)
{
	int refused = 0, err;

	pl->seccomp = sb_seccomp_available();
	pl->abi = sb_ll_abi(&err);
	if (!pl->seccomp) {
		if (insecure)
			bwk_msg("BWK0602W", "sandbox: seccomp filters are not "
			    "available and --insecure-weak-sandbox was given: "
			    "%s runs with no system-call filter",
			    profile_name(p));
		else {
			bwk_msg("BWK0601E", "sandbox: seccomp filters are not "
			    "available (a kernel 4.14 or later with "
			    "CONFIG_SECCOMP_FILTER is needed); refusing to run "
			    "%s unconfined (--insecure-weak-sandbox overrides)",
			    profile_name(p));
			refused = 1;
		}
	}
	if (pl->abi < SB_LL_ABI_KEYD_MIN) {
		landlock_missing(err, insecure, p);
		refused |= !insecure;
		/* A session that kept uid 0 (a root-owned instance, no
		 * capabilities) could write root's files everywhere: Landlock
		 * is what stops that, so the flag does not override. */
		if (p == SB_SRVSESSION && geteuid() == 0) {
			bwk_msg("BWK0631E", "sandbox: the session process runs "
			    "as uid 0 (a root-owned instance) and Landlock is "
			    "missing: it could write every file root owns; "
			    "refusing even with --insecure-weak-sandbox (give "
			    "the instance to the server's user)");
			refused = 1;
		}
		return refused ? -1 : 0;
	}
	if (p == SB_SRVSESSION && pl->abi < SB_LL_ABI_SRV_MIN) {
		if (insecure)
			bwk_msg("BWK0607W", "sandbox: Landlock ABI %d cannot "
			    "forbid TCP connect and bind and "
			    "--insecure-weak-sandbox was given: only seccomp keeps "
			    "the session process from opening connections",
			    pl->abi);
		else {
			bwk_msg("BWK0630E", "sandbox: Landlock ABI %d cannot "
			    "forbid TCP connect and bind in the session process: "
			    "kernel 6.7 or later (ABI 4) is needed "
			    "(--insecure-weak-sandbox overrides)", pl->abi);
			refused = 1;
		}
	}
	if (p == SB_NET && pl->abi < SB_LL_ABI_NET_MIN) {
		if (insecure)
			bwk_msg("BWK0607W", "sandbox: Landlock ABI %d has no TCP "
			    "port rules and --insecure-weak-sandbox was given: "
			    "the network process may connect to any TCP port",
			    pl->abi);
		else {
			bwk_msg("BWK0606E", "sandbox: Landlock ABI %d has no TCP "
			    "port rules, so the network process could connect to "
			    "any port: kernel 6.7 or later (ABI 4) is needed "
			    "(--insecure-weak-sandbox overrides)", pl->abi);
			refused = 1;
		}
	}
	if (!refused && pl->abi < SB_LL_ABI_SCOPES)
		bwk_msg("BWK0608W", "sandbox: Landlock ABI %d has no scopes "
		    "(ABI 6, Linux 6.12): %s may signal other processes of its "
		    "user and reach abstract UNIX sockets; the helper's "
		    "PR_SET_DUMPABLE 0 still stops ptrace", pl->abi,
		    profile_name(p));
	return refused ? -1 : 0;
}

void
sb_leak_check_now(void)
{
#ifdef SB_SANITIZER
	/* LeakSanitizer's exit-time check clones a tracer that ptraces us
	 * and reads /proc: the filter kills that, a chroot hides /proc. Check
	 * now (a no-op unless detect_leaks is on); this also turns the exit
	 * check off, so leaks made later go unreported in sanitizer builds.
	 * Only the first call checks. */
	__lsan_do_leak_check();
#endif
}

/* Loads what later calls would read from files Landlock then refuses. */
static void
warm_up(void)
{
	/* glibc reads /etc/localtime once, at the first time conversion
	 * (wolfSSL's certificate date checks); do it while we can. */
	tzset();
	/*
	 * stdio decides at a stream's first output, with fstat(), whether a
	 * terminal gets line buffering; glibc's fstat() fails inside (no
	 * stat of a path), so decide now for a stdout not yet used.
	 */
	if (__fbufsize(stdout) == 0 && isatty(STDOUT_FILENO))
		(void)setvbuf(stdout, NULL, _IOLBF, BUFSIZ);
}

static int
apply(const struct sb_spec *sp, int insecure)
{
	enum sb_profile p = sp->profile;
	struct plan pl;
	struct stat st;

	if (!single_threaded())
		return -1;
	if (plan(p, insecure, &pl) != 0)
		return -1;
	warm_up();
	sb_leak_check_now();

	/* rlimits: no core files (keys, session secrets), no new processes
	 * (not binding for root, hence seccomp), no file growth for the
	 * helper. FSIZE stays when stderr is a regular file (an audit line
	 * to `2>>log` would raise SIGXFSZ and kill the helper) and when the
	 * helper rewrites its store. */
	if (limit(RLIMIT_CORE, "RLIMIT_CORE") != 0 ||
	    limit(RLIMIT_NPROC, "RLIMIT_NPROC") != 0)
		return -1;
	if (p == SB_KEYD && sp->store_dir == NULL &&
	    !(fstat(STDERR_FILENO, &st) == 0 && S_ISREG(st.st_mode)) &&
	    limit(RLIMIT_FSIZE, "RLIMIT_FSIZE") != 0)
		return -1;

	/* The network and session processes hold the session keys: no
	 * ptrace by their own user, no /proc/pid/mem. */
	if (p != SB_KEYD && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		bwk_msg("BWK0613E", "sandbox: prctl(PR_SET_DUMPABLE): %s",
		    strerror(errno));
		return -1;
	}
	/* Needed by Landlock and seccomp without CAP_SYS_ADMIN; also stops
	 * setuid/setgid/file-capability gains on any exec (none allowed). */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		bwk_msg("BWK0613E", "sandbox: prctl(PR_SET_NO_NEW_PRIVS): %s",
		    strerror(errno));
		return -1;
	}
	if (pl.abi > 0 && sb_ll_apply(sp, pl.abi) != 0)
		return -1;
	if (pl.seccomp && sb_seccomp_apply(sp) != 0)
		return -1;
	return 0;
}

int
sb_apply_keyd(const char *store_dir, int insecure)
{
	static const struct sb_net_policy none;
	struct sb_spec sp = { SB_KEYD, store_dir, &none, NULL };

	return apply(&sp, insecure);
}

int
sb_apply_net(const struct sb_net_policy *pol, int insecure)
{
	struct sb_spec sp = { SB_NET, NULL, pol, NULL };

	if (check_policy(pol) != 0)
		return -1;
	return apply(&sp, insecure);
}

/*
 * A directory of the session process's: its own, so that what it makes
 * there is the server's, and nobody else's to change. No symbolic link:
 * SQLite resolves links itself (lstat, readlink), which the filter
 * refuses.
 */
static int
own_dir(const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0) {
		bwk_msg("BWK0628E", "sandbox: %s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		bwk_msg("BWK0628E", "sandbox: %s must be a directory (not a "
		    "symbolic link) owned by uid %u, the session's user, and "
		    "not writable by group or others", path,
		    (unsigned)geteuid());
		return -1;
	}
	return 0;
}

/*
 * The catalog's rule reaches everything beneath its directory, so the
 * directory must hold only SQLite's files: a subdirectory (the instance's
 * kdb/, had the instance itself been named) or a hard link to a file
 * elsewhere would be opened through the rule. A file that goes away while
 * we look (another session's -journal) is no concern.
 */
static int
only_plain_files(const char *dir)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int rc = 0;

	if ((d = opendir(dir)) == NULL) {
		bwk_msg("BWK0628E", "sandbox: %s: %s", dir, strerror(errno));
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
			bwk_msg("BWK0629E", "sandbox: the catalog directory %s "
			    "holds %s, which is not a regular file with one "
			    "link; it must hold nothing but the catalog's files",
			    dir, de->d_name);
			rc = -1;
		}
	}
	closedir(d);
	return rc;
}

static int
check_srv_policy(const struct sb_srvsession_policy *pol)
{
	if (pol == NULL || pol->catalog_dir == NULL || pol->data_dir == NULL ||
	    pol->catalog_dir[0] != '/' || pol->data_dir[0] != '/') {
		bwk_msg("BWK0627E", "sandbox: invalid session policy (the "
		    "catalog and data directories must be named, by absolute "
		    "paths)");
		return -1;
	}
	if (own_dir(pol->catalog_dir) != 0 || own_dir(pol->data_dir) != 0)
		return -1;
	return only_plain_files(pol->catalog_dir);
}

int
sb_apply_srvsession(const struct sb_srvsession_policy *pol, int insecure)
{
	static const struct sb_net_policy none;	/* no port, no CA file */
	struct sb_spec sp = { SB_SRVSESSION, NULL, &none, pol };

	if (check_srv_policy(pol) != 0)
		return -1;
	return apply(&sp, insecure);
}

int
sb_apply_files(int insecure)
{
	if (!sb_seccomp_available()) {
		if (!insecure) {
			bwk_msg("BWK0601E", "sandbox: seccomp filters are not "
			    "available (a kernel 4.14 or later with "
			    "CONFIG_SECCOMP_FILTER is needed); refusing to run "
			    "%s unconfined (--insecure-weak-sandbox overrides)",
			    "the file side");
			return -1;
		}
		bwk_msg("BWK0602W", "sandbox: seccomp filters are not "
		    "available and --insecure-weak-sandbox was given: %s runs "
		    "with no system-call filter", "the file side");
		return 0;
	}
	if (limit(RLIMIT_CORE, "RLIMIT_CORE") != 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		bwk_msg("BWK0613E", "sandbox: prctl(PR_SET_NO_NEW_PRIVS): %s",
		    strerror(errno));
		return -1;
	}
	return sb_seccomp_apply_files();
}

int
sb_harden_process(void)
{
	/* Not dumpable: no ptrace or /proc/pid/mem by the same user (the
	 * network process), no core file with the keys. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		bwk_msg("BWK0613E", "sandbox: prctl(PR_SET_DUMPABLE): %s",
		    strerror(errno));
		return -1;
	}
	return limit(RLIMIT_CORE, "RLIMIT_CORE");
}
