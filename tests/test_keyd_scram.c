/*
 * Sign-on's secret step against the real, sandboxed bulwark-keyd: the
 * test plays the server with the SCRAM core's server side (itself checked
 * against GNU SASL in test_scram.c), and the helper must make a proof the
 * server accepts, refuse weak or foreign exchanges, catch a server that
 * does not know the verifier, and hold the server to the salt and count
 * of the first sign-on.
 */
#define _GNU_SOURCE	/* pipe2 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../src/kdb/kdb.h"
#include "../src/kdb/stash.h"
#include "../src/kdb/store.h"
#include "../src/lib/names.h"
#include "../src/tls/keyd_client.h"
#include "../src/lib/msg.h"
#include "../src/lib/scram.h"
#include "helpers.h"

static void setup(void) { t_tmpdir(); bwk_quiet = 1; }
static void teardown(void) { t_cleanup(); }

TestSuite(keyd_scram, .init = setup, .fini = teardown, .timeout = 90);

/* One exchange's server: its verifier, and the messages so far. */
struct xchg {
	struct scram_verifier		v;
	struct scram_client_first	cf;
	struct scram_server_first	sf;
	struct scram_msg		noproof;
	uint8_t				cb[SCRAM_CB_LEN];
};

static void
server_for(struct xchg *x, const char *pw, uint8_t salt_byte, uint32_t iter)
{
	uint8_t salt[SCRAM_SALT_LEN];

	memset(salt, salt_byte, sizeof(salt));
	cr_assert_eq(scram_verifier_derive((const uint8_t *)pw, strlen(pw),
	    salt, sizeof(salt), iter, SCRAM_INSECURE_ANY_ITER, &x->v),
	    SCRAM_OK);
	memset(x->cb, 0xcb, sizeof(x->cb));
}

/* client-first, server-first and the final without proof, as sent. */
static void
messages(struct xchg *x, const char *user)
{
	char cn[SCRAM_NONCE_LEN + 1], sn[SCRAM_NONCE_LEN + 1];

	cr_assert_eq(scram_nonce_make(cn), SCRAM_OK);
	cr_assert_eq(scram_nonce_make(sn), SCRAM_OK);
	cr_assert_eq(scram_client_first_build(user, NULL, cn, 0, &x->cf),
	    SCRAM_OK);
	cr_assert_eq(scram_server_first_build(&x->cf, sn, &x->v.p, &x->sf),
	    SCRAM_OK);
	cr_assert_eq(scram_client_final_noproof(&x->cf, &x->sf, x->cb,
	    sizeof(x->cb), &x->noproof), SCRAM_OK);
}

static int
proof(struct keyd_conn *c, struct xchg *x, uint8_t p[32], uint32_t *why)
{
	return keyd_scram_proof(c, "srv1", x->cf.msg.s + x->cf.bare_off,
	    x->cf.msg.len - x->cf.bare_off, x->sf.msg.s, x->sf.msg.len,
	    x->noproof.s, x->noproof.len, p, why);
}

/* The server's check of the helper's proof, and its final message. */
static void
server_final(struct xchg *x, const uint8_t p[32], struct scram_msg *sfin)
{
	struct scram_msg final;
	struct scram_client_final cfin;

	cr_assert_eq(scram_client_final_build(&x->noproof, p, &final),
	    SCRAM_OK);
	cr_assert_eq(scram_client_final_parse(final.s, final.len, &cfin),
	    SCRAM_OK);
	cr_assert_eq(scram_server_verify(&x->v, &x->cf, &x->sf, &cfin, x->cb,
	    sizeof(x->cb), 0, sfin), SCRAM_OK,
	    "the server must accept the helper's proof");
}

static void
spawn(struct keyd_conn *c, int sign_on)
{
	struct keyd_spawn_opts o = { .server = "srv1", .db = t_db(),
	    .sign_on = sign_on };

	cr_assert_eq(keyd_spawn(c, &o), 0);
	cr_assert_eq(keyd_hello(c), 0);
}

