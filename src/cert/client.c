/*
 * Client identities: -add -client (a client certificate and its private
 * key for one server) and -nodepw (a node's password for one server).
 * Both are secrets of the key database: -list never shows them, and only
 * bulwark-keyd uses them.
 */
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/rsa.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../lib/certfile.h"
#include "../lib/password.h"
#include "../lib/msg.h"
#include "cert.h"

#define KEYFILE_MAX	(64 * 1024)
#define PASSWORD_MAX	255

/* The key as traditional DER (PKCS#1 or RFC 5915), unencrypted only. */
static int
read_key(const char *path, uint8_t **der, size_t *derlen)
{
	uint8_t *buf, *out;
	size_t len;
	int n;

	if (bwk_read_file(path, KEYFILE_MAX, &buf, &len) == -1) {
		cert_read_failed(path, "-key", "the private key file");
		return -1;
	}
	if ((out = malloc(len + 1)) == NULL) {
		free(buf);
		return -1;
	}
	n = wc_KeyPemToDer(buf, (int)len, out, (int)len, NULL);
	explicit_bzero(buf, len);
	free(buf);
	if (n <= 0) {
		bwk_msg("BWK0370E", "%s is not an unencrypted PEM private key "
		    "(an encrypted key must be decrypted first, e.g. with "
		    "openssl pkey)", path);
		free(out);
		return -1;
	}
	/*
	 * PKCS#8 is kept as it is: for EC keys the curve is named only in
	 * its algorithm identifier, and wolfCrypt's decoders read both forms.
	 */
	*der = out;
	*derlen = (size_t)n;
	return 0;
}

/*
 * A private key (PKCS#8, PKCS#1 or RFC 5915): its size (RSA modulus or EC
 * field bits) and its public half as SubjectPublicKeyInfo DER, through
 * wolfCrypt alone (this tool links no TLS layer). *type is X509_KEY_OTHER
 * and 0 is returned when neither an EC nor an RSA key decodes.
 */
static int
key_public(const uint8_t *key, size_t klen, enum x509_key *type,
    uint8_t *spki, size_t cap, size_t *spkilen)
{
	RsaKey rsa;
	ecc_key ecc;
	word32 idx = 0;
	int bits = 0, n = -1;

	*type = X509_KEY_OTHER;
	if (wc_ecc_init(&ecc) == 0) {
		if (wc_EccPrivateKeyDecode(key, &idx, &ecc, (word32)klen) == 0) {
			*type = X509_KEY_EC;
			bits = wc_ecc_size(&ecc) * 8;
			n = wc_EccPublicKeyToDer(&ecc, spki, (word32)cap, 1);
		}
		wc_ecc_free(&ecc);
	}
	idx = 0;
	if (bits == 0 && wc_InitRsaKey(&rsa, NULL) == 0) {
		if (wc_RsaPrivateKeyDecode(key, &idx, &rsa, (word32)klen) == 0) {
			*type = X509_KEY_RSA;
			bits = wc_RsaEncryptSize(&rsa) * 8;
			n = wc_RsaKeyToPublicDer(&rsa, spki, (word32)cap);
		}
		wc_FreeRsaKey(&rsa);
	}
	*spkilen = n > 0 ? (size_t)n : 0;
	return bits;
}

enum key_check { KEY_OK, KEY_TOO_SMALL, KEY_MISMATCH };

/*
 * The key must be as strong as the policy's floor asks of a certificate,
 * and belong to it: its public half is the certificate's
 * SubjectPublicKeyInfo, byte for byte (both are DER, so one key has one
 * encoding).
 */
static enum key_check
check_key(const uint8_t *cert, size_t clen, const uint8_t *key, size_t klen,
    enum x509_key *type, int *bits)
{
	uint8_t spki[1024];
	const uint8_t *want;
	size_t n, wantlen;

	*bits = key_public(key, klen, type, spki, sizeof(spki), &n);
	if ((*type == X509_KEY_RSA && *bits < X509_MIN_RSA_BITS) ||
	    (*type == X509_KEY_EC && *bits < X509_MIN_EC_BITS))
		return KEY_TOO_SMALL;
	if (n == 0 || x509_spki(cert, clen, &want, &wantlen) == -1 ||
	    n != wantlen || memcmp(spki, want, n) != 0)
		return KEY_MISMATCH;
	return KEY_OK;
}

/*
 * The label a server's entry of this kind gets, or a refusal before
 * anything is read: a name is never cut to fit, since two names that
 * share their first characters would then make one label.
 */
static int
server_label(int kind, const char *server, char label[KDB_LABEL_MAX + 1])
{
	if (kdb_server_label(kind, server, label) == 0)
		return 0;
	bwk_msg("BWK0375E", "server name '%s' is too long for its %s entry: "
	    "that label would be longer than %d characters; give the server a "
	    "name of at most %zu characters (in the options files too); "
	    "nothing was stored", server, kdb_kind_name(kind), KDB_LABEL_MAX,
	    kdb_server_label_room(kind));
	return -1;
}

