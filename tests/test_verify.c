/*
 * bulwark verify and chain_verify(): chains made with openssl in a temp
 * directory (tests/verify/gen-pki.sh), one rule per test, and the
 * x509-limbo SUCCESS cases from ../shared when they are there (BWK_SHARED;
 * tests/verify/limbo-success.py). Every limbo and PKITS case, with its
 * expected outcome, is scripts/check-conformance.sh's.
 */
#define _GNU_SOURCE	/* memmem */
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../src/client/cmd_verify.h"
#include "../src/verify/verify.h"
#include "../src/verify/verify_int.h"
#include "../src/lib/msg.h"
#include "helpers.h"

static void setup(void) { t_tmpdir(); }
static void teardown(void) { t_cleanup(); }

TestSuite(verify, .init = setup, .fini = teardown, .timeout = 120);

/*
 * NAME in tests/verify/, from the source tree: BWK_SRC, or the current
 * directory (make runs the tests from the tree's root).
 */
static const char *
verify_file(const char *name)
{
	static char path[1024];
	const char *src = getenv("BWK_SRC");

	snprintf(path, sizeof(path), "%s/tests/verify/%s", src ? src : ".",
	    name);
	cr_assert_eq(access(path, R_OK), 0, "%s is missing: run the tests "
	    "from the source tree, or set BWK_SRC to it", path);
	return path;
}

/* The test PKI (tests/verify/gen-pki.sh) in the test's temp directory. */
static void
gen(void)
{
	char cmd[2200];

	snprintf(cmd, sizeof(cmd), "/bin/sh '%s' '%s'",
	    verify_file("gen-pki.sh"), t_tmpdir());
	cr_assert_eq(system(cmd), 0, "making the test PKI with openssl failed");
	cr_assert_eq(access(t_path(".done"), F_OK), 0);
}

/*
 * cmd_verify with the arguments (NULL-terminated); names without a '-'
 * and without a '/' and ending in .pem/.crl are files in the temp dir.
 * Returns the exit code; id gets the message ID of its stderr line.
 */
static int
verify(char id[16], ...)
{
	char *argv[40], buf[4096];
	const char *a;
	va_list ap;
	int argc = 0, rc, saved, saved_out, fd, i;
	ssize_t n;

	argv[argc++] = strdup("verify");
	va_start(ap, id);
	while ((a = va_arg(ap, const char *)) != NULL && argc < 39) {
		size_t l = strlen(a);

		if (a[0] != '-' && strchr(a, '/') == NULL && l > 4 &&
		    (strcmp(a + l - 4, ".pem") == 0 ||
		    strcmp(a + l - 4, ".crl") == 0))
			argv[argc++] = strdup(t_path(a));
		else
			argv[argc++] = strdup(a);
	}
	va_end(ap);
	argv[argc] = NULL;
	bwk_quiet = 0;
	fflush(stdout);
	fflush(stderr);
	saved = dup(2);
	saved_out = dup(1);
	fd = open(t_path("verify.err"), O_CREAT | O_TRUNC | O_WRONLY, 0600);
	cr_assert(saved >= 0 && saved_out >= 0 && fd >= 0);
	dup2(fd, 2);
	dup2(fd, 1);
	close(fd);
	rc = cmd_verify(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved, 2);
	dup2(saved_out, 1);
	close(saved);
	close(saved_out);
	for (i = 0; i < argc; i++)
		free(argv[i]);
	id[0] = '\0';
	fd = open(t_path("verify.err"), O_RDONLY);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	if (n >= 8 && strncmp(buf, "BWK", 3) == 0) {
		memcpy(id, buf, 8);
		id[8] = '\0';
	}
	if (rc != 0)
		cr_log_info("verify: %s", buf);
	return rc;
}

#define ACCEPT(...) do {						\
	char id_[16];							\
	int rc_ = verify(id_, __VA_ARGS__, NULL);			\
	cr_assert_eq(rc_, 0, "refused (%s), expected accepted", id_);	\
} while (0)

#define REFUSE(want, ...) do {						\
	char id_[16];							\
	int rc_ = verify(id_, __VA_ARGS__, NULL);			\
	cr_assert_eq(rc_, 1, "exit %d, expected 1 (refused)", rc_);	\
	cr_assert_str_eq(id_, want);					\
} while (0)

