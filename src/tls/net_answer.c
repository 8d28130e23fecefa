/*
 * The network process's side of the channel (netchan.h): it answers the
 * file side's requests, one at a time (objects sent with NC_SEND are
 * answered twice: at once, and with the server's NC_ANSWER later, in
 * order and before any other request's answer), with the session's object frames
 * (session_objects.c), until the file side says BYE or goes away. The
 * descriptors it is handed are the only files it touches; it opens none.
 *
 * The file side is the more trusted process, but its messages are read
 * exactly all the same: a malformed one ends the session, since nothing
 * but a bug can make one.
 */
#include <sys/stat.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "api_int.h"
#include "net_answer.h"
#include "netchan.h"
#include "objects.h"

static struct netchan_msg msg;
static struct wire_out reply;
/* objects sent (NC_SEND) whose answers the file side still waits for,
 * oldest first: what was sent of each, for its answer, and the answer
 * itself when it was read while a large file was being sent (unread:
 * how many of the newest have no answer read yet) */
static unsigned unanswered, unread, oldest;
static struct {
	uint64_t		size;
	uint8_t			sha256[32];
	int			read;
	struct netchan_result	answer;
} sent[NC_SEND_WINDOW];

static int
send_result(int chan, const struct netchan_result *r)
{
	wire_begin(&reply, NC_RESULT);
	netchan_put_result(&reply, r);
	return netchan_send(chan, &reply, -1);
}

static int
bad_request(struct bwk *b, const char *what)
{
	sess_msg(&b->s, "BWK1610E", "the file side sent a malformed %s "
	    "request to the network process; the session is ended", what);
	return -1;
}

/*
 * The time fields of BACKUP's payload, for the check that the file was
 * not changed while it was read: the file side's fstat of the descriptor.
 */
static int
backup_stat(const uint8_t *p, size_t n, uint64_t size, uint8_t *type,
    struct stat *was)
{
	char path[WIRE_PATH_MAX + 1];
	struct wire_in in;
	uint32_t mode, uid, gid;
	uint64_t mt, ct;

	wire_in_init(&in, WIRE_BACKUP, p, n);
	if (wire_get_path(&in, path) == -1 || wire_get_path(&in, path) == -1 ||
	    wire_get_n8(&in, type) == -1 || wire_get_n32(&in, &mode) == -1 ||
	    wire_get_n32(&in, &uid) == -1 || wire_get_n32(&in, &gid) == -1 ||
	    wire_get_n64(&in, &mt) == -1 || wire_get_n64(&in, &ct) == -1 ||
	    wire_get_text(&in, path, WIRE_PATH_MAX) == -1 ||
	    wire_end(&in) == -1 || *type > WIRE_OBJ_LINK ||
	    size > (uint64_t)INT64_MAX)
		return -1;
	memset(was, 0, sizeof(*was));
	was->st_size = (off_t)size;
	was->st_mtim.tv_sec = (time_t)((int64_t)mt / 1000000000);
	was->st_mtim.tv_nsec = (long)((int64_t)mt % 1000000000);
	was->st_ctim.tv_sec = (time_t)((int64_t)ct / 1000000000);
	was->st_ctim.tv_nsec = (long)((int64_t)ct % 1000000000);
	return 0;
}

/* A large object's bytes so far, to the file side's progress display;
 * a send that fails is seen by the result's. */
static void
net_progress(struct session *s, uint64_t done)
{
	static struct wire_out note;

	wire_begin(&note, NC_PROGRESS);
	wire_put_n64(&note, done);
	(void)netchan_send(s->chan_fd, &note, -1);
}

/* BACKUP's payload and the file's stat from NC_BACKUP or NC_SEND. */
static int
backup_request(struct bwk *b, const uint8_t **p, size_t *n, uint8_t *type,
    struct stat *was)
{
	uint64_t size;

	if (wire_get_n64(&msg.in, &size) == -1)
		return bad_request(b, "BACKUP");
	*n = msg.in.left;
	if (wire_ref(&msg.in, *n, p) == -1 ||
	    backup_stat(*p, *n, size, type, was) == -1 ||
	    (*type == WIRE_OBJ_FILE) != (msg.fd != -1))
		return bad_request(b, "BACKUP");
	return 0;
}

