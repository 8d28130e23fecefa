/*
 * bulwarkd against hostile clients, on loopback, with real peers:
 * plaintext, garbage, openssl s_client and gnutls-cli outside the policy,
 * clients that stop or trickle in the middle of the handshake, more
 * connections than MAXSESSIONS, forged frames after a real sign-on, a
 * sign-on brute force and a client gone in the middle of an object. Each
 * asserts the server's log line with its message ID; meanwhile, or right
 * after, a well-behaved client backs up and restores (procfix.c), and the
 * listener's descriptors, threads and children come back to what they
 * were before the attack, its RSS within a small slack.
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "../src/tls/objects.h"
#include "../src/tls/session.h"
#include "../src/tls/wire.h"
#include "helpers.h"
#include "nodefix.h"
#include "procfix.h"
#include "srvfix.h"

static void setup(void) { t_tmpdir(); }
static void teardown(void) { t_cleanup(); }

TestSuite(hostile_clients, .init = setup, .fini = teardown, .timeout = 120);

/* What the listener may grow by, in KiB: malloc's arenas settle. */
#define RSS_SLACK_KB	512

struct hc {
	struct srv		 v;
	const char		*sys;
	struct proc_count	 base;
};

/* The server, a first well-behaved round trip (it pins the server's
 * certificate), then the listener's counts once its sessions are gone. */
static void
hc_begin(struct hc *h, const char *srvopts)
{
	int i;

	memset(h, 0, sizeof(*h));
	h->sys = hostile_setup(&h->v, srvopts);
	well_behaved(&h->v, h->sys, "before");
	for (i = 0; i < 200; i++) {
		proc_count(h->v.p.pid, &h->base);
		if (h->base.children == 0)
			break;
		usleep(50000);
	}
	cr_assert_eq(h->base.children, 0, "the listener's sessions and expiry "
	    "did not end");
}

/* The server's log holds id with text; the well-behaved client is served
 * after the attack, and the listener is back where it was. */
static void
hc_end(struct hc *h, const char *what)
{
	well_behaved(&h->v, h->sys, "after");
	proc_back_to(h->v.p.pid, &h->base, RSS_SLACK_KB, what);
	cr_assert(!t_contains(srv_log(&h->v), "BWK1018W"), "a session was "
	    "killed by a signal:\n%s", srv_log(&h->v));
	t_peer_stop(&h->v.p);
}

static void
expect_log(struct hc *h, const char *id, const char *text)
{
	const char *log = srv_log_wait(&h->v, id);

	cr_assert(t_contains(log, id), "no %s in the server's log:\n%s", id,
	    log);
	cr_assert(t_contains(log, text), "no \"%s\" in the server's log:\n%s",
	    text, log);
}

static int
count_of(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return n;
}

/* Waits until the log holds n lines with id (15 seconds at most). */
static const char *
log_count(struct hc *h, const char *id, int n)
{
	const char *log = srv_log(&h->v);
	int i;

	for (i = 0; i < 300 && count_of(log, id) < n; i++) {
		usleep(50000);
		log = srv_log(&h->v);
	}
	return log;
}

/* Everything the server sends until it closes, or ms of silence. */
static size_t
drain(int s, int ms)
{
	struct pollfd pf = { s, POLLIN, 0 };
	uint8_t b[4096];
	size_t total = 0;
	ssize_t n;

	while (poll(&pf, 1, ms) == 1 && (n = recv(s, b, sizeof(b), 0)) > 0)
		total += (size_t)n;
	return total;
}

/*
 * A real ClientHello, as openssl s_client sends it for TLS 1.2 with the
 * policy's suites and the extended master secret: caught on a socket of
 * ours, the client stopped once it is whole.
 */