#define BASE(leaf) "--ca", "root.pem", "--chain", "chain.pem", "--cert", leaf

Test(verify, good_chain)
{
	gen();
	ACCEPT(BASE("leaf.pem"), "--host", "server.test", "--purpose",
	    "serverAuth");
	ACCEPT(BASE("leaf.pem"), "--host", "SERVER.Test.");
	ACCEPT(BASE("leaf.pem"));
}

Test(verify, wrong_host)
{
	gen();
	REFUSE("BWK0774E", BASE("leaf.pem"), "--host", "other.test");
	REFUSE("BWK0774E", BASE("leaf.pem"), "--host", "www.server.test");
	/* no CN fallback: cnonly has CN=cnonly and no subjectAltName */
	REFUSE("BWK0774E", BASE("cnonly.pem"), "--host", "cnonly");
}

Test(verify, expired_intermediate)
{
	char t[32];

	gen();
	/* shortinter lives one day, its leaf 825: look two days ahead */
	snprintf(t, sizeof(t), "%lld", (long long)time(NULL) + 2 * 86400);
	ACCEPT("--ca", "root.pem", "--chain", "shortinter.pem", "--cert",
	    "shortleaf.pem", "--host", "server.test");
	REFUSE("BWK0765E", "--ca", "root.pem", "--chain", "shortinter.pem",
	    "--cert", "shortleaf.pem", "--host", "server.test", "--time", t);
	/* and before the leaf existed */
	REFUSE("BWK0766E", BASE("leaf.pem"), "--time", "1000000000");
}

Test(verify, missing_intermediate)
{
	gen();
	REFUSE("BWK0763E", "--ca", "root.pem", "--cert", "leaf.pem");
}

Test(verify, untrusted_ca)
{
	gen();
	REFUSE("BWK0763E", BASE("evilleaf.pem"), "--host", "server.test");
	/* the intermediate given as an anchor works: a partial chain */
	ACCEPT("--ca", "inter.pem", "--cert", "leaf.pem");
}

Test(verify, name_constraints)
{
	gen();
	REFUSE("BWK0776E", "--ca", "root.pem", "--chain", "ncinter.pem",
	    "--cert", "ncbad.pem");
	ACCEPT("--ca", "root.pem", "--chain", "ncinter.pem", "--cert",
	    "ncgood.pem", "--host", "www.allowed.test");
}

Test(verify, wildcards)
{
	gen();
	ACCEPT(BASE("wild.pem"), "--host", "a.wild.test");
	ACCEPT(BASE("wild.pem"), "--host", "A.WILD.test");
	REFUSE("BWK0774E", BASE("wild.pem"), "--host", "wild.test");
	REFUSE("BWK0774E", BASE("wild.pem"), "--host", "a.b.wild.test");
	/* only the whole left-most label may be a wildcard */
	REFUSE("BWK0774E", BASE("badwild.pem"), "--host", "foo.wild.test");
}

Test(verify, ip_san)
{
	gen();
	ACCEPT(BASE("leaf.pem"), "--ip", "127.0.0.1");
	ACCEPT(BASE("leaf.pem"), "--ip", "::1");
	ACCEPT(BASE("leaf.pem"), "--ip", "0:0:0:0:0:0:0:1");
	REFUSE("BWK0775E", BASE("leaf.pem"), "--ip", "127.0.0.2");
	/* an address is never matched against DNS names, and vice versa */
	REFUSE("BWK0774E", BASE("leaf.pem"), "--host", "127.0.0.1");
}

Test(verify, pathlen_violation)
{
	char chain[600];

	gen();
	snprintf(chain, sizeof(chain), "cat '%s' '%s' >'%s'",
	    t_path("pl0.pem"), t_path("pl0sub.pem"), t_path("pl.pem"));
	cr_assert_eq(system(chain), 0);
	REFUSE("BWK0771E", "--ca", "root.pem", "--chain", "pl.pem", "--cert",
	    "pl0leaf.pem");
	/* and --max-depth 0 allows no intermediate at all */
	REFUSE("BWK0771E", BASE("leaf.pem"), "--max-depth", "0");
}

