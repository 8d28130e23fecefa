/*
 * Sign-on, the server's side (docs/scram.md, docs/protocol.md): the
 * client's SCRAM-SHA-256-PLUS messages against the verifier in the
 * catalog, bound to this TLS session by tls-exporter.
 *
 * Every refusal looks the same to the client: a name the catalog does not
 * hold gets a challenge made from a fake verifier (the same salt and
 * count every time for the same name, so two sessions cannot tell it from
 * a real one), a locked account is challenged as usual, and every failed
 * proof is answered "e=invalid-proof". Only this server's log says which
 * it was: no client can learn which node names exist.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../catalog/catalog.h"
#include "../lib/msg.h"
#include "../lib/util.h"
#include "serve.h"

const char *
signon_role(const struct served *v)
{
	return v->role == WIRE_ROLE_ADMIN ? "administrator" : "node";
}

static enum cat_kind
kind(const struct served *v)
{
	return v->role == WIRE_ROLE_ADMIN ? CAT_ADMIN : CAT_NODE;
}

static int
send_text(struct served *v, uint16_t type, const struct scram_msg *m)
{
	static struct wire_out w;

	wire_begin(&w, type);
	wire_put_n16(&w, (uint16_t)m->len);
	wire_put(&w, m->s, m->len);
	return session_wire_send(v->s, &w);
}

static int
get_text(struct served *v, struct wire_in *in, struct scram_msg *m,
    const char *what)
{
	char why[96];

	if (wire_get_text(in, m->s, WIRE_SCRAM_TEXT_MAX) == -1 ||
	    wire_end(in) == -1) {
		snprintf(why, sizeof(why), "a malformed %s", what);
		return serve_refuse(v, "BWK1064E", why);
	}
	m->len = strlen(m->s);
	return 0;
}

/*
 * The verifier to challenge with: the account's, or, for a name the
 * catalog does not hold, one made from the server's secret and the name,
 * the same on every attempt and never matched by any password.
 */
static int
choose_verifier(struct served *v)
{
	struct cat_account a;
	int r;

	v->known = 0;
	if (catalog_name_canon(v->cf.user, v->account) != CAT_OK) {
		snprintf(v->account, sizeof(v->account), "%.64s", v->cf.user);
		r = CAT_NOTFOUND;
	} else
		r = catalog_account_get(v->env->cat, kind(v), v->account, &a);
	if (r == CAT_OK) {
		v->v = a.verifier;
		v->known = 1;
		v->strict = a.security == CAT_STRICT;
		v->pw_expires = a.password_expires;
		explicit_bzero(&a, sizeof(a));
		return 0;
	}
	if (r != CAT_NOTFOUND)
		return -1;	/* the catalog failed: reported */
	return scram_verifier_fake(v->env->fake_key, v->account,
	    SCRAM_ITER_DEFAULT, &v->v) == SCRAM_OK ? 0 : -1;
}

int
signon_first(struct served *v, struct wire_in *in)
{
	static struct scram_msg m;
	char nonce[SCRAM_NONCE_LEN + 1], why[128];
	int r;

	if (get_text(v, in, &m, "SCRAM_FIRST") == -1)
		return -1;
	if ((r = scram_client_first_parse(m.s, m.len, 0, &v->cf)) != SCRAM_OK) {
		snprintf(why, sizeof(why), "a SCRAM_FIRST the server refuses: "
		    "%s", scram_strerror(r));
		return serve_refuse(v, "BWK1073E", why);
	}
	/* one name per session: the HELLO's is the one signed on as */
	if (strcasecmp(v->cf.user, v->name) != 0 ||
	    (v->cf.authzid[0] != '\0' &&
	    strcasecmp(v->cf.authzid, v->name) != 0))
		return serve_refuse(v, "BWK1073E", "a SCRAM_FIRST for another "
		    "name than the HELLO's");
	if (choose_verifier(v) == -1)
		return serve_refuse(v, "BWK1074E", "the server cannot read its "
		    "catalog; try again later");
	if (scram_nonce_make(nonce) != SCRAM_OK ||
	    scram_server_first_build(&v->cf, nonce, &v->v.p, &v->sf) !=
	    SCRAM_OK)
		return serve_refuse(v, "BWK1074E", "the server could not make "
		    "its challenge; try again later");
	if (send_text(v, WIRE_SCRAM_CHALLENGE, &v->sf.msg) == -1)
		return -1;
	v->state = SV_CHALLENGED;
	return 0;
}

