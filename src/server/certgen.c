/*
 * bulwarkd's own identity: a key and a self-signed certificate, as the
 * seed server makes for itself (its cert256.arm), but on ECDSA P-256 with
 * SHA-256 (RSA-3072 when asked), naming the host's names and addresses,
 * for TLS server use only. All of it through wolfCrypt's certificate
 * generation; only the subjectAltName's GeneralNames are encoded here,
 * because wolfCrypt has no call that builds them from a list.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/random.h>
#include <wolfssl/wolfcrypt/rsa.h>

#include "../lib/msg.h"
#include "certgen.h"

#if !defined(WOLFSSL_CERT_GEN) || !defined(WOLFSSL_ALT_NAMES)
#error "wolfSSL must be built with certificate generation and alt names"
#endif

/* The GeneralNames being built: one buffer, bounds checked. */
struct sans {
	uint8_t		buf[CTC_MAX_ALT_SIZE];
	size_t		len;		/* after the 4-byte SEQUENCE header */
	int		overflow;
};

static void
san_add(struct sans *g, uint8_t tag, const void *p, size_t n)
{
	uint8_t *o;

	/* each entry is short: a one-byte DER length */
	if (n == 0 || n > 127 || g->len + 2 + n > sizeof(g->buf) - 4) {
		g->overflow = 1;
		return;
	}
	o = g->buf + 4 + g->len;
	o[0] = tag;
	o[1] = (uint8_t)n;
	memcpy(o + 2, p, n);
	g->len += 2 + n;
}

/* dNSName [2] IA5String: a name fit for one (letters, digits, - and .). */
static void
san_dns(struct sans *g, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '-' ||
		    name[i] == '.'))
			return;		/* not a host name: left out */
	san_add(g, 0x82, name, n);
}

/* The names and addresses this host answers to; loopback always. */
static void
host_names(struct sans *g, char *cn, size_t cnlen)
{
	static const uint8_t lo4[4] = { 127, 0, 0, 1 };
	static const uint8_t lo6[16] = { [15] = 1 };
	struct addrinfo hints, *ai = NULL;
	struct ifaddrs *ifa = NULL, *i;
	char host[256];

	snprintf(cn, cnlen, "localhost");
	if (gethostname(host, sizeof(host)) == 0 && host[0] != '\0') {
		host[sizeof(host) - 1] = '\0';
		if ((size_t)snprintf(cn, cnlen, "%.*s", (int)cnlen - 1, host) >=
		    cnlen)
			snprintf(cn, cnlen, "localhost");	/* too long a name */
		san_dns(g, host);
		memset(&hints, 0, sizeof(hints));
		hints.ai_flags = AI_CANONNAME;
		if (getaddrinfo(host, NULL, &hints, &ai) == 0 && ai != NULL &&
		    ai->ai_canonname != NULL && strcmp(ai->ai_canonname, host) != 0)
			san_dns(g, ai->ai_canonname);
		if (ai != NULL)
			freeaddrinfo(ai);
	}
	san_dns(g, "localhost");
	san_add(g, 0x87, lo4, sizeof(lo4));
	san_add(g, 0x87, lo6, sizeof(lo6));
	if (getifaddrs(&ifa) == -1)
		return;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || (i->ifa_flags & IFF_LOOPBACK))
			continue;
		if (i->ifa_addr->sa_family == AF_INET)
			san_add(g, 0x87, &((struct sockaddr_in *)
			    (void *)i->ifa_addr)->sin_addr, 4);
		else if (i->ifa_addr->sa_family == AF_INET6 &&
		    !IN6_IS_ADDR_LINKLOCAL(&((struct sockaddr_in6 *)
		    (void *)i->ifa_addr)->sin6_addr))
			san_add(g, 0x87, &((struct sockaddr_in6 *)
			    (void *)i->ifa_addr)->sin6_addr, 16);
	}
	freeifaddrs(ifa);
}

/* The SEQUENCE around the names, its length in DER's shortest form. */
static int
sans_finish(struct sans *g, Cert *cert)
{
	uint8_t h[4];
	size_t hl;

	if (g->overflow || g->len == 0 || g->len > 0xffff ||
	    g->len + 4 > sizeof(cert->altNames))
		return -1;
	h[0] = 0x30;
	if (g->len < 0x80) {
		h[1] = (uint8_t)g->len;
		hl = 2;
	} else if (g->len < 0x100) {
		h[1] = 0x81;
		h[2] = (uint8_t)g->len;
		hl = 3;
	} else {
		h[1] = 0x82;
		h[2] = (uint8_t)(g->len >> 8);
		h[3] = (uint8_t)g->len;
		hl = 4;
	}
	memcpy(cert->altNames, h, hl);
	memcpy(cert->altNames + hl, g->buf + 4, g->len);
	cert->altNamesSz = (int)(hl + g->len);
	return 0;
}

/*
 * An RFC 5280 4.1.2.5 time: UTCTime through 2049, GeneralizedTime after
 * (wolfCrypt writes GeneralizedTime for every year, which RFC 5280 and
 * Bulwark's own certificate policy refuse before 2050).
 */
static int
set_time(uint8_t *out, int *outlen, time_t t)
{
	struct tm tm;
	char s[20];

	if (gmtime_r(&t, &tm) == NULL)
		return -1;
	/* UTCTime's two-digit year is RFC 5280's, not a y2k slip */
	strftime(s, sizeof(s), "%Y%m%d%H%M%SZ", &tm);
	if (tm.tm_year + 1900 < 2050) {
		memmove(s, s + 2, strlen(s + 2) + 1);
		out[0] = 0x17;
	} else
		out[0] = 0x18;
	out[1] = (uint8_t)strlen(s);
	memcpy(out + 2, s, strlen(s));
	*outlen = 2 + (int)strlen(s);
	return 0;
}

