/*
 * What this kernel offers, for `bulwark sandbox-check`: sb_probe() fills
 * a struct, sb_report() says it in one line per protection, with the fix
 * for anything missing. The rights listed are the ones sb_ll_apply()
 * would hand the kernel, from the same tables.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox_int.h"

int
sb_probe(struct sb_status *st)
{
	memset(st, 0, sizeof(*st));
	st->seccomp = sb_seccomp_available();
	st->landlock_abi = sb_ll_abi(&st->landlock_errno);
	st->can_switch_user = geteuid() == 0;
	return 0;
}

static void line(FILE *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
line(FILE *f, int ok, const char *fmt, ...)
{
	va_list ap;

	fprintf(f, "%s ", ok ? "BWK0640I" : "BWK0641W");
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

/* bulwarkd's session process: its two directories, no port at all. */
static void
report_srvsession(FILE *f, int a)
{
	char cat[256], data[256];
	uint64_t fs = sb_ll_fs_rights(a);

	sb_ll_names(SB_LL_KIND_FS, SB_LL_SRV_CATALOG & fs, cat, sizeof(cat));
	sb_ll_names(SB_LL_KIND_FS, SB_LL_SRV_DATA & fs, data, sizeof(data));
	line(f, a >= SB_LL_ABI_SRV_MIN, "Landlock session process rules "
	    "(bulwarkd): %s beneath the instance's catalog/; %s beneath its "
	    "data/; read_file on " SB_URANDOM "; %s", cat, data,
	    a >= SB_LL_ABI_SRV_MIN ? "no TCP connect or bind at all" :
	    "TCP not confined by Landlock (ABI 4 is needed)");
}

static void
report_landlock(FILE *f, const struct sb_status *st)
{
	char fs[512], net[128], scope[128];
	long errata;
	int a = st->landlock_abi;

	if (a == 0) {
		if (st->landlock_errno == EOPNOTSUPP)
			line(f, 0, "Landlock: disabled at boot; boot with "
			    "lsm=landlock,... (the list in "
			    "/sys/kernel/security/lsm)");
		else
			line(f, 0, "Landlock: not in this kernel; a kernel 5.13 "
			    "or later with CONFIG_SECURITY_LANDLOCK=y is needed");
		return;
	}
	errata = syscall(BWK_NR_landlock_create_ruleset, NULL, 0,
	    BWK_LL_CREATE_RULESET_ERRATA);
	line(f, 1, "Landlock: ABI %d (errata %#lx)", a,
	    errata < 0 ? 0L : errata);
	if (a > SB_LL_ABI_KNOWN)
		line(f, 1, "Landlock: this kernel is newer than Bulwark's "
		    "Landlock code (ABI %d); rights added after ABI %d are not "
		    "handled", a, SB_LL_ABI_KNOWN);

	sb_ll_names(SB_LL_KIND_FS, sb_ll_fs_rights(a), fs, sizeof(fs));
	sb_ll_names(SB_LL_KIND_NET, sb_ll_net_rights(a), net, sizeof(net));
	sb_ll_names(SB_LL_KIND_SCOPE, sb_ll_scopes(a), scope, sizeof(scope));
	line(f, 1, "Landlock rights handled (denied unless a rule allows) in "
	    "every profile: fs %s; net %s", fs, net);
	line(f, 1, "Landlock scopes in every profile: %s", scope);
	line(f, 1, "Landlock key helper rules: %s; no TCP port",
	    SB_NEEDS_URANDOM ? "read_file on " SB_URANDOM : "no file");
	line(f, a >= SB_LL_ABI_NET_MIN, "Landlock network process rules: "
	    "read_file on %sthe CA files; %s", SB_NEEDS_URANDOM ? SB_URANDOM
	    " and " : "", a >= SB_LL_ABI_NET_MIN ? "connect_tcp to the "
	    "configured ports only" : "no port rules possible");
	report_srvsession(f, a);
}

int
sb_report(FILE *f)
{
	struct sb_status st;
	int ok, a;

	sb_probe(&st);
	a = st.landlock_abi;
	if (st.seccomp)
		line(f, 1, "seccomp: filters with KILL_PROCESS (allow-lists "
		    "for the key helper, the network process and bulwarkd's "
		    "session process, which alone may stat paths, for SQLite; "
		    "x86_64 only, x32 and i386 calls killed)");
	else
		line(f, 0, "seccomp: not available; a kernel 4.14 or later "
		    "with CONFIG_SECCOMP_FILTER is needed");
	report_landlock(f, &st);
	if (a >= SB_LL_ABI_NET_MIN)
		line(f, 1, "TCP port rules: the network process may connect "
		    "only to the configured ports, the session process to "
		    "none; bind refused in all");
	else
		line(f, 0, "TCP port rules: missing (Landlock ABI 4, kernel "
		    "6.7 or later, is needed); the network and session "
		    "processes would refuse to start");
	if (a >= SB_LL_ABI_SCOPES)
		line(f, 1, "scopes: signals and abstract UNIX sockets stay "
		    "inside each sandbox");
	else
		line(f, 0, "scopes: missing (Landlock ABI 6, kernel 6.12 or "
		    "later); signals and abstract UNIX sockets are not "
		    "confined, PR_SET_DUMPABLE 0 still stops ptrace of the "
		    "helper (warning only)");
	if (st.can_switch_user) {
		line(f, 1, "user switch: running as root: the network process "
		    "will chroot to /var/empty/bulwark and run as the "
		    "--sandbox-user (default nobody)");
		line(f, 1, "user switch: running as root: bulwarkd's session "
		    "process will become the owner of its instance (uid 0 "
		    "without capabilities if root owns it)");
	}
	else
		line(f, 1, "user switch: not root: nothing to drop, the "
		    "processes run as the invoking user");

	ok = st.seccomp && a >= SB_LL_ABI_NET_MIN;
	if (ok)
		fprintf(f, "BWK0642I sandbox: everything the profiles need "
		    "is available\n");
	else
		fprintf(f, "BWK0643E sandbox: protection is missing; bulwark "
		    "will refuse to start without --insecure-weak-sandbox\n");
	return ok ? 0 : -1;
}
