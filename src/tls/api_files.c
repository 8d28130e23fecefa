#define _GNU_SOURCE	/* strsignal */
/*
 * libbulwark's backups (bulwark.h): the caller's process is the file
 * side, and bwk_start forks the network process, which starts the key
 * helper, sandboxes itself, connects, signs on and then answers the file
 * side's requests over a socketpair (netchan.h, net_answer.c). The
 * functions here run in the file side, its side of each request: each sends one
 * request and reads its answer as it would read a peer's, since the
 * network process parses a possibly hostile server's bytes.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api_int.h"
#include "net_answer.h"
#include "netchan.h"
#include "objects.h"

static struct netchan_msg msg;
static struct wire_out req;
/* the request is bwk_send_fd's, the one whose result may be NC_QUEUED */
static int sending;

/* The network process's first word: signed on, or why not. */
static void
send_ready(int chan, struct bwk *b, int ok)
{
	char id[9];

	snprintf(id, sizeof(id), "%-8.8s", b->s.err_id);
	wire_begin(&req, NC_READY);
	wire_put_n8(&req, (uint8_t)ok);
	wire_put_n8(&req, (uint8_t)b->s.fail);
	wire_put(&req, id, 8);
	wire_put_text(&req, b->s.err_text, WIRE_TEXT_MAX);
	(void)netchan_send(chan, &req, -1);
}

/* The network process: never returns. */
static void __attribute__((noreturn))
net_child(struct bwk *b, int chan, const char *user, bwk_setup_cb *setup,
    void *arg)
{
	struct netchan_result r;
	int rc;

	/* the caller's descriptors are not the network process's to hold:
	 * only 0-2 and the channel go on */
	if (chan > 3)
		(void)close_range(3, (unsigned int)chan - 1, 0);
	(void)close_range((unsigned int)chan + 1, ~0U, 0);
	if (bwk_prepare(b) == -1 || (setup != NULL && setup(b, arg) == -1) ||
	    (b->s.has_chan = 1, b->s.chan_fd = chan,
	    bwk_sandbox(b, user)) == -1 || bwk_connect(b) == -1) {
		if (b->s.fail == FAIL_NONE)
			b->s.fail = FAIL_SETUP;
		send_ready(chan, b, 0);
		bwk_free(b);
		fflush(NULL);	/* _exit writes no buffer: the messages first */
		_exit(1);
	}
	send_ready(chan, b, 1);
	rc = net_serve(b, chan);
	/* the session's end: BYE, then the helper's status; a session that
	 * failed is not in step for a BYE */
	if (rc == -1)
		b->s.signed_on = 0;
	if (bwk_close(b) == -1)
		rc = -1;
	memset(&r, 0, sizeof(r));
	if (rc == -1) {
		r.status = NC_FAILED;
		snprintf(r.id, sizeof(r.id), "%s", b->s.err_id);
		snprintf(r.text, sizeof(r.text), "%s", b->s.err_text);
	}
	wire_begin(&req, NC_RESULT);
	netchan_put_result(&req, &r);
	(void)netchan_send(chan, &req, -1);
	fflush(NULL);
	_exit(rc == -1 ? 1 : 0);
}

/* The error the network process reported (and printed): kept, not
 * printed again. */
static int
remote_error(struct bwk *b, int fail, const char *id, const char *text)
{
	b->s.fail = fail > 0 && fail <= FAIL_SERVER ? (enum session_fail)fail :
	    FAIL_SERVER;
	snprintf(b->s.err_id, sizeof(b->s.err_id), "%.8s", id);
	snprintf(b->s.err_text, sizeof(b->s.err_text), "%.*s",
	    (int)sizeof(b->s.err_text) - 1, text);
	return -1;
}

/*
 * The network process is done with: its channel closed, then the process
 * killed and collected. It is this process's child, so it can always be
 * stopped; one that misbehaves (a malformed message, a send that never
 * ends) must not keep the file side waiting.
 */
static int
reap(struct bwk *b)
{
	int st = 0;

	if (b->chan != -1)
		close(b->chan);
	b->chan = -1;
	if (b->netpid > 0) {
		(void)kill(b->netpid, SIGKILL);
		while (waitpid(b->netpid, &st, 0) == -1 && errno == EINTR)
			;
	}
	b->netpid = -1;
	b->connected = 0;
	return st;
}

