/*
 * A node password changed by the helper (PASSWORDACCESS GENERATE, or
 * `bulwark set password`): the helper makes it, keeps it, and gives the
 * network process only its SCRAM verifier to hand to the server. The new
 * password never leaves the helper.
 *
 * The change has two writers that cannot commit together: the server's
 * catalog and this key database. So the new password is written first,
 * beside the old one (KDB_NODE_PASSWORD_NEXT), before the network process
 * gets the verifier; when the server has said it stored it,
 * COMMIT_PASSWORD makes it the node's password. If the session ends in
 * between, the next sign-on finds the server asking with a new salt, and
 * that new password waiting: it signs on with it and finishes the change
 * (keyd_answer_scram_proof). Either way nothing is lost: the node can
 * always sign on with one of the two.
 */
#include <stdio.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/random.h>

#include "../lib/msg.h"
#include "../lib/scram.h"
#include "../lib/util.h"
#include "keyd.h"

/* 32 random bytes as 64 hex digits: no one types it, and no one needs
 * to, so it can be as long as a guess must be hard. */
#define NEWPW_RANDOM	32
#define NEWPW_LEN	(2 * NEWPW_RANDOM)

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

struct pw_edit {
	const char	*server;
	const uint8_t	*data;		/* the nodepw entry's data */
	size_t		 len;
	const struct scram_params *p;
};

/* The new password beside the old one, replacing any earlier attempt. */
static int
edit_next(struct kdb *db, void *arg)
{
	const struct pw_edit *pe = arg;

	keyd_kdb_drop(db, KDB_NODE_PASSWORD_NEXT, pe->server);
	return keyd_kdb_add(db, KDB_NODE_PASSWORD_NEXT, KDB_FROM_SERVER,
	    pe->server, pe->data, pe->len);
}

/* The new password becomes the node's; its salt and count the ones to
 * hold the server to. One edit: a database with the new password as the
 * node's and the old salt remembered never exists. */
static int
edit_promote(struct kdb *db, void *arg)
{
	const struct pw_edit *pe = arg;
	const struct kdb_entry *next;
	uint8_t seen[1 + SCRAM_SALT_MAX + 4];
	uint8_t data[sizeof(((struct keyd *)0)->newpw.data)];
	size_t n;
	int r;

	if (pe->data == NULL) {
		next = keyd_kdb_find(db, KDB_NODE_PASSWORD_NEXT, pe->server);
		if (next == NULL || next->len > sizeof(data))
			return -1;
		n = next->len;
		memcpy(data, next->data, n);
	} else {
		n = pe->len;
		memcpy(data, pe->data, n);
	}
	keyd_kdb_drop(db, KDB_NODE_PASSWORD, pe->server);
	keyd_kdb_drop(db, KDB_NODE_PASSWORD_NEXT, pe->server);
	keyd_kdb_drop(db, KDB_SCRAM_SEEN, pe->server);
	seen[0] = (uint8_t)pe->p->salt_len;
	memcpy(seen + 1, pe->p->salt, pe->p->salt_len);
	bwk_put_n32(seen + 1 + pe->p->salt_len, pe->p->iter);
	r = keyd_kdb_add(db, KDB_NODE_PASSWORD, KDB_FROM_SERVER, pe->server,
	    data, n) == -1 || keyd_kdb_add(db, KDB_SCRAM_SEEN,
	    KDB_FROM_SERVER, pe->server, seen, 1 + pe->p->salt_len + 4) == -1 ?
	    -1 : 0;
	explicit_bzero(data, sizeof(data));
	return r;
}

int
keyd_password_promote(struct keyd *k, const struct scram_params *p,
    int recovered)
{
	struct pw_edit pe = { k->server, NULL, 0, p };

	if (!recovered) {
		pe.data = k->newpw.data;
		pe.len = k->newpw.len;
	}
	if (keyd_store_edit(k, edit_promote, &pe) == -1) {
		bwk_msg("BWK0561E", "could not store the new password of the "
		    "node for server %s; it waits beside the old one, and the "
		    "next sign-on finishes the change", k->server);
		return -1;
	}
	bwk_msg("BWK0525I", "audit: %s the password of the node for server "
	    "%s: a new random one, whose verifier the server holds",
	    recovered ? "finished changing" : "changed", k->server);
	return 0;
}

