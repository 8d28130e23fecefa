#define _GNU_SOURCE		/* setresuid, setresgid */
/*
 * bulwark-keyd: started by bulwark over a socketpair on fd 3, never by
 * hand. Start-up order matters (ssh-keysign is the model): sane fds,
 * self-tests, open the key database while privileged, drop privileges for
 * good, no core dumps or tracing, sandbox, and only then read the first
 * request. It exits at EOF.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../sandbox/sandbox.h"
#include "../lib/msg.h"
#include "../lib/selftest.h"
#include "keyd.h"

struct keyd_args {
	const char	*db;
	const char	*server;
	int		 accept_first_use;
	int		 system_ca;
	int		 insecure;
	int		 serve;		/* bulwarkd's: the server's own identity */
	int		 sign_on;	/* the session signs on as the node */
	const char	*admin;		/* or as this administrator */
	const char	*node;		/* or as this node, its password typed */
	const char	*password_fd;	/* whose password is on this fd */
	const char	*standby;	/* a server's standby key's label */
};

/* What a HELLO can carry: 1 to 64 printable ASCII characters. */
static int
admin_name_ok(const char *s)
{
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return 0;
	return n >= 1 && n <= KEYD_ADMIN_MAX;
}

static int	server_ok(const struct keyd_args *);

static int
parse_args(int argc, char **argv, struct keyd_args *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			a->db = argv[++i];
		else if (strcmp(argv[i], "--server") == 0 && i + 1 < argc)
			a->server = argv[++i];
		else if (strcmp(argv[i], "--accept-first-use") == 0)
			a->accept_first_use = 1;
		else if (strcmp(argv[i], "--system-ca") == 0)
			a->system_ca = 1;
		else if (strcmp(argv[i], "--insecure-weak-sandbox") == 0)
			a->insecure = 1;
		else if (strcmp(argv[i], "--serve") == 0)
			a->serve = 1;
		else if (strcmp(argv[i], "--sign-on") == 0)
			a->sign_on = 1;
		else if (strcmp(argv[i], "--standby") == 0 && i + 1 < argc)
			a->standby = argv[++i];
		else if (strcmp(argv[i], "--admin") == 0 && i + 1 < argc)
			a->admin = argv[++i];
		else if (strcmp(argv[i], "--node") == 0 && i + 1 < argc)
			a->node = argv[++i];
		else if (strcmp(argv[i], "--password-fd") == 0 && i + 1 < argc)
			a->password_fd = argv[++i];
		else
			return -1;
	}
	/* a server's helper signs its handshakes and pins nothing */
	if (a->serve && (a->accept_first_use || a->system_ca || a->sign_on ||
	    a->admin != NULL || a->node != NULL))
		return -1;
	/*
	 * A typed password, on the one descriptor bulwark uses: an
	 * administrator's, or a node's under PASSWORDACCESS PROMPT (with
	 * --sign-on, used only when the database stores none).
	 */
	if (a->password_fd == NULL)
		return a->admin != NULL || a->node != NULL ? -1 :
		    server_ok(a);
	if (strcmp(a->password_fd, KEYD_PASSWORD_FD_STR) != 0 ||
	    (a->admin != NULL) == (a->node != NULL) ||
	    (a->admin != NULL && (a->sign_on || !admin_name_ok(a->admin))) ||
	    (a->node != NULL && (!a->sign_on || !admin_name_ok(a->node))))
		return -1;
	return server_ok(a);
}

/*
 * A first-use pin is labelled with the server's name: a name, never a
 * made label; only a server has a standby key, and it is a label of its
 * own.
 */
static int
server_ok(const struct keyd_args *a)
{
	if (a->standby != NULL && (!a->serve || !kdb_name_ok(a->standby) ||
	    strlen(a->standby) > KDB_LABEL_MAX))
		return -1;
	return a->server != NULL && kdb_name_ok(a->server) ? 0 : -1;
}

/* setgid install: drop the group for good, and prove it cannot return. */
static int
drop_privileges(void)
{
	gid_t rgid = getgid(), egid = getegid();
	uid_t ruid = getuid(), euid = geteuid();

	if (setresgid(rgid, rgid, rgid) == -1 ||
	    setresuid(ruid, ruid, ruid) == -1) {
		bwk_msg("BWK0532E", "cannot drop privileges: %s",
		    strerror(errno));
		return -1;
	}
	if ((egid != rgid && (setegid(egid) != -1 || getegid() != rgid)) ||
	    (euid != ruid && (seteuid(euid) != -1 || geteuid() != ruid))) {
		bwk_msg("BWK0532E", "the dropped privileges could be regained; "
		    "refusing to run");
		return -1;
	}
	return 0;
}

/* Our own file is setgid to a group we are not running with? */
static int
installed_setgid(void)
{
	struct stat st;

	return stat("/proc/self/exe", &st) == 0 && (st.st_mode & S_ISGID) &&
	    st.st_gid != getgid() && st.st_gid != getegid();
}

/*
 * Root started us. Root can always regain a group it drops, so the
 * setgid checks would refuse it (BWK0532E), and it needs no group to read
 * anything: this is not the setgid case. The group is dropped now and
 * root's helper runs as any user's does, with the directory it is given
 * (by default the system one), written on first use; the setgid
 * install's 0640 root:bulwark files are trusted for that group only.
 */
