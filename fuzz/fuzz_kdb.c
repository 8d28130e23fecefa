/*
 * The key database parsers.
 *
 * (a) kdb_parse_header on the input.
 * (b) kdb_decode on the input as the plaintext layer. When it succeeds the
 *     input must be canonical: kdb_encode of the result reproduces it byte
 *     for byte, and decoding and encoding that again gives the same bytes.
 * (c) kdb_open on the input as a sealed file, with a fixed stash. The GCM
 *     tag stops random input before the plaintext parser, so when the
 *     input's first byte is odd, input[1..] is also taken as plaintext:
 *     decoded, sealed with the fixed stash, reopened, and the reopened
 *     database must equal the original.
 *
 * Any violated property aborts. LeakSanitizer checks that every path frees.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/kdb/kdb.h"
#include "../src/lib/msg.h"
#include "../src/kdb/stash.h"
#include "fuzz_common.h"

/* Not a secret: the seeds in fuzz/corpus/fuzz_kdb are sealed with it. */
static const struct stash fixed_stash = { {
	0x62, 0x75, 0x6c, 0x77, 0x61, 0x72, 0x6b, 0x2d,	/* "bulwark-" */
	0x66, 0x75, 0x7a, 0x7a, 0x2d, 0x66, 0x69, 0x78,	/* "fuzz-fix" */
	0x65, 0x64, 0x2d, 0x73, 0x74, 0x61, 0x73, 0x68,	/* "ed-stash" */
	0x2d, 0x6e, 0x6f, 0x74, 0x2d, 0x6b, 0x65, 0x79,	/* "-not-key" */
} };

static void
check_same(const struct kdb *a, const struct kdb *b)
{
	size_t i;

	if (a->n != b->n)
		fuzz_fail("reopened database has another entry count");
	for (i = 0; i < a->n; i++) {
		const struct kdb_entry *x = &a->e[i], *y = &b->e[i];

		if (x->kind != y->kind || x->origin != y->origin ||
		    strcmp(x->label, y->label) != 0 ||
		    strcmp(x->server, y->server) != 0 ||
		    x->added != y->added || x->not_before != y->not_before ||
		    x->not_after != y->not_after ||
		    memcmp(x->fpr, y->fpr, sizeof(x->fpr)) != 0 ||
		    x->len != y->len || memcmp(x->data, y->data, x->len) != 0)
			fuzz_fail("reopened database differs from the original");
	}
}

/* (b): decode, then the canonical round trip. */
static void
plaintext_roundtrip(const uint8_t *data, size_t size)
{
	struct kdb db, db2;
	uint8_t *enc = NULL, *enc2 = NULL;
	size_t elen = 0, elen2 = 0;
	enum kdb_err e;

	if (kdb_decode(data, size, &db) != KDB_OK) {
		if (db.n != 0 || db.e != NULL)
			fuzz_fail("kdb_decode failed but left entries");
		return;
	}
	if ((e = kdb_encode(&db, &enc, &elen)) != KDB_OK) {
		if (e == KDB_E_NOMEM)
			goto out;
		fuzz_fail("kdb_encode refused what kdb_decode accepted");
	}
	if (elen != size || memcmp(enc, data, size) != 0)
		fuzz_fail("kdb_encode(kdb_decode(x)) != x: decode accepts a "
		    "non-canonical encoding");
	if (kdb_decode(enc, elen, &db2) != KDB_OK)
		fuzz_fail("kdb_decode refused what kdb_encode wrote");
	check_same(&db, &db2);
	if (kdb_encode(&db2, &enc2, &elen2) != KDB_OK)
		fuzz_fail("second kdb_encode failed");
	if (elen2 != elen || memcmp(enc2, enc, elen) != 0)
		fuzz_fail("re-encoding differs byte for byte");
	kdb_free(&db2);
out:
	free(enc);
	free(enc2);
	kdb_free(&db);
}

/* (c), odd first byte: plaintext -> seal -> open -> compare. */
static void
seal_roundtrip(const uint8_t *plain, size_t size)
{
	struct kdb db, db2;
	struct kdb_header h;
	uint8_t *sealed = NULL;
	size_t slen = 0;
	enum kdb_err e;

	if (kdb_decode(plain, size, &db) != KDB_OK)
		return;
	if ((e = kdb_seal(&db, &fixed_stash, &sealed, &slen)) != KDB_OK) {
		if (e == KDB_E_NOMEM)
			goto out;
		fuzz_fail("kdb_seal failed on a decoded database");
	}
	if (kdb_parse_header(sealed, slen, &h) != KDB_OK ||
	    h.generation != db.generation + 1 ||
	    (size_t)h.ctlen + KDB_HEADER_LEN + KDB_TAG_LEN != slen)
		fuzz_fail("kdb_seal wrote a header kdb_parse_header refuses");
	if (kdb_open(sealed, slen, &fixed_stash, &db2) != KDB_OK)
		fuzz_fail("kdb_open refused what kdb_seal wrote");
	if (db2.generation != db.generation + 1)
		fuzz_fail("reopened generation is not the original's + 1");
	check_same(&db, &db2);
	kdb_free(&db2);
	/* one flipped ciphertext/tag bit must be caught by GCM */
	sealed[slen - 1] ^= 0x01;
	if (kdb_open(sealed, slen, &fixed_stash, &db2) != KDB_E_AUTH)
		fuzz_fail("kdb_open accepted a damaged tag");
	kdb_free(&db2);
out:
	free(sealed);
	kdb_free(&db);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kdb_header h;
	struct kdb db;
	enum kdb_err e;

	/* (a) */
	if (kdb_parse_header(data, size, &h) == KDB_OK &&
	    (size_t)h.ctlen + KDB_HEADER_LEN + KDB_TAG_LEN != size)
		fuzz_fail("kdb_parse_header accepted a length mismatch");

	/* (b) */
	plaintext_roundtrip(data, size);

	/* (c) */
	e = kdb_open(data, size, &fixed_stash, &db);
	if (e != KDB_OK && (db.n != 0 || db.e != NULL))
		fuzz_fail("kdb_open failed but left entries");
	kdb_free(&db);
	if (size >= 1 && (data[0] & 1))
		seal_roundtrip(data + 1, size - 1);
	return 0;
}
