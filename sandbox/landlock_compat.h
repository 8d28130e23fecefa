/*
 * Landlock user-space API, as far as Bulwark uses it, with our own names.
 *
 * Why not <linux/landlock.h>: Debian 12's linux-libc-dev (6.1) stops at ABI
 * 2 (no handled_access_net, no scoped, no TRUNCATE, IOCTL_DEV or NET_PORT),
 * and mixing its struct with newer fields would silently pass a short
 * struct. The values below are copied from the kernel's
 * include/uapi/linux/landlock.h (Linux 6.18) and checked by the tests
 * against a running ABI 7 kernel. Never "fix" a value from a third-party
 * compat header: at least one public one has REFER as 1 << 12 (wrong).
 */
#ifndef BWK_LANDLOCK_COMPAT_H
#define BWK_LANDLOCK_COMPAT_H

#include <stdint.h>

/* x86_64 and every other architecture (the syscalls are in the common
 * table since 5.13). */
#define BWK_NR_landlock_create_ruleset	444
#define BWK_NR_landlock_add_rule	445
#define BWK_NR_landlock_restrict_self	446

/* landlock_create_ruleset() flags */
#define BWK_LL_CREATE_RULESET_VERSION	(1U << 0)	/* ABI 1 */
#define BWK_LL_CREATE_RULESET_ERRATA	(1U << 1)	/* ABI 7 */

/* landlock_add_rule() rule types */
#define BWK_LL_RULE_PATH_BENEATH	1
#define BWK_LL_RULE_NET_PORT		2		/* ABI 4 */

/* File-system rights */
#define BWK_LL_FS_EXECUTE		(1ULL << 0)	/* ABI 1 */
#define BWK_LL_FS_WRITE_FILE		(1ULL << 1)
#define BWK_LL_FS_READ_FILE		(1ULL << 2)
#define BWK_LL_FS_READ_DIR		(1ULL << 3)
#define BWK_LL_FS_REMOVE_DIR		(1ULL << 4)
#define BWK_LL_FS_REMOVE_FILE		(1ULL << 5)
#define BWK_LL_FS_MAKE_CHAR		(1ULL << 6)
#define BWK_LL_FS_MAKE_DIR		(1ULL << 7)
#define BWK_LL_FS_MAKE_REG		(1ULL << 8)
#define BWK_LL_FS_MAKE_SOCK		(1ULL << 9)
#define BWK_LL_FS_MAKE_FIFO		(1ULL << 10)
#define BWK_LL_FS_MAKE_BLOCK		(1ULL << 11)
#define BWK_LL_FS_MAKE_SYM		(1ULL << 12)
#define BWK_LL_FS_REFER			(1ULL << 13)	/* ABI 2 */
#define BWK_LL_FS_TRUNCATE		(1ULL << 14)	/* ABI 3 */
#define BWK_LL_FS_IOCTL_DEV		(1ULL << 15)	/* ABI 5 */

/* Rights a rule on a file (not a directory) may carry. */
#define BWK_LL_FS_FILE_RIGHTS	(BWK_LL_FS_EXECUTE | BWK_LL_FS_WRITE_FILE | \
	BWK_LL_FS_READ_FILE | BWK_LL_FS_TRUNCATE | BWK_LL_FS_IOCTL_DEV)

/* Network rights (ABI 4) */
#define BWK_LL_NET_BIND_TCP		(1ULL << 0)
#define BWK_LL_NET_CONNECT_TCP		(1ULL << 1)

/* Scopes (ABI 6) */
#define BWK_LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define BWK_LL_SCOPE_SIGNAL		(1ULL << 1)

/*
 * The ruleset attribute, ABI 6 layout. The kernel copies it with
 * copy_struct_from_user(): fields it does not know must be zero, which
 * masking by ABI guarantees, so the full size works on ABI 1 kernels too.
 */
struct bwk_ll_ruleset_attr {
	uint64_t	handled_access_fs;
	uint64_t	handled_access_net;	/* ABI 4 */
	uint64_t	scoped;			/* ABI 6 */
};

struct bwk_ll_path_beneath_attr {
	uint64_t	allowed_access;
	int32_t		parent_fd;
} __attribute__((packed));		/* as the kernel's: no tail padding */

struct bwk_ll_net_port_attr {
	uint64_t	allowed_access;
	uint64_t	port;			/* host byte order */
};

_Static_assert(sizeof(struct bwk_ll_ruleset_attr) == 24, "ruleset attr");
_Static_assert(sizeof(struct bwk_ll_path_beneath_attr) == 12, "path attr");
_Static_assert(sizeof(struct bwk_ll_net_port_attr) == 16, "port attr");

#endif
