/*
 * Name constraints (RFC 5280 4.2.1.10, 6.1.3 (b)-(c), 6.1.4 (g)): the
 * subtrees of each CA, validated when it enters the path, and every name
 * below it checked against them, with a bound on the work.
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "../lib/util.h"
#include "verify_int.h"

/* One subtree's base is usable: validated when its CA enters the path. */
static int
subtree_valid(int tag, struct span b)
{
	size_t i;

	switch (tag) {
	case 0x82:	/* DNS: a domain, no leading dot, no wildcard */
		if (b.n == 0)
			return 1;
		return dns_syntax_ok(b.p, b.n, 0);
	case 0x87: {	/* address and a contiguous mask */
		size_t half = b.n / 2;
		int zero = 0;

		if (b.n != 8 && b.n != 32)
			return 0;
		for (i = 0; i < half; i++) {
			uint8_t m = b.p[half + i];
			int k;

			for (k = 7; k >= 0; k--) {
				if (m & (1u << k)) {
					if (zero)
						return 0;
				} else
					zero = 1;
			}
		}
		return 1;
	}
	case 0x81: {	/* mailbox, host, or .domain */
		const uint8_t *at = memchr(b.p, '@', b.n);
		const uint8_t *host = at ? at + 1 : b.p;
		size_t hn = b.n - (size_t)(host - b.p);

		if (at != NULL && (at == b.p || memchr(host, '@', hn) != NULL))
			return 0;
		if (at == NULL && hn > 0 && host[0] == '.')
			host++, hn--;
		return dns_syntax_ok(host, hn, 0);
	}
	case 0x86: {	/* host or .domain */
		const uint8_t *h = b.p;
		size_t hn = b.n;

		if (hn > 0 && h[0] == '.')
			h++, hn--;
		return dns_syntax_ok(h, hn, 0);
	}
	case 0xa4:
		return 1;
	default:
		return 1;	/* other forms: judged when a name of the form appears */
	}
}

static int
nc_subtrees_valid(struct span trees, size_t *count)
{
	struct der d = der_of(trees), s;
	struct span st, base, x;
	int tag;

	while (d.n > 0) {
		if (der_get(&d, 0x30, &st, NULL) == -1)
			return 0;
		s = der_of(st);
		if (general_name(&s, &tag, &base) == -1)
			return 0;
		/* minimum must be 0 (so absent in DER), maximum absent */
		if (der_opt(&s, 0x80, &x, NULL) != 0 ||
		    der_opt(&s, 0x81, &x, NULL) != 0 || s.n != 0)
			return 0;
		if (!subtree_valid(tag, base))
			return 0;
		(*count)++;
	}
	return 1;
}

/* URI host: scheme://[userinfo@]host[:port][/...]; 0 when none. */
static int
uri_host(struct span u, struct span *host)
{
	const uint8_t *p = u.p, *e = u.p + u.n, *s, *h, *he;

	for (s = p; s < e && *s != ':'; s++)
		if (*s == '/' || *s == '?' || *s == '#')
			return 0;
	if (s + 3 > e || s[1] != '/' || s[2] != '/')
		return 0;
	h = s + 3;
	for (he = h; he < e && *he != '/' && *he != '?' && *he != '#'; he++)
		;
	for (s = h; s < he; s++)
		if (*s == '@')
			h = s + 1;
	if (h < he && *h == '[')
		return 0;	/* IP literal: never a DNS-style constraint match */
	for (s = h; s < he && *s != ':'; s++)
		;
	host->p = h;
	host->n = (size_t)(s - h);
	return host->n > 0;
}

