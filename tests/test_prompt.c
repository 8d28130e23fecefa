/*
 * PASSWORDACCESS PROMPT end to end, against a real bulwarkd: with no
 * node password in the key database, bulwark asks for one (on a real
 * terminal, without echo, or on standard input with --password-stdin)
 * and hands it to its key helper; the database's password, when there
 * is one, is used without asking; a typed password is never stored, and
 * an expired one says who can set a new one.
 */
#define _GNU_SOURCE		/* openpty */
#include <criterion/criterion.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "helpers.h"
#include "srvfix.h"

static void setup(void) { t_tmpdir(); }
static void teardown(void) { t_cleanup(); }

TestSuite(prompt, .init = setup, .fini = teardown, .timeout = 120);

static void
node_cmd(const struct srv *v, const char *pw, const char *cmd,
    const char *name, const char *opt)
{
	char line[256];
	struct run r;
	const char *argv[] = { "--instance", v->dir, "node", cmd, name, opt,
	    NULL };

	snprintf(line, sizeof(line), "%s\n", pw ? pw : "");
	t_run_input(&r, "bulwarkd", argv, line);
	cr_assert_eq(r.status, 0, "node %s %s: %s%s", cmd, name, r.out, r.err);
}

/* The stanza for srv1 as node N, first use allowed. */
static const char *
sysfile(const struct srv *v, const char *node)
{
	static char path[600];
	char text[1024];

	snprintf(path, sizeof(path), "%s/bulwark.sys", t_tmpdir());
	snprintf(text, sizeof(text), "SERVERNAME srv1\n TCPSERVERADDRESS "
	    "127.0.0.1\n TCPPORT %s\n SSLACCEPTCERTFROMSERV YES\n NODENAME %s\n",
	    v->port, node);
	cr_assert_eq(t_write(path, (const uint8_t *)text, strlen(text), 0644),
	    0);
	return path;
}

static void
typed_check(struct run *r, const struct srv *v, const char *node,
    const char *line)
{
	const char *argv[] = { "check", "--password-stdin", "--sysfile",
	    sysfile(v, node), NULL };

	t_run_input(r, "bulwark", argv, line);
}

static int
nodepw_stored(void)
{
	struct run r;

	cr_assert_eq(t_cert_cmd(&r, "-list", NULL), 0, "%s", r.err);
	return t_contains(r.out, "nodepw");
}

Test(prompt, typed_password_signs_on_and_is_not_stored)
{
	struct srv v;
	struct run r;

	srv_init(&v, NULL);
	node_cmd(&v, "correct-horse-21", "register", "n21", NULL);
	srv_start(&v);
	typed_check(&r, &v, "n21", "correct-horse-21\n");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "BWK1100I signed on to server srv1 as node "
	    "n21"), "%s", r.out);
	cr_assert(!t_contains(r.out, "correct-horse") &&
	    !t_contains(r.err, "correct-horse"), "the password was printed");
	cr_assert_eq(nodepw_stored(), 0, "a typed password was stored");
	/* the first use pinned the server as with a stored password */
	cr_assert(t_contains(srv_log_wait(&v, "BWK1077I"), "N21"), "%s",
	    srv_log(&v));
	/* a wrong one is refused the same way as a wrong stored one */
	typed_check(&r, &v, "n21", "not-the-password\n");
	cr_assert_eq(r.status, 9, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1108E"), "%s", r.err);
	/* nothing typed at all */
	typed_check(&r, &v, "n21", "\n");
	cr_assert_eq(r.status, 3, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1105E"), "%s", r.err);
	t_peer_stop(&v.p);
}

Test(prompt, stored_password_is_used_without_asking)
{
	struct srv v;
	struct run r;

	srv_init(&v, NULL);
	node_cmd(&v, "correct-horse-22", "register", "n22", NULL);
	srv_start(&v);
	t_nodepw("srv1", "n22", "correct-horse-22");
	/* what stdin holds is not read: the database's password signs on */
	typed_check(&r, &v, "n22", "not-the-password\n");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.out, "BWK1100I signed on to server srv1 as node "
	    "n22"), "%s", r.out);
	t_peer_stop(&v.p);
}

