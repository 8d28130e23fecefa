/*
 * Distinguished names (RFC 5280 7.1): well-formedness, comparison as RFC
 * 5280 asks, text for messages; and the structure of GeneralNames.
 */
#include <stdio.h>
#include <string.h>

#include "../lib/util.h"
#include "verify_int.h"

static int
is_string_tag(int tag)
{
	/* PrintableString, UTF8String, IA5String, TeletexString */
	return tag == 0x13 || tag == 0x0c || tag == 0x16 || tag == 0x14;
}

/*
 * Attribute values compare as RFC 5280 7.1 asks, in the part of LDAP
 * string preparation that matters for the ASCII names CAs use: leading
 * and trailing spaces dropped, inner runs of spaces folded to one, ASCII
 * case ignored. Other bytes compare exactly, and other types (BMPString,
 * binary values) byte for byte with their tag.
 */
static int
value_eq(int ta, struct span a, int tb, struct span b)
{
	size_t i = 0, j = 0;

	if (!is_string_tag(ta) || !is_string_tag(tb))
		return ta == tb && span_eq(a, b);
	while (i < a.n && a.p[i] == ' ')
		i++;
	while (j < b.n && b.p[j] == ' ')
		j++;
	for (;;) {
		int ca, cb, sa = 0, sb = 0;

		while (i < a.n && a.p[i] == ' ')
			i++, sa = 1;
		while (j < b.n && b.p[j] == ' ')
			j++, sb = 1;
		if (i == a.n || j == b.n)
			return i == a.n && j == b.n;
		if (sa != sb)
			return 0;
		ca = a.p[i++];
		cb = b.p[j++];
		if (ca >= 'A' && ca <= 'Z')
			ca += 32;
		if (cb >= 'A' && cb <= 'Z')
			cb += 32;
		if (ca != cb)
			return 0;
	}
}

int
atv_split(struct span atv, struct span *oid, int *vtag, struct span *val)
{
	struct der d = der_of(atv);

	if (der_get(&d, 0x06, oid, NULL) == -1 ||
	    der_next(&d, vtag, val, NULL) == -1 || d.n != 0)
		return -1;
	return 0;
}

/* Two RDNs (SET OF AttributeTypeAndValue contents) are equal as sets. */
int
rdn_eq(struct span a, struct span b)
{
	struct der da = der_of(a), db;
	struct span atv_a, atv_b, oa, ob, va, vb;
	int ta, tb, na = 0, nb = 0;

	db = der_of(b);
	while (db.n > 0) {
		if (der_get(&db, 0x30, &atv_b, NULL) == -1)
			return 0;
		nb++;
	}
	while (da.n > 0) {
		int found = 0;

		if (der_get(&da, 0x30, &atv_a, NULL) == -1 ||
		    atv_split(atv_a, &oa, &ta, &va) == -1)
			return 0;
		na++;
		db = der_of(b);
		while (db.n > 0 && !found) {
			if (der_get(&db, 0x30, &atv_b, NULL) == -1 ||
			    atv_split(atv_b, &ob, &tb, &vb) == -1)
				return 0;
			found = span_eq(oa, ob) && value_eq(ta, va, tb, vb);
		}
		if (!found)
			return 0;
	}
	return na == nb;
}

/*
 * Name contents (the RDNSequence inside the outer SEQUENCE). prefix: a
 * is a leading part of b (a directoryName subtree), else equality.
 */
int
name_cmp(struct span a, struct span b, int prefix)
{
	struct der da = der_of(a), db = der_of(b);
	struct span ra, rb;

	if (!prefix && span_eq(a, b))
		return 1;
	while (da.n > 0) {
		if (db.n == 0)
			return 0;
		if (der_get(&da, 0x31, &ra, NULL) == -1 ||
		    der_get(&db, 0x31, &rb, NULL) == -1 || !rdn_eq(ra, rb))
			return 0;
	}
	return prefix || db.n == 0;
}

int
name_eq(struct span a, struct span b)
{
	return name_cmp(a, b, 0);
}

