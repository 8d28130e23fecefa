/*
 * bulwark-cert, command by command, against the real program: what it
 * prints, the message IDs, the exit statuses, and that a refusal leaves
 * the database byte-for-byte as it was.
 */
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hash.h>

#include "../src/lib/certfile.h"
#include "../src/lib/msg.h"
#include "../src/kdb/store.h"
#include "../src/lib/x509.h"
#include "helpers.h"

#define KDB	t_path("db/bulwark.kdb")

static void setup(void) { t_tmpdir(); }
static void teardown(void) { t_cleanup(); }

TestSuite(cert_cmd, .init = setup, .fini = teardown, .timeout = 60);

static void
add_ok(const char *server, const char *file)
{
	struct run r;

	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", server, "-file",
	    t_cert(file), NULL), 0, "add %s: %s", file, r.err);
}

Test(cert_cmd, add_creates_db_and_lists)
{
	struct run r;

	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", "srv1", "-file",
	    t_cert("ec256.arm"), NULL), 0, "%s", r.err);
	cr_assert(t_contains(r.out, "BWK0340I"));
	cr_assert(t_contains(r.out, "label:    srv1"));
	cr_assert(t_contains(r.out, "subject:  /CN=ec256.test"));
	cr_assert(t_contains(r.out, "pinned server certificate"));
	cr_assert(t_contains(r.out, "SHA-256:  "));
	cr_assert(t_contains(r.out, "valid:    "));
	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 0);
	cr_assert(t_contains(r.out, "srv1"));
	cr_assert(t_contains(r.out, "pinned"));
	cr_assert(t_contains(r.out, "/CN=ec256.test"));
}

Test(cert_cmd, gnu_long_options_and_equals)
{
	struct run r;

	cr_assert_eq(t_cert_cmd(&r, "--add", "--server=srv1",
	    "--file", t_cert("ec256.der"), NULL), 0, "%s", r.err);
	cr_assert_eq(t_cert_cmd(&r, "--list", "--json", NULL), 0);
	cr_assert(t_contains(r.out, "\"label\": \"srv1\""));
}