/* A whole sign-on; returns keyd_scram_verify's answer. */
static int
sign_on(struct xchg *x)
{
	static struct keyd_conn c;
	struct scram_msg sfin;
	uint8_t p[32];
	uint32_t why;
	int r;

	spawn(&c, 1);
	messages(x, "n1");
	cr_assert_eq(proof(&c, x, p, &why), 0, "why %u", why);
	server_final(x, p, &sfin);
	r = keyd_scram_verify(&c, sfin.s, sfin.len, &why);
	cr_assert_eq(keyd_close(&c), 0);
	return r;
}

static int
has_seen_entry(void)
{
	struct run r;

	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 0, "%s", r.err);
	return t_contains(r.out, "scram@srv1");
}

Test(keyd_scram, proof_is_accepted_and_server_proves_itself)
{
	struct xchg x;
	const char *err;

	t_nodepw("srv1", "n1", "correct horse battery");
	server_for(&x, "correct horse battery", 0x11, SCRAM_ITER_FLOOR);
	cr_assert_eq(has_seen_entry(), 0);
	t_cap_begin();
	cr_assert_eq(sign_on(&x), 0);
	err = t_cap_end();
	cr_assert(t_contains(err, "BWK0524I"), "%s", err);
	cr_assert(t_contains(err, "as node n1"), "%s", err);
	cr_assert(!t_contains(err, "correct horse"), "%s", err);
	/* the salt and count are remembered after a proven sign-on */
	cr_assert_eq(has_seen_entry(), 1);
	/* and the same server signs on again */
	cr_assert_eq(sign_on(&x), 0);
}

/* The length of srv1's scram-seen entry in the key database, 0 when it
 * has none: the salt and count, and with the keys kept 96 bytes more. */
static size_t
seen_len(void)
{
	char path[600];
	struct stash st;
	struct kdb db;
	uint8_t *img, *sth;
	size_t len, sl, i, n = 0;
	const char *why;

	snprintf(path, sizeof(path), "%s/" STORE_STH, t_db());
	cr_assert_eq(t_read(path, &sth, &sl), 0);
	cr_assert_eq(stash_parse(sth, sl, &st, &why), 0);
	free(sth);
	snprintf(path, sizeof(path), "%s/" STORE_KDB, t_db());
	cr_assert_eq(t_read(path, &img, &len), 0);
	cr_assert_eq(kdb_open(img, len, &st, &db), KDB_OK);
	for (i = 0; i < db.n; i++)
		if (db.e[i].kind == KDB_SCRAM_SEEN &&
		    strcmp(db.e[i].server, "srv1") == 0)
			n = db.e[i].len;
	kdb_free(&db);
	free(img);
	stash_wipe(&st);
	return n;
}

/* The keys of a proved sign-on are kept (no PBKDF2 the next time), and
 * are not used for another password. */
Test(keyd_scram, the_keys_of_a_proved_sign_on_are_kept_for_that_password)
{
	struct xchg x;

	t_nodepw("srv1", "n1", "first password");
	server_for(&x, "first password", 0x31, SCRAM_ITER_FLOOR);
	cr_assert_eq(sign_on(&x), 0);
	cr_assert_eq(seen_len(), 1 + SCRAM_SALT_LEN + 4 + 96);
	/* again, from the kept keys */
	cr_assert_eq(sign_on(&x), 0);
	/* bulwark-cert -nodepw gives another password, the server the same
	 * salt and count for it: the kept keys are not that password's, and
	 * the sign-on derives the right ones */
	t_nodepw("srv1", "n1", "second password");
	server_for(&x, "second password", 0x31, SCRAM_ITER_FLOOR);
	cr_assert_eq(sign_on(&x), 0, "the old password's keys were used");
	cr_assert_eq(seen_len(), 1 + SCRAM_SALT_LEN + 4 + 96);
}

