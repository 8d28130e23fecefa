/*
 * One message for a handshake that failed, naming the real cause. The
 * checks of session_trust.c and session_io.c print their own refusals
 * (s->reported); what is left is what wolfSSL or the server ended.
 */
#include <stdio.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/error-ssl.h>
#include <wolfssl/wolfcrypt/error-crypt.h>

#include "../lib/msg.h"
#include "session.h"

/*
 * RFC 5246 7.2 and RFC 8446 6 alert names. wolfSSL has a table of its
 * own only in its OpenSSL compatibility layer, which this build leaves
 * out.
 */
static const char *
alert_name(int code)
{
	static const struct { int code; const char *name; } t[] = {
		{ 0, "close_notify" }, { 10, "unexpected_message" },
		{ 20, "bad_record_mac" }, { 21, "decryption_failed" },
		{ 22, "record_overflow" }, { 30, "decompression_failure" },
		{ 40, "handshake_failure" }, { 41, "no_certificate" },
		{ 42, "bad_certificate" }, { 43, "unsupported_certificate" },
		{ 44, "certificate_revoked" }, { 45, "certificate_expired" },
		{ 46, "certificate_unknown" }, { 47, "illegal_parameter" },
		{ 48, "unknown_ca" }, { 49, "access_denied" },
		{ 50, "decode_error" }, { 51, "decrypt_error" },
		{ 60, "export_restriction" }, { 70, "protocol_version" },
		{ 71, "insufficient_security" }, { 80, "internal_error" },
		{ 86, "inappropriate_fallback" }, { 90, "user_canceled" },
		{ 100, "no_renegotiation" }, { 109, "missing_extension" },
		{ 110, "unsupported_extension" }, { 112, "unrecognized_name" },
		{ 113, "bad_certificate_status_response" },
		{ 115, "unknown_psk_identity" }, { 116, "certificate_required" },
		{ 120, "no_application_protocol" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].code == code)
			return t[i].name;
	return "unknown alert";
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

/* What the record watcher stopped; 1 when it printed. */
static int
report_anomaly(struct session *s)
{
	switch (s->anomaly) {
	case ANOM_OVERSIZE_RECORD:
		sess_msg(s, "BWK0748E", "the server at %s:%s sent a TLS record of "
		    "%zu bytes, longer than TLS allows (%d); %s", s->o->host,
		    s->o->port, s->rec_left, 16384 + 2048, session_sent_note(s));
		break;
	case ANOM_FLIGHT_TOO_LONG:
		sess_msg(s, "BWK0749E", "the server at %s:%s sent more than %d KiB "
		    "during the handshake (a certificate chain that large is "
		    "refused); %s", s->o->host, s->o->port,
		    SESSION_MAX_FLIGHT / 1024, session_sent_note(s));
		break;
	case ANOM_HELLO_REQUEST:
		sess_msg(s, "BWK0750E", "the server at %s:%s sent a HelloRequest "
		    "during the handshake; the policy refuses renegotiation, so "
		    "the session is ended; %s", s->o->host, s->o->port,
		    session_sent_note(s));
		break;
	case ANOM_RENEGOTIATION:
		sess_msg(s, "BWK0735E", "the server at %s:%s asked to renegotiate; "
		    "the policy refuses renegotiation, so the session is ended",
		    s->o->host, s->o->port);
		break;
	default:
		return 0;
	}
	s->fail = FAIL_PROTOCOL;
	return 1;
}

/* The handshake bytes the server sent broke TLS's rules. */
static const char *
malformed_what(int err)
{
	switch (err) {
	case DUPLICATE_TLS_EXT_E:	return "an extension appears twice";
	case OUT_OF_ORDER_E:
	case SANITY_MSG_E:		return "a handshake message out of order";
	case UNKNOWN_HANDSHAKE_TYPE:	return "an unknown handshake message";
	case BUFFER_ERROR:
	case INCOMPLETE_DATA:
	case LENGTH_ERROR:
	case BUFFER_E:			return "a message whose lengths do not add up";
	case EXT_MISSING:		return "a required extension is missing";
	case UNSUPPORTED_EXTENSION:	return "an extension the client did not offer";
	case SECURE_RENEGOTIATION_E:	return "a wrong renegotiation_info extension";
	case PARSE_ERROR:
	case ASN_PARSE_E:		return "bytes that do not parse";
	case INVALID_PARAMETER:
	case BAD_FUNC_ARG:		return "an invalid parameter";
	}
	return NULL;
}

/* The server's own fatal alert; 1 when it printed. */
static int
report_alert(struct session *s, int alert)
{
	if (alert < 0)
		return 0;
	if (alert == protocol_version) {
		sess_msg(s, "BWK0742E", "the server at %s:%s refused TLS 1.2 "
		    "(protocol_version alert): it offers only TLS 1.3; enable "
		    "TLS 1.2 on the server", s->o->host, s->o->port);
		return 1;
	}
	if (!s->facts.hello_done && (alert == handshake_failure ||
	    alert == insufficient_security)) {
		sess_msg(s, "BWK0741E", "the server at %s:%s accepts none of the "
		    "policy's suites and groups (ECDHE with AES-GCM on P-256, "
		    "P-384 or P-521); it may offer only CBC, ChaCha20 or other "
		    "non-approved suites (it answered the ClientHello with the "
		    "alert %s)", s->o->host, s->o->port, alert_name(alert));
		return 1;
	}
	if (s->facts.cert_requested && !s->id.has_key) {
		s->fail = FAIL_TRUST;
		sess_msg(s, "BWK0739E", "the server at %s:%s requires a client "
		    "certificate (it ended the handshake with the alert %s after "
		    "the client sent none), and none is configured for server "
		    "%s; run: bulwark-cert -add -client -server %s -file "
		    "CERT.pem -key KEY.pem", s->o->host, s->o->port,
		    alert_name(alert), s->o->server, s->o->server);
		return 1;
	}
	sess_msg(s, "BWK0747E", "the server at %s:%s ended the handshake with the "
	    "fatal alert %s (%d)%s; its log says why", s->o->host, s->o->port,
	    alert_name(alert), alert, s->facts.hello_done ? "" :
	    " instead of a ServerHello");
	return 1;
}

/* What wolfSSL itself stopped on; 1 when it printed. */
static int
report_tls_error(struct session *s, int err)
{
	const char *what;

	if (err == ECC_CURVE_ERROR || err == ECC_CURVETYPE_ERROR) {
		sess_msg(s, "BWK0738E", "the server at %s:%s chose an elliptic-curve "
		    "group the client did not offer (the policy's groups are "
		    "P-256, P-384 and P-521); %s", s->o->host, s->o->port,
		    session_sent_note(s));
		return 1;
	}
	if (err == MATCH_SUITE_ERROR && s->facts.hello_done) {
		sess_msg(s, "BWK0733E", "the server at %s:%s signed its key exchange "
		    "with a signature algorithm the client did not offer; %s",
		    s->o->host, s->o->port, session_sent_note(s));
		return 1;
	}
	if (err == MATCH_SUITE_ERROR) {
		sess_msg(s, "BWK0741E", "the server at %s:%s accepts none of the "
		    "policy's suites and groups (ECDHE with AES-GCM on P-256, "
		    "P-384 or P-521); it may offer only CBC, ChaCha20 or other "
		    "non-approved suites (it chose a suite the client did not "
		    "offer)", s->o->host, s->o->port);
		return 1;
	}
	if (err == RSA_KEY_SIZE_E || err == ECC_KEY_SIZE_E) {
		sess_msg(s, "BWK0745E", "the server at %s:%s uses a key smaller than "
		    "the policy allows (RSA %d, ECC %d bits at least); %s",
		    s->o->host, s->o->port, s->o->policy->min_rsa_bits,
		    s->o->policy->min_ecc_bits, session_sent_note(s));
		return 1;
	}
	/* the certificate was trusted, its key did not sign the exchange */
	if (s->decided && s->rule != TRUST_NONE && (err == VERIFY_SIGN_ERROR ||
	    err == SIG_VERIFY_E || err == RSA_PAD_E || err == BAD_PADDING_E)) {
		s->fail = FAIL_TRUST;
		sess_msg(s, "BWK0728E", "server %s (%s:%s): its key exchange is not "
		    "signed by the key of the certificate it showed, so it does "
		    "not hold that certificate's private key (an impostor "
		    "replaying the certificate, or a broken server); %s",
		    s->o->server, s->o->host, s->o->port, session_sent_note(s));
		return 1;
	}
	if (err == VERIFY_MAC_ERROR || err == VERIFY_FINISHED_ERROR) {
		sess_msg(s, "BWK0729E", "the server at %s:%s sent a Finished message "
		    "or record that does not match the handshake: the "
		    "connection was tampered with, or the server is broken; %s",
		    s->o->host, s->o->port, session_sent_note(s));
		return 1;
	}
	if (err == HANDSHAKE_SIZE_ERROR) {
		sess_msg(s, "BWK0749E", "the server at %s:%s sent a handshake "
		    "message larger than the client accepts (128 KiB for its "
		    "certificate chain); %s", s->o->host, s->o->port,
		    session_sent_note(s));
		return 1;
	}
	if (err == MAX_CHAIN_ERROR) {
		s->fail = FAIL_TRUST;
		sess_msg(s, "BWK0753E", "the server at %s:%s sent a certificate chain "
		    "with more certificates than the client accepts (a server "
		    "sends its certificate and its intermediates, a handful at "
		    "most); %s", s->o->host, s->o->port, session_sent_note(s));
		return 1;
	}
	if (s->server_ccs && !s->decided) {
		sess_msg(s, "BWK0752E", "the server at %s:%s skipped its certificate "
		    "and key exchange, as if resuming a session this client never "
		    "offered; %s", s->o->host, s->o->port, session_sent_note(s));
		return 1;
	}
	if ((what = malformed_what(err)) != NULL) {
		sess_msg(s, "BWK0751E", "the server at %s:%s sent a handshake that "
		    "breaks TLS 1.2: %s; %s", s->o->host, s->o->port, what,
		    session_sent_note(s));
		return 1;
	}
	return 0;
}

void
session_report_failure(struct session *s, int err)
{
	WOLFSSL_ALERT_HISTORY h;
	char buf[WOLFSSL_MAX_ERROR_SZ];
	int alert = -1;

	if (s->reported)
		return;
	s->reported = 1;
	if (!spoke_tls(s)) {
		s->fail = FAIL_NOT_TLS;
		sess_msg(s, "BWK0743E", "the server at %s:%s does not speak TLS; "
		    "check TCPPORT", s->o->host, s->o->port);
		return;
	}
	s->fail = FAIL_PROTOCOL;
	if (report_anomaly(s))
		return;
	if (s->timed_out) {
		sess_msg(s, "BWK0746E", "the server at %s:%s did not complete the "
		    "TLS handshake within %d seconds (BWKHANDSHAKETIMEOUT); %s",
		    s->o->host, s->o->port, s->waited, session_sent_note(s));
		return;
	}
	if (tls_facts_get(s->ssl, &s->facts) == -1)
		memset(&s->facts, 0, sizeof(s->facts));
	if (wolfSSL_get_alert_history(s->ssl, &h) == WOLFSSL_SUCCESS &&
	    h.last_rx.level == alert_fatal)
		alert = h.last_rx.code;
	/* an alert in a record below TLS 1.2: the server chose an older TLS */
	if (err == VERSION_ERROR || (s->nfirst >= 3 &&
	    s->first_bytes[0] == 0x15 && s->first_bytes[2] < 0x03)) {
		sess_msg(s, "BWK0740E", "the server at %s:%s offers only TLS 1.1 or "
		    "older; Bulwark's policy is TLS 1.2 only: upgrade the server "
		    "or enable TLS 1.2 on it", s->o->host, s->o->port);
		return;
	}
	if (report_alert(s, alert))
		return;
	if (session_diagnose_chain(s)) {
		s->fail = FAIL_TRUST;
		return;
	}
	if (report_tls_error(s, err))
		return;
	if (err == SOCKET_PEER_CLOSED_E || err == SOCKET_ERROR_E ||
	    err == WOLFSSL_ERROR_ZERO_RETURN || err == ZERO_RETURN) {
		sess_msg(s, "BWK0744E", "the server at %s:%s closed the connection "
		    "during the TLS handshake; %s", s->o->host, s->o->port,
		    session_sent_note(s));
		return;
	}
	sess_msg(s, "BWK0712E", "the TLS handshake with %s:%s failed: %s; %s",
	    s->o->host, s->o->port, wolfSSL_ERR_error_string(
	    (unsigned long)err, buf), session_sent_note(s));
}
