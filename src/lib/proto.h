/*
 * The key-helper protocol: frames between the network process (client
 * side, untrusted once it has parsed peer bytes) and bulwark-keyd (holds
 * the secrets). docs/keyd-protocol.md is the reference.
 *
 * A frame is one SOCK_SEQPACKET message:
 *	u32 len		total length, header included (host order)
 *	u16 type	requests even, answers odd
 *	u16 flags	zero
 *	u32 seq		request sequence number; the answer repeats it
 *	payload		exactly what the type defines, nothing after it
 *
 * The helper treats any malformed, oversized, unknown or unpermitted
 * frame as an attack and exits; the client treats a wrong answer the same.
 */
#ifndef BWK_PROTO_H
#define BWK_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define KEYD_FD			3	/* the helper's end of the socketpair */
/* an administrator's password, on a pipe the helper reads at start */
#define KEYD_PASSWORD_FD	4
#define KEYD_PASSWORD_FD_STR	"4"
#define KEYD_VERSION		2	/* 2: HELLO says what the helper may do */
#define KEYD_HDR_LEN		12
/* room for a 64 KiB certificate plus its SPKI (BEGIN) or dates (ACCEPT) */
#define KEYD_MAX_FRAME		(KEYD_HDR_LEN + 4096 + 64 * 1024)
/* handshakes (BEGINs) one helper serves: each allows one signature */
#define KEYD_MAX_BEGINS		8
#define KEYD_LABEL_MAX		128
/* the client's wait for each answer */
#define KEYD_TIMEOUT_MS		10000
/*
 * An answer that costs the helper a password derivation (SCRAM_PROOF,
 * NEW_PASSWORD: PBKDF2 at SCRAM_ITER_DEFAULT, 600,000 rounds) may wait
 * for the CPU on a busy machine, many sessions starting at once: it gets
 * longer before the client gives up on its helper.
 */
#define KEYD_SLOW_TIMEOUT_MS	120000
/*
 * An ACCEPT waits for the writers' lock at most KEYD_LOCK_WAIT_MS and
 * renames nothing later than KEYD_ACCEPT_MS after it was read: its answer,
 * and any pin, come well before the client gives up. A pin written after
 * the client stopped waiting was never shown to the user (BWK0722I), and
 * the next session found the server silently pinned.
 */
#define KEYD_LOCK_WAIT_MS	3000
#define KEYD_ACCEPT_MS		5000
_Static_assert(KEYD_LOCK_WAIT_MS < KEYD_ACCEPT_MS &&
    2 * KEYD_ACCEPT_MS <= KEYD_TIMEOUT_MS,
    "the helper's ACCEPT must end well before the client's wait");

/*
 * The requests, one line each. The request and answer numbers, the names,
 * the helper's handlers (keyd_answer_NAME, src/keyd/keyd.h) and its
 * permits are all made from this list, so a new request is a line here,
 * its handler and its stub. The permits are the protocol's, and both
 * sides read them here (docs/keyd-protocol.md, "States and permits"):
 *
 *   number	even; its answer is number + 1
 *   needs	the helper's state the request is permitted in: START
 *		before the opening HELLO, READY after it
 *   spends	the budget one request uses up, whatever its answer; when it
 *		is empty the request is not permitted and the helper stops.
 *		BEGINS: KEYD_MAX_BEGINS a helper; SIGNS: one per BEGIN, none
 *		before the first; ACCEPTS: one a helper; PROOFS: one a
 *		helper started with --sign-on, none otherwise; VERIFIES:
 *		one per PROOF; NEWPWS: one per VERIFY; COMMITS: one per
 *		NEW_PASSWORD; RENEWS and PINS: one a client's helper, none
 *		a server's; PROVES: one a server's helper that holds a
 *		standby key, none otherwise
 *   refills	the budget it fills again
 *   then	the helper's state after it
 *
 * The payloads (u32 etc. in host order, label: u8 length and bytes):
 *   HELLO	u32 version
 *		answer: u32 version, u32 flags, u16 n, dir
 *   TRUST	label
 *		answer: one frame per certificate, see KEYD_TRUST_MAX
 *   BEGIN	label
 *		answer: u8 has_key, [u16 n, spki, u32 len, cert]
 *   SIGN	u8 scheme, u8 hash, keyid32, u16 len, in
 *		answer: u16 len, signature
 *   ACCEPT	label, u32 nb_hi, nb_lo, na_hi, na_lo, u32 len, der
 *		answer: fpr32
 *   SCRAM_PROOF	label, then u16 n and text for each of the
 *		client-first-message-bare, the server-first-message and the
 *		client-final-message-without-proof
 *		answer: client_proof32
 *   SCRAM_VERIFY	u16 n, server-final-message
 *		answer: empty
 *   NEW_PASSWORD	label (after a verified sign-on)
 *		answer: u8 n, salt, u32 count, stored_key32, server_key32
 *   COMMIT_PASSWORD	label
 *		answer: empty
 *   RENEW	label, old_fpr32, u32 len, der: the pin old_fpr becomes der,
 *		a certificate for the same key
 *		answer: fpr32
 *   STANDBY	label, current_fpr32, u32 len, der: der is pinned beside
 *		the pin current_fpr that authenticated the session
 *		answer: fpr32
 *   SIGN_STANDBY	ekm32: the session's standby exporter value
 *		answer: u32 len, standby cert, u16 n, signature
 * 10 and 11 were SIGNON, a password MAC that let whoever talks to the
 * helper guess the node password offline; withdrawn, and never to be
 * reused (a helper takes them as unknown requests).
 */
