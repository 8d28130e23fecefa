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

/*
 * RSASSA-PSS-params (RFC 4055): an absent hashAlgorithm means SHA-1, so
 * the hash must be there, explicitly, and be SHA-256, -384 or -512.
 * Short-form lengths suffice: these parameters are tens of bytes.
 */
static const char *
pss_hash(const uint8_t *p, size_t len)
{
	static const uint8_t sha2[] = { 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
	    0x65, 0x03, 0x04, 0x02 };
	static const char *names[] = { "RSA-PSS-SHA256", "RSA-PSS-SHA384",
	    "RSA-PSS-SHA512" };

	if (len >= 2 && p[0] == 0x30 && p[1] < 0x80 && (size_t)p[1] + 2 <= len) {
		len = p[1];	/* into the SEQUENCE */
		p += 2;
	}
	/* [0] { SEQUENCE { OID [NULL] } } */
	if (len < 4 || p[0] != 0xa0 || p[1] >= 0x80 || (size_t)p[1] + 2 > len ||
	    p[2] != 0x30 || p[3] >= 0x80 || (size_t)p[3] + 4 > (size_t)p[1] + 2 ||
	    p[3] < sizeof(sha2) + 1 || memcmp(p + 4, sha2, sizeof(sha2)) != 0)
		return NULL;
	if (p[4 + sizeof(sha2)] < 1 || p[4 + sizeof(sha2)] > 3)
		return NULL;
	return names[p[4 + sizeof(sha2)] - 1];
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
		const char *h = NULL;

		if (dc.sigParamsLength > 0 &&
		    (size_t)dc.sigParamsIndex + dc.sigParamsLength <= len)
			h = pss_hash(der + dc.sigParamsIndex, dc.sigParamsLength);
		snprintf(ci->sig_desc, sizeof(ci->sig_desc), "%s",
		    h != NULL ? h : "RSA-PSS (SHA-1 or unknown hash)");
		ci->sig_ok = h != NULL;
	}
	ci->is_ca = dc.isCA ? 1 : 0;
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

static void __attribute__((format(printf, 3, 4)))
say(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
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
			say(why, whylen, "an RSA key of %d bits; the policy "
			    "needs at least %d", ci->key_bits, X509_MIN_RSA_BITS);
			return X509_WEAK_KEY;
		}
		break;
	case X509_KEY_EC:
		if (ci->key_bits < X509_MIN_EC_BITS) {
			*id = "BWK0322E";
			say(why, whylen, "an elliptic-curve key on a curve "
			    "outside the policy; P-256, P-384 or P-521 needed");
			return X509_WEAK_KEY;
		}
		break;
	default:
		*id = "BWK0324E";
		say(why, whylen, "a %s public key; the policy allows RSA and "
		    "ECDSA only", ci->key_desc);
		return X509_BAD_KEY_TYPE;
	}
	if (!ci->sig_ok) {
		*id = "BWK0323E";
		say(why, whylen, "signed with %s; the policy accepts SHA-256, "
		    "SHA-384 and SHA-512 signatures only", ci->sig_desc);
		return X509_WEAK_SIG;
	}
	if (!check_dates)
		return X509_OK;
	if (now > ci->not_after) {
		bwk_time_format(ci->not_after, t);
		*id = "BWK0320E";
		say(why, whylen, "expired on %s", t);
		return X509_EXPIRED;
	}
	if (now < ci->not_before) {
		bwk_time_format(ci->not_before, t);
		*id = "BWK0321E";
		say(why, whylen, "not valid before %s", t);
		return X509_NOT_YET_VALID;
	}
	return X509_OK;
}
