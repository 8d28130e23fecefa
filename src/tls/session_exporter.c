/*
 * The session's channel-binding value, tls-exporter (RFC 9266): 32 bytes
 * from the TLS 1.2 exporter (RFC 5705) with the label
 * "EXPORTER-Channel-Binding" and no context. Sound on TLS 1.2 only with
 * the extended master secret, which the policy requires on both sides.
 * One function for the client and the server, so the two cannot derive it
 * differently; the fuzzers stand in for it.
 */
#include <string.h>

#include "../lib/scram.h"
#include "session.h"

int
session_exporter(struct session *s, uint8_t out[SCRAM_CB_LEN])
{
	int r;

	if (s->ssl == NULL || !s->facts.ems)
		return -1;
	r = wolfSSL_export_keying_material(s->ssl, out, SCRAM_CB_LEN,
	    SCRAM_CB_LABEL, strlen(SCRAM_CB_LABEL), NULL, 0, 0);
	/* one sign-on per session: the handshake's randoms go now */
	wolfSSL_FreeArrays(s->ssl);
	return r == WOLFSSL_SUCCESS ? 0 : -1;
}
