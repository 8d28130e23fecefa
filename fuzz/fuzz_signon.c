/*
 * The client's side of the session protocol, fed a server's bytes: the
 * real sign-on, password change, query and BYE (src/tls/session_signon.c)
 * over the real
 * frames (session_wire.c, wire.c). What lies under them is this file's:
 * session_read hands out the input, session_write checks and drops what
 * the client sends (session.c is left out), the exporter value is fixed
 * (session_exporter.c is left out), and the key helper's sign-on and
 * password stubs are answered here (keyd_client.c is left out). The
 * standby key's announcement (STANDBY_KEY, after SIGNED_ON when HELLO_OK
 * says so) is read by the real session_rotate.c; its exporter value is
 * fixed too, and the policy on its certificate (session_trust.c) is left
 * out: any certificate wolfSSL can read is taken, so that the signature's
 * check is reached.
 *
 * Input:
 *	u8	flags: bits 0-2 the key helper: 0 and 7 make the proof, 1
 *		holds no password for the node (KEYD_FAIL_NO_KEY), 2 says the
 *		server's salt or count changed (KEYD_FAIL_CHANGED), 3 refuses
 *		the exchange (KEYD_FAIL_REFUSED), 4 fails making the proof,
 *		5 no exporter value can be derived, 6 fails checking the
 *		outcome; bit 3 the client has no certificate of the server
 *		(HELLO's FIRST_USE); bits 4-7 n: when not 0, each read
 *		returns at most n bytes
 *	u8	the password change: bits 0-1 the helper's new password: 0
 *		made, 1 refused (a read-only database, KEYD_FAIL_REFUSED), 2
 *		not stored (KEYD_FAIL_STORE), 3 the helper stopped; bit 2 its
 *		commit fails; bit 3 PASSWORDACCESS GENERATE; bit 4 the user
 *		asks for a new password (bulwark set password) once signed on
 *	...	what the server sends
 *
 * The client chooses its nonce at random, so the target rewrites each
 * text frame just before the client reads it: "@CNONCE@" becomes the
 * nonce of the SCRAM_FIRST the client sent, and "@SSIG@" the
 * ServerSignature the stand-in helper expects. That helper makes a fixed
 * proof and expects HMAC(SERVER_KEY, AuthMessage) over the three
 * messages it was handed, as the real one expects the signature the
 * node's verifier makes; it checks the outcome with scram.c as the real
 * one does. fuzz/make-session-seeds.py writes seeds that use them.
 *
 * Properties, beyond no crash and no leak:
 *  - every frame the client sends is one write of a well-formed frame,
 *    the one due: HELLO (its FIRST_USE as configured), SCRAM_FIRST,
 *    SCRAM_FINAL (what the helper was handed and its proof),
 *    SET_PASSWORD (exactly the verifier the helper made, only once
 *    signed on, and only when asked for or when SIGNED_ON said the
 *    password expired under GENERATE), QUERY_SESSION and BYE only once
 *    signed on and not holding an expired password;
 *  - the helper commits a new password only after a well-formed
 *    PASSWORD_SET, and an expired password without GENERATE, or one
 *    the session could not replace, ends the session;
 *  - the helper is handed the messages exactly as sent and received,
 *    and a final message bound to the exporter value and the challenge's
 *    nonce; it is asked to check an outcome only after a proof;
 *  - the client is signed on (session_sign_on 0, s->signed_on) only when
 *    the helper accepted the server's outcome;
 *  - a standby key is held (s->standby_der) exactly when HELLO_OK said
 *    one would come and the sign-on succeeded (its certificate read and
 *    its signature over this session's standby exporter value checked);
 *    nothing is pinned during the sign-on (the pins follow it, session.c);
 *  - every failure sets s->fail and reports an error with its ID.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/lib/msg.h"
#include "../src/lib/proto.h"
#include "../src/lib/scram.h"
#include "../src/lib/standby.h"
#include "../src/tls/session.h"

#include "fuzz_common.h"
#include "fuzz_wire.h"

#define NODE		"node1"
#define GS2		"p=tls-exporter,,"
#define CB_BYTE		0xcb
#define PROOF_BYTE	0x77
#define STANDBY_BYTE	0x5b	/* the standby exporter value's bytes */

