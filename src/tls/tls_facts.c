#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/internal.h>
#include <wolfssl/version.h>

#include <stdio.h>
#include <string.h>

#include "tls_facts.h"

/*
 * The fields below are wolfSSL internals: pin the exact version this was
 * checked against, so an upgrade is a build error, not a silent misread.
 */
#if LIBWOLFSSL_VERSION_HEX != 0x05007002
#error "tls_facts.c reads wolfSSL 5.7.2 internals; check them for this version"
#endif

static const char *
sig_name(int sig)
{
	switch (sig) {
	case ecc_dsa_sa_algo:	return "ECDSA";
	case rsa_sa_algo:	return "RSA";
	case rsa_pss_sa_algo:
	case rsa_pss_pss_algo:	return "RSA-PSS";
	}
	return "OTHER";
}

static const char *
hash_name(int hash)
{
	switch (hash) {
	case sha_mac:		return "SHA1";
	case sha224_mac:	return "SHA224";
	case sha256_mac:	return "SHA256";
	case sha384_mac:	return "SHA384";
	case sha512_mac:	return "SHA512";
	}
	return "OTHER";
}

int
tls_facts_get(WOLFSSL *ssl, struct tls_facts *f)
{
	const char *suite;

	memset(f, 0, sizeof(*f));
	if (ssl == NULL)
		return -1;
	f->ems = ssl->options.haveEMS ? 1 : 0;
	f->hello_done = ssl->options.serverState >= SERVER_HELLO_COMPLETE;
	f->cert_requested = ssl->options.sendVerify != 0;
	suite = wolfSSL_get_cipher_name(ssl);
	snprintf(f->suite, sizeof(f->suite), "%s", suite ? suite : "");
	if (ssl->options.serverState < SERVER_KEYEXCHANGE_COMPLETE)
		return 0;
	snprintf(f->sig, sizeof(f->sig), "%s+%s",
	    sig_name(ssl->options.peerSigAlgo),
	    hash_name(ssl->options.peerHashAlgo));
	switch (ssl->ecdhCurveOID) {
	case ECC_SECP256R1_OID:
		snprintf(f->group, sizeof(f->group), "P-256");
		break;
	case ECC_SECP384R1_OID:
		snprintf(f->group, sizeof(f->group), "P-384");
		break;
	case ECC_SECP521R1_OID:
		snprintf(f->group, sizeof(f->group), "P-521");
		break;
	default:
		snprintf(f->group, sizeof(f->group), "other");
	}
	return 0;
}