/*
 * SIGNED_ON: the session may go on, and whether the password has expired
 * (then only SET_PASSWORD or BYE: the seed's expired-password rule).
 */
static int
signed_on(struct served *v)
{
	static struct wire_out w;
	int expired = v->pw_expires != 0 && v->pw_expires <= bwk_now();

	wire_begin(&w, WIRE_SIGNED_ON);
	wire_put_n8(&w, expired ? WIRE_SIGNED_PW_EXPIRED : 0);
	wire_put_n64(&w, (uint64_t)v->pw_expires);
	if (session_wire_send(v->s, &w) == -1)
		return -1;
	v->state = expired ? SV_EXPIRED : SV_SIGNED;
	if (expired)
		sess_info(v->s, "BWK1087I", "%s: the password of %s %s has "
		    "expired; the session may only set a new one",
		    v->s->o->host, signon_role(v), v->account);
	return 0;
}

/* The new verifier: u8 n, salt, u32 count, StoredKey, ServerKey. */
static int
get_verifier(struct wire_in *in, struct scram_verifier *nv)
{
	uint8_t n;

	memset(nv, 0, sizeof(*nv));
	if (wire_get_n8(in, &n) == -1 || n < SCRAM_SALT_MIN ||
	    n > SCRAM_SALT_MAX || wire_get(in, nv->p.salt, n) == -1 ||
	    wire_get_n32(in, &nv->p.iter) == -1 ||
	    wire_get(in, nv->stored_key, SCRAM_HASH_LEN) == -1 ||
	    wire_get(in, nv->server_key, SCRAM_HASH_LEN) == -1 ||
	    wire_end(in) == -1)
		return -1;
	nv->p.salt_len = n;
	return catalog_verifier_ok(nv) ? 0 : -1;
}

int
signon_set_password(struct served *v, struct wire_in *in)
{
	static struct wire_out w;
	struct scram_verifier nv;
	int64_t expires = srvopts_password_expiry(v->env->o, v->role == WIRE_ROLE_ADMIN);
	int r;

	if (get_verifier(in, &nv) == -1)
		return serve_refuse(v, "BWK1064E", "a malformed SET_PASSWORD, or "
		    "a verifier outside the bounds (a salt of 16 to 64 bytes, "
		    "100,000 to 4,000,000 iterations)");
	r = catalog_account_set_verifier(v->env->cat, kind(v), v->account,
	    &nv, expires);
	explicit_bzero(&nv, sizeof(nv));
	if (r != CAT_OK)
		return serve_refuse(v, "BWK1074E", "the server could not store "
		    "the new password; try again later");
	wire_begin(&w, WIRE_PASSWORD_SET);
	wire_put_n64(&w, (uint64_t)expires);
	if (session_wire_send(v->s, &w) == -1)
		return -1;
	v->pw_expires = expires;
	v->state = SV_SIGNED;
	sess_info(v->s, "BWK1088I", "%s: %s %s set a new password (a new "
	    "verifier)", v->s->o->host, signon_role(v), v->account);
	return 0;
}

/* The refusal every client sees, whatever the reason; the log has it. */
static int
refuse_signon(struct served *v, const char *reason)
{
	struct scram_msg e;

	sess_msg(v->s, "BWK1075W", "%s: sign-on as %s %s refused: %s",
	    v->s->o->host, signon_role(v), v->account, reason);
	if (scram_server_error_build(SCRAM_E_PROOF, &e) == SCRAM_OK)
		(void)send_text(v, WIRE_SCRAM_OUTCOME, &e);
	explicit_bzero(&v->v, sizeof(v->v));
	return -1;
}

/* A failed proof of a real account counts towards its lock. */
static int
count_failure(struct served *v, const char *why)
{
	char reason[160];
	int64_t until = 0;
	int r;

	r = catalog_signon_failure(v->env->cat, kind(v), v->account, &until);
	if (r == CAT_LOCKED && until > 0) {
		snprintf(reason, sizeof(reason), "%s; the account is now locked "
		    "for %lld seconds", why, (long long)(until - bwk_now()));
		return refuse_signon(v, reason);
	}
	return refuse_signon(v, why);
}

/*
 * This session, in the catalog's list of the sessions signed on now
 * (an administrator's query session). A row that cannot be written
 * costs that list a line, not the session: the log says so.
 */
