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
	char		group[8];	/* ECDHE group: P-256 */
};

int	tls_facts_get(WOLFSSL *, struct tls_facts *);

#endif
