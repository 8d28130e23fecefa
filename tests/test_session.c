/*
 * Sessions against a real peer (openssl s_server), with the network
 * process sandboxed exactly as in production: trust from the helper, a
 * client-certificate handshake whose signature the helper makes, and the
 * proof that the private key never enters the network process.
 */
#define _GNU_SOURCE	/* memmem */
#include <sys/mman.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/ecc.h>

#include "../src/tls/policy.h"
#include "../src/tls/bulwark.h"
#include "../src/tls/session.h"
#include "helpers.h"

static void setup(void) { t_need_sandbox(); t_tmpdir(); }
static void teardown(void) { t_cleanup(); }

TestSuite(session, .init = setup, .fini = teardown, .timeout = 60);

/* s_server with the server certificate ec384, asking for a client cert. */
static void
server_with_client_auth(struct peer *p)
{
	const char *argv[] = { "openssl", "s_server", "-accept", "PORT",
	    "-4", "-cert", t_cert("ec384.pem"), "-key", t_cert("ec384.key"),
	    "-Verify", "1", "-CAfile", t_cert("ec256.pem"), "-tls1_2",
	    "-naccept", "1", NULL };

	t_peer_start(p, argv, "ACCEPT");
}

static void
pin_and_client_key(void)
{
	struct run r;

	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", "srv1", "-file",
	    t_cert("ec384.pem"), NULL), 0, "%s", r.err);
	cr_assert_eq(t_cert_cmd(&r, "-add", "-client", "-server", "srv1",
	    "-file", t_cert("ec256.pem"), "-key", t_cert("ec256.key"), NULL), 0,
	    "%s", r.err);
}

static void
check(struct run *r, struct peer *p, const char *server, const char *extra)
{
	const char *argv[] = { "check", "--sysfile", NULL, NULL };

	(void)extra;
	argv[2] = t_sysfile(server, "127.0.0.1", p->portstr, 0, NULL);
	t_run(r, "bulwark", argv, NULL);
}

