/*
 * The network process's stubs for the key helper (keyd_answer_* is the
 * helper's side). Each builds one request and goes through keyd_rpc(),
 * the one round trip: it sends the request, waits for the answer with a
 * timeout, and checks its header before the stub reads the payload, with
 * exact sizes, from the connection's own buffer. A helper that misbehaves
 * once is dead for the rest of the session: nothing more it says is used.
 */
#define _GNU_SOURCE		/* close_range */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hash.h>

#include "../lib/names.h"
#include "../lib/msg.h"
#include "../lib/scram.h"
#include "keyd_client.h"

/* The most descriptors the fallback of close_above() closes one by one. */
#define KEYD_CLOSE_MAX		(1 << 20)

static int	helper_failed(struct keyd_conn *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static int
helper_failed(struct keyd_conn *c, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (!c->dead)
		bwk_msg("BWK0540E", "the key helper %s; the session cannot "
		    "continue (any message from bulwark-keyd above says why)",
		    what);
	c->dead = 1;
	return -1;
}

/*
 * Every descriptor above the helper's socket is closed before the exec:
 * one left open would hand the helper, and whoever takes it over, a file
 * or socket of the client's. close_range(2) needs Linux 5.9; on an older
 * kernel, or where a filter refuses it, each possible descriptor up to
 * the hard limit is closed in turn. Without a limit to stop at, the
 * helper is not started. Test builds can skip close_range to reach the
 * fallback.
 */
static int
close_above(int fd)
{
	struct rlimit rl;
	rlim_t i;
	int skip = 0;

#ifdef BULWARK_TESTING
	skip = getenv("BULWARK_TEST_NO_CLOSE_RANGE") != NULL;
#endif
	if (!skip && close_range((unsigned int)fd + 1, ~0U, 0) == 0)
		return 0;
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return -1;
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > KEYD_CLOSE_MAX) {
		errno = EMFILE;
		return -1;
	}
	for (i = (rlim_t)fd + 1; i < rl.rlim_max; i++)
		(void)close((int)i);
	return 0;
}

static void __attribute__((noreturn))
exec_failed(const char *path)
{
	bwk_msg("BWK0542E", "cannot start the key helper %s: %s", path,
	    strerror(errno));
	_exit(127);
}

/*
 * In the child: the helper's end on the fixed fd, and an administrator's
 * password pipe (pwfd, or -1) on the next one, KEYD_PASSWORD_FD; nothing
 * else inherited. Both are first copied above the fixed numbers, so that
 * neither dup2 can close the other's source; dup2 clears close-on-exec on
 * the copies the helper gets.
 */
static void
exec_helper(const char *path, int end, int pwfd, const char *const *argv)
{
	char *const envp[] = { NULL };

	if ((end = fcntl(end, F_DUPFD_CLOEXEC, KEYD_PASSWORD_FD + 1)) == -1 ||
	    (pwfd != -1 && (pwfd = fcntl(pwfd, F_DUPFD_CLOEXEC,
	    KEYD_PASSWORD_FD + 1)) == -1) || dup2(end, KEYD_FD) == -1 ||
	    (pwfd != -1 && dup2(pwfd, KEYD_PASSWORD_FD) == -1))
		exec_failed(path);
	if (close_above(pwfd != -1 ? KEYD_PASSWORD_FD : KEYD_FD) == -1) {
		bwk_msg("BWK0548E", "cannot close the descriptors the key helper "
		    "must not inherit: %s", strerror(errno));
		_exit(127);
	}
	/* absolute, compiled-in path; empty environment: no overrides */
	execve(path, (char *const *)argv, envp);
	exec_failed(path);
}

