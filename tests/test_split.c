/*
 * A backup's two processes (libbulwark's bwk_start): the network process
 * ends with its file side, even while the server it talks to hangs, so
 * a killed bulwark leaves no process holding its session (it watches its
 * channel while it waits on the server, BWK0790E).
 */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "nodefix.h"
#include "srvfix.h"

static void setup(void) { t_tmpdir(); }
static void teardown(void) { t_cleanup(); }

TestSuite(split, .init = setup, .fini = teardown, .timeout = 120);

static void
nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* A process's state letter and parent, from /proc; 0 when it is gone. */
static char
proc_state(pid_t pid, pid_t *ppid)
{
	char path[64], buf[512], *p, st = 0;
	FILE *f;
	int pp = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), f) != NULL &&
	    (p = strrchr(buf, ')')) != NULL)
		(void)sscanf(p + 2, "%c %d", &st, &pp);
	fclose(f);
	if (ppid != NULL)
		*ppid = pp;
	return st;
}

/* A session process of the listener: a child whose name is the
 * session program's; 0 when there is none yet. */
static pid_t
session_of(pid_t listener)
{
	char comm[64], path[300];
	struct dirent *d;
	pid_t found = 0, pp;
	DIR *D;
	FILE *f;

	if ((D = opendir("/proc")) == NULL)
		return 0;
	while (found == 0 && (d = readdir(D)) != NULL) {
		pid_t pid = (pid_t)atoi(d->d_name);

		if (pid <= 0 || proc_state(pid, &pp) == 0 || pp != listener)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fgets(comm, sizeof(comm), f) != NULL &&
		    strncmp(comm, "bulwarkd-sessio", 15) == 0)
			found = pid;
		fclose(f);
	}
	closedir(D);
	return found;
}

Test(split, the_network_process_ends_with_a_killed_file_side)
{
	char file[600];
	const char *argv[5];
	struct srv v;
	pid_t client, net = 0, sess = 0;
	int fd, out, i, status;
	char st;
	const char *sys = node_setup(&v, NULL);

	/* 1 GiB, nearly all hole: the backup is not over before the
	 * server's side is frozen (in the handshake, or in the data) */
	snprintf(file, sizeof(file), "%s/big", t_tmpdir());
	cr_assert((fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644)) != -1);
	cr_assert_eq(pwrite(fd, "end", 3, (off_t)1 << 30), 3);
	close(fd);
	argv[0] = "selective";
	argv[1] = file;
	argv[2] = "--sysfile";
	argv[3] = sys;
	argv[4] = NULL;
	client = t_spawn("bulwark", argv, &out);
	/* the server's side of it frozen: from now on it answers nothing */
	for (i = 0; i < 10000 && sess == 0; i++) {
		if ((sess = session_of(v.p.pid)) == 0)
			nap_ms(1);
	}
	cr_assert_neq(sess, 0, "no session process came");
	kill(sess, SIGSTOP);
	for (i = 0; i < 5000 && net == 0; i++) {
		if ((net = t_child_of(client)) == 0)
			nap_ms(1);
	}
	cr_assert_neq(net, 0, "the client has no network process");
	cr_assert_neq(proc_state(net, NULL), 0);

	kill(client, SIGKILL);
	waitpid(client, &status, 0);
	close(out);
	/* gone (or a zombie for init to reap) although its server hangs */
	for (i = 0; i < 1000; i++) {
		st = proc_state(net, NULL);
		if (st == 0 || st == 'Z')
			break;
		nap_ms(10);
	}
	kill(sess, SIGCONT);
	cr_assert(st == 0 || st == 'Z', "the network process %d is still "
	    "there (state %c) after its file side was killed", (int)net, st);
	t_peer_stop(&v.p);
}
