/*
 * The client's side of the object frames (docs/protocol.md, "Objects"),
 * in the network process: a file's bytes from the descriptor the file
 * side handed over to the server, and the server's bytes of a version
 * into the descriptor of a temporary file. Each file is read once: the
 * bytes go into the DATA frame's buffer, are hashed there, and that
 * buffer is what TLS encrypts, one full 16 KiB record a frame.
 *
 * The server may be hostile: every frame it sends is read exactly, a
 * frame out of place ends the session, and a restore never takes more
 * bytes than the query said the version has.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "../lib/util.h"
#include "netchan.h"
#include "objects.h"
#include "session.h"

static struct wire_frame in;
static struct wire_out out;

static int
obj_fail(struct session *s, struct netchan_result *r)
{
	if (s->fail == FAIL_NONE)
		s->fail = FAIL_SERVER;
	r->status = NC_FAILED;
	snprintf(r->id, sizeof(r->id), "%.8s", s->err_id[0] ? s->err_id :
	    "BWK1600E");
	snprintf(r->text, sizeof(r->text), "%s", s->err_text[0] ?
	    s->err_text : "the session failed");
	return -1;
}

/* The server's ERROR: it ends the session, and says why. */
static int
server_ended(struct session *s, struct netchan_result *r)
{
	char id[9], text[WIRE_TEXT_MAX + 1];

	if (wire_get(&in.in, id, 8) == -1 ||
	    wire_get_text(&in.in, text, WIRE_TEXT_MAX) == -1 ||
	    wire_end(&in.in) == -1) {
		sess_msg(s, "BWK1603E", "server %s sent a malformed %s frame; "
		    "the session is ended", s->o->server, "ERROR");
		return obj_fail(s, r);
	}
	id[8] = '\0';
	if (strncmp(id, "BWK", 3) != 0)
		memcpy(id, "BWK????E", 9);
	sess_msg(s, "BWK1101E", "server %s ended the session: %s %s",
	    s->o->server, id, text);
	return obj_fail(s, r);
}

static int
malformed(struct session *s, struct netchan_result *r, const char *what)
{
	sess_msg(s, "BWK1603E", "server %s sent a malformed %s frame; the "
	    "session is ended", s->o->server, what);
	return obj_fail(s, r);
}

static int
out_of_place(struct session *s, struct netchan_result *r, const char *want)
{
	sess_msg(s, "BWK1102E", "server %s sent a %s frame (type 0x%04x) "
	    "where its %s was due; the session is ended", s->o->server,
	    wire_type_name(in.type), in.type, want);
	return obj_fail(s, r);
}

/* The next frame; ERROR and a close end the session. */
static int
next(struct session *s, struct netchan_result *r)
{
	int k = session_wire_recv(s, &in);

	if (k == 0) {
		sess_msg(s, "BWK1604E", "server %s closed the session in the "
		    "middle of a request", s->o->server);
		return obj_fail(s, r);
	}
	if (k == -1)
		return obj_fail(s, r);
	if (in.type == WIRE_ERROR)
		return server_ended(s, r);
	return 0;
}

/* OBJECT_REFUSED's ID and text into r: that object only failed. */
static int
refused(struct session *s, struct netchan_result *r)
{
	char id[9];
	size_t i;

	if (wire_get(&in.in, id, 8) == -1 ||
	    wire_get_text(&in.in, r->text, WIRE_TEXT_MAX) == -1 ||
	    wire_end(&in.in) == -1)
		return malformed(s, r, "OBJECT_REFUSED");
	id[8] = '\0';
	if (strncmp(id, "BWK", 3) != 0)
		memcpy(id, "BWK????E", 9);
	for (i = 3; i < 8; i++)
		if (id[i] < 0x21 || id[i] > 0x7e)
			id[i] = '?';
	memcpy(r->id, id, sizeof(r->id));
	r->status = NC_REFUSED;
	return 0;
}

/* The answer to one object request: OBJECT_OK or OBJECT_REFUSED. */
static int
answer(struct session *s, struct netchan_result *r)
{
	uint64_t version;

	if (next(s, r) == -1)
		return -1;
	if (in.type == WIRE_OBJECT_REFUSED)
		return refused(s, r);
	if (in.type != WIRE_OBJECT_OK)
		return out_of_place(s, r, "OBJECT_OK");
	if (wire_get_n64(&in.in, &version) == -1 || wire_end(&in.in) == -1)
		return malformed(s, r, "OBJECT_OK");
	r->status = NC_OK;
	r->version = version;
	return 0;
}

