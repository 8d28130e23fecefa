/*
 * What the session-protocol targets (fuzz_serve, fuzz_signon) share: the
 * peer's bytes handed out one frame at a time, so that a target can
 * rewrite a frame just before the code under test reads it (a nonce the
 * other side chose, a proof or a signature over it, all unknown when the
 * input was written), and the small crypto a target needs for that.
 *
 * The frames are split the way session_wire_recv reads them: a header,
 * then as much of its payload as the input holds. A header no peer may
 * send (a length past WIRE_MAX_PAYLOAD, flags set) is handed out alone,
 * as the reader stops after it; a frame cut short by the input's end is
 * handed out as it is.
 *
 * Include after fuzz_common.h and the session headers.
 */
#ifndef BWK_FUZZ_WIRE_H
#define BWK_FUZZ_WIRE_H

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hmac.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "../src/tls/wire.h"

#define FW_FRAME_MAX	(WIRE_HDR_LEN + WIRE_MAX_PAYLOAD)

struct fw_stream {
	const uint8_t	*in;
	size_t		 len, off;	/* the input, and what was taken */
	size_t		 chunk;		/* a read's most; 0: as asked */
	int		 eof;		/* a read found the input's end */
	int		 cut;		/* the last frame was cut short */
	uint8_t		 frame[FW_FRAME_MAX];	/* the frame being read */
	size_t		 flen, foff;
	/* called on every whole frame before it is handed out */
	void		(*rewrite)(void *arg, uint16_t type, uint8_t *frame,
			    size_t *len);
	void		*arg;
};

static void
fw_init(struct fw_stream *m, const uint8_t *in, size_t len, size_t chunk)
{
	m->in = in;
	m->len = len;
	m->off = 0;
	m->chunk = chunk;
	m->eof = m->cut = 0;
	m->flen = m->foff = 0;
}

/* Takes the next frame from the input; 0 at its end. */
static int
fw_next(struct fw_stream *m)
{
	const uint8_t *h = m->in + m->off;
	size_t left = m->len - m->off, n, take;
	uint32_t plen;
	int whole = 0;

	if (left == 0)
		return 0;
	m->cut = 0;
	if (left < WIRE_HDR_LEN) {
		take = left;
		m->cut = 1;
	} else {
		plen = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
		    (uint32_t)h[2] << 8 | h[3];
		if (plen > WIRE_MAX_PAYLOAD || h[6] != 0 || h[7] != 0)
			take = WIRE_HDR_LEN;
		else {
			n = left - WIRE_HDR_LEN < plen ? left - WIRE_HDR_LEN :
			    plen;
			take = WIRE_HDR_LEN + n;
			m->cut = n < plen;
			whole = !m->cut;
		}
	}
	memcpy(m->frame, h, take);
	m->flen = take;
	m->foff = 0;
	m->off += take;
	if (whole && m->rewrite != NULL)
		m->rewrite(m->arg, (uint16_t)(h[4] << 8 | h[5]), m->frame,
		    &m->flen);
	return 1;
}

/* session_read's contract: > 0 bytes, 0 at the peer's close. */
static int
fw_read(struct fw_stream *m, void *buf, size_t len)
{
	size_t n;

	if (m->foff == m->flen && !fw_next(m)) {
		m->eof = 1;
		return 0;
	}
	n = m->flen - m->foff;
	if (n > len)
		n = len;
	if (m->chunk != 0 && n > m->chunk)
		n = m->chunk;
	memcpy(buf, m->frame + m->foff, n);
	m->foff += n;
	return (int)n;
}

/*
 * A frame that is one text (u16 n, n bytes: the SCRAM frames): its text
 * and length, or NULL for any other payload.
 */
static char *
fw_text(uint8_t *frame, size_t flen, size_t *n)
{
	size_t t;

	if (flen < WIRE_HDR_LEN + 2)
		return NULL;
	t = (size_t)frame[WIRE_HDR_LEN] << 8 | frame[WIRE_HDR_LEN + 1];
	if (WIRE_HDR_LEN + 2 + t != flen)
		return NULL;
	*n = t;
	return (char *)frame + WIRE_HDR_LEN + 2;
}

static const uint8_t *
fw_find(const uint8_t *p, size_t n, const char *what, size_t wn)
{
	size_t i;

	for (i = 0; wn <= n && i <= n - wn; i++)
		if (memcmp(p + i, what, wn) == 0)
			return p + i;
	return NULL;
}

/* Sets a text frame's two lengths for a text of n bytes. */
static void
fw_set_text_len(uint8_t *frame, size_t n)
{
	size_t p = 2 + n;

	frame[0] = (uint8_t)(p >> 24);
	frame[1] = (uint8_t)(p >> 16);
	frame[2] = (uint8_t)(p >> 8);
	frame[3] = (uint8_t)p;
	frame[WIRE_HDR_LEN] = (uint8_t)(n >> 8);
	frame[WIRE_HDR_LEN + 1] = (uint8_t)n;
}

/*
 * In a text frame, the del bytes at offset at of the text become val;
 * the text's and the frame's lengths follow. -1 when the frame is not a
 * text frame or the result would not fit one.
 */
