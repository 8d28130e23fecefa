/*
 * The client private key for the bound server: decoded once at start,
 * kept only as a wolfCrypt key object in this process, wiped at exit.
 * The network process gets the certificate and the public key (SPKI).
 * A server's helper holds its identity the same way, and its standby
 * key beside it.
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
find(const struct keyd *k, const char *server, int kind)
{
	size_t i;

	for (i = 0; i < k->db.n; i++)
		if (k->db.e[i].kind == kind &&
		    strcasecmp(k->db.e[i].server, server) == 0)
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
 * A key entry as a wolfCrypt key object, its SPKI and key id, with its
 * certificate. The names in messages are the client key's: the server's
 * own keys are bulwarkd's, made by it, and reported the same way.
 */
int
keyd_key_load(struct keyd *k, struct keyd_key *kk, const struct kdb_entry *ke,
    const struct kdb_entry *ce)
{
	word32 idx = 0;
	int r;

	memset(kk, 0, sizeof(*kk));
	if (wc_ecc_init(&kk->ecc) != 0)
		return no_crypto("an EC key object");
	if (wc_InitRsaKey(&kk->rsa, NULL) != 0) {
		wc_ecc_free(&kk->ecc);
		return no_crypto("an RSA key object");
	}
	kk->inited = 1;
	if (wc_EccPrivateKeyDecode(ke->data, &idx, &kk->ecc,
	    (word32)ke->len) == 0) {
		kk->type = X509_KEY_EC;
		r = wc_EccPublicKeyToDer(&kk->ecc, kk->spki,
		    sizeof(kk->spki), 1);
	} else {
		idx = 0;
		if (wc_RsaPrivateKeyDecode(ke->data, &idx, &kk->rsa,
		    (word32)ke->len) != 0) {
			bwk_msg("BWK0531E", "the client key for server %s "
			    "cannot be decoded", ke->server);
			return -1;
		}
		kk->type = X509_KEY_RSA;
		r = wc_RsaKeyToPublicDer(&kk->rsa, kk->spki,
		    sizeof(kk->spki));
		/* blinding needs an RNG: side channels on the private op */
		if (r > 0 && wc_RsaSetRNG(&kk->rsa, &k->rng) != 0)
			r = -1;
	}
	if (r <= 0) {
		bwk_msg("BWK0531E", "the client key for server %s has no "
		    "usable public part", ke->server);
		return -1;
	}
	kk->spki_len = (size_t)r;
	if (wc_Sha256Hash(kk->spki, (word32)r, kk->id) != 0)
		return no_crypto("the key id (SHA-256)");
	kk->cert = ce;
	return 0;
}

void
keyd_key_free(struct keyd_key *kk)
{
	if (kk->inited) {
		wc_ecc_free(&kk->ecc);
		wc_FreeRsaKey(&kk->rsa);
	}
	explicit_bzero(kk, sizeof(*kk));
}

/*
 * For bulwark, the client identity of the bound server; for bulwarkd
 * (--serve), the server's own identity under the bound label.
 */
int
keyd_load_client_key(struct keyd *k)
{
	const struct kdb_entry *ke = find(k, k->server, k->serve ?
	    KDB_SERVER_KEY : KDB_CLIENT_KEY);
	const struct kdb_entry *ce = find(k, k->server, k->serve ?
	    KDB_SERVER_CERT : KDB_CLIENT_CERT);

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
	return keyd_key_load(k, &k->key, ke, ce);
}

void
keyd_free_client_key(struct keyd *k)
{
	keyd_key_free(&k->key);
	keyd_key_free(&k->standby);
}

/*
 * bulwarkd's standby key, under the label --standby named: what its
 * sessions announce. One that is missing or unusable is reported and
 * left out: the sessions go on with the current key, announcing nothing,
 * rather than stop because of a key not in use yet.
 */
int
keyd_load_standby(struct keyd *k)
{
	const struct kdb_entry *ke, *ce;

	if (!k->serve || k->standby_label[0] == '\0')
		return 0;
	ke = find(k, k->standby_label, KDB_SERVER_KEY);
	ce = find(k, k->standby_label, KDB_SERVER_CERT);
	if (ke == NULL || ce == NULL || keyd_key_load(k, &k->standby, ke,
	    ce) == -1) {
		keyd_key_free(&k->standby);
		bwk_msg("BWK0564W", "the standby key %s is not in the server's "
		    "key database, or cannot be used; this session announces "
		    "no standby key", k->standby_label);
		k->standby_label[0] = '\0';
	}
	return 0;
}
