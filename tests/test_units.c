/* The parsers and the sealed format, called directly. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../src/lib/certfile.h"
#include "../src/kdb/kdb.h"
#include "../src/lib/msg.h"
#include "../src/kdb/stash.h"
#include "../src/lib/util.h"
#include "../src/lib/x509.h"
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/aes.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/hmac.h>
#include "helpers.h"

static void quiet(void) { bwk_quiet = 1; }

TestSuite(units, .init = quiet);

Test(units, base64_strict)
{
	uint8_t out[16];
	size_t n;

	cr_assert_eq(bwk_b64_decode("TWFu", 4, out, sizeof(out), &n), 0);
	cr_assert_eq(n, 3);
	cr_assert_eq(memcmp(out, "Man", 3), 0);
	cr_assert_eq(bwk_b64_decode("TWE=", 4, out, sizeof(out), &n), 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(bwk_b64_decode("TQ==", 4, out, sizeof(out), &n), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(bwk_b64_decode("TR==", 4, out, sizeof(out), &n), -1,
	    "non-canonical low bits accepted");
	cr_assert_eq(bwk_b64_decode("TWF", 3, out, sizeof(out), &n), -1);
	cr_assert_eq(bwk_b64_decode("TQ==TWFu", 8, out, sizeof(out), &n), -1);
	cr_assert_eq(bwk_b64_decode("T-Fu", 4, out, sizeof(out), &n), -1);
	cr_assert_eq(bwk_b64_decode("TWFuTWFu", 8, out, 3, &n), -1);
}

static int
split(const char *text, struct cert_list *l, const char **id)
{
	char why[256];

	return certfile_split((const uint8_t *)text, strlen(text), l, id, why,
	    sizeof(why));
}

Test(units, pem_armour)
{
	struct cert_list l;
	const char *id;

	cr_assert_eq(split("junk\n-----BEGIN CERTIFICATE-----\nMAMCAQA=\n"
	    "-----END CERTIFICATE-----\r\ntrailer\n", &l, &id), 0);
	cr_assert_eq(l.n, 1);
	cr_assert_eq(l.c[0].len, 5);
	cert_list_free(&l);
	cr_assert_eq(split("-----BEGIN CERTIFICATE-----\nMAMCAQA=\n"
	    "-----END X509 CERTIFICATE-----\n", &l, &id), -1);
	cr_assert_str_eq(id, "BWK0302E");
	cr_assert_eq(split("-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n"
	    "MAMCAQA=\n-----END CERTIFICATE-----\n", &l, &id), -1);
	cr_assert_eq(split("-----BEGIN RSA PRIVATE KEY-----\nMAMCAQA=\n"
	    "-----END RSA PRIVATE KEY-----\n", &l, &id), -1);
	cr_assert_str_eq(id, "BWK0303E");
	cr_assert_eq(split("-----BEGIN CERTIFICATE-----\n\n"
	    "-----END CERTIFICATE-----\n", &l, &id), -1);
	cr_assert_eq(split("-----END CERTIFICATE-----\n", &l, &id), -1);
	cr_assert_eq(split("-----BEGIN CERTIFICATE-----\nMAMC\n"
	    "-----BEGIN CERTIFICATE-----\n", &l, &id), -1);
	cr_assert_eq(split("plain text\n", &l, &id), -1);
	cr_assert_str_eq(id, "BWK0301E");
}

Test(units, inspect_real_certificates)
{
	uint8_t *buf;
	size_t len;
	struct cert_list l;
	struct certinfo ci;
	const char *id;
	char why[256];

	cr_assert_eq(t_read(t_cert("chain.pem"), &buf, &len), 0);
	cr_assert_eq(certfile_split(buf, len, &l, &id, why, sizeof(why)), 0);
	cr_assert_eq(l.n, 3);
	cr_assert_eq(x509_inspect(l.c[0].der, l.c[0].len, &ci, why,
	    sizeof(why)), 0, "%s", why);
	cr_assert_str_eq(ci.subject, "/CN=localhost");
	cr_assert_eq(ci.is_ca, 0);
	cr_assert_eq(ci.key_type, X509_KEY_EC);
	cr_assert_eq(ci.key_bits, 256);
	cr_assert_str_eq(ci.sig_desc, "ECDSA-SHA256");
	cr_assert_eq(x509_policy(&ci, bwk_now(), 1, &id, why, sizeof(why)),
	    X509_OK);
	cr_assert_eq(x509_policy(&ci, ci.not_after + 1, 1, &id, why,
	    sizeof(why)), X509_EXPIRED);
	cr_assert_eq(x509_policy(&ci, ci.not_before - 1, 1, &id, why,
	    sizeof(why)), X509_NOT_YET_VALID);
	cr_assert_eq(x509_inspect(l.c[2].der, l.c[2].len, &ci, why,
	    sizeof(why)), 0);
	cr_assert_eq(ci.is_ca, 1);
	cr_assert_eq(ci.self_signed, 1);
	/* a certificate followed by one stray byte is not one certificate */
	{
		uint8_t *x = malloc(l.c[0].len + 1);

		memcpy(x, l.c[0].der, l.c[0].len);
		x[l.c[0].len] = 0;
		cr_assert_eq(x509_inspect(x, l.c[0].len + 1, &ci, why,
		    sizeof(why)), -1);
		free(x);
	}
	cert_list_free(&l);
	free(buf);
}