enum helper {
	H_PROOF, H_NO_KEY, H_CHANGED, H_REFUSED, H_FAIL, H_NO_EXPORTER,
	H_FAIL_VERIFY, H_PROOF2,
};

enum newpw { NP_MADE, NP_REFUSED, NP_STORE, NP_FAIL };

/* The ServerKey of the node's verifier, as far as this helper knows. */
static const uint8_t server_key[32] = {
	0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33,
	0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33,
	0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33,
	0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33,
};

static struct session_opts opts = {
	.server = "srv1", .host = "fuzz-server", .node = NODE,
};

/* What this session showed. */
struct seen {
	enum helper	 helper;
	int		 first_use;
	int		 hello, first, final, signed_on;
	char		 cf[SCRAM_MSG_MAX + 1];		/* SCRAM_FIRST's */
	size_t		 cfn;
	char		 cnonce[SCRAM_NONCE_PART_MAX + 1];
	char		 sf[SCRAM_MSG_MAX + 1];		/* the last challenge */
	size_t		 sfn;
	int		 have_sf;
	/* the helper */
	int		 pending;	/* a proof, and no check yet */
	int		 proved;	/* it made a proof */
	int		 accepted;	/* it accepted the outcome */
	char		 noproof[SCRAM_MSG_MAX + 1];
	char		 ssig[48];	/* base64 */
	/* the password change */
	enum newpw	 newpw;
	int		 commit_fails, asked;
	int		 made;		/* the helper made a new password */
	int		 set_sent;	/* and SET_PASSWORD carried it */
	int		 commit_called, committed;
	struct scram_verifier nv;
};

static struct seen seen;
static struct fw_stream stream;

/* The session's messages: the errors are counted, and shown if asked. */
static int errors;

static void
log_msg(void *arg, const char *id, const char *text)
{
	(void)arg;
	if (id[7] == 'E')
		errors++;
	if (!bwk_quiet)
		fprintf(stderr, "%s %s\n", id, text);
}

/* The real stubs report their own failure (BWK0540E) before their -1. */
static int
helper_failed(const char *what)
{
	errors++;
	bwk_msg("BWK0540E", "the key helper %s; the session cannot continue",
	    what);
	return -1;
}

/* ---- the client's transport and exporter */

int
session_read(struct session *s, void *buf, size_t len)
{
	(void)s;
	return fw_read(&stream, buf, len);
}

int
session_exporter(struct session *s, uint8_t out[32])
{
	(void)s;
	if (seen.helper == H_NO_EXPORTER)
		return -1;
	memset(out, CB_BYTE, 32);
	return 0;
}

int
session_standby_exporter(struct session *s, uint8_t out[STANDBY_EKM_LEN])
{
	(void)s;
	if (seen.helper == H_NO_EXPORTER)
		return -1;
	memset(out, STANDBY_BYTE, STANDBY_EKM_LEN);
	return 0;
}

/* session_trust.c's policy, left out: the certificate was readable. */
int
session_cert_policy(struct session *s, const struct certinfo *ci, char *why,
    size_t whylen)
{
	(void)s;
	(void)ci;
	(void)why;
	(void)whylen;
	return 0;
}

/* ---- the key helper: the pins are never changed during a sign-on */

int
keyd_renew(struct keyd_conn *c, const char *server, const uint8_t pin_fpr[32],
    const uint8_t *der, size_t len, uint8_t fpr[32], uint32_t *why)
{
	(void)c; (void)server; (void)pin_fpr; (void)der; (void)len; (void)fpr;
	(void)why;
	fuzz_fail("a renewed pin asked for during the sign-on");
}

