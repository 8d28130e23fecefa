/*
 * The forged TLS 1.2 server of rawtls.h. It knows just enough TLS to
 * build a first flight by hand (record and handshake framing, an ECDHE
 * ServerKeyExchange signed with a test key) and to read what the client
 * answers; it never completes a handshake, and need not.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/random.h>
#include <wolfssl/wolfcrypt/sha256.h>
#include <wolfssl/wolfcrypt/sha512.h>

#include "helpers.h"
#include "rawtls.h"

#define REC_CCS		0x14
#define REC_ALERT	0x15
#define REC_HANDSHAKE	0x16

struct raw_conn {
	int		fd;
	uint8_t		client_random[32];
	uint8_t		server_random[32];
	struct raw_record rec;
};

static void
die(const char *what)
{
	fprintf(stderr, "rawtls: %s: %s\n", what, strerror(errno));
	_exit(90);
}

void
raw_send(struct raw_conn *c, const void *p, size_t n)
{
	const uint8_t *b = p;
	ssize_t w;

	while (n > 0) {
		w = send(c->fd, b, n, MSG_NOSIGNAL);
		if (w <= 0)
			return;		/* the client may hang up first */
		b += w;
		n -= (size_t)w;
	}
}

void
raw_record(struct raw_conn *c, int type, const void *body, size_t n)
{
	uint8_t h[5] = { (uint8_t)type, 3, 3, (uint8_t)(n >> 8), (uint8_t)n };

	raw_send(c, h, sizeof(h));
	raw_send(c, body, n);
}

void
raw_handshake(struct raw_conn *c, int msg_type, const void *body, size_t n)
{
	uint8_t *m = malloc(n + 4);

	if (m == NULL)
		die("malloc");
	m[0] = (uint8_t)msg_type;
	m[1] = (uint8_t)(n >> 16);
	m[2] = (uint8_t)(n >> 8);
	m[3] = (uint8_t)n;
	if (n > 0)
		memcpy(m + 4, body, n);
	/* records of at most 16 KiB, as a real server would cut them */
	for (size_t off = 0; off < n + 4; off += 16384)
		raw_record(c, REC_HANDSHAKE, m + off,
		    n + 4 - off < 16384 ? n + 4 - off : 16384);
	free(m);
}

const uint8_t *
raw_client_random(const struct raw_conn *c)
{
	return c->client_random;
}

