/*
 * bulwarkd's listener: it binds the ports, accepts connections and hands
 * each to a new bulwarkd-session process, whose socket is descriptor 3.
 * It never reads a byte a client sends (OpenSSH's sshd and sshd-session
 * are the model): a parser bug can only take over one session process,
 * which holds neither the server's key nor any other session. It counts
 * sessions against MAXSESSIONS, reaps them, and with --syslog forwards
 * their log lines (a sandboxed session cannot reach the syslog socket).
 * It also runs retention: at start, before it accepts, it reaps the
 * pending versions that sessions of an earlier run abandoned; then, at
 * start and daily, a child process expires and reaps (retention.c).
 */
#define _GNU_SOURCE	/* accept4, pipe2, close_range */
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "../lib/msg.h"
#include "../lib/util.h"
#include "../lib/x509.h"
#include "../lib/certfile.h"
#include "instance.h"
#include "listen.h"
#include "retention.h"

#ifndef BULWARK_SESSION_PATH
#error "BULWARK_SESSION_PATH (bulwarkd-session's absolute path) must be set"
#endif

#define MAX_LISTEN	3
#define MAX_SESSIONS	1024
#define BUSY_EXTRA	8	/* sessions past MAXSESSIONS told to wait */
#define DAY_MS		(24 * 3600 * 1000LL)
#define STOP_GRACE_MS	10000

struct child {
	pid_t	pid;
	long	id;
	int	logfd;		/* its stderr, with --syslog; else -1 */
	char	line[1024];
	size_t	have;
	int	busy;
};

static struct {
	int		 fd[MAX_LISTEN];
	int		 roles[MAX_LISTEN];
	int		 port[MAX_LISTEN];
	size_t		 n;
	struct child	 child[MAX_SESSIONS + BUSY_EXTRA];
	size_t		 nchild;
	int		 sigpipe[2];
	long		 next_id;
	long		 run;		/* this start's: the sessions' rows */
	pid_t		 expiry;	/* the expiry process, or 0 */
} L;

/* The daily period; test builds may shorten it (BULWARK_TEST_DAY_MS). */
static int64_t
day_ms(void)
{
#ifdef BULWARK_TESTING
	const char *v = getenv("BULWARK_TEST_DAY_MS");

	if (v != NULL && atoll(v) > 0)
		return atoll(v);
#endif
	return DAY_MS;
}

static void
on_signal(int sig)
{
	uint8_t b = (uint8_t)sig;
	int save = errno;

	(void)!write(L.sigpipe[1], &b, 1);
	errno = save;
}

static int
bind_one(const char *addr, int port, int roles)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1, zero = 0, v6 = addr[0] == '\0' || strchr(addr, ':');

	memset(&ss, 0, sizeof(ss));
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		a->sin6_addr = in6addr_any;
		if (addr[0] != '\0' && inet_pton(AF_INET6, addr, &a->sin6_addr) != 1)
			goto badaddr;
		sl = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, addr, &a->sin_addr) != 1)
			goto badaddr;
		sl = sizeof(*a);
	}
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* every address: IPv6 and IPv4 on one socket */
	if (v6 && addr[0] == '\0')
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, (struct sockaddr *)&ss, sl) == -1 || listen(fd, 64) == -1) {
		close(fd);
		goto fail;
	}
	L.fd[L.n] = fd;
	L.roles[L.n] = roles;
	L.port[L.n++] = port;
	bwk_info("BWK1013I", "listening on %s port %d (%s)", addr[0] ? addr :
	    "every address", port, roles == (ROLE_NODE | ROLE_ADMIN) ?
	    "nodes and administrators" : roles == ROLE_NODE ? "nodes" :
	    "administrators");
	return 0;
fail:
	bwk_msg("BWK1014E", "cannot listen on %s port %d: %s; check that no "
	    "other server uses it (TCPPORT, SSLTCPPORT, TCPADMINPORT)",
	    addr[0] ? addr : "every address", port, strerror(errno));
	return -1;
badaddr:
	bwk_msg("BWK1014E", "BWKLISTENADDRESS %s is not an address", addr);
	return -1;
}

