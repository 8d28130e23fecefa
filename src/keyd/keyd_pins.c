/*
 * The pins a trusted session changes, after the fact, without an
 * administrator (OpenSSH's UpdateHostKeys is the model):
 *
 *	RENEW	a pinned certificate follows its renewal: the server showed
 *		a new certificate for the same key, so the pin now holds it;
 *	STANDBY	the server's announced standby key is pinned beside the
 *		pin that authenticated the session, so that clients connect
 *		with no re-import once the server makes it its default.
 *
 * The network process asks, and it may be hostile: it has parsed the
 * server's bytes. So the helper decides for itself what it can check
 * without trusting it: the request names one of the bound server's own
 * pins, which must exist; a renewal's key must be the pinned one's,
 * compared here; a standby pin only adds, never replaces, and a server
 * has at most one standby pin waiting after the pin in use. The
 * certificate is read only as far as its shape, its validity and its
 * public key (x509_shape); the policy checks are the client's, made
 * before it asks. Every change is made under the writers' lock, on the
 * database as it is then, and recorded in an audit line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hash.h>

#include "../lib/msg.h"
#include "../lib/util.h"
#include "../lib/x509.h"
#include "keyd.h"

/* A standby pin's label: standby-HEX@SERVER, HEX its fingerprint's first
 * 4 bytes, in the '@' namespace no name given on a command line reaches. */
#define STANDBY_LABEL_PREFIX	"standby-"

/* RENEW and STANDBY: label, a pin's fingerprint, the new certificate. */
struct pin_request {
	char		 server[KEYD_LABEL_MAX + 1];
	uint8_t		 pin_fpr[BWK_SHA256_LEN];	/* the pin in use */
	const uint8_t	*der;
	uint32_t	 len;
	struct x509_shape shape;
	uint8_t		 fpr[BWK_SHA256_LEN];		/* the new one's */
	char		 label[KDB_LABEL_MAX + 1];	/* STANDBY's */
};

static int
answer_frame(struct keyd *k, struct frame *f)
{
	if (frame_finish(f) == -1)
		return -1;
	return k->send(k->send_arg, f);
}

static int
answer(struct keyd *k, uint16_t type, uint32_t seq, uint32_t fail,
    const uint8_t fpr[BWK_SHA256_LEN])
{
	struct frame f;

	if (fail != 0) {
		frame_init(&f, KEYD_ANS_FAIL, seq);
		frame_put_h32(&f, fail);
	} else {
		frame_init(&f, type, seq);
		frame_put(&f, fpr, BWK_SHA256_LEN);
	}
	return answer_frame(k, &f);
}

/*
 * The request, read exactly. A certificate no client would ask for, one
 * not shaped like a certificate or not valid now (the client's policy
 * refuses both before it asks), means the network process is not ours:
 * the helper stops, as for an ACCEPT with impossible dates.
 */
static int
read_request(struct keyd *k, struct msg *m, const char *what,
    struct pin_request *r)
{
	int64_t now = bwk_now();

	memset(r, 0, sizeof(*r));
	if (msg_get_label(m, r->server) == -1 ||
	    msg_get(m, r->pin_fpr, sizeof(r->pin_fpr)) == -1 ||
	    msg_get_h32(m, &r->len) == -1 || r->len == 0 ||
	    r->len > KDB_DATA_MAX || msg_ref(m, r->len, &r->der) == -1 ||
	    msg_end(m) == -1 || !keyd_bound(k, r->server))
		return -1;
	if (x509_shape(r->der, r->len, &r->shape) == -1 ||
	    r->shape.not_before > now || now > r->shape.not_after) {
		bwk_msg("BWK0565E", "a %s request with bytes that are not a "
		    "certificate valid now, which the client never asks for; "
		    "stopping", what);
		return -1;
	}
	return wc_Sha256Hash(r->der, r->len, r->fpr) == 0 ? 0 : -1;
}

