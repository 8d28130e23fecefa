/*
 * The helper's side of the protocol: one table of permits, one check
 * against it, then one handler per request with strict payload parsing
 * (exact sizes, no trailing bytes). A malformed or unpermitted request
 * means the network process is not behaving: the helper stops.
 */
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hash.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/msg.h"
#include "../lib/util.h"
#include "../lib/x509.h"
#include "keyd.h"

static int
answer(struct keyd *k, struct frame *f)
{
	if (frame_finish(f) == -1)
		return -1;
	return k->send(k->send_arg, f);
}

static int
answer_fail(struct keyd *k, uint32_t seq, uint32_t reason)
{
	struct frame f;

	frame_init(&f, KEYD_ANS_FAIL, seq);
	frame_put_h32(&f, reason);
	return answer(k, &f);
}

/* The session is bound to one server: requests for another are attacks. */
int
keyd_bound(const struct keyd *k, const char *label)
{
	if (strcasecmp(label, k->server) == 0)
		return 1;
	bwk_msg("BWK0510E", "request for server '%s' in a session for '%s'; "
	    "stopping", label, k->server);
	return 0;
}

int
keyd_answer_hello(struct keyd *k, struct msg *m)
{
	struct frame f;
	uint32_t v;

	if (msg_get_h32(m, &v) == -1 || msg_end(m) == -1)
		return -1;
	if (v != KEYD_VERSION) {
		bwk_msg("BWK0511E", "protocol version %u, this helper speaks %u",
		    v, KEYD_VERSION);
		return -1;
	}
	frame_init(&f, KEYD_ANS_HELLO, m->seq);
	frame_put_h32(&f, KEYD_VERSION);
	frame_put_h32(&f, (k->accept_first_use && k->store_ok && !k->system_ca ?
	    KEYD_HELLO_MAY_PIN : 0) | (k->setgid ? KEYD_HELLO_SETGID : 0) |
	    (k->store_ok && !k->serve ? KEYD_HELLO_MAY_UPDATE : 0) |
	    (k->budget[KB_PROVES] > 0 ? KEYD_HELLO_STANDBY : 0) |
	    (k->sign_on && k->admin[0] == '\0' && keyd_kdb_find(&k->db,
	    KDB_NODE_PASSWORD, k->server) != NULL ? KEYD_HELLO_NODE_PASSWORD :
	    0));
	frame_put_h16(&f, (uint16_t)strlen(k->dir));
	frame_put(&f, k->dir, strlen(k->dir));
	return answer(k, &f);
}

static int
trusted_for(const struct kdb_entry *e, const char *server)
{
	if (e->kind != KDB_PINNED && e->kind != KDB_CA)
		return 0;
	return e->server[0] == '\0' || strcasecmp(e->server, server) == 0;
}

/* TRUST: the pinned certificates and CA roots for the server, public. */
int
keyd_answer_trust(struct keyd *k, struct msg *m)
{
	char label[KEYD_LABEL_MAX + 1];
	struct frame f;
	size_t i, total = 0, idx = 0;

	if (msg_get_label(m, label) == -1 || msg_end(m) == -1 ||
	    !keyd_bound(k, label))
		return -1;
	for (i = 0; i < k->db.n; i++)
		if (trusted_for(&k->db.e[i], label))
			total++;
	if (total > KEYD_TRUST_MAX)
		total = KEYD_TRUST_MAX;
	if (total == 0) {
		frame_init(&f, KEYD_ANS_TRUST, m->seq);
		frame_put_h16(&f, 0);
		frame_put_h16(&f, 0);
		frame_put_h32(&f, 0);
		frame_put_h32(&f, 0);
		return answer(k, &f);
	}
	for (i = 0; i < k->db.n && idx < total; i++) {
		const struct kdb_entry *e = &k->db.e[i];

		if (!trusted_for(e, label))
			continue;
		frame_init(&f, KEYD_ANS_TRUST, m->seq);
		frame_put_h16(&f, (uint16_t)idx++);
		frame_put_h16(&f, (uint16_t)total);
		frame_put_u8(&f, e->kind);
		frame_put_u8(&f, e->server[0] != '\0');	/* this server's own */
		frame_put_h16(&f, 0);
		frame_put_h32(&f, (uint32_t)e->len);
		frame_put(&f, e->data, e->len);
		if (answer(k, &f) == -1)
			return -1;
	}
	return 0;
}

