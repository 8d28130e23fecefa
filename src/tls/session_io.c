/*
 * What goes between wolfSSL and the server, in the network process:
 *
 *  - the transport: a TCP socket with one deadline for the connect and
 *    the whole handshake (BWKHANDSHAKETIMEOUT), then an idle limit on
 *    each wait for the server (COMMTIMEOUT); a server that trickles one
 *    byte at a time cannot hold the client past either;
 *  - the gate: until every check on the server has passed, only the
 *    ClientHello and alerts may leave, so a refused server never sees a
 *    client certificate, a key exchange or a signature;
 *  - the record watcher: record headers and, before the server's
 *    ChangeCipherSpec, handshake message headers are in the clear in TLS
 *    1.2; they are followed to refuse renegotiation, HelloRequests,
 *    oversized records and floods before wolfSSL acts on them.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include "../lib/msg.h"
#include "session.h"

/* RFC 5246 6.2.3: a TLS 1.2 record body is at most 2^14 + 2048 bytes. */
#define TLS_MAX_RECORD_BODY	(16384 + 2048)

#define REC_CHANGE_CIPHER	0x14
#define REC_ALERT		0x15
#define REC_HANDSHAKE		0x16
#define HS_HELLO_REQUEST	0

int64_t
session_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * How long the next wait may last: what is left of the handshake's
 * deadline, or the idle limit once the session is established.
 */
static int
wait_budget_ms(struct session *s)
{
	int64_t left, end;

	if (s->established)
		return s->idle_timeout * 1000;
	end = s->step_deadline != 0 && s->step_deadline < s->deadline ?
	    s->step_deadline : s->deadline;
	left = end - session_clock_ms();
	if (left < 0)
		left = 0;
	return (int)left;
}

static void
note_timeout(struct session *s)
{
	s->timed_out = 1;
	s->waited = s->established ? s->idle_timeout :
	    s->hs_timeout;
	errno = ETIMEDOUT;
}

/*
 * Waits until fd is ready for ev within the budget; 0, or -1 (errno).
 * A backup's network process watches its channel too: when the file
 * side is gone (killed, or a program that ended without bwk_close), the
 * session ends at once, even while the server is silent, instead of at
 * the idle timeout. A signal at the parent's death would do it too, but
 * it follows the thread that forked, not the process.
 */
static int
wait_fd(struct session *s, short ev)
{
	struct pollfd pf[2] = { { s->sock, ev, 0 }, { s->chan_fd, 0, 0 } };
	nfds_t n = s->has_chan ? 2 : 1;
	int ms, r;

	for (;;) {
		/* at 0 ms, one poll still: time spent in the key helper is not
		 * the server's delay, and what it sent meanwhile is read */
		ms = wait_budget_ms(s);
		r = poll(pf, n, ms);
		if (r > 0 && n == 2 && pf[1].revents != 0) {
			sess_msg(s, "BWK0790E", "the program this session works "
			    "for (its file side) has ended; the session ends "
			    "too");
			errno = ECONNABORTED;
			return -1;
		}
		if (r > 0)
			return 0;
		if (r == 0) {
			note_timeout(s);
			return -1;
		}
		if (errno != EINTR)
			return -1;
	}
}

static ssize_t
sock_recv(struct session *s, void *buf, size_t len)
{
	ssize_t n;

	for (;;) {
		if (wait_fd(s, POLLIN) == -1)
			return -1;
		n = recv(s->sock, buf, len, 0);
		if (n >= 0)
			return n;
		if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
	}
}

/* Writes all of buf, or fails: wolfSSL's records leave whole. */
static ssize_t
sock_send(struct session *s, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		if (wait_fd(s, POLLOUT) == -1)
			return -1;
		n = send(s->sock, p + done, len - done, MSG_NOSIGNAL);
		if (n > 0)
			done += (size_t)n;
		else if (n == -1 && errno != EINTR && errno != EAGAIN &&
		    errno != EWOULDBLOCK)
			return -1;
	}
	return (ssize_t)len;
}

const struct session_transport session_socket_transport = {
	sock_recv, sock_send
};