/* The network process ends, having said why. */
static void
reap_quietly(struct bwk *b)
{
	(void)reap(b);
}

/* The network process is gone: how it ended. */
static int
net_gone(struct bwk *b, const char *why)
{
	char how[96];
	int st = 0;

	how[0] = '\0';
	if (b->netpid > 0) {
		/* how it ended, if it has: a kill of ours says nothing */
		if (waitpid(b->netpid, &st, WNOHANG) == b->netpid) {
			if (WIFSIGNALED(st))
				snprintf(how, sizeof(how), " (killed by %s)",
				    strsignal(WTERMSIG(st)));
			else if (WIFEXITED(st))
				snprintf(how, sizeof(how), " (exit status %d)",
				    WEXITSTATUS(st));
			b->netpid = -1;
		}
	}
	(void)reap(b);
	b->s.fail = FAIL_SETUP;
	sess_msg(&b->s, "BWK1601E", "the network process %s%s; nothing more "
	    "is sent (a sandbox violation is a bug: report it)", why, how);
	return -1;
}

static void
result_of(struct bwk_result *res, const struct netchan_result *r)
{
	memset(res, 0, sizeof(*res));
	res->status = r->status == NC_QUEUED ? BWK_QUEUED :
	    (enum bwk_status)r->status;
	res->version = r->version;
	res->size = r->size;
	memcpy(res->sha256, r->sha256, 32);
	memcpy(res->id, r->id, sizeof(res->id));
	snprintf(res->text, sizeof(res->text), "%s", r->text);
}

/* NC_ANSWER: the server's answer to the oldest object sent, to the
 * caller's callback with that object's tag. */
static int
take_answer(struct bwk *b)
{
	struct netchan_result r;
	struct bwk_result res;
	uint64_t tag;

	if (netchan_get_result(&msg.in, &r) == -1 ||
	    (r.status != NC_OK && r.status != NC_REFUSED))
		return net_gone(b, "sent a malformed answer");
	if (b->due_n == 0)
		return net_gone(b, "sent an answer no object was waiting for");
	tag = b->due[b->due_first];
	b->due_first = (b->due_first + 1) % BWK_SEND_WINDOW;
	b->due_n--;
	result_of(&res, &r);
	if (b->answer_cb == NULL)
		return 0;	/* bwk_set_answer_cb refuses this: never */
	b->in_answer = 1;
	b->answer_cb(b->answer_arg, tag, &res);
	b->in_answer = 0;
	return 0;
}

/*
 * One message from the network process, answers to objects sent before
 * (NC_ANSWER) taken on the way: every request's reply may follow some.
 */
static int
recv_reply(struct bwk *b)
{
	int r;

	for (;;) {
		if ((r = netchan_recv(b->chan, &msg)) == 0)
			return net_gone(b, "ended in the middle of a request");
		if (r == -1)
			return net_gone(b, "sent a malformed message");
		/* nothing comes from it with a descriptor */
		if (msg.fd != -1) {
			close(msg.fd);
			msg.fd = -1;
			return net_gone(b, "sent a descriptor");
		}
		if (msg.type != NC_ANSWER)
			return 0;
		if (take_answer(b) == -1)
			return -1;
	}
}

static int
take_result(struct bwk *b, struct bwk_result *res)
{
	struct netchan_result r;

	if (msg.type != NC_RESULT || netchan_get_result(&msg.in, &r) == -1 ||
	    (r.status == NC_QUEUED && !sending))
		return net_gone(b, "sent a malformed answer");
	if (r.status == NC_FAILED) {
		/* it printed the reason; it ends now */
		reap_quietly(b);
		return remote_error(b, FAIL_SERVER, r.id, r.text);
	}
	result_of(res, &r);
	return 0;
}

static int
start_error(struct bwk *b, const char *call)
{
	b->s.fail = FAIL_SETUP;
	sess_msg(&b->s, "BWK1602E", "the network process cannot be started "
	    "(%s): %s", call, strerror(errno));
	return -1;
}

