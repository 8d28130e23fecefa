/*
 * Sign-on's secret step, in the helper: the node password never leaves
 * it (docs/scram.md). SCRAM_PROOF re-parses the three messages the
 * network process hands over (it may be hostile), refuses a weak
 * iteration count, channel binding that is not the exporter's 32 bytes,
 * a node other than the stored one, and a salt or count other than the
 * ones this server used before; then it answers the ClientProof and keeps
 * the ServerSignature it expects. SCRAM_VERIFY checks the server's
 * signature: a server that does not know the node's verifier is caught
 * here, and only then are its salt and count remembered.
 *
 * bulwark admin's helper (--admin) signs on with the administrator's
 * password instead, read from its pipe at start and wiped after the one
 * proof; it neither checks nor remembers salt and count.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/msg.h"
#include "../lib/scram.h"
#include "../lib/util.h"
#include "keyd.h"

/* KDB_SCRAM_SEEN: u8 n, the salt, u32 count; then, once a sign-on with
 * the stored password was proved, its ClientKey, ServerKey and the tag
 * of that password (docs/kdb-format.md) */
#define SEEN_KEYS_LEN	(3 * SCRAM_HASH_LEN)
#define SEEN_LEN_MAX	(1 + SCRAM_SALT_MAX + 4 + SEEN_KEYS_LEN)

static int
answer(struct keyd *k, struct frame *f)
{
	if (frame_finish(f) == -1)
		return -1;
	return k->send(k->send_arg, f);
}

static int
fail(struct keyd *k, uint32_t seq, uint32_t reason)
{
	struct frame f;

	frame_init(&f, KEYD_ANS_FAIL, seq);
	frame_put_h32(&f, reason);
	return answer(k, &f);
}

/* A stored node password (kind KDB_NODE_PASSWORD, or the one being
 * changed to, KDB_NODE_PASSWORD_NEXT): u8 n, the node name, the password. */
static int
node_password(const struct keyd *k, int kind, const char **node,
    size_t *nlen, const uint8_t **pw, size_t *pwlen)
{
	const struct kdb_entry *e = keyd_kdb_find(&k->db, kind, k->server);

	if (e == NULL || e->len < 2 || (size_t)e->data[0] + 1 >= e->len)
		return -1;
	*node = (const char *)e->data + 1;
	*nlen = e->data[0];
	*pw = e->data + 1 + e->data[0];
	*pwlen = e->len - 1 - e->data[0];
	return 0;
}

/* What this server's salt and count were at the last sign-on, if known;
 * with keys (not NULL), the keys kept with them, or keys->valid 0. */
static int
seen_params(const struct kdb *db, const char *server, struct scram_params *p,
    struct scram_keys *keys, uint8_t tag[SCRAM_HASH_LEN])
{
	const struct kdb_entry *e = keyd_kdb_find(db, KDB_SCRAM_SEEN, server);
	size_t base;

	if (keys != NULL)
		explicit_bzero(keys, sizeof(*keys));
	if (e == NULL)
		return 0;
	if (e->len < 1 + SCRAM_SALT_MIN + 4 || e->len > SEEN_LEN_MAX ||
	    e->data[0] < SCRAM_SALT_MIN || e->data[0] > SCRAM_SALT_MAX)
		return -1;
	base = 1 + (size_t)e->data[0] + 4;
	if (e->len != base && e->len != base + SEEN_KEYS_LEN)
		return -1;
	memset(p, 0, sizeof(*p));
	p->salt_len = e->data[0];
	memcpy(p->salt, e->data + 1, p->salt_len);
	p->iter = bwk_get_n32(e->data + 1 + p->salt_len);
	if (keys != NULL && e->len == base + SEEN_KEYS_LEN) {
		keys->p = *p;
		memcpy(keys->client_key, e->data + base, SCRAM_HASH_LEN);
		memcpy(keys->server_key, e->data + base + SCRAM_HASH_LEN,
		    SCRAM_HASH_LEN);
		memcpy(tag, e->data + base + 2 * SCRAM_HASH_LEN, SCRAM_HASH_LEN);
		keys->valid = 1;
	}
	return 1;
}

/*
 * The tag of a password that keys are kept for: SHA-256 of a label and
 * the password. Inside the encrypted database, beside the password
 * itself; it says whether the kept keys are still this password's after
 * bulwark-cert -nodepw replaced it.
 */
static int
password_tag(const uint8_t *pw, size_t pwlen, uint8_t tag[SCRAM_HASH_LEN])
{
	static const char label[] = "bulwark SCRAM keys of a password";
	uint8_t buf[sizeof(label) + SCRAM_PASSWORD_MAX];
	int r;

	if (pwlen > SCRAM_PASSWORD_MAX)
		return -1;
	memcpy(buf, label, sizeof(label));
	memcpy(buf + sizeof(label), pw, pwlen);
	r = bwk_sha256(buf, sizeof(label) + pwlen, tag);
	explicit_bzero(buf, sizeof(buf));
	return r == 0 ? 0 : -1;
}

