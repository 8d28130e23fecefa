/*
 * bulwarkd against real clients: bulwark itself, openssl s_client and
 * gnutls-cli, a plain TCP client. Each test makes its own instance in its
 * temp directory, on a free loopback port.
 */
#define _GNU_SOURCE	/* memmem */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hash.h>

#include "../src/lib/certfile.h"
#include "../src/lib/x509.h"
#include "helpers.h"
#include "srvfix.h"

static void setup(void) { t_tmpdir(); }
static void teardown(void) { t_cleanup(); }

TestSuite(server, .init = setup, .fini = teardown, .timeout = 90);

Test(server, init_makes_a_server_certificate)
{
	struct cert_list cl;
	struct certinfo ci;
	struct srv v;
	struct stat st;
	char path[600], why[256];
	const char *id;
	uint8_t *b;
	size_t n;

	srv_init(&v, NULL);
	snprintf(path, sizeof(path), "%s/cert256.arm", v.dir);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0644);
	cr_assert_eq(stat(v.dir, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0700);
	cr_assert_eq(t_read(path, &b, &n), 0);
	memset(&cl, 0, sizeof(cl));
	cr_assert_eq(certfile_split(b, n, &cl, &id, why, sizeof(why)), 0);
	cr_assert_eq(x509_inspect(cl.c[0].der, cl.c[0].len, &ci, why,
	    sizeof(why)), 0, "%s", why);
	/* what the policy asks of a server's own certificate */
	cr_assert_eq(x509_policy(&ci, bwk_now(), 1, &id, why, sizeof(why)),
	    X509_OK, "%s", why);
	cr_assert_str_eq(ci.key_desc, "EC P-256");
	cr_assert_str_eq(ci.sig_desc, "ECDSA-SHA256");
	cr_assert(ci.self_signed && !ci.is_ca);
	cr_assert(ci.eku_set && ci.eku_server_auth);
	cr_assert(ci.ku_set && ci.ku_digital_signature);
	cr_assert_gt(bwk_days_until(ci.not_after, bwk_now()), 3600);
	/* the loopback address is among its names */
	cr_assert(memmem(cl.c[0].der, cl.c[0].len, "\x87\x04\x7f\x00\x00\x01",
	    6) != NULL);
	cert_list_free(&cl);
	free(b);
}

Test(server, init_twice_refused)
{
	struct srv v;
	struct run r;

	srv_init(&v, NULL);
	t_run(&r, "bulwarkd", (const char *[]){ "--instance", v.dir, "init",
	    NULL }, NULL);
	cr_assert_eq(r.status, 3);
	cr_assert(t_contains(r.err, "BWK1011E"), "%s", r.err);
}

Test(server, start_without_init_says_how)
{
	struct run r;

	t_run(&r, "bulwarkd", (const char *[]){ "--instance", t_path("none"),
	    NULL }, NULL);
	cr_assert_eq(r.status, 3);
	cr_assert(t_contains(r.err, "init"), "%s", r.err);
}

Test(server, first_use_pins_cert256_then_pinned)
{
	char fpr[BWK_FPR_STRLEN];
	struct srv v;
	struct run r;

	t_need_sandbox();
	srv_init(&v, NULL);
	srv_start(&v);
	arm_fingerprint(&v, fpr);
	srv_check(&r, &v, 1, NULL);
	cr_assert_eq(r.status, 0, "%s%s\nserver: %s", r.out, r.err, srv_log(&v));
	cr_assert(t_contains(r.out, "BWK0727I"), "%s", r.out);
	cr_assert(t_contains(r.out, fpr), "want %s in:\n%s", fpr, r.out);
	/* the server signed its key exchange in its own key helper */
	t_peer_stop(&v.p);
	cr_assert(t_contains(srv_log(&v), "TLS server signature for "
	    "certificate default"), "%s", srv_log(&v));
	srv_start(&v);
	srv_check(&r, &v, 0, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "trust rule:  pinned"), "%s", r.out);
	t_peer_stop(&v.p);
}