#define KEYD_REQUESTS(X)						\
	/* NAME	  name	  number needs	spends	 refills then */	\
	X(HELLO,  hello,  2,	 START, NONE,	 NONE,	 READY)		\
	X(TRUST,  trust,  4,	 READY, NONE,	 NONE,	 READY)		\
	X(BEGIN,  begin,  6,	 READY, BEGINS,	 SIGNS,	 READY)		\
	X(SIGN,	  sign,	  8,	 READY, SIGNS,	 NONE,	 READY)		\
	X(ACCEPT, accept, 12,	 READY, ACCEPTS, NONE,	 READY)		\
	X(SCRAM_PROOF, scram_proof, 14, READY, PROOFS, VERIFIES, READY)	\
	X(SCRAM_VERIFY, scram_verify, 16, READY, VERIFIES, NEWPWS, READY) \
	X(NEW_PASSWORD, new_password, 18, READY, NEWPWS, COMMITS, READY) \
	X(COMMIT_PASSWORD, commit_password, 20, READY, COMMITS, NONE, READY) \
	X(RENEW,  renew,  22,	 READY, RENEWS,	 NONE,	 READY)		\
	X(STANDBY, standby, 24,	 READY, PINS,	 NONE,	 READY)		\
	X(SIGN_STANDBY, sign_standby, 26, READY, PROVES, NONE, READY)

enum keyd_type {
	KEYD_ANS_FAIL		= 1,	/* u32 reason */
#define KEYD_TYPE_ENUM(N, n, num, ...)					\
	KEYD_REQ_##N = (num), KEYD_ANS_##N = (num) + 1,
	KEYD_REQUESTS(KEYD_TYPE_ENUM)
#undef KEYD_TYPE_ENUM
};

/* "HELLO" for HELLO and its answer, "FAIL"; NULL for a type not in the list. */
const char *keyd_type_name(unsigned int type);

/*
 * ANS_TRUST: u16 index, u16 total, u8 kind (kdb kind), u8 own (1: the
 * server's own entry, 0: a CA root for every server), u8 zero[2],
 * u32 len, DER. total 0: one frame, index 0, kind 0, len 0.
 */
#define KEYD_TRUST_MAX		64

/*
 * ANS_HELLO flags: what the client may expect before it connects, so
 * that it refuses a server it could not pin before the key exchange.
 */
#define KEYD_HELLO_MAY_PIN	0x1	/* ACCEPT would be tried */
#define KEYD_HELLO_SETGID	0x2	/* the system database, read only */
#define KEYD_HELLO_MAY_UPDATE	0x4	/* RENEW and STANDBY would be tried */
#define KEYD_HELLO_STANDBY	0x8	/* a server's: SIGN_STANDBY answers */
/* the database stores a password of the node for the bound server (a
 * helper started with --sign-on; PROMPT types one only when it does not) */
