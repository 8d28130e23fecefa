/*
 * The client's handshake, fed server bytes from the fuzzer: a real
 * wolfSSL client session under the built-in policy, through the same
 * record watcher and gate (session_io.c), verify callback, trust
 * decision and policy checks (session_trust.c), failure reports
 * (session_fail.c) and PK callbacks (pkcb.c) as a real session, over a
 * memory transport instead of a socket.
 *
 * The key helper's stubs are answered in-process (this file replaces
 * keyd_client.c): the trust list comes from the input, the client
 * identity is fuzz/handshake/client.pem, and keyd_sign signs with its
 * key. A recorded ServerKeyExchange was signed over another run's client
 * random; when the server's certificate is fuzz/handshake/server.pem,
 * the target re-signs it over this run's, so inputs reach what follows
 * it: the key-exchange checks, the gate, the client's second flight.
 *
 * Input:
 *	u8	flags: bit 0 the anchor is a CA root (else a pinned
 *		certificate); bit 1 BWKSERVERFINGERPRINT is the anchor's;
 *		bit 2 a client identity is configured; bits 4-7 n: when not
 *		0, each read returns at most n bytes
 *	u16	anchor length (big-endian), then the anchor's DER
 *	...	what the server sends
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/random.h>

#include "../src/kdb/kdb.h"
#include "../src/lib/msg.h"
#include "../src/tls/policy.h"
#include "../src/tls/session.h"
#include "../src/verify/verify.h"

#define FUZZ_SETUP	handshake_setup
#include "fuzz_common.h"

/* 2027-06-01: the recorded seeds' certificates are valid then. */
#define FUZZ_TIME	1811808000
#define STREAM_MAX	(256 * 1024)

/* build/gen/fuzz_handshake_keys.c, from fuzz/handshake/ */
extern const char fuzz_server_key_pem[], fuzz_client_key_pem[],
    fuzz_client_cert_pem[];

static struct tls_policy policy;
static WC_RNG rng;
static ecc_key server_key, client_key;
static uint8_t client_cert[2048], client_spki[256];
static size_t client_cert_len, client_spki_len;

struct mem_stream {
	uint8_t		 buf[STREAM_MAX];
	size_t		 len, off;
	size_t		 chunk;		/* 0: as much as asked */
	int		 fixed;		/* the re-signing pass ran */
	uint8_t		 client_random[32];
	int		 have_random;
};

/* ---- the key helper, in-process ---- */

int
keyd_spawn(struct keyd_conn *c, const struct keyd_spawn_opts *o)
{
	(void)c;
	(void)o;
	return -1;
}

int
keyd_hello(struct keyd_conn *c)
{
	(void)c;
	return -1;
}

int
keyd_trust(struct keyd_conn *c, const char *server, struct trust_list *t)
{
	(void)c;
	(void)server;
	(void)t;
	return -1;
}

int
keyd_begin(struct keyd_conn *c, const char *server, struct client_id *id)
{
	(void)c;
	(void)server;
	(void)id;
	return -1;
}

int
keyd_sign(struct keyd_conn *c, int scheme, int hash,
    const uint8_t keyid[KEYD_KEYID_LEN], const uint8_t *in, size_t inlen,
    uint8_t *sig, size_t *siglen)
{
	word32 n = (word32)*siglen;

	(void)c;
	(void)keyid;
	if (scheme != KEYD_SIG_ECDSA || inlen != keyd_hash_len(hash) ||
	    wc_ecc_sign_hash(in, (word32)inlen, sig, &n, &rng, &client_key) != 0)
		return -1;
	*siglen = n;
	return 0;
}

int
keyd_accept(struct keyd_conn *c, const char *server, int64_t not_before,
    int64_t not_after, const uint8_t *der, size_t len, uint8_t fpr[32],
    uint32_t *why)
{
	(void)c;
	(void)server;
	(void)not_before;
	(void)not_after;
	(void)der;
	(void)len;
	(void)fpr;
	*why = KEYD_FAIL_REFUSED;
	return 1;
}

/* The fuzzed sessions sign on as no node: no proof is ever asked for. */
int
keyd_scram_proof(struct keyd_conn *c, const char *server, const char *cfb,
    size_t cfbn, const char *sf, size_t sfn, const char *cfn, size_t cfnn,
    uint8_t proof[32], uint32_t *why)
{
	(void)c; (void)server; (void)cfb; (void)cfbn; (void)sf; (void)sfn;
	(void)cfn; (void)cfnn; (void)proof;
	*why = KEYD_FAIL_NO_KEY;
	return 1;
}

int
keyd_scram_verify(struct keyd_conn *c, const char *sfinal, size_t n,
    uint32_t *why)
{
	(void)c; (void)sfinal; (void)n;
	*why = KEYD_FAIL_CRYPTO;
	return 1;
}

/* Rotation's pins (session_rotate.c): the helper refuses, as a
 * read-only one would, so the session goes on trusted as it was. */
