/*
 * Rotation without redistribution, end to end: bulwark, its key helper
 * and a real bulwarkd on loopback. A renewed certificate for the pinned
 * key is trusted and the pin follows it; a standby key is announced
 * after sign-on, proved inside the session and pinned, and once the
 * server makes it its default the client connects with nothing to
 * import; a forged announcement pins nothing; a server that lost its key
 * is refused with the old and the new fingerprints.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "srvfix.h"

static void setup(void) { t_tmpdir(); }
static void teardown(void) { t_cleanup(); }

TestSuite(rotation, .init = setup, .fini = teardown, .timeout = 120);

#define CERT_LABEL_LEN	40

static void
bulwarkd(const struct srv *v, const char *const *args, struct run *r)
{
	const char *argv[12] = { "--instance", v->dir };
	size_t i;

	for (i = 0; args[i] != NULL && i + 3 < 12; i++)
		argv[2 + i] = args[i];
	argv[2 + i] = NULL;
	t_run(r, "bulwarkd", argv, NULL);
	cr_assert_eq(r->status, 0, "bulwarkd %s: %s%s", args[0], r->out,
	    r->err);
}

/* node n1 registered on the server, its password stored on the client */
static void
node(const struct srv *v)
{
	const char *argv[] = { "--instance", v->dir, "node", "register", "n1",
	    NULL };
	struct run r;

	t_run_input(&r, "bulwarkd", argv, "correct-horse-1\n");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	t_nodepw("srv1", "n1", "correct-horse-1");
}

static void
check_as_node(struct run *r, const struct srv *v, int accept)
{
	srv_check(r, v, accept, " NODENAME n1\n");
}

static const char *
cert_list(void)
{
	static struct run r;

	cr_assert_eq(t_cert_cmd(&r, "-list", "--json", NULL), 0, "%s", r.err);
	return r.out;
}

/* The instance pinned on first use, as a client does once. */
static void
first_use(struct srv *v, int as_node)
{
	struct run r;

	if (as_node)
		check_as_node(&r, v, 1);
	else
		srv_check(&r, v, 1, NULL);
	cr_assert_eq(r.status, 0, "%s%s\nserver: %s", r.out, r.err,
	    srv_log(v));
	cr_assert(t_contains(r.out, "BWK0722I"), "%s", r.out);
}

Test(rotation, renewed_certificate_followed_by_the_pin)
{
	char old[BWK_FPR_STRLEN], renewed[BWK_FPR_STRLEN];
	struct srv v;
	struct run r;

	t_need_sandbox();
	srv_init(&v, NULL);
	srv_start(&v);
	arm_fingerprint(&v, old);
	first_use(&v, 0);
	bulwarkd(&v, (const char *[]){ "cert", "renew", NULL }, &r);
	arm_fingerprint(&v, renewed);
	cr_assert_str_neq(old, renewed);
	/* first use off: only the pinned key can trust it */
	srv_check(&r, &v, 0, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "BWK1400I"), "%s", r.out);
	cr_assert(t_contains(r.out, old) && t_contains(r.out, renewed), "%s",
	    r.out);
	cr_assert(t_contains(r.out, "trust rule:  pinned key: a renewed "
	    "certificate"), "%s", r.out);
	cr_assert(t_contains(r.out, "BWK1401I"), "%s", r.out);
	cr_assert(t_contains(r.out, "(pinned key, renewed certificate)"), "%s",
	    r.out);
	cr_assert(t_contains(r.err, "BWK0568I"), "the helper's audit: %s",
	    r.err);
	/* the database holds the renewed certificate, in place of the old */
	cr_assert(t_contains(cert_list(), renewed), "%s", cert_list());
	cr_assert(!t_contains(cert_list(), old), "%s", cert_list());
	/* and the next session is a plain pin */
	srv_check(&r, &v, 0, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "trust rule:  pinned: "), "%s", r.out);
	cr_assert(!t_contains(r.out, "BWK1400I"), "%s", r.out);
	t_peer_stop(&v.p);
}