Test(units, sanitize_names)
{
	char out[64];

	bwk_sanitize("/CN=a\x1b[31mb\x7f", out, sizeof(out));
	cr_assert_str_eq(out, "/CN=a?[31mb?");
	bwk_sanitize("caf\xc3\xa9", out, sizeof(out));
	cr_assert_str_eq(out, "caf\xc3\xa9");
	bwk_sanitize("\xc2\x9b" "x\xff", out, sizeof(out));	/* C1 CSI */
	cr_assert_str_eq(out, "??x?");
}

Test(units, fingerprints)
{
	uint8_t f[32], g[32];
	char s[BWK_FPR_STRLEN];

	for (int i = 0; i < 32; i++)
		f[i] = (uint8_t)(i * 7);
	bwk_fpr_format(f, s);
	cr_assert_eq(strlen(s), 95);
	cr_assert_eq(bwk_fpr_parse(s, g), 0);
	cr_assert_eq(memcmp(f, g, 32), 0);
	cr_assert_eq(bwk_fpr_parse("SHA256:00", g), -1);
}

static void
one_entry_db(struct kdb *db)
{
	struct kdb_entry e;

	memset(db, 0, sizeof(*db));
	memset(&e, 0, sizeof(e));
	e.kind = KDB_PINNED;
	e.origin = KDB_FROM_FILE;
	strcpy(e.label, "srv1");
	strcpy(e.server, "srv1");
	e.len = 100;
	e.data = calloc(1, 100);
	memset(e.data, 0x42, 100);
	wc_Sha256Hash(e.data, 100, e.fpr);
	cr_assert_eq(kdb_append(db, &e), 0);
}

Test(units, seal_open_round_trip_and_every_flip)
{
	struct stash st, other;
	struct kdb db, back;
	uint8_t *img;
	size_t len, i;

	cr_assert_eq(stash_generate(&st), 0);
	cr_assert_eq(stash_generate(&other), 0);
	one_entry_db(&db);
	cr_assert_eq(kdb_seal(&db, &st, &img, &len), KDB_OK);
	cr_assert_eq(kdb_open(img, len, &st, &back), KDB_OK);
	cr_assert_eq(back.n, 1);
	cr_assert_str_eq(back.e[0].label, "srv1");
	cr_assert_eq(back.generation, 1);
	kdb_free(&back);
	cr_assert_eq(kdb_open(img, len, &other, &back), KDB_E_STASH);
	for (i = 0; i < len; i++) {
		img[i] ^= 0x20;
		cr_assert_neq(kdb_open(img, len, &st, &back), KDB_OK,
		    "flip at %zu accepted", i);
		img[i] ^= 0x20;
	}
	for (i = 0; i < len; i++)
		cr_assert_neq(kdb_open(img, i, &st, &back), KDB_OK,
		    "truncation to %zu accepted", i);
	free(img);
	kdb_free(&db);
}

