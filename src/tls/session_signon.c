/*
 * The client's side of sign-on, in the network process (docs/protocol.md,
 * docs/scram.md): HELLO, then SCRAM-SHA-256-PLUS bound to this TLS session
 * by tls-exporter. This process builds and parses the messages and holds
 * no secret: the key helper makes the ClientProof from the node password
 * and checks the server's signature (keyd_scram_proof, keyd_scram_verify).
 * Every frame the server sends is checked whole; an ERROR frame ends the
 * session with the server's own message ID and text.
 */
#include <stdint.h>
#include <string.h>

#include "../lib/util.h"

#include "../lib/scram.h"
#include "rows.h"
#include "session.h"
#include "wire.h"

/* Big: one frame's payload. The network process runs one session. */
static struct wire_frame in;
static struct wire_out out;

static int
signon_fail(struct session *s, enum session_fail f)
{
	s->fail = f;
	return -1;
}

/* The server's ERROR frame: its ID and text, shown as the server's. */
static int
server_error(struct session *s, struct wire_in *w)
{
	char id[9], text[WIRE_TEXT_MAX + 1];

	if (wire_get(w, id, 8) == -1 || wire_get_text(w, text,
	    WIRE_TEXT_MAX) == -1 || wire_end(w) == -1) {
		sess_msg(s, "BWK1103E", "server %s sent a malformed %s frame; "
		    "the session is ended", s->o->server, "ERROR");
		return signon_fail(s, FAIL_SERVER);
	}
	id[8] = '\0';
	if (strncmp(id, "BWK", 3) != 0)
		memcpy(id, "BWK????E", 9);
	sess_msg(s, "BWK1101E", "server %s ended the session: %s %s",
	    s->o->server, id, text);
	return signon_fail(s, FAIL_SERVER);
}

/* The next frame, which must be of type want (or the server's ERROR). */
static int
expect(struct session *s, uint16_t want)
{
	int r = session_wire_recv(s, &in);

	if (r == 0) {
		sess_msg(s, "BWK1111E", "server %s closed the session during "
		    "sign-on, before its %s", s->o->server,
		    wire_type_name(want));
		return signon_fail(s, FAIL_SERVER);
	}
	if (r == -1) {
		if (s->fail == FAIL_NONE)
			s->fail = FAIL_SERVER;
		return -1;
	}
	if (in.type == WIRE_ERROR)
		return server_error(s, &in.in);
	if (in.type != want) {
		sess_msg(s, "BWK1102E", "server %s sent a %s frame (type "
		    "0x%04x) where its %s was due; the session is ended",
		    s->o->server, wire_type_name(in.type), in.type,
		    wire_type_name(want));
		return signon_fail(s, FAIL_SERVER);
	}
	return 0;
}

static int
malformed(struct session *s, const char *what, const char *why)
{
	sess_msg(s, "BWK1103E", "server %s sent a malformed %s (%s); the "
	    "session is ended", s->o->server, what, why);
	return signon_fail(s, FAIL_SERVER);
}

static int
send_text(struct session *s, uint16_t type, const char *t, size_t n)
{
	wire_begin(&out, type);
	wire_put_n16(&out, (uint16_t)n);
	wire_put(&out, t, n);
	if (session_wire_send(s, &out) == -1)
		return signon_fail(s, s->fail == FAIL_NONE ? FAIL_SERVER :
		    s->fail);
	return 0;
}

/* A frame that is one text (the SCRAM frames): into m, NUL-terminated. */
static int
get_text(struct session *s, struct scram_msg *m)
{
	if (wire_get_text(&in.in, m->s, SCRAM_MSG_MAX) == -1 ||
	    wire_end(&in.in) == -1)
		return malformed(s, wire_type_name(in.type), "its text is "
		    "longer than 2,048 bytes, or holds a NUL or more");
	m->len = strlen(m->s);
	return 0;
}

