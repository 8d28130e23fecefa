/*
 * The object identifiers the verifier knows (DER contents), and the
 * signature AlgorithmIdentifiers: which algorithm, which hash, what key it
 * needs, and whether the policy allows it.
 */
#include <stdio.h>
#include <string.h>

#include "../lib/x509.h"
#include "verify_int.h"

const uint8_t OID_SKI[] = { 0x55, 0x1d, 0x0e };
const uint8_t OID_KU[] = { 0x55, 0x1d, 0x0f };
const uint8_t OID_SAN[] = { 0x55, 0x1d, 0x11 };
const uint8_t OID_IAN[] = { 0x55, 0x1d, 0x12 };
const uint8_t OID_BC[] = { 0x55, 0x1d, 0x13 };
const uint8_t OID_CRLNUM[] = { 0x55, 0x1d, 0x14 };
const uint8_t OID_REASON[] = { 0x55, 0x1d, 0x15 };
const uint8_t OID_INVDATE[] = { 0x55, 0x1d, 0x18 };
const uint8_t OID_DELTA[] = { 0x55, 0x1d, 0x1b };
const uint8_t OID_IDP[] = { 0x55, 0x1d, 0x1c };
const uint8_t OID_CERTISSUER[] = { 0x55, 0x1d, 0x1d };
const uint8_t OID_NC[] = { 0x55, 0x1d, 0x1e };
const uint8_t OID_CRLDP[] = { 0x55, 0x1d, 0x1f };
const uint8_t OID_CP[] = { 0x55, 0x1d, 0x20 };
const uint8_t OID_PM[] = { 0x55, 0x1d, 0x21 };
const uint8_t OID_AKI[] = { 0x55, 0x1d, 0x23 };
const uint8_t OID_PC[] = { 0x55, 0x1d, 0x24 };
const uint8_t OID_EKU[] = { 0x55, 0x1d, 0x25 };
const uint8_t OID_FRESHEST[] = { 0x55, 0x1d, 0x2e };
const uint8_t OID_IAP[] = { 0x55, 0x1d, 0x36 };
const uint8_t OID_AIA[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01 };
const uint8_t OID_SIA[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x0b };
const uint8_t OID_ANY_POLICY[] = { 0x55, 0x1d, 0x20, 0x00 };
const uint8_t OID_EKU_SERVER[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01 };
const uint8_t OID_EKU_ANY[] = { 0x55, 0x1d, 0x25, 0x00 };
const uint8_t OID_RSA[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };
const uint8_t OID_EC[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
const uint8_t OID_P256[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
const uint8_t OID_P384[] = { 0x2b, 0x81, 0x04, 0x00, 0x22 };
const uint8_t OID_P521[] = { 0x2b, 0x81, 0x04, 0x00, 0x23 };
const uint8_t OID_P224[] = { 0x2b, 0x81, 0x04, 0x00, 0x21 };
const uint8_t OID_EMAIL[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01 };

static const struct sigalg sigalgs[] = {
	{ { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b }, 9, WC_HASH_TYPE_SHA256, AK_RSA, 1, "RSA-SHA256" },
	{ { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c }, 9, WC_HASH_TYPE_SHA384, AK_RSA, 1, "RSA-SHA384" },
	{ { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d }, 9, WC_HASH_TYPE_SHA512, AK_RSA, 1, "RSA-SHA512" },
	{ { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0e }, 9, WC_HASH_TYPE_SHA224, AK_RSA, 0, "RSA-SHA224" },
	{ { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05 }, 9, WC_HASH_TYPE_SHA, AK_RSA, 0, "RSA-SHA1" },
	{ { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x04 }, 9, WC_HASH_TYPE_NONE, AK_RSA, 0, "RSA-MD5" },
	{ { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02 }, 8, WC_HASH_TYPE_SHA256, AK_EC, 1, "ECDSA-SHA256" },
	{ { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03 }, 8, WC_HASH_TYPE_SHA384, AK_EC, 1, "ECDSA-SHA384" },
	{ { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04 }, 8, WC_HASH_TYPE_SHA512, AK_EC, 1, "ECDSA-SHA512" },
	{ { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x01 }, 8, WC_HASH_TYPE_SHA224, AK_EC, 0, "ECDSA-SHA224" },
	{ { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01 }, 7, WC_HASH_TYPE_SHA, AK_EC, 0, "ECDSA-SHA1" },
	{ { 0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x03 }, 7, WC_HASH_TYPE_SHA, AK_OTHER, 0, "DSA-SHA1" },
	{ { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x02 }, 9, WC_HASH_TYPE_SHA256, AK_OTHER, 0, "DSA-SHA256" },
	{ { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a }, 9, WC_HASH_TYPE_NONE, AK_PSS, 1, "RSA-PSS" },
};

static const struct sigalg *
sigalg_find(struct span oid)
{
	size_t i;

	for (i = 0; i < sizeof(sigalgs) / sizeof(sigalgs[0]); i++)
		if (span_is(oid, sigalgs[i].oid, sigalgs[i].oidlen))
			return &sigalgs[i];
	return NULL;
}

static enum wc_HashType
wc_hash(enum x509_hash h)
{
	switch (h) {
	case X509_HASH_SHA1:
		return WC_HASH_TYPE_SHA;
	case X509_HASH_SHA256:
		return WC_HASH_TYPE_SHA256;
	case X509_HASH_SHA384:
		return WC_HASH_TYPE_SHA384;
	case X509_HASH_SHA512:
		return WC_HASH_TYPE_SHA512;
	default:
		return WC_HASH_TYPE_NONE;
	}
}

/*
 * RFC 4055 RSASSA-PSS-params, through the check the import policy uses
 * too (x509_pss_params), so that bulwark-cert and the verifier cannot
 * disagree. The MGF1 hash is kept as given: the signature is verified as
 * made, and refused by the floor in check_common when MGF1 differs.
 */
static int
pss_params(struct span params, struct sig_params *sp)
{
	struct x509_pss pss;

	if (x509_pss_params(params.p, params.n, &pss) == -1)
		return -1;
	sp->hash = wc_hash(pss.hash);
	sp->mgf1_hash = wc_hash(pss.mgf1_hash);
	sp->pss_salt = pss.salt;
	sp->policy_ok = pss.policy_ok;
	snprintf(sp->name, sizeof(sp->name), "%s", pss.name);
	return 0;
}

/* Signature AlgorithmIdentifier (the whole SEQUENCE contents). */
int
sig_params_parse(struct span algseq, struct sig_params *sp)
{
	struct der d = der_of(algseq);
	struct span oid, params = { NULL, 0 };
	int tag;

	memset(sp, 0, sizeof(*sp));
	if (der_get(&d, 0x06, &oid, NULL) == -1)
		return -1;
	if (d.n > 0 && der_next(&d, &tag, &params, NULL) == -1)
		return -1;
	if (d.n != 0)
		return -1;
	sp->alg = sigalg_find(oid);
	if (sp->alg == NULL) {
		snprintf(sp->name, sizeof(sp->name), "an unknown algorithm");
		return 0;
	}
	snprintf(sp->name, sizeof(sp->name), "%s", sp->alg->name);
	sp->hash = sp->alg->hash;
	sp->policy_ok = sp->alg->policy_ok;
	if (sp->alg->key == AK_PSS) {
		if (tag != 0x30 || pss_params(params, sp) == -1) {
			sp->alg = NULL;
			snprintf(sp->name, sizeof(sp->name),
			    "RSA-PSS with bad parameters");
		}
		return 0;
	}
	if (sp->alg->key == AK_EC && params.p != NULL)
		return -1;	/* RFC 5758: parameters absent */
	if (sp->alg->key == AK_RSA && params.p != NULL &&
	    (tag != 0x05 || params.n != 0))
		return -1;	/* RFC 4055: NULL */
	return 0;
}
