/*
 * The key helper's protocol against the real bulwark-keyd: every kind of
 * bad frame ends the helper with its message, a SIGN needs a BEGIN and
 * gets one signature, and the client's stubs report a helper that
 * stopped. The helper runs sandboxed exactly as in production.
 */
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/rsa.h>

#include "../src/tls/keyd_client.h"
#include "../src/kdb/kdb.h"
#include "../src/lib/msg.h"
#include "../src/lib/proto.h"
#include "../src/lib/x509.h"
#include "helpers.h"

struct helper {
	int	fd;
	pid_t	pid;
	char	errpath[512];
};

static void setup(void) { t_tmpdir(); bwk_quiet = 1; }
static void teardown(void) { t_cleanup(); }

TestSuite(keyd, .init = setup, .fini = teardown, .timeout = 60);

/* A database with a pinned cert, a client key and a node password. */
static void
make_db(void)
{
	struct run r;
	const char *pw[] = { NULL };

	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", "srv1", "-file",
	    t_cert("ec384.pem"), NULL), 0, "%s", r.err);
	cr_assert_eq(t_cert_cmd(&r, "-add", "-client", "-server", "srv1",
	    "-file", t_cert("ec256.pem"), "-key", t_cert("ec256.key"), NULL), 0,
	    "%s", r.err);
	(void)pw;
}

static void
start(struct helper *h, const char *extra)
{
	const char *bin = getenv("BWK_BIN");
	char path[512];
	int sv[2], fd;

	cr_assert_not_null(bin);
	snprintf(path, sizeof(path), "%s/bulwark-keyd", bin);
	snprintf(h->errpath, sizeof(h->errpath), "%s", t_path("keyd.err"));
	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	h->pid = fork();
	cr_assert_neq(h->pid, -1);
	if (h->pid == 0) {
		char *envp[3] = { NULL, NULL, NULL };
		char asan[512];

		if (getenv("BWK_CHILD_ASAN_OPTIONS") != NULL) {
			snprintf(asan, sizeof(asan), "ASAN_OPTIONS=%s",
			    getenv("BWK_CHILD_ASAN_OPTIONS"));
			envp[0] = asan;
		}
		dup2(sv[1], 3);
		fd = open(h->errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 2);
		execle(path, "bulwark-keyd", "--server", "srv1", "--db", t_db(),
		    extra, (char *)NULL, envp);
		_exit(127);
	}
	close(sv[1]);
	h->fd = sv[0];
}

