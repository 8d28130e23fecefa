/*
 * The network process's side of the object frames, fed a server's bytes:
 * the real backup, deactivate, query, filespace listing and restore
 * (src/tls/session_objects.c) over the real frames (session_wire.c,
 * wire.c, objects.c). Under them, this file: session_read hands out the
 * input, session_write checks what the client sends (session.c is left
 * out). The file to back up and the file restored into are memfds.
 *
 * Input:
 *	u8	the request: 0 BACKUP of a FILE, 1 of a DIR, 2 DEACTIVATE,
 *		3 QUERY_BACKUP, 4 QUERY_FILESPACE, 5 RESTORE, 6 the FILE sent
 *		without waiting and its answer read after; bits 4-7 n:
 *		when not 0, each read returns at most n bytes
 *	u16	m, then m bytes: the file (backup), or the version's content
 *		the client expects (restore: its size and SHA-256)
 *	...	what the server sends
 *
 * Properties, beyond no crash and no leak:
 *  - every frame the client sends is one write of a well-formed frame,
 *    in its place: the request, then for a FILE its DATA (full records
 *    but the last, together exactly the file) and one DATA_END with
 *    their size and SHA-256, or ABANDON, and nothing after;
 *  - a result is NC_OK only after the server's well-formed answer, and
 *    a backup only after DATA_END;
 *  - every object handed to the callback has a state, type and mode in
 *    range and an absolute name;
 *  - a restore is NC_OK only when the file holds exactly the expected
 *    bytes, and never holds more than their size;
 *  - a failure (-1) says so (NC_FAILED, s->fail, an error's ID).
 */
#define _GNU_SOURCE	/* memfd_create */
#include <sys/mman.h>
#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/lib/msg.h"
#include "../src/tls/netchan.h"
#include "../src/tls/objects.h"
#include "../src/tls/session.h"

#include "fuzz_common.h"
#include "fuzz_wire.h"

static struct fw_stream stream;
static struct session_opts opts = { .server = "srv1", .host = "srv1" };
static int errors;

static struct {
	int		op;
	const uint8_t	*content;
	size_t		 clen;
	int		 request_sent;
	int		 ended;		/* DATA_END or ABANDON sent */
	int		 end_ok;	/* DATA_END, with the right sum */
	uint64_t	 data_len;
	wc_Sha256	 sha;
	int		 last_short;	/* a DATA frame shorter than a record */
} seen;

static void
log_msg(void *arg, const char *id, const char *text)
{
	(void)arg;
	if (id[7] == 'E')
		errors++;
	if (!bwk_quiet)
		fprintf(stderr, "%s %s\n", id, text);
}

int
session_read(struct session *s, void *buf, size_t len)
{
	(void)s;
	return fw_read(&stream, buf, len);
}

static void
sent_data(const uint8_t *p, size_t n)
{
	if (seen.op != 0 || !seen.request_sent || seen.ended)
		fuzz_fail("a DATA frame out of place");
	if (n == 0 || n > WIRE_DATA_MAX || seen.last_short)
		fuzz_fail("a DATA frame of %zu bytes after a short one, or "
		    "empty, or past a record", n);
	if (n < WIRE_DATA_MAX)
		seen.last_short = 1;
	if (seen.data_len + n > seen.clen ||
	    memcmp(p, seen.content + seen.data_len, n) != 0)
		fuzz_fail("DATA that is not the file's bytes");
	wc_Sha256Update(&seen.sha, p, (word32)n);
	seen.data_len += n;
}

static void
sent_end(struct wire_in *in)
{
	uint8_t sum[32], want[32];
	uint64_t size;

	if (seen.op != 0 || !seen.request_sent || seen.ended)
		fuzz_fail("DATA_END out of place");
	if (wire_get_n64(in, &size) == -1 || wire_get(in, sum, 32) == -1 ||
	    wire_end(in) == -1)
		fuzz_fail("a malformed DATA_END");
	wc_Sha256Final(&seen.sha, want);
	if (size != seen.clen || seen.data_len != seen.clen ||
	    memcmp(sum, want, 32) != 0)
		fuzz_fail("DATA_END with another size or sum than the file's");
	seen.ended = seen.end_ok = 1;
}

ssize_t
session_write(struct session *s, const void *buf, size_t len)
{
	static const uint16_t want[] = { WIRE_BACKUP, WIRE_BACKUP,
	    WIRE_DEACTIVATE, WIRE_QUERY_BACKUP, WIRE_QUERY_FILESPACE,
	    WIRE_RESTORE };
	struct wire_in in;
	const uint8_t *p;
	uint16_t type;
	size_t n;

	(void)s;
	fw_sent(buf, len, &type, &p, &n);
	wire_in_init(&in, type, p, n);
	if (type == WIRE_DATA)
		sent_data(p, n);
	else if (type == WIRE_DATA_END)
		sent_end(&in);
	else if (type == WIRE_ABANDON) {
		if (seen.op != 0 || seen.ended || wire_end(&in) == -1)
			fuzz_fail("ABANDON out of place");
		seen.ended = 1;
	} else if (type == want[seen.op] && !seen.request_sent)
		seen.request_sent = 1;
	else
		fuzz_fail("a %s frame from the client here",
		    wire_type_name(type));
	return (ssize_t)len;
}

