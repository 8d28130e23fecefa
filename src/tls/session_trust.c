/*
 * The trust decision, made inside wolfSSL's certificate step: the
 * verify callback runs after the ServerHello and the server's
 * Certificate were read, and before the client has sent anything but
 * its ClientHello (WOLFSSL_ALWAYS_VERIFY_CB makes wolfSSL call it on the
 * leaf whatever its own verdict). Everything that can refuse the server
 * from what it has shown so far is decided here, once:
 *
 *	1. what the ServerHello chose: extended master secret, the suite;
 *	2. the policy on every certificate shown: keys, signatures, dates;
 *	3. the rule: a pin, a renewed certificate for a pinned key, a CA
 *	   chain (wolfSSL's verdict and Bulwark's own path validation,
 *	   src/verify/verify.c, both), or first use;
 *	4. BWKSERVERFINGERPRINT, whatever the rule.
 *
 * What the ServerKeyExchange chose (group, signature) is checked by
 * session_check_kx() when the gate (session_io.c) is asked to let the
 * client's second flight out. A refusal prints one message naming the
 * first real reason; then wolfSSL ends the handshake.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/error-ssl.h>
#include <wolfssl/wolfcrypt/asn.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/wolfcrypt/hash.h>

#include "../lib/names.h"
#include "../lib/msg.h"
#include "../lib/x509.h"
#include "session.h"
#include "../verify/verify.h"

/* The chain the server sent, as DER pointers (wolfSSL's buffers). */
struct peer_chain {
	const uint8_t	*der[CHAIN_MAX_PATH];
	size_t		 len[CHAIN_MAX_PATH];
	size_t		 n;
};

enum ca_verdict { CA_TRUSTED, CA_REFUSED, CA_NO_CHAIN };

int64_t
session_time(const struct session *s)
{
	return s->o->time != 0 ? s->o->time : bwk_now();
}

const char *
session_sent_note(const struct session *s)
{
	if (s->sent_after_hello == 0)
		return "the client stopped before its key exchange: only its "
		    "ClientHello was sent (no client certificate, key exchange, "
		    "signature or data)";
	return "the client had sent its key exchange";
}

static int
is_ip_literal(const char *h)
{
	unsigned char a[16];

	return inet_pton(AF_INET, h, a) == 1 || inet_pton(AF_INET6, h, a) == 1;
}

/*
 * Is the leaf one of this server's own entries (a pinned certificate, or
 * a self-signed one stored as its CA root)? A CA root for every server
 * is never a pin: it names no server.
 */
static int
leaf_is_pinned(const struct session *s)
{
	uint8_t f[BWK_SHA256_LEN];
	size_t i;

	for (i = 0; i < s->trust.n; i++) {
		if (!s->trust.c[i].own)
			continue;
		if (wc_Sha256Hash(s->trust.c[i].der, (word32)s->trust.c[i].len,
		    f) != 0)
			continue;
		if (memcmp(f, s->leaf_fpr, sizeof(f)) == 0)
			return 1;
	}
	return 0;
}

/*
 * Is the leaf a new certificate for the key of one of this server's own
 * pins? Then it is the same server, renewed (bulwarkd cert renew): the
 * pin is the key, and the handshake proves the server holds it. Only
 * pinned certificates count, never a CA root, and the whole
 * SubjectPublicKeyInfo must be equal, byte for byte.
 */
static int
leaf_renews_pin(struct session *s)
{
	const uint8_t *leaf, *pin;
	size_t n, pn, i;

	if (x509_spki(s->leaf_der, s->leaf_len, &leaf, &n) == -1)
		return 0;
	for (i = 0; i < s->trust.n; i++) {
		if (!s->trust.c[i].own || s->trust.c[i].kind != KDB_PINNED ||
		    x509_spki(s->trust.c[i].der, s->trust.c[i].len, &pin,
		    &pn) == -1 || pn != n || memcmp(pin, leaf, n) != 0)
			continue;
		if (wc_Sha256Hash(s->trust.c[i].der, (word32)s->trust.c[i].len,
		    s->renewed_from) != 0)
			continue;
		return 1;
	}
	return 0;
}

