/*
 * Dropping root for the network process, as OpenSSH's privsep child does:
 * chroot to an empty root-owned directory, then switch to an unprivileged
 * user with its own gid and no supplementary groups, then prove the old
 * ids and capabilities cannot come back (permanently_set_uid).
 *
 * The directory is /var/empty/bulwark. It is made (0755 root) when
 * missing; every path component must be a root-owned directory that group
 * and others cannot write, or a local user could swap it. It is empty but
 * for dev/urandom when this wolfSSL seeds from that device (see
 * SB_NEEDS_URANDOM): wolfCrypt opens it on every RNG init, so without it
 * the network process could not make a TLS connection after the switch.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* setresuid, setresgid */
#endif
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>

#include <linux/capability.h>
#include <linux/securebits.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../src/lib/msg.h"
#include "sandbox_int.h"

#define SB_CHROOT	"/var/empty/bulwark"

/* A root-owned directory nobody else can write; made if `make`. */
static int
safe_dir(const char *path, int make)
{
	struct stat st;

	if (lstat(path, &st) != 0 && errno == ENOENT && make) {
		if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			bwk_msg("BWK0622E", "sandbox: cannot make %s: %s", path,
			    strerror(errno));
			return -1;
		}
		/* umask may have cleared bits; the owner is root already */
		(void)chmod(path, 0755);
	}
	if (lstat(path, &st) != 0) {
		bwk_msg("BWK0622E", "sandbox: %s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		bwk_msg("BWK0622E", "sandbox: %s must be a directory owned by "
		    "root and not writable by group or others", path);
		return -1;
	}
	return 0;
}

/* Every component of SB_CHROOT, making the last two (/var/empty,
 * /var/empty/bulwark) when missing. */
static int
safe_path(void)
{
	return safe_dir("/", 0) != 0 || safe_dir("/var", 0) != 0 ||
	    safe_dir("/var/empty", 1) != 0 || safe_dir(SB_CHROOT, 1) != 0 ?
	    -1 : 0;
}

/* Only the entries we put there; anything else means someone else uses
 * the directory, and we would expose it. */