Test(verify, ca_false_issuer)
{
	gen();
	REFUSE("BWK0770E", "--ca", "root.pem", "--chain", "notca.pem",
	    "--cert", "notcaleaf.pem");
}

Test(verify, sha1_intermediate_refused)
{
	gen();
	REFUSE("BWK0768E", "--ca", "root.pem", "--chain", "sha1inter.pem",
	    "--cert", "sha1leaf.pem");
}

/*
 * The import policy's RSA-PSS check (x509_pss_params): the signature
 * verifies as made, and MGF1 on another hash than the message's is
 * outside the policy, not a broken signature.
 */
Test(verify, pss_mgf1_hash_must_match)
{
	gen();
	ACCEPT("--ca", "rsaroot.pem", "--cert", "pssgood.pem", "--host",
	    "server.test", "--purpose", "serverAuth");
	REFUSE("BWK0768E", "--ca", "rsaroot.pem", "--cert", "pssmgf1.pem",
	    "--host", "server.test", "--purpose", "serverAuth");
}

/* The stderr line of the last verify(): does it say text? */
static int
said(const char *text)
{
	uint8_t *b;
	size_t n;
	int found;

	cr_assert_eq(t_read(t_path("verify.err"), &b, &n), 0);
	found = memmem(b, n, text, strlen(text)) != NULL;
	free(b);
	return found;
}

#define SERVER(leaf) BASE(leaf), "--host", "server.test", "--purpose", \
	"serverAuth"

/* A CA certificate as a server's: refused for TLS, not for RFC 5280. */
Test(verify, ca_as_leaf)
{
	gen();
	REFUSE("BWK0785E", SERVER("cainleaf.pem"));
	ACCEPT(BASE("cainleaf.pem"), "--host", "server.test");
	/* pinned, it is the server's identity itself: accepted */
	ACCEPT("--ca", t_cert("ca-as-leaf.pem"), "--cert",
	    t_cert("ca-as-leaf.pem"), "--host", "localhost", "--purpose",
	    "serverAuth");
}

Test(verify, server_eku_rules)
{
	gen();
	/* anyExtendedKeyUsage beside serverAuth, and no EKU at all */
	REFUSE("BWK0773E", SERVER("anyeku.pem"));
	cr_assert(said("anyExtendedKeyUsage"));
	REFUSE("BWK0773E", SERVER("noeku.pem"));
	cr_assert(said("no extendedKeyUsage"));
	ACCEPT(BASE("noeku.pem"), "--host", "server.test");
	/* pinned (its own anchor), the certificate is the identity */
	ACCEPT("--ca", "anyeku.pem", "--cert", "anyeku.pem", "--host",
	    "server.test", "--purpose", "serverAuth");
}

Test(verify, negative_serial)
{
	gen();
	REFUSE("BWK0778E", BASE("negserial.pem"));
	cr_assert(said("negative serial"));
	/* also as its own trust anchor: the rule is the leaf's */
	REFUSE("BWK0778E", "--ca", "negserial.pem", "--cert", "negserial.pem");
}

Test(verify, critical_san_with_subject)
{
	gen();
	REFUSE("BWK0778E", SERVER("critsan.pem"));
	cr_assert(said("critical subjectAltName"));
}

/* A subject CN must not name an address or IDN that the SAN lacks. */
Test(verify, subject_cn)
{
	gen();
	ACCEPT(SERVER("cndisplay.pem"));
	ACCEPT(SERVER("leaf.pem"));
	REFUSE("BWK0788E", BASE("cnoctal.pem"), "--ip", "127.0.0.8",
	    "--purpose", "serverAuth");
	cr_assert(said("dotted decimal"));
	REFUSE("BWK0788E", SERVER("cnotherip.pem"));
	REFUSE("BWK0788E", SERVER("cnidn.pem"));
	/* the same address spelled otherwise names no other host */
	ACCEPT(BASE("cnsameip.pem"), "--ip", "2001:db8::1", "--purpose",
	    "serverAuth");
	/* without the TLS purpose, RFC 5280 has no rule on the CN */
	ACCEPT(BASE("cnotherip.pem"), "--host", "server.test");
}

/*
 * A CN with a NUL byte, which C programs read as the part before it
 * ("server.test"), made here as DER since openssl cannot write one.
 */