#define KEYD_HELLO_NODE_PASSWORD 0x10
#define KEYD_HELLO_FLAGS	0x1f
#define KEYD_DIR_MAX		1024	/* the database directory's path */

enum keyd_scheme { KEYD_SIG_ECDSA = 1, KEYD_SIG_RSA_PKCS1 = 2, KEYD_SIG_RSA_PSS = 3 };
enum keyd_hash { KEYD_SHA256 = 1, KEYD_SHA384 = 2, KEYD_SHA512 = 3 };

enum keyd_fail {
	KEYD_FAIL_CRYPTO = 1,		/* the operation failed */
	KEYD_FAIL_NO_KEY = 2,		/* no such key / no node password */
	KEYD_FAIL_REFUSED = 3,		/* policy: e.g. accept not allowed */
	KEYD_FAIL_EXISTS = 4,		/* accept: the server has an entry */
	KEYD_FAIL_STORE = 5,		/* accept: the database write failed */
	KEYD_FAIL_CHANGED = 6,		/* sign-on: the server's salt or count
					   differ from the last sign-on's */
	KEYD_FAIL_OTHER_KEY = 7,	/* renew: the certificate's key is not
					   the pinned one's */
};

#define KEYD_KEYID_LEN		32
#define KEYD_SIG_MAX		1024
/* a SIGN's input, with room above the largest shape (83 bytes) */
#define KEYD_SIGN_IN_MAX	128

/*
 * Integers go over the socketpair in host byte order, and the names say
 * so (OpenBSD imsg's ibuf_add_h32 and ibuf_get_h32): both ends are the
 * same build on the same machine, and a frame never leaves it. Code that
 * writes a file or a network protocol wants big-endian (bwk_put_n32 in
 * util.h); a name without the order would hide which one it has. A byte
 * has none: _u8.
 */

/* Building a frame: a fixed buffer, every put bounds-checked. */
struct frame {
	uint8_t		buf[KEYD_MAX_FRAME];
	size_t		len;
	int		overflow;
};

void	frame_init(struct frame *, uint16_t type, uint32_t seq);
void	frame_put(struct frame *, const void *, size_t);
void	frame_put_u8(struct frame *, uint8_t);
void	frame_put_h16(struct frame *, uint16_t);
void	frame_put_h32(struct frame *, uint32_t);
void	frame_put_label(struct frame *, const char *);	/* u8 len + bytes */
/* Writes the length into the header; -1 when it overflowed. */
int	frame_finish(struct frame *);

/* Reading a frame's payload: typed getters in host order, -1 past the end. */
struct msg {
	uint16_t	 type;
	uint32_t	 seq;
	const uint8_t	*p;
	size_t		 left;
};

/* Checks the header of buf[0..len) and points m at the payload. */
int	msg_parse(const uint8_t *buf, size_t len, struct msg *m);
int	msg_get(struct msg *, void *, size_t);
int	msg_get_u8(struct msg *, uint8_t *);
int	msg_get_h16(struct msg *, uint16_t *);
int	msg_get_h32(struct msg *, uint32_t *);
/* A pointer into the payload, no copy. */
int	msg_ref(struct msg *, size_t, const uint8_t **);
/* u8 length + 1..KEYD_LABEL_MAX of the label alphabet, NUL-terminated. */
int	msg_get_label(struct msg *, char out[KEYD_LABEL_MAX + 1]);
/* The payload must be fully consumed: trailing bytes are an error. */
int	msg_end(const struct msg *);

/* Digest and DigestInfo lengths of a keyd_hash; 0 for an unknown one. */
size_t	keyd_hash_len(int hash);
/* The DER DigestInfo prefix of a keyd_hash (19 bytes for SHA-2). */
const uint8_t *keyd_digestinfo_prefix(int hash, size_t *len);

/* One frame over a SOCK_SEQPACKET socket; EINTR handled. SIGPIPE must
 * be ignored by the caller. */
int	frame_send(int fd, const struct frame *);
/* Reads one frame into buf (KEYD_MAX_FRAME + 1 bytes); 0 on EOF, -1 on error, else len.
 * timeout_ms < 0 waits forever. A frame longer than the buffer is an error. */
ssize_t	frame_recv(int fd, uint8_t *buf, int timeout_ms);

#endif
