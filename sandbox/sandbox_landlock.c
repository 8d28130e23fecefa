/*
 * Landlock rulesets for the profiles, after the kernel's
 * samples/landlock/sandboxer.c: probe the ABI, handle every right this
 * code and that ABI know (unknown bits give EINVAL), add the few rules the
 * profile needs, enforce. Raw syscalls: glibc has no wrappers.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* O_PATH */
#endif
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/lib/msg.h"
#include "landlock_compat.h"
#include "sandbox_int.h"

/* Each right with the first ABI that has it, and its name for reports. */
struct ll_right {
	uint64_t	 bit;
	int		 abi;
	const char	*name;
};

static const struct ll_right ll_fs[] = {
	{ BWK_LL_FS_EXECUTE,	 1, "execute" },
	{ BWK_LL_FS_WRITE_FILE,	 1, "write_file" },
	{ BWK_LL_FS_READ_FILE,	 1, "read_file" },
	{ BWK_LL_FS_READ_DIR,	 1, "read_dir" },
	{ BWK_LL_FS_REMOVE_DIR,	 1, "remove_dir" },
	{ BWK_LL_FS_REMOVE_FILE, 1, "remove_file" },
	{ BWK_LL_FS_MAKE_CHAR,	 1, "make_char" },
	{ BWK_LL_FS_MAKE_DIR,	 1, "make_dir" },
	{ BWK_LL_FS_MAKE_REG,	 1, "make_reg" },
	{ BWK_LL_FS_MAKE_SOCK,	 1, "make_sock" },
	{ BWK_LL_FS_MAKE_FIFO,	 1, "make_fifo" },
	{ BWK_LL_FS_MAKE_BLOCK,	 1, "make_block" },
	{ BWK_LL_FS_MAKE_SYM,	 1, "make_sym" },
	{ BWK_LL_FS_REFER,	 2, "refer" },
	{ BWK_LL_FS_TRUNCATE,	 3, "truncate" },
	{ BWK_LL_FS_IOCTL_DEV,	 5, "ioctl_dev" },
	{ 0, 0, NULL }
};

static const struct ll_right ll_net[] = {
	{ BWK_LL_NET_BIND_TCP,	 4, "bind_tcp" },
	{ BWK_LL_NET_CONNECT_TCP, 4, "connect_tcp" },
	{ 0, 0, NULL }
};

static const struct ll_right ll_scope[] = {
	{ BWK_LL_SCOPE_ABSTRACT_UNIX_SOCKET, 6, "abstract_unix_socket" },
	{ BWK_LL_SCOPE_SIGNAL,	 6, "signal" },
	{ 0, 0, NULL }
};

static const struct ll_right *const ll_kinds[] = { ll_fs, ll_net, ll_scope };

static uint64_t
rights(const struct ll_right *r, int abi)
{
	uint64_t bits = 0;

	for (; r->name != NULL; r++)
		if (abi >= r->abi)
			bits |= r->bit;
	return bits;
}

uint64_t
sb_ll_fs_rights(int abi)
{
	return rights(ll_fs, abi);
}

uint64_t
sb_ll_net_rights(int abi)
{
	return rights(ll_net, abi);
}

uint64_t
sb_ll_scopes(int abi)
{
	return rights(ll_scope, abi);
}

void
sb_ll_names(int kind, uint64_t bits, char *buf, size_t len)
{
	const struct ll_right *r = ll_kinds[kind];
	size_t n = 0;

	buf[0] = '\0';
	for (; r->name != NULL && n < len; r++)
		if (bits & r->bit)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
			    n ? "," : "", r->name);
	if (buf[0] == '\0')
		snprintf(buf, len, "none");
}

static long
ll_create_ruleset(const struct bwk_ll_ruleset_attr *attr, size_t size,
    uint32_t flags)
{
	return syscall(BWK_NR_landlock_create_ruleset, attr, size, flags);
}

static long
ll_add_rule(int fd, int type, const void *attr)
{
	return syscall(BWK_NR_landlock_add_rule, fd, type, attr, 0U);
}

static long
ll_restrict_self(int fd)
{
	return syscall(BWK_NR_landlock_restrict_self, fd, 0U);
}

int
sb_ll_abi(int *err)
{
	long abi;

	*err = 0;
	abi = ll_create_ruleset(NULL, 0, BWK_LL_CREATE_RULESET_VERSION);
	if (abi < 0) {
		*err = errno;
		abi = 0;
	}
#ifdef BULWARK_TESTING
	{
		/* Simulates an older kernel: the ABI is capped, and the rights
		 * masked to it, so the refusal and degrade paths run for real. */
		const char *cap = getenv("BULWARK_TEST_LANDLOCK_ABI");

		if (cap != NULL && *cap != '\0') {
			long c = strtol(cap, NULL, 10);

			if (c <= 0) {
				abi = 0;
				*err = EOPNOTSUPP;
			} else if (c < abi)
				abi = c;
		}
	}
#endif
	return (int)abi;
}

/*
 * A rule on one path, opened with O_PATH (no read permission check, and
 * symlinks followed, so the rule names the inode used later). `type` is
 * the file type the profile expects there; a read path that is a
 * directory is refused, as a directory rule grants everything beneath it.
 */
