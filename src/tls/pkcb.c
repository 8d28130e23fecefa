/*
 * wolfSSL's PK callbacks: the private key is not in this process, so a
 * CertificateVerify signature is made by the key helper. Each callback
 * checks its input's shape, asks keyd_sign, and checks the answer fits.
 */
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/wolfcrypt/asn.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/rsa.h>

#include <string.h>

#include "../lib/msg.h"
#include "session.h"

#if !defined(HAVE_PK_CALLBACKS) || !defined(WC_RSA_PSS)
#error "wolfSSL must be built with PK callbacks and RSA-PSS"
#endif

/* The key wolfSSL hands us is the SPKI we loaded: it must be the helper's. */
static int
key_matches(struct session *s, const unsigned char *keyDer, unsigned int keySz)
{
	uint8_t id[KEYD_KEYID_LEN];

	return s != NULL && s->id.has_key &&
	    wc_Sha256Hash(keyDer, keySz, id) == 0 &&
	    memcmp(id, s->id.keyid, sizeof(id)) == 0;
}

static int
hash_by_digest_len(unsigned int n)
{
	switch (n) {
	case 32:	return KEYD_SHA256;
	case 48:	return KEYD_SHA384;
	case 64:	return KEYD_SHA512;
	}
	return 0;
}

static int
sign(struct session *s, int scheme, int hash, const unsigned char *in,
    unsigned int inSz, unsigned char *out, word32 *outSz)
{
	size_t len = *outSz;

	/* the helper signs only for a server every check has passed */
	if (session_gate_check(s) == -1)
		return WC_HW_E;
	if (hash == 0 || keyd_sign(&s->kd, scheme, hash, s->id.keyid, in,
	    inSz, out, &len) == -1) {
		s->helper_failed = hash != 0;
		return WC_HW_E;	/* fails this handshake, never signs locally */
	}
	*outSz = (word32)len;
	s->signed_by_helper = 1;
	return 0;
}

static int
ecc_sign_cb(WOLFSSL *ssl, const unsigned char *in, unsigned int inSz,
    unsigned char *out, word32 *outSz, const unsigned char *keyDer,
    unsigned int keySz, void *ctx)
{
	struct session *s = ctx;

	(void)ssl;
	if (!key_matches(s, keyDer, keySz))
		return BAD_FUNC_ARG;
	return sign(s, KEYD_SIG_ECDSA, hash_by_digest_len(inSz), in, inSz, out,
	    outSz);
}

/* PKCS#1 v1.5: wolfSSL passes a DigestInfo; its length names the hash. */
static int
rsa_sign_cb(WOLFSSL *ssl, const unsigned char *in, unsigned int inSz,
    unsigned char *out, word32 *outSz, const unsigned char *keyDer,
    unsigned int keySz, void *ctx)
{
	struct session *s = ctx;

	(void)ssl;
	if (!key_matches(s, keyDer, keySz) || inSz < 19)
		return BAD_FUNC_ARG;
	return sign(s, KEYD_SIG_RSA_PKCS1, hash_by_digest_len(inSz - 19), in,
	    inSz, out, outSz);
}

static int
rsa_pss_sign_cb(WOLFSSL *ssl, const unsigned char *in, unsigned int inSz,
    unsigned char *out, unsigned int *outSz, int hash, int mgf,
    const unsigned char *keyDer, unsigned int keySz, void *ctx)
{
	struct session *s = ctx;
	int h = 0;
	word32 n = *outSz;
	int r;

	(void)ssl;
	if (!key_matches(s, keyDer, keySz))
		return BAD_FUNC_ARG;
	/* the helper signs PSS with MGF1 of the same hash only */
	if (hash == SHA256h && mgf == WC_MGF1SHA256)
		h = KEYD_SHA256;
	else if (hash == SHA384h && mgf == WC_MGF1SHA384)
		h = KEYD_SHA384;
	else if (hash == SHA512h && mgf == WC_MGF1SHA512)
		h = KEYD_SHA512;
	if (h == 0 || inSz != keyd_hash_len(h))
		return BAD_FUNC_ARG;
	r = sign(s, KEYD_SIG_RSA_PSS, h, in, inSz, out, &n);
	*outSz = n;
	return r;
}

void
pkcb_install(WOLFSSL_CTX *ctx)
{
	/* before the public key is loaded: wolfSSL then accepts an SPKI */
	wolfSSL_CTX_SetEccSignCb(ctx, ecc_sign_cb);
	wolfSSL_CTX_SetRsaSignCb(ctx, rsa_sign_cb);
	wolfSSL_CTX_SetRsaPssSignCb(ctx, rsa_pss_sign_cb);
}

void
pkcb_bind(WOLFSSL *ssl, struct session *s)
{
	wolfSSL_SetEccSignCtx(ssl, s);
	wolfSSL_SetRsaSignCtx(ssl, s);
	wolfSSL_SetRsaPssSignCtx(ssl, s);
}