/* A dNSName against a DNS subtree; excl: a wildcard counts if it could. */
static int
nc_match_dns(struct span v, struct span base, int excl)
{
	const uint8_t *b;
	size_t n = v.n, bn;

	if (n > 0 && v.p[n - 1] == '.')
		n--;
	if (!dns_syntax_ok(v.p, n, 1))
		return -1;
	if (v.p[0] != '*')
		return dns_within(v.p, n, base.p, base.n, 1);
	b = v.p + 2;
	bn = n - 2;
	if (dns_within(b, bn, base.p, base.n, 1))
		return 1;
	/* excluded sub.B would be matched by *.B */
	return excl && base.n > bn + 1 &&
	    dns_within(base.p, base.n, b, bn, 0) &&
	    memchr(base.p, '.', base.n - bn - 1) == NULL;
}

/* An iPAddress against an address and mask of the same family. */
static int
nc_match_ip(struct span v, struct span base)
{
	size_t i, al = base.n / 2;

	if (v.n != 4 && v.n != 16)
		return -1;
	if (v.n != al)
		return 0;
	for (i = 0; i < al; i++)
		if ((v.p[i] & base.p[al + i]) != (base.p[i] & base.p[al + i]))
			return 0;
	return 1;
}

/* An rfc822Name against a mailbox, a host, or a .domain. */
static int
nc_match_email(struct span v, struct span base)
{
	const uint8_t *at = memchr(v.p, '@', v.n), *host, *bat;
	size_t hn, ln;

	if (at == NULL || at == v.p)
		return -1;
	host = at + 1;
	hn = v.n - (size_t)(host - v.p);
	if (memchr(host, '@', hn) != NULL)
		return -1;
	if ((bat = memchr(base.p, '@', base.n)) != NULL) {
		ln = (size_t)(bat - base.p);
		return ln == (size_t)(at - v.p) &&
		    memcmp(base.p, v.p, ln) == 0 && base.n - ln - 1 == hn &&
		    dns_ieq(bat + 1, host, hn);
	}
	if (base.n > 0 && base.p[0] == '.')
		return dns_within(host, hn, base.p + 1, base.n - 1, 0);
	return base.n == hn && dns_ieq(base.p, host, hn);
}

/* A URI's host against a host or a .domain. */
static int
nc_match_uri(struct span v, struct span base)
{
	struct span h;

	if (!uri_host(v, &h))
		return -1;
	if (base.n > 0 && base.p[0] == '.')
		return dns_within(h.p, h.n, base.p + 1, base.n - 1, 0);
	return base.n == h.n && dns_ieq(base.p, h.p, h.n);
}

/*
 * Does name (tag, v) lie in the subtree base of the same form? excl: the
 * subtree is excluded, so a wildcard counts as inside when it could be.
 * -1: the name cannot be judged (malformed).
 */
static int
nc_match(int tag, struct span v, struct span base, int excl)
{
	switch (tag) {
	case 0x82:
		return nc_match_dns(v, base, excl);
	case 0x87:
		return nc_match_ip(v, base);
	case 0x81:
		return nc_match_email(v, base);
	case 0x86:
		return nc_match_uri(v, base);
	case 0xa4:
		return name_cmp(base, v, 1);
	default:
		return -1;
	}
}

/* "DNS name x", "IP address a.b.c.d", ... for a refusal, safe to print. */
static void
gn_text(int tag, struct span v, char *out, size_t outlen)
{
	char raw[200], safe[200];
	const char *kind = tag == 0x82 ? "DNS name" : tag == 0x81 ?
	    "e-mail address" : tag == 0x86 ? "URI" : NULL;

	if (kind != NULL) {
		snprintf(raw, sizeof(raw), "%.*s", (int)(v.n < sizeof(raw) ?
		    v.n : sizeof(raw) - 1), (const char *)v.p);
		bwk_sanitize(raw, safe, sizeof(safe));
		vsay(out, outlen, "%s %s", kind, safe);
	} else if (tag == 0x87 && (v.n == 4 || v.n == 16) &&
	    inet_ntop(v.n == 4 ? AF_INET : AF_INET6, v.p, raw, sizeof(raw)))
		vsay(out, outlen, "IP address %s", raw);
	else if (tag == 0xa4) {
		name_print(v, safe, sizeof(safe));
		vsay(out, outlen, "name %s", safe);
	} else
		vsay(out, outlen, "a name");
}