static int
send_or_fail(struct session *s, struct netchan_result *r)
{
	return session_wire_send(s, &out) == -1 ? obj_fail(s, r) : 0;
}

/*
 * A FILE's frames gathered into TLS records: a small file's BACKUP, DATA
 * and DATA_END go out as one record (one write here, one record to
 * decrypt and two reads at the server, not three of each), and a large
 * file's full DATA frames, one record each, as they are. The network
 * process runs one session, so the buffer is this file's.
 */
static uint8_t	gathered[16384];
static size_t	ngathered;

static int
flush_or_fail(struct session *s, struct netchan_result *r)
{
	size_t n = ngathered;

	ngathered = 0;
	if (n > 0 && session_write(s, gathered, n) != (ssize_t)n)
		return obj_fail(s, r);
	return 0;
}

static int
gather_or_fail(struct session *s, struct netchan_result *r)
{
	if (wire_finish(&out) == -1)
		return send_or_fail(s, r);	/* it says why */
	/* a full DATA frame is a record of its own, sent from where it is,
	 * after what came before it */
	if (out.len > sizeof(gathered) - 64)
		return flush_or_fail(s, r) == -1 ? -1 : send_or_fail(s, r);
	if (ngathered + out.len > sizeof(gathered) &&
	    flush_or_fail(s, r) == -1)
		return -1;
	memcpy(gathered + ngathered, out.buf, out.len);
	ngathered += out.len;
	return 0;
}

/* The file as the file side saw it, and as it is now it was read. */
static int
changed(int fd, const struct stat *was, uint64_t sent)
{
	struct stat st;

	/* the fstat system call itself: glibc's fstat() is a newfstatat(),
	 * which the network process's filter refuses */
	if (bwk_fstat(fd, &st) == -1)
		return 1;
	return (uint64_t)st.st_size != sent || st.st_size != was->st_size ||
	    st.st_mtim.tv_sec != was->st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != was->st_mtim.tv_nsec ||
	    st.st_ctim.tv_sec != was->st_ctim.tv_sec ||
	    st.st_ctim.tv_nsec != was->st_ctim.tv_nsec;
}

/* total bytes of the object so far, n of them just now: told when a
 * step was crossed */
static void
progress(struct session *s, uint64_t total, uint64_t n)
{
	if (s->on_bytes != NULL &&
	    total / NC_PROGRESS_STEP != (total - n) / NC_PROGRESS_STEP)
		s->on_bytes(s, total);
}

/* A FILE's bytes, then DATA_END (0, its answer due), or ABANDON when it
 * could not be sent as it was (1, *status says why, no answer due). -1
 * when the session failed. */
static int
send_data(struct session *s, int fd, const struct stat *was,
    struct netchan_result *r)
{
	wc_Sha256 sha;
	uint64_t total = 0;
	ssize_t n;
	int err = 0;

