/*
 * The server's identity in its certificate (see verify.h): RFC 6125 host
 * names and IP addresses against subjectAltName, wildcards held to the
 * Public Suffix List (verify_psl.c), and, for a TLS server certificate
 * from a CA, a subject CN that names only what the subjectAltName names.
 * The DNS syntax helpers are shared with the name-constraint code.
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "../lib/util.h"
#include "verify_int.h"

static const uint8_t OID_CN[] = { 0x55, 0x04, 0x03 };

static int
lc(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int
dns_ieq(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lc(a[i]) != lc(b[i]))
			return 0;
	return 1;
}

/*
 * Preferred name syntax (RFC 1034 3.5, RFC 1123 2.1): letters, digits
 * and inner hyphens, labels of 1-63, at most 253 in all. wild: the
 * first label may be exactly "*" (and nothing else may hold one).
 */
int
dns_syntax_ok(const uint8_t *p, size_t n, int wild)
{
	size_t i, lab = 0, labels = 0;

	if (n == 0 || n > 253)
		return 0;
	if (wild && n >= 2 && p[0] == '*' && p[1] == '.') {
		p += 2;
		n -= 2;
		if (n == 0)
			return 0;
	}
	for (i = 0; i <= n; i++) {
		if (i == n || p[i] == '.') {
			if (lab == 0 || lab > 63 || p[i - 1] == '-')
				return 0;
			labels++;
			lab = 0;
			continue;
		}
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' &&
		    p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9') ||
		    (p[i] == '-' && lab > 0)))
			return 0;
		lab++;
	}
	return labels > 0;
}

/* name ends with "." + dom (or equals it when eq_ok), ASCII case ignored */
int
dns_within(const uint8_t *name, size_t n, const uint8_t *dom, size_t dn,
    int eq_ok)
{
	if (dn == 0)
		return 1;
	if (n == dn)
		return eq_ok && dns_ieq(name, dom, n);
	if (n > dn && name[n - dn - 1] == '.')
		return dns_ieq(name + n - dn, dom, dn);
	return 0;
}

enum wmatch { W_NO, W_YES, W_SUFFIX, W_NO_LIST };

/*
 * RFC 6125 6.4: host (lower case, hn bytes) against one dNSName. A
 * wildcard is only the whole left-most label of a name with at least two
 * more labels, matches exactly one label, never inside an A-label, and
 * never over a public suffix: "*.co.uk" would be every company in the UK.
 * Without a list to ask, a wildcard that would match is not trusted.
 */
static enum wmatch
dns_match(const char *host, size_t hn, struct span san, char *why,
    size_t whylen)
{
	const uint8_t *h = (const uint8_t *)host, *dot;
	size_t sn = san.n, i;
	char base[254];
	int r;

	if (sn > 0 && san.p[sn - 1] == '.')
		sn--;
	if (!dns_syntax_ok(san.p, sn, 1))
		return W_NO;
	if (san.p[0] != '*')
		return sn == hn && dns_ieq(san.p, h, hn) ? W_YES : W_NO;
	if (memchr(san.p + 2, '.', sn - 2) == NULL)
		return W_NO;	/* "*.com": a wildcard over a top-level domain */
	dot = memchr(h, '.', hn);
	if (dot == NULL || dot == h || (size_t)(h + hn - dot - 1) != sn - 2 ||
	    !dns_ieq(dot + 1, san.p + 2, sn - 2))
		return W_NO;
	for (i = 0; i < sn - 2; i++)
		base[i] = (char)lc(san.p[2 + i]);
	base[sn - 2] = '\0';
	if ((r = chain_psl_is_public_suffix(base, why, whylen)) == 1) {
		vsay(why, whylen, "its only subjectAltName for %s is the "
		    "wildcard *.%s, and %s is a public suffix (Public Suffix "
		    "List): no certificate may cover all the names under it",
		    host, base, base);
		return W_SUFFIX;
	}
	return r == 0 ? W_YES : W_NO_LIST;
}