/* Valid from a minute ago (clocks differ a little) for days days. */
static int
set_validity(Cert *cert, int days)
{
	time_t now = time(NULL);

	return set_time(cert->beforeDate, &cert->beforeDateSz, now - 60) == -1 ||
	    set_time(cert->afterDate, &cert->afterDateSz, now +
	    (time_t)days * 86400) == -1 ? -1 : 0;
}

static int
make_key(WC_RNG *rng, int rsa, ecc_key *ec, RsaKey *rk,
    struct server_identity *id)
{
	int n;

	if (rsa) {
		if (wc_InitRsaKey(rk, NULL) != 0 ||
		    wc_MakeRsaKey(rk, 3072, WC_RSA_EXPONENT, rng) != 0)
			return -1;
		n = wc_RsaKeyToDer(rk, id->key, sizeof(id->key));
	} else {
		if (wc_ecc_init(ec) != 0 ||
		    wc_ecc_make_key_ex(rng, 32, ec, ECC_SECP256R1) != 0)
			return -1;
		n = wc_EccKeyToDer(ec, id->key, sizeof(id->key));
	}
	if (n <= 0)
		return -1;
	id->key_len = (size_t)n;
	return 0;
}

/* A key read back from its DER (the renewal of an existing identity). */
static int
load_key(const struct server_identity *id, int *rsa, ecc_key *ec, RsaKey *rk)
{
	word32 idx = 0;

	if (wc_ecc_init(ec) == 0 &&
	    wc_EccPrivateKeyDecode(id->key, &idx, ec, (word32)id->key_len) == 0) {
		*rsa = 0;
		return 0;
	}
	wc_ecc_free(ec);
	idx = 0;
	if (wc_InitRsaKey(rk, NULL) == 0 &&
	    wc_RsaPrivateKeyDecode(id->key, &idx, rk, (word32)id->key_len) == 0) {
		*rsa = 1;
		return 0;
	}
	wc_FreeRsaKey(rk);
	return -1;
}

static int
sign_cert(Cert *cert, WC_RNG *rng, int rsa, ecc_key *ec, RsaKey *rk,
    struct server_identity *id)
{
	int type = rsa ? RSA_TYPE : ECC_TYPE, n;
	void *key = rsa ? (void *)rk : (void *)ec;

	cert->sigType = rsa ? CTC_SHA256wRSA : CTC_SHA256wECDSA;
	if (wc_SetSubjectKeyIdFromPublicKey_ex(cert, type, key) != 0 ||
	    wc_SetKeyUsage(cert, "digitalSignature") != 0 ||
	    wc_SetExtKeyUsage(cert, "serverAuth") != 0)
		return -1;
	if ((n = wc_MakeCert_ex(cert, id->cert, sizeof(id->cert), type, key,
	    rng)) <= 0)
		return -1;
	if ((n = wc_SignCert_ex(cert->bodySz, cert->sigType, id->cert,
	    sizeof(id->cert), type, key, rng)) <= 0)
		return -1;
	id->cert_len = (size_t)n;
	return 0;
}

int
certgen_make(const struct certgen_opts *o, struct server_identity *id)
{
	static struct sans g;
	static Cert cert;
	char cn[CTC_NAME_SIZE];
	ecc_key ec;
	RsaKey rk;
	WC_RNG rng;
	int rsa = o->rsa, ok = -1;

	memset(&g, 0, sizeof(g));
	if (wc_InitRng(&rng) != 0)
		return -1;
	if (o->renew ? load_key(id, &rsa, &ec, &rk) : make_key(&rng, rsa, &ec,
	    &rk, id)) {
		wc_FreeRng(&rng);
		return -1;
	}
	if (wc_InitCert(&cert) != 0)
		goto out;
	host_names(&g, cn, sizeof(cn));
	snprintf(cert.subject.commonName, CTC_NAME_SIZE, "%s", cn);
	snprintf(cert.subject.org, CTC_NAME_SIZE, "Bulwark server %s",
	    o->label);
	cert.daysValid = o->days;
	if (set_validity(&cert, o->days) == -1)
		goto out;
	cert.selfSigned = 1;
	cert.isCA = 0;
	/* a positive serial of 16 random bytes (RFC 5280 4.1.2.2) */
	cert.serialSz = 16;
	if (wc_RNG_GenerateBlock(&rng, cert.serial, 16) != 0)
		goto out;
	cert.serial[0] = (cert.serial[0] & 0x7f) | 0x40;
	if (sans_finish(&g, &cert) == -1 || sign_cert(&cert, &rng, rsa, &ec,
	    &rk, id) == -1)
		goto out;
	ok = 0;
out:
	if (rsa)
		wc_FreeRsaKey(&rk);
	else
		wc_ecc_free(&ec);
	wc_FreeRng(&rng);
	explicit_bzero(&cert, sizeof(cert));
	return ok;
}

int
certgen_pem(const struct server_identity *id, char *out, size_t cap)
{
	int n = wc_DerToPem(id->cert, (word32)id->cert_len, (byte *)out,
	    (word32)cap - 1, CERT_TYPE);

	if (n <= 0)
		return -1;
	out[n] = '\0';
	return n;
}
