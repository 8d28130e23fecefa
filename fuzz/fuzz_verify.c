/*
 * The path validator, chain_verify() of src/verify/, with its DER reading,
 * its name, policy and CRL code, on a chain from the fuzzer.
 *
 * Input: DER elements one after the other (each read as tag, length,
 * contents, so a certificate file is already an input):
 *
 *   CERT [CERT ...] ANCHOR [00 00 CRL ...]
 *
 * The first certificate is the leaf, the last before the separator the
 * trust anchor, the ones between the intermediates; a single certificate
 * is a leaf trusted as its own anchor (a pin). The two bytes 00 00 (an
 * element of tag 0, which no certificate has) end the certificates; DER
 * elements after it are CRLs, and revocation is then checked. Bytes that
 * do not parse as an element end the input and are kept as one more
 * certificate, so that the verifier's own reader meets them too.
 *
 * Each input is verified at a fixed time twice: as the TLS client does
 * (serverAuth, a DNS host name, with the Public Suffix List loaded) and as
 * plain RFC 5280 with an IP address to check.
 *
 * Property checks (abort on violation): the reason is a known one with a
 * BWK07xx ID; the result's texts are terminated within their buffers; an
 * accepted path runs from the leaf to an anchor, within CHAIN_MAX_PATH,
 * and indexes only what was given.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/verify/verify.h"
#include "../src/lib/der.h"
#include "../src/lib/msg.h"

#define MAX_CERTS	24
#define MAX_CRLS	8

#define FUZZ_SETUP	verify_setup
#include "fuzz_common.h"

static void
verify_setup(void)
{
	char why[256];

	/* as the client does, before anything untrusted is read */
	if (chain_psl_load(why, sizeof(why)) == -1)
		fprintf(stderr, "%s: no Public Suffix List: %s\n", fuzz_name,
		    why);
}

static void
check(const struct chain_input *in, enum chain_reason r,
    const struct chain_result *res)
{
	const char *id = chain_reason_id(r);
	size_t i;

	if ((int)r < 0 || r >= CHAIN_E_MAX || res->reason != r)
		fuzz_fail("an unknown reason, or not the one in the result");
	if (strncmp(id, "BWK07", 5) != 0 || strlen(id) != 8)
		fuzz_fail("a reason without its message ID");
	if (memchr(res->subject, '\0', sizeof(res->subject)) == NULL ||
	    memchr(res->detail, '\0', sizeof(res->detail)) == NULL)
		fuzz_fail("a result text not terminated in its buffer");
	if (res->path_len > CHAIN_MAX_PATH)
		fuzz_fail("a path longer than CHAIN_MAX_PATH");
	for (i = 0; i < res->path_len; i++)
		if ((res->path[i].src == CHAIN_SRC_ANCHOR &&
		    res->path[i].index >= in->n_anchors) ||
		    (res->path[i].src == CHAIN_SRC_INTERMEDIATE &&
		    res->path[i].index >= in->n_intermediates))
			fuzz_fail("a path entry that indexes past the input");
	if (r != CHAIN_OK)
		return;
	if (res->path_len == 0 ||
	    res->path[res->path_len - 1].src != CHAIN_SRC_ANCHOR)
		fuzz_fail("an accepted path that does not end at an anchor");
	if (res->path_len > 1 && res->path[0].src != CHAIN_SRC_LEAF)
		fuzz_fail("an accepted path that does not start at the leaf");
}

static void
run(struct chain_input *in, enum chain_purpose purpose,
    enum chain_name_kind kind, const char *name)
{
	static struct chain_result res;
	enum chain_reason r;

	in->purpose = purpose;
	in->name_kind = kind;
	in->name = name;
	r = chain_verify(in, &res);
	check(in, r, &res);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chain_der certs[MAX_CERTS], crls[MAX_CRLS];
	struct chain_input in;
	struct der d = { data, size };
	struct span tlv;
	size_t nc = 0, nr = 0;
	int tag, in_crls = 0;

	while (d.n > 0) {
		if (der_next(&d, &tag, NULL, &tlv) == -1) {
			tlv.p = d.p;	/* the rest, as one certificate */
			tlv.n = d.n;
			d.n = 0;
			tag = 0x30;
		}
		if (tag == 0 && tlv.n == 2 && !in_crls) {
			in_crls = 1;
			continue;
		}
		if (!in_crls && nc < MAX_CERTS)
			certs[nc++] = (struct chain_der){ tlv.p, tlv.n };
		else if (in_crls && nr < MAX_CRLS)
			crls[nr++] = (struct chain_der){ tlv.p, tlv.n };
	}
	if (nc == 0)
		return 0;
	memset(&in, 0, sizeof(in));
	in.leaf = certs[0];
	in.anchors = &certs[nc - 1];
	in.n_anchors = 1;
	in.intermediates = nc > 2 ? &certs[1] : NULL;
	in.n_intermediates = nc > 2 ? nc - 2 : 0;
	in.crls = nr > 0 ? crls : NULL;
	in.n_crls = nr;
	in.check_revocation = nr > 0;
	in.time = FUZZ_NOW;
	in.max_depth = -1;
	run(&in, CHAIN_PURPOSE_SERVER_AUTH, CHAIN_NAME_DNS, "example.com");
	run(&in, CHAIN_PURPOSE_ANY, CHAIN_NAME_IP, "127.0.0.1");
	return 0;
}