/* BEGIN: a handshake starts (dispatch has refilled the SIGN budget). */
int
keyd_answer_begin(struct keyd *k, struct msg *m)
{
	char label[KEYD_LABEL_MAX + 1];
	struct frame f;

	if (msg_get_label(m, label) == -1 || msg_end(m) == -1 ||
	    !keyd_bound(k, label))
		return -1;
	frame_init(&f, KEYD_ANS_BEGIN, m->seq);
	if (k->key.type == 0) {
		frame_put_u8(&f, 0);
		return answer(k, &f);
	}
	frame_put_u8(&f, 1);
	frame_put_h16(&f, (uint16_t)k->key.spki_len);
	frame_put(&f, k->key.spki, k->key.spki_len);
	frame_put_h32(&f, (uint32_t)k->key.cert->len);
	frame_put(&f, k->key.cert->data, k->key.cert->len);
	return answer(k, &f);
}

static const char *
scheme_name(int scheme, int hash)
{
	static const char *n[3][3] = {
		{ "ECDSA-SHA256", "ECDSA-SHA384", "ECDSA-SHA512" },
		{ "RSA-PKCS1-SHA256", "RSA-PKCS1-SHA384", "RSA-PKCS1-SHA512" },
		{ "RSA-PSS-SHA256", "RSA-PSS-SHA384", "RSA-PSS-SHA512" },
	};

	return n[scheme - 1][hash - 1];
}

/*
 * The input must have exactly the shape the scheme signs: a digest for
 * ECDSA and PSS, a DigestInfo of an approved hash for PKCS#1 v1.5. This
 * is what keeps the helper from being a raw RSA oracle.
 */
static int
input_ok(int scheme, int hash, const uint8_t *in, size_t inlen)
{
	size_t hl = keyd_hash_len(hash), pl;
	const uint8_t *prefix;

	if (hl == 0)
		return 0;
	switch (scheme) {
	case KEYD_SIG_ECDSA:
	case KEYD_SIG_RSA_PSS:
		return inlen == hl;
	case KEYD_SIG_RSA_PKCS1:
		prefix = keyd_digestinfo_prefix(hash, &pl);
		return inlen == pl + hl && memcmp(in, prefix, pl) == 0;
	}
	return 0;
}

static int
do_sign(struct keyd *k, int scheme, int hash, const uint8_t *in,
    size_t inlen, uint8_t *sig, word32 *siglen)
{
	static const enum wc_HashType ht[] = { WC_HASH_TYPE_SHA256,
	    WC_HASH_TYPE_SHA384, WC_HASH_TYPE_SHA512 };
	static const int mgf[] = { WC_MGF1SHA256, WC_MGF1SHA384,
	    WC_MGF1SHA512 };
	int r;

	switch (scheme) {
	case KEYD_SIG_ECDSA:
		if (k->key.type != X509_KEY_EC)
			return -1;
		return wc_ecc_sign_hash(in, (word32)inlen, sig, siglen,
		    &k->rng, &k->key.ecc) == 0 ? 0 : -1;
	case KEYD_SIG_RSA_PKCS1:
		if (k->key.type != X509_KEY_RSA)
			return -1;
		r = wc_RsaSSL_Sign(in, (word32)inlen, sig, *siglen, &k->key.rsa,
		    &k->rng);
		break;
	case KEYD_SIG_RSA_PSS:
		if (k->key.type != X509_KEY_RSA)
			return -1;
		/* salt length defaults to the hash length (RFC 8446 style) */
		r = wc_RsaPSS_Sign(in, (word32)inlen, sig, *siglen,
		    ht[hash - 1], mgf[hash - 1], &k->key.rsa, &k->rng);
		break;
	default:
		return -1;
	}
	if (r <= 0)
		return -1;
	*siglen = (word32)r;
	return 0;
}