int
bwk_start(struct bwk *b, const char *user, bwk_setup_cb *setup, void *arg)
{
	uint8_t ok, fail;
	char id[9], text[WIRE_TEXT_MAX + 1];
	int sv[2];
	pid_t pid;

	if (!b->configured || b->prepared || b->remote || b->o.node == NULL ||
	    b->cfg.admin)
		return api_error(b, BWK_FAIL_SETUP, "BWK0755E", "bwk_start: "
		    "a node's connection, configured and not yet started");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return start_error(b, "socketpair");
	/* buffered output must not be written twice */
	fflush(NULL);
	if ((pid = fork()) == -1) {
		close(sv[0]);
		close(sv[1]);
		return start_error(b, "fork");
	}
	if (pid == 0) {
		close(sv[0]);
		net_child(b, sv[1], user, setup, arg);
	}
	close(sv[1]);
	b->remote = 1;
	b->chan = sv[0];
	b->netpid = pid;
	if (recv_reply(b) == -1)
		return -1;
	if (msg.type != NC_READY || wire_get_n8(&msg.in, &ok) == -1 ||
	    wire_get_n8(&msg.in, &fail) == -1 ||
	    wire_get(&msg.in, id, 8) == -1 ||
	    wire_get_text(&msg.in, text, WIRE_TEXT_MAX) == -1 ||
	    wire_end(&msg.in) == -1 || ok > 1)
		return net_gone(b, "sent a malformed first message");
	id[8] = '\0';
	if (!ok) {
		reap_quietly(b);
		return remote_error(b, fail, id, text);
	}
	b->connected = 1;
	return 0;
}

static int
remote_ok(struct bwk *b, const char *call)
{
	char why[128];

	if (b->in_answer) {
		snprintf(why, sizeof(why), "%s: called from a callback in the "
		    "middle of another request (call it once that request "
		    "returned)", call);
		(void)api_error(b, BWK_FAIL_SETUP, "BWK0755E", why);
		return 0;
	}
	if (b->remote && b->chan != -1)
		return 1;
	snprintf(why, sizeof(why), "%s: not started (bwk_start), or the "
	    "network process has ended", call);
	(void)api_error(b, BWK_FAIL_SETUP, "BWK0755E", why);
	return 0;
}

/* A request and its one result, after the progress notes of a large
 * object's BACKUP or RESTORE (progress_ok): anything else out of place. */
static int
ask(struct bwk *b, int fd, int progress_ok, struct bwk_result *res)
{
	uint64_t done;

	if (netchan_send(b->chan, &req, fd) == -1)
		return net_gone(b, "cannot be reached");
	for (;;) {
		if (recv_reply(b) == -1)
			return -1;
		if (msg.type != NC_PROGRESS || !progress_ok)
			break;
		if (wire_get_n64(&msg.in, &done) == -1 ||
		    wire_end(&msg.in) == -1)
			return net_gone(b, "sent a malformed progress note");
		if (b->bytes_cb != NULL) {
			b->in_answer = 1;
			b->bytes_cb(b->bytes_arg, done);
			b->in_answer = 0;
		}
	}
	return take_result(b, res);
}

void
bwk_set_bytes_cb(struct bwk *b, bwk_bytes_cb *cb, void *arg)
{
	b->bytes_cb = cb;
	b->bytes_arg = arg;
}

/* NC_BACKUP's or NC_SEND's request for the object, in req. */
static int
backup_req(struct bwk *b, uint16_t type, const char *call,
    const struct bwk_meta *m, int fd, const struct stat *st)
{
	int file = m->type == BWK_OBJ_FILE;
	char why[300];

	if (!remote_ok(b, call))
		return -1;
	if (file != (fd != -1) || (file && st == NULL) ||
	    m->type > BWK_OBJ_LINK || !wire_link_ok((uint8_t)m->type,
	    m->link != NULL ? m->link : "")) {
		snprintf(why, sizeof(why), "%s: a FILE needs its descriptor and "
		    "stat, a LINK its target, a FILE's hard link is a name "
		    "(\"/...\"), and a DIR has none of them", call);
		return api_error(b, BWK_FAIL_SETUP, "BWK0755E", why);
	}
	wire_begin(&req, type);
	wire_put_n64(&req, file ? (uint64_t)st->st_size : 0);
	wire_put_path(&req, m->filespace);
	wire_put_path(&req, m->path);
	wire_put_n8(&req, (uint8_t)m->type);
	wire_put_n32(&req, m->mode & 07777);
	wire_put_n32(&req, m->uid);
	wire_put_n32(&req, m->gid);
	wire_put_n64(&req, (uint64_t)m->mtime_ns);
	wire_put_n64(&req, (uint64_t)m->ctime_ns);
	wire_put_text(&req, m->link != NULL ? m->link : "", WIRE_PATH_MAX);
	if (req.overflow) {
		snprintf(why, sizeof(why), "%s: a name or link of more than "
		    "4,095 bytes, or an empty name", call);
		return api_error(b, BWK_FAIL_SETUP, "BWK0755E", why);
	}
	return 0;
}