static size_t
client_hello(uint8_t *b, size_t max)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	char connect[32];
	size_t have = 0, want = 5;
	ssize_t n;
	pid_t pid;
	int ls, s;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_neq(ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), -1);
	cr_assert_eq(bind(ls, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(ls, 1), 0);
	cr_assert_eq(getsockname(ls, (struct sockaddr *)&a, &al), 0);
	snprintf(connect, sizeof(connect), "127.0.0.1:%d", ntohs(a.sin_port));
	fflush(NULL);
	if ((pid = fork()) == 0) {
		int null = open("/dev/null", 0);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execl("/usr/bin/openssl", "openssl", "s_client", "-tls1_2",
		    "-connect", connect, (char *)NULL);
		_exit(127);
	}
	cr_assert_gt(pid, 0);
	cr_assert_neq(s = accept(ls, NULL, NULL), -1);
	while (have < want && (n = read(s, b + have, want - have)) > 0) {
		have += (size_t)n;
		if (have == 5)
			want = 5 + ((size_t)b[3] << 8 | b[4]);
		cr_assert_leq(want, max);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(s);
	close(ls);
	cr_assert_eq(have, want, "no whole ClientHello from openssl");
	cr_assert_eq(b[0], 0x16);
	return have;
}

/* ---- bytes that are not a TLS session */

Test(hostile_clients, plaintext_on_the_tls_port)
{
	struct hc h;
	char buf[512];
	ssize_t n;
	int s;

	hc_begin(&h, NULL);
	s = raw_connect(&h.v);
	cr_assert_eq(write(s, "GET / HTTP/1.0\r\n\r\n", 18), 18);
	n = read(s, buf, sizeof(buf) - 1);
	cr_assert_gt(n, 0);
	buf[n] = '\0';
	close(s);
	cr_assert(strstr(buf, "BWK1051E this server speaks TLS 1.2 only") !=
	    NULL, "%s", buf);
	expect_log(&h, "BWK1051E", "does not speak TLS");
	hc_end(&h, "after a plaintext client");
}

/* 64 KiB of noise behind a handshake record's first byte: wolfSSL's
 * record layer is fed it, and the session ends. */
Test(hostile_clients, sixty_four_kib_of_garbage)
{
	static uint8_t g[64 * 1024];
	uint32_t x = 0x12345678;
	struct hc h;
	size_t i, off = 0;
	ssize_t n;
	int s;

	hc_begin(&h, NULL);
	for (i = 0; i < sizeof(g); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		g[i] = (uint8_t)x;
	}
	g[0] = 0x16;
	s = raw_connect(&h.v);
	while (off < sizeof(g) && (n = send(s, g + off, sizeof(g) - off,
	    MSG_NOSIGNAL)) > 0)
		off += (size_t)n;
	(void)drain(s, 5000);
	close(s);
	expect_log(&h, "BWK1056E", "broke the record layer");
	/* and the same noise without the first byte: told in plain text */
	g[0] = 'x';
	s = raw_connect(&h.v);
	off = 0;
	while (off < sizeof(g) && (n = send(s, g + off, sizeof(g) - off,
	    MSG_NOSIGNAL)) > 0)
		off += (size_t)n;
	(void)drain(s, 5000);
	close(s);
	expect_log(&h, "BWK1051E", "does not speak TLS");
	hc_end(&h, "after 64 KiB of garbage");
}

/* ---- real TLS clients outside the policy */

static void
openssl_refused(const char *const *opts, const char *id, const char *text,
    const char *what)
{
	const char *argv[16] = { "openssl", "s_client", "-connect", NULL };
	char connect[32];
	struct run r;
	struct hc h;
	int n = 4, signatures;

	hc_begin(&h, NULL);
	snprintf(connect, sizeof(connect), "127.0.0.1:%s", h.v.port);
	argv[3] = connect;
	while (*opts != NULL)
		argv[n++] = *opts++;
	argv[n] = NULL;
	signatures = count_of(srv_log(&h.v), "TLS server signature");
	t_run_any(&r, argv);
	cr_assert(!t_contains(r.out, "Verify return code") ||
	    t_contains(r.out, "Cipher is (NONE)"), "openssl made a session "
	    "(%s):\n%s", what, r.out);
	expect_log(&h, id, text);
	cr_assert_eq(count_of(srv_log(&h.v), "TLS server signature"),
	    signatures, "the server signed a key exchange for %s:\n%s", what,
	    srv_log(&h.v));
	hc_end(&h, what);
}

Test(hostile_clients, tls_1_0_client)
{
	openssl_refused((const char *[]){ "-tls1", "-cipher",
	    "DEFAULT@SECLEVEL=0", NULL }, "BWK1940E", "offers TLS 1.0 at most",
	    "a TLS 1.0 client");
}

Test(hostile_clients, tls_1_1_client)
{
	openssl_refused((const char *[]){ "-tls1_1", "-cipher",
	    "DEFAULT@SECLEVEL=0", NULL }, "BWK1940E", "offers TLS 1.1 at most",
	    "a TLS 1.1 client");
}

Test(hostile_clients, tls_1_3_only_client)
{
	openssl_refused((const char *[]){ "-tls1_3", NULL }, "BWK1940E",
	    "offers TLS 1.3 only", "a TLS 1.3-only client");
}

Test(hostile_clients, cbc_suites_only)
{
	openssl_refused((const char *[]){ "-tls1_2", "-cipher",
	    "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA:"
	    "ECDHE-RSA-AES128-SHA", NULL }, "BWK1057E",
	    "offered no TLS 1.2 suite of the policy", "a CBC-only client");
}

Test(hostile_clients, chacha20_only)
{
	openssl_refused((const char *[]){ "-tls1_2", "-cipher",
	    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305",
	    NULL }, "BWK1057E", "offered no TLS 1.2 suite of the policy",
	    "a ChaCha20-only client");
}

Test(hostile_clients, gnutls_without_extended_master_secret)
{
	const char *argv[] = { "gnutls-cli", "--insecure", "--priority",
	    "NORMAL:-VERS-ALL:+VERS-TLS1.2:%NO_SESSION_HASH", "-p", NULL,
	    "127.0.0.1", NULL };
	struct run r;
	struct hc h;
	int signatures;

	hc_begin(&h, NULL);
	argv[5] = h.v.port;
	signatures = count_of(srv_log(&h.v), "TLS server signature");
	t_run_any(&r, argv);
	cr_assert_neq(r.status, 0, "gnutls-cli made a session: %s", r.out);
	expect_log(&h, "BWK1053E", "did not offer the extended master secret");
	cr_assert_eq(count_of(srv_log(&h.v), "TLS server signature"),
	    signatures, "the server signed a key exchange for it:\n%s",
	    srv_log(&h.v));
	hc_end(&h, "after a client without EMS");
}

/* ---- clients that stop or trickle */

/*
 * A whole ClientHello, the server's first flight read, then silence (one
 * connection) or a close (another): the first is ended at
 * BWKHANDSHAKETIMEOUT, the second at once; the well-behaved client is
 * served while the first still hangs.
 */
Test(hostile_clients, stops_in_the_middle_of_the_handshake)
{
	static uint8_t hello[4096];
	size_t n = client_hello(hello, sizeof(hello));
	struct hc h;
	int stall, gone;

	hc_begin(&h, "BWKHANDSHAKETIMEOUT 4\n");
	stall = raw_connect(&h.v);
	gone = raw_connect(&h.v);
	cr_assert_eq(send(stall, hello, n, MSG_NOSIGNAL), (ssize_t)n);
	cr_assert_eq(send(gone, hello, n, MSG_NOSIGNAL), (ssize_t)n);
	/* the server's hello, certificate, key exchange and done */
	cr_assert_gt(drain(stall, 1000), 100, "no first flight came");
	cr_assert_gt(drain(gone, 1000), 100, "no first flight came");
	close(gone);
	expect_log(&h, "BWK1058E", "closed the connection during the TLS "
	    "handshake");
	well_behaved(&h.v, h.sys, "during");
	expect_log(&h, "BWK1055E", "did not complete the TLS handshake within "
	    "4 seconds");
	(void)drain(stall, 2000);
	close(stall);
	hc_end(&h, "after clients that stopped mid-handshake");
}

/*
 * Slow-loris: 16 connections that each send their ClientHello one byte a
 * second. Each is ended at the handshake's deadline (a deadline for the
 * whole handshake, not for each read); the well-behaved client is
 * served while they trickle.
 */
#define LORIS	16

Test(hostile_clients, slow_loris_on_many_connections)
{
	static uint8_t hello[4096];
	size_t n = client_hello(hello, sizeof(hello));
	struct hc h;
	int s[LORIS], i, st;
	pid_t pid;

	hc_begin(&h, "BWKHANDSHAKETIMEOUT 3\nMAXSESSIONS 40\n");
	for (i = 0; i < LORIS; i++)
		s[i] = raw_connect(&h.v);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		size_t k;

		/* a byte a second on each, for longer than the deadline */
		for (k = 0; k < 8 && k < n; k++) {
			for (i = 0; i < LORIS; i++)
				(void)send(s[i], hello + k, 1, MSG_NOSIGNAL |
				    MSG_DONTWAIT);
			sleep(1);
		}
		_exit(0);
	}
	cr_assert_gt(pid, 0);
	well_behaved(&h.v, h.sys, "during");
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	for (i = 0; i < LORIS; i++)
		close(s[i]);
	cr_assert_geq(count_of(log_count(&h, "did not complete the TLS "
	    "handshake within 3 seconds", LORIS), "did not complete the TLS "
	    "handshake within 3 seconds"), LORIS, "%s", srv_log(&h.v));
	expect_log(&h, "BWK1055E", "did not complete the TLS handshake");
	hc_end(&h, "after a slow-loris");
}