/* 0 fine, 1 violation, 2 work limit. */
static int
nc_check_name(const struct vcert *ca, int tag, struct span v, long *work,
    char *why, size_t whylen)
{
	struct der d;
	struct span st, base;
	int btag, any_perm = 0, in_perm = 0, r, pass;
	char what[240];

	for (pass = 0; pass < 2; pass++) {
		int set = pass == 0 ? ca->nc_excl_set : ca->nc_perm_set;

		if (!set)
			continue;
		d = der_of(pass == 0 ? ca->nc_excl : ca->nc_perm);
		while (d.n > 0) {
			struct der s;

			if (der_get(&d, 0x30, &st, NULL) == -1)
				return 1;
			s = der_of(st);
			if (general_name(&s, &btag, &base) == -1)
				return 1;
			if (--*work < 0)
				return 2;
			if (btag != tag)
				continue;
			if (pass == 1)
				any_perm = 1;
			r = nc_match(tag, v, base, pass == 0);
			if (r == -1) {
				vsay(why, whylen, "a name of a constrained "
				    "form that cannot be evaluated");
				return 1;
			}
			if (r == 1 && pass == 0) {
				gn_text(tag, v, what, sizeof(what));
				vsay(why, whylen, "its %s is in an excluded "
				    "subtree of %s", what, ca->subj_str);
				return 1;
			}
			if (r == 1)
				in_perm = 1;
		}
	}
	if (any_perm && !in_perm) {
		gn_text(tag, v, what, sizeof(what));
		vsay(why, whylen, "its %s is outside the permitted subtrees "
		    "of %s", what, ca->subj_str);
		return 1;
	}
	return 0;
}

/* Checks every name of c against the constraints of one CA. */
int
nc_check_cert(const struct vcert *ca, const struct vcert *c, long *work,
    char *why, size_t whylen)
{
	struct der d;
	struct span v;
	int tag, r;

	if (c->subject.n > 0 && (r = nc_check_name(ca, 0xa4, c->subject, work,
	    why, whylen)) != 0)
		return r;
	if (!c->san) {
		/* RFC 5280 4.2.1.10: legacy emailAddress in the subject */
		struct der rd = der_of(c->subject), ad;
		struct span rdn, atv, oid, val;
		int vt;

		while (rd.n > 0 && der_get(&rd, 0x31, &rdn, NULL) == 0) {
			ad = der_of(rdn);
			while (ad.n > 0 && der_get(&ad, 0x30, &atv, NULL) == 0) {
				if (atv_split(atv, &oid, &vt, &val) == 0 &&
				    SPAN_IS(oid, OID_EMAIL) && (r = nc_check_name(
				    ca, 0x81, val, work, why, whylen)) != 0)
					return r;
			}
		}
		return 0;
	}
	d = der_of(c->san_v);
	while (gn_next(&d, &tag, &v))
		if ((r = nc_check_name(ca, tag, v, work, why, whylen)) != 0)
			return r;
	return 0;
}

enum chain_reason
nc_add(struct vctx *x, size_t ci, int pos, const struct vcert **ncs,
    size_t *nnc, struct verr *e)
{
	const struct vcert *c = &x->c[ci];
	size_t cnt = 0;

	if (!c->nc)
		return CHAIN_OK;
	if ((c->nc_perm_set && !nc_subtrees_valid(c->nc_perm, &cnt)) ||
	    (c->nc_excl_set && !nc_subtrees_valid(c->nc_excl, &cnt))) {
		verr_set(e, CHAIN_E_NAME_CONSTRAINT, pos, ci, "its "
		    "nameConstraints hold a malformed subtree (a DNS name with "
		    "a leading dot or a wildcard, a bad address mask, a "
		    "minimum or maximum)");
		return CHAIN_E_NAME_CONSTRAINT;
	}
	ncs[(*nnc)++] = c;
	return CHAIN_OK;
}