Test(verify, subject_cn_with_nul)
{
	static const uint8_t cn[] = "server.test\0evil.test";
	uint8_t subj[64], san[32];
	struct span s = { subj, 0 }, a = { san, 0 };
	char why[320];
	size_t n = sizeof(cn) - 1;

	/* SET { SEQUENCE { OID 2.5.4.3, UTF8String cn } } */
	subj[0] = 0x31, subj[1] = (uint8_t)(n + 9);
	subj[2] = 0x30, subj[3] = (uint8_t)(n + 7);
	subj[4] = 0x06, subj[5] = 3, subj[6] = 0x55, subj[7] = 0x04;
	subj[8] = 0x03, subj[9] = 0x0c, subj[10] = (uint8_t)n;
	memcpy(subj + 11, cn, n);
	s.n = 11 + n;
	/* dNSName server.test */
	san[0] = 0x82, san[1] = 11;
	memcpy(san + 2, "server.test", 11);
	a.n = 13;
	cr_assert_eq(name_check_cn(s, 1, a, why, sizeof(why)), CHAIN_E_CN);
	cr_assert(strstr(why, "NUL byte") != NULL, "%s", why);
	/* the same CN without the NUL and its tail is the SAN's name */
	subj[1] = 11 + 9, subj[3] = 11 + 7, subj[10] = 11;
	s.n = 11 + 11;
	cr_assert_eq(name_check_cn(s, 1, a, why, sizeof(why)), CHAIN_OK, "%s",
	    why);
}

Test(verify, public_suffix_wildcards)
{
	gen();
	REFUSE("BWK0786E", BASE("pswild.pem"), "--host", "www.co.uk");
	cr_assert(said("co.uk is a public suffix"));
	REFUSE("BWK0786E", BASE("pswild.pem"), "--host", "evil.github.io");
	/* a wildcard under a registrable domain is fine */
	ACCEPT(BASE("pswild.pem"), "--host", "www.example.co.uk");
	ACCEPT(BASE("wild.pem"), "--host", "a.wild.test");
}

/*
 * Without chain_psl_load(), a wildcard that would match is refused with
 * its own reason (fail closed); an exact name needs no list.
 */
