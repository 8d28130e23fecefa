/*
 * The server's side of a session, run by a bulwarkd session process: the
 * same policy, transport, deadline, record watcher and gate as the
 * client's (session_io.c), with the server's certificate from its own key
 * helper and every ServerKeyExchange signed there (pkcb.c). What the
 * client's ClientHello chose is checked before the server's first flight
 * leaves: a client without the extended master secret gets no key
 * exchange. A port scanned by a plaintext client gets one line saying
 * what the port speaks.
 */
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/error-ssl.h>

#include "../lib/msg.h"
#include "session.h"

/* What a client that does not speak TLS is told, once, in plain text. */
#define PLAINTEXT_LINE	"BWK1051E this server speaks TLS 1.2 only; set SSL YES in the client's options"

int
session_server_context(struct session *s)
{
	s->ctx = wolfSSL_CTX_new(wolfTLSv1_2_server_method());
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
	/* no client certificates: nodes sign on inside the session */
	wolfSSL_CTX_set_verify(s->ctx, WOLFSSL_VERIFY_NONE, NULL);
	pkcb_install(s->ctx);
	if (!s->id.has_key ||
	    wolfSSL_CTX_use_certificate_buffer(s->ctx, s->id.cert,
	    (long)s->id.cert_len, WOLFSSL_FILETYPE_ASN1) != WOLFSSL_SUCCESS ||
	    wolfSSL_CTX_use_PrivateKey_buffer(s->ctx, s->id.spki,
	    (long)s->id.spki_len, WOLFSSL_FILETYPE_ASN1) != WOLFSSL_SUCCESS ||
	    wolfSSL_CTX_IsPrivatePkSet(s->ctx) != 1) {
		sess_msg(s, "BWK1052E", "the server's certificate %s cannot be "
		    "used: its key database has no key and certificate under "
		    "that label, or they do not fit; see bulwarkd cert list",
		    s->o->server);
		return -1;
	}
	return 0;
}

/*
 * The client's first byte, before any TLS: a handshake record is 0x16.
 * Anything else is answered with one line and the connection closed.
 * 1: TLS; 0: not TLS (told so); -1: nothing came, or it went away.
 */
static int
peek_first(struct session *s)
{
	struct pollfd pf = { s->sock, POLLIN, 0 };
	int64_t left = s->deadline - session_clock_ms();
	uint8_t b;
	ssize_t n;

	if (left < 0 || poll(&pf, 1, (int)left) != 1) {
		s->timed_out = 1;
		return -1;
	}
	do {
		n = recv(s->sock, &b, 1, MSG_PEEK);
	} while (n == -1 && errno == EINTR);
	if (n != 1)
		return -1;
	if (b == 0x16)
		return 1;
	{
		char line[160];
		int ln = snprintf(line, sizeof(line), "%s\r\n", PLAINTEXT_LINE);

		(void)!send(s->sock, line, (size_t)ln, MSG_NOSIGNAL);
	}
	return 0;
}

/*
 * What the ClientHello chose, before the server's first flight (and its
 * signed key exchange) leaves: the gate asks this once.
 */
int
session_server_check(struct session *s)
{
	const struct tls_policy *p = s->o->policy;
	size_t i;

	if (tls_facts_get(s->ssl, &s->facts) == -1)
		return -1;
	if (p->require_ems && !s->facts.ems) {
		sess_msg(s, "BWK1053E", "client %s did not offer the extended "
		    "master secret (RFC 7627), which the policy requires; refused "
		    "before the server's key exchange", s->o->host);
		s->fail = FAIL_PROTOCOL;
		return -1;
	}
	for (i = 0; i < p->nsuites; i++)
		if (strcmp(p->suites[i], s->facts.suite) == 0)
			return 0;
	sess_msg(s, "BWK1054E", "client %s: the suite %s is outside the policy",
	    s->o->host, s->facts.suite);
	s->fail = FAIL_PROTOCOL;
	return -1;
}

/* The server's fatal alert, sent by hand when the gate held a flight. */
void
session_server_alert(struct session *s, uint8_t desc)
{
	uint8_t a[7] = { 0x15, 3, 3, 0, 2, 2, desc };

	(void)s->tr->send(s, a, sizeof(a));
}

/*
 * The versions a ClientHello offers, from its first record (RFC 5246
 * 7.4.1.2, RFC 8446 4.2.1): "TLS 1.0" or "TLS 1.1" for a client whose
 * highest is below 1.2, "TLS 1.3" for one whose supported_versions lack
 * 1.2; NULL when it offers 1.2, or the bytes say nothing sure. Every
 * length is checked against what is there: these are a peer's bytes.
 */
