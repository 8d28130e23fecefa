/*
 * The conditional self-test of RSA (selftest.h): every wolfCrypt RSA
 * operation a program can reach, from our code or from wolfSSL's TLS and
 * certificate code, is linked through a wrapper here (ld --wrap, the
 * Makefile's BWK_RSA_WRAP), which runs the RSA-2048 known-answer test
 * once, before the first operation, then calls wolfCrypt's function.
 *
 * The references to the real functions are weak: a program linked
 * without the wrappers (the fuzzers, a program of a packager's own on
 * libbulwark.a) finds them null, bwk_selftest_defer_linked() says so, and
 * the RSA test runs at start with the others.
 */
#include <wolfssl/options.h>

#include <wolfssl/wolfcrypt/rsa.h>

#include "selftest.h"

#define REAL(f)	__real_##f
#define WRAP(f)	__wrap_##f

/* One wrapper per entry point: the test, then the real function. */
#define RSA_WRAP(f, params, args)					\
	extern int REAL(f) params __attribute__((weak));		\
	int WRAP(f) params;						\
	int WRAP(f) params						\
	{								\
		(void)bwk_selftest_rsa_first_use();			\
		return REAL(f) args;					\
	}

RSA_WRAP(wc_RsaFunction, (const byte *in, word32 inLen, byte *out,
    word32 *outLen, int type, RsaKey *key, WC_RNG *rng),
    (in, inLen, out, outLen, type, key, rng))
RSA_WRAP(wc_RsaSSL_Sign, (const byte *in, word32 inLen, byte *out,
    word32 outLen, RsaKey *key, WC_RNG *rng),
    (in, inLen, out, outLen, key, rng))
RSA_WRAP(wc_RsaSSL_Verify, (const byte *in, word32 inLen, byte *out,
    word32 outLen, RsaKey *key), (in, inLen, out, outLen, key))
RSA_WRAP(wc_RsaSSL_VerifyInline, (byte *in, word32 inLen, byte **out,
    RsaKey *key), (in, inLen, out, key))
RSA_WRAP(wc_RsaPSS_Sign, (const byte *in, word32 inLen, byte *out,
    word32 outLen, enum wc_HashType hash, int mgf, RsaKey *key, WC_RNG *rng),
    (in, inLen, out, outLen, hash, mgf, key, rng))
RSA_WRAP(wc_RsaPSS_Sign_ex, (const byte *in, word32 inLen, byte *out,
    word32 outLen, enum wc_HashType hash, int mgf, int saltLen, RsaKey *key,
    WC_RNG *rng), (in, inLen, out, outLen, hash, mgf, saltLen, key, rng))
RSA_WRAP(wc_RsaPSS_Verify, (byte *in, word32 inLen, byte *out,
    word32 outLen, enum wc_HashType hash, int mgf, RsaKey *key),
    (in, inLen, out, outLen, hash, mgf, key))
RSA_WRAP(wc_RsaPSS_Verify_ex, (byte *in, word32 inLen, byte *out,
    word32 outLen, enum wc_HashType hash, int mgf, int saltLen, RsaKey *key),
    (in, inLen, out, outLen, hash, mgf, saltLen, key))
RSA_WRAP(wc_RsaPSS_VerifyInline, (byte *in, word32 inLen, byte **out,
    enum wc_HashType hash, int mgf, RsaKey *key),
    (in, inLen, out, hash, mgf, key))
RSA_WRAP(wc_RsaPSS_VerifyInline_ex, (byte *in, word32 inLen, byte **out,
    enum wc_HashType hash, int mgf, int saltLen, RsaKey *key),
    (in, inLen, out, hash, mgf, saltLen, key))
RSA_WRAP(wc_RsaPSS_VerifyCheck, (byte *in, word32 inLen, byte *out,
    word32 outLen, const byte *digest, word32 digestLen,
    enum wc_HashType hash, int mgf, RsaKey *key),
    (in, inLen, out, outLen, digest, digestLen, hash, mgf, key))
RSA_WRAP(wc_RsaPSS_VerifyCheckInline, (byte *in, word32 inLen, byte **out,
    const byte *digest, word32 digestLen, enum wc_HashType hash, int mgf,
    RsaKey *key), (in, inLen, out, digest, digestLen, hash, mgf, key))