static int
bind_ports(const struct srv_options *o)
{
	int client_roles = ROLE_NODE | (o->adminonclientport ||
	    o->tcpadminport == o->tcpport ? ROLE_ADMIN : 0);

	if (bind_one(o->listen, o->tcpport, client_roles) == -1)
		return -1;
	if (o->ssltcpport != 0 && o->ssltcpport != o->tcpport &&
	    bind_one(o->listen, o->ssltcpport, client_roles) == -1)
		return -1;
	if (o->tcpadminport != o->tcpport && o->tcpadminport != o->ssltcpport &&
	    bind_one(o->listen, o->tcpadminport, ROLE_ADMIN) == -1)
		return -1;
	return 0;
}

static void
peer_text(const struct sockaddr_storage *ss, char *out, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		port = ntohs(s4->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		port = ntohs(s6->sin6_port);
	}
	snprintf(out, len, "%s:%d", a, port);
}

/* The labels a session serves: its certificate's, and the standby's. */
struct labels {
	char	cert[CERT_LABEL_MAX + 1];
	char	standby[CERT_LABEL_MAX + 1];	/* "" for none */
};

static void
exec_session(const struct listen_opts *lo, int sock, const char *peer,
    long id, int roles, int busy, int logfd, const struct labels *lb)
{
	static char live[(MAX_SESSIONS + BUSY_EXTRA) * 14 + 1];
	char ids[24], rolestr[4], run[24];
	const char *argv[32];
	size_t i, k = 0;
	char *const envp[] = { NULL };
	int n = 0;

	if (dup2(sock, 3) == -1)
		_exit(127);
	if (logfd != -1 && dup2(logfd, 2) == -1)
		_exit(127);
	close_range(4, ~0U, 0);
	snprintf(ids, sizeof(ids), "%ld", id);
	snprintf(rolestr, sizeof(rolestr), "%d", roles);
	argv[n++] = "bulwarkd-session";
	argv[n++] = "--instance";
	argv[n++] = lo->instance;
	argv[n++] = "--peer";
	argv[n++] = peer;
	argv[n++] = "--session";
	argv[n++] = ids;
	argv[n++] = "--roles";
	argv[n++] = rolestr;
	/* the sessions running now: a new one drops the others' rows */
	snprintf(run, sizeof(run), "%ld", L.run);
	live[0] = '\0';
	for (i = 0; i < L.nchild; i++)
		k += (size_t)snprintf(live + k, sizeof(live) - k, "%s%ld",
		    k > 0 ? "," : "", L.child[i].id);
	argv[n++] = "--run";
	argv[n++] = run;
	argv[n++] = "--live";
	argv[n++] = live;
	argv[n++] = "--label";
	argv[n++] = lb->cert;
	if (lb->standby[0] != '\0') {
		argv[n++] = "--standby";
		argv[n++] = lb->standby;
	}
#ifdef BULWARK_TESTING
	/* the tests' forged announcements (src/srvsession/standby.c) */
	if (getenv("BULWARK_TEST_FORGE_STANDBY") != NULL) {
		argv[n++] = "--test-forge-standby";
		argv[n++] = getenv("BULWARK_TEST_FORGE_STANDBY");
	}
	/* a failing disk under the content files (src/srvsession/content.h) */
	if (getenv("BULWARK_TEST_CONTENT_FAULT") != NULL) {
		argv[n++] = "--test-content-fault";
		argv[n++] = getenv("BULWARK_TEST_CONTENT_FAULT");
	}
#endif
	if (busy)
		argv[n++] = "--busy";
	if (lo->insecure_sandbox)
		argv[n++] = "--insecure-weak-sandbox";
	argv[n] = NULL;
	/* an empty environment and an absolute, compiled-in path */
	execve(BULWARK_SESSION_PATH, (char *const *)argv, envp);
	_exit(127);
}

/*
 * The labels, read for each session: cert default, cert renew and cert
 * create --next take effect for the next session, with no restart, as
 * cert256.arm does. A standby that cannot be named is left out (and
 * said): the session goes on with the current key.
 */