static const char *
hello_versions(const uint8_t *b, size_t n)
{
	size_t at, len, end, ext_end, k;
	unsigned type, v;
	int has12 = 0, has13 = 0;

	if (n < 11 || b[0] != 0x16 || b[1] != 0x03 || b[5] != 0x01)
		return NULL;
	v = (unsigned)b[9] << 8 | b[10];
	if (v == 0x0301)
		return "TLS 1.0";
	if (v == 0x0302)
		return "TLS 1.1";
	if (v != 0x0303)
		return NULL;
	/* random, session id, suites, compression, then the extensions */
	end = 5 + ((size_t)b[3] << 8 | b[4]);
	if (end > n)
		end = n;
	at = 11 + 32;
	if (at + 1 > end)
		return NULL;
	at += 1 + b[at];
	if (at + 2 > end)
		return NULL;
	at += 2 + ((size_t)b[at] << 8 | b[at + 1]);
	if (at + 1 > end)
		return NULL;
	at += 1 + b[at];
	if (at + 2 > end)
		return NULL;
	ext_end = at + 2 + ((size_t)b[at] << 8 | b[at + 1]);
	at += 2;
	if (ext_end > end)
		return NULL;
	while (at + 4 <= ext_end) {
		type = (unsigned)b[at] << 8 | b[at + 1];
		len = (size_t)b[at + 2] << 8 | b[at + 3];
		at += 4;
		if (at + len > ext_end)
			return NULL;
		if (type == 0x002b && len >= 1 && (size_t)b[at] + 1 <= len) {
			for (k = at + 1; k + 1 < at + 1 + b[at]; k += 2) {
				v = (unsigned)b[k] << 8 | b[k + 1];
				has12 |= v == 0x0303;
				has13 |= v == 0x0304;
			}
			return has13 && !has12 ? "TLS 1.3" : NULL;
		}
		at += len;
	}
	return NULL;
}

static void
report_accept_failure(struct session *s, int err)
{
	char buf[WOLFSSL_MAX_ERROR_SZ];

	if (s->reported)
		return;
	s->fail = FAIL_PROTOCOL;
	if (s->timed_out) {
		sess_msg(s, "BWK1055E", "client %s did not complete the TLS "
		    "handshake within %d seconds", s->o->host, s->waited);
		return;
	}
	if (s->anomaly != ANOM_NONE) {
		sess_msg(s, "BWK1056E", "client %s broke the record layer "
		    "(oversized record, flood or renegotiation); the session is "
		    "ended", s->o->host);
		return;
	}
	if (s->helper_failed) {
		sess_msg(s, "BWK1942E", "the server's key helper did not sign "
		    "the key exchange for client %s (its message above says "
		    "why); this session is ended, and the next starts its own "
		    "helper", s->o->host);
		return;
	}
	if (err == MATCH_SUITE_ERROR || err == VERSION_ERROR) {
		const char *vers = hello_versions(s->hello_bytes, s->nhello);

		if (vers != NULL && strcmp(vers, "TLS 1.3") == 0) {
			sess_msg(s, "BWK1940E", "client %s offers TLS 1.3 only; "
			    "this server speaks TLS 1.2 only: let the client "
			    "offer TLS 1.2", s->o->host);
			return;
		}
		if (vers != NULL) {
			sess_msg(s, "BWK1940E", "client %s offers %s at most; "
			    "this server speaks TLS 1.2 only: let the client "
			    "offer TLS 1.2", s->o->host, vers);
			return;
		}
		sess_msg(s, "BWK1057E", "client %s offered no TLS 1.2 suite of "
		    "the policy (ECDHE with AES-GCM)", s->o->host);
		return;
	}
	if (err == SOCKET_PEER_CLOSED_E || err == SOCKET_ERROR_E ||
	    err == WOLFSSL_ERROR_ZERO_RETURN) {
		sess_msg(s, "BWK1058E", "client %s closed the connection during "
		    "the TLS handshake", s->o->host);
		return;
	}
	sess_msg(s, "BWK1059E", "the TLS handshake with client %s failed: %s",
	    s->o->host, wolfSSL_ERR_error_string((unsigned long)err, buf));
}

int
session_accept(struct session *s)
{
	int r, err;

	s->is_server = 1;
	s->gate = GATE_SHUT;	/* nothing leaves before the ClientHello */
	s->deadline = session_clock_ms() + (int64_t)s->hs_timeout * 1000;
	if ((r = peek_first(s)) != 1) {
		s->fail = r == 0 ? FAIL_NOT_TLS : FAIL_PROTOCOL;
		if (r == 0)
			sess_msg(s, "BWK1051E", "client %s does not speak TLS (it "
			    "was told: this server speaks TLS 1.2 only; set SSL "
			    "YES)", s->o->host);
		else
			sess_msg(s, "BWK1055E", "client %s sent nothing within %d "
			    "seconds", s->o->host, s->hs_timeout);
		return -1;
	}
	if ((s->ssl = wolfSSL_new(s->ctx)) == NULL) {
		sess_msg(s, "BWK0704E", "the TLS library could not make a "
		    "session (out of memory)");
		return -1;
	}
	session_io_bind(s);
	pkcb_bind(s->ssl, s);
	/* the handshake's randoms, for the sign-on's tls-exporter value;
	 * wiped by wolfSSL_FreeArrays once the sign-on is over */
	wolfSSL_KeepArrays(s->ssl);
	r = wolfSSL_accept(s->ssl);
	if (r != WOLFSSL_SUCCESS) {
		err = wolfSSL_get_error(s->ssl, r);
		if (s->gate == GATE_REFUSED)
			session_server_alert(s, handshake_failure);
		report_accept_failure(s, err);
		return -1;
	}
	if (s->gate != GATE_OPEN) {
		sess_msg(s, "BWK1059E", "the TLS handshake with client %s ended "
		    "without the server's checks; the session is refused",
		    s->o->host);
		return -1;
	}
	s->fail = FAIL_NONE;
	s->established = 1;
	return 0;
}
