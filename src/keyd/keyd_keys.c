/*
 * The client private key for the bound server: decoded once at start,
 * kept only as a wolfCrypt key object in this process, wiped at exit.
 * The network process gets the certificate and the public key (SPKI).
 */
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/hash.h>

#include <string.h>
#include <strings.h>

#include "../lib/msg.h"
#include "../lib/x509.h"
#include "keyd.h"

static const struct kdb_entry *
find(const struct keyd *k, int kind)
{
	size_t i;

	for (i = 0; i < k->db.n; i++)
		if (k->db.e[i].kind == kind &&
		    strcasecmp(k->db.e[i].server, k->server) == 0)
			return &k->db.e[i];
	return NULL;
}

/* wolfCrypt refused what it never refuses with memory to spare: say so. */
static int
no_crypto(const char *what)
{
	bwk_msg("BWK0554E", "cannot set up %s for the client key; stopping",
	    what);
	return -1;
}

/*
 * For bulwark, the client identity of the bound server; for bulwarkd
 * (--serve), the server's own identity under the bound label.
 */
int
keyd_load_client_key(struct keyd *k)
{
	const struct kdb_entry *ke = find(k, k->serve ? KDB_SERVER_KEY :
	    KDB_CLIENT_KEY);
	const struct kdb_entry *ce = find(k, k->serve ? KDB_SERVER_CERT :
	    KDB_CLIENT_CERT);
	word32 idx = 0;
	int r;

	memset(&k->key, 0, sizeof(k->key));
	if (ke == NULL)
		return 0;	/* no client certificate authentication */
	if (ce == NULL) {
		bwk_msg("BWK0530E", "server %s has a client key but no client "
		    "certificate in the key database; import both again with "
		    "bulwark-cert -replace -client -server %s -file CERT -key "
		    "KEY", k->server, k->server);
		return -1;
	}
	if (wc_ecc_init(&k->key.ecc) != 0)
		return no_crypto("an EC key object");
	if (wc_InitRsaKey(&k->key.rsa, NULL) != 0) {
		wc_ecc_free(&k->key.ecc);
		return no_crypto("an RSA key object");
	}
	k->key.inited = 1;
	if (wc_EccPrivateKeyDecode(ke->data, &idx, &k->key.ecc,
	    (word32)ke->len) == 0) {
		k->key.type = X509_KEY_EC;
		r = wc_EccPublicKeyToDer(&k->key.ecc, k->key.spki,
		    sizeof(k->key.spki), 1);
	} else {
		idx = 0;
		if (wc_RsaPrivateKeyDecode(ke->data, &idx, &k->key.rsa,
		    (word32)ke->len) != 0) {
			bwk_msg("BWK0531E", "the client key for server %s "
			    "cannot be decoded", k->server);
			return -1;
		}
		k->key.type = X509_KEY_RSA;
		r = wc_RsaKeyToPublicDer(&k->key.rsa, k->key.spki,
		    sizeof(k->key.spki));
		/* blinding needs an RNG: side channels on the private op */
		if (r > 0 && wc_RsaSetRNG(&k->key.rsa, &k->rng) != 0)
			r = -1;
	}
	if (r <= 0) {
		bwk_msg("BWK0531E", "the client key for server %s has no "
		    "usable public part", k->server);
		return -1;
	}
	k->key.spki_len = (size_t)r;
	if (wc_Sha256Hash(k->key.spki, (word32)r, k->key.id) != 0)
		return no_crypto("the key id (SHA-256)");
	k->key.cert = ce;
	return 0;
}

void
keyd_free_client_key(struct keyd *k)
{
	if (k->key.inited) {
		wc_ecc_free(&k->key.ecc);
		wc_FreeRsaKey(&k->key.rsa);
	}
	explicit_bzero(&k->key, sizeof(k->key));
}