/*
 * MAXSESSIONS 2: two connections hold both; a real client is refused
 * with the reason (BWK1068E); past the eight refusals the listener
 * keeps, connections are closed at once (BWK1015W). Once they go, the
 * well-behaved client is served and nothing of them is left.
 */
Test(hostile_clients, more_connections_than_maxsessions)
{
	struct hc h;
	struct run r;
	int s[14], i;

	hc_begin(&h, "MAXSESSIONS 2\nBWKHANDSHAKETIMEOUT 60\n");
	for (i = 0; i < 2; i++)
		s[i] = raw_connect(&h.v);
	log_count(&h, "BWK1017I", 2 + 2);
	client(&r, h.sys, (const char *[]){ "query", "filespace", NULL });
	cr_assert_neq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1068E"), "%s", r.err);
	cr_assert(t_contains(r.err, "MAXSESSIONS"), "%s", r.err);
	expect_log(&h, "BWK1068E", "MAXSESSIONS");
	for (i = 2; i < 14; i++)
		s[i] = raw_connect(&h.v);
	expect_log(&h, "BWK1015W", "refused: 10 sessions and refusals already "
	    "run (MAXSESSIONS 2)");
	for (i = 0; i < 14; i++)
		close(s[i]);
	/* the sessions they held end as they see the close */
	srv_idle(&h.v);
	hc_end(&h, "after more connections than MAXSESSIONS");
}