static int
hello(struct session *s)
{
	char name[WIRE_NAME_MAX + 1];
	uint16_t version;
	uint8_t flags;

	wire_begin(&out, WIRE_HELLO);
	wire_put_n16(&out, WIRE_VERSION);
	wire_put_n8(&out, s->o->admin ? WIRE_ROLE_ADMIN : WIRE_ROLE_NODE);
	wire_put_n8(&out, s->pin_pending ? WIRE_HELLO_FIRST_USE : 0);
	wire_put_name(&out, s->o->node);
	if (session_wire_send(s, &out) == -1 || expect(s, WIRE_HELLO_OK) == -1)
		return signon_fail(s, s->fail == FAIL_NONE ? FAIL_SERVER :
		    s->fail);
	if (wire_get_n16(&in.in, &version) == -1 ||
	    wire_get_n8(&in.in, &flags) == -1 ||
	    wire_get_name(&in.in, name) == -1 || wire_end(&in.in) == -1)
		return malformed(s, "HELLO_OK", "not version, flags and name");
	if (version != WIRE_VERSION)
		return malformed(s, "HELLO_OK", "another protocol version");
	if (flags & ~WIRE_HELLO_OK_FLAGS)
		return malformed(s, "HELLO_OK", "flags this client does not know");
	s->standby_due = (flags & WIRE_HELLO_OK_STANDBY) != 0;
	return 0;
}

/* What the helper's refusal means, and what the user does about it. */
static int
proof_refused(struct session *s, uint32_t why)
{
	/* an administrator's helper has its password: only another name */
	if (s->o->admin && why != KEYD_FAIL_REFUSED)
		why = KEYD_FAIL_REFUSED;
	switch (why) {
	case KEYD_FAIL_NO_KEY:
		sess_msg(s, "BWK1104E", "cannot sign on to server %s as node "
		    "%s: the key database %s holds no password for that node "
		    "and server; store it with bulwark-cert -nodepw -server %s "
		    "-node %s", s->o->server, s->o->node, s->kd.dir,
		    s->o->server, s->o->node);
		return signon_fail(s, FAIL_SETUP);
	case KEYD_FAIL_CHANGED:
		sess_msg(s, "BWK1107E", "server %s asked for a sign-on with "
		    "another salt or iteration count than at the node's last "
		    "sign-on (BWK0556W); if the administrator registered node "
		    "%s again, run bulwark-cert -delete -label scram@%s, or "
		    "else treat it as an attack", s->o->server, s->o->node,
		    s->o->server);
		return signon_fail(s, FAIL_SIGNON);
	default:
		sess_msg(s, "BWK1106E", "the key helper refused the sign-on "
		    "exchange of server %s (its audit line BWK0555W says why: "
		    "an iteration count under 100,000, or a malformed "
		    "exchange); the session is ended", s->o->server);
		return signon_fail(s, FAIL_SIGNON);
	}
}

/*
 * The client's final message: the helper's proof over the three messages
 * exactly as sent and received, bound to this session's exporter value.
 */
static int
final(struct session *s, const struct scram_client_first *cf,
    const struct scram_server_first *sf, struct scram_msg *cfin)
{
	struct scram_msg noproof;
	uint8_t cb[SCRAM_CB_LEN], proof[SCRAM_HASH_LEN];
	uint32_t why;
	int r;

	if (session_exporter(s, cb) == -1) {
		sess_msg(s, "BWK1110E", "the TLS library could not derive the "
		    "channel-binding value (tls-exporter) of the session with "
		    "%s", s->o->server);
		return signon_fail(s, FAIL_PROTOCOL);
	}
	r = scram_client_final_noproof(cf, sf, cb, sizeof(cb), &noproof);
	if (r != SCRAM_OK)
		return malformed(s, "SCRAM challenge", scram_strerror(r));
	r = keyd_scram_proof(&s->kd, s->o->server, cf->msg.s + cf->bare_off,
	    cf->msg.len - cf->bare_off, sf->msg.s, sf->msg.len, noproof.s,
	    noproof.len, proof, &why);
	if (r == -1)
		return signon_fail(s, FAIL_SETUP);
	if (r == 1)
		return proof_refused(s, why);
	r = scram_client_final_build(&noproof, proof, cfin);
	explicit_bzero(proof, sizeof(proof));
	if (r != SCRAM_OK) {
		sess_msg(s, "BWK1112E", "the sign-on message to %s could not be "
		    "built: %s", s->o->server, scram_strerror(r));
		return signon_fail(s, FAIL_SETUP);
	}
	return 0;
}

