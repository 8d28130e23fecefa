/*
 * The setgid install: an ordinary user runs sessions with the system
 * trust store through the setgid helper, cannot read bulwark.kdb or
 * bulwark.sth, and cannot make the helper step outside its protocol.
 * make check installs into BWK_SETGID_PREFIX (as root) for this test.
 */
#define _GNU_SOURCE	/* memmem */
#include <sys/stat.h>

#include <sys/wait.h>

#include <criterion/criterion.h>
#include <stdarg.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "rawtls.h"

#define TEST_USER	"bwktest"

static char prefix[256];

static void
setup(void)
{
	const char *p = getenv("BWK_SETGID_PREFIX");

	t_tmpdir();
	if (p == NULL || geteuid() != 0)
		return;
	snprintf(prefix, sizeof(prefix), "%s", p);
}

static void teardown(void) { t_cleanup(); }

TestSuite(setgid, .init = setup, .fini = teardown, .timeout = 120);

static int __attribute__((format(printf, 1, 2)))
sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* Runs a shell command as the test user; its output into *out. */
static int __attribute__((format(printf, 3, 4)))
as_user(char *out, size_t outlen, const char *fmt, ...)
{
	char cmd[2048], full[3200], path[600];
	va_list ap;
	uint8_t *b;
	size_t n;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/user.out", prefix);
	snprintf(full, sizeof(full), "runuser -u " TEST_USER " -- sh -c '%s' "
	    ">%s 2>&1", cmd, path);
	rc = sh("%s", full);
	out[0] = '\0';
	if (t_read(path, &b, &n) == 0) {
		snprintf(out, outlen, "%.*s", (int)n, (char *)b);
		free(b);
	}
	return rc;
}

/* The same as root. */
static int __attribute__((format(printf, 3, 4)))
as_root(char *out, size_t outlen, const char *fmt, ...)
{
	char cmd[2048], path[600];
	va_list ap;
	uint8_t *b;
	size_t n;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/root.out", prefix);
	rc = sh("%s >%s 2>&1", cmd, path);
	out[0] = '\0';
	if (t_read(path, &b, &n) == 0) {
		snprintf(out, outlen, "%.*s", (int)n, (char *)b);
		free(b);
	}
	return rc;
}

static void
need_install(void)
{
	t_need_sandbox();
	if (prefix[0] == '\0')
		cr_skip_test("needs root and make check's setgid install "
		    "(BWK_SETGID_PREFIX)");
	t_setgid_install();	/* one test at a time on the install */
	if (getpwnam(TEST_USER) == NULL)
		cr_assert_eq(sh("useradd --system --no-create-home --shell "
		    "/usr/sbin/nologin " TEST_USER), 0);
	cr_assert_not_null(getgrnam("bulwark"), "the install made no group");
}

