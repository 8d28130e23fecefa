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

/*
 * Checks sig over data, made with the key in signer's SPKI.
 * 0 good, -1 bad or not checkable.
 */
int
sig_check(const struct sig_params *sp, struct span data, struct span sig,
    const struct vcert *signer)
{
	word32 idx = 0;
	int ret = -1;

	if (sp->alg == NULL || sp->hash == WC_HASH_TYPE_NONE ||
	    data.n > UINT32_MAX || sig.n > 4096)
		return -1;
	switch (sp->alg->key) {
	case AK_RSA:
	case AK_PSS: {
		RsaKey rsa;

		if (signer->key != AK_RSA || wc_InitRsaKey(&rsa, NULL) != 0)
			return -1;
		if (wc_RsaPublicKeyDecode(signer->spki.p, &idx, &rsa,
		    (word32)signer->spki.n) != 0) {
			wc_FreeRsaKey(&rsa);
			return -1;
		}
		if (sp->alg->key == AK_RSA) {
			ret = wc_SignatureVerify(sp->hash,
			    WC_SIGNATURE_TYPE_RSA_W_ENC, data.p, (word32)data.n,
			    sig.p, (word32)sig.n, &rsa, sizeof(rsa)) == 0 ? 0 : -1;
		} else {
			uint8_t digest[WC_MAX_DIGEST_SIZE], out[512];
			int dlen = wc_HashGetDigestSize(sp->hash), olen, mgf;

			mgf = sp->mgf1_hash == WC_HASH_TYPE_SHA256 ?
			    WC_MGF1SHA256 : sp->mgf1_hash == WC_HASH_TYPE_SHA384 ?
			    WC_MGF1SHA384 : sp->mgf1_hash == WC_HASH_TYPE_SHA512 ?
			    WC_MGF1SHA512 : sp->mgf1_hash == WC_HASH_TYPE_SHA ?
			    WC_MGF1SHA1 : WC_MGF1NONE;
			if (dlen > 0 && sig.n <= sizeof(out) &&
			    wc_Hash(sp->hash, data.p, (word32)data.n, digest,
			    (word32)dlen) == 0) {
				uint8_t sigcopy[512];

				memcpy(sigcopy, sig.p, sig.n);
				olen = wc_RsaPSS_Verify_ex(sigcopy, (word32)sig.n,
				    out, sizeof(out), sp->hash, mgf, sp->pss_salt,
				    &rsa);
				if (olen > 0 && wc_RsaPSS_CheckPadding_ex(digest,
				    (word32)dlen, out, (word32)olen, sp->hash,
				    sp->pss_salt, signer->key_bits) == 0)
					ret = 0;
			}
		}
		wc_FreeRsaKey(&rsa);
		return ret;
	}
	case AK_EC: {
		ecc_key ec;

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
	default:
		return -1;
	}
}