Test(cert_cmd, files_are_0600_dir_0700)
{
	struct stat st;

	add_ok("srv1", "ec256.pem");
	cr_assert_eq(stat(KDB, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	cr_assert_eq(stat(t_path("db/bulwark.sth"), &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	cr_assert_eq(st.st_size, 48);
	cr_assert_eq(stat(t_db(), &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0700);
}

Test(cert_cmd, bundle_stores_every_certificate)
{
	struct run r;

	add_ok("srv2", "chain.pem");
	cr_assert_eq(t_cert_cmd(&r, "-show", "-server", "srv2", NULL), 0);
	cr_assert(t_contains(r.out, "label:    srv2\n"));
	cr_assert(t_contains(r.out, "label:    srv2/2"));
	cr_assert(t_contains(r.out, "label:    srv2/3"));
	/* the leaf is pinned, the intermediate and root are CA roots */
	cr_assert(t_contains(r.out, "kind:     pinned server certificate"));
	cr_assert(t_contains(r.out, "kind:     CA root"));
}

Test(cert_cmd, global_ca)
{
	struct run r;

	cr_assert_eq(t_cert_cmd(&r, "-add", "-ca", "-label", "corp-root",
	    "-file", t_cert("ca.pem"), NULL), 0, "%s", r.err);
	cr_assert(t_contains(r.out, "(every server)"));
	/* a server leaf is not a CA: -ca refuses it */
	cr_assert_eq(t_cert_cmd(&r, "-add", "-ca", "-label", "x", "-file",
	    t_cert("ec256.pem"), NULL), 3);
	cr_assert(t_contains(r.err, "BWK0333E"));
	/* a root for every server is already trusted for srv9 */
	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", "srv9", "-file",
	    t_cert("ca.pem"), NULL), 3);
	cr_assert(t_contains(r.err, "BWK0330E"));
	cr_assert(t_contains(r.err, "corp-root"));
}

/* Each refusal: its own ID, exit 3, and nothing changed. */
static void
refused(const char *file, const char *id)
{
	struct run r;

	add_ok("base", "ec384.pem");
	cr_assert_eq(t_copy(KDB, t_path("before")), 0);
	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", "new", "-file",
	    t_cert(file), NULL), 3, "%s: %s", file, r.err);
	cr_assert(t_contains(r.err, id), "%s: want %s, got: %s", file, id,
	    r.err);
	cr_assert(t_contains(r.err, "nothing was imported"), "%s", r.err);
	cr_assert(t_same_file(KDB, t_path("before")), "database changed");
}

Test(cert_cmd, refuse_not_certificate) { refused("notcert.txt", "BWK0301E"); }
Test(cert_cmd, refuse_empty) { refused("empty.pem", "BWK0301E"); }
Test(cert_cmd, refuse_truncated_pem) { refused("truncated.pem", "BWK0302E"); }
Test(cert_cmd, refuse_bad_base64) { refused("badchar.pem", "BWK0302E"); }
Test(cert_cmd, refuse_no_end_line) { refused("noend.pem", "BWK0302E"); }
Test(cert_cmd, refuse_private_key) { refused("with-key.pem", "BWK0303E"); }
Test(cert_cmd, refuse_truncated_der) { refused("truncated.der", "BWK0310E"); }
Test(cert_cmd, refuse_expired) { refused("expired.pem", "BWK0320E"); }
Test(cert_cmd, refuse_not_yet_valid) { refused("future.pem", "BWK0321E"); }
Test(cert_cmd, refuse_rsa1024) { refused("rsa1024.pem", "BWK0322E"); }
Test(cert_cmd, refuse_p224) { refused("ec224.pem", "BWK0322E"); }
Test(cert_cmd, refuse_sha1_signature) { refused("sha1.pem", "BWK0323E"); }
/* RSA-PSS over SHA-256 whose MGF1 still uses SHA-1: one hash or none */
Test(cert_cmd, refuse_pss_mgf1_sha1) { refused("pss-mgf1sha1.pem", "BWK0323E"); }
Test(cert_cmd, pss_sha256_imports) { add_ok("srv1", "pss-sha256.pem"); }

Test(cert_cmd, refuse_missing_file)
{
	struct run r;

	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", "s", "-file",
	    t_path("nope.pem"), NULL), 3);
	cr_assert(t_contains(r.err, "BWK0306E"));
	cr_assert(t_contains(r.err, "No such file"));
	/* a refused first import creates nothing */
	cr_assert_neq(access(t_db(), F_OK), 0);
}

Test(cert_cmd, unsafe_override_imports_expired)
{
	struct run r;

	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", "old", "-file",
	    t_cert("expired.pem"), "--unsafe-allow-invalid-dates", NULL), 0,
	    "%s", r.err);
	cr_assert(t_contains(r.out, "EXPIRED"));
	/* the override never lowers the key or signature floor */
	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", "weak", "-file",
	    t_cert("rsa1024.pem"), "--unsafe-allow-invalid-dates", NULL), 3);
}

Test(cert_cmd, refuse_duplicate_names_entry)
{
	struct run r;

	add_ok("srv1", "ec256.pem");
	cr_assert_eq(t_copy(KDB, t_path("before")), 0);
	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", "srv1", "-file",
	    t_cert("ec256.der"), NULL), 3);
	cr_assert(t_contains(r.err, "BWK0330E"));
	cr_assert(t_contains(r.err, "entry 'srv1'"));
	cr_assert(t_same_file(KDB, t_path("before")));
}

Test(cert_cmd, refuse_label_bound_to_other_cert)
{
	struct run r;

	add_ok("srv1", "ec256.pem");
	cr_assert_eq(t_copy(KDB, t_path("before")), 0);
	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", "SRV1", "-file",
	    t_cert("other.pem"), NULL), 3);
	cr_assert(t_contains(r.err, "BWK0331E"), "%s", r.err);
	cr_assert(t_contains(r.err, "bulwark-cert -replace -server SRV1"));
	cr_assert(t_same_file(KDB, t_path("before")));
}

