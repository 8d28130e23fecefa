/*
 * The standby key's proof of possession (standby.h): its input, and its
 * check with the public key of the certificate announced. The signing is
 * the server's key helper's (src/keyd/keyd_standby.c): no private key is
 * handled here.
 */
#include <stdio.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/rsa.h>

#include "standby.h"
#include "x509.h"

void
standby_input(const uint8_t ekm[STANDBY_EKM_LEN], const uint8_t cert_hash[32],
    uint8_t out[STANDBY_INPUT_LEN])
{
	memcpy(out, STANDBY_SIG_LABEL, STANDBY_SIG_LABEL_LEN);
	memcpy(out + STANDBY_SIG_LABEL_LEN, ekm, STANDBY_EKM_LEN);
	memcpy(out + STANDBY_SIG_LABEL_LEN + STANDBY_EKM_LEN, cert_hash, 32);
}

static int
verify_ecdsa(const uint8_t *spki, size_t spki_len, const uint8_t digest[32],
    const uint8_t *sig, size_t sig_len)
{
	ecc_key k;
	word32 idx = 0;
	int res = 0, r;

	if (wc_ecc_init(&k) != 0)
		return -1;
	r = wc_EccPublicKeyDecode(spki, &idx, &k, (word32)spki_len);
	if (r == 0 && idx == spki_len)
		r = wc_ecc_verify_hash(sig, (word32)sig_len, digest, 32, &res, &k);
	else
		r = -1;
	wc_ecc_free(&k);
	return r == 0 && res == 1 ? 0 : -1;
}

static int
verify_pss(const uint8_t *spki, size_t spki_len, const uint8_t digest[32],
    const uint8_t *sig, size_t sig_len)
{
	uint8_t in[STANDBY_SIG_MAX], out[STANDBY_SIG_MAX];
	RsaKey k;
	word32 idx = 0;
	int r;

	if (sig_len > sizeof(in) || wc_InitRsaKey(&k, NULL) != 0)
		return -1;
	memcpy(in, sig, sig_len);	/* wolfCrypt's call takes no const */
	r = wc_RsaPublicKeyDecode(spki, &idx, &k, (word32)spki_len);
	if (r == 0 && idx == spki_len)
		/* the salt as long as the hash, as the helper signs */
		r = wc_RsaPSS_VerifyCheck(in, (word32)sig_len, out,
		    sizeof(out), digest, 32, WC_HASH_TYPE_SHA256,
		    WC_MGF1SHA256, &k);
	else
		r = -1;
	wc_FreeRsaKey(&k);
	return r > 0 ? 0 : -1;
}

int
standby_verify(const uint8_t *cert, size_t cert_len,
    const uint8_t ekm[STANDBY_EKM_LEN], const uint8_t *sig, size_t sig_len,
    char *why, size_t whylen)
{
	uint8_t hash[32], in[STANDBY_INPUT_LEN], digest[32];
	const uint8_t *spki;
	struct certinfo ci;
	size_t spki_len;
	int r;

	if (x509_inspect(cert, cert_len, &ci, why, whylen) == -1)
		return -1;
	if (x509_spki(cert, cert_len, &spki, &spki_len) == -1) {
		snprintf(why, whylen, "its public key cannot be found");
		return -1;
	}
	if (sig_len == 0 || sig_len > STANDBY_SIG_MAX) {
		snprintf(why, whylen, "a signature of %zu bytes", sig_len);
		return -1;
	}
	if (wc_Sha256Hash(cert, (word32)cert_len, hash) != 0)
		goto crypto;
	standby_input(ekm, hash, in);
	if (wc_Sha256Hash(in, sizeof(in), digest) != 0)
		goto crypto;
	if (ci.key_type == X509_KEY_EC)
		r = verify_ecdsa(spki, spki_len, digest, sig, sig_len);
	else if (ci.key_type == X509_KEY_RSA)
		r = verify_pss(spki, spki_len, digest, sig, sig_len);
	else {
		snprintf(why, whylen, "its key is neither EC nor RSA");
		return -1;
	}
	if (r == -1) {
		snprintf(why, whylen, "the signature does not verify with the "
		    "standby certificate's key over this session's exporter "
		    "value");
		return -1;
	}
	return 0;
crypto:
	snprintf(why, whylen, "SHA-256 failed");
	return -1;
}
