/* What the tests of a node's backups share (nodefix.h). */
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nodefix.h"

/* An instance with node n1, its password in the key database, and the
 * client's options file (returned). */
const char *
node_setup(struct srv *v, const char *extra)
{
	return node_setup_opts(v, NULL, extra);
}

const char *
node_setup_opts(struct srv *v, const char *srvopts, const char *extra)
{
	static char path[600];
	char text[512];
	struct run r;
	const char *reg[] = { "--instance", NULL, "node", "register", "n1",
	    NULL };

	t_need_sandbox();
	srv_init(v, srvopts);
	reg[1] = v->dir;
	t_run_input(&r, "bulwarkd", reg, "correct-horse-1\n");
	cr_assert_eq(r.status, 0, "%s", r.err);
	srv_start(v);
	t_nodepw("srv1", "n1", "correct-horse-1");
	snprintf(path, sizeof(path), "%s/node.sys", t_tmpdir());
	snprintf(text, sizeof(text), "SERVERNAME srv1\n TCPSERVERADDRESS "
	    "127.0.0.1\n TCPPORT %s\n SSLACCEPTCERTFROMSERV YES\n NODENAME "
	    "n1\n%s", v->port, extra ? extra : "");
	cr_assert_eq(t_write(path, (const uint8_t *)text, strlen(text), 0644),
	    0);
	return path;
}

/* bulwark WORDS... --sysfile SYS, up to 16 words. */
void
client(struct run *r, const char *sys, const char *const *words)
{
	const char *argv[24];
	int n = 0;

	while (words[n] != NULL && n < 16) {
		argv[n] = words[n];
		n++;
	}
	argv[n++] = "--sysfile";
	argv[n++] = sys;
	argv[n] = NULL;
	t_run(r, "bulwark", argv, NULL);
}

void
mkfile(const char *path, const void *data, size_t n, mode_t mode)
{
	cr_assert_eq(t_write(path, data, n, (int)mode), 0, "%s", path);
}

/* No temporary file of a restore left anywhere beneath dir. */
void
no_temp_files(const char *dir)
{
	char cmd[800];
	int st;

	/* grep's 1: none found; 0: one found; anything else: not looked */
	snprintf(cmd, sizeof(cmd), "find %s -name '.bwk-restore.*' | "
	    "grep -q .", dir);
	st = system(cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) != 2, "cannot look "
	    "beneath %s", dir);
	cr_assert_eq(WEXITSTATUS(st), 1, "a temporary file is left beneath "
	    "%s", dir);
}