Test(keyd_scram, changed_salt_or_count_is_refused)
{
	static struct keyd_conn c;
	struct xchg x;
	uint8_t p[32];
	uint32_t why;
	const char *err;
	struct run r;

	t_nodepw("srv1", "n1", "pw-123");
	server_for(&x, "pw-123", 0x22, SCRAM_ITER_FLOOR + 1);
	cr_assert_eq(sign_on(&x), 0);
	/* the same password, a new salt: refused before any proof */
	server_for(&x, "pw-123", 0x23, SCRAM_ITER_FLOOR + 1);
	t_cap_begin();		/* before the spawn: the helper's stderr */
	spawn(&c, 1);
	messages(&x, "n1");
	cr_assert_eq(proof(&c, &x, p, &why), 1);
	cr_assert_eq(keyd_close(&c), 0);
	err = t_cap_end();
	cr_assert_eq(why, KEYD_FAIL_CHANGED);
	cr_assert(t_contains(err, "BWK0556W"), "%s", err);
	/* the old salt, a lower count: refused the same way */
	server_for(&x, "pw-123", 0x22, SCRAM_ITER_FLOOR);
	spawn(&c, 1);
	messages(&x, "n1");
	cr_assert_eq(proof(&c, &x, p, &why), 1);
	cr_assert_eq(why, KEYD_FAIL_CHANGED);
	cr_assert_eq(keyd_close(&c), 0);
	/* re-registered: the administrator deletes the entry, and it works */
	cr_assert_eq(t_cert_cmd(&r, "-delete", "-label", "scram@srv1", NULL),
	    0, "%s", r.err);
	server_for(&x, "pw-123", 0x23, SCRAM_ITER_FLOOR + 1);
	cr_assert_eq(sign_on(&x), 0);
}

Test(keyd_scram, server_without_the_verifier_is_caught)
{
	static struct keyd_conn c;
	struct xchg x;
	struct scram_msg sfin;
	uint8_t p[32];
	uint32_t why;
	const char *err;

	t_nodepw("srv1", "n1", "pw-123");
	/*
	 * A server that has the salt and count (they are sent in the clear)
	 * but not the node's keys: the signature it sends is not the one
	 * only the verifier's ServerKey makes.
	 */
	server_for(&x, "pw-123", 0x33, SCRAM_ITER_FLOOR);
	t_cap_begin();
	spawn(&c, 1);
	messages(&x, "n1");
	cr_assert_eq(proof(&c, &x, p, &why), 0, "why %u", why);
	snprintf(sfin.s, sizeof(sfin.s),
	    "v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
	sfin.len = strlen(sfin.s);
	cr_assert_eq(keyd_scram_verify(&c, sfin.s, sfin.len, &why), 1);
	cr_assert_eq(keyd_close(&c), 0);
	err = t_cap_end();
	cr_assert_eq(why, KEYD_FAIL_CRYPTO);
	cr_assert(t_contains(err, "BWK0555W"), "%s", err);
	cr_assert(!t_contains(err, "BWK0524I"), "%s", err);
	/* nothing was remembered for a server that proved nothing */
	cr_assert_eq(has_seen_entry(), 0);
}

Test(keyd_scram, server_error_is_refused)
{
	static struct keyd_conn c;
	struct xchg x;
	uint8_t p[32];
	uint32_t why;

	t_nodepw("srv1", "n1", "pw-123");
	server_for(&x, "pw-123", 0x44, SCRAM_ITER_FLOOR);
	spawn(&c, 1);
	messages(&x, "n1");
	cr_assert_eq(proof(&c, &x, p, &why), 0, "why %u", why);
	cr_assert_eq(keyd_scram_verify(&c, "e=invalid-proof", 15, &why), 1);
	cr_assert_eq(why, KEYD_FAIL_REFUSED);
	cr_assert_eq(keyd_close(&c), 0);
	cr_assert_eq(has_seen_entry(), 0);
}

/* Exchanges the helper refuses with a FAIL answer, and goes on serving. */
/* Arrays, not pointers: Criterion runs each case in a process of its own. */
struct refusal {
	char		 name[48];
	char		 user[8];
	uint32_t	 iter;
	int		 store_pw;
	uint32_t	 why;
	char		 id[10];
};

ParameterizedTestParameters(keyd_scram, refusals)
{
	static struct refusal cases[] = {
		{ "iteration count under the floor", "n1",
		    SCRAM_ITER_FLOOR - 1, 1, KEYD_FAIL_REFUSED, "BWK0555W" },
		{ "iteration count over the maximum", "n1",
		    SCRAM_ITER_MAX + 1, 1, KEYD_FAIL_REFUSED, "BWK0555W" },
		{ "another node's name", "n2", SCRAM_ITER_FLOOR, 1,
		    KEYD_FAIL_NO_KEY, "BWK0555W" },
		{ "no node password stored", "n1", SCRAM_ITER_FLOOR, 0,
		    KEYD_FAIL_NO_KEY, "" },
	};

	return cr_make_param_array(struct refusal, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct refusal *rc, keyd_scram, refusals)
{
	static struct keyd_conn c;
	struct trust_list t;
	struct xchg x;
	uint8_t p[32];
	uint32_t why;
	const char *err;
	struct run r;

	/* a database with something in it, whether or not a password */
	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", "srv1", "-file",
	    t_cert("ec384.pem"), NULL), 0, "%s", r.err);
	if (rc->store_pw)
		t_nodepw("srv1", "n1", "pw-123");
	memset(&x, 0, sizeof(x));
	memset(x.v.p.salt, 0x55, SCRAM_SALT_LEN);
	x.v.p.salt_len = SCRAM_SALT_LEN;
	x.v.p.iter = rc->iter;	/* the server's claim; no keys needed */
	memset(x.cb, 0xcb, sizeof(x.cb));
	if (rc->iter > SCRAM_ITER_MAX)
		x.v.p.iter = SCRAM_ITER_MAX;	/* our builder refuses more */
	t_cap_begin();
	spawn(&c, 1);
	messages(&x, rc->user);
	if (rc->iter > SCRAM_ITER_MAX) {
		/* what a hostile server sends: the count, one over */
		char *i = strstr(x.sf.msg.s, ",i=4000000");

		cr_assert_not_null(i);
		i[9] = '1';
	}
	cr_assert_eq(proof(&c, &x, p, &why), 1, "%s", rc->name);
	/* a refusal is an answer: the helper goes on serving */
	cr_assert_eq(keyd_trust(&c, "srv1", &t), 0, "%s", rc->name);
	trust_list_free(&t);
	cr_assert_eq(keyd_close(&c), 0, "%s", rc->name);
	err = t_cap_end();
	cr_assert_eq(why, rc->why, "%s: why %u", rc->name, why);
	if (rc->id[0] != '\0')
		cr_assert(t_contains(err, rc->id), "%s: %s", rc->name, err);
	cr_assert(!t_contains(err, "BWK0524I"), "%s: %s", rc->name, err);
}