static int
session_labels(const struct listen_opts *lo, const char *peer,
    struct labels *lb)
{
	if (instance_default_label(lo->in, lb->cert) == -1) {
		bwk_msg("BWK1423E", "%s cannot be read or holds no certificate "
		    "label; the session of %s is not started: run bulwarkd "
		    "--instance %s cert default LABEL", lo->in->deflabel, peer,
		    lo->instance);
		return -1;
	}
	switch (instance_standby_label(lo->in, lb->standby)) {
	case 0:
		if (strcmp(lb->standby, lb->cert) == 0)
			lb->standby[0] = '\0';	/* in use: no standby */
		break;
	case 1:
		break;
	default:
		bwk_msg("BWK1426W", "%s cannot be read or holds no certificate "
		    "label; the session of %s announces no standby key: run "
		    "bulwarkd --instance %s cert list", lo->in->nextlabel, peer,
		    lo->instance);
		lb->standby[0] = '\0';
	}
	return 0;
}

static void
start_session(const struct listen_opts *lo, size_t li)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct child *c;
	struct labels lb;
	char peer[80];
	int sock, busy, lp[2] = { -1, -1 };

	if ((sock = accept4(L.fd[li], (struct sockaddr *)&ss, &sl,
	    SOCK_CLOEXEC)) == -1)
		return;
	/* a session's answers are small frames written one after another
	 * (a restore's last data, then its end): without this, Nagle holds
	 * the second until the client's delayed ACK, 40 ms an object. A
	 * speed-up only: a refusal is ignored */
	{
		int one = 1;

		(void)setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
	}
	peer_text(&ss, peer, sizeof(peer));
	if (session_labels(lo, peer, &lb) == -1) {
		close(sock);
		return;
	}
	busy = L.nchild >= (size_t)lo->o->maxsessions;
	if (L.nchild >= (size_t)lo->o->maxsessions + BUSY_EXTRA) {
		bwk_msg("BWK1015W", "%s refused: %zu sessions and refusals "
		    "already run (MAXSESSIONS %d)", peer, L.nchild,
		    lo->o->maxsessions);
		close(sock);
		return;
	}
	if (lo->syslog && pipe2(lp, O_CLOEXEC) == -1)
		lp[0] = lp[1] = -1;
	c = &L.child[L.nchild];
	memset(c, 0, sizeof(*c));
	c->id = ++L.next_id;
	c->busy = busy;
	if ((c->pid = fork()) == 0)
		exec_session(lo, sock, peer, c->id, L.roles[li], busy, lp[1],
		    &lb);
	close(sock);
	if (lp[1] != -1)
		close(lp[1]);
	if (c->pid == -1) {
		bwk_msg("BWK1016E", "cannot start a session for %s: %s", peer,
		    strerror(errno));
		if (lp[0] != -1)
			close(lp[0]);
		return;
	}
	c->logfd = lp[0];
	L.nchild++;
	bwk_info("BWK1017I", "session %ld: %s on port %d%s", c->id, peer,
	    L.port[li], busy ? " (refused: MAXSESSIONS)" : "");
}

static void
forward_log(struct child *c, int drain)
{
	ssize_t n;
	char *nl;

	for (;;) {
		n = read(c->logfd, c->line + c->have, sizeof(c->line) - 1 - c->have);
		if (n > 0)
			c->have += (size_t)n;
		c->line[c->have] = '\0';
		while ((nl = strchr(c->line, '\n')) != NULL ||
		    c->have == sizeof(c->line) - 1 || (n <= 0 && c->have > 0)) {
			size_t len = nl ? (size_t)(nl - c->line) : c->have;
			char clean[1024];

			c->line[len] = '\0';
			bwk_sanitize(c->line, clean, sizeof(clean));
			syslog(LOG_NOTICE, "session %ld: %s", c->id, clean);
			len = nl ? len + 1 : len;
			memmove(c->line, c->line + len, c->have - len);
			c->have -= len;
			c->line[c->have] = '\0';
		}
		if (n <= 0 || !drain)
			break;
	}
}

/*
 * Retention runs in a child process, not between accepts: an expiry is
 * one SQLite transaction over every version, then a removal and a
 * directory sync per content file, minutes on a large server, and the
 * listener must go on accepting and reaping sessions meanwhile. The
 * child holds no catalog handle of ours (the listener opens none while
 * it serves) and execs nothing; it opens its own, as every process does.
 * It reaps no pending version: sessions may be running.
 */