static int
read_full(int fd, uint8_t *p, size_t n, int ms)
{
	struct pollfd pf = { fd, POLLIN, 0 };
	ssize_t r;

	while (n > 0) {
		if (poll(&pf, 1, ms) <= 0)
			return -1;
		if ((r = read(fd, p, n)) <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* The ClientHello, possibly over several records: keeps its random. */
static int
read_client_hello(struct raw_conn *c)
{
	uint8_t h[5], body[16384 + 2048], msg[4 + 38];
	size_t have = 0, len;

	while (have < sizeof(msg)) {
		if (read_full(c->fd, h, 5, 10000) == -1 || h[0] != REC_HANDSHAKE)
			return -1;
		len = (size_t)h[3] << 8 | h[4];
		if (len > sizeof(body) || read_full(c->fd, body, len, 10000) == -1)
			return -1;
		for (size_t i = 0; i < len && have < sizeof(msg); i++)
			msg[have++] = body[i];
	}
	if (msg[0] != 1)
		return -1;
	memcpy(c->client_random, msg + 6, 32);
	c->rec.got_hello = 1;
	/* the rest of the record it ended in was read and is dropped */
	return 0;
}

static void
put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void
raw_server_hello(struct raw_conn *c, const struct raw_hello *o)
{
	uint8_t b[256];
	size_t n = 0, ext_at, sid = (size_t)o->session_id_len;

	if (sid > 32)
		sid = 32;		/* TLS's limit, and the buffer's */

	b[n++] = 3;
	b[n++] = 3;
	memcpy(b + n, c->server_random, 32);
	n += 32;
	b[n++] = (uint8_t)sid;
	memset(b + n, 0x5a, sid);
	n += sid;
	put16(b + n, o->suite ? o->suite : 0xc02c);
	n += 2;
	b[n++] = 0;			/* no compression */
	ext_at = n;
	n += 2;
	/* renegotiation_info, empty: the secure-renegotiation indication */
	memcpy(b + n, "\xff\x01\x00\x01\x00", 5);
	n += 5;
	if (o->duplicate_ext) {
		memcpy(b + n, "\xff\x01\x00\x01\x00", 5);
		n += 5;
	}
	if (!o->no_ems) {
		memcpy(b + n, "\x00\x17\x00\x00", 4);
		n += 4;
	}
	memcpy(b + n, "\x00\x0b\x00\x02\x01\x00", 6);	/* uncompressed points */
	n += 6;
	put16(b + ext_at, n - ext_at - 2);
	raw_handshake(c, 2, b, n);
}

static void
certificate_msg(struct raw_conn *c, uint8_t *const *der, const size_t *len,
    size_t n)
{
	size_t total = 0, off = 3, i;
	uint8_t *m;

	for (i = 0; i < n; i++)
		total += 3 + len[i];
	if ((m = malloc(total + 3)) == NULL)
		die("malloc");
	m[0] = (uint8_t)(total >> 16);
	m[1] = (uint8_t)(total >> 8);
	m[2] = (uint8_t)total;
	for (i = 0; i < n; i++) {
		m[off] = (uint8_t)(len[i] >> 16);
		m[off + 1] = (uint8_t)(len[i] >> 8);
		m[off + 2] = (uint8_t)len[i];
		memcpy(m + off + 3, der[i], len[i]);
		off += 3 + len[i];
	}
	raw_handshake(c, 11, m, total + 3);
	free(m);
}

static size_t
pem_file_der(const char *path, uint8_t *der, size_t cap)
{
	uint8_t *pem;
	size_t n;
	int r;

	if (t_read(path, &pem, &n) != 0)
		die(path);
	r = wc_CertPemToDer(pem, (int)n, der, (int)cap, CERT_TYPE);
	free(pem);
	if (r <= 0)
		die("wc_CertPemToDer");
	return (size_t)r;
}

void
raw_certificate_files(struct raw_conn *c, const char *const *pems)
{
	uint8_t *der[16] = { NULL };
	size_t len[16] = { 0 }, n;

	for (n = 0; pems[n] != NULL && n < 16; n++) {
		if ((der[n] = malloc(8192)) == NULL)
			die("malloc");
		len[n] = pem_file_der(pems[n], der[n], 8192);
	}
	certificate_msg(c, der, len, n);
	while (n > 0)
		free(der[--n]);
}

void
raw_certificate_copies(struct raw_conn *c, const uint8_t *der, size_t len,
    size_t n)
{
	uint8_t **d = calloc(n, sizeof(*d));
	size_t *l = calloc(n, sizeof(*l)), i;

	if (d == NULL || l == NULL)
		die("calloc");
	for (i = 0; i < n; i++) {
		d[i] = (uint8_t *)der;
		l[i] = len;
	}
	certificate_msg(c, d, l, n);
	free(d);
	free(l);
}

static int
group_curve(uint16_t group, int *curve, int *size)
{
	switch (group) {
	case 23: *curve = ECC_SECP256R1; *size = 32; return 0;
	case 24: *curve = ECC_SECP384R1; *size = 48; return 0;
	case 25: *curve = ECC_SECP521R1; *size = 66; return 0;
	}
	return -1;
}

/* ECDSA over client_random || server_random || params. */
static size_t
ske_sign(struct raw_conn *c, const char *keyfile, const uint8_t *params,
    size_t plen, uint8_t *sig, size_t cap, WC_RNG *rng, uint8_t *hash_id)
{
	uint8_t *pem, der[512], *tbs, h[64];
	size_t n, hl;
	word32 idx = 0, sl = (word32)cap;
	ecc_key k;
	int dl;

	if (t_read(keyfile, &pem, &n) != 0)
		die(keyfile);
	dl = wc_KeyPemToDer(pem, (int)n, der, sizeof(der), NULL);
	free(pem);
	if (dl <= 0 || wc_ecc_init(&k) != 0 ||
	    wc_EccPrivateKeyDecode(der, &idx, &k, (word32)dl) != 0)
		die("key");
	if ((tbs = malloc(64 + plen)) == NULL)
		die("malloc");
	memcpy(tbs, c->client_random, 32);
	memcpy(tbs + 32, c->server_random, 32);
	memcpy(tbs + 64, params, plen);
	if (wc_ecc_size(&k) <= 32) {
		wc_Sha256Hash(tbs, (word32)(64 + plen), h);
		hl = 32;
		*hash_id = 4;
	} else {
		wc_Sha384Hash(tbs, (word32)(64 + plen), h);
		hl = 48;
		*hash_id = 5;
	}
	free(tbs);
	if (wc_ecc_sign_hash(h, (word32)hl, sig, &sl, rng, &k) != 0)
		die("wc_ecc_sign_hash");
	wc_ecc_free(&k);
	return sl;
}

void
raw_key_exchange(struct raw_conn *c, uint16_t group, const char *keyfile)
{
	uint8_t b[1024], pub[160];
	size_t n = 0, plen, sl;
	word32 pl = sizeof(pub);
	int curve, size;
	uint8_t hash_id = 5;
	WC_RNG rng;
	ecc_key eph;

	if (wc_InitRng(&rng) != 0)
		die("rng");
	b[n++] = 3;			/* named_curve */
	put16(b + n, group);
	n += 2;
	if (group_curve(group, &curve, &size) == 0) {
		if (wc_ecc_init(&eph) != 0 ||
		    wc_ecc_make_key_ex(&rng, size, &eph, curve) != 0 ||
		    wc_ecc_export_x963(&eph, pub, &pl) != 0)
			die("ephemeral key");
		wc_ecc_free(&eph);
	} else {
		/* a group we cannot make keys for: bytes of the right shape */
		pl = 65;
		memset(pub, 0x42, pl);
		pub[0] = 4;
	}
	b[n++] = (uint8_t)pl;
	memcpy(b + n, pub, pl);
	n += pl;
	plen = n;
	if (keyfile != NULL)
		sl = ske_sign(c, keyfile, b, plen, b + n + 4, sizeof(b) - n - 4,
		    &rng, &hash_id);
	else {
		sl = 72;
		memset(b + n + 4, 0x30, sl);
	}
	b[n++] = hash_id;
	b[n++] = 3;			/* ecdsa */
	put16(b + n, sl);
	n += 2 + sl;
	wc_FreeRng(&rng);
	raw_handshake(c, 12, b, n);
}

void
raw_certificate_request(struct raw_conn *c)
{
	static const uint8_t b[] = {
		1, 64,				/* ecdsa_sign */
		0, 4, 4, 3, 5, 3,		/* ecdsa P-256/SHA-256, P-384/SHA-384 */
		0, 0,				/* any CA */
	};

	raw_handshake(c, 13, b, sizeof(b));
}

void
raw_hello_done(struct raw_conn *c)
{
	raw_handshake(c, 14, NULL, 0);
}

void
raw_close(struct raw_conn *c)
{
	shutdown(c->fd, SHUT_WR);
}

void
raw_settle(struct raw_conn *c, int ms)
{
	(void)c;
	usleep((useconds_t)ms * 1000);
}

/* Everything the client sends until it closes or goes quiet. */
static void
record_client(struct raw_conn *c)
{
	uint8_t h[5], body[16384 + 2048];
	size_t len;
	int encrypted = 0;

	c->rec.alert = -1;
	while (read_full(c->fd, h, 5, 3000) == 0) {
		len = (size_t)h[3] << 8 | h[4];
		if (len > sizeof(body) || read_full(c->fd, body, len, 3000) == -1)
			break;
		if (h[0] == REC_ALERT) {
			c->rec.alert_bytes += 5 + len;
			if (!encrypted && len == 2)
				c->rec.alert = body[1];
			continue;
		}
		c->rec.other_bytes += 5 + len;
		if (h[0] == REC_CCS) {
			c->rec.saw_ccs = 1;
			encrypted = 1;
		}
		if (h[0] != REC_HANDSHAKE || encrypted)
			continue;
		/* the client's own messages, each in one record here */
		for (size_t i = 0; i + 4 <= len;) {
			size_t ml = (size_t)body[i + 1] << 16 |
			    (size_t)body[i + 2] << 8 | body[i + 3];

			c->rec.saw_certificate |= body[i] == 11;
			c->rec.saw_key_exchange |= body[i] == 16;
			c->rec.saw_cert_verify |= body[i] == 15;
			i += 4 + ml;
		}
	}
}

void
raw_start(struct raw_server *r, raw_play play, void *arg)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	int s, fds[2], one = 1;
	struct pollfd pf;

	cr_assert_eq(pipe(fds), 0);
	s = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_neq(s, -1);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(s, 1), 0);
	cr_assert_eq(getsockname(s, (struct sockaddr *)&a, &al), 0);
	snprintf(r->port, sizeof(r->port), "%d", ntohs(a.sin_port));
	if ((r->pid = fork()) == 0) {
		struct raw_conn c;

		close(fds[0]);
		memset(&c, 0, sizeof(c));
		memset(c.server_random, 0x11, sizeof(c.server_random));
		pf.fd = s;
		pf.events = POLLIN;
		if (poll(&pf, 1, 30000) != 1 || (c.fd = accept(s, NULL, NULL)) == -1)
			die("accept");
		if (read_client_hello(&c) == 0) {
			play(&c, arg);
			record_client(&c);
		}
		if (write(fds[1], &c.rec, sizeof(c.rec)) != sizeof(c.rec))
			die("write");
		close(c.fd);
		_exit(0);
	}
	cr_assert_neq(r->pid, -1);
	close(s);
	close(fds[1]);
	r->result_fd = fds[0];
}

void
raw_finish(struct raw_server *r, struct raw_record *out)
{
	int st;

	memset(out, 0, sizeof(*out));
	if (read_full(r->result_fd, (uint8_t *)out, sizeof(*out), 30000) == -1)
		cr_assert_fail("the forged server did not report");
	close(r->result_fd);
	waitpid(r->pid, &st, 0);
}
