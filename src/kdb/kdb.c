#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/aes.h>
#include <wolfssl/wolfcrypt/hmac.h>
#include <wolfssl/wolfcrypt/random.h>
#include <wolfssl/wolfcrypt/hash.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kdb.h"

static const uint8_t kdb_magic[8] = "BWK-KDB\n";
static const char kdf_info[] = "bulwark kdb v1";

#define KDF_HKDF_SHA256	1
#define AEAD_AES256GCM	1
#define SALT_OFF	32
#define SALT_LEN	32
#define NONCE_OFF	64
#define NONCE_LEN	12

const char *
kdb_strerror(enum kdb_err e)
{
	switch (e) {
	case KDB_OK:		return "no error";
	case KDB_E_SHORT:	return "the file is cut short (truncated)";
	case KDB_E_MAGIC:	return "it is not a Bulwark key database";
	case KDB_E_VERSION:	return "it has a format version this program does not read";
	case KDB_E_FORMAT:	return "its header is malformed";
	case KDB_E_STASH:	return "it was sealed with another stash";
	case KDB_E_AUTH:	return "its contents fail the integrity check (damaged or altered)";
	case KDB_E_CONTENT:	return "its decrypted contents are malformed";
	case KDB_E_CRYPTO:	return "a cryptographic operation failed";
	case KDB_E_NOMEM:	return "out of memory";
	}
	return "unknown error";
}

int
kdb_kind_is_secret(int kind)
{
	return kind == KDB_NODE_PASSWORD || kind == KDB_NODE_PASSWORD_NEXT ||
	    kind == KDB_CLIENT_KEY ||
	    kind == KDB_SERVER_KEY;
}

const char *
kdb_kind_name(int kind)
{
	switch (kind) {
	case KDB_PINNED:	return "pinned";
	case KDB_CA:		return "ca";
	case KDB_NODE_PASSWORD:	return "node-password";
	case KDB_CLIENT_KEY:	return "client-key";
	case KDB_CLIENT_CERT:	return "client-cert";
	case KDB_SERVER_KEY:	return "server-key";
	case KDB_SERVER_CERT:	return "server-cert";
	case KDB_SCRAM_SEEN:	return "scram-seen";
	case KDB_NODE_PASSWORD_NEXT: return "node-password-next";
	}
	return "unknown";
}

const char *
kdb_origin_name(int origin)
{
	switch (origin) {
	case KDB_FROM_FILE:	return "file";
	case KDB_FROM_SERVER:	return "accepted-from-server";
	case KDB_FROM_ADMIN:	return "admin";
	}
	return "unknown";
}

static const char *
server_label_prefix(int kind)
{
	switch (kind) {
	case KDB_CLIENT_CERT:	return "client-cert@";
	case KDB_SERVER_KEY:	return "server-key@";
	case KDB_SERVER_CERT:	return "server-cert@";
	case KDB_SCRAM_SEEN:	return "scram@";
	case KDB_NODE_PASSWORD_NEXT: return "nodepw-next@";
	case KDB_CLIENT_KEY:	return "client-key@";
	case KDB_NODE_PASSWORD:	return "nodepw@";
	}
	return NULL;
}

size_t
kdb_server_label_room(int kind)
{
	const char *p = server_label_prefix(kind);

	return p == NULL ? 0 : KDB_LABEL_MAX - strlen(p);
}

int
kdb_server_label(int kind, const char *server, char out[KDB_LABEL_MAX + 1])
{
	const char *p = server_label_prefix(kind);
	int n;

	if (p == NULL || !kdb_name_ok(server))
		return -1;
	n = snprintf(out, KDB_LABEL_MAX + 1, "%s%s", p, server);
	return n < 0 || n > KDB_LABEL_MAX ? -1 : 0;
}