/* ---- forged frames after a real sign-on */

static struct wire_frame frame;
static struct wire_out out;

/* The server's ERROR frame with that ID, then its close. */
static void
expect_error(struct relay *c, const char *want)
{
	char id[9], text[WIRE_TEXT_MAX + 1];
	int r;

	r = relay_recv(c, &frame, id);
	cr_assert_eq(r, 1, "the session ended without an ERROR (%s)", id);
	cr_assert_eq(frame.type, WIRE_ERROR, "a %s frame, not ERROR",
	    wire_type_name(frame.type));
	cr_assert_eq(wire_get(&frame.in, id, 8), 0);
	id[8] = '\0';
	cr_assert_eq(wire_get_text(&frame.in, text, WIRE_TEXT_MAX), 0);
	cr_assert_str_eq(id, want, "%s: %s", id, text);
	cr_assert_neq(relay_recv(c, &frame, NULL), 1, "a frame after ERROR");
	relay_stop(c);
}

static void
forged_header(struct hc *h, uint32_t len, uint16_t type, const char *id,
    const char *text)
{
	uint8_t hdr[WIRE_HDR_LEN] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16),
	    (uint8_t)(len >> 8), (uint8_t)len, (uint8_t)(type >> 8),
	    (uint8_t)type, 0, 0 };
	struct relay c;

	relay_start(&c, &h->v, "n1", NULL);
	relay_send_raw(&c, hdr, sizeof(hdr));
	expect_error(&c, id);
	expect_log(h, id, text);
}

