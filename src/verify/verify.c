/*
 * Offline certificate-path verification (see verify.h for the message
 * IDs). Division of labour:
 *
 *  - wolfSSL decodes each certificate first (wc_ParseCert, NO_VERIFY) as
 *    a strict gate: what its hardened parser refuses is never used. It
 *    decodes the public keys and checks every signature (wc_SignatureVerify,
 *    wc_RsaPSS_*), and does the hashing.
 *  - This file builds the path itself (several candidate issuers, cross
 *    signatures, anchors in the middle of a sent chain), runs RFC 5280
 *    6.1 over it, and 6.3 for CRLs. The extension contents that wolfSSL
 *    does not expose in our build (policy mappings and constraints, all
 *    GeneralName forms, name-constraint subtrees, CRL structures) are read
 *    with the small bounds-checked DER reader below, from bytes that
 *    wolfSSL has already accepted as a certificate.
 *  - Dates are checked here against the caller's validation time, never
 *    against wolfSSL's clock, so --time works without a wolfSSL option.
 *  - The algorithm floor is x509_policy() of src/lib/x509.c.
 */
#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/asn.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/rsa.h>
#include <wolfssl/wolfcrypt/signature.h>

#include "../lib/certfile.h"
#include "../lib/msg.h"
#include "../lib/x509.h"
#include "verify_int.h"

/* ------------------------------------------------------------------ */
/* Object identifiers (DER contents)                                   */
/* ------------------------------------------------------------------ */