static int
add_path_rule(int rfd, const char *path, mode_t type, uint64_t allowed)
{
	struct bwk_ll_path_beneath_attr pb;
	struct stat st;
	int fd;

	if ((fd = open(path, O_PATH | O_CLOEXEC)) == -1) {
		bwk_msg("BWK0610E", "sandbox: cannot open %s for a Landlock "
		    "rule: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || (st.st_mode & S_IFMT) != type) {
		bwk_msg("BWK0611E", "sandbox: %s is not a %s", path,
		    type == S_IFCHR ? "character device" : type == S_IFDIR ?
		    "directory" : "regular file (only files may be read "
		    "inside the sandbox)");
		close(fd);
		return -1;
	}
	if (type != S_IFDIR)
		allowed &= BWK_LL_FS_FILE_RIGHTS;
	memset(&pb, 0, sizeof(pb));
	pb.allowed_access = allowed;
	pb.parent_fd = fd;
	if (ll_add_rule(rfd, BWK_LL_RULE_PATH_BENEATH, &pb) != 0) {
		bwk_msg("BWK0609E", "sandbox: landlock_add_rule(%s): %s", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int
add_port_rule(int rfd, uint16_t port)
{
	struct bwk_ll_net_port_attr np;

	memset(&np, 0, sizeof(np));
	np.allowed_access = BWK_LL_NET_CONNECT_TCP;
	np.port = port;
	if (ll_add_rule(rfd, BWK_LL_RULE_NET_PORT, &np) != 0) {
		bwk_msg("BWK0609E", "sandbox: landlock_add_rule(tcp port %u): "
		    "%s", port, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The session process: SQLite's catalog and the objects' contents, each
 * in its own directory, because a rule reaches everything beneath its
 * directory and the instance directory holds the server's key database.
 * The catalog gets what WAL mode needs: its files opened read-write and
 * truncated (checkpoints), -wal, -shm and -journal made and removed, and
 * the directory opened for fsync; no subdirectory, link or device. The
 * contents get files and directories made, removed and renamed within
 * (REFER: a temporary file renamed into another directory beneath), and
 * no truncate. /dev/urandom: SQLite seeds its generator from it. TCP
 * connect and bind are handled and no port is granted.
 */
static int
add_srv_rules(int rfd, const struct sb_srvsession_policy *pol, uint64_t fs)
{
	if (add_path_rule(rfd, SB_URANDOM, S_IFCHR, BWK_LL_FS_READ_FILE & fs) !=
	    0 || add_path_rule(rfd, pol->catalog_dir, S_IFDIR,
	    SB_LL_SRV_CATALOG & fs) != 0)
		return -1;
	return add_path_rule(rfd, pol->data_dir, S_IFDIR, SB_LL_SRV_DATA & fs);
}

/*
 * The rules of each profile: only what the process opens after it is
 * sandboxed (fds opened before stay usable: Landlock checks at open).
 * The key helper's store directory (a first-use pin, a sign-on's salt
 * and count) gets what the store's lock, read and write-temp-fsync-rename
 * cycle needs, directly in it: no execute, no truncate, no links, devices,
 * fifos or directories.
 */
static int
add_rules(int rfd, const struct sb_spec *sp, int abi, uint64_t fs)
{
	const uint64_t store = BWK_LL_FS_READ_FILE | BWK_LL_FS_WRITE_FILE |
	    BWK_LL_FS_READ_DIR | BWK_LL_FS_MAKE_REG | BWK_LL_FS_REMOVE_FILE;
	const struct sb_net_policy *pol = sp->net;
	size_t i;

	if (sp->profile == SB_SRVSESSION)
		return add_srv_rules(rfd, sp->srv, fs);
	if (SB_NEEDS_URANDOM && add_path_rule(rfd, SB_URANDOM, S_IFCHR,
	    BWK_LL_FS_READ_FILE & fs) != 0)
		return -1;
	if (sp->profile == SB_KEYD)	/* BIND, CONNECT handled, no port */
		return sp->store_dir == NULL ? 0 :
		    add_path_rule(rfd, sp->store_dir, S_IFDIR, store & fs);
	for (i = 0; i < pol->nread; i++)
		if (add_path_rule(rfd, pol->read_paths[i], S_IFREG,
		    BWK_LL_FS_READ_FILE & fs) != 0)
			return -1;
	if (abi >= SB_LL_ABI_NET_MIN)
		for (i = 0; i < pol->nports; i++)
			if (add_port_rule(rfd, pol->ports[i]) != 0)
				return -1;
	return 0;
}

int
sb_ll_apply(const struct sb_spec *sp, int abi)
{
	struct bwk_ll_ruleset_attr ra;
	int rfd;

	/* Everything handled, nothing granted but the rules below: the
	 * processes never execute a file, and only the session process
	 * (beneath its two directories) and a helper with a store (in
	 * it) create, remove or write any. */
	memset(&ra, 0, sizeof(ra));
	ra.handled_access_fs = sb_ll_fs_rights(abi);
	ra.handled_access_net = sb_ll_net_rights(abi);
	ra.scoped = sb_ll_scopes(abi);

	rfd = (int)ll_create_ruleset(&ra, sizeof(ra), 0);
	if (rfd < 0) {
		bwk_msg("BWK0609E", "sandbox: landlock_create_ruleset (ABI %d): "
		    "%s", abi, strerror(errno));
		return -1;
	}
	if (add_rules(rfd, sp, abi, ra.handled_access_fs) != 0) {
		close(rfd);
		return -1;
	}
	if (ll_restrict_self(rfd) != 0) {
		bwk_msg("BWK0609E", "sandbox: landlock_restrict_self: %s",
		    strerror(errno));
		close(rfd);
		return -1;
	}
	close(rfd);
	return 0;
}
