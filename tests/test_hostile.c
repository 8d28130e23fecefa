/*
 * bulwark check against hostile servers that no Debian server can play:
 * a forged first flight (tests/rawtls.c) chosen to trip one check each.
 * Every case asserts the message ID and exit status, and, from what the
 * forged server recorded, that nothing but the ClientHello (and alerts)
 * reached a server the client refused: no client certificate, no key
 * exchange, no signature. The first test is the positive control: the
 * recorder does see a key exchange when the client sends one.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "rawtls.h"

static void setup(void) { t_need_sandbox(); t_tmpdir(); }
static void teardown(void) { t_cleanup(); }

TestSuite(hostile, .init = setup, .fini = teardown, .timeout = 60);

#define P384	24

static void
import(const char *server, const char *file)
{
	struct run r;

	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", server, "-file",
	    t_cert(file), NULL), 0, "%s", r.err);
}

static void
client_key(const char *server)
{
	struct run r;

	cr_assert_eq(t_cert_cmd(&r, "-add", "-client", "-server", server,
	    "-file", t_cert("ec256.pem"), "-key", t_cert("ec256.key"), NULL), 0,
	    "%s", r.err);
}

/* bulwark check of server srv1 at the forged server; extra: stanza lines */
static void
check(struct run *r, const struct raw_server *srv, const char *extra,
    const char *policy)
{
	char text[2048], path[600];
	const char *argv[] = { "check", "--sysfile", path, NULL, NULL, NULL };

	snprintf(path, sizeof(path), "%s/bulwark.sys", t_tmpdir());
	snprintf(text, sizeof(text), "SERVERNAME srv1\n"
	    "   TCPSERVERADDRESS 127.0.0.1\n   TCPPORT %s\n%s%s", srv->port,
	    extra && strstr(extra, "SSLACCEPTCERTFROMSERV") ? "" :
	    "   SSLACCEPTCERTFROMSERV NO\n", extra ? extra : "");
	cr_assert_eq(t_write(path, (const uint8_t *)text, strlen(text), 0644),
	    0);
	if (policy != NULL) {
		argv[3] = "--policy";
		argv[4] = policy;
	}
	t_run(r, "bulwark", argv, NULL);
}

#define EXPECT(r, want, id) do {					\
	cr_assert_eq((r).status, (want), "want exit %d, got %d:\n%s%s",	\
	    (want), (r).status, (r).out, (r).err);			\
	cr_assert(t_contains((r).err, id), "want %s:\n%s%s", id,	\
	    (r).out, (r).err);						\
} while (0)

/* The forged server saw the ClientHello and then nothing but alerts. */
#define NOTHING_SENT(rec, r) do {					\
	cr_assert((rec).got_hello, "no ClientHello arrived");		\
	cr_assert_eq((rec).other_bytes, 0, "the client sent %zu bytes "	\
	    "past its ClientHello (certificate %d, key exchange %d, "	\
	    "signature %d):\n%s", (rec).other_bytes,			\
	    (rec).saw_certificate, (rec).saw_key_exchange,		\
	    (rec).saw_cert_verify, (r).err);				\
	cr_assert(t_contains((r).err, "only its ClientHello was sent"),	\
	    "the message must say what was sent:\n%s", (r).err);	\
	cr_assert(!t_contains((r).err, "BWK0520I"),			\
	    "the helper signed for a refused server:\n%s", (r).err);	\
} while (0)

/* A first flight as a real server sends it, with hello choices h. */
struct flight {
	struct raw_hello	 hello;
	const char		*cert;		/* PEM, default ec384.pem */
	const char		*key;		/* its key, default ec384.key */
	uint16_t		 group;		/* default P-384 */
	int			 cert_request;
};