/* outcome()'s refusals for an administrator (bulwark admin). */
static int
admin_not_signed_on(struct session *s, const struct scram_server_final *sfin)
{
	if (sfin->is_error) {
		sess_msg(s, "BWK1304E", "server %s refused the sign-on as "
		    "administrator %s (%s): the password is wrong, the "
		    "administrator is not registered on that server, or it is "
		    "locked; the server's log says which", s->o->server,
		    s->o->node, sfin->error);
		return signon_fail(s, FAIL_SIGNON);
	}
	sess_msg(s, "BWK1305E", "server %s did not prove that it knows "
	    "administrator %s's verifier: it is not the server the "
	    "administrator was registered with; the session is ended",
	    s->o->server, s->o->node);
	return signon_fail(s, FAIL_TRUST);
}

/* The server's outcome: only the helper can say whether it proved itself. */
static int
outcome(struct session *s)
{
	struct scram_server_final sfin;
	struct scram_msg m;
	uint32_t why;
	int r;

	if (expect(s, WIRE_SCRAM_OUTCOME) == -1 || get_text(s, &m) == -1)
		return -1;
	if ((r = scram_server_final_parse(m.s, m.len, &sfin)) != SCRAM_OK)
		return malformed(s, "SCRAM outcome", scram_strerror(r));
	r = keyd_scram_verify(&s->kd, m.s, m.len, &why);
	if (r == -1)
		return signon_fail(s, FAIL_SETUP);
	if (r == 1 && s->o->admin)
		return admin_not_signed_on(s, &sfin);
	if (r == 1 && sfin.is_error) {
		sess_msg(s, "BWK1108E", "server %s refused the sign-on as node "
		    "%s (%s): the password is wrong, the node is not registered "
		    "on that server, or it is locked; the server's log says "
		    "which", s->o->server, s->o->node, sfin.error);
		return signon_fail(s, FAIL_SIGNON);
	}
	if (r == 1) {
		sess_msg(s, "BWK1109E", "server %s did not prove that it knows "
		    "node %s's verifier: it is not the server the node was "
		    "registered with; the session is ended", s->o->server,
		    s->o->node);
		return signon_fail(s, FAIL_TRUST);
	}
	return 0;
}

static int	signed_on(struct session *);

int
session_sign_on(struct session *s)
{
	struct scram_client_first cf;
	struct scram_server_first sf;
	struct scram_msg challenge, cfin;
	char nonce[SCRAM_NONCE_LEN + 1];
	int r;

	if (hello(s) == -1)
		return -1;
	if (scram_nonce_make(nonce) != SCRAM_OK ||
	    (r = scram_client_first_build(s->o->node, NULL, nonce, 0, &cf)) !=
	    SCRAM_OK) {
		sess_msg(s, "BWK1112E", "the sign-on message to %s could not be "
		    "built: %s", s->o->server, "no random nonce, or a node name "
		    "SCRAM cannot carry");
		return signon_fail(s, FAIL_SETUP);
	}
	if (send_text(s, WIRE_SCRAM_FIRST, cf.msg.s, cf.msg.len) == -1 ||
	    expect(s, WIRE_SCRAM_CHALLENGE) == -1 ||
	    get_text(s, &challenge) == -1)
		return -1;
	r = scram_server_first_parse(challenge.s, challenge.len, cf.nonce, &sf);
	if (r != SCRAM_OK)
		return malformed(s, "SCRAM challenge", scram_strerror(r));
	if (final(s, &cf, &sf, &cfin) == -1 ||
	    send_text(s, WIRE_SCRAM_FINAL, cfin.s, cfin.len) == -1 ||
	    outcome(s) == -1 || signed_on(s) == -1)
		return -1;
	/*
	 * The standby key, announced inside the session the pin trusted, is
	 * the sign-on's last frame: a bad one ends the session before it is
	 * called signed on.
	 */
	if (s->standby_due && (expect(s, WIRE_STANDBY_KEY) == -1 ||
	    session_standby_receive(s, &in.in) == -1))
		return -1;
	s->signed_on = 1;
	if (s->o->admin)
		sess_info(s, "BWK1300I", "signed on to server %s as "
		    "administrator %s (SCRAM-SHA-256-PLUS, bound to this TLS "
		    "session)", s->o->server, s->o->node);
	else
		sess_info(s, "BWK1100I", "signed on to server %s as node %s "
		    "(SCRAM-SHA-256-PLUS, bound to this TLS session)",
		    s->o->server, s->o->node);
	return 0;
}