/* What ends the helper: the permit table, not the handler, refuses. */
Test(keyd_scram, proof_only_when_started_to_sign_on)
{
	static struct keyd_conn c;
	struct xchg x;
	uint8_t p[32];
	uint32_t why;
	const char *err;

	t_nodepw("srv1", "n1", "pw-123");
	server_for(&x, "pw-123", 0x66, SCRAM_ITER_FLOOR);
	t_cap_begin();
	spawn(&c, 0);
	messages(&x, "n1");
	cr_assert_eq(proof(&c, &x, p, &why), -1);
	cr_assert_eq(keyd_close(&c), -1);
	err = t_cap_end();
	cr_assert(t_contains(err, "BWK0516E"), "%s", err);
	cr_assert(t_contains(err, "did not start this helper to sign on"),
	    "%s", err);
}

Test(keyd_scram, one_proof_per_helper)
{
	static struct keyd_conn c;
	struct xchg x;
	struct scram_msg sfin;
	uint8_t p[32];
	uint32_t why;
	const char *err;

	t_nodepw("srv1", "n1", "pw-123");
	server_for(&x, "pw-123", 0x77, SCRAM_ITER_FLOOR);
	t_cap_begin();
	spawn(&c, 1);
	messages(&x, "n1");
	cr_assert_eq(proof(&c, &x, p, &why), 0, "why %u", why);
	server_final(&x, p, &sfin);
	cr_assert_eq(keyd_scram_verify(&c, sfin.s, sfin.len, &why), 0);
	/* a second proof, for an oracle's next guess: the helper stops */
	messages(&x, "n1");
	cr_assert_eq(proof(&c, &x, p, &why), -1);
	cr_assert_eq(keyd_close(&c), -1);
	err = t_cap_end();
	cr_assert(t_contains(err, "BWK0516E"), "%s", err);
}