static int
same_tag(const uint8_t *a, const uint8_t *b)
{
	uint8_t d = 0;
	size_t i;

	for (i = 0; i < SCRAM_HASH_LEN; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

static int
get_text(struct msg *m, const char **p, size_t *n)
{
	uint16_t len;

	if (msg_get_h16(m, &len) == -1 || len == 0 || len > SCRAM_MSG_MAX ||
	    msg_ref(m, len, (const uint8_t **)p) == -1)
		return -1;
	*n = len;
	return 0;
}

/*
 * Whose password signs this exchange on: bulwark admin's, read at start,
 * for its administrator; a node password the database stores (kind); or,
 * under PASSWORDACCESS PROMPT when it stores none, the one bulwark typed
 * into the pipe, read now.
 */
static int
signer(struct keyd *k, int kind, const char **name, size_t *nlen,
    const uint8_t **pw, size_t *pwlen)
{
	const char *who = k->admin;

	if (k->admin[0] == '\0') {
		if (node_password(k, kind, name, nlen, pw, pwlen) == 0)
			return 0;
		if (kind != KDB_NODE_PASSWORD || !k->prompt ||
		    keyd_read_typed(k, 1) != 0)
			return -1;
		k->typed = 1;
		who = k->typed_node;
	}
	if (k->admin_pw_len == 0)
		return -1;	/* spent: one proof per helper */
	*name = who;
	*nlen = strlen(who);
	*pw = k->admin_pw;
	*pwlen = k->admin_pw_len;
	return 0;
}

static int
refuse(struct keyd *k, uint32_t seq, uint32_t reason)
{
	explicit_bzero(&k->scram, sizeof(k->scram));
	return fail(k, seq, reason);
}

/* The name in the exchange is the signer's, and no other. */
static int
same_user(const struct keyd *k, const char *name, size_t nlen)
{
	if (strlen(k->scram.proof.user) == nlen &&
	    strncasecmp(k->scram.proof.user, name, nlen) == 0)
		return 1;
	if (k->admin[0] != '\0')
		bwk_msg("BWK1341W", "audit: refused to sign on to server %s as "
		    "another administrator than %s", k->server, k->admin);
	else if (k->typed)
		bwk_msg("BWK0555W", "audit: refused to sign on to server %s as "
		    "a node other than %s, whose password was typed", k->server,
		    k->typed_node);
	else
		bwk_msg("BWK0555W", "audit: refused to sign on to server %s as "
		    "a node other than the one stored for it", k->server);
	return 0;
}

/* The proof with the signer's password; SCRAM_OK or the reason. */
static int
proof_with(struct keyd *k, int kind, const char *cfb, size_t cfbn,
    const char *sf, size_t sfn, const char *cfn, size_t cfnn, int *no_key)
{
	const char *name;
	const uint8_t *pw;
	size_t nlen, pwlen;
	int r;

	struct scram_keys kept;
	struct scram_params seen;
	uint8_t tag[SCRAM_HASH_LEN], kept_tag[SCRAM_HASH_LEN];
	int cache;

	*no_key = 0;
	if (signer(k, kind, &name, &nlen, &pw, &pwlen) == -1) {
		*no_key = 1;
		return SCRAM_E_ARG;
	}
	/* the stored password's keys only: not a typed one, nor an
	 * administrator's, nor the one being changed to */
	cache = k->admin[0] == '\0' && !k->typed && kind == KDB_NODE_PASSWORD &&
	    password_tag(pw, pwlen, tag) == 0;
	explicit_bzero(&kept, sizeof(kept));
	if (cache && (seen_params(&k->db, k->server, &seen, &kept,
	    kept_tag) != 1 || !same_tag(tag, kept_tag)))
		explicit_bzero(&kept, sizeof(kept));
	r = scram_client_proof_keys(pw, pwlen, cache ? &kept : NULL,
	    cache ? &k->scram.fresh : NULL, &k->scram.cache_used, cfb, cfbn,
	    sf, sfn, cfn, cfnn, 0, &k->scram.proof);
	explicit_bzero(&kept, sizeof(kept));
	if (cache)
		memcpy(k->scram.fresh_tag, tag, sizeof(tag));
	explicit_bzero(tag, sizeof(tag));
	if (r == SCRAM_OK && !same_user(k, name, nlen)) {
		*no_key = 1;
		r = SCRAM_E_ARG;
	}
	return r;
}

/*
 * Held to the salt and count of the node's last sign-on: 1 when they
 * changed. A new salt is expected in one case: a password change that the
 * server stored but this database did not finish (the session ended
 * between the two). The new password waits as KDB_NODE_PASSWORD_NEXT,
 * and the server's new salt says it is the one it knows. An
 * administrator's are not remembered: the name changes with every -id,
 * and an administrator's password is typed, not stored for the server.
 */
static int
params_changed(struct keyd *k, const char *cfb, size_t cfbn, const char *sf,
    size_t sfn, const char *cfn, size_t cfnn, int *known)
{
	struct scram_params seen;
	int r, no_key;

	*known = 0;
	if (k->admin[0] != '\0' || k->typed)
		return 0;
	*known = seen_params(&k->db, k->server, &seen, NULL, NULL);
	if (*known == 1 && scram_params_differ(&k->scram.proof.p, &seen) &&
	    keyd_kdb_find(&k->db, KDB_NODE_PASSWORD_NEXT, k->server) != NULL) {
		r = proof_with(k, KDB_NODE_PASSWORD_NEXT, cfb, cfbn, sf, sfn,
		    cfn, cfnn, &no_key);
		if (r == SCRAM_OK && !no_key) {
			k->scram.use_next = 1;
			*known = 0;	/* its salt and count are remembered */
			/* the keys are the old password's: not kept */
			explicit_bzero(&k->scram.fresh, sizeof(k->scram.fresh));
		}
	}
	if (*known == -1 || (*known == 1 &&
	    scram_params_differ(&k->scram.proof.p, &seen))) {
		bwk_msg("BWK0556W", "audit: refused to sign on to server %s: its "
		    "salt or iteration count differs from the last sign-on's",
		    k->server);
		return 1;
	}
	return 0;
}

int
keyd_answer_scram_proof(struct keyd *k, struct msg *m)
{
	char label[KEYD_LABEL_MAX + 1];
	const char *cfb, *sf, *cfn;
	size_t cfbn, sfn, cfnn;
	struct frame f;
	int r, known, no_key;

	if (msg_get_label(m, label) == -1 || get_text(m, &cfb, &cfbn) == -1 ||
	    get_text(m, &sf, &sfn) == -1 || get_text(m, &cfn, &cfnn) == -1 ||
	    msg_end(m) == -1 || !keyd_bound(k, label))
		return -1;
	explicit_bzero(&k->scram, sizeof(k->scram));
	r = proof_with(k, KDB_NODE_PASSWORD, cfb, cfbn, sf, sfn, cfn, cfnn,
	    &no_key);
	/* the typed password has done its one use, whatever the outcome */
	explicit_bzero(k->admin_pw, sizeof(k->admin_pw));
	k->admin_pw_len = 0;
	if (no_key)
		return refuse(k, m->seq, KEYD_FAIL_NO_KEY);
	if (r != SCRAM_OK) {
		bwk_msg("BWK0555W", "audit: refused to sign on to server %s: %s",
		    k->server, scram_strerror(r));
		return refuse(k, m->seq, KEYD_FAIL_REFUSED);
	}
	if (params_changed(k, cfb, cfbn, sf, sfn, cfn, cfnn, &known))
		return refuse(k, m->seq, KEYD_FAIL_CHANGED);
	k->scram.pending = 1;
	k->scram.remember = known == 0 && k->admin[0] == '\0' && !k->typed;
	frame_init(&f, KEYD_ANS_SCRAM_PROOF, m->seq);
	frame_put(&f, k->scram.proof.client_proof, SCRAM_HASH_LEN);
	return answer(k, &f);
}

/* The salt and count as KDB_SCRAM_SEEN's data: u8 n, salt, u32 count. */
static size_t
seen_data(const struct scram_params *p, uint8_t out[SEEN_LEN_MAX])
{
	out[0] = (uint8_t)p->salt_len;
	memcpy(out + 1, p->salt, p->salt_len);
	bwk_put_n32(out + 1 + p->salt_len, p->iter);
	return 1 + p->salt_len + 4;
}

struct seen_edit {
	const char		*server;
	const struct scram_params *p;
	int			 replace;	/* a changed password's */
};

static int
edit_seen(struct kdb *db, void *arg)
{
	const struct seen_edit *se = arg;
	uint8_t data[SEEN_LEN_MAX];
	size_t n;

	if (!se->replace && keyd_kdb_find(db, KDB_SCRAM_SEEN, se->server) != NULL)
		return 1;	/* another session remembered first */
	keyd_kdb_drop(db, KDB_SCRAM_SEEN, se->server);
	n = seen_data(se->p, data);
	return keyd_kdb_add(db, KDB_SCRAM_SEEN, KDB_FROM_SERVER, se->server,
	    data, n);
}

/* The server's salt and count, remembered under the writers' lock. */
int
keyd_remember_params(struct keyd *k, const struct scram_params *p,
    int replace)
{
	struct seen_edit se = { k->server, p, replace };

	if (!k->store_ok)
		return 0;	/* a read-only database: the floor is all */
	return keyd_store_edit(k, edit_seen, &se);
}

/*
 * Kept keys can only be wrong where the password is too: they are used
 * only for the password of their tag, and a server that changed the
 * verifier for it refuses both alike. So they are replaced, never
 * dropped on a refusal.
 */
struct keys_edit {
	const char		*server;
	const struct scram_keys	*keys;
	const uint8_t		*tag;
};

/* The SEEN entry of the same salt and count, now with the keys. */
static int
edit_keys(struct kdb *db, void *arg)
{
	const struct keys_edit *ke = arg;
	struct scram_params seen;
	struct scram_keys old;
	uint8_t data[SEEN_LEN_MAX], tag[SCRAM_HASH_LEN];
	size_t n;
	int r;

	r = seen_params(db, ke->server, &seen, &old, tag);
	explicit_bzero(&old, sizeof(old));
	explicit_bzero(tag, sizeof(tag));
	if (r != 1 || scram_params_differ(&ke->keys->p, &seen))
		return 1;	/* not this salt and count: not ours to keep */
	n = seen_data(&seen, data);
	memcpy(data + n, ke->keys->client_key, SCRAM_HASH_LEN);
	memcpy(data + n + SCRAM_HASH_LEN, ke->keys->server_key, SCRAM_HASH_LEN);
	memcpy(data + n + 2 * SCRAM_HASH_LEN, ke->tag, SCRAM_HASH_LEN);
	n += SEEN_KEYS_LEN;
	keyd_kdb_drop(db, KDB_SCRAM_SEEN, ke->server);
	r = keyd_kdb_add(db, KDB_SCRAM_SEEN, KDB_FROM_SERVER, ke->server,
	    data, n);
	explicit_bzero(data, sizeof(data));
	return r;
}

int
keyd_keep_keys(struct keyd *k)
{
	struct keys_edit ke = { k->server, &k->scram.fresh,
	    k->scram.fresh_tag };

	if (!k->store_ok)
		return 0;
	return keyd_store_edit(k, edit_keys, &ke) == -1 ? -1 : 0;
}

int
keyd_answer_scram_verify(struct keyd *k, struct msg *m)
{
	struct scram_server_final sfin;
	const char *msg;
	size_t n;
	struct frame f;
	int r;

	if (get_text(m, &msg, &n) == -1 || msg_end(m) == -1)
		return -1;
	if (!k->scram.pending) {
		bwk_msg("BWK0557E", "a SCRAM_VERIFY without its proof; stopping");
		return -1;
	}
	k->scram.pending = 0;
	r = scram_server_final_parse(msg, n, &sfin);
	if (r == SCRAM_OK)
		r = scram_server_sig_check(k->scram.proof.server_sig, &sfin);
	if (r != SCRAM_OK) {
		if (k->admin[0] != '\0')
			bwk_msg("BWK1343W", "audit: server %s did not prove that "
			    "it knows administrator %s's verifier: %s", k->server,
			    k->admin, scram_strerror(r));
		else
			bwk_msg("BWK0555W", "audit: server %s did not prove that "
			    "it knows the node's verifier: %s", k->server,
			    scram_strerror(r));
		return refuse(k, m->seq, r == SCRAM_E_SERVER_ERR ?
		    KEYD_FAIL_REFUSED : KEYD_FAIL_CRYPTO);
	}
	k->signed_on = 1;
	if (k->scram.use_next)
		(void)keyd_password_promote(k, &k->scram.proof.p, 1);
	else {
		if (k->scram.remember &&
		    keyd_remember_params(k, &k->scram.proof.p, 0) == -1)
			bwk_msg("BWK0558W", "could not remember server %s's salt "
			    "and iteration count; the next sign-on checks only "
			    "the floor", k->server);
		/* the keys this proof derived, kept for the next sign-on; a
		 * database that cannot take them costs only the PBKDF2 */
		if (k->scram.fresh.valid && keyd_keep_keys(k) == -1)
			bwk_msg("BWK0571W", "could not keep the keys of server "
			    "%s's sign-on; the next one derives them from the "
			    "password again", k->server);
	}
	if (k->admin[0] != '\0')
		bwk_msg("BWK1340I", "audit: signed on to server %s as "
		    "administrator %s (SCRAM-SHA-256-PLUS, tls-exporter); the "
		    "server proved it knows the administrator's verifier",
		    k->server, k->scram.proof.user);
	else
		bwk_msg("BWK0524I", "audit: signed on to server %s as node %s "
		    "(SCRAM-SHA-256-PLUS, tls-exporter); the server proved it "
		    "knows the node's verifier", k->server, k->scram.proof.user);
	explicit_bzero(&k->scram, sizeof(k->scram));
	frame_init(&f, KEYD_ANS_SCRAM_VERIFY, m->seq);
	return answer(k, &f);
}
