/*
 * Descriptors between the client's processes (src/lib/fdpass.c): one
 * descriptor arrives, usable and close-on-exec; every message this side
 * does not take is refused and leaks no descriptor.
 */
#include <criterion/criterion.h>
#include <sys/socket.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "../src/lib/fdpass.h"

struct hdr {
	unsigned	type, seq;
};

static int sp[2];

static void
pair(void)
{
	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp),
	    0);
}

static void
unpair(void)
{
	close(sp[0]);
	close(sp[1]);
}

static int
open_fds(void)
{
	struct dirent *e;
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;		/* the DIR's own */
}

/* As a hostile peer would: any bytes, any number of descriptors. */
static void
raw_send(const void *buf, size_t n, const int *fds, int nfds)
{
	char cbuf[CMSG_SPACE(4 * sizeof(int))];
	struct msghdr m;
	struct iovec iov = { (void *)buf, n };
	struct cmsghdr *cm;

	memset(&m, 0, sizeof(m));
	memset(cbuf, 0, sizeof(cbuf));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	if (nfds > 0) {
		m.msg_control = cbuf;
		m.msg_controllen = CMSG_SPACE((size_t)nfds * sizeof(int));
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN((size_t)nfds * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, (size_t)nfds * sizeof(int));
	}
	cr_assert_eq(sendmsg(sp[0], &m, 0), (ssize_t)n);
}

TestSuite(fdpass, .init = pair, .fini = unpair);

Test(fdpass, one_descriptor_arrives_usable_and_cloexec)
{
	struct hdr h = { 7, 42 }, got;
	int p[2], fd;
	char c;

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(fdpass_send(sp[0], &h, sizeof(h), p[1]), 0);
	cr_assert_eq(fdpass_recv(sp[1], &got, sizeof(got), &fd), 0);
	cr_assert_eq(got.type, 7);
	cr_assert_eq(got.seq, 42);
	cr_assert_neq(fd, -1);
	cr_assert_neq(fd, p[1], "the same number, not a new descriptor");
	cr_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC, "not close-on-exec");
	cr_assert_eq(write(fd, "x", 1), 1);
	cr_assert_eq(read(p[0], &c, 1), 1);
	cr_assert_eq(c, 'x');
	close(fd);
	close(p[0]);
	close(p[1]);
	/* a header alone */
	cr_assert_eq(fdpass_send(sp[0], &h, sizeof(h), -1), 0);
	cr_assert_eq(fdpass_recv(sp[1], &got, sizeof(got), &fd), 0);
	cr_assert_eq(fd, -1);
	/* the peer's end */
	close(sp[0]);
	sp[0] = -1;
	cr_assert_eq(fdpass_recv(sp[1], &got, sizeof(got), &fd), 1);
}

Test(fdpass, other_messages_refused_and_nothing_leaks)
{
	struct hdr h = { 1, 2 }, got;
	int p[2], fds[3], fd, before;

	cr_assert_eq(pipe(p), 0);
	fds[0] = p[0];
	fds[1] = p[1];
	fds[2] = p[0];
	before = open_fds();
	/* two descriptors, then three */
	raw_send(&h, sizeof(h), fds, 2);
	cr_assert_eq(fdpass_recv(sp[1], &got, sizeof(got), &fd), -1);
	cr_assert_eq(errno, EPROTO);
	cr_assert_eq(fd, -1);
	raw_send(&h, sizeof(h), fds, 3);
	cr_assert_eq(fdpass_recv(sp[1], &got, sizeof(got), &fd), -1);
	cr_assert_eq(errno, EPROTO);
	/* a short header with a descriptor, a long one */
	raw_send(&h, 3, fds, 1);
	cr_assert_eq(fdpass_recv(sp[1], &got, sizeof(got), &fd), -1);
	cr_assert_eq(errno, EPROTO);
	{
		char big[sizeof(h) + 9] = { 0 };

		raw_send(big, sizeof(big), fds, 1);
		cr_assert_eq(fdpass_recv(sp[1], &got, sizeof(got), &fd), -1);
		cr_assert_eq(errno, EPROTO);
	}
	cr_assert_eq(open_fds(), before, "a refused message left descriptors "
	    "open (%d, not %d)", open_fds(), before);
	/* and the next good message is taken */
	cr_assert_eq(fdpass_send(sp[0], &h, sizeof(h), p[0]), 0);
	cr_assert_eq(fdpass_recv(sp[1], &got, sizeof(got), &fd), 0);
	cr_assert_neq(fd, -1);
	close(fd);
	close(p[0]);
	close(p[1]);
	cr_assert_eq(fdpass_send(sp[0], &h, 0, -1), -1);
	cr_assert_eq(errno, EINVAL);
}