/* The node's name, from its stored password entry. */
static int
node_name(const struct keyd *k, char out[KDB_LABEL_MAX + 1])
{
	const struct kdb_entry *e = keyd_kdb_find(&k->db, KDB_NODE_PASSWORD,
	    k->server);

	if (e == NULL || e->len < 2 || (size_t)e->data[0] + 1 >= e->len ||
	    e->data[0] > KDB_LABEL_MAX)
		return -1;
	memcpy(out, e->data + 1, e->data[0]);
	out[e->data[0]] = '\0';
	return 0;
}

/* A fresh password in the nodepw entry's form: u8 n, node, password. */
static int
make_password(struct keyd *k, const char *node)
{
	uint8_t raw[NEWPW_RANDOM];
	size_t nl = strlen(node);

	if (wc_RNG_GenerateBlock(&k->rng, raw, sizeof(raw)) != 0)
		return -1;
	k->newpw.data[0] = (uint8_t)nl;
	memcpy(k->newpw.data + 1, node, nl);
	bwk_hex(raw, sizeof(raw), (char *)k->newpw.data + 1 + nl);
	k->newpw.len = 1 + nl + NEWPW_LEN;
	explicit_bzero(raw, sizeof(raw));
	return 0;
}

int
keyd_answer_new_password(struct keyd *k, struct msg *m)
{
	char label[KEYD_LABEL_MAX + 1], node[KDB_LABEL_MAX + 1];
	struct scram_verifier v;
	struct pw_edit pe;
	struct frame f;
	size_t nl;
	int r;

	if (msg_get_label(m, label) == -1 || msg_end(m) == -1 ||
	    !keyd_bound(k, label))
		return -1;
	/*
	 * only a session whose server proved it holds the node's verifier;
	 * never bulwark admin's, whose sign-on was the administrator's
	 */
	if (!k->signed_on || k->admin[0] != '\0' || !k->store_ok ||
	    node_name(k, node) == -1)
		return fail(k, m->seq, KEYD_FAIL_REFUSED);
	explicit_bzero(&k->newpw, sizeof(k->newpw));
	nl = strlen(node);
	if (make_password(k, node) == -1 ||
	    scram_verifier_make(k->newpw.data + 1 + nl, NEWPW_LEN,
	    SCRAM_ITER_DEFAULT, 0, &v) != SCRAM_OK) {
		explicit_bzero(&k->newpw, sizeof(k->newpw));
		return fail(k, m->seq, KEYD_FAIL_CRYPTO);
	}
	pe = (struct pw_edit){ k->server, k->newpw.data, k->newpw.len, &v.p };
	if ((r = keyd_store_edit(k, edit_next, &pe)) == -1) {
		explicit_bzero(&k->newpw, sizeof(k->newpw));
		explicit_bzero(&v, sizeof(v));
		return fail(k, m->seq, KEYD_FAIL_STORE);
	}
	k->newpw.p = v.p;
	k->newpw.pending = 1;
	frame_init(&f, KEYD_ANS_NEW_PASSWORD, m->seq);
	frame_put_u8(&f, (uint8_t)v.p.salt_len);
	frame_put(&f, v.p.salt, v.p.salt_len);
	frame_put_h32(&f, v.p.iter);
	frame_put(&f, v.stored_key, SCRAM_HASH_LEN);
	frame_put(&f, v.server_key, SCRAM_HASH_LEN);
	explicit_bzero(&v, sizeof(v));
	return answer(k, &f);
}

int
keyd_answer_commit_password(struct keyd *k, struct msg *m)
{
	char label[KEYD_LABEL_MAX + 1];
	struct frame f;
	int r;

	if (msg_get_label(m, label) == -1 || msg_end(m) == -1 ||
	    !keyd_bound(k, label))
		return -1;
	if (!k->newpw.pending)
		return fail(k, m->seq, KEYD_FAIL_REFUSED);
	r = keyd_password_promote(k, &k->newpw.p, 0);
	explicit_bzero(&k->newpw, sizeof(k->newpw));
	if (r == -1)
		return fail(k, m->seq, KEYD_FAIL_STORE);
	frame_init(&f, KEYD_ANS_COMMIT_PASSWORD, m->seq);
	return answer(k, &f);
}
