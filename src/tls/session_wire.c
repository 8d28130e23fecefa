/*
 * The session protocol's frames over an established session, either
 * side: the header is read and checked before the payload is, so no
 * peer can make the other allocate or wait for more than one frame's
 * bound (wire.h).
 */
#include <string.h>

#include "session.h"
#include "wire.h"

static int
read_full(struct session *s, uint8_t *p, size_t n)
{
	int r;

	while (n > 0) {
		if ((r = session_read(s, p, n)) <= 0)
			return r == 0 ? 0 : -1;
		p += r;
		n -= (size_t)r;
	}
	return 1;
}

int
session_wire_recv(struct session *s, struct wire_frame *f)
{
	uint8_t hdr[WIRE_HDR_LEN];
	int r;

	if ((r = read_full(s, hdr, sizeof(hdr))) != 1)
		return r;
	if (wire_header(hdr, &f->type, &f->len) == -1) {
		s->fail = FAIL_PROTOCOL;
		sess_msg(s, "BWK1061E", "%s sent a frame with a length past %d "
		    "bytes or flags set; the session is ended", s->o->host,
		    WIRE_MAX_PAYLOAD);
		return -1;
	}
	if (f->len > 0 && (r = read_full(s, f->payload, f->len)) != 1) {
		if (r == 0) {
			s->fail = FAIL_PROTOCOL;
			sess_msg(s, "BWK1062E", "%s closed the session in the "
			    "middle of a frame", s->o->host);
		}
		return -1;
	}
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