enum kdb_err
kdb_parse_header(const uint8_t *buf, size_t len, struct kdb_header *h)
{
	if (len < 8 || memcmp(buf, kdb_magic, 8) != 0)
		return len < 8 && memcmp(buf, kdb_magic, len) == 0 ?
		    KDB_E_SHORT : KDB_E_MAGIC;
	if (len < KDB_HEADER_LEN)
		return KDB_E_SHORT;
	h->version = bwk_get_n16(buf + 8);
	if (h->version != KDB_VERSION)
		return KDB_E_VERSION;
	if (bwk_get_n16(buf + 10) != KDF_HKDF_SHA256 ||
	    bwk_get_n16(buf + 12) != AEAD_AES256GCM || bwk_get_n16(buf + 14) != 0)
		return KDB_E_FORMAT;
	memcpy(h->stash_id, buf + 16, STASH_ID_LEN);
	h->generation = bwk_get_n64(buf + 24);
	h->ctlen = bwk_get_n32(buf + 76);
	if (h->ctlen > KDB_PLAIN_MAX)
		return KDB_E_FORMAT;
	if (len < KDB_HEADER_LEN + (size_t)h->ctlen + KDB_TAG_LEN)
		return KDB_E_SHORT;
	if (len > KDB_HEADER_LEN + (size_t)h->ctlen + KDB_TAG_LEN)
		return KDB_E_FORMAT;	/* trailing bytes */
	return KDB_OK;
}

/*
 * HKDF-SHA-256 (RFC 5869) for its one 32-byte block, written out over
 * wolfCrypt's HMAC so that every intermediate is ours to wipe: wolfCrypt
 * 5.7.2's wc_HKDF leaves the PRK (wc_HKDF) and a copy of the derived key
 * (wc_HKDF_Expand_ex's tmp) on its stack after it returns.
 *	PRK = HMAC(salt, secret), key = T(1) = HMAC(PRK, info || 0x01)
 */
static enum kdb_err
derive_key(const struct stash *st, const uint8_t *hdr, uint8_t key[32])
{
	static const uint8_t one = 1;
	uint8_t info[sizeof(kdf_info) - 1 + 16], prk[WC_SHA256_DIGEST_SIZE];
	Hmac h;
	int ok;

	memcpy(info, kdf_info, sizeof(kdf_info) - 1);
	memcpy(info + sizeof(kdf_info) - 1, hdr, 16);
	if (wc_HmacInit(&h, NULL, INVALID_DEVID) != 0)
		return KDB_E_CRYPTO;
	ok = wc_HmacSetKey(&h, WC_SHA256, hdr + SALT_OFF, SALT_LEN) == 0 &&
	    wc_HmacUpdate(&h, st->secret, STASH_SECRET_LEN) == 0 &&
	    wc_HmacFinal(&h, prk) == 0 &&
	    wc_HmacSetKey(&h, WC_SHA256, prk, sizeof(prk)) == 0 &&
	    wc_HmacUpdate(&h, info, sizeof(info)) == 0 &&
	    wc_HmacUpdate(&h, &one, 1) == 0 &&
	    wc_HmacFinal(&h, key) == 0;
	/* wc_HmacFree zeroes the state in wolfCrypt 5.7.2; the wipe keeps
	 * that true should a later version stop doing so */
	wc_HmacFree(&h);
	explicit_bzero(&h, sizeof(h));
	explicit_bzero(prk, sizeof(prk));
	return ok ? KDB_OK : KDB_E_CRYPTO;
}

/*
 * wolfCrypt 5.7's wc_AesFree does not zero the object, which holds the
 * database key's round keys and the GCM hash key H (and its tables).
 */
static void
aes_done(Aes *aes)
{
	wc_AesFree(aes);
	explicit_bzero(aes, sizeof(*aes));
}