int
keyd_answer_sign(struct keyd *k, struct msg *m)
{
	uint8_t scheme, hash, keyid[KEYD_KEYID_LEN], sig[KEYD_SIG_MAX];
	uint16_t inlen;
	const uint8_t *in;
	word32 siglen = sizeof(sig);
	struct frame f;
	char hex[2 * KEYD_KEYID_LEN + 1];
	int r;

	if (msg_get_u8(m, &scheme) == -1 || msg_get_u8(m, &hash) == -1 ||
	    msg_get(m, keyid, sizeof(keyid)) == -1 ||
	    msg_get_h16(m, &inlen) == -1 || msg_ref(m, inlen, &in) == -1 ||
	    msg_end(m) == -1)
		return -1;
	if (scheme < KEYD_SIG_ECDSA || scheme > KEYD_SIG_RSA_PSS ||
	    hash < KEYD_SHA256 || hash > KEYD_SHA512 ||
	    !input_ok(scheme, hash, in, inlen)) {
		bwk_msg("BWK0512E", "a SIGN request outside the allowed shapes "
		    "(scheme %u, hash %u, %u bytes); stopping", scheme, hash,
		    inlen);
		return -1;
	}
	if (k->key.type == 0 || memcmp(keyid, k->key.id, sizeof(keyid)) != 0)
		return answer_fail(k, m->seq, KEYD_FAIL_NO_KEY);
	r = do_sign(k, scheme, hash, in, inlen, sig, &siglen);
	bwk_hex(k->key.id, 8, hex);
	bwk_msg(r == 0 ? "BWK0520I" : "BWK0521W", "audit: %s TLS %s "
	    "signature for %s %s with key SHA256:%s... (%s)",
	    r == 0 ? "made a" : "FAILED to make a", k->serve ? "server" :
	    "client", k->serve ? "certificate" : "server", k->server, hex,
	    scheme_name(scheme, hash));
	if (r == -1)
		return answer_fail(k, m->seq, KEYD_FAIL_CRYPTO);
	frame_init(&f, KEYD_ANS_SIGN, m->seq);
	frame_put_h16(&f, (uint16_t)siglen);
	frame_put(&f, sig, siglen);
	explicit_bzero(sig, sizeof(sig));
	return answer(k, &f);
}

/*
 * First use only for a server nothing vouches for: no entry of its own
 * and no CA root for every server (the client refuses first use then
 * too; the helper must not rely on the client to say so).
 */
static int
has_trust_entry(const struct kdb *db, const char *server)
{
	size_t i;

	for (i = 0; i < db->n; i++)
		if (trusted_for(&db->e[i], server))
			return 1;
	return 0;
}

/*
 * Another session of this database pinned the very certificate this one
 * was asked to, between this helper's start and its lock (two first uses
 * of one server at once): that pin is this session's too, proved the
 * same way. A different certificate stays refused (KEYD_FAIL_EXISTS).
 */
static const struct kdb_entry *
same_pin(const struct kdb *db, const char *server, const uint8_t *der,
    size_t len)
{
	size_t i;

	for (i = 0; i < db->n; i++)
		if (db->e[i].kind == KDB_PINNED &&
		    strcmp(db->e[i].server, server) == 0 &&
		    db->e[i].len == len && memcmp(db->e[i].data, der, len) == 0)
			return &db->e[i];
	return NULL;
}

/*
 * The dates of an ACCEPT come from the network process, which may lie,
 * and the helper does not parse the certificate to check them (it parses
 * no peer bytes). So it bounds what it is told: instants an RFC 5280 time
 * can name, not before no later than not after, and valid now, or the
 * client's policy would have refused the certificate before asking.
 * Readers take the dates from the certificate itself.
 */
