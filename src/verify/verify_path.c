/*
 * The RFC 5280 6.1 loop over one candidate path, from the anchor down to
 * the target: basic certificate processing (6.1.3), preparation for the
 * next certificate (6.1.4), and the wrap-up (6.1.5).
 */
#include <string.h>

#include "verify_int.h"

enum chain_reason
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
			verr_set(e, CHAIN_E_PROFILE, pos, ci, "no "
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
					verr_set(e, CHAIN_E_NAME_CONSTRAINT, pos,
					    ci, "%s", why);
					return CHAIN_E_NAME_CONSTRAINT;
				}
				if (rv == 2) {
					verr_set(e, CHAIN_E_LIMIT, pos, ci, "more "
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
				verr_set(e, CHAIN_E_POLICY, pos, ci, "no valid "
				    "certificate policy at this certificate, "
				    "and an explicit policy is required");
				return CHAIN_E_POLICY;
			}
		}
		if (leaf)
			break;
		/* 6.1.4: preparation for the next certificate */
		if (!(c->bc && c->ca)) {
			verr_set(e, CHAIN_E_NOT_CA, pos, ci, "it issued a "
			    "certificate but is not a CA (basicConstraints cA "
			    "is not TRUE)");
			return CHAIN_E_NOT_CA;
		}
		if (c->subject.n == 0) {
			verr_set(e, CHAIN_E_PROFILE, pos, ci, "a CA certificate "
			    "with an empty subject");
			return CHAIN_E_PROFILE;
		}
		if (!c->ski) {
			verr_set(e, CHAIN_E_PROFILE, pos, ci, "a CA certificate "
			    "without subjectKeyIdentifier");
			return CHAIN_E_PROFILE;
		}
		if (!c->self_issued) {
			if (max_path <= 0) {
				verr_set(e, CHAIN_E_PATHLEN, pos, ci, "a CA above "
				    "it allows no further intermediate CA "
				    "(pathLenConstraint)");
				return CHAIN_E_PATHLEN;
			}
			max_path--;
		}
		if (c->pathlen >= 0 && c->pathlen < max_path)
			max_path = c->pathlen;
		if (c->ku && !(c->ku_bits & KU_KEY_CERT_SIGN)) {
			verr_set(e, CHAIN_E_KEY_USAGE, pos, ci, "it issued a "
			    "certificate but its keyUsage lacks keyCertSign");
			return CHAIN_E_KEY_USAGE;
		}
		if (!o->crl_mode && in->purpose == CHAIN_PURPOSE_SERVER_AUTH &&
		    c->eku && !(c->eku_server || c->eku_any)) {
			verr_set(e, CHAIN_E_EKU, pos, ci, "a CA whose "
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
				verr_set(e, CHAIN_E_POLICY, pos, ci, "%s", why);
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
		verr_set(e, CHAIN_E_POLICY, 0, path[0], "no certificate policy "
		    "of the path is acceptable (user policy set%s)",
		    x->nupol ? " given with --cert-policy" : ": anyPolicy");
		return CHAIN_E_POLICY;
	}
	return CHAIN_OK;
policy_limit:
	verr_set(e, CHAIN_E_LIMIT, 0, path[0], "the policy tree grew past %d "
	    "nodes", POL_MAX_NODES);
	return CHAIN_E_LIMIT;
}