int
bwk_backup_fd(struct bwk *b, const struct bwk_meta *m, int fd,
    const struct stat *st, struct bwk_result *res)
{
	if (backup_req(b, NC_BACKUP, "bwk_backup_fd", m, fd, st) == -1)
		return -1;
	return ask(b, fd, 1, res);
}

int
bwk_set_answer_cb(struct bwk *b, bwk_answer_cb *cb, void *arg)
{
	/* the answers due are the callback's that was set when they went */
	if (b->in_answer || (b->due_n > 0 && b->chan != -1))
		return api_error(b, BWK_FAIL_SETUP, "BWK0755E",
		    "bwk_set_answer_cb: answers are due, or called from a "
		    "callback (bwk_flush first)");
	b->answer_cb = cb;
	b->answer_arg = arg;
	b->due_n = 0;
	return 0;
}

int
bwk_send_fd(struct bwk *b, const struct bwk_meta *m, int fd,
    const struct stat *st, uint64_t tag, struct bwk_result *res)
{
	int r;

	if (b->answer_cb == NULL)
		return api_error(b, BWK_FAIL_SETUP, "BWK0755E", "bwk_send_fd: "
		    "no answer callback is set (bwk_set_answer_cb)");
	if (backup_req(b, NC_SEND, "bwk_send_fd", m, fd, st) == -1)
		return -1;
	sending = 1;
	r = ask(b, fd, 1, res);
	sending = 0;
	if (r == -1)
		return -1;
	if (res->status != BWK_QUEUED)
		return res->status == BWK_CHANGED ||
		    res->status == BWK_READ_ERROR ? 0 :
		    net_gone(b, "sent a malformed answer");
	/* the network process relays the oldest answer before it takes
	 * more than the window: one that does not is broken */
	if (b->due_n == BWK_SEND_WINDOW)
		return net_gone(b, "sent more objects than its window");
	b->due[(b->due_first + b->due_n) % BWK_SEND_WINDOW] = tag;
	b->due_n++;
	return 0;
}

int
bwk_flush(struct bwk *b)
{
	struct bwk_result res;

	if (b->due_n == 0)
		return 0;	/* nothing to wait for, started or not */
	if (!remote_ok(b, "bwk_flush"))
		return -1;
	wire_begin(&req, NC_FLUSH);
	if (ask(b, -1, 0, &res) == -1)
		return -1;
	if (res.status != BWK_OK || b->due_n != 0)
		return net_gone(b, "did not answer every object sent");
	return 0;
}

int
bwk_deactivate(struct bwk *b, const char *filespace, const char *path,
    struct bwk_result *res)
{
	if (!remote_ok(b, "bwk_deactivate"))
		return -1;
	wire_begin(&req, NC_DEACTIVATE);
	wire_put_path(&req, filespace);
	wire_put_path(&req, path);
	return ask(b, -1, 0, res);
}