Test(units, plaintext_layer_rejects_malformed)
{
	struct kdb db, back;
	uint8_t *p;
	size_t len;

	one_entry_db(&db);
	cr_assert_eq(kdb_encode(&db, &p, &len), KDB_OK);
	cr_assert_eq(kdb_decode(p, len, &back), KDB_OK);
	kdb_free(&back);
	cr_assert_eq(kdb_decode(p, len - 1, &back), KDB_E_CONTENT);
	p[len - 1] ^= 1;	/* data no longer matches its fingerprint */
	cr_assert_eq(kdb_decode(p, len, &back), KDB_E_CONTENT);
	p[len - 1] ^= 1;
	p[4] = KDB_KIND_MAX + 1;	/* unknown kind */
	cr_assert_eq(kdb_decode(p, len, &back), KDB_E_CONTENT);
	free(p);
	kdb_free(&db);
}

Test(units, stash_format)
{
	struct stash st, back;
	uint8_t buf[STASH_FILE_LEN];
	const char *why;

	cr_assert_eq(stash_generate(&st), 0);
	stash_encode(&st, buf);
	cr_assert_eq(stash_parse(buf, sizeof(buf), &back, &why), 0);
	cr_assert_eq(memcmp(st.secret, back.secret, STASH_SECRET_LEN), 0);
	cr_assert_eq(stash_parse(buf, sizeof(buf) - 1, &back, &why), -1);
	buf[10] ^= 1;
	cr_assert_eq(stash_parse(buf, sizeof(buf), &back, &why), -1);
	cr_assert(strstr(why, "damaged") != NULL);
}

/*
 * kdb_append is the one way into a database, for the decoder and every
 * writer alike: what the decoder refuses cannot be appended either.
 */
Test(units, kdb_append_refuses_what_the_decoder_would)
{
	struct kdb db;
	struct kdb_entry e;
	uint8_t *p;
	size_t len;

	one_entry_db(&db);
	memset(&e, 0, sizeof(e));
	e.kind = KDB_CA;
	e.origin = KDB_FROM_FILE;
	strcpy(e.label, "SRV1");	/* srv1, ignoring case */
	e.len = 10;
	e.data = calloc(1, 10);
	wc_Sha256Hash(e.data, 10, e.fpr);
	errno = 0;
	cr_assert_eq(kdb_append(&db, &e), -1, "a taken label was appended");
	cr_assert_eq(errno, EEXIST);
	strcpy(e.label, "-srv2");
	cr_assert_eq(kdb_append(&db, &e), -1);
	cr_assert_eq(errno, EINVAL);
	strcpy(e.label, "srv2");
	e.kind = KDB_KIND_MAX + 1;
	cr_assert_eq(kdb_append(&db, &e), -1);
	cr_assert_eq(errno, EINVAL);
	e.kind = KDB_CA;
	cr_assert_eq(kdb_append(&db, &e), 0);
	/* and what was appended decodes */
	cr_assert_eq(kdb_encode(&db, &p, &len), KDB_OK);
	kdb_free(&db);
	cr_assert_eq(kdb_decode(p, len, &db), KDB_OK);
	cr_assert_eq(db.n, 2);
	free(p);
	kdb_free(&db);
}

Test(units, made_labels_are_never_cut)
{
	char label[KDB_LABEL_MAX + 1], name[KDB_LABEL_MAX + 1];

	cr_assert_eq(kdb_server_label(KDB_CLIENT_KEY, "srv1", label), 0);
	cr_assert_str_eq(label, "client-key@srv1");
	cr_assert_eq(kdb_server_label(KDB_NODE_PASSWORD, "srv1", label), 0);
	cr_assert_str_eq(label, "nodepw@srv1");
	memset(name, 'x', kdb_server_label_room(KDB_CLIENT_CERT));
	name[kdb_server_label_room(KDB_CLIENT_CERT)] = '\0';
	cr_assert_eq(kdb_server_label(KDB_CLIENT_CERT, name, label), 0);
	cr_assert_eq(strlen(label), KDB_LABEL_MAX);
	strcat(name, "y");
	cr_assert_eq(kdb_server_label(KDB_CLIENT_CERT, name, label), -1);
	/* a made label is not a name, so it cannot make one */
	cr_assert_eq(kdb_server_label(KDB_CLIENT_CERT, "client-key@srv1",
	    label), -1);
	cr_assert(!kdb_name_ok("client-key@srv1"));
	cr_assert(!kdb_name_ok("srv1/2"));
	cr_assert(kdb_name_ok("client-key:srv1"));
}

