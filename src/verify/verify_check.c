/*
 * What each certificate of a path must be: the algorithm floor, the
 * profile, the validity period (check_common); a trust anchor's CA rules;
 * a leaf's role, purpose and identity. And whether one certificate signed
 * another, asked once per pair.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../lib/x509.h"
#include "verify_int.h"

/* Did issuer sign child? Memoized; each pair is verified once. */
int
signed_by(struct vctx *x, size_t child, size_t issuer)
{
	uint8_t *m = &x->memo[child * x->n + issuer];
	const struct vcert *c = &x->c[child];

	if (*m == 0)
		*m = sig_check(&c->sig, c->tbs, c->sigval, &x->c[issuer]) == 0 ?
		    1 : 2;
	return *m == 1;
}

int
self_signed(struct vctx *x, size_t i)
{
	struct vcert *c = &x->c[i];

	if (c->self_signed < 0)
		c->self_signed = c->self_issued && signed_by(x, i, i);
	return c->self_signed;
}

/*
 * The key floor alone: a key below it makes the certificate useless, as
 * a signer too. Path building asks it of a candidate issuer before it
 * tries the signature (wolfCrypt may not even verify with such a key),
 * so that the refusal names the weak key, not a failed signature.
 */
enum chain_reason
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
			vsay(why, sizeof(why), "its key (%s) is outside the "
			    "policy, which needs RSA of whole bytes or a named "
			    "P-256, P-384 or P-521 curve", c->key_desc);
		verr_set(e, CHAIN_E_WEAK_KEY, pos, ci, "%s", why);
		return CHAIN_E_WEAK_KEY;
	}
	if (v == X509_BAD_KEY_TYPE) {
		verr_set(e, CHAIN_E_KEY_TYPE, pos, ci, "%s", why);
		return CHAIN_E_KEY_TYPE;
	}
	return CHAIN_OK;
}

/*
 * The checks every certificate of a path gets: usable at all, the
 * algorithm floor (key always; signature unless it is the anchor's own),
 * critical extensions, the profile, and the validity period.
 */
enum chain_reason
check_common(struct vctx *x, size_t ci, int pos, int anchor, struct verr *e)
{
	struct vcert *c = &x->c[ci];
	struct certinfo info;
	enum x509_verdict v;
	enum chain_reason r;
	const char *id;
	char why[200], t[32];

	if (!c->ok) {
		verr_set(e, c->bad, pos, ci, "%s", c->why);
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
		verr_set(e, CHAIN_E_WEAK_SIG, pos, ci, "%s", why);
		return CHAIN_E_WEAK_SIG;
	}
	if (v != X509_OK) {
		verr_set(e, CHAIN_E_INTERNAL, pos, ci, "%s", why);
		return CHAIN_E_INTERNAL;
	}
	if (c->crit_unknown[0] != '\0') {
		verr_set(e, CHAIN_E_CRITICAL_EXT, pos, ci, "an unknown "
		    "critical extension (OID bytes %s)", c->crit_unknown);
		return CHAIN_E_CRITICAL_EXT;
	}
	if (c->profile[0] != '\0') {
		verr_set(e, CHAIN_E_PROFILE, pos, ci, "%s", c->profile);
		return CHAIN_E_PROFILE;
	}
	/*
	 * RFC 5280 4.1.2.2: the serial MUST be positive. Revocation finds
	 * a certificate by its serial; one that other software may read as
	 * another number is not one to trust. An anchor above the leaf is
	 * the administrator's choice (old roots have such serials).
	 */
	if ((!anchor || pos == 0) && c->serial_negative) {
		verr_set(e, CHAIN_E_PROFILE, pos, ci, "a negative serial "
		    "number (RFC 5280 4.1.2.2: it must be positive)");
		return CHAIN_E_PROFILE;
	}
	if (x->now < c->not_before) {
		bwk_time_format(c->not_before, t);
		verr_set(e, CHAIN_E_NOT_YET_VALID, pos, ci, "not valid before "
		    "%s", t);
		return CHAIN_E_NOT_YET_VALID;
	}
	if (x->now > c->not_after) {
		bwk_time_format(c->not_after, t);
		verr_set(e, CHAIN_E_EXPIRED, pos, ci, "expired on %s", t);
		return CHAIN_E_EXPIRED;
	}
	return CHAIN_OK;
}

enum chain_reason
check_anchor(struct vctx *x, size_t ai, int pos, const struct vopts *o,
    struct verr *e)
{
	struct vcert *a = &x->c[ai];
	enum chain_reason r;

