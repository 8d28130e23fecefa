/*
 * chain_verify(), the entry point of the path validator (see verify.h for
 * the message IDs, and verify_int.h for how the work is divided between
 * the files): the inputs read and checked, the reasons and their IDs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util.h"
#include "verify_int.h"

/* snprintf for messages; vsnprintf keeps GCC's truncation guesses quiet. */
void
vsay(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* The refusal e: its reason, path position, certificate and text. */
void
verr_set(struct verr *e, enum chain_reason r, int pos, size_t cert,
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

/* What chain_verify() refuses before it reads a certificate. */
static enum chain_reason
input_check(const struct chain_input *in, struct chain_result *res)
{
	size_t total = in->n_anchors + in->n_intermediates + 1;

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
	return CHAIN_OK;
}

/* RFC 5280 6.1.1 (c): the user-initial-policy-set, as DER contents. */
static enum chain_reason
user_policies(struct vctx *x, const struct chain_input *in,
    struct chain_result *res)
{
	size_t i;

	for (i = 0; i < in->n_policies; i++) {
		if (oid_encode(in->policies[i], x->upol_buf[i],
		    sizeof(x->upol_buf[i]), &x->upol[i].n) == -1) {
			res->reason = CHAIN_E_POLICY;
			snprintf(res->detail, sizeof(res->detail), "not an "
			    "object identifier: %.100s", in->policies[i]);
			return res->reason;
		}
		x->upol[i].p = x->upol_buf[i];
		/* anyPolicy in the user set means no restriction */
		if (SPAN_IS(x->upol[i], OID_ANY_POLICY)) {
			x->nupol = 0;
			break;
		}
		x->nupol = i + 1;
	}
	return CHAIN_OK;
}

static struct vcert *
cert_add(struct vctx *x, const struct chain_der *in, enum chain_src src,
    size_t index)
{
	struct vcert *c = &x->c[x->n];

	c->der.p = in->der;
	c->der.n = in->len;
	c->is_anchor = src == CHAIN_SRC_ANCHOR;
	c->src = src;
	c->src_index = index;
	cert_parse(c);
	return c;
}

/*
 * Each certificate decoded once: the anchors, the intermediates (the same
 * certificate twice, or an anchor sent again, only once), the leaf last.
 */
static void
load_certs(struct vctx *x, const struct chain_input *in)
{
	size_t i, j;
	int dup;

	for (i = 0; i < in->n_anchors; i++) {
		cert_add(x, &in->anchors[i], CHAIN_SRC_ANCHOR, i);
		x->n++;
	}
	for (i = 0; i < in->n_intermediates; i++) {
		struct vcert *c = cert_add(x, &in->intermediates[i],
		    CHAIN_SRC_INTERMEDIATE, i);

		for (j = 0, dup = 0; j < x->n && !dup; j++)
			dup = span_eq(x->c[j].der, c->der);
		if (dup)
			memset(c, 0, sizeof(*c));
		else
			x->n++;
	}
	x->leaf = x->n;
	cert_add(x, &in->leaf, CHAIN_SRC_LEAF, 0);
	x->n++;
	for (i = 0; i < in->n_crls; i++) {
		x->crl[i].der.p = in->crls[i].der;
		x->crl[i].der.n = in->crls[i].len;
		crl_parse(&x->crl[i]);
	}
	x->ncrl = in->n_crls;
}

/* A leaf that is itself a trust anchor is its own path; else build one. */
static enum chain_reason
verify_leaf(struct vctx *x, struct verr *e)
{
	struct vopts o = { 0, 0, 0 };
	size_t i;

	if (!x->c[x->leaf].ok) {
		verr_set(e, x->c[x->leaf].bad, 0, x->leaf, "%s",
		    x->c[x->leaf].why);
		return e->r;
	}
	for (i = 0; i < x->leaf; i++)
		if (x->c[i].is_anchor && span_eq(x->c[i].der,
		    x->c[x->leaf].der))
			return validate_path(x, &i, 1, &o, e);
	return path_build(x, x->leaf, &o, e);
}

enum chain_reason
chain_verify(const struct chain_input *in, struct chain_result *res)
{
	struct vctx x;
	struct verr e;
	size_t total = in->n_anchors + in->n_intermediates + 1;
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
	if ((r = input_check(in, res)) != CHAIN_OK ||
	    (r = user_policies(&x, in, res)) != CHAIN_OK)
		return r;
	x.c = calloc(total, sizeof(*x.c));
	x.crl = calloc(in->n_crls + 1, sizeof(*x.crl));
	x.pt.nd = calloc(POL_MAX_NODES, sizeof(*x.pt.nd));
	x.memo = calloc(total * total, 1);
	x.cand = calloc(total * total, sizeof(*x.cand));
	x.ncand = calloc(total, sizeof(*x.ncand));
	if (x.c == NULL || x.crl == NULL || x.pt.nd == NULL || x.memo == NULL ||
	    x.cand == NULL || x.ncand == NULL) {
		verr_set(&e, CHAIN_E_INTERNAL, -1, SIZE_MAX, "out of memory");
		r = e.r;
	} else {
		load_certs(&x, in);
		r = verify_leaf(&x, &e);
	}
	res->reason = r;
	fill_result(&x, r == CHAIN_OK ? NULL : &e, res);
	free(x.c);
	free(x.crl);
	free(x.pt.nd);
	free(x.memo);
	free(x.cand);
	free(x.ncand);
	return r;
}