Test(hostile_clients, frames_with_lengths_past_every_bound)
{
	struct relay c;
	struct hc h;
	char name[200];

	hc_begin(&h, NULL);
	/* the header's length: the largest, one past the bound, and a
	 * header whose reserved bytes are not zero */
	forged_header(&h, 0xffffffffu, WIRE_DATA, "BWK1061E", "BWK1061E");
	forged_header(&h, WIRE_MAX_PAYLOAD + 1, WIRE_QUERY_BACKUP, "BWK1061E",
	    "BWK1061E");
	/* a field's length past its frame: a path of 4095 bytes announced
	 * in a frame of ten */
	relay_start(&c, &h.v, "n1", NULL);
	wire_begin(&out, WIRE_QUERY_BACKUP);
	wire_put_n16(&out, 4095);
	wire_put(&out, "/home", 5);
	relay_send(&c, &out);
	expect_error(&c, "BWK1501E");
	/* a name past WIRE_PATH_MAX, in a frame within its bound */
	relay_start(&c, &h.v, "n1", NULL);
	wire_begin(&out, WIRE_QUERY_BACKUP);
	wire_put_n16(&out, WIRE_PATH_MAX + 1);
	memset(name, 'a', sizeof(name));
	{
		int k;

		for (k = 0; k < (WIRE_PATH_MAX + 1) / (int)sizeof(name) + 1; k++)
			wire_put(&out, name, sizeof(name));
	}
	relay_send(&c, &out);
	expect_error(&c, "BWK1501E");
	expect_log(&h, "BWK1501E", "a malformed QUERY_BACKUP");
	hc_end(&h, "after frames past their bounds");
}

Test(hostile_clients, unknown_frame_type)
{
	struct relay c;
	struct hc h;

	hc_begin(&h, NULL);
	relay_start(&c, &h.v, "n1", NULL);
	wire_begin(&out, 0x7e7e);
	wire_put_n32(&out, 0xdeadbeef);
	relay_send(&c, &out);
	expect_error(&c, "BWK1067E");
	expect_log(&h, "BWK1067E", "(type 0x7e7e) is not allowed here");
	hc_end(&h, "after an unknown frame type");
}

/* ---- a sign-on brute force */

/*
 * Sixteen wrong passwords for node n2, eight at once, twice: the node
 * locks at the fifth failure whatever the order (the log says so), its
 * right password is then refused as well, and node n1 backs up and
 * restores meanwhile. The brute force's client is server srv2 of the
 * same key database (one node's password a server).
 */
Test(hostile_clients, sign_on_brute_force_locks_the_node)
{
	const char *reg[] = { "--instance", NULL, "node", "register", "n2",
	    NULL };
	char text[512], path[600];
	const char *argv[] = { "check", "--sysfile", path, NULL };
	struct run r;
	struct hc h;
	pid_t pid[8];
	int round, i, st;

	hc_begin(&h, NULL);
	reg[1] = h.v.dir;
	t_run_input(&r, "bulwarkd", reg, "correct-horse-2\n");
	cr_assert_eq(r.status, 0, "%s", r.err);
	snprintf(path, sizeof(path), "%s/brute.sys", t_tmpdir());
	snprintf(text, sizeof(text), "SERVERNAME srv2\n TCPSERVERADDRESS "
	    "127.0.0.1\n TCPPORT %s\n SSLACCEPTCERTFROMSERV YES\n NODENAME "
	    "n2\n", h.v.port);
	cr_assert_eq(t_write(path, (const uint8_t *)text, strlen(text), 0644),
	    0);
	t_nodepw("srv2", "n2", "not-the-password");
	for (round = 0; round < 2; round++) {
		fflush(NULL);
		for (i = 0; i < 8; i++) {
			if ((pid[i] = fork()) == 0) {
				static struct run rr;

				t_run(&rr, "bulwark", argv, NULL);
				_exit(rr.status);
			}
			cr_assert_gt(pid[i], 0);
		}
		if (round == 0)
			well_behaved(&h.v, h.sys, "during");
		for (i = 0; i < 8; i++) {
			cr_assert_eq(waitpid(pid[i], &st, 0), pid[i]);
			cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 9,
			    "attempt %d: status %d", i, st);
		}
	}
	expect_log(&h, "BWK1075W", "the account is now locked");
	t_nodepw("srv2", "n2", "correct-horse-2");
	t_run(&r, "bulwark", argv, NULL);
	cr_assert_eq(r.status, 9, "%s%s", r.out, r.err);
	expect_log(&h, "BWK1075W", "the account is locked after too many "
	    "failed sign-ons");
	hc_end(&h, "after a sign-on brute force");
}