Test(verify, wildcard_without_psl_fails_closed)
{
	struct chain_input in;
	struct chain_result res;
	struct chain_der anchor, inter;
	uint8_t *a, *i, *l, *w;
	size_t al, il, ll, wl;
	char why[256];
	int64_t date;

	gen();
	cr_assert_eq(t_read(t_path("root.der"), &a, &al), 0);
	cr_assert_eq(t_read(t_path("inter.der"), &i, &il), 0);
	cr_assert_eq(t_read(t_path("leaf.der"), &l, &ll), 0);
	cr_assert_eq(t_read(t_path("wild.der"), &w, &wl), 0);
	anchor.der = a;
	anchor.len = al;
	inter.der = i;
	inter.len = il;
	memset(&in, 0, sizeof(in));
	in.anchors = &anchor;
	in.n_anchors = 1;
	in.intermediates = &inter;
	in.n_intermediates = 1;
	in.name_kind = CHAIN_NAME_DNS;
	in.purpose = CHAIN_PURPOSE_SERVER_AUTH;
	in.max_depth = -1;
	cr_assert_eq(chain_psl_info(why, sizeof(why), &date), -1);
	in.leaf.der = w;
	in.leaf.len = wl;
	in.name = "a.wild.test";
	cr_assert_eq(chain_verify(&in, &res), CHAIN_E_NO_PSL, "%s", res.detail);
	cr_assert_str_eq(chain_reason_id(res.reason), "BWK0787E");
	in.leaf.der = l;
	in.leaf.len = ll;
	in.name = "server.test";
	cr_assert_eq(chain_verify(&in, &res), CHAIN_OK, "%s", res.detail);
	cr_assert_eq(chain_psl_load(why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(chain_psl_info(why, sizeof(why), &date), 0);
	cr_assert_gt(date, 1400000000, "a list dated %lld", (long long)date);
	in.leaf.der = w;
	in.leaf.len = wl;
	in.name = "a.wild.test";
	cr_assert_eq(chain_verify(&in, &res), CHAIN_OK, "%s", res.detail);
	free(a);
	free(i);
	free(l);
	free(w);
}

/* bulwark policy names the list it uses and its date. */
Test(verify, policy_shows_public_suffix_list)
{
	struct run r;

	t_run(&r, "bulwark", (const char *[]){ "policy", NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(t_contains(r.out, "# public suffix list: "), "%s", r.out);
	cr_assert(t_contains(r.out, "#   dated 20"), "%s", r.out);
}

/*
 * Chains refused for one reason each (tests/gen-certs.sh): the refusal
 * names that reason and the certificate, never "no issuer".
 */
static void
refused_for(const char *chain, const char *id, const char *pos,
    const char *text)
{
	char got[16];
	int rc;

	rc = verify(got, "--ca", t_cert("ca.pem"), "--cert", t_cert(chain),
	    "--host", "localhost", "--purpose", "serverAuth", NULL);
	cr_assert_eq(rc, 1, "%s: exit %d, expected 1", chain, rc);
	cr_assert_str_eq(got, id, "%s", chain);
	cr_assert(said(pos), "%s: not at %s", chain, pos);
	cr_assert(said(text), "%s: does not say %s", chain, text);
}

Test(verify, first_real_reason)
{
	refused_for("leaf-noserverauth-chain.pem", "BWK0773E",
	    "certificate 0 of the path", "does not include serverAuth");
	refused_for("leaf-critext-chain.pem", "BWK0777E",
	    "certificate 0 of the path", "unknown critical extension");
	refused_for("leaf-outside-nc-chain.pem", "BWK0776E",
	    "certificate 0 of the path", "DNS name localhost is outside");
	refused_for("leaf-via-p224-chain.pem", "BWK0767E",
	    "certificate 1 of the path", "EC P-224");
	refused_for("leaf-via-rsa1024-chain.pem", "BWK0767E",
	    "certificate 1 of the path", "RSA key of 1024 bits");
	refused_for("ca-as-leaf-chain.pem", "BWK0785E",
	    "certificate 0 of the path", "CA certificate");
	/* and the good chain from the same root passes */
	ACCEPT("--ca", t_cert("ca.pem"), "--cert", t_cert("chain.pem"),
	    "--host", "localhost", "--purpose", "serverAuth");
}

Test(verify, weak_key_and_purpose)
{
	gen();
	REFUSE("BWK0767E", BASE("weakleaf.pem"));
	ACCEPT(BASE("clientleaf.pem"), "--host", "server.test");
	REFUSE("BWK0773E", BASE("clientleaf.pem"), "--host", "server.test",
	    "--purpose", "serverAuth");
}

Test(verify, crl)
{
	gen();
	ACCEPT(BASE("leaf.pem"), "--crl", "all.crl");
	REFUSE("BWK0780E", BASE("revleaf.pem"), "--crl", "all.crl");
	ACCEPT(BASE("revleaf.pem"));
	/* the intermediate has no CRL from the root: status unknown */
	REFUSE("BWK0781E", BASE("leaf.pem"), "--crl", "inter.crl");
}

Test(verify, usage)
{
	char id[16];

	gen();
	cr_assert_eq(verify(id, "--ca", "root.pem", NULL), 2);
	cr_assert_str_eq(id, "BWK0760E");
	cr_assert_eq(verify(id, BASE("leaf.pem"), "--host", "a", "--ip",
	    "127.0.0.1", NULL), 2);
	cr_assert_eq(verify(id, BASE("leaf.pem"), "--purpose", "clientAuth",
	    NULL), 2);
	cr_assert_eq(verify(id, BASE("nonexistent.pem"), NULL), 2);
	cr_assert_str_eq(id, "BWK0761E");
}

/* The library call the TLS session code will make, with DER buffers. */
Test(verify, library_api)
{
	struct chain_input in;
	struct chain_result res;
	struct chain_der anchor, inter;
	uint8_t *a, *i, *l;
	size_t al, il, ll;

	gen();
	cr_assert_eq(t_read(t_path("root.der"), &a, &al), 0);
	cr_assert_eq(t_read(t_path("inter.der"), &i, &il), 0);
	cr_assert_eq(t_read(t_path("leaf.der"), &l, &ll), 0);
	anchor.der = a;
	anchor.len = al;
	inter.der = i;
	inter.len = il;
	memset(&in, 0, sizeof(in));
	in.anchors = &anchor;
	in.n_anchors = 1;
	in.intermediates = &inter;
	in.n_intermediates = 1;
	in.leaf.der = l;
	in.leaf.len = ll;
	in.name_kind = CHAIN_NAME_DNS;
	in.name = "server.test";
	in.purpose = CHAIN_PURPOSE_SERVER_AUTH;
	in.max_depth = -1;
	cr_assert_eq(chain_verify(&in, &res), CHAIN_OK, "%s", res.detail);
	cr_assert_eq(res.path_len, 3);
	cr_assert_eq(res.path[0].src, CHAIN_SRC_LEAF);
	cr_assert_eq(res.path[1].src, CHAIN_SRC_INTERMEDIATE);
	cr_assert_eq(res.path[2].src, CHAIN_SRC_ANCHOR);
	in.name = "other.test";
	cr_assert_eq(chain_verify(&in, &res), CHAIN_E_HOST);
	cr_assert_eq(res.position, 0);
	cr_assert_str_eq(chain_reason_id(res.reason), "BWK0774E");
	in.n_intermediates = 0;
	cr_assert_eq(chain_verify(&in, &res), CHAIN_E_NO_ISSUER);
	free(a);
	free(i);
	free(l);
}

Test(verify, limbo_success_cases)
{
	const char *shared = getenv("BWK_SHARED");
	char limbo[512], cmd[2200], line[512], failed[4096] = "";
	FILE *f;
	int n = 0, k, bad = 0;

	if (shared == NULL) {
		cr_skip_test("BWK_SHARED is not set: the x509-limbo SUCCESS "
		    "cases are not run");
		return;
	}
	snprintf(limbo, sizeof(limbo), "%s/testdata/x509-limbo/limbo.json",
	    shared);
	if (access(limbo, R_OK) != 0) {
		cr_skip_test("%s is absent: the x509-limbo SUCCESS cases are "
		    "not run", limbo);
		return;
	}
	if (system("python3 -c 1 >/dev/null 2>&1") != 0) {
		cr_skip_test("python3 is absent: cannot read limbo.json");
		return;
	}
	mkdir(t_path("limbo"), 0700);
	snprintf(cmd, sizeof(cmd), "python3 '%s' '%s' '%s'",
	    verify_file("limbo-success.py"), limbo, t_path("limbo"));
	f = popen(cmd, "r");
	cr_assert_not_null(f);
	cr_assert(fgets(line, sizeof(line), f) != NULL);
	cr_assert_eq(pclose(f), 0);
	n = atoi(line);
	cr_assert_eq(n, 58, "limbo.json has %d SERVER cases that expect "
	    "SUCCESS, not 58", n);
	bwk_quiet = 1;
	for (k = 0; k < n; k++) {
		char dir[600], *argv[24], args[4096], idtxt[256] = "";
		int argc = 0, rc;
		size_t len;
		char *p, *save = NULL;

		snprintf(dir, sizeof(dir), "%s/%03d", t_path("limbo"), k);
		snprintf(cmd, sizeof(cmd), "%s/args", dir);
		f = fopen(cmd, "r");
		cr_assert_not_null(f);
		len = fread(args, 1, sizeof(args) - 1, f);
		args[len] = '\0';
		fclose(f);
		snprintf(cmd, sizeof(cmd), "%s/id", dir);
		f = fopen(cmd, "r");
		cr_assert_not_null(f);
		len = fread(idtxt, 1, sizeof(idtxt) - 1, f);
		idtxt[len] = '\0';
		fclose(f);
		argv[argc++] = "verify";
		for (p = strtok_r(args, "\n", &save); p != NULL && argc < 23;
		    p = strtok_r(NULL, "\n", &save))
			argv[argc++] = p;
		argv[argc] = NULL;
		rc = cmd_verify(argc, argv);
		if (rc != 0) {
			bad++;
			if (strlen(failed) + strlen(idtxt) + 3 < sizeof(failed)) {
				strcat(failed, " ");
				strcat(failed, idtxt);
			}
		}
	}
	bwk_quiet = 0;
	cr_assert_eq(bad, 0, "%d of the %d limbo SUCCESS cases were refused:%s",
	    bad, n, failed);
}