	if (wc_InitSha256(&sha) != 0) {
		sess_msg(s, "BWK1605E", "SHA-256 could not be initialised");
		return obj_fail(s, r);
	}
	for (;;) {
		/* at most one byte past the size the file side saw: a file
		 * that grows is changed, and is never read without end */
		size_t want = WIRE_DATA_MAX;

		if ((uint64_t)was->st_size + 1 - total < want)
			want = (size_t)((uint64_t)was->st_size + 1 - total);
		wire_begin(&out, WIRE_DATA);
		if (want == 0 ||
		    (n = bwk_read_upto(fd, out.buf + out.len, want)) <= 0) {
			if (want == 0)
				n = 0;
			err = n == -1 ? errno : 0;
			break;
		}
		if (wc_Sha256Update(&sha, out.buf + out.len, (word32)n) != 0) {
			wc_Sha256Free(&sha);
			sess_msg(s, "BWK1605E", "SHA-256 failed");
			return obj_fail(s, r);
		}
		out.len += (size_t)n;
		total += (uint64_t)n;
		if (gather_or_fail(s, r) == -1 || (ngathered == 0 &&
		    s->on_sending != NULL && s->on_sending(s, r) == -1)) {
			wc_Sha256Free(&sha);
			return -1;
		}
		progress(s, total, (uint64_t)n);
	}
	if (err != 0 || changed(fd, was, total)) {
		wc_Sha256Free(&sha);
		r->status = err != 0 ? NC_READ_ERROR : NC_CHANGED;
		if (err != 0)
			snprintf(r->text, sizeof(r->text), "%s", strerror(err));
		wire_begin(&out, WIRE_ABANDON);
		return gather_or_fail(s, r) == -1 ||
		    flush_or_fail(s, r) == -1 ? -1 : 1;
	}
	wire_begin(&out, WIRE_DATA_END);
	wire_put_n64(&out, total);
	if (wc_Sha256Final(&sha, r->sha256) != 0) {
		wc_Sha256Free(&sha);
		sess_msg(s, "BWK1605E", "SHA-256 failed");
		return obj_fail(s, r);
	}
	wc_Sha256Free(&sha);
	wire_put(&out, r->sha256, 32);
	r->size = total;
	return gather_or_fail(s, r) == -1 || flush_or_fail(s, r) == -1 ? -1 : 0;
}

static int
backup(struct session *s, const uint8_t *payload, size_t n, int is_file,
    int fd, const struct stat *was, int wait, struct netchan_result *r)
{
	int k;

	memset(r, 0, sizeof(*r));
	ngathered = 0;
	wire_begin(&out, WIRE_BACKUP);
	wire_put(&out, payload, n);
	if (is_file) {
		if ((k = gather_or_fail(s, r)) == 0)
			k = send_data(s, fd, was, r);
		if (k != 0)
			return k == 1 ? 0 : -1;	/* abandoned: no answer */
	} else if (send_or_fail(s, r) == -1)
		return -1;
	if (!wait) {
		r->status = NC_QUEUED;
		return 0;
	}
	return answer(s, r);
}

int
session_backup(struct session *s, const uint8_t *payload, size_t n,
    int is_file, int fd, const struct stat *was, struct netchan_result *r)
{
	return backup(s, payload, n, is_file, fd, was, 1, r);
}

int
session_send(struct session *s, const uint8_t *payload, size_t n,
    int is_file, int fd, const struct stat *was, struct netchan_result *r)
{
	return backup(s, payload, n, is_file, fd, was, 0, r);
}

int
session_answer(struct session *s, struct netchan_result *r)
{
	memset(r, 0, sizeof(*r));
	return answer(s, r);
}

int
session_deactivate(struct session *s, const uint8_t *payload, size_t n,
    struct netchan_result *r)
{
	memset(r, 0, sizeof(*r));
	wire_begin(&out, WIRE_DEACTIVATE);
	wire_put(&out, payload, n);
	if (send_or_fail(s, r) == -1)
		return -1;
	return answer(s, r);
}

/*
 * A listing (OBJECTS or FILESPACES): frames until one says it is the
 * last, each entry handed to cb. A cb that fails (the file side went
 * away) still reads the listing to its end, so the session stays in step.
 */
static int
listing(struct session *s, uint16_t want, int (*cb)(void *, struct wire_in *,
    struct netchan_result *), void *arg, struct netchan_result *r)
{
	uint8_t more = 1;
	uint16_t count, i;
	int last = 0;

	while (!last) {
		if (next(s, r) == -1)
			return -1;
		if (in.type == WIRE_OBJECT_REFUSED)
			return refused(s, r);
		if (in.type != want)
			return out_of_place(s, r, wire_type_name(want));
		if (wire_get_n8(&in.in, &more) == -1 || more > 1 ||
		    wire_get_n16(&in.in, &count) == -1)
			return malformed(s, r, wire_type_name(want));
		for (i = 0; i < count; i++)
			if (cb(arg, &in.in, r) == -1)
				return malformed(s, r, wire_type_name(want));
		if (wire_end(&in.in) == -1)
			return malformed(s, r, wire_type_name(want));
		last = !more;
	}
	r->status = NC_OK;
	return 0;
}

