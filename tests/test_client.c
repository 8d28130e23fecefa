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

static void
import_ca(const char *server, const char *file)
{
	import(server, file, NULL);
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

Test(client, good_ecdsa_server_pinned)
{
	struct peer p;
	struct run r;

	import("srv1", "ec384.pem", NULL);
	s_server(&p, "ec384", NULL);
	check(&r, &p, "srv1", "127.0.0.1", NULL, NULL);
	EXPECT(r, 0, "BWK0720I");
	cr_assert(t_contains(r.out, "trust rule:  pinned"));
	cr_assert(t_contains(r.out, "EMS:         yes"));
	t_peer_stop(&p);
}

Test(client, good_rsa_server_pinned)
{
	struct peer p;
	struct run r;

	import("srv1", "rsa2048.pem", NULL);
	s_server(&p, "rsa2048", NULL);
	check(&r, &p, "srv1", "127.0.0.1", NULL, NULL);
	EXPECT(r, 0, "BWK0720I");
	cr_assert(t_contains(r.out, "ECDHE_RSA"), "%s", r.out);
	t_peer_stop(&p);
}

Test(client, ca_signed_correct_host)
{
	static const char *const chain[] = { "-cert_chain", NULL, NULL };
	const char *extra[3];
	struct peer p;
	struct run r;

	extra[0] = chain[0];
	extra[1] = t_cert("inter.pem");
	extra[2] = NULL;
	import_ca("srv1", "ca.pem");
	s_server(&p, "leaf", extra);
	check(&r, &p, "srv1", "127.0.0.1", NULL, NULL);
	EXPECT(r, 0, "BWK0720I");
	cr_assert(t_contains(r.out, "trust rule:  CA"), "%s", r.out);
	t_peer_stop(&p);
}

Test(client, ca_signed_wrong_host)
{
	const char *extra[] = { "-cert_chain", NULL, NULL };
	struct peer p;
	struct run r;

	extra[1] = t_cert("inter.pem");
	import_ca("srv1", "ca.pem");
	s_server(&p, "leaf", extra);
	/* 127.0.0.2 is this machine too, but not in the certificate */
	check(&r, &p, "srv1", "127.0.0.2", NULL, NULL);
	EXPECT(r, 5, "BWK0714E");
	t_peer_stop(&p);
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

/* A CA-issued certificate for client authentication only is no server's. */
Test(client, ca_signed_without_server_auth)
{
	const char *extra[] = { "-cert_chain", NULL, NULL };
	struct peer p;
	struct run r;

	extra[1] = t_cert("inter.pem");
	import_ca("srv1", "ca.pem");
	s_server(&p, "clientonly", extra);
	check(&r, &p, "srv1", "127.0.0.1", NULL, NULL);
	EXPECT(r, 5, "BWK0773E");
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

Test(client, first_use_refused_when_off)
{
	struct peer p;
	struct run r;

	s_server(&p, "ec384", NULL);
	check(&r, &p, "new1", "127.0.0.1", NULL, NULL);
	EXPECT(r, 5, "BWK0710E");
	cr_assert(t_contains(r.err, "bulwark-cert -add -server new1"));
	t_peer_stop(&p);
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

Test(client, expired_certificate)
{
	struct peer p;
	struct run r;

	import("srv1", "expired.pem", "--unsafe-allow-invalid-dates");
	s_server(&p, "expired", NULL);
	check(&r, &p, "srv1", "127.0.0.1", NULL, NULL);
	EXPECT(r, 5, "BWK0320E");
	t_peer_stop(&p);
}

Test(client, not_yet_valid_certificate)
{
	struct peer p;
	struct run r;

	import("srv1", "future.pem", "--unsafe-allow-invalid-dates");
	s_server(&p, "future", NULL);
	check(&r, &p, "srv1", "127.0.0.1", NULL, NULL);
	EXPECT(r, 5, "BWK0321E");
	t_peer_stop(&p);
}

Test(client, expiring_soon_warns)
{
	struct peer p;
	struct run r;

	import("srv1", "soon.pem", NULL);
	s_server(&p, "soon", NULL);
	check(&r, &p, "srv1", "127.0.0.1", NULL, NULL);
	EXPECT(r, 0, "BWK0721W");
	t_peer_stop(&p);
}

static void
refused_server(const char *const *extra, int status, const char *id)
{
	struct peer p;
	struct run r;

	import("srv1", "ec384.pem", NULL);
	s_server(&p, "ec384", extra);
	check(&r, &p, "srv1", "127.0.0.1", NULL, NULL);
	EXPECT(r, status, id);
	t_peer_stop(&p);
}

Test(client, tls10_11_only)
{
	static const char *const x[] = { "-no_tls1_2", "-no_tls1_3",
	    "-cipher", "DEFAULT:@SECLEVEL=0", NULL };

	refused_server(x, 8, "BWK0740E");
}

Test(client, tls13_only)
{
	static const char *const x[] = { "-tls1_3", NULL };

	refused_server(x, 8, "BWK0742E");
}

Test(client, cbc_only)
{
	static const char *const x[] = { "-tls1_2", "-cipher",
	    "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA", NULL };

	refused_server(x, 8, "BWK0741E");
}

Test(client, chacha20_only)
{
	static const char *const x[] = { "-tls1_2", "-cipher",
	    "ECDHE-ECDSA-CHACHA20-POLY1305", NULL };

	refused_server(x, 8, "BWK0741E");
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

Test(client, rsa1024_server)
{
	static const char *const x[] = { "-cipher", "DEFAULT:@SECLEVEL=0",
	    NULL };
	struct peer p;
	struct run r;

	s_server(&p, "rsa1024", x);
	check(&r, &p, "srv1", "127.0.0.1", "--accept-first-use", NULL);
	EXPECT(r, 5, "BWK0322E");
	/* refused before anything was pinned */
	cr_assert_eq(t_cert_cmd(&r, "-show", "-server", "srv1", NULL), 4);
	t_peer_stop(&p);
}

Test(client, sha1_signed_certificate)
{
	static const char *const x[] = { "-cipher", "DEFAULT:@SECLEVEL=0",
	    NULL };
	struct peer p;
	struct run r;

	s_server(&p, "sha1", x);
	check(&r, &p, "srv1", "127.0.0.1", "--accept-first-use", NULL);
	EXPECT(r, 5, "BWK0323E");
	t_peer_stop(&p);
	/* refused before anything was pinned */
	cr_assert_eq(t_cert_cmd(&r, "-show", "-server", "srv1", NULL), 4);
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

/* A server that insists on a client certificate the client lacks. */
Test(client, server_requires_client_certificate)
{
	static const char *const x[] = { "-Verify", "1", "-tls1_2", NULL };
	struct peer p;
	struct run r;

	import("srv1", "ec384.pem", NULL);
	s_server(&p, "ec384", x);
	check(&r, &p, "srv1", "127.0.0.1", NULL, NULL);
	EXPECT(r, 5, "BWK0739E");
	cr_assert(t_contains(r.err, "bulwark-cert -add -client -server srv1"),
	    "%s", r.err);
	t_peer_stop(&p);
}

/*
 * By address, to a server whose self-signed certificate does not list
 * that address (the seed server's cert256.arm, as it usually is): the
 * real reason is that nothing trusts it, not a host-name mismatch.
 */
Test(client, unknown_server_by_unlisted_address_is_untrusted_not_misnamed)
{
	struct peer p;
	struct run r;

	s_server(&p, "ec384", NULL);
	/* 127.0.0.2 is this machine too, but not in the certificate */
	check(&r, &p, "srv1", "127.0.0.2", NULL, NULL);
	EXPECT(r, 5, "BWK0710E");
	cr_assert(!t_contains(r.err, "BWK0714E"), "%s", r.err);
	cr_assert(t_contains(r.err, "bulwark-cert -add -server srv1"), "%s",
	    r.err);
	t_peer_stop(&p);
}

Test(client, changed_certificate_by_unlisted_address_names_both_pins)
{
	struct peer p;
	struct run r;

	import("srv1", "ec256.pem", NULL);
	s_server(&p, "ec384", NULL);
	check(&r, &p, "srv1", "127.0.0.2", NULL, NULL);
	EXPECT(r, 5, "BWK0711E");
	cr_assert(!t_contains(r.err, "BWK0714E"), "%s", r.err);
	cr_assert(t_contains(r.err, "bulwark-cert -replace -server srv1"),
	    "%s", r.err);
	t_peer_stop(&p);
}

/*
 * A CA chain refused for one reason each: the message names that reason
 * under its own ID, never "does not chain to any CA root".
 */
static void
ca_refused(const char *leaf, const char *inter, const char *id)
{
	/* a 1024-bit intermediate needs OpenSSL's lowest security level */
	const char *extra[] = { "-cert_chain", NULL, "-cipher",
	    "DEFAULT:@SECLEVEL=0", NULL };
	struct peer p;
	struct run r;

	extra[1] = inter != NULL ? t_cert(inter) : NULL;
	import_ca("srv1", "ca.pem");
	s_server(&p, leaf, inter != NULL ? extra : extra + 2);
	check(&r, &p, "srv1", "127.0.0.1", NULL, NULL);
	EXPECT(r, 5, id);
	cr_assert(!t_contains(r.err, "BWK0717E"), "%s", r.err);
	cr_assert(t_contains(r.err, "only its ClientHello was sent"), "%s",
	    r.err);
	t_peer_stop(&p);
}

Test(client, ca_leaf_without_server_auth_eku)
{
	ca_refused("leaf-noserverauth", "inter.pem", "BWK0773E");
}

Test(client, ca_leaf_with_unknown_critical_extension)
{
	ca_refused("leaf-critext", "inter.pem", "BWK0777E");
}

Test(client, ca_leaf_outside_name_constraints)
{
	ca_refused("leaf-outside-nc", "inter-nc.pem", "BWK0776E");
}

Test(client, ca_intermediate_p224_key)
{
	ca_refused("leaf-via-p224", "inter-p224.pem", "BWK0322E");
}

Test(client, ca_intermediate_rsa1024_key)
{
	ca_refused("leaf-via-rsa1024", "inter-rsa1024.pem", "BWK0322E");
}

/* A CA certificate as the server's own: refused under a CA... */
Test(client, ca_certificate_as_leaf_refused_under_a_ca)
{
	ca_refused("ca-as-leaf", NULL, "BWK0725E");
}

/* ...accepted when it is the pin itself, as a self-signed cert256.arm is. */
Test(client, pinned_self_signed_ca_certificate_accepted)
{
	struct peer p;
	struct run r;

	import("srv1", "ss-ca.pem", NULL);
	s_server(&p, "ss-ca", NULL);
	check(&r, &p, "srv1", "127.0.0.1", NULL, NULL);
	EXPECT(r, 0, "BWK0720I");
	cr_assert(t_contains(r.out, "trust rule:  pinned"), "%s", r.out);
	t_peer_stop(&p);
}

Test(client, pinned_ca_as_leaf_accepted)
{
	struct peer p;
	struct run r;

	import("srv1", "ca-as-leaf.pem", NULL);
	s_server(&p, "ca-as-leaf", NULL);
	check(&r, &p, "srv1", "127.0.0.1", NULL, NULL);
	EXPECT(r, 0, "BWK0720I");
	t_peer_stop(&p);
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
