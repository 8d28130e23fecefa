/*
 * Certificate files as administrators hand them to bulwark-cert: one DER
 * certificate, or PEM armour (the seed's .arm files) holding one or more
 * CERTIFICATE blocks. Strict: bad armour is an error, never skipped.
 * Every byte here comes from a file someone else may have written.
 */
#ifndef BWK_CERTFILE_H
#define BWK_CERTFILE_H

#include <stddef.h>
#include <stdint.h>

#define CERTFILE_MAX_SIZE	(1024 * 1024)	/* a bundle, not a CA store */
#define CERTFILE_MAX_CERTS	64
#define CERT_DER_MAX		(64 * 1024)	/* larger is not a server cert */

struct der_blob {
	uint8_t		*der;
	size_t		 len;
};

struct cert_list {
	struct der_blob	 c[CERTFILE_MAX_CERTS];
	size_t		 n;
};

/*
 * Splits buf into DER certificates. On error returns -1 and writes the
 * message ID and reason (with the line number for PEM errors) into why.
 */
int	certfile_split(const uint8_t *buf, size_t len, struct cert_list *out,
	    const char **id, char *why, size_t whylen);
void	cert_list_free(struct cert_list *);

/* Strict RFC 4648 base64 (no URL alphabet); -1 on any bad character. */
int	bwk_b64_decode(const char *in, size_t inlen, uint8_t *out,
	    size_t outcap, size_t *outlen);

#endif
