/*
 * The file side's reading of the network process's answers
 * (src/tls/api_files.c, netchan.c): that process may be a hostile
 * server's by now, so the file side reads it as a peer. The real calls
 * (bwk_backup_fd, bwk_deactivate, bwk_query_backup, bwk_query_filespaces,
 * bwk_restore_fd, bwk_close) run over a real SOCK_SEQPACKET socketpair
 * whose other end this target fills with the input's messages.
 *
 * Input:
 *	u8	the call: 0 backup of a FILE, 1 deactivate, 2 query backup,
 *		3 query filespaces, 4 restore, 5 close, 6 three objects sent
 *		without waiting (bwk_send_fd) then bwk_flush, 7 one sent then
 *		a query (its answer comes before the listing)
 *	then messages, each u16 n and n bytes (a channel frame), sent as
 *	they are; the end of the input is the network process's end
 *
 * Properties, beyond no crash and no leak: a call returns 0 or -1; 0
 * only with a status the API defines; every version and filespace a
 * callback is handed is in range (state, type, mode, absolute name);
 * -1 sets the connection's error with an ID, and closes the channel;
 * the answers to objects sent are OK or REFUSED, each object's at most
 * once, in the order sent, and after bwk_flush's 0 every one came.
 */
#define _GNU_SOURCE	/* memfd_create */
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/tls/api_int.h"
#include "../src/tls/objects.h"

#include "fuzz_common.h"

static int
on_version(void *arg, const struct bwk_version *v)
{
	(void)arg;
	if (v->type > BWK_OBJ_LINK || (v->mode & ~07777u) != 0 ||
	    v->path == NULL || v->path[0] != '/' || v->link == NULL ||
	    !wire_link_ok((uint8_t)v->type, v->link))
		fuzz_fail("a version out of range reached the callback");
	return 0;
}

static int
on_fs(void *arg, const char *fs, int64_t created)
{
	(void)arg;
	(void)created;
	if (fs[0] != '/')
		fuzz_fail("a filespace that is not absolute reached the "
		    "callback");
	return 0;
}

static uint64_t answered, queued;

static void
on_answer(void *arg, uint64_t tag, const struct bwk_result *res)
{
	(void)arg;
	if (tag != answered || answered >= queued)
		fuzz_fail("answer %llu came for tag %llu, with %llu queued",
		    (unsigned long long)answered, (unsigned long long)tag,
		    (unsigned long long)queued);
	if (res->status != BWK_OK && res->status != BWK_REFUSED)
		fuzz_fail("an answer with status %d", res->status);
	answered++;
}

/* n objects sent without waiting; 0, or -1 as a call's */
static int
send_some(struct bwk *b, const struct bwk_meta *m, int n,
    struct bwk_result *res)
{
	struct stat st;
	int fd, i, r = 0;

	bwk_set_answer_cb(b, on_answer, NULL);
	for (i = 0; i < n && r == 0; i++) {
		if ((fd = memfd_create("f", MFD_CLOEXEC)) == -1 ||
		    fstat(fd, &st) == -1)
			abort();
		r = bwk_send_fd(b, m, fd, &st, queued, res);
		close(fd);
		if (r == 0 && res->status == BWK_QUEUED)
			queued++;
		else if (r == 0 && res->status != BWK_CHANGED &&
		    res->status != BWK_READ_ERROR)
			fuzz_fail("bwk_send_fd gave status %d", res->status);
	}
	return r;
}

/* The input's messages into the network process's end, then its end. */
static void
feed(int sock, const uint8_t *p, size_t n)
{
	size_t len;

	while (n >= 2) {
		len = (size_t)p[0] << 8 | p[1];
		p += 2;
		n -= 2;
		if (len > n)
			len = n;
		if (len > 0 && send(sock, p, len, MSG_DONTWAIT | MSG_NOSIGNAL) ==
		    -1)
			break;
		p += len;
		n -= len;
	}
	shutdown(sock, SHUT_WR);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t sha[32];
	struct bwk_result res;
	struct bwk_meta m;
	struct stat st;
	struct bwk *b;
	int sv[2], fd = -1, r;

	if (size < 1)
		return 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1 ||
	    (b = bwk_client()) == NULL)
		abort();
	/* a started connection, as bwk_start leaves it */
	b->remote = 1;
	b->connected = 1;
	b->chan = sv[0];
	b->netpid = -1;
	feed(sv[1], data + 1, size - 1);
	memset(&m, 0, sizeof(m));
	m.filespace = "/home";
	m.path = "/u/f";
	m.type = BWK_OBJ_FILE;
	answered = queued = 0;
	switch (data[0] % 8) {
	case 0:
		if ((fd = memfd_create("f", MFD_CLOEXEC)) == -1 ||
		    fstat(fd, &st) == -1)
			abort();
		r = bwk_backup_fd(b, &m, fd, &st, &res);
		break;
	case 1:
		r = bwk_deactivate(b, "/home", "/u/f", &res);
		break;
	case 2:
		r = bwk_query_backup(b, "/home", "/u/*", BWK_Q_SUBDIR,
		    on_version, NULL, &res);
		break;
	case 3:
		r = bwk_query_filespaces(b, on_fs, NULL, &res);
		break;
	case 4:
		if ((fd = memfd_create("f", MFD_CLOEXEC)) == -1)
			abort();
		r = bwk_restore_fd(b, 1, 10, sha, fd, &res);
		break;
	case 5:
		r = bwk_close(b);
		if (r == 0)
			res.status = BWK_OK;
		break;
	case 6:
		if ((r = send_some(b, &m, 3, &res)) == 0) {
			r = bwk_flush(b);
			if (r == 0 && answered != queued)
				fuzz_fail("bwk_flush returned with answers due");
			res.status = BWK_OK;
		}
		break;
	default:
		if ((r = send_some(b, &m, 1, &res)) == 0)
			r = bwk_query_backup(b, "/home", "/u/*", 0, on_version,
			    NULL, &res);
		break;
	}
	if (r != 0 && r != -1)
		fuzz_fail("a call returned %d", r);
	if (r == 0 && (unsigned)res.status > BWK_QUEUED)
		fuzz_fail("a status %d the API does not define", res.status);
	if (r == -1 && (bwk_error_id(b)[0] == '\0' ||
	    bwk_failure(b) == BWK_FAIL_NONE))
		fuzz_fail("a failed call without its error");
	if (r == -1 && b->chan != -1)
		fuzz_fail("a failed call left the channel open");
	if (fd != -1)
		close(fd);
	close(sv[1]);
	bwk_free(b);
	return 0;
}