static int
stop(struct helper *h)
{
	int st;

	close(h->fd);
	cr_assert_eq(waitpid(h->pid, &st, 0), h->pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static char *
errtext(struct helper *h)
{
	static char buf[8192];
	uint8_t *b;
	size_t n;

	buf[0] = '\0';
	if (t_read(h->errpath, &b, &n) == 0) {
		snprintf(buf, sizeof(buf), "%.*s", (int)n, (char *)b);
		free(b);
	}
	return buf;
}

static void
send_raw(struct helper *h, const void *p, size_t n)
{
	cr_assert_eq(write(h->fd, p, n), (ssize_t)n);
}

static void
send_frame(struct helper *h, struct frame *f)
{
	cr_assert_eq(frame_finish(f), 0);
	send_raw(h, f->buf, f->len);
}

/* The case of a table-driven test, for the messages of the helpers below. */
static const char *tcase = "";

/* The next answer, or 0 when the helper has closed the socket. */
static ssize_t
recv_answer(struct helper *h, uint8_t *buf, struct msg *m)
{
	ssize_t n = frame_recv(h->fd, buf, 10000);

	cr_assert_neq(n, -1, "%s: no answer from the helper", tcase);
	if (n > 0)
		cr_assert_eq(msg_parse(buf, (size_t)n, m), 0, "%s", tcase);
	return n;
}

static void
hello(struct helper *h, uint32_t seq)
{
	static uint8_t buf[KEYD_MAX_FRAME + 1];
	struct frame f;
	struct msg m;

	frame_init(&f, KEYD_REQ_HELLO, seq);
	frame_put_h32(&f, KEYD_VERSION);
	send_frame(h, &f);
	cr_assert_gt(recv_answer(h, buf, &m), 0, "%s", errtext(h));
	cr_assert_eq(m.type, KEYD_ANS_HELLO);
	cr_assert_eq(m.seq, seq);
}

static void
begin(struct helper *h, uint32_t seq)
{
	static uint8_t buf[KEYD_MAX_FRAME + 1];
	struct frame f;
	struct msg m;

	frame_init(&f, KEYD_REQ_BEGIN, seq);
	frame_put_label(&f, "srv1");
	send_frame(h, &f);
	cr_assert_gt(recv_answer(h, buf, &m), 0, "%s", errtext(h));
	cr_assert_eq(m.type, KEYD_ANS_BEGIN);
}

/* The helper must close the socket and exit non-zero, saying why. */
static void
ends_with(struct helper *h, const char *id)
{
	static uint8_t buf[KEYD_MAX_FRAME + 1];
	struct msg m;
	int st;

	cr_assert_eq(recv_answer(h, buf, &m), 0, "%s: the helper answered",
	    tcase);
	st = stop(h);
	cr_assert_neq(st, 0, "%s", tcase);
	cr_assert_lt(st, 128, "%s: the helper crashed (status %d): %s", tcase,
	    st, errtext(h));
	cr_assert(t_contains(errtext(h), id), "%s: want %s: %s", tcase, id,
	    errtext(h));
}

Test(keyd, hello_trust_begin)
{
	static uint8_t buf[KEYD_MAX_FRAME + 1];
	struct helper h;
	struct frame f;
	struct msg m;
	uint16_t idx, total;

	make_db();
	start(&h, NULL);
	hello(&h, 1);
	frame_init(&f, KEYD_REQ_TRUST, 2);
	frame_put_label(&f, "srv1");
	send_frame(&h, &f);
	cr_assert_gt(recv_answer(&h, buf, &m), 0);
	cr_assert_eq(m.type, KEYD_ANS_TRUST);
	cr_assert_eq(msg_get_h16(&m, &idx), 0);
	cr_assert_eq(msg_get_h16(&m, &total), 0);
	cr_assert_eq(idx, 0);
	cr_assert_eq(total, 1, "one pinned certificate, no secrets");
	frame_init(&f, KEYD_REQ_BEGIN, 3);
	frame_put_label(&f, "srv1");
	send_frame(&h, &f);
	cr_assert_gt(recv_answer(&h, buf, &m), 0);
	cr_assert_eq(m.type, KEYD_ANS_BEGIN);
	cr_assert_eq(m.p[0], 1, "the client key is announced");
	cr_assert_eq(stop(&h), 0, "%s", errtext(&h));
}

static void
sign_req(struct frame *f, uint32_t seq, int scheme, int hash,
    const uint8_t *keyid, const uint8_t *in, size_t inlen)
{
	frame_init(f, KEYD_REQ_SIGN, seq);
	frame_put_u8(f, (uint8_t)scheme);
	frame_put_u8(f, (uint8_t)hash);
	frame_put(f, keyid, KEYD_KEYID_LEN);
	frame_put_h16(f, (uint16_t)inlen);
	frame_put(f, in, inlen);
}

/*
 * Requests as the permit tests send them over the raw socket: a type and
 * one of these payloads. (Criterion copies the cases into each test's
 * process by value, so they hold no pointers.)
 */
enum body {
	B_NONE,
	B_HELLO,	/* u32 KEYD_VERSION */
	B_SRV1,		/* label srv1, the bound server */
	B_SRV2,		/* label srv2, another server */
	B_SIGN,		/* ECDSA SHA-256 for a key id of zeros: FAIL, no key */
	B_SIGN_RAW,	/* PKCS#1 SHA-512 over 83 raw bytes, no DigestInfo */
	B_SIGN_SHORT,	/* ECDSA SHA-256 over a 31-byte "digest" */
	B_ACCEPT,	/* srv1, dates around now, 5 bytes: FAIL, refused */
	B_TRAILING,	/* a HELLO with one byte after its version */
	/* not frames of the type: sent as they are */
	B_SHORT,	/* 6 bytes, half a header */
	B_HUGE,		/* a datagram larger than KEYD_MAX_FRAME */
	B_LONG_LEN,	/* a HELLO whose length field claims 4 bytes more */
};

struct step {
	uint16_t	type;
	uint8_t		body;
	uint16_t	answer;		/* 0: the request's own answer */
	uint8_t		reason;		/* of a FAIL answer */
	uint8_t		replay;		/* 1: the number before, again */
};

#define HELLO		{ KEYD_REQ_HELLO, B_HELLO, 0, 0, 0 }
#define TRUST		{ KEYD_REQ_TRUST, B_SRV1, 0, 0, 0 }
#define BEGIN		{ KEYD_REQ_BEGIN, B_SRV1, 0, 0, 0 }
#define SIGN		{ KEYD_REQ_SIGN, B_SIGN, KEYD_ANS_FAIL, \
			    KEYD_FAIL_NO_KEY, 0 }
#define ACCEPT		{ KEYD_REQ_ACCEPT, B_ACCEPT, KEYD_ANS_FAIL, \
			    KEYD_FAIL_REFUSED, 0 }
/* a request of this type and payload, which the helper does not answer */
#define BAD(type, body)	{ (type), (body), 0, 0, 0 }

struct protocol_case {
	char		name[48];
	struct step	steps[12];	/* up to the first of type 0 */
	char		ends[10];	/* the last step ends the helper with it */
	char		unsaid[10];	/* an ID that must not follow it */
};

static void
build(struct frame *f, const struct step *st, uint32_t seq)
{
	uint8_t zero[KEYD_KEYID_LEN] = { 0 }, raw[83];
	int64_t now = bwk_now(), nb = now - 3600, na = now + 3600;

	memset(raw, 0x41, sizeof(raw));
	frame_init(f, st->type, seq);
	switch (st->body) {
	case B_HELLO:
	case B_LONG_LEN:
		frame_put_h32(f, KEYD_VERSION);
		break;
	case B_TRAILING:
		frame_put_h32(f, KEYD_VERSION);
		frame_put_u8(f, 0);
		break;
	case B_SRV1:
		frame_put_label(f, "srv1");
		break;
	case B_SRV2:
		frame_put_label(f, "srv2");
		break;
	case B_SIGN:
		sign_req(f, seq, KEYD_SIG_ECDSA, KEYD_SHA256, zero, zero, 32);
		break;
	case B_SIGN_RAW:
		/* 83 bytes is a SHA-512 DigestInfo's length: no raw RSA oracle */
		sign_req(f, seq, KEYD_SIG_RSA_PKCS1, KEYD_SHA512, zero, raw,
		    sizeof(raw));
		break;
	case B_SIGN_SHORT:
		sign_req(f, seq, KEYD_SIG_ECDSA, KEYD_SHA256, zero, zero, 31);
		break;
	case B_ACCEPT:
		frame_put_label(f, "srv1");
		frame_put_h32(f, (uint32_t)((uint64_t)nb >> 32));
		frame_put_h32(f, (uint32_t)nb);
		frame_put_h32(f, (uint32_t)((uint64_t)na >> 32));
		frame_put_h32(f, (uint32_t)na);
		frame_put_h32(f, 5);
		frame_put(f, "\x30\x03\x02\x01\x00", 5);
		break;
	}
}

