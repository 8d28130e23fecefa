/*
 * Signatures over certificates and CRLs, verified by wolfCrypt with the
 * issuer's key as its SubjectPublicKeyInfo gives it.
 */
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/rsa.h>
#include <wolfssl/wolfcrypt/signature.h>

#include "verify_int.h"

/* RSASSA-PSS (RFC 4055) with the parameters of the AlgorithmIdentifier. */
static int
sig_pss(const struct sig_params *sp, struct span data, struct span sig,
    RsaKey *rsa, int key_bits)
{
	uint8_t digest[WC_MAX_DIGEST_SIZE], out[512], sigcopy[512];
	int dlen = wc_HashGetDigestSize(sp->hash), olen, mgf;

	mgf = sp->mgf1_hash == WC_HASH_TYPE_SHA256 ? WC_MGF1SHA256 :
	    sp->mgf1_hash == WC_HASH_TYPE_SHA384 ? WC_MGF1SHA384 :
	    sp->mgf1_hash == WC_HASH_TYPE_SHA512 ? WC_MGF1SHA512 :
	    sp->mgf1_hash == WC_HASH_TYPE_SHA ? WC_MGF1SHA1 : WC_MGF1NONE;
	if (dlen <= 0 || sig.n > sizeof(out) || wc_Hash(sp->hash, data.p,
	    (word32)data.n, digest, (word32)dlen) != 0)
		return -1;
	/* wolfCrypt verifies in place */
	memcpy(sigcopy, sig.p, sig.n);
	olen = wc_RsaPSS_Verify_ex(sigcopy, (word32)sig.n, out, sizeof(out),
	    sp->hash, mgf, sp->pss_salt, rsa);
	if (olen > 0 && wc_RsaPSS_CheckPadding_ex(digest, (word32)dlen, out,
	    (word32)olen, sp->hash, sp->pss_salt, key_bits) == 0)
		return 0;
	return -1;
}

/* PKCS #1 v1.5 or PSS, with the RSA key of signer. */
static int
sig_rsa(const struct sig_params *sp, struct span data, struct span sig,
    const struct vcert *signer)
{
	RsaKey rsa;
	word32 idx = 0;
	int ret = -1;

	if (signer->key != AK_RSA || wc_InitRsaKey(&rsa, NULL) != 0)
		return -1;
	if (wc_RsaPublicKeyDecode(signer->spki.p, &idx, &rsa,
	    (word32)signer->spki.n) != 0) {
		wc_FreeRsaKey(&rsa);
		return -1;
	}
	if (sp->alg->key == AK_RSA)
		ret = wc_SignatureVerify(sp->hash, WC_SIGNATURE_TYPE_RSA_W_ENC,
		    data.p, (word32)data.n, sig.p, (word32)sig.n, &rsa,
		    sizeof(rsa)) == 0 ? 0 : -1;
	else
		ret = sig_pss(sp, data, sig, &rsa, signer->key_bits);
	wc_FreeRsaKey(&rsa);
	return ret;
}

/* ECDSA with the key of signer. */
static int
sig_ec(const struct sig_params *sp, struct span data, struct span sig,
    const struct vcert *signer)
{
	ecc_key ec;
	word32 idx = 0;
	int ret = -1;

	if (signer->key != AK_EC || wc_ecc_init(&ec) != 0)
		return -1;
	if (wc_EccPublicKeyDecode(signer->spki.p, &idx, &ec,
	    (word32)signer->spki.n) == 0)
		ret = wc_SignatureVerify(sp->hash, WC_SIGNATURE_TYPE_ECC,
		    data.p, (word32)data.n, sig.p, (word32)sig.n, &ec,
		    sizeof(ec)) == 0 ? 0 : -1;
	wc_ecc_free(&ec);
	return ret;
}

/*
 * Checks sig over data, made with the key in signer's SPKI.
 * 0 good, -1 bad or not checkable.
 */
int
sig_check(const struct sig_params *sp, struct span data, struct span sig,
    const struct vcert *signer)
{
	if (sp->alg == NULL || sp->hash == WC_HASH_TYPE_NONE ||
	    data.n > UINT32_MAX || sig.n > 4096)
		return -1;
	switch (sp->alg->key) {
	case AK_RSA:
	case AK_PSS:
		return sig_rsa(sp, data, sig, signer);
	case AK_EC:
		return sig_ec(sp, data, sig, signer);
	default:
		return -1;
	}
}