/* AES-256-GCM over buf's ciphertext with the header as AAD. */
static enum kdb_err
gcm(int enc, const uint8_t key[32], const uint8_t *hdr, const uint8_t *in,
    uint8_t *out, size_t len, uint8_t *tag)
{
	Aes aes;
	int ret;

	if (wc_AesInit(&aes, NULL, INVALID_DEVID) != 0)
		return KDB_E_CRYPTO;
	if (wc_AesGcmSetKey(&aes, key, 32) != 0) {
		aes_done(&aes);
		return KDB_E_CRYPTO;
	}
	if (enc)
		ret = wc_AesGcmEncrypt(&aes, out, in, (word32)len,
		    hdr + NONCE_OFF, NONCE_LEN, tag, KDB_TAG_LEN, hdr,
		    KDB_HEADER_LEN);
	else
		ret = wc_AesGcmDecrypt(&aes, out, in, (word32)len,
		    hdr + NONCE_OFF, NONCE_LEN, tag, KDB_TAG_LEN, hdr,
		    KDB_HEADER_LEN);
	aes_done(&aes);
	if (ret == 0)
		return KDB_OK;
	return enc ? KDB_E_CRYPTO : KDB_E_AUTH;
}

enum kdb_err
kdb_open(const uint8_t *buf, size_t len, const struct stash *st,
    struct kdb *db)
{
	struct kdb_header h;
	uint8_t key[32], id[STASH_ID_LEN];
	uint8_t *plain = NULL;
	enum kdb_err e;

	memset(db, 0, sizeof(*db));
	if ((e = kdb_parse_header(buf, len, &h)) != KDB_OK)
		return e;
	if (stash_id(st, id) != 0)
		return KDB_E_CRYPTO;
	if (memcmp(id, h.stash_id, STASH_ID_LEN) != 0)
		return KDB_E_STASH;
	if ((plain = malloc(h.ctlen + 1)) == NULL)
		return KDB_E_NOMEM;
	if ((e = derive_key(st, buf, key)) == KDB_OK)
		e = gcm(0, key, buf, buf + KDB_HEADER_LEN, plain, h.ctlen,
		    (uint8_t *)(uintptr_t)(buf + KDB_HEADER_LEN + h.ctlen));
	explicit_bzero(key, sizeof(key));
	if (e == KDB_OK) {
		e = kdb_decode(plain, h.ctlen, db);
		db->generation = h.generation;
	}
	explicit_bzero(plain, h.ctlen);
	free(plain);
	return e;
}

enum kdb_err
kdb_seal(const struct kdb *db, const struct stash *st, uint8_t **outp,
    size_t *outlen)
{
	uint8_t *plain = NULL, *out = NULL, key[32];
	size_t plen;
	WC_RNG rng;
	enum kdb_err e;

	if ((e = kdb_encode(db, &plain, &plen)) != KDB_OK)
		return e;
	if ((out = malloc(KDB_HEADER_LEN + plen + KDB_TAG_LEN)) == NULL) {
		e = KDB_E_NOMEM;
		goto out;
	}
	memcpy(out, kdb_magic, 8);
	bwk_put_n16(out + 8, KDB_VERSION);
	bwk_put_n16(out + 10, KDF_HKDF_SHA256);
	bwk_put_n16(out + 12, AEAD_AES256GCM);
	bwk_put_n16(out + 14, 0);
	bwk_put_n64(out + 24, db->generation + 1);
	bwk_put_n32(out + 76, (uint32_t)plen);
	e = KDB_E_CRYPTO;
	if (stash_id(st, out + 16) != 0 || wc_InitRng(&rng) != 0)
		goto out;
	/* a fresh salt (so a fresh key) and nonce for every write */
	if (wc_RNG_GenerateBlock(&rng, out + SALT_OFF, SALT_LEN) != 0 ||
	    wc_RNG_GenerateBlock(&rng, out + NONCE_OFF, NONCE_LEN) != 0) {
		wc_FreeRng(&rng);
		goto out;
	}
	wc_FreeRng(&rng);
	if ((e = derive_key(st, out, key)) == KDB_OK)
		e = gcm(1, key, out, plain, out + KDB_HEADER_LEN, plen,
		    out + KDB_HEADER_LEN + plen);
	explicit_bzero(key, sizeof(key));
out:
	explicit_bzero(plain, plen);
	free(plain);
	if (e != KDB_OK) {
		free(out);
		return e;
	}
	*outp = out;
	*outlen = KDB_HEADER_LEN + plen + KDB_TAG_LEN;
	return KDB_OK;
}

/* A cursor over the plaintext; every read is bounds-checked. */
struct rd {
	const uint8_t	*p;
	size_t		 left;
};