Test(cert_cmd, replace_prints_old_and_new)
{
	struct run r;

	add_ok("srv1", "ec256.pem");
	cr_assert_eq(t_cert_cmd(&r, "-replace", "-server", "srv1", "-file",
	    t_cert("other.pem"), NULL), 0, "%s", r.err);
	cr_assert(t_contains(r.out, "BWK0343I"));
	cr_assert(t_contains(r.out, "old: srv1"));
	cr_assert(t_contains(r.out, "/CN=other.test"));
	cr_assert_eq(t_cert_cmd(&r, "-show", "-server", "srv1", NULL), 0);
	cr_assert(t_contains(r.out, "/CN=other.test"));
	cr_assert(!t_contains(r.out, "/CN=ec256.test"));
	/* a refused replacement keeps the old entry */
	cr_assert_eq(t_cert_cmd(&r, "-replace", "-server", "srv1", "-file",
	    t_cert("sha1.pem"), NULL), 3);
	cr_assert_eq(t_cert_cmd(&r, "-show", "-server", "srv1", NULL), 0);
	cr_assert(t_contains(r.out, "/CN=other.test"));
}

Test(cert_cmd, delete_by_server_and_label)
{
	struct run r;

	add_ok("srv1", "ec256.pem");
	add_ok("srv2", "chain.pem");
	cr_assert_eq(t_cert_cmd(&r, "-delete", "-label", "srv2/3", NULL), 0);
	cr_assert(t_contains(r.out, "BWK0351I"));
	cr_assert_eq(t_cert_cmd(&r, "-delete", "-server", "srv1", NULL), 0);
	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 0);
	cr_assert(!t_contains(r.out, "srv1 "));
	cr_assert(t_contains(r.out, "srv2/2"));
	cr_assert(!t_contains(r.out, "srv2/3"));
	cr_assert_eq(t_cert_cmd(&r, "-delete", "-server", "srv1", NULL), 4);
	cr_assert(t_contains(r.err, "BWK0350E"));
	cr_assert_eq(t_cert_cmd(&r, "-show", "-label", "none", NULL), 4);
}

Test(cert_cmd, list_json)
{
	struct run r;

	add_ok("srv1", "ec256.pem");
	cr_assert_eq(t_cert_cmd(&r, "-list", "--json", NULL), 0);
	cr_assert(t_contains(r.out, "\"kind\": \"pinned\""));
	cr_assert(t_contains(r.out, "\"sha256\": \""));
	cr_assert(t_contains(r.out, "\"days_left\": "));
	cr_assert(t_contains(r.out, "\"subject\": \"/CN=ec256.test/O=Bulwark Test\""));
}

Test(cert_cmd, list_without_database)
{
	struct run r;

	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 0);
	cr_assert(t_contains(r.out, "BWK0344I"));
	cr_assert_neq(access(t_db(), F_OK), 0, "-list must not create files");
}

Test(cert_cmd, expiring_exit_status)
{
	struct run r;

	add_ok("srv1", "ec256.pem");		/* ten years */
	cr_assert_eq(t_cert_cmd(&r, "-expiring", "30", NULL), 0);
	cr_assert(t_contains(r.out, "BWK0347I"));
	add_ok("soon", "soon.pem");		/* ten days */
	cr_assert_eq(t_cert_cmd(&r, "-expiring", "30", NULL), 8);
	cr_assert(t_contains(r.out, "BWK0345W"));
	cr_assert(t_contains(r.out, "'soon'"));
	cr_assert(!t_contains(r.out, "'srv1'"));
	cr_assert_eq(t_cert_cmd(&r, "-expiring", "5", NULL), 0);
	cr_assert_eq(t_cert_cmd(&r, "-expiring", "x", NULL), 2);
}

Test(cert_cmd, verify_and_rekey)
{
	struct run r;

	add_ok("srv1", "ec256.pem");
	add_ok("srv2", "chain.pem");
	cr_assert_eq(t_copy(t_path("db/bulwark.sth"), t_path("oldsth")), 0);
	cr_assert_eq(t_cert_cmd(&r, "-verify", NULL), 0, "%s", r.err);
	cr_assert(t_contains(r.out, "BWK0362I"));
	cr_assert(t_contains(r.out, "4 entries"));
	cr_assert_eq(t_cert_cmd(&r, "-rekey", NULL), 0, "%s", r.err);
	cr_assert(t_contains(r.out, "BWK0360I"));
	cr_assert(!t_same_file(t_path("db/bulwark.sth"), t_path("oldsth")));
	cr_assert_neq(access(t_path("db/bulwark.sth.new"), F_OK), 0);
	cr_assert_eq(t_cert_cmd(&r, "-verify", NULL), 0, "%s", r.err);
	cr_assert(t_contains(r.out, "4 entries"));
	/* the old stash no longer opens the database */
	cr_assert_eq(t_copy(t_path("oldsth"), t_path("db/bulwark.sth")), 0);
	cr_assert_eq(t_cert_cmd(&r, "-verify", NULL), 5);
	cr_assert(t_contains(r.err, "BWK0106E"));
}

