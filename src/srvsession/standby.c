/*
 * The standby key's announcement, the server's side (docs/protocol.md,
 * STANDBY_KEY): after a node signed on, inside the session its current
 * key authenticated, the server sends its standby certificate and a
 * proof that it holds the standby key, bound to this session. The proof
 * is made by the session's key helper (SIGN_STANDBY), which holds the
 * standby key as it holds the current one; this process hands it the
 * session's exporter value and nothing else. HELLO_OK told the client
 * the frame would come (WIRE_HELLO_OK_STANDBY).
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/standby.h"
#include "serve.h"

int
standby_due(const struct served *v)
{
	return v->s->kd.standby && v->role == WIRE_ROLE_NODE;
}

#ifdef BULWARK_TESTING
/*
 * Test builds only: a forged announcement, for the client's refusal to
 * be tested against a real server (tests/test_rotation.c). "exporter"
 * has the proof made over another session's exporter value, "signature"
 * breaks the signature made over this one's.
 */
static void
forge(const struct served *v, uint8_t ekm[STANDBY_EKM_LEN], uint8_t *sig,
    size_t siglen, int after)
{
	size_t i;

	if (v->env->forge == NULL)
		return;
	if (!after && strcmp(v->env->forge, "exporter") == 0)
		for (i = 0; i < STANDBY_EKM_LEN; i++)
			ekm[i] ^= 0x5a;
	if (after && strcmp(v->env->forge, "signature") == 0 && siglen > 8)
		sig[siglen - 8] ^= 0x01;
}
#else
#define forge(v, ekm, sig, siglen, after)	do { } while (0)
#endif

int
standby_announce(struct served *v)
{
	static uint8_t cert[STANDBY_CERT_MAX];
	static struct wire_out w;
	uint8_t ekm[STANDBY_EKM_LEN], sig[STANDBY_SIG_MAX];
	size_t clen = sizeof(cert), slen = sizeof(sig);
	int r;

	/* an expired password too: HELLO_OK promised the frame after
	 * SIGNED_ON, and the key is the server's whatever the password */
	if (!standby_due(v) ||
	    (v->state != SV_SIGNED && v->state != SV_EXPIRED))
		return 0;
	if (session_standby_exporter(v->s, ekm) == -1)
		return serve_refuse(v, "BWK1424E", "the server could not derive "
		    "this session's exporter value for its standby key; try "
		    "again later");
	forge(v, ekm, sig, slen, 0);
	r = keyd_sign_standby(&v->s->kd, ekm, cert, &clen, sig, &slen);
	explicit_bzero(ekm, sizeof(ekm));
	if (r == -1)
		return serve_refuse(v, "BWK1424E", "the server's key helper "
		    "could not prove its standby key in this session; try again "
		    "later");
	forge(v, ekm, sig, slen, 1);
	wire_begin(&w, WIRE_STANDBY_KEY);
	wire_put_n16(&w, (uint16_t)clen);
	wire_put(&w, cert, clen);
	wire_put_n16(&w, (uint16_t)slen);
	wire_put(&w, sig, slen);
	if (session_wire_send(v->s, &w) == -1)
		return -1;
	sess_info(v->s, "BWK1425I", "%s: announced the standby key to %s %s, "
	    "with its proof bound to this session", v->s->o->host,
	    signon_role(v), v->account);
	return 0;
}