static enum chain_reason
check_dns(const char *name, int has_san, struct span san, char *why,
    size_t whylen)
{
	char host[256], psl_why[320] = "";
	size_t hn = strlen(name), i;
	enum wmatch best = W_NO, m;
	struct der d = der_of(san);
	struct span v;
	int tag;

	if (hn > 0 && name[hn - 1] == '.')
		hn--;
	if (hn >= sizeof(host) || !dns_syntax_ok((const uint8_t *)name, hn, 0)) {
		vsay(why, whylen, "the host name to check is not a valid DNS "
		    "name");
		return CHAIN_E_HOST;
	}
	for (i = 0; i < hn; i++)
		host[i] = (char)lc((unsigned char)name[i]);
	host[hn] = '\0';
	while (has_san && der_next(&d, &tag, &v, NULL) == 0) {
		if (tag != 0x82)
			continue;
		if ((m = dns_match(host, hn, v, psl_why, sizeof(psl_why))) ==
		    W_YES)
			return CHAIN_OK;
		if (m > best)
			best = m;
	}
	if (best == W_SUFFIX) {
		vsay(why, whylen, "%s", psl_why);
		return CHAIN_E_PUBLIC_SUFFIX;
	}
	if (best == W_NO_LIST) {
		vsay(why, whylen, "a wildcard in its subjectAltName matches "
		    "%s, but the Public Suffix List that must vouch for it is "
		    "not loaded: %s", host, psl_why);
		return CHAIN_E_NO_PSL;
	}
	vsay(why, whylen, "its subjectAltName has no DNS name matching %s%s",
	    host, has_san ? "" : " (it has no subjectAltName; the subject CN "
	    "is not used)");
	return CHAIN_E_HOST;
}

/* An IPv4 or IPv6 address in text; 4, 16, or 0 when it is neither. */
static size_t
ip_parse(const char *text, uint8_t a[16])
{
	if (inet_pton(AF_INET, text, a) == 1)
		return 4;
	if (inet_pton(AF_INET6, text, a) == 1)
		return 16;
	return 0;
}

/* Does san hold the iPAddress a? */
static int
san_has_ip(int has_san, struct span san, const uint8_t *a, size_t alen)
{
	struct der d = der_of(san);
	struct span v;
	int tag;

	while (has_san && der_next(&d, &tag, &v, NULL) == 0)
		if (tag == 0x87 && v.n == alen && memcmp(v.p, a, alen) == 0)
			return 1;
	return 0;
}

enum chain_reason
name_check_identity(int has_san, struct span san,
    const struct chain_input *in, char *why, size_t whylen)
{
	uint8_t a[16];
	size_t alen;

	if (in->name_kind == CHAIN_NAME_DNS)
		return check_dns(in->name, has_san, san, why, whylen);
	if (in->name_kind != CHAIN_NAME_IP)
		return CHAIN_OK;
	if ((alen = ip_parse(in->name, a)) == 0) {
		vsay(why, whylen, "the address to check is not an IPv4 or IPv6 "
		    "address");
		return CHAIN_E_IP;
	}
	if (san_has_ip(has_san, san, a, alen))
		return CHAIN_OK;
	vsay(why, whylen, "its subjectAltName has no IP address %s", in->name);
	return CHAIN_E_IP;
}

/*
 * An internationalized domain name: non-ASCII text, or a label in the
 * ASCII form of one ("xn--"), which IDN-aware programs show in Unicode.
 */
static int
is_idn(struct span v)
{
	size_t i;

	for (i = 0; i < v.n; i++) {
		if (v.p[i] >= 0x80)
			return 1;
		if ((i == 0 || v.p[i - 1] == '.') && v.n - i >= 4 &&
		    dns_ieq(v.p + i, (const uint8_t *)"xn--", 4))
			return 1;
	}
	return 0;
}

/* Does san hold the dNSName v (ASCII case aside)? */
static int
san_has_dns(int has_san, struct span san, struct span v)
{
	struct der d = der_of(san);
	struct span n;
	int tag;

	while (has_san && der_next(&d, &tag, &n, NULL) == 0)
		if (tag == 0x82 && n.n == v.n && dns_ieq(n.p, v.p, v.n))
			return 1;
	return 0;
}

