/*
 * The certificate-import path, as `bulwark-cert -add` runs it on the bytes
 * of a file: certfile_split, then x509_inspect and x509_policy for every
 * DER certificate found, then cert_list_free.
 *
 * Property checks (abort on violation):
 *  - bwk_sanitize output never holds a C0 control byte or DEL, is valid
 *    UTF-8 without C1 controls, and fits the buffer it was given;
 *  - a split that succeeds returns 1..CERTFILE_MAX_CERTS non-empty DER
 *    blobs of at most CERT_DER_MAX bytes; one that fails names a message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/lib/certfile.h"
#include "../src/lib/msg.h"
#include "../src/lib/util.h"
#include "../src/lib/x509.h"
#include "fuzz_common.h"

/* Independent check that s (of capacity cap) is safe to print. */
static void
check_printable(const char *s, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strnlen(s, cap), i, n, k;
	uint32_t cp;

	if (len >= cap)
		fuzz_fail("sanitized string not NUL-terminated within its buffer");
	for (i = 0; i < len; i += n) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			fuzz_fail("sanitized string holds a C0 control or DEL");
		if (p[i] < 0x80) {
			n = 1;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf)
			n = 2, cp = p[i] & 0x1f;
		else if (p[i] >= 0xe0 && p[i] <= 0xef)
			n = 3, cp = p[i] & 0x0f;
		else if (p[i] >= 0xf0 && p[i] <= 0xf4)
			n = 4, cp = p[i] & 0x07;
		else
			fuzz_fail("sanitized string is not UTF-8 (bad lead byte)");
		if (i + n > len)
			fuzz_fail("sanitized string ends inside a UTF-8 sequence");
		for (k = 1; k < n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				fuzz_fail("sanitized string is not UTF-8");
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0xa0) || (n == 3 && cp < 0x800) ||
		    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			fuzz_fail("sanitized string holds C1, overlong or bad UTF-8");
	}
}

static void
sanitize_check(const char *s)
{
	char small[16], tiny[2];

	bwk_sanitize(s, small, sizeof(small));
	check_printable(small, sizeof(small));
	bwk_sanitize(s, tiny, sizeof(tiny));
	check_printable(tiny, sizeof(tiny));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cert_list certs;
	struct certinfo ci;
	char why[256], raw[512];
	const char *id = NULL;
	size_t i, rl;

	/* bwk_sanitize on arbitrary bytes, not only on wolfSSL's names */
	rl = size < sizeof(raw) - 1 ? size : sizeof(raw) - 1;
	memcpy(raw, data, rl);
	raw[rl] = '\0';
	sanitize_check(raw);

	why[0] = '\0';
	if (certfile_split(data, size, &certs, &id, why, sizeof(why)) == -1) {
		if (id == NULL || strnlen(why, sizeof(why)) >= sizeof(why))
			fuzz_fail("certfile_split failed without a message");
		if (certs.n != 0)
			fuzz_fail("certfile_split failed but left certificates");
		return 0;
	}
	if (certs.n == 0 || certs.n > CERTFILE_MAX_CERTS)
		fuzz_fail("certfile_split returned no or too many certificates");
	for (i = 0; i < certs.n; i++) {
		if (certs.c[i].der == NULL || certs.c[i].len == 0 ||
		    certs.c[i].len > CERT_DER_MAX)
			fuzz_fail("certfile_split returned a bad DER blob");
		if (x509_inspect(certs.c[i].der, certs.c[i].len, &ci, why,
		    sizeof(why)) == -1)
			continue;
		check_printable(ci.subject, sizeof(ci.subject));
		check_printable(ci.issuer, sizeof(ci.issuer));
		id = NULL;
		if (x509_policy(&ci, FUZZ_NOW, 1, &id, why, sizeof(why)) !=
		    X509_OK && id == NULL)
			fuzz_fail("x509_policy refused without a message ID");
		sanitize_check(ci.subject);
	}
	cert_list_free(&certs);
	if (certs.n != 0)
		fuzz_fail("cert_list_free left entries");
	return 0;
}