static void
play_flight(struct raw_conn *c, void *arg)
{
	const struct flight *f = arg;
	const char *certs[2] = { t_cert(f->cert ? f->cert : "ec384.pem"),
	    NULL };

	raw_server_hello(c, &f->hello);
	raw_certificate_files(c, certs);
	raw_key_exchange(c, f->group ? f->group : P384,
	    t_cert(f->key ? f->key : "ec384.key"));
	if (f->cert_request)
		raw_certificate_request(c);
	raw_hello_done(c);
}

static void
run_flight(struct flight *f, struct run *r, struct raw_record *rec,
    const char *extra, const char *policy)
{
	struct raw_server srv;

	raw_start(&srv, play_flight, f);
	check(r, &srv, extra, policy);
	raw_finish(&srv, rec);
}

Test(hostile, positive_control_key_exchange_is_seen)
{
	struct flight f = { .cert_request = 1 };
	struct raw_record rec;
	struct run r;

	import("srv1", "ec384.pem");
	client_key("srv1");
	run_flight(&f, &r, &rec, NULL, NULL);
	/* every check passed: the client answered, and the forged server,
	 * which cannot finish, hung up */
	cr_assert(rec.saw_certificate && rec.saw_key_exchange &&
	    rec.saw_cert_verify, "the recorder is blind: %s", r.err);
	EXPECT(r, 8, "BWK0744E");
	cr_assert(t_contains(r.err, "had sent its key exchange"), "%s", r.err);
	cr_assert(t_contains(r.err, "BWK0520I"), "%s", r.err);
}

Test(hostile, no_ems_refused_before_client_certificate)
{
	struct flight f = { .hello.no_ems = 1, .cert_request = 1 };
	struct raw_record rec;
	struct run r;

	import("srv1", "ec384.pem");
	client_key("srv1");
	run_flight(&f, &r, &rec, NULL, NULL);
	EXPECT(r, 8, "BWK0732E");
	NOTHING_SENT(rec, r);
}

Test(hostile, wrong_expected_fingerprint_refused_before_client_certificate)
{
	struct flight f = { .cert_request = 1 };
	struct raw_record rec;
	struct run r;
	char extra[200];

	import("srv1", "ec384.pem");
	client_key("srv1");
	snprintf(extra, sizeof(extra), "   BWKSERVERFINGERPRINT %064d\n", 0);
	run_flight(&f, &r, &rec, extra, NULL);
	EXPECT(r, 5, "BWK0723E");
	NOTHING_SENT(rec, r);
}

Test(hostile, changed_pin_refused_before_key_exchange)
{
	struct flight f = { .cert_request = 1 };
	struct raw_record rec;
	struct run r;

	import("srv1", "ec256.pem");
	client_key("srv1");
	run_flight(&f, &r, &rec, NULL, NULL);
	EXPECT(r, 5, "BWK0711E");
	NOTHING_SENT(rec, r);
}

Test(hostile, sha1_chain_refused_before_key_exchange)
{
	struct flight f = { .cert = "sha1.pem", .key = "ec384.key" };
	struct raw_record rec;
	struct run r;

	run_flight(&f, &r, &rec, "   SSLACCEPTCERTFROMSERV YES\n", NULL);
	EXPECT(r, 5, "BWK0323E");
	NOTHING_SENT(rec, r);
	cr_assert_eq(t_cert_cmd(&r, "-show", "-server", "srv1", NULL), 4,
	    "nothing may be pinned");
}

/* The right certificate, replayed by someone without its key. */
Test(hostile, key_exchange_not_signed_by_the_certificate_key)
{
	struct flight f = { .key = "ec256.key", .cert_request = 1 };
	struct raw_record rec;
	struct run r;

	import("srv1", "ec384.pem");
	client_key("srv1");
	run_flight(&f, &r, &rec, NULL, NULL);
	EXPECT(r, 5, "BWK0728E");
	NOTHING_SENT(rec, r);
}

