/*
 * bulwark admin end to end: the client, its key helper and a real
 * bulwarkd with its catalog, on loopback. The administrator signs on
 * with a password that only the helper ever holds, runs one command per
 * session, and the server logs every command with the administrator's
 * name and never a password. The grammar and the ROWS codec are tested
 * on their own too (admin_parse, admin_rows).
 */
#define _GNU_SOURCE	/* memmem */
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/srvsession/admin.h"
#include "../src/tls/rows.h"
#include "../src/tls/session.h"
#include "helpers.h"
#include "srvfix.h"

#define ADMIN_PW	"the-admins-password-1"

static void setup(void) { t_tmpdir(); }
static void teardown(void) { t_cleanup(); }

TestSuite(admin, .init = setup, .fini = teardown, .timeout = 120);

/* An administrator registered at the console, TRANSITIONAL: first use. */
static void
console_admin(const struct srv *v, const char *name, const char *pw)
{
	char line[256];
	struct run r;
	const char *argv[] = { "--instance", v->dir, "admin", "register", name,
	    NULL };

	snprintf(line, sizeof(line), "%s\n", pw);
	t_run_input(&r, "bulwarkd", argv, line);
	cr_assert_eq(r.status, 0, "admin register %s: %s%s", name, r.out,
	    r.err);
}

static const char *
console_list(const struct srv *v, const char *kind)
{
	static struct run r;

	t_run(&r, "bulwarkd", (const char *[]){ "--instance", v->dir, kind,
	    "list", NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	return r.out;
}

/* The stanza of srv1, its TCPADMINPORT port (NULL: TCPPORT's). */
static const char *
admin_sysfile(const struct srv *v, const char *adminport)
{
	static char path[600];
	char text[1024];

	snprintf(path, sizeof(path), "%s/admin.sys", t_tmpdir());
	snprintf(text, sizeof(text), "SERVERNAME srv1\n TCPSERVERADDRESS "
	    "127.0.0.1\n TCPPORT %s\n%s%s%s SSLACCEPTCERTFROMSERV YES\n",
	    v->port, adminport ? " TCPADMINPORT " : "", adminport ? adminport :
	    "", adminport ? "\n" : "");
	cr_assert_eq(t_write(path, (const uint8_t *)text, strlen(text), 0644),
	    0);
	return path;
}

/*
 * bulwark admin --sysfile S -id=boss --password-stdin WORDS..., the
 * password (and whatever follows) on standard input.
 */
static void
admin_as(struct run *r, const char *sys, const char *id, const char *input,
    const char *const *words)
{
	const char *argv[32] = { "admin", "--sysfile", sys, id,
	    "--password-stdin" };
	size_t n = 5, i;

	for (i = 0; words[i] != NULL && n < 31; i++)
		argv[n++] = words[i];
	argv[n] = NULL;
	t_run_input(r, "bulwark", argv, input);
}

static void
admin_run(struct run *r, const char *sys, const char *input,
    const char *const *words)
{
	admin_as(r, sys, "-id=boss", input, words);
}

#define ADMIN(r, sys, ...) admin_run(r, sys, ADMIN_PW "\n", \
	(const char *[]){ __VA_ARGS__, NULL })

static const char *
log_after(struct srv *v, const char *needle)
{
	const char *log = NULL;
	int i;

	for (i = 0; i < 100; i++) {
		log = srv_log(v);
		if (t_contains(log, needle))
			break;
		usleep(50000);
	}
	return log;
}

/* A server with administrator boss, started. */
static const char *
admin_server(struct srv *v, const char *extra)
{
	srv_init(v, extra);
	console_admin(v, "boss", ADMIN_PW);
	srv_start(v);
	return admin_sysfile(v, NULL);
}

Test(admin, registers_a_node_that_then_signs_on)
{
	struct srv v;
	struct run r;
	const char *sys = admin_server(&v, NULL);
	char extra[64];

	ADMIN(&r, sys, "register", "node", "n1", "correct-horse-1");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "BWK1300I"), "%s", r.out);
	cr_assert(t_contains(r.out, "as administrator boss"), "%s", r.out);
	cr_assert(t_contains(r.out, "BWK1320I registered node N1"), "%s",
	    r.out);
	cr_assert(t_contains(r.err, "BWK1340I"), "%s", r.err);
	cr_assert(t_contains(console_list(&v, "node"), "N1"));
	/* the node signs on with the password the administrator gave it */
	t_nodepw("srv1", "n1", "correct-horse-1");
	snprintf(extra, sizeof(extra), " NODENAME n1\n");
	srv_check(&r, &v, 1, extra);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "BWK1100I"), "%s", r.out);
	/* the log has the command and the administrator, not the password */
	cr_assert(t_contains(log_after(&v, "BWK1330I"), "administrator BOSS: "
	    "register node N1 (a password, not logged): registered node N1"),
	    "%s", srv_log(&v));
	cr_assert(!t_contains(srv_log(&v), "correct-horse-1"), "%s",
	    srv_log(&v));
	cr_assert(!t_contains(srv_log(&v), ADMIN_PW), "%s", srv_log(&v));
	t_peer_stop(&v.p);
}