static int
dates_sane(int64_t nb, int64_t na, int64_t now)
{
	return nb >= X509_TIME_MIN && na <= X509_TIME_MAX && nb <= na &&
	    nb <= now && now <= na;
}

/*
 * ACCEPT: trust on first use. The certificate is an opaque blob here (the
 * helper never parses peer bytes); the dates are bounded, and stored for
 * bulwark-cert -verify to hold against the certificate's own.
 */
int
keyd_answer_accept(struct keyd *k, struct msg *m)
{
	char label[KEYD_LABEL_MAX + 1], fpr[BWK_FPR_STRLEN];
	uint32_t len, nb_hi, nb_lo, na_hi, na_lo;
	int64_t nb, na;
	const uint8_t *der;
	const struct kdb_entry *had;
	int meanwhile = 0;
	struct kdb_entry e;
	struct kdb fresh;
	struct stash st;
	struct frame f;
	uint32_t fail = 0;

	if (msg_get_label(m, label) == -1 || msg_get_h32(m, &nb_hi) == -1 ||
	    msg_get_h32(m, &nb_lo) == -1 || msg_get_h32(m, &na_hi) == -1 ||
	    msg_get_h32(m, &na_lo) == -1 || msg_get_h32(m, &len) == -1 ||
	    len == 0 || len > KDB_DATA_MAX || msg_ref(m, len, &der) == -1 ||
	    msg_end(m) == -1 || !keyd_bound(k, label))
		return -1;
	nb = (int64_t)((uint64_t)nb_hi << 32 | nb_lo);
	na = (int64_t)((uint64_t)na_hi << 32 | na_lo);
	if (!dates_sane(nb, na, bwk_now())) {
		bwk_msg("BWK0545E", "an ACCEPT with validity dates no certificate "
		    "the client accepts now can have (not before %lld, not after "
		    "%lld); stopping", (long long)nb, (long long)na);
		return -1;
	}
	if (!k->accept_first_use || !k->store_ok || k->system_ca)
		return answer_fail(k, m->seq, KEYD_FAIL_REFUSED);
	if (has_trust_entry(&k->db, label))
		return answer_fail(k, m->seq, KEYD_FAIL_EXISTS);

	memset(&e, 0, sizeof(e));
	e.kind = KDB_PINNED;
	e.origin = KDB_FROM_SERVER;
	snprintf(e.label, sizeof(e.label), "%s", label);
	snprintf(e.server, sizeof(e.server), "%s", label);
	e.added = bwk_now();
	e.not_before = nb;
	e.not_after = na;
	if (wc_Sha256Hash(der, len, e.fpr) != 0)
		return answer_fail(k, m->seq, KEYD_FAIL_CRYPTO);

	/*
	 * Under the lock, on the database as it is now, not as it was; and
	 * all of it well before the client stops waiting for the answer.
	 */
	k->store.lock_wait_ms = KEYD_LOCK_WAIT_MS;
	k->store.commit_by = bwk_mono_ms() + KEYD_ACCEPT_MS;
	if (store_lock(&k->store) == -1)
		return answer_fail(k, m->seq, KEYD_FAIL_STORE);
	if (store_load(&k->store, &fresh, &st) == -1) {
		store_unlock(&k->store);
		return answer_fail(k, m->seq, KEYD_FAIL_STORE);
	}
	if ((had = same_pin(&fresh, label, der, len)) != NULL) {
		memcpy(e.fpr, had->fpr, sizeof(e.fpr));
		meanwhile = 1;
	} else if (has_trust_entry(&fresh, label) ||
	    kdb_find_label(&fresh, label) != -1)
		fail = KEYD_FAIL_EXISTS;
	else if ((e.data = malloc(len)) == NULL)
		fail = KEYD_FAIL_STORE;
	else {
		memcpy(e.data, der, len);
		e.len = len;
		if (kdb_append(&fresh, &e) == -1) {
			free(e.data);
			fail = KEYD_FAIL_STORE;
		} else if (store_save(&k->store, &fresh, &st) != 0)
			fail = KEYD_FAIL_STORE;
	}
	kdb_free(&fresh);
	stash_wipe(&st);
	store_unlock(&k->store);
	if (fail != 0)
		return answer_fail(k, m->seq, fail);
	bwk_fpr_format(e.fpr, fpr);
	if (meanwhile)
		bwk_msg("BWK0569I", "audit: the certificate server %s showed on "
		    "first use was pinned meanwhile by another session, the same "
		    "certificate, SHA-256 %s", label, fpr);
	else
		bwk_msg("BWK0523I", "audit: pinned the certificate server %s "
		    "showed on first use, SHA-256 %s", label, fpr);
	frame_init(&f, KEYD_ANS_ACCEPT, m->seq);
	frame_put(&f, e.fpr, sizeof(e.fpr));
	return answer(k, &f);
}