static int
rd_bytes(struct rd *r, void *out, size_t n)
{
	if (r->left < n)
		return -1;
	memcpy(out, r->p, n);
	r->p += n;
	r->left -= n;
	return 0;
}

static int
rd_u8(struct rd *r, uint8_t *v)
{
	return rd_bytes(r, v, 1);
}

static int
rd_u32(struct rd *r, uint32_t *v)
{
	uint8_t b[4];

	if (rd_bytes(r, b, 4) == -1)
		return -1;
	*v = bwk_get_n32(b);
	return 0;
}

static int
rd_i64(struct rd *r, int64_t *v)
{
	uint8_t b[8];

	if (rd_bytes(r, b, 8) == -1)
		return -1;
	*v = (int64_t)bwk_get_n64(b);
	return 0;
}

static int
rd_label(struct rd *r, char out[KDB_LABEL_MAX + 1], int may_be_empty)
{
	uint8_t n;

	if (rd_u8(r, &n) == -1 || n > KDB_LABEL_MAX ||
	    rd_bytes(r, out, n) == -1)
		return -1;
	out[n] = '\0';
	if (n == 0)
		return may_be_empty ? 0 : -1;
	/* a NUL inside would hide the rest from the check below */
	if (memchr(out, '\0', n) != NULL)
		return -1;
	return kdb_label_ok(out) ? 0 : -1;
}

static int
decode_entry(struct rd *r, struct kdb_entry *e)
{
	uint8_t zero[2], h[BWK_SHA256_LEN];
	uint32_t len;

	memset(e, 0, sizeof(*e));
	if (rd_u8(r, &e->kind) == -1 || e->kind < 1 || e->kind > KDB_KIND_MAX ||
	    rd_u8(r, &e->origin) == -1 || e->origin < 1 ||
	    e->origin > KDB_ORIGIN_MAX ||
	    rd_bytes(r, zero, 2) == -1 || zero[0] != 0 || zero[1] != 0 ||
	    rd_label(r, e->label, 0) == -1 || rd_label(r, e->server, 1) == -1 ||
	    rd_i64(r, &e->added) == -1 || rd_i64(r, &e->not_before) == -1 ||
	    rd_i64(r, &e->not_after) == -1 ||
	    rd_bytes(r, e->fpr, BWK_SHA256_LEN) == -1 ||
	    rd_u32(r, &len) == -1 || len == 0 || len > KDB_DATA_MAX ||
	    len > r->left)
		return -1;
	if ((e->data = malloc(len)) == NULL)
		return -1;
	e->len = len;
	rd_bytes(r, e->data, len);
	/* the stored fingerprint must be the data's: a second check */
	if (bwk_sha256(e->data, len, h) != 0 ||
	    memcmp(h, e->fpr, sizeof(h)) != 0) {
		explicit_bzero(e->data, e->len);
		free(e->data);
		e->data = NULL;
		return -1;
	}
	return 0;
}

enum kdb_err
kdb_decode(const uint8_t *p, size_t len, struct kdb *db)
{
	struct rd r = { p, len };
	struct kdb_entry e;
	uint32_t count, i;

	memset(db, 0, sizeof(*db));
	if (rd_u32(&r, &count) == -1 || count > KDB_MAX_ENTRIES)
		return KDB_E_CONTENT;
	for (i = 0; i < count; i++) {
		if (decode_entry(&r, &e) == -1) {
			kdb_free(db);
			return KDB_E_CONTENT;
		}
		/* the same gate as every writer's: a taken label is refused */
		if (kdb_append(db, &e) == -1) {
			int save = errno;

			explicit_bzero(e.data, e.len);
			free(e.data);
			kdb_free(db);
			return save == ENOMEM ? KDB_E_NOMEM : KDB_E_CONTENT;
		}
	}
	if (r.left != 0) {
		kdb_free(db);
		return KDB_E_CONTENT;
	}
	return KDB_OK;
}

static size_t
entry_size(const struct kdb_entry *e)
{
	return 4 + 1 + strlen(e->label) + 1 + strlen(e->server) + 24 +
	    BWK_SHA256_LEN + 4 + e->len;
}