/* Entries until the result; each to the caller's callback. */
static int
listing(struct bwk *b, bwk_version_cb *vcb, bwk_filespace_cb *fcb,
    void *arg, struct bwk_result *res)
{
	static struct wire_object o;
	static char name[WIRE_PATH_MAX + 1];
	struct bwk_version v;
	int64_t created;
	int stopped = 0;

	if (netchan_send(b->chan, &req, -1) == -1)
		return net_gone(b, "cannot be reached");
	for (;;) {
		if (recv_reply(b) == -1)
			return -1;
		if (msg.type == NC_RESULT)
			break;
		if (msg.type == NC_OBJECT && (vcb != NULL || fcb == NULL)) {
			if (wire_get_object(&msg.in, &o) == -1 ||
			    wire_end(&msg.in) == -1)
				return net_gone(b, "sent a malformed object");
			memset(&v, 0, sizeof(v));
			v.version = o.version;
			v.active = o.state == WIRE_STATE_ACTIVE;
			v.type = (enum bwk_obj_type)o.type;
			v.size = o.size;
			v.mode = o.mode;
			v.uid = o.uid;
			v.gid = o.gid;
			v.mtime_ns = o.mtime_ns;
			v.ctime_ns = o.ctime_ns;
			v.committed = o.committed;
			v.deactivated = o.deactivated;
			memcpy(v.sha256, o.sha256, 32);
			v.path = o.path;
			v.link = o.link;
			b->in_answer = 1;
			if (!stopped && vcb != NULL && vcb(arg, &v) != 0)
				stopped = 1;
			b->in_answer = 0;
		} else if (msg.type == NC_FILESPACE && vcb == NULL) {
			if (wire_get_filespace(&msg.in, name, &created) == -1 ||
			    wire_end(&msg.in) == -1)
				return net_gone(b, "sent a malformed filespace");
			b->in_answer = 1;
			if (!stopped && fcb != NULL && fcb(arg, name, created) != 0)
				stopped = 1;
			b->in_answer = 0;
		} else
			return net_gone(b, "sent a message out of place");
	}
	if (take_result(b, res) == -1)
		return -1;
	if (stopped && res->status == BWK_OK) {
		res->status = BWK_REFUSED;
		snprintf(res->text, sizeof(res->text), "stopped");
	}
	return 0;
}

int
bwk_query_backup(struct bwk *b, const char *filespace, const char *pattern,
    int flags, bwk_version_cb *cb, void *arg, struct bwk_result *res)
{
	if (!remote_ok(b, "bwk_query_backup"))
		return -1;
	wire_begin(&req, NC_QUERY);
	wire_put_path(&req, filespace);
	wire_put_path(&req, pattern);
	wire_put_n8(&req, (uint8_t)(flags & WIRE_Q_FLAGS));
	return listing(b, cb, NULL, arg, res);
}

int
bwk_query_filespaces(struct bwk *b, bwk_filespace_cb *cb, void *arg,
    struct bwk_result *res)
{
	if (!remote_ok(b, "bwk_query_filespaces"))
		return -1;
	wire_begin(&req, NC_FILESPACES);
	return listing(b, NULL, cb, arg, res);
}

int
bwk_restore_fd(struct bwk *b, uint64_t version, uint64_t size,
    const uint8_t sha256[32], int fd, struct bwk_result *res)
{
	if (!remote_ok(b, "bwk_restore_fd"))
		return -1;
	if (fd == -1)
		return api_error(b, BWK_FAIL_SETUP, "BWK0755E", "bwk_restore_fd: "
		    "no file to restore into");
	wire_begin(&req, NC_RESTORE);
	wire_put_n64(&req, version);
	wire_put_n64(&req, size);
	wire_put(&req, sha256, 32);
	return ask(b, fd, 1, res);
}

/* bwk_close of a started connection: BYE through the network process,
 * then its end. */
int
api_files_close(struct bwk *b)
{
	struct bwk_result res;
	int st, r = 0;

	if (b->chan == -1)
		return b->s.fail != FAIL_NONE ? -1 : 0;
	wire_begin(&req, NC_BYE);
	if (ask(b, -1, 0, &res) == -1)
		return -1;
	close(b->chan);
	b->chan = -1;
	st = 0;
	if (b->netpid > 0) {
		while (waitpid(b->netpid, &st, 0) == -1 && errno == EINTR)
			;
		b->netpid = -1;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			b->s.fail = FAIL_SETUP;
			sess_msg(&b->s, "BWK1601E", "the network process %s%s; "
			    "nothing more is sent (a sandbox violation is a bug: "
			    "report it)", "ended badly", WIFSIGNALED(st) ?
			    " (killed by a signal)" : "");
			r = -1;
		}
	}
	b->connected = 0;
	return r;
}


/* bwk_free without a close: the network process sees its channel end,
 * says BYE and goes. */
void
api_files_free(struct bwk *b)
{
	reap_quietly(b);
}