/* Sends a step: a frame, or the bytes of one that is not a frame. */
static void
send_step(struct helper *h, const struct step *st, uint32_t seq)
{
	static uint8_t huge[KEYD_MAX_FRAME + 100];
	static struct frame f;
	uint8_t half[6] = { 0 };
	uint32_t len = sizeof(huge);

	switch (st->body) {
	case B_SHORT:
		send_raw(h, half, sizeof(half));
		return;
	case B_HUGE:
		memcpy(huge, &len, 4);
		huge[4] = (uint8_t)st->type;
		send_raw(h, huge, sizeof(huge));
		return;
	}
	build(&f, st, seq);
	cr_assert_eq(frame_finish(&f), 0);
	if (st->body == B_LONG_LEN)
		f.buf[0] += 4;	/* claims more than is sent */
	send_raw(h, f.buf, f.len);
}

/* Each step but an ending one must get its answer, for its number. */
static void
run_case(const struct protocol_case *pc)
{
	static uint8_t buf[KEYD_MAX_FRAME + 1];
	struct helper h;
	struct msg m;
	uint32_t seq, why;
	const struct step *st;

	tcase = pc->name;
	make_db();
	start(&h, NULL);
	for (seq = 1, st = pc->steps; st->type != 0; seq++, st++) {
		if (st->replay)
			seq--;
		send_step(&h, st, seq);
		if (st[1].type == 0 && pc->ends[0] != '\0')
			break;
		cr_assert_gt(recv_answer(&h, buf, &m), 0, "%s: step %u got no "
		    "answer: %s", pc->name, seq, errtext(&h));
		cr_assert_eq(m.type, st->answer ? st->answer : st->type + 1,
		    "%s: step %u answered with type %u", pc->name, seq, m.type);
		cr_assert_eq(m.seq, seq, "%s: step %u", pc->name, seq);
		if (m.type == KEYD_ANS_FAIL) {
			cr_assert_eq(msg_get_h32(&m, &why), 0);
			cr_assert_eq(why, st->reason, "%s: step %u failed for "
			    "reason %u", pc->name, seq, why);
		}
	}
	if (pc->ends[0] == '\0') {
		cr_assert_eq(stop(&h), 0, "%s: %s", pc->name, errtext(&h));
		return;
	}
	ends_with(&h, pc->ends);
	if (pc->unsaid[0] != '\0')
		cr_assert(!t_contains(errtext(&h), pc->unsaid), "%s: %s",
		    pc->name, errtext(&h));
}

/*
 * Every permit of the table in src/lib/proto.h, over the raw socket:
 * what each request needs, spends and refills.
 */
