/*
 * The helper protocol's frames: built, checked, read, sent and received
 * the same way by both sides (docs/keyd-protocol.md).
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "names.h"
#include "proto.h"

/* A request number is even, and SIGNON's 10 is never given again. */
#define KEYD_TYPE_CHECK(N, n, num, ...)					\
	_Static_assert((num) % 2 == 0 && (num) != 10,			\
	    #N ": requests are even numbers, and 10 was SIGNON's");
KEYD_REQUESTS(KEYD_TYPE_CHECK)
#undef KEYD_TYPE_CHECK

const char *
keyd_type_name(unsigned int type)
{
	switch (type) {
	case KEYD_ANS_FAIL:
		return "FAIL";
#define KEYD_TYPE_NAME(N, n, num, ...)					\
	case KEYD_REQ_##N:						\
	case KEYD_ANS_##N:						\
		return #N;
	KEYD_REQUESTS(KEYD_TYPE_NAME)
#undef KEYD_TYPE_NAME
	}
	return NULL;
}

void
frame_init(struct frame *f, uint16_t type, uint32_t seq)
{
	f->len = KEYD_HDR_LEN;
	f->overflow = 0;
	memset(f->buf, 0, KEYD_HDR_LEN);
	memcpy(f->buf + 4, &type, 2);
	memcpy(f->buf + 8, &seq, 4);
}

void
frame_put(struct frame *f, const void *p, size_t n)
{
	if (f->overflow || n > sizeof(f->buf) - f->len) {
		f->overflow = 1;
		return;
	}
	memcpy(f->buf + f->len, p, n);
	f->len += n;
}

void
frame_put_u8(struct frame *f, uint8_t v)
{
	frame_put(f, &v, 1);
}

void
frame_put_h16(struct frame *f, uint16_t v)
{
	frame_put(f, &v, 2);
}

void
frame_put_h32(struct frame *f, uint32_t v)
{
	frame_put(f, &v, 4);
}

void
frame_put_label(struct frame *f, const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > KEYD_LABEL_MAX) {
		f->overflow = 1;
		return;
	}
	frame_put_u8(f, (uint8_t)n);
	frame_put(f, s, n);
}

int
frame_finish(struct frame *f)
{
	uint32_t len = (uint32_t)f->len;

	if (f->overflow)
		return -1;
	memcpy(f->buf, &len, 4);
	return 0;
}

int
msg_parse(const uint8_t *buf, size_t len, struct msg *m)
{
	uint32_t flen;
	uint16_t flags;

	if (len < KEYD_HDR_LEN || len > KEYD_MAX_FRAME)
		return -1;
	memcpy(&flen, buf, 4);
	memcpy(&m->type, buf + 4, 2);
	memcpy(&flags, buf + 6, 2);
	memcpy(&m->seq, buf + 8, 4);
	/* the length must be the datagram's: no short or padded frames */
	if (flen != len || flags != 0)
		return -1;
	m->p = buf + KEYD_HDR_LEN;
	m->left = len - KEYD_HDR_LEN;
	return 0;
}

int
msg_ref(struct msg *m, size_t n, const uint8_t **p)
{
	if (n > m->left)
		return -1;
	*p = m->p;
	m->p += n;
	m->left -= n;
	return 0;
}

int
msg_get(struct msg *m, void *out, size_t n)
{
	const uint8_t *p;

	if (msg_ref(m, n, &p) == -1)
		return -1;
	memcpy(out, p, n);
	return 0;
}

int
msg_get_u8(struct msg *m, uint8_t *v)
{
	return msg_get(m, v, 1);
}

int
msg_get_h16(struct msg *m, uint16_t *v)
{
	return msg_get(m, v, 2);
}

int
msg_get_h32(struct msg *m, uint32_t *v)
{
	return msg_get(m, v, 4);
}

int
msg_get_label(struct msg *m, char out[KEYD_LABEL_MAX + 1])
{
	uint8_t n;

	if (msg_get_u8(m, &n) == -1 || n == 0 || n > KEYD_LABEL_MAX ||
	    msg_get(m, out, n) == -1)
		return -1;
	out[n] = '\0';
	if (memchr(out, '\0', n) != NULL)
		return -1;	/* a NUL would hide the rest from the check */
	return kdb_label_ok(out) ? 0 : -1;
}

int
msg_end(const struct msg *m)
{
	return m->left == 0 ? 0 : -1;
}

size_t
keyd_hash_len(int hash)
{
	switch (hash) {
	case KEYD_SHA256:	return 32;
	case KEYD_SHA384:	return 48;
	case KEYD_SHA512:	return 64;
	}
	return 0;
}

/* DigestInfo prefixes, RFC 8017 section 9.2 note 1. */
static const uint8_t di_sha256[] = { 0x30, 0x31, 0x30, 0x0d, 0x06, 0x09,
    0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04,
    0x20 };
static const uint8_t di_sha384[] = { 0x30, 0x41, 0x30, 0x0d, 0x06, 0x09,
    0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04,
    0x30 };
static const uint8_t di_sha512[] = { 0x30, 0x51, 0x30, 0x0d, 0x06, 0x09,
    0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04,
    0x40 };

const uint8_t *
keyd_digestinfo_prefix(int hash, size_t *len)
{
	*len = 19;
	switch (hash) {
	case KEYD_SHA256:	return di_sha256;
	case KEYD_SHA384:	return di_sha384;
	case KEYD_SHA512:	return di_sha512;
	}
	*len = 0;
	return NULL;
}

int
frame_send(int fd, const struct frame *f)
{
	ssize_t w;

	/* write(2), not send(2): the helper's seccomp filter allows only it */
	do {
		w = write(fd, f->buf, f->len);
	} while (w == -1 && errno == EINTR);
	return w == (ssize_t)f->len ? 0 : -1;
}

ssize_t
frame_recv(int fd, uint8_t *buf, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t r;
	int pr;

	if (timeout_ms >= 0) {
		do {
			pr = poll(&pfd, 1, timeout_ms);
		} while (pr == -1 && errno == EINTR);
		if (pr == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (pr == -1)
			return -1;
	}
	/*
	 * One read is one datagram. The buffer has a byte to spare, so an
	 * oversized frame fills it and is refused rather than silently cut.
	 */
	do {
		r = read(fd, buf, KEYD_MAX_FRAME + 1);
	} while (r == -1 && errno == EINTR);
	if (r > KEYD_MAX_FRAME) {
		errno = EMSGSIZE;
		return -1;
	}
	return r;
}
