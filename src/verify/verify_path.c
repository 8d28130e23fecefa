/*
 * The RFC 5280 6.1 loop over one candidate path, from the anchor down to
 * the target: initialization (6.1.2), basic certificate processing
 * (6.1.3), preparation for the next certificate (6.1.4), and the wrap-up
 * (6.1.5). Each step returns the first refusal it meets, so the reason
 * names the certificate that broke the rule.
 */
#include <string.h>

#include "verify_int.h"

/* The state variables of RFC 5280 6.1.2 that run down one path. */
struct vstate {
	const struct vcert *ncs[CHAIN_MAX_PATH];	/* CAs with NC */
	size_t		 nnc;
	size_t		 n;		/* certificates below the anchor */
	long		 max_path;	/* (k): intermediates still allowed */
	long		 ncwork;	/* name x subtree comparisons left */
	long		 explicit_policy;	/* (d) */
	long		 inhibit_any;		/* (e) */
	long		 policy_mapping;	/* (f) */
};

static enum chain_reason
policy_limit(const size_t *path, struct verr *e)
{
	verr_set(e, CHAIN_E_LIMIT, 0, path[0], "the policy tree grew past %d "
	    "nodes", POL_MAX_NODES);
	return CHAIN_E_LIMIT;
}

/* 6.1.2: the anchor's own rules and what it hands down, an empty tree. */
static enum chain_reason
path_init(struct vctx *x, const size_t *path, size_t len,
    const struct vopts *o, struct vstate *st, struct verr *e)
{
	const struct chain_input *in = x->in;
	size_t ai = path[len - 1];
	struct ptree *t = &x->pt;
	enum chain_reason r;

	memset(st, 0, sizeof(*st));
	st->n = len - 1;
	st->max_path = (long)st->n;
	st->ncwork = MAX_NC_WORK;
	if ((r = check_anchor(x, ai, (int)st->n, o, e)) != CHAIN_OK)
		return r;
	if (x->c[ai].pathlen >= 0 && x->c[ai].pathlen < st->max_path)
		st->max_path = x->c[ai].pathlen;
	if ((r = nc_add(x, ai, (int)st->n, st->ncs, &st->nnc, e)) != CHAIN_OK)
		return r;
	st->explicit_policy = in->explicit_policy ? 0 : (long)st->n + 1;
	st->inhibit_any = in->inhibit_any_policy ? 0 : (long)st->n + 1;
	st->policy_mapping = in->inhibit_policy_mapping ? 0 : (long)st->n + 1;
	t->n = 0;
	t->noid = 0;
	t->overflow = 0;
	pol_oid(t, (struct span){ OID_ANY_POLICY, sizeof(OID_ANY_POLICY) });
	pol_add(t, 0, -1, 0);
	return CHAIN_OK;
}

/* 6.1.3 (b)-(c): the names of c against every constraint above it. */
static enum chain_reason
names_step(struct vstate *st, const struct vcert *c, size_t ci, int pos,
    struct verr *e)
{
	size_t j;
	char why[240];
	int rv;

	for (j = 0; j < st->nnc; j++) {
		rv = nc_check_cert(st->ncs[j], c, &st->ncwork, why,
		    sizeof(why));
		if (rv == 1) {
			verr_set(e, CHAIN_E_NAME_CONSTRAINT, pos, ci, "%s",
			    why);
			return CHAIN_E_NAME_CONSTRAINT;
		}
		if (rv == 2) {
			verr_set(e, CHAIN_E_LIMIT, pos, ci, "more "
			    "name-constraint checks than the limit of %ld",
			    (long)MAX_NC_WORK);
			return CHAIN_E_LIMIT;
		}
	}
	return CHAIN_OK;
}

/* 6.1.3 (d)-(f): certificate i of the path in the policy tree. */
static enum chain_reason
policy_step(struct vctx *x, struct vstate *st, const size_t *path, size_t i,
    struct verr *e)
{
	size_t k = st->n - i, ci = path[k];
	const struct vcert *c = &x->c[ci];
	struct ptree *t = &x->pt;