Test(admin, updates_sessionsecurity_unlocks_and_removes)
{
	struct srv v;
	struct run r;
	const char *sys = admin_server(&v, NULL);

	ADMIN(&r, sys, "reg", "node", "n2", "correct-horse-2");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(console_list(&v, "node"), "TRANSITIONAL"));
	ADMIN(&r, sys, "update", "node", "n2", "sessionsecurity=strict");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "BWK1320I updated node N2"), "%s", r.out);
	cr_assert(t_contains(console_list(&v, "node"), "STRICT"));
	cr_assert(!t_contains(console_list(&v, "node"), "TRANSITIONAL"));
	ADMIN(&r, sys, "UNLOCK", "NODE", "n2");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "BWK1320I unlocked node N2"), "%s", r.out);
	ADMIN(&r, sys, "remove", "node", "n2");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "BWK1320I removed node N2"), "%s", r.out);
	cr_assert(!t_contains(console_list(&v, "node"), "N2"));
	/* a second time: the server refuses, the client exits 11 */
	ADMIN(&r, sys, "remove", "node", "n2");
	cr_assert_eq(r.status, 11, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1306E"), "%s", r.err);
	cr_assert(t_contains(r.err, "BWK1326E there is no node N2"), "%s",
	    r.err);
	cr_assert(t_contains(log_after(&v, "BWK1331W"), "remove node N2: "
	    "refused"), "%s", srv_log(&v));
	t_peer_stop(&v.p);
}

/* The --json document, checked by Python's parser and its content. */
static void
json_check(const char *doc, const char *script)
{
	struct run r;
	const char *path = t_path("result.json");

	cr_assert_eq(t_write(path, (const uint8_t *)doc, strlen(doc), 0600),
	    0);
	t_run_any(&r, (const char *[]){ "python3", "-c", script, path, NULL });
	cr_assert_eq(r.status, 0, "python3: %s%s\n%s", r.out, r.err, doc);
}

