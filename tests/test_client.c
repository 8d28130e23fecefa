/*
 * bulwark check against real peers from Debian (openssl s_server,
 * gnutls-serv) and against servers that misbehave: each case with its
 * outcome, exit status and message ID. The network process is sandboxed
 * in every case, as in production.
 */
#define _GNU_SOURCE	/* memmem */
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

static void setup(void) { t_need_sandbox(); t_tmpdir(); }
static void teardown(void) { t_cleanup(); }

TestSuite(client, .init = setup, .fini = teardown, .timeout = 60);

static void
import(const char *server, const char *file, const char *extra)
{
	struct run r;

	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", server, "-file",
	    t_cert(file), extra, NULL), 0, "%s", r.err);
}

/* openssl s_server with cert/key NAME.pem/NAME.key and extra arguments. */
static void
s_server(struct peer *p, const char *name, const char *const *extra)
{
	char cert[64], key[64];
	const char *argv[40] = { "openssl", "s_server", "-accept", "PORT",
	    "-cert", NULL, "-key", NULL };
	int n = 8;

	snprintf(cert, sizeof(cert), "%s.pem", name);
	snprintf(key, sizeof(key), "%s.key", name);
	argv[5] = t_cert(cert);
	argv[7] = t_cert(key);
	for (; extra != NULL && *extra != NULL && n < 38; extra++)
		argv[n++] = *extra;
	argv[n] = NULL;
	t_peer_start(p, argv, "ACCEPT");
}

/* extra: "--accept-first-use" (SSLACCEPTCERTFROMSERV YES) or NULL */
static int
check(struct run *r, struct peer *p, const char *server, const char *addr,
    const char *extra1, const char *extra2)
{
	int accept = extra1 != NULL && strcmp(extra1, "--accept-first-use") == 0;
	const char *argv[] = { "check", "--sysfile", NULL, NULL };

	(void)extra2;
	argv[2] = t_sysfile(server, addr, p->portstr, accept, NULL);
	t_run(r, "bulwark", argv, NULL);
	return r->status;
}

#define EXPECT(r, want, id) do {					\
	cr_assert_eq((r).status, (want), "want exit %d, got %d:\n%s%s",	\
	    (want), (r).status, (r).out, (r).err);			\
	cr_assert(t_contains((r).err, id) || t_contains((r).out, id),	\
	    "want %s:\n%s%s", id, (r).out, (r).err);			\
} while (0)

/*
 * One case of bulwark check against openssl s_server: what the key
 * database holds, how the peer is started, and what the check must say.
 * (Criterion copies the cases into each test's process by value, so they
 * hold no pointers.)
 */
struct peer_case {
	char	name[72];
	char	pin[24];	/* imported for the server, "" none */
	char	pin_flag[32];	/* and a flag of bulwark-cert -add */
	char	peer[24];	/* s_server's NAME.pem and NAME.key */
	char	args[6][56];	/* its extra arguments; "@FILE": a test cert */
	char	server[8];	/* "" is srv1 */
	char	addr[12];	/* "" is 127.0.0.1 */
	int	first_use;	/* SSLACCEPTCERTFROMSERV YES */
	int	status;		/* bulwark's exit status */
	char	id[10];		/* the message it must print */
	char	out_has[2][24];	/* on standard output */
	char	err_has[48];	/* on standard error */
	char	err_lacks[12];	/* not on standard error */
	int	nothing_pinned;	/* no entry for the server afterwards */
};

#define CHAIN		"-cert_chain", "@inter.pem"
/* a 1024-bit intermediate, or key, needs OpenSSL's lowest security level */
#define LOW		"-cipher", "DEFAULT:@SECLEVEL=0"
/* a CA chain refused for one reason: named under its own ID, never "does
 * not chain to any CA root", and before anything but the ClientHello */
#define CA_REFUSED(want) .status = 5, .id = want, \
			.err_has = "only its ClientHello was sent", \
			.err_lacks = "BWK0717E"