Test(cert_cmd, selftest_prints_each_result)
{
	struct run r;

	cr_assert_eq(t_cert_cmd(&r, "-selftest", NULL), 0);
	cr_assert(t_contains(r.out, "AES-256-GCM"));
	cr_assert(t_contains(r.out, "SHA-256"));
	cr_assert(t_contains(r.out, "SHA-384"));
	cr_assert(t_contains(r.out, "HMAC-SHA-256"));
	cr_assert(t_contains(r.out, "DRBG"));
	cr_assert(t_contains(r.out, "ECDSA-P256"));
	cr_assert(t_contains(r.out, "RSA-2048"));
	cr_assert(t_contains(r.out, " ms"));
	cr_assert(t_contains(r.out, "BWK0011I"));
}

/* A broken algorithm stops every command before it touches anything. */
Test(cert_cmd, selftest_failure_refuses_to_run)
{
	static const char *names[] = { "AES-256-GCM", "SHA-256", "SHA-384",
	    "HMAC-SHA-256", "DRBG", "ECDSA-P256", "RSA-2048" };
	struct run r;
	char env[64];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *argv[] = { "-add", "-server", "s", "-file",
		    t_cert("ec256.pem"), NULL };
		const char *envp[] = { env, NULL };

		snprintf(env, sizeof(env), "BULWARK_SELFTEST_BREAK=%s", names[i]);
		t_run(&r, "bulwark-cert", argv, envp);
		cr_assert_eq(r.status, 6, "%s: status %d", names[i], r.status);
		cr_assert(t_contains(r.err, "BWK0010E"));
		cr_assert(t_contains(r.err, names[i]));
		cr_assert_neq(access(t_db(), F_OK), 0);
		t_run(&r, "bulwark-cert", (const char *[]){ "-selftest", NULL },
		    envp);
		cr_assert_eq(r.status, 6);
		cr_assert(t_contains(r.out, "FAIL"));
	}
}

Test(cert_cmd, usage_errors)
{
	struct run r;

	cr_assert_eq(t_cert_cmd(&r, NULL), 2);
	cr_assert(t_contains(r.err, "BWK0300E"));
	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", "s", NULL), 2);
	cr_assert_eq(t_cert_cmd(&r, "-add", "-file", "x", NULL), 2);
	cr_assert_eq(t_cert_cmd(&r, "-list", "-bogus", NULL), 2);
	cr_assert_eq(t_cert_cmd(&r, "-list", "-add", NULL), 2);
	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", "a/b", "-file", "x", NULL), 2);
	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", "-x", "-file", "x", NULL), 2);
	cr_assert_eq(t_cert_cmd(&r, "-list", "-server", "s", NULL), 2);
	cr_assert_eq(t_cert_cmd(&r, "-add", "-ca", "-server", "s", "-file", "x", NULL), 2);
	cr_assert_eq(t_cert_cmd(&r, "-help", NULL), 0);
	cr_assert(t_contains(r.out, "Exit status"));
}

/* ---- labels: never cut, never shared, never bricking the database ---- */

static const char *
long_name(char c, size_t n, const char *tail)
{
	static char bufs[8][256];
	static int i;
	char *b = bufs[i++ % 8];

	memset(b, c, n);
	snprintf(b + n, sizeof(bufs[0]) - n, "%s", tail);
	return b;
}

static int
client_add(struct run *r, const char *server)
{
	return t_cert_cmd(r, "-add", "-client", "-server", server, "-file",
	    t_cert("ec256.pem"), "-key", t_cert("ec256.key"), NULL);
}

static int
nodepw(struct run *r, const char *server)
{
	const char *argv[] = { "-nodepw", "-server", server, "-node", "n1",
	    NULL };
	int p[2], saved = dup(0);

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(write(p[1], "pw-123\n", 7), 7);
	close(p[1]);
	dup2(p[0], 0);
	close(p[0]);
	t_run(r, "bulwark-cert", argv, NULL);
	dup2(saved, 0);
	close(saved);
	return r->status;
}