/* With a node, the pin follows only once the sign-on succeeded. */
Test(rotation, renewal_followed_after_sign_on)
{
	char renewed[BWK_FPR_STRLEN];
	struct srv v;
	struct run r;

	t_need_sandbox();
	srv_init(&v, NULL);
	node(&v);
	srv_start(&v);
	first_use(&v, 1);
	bulwarkd(&v, (const char *[]){ "cert", "renew", NULL }, &r);
	arm_fingerprint(&v, renewed);
	check_as_node(&r, &v, 0);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "BWK1100I") && t_contains(r.out,
	    "BWK1401I"), "%s", r.out);
	cr_assert(strstr(r.out, "BWK1100I") < strstr(r.out, "BWK1401I"),
	    "%s", r.out);
	cr_assert(t_contains(cert_list(), renewed), "%s", cert_list());
	t_peer_stop(&v.p);
}

/* A wrong password: the renewal is trusted, but nothing is written. */
Test(rotation, renewal_not_followed_when_sign_on_fails)
{
	char old[BWK_FPR_STRLEN];
	struct srv v;
	struct run r;

	t_need_sandbox();
	srv_init(&v, NULL);
	node(&v);
	srv_start(&v);
	arm_fingerprint(&v, old);
	first_use(&v, 1);
	bulwarkd(&v, (const char *[]){ "cert", "renew", NULL }, &r);
	t_nodepw("srv1", "n1", "wrong-horse-1");
	check_as_node(&r, &v, 0);
	cr_assert_neq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(!t_contains(r.out, "BWK1401I"), "%s", r.out);
	cr_assert(t_contains(cert_list(), old), "%s", cert_list());
	t_peer_stop(&v.p);
}

/* The standby's fingerprint, from cert list's line that names it. */
static void
standby_fingerprint(const struct srv *v, char out[BWK_FPR_STRLEN])
{
	const char *p;
	struct run r;

	bulwarkd(v, (const char *[]){ "cert", "list", NULL }, &r);
	p = strstr(r.out, " standby ");
	cr_assert_not_null(p, "%s", r.out);
	p = strstr(p, "SHA-256 ");
	cr_assert_not_null(p, "%s", r.out);
	snprintf(out, BWK_FPR_STRLEN, "%.*s", BWK_FPR_STRLEN - 1, p + 8);
}

/* The standby's label: the first word of cert list's line for it. */
static void
standby_label(const struct srv *v, char out[CERT_LABEL_LEN])
{
	const char *p, *line;
	struct run r;

	bulwarkd(v, (const char *[]){ "cert", "list", NULL }, &r);
	p = strstr(r.out, " standby ");
	cr_assert_not_null(p, "%s", r.out);
	for (line = p; line > r.out && line[-1] != '\n'; line--)
		;
	snprintf(out, CERT_LABEL_LEN, "%.*s", (int)strcspn(line, " "), line);
}

Test(rotation, standby_announced_pinned_then_default_without_import)
{
	char cur[BWK_FPR_STRLEN], next[BWK_FPR_STRLEN], fpr[BWK_FPR_STRLEN];
	struct srv v;
	struct run r;

	t_need_sandbox();
	srv_init(&v, NULL);
	node(&v);
	srv_start(&v);
	arm_fingerprint(&v, cur);
	first_use(&v, 1);
	bulwarkd(&v, (const char *[]){ "cert", "create", "--next", "--label",
	    "nxt", NULL }, &r);
	cr_assert(t_contains(r.out, "BWK1420I") || t_contains(r.err,
	    "BWK1420I"), "%s%s", r.out, r.err);
	standby_fingerprint(&v, next);
	arm_fingerprint(&v, fpr);
	cr_assert_str_eq(fpr, cur, "a standby is not the default");

	/* announced after sign-on, proved in the session, pinned */
	check_as_node(&r, &v, 0);
	cr_assert_eq(r.status, 0, "%s%s\nserver: %s", r.out, r.err,
	    srv_log(&v));
	cr_assert(t_contains(r.out, "BWK1404I"), "%s", r.out);
	cr_assert(t_contains(r.out, "BWK1409I"), "%s", r.out);
	cr_assert(t_contains(r.out, next), "%s", r.out);
	cr_assert(t_contains(r.err, "BWK0562I"), "%s", r.err);
	cr_assert(t_contains(cert_list(), next), "%s", cert_list());
	cr_assert(t_contains(cert_list(), cur), "%s", cert_list());
	cr_assert(t_contains(cert_list(), "standby-"), "%s", cert_list());
	/* the report says so; the next session finds it pinned already */
	cr_assert(t_contains(r.out, "standby key: SHA-256 "), "%s", r.out);
	check_as_node(&r, &v, 0);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "BWK1405I"), "%s", r.out);

	/* the server switches: no import, no first use */
	bulwarkd(&v, (const char *[]){ "cert", "default", "nxt", NULL }, &r);
	cr_assert(t_contains(r.out, "BWK1422I") || t_contains(r.err,
	    "BWK1422I"), "%s%s", r.out, r.err);
	srv_check(&r, &v, 0, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "trust rule:  pinned: "), "%s", r.out);
	cr_assert(t_contains(r.out, next), "%s", r.out);
	check_as_node(&r, &v, 0);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(!t_contains(r.out, "BWK1404I"), "no standby now: %s", r.out);
	t_peer_stop(&v.p);
	cr_assert(t_contains(srv_log(&v), "BWK1425I"), "%s", srv_log(&v));
	cr_assert(t_contains(srv_log(&v), "BWK0563I"), "%s", srv_log(&v));
}