/*
 * After the sign-on (and any first-use pin: the server has proved who it
 * is, whatever the state of the password): an expired password is
 * replaced under GENERATE, or ends the session.
 */
int
session_password_check(struct session *s)
{
	if (!s->pw_expired)
		return 0;
	/* an administrator's password is typed: no helper can renew it */
	if (s->o->admin) {
		sess_msg(s, "BWK1312E", "the password of administrator %s on "
		    "server %s has expired; another administrator gives it a "
		    "new one (bulwark admin update admin %s PASSWORD), or the "
		    "server's console (bulwarkd --instance DIR admin update %s "
		    "--password)", s->o->node, s->o->server, s->o->node,
		    s->o->node);
		s->signed_on = 0;
		return signon_fail(s, FAIL_SIGNON);
	}
	if (s->o->typed) {
		sess_msg(s, "BWK1120E", "the password of node %s on server %s "
		    "has expired, and it was typed (PASSWORDACCESS PROMPT): an "
		    "administrator sets a new one (bulwark admin ... update node "
		    "%s PASSWORD), or store one with bulwark-cert -nodepw and let "
		    "the client replace it (PASSWORDACCESS GENERATE)", s->o->node,
		    s->o->server, s->o->node);
		s->signed_on = 0;
		return signon_fail(s, FAIL_SIGNON);
	}
	if (!s->o->generate) {
		sess_msg(s, "BWK1115E", "the password of node %s on server %s "
		    "has expired; set a new one with bulwark set password (or "
		    "let the client keep it: PASSWORDACCESS GENERATE)",
		    s->o->node, s->o->server);
		s->signed_on = 0;
		return signon_fail(s, FAIL_SIGNON);
	}
	return session_set_password(s);
}

/* SIGNED_ON: whether the password has expired, and when it will. */
static int
signed_on(struct session *s)
{
	uint8_t flags;
	uint64_t exp;

	if (expect(s, WIRE_SIGNED_ON) == -1)
		return -1;
	if (wire_get_n8(&in.in, &flags) == -1 ||
	    wire_get_n64(&in.in, &exp) == -1 || wire_end(&in.in) == -1 ||
	    (flags & ~WIRE_SIGNED_PW_EXPIRED) != 0 || exp > INT64_MAX)
		return malformed(s, "SIGNED_ON", "not flags and an expiry");
	s->pw_expired = (flags & WIRE_SIGNED_PW_EXPIRED) != 0;
	s->pw_expires = (int64_t)exp;
	return 0;
}

/*
 * A new node password: the key helper makes it and keeps it (written
 * beside the old one first), the server gets only its verifier, and once
 * the server says it stored it the helper makes it the node's. A session
 * that ends in between loses nothing: the next sign-on finishes it.
 */