int
keyd_standby(struct keyd_conn *c, const char *server,
    const uint8_t pin_fpr[32], const uint8_t *der, size_t len,
    uint8_t fpr[32], uint32_t *why)
{
	(void)c; (void)server; (void)pin_fpr; (void)der; (void)len; (void)fpr;
	(void)why;
	fuzz_fail("a standby pin asked for during the sign-on");
}

/* ---- the key helper's sign-on, in-process */

int
keyd_scram_proof(struct keyd_conn *c, const char *server, const char *cfb,
    size_t cfbn, const char *sf, size_t sfn, const char *cfn, size_t cfnn,
    uint8_t proof[32], uint32_t *why)
{
	static char want[SCRAM_MSG_MAX + 64];
	uint8_t cbind[sizeof(GS2) - 1 + 32], sig[32];
	char b64[128];
	const char *b, *r;
	size_t bn, rn;

	(void)c;
	if (!seen.first || !seen.have_sf || seen.proved)
		fuzz_fail("a proof asked for out of place");
	if (strcmp(server, opts.server) != 0)
		fuzz_fail("a proof for server %s", server);
	/* the messages as sent and received */
	b = strstr(seen.cf, GS2) == seen.cf ? seen.cf + strlen(GS2) : NULL;
	bn = b != NULL ? seen.cfn - strlen(GS2) : 0;
	if (b == NULL || cfbn != bn || memcmp(cfb, b, bn) != 0)
		fuzz_fail("the helper was handed another client-first-bare "
		    "than was sent");
	if (sfn != seen.sfn || memcmp(sf, seen.sf, sfn) != 0)
		fuzz_fail("the helper was handed another server-first than "
		    "was received");
	/* the final message: bound to the exporter and the server's nonce */
	memcpy(cbind, GS2, strlen(GS2));
	memset(cbind + strlen(GS2), CB_BYTE, 32);
	fw_b64(cbind, sizeof(cbind), b64);
	if ((r = fw_attr(sf, sfn, 'r', &rn)) == NULL)
		fuzz_fail("a challenge without r= was taken");
	snprintf(want, sizeof(want), "c=%s,r=%.*s", b64, (int)rn, r);
	if (cfnn != strlen(want) || memcmp(cfn, want, cfnn) != 0)
		fuzz_fail("a client-final-without-proof %.*s, not %s",
		    (int)cfnn, cfn, want);
	switch (seen.helper) {
	case H_NO_KEY:
		*why = KEYD_FAIL_NO_KEY;
		return 1;
	case H_CHANGED:
		*why = KEYD_FAIL_CHANGED;
		return 1;
	case H_REFUSED:
		*why = KEYD_FAIL_REFUSED;
		return 1;
	case H_FAIL:
		return helper_failed("stopped (making the proof)");
	default:
		break;
	}
	/* the real helper's floor (scram_client_proof) */
	if ((r = fw_attr(sf, sfn, 'i', &rn)) == NULL ||
	    strtoul(r, NULL, 10) < SCRAM_ITER_FLOOR) {
		*why = KEYD_FAIL_REFUSED;
		return 1;
	}
	memset(proof, PROOF_BYTE, 32);
	fw_hmac_auth(server_key, cfb, cfbn, sf, sfn, cfn, cfnn, sig);
	fw_b64(sig, sizeof(sig), seen.ssig);
	memcpy(seen.noproof, cfn, cfnn);
	seen.noproof[cfnn] = '\0';
	seen.proved = seen.pending = 1;
	return 0;
}

int
keyd_scram_verify(struct keyd_conn *c, const char *sfinal, size_t n,
    uint32_t *why)
{
	struct scram_server_final sfin;
	char b64[48];

	(void)c;
	if (!seen.pending)
		fuzz_fail("an outcome checked without its proof");
	seen.pending = 0;
	if (seen.helper == H_FAIL_VERIFY)
		return helper_failed("stopped (checking the outcome)");
	memset(&sfin, 0, sizeof(sfin));
	if (scram_server_final_parse(sfinal, n, &sfin) == SCRAM_OK &&
	    !sfin.is_error) {
		fw_b64(sfin.verifier, sizeof(sfin.verifier), b64);
		if (strcmp(b64, seen.ssig) == 0) {
			seen.accepted = 1;
			return 0;
		}
	}
	*why = sfin.is_error ? KEYD_FAIL_REFUSED : KEYD_FAIL_CRYPTO;
	return 1;
}

