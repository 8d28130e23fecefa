/* bulwarkd's own key and self-signed certificate: see certgen.c. */
#ifndef BWK_CERTGEN_H
#define BWK_CERTGEN_H

#include <stddef.h>
#include <stdint.h>

#define SERVER_CERT_DAYS	3650	/* as the seed's, but warned of */

struct server_identity {
	uint8_t		key[4096];	/* DER: RFC 5915 (EC) or PKCS#1 (RSA) */
	size_t		key_len;
	uint8_t		cert[8192];	/* DER */
	size_t		cert_len;
};

struct certgen_opts {
	const char	*label;		/* "default" for the first */
	int		 days;
	int		 rsa;		/* RSA-3072 instead of ECDSA P-256 */
	int		 renew;		/* a new certificate for id->key */
};

/*
 * A new key (or, with renew, the key already in id) and a self-signed
 * certificate for it into id. -1 when wolfCrypt fails.
 */
int	certgen_make(const struct certgen_opts *, struct server_identity *);
/* The certificate as PEM, NUL-terminated; its length, or -1. */
int	certgen_pem(const struct server_identity *, char *out, size_t cap);

#endif