static int
root_helper(void)
{
	struct stat st;
	gid_t rgid = getgid();

	if (stat("/proc/self/exe", &st) == 0 && (st.st_mode & S_ISGID))
		store_trusted_gid = st.st_gid;
	if (getegid() != rgid && setresgid(rgid, rgid, rgid) == -1) {
		bwk_msg("BWK0532E", "cannot drop privileges: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Whichever way the helper ends, the password does not outlive it. */
static struct keyd *wipe_at_exit;

static void
wipe_admin_password(void)
{
	if (wipe_at_exit != NULL)
		explicit_bzero(wipe_at_exit->admin_pw,
		    sizeof(wipe_at_exit->admin_pw));
}

static int
send_fd(void *arg, const struct frame *f)
{
	return frame_send(*(int *)arg, f);
}

static int
serve(struct keyd *k)
{
	static uint8_t buf[KEYD_MAX_FRAME + 1];
	ssize_t n;

	for (;;) {
		n = frame_recv(KEYD_FD, buf, -1);
		if (n == 0)
			return 0;	/* the client is done */
		if (n == -1) {
			bwk_msg("BWK0519E", "reading a request: %s; stopping",
			    strerror(errno));
			return 1;
		}
		if (keyd_dispatch(k, buf, (size_t)n) == -1)
			return 2;
	}
}

int
main(int argc, char **argv)
{
	static struct keyd k;
	struct keyd_args a;
	struct stash st;
	struct stat sb;
	char dir[PATH_MAX];
	int fd = KEYD_FD, setgid_mode, writes, rc;

	bwk_prog = "bulwark-keyd";
	bwk_sane_fds();
	signal(SIGPIPE, SIG_IGN);
	if (fstat(KEYD_FD, &sb) == -1 || !S_ISSOCK(sb.st_mode)) {
		bwk_msg("BWK0500E", "bulwark-keyd is the key helper of bulwark "
		    "and is started by it; it is not run by hand");
		return 1;
	}
	if (parse_args(argc, argv, &a) == -1) {
		bwk_msg("BWK0501E", "bad arguments from the client");
		return 1;
	}
	wipe_at_exit = &k;
	if (atexit(wipe_admin_password) != 0 ||
	    (a.admin != NULL && keyd_read_typed(&k, 0) != 0))
		return 1;
	/* a node's typed password is read only if the database has none */
	if (a.node != NULL) {
		snprintf(k.typed_node, sizeof(k.typed_node), "%s", a.node);
		if (keyd_typed_pipe_ok(1, &k) == -1)
			return 1;
		k.prompt = 1;
	}
	if (bwk_selftest_startup_deferred(bwk_prog) != 0)
		return 1;
	/*
	 * Installed setgid for non-root users: the system database only (a
	 * user must not point a privileged helper at a directory of their
	 * choosing), group-readable by our group, and never written.
	 */
	if (getuid() == 0 && root_helper() == -1)
		return 1;
	setgid_mode = getegid() != getgid();
	if (!setgid_mode && getuid() != 0 && installed_setgid()) {
		/* fail closed: the administrator meant the system database */
		bwk_msg("BWK0533E", "bulwark-keyd is installed setgid but runs "
		    "without its group (was it started with no_new_privs, or "
		    "from a nosuid file system?); it cannot open the system key "
		    "database");
		return 1;
	}
	if (setgid_mode && a.serve) {
		/* the system database of clients holds no server's key */
		bwk_msg("BWK0501E", "bad arguments from the client: a setgid "
		    "helper does not serve a server's identity");
		return 1;
	}
	if (setgid_mode) {
		store_trusted_gid = getegid();
		a.db = BWK_KDB_SYSTEM_DIR;
		a.accept_first_use = 0;
	}
	if (bwk_kdb_dir(a.db, dir, sizeof(dir)) == -1)
		return 1;
	/*
	 * A first-use pin, a first sign-on's salt and count, a renewed pin
	 * and a standby pin are written later; the setgid helper's system
	 * database is never written (its sign-on checks only the
	 * iteration-count floor), nor a server's. A database this user
	 * cannot write is only read: the client then follows no renewal.
	 * An administrator's sign-on remembers nothing (docs/scram.md).
	 */
	writes = !setgid_mode && !a.serve && (a.accept_first_use ||
	    a.sign_on || access(dir, W_OK) == 0);
	if (store_open(&k.store, dir, writes ? STORE_WRITE_LATER :
	    STORE_READ) == -1 || store_load(&k.store, &k.db, &st) == -1)
		return 1;
	stash_wipe(&st);	/* the writing paths re-read it under the lock */
	k.store_ok = writes;
	k.setgid = setgid_mode;
	if (snprintf(k.dir, sizeof(k.dir), "%s", dir) >= (int)sizeof(k.dir)) {
		bwk_msg("BWK0501E", "bad arguments from the client: the key "
		    "database's path is longer than %d bytes", KEYD_DIR_MAX);
		return 1;
	}
	snprintf(k.server, sizeof(k.server), "%s", a.server);
	k.accept_first_use = a.accept_first_use;
	k.serve = a.serve;
	k.sign_on = a.sign_on || a.admin != NULL;
	if (a.admin != NULL)
		snprintf(k.admin, sizeof(k.admin), "%s", a.admin);
	k.system_ca = a.system_ca;
	if (a.standby != NULL)
		snprintf(k.standby_label, sizeof(k.standby_label), "%s",
		    a.standby);
	k.send = send_fd;
	k.send_arg = &fd;
	if (keyd_init(&k) == -1)
		return 1;
	if (drop_privileges() == -1 || sb_harden_process() == -1)
		return 1;
	store_numeric_ids = 1;
	if (sb_apply_keyd(writes ? dir : NULL, a.insecure) == -1)
		return 1;
	rc = serve(&k);
	keyd_free(&k);	/* wipes an administrator's password too */
	store_close(&k.store);
	return rc;
}