/* The new password's verifier: made once per run, as the helper would. */
int
keyd_new_password(struct keyd_conn *c, const char *server,
    struct scram_verifier *v, uint32_t *why)
{
	(void)c;
	/* again only if the last one never became the node's */
	if (!seen.accepted || seen.committed)
		fuzz_fail("a new password asked for %s", seen.committed ?
		    "after one was set" : "before the sign-on");
	if (strcmp(server, opts.server) != 0)
		fuzz_fail("a new password for server %s", server);
	switch (seen.newpw) {
	case NP_REFUSED:
		*why = KEYD_FAIL_REFUSED;
		return 1;
	case NP_STORE:
		*why = KEYD_FAIL_STORE;
		return 1;
	case NP_FAIL:
		return helper_failed("stopped (making a new password)");
	default:
		break;
	}
	memset(&seen.nv, 0, sizeof(seen.nv));
	memset(seen.nv.p.salt, 0x11, SCRAM_SALT_MIN);
	seen.nv.p.salt_len = SCRAM_SALT_MIN;
	seen.nv.p.iter = SCRAM_ITER_FLOOR;
	memset(seen.nv.stored_key, 0x22, SCRAM_HASH_LEN);
	memset(seen.nv.server_key, 0x44, SCRAM_HASH_LEN);
	*v = seen.nv;
	seen.made = 1;
	seen.set_sent = seen.commit_called = 0;
	return 0;
}

int
keyd_commit_password(struct keyd_conn *c, const char *server,
    uint32_t *why)
{
	(void)c;
	(void)server;
	if (!seen.set_sent || seen.commit_called)
		fuzz_fail("a new password committed %s", seen.commit_called ?
		    "twice" : "that was never sent");
	seen.commit_called = 1;
	if (seen.commit_fails) {
		*why = KEYD_FAIL_STORE;
		return 1;
	}
	seen.committed = 1;
	return 0;
}

/* ---- the server's frames, rewritten before the client reads them */

static void
rewrite(void *arg, uint16_t type, uint8_t *frame, size_t *flen)
{
	char *t;
	size_t n;

	(void)arg;
	if (seen.first)
		(void)fw_subst(frame, flen, "@CNONCE@", seen.cnonce);
	if (seen.proved)
		(void)fw_subst(frame, flen, "@SSIG@", seen.ssig);
	if (type == WIRE_SCRAM_CHALLENGE &&
	    (t = fw_text(frame, *flen, &n)) != NULL && n <= SCRAM_MSG_MAX) {
		memcpy(seen.sf, t, n);
		seen.sf[n] = '\0';
		seen.sfn = n;
		seen.have_sf = 1;
	}
}

/* ---- what the client sends, checked */

static void
sent_hello(struct wire_in *in)
{
	char name[WIRE_NAME_MAX + 1];
	uint16_t version;
	uint8_t role, flags;

	if (seen.hello)
		fuzz_fail("a second HELLO");
	if (wire_get_n16(in, &version) == -1 || wire_get_n8(in, &role) == -1 ||
	    wire_get_n8(in, &flags) == -1 || wire_get_name(in, name) == -1 ||
	    wire_end(in) == -1 || version != WIRE_VERSION ||
	    role != WIRE_ROLE_NODE || strcmp(name, NODE) != 0)
		fuzz_fail("a malformed HELLO");
	if (flags != (seen.first_use ? WIRE_HELLO_FIRST_USE : 0))
		fuzz_fail("a HELLO with flags 0x%02x", flags);
	seen.hello = 1;
}