/* Whole days between any two instants: no overflow, floor rounding. */
Test(units, days_until_any_instant)
{
	int64_t now = 1798761600;	/* 2027-01-01 */

	cr_assert_eq(bwk_days_until(now, now), 0);
	cr_assert_eq(bwk_days_until(now - 1, now), -1);
	cr_assert_eq(bwk_days_until(now + 86399, now), 0);
	cr_assert_eq(bwk_days_until(now + 86400, now), 1);
	cr_assert_eq(bwk_days_until(now - 86400, now), -1);
	cr_assert_eq(bwk_days_until(now - 86401, now), -2);
	cr_assert_lt(bwk_days_until(INT64_MIN, now), -100000000000L);
	cr_assert_gt(bwk_days_until(INT64_MAX, now), 100000000000L);
	cr_assert_lt(bwk_days_until(INT64_MIN, INT64_MAX), 0);
	cr_assert_gt(bwk_days_until(INT64_MAX, INT64_MIN), 0);
}

/*
 * The sealed file is what docs/kdb-format.md says, computed here with
 * wolfCrypt's own HKDF and AES-GCM rather than kdb.c's: the key
 * derivation kdb.c writes out (to wipe its intermediates) must agree.
 */
Test(units, sealed_file_follows_the_format)
{
	struct stash st;
	struct kdb db;
	uint8_t *img, *plain, *want, key[32], info[30];
	size_t len, wlen, n;
	Aes aes;

	cr_assert_eq(stash_generate(&st), 0);
	one_entry_db(&db);
	cr_assert_eq(kdb_seal(&db, &st, &img, &len), KDB_OK);
	cr_assert_eq(kdb_encode(&db, &want, &wlen), KDB_OK);
	n = len - KDB_HEADER_LEN - KDB_TAG_LEN;
	cr_assert_eq(n, wlen);
	memcpy(info, "bulwark kdb v1", 14);
	memcpy(info + 14, img, 16);
	cr_assert_eq(wc_HKDF(WC_SHA256, st.secret, STASH_SECRET_LEN, img + 32,
	    32, info, sizeof(info), key, sizeof(key)), 0);
	plain = malloc(n);
	cr_assert_eq(wc_AesInit(&aes, NULL, INVALID_DEVID), 0);
	cr_assert_eq(wc_AesGcmSetKey(&aes, key, sizeof(key)), 0);
	cr_assert_eq(wc_AesGcmDecrypt(&aes, plain, img + KDB_HEADER_LEN,
	    (word32)n, img + 64, 12, img + KDB_HEADER_LEN + n, KDB_TAG_LEN,
	    img, KDB_HEADER_LEN), 0, "not HKDF-SHA-256 and AES-256-GCM as documented");
	cr_assert_eq(memcmp(plain, want, n), 0);
	wc_AesFree(&aes);
	free(plain);
	free(want);
	free(img);
	kdb_free(&db);
	stash_wipe(&st);
}

/* Days as a person counts them: by the UTC dates, whatever the hour. */
Test(units, days_until_counts_dates)
{
	int64_t late = 1798761600 + 23 * 3600;	/* 2027-01-01 23:00 UTC */

	cr_assert_eq(bwk_days_until(1798761600 + 10 * 86400, late), 10);
	cr_assert_eq(bwk_days_until(1798761600 + 86400 + 1800, late), 1);
	cr_assert_eq(bwk_days_until(1798761600 + 3600, late), 0);
	cr_assert_eq(bwk_days_until(1798761600 - 60, late), -1);
}