int
session_set_password(struct session *s)
{
	struct scram_verifier v;
	char when[32] = "never";
	uint64_t exp;
	uint32_t why;
	int r;

	r = keyd_new_password(&s->kd, s->o->server, &v, &why);
	if (r == -1)
		return signon_fail(s, FAIL_SETUP);
	if (r == 1) {
		sess_msg(s, "BWK1116E", "the key helper cannot change the "
		    "password of node %s: %s", s->o->node,
		    why == KEYD_FAIL_STORE ? "the key database could not be "
		    "written (its message above says why)" : "this key "
		    "database is read-only (a setgid install: the "
		    "administrator stores a new one with bulwark-cert -nodepw)");
		return signon_fail(s, FAIL_SETUP);
	}
	wire_begin(&out, WIRE_SET_PASSWORD);
	wire_put_n8(&out, (uint8_t)v.p.salt_len);
	wire_put(&out, v.p.salt, v.p.salt_len);
	wire_put_n32(&out, v.p.iter);
	wire_put(&out, v.stored_key, SCRAM_HASH_LEN);
	wire_put(&out, v.server_key, SCRAM_HASH_LEN);
	explicit_bzero(&v, sizeof(v));
	r = session_wire_send(s, &out);
	explicit_bzero(out.buf, sizeof(out.buf));
	if (r == -1 || expect(s, WIRE_PASSWORD_SET) == -1)
		return signon_fail(s, s->fail == FAIL_NONE ? FAIL_SERVER :
		    s->fail);
	if (wire_get_n64(&in.in, &exp) == -1 || wire_end(&in.in) == -1 ||
	    exp > INT64_MAX)
		return malformed(s, "PASSWORD_SET", "not an expiry");
	/* the server holds the new verifier now, whatever the helper says */
	s->pw_expired = 0;
	s->pw_expires = (int64_t)exp;
	if (keyd_commit_password(&s->kd, s->o->server, &why) != 0) {
		sess_msg(s, "BWK1118W", "server %s has the new password of "
		    "node %s, but the key database could not be updated; the "
		    "next sign-on finishes the change", s->o->server,
		    s->o->node);
		return 0;
	}
	s->pw_changed = 1;
	if (exp > 0)
		bwk_time_format((int64_t)exp, when);
	sess_info(s, "BWK1117I", "set a new random password for node %s on "
	    "server %s (the key helper keeps it; the server holds only its "
	    "verifier); it expires %s", s->o->node, s->o->server, when);
	return 0;
}

/* BYE, and the server's BYE_OK: the session ends as both sides agree. */
int
session_bye(struct session *s)
{
	wire_begin(&out, WIRE_BYE);
	if (session_wire_send(s, &out) == -1 || expect(s, WIRE_BYE_OK) == -1)
		return -1;
	if (wire_end(&in.in) == -1)
		return malformed(s, "BYE_OK", "not empty");
	return 0;
}

/* QUERY_SESSION: the server's facts of this session, as text. */
int
session_query(struct session *s, char *text, size_t len)
{
	wire_begin(&out, WIRE_QUERY_SESSION);
	if (session_wire_send(s, &out) == -1 || expect(s, WIRE_SESSION) == -1)
		return -1;
	if (len == 0 || wire_get_text(&in.in, text, len - 1) == -1 ||
	    wire_end(&in.in) == -1)
		return malformed(s, "SESSION", "not one text");
	return 0;
}

/*
 * ADMIN, and the ROWS frames of its result (rows.c reads each): the
 * server refuses a command in the result, and ends the session with
 * ERROR only for a frame out of place.
 */
int
session_admin(struct session *s, const char *command, struct bwk_rows *res)
{
	const char *why;
	int more = 1, r;

	wire_begin(&out, WIRE_ADMIN);
	wire_put_text(&out, command, WIRE_TEXT_MAX);
	r = session_wire_send(s, &out);
	/* the command may hold a new password: no copy stays in the frame */
	explicit_bzero(out.buf, sizeof(out.buf));
	if (r == -1)
		return signon_fail(s, s->fail == FAIL_NONE ? FAIL_SERVER :
		    s->fail);
	while (more) {
		if (expect(s, WIRE_ROWS) == -1)
			return -1;
		if (rows_take(res, &in.in, &more, &why) == -1) {
			sess_msg(s, "BWK1307E", "server %s sent a malformed ROWS "
			    "frame (%s); the session is ended", s->o->server,
			    why);
			return signon_fail(s, FAIL_SERVER);
		}
	}
	return 0;
}