	if ((r = check_common(x, ai, pos, 1, e)) != CHAIN_OK)
		return r;
	if (!(a->bc && a->ca && a->bc_crit)) {
		verr_set(e, CHAIN_E_NOT_CA, pos, ai, "a trust anchor must be a "
		    "CA certificate with a critical basicConstraints cA TRUE");
		return CHAIN_E_NOT_CA;
	}
	if (a->ku && !(a->ku_bits & KU_KEY_CERT_SIGN)) {
		verr_set(e, CHAIN_E_KEY_USAGE, pos, ai, "a trust anchor whose "
		    "keyUsage lacks keyCertSign");
		return CHAIN_E_KEY_USAGE;
	}
	if (!a->ski) {
		verr_set(e, CHAIN_E_PROFILE, pos, ai, "a CA certificate "
		    "without subjectKeyIdentifier");
		return CHAIN_E_PROFILE;
	}
	if (a->self_issued && a->aki && a->aki_keyid_set &&
	    !span_eq(a->aki_keyid, a->ski_v) && self_signed(x, ai)) {
		verr_set(e, CHAIN_E_PROFILE, pos, ai, "a self-signed trust "
		    "anchor whose authorityKeyIdentifier is not its own key");
		return CHAIN_E_PROFILE;
	}
	if (!o->crl_mode && x->in->purpose == CHAIN_PURPOSE_SERVER_AUTH &&
	    a->eku && !(a->eku_server || a->eku_any)) {
		verr_set(e, CHAIN_E_EKU, pos, ai, "a trust anchor whose "
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
		verr_set(e, CHAIN_E_EKU, pos, li, "its extendedKeyUsage "
		    "includes anyExtendedKeyUsage: a server certificate from "
		    "a CA names its purposes (CA/Browser Forum BR "
		    "7.1.2.7.10)");
		return CHAIN_E_EKU;
	}
	if (c->bc && c->ca) {
		verr_set(e, CHAIN_E_CA_LEAF, pos, li, "a CA certificate "
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
		verr_set(e, CHAIN_E_EKU, pos, li, "it has no extendedKeyUsage; "
		    "a server certificate from a CA must list serverAuth "
		    "(CA/Browser Forum BR 7.1.2.7.10)");
		return CHAIN_E_EKU;
	}
	if (c->san && c->san_crit && c->subject.n > 0) {
		verr_set(e, CHAIN_E_PROFILE, pos, li, "a critical "
		    "subjectAltName with a non-empty subject (RFC 5280 "
		    "4.2.1.6, CA/Browser Forum BR 7.1.2.7.12)");
		return CHAIN_E_PROFILE;
	}
	return CHAIN_OK;
}

/* Leaf-only rules: the role of an end entity, purpose, identity. */
enum chain_reason
check_leaf(struct vctx *x, size_t li, int pos, const struct vopts *o,
    struct verr *e)
{
	const struct vcert *c = &x->c[li];
	int server = x->in->purpose == CHAIN_PURPOSE_SERVER_AUTH;
	enum chain_reason r;
	char why[320];

	if (c->nc && !(c->bc && c->ca)) {
		verr_set(e, CHAIN_E_PROFILE, pos, li, "nameConstraints in an "
		    "end-entity certificate");
		return CHAIN_E_PROFILE;
	}
	if (c->bc && c->ca && c->ku && !(c->ku_bits & KU_KEY_CERT_SIGN)) {
		verr_set(e, CHAIN_E_PROFILE, pos, li, "basicConstraints cA "
		    "TRUE but no keyCertSign: neither a CA nor an end entity");
		return CHAIN_E_PROFILE;
	}
	if (o->crl_mode)
		return CHAIN_OK;
	if (server) {
		if (c->eku && !c->eku_server) {
			verr_set(e, CHAIN_E_EKU, pos, li, "its "
			    "extendedKeyUsage does not include serverAuth%s",
			    c->eku_any ? " (anyExtendedKeyUsage alone is not "
			    "accepted)" : "");
			return CHAIN_E_EKU;
		}
		if ((r = check_server_leaf(c, pos, li, e)) != CHAIN_OK)
			return r;
		if (c->ku && !(c->ku_bits & KU_DIGITAL_SIGNATURE)) {
			verr_set(e, CHAIN_E_KEY_USAGE, pos, li, "its keyUsage "
			    "lacks digitalSignature, which ECDHE needs");
			return CHAIN_E_KEY_USAGE;
		}
	}
	if ((r = name_check_identity(c->san, c->san_v, x->in, why,
	    sizeof(why))) != CHAIN_OK ||
	    (server && !c->is_anchor && (r = name_check_cn(c->subject, c->san,
	    c->san_v, why, sizeof(why))) != CHAIN_OK)) {
		verr_set(e, r, pos, li, "%s", why);
		return r;
	}
	return CHAIN_OK;
}
