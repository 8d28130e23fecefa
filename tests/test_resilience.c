/*
 * bulwarkd under load and under attack, on loopback: many nodes signing
 * on at once, a session process killed in the middle of its session, and
 * a client that sends garbage once its TLS session is up. Each must end
 * that one session and no other; the server goes on serving.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "srvfix.h"

static void setup(void) { t_tmpdir(); }
static void teardown(void) { t_cleanup(); }

TestSuite(resilience, .init = setup, .fini = teardown, .timeout = 180);

/* A registered node n1 with its password and the server's pinned
 * certificate on the client: every session below signs on as it. */
static void
ready_node(struct srv *v, const char *extra_opts)
{
	char arm[600];
	struct run r;
	const char *reg[] = { "--instance", v->dir, "node", "register", "n1",
	    NULL };

	srv_init(v, extra_opts);
	t_run_input(&r, "bulwarkd", reg, "correct-horse-1\n");
	cr_assert_eq(r.status, 0, "%s", r.err);
	srv_start(v);
	snprintf(arm, sizeof(arm), "%s/cert256.arm", v->dir);
	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", "srv1", "-file", arm,
	    NULL), 0, "%s", r.err);
	t_nodepw("srv1", "n1", "correct-horse-1");
	srv_check(&r, v, 0, " NODENAME n1\n");	/* writes the stanza */
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
}

/* bulwark check in a child of its own; its exit status on the pipe. */
static pid_t
check_in_child(int statfd, const char *const *env)
{
	static struct run r;
	char path[600];
	const char *argv[] = { "check", "--sysfile", path, NULL };
	pid_t pid = fork();
	unsigned char st;

	cr_assert_neq(pid, -1);
	if (pid != 0)
		return pid;
	snprintf(path, sizeof(path), "%s/bulwark.sys", t_tmpdir());
	t_run(&r, "bulwark", argv, env);
	st = (unsigned char)r.status;
	if (write(statfd, &st, 1) != 1)
		_exit(1);
	_exit(0);
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return n;
}

Test(resilience, thirty_two_nodes_sign_on_at_once)
{
	struct srv v;
	pid_t pids[32];
	int p[2], i, ok = 0;
	unsigned char st;

	ready_node(&v, "MAXSESSIONS 40\n");
	cr_assert_eq(pipe(p), 0);
	for (i = 0; i < 32; i++)
		pids[i] = check_in_child(p[1], NULL);
	close(p[1]);
	for (i = 0; i < 32; i++) {
		cr_assert_eq(read(p[0], &st, 1), 1, "a client gave no status");
		ok += st == 0;
	}
	for (i = 0; i < 32; i++)
		waitpid(pids[i], NULL, 0);
	close(p[0]);
	cr_assert_eq(ok, 32, "%d of 32 signed on:\n%s", ok, srv_log(&v));
	usleep(300000);
	/* the first sign-on of ready_node, and these 32 */
	cr_assert_eq(count(srv_log(&v), "BWK1077I"), 33, "%s", srv_log(&v));
	cr_assert(!t_contains(srv_log(&v), "BWK1018W"), "%s", srv_log(&v));
	t_peer_stop(&v.p);
}

/* The pid of this instance's bulwarkd-session number n, or -1. */
static pid_t
session_pid(const struct srv *v, int n_session)
{
	char path[300], cmd[2048], want[32];
	struct dirent *d;
	pid_t pid = -1;
	DIR *dir;
	FILE *f;
	size_t n, i;

	snprintf(want, sizeof(want), "--session %d ", n_session);
	cr_assert_not_null(dir = opendir("/proc"));
	while (pid == -1 && (d = readdir(dir)) != NULL) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", d->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		n = fread(cmd, 1, sizeof(cmd) - 1, f);
		fclose(f);
		for (i = 0; i < n; i++)
			if (cmd[i] == '\0')
				cmd[i] = ' ';
		cmd[n] = '\0';
		if (strstr(cmd, "bulwarkd-session") != NULL &&
		    strstr(cmd, v->dir) != NULL && strstr(cmd, want) != NULL)
			pid = atoi(d->d_name);
	}
	closedir(dir);
	return pid;
}

Test(resilience, a_killed_session_ends_only_itself)
{
	const char *linger[] = { "BULWARK_TEST_LINGER_MS=4000", NULL };
	struct srv v;
	struct run r;
	char path[600];
	const char *argv[] = { "check", "--sysfile", path, NULL };
	pid_t client, sess = -1;
	int p[2];
	unsigned char st;

	ready_node(&v, NULL);
	cr_assert_eq(pipe(p), 0);
	client = check_in_child(p[1], linger);
	close(p[1]);
	/*
	 * The lingering client holds its signed-on session open: session 2
	 * (ready_node's check was the first).
	 */
	srv_log_wait(&v, "BWK1077I bulwarkd-session: session 2 ");
	cr_assert_neq(sess = session_pid(&v, 2), -1, "no session process:\n%s",
	    srv_log(&v));
	cr_assert_eq(kill(sess, SIGKILL), 0);
	/* another node's session meanwhile: served as if nothing happened */
	snprintf(path, sizeof(path), "%s/bulwark.sys", t_tmpdir());
	t_run(&r, "bulwark", argv, NULL);
	cr_assert_eq(r.status, 0, "%s%s\n%s", r.out, r.err, srv_log(&v));
	/* the cut-off client says the server went away, with its status */
	cr_assert_eq(read(p[0], &st, 1), 1);
	waitpid(client, NULL, 0);
	close(p[0]);
	cr_assert_eq(st, 10, "status %u\n%s", st, srv_log(&v));
	cr_assert(t_contains(srv_log(&v), "session 2 ended by signal 9"),
	    "%s", srv_log(&v));
	t_peer_stop(&v.p);
}

/*
 * A TLS client (openssl s_client) that sends garbage after the handshake:
 * the server answers one ERROR frame, ends that session, and serves the
 * next client.
 */
Test(resilience, garbage_after_the_handshake_ends_that_session)
{
	struct srv v;
	struct run r;
	char connect[64], path[600];
	const char *argv[] = { "check", "--sysfile", path, NULL };

	ready_node(&v, NULL);
	snprintf(connect, sizeof(connect), "127.0.0.1:%s", v.port);
	t_run_any_input(&r, (const char *[]){ "openssl", "s_client", "-quiet",
	    "-tls1_2", "-connect", connect, NULL },
	    "GARBAGE, NOT A FRAME\n");
	cr_assert(t_contains(srv_log_wait(&v, "BWK1061E"), "BWK1061E"), "%s\n%s",
	    r.err, srv_log(&v));
	snprintf(path, sizeof(path), "%s/bulwark.sys", t_tmpdir());
	t_run(&r, "bulwark", argv, NULL);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "BWK1100I"), "%s", r.out);
	cr_assert(!t_contains(srv_log(&v), "BWK1018W"), "%s", srv_log(&v));
	t_peer_stop(&v.p);
}
