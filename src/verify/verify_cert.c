/*
 * One certificate: the wolfSSL gate, the TBSCertificate fields, the
 * subject public key, and the profile rules that need the whole
 * certificate. What cannot be used is marked (c->ok 0) with the reason,
 * never dropped silently: path building names it if it was needed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/asn.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "../lib/x509.h"
#include "verify_int.h"

/* An RSA public key (RFC 8017 RSAPublicKey in the BIT STRING): its size. */
static int
spki_rsa(struct vcert *c, struct span bits)
{
	struct der k = { bits.p + 1, bits.n - 1 }, kk;
	struct span ks, n;
	size_t i = 0;
	uint8_t top;

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
	for (top = n.p[i]; !(top & 0x80); top <<= 1)
		c->key_bits--;
	c->rsa_mod8 = c->key_bits % 8 == 0;
	c->key_ok = 1;
	snprintf(c->key_desc, sizeof(c->key_desc), "RSA %d", c->key_bits);
	return 0;
}

/* An elliptic curve key: only a named P-256, P-384 or P-521 is usable. */
static void
spki_ec(struct vcert *c, int ptag, struct span params)
{
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
	if (SPAN_IS(oid, OID_RSA))
		return spki_rsa(c, bits);
	if (SPAN_IS(oid, OID_EC)) {
		spki_ec(c, ptag, params);
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
	 * Those are judged by the extension rules of verify_ext.c.
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


static int
malformed(struct vcert *c)
{
	cert_bad(c, CHAIN_E_DECODE, "malformed DER");
	return -1;
}

/* TBSCertificate: version, serialNumber, signature, issuer. */
static int
tbs_head(struct vcert *c, struct der *t)
{
	struct der v;
	struct span ver, val;
	long vn;
	int r;

	if ((r = der_opt(t, 0xa0, &ver, NULL)) == -1)
		return malformed(c);
	if (r == 1) {
		v = der_of(ver);
		if (der_get(&v, 0x02, &val, NULL) == -1 || v.n != 0 ||
		    der_small_uint(val, 2, &vn) == -1)
			return malformed(c);
		c->version = (int)vn;
	}
	if (der_get(t, 0x02, &c->serial, NULL) == -1 || c->serial.n == 0)
		return malformed(c);
	if (der_get(t, 0x30, &val, &c->sigalg_in) == -1 ||
	    sig_params_parse(val, &c->sig) == -1)
		return malformed(c);
	if (der_get(t, 0x30, &c->issuer, NULL) == -1 || !name_valid(c->issuer))
		return malformed(c);
	return 0;
}

/*
 * TBSCertificate: validity, subject, subjectPublicKeyInfo; and the
 * signature's octets, checked once the subject can name the certificate.
 */
static int
tbs_subject(struct vcert *c, struct der *t, struct span sigbits)
{
	struct der v;
	struct span val, x;
	int tag;

	if (der_get(t, 0x30, &val, NULL) == -1)
		return malformed(c);
	v = der_of(val);
	if (der_next(&v, &tag, &x, NULL) == -1 ||
	    x509_time(tag, x.p, x.n, &c->not_before) == -1 ||
	    der_next(&v, &tag, &x, NULL) == -1 ||
	    x509_time(tag, x.p, x.n, &c->not_after) == -1 || v.n != 0) {
		cert_bad(c, CHAIN_E_DECODE, "a validity date that is not an "
		    "RFC 5280 UTCTime or GeneralizedTime");
		return -1;
	}
	if (der_get(t, 0x30, &c->subject, NULL) == -1 ||
	    !name_valid(c->subject))
		return malformed(c);
	name_print(c->subject, c->subj_str, sizeof(c->subj_str));
	if (sigbits.n < 2 || sigbits.p[0] != 0) {
		cert_bad(c, CHAIN_E_DECODE, "a signature that is not a whole "
		    "number of octets");
		return -1;
	}
	c->sigval.p = sigbits.p + 1;
	c->sigval.n = sigbits.n - 1;
	if (der_get(t, 0x30, &x, &c->spki) == -1 || parse_spki(c) == -1) {
		cert_bad(c, CHAIN_E_DECODE, "a public key that cannot be read");
		return -1;
	}
	return 0;
}

/* TBSCertificate: the unique identifiers and the extensions, to its end. */
static int
tbs_tail(struct vcert *c, struct der *t)
{
	struct der v;
	struct span x, exts;
	int r;

	if (der_opt(t, 0x81, &x, NULL) == -1 ||
	    der_opt(t, 0x82, &x, NULL) == -1)
		return malformed(c);
	if ((r = der_opt(t, 0xa3, &exts, NULL)) == -1)
		return malformed(c);
	if (r == 1) {
		v = der_of(exts);
		if (der_get(&v, 0x30, &x, NULL) == -1 || v.n != 0 ||
		    parse_extensions(c, x) == -1) {
			cert_bad(c, CHAIN_E_DECODE, "a malformed extension");
			return -1;
		}
		if (c->version != 2)
			profile_err(c, "extensions in a version %d certificate",
			    c->version + 1);
	}
	if (t->n != 0)
		return malformed(c);
	return 0;
}

/* The profile rules that need more than one field (RFC 5280 4.1, 4.2). */
static void
cert_profile(struct vcert *c)
{
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
}

void
cert_parse(struct vcert *c)
{
	struct der d = der_of(c->der), t;
	struct span cert, x, val, sigbits;

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
	    der_get(&d, 0x03, &sigbits, NULL) == -1 || d.n != 0) {
		malformed(c);
		return;
	}
	t = der_of(x);
	if (tbs_head(c, &t) == -1 || tbs_subject(c, &t, sigbits) == -1 ||
	    tbs_tail(c, &t) == -1)
		return;
	cert_profile(c);
	c->self_issued = name_eq(c->issuer, c->subject);
	/* last, so that a refusal can name a key type outside the policy */
	if (wolf_gate(c) == -1 && c->key == AK_OTHER) {
		char w[sizeof(c->why)];

		snprintf(w, sizeof(w), "%s", c->why);
		cert_bad(c, CHAIN_E_KEY_TYPE, "a %s key; the policy allows RSA "
		    "and ECDSA only (%s)", c->key_desc, w);
	}
}
