/*
 * Sign-on end to end: bulwark, its key helper and a real bulwarkd with its
 * SQLite catalog, on loopback. First use while a node is TRANSITIONAL pins
 * the certificate only after the server proved it knows the verifier; the
 * first sign-on makes the node STRICT; a STRICT node gets no hand-over;
 * every refusal looks the same to the client and says why in the log.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "srvfix.h"

static void setup(void) { t_tmpdir(); }
static void teardown(void) { t_cleanup(); }

TestSuite(signon, .init = setup, .fini = teardown, .timeout = 120);

/* bulwarkd's console: node register NAME, the password on stdin. */
static void
node_cmd(const struct srv *v, const char *pw, const char *cmd,
    const char *name, const char *opt, const char *val)
{
	char line[256];
	struct run r;
	const char *argv[] = { "--instance", v->dir, "node", cmd, name, opt,
	    val, NULL };

	snprintf(line, sizeof(line), "%s\n", pw ? pw : "");
	t_run_input(&r, "bulwarkd", argv, line);
	cr_assert_eq(r.status, 0, "node %s %s: %s%s", cmd, name, r.out, r.err);
}

static const char *
node_list(const struct srv *v)
{
	static struct run r;

	t_run(&r, "bulwarkd", (const char *[]){ "--instance", v->dir, "node",
	    "list", NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	return r.out;
}

/* bulwark check as node N of server srv1, with more stanza lines. */
static void
check_with(struct run *r, const struct srv *v, const char *node, int accept,
    const char *more)
{
	char extra[256];

	snprintf(extra, sizeof(extra), " NODENAME %s\n%s", node,
	    more ? more : "");
	srv_check(r, v, accept, extra);
}

/* bulwark check as node N of server srv1, first use allowed or not. */
static void
check_as(struct run *r, const struct srv *v, const char *node, int accept)
{
	check_with(r, v, node, accept, NULL);
}

/* A certificate pinned for srv1 (the node password is listed too). */
static int
pinned(void)
{
	struct run r;

	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 0, "%s", r.err);
	return t_contains(r.out, " pinned ");
}

Test(signon, first_use_while_transitional_then_strict)
{
	struct srv v;
	struct run r;
	char fpr[BWK_FPR_STRLEN];

	srv_init(&v, NULL);
	node_cmd(&v, "correct-horse-1", "register", "n1", NULL, NULL);
	cr_assert(t_contains(node_list(&v), "TRANSITIONAL"));
	srv_start(&v);
	t_nodepw("srv1", "n1", "correct-horse-1");
	arm_fingerprint(&v, fpr);
	check_as(&r, &v, "n1", 1);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "BWK1113I"), "%s", r.out);
	cr_assert(t_contains(r.out, "BWK1100I"), "%s", r.out);
	cr_assert(t_contains(r.out, "as node n1"), "%s", r.out);
	/* the pin came after the sign-on, and says why it is safe */
	cr_assert(strstr(r.out, "BWK1100I") < strstr(r.out, "BWK0722I"),
	    "%s", r.out);
	cr_assert(t_contains(r.out, "proved it knows the node's verifier"),
	    "%s", r.out);
	cr_assert(t_contains(r.out, fpr), "%s", r.out);
	cr_assert(t_contains(srv_log_wait(&v, "BWK1078I"), "BWK1077I"), "%s",
	    srv_log(&v));
	/* the first sign-on made the node STRICT */
	cr_assert(t_contains(node_list(&v), "STRICT"), "%s", node_list(&v));
	cr_assert(!t_contains(node_list(&v), "TRANSITIONAL"));
	/* and the next session is pinned, with no hand-over asked */
	check_as(&r, &v, "n1", 0);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(!t_contains(r.out, "BWK1113I"), "%s", r.out);
	cr_assert(t_contains(r.out, "BWK1100I"), "%s", r.out);
	t_peer_stop(&v.p);
}

Test(signon, strict_node_gets_no_certificate_handover)
{
	struct srv v;
	struct run r;
	char arm[600];

	srv_init(&v, NULL);
	node_cmd(&v, "correct-horse-2", "register", "n2", "--sessionsecurity",
	    "strict");
	srv_start(&v);
	t_nodepw("srv1", "n2", "correct-horse-2");
	check_as(&r, &v, "n2", 1);
	cr_assert_eq(r.status, 10, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1101E"), "%s", r.err);
	cr_assert(t_contains(r.err, "BWK1076E"), "%s", r.err);
	cr_assert(t_contains(r.err, "BWK1114E"), "%s", r.err);
	cr_assert_eq(pinned(), 0, "nothing is pinned for a refused hand-over");
	/* imported by hand, as the seed's STRICT nodes do: it signs on */
	snprintf(arm, sizeof(arm), "%s/cert256.arm", v.dir);
	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", "srv1", "-file", arm,
	    NULL), 0, "%s", r.err);
	check_as(&r, &v, "n2", 0);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "BWK1100I"), "%s", r.out);
	t_peer_stop(&v.p);
}