static void
sent_first(struct wire_in *in)
{
	const char *r;
	size_t rn;

	if (!seen.hello || seen.first)
		fuzz_fail("a SCRAM_FIRST out of place");
	if (wire_get_text(in, seen.cf, SCRAM_MSG_MAX) == -1 ||
	    wire_end(in) == -1)
		fuzz_fail("a malformed SCRAM_FIRST");
	seen.cfn = strlen(seen.cf);
	if (strncmp(seen.cf, GS2 "n=" NODE ",r=", strlen(GS2 "n=" NODE ",r=")) !=
	    0 || (r = fw_attr(seen.cf, seen.cfn, 'r', &rn)) == NULL ||
	    rn < SCRAM_NONCE_MIN || rn > SCRAM_NONCE_PART_MAX ||
	    r + rn != seen.cf + seen.cfn)
		fuzz_fail("a client-first %s", seen.cf);
	memcpy(seen.cnonce, r, rn);
	seen.cnonce[rn] = '\0';
	seen.first = 1;
}

static void
sent_final(struct wire_in *in)
{
	static char text[SCRAM_MSG_MAX + 1], want[SCRAM_MSG_MAX + 64];
	uint8_t proof[32];
	char b64[48];

	if (!seen.pending || seen.final)
		fuzz_fail("a SCRAM_FINAL without the helper's proof");
	if (wire_get_text(in, text, SCRAM_MSG_MAX) == -1 || wire_end(in) == -1)
		fuzz_fail("a malformed SCRAM_FINAL");
	memset(proof, PROOF_BYTE, sizeof(proof));
	fw_b64(proof, sizeof(proof), b64);
	snprintf(want, sizeof(want), "%s,p=%s", seen.noproof, b64);
	if (strcmp(text, want) != 0)
		fuzz_fail("a client-final %s, not %s", text, want);
	seen.final = 1;
}

/* SET_PASSWORD: u8 n, salt, u32 count, StoredKey, ServerKey. */
static void
sent_set_password(const struct session *s, struct wire_in *in)
{
	struct scram_verifier v;
	uint8_t n;

	if (!s->signed_on || !seen.made || seen.set_sent ||
	    !(seen.asked || (s->pw_expired && s->o->generate)))
		fuzz_fail("a SET_PASSWORD out of place");
	memset(&v, 0, sizeof(v));
	if (wire_get_n8(in, &n) == -1 || n > SCRAM_SALT_MAX ||
	    wire_get(in, v.p.salt, n) == -1 ||
	    wire_get_n32(in, &v.p.iter) == -1 ||
	    wire_get(in, v.stored_key, SCRAM_HASH_LEN) == -1 ||
	    wire_get(in, v.server_key, SCRAM_HASH_LEN) == -1 ||
	    wire_end(in) == -1)
		fuzz_fail("a malformed SET_PASSWORD");
	v.p.salt_len = n;
	if (memcmp(&v, &seen.nv, sizeof(v)) != 0)
		fuzz_fail("a SET_PASSWORD with another verifier than the "
		    "helper made");
	seen.set_sent = 1;
}

ssize_t
session_write(struct session *s, const void *buf, size_t len)
{
	struct wire_in in;
	const uint8_t *p;
	uint16_t type;
	size_t n;

	fw_sent(buf, len, &type, &p, &n);
	wire_in_init(&in, type, p, n);
	switch (type) {
	case WIRE_HELLO:
		sent_hello(&in);
		break;
	case WIRE_SCRAM_FIRST:
		sent_first(&in);
		break;
	case WIRE_SCRAM_FINAL:
		sent_final(&in);
		break;
	case WIRE_SET_PASSWORD:
		sent_set_password(s, &in);
		break;
	case WIRE_QUERY_SESSION:
	case WIRE_BYE:
		if (!seen.signed_on || s->pw_expired || wire_end(&in) == -1)
			fuzz_fail("a %s before sign-on, with an expired "
			    "password, or not empty", wire_type_name(type));
		break;
	default:
		fuzz_fail("a frame of type 0x%04x (%s) from the client", type,
		    wire_type_name(type));
	}
	return (ssize_t)len;
}