int
keyd_renew(struct keyd_conn *c, const char *server, const uint8_t pin_fpr[32],
    const uint8_t *der, size_t len, uint8_t fpr[32], uint32_t *why)
{
	(void)c; (void)server; (void)pin_fpr; (void)der; (void)len; (void)fpr;
	*why = KEYD_FAIL_REFUSED;
	return 1;
}

int
keyd_standby(struct keyd_conn *c, const char *server,
    const uint8_t pin_fpr[32], const uint8_t *der, size_t len,
    uint8_t fpr[32], uint32_t *why)
{
	(void)c; (void)server; (void)pin_fpr; (void)der; (void)len; (void)fpr;
	*why = KEYD_FAIL_REFUSED;
	return 1;
}

int
keyd_new_password(struct keyd_conn *c, const char *server,
    struct scram_verifier *v, uint32_t *why)
{
	(void)c; (void)server; (void)v;
	*why = KEYD_FAIL_REFUSED;
	return 1;
}

int
keyd_commit_password(struct keyd_conn *c, const char *server, uint32_t *why)
{
	(void)c; (void)server;
	*why = KEYD_FAIL_REFUSED;
	return 1;
}

int
keyd_close(struct keyd_conn *c)
{
	(void)c;
	return 0;
}

void
trust_list_free(struct trust_list *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->c[i].der);
	t->n = 0;
}

void
client_id_free(struct client_id *id)
{
	id->cert = NULL;	/* static here */
	id->has_key = 0;
}

/* ---- re-signing the ServerKeyExchange ---- */

/*
 * The handshake bytes of the clear records at the stream's start, as
 * offsets into it (a message may span records).
 */
struct hs_view {
	size_t	at[STREAM_MAX / 4];
	size_t	n;
};

static void
hs_view(const struct mem_stream *m, struct hs_view *v)
{
	size_t off = 0, len, i;

	v->n = 0;
	while (off + 5 <= m->len && m->buf[off] == 0x16) {
		len = (size_t)m->buf[off + 3] << 8 | m->buf[off + 4];
		off += 5;
		for (i = 0; i < len && off + i < m->len &&
		    v->n < sizeof(v->at) / sizeof(v->at[0]); i++)
			v->at[v->n++] = off + i;
		off += len;
	}
}

static uint8_t
hs_byte(const struct mem_stream *m, const struct hs_view *v, size_t i)
{
	return m->buf[v->at[i]];
}

static int
hash_for(uint8_t id, enum wc_HashType *t, size_t *len)
{
	switch (id) {
	case 4: *t = WC_HASH_TYPE_SHA256; *len = 32; return 0;
	case 5: *t = WC_HASH_TYPE_SHA384; *len = 48; return 0;
	case 6: *t = WC_HASH_TYPE_SHA512; *len = 64; return 0;
	}
	return -1;
}

/* A signature of exactly want bytes: ECDSA's DER length varies. */
static int
sign_to_length(const uint8_t *h, size_t hl, uint8_t *sig, size_t want)
{
	int tries;
	word32 n;

	for (tries = 0; tries < 64; tries++) {
		n = 160;
		if (wc_ecc_sign_hash(h, (word32)hl, sig, &n, &rng,
		    &server_key) != 0)
			return -1;
		if (n == want)
			return 0;
	}
	return -1;
}

static void
resign(struct mem_stream *m)
{
	static struct hs_view v;
	uint8_t tbs[64 + 1 + 2 + 1 + 255], h[64], sig[160];
	size_t i = 0, ml, sh = 0, ske = 0, pl, sl, hl, k;
	enum wc_HashType ht;
	int have_sh = 0, have_ske = 0;

	hs_view(m, &v);
	while (i + 4 <= v.n && !(have_sh && have_ske)) {
		ml = (size_t)hs_byte(m, &v, i + 1) << 16 |
		    (size_t)hs_byte(m, &v, i + 2) << 8 | hs_byte(m, &v, i + 3);
		if (hs_byte(m, &v, i) == 2 && ml >= 34) {
			sh = i + 4;
			have_sh = 1;
		} else if (hs_byte(m, &v, i) == 12) {
			ske = i + 4;
			have_ske = 1;
		}
		i += 4 + ml;
	}
	if (!have_sh || !have_ske || ske + 4 > v.n ||
	    hs_byte(m, &v, ske) != 3)
		return;
	pl = 4 + hs_byte(m, &v, ske + 3);	/* curve type, id, point */
	if (ske + pl + 4 > v.n || hs_byte(m, &v, ske + pl + 1) != 3 ||
	    hash_for(hs_byte(m, &v, ske + pl), &ht, &hl) != 0)
		return;
	sl = (size_t)hs_byte(m, &v, ske + pl + 2) << 8 |
	    hs_byte(m, &v, ske + pl + 3);
	if (sl > sizeof(sig) || ske + pl + 4 + sl > v.n)
		return;
	memcpy(tbs, m->client_random, 32);
	for (k = 0; k < 32; k++)
		tbs[32 + k] = hs_byte(m, &v, sh + 2 + k);
	for (k = 0; k < pl; k++)
		tbs[64 + k] = hs_byte(m, &v, ske + k);
	if (wc_Hash(ht, tbs, (word32)(64 + pl), h, (word32)hl) != 0 ||
	    sign_to_length(h, hl, sig, sl) != 0)
		return;
	for (k = 0; k < sl; k++)
		m->buf[v.at[ske + pl + 4 + k]] = sig[k];
}

