/*
 * A TLS 1.2 session under the Bulwark policy. session_prepare() does all
 * that needs the file system or privileges (helper, trust, DNS, the
 * wolfSSL context), then sandboxes this process; session_connect() is
 * the part that touches the network and parses peer bytes.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/error-ssl.h>
#include <wolfssl/wolfcrypt/asn.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/wolfcrypt/hash.h>

#include "../../sandbox/sandbox.h"
#include "../common/kdb.h"
#include "../common/msg.h"
#include "../common/store.h"
#include "../common/x509.h"
#include "session.h"
#include "verify.h"

#define IO_TIMEOUT_SECONDS	30

static int
is_ip_literal(const char *h)
{
	unsigned char a[16];

	return inet_pton(AF_INET, h, a) == 1 || inet_pton(AF_INET6, h, a) == 1;
}

static int
resolve(struct session *s)
{
	struct addrinfo hints;
	int r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	if ((r = getaddrinfo(s->o->host, s->o->port, &hints, &s->ai)) != 0) {
		bwk_msg("BWK0701E", "cannot resolve %s port %s: %s; check "
		    "TCPSERVERADDRESS and TCPPORT", s->o->host, s->o->port,
		    gai_strerror(r));
		return -1;
	}
	return 0;
}

/*
 * Is the leaf the server showed one of this server's own entries (a
 * pinned certificate, or a self-signed one stored as its CA root)? A CA
 * root for every server is never a pin: it names no server.
 */
static int
leaf_is_pinned(const struct session *s, const uint8_t fpr[BWK_SHA256_LEN])
{
	uint8_t f[BWK_SHA256_LEN];
	size_t i;

	for (i = 0; i < s->trust.n; i++) {
		if (!s->trust.c[i].own)
			continue;
		if (wc_Sha256Hash(s->trust.c[i].der, (word32)s->trust.c[i].len,
		    f) != 0)
			continue;
		if (memcmp(f, fpr, sizeof(f)) == 0)
			return 1;
	}
	return 0;
}

static int
has_kind(const struct session *s, int kind)
{
	size_t i;

	for (i = 0; i < s->trust.n; i++)
		if (s->trust.c[i].kind == kind)
			return 1;
	return 0;
}

/*
 * Called by wolfSSL only when its own chain verification failed. A pinned
 * leaf overrides that (the pin is the identity); an unknown server with
 * no entry at all may be accepted on first use, decided for good after
 * the handshake; anything else is refused and the reason kept.
 */
static int
verify_cb(int preverify, WOLFSSL_X509_STORE_CTX *store)
{
	struct session *s = store->userCtx;
	uint8_t fpr[BWK_SHA256_LEN];

	if (preverify)
		return 1;
	if (s == NULL || store->certs == NULL || store->totalCerts < 1)
		return 0;
	if (wc_Sha256Hash(store->certs[0].buffer, store->certs[0].length,
	    fpr) != 0)
		return 0;
	memcpy(s->leaf_fpr, fpr, sizeof(fpr));
	if (leaf_is_pinned(s, fpr)) {
		s->rule = TRUST_PINNED;
		return 1;
	}
	if (s->trust.n == 0 && !s->o->system_ca && s->o->accept_first_use) {
		s->rule = TRUST_FIRST_USE;	/* checked and pinned later */
		return 1;
	}
	/* keep the most telling error: a name mismatch yields to the rest */
	if (s->verify_error == 0 || s->verify_error == DOMAIN_NAME_MISMATCH ||
	    s->verify_error == IPADDR_MISMATCH)
		s->verify_error = store->error;
	return 0;
}

static int
load_trust(struct session *s)
{
	size_t i;

	/* read now, before the sandbox: the network process opens no file */
	if (s->o->system_ca && wolfSSL_CTX_load_verify_locations(s->ctx,
	    SYSTEM_CA_BUNDLE, NULL) != WOLFSSL_SUCCESS) {
		bwk_msg("BWK0707E", "BWKSYSTEMCA YES, but the system CA bundle "
		    "%s cannot be read; install ca-certificates or set "
		    "BWKSYSTEMCA NO", SYSTEM_CA_BUNDLE);
		return -1;
	}
	for (i = 0; i < s->trust.n; i++) {
		if (s->trust.c[i].kind != KDB_CA)
			continue;
		/* a CA root wolfSSL cannot load is not silently skipped */
		if (wolfSSL_CTX_load_verify_buffer(s->ctx, s->trust.c[i].der,
		    (long)s->trust.c[i].len, WOLFSSL_FILETYPE_ASN1) !=
		    WOLFSSL_SUCCESS) {
			bwk_msg("BWK0703E", "a CA root for server %s in the key "
			    "database cannot be used; check it with "
			    "bulwark-cert -show -server %s", s->o->server,
			    s->o->server);
			return -1;
		}
	}
	return 0;
}