/* "/CN=x/O=y" for messages, made safe to print. */
void
name_print(struct span name, char *out, size_t outlen)
{
	static const struct { uint8_t b; const char *s; } short_names[] = {
		{ 3, "CN" }, { 6, "C" }, { 7, "L" }, { 8, "ST" }, { 10, "O" },
		{ 11, "OU" }, { 5, "serialNumber" },
	};
	struct der d = der_of(name), r;
	struct span rdn, atv, oid, val;
	char raw[512];
	size_t n = 0, i;
	int tag;

	raw[0] = '\0';
	while (n + 1 < sizeof(raw) && d.n > 0 &&
	    der_get(&d, 0x31, &rdn, NULL) == 0) {
		r = der_of(rdn);
		while (n + 1 < sizeof(raw) && r.n > 0 &&
		    der_get(&r, 0x30, &atv, NULL) == 0 &&
		    atv_split(atv, &oid, &tag, &val) == 0) {
			const char *nm = NULL;
			int w;

			for (i = 0; i < sizeof(short_names) /
			    sizeof(short_names[0]); i++)
				if (oid.n == 3 && oid.p[0] == 0x55 &&
				    oid.p[1] == 0x04 && oid.p[2] == short_names[i].b)
					nm = short_names[i].s;
			if (nm == NULL && SPAN_IS(oid, OID_EMAIL))
				nm = "emailAddress";
			w = snprintf(raw + n, sizeof(raw) - n, "/%s=",
			    nm ? nm : "?");
			if (w < 0 || (size_t)w >= sizeof(raw) - n) {
				n = sizeof(raw) - 1;
				break;
			}
			n += (size_t)w;
			if (is_string_tag(tag) || tag == 0x1e)
				for (i = 0; i < val.n && n + 1 < sizeof(raw); i++)
					raw[n++] = val.p[i] ? (char)val.p[i] : '?';
			raw[n] = '\0';
		}
	}
	bwk_sanitize(raw, out, outlen);
}

/* A Name is well formed: RDNs, each a non-empty SET of type/value pairs. */
int
name_valid(struct span name)
{
	struct der d = der_of(name), r;
	struct span rdn, atv, oid, val;
	int tag;

	while (d.n > 0) {
		if (der_get(&d, 0x31, &rdn, NULL) == -1 || rdn.n == 0)
			return 0;
		r = der_of(rdn);
		while (r.n > 0)
			if (der_get(&r, 0x30, &atv, NULL) == -1 ||
			    atv_split(atv, &oid, &tag, &val) == -1)
				return 0;
	}
	return 1;
}

/* GeneralName: structure checks only; tag and contents out. */
int
general_name(struct der *d, int *tag, struct span *v)
{
	struct span tlv;

	if (der_next(d, tag, v, &tlv) == -1)
		return -1;
	switch (*tag) {
	case 0xa0: case 0xa3: case 0xa5:	/* otherName, x400, edi */
	case 0x81: case 0x82: case 0x86:	/* rfc822, dNS, URI */
	case 0x87: case 0x88:			/* iPAddress, registeredID */
		return 0;
	case 0xa4: {				/* directoryName [4] EXPLICIT */
		struct der in = der_of(*v);
		struct span name;

		if (der_get(&in, 0x30, &name, NULL) == -1 || in.n != 0 ||
		    !name_valid(name))
			return -1;
		*v = name;
		return 0;
	}
	default:
		return -1;
	}
}

/* GeneralNames contents: a non-empty, well-formed list. */
int
general_names_valid(struct span names, size_t *count)
{
	struct der d = der_of(names);
	struct span v;
	int tag;
	size_t n = 0;

	while (d.n > 0) {
		if (general_name(&d, &tag, &v) == -1)
			return 0;
		n++;
	}
	if (count != NULL)
		*count = n;
	return n > 0;
}

/* Next GeneralName of a GeneralNames list (already validated). */
int
gn_next(struct der *d, int *tag, struct span *v)
{
	return d->n > 0 && general_name(d, tag, v) == 0;
}