Test(session, client_auth_signed_by_helper_sandboxed)
{
	struct peer p;
	struct run r;

	pin_and_client_key();
	server_with_client_auth(&p);
	check(&r, &p, "srv1", NULL);
	cr_assert_eq(r.status, 0, "status %d\n%s\nserver: %s", r.status, r.err,
	    t_peer_log(&p));
	cr_assert(t_contains(r.out, "protocol:    TLSv1.2"), "%s", r.out);
	cr_assert(t_contains(r.out, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"), "%s", r.out);
	cr_assert(t_contains(r.out, "trust rule:  pinned"));
	cr_assert(t_contains(r.out, "client auth: certificate, signed by the "
	    "key helper"));
	cr_assert(t_contains(r.out, "BWK0720I"));
	/* the helper wrote its audit line for the one signature */
	cr_assert(t_contains(r.err, "BWK0520I"), "%s", r.err);
	/* and the server really verified the client certificate */
	t_peer_stop(&p);
	cr_assert(t_contains(t_peer_log(&p), "CN = ec256.test") ||
	    t_contains(t_peer_log(&p), "CN=ec256.test"), "%s", t_peer_log(&p));
}

Test(session, unknown_server_refused_with_fix)
{
	struct peer p;
	struct run r;

	server_with_client_auth(&p);
	check(&r, &p, "srvX", NULL);
	cr_assert_eq(r.status, 5, "status %d: %s", r.status, r.err);
	cr_assert(t_contains(r.err, "BWK0710E"), "%s", r.err);
	cr_assert(t_contains(r.err, "bulwark-cert -add -server srvX"));
	t_peer_stop(&p);
}

/* The private scalar d of a PEM EC key, big-endian. */
static void
ec_private_scalar(const char *path, uint8_t d[32])
{
	uint8_t *pem, der[512];
	size_t len;
	word32 idx = 0, dl = 32;
	int n;
	ecc_key k;

	cr_assert_eq(t_read(path, &pem, &len), 0);
	n = wc_KeyPemToDer(pem, (int)len, der, sizeof(der), NULL);
	cr_assert_gt(n, 0);
	cr_assert_eq(wc_ecc_init(&k), 0);
	cr_assert_eq(wc_EccPrivateKeyDecode(der, &idx, &k, (word32)n), 0);
	cr_assert_eq(wc_ecc_export_private_only(&k, d, &dl), 0);
	cr_assert_eq(dl, 32);
	wc_ecc_free(&k);
	free(pem);
}

Test(session, private_key_never_in_network_process)
{
	const char *argv[] = { "check", "--sysfile", NULL, NULL };
	char buf[4096];
	struct peer p;
	uint8_t d[32];
	int out, st;
	size_t got = 0;
	pid_t net, helper;

	if (geteuid() != 0)
		cr_skip_test("reading another process's memory needs root");
	pin_and_client_key();
	ec_private_scalar(t_cert("ec256.key"), d);
	server_with_client_auth(&p);
	argv[2] = t_sysfile("srv1", "127.0.0.1", p.portstr, 0, NULL);
	setenv("BULWARK_TEST_LINGER_MS", "3000", 1);
	net = t_spawn("bulwark", argv, &out);
	unsetenv("BULWARK_TEST_LINGER_MS");
	/* wait until the handshake is done and the process lingers */
	while (got < sizeof(buf) - 1) {
		struct pollfd pf = { out, POLLIN, 0 };
		ssize_t n;

		cr_assert_gt(poll(&pf, 1, 20000), 0, "no output: %.*s",
		    (int)got, buf);
		if ((n = read(out, buf + got, sizeof(buf) - 1 - got)) <= 0)
			break;
		got += (size_t)n;
		buf[got] = '\0';
		if (strstr(buf, "lingering") != NULL)
			break;
	}
	cr_assert(strstr(buf, "signed by the key helper") != NULL, "%s", buf);
	helper = t_child_of(net);
	cr_assert_gt(helper, 0, "the helper is a child of the network process");
	/* positive control: the scan finds the key where it is */
	cr_assert(t_memory_holds(helper, d, sizeof(d)),
	    "the scan does not find the key in the helper; the test is blind");
	cr_assert(!t_memory_holds(net, d, sizeof(d)),
	    "the private key is in the network process's memory");
	waitpid(net, &st, 0);
	close(out);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	t_peer_stop(&p);
}

/*
 * A renegotiation request ends the session: in a forked child that runs
 * the session code itself (sandboxed), the server is told to renegotiate
 * and the next read must fail with the policy's message.
 */
Test(session, renegotiation_request_ends_session)
{
	static struct session s;
	static struct tls_policy pol;
	struct session_opts o;
	struct peer p;
	pid_t pid;
	int st;

	pin_and_client_key();
	server_with_client_auth(&p);
	memset(&o, 0, sizeof(o));
	o.server = "srv1";
	o.host = "127.0.0.1";
	o.port = p.portstr;
	o.db = t_db();
	cr_assert_eq(policy_load(NULL, &pol), 0);
	o.policy = &pol;
	if ((pid = fork()) == 0) {
		char buf[64];

		if (session_prepare(&s, &o) == -1 ||
		    session_sandbox(&s, "nobody", 0) == -1 ||
		    session_connect(&s) == -1)
			_exit(10);
		/* s_server's "r" command: renegotiate this connection */
		if (write(p.stdin_fd, "r\n", 2) != 2)
			_exit(11);
		if (session_read(&s, buf, sizeof(buf)) != -1)
			_exit(12);
		_exit(s.anomaly == ANOM_RENEGOTIATION ? 0 : 13);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d\n%s", st,
	    t_peer_log(&p));
	t_peer_stop(&p);
}

/*
 * libbulwark as a program uses it (src/tls/bulwark.h): configure, prepare,
 * sandbox, connect, write and read back through gnutls-serv's echo, with
 * every message through the log callback and none on standard error.
 */
struct log_seen {
	char	ids[512];
};

static void
log_cb(void *arg, const char *id, const char *text)
{
	struct log_seen *l = arg;

	(void)text;
	strncat(l->ids, id, sizeof(l->ids) - strlen(l->ids) - 2);
	strcat(l->ids, " ");
}

static int
api_session(const char *server, const char *port, struct log_seen *seen,
    char *err_id)
{
	struct bwk_config *cfg = bwk_config_new();
	struct bwk *b = bwk_client();
	char buf[16] = "";
	int rc = 0;

	if (cfg == NULL || b == NULL)
		return 20;
	bwk_config_set_log(cfg, log_cb, seen);
	if (bwk_config_set_server(cfg, server) == -1 ||
	    bwk_config_set_address(cfg, "127.0.0.1", port) == -1 ||
	    bwk_config_set_db(cfg, t_db()) == -1 ||
	    bwk_configure(b, cfg) == -1)
		return 21;
	bwk_config_free(cfg);	/* the connection keeps its own copy */
	if (bwk_prepare(b) == -1 || bwk_sandbox(b, "nobody") == -1 ||
	    bwk_connect(b) == -1)
		rc = 22;
	else if (bwk_write(b, "ping\n", 5) != 5 || bwk_read(b, buf, 5) != 5 ||
	    memcmp(buf, "ping\n", 5) != 0)
		rc = 23;
	else if (bwk_conn_trust(b) != BWK_TRUST_PINNED)
		rc = 24;
	snprintf(err_id, 9, "%s", bwk_error_id(b));
	bwk_close(b);
	bwk_free(b);
	return rc;
}

static void
api_case(const char *server, int want_rc, const char *want_id)
{
	const char *argv[] = { "gnutls-serv", "--port", "PORT",
	    "--x509certfile", NULL, "--x509keyfile", NULL, "--echo", NULL };
	struct log_seen *seen;
	struct run r;
	struct peer p;
	int fds[2], st;
	pid_t pid;

	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", "srv1", "-file",
	    t_cert("ec384.pem"), NULL), 0, "%s", r.err);
	argv[4] = t_cert("ec384.pem");
	argv[6] = t_cert("ec384.key");
	t_peer_start(&p, argv, "done");
	cr_assert_eq(pipe(fds), 0);
	seen = mmap(NULL, sizeof(*seen) + 16, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(seen, MAP_FAILED);
	memset(seen, 0, sizeof(*seen) + 16);
	if ((pid = fork()) == 0) {
		/* nothing may reach standard error: it is a closed pipe now */
		close(fds[0]);
		dup2(fds[1], 2);
		close(fds[1]);
		_exit(api_session(server, p.portstr, seen,
		    (char *)(seen + 1)));
	}
	close(fds[1]);
	{
		char err[256];
		ssize_t n = read(fds[0], err, sizeof(err) - 1);

		cr_assert_leq(n, 0, "the library wrote to standard error: %.*s",
		    (int)n, err);
	}
	close(fds[0]);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == want_rc, "status %d, "
	    "messages %s", st, seen->ids);
	if (want_id != NULL) {
		cr_assert_str_eq((char *)(seen + 1), want_id);
		cr_assert(strstr(seen->ids, want_id) != NULL, "%s", seen->ids);
	}
	t_peer_stop(&p);
}

Test(session, library_session_reads_and_writes)
{
	api_case("srv1", 0, NULL);
}

Test(session, library_error_is_the_connections_own)
{
	/* srvX has no entry, and first use was not asked for */
	api_case("srvX", 22, "BWK0710E");
}