/*
 * Two servers whose names share their first 100 characters: the labels of
 * their client entries were cut there and collided, every later open
 * failed with BWK0105E, and nothing could repair the database.
 */
Test(cert_cmd, long_server_names_keep_apart)
{
	const char *s1 = long_name('a', 100, "1"), *s2 = long_name('a', 100, "2");
	struct run r;

	cr_assert_eq(client_add(&r, s1), 0, "%s", r.err);
	cr_assert_eq(client_add(&r, s2), 0, "%s", r.err);
	cr_assert_eq(nodepw(&r, s1), 0, "%s", r.err);
	cr_assert_eq(nodepw(&r, s2), 0, "%s", r.err);
	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 0, "%s", r.err);
	cr_assert(t_contains(r.out, s1) && t_contains(r.out, s2), "%s", r.out);
	cr_assert_eq(t_cert_cmd(&r, "-verify", NULL), 0, "%s", r.err);
	cr_assert(t_contains(r.out, " 6 entries"), "%s", r.out);
	cr_assert_eq(t_cert_cmd(&r, "-delete", "-server", s1, NULL), 0);
	cr_assert_eq(t_cert_cmd(&r, "-verify", NULL), 0, "%s", r.err);
	cr_assert(t_contains(r.out, " 3 entries"), "%s", r.out);
}

/*
 * A user's label cannot reach the labels bulwark-cert makes itself: a
 * server named like an old internal label, then the client identity of
 * the server it names.
 */
Test(cert_cmd, user_labels_cannot_take_internal_ones)
{
	struct run r;

	add_ok("client-cert:srvZ", "ec384.pem");
	add_ok("client-key:srvZ", "other.pem");
	add_ok("nodepw:srvZ", "rsa2048.pem");
	cr_assert_eq(client_add(&r, "srvZ"), 0, "%s", r.err);
	cr_assert_eq(nodepw(&r, "srvZ"), 0, "%s", r.err);
	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 0, "%s", r.err);
	cr_assert(t_contains(r.out, "client-cert@srvZ"), "%s", r.out);
	cr_assert(t_contains(r.out, "client-key@srvZ"), "%s", r.out);
	cr_assert(t_contains(r.out, "nodepw@srvZ"), "%s", r.out);
	cr_assert_eq(t_cert_cmd(&r, "-verify", NULL), 0, "%s", r.err);
	cr_assert(t_contains(r.out, " 6 entries"), "%s", r.out);
	/* and no name a user gives can hold the marker */
	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", "client-cert@x",
	    "-file", t_cert("ec256.pem"), NULL), 2);
	cr_assert_eq(t_cert_cmd(&r, "-add", "-ca", "-label", "nodepw@x",
	    "-file", t_cert("ca.pem"), NULL), 2);
}

/* A name that does not fit the label it makes is refused, never cut. */
Test(cert_cmd, name_too_long_for_its_label_refused)
{
	const char *s116 = long_name('b', 116, ""), *s117 = long_name('b', 117, "");
	const char *s121 = long_name('c', 121, ""), *s122 = long_name('c', 122, "");
	const char *s126 = long_name('d', 126, ""), *s127 = long_name('d', 127, "");
	struct run r;

	cr_assert_eq(client_add(&r, s117), 2, "%s", r.err);
	cr_assert(t_contains(r.err, "BWK0375E"), "%s", r.err);
	cr_assert(t_contains(r.err, "at most 116"), "%s", r.err);
	cr_assert_eq(nodepw(&r, s122), 2, "%s", r.err);
	cr_assert(t_contains(r.err, "BWK0375E"), "%s", r.err);
	/* chain.pem holds three certificates: NAME, NAME/2, NAME/3 */
	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", s127, "-file",
	    t_cert("chain.pem"), NULL), 2, "%s", r.err);
	cr_assert(t_contains(r.err, "BWK0375E"), "%s", r.err);
	cr_assert_neq(access(t_db(), F_OK), 0, "a refusal wrote something");
	/* one character less fits, and is stored whole */
	cr_assert_eq(client_add(&r, s116), 0, "%s", r.err);
	cr_assert_eq(nodepw(&r, s121), 0, "%s", r.err);
	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", s126, "-file",
	    t_cert("chain.pem"), NULL), 0, "%s", r.err);
	cr_assert_eq(t_cert_cmd(&r, "-show", "-label", long_name('d', 126, "/3"),
	    NULL), 0, "%s", r.err);
	cr_assert_eq(t_cert_cmd(&r, "-verify", NULL), 0, "%s", r.err);
	cr_assert(t_contains(r.out, " 6 entries"), "%s", r.out);
}