	if (!pol_empty(t)) {
		if (c->cp) {
			if (pol_process_cert(t, c, (int)i, (int)st->n,
			    (int)st->inhibit_any) == -1)
				return policy_limit(path, e);
		} else
			t->n = 0;
	}
	if (st->explicit_policy == 0 && pol_empty(t)) {
		verr_set(e, CHAIN_E_POLICY, (int)k, ci, "no valid certificate "
		    "policy at this certificate, and an explicit policy is "
		    "required");
		return CHAIN_E_POLICY;
	}
	return CHAIN_OK;
}

/* 6.1.3: certificate i of the path (path[n - i]), the target last. */
static enum chain_reason
process_cert(struct vctx *x, struct vstate *st, const size_t *path,
    size_t len, size_t i, const struct vopts *o, struct verr *e)
{
	size_t k = st->n - i, ci = path[k];
	const struct vcert *c = &x->c[ci];
	int pos = (int)k;
	enum chain_reason r;

	if ((r = check_common(x, ci, pos, 0, e)) != CHAIN_OK)
		return r;
	if (!c->aki && !self_signed(x, ci)) {
		verr_set(e, CHAIN_E_PROFILE, pos, ci, "no "
		    "authorityKeyIdentifier (RFC 5280 4.2.1.1)");
		return CHAIN_E_PROFILE;
	}
	if (x->in->check_revocation &&
	    (r = check_revocation(x, path, len, k, o->rec, e)) != CHAIN_OK)
		return r;
	/* (b)-(c) names, except for self-issued intermediates */
	if ((i == st->n || !c->self_issued) &&
	    (r = names_step(st, c, ci, pos, e)) != CHAIN_OK)
		return r;
	if (!o->crl_mode)
		return policy_step(x, st, path, i, e);
	return CHAIN_OK;
}

/* 6.1.4 (g), (k)-(n): c, which issued the next certificate, as a CA. */
static enum chain_reason
prepare_ca(struct vctx *x, struct vstate *st, size_t ci, int pos,
    const struct vopts *o, struct verr *e)
{
	const struct vcert *c = &x->c[ci];

	if (!(c->bc && c->ca)) {
		verr_set(e, CHAIN_E_NOT_CA, pos, ci, "it issued a certificate "
		    "but is not a CA (basicConstraints cA is not TRUE)");
		return CHAIN_E_NOT_CA;
	}
	if (c->subject.n == 0) {
		verr_set(e, CHAIN_E_PROFILE, pos, ci, "a CA certificate with "
		    "an empty subject");
		return CHAIN_E_PROFILE;
	}
	if (!c->ski) {
		verr_set(e, CHAIN_E_PROFILE, pos, ci, "a CA certificate "
		    "without subjectKeyIdentifier");
		return CHAIN_E_PROFILE;
	}
	if (!c->self_issued) {
		if (st->max_path <= 0) {
			verr_set(e, CHAIN_E_PATHLEN, pos, ci, "a CA above it "
			    "allows no further intermediate CA "
			    "(pathLenConstraint)");
			return CHAIN_E_PATHLEN;
		}
		st->max_path--;
	}
	if (c->pathlen >= 0 && c->pathlen < st->max_path)
		st->max_path = c->pathlen;
	if (c->ku && !(c->ku_bits & KU_KEY_CERT_SIGN)) {
		verr_set(e, CHAIN_E_KEY_USAGE, pos, ci, "it issued a "
		    "certificate but its keyUsage lacks keyCertSign");
		return CHAIN_E_KEY_USAGE;
	}
	if (!o->crl_mode && x->in->purpose == CHAIN_PURPOSE_SERVER_AUTH &&
	    c->eku && !(c->eku_server || c->eku_any)) {
		verr_set(e, CHAIN_E_EKU, pos, ci, "a CA whose extendedKeyUsage "
		    "excludes serverAuth");
		return CHAIN_E_EKU;
	}
	return nc_add(x, ci, pos, st->ncs, &st->nnc, e);
}