/*
 * An expired password under GENERATE: the announcement comes after
 * SIGNED_ON all the same, and the session pins the standby and changes
 * the password, in that order, each through the key helper.
 */
Test(rotation, standby_announced_when_the_password_expired)
{
	char next[BWK_FPR_STRLEN];
	struct srv v;
	struct run r;

	t_need_sandbox();
	srv_init(&v, NULL);
	node(&v);
	srv_start(&v);
	first_use(&v, 1);
	bulwarkd(&v, (const char *[]){ "cert", "create", "--next", "--label",
	    "nxt", NULL }, &r);
	standby_fingerprint(&v, next);
	bulwarkd(&v, (const char *[]){ "node", "update", "n1", "--expire",
	    NULL }, &r);
	srv_check(&r, &v, 0, " NODENAME n1\n PASSWORDACCESS GENERATE\n");
	cr_assert_eq(r.status, 0, "%s%s\nserver: %s", r.out, r.err,
	    srv_log(&v));
	cr_assert(t_contains(r.out, "BWK1409I"), "%s", r.out);
	cr_assert(t_contains(r.out, "BWK1117I"), "%s", r.out);
	cr_assert(t_contains(cert_list(), next), "%s", cert_list());
	t_peer_stop(&v.p);
	cr_assert(t_contains(srv_log(&v), "BWK1087I"), "%s", srv_log(&v));
	cr_assert(t_contains(srv_log(&v), "BWK1425I"), "%s", srv_log(&v));
}

/* A second rotation: the standby in use lets the next one be pinned. */
Test(rotation, second_rotation_pins_the_next_standby)
{
	char label[CERT_LABEL_LEN];
	struct srv v;
	struct run r;

	t_need_sandbox();
	srv_init(&v, NULL);
	node(&v);
	srv_start(&v);
	first_use(&v, 1);
	bulwarkd(&v, (const char *[]){ "cert", "create", "--next", NULL }, &r);
	check_as_node(&r, &v, 0);
	cr_assert(t_contains(r.out, "BWK1409I"), "%s", r.out);
	/* one standby at a time on the server */
	t_run(&r, "bulwarkd", (const char *[]){ "--instance", v.dir, "cert",
	    "create", "--next", "--label", "other", NULL }, NULL);
	cr_assert_eq(r.status, 3, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1421E"), "%s", r.err);
	/* switch, then a new standby: pinned beside the one now in use */
	standby_label(&v, label);
	bulwarkd(&v, (const char *[]){ "cert", "default", label, NULL }, &r);
	check_as_node(&r, &v, 0);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	bulwarkd(&v, (const char *[]){ "cert", "create", "--next", "--label",
	    "third", NULL }, &r);
	check_as_node(&r, &v, 0);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "BWK1409I"), "%s", r.out);
	t_peer_stop(&v.p);
}

