/*
 * The extensions of one certificate (RFC 5280 4.2): each read in full
 * into struct vcert, malformed ones refused, and what breaks the profile
 * without making the certificate unreadable noted for later (profile_err):
 * it is refused only when it is used in a path.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "verify_int.h"

void
profile_err(struct vcert *c, const char *fmt, ...)
{
	va_list ap;

	if (c->profile[0] != '\0')
		return;		/* the first problem is the one reported */
	va_start(ap, fmt);
	vsnprintf(c->profile, sizeof(c->profile), fmt, ap);
	va_end(ap);
}

static int
ext_bc(struct vcert *c, int crit, struct span v)
{
	struct der d = der_of(v), s;
	struct span in, x;

	c->bc_crit = crit;
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
ext_eku(struct vcert *c, int crit, struct span v)
{
	struct der d = der_of(v), s;
	struct span in, oid;

	c->eku_crit = crit;
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
ext_nc(struct vcert *c, int crit, struct span v)
{
	struct der d = der_of(v), s;
	struct span in;
	int r;

	c->nc_crit = crit;
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
ext_cp(struct vcert *c, int crit, struct span v)
{
	struct der d = der_of(v), s, pi, t;
	struct span in, info, oid, q, oid2, info2;

	(void)crit;
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
ext_pm(struct vcert *c, int crit, struct span v)
{
	struct der d = der_of(v), s, m;
	struct span in, map, a, b;

	(void)crit;
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
ext_pc(struct vcert *c, int crit, struct span v)
{
	struct der d = der_of(v), s;
	struct span in, x;
	int r;

	(void)crit;
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
ext_aki(struct vcert *c, int crit, struct span v)
{
	struct der d = der_of(v), s;
	struct span in, x;
	int r1, r2, r3;

	c->aki_crit = crit;
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
ext_aia(struct vcert *c, int crit, struct span v)
{
	struct der d = der_of(v), s, ad;
	struct span in, desc, oid, gv;
	int tag;

	c->aia_crit = crit;
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
ext_crldp(struct vcert *c, int crit, struct span v)
{
	struct der d = der_of(v), s, dp;
	struct span in, one, x;

	(void)crit;
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

static int
ext_ku(struct vcert *c, int crit, struct span v)
{
	struct der d = der_of(v);
	struct span x;

	(void)crit;
	if (der_get(&d, 0x03, &x, NULL) == -1 || d.n != 0 ||
	    der_bits(x, &c->ku_bits) == -1)
		return -1;
	c->ku = 1;
	if (c->ku_bits == 0)
		profile_err(c, "a keyUsage with no bit set");
	return 0;
}

static int
ext_san(struct vcert *c, int crit, struct span v)
{
	struct der d = der_of(v);
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
		profile_err(c, "more than %d subjectAltNames", MAX_SAN_NAMES);
	return 0;
}

static int
ext_ian(struct vcert *c, int crit, struct span v)
{
	struct der d = der_of(v);
	struct span x;

	(void)c;
	(void)crit;
	if (der_get(&d, 0x30, &x, NULL) == -1 || d.n != 0 ||
	    !general_names_valid(x, NULL))
		return -1;
	return 0;
}

static int
ext_iap(struct vcert *c, int crit, struct span v)
{
	struct der d = der_of(v);
	struct span x;

	(void)crit;
	if (der_get(&d, 0x02, &x, NULL) == -1 || d.n != 0 ||
	    der_small_uint(x, 1000000, &c->iap_skip) == -1)
		return -1;
	return 0;
}

static int
ext_ski(struct vcert *c, int crit, struct span v)
{
	struct der d = der_of(v);

	if (der_get(&d, 0x04, &c->ski_v, NULL) == -1 || d.n != 0)
		return -1;
	c->ski = 1;
	c->ski_crit = crit;
	return 0;
}

/* Known and not used, so never critical (RFC 5280 4.2.1.15, 4.2.2.2). */
static int
ext_freshest(struct vcert *c, int crit, struct span v)
{
	(void)v;
	if (crit)
		profile_err(c, "a critical freshestCRL extension");
	return 0;
}

static int
ext_sia(struct vcert *c, int crit, struct span v)
{
	(void)v;
	if (crit)
		profile_err(c, "a critical subjectInfoAccess extension");
	return 0;
}

/* The extensions this verifier reads; any other may not be critical. */
static const struct {
	const uint8_t	*oid;
	size_t		 len;
	int		(*parse)(struct vcert *, int crit, struct span v);
} ext_parsers[] = {
	{ OID_BC, sizeof(OID_BC), ext_bc },
	{ OID_KU, sizeof(OID_KU), ext_ku },
	{ OID_EKU, sizeof(OID_EKU), ext_eku },
	{ OID_SAN, sizeof(OID_SAN), ext_san },
	{ OID_IAN, sizeof(OID_IAN), ext_ian },
	{ OID_NC, sizeof(OID_NC), ext_nc },
	{ OID_CP, sizeof(OID_CP), ext_cp },
	{ OID_PM, sizeof(OID_PM), ext_pm },
	{ OID_PC, sizeof(OID_PC), ext_pc },
	{ OID_IAP, sizeof(OID_IAP), ext_iap },
	{ OID_AKI, sizeof(OID_AKI), ext_aki },
	{ OID_SKI, sizeof(OID_SKI), ext_ski },
	{ OID_AIA, sizeof(OID_AIA), ext_aia },
	{ OID_CRLDP, sizeof(OID_CRLDP), ext_crldp },
	{ OID_FRESHEST, sizeof(OID_FRESHEST), ext_freshest },
	{ OID_SIA, sizeof(OID_SIA), ext_sia },
};

/* One extension. -1: malformed (the certificate is not used). */
static int
parse_ext(struct vcert *c, struct span oid, int crit, struct span v)
{
	size_t i, left = sizeof(c->crit_unknown);
	char *o = c->crit_unknown;

	for (i = 0; i < sizeof(ext_parsers) / sizeof(ext_parsers[0]); i++)
		if (span_is(oid, ext_parsers[i].oid, ext_parsers[i].len))
			return ext_parsers[i].parse(c, crit, v);
	/* the first unknown critical one, as OID bytes for the refusal */
	if (!crit || c->crit_unknown[0] != '\0')
		return 0;
	for (i = 0; i < oid.n && left > 3; i++) {
		snprintf(o, left, "%02x", oid.p[i]);
		o += 2;
		left -= 2;
	}
	return 0;
}

int
ext_next(struct der *d, struct span *oid, int *crit, struct span *val)
{
	struct der e;
	struct span ext, critv;

	*crit = 0;
	if (der_get(d, 0x30, &ext, NULL) == -1)
		return -1;
	e = der_of(ext);
	if (der_get(&e, 0x06, oid, NULL) == -1)
		return -1;
	if (e.n > 0 && e.p[0] == 0x01 && (der_get(&e, 0x01, &critv,
	    NULL) == -1 || der_bool(critv, crit) == -1))
		return -1;
	if (der_get(&e, 0x04, val, NULL) == -1 || e.n != 0)
		return -1;
	return 0;
}

/* How many extensions of exts have extnID oid; -1 when malformed. */
static int
ext_count(struct span exts, struct span oid)
{
	struct der all = der_of(exts), e;
	struct span seen, oid2;
	int n = 0;

	while (all.n > 0) {
		if (der_get(&all, 0x30, &seen, NULL) == -1)
			return -1;
		e = der_of(seen);
		if (der_get(&e, 0x06, &oid2, NULL) == -1)
			return -1;
		n += span_eq(oid, oid2);
	}
	return n;
}

int
parse_extensions(struct vcert *c, struct span exts)
{
	struct der d = der_of(exts);
	struct span oid, val;
	int crit, n;

	if (exts.n == 0)
		return -1;	/* SIZE (1..MAX) */
	while (d.n > 0) {
		if (ext_next(&d, &oid, &crit, &val) == -1)
			return -1;
		/* RFC 5280 4.2: no extension more than once */
		if ((n = ext_count(exts, oid)) == -1)
			return -1;
		if (n > 1)
			profile_err(c, "an extension that appears twice");
		if (parse_ext(c, oid, crit, val) == -1)
			return -1;
	}
	return 0;
}
