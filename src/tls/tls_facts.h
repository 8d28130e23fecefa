/*
 * What was negotiated, read from the wolfSSL session itself: wolfSSL has
 * no public call for extended master secret or the server's signature
 * algorithm, and the policy needs both before any data is sent.
 */
#ifndef BWK_TLS_FACTS_H
#define BWK_TLS_FACTS_H

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

struct tls_facts {
	int		ems;		/* extended master secret in use */
	char		sig[24];	/* server's ServerKeyExchange: ECDSA+SHA256 */
	char		group[8];	/* ECDHE group: P-256, "" before the key exchange */
	char		suite[48];	/* ECDHE-ECDSA-AES256-GCM-SHA384 */
	int		hello_done;	/* the ServerHello was accepted */
	int		cert_requested;	/* the server sent a CertificateRequest */
};

/*
 * Readable as soon as the ServerHello was processed (EMS, suite); the
 * signature and group once the ServerKeyExchange was (sig and group are
 * "" before it).
 */
int	tls_facts_get(WOLFSSL *, struct tls_facts *);

#endif