enum kdb_err
kdb_encode(const struct kdb *db, uint8_t **outp, size_t *outlen)
{
	size_t total = 4, i, n;
	uint8_t *out, *p;

	if (db->n > KDB_MAX_ENTRIES)
		return KDB_E_CONTENT;
	for (i = 0; i < db->n; i++)
		total += entry_size(&db->e[i]);
	if (total > KDB_PLAIN_MAX)
		return KDB_E_CONTENT;
	if ((out = malloc(total)) == NULL)
		return KDB_E_NOMEM;
	p = out;
	bwk_put_n32(p, (uint32_t)db->n);
	p += 4;
	for (i = 0; i < db->n; i++) {
		const struct kdb_entry *e = &db->e[i];

		*p++ = e->kind;
		*p++ = e->origin;
		*p++ = 0;
		*p++ = 0;
		n = strlen(e->label);
		*p++ = (uint8_t)n;
		memcpy(p, e->label, n);
		p += n;
		n = strlen(e->server);
		*p++ = (uint8_t)n;
		memcpy(p, e->server, n);
		p += n;
		bwk_put_n64(p, (uint64_t)e->added);
		bwk_put_n64(p + 8, (uint64_t)e->not_before);
		bwk_put_n64(p + 16, (uint64_t)e->not_after);
		p += 24;
		memcpy(p, e->fpr, BWK_SHA256_LEN);
		p += BWK_SHA256_LEN;
		bwk_put_n32(p, (uint32_t)e->len);
		p += 4;
		memcpy(p, e->data, e->len);
		p += e->len;
	}
	*outp = out;
	*outlen = total;
	return KDB_OK;
}

/* What the decoder checks of one entry, short of its fingerprint. */
static int
entry_ok(const struct kdb_entry *e)
{
	return e->kind >= 1 && e->kind <= KDB_KIND_MAX && e->origin >= 1 &&
	    e->origin <= KDB_ORIGIN_MAX &&
	    memchr(e->label, '\0', sizeof(e->label)) != NULL &&
	    memchr(e->server, '\0', sizeof(e->server)) != NULL &&
	    kdb_label_ok(e->label) &&
	    (e->server[0] == '\0' || kdb_label_ok(e->server)) &&
	    e->data != NULL && e->len >= 1 && e->len <= KDB_DATA_MAX;
}

/*
 * The one way into a database, for the decoder and for every writer, so
 * that no writer can build what the decoder refuses: two entries with one
 * label made every later open fail, for good.
 */
int
kdb_append(struct kdb *db, const struct kdb_entry *e)
{
	struct kdb_entry *ne;

	if (!entry_ok(e)) {
		errno = EINVAL;
		return -1;
	}
	if (kdb_find_label(db, e->label) != -1) {
		errno = EEXIST;
		return -1;
	}
	if (db->n >= KDB_MAX_ENTRIES) {
		errno = ENOSPC;
		return -1;
	}
	if ((ne = reallocarray(db->e, db->n + 1, sizeof(*ne))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	db->e = ne;
	db->e[db->n++] = *e;
	return 0;
}

void
kdb_remove(struct kdb *db, size_t i)
{
	if (i >= db->n)
		return;
	explicit_bzero(db->e[i].data, db->e[i].len);
	free(db->e[i].data);
	memmove(&db->e[i], &db->e[i + 1], (db->n - i - 1) * sizeof(db->e[0]));
	db->n--;
}

ssize_t
kdb_find_label(const struct kdb *db, const char *label)
{
	size_t i;

	/* labels are names an administrator types: compare without case */
	for (i = 0; i < db->n; i++)
		if (strcasecmp(db->e[i].label, label) == 0)
			return (ssize_t)i;
	return -1;
}

void
kdb_free(struct kdb *db)
{
	size_t i;

	for (i = 0; i < db->n; i++) {
		explicit_bzero(db->e[i].data, db->e[i].len);
		free(db->e[i].data);
	}
	free(db->e);
	memset(db, 0, sizeof(*db));
}
