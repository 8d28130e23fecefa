/*
 * A server's standby key, announced inside a session the current key
 * authenticated (docs/protocol.md, STANDBY_KEY): OpenSSH's UpdateHostKeys
 * in TLS terms. The server's key helper signs, with the standby key, a
 * fixed-shape input: a label, this session's exporter value under its
 * own label, and the SHA-256 of the standby certificate. The proof is
 * bound to the session, so it cannot be replayed into another, and to
 * the certificate, so it cannot be moved to another key.
 *
 * Both sides build the input here: the server's helper (which signs it)
 * and the client's network process (which verifies it).
 */
#ifndef BWK_STANDBY_H
#define BWK_STANDBY_H

#include <stddef.h>
#include <stdint.h>

/* The exporter label (RFC 5705); the sign-on's is EXPORTER-Channel-Binding. */
#define STANDBY_EXPORTER_LABEL	"EXPORTER-bulwark-standby-key"
#define STANDBY_EKM_LEN		32
/* What the signature covers first: versioned, so a v2 cannot be confused. */
#define STANDBY_SIG_LABEL	"bulwark standby key v1"
#define STANDBY_SIG_LABEL_LEN	(sizeof(STANDBY_SIG_LABEL) - 1)
#define STANDBY_INPUT_LEN	(STANDBY_SIG_LABEL_LEN + STANDBY_EKM_LEN + 32)
/* The standby certificate a STANDBY_KEY frame carries, DER. */
#define STANDBY_CERT_MAX	16384
#define STANDBY_SIG_MAX		1024

/* label || exporter value || SHA-256(cert): exactly STANDBY_INPUT_LEN. */
void	standby_input(const uint8_t ekm[STANDBY_EKM_LEN],
	    const uint8_t cert_hash[32], uint8_t out[STANDBY_INPUT_LEN]);

/*
 * Checks sig over the input for cert, with cert's own public key:
 * ECDSA with SHA-256 for an EC key, RSASSA-PSS with SHA-256, MGF1-SHA-256
 * and a 32-byte salt for an RSA key. 0 when it verifies; -1 with why.
 */
int	standby_verify(const uint8_t *cert, size_t cert_len,
	    const uint8_t ekm[STANDBY_EKM_LEN], const uint8_t *sig,
	    size_t sig_len, char *why, size_t whylen);

#endif