/* Each session's sandbox is built from catalog/ and data/: init makes
 * them, and the server makes them for an instance made before them. */
Test(server, sessions_sandboxed_with_catalog_and_data)
{
	char cat[600], data[600];
	struct srv v;
	struct stat st;
	struct run r;

	t_need_sandbox();
	srv_init(&v, NULL);
	snprintf(cat, sizeof(cat), "%s/catalog", v.dir);
	snprintf(data, sizeof(data), "%s/data", v.dir);
	cr_assert_eq(stat(cat, &st), 0);
	cr_assert(S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700);
	/* an instance without them: the server makes them, and the catalog */
	t_run_any(&r, (const char *[]){ "rm", "-r", cat, NULL });
	cr_assert_eq(r.status, 0, "%s", r.err);
	srv_start(&v);
	cr_assert_eq(stat(cat, &st), 0);
	cr_assert(S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700);
	srv_check(&r, &v, 1, NULL);
	cr_assert_eq(r.status, 0, "%s%s\nserver: %s", r.out, r.err,
	    srv_log(&v));
	if (geteuid() == 0)
		cr_assert(t_contains(srv_log(&v), "BWK0633W"), "%s",
		    srv_log(&v));

	/* anything but SQLite's files in catalog/: the session refuses to
	 * start rather than let its rule reach it */
	snprintf(cat, sizeof(cat), "%s/catalog/kdb", v.dir);
	cr_assert_eq(mkdir(cat, 0700), 0);
	srv_check(&r, &v, 0, NULL);
	cr_assert_neq(r.status, 0, "%s", r.out);
	usleep(200000);
	t_peer_stop(&v.p);
	cr_assert(t_contains(srv_log(&v), "BWK0629E"), "%s", srv_log(&v));
	cr_assert(!t_contains(srv_log(&v), "stopped a forbidden call"), "%s",
	    srv_log(&v));
}

Test(server, imported_cert256_trusted_without_first_use)
{
	char path[600];
	struct srv v;
	struct run r;

	t_need_sandbox();
	srv_init(&v, NULL);
	snprintf(path, sizeof(path), "%s/cert256.arm", v.dir);
	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", "srv1", "-file", path,
	    NULL), 0, "%s", r.err);
	srv_start(&v);
	srv_check(&r, &v, 0, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	t_peer_stop(&v.p);
}