Test(setgid, user_session_without_reading_the_database)
{
	const char *argv[] = { "openssl", "s_server", "-accept", "PORT", "-4",
	    "-cert", NULL, "-key", NULL, "-Verify", "1", "-CAfile", NULL,
	    "-tls1_2", "-naccept", "1", NULL };
	char out[8192], certs[600], sysdir[300];
	struct stat st;
	struct peer p;

	need_install();
	snprintf(sysdir, sizeof(sysdir), "%s/etc/bulwark", prefix);
	/* the administrator fills the system database, as root */
	sh("rm -f %s/bulwark.*", sysdir);
	cr_assert_eq(sh("env -u BULWARK_DIR %s/bin/bulwark-cert -add -server "
	    "srv1 -file %s >/dev/null", prefix, t_cert("ec384.pem")), 0);
	cr_assert_eq(sh("env -u BULWARK_DIR %s/bin/bulwark-cert -add -client "
	    "-server srv1 -file %s -key %s >/dev/null", prefix,
	    t_cert("ec256.pem"), t_cert("ec256.key")), 0);
	snprintf(certs, sizeof(certs), "%s/bulwark.kdb", sysdir);
	cr_assert_eq(stat(certs, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0640, "mode %o", st.st_mode & 0777);
	cr_assert_eq(st.st_gid, getgrnam("bulwark")->gr_gid);
	/* the user cannot read either file */
	cr_assert_neq(as_user(out, sizeof(out), "cat %s/bulwark.kdb", sysdir),
	    0, "the user read the database: %s", out);
	cr_assert_neq(as_user(out, sizeof(out), "cat %s/bulwark.sth", sysdir),
	    0, "the user read the stash");
	/* but runs a client-authenticated session with it */
	argv[6] = t_cert("ec384.pem");
	argv[8] = t_cert("ec384.key");
	argv[12] = t_cert("ec256.pem");
	t_peer_start(&p, argv, "ACCEPT");
	cr_assert_eq(as_user(out, sizeof(out), "env -u BULWARK_DIR %s/bin/"
	    "bulwark check -servername=srv1 -tcpserveraddress=127.0.0.1 "
	    "-tcpport=%s", prefix, p.portstr), 0, "%s", out);
	cr_assert(t_contains(out, "signed by the key helper"), "%s", out);
	t_peer_stop(&p);
	/* and cannot make the helper do anything outside its protocol */
	cr_assert_eq(as_user(out, sizeof(out), "%s/keyd-poke %s/libexec/"
	    "bulwark/bulwark-keyd srv1", prefix, prefix), 0, "%s", out);
}

static void
play_unknown(struct raw_conn *c, void *arg)
{
	struct raw_hello h = { 0 };
	const char *certs[] = { t_cert("ec384.pem"), NULL };

	(void)arg;
	raw_server_hello(c, &h);
	raw_certificate_files(c, certs);
	raw_key_exchange(c, 24, t_cert("ec384.key"));
	raw_hello_done(c);
}

/*
 * First use on a setgid install: the helper never writes the system
 * database, and says so at HELLO, so an unknown server is refused before
 * the key exchange, with the database and the administrator's command,
 * instead of after a whole handshake with a bare reason code.
 */
Test(setgid, unknown_server_refused_before_the_key_exchange)
{
	struct raw_server srv;
	struct raw_record rec;
	char out[8192];

	need_install();
	raw_start(&srv, play_unknown, NULL);
	cr_assert_eq(as_user(out, sizeof(out), "env -u BULWARK_DIR %s/bin/"
	    "bulwark check -servername=srv9 -tcpserveraddress=127.0.0.1 "
	    "-tcpport=%s", prefix, srv.port), 5, "%s", out);
	raw_finish(&srv, &rec);
	cr_assert(t_contains(out, "BWK0754E"), "%s", out);
	cr_assert(t_contains(out, "/etc/bulwark -add -server srv9"), "%s", out);
	cr_assert(rec.got_hello && rec.other_bytes == 0,
	    "the client sent %zu bytes past its ClientHello", rec.other_bytes);
}

/* The system options file of the install, written as an administrator. */
static void
write_sysfile(const char *path, const char *port, int mode)
{
	char text[512];
	int n;

	n = snprintf(text, sizeof(text), "* the administrator's\n"
	    "SErvername  srv1\n   TCPServeraddress  127.0.0.1\n"
	    "   TCPPort  %s\n   SSLACCEPTCERTFROMSERV  no\n"
	    "   DOMain  /home\n", port);
	cr_assert_eq(t_write(path, (const uint8_t *)text, (size_t)n, mode), 0);
	cr_assert_eq(chmod(path, mode), 0);
}

static void
fill_system_db(void)
{
	sh("rm -f %s/etc/bulwark/bulwark.* %s/etc/bulwark.sys "
	    "%s/etc/bulwark/bulwark.sys", prefix, prefix, prefix);
	cr_assert_eq(sh("env -u BULWARK_DIR %s/bin/bulwark-cert -add -server "
	    "srv1 -file %s >/dev/null", prefix, t_cert("ec384.pem")), 0);
}

/*
 * bulwark check with the default files, nothing else on the command
 * line, works for root and for an ordinary user: the system options file
 * is outside the key-database directory, readable by all, and root's key
 * helper drops the group it cannot lose for good instead of refusing.
 */
Test(setgid, default_files_for_root_and_for_a_user)
{
	const char *argv[] = { "openssl", "s_server", "-accept", "PORT", "-4",
	    "-cert", NULL, "-key", NULL, "-tls1_2", "-naccept", "2", NULL };
	char out[8192], sysf[300];
	struct peer p;

	need_install();
	fill_system_db();
	argv[6] = t_cert("ec384.pem");
	argv[8] = t_cert("ec384.key");
	t_peer_start(&p, argv, "ACCEPT");
	snprintf(sysf, sizeof(sysf), "%s/etc/bulwark.sys", prefix);
	write_sysfile(sysf, p.portstr, 0644);
	/* root: the key helper is setgid, and root is not the setgid case */
	cr_assert_eq(as_root(out, sizeof(out), "env -u BULWARK_DIR %s/bin/"
	    "bulwark check", prefix), 0, "root: %s", out);
	cr_assert(t_contains(out, "BWK0720I the session with srv1 is trusted "
	    "(pinned certificate)"), "%s", out);
	cr_assert(!t_contains(out, "BWK0532E"), "%s", out);
	/* an ordinary user, with the same default files */
	cr_assert_eq(as_user(out, sizeof(out), "env -u BULWARK_DIR %s/bin/"
	    "bulwark check", prefix), 0, "user: %s", out);
	cr_assert(t_contains(out, "BWK0720I"), "%s", out);
	t_peer_stop(&p);
}

/* An options file the user cannot read is reported as such, not missed. */
Test(setgid, unreadable_system_file_reported)
{
	char out[8192], sysf[300];

	need_install();
	snprintf(sysf, sizeof(sysf), "%s/etc/bulwark.sys", prefix);
	write_sysfile(sysf, "1", 0600);
	cr_assert_eq(as_user(out, sizeof(out), "env -u BULWARK_DIR %s/bin/"
	    "bulwark check", prefix), 2, "%s", out);
	cr_assert(t_contains(out, "BWK0833E"), "%s", out);
	cr_assert(t_contains(out, "this user cannot read the options file "
	    "(Permission denied)"), "%s", out);
	cr_assert(t_contains(out, "fix: chmod a+r"), "%s", out);
	cr_assert(!t_contains(out, "BWK0821E"), "%s", out);
	/* one others may change is refused, for root too, with the fix */
	write_sysfile(sysf, "1", 0666);
	cr_assert_eq(as_root(out, sizeof(out), "env -u BULWARK_DIR %s/bin/"
	    "bulwark check", prefix), 2, "%s", out);
	cr_assert(t_contains(out, "BWK0831E"), "%s", out);
	cr_assert(t_contains(out, "fix: chmod go-w "), "%s", out);
	unlink(sysf);
}

/* The file in its old place, the key-database directory, is named. */
Test(setgid, old_system_file_location_named)
{
	char old[300], out[4096], want[700];

	need_install();
	snprintf(old, sizeof(old), "%s/etc/bulwark/bulwark.sys", prefix);
	sh("rm -f %s/etc/bulwark.sys", prefix);
	write_sysfile(old, "1", 0644);
	cr_assert_eq(as_root(out, sizeof(out), "env -u BULWARK_DIR %s/bin/"
	    "bulwark check", prefix), 2, "%s", out);
	cr_assert(t_contains(out, "BWK0834E"), "%s", out);
	snprintf(want, sizeof(want), "move it: mv %s %s/etc/bulwark.sys", old,
	    prefix);
	cr_assert(t_contains(out, want), "%s", out);
	unlink(old);
}

/*
 * A user's own database is not what sessions use on a setgid install:
 * said at import, with the administrator's command, and a PASSWORDDIR or
 * BULWARK_DIR that would be ignored is named.
 */
Test(setgid, user_told_which_database_sessions_use)
{
	char out[8192];

	need_install();
	sh("rm -rf %s/userdb && install -d -o " TEST_USER " -m 0700 %s/userdb",
	    prefix, prefix);
	cr_assert_eq(as_user(out, sizeof(out), "%s/bin/bulwark-cert -db "
	    "%s/userdb -add -server srv2 -file %s", prefix, prefix,
	    t_cert("ec256.pem")), 0, "%s", out);
	cr_assert(t_contains(out, "BWK0379W"), "%s", out);
	cr_assert(t_contains(out, "sessions on this machine do not use"),
	    "%s", out);
	cr_assert(t_contains(out, "an administrator runs: bulwark-cert -db "),
	    "%s", out);
	cr_assert(t_contains(out, "/etc/bulwark -add -server srv2 -file "),
	    "%s", out);
	cr_assert_eq(as_user(out, sizeof(out), "%s/bin/bulwark check "
	    "-servername=srv2 -tcpserveraddress=127.0.0.1 -tcpport=1 "
	    "-passworddir=%s/userdb", prefix, prefix), 4, "%s", out);
	cr_assert(t_contains(out, "BWK0851W"), "%s", out);
	cr_assert(t_contains(out, "PASSWORDDIR "), "%s", out);
	cr_assert_eq(as_user(out, sizeof(out), "BULWARK_DIR=%s/userdb %s/bin/"
	    "bulwark check -servername=srv2 -tcpserveraddress=127.0.0.1 "
	    "-tcpport=1", prefix, prefix), 4, "%s", out);
	cr_assert(t_contains(out, "BWK0852W"), "%s", out);
	sh("rm -rf %s/userdb", prefix);
}

/* The installed manual pages name the directories of this install. */
Test(setgid, installed_man_pages_carry_the_configured_paths)
{
	static const char *const pages[] = { "man1/bulwark.1",
	    "man1/bulwark-cert.1", "man8/bulwark-keyd.8" };
	char path[400], want[300];
	uint8_t *b;
	size_t n, i;

	need_install();
	snprintf(want, sizeof(want), "%s/etc/bulwark", prefix);
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		snprintf(path, sizeof(path), "%s/share/man/%s", prefix,
		    pages[i]);
		cr_assert_eq(t_read(path, &b, &n), 0, "%s", path);
		cr_assert_not_null(memmem(b, n, want, strlen(want)),
		    "%s does not name %s", path, want);
		cr_assert_null(memmem(b, n, " /etc/bulwark", 13), "%s still "
		    "names /etc/bulwark", path);
		free(b);
	}
}
