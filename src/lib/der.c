/* The DER reader: see der.h. */
#include <string.h>

#include "der.h"

/*
 * Reads one element: tag (low-tag-number form only, as X.509 uses),
 * definite length in minimal form. tlv gets the whole element, val its
 * contents. -1 on malformed input.
 */
int
der_next(struct der *d, int *tag, struct span *val, struct span *tlv)
{
	size_t len, hl, i, nb;

	if (d->n < 2)
		return -1;
	if ((d->p[0] & 0x1f) == 0x1f)
		return -1;
	if (d->p[1] < 0x80) {
		len = d->p[1];
		hl = 2;
	} else {
		nb = d->p[1] & 0x7f;
		if (nb == 0 || nb > 4 || d->n < 2 + nb)
			return -1;
		len = 0;
		for (i = 0; i < nb; i++)
			len = len << 8 | d->p[2 + i];
		if (len < 0x80 || (nb > 1 && d->p[2] == 0))
			return -1;	/* not minimal: not DER */
		hl = 2 + nb;
	}
	if (len > d->n - hl)
		return -1;
	*tag = d->p[0];
	if (val != NULL) {
		val->p = d->p + hl;
		val->n = len;
	}
	if (tlv != NULL) {
		tlv->p = d->p;
		tlv->n = hl + len;
	}
	d->p += hl + len;
	d->n -= hl + len;
	return 0;
}

/* The next element must have tag want. */
int
der_get(struct der *d, int want, struct span *val, struct span *tlv)
{
	struct der save = *d;
	int tag;

	if (der_next(d, &tag, val, tlv) == -1 || tag != want) {
		*d = save;
		return -1;
	}
	return 0;
}

/* An optional element with tag want: 1 read, 0 absent, -1 malformed. */
int
der_opt(struct der *d, int want, struct span *val, struct span *tlv)
{
	if (d->n == 0 || d->p[0] != want)
		return 0;
	return der_get(d, want, val, tlv) == 0 ? 1 : -1;
}

struct der
der_of(struct span s)
{
	struct der d = { s.p, s.n };

	return d;
}

int
span_eq(struct span a, struct span b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

int
span_is(struct span a, const uint8_t *b, size_t n)
{
	return a.n == n && memcmp(a.p, b, n) == 0;
}

/* DER BOOLEAN contents: exactly 0x00 or 0xff. */
int
der_bool(struct span v, int *out)
{
	if (v.n != 1 || (v.p[0] != 0 && v.p[0] != 0xff))
		return -1;
	*out = v.p[0] != 0;
	return 0;
}

/* Small non-negative INTEGER (pathLen, skipCerts, ...). */
int
der_small_uint(struct span v, long max, long *out)
{
	long x = 0;
	size_t i;

	if (v.n == 0 || v.n > 4 || (v.p[0] & 0x80))
		return -1;
	if (v.n > 1 && v.p[0] == 0 && !(v.p[1] & 0x80))
		return -1;
	for (i = 0; i < v.n; i++)
		x = x << 8 | v.p[i];
	if (x > max)
		return -1;
	*out = x;
	return 0;
}

/* BIT STRING as a bit mask (bit 0 = first bit), up to 16 bits. */
int
der_bits(struct span v, unsigned *out)
{
	unsigned m = 0;
	size_t i;

	if (v.n == 0 || v.p[0] > 7 || (v.n == 1 && v.p[0] != 0))
		return -1;
	if (v.n > 3)
		return -1;
	for (i = 1; i < v.n; i++) {
		int b;

		for (b = 0; b < 8; b++)
			if (v.p[i] & (0x80 >> b))
				m |= 1u << ((i - 1) * 8 + (size_t)b);
	}
	*out = m;
	return 0;
}