/* ---- a client gone in the middle of an object */

/* The versions QUERY_BACKUP lists for pattern in /home, any state. */
static int
versions_of(const struct srv *v, const char *pattern)
{
	static struct wire_object o;
	struct relay c;
	uint8_t more = 1;
	uint16_t count, i;
	int n = 0;

	relay_start(&c, v, "n1", NULL);
	wire_begin(&out, WIRE_QUERY_BACKUP);
	wire_put_path(&out, "/home");
	wire_put_path(&out, pattern);
	wire_put_n8(&out, WIRE_Q_INACTIVE);
	relay_send(&c, &out);
	while (more) {
		cr_assert_eq(relay_recv(&c, &frame, NULL), 1);
		cr_assert_eq(frame.type, WIRE_OBJECTS);
		cr_assert_eq(wire_get_n8(&frame.in, &more), 0);
		cr_assert_eq(wire_get_n16(&frame.in, &count), 0);
		for (i = 0; i < count; i++, n++)
			cr_assert_eq(wire_get_object(&frame.in, &o), 0);
	}
	wire_begin(&out, WIRE_BYE);
	relay_send(&c, &out);
	cr_assert_eq(relay_recv(&c, &frame, NULL), 1);
	relay_stop(&c);
	return n;
}

Test(hostile_clients, client_gone_in_the_middle_of_an_object)
{
	static uint8_t chunk[WIRE_DATA_MAX];
	const char *audit[] = { "--instance", NULL, "audit", NULL };
	struct relay c;
	struct run r;
	struct hc h;
	int i, files;

	hc_begin(&h, NULL);
	files = srv_content_files(&h.v, NULL, 0);
	relay_start(&c, &h.v, "n1", NULL);
	wire_begin(&out, WIRE_BACKUP);
	wire_put_path(&out, "/home");
	wire_put_path(&out, "/half");
	wire_put_n8(&out, WIRE_OBJ_FILE);
	wire_put_n32(&out, 0644);
	wire_put_n32(&out, 1000);
	wire_put_n32(&out, 100);
	wire_put_n64(&out, 1690000000000000000ULL);
	wire_put_n64(&out, 1690000000000000000ULL);
	wire_put_text(&out, "", WIRE_PATH_MAX);
	relay_send(&c, &out);
	memset(chunk, 'h', sizeof(chunk));
	for (i = 0; i < 20; i++) {
		wire_begin(&out, WIRE_DATA);
		wire_put(&out, chunk, sizeof(chunk));
		relay_send(&c, &out);
	}
	/* the client's network process dies: its connection drops */
	kill(c.pid, SIGKILL);
	waitpid(c.pid, NULL, 0);
	close(c.fd);
	expect_log(&h, "BWK1941W", "the session ended in the middle of "
	    "\"/home/half\", after");
	well_behaved(&h.v, h.sys, "during");
	cr_assert_eq(versions_of(&h.v, "/half"), 0, "a partial object is "
	    "listed");
	/* the well-behaved client's files at most, no partial one (audit
	 * finds a content file no version names) */
	cr_assert_leq(srv_content_files(&h.v, NULL, 0), files + 4, "the partial content "
	    "file stayed:\n%s", srv_log(&h.v));
	audit[1] = h.v.dir;
	t_run(&r, "bulwarkd", audit, NULL);
	cr_assert_eq(r.status, 0, "audit: %s%s", r.out, r.err);
	hc_end(&h, "after a client gone mid-object");
}