Test(signon, reset_to_transitional_hands_over_again)
{
	struct srv v;
	struct run r;

	srv_init(&v, NULL);
	node_cmd(&v, "correct-horse-3", "register", "n3", "--sessionsecurity",
	    "strict");
	node_cmd(&v, NULL, "update", "n3", "--sessionsecurity",
	    "transitional");
	cr_assert(t_contains(node_list(&v), "TRANSITIONAL"));
	srv_start(&v);
	t_nodepw("srv1", "n3", "correct-horse-3");
	check_as(&r, &v, "n3", 1);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert_eq(pinned(), 1);
	t_peer_stop(&v.p);
}

/*
 * A wrong password and an unknown node: the client sees the same refusal
 * (no node enumeration), nothing is pinned, and the log says which.
 */
Test(signon, wrong_password_and_unknown_node_look_the_same)
{
	struct srv v;
	struct run r1, r2;
	const char *log;

	srv_init(&v, NULL);
	node_cmd(&v, "correct-horse-4", "register", "n4", NULL, NULL);
	srv_start(&v);
	t_nodepw("srv1", "n4", "not-the-password");
	check_as(&r1, &v, "n4", 1);
	cr_assert_eq(r1.status, 9, "%s%s", r1.out, r1.err);
	cr_assert(t_contains(r1.err, "BWK1108E"), "%s", r1.err);
	cr_assert(t_contains(r1.err, "invalid-proof"), "%s", r1.err);
	cr_assert(t_contains(r1.err, "BWK1114E"), "%s", r1.err);
	cr_assert_eq(pinned(), 0);
	log = srv_log_wait(&v, "BWK1075W");
	cr_assert(t_contains(log, "wrong password"), "%s", log);
	t_nodepw("srv1", "ghost", "any-password-5");
	check_as(&r2, &v, "ghost", 1);
	cr_assert_eq(r2.status, 9, "%s%s", r2.out, r2.err);
	cr_assert(t_contains(r2.err, "BWK1108E"), "%s", r2.err);
	cr_assert(t_contains(r2.err, "invalid-proof"), "%s", r2.err);
	cr_assert(t_contains(srv_log_wait(&v, "no such name"), "GHOST"), "%s",
	    srv_log(&v));
	t_peer_stop(&v.p);
}

Test(signon, repeated_failures_lock_the_node)
{
	struct srv v;
	struct run r;
	int i;

	srv_init(&v, NULL);
	node_cmd(&v, "correct-horse-6", "register", "n6", NULL, NULL);
	srv_start(&v);
	t_nodepw("srv1", "n6", "wrong-password-6");
	for (i = 0; i < 5; i++) {
		check_as(&r, &v, "n6", 1);
		cr_assert_eq(r.status, 9, "attempt %d: %s", i + 1, r.err);
	}
	cr_assert(t_contains(srv_log_wait(&v, "now locked"), "BWK1075W"));
	/* the right password now: refused the same way while locked */
	t_nodepw("srv1", "n6", "correct-horse-6");
	check_as(&r, &v, "n6", 1);
	cr_assert_eq(r.status, 9, "%s", r.err);
	cr_assert(t_contains(r.err, "BWK1108E"), "%s", r.err);
	cr_assert(t_contains(srv_log_wait(&v, "is locked"), "BWK1075W"));
	/* the administrator unlocks it */
	node_cmd(&v, NULL, "update", "n6", "--unlock", NULL);
	check_as(&r, &v, "n6", 1);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	t_peer_stop(&v.p);
}

Test(signon, no_node_password_stored_says_how)
{
	struct srv v;
	struct run r;

	srv_init(&v, NULL);
	srv_start(&v);
	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), r.status);
	check_as(&r, &v, "n7", 1);
	cr_assert_eq(r.status, 3, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1104E"), "%s", r.err);
	cr_assert(t_contains(r.err, "bulwark-cert -nodepw -server srv1 -node "
	    "n7"), "%s", r.err);
	cr_assert_eq(pinned(), 0);
	t_peer_stop(&v.p);
}