/*
 * -replace whose new label is another entry's: refused as a refusal
 * (exit 3) before anything is removed, not found while appending and
 * reported as an unusable database (exit 5).
 */
Test(cert_cmd, replace_onto_another_entrys_label_refused)
{
	struct run r;

	cr_assert_eq(t_cert_cmd(&r, "-add", "-ca", "-label", "X", "-file",
	    t_cert("ca.pem"), NULL), 0, "%s", r.err);
	cr_assert_eq(t_copy(KDB, t_path("before")), 0);
	cr_assert_eq(t_cert_cmd(&r, "-replace", "-server", "X", "-file",
	    t_cert("ec256.pem"), NULL), 3, "%s", r.err);
	cr_assert(t_contains(r.err, "BWK0334E"), "%s", r.err);
	cr_assert(t_contains(r.err, "does not replace"), "%s", r.err);
	cr_assert(t_same_file(KDB, t_path("before")), "database rewritten");
}

/* ---- readers take a certificate's dates from the certificate ---- */

/* An entry stored in-process, as a writer with other ideas would store it. */
static void
put_entry(int kind, const char *label, const char *server,
    const uint8_t *data, size_t len, int64_t nb, int64_t na)
{
	struct store s;
	struct kdb db;
	struct stash st;
	struct kdb_entry e;

	memset(&e, 0, sizeof(e));
	e.kind = (uint8_t)kind;
	e.origin = KDB_FROM_SERVER;
	snprintf(e.label, sizeof(e.label), "%s", label);
	snprintf(e.server, sizeof(e.server), "%s", server);
	e.added = bwk_now();
	e.not_before = nb;
	e.not_after = na;
	e.len = len;
	e.data = malloc(len);
	memcpy(e.data, data, len);
	wc_Sha256Hash(e.data, (word32)len, e.fpr);
	cr_assert_eq(store_open(&s, t_db(), STORE_WRITE), 0);
	cr_assert_eq(store_load(&s, &db, &st), 0);
	cr_assert_eq(kdb_append(&db, &e), 0);
	cr_assert_eq(store_save(&s, &db, &st), 0);
	kdb_free(&db);
	stash_wipe(&st);
	store_close(&s);
}

/* The first certificate of a test file, as DER, and its own dates. */
static void
cert_der(const char *file, uint8_t **der, size_t *len, struct certinfo *ci)
{
	struct cert_list l;
	uint8_t *buf;
	size_t n;
	const char *id;
	char why[256];

	cr_assert_eq(t_read(t_cert(file), &buf, &n), 0);
	cr_assert_eq(certfile_split(buf, n, &l, &id, why, sizeof(why)), 0);
	cr_assert_eq(x509_inspect(l.c[0].der, l.c[0].len, ci, why, sizeof(why)),
	    0);
	*len = l.c[0].len;
	*der = malloc(*len);
	memcpy(*der, l.c[0].der, *len);
	cert_list_free(&l);
	free(buf);
}

/*
 * Dates stored beside a certificate came from whoever wrote the entry (for
 * a first-use pin, the network process). INT64_MIN overflowed -expiring
 * (UBSan aborted; the release build then hid the entry), and a lie about
 * the end hid an expiring certificate. Readers now use the DER's dates.
 */