ParameterizedTestParameters(client, peers)
{
	static struct peer_case c[] = {
	{ "good_ecdsa_server_pinned", .pin = "ec384.pem", .peer = "ec384",
	    .status = 0, .id = "BWK0720I",
	    .out_has = { "trust rule:  pinned", "EMS:         yes" } },
	{ "good_rsa_server_pinned", .pin = "rsa2048.pem", .peer = "rsa2048",
	    .status = 0, .id = "BWK0720I", .out_has = { "ECDHE_RSA" } },
	{ "ca_signed_correct_host", .pin = "ca.pem", .peer = "leaf",
	    .args = { CHAIN }, .status = 0, .id = "BWK0720I",
	    .out_has = { "trust rule:  CA" } },
	/* 127.0.0.2 is this machine too, but not in the certificate */
	{ "ca_signed_wrong_host", .pin = "ca.pem", .peer = "leaf",
	    .args = { CHAIN }, .addr = "127.0.0.2", .status = 5,
	    .id = "BWK0714E" },
	/* a CA-issued certificate for client authentication only */
	{ "ca_signed_without_server_auth", .pin = "ca.pem",
	    .peer = "clientonly", .args = { CHAIN }, .status = 5,
	    .id = "BWK0773E" },
	{ "first_use_refused_when_off", .peer = "ec384", .server = "new1",
	    .status = 5, .id = "BWK0710E",
	    .err_has = "bulwark-cert -add -server new1" },
	{ "expired_certificate", .pin = "expired.pem",
	    .pin_flag = "--unsafe-allow-invalid-dates", .peer = "expired",
	    .status = 5, .id = "BWK0320E" },
	{ "not_yet_valid_certificate", .pin = "future.pem",
	    .pin_flag = "--unsafe-allow-invalid-dates", .peer = "future",
	    .status = 5, .id = "BWK0321E" },
	{ "expiring_soon_warns", .pin = "soon.pem", .peer = "soon",
	    .status = 0, .id = "BWK0721W" },
	{ "tls10_11_only", .pin = "ec384.pem", .peer = "ec384",
	    .args = { "-no_tls1_2", "-no_tls1_3", LOW }, .status = 8,
	    .id = "BWK0740E" },
	{ "tls13_only", .pin = "ec384.pem", .peer = "ec384",
	    .args = { "-tls1_3" }, .status = 8, .id = "BWK0742E" },
	{ "cbc_only", .pin = "ec384.pem", .peer = "ec384",
	    .args = { "-tls1_2", "-cipher",
	    "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA" },
	    .status = 8, .id = "BWK0741E" },
	{ "chacha20_only", .pin = "ec384.pem", .peer = "ec384",
	    .args = { "-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305" },
	    .status = 8, .id = "BWK0741E" },
	/* refused before anything was pinned */
	{ "rsa1024_server", .peer = "rsa1024", .args = { LOW },
	    .first_use = 1, .status = 5, .id = "BWK0322E",
	    .nothing_pinned = 1 },
	{ "sha1_signed_certificate", .peer = "sha1", .args = { LOW },
	    .first_use = 1, .status = 5, .id = "BWK0323E",
	    .nothing_pinned = 1 },
	/* a server that insists on a client certificate the client lacks */
	{ "server_requires_client_certificate", .pin = "ec384.pem",
	    .peer = "ec384", .args = { "-Verify", "1", "-tls1_2" },
	    .status = 5, .id = "BWK0739E",
	    .err_has = "bulwark-cert -add -client -server srv1" },
	/*
	 * By address, to a server whose self-signed certificate does not
	 * list that address (the seed server's cert256.arm, as it usually
	 * is): the real reason is that nothing trusts it, not a host-name
	 * mismatch.
	 */
	{ "unknown_server_by_unlisted_address_is_untrusted_not_misnamed",
	    .peer = "ec384", .addr = "127.0.0.2", .status = 5,
	    .id = "BWK0710E", .err_has = "bulwark-cert -add -server srv1",
	    .err_lacks = "BWK0714E" },
	{ "changed_certificate_by_unlisted_address_names_both_pins",
	    .pin = "ec256.pem", .peer = "ec384", .addr = "127.0.0.2",
	    .status = 5, .id = "BWK0711E",
	    .err_has = "bulwark-cert -replace -server srv1",
	    .err_lacks = "BWK0714E" },
	{ "ca_leaf_without_server_auth_eku", .pin = "ca.pem",
	    .peer = "leaf-noserverauth", .args = { CHAIN, LOW },
	    CA_REFUSED("BWK0773E") },
	{ "ca_leaf_with_unknown_critical_extension", .pin = "ca.pem",
	    .peer = "leaf-critext", .args = { CHAIN, LOW },
	    CA_REFUSED("BWK0777E") },
	{ "ca_leaf_outside_name_constraints", .pin = "ca.pem",
	    .peer = "leaf-outside-nc",
	    .args = { "-cert_chain", "@inter-nc.pem", LOW },
	    CA_REFUSED("BWK0776E") },
	{ "ca_intermediate_p224_key", .pin = "ca.pem",
	    .peer = "leaf-via-p224",
	    .args = { "-cert_chain", "@inter-p224.pem", LOW },
	    CA_REFUSED("BWK0322E") },
	{ "ca_intermediate_rsa1024_key", .pin = "ca.pem",
	    .peer = "leaf-via-rsa1024",
	    .args = { "-cert_chain", "@inter-rsa1024.pem", LOW },
	    CA_REFUSED("BWK0322E") },
	/* a CA certificate as the server's own: refused under a CA... */
	{ "ca_certificate_as_leaf_refused_under_a_ca", .pin = "ca.pem",
	    .peer = "ca-as-leaf", .args = { LOW }, CA_REFUSED("BWK0725E") },
	/* ...accepted when it is the pin itself, as a self-signed
	 * cert256.arm is */
	{ "pinned_self_signed_ca_certificate_accepted", .pin = "ss-ca.pem",
	    .peer = "ss-ca", .status = 0, .id = "BWK0720I",
	    .out_has = { "trust rule:  pinned" } },
	{ "pinned_ca_as_leaf_accepted", .pin = "ca-as-leaf.pem",
	    .peer = "ca-as-leaf", .status = 0, .id = "BWK0720I" },
	};

	return cr_make_param_array(struct peer_case, c,
	    sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct peer_case *pc, client, peers)
{
	const char *server = pc->server[0] != '\0' ? pc->server : "srv1";
	const char *addr = pc->addr[0] != '\0' ? pc->addr : "127.0.0.1";
	const char *extra[7];
	struct peer p;
	struct run r;
	size_t i, n = 0;

	if (pc->pin[0] != '\0')
		import(server, pc->pin, pc->pin_flag[0] != '\0' ?
		    pc->pin_flag : NULL);
	for (i = 0; i < 6 && pc->args[i][0] != '\0'; i++)
		extra[n++] = pc->args[i][0] == '@' ? t_cert(pc->args[i] + 1) :
		    pc->args[i];
	extra[n] = NULL;
	s_server(&p, pc->peer, extra);
	check(&r, &p, server, addr, pc->first_use ? "--accept-first-use" :
	    NULL, NULL);
	cr_assert_eq(r.status, pc->status, "%s: want exit %d, got %d:\n%s%s",
	    pc->name, pc->status, r.status, r.out, r.err);
	cr_assert(t_contains(r.err, pc->id) || t_contains(r.out, pc->id),
	    "%s: want %s:\n%s%s", pc->name, pc->id, r.out, r.err);
	for (i = 0; i < 2; i++)
		cr_assert(pc->out_has[i][0] == '\0' ||
		    t_contains(r.out, pc->out_has[i]), "%s: want '%s':\n%s",
		    pc->name, pc->out_has[i], r.out);
	cr_assert(pc->err_has[0] == '\0' || t_contains(r.err, pc->err_has),
	    "%s: want '%s':\n%s", pc->name, pc->err_has, r.err);
	cr_assert(pc->err_lacks[0] == '\0' ||
	    !t_contains(r.err, pc->err_lacks), "%s: not '%s':\n%s", pc->name,
	    pc->err_lacks, r.err);
	t_peer_stop(&p);
	if (pc->nothing_pinned)
		cr_assert_eq(t_cert_cmd(&r, "-show", "-server", server, NULL), 4,
		    "%s: something was pinned", pc->name);
}

Test(client, options_from_dsm_opt_pair)
{
	const char *sys =
	    "* an existing dsm.sys, as the seed client reads it\n"
	    "DEFAULTServer   prod\n"
	    "SErvername  test\n"
	    "   COMMMethod        TCPip\n"
	    "   TCPPort           1\n"
	    "   TCPServeraddress  192.0.2.1\n"
	    "SErvername  prod\n"
	    "   COMMMethod        TCPip\n"
	    "   TCPPort           PORT_\n"
	    "   TCPServeraddress  127.0.0.1\n"
	    "   SSL               yes\n"
	    "   SSLFIPSMODE       no\n"
	    "   SSLACCEPTCERTFROMSERV no\n";
	const char *user = "* dsm.opt\nSErvername prod\n";
	char text[1024], *port;
	struct peer p;
	struct run r;
	char optfile_arg[600];

	import("prod", "ec384.pem", NULL);
	s_server(&p, "ec384", NULL);
	snprintf(text, sizeof(text), "%s", sys);
	port = strstr(text, "PORT_");
	memcpy(port, p.portstr, strlen(p.portstr));
	memset(port + strlen(p.portstr), ' ', 5 - strlen(p.portstr));
	cr_assert_eq(t_write(t_path("dsm.sys"), (const uint8_t *)text,
	    strlen(text), 0644), 0);
	cr_assert_eq(t_write(t_path("dsm.opt"), (const uint8_t *)user,
	    strlen(user), 0644), 0);
	snprintf(optfile_arg, sizeof(optfile_arg), "-optfile=%s", t_path("dsm.opt"));
	t_run(&r, "bulwark", (const char *[]){ "check", "--sysfile",
	    t_path("dsm.sys"), optfile_arg, NULL }, NULL);
	EXPECT(r, 0, "BWK0720I");
	/* SSLFIPSMODE NO is accepted and says what Bulwark really does */
	cr_assert(t_contains(r.out, "BWK0850I"), "%s", r.out);
	t_peer_stop(&p);
}

/*
 * RSA's known-answer test is conditional (SECURITY.md): a broken RSA
 * stops a session with an RSA server before the first RSA operation,
 * with the test's own message and status, and a session with an ECDSA
 * server, which uses no RSA, never runs it.
 */
Test(client, rsa_selftest_runs_before_the_first_rsa_use_only)
{
	const char *envp[] = { "BULWARK_SELFTEST_BREAK=RSA-2048", NULL };
	const char *argv[] = { "check", "--sysfile", NULL, NULL };
	struct peer p;
	struct run r;

	import("srv1", "ec384.pem", NULL);
	s_server(&p, "ec384", NULL);
	argv[2] = t_sysfile("srv1", "127.0.0.1", p.portstr, 0, NULL);
	t_run(&r, "bulwark", argv, envp);
	EXPECT(r, 0, "BWK0720I");
	cr_assert(!t_contains(r.err, "BWK0010E"), "%s", r.err);
	t_peer_stop(&p);

	import("srv2", "rsa2048.pem", NULL);
	s_server(&p, "rsa2048", NULL);
	argv[2] = t_sysfile("srv2", "127.0.0.1", p.portstr, 0, NULL);
	t_run(&r, "bulwark", argv, envp);
	EXPECT(r, 6, "BWK0010E");
	cr_assert(t_contains(r.err, "RSA-2048"), "%s", r.err);
	cr_assert(!t_contains(r.err, "BWK0720I"), "%s", r.err);
	t_peer_stop(&p);
}

Test(client, first_use_accepted_and_pinned)
{
	struct peer p;
	struct run r;

	s_server(&p, "ec384", NULL);
	check(&r, &p, "new1", "127.0.0.1", "--accept-first-use", NULL);
	EXPECT(r, 0, "BWK0722I");
	cr_assert(t_contains(r.out, "SHA-256 "), "%s", r.out);
	t_peer_stop(&p);
	cr_assert_eq(t_cert_cmd(&r, "-show", "-server", "new1", NULL), 0);
	cr_assert(t_contains(r.out, "accepted-from-server"), "%s", r.out);
	cr_assert(t_contains(r.out, "/CN=ec384.test"), "%s", r.out);
	cr_assert_eq(t_cert_cmd(&r, "-verify", NULL), 0, "%s", r.err);
}

Test(client, first_use_with_wrong_expected_fingerprint)
{
	struct peer p;
	struct run r;
	char fpr[100];

	memset(fpr, 0, sizeof(fpr));
	snprintf(fpr, sizeof(fpr), "%064d", 0);
	s_server(&p, "ec384", NULL);
	{
		const char *argv[] = { "check", "--sysfile", NULL, NULL };

		argv[2] = t_sysfile("new1", "127.0.0.1", p.portstr, 1, fpr);
		t_run(&r, "bulwark", argv, NULL);
	}
	EXPECT(r, 5, "BWK0723E");
	t_peer_stop(&p);
	cr_assert_eq(t_cert_cmd(&r, "-show", "-server", "new1", NULL), 4,
	    "nothing may be pinned");
}

Test(client, changed_certificate_refused_with_replace_hint)
{
	struct peer p;
	struct run r;

	import("srv1", "ec256.pem", NULL);
	s_server(&p, "ec384", NULL);
	check(&r, &p, "srv1", "127.0.0.1", "--accept-first-use", NULL);
	EXPECT(r, 5, "BWK0711E");
	{
		/* the message names both fingerprints, and they differ */
		const char *a = strstr(r.err, "pinned SHA-256 ");
		const char *b = strstr(r.err, "shown SHA-256 ");

		cr_assert(a != NULL && b != NULL, "%s", r.err);
		cr_assert_neq(strncmp(a + 15, b + 14, 95), 0, "%s", r.err);
	}
	cr_assert(t_contains(r.err, "bulwark-cert -replace -server srv1"));
	t_peer_stop(&p);
}

Test(client, no_extended_master_secret)
{
	const char *argv[] = { "gnutls-serv", "--port", "PORT",
	    "--x509certfile", NULL, "--x509keyfile", NULL, "--priority",
	    "NORMAL:%NO_SESSION_HASH", "--echo", NULL };
	struct peer p;
	struct run r;

	import("srv1", "ec384.pem", NULL);
	argv[4] = t_cert("ec384.pem");
	argv[6] = t_cert("ec384.key");
	t_peer_start(&p, argv, "done");
	check(&r, &p, "srv1", "127.0.0.1", NULL, NULL);
	EXPECT(r, 8, "BWK0732E");
	t_peer_stop(&p);
}

Test(client, good_gnutls_server)
{
	const char *argv[] = { "gnutls-serv", "--port", "PORT",
	    "--x509certfile", NULL, "--x509keyfile", NULL, "--echo", NULL };
	struct peer p;
	struct run r;

	import("srv1", "ec384.pem", NULL);
	argv[4] = t_cert("ec384.pem");
	argv[6] = t_cert("ec384.key");
	t_peer_start(&p, argv, "done");
	check(&r, &p, "srv1", "127.0.0.1", NULL, NULL);
	EXPECT(r, 0, "BWK0720I");
	t_peer_stop(&p);
}

/*
 * A TCP server that is not a TLS server: "banner" says hello in plain
 * text, "close" reads the ClientHello and hangs up, "garbage" answers
 * with bytes that are not TLS.
 */
static pid_t
tcp_server(const char *mode, char port[8])
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0), c, one = 1;
	pid_t pid;

	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(s, 1), 0);
	cr_assert_eq(getsockname(s, (struct sockaddr *)&a, &al), 0);
	snprintf(port, 8, "%d", ntohs(a.sin_port));
	if ((pid = fork()) == 0) {
		char buf[4096];

		if ((c = accept(s, NULL, NULL)) == -1)
			_exit(1);
		if (strcmp(mode, "banner") == 0)
			(void)!write(c, "220 backup.example ESMTP ready\r\n", 32);
		else if (strcmp(mode, "close") == 0)
			(void)!read(c, buf, sizeof(buf));
		else {
			(void)!read(c, buf, sizeof(buf));
			for (size_t i = 0; i < sizeof(buf); i++)
				buf[i] = (char)(i * 37 + 11);
			(void)!write(c, buf, sizeof(buf));
		}
		usleep(100000);
		close(c);
		_exit(0);
	}
	close(s);
	return pid;
}

