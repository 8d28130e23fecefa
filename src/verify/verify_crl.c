/*
 * CRLs (RFC 5280 5): each read in full; one that cannot be used for
 * revocation checking (no cRLNumber, no nextUpdate, an unknown critical
 * extension) is marked with the reason, and a lookup finds a serial with
 * its certificate issuer (indirect CRLs).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../lib/x509.h"
#include "verify_int.h"

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

/* The certificateIssuer of an entry: its first directoryName. */
static int
entry_cissuer(struct span val, struct span *cissuer, int *has_cissuer)
{
	struct der v = der_of(val), g;
	struct span x, gv;
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
	return *has_cissuer ? 0 : -1;
}

/* Entry extensions: reason and certificate issuer out; -1 unusable. */
static int
crl_entry_exts(struct span exts, int *reason, struct span *cissuer,
    int *has_cissuer)
{
	struct der d = der_of(exts), v;
	struct span oid, val, x;
	long rc;
	int crit;

	*has_cissuer = 0;
	*reason = 0;
	while (d.n > 0) {
		if (ext_next(&d, &oid, &crit, &val) == -1)
			return -1;
		if (SPAN_IS(oid, OID_REASON)) {
			v = der_of(val);
			if (der_get(&v, 0x0a, &x, NULL) == -1 || v.n != 0 ||
			    der_small_uint(x, 10, &rc) == -1 || rc == 7)
				return -1;
			*reason = (int)rc;
		} else if (SPAN_IS(oid, OID_CERTISSUER)) {
			if (entry_cissuer(val, cissuer, has_cissuer) == -1)
				return -1;
		} else if (!SPAN_IS(oid, OID_INVDATE) && crit)
			return -1;
	}
	return 0;
}

/* One crlExtension: -1 malformed (the CRL is not used). */
static int
crl_ext(struct vcrl *r, struct span oid, int crit, struct span ev)
{
	struct der v = der_of(ev);

	if (SPAN_IS(oid, OID_CRLNUM)) {
		if (der_get(&v, 0x02, &r->number, NULL) == -1 || v.n != 0 ||
		    r->number.n == 0 || r->number.n > 20 ||
		    (r->number.p[0] & 0x80))
			return -1;
		r->has_number = 1;
		if (crit)
			crl_bad(r, "a critical cRLNumber");
	} else if (SPAN_IS(oid, OID_DELTA)) {
		if (der_get(&v, 0x02, &r->base_number, NULL) == -1 ||
		    v.n != 0 || r->base_number.n == 0 ||
		    r->base_number.n > 20)
			return -1;
		r->is_delta = 1;
	} else if (SPAN_IS(oid, OID_IDP)) {
		if (crl_idp(r, ev) == -1)
			return -1;
	} else if (SPAN_IS(oid, OID_AKI) || SPAN_IS(oid, OID_IAN) ||
	    SPAN_IS(oid, OID_AIA) || SPAN_IS(oid, OID_FRESHEST)) {
		return 0;
	} else if (crit)
		crl_bad(r, "an unknown critical CRL extension");
	return 0;
}

/* crlExtensions [0] contents: -1 malformed. */
static int
crl_exts(struct vcrl *r, struct span exts)
{
	struct der e = der_of(exts);
	struct span x, oid, ev;
	int crit;

	if (der_get(&e, 0x30, &x, NULL) == -1 || e.n != 0)
		return -1;
	e = der_of(x);
	while (e.n > 0)
		if (ext_next(&e, &oid, &crit, &ev) == -1 ||
		    crl_ext(r, oid, crit, ev) == -1)
			return -1;
	return 0;
}

/* TBSCertList contents: -1 malformed. */
static int
crl_tbs(struct vcrl *r, struct der t)
{
	struct span x, val, exts;
	long vn;
	int tag, rr;

	if (t.n > 0 && t.p[0] == 0x02 && (der_get(&t, 0x02, &val, NULL) == -1 ||
	    der_small_uint(val, 1, &vn) == -1 || vn != 1))
		return -1;
	if (der_get(&t, 0x30, &val, &r->sigalg_in) == -1 ||
	    sig_params_parse(val, &r->sig) == -1 ||
	    !span_eq(r->sigalg_in, r->sigalg_out))
		return -1;
	if (der_get(&t, 0x30, &r->issuer, NULL) == -1 ||
	    !name_valid(r->issuer) || r->issuer.n == 0)
		return -1;
	if (der_next(&t, &tag, &x, NULL) == -1 ||
	    x509_time(tag, x.p, x.n, &r->this_update) == -1)
		return -1;
	if (t.n > 0 && (t.p[0] == 0x17 || t.p[0] == 0x18)) {
		if (der_next(&t, &tag, &x, NULL) == -1 ||
		    x509_time(tag, x.p, x.n, &r->next_update) == -1)
			return -1;
		r->has_next = 1;
	}
	if (der_opt(&t, 0x30, &r->revoked, NULL) == -1)
		return -1;
	if ((rr = der_opt(&t, 0xa0, &exts, NULL)) == -1 || t.n != 0)
		return -1;
	return rr == 1 ? crl_exts(r, exts) : 0;
}

/*
 * Every entry of revokedCertificates must be readable (-1 otherwise),
 * none with an unknown critical extension.
 */
static int
crl_entries(struct vcrl *r)
{
	struct der v = der_of(r->revoked), en;
	struct span ent, ser, x, ee, ci;
	int tag, reason, hci;

	while (v.n > 0) {
		if (der_get(&v, 0x30, &ent, NULL) == -1)
			return -1;
		en = der_of(ent);
		if (der_get(&en, 0x02, &ser, NULL) == -1 ||
		    der_next(&en, &tag, &x, NULL) == -1)
			return -1;
		if (en.n == 0)
			continue;
		if (der_get(&en, 0x30, &ee, NULL) == -1 || en.n != 0)
			return -1;
		if (crl_entry_exts(ee, &reason, &ci, &hci) == -1)
			crl_bad(r, "an entry with an unknown critical or "
			    "malformed extension");
		else if (hci && !r->indirect)
			crl_bad(r, "a certificateIssuer entry in a CRL that is "
			    "not indirect");
	}
	return 0;
}

void
crl_parse(struct vcrl *r)
{
	struct der d = der_of(r->der);
	struct span crl, x, val;

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
	if (crl_tbs(r, der_of(x)) == -1)
		goto bad;
	if (!r->has_number)
		crl_bad(r, "no cRLNumber");
	if (!r->has_next)
		crl_bad(r, "no nextUpdate");
	if (crl_entries(r) == -1)
		goto bad;
	return;
bad:
	r->ok = 0;
	snprintf(r->why, sizeof(r->why), "a malformed CRL");
}

/* Is serial (issued by issuer) listed? 1 yes (reason out), 0 no. */
int
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
int
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