static int
fw_splice(uint8_t *frame, size_t *flen, size_t at, size_t del,
    const char *val, size_t vn)
{
	char *t;
	size_t n, nn;

	if ((t = fw_text(frame, *flen, &n)) == NULL || at > n || del > n - at)
		return -1;
	nn = n - del + vn;
	if (nn > 0xffff || 2 + nn > WIRE_MAX_PAYLOAD)
		return -1;
	memmove(t + at + vn, t + at + del, n - at - del);
	memcpy(t + at, val, vn);
	fw_set_text_len(frame, nn);
	*flen = WIRE_HDR_LEN + 2 + nn;
	return 0;
}

/* At most this many placeholders of one kind are replaced in a frame. */
#define FW_SUBST_MAX	4

/*
 * In a text frame, each ph (up to FW_SUBST_MAX) becomes val. The count
 * of replacements.
 */
static int
fw_subst(uint8_t *frame, size_t *flen, const char *ph, const char *val)
{
	size_t n, i = 0, pn = strlen(ph), vn = strlen(val);
	const uint8_t *at;
	char *t;
	int count = 0;

	while (count < FW_SUBST_MAX &&
	    (t = fw_text(frame, *flen, &n)) != NULL && i <= n &&
	    (at = fw_find((uint8_t *)t + i, n - i, ph, pn)) != NULL) {
		i = (size_t)(at - (uint8_t *)t);
		if (fw_splice(frame, flen, i, pn, val, vn) == -1)
			break;
		i += vn;
		count++;
	}
	return count;
}

/*
 * A frame one side sent, as one write: a header wire_header takes, and
 * exactly the payload it announces. Its type and payload.
 */
static void
fw_sent(const void *buf, size_t len, uint16_t *type, const uint8_t **p,
    size_t *n)
{
	if (len < WIRE_HDR_LEN || wire_header(buf, type, n) == -1 ||
	    len != WIRE_HDR_LEN + *n)
		fuzz_fail("a frame of %zu bytes whose header does not parse or "
		    "announce its length", len);
	*p = (const uint8_t *)buf + WIRE_HDR_LEN;
}

/* RFC 4648 base64, with padding: what SCRAM's messages carry. */
static void
fw_b64(const uint8_t *in, size_t n, char *out)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;
	uint32_t v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = a[v >> 18];
		out[o++] = a[v >> 12 & 63];
		out[o++] = a[v >> 6 & 63];
		out[o++] = a[v & 63];
	}
	if (n - i == 1) {
		v = (uint32_t)in[i] << 16;
		out[o++] = a[v >> 18];
		out[o++] = a[v >> 12 & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (n - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = a[v >> 18];
		out[o++] = a[v >> 12 & 63];
		out[o++] = a[v >> 6 & 63];
		out[o++] = '=';
	}
	out[o] = '\0';
}

/* HMAC-SHA-256 over AuthMessage = cfb "," sf "," cfn (RFC 5802). */
static void
fw_hmac_auth(const uint8_t key[32], const char *cfb, size_t cfbn,
    const char *sf, size_t sfn, const char *cfn, size_t cfnn, uint8_t out[32])
{
	Hmac h;

	if (wc_HmacInit(&h, NULL, INVALID_DEVID) != 0 ||
	    wc_HmacSetKey(&h, WC_SHA256, key, 32) != 0 ||
	    wc_HmacUpdate(&h, (const uint8_t *)cfb, (word32)cfbn) != 0 ||
	    wc_HmacUpdate(&h, (const uint8_t *)",", 1) != 0 ||
	    wc_HmacUpdate(&h, (const uint8_t *)sf, (word32)sfn) != 0 ||
	    wc_HmacUpdate(&h, (const uint8_t *)",", 1) != 0 ||
	    wc_HmacUpdate(&h, (const uint8_t *)cfn, (word32)cfnn) != 0 ||
	    wc_HmacFinal(&h, out) != 0)
		abort();
	wc_HmacFree(&h);
}

/* HMAC-SHA-256 of a string: SCRAM's "Client Key" and "Server Key". */
static void __attribute__((unused))
fw_hmac_str(const uint8_t key[32], const char *s, uint8_t out[32])
{
	Hmac h;

	if (wc_HmacInit(&h, NULL, INVALID_DEVID) != 0 ||
	    wc_HmacSetKey(&h, WC_SHA256, key, 32) != 0 ||
	    wc_HmacUpdate(&h, (const uint8_t *)s, (word32)strlen(s)) != 0 ||
	    wc_HmacFinal(&h, out) != 0)
		abort();
	wc_HmacFree(&h);
}

/* The value of attribute a ("r", "n") in a SCRAM message, or NULL. */
static const char *
fw_attr(const char *m, size_t n, char a, size_t *vn)
{
	size_t i = 0, j;

	while (i < n) {
		for (j = i; j < n && m[j] != ','; j++)
			;
		if (j - i >= 2 && m[i] == a && m[i + 1] == '=') {
			*vn = j - i - 2;
			return m + i + 2;
		}
		i = j + 1;
	}
	return NULL;
}

#endif
