/*
 * What Bulwark needs to know about one certificate, read with wolfSSL's
 * hardened ASN.1 parser, and the FIPS-oriented policy floor for it.
 * The DER comes from untrusted files (bulwark-cert) or peers (client).
 */
#ifndef BWK_X509_H
#define BWK_X509_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

enum x509_key { X509_KEY_OTHER, X509_KEY_RSA, X509_KEY_EC };
enum x509_hash { X509_HASH_OTHER, X509_HASH_SHA1, X509_HASH_SHA256,
	X509_HASH_SHA384, X509_HASH_SHA512 };

/* RSASSA-PSS-params (RFC 4055) as read by x509_pss_params(). */
struct x509_pss {
	enum x509_hash	hash;		/* the message digest */
	enum x509_hash	mgf1_hash;	/* the digest inside MGF1 */
	int		salt;		/* salt length, octets */
	int		policy_ok;	/* SHA-2, given explicitly, MGF1 alike */
	char		name[32];	/* "RSA-PSS-SHA256", or what is wrong */
};

struct certinfo {
	char		subject[384];
	char		issuer[384];
	int64_t		not_before;
	int64_t		not_after;
	enum x509_key	key_type;
	int		key_bits;	/* RSA modulus bits, EC field bits */
	char		key_desc[24];	/* "RSA 2048", "EC P-256" */
	char		sig_desc[32];	/* "ECDSA-SHA256", "RSA-SHA1", ... */
	int		sig_ok;		/* signature algorithm within policy */
	int		is_ca;		/* basicConstraints cA TRUE */
	int		ku_set, ku_digital_signature;	/* keyUsage */
	int		eku_set, eku_server_auth, eku_any; /* extendedKeyUsage */
	int		self_signed;	/* subject name == issuer name */
	uint8_t		fpr[BWK_SHA256_LEN];	/* SHA-256 of the DER */
	int		parse_error;	/* wolfSSL's, when x509_inspect failed */
};

/* Policy refusals, each with its own message ID (docs/messages.md). */
enum x509_verdict {
	X509_OK = 0,
	X509_NOT_CERT,		/* BWK0310E */
	X509_EXPIRED,		/* BWK0320E */
	X509_NOT_YET_VALID,	/* BWK0321E */
	X509_WEAK_KEY,		/* BWK0322E */
	X509_WEAK_SIG,		/* BWK0323E */
	X509_BAD_KEY_TYPE,	/* BWK0324E */
};

/*
 * The instants an RFC 5280 time can name: 0000-01-01 00:00:00 to
 * 9999-12-31 23:59:59 UTC, in seconds since 1970.
 */
#define X509_TIME_MIN	((int64_t)-62167219200)
#define X509_TIME_MAX	((int64_t)253402300799)

/*
 * RFC 5280 4.1.2.5 times: UTCTime (tag 0x17) YYMMDDHHMMSSZ or
 * GeneralizedTime (0x18) YYYYMMDDHHMMSSZ; no fractions, no offsets, real
 * calendar days. d/n are the element's contents.
 */
int	x509_time(int tag, const uint8_t *d, size_t n, int64_t *out);

/*
 * The one RSA-PSS parameter check, for certificates being imported
 * (x509_inspect) and for every signature of a verified path (verify.c):
 * p/n are the contents of the parameters SEQUENCE. -1 when malformed;
 * else 0, with policy_ok 1 only for SHA-256/384/512 named explicitly
 * (absent fields mean SHA-1) and an MGF1 with that same hash.
 */
int	x509_pss_params(const uint8_t *p, size_t n, struct x509_pss *out);

/*
 * Parses der. Returns 0, or -1 when it is not an X.509 certificate that
 * wolfSSL can read; why then says what wolfSSL objected to.
 */
int	x509_inspect(const uint8_t *der, size_t len, struct certinfo *ci,
	    char *why, size_t whylen);

/* The policy floor for keys: certificates, and client keys with them. */
#define X509_MIN_RSA_BITS	2048
#define X509_MIN_EC_BITS	256

/*
 * The policy floor: RSA >= 2048, EC >= P-256 (P-256/384/521 only),
 * SHA-256/384/512 signatures (no SHA-1, MD5, SHA-224), valid at now.
 * check_dates 0 skips the validity window (the unsafe override).
 */
/*
 * The certificate's SubjectPublicKeyInfo, as it is encoded in der (a
 * pointer into it). -1 when der is not shaped like a certificate.
 */
int	x509_spki(const uint8_t *der, size_t len, const uint8_t **spki,
	    size_t *spkilen);

/*
 * What the key helper reads of a certificate it is asked to pin, without
 * wolfSSL's parser: the element is exactly one Certificate SEQUENCE of
 * three parts, and its TBSCertificate has a validity of two RFC 5280
 * times and a SubjectPublicKeyInfo (a pointer into der). -1 otherwise.
 */
struct x509_shape {
	const uint8_t	*spki;
	size_t		 spki_len;
	int64_t		 not_before;
	int64_t		 not_after;
};
int	x509_shape(const uint8_t *der, size_t len, struct x509_shape *);

enum x509_verdict x509_policy(const struct certinfo *ci, int64_t now,
	    int check_dates, const char **id, char *why, size_t whylen);

#endif
