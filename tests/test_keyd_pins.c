/*
 * The key helper's rotation requests against the real bulwark-keyd,
 * through the client's stubs: RENEW replaces a pin only with a
 * certificate for the same key, which the helper checks itself; STANDBY
 * only adds, beside a pin the database has, and at most one standby
 * waits per server; neither is granted twice in a session, nor to a
 * server's helper, and bytes that are no certificate stop the helper.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hash.h>

#include "../src/lib/certfile.h"
#include "../src/lib/msg.h"
#include "../src/lib/util.h"
#include "../src/tls/keyd_client.h"
#include "helpers.h"

static void setup(void) { t_tmpdir(); bwk_quiet = 1; }
static void teardown(void) { t_cleanup(); }

TestSuite(keyd_pins, .init = setup, .fini = teardown, .timeout = 60);

struct der {
	uint8_t	*p;
	size_t	 n;
	uint8_t	 fpr[32];
};

static void
der_of(const char *path, struct der *d)
{
	struct cert_list cl;
	const char *id;
	char why[128];
	uint8_t *b;
	size_t n;

	cr_assert_eq(t_read(path, &b, &n), 0, "%s", path);
	memset(&cl, 0, sizeof(cl));
	cr_assert_eq(certfile_split(b, n, &cl, &id, why, sizeof(why)), 0, "%s",
	    why);
	d->n = cl.c[0].len;
	cr_assert_not_null(d->p = malloc(d->n));
	memcpy(d->p, cl.c[0].der, d->n);
	cr_assert_eq(wc_Sha256Hash(d->p, (word32)d->n, d->fpr), 0);
	cert_list_free(&cl);
	free(b);
}

/* A new certificate for ec384.pem's key: what cert renew makes. */
static void
renewed(struct der *d)
{
	struct run r;
	const char *argv[] = { "openssl", "req", "-x509", "-new", "-key",
	    t_cert("ec384.key"), "-subj", "/CN=renewed", "-days", "30",
	    "-sha384", "-out", t_path("renewed.pem"), NULL };

	t_run_any(&r, argv);
	cr_assert_eq(r.status, 0, "%s", r.err);
	der_of(t_path("renewed.pem"), d);
}

/* A helper for srv1 whose standard error, its audit lines, is a file. */
static void
spawn(struct keyd_conn *c)
{
	struct keyd_spawn_opts o = { .server = "srv1" };
	int save = dup(2), fd = open(t_path("keyd.err"), O_WRONLY | O_CREAT |
	    O_APPEND, 0600);

	cr_assert(save != -1 && fd != -1);
	o.db = t_db();
	dup2(fd, 2);
	cr_assert_eq(keyd_spawn(c, &o), 0);
	dup2(save, 2);
	close(save);
	close(fd);
	cr_assert_eq(keyd_hello(c), 0);
}

static const char *
keyd_err(void)
{
	static char buf[16384];
	uint8_t *b;
	size_t n;

	buf[0] = '\0';
	if (t_read(t_path("keyd.err"), &b, &n) == 0) {
		snprintf(buf, sizeof(buf), "%.*s", (int)n, (char *)b);
		free(b);
	}
	return buf;
}

static void
helper(struct keyd_conn *c)
{
	struct run r;

	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", "srv1", "-file",
	    t_cert("ec384.pem"), NULL), 0, "%s", r.err);
	spawn(c);
	cr_assert(c->may_update, "a writable database may be updated");
}

static const char *
listing(void)
{
	static struct run r;

	cr_assert_eq(t_cert_cmd(&r, "-list", "--json", NULL), 0, "%s", r.err);
	return r.out;
}

static const char *
hex(const uint8_t f[32])
{
	static char s[BWK_FPR_STRLEN];

	bwk_fpr_format(f, s);
	return s;
}

Test(keyd_pins, renew_only_for_the_same_key)
{
	static struct keyd_conn c;
	struct der pin, other, same;
	uint8_t fpr[32];
	uint32_t why;

	helper(&c);
	der_of(t_cert("ec384.pem"), &pin);
	der_of(t_cert("ec256.pem"), &other);
	renewed(&same);
	/* another key: the helper compares the keys itself, and refuses */
	cr_assert_eq(keyd_renew(&c, "srv1", pin.fpr, other.p, other.n, fpr,
	    &why), 1);
	cr_assert_eq(why, KEYD_FAIL_OTHER_KEY);
	cr_assert(t_contains(listing(), hex(pin.fpr)), "%s", listing());
	cr_assert(!t_contains(listing(), hex(other.fpr)), "%s", listing());
	cr_assert_eq(keyd_close(&c), 0);
	cr_assert(t_contains(keyd_err(), "BWK0566W"), "%s", keyd_err());
	/* the same key: the pin holds the new certificate, its label kept */
	spawn(&c);
	cr_assert_eq(keyd_renew(&c, "srv1", pin.fpr, same.p, same.n, fpr,
	    &why), 0);
	cr_assert_eq(memcmp(fpr, same.fpr, 32), 0);
	cr_assert(t_contains(listing(), hex(same.fpr)), "%s", listing());
	cr_assert(!t_contains(listing(), hex(pin.fpr)), "%s", listing());
	cr_assert(t_contains(listing(), "\"label\": \"srv1\""), "%s",
	    listing());
	/* one renewal a session: a second stops the helper */
	cr_assert_eq(keyd_renew(&c, "srv1", same.fpr, pin.p, pin.n, fpr,
	    &why), -1);
	cr_assert_eq(keyd_close(&c), -1);
	cr_assert(t_contains(keyd_err(), "BWK0568I"), "%s", keyd_err());
	cr_assert(t_contains(keyd_err(), "BWK0516E"), "%s", keyd_err());
	free(pin.p);
	free(other.p);
	free(same.p);
}