static const uint8_t OID_SKI[] = { 0x55, 0x1d, 0x0e };
static const uint8_t OID_KU[] = { 0x55, 0x1d, 0x0f };
static const uint8_t OID_SAN[] = { 0x55, 0x1d, 0x11 };
static const uint8_t OID_IAN[] = { 0x55, 0x1d, 0x12 };
static const uint8_t OID_BC[] = { 0x55, 0x1d, 0x13 };
static const uint8_t OID_CRLNUM[] = { 0x55, 0x1d, 0x14 };
static const uint8_t OID_REASON[] = { 0x55, 0x1d, 0x15 };
static const uint8_t OID_INVDATE[] = { 0x55, 0x1d, 0x18 };
static const uint8_t OID_DELTA[] = { 0x55, 0x1d, 0x1b };
static const uint8_t OID_IDP[] = { 0x55, 0x1d, 0x1c };
static const uint8_t OID_CERTISSUER[] = { 0x55, 0x1d, 0x1d };
static const uint8_t OID_NC[] = { 0x55, 0x1d, 0x1e };
static const uint8_t OID_CRLDP[] = { 0x55, 0x1d, 0x1f };
static const uint8_t OID_CP[] = { 0x55, 0x1d, 0x20 };
static const uint8_t OID_PM[] = { 0x55, 0x1d, 0x21 };
static const uint8_t OID_AKI[] = { 0x55, 0x1d, 0x23 };
static const uint8_t OID_PC[] = { 0x55, 0x1d, 0x24 };
static const uint8_t OID_EKU[] = { 0x55, 0x1d, 0x25 };
static const uint8_t OID_FRESHEST[] = { 0x55, 0x1d, 0x2e };
static const uint8_t OID_IAP[] = { 0x55, 0x1d, 0x36 };
static const uint8_t OID_AIA[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01 };
static const uint8_t OID_SIA[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x0b };
static const uint8_t OID_ANY_POLICY[] = { 0x55, 0x1d, 0x20, 0x00 };
static const uint8_t OID_EKU_SERVER[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01 };
static const uint8_t OID_EKU_ANY[] = { 0x55, 0x1d, 0x25, 0x00 };
static const uint8_t OID_RSA[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };
static const uint8_t OID_EC[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
static const uint8_t OID_P256[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
static const uint8_t OID_P384[] = { 0x2b, 0x81, 0x04, 0x00, 0x22 };
static const uint8_t OID_P521[] = { 0x2b, 0x81, 0x04, 0x00, 0x23 };
static const uint8_t OID_P224[] = { 0x2b, 0x81, 0x04, 0x00, 0x21 };
static const uint8_t OID_EMAIL[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01 };

enum alg_key { AK_RSA, AK_EC, AK_PSS, AK_OTHER };

struct sigalg {
	uint8_t		 oid[9];
	uint8_t		 oidlen;
	enum wc_HashType hash;
	enum alg_key	 key;
	int		 policy_ok;
	const char	*name;
};

static const struct sigalg sigalgs[] = {
	{ { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b }, 9, WC_HASH_TYPE_SHA256, AK_RSA, 1, "RSA-SHA256" },
	{ { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c }, 9, WC_HASH_TYPE_SHA384, AK_RSA, 1, "RSA-SHA384" },
	{ { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d }, 9, WC_HASH_TYPE_SHA512, AK_RSA, 1, "RSA-SHA512" },
	{ { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0e }, 9, WC_HASH_TYPE_SHA224, AK_RSA, 0, "RSA-SHA224" },
	{ { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05 }, 9, WC_HASH_TYPE_SHA, AK_RSA, 0, "RSA-SHA1" },
	{ { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x04 }, 9, WC_HASH_TYPE_NONE, AK_RSA, 0, "RSA-MD5" },
	{ { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02 }, 8, WC_HASH_TYPE_SHA256, AK_EC, 1, "ECDSA-SHA256" },
	{ { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03 }, 8, WC_HASH_TYPE_SHA384, AK_EC, 1, "ECDSA-SHA384" },
	{ { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04 }, 8, WC_HASH_TYPE_SHA512, AK_EC, 1, "ECDSA-SHA512" },
	{ { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x01 }, 8, WC_HASH_TYPE_SHA224, AK_EC, 0, "ECDSA-SHA224" },
	{ { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01 }, 7, WC_HASH_TYPE_SHA, AK_EC, 0, "ECDSA-SHA1" },
	{ { 0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x03 }, 7, WC_HASH_TYPE_SHA, AK_OTHER, 0, "DSA-SHA1" },
	{ { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x02 }, 9, WC_HASH_TYPE_SHA256, AK_OTHER, 0, "DSA-SHA256" },
	{ { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a }, 9, WC_HASH_TYPE_NONE, AK_PSS, 1, "RSA-PSS" },
};

/* A parsed AlgorithmIdentifier for a signature. */
struct sig_params {
	const struct sigalg *alg;	/* NULL: unknown */
	enum wc_HashType hash;		/* PSS: from the parameters */
	enum wc_HashType mgf1_hash;	/* PSS only */
	int		 pss_salt;
	int		 policy_ok;
	char		 name[32];
};

static const struct sigalg *
sigalg_find(struct span oid)
{
	size_t i;

	for (i = 0; i < sizeof(sigalgs) / sizeof(sigalgs[0]); i++)
		if (span_is(oid, sigalgs[i].oid, sigalgs[i].oidlen))
			return &sigalgs[i];
	return NULL;
}

static enum wc_HashType
wc_hash(enum x509_hash h)
{
	switch (h) {
	case X509_HASH_SHA1:
		return WC_HASH_TYPE_SHA;
	case X509_HASH_SHA256:
		return WC_HASH_TYPE_SHA256;
	case X509_HASH_SHA384:
		return WC_HASH_TYPE_SHA384;
	case X509_HASH_SHA512:
		return WC_HASH_TYPE_SHA512;
	default:
		return WC_HASH_TYPE_NONE;
	}
}

/*
 * RFC 4055 RSASSA-PSS-params, through the check the import policy uses
 * too (x509_pss_params), so that bulwark-cert and the verifier cannot
 * disagree. The MGF1 hash is kept as given: the signature is verified as
 * made, and refused by the floor in check_common when MGF1 differs.
 */
static int
pss_params(struct span params, struct sig_params *sp)
{
	struct x509_pss pss;

	if (x509_pss_params(params.p, params.n, &pss) == -1)
		return -1;
	sp->hash = wc_hash(pss.hash);
	sp->mgf1_hash = wc_hash(pss.mgf1_hash);
	sp->pss_salt = pss.salt;
	sp->policy_ok = pss.policy_ok;
	snprintf(sp->name, sizeof(sp->name), "%s", pss.name);
	return 0;
}

/* Signature AlgorithmIdentifier (the whole SEQUENCE contents). */
static int
sig_params_parse(struct span algseq, struct sig_params *sp)
{
	struct der d = der_of(algseq);
	struct span oid, params = { NULL, 0 };
	int tag;

	memset(sp, 0, sizeof(*sp));
	if (der_get(&d, 0x06, &oid, NULL) == -1)
		return -1;
	if (d.n > 0 && der_next(&d, &tag, &params, NULL) == -1)
		return -1;
	if (d.n != 0)
		return -1;
	sp->alg = sigalg_find(oid);
	if (sp->alg == NULL) {
		snprintf(sp->name, sizeof(sp->name), "an unknown algorithm");
		return 0;
	}
	snprintf(sp->name, sizeof(sp->name), "%s", sp->alg->name);
	sp->hash = sp->alg->hash;
	sp->policy_ok = sp->alg->policy_ok;
	if (sp->alg->key == AK_PSS) {
		if (tag != 0x30 || pss_params(params, sp) == -1) {
			sp->alg = NULL;
			snprintf(sp->name, sizeof(sp->name),
			    "RSA-PSS with bad parameters");
		}
		return 0;
	}
	if (sp->alg->key == AK_EC && params.p != NULL)
		return -1;	/* RFC 5758: parameters absent */
	if (sp->alg->key == AK_RSA && params.p != NULL &&
	    (tag != 0x05 || params.n != 0))
		return -1;	/* RFC 4055: NULL */
	return 0;
}

/* ------------------------------------------------------------------ */
/* Times                                                               */
/* ------------------------------------------------------------------ */

/* RFC 5280 times: the one parser, in src/lib/x509.c. */
static int
der_time(int tag, struct span v, int64_t *out)
{
	return x509_time(tag, v.p, v.n, out);
}

/* snprintf for messages; vsnprintf keeps GCC's truncation guesses quiet. */
static void __attribute__((format(printf, 3, 4)))
say(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

static void
fmt_time(int64_t t, char out[32])
{
	bwk_time_format(t, out);
}

/* ------------------------------------------------------------------ */
/* Distinguished names (RFC 5280 7.1)                                  */
/* ------------------------------------------------------------------ */

static int
is_string_tag(int tag)
{
	/* PrintableString, UTF8String, IA5String, TeletexString */
	return tag == 0x13 || tag == 0x0c || tag == 0x16 || tag == 0x14;
}

/*
 * Attribute values compare as RFC 5280 7.1 asks, in the part of LDAP
 * string preparation that matters for the ASCII names CAs use: leading
 * and trailing spaces dropped, inner runs of spaces folded to one, ASCII
 * case ignored. Other bytes compare exactly, and other types (BMPString,
 * binary values) byte for byte with their tag.
 */
static int
value_eq(int ta, struct span a, int tb, struct span b)
{
	size_t i = 0, j = 0;

	if (!is_string_tag(ta) || !is_string_tag(tb))
		return ta == tb && span_eq(a, b);
	while (i < a.n && a.p[i] == ' ')
		i++;
	while (j < b.n && b.p[j] == ' ')
		j++;
	for (;;) {
		int ca, cb, sa = 0, sb = 0;

		while (i < a.n && a.p[i] == ' ')
			i++, sa = 1;
		while (j < b.n && b.p[j] == ' ')
			j++, sb = 1;
		if (i == a.n || j == b.n)
			return i == a.n && j == b.n;
		if (sa != sb)
			return 0;
		ca = a.p[i++];
		cb = b.p[j++];
		if (ca >= 'A' && ca <= 'Z')
			ca += 32;
		if (cb >= 'A' && cb <= 'Z')
			cb += 32;
		if (ca != cb)
			return 0;
	}
}

static int
atv_split(struct span atv, struct span *oid, int *vtag, struct span *val)
{
	struct der d = der_of(atv);

	if (der_get(&d, 0x06, oid, NULL) == -1 ||
	    der_next(&d, vtag, val, NULL) == -1 || d.n != 0)
		return -1;
	return 0;
}

/* Two RDNs (SET OF AttributeTypeAndValue contents) are equal as sets. */
static int
rdn_eq(struct span a, struct span b)
{
	struct der da = der_of(a), db;
	struct span atv_a, atv_b, oa, ob, va, vb;
	int ta, tb, na = 0, nb = 0;

	db = der_of(b);
	while (db.n > 0) {
		if (der_get(&db, 0x30, &atv_b, NULL) == -1)
			return 0;
		nb++;
	}
	while (da.n > 0) {
		int found = 0;

		if (der_get(&da, 0x30, &atv_a, NULL) == -1 ||
		    atv_split(atv_a, &oa, &ta, &va) == -1)
			return 0;
		na++;
		db = der_of(b);
		while (db.n > 0 && !found) {
			if (der_get(&db, 0x30, &atv_b, NULL) == -1 ||
			    atv_split(atv_b, &ob, &tb, &vb) == -1)
				return 0;
			found = span_eq(oa, ob) && value_eq(ta, va, tb, vb);
		}
		if (!found)
			return 0;
	}
	return na == nb;
}

/*
 * Name contents (the RDNSequence inside the outer SEQUENCE). prefix: a
 * is a leading part of b (a directoryName subtree), else equality.
 */
static int
name_cmp(struct span a, struct span b, int prefix)
{
	struct der da = der_of(a), db = der_of(b);
	struct span ra, rb;

	if (!prefix && span_eq(a, b))
		return 1;
	while (da.n > 0) {
		if (db.n == 0)
			return 0;
		if (der_get(&da, 0x31, &ra, NULL) == -1 ||
		    der_get(&db, 0x31, &rb, NULL) == -1 || !rdn_eq(ra, rb))
			return 0;
	}
	return prefix || db.n == 0;
}

static int
name_eq(struct span a, struct span b)
{
	return name_cmp(a, b, 0);
}

/* "/CN=x/O=y" for messages, made safe to print. */
static void
name_print(struct span name, char *out, size_t outlen)
{
	static const struct { uint8_t b; const char *s; } short_names[] = {
		{ 3, "CN" }, { 6, "C" }, { 7, "L" }, { 8, "ST" }, { 10, "O" },
		{ 11, "OU" }, { 5, "serialNumber" },
	};
	struct der d = der_of(name), r;
	struct span rdn, atv, oid, val;
	char raw[512];
	size_t n = 0, i;
	int tag;

	raw[0] = '\0';
	while (n + 1 < sizeof(raw) && d.n > 0 &&
	    der_get(&d, 0x31, &rdn, NULL) == 0) {
		r = der_of(rdn);
		while (n + 1 < sizeof(raw) && r.n > 0 &&
		    der_get(&r, 0x30, &atv, NULL) == 0 &&
		    atv_split(atv, &oid, &tag, &val) == 0) {
			const char *nm = NULL;
			int w;

			for (i = 0; i < sizeof(short_names) /
			    sizeof(short_names[0]); i++)
				if (oid.n == 3 && oid.p[0] == 0x55 &&
				    oid.p[1] == 0x04 && oid.p[2] == short_names[i].b)
					nm = short_names[i].s;
			if (nm == NULL && SPAN_IS(oid, OID_EMAIL))
				nm = "emailAddress";
			w = snprintf(raw + n, sizeof(raw) - n, "/%s=",
			    nm ? nm : "?");
			if (w < 0 || (size_t)w >= sizeof(raw) - n) {
				n = sizeof(raw) - 1;
				break;
			}
			n += (size_t)w;
			if (is_string_tag(tag) || tag == 0x1e)
				for (i = 0; i < val.n && n + 1 < sizeof(raw); i++)
					raw[n++] = val.p[i] ? (char)val.p[i] : '?';
			raw[n] = '\0';
		}
	}
	bwk_sanitize(raw, out, outlen);
}

/* A Name is well formed: RDNs, each a non-empty SET of type/value pairs. */
static int
name_valid(struct span name)
{
	struct der d = der_of(name), r;
	struct span rdn, atv, oid, val;
	int tag;

	while (d.n > 0) {
		if (der_get(&d, 0x31, &rdn, NULL) == -1 || rdn.n == 0)
			return 0;
		r = der_of(rdn);
		while (r.n > 0)
			if (der_get(&r, 0x30, &atv, NULL) == -1 ||
			    atv_split(atv, &oid, &tag, &val) == -1)
				return 0;
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* Certificates                                                        */
/* ------------------------------------------------------------------ */

#define KU_DIGITAL_SIGNATURE	0x01u
#define KU_KEY_CERT_SIGN	0x20u
#define KU_CRL_SIGN		0x40u

#define MAX_SAN_NAMES		1024	/* names in one certificate */
#define MAX_NC_WORK		(1L << 20)	/* name x subtree comparisons */

struct vcert {
	struct span	 der;
	uint8_t		 fpr[BWK_SHA256_LEN];
	int		 ok;		/* decoded: usable at all */
	enum chain_reason bad;		/* why not */
	char		 why[200];
	char		 subj_str[160];
	int		 is_anchor;
	enum chain_src	 src;
	size_t		 src_index;

	struct span	 tbs;		/* whole TBSCertificate element */
	int		 version;	/* 0 = v1 .. 2 = v3 */
	struct span	 serial;
	struct span	 sigalg_in, sigalg_out;	/* AlgorithmIdentifier TLVs */
	struct sig_params sig;
	struct span	 issuer, subject;	/* Name contents */
	int64_t		 not_before, not_after;
	struct span	 spki;		/* SubjectPublicKeyInfo TLV */
	struct span	 sigval;	/* signature bits (no unused-bits octet) */
	enum alg_key	 key;
	int		 key_bits;
	int		 key_ok;	/* named P-256/384/521, or RSA */
	int		 rsa_mod8;	/* RSA modulus a whole number of bytes */
	char		 key_desc[24];
	int		 self_issued;
	int		 self_signed;	/* -1 not yet known */
	int		 serial_negative;	/* refused below an anchor */

	/* profile problems: refused when the certificate is used */
	char		 profile[160];
	char		 crit_unknown[64];	/* OID of an unknown critical ext */

	int		 bc, bc_crit, ca;
	long		 pathlen;	/* -1 absent */
	int		 ku;
	unsigned	 ku_bits;
	int		 eku, eku_crit, eku_server, eku_any;
	int		 san, san_crit;
	struct span	 san_v;		/* GeneralNames contents */
	int		 nc, nc_crit, nc_perm_set, nc_excl_set;
	struct span	 nc_perm, nc_excl;	/* GeneralSubtrees contents */
	int		 cp;
	struct span	 cp_v;
	int		 pm;
	struct span	 pm_v;
	long		 pc_require, pc_inhibit;	/* -1 absent */
	int		 pc;
	long		 iap_skip;	/* -1 absent */
	int		 aki, aki_crit, aki_keyid_set, aki_issuer_serial;
	struct span	 aki_keyid;
	int		 ski, ski_crit;
	struct span	 ski_v;
	int		 aia, aia_crit;
	int		 crldp;
	struct span	 crldp_v;
};

static void __attribute__((format(printf, 2, 3)))
profile_err(struct vcert *c, const char *fmt, ...)
{
	va_list ap;

	if (c->profile[0] != '\0')
		return;		/* the first problem is the one reported */
	va_start(ap, fmt);
	vsnprintf(c->profile, sizeof(c->profile), fmt, ap);
	va_end(ap);
}

/* GeneralName: structure checks only; tag and contents out. */
static int
general_name(struct der *d, int *tag, struct span *v)
{
	struct span tlv;

	if (der_next(d, tag, v, &tlv) == -1)
		return -1;
	switch (*tag) {
	case 0xa0: case 0xa3: case 0xa5:	/* otherName, x400, edi */
	case 0x81: case 0x82: case 0x86:	/* rfc822, dNS, URI */
	case 0x87: case 0x88:			/* iPAddress, registeredID */
		return 0;
	case 0xa4: {				/* directoryName [4] EXPLICIT */
		struct der in = der_of(*v);
		struct span name;

		if (der_get(&in, 0x30, &name, NULL) == -1 || in.n != 0 ||
		    !name_valid(name))
			return -1;
		*v = name;
		return 0;
	}
	default:
		return -1;
	}
}

/* GeneralNames contents: a non-empty, well-formed list. */
static int
general_names_valid(struct span names, size_t *count)
{
	struct der d = der_of(names);
	struct span v;
	int tag;
	size_t n = 0;

	while (d.n > 0) {
		if (general_name(&d, &tag, &v) == -1)
			return 0;
		n++;
	}
	if (count != NULL)
		*count = n;
	return n > 0;
}

static int
parse_bc(struct vcert *c, struct span v)
{
	struct der d = der_of(v), s;
	struct span in, x;

	if (der_get(&d, 0x30, &in, NULL) == -1 || d.n != 0)
		return -1;
	s = der_of(in);
	c->bc = 1;
	if (s.n > 0 && s.p[0] == 0x01) {
		if (der_get(&s, 0x01, &x, NULL) == -1 || der_bool(x, &c->ca) == -1)
			return -1;
		if (!c->ca)
			profile_err(c, "basicConstraints encodes the default "
			    "cA FALSE (not DER)");
	}
	if (s.n > 0) {
		if (der_get(&s, 0x02, &x, NULL) == -1 ||
		    der_small_uint(x, 0x7fffffff, &c->pathlen) == -1)
			return -1;
		if (!c->ca)
			profile_err(c, "pathLenConstraint without cA TRUE");
	}
	return s.n == 0 ? 0 : -1;
}

static int
parse_eku(struct vcert *c, struct span v)
{
	struct der d = der_of(v), s;
	struct span in, oid;

	if (der_get(&d, 0x30, &in, NULL) == -1 || d.n != 0)
		return -1;
	c->eku = 1;
	s = der_of(in);
	if (s.n == 0)
		profile_err(c, "an empty extendedKeyUsage");
	while (s.n > 0) {
		if (der_get(&s, 0x06, &oid, NULL) == -1)
			return -1;
		if (SPAN_IS(oid, OID_EKU_SERVER))
			c->eku_server = 1;
		else if (SPAN_IS(oid, OID_EKU_ANY))
			c->eku_any = 1;
	}
	return 0;
}

static int
parse_nc(struct vcert *c, struct span v)
{
	struct der d = der_of(v), s;
	struct span in;
	int r;

	if (der_get(&d, 0x30, &in, NULL) == -1 || d.n != 0)
		return -1;
	c->nc = 1;
	s = der_of(in);
	if ((r = der_opt(&s, 0xa0, &c->nc_perm, NULL)) == -1)
		return -1;
	c->nc_perm_set = r;
	if ((r = der_opt(&s, 0xa1, &c->nc_excl, NULL)) == -1)
		return -1;
	c->nc_excl_set = r;
	if (s.n != 0)
		return -1;
	if ((!c->nc_perm_set || c->nc_perm.n == 0) &&
	    (!c->nc_excl_set || c->nc_excl.n == 0))
		profile_err(c, "nameConstraints with no subtrees");
	else if ((c->nc_perm_set && c->nc_perm.n == 0) ||
	    (c->nc_excl_set && c->nc_excl.n == 0))
		profile_err(c, "nameConstraints with an empty subtree list");
	return 0;
}

static int
parse_cp(struct vcert *c, struct span v)
{
	struct der d = der_of(v), s, pi, t;
	struct span in, info, oid, q, oid2, info2;

	if (der_get(&d, 0x30, &in, NULL) == -1 || d.n != 0)
		return -1;
	c->cp = 1;
	c->cp_v = in;
	s = der_of(in);
	if (s.n == 0)
		profile_err(c, "empty certificatePolicies");
	while (s.n > 0) {
		int n = 0;

		if (der_get(&s, 0x30, &info, NULL) == -1)
			return -1;
		pi = der_of(info);
		if (der_get(&pi, 0x06, &oid, NULL) == -1)
			return -1;
		if (pi.n > 0 && der_get(&pi, 0x30, &q, NULL) == -1)
			return -1;
		if (pi.n != 0)
			return -1;
		/* a policy may appear only once */
		t = der_of(in);
		while (t.n > 0) {
			if (der_get(&t, 0x30, &info2, NULL) == -1)
				return -1;
			pi = der_of(info2);
			if (der_get(&pi, 0x06, &oid2, NULL) == -1)
				return -1;
			n += span_eq(oid, oid2);
		}
		if (n > 1)
			profile_err(c, "a certificate policy listed twice");
	}
	return 0;
}

static int
parse_pm(struct vcert *c, struct span v)
{
	struct der d = der_of(v), s, m;
	struct span in, map, a, b;

	if (der_get(&d, 0x30, &in, NULL) == -1 || d.n != 0)
		return -1;
	c->pm = 1;
	c->pm_v = in;
	s = der_of(in);
	if (s.n == 0)
		profile_err(c, "empty policyMappings");
	while (s.n > 0) {
		if (der_get(&s, 0x30, &map, NULL) == -1)
			return -1;
		m = der_of(map);
		if (der_get(&m, 0x06, &a, NULL) == -1 ||
		    der_get(&m, 0x06, &b, NULL) == -1 || m.n != 0)
			return -1;
	}
	return 0;
}

static int
parse_pc(struct vcert *c, struct span v)
{
	struct der d = der_of(v), s;
	struct span in, x;
	int r;

	if (der_get(&d, 0x30, &in, NULL) == -1 || d.n != 0)
		return -1;
	c->pc = 1;
	s = der_of(in);
	if ((r = der_opt(&s, 0x80, &x, NULL)) == -1)
		return -1;
	if (r == 1 && der_small_uint(x, 1000000, &c->pc_require) == -1)
		return -1;
	if ((r = der_opt(&s, 0x81, &x, NULL)) == -1)
		return -1;
	if (r == 1 && der_small_uint(x, 1000000, &c->pc_inhibit) == -1)
		return -1;
	if (s.n != 0)
		return -1;
	if (c->pc_require < 0 && c->pc_inhibit < 0)
		profile_err(c, "empty policyConstraints");
	return 0;
}

static int
parse_aki(struct vcert *c, struct span v)
{
	struct der d = der_of(v), s;
	struct span in, x;
	int r1, r2, r3;

	if (der_get(&d, 0x30, &in, NULL) == -1 || d.n != 0)
		return -1;
	c->aki = 1;
	s = der_of(in);
	if ((r1 = der_opt(&s, 0x80, &c->aki_keyid, NULL)) == -1 ||
	    (r2 = der_opt(&s, 0xa1, &x, NULL)) == -1 ||
	    (r3 = der_opt(&s, 0x82, &x, NULL)) == -1 || s.n != 0)
		return -1;
	if (r2 != r3)
		return -1;	/* issuer and serial go together */
	c->aki_keyid_set = r1;
	c->aki_issuer_serial = r2;
	return 0;
}

static int
parse_aia(struct vcert *c, struct span v)
{
	struct der d = der_of(v), s, ad;
	struct span in, desc, oid, gv;
	int tag;

	if (der_get(&d, 0x30, &in, NULL) == -1 || d.n != 0)
		return -1;
	c->aia = 1;
	s = der_of(in);
	if (s.n == 0)
		profile_err(c, "an empty authorityInfoAccess");
	while (s.n > 0) {
		if (der_get(&s, 0x30, &desc, NULL) == -1)
			return -1;
		ad = der_of(desc);
		if (der_get(&ad, 0x06, &oid, NULL) == -1 ||
		    general_name(&ad, &tag, &gv) == -1 || ad.n != 0)
			return -1;
	}
	return 0;
}

static int
parse_crldp(struct vcert *c, struct span v)
{
	struct der d = der_of(v), s, dp;
	struct span in, one, x;

	if (der_get(&d, 0x30, &in, NULL) == -1 || d.n != 0)
		return -1;
	c->crldp = 1;
	c->crldp_v = in;
	s = der_of(in);
	while (s.n > 0) {
		if (der_get(&s, 0x30, &one, NULL) == -1)
			return -1;
		dp = der_of(one);
		if (der_opt(&dp, 0xa0, &x, NULL) == -1 ||
		    der_opt(&dp, 0x81, &x, NULL) == -1 ||
		    der_opt(&dp, 0xa2, &x, NULL) == -1 || dp.n != 0)
			return -1;
	}
	return 0;
}

/* One extension. -1: malformed (the certificate is not used). */
static int
parse_ext(struct vcert *c, struct span oid, int crit, struct span v)
{
	struct der d = der_of(v);
	struct span x;

	if (SPAN_IS(oid, OID_BC)) {
		c->bc_crit = crit;
		return parse_bc(c, v);
	}
	if (SPAN_IS(oid, OID_KU)) {
		if (der_get(&d, 0x03, &x, NULL) == -1 || d.n != 0 ||
		    der_bits(x, &c->ku_bits) == -1)
			return -1;
		c->ku = 1;
		if (c->ku_bits == 0)
			profile_err(c, "a keyUsage with no bit set");
		return 0;
	}
	if (SPAN_IS(oid, OID_EKU)) {
		c->eku_crit = crit;
		return parse_eku(c, v);
	}
	if (SPAN_IS(oid, OID_SAN)) {
		size_t n;

		if (der_get(&d, 0x30, &c->san_v, NULL) == -1 || d.n != 0)
			return -1;
		c->san = 1;
		c->san_crit = crit;
		if (c->san_v.n == 0)
			profile_err(c, "an empty subjectAltName");
		else if (!general_names_valid(c->san_v, &n))
			return -1;
		else if (n > MAX_SAN_NAMES)
			profile_err(c, "more than %d subjectAltNames",
			    MAX_SAN_NAMES);
		return 0;
	}
	if (SPAN_IS(oid, OID_IAN)) {
		if (der_get(&d, 0x30, &x, NULL) == -1 || d.n != 0 ||
		    !general_names_valid(x, NULL))
			return -1;
		return 0;
	}
	if (SPAN_IS(oid, OID_NC)) {
		c->nc_crit = crit;
		return parse_nc(c, v);
	}
	if (SPAN_IS(oid, OID_CP))
		return parse_cp(c, v);
	if (SPAN_IS(oid, OID_PM))
		return parse_pm(c, v);
	if (SPAN_IS(oid, OID_PC))
		return parse_pc(c, v);
	if (SPAN_IS(oid, OID_IAP)) {
		if (der_get(&d, 0x02, &x, NULL) == -1 || d.n != 0 ||
		    der_small_uint(x, 1000000, &c->iap_skip) == -1)
			return -1;
		return 0;
	}
	if (SPAN_IS(oid, OID_AKI)) {
		c->aki_crit = crit;
		return parse_aki(c, v);
	}
	if (SPAN_IS(oid, OID_SKI)) {
		if (der_get(&d, 0x04, &c->ski_v, NULL) == -1 || d.n != 0)
			return -1;
		c->ski = 1;
		c->ski_crit = crit;
		return 0;
	}
	if (SPAN_IS(oid, OID_AIA)) {
		c->aia_crit = crit;
		return parse_aia(c, v);
	}
	if (SPAN_IS(oid, OID_CRLDP))
		return parse_crldp(c, v);
	if (SPAN_IS(oid, OID_FRESHEST) || SPAN_IS(oid, OID_SIA)) {
		if (crit)
			profile_err(c, "a critical %s extension",
			    SPAN_IS(oid, OID_SIA) ? "subjectInfoAccess" :
			    "freshestCRL");
		return 0;
	}
	if (crit && c->crit_unknown[0] == '\0') {
		char *o = c->crit_unknown;
		size_t i, left = sizeof(c->crit_unknown);

		for (i = 0; i < oid.n && left > 3; i++) {
			snprintf(o, left, "%02x", oid.p[i]);
			o += 2;
			left -= 2;
		}
	}
	return 0;
}

static int
parse_extensions(struct vcert *c, struct span exts)
{
	struct der d = der_of(exts), e, all;
	struct span ext, oid, critv, val, oid2, seen;
	int crit, n;

	if (exts.n == 0)
		return -1;	/* SIZE (1..MAX) */
	while (d.n > 0) {
		if (der_get(&d, 0x30, &ext, NULL) == -1)
			return -1;
		e = der_of(ext);
		if (der_get(&e, 0x06, &oid, NULL) == -1)
			return -1;
		crit = 0;
		if (e.n > 0 && e.p[0] == 0x01) {
			if (der_get(&e, 0x01, &critv, NULL) == -1 ||
			    der_bool(critv, &crit) == -1)
				return -1;
		}
		if (der_get(&e, 0x04, &val, NULL) == -1 || e.n != 0)
			return -1;
		/* RFC 5280 4.2: no extension more than once */
		all = der_of(exts);
		n = 0;
		while (all.n > 0) {
			struct der e2;

			if (der_get(&all, 0x30, &seen, NULL) == -1)
				return -1;
			e2 = der_of(seen);
			if (der_get(&e2, 0x06, &oid2, NULL) == -1)
				return -1;
			n += span_eq(oid, oid2);
		}
		if (n > 1)
			profile_err(c, "an extension that appears twice");
		if (parse_ext(c, oid, crit, val) == -1)
			return -1;
	}
	return 0;
}

/* SubjectPublicKeyInfo: type, size, curve. */
static int
parse_spki(struct vcert *c)
{
	struct der d = der_of(c->spki), s, a;
	struct span in, alg, oid, params, bits;
	int ptag = 0;

	if (der_get(&d, 0x30, &in, NULL) == -1)
		return -1;
	s = der_of(in);
	if (der_get(&s, 0x30, &alg, NULL) == -1 ||
	    der_get(&s, 0x03, &bits, NULL) == -1 || s.n != 0 ||
	    bits.n < 2 || bits.p[0] != 0)
		return -1;
	a = der_of(alg);
	if (der_get(&a, 0x06, &oid, NULL) == -1)
		return -1;
	params.p = NULL;
	params.n = 0;
	if (a.n > 0 && der_next(&a, &ptag, &params, NULL) == -1)
		return -1;
	if (SPAN_IS(oid, OID_RSA)) {
		struct der k = { bits.p + 1, bits.n - 1 }, kk;
		struct span ks, n;
		size_t i = 0;

		c->key = AK_RSA;
		if (der_get(&k, 0x30, &ks, NULL) == -1 || k.n != 0)
			return -1;
		kk = der_of(ks);
		if (der_get(&kk, 0x02, &n, NULL) == -1 || n.n == 0)
			return -1;
		while (i < n.n && n.p[i] == 0)
			i++;
		if (i == n.n)
			return -1;
		c->key_bits = (int)(n.n - i) * 8;
		{
			uint8_t top = n.p[i];

			while (!(top & 0x80)) {
				top <<= 1;
				c->key_bits--;
			}
		}
		c->rsa_mod8 = c->key_bits % 8 == 0;
		c->key_ok = 1;
		snprintf(c->key_desc, sizeof(c->key_desc), "RSA %d",
		    c->key_bits);
		return 0;
	}
	if (SPAN_IS(oid, OID_EC)) {
		c->key = AK_EC;
		if (ptag == 0x06 && SPAN_IS(params, OID_P256))
			c->key_bits = 256;
		else if (ptag == 0x06 && SPAN_IS(params, OID_P384))
			c->key_bits = 384;
		else if (ptag == 0x06 && SPAN_IS(params, OID_P521))
			c->key_bits = 521;
		else if (ptag == 0x06 && SPAN_IS(params, OID_P224))
			snprintf(c->key_desc, sizeof(c->key_desc), "EC P-224");
		c->key_ok = c->key_bits != 0;
		if (c->key_ok)
			snprintf(c->key_desc, sizeof(c->key_desc), "EC P-%d",
			    c->key_bits);
		else if (c->key_desc[0] == '\0')
			snprintf(c->key_desc, sizeof(c->key_desc), "%s",
			    ptag == 0x30 ? "EC, explicit parameters" :
			    "EC on another curve");
		return 0;
	}
	c->key = AK_OTHER;
	snprintf(c->key_desc, sizeof(c->key_desc), "%s",
	    oid.n == 7 && oid.p[5] == 0x04 && oid.p[6] == 0x01 ? "DSA" :
	    "another key type");
	return 0;
}

static void __attribute__((format(printf, 3, 4)))
cert_bad(struct vcert *c, enum chain_reason r, const char *fmt, ...)
{
	va_list ap;

	c->ok = 0;
	c->bad = r;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
}

/* Offset of the serial number's single content octet when it is 0. */
static size_t
zero_serial_at(struct span der)
{
	struct der d = der_of(der), t;
	struct span cert, tbs, v;

	if (der_get(&d, 0x30, &cert, NULL) == -1)
		return 0;
	d = der_of(cert);
	if (der_get(&d, 0x30, &tbs, NULL) == -1)
		return 0;
	t = der_of(tbs);
	if (der_opt(&t, 0xa0, &v, NULL) == -1 ||
	    der_get(&t, 0x02, &v, NULL) == -1 || v.n != 1 || v.p[0] != 0)
		return 0;
	return (size_t)(v.p - der.p);
}

/*
 * wolfSSL gate and subject text for messages. wolfSSL refuses a serial
 * number of 0 outright. RFC 5280 4.1.2.2 asks users to cope with such
 * certificates, and real roots have it (Starfield Root G2), so for a
 * trust anchor, which the administrator chose, the gate runs on a copy
 * whose serial reads 1; the structure it checks is the same. A peer's
 * certificate with serial 0 stays refused.
 */
static int
wolf_gate(struct vcert *c)
{
	DecodedCert dc;
	uint8_t *copy = NULL;
	size_t zpos;
	int ret;

	wc_InitDecodedCert(&dc, c->der.p, (word32)c->der.n, NULL);
	ret = wc_ParseCert(&dc, CERT_TYPE, NO_VERIFY, NULL);
	if (ret == ASN_PARSE_E && c->is_anchor &&
	    (zpos = zero_serial_at(c->der)) != 0 &&
	    (copy = malloc(c->der.n)) != NULL) {
		wc_FreeDecodedCert(&dc);
		memcpy(copy, c->der.p, c->der.n);
		copy[zpos] = 1;
		wc_InitDecodedCert(&dc, copy, (word32)c->der.n, NULL);
		ret = wc_ParseCert(&dc, CERT_TYPE, NO_VERIFY, NULL);
	}
	/*
	 * ASN_CRIT_EXT_E: wolfSSL finished decoding but met a critical
	 * extension it does not handle (policyMappings, critical AKI...).
	 * Those are judged by this file's own extension rules.
	 */
	if (ret != 0 && ret != ASN_CRIT_EXT_E) {
		cert_bad(c, CHAIN_E_DECODE, "wolfSSL cannot decode it: %s "
		    "(%d)", wc_GetErrorString(ret), ret);
		wc_FreeDecodedCert(&dc);
		free(copy);
		return -1;
	}
	wc_FreeDecodedCert(&dc);
	free(copy);
	return 0;
}

static void
cert_parse(struct vcert *c)
{
	struct der d = der_of(c->der), t, v;
	struct span cert, x, val, ver, exts, sigbits;
	int tag, r;

	c->ok = 1;
	c->pathlen = c->pc_require = c->pc_inhibit = c->iap_skip = -1;
	c->self_signed = -1;
	if (c->der.n == 0 || c->der.n > 0xffffff) {
		cert_bad(c, CHAIN_E_DECODE, "empty or oversized");
		return;
	}
	if (wc_Sha256Hash(c->der.p, (word32)c->der.n, c->fpr) != 0) {
		cert_bad(c, CHAIN_E_INTERNAL, "SHA-256 failed");
		return;
	}
	if (der_get(&d, 0x30, &cert, NULL) == -1 || d.n != 0) {
		cert_bad(c, CHAIN_E_DECODE, "not one DER certificate");
		return;
	}
	d = der_of(cert);
	if (der_get(&d, 0x30, &x, &c->tbs) == -1 ||
	    der_get(&d, 0x30, &val, &c->sigalg_out) == -1 ||
	    der_get(&d, 0x03, &sigbits, NULL) == -1 || d.n != 0)
		goto bad;
	t = der_of(x);
	if ((r = der_opt(&t, 0xa0, &ver, NULL)) == -1)
		goto bad;
	if (r == 1) {
		long vn;

		v = der_of(ver);
		if (der_get(&v, 0x02, &val, NULL) == -1 || v.n != 0 ||
		    der_small_uint(val, 2, &vn) == -1)
			goto bad;
		c->version = (int)vn;
	}
	if (der_get(&t, 0x02, &c->serial, NULL) == -1 || c->serial.n == 0)
		goto bad;
	if (der_get(&t, 0x30, &val, &c->sigalg_in) == -1 ||
	    sig_params_parse(val, &c->sig) == -1)
		goto bad;
	if (der_get(&t, 0x30, &c->issuer, NULL) == -1 ||
	    !name_valid(c->issuer))
		goto bad;
	if (der_get(&t, 0x30, &val, NULL) == -1)
		goto bad;
	v = der_of(val);
	if (der_next(&v, &tag, &x, NULL) == -1 ||
	    der_time(tag, x, &c->not_before) == -1 ||
	    der_next(&v, &tag, &x, NULL) == -1 ||
	    der_time(tag, x, &c->not_after) == -1 || v.n != 0) {
		cert_bad(c, CHAIN_E_DECODE, "a validity date that is not an "
		    "RFC 5280 UTCTime or GeneralizedTime");
		return;
	}
	if (der_get(&t, 0x30, &c->subject, NULL) == -1 ||
	    !name_valid(c->subject))
		goto bad;
	name_print(c->subject, c->subj_str, sizeof(c->subj_str));
	/* the signature: whole octets (checked after the names are known) */
	if (sigbits.n < 2 || sigbits.p[0] != 0) {
		cert_bad(c, CHAIN_E_DECODE, "a signature that is not a whole "
		    "number of octets");
		return;
	}
	c->sigval.p = sigbits.p + 1;
	c->sigval.n = sigbits.n - 1;
	if (der_get(&t, 0x30, &x, &c->spki) == -1 || parse_spki(c) == -1) {
		cert_bad(c, CHAIN_E_DECODE, "a public key that cannot be read");
		return;
	}
	if (der_opt(&t, 0x81, &x, NULL) == -1 ||
	    der_opt(&t, 0x82, &x, NULL) == -1)
		goto bad;
	if ((r = der_opt(&t, 0xa3, &exts, NULL)) == -1)
		goto bad;
	if (r == 1) {
		v = der_of(exts);
		if (der_get(&v, 0x30, &x, NULL) == -1 || v.n != 0 ||
		    parse_extensions(c, x) == -1) {
			cert_bad(c, CHAIN_E_DECODE, "a malformed extension");
			return;
		}
		if (c->version != 2)
			profile_err(c, "extensions in a version %d certificate",
			    c->version + 1);
	}
	if (t.n != 0)
		goto bad;
	if (c->version != 2)
		profile_err(c, "a version %d certificate; version 3 is "
		    "required", c->version + 1);
	if (c->serial.n > 20)
		profile_err(c, "a serial number longer than 20 octets");
	c->serial_negative = (c->serial.p[0] & 0x80) != 0;
	if (!span_eq(c->sigalg_in, c->sigalg_out))
		profile_err(c, "signature algorithm fields that disagree");
	if (c->issuer.n == 0)
		profile_err(c, "an empty issuer name");
	if (c->aki_crit || c->ski_crit)
		profile_err(c, "a critical key identifier extension");
	if (c->aia_crit)
		profile_err(c, "a critical authorityInfoAccess");
	if (c->aki && !c->aki_keyid_set)
		profile_err(c, "an authorityKeyIdentifier without keyIdentifier");
	if (c->ku && (c->ku_bits & KU_KEY_CERT_SIGN) && !(c->bc && c->ca))
		profile_err(c, "keyCertSign in keyUsage without cA TRUE");
	if (c->subject.n == 0 && !(c->san && c->san_crit))
		profile_err(c, "an empty subject without a critical "
		    "subjectAltName");
	c->self_issued = name_eq(c->issuer, c->subject);
	/* last, so that a refusal can name a key type outside the policy */
	if (wolf_gate(c) == -1 && c->key == AK_OTHER) {
		char w[sizeof(c->why)];

		snprintf(w, sizeof(w), "%s", c->why);
		cert_bad(c, CHAIN_E_KEY_TYPE, "a %s key; the policy allows RSA "
		    "and ECDSA only (%s)", c->key_desc, w);
	}
	return;
bad:
	cert_bad(c, CHAIN_E_DECODE, "malformed DER");
}

/* ------------------------------------------------------------------ */
/* Signatures (wolfCrypt)                                              */
/* ------------------------------------------------------------------ */

/*
 * Checks sig over data, made with the key in signer's SPKI.
 * 0 good, -1 bad or not checkable.
 */
static int
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

/* Next GeneralName of a GeneralNames list (already validated). */
static int
gn_next(struct der *d, int *tag, struct span *v)
{
	return d->n > 0 && general_name(d, tag, v) == 0;
}

/* ------------------------------------------------------------------ */
/* Name constraints (RFC 5280 4.2.1.10, 6.1.3 (b)-(c), 6.1.4 (g))      */
/* ------------------------------------------------------------------ */

/* One subtree's base is usable: validated when its CA enters the path. */
static int
subtree_valid(int tag, struct span b)
{
	size_t i;

	switch (tag) {
	case 0x82:	/* DNS: a domain, no leading dot, no wildcard */
		if (b.n == 0)
			return 1;
		return dns_syntax_ok(b.p, b.n, 0);
	case 0x87: {	/* address and a contiguous mask */
		size_t half = b.n / 2;
		int zero = 0;

		if (b.n != 8 && b.n != 32)
			return 0;
		for (i = 0; i < half; i++) {
			uint8_t m = b.p[half + i];
			int k;

			for (k = 7; k >= 0; k--) {
				if (m & (1u << k)) {
					if (zero)
						return 0;
				} else
					zero = 1;
			}
		}
		return 1;
	}
	case 0x81: {	/* mailbox, host, or .domain */
		const uint8_t *at = memchr(b.p, '@', b.n);
		const uint8_t *host = at ? at + 1 : b.p;
		size_t hn = b.n - (size_t)(host - b.p);

		if (at != NULL && (at == b.p || memchr(host, '@', hn) != NULL))
			return 0;
		if (at == NULL && hn > 0 && host[0] == '.')
			host++, hn--;
		return dns_syntax_ok(host, hn, 0);
	}
	case 0x86: {	/* host or .domain */
		const uint8_t *h = b.p;
		size_t hn = b.n;

		if (hn > 0 && h[0] == '.')
			h++, hn--;
		return dns_syntax_ok(h, hn, 0);
	}
	case 0xa4:
		return 1;
	default:
		return 1;	/* other forms: judged when a name of the form appears */
	}
}

static int
nc_subtrees_valid(struct span trees, size_t *count)
{
	struct der d = der_of(trees), s;
	struct span st, base, x;
	int tag;

	while (d.n > 0) {
		if (der_get(&d, 0x30, &st, NULL) == -1)
			return 0;
		s = der_of(st);
		if (general_name(&s, &tag, &base) == -1)
			return 0;
		/* minimum must be 0 (so absent in DER), maximum absent */
		if (der_opt(&s, 0x80, &x, NULL) != 0 ||
		    der_opt(&s, 0x81, &x, NULL) != 0 || s.n != 0)
			return 0;
		if (!subtree_valid(tag, base))
			return 0;
		(*count)++;
	}
	return 1;
}

/* URI host: scheme://[userinfo@]host[:port][/...]; 0 when none. */
static int
uri_host(struct span u, struct span *host)
{
	const uint8_t *p = u.p, *e = u.p + u.n, *s, *h, *he;

	for (s = p; s < e && *s != ':'; s++)
		if (*s == '/' || *s == '?' || *s == '#')
			return 0;
	if (s + 3 > e || s[1] != '/' || s[2] != '/')
		return 0;
	h = s + 3;
	for (he = h; he < e && *he != '/' && *he != '?' && *he != '#'; he++)
		;
	for (s = h; s < he; s++)
		if (*s == '@')
			h = s + 1;
	if (h < he && *h == '[')
		return 0;	/* IP literal: never a DNS-style constraint match */
	for (s = h; s < he && *s != ':'; s++)
		;
	host->p = h;
	host->n = (size_t)(s - h);
	return host->n > 0;
}

/*
 * Does name (tag, v) lie in the subtree (btag, base)? excl: the subtree
 * is excluded, so a wildcard counts as inside when it could be.
 * -1: the name cannot be judged (malformed).
 */
static int
nc_match(int tag, struct span v, struct span base, int excl)
{
	switch (tag) {
	case 0x82: {
		size_t n = v.n;

		if (n > 0 && v.p[n - 1] == '.')
			n--;
		if (!dns_syntax_ok(v.p, n, 1))
			return -1;
		if (v.p[0] == '*') {
			const uint8_t *b = v.p + 2;
			size_t bn = n - 2;

			if (dns_within(b, bn, base.p, base.n, 1))
				return 1;
			/* excluded sub.B would be matched by *.B */
			if (excl && base.n > bn + 1 &&
			    dns_within(base.p, base.n, b, bn, 0) &&
			    memchr(base.p, '.', base.n - bn - 1) == NULL)
				return 1;
			return 0;
		}
		return dns_within(v.p, n, base.p, base.n, 1);
	}
	case 0x87: {
		size_t i, al = base.n / 2;

		if (v.n != 4 && v.n != 16)
			return -1;
		if (v.n != al)
			return 0;
		for (i = 0; i < al; i++)
			if ((v.p[i] & base.p[al + i]) !=
			    (base.p[i] & base.p[al + i]))
				return 0;
		return 1;
	}
	case 0x81: {
		const uint8_t *at = memchr(v.p, '@', v.n);
		const uint8_t *host;
		size_t hn;

		if (at == NULL || at == v.p)
			return -1;
		host = at + 1;
		hn = v.n - (size_t)(host - v.p);
		if (memchr(host, '@', hn) != NULL)
			return -1;
		if (memchr(base.p, '@', base.n) != NULL) {
			const uint8_t *bat = memchr(base.p, '@', base.n);
			size_t ln = (size_t)(bat - base.p);

			return ln == (size_t)(at - v.p) &&
			    memcmp(base.p, v.p, ln) == 0 &&
			    base.n - ln - 1 == hn && dns_ieq(bat + 1, host, hn);
		}
		if (base.n > 0 && base.p[0] == '.')
			return dns_within(host, hn, base.p + 1, base.n - 1, 0);
		return base.n == hn && dns_ieq(base.p, host, hn);
	}
	case 0x86: {
		struct span h;

		if (!uri_host(v, &h))
			return -1;
		if (base.n > 0 && base.p[0] == '.')
			return dns_within(h.p, h.n, base.p + 1, base.n - 1, 0);
		return base.n == h.n && dns_ieq(base.p, h.p, h.n);
	}
	case 0xa4:
		return name_cmp(base, v, 1);
	default:
		return -1;
	}
}

/* "DNS name x", "IP address a.b.c.d", ... for a refusal, safe to print. */
static void
gn_text(int tag, struct span v, char *out, size_t outlen)
{
	char raw[200], safe[200];
	const char *kind = tag == 0x82 ? "DNS name" : tag == 0x81 ?
	    "e-mail address" : tag == 0x86 ? "URI" : NULL;

	if (kind != NULL) {
		snprintf(raw, sizeof(raw), "%.*s", (int)(v.n < sizeof(raw) ?
		    v.n : sizeof(raw) - 1), (const char *)v.p);
		bwk_sanitize(raw, safe, sizeof(safe));
		say(out, outlen, "%s %s", kind, safe);
	} else if (tag == 0x87 && (v.n == 4 || v.n == 16) &&
	    inet_ntop(v.n == 4 ? AF_INET : AF_INET6, v.p, raw, sizeof(raw)))
		say(out, outlen, "IP address %s", raw);
	else if (tag == 0xa4) {
		name_print(v, safe, sizeof(safe));
		say(out, outlen, "name %s", safe);
	} else
		say(out, outlen, "a name");
}

/* 0 fine, 1 violation, 2 work limit. */
static int
nc_check_name(const struct vcert *ca, int tag, struct span v, long *work,
    char *why, size_t whylen)
{
	struct der d;
	struct span st, base;
	int btag, any_perm = 0, in_perm = 0, r, pass;
	char what[240];

	for (pass = 0; pass < 2; pass++) {
		int set = pass == 0 ? ca->nc_excl_set : ca->nc_perm_set;

		if (!set)
			continue;
		d = der_of(pass == 0 ? ca->nc_excl : ca->nc_perm);
		while (d.n > 0) {
			struct der s;

			if (der_get(&d, 0x30, &st, NULL) == -1)
				return 1;
			s = der_of(st);
			if (general_name(&s, &btag, &base) == -1)
				return 1;
			if (--*work < 0)
				return 2;
			if (btag != tag)
				continue;
			if (pass == 1)
				any_perm = 1;
			r = nc_match(tag, v, base, pass == 0);
			if (r == -1) {
				say(why, whylen, "a name of a constrained "
				    "form that cannot be evaluated");
				return 1;
			}
			if (r == 1 && pass == 0) {
				gn_text(tag, v, what, sizeof(what));
				say(why, whylen, "its %s is in an excluded "
				    "subtree of %s", what, ca->subj_str);
				return 1;
			}
			if (r == 1)
				in_perm = 1;
		}
	}
	if (any_perm && !in_perm) {
		gn_text(tag, v, what, sizeof(what));
		say(why, whylen, "its %s is outside the permitted subtrees "
		    "of %s", what, ca->subj_str);
		return 1;
	}
	return 0;
}

/* Checks every name of c against the constraints of one CA. */
static int
nc_check_cert(const struct vcert *ca, const struct vcert *c, long *work,
    char *why, size_t whylen)
{
	struct der d;
	struct span v;
	int tag, r;

	if (c->subject.n > 0 && (r = nc_check_name(ca, 0xa4, c->subject, work,
	    why, whylen)) != 0)
		return r;
	if (!c->san) {
		/* RFC 5280 4.2.1.10: legacy emailAddress in the subject */
		struct der rd = der_of(c->subject), ad;
		struct span rdn, atv, oid, val;
		int vt;

		while (rd.n > 0 && der_get(&rd, 0x31, &rdn, NULL) == 0) {
			ad = der_of(rdn);
			while (ad.n > 0 && der_get(&ad, 0x30, &atv, NULL) == 0) {
				if (atv_split(atv, &oid, &vt, &val) == 0 &&
				    SPAN_IS(oid, OID_EMAIL) && (r = nc_check_name(
				    ca, 0x81, val, work, why, whylen)) != 0)
					return r;
			}
		}
		return 0;
	}
	d = der_of(c->san_v);
	while (gn_next(&d, &tag, &v))
		if ((r = nc_check_name(ca, tag, v, work, why, whylen)) != 0)
			return r;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Certificate policies (RFC 5280 6.1.2 (a), 6.1.3 (d)-(f), 6.1.4      */
/* (a)-(b), (h)-(j), 6.1.5 (g))                                        */
/* ------------------------------------------------------------------ */

#define POL_MAX_OIDS	128
#define POL_MAX_NODES	1024
#define POL_SET_WORDS	(POL_MAX_OIDS / 32)

struct pnode {
	int		depth;
	int		parent;
	int		valid;		/* OID index; 0 is anyPolicy */
	int		alive;
	uint32_t	expected[POL_SET_WORDS];
};

struct ptree {
	struct span	oid[POL_MAX_OIDS];
	int		noid;
	struct pnode	*nd;
	int		n;
	int		overflow;
};

static int
pol_oid(struct ptree *t, struct span oid)
{
	int i;

	for (i = 0; i < t->noid; i++)
		if (span_eq(t->oid[i], oid))
			return i;
	if (t->noid == POL_MAX_OIDS) {
		t->overflow = 1;
		return -1;
	}
	t->oid[t->noid] = oid;
	return t->noid++;
}

static void
set_add(uint32_t *s, int i)
{
	s[i / 32] |= 1u << (i % 32);
}

static int
set_has(const uint32_t *s, int i)
{
	return (s[i / 32] >> (i % 32)) & 1;
}

static int
pol_add(struct ptree *t, int depth, int parent, int valid)
{
	struct pnode *p;

	if (t->n == POL_MAX_NODES) {
		t->overflow = 1;
		return -1;
	}
	p = &t->nd[t->n];
	memset(p, 0, sizeof(*p));
	p->depth = depth;
	p->parent = parent;
	p->valid = valid;
	p->alive = 1;
	set_add(p->expected, valid);
	return t->n++;
}

static int
pol_has_child(const struct ptree *t, int i)
{
	int j;

	for (j = i + 1; j < t->n; j++)
		if (t->nd[j].alive && t->nd[j].parent == i)
			return 1;
	return 0;
}

/* Deletes nodes of depth <= maxdepth without children, repeatedly. */
static void
pol_prune(struct ptree *t, int maxdepth)
{
	int changed = 1, i;

	while (changed) {
		changed = 0;
		for (i = t->n - 1; i >= 0; i--)
			if (t->nd[i].alive && t->nd[i].depth <= maxdepth &&
			    !pol_has_child(t, i)) {
				t->nd[i].alive = 0;
				changed = 1;
			}
	}
}

static void
pol_kill_subtree(struct ptree *t, int i)
{
	int j;

	t->nd[i].alive = 0;
	for (j = i + 1; j < t->n; j++)
		if (t->nd[j].alive && t->nd[j].parent >= 0 &&
		    !t->nd[t->nd[j].parent].alive)
			t->nd[j].alive = 0;
}

static int
pol_empty(const struct ptree *t)
{
	int i;

	for (i = 0; i < t->n; i++)
		if (t->nd[i].alive)
			return 0;
	return 1;
}

/* The policy OIDs of a certificate, with anyPolicy noted apart. */
static int
pol_cert_oids(struct ptree *t, const struct vcert *c, int *ids, int max,
    int *has_any)
{
	struct der d = der_of(c->cp_v), pi;
	struct span info, oid;
	int n = 0, id;

	*has_any = 0;
	while (d.n > 0) {
		if (der_get(&d, 0x30, &info, NULL) == -1)
			return -1;
		pi = der_of(info);
		if (der_get(&pi, 0x06, &oid, NULL) == -1)
			return -1;
		if (SPAN_IS(oid, OID_ANY_POLICY)) {
			*has_any = 1;
			continue;
		}
		if ((id = pol_oid(t, oid)) < 0 || n == max)
			return -1;
		ids[n++] = id;
	}
	return n;
}

/* 6.1.3 (d): certificate i of n. */
static int
pol_process_cert(struct ptree *t, const struct vcert *c, int i, int n,
    int inhibit_any)
{
	int ids[POL_MAX_OIDS], k, j, m, has_any, matched, end;

	if ((m = pol_cert_oids(t, c, ids, POL_MAX_OIDS, &has_any)) < 0)
		return -1;
	end = t->n;
	for (k = 0; k < m; k++) {
		matched = 0;
		for (j = 0; j < end; j++)
			if (t->nd[j].alive && t->nd[j].depth == i - 1 &&
			    set_has(t->nd[j].expected, ids[k])) {
				if (pol_add(t, i, j, ids[k]) < 0)
					return -1;
				matched = 1;
			}
		if (matched)
			continue;
		for (j = 0; j < end; j++)
			if (t->nd[j].alive && t->nd[j].depth == i - 1 &&
			    t->nd[j].valid == 0 && pol_add(t, i, j, ids[k]) < 0)
				return -1;
	}
	if (has_any && (inhibit_any > 0 || (i < n && c->self_issued))) {
		for (j = 0; j < end; j++) {
			int v;

			if (!t->nd[j].alive || t->nd[j].depth != i - 1)
				continue;
			for (v = 0; v < t->noid; v++) {
				int x, have = 0;

				if (!set_has(t->nd[j].expected, v))
					continue;
				for (x = end; x < t->n; x++)
					if (t->nd[x].alive &&
					    t->nd[x].parent == j &&
					    t->nd[x].valid == v)
						have = 1;
				if (!have && pol_add(t, i, j, v) < 0)
					return -1;
			}
		}
	}
	pol_prune(t, i - 1);
	return 0;
}

/* 6.1.4 (a)-(b): policy mappings of certificate i. */
static int
pol_map(struct ptree *t, const struct vcert *c, int i, int policy_mapping,
    char *why, size_t whylen)
{
	struct der d = der_of(c->pm_v), m;
	struct span map, a, b;
	int ida, idb, j;

	/* (a) anyPolicy may not be mapped */
	while (d.n > 0) {
		if (der_get(&d, 0x30, &map, NULL) == -1)
			return -1;
		m = der_of(map);
		if (der_get(&m, 0x06, &a, NULL) == -1 ||
		    der_get(&m, 0x06, &b, NULL) == -1)
			return -1;
		if (SPAN_IS(a, OID_ANY_POLICY) || SPAN_IS(b, OID_ANY_POLICY)) {
			say(why, whylen, "a policy mapping to or from "
			    "anyPolicy");
			return -1;
		}
	}
	d = der_of(c->pm_v);
	while (d.n > 0) {
		uint32_t mapped[POL_SET_WORDS];
		struct der e;
		struct span map2, a2, b2;
		int found = 0, any_node = -1;

		der_get(&d, 0x30, &map, NULL);
		m = der_of(map);
		der_get(&m, 0x06, &a, NULL);
		if ((ida = pol_oid(t, a)) < 0)
			return -1;
		/* the first mapping of each issuerDomainPolicy does the work */
		e = der_of(c->pm_v);
		memset(mapped, 0, sizeof(mapped));
		while (e.n > 0) {
			struct der m2;

			der_get(&e, 0x30, &map2, NULL);
			m2 = der_of(map2);
			der_get(&m2, 0x06, &a2, NULL);
			der_get(&m2, 0x06, &b2, NULL);
			if (!span_eq(a, a2))
				continue;
			if (map2.p < map.p)
				found = -1;	/* done at an earlier entry */
			if ((idb = pol_oid(t, b2)) < 0)
				return -1;
			set_add(mapped, idb);
		}
		if (found == -1)
			continue;
		for (j = 0; j < t->n; j++) {
			if (!t->nd[j].alive || t->nd[j].depth != i)
				continue;
			if (t->nd[j].valid == ida) {
				found = 1;
				if (policy_mapping > 0)
					memcpy(t->nd[j].expected, mapped,
					    sizeof(mapped));
				else
					pol_kill_subtree(t, j);
			} else if (t->nd[j].valid == 0)
				any_node = j;
		}
		if (policy_mapping > 0 && !found && any_node >= 0) {
			int k = pol_add(t, i, t->nd[any_node].parent, ida);

			if (k < 0)
				return -1;
			memcpy(t->nd[k].expected, mapped, sizeof(mapped));
		}
	}
	if (policy_mapping == 0)
		pol_prune(t, i - 1);
	return 0;
}

/* 6.1.5 (g): intersection with the user-initial-policy-set. */
static void
pol_intersect(struct ptree *t, const struct span *user, size_t nuser, int n)
{
	int j, any_leaf = -1, base;
	size_t u;

	if (nuser == 0 || pol_empty(t))
		return;
	base = t->n;
	for (j = 0; j < base; j++) {
		struct pnode *p = &t->nd[j];
		int keep = 0;

		if (!p->alive || p->parent < 0 ||
		    t->nd[p->parent].valid != 0)
			continue;
		if (p->valid == 0) {
			if (p->depth == n)
				any_leaf = j;
			continue;
		}
		for (u = 0; u < nuser; u++)
			keep |= span_eq(user[u], t->oid[p->valid]);
		if (!keep)
			pol_kill_subtree(t, j);
	}
	if (any_leaf >= 0) {
		for (u = 0; u < nuser; u++) {
			int present = 0, id;

			for (j = 0; j < base; j++) {
				struct pnode *p = &t->nd[j];

				if (p->alive && p->parent >= 0 &&
				    t->nd[p->parent].valid == 0 &&
				    p->valid != 0 &&
				    span_eq(t->oid[p->valid], user[u]))
					present = 1;
			}
			if (present || (id = pol_oid(t, user[u])) < 0)
				continue;
			pol_add(t, n, t->nd[any_leaf].parent, id);
		}
		t->nd[any_leaf].alive = 0;
	}
	pol_prune(t, n - 1);
}

/* ------------------------------------------------------------------ */
/* CRLs (RFC 5280 5, 6.3)                                              */
/* ------------------------------------------------------------------ */

#define REASONS_ALL	0x1feu	/* ReasonFlags bits 1..8 */
#define REASON_REMOVE	8	/* CRLReason removeFromCRL */

struct vcrl {
	struct span	 der;
	int		 ok;
	char		 why[160];	/* why it cannot be used */
	struct span	 tbs;
	struct span	 sigalg_in, sigalg_out, sigval;
	struct sig_params sig;
	struct span	 issuer;
	int64_t		 this_update, next_update;
	int		 has_next;
	struct span	 revoked;	/* SEQUENCE OF contents */
	int		 has_number;
	struct span	 number;
	int		 is_delta;
	struct span	 base_number;
	int		 idp;
	struct span	 idp_v;		/* the extension value, for scope equality */
	int		 idp_dp_tag;	/* 0xa0 fullName, 0xa1 relative, 0 none */
	struct span	 idp_dp;
	int		 only_user, only_ca, only_attr, indirect;
	unsigned	 only_reasons;	/* 0: all */
};

static void __attribute__((format(printf, 2, 3)))
crl_bad(struct vcrl *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->ok)
		return;
	r->ok = 0;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

static int
crl_idp(struct vcrl *r, struct span v)
{
	struct der d = der_of(v), s, dn;
	struct span in, x;
	int rr, b;

	if (der_get(&d, 0x30, &in, NULL) == -1 || d.n != 0)
		return -1;
	r->idp = 1;
	r->idp_v = v;
	s = der_of(in);
	if ((rr = der_opt(&s, 0xa0, &x, NULL)) == -1)
		return -1;
	if (rr == 1) {
		dn = der_of(x);
		if (der_next(&dn, &r->idp_dp_tag, &r->idp_dp, NULL) == -1 ||
		    dn.n != 0 || (r->idp_dp_tag != 0xa0 && r->idp_dp_tag != 0xa1))
			return -1;
	}
	if ((rr = der_opt(&s, 0x81, &x, NULL)) == -1 ||
	    (rr == 1 && (der_bool(x, &b) == -1 || !(r->only_user = b))))
		return -1;
	if ((rr = der_opt(&s, 0x82, &x, NULL)) == -1 ||
	    (rr == 1 && (der_bool(x, &b) == -1 || !(r->only_ca = b))))
		return -1;
	if ((rr = der_opt(&s, 0x83, &x, NULL)) == -1 ||
	    (rr == 1 && der_bits(x, &r->only_reasons) == -1))
		return -1;
	if (rr == 1 && (r->only_reasons & REASONS_ALL) == 0)
		return -1;
	if ((rr = der_opt(&s, 0x84, &x, NULL)) == -1 ||
	    (rr == 1 && (der_bool(x, &b) == -1 || !(r->indirect = b))))
		return -1;
	if ((rr = der_opt(&s, 0x85, &x, NULL)) == -1 ||
	    (rr == 1 && (der_bool(x, &b) == -1 || !(r->only_attr = b))))
		return -1;
	if (s.n != 0 || r->only_user + r->only_ca + r->only_attr > 1)
		return -1;
	return 0;
}

/* Entry extensions: reason and certificate issuer out; -1 unusable. */
static int
crl_entry_exts(struct span exts, int *reason, struct span *cissuer,
    int *has_cissuer)
{
	struct der d = der_of(exts), e;
	struct span ext, oid, cv, val, x;
	int crit;

	*has_cissuer = 0;
	*reason = 0;
	while (d.n > 0) {
		if (der_get(&d, 0x30, &ext, NULL) == -1)
			return -1;
		e = der_of(ext);
		crit = 0;
		if (der_get(&e, 0x06, &oid, NULL) == -1)
			return -1;
		if (e.n > 0 && e.p[0] == 0x01 && (der_get(&e, 0x01, &cv,
		    NULL) == -1 || der_bool(cv, &crit) == -1))
			return -1;
		if (der_get(&e, 0x04, &val, NULL) == -1 || e.n != 0)
			return -1;
		if (SPAN_IS(oid, OID_REASON)) {
			struct der v = der_of(val);
			long rc;

			if (der_get(&v, 0x0a, &x, NULL) == -1 || v.n != 0 ||
			    der_small_uint(x, 10, &rc) == -1 || rc == 7)
				return -1;
			*reason = (int)rc;
		} else if (SPAN_IS(oid, OID_CERTISSUER)) {
			struct der v = der_of(val), g;
			struct span gv;
			int tag;

			if (der_get(&v, 0x30, &x, NULL) == -1 || v.n != 0 ||
			    !general_names_valid(x, NULL))
				return -1;
			g = der_of(x);
			while (gn_next(&g, &tag, &gv))
				if (tag == 0xa4 && !*has_cissuer) {
					*cissuer = gv;
					*has_cissuer = 1;
				}
			if (!*has_cissuer)
				return -1;
		} else if (SPAN_IS(oid, OID_INVDATE)) {
			continue;
		} else if (crit)
			return -1;
	}
	return 0;
}

static void
crl_parse(struct vcrl *r)
{
	struct der d = der_of(r->der), t, v;
	struct span crl, x, val, exts;
	int tag, rr;

	r->ok = 1;
	if (der_get(&d, 0x30, &crl, NULL) == -1 || d.n != 0)
		goto bad;
	d = der_of(crl);
	if (der_get(&d, 0x30, &x, &r->tbs) == -1 ||
	    der_get(&d, 0x30, &val, &r->sigalg_out) == -1 ||
	    der_get(&d, 0x03, &val, NULL) == -1 || d.n != 0 || val.n < 2 ||
	    val.p[0] != 0)
		goto bad;
	r->sigval.p = val.p + 1;
	r->sigval.n = val.n - 1;
	t = der_of(x);
	if (t.n > 0 && t.p[0] == 0x02) {
		long vn;

		if (der_get(&t, 0x02, &val, NULL) == -1 ||
		    der_small_uint(val, 1, &vn) == -1 || vn != 1)
			goto bad;
	}
	if (der_get(&t, 0x30, &val, &r->sigalg_in) == -1 ||
	    sig_params_parse(val, &r->sig) == -1 ||
	    !span_eq(r->sigalg_in, r->sigalg_out))
		goto bad;
	if (der_get(&t, 0x30, &r->issuer, NULL) == -1 ||
	    !name_valid(r->issuer) || r->issuer.n == 0)
		goto bad;
	if (der_next(&t, &tag, &x, NULL) == -1 ||
	    der_time(tag, x, &r->this_update) == -1)
		goto bad;
	if (t.n > 0 && (t.p[0] == 0x17 || t.p[0] == 0x18)) {
		if (der_next(&t, &tag, &x, NULL) == -1 ||
		    der_time(tag, x, &r->next_update) == -1)
			goto bad;
		r->has_next = 1;
	}
	if ((rr = der_opt(&t, 0x30, &r->revoked, NULL)) == -1)
		goto bad;
	if ((rr = der_opt(&t, 0xa0, &exts, NULL)) == -1 || t.n != 0)
		goto bad;
	if (rr == 1) {
		struct der e, ed;
		struct span ext, oid, cv, ev;
		int crit;

		e = der_of(exts);
		if (der_get(&e, 0x30, &x, NULL) == -1 || e.n != 0)
			goto bad;
		e = der_of(x);
		while (e.n > 0) {
			if (der_get(&e, 0x30, &ext, NULL) == -1)
				goto bad;
			ed = der_of(ext);
			crit = 0;
			if (der_get(&ed, 0x06, &oid, NULL) == -1)
				goto bad;
			if (ed.n > 0 && ed.p[0] == 0x01 && (der_get(&ed, 0x01,
			    &cv, NULL) == -1 || der_bool(cv, &crit) == -1))
				goto bad;
			if (der_get(&ed, 0x04, &ev, NULL) == -1 || ed.n != 0)
				goto bad;
			v = der_of(ev);
			if (SPAN_IS(oid, OID_CRLNUM)) {
				if (der_get(&v, 0x02, &r->number, NULL) == -1 ||
				    v.n != 0 || r->number.n == 0 ||
				    r->number.n > 20 || (r->number.p[0] & 0x80))
					goto bad;
				r->has_number = 1;
				if (crit)
					crl_bad(r, "a critical cRLNumber");
			} else if (SPAN_IS(oid, OID_DELTA)) {
				if (der_get(&v, 0x02, &r->base_number, NULL) ==
				    -1 || v.n != 0 || r->base_number.n == 0 ||
				    r->base_number.n > 20)
					goto bad;
				r->is_delta = 1;
			} else if (SPAN_IS(oid, OID_IDP)) {
				if (crl_idp(r, ev) == -1)
					goto bad;
			} else if (SPAN_IS(oid, OID_AKI) ||
			    SPAN_IS(oid, OID_IAN) || SPAN_IS(oid, OID_AIA) ||
			    SPAN_IS(oid, OID_FRESHEST)) {
				continue;
			} else if (crit)
				crl_bad(r, "an unknown critical CRL extension");
		}
	}
	if (!r->has_number)
		crl_bad(r, "no cRLNumber");
	if (!r->has_next)
		crl_bad(r, "no nextUpdate");
	/* every entry must be readable, none with unknown critical extensions */
	v = der_of(r->revoked);
	while (v.n > 0) {
		struct der en;
		struct span ent, ser, ee, ci;
		int reason, hci;

		if (der_get(&v, 0x30, &ent, NULL) == -1)
			goto bad;
		en = der_of(ent);
		if (der_get(&en, 0x02, &ser, NULL) == -1 ||
		    der_next(&en, &tag, &x, NULL) == -1)
			goto bad;
		if (en.n > 0) {
			if (der_get(&en, 0x30, &ee, NULL) == -1 || en.n != 0)
				goto bad;
			if (crl_entry_exts(ee, &reason, &ci, &hci) == -1)
				crl_bad(r, "an entry with an unknown critical "
				    "or malformed extension");
			else if (hci && !r->indirect)
				crl_bad(r, "a certificateIssuer entry in a CRL "
				    "that is not indirect");
		}
	}
	return;
bad:
	r->ok = 0;
	snprintf(r->why, sizeof(r->why), "a malformed CRL");
}

/* Is serial (issued by issuer) listed? 1 yes (reason out), 0 no. */
static int
crl_lookup(const struct vcrl *r, struct span serial, struct span issuer,
    int *reason)
{
	struct der v = der_of(r->revoked);
	struct span cur = r->issuer;

	while (v.n > 0) {
		struct der en;
		struct span ent, ser, x, ee, ci;
		int tag, rs = 0, hci = 0;

		if (der_get(&v, 0x30, &ent, NULL) == -1)
			return 0;
		en = der_of(ent);
		if (der_get(&en, 0x02, &ser, NULL) == -1 ||
		    der_next(&en, &tag, &x, NULL) == -1)
			return 0;
		if (en.n > 0 && der_get(&en, 0x30, &ee, NULL) == 0 &&
		    crl_entry_exts(ee, &rs, &ci, &hci) == 0 && hci)
			cur = ci;
		if (span_eq(ser, serial) && name_eq(cur, issuer)) {
			*reason = rs;
			return 1;
		}
	}
	return 0;
}

/* Compares two non-negative INTEGER contents numerically. */
static int
int_cmp(struct span a, struct span b)
{
	while (a.n > 1 && a.p[0] == 0)
		a.p++, a.n--;
	while (b.n > 1 && b.p[0] == 0)
		b.p++, b.n--;
	if (a.n != b.n)
		return a.n < b.n ? -1 : 1;
	return memcmp(a.p, b.p, a.n);
}

/* ------------------------------------------------------------------ */
/* Validation context                                                  */
/* ------------------------------------------------------------------ */

struct verr {
	enum chain_reason r;
	int		 pos;		/* path position, 0 = target; -1 */
	size_t		 cert;		/* index into ctx certs */
	char		 why[320];
};

struct vctx {
	const struct chain_input *in;
	struct vcert	*c;
	size_t		 n;
	size_t		 leaf;
	struct vcrl	*crl;
	size_t		 ncrl;
	uint8_t		*memo;		/* n*n: 0 unknown, 1 good, 2 bad */
	long		 work;		/* path-building steps left */
	int64_t		 now;
	long		 max_depth;
	struct span	 upol[CHAIN_MAX_POLICIES];
	uint8_t		 upol_buf[CHAIN_MAX_POLICIES][64];
	size_t		 nupol;
	struct ptree	 pt;
	/* the path last validated, for the result */
	size_t		 last_path[CHAIN_MAX_PATH];
	size_t		 last_len;
};

struct vopts {
	int		 crl_mode;	/* validating a CRL signer */
	int		 rec;		/* CRL-signer recursion depth */
	size_t		 anchor;	/* crl_mode: the anchor to end at */
};

static void __attribute__((format(printf, 5, 6)))
set_err(struct verr *e, enum chain_reason r, int pos, size_t cert,
    const char *fmt, ...)
{
	va_list ap;

	e->r = r;
	e->pos = pos;
	e->cert = cert;
	va_start(ap, fmt);
	vsnprintf(e->why, sizeof(e->why), fmt, ap);
	va_end(ap);
}

/* Did issuer sign child? Memoized; each pair is verified once. */
static int
signed_by(struct vctx *x, size_t child, size_t issuer)
{
	uint8_t *m = &x->memo[child * x->n + issuer];
	const struct vcert *c = &x->c[child];

	if (*m == 0)
		*m = sig_check(&c->sig, c->tbs, c->sigval, &x->c[issuer]) == 0 ?
		    1 : 2;
	return *m == 1;
}

static int
self_signed(struct vctx *x, size_t i)
{
	struct vcert *c = &x->c[i];

	if (c->self_signed < 0)
		c->self_signed = c->self_issued && signed_by(x, i, i);
	return c->self_signed;
}

static enum chain_reason build(struct vctx *, size_t, const struct vopts *,
    struct verr *);

/*
 * The key floor alone: a key below it makes the certificate useless, as
 * a signer too. Path building asks it of a candidate issuer before it
 * tries the signature (wolfCrypt may not even verify with such a key),
 * so that the refusal names the weak key, not a failed signature.
 */
static enum chain_reason
check_key(const struct vcert *c, size_t ci, int pos, struct verr *e)
{
	struct certinfo info;
	enum x509_verdict v;
	const char *id;
	char why[200];

	memset(&info, 0, sizeof(info));
	info.key_type = c->key == AK_RSA ? X509_KEY_RSA : c->key == AK_EC ?
	    X509_KEY_EC : X509_KEY_OTHER;
	info.key_bits = c->key_bits;
	snprintf(info.key_desc, sizeof(info.key_desc), "%s", c->key_desc);
	info.sig_ok = 1;	/* the key only */
	v = x509_policy(&info, 0, 0, &id, why, sizeof(why));
	if (v == X509_WEAK_KEY || (v == X509_OK && (!c->key_ok ||
	    (c->key == AK_RSA && !c->rsa_mod8)))) {
		if (v == X509_OK || c->key == AK_EC)
			say(why, sizeof(why), "its key (%s) is outside the "
			    "policy, which needs RSA of whole bytes or a named "
			    "P-256, P-384 or P-521 curve", c->key_desc);
		set_err(e, CHAIN_E_WEAK_KEY, pos, ci, "%s", why);
		return CHAIN_E_WEAK_KEY;
	}
	if (v == X509_BAD_KEY_TYPE) {
		set_err(e, CHAIN_E_KEY_TYPE, pos, ci, "%s", why);
		return CHAIN_E_KEY_TYPE;
	}
	return CHAIN_OK;
}

/*
 * The checks every certificate of a path gets: usable at all, the
 * algorithm floor (key always; signature unless it is the anchor's own),
 * critical extensions, the profile, and the validity period.
 */
static enum chain_reason
check_common(struct vctx *x, size_t ci, int pos, int anchor, struct verr *e)
{
	struct vcert *c = &x->c[ci];
	struct certinfo info;
	enum x509_verdict v;
	enum chain_reason r;
	const char *id;
	char why[200], t[32];

	if (!c->ok) {
		set_err(e, c->bad, pos, ci, "%s", c->why);
		return c->bad;
	}
	if ((r = check_key(c, ci, pos, e)) != CHAIN_OK)
		return r;
	memset(&info, 0, sizeof(info));
	info.key_type = c->key == AK_RSA ? X509_KEY_RSA : c->key == AK_EC ?
	    X509_KEY_EC : X509_KEY_OTHER;
	info.key_bits = c->key_bits;
	snprintf(info.key_desc, sizeof(info.key_desc), "%s", c->key_desc);
	info.sig_ok = anchor ? 1 : c->sig.policy_ok;
	snprintf(info.sig_desc, sizeof(info.sig_desc), "%s", c->sig.name);
	v = x509_policy(&info, 0, 0, &id, why, sizeof(why));
	if (v == X509_WEAK_SIG) {
		set_err(e, CHAIN_E_WEAK_SIG, pos, ci, "%s", why);
		return CHAIN_E_WEAK_SIG;
	}
	if (v != X509_OK) {
		set_err(e, CHAIN_E_INTERNAL, pos, ci, "%s", why);
		return CHAIN_E_INTERNAL;
	}
	if (c->crit_unknown[0] != '\0') {
		set_err(e, CHAIN_E_CRITICAL_EXT, pos, ci, "an unknown critical "
		    "extension (OID bytes %s)", c->crit_unknown);
		return CHAIN_E_CRITICAL_EXT;
	}
	if (c->profile[0] != '\0') {
		set_err(e, CHAIN_E_PROFILE, pos, ci, "%s", c->profile);
		return CHAIN_E_PROFILE;
	}
	/*
	 * RFC 5280 4.1.2.2: the serial MUST be positive. Revocation finds
	 * a certificate by its serial; one that other software may read as
	 * another number is not one to trust. An anchor above the leaf is
	 * the administrator's choice (old roots have such serials).
	 */
	if ((!anchor || pos == 0) && c->serial_negative) {
		set_err(e, CHAIN_E_PROFILE, pos, ci, "a negative serial number "
		    "(RFC 5280 4.1.2.2: it must be positive)");
		return CHAIN_E_PROFILE;
	}
	if (x->now < c->not_before) {
		fmt_time(c->not_before, t);
		set_err(e, CHAIN_E_NOT_YET_VALID, pos, ci, "not valid before %s",
		    t);
		return CHAIN_E_NOT_YET_VALID;
	}
	if (x->now > c->not_after) {
		fmt_time(c->not_after, t);
		set_err(e, CHAIN_E_EXPIRED, pos, ci, "expired on %s", t);
		return CHAIN_E_EXPIRED;
	}
	return CHAIN_OK;
}

/* ---- revocation ---- */

struct dpoint {
	int		 name_tag;	/* 0xa0 fullName, 0xa1 relative, 0 */
	struct span	 name;
	unsigned	 reasons;	/* REASONS_ALL when absent */
	int		 has_issuer;
	struct span	 issuer;	/* GeneralNames contents */
};

/* X == base + one more RDN equal to rdn */
static int
dn_is_base_plus(struct span xname, struct span base, struct span rdn)
{
	struct der dx = der_of(xname), db = der_of(base);
	struct span a, b;

	while (db.n > 0) {
		if (der_get(&db, 0x31, &b, NULL) == -1 ||
		    der_get(&dx, 0x31, &a, NULL) == -1 || !rdn_eq(a, b))
			return 0;
	}
	if (der_get(&dx, 0x31, &a, NULL) == -1 || dx.n != 0)
		return 0;
	return rdn_eq(a, rdn);
}

/* One DistributionPointName against another; base: for relative names. */
static int
dpn_match(int ta, struct span a, struct span base_a, int tb, struct span b,
    struct span base_b)
{
	struct der da, db;
	struct span va, vb;
	int ga, gb;

	if (ta == 0xa1 && tb == 0xa1)
		return name_eq(base_a, base_b) && rdn_eq(a, b);
	if (ta == 0xa1)
		return dpn_match(tb, b, base_b, ta, a, base_a);
	da = der_of(a);
	while (gn_next(&da, &ga, &va)) {
		if (tb == 0xa1) {
			if (ga == 0xa4 && dn_is_base_plus(va, base_b, b))
				return 1;
			continue;
		}
		db = der_of(b);
		while (gn_next(&db, &gb, &vb))
			if (ga == gb && (ga == 0xa4 ? name_eq(va, vb) :
			    span_eq(va, vb)))
				return 1;
	}
	return 0;
}

/* The directoryNames of GeneralNames include name? */
static int
gns_has_dn(struct span gns, struct span name)
{
	struct der d = der_of(gns);
	struct span v;
	int tag;

	while (gn_next(&d, &tag, &v))
		if (tag == 0xa4 && name_eq(v, name))
			return 1;
	return 0;
}

static struct span
gns_first_dn(struct span gns)
{
	struct der d = der_of(gns);
	struct span v, none = { NULL, 0 };
	int tag;

	while (gn_next(&d, &tag, &v))
		if (tag == 0xa4)
			return v;
	return none;
}

static int
cert_dpoints(const struct vcert *c, struct dpoint *dp, int max)
{
	struct der d, p;
	struct span one, x;
	int n = 0, r;

	if (!c->crldp) {
		memset(dp, 0, sizeof(*dp));
		dp->reasons = REASONS_ALL;
		return 1;
	}
	d = der_of(c->crldp_v);
	while (d.n > 0 && n < max) {
		struct dpoint *q = &dp[n];

		memset(q, 0, sizeof(*q));
		if (der_get(&d, 0x30, &one, NULL) == -1)
			return -1;
		p = der_of(one);
		if ((r = der_opt(&p, 0xa0, &x, NULL)) == 1) {
			struct der in = der_of(x);

			if (der_next(&in, &q->name_tag, &q->name, NULL) == -1 ||
			    in.n != 0)
				return -1;
		}
		q->reasons = REASONS_ALL;
		if ((r = der_opt(&p, 0x81, &x, NULL)) == 1) {
			if (der_bits(x, &q->reasons) == -1)
				return -1;
			q->reasons &= REASONS_ALL;
		}
		if ((r = der_opt(&p, 0xa2, &q->issuer, NULL)) == 1)
			q->has_issuer = 1;
		if (q->name_tag == 0 && !q->has_issuer)
			continue;	/* RFC 5280: one of them must be present */
		n++;
	}
	return n;
}

/*
 * Finds a validated signer for CRL r. Path certificates above position
 * k come first (the usual case: the issuer signs its CRL); otherwise a
 * certificate from the pool whose own path ends at the same anchor
 * (6.3.3 (f)). Returns 0 with *ku_fail set when only signers without
 * cRLSign were found.
 */
static int
crl_signer_ok(struct vctx *x, struct vcrl *r, const size_t *path, size_t len,
    size_t k, int rec, int *ku_fail)
{
	size_t j, s;

	for (j = k + 1; j < len; j++) {
		const struct vcert *c = &x->c[path[j]];

		if (!name_eq(c->subject, r->issuer))
			continue;
		if (--x->work < 0)
			return 0;	/* a denial-of-service guard */
		if (sig_check(&r->sig, r->tbs, r->sigval, c) != 0)
			continue;
		if (c->ku && !(c->ku_bits & KU_CRL_SIGN)) {
			*ku_fail = 1;
			continue;
		}
		return 1;
	}
	if (rec >= 3)
		return 0;
	for (s = 0; s < x->n; s++) {
		const struct vcert *c = &x->c[s];
		struct vopts o;
		struct verr e;
		int inpath = 0;

		for (j = 0; j < len; j++)
			inpath |= path[j] == s;
		if (inpath || !c->ok || !name_eq(c->subject, r->issuer))
			continue;
		if (--x->work < 0)
			return 0;
		if (sig_check(&r->sig, r->tbs, r->sigval, c) != 0)
			continue;
		if (c->ku && !(c->ku_bits & KU_CRL_SIGN)) {
			*ku_fail = 1;
			continue;
		}
		o.crl_mode = 1;
		o.rec = rec + 1;
		o.anchor = path[len - 1];
		if (c->is_anchor ? s == o.anchor :
		    build(x, s, &o, &e) == CHAIN_OK)
			return 1;
	}
	return 0;
}

static int
crl_current(const struct vctx *x, const struct vcrl *r)
{
	return r->this_update <= x->now && r->has_next &&
	    x->now <= r->next_update;
}

/* RFC 5280 6.3.3 for path[k]. */
static enum chain_reason
check_revocation(struct vctx *x, const size_t *path, size_t len, size_t k,
    int rec, struct verr *e)
{
	const struct vcert *c = &x->c[path[k]];
	struct dpoint dps[8];
	unsigned mask = 0;
	int ndp, i, ku_fail = 0, stale = 0, revoked = 0, reason = 0;
	size_t ci, di;
	char why[160] = "";

	if ((ndp = cert_dpoints(c, dps, 8)) < 0) {
		set_err(e, CHAIN_E_PROFILE, (int)k, path[k], "a malformed "
		    "cRLDistributionPoints");
		return CHAIN_E_PROFILE;
	}
	for (i = 0; i < ndp && mask != REASONS_ALL && !revoked; i++) {
		const struct dpoint *dp = &dps[i];
		struct span dp_base = c->issuer;

		if (dp->has_issuer) {
			dp_base = gns_first_dn(dp->issuer);
			if (dp_base.p == NULL)
				continue;
		}
		for (ci = 0; ci < x->ncrl && mask != REASONS_ALL; ci++) {
			struct vcrl *r = &x->crl[ci];
			unsigned interim;
			int listed, rs = 0, decided = 0;

			if (!r->ok || r->is_delta)
				continue;
			/* (b)(1) the issuer */
			if (dp->has_issuer) {
				if (!r->indirect || !gns_has_dn(dp->issuer,
				    r->issuer))
					continue;
			} else if (!name_eq(r->issuer, c->issuer))
				continue;
			/* (b)(2) the scope */
			if (r->idp_dp_tag != 0) {
				if (dp->name_tag != 0) {
					if (!dpn_match(r->idp_dp_tag, r->idp_dp,
					    r->issuer, dp->name_tag, dp->name,
					    dp_base))
						continue;
				} else if (!dp->has_issuer ||
				    !dpn_match(r->idp_dp_tag, r->idp_dp,
				    r->issuer, 0xa0, dp->issuer, dp_base))
					continue;
			}
			if ((r->only_user && c->bc && c->ca) ||
			    (r->only_ca && !(c->bc && c->ca)) || r->only_attr)
				continue;
			/* (d)-(e) reasons */
			interim = (r->only_reasons ? r->only_reasons &
			    REASONS_ALL : REASONS_ALL) & dp->reasons;
			if ((interim & ~mask) == 0)
				continue;
			if (!crl_current(x, r)) {
				stale = 1;
				continue;
			}
			/* (f)-(g) a signer on a path to the same anchor */
			if (!crl_signer_ok(x, r, path, len, k, rec, &ku_fail))
				continue;
			/* (c), (h)-(i): a current delta CRL for this base */
			for (di = 0; di < x->ncrl; di++) {
				struct vcrl *d = &x->crl[di];

				if (!d->ok || !d->is_delta ||
				    !name_eq(d->issuer, r->issuer) ||
				    d->idp != r->idp || (d->idp &&
				    !span_eq(d->idp_v, r->idp_v)) ||
				    int_cmp(d->base_number, r->number) > 0 ||
				    int_cmp(d->number, r->number) <= 0)
					continue;
				if (!crl_current(x, d) || !crl_signer_ok(x, d,
				    path, len, k, rec, &ku_fail)) {
					stale = 1;
					continue;
				}
				if (crl_lookup(d, c->serial, c->issuer, &rs)) {
					decided = 1;
					if (rs != REASON_REMOVE) {
						revoked = 1;
						reason = rs;
					}
					break;
				}
			}
			if (!decided) {
				listed = crl_lookup(r, c->serial, c->issuer, &rs);
				if (listed && rs != REASON_REMOVE) {
					revoked = 1;
					reason = rs;
				}
			}
			mask |= interim;
			if (revoked)
				break;
		}
	}
	if (revoked) {
		static const char *names[] = { "unspecified", "keyCompromise",
		    "cACompromise", "affiliationChanged", "superseded",
		    "cessationOfOperation", "certificateHold", "?",
		    "removeFromCRL", "privilegeWithdrawn", "aACompromise" };

		set_err(e, CHAIN_E_REVOKED, (int)k, path[k], "revoked (%s)",
		    reason >= 0 && reason <= 10 ? names[reason] : "?");
		return CHAIN_E_REVOKED;
	}
	if (mask != REASONS_ALL) {
		if (ku_fail)
			say(why, sizeof(why), "; its issuer's CRL signer "
			    "lacks cRLSign");
		else if (stale)
			say(why, sizeof(why), "; a CRL was found but is "
			    "not current");
		set_err(e, CHAIN_E_CRL_UNKNOWN, (int)k, path[k], "no current, "
		    "valid CRL covers it%s", why);
		return CHAIN_E_CRL_UNKNOWN;
	}
	return CHAIN_OK;
}

/* ---- path validation (RFC 5280 6.1) ---- */

static enum chain_reason
check_anchor(struct vctx *x, size_t ai, int pos, const struct vopts *o,
    struct verr *e)
{
	struct vcert *a = &x->c[ai];
	enum chain_reason r;

	if ((r = check_common(x, ai, pos, 1, e)) != CHAIN_OK)
		return r;
	if (!(a->bc && a->ca && a->bc_crit)) {
		set_err(e, CHAIN_E_NOT_CA, pos, ai, "a trust anchor must be a "
		    "CA certificate with a critical basicConstraints cA TRUE");
		return CHAIN_E_NOT_CA;
	}
	if (a->ku && !(a->ku_bits & KU_KEY_CERT_SIGN)) {
		set_err(e, CHAIN_E_KEY_USAGE, pos, ai, "a trust anchor whose "
		    "keyUsage lacks keyCertSign");
		return CHAIN_E_KEY_USAGE;
	}
	if (!a->ski) {
		set_err(e, CHAIN_E_PROFILE, pos, ai, "a CA certificate without "
		    "subjectKeyIdentifier");
		return CHAIN_E_PROFILE;
	}
	if (a->self_issued && a->aki && a->aki_keyid_set &&
	    !span_eq(a->aki_keyid, a->ski_v) && self_signed(x, ai)) {
		set_err(e, CHAIN_E_PROFILE, pos, ai, "a self-signed trust "
		    "anchor whose authorityKeyIdentifier is not its own key");
		return CHAIN_E_PROFILE;
	}
	if (!o->crl_mode && x->in->purpose == CHAIN_PURPOSE_SERVER_AUTH &&
	    a->eku && !(a->eku_server || a->eku_any)) {
		set_err(e, CHAIN_E_EKU, pos, ai, "a trust anchor whose "
		    "extendedKeyUsage excludes serverAuth");
		return CHAIN_E_EKU;
	}
	return CHAIN_OK;
}

/*
 * What a TLS server's certificate from a CA must be beyond RFC 5280: the
 * CA/Browser Forum rules that decide what it may be used for, or what it
 * says it is. A pinned certificate is exempt: the pin is the identity.
 */
static enum chain_reason
check_server_leaf(const struct vcert *c, int pos, size_t li, struct verr *e)
{
	if (c->is_anchor)
		return CHAIN_OK;
	if (c->eku && c->eku_any) {
		set_err(e, CHAIN_E_EKU, pos, li, "its extendedKeyUsage includes "
		    "anyExtendedKeyUsage: a server certificate from a CA names "
		    "its purposes (CA/Browser Forum BR 7.1.2.7.10)");
		return CHAIN_E_EKU;
	}
	if (c->bc && c->ca) {
		set_err(e, CHAIN_E_CA_LEAF, pos, li, "a CA certificate "
		    "(basicConstraints cA TRUE) is the server's certificate; "
		    "a server must present its own end-entity certificate, "
		    "not its CA's");
		return CHAIN_E_CA_LEAF;
	}
	/*
	 * Without an EKU, RFC 5280 allows any purpose: a certificate a CA
	 * issued for something else (a device, a client) under the server's
	 * name would do for the server too. The CA must have said serverAuth.
	 */
	if (!c->eku) {
		set_err(e, CHAIN_E_EKU, pos, li, "it has no extendedKeyUsage; "
		    "a server certificate from a CA must list serverAuth "
		    "(CA/Browser Forum BR 7.1.2.7.10)");
		return CHAIN_E_EKU;
	}
	if (c->san && c->san_crit && c->subject.n > 0) {
		set_err(e, CHAIN_E_PROFILE, pos, li, "a critical "
		    "subjectAltName with a non-empty subject (RFC 5280 "
		    "4.2.1.6, CA/Browser Forum BR 7.1.2.7.12)");
		return CHAIN_E_PROFILE;
	}
	return CHAIN_OK;
}

/* Leaf-only rules: the role of an end entity, purpose, identity. */
static enum chain_reason
check_leaf(struct vctx *x, size_t li, int pos, const struct vopts *o,
    struct verr *e)
{
	const struct vcert *c = &x->c[li];
	int server = x->in->purpose == CHAIN_PURPOSE_SERVER_AUTH;
	enum chain_reason r;
	char why[320];

	if (c->nc && !(c->bc && c->ca)) {
		set_err(e, CHAIN_E_PROFILE, pos, li, "nameConstraints in an "
		    "end-entity certificate");
		return CHAIN_E_PROFILE;
	}
	if (c->bc && c->ca && c->ku && !(c->ku_bits & KU_KEY_CERT_SIGN)) {
		set_err(e, CHAIN_E_PROFILE, pos, li, "basicConstraints cA TRUE "
		    "but no keyCertSign: neither a CA nor an end entity");
		return CHAIN_E_PROFILE;
	}
	if (o->crl_mode)
		return CHAIN_OK;
	if (server) {
		if (c->eku && !c->eku_server) {
			set_err(e, CHAIN_E_EKU, pos, li, "its extendedKeyUsage "
			    "does not include serverAuth%s", c->eku_any ?
			    " (anyExtendedKeyUsage alone is not accepted)" : "");
			return CHAIN_E_EKU;
		}
		if ((r = check_server_leaf(c, pos, li, e)) != CHAIN_OK)
			return r;
		if (c->ku && !(c->ku_bits & KU_DIGITAL_SIGNATURE)) {
			set_err(e, CHAIN_E_KEY_USAGE, pos, li, "its keyUsage "
			    "lacks digitalSignature, which ECDHE needs");
			return CHAIN_E_KEY_USAGE;
		}
	}
	if ((r = name_check_identity(c->san, c->san_v, x->in, why,
	    sizeof(why))) != CHAIN_OK ||
	    (server && !c->is_anchor && (r = name_check_cn(c->subject, c->san,
	    c->san_v, why, sizeof(why))) != CHAIN_OK)) {
		set_err(e, r, pos, li, "%s", why);
		return r;
	}
	return CHAIN_OK;
}

static enum chain_reason
nc_add(struct vctx *x, size_t ci, int pos, const struct vcert **ncs,
    size_t *nnc, struct verr *e)
{
	const struct vcert *c = &x->c[ci];
	size_t cnt = 0;

	if (!c->nc)
		return CHAIN_OK;
	if ((c->nc_perm_set && !nc_subtrees_valid(c->nc_perm, &cnt)) ||
	    (c->nc_excl_set && !nc_subtrees_valid(c->nc_excl, &cnt))) {
		set_err(e, CHAIN_E_NAME_CONSTRAINT, pos, ci, "its "
		    "nameConstraints hold a malformed subtree (a DNS name with "
		    "a leading dot or a wildcard, a bad address mask, a "
		    "minimum or maximum)");
		return CHAIN_E_NAME_CONSTRAINT;
	}
	ncs[(*nnc)++] = c;
	return CHAIN_OK;
}

static enum chain_reason
validate_path(struct vctx *x, const size_t *path, size_t len,
    const struct vopts *o, struct verr *e)
{
	const struct chain_input *in = x->in;
	const struct vcert *ncs[CHAIN_MAX_PATH];
	size_t nnc = 0, n = len - 1, i, ai = path[len - 1];
	long max_path = (long)n, ncwork = MAX_NC_WORK;
	long explicit_policy, inhibit_any, policy_mapping;
	struct ptree *t = &x->pt;
	enum chain_reason r;
	int rv;

	memcpy(x->last_path, path, len * sizeof(path[0]));
	x->last_len = len;
	if (len == 1) {
		/*
		 * The leaf is itself a trust anchor (a pinned self-signed
		 * server certificate): it issues nothing, so the CA rules for
		 * anchors do not apply; the rest does.
		 */
		if ((r = check_common(x, ai, 0, 1, e)) != CHAIN_OK)
			return r;
		return check_leaf(x, ai, 0, o, e);
	}
	if ((r = check_anchor(x, ai, (int)n, o, e)) != CHAIN_OK)
		return r;
	if (x->c[ai].pathlen >= 0 && x->c[ai].pathlen < max_path)
		max_path = x->c[ai].pathlen;
	if ((r = nc_add(x, ai, (int)n, ncs, &nnc, e)) != CHAIN_OK)
		return r;
	explicit_policy = in->explicit_policy ? 0 : (long)n + 1;
	inhibit_any = in->inhibit_any_policy ? 0 : (long)n + 1;
	policy_mapping = in->inhibit_policy_mapping ? 0 : (long)n + 1;
	t->n = 0;
	t->noid = 0;
	t->overflow = 0;
	pol_oid(t, (struct span){ OID_ANY_POLICY, sizeof(OID_ANY_POLICY) });
	pol_add(t, 0, -1, 0);

	for (i = 1; i <= n; i++) {
		size_t k = n - i, ci = path[k];
		const struct vcert *c = &x->c[ci];
		int leaf = i == n, pos = (int)k;

		if ((r = check_common(x, ci, pos, 0, e)) != CHAIN_OK)
			return r;
		if (!c->aki && !self_signed(x, ci)) {
			set_err(e, CHAIN_E_PROFILE, pos, ci, "no "
			    "authorityKeyIdentifier (RFC 5280 4.2.1.1)");
			return CHAIN_E_PROFILE;
		}
		if (in->check_revocation &&
		    (r = check_revocation(x, path, len, k, o->rec, e)) !=
		    CHAIN_OK)
			return r;
		/* (b)-(c) names, except for self-issued intermediates */
		if (leaf || !c->self_issued) {
			size_t j;
			char why[240];

			for (j = 0; j < nnc; j++) {
				rv = nc_check_cert(ncs[j], c, &ncwork, why,
				    sizeof(why));
				if (rv == 1) {
					set_err(e, CHAIN_E_NAME_CONSTRAINT, pos,
					    ci, "%s", why);
					return CHAIN_E_NAME_CONSTRAINT;
				}
				if (rv == 2) {
					set_err(e, CHAIN_E_LIMIT, pos, ci, "more "
					    "name-constraint checks than the "
					    "limit of %ld", (long)MAX_NC_WORK);
					return CHAIN_E_LIMIT;
				}
			}
		}
		/* (d)-(f) policies */
		if (!o->crl_mode) {
			if (!pol_empty(t)) {
				if (c->cp) {
					if (pol_process_cert(t, c, (int)i, (int)n,
					    (int)inhibit_any) == -1)
						goto policy_limit;
				} else
					t->n = 0;
			}
			if (explicit_policy == 0 && pol_empty(t)) {
				set_err(e, CHAIN_E_POLICY, pos, ci, "no valid "
				    "certificate policy at this certificate, "
				    "and an explicit policy is required");
				return CHAIN_E_POLICY;
			}
		}
		if (leaf)
			break;
		/* 6.1.4: preparation for the next certificate */
		if (!(c->bc && c->ca)) {
			set_err(e, CHAIN_E_NOT_CA, pos, ci, "it issued a "
			    "certificate but is not a CA (basicConstraints cA "
			    "is not TRUE)");
			return CHAIN_E_NOT_CA;
		}
		if (c->subject.n == 0) {
			set_err(e, CHAIN_E_PROFILE, pos, ci, "a CA certificate "
			    "with an empty subject");
			return CHAIN_E_PROFILE;
		}
		if (!c->ski) {
			set_err(e, CHAIN_E_PROFILE, pos, ci, "a CA certificate "
			    "without subjectKeyIdentifier");
			return CHAIN_E_PROFILE;
		}
		if (!c->self_issued) {
			if (max_path <= 0) {
				set_err(e, CHAIN_E_PATHLEN, pos, ci, "a CA above "
				    "it allows no further intermediate CA "
				    "(pathLenConstraint)");
				return CHAIN_E_PATHLEN;
			}
			max_path--;
		}
		if (c->pathlen >= 0 && c->pathlen < max_path)
			max_path = c->pathlen;
		if (c->ku && !(c->ku_bits & KU_KEY_CERT_SIGN)) {
			set_err(e, CHAIN_E_KEY_USAGE, pos, ci, "it issued a "
			    "certificate but its keyUsage lacks keyCertSign");
			return CHAIN_E_KEY_USAGE;
		}
		if (!o->crl_mode && in->purpose == CHAIN_PURPOSE_SERVER_AUTH &&
		    c->eku && !(c->eku_server || c->eku_any)) {
			set_err(e, CHAIN_E_EKU, pos, ci, "a CA whose "
			    "extendedKeyUsage excludes serverAuth");
			return CHAIN_E_EKU;
		}
		if ((r = nc_add(x, ci, pos, ncs, &nnc, e)) != CHAIN_OK)
			return r;
		if (!o->crl_mode) {
			char why[160] = "a malformed policyMappings";

			if (c->pm && pol_map(t, c, (int)i, (int)policy_mapping,
			    why, sizeof(why)) == -1) {
				if (t->overflow)
					goto policy_limit;
				set_err(e, CHAIN_E_POLICY, pos, ci, "%s", why);
				return CHAIN_E_POLICY;
			}
			if (!c->self_issued) {
				if (explicit_policy > 0)
					explicit_policy--;
				if (policy_mapping > 0)
					policy_mapping--;
				if (inhibit_any > 0)
					inhibit_any--;
			}
			if (c->pc_require >= 0 && c->pc_require < explicit_policy)
				explicit_policy = c->pc_require;
			if (c->pc_inhibit >= 0 && c->pc_inhibit < policy_mapping)
				policy_mapping = c->pc_inhibit;
			if (c->iap_skip >= 0 && c->iap_skip < inhibit_any)
				inhibit_any = c->iap_skip;
		}
	}
	if ((r = check_leaf(x, path[0], 0, o, e)) != CHAIN_OK)
		return r;
	if (o->crl_mode)
		return CHAIN_OK;
	/* 6.1.5 wrap-up */
	if (explicit_policy > 0)
		explicit_policy--;
	if (x->c[path[0]].pc_require == 0)
		explicit_policy = 0;
	pol_intersect(t, x->upol, x->nupol, (int)n);
	if (t->overflow)
		goto policy_limit;
	if (explicit_policy == 0 && pol_empty(t)) {
		set_err(e, CHAIN_E_POLICY, 0, path[0], "no certificate policy "
		    "of the path is acceptable (user policy set%s)",
		    x->nupol ? " given with --cert-policy" : ": anyPolicy");
		return CHAIN_E_POLICY;
	}
	return CHAIN_OK;
policy_limit:
	set_err(e, CHAIN_E_LIMIT, 0, path[0], "the policy tree grew past %d "
	    "nodes", POL_MAX_NODES);
	return CHAIN_E_LIMIT;
}

/* ---- path building ---- */

#define BUILD_WORK	4096	/* candidate issuers tried, all searches */

struct bstate {
	const struct vopts *o;
	size_t		 path[CHAIN_MAX_PATH];
	size_t		 len;
	int		 found;
	int		 have_err;
	struct verr	 err;		/* from the first complete path */
	int		 sig_fail;
	size_t		 sig_fail_cert;
	int		 sig_fail_pos;
	int		 depth_hit;
	int		 limit_hit;
	int		 dead_set;
	size_t		 dead_cert;
	int		 dead_pos;
	int		 weak_set;	/* an issuer whose key is below the floor */
	struct verr	 weak;
	int		 unusable_set;	/* an issuer that could not be decoded */
	size_t		 unusable_cert;
	int		 unusable_pos;
};

static int
in_path(const struct bstate *b, size_t k)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if (b->path[i] == k)
			return 1;
	return 0;
}

/* Non-self-issued intermediates in the path so far (not the target). */
static long
logical_depth(const struct vctx *x, const struct bstate *b)
{
	size_t i;
	long n = 0;

	for (i = 1; i < b->len; i++)
		if (!x->c[b->path[i]].is_anchor && !x->c[b->path[i]].self_issued)
			n++;
	return n;
}

static int
extend(struct vctx *x, struct bstate *b)
{
	size_t cur = b->path[b->len - 1], k;
	const struct vcert *c = &x->c[cur];
	struct verr we;
	int pass, any = 0, r;

	if (c->is_anchor && (b->len > 1 || b->o->crl_mode)) {
		struct verr e;

		if (b->o->crl_mode && cur != b->o->anchor)
			return 0;
		memset(&e, 0, sizeof(e));
		if (validate_path(x, b->path, b->len, b->o, &e) == CHAIN_OK) {
			b->found = 1;
			return 1;
		}
		if (!b->have_err) {
			b->err = e;
			b->have_err = 1;
		}
		return 0;
	}
	if (b->len >= CHAIN_MAX_PATH) {
		b->depth_hit = 1;
		return 0;
	}
	/*
	 * Candidates: anchors before intermediates; within each, those whose
	 * subjectKeyIdentifier matches the authorityKeyIdentifier first.
	 */
	for (pass = 0; pass < 4; pass++) {
		int want_anchor = pass < 2, want_kid = pass % 2 == 0;

		for (k = 0; k < x->n; k++) {
			const struct vcert *s = &x->c[k];
			int kid;

			if (s->is_anchor != want_anchor || k == x->leaf ||
			    in_path(b, k) || !name_eq(c->issuer, s->subject))
				continue;
			if (!s->ok) {	/* named as issuer, but unusable */
				if (!b->unusable_set) {
					b->unusable_set = 1;
					b->unusable_cert = k;
					b->unusable_pos = (int)b->len;
				}
				continue;
			}
			kid = c->aki_keyid_set && s->ski &&
			    span_eq(c->aki_keyid, s->ski_v);
			if (kid != want_kid)
				continue;
			any = 1;
			if (--x->work < 0) {
				b->limit_hit = 1;
				return -1;
			}
			if (!s->is_anchor && !s->self_issued &&
			    logical_depth(x, b) + 1 > x->max_depth) {
				b->depth_hit = 1;
				continue;
			}
			/* any path through it would be refused for its key */
			if (check_key(s, k, (int)b->len, &we) != CHAIN_OK) {
				if (!b->weak_set) {
					b->weak = we;
					b->weak_set = 1;
				}
				continue;
			}
			if (!signed_by(x, cur, k)) {
				if (!b->sig_fail) {
					b->sig_fail = 1;
					b->sig_fail_cert = cur;
					b->sig_fail_pos = (int)b->len - 1;
				}
				continue;
			}
			b->path[b->len++] = k;
			r = extend(x, b);
			b->len--;
			if (r != 0)
				return r;
		}
	}
	if (!any && (!b->dead_set || (int)b->len - 1 > b->dead_pos)) {
		b->dead_set = 1;
		b->dead_cert = cur;
		b->dead_pos = (int)b->len - 1;
	}
	return 0;
}

static enum chain_reason
build(struct vctx *x, size_t target, const struct vopts *o, struct verr *e)
{
	struct bstate *b;
	enum chain_reason r;

	if ((b = calloc(1, sizeof(*b))) == NULL) {
		set_err(e, CHAIN_E_INTERNAL, -1, target, "out of memory");
		return CHAIN_E_INTERNAL;
	}
	b->o = o;
	b->path[0] = target;
	b->len = 1;
	extend(x, b);
	if (b->found)
		r = CHAIN_OK;
	else if (b->have_err) {
		*e = b->err;
		r = e->r;
	} else if (b->limit_hit) {
		set_err(e, CHAIN_E_LIMIT, -1, target, "path building tried "
		    "more than %d candidate issuers", BUILD_WORK);
		r = CHAIN_E_LIMIT;
	} else if (b->weak_set) {
		*e = b->weak;
		r = e->r;
	} else if (b->sig_fail) {
		set_err(e, CHAIN_E_SIGNATURE, b->sig_fail_pos, b->sig_fail_cert,
		    "its signature does not verify with the key of any "
		    "certificate named as its issuer");
		r = CHAIN_E_SIGNATURE;
	} else if (b->unusable_set) {
		const struct vcert *u = &x->c[b->unusable_cert];

		set_err(e, u->bad, b->unusable_pos, b->unusable_cert, "%s",
		    u->why);
		r = u->bad;
	} else if (b->depth_hit) {
		set_err(e, CHAIN_E_PATHLEN, -1, target, "no path within the "
		    "depth limit of %ld intermediates", x->max_depth);
		r = CHAIN_E_PATHLEN;
	} else {
		size_t d = b->dead_set ? b->dead_cert : target;

		set_err(e, CHAIN_E_NO_ISSUER, b->dead_set ? b->dead_pos : 0, d,
		    "%s", x->c[d].self_issued && self_signed(x, d) ?
		    "a self-signed certificate that is not a trust anchor" :
		    "its issuer is neither a trust anchor nor among the "
		    "intermediates given");
		r = CHAIN_E_NO_ISSUER;
	}
	free(b);
	return r;
}

/* ------------------------------------------------------------------ */
/* The library entry point                                             */
/* ------------------------------------------------------------------ */

static const struct {
	const char	*id;
	const char	*text;
} reasons[CHAIN_E_MAX] = {
	[CHAIN_OK] =		{ "BWK0789I", "accepted" },
	[CHAIN_E_DECODE] =	{ "BWK0762E", "cannot be decoded" },
	[CHAIN_E_NO_ISSUER] =	{ "BWK0763E", "no path to a trust anchor" },
	[CHAIN_E_SIGNATURE] =	{ "BWK0764E", "signature invalid" },
	[CHAIN_E_EXPIRED] =	{ "BWK0765E", "expired" },
	[CHAIN_E_NOT_YET_VALID] = { "BWK0766E", "not yet valid" },
	[CHAIN_E_WEAK_KEY] =	{ "BWK0767E", "key below the policy floor" },
	[CHAIN_E_WEAK_SIG] =	{ "BWK0768E", "signature algorithm outside the policy" },
	[CHAIN_E_KEY_TYPE] =	{ "BWK0769E", "key type outside the policy" },
	[CHAIN_E_NOT_CA] =	{ "BWK0770E", "issuer is not a CA" },
	[CHAIN_E_PATHLEN] =	{ "BWK0771E", "path too long" },
	[CHAIN_E_KEY_USAGE] =	{ "BWK0772E", "key usage forbids it" },
	[CHAIN_E_EKU] =		{ "BWK0773E", "not for TLS server use" },
	[CHAIN_E_HOST] =	{ "BWK0774E", "host name mismatch" },
	[CHAIN_E_IP] =		{ "BWK0775E", "IP address mismatch" },
	[CHAIN_E_NAME_CONSTRAINT] = { "BWK0776E", "name constraints violated" },
	[CHAIN_E_CRITICAL_EXT] = { "BWK0777E", "unknown critical extension" },
	[CHAIN_E_PROFILE] =	{ "BWK0778E", "not a conforming certificate" },
	[CHAIN_E_LIMIT] =	{ "BWK0779E", "work limit exceeded" },
	[CHAIN_E_REVOKED] =	{ "BWK0780E", "revoked" },
	[CHAIN_E_CRL_UNKNOWN] =	{ "BWK0781E", "revocation status unknown" },
	[CHAIN_E_POLICY] =	{ "BWK0782E", "no acceptable certificate policy" },
	[CHAIN_E_INTERNAL] =	{ "BWK0783E", "internal error" },
	[CHAIN_E_NO_ANCHOR] =	{ "BWK0784E", "no trust anchor given" },
	[CHAIN_E_CA_LEAF] =	{ "BWK0785E", "a CA certificate as the server's" },
	[CHAIN_E_PUBLIC_SUFFIX] = { "BWK0786E", "wildcard over a public suffix" },
	[CHAIN_E_NO_PSL] =	{ "BWK0787E", "no Public Suffix List loaded" },
	[CHAIN_E_CN] =		{ "BWK0788E", "subject CN not in subjectAltName" },
};

const char *
chain_reason_id(enum chain_reason r)
{
	return r >= 0 && r < CHAIN_E_MAX && reasons[r].id ? reasons[r].id :
	    "BWK0783E";
}

const char *
chain_reason_text(enum chain_reason r)
{
	return r >= 0 && r < CHAIN_E_MAX && reasons[r].text ? reasons[r].text :
	    "internal error";
}

/* Dotted OID text to DER contents; -1 when not an OID. */
static int
oid_encode(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	unsigned long arcs[40], v;
	size_t n = 0, i, o = 0;
	char *end;

	while (*s) {
		if (*s < '0' || *s > '9' || n == 40)
			return -1;
		errno = 0;
		v = strtoul(s, &end, 10);
		if (errno != 0 || v > 0xffffffffUL || (end - s > 1 && *s == '0'))
			return -1;
		arcs[n++] = v;
		s = end;
		if (*s == '.' && s[1] != '\0')
			s++;
		else if (*s != '\0')
			return -1;
	}
	if (n < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39))
		return -1;
	arcs[1] += arcs[0] * 40;
	for (i = 1; i < n; i++) {
		uint8_t tmp[8];
		int t = 0;

		v = arcs[i];
		do {
			tmp[t++] = (uint8_t)(v & 0x7f);
			v >>= 7;
		} while (v);
		while (t > 0) {
			if (o == cap)
				return -1;
			t--;
			out[o++] = (uint8_t)(tmp[t] | (t > 0 ? 0x80 : 0));
		}
	}
	*len = o;
	return 0;
}

static void
fill_result(const struct vctx *x, const struct verr *e, struct chain_result *res)
{
	size_t i;

	res->position = e != NULL ? e->pos : -1;
	res->subject[0] = res->detail[0] = '\0';
	if (e == NULL && x->last_len > 0)	/* accepted: the leaf */
		snprintf(res->subject, sizeof(res->subject), "%s",
		    x->c[x->last_path[0]].subj_str);
	if (e != NULL) {
		snprintf(res->detail, sizeof(res->detail), "%s", e->why);
		if (e->cert < x->n)
			snprintf(res->subject, sizeof(res->subject), "%s",
			    x->c[e->cert].subj_str[0] ?
			    x->c[e->cert].subj_str : "(empty subject)");
	}
	res->path_len = x->last_len;
	for (i = 0; i < x->last_len; i++) {
		const struct vcert *c = &x->c[x->last_path[i]];

		res->path[i].src = c->src;
		res->path[i].index = c->src_index;
		memcpy(res->path[i].fpr, c->fpr, sizeof(c->fpr));
	}
}

enum chain_reason
chain_verify(const struct chain_input *in, struct chain_result *res)
{
	struct vctx x;
	struct verr e;
	struct vopts o = { 0, 0, 0 };
	size_t i, j, total;
	enum chain_reason r;

	memset(res, 0, sizeof(*res));
	memset(&x, 0, sizeof(x));
	memset(&e, 0, sizeof(e));
	res->position = -1;
	x.in = in;
	x.now = in->time != 0 ? in->time : bwk_now();
	x.max_depth = in->max_depth < 0 ? CHAIN_DEFAULT_DEPTH : in->max_depth;
	if (x.max_depth > CHAIN_MAX_PATH - 2)
		x.max_depth = CHAIN_MAX_PATH - 2;
	x.work = BUILD_WORK;
	total = in->n_anchors + in->n_intermediates + 1;
	if (in->n_anchors == 0) {
		res->reason = CHAIN_E_NO_ANCHOR;
		snprintf(res->detail, sizeof(res->detail), "no trust anchor "
		    "was given");
		return res->reason;
	}
	if (total > CHAIN_MAX_INPUT || in->n_crls > CHAIN_MAX_INPUT ||
	    in->n_policies > CHAIN_MAX_POLICIES ||
	    (in->name_kind != CHAIN_NAME_NONE && in->name == NULL)) {
		res->reason = CHAIN_E_LIMIT;
		snprintf(res->detail, sizeof(res->detail), "too many inputs");
		return res->reason;
	}
	for (i = 0; i < in->n_policies; i++) {
		if (oid_encode(in->policies[i], x.upol_buf[i],
		    sizeof(x.upol_buf[i]), &x.upol[i].n) == -1) {
			res->reason = CHAIN_E_POLICY;
			snprintf(res->detail, sizeof(res->detail), "not an "
			    "object identifier: %.100s", in->policies[i]);
			return res->reason;
		}
		x.upol[i].p = x.upol_buf[i];
		/* anyPolicy in the user set means no restriction */
		if (SPAN_IS(x.upol[i], OID_ANY_POLICY)) {
			x.nupol = 0;
			break;
		}
		x.nupol = i + 1;
	}
	x.c = calloc(total, sizeof(*x.c));
	x.crl = calloc(in->n_crls + 1, sizeof(*x.crl));
	x.pt.nd = calloc(POL_MAX_NODES, sizeof(*x.pt.nd));
	x.memo = calloc(total * total, 1);
	if (x.c == NULL || x.crl == NULL || x.pt.nd == NULL || x.memo == NULL) {
		set_err(&e, CHAIN_E_INTERNAL, -1, SIZE_MAX, "out of memory");
		r = e.r;
		goto out;
	}
	for (i = 0; i < in->n_anchors; i++) {
		struct vcert *c = &x.c[x.n];

		c->der.p = in->anchors[i].der;
		c->der.n = in->anchors[i].len;
		c->is_anchor = 1;
		c->src = CHAIN_SRC_ANCHOR;
		c->src_index = i;
		cert_parse(c);
		x.n++;
	}
	for (i = 0; i < in->n_intermediates; i++) {
		struct vcert *c = &x.c[x.n];
		int dup = 0;

		c->der.p = in->intermediates[i].der;
		c->der.n = in->intermediates[i].len;
		c->src = CHAIN_SRC_INTERMEDIATE;
		c->src_index = i;
		cert_parse(c);
		/* the same certificate twice, or an anchor sent again */
		for (j = 0; j < x.n && !dup; j++)
			dup = span_eq(x.c[j].der, c->der);
		if (dup)
			memset(c, 0, sizeof(*c));
		else
			x.n++;
	}
	x.leaf = x.n;
	x.c[x.n].der.p = in->leaf.der;
	x.c[x.n].der.n = in->leaf.len;
	x.c[x.n].src = CHAIN_SRC_LEAF;
	cert_parse(&x.c[x.n]);
	x.n++;
	/* the memo is indexed with the final count */
	for (i = 0; i < in->n_crls; i++) {
		x.crl[i].der.p = in->crls[i].der;
		x.crl[i].der.n = in->crls[i].len;
		crl_parse(&x.crl[i]);
	}
	x.ncrl = in->n_crls;

	if (!x.c[x.leaf].ok) {
		set_err(&e, x.c[x.leaf].bad, 0, x.leaf, "%s", x.c[x.leaf].why);
		r = e.r;
		goto out;
	}
	/* a leaf that is itself a trust anchor */
	for (i = 0; i < x.leaf; i++)
		if (x.c[i].is_anchor && span_eq(x.c[i].der, x.c[x.leaf].der))
			break;
	if (i < x.leaf) {
		size_t p = i;

		r = validate_path(&x, &p, 1, &o, &e);
		goto out;
	}
	r = build(&x, x.leaf, &o, &e);
out:
	res->reason = r;
	fill_result(&x, r == CHAIN_OK ? NULL : &e, res);
	free(x.c);
	free(x.crl);
	free(x.pt.nd);
	free(x.memo);
	return r;
}
