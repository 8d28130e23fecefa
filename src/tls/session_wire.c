/*
 * The session protocol's frames over an established session, either
 * side: the header is read and checked before the payload is, so no
 * peer can make the other allocate or wait for more than one frame's
 * bound (wire.h).
 */
#include <string.h>

#include "session.h"
#include "wire.h"

/* 1 with all n bytes, 0 at the peer's close (*got read before it), -1. */
static int
read_full(struct session *s, uint8_t *p, size_t n, size_t *got)
{
	int r;

	*got = 0;
	while (*got < n) {
		if ((r = session_read(s, p + *got, n - *got)) <= 0)
			return r == 0 ? 0 : -1;
		*got += (size_t)r;
	}
	return 1;
}

/* A close after part of a frame, its header or its payload: not clean. */
static int
cut_short(struct session *s)
{
	s->fail = FAIL_PROTOCOL;
	sess_msg(s, "BWK1062E", "%s closed the session in the middle of a "
	    "frame", s->o->host);
	return -1;
}

int
session_wire_recv(struct session *s, struct wire_frame *f)
{
	uint8_t hdr[WIRE_HDR_LEN];
	size_t got;
	int r;

	if ((r = read_full(s, hdr, sizeof(hdr), &got)) != 1)
		return r == 0 && got > 0 ? cut_short(s) : r;
	if (wire_header(hdr, &f->type, &f->len) == -1) {
		s->fail = FAIL_PROTOCOL;
		sess_msg(s, "BWK1061E", "%s sent a frame with a length past %d "
		    "bytes or flags set; the session is ended", s->o->host,
		    WIRE_MAX_PAYLOAD);
		return -1;
	}
	if (f->len > 0 && (r = read_full(s, f->payload, f->len, &got)) != 1)
		return r == 0 ? cut_short(s) : -1;
	wire_in_init(&f->in, f->type, f->payload, f->len);
	return 1;
}

int
session_wire_send(struct session *s, struct wire_out *w)
{
	if (wire_finish(w) == -1) {
		sess_msg(s, "BWK1063E", "a frame to %s did not fit its bounds "
		    "(this side's fault); the session is ended", s->o->host);
		return -1;
	}
	return session_write(s, w->buf, w->len) == (ssize_t)w->len ? 0 : -1;
}