/*
 * The permits, made from KEYD_REQUESTS (src/lib/proto.h), like OpenSSH's
 * mon_table: the one place that says what a request needs, what it
 * spends and what it refills. No handler checks a permit of its own.
 */
struct keyd_permit {
	uint16_t	 type;
	const char	*name;
	enum keyd_state	 needs;
	enum keyd_budget spends;
	enum keyd_budget refills;
	enum keyd_state	 then;
	int		(*answer)(struct keyd *, struct msg *);
};

static const struct keyd_permit dispatch[] = {
#define KEYD_PERMIT(N, n, num, needs, spends, refills, then)		\
	{ KEYD_REQ_##N, #N, KS_##needs, KB_##spends, KB_##refills,	\
	    KS_##then, keyd_answer_##n },
	KEYD_REQUESTS(KEYD_PERMIT)
#undef KEYD_PERMIT
};

/*
 * What each budget holds at start and after a refill. A session makes a
 * handshake or a few (reconnects), not a stream of them, and each
 * handshake signs once: a network process that is not ours gets at most
 * KEYD_MAX_BEGINS signatures out of its helper.
 */
static const struct {
	int	start;
	int	full;
} budgets[KB_N] = {
	[KB_BEGINS]	= { KEYD_MAX_BEGINS, KEYD_MAX_BEGINS },
	[KB_SIGNS]	= { 0, 1 },
	[KB_ACCEPTS]	= { 1, 1 },
	[KB_PROOFS]	= { 1, 1 },
	[KB_VERIFIES]	= { 0, 1 },
	[KB_NEWPWS]	= { 0, 1 },
	[KB_COMMITS]	= { 0, 1 },
	[KB_RENEWS]	= { 1, 1 },
	[KB_PINS]	= { 1, 1 },
	[KB_PROVES]	= { 1, 1 },
};

static const char *
state_name(enum keyd_state s)
{
	return s == KS_START ? "before the opening HELLO" :
	    "after the opening HELLO";
}

/* Says why an empty budget refuses the request: each has its own ID. */
static void
refuse_spent(const struct keyd_permit *p)
{
	switch (p->spends) {
	case KB_BEGINS:
		bwk_msg("BWK0508E", "more than %d handshakes in one session; "
		    "stopping", KEYD_MAX_BEGINS);
		break;
	case KB_SIGNS:
		bwk_msg("BWK0516E", "request %u (%s) is not permitted now "
		    "(one signature per handshake, after BEGIN); stopping",
		    p->type, p->name);
		break;
	case KB_ACCEPTS:
		bwk_msg("BWK0514E", "a second ACCEPT in one session; stopping");
		break;
	case KB_PROOFS:
		bwk_msg("BWK0516E", "request %u (%s) is not permitted: the "
		    "client did not start this helper to sign on, or the "
		    "session already signed on once; stopping", p->type,
		    p->name);
		break;
	case KB_RENEWS:
	case KB_PINS:
		bwk_msg("BWK0516E", "request %u (%s) is not permitted: a "
		    "server's helper pins nothing, and a client's changes one "
		    "pin of each kind per session; stopping", p->type, p->name);
		break;
	case KB_PROVES:
		bwk_msg("BWK0516E", "request %u (%s) is not permitted: this "
		    "helper holds no standby key, or proved it once in this "
		    "session; stopping", p->type, p->name);
		break;
	default:
		bwk_msg("BWK0516E", "request %u (%s) is not permitted now; "
		    "stopping", p->type, p->name);
		break;
	}
}

/* The one permit check: the state it needs, and budget left to spend. */
static int
permitted(const struct keyd *k, const struct keyd_permit *p)
{
	if (k->state != p->needs) {
		bwk_msg("BWK0516E", "request %u (%s) is not permitted %s; "
		    "stopping", p->type, p->name, state_name(k->state));
		return 0;
	}
	if (p->spends != KB_NONE && k->budget[p->spends] <= 0) {
		refuse_spent(p);
		return 0;
	}
	return 1;
}

static const struct keyd_permit *
permit_for(uint16_t type)
{
	size_t i;

	for (i = 0; i < sizeof(dispatch) / sizeof(dispatch[0]); i++)
		if (dispatch[i].type == type)
			return &dispatch[i];
	return NULL;
}

/*
 * Spent before the handler runs, whatever it answers: a SIGN that gets a
 * failure answer has used its handshake's signature. A handler that
 * fails ends the helper, so nothing is ever spent for a request that
 * was not taken.
 */
static void
spend(struct keyd *k, const struct keyd_permit *p)
{
	if (p->spends != KB_NONE)
		k->budget[p->spends]--;
	if (p->refills != KB_NONE)
		k->budget[p->refills] = budgets[p->refills].full;
}

int
keyd_dispatch(struct keyd *k, const uint8_t *buf, size_t len)
{
	const struct keyd_permit *p;
	struct msg m;

	if (msg_parse(buf, len, &m) == -1) {
		bwk_msg("BWK0515E", "a malformed frame (%zu bytes); stopping",
		    len);
		return -1;
	}
	/* requests are numbered 1, 2, 3...: a replayed or skipped one is not ours */
	if (m.seq != k->seq + 1) {
		bwk_msg("BWK0509E", "request number %u where %u was due; "
		    "stopping", m.seq, k->seq + 1);
		return -1;
	}
	k->seq = m.seq;
	if ((p = permit_for(m.type)) == NULL) {
		bwk_msg("BWK0518E", "unknown request type %u; stopping", m.type);
		return -1;
	}
	if (!permitted(k, p))
		return -1;
	spend(k, p);
	if (p->answer(k, &m) == -1) {
		bwk_msg("BWK0517E", "request %u (%s) was malformed or could "
		    "not be answered; stopping", p->type, p->name);
		return -1;
	}
	k->state = p->then;
	return 0;
}

int
keyd_init(struct keyd *k)
{
	int b;

	k->state = KS_START;
	for (b = 0; b < KB_N; b++)
		k->budget[b] = budgets[b].start;
	/* a session that does not sign on has no proof to ask for */
	if (!k->sign_on)
		k->budget[KB_PROOFS] = 0;
	/* a server's helper pins nothing; a client's proves no standby */
	if (k->serve)
		k->budget[KB_RENEWS] = k->budget[KB_PINS] = 0;
	if (wc_InitRng(&k->rng) != 0) {
		bwk_msg("BWK0554E", "cannot set up %s for the client key; "
		    "stopping", "the random number generator");
		return -1;
	}
	if (keyd_load_client_key(k) == -1 || keyd_load_standby(k) == -1)
		return -1;
	if (k->standby.type == 0)
		k->budget[KB_PROVES] = 0;
	return 0;
}

void
keyd_free(struct keyd *k)
{
	keyd_free_client_key(k);
	explicit_bzero(&k->scram, sizeof(k->scram));
	explicit_bzero(k->admin_pw, sizeof(k->admin_pw));
	k->admin_pw_len = 0;
	wc_FreeRng(&k->rng);
	kdb_free(&k->db);
}
