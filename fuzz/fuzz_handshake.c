/*
 * The client's handshake, fed server bytes from the fuzzer: a real
 * wolfSSL client session under the built-in policy, through the same
 * record watcher and gate (session_io.c), verify callback, trust
 * decision and policy checks (session_trust.c) and failure reports
 * (session_fail.c) as a real session, over a memory transport instead
 * of a socket. The key helper is not involved: the trust list is filled
 * in directly and no client key is configured, so no request would be
 * made (a signature needs a ServerKeyExchange whose signature verifies
 * over the client's fresh random, which no recorded input can carry).
 *
 * Input:
 *	u8	flags: bit 0 the anchor is a CA root (else a pinned
 *		certificate); bit 1 BWKSERVERFINGERPRINT is the anchor's
 *	u16	anchor length (big-endian), then the anchor's DER
 *	...	what the server sends, delivered as wolfSSL asks for it
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/wolfcrypt/hash.h>

#include "../src/common/kdb.h"
#include "../src/common/msg.h"
#include "../src/client/policy.h"
#include "../src/client/session.h"

/* 2027-06-01: the recorded seeds' certificates are valid then. */
#define FUZZ_TIME	1811808000

struct mem_stream {
	const uint8_t	*p;
	size_t		 left;
};

static ssize_t
mem_recv(struct session *s, void *buf, size_t len)
{
	struct mem_stream *m = s->tr_ctx;

	if (m->left == 0)
		return 0;		/* the server closed */
	if (len > m->left)
		len = m->left;
	memcpy(buf, m->p, len);
	m->p += len;
	m->left -= len;
	return (ssize_t)len;
}

static ssize_t
mem_send(struct session *s, const void *buf, size_t len)
{
	(void)s;
	(void)buf;
	return (ssize_t)len;		/* the server hears nothing back */
}

static const struct session_transport mem_transport = { mem_recv, mem_send };
static struct tls_policy policy;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	bwk_quiet = getenv("BWK_FUZZ_VERBOSE") == NULL;
	if (wolfSSL_Init() != WOLFSSL_SUCCESS || policy_load(NULL, &policy) != 0)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct session s;
	struct session_opts o;
	struct mem_stream m;
	size_t alen;
	uint8_t flags;

	if (size < 3)
		return 0;
	flags = data[0];
	alen = (size_t)data[1] << 8 | data[2];
	if (alen == 0 || alen > size - 3)
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
	s.o = &o;
	s.sock = -1;
	s.kd.fd = -1;
	s.tr = &mem_transport;
	m.p = data + 3 + alen;
	m.left = size - 3 - alen;
	s.tr_ctx = &m;
	session_limits(&s);
	if ((s.trust.c[0].der = malloc(alen)) == NULL)
		return 0;
	memcpy(s.trust.c[0].der, data + 3, alen);
	s.trust.c[0].len = alen;
	s.trust.c[0].kind = (flags & 1) ? KDB_CA : KDB_PINNED;
	s.trust.c[0].own = 1;
	s.trust.n = 1;
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
