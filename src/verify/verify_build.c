/*
 * Path building: from the target up to a trust anchor, trying every
 * certificate whose subject names its issuer (anchors first, matching key
 * identifiers first), within BUILD_WORK candidates in all. Each complete
 * path is validated; when none is accepted, the refusal is the most
 * telling one met on the way.
 */
#include <stdlib.h>
#include <string.h>

#include "verify_int.h"


struct bstate {
	const struct vopts *o;
	size_t		 path[CHAIN_MAX_PATH];
	size_t		 len;
	uint8_t		*on;		/* x->n flags: in path[0 .. len - 1] */
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

static void
path_push(struct bstate *b, size_t k)
{
	b->path[b->len++] = k;
	b->on[k] = 1;
}

static void
path_pop(struct bstate *b)
{
	b->on[b->path[--b->len]] = 0;
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

/* The path reached an anchor: validate it; 1 when it is accepted. */
static int
at_anchor(struct vctx *x, struct bstate *b, size_t cur)
{
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

/* Each row of x->cand holds certificate numbers; see chain_verify(). */
_Static_assert(CHAIN_MAX_INPUT < UINT16_MAX, "x->cand rows need wider entries");

/*
 * Is x->c[k] a candidate issuer of x->c[cur] in this pass? Anchors come
 * before intermediates, and within each, those whose
 * subjectKeyIdentifier matches cur's authorityKeyIdentifier first. One
 * that cannot be decoded is listed in the first pass that meets it, so
 * that a refusal can name it.
 */
static int
candidate(const struct vctx *x, size_t cur, size_t k, int pass)
{
	const struct vcert *c = &x->c[cur], *s = &x->c[k];
	int want_anchor = pass < 2, want_kid = pass % 2 == 0, kid;

	if (s->is_anchor != want_anchor || k == x->leaf ||
	    !name_eq(c->issuer, s->subject))
		return 0;
	if (!s->ok)
		return want_kid;
	kid = c->aki_keyid_set && s->ski && span_eq(c->aki_keyid, s->ski_v);
	return kid == want_kid;
}

/*
 * The candidate issuers of x->c[cur], in the order they are tried: built
 * once for each certificate, since a search among many certificates of
 * one name reaches the same certificate at every depth, up to BUILD_WORK
 * times, and would otherwise compare every pair of names each time.
 */
static const uint16_t *
candidates(struct vctx *x, size_t cur, size_t *n)
{
	uint16_t *row = &x->cand[cur * x->n];
	size_t k, len = 0;
	int pass;

	if (x->ncand[cur] == 0) {
		for (pass = 0; pass < 4; pass++)
			for (k = 0; k < x->n; k++)
				if (candidate(x, cur, k, pass))
					row[len++] = (uint16_t)k;
		x->ncand[cur] = (uint16_t)(len + 1);
	}
	*n = x->ncand[cur] - 1;
	return row;
}

static int extend(struct vctx *, struct bstate *);

/*
 * Tries x->c[k] as the issuer of x->c[cur]: 1 a path was accepted, -1
 * the work limit was hit, 0 go on with the next candidate.
 */
static int
try_issuer(struct vctx *x, struct bstate *b, size_t cur, size_t k)
{
	const struct vcert *s = &x->c[k];
	struct verr we;
	int r;

	if (--x->work < 0) {
		b->limit_hit = 1;
		return -1;
	}
	if (!s->is_anchor && !s->self_issued &&
	    logical_depth(x, b) + 1 > x->max_depth) {
		b->depth_hit = 1;
		return 0;
	}
	/* any path through it would be refused for its key */
	if (check_key(s, k, (int)b->len, &we) != CHAIN_OK) {
		if (!b->weak_set) {
			b->weak = we;
			b->weak_set = 1;
		}
		return 0;
	}
	if (!signed_by(x, cur, k)) {
		if (!b->sig_fail) {
			b->sig_fail = 1;
			b->sig_fail_cert = cur;
			b->sig_fail_pos = (int)b->len - 1;
		}
		return 0;
	}
	path_push(b, k);
	r = extend(x, b);
	path_pop(b);
	return r;
}

/* Extends the path by one issuer, depth first: 1 accepted, -1 limit. */
static int
extend(struct vctx *x, struct bstate *b)
{
	size_t cur = b->path[b->len - 1], i, n;
	const struct vcert *c = &x->c[cur];
	const uint16_t *cand;
	int any = 0, r;

	if (c->is_anchor && (b->len > 1 || b->o->crl_mode))
		return at_anchor(x, b, cur);
	if (b->len >= CHAIN_MAX_PATH) {
		b->depth_hit = 1;
		return 0;
	}
	cand = candidates(x, cur, &n);
	for (i = 0; i < n; i++) {
		size_t k = cand[i];

		if (b->on[k])
			continue;
		if (!x->c[k].ok) {
			if (!b->unusable_set) {
				b->unusable_set = 1;
				b->unusable_cert = k;
				b->unusable_pos = (int)b->len;
			}
			continue;
		}
		any = 1;
		if ((r = try_issuer(x, b, cur, k)) != 0)
			return r;
	}
	/* a dead end: the deepest one names the certificate without issuer */
	if (!any && (!b->dead_set || (int)b->len - 1 > b->dead_pos)) {
		b->dead_set = 1;
		b->dead_cert = cur;
		b->dead_pos = (int)b->len - 1;
	}
	return 0;
}

enum chain_reason
path_build(struct vctx *x, size_t target, const struct vopts *o, struct verr *e)
{
	struct bstate *b;
	enum chain_reason r;

	if ((b = calloc(1, sizeof(*b))) == NULL ||
	    (b->on = calloc(x->n, 1)) == NULL) {
		free(b);
		verr_set(e, CHAIN_E_INTERNAL, -1, target, "out of memory");
		return CHAIN_E_INTERNAL;
	}
	b->o = o;
	path_push(b, target);
	extend(x, b);
	if (b->found)
		r = CHAIN_OK;
	else if (b->have_err) {
		*e = b->err;
		r = e->r;
	} else if (b->limit_hit) {
		verr_set(e, CHAIN_E_LIMIT, -1, target, "path building tried "
		    "more than %d candidate issuers", BUILD_WORK);
		r = CHAIN_E_LIMIT;
	} else if (b->weak_set) {
		*e = b->weak;
		r = e->r;
	} else if (b->sig_fail) {
		verr_set(e, CHAIN_E_SIGNATURE, b->sig_fail_pos,
		    b->sig_fail_cert, "its signature does not verify with the "
		    "key of any certificate named as its issuer");
		r = CHAIN_E_SIGNATURE;
	} else if (b->unusable_set) {
		const struct vcert *u = &x->c[b->unusable_cert];

		verr_set(e, u->bad, b->unusable_pos, b->unusable_cert, "%s",
		    u->why);
		r = u->bad;
	} else if (b->depth_hit) {
		verr_set(e, CHAIN_E_PATHLEN, -1, target, "no path within the "
		    "depth limit of %ld intermediates", x->max_depth);
		r = CHAIN_E_PATHLEN;
	} else {
		size_t d = b->dead_set ? b->dead_cert : target;

		verr_set(e, CHAIN_E_NO_ISSUER, b->dead_set ? b->dead_pos : 0, d,
		    "%s", x->c[d].self_issued && self_signed(x, d) ?
		    "a self-signed certificate that is not a trust anchor" :
		    "its issuer is neither a trust anchor nor among the "
		    "intermediates given");
		r = CHAIN_E_NO_ISSUER;
	}
	free(b->on);
	free(b);
	return r;
}