/* EXIT_OK, or the refusal of kdb_append() reported. Takes data on success. */
static int
add_entry(struct kdb *db, int kind, const char *server, uint8_t *data,
    size_t len, int64_t nb, int64_t na)
{
	struct kdb_entry e;
	ssize_t j;

	memset(&e, 0, sizeof(e));
	e.kind = (uint8_t)kind;
	e.origin = KDB_FROM_ADMIN;
	if (server_label(kind, server, e.label) == -1)
		return EXIT_USAGE;
	snprintf(e.server, sizeof(e.server), "%s", server);
	e.added = bwk_now();
	e.not_before = nb;
	e.not_after = na;
	e.data = data;
	e.len = len;
	if (bwk_sha256(data, len, e.fpr) != 0)	/* data is a secret */
		return EXIT_INTERNAL;
	if (kdb_append(db, &e) == 0)
		return EXIT_OK;
	if (errno == ENOMEM)
		return EXIT_INTERNAL;
	if (errno == EEXIST && (j = kdb_find_label(db, e.label)) != -1)
		bwk_msg("BWK0334E", "cannot add entry '%s': entry '%s' (%s, "
		    "%s) has that label; delete it with bulwark-cert -delete "
		    "-label %s and run the command again; nothing was stored",
		    e.label, db->e[j].label, kdb_kind_name(db->e[j].kind),
		    db->e[j].server[0] ? db->e[j].server : "every server",
		    db->e[j].label);
	else
		bwk_msg("BWK0334E", "cannot add entry '%s' (%s); nothing was "
		    "stored", e.label, errno == ENOSPC ? "the database holds "
		    "4096 entries" : "it is malformed");
	return EXIT_REFUSED;
}

static void
remove_kind(struct kdb *db, const char *server, int kind)
{
	size_t i = 0;

	while (i < db->n) {
		if (db->e[i].kind == kind &&
		    strcasecmp(db->e[i].server, server) == 0)
			kdb_remove(db, i);
		else
			i++;
	}
}

static int
has_kind(const struct kdb *db, const char *server, int kind)
{
	size_t i;

	for (i = 0; i < db->n; i++)
		if (db->e[i].kind == kind &&
		    strcasecmp(db->e[i].server, server) == 0)
			return 1;
	return 0;
}

/* Opens the database for writing, runs fn on it, saves. */
static int
update(struct cert_opts *o, int (*fn)(struct kdb *, void *), void *arg)
{
	struct store s;
	struct kdb db;
	struct stash st;
	int rc = EXIT_KDB;

	if (store_open(&s, o->dir, STORE_WRITE) == -1)
		return EXIT_KDB;
	if (store_load(&s, &db, &st) == -1) {
		store_close(&s);
		return EXIT_KDB;
	}
	if ((rc = fn(&db, arg)) == EXIT_OK && store_save(&s, &db, &st) != 0)
		rc = EXIT_KDB;
	kdb_free(&db);
	stash_wipe(&st);
	store_close(&s);
	return rc;
}

struct client_add {
	struct cert_opts	*o;
	uint8_t			*cert, *key;
	size_t			 clen, klen;
	struct certinfo		 ci;
};

static int
client_apply(struct kdb *db, void *arg)
{
	struct client_add *c = arg;
	int rc;

	/* a server has one client identity: a key and its certificate */
	if (has_kind(db, c->o->server, KDB_CLIENT_KEY) ||
	    has_kind(db, c->o->server, KDB_CLIENT_CERT)) {
		if (c->o->cmd != CMD_REPLACE) {
			bwk_msg("BWK0331E", "server '%s' already has a client "
			    "certificate; to change it: bulwark-cert -replace "
			    "-client -server %s -file CERT -key KEY",
			    c->o->server, c->o->server);
			return EXIT_REFUSED;
		}
		remove_kind(db, c->o->server, KDB_CLIENT_KEY);
		remove_kind(db, c->o->server, KDB_CLIENT_CERT);
	}
	if ((rc = add_entry(db, KDB_CLIENT_CERT, c->o->server, c->cert,
	    c->clen, c->ci.not_before, c->ci.not_after)) != EXIT_OK)
		return rc;
	c->cert = NULL;
	if ((rc = add_entry(db, KDB_CLIENT_KEY, c->o->server, c->key, c->klen,
	    0, 0)) != EXIT_OK)
		return rc;
	c->key = NULL;
	return EXIT_OK;
}