Test(keyd_scram, verify_needs_its_proof)
{
	static struct keyd_conn c;
	struct xchg x;
	uint8_t p[32];
	uint32_t why;
	const char *err;

	t_nodepw("srv1", "n1", "pw-123");
	/* before any proof: the permit table refuses */
	t_cap_begin();
	spawn(&c, 1);
	cr_assert_eq(keyd_scram_verify(&c, "v=AAAA", 6, &why), -1);
	cr_assert_eq(keyd_close(&c), -1);
	err = t_cap_end();
	cr_assert(t_contains(err, "BWK0516E"), "%s", err);
	/* after a refused proof: there is no signature to compare with */
	memset(&x, 0, sizeof(x));
	memset(x.v.p.salt, 0x55, SCRAM_SALT_LEN);
	x.v.p.salt_len = SCRAM_SALT_LEN;
	x.v.p.iter = SCRAM_ITER_FLOOR - 1;
	memset(x.cb, 0xcb, sizeof(x.cb));
	t_cap_begin();
	spawn(&c, 1);
	messages(&x, "n1");
	cr_assert_eq(proof(&c, &x, p, &why), 1);
	cr_assert_eq(keyd_scram_verify(&c, "v=AAAA", 6, &why), -1);
	cr_assert_eq(keyd_close(&c), -1);
	err = t_cap_end();
	cr_assert(t_contains(err, "BWK0557E"), "%s", err);
}

/*
 * bulwark admin's helper: the password comes on a pipe (descriptor 4)
 * instead of from the database, signs on as the administrator named and
 * no other, once, and leaves nothing in the database.
 */
static int
spawn_admin_as(struct keyd_conn *c, const char *admin, const char *pw,
    int accept_first_use)
{
	struct keyd_spawn_opts o = { .server = "srv1", .db = t_db(),
	    .admin = admin, .password_fd = -1,
	    .accept_first_use = accept_first_use };
	int p[2], r;

	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	cr_assert_eq(write(p[1], pw, strlen(pw)), (ssize_t)strlen(pw));
	close(p[1]);
	o.password_fd = p[0];
	cr_assert_eq(keyd_spawn(c, &o), 0);
	close(p[0]);
	r = keyd_hello(c);
	return r;
}

static int
spawn_admin(struct keyd_conn *c, const char *admin, const char *pw)
{
	return spawn_admin_as(c, admin, pw, 0);
}

Test(keyd_scram, admin_password_from_the_pipe_signs_on_once)
{
	static struct keyd_conn c;
	struct xchg x;
	struct scram_msg sfin;
	uint8_t p[32];
	uint32_t why;
	const char *err;

	server_for(&x, "an-admin-password", 0x88, SCRAM_ITER_FLOOR);
	t_cap_begin();
	cr_assert_eq(spawn_admin(&c, "boss", "an-admin-password"), 0);
	messages(&x, "BOSS");	/* names are compared without case */
	cr_assert_eq(proof(&c, &x, p, &why), 0, "why %u", why);
	server_final(&x, p, &sfin);
	cr_assert_eq(keyd_scram_verify(&c, sfin.s, sfin.len, &why), 0);
	/* one proof: the typed password is spent */
	messages(&x, "boss");
	cr_assert_eq(proof(&c, &x, p, &why), -1);
	keyd_close(&c);
	err = t_cap_end();
	cr_assert(t_contains(err, "BWK1340I"), "%s", err);
	cr_assert(t_contains(err, "as administrator BOSS"), "%s", err);
	cr_assert(!t_contains(err, "an-admin-password"), "%s", err);
	/* an administrator's sign-on remembers no salt and count */
	cr_assert_eq(has_seen_entry(), 0);
}

Test(keyd_scram, admin_signs_on_as_no_other_name)
{
	static struct keyd_conn c;
	struct xchg x;
	uint8_t p[32];
	uint32_t why;
	const char *err;

	/* a node password in the database is never the administrator's */
	t_nodepw("srv1", "n1", "pw-123");
	server_for(&x, "pw-123", 0x99, SCRAM_ITER_FLOOR);
	t_cap_begin();
	cr_assert_eq(spawn_admin(&c, "boss", "an-admin-password"), 0);
	messages(&x, "n1");
	cr_assert_eq(proof(&c, &x, p, &why), 1);
	cr_assert_eq(why, KEYD_FAIL_NO_KEY);
	cr_assert_eq(keyd_close(&c), 0);
	err = t_cap_end();
	cr_assert(t_contains(err, "BWK1341W"), "%s", err);
}