static int
count_kind(const struct session *s, int kind)
{
	size_t i;
	int n = 0;

	for (i = 0; i < s->trust.n; i++)
		if (s->trust.c[i].kind == kind)
			n++;
	return n;
}

static int
refuse(struct session *s, enum session_fail why)
{
	s->fail = why;
	s->reported = 1;
	s->gate = GATE_REFUSED;
	return -1;
}

/* 1. What the ServerHello chose, before anything depends on it. */
static int
check_hello(struct session *s)
{
	const struct tls_policy *p = s->o->policy;
	size_t i;

	if (tls_facts_get(s->ssl, &s->facts) == -1)
		return refuse(s, FAIL_PROTOCOL);
	if (p->require_ems && !s->facts.ems) {
		sess_msg(s, "BWK0732E", "the server at %s:%s did not negotiate the "
		    "extended master secret (RFC 7627), which the policy "
		    "requires; %s. Enable extended master secret on the server",
		    s->o->host, s->o->port, session_sent_note(s));
		return refuse(s, FAIL_PROTOCOL);
	}
	for (i = 0; i < p->nsuites; i++)
		if (strcmp(p->suites[i], s->facts.suite) == 0)
			return 0;
	sess_msg(s, "BWK0737E", "the server at %s:%s chose the suite %s, which "
	    "the policy does not allow; %s", s->o->host, s->o->port,
	    s->facts.suite[0] ? s->facts.suite : "(unknown)",
	    session_sent_note(s));
	return refuse(s, FAIL_PROTOCOL);
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

/* The policy's own key sizes (x509_policy knows only the floor's). */
static int
below_policy(const struct tls_policy *p, const struct certinfo *ci)
{
	return (ci->key_type == X509_KEY_RSA && ci->key_bits < p->min_rsa_bits) ||
	    (ci->key_type == X509_KEY_EC && ci->key_bits < p->min_ecc_bits);
}

/*
 * What the server's own certificate says its key is for, whatever rule
 * trusts it: a pin is the identity, but not a licence to use a key its
 * certificate reserves for something else. The ECDHE suites need a key
 * that signs.
 */
static int
leaf_usage(struct session *s, const struct certinfo *ci)
{
	if (ci->eku_set && !ci->eku_server_auth && !ci->eku_any) {
		sess_msg(s, "BWK0773E", "server %s: its certificate's extended key "
		    "usage does not include TLS server authentication "
		    "(serverAuth); the server's administrator must issue a "
		    "server certificate; %s", s->o->server, session_sent_note(s));
		return refuse(s, FAIL_TRUST);
	}
	if (ci->ku_set && !ci->ku_digital_signature) {
		sess_msg(s, "BWK0772E", "server %s: its certificate's key usage does "
		    "not allow digital signatures, which an ECDHE server makes "
		    "on its key exchange; the server's administrator must issue "
		    "a certificate with digitalSignature; %s", s->o->server,
		    session_sent_note(s));
		return refuse(s, FAIL_TRUST);
	}
	return 0;
}

int
session_cert_policy(struct session *s, const struct certinfo *ci, char *why,
    size_t whylen)
{
	const char *id = NULL;
	const struct tls_policy *p = s->o->policy;

	why[0] = '\0';
	if (x509_policy(ci, session_time(s), 1, &id, why, whylen) != X509_OK)
		return -1;
	if (below_policy(p, ci))
		snprintf(why, whylen, "its key, %s, is below the policy's "
		    "minimum", ci->key_desc);
	else if (!hash_allowed(p, ci->sig_desc))
		snprintf(why, whylen, "signed with %s, outside the policy's "
		    "certificate-hashes", ci->sig_desc);
	else if (ci->eku_set && !ci->eku_server_auth && !ci->eku_any)
		snprintf(why, whylen, "its extended key usage does not include "
		    "serverAuth");
	else if (ci->ku_set && !ci->ku_digital_signature)
		snprintf(why, whylen, "its key usage does not allow digital "
		    "signatures");
	else
		return 0;
	return -1;
}

/* 2. The policy on every certificate the server showed. */
static int
check_chain(struct session *s, const struct peer_chain *pc)
{
	struct certinfo ci;
	char why[256], t[32];
	const char *id;
	size_t i;
	long days;

	if (pc->n == 0) {
		sess_msg(s, "BWK0726E", "the server at %s:%s sent no certificate; "
		    "%s", s->o->host, s->o->port, session_sent_note(s));
		return refuse(s, FAIL_TRUST);
	}
	for (i = 0; i < pc->n; i++) {
		if (x509_inspect(pc->der[i], pc->len[i], &ci, why,
		    sizeof(why)) == -1) {
			/* an extension wolfSSL must understand and does not */
			sess_msg(s, ci.parse_error == ASN_CRIT_EXT_E ? "BWK0777E" :
			    "BWK0713E", "server %s: certificate %zu the server "
			    "sent cannot be read: %s; %s", s->o->server, i, why,
			    session_sent_note(s));
			return refuse(s, FAIL_TRUST);
		}
		id = NULL;
		why[0] = '\0';
		if (x509_policy(&ci, session_time(s), 1, &id, why,
		    sizeof(why)) != X509_OK) {
			sess_msg(s, id, "server %s: certificate %zu (%s) is refused: "
			    "%s; %s", s->o->server, i, ci.subject, why,
			    session_sent_note(s));
			return refuse(s, FAIL_TRUST);
		}
		if (below_policy(s->o->policy, &ci)) {
			sess_msg(s, "BWK0322E", "server %s: certificate %zu (%s) is "
			    "refused: its key, %s, is below the policy's minimum "
			    "(min-rsa-bits %d, min-ecc-bits %d); %s", s->o->server,
			    i, ci.subject, ci.key_desc, s->o->policy->min_rsa_bits,
			    s->o->policy->min_ecc_bits, session_sent_note(s));
			return refuse(s, FAIL_TRUST);
		}
		if (i == 0 && leaf_usage(s, &ci) == -1)
			return -1;
		if (!hash_allowed(s->o->policy, ci.sig_desc)) {
			sess_msg(s, "BWK0323E", "server %s: certificate %zu (%s) is "
			    "refused: signed with %s, outside the policy's "
			    "certificate-hashes; %s", s->o->server, i, ci.subject,
			    ci.sig_desc, session_sent_note(s));
			return refuse(s, FAIL_TRUST);
		}
		days = bwk_days_until(ci.not_after, session_time(s));
		if (days < EXPIRY_WARN_DAYS) {
			bwk_time_format(ci.not_after, t);
			sess_msg(s, "BWK0721W", "server %s: certificate %zu (%s) "
			    "expires on %s, in %ld day%s; tell the server's "
			    "administrator", s->o->server, i, ci.subject, t,
			    days, days == 1 ? "" : "s");
		}
		if (i == 0) {
			memcpy(s->leaf_fpr, ci.fpr, sizeof(ci.fpr));
			s->leaf_nb = ci.not_before;
			s->leaf_na = ci.not_after;
			s->leaf_is_ca = ci.is_ca;
		}
	}
	free(s->leaf_der);
	if ((s->leaf_der = malloc(pc->len[0])) == NULL) {
		sess_msg(s, "BWK0712E", "out of memory");
		return refuse(s, FAIL_SETUP);
	}
	memcpy(s->leaf_der, pc->der[0], pc->len[0]);
	s->leaf_len = pc->len[0];
	return 0;
}

static void	untrusted(struct session *);

static void
host_mismatch(struct session *s)
{
	sess_msg(s, "BWK0714E", "server %s: its certificate chains to a trusted "
	    "CA but is not issued for %s; connect with a name or address "
	    "the certificate lists (bulwark check shows them), or have the "
	    "server's administrator add %s; %s", s->o->server, s->o->host,
	    s->o->host, session_sent_note(s));
	refuse(s, FAIL_TRUST);
}

/*
 * wolfSSL's reason for refusing a CA chain, under the ID of the same
 * reason in Bulwark's path validation; NULL for "no path to a trusted
 * root", which the caller reports with the rule that failed.
 */
static const char *
wolf_chain_reason(int err, const char **text)
{
	static const struct {
		int		 err;
		const char	*id;
		const char	*text;
	} t[] = {
		{ EXTKEYUSE_AUTH_E, "BWK0773E", "the server certificate's "
		    "extended key usage does not include serverAuth" },
		{ KEYUSE_SIGNATURE_E, "BWK0772E", "the server certificate's key "
		    "usage does not allow digital signatures" },
		{ RSA_KEY_SIZE_E, "BWK0767E", "a key in the chain is smaller "
		    "than the policy allows" },
		{ ECC_KEY_SIZE_E, "BWK0767E", "a key in the chain is smaller "
		    "than the policy allows" },
		{ ASN_SIG_CONFIRM_E, "BWK0764E", "a signature in the chain does "
		    "not verify with its issuer's key" },
		{ ASN_AFTER_DATE_E, "BWK0765E", "a certificate of the chain has "
		    "expired" },
		{ ASN_BEFORE_DATE_E, "BWK0766E", "a certificate of the chain is "
		    "not valid yet" },
		{ ASN_PATHLEN_INV_E, "BWK0771E", "a CA's path length constraint "
		    "is exceeded" },
		{ ASN_PATHLEN_SIZE_E, "BWK0771E", "a CA's path length constraint "
		    "is exceeded" },
		{ ASN_NAME_INVALID_E, "BWK0776E", "a name breaks a CA's name "
		    "constraints" },
		{ ASN_CRIT_EXT_E, "BWK0777E", "a certificate has a critical "
		    "extension that is not understood" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].err == err) {
			*text = t[i].text;
			return t[i].id;
		}
	*text = NULL;
	return err == ASN_NO_SIGNER_E || err == ASN_SELF_SIGNED_E ? NULL :
	    "BWK0717E";
}

/* A CA chain wolfSSL refused: its reason, or "no path" (CA_NO_CHAIN). */
static enum ca_verdict
wolf_refused(struct session *s, int wolf_err)
{
	const char *id, *text;

	if (wolf_err == DOMAIN_NAME_MISMATCH || wolf_err == IPADDR_MISMATCH) {
		host_mismatch(s);
		return CA_REFUSED;
	}
	if ((id = wolf_chain_reason(wolf_err, &text)) == NULL)
		return CA_NO_CHAIN;
	if (text != NULL)
		sess_msg(s, id, "server %s (%s:%s): its chain is refused: %s; %s",
		    s->o->server, s->o->host, s->o->port, text,
		    session_sent_note(s));
	else
		sess_msg(s, id, "server %s (%s:%s): the TLS library refused its "
		    "chain (%s); see bulwark-cert -show -server %s; %s",
		    s->o->server, s->o->host, s->o->port,
		    wolfSSL_ERR_reason_error_string((unsigned long)wolf_err),
		    s->o->server, session_sent_note(s));
	refuse(s, FAIL_TRUST);
	return CA_REFUSED;
}

/*
 * Bulwark's own path validation against the key database's CA roots.
 * With the system CA bundle too, a chain that reaches none of the
 * database's roots may still be one wolfSSL verified to the bundle.
 */
static enum ca_verdict
own_path(struct session *s, const struct peer_chain *pc, int wolf_err)
{
	struct chain_der anchors[KEYD_TRUST_MAX], inter[CHAIN_MAX_PATH];
	struct chain_input in;
	static struct chain_result res;
	size_t i, na = 0;

	memset(&in, 0, sizeof(in));
	for (i = 0; i < s->trust.n; i++)
		if (s->trust.c[i].kind == KDB_CA) {
			anchors[na].der = s->trust.c[i].der;
			anchors[na++].len = s->trust.c[i].len;
		}
	for (i = 1; i < pc->n; i++) {
		inter[i - 1].der = pc->der[i];
		inter[i - 1].len = pc->len[i];
	}
	in.anchors = anchors;
	in.n_anchors = na;
	in.intermediates = inter;
	in.n_intermediates = pc->n - 1;
	in.leaf.der = pc->der[0];
	in.leaf.len = pc->len[0];
	in.name_kind = is_ip_literal(s->o->host) ? CHAIN_NAME_IP :
	    CHAIN_NAME_DNS;
	in.name = s->o->host;
	in.time = session_time(s);
	in.max_depth = -1;
	in.purpose = CHAIN_PURPOSE_SERVER_AUTH;
	switch (chain_verify(&in, &res)) {
	case CHAIN_OK:
		if (wolf_err == 0)
			return CA_TRUSTED;
		/* both must accept: wolfSSL's reason, when it disagrees */
		if (wolf_refused(s, wolf_err) == CA_NO_CHAIN)
			untrusted(s);
		return CA_REFUSED;
	case CHAIN_E_NO_ISSUER:
		if (!s->o->system_ca)
			return CA_NO_CHAIN;
		/* none of the database's roots: wolfSSL's verdict on the bundle */
		return wolf_err == 0 ? CA_TRUSTED : wolf_refused(s, wolf_err);
	case CHAIN_E_HOST:
	case CHAIN_E_IP:
		host_mismatch(s);
		return CA_REFUSED;
	default:
		sess_msg(s, chain_reason_id(res.reason), "server %s (%s:%s): its "
		    "chain is refused by Bulwark's path validation: %s%s%s%s%s%s; "
		    "%s", s->o->server, s->o->host, s->o->port,
		    chain_reason_text(res.reason), res.subject[0] ? " (" : "",
		    res.subject, res.subject[0] ? ")" : "",
		    res.detail[0] ? ": " : "", res.detail[0] ? res.detail : "",
		    session_sent_note(s));
		refuse(s, FAIL_TRUST);
		return CA_REFUSED;
	}
}

/* 3b. A chain to a CA root: the database's, or the system bundle's. */
static enum ca_verdict
ca_path(struct session *s, const struct peer_chain *pc, int wolf_err)
{
	if (s->leaf_is_ca) {
		sess_msg(s, "BWK0725E", "server %s (%s:%s) showed a CA certificate "
		    "(basicConstraints cA TRUE) as its own; when trust comes "
		    "from a CA, a server needs an end-entity certificate (RFC "
		    "5280 4.2.1.9): the server's administrator must issue one, "
		    "or pin this certificate with bulwark-cert -add -server %s; "
		    "%s", s->o->server, s->o->host, s->o->port, s->o->server,
		    session_sent_note(s));
		refuse(s, FAIL_TRUST);
		return CA_REFUSED;
	}
	if (count_kind(s, KDB_CA) > 0)
		return own_path(s, pc, wolf_err);
	/* the system bundle alone: only wolfSSL's verdict is available */
	if (wolf_err == 0)
		return CA_TRUSTED;
	return wolf_refused(s, wolf_err);
}

/*
 * The pins' fingerprints for a refusal: every one of them (a server has
 * its pin and, after an announcement, its standby's), the first three
 * when there are more, so the message still fits.
 */
static void
pinned_list(const struct session *s, char *out, size_t len)
{
	char one[BWK_FPR_STRLEN];
	uint8_t f[BWK_SHA256_LEN];
	size_t i, n = 0, total = (size_t)count_kind(s, KDB_PINNED), at = 0;

	out[0] = '\0';
	for (i = 0; i < s->trust.n && n < 3; i++) {
		if (s->trust.c[i].kind != KDB_PINNED ||
		    wc_Sha256Hash(s->trust.c[i].der, (word32)s->trust.c[i].len,
		    f) != 0)
			continue;
		bwk_fpr_format(f, one);
		at += (size_t)snprintf(out + at, len - at, "%s%s", n == 0 ? "" :
		    n + 1 == total ? " and " : ", ", one);
		if (at >= len)
			return;
		n++;
	}
	if (total > n)
		snprintf(out + at, len - at, " and %zu more", total - n);
}

/* 3c. No rule trusts the server: say which fix applies. */
static void
untrusted(struct session *s)
{
	char fpr[BWK_FPR_STRLEN], old[4 * BWK_FPR_STRLEN];

	bwk_fpr_format(s->leaf_fpr, fpr);
	if (s->trust.n == 0 && !s->o->system_ca) {
		sess_msg(s, "BWK0710E", "server %s (%s:%s) showed a certificate "
		    "this client does not trust (SHA-256 %s), and accepting a "
		    "certificate on first use is off (SSLACCEPTCERTFROMSERV NO); "
		    "check the fingerprint with the server's administrator, then "
		    "run: bulwark-cert -add -server %s -file cert256.arm; %s",
		    s->o->server, s->o->host, s->o->port, fpr, s->o->server,
		    session_sent_note(s));
		refuse(s, FAIL_TRUST);
		return;
	}
	if (count_kind(s, KDB_PINNED) > 0) {
		pinned_list(s, old, sizeof(old));
		sess_msg(s, "BWK0711E", "server %s (%s:%s) now shows a "
		    "certificate for another key than the ones pinned for it: "
		    "pinned SHA-256 %s, shown SHA-256 %s; %s. If the server was "
		    "rebuilt or lost its key, check the new fingerprint with its "
		    "administrator and run: bulwark-cert -replace -server %s "
		    "-file cert256.arm", s->o->server, s->o->host, s->o->port,
		    old, fpr, session_sent_note(s), s->o->server);
		refuse(s, FAIL_TRUST);
		return;
	}
	sess_msg(s, "BWK0717E", "server %s (%s:%s) showed a certificate that does "
	    "not chain to any CA root trusted for it (leaf SHA-256 %s); see "
	    "bulwark-cert -show -server %s; %s", s->o->server, s->o->host,
	    s->o->port, fpr, s->o->server, session_sent_note(s));
	refuse(s, FAIL_TRUST);
}

/*
 * First use would apply, but the helper said at HELLO that it may not pin
 * (a setgid install reads the system database and never writes): refused
 * now, with what an administrator runs, rather than after the handshake.
 */
static void
cannot_pin(struct session *s)
{
	char fpr[BWK_FPR_STRLEN];

	bwk_fpr_format(s->leaf_fpr, fpr);
	sess_msg(s, "BWK0754E", "server %s (%s:%s) is not in the key database "
	    "that sessions on this machine use, %s, and first use cannot pin "
	    "it there%s; check its fingerprint (SHA-256 %s) with the server's "
	    "administrator, then have an administrator run: bulwark-cert -db "
	    "%s -add -server %s -file cert256.arm; %s", s->o->server,
	    s->o->host, s->o->port, s->kd.dir, s->kd.setgid ? " (bulwark-keyd "
	    "is installed setgid: it reads the system database and never "
	    "writes it)" : "", fpr, s->kd.dir, s->o->server,
	    session_sent_note(s));
	refuse(s, FAIL_TRUST);
}

/* 4. An expected fingerprint, when given, holds whatever rule trusted. */
static int
check_expected(struct session *s)
{
	char got[BWK_FPR_STRLEN], want[BWK_FPR_STRLEN];

	if (!s->o->has_expected_fpr ||
	    memcmp(s->o->expected_fpr, s->leaf_fpr, BWK_SHA256_LEN) == 0)
		return 0;
	bwk_fpr_format(s->leaf_fpr, got);
	bwk_fpr_format(s->o->expected_fpr, want);
	sess_msg(s, "BWK0723E", "server %s (%s:%s) showed SHA-256 %s, but "
	    "BWKSERVERFINGERPRINT expects %s; nothing was stored, and %s",
	    s->o->server, s->o->host, s->o->port, got, want,
	    session_sent_note(s));
	return refuse(s, FAIL_TRUST);
}

static void
renewed_note(struct session *s)
{
	char was[BWK_FPR_STRLEN], now[BWK_FPR_STRLEN];

	bwk_fpr_format(s->renewed_from, was);
	bwk_fpr_format(s->leaf_fpr, now);
	sess_info(s, "BWK1400I", "server %s shows a renewed certificate for "
	    "the key pinned for it: pinned SHA-256 %s, shown SHA-256 %s; it "
	    "is trusted by its key, and the pin follows it", s->o->server,
	    was, now);
}

/*
 * The whole decision; 0 trusted (s->rule says why), -1 refused with its
 * message printed. wolf_err is wolfSSL's own verdict on the CA path (0
 * when it verified the chain and the host).
 */
static int
decide(struct session *s, const struct peer_chain *pc, int wolf_err)
{
	enum ca_verdict v = CA_NO_CHAIN;

	s->decided = 1;
	s->verify_error = wolf_err;
	if (check_hello(s) == -1 || check_chain(s, pc) == -1)
		return -1;
	if (leaf_is_pinned(s))
		s->rule = TRUST_PINNED;
	else if (leaf_renews_pin(s))
		s->rule = TRUST_RENEWED;	/* the pin follows it afterwards */
	else if (count_kind(s, KDB_CA) > 0 || s->o->system_ca) {
		if ((v = ca_path(s, pc, wolf_err)) == CA_REFUSED)
			return -1;
		if (v == CA_TRUSTED)
			s->rule = TRUST_CA;
	}
	if (s->rule == TRUST_NONE && s->trust.n == 0 && !s->o->system_ca &&
	    s->o->accept_first_use) {
		if (!s->kd.may_pin) {
			cannot_pin(s);
			return -1;
		}
		s->rule = TRUST_FIRST_USE;	/* pinned once the handshake ends */
	}
	if (s->rule == TRUST_NONE) {
		untrusted(s);
		return -1;
	}
	if (check_expected(s) == -1) {
		s->rule = TRUST_NONE;
		return -1;
	}
	if (s->rule == TRUST_RENEWED)
		renewed_note(s);
	return 0;
}

static void
chain_from_store(const WOLFSSL_X509_STORE_CTX *store, struct peer_chain *pc)
{
	int i;

	pc->n = 0;
	for (i = 0; i < store->totalCerts && pc->n < CHAIN_MAX_PATH; i++) {
		pc->der[pc->n] = store->certs[i].buffer;
		pc->len[pc->n++] = store->certs[i].length;
	}
}

/*
 * wolfSSL calls this for each certificate it could not verify and, with
 * WOLFSSL_ALWAYS_VERIFY_CB, for the leaf in every case. The first call
 * decides, with the whole chain at hand; later calls repeat the verdict.
 * A pinned leaf overrides wolfSSL's errors (the pin is the identity).
 */
int
session_verify_cb(int preverify, WOLFSSL_X509_STORE_CTX *store)
{
	struct session *s = store->userCtx;
	struct peer_chain pc;
	int wolf_err;

	if (s == NULL)
		return 0;
	if (s->decided)
		return s->rule != TRUST_NONE;
	wolf_err = preverify ? 0 : store->error;
	if (wolf_err == 0 && store->error_depth > 0)
		return 1;	/* an intermediate wolfSSL accepted: go on */
	chain_from_store(store, &pc);
	return decide(s, &pc, wolf_err) == 0;
}

/*
 * When wolfSSL failed before the verify callback ran (a certificate it
 * cannot parse stops it at once), the chain it kept still tells why.
 * Returns 1 when it printed the reason.
 */
int
session_diagnose_chain(struct session *s)
{
	WOLFSSL_X509_CHAIN *ch;
	struct peer_chain pc;
	int i, n;

	if (s->decided || s->ssl == NULL ||
	    (ch = wolfSSL_get_peer_chain(s->ssl)) == NULL ||
	    (n = wolfSSL_get_chain_count(ch)) < 1)
		return 0;
	pc.n = 0;
	for (i = 0; i < n && pc.n < CHAIN_MAX_PATH; i++) {
		pc.der[pc.n] = wolfSSL_get_chain_cert(ch, i);
		pc.len[pc.n++] = (size_t)wolfSSL_get_chain_length(ch, i);
	}
	s->decided = 1;
	if (check_chain(s, &pc) == -1)
		return 1;
	s->decided = 0;
	return 0;
}

/*
 * What the ServerKeyExchange chose, checked by the gate before the
 * client's second flight is built into anything that leaves: wolfSSL
 * refuses a signature scheme the client did not offer, but takes any
 * curve it was built with, so the policy is applied here.
 */
int
session_check_kx(struct session *s)
{
	const struct tls_policy *p = s->o->policy;

	if (tls_facts_get(s->ssl, &s->facts) == -1 || s->facts.group[0] == '\0') {
		sess_msg(s, "BWK0751E", "the server at %s:%s sent a handshake that "
		    "breaks TLS 1.2: it skipped its key exchange; %s",
		    s->o->host, s->o->port, session_sent_note(s));
		return refuse(s, FAIL_PROTOCOL);
	}
	if (!policy_has_sig(p, s->facts.sig)) {
		sess_msg(s, "BWK0733E", "the server at %s:%s signed its key exchange "
		    "with %s, which the policy does not allow; %s", s->o->host,
		    s->o->port, s->facts.sig, session_sent_note(s));
		return refuse(s, FAIL_PROTOCOL);
	}
	if (!policy_has_group(p, s->facts.group)) {
		sess_msg(s, "BWK0734E", "the server at %s:%s chose the group %s, "
		    "which the policy does not allow; %s", s->o->host,
		    s->o->port, s->facts.group, session_sent_note(s));
		return refuse(s, FAIL_PROTOCOL);
	}
	return 0;
}

/*
 * First use: pin what the server showed, through the helper, once the
 * handshake has proved the server holds the certificate's key. The
 * fingerprint is printed before the helper is asked, so a helper that
 * fails or times out cannot leave a pin nobody was shown.
 */
int
session_first_use(struct session *s)
{
	char fpr[BWK_FPR_STRLEN];
	uint32_t why;
	int r;

	bwk_fpr_format(s->leaf_fpr, fpr);
	sess_info(s, "BWK0727I", "server %s: asking the key helper to pin the "
	    "certificate it showed on first use: SHA-256 %s", s->o->server,
	    fpr);
	r = keyd_accept(&s->kd, s->o->server, s->leaf_nb, s->leaf_na,
	    s->leaf_der, s->leaf_len, s->accepted_fpr, &why);
	if (r != 0) {
		if (r == 1)
			sess_msg(s, "BWK0724E", "the key helper did not pin the "
			    "certificate of server %s (reason %u: %s)",
			    s->o->server, why, why == KEYD_FAIL_EXISTS ?
			    "the server already has an entry" : why ==
			    KEYD_FAIL_REFUSED ? "first use is not allowed for "
			    "this database (a setgid install never writes)" :
			    why == KEYD_FAIL_STORE ? "the key database could "
			    "not be written" : "the helper failed");
		return refuse(s, FAIL_TRUST);
	}
	if (memcmp(s->accepted_fpr, s->leaf_fpr, BWK_SHA256_LEN) != 0) {
		sess_msg(s, "BWK0724E", "the key helper pinned another certificate "
		    "than server %s showed; the session is refused", s->o->server);
		return refuse(s, FAIL_TRUST);
	}
	sess_info(s, "BWK0722I", "server %s: accepted its certificate on first use "
	    "and pinned it%s; SHA-256 %s", s->o->server,
	    s->o->has_expected_fpr ? " (it matched BWKSERVERFINGERPRINT)" :
	    s->signed_on && s->o->admin ? " (the server proved it knows the "
	    "administrator's verifier)" :
	    s->signed_on ? " (the server proved it knows the node's verifier)" :
	    " (check this fingerprint with the server's administrator)", fpr);
	return 0;
}