static void
expiry_child(const struct listen_opts *lo, const sigset_t *mask)
{
	struct retention_done d;
	size_t i;

	/* the default actions, then the signals the listener blocked */
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigprocmask(SIG_SETMASK, mask, NULL);
	for (i = 0; i < L.n; i++)
		close(L.fd[i]);
	for (i = 0; i < L.nchild; i++)
		if (L.child[i].logfd != -1)
			close(L.child[i].logfd);
	close(L.sigpipe[0]);
	close(L.sigpipe[1]);
	if (retention_run(lo->in, lo->o, RETAIN_EXPIRE, 0, &d) == -1)
		_exit(1);
	retention_report(lo->o, &d);
	_exit(0);
}

static void
start_expiry(const struct listen_opts *lo)
{
	sigset_t block, old;
	pid_t pid;

	if (L.expiry > 0) {
		bwk_msg("BWK1557W", "the previous expiry still runs; this "
		    "day's is skipped, and the next is in 24 hours");
		return;
	}
	/* no signal of ours reaches on_signal in the child before it resets */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	if ((pid = fork()) == 0) {
		expiry_child(lo, &old);
		_exit(1);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid == -1) {
		bwk_msg("BWK1556W", "cannot start the expiry: %s; it is tried "
		    "again in 24 hours", strerror(errno));
		return;
	}
	L.expiry = pid;
}

static void
expiry_ended(int st)
{
	L.expiry = 0;
	if (WIFSIGNALED(st))
		bwk_msg("BWK1556W", "the expiry process ended by signal %d; "
		    "what it removed is removed, and the next expiry, in 24 "
		    "hours, does the rest", WTERMSIG(st));
	else if (WEXITSTATUS(st) != 0)
		bwk_msg("BWK1556W", "the expiry process ended with status %d "
		    "(its message says why); the next expiry, in 24 hours, "
		    "tries again", WEXITSTATUS(st));
}

/*
 * At start, before the first accept, no session of this listener runs:
 * every pending version is one whose session ended with the listener
 * that started it, and is reaped with its content file. Done here, not
 * in the child, so that no session can begin a version meanwhile. (A
 * session process that outlived a killed listener would see its backup
 * in progress refused, CAT_STATE at its commit, and no version lost.)
 */
static void
reap_abandoned(const struct listen_opts *lo)
{
	struct retention_done d;

	if (retention_run(lo->in, lo->o, 0, INT64_MAX, &d) == 0)
		bwk_info("BWK1551I", "at start, with no session running: %d "
		    "versions reaped (pending ones that sessions abandoned, "
		    "and expired ones not yet removed), with %ld content "
		    "files of %llu bytes", d.reaped, d.files,
		    (unsigned long long)d.bytes);
}

static void
reap(void)
{
	size_t i = 0;
	int st;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (pid == L.expiry) {
			expiry_ended(st);
			continue;
		}
		for (i = 0; i < L.nchild && L.child[i].pid != pid; i++)
			;
		if (i == L.nchild)
			continue;
		if (L.child[i].logfd != -1) {
			forward_log(&L.child[i], 1);
			close(L.child[i].logfd);
		}
		if (WIFSIGNALED(st))
			bwk_msg("BWK1018W", "session %ld ended by signal %d%s",
			    L.child[i].id, WTERMSIG(st), WTERMSIG(st) == SIGSYS ?
			    " (its sandbox stopped a forbidden call)" : "");
		else
			bwk_info("BWK1019I", "session %ld ended (status %d)",
			    L.child[i].id, WEXITSTATUS(st));
		L.child[i] = L.child[--L.nchild];
	}
}