/*
 * An administrator's sign-on never lets its helper make a node password,
 * even with one stored for the server: the server would take it as the
 * administrator's new one.
 */
Test(keyd_scram, admin_helper_makes_no_node_password)
{
	static struct keyd_conn c;
	struct scram_verifier v;
	struct xchg x;
	struct scram_msg sfin;
	struct run r;
	uint8_t p[32];
	uint32_t why;

	t_nodepw("srv1", "n1", "pw-123");
	server_for(&x, "an-admin-password", 0x88, SCRAM_ITER_FLOOR);
	/* first use allowed: a helper that may write its database */
	cr_assert_eq(spawn_admin_as(&c, "boss", "an-admin-password", 1), 0);
	messages(&x, "boss");
	cr_assert_eq(proof(&c, &x, p, &why), 0, "why %u", why);
	server_final(&x, p, &sfin);
	cr_assert_eq(keyd_scram_verify(&c, sfin.s, sfin.len, &why), 0);
	cr_assert_eq(keyd_new_password(&c, "srv1", &v, &why), 1);
	cr_assert_eq(why, KEYD_FAIL_REFUSED);
	cr_assert_eq(keyd_close(&c), 0);
	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 0, "%s", r.err);
	cr_assert(!t_contains(r.out, "nodepw-next@srv1"), "%s", r.out);
}

Test(keyd_scram, admin_helper_needs_its_password)
{
	static struct keyd_conn c;
	const char *err;

	t_cap_begin();
	cr_assert_eq(spawn_admin(&c, "boss", ""), -1);
	keyd_close(&c);
	err = t_cap_end();
	cr_assert(t_contains(err, "BWK1342E"), "%s", err);
}

/*
 * A password change the server stored and this database did not finish:
 * the next sign-on, asked with the new verifier's salt, signs on with the
 * waiting new password and finishes the change; nothing is lost.
 */
Test(keyd_scram, interrupted_password_change_is_finished)
{
	static struct keyd_conn c;
	struct xchg x, x2;
	struct scram_msg sfin;
	struct scram_verifier v2;
	uint8_t p[32];
	uint32_t why;
	struct run r;

	t_nodepw("srv1", "n1", "pw-123");
	server_for(&x, "pw-123", 0x88, SCRAM_ITER_FLOOR);
	cr_assert_eq(sign_on(&x), 0);
	/* signed on, a new password asked for, and then the session ends */
	spawn(&c, 1);
	messages(&x, "n1");
	cr_assert_eq(proof(&c, &x, p, &why), 0, "why %u", why);
	server_final(&x, p, &sfin);
	cr_assert_eq(keyd_scram_verify(&c, sfin.s, sfin.len, &why), 0);
	cr_assert_eq(keyd_new_password(&c, "srv1", &v2, &why), 0, "why %u",
	    why);
	cr_assert_geq(v2.p.iter, SCRAM_ITER_FLOOR);
	cr_assert_eq(keyd_close(&c), 0);
	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 0, "%s", r.err);
	cr_assert(t_contains(r.out, "nodepw-next@srv1"), "%s", r.out);
	/* the server stored v2: the proof must be the new password's */
	memset(&x2, 0, sizeof(x2));
	x2.v = v2;
	memset(x2.cb, 0xcb, sizeof(x2.cb));
	cr_assert_eq(sign_on(&x2), 0);
	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 0, "%s", r.err);
	cr_assert(!t_contains(r.out, "nodepw-next@srv1"), "%s", r.out);
	/* from now on v2's salt is the one held, and the old one refused */
	cr_assert_eq(sign_on(&x2), 0);
	spawn(&c, 1);
	messages(&x, "n1");
	cr_assert_eq(proof(&c, &x, p, &why), 1);
	cr_assert_eq(why, KEYD_FAIL_CHANGED);
	cr_assert_eq(keyd_close(&c), 0);
}

/* A new password only after the server proved itself, and committed
 * only after it was made. */