Test(server, plaintext_client_gets_one_clear_line)
{
	struct sockaddr_in a;
	struct srv v;
	char buf[512];
	ssize_t n;
	int s;

	t_need_sandbox();
	srv_init(&v, NULL);
	srv_start(&v);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)atoi(v.port));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_eq(connect(s, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(write(s, "HELLO old client\r\n", 18), 18);
	n = read(s, buf, sizeof(buf) - 1);
	cr_assert_gt(n, 0);
	buf[n] = '\0';
	close(s);
	cr_assert(strstr(buf, "BWK1051E this server speaks TLS 1.2 only; set "
	    "SSL YES") != NULL, "%s", buf);
	usleep(200000);
	t_peer_stop(&v.p);
	cr_assert(t_contains(srv_log(&v), "does not speak TLS"), "%s",
	    srv_log(&v));
}

Test(server, client_without_ems_refused_before_key_exchange)
{
	const char *argv[] = { "gnutls-cli", "--insecure", "--priority",
	    "NORMAL:-VERS-ALL:+VERS-TLS1.2:%NO_SESSION_HASH", "-p", NULL,
	    "127.0.0.1", NULL };
	struct srv v;
	struct run r;

	t_need_sandbox();
	srv_init(&v, NULL);
	srv_start(&v);
	argv[5] = v.port;
	t_run_any(&r, argv);
	cr_assert_neq(r.status, 0, "gnutls-cli made a session: %s", r.out);
	usleep(300000);
	t_peer_stop(&v.p);
	cr_assert(t_contains(srv_log(&v), "BWK1053E"), "%s", srv_log(&v));
	cr_assert(!t_contains(srv_log(&v), "TLS server signature"),
	    "the server signed a key exchange for it:\n%s", srv_log(&v));
}

Test(server, cert_create_default_list)
{
	char before[BWK_FPR_STRLEN], after[BWK_FPR_STRLEN];
	struct srv v;
	struct run r;

	srv_init(&v, NULL);
	arm_fingerprint(&v, before);
	t_run(&r, "bulwarkd", (const char *[]){ "--instance", v.dir, "cert",
	    "create", "--label", "next", "--days", "400", NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	arm_fingerprint(&v, after);
	cr_assert_str_eq(before, after, "create without --default keeps it");
	t_run(&r, "bulwarkd", (const char *[]){ "--instance", v.dir, "cert",
	    "default", "next", NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	arm_fingerprint(&v, after);
	cr_assert_str_neq(before, after);
	t_run(&r, "bulwarkd", (const char *[]){ "--instance", v.dir, "cert",
	    "list", NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(t_contains(r.out, "next             default"), "%s", r.out);
	cr_assert(t_contains(r.out, after), "%s", r.out);
	t_run(&r, "bulwarkd", (const char *[]){ "--instance", v.dir, "cert",
	    "create", "--label", "next", NULL }, NULL);
	cr_assert_eq(r.status, 3);
	cr_assert(t_contains(r.err, "BWK1008E"), "%s", r.err);
}

/* A new default is what the next session shows, with no restart. */
Test(server, sessions_show_the_default_certificate)
{
	char fpr[BWK_FPR_STRLEN];
	struct srv v;
	struct run r;

	t_need_sandbox();
	srv_init(&v, NULL);
	srv_start(&v);
	t_run(&r, "bulwarkd", (const char *[]){ "--instance", v.dir, "cert",
	    "create", "--label", "second", "--default", NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	arm_fingerprint(&v, fpr);
	srv_check(&r, &v, 1, NULL);
	cr_assert_eq(r.status, 0, "%s%s\nserver: %s", r.out, r.err,
	    srv_log(&v));
	cr_assert(t_contains(r.out, fpr), "want %s in:\n%s", fpr, r.out);
	t_peer_stop(&v.p);
	cr_assert(t_contains(srv_log(&v), "TLS server signature for "
	    "certificate second"), "%s", srv_log(&v));
}

Test(server, bad_option_names_its_line)
{
	struct srv v;
	struct run r;

	srv_init(&v, "MAXSESIONS 4\n");
	t_run(&r, "bulwarkd", (const char *[]){ "--instance", v.dir, NULL },
	    NULL);
	cr_assert_eq(r.status, 2);
	cr_assert(t_contains(r.err, "BWK1001E"), "%s", r.err);
	cr_assert(t_contains(r.err, "bulwarkd.opt:3: MAXSESIONS"), "%s", r.err);
}

Test(server, session_is_not_run_by_hand)
{
	struct run r;

	t_run(&r, "bulwarkd-session", (const char *[]){ "--instance", "/x",
	    NULL }, NULL);
	cr_assert_eq(r.status, 2);
	cr_assert(t_contains(r.err, "BWK1060E"), "%s", r.err);
}

/* The unit's confinement, as systemd itself scores it (lower is better). */
Test(server, systemd_unit_exposure_below_2)
{
	const char *argv[] = { "systemd-analyze", "security", "--offline=yes",
	    NULL, NULL };
	char unit[600];
	const char *p;
	struct run r;
	double score;

	if (access("/usr/bin/systemd-analyze", X_OK) != 0)
		cr_skip_test("systemd-analyze is not installed");
	snprintf(unit, sizeof(unit), "%s/../../bulwarkd.service",
	    getenv("BWK_BIN"));
	if (access(unit, R_OK) != 0)
		snprintf(unit, sizeof(unit), "%s/../bulwarkd.service",
		    getenv("BWK_BIN"));
	argv[3] = unit;
	t_run_any(&r, argv);
	p = strstr(r.out, "Overall exposure level for bulwarkd.service: ");
	cr_assert_not_null(p, "%s%s", r.out, r.err);
	score = atof(p + strlen("Overall exposure level for bulwarkd.service: "));
	cr_assert_lt(score, 2.0, "exposure %.1f:\n%s", score, r.out);
}

/* The certificate of label LABEL in the instance's key database, as its
 * cert256.arm would show it: through cert default, then the file. */
static void
arm_info(const struct srv *v, struct certinfo *ci)
{
	struct cert_list cl;
	char path[600], why[256];
	const char *id;
	uint8_t *b;
	size_t n;

	snprintf(path, sizeof(path), "%s/cert256.arm", v->dir);
	cr_assert_eq(t_read(path, &b, &n), 0);
	memset(&cl, 0, sizeof(cl));
	cr_assert_eq(certfile_split(b, n, &cl, &id, why, sizeof(why)), 0);
	cr_assert_eq(x509_inspect(cl.c[0].der, cl.c[0].len, ci, why,
	    sizeof(why)), 0, "%s", why);
	cert_list_free(&cl);
	free(b);
}

/* BWKCERTKEY RSA and BWKCERTDAYS: what cert create makes by default. */
Test(server, certificate_key_and_days_options)
{
	struct certinfo ci;
	struct srv v;
	struct run r;
	int64_t days;

	srv_init(&v, "BWKCERTKEY RSA\nBWKCERTDAYS 200\n");
	t_run(&r, "bulwarkd", (const char *[]){ "--instance", v.dir, "cert",
	    "create", "--label", "rsa", "--default", NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	arm_info(&v, &ci);
	cr_assert_str_eq(ci.key_desc, "RSA 3072");
	cr_assert(t_contains(ci.sig_desc, "SHA256"), "%s", ci.sig_desc);
	days = bwk_days_until(ci.not_after, bwk_now());
	cr_assert(days >= 198 && days <= 200, "%lld days", (long long)days);
	/* and a session with it */
	srv_start(&v);
	srv_check(&r, &v, 1, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "RSA 3072"), "%s", r.out);
	t_peer_stop(&v.p);
}

/* SSLTCPPORT: a second port, TLS as the first. */
Test(server, ssltcpport_is_a_second_tls_port)
{
	struct srv v;
	struct run r;
	char extra[64];
	int port2 = t_free_port();

	snprintf(extra, sizeof(extra), "SSLTCPPORT %d\n", port2);
	srv_init(&v, extra);
	srv_start(&v);
	snprintf(v.port, sizeof(v.port), "%d", port2);
	srv_check(&r, &v, 1, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "TLSv1.2"), "%s", r.out);
	t_peer_stop(&v.p);
}

/*
 * A started server with node n1 (its password stored for srv1), and in
 * path the stanza that signs on as it.
 */
static void
node_server(struct srv *v, const char *extra, char *path, size_t len)
{
	struct run r;
	char text[512];
	const char *reg[] = { "--instance", NULL, "node", "register", "n1",
	    NULL };

	srv_init(v, extra);
	reg[1] = v->dir;
	t_run_input(&r, "bulwarkd", reg, "correct-horse-1\n");
	cr_assert_eq(r.status, 0, "%s", r.err);
	srv_start(v);
	t_nodepw("srv1", "n1", "correct-horse-1");
	snprintf(path, len, "%s/node.sys", t_tmpdir());
	snprintf(text, sizeof(text), "SERVERNAME srv1\n TCPSERVERADDRESS "
	    "127.0.0.1\n TCPPORT %s\n SSLACCEPTCERTFROMSERV YES\n NODENAME n1\n",
	    v->port);
	cr_assert_eq(t_write(path, (const uint8_t *)text, strlen(text), 0644),
	    0);
}

/* bulwark ARGV, signed on and lingering ms milliseconds once it says so. */
static pid_t
spawn_lingering(const char *const *argv, const char *ms, int *fd)
{
	char buf[4096];
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	setenv("BULWARK_TEST_LINGER_MS", ms, 1);
	pid = t_spawn("bulwark", argv, fd);
	unsetenv("BULWARK_TEST_LINGER_MS");
	buf[0] = '\0';
	while (got < sizeof(buf) - 1 && (n = read(*fd, buf + got,
	    sizeof(buf) - 1 - got)) > 0) {
		got += (size_t)n;
		buf[got] = '\0';
		if (strstr(buf, "lingering") != NULL)
			break;
	}
	cr_assert(strstr(buf, "lingering") != NULL, "%s", buf);
	return pid;
}

/*
 * MAXSESSIONS 1: while one session lingers, the next client is told why
 * it is refused (BWK1068E, the server's ID) and the log says so.
 */
Test(server, maxsessions_refused_clearly)
{
	struct srv v;
	struct run r;
	char path[600];
	const char *argv[] = { "check", "--sysfile", path, NULL };
	int fd;
	pid_t pid;

	node_server(&v, "MAXSESSIONS 1\n", path, sizeof(path));
	pid = spawn_lingering(argv, "6000", &fd);
	t_run(&r, "bulwark", argv, NULL);
	cr_assert_neq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1068E"), "%s", r.err);
	cr_assert(t_contains(r.err, "MAXSESSIONS"), "%s", r.err);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	close(fd);
	t_peer_stop(&v.p);
	cr_assert(t_contains(srv_log(&v), "BWK1068E"), "%s", srv_log(&v));
}

/*
 * IDLETIMEOUT 1: a signed-on client that sends nothing for a minute has
 * its session ended, with the server's reason in the log (the one slow
 * test: the option counts minutes).
 */
Test(server, idle_session_ended_after_idletimeout, .timeout = 180)
{
	struct srv v;
	char path[600];
	const char *argv[] = { "check", "--sysfile", path, NULL };
	const char *log = "";
	int fd, i, status;
	pid_t pid;

	node_server(&v, "IDLETIMEOUT 1\n", path, sizeof(path));
	pid = spawn_lingering(argv, "75000", &fd);
	for (i = 0; i < 100 && !t_contains(log, "BWK1090E"); i++) {
		sleep(1);
		log = srv_log(&v);
	}
	cr_assert(t_contains(log, "BWK1090E"), "%s", log);
	cr_assert(t_contains(log, "IDLETIMEOUT"), "%s", log);
	cr_assert(!t_contains(log, "COMMTIMEOUT"), "%s", log);
	/* the client then finds the server gone: the server ended it */
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 10, "status %d",
	    status);
	close(fd);
	t_peer_stop(&v.p);
}

/* SESSIONSECURITY in bulwarkd.opt: what a newly registered node gets. */
Test(server, default_sessionsecurity_of_new_nodes)
{
	struct srv v;
	struct run r;
	const char *reg[] = { "--instance", NULL, "node", "register", "n1",
	    NULL };
	const char *list[] = { "--instance", NULL, "node", "list", NULL };

	srv_init(&v, "SESSIONSECURITY STRICT\n");
	reg[1] = list[1] = v.dir;
	t_run_input(&r, "bulwarkd", reg, "correct-horse-1\n");
	cr_assert_eq(r.status, 0, "%s", r.err);
	t_run(&r, "bulwarkd", list, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(t_contains(r.out, "N1") && t_contains(r.out, "STRICT") &&
	    !t_contains(r.out, "TRANSITIONAL"), "%s", r.out);
}