/* The bound server's own pin with this fingerprint: its index, or -1. */
static ssize_t
own_pin(const struct kdb *db, const char *server,
    const uint8_t fpr[BWK_SHA256_LEN])
{
	size_t i;

	for (i = 0; i < db->n; i++)
		if (db->e[i].kind == KDB_PINNED &&
		    strcasecmp(db->e[i].server, server) == 0 &&
		    memcmp(db->e[i].fpr, fpr, BWK_SHA256_LEN) == 0)
			return (ssize_t)i;
	return -1;
}

/* Is this certificate already an entry of the server's, of any kind? */
static int
server_has(const struct kdb *db, const char *server,
    const uint8_t fpr[BWK_SHA256_LEN])
{
	size_t i;

	for (i = 0; i < db->n; i++)
		if (strcasecmp(db->e[i].server, server) == 0 &&
		    memcmp(db->e[i].fpr, fpr, BWK_SHA256_LEN) == 0)
			return 1;
	return 0;
}

/* A pin's edit through keyd_store_edit, which knows no FAIL reasons. */
struct pin_edit {
	struct keyd	 *k;
	uint32_t	(*fn)(struct keyd *, struct kdb *, void *);
	void		 *arg;
	uint32_t	 fail;
};

static int
pin_edit(struct kdb *db, void *arg)
{
	struct pin_edit *pe = arg;

	pe->fail = pe->fn(pe->k, db, pe->arg);
	return pe->fail == 0 ? 0 : 1;	/* a refusal changes nothing */
}

uint32_t
keyd_with_fresh_db(struct keyd *k,
    uint32_t (*fn)(struct keyd *, struct kdb *, void *), void *arg)
{
	struct pin_edit pe = { k, fn, arg, 0 };

	/* a setgid helper never writes; nor one the client did not let */
	if (!k->store_ok || k->setgid || k->serve)
		return KEYD_FAIL_REFUSED;
	if (keyd_store_edit(k, pin_edit, &pe) == -1)
		return pe.fail != 0 ? pe.fail : KEYD_FAIL_STORE;
	return pe.fail;
}

/* The same SubjectPublicKeyInfo, byte for byte: the same key. */
static int
same_key(const struct x509_shape *a, const struct x509_shape *b)
{
	return a->spki_len == b->spki_len &&
	    memcmp(a->spki, b->spki, a->spki_len) == 0;
}

/* RENEW under the lock: the pin holds the renewed certificate, in place. */
static uint32_t
renew_in(struct keyd *k, struct kdb *db, void *arg)
{
	struct pin_request *r = arg;
	struct x509_shape old;
	struct kdb_entry *e;
	ssize_t i;
	uint8_t *data;

	if ((i = own_pin(db, k->server, r->pin_fpr)) == -1)
		return KEYD_FAIL_REFUSED;
	e = &db->e[i];
	if (x509_shape(e->data, e->len, &old) == -1 ||
	    !same_key(&old, &r->shape))
		return KEYD_FAIL_OTHER_KEY;
	if (server_has(db, k->server, r->fpr))
		return KEYD_FAIL_EXISTS;
	if ((data = malloc(r->len)) == NULL)
		return KEYD_FAIL_STORE;
	memcpy(data, r->der, r->len);
	/* in place: its label, and its place in the database's order */
	free(e->data);
	e->data = data;
	e->len = r->len;
	memcpy(e->fpr, r->fpr, BWK_SHA256_LEN);
	e->origin = KDB_FROM_SERVER;
	e->added = bwk_now();
	e->not_before = r->shape.not_before;
	e->not_after = r->shape.not_after;
	return 0;
}

