#define _GNU_SOURCE	/* memmem */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sandbox/sandbox.h"
#include "../src/lib/msg.h"
#include "helpers.h"

static char tmpdir[256];

const char *
t_tmpdir(void)
{
	if (tmpdir[0] == '\0') {
		snprintf(tmpdir, sizeof(tmpdir), "/tmp/bwk-test.XXXXXX");
		cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp: %s",
		    strerror(errno));
	}
	return tmpdir;
}

/* Peers still running when a test ends (a failed assertion) are stopped. */
static pid_t peers[16];

static void
stop_peers(void)
{
	size_t i;

	for (i = 0; i < sizeof(peers) / sizeof(peers[0]); i++) {
		if (peers[i] > 0) {
			kill(peers[i], SIGKILL);
			waitpid(peers[i], NULL, 0);
		}
		peers[i] = 0;
	}
}

void
t_cleanup(void)
{
	char cmd[600];

	stop_peers();
	if (tmpdir[0] == '\0')
		return;
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s' 2>/dev/null; "
	    "rm -rf '%s'", tmpdir, tmpdir);
	(void)system(cmd);
	tmpdir[0] = '\0';
}

const char *
t_path(const char *name)
{
	static char bufs[8][512];
	static int i;
	char *b = bufs[i++ % 8];

	snprintf(b, 512, "%s/%s", t_tmpdir(), name);
	return b;
}

const char *
t_db(void)
{
	return t_path("db");
}

const char *
t_cert(const char *name)
{
	static char bufs[8][512];
	static int i;
	const char *dir = getenv("BWK_CERTS");
	char *b = bufs[i++ % 8];

	cr_assert_not_null(dir, "BWK_CERTS is not set (run through make check)");
	snprintf(b, 512, "%s/%s", dir, name);
	return b;
}

static void	run_exec(struct run *, const char *, const char *const *,
		    const char *const *, int);

void
t_run(struct run *r, const char *prog, const char *const *argv,
    const char *const *env)
{
	const char *bin = getenv("BWK_BIN");
	char path[512], dbenv[600];
	size_t n, i;
	const char *args[64];
	const char *envv[32];

	cr_assert_not_null(bin, "BWK_BIN is not set (run through make check)");
	snprintf(path, sizeof(path), "%s/%s", bin, prog);
	args[0] = path;
	for (n = 0; argv[n] != NULL && n < 62; n++)
		args[n + 1] = argv[n];
	args[n + 1] = NULL;
	snprintf(dbenv, sizeof(dbenv), "BULWARK_DIR=%s", t_db());
	i = 0;
	/* the caller's strings first: getenv() takes the first match */
	for (n = 0; env != NULL && env[n] != NULL && i < 20; n++)
		envv[i++] = env[n];
	envv[i++] = dbenv;
	envv[i++] = "PATH=/usr/bin:/bin";
	/*
	 * The sanitizer build: the runner forks from threads, where leak
	 * checks are unreliable, so it runs without them and hands the
	 * programs it starts their own options (leak checks on).
	 */
	if (getenv("BWK_CHILD_ASAN_OPTIONS") != NULL) {
		static char a[512], u[512];

		snprintf(a, sizeof(a), "ASAN_OPTIONS=%s",
		    getenv("BWK_CHILD_ASAN_OPTIONS"));
		envv[i++] = a;
		if (getenv("UBSAN_OPTIONS") != NULL) {
			snprintf(u, sizeof(u), "UBSAN_OPTIONS=%s",
			    getenv("UBSAN_OPTIONS"));
			envv[i++] = u;
		}
	}
	envv[i] = NULL;

	run_exec(r, path, args, envv, 0);
}

