/*
 * The session's exporter values (RFC 5705), from the TLS 1.2 exporter,
 * each 32 bytes with no context, sound on TLS 1.2 only with the extended
 * master secret, which the policy requires on both sides:
 *
 *	EXPORTER-Channel-Binding	the sign-on's tls-exporter channel
 *					binding (RFC 9266, docs/scram.md)
 *	EXPORTER-bulwark-standby-key	what the standby key's proof of
 *					possession is bound to (standby.h)
 *
 * Both are derived at the first call, together, and only then are the
 * handshake's randoms wiped (wolfSSL_FreeArrays): a second value asked
 * for after the wipe could not be derived. One function for the client
 * and the server, so the two cannot derive them differently.
 */
#include <string.h>

#include "../lib/scram.h"
#include "../lib/standby.h"
#include "session.h"

static int
export_one(struct session *s, const char *label, uint8_t out[32])
{
	return wolfSSL_export_keying_material(s->ssl, out, 32, label,
	    strlen(label), NULL, 0, 0) == WOLFSSL_SUCCESS ? 0 : -1;
}

/* Both values once; then the randoms go, whatever the outcome. */
static int
derive(struct session *s)
{
	int r;

	if (s->ekm_state != 0)
		return s->ekm_state == 1 ? 0 : -1;
	if (s->ssl == NULL || !s->facts.ems)
		return -1;
	r = export_one(s, SCRAM_CB_LABEL, s->ekm_cb) == 0 &&
	    export_one(s, STANDBY_EXPORTER_LABEL, s->ekm_standby) == 0;
	wolfSSL_FreeArrays(s->ssl);
	s->ekm_state = r ? 1 : -1;
	if (!r) {
		explicit_bzero(s->ekm_cb, sizeof(s->ekm_cb));
		explicit_bzero(s->ekm_standby, sizeof(s->ekm_standby));
	}
	return r ? 0 : -1;
}

int
session_exporter(struct session *s, uint8_t out[SCRAM_CB_LEN])
{
	if (derive(s) == -1)
		return -1;
	memcpy(out, s->ekm_cb, SCRAM_CB_LEN);
	return 0;
}

int
session_standby_exporter(struct session *s, uint8_t out[STANDBY_EKM_LEN])
{
	if (derive(s) == -1)
		return -1;
	memcpy(out, s->ekm_standby, STANDBY_EKM_LEN);
	return 0;
}
