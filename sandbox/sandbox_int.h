/* Inside the sandbox layer only (and its tests). */
#ifndef BWK_SANDBOX_INT_H
#define BWK_SANDBOX_INT_H

#include <stdint.h>

#include <wolfssl/options.h>

#include "landlock_compat.h"
#include "sandbox.h"

/*
 * wolfCrypt seeds its DRBG by open("/dev/urandom") on every wc_InitRng
 * unless it was built with WOLFSSL_GETRANDOM (then it calls getrandom(2)).
 * With the device, both profiles need openat(O_RDONLY) and a Landlock
 * READ_FILE rule on it, and a chroot needs a dev/urandom node.
 */
#ifdef WOLFSSL_GETRANDOM
#define SB_NEEDS_URANDOM	0
#else
#define SB_NEEDS_URANDOM	1
#endif
#define SB_URANDOM		"/dev/urandom"

/*
 * Sanitizer builds (make VARIANT=asan): the runtime makes a few calls of
 * its own after sandboxing (sigaltstack at exit), and LeakSanitizer's exit
 * check clones and ptraces, which the filter must kill. See
 * sb_seccomp_apply() and apply().
 */
#if defined(__SANITIZE_ADDRESS__)
#define SB_SANITIZER	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SB_SANITIZER	1
#endif
#endif

/* The file side's deny-list (sb_apply_files). */
int	sb_seccomp_apply_files(void);

/* Sanitizer builds: run LeakSanitizer's check now, while it can work. */
void	sb_leak_check_now(void);

enum sb_profile { SB_KEYD, SB_NET, SB_SRVSESSION };

/* One application of a profile. */
struct sb_spec {
	enum sb_profile				 profile;
	const char				*store_dir; /* keyd: TOFU */
	const struct sb_net_policy		*net;	/* never NULL */
	const struct sb_srvsession_policy	*srv;	/* srvsession */
};

/* Landlock ABI a profile needs at least, and the one for full protection. */
#define SB_LL_ABI_NET_MIN	4	/* TCP connect rules */
#define SB_LL_ABI_SRV_MIN	4	/* connect and bind denied */
#define SB_LL_ABI_KEYD_MIN	1
#define SB_LL_ABI_SCOPES	6
#define SB_LL_ABI_KNOWN		7	/* the newest ABI this code knows */

/* ABI of the running kernel (0 if none, *err = ENOSYS/EOPNOTSUPP). Test
 * builds honour BULWARK_TEST_LANDLOCK_ABI (caps it; 0 = disabled). */
int		sb_ll_abi(int *err);
/* Bits of each kind this code knows and the given ABI supports. */
uint64_t	sb_ll_fs_rights(int abi);
uint64_t	sb_ll_net_rights(int abi);
uint64_t	sb_ll_scopes(int abi);
/* Comma-separated names of the fs / net / scope bits in `bits`. */
void		sb_ll_names(int kind, uint64_t bits, char *buf, size_t len);
#define SB_LL_KIND_FS		0
#define SB_LL_KIND_NET		1
#define SB_LL_KIND_SCOPE	2
/* The rights the session process has beneath its catalog and data
 * directories (masked by the ABI where used). */
#define SB_LL_SRV_CATALOG	(BWK_LL_FS_READ_FILE | BWK_LL_FS_WRITE_FILE | \
	BWK_LL_FS_TRUNCATE | BWK_LL_FS_READ_DIR | BWK_LL_FS_MAKE_REG | \
	BWK_LL_FS_REMOVE_FILE)
#define SB_LL_SRV_DATA		(BWK_LL_FS_READ_FILE | BWK_LL_FS_WRITE_FILE | \
	BWK_LL_FS_READ_DIR | BWK_LL_FS_MAKE_REG | BWK_LL_FS_MAKE_DIR | \
	BWK_LL_FS_REMOVE_FILE | BWK_LL_FS_REMOVE_DIR | BWK_LL_FS_REFER)
/* Creates, fills and enforces the profile's ruleset for `abi` (>= 1).
 * Needs no_new_privs already set. 0, or -1 with a message. */
int		sb_ll_apply(const struct sb_spec *, int abi);

/* 1 if a KILL_PROCESS seccomp filter can be installed. Test builds
 * honour BULWARK_TEST_SECCOMP=0. */
int		sb_seccomp_available(void);
/* Builds and loads the profile's filter. 0, or -1 with a message. */
int		sb_seccomp_apply(const struct sb_spec *);

#endif