/* Runs path with args and envv (stdin ours, or /dev/null); into r. */
static void
run_exec(struct run *r, const char *path, const char *const *args,
    const char *const *envv, int null_stdin)
{
	int po[2], pe[2], st, nul;
	size_t no = 0, ne = 0, i;
	struct pollfd pf[2];
	pid_t pid;

	cr_assert(pipe(po) == 0 && pipe(pe) == 0);
	pid = fork();
	cr_assert(pid != -1);
	if (pid == 0) {
		if (null_stdin && (nul = open("/dev/null", O_RDONLY)) != -1)
			dup2(nul, 0);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]);
		close(pe[0]);
		execve(path, (char *const *)args, (char *const *)envv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	r->out[0] = r->err[0] = '\0';
	pf[0].fd = po[0];
	pf[1].fd = pe[0];
	pf[0].events = pf[1].events = POLLIN;
	while (pf[0].fd != -1 || pf[1].fd != -1) {
		if (poll(pf, 2, -1) == -1)
			break;
		for (i = 0; i < 2; i++) {
			char *buf = i == 0 ? r->out : r->err;
			size_t cap = i == 0 ? sizeof(r->out) : sizeof(r->err);
			size_t *len = i == 0 ? &no : &ne;
			ssize_t got;

			if (pf[i].fd == -1 || !(pf[i].revents & (POLLIN | POLLHUP)))
				continue;
			if (*len < cap - 1)
				got = read(pf[i].fd, buf + *len, cap - 1 - *len);
			else {
				char sink[4096];

				got = read(pf[i].fd, sink, sizeof(sink));
				if (got > 0)
					continue;
			}
			if (got <= 0) {
				close(pf[i].fd);
				pf[i].fd = -1;
				continue;
			}
			*len += (size_t)got;
			buf[*len] = '\0';
		}
	}
	waitpid(pid, &st, 0);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void
t_run_any(struct run *r, const char *const *argv)
{
	static const char *const envv[] = { "PATH=/usr/bin:/bin", NULL };
	char path[512];

	snprintf(path, sizeof(path), "/usr/bin/%s", argv[0]);
	run_exec(r, path, argv, envv, 1);
}

int
t_cert_cmd(struct run *r, ...)
{
	const char *argv[64];
	va_list ap;
	size_t n = 0;

	va_start(ap, r);
	while (n < 63 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	t_run(r, "bulwark-cert", argv, NULL);
	return r->status;
}

int
t_read(const char *path, uint8_t **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (f == NULL)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	*buf = malloc((size_t)n + 1);
	*len = fread(*buf, 1, (size_t)n, f);
	fclose(f);
	return 0;
}

int
t_write(const char *path, const uint8_t *buf, size_t len, int mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd == -1)
		return -1;
	if (write(fd, buf, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	fchmod(fd, (mode_t)mode);
	return close(fd);
}

int
t_same_file(const char *a, const char *b)
{
	uint8_t *x, *y;
	size_t lx, ly;
	int same;

	if (t_read(a, &x, &lx) == -1)
		return 0;
	if (t_read(b, &y, &ly) == -1) {
		free(x);
		return 0;
	}
	same = lx == ly && memcmp(x, y, lx) == 0;
	free(x);
	free(y);
	return same;
}

int
t_copy(const char *from, const char *to)
{
	uint8_t *b;
	size_t l;
	int r;

	if (t_read(from, &b, &l) == -1)
		return -1;
	r = t_write(to, b, l, 0600);
	free(b);
	return r;
}

int
t_contains(const char *hay, const char *needle)
{
	return strstr(hay, needle) != NULL;
}

int
t_free_port(void)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0), port;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(getsockname(s, (struct sockaddr *)&a, &al), 0);
	port = ntohs(a.sin_port);
	close(s);
	return port;
}

void
t_peer_start(struct peer *p, const char *const *argv, const char *ready)
{
	const char *args[64];
	int fd, i, tries, in[2];
	uint8_t *b;
	size_t n;

	p->port = t_free_port();
	snprintf(p->portstr, sizeof(p->portstr), "%d", p->port);
	snprintf(p->log, sizeof(p->log), "%s/peer-%d.log", t_tmpdir(), p->port);
	for (i = 0; argv[i] != NULL && i < 62; i++)
		args[i] = strcmp(argv[i], "PORT") == 0 ? p->portstr : argv[i];
	args[i] = NULL;
	cr_assert_eq(pipe(in), 0);
	p->pid = fork();
	cr_assert_neq(p->pid, -1);
	if (p->pid == 0) {
		fd = open(p->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 1);
		dup2(fd, 2);
		dup2(in[0], 0);
		close(in[1]);
		execvp(args[0], (char *const *)args);
		_exit(127);
	}
	close(in[0]);
	p->stdin_fd = in[1];
	for (i = 0; i < (int)(sizeof(peers) / sizeof(peers[0])); i++)
		if (peers[i] == 0) {
			peers[i] = p->pid;
			break;
		}
	for (tries = 0; tries < 200; tries++) {
		usleep(25000);
		if (t_read(p->log, &b, &n) == 0) {
			int ok = n > 0 && memmem(b, n, ready, strlen(ready)) != NULL;

			free(b);
			if (ok)
				return;
		}
	}
	cr_assert_fail("%s did not start: %s", args[0], t_peer_log(p));
}

void
t_peer_stop(struct peer *p)
{
	size_t i;

	if (p->pid > 0) {
		close(p->stdin_fd);
		kill(p->pid, SIGTERM);
		waitpid(p->pid, NULL, 0);
		for (i = 0; i < sizeof(peers) / sizeof(peers[0]); i++)
			if (peers[i] == p->pid)
				peers[i] = 0;
	}
	p->pid = 0;
}

char *
t_peer_log(struct peer *p)
{
	static char buf[256 * 1024];
	uint8_t *b;
	size_t n;

	buf[0] = '\0';
	if (t_read(p->log, &b, &n) == 0) {
		snprintf(buf, sizeof(buf), "%.*s", (int)n, (char *)b);
		free(b);
	}
	return buf;
}

pid_t
t_spawn(const char *prog, const char *const *argv, int *outfd)
{
	const char *bin = getenv("BWK_BIN");
	char path[512], dbenv[600];
	const char *args[64];
	char linger[64];
	char *envp[3] = { dbenv, NULL, NULL };
	int p[2], n;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/%s", bin, prog);
	snprintf(dbenv, sizeof(dbenv), "BULWARK_DIR=%s", t_db());
	if (getenv("BULWARK_TEST_LINGER_MS") != NULL) {
		snprintf(linger, sizeof(linger), "BULWARK_TEST_LINGER_MS=%s",
		    getenv("BULWARK_TEST_LINGER_MS"));
		envp[1] = linger;
	}
	args[0] = path;
	for (n = 0; argv[n] != NULL && n < 62; n++)
		args[n + 1] = argv[n];
	args[n + 1] = NULL;
	cr_assert_eq(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		execve(path, (char *const *)args, envp);
		_exit(127);
	}
	close(p[1]);
	*outfd = p[0];
	return pid;
}

const char *
t_sysfile(const char *server, const char *addr, const char *port, int accept,
    const char *fpr)
{
	static char path[512];
	char text[2048];
	int n;

	snprintf(path, sizeof(path), "%s/bulwark.sys", t_tmpdir());
	n = snprintf(text, sizeof(text),
	    "* written by the tests\n"
	    "SERVERNAME %s\n"
	    "   TCPSERVERADDRESS %s\n"
	    "   TCPPORT %s\n"
	    "   SSLACCEPTCERTFROMSERV %s\n", server, addr, port,
	    accept ? "YES" : "NO");
	if (fpr != NULL)
		n += snprintf(text + n, sizeof(text) - (size_t)n,
		    "   BWKSERVERFINGERPRINT %s\n", fpr);
	cr_assert_eq(t_write(path, (const uint8_t *)text, (size_t)n, 0644), 0);
	return path;
}

void
t_need_sandbox(void)
{
	struct sb_status st;

	sb_probe(&st);
	if (!st.seccomp)
		cr_skip_test("this kernel cannot install seccomp filters; "
		    "bulwark refuses to run a session without them");
	if (st.landlock_abi < 4)
		cr_skip_test("this kernel has Landlock ABI %d; the network "
		    "process needs ABI 4 (Linux 6.7) for its TCP port rules",
		    st.landlock_abi);
}

static char	 captured[16384];
static int	 capsave = -1;
static FILE	*capf;

void
t_cap_begin(void)
{
	fflush(stderr);
	cr_assert_not_null(capf = tmpfile());
	cr_assert_neq(capsave = dup(2), -1);
	cr_assert_neq(dup2(fileno(capf), 2), -1);
	bwk_quiet = 0;
}

const char *
t_cap_end(void)
{
	size_t n;

	bwk_quiet = 1;
	fflush(stderr);
	dup2(capsave, 2);
	close(capsave);
	rewind(capf);
	n = fread(captured, 1, sizeof(captured) - 1, capf);
	captured[n] = '\0';
	fclose(capf);
	return captured;
}

void
t_run_input(struct run *r, const char *prog, const char *const *argv,
    const char *input)
{
	int p[2], saved = dup(0);
	size_t n = strlen(input);

	/* a pipe holds 64 KiB: the input is written whole before the run */
	cr_assert_lt(n, 65536);
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(write(p[1], input, n), (ssize_t)n);
	close(p[1]);
	dup2(p[0], 0);
	close(p[0]);
	t_run(r, prog, argv, NULL);
	dup2(saved, 0);
	close(saved);
}

void
t_run_any_input(struct run *r, const char *const *argv, const char *input)
{
	static const char *const envv[] = { "PATH=/usr/bin:/bin", NULL };
	char path[512];
	int p[2], saved = dup(0);
	size_t n = strlen(input);

	cr_assert_lt(n, 65536);
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(write(p[1], input, n), (ssize_t)n);
	close(p[1]);
	dup2(p[0], 0);
	close(p[0]);
	snprintf(path, sizeof(path), "/usr/bin/%s", argv[0]);
	run_exec(r, path, argv, envv, 0);
	dup2(saved, 0);
	close(saved);
}

void
t_nodepw(const char *server, const char *node, const char *pw)
{
	const char *argv[] = { "-nodepw", "-server", server, "-node", node,
	    NULL };
	char line[1100];
	struct run r;

	snprintf(line, sizeof(line), "%s\n", pw);
	t_run_input(&r, "bulwark-cert", argv, line);
	cr_assert_eq(r.status, 0, "%s", r.err);
}

const char *
t_setgid_install(void)
{
	static char prefix[256];
	static int lockfd = -1;
	const char *p = getenv("BWK_SETGID_PREFIX");
	char lock[300];

	if (p == NULL || geteuid() != 0)
		cr_skip_test("needs root and make check's setgid install "
		    "(BWK_SETGID_PREFIX)");
	snprintf(prefix, sizeof(prefix), "%s", p);
	if (lockfd == -1) {
		snprintf(lock, sizeof(lock), "%s/.tests.lock", prefix);
		cr_assert_neq(lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC,
		    0600), -1, "%s: %s", lock, strerror(errno));
		cr_assert_eq(flock(lockfd, LOCK_EX), 0);
	}
	return prefix;
}

