/*
 * Run by the setgid test as an unprivileged user: starts the installed,
 * setgid bulwark-keyd the way bulwark does, and tries what a compromised
 * network process would: read the helper's memory, and ask for a
 * signature outside the protocol. Prints one line per check; exit 0 only
 * when every attempt failed as it must.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/lib/proto.h"

static int
check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	return ok ? 0 : 1;
}

int
main(int argc, char **argv)
{
	static uint8_t buf[KEYD_MAX_FRAME + 1];
	struct frame f;
	struct msg m;
	char path[64];
	int sv[2], bad = 0, fd, st;
	ssize_t n;
	pid_t pid;

	if (argc != 3) {
		fprintf(stderr, "usage: keyd-poke KEYD_PATH SERVER\n");
		return 2;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == -1)
		return 2;
	if ((pid = fork()) == 0) {
		char *envp[] = { NULL };

		dup2(sv[1], KEYD_FD);
		execle(argv[1], "bulwark-keyd", "--server", argv[2],
		    (char *)NULL, envp);
		_exit(127);
	}
	close(sv[1]);
	frame_init(&f, KEYD_REQ_HELLO, 1);
	frame_put_h32(&f, KEYD_VERSION);
	frame_finish(&f);
	frame_send(sv[0], &f);
	n = frame_recv(sv[0], buf, 10000);
	bad |= check(n > 0 && msg_parse(buf, (size_t)n, &m) == 0 &&
	    m.type == KEYD_ANS_HELLO, "the setgid helper answers HELLO");
	/* the helper is ours in uid but must not be readable or traceable */
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	fd = open(path, O_RDONLY);
	bad |= check(fd == -1 && (errno == EACCES || errno == EPERM),
	    "the helper's memory cannot be read");
	if (fd != -1)
		close(fd);
	/* a SIGN without BEGIN: outside the protocol, the helper stops */
	frame_init(&f, KEYD_REQ_SIGN, 2);
	frame_put_u8(&f, KEYD_SIG_ECDSA);
	frame_put_u8(&f, KEYD_SHA256);
	memset(buf, 0, 32);
	frame_put(&f, buf, 32);
	frame_put_h16(&f, 32);
	frame_put(&f, buf, 32);
	frame_finish(&f);
	frame_send(sv[0], &f);
	n = frame_recv(sv[0], buf, 10000);
	bad |= check(n == 0, "a SIGN without BEGIN gets no answer: the helper "
	    "stopped");
	waitpid(pid, &st, 0);
	bad |= check(WIFEXITED(st) && WEXITSTATUS(st) != 0,
	    "the helper exited with an error status");
	return bad;
}