int
keyd_answer_renew(struct keyd *k, struct msg *m)
{
	char was[BWK_FPR_STRLEN], now[BWK_FPR_STRLEN];
	struct pin_request r;
	uint32_t fail;

	if (read_request(k, m, "RENEW", &r) == -1)
		return -1;
	fail = keyd_with_fresh_db(k, renew_in, &r);
	bwk_fpr_format(r.pin_fpr, was);
	bwk_fpr_format(r.fpr, now);
	if (fail == KEYD_FAIL_OTHER_KEY)
		bwk_msg("BWK0566W", "audit: refused to replace the pin of "
		    "server %s (SHA-256 %s): the certificate offered for it, "
		    "SHA-256 %s, is for another key", k->server, was, now);
	else if (fail == 0)
		bwk_msg("BWK0568I", "audit: server %s renewed its certificate "
		    "for its pinned key: the pin SHA-256 %s now holds SHA-256 "
		    "%s", k->server, was, now);
	return answer(k, KEYD_ANS_RENEW, m->seq, fail, r.fpr);
}

/* A standby pin of the server's that follows index cur in the database. */
static int
standby_after(const struct kdb *db, const char *server, size_t cur)
{
	size_t i;

	for (i = cur + 1; i < db->n; i++)
		if (db->e[i].kind == KDB_PINNED &&
		    strcasecmp(db->e[i].server, server) == 0 &&
		    strncmp(db->e[i].label, STANDBY_LABEL_PREFIX,
		    strlen(STANDBY_LABEL_PREFIX)) == 0)
			return 1;
	return 0;
}

/*
 * STANDBY under the lock: a new pin, added at the end, so that the
 * database's order tells a standby still waiting (after the pin in use)
 * from one the server has since made its default (the pin in use).
 */
static uint32_t
standby_in(struct keyd *k, struct kdb *db, void *arg)
{
	struct pin_request *r = arg;
	struct kdb_entry e;
	ssize_t cur;

	if ((cur = own_pin(db, k->server, r->pin_fpr)) == -1)
		return KEYD_FAIL_REFUSED;
	if (server_has(db, k->server, r->fpr) ||
	    standby_after(db, k->server, (size_t)cur) ||
	    kdb_find_label(db, r->label) != -1)
		return KEYD_FAIL_EXISTS;
	memset(&e, 0, sizeof(e));
	e.kind = KDB_PINNED;
	e.origin = KDB_FROM_SERVER;
	snprintf(e.label, sizeof(e.label), "%s", r->label);
	snprintf(e.server, sizeof(e.server), "%s", k->server);
	e.added = bwk_now();
	e.not_before = r->shape.not_before;
	e.not_after = r->shape.not_after;
	memcpy(e.fpr, r->fpr, BWK_SHA256_LEN);
	e.len = r->len;
	if ((e.data = malloc(r->len)) == NULL)
		return KEYD_FAIL_STORE;
	memcpy(e.data, r->der, r->len);
	if (kdb_append(db, &e) == -1) {
		free(e.data);
		return KEYD_FAIL_STORE;
	}
	return 0;
}

int
keyd_answer_standby(struct keyd *k, struct msg *m)
{
	char fpr[BWK_FPR_STRLEN], cur[BWK_FPR_STRLEN], hex[9];
	struct pin_request r;
	uint32_t fail;
	int n;

	if (read_request(k, m, "STANDBY", &r) == -1)
		return -1;
	bwk_hex(r.fpr, 4, hex);
	n = snprintf(r.label, sizeof(r.label), STANDBY_LABEL_PREFIX "%s@%s",
	    hex, k->server);
	/* a name too long for the label is never cut: nothing is pinned */
	if (n < 0 || (size_t)n >= sizeof(r.label) || !kdb_label_ok(r.label))
		fail = KEYD_FAIL_REFUSED;
	else
		fail = keyd_with_fresh_db(k, standby_in, &r);
	if (fail == 0) {
		bwk_fpr_format(r.fpr, fpr);
		bwk_fpr_format(r.pin_fpr, cur);
		bwk_msg("BWK0562I", "audit: pinned the standby certificate "
		    "server %s announced, SHA-256 %s, as %s, beside the pin "
		    "SHA-256 %s", k->server, fpr, r.label, cur);
	}
	return answer(k, KEYD_ANS_STANDBY, m->seq, fail, r.fpr);
}