Test(prompt, expired_typed_password_says_who_sets_one)
{
	struct srv v;
	struct run r;

	srv_init(&v, NULL);
	node_cmd(&v, "correct-horse-23", "register", "n23", NULL);
	node_cmd(&v, NULL, "update", "n23", "--expire");
	srv_start(&v);
	typed_check(&r, &v, "n23", "correct-horse-23\n");
	cr_assert_eq(r.status, 9, "%s%s", r.out, r.err);
	cr_assert(t_contains(r.err, "BWK1120E"), "%s", r.err);
	cr_assert(t_contains(r.err, "update node n23"), "%s", r.err);
	cr_assert_eq(nodepw_stored(), 0);
	t_peer_stop(&v.p);
}

/* Reads the terminal's output until want shows (10 s at most). */
static int
wait_for(int master, const char *want, char *seen, size_t cap)
{
	struct pollfd p = { master, POLLIN, 0 };
	size_t n = strlen(seen);
	ssize_t k;

	while (strstr(seen, want) == NULL) {
		if (poll(&p, 1, 10000) != 1 || n + 1 >= cap)
			return -1;
		if ((k = read(master, seen + n, cap - n - 1)) <= 0)
			return -1;
		n += (size_t)k;
		seen[n] = '\0';
	}
	return 0;
}

/* A real terminal: the prompt on it, no echo while typing. */
Test(prompt, asks_on_the_terminal_without_echo)
{
	static char seen[8192], out[8192];
	const char *bin = getenv("BWK_BIN");
	char path[512], dbenv[600];
	struct termios t;
	struct srv v;
	int master, slave, p[2], status;
	ssize_t k;
	size_t n = 0;
	pid_t pid;

	cr_assert_not_null(bin);
	srv_init(&v, NULL);
	node_cmd(&v, "correct-horse-24", "register", "n24", NULL);
	srv_start(&v);
	snprintf(path, sizeof(path), "%s/bulwark", bin);
	snprintf(dbenv, sizeof(dbenv), "BULWARK_DIR=%s", t_db());
	{
		const char *args[] = { path, "check", "--sysfile",
		    sysfile(&v, "n24"), NULL };
		char *envp[] = { dbenv, "PATH=/usr/bin:/bin", NULL };

		cr_assert_eq(openpty(&master, &slave, NULL, NULL, NULL), 0);
		cr_assert_eq(pipe(p), 0);
		if ((pid = fork()) == 0) {
			dup2(slave, 0);
			dup2(slave, 2);
			dup2(p[1], 1);
			close(master);
			execve(path, (char *const *)args, envp);
			_exit(127);
		}
	}
	close(p[1]);
	cr_assert_eq(wait_for(master, "Password of node n24 on server srv1: ",
	    seen, sizeof(seen)), 0, "no prompt on the terminal: %s", seen);
	/* echo is off while it waits (the change can trail the prompt) */
	for (k = 0; k < 100; k++) {
		cr_assert_eq(tcgetattr(slave, &t), 0);
		if (!(t.c_lflag & ECHO))
			break;
		usleep(20000);
	}
	cr_assert(!(t.c_lflag & ECHO), "the terminal echoes the password");
	cr_assert_eq(write(master, "correct-horse-24\n", 17), 17);
	while ((k = read(p[0], out + n, sizeof(out) - n - 1)) > 0)
		n += (size_t)k;
	out[n] = '\0';
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	(void)wait_for(master, "\n", seen, sizeof(seen));
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "status %d: %s\n%s", status, out, seen);
	cr_assert(t_contains(out, "BWK1100I signed on to server srv1 as node "
	    "n24"), "%s", out);
	cr_assert(!t_contains(seen, "correct-horse"), "echoed: %s", seen);
	cr_assert(tcgetattr(slave, &t) == 0 && (t.c_lflag & ECHO),
	    "the terminal was left without echo");
	close(master);
	close(slave);
	close(p[0]);
	t_peer_stop(&v.p);
}