Test(hostile, group_outside_a_stricter_policy)
{
	const char *pol = "protocol TLSv1.2\n"
	    "suites ECDHE-ECDSA-AES256-GCM-SHA384 ECDHE-ECDSA-AES128-GCM-SHA256\n"
	    "groups P-256\n"
	    "signatures ECDSA+SHA256 ECDSA+SHA384\n"
	    "certificate-hashes SHA256 SHA384\n"
	    "min-rsa-bits 2048\nmin-ecc-bits 256\n"
	    "extended-master-secret required\nrenegotiation refused\n";
	struct flight f = { .cert_request = 1 };
	struct raw_record rec;
	struct run r;

	cr_assert_eq(t_write(t_path("p256.policy"), (const uint8_t *)pol,
	    strlen(pol), 0644), 0);
	import("srv1", "ec384.pem");
	client_key("srv1");
	run_flight(&f, &r, &rec, NULL, t_path("p256.policy"));
	EXPECT(r, 8, "BWK0734E");
	NOTHING_SENT(rec, r);
}

/* A pin does not lift the policy's key sizes or the key's stated use. */
Test(hostile, pinned_key_below_a_stricter_policy)
{
	const char *pol = "protocol TLSv1.2\n"
	    "suites ECDHE-ECDSA-AES256-GCM-SHA384 ECDHE-ECDSA-AES128-GCM-SHA256\n"
	    "groups P-256 P-384\n"
	    "signatures ECDSA+SHA256 ECDSA+SHA384\n"
	    "certificate-hashes SHA256 SHA384\n"
	    "min-rsa-bits 3072\nmin-ecc-bits 384\n"
	    "extended-master-secret required\nrenegotiation refused\n";
	struct flight f = { .cert = "ec256.pem", .key = "ec256.key" };
	struct raw_record rec;
	struct run r;

	cr_assert_eq(t_write(t_path("p384.policy"), (const uint8_t *)pol,
	    strlen(pol), 0644), 0);
	import("srv1", "ec256.pem");
	run_flight(&f, &r, &rec, NULL, t_path("p384.policy"));
	EXPECT(r, 5, "BWK0322E");
	cr_assert(t_contains(r.err, "min-ecc-bits 384"), "%s", r.err);
	NOTHING_SENT(rec, r);
}

Test(hostile, pinned_certificate_for_client_auth_only)
{
	struct flight f = { .cert = "clientonly.pem", .key = "clientonly.key" };
	struct raw_record rec;
	struct run r;
	struct run imp;

	cr_assert_eq(t_cert_cmd(&imp, "-add", "-server", "srv1", "-file",
	    t_cert("clientonly.pem"), NULL), 0, "%s", imp.err);
	run_flight(&f, &r, &rec, NULL, NULL);
	EXPECT(r, 5, "BWK0773E");
	NOTHING_SENT(rec, r);
}

Test(hostile, group_never_offered)
{
	struct flight f = { .group = 29 };	/* X25519 */
	struct raw_record rec;
	struct run r;

	import("srv1", "ec384.pem");
	run_flight(&f, &r, &rec, NULL, NULL);
	EXPECT(r, 8, "BWK0738E");
	cr_assert(t_contains(r.err, "group"), "%s", r.err);
	NOTHING_SENT(rec, r);
}

Test(hostile, suite_never_offered)
{
	struct flight f = { .hello.suite = 0xc023 };	/* CBC */
	struct raw_record rec;
	struct run r;

	import("srv1", "ec384.pem");
	run_flight(&f, &r, &rec, NULL, NULL);
	EXPECT(r, 8, "BWK0741E");
	cr_assert_eq(rec.other_bytes, 0);
}

Test(hostile, duplicate_extensions)
{
	struct flight f = { .hello.duplicate_ext = 1 };
	struct raw_record rec;
	struct run r;

	import("srv1", "ec384.pem");
	run_flight(&f, &r, &rec, NULL, NULL);
	EXPECT(r, 8, "BWK0751E");
	cr_assert(t_contains(r.err, "twice"), "%s", r.err);
	NOTHING_SENT(rec, r);
}