static const struct {
	const char	*name;
	int		 id;
} groups[] = {
	{ "P-256", WOLFSSL_ECC_SECP256R1 },
	{ "P-384", WOLFSSL_ECC_SECP384R1 },
	{ "P-521", WOLFSSL_ECC_SECP521R1 },
};

static int
apply_policy(struct session *s)
{
	const struct tls_policy *p = s->o->policy;
	char list[512];
	size_t i;

	policy_cipher_list(p, list, sizeof(list));
	if (wolfSSL_CTX_set_cipher_list(s->ctx, list) != WOLFSSL_SUCCESS)
		return -1;
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (policy_has_group(p, groups[i].name) &&
		    wolfSSL_CTX_UseSupportedCurve(s->ctx, (word16)groups[i].id) !=
		    WOLFSSL_SUCCESS)
			return -1;
	if (wolfSSL_CTX_SetMinRsaKey_Sz(s->ctx, (short)p->min_rsa_bits) !=
	    WOLFSSL_SUCCESS ||
	    wolfSSL_CTX_SetMinEccKey_Sz(s->ctx, (short)p->min_ecc_bits) !=
	    WOLFSSL_SUCCESS ||
	    wolfSSL_CTX_set_group_messages(s->ctx) != WOLFSSL_SUCCESS)
		return -1;
	return 0;
}

static int
make_context(struct session *s)
{
	s->ctx = wolfSSL_CTX_new(wolfTLSv1_2_client_method());
	if (s->ctx == NULL)
		return -1;
	if (apply_policy(s) == -1) {
		bwk_msg("BWK0704E", "the TLS library refused the policy "
		    "settings; this build of wolfSSL does not match Bulwark");
		return -1;
	}
	wolfSSL_CTX_set_verify(s->ctx, WOLFSSL_VERIFY_PEER, verify_cb);
	pkcb_install(s->ctx);
	if (load_trust(s) == -1)
		return -1;
	if (s->id.has_key &&
	    (wolfSSL_CTX_use_certificate_buffer(s->ctx, s->id.cert,
	    (long)s->id.cert_len, WOLFSSL_FILETYPE_ASN1) != WOLFSSL_SUCCESS ||
	    wolfSSL_CTX_use_PrivateKey_buffer(s->ctx, s->id.spki,
	    (long)s->id.spki_len, WOLFSSL_FILETYPE_ASN1) != WOLFSSL_SUCCESS ||
	    wolfSSL_CTX_IsPrivatePkSet(s->ctx) != 1)) {
		bwk_msg("BWK0705E", "the client certificate for server %s "
		    "cannot be used with its public key", s->o->server);
		return -1;
	}
	return 0;
}

int
session_prepare(struct session *s, const struct session_opts *o)
{
	struct keyd_spawn_opts ko;
	struct sb_net_policy np;
	char dbdir[PATH_MAX];
	long port;

	memset(s, 0, sizeof(*s));
	s->o = o;
	s->sock = -1;
	if (bwk_parse_long(o->port, 1, 65535, &port) == -1) {
		bwk_msg("BWK0702E", "TCPPORT %s is not a port number (1-65535)",
		    o->port);
		return -1;
	}
	/*
	 * The helper starts with an empty environment: the directory is
	 * resolved here (-db, BULWARK_DIR, the defaults) and passed on.
	 */
	if (store_dir(o->db, dbdir, sizeof(dbdir)) == -1)
		return -1;
	memset(&ko, 0, sizeof(ko));
	ko.server = o->server;
	ko.db = dbdir;
	ko.accept_first_use = o->accept_first_use;
	ko.system_ca = o->system_ca;
	ko.insecure_sandbox = o->insecure_sandbox;
	/* the helper first: before no-new-privs, so a setgid helper works */
	if (keyd_spawn(&s->kd, &ko) == -1 || keyd_hello(&s->kd) == -1 ||
	    keyd_trust(&s->kd, o->server, &s->trust) == -1 ||
	    keyd_begin(&s->kd, o->server, &s->id) == -1)
		return -1;
	if (resolve(s) == -1 || make_context(s) == -1)
		return -1;
	memset(&np, 0, sizeof(np));
	np.ports[np.nports++] = (uint16_t)port;
	if (sb_drop_to_user(o->sandbox_user) == -1 ||
	    sb_apply_net(&np, o->insecure_sandbox) == -1)
		return -1;
	return 0;
}

