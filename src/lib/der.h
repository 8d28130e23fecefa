/*
 * A small bounds-checked DER reader for the parts of certificates, CRLs
 * and algorithm parameters that wolfSSL does not expose. Every element is
 * read in full before it is used: a length never reaches past its parent,
 * only definite, minimal lengths and low tag numbers are accepted (what
 * DER allows for X.509), so malformed input is refused, never guessed at.
 * It reads bytes that wolfSSL's parser has already accepted, or small
 * parameter blocks, never a whole file of unknown shape.
 */
#ifndef BWK_DER_H
#define BWK_DER_H

#include <stddef.h>
#include <stdint.h>

struct span {
	const uint8_t	*p;
	size_t		 n;
};

/* A cursor over DER contents. */
struct der {
	const uint8_t	*p;
	size_t		 n;
};

/* One element: tag out, contents in val, the whole element in tlv (either
 * may be NULL). -1 on malformed input. */
int		der_next(struct der *, int *tag, struct span *val,
		    struct span *tlv);
/* The next element must have tag want; d is unchanged on failure. */
int		der_get(struct der *, int want, struct span *val,
		    struct span *tlv);
/* An optional element with tag want: 1 read, 0 absent, -1 malformed. */
int		der_opt(struct der *, int want, struct span *val,
		    struct span *tlv);
struct der	der_of(struct span);
int		span_eq(struct span, struct span);
int		span_is(struct span, const uint8_t *, size_t);
#define SPAN_IS(s, arr)	span_is((s), (arr), sizeof(arr))
/* BOOLEAN contents: exactly 0x00 or 0xff. */
int		der_bool(struct span, int *);
/* A small non-negative INTEGER, at most max. */
int		der_small_uint(struct span, long max, long *);
/* BIT STRING contents as a mask (bit 0 = the first bit), up to 16 bits. */
int		der_bits(struct span, unsigned *);

#endif