Test(signon, init_with_admin_and_account_commands)
{
	struct run r;
	char dir[600];
	const char *init[] = { "--instance", dir, "init", "--admin", "boss",
	    NULL };
	const char *list[] = { "--instance", dir, "admin", "list", NULL };

	snprintf(dir, sizeof(dir), "%s/inst2", t_tmpdir());
	/* a short password leaves no instance behind */
	t_run_input(&r, "bulwarkd", init, "short\n");
	cr_assert_eq(r.status, 2, "%s", r.err);
	cr_assert(t_contains(r.err, "BWK1080E"), "%s", r.err);
	cr_assert_eq(access(dir, F_OK), -1, "a half-made instance");
	t_run_input(&r, "bulwarkd", init, "a-long-admin-password\n");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(t_contains(r.out, "BWK1083I"), "%s", r.out);
	t_run(&r, "bulwarkd", list, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(t_contains(r.out, "BOSS"), "%s", r.out);
	/* names are one per kind, case-insensitive */
	t_run_input(&r, "bulwarkd", (const char *[]){ "--instance", dir,
	    "admin", "register", "Boss", NULL }, "another-password\n");
	cr_assert_eq(r.status, 3, "%s", r.err);
	cr_assert(t_contains(r.err, "BWK1082E"), "%s", r.err);
	cr_assert(t_contains(r.err, "registered already"), "%s", r.err);
}

Test(signon, query_session_prints_the_servers_facts)
{
	struct srv v;
	struct run r;
	char path[600];
	const char *argv[] = { "query", "session", "--sysfile", path, NULL };

	srv_init(&v, NULL);
	node_cmd(&v, "correct-horse-8", "register", "n8", NULL, NULL);
	srv_start(&v);
	t_nodepw("srv1", "n8", "correct-horse-8");
	check_as(&r, &v, "n8", 1);	/* writes the stanza, pins on first use */
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	snprintf(path, sizeof(path), "%s/bulwark.sys", t_tmpdir());
	t_run(&r, "bulwark", argv, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "server: bulwarkd"), "%s", r.out);
	cr_assert(t_contains(r.out, "node: N8"), "%s", r.out);
	cr_assert(t_contains(r.out, "signed on: yes"), "%s", r.out);
	cr_assert(t_contains(r.out, "EMS: yes"), "%s", r.out);
	/* a stanza with no node: nothing to query, said before connecting */
	srv_check(&r, &v, 0, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	t_run(&r, "bulwark", argv, NULL);
	cr_assert_eq(r.status, 2, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "a node name is needed"), "%s", r.err);
	t_peer_stop(&v.p);
}

/*
 * An expired password under PASSWORDACCESS GENERATE: the sign-on goes on
 * into a change, the helper makes and keeps the new password, the server
 * stores its verifier, and the old password no longer signs on.
 */
Test(signon, expired_password_replaced_under_generate)
{
	struct srv v;
	struct run r;

	srv_init(&v, NULL);
	node_cmd(&v, "correct-horse-9", "register", "n9", NULL, NULL);
	node_cmd(&v, NULL, "update", "n9", "--expire", NULL);
	srv_start(&v);
	t_nodepw("srv1", "n9", "correct-horse-9");
	check_with(&r, &v, "n9", 1, " PASSWORDACCESS GENERATE\n");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "BWK1117I"), "%s", r.out);
	cr_assert(t_contains(srv_log_wait(&v, "BWK1088I"), "BWK1087I"), "%s",
	    srv_log(&v));
	/* PASSEXP's 90 days from now, not the expired date */
	cr_assert(!t_contains(node_list(&v), "never "), "%s", node_list(&v));
	/* the new password signs on, the change left nothing pending */
	check_with(&r, &v, "n9", 0, " PASSWORDACCESS GENERATE\n");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(!t_contains(r.out, "BWK1117I"), "%s", r.out);
	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 0, "%s", r.err);
	cr_assert(!t_contains(r.out, "nodepw-next"), "%s", r.out);
	/* and the old one no longer does */
	t_nodepw("srv1", "n9", "correct-horse-9");
	check_with(&r, &v, "n9", 0, " PASSWORDACCESS GENERATE\n");
	cr_assert_eq(r.status, 9, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1108E"), "%s", r.err);
	t_peer_stop(&v.p);
}

/* PROMPT (the default): an expired password ends the sign-on and says
 * how; bulwark set password then replaces it. */
Test(signon, expired_password_under_prompt_needs_set_password)
{
	struct srv v;
	struct run r;
	char path[600];
	const char *setpw[] = { "set", "password", "--sysfile", path, NULL };

	srv_init(&v, NULL);
	node_cmd(&v, "correct-horse-10", "register", "n10", NULL, NULL);
	node_cmd(&v, NULL, "update", "n10", "--expire", NULL);
	srv_start(&v);
	t_nodepw("srv1", "n10", "correct-horse-10");
	check_as(&r, &v, "n10", 1);
	cr_assert_eq(r.status, 9, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1115E"), "%s", r.err);
	cr_assert(t_contains(r.err, "bulwark set password"), "%s", r.err);
	snprintf(path, sizeof(path), "%s/bulwark.sys", t_tmpdir());
	t_run(&r, "bulwark", setpw, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "BWK1117I"), "%s", r.out);
	check_as(&r, &v, "n10", 0);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	/* set password on a password that has not expired changes it too */
	t_run(&r, "bulwark", setpw, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "BWK1117I"), "%s", r.out);
	check_as(&r, &v, "n10", 0);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	t_peer_stop(&v.p);
}