static void
play_resume(struct raw_conn *c, void *arg)
{
	struct raw_hello h = { .session_id_len = 32 };

	(void)arg;
	raw_server_hello(c, &h);
	raw_record(c, 0x14, "\x01", 1);	/* ChangeCipherSpec: "resumed" */
}

static void
play_no_certificate(struct raw_conn *c, void *arg)
{
	struct raw_hello h = { 0 };

	(void)arg;
	raw_server_hello(c, &h);
	raw_handshake(c, 11, "\0\0\0", 3);	/* an empty Certificate */
	raw_key_exchange(c, P384, NULL);
	raw_hello_done(c);
}

static void
play_hello_request(struct raw_conn *c, void *arg)
{
	struct raw_hello h = { 0 };

	(void)arg;
	raw_server_hello(c, &h);
	raw_handshake(c, 0, NULL, 0);	/* HelloRequest */
}

static void
play_alert(struct raw_conn *c, void *arg)
{
	(void)arg;
	raw_record(c, 0x15, "\x02\x50", 2);	/* fatal internal_error */
}

static void
play_oversize(struct raw_conn *c, void *arg)
{
	static uint8_t body[20480];

	(void)arg;
	raw_record(c, 0x16, body, sizeof(body));
}

static void
play_truncated(struct raw_conn *c, void *arg)
{
	(void)arg;
	/* a record header for 100 bytes, 6 of them, then the end */
	raw_send(c, "\x16\x03\x03\x00\x64\x02\x00\x00\x60\x03\x03", 11);
	raw_close(c);
}

static void
play_half_flight(struct raw_conn *c, void *arg)
{
	struct raw_hello h = { 0 };
	const char *certs[] = { t_cert("ec384.pem"), NULL };

	(void)arg;
	raw_server_hello(c, &h);
	raw_certificate_files(c, certs);
	raw_close(c);		/* no key exchange, no ServerHelloDone */
}

static void
play_long_chain(struct raw_conn *c, void *arg)
{
	struct raw_hello h = { 0 };
	uint8_t *der;
	size_t len;

	(void)arg;
	raw_server_hello(c, &h);
	cr_assert_eq(t_read(t_cert("ec256.der"), &der, &len), 0);
	raw_certificate_copies(c, der, len, 100);
	free(der);
	raw_hello_done(c);
}

static void
play_huge_chain(struct raw_conn *c, void *arg)
{
	struct raw_hello h = { 0 };
	uint8_t *big = calloc(1, 1 << 20);

	(void)arg;
	cr_assert_not_null(big);
	big[0] = 0x30;		/* shaped like a certificate, 1 MiB long */
	raw_server_hello(c, &h);
	raw_certificate_copies(c, big, 1 << 20, 1);
	free(big);
}

static void
play_silent(struct raw_conn *c, void *arg)
{
	(void)arg;
	raw_settle(c, 8000);
}

/* One byte every 700 ms: each wait is short, the whole never ends. */
static void
play_trickle(struct raw_conn *c, void *arg)
{
	static const uint8_t hello[] = { 0x16, 3, 3, 0, 80, 2, 0, 0, 76, 3, 3 };

	(void)arg;
	for (size_t i = 0; i < sizeof(hello); i++) {
		raw_send(c, hello + i, 1);
		raw_settle(c, 700);
	}
}

static void
play_zeros(struct raw_conn *c, void *arg)
{
	static uint8_t z[65536];

	(void)arg;
	raw_send(c, z, sizeof(z));
}

struct raw_case {
	raw_play	 play;
	int		 status;
	const char	*id;
	const char	*text;
};

