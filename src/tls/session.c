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
#include "../lib/names.h"
#include "../lib/msg.h"
#include "../lib/selftest.h"
#include "../lib/dbdir.h"
#include "../lib/x509.h"
#include "session.h"
#include "../verify/verify.h"

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
		sess_msg(s, "BWK0701E", "cannot resolve %s port %s: %s; check "
		    "TCPSERVERADDRESS and TCPPORT", s->o->host, s->o->port,
		    gai_strerror(r));
		return -1;
	}
	return 0;
}

static int
load_trust(struct session *s)
{
	size_t i;

	/* read now, before the sandbox: the network process opens no file */
	if (s->o->system_ca && wolfSSL_CTX_load_verify_locations(s->ctx,
	    SYSTEM_CA_BUNDLE, NULL) != WOLFSSL_SUCCESS) {
		sess_msg(s, "BWK0707E", "BWKSYSTEMCA YES, but the system CA bundle "
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
			sess_msg(s, "BWK0703E", "a CA root for server %s in the key "
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

int
session_apply_policy(WOLFSSL_CTX *ctx, const struct tls_policy *p)
{
	char list[512];
	size_t i;

	policy_cipher_list(p, list, sizeof(list));
	if (wolfSSL_CTX_set_cipher_list(ctx, list) != WOLFSSL_SUCCESS)
		return -1;
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (policy_has_group(p, groups[i].name) &&
		    wolfSSL_CTX_UseSupportedCurve(ctx, (word16)groups[i].id) !=
		    WOLFSSL_SUCCESS)
			return -1;
	if (wolfSSL_CTX_SetMinRsaKey_Sz(ctx, (short)p->min_rsa_bits) !=
	    WOLFSSL_SUCCESS ||
	    wolfSSL_CTX_SetMinEccKey_Sz(ctx, (short)p->min_ecc_bits) !=
	    WOLFSSL_SUCCESS ||
	    wolfSSL_CTX_set_group_messages(ctx) != WOLFSSL_SUCCESS)
		return -1;
	return 0;
}

int
session_tls_context(struct session *s)
{
	s->ctx = wolfSSL_CTX_new(wolfTLSv1_2_client_method());
	if (s->ctx == NULL) {
		sess_msg(s, "BWK0704E", "the TLS library could not make a "
		    "context (out of memory)");
		return -1;
	}
	if (session_apply_policy(s->ctx, s->o->policy) == -1) {
		sess_msg(s, "BWK0704E", "the TLS library refused the policy "
		    "settings; this build of wolfSSL does not match Bulwark");
		return -1;
	}
	wolfSSL_CTX_set_verify(s->ctx, WOLFSSL_VERIFY_PEER, session_verify_cb);
	pkcb_install(s->ctx);
	if (load_trust(s) == -1)
		return -1;
	if (s->id.has_key &&
	    (wolfSSL_CTX_use_certificate_buffer(s->ctx, s->id.cert,
	    (long)s->id.cert_len, WOLFSSL_FILETYPE_ASN1) != WOLFSSL_SUCCESS ||
	    wolfSSL_CTX_use_PrivateKey_buffer(s->ctx, s->id.spki,
	    (long)s->id.spki_len, WOLFSSL_FILETYPE_ASN1) != WOLFSSL_SUCCESS ||
	    wolfSSL_CTX_IsPrivatePkSet(s->ctx) != 1)) {
		sess_msg(s, "BWK0705E", "the client certificate for server %s "
		    "cannot be used with its public key", s->o->server);
		return -1;
	}
	return 0;
}

void
session_limits(struct session *s)
{
	s->hs_timeout = s->o->handshake_timeout > 0 ?
	    s->o->handshake_timeout : SESSION_HANDSHAKE_TIMEOUT;
	s->idle_timeout = s->o->idle_timeout > 0 ? s->o->idle_timeout :
	    SESSION_IDLE_TIMEOUT;
}

/* Once per process: the known-answer tests (RSA's before its first use). */
int
session_selftest(void)
{
	static int done, ok;

	if (!done) {
		done = 1;
		ok = bwk_selftest_startup_deferred(bwk_prog) == 0;
	}
	return ok ? 0 : -1;
}

int
session_prepare(struct session *s, const struct session_opts *o)
{
	struct keyd_spawn_opts ko;
	char dbdir[PATH_MAX], why[256];
	long port;
	bwk_log_cb *log = s->log;	/* set by the caller, kept */
	void *log_arg = s->log_arg;

	memset(s, 0, sizeof(*s));
	s->log = log;
	s->log_arg = log_arg;
	s->o = o;
	s->tr = &session_socket_transport;
	s->sock = -1;
	session_limits(s);
	if (bwk_parse_long(o->port, 1, 65535, &port) == -1) {
		sess_msg(s, "BWK0702E", "TCPPORT %s is not a port number (1-65535)",
		    o->port);
		return -1;
	}
	/*
	 * The helper starts with an empty environment: the directory is
	 * resolved here (-db, BULWARK_DIR, the defaults) and passed on.
	 */
	if (bwk_kdb_dir(o->db, dbdir, sizeof(dbdir)) == -1)
		return -1;
	memset(&ko, 0, sizeof(ko));
	ko.server = o->server;
	ko.db = dbdir;
	ko.accept_first_use = o->accept_first_use;
	ko.sign_on = o->node != NULL && !o->admin;
	/* an administrator's password goes to the helper on its pipe */
	ko.admin = o->admin ? o->node : NULL;
	/* and a node's under PROMPT, when the database has none */
	ko.node_prompt = !o->admin && o->node != NULL && o->password_fd != -1 ?
	    o->node : NULL;
	ko.password_fd = o->password_fd;
	ko.system_ca = o->system_ca;
	ko.insecure_sandbox = o->insecure_sandbox;
	/*
	 * The helper first: before no-new-privs, so a setgid helper works,
	 * and so that its start and self-tests overlap this process's
	 * (spawning it uses no crypto); nothing is asked of it, and no
	 * key or certificate touched, before this process's tests passed.
	 */
	if (keyd_spawn(&s->kd, &ko) == -1)
		return -1;
	if (session_selftest() == -1) {
		s->fail = FAIL_SELFTEST;
		return -1;
	}
	if (keyd_hello(&s->kd) == -1 ||
	    keyd_trust(&s->kd, o->server, &s->trust) == -1 ||
	    keyd_begin(&s->kd, o->server, &s->id) == -1)
		return -1;
	if (resolve(s) == -1 || session_tls_context(s) == -1)
		return -1;
	/*
	 * The Public Suffix List, for wildcards in CA chains: read now, the
	 * network process opens no file. Without it a wildcard that would
	 * match is refused (BWK0787E), never trusted unchecked.
	 */
	(void)chain_psl_load(why, sizeof(why));
	s->port = (uint16_t)port;
	return 0;
}

/*
 * The program's call, between session_prepare() and session_connect():
 * root becomes user, and the process takes the network profile, which
 * may connect to this session's port only.
 */
int
session_sandbox(struct session *s, const char *user, int insecure)
{
	struct sb_net_policy np;

	memset(&np, 0, sizeof(np));
	np.ports[np.nports++] = s->port;
	np.has_chan = s->has_chan;
	np.chan_fd = s->chan_fd;
	if (sb_drop_to_user(user) == -1 || sb_apply_net(&np, insecure) == -1)
		return -1;
	return 0;
}

/*
 * The handshake over s->tr. Every check that can refuse the server runs
 * inside it (session_trust.c), before the client's key exchange; after
 * it, only first use is left, which needs the server's Finished as proof
 * that it holds the key of the certificate about to be pinned.
 */
int
session_handshake(struct session *s)
{
	int r, err;

	s->fail = FAIL_SETUP;
	if ((s->ssl = wolfSSL_new(s->ctx)) == NULL) {
		sess_msg(s, "BWK0704E", "the TLS library could not make a "
		    "session (out of memory)");
		return -1;
	}
	session_io_bind(s);
	pkcb_bind(s->ssl, s);
	wolfSSL_SetCertCbCtx(s->ssl, s);
	/* SNI carries host names only, never an address (RFC 6066) */
	if ((!is_ip_literal(s->o->host) && wolfSSL_UseSNI(s->ssl,
	    WOLFSSL_SNI_HOST_NAME, s->o->host,
	    (unsigned short)strlen(s->o->host)) != WOLFSSL_SUCCESS) ||
	    wolfSSL_check_domain_name(s->ssl, s->o->host) != WOLFSSL_SUCCESS) {
		sess_msg(s, "BWK0704E", "the TLS library refused the server "
		    "name %s for SNI and the host check", s->o->host);
		return -1;
	}
	if (s->deadline == 0)
		s->deadline = session_clock_ms() +
		    (int64_t)s->hs_timeout * 1000;
	/* a sign-on needs the randoms for its tls-exporter value; they are
	 * wiped (wolfSSL_FreeArrays) once it is over */
	if (s->o->node != NULL)
		wolfSSL_KeepArrays(s->ssl);
	r = wolfSSL_connect(s->ssl);
	if (r != WOLFSSL_SUCCESS) {
		err = wolfSSL_get_error(s->ssl, r);
		session_report_failure(s, err);
		return -1;
	}
	/* fail closed: a handshake the gate never opened for is no session */
	if (s->gate != GATE_OPEN || s->rule == TRUST_NONE) {
		s->fail = FAIL_PROTOCOL;
		sess_msg(s, "BWK0712E", "the TLS handshake with %s:%s ended without "
		    "the client's checks; the session is refused", s->o->host,
		    s->o->port);
		return -1;
	}
	/*
	 * First use: with a node to sign on, the pin waits until the server
	 * has proved it knows the node's verifier (session_connect).
	 */
	if (s->rule == TRUST_FIRST_USE) {
		if (s->o->node != NULL)
			s->pin_pending = 1;
		else if (session_first_use(s) == -1)
			return -1;
	}
	/* a renewed pin follows now, or once signed on (session_connect) */
	if (s->o->node == NULL && session_update_pins(s) == -1)
		return -1;
	s->fail = FAIL_NONE;
	s->established = 1;
	return 0;
}

/* First use with a sign-on: the pin waits for the server's proof. */
static void
pin_waits(struct session *s)
{
	if (s->o->admin)
		sess_info(s, "BWK1308I", "server %s: this client has no "
		    "certificate for it yet; the one it showed is pinned only "
		    "if administrator %s signs on and the server proves it "
		    "knows the administrator's verifier", s->o->server,
		    s->o->node);
	else
		sess_info(s, "BWK1113I", "server %s: this client has no "
		    "certificate for it yet; the one it showed is pinned only "
		    "if node %s signs on and the server proves it knows the "
		    "node's verifier", s->o->server, s->o->node);
}

static void
pin_refused(struct session *s)
{
	if (s->o->admin)
		sess_msg(s, "BWK1309E", "server %s: its certificate was not "
		    "pinned, because the administrator's sign-on failed",
		    s->o->server);
	else
		sess_msg(s, "BWK1114E", "server %s: its certificate was not "
		    "pinned, because the sign-on failed", s->o->server);
}

int
session_connect(struct session *s)
{
	int r;

	if (session_tcp_connect(s) == -1 || session_handshake(s) == -1)
		return -1;
	if (s->o->node == NULL)
		return 0;
	if (s->pin_pending)
		pin_waits(s);
	r = session_sign_on(s);
	wolfSSL_FreeArrays(s->ssl);
	if (r == -1) {
		if (s->pin_pending)
			pin_refused(s);
		return -1;
	}
	if (s->pin_pending) {
		s->pin_pending = 0;
		if (session_first_use(s) == -1)
			return -1;
	}
	/* the pins follow first: the server has proved who it is,
	 * whatever the state of the password */
	if (session_update_pins(s) == -1)
		return -1;
	return session_password_check(s);
}

int
session_read(struct session *s, void *buf, size_t len)
{
	char e[WOLFSSL_MAX_ERROR_SZ];
	int n, err;

	n = wolfSSL_read(s->ssl, buf, (int)(len > 16384 ? 16384 : len));
	if (n > 0)
		return n;
	s->fail = FAIL_PROTOCOL;
	if (s->anomaly == ANOM_RENEGOTIATION) {
		sess_msg(s, "BWK0735E", "the server at %s:%s asked to renegotiate; "
		    "the policy refuses renegotiation, so the session is ended",
		    s->o->host, s->o->port);
		return -1;
	}
	if (s->anomaly == ANOM_OVERSIZE_RECORD) {
		sess_msg(s, "BWK0748E", "the server at %s:%s sent a TLS record "
		    "longer than TLS allows; the session is ended", s->o->host,
		    s->o->port);
		return -1;
	}
	if (s->timed_out && s->is_server) {
		sess_msg(s, "BWK1090E", "%s: the client sent nothing for %d "
		    "seconds (IDLETIMEOUT); the session is ended", s->o->host,
		    s->waited);
		return -1;
	}
	if (s->timed_out) {
		sess_msg(s, "BWK0709E", "the server at %s:%s sent nothing for %d "
		    "seconds (COMMTIMEOUT); the session is ended", s->o->host,
		    s->o->port, s->waited);
		return -1;
	}
	err = wolfSSL_get_error(s->ssl, n);
	if (err == WOLFSSL_ERROR_ZERO_RETURN) {
		s->fail = FAIL_NONE;
		return 0;	/* the server closed the session cleanly */
	}
	/* the server went away mid-session: its doing, not the policy's */
	if (err == SOCKET_PEER_CLOSED_E || err == SOCKET_ERROR_E)
		s->fail = FAIL_SERVER;
	sess_msg(s, "BWK0736E", "reading from %s:%s failed: %s", s->o->host,
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
	case TRUST_RENEWED:	return "pinned key: a renewed certificate for the key pinned for the server";
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
	if (s->standby_der != NULL) {
		bwk_fpr_format(s->standby_fpr, fpr);
		fprintf(f, "standby key: SHA-256 %s\n             proved in "
		    "this session; %s\n", fpr, s->standby_state ?
		    s->standby_state : "not pinned");
	}
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

/*
 * Application data to the server, all of it or an error: wolfSSL_write
 * sends whole records, each wait limited by COMMTIMEOUT.
 */
ssize_t
session_write(struct session *s, const void *buf, size_t len)
{
	char e[WOLFSSL_MAX_ERROR_SZ];
	const uint8_t *p = buf;
	size_t done = 0;
	int n, chunk, err;

	while (done < len) {
		chunk = len - done > 16384 ? 16384 : (int)(len - done);
		n = wolfSSL_write(s->ssl, p + done, chunk);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		s->fail = FAIL_PROTOCOL;
		if (s->timed_out && s->is_server) {
			sess_msg(s, "BWK1090E", "%s: the client took nothing for "
			    "%d seconds (IDLETIMEOUT); the session is ended",
			    s->o->host, s->waited);
			return -1;
		}
		if (s->timed_out) {
			sess_msg(s, "BWK0709E", "the server at %s:%s took nothing "
			    "for %d seconds (COMMTIMEOUT); the session is ended",
			    s->o->host, s->o->port, s->waited);
			return -1;
		}
		err = wolfSSL_get_error(s->ssl, n);
		sess_msg(s, "BWK0756E", "writing to %s:%s failed: %s", s->o->host,
		    s->o->port, wolfSSL_ERR_error_string((unsigned long)err, e));
		return -1;
	}
	return (ssize_t)len;
}

/*
 * Frees what the session holds; safe to call twice. -1 when the key
 * helper ended badly (it said so): a session whose helper crashed is
 * not reported as a clean one.
 */
int
session_close(struct session *s)
{
	if (s->ssl != NULL) {
		wolfSSL_shutdown(s->ssl);
		wolfSSL_free(s->ssl);
		s->ssl = NULL;
	}
	if (s->sock != -1)
		close(s->sock);
	s->sock = -1;
	if (s->ctx != NULL)
		wolfSSL_CTX_free(s->ctx);
	s->ctx = NULL;
	if (s->ai != NULL)
		freeaddrinfo(s->ai);
	s->ai = NULL;
	free(s->leaf_der);
	s->leaf_der = NULL;
	free(s->standby_der);
	s->standby_der = NULL;
	explicit_bzero(s->ekm_cb, sizeof(s->ekm_cb));
	explicit_bzero(s->ekm_standby, sizeof(s->ekm_standby));
	trust_list_free(&s->trust);
	client_id_free(&s->id);
	return keyd_close(&s->kd);
}