Test(cert_cmd, readers_take_dates_from_the_certificate)
{
	struct certinfo soon, far;
	uint8_t *d1, *d2;
	size_t l1, l2;
	char want[64], date[32];
	struct run r;

	cert_der("soon.pem", &d1, &l1, &soon);		/* ten days */
	cert_der("ec256.pem", &d2, &l2, &far);		/* ten years */
	put_entry(KDB_PINNED, "soon", "soon", d1, l1, INT64_MIN, INT64_MAX);
	put_entry(KDB_PINNED, "far", "far", d2, l2, INT64_MIN, INT64_MIN);
	cr_assert_eq(t_cert_cmd(&r, "-expiring", "30", NULL), 8, "%s", r.err);
	cr_assert(t_contains(r.out, "'soon'"), "%s", r.out);
	cr_assert(!t_contains(r.out, "'far'"), "%s", r.out);
	cr_assert_eq(t_cert_cmd(&r, "-expiring", "30", "--json", NULL), 8);
	snprintf(want, sizeof(want), "\"not_after\": %lld",
	    (long long)soon.not_after);
	cr_assert(t_contains(r.out, want), "want %s: %s", want, r.out);
	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 0, "%s", r.err);
	bwk_time_format(far.not_after, date);
	date[10] = '\0';
	cr_assert(t_contains(r.out, date), "want %s: %s", date, r.out);
	cr_assert_eq(t_cert_cmd(&r, "-show", "-label", "soon", NULL), 0);
	bwk_time_format(soon.not_after, date);
	cr_assert(t_contains(r.out, date), "want %s: %s", date, r.out);
	/* -verify holds the recorded dates against the certificate's */
	cr_assert_eq(t_cert_cmd(&r, "-verify", NULL), 5);
	cr_assert(t_contains(r.err, "BWK0361E"), "%s", r.err);
	cr_assert(t_contains(r.err, "-delete -label soon"), "%s", r.err);
	free(d1);
	free(d2);
}

/* An entry that is no certificate is reported as such, with the way out. */
Test(cert_cmd, unreadable_entry_reported_with_delete)
{
	static const uint8_t junk[] = "not a certificate";
	struct run r;

	add_ok("srv1", "ec256.pem");
	put_entry(KDB_PINNED, "junk", "junk", junk, sizeof(junk), 0, 0);
	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 0, "%s", r.err);
	cr_assert(t_contains(r.out, "BWK0377W"), "%s", r.out);
	cr_assert(t_contains(r.out, "bulwark-cert -delete -label junk"), "%s",
	    r.out);
	cr_assert(t_contains(r.out, "srv1 "), "%s", r.out);
	cr_assert_eq(t_cert_cmd(&r, "-list", "--json", NULL), 0);
	cr_assert(t_contains(r.out, "\"unreadable\": "), "%s", r.out);
	cr_assert_eq(t_cert_cmd(&r, "-show", "-label", "junk", NULL), 0);
	cr_assert(t_contains(r.out, "BWK0377W"), "%s", r.out);
	cr_assert_eq(t_cert_cmd(&r, "-expiring", "30", NULL), 8);
	cr_assert(t_contains(r.out, "BWK0377W"), "%s", r.out);
	cr_assert_eq(t_cert_cmd(&r, "-verify", NULL), 5);
	cr_assert(t_contains(r.err, "BWK0361E"), "%s", r.err);
	cr_assert(t_contains(r.err, "bulwark-cert -delete -label junk"), "%s",
	    r.err);
	cr_assert_eq(t_cert_cmd(&r, "-delete", "-label", "junk", NULL), 0);
	cr_assert_eq(t_cert_cmd(&r, "-verify", NULL), 0, "%s", r.err);
}

/*
 * RSA-2048 client keys: the policy's floor. The pair check ran in a
 * fresh TLS context with the hardened build's 3072-bit minimum, and said
 * such a key "does not belong"; a key too small now says so.
 */
Test(cert_cmd, rsa2048_client_key_imported)
{
	struct run r;

	cr_assert_eq(t_cert_cmd(&r, "-add", "-client", "-server", "s1", "-file",
	    t_cert("rsa2048.pem"), "-key", t_cert("rsa2048.key"), NULL), 0,
	    "%s", r.err);
	cr_assert(t_contains(r.out, "BWK0372I"), "%s", r.out);
	cr_assert_eq(t_cert_cmd(&r, "-add", "-client", "-server", "s2", "-file",
	    t_cert("rsa2048.pem"), "-key", t_cert("rsa1024.key"), NULL), 3);
	cr_assert(t_contains(r.err, "BWK0378E"), "%s", r.err);
	cr_assert(t_contains(r.err, "too small"), "%s", r.err);
	cr_assert_eq(t_cert_cmd(&r, "-add", "-client", "-server", "s3", "-file",
	    t_cert("rsa2048.pem"), "-key", t_cert("other.key"), NULL), 3);
	cr_assert(t_contains(r.err, "BWK0371E"), "%s", r.err);
	cr_assert(t_contains(r.err, "does not belong"), "%s", r.err);
	cr_assert_eq(t_cert_cmd(&r, "-verify", NULL), 0, "%s", r.err);
	cr_assert(t_contains(r.out, " 2 entries"), "%s", r.out);
}