/* The default certificate's expiry: warned of at 90, 30 and 7 days. */
static void
check_expiry(const struct listen_opts *lo)
{
	struct cert_list cl;
	struct certinfo ci;
	char why[256] = "", t[32];
	const char *id;
	uint8_t *buf = NULL;
	size_t len;
	long days;

	memset(&cl, 0, sizeof(cl));
	if (bwk_read_file(lo->arm, CERTFILE_MAX_SIZE, &buf, &len) == -1 ||
	    certfile_split(buf, len, &cl, &id, why, sizeof(why)) == -1 ||
	    cl.n == 0 || x509_inspect(cl.c[0].der, cl.c[0].len, &ci, why,
	    sizeof(why)) == -1) {
		bwk_msg("BWK1020W", "cannot read the server's certificate %s%s%s",
		    lo->arm, why[0] ? ": " : "", why);
		free(buf);
		cert_list_free(&cl);
		return;
	}
	free(buf);
	cert_list_free(&cl);
	days = bwk_days_until(ci.not_after, bwk_now());
	bwk_time_format(ci.not_after, t);
	/*
	 * From 90 days on, at start and daily, so the 30 and 7 days are
	 * said too: the seed's silent ten-year expiry is its users' first
	 * complaint. A renewal keeps the key, so the clients that pinned it
	 * follow it with nothing to import.
	 */
	if (days < 0)
		bwk_msg("BWK1012W", "the server's certificate expired on %s: "
		    "clients refuse it; renew it now (bulwarkd --instance %s "
		    "cert renew)", t, lo->instance);
	else if (days <= 90)
		bwk_msg("BWK1012W", "the server's certificate expires on %s, in "
		    "%ld day%s: renew it now (bulwarkd --instance %s cert "
		    "renew); clients that pinned its key follow the renewal",
		    t, days, days == 1 ? "" : "s", lo->instance);
}

static void
stop_all(void)
{
	int64_t end = bwk_mono_ms() + STOP_GRACE_MS;
	size_t i;

	for (i = 0; i < L.nchild; i++)
		kill(L.child[i].pid, SIGTERM);
	/* an expiry stopped midway loses nothing: the next one goes on */
	if (L.expiry > 0)
		kill(L.expiry, SIGTERM);
	while ((L.nchild > 0 || L.expiry > 0) && bwk_mono_ms() < end) {
		usleep(50000);
		reap();
	}
	for (i = 0; i < L.nchild; i++)
		kill(L.child[i].pid, SIGKILL);
	if (L.expiry > 0)
		kill(L.expiry, SIGKILL);
	while ((L.nchild > 0 || L.expiry > 0) && waitpid(-1, NULL, 0) > 0)
		reap();
}

int
listen_run(const struct listen_opts *lo)
{
	struct pollfd pf[1 + MAX_LISTEN + MAX_SESSIONS + BUSY_EXTRA];
	int64_t next_day;
	size_t i, n;
	uint8_t sig;

	if (pipe2(L.sigpipe, O_CLOEXEC | O_NONBLOCK) == -1 ||
	    bind_ports(lo->o) == -1)
		return 1;
	/* a run id: the sessions' rows of an earlier start are not ours */
	L.run = (long)(bwk_now() % 1000000000) * 100000 + (long)getpid() % 100000;
	if (L.run <= 0)
		L.run = 1;
	signal(SIGCHLD, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGHUP, SIG_IGN);
	check_expiry(lo);
	reap_abandoned(lo);
	start_expiry(lo);
	next_day = bwk_mono_ms() + day_ms();
	bwk_info("BWK1021I", "bulwarkd is ready (instance %s)", lo->instance);
	fflush(stdout);
	for (;;) {
		n = 0;
		pf[n++] = (struct pollfd){ L.sigpipe[0], POLLIN, 0 };
		for (i = 0; i < L.n; i++)
			pf[n++] = (struct pollfd){ L.fd[i], POLLIN, 0 };
		for (i = 0; i < L.nchild; i++)
			pf[n++] = (struct pollfd){ L.child[i].logfd, POLLIN, 0 };
		if (poll(pf, n, (int)(next_day - bwk_mono_ms() > 0 ?
		    next_day - bwk_mono_ms() : 0)) == -1 && errno != EINTR)
			return 1;
		if (bwk_mono_ms() >= next_day) {
			check_expiry(lo);
			start_expiry(lo);
			next_day = bwk_mono_ms() + day_ms();
		}
		while (read(L.sigpipe[0], &sig, 1) == 1) {
			if (sig == SIGCHLD)
				continue;
			bwk_info("BWK1022I", "bulwarkd stops (signal %d)", sig);
			stop_all();
			return 0;
		}
		reap();
		for (i = 0; i < L.nchild; i++)
			if (L.child[i].logfd != -1 && pf[1 + L.n + i].fd ==
			    L.child[i].logfd && (pf[1 + L.n + i].revents & POLLIN))
				forward_log(&L.child[i], 0);
		for (i = 0; i < L.n; i++)
			if (pf[1 + i].revents & POLLIN)
				start_session(lo, i);
	}
}
