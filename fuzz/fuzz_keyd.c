/*
 * The key helper's real dispatch code, fed frames from the fuzzer. The
 * input is a sequence of [u16 length][frame] records, one request each,
 * against a helper holding a pinned certificate, a CA root, an EC client
 * key and a node password. Stops where the helper would exit. The
 * sign-on seeds come from fuzz/make-keyd-scram-seeds.py.
 */
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/random.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/lib/msg.h"
#include "../src/keyd/keyd.h"

#define FUZZ_SETUP	keyd_setup
#include "fuzz_common.h"

static struct kdb base;

static void
add(int kind, const char *label, const char *server, const uint8_t *data,
    size_t len)
{
	struct kdb_entry e;

	memset(&e, 0, sizeof(e));
	e.kind = (uint8_t)kind;
	e.origin = KDB_FROM_FILE;
	snprintf(e.label, sizeof(e.label), "%s", label);
	snprintf(e.server, sizeof(e.server), "%s", server);
	e.data = malloc(len);
	memcpy(e.data, data, len);
	e.len = len;
	wc_Sha256Hash(data, (word32)len, e.fpr);
	if (kdb_append(&base, &e) != 0)
		abort();
}

static void
copy_db(struct kdb *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < base.n; i++) {
		struct kdb_entry e = base.e[i];

		e.data = malloc(e.len);
		memcpy(e.data, base.e[i].data, e.len);
		if (kdb_append(out, &e) != 0)
			abort();
	}
}

static void
keyd_setup(void)
{
	static const uint8_t fake_cert[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
	static const uint8_t pw[] = "\x02n1secret";
	uint8_t der[256], d[32];
	WC_RNG rng;
	ecc_key k;
	int n;

	/*
	 * A fixed P-256 key, so the seeds can carry its key id: the helper
	 * decodes it from DER as it would from disk.
	 */
	for (n = 0; n < 32; n++)
		d[n] = (uint8_t)(n + 1);
	if (wc_InitRng(&rng) != 0 || wc_ecc_init(&k) != 0 ||
	    wc_ecc_import_private_key_ex(d, 32, NULL, 0, &k,
	    ECC_SECP256R1) != 0 || wc_ecc_make_pub(&k, NULL) != 0 ||
	    (n = wc_EccKeyToDer(&k, der, sizeof(der))) <= 0)
		abort();
	wc_ecc_free(&k);
	wc_FreeRng(&rng);
	add(KDB_PINNED, "srv1", "srv1", fake_cert, sizeof(fake_cert));
	add(KDB_CA, "root", "", fake_cert, sizeof(fake_cert));
	add(KDB_CLIENT_CERT, "client-cert@srv1", "srv1", fake_cert,
	    sizeof(fake_cert));
	add(KDB_CLIENT_KEY, "client-key@srv1", "srv1", der, (size_t)n);
	add(KDB_NODE_PASSWORD, "nodepw@srv1", "srv1", pw, sizeof(pw) - 1);
}

/* Answers are built in full (frame_finish checks them) and dropped. */
static int
sink(void *arg, const struct frame *f)
{
	(void)arg;
	return f->len >= KEYD_HDR_LEN && f->len <= KEYD_MAX_FRAME ? 0 : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct keyd k;
	size_t off = 0;

	memset(&k, 0, sizeof(k));
	copy_db(&k.db);
	snprintf(k.server, sizeof(k.server), "srv1");
	k.accept_first_use = 1;	/* no store: an ACCEPT is refused */
	k.sign_on = 1;		/* and no salt or count is remembered */
	k.store.lockfd = -1;
	k.send = sink;
	if (keyd_init(&k) != 0)
		abort();
	while (off + 2 <= size) {
		size_t len = (size_t)data[off] | (size_t)data[off + 1] << 8;

		off += 2;
		if (len > size - off)
			len = size - off;
		if (keyd_dispatch(&k, data + off, len) == -1)
			break;
		off += len;
	}
	keyd_free(&k);
	return 0;
}