static int
only_entries(const char *dir, const char *allowed)
{
	struct dirent *de;
	DIR *d;
	int ok = 1;

	if ((d = opendir(dir)) == NULL) {
		bwk_msg("BWK0622E", "sandbox: %s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (allowed == NULL || strcmp(de->d_name, allowed) != 0)
			ok = 0;
	}
	closedir(d);
	if (!ok) {
		bwk_msg("BWK0622E", "sandbox: %s must be empty%s%s", dir,
		    allowed ? " but for " : "", allowed ? allowed : "");
		return -1;
	}
	return 0;
}

/* dev/urandom in the chroot: the real device (char 1:9), root's, 0444. */
static int
make_urandom(void)
{
	const char *dev = SB_CHROOT "/dev", *node = SB_CHROOT SB_URANDOM;
	struct stat st;

	if (safe_dir(dev, 1) != 0 || only_entries(SB_CHROOT, "dev") != 0 ||
	    only_entries(dev, "urandom") != 0)
		return -1;
	if (lstat(node, &st) != 0 && errno == ENOENT &&
	    mknod(node, S_IFCHR | 0444, makedev(1, 9)) != 0 &&
	    errno != EEXIST) {
		bwk_msg("BWK0626E", "sandbox: cannot make %s: %s", node,
		    strerror(errno));
		return -1;
	}
	(void)chmod(node, 0444);
	if (lstat(node, &st) != 0 || !S_ISCHR(st.st_mode) ||
	    st.st_rdev != makedev(1, 9) || st.st_uid != 0 ||
	    (st.st_mode & 0222) != 0) {
		bwk_msg("BWK0626E", "sandbox: %s must be the urandom device "
		    "(char 1:9) owned by root and read-only", node);
		return -1;
	}
	return 0;
}

static int
urandom_works(void)
{
	unsigned char b;
	int fd, ok;

	if ((fd = open(SB_URANDOM, O_RDONLY | O_CLOEXEC)) == -1) {
		bwk_msg("BWK0626E", "sandbox: %s inside %s: %s (a file system "
		    "mounted nodev?)", SB_URANDOM, SB_CHROOT, strerror(errno));
		return -1;
	}
	ok = read(fd, &b, 1) == 1;
	close(fd);
	if (!ok) {
		bwk_msg("BWK0626E", "sandbox: %s inside %s cannot be read",
		    SB_URANDOM, SB_CHROOT);
		return -1;
	}
	return 0;
}

static int
caps_left(void)
{
	struct __user_cap_header_struct h;
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	int i;

	memset(&h, 0, sizeof(h));
	memset(d, 0, sizeof(d));
	h.version = _LINUX_CAPABILITY_VERSION_3;
	if (syscall(SYS_capget, &h, d) != 0)
		return 1;
	for (i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		if (d[i].effective || d[i].permitted || d[i].inheritable)
			return 1;
	return 0;
}

/* The switch is for good: nothing of root may come back. */
static int
verify(uid_t uid, gid_t gid)
{
	gid_t groups[1];

	if (getuid() != uid || geteuid() != uid || getgid() != gid ||
	    getegid() != gid || getgroups(1, groups) != 0 ||
	    setuid(0) != -1 || seteuid(0) != -1 || setgid(0) != -1 ||
	    setegid(0) != -1 || caps_left()) {
		bwk_msg("BWK0625E", "sandbox: after switching to uid %u gid %u "
		    "root could be regained or capabilities are left; stopping",
		    (unsigned)uid, (unsigned)gid);
		return -1;
	}
	return 0;
}

/* For good: groups first (only root may change them), then the ids. */
static int
become(const char *user, uid_t uid, gid_t gid)
{
	if (setgroups(0, NULL) != 0 || setresgid(gid, gid, gid) != 0 ||
	    setresuid(uid, uid, uid) != 0) {
		bwk_msg("BWK0624E", "sandbox: switching to %s (uid %u gid %u): "
		    "%s", user, (unsigned)uid, (unsigned)gid, strerror(errno));
		return -1;
	}
	return verify(uid, gid);
}

int
sb_drop_to_user(const char *user)
{
	struct passwd *pw;
	uid_t uid;
	gid_t gid;

	if (geteuid() != 0)
		return 0;
	if (user == NULL)
		user = "nobody";
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		bwk_msg("BWK0620E", "sandbox: no user %s to switch to%s%s", user,
		    errno ? ": " : "", errno ? strerror(errno) : "");
		return -1;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (uid == 0 || gid == 0) {
		bwk_msg("BWK0621E", "sandbox: user %s has uid %u gid %u; an "
		    "unprivileged user is needed", user, (unsigned)uid,
		    (unsigned)gid);
		return -1;
	}
	/* /etc/localtime and /proc will not be visible from the chroot */
	tzset();
	sb_leak_check_now();
	if (safe_path() != 0)
		return -1;
	if (SB_NEEDS_URANDOM ? make_urandom() != 0 :
	    only_entries(SB_CHROOT, NULL) != 0)
		return -1;
	if (chroot(SB_CHROOT) != 0 || chdir("/") != 0) {
		bwk_msg("BWK0623E", "sandbox: chroot %s: %s", SB_CHROOT,
		    strerror(errno));
		return -1;
	}
	if (become(user, uid, gid) != 0)
		return -1;
	return SB_NEEDS_URANDOM ? urandom_works() : 0;
}

/*
 * uid 0 kept (root owns the instance), without a single capability: the
 * securebits first, while CAP_SETPCAP is held, so that uid 0 regains
 * nothing at an exec or a setuid and the bits cannot be unset; then the
 * bounding and ambient sets, the supplementary groups, and last the
 * effective, permitted and inheritable sets.
 */
static int
shed_capabilities(void)
{
	const unsigned long bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
	    SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
	    SECBIT_KEEP_CAPS_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE |
	    SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;
	struct __user_cap_header_struct h;
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	const char *step = "securebits";
	int c;

	if (prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) != 0)
		goto fail;
	step = "bounding set";
	for (c = 0; prctl(PR_CAPBSET_READ, c, 0, 0, 0) >= 0; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0)
			goto fail;
	step = "ambient set";
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0)
		goto fail;
	step = "setgroups";
	if (setgroups(0, NULL) != 0)
		goto fail;
	step = "capset";
	memset(&h, 0, sizeof(h));
	memset(d, 0, sizeof(d));
	h.version = _LINUX_CAPABILITY_VERSION_3;
	if (syscall(SYS_capset, &h, d) != 0)
		goto fail;
	if (caps_left() || prctl(PR_CAPBSET_READ, 0, 0, 0, 0) != 0 ||
	    prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) != (int)bits ||
	    setgroups(0, NULL) != -1 || setuid(1) != -1) {
		bwk_msg("BWK0634E", "sandbox: capabilities are left after "
		    "dropping them; stopping");
		return -1;
	}
	return 0;
fail:
	bwk_msg("BWK0634E", "sandbox: dropping root's capabilities (%s): %s",
	    step, strerror(errno));
	return -1;
}

int
sb_drop_to_owner(const char *dir)
{
	struct passwd *pw;
	struct stat st;
	const char *name;
	gid_t gid;
	int err;

	if (geteuid() != 0)
		return 0;
	err = stat(dir, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
	if (err != 0) {
		bwk_msg("BWK0632E", "sandbox: the instance directory %s: %s",
		    dir, strerror(err));
		return -1;
	}
	sb_leak_check_now();
	if (st.st_uid == 0) {
		bwk_msg("BWK0633W", "sandbox: root owns the instance %s, so the "
		    "session process keeps uid 0, without any capability; give "
		    "the instance to a user of its own (chown -R)", dir);
		return shed_capabilities();
	}
	/* the owner's own group, as login would give it; the directory's
	 * when the uid has no entry (a container's, say) */
	pw = getpwuid(st.st_uid);
	gid = pw != NULL ? pw->pw_gid : st.st_gid;
	name = pw != NULL ? pw->pw_name : "the instance's owner";
	if (gid == 0) {
		bwk_msg("BWK0621E", "sandbox: user %s has uid %u gid %u; an "
		    "unprivileged user is needed", name, (unsigned)st.st_uid,
		    (unsigned)gid);
		return -1;
	}
	return become(name, st.st_uid, gid);
}