static int
tcp_connect(struct session *s)
{
	struct addrinfo *a;
	struct timeval tv = { IO_TIMEOUT_SECONDS, 0 };
	char host[NI_MAXHOST];
	int one = 1, save = 0;

	for (a = s->ai; a != NULL; a = a->ai_next) {
		s->sock = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC,
		    a->ai_protocol);
		if (s->sock == -1) {
			save = errno;
			continue;
		}
		/* handshakes are many small messages: no Nagle delay */
		setsockopt(s->sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		setsockopt(s->sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(s->sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (connect(s->sock, a->ai_addr, a->ai_addrlen) == 0)
			return 0;
		save = errno;
		close(s->sock);
		s->sock = -1;
	}
	if (getnameinfo(s->ai->ai_addr, s->ai->ai_addrlen, host, sizeof(host),
	    NULL, 0, NI_NUMERICHOST) != 0)
		snprintf(host, sizeof(host), "%s", s->o->host);
	bwk_msg("BWK0706E", "cannot connect to %s port %s: %s; check that the "
	    "server runs and TCPSERVERADDRESS and TCPPORT", host, s->o->port,
	    strerror(save));
	return -1;
}

/*
 * Follows the record layer of what the server sends (headers are in the
 * clear in TLS 1.2). After the handshake, a handshake record can only be
 * a renegotiation request: the policy refuses it, so it ends the session
 * here, before wolfSSL answers it.
 */
static int
track_records(struct session *s, const uint8_t *p, size_t n)
{
	size_t take;

	while (n > 0) {
		if (s->rec_left > 0) {
			take = n < s->rec_left ? n : s->rec_left;
			s->rec_left -= take;
			p += take;
			n -= take;
			continue;
		}
		take = sizeof(s->rec_hdr) - s->rec_hdr_have;
		if (take > n)
			take = n;
		memcpy(s->rec_hdr + s->rec_hdr_have, p, take);
		s->rec_hdr_have += take;
		p += take;
		n -= take;
		if (s->rec_hdr_have < sizeof(s->rec_hdr))
			break;
		s->rec_hdr_have = 0;
		s->rec_left = (size_t)s->rec_hdr[3] << 8 | s->rec_hdr[4];
		if (s->established && s->rec_hdr[0] == 0x16) {
			s->renegotiation = 1;
			return -1;
		}
	}
	return 0;
}

/*
 * wolfSSL reads through here: the first bytes the server sends tell a
 * TLS server from a port that speaks something else, and the records
 * after the handshake are watched for renegotiation.
 */
static int
io_recv(WOLFSSL *ssl, char *buf, int sz, void *ctx)
{
	struct session *s = ctx;
	ssize_t n;

	(void)ssl;
	do {
		n = recv(s->sock, buf, (size_t)sz, 0);
	} while (n == -1 && errno == EINTR);
	if (n > 0 && s->nfirst < sizeof(s->first_bytes)) {
		size_t take = (size_t)n < sizeof(s->first_bytes) - s->nfirst ?
		    (size_t)n : sizeof(s->first_bytes) - s->nfirst;

		memcpy(s->first_bytes + s->nfirst, buf, take);
		s->nfirst += take;
	}
	if (n > 0 && track_records(s, (const uint8_t *)buf, (size_t)n) == -1)
		return WOLFSSL_CBIO_ERR_GENERAL;
	if (n > 0)
		return (int)n;
	if (n == 0)
		return WOLFSSL_CBIO_ERR_CONN_CLOSE;
	if (errno == EAGAIN || errno == EWOULDBLOCK) {
		s->timed_out = 1;
		return WOLFSSL_CBIO_ERR_TIMEOUT;
	}
	if (errno == ECONNRESET)
		return WOLFSSL_CBIO_ERR_CONN_RST;
	return WOLFSSL_CBIO_ERR_GENERAL;
}

/* A TLS server's first record is a handshake or an alert, version 3.x. */
static int
spoke_tls(const struct session *s)
{
	if (s->nfirst == 0)
		return 1;	/* nothing was said: not evidence either way */
	if (s->first_bytes[0] != 0x16 && s->first_bytes[0] != 0x15)
		return 0;
	return s->nfirst < 2 || s->first_bytes[1] == 0x03;
}

static void
trust_failure(struct session *s)
{
	char fpr[BWK_FPR_STRLEN], old[BWK_FPR_STRLEN];
	uint8_t f[BWK_SHA256_LEN];
	size_t i;

	s->fail = FAIL_TRUST;
	bwk_fpr_format(s->leaf_fpr, fpr);
	switch (s->verify_error) {
	case ASN_AFTER_DATE_E:
		bwk_msg("BWK0715E", "server %s (%s:%s): a certificate in its "
		    "chain has expired (leaf SHA-256 %s); the server's "
		    "administrator must renew it", s->o->server, s->o->host,
		    s->o->port, fpr);
		return;
	case ASN_BEFORE_DATE_E:
		bwk_msg("BWK0716E", "server %s (%s:%s): a certificate in its "
		    "chain is not valid yet; check this machine's clock and the "
		    "certificate's dates", s->o->server, s->o->host, s->o->port);
		return;
	case DOMAIN_NAME_MISMATCH:
	case IPADDR_MISMATCH:
		bwk_msg("BWK0714E", "server %s: its certificate chains to a "
		    "trusted CA but is not issued for %s; check "
		    "TCPSERVERADDRESS, or have the certificate reissued with "
		    "that name", s->o->server, s->o->host);
		return;
	}
	if (s->trust.n == 0 && !s->o->system_ca) {
		bwk_msg("BWK0710E", "server %s (%s:%s) showed a certificate "
		    "this client does not trust (SHA-256 %s), and accepting a "
		    "certificate on first use is off (SSLACCEPTCERTFROMSERV NO); "
		    "check the fingerprint with the server's administrator, then "
		    "run: bulwark-cert -add -server %s -file cert256.arm",
		    s->o->server, s->o->host, s->o->port, fpr, s->o->server);
		return;
	}
	if (has_kind(s, KDB_PINNED)) {
		for (i = 0; i < s->trust.n; i++)
			if (s->trust.c[i].kind == KDB_PINNED &&
			    wc_Sha256Hash(s->trust.c[i].der,
			    (word32)s->trust.c[i].len, f) == 0)
				break;
		bwk_fpr_format(f, old);
		bwk_msg("BWK0711E", "server %s (%s:%s) now shows another "
		    "certificate than the one pinned for it: pinned SHA-256 %s, "
		    "shown SHA-256 %s. Nothing was sent. If the server was "
		    "rebuilt or its certificate renewed, check the new "
		    "fingerprint with its administrator and run: bulwark-cert "
		    "-replace -server %s -file cert256.arm", s->o->server,
		    s->o->host, s->o->port, old, fpr, s->o->server);
		return;
	}
	bwk_msg("BWK0717E", "server %s (%s:%s) showed a certificate that does "
	    "not chain to any CA root trusted for it (leaf SHA-256 %s); see "
	    "bulwark-cert -show -server %s", s->o->server, s->o->host,
	    s->o->port, fpr, s->o->server);
}

static void
report_handshake_failure(struct session *s, int err)
{
	WOLFSSL_ALERT_HISTORY h;
	char buf[WOLFSSL_MAX_ERROR_SZ];
	int alert = -1;

	if (!spoke_tls(s)) {
		s->fail = FAIL_NOT_TLS;
		bwk_msg("BWK0743E", "the server at %s:%s does not speak TLS; "
		    "check TCPPORT", s->o->host, s->o->port);
		return;
	}
	if (s->verify_error != 0 || err == ASN_NO_SIGNER_E ||
	    err == DOMAIN_NAME_MISMATCH) {
		if (s->verify_error == 0)
			s->verify_error = err;
		trust_failure(s);
		return;
	}
	s->fail = FAIL_PROTOCOL;
	if (wolfSSL_get_alert_history(s->ssl, &h) == WOLFSSL_SUCCESS &&
	    h.last_rx.level == alert_fatal)
		alert = h.last_rx.code;
	/* an alert in a record below TLS 1.2: the server chose an older TLS */
	if (err == VERSION_ERROR || (s->nfirst >= 3 &&
	    s->first_bytes[0] == 0x15 && s->first_bytes[2] < 0x03)) {
		bwk_msg("BWK0740E", "the server at %s:%s offers only TLS 1.1 or "
		    "older; Bulwark's policy is TLS 1.2 only: upgrade the server "
		    "or enable TLS 1.2 on it", s->o->host, s->o->port);
		return;
	}
	if (alert == protocol_version) {
		bwk_msg("BWK0742E", "the server at %s:%s refused TLS 1.2 "
		    "(protocol_version alert): it offers only TLS 1.3; enable "
		    "TLS 1.2 on the server", s->o->host, s->o->port);
		return;
	}
	if (alert == handshake_failure || alert == insufficient_security ||
	    err == MATCH_SUITE_ERROR) {
		bwk_msg("BWK0741E", "the server at %s:%s accepts none of the "
		    "policy's suites and groups (ECDHE with AES-GCM on P-256, "
		    "P-384 or P-521); it may offer only CBC, ChaCha20 or other "
		    "non-approved suites", s->o->host, s->o->port);
		return;
	}
	if (err == RSA_KEY_SIZE_E || err == ECC_KEY_SIZE_E) {
		bwk_msg("BWK0745E", "the server at %s:%s uses a key smaller than "
		    "the policy allows (RSA 2048, ECC 256 bits at least)",
		    s->o->host, s->o->port);
		return;
	}
	if (s->timed_out) {
		bwk_msg("BWK0746E", "the server at %s:%s did not answer within "
		    "%d seconds during the TLS handshake", s->o->host,
		    s->o->port, IO_TIMEOUT_SECONDS);
		return;
	}
	if (err == SOCKET_PEER_CLOSED_E || err == SOCKET_ERROR_E ||
	    err == WOLFSSL_ERROR_ZERO_RETURN || err == ZERO_RETURN) {
		bwk_msg("BWK0744E", "the server at %s:%s closed the connection "
		    "during the TLS handshake%s", s->o->host, s->o->port,
		    alert >= 0 ? " after a fatal alert" : "");
		return;
	}
	bwk_msg("BWK0712E", "the TLS handshake with %s:%s failed: %s%s",
	    s->o->host, s->o->port, wolfSSL_ERR_error_string(
	    (unsigned long)err, buf), alert >= 0 ? " (fatal alert from the "
	    "server)" : "");
}

/*
 * After the handshake, before any data: the policy on what was
 * negotiated (extended master secret, the server's signature, the group)
 * and on every certificate the server showed.
 */
static int
check_negotiated(struct session *s)
{
	const struct tls_policy *p = s->o->policy;

	s->fail = FAIL_PROTOCOL;
	if (tls_facts_get(s->ssl, &s->facts) == -1)
		return -1;
	if (!s->facts.ems) {
		bwk_msg("BWK0732E", "the server at %s:%s did not negotiate the "
		    "extended master secret (RFC 7627), which the policy "
		    "requires; the session is closed, nothing was sent",
		    s->o->host, s->o->port);
		return -1;
	}
	if (!policy_has_sig(p, s->facts.sig)) {
		bwk_msg("BWK0733E", "the server at %s:%s signed its key exchange "
		    "with %s, which the policy does not allow", s->o->host,
		    s->o->port, s->facts.sig);
		return -1;
	}
	if (!policy_has_group(p, s->facts.group)) {
		bwk_msg("BWK0734E", "the server at %s:%s chose the group %s, "
		    "which the policy does not allow", s->o->host, s->o->port,
		    s->facts.group);
		return -1;
	}
	s->fail = FAIL_NONE;
	return 0;
}

static int
hash_allowed(const struct tls_policy *p, const char *sig_desc)
{
	const char *dash = strrchr(sig_desc, '-');
	size_t i;

	if (dash == NULL)
		return 0;
	for (i = 0; i < p->ncert_hashes; i++)
		if (strcmp(dash + 1, p->cert_hashes[i]) == 0)
			return 1;
	return 0;
}

static int
check_chain(struct session *s)
{
	WOLFSSL_X509_CHAIN *ch = wolfSSL_get_peer_chain(s->ssl);
	struct certinfo ci;
	char why[256], t[32];
	const char *id;
	unsigned char *der;
	int i, n;
	long days;

	s->fail = FAIL_TRUST;
	if (ch == NULL || (n = wolfSSL_get_chain_count(ch)) < 1)
		return -1;
	for (i = 0; i < n; i++) {
		der = wolfSSL_get_chain_cert(ch, i);
		if (der == NULL || x509_inspect(der,
		    (size_t)wolfSSL_get_chain_length(ch, i), &ci, why,
		    sizeof(why)) == -1) {
			bwk_msg("BWK0713E", "certificate %d the server sent "
			    "cannot be read: %s", i, why);
			return -1;
		}
		id = NULL;
		why[0] = '\0';
		if (x509_policy(&ci, bwk_now(), 1, &id, why, sizeof(why)) !=
		    X509_OK) {
			bwk_msg(id, "server %s: certificate %d (%s) is refused: "
			    "%s", s->o->server, i, ci.subject, why);
			return -1;
		}
		if (!hash_allowed(s->o->policy, ci.sig_desc)) {
			bwk_msg("BWK0323E", "server %s: certificate %d (%s) is "
			    "refused: signed with %s, outside the policy's "
			    "certificate-hashes", s->o->server, i, ci.subject,
			    ci.sig_desc);
			return -1;
		}
		days = bwk_days_until(ci.not_after, bwk_now());
		if (days < EXPIRY_WARN_DAYS) {
			bwk_time_format(ci.not_after, t);
			bwk_msg("BWK0721W", "server %s: certificate %d (%s) "
			    "expires on %s, in %ld day%s; tell the server's "
			    "administrator", s->o->server, i, ci.subject, t,
			    days, days == 1 ? "" : "s");
		}
		if (i == 0) {
			memcpy(s->leaf_fpr, ci.fpr, sizeof(ci.fpr));
			s->leaf_der = der;
			s->leaf_len = (size_t)wolfSSL_get_chain_length(ch, 0);
			s->leaf_nb = ci.not_before;
			s->leaf_na = ci.not_after;
		}
	}
	s->fail = FAIL_NONE;
	return 0;
}

/*
 * A chain wolfSSL accepted to a CA root of the key database is also run
 * through Bulwark's own path validation (src/client/verify.c, the code
 * behind bulwark verify): both must accept. With the system CA bundle
 * only wolfSSL's verdict is available; its anchors are not in memory.
 */
static int
check_ca_path(struct session *s)
{
	WOLFSSL_X509_CHAIN *ch = wolfSSL_get_peer_chain(s->ssl);
	struct chain_der anchors[KEYD_TRUST_MAX], inter[16];
	struct chain_input in;
	static struct chain_result res;
	size_t i, na = 0, ni = 0;
	int k, n;

	if (s->o->system_ca)
		return 0;
	memset(&in, 0, sizeof(in));
	for (i = 0; i < s->trust.n; i++)
		if (s->trust.c[i].kind == KDB_CA) {
			anchors[na].der = s->trust.c[i].der;
			anchors[na++].len = s->trust.c[i].len;
		}
	n = wolfSSL_get_chain_count(ch);
	for (k = 1; k < n && ni < sizeof(inter) / sizeof(inter[0]); k++) {
		inter[ni].der = wolfSSL_get_chain_cert(ch, k);
		inter[ni++].len = (size_t)wolfSSL_get_chain_length(ch, k);
	}
	in.anchors = anchors;
	in.n_anchors = na;
	in.intermediates = inter;
	in.n_intermediates = ni;
	in.leaf.der = s->leaf_der;
	in.leaf.len = s->leaf_len;
	in.name_kind = is_ip_literal(s->o->host) ? CHAIN_NAME_IP :
	    CHAIN_NAME_DNS;
	in.name = s->o->host;
	in.time = bwk_now();
	in.max_depth = -1;
	in.purpose = CHAIN_PURPOSE_SERVER_AUTH;
	if (chain_verify(&in, &res) == CHAIN_OK)
		return 0;
	s->fail = FAIL_TRUST;
	bwk_msg(chain_reason_id(res.reason), "server %s (%s:%s): its chain "
	    "is refused by Bulwark's path validation: %s%s%s", s->o->server,
	    s->o->host, s->o->port, chain_reason_text(res.reason),
	    res.detail[0] ? ": " : "", res.detail);
	return -1;
}

/*
 * First use: pin what the server showed, through the helper. With an
 * expected fingerprint given beforehand, it is a checked pin, not a
 * blind one.
 */
static int
accept_first_use(struct session *s)
{
	char fpr[BWK_FPR_STRLEN], want[BWK_FPR_STRLEN];
	uint32_t why;
	int r;

	s->fail = FAIL_TRUST;
	bwk_fpr_format(s->leaf_fpr, fpr);
	if (s->o->has_expected_fpr &&
	    memcmp(s->o->expected_fpr, s->leaf_fpr, BWK_SHA256_LEN) != 0) {
		bwk_fpr_format(s->o->expected_fpr, want);
		bwk_msg("BWK0723E", "server %s (%s:%s) showed SHA-256 %s, but "
		    "BWKSERVERFINGERPRINT expects %s; nothing was stored or "
		    "sent", s->o->server, s->o->host, s->o->port, fpr, want);
		return -1;
	}
	r = keyd_accept(&s->kd, s->o->server, s->leaf_nb, s->leaf_na,
	    s->leaf_der, s->leaf_len, s->accepted_fpr, &why);
	if (r != 0) {
		if (r == 1)
			bwk_msg("BWK0724E", "the key helper did not pin the "
			    "certificate of server %s (reason %u: %s)",
			    s->o->server, why, why == KEYD_FAIL_EXISTS ?
			    "the server already has an entry" : why ==
			    KEYD_FAIL_REFUSED ? "first use is not allowed for "
			    "this database (a setgid install never writes)" :
			    why == KEYD_FAIL_STORE ? "the key database could "
			    "not be written" : "the helper failed");
		return -1;
	}
	if (memcmp(s->accepted_fpr, s->leaf_fpr, BWK_SHA256_LEN) != 0) {
		bwk_msg("BWK0724E", "the key helper pinned another certificate "
		    "than server %s showed; the session is refused", s->o->server);
		return -1;
	}
	bwk_info("BWK0722I", "server %s: accepted its certificate on first use "
	    "and pinned it%s; SHA-256 %s", s->o->server,
	    s->o->has_expected_fpr ? " (it matched BWKSERVERFINGERPRINT)" :
	    " (check this fingerprint with the server's administrator)", fpr);
	s->fail = FAIL_NONE;
	return 0;
}

int
session_connect(struct session *s)
{
	int r, err;

	if (tcp_connect(s) == -1) {
		s->fail = FAIL_CONNECT;
		return -1;
	}
	s->fail = FAIL_SETUP;
	if ((s->ssl = wolfSSL_new(s->ctx)) == NULL ||
	    wolfSSL_set_fd(s->ssl, s->sock) != WOLFSSL_SUCCESS)
		return -1;
	wolfSSL_SSLSetIORecv(s->ssl, io_recv);
	wolfSSL_SetIOReadCtx(s->ssl, s);
	pkcb_bind(s->ssl, s);
	wolfSSL_SetCertCbCtx(s->ssl, s);
	/* SNI carries host names only, never an address (RFC 6066) */
	if ((!is_ip_literal(s->o->host) && wolfSSL_UseSNI(s->ssl,
	    WOLFSSL_SNI_HOST_NAME, s->o->host,
	    (unsigned short)strlen(s->o->host)) != WOLFSSL_SUCCESS) ||
	    wolfSSL_check_domain_name(s->ssl, s->o->host) != WOLFSSL_SUCCESS)
		return -1;
	r = wolfSSL_connect(s->ssl);
	if (r != WOLFSSL_SUCCESS) {
		err = wolfSSL_get_error(s->ssl, r);
		report_handshake_failure(s, err);
		return -1;
	}
	if (check_negotiated(s) == -1 || check_chain(s) == -1)
		return -1;
	/* an expected fingerprint, when given, holds whatever rule trusted */
	if (s->o->has_expected_fpr && s->rule != TRUST_FIRST_USE &&
	    memcmp(s->o->expected_fpr, s->leaf_fpr, BWK_SHA256_LEN) != 0) {
		char got[BWK_FPR_STRLEN], want[BWK_FPR_STRLEN];

		s->fail = FAIL_TRUST;
		bwk_fpr_format(s->leaf_fpr, got);
		bwk_fpr_format(s->o->expected_fpr, want);
		bwk_msg("BWK0723E", "server %s (%s:%s) showed SHA-256 %s, but "
		    "BWKSERVERFINGERPRINT expects %s; nothing was sent",
		    s->o->server, s->o->host, s->o->port, got, want);
		return -1;
	}
	/* wolfSSL verified the chain and host; a stored leaf is a pin */
	if (s->rule == TRUST_NONE)
		s->rule = leaf_is_pinned(s, s->leaf_fpr) ? TRUST_PINNED :
		    TRUST_CA;
	if (s->rule == TRUST_CA && check_ca_path(s) == -1)
		return -1;
	if (s->rule == TRUST_FIRST_USE && accept_first_use(s) == -1)
		return -1;
	s->established = 1;
	return 0;
}

int
session_read(struct session *s, void *buf, size_t len)
{
	char e[WOLFSSL_MAX_ERROR_SZ];
	int n, err;

	n = wolfSSL_read(s->ssl, buf, (int)(len > 16384 ? 16384 : len));
	if (n > 0)
		return n;
	if (s->renegotiation) {
		s->fail = FAIL_PROTOCOL;
		bwk_msg("BWK0735E", "the server at %s:%s asked to renegotiate; "
		    "the policy refuses renegotiation, so the session is ended",
		    s->o->host, s->o->port);
		return -1;
	}
	err = wolfSSL_get_error(s->ssl, n);
	if (err == WOLFSSL_ERROR_ZERO_RETURN)
		return 0;	/* the server closed the session cleanly */
	s->fail = FAIL_PROTOCOL;
	bwk_msg("BWK0736E", "reading from %s:%s failed: %s", s->o->host,
	    s->o->port, wolfSSL_ERR_error_string((unsigned long)err, e));
	return -1;
}

static const char *
rule_text(enum trust_rule r)
{
	switch (r) {
	case TRUST_PINNED:	return "pinned: the server's certificate is in the key database";
	case TRUST_CA:		return "CA: a chain to a CA root in the key database, host name checked";
	case TRUST_FIRST_USE:	return "first use: accepted and pinned now";
	default:		return "none";
	}
}

void
session_report(struct session *s, FILE *f)
{
	WOLFSSL_X509_CHAIN *ch = wolfSSL_get_peer_chain(s->ssl);
	struct certinfo ci;
	char fpr[BWK_FPR_STRLEN], t[32], why[128];
	int i, n = ch ? wolfSSL_get_chain_count(ch) : 0;

	fprintf(f, "server:      %s (%s port %s)\n", s->o->server, s->o->host,
	    s->o->port);
	fprintf(f, "protocol:    %s\n", wolfSSL_get_version(s->ssl));
	fprintf(f, "suite:       %s\n", wolfSSL_get_cipher(s->ssl));
	fprintf(f, "group:       %s\n", s->facts.group);
	fprintf(f, "signature:   %s (server key exchange)\n", s->facts.sig);
	fprintf(f, "EMS:         %s\n", s->facts.ems ? "yes (RFC 7627)" : "no");
	fprintf(f, "trust rule:  %s\n", rule_text(s->rule));
	fprintf(f, "client auth: %s\n", s->signed_by_helper ?
	    "certificate, signed by the key helper" : "none requested");
	for (i = 0; i < n; i++) {
		if (x509_inspect(wolfSSL_get_chain_cert(ch, i),
		    (size_t)wolfSSL_get_chain_length(ch, i), &ci, why,
		    sizeof(why)) == -1)
			continue;
		bwk_fpr_format(ci.fpr, fpr);
		bwk_time_format(ci.not_after, t);
		fprintf(f, "chain[%d]:    %s\n             issuer %s\n"
		    "             %s, %s, expires %s\n             SHA-256 %s\n",
		    i, ci.subject, ci.issuer, ci.key_desc, ci.sig_desc, t, fpr);
	}
}

void
session_close(struct session *s)
{
	if (s->ssl != NULL) {
		wolfSSL_shutdown(s->ssl);
		wolfSSL_free(s->ssl);
	}
	if (s->sock != -1)
		close(s->sock);
	if (s->ctx != NULL)
		wolfSSL_CTX_free(s->ctx);
	if (s->ai != NULL)
		freeaddrinfo(s->ai);
	trust_list_free(&s->trust);
	client_id_free(&s->id);
	keyd_close(&s->kd);
}