/* ---- the memory transport ---- */

static ssize_t
mem_recv(struct session *s, void *buf, size_t len)
{
	struct mem_stream *m = s->tr_ctx;

	if (!m->fixed && m->have_random) {
		resign(m);
		m->fixed = 1;
	}
	if (m->off == m->len)
		return 0;		/* the server closed */
	if (m->chunk != 0 && len > m->chunk)
		len = m->chunk;
	if (len > m->len - m->off)
		len = m->len - m->off;
	memcpy(buf, m->buf + m->off, len);
	m->off += len;
	return (ssize_t)len;
}

/* The server hears nothing back; the ClientHello's random is kept. */
static ssize_t
mem_send(struct session *s, const void *buf, size_t len)
{
	struct mem_stream *m = s->tr_ctx;
	const uint8_t *p = buf;

	if (!m->have_random && len >= 43 && p[0] == 0x16 && p[5] == 1) {
		memcpy(m->client_random, p + 11, 32);
		m->have_random = 1;
	}
	return (ssize_t)len;
}

static const struct session_transport mem_transport = { mem_recv, mem_send };

static void
load_key(const char *pem, ecc_key *k)
{
	uint8_t der[512];
	word32 idx = 0;
	int n;

	n = wc_KeyPemToDer((const uint8_t *)pem, (int)strlen(pem), der,
	    sizeof(der), NULL);
	if (n <= 0 || wc_ecc_init(k) != 0 ||
	    wc_EccPrivateKeyDecode(der, &idx, k, (word32)n) != 0)
		abort();
}

static void
handshake_setup(void)
{
	char why[256];
	int n;

	(void)chain_psl_load(why, sizeof(why));
	if (wolfSSL_Init() != WOLFSSL_SUCCESS || policy_load(NULL, &policy) != 0 ||
	    wc_InitRng(&rng) != 0)
		abort();
	load_key(fuzz_server_key_pem, &server_key);
	load_key(fuzz_client_key_pem, &client_key);
	n = wc_CertPemToDer((const uint8_t *)fuzz_client_cert_pem,
	    (int)strlen(fuzz_client_cert_pem), client_cert,
	    sizeof(client_cert), CERT_TYPE);
	if (n <= 0)
		abort();
	client_cert_len = (size_t)n;
	n = wc_EccPublicKeyToDer(&client_key, client_spki, sizeof(client_spki), 1);
	if (n <= 0)
		abort();
	client_spki_len = (size_t)n;
}

static void
set_identity(struct session *s)
{
	s->id.has_key = 1;
	memcpy(s->id.spki, client_spki, client_spki_len);
	s->id.spki_len = client_spki_len;
	wc_Sha256Hash(client_spki, (word32)client_spki_len, s->id.keyid);
	s->id.cert = client_cert;
	s->id.cert_len = client_cert_len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct session s;
	static struct mem_stream m;
	struct session_opts o;
	size_t alen;
	uint8_t flags;

	if (size < 3)
		return 0;
	flags = data[0];
	alen = (size_t)data[1] << 8 | data[2];
	if (alen == 0 || alen > size - 3 || size - 3 - alen > STREAM_MAX)
		return 0;
	memset(&o, 0, sizeof(o));
	o.server = "srv1";
	o.host = "localhost";
	o.port = "1500";
	o.policy = &policy;
	o.time = FUZZ_TIME;
	o.handshake_timeout = 600;
	if (flags & 2) {
		o.has_expected_fpr = 1;
		wc_Sha256Hash(data + 3, (word32)alen, o.expected_fpr);
	}
	memset(&s, 0, sizeof(s));
	memset(&m, 0, sizeof(m));
	s.o = &o;
	s.sock = -1;
	s.kd.fd = -1;
	s.tr = &mem_transport;
	memcpy(m.buf, data + 3 + alen, size - 3 - alen);
	m.len = size - 3 - alen;
	m.chunk = flags >> 4;
	s.tr_ctx = &m;
	session_limits(&s);
	if ((s.trust.c[0].der = malloc(alen)) == NULL)
		return 0;
	memcpy(s.trust.c[0].der, data + 3, alen);
	s.trust.c[0].len = alen;
	s.trust.c[0].kind = (flags & 1) ? KDB_CA : KDB_PINNED;
	s.trust.c[0].own = 1;
	s.trust.n = 1;
	if (flags & 4)
		set_identity(&s);
	/* a CA root wolfSSL cannot load is refused here, as in a session */
	if (session_tls_context(&s) == 0)
		(void)session_handshake(&s);
	if (s.ssl != NULL)
		wolfSSL_free(s.ssl);
	if (s.ctx != NULL)
		wolfSSL_CTX_free(s.ctx);
	free(s.leaf_der);
	trust_list_free(&s.trust);
	return 0;
}