Test(admin, query_node_as_a_table_and_as_json)
{
	struct srv v;
	struct run r;
	const char *sys = admin_server(&v, NULL);

	ADMIN(&r, sys, "register", "node", "alpha", "correct-horse-3");
	cr_assert_eq(r.status, 0, "%s", r.err);
	ADMIN(&r, sys, "register", "node", "beta", "correct-horse-4",
	    "sessionsecurity=strict");
	cr_assert_eq(r.status, 0, "%s", r.err);
	ADMIN(&r, sys, "query", "node");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	/* dsmadmc's shape: headings, dashes, one aligned row a node */
	cr_assert(t_contains(r.out, "NODE   SECURITY      LAST SIGNON"), "%s",
	    r.out);
	cr_assert(t_contains(r.out, "-----  ------------  -----------"), "%s",
	    r.out);
	cr_assert(t_contains(r.out, "ALPHA  TRANSITIONAL  never"), "%s", r.out);
	cr_assert(t_contains(r.out, "BETA   STRICT        never"), "%s", r.out);
	cr_assert(t_contains(r.out, "BWK1321I 2 nodes listed"), "%s", r.out);
	ADMIN(&r, sys, "--json", "q", "n", "al*");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	/* nothing but the document on standard output */
	cr_assert_eq(r.out[0], '{', "%s", r.out);
	json_check(r.out, "import json, sys\n"
	    "d = json.load(open(sys.argv[1]))\n"
	    "assert d['status'] == 'done' and d['id'] == 'BWK1321I', d\n"
	    "assert d['columns'][0] == 'node', d\n"
	    "assert [x['node'] for x in d['rows']] == ['ALPHA'], d\n"
	    "assert d['rows'][0]['security'] == 'TRANSITIONAL', d\n");
	/* a refusal is a document too, and exits 11 */
	ADMIN(&r, sys, "--json", "remove", "node", "ghost");
	cr_assert_eq(r.status, 11, "%s%s", r.out, r.err);
	json_check(r.out, "import json, sys\n"
	    "d = json.load(open(sys.argv[1]))\n"
	    "assert d['status'] == 'refused' and d['id'] == 'BWK1326E', d\n"
	    "assert d['rows'] == [], d\n");
	t_peer_stop(&v.p);
}

Test(admin, query_session_and_certificate)
{
	struct srv v;
	struct run r;
	const char *sys = admin_server(&v, NULL);
	char fpr[BWK_FPR_STRLEN];

	ADMIN(&r, sys, "query", "session");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "administrator  BOSS"), "%s", r.out);
	cr_assert(t_contains(r.out, "TLSv1.2"), "%s", r.out);
	cr_assert(t_contains(r.out, "BWK1322I"), "%s", r.out);
	arm_fingerprint(&v, fpr);
	ADMIN(&r, sys, "--json", "query", "certificate");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, fpr), "%s", r.out);
	json_check(r.out, "import json, sys\n"
	    "d = json.load(open(sys.argv[1]))\n"
	    "c = d['rows']\n"
	    "assert len(c) == 1 and c[0]['label'] == 'default', d\n"
	    "assert c[0]['default'] == 'yes' and c[0]['in_use'] == 'yes', d\n");
	t_peer_stop(&v.p);
}

