/*
 * Rotation without redistribution, the client's side, in the network
 * process (bulwark(1), TRUST RULES; docs/protocol.md, STANDBY_KEY):
 *
 *	renewal	the server showed a new certificate for the key of one of
 *		its pins (trust rule "pinned key", session_trust.c): once the
 *		handshake is over, and the sign-on when there is one, the key
 *		helper is asked to make the pin hold the new certificate;
 *	standby	after the sign-on the server announced its standby key and
 *		proved, inside this session, that it holds it: the helper is
 *		asked to pin it beside the pin in use, so that the next
 *		sessions trust the server once it switches to that key.
 *
 * This process decides what to ask, and the helper decides for itself
 * whether to grant it (src/keyd/keyd_pins.c): it checks the key of a
 * renewal and never lets a standby pin replace anything. A helper that
 * will not write (setgid, or a database this user cannot write) is not
 * asked: the session stays trusted as it was, and a note says what an
 * administrator runs instead. A proof that does not verify ends the
 * session: the server the pin authenticated is misbehaving.
 */
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hash.h>

#include "../lib/names.h"
#include "../lib/standby.h"
#include "../lib/x509.h"
#include "session.h"

static int
rotate_fail(struct session *s, enum session_fail f)
{
	s->fail = f;
	return -1;
}

static const char *
why_text(uint32_t why)
{
	switch (why) {
	case KEYD_FAIL_EXISTS:
		return "the server already has that certificate, or a standby "
		    "key pinned and not yet in use";
	case KEYD_FAIL_OTHER_KEY:
		return "the certificate is for another key";
	case KEYD_FAIL_REFUSED:
		return "the pin that authenticated this session is not in the "
		    "key database now, or the helper does not write it";
	case KEYD_FAIL_STORE:
		return "the key database could not be written";
	}
	return "the helper failed";
}

/* Why the helper does not write, for the notes. */
static const char *
read_only_why(const struct session *s)
{
	return s->kd.setgid ? " (bulwark-keyd is installed setgid: it reads "
	    "the system database and never writes it)" : " (this user cannot "
	    "write it)";
}

/* The renewal: the pin renewed_from is to hold the leaf. */
static int
follow_renewal(struct session *s)
{
	char was[BWK_FPR_STRLEN], now[BWK_FPR_STRLEN];
	uint8_t fpr[BWK_SHA256_LEN];
	uint32_t why;
	int r;

	s->renewal_done = 1;
	bwk_fpr_format(s->renewed_from, was);
	bwk_fpr_format(s->leaf_fpr, now);
	if (!s->kd.may_update) {
		sess_info(s, "BWK1402I", "server %s: the pin was not updated, "
		    "because the key helper does not write the key database "
		    "%s%s; the server stays trusted by its key. To record the "
		    "renewed certificate, an administrator runs: bulwark-cert "
		    "-db %s -replace -server %s -file cert256.arm",
		    s->o->server, s->kd.dir, read_only_why(s), s->kd.dir,
		    s->o->server);
		return 0;
	}
	r = keyd_renew(&s->kd, s->o->server, s->renewed_from, s->leaf_der,
	    s->leaf_len, fpr, &why);
	if (r == -1)
		return rotate_fail(s, FAIL_SETUP);
	if (r == 1) {
		sess_msg(s, "BWK1403W", "server %s: the key helper did not "
		    "make its pin follow the renewed certificate (reason %u: "
		    "%s); the session is trusted by the pinned key all the "
		    "same", s->o->server, why, why_text(why));
		return 0;
	}
	if (memcmp(fpr, s->leaf_fpr, sizeof(fpr)) != 0) {
		sess_msg(s, "BWK1403W", "server %s: the key helper stored "
		    "another certificate than the one shown; the session is "
		    "refused", s->o->server);
		return rotate_fail(s, FAIL_TRUST);
	}
	memcpy(s->renewed_from, s->leaf_fpr, sizeof(fpr));	/* pin in use */
	sess_info(s, "BWK1401I", "server %s: its pin now holds the renewed "
	    "certificate, SHA-256 %s, in place of SHA-256 %s", s->o->server,
	    now, was);
	return 0;
}

/* Is fpr one of this server's own pins (or just pinned on first use)? */
static int
own_trust(const struct session *s, const uint8_t fpr[BWK_SHA256_LEN],
    int pinned_only)
{
	uint8_t f[BWK_SHA256_LEN];
	size_t i;

	for (i = 0; i < s->trust.n; i++)
		if (s->trust.c[i].own && (!pinned_only ||
		    s->trust.c[i].kind == KDB_PINNED) &&
		    wc_Sha256Hash(s->trust.c[i].der, (word32)s->trust.c[i].len,
		    f) == 0 && memcmp(f, fpr, sizeof(f)) == 0)
			return 1;
	return 0;
}

/* The pin that authenticated this session, or NULL when none did. */
static const uint8_t *
pin_in_use(const struct session *s)
{
	switch (s->rule) {
	case TRUST_FIRST_USE:
		return s->leaf_fpr;	/* pinned by this session */
	case TRUST_RENEWED:
		return s->renewed_from;	/* the leaf, once the pin followed */
	case TRUST_PINNED:
		return own_trust(s, s->leaf_fpr, 1) ? s->leaf_fpr : NULL;
	default:
		return NULL;
	}
}