RSA_WRAP(wc_RsaPublicEncrypt, (const byte *in, word32 inLen, byte *out,
    word32 outLen, RsaKey *key, WC_RNG *rng),
    (in, inLen, out, outLen, key, rng))
RSA_WRAP(wc_RsaPrivateDecrypt, (const byte *in, word32 inLen, byte *out,
    word32 outLen, RsaKey *key), (in, inLen, out, outLen, key))
RSA_WRAP(wc_RsaPrivateDecryptInline, (byte *in, word32 inLen, byte **out,
    RsaKey *key), (in, inLen, out, key))
RSA_WRAP(wc_MakeRsaKey, (RsaKey *key, int size, long e, WC_RNG *rng),
    (key, size, e, rng))
RSA_WRAP(wc_RsaSSL_Verify_ex, (const byte *in, word32 inLen, byte *out,
    word32 outLen, RsaKey *key, int pad_type),
    (in, inLen, out, outLen, key, pad_type))
RSA_WRAP(wc_RsaSSL_Verify_ex2, (const byte *in, word32 inLen, byte *out,
    word32 outLen, RsaKey *key, int pad_type, enum wc_HashType hash),
    (in, inLen, out, outLen, key, pad_type, hash))
RSA_WRAP(wc_RsaPublicEncrypt_ex, (const byte *in, word32 inLen, byte *out,
    word32 outLen, RsaKey *key, WC_RNG *rng, int type, enum wc_HashType hash,
    int mgf, byte *label, word32 labelSz),
    (in, inLen, out, outLen, key, rng, type, hash, mgf, label, labelSz))
RSA_WRAP(wc_RsaPrivateDecrypt_ex, (const byte *in, word32 inLen, byte *out,
    word32 outLen, RsaKey *key, int type, enum wc_HashType hash, int mgf,
    byte *label, word32 labelSz),
    (in, inLen, out, outLen, key, type, hash, mgf, label, labelSz))
RSA_WRAP(wc_RsaPrivateDecryptInline_ex, (byte *in, word32 inLen, byte **out,
    RsaKey *key, int type, enum wc_HashType hash, int mgf, byte *label,
    word32 labelSz), (in, inLen, out, key, type, hash, mgf, label, labelSz))
RSA_WRAP(wc_RsaPrivateKeyValidate, (const byte *input, word32 *inOutIdx,
    int *keySz, word32 inSz), (input, inOutIdx, keySz, inSz))

int
bwk_selftest_defer_linked(void)
{
	/* every one, or the test runs at start */
	return REAL(wc_RsaFunction) != NULL && REAL(wc_RsaSSL_Sign) != NULL &&
	    REAL(wc_RsaSSL_Verify) != NULL &&
	    REAL(wc_RsaSSL_VerifyInline) != NULL &&
	    REAL(wc_RsaPSS_Sign) != NULL && REAL(wc_RsaPSS_Sign_ex) != NULL &&
	    REAL(wc_RsaPSS_Verify) != NULL && REAL(wc_RsaPSS_Verify_ex) != NULL &&
	    REAL(wc_RsaPSS_VerifyInline) != NULL &&
	    REAL(wc_RsaPSS_VerifyInline_ex) != NULL &&
	    REAL(wc_RsaPSS_VerifyCheck) != NULL &&
	    REAL(wc_RsaPSS_VerifyCheckInline) != NULL &&
	    REAL(wc_RsaPublicEncrypt) != NULL &&
	    REAL(wc_RsaPrivateDecrypt) != NULL &&
	    REAL(wc_RsaPrivateDecryptInline) != NULL &&
	    REAL(wc_MakeRsaKey) != NULL &&
	    REAL(wc_RsaPrivateKeyValidate) != NULL &&
	    REAL(wc_RsaSSL_Verify_ex) != NULL &&
	    REAL(wc_RsaSSL_Verify_ex2) != NULL &&
	    REAL(wc_RsaPublicEncrypt_ex) != NULL &&
	    REAL(wc_RsaPrivateDecrypt_ex) != NULL &&
	    REAL(wc_RsaPrivateDecryptInline_ex) != NULL;
}