ParameterizedTestParameters(keyd, permits)
{
	static struct protocol_case c[] = {
		{ "hello_twice", { HELLO, HELLO }, "BWK0516E", "" },
		{ "trust_before_hello", { TRUST }, "BWK0516E", "" },
		{ "begin_before_hello", { BEGIN }, "BWK0516E", "" },
		{ "sign_before_hello", { SIGN }, "BWK0516E", "" },
		{ "accept_before_hello", { ACCEPT }, "BWK0516E", "" },
		{ "sign_without_begin", { HELLO, SIGN }, "BWK0516E", "" },
		{ "second_sign_after_one_begin",
		    { HELLO, BEGIN, SIGN, SIGN }, "BWK0516E", "BWK0517E" },
		{ "begin_refills_one_sign",
		    { HELLO, BEGIN, SIGN, BEGIN, SIGN, TRUST }, "", "" },
		{ "begins_do_not_add_up",
		    { HELLO, BEGIN, BEGIN, SIGN, SIGN }, "BWK0516E", "" },
		{ "eight_begins_then_no_more",
		    { HELLO, BEGIN, BEGIN, BEGIN, BEGIN, BEGIN, BEGIN, BEGIN,
		    BEGIN, BEGIN }, "BWK0508E", "BWK0517E" },
		{ "second_accept", { HELLO, ACCEPT, ACCEPT }, "BWK0514E",
		    "BWK0517E" },
		{ "trust_needs_no_budget",
		    { HELLO, TRUST, TRUST, BEGIN, TRUST, ACCEPT, TRUST }, "",
		    "" },
	};

	return cr_make_param_array(struct protocol_case, c,
	    sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct protocol_case *pc, keyd, permits)
{
	run_case(pc);
}

/*
 * Frames and payloads that are not the protocol's: each ends the helper
 * unanswered, with its message, and a well-formed request it cannot
 * grant gets a failure answer and the helper serves on.
 */
ParameterizedTestParameters(keyd, frames)
{
	static struct protocol_case c[] = {
		{ "truncated_frame", { BAD(KEYD_REQ_HELLO, B_SHORT) }, "BWK0515E", "" },
		{ "oversized_frame", { BAD(KEYD_REQ_HELLO, B_HUGE) },
		    "BWK0519E", "" },
		{ "length_field_lies", { BAD(KEYD_REQ_HELLO, B_LONG_LEN) },
		    "BWK0515E", "" },
		{ "trailing_bytes", { BAD(KEYD_REQ_HELLO, B_TRAILING) },
		    "BWK0517E", "" },
		{ "unknown_type", { HELLO, BAD(42, B_NONE) }, "BWK0518E", "" },
		{ "answer_type_as_request", { BAD(KEYD_ANS_HELLO, B_HELLO) },
		    "BWK0518E", "" },
		{ "wrong_sequence", { HELLO,
		    { KEYD_REQ_TRUST, B_SRV1, 0, 0, 1 } }, "BWK0509E", "" },
		{ "other_server", { HELLO, BAD(KEYD_REQ_TRUST, B_SRV2) },
		    "BWK0510E", "" },
		{ "sign_input_shapes_checked", { HELLO, BEGIN,
		    BAD(KEYD_REQ_SIGN, B_SIGN_RAW) }, "BWK0512E", "" },
		{ "ecdsa_digest_length_checked", { HELLO, BEGIN,
		    BAD(KEYD_REQ_SIGN, B_SIGN_SHORT) }, "BWK0512E", "" },
		{ "wrong_key_is_a_failure_answer", { HELLO, BEGIN, SIGN }, "",
		    "" },
	};

	return cr_make_param_array(struct protocol_case, c,
	    sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct protocol_case *pc, keyd, frames)
{
	run_case(pc);
}

/* A connection whose helper is the test: it writes the answers itself. */
static void
fake_helper(struct keyd_conn *c, int *peer)
{
	int sv[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
	    sv), 0);
	memset(c, 0, sizeof(*c));
	c->fd = sv[0];
	*peer = sv[1];
}

struct trust_answer {
	uint16_t	idx, total;
	uint8_t		kind, own;
	uint32_t	len;
};

struct trust_case {
	char			name[32];
	struct trust_answer	a[4];
	int			n;		/* frames the helper sends */
	int			rc;		/* keyd_trust's result */
	size_t			certs;		/* and the list's length */
};

/*
 * keyd_trust against answers a helper that lies could send: the list is
 * whole, as the first frame announced it, or there is none. A later
 * frame that said total 0 used to end the loop with the frames before it
 * taken as the whole list.
 */
ParameterizedTestParameters(keyd, trust_answers)
{
	static struct trust_case c[] = {
		{ "nothing", { { 0, 0, 0, 0, 0 } }, 1, 0, 0 },
		{ "two", { { 0, 2, KDB_PINNED, 1, 5 }, { 1, 2, KDB_CA, 0, 5 } },
		    2, 0, 2 },
		{ "later_total_zero", { { 0, 2, KDB_PINNED, 1, 5 },
		    { 1, 0, 0, 0, 0 } }, 2, -1, 0 },
		{ "later_total_grows", { { 0, 2, KDB_PINNED, 1, 5 },
		    { 1, 3, KDB_CA, 0, 5 }, { 2, 3, KDB_CA, 0, 5 } }, 3, -1, 0 },
		{ "later_total_shrinks", { { 0, 3, KDB_PINNED, 1, 5 },
		    { 1, 2, KDB_CA, 0, 5 } }, 2, -1, 0 },
		{ "index_skipped", { { 0, 2, KDB_PINNED, 1, 5 },
		    { 2, 2, KDB_CA, 0, 5 } }, 2, -1, 0 },
		{ "unknown_kind", { { 0, 1, 3, 1, 5 } }, 1, -1, 0 },
		{ "empty_with_bytes", { { 0, 0, 0, 0, 5 } }, 1, -1, 0 },
		{ "empty_certificate", { { 0, 1, KDB_PINNED, 1, 0 } }, 1, -1, 0 },
	};

	return cr_make_param_array(struct trust_case, c,
	    sizeof(c) / sizeof(c[0]));
}

ParameterizedTest(struct trust_case *tc, keyd, trust_answers)
{
	static struct keyd_conn c;
	static struct frame f;
	struct trust_list t;
	int peer, i;

	fake_helper(&c, &peer);
	for (i = 0; i < tc->n; i++) {
		frame_init(&f, KEYD_ANS_TRUST, 1);
		frame_put_h16(&f, tc->a[i].idx);
		frame_put_h16(&f, tc->a[i].total);
		frame_put_u8(&f, tc->a[i].kind);
		frame_put_u8(&f, tc->a[i].own);
		frame_put_h16(&f, 0);
		frame_put_h32(&f, tc->a[i].len);
		frame_put(&f, "\x30\x03\x02\x01\x00", tc->a[i].len);
		cr_assert_eq(frame_finish(&f), 0);
		cr_assert_eq(frame_send(peer, &f), 0);
	}
	cr_assert_eq(keyd_trust(&c, "srv1", &t), tc->rc, "%s", tc->name);
	cr_assert_eq(t.n, tc->certs, "%s: %zu certificates", tc->name, t.n);
	cr_assert_eq(c.dead, tc->rc == -1, "%s", tc->name);
	trust_list_free(&t);
	close(peer);
	keyd_close(&c);
}

/*
 * A request this process cannot encode is its own mistake: it is said
 * so (it was "cannot be reached"), nothing is sent, and the connection
 * and its numbering stay good for the next request.
 */
Test(keyd, request_too_large_is_not_sent)
{
	static struct keyd_conn c;
	struct keyd_spawn_opts o = { .server = "srv1" };
	struct trust_list t;
	char label[KEYD_LABEL_MAX + 2];
	const char *err;

	make_db();
	o.db = t_db();
	memset(label, 'a', sizeof(label) - 1);
	label[sizeof(label) - 1] = '\0';
	cr_assert_eq(keyd_spawn(&c, &o), 0);
	t_cap_begin();
	cr_assert_eq(keyd_trust(&c, label, &t), -1);
	err = t_cap_end();
	cr_assert(t_contains(err, "BWK0551E"), "%s", err);
	cr_assert(!t_contains(err, "BWK0540E"), "%s", err);
	cr_assert_eq(c.dead, 0);
	cr_assert_eq(keyd_hello(&c), 0, "the next request has number 1");
	cr_assert_eq(keyd_trust(&c, "srv1", &t), 0);
	cr_assert_eq(t.n, 1);
	trust_list_free(&t);
	cr_assert_eq(keyd_close(&c), 0);
}

/* The stubs refuse, with their own IDs, what no request may carry. */
Test(keyd, stub_limits_have_ids)
{
	static struct keyd_conn c;
	struct keyd_spawn_opts o = { .server = "srv1" };
	uint8_t in[KEYD_SIGN_IN_MAX + 1] = { 0 }, sig[512], fpr[32];
	size_t siglen = sizeof(sig);
	uint32_t why;
	const char *err;

	make_db();
	o.db = t_db();
	cr_assert_eq(keyd_spawn(&c, &o), 0);
	cr_assert_eq(keyd_hello(&c), 0);
	t_cap_begin();
	cr_assert_eq(keyd_sign(&c, KEYD_SIG_ECDSA, KEYD_SHA256, in, in,
	    sizeof(in), sig, &siglen), -1);
	cr_assert_eq(keyd_accept(&c, "srv1", 0, 0, in, 0, fpr, &why), -1);
	err = t_cap_end();
	cr_assert(t_contains(err, "BWK0552E"), "%s", err);
	cr_assert(t_contains(err, "BWK0553E"), "%s", err);
	cr_assert_eq(c.dead, 0, "nothing was sent");
	cr_assert_eq(keyd_close(&c), 0);
}

/*
 * The helper's child closes every descriptor above the socket before the
 * exec, with close_range or, where that fails, one by one: a pipe end
 * the client holds must not stay open in the helper.
 */
struct fd_case {
	char	name[16];
	int	no_close_range;
};

ParameterizedTestParameters(keyd, helper_inherits_no_descriptor)
{
	static struct fd_case c[] = { { "close_range", 0 }, { "loop", 1 } };

	return cr_make_param_array(struct fd_case, c, 2);
}

ParameterizedTest(struct fd_case *fc, keyd, helper_inherits_no_descriptor)
{
	static struct keyd_conn c;
	struct keyd_spawn_opts o = { .server = "srv1" };
	struct pollfd pfd;
	int p[2];
	char b;

	make_db();
	o.db = t_db();
	cr_assert_eq(pipe(p), 0);	/* not close-on-exec */
	if (fc->no_close_range)
		cr_assert_eq(setenv("BULWARK_TEST_NO_CLOSE_RANGE", "1", 1), 0);
	cr_assert_eq(keyd_spawn(&c, &o), 0);
	cr_assert_eq(keyd_hello(&c), 0, "%s: the helper did not start",
	    fc->name);
	close(p[1]);
	/* the helper runs: the write end is closed everywhere, or it has it */
	pfd.fd = p[0];
	pfd.events = POLLIN;
	cr_assert_eq(poll(&pfd, 1, 2000), 1, "%s: the helper holds the "
	    "client's pipe", fc->name);
	cr_assert_eq(read(p[0], &b, 1), 0, "%s", fc->name);
	cr_assert_eq(keyd_close(&c), 0);
}

/*
 * keyd_close says how the helper ended: it exits 0 at end of file, and
 * any other end (killed by a signal, as by seccomp's SIGSYS, or a
 * non-zero exit after a violation) is reported, not dropped.
 */
Test(keyd, close_reports_how_the_helper_ended)
{
	static struct keyd_conn c;
	struct keyd_spawn_opts o = { .server = "srv1" };
	struct client_id id;
	uint8_t dg[32] = { 0 }, sig[512];
	size_t siglen = sizeof(sig);
	const char *err;

	make_db();
	o.db = t_db();
	/* a clean end: nothing to say */
	cr_assert_eq(keyd_spawn(&c, &o), 0);
	cr_assert_eq(keyd_hello(&c), 0);
	t_cap_begin();
	cr_assert_eq(keyd_close(&c), 0);
	err = t_cap_end();
	cr_assert(!t_contains(err, "BWK054"), "%s", err);
	/* killed */
	cr_assert_eq(keyd_spawn(&c, &o), 0);
	cr_assert_eq(keyd_hello(&c), 0);
	cr_assert_eq(kill(c.pid, SIGKILL), 0);
	t_cap_begin();
	cr_assert_eq(keyd_close(&c), -1);
	err = t_cap_end();
	cr_assert(t_contains(err, "BWK0546E"), "%s", err);
	cr_assert(t_contains(err, "signal 9"), "%s", err);
	/* stopped after a violation: a second SIGN */
	cr_assert_eq(keyd_spawn(&c, &o), 0);
	cr_assert_eq(keyd_hello(&c), 0);
	cr_assert_eq(keyd_begin(&c, "srv1", &id), 0);
	cr_assert_eq(keyd_sign(&c, KEYD_SIG_ECDSA, KEYD_SHA256, id.keyid, dg,
	    sizeof(dg), sig, &siglen), 0);
	siglen = sizeof(sig);
	cr_assert_eq(keyd_sign(&c, KEYD_SIG_ECDSA, KEYD_SHA256, id.keyid, dg,
	    sizeof(dg), sig, &siglen), -1);
	t_cap_begin();
	cr_assert_eq(keyd_close(&c), -1);
	err = t_cap_end();
	cr_assert(t_contains(err, "BWK0547E"), "%s", err);
	cr_assert(t_contains(err, "status 2"), "%s", err);
	client_id_free(&id);
}

/* Through the client's stubs: one signature per BEGIN, and it verifies. */
Test(keyd, one_signature_per_handshake)
{
	static struct keyd_conn c;
	struct keyd_spawn_opts o = { .server = "srv1" };
	struct trust_list t;
	struct client_id id;
	uint8_t dg[32], sig[512];
	size_t siglen = sizeof(sig);
	ecc_key pub;
	word32 idx = 0;
	int ok = 0;

	make_db();
	o.db = t_db();
	cr_assert_eq(keyd_spawn(&c, &o), 0);
	cr_assert_eq(keyd_hello(&c), 0);
	cr_assert_eq(keyd_trust(&c, "srv1", &t), 0);
	cr_assert_eq(t.n, 1);
	cr_assert_eq(keyd_begin(&c, "srv1", &id), 0);
	cr_assert_eq(id.has_key, 1);
	memset(dg, 0x5a, sizeof(dg));
	cr_assert_eq(keyd_sign(&c, KEYD_SIG_ECDSA, KEYD_SHA256, id.keyid, dg,
	    sizeof(dg), sig, &siglen), 0);
	/* the signature verifies with the public key the helper announced */
	cr_assert_eq(wc_ecc_init(&pub), 0);
	cr_assert_eq(wc_EccPublicKeyDecode(id.spki, &idx, &pub,
	    (word32)id.spki_len), 0);
	cr_assert_eq(wc_ecc_verify_hash(sig, (word32)siglen, dg, sizeof(dg),
	    &ok, &pub), 0);
	cr_assert_eq(ok, 1);
	wc_ecc_free(&pub);
	/* a second SIGN in the same handshake: the helper stops */
	siglen = sizeof(sig);
	cr_assert_eq(keyd_sign(&c, KEYD_SIG_ECDSA, KEYD_SHA256, id.keyid, dg,
	    sizeof(dg), sig, &siglen), -1);
	cr_assert_eq(c.dead, 1, "the client must see the helper gone");
	/* and every later call fails at once */
	cr_assert_eq(keyd_hello(&c), -1);
	trust_list_free(&t);
	client_id_free(&id);
	keyd_close(&c);
}

/*
 * SIGNON (type 10) answered an HMAC keyed with the node password over
 * inputs the caller chose, an offline guessing oracle for the password.
 * It is withdrawn: the old request, well formed and with a password
 * stored, is now an unknown type and ends the helper unanswered.
 */
Test(keyd, signon_is_withdrawn)
{
	struct helper h;
	struct frame f;
	uint8_t ch[32], ex[32];

	make_db();
	t_nodepw("srv1", "n1", "pw-123");
	memset(ch, 1, sizeof(ch));
	memset(ex, 2, sizeof(ex));
	start(&h, NULL);
	hello(&h, 1);
	begin(&h, 2);
	/* the request as it was: server, node, u16 length, challenge, exporter */
	frame_init(&f, 10, 3);
	frame_put_label(&f, "srv1");
	frame_put_label(&f, "n1");
	frame_put_h16(&f, sizeof(ch));
	frame_put(&f, ch, sizeof(ch));
	frame_put(&f, ex, sizeof(ex));
	send_frame(&h, &f);
	ends_with(&h, "BWK0518E");
}

/* The certificate's own dates, as the network process reads them. */
static void
cert_dates(const uint8_t *der, size_t len, int64_t *nb, int64_t *na)
{
	struct certinfo ci;
	char why[128];

	cr_assert_eq(x509_inspect(der, len, &ci, why, sizeof(why)), 0, "%s", why);
	*nb = ci.not_before;
	*na = ci.not_after;
}

Test(keyd, accept_first_use_only_when_allowed)
{
	static struct keyd_conn c;
	struct keyd_spawn_opts o = { .server = "new1" };
	uint8_t *der, fpr[32];
	size_t len;
	uint32_t why;
	int64_t nb, na;
	struct run r;

	make_db();
	o.db = t_db();
	cr_assert_eq(t_read(t_cert("ec256.der"), &der, &len), 0);
	cert_dates(der, len, &nb, &na);
	/* not enabled: refused */
	cr_assert_eq(keyd_spawn(&c, &o), 0);
	cr_assert_eq(keyd_hello(&c), 0);
	cr_assert_eq(keyd_accept(&c, "new1", nb, na, der, len, fpr, &why), 1);
	cr_assert_eq(why, KEYD_FAIL_REFUSED);
	keyd_close(&c);
	/* enabled: pinned once, a second ACCEPT ends the helper */
	o.accept_first_use = 1;
	cr_assert_eq(keyd_spawn(&c, &o), 0);
	cr_assert_eq(keyd_hello(&c), 0);
	cr_assert_eq(keyd_accept(&c, "new1", nb, na, der, len, fpr, &why), 0,
	    "why %u", why);
	cr_assert_eq(keyd_accept(&c, "new1", nb, na, der, len, fpr, &why), -1);
	keyd_close(&c);
	cr_assert_eq(t_cert_cmd(&r, "-show", "-server", "new1", NULL), 0);
	cr_assert(t_contains(r.out, "accepted-from-server"));
	/* the server now has an entry: no second first use */
	cr_assert_eq(keyd_spawn(&c, &o), 0);
	cr_assert_eq(keyd_hello(&c), 0);
	cr_assert_eq(keyd_accept(&c, "new1", nb, na, der, len, fpr, &why), 1);
	cr_assert_eq(why, KEYD_FAIL_EXISTS);
	keyd_close(&c);
	free(der);
}

/* A CA root for every server vouches for every server: no first use. */
Test(keyd, accept_refused_when_a_global_ca_exists)
{
	static struct keyd_conn c;
	struct keyd_spawn_opts o = { .server = "new1", .accept_first_use = 1 };
	uint8_t *der, fpr[32];
	size_t len;
	uint32_t why;
	int64_t nb, na;
	struct run r;

	make_db();
	cr_assert_eq(t_cert_cmd(&r, "-add", "-ca", "-label", "corp", "-file",
	    t_cert("ca.pem"), NULL), 0, "%s", r.err);
	o.db = t_db();
	cr_assert_eq(t_read(t_cert("ec256.der"), &der, &len), 0);
	cert_dates(der, len, &nb, &na);
	cr_assert_eq(keyd_spawn(&c, &o), 0);
	cr_assert_eq(keyd_hello(&c), 0);
	cr_assert_eq(keyd_accept(&c, "new1", nb, na, der, len, fpr, &why), 1);
	cr_assert_eq(why, KEYD_FAIL_EXISTS);
	keyd_close(&c);
	/* and with the system CA bundle in use, the same */
	o.system_ca = 1;
	o.server = "new2";
	cr_assert_eq(keyd_spawn(&c, &o), 0);
	cr_assert_eq(keyd_hello(&c), 0);
	cr_assert_eq(keyd_accept(&c, "new2", nb, na, der, len, fpr, &why), 1);
	cr_assert_eq(why, KEYD_FAIL_REFUSED);
	keyd_close(&c);
	free(der);
}

Test(keyd, not_run_by_hand)
{
	struct run r;

	t_run(&r, "bulwark-keyd", (const char *[]){ "--server", "x", NULL },
	    NULL);
	cr_assert_eq(r.status, 1);
	cr_assert(t_contains(r.err, "BWK0500E"));
}

/* A first-use pin is labelled with the server's name: never a made label. */
Test(keyd, server_must_be_a_name)
{
	static struct keyd_conn c;
	struct keyd_spawn_opts o = { .server = "client-key@srv1",
	    .accept_first_use = 1 };

	make_db();
	o.db = t_db();
	cr_assert_eq(keyd_spawn(&c, &o), 0);
	cr_assert_eq(keyd_hello(&c), -1, "the helper served a made label");
	keyd_close(&c);
}

/*
 * The helper does not parse the certificate it pins (peer bytes), so it
 * bounds the dates it is told: INT64_MIN overflowed the readers, and
 * dates no certificate the client accepts now can have are a network
 * process that lies. Each ends the helper, and nothing is pinned.
 */
Test(keyd, accept_dates_bounded)
{
	static struct keyd_conn c;
	struct keyd_spawn_opts o = { .server = "new1", .accept_first_use = 1 };
	uint8_t *der, fpr[32];
	size_t len, i;
	uint32_t why;
	int64_t nb, na, now = bwk_now();
	struct run r;

	make_db();
	o.db = t_db();
	cr_assert_eq(t_read(t_cert("ec256.der"), &der, &len), 0);
	cert_dates(der, len, &nb, &na);
	{
		const int64_t bad[][2] = {
			{ INT64_MIN, INT64_MIN }, { INT64_MIN, na },
			{ nb, INT64_MAX }, { X509_TIME_MIN - 1, na },
			{ nb, X509_TIME_MAX + 1 }, { na, nb },
			{ now + 86400, na }, { nb, now - 86400 },
		};

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			cr_assert_eq(keyd_spawn(&c, &o), 0);
			cr_assert_eq(keyd_hello(&c), 0);
			cr_assert_eq(keyd_accept(&c, "new1", bad[i][0], bad[i][1],
			    der, len, fpr, &why), -1, "dates %zu were taken", i);
			cr_assert_eq(c.dead, 1);
			keyd_close(&c);
			cr_assert_eq(t_cert_cmd(&r, "-show", "-server", "new1",
			    NULL), 4, "dates %zu: pinned anyway", i);
		}
	}
	/* the certificate's own dates are taken */
	cr_assert_eq(keyd_spawn(&c, &o), 0);
	cr_assert_eq(keyd_hello(&c), 0);
	cr_assert_eq(keyd_accept(&c, "new1", nb, na, der, len, fpr, &why), 0,
	    "why %u", why);
	keyd_close(&c);
	cr_assert_eq(t_cert_cmd(&r, "-verify", NULL), 0, "%s", r.err);
	free(der);
}

