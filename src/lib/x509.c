#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/asn.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/wolfcrypt/rsa.h>
#include <wolfssl/wolfcrypt/hash.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "der.h"
#include "x509.h"

/* Two decimal digits at p, or -1. */
static int
dig2(const uint8_t *p)
{
	if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
x509_time(int tag, const uint8_t *d, size_t n, int64_t *out)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int year, f[5], i;

	if (tag == 0x17 && n == 13) {
		if ((year = dig2(d)) < 0)
			return -1;
		year += year < 50 ? 2000 : 1900;
		d += 2;
	} else if (tag == 0x18 && n == 15) {
		int hi = dig2(d), lo = dig2(d + 2);

		if (hi < 0 || lo < 0)
			return -1;
		year = hi * 100 + lo;
		d += 4;
	} else
		return -1;
	for (i = 0; i < 5; i++)
		if ((f[i] = dig2(d + 2 * i)) < 0)
			return -1;
	if (d[10] != 'Z' || f[0] < 1 || f[0] > 12 || f[1] < 1 ||
	    f[1] > mdays[f[0] - 1] || f[2] > 23 || f[3] > 59 || f[4] > 59)
		return -1;
	if (f[0] == 2 && f[1] == 29 &&
	    !((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
		return -1;
	*out = days_from_civil(year, f[0], f[1]) * 86400 + f[2] * 3600 +
	    f[3] * 60 + f[4];
	return 0;
}

/* wolfSSL hands us the date element with its tag and length. */
static int
asn_time(const uint8_t *p, int len, int64_t *out)
{
	if (p == NULL || len < 2 || p[1] != len - 2)
		return -1;
	return x509_time(p[0], p + 2, (size_t)len - 2, out);
}

/*
 * Total length of the DER element at der (tag + length + contents), or 0
 * when its header is malformed. Definite lengths only, as DER requires.
 */
static size_t
der_outer_len(const uint8_t *der, size_t len)
{
	size_t n, i, body = 0;

	if (len < 2 || der[0] != 0x30)
		return 0;
	if (der[1] < 0x80)
		return 2 + (size_t)der[1];
	n = der[1] & 0x7f;
	if (n == 0 || n > 3 || len < 2 + n)
		return 0;
	for (i = 0; i < n; i++)
		body = body << 8 | der[2 + i];
	return 2 + n + body;
}

struct sigalg {
	word32		 oid;
	const char	*name;
	int		 ok;
};

static const struct sigalg sigalgs[] = {
	{ CTC_SHA256wECDSA,	"ECDSA-SHA256",	1 },
	{ CTC_SHA384wECDSA,	"ECDSA-SHA384",	1 },
	{ CTC_SHA512wECDSA,	"ECDSA-SHA512",	1 },
	{ CTC_SHA256wRSA,	"RSA-SHA256",	1 },
	{ CTC_SHA384wRSA,	"RSA-SHA384",	1 },
	{ CTC_SHA512wRSA,	"RSA-SHA512",	1 },
	{ CTC_RSASSAPSS,	"RSA-PSS",	1 },
	{ CTC_SHAwRSA,		"RSA-SHA1",	0 },
	{ CTC_SHAwECDSA,	"ECDSA-SHA1",	0 },
	{ CTC_SHA224wRSA,	"RSA-SHA224",	0 },
	{ CTC_SHA224wECDSA,	"ECDSA-SHA224",	0 },
	{ CTC_MD5wRSA,		"RSA-MD5",	0 },
	{ CTC_MD2wRSA,		"RSA-MD2",	0 },
};

static void
describe_sig(word32 oid, struct certinfo *ci)
{
	size_t i;

	for (i = 0; i < sizeof(sigalgs) / sizeof(sigalgs[0]); i++) {
		if (sigalgs[i].oid == oid) {
			snprintf(ci->sig_desc, sizeof(ci->sig_desc), "%s",
			    sigalgs[i].name);
			ci->sig_ok = sigalgs[i].ok;
			return;
		}
	}
	snprintf(ci->sig_desc, sizeof(ci->sig_desc), "unknown (%u)", oid);
	ci->sig_ok = 0;
}

static const uint8_t OID_MGF1[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
    0x01, 0x08 };

/* A hash AlgorithmIdentifier's contents: OID [NULL]. */
static int
pss_hash_alg(struct span seq, enum x509_hash *h)
{
	static const uint8_t sha2[] = { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03,
	    0x04, 0x02 };
	static const uint8_t sha1[] = { 0x2b, 0x0e, 0x03, 0x02, 0x1a };
	struct der d = der_of(seq);
	struct span oid, v;

	if (der_get(&d, 0x06, &oid, NULL) == -1)
		return -1;
	if (d.n > 0 && (der_get(&d, 0x05, &v, NULL) == -1 || v.n != 0))
		return -1;
	if (d.n != 0)
		return -1;
	*h = X509_HASH_OTHER;
	if (SPAN_IS(oid, sha1))
		*h = X509_HASH_SHA1;
	else if (oid.n == sizeof(sha2) + 1 &&
	    memcmp(oid.p, sha2, sizeof(sha2)) == 0 && oid.p[sizeof(sha2)] >= 1 &&
	    oid.p[sizeof(sha2)] <= 3)
		*h = X509_HASH_SHA256 + (oid.p[sizeof(sha2)] - 1);
	return 0;
}

static const char *
hash_name(enum x509_hash h)
{
	static const char *names[] = { "an unknown hash", "SHA1", "SHA256",
	    "SHA384", "SHA512" };

	return names[h];
}

/* [tag] { SEQUENCE { ... } }: the inner SEQUENCE's contents. */
static int
pss_field(struct der *d, int tag, struct span *inner)
{
	struct der f;
	struct span v;
	int r;

	if ((r = der_opt(d, tag, &v, NULL)) != 1)
		return r;
	f = der_of(v);
	if (der_get(&f, tag == 0xa2 || tag == 0xa3 ? 0x02 : 0x30, inner,
	    NULL) == -1 || f.n != 0)
		return -1;
	return 1;
}

/*
 * Defaults (RFC 4055 3.1): SHA-1, MGF1 with SHA-1, salt 20, trailer 1.
 * A signer that names SHA-256 for the message but leaves MGF1 on SHA-1
 * (or names another MGF1 hash) is refused: the policy's hash must be
 * the only hash, and RFC 8017 9.1 recommends the same one for both.
 */
int
x509_pss_params(const uint8_t *p, size_t n, struct x509_pss *out)
{
	struct der d = { p, n }, f;
	struct span inner, oid, halg;
	long salt = 20, trailer = 1;
	int r;

	memset(out, 0, sizeof(*out));
	out->hash = out->mgf1_hash = X509_HASH_SHA1;
	if ((r = pss_field(&d, 0xa0, &inner)) == -1 ||
	    (r == 1 && pss_hash_alg(inner, &out->hash) == -1))
		return -1;
	if ((r = pss_field(&d, 0xa1, &inner)) == -1)
		return -1;
	if (r == 1) {
		f = der_of(inner);
		if (der_get(&f, 0x06, &oid, NULL) == -1 ||
		    !SPAN_IS(oid, OID_MGF1) ||
		    der_get(&f, 0x30, &halg, NULL) == -1 || f.n != 0 ||
		    pss_hash_alg(halg, &out->mgf1_hash) == -1)
			return -1;
	}
	if ((r = pss_field(&d, 0xa2, &inner)) == -1 ||
	    (r == 1 && der_small_uint(inner, 1024, &salt) == -1))
		return -1;
	if ((r = pss_field(&d, 0xa3, &inner)) == -1 ||
	    (r == 1 && (der_small_uint(inner, 1, &trailer) == -1 ||
	    trailer != 1)))
		return -1;
	if (d.n != 0)
		return -1;
	out->salt = (int)salt;
	out->policy_ok = out->hash >= X509_HASH_SHA256 &&
	    out->mgf1_hash == out->hash;
	if (out->mgf1_hash == out->hash)
		snprintf(out->name, sizeof(out->name), "RSA-PSS-%s",
		    hash_name(out->hash));
	else
		snprintf(out->name, sizeof(out->name), "RSA-PSS-%s MGF1-%s",
		    hash_name(out->hash), hash_name(out->mgf1_hash));
	return 0;
}

/* The outer signatureAlgorithm's parameters SEQUENCE contents. */
static int
sig_params_of(const uint8_t *der, size_t len, struct span *params)
{
	struct der d = { der, len }, c;
	struct span cert, alg, x;

	if (der_get(&d, 0x30, &cert, NULL) == -1)
		return -1;
	c = der_of(cert);
	if (der_get(&c, 0x30, &x, NULL) == -1 ||
	    der_get(&c, 0x30, &alg, NULL) == -1)
		return -1;
	d = der_of(alg);
	if (der_get(&d, 0x06, &x, NULL) == -1 ||
	    der_get(&d, 0x30, params, NULL) == -1 || d.n != 0)
		return -1;
	return 0;
}

int
x509_spki(const uint8_t *der, size_t len, const uint8_t **spki,
    size_t *spkilen)
{
	struct der d = { der, len }, c, t;
	struct span cert, tbs, x, key;
	int tag;

	if (der_get(&d, 0x30, &cert, NULL) == -1)
		return -1;
	c = der_of(cert);
	if (der_get(&c, 0x30, &tbs, NULL) == -1)
		return -1;
	/* [0] version, serial, signature, issuer, validity, subject, SPKI */
	t = der_of(tbs);
	if (der_opt(&t, 0xa0, &x, NULL) == -1 ||
	    der_next(&t, &tag, &x, NULL) == -1 || tag != 0x02 ||
	    der_get(&t, 0x30, &x, NULL) == -1 ||
	    der_get(&t, 0x30, &x, NULL) == -1 ||
	    der_get(&t, 0x30, &x, NULL) == -1 ||
	    der_get(&t, 0x30, &x, NULL) == -1 ||
	    der_get(&t, 0x30, &x, &key) == -1)
		return -1;
	*spki = key.p;
	*spkilen = key.n;
	return 0;
}

/* One Time of a Validity: UTCTime or GeneralizedTime, RFC 5280 form. */
static int
der_time(struct der *d, int64_t *out)
{
	struct span v;
	int tag;

	if (der_next(d, &tag, &v, NULL) == -1)
		return -1;
	return x509_time(tag, v.p, v.n, out);
}

int
x509_shape(const uint8_t *der, size_t len, struct x509_shape *out)
{
	struct der d = { der, len }, c, t, v;
	struct span cert, tbs, x, validity, key;
	int tag;

	memset(out, 0, sizeof(*out));
	if (der_get(&d, 0x30, &cert, NULL) == -1 || d.n != 0)
		return -1;
	c = der_of(cert);
	/* tbsCertificate, signatureAlgorithm, signatureValue: nothing more */
	if (der_get(&c, 0x30, &tbs, NULL) == -1 ||
	    der_get(&c, 0x30, &x, NULL) == -1 ||
	    der_get(&c, 0x03, &x, NULL) == -1 || c.n != 0)
		return -1;
	t = der_of(tbs);
	if (der_opt(&t, 0xa0, &x, NULL) == -1 ||
	    der_next(&t, &tag, &x, NULL) == -1 || tag != 0x02 ||
	    der_get(&t, 0x30, &x, NULL) == -1 ||
	    der_get(&t, 0x30, &x, NULL) == -1 ||
	    der_get(&t, 0x30, &validity, NULL) == -1 ||
	    der_get(&t, 0x30, &x, NULL) == -1 ||
	    der_get(&t, 0x30, &x, &key) == -1)
		return -1;
	v = der_of(validity);
	if (der_time(&v, &out->not_before) == -1 ||
	    der_time(&v, &out->not_after) == -1 || v.n != 0)
		return -1;
	out->spki = key.p;
	out->spki_len = key.n;
	return 0;
}

static int
describe_key(DecodedCert *dc, struct certinfo *ci)
{
	RsaKey rsa;
	word32 idx = 0;
	int bits;

	switch (dc->keyOID) {
	case RSAk:
		if (wc_InitRsaKey(&rsa, NULL) != 0)
			return -1;
		if (wc_RsaPublicKeyDecode(dc->publicKey, &idx, &rsa,
		    dc->pubKeySize) != 0) {
			wc_FreeRsaKey(&rsa);
			return -1;
		}
		bits = wc_RsaEncryptSize(&rsa) * 8;
		wc_FreeRsaKey(&rsa);
		ci->key_type = X509_KEY_RSA;
		ci->key_bits = bits;
		snprintf(ci->key_desc, sizeof(ci->key_desc), "RSA %d", bits);
		return 0;
	case ECDSAk:
		ci->key_type = X509_KEY_EC;
		switch (dc->pkCurveOID) {
		case ECC_SECP256R1_OID:
			ci->key_bits = 256;
			break;
		case ECC_SECP384R1_OID:
			ci->key_bits = 384;
			break;
		case ECC_SECP521R1_OID:
			ci->key_bits = 521;
			break;
		default:
			/* a curve outside the policy: report it as too weak */
			ci->key_bits = 0;
			snprintf(ci->key_desc, sizeof(ci->key_desc),
			    "EC (other curve)");
			return 0;
		}
		snprintf(ci->key_desc, sizeof(ci->key_desc), "EC P-%d",
		    ci->key_bits);
		return 0;
	default:
		ci->key_type = X509_KEY_OTHER;
		snprintf(ci->key_desc, sizeof(ci->key_desc), "other (%u)",
		    dc->keyOID);
		return 0;
	}
}

int
x509_inspect(const uint8_t *der, size_t len, struct certinfo *ci,
    char *why, size_t whylen)
{
	DecodedCert dc;
	int ret, rc = -1;

	memset(ci, 0, sizeof(*ci));
	if (len == 0 || len > 0xffffff) {
		snprintf(why, whylen, "empty or oversized");
		return -1;
	}
	wc_InitDecodedCert(&dc, der, (word32)len, NULL);
	/*
	 * NO_VERIFY: parse only. Dates and signatures are judged by our
	 * policy (x509_policy) and by the chain verifier, not here.
	 */
	ret = wc_ParseCert(&dc, CERT_TYPE, NO_VERIFY, NULL);
	if (ret != 0) {
		ci->parse_error = ret;
		snprintf(why, whylen, "%s (wolfSSL %d)",
		    wc_GetErrorString(ret), ret);
		goto out;
	}
	/* DER must be exactly one certificate: no trailing bytes */
	if (der_outer_len(der, len) != len) {
		snprintf(why, whylen, "trailing data after the certificate");
		goto out;
	}
	if (asn_time(dc.beforeDate, dc.beforeDateLen, &ci->not_before) == -1 ||
	    asn_time(dc.afterDate, dc.afterDateLen, &ci->not_after) == -1) {
		snprintf(why, whylen, "a validity date that is not "
		    "RFC 5280 UTCTime or GeneralizedTime");
		goto out;
	}
	/* names come from the certificate's author: make them safe to print */
	bwk_sanitize(dc.subject, ci->subject, sizeof(ci->subject));
	bwk_sanitize(dc.issuer, ci->issuer, sizeof(ci->issuer));
	if (describe_key(&dc, ci) == -1) {
		snprintf(why, whylen, "an RSA public key that cannot be read");
		goto out;
	}
	describe_sig(dc.signatureOID, ci);
	if (dc.signatureOID == CTC_RSASSAPSS) {
		struct x509_pss pss;
		struct span params;

		if (sig_params_of(der, len, &params) == 0 &&
		    x509_pss_params(params.p, params.n, &pss) == 0) {
			snprintf(ci->sig_desc, sizeof(ci->sig_desc), "%s",
			    pss.name);
			ci->sig_ok = pss.policy_ok;
		} else {
			snprintf(ci->sig_desc, sizeof(ci->sig_desc),
			    "RSA-PSS with bad parameters");
			ci->sig_ok = 0;
		}
	}
	ci->is_ca = dc.isCA ? 1 : 0;
	ci->ku_set = dc.extKeyUsageSet ? 1 : 0;
	ci->ku_digital_signature = (dc.extKeyUsage & KEYUSE_DIGITAL_SIG) != 0;
	ci->eku_set = dc.extExtKeyUsageSet ? 1 : 0;
	ci->eku_server_auth = (dc.extExtKeyUsage & EXTKEYUSE_SERVER_AUTH) != 0;
	ci->eku_any = (dc.extExtKeyUsage & EXTKEYUSE_ANY) != 0;
	ci->self_signed = dc.selfSigned ? 1 : 0;
	if (wc_Sha256Hash(der, (word32)len, ci->fpr) != 0) {
		snprintf(why, whylen, "SHA-256 failed");
		goto out;
	}
	rc = 0;
out:
	wc_FreeDecodedCert(&dc);
	return rc;
}

enum x509_verdict
x509_policy(const struct certinfo *ci, int64_t now, int check_dates,
    const char **id, char *why, size_t whylen)
{
	char t[32];

	switch (ci->key_type) {
	case X509_KEY_RSA:
		if (ci->key_bits < X509_MIN_RSA_BITS) {
			*id = "BWK0322E";
			bwk_say(why, whylen, "an RSA key of %d bits; the policy "
			    "needs at least %d", ci->key_bits, X509_MIN_RSA_BITS);
			return X509_WEAK_KEY;
		}
		break;
	case X509_KEY_EC:
		if (ci->key_bits < X509_MIN_EC_BITS) {
			*id = "BWK0322E";
			bwk_say(why, whylen, "an elliptic-curve key on a curve "
			    "outside the policy; P-256, P-384 or P-521 needed");
			return X509_WEAK_KEY;
		}
		break;
	default:
		*id = "BWK0324E";
		bwk_say(why, whylen, "a %s public key; the policy allows RSA and "
		    "ECDSA only", ci->key_desc);
		return X509_BAD_KEY_TYPE;
	}
	if (!ci->sig_ok) {
		*id = "BWK0323E";
		bwk_say(why, whylen, "signed with %s; the policy accepts SHA-256, "
		    "SHA-384 and SHA-512 signatures only%s", ci->sig_desc,
		    strncmp(ci->sig_desc, "RSA-PSS", 7) == 0 ? ", and RSA-PSS "
		    "only with the same hash named for the message and MGF1" :
		    "");
		return X509_WEAK_SIG;
	}
	if (!check_dates)
		return X509_OK;
	if (now > ci->not_after) {
		bwk_time_format(ci->not_after, t);
		*id = "BWK0320E";
		bwk_say(why, whylen, "expired on %s", t);
		return X509_EXPIRED;
	}
	if (now < ci->not_before) {
		bwk_time_format(ci->not_before, t);
		*id = "BWK0321E";
		bwk_say(why, whylen, "not valid before %s", t);
		return X509_NOT_YET_VALID;
	}
	return X509_OK;
}
