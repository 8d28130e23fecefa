#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hmac.h>
#include <wolfssl/wolfcrypt/random.h>
#include <wolfssl/wolfcrypt/hash.h>

#include <string.h>

#include "stash.h"
#include "../lib/util.h"

static const uint8_t stash_magic[8] = "BWK-STH\n";
static const char id_label[] = "bulwark stash id v1";

int
stash_generate(struct stash *st)
{
	WC_RNG rng;
	int rc;

	if (wc_InitRng(&rng) != 0)
		return -1;
	rc = wc_RNG_GenerateBlock(&rng, st->secret, sizeof(st->secret));
	wc_FreeRng(&rng);
	return rc == 0 ? 0 : -1;
}

static int
stash_check(const uint8_t *magic_secret, uint8_t check[8])
{
	uint8_t h[WC_SHA256_DIGEST_SIZE];

	/* bwk_sha256 wipes its state: it held the secret */
	if (bwk_sha256(magic_secret, 8 + STASH_SECRET_LEN, h) != 0)
		return -1;
	memcpy(check, h, 8);
	return 0;
}

void
stash_encode(const struct stash *st, uint8_t out[STASH_FILE_LEN])
{
	memcpy(out, stash_magic, 8);
	memcpy(out + 8, st->secret, STASH_SECRET_LEN);
	if (stash_check(out, out + 40) != 0)
		memset(out + 40, 0, 8);	/* cannot happen; parse will refuse */
}

int
stash_parse(const uint8_t *buf, size_t len, struct stash *st,
    const char **why)
{
	uint8_t check[8];

	if (len != STASH_FILE_LEN) {
		*why = len < STASH_FILE_LEN ? "the file is cut short" :
		    "the file is longer than a stash";
		return -1;
	}
	if (memcmp(buf, stash_magic, 8) != 0) {
		*why = "it is not a Bulwark stash (bad magic)";
		return -1;
	}
	if (stash_check(buf, check) != 0 || memcmp(check, buf + 40, 8) != 0) {
		*why = "its checksum does not match (the file is damaged)";
		return -1;
	}
	memcpy(st->secret, buf + 8, STASH_SECRET_LEN);
	return 0;
}

int
stash_id(const struct stash *st, uint8_t id[STASH_ID_LEN])
{
	Hmac h;
	uint8_t mac[WC_SHA256_DIGEST_SIZE];
	int rc = -1;

	if (wc_HmacInit(&h, NULL, INVALID_DEVID) != 0)
		return -1;
	if (wc_HmacSetKey(&h, WC_SHA256, st->secret, STASH_SECRET_LEN) == 0 &&
	    wc_HmacUpdate(&h, (const byte *)id_label, sizeof(id_label) - 1) == 0 &&
	    wc_HmacFinal(&h, mac) == 0) {
		memcpy(id, mac, STASH_ID_LEN);
		rc = 0;
	}
	/* wolfCrypt 5.7's wc_HmacFree leaves the secret-keyed pads */
	wc_HmacFree(&h);
	explicit_bzero(&h, sizeof(h));
	explicit_bzero(mac, sizeof(mac));
	return rc;
}

void
stash_wipe(struct stash *st)
{
	explicit_bzero(st, sizeof(*st));
}