static void
register_session(struct served *v)
{
	struct tls_facts f;
	struct cat_session cs;

	if (v->env->run == 0)
		return;
	memset(&f, 0, sizeof(f));
	if (v->s->ssl != NULL)
		(void)tls_facts_get(v->s->ssl, &f);
	memset(&cs, 0, sizeof(cs));
	cs.run = v->env->run;
	cs.id = v->env->session_id;
	cs.peer = v->env->peer != NULL ? v->env->peer : "?";
	cs.role = signon_role(v);
	cs.name = v->account;
	cs.started = v->env->started;
	cs.signed_on = bwk_now();
	cs.protocol = v->s->ssl != NULL ? wolfSSL_get_version(v->s->ssl) : "";
	cs.suite = f.suite;
	cs.group = f.group;
	cs.ems = f.ems;
	if (catalog_session_add(v->env->cat, &cs) != CAT_OK)
		sess_msg(v->s, "BWK1089W", "%s: session %ld could not be "
		    "recorded in the catalog; query session will not list it",
		    v->s->o->host, v->env->session_id);
}

/*
 * A first-use client of a STRICT node: the proof was right, but the
 * certificate hand-over is over for this node (SESSIONSECURITY).
 */
static int
refuse_handover(struct served *v)
{
	char text[320];

	snprintf(text, sizeof(text), "%s %s is STRICT: this server hands its "
	    "certificate only to TRANSITIONAL nodes; import the server's "
	    "cert256.arm on the client with bulwark-cert -add, or ask the "
	    "administrator to set the node TRANSITIONAL again",
	    signon_role(v), v->account);
	explicit_bzero(&v->v, sizeof(v->v));
	return serve_refuse(v, "BWK1076E", text);
}

int
signon_final(struct served *v, struct wire_in *in)
{
	static struct scram_msg m, sfinal;
	struct scram_client_final cfin;
	uint8_t cb[SCRAM_CB_LEN];
	int r, strict_now = 0, locked = 0;
	int64_t until = 0;

	if (get_text(v, in, &m, "SCRAM_FINAL") == -1)
		return -1;
	if ((r = scram_client_final_parse(m.s, m.len, &cfin)) != SCRAM_OK)
		return refuse_signon(v, scram_strerror(r));
	if (session_exporter(v->s, cb) == -1)
		return refuse_signon(v, "the TLS library could not derive the "
		    "channel-binding value");
	/* the proof is checked for every name, so that all take as long */
	r = scram_server_verify(&v->v, &v->cf, &v->sf, &cfin, cb, sizeof(cb),
	    0, &sfinal);
	if (!v->known)
		return refuse_signon(v, "no such name in the catalog");
	if (catalog_account_locked(v->env->cat, kind(v), v->account, &locked,
	    &until) != CAT_OK)
		return refuse_signon(v, "the catalog could not be read");
	if (locked)
		return refuse_signon(v, "the account is locked after too many "
		    "failed sign-ons");
	if (r != SCRAM_OK)
		return count_failure(v, r == SCRAM_E_PROOF ? "wrong password" :
		    scram_strerror(r));
	if (v->strict && (v->hello_flags & WIRE_HELLO_FIRST_USE))
		return refuse_handover(v);
	r = catalog_signon_success(v->env->cat, kind(v), v->account,
	    &strict_now);
	if (r == CAT_LOCKED)
		return refuse_signon(v, "the account was locked meanwhile");
	if (r != CAT_OK)
		return refuse_signon(v, "the catalog could not record it");
	explicit_bzero(&v->v, sizeof(v->v));
	if (send_text(v, WIRE_SCRAM_OUTCOME, &sfinal) == -1 ||
	    signed_on(v) == -1)
		return -1;
	sess_info(v->s, "BWK1077I", "%s: %s %s signed on (SCRAM-SHA-256-PLUS, "
	    "tls-exporter)%s", v->s->o->host, signon_role(v), v->account,
	    (v->hello_flags & WIRE_HELLO_FIRST_USE) ? "; it had no "
	    "certificate of this server and pins the one it was shown" : "");
	if (strict_now)
		sess_info(v->s, "BWK1078I", "%s %s is now STRICT: its first "
		    "sign-on succeeded, and the server hands its certificate to "
		    "it no more", signon_role(v), v->account);
	register_session(v);
	return 0;
}