/* A pin the database does not hold is not renewed, whatever the key. */
Test(keyd_pins, renew_of_an_unknown_pin_refused)
{
	static struct keyd_conn c;
	struct der same;
	uint8_t fpr[32], nopin[32] = { 1 };
	uint32_t why;

	helper(&c);
	renewed(&same);
	cr_assert_eq(keyd_renew(&c, "srv1", nopin, same.p, same.n, fpr, &why),
	    1);
	cr_assert_eq(why, KEYD_FAIL_REFUSED);
	cr_assert_eq(keyd_close(&c), 0);
	free(same.p);
}

Test(keyd_pins, standby_added_beside_the_pin_one_at_a_time)
{
	static struct keyd_conn c;
	struct der pin, s1, s2;
	uint8_t fpr[32], nopin[32] = { 1 };
	uint32_t why;

	helper(&c);
	der_of(t_cert("ec384.pem"), &pin);
	der_of(t_cert("ec256.pem"), &s1);
	der_of(t_cert("rsa2048.pem"), &s2);
	cr_assert_eq(keyd_standby(&c, "srv1", pin.fpr, s1.p, s1.n, fpr, &why),
	    0, "%u", why);
	cr_assert(t_contains(listing(), hex(s1.fpr)), "%s", listing());
	cr_assert(t_contains(listing(), hex(pin.fpr)), "nothing replaced: %s",
	    listing());
	cr_assert(t_contains(listing(), "standby-"), "%s", listing());
	cr_assert_eq(keyd_close(&c), 0);
	/* a second standby while the first waits: refused */
	spawn(&c);
	cr_assert_eq(keyd_standby(&c, "srv1", pin.fpr, s2.p, s2.n, fpr, &why),
	    1);
	cr_assert_eq(why, KEYD_FAIL_EXISTS);
	cr_assert_eq(keyd_close(&c), 0);
	/* beside no pin: refused */
	spawn(&c);
	cr_assert_eq(keyd_standby(&c, "srv1", nopin, s2.p, s2.n, fpr, &why), 1);
	cr_assert_eq(why, KEYD_FAIL_REFUSED);
	cr_assert_eq(keyd_close(&c), 0);
	/* once the standby is in use, the next one is pinned beside it */
	spawn(&c);
	cr_assert_eq(keyd_standby(&c, "srv1", s1.fpr, s2.p, s2.n, fpr, &why),
	    0, "%u", why);
	cr_assert(t_contains(listing(), hex(s2.fpr)), "%s", listing());
	/* one a session */
	cr_assert_eq(keyd_standby(&c, "srv1", s1.fpr, pin.p, pin.n, fpr, &why),
	    -1);
	cr_assert_eq(keyd_close(&c), -1);
	free(pin.p);
	free(s1.p);
	free(s2.p);
}

/* Bytes no client would ask to pin: the network process is not ours. */
Test(keyd_pins, bytes_that_are_no_certificate_stop_the_helper)
{
	static struct keyd_conn c;
	struct der pin;
	uint8_t fpr[32], junk[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
	uint32_t why;

	helper(&c);
	der_of(t_cert("ec384.pem"), &pin);
	cr_assert_eq(keyd_standby(&c, "srv1", pin.fpr, junk, sizeof(junk), fpr,
	    &why), -1);
	cr_assert_eq(keyd_close(&c), -1);
	cr_assert(t_contains(keyd_err(), "BWK0565E"), "%s", keyd_err());
	cr_assert(!t_contains(listing(), "standby-"), "%s", listing());
	free(pin.p);
}

/* A client's helper proves no standby key: it holds none. */
Test(keyd_pins, client_helper_proves_no_standby)
{
	static struct keyd_conn c;
	uint8_t ekm[32] = { 0 }, cert[1024], sig[512];
	size_t clen = sizeof(cert), slen = sizeof(sig);

	helper(&c);
	cr_assert_eq(c.standby, 0);
	cr_assert_eq(keyd_sign_standby(&c, ekm, cert, &clen, sig, &slen), -1);
	cr_assert_eq(keyd_close(&c), -1, "the helper stopped");
	cr_assert(t_contains(keyd_err(), "BWK0516E"), "%s", keyd_err());
}