/* 6.1.4 (a)-(b), (h)-(j): c's policy mappings and policy constraints. */
static enum chain_reason
prepare_policy(struct vctx *x, struct vstate *st, const size_t *path,
    size_t i, struct verr *e)
{
	size_t k = st->n - i, ci = path[k];
	const struct vcert *c = &x->c[ci];
	struct ptree *t = &x->pt;
	char why[160] = "a malformed policyMappings";

	if (c->pm && pol_map(t, c, (int)i, (int)st->policy_mapping, why,
	    sizeof(why)) == -1) {
		if (t->overflow)
			return policy_limit(path, e);
		verr_set(e, CHAIN_E_POLICY, (int)k, ci, "%s", why);
		return CHAIN_E_POLICY;
	}
	if (!c->self_issued) {
		if (st->explicit_policy > 0)
			st->explicit_policy--;
		if (st->policy_mapping > 0)
			st->policy_mapping--;
		if (st->inhibit_any > 0)
			st->inhibit_any--;
	}
	if (c->pc_require >= 0 && c->pc_require < st->explicit_policy)
		st->explicit_policy = c->pc_require;
	if (c->pc_inhibit >= 0 && c->pc_inhibit < st->policy_mapping)
		st->policy_mapping = c->pc_inhibit;
	if (c->iap_skip >= 0 && c->iap_skip < st->inhibit_any)
		st->inhibit_any = c->iap_skip;
	return CHAIN_OK;
}

/* 6.1.5 (a)-(b), (g): the target's policy constraints, the user's set. */
static enum chain_reason
wrap_up(struct vctx *x, struct vstate *st, const size_t *path,
    struct verr *e)
{
	struct ptree *t = &x->pt;

	if (st->explicit_policy > 0)
		st->explicit_policy--;
	if (x->c[path[0]].pc_require == 0)
		st->explicit_policy = 0;
	pol_intersect(t, x->upol, x->nupol, (int)st->n);
	if (t->overflow)
		return policy_limit(path, e);
	if (st->explicit_policy == 0 && pol_empty(t)) {
		verr_set(e, CHAIN_E_POLICY, 0, path[0], "no certificate policy "
		    "of the path is acceptable (user policy set%s)",
		    x->nupol ? " given with --cert-policy" : ": anyPolicy");
		return CHAIN_E_POLICY;
	}
	return CHAIN_OK;
}

enum chain_reason
validate_path(struct vctx *x, const size_t *path, size_t len,
    const struct vopts *o, struct verr *e)
{
	struct vstate st;
	enum chain_reason r;
	size_t i;

	memcpy(x->last_path, path, len * sizeof(path[0]));
	x->last_len = len;
	if (len == 1) {
		/*
		 * The leaf is itself a trust anchor (a pinned self-signed
		 * server certificate): it issues nothing, so the CA rules for
		 * anchors do not apply; the rest does.
		 */
		if ((r = check_common(x, path[0], 0, 1, e)) != CHAIN_OK)
			return r;
		return check_leaf(x, path[0], 0, o, e);
	}
	if ((r = path_init(x, path, len, o, &st, e)) != CHAIN_OK)
		return r;
	for (i = 1; i <= st.n; i++) {
		size_t k = st.n - i;

		if ((r = process_cert(x, &st, path, len, i, o, e)) != CHAIN_OK)
			return r;
		if (i == st.n)
			break;
		if ((r = prepare_ca(x, &st, path[k], (int)k, o, e)) != CHAIN_OK)
			return r;
		if (!o->crl_mode &&
		    (r = prepare_policy(x, &st, path, i, e)) != CHAIN_OK)
			return r;
	}
	if ((r = check_leaf(x, path[0], 0, o, e)) != CHAIN_OK)
		return r;
	if (o->crl_mode)
		return CHAIN_OK;
	return wrap_up(x, &st, path, e);
}