static int
pin_standby(struct session *s)
{
	const uint8_t *cur = pin_in_use(s);
	char fpr[BWK_FPR_STRLEN];
	uint8_t got[BWK_SHA256_LEN];
	uint32_t why;
	int r;

	bwk_fpr_format(s->standby_fpr, fpr);
	if (own_trust(s, s->standby_fpr, 0) ||
	    memcmp(s->standby_fpr, s->leaf_fpr, sizeof(got)) == 0) {
		s->standby_state = "pinned already";
		sess_info(s, "BWK1405I", "server %s: its standby key is pinned "
		    "already (SHA-256 %s)", s->o->server, fpr);
		return 0;
	}
	if (cur == NULL) {
		s->standby_state = "not pinned: no pin trusted this session";
		sess_info(s, "BWK1406I", "server %s: its standby key (SHA-256 "
		    "%s) is not pinned: this session was not trusted by a "
		    "pinned certificate, and only a pin is extended",
		    s->o->server, fpr);
		return 0;
	}
	if (!s->kd.may_update) {
		s->standby_state = "not pinned: the key database is read only";
		sess_info(s, "BWK1407I", "server %s: its standby key (SHA-256 "
		    "%s) is not pinned, because the key helper does not write "
		    "the key database %s%s; when the server switches to it, an "
		    "administrator runs: bulwark-cert -db %s -replace -server "
		    "%s -file cert256.arm", s->o->server, fpr, s->kd.dir,
		    read_only_why(s), s->kd.dir, s->o->server);
		return 0;
	}
	r = keyd_standby(&s->kd, s->o->server, cur, s->standby_der,
	    s->standby_len, got, &why);
	if (r == -1)
		return rotate_fail(s, FAIL_SETUP);
	if (r == 1 || memcmp(got, s->standby_fpr, sizeof(got)) != 0) {
		s->standby_state = "not pinned: the key helper refused";
		sess_msg(s, "BWK1410W", "server %s: the key helper did not pin "
		    "its standby key, SHA-256 %s (reason %u: %s); see "
		    "bulwark-cert -list", s->o->server, fpr, r == 1 ? why : 0,
		    r == 1 ? why_text(why) : "it stored another certificate");
		return 0;
	}
	s->standby_state = "pinned beside the current key";
	sess_info(s, "BWK1409I", "server %s: pinned its standby key beside the "
	    "current one, SHA-256 %s: sessions trust the server when it "
	    "switches to it, with nothing to import", s->o->server, fpr);
	return 0;
}

int
session_update_pins(struct session *s)
{
	if (s->rule == TRUST_RENEWED && !s->renewal_done &&
	    follow_renewal(s) == -1)
		return -1;
	if (s->standby_der != NULL && s->standby_state == NULL &&
	    pin_standby(s) == -1)
		return -1;
	return 0;
}

static int
refuse_announcement(struct session *s, const char *why)
{
	sess_msg(s, "BWK1408E", "server %s announced a standby key that is "
	    "refused: %s; nothing was pinned, and the session is ended",
	    s->o->server, why);
	return rotate_fail(s, FAIL_SERVER);
}

/*
 * STANDBY_KEY: u16 n, the certificate; u16 m, the signature. The
 * certificate must pass what any certificate of the server's must, and
 * the signature, by its key, must be over this session's exporter value.
 */
int
session_standby_receive(struct session *s, struct wire_in *w)
{
	uint8_t ekm[STANDBY_EKM_LEN];
	const uint8_t *cert, *sig;
	struct certinfo ci;
	char why[256], fpr[BWK_FPR_STRLEN];
	uint16_t clen, slen;
	int r;

	if (wire_get_n16(w, &clen) == -1 || clen == 0 ||
	    clen > STANDBY_CERT_MAX || wire_ref(w, clen, &cert) == -1 ||
	    wire_get_n16(w, &slen) == -1 || slen == 0 ||
	    slen > STANDBY_SIG_MAX || wire_ref(w, slen, &sig) == -1 ||
	    wire_end(w) == -1)
		return refuse_announcement(s, "a malformed STANDBY_KEY frame");
	if (x509_inspect(cert, clen, &ci, why, sizeof(why)) == -1 ||
	    session_cert_policy(s, &ci, why, sizeof(why)) == -1)
		return refuse_announcement(s, why[0] ? why : "its certificate "
		    "cannot be read");
	if (session_standby_exporter(s, ekm) == -1)
		return refuse_announcement(s, "the TLS library could not derive "
		    "this session's exporter value");
	r = standby_verify(cert, clen, ekm, sig, slen, why, sizeof(why));
	explicit_bzero(ekm, sizeof(ekm));
	if (r == -1)
		return refuse_announcement(s, why);
	if ((s->standby_der = malloc(clen)) == NULL)
		return refuse_announcement(s, "out of memory");
	memcpy(s->standby_der, cert, clen);
	s->standby_len = clen;
	memcpy(s->standby_fpr, ci.fpr, sizeof(ci.fpr));
	bwk_fpr_format(ci.fpr, fpr);
	sess_info(s, "BWK1404I", "server %s announced its standby key (%s, "
	    "SHA-256 %s) and proved in this session that it holds it",
	    s->o->server, ci.key_desc, fpr);
	return 0;
}