Test(keyd_scram, new_password_needs_a_verified_sign_on)
{
	static struct keyd_conn c;
	struct scram_verifier v;
	uint32_t why;
	const char *err;

	t_nodepw("srv1", "n1", "pw-123");
	t_cap_begin();
	spawn(&c, 1);
	cr_assert_eq(keyd_new_password(&c, "srv1", &v, &why), -1);
	cr_assert_eq(keyd_close(&c), -1);
	err = t_cap_end();
	cr_assert(t_contains(err, "BWK0516E"), "%s", err);
	t_cap_begin();
	spawn(&c, 1);
	cr_assert_eq(keyd_commit_password(&c, "srv1", &why), -1);
	cr_assert_eq(keyd_close(&c), -1);
	err = t_cap_end();
	cr_assert(t_contains(err, "BWK0516E"), "%s", err);
}

/*
 * PASSWORDACCESS PROMPT's helper (--sign-on --node NAME --password-fd 4):
 * HELLO says whether the database holds the node's password; the typed
 * one on the pipe is used only when it does not, for that node only,
 * once, and nothing of it is remembered or replaced.
 */
static int
spawn_prompt(struct keyd_conn *c, const char *node, const char *typed)
{
	struct keyd_spawn_opts o = { .server = "srv1", .db = t_db(),
	    .sign_on = 1, .node_prompt = node, .password_fd = -1 };
	int p[2];

	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	o.password_fd = p[0];
	cr_assert_eq(keyd_spawn(c, &o), 0);
	close(p[0]);
	if (keyd_hello(c) == -1) {
		close(p[1]);
		return -1;
	}
	/* as bulwark does: typed only when the database has none */
	if (typed != NULL && !c->node_pw_stored)
		cr_assert_eq(write(p[1], typed, strlen(typed)),
		    (ssize_t)strlen(typed));
	close(p[1]);
	return 0;
}

Test(keyd_scram, typed_node_password_used_only_without_a_stored_one)
{
	static struct keyd_conn c;
	struct xchg x;
	struct scram_msg sfin;
	struct scram_verifier nv;
	uint8_t p[32];
	uint32_t why;
	const char *err;

	server_for(&x, "typed-pw-1", 0x55, SCRAM_ITER_FLOOR);
	t_cap_begin();
	cr_assert_eq(spawn_prompt(&c, "n1", "typed-pw-1"), 0);
	cr_assert_eq(c.node_pw_stored, 0);
	messages(&x, "n1");
	cr_assert_eq(proof(&c, &x, p, &why), 0, "why %u", why);
	server_final(&x, p, &sfin);
	cr_assert_eq(keyd_scram_verify(&c, sfin.s, sfin.len, &why), 0);
	/* no new password replaces a typed one */
	cr_assert_eq(keyd_new_password(&c, "srv1", &nv, &why), 1);
	cr_assert_eq(why, KEYD_FAIL_REFUSED);
	keyd_close(&c);
	err = t_cap_end();
	cr_assert(t_contains(err, "BWK0524I"), "%s", err);
	cr_assert(!t_contains(err, "typed-pw-1"), "%s", err);
	cr_assert_eq(has_seen_entry(), 0, "a typed sign-on remembered salt "
	    "and count");
	/* with a stored password, HELLO says so and the pipe stays unread */
	t_nodepw("srv1", "n1", "stored-pw-2");
	server_for(&x, "stored-pw-2", 0x56, SCRAM_ITER_FLOOR);
	cr_assert_eq(spawn_prompt(&c, "n1", NULL), 0);
	cr_assert_eq(c.node_pw_stored, 1);
	messages(&x, "n1");
	cr_assert_eq(proof(&c, &x, p, &why), 0, "why %u", why);
	keyd_close(&c);
}

Test(keyd_scram, typed_node_password_for_that_node_only)
{
	static struct keyd_conn c;
	struct xchg x;
	uint8_t p[32];
	uint32_t why;

	server_for(&x, "typed-pw-3", 0x57, SCRAM_ITER_FLOOR);
	cr_assert_eq(spawn_prompt(&c, "n1", "typed-pw-3"), 0);
	messages(&x, "n2");
	cr_assert_eq(proof(&c, &x, p, &why), 1);
	cr_assert_eq(why, KEYD_FAIL_NO_KEY);
	keyd_close(&c);
	/* nothing typed: no password at all */
	cr_assert_eq(spawn_prompt(&c, "n1", NULL), 0);
	messages(&x, "n1");
	cr_assert_eq(proof(&c, &x, p, &why), 1);
	cr_assert_eq(why, KEYD_FAIL_NO_KEY);
	keyd_close(&c);
}