/*
 * The client waits KEYD_TIMEOUT_MS for an answer. The helper waited up to
 * 30 seconds for the writers' lock, so the session gave up first, never
 * showed the fingerprint, and the helper pinned it afterwards: the next
 * session was silently "pinned". Its wait now ends well before the
 * client's, with a failure answer, and nothing is written later.
 */
Test(keyd, accept_lock_wait_ends_before_the_client_gives_up, .timeout = 90)
{
	static struct keyd_conn c;
	struct keyd_spawn_opts o = { .server = "new1", .accept_first_use = 1 };
	uint8_t *der, fpr[32];
	size_t len;
	uint32_t why;
	int64_t nb, na, t0, waited;
	struct run r;
	int lfd, rc;

	make_db();
	o.db = t_db();
	cr_assert_eq(t_read(t_cert("ec256.der"), &der, &len), 0);
	cert_dates(der, len, &nb, &na);
	/* another writer holds the lock for the whole ACCEPT */
	lfd = open(t_path("db/bulwark.lock"), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	cr_assert_neq(lfd, -1);
	cr_assert_eq(flock(lfd, LOCK_EX), 0);
	cr_assert_eq(keyd_spawn(&c, &o), 0);
	cr_assert_eq(keyd_hello(&c), 0);
	t0 = bwk_mono_ms();
	rc = keyd_accept(&c, "new1", nb, na, der, len, fpr, &why);
	waited = bwk_mono_ms() - t0;
	cr_assert_eq(rc, 1, "no answer before the client gave up (%lld ms)",
	    (long long)waited);
	cr_assert_eq(why, KEYD_FAIL_STORE);
	cr_assert_lt(waited, KEYD_TIMEOUT_MS / 2, "%lld ms", (long long)waited);
	cr_assert_geq(waited, KEYD_LOCK_WAIT_MS - 100, "%lld ms",
	    (long long)waited);
	/* the lock comes free, the helper ends: still nothing pinned */
	close(lfd);
	keyd_close(&c);
	cr_assert_eq(t_cert_cmd(&r, "-show", "-server", "new1", NULL), 4,
	    "pinned after the client had given up");
	free(der);
}

/* An imported RSA-2048 client key signs, PSS and PKCS#1 v1.5, and verifies. */
Test(keyd, rsa2048_client_key_signs)
{
	static const uint8_t di256[] = { 0x30, 0x31, 0x30, 0x0d, 0x06, 0x09,
	    0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
	    0x04, 0x20 };
	static struct keyd_conn c;
	struct keyd_spawn_opts o = { .server = "srv1" };
	struct client_id id;
	struct run r;
	uint8_t dg[32], in[51], sig[512], out[512];
	size_t siglen;
	RsaKey pub;
	word32 idx = 0;

	cr_assert_eq(t_cert_cmd(&r, "-add", "-client", "-server", "srv1",
	    "-file", t_cert("rsa2048.pem"), "-key", t_cert("rsa2048.key"), NULL),
	    0, "%s", r.err);
	o.db = t_db();
	memset(dg, 0x33, sizeof(dg));
	cr_assert_eq(keyd_spawn(&c, &o), 0);
	cr_assert_eq(keyd_hello(&c), 0);
	cr_assert_eq(keyd_begin(&c, "srv1", &id), 0);
	cr_assert_eq(id.has_key, 1);
	cr_assert_eq(wc_InitRsaKey(&pub, NULL), 0);
	cr_assert_eq(wc_RsaPublicKeyDecode(id.spki, &idx, &pub,
	    (word32)id.spki_len), 0);
	cr_assert_eq(wc_RsaEncryptSize(&pub), 256);
	siglen = sizeof(sig);
	cr_assert_eq(keyd_sign(&c, KEYD_SIG_RSA_PSS, KEYD_SHA256, id.keyid, dg,
	    sizeof(dg), sig, &siglen), 0);
	cr_assert_gt(wc_RsaPSS_VerifyCheck(sig, (word32)siglen, out,
	    sizeof(out), dg, sizeof(dg), WC_HASH_TYPE_SHA256, WC_MGF1SHA256,
	    &pub), 0, "the PSS signature does not verify");
	client_id_free(&id);
	cr_assert_eq(keyd_begin(&c, "srv1", &id), 0);
	memcpy(in, di256, sizeof(di256));
	memcpy(in + sizeof(di256), dg, sizeof(dg));
	siglen = sizeof(sig);
	cr_assert_eq(keyd_sign(&c, KEYD_SIG_RSA_PKCS1, KEYD_SHA256, id.keyid, in,
	    sizeof(in), sig, &siglen), 0);
	cr_assert_eq(wc_RsaSSL_Verify(sig, (word32)siglen, out, sizeof(out),
	    &pub), (int)sizeof(in));
	cr_assert_eq(memcmp(out, in, sizeof(in)), 0);
	wc_FreeRsaKey(&pub);
	client_id_free(&id);
	keyd_close(&c);
}

/*
 * The largest frames fit KEYD_MAX_FRAME, one byte more is refused, and
 * the documents give the limit the code has (they said 65,564).
 */
Test(keyd, frame_limit_as_documented)
{
	static const char *docs[] = { "docs/keyd-protocol.md",
	    "docs/messages.md" };
	static uint8_t der[KDB_DATA_MAX], buf[KEYD_MAX_FRAME + 1];
	static struct frame f;
	char label[KEYD_LABEL_MAX + 1], want[16], top[512];
	const char *bin = getenv("BWK_BIN");
	struct msg m;
	uint8_t *text;
	size_t len, i;

	/* an ACCEPT with the longest label and the largest certificate */
	memset(label, 'a', KEYD_LABEL_MAX);
	label[KEYD_LABEL_MAX] = '\0';
	frame_init(&f, KEYD_REQ_ACCEPT, 1);
	frame_put_label(&f, label);
	for (i = 0; i < 5; i++)
		frame_put_h32(&f, 0);
	frame_put(&f, der, sizeof(der));
	cr_assert_eq(frame_finish(&f), 0, "the largest ACCEPT does not fit");
	/* a BEGIN answer with the largest key and certificate */
	frame_init(&f, KEYD_ANS_BEGIN, 1);
	frame_put_u8(&f, 1);
	frame_put_h16(&f, 1024);
	frame_put(&f, der, 1024);
	frame_put_h32(&f, sizeof(der));
	frame_put(&f, der, sizeof(der));
	cr_assert_eq(frame_finish(&f), 0, "the largest BEGIN answer does not fit");
	/* the limit itself, and one byte past it */
	memset(buf, 0, sizeof(buf));
	len = KEYD_MAX_FRAME;
	memcpy(buf, &(uint32_t){ (uint32_t)len }, 4);
	cr_assert_eq(msg_parse(buf, len, &m), 0);
	memcpy(buf, &(uint32_t){ (uint32_t)len + 1 }, 4);
	cr_assert_eq(msg_parse(buf, len + 1, &m), -1);
	/* the documents say the same number (run from the tree's top) */
	snprintf(want, sizeof(want), "%d,%03d", KEYD_MAX_FRAME / 1000,
	    KEYD_MAX_FRAME % 1000);
	cr_assert_not_null(bin);
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		snprintf(top, sizeof(top), "%s/../../../%s", bin, docs[i]);
		if (t_read(top, &text, &len) == -1)
			cr_assert_eq(t_read(docs[i], &text, &len), 0, "%s",
			    docs[i]);
		text = realloc(text, len + 1);
		text[len] = '\0';
		cr_assert(t_contains((char *)text, want), "%s does not give "
		    "the frame limit %s", docs[i], want);
		cr_assert(!t_contains((char *)text, "65,564"), "%s", docs[i]);
		free(text);
	}
}