Test(admin, wrong_password_is_refused_like_a_nodes)
{
	struct srv v;
	struct run r;
	const char *sys = admin_server(&v, NULL);
	const char *words[] = { "query", "node", NULL };

	admin_run(&r, sys, "not-the-password\n", words);
	cr_assert_eq(r.status, 9, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1304E"), "%s", r.err);
	cr_assert(t_contains(r.err, "invalid-proof"), "%s", r.err);
	cr_assert(t_contains(r.err, "BWK1309E"), "%s", r.err);
	cr_assert(t_contains(log_after(&v, "BWK1075W"), "administrator BOSS "
	    "refused: wrong password"), "%s", srv_log(&v));
	/* an administrator the server does not know: the same refusal */
	admin_as(&r, sys, "-id=ghost", ADMIN_PW "\n", (const char *[]){
	    "query", "node", NULL });
	cr_assert_eq(r.status, 9, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1304E"), "%s", r.err);
	/*
	 * a node's name and password on the administrative port: the same
	 * refusal, as the server looks among its administrators only
	 */
	ADMIN(&r, sys, "register", "node", "worker", "correct-horse-7");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	admin_as(&r, sys, "-id=worker", "correct-horse-7\n", (const char *[]){
	    "query", "node", NULL });
	cr_assert_eq(r.status, 9, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1304E"), "%s", r.err);
	cr_assert(!t_contains(r.out, "WORKER"), "%s", r.out);
	cr_assert(t_contains(log_after(&v, "administrator WORKER refused"),
	    "sign-on as administrator WORKER refused: no such name in the "
	    "catalog"), "%s", srv_log(&v));
	t_peer_stop(&v.p);
}

/*
 * A signed-on node that sends ADMIN: the session code itself, in a child
 * (sandboxed as bulwark's network process), as node n5.
 */
Test(admin, a_node_gets_error_for_admin)
{
	static struct session s;
	static struct tls_policy pol;
	struct session_opts o;
	struct bwk_rows rows;
	struct srv v;
	struct run r;
	char extra[64];
	pid_t pid;
	int st;

	admin_server(&v, NULL);
	ADMIN(&r, admin_sysfile(&v, NULL), "register", "node", "n5",
	    "correct-horse-5");
	cr_assert_eq(r.status, 0, "%s", r.err);
	t_nodepw("srv1", "n5", "correct-horse-5");
	snprintf(extra, sizeof(extra), " NODENAME n5\n");
	srv_check(&r, &v, 1, extra);	/* pins the certificate */
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	memset(&o, 0, sizeof(o));
	o.server = "srv1";
	o.host = "127.0.0.1";
	o.port = v.port;
	o.db = t_db();
	o.node = "n5";
	o.password_fd = -1;
	cr_assert_eq(policy_load(NULL, &pol), 0);
	o.policy = &pol;
	t_cap_begin();
	if ((pid = fork()) == 0) {
		memset(&rows, 0, sizeof(rows));
		if (session_prepare(&s, &o) == -1 ||
		    session_sandbox(&s, "nobody", 0) == -1 ||
		    session_connect(&s) == -1)
			_exit(10);
		_exit(session_admin(&s, "query node", &rows) == -1 &&
		    s.fail == FAIL_SERVER ? 0 : 11);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(t_contains(t_cap_end(), "BWK1332E"), "%s", t_cap_end());
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
	cr_assert(t_contains(log_after(&v, "BWK1332E"), "node N5 is signed "
	    "on, and only an administrator"), "%s", srv_log(&v));
	t_peer_stop(&v.p);
}

Test(admin, refused_at_a_port_that_takes_no_administrators)
{
	struct srv v;
	struct run r;
	char extra[128];
	int adminport = t_free_port();

	snprintf(extra, sizeof(extra), "TCPADMINPORT %d\nADMINONCLIENTPORT NO\n",
	    adminport);
	admin_server(&v, extra);
	/* the stanza sends the administrator to the nodes' port */
	ADMIN(&r, admin_sysfile(&v, v.port), "query", "node");
	cr_assert_eq(r.status, 10, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1101E"), "%s", r.err);
	cr_assert(t_contains(r.err, "BWK1071E"), "%s", r.err);
	/* and TCPADMINPORT takes it */
	snprintf(extra, sizeof(extra), "%d", adminport);
	ADMIN(&r, admin_sysfile(&v, extra), "query", "node");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	/* as does -tcpadminport=, over the stanza's */
	snprintf(extra, sizeof(extra), "-tcpadminport=%d", adminport);
	ADMIN(&r, admin_sysfile(&v, v.port), extra, "query", "node");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "BWK1321I"), "%s", r.out);
	t_peer_stop(&v.p);
}

/*
 * An expired administrator's password: the typed one cannot be renewed
 * by the helper, so the session ends (BWK1312E, exit 9) and nothing ran;
 * another administrator's update gives it a new one.
 */
Test(admin, expired_password_ends_the_session)
{
	struct srv v;
	struct run r;
	const char *sys = admin_server(&v, NULL);

	ADMIN(&r, sys, "register", "admin", "second", "second-admins-pw");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	t_run(&r, "bulwarkd", (const char *[]){ "--instance", v.dir, "admin",
	    "update", "boss", "--expire", NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	ADMIN(&r, sys, "register", "node", "never", "correct-horse-8");
	cr_assert_eq(r.status, 9, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1312E"), "%s", r.err);
	cr_assert(!t_contains(console_list(&v, "node"), "NEVER"));
	admin_as(&r, sys, "-id=second", "second-admins-pw\n", (const char *[]){
	    "update", "admin", "boss", "a-new-admin-password", NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	admin_run(&r, sys, "a-new-admin-password\n", (const char *[]){
	    "--json", "query", "admin", "boss", NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	/* PASSEXP is the nodes': an administrator's new one never expires */
	json_check(r.out, "import json, sys\n"
	    "d = json.load(open(sys.argv[1]))\n"
	    "assert d['columns'][3] == 'password_expires', d\n"
	    "assert d['rows'][0]['password_expires'] == 'never', d\n");
	t_peer_stop(&v.p);
}

Test(admin, password_on_the_command_line_works_with_a_warning)
{
	struct srv v;
	struct run r;
	const char *sys = admin_server(&v, NULL);

	t_run(&r, "bulwark", (const char *[]){ "admin", "--sysfile", sys,
	    "-id=boss", "-password=" ADMIN_PW, "query", "admin", NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1302W"), "%s", r.err);
	cr_assert(t_contains(r.out, "ADMINISTRATOR"), "%s", r.out);
	cr_assert(t_contains(r.out, "BOSS"), "%s", r.out);
	/* both ways at once is a usage error, before anything starts */
	t_run(&r, "bulwark", (const char *[]){ "admin", "--sysfile", sys,
	    "-id=boss", "-password=" ADMIN_PW, "--password-stdin", "query",
	    "admin", NULL }, NULL);
	cr_assert_eq(r.status, 2, "%s%s", r.out, r.err);
	t_peer_stop(&v.p);
}

Test(admin, a_new_password_from_standard_input)
{
	struct srv v;
	struct run r;
	const char *sys = admin_server(&v, NULL);
	const char *words[] = { "register", "node", "n6", "-", NULL };
	char extra[64];

	admin_run(&r, sys, ADMIN_PW "\ncorrect-horse-6\n", words);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	t_nodepw("srv1", "n6", "correct-horse-6");
	snprintf(extra, sizeof(extra), " NODENAME n6\n");
	srv_check(&r, &v, 1, extra);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	t_peer_stop(&v.p);
}

/* A new node's password, given as a word of the command. */
#define NODE_PW		"correct-horse-77"

/*
 * bulwark admin register node n7 NODE_PW, its standard input a pipe,
 * lingering when done.
 */
static pid_t
spawn_lingering(const char *sys, const char *input, int *outfd)
{
	char bin[600], dbenv[600];
	char node_pw[] = NODE_PW;	/* execve's argv is not const */
	char *argv[] = { bin, "admin", "--sysfile", (char *)sys, "-id=boss",
	    "--password-stdin", "register", "node", "n7", node_pw, NULL };
	char *envp[] = { dbenv, "BULWARK_TEST_LINGER_MS=3000", NULL };
	int in[2], out[2];
	pid_t pid;

	snprintf(bin, sizeof(bin), "%s/bulwark", getenv("BWK_BIN"));
	snprintf(dbenv, sizeof(dbenv), "BULWARK_DIR=%s", t_db());
	cr_assert_eq(pipe(in), 0);
	cr_assert_eq(pipe(out), 0);
	cr_assert_eq(write(in[1], input, strlen(input)),
	    (ssize_t)strlen(input));
	close(in[1]);
	if ((pid = fork()) == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(out[0]);
		execve(bin, argv, envp);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	*outfd = out[0];
	return pid;
}

static void
wait_for_linger(int fd)
{
	char buf[8192];
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(buf) - 1) {
		struct pollfd pf = { fd, POLLIN, 0 };

		cr_assert_gt(poll(&pf, 1, 30000), 0, "no output: %.*s",
		    (int)got, buf);
		if ((n = read(fd, buf + got, sizeof(buf) - 1 - got)) <= 0)
			break;
		got += (size_t)n;
		buf[got] = '\0';
		if (strstr(buf, "lingering") != NULL)
			return;
	}
	cr_assert_fail("bulwark admin did not get to its linger: %.*s",
	    (int)got, buf);
}

/*
 * --password-stdin: the password is not on the command line, and once
 * signed on it is nowhere in the network process (the helper made the
 * proof), nor in the server's log. A new node's password given as a
 * word is wiped in the command line and is not logged either.
 */
Test(admin, password_reaches_neither_cmdline_nor_network_process)
{
	struct srv v;
	const char *sys = admin_server(&v, NULL);
	char path[64], cmdline[4096];
	size_t n;
	ssize_t got;
	int out, st, fd;
	pid_t net;

	net = spawn_lingering(sys, ADMIN_PW "\n", &out);
	wait_for_linger(out);
	/* a /proc file has no size to read it by: read(2) until its end */
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)net);
	cr_assert_neq(fd = open(path, O_RDONLY), -1, "%s", path);
	for (n = 0; (got = read(fd, cmdline + n, sizeof(cmdline) - n)) > 0; )
		n += (size_t)got;
	close(fd);
	cr_assert(memmem(cmdline, n, ADMIN_PW, strlen(ADMIN_PW)) == NULL);
	cr_assert(memmem(cmdline, n, NODE_PW, strlen(NODE_PW)) == NULL,
	    "the node's password is still in the command line");
	cr_assert(memmem(cmdline, n, "register", 8) != NULL, "the test reads "
	    "another process's command line: %zu bytes", n);
	if (geteuid() == 0) {
		/* positive control: the scan finds what is there, the path */
		cr_assert(t_memory_holds(net, (const uint8_t *)sys,
		    strlen(sys)), "the scan is blind");
		cr_assert(!t_memory_holds(net, (const uint8_t *)ADMIN_PW,
		    strlen(ADMIN_PW)), "the administrator's password is in "
		    "the network process");
	}
	cr_assert_eq(waitpid(net, &st, 0), net);
	close(out);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
	cr_assert(t_contains(log_after(&v, "BWK1330I"), "register node N7 "
	    "(a password, not logged)"), "%s", srv_log(&v));
	cr_assert(!t_contains(srv_log(&v), ADMIN_PW));
	cr_assert(!t_contains(srv_log(&v), NODE_PW));
	t_peer_stop(&v.p);
}

Test(admin, usage_errors_come_before_anything_starts)
{
	struct run r;
	const char *sys = t_sysfile("srv1", "127.0.0.1", "1", 0, NULL);

	t_run(&r, "bulwark", (const char *[]){ "admin", "--sysfile", sys,
	    "query", "node", NULL }, NULL);
	cr_assert_eq(r.status, 2, "%s", r.err);
	cr_assert(t_contains(r.err, "-id=NAME"), "%s", r.err);
	t_run(&r, "bulwark", (const char *[]){ "admin", "--sysfile", sys,
	    "-id=boss", "--password-stdin", NULL }, NULL);
	cr_assert_eq(r.status, 2, "%s", r.err);
	cr_assert(t_contains(r.err, "a command is needed"), "%s", r.err);
	/* without --password-stdin, a pipe is no terminal to prompt on */
	t_run_input(&r, "bulwark", (const char *[]){ "admin", "--sysfile", sys,
	    "-id=boss", "query", "node", NULL }, ADMIN_PW "\n");
	cr_assert_eq(r.status, 2, "%s", r.err);
	cr_assert(t_contains(r.err, "BWK1303E"), "%s", r.err);
	/* --help after the options, not among the command's words */
	t_run(&r, "bulwark", (const char *[]){ "admin", "--help", NULL }, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(t_contains(r.out, "register node|admin"), "%s", r.out);
}

/* In path, the stanza of srv1 that signs on as node. */
static void
node_sysfile(const struct srv *v, const char *node, char *path, size_t len)
{
	char text[512];

	snprintf(path, len, "%s/node.sys", t_tmpdir());
	snprintf(text, sizeof(text), "SERVERNAME srv1\n TCPSERVERADDRESS "
	    "127.0.0.1\n TCPPORT %s\n SSLACCEPTCERTFROMSERV YES\n NODENAME %s\n",
	    v->port, node);
	cr_assert_eq(t_write(path, (const uint8_t *)text, strlen(text), 0644),
	    0);
}

/*
 * query session lists every session signed on, not only the asker's; a
 * session that ended leaves no row, and neither does one whose process
 * was killed (the next session drops it).
 */
Test(admin, query_session_lists_every_session)
{
	struct srv v;
	struct run r;
	const char *sys = admin_server(&v, NULL);
	char path[600];
	const char *argv[] = { "check", "--sysfile", path, NULL };
	int fd;
	pid_t pid, sess;

	ADMIN(&r, sys, "register", "node", "n8", "correct-horse-88");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	t_nodepw("srv1", "n8", "correct-horse-88");
	node_sysfile(&v, "n8", path, sizeof(path));
	setenv("BULWARK_TEST_LINGER_MS", "8000", 1);
	pid = t_spawn("bulwark", argv, &fd);
	unsetenv("BULWARK_TEST_LINGER_MS");
	wait_for_linger(fd);
	ADMIN(&r, sys, "query", "session");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "administrator  BOSS"), "%s", r.out);
	cr_assert(t_contains(r.out, "node           N8"), "%s", r.out);
	cr_assert(t_contains(r.out, "BWK1322I 2 sessions signed on"), "%s",
	    r.out);
	/* the node's session process dies without a word */
	cr_assert_neq(sess = t_child_of(v.p.pid), 0, "no session process");
	cr_assert_eq(kill(sess, SIGKILL), 0);
	waitpid(pid, NULL, 0);
	close(fd);
	ADMIN(&r, sys, "query", "session");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(!t_contains(r.out, "N8"), "a dead session is listed: %s",
	    r.out);
	cr_assert(t_contains(r.out, "BWK1322I 1 session signed on"), "%s",
	    r.out);
	t_peer_stop(&v.p);
}

/* update node N PASSWORD: the node signs on with the new one only. */
Test(admin, update_node_password_then_it_signs_on)
{
	struct srv v;
	struct run r;
	const char *sys = admin_server(&v, NULL);
	char path[600];
	const char *argv[] = { "check", "--sysfile", path, NULL };

	ADMIN(&r, sys, "register", "node", "n9", "correct-horse-91");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	ADMIN(&r, sys, "update", "node", "n9", "correct-horse-92");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	node_sysfile(&v, "n9", path, sizeof(path));
	t_nodepw("srv1", "n9", "correct-horse-91");
	t_run(&r, "bulwark", argv, NULL);
	cr_assert_eq(r.status, 9, "the old password signed on: %s%s", r.out,
	    r.err);
	t_nodepw("srv1", "n9", "correct-horse-92");
	t_run(&r, "bulwark", argv, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	t_peer_stop(&v.p);
}

/* register admin, remove admin; an administrator cannot remove itself. */
Test(admin, remove_admin_but_not_oneself)
{
	struct srv v;
	struct run r;
	const char *sys = admin_server(&v, NULL);

	ADMIN(&r, sys, "register", "admin", "helper", "correct-horse-93");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(console_list(&v, "admin"), "HELPER"), "%s",
	    console_list(&v, "admin"));
	ADMIN(&r, sys, "remove", "admin", "boss");
	cr_assert_eq(r.status, 11, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "BWK1327E") || t_contains(r.err,
	    "BWK1327E"), "%s%s", r.out, r.err);
	ADMIN(&r, sys, "remove", "admin", "helper");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(!t_contains(console_list(&v, "admin"), "HELPER"), "%s",
	    console_list(&v, "admin"));
	cr_assert(t_contains(console_list(&v, "admin"), "BOSS"));
	t_peer_stop(&v.p);
}
