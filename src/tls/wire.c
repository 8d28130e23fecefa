/* The session protocol's frames: see wire.h and docs/protocol.md. */
#include <string.h>

#include "wire.h"

void
wire_begin(struct wire_out *w, uint16_t type)
{
	memset(w->buf, 0, WIRE_HDR_LEN);
	w->buf[4] = (uint8_t)(type >> 8);
	w->buf[5] = (uint8_t)type;
	w->len = WIRE_HDR_LEN;
	w->overflow = 0;
}

void
wire_put(struct wire_out *w, const void *p, size_t n)
{
	if (w->overflow || n > sizeof(w->buf) - w->len) {
		w->overflow = 1;
		return;
	}
	if (n > 0)
		memcpy(w->buf + w->len, p, n);
	w->len += n;
}

void
wire_put_n8(struct wire_out *w, uint8_t v)
{
	wire_put(w, &v, 1);
}

void
wire_put_n16(struct wire_out *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	wire_put(w, b, sizeof(b));
}

void
wire_put_n32(struct wire_out *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	wire_put(w, b, sizeof(b));
}

void
wire_put_n64(struct wire_out *w, uint64_t v)
{
	wire_put_n32(w, (uint32_t)(v >> 32));
	wire_put_n32(w, (uint32_t)v);
}

void
wire_put_name(struct wire_out *w, const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > WIRE_NAME_MAX) {
		w->overflow = 1;
		return;
	}
	wire_put_n8(w, (uint8_t)n);
	wire_put(w, s, n);
}

void
wire_put_text(struct wire_out *w, const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max || n > 0xffff) {
		w->overflow = 1;
		return;
	}
	wire_put_n16(w, (uint16_t)n);
	wire_put(w, s, n);
}

void
wire_put_path(struct wire_out *w, const char *s)
{
	if (s[0] == '\0') {
		w->overflow = 1;
		return;
	}
	wire_put_text(w, s, WIRE_PATH_MAX);
}

int
wire_finish(struct wire_out *w)
{
	size_t n = w->len - WIRE_HDR_LEN;

	if (w->overflow || n > WIRE_MAX_PAYLOAD)
		return -1;
	w->buf[0] = (uint8_t)(n >> 24);
	w->buf[1] = (uint8_t)(n >> 16);
	w->buf[2] = (uint8_t)(n >> 8);
	w->buf[3] = (uint8_t)n;
	return 0;
}

int
wire_header(const uint8_t hdr[WIRE_HDR_LEN], uint16_t *type, size_t *len)
{
	uint32_t n = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
	    (uint32_t)hdr[2] << 8 | hdr[3];

	if (n > WIRE_MAX_PAYLOAD || hdr[6] != 0 || hdr[7] != 0)
		return -1;
	*type = (uint16_t)(hdr[4] << 8 | hdr[5]);
	*len = n;
	return 0;
}

void
wire_in_init(struct wire_in *m, uint16_t type, const uint8_t *p, size_t n)
{
	m->type = type;
	m->p = p;
	m->left = n;
}

int
wire_get(struct wire_in *m, void *out, size_t n)
{
	if (n > m->left)
		return -1;
	if (n > 0)
		memcpy(out, m->p, n);
	m->p += n;
	m->left -= n;
	return 0;
}

int
wire_get_n8(struct wire_in *m, uint8_t *v)
{
	return wire_get(m, v, 1);
}

int
wire_get_n16(struct wire_in *m, uint16_t *v)
{
	uint8_t b[2];

	if (wire_get(m, b, sizeof(b)) == -1)
		return -1;
	*v = (uint16_t)(b[0] << 8 | b[1]);
	return 0;
}

int
wire_get_n32(struct wire_in *m, uint32_t *v)
{
	uint8_t b[4];

	if (wire_get(m, b, sizeof(b)) == -1)
		return -1;
	*v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
	return 0;
}

int
wire_get_n64(struct wire_in *m, uint64_t *v)
{
	uint32_t hi, lo;

	if (wire_get_n32(m, &hi) == -1 || wire_get_n32(m, &lo) == -1)
		return -1;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

int
wire_ref(struct wire_in *m, size_t n, const uint8_t **p)
{
	if (n > m->left)
		return -1;
	*p = m->p;
	m->p += n;
	m->left -= n;
	return 0;
}

int
wire_get_name(struct wire_in *m, char out[WIRE_NAME_MAX + 1])
{
	const uint8_t *p;
	uint8_t n;
	size_t i;

	if (wire_get_n8(m, &n) == -1 || n == 0 || n > WIRE_NAME_MAX ||
	    wire_ref(m, n, &p) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (p[i] < 0x21 || p[i] > 0x7e)
			return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

int
wire_get_text(struct wire_in *m, char *out, size_t max)
{
	const uint8_t *p;
	uint16_t n;

	if (wire_get_n16(m, &n) == -1 || n > max || wire_ref(m, n, &p) == -1 ||
	    memchr(p, '\0', n) != NULL)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

int
wire_get_path(struct wire_in *m, char out[WIRE_PATH_MAX + 1])
{
	const uint8_t *save = m->p;
	size_t left = m->left;

	if (wire_get_text(m, out, WIRE_PATH_MAX) == -1 || out[0] == '\0') {
		m->p = save;
		m->left = left;
		return -1;
	}
	return 0;
}

int
wire_end(const struct wire_in *m)
{
	return m->left == 0 ? 0 : -1;
}

const char *
wire_type_name(uint16_t t)
{
	switch (t) {
	case WIRE_ERROR:		return "ERROR";
	case WIRE_HELLO:		return "HELLO";
	case WIRE_HELLO_OK:		return "HELLO_OK";
	case WIRE_SCRAM_FIRST:		return "SCRAM_FIRST";
	case WIRE_SCRAM_CHALLENGE:	return "SCRAM_CHALLENGE";
	case WIRE_SCRAM_FINAL:		return "SCRAM_FINAL";
	case WIRE_SCRAM_OUTCOME:	return "SCRAM_OUTCOME";
	case WIRE_ADMIN:		return "ADMIN";
	case WIRE_ROWS:			return "ROWS";
	case WIRE_QUERY_SESSION:	return "QUERY_SESSION";
	case WIRE_SIGNED_ON:		return "SIGNED_ON";
	case WIRE_SET_PASSWORD:		return "SET_PASSWORD";
	case WIRE_PASSWORD_SET:		return "PASSWORD_SET";
	case WIRE_SESSION:		return "SESSION";
	case WIRE_STANDBY_KEY:		return "STANDBY_KEY";
	case WIRE_BACKUP:		return "BACKUP";
	case WIRE_OBJECT_OK:		return "OBJECT_OK";
	case WIRE_DATA:			return "DATA";
	case WIRE_OBJECT_REFUSED:	return "OBJECT_REFUSED";
	case WIRE_DATA_END:		return "DATA_END";
	case WIRE_ABANDON:		return "ABANDON";
	case WIRE_DEACTIVATE:		return "DEACTIVATE";
	case WIRE_QUERY_BACKUP:		return "QUERY_BACKUP";
	case WIRE_OBJECTS:		return "OBJECTS";
	case WIRE_QUERY_FILESPACE:	return "QUERY_FILESPACE";
	case WIRE_FILESPACES:		return "FILESPACES";
	case WIRE_RESTORE:		return "RESTORE";
	case WIRE_RDATA:		return "RDATA";
	case WIRE_RDATA_END:		return "RDATA_END";
	case WIRE_BYE:			return "BYE";
	case WIRE_BYE_OK:		return "BYE_OK";
	}
	return "unknown";
}