static void
forged(const char *how)
{
	char next[BWK_FPR_STRLEN];
	struct srv v;
	struct run r;

	t_need_sandbox();
	srv_init(&v, NULL);
	node(&v);
	setenv("BULWARK_TEST_FORGE_STANDBY", how, 1);
	srv_start(&v);
	unsetenv("BULWARK_TEST_FORGE_STANDBY");
	first_use(&v, 1);
	bulwarkd(&v, (const char *[]){ "cert", "create", "--next", "--label",
	    "nxt", NULL }, &r);
	standby_fingerprint(&v, next);
	check_as_node(&r, &v, 0);
	cr_assert_eq(r.status, 10, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1408E"), "%s", r.err);
	cr_assert(t_contains(r.err, "does not verify"), "%s", r.err);
	cr_assert(!t_contains(r.out, "BWK1409I"), "%s", r.out);
	cr_assert(!t_contains(cert_list(), next), "%s", cert_list());
	cr_assert(!t_contains(cert_list(), "standby-"), "%s", cert_list());
	t_peer_stop(&v.p);
}

Test(rotation, forged_signature_pins_nothing)
{
	forged("signature");
}

/* A proof made for another session's exporter value is no proof here. */
Test(rotation, proof_bound_to_another_session_pins_nothing)
{
	forged("exporter");
}

/*
 * The seed's disaster recovery: the server lost its key and was made
 * again. Nothing renews a key: it is refused, naming every pin (the
 * current one and the standby) and the key now shown, with the fix.
 */
Test(rotation, lost_key_refused_with_old_and_new_fingerprints)
{
	char cur[BWK_FPR_STRLEN], next[BWK_FPR_STRLEN], now[BWK_FPR_STRLEN];
	char cmd[700];
	struct srv v;
	struct run r;

	t_need_sandbox();
	srv_init(&v, NULL);
	node(&v);
	srv_start(&v);
	arm_fingerprint(&v, cur);
	first_use(&v, 1);
	bulwarkd(&v, (const char *[]){ "cert", "create", "--next", NULL }, &r);
	standby_fingerprint(&v, next);
	check_as_node(&r, &v, 0);
	cr_assert(t_contains(r.out, "BWK1409I"), "%s", r.out);
	t_peer_stop(&v.p);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", v.dir);
	cr_assert_eq(system(cmd), 0);
	srv_init(&v, NULL);
	srv_start(&v);
	arm_fingerprint(&v, now);
	srv_check(&r, &v, 1, NULL);
	cr_assert_eq(r.status, 5, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK0711E"), "%s", r.err);
	cr_assert(t_contains(r.err, cur) && t_contains(r.err, next) &&
	    t_contains(r.err, now), "want %s, %s and %s in:\n%s", cur, next,
	    now, r.err);
	cr_assert(t_contains(r.err, "bulwark-cert -replace -server srv1"),
	    "%s", r.err);
	cr_assert(t_contains(cert_list(), cur), "nothing may change: %s",
	    cert_list());
	t_peer_stop(&v.p);
}

/*
 * The default certificate's expiry is warned of from 90 days on, at
 * start (and daily, from the same function): a certificate with a few
 * days left is, one with a hundred is not, whatever else is in the
 * instance.
 */
static void
expiry_at_start(int days, int warned)
{
	char d[16], a[32], b[32];
	struct srv v;
	struct run r;
	const char *log;

	snprintf(d, sizeof(d), "%d", days);
	srv_init(&v, NULL);
	bulwarkd(&v, (const char *[]){ "cert", "create", "--label", "soon",
	    "--days", d, "--default", NULL }, &r);
	srv_start(&v);
	log = srv_log(&v);
	if (!warned) {
		cr_assert(!t_contains(log, "BWK1012W"), "%d days: %s", days, log);
	} else {
		cr_assert(t_contains(log, "BWK1012W") && t_contains(log,
		    "the server's certificate expires on "), "%d days: %s",
		    days, log);
		/* whole days left: the seconds since it was made round down */
		snprintf(a, sizeof(a), "in %d day", days - 1);
		snprintf(b, sizeof(b), "in %d day", days);
		cr_assert(t_contains(log, a) || t_contains(log, b), "%s", log);
		cr_assert(t_contains(log, "cert renew"), "%s", log);
	}
	t_peer_stop(&v.p);
}

Test(rotation, expiry_warned_with_few_days_left)
{
	t_need_sandbox();
	expiry_at_start(5, 1);
}

Test(rotation, expiry_warned_at_thirty_days)
{
	t_need_sandbox();
	expiry_at_start(30, 1);
}

Test(rotation, expiry_not_warned_with_a_hundred_days_left)
{
	t_need_sandbox();
	expiry_at_start(100, 0);
}
