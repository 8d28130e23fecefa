/*
 * SCM_RIGHTS, checked (fdpass.h). The socketpair is SOCK_SEQPACKET, so a
 * message arrives whole or not at all and MSG_TRUNC says when it was
 * longer than asked; a control buffer with room for two descriptors
 * shows a peer that sent more than one (MSG_CTRUNC otherwise hides
 * them), and every one that came is closed before the refusal.
 */
#include <sys/socket.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "fdpass.h"

static int send_one(int, const void *, size_t, int);

int
fdpass_send(int sock, const void *hdr, size_t n, int fd)
{
	if (n == 0 || n > FDPASS_HDR_MAX) {
		errno = EINVAL;
		return -1;
	}
	return send_one(sock, hdr, n, fd);
}

int
fdpass_sendv(int sock, const void *msg, size_t n, int fd)
{
	if (n == 0 || n > FDPASS_MSG_MAX) {
		errno = EINVAL;
		return -1;
	}
	return send_one(sock, msg, n, fd);
}

static int
send_one(int sock, const void *hdr, size_t n, int fd)
{
	union {
		struct cmsghdr	h;
		char		buf[CMSG_SPACE(sizeof(int))];
	} c;
	struct msghdr m;
	struct iovec iov;
	struct cmsghdr *cm;
	ssize_t r;

	/* no descriptor: send(), which the network process's filter allows
	 * (it has no sendmsg) */
	if (fd == -1) {
		do
			r = send(sock, hdr, n, MSG_NOSIGNAL);
		while (r == -1 && errno == EINTR);
		if (r == -1)
			return -1;
		if ((size_t)r != n) {
			errno = EPROTO;
			return -1;
		}
		return 0;
	}
	memset(&m, 0, sizeof(m));
	memset(&c, 0, sizeof(c));
	iov.iov_base = (void *)hdr;
	iov.iov_len = n;
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	if (fd != -1) {
		m.msg_control = c.buf;
		m.msg_controllen = sizeof(c.buf);
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	do
		r = sendmsg(sock, &m, MSG_NOSIGNAL);
	while (r == -1 && errno == EINTR);
	if (r == -1)
		return -1;
	if ((size_t)r != n) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

/* Closes every descriptor a control message carried. */
static int
take(struct msghdr *m, int *fd)
{
	struct cmsghdr *cm;
	size_t k, i;
	int bad = 0, got;

	*fd = -1;
	for (cm = CMSG_FIRSTHDR(m); cm != NULL; cm = CMSG_NXTHDR(m, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) {
			bad = 1;
			continue;
		}
		k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < k; i++) {
			memcpy(&got, CMSG_DATA(cm) + i * sizeof(int),
			    sizeof(int));
			if (*fd == -1 && !bad)
				*fd = got;
			else {
				bad = 1;
				close(got);
			}
		}
	}
	if (bad && *fd != -1) {
		close(*fd);
		*fd = -1;
	}
	return bad ? -1 : 0;
}

/* One message into buf (room for max); *got its length. */
static int
recv_one(int sock, void *buf, size_t max, size_t *got, int *fd)
{
	union {
		struct cmsghdr	h;
		char		buf[CMSG_SPACE(2 * sizeof(int))];
	} c;
	struct msghdr m;
	struct iovec iov;
	ssize_t r;
	int bad;

	*fd = -1;
	memset(&m, 0, sizeof(m));
	iov.iov_base = buf;
	iov.iov_len = max;
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = c.buf;
	m.msg_controllen = sizeof(c.buf);
	do
		r = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	while (r == -1 && errno == EINTR);
	if (r == -1)
		return -1;
	bad = take(&m, fd);
	if (r == 0 && *fd == -1 && !bad)
		return 1;
	if (bad || r == 0 || (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		if (*fd != -1)
			close(*fd);
		*fd = -1;
		errno = EPROTO;
		return -1;
	}
	*got = (size_t)r;
	return 0;
}

int
fdpass_recv(int sock, void *hdr, size_t n, int *fd)
{
	size_t got;
	int r;

	*fd = -1;
	if (n == 0 || n > FDPASS_HDR_MAX) {
		errno = EINVAL;
		return -1;
	}
	if ((r = recv_one(sock, hdr, n, &got, fd)) != 0)
		return r;
	if (got != n) {
		if (*fd != -1)
			close(*fd);
		*fd = -1;
		errno = EPROTO;
		return -1;
	}
	return 0;
}

int
fdpass_recvv(int sock, void *msg, size_t max, size_t *got, int *fd)
{
	*fd = -1;
	if (max == 0 || max > FDPASS_MSG_MAX) {
		errno = EINVAL;
		return -1;
	}
	return recv_one(sock, msg, max, got, fd);
}