/* One address: a non-blocking connect that ends at the deadline. */
static int
connect_one(struct session *s, const struct addrinfo *a)
{
	socklen_t sl = sizeof(int);
	int one = 1, err = 0;

	s->sock = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, a->ai_protocol);
	if (s->sock == -1)
		return -1;
	/* handshakes are many small messages: no Nagle delay (a speed-up
	 * only; the session is as safe without it, so a refusal is ignored) */
	(void)setsockopt(s->sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(s->sock, a->ai_addr, a->ai_addrlen) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return -1;
	if (wait_fd(s, POLLOUT) == -1)
		return -1;
	if (getsockopt(s->sock, SOL_SOCKET, SO_ERROR, &err, &sl) == -1)
		return -1;
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

/*
 * Each address gets an equal share of what is left of the deadline, so
 * an IPv6 address that never answers leaves time for the IPv4 one.
 */
int
session_tcp_connect(struct session *s)
{
	const struct addrinfo *a, *last = s->ai;
	char host[NI_MAXHOST];
	int save = 0, left = 0, timed_out = 0;

	s->deadline = session_clock_ms() + (int64_t)s->hs_timeout *
	    1000;
	for (a = s->ai; a != NULL; a = a->ai_next)
		left++;
	for (a = s->ai; a != NULL; a = a->ai_next, left--) {
		last = a;
		s->timed_out = 0;
		s->step_deadline = session_clock_ms() +
		    (s->deadline - session_clock_ms()) / left;
		if (connect_one(s, a) == 0) {
			s->step_deadline = 0;
			return 0;
		}
		save = errno;
		timed_out = s->timed_out;
		if (s->sock != -1)
			close(s->sock);
		s->sock = -1;
	}
	s->step_deadline = 0;
	s->fail = FAIL_CONNECT;
	s->reported = 1;
	s->waited = s->hs_timeout;
	if (getnameinfo(last->ai_addr, last->ai_addrlen, host, sizeof(host),
	    NULL, 0, NI_NUMERICHOST) != 0)
		snprintf(host, sizeof(host), "%s", s->o->host);
	if (timed_out) {
		sess_msg(s, "BWK0708E", "cannot connect to %s port %s: no answer "
		    "within %d seconds (BWKHANDSHAKETIMEOUT); check that the "
		    "server runs and that no firewall drops the connection",
		    host, s->o->port, s->waited);
		return -1;
	}
	sess_msg(s, "BWK0706E", "cannot connect to %s port %s: %s; check that the "
	    "server runs and TCPSERVERADDRESS and TCPPORT", host, s->o->port,
	    strerror(save));
	return -1;
}

/*
 * Handshake message headers in the clear part of the server's flight:
 * a HelloRequest while the client is negotiating is a renegotiation
 * request (the policy refuses it). Messages may span records, so the
 * 4-byte headers are followed across them.
 */
static int
track_handshake(struct session *s, const uint8_t *p, size_t n)
{
	size_t take;

	while (n > 0) {
		if (s->hs_left > 0) {
			take = n < s->hs_left ? n : s->hs_left;
			s->hs_left -= take;
			p += take;
			n -= take;
			continue;
		}
		s->hs_hdr[s->hs_hdr_have++] = *p++;
		n--;
		if (s->hs_hdr_have == 1 && s->hs_hdr[0] == HS_HELLO_REQUEST) {
			s->anomaly = ANOM_HELLO_REQUEST;
			return -1;
		}
		if (s->hs_hdr_have < sizeof(s->hs_hdr))
			continue;
		s->hs_hdr_have = 0;
		s->hs_left = (size_t)s->hs_hdr[1] << 16 |
		    (size_t)s->hs_hdr[2] << 8 | s->hs_hdr[3];
	}
	return 0;
}

static int
record_header(struct session *s)
{
	s->rec_hdr_have = 0;
	s->rec_left = (size_t)s->rec_hdr[3] << 8 | s->rec_hdr[4];
	if (s->rec_left > TLS_MAX_RECORD_BODY) {
		s->anomaly = ANOM_OVERSIZE_RECORD;
		return -1;
	}
	if (s->rec_hdr[0] == REC_CHANGE_CIPHER)
		s->server_ccs = 1;	/* what follows is encrypted */
	if (s->established && s->rec_hdr[0] == REC_HANDSHAKE) {
		s->anomaly = ANOM_RENEGOTIATION;
		return -1;
	}
	return 0;
}

/*
 * Follows the record layer of what the server sends. After the
 * handshake, a handshake record can only be a renegotiation request: the
 * policy refuses it, so it ends the session here, before wolfSSL
 * answers it.
 */
static int
track_records(struct session *s, const uint8_t *p, size_t n)
{
	size_t take;

	if (!s->established) {
		s->flight_bytes += n;
		if (s->flight_bytes > SESSION_MAX_FLIGHT) {
			s->anomaly = ANOM_FLIGHT_TOO_LONG;
			return -1;
		}
	}
	while (n > 0) {
		if (s->rec_left > 0) {
			take = n < s->rec_left ? n : s->rec_left;
			if (s->rec_hdr[0] == REC_HANDSHAKE && !s->server_ccs &&
			    !s->established && track_handshake(s, p, take) == -1)
				return -1;
			s->rec_left -= take;
			p += take;
			n -= take;
			continue;
		}
		take = sizeof(s->rec_hdr) - s->rec_hdr_have;
		if (take > n)
			take = n;
		memcpy(s->rec_hdr + s->rec_hdr_have, p, take);
		s->rec_hdr_have += take;
		p += take;
		n -= take;
		if (s->rec_hdr_have == sizeof(s->rec_hdr) &&
		    record_header(s) == -1)
			return -1;
	}
	return 0;
}

static int
io_recv(WOLFSSL *ssl, char *buf, int sz, void *ctx)
{
	struct session *s = ctx;
	ssize_t n;

	(void)ssl;
	n = s->tr->recv(s, buf, (size_t)sz);
	if (n > 0 && s->gate == GATE_HELLO)
		s->gate = GATE_SHUT;
	if (n > 0 && s->is_server && s->nhello < sizeof(s->hello_bytes)) {
		size_t take = (size_t)n < sizeof(s->hello_bytes) - s->nhello ?
		    (size_t)n : sizeof(s->hello_bytes) - s->nhello;

		memcpy(s->hello_bytes + s->nhello, buf, take);
		s->nhello += take;
	}
	if (n > 0 && s->nfirst < sizeof(s->first_bytes)) {
		size_t take = (size_t)n < sizeof(s->first_bytes) - s->nfirst ?
		    (size_t)n : sizeof(s->first_bytes) - s->nfirst;

		memcpy(s->first_bytes + s->nfirst, buf, take);
		s->nfirst += take;
	}
	if (n > 0 && track_records(s, (const uint8_t *)buf, (size_t)n) == -1)
		return WOLFSSL_CBIO_ERR_GENERAL;
	if (n > 0)
		return (int)n;
	if (n == 0)
		return WOLFSSL_CBIO_ERR_CONN_CLOSE;
	if (s->timed_out)
		return WOLFSSL_CBIO_ERR_TIMEOUT;
	if (errno == ECONNRESET)
		return WOLFSSL_CBIO_ERR_CONN_RST;
	return WOLFSSL_CBIO_ERR_GENERAL;
}

/* Our own records: does buf hold nothing but whole alert records? */
static int
alerts_only(const uint8_t *p, size_t n)
{
	size_t len;

	while (n > 0) {
		if (n < 5 || p[0] != REC_ALERT)
			return 0;
		len = (size_t)p[3] << 8 | p[4];
		if (n - 5 < len)
			return 0;
		p += 5 + len;
		n -= 5 + len;
	}
	return 1;
}

/*
 * The gate opens once the verify callback has trusted the server and
 * what its ServerKeyExchange chose passes the policy; then it stays
 * open. Every refusal on the way prints its own message.
 */
int
session_gate_check(struct session *s)
{
	if (s->gate == GATE_OPEN)
		return 0;
	if (s->gate == GATE_REFUSED)
		return -1;
	if (s->is_server) {
		if (session_server_check(s) == -1) {
			s->reported = 1;
			s->gate = GATE_REFUSED;
			return -1;
		}
		s->gate = GATE_OPEN;
		return 0;
	}
	if (!s->decided || s->rule == TRUST_NONE)
		return -1;
	if (session_check_kx(s) == -1) {
		s->gate = GATE_REFUSED;
		return -1;
	}
	s->gate = GATE_OPEN;
	return 0;
}

static int
io_send(WOLFSSL *ssl, char *buf, int sz, void *ctx)
{
	struct session *s = ctx;
	ssize_t n;
	int alerts;

	(void)ssl;
	alerts = alerts_only((const uint8_t *)buf, (size_t)sz);
	if (s->gate != GATE_HELLO && !alerts && session_gate_check(s) == -1) {
		/* nothing of it leaves; wolfSSL fails the handshake */
		s->gate_blocked = 1;
		return WOLFSSL_CBIO_ERR_GENERAL;
	}
	n = s->tr->send(s, buf, (size_t)sz);
	if (n < 0) {
		if (s->timed_out)
			return WOLFSSL_CBIO_ERR_TIMEOUT;
		return errno == EPIPE || errno == ECONNRESET ?
		    WOLFSSL_CBIO_ERR_CONN_RST : WOLFSSL_CBIO_ERR_GENERAL;
	}
	if (s->gate == GATE_OPEN && !alerts)
		s->sent_after_hello += (size_t)n;
	return (int)n;
}

void
session_io_bind(struct session *s)
{
	wolfSSL_SSLSetIORecv(s->ssl, io_recv);
	wolfSSL_SSLSetIOSend(s->ssl, io_send);
	wolfSSL_SetIOReadCtx(s->ssl, s);
	wolfSSL_SetIOWriteCtx(s->ssl, s);
}

int
session_input_ready(struct session *s)
{
	struct pollfd pf = { s->sock, POLLIN, 0 };

	if (wolfSSL_has_pending(s->ssl))
		return 1;
	return poll(&pf, 1, 0) == 1 && (pf.revents & POLLIN) != 0;
}