/*
 * Between a large file's records: the answers that are here already are
 * read and kept, so that a server writing many answers (a group of
 * refusals) never blocks on a client that only writes.
 */
static int
net_take_answers(struct session *s, struct netchan_result *r)
{
	while (unread > 0 && session_input_ready(s)) {
		unsigned i = (oldest + unanswered - unread) % NC_SEND_WINDOW;

		if (session_answer(s, &sent[i].answer) == -1) {
			*r = sent[i].answer;
			return -1;
		}
		sent[i].read = 1;
		unread--;
	}
	return 0;
}

/* The oldest unanswered object's answer, to the file side. */
static int
relay_answer(struct bwk *b, int chan)
{
	struct netchan_result r;

	if (sent[oldest].read)
		r = sent[oldest].answer;
	else if (session_answer(&b->s, &r) == -1) {
		(void)send_result(chan, &r);
		return -1;
	} else
		unread--;
	sent[oldest].read = 0;
	r.size = sent[oldest].size;
	memcpy(r.sha256, sent[oldest].sha256, 32);
	oldest = (oldest + 1) % NC_SEND_WINDOW;
	unanswered--;
	wire_begin(&reply, NC_ANSWER);
	netchan_put_result(&reply, &r);
	return netchan_send(chan, &reply, -1);
}

/*
 * The answers due: every one (before any other request, whose own
 * answer must not be taken for an object's), or those already here.
 */
static int
relay_answers(struct bwk *b, int chan, int all)
{
	while (unanswered > 0 && (all || sent[oldest].read ||
	    session_input_ready(&b->s)))
		if (relay_answer(b, chan) == -1)
			return -1;
	return 0;
}

static int
net_answer_flush(struct bwk *b, int chan)
{
	struct netchan_result r;

	if (wire_end(&msg.in) == -1 || msg.fd != -1)
		return bad_request(b, "FLUSH");
	memset(&r, 0, sizeof(r));
	r.status = NC_OK;
	return send_result(chan, &r);
}

/*
 * NC_BACKUP, answered once the server answered; or NC_SEND (queue): the
 * object goes without waiting for its answer, so that the server can
 * store many at once, at most NC_SEND_WINDOW unanswered.
 */
static int
net_answer_backup(struct bwk *b, int chan, int queue)
{
	struct netchan_result r;
	struct stat was;
	uint8_t type = 0;
	const uint8_t *p = NULL;
	size_t n = 0;
	int k;

	if (backup_request(b, &p, &n, &type, &was) == -1)
		return -1;
	/* the answers here already, and the oldest if the window is full:
	 * before this object's NC_RESULT, after which its own may come */
	if (queue && (relay_answers(b, chan, 0) == -1 ||
	    (unanswered == NC_SEND_WINDOW && relay_answer(b, chan) == -1)))
		return -1;
	if (queue)
		k = session_send(&b->s, p, n, type == WIRE_OBJ_FILE, msg.fd,
		    &was, &r);
	else
		k = session_backup(&b->s, p, n, type == WIRE_OBJ_FILE, msg.fd,
		    &was, &r);
	if (k == -1) {
		(void)send_result(chan, &r);
		return -1;
	}
	if (r.status == NC_QUEUED) {
		unsigned i = (oldest + unanswered) % NC_SEND_WINDOW;

		sent[i].size = r.size;
		memcpy(sent[i].sha256, r.sha256, 32);
		sent[i].read = 0;
		unanswered++;
		unread++;
	}
	return send_result(chan, &r);
}

static int
net_answer_deactivate(struct bwk *b, int chan)
{
	struct netchan_result r;
	const uint8_t *p;
	size_t n = msg.in.left;

	if (msg.fd != -1 || wire_ref(&msg.in, n, &p) == -1)
		return bad_request(b, "DEACTIVATE");
	if (session_deactivate(&b->s, p, n, &r) == -1) {
		(void)send_result(chan, &r);
		return -1;
	}
	return send_result(chan, &r);
}