const char *
t_src(const char *name)
{
	static char bufs[4][600];
	static int i;
	const char *top = getenv("BWK_SRC");
	char *b = bufs[i++ % 4];

	snprintf(b, 600, "%s/%s", top != NULL ? top : ".", name);
	return b;
}

/* Does pid's writable memory hold needle (or its byte reversal)? */
int
t_memory_holds(pid_t pid, const uint8_t *needle, size_t nl)
{
	char path[64], line[512];
	uint8_t rev[64];
	FILE *maps;
	int mem, found = 0;
	size_t i;

	for (i = 0; i < nl; i++)
		rev[i] = needle[nl - 1 - i];
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	cr_assert_not_null(maps = fopen(path, "r"), "%s", path);
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	cr_assert_neq(mem = open(path, O_RDONLY), -1, "open %s", path);
	while (!found && fgets(line, sizeof(line), maps) != NULL) {
		unsigned long lo, hi;
		char perms[8];
		uint8_t *buf;
		ssize_t n;

		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 ||
		    perms[0] != 'r' || hi - lo > (256UL << 20))
			continue;
		buf = malloc(hi - lo);
		n = pread(mem, buf, hi - lo, (off_t)lo);
		if (n > 0 && (memmem(buf, (size_t)n, needle, nl) != NULL ||
		    memmem(buf, (size_t)n, rev, nl) != NULL))
			found = 1;
		free(buf);
	}
	fclose(maps);
	close(mem);
	return found;
}

pid_t
t_child_of(pid_t parent)
{
	char path[64];
	FILE *f;
	int c = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)parent,
	    (int)parent);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fscanf(f, "%d", &c) != 1)
		c = 0;
	fclose(f);
	return c;
}
