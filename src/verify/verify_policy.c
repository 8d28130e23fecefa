/*
 * Certificate policies (RFC 5280 6.1.2 (a), 6.1.3 (d)-(f), 6.1.4 (a)-(b),
 * (h)-(j), 6.1.5 (g)): the valid_policy_tree, with at most POL_MAX_NODES
 * nodes (beyond that the chain is refused, never cut short).
 */
#include <string.h>

#include "verify_int.h"

int
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

int
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

int
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
int
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

/* 6.1.4 (a): anyPolicy may be neither mapped nor mapped to. */
static int
pm_no_any(const struct vcert *c, char *why, size_t whylen)
{
	struct der d = der_of(c->pm_v), m;
	struct span map, a, b;

	while (d.n > 0) {
		if (der_get(&d, 0x30, &map, NULL) == -1)
			return -1;
		m = der_of(map);
		if (der_get(&m, 0x06, &a, NULL) == -1 ||
		    der_get(&m, 0x06, &b, NULL) == -1)
			return -1;
		if (SPAN_IS(a, OID_ANY_POLICY) || SPAN_IS(b, OID_ANY_POLICY)) {
			vsay(why, whylen, "a policy mapping to or from "
			    "anyPolicy");
			return -1;
		}
	}
	return 0;
}

/*
 * The subjectDomainPolicies that issuerDomainPolicy a (of the mapping
 * element at map) maps to, into mapped. 1 when an earlier element maps
 * a too (it did the work), 0 when this is the first, -1 when t is full.
 */
static int
pm_mapped(struct ptree *t, const struct vcert *c, struct span map,
    struct span a, uint32_t *mapped)
{
	struct der e = der_of(c->pm_v), m2;
	struct span map2, a2, b2;
	int earlier = 0, idb;

	memset(mapped, 0, POL_SET_WORDS * sizeof(mapped[0]));
	while (e.n > 0) {
		der_get(&e, 0x30, &map2, NULL);
		m2 = der_of(map2);
		der_get(&m2, 0x06, &a2, NULL);
		der_get(&m2, 0x06, &b2, NULL);
		if (!span_eq(a, a2))
			continue;
		if (map2.p < map.p)
			earlier = 1;
		if ((idb = pol_oid(t, b2)) < 0)
			return -1;
		set_add(mapped, idb);
	}
	return earlier;
}

/* 6.1.4 (b): the nodes of depth i with valid_policy ida, mapped. */
static int
pm_apply(struct ptree *t, int i, int ida, const uint32_t *mapped,
    int policy_mapping)
{
	int j, k, found = 0, any_node = -1;

	for (j = 0; j < t->n; j++) {
		if (!t->nd[j].alive || t->nd[j].depth != i)
			continue;
		if (t->nd[j].valid == ida) {
			found = 1;
			if (policy_mapping > 0)
				memcpy(t->nd[j].expected, mapped,
				    POL_SET_WORDS * sizeof(mapped[0]));
			else
				pol_kill_subtree(t, j);
		} else if (t->nd[j].valid == 0)
			any_node = j;
	}
	if (policy_mapping > 0 && !found && any_node >= 0) {
		if ((k = pol_add(t, i, t->nd[any_node].parent, ida)) < 0)
			return -1;
		memcpy(t->nd[k].expected, mapped,
		    POL_SET_WORDS * sizeof(mapped[0]));
	}
	return 0;
}

/* 6.1.4 (a)-(b): policy mappings of certificate i. */
int
pol_map(struct ptree *t, const struct vcert *c, int i, int policy_mapping,
    char *why, size_t whylen)
{
	struct der d, m;
	struct span map, a;
	uint32_t mapped[POL_SET_WORDS];
	int ida, r;

	if (pm_no_any(c, why, whylen) == -1)
		return -1;
	/* well formed: ext_pm() read every element with the certificate */
	d = der_of(c->pm_v);
	while (d.n > 0) {
		der_get(&d, 0x30, &map, NULL);
		m = der_of(map);
		der_get(&m, 0x06, &a, NULL);
		if ((ida = pol_oid(t, a)) < 0 ||
		    (r = pm_mapped(t, c, map, a, mapped)) == -1)
			return -1;
		if (r == 0 && pm_apply(t, i, ida, mapped, policy_mapping) == -1)
			return -1;
	}
	if (policy_mapping == 0)
		pol_prune(t, i - 1);
	return 0;
}

/* 6.1.5 (g): intersection with the user-initial-policy-set. */
void
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