int
session_query_objects(struct session *s, const uint8_t *payload, size_t n,
    int (*cb)(void *, struct wire_in *, struct netchan_result *), void *arg,
    struct netchan_result *r)
{
	memset(r, 0, sizeof(*r));
	wire_begin(&out, WIRE_QUERY_BACKUP);
	wire_put(&out, payload, n);
	if (send_or_fail(s, r) == -1)
		return -1;
	return listing(s, WIRE_OBJECTS, cb, arg, r);
}

int
session_query_filespaces(struct session *s,
    int (*cb)(void *, struct wire_in *, struct netchan_result *), void *arg,
    struct netchan_result *r)
{
	memset(r, 0, sizeof(*r));
	wire_begin(&out, WIRE_QUERY_FILESPACE);
	if (send_or_fail(s, r) == -1)
		return -1;
	return listing(s, WIRE_FILESPACES, cb, arg, r);
}

static int
all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/*
 * One RDATA frame into fd: a block of zeros is skipped (a hole: the file
 * side sets the final size), anything else written whole. 0, or an errno.
 */
static int
put_block(int fd, const uint8_t *p, size_t n)
{
	ssize_t k;

	if (all_zero(p, n))
		return lseek(fd, (off_t)n, SEEK_CUR) == -1 ? errno : 0;
	while (n > 0) {
		if ((k = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int
session_restore(struct session *s, uint64_t version, uint64_t size,
    const uint8_t sha256[32], int fd, struct netchan_result *r)
{
	uint8_t got[32], end_sha[32];
	uint64_t total = 0, end_size;
	wc_Sha256 sha;
	int err = 0;

	memset(r, 0, sizeof(*r));
	wire_begin(&out, WIRE_RESTORE);
	wire_put_n64(&out, version);
	if (send_or_fail(s, r) == -1)
		return -1;
	if (wc_InitSha256(&sha) != 0) {
		sess_msg(s, "BWK1605E", "SHA-256 could not be initialised");
		return obj_fail(s, r);
	}
	for (;;) {
		if (next(s, r) == -1)
			goto fail;
		if (in.type == WIRE_OBJECT_REFUSED) {
			wc_Sha256Free(&sha);
			return refused(s, r);
		}
		if (in.type == WIRE_RDATA_END)
			break;
		if (in.type != WIRE_RDATA) {
			(void)out_of_place(s, r, "RDATA");
			goto fail;
		}
		/* never more than the version has: a server that sends more
		 * is broken, and would fill the disk */
		if (in.len == 0 || in.len > WIRE_DATA_MAX ||
		    in.len > size - total) {
			sess_msg(s, "BWK1606E", "server %s sent more data for "
			    "version %llu than its %llu bytes; the session is "
			    "ended", s->o->server, (unsigned long long)version,
			    (unsigned long long)size);
			(void)obj_fail(s, r);
			goto fail;
		}
		if (wc_Sha256Update(&sha, in.payload, (word32)in.len) != 0) {
			sess_msg(s, "BWK1605E", "SHA-256 failed");
			(void)obj_fail(s, r);
			goto fail;
		}
		total += in.len;
		progress(s, total, in.len);
		/* a write error: the rest is read and dropped, in step */
		if (err == 0)
			err = put_block(fd, in.payload, in.len);
	}
	if (wire_get_n64(&in.in, &end_size) == -1 ||
	    wire_get(&in.in, end_sha, 32) == -1 || wire_end(&in.in) == -1) {
		(void)malformed(s, r, "RDATA_END");
		goto fail;
	}
	if (wc_Sha256Final(&sha, got) != 0) {
		sess_msg(s, "BWK1605E", "SHA-256 failed");
		(void)obj_fail(s, r);
		goto fail;
	}
	wc_Sha256Free(&sha);
	r->size = total;
	memcpy(r->sha256, got, 32);
	if (err != 0) {
		r->status = NC_WRITE_ERROR;
		snprintf(r->text, sizeof(r->text), "%s", strerror(err));
	} else if (total != size || end_size != size ||
	    memcmp(got, sha256, 32) != 0 || memcmp(end_sha, sha256, 32) != 0)
		r->status = NC_MISMATCH;
	else
		r->status = NC_OK;
	r->version = version;
	return 0;
fail:
	wc_Sha256Free(&sha);
	return -1;
}