int
keyd_spawn(struct keyd_conn *c, const struct keyd_spawn_opts *o)
{
	const char *argv[18];
	int sv[2], n = 0;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	argv[n++] = "bulwark-keyd";
	argv[n++] = "--server";
	argv[n++] = o->server;
	if (o->db != NULL) {
		argv[n++] = "--db";
		argv[n++] = o->db;
	}
	if (o->accept_first_use)
		argv[n++] = "--accept-first-use";
	if (o->serve)
		argv[n++] = "--serve";
	if (o->sign_on)
		argv[n++] = "--sign-on";
	if (o->serve && o->standby != NULL) {
		argv[n++] = "--standby";
		argv[n++] = o->standby;
	}
	/* an administrator's password comes on a pipe, not from the database;
	 * a node's may, under PROMPT */
	if (o->admin != NULL || o->node_prompt != NULL) {
		argv[n++] = o->admin != NULL ? "--admin" : "--node";
		argv[n++] = o->admin != NULL ? o->admin : o->node_prompt;
		argv[n++] = "--password-fd";
		argv[n++] = KEYD_PASSWORD_FD_STR;
	}
	if (o->system_ca)
		argv[n++] = "--system-ca";
	if (o->insecure_sandbox)
		argv[n++] = "--insecure-weak-sandbox";
	argv[n] = NULL;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) {
		bwk_msg("BWK0541E", "socketpair: %s", strerror(errno));
		return -1;
	}
	if ((c->pid = fork()) == -1) {
		bwk_msg("BWK0541E", "fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (c->pid == 0)
		exec_helper(o->serve ? BULWARK_SERVER_KEYD_PATH :
		    BULWARK_KEYD_PATH, sv[1], o->admin != NULL || o->node_prompt != NULL ?
		    o->password_fd : -1, argv);
	close(sv[1]);
	c->fd = sv[0];
	return 0;
}

/* A request frame, numbered as keyd_rpc() will send it: the next one. */
static void
request(struct keyd_conn *c, struct frame *f, uint16_t type)
{
	frame_init(f, type, c->seq + 1);
}

/*
 * The next answer frame to request c->seq, into c->buf. An answer of
 * another type than want (or FAIL, when the request may get one), or for
 * another request, means the helper is not what we started.
 */
static int
receive(struct keyd_conn *c, uint16_t want, int may_fail, struct msg *m)
{
	const char *name = keyd_type_name(want);
	ssize_t n;

	if (c->dead)
		return -1;
	n = frame_recv(c->fd, c->buf, want == KEYD_ANS_SCRAM_PROOF ||
	    want == KEYD_ANS_NEW_PASSWORD ? KEYD_SLOW_TIMEOUT_MS :
	    KEYD_TIMEOUT_MS);
	if (n == 0)
		return helper_failed(c, "stopped");
	if (n == -1 && errno == ETIMEDOUT)
		return helper_failed(c, "did not answer in time");
	if (n == -1 && errno == EMSGSIZE)
		return helper_failed(c, "sent an answer larger than the "
		    "protocol allows");
	if (n == -1)
		return helper_failed(c, "cannot be read (%s)", strerror(errno));
	if (msg_parse(c->buf, (size_t)n, m) == -1 || m->seq != c->seq ||
	    (m->type != want && !(may_fail && m->type == KEYD_ANS_FAIL)))
		return helper_failed(c, "sent a malformed or unexpected answer "
		    "to %s", name);
	return 0;
}

/*
 * The one round trip: sends the request built in f and reads its first
 * answer. A request that does not fit a frame is this process's own
 * mistake, not the helper's: it is not sent, its number is not used, and
 * the connection stays good.
 */
static int
keyd_rpc(struct keyd_conn *c, struct frame *f, uint16_t want, int may_fail,
    struct msg *m)
{
	if (c->dead)
		return -1;
	if (frame_finish(f) == -1) {
		bwk_msg("BWK0551E", "the %s request does not fit in a frame of "
		    "the key helper's protocol (a label over %d bytes, or more "
		    "than %d bytes); it was not sent", keyd_type_name(want),
		    KEYD_LABEL_MAX, KEYD_MAX_FRAME);
		return -1;
	}
	if (frame_send(c->fd, f) == -1)
		return helper_failed(c, "cannot be reached (%s)",
		    strerror(errno));
	c->seq++;
	return receive(c, want, may_fail, m);
}

/* A FAIL answer: its reason, exactly four bytes. */
static int
fail_reason(struct keyd_conn *c, struct msg *m, uint32_t *why)
{
	if (msg_get_h32(m, why) == -1 || msg_end(m) == -1)
		return helper_failed(c, "sent a malformed FAIL answer");
	return 0;
}

static int
no_memory(const char *what, size_t len)
{
	bwk_msg("BWK0549E", "out of memory for the key helper's %s answer "
	    "(%zu bytes)", what, len);
	return -1;
}

int
keyd_hello(struct keyd_conn *c)
{
	struct frame f;
	struct msg m;
	uint32_t v, flags;
	uint16_t n;

	request(c, &f, KEYD_REQ_HELLO);
	frame_put_h32(&f, KEYD_VERSION);
	if (keyd_rpc(c, &f, KEYD_ANS_HELLO, 0, &m) == -1)
		return -1;
	if (msg_get_h32(&m, &v) == -1)
		return helper_failed(c, "sent a malformed HELLO answer");
	if (v != KEYD_VERSION)
		return helper_failed(c, "speaks protocol version %u, not %u", v,
		    KEYD_VERSION);
	if (msg_get_h32(&m, &flags) == -1 || (flags & ~KEYD_HELLO_FLAGS) != 0 ||
	    msg_get_h16(&m, &n) == -1 || n == 0 || n > KEYD_DIR_MAX ||
	    msg_get(&m, c->dir, n) == -1 || msg_end(&m) == -1 ||
	    memchr(c->dir, '\0', n) != NULL)
		return helper_failed(c, "sent a malformed HELLO answer");
	c->dir[n] = '\0';
	c->may_pin = (flags & KEYD_HELLO_MAY_PIN) != 0;
	c->setgid = (flags & KEYD_HELLO_SETGID) != 0;
	c->may_update = (flags & KEYD_HELLO_MAY_UPDATE) != 0;
	c->standby = (flags & KEYD_HELLO_STANDBY) != 0;
	c->node_pw_stored = (flags & KEYD_HELLO_NODE_PASSWORD) != 0;
	return 0;
}

/*
 * One TRUST answer frame, the i-th. Its total is the first frame's: a
 * later frame that says another total, none included, is a helper that
 * changed its story, and the list is not used.
 */
static int
trust_frame(struct keyd_conn *c, struct msg *m, uint16_t i, uint16_t *total,
    struct trust_cert *tc)
{
	uint16_t idx, n;
	uint8_t kind, z[3];
	uint32_t len;
	const uint8_t *der;

	if (msg_get_h16(m, &idx) == -1 || msg_get_h16(m, &n) == -1 ||
	    msg_get_u8(m, &kind) == -1 || msg_get(m, z, 3) == -1 ||
	    z[0] > 1 || z[1] != 0 || z[2] != 0 || msg_get_h32(m, &len) == -1 ||
	    idx != i || n > KEYD_TRUST_MAX || (i > 0 && n != *total) ||
	    len > KDB_DATA_MAX || msg_ref(m, len, &der) == -1 ||
	    msg_end(m) == -1)
		return helper_failed(c, "sent a malformed TRUST answer");
	*total = n;
	if (n == 0)
		return len == 0 && kind == 0 && z[0] == 0 ? 0 :
		    helper_failed(c, "sent a malformed TRUST answer");
	if ((kind != KDB_PINNED && kind != KDB_CA) || len == 0)
		return helper_failed(c, "sent a malformed TRUST answer");
	if ((tc->der = malloc(len)) == NULL)
		return no_memory("TRUST", len);
	memcpy(tc->der, der, len);
	tc->len = len;
	tc->kind = kind;
	tc->own = z[0];
	return 0;
}

int
keyd_trust(struct keyd_conn *c, const char *server, struct trust_list *t)
{
	struct frame f;
	struct msg m;
	uint16_t i, total = 0;

	memset(t, 0, sizeof(*t));
	request(c, &f, KEYD_REQ_TRUST);
	frame_put_label(&f, server);
	if (keyd_rpc(c, &f, KEYD_ANS_TRUST, 0, &m) == -1)
		return -1;
	for (i = 0; ; i++) {
		if (i > 0 && receive(c, KEYD_ANS_TRUST, 0, &m) == -1)
			break;
		if (trust_frame(c, &m, i, &total, &t->c[i]) == -1)
			break;
		if (total == 0)
			return 0;
		t->n = (size_t)i + 1;
		if (t->n == total)
			return 0;
	}
	/* frames may be left unread: no later answer would line up */
	c->dead = 1;
	trust_list_free(t);
	return -1;
}

int
keyd_begin(struct keyd_conn *c, const char *server, struct client_id *id)
{
	struct frame f;
	struct msg m;
	uint32_t clen;
	uint16_t slen;
	uint8_t has;
	const uint8_t *p;

	memset(id, 0, sizeof(*id));
	request(c, &f, KEYD_REQ_BEGIN);
	frame_put_label(&f, server);
	if (keyd_rpc(c, &f, KEYD_ANS_BEGIN, 0, &m) == -1)
		return -1;
	if (msg_get_u8(&m, &has) == -1 || has > 1)
		return helper_failed(c, "sent a malformed BEGIN answer");
	if (has == 0)
		return msg_end(&m) == 0 ? 0 :
		    helper_failed(c, "sent a malformed BEGIN answer");
	if (msg_get_h16(&m, &slen) == -1 || slen == 0 ||
	    slen > sizeof(id->spki) || msg_get(&m, id->spki, slen) == -1 ||
	    msg_get_h32(&m, &clen) == -1 || clen == 0 || clen > KDB_DATA_MAX ||
	    msg_ref(&m, clen, &p) == -1 || msg_end(&m) == -1)
		return helper_failed(c, "sent a malformed BEGIN answer");
	if (wc_Sha256Hash(id->spki, slen, id->keyid) != 0) {
		bwk_msg("BWK0550E", "cannot compute the key id of the client "
		    "key the key helper announced (SHA-256 failed)");
		return -1;
	}
	if ((id->cert = malloc(clen)) == NULL)
		return no_memory("BEGIN", clen);
	memcpy(id->cert, p, clen);
	id->cert_len = clen;
	id->spki_len = slen;
	id->has_key = 1;
	return 0;
}

int
keyd_sign(struct keyd_conn *c, int scheme, int hash,
    const uint8_t keyid[KEYD_KEYID_LEN], const uint8_t *in, size_t inlen,
    uint8_t *sig, size_t *siglen)
{
	struct frame f;
	struct msg m;
	uint32_t why;
	uint16_t len;

	if (inlen > KEYD_SIGN_IN_MAX) {
		bwk_msg("BWK0552E", "a signature input of %zu bytes, more than "
		    "the %d a SIGN request carries; nothing was signed", inlen,
		    KEYD_SIGN_IN_MAX);
		return -1;
	}
	request(c, &f, KEYD_REQ_SIGN);
	frame_put_u8(&f, (uint8_t)scheme);
	frame_put_u8(&f, (uint8_t)hash);
	frame_put(&f, keyid, KEYD_KEYID_LEN);
	frame_put_h16(&f, (uint16_t)inlen);
	frame_put(&f, in, inlen);
	if (keyd_rpc(c, &f, KEYD_ANS_SIGN, 1, &m) == -1)
		return -1;
	if (m.type == KEYD_ANS_FAIL) {
		if (fail_reason(c, &m, &why) == 0)
			bwk_msg("BWK0543E", "the key helper refused to sign "
			    "(reason %u)", why);
		return -1;
	}
	/* the signature must fit the caller's buffer and the format */
	if (msg_get_h16(&m, &len) == -1 || len == 0 || len > *siglen ||
	    len > KEYD_SIG_MAX || msg_get(&m, sig, len) == -1 ||
	    msg_end(&m) == -1)
		return helper_failed(c, "sent a malformed SIGN answer");
	*siglen = len;
	return 0;
}

int
keyd_accept(struct keyd_conn *c, const char *server, int64_t not_before,
    int64_t not_after, const uint8_t *der, size_t len, uint8_t fpr[32],
    uint32_t *why)
{
	struct frame f;
	struct msg m;

	*why = 0;
	if (len == 0 || len > KDB_DATA_MAX) {
		bwk_msg("BWK0553E", "the certificate to pin is %zu bytes; a "
		    "key-database entry holds 1 to %d; nothing was pinned", len,
		    KDB_DATA_MAX);
		return -1;
	}
	request(c, &f, KEYD_REQ_ACCEPT);
	frame_put_label(&f, server);
	frame_put_h32(&f, (uint32_t)((uint64_t)not_before >> 32));
	frame_put_h32(&f, (uint32_t)not_before);
	frame_put_h32(&f, (uint32_t)((uint64_t)not_after >> 32));
	frame_put_h32(&f, (uint32_t)not_after);
	frame_put_h32(&f, (uint32_t)len);
	frame_put(&f, der, len);
	if (keyd_rpc(c, &f, KEYD_ANS_ACCEPT, 1, &m) == -1)
		return -1;
	if (m.type == KEYD_ANS_FAIL)
		return fail_reason(c, &m, why) == 0 ? 1 : -1;
	if (msg_get(&m, fpr, 32) == -1 || msg_end(&m) == -1)
		return helper_failed(c, "sent a malformed ACCEPT answer");
	return 0;
}

/*
 * Sign-on's secret step, done by the helper: the network process hands it
 * the three messages and gets the ClientProof; the password stays there.
 */
int
keyd_scram_proof(struct keyd_conn *c, const char *server, const char *cfb,
    size_t cfbn, const char *sf, size_t sfn, const char *cfn, size_t cfnn,
    uint8_t proof[32], uint32_t *why)
{
	struct frame f;
	struct msg m;

	*why = 0;
	request(c, &f, KEYD_REQ_SCRAM_PROOF);
	frame_put_label(&f, server);
	frame_put_h16(&f, (uint16_t)cfbn);
	frame_put(&f, cfb, cfbn);
	frame_put_h16(&f, (uint16_t)sfn);
	frame_put(&f, sf, sfn);
	frame_put_h16(&f, (uint16_t)cfnn);
	frame_put(&f, cfn, cfnn);
	if (keyd_rpc(c, &f, KEYD_ANS_SCRAM_PROOF, 1, &m) == -1)
		return -1;
	if (m.type == KEYD_ANS_FAIL)
		return fail_reason(c, &m, why) == 0 ? 1 : -1;
	if (msg_get(&m, proof, 32) == -1 || msg_end(&m) == -1)
		return helper_failed(c, "sent a malformed SCRAM_PROOF answer");
	return 0;
}

/* 0: the server proved it knows the node's verifier; 1: it did not. */
int
keyd_scram_verify(struct keyd_conn *c, const char *sfinal, size_t n,
    uint32_t *why)
{
	struct frame f;
	struct msg m;

	*why = 0;
	request(c, &f, KEYD_REQ_SCRAM_VERIFY);
	frame_put_h16(&f, (uint16_t)n);
	frame_put(&f, sfinal, n);
	if (keyd_rpc(c, &f, KEYD_ANS_SCRAM_VERIFY, 1, &m) == -1)
		return -1;
	if (m.type == KEYD_ANS_FAIL)
		return fail_reason(c, &m, why) == 0 ? 1 : -1;
	if (msg_end(&m) == -1)
		return helper_failed(c, "sent a malformed SCRAM_VERIFY answer");
	return 0;
}

/*
 * A new node password, made and kept by the helper: the network process
 * gets only its verifier, for the server. 0 with it; 1 refused (*why);
 * -1 error.
 */
int
keyd_new_password(struct keyd_conn *c, const char *server,
    struct scram_verifier *v, uint32_t *why)
{
	struct frame f;
	struct msg m;
	uint8_t n;

	*why = 0;
	memset(v, 0, sizeof(*v));
	request(c, &f, KEYD_REQ_NEW_PASSWORD);
	frame_put_label(&f, server);
	if (keyd_rpc(c, &f, KEYD_ANS_NEW_PASSWORD, 1, &m) == -1)
		return -1;
	if (m.type == KEYD_ANS_FAIL)
		return fail_reason(c, &m, why) == 0 ? 1 : -1;
	if (msg_get_u8(&m, &n) == -1 || n < SCRAM_SALT_MIN ||
	    n > SCRAM_SALT_MAX || msg_get(&m, v->p.salt, n) == -1 ||
	    msg_get_h32(&m, &v->p.iter) == -1 ||
	    v->p.iter < SCRAM_ITER_FLOOR || v->p.iter > SCRAM_ITER_MAX ||
	    msg_get(&m, v->stored_key, SCRAM_HASH_LEN) == -1 ||
	    msg_get(&m, v->server_key, SCRAM_HASH_LEN) == -1 ||
	    msg_end(&m) == -1)
		return helper_failed(c, "sent a malformed NEW_PASSWORD answer");
	v->p.salt_len = n;
	return 0;
}

/* The server stored the new verifier: the new password is the node's. */
int
keyd_commit_password(struct keyd_conn *c, const char *server, uint32_t *why)
{
	struct frame f;
	struct msg m;

	*why = 0;
	request(c, &f, KEYD_REQ_COMMIT_PASSWORD);
	frame_put_label(&f, server);
	if (keyd_rpc(c, &f, KEYD_ANS_COMMIT_PASSWORD, 1, &m) == -1)
		return -1;
	if (m.type == KEYD_ANS_FAIL)
		return fail_reason(c, &m, why) == 0 ? 1 : -1;
	if (msg_end(&m) == -1)
		return helper_failed(c, "sent a malformed COMMIT_PASSWORD "
		    "answer");
	return 0;
}

/* RENEW and STANDBY: the same request and answer, for two purposes. */
static int
pin_rpc(struct keyd_conn *c, uint16_t type, const char *server,
    const uint8_t pin_fpr[32], const uint8_t *der, size_t len,
    uint8_t fpr[32], uint32_t *why)
{
	struct frame f;
	struct msg m;

	*why = 0;
	if (len == 0 || len > KDB_DATA_MAX) {
		bwk_msg("BWK0553E", "the certificate to pin is %zu bytes; a "
		    "key-database entry holds 1 to %d; nothing was pinned", len,
		    KDB_DATA_MAX);
		return -1;
	}
	request(c, &f, type);
	frame_put_label(&f, server);
	frame_put(&f, pin_fpr, 32);
	frame_put_h32(&f, (uint32_t)len);
	frame_put(&f, der, len);
	if (keyd_rpc(c, &f, type + 1, 1, &m) == -1)
		return -1;
	if (m.type == KEYD_ANS_FAIL)
		return fail_reason(c, &m, why) == 0 ? 1 : -1;
	if (msg_get(&m, fpr, 32) == -1 || msg_end(&m) == -1)
		return helper_failed(c, "sent a malformed %s answer",
		    keyd_type_name(type));
	return 0;
}

int
keyd_renew(struct keyd_conn *c, const char *server, const uint8_t pin_fpr[32],
    const uint8_t *der, size_t len, uint8_t fpr[32], uint32_t *why)
{
	return pin_rpc(c, KEYD_REQ_RENEW, server, pin_fpr, der, len, fpr, why);
}

int
keyd_standby(struct keyd_conn *c, const char *server,
    const uint8_t pin_fpr[32], const uint8_t *der, size_t len,
    uint8_t fpr[32], uint32_t *why)
{
	return pin_rpc(c, KEYD_REQ_STANDBY, server, pin_fpr, der, len, fpr,
	    why);
}

int
keyd_sign_standby(struct keyd_conn *c, const uint8_t ekm[32], uint8_t *cert,
    size_t *cert_len, uint8_t *sig, size_t *sig_len)
{
	struct frame f;
	struct msg m;
	uint32_t clen, why;
	uint16_t slen;

	request(c, &f, KEYD_REQ_SIGN_STANDBY);
	frame_put(&f, ekm, 32);
	if (keyd_rpc(c, &f, KEYD_ANS_SIGN_STANDBY, 1, &m) == -1)
		return -1;
	if (m.type == KEYD_ANS_FAIL) {
		if (fail_reason(c, &m, &why) == 0)
			bwk_msg("BWK0543E", "the key helper refused to sign "
			    "(reason %u)", why);
		return -1;
	}
	/* both must fit the caller's room and the format's bounds */
	if (msg_get_h32(&m, &clen) == -1 || clen == 0 || clen > *cert_len ||
	    msg_get(&m, cert, clen) == -1 || msg_get_h16(&m, &slen) == -1 ||
	    slen == 0 || slen > *sig_len || slen > KEYD_SIG_MAX ||
	    msg_get(&m, sig, slen) == -1 || msg_end(&m) == -1)
		return helper_failed(c, "sent a malformed SIGN_STANDBY answer");
	*cert_len = clen;
	*sig_len = slen;
	return 0;
}

/* How the helper ended: it exits 0 at end of file, and only then. */
static int
helper_status(int st)
{
	if (WIFSIGNALED(st)) {
		bwk_msg("BWK0546E", "the key helper was killed by signal %d "
		    "(%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
		return -1;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
		bwk_msg("BWK0547E", "the key helper exited with status %d",
		    WEXITSTATUS(st));
		return -1;
	}
	return 0;
}

int
keyd_close(struct keyd_conn *c)
{
	pid_t pid = c->pid, r;
	int st;

	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	c->pid = 0;
	if (pid <= 0)
		return 0;
	/* the helper exits at EOF; wait so its last audit line is out */
	while ((r = waitpid(pid, &st, 0)) == -1 && errno == EINTR)
		;
	if (r == -1) {
		bwk_msg("BWK0547E", "cannot learn how the key helper ended: %s",
		    strerror(errno));
		return -1;
	}
	return helper_status(st);
}

void
trust_list_free(struct trust_list *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->c[i].der);
	t->n = 0;
}

void
client_id_free(struct client_id *id)
{
	free(id->cert);
	id->cert = NULL;
}