/* A call that failed set why and said so, with an error's ID. */
static void
failed(const struct session *s, const char *call, int before)
{
	if (s->fail == FAIL_NONE)
		fuzz_fail("%s failed and set no reason (s->fail)", call);
	if (errors == before)
		fuzz_fail("%s failed without an error message", call);
}

/*
 * As session.c and bwk_set_password call them: an expired password
 * replaced or the session ended, then a change if the user asked.
 */
static int
password(struct session *s, int ask)
{
	int expired = s->pw_expired, r, before = errors;

	r = session_password_check(s);
	if (r == -1) {
		failed(s, "session_password_check", before);
		if (s->signed_on && expired && !opts.generate)
			fuzz_fail("still signed on with an expired password");
		return -1;
	}
	/* the server took the new one: expired no more, stored or not */
	if (expired && s->pw_expired != !seen.commit_called)
		fuzz_fail("the password expired %d after the server %s it",
		    s->pw_expired, seen.commit_called ? "replaced" :
		    "did not replace");
	if (s->pw_changed != seen.committed)
		fuzz_fail("pw_changed %d, committed %d", s->pw_changed,
		    seen.committed);
	if (!ask || s->pw_changed)
		return 0;
	seen.asked = 1;
	before = errors;
	if (session_set_password(s) == -1) {
		failed(s, "session_set_password", before);
		return -1;
	}
	if (s->pw_changed != seen.committed)
		fuzz_fail("pw_changed %d, committed %d", s->pw_changed,
		    seen.committed);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct session s;
	static char text[WIRE_TEXT_MAX + 1];
	int r, before;

	if (size < 2)
		return 0;
	errors = 0;
	memset(&seen, 0, sizeof(seen));
	seen.helper = (enum helper)(data[0] & 7);
	seen.first_use = (data[0] & 8) != 0;
	seen.newpw = (enum newpw)(data[1] & 3);
	seen.commit_fails = (data[1] & 4) != 0;
	opts.generate = (data[1] & 8) != 0;
	free(s.standby_der);	/* the last run's, as session_close frees it */
	memset(&s, 0, sizeof(s));
	s.o = &opts;
	s.log = log_msg;
	s.sock = -1;
	s.kd.fd = -1;
	snprintf(s.kd.dir, sizeof(s.kd.dir), "/nonexistent/keydb");
	s.pin_pending = seen.first_use;
	fw_init(&stream, data + 2, size - 2, data[0] >> 4);
	stream.rewrite = rewrite;

	r = session_sign_on(&s);
	if (r != 0 && r != -1)
		fuzz_fail("session_sign_on returned %d", r);
	/* accepted, the SIGNED_ON that follows may still end it */
	if ((r == 0) != (s.signed_on != 0) || (s.signed_on && !seen.accepted))
		fuzz_fail("signed on %d, sign-on %d, the helper accepted %d",
		    s.signed_on, r, seen.accepted);
	if ((s.standby_der != NULL) != (r == 0 && s.standby_due))
		fuzz_fail("a standby key held %d, announced %d, sign-on %d",
		    s.standby_der != NULL, s.standby_due, r);
	if (r == -1) {
		failed(&s, "session_sign_on", 0);
		return 0;
	}
	seen.signed_on = 1;
	if (password(&s, data[1] & 0x10) == -1)
		return 0;
	/* as bwk_query_session and bwk_close use them, once signed on */
	memset(text, 'x', sizeof(text));
	before = errors;
	if (session_query(&s, text, sizeof(text)) == -1)
		failed(&s, "session_query", before);
	else if (strnlen(text, sizeof(text)) == sizeof(text))
		fuzz_fail("a SESSION text without its end");
	before = errors;
	if (session_bye(&s) == -1)
		failed(&s, "session_bye", before);
	return 0;
}