/* Each entry as it came, checked, to the file side; a file side that
 * went away does not stop the reading of the listing. */
struct relay {
	int	chan;
	int	gone;
	uint16_t type;
};

static int
relay_object(void *arg, struct wire_in *in, struct netchan_result *r)
{
	static struct wire_object o;
	struct relay *rl = arg;

	(void)r;
	if (wire_get_object(in, &o) == -1)
		return -1;
	if (rl->gone)
		return 0;
	wire_begin(&reply, NC_OBJECT);
	wire_put_object(&reply, &o);
	if (netchan_send(rl->chan, &reply, -1) == -1)
		rl->gone = 1;
	return 0;
}

static int
relay_filespace(void *arg, struct wire_in *in, struct netchan_result *r)
{
	static char name[WIRE_PATH_MAX + 1];
	struct relay *rl = arg;
	int64_t created;

	(void)r;
	if (wire_get_filespace(in, name, &created) == -1)
		return -1;
	if (rl->gone)
		return 0;
	wire_begin(&reply, NC_FILESPACE);
	wire_put_filespace(&reply, name, created);
	if (netchan_send(rl->chan, &reply, -1) == -1)
		rl->gone = 1;
	return 0;
}

static int
net_answer_query(struct bwk *b, int chan)
{
	struct netchan_result r;
	struct relay rl = { chan, 0, 0 };
	const uint8_t *p;
	size_t n = msg.in.left;
	int k;

	if (msg.fd != -1 || wire_ref(&msg.in, n, &p) == -1)
		return bad_request(b, "QUERY");
	if (msg.type == NC_QUERY)
		k = session_query_objects(&b->s, p, n, relay_object, &rl, &r);
	else if (n != 0)
		return bad_request(b, "FILESPACES");
	else
		k = session_query_filespaces(&b->s, relay_filespace, &rl, &r);
	(void)send_result(chan, &r);
	return k;
}

static int
net_answer_restore(struct bwk *b, int chan)
{
	struct netchan_result r;
	uint64_t version, size;
	uint8_t sha[32];

	if (msg.fd == -1 || wire_get_n64(&msg.in, &version) == -1 ||
	    wire_get_n64(&msg.in, &size) == -1 ||
	    wire_get(&msg.in, sha, 32) == -1 || wire_end(&msg.in) == -1)
		return bad_request(b, "RESTORE");
	if (session_restore(&b->s, version, size, sha, msg.fd, &r) == -1) {
		(void)send_result(chan, &r);
		return -1;
	}
	return send_result(chan, &r);
}

int
net_serve(struct bwk *b, int chan)
{
	int r;

	b->s.on_bytes = net_progress;
	b->s.on_sending = net_take_answers;
	for (;;) {
		if ((r = netchan_recv(chan, &msg)) == 0)
			return 0;	/* the file side is gone: BYE */
		if (r == -1)
			return bad_request(b, "channel");
		/* any request but another object sent: the answers first */
		if (msg.type != NC_SEND && relay_answers(b, chan, 1) == -1)
			r = -1;
		else switch (msg.type) {
		case NC_SEND:
			r = net_answer_backup(b, chan, 1);
			break;
		case NC_FLUSH:
			r = net_answer_flush(b, chan);
			break;
		case NC_BACKUP:
			r = net_answer_backup(b, chan, 0);
			break;
		case NC_DEACTIVATE:
			r = net_answer_deactivate(b, chan);
			break;
		case NC_QUERY:
		case NC_FILESPACES:
			r = net_answer_query(b, chan);
			break;
		case NC_RESTORE:
			r = net_answer_restore(b, chan);
			break;
		case NC_BYE:
			r = wire_end(&msg.in) == -1 || msg.fd != -1 ?
			    bad_request(b, "BYE") : 1;
			break;
		default:
			r = bad_request(b, "unknown");
			break;
		}
		if (msg.fd != -1)
			close(msg.fd);
		msg.fd = -1;
		if (r != 0)
			return r == 1 ? 0 : -1;
	}
}