static int
check_object(void *arg, struct wire_in *in, struct netchan_result *r)
{
	struct wire_object o;

	(void)arg;
	(void)r;
	if (wire_get_object(in, &o) == -1)
		return -1;
	if ((o.state != WIRE_STATE_ACTIVE && o.state != WIRE_STATE_INACTIVE) ||
	    o.type > WIRE_OBJ_LINK || (o.mode & ~07777u) || o.path[0] != '/')
		fuzz_fail("an object out of range was taken");
	return 0;
}

static int
check_fs(void *arg, struct wire_in *in, struct netchan_result *r)
{
	char name[WIRE_PATH_MAX + 1];
	int64_t created;

	(void)arg;
	(void)r;
	if (wire_get_filespace(in, name, &created) == -1)
		return -1;
	if (name[0] != '/')
		fuzz_fail("a filespace that is not absolute was taken");
	return 0;
}

static int
memfd_of(const uint8_t *p, size_t n)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd == -1 || (n > 0 && write(fd, p, n) != (ssize_t)n) ||
	    lseek(fd, 0, SEEK_SET) == -1)
		abort();
	return fd;
}

static void
check_restored(int fd, const struct netchan_result *r)
{
	uint8_t *got;
	struct stat st;

	if (fstat(fd, &st) == -1)
		abort();
	if ((uint64_t)st.st_size > seen.clen)
		fuzz_fail("the restore wrote %lld bytes, more than the %zu "
		    "expected", (long long)st.st_size, seen.clen);
	if (r->status != NC_OK)
		return;
	/* the caller's ftruncate ends the holes */
	if (ftruncate(fd, (off_t)seen.clen) == -1)
		abort();
	got = malloc(seen.clen + 1);
	if (pread(fd, got, seen.clen, 0) != (ssize_t)seen.clen ||
	    memcmp(got, seen.content, seen.clen) != 0)
		fuzz_fail("a restore said OK with other bytes than expected");
	free(got);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t backup_dir[] = {
	    0, 1, '/', 0, 2, '/', 'd', WIRE_OBJ_DIR, 0, 0, 1, 0xed, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t backup_file[] = {
	    0, 1, '/', 0, 2, '/', 'f', WIRE_OBJ_FILE, 0, 0, 1, 0xa4, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t path2[] = { 0, 1, '/', 0, 2, '/', 'f' };
	static const uint8_t query[] = { 0, 1, '/', 0, 2, '/', '*', 3 };
	static struct session s;
	struct netchan_result r;
	uint8_t sha[32];
	struct stat st;
	int fd = -1, k, before, queued;

	if (size < 3)
		return 0;
	/* 6: the FILE sent without waiting, its answer read after */
	queued = (data[0] & 15) % 7 == 6;
	seen.op = queued ? 0 : (data[0] & 15) % 7;
	seen.clen = (size_t)data[1] << 8 | data[2];
	if (seen.clen > size - 3)
		seen.clen = size - 3;
	seen.content = data + 3;
	seen.request_sent = seen.ended = seen.end_ok = seen.last_short = 0;
	seen.data_len = 0;
	wc_InitSha256(&seen.sha);
	errors = 0;
	memset(&s, 0, sizeof(s));
	s.o = &opts;
	s.log = log_msg;
	s.sock = -1;
	s.kd.fd = -1;
	s.signed_on = 1;
	fw_init(&stream, data + 3 + seen.clen, size - 3 - seen.clen,
	    data[0] >> 4);
	before = errors;
	switch (seen.op) {
	case 0:
		fd = memfd_of(seen.content, seen.clen);
		if (fstat(fd, &st) == -1)
			abort();
		if (!queued) {
			k = session_backup(&s, backup_file, sizeof(backup_file),
			    1, fd, &st, &r);
			break;
		}
		k = session_send(&s, backup_file, sizeof(backup_file), 1, fd,
		    &st, &r);
		if (k == 0 && r.status != NC_QUEUED && r.status != NC_CHANGED &&
		    r.status != NC_READ_ERROR)
			fuzz_fail("a FILE sent with status %d", r.status);
		if (k == 0 && r.status == NC_QUEUED && !seen.ended)
			fuzz_fail("a FILE queued before its end was sent");
		if (k == 0 && r.status == NC_QUEUED)
			k = session_answer(&s, &r);
		break;
	case 1:
		k = session_backup(&s, backup_dir, sizeof(backup_dir), 0, -1,
		    NULL, &r);
		break;
	case 2:
		k = session_deactivate(&s, path2, sizeof(path2), &r);
		break;
	case 3:
		k = session_query_objects(&s, query, sizeof(query),
		    check_object, NULL, &r);
		break;
	case 4:
		k = session_query_filespaces(&s, check_fs, NULL, &r);
		break;
	default:
		wc_Sha256Hash(seen.content, (word32)seen.clen, sha);
		fd = memfd_of(NULL, 0);
		k = session_restore(&s, 7, seen.clen, sha, fd, &r);
		if (k == 0)
			check_restored(fd, &r);
		break;
	}
	wc_Sha256Free(&seen.sha);
	if (fd != -1)
		close(fd);
	if (k != 0 && k != -1)
		fuzz_fail("a request returned %d", k);
	if (k == -1 && (r.status != NC_FAILED || s.fail == FAIL_NONE ||
	    errors == before))
		fuzz_fail("a failed request that does not say so");
	if (k == 0 && r.status == NC_OK && seen.op == 0 && !seen.end_ok)
		fuzz_fail("a backup stored without its DATA_END");
	if (k == 0 && seen.op == 0 && !seen.ended)
		fuzz_fail("a backup answered before its end was sent");
	return 0;
}