static void
raw_case(const struct raw_case *k)
{
	struct raw_server srv;
	struct raw_record rec;
	struct run r;

	import("srv1", "ec384.pem");
	client_key("srv1");
	raw_start(&srv, k->play, NULL);
	check(&r, &srv, NULL, NULL);
	raw_finish(&srv, &rec);
	EXPECT(r, k->status, k->id);
	if (k->text != NULL)
		cr_assert(t_contains(r.err, k->text), "want '%s':\n%s", k->text,
		    r.err);
	cr_assert_eq(rec.other_bytes, 0, "%s", r.err);
}

Test(hostile, resumes_a_session_never_offered)
{
	raw_case(&(struct raw_case){ play_resume, 8, "BWK0752E", NULL });
}

Test(hostile, no_certificate)
{
	raw_case(&(struct raw_case){ play_no_certificate, 5, "BWK0726E", NULL });
}

Test(hostile, hello_request_during_handshake)
{
	raw_case(&(struct raw_case){ play_hello_request, 8, "BWK0750E", NULL });
}

Test(hostile, fatal_alert_instead_of_server_hello)
{
	raw_case(&(struct raw_case){ play_alert, 8, "BWK0747E",
	    "internal_error" });
}

Test(hostile, record_longer_than_tls_allows)
{
	raw_case(&(struct raw_case){ play_oversize, 8, "BWK0748E", NULL });
}

Test(hostile, zeros_are_not_tls)
{
	raw_case(&(struct raw_case){ play_zeros, 7, "BWK0743E", NULL });
}

Test(hostile, truncated_record_then_close)
{
	raw_case(&(struct raw_case){ play_truncated, 8, "BWK0744E", NULL });
}

Test(hostile, close_in_the_middle_of_the_flight)
{
	raw_case(&(struct raw_case){ play_half_flight, 8, "BWK0744E", NULL });
}

Test(hostile, chain_of_100_certificates)
{
	raw_case(&(struct raw_case){ play_long_chain, 5, "BWK0753E", NULL });
}

Test(hostile, chain_of_one_mebibyte)
{
	raw_case(&(struct raw_case){ play_huge_chain, 8, "BWK0749E", NULL });
}

/* The deadline covers the whole handshake, however the server trickles. */
static void
deadline_case(raw_play play)
{
	struct raw_server srv;
	struct raw_record rec;
	struct run r;

	import("srv1", "ec384.pem");
	raw_start(&srv, play, NULL);
	check(&r, &srv, "   BWKHANDSHAKETIMEOUT 2\n", NULL);
	raw_finish(&srv, &rec);
	EXPECT(r, 8, "BWK0746E");
	cr_assert(t_contains(r.err, "within 2 seconds"), "%s", r.err);
	cr_assert_eq(rec.other_bytes, 0);
}

Test(hostile, silent_server_deadline)
{
	deadline_case(play_silent);
}

Test(hostile, trickling_server_deadline)
{
	deadline_case(play_trickle);
}

/*
 * A connect that never completes: a listener whose accept queue is full
 * drops further SYNs, so the connect hangs as it would towards a dead
 * host, here on loopback.
 */
Test(hostile, connect_deadline)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	struct raw_server srv;
	struct run r;
	int l, fill[4], i;

	import("srv1", "ec384.pem");
	l = socket(AF_INET, SOCK_STREAM, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(l, 0), 0);
	cr_assert_eq(getsockname(l, (struct sockaddr *)&a, &al), 0);
	for (i = 0; i < 4; i++) {
		fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		(void)!connect(fill[i], (struct sockaddr *)&a, sizeof(a));
	}
	usleep(200000);
	memset(&srv, 0, sizeof(srv));
	snprintf(srv.port, sizeof(srv.port), "%d", ntohs(a.sin_port));
	check(&r, &srv, "   BWKHANDSHAKETIMEOUT 2\n", NULL);
	for (i = 0; i < 4; i++)
		close(fill[i]);
	close(l);
	EXPECT(r, 4, "BWK0708E");
	cr_assert(t_contains(r.err, "within 2 seconds"), "%s", r.err);
}
