/*
 * Revocation of one certificate of a path (RFC 5280 6.3.3): its
 * distribution points, the CRLs whose issuer and scope match them, their
 * signers on a path to the same anchor, delta CRLs, and the reasons
 * covered. Without a current CRL for every reason the status is unknown,
 * and the chain is refused.
 */
#include <string.h>

#include "verify_int.h"

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
		    path_build(x, s, &o, &e) == CHAIN_OK)
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

/* What the CRLs have said of path[k] so far (RFC 5280 6.3.2). */
struct rstate {
	struct vctx	*x;
	const size_t	*path;
	size_t		 len, k;
	int		 rec;		/* CRL-signer recursion depth */
	const struct vcert *c;		/* path[k] */
	unsigned	 mask;		/* reasons_mask */
	int		 ku_fail;	/* a signer without cRLSign was met */
	int		 stale;		/* a CRL that is not current was met */
	int		 revoked;
	int		 reason;	/* CRLReason, when revoked */
};

/* 6.3.3 (b): r is from the issuer dp names and has dp's scope. */
static int
crl_in_scope(const struct vcrl *r, const struct vcert *c,
    const struct dpoint *dp, struct span dp_base)
{
	/* (b)(1) the issuer */
	if (dp->has_issuer) {
		if (!r->indirect || !gns_has_dn(dp->issuer, r->issuer))
			return 0;
	} else if (!name_eq(r->issuer, c->issuer))
		return 0;
	/* (b)(2) the scope */
	if (r->idp_dp_tag != 0) {
		if (dp->name_tag != 0) {
			if (!dpn_match(r->idp_dp_tag, r->idp_dp, r->issuer,
			    dp->name_tag, dp->name, dp_base))
				return 0;
		} else if (!dp->has_issuer || !dpn_match(r->idp_dp_tag,
		    r->idp_dp, r->issuer, 0xa0, dp->issuer, dp_base))
			return 0;
	}
	if ((r->only_user && c->bc && c->ca) ||
	    (r->only_ca && !(c->bc && c->ca)) || r->only_attr)
		return 0;
	return 1;
}

/*
 * 6.3.3 (c), (h)-(i): a current delta CRL for the complete CRL r that
 * lists the certificate decides: 1 with its reason in *rs, else 0.
 */
static int
delta_lookup(struct rstate *s, const struct vcrl *r, int *rs)
{
	struct vctx *x = s->x;
	size_t di;

	for (di = 0; di < x->ncrl; di++) {
		struct vcrl *d = &x->crl[di];

		if (!d->ok || !d->is_delta || !name_eq(d->issuer, r->issuer) ||
		    d->idp != r->idp || (d->idp && !span_eq(d->idp_v,
		    r->idp_v)) || int_cmp(d->base_number, r->number) > 0 ||
		    int_cmp(d->number, r->number) <= 0)
			continue;
		if (!crl_current(x, d) || !crl_signer_ok(x, d, s->path, s->len,
		    s->k, s->rec, &s->ku_fail)) {
			s->stale = 1;
			continue;
		}
		if (crl_lookup(d, s->c->serial, s->c->issuer, rs))
			return 1;
	}
	return 0;
}

/* 6.3.3 (c)-(i) with the complete CRL r, its deltas first. */
static void
crl_apply(struct rstate *s, struct vcrl *r, unsigned interim)
{
	int rs = 0, listed;

	listed = delta_lookup(s, r, &rs) ||
	    crl_lookup(r, s->c->serial, s->c->issuer, &rs);
	/* removeFromCRL in a delta lifts a hold */
	if (listed && rs != REASON_REMOVE) {
		s->revoked = 1;
		s->reason = rs;
	}
	s->mask |= interim;
}

/* 6.3.3 for one distribution point of the certificate. */
static void
dp_check(struct rstate *s, const struct dpoint *dp)
{
	struct vctx *x = s->x;
	struct span dp_base = s->c->issuer;
	size_t ci;

	if (dp->has_issuer) {
		dp_base = gns_first_dn(dp->issuer);
		if (dp_base.p == NULL)
			return;
	}
	for (ci = 0; ci < x->ncrl && s->mask != REASONS_ALL; ci++) {
		struct vcrl *r = &x->crl[ci];
		unsigned interim;

		if (!r->ok || r->is_delta || !crl_in_scope(r, s->c, dp,
		    dp_base))
			continue;
		/* (d)-(e) reasons */
		interim = (r->only_reasons ? r->only_reasons & REASONS_ALL :
		    REASONS_ALL) & dp->reasons;
		if ((interim & ~s->mask) == 0)
			continue;
		if (!crl_current(x, r)) {
			s->stale = 1;
			continue;
		}
		/* (f)-(g) a signer on a path to the same anchor */
		if (!crl_signer_ok(x, r, s->path, s->len, s->k, s->rec,
		    &s->ku_fail))
			continue;
		crl_apply(s, r, interim);
		if (s->revoked)
			break;
	}
}

/* 6.3.3 (k)-(l): revoked, or every reason covered, or unknown. */
static enum chain_reason
revocation_verdict(const struct rstate *s, struct verr *e)
{
	static const char *names[] = { "unspecified", "keyCompromise",
	    "cACompromise", "affiliationChanged", "superseded",
	    "cessationOfOperation", "certificateHold", "?", "removeFromCRL",
	    "privilegeWithdrawn", "aACompromise" };
	size_t ci = s->path[s->k];
	char why[160] = "";

	if (s->revoked) {
		verr_set(e, CHAIN_E_REVOKED, (int)s->k, ci, "revoked (%s)",
		    s->reason >= 0 && s->reason <= 10 ? names[s->reason] : "?");
		return CHAIN_E_REVOKED;
	}
	if (s->mask != REASONS_ALL) {
		if (s->ku_fail)
			vsay(why, sizeof(why), "; its issuer's CRL signer "
			    "lacks cRLSign");
		else if (s->stale)
			vsay(why, sizeof(why), "; a CRL was found but is not "
			    "current");
		verr_set(e, CHAIN_E_CRL_UNKNOWN, (int)s->k, ci, "no current, "
		    "valid CRL covers it%s", why);
		return CHAIN_E_CRL_UNKNOWN;
	}
	return CHAIN_OK;
}

/* RFC 5280 6.3.3 for path[k]. */
enum chain_reason
check_revocation(struct vctx *x, const size_t *path, size_t len, size_t k,
    int rec, struct verr *e)
{
	struct rstate s;
	struct dpoint dps[8];
	int ndp, i;

	memset(&s, 0, sizeof(s));
	s.x = x;
	s.path = path;
	s.len = len;
	s.k = k;
	s.rec = rec;
	s.c = &x->c[path[k]];
	if ((ndp = cert_dpoints(s.c, dps, 8)) < 0) {
		verr_set(e, CHAIN_E_PROFILE, (int)k, path[k], "a malformed "
		    "cRLDistributionPoints");
		return CHAIN_E_PROFILE;
	}
	for (i = 0; i < ndp && s.mask != REASONS_ALL && !s.revoked; i++)
		dp_check(&s, &dps[i]);
	return revocation_verdict(&s, e);
}
