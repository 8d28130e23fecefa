/*
 * The file side's channel to the network process (netchan.h).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "../lib/fdpass.h"
#include "netchan.h"

int
netchan_send(int sock, struct wire_out *w, int fd)
{
	if (wire_finish(w) == -1) {
		errno = EMSGSIZE;
		return -1;
	}
	return fdpass_sendv(sock, w->buf, w->len, fd);
}

int
netchan_recv(int sock, struct netchan_msg *m)
{
	size_t got, len;
	uint16_t type;
	int r;

	if ((r = fdpass_recvv(sock, m->buf, sizeof(m->buf), &got, &m->fd)) ==
	    1)
		return 0;
	if (r == -1)
		return -1;
	if (got < WIRE_HDR_LEN || wire_header(m->buf, &type, &len) == -1 ||
	    len != got - WIRE_HDR_LEN) {
		if (m->fd != -1)
			close(m->fd);
		m->fd = -1;
		errno = EPROTO;
		return -1;
	}
	m->type = type;
	wire_in_init(&m->in, type, m->buf + WIRE_HDR_LEN, len);
	return 1;
}

void
netchan_put_result(struct wire_out *w, const struct netchan_result *r)
{
	char id[8];

	memset(id, ' ', sizeof(id));
	memcpy(id, r->id, strnlen(r->id, sizeof(id)));
	wire_put_n8(w, r->status);
	wire_put_n64(w, r->version);
	wire_put_n64(w, r->size);
	wire_put(w, r->sha256, 32);
	wire_put(w, id, 8);
	wire_put_text(w, r->text, WIRE_TEXT_MAX);
}

int
netchan_get_result(struct wire_in *in, struct netchan_result *r)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	if (wire_get_n8(in, &r->status) == -1 ||
	    wire_get_n64(in, &r->version) == -1 ||
	    wire_get_n64(in, &r->size) == -1 ||
	    wire_get(in, r->sha256, 32) == -1 || wire_get(in, r->id, 8) == -1 ||
	    wire_get_text(in, r->text, WIRE_TEXT_MAX) == -1 ||
	    wire_end(in) == -1 || r->status > NC_STATUS_MAX)
		return -1;
	/* an ID is printable or blank: it goes into the user's messages */
	for (i = 0; i < 8; i++)
		if (r->id[i] < 0x20 || r->id[i] > 0x7e)
			return -1;
	r->id[8] = '\0';
	for (i = 0; r->text[i] != '\0'; i++)
		if ((unsigned char)r->text[i] < 0x20 || r->text[i] == 0x7f)
			r->text[i] = '?';
	return 0;
}