/* -list fits a 120-column terminal; the fingerprints are in -show, --json. */
Test(cert_cmd, list_fits_120_columns)
{
	char label[100];
	struct run r;
	const char *p, *nl;

	memset(label, 'l', 90);
	label[90] = '\0';
	add_ok("srv1", "ec256.pem");
	add_ok("a-server-name-of-forty-characters-000001", "ec384.pem");
	cr_assert_eq(t_cert_cmd(&r, "-add", "-ca", "-label", label, "-file",
	    t_cert("ca.pem"), NULL), 0, "%s", r.err);
	cr_assert_eq(t_cert_cmd(&r, "-add", "-client", "-server", "srv1",
	    "-file", t_cert("ec256.pem"), "-key", t_cert("ec256.key"), NULL), 0,
	    "%s", r.err);
	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 0);
	for (p = r.out; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		cr_assert_not_null(nl);
		cr_assert_leq(nl - p, 120, "a line of %d columns: %.*s",
		    (int)(nl - p), (int)(nl - p), p);
	}
	/* a label too long for its column is still shown whole */
	cr_assert(t_contains(r.out, label), "%s", r.out);
	cr_assert(t_contains(r.out, "a-server-name-of-forty-characters-000001"),
	    "%s", r.out);
	cr_assert(!t_contains(r.out, "SHA-256"), "%s", r.out);
	cr_assert_eq(t_cert_cmd(&r, "-show", "-server", "srv1", NULL), 0);
	cr_assert(t_contains(r.out, "SHA-256:  "), "%s", r.out);
	cr_assert_eq(t_cert_cmd(&r, "-list", "--json", NULL), 0);
	cr_assert(t_contains(r.out, "\"sha256\": \""), "%s", r.out);
}

/* The not-after date of the only certificate entry, from --json. */
static long long
not_after(void)
{
	struct run r;
	const char *p;

	cr_assert_eq(t_cert_cmd(&r, "-list", "--json", NULL), 0);
	cr_assert_not_null(p = strstr(r.out, "\"not_after\": "));
	return atoll(p + 13);
}

/* Days as a person counts them: the difference of the dates shown. */
Test(cert_cmd, days_counted_as_a_person_counts)
{
	char now[64];
	const char *env[] = { now, NULL };
	struct run r;
	long long end;

	add_ok("soon", "soon.pem");	/* ends at 00:00 UTC in ten days */
	end = not_after();
	/* noon, nine and a half days before: the date is ten days before */
	snprintf(now, sizeof(now), "BULWARK_TEST_NOW=%lld", end - 9 * 86400 -
	    43200);
	t_run(&r, "bulwark-cert", (const char *[]){ "-show", "-server",
	    "soon", NULL }, env);
	cr_assert(t_contains(r.out, "(in 10 days)"), "%s", r.out);
	t_run(&r, "bulwark-cert", (const char *[]){ "-list", NULL }, env);
	cr_assert(t_contains(r.out, "    10  /CN=soon.test"), "%s", r.out);
	t_run(&r, "bulwark-cert", (const char *[]){ "-expiring", "10", NULL },
	    env);
	cr_assert_eq(r.status, 8, "shown as 10 days, so within 10 days");
	cr_assert(t_contains(r.out, "(in 10 days)"), "%s", r.out);
	t_run(&r, "bulwark-cert", (const char *[]){ "-expiring", "9", NULL },
	    env);
	cr_assert_eq(r.status, 0);
	/* an hour after the end: expired today, not a day ago */
	snprintf(now, sizeof(now), "BULWARK_TEST_NOW=%lld", end + 3600);
	t_run(&r, "bulwark-cert", (const char *[]){ "-show", "-server",
	    "soon", NULL }, env);
	cr_assert(t_contains(r.out, "(expired today)"), "%s", r.out);
	snprintf(now, sizeof(now), "BULWARK_TEST_NOW=%lld", end + 86400 + 60);
	t_run(&r, "bulwark-cert", (const char *[]){ "-show", "-server",
	    "soon", NULL }, env);
	cr_assert(t_contains(r.out, "(expired 1 day ago)"), "%s", r.out);
	cr_assert(t_contains(r.out, "^ EXPIRED"), "%s", r.out);
}