static void
misbehaving(const char *mode, int status, const char *id)
{
	struct peer p;
	struct run r;
	pid_t pid;

	memset(&p, 0, sizeof(p));
	import("srv1", "ec384.pem", NULL);
	pid = tcp_server(mode, p.portstr);
	check(&r, &p, "srv1", "127.0.0.1", NULL, NULL);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	EXPECT(r, status, id);
}

Test(client, plain_tcp_server) { misbehaving("banner", 7, "BWK0743E"); }
Test(client, closes_mid_handshake) { misbehaving("close", 8, "BWK0744E"); }
Test(client, sends_garbage) { misbehaving("garbage", 7, "BWK0743E"); }

Test(client, nothing_listening)
{
	struct peer p;
	struct run r;
	pid_t pid;

	memset(&p, 0, sizeof(p));
	pid = tcp_server("close", p.portstr);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	import("srv1", "ec384.pem", NULL);
	check(&r, &p, "srv1", "127.0.0.1", NULL, NULL);
	EXPECT(r, 4, "BWK0706E");
}

Test(client, policy_printed_and_weaker_policy_refused)
{
	struct run r;
	const char *weak = "protocol TLSv1.2\nsuites ECDHE-ECDSA-AES128-SHA256\n";

	t_run(&r, "bulwark", (const char *[]){ "policy", NULL }, NULL);
	cr_assert_eq(r.status, 0);
	cr_assert(t_contains(r.out, "extended-master-secret  required"));
	cr_assert(t_contains(r.out, "NOT a validated FIPS 140-3 module"));
	cr_assert_eq(t_write(t_path("weak.policy"), (const uint8_t *)weak,
	    strlen(weak), 0600), 0);
	t_run(&r, "bulwark", (const char *[]){ "policy", "--policy",
	    t_path("weak.policy"), NULL }, NULL);
	EXPECT(r, 2, "BWK0730E");
	cr_assert(t_contains(r.err, "line 2"), "%s", r.err);
}

/* A trusted session whose report cannot be written is no success. */
Test(client, report_to_a_full_disk_is_a_failure)
{
	char cmd[1600];
	struct peer p;
	const char *sys;
	int st;

	import("srv1", "ec384.pem", NULL);
	s_server(&p, "ec384", NULL);
	sys = t_sysfile("srv1", "127.0.0.1", p.portstr, 0, NULL);
	snprintf(cmd, sizeof(cmd), "BULWARK_DIR=%s %s/bulwark check --sysfile "
	    "%s >/dev/full 2>%s", t_db(), getenv("BWK_BIN"), sys,
	    t_path("err.txt"));
	st = system(cmd);
	t_peer_stop(&p);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 3, "status %d", st);
	{
		uint8_t *e;
		size_t n;

		cr_assert_eq(t_read(t_path("err.txt"), &e, &n), 0);
		cr_assert(memmem(e, n, "BWK0758E", 8) != NULL, "%.*s", (int)n,
		    (char *)e);
		free(e);
	}
}