int
cmd_add_client(struct cert_opts *o)
{
	struct client_add c;
	struct cert_list l;
	uint8_t *buf;
	size_t len;
	char why[256];
	const char *id;
	enum x509_key type;
	int rc = EXIT_REFUSED, bits;

	memset(&c, 0, sizeof(c));
	c.o = o;
	if (server_label(KDB_CLIENT_CERT, o->server, why) == -1 ||
	    server_label(KDB_CLIENT_KEY, o->server, why) == -1)
		return EXIT_USAGE;
	if (bwk_read_file(o->file, CERTFILE_MAX_SIZE, &buf, &len) == -1) {
		cert_read_failed(o->file, "-file", "the certificate file");
		return EXIT_REFUSED;
	}
	if (certfile_split(buf, len, &l, &id, why, sizeof(why)) == -1) {
		free(buf);
		bwk_msg(id, "%s: %s; nothing was imported", o->file, why);
		return EXIT_REFUSED;
	}
	free(buf);
	if (x509_inspect(l.c[0].der, l.c[0].len, &c.ci, why, sizeof(why)) == -1) {
		bwk_msg("BWK0310E", "%s: the client certificate is not an X.509 "
		    "certificate: %s; nothing was imported", o->file, why);
		goto out;
	}
	if (x509_policy(&c.ci, bwk_now(), !o->unsafe_dates, &id, why,
	    sizeof(why)) != X509_OK) {
		bwk_msg(id, "%s: the client certificate is refused: %s; nothing "
		    "was imported", o->file, why);
		goto out;
	}
	if (read_key(o->key, &c.key, &c.klen) == -1)
		goto out;
	switch (check_key(l.c[0].der, l.c[0].len, c.key, c.klen, &type,
	    &bits)) {
	case KEY_OK:
		break;
	case KEY_TOO_SMALL:
		bwk_msg("BWK0378E", "the key in %s is too small: %s %d bits, "
		    "the policy needs at least %d; nothing was imported",
		    o->key, type == X509_KEY_RSA ? "RSA" : "EC", bits,
		    type == X509_KEY_RSA ? X509_MIN_RSA_BITS : X509_MIN_EC_BITS);
		goto out;
	default:
		if (type == X509_KEY_OTHER)
			bwk_msg("BWK0371E", "the key in %s is neither an RSA "
			    "key nor an EC key on P-256, P-384 or P-521, so it "
			    "cannot belong to the certificate in %s; nothing was "
			    "imported", o->key, o->file);
		else
			bwk_msg("BWK0371E", "the key in %s does not belong to "
			    "the certificate in %s; nothing was imported",
			    o->key, o->file);
		goto out;
	}
	c.cert = l.c[0].der;
	c.clen = l.c[0].len;
	l.c[0].der = NULL;
	if ((rc = update(o, client_apply, &c)) == EXIT_OK)
		bwk_info("BWK0372I", "stored the client certificate (%s) and "
		    "its private key for server %s; only bulwark-keyd uses the "
		    "key", c.ci.subject, o->server);
out:
	cert_list_free(&l);
	free(c.cert);
	if (c.key != NULL) {
		explicit_bzero(c.key, c.klen);
		free(c.key);
	}
	return rc;
}

struct nodepw {
	struct cert_opts	*o;
	uint8_t			*data;
	size_t			 len;
};

static int
nodepw_apply(struct kdb *db, void *arg)
{
	struct nodepw *p = arg;
	int rc;

	remove_kind(db, p->o->server, KDB_NODE_PASSWORD);
	if ((rc = add_entry(db, KDB_NODE_PASSWORD, p->o->server, p->data,
	    p->len, 0, 0)) != EXIT_OK)
		return rc;
	p->data = NULL;
	return EXIT_OK;
}

int
cmd_nodepw(struct cert_opts *o)
{
	char pw[PASSWORD_MAX + 2], label[KDB_LABEL_MAX + 1];
	struct nodepw p;
	size_t n, nl = strlen(o->node);
	int rc;

	if (server_label(KDB_NODE_PASSWORD, o->server, label) == -1)
		return EXIT_USAGE;
	if (bwk_read_password("Password: ", pw, PASSWORD_MAX + 1, &n) == -1) {
		explicit_bzero(pw, sizeof(pw));
		bwk_msg("BWK0373E", "give the node password (1-%d bytes) on "
		    "standard input", PASSWORD_MAX);
		return EXIT_USAGE;
	}
	p.o = o;
	p.len = 1 + nl + n;
	if ((p.data = malloc(p.len)) == NULL)
		return EXIT_INTERNAL;
	p.data[0] = (uint8_t)nl;
	memcpy(p.data + 1, o->node, nl);
	memcpy(p.data + 1 + nl, pw, n);
	explicit_bzero(pw, sizeof(pw));
	rc = update(o, nodepw_apply, &p);
	if (p.data != NULL) {
		explicit_bzero(p.data, p.len);
		free(p.data);
	}
	if (rc == EXIT_OK)
		bwk_info("BWK0374I", "stored the password of node %s for server "
		    "%s", o->node, o->server);
	return rc;
}