/*
 * One CN value. What is judged is a CN that names an identity in a form
 * programs read differently, or that people are shown as something else:
 * an IP address must be one of the iPAddress entries, and an IPv4 one be
 * written in dotted decimal, since inet_aton() and the programs built on
 * it also read hexadecimal, octal and shortened forms ("0xC0A80101",
 * "192.168.001.010"); an internationalized domain name must be one of
 * the dNSName entries as written there, since its Unicode form can pass
 * for another name and IDNA2003 and IDNA2008 programs can map it to
 * different domains; and a CN may hold no NUL byte.
 */
static int
cn_ok(int vtag, struct span cn, int has_san, struct span san, char *why,
    size_t whylen)
{
	char text[64], safe[64];
	struct in_addr v4;
	uint8_t a[16];
	size_t alen;

	/* PrintableString, UTF8String, IA5String, TeletexString */
	if (vtag != 0x13 && vtag != 0x0c && vtag != 0x16 && vtag != 0x14)
		return 1;
	snprintf(text, sizeof(text), "%.*s", (int)(cn.n < sizeof(text) ?
	    cn.n : sizeof(text) - 1), (const char *)cn.p);
	bwk_sanitize(text, safe, sizeof(safe));
	/* "host.example\0.evil.test": C programs stop at the NUL */
	if (memchr(cn.p, '\0', cn.n) != NULL) {
		vsay(why, whylen, "its subject CN \"%s...\" holds a NUL byte, "
		    "which programs read differently", safe);
		return 0;
	}
	if (is_idn(cn) && !san_has_dns(has_san, san, cn)) {
		vsay(why, whylen, "its subject CN \"%s\" is an "
		    "internationalized domain name that is not one of its "
		    "subjectAltName's DNS names, character for character "
		    "(CA/Browser Forum BR 7.1.4.3)", safe);
		return 0;
	}
	if (cn.n >= sizeof(text))
		return 1;	/* longer than any address */
	if (inet_aton(text, &v4) == 1 && inet_pton(AF_INET, text, a) != 1) {
		vsay(why, whylen, "its subject CN \"%s\" spells an IPv4 "
		    "address in another form than dotted decimal, which "
		    "programs read differently (CA/Browser Forum BR 7.1.4.3)",
		    safe);
		return 0;
	}
	if ((alen = ip_parse(text, a)) != 0 &&
	    !san_has_ip(has_san, san, a, alen)) {
		vsay(why, whylen, "its subject CN is the IP address %s, which "
		    "its subjectAltName does not hold (CA/Browser Forum BR "
		    "7.1.4.3)", safe);
		return 0;
	}
	return 1;
}

/*
 * CA/Browser Forum BR 7.1.4.3: a subject CN, if present, repeats one of
 * the subjectAltName entries. Bulwark never matches the CN, but other
 * clients still do, and it is what the administrator is shown: a CN that
 * names an address the certificate is not valid for misleads both. A CN
 * that is a host name is not judged (see docs/conformance.md: a display
 * name, or the domain beside its own wildcard, is common and harmless).
 */
enum chain_reason
name_check_cn(struct span subject, int has_san, struct span san, char *why,
    size_t whylen)
{
	struct der rd = der_of(subject), ad;
	struct span rdn, atv, oid, val;
	int vtag;

	while (der_get(&rd, 0x31, &rdn, NULL) == 0) {
		ad = der_of(rdn);
		while (der_get(&ad, 0x30, &atv, NULL) == 0) {
			struct der a = der_of(atv);

			if (der_get(&a, 0x06, &oid, NULL) == 0 &&
			    SPAN_IS(oid, OID_CN) &&
			    der_next(&a, &vtag, &val, NULL) == 0 &&
			    !cn_ok(vtag, val, has_san, san, why, whylen))
				return CHAIN_E_CN;
		}
	}
	return CHAIN_OK;
}
