/*
 * SIGN_STANDBY, answered by a server's helper (--serve --standby LABEL)
 * only: the proof that bulwarkd holds its standby key, which each
 * session announces after a node signed on (docs/protocol.md,
 * STANDBY_KEY). The session process cannot hold the standby private key
 * any more than the current one, so the signature is made here, once per
 * helper, over an input of a fixed shape the helper assembles itself
 * (src/lib/standby.h): the label, the 32-byte exporter value the session
 * hands over, and the SHA-256 of the standby certificate it holds. The
 * session chooses nothing but those 32 bytes, never the bytes signed.
 */
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hash.h>

#include "../lib/msg.h"
#include "../lib/standby.h"
#include "../lib/util.h"
#include "../lib/x509.h"
#include "keyd.h"

static int
answer(struct keyd *k, struct frame *f)
{
	if (frame_finish(f) == -1)
		return -1;
	return k->send(k->send_arg, f);
}

/* ECDSA over SHA-256 of the input, or RSASSA-PSS-SHA256 (salt 32). */
static int
prove(struct keyd *k, const uint8_t digest[32], uint8_t *sig, word32 *siglen)
{
	struct keyd_key *sk = &k->standby;
	int r;

	if (sk->type == X509_KEY_EC)
		return wc_ecc_sign_hash(digest, 32, sig, siglen, &k->rng,
		    &sk->ecc) == 0 ? 0 : -1;
	if (sk->type != X509_KEY_RSA)
		return -1;
	r = wc_RsaPSS_Sign(digest, 32, sig, *siglen, WC_HASH_TYPE_SHA256,
	    WC_MGF1SHA256, &sk->rsa, &k->rng);
	if (r <= 0)
		return -1;
	*siglen = (word32)r;
	return 0;
}

int
keyd_answer_sign_standby(struct keyd *k, struct msg *m)
{
	uint8_t ekm[STANDBY_EKM_LEN], hash[32], in[STANDBY_INPUT_LEN];
	uint8_t digest[32], sig[KEYD_SIG_MAX];
	const struct kdb_entry *cert = k->standby.cert;
	word32 siglen = sizeof(sig);
	char hex[17];
	struct frame f;
	int r = -1;

	if (msg_get(m, ekm, sizeof(ekm)) == -1 || msg_end(m) == -1 ||
	    cert == NULL)
		return -1;
	if (wc_Sha256Hash(cert->data, (word32)cert->len, hash) == 0) {
		standby_input(ekm, hash, in);
		if (wc_Sha256Hash(in, sizeof(in), digest) == 0)
			r = prove(k, digest, sig, &siglen);
	}
	bwk_hex(hash, 8, hex);
	if (r == -1) {
		bwk_msg("BWK0567W", "audit: FAILED to prove the standby key %s "
		    "(certificate SHA256:%s...) to this session's client",
		    k->standby_label, hex);
		frame_init(&f, KEYD_ANS_FAIL, m->seq);
		frame_put_h32(&f, KEYD_FAIL_CRYPTO);
		return answer(k, &f);
	}
	bwk_msg("BWK0563I", "audit: proved the standby key %s (certificate "
	    "SHA256:%s...) to this session's client", k->standby_label, hex);
	frame_init(&f, KEYD_ANS_SIGN_STANDBY, m->seq);
	frame_put_h32(&f, (uint32_t)cert->len);
	frame_put(&f, cert->data, cert->len);
	frame_put_h16(&f, (uint16_t)siglen);
	frame_put(&f, sig, siglen);
	explicit_bzero(sig, sizeof(sig));
	return answer(k, &f);
}
