/*
 * The server's side of the session protocol, fed a client's bytes: the
 * real dispatch (src/srvsession/serve.c) and sign-on (signon.c) against
 * a real SQLite catalog, over the real frames (session_wire.c, wire.c).
 * What lies under them is this file's: session_read hands out the input,
 * session_write checks and drops what the server sends (session.c is
 * left out), and the TLS session's exporter value and facts are fixed
 * (session_exporter.c and tls_facts.c are left out). Its key helper holds
 * no standby key (s->kd.standby is 0), so no session may announce one
 * (src/srvsession/standby.c is linked, its stubs below must not run).
 *
 * The catalog, made in set-up in a directory of its own (in /dev/shm
 * when there is one, so that SQLite's fsyncs cost little), holds node
 * NODE1 and administrator ADMIN1 with known passwords, a known salt and
 * 100,000 iterations, and node NODE2, which never signs on and owns one
 * file, version 1, whose content is in the directory's data/ as a real
 * content file. Each run starts them unlocked, with no failures, with
 * those passwords, TRANSITIONAL or STRICT as the input says, and the
 * node's password expired if the input says so, so runs are
 * reproducible. A run after one whose administrator changed accounts or
 * whose node sent BACKUP or DEACTIVATE starts from a catalog and a data
 * directory made again (the catalog file set-up made, written back), so
 * NODE1's first version is always 2.
 *
 * Input:
 *	u8	flags: bits 0-1 who may sign on at this port (1 nodes, 2
 *		administrators, 0 or 3 both); bit 2 the accounts start
 *		STRICT; bit 3 the first session finds MAXSESSIONS reached;
 *		bit 4 the exporter value cannot be derived; bit 5 the node's
 *		password has expired; bits 6-7 n: when not 0, each read
 *		returns at most n bytes
 *	...	what clients send: one session after another (up to
 *		SESSIONS_MAX), each starting where the last one stopped
 *		reading, until one reads the input's end
 *
 * The server chooses its nonce at random and the proof depends on it, so
 * the target rewrites each text frame just before the server reads it:
 * "@SNONCE@" becomes the server's part of the nonce of this session's
 * SCRAM_CHALLENGE, and in a SCRAM_FINAL ",p=@PROOF@" becomes the proof
 * the password of the HELLO's role's account makes over this session's
 * messages (the keys were derived once in set-up; each run computes only
 * the HMACs). fuzz/make-session-seeds.py writes seeds that use them.
 *
 * Properties, beyond no crash and no leak:
 *  - every frame the server sends is one write of a well-formed frame of
 *    a server's type, its payload exactly what the type defines, and
 *    nothing follows an ERROR;
 *  - a SCRAM_OUTCOME is "v=" only after a SCRAM_FINAL whose proof this
 *    target computed, for the HELLO's account, while it was not locked,
 *    and not a first use of a STRICT account; and its value is the
 *    ServerSignature this target computes. Every other outcome is
 *    "e=invalid-proof", whatever the reason;
 *  - SIGNED_ON follows every "v=" and only it, and says whether the
 *    account's password has expired and when it expires, as the catalog
 *    holds them;
 *  - SESSION is sent only in a session that got "v=" and does not hold
 *    an expired password;
 *  - ROWS only to such a session of an administrator, each frame one the
 *    client's reader (src/tls/rows.c) takes, and a result's frames whole
 *    before anything else is sent; an administrator's commands may change
 *    the catalog, so a run after one starts from a catalog made again;
 *  - PASSWORD_SET answers only a well-formed SET_PASSWORD within the
 *    verifier's bounds in a signed-on session, the catalog then holds
 *    that verifier, and its expiry is PASSEXP days on for a node and
 *    never for an administrator;
 *  - a sign-on that succeeded left the account STRICT;
 *  - object answers (backup.c, query.c, restore.c) only to a signed-on
 *    node whose password has not expired, each answering the request
 *    the server read last, one answer per request and none for ABANDON,
 *    and no request read before the one before it was answered;
 *  - OBJECT_OK after a DATA_END only when its size and SHA-256 are those
 *    of the DATA sent since the BACKUP, never before a FILE's DATA_END,
 *    and the version it names is then in the catalog as NODE1's, with
 *    that size and hash, and its content file holds those bytes;
 *  - every OBJECTS and FILESPACES frame is read whole by the client's
 *    codec (src/tls/objects.c), `more` on each but an answer's last and
 *    only on a frame filled until the next entry might not fit, nothing
 *    else inside an answer but an OBJECT_REFUSED that ends it; no entry
 *    is NODE2's version, and a FILE this run stored is listed with its
 *    size and hash;
 *  - RDATA and RDATA_END only for a version NODE1 stored in this run
 *    (never NODE2's), with its bytes: at most its size in all, and an
 *    RDATA_END whose size and hash are the catalog's and the data's;
 *  - an OBJECT_REFUSED's text holds no control character (names are
 *    escaped).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/pwdbased.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "../src/catalog/catalog.h"
#include "../src/lib/msg.h"
#include "../src/lib/scram.h"
#include "../src/lib/util.h"
#include "../src/server/listen.h"
#include "../src/srvsession/content.h"
#include "../src/srvsession/serve.h"
#include "../src/tls/objects.h"
#include "../src/tls/rows.h"
#include "../src/tls/session.h"

#define FUZZ_SETUP	serve_setup
#include "fuzz_common.h"
#include "fuzz_wire.h"
#include "fuzz_file.h"

#define SESSIONS_MAX	8
#define ITER		100000
#define TMP_PREFIX	"bwk-fuzz_serve."

/* The exporter value both sides would derive; the seeds' c= carries it. */
#define CB_BYTE		0xcb

struct account {
	enum cat_kind	 kind;
	const char	*name;		/* as registered */
	const char	*password;
	uint8_t		 client_key[32], stored_key[32], server_key[32];
	struct scram_verifier v;	/* as registered */
	enum cat_security sec;		/* what the catalog holds now */
	int64_t		 expires;	/* what the catalog holds now */
};

static struct account accounts[2] = {
	{ CAT_NODE, "node1", "fuzz-node-password", {0}, {0}, {0},
	    CAT_TRANSITIONAL },
	{ CAT_ADMIN, "admin1", "fuzz-admin-password", {0}, {0}, {0},
	    CAT_TRANSITIONAL },
};

static struct catalog *cat;
static char dir[PATH_MAX];
static struct srv_options sopts;
static struct session_opts opts;
static int no_exporter;

/* What one session showed: what the client sent and the server said. */
struct seen {
	int		 hello;			/* a HELLO was handed out */
	uint8_t		 role, flags;
	int		 hello_ok, challenged, error, signed_on;
	int		 told;			/* SIGNED_ON was sent */
	int		 expired;		/* and said so */
	/* the last SET_PASSWORD handed out */
	int		 nv_ok;		/* well formed and within bounds */
	struct scram_verifier nv;
	uint16_t	 last;			/* the last frame sent */
	char		 cf[WIRE_SCRAM_TEXT_MAX + 1];	/* SCRAM_FIRST's */
	size_t		 cfn;
	char		 sf[WIRE_SCRAM_TEXT_MAX + 1];	/* the challenge */
	size_t		 sfn;
	char		 snonce[SCRAM_NONCE_LEN + 1];
	/* the last SCRAM_FINAL handed out */
	int		 proof_made;	/* its proof is this target's */
	int		 may_sign_on;	/* and "v=" may answer it */
	uint8_t		 ssig[32];	/* the ServerSignature to expect */
	struct bwk_rows	 rows;		/* the result being sent */
	int		 in_rows;	/* its last frame is still to come */
	/* objects: the request the server read last, awaiting its answer */
	uint16_t	 req;		/* 0: none */
	uint8_t		 btype;		/* its BACKUP's type; 0xff unread */
	int		 file_open;	/* a FILE's BACKUP: its DATA comes */
	wc_Sha256	 dsha;		/* of that DATA */
	uint64_t	 dsize;
	uint8_t		 dhash[32];	/* its SHA-256, at DATA_END */
	int		 end_match;	/* DATA_END said that size and hash */
	uint64_t	 restore_id;	/* RESTORE's version */
	wc_Sha256	 rsha;		/* of its RDATA */
	uint64_t	 rsize;
	uint16_t	 answering;	/* an answer's frames: more is set */
};

static struct seen seen;
static struct fw_stream stream;
static int touched;		/* a SCRAM_FINAL reached a server */
static int replaced;		/* a password was replaced */
static int node_expired;	/* this run's node password has expired */
static int administered;	/* a command reached an administrator */
static int objects_touched;	/* a node's BACKUP or DEACTIVATE was read */

/* The data directory of the catalog's content files. */
static char datadir[PATH_MAX];
static int datafd = -1;

/* What NODE1 stored in this run, as OBJECT_OK after DATA_END said. */
#define KNOWN_MAX	64
struct known {
	uint64_t	version;
	uint64_t	size;
	uint8_t		sha256[32];
};
static struct known known[KNOWN_MAX];
static size_t nknown;
static int64_t other_version;	/* NODE2's: never shown to NODE1 */
static uint8_t *pristine;	/* the catalog file set-up made: remake() */
static size_t pristine_len;

/* The account of the HELLO's role: its password makes the proof. */
static struct account *
the_account(void)
{
	return &accounts[seen.role == WIRE_ROLE_ADMIN ? 1 : 0];
}

/* ---- what session.c, session_exporter.c and tls_facts.c would do */

int
session_read(struct session *s, void *buf, size_t len)
{
	(void)s;
	return fw_read(&stream, buf, len);
}

/*
 * Whether the client has sent more: never at the input's end (so what
 * is held is stored and answered before the close), and elsewhere as the
 * input's length so far says (odd: more is there), so that the fuzzer
 * chooses where the client seems to wait and groups of every size form.
 */
int
session_input_ready(struct session *s)
{
	(void)s;
	return stream.off < stream.len && (stream.off & 1) != 0;
}

int
session_exporter(struct session *s, uint8_t out[32])
{
	(void)s;
	if (no_exporter)
		return -1;
	memset(out, CB_BYTE, 32);
	return 0;
}

/* A helper without a standby key: HELLO_OK says none, nothing is proved. */
int
session_standby_exporter(struct session *s, uint8_t out[32])
{
	(void)s;
	(void)out;
	fuzz_fail("a standby exporter value derived with no standby key");
}

int
keyd_sign_standby(struct keyd_conn *c, const uint8_t ekm[32], uint8_t *cert,
    size_t *cert_len, uint8_t *sig, size_t *sig_len)
{
	(void)c;
	(void)ekm;
	(void)cert;
	(void)cert_len;
	(void)sig;
	(void)sig_len;
	fuzz_fail("a standby proof asked of a helper with no standby key");
}

int
tls_facts_get(WOLFSSL *ssl, struct tls_facts *f)
{
	(void)ssl;
	memset(f, 0, sizeof(*f));
	f->ems = 1;
	f->hello_done = 1;
	snprintf(f->sig, sizeof(f->sig), "ECDSA+SHA256");
	snprintf(f->group, sizeof(f->group), "P-256");
	snprintf(f->suite, sizeof(f->suite), "ECDHE-ECDSA-AES256-GCM-SHA384");
	return 0;
}

/* ---- the client's frames, rewritten before the server reads them */

/* client-first-message-bare: after the gs2 header's two commas. */
static const char *
bare(const char *cf, size_t n, size_t *bn)
{
	const char *c1, *c2;

	if ((c1 = memchr(cf, ',', n)) == NULL ||
	    (c2 = memchr(c1 + 1, ',', n - (size_t)(c1 + 1 - cf))) == NULL)
		return NULL;
	*bn = n - (size_t)(c2 + 1 - cf);
	return c2 + 1;
}

/*
 * A SCRAM_FINAL: ",p=@PROOF@" becomes the proof of the HELLO role's
 * account over this session's messages, and what the server must then
 * answer is noted.
 */
static void
on_final(uint8_t *frame, size_t *flen)
{
	struct account *a = the_account();
	const char *b, *user;
	const uint8_t *at;
	char *t, b64[48];
	uint8_t h[32], proof[32];
	size_t n, bn, un, noproof, i;
	int locked = 0;

	seen.proof_made = seen.may_sign_on = 0;
	touched = 1;
	if (!seen.challenged || (t = fw_text(frame, *flen, &n)) == NULL ||
	    (at = fw_find((uint8_t *)t, n, ",p=@PROOF@", 10)) == NULL ||
	    (b = bare(seen.cf, seen.cfn, &bn)) == NULL)
		return;
	/* the proof covers client-final-message-without-proof */
	noproof = (size_t)(at - (uint8_t *)t);
	fw_hmac_auth(a->stored_key, b, bn, seen.sf, seen.sfn, t, noproof, h);
	for (i = 0; i < 32; i++)
		proof[i] = a->client_key[i] ^ h[i];
	fw_hmac_auth(a->server_key, b, bn, seen.sf, seen.sfn, t, noproof,
	    seen.ssig);
	fw_b64(proof, sizeof(proof), b64);
	if (fw_splice(frame, flen, noproof + 3, 7, b64, strlen(b64)) == -1)
		return;
	seen.proof_made = 1;
	/* the HELLO's account, unlocked, and not a STRICT one's first use */
	if ((user = fw_attr(b, bn, 'n', &un)) == NULL ||
	    un != strlen(a->name) || strncasecmp(user, a->name, un) != 0)
		return;
	if (catalog_account_locked(cat, a->kind, a->name, &locked, NULL) !=
	    CAT_OK) {
		/* an administrator removed it in this run */
		if (administered)
			return;
		fuzz_fail("the catalog cannot say whether %s is locked",
		    a->name);
	}
	if (locked || (a->sec == CAT_STRICT &&
	    (seen.flags & WIRE_HELLO_FIRST_USE)))
		return;
	seen.may_sign_on = 1;
}

/* A SET_PASSWORD: the verifier it carries, if it is one the server may
 * store (scram.h's bounds, as catalog_verifier_ok checks them). */
static void
on_set_password(const uint8_t *frame, size_t flen)
{
	struct wire_in in;
	uint8_t n;

	seen.nv_ok = 0;
	memset(&seen.nv, 0, sizeof(seen.nv));
	wire_in_init(&in, WIRE_SET_PASSWORD, frame + WIRE_HDR_LEN,
	    flen - WIRE_HDR_LEN);
	if (wire_get_n8(&in, &n) == -1 || n < SCRAM_SALT_MIN ||
	    n > SCRAM_SALT_MAX || wire_get(&in, seen.nv.p.salt, n) == -1 ||
	    wire_get_n32(&in, &seen.nv.p.iter) == -1 ||
	    wire_get(&in, seen.nv.stored_key, SCRAM_HASH_LEN) == -1 ||
	    wire_get(&in, seen.nv.server_key, SCRAM_HASH_LEN) == -1 ||
	    wire_end(&in) == -1 || seen.nv.p.iter < SCRAM_ITER_FLOOR ||
	    seen.nv.p.iter > SCRAM_ITER_MAX)
		return;
	seen.nv.p.salt_len = n;
	seen.nv_ok = 1;
}

/* ---- a node's object requests, as the server reads them */

/*
 * The answers owed before seen's: the server holds small objects (a
 * FILE's DATA_END, a DIR's or LINK's BACKUP) and answers them together,
 * in order (src/srvsession/group.c), so a request may be read while
 * those are owed, and each answer is checked against the oldest.
 */
struct owed {
	uint16_t	req;
	uint8_t		btype;
	int		end_match;
	uint64_t	dsize;
	uint8_t		dhash[32];
};
static struct owed owed[GROUP_MAX + 2];
static size_t nowed;
static int in_group;		/* checking an answer owed before seen's */

static int
held_request(void)
{
	return seen.req == WIRE_DATA_END || (seen.req == WIRE_BACKUP &&
	    seen.btype != WIRE_OBJ_FILE && seen.btype != 0xff);
}

/* A request read while the one before it awaits its answer. */
static void
request(uint16_t type)
{
	if (seen.req != 0 && !seen.file_open) {
		if (!held_request() || nowed == sizeof(owed) / sizeof(owed[0]))
			fuzz_fail("a %s read before the %s was answered",
			    wire_type_name(type), wire_type_name(seen.req));
		owed[nowed].req = seen.req;
		owed[nowed].btype = seen.btype;
		owed[nowed].end_match = seen.end_match;
		owed[nowed].dsize = seen.dsize;
		memcpy(owed[nowed].dhash, seen.dhash, 32);
		nowed++;
	}
	seen.req = type;
	seen.file_open = 0;
}

static void sent_object_ok(struct wire_in *);
static void sent_object_refused(struct wire_in *);

/* An answer to the oldest object owed, checked as if it were seen's. */
static void
owed_answer(void (*check)(struct wire_in *), struct wire_in *in)
{
	struct owed now;

	if (nowed == 0) {
		check(in);
		return;
	}
	now.req = seen.req;
	now.btype = seen.btype;
	now.end_match = seen.end_match;
	now.dsize = seen.dsize;
	memcpy(now.dhash, seen.dhash, 32);
	seen.req = owed[0].req;
	seen.btype = owed[0].btype;
	seen.end_match = owed[0].end_match;
	seen.dsize = owed[0].dsize;
	memcpy(seen.dhash, owed[0].dhash, 32);
	memmove(owed, owed + 1, (nowed - 1) * sizeof(owed[0]));
	nowed--;
	in_group = 1;
	check(in);
	in_group = 0;
	if (seen.req != 0)
		fuzz_fail("an owed answer left its request open");
	seen.req = now.req;
	seen.btype = now.btype;
	seen.end_match = now.end_match;
	seen.dsize = now.dsize;
	memcpy(seen.dhash, now.dhash, 32);
}

static void
on_backup(const uint8_t *frame, size_t flen)
{
	static char fs[WIRE_PATH_MAX + 1], name[WIRE_PATH_MAX + 1];
	struct wire_in in;

	request(WIRE_BACKUP);
	objects_touched = 1;
	seen.btype = 0xff;
	wire_in_init(&in, WIRE_BACKUP, frame + WIRE_HDR_LEN,
	    flen - WIRE_HDR_LEN);
	if (wire_get_path(&in, fs) == -1 || wire_get_path(&in, name) == -1 ||
	    wire_get_n8(&in, &seen.btype) == -1)
		seen.btype = 0xff;
	if (seen.btype == WIRE_OBJ_FILE) {
		seen.file_open = 1;
		seen.dsize = 0;
		if (wc_InitSha256(&seen.dsha) != 0)
			abort();
	}
}

static void
on_data(const uint8_t *frame, size_t flen)
{
	size_t n = flen - WIRE_HDR_LEN;

	if (seen.file_open && n >= 1 && n <= WIRE_DATA_MAX) {
		if (wc_Sha256Update(&seen.dsha, frame + WIRE_HDR_LEN,
		    (word32)n) != 0)
			abort();
		seen.dsize += n;
	}
}

static void
on_data_end(const uint8_t *frame, size_t flen)
{
	const uint8_t *p = frame + WIRE_HDR_LEN;
	uint64_t size = 0;
	int i, open = seen.file_open;

	request(WIRE_DATA_END);
	seen.end_match = 0;
	if (!open || flen != WIRE_HDR_LEN + 40)
		return;
	for (i = 0; i < 8; i++)
		size = size << 8 | p[i];
	if (wc_Sha256Final(&seen.dsha, seen.dhash) != 0)
		abort();
	seen.end_match = size == seen.dsize &&
	    memcmp(seen.dhash, p + 8, 32) == 0;
}

static void
on_restore(const uint8_t *frame, size_t flen)
{
	const uint8_t *p = frame + WIRE_HDR_LEN;
	int i;

	request(WIRE_RESTORE);
	seen.restore_id = 0;
	seen.rsize = 0;
	if (wc_InitSha256(&seen.rsha) != 0)
		abort();
	if (flen == WIRE_HDR_LEN + 8)
		for (i = 0; i < 8; i++)
			seen.restore_id = seen.restore_id << 8 | p[i];
}

/* The object frames: what the server must answer next. */
static void
on_object_frame(uint16_t type, const uint8_t *frame, size_t flen)
{
	switch (type) {
	case WIRE_BACKUP:
		on_backup(frame, flen);
		break;
	case WIRE_DATA:
		on_data(frame, flen);
		break;
	case WIRE_DATA_END:
		on_data_end(frame, flen);
		break;
	case WIRE_ABANDON:
		/* answered by nothing */
		seen.file_open = 0;
		seen.req = 0;
		break;
	case WIRE_DEACTIVATE:
		objects_touched = 1;
		request(type);
		break;
	case WIRE_QUERY_BACKUP:
	case WIRE_QUERY_FILESPACE:
		request(type);
		break;
	case WIRE_RESTORE:
		on_restore(frame, flen);
		break;
	}
}

static void
rewrite(void *arg, uint16_t type, uint8_t *frame, size_t *flen)
{
	char *t;
	size_t n;

	(void)arg;
	if (seen.challenged)
		(void)fw_subst(frame, flen, "@SNONCE@", seen.snonce);
	switch (type) {
	case WIRE_HELLO:
		/* the first one is the one the server acts on */
		if (!seen.hello && *flen >= WIRE_HDR_LEN + 4) {
			seen.hello = 1;
			seen.role = frame[WIRE_HDR_LEN + 2];
			seen.flags = frame[WIRE_HDR_LEN + 3];
		}
		break;
	case WIRE_SCRAM_FIRST:
		/* the last one before the challenge is the one it answers */
		if (!seen.challenged && (t = fw_text(frame, *flen, &n)) != NULL &&
		    n <= WIRE_SCRAM_TEXT_MAX) {
			memcpy(seen.cf, t, n);
			seen.cf[n] = '\0';
			seen.cfn = n;
		}
		break;
	case WIRE_SCRAM_FINAL:
		on_final(frame, flen);
		break;
	case WIRE_SET_PASSWORD:
		on_set_password(frame, *flen);
		break;
	default:
		on_object_frame(type, frame, *flen);
		break;
	}
}

/* ---- what the server sends, checked */

static void
get_text(struct wire_in *in, char *out, size_t max, const char *what)
{
	if (wire_get_text(in, out, max) == -1 || wire_end(in) == -1)
		fuzz_fail("a %s that is not one text of at most %zu bytes",
		    what, max);
}

static void
sent_error(struct wire_in *in)
{
	static char text[WIRE_TEXT_MAX + 1];
	char id[9];
	size_t i;

	if (wire_get(in, id, 8) == -1)
		fuzz_fail("an ERROR without its message ID");
	id[8] = '\0';
	get_text(in, text, WIRE_TEXT_MAX, "ERROR");
	if (strncmp(id, "BWK", 3) != 0 || id[7] != 'E')
		fuzz_fail("an ERROR with the ID \"%s\"", id);
	for (i = 3; i < 7; i++)
		if (id[i] < '0' || id[i] > '9')
			fuzz_fail("an ERROR with the ID \"%s\"", id);
	seen.error = 1;
}

static void
sent_hello_ok(struct wire_in *in)
{
	char name[WIRE_NAME_MAX + 1];
	uint16_t version;
	uint8_t flags;

	if (!seen.hello || seen.hello_ok)
		fuzz_fail("a HELLO_OK that answers no HELLO");
	if (wire_get_n16(in, &version) == -1 || wire_get_n8(in, &flags) == -1 ||
	    wire_get_name(in, name) == -1 || wire_end(in) == -1 ||
	    version != WIRE_VERSION || flags != 0)
		fuzz_fail("a malformed HELLO_OK");
	seen.hello_ok = 1;
}

/* The challenge: kept, and its nonce the client's and 32 of its own. */
static void
sent_challenge(struct wire_in *in)
{
	const char *b, *cn, *r;
	size_t bn, cnn, rn;

	if (!seen.hello_ok || seen.challenged || seen.cfn == 0)
		fuzz_fail("a SCRAM_CHALLENGE out of place");
	get_text(in, seen.sf, WIRE_SCRAM_TEXT_MAX, "SCRAM_CHALLENGE");
	seen.sfn = strlen(seen.sf);
	if ((b = bare(seen.cf, seen.cfn, &bn)) == NULL ||
	    (cn = fw_attr(b, bn, 'r', &cnn)) == NULL ||
	    (r = fw_attr(seen.sf, seen.sfn, 'r', &rn)) == NULL ||
	    seen.sf != r - 2 || rn != cnn + SCRAM_NONCE_LEN ||
	    memcmp(r, cn, cnn) != 0)
		fuzz_fail("a challenge whose nonce is not the client's and "
		    "%d characters: %s", SCRAM_NONCE_LEN, seen.sf);
	memcpy(seen.snonce, r + cnn, SCRAM_NONCE_LEN);
	seen.snonce[SCRAM_NONCE_LEN] = '\0';
	seen.challenged = 1;
}

static void
sent_outcome(struct wire_in *in)
{
	static char text[WIRE_SCRAM_TEXT_MAX + 1];
	struct account *a = the_account();
	char want[64];

	get_text(in, text, WIRE_SCRAM_TEXT_MAX, "SCRAM_OUTCOME");
	if (!seen.challenged || seen.signed_on)
		fuzz_fail("a SCRAM_OUTCOME out of place");
	if (strncmp(text, "v=", 2) != 0) {
		/* every refusal looks the same */
		if (strcmp(text, "e=invalid-proof") != 0)
			fuzz_fail("a refusal that says more: %s", text);
		return;
	}
	if (!seen.proof_made)
		fuzz_fail("signed on without the proof of the password: %s",
		    text);
	/* an administrator's commands may have unlocked it, or made it
	 * TRANSITIONAL: this target's model of the account is then stale */
	if (!seen.may_sign_on && !administered)
		fuzz_fail("signed on as %s %s, which it must refuse (another "
		    "name, locked, or a STRICT account's first use)",
		    seen.role == WIRE_ROLE_ADMIN ? "administrator" : "node",
		    a->name);
	want[0] = 'v';
	want[1] = '=';
	fw_b64(seen.ssig, sizeof(seen.ssig), want + 2);
	if (strcmp(text, want) != 0)
		fuzz_fail("a ServerSignature %s, not %s", text, want);
	seen.signed_on = 1;
	a->sec = CAT_STRICT;		/* the first success makes it so */
}

static void
sent_signed_on(struct wire_in *in)
{
	struct account *a = the_account();
	uint8_t flags;
	uint64_t exp;
	int expired = a->expires != 0 && a->expires <= bwk_now();

	if (!seen.signed_on || seen.told || seen.last != WIRE_SCRAM_OUTCOME)
		fuzz_fail("a SIGNED_ON that follows no \"v=\"");
	if (wire_get_n8(in, &flags) == -1 || wire_get_n64(in, &exp) == -1 ||
	    wire_end(in) == -1)
		fuzz_fail("a malformed SIGNED_ON");
	if (!administered && (flags != (expired ? WIRE_SIGNED_PW_EXPIRED : 0) ||
	    exp != (uint64_t)a->expires))
		fuzz_fail("a SIGNED_ON with flags 0x%02x and expiry %llu; the "
		    "catalog has %lld", flags, (unsigned long long)exp,
		    (long long)a->expires);
	seen.told = 1;
	seen.expired = (flags & WIRE_SIGNED_PW_EXPIRED) != 0;
}

static void
sent_password_set(struct wire_in *in)
{
	struct account *a = the_account();
	struct cat_account ca;
	uint64_t exp;
	int64_t now = bwk_now(), want;

	if (!seen.told || !seen.nv_ok)
		fuzz_fail("a PASSWORD_SET that answers no SET_PASSWORD the "
		    "server may take");
	if (wire_get_n64(in, &exp) == -1 || wire_end(in) == -1)
		fuzz_fail("a malformed PASSWORD_SET");
	want = a->kind == CAT_ADMIN ? 0 : now + (int64_t)sopts.passexp * 86400;
	if (a->kind == CAT_ADMIN ? exp != 0 : (exp > (uint64_t)want ||
	    exp + 5 < (uint64_t)want))
		fuzz_fail("a PASSWORD_SET with the expiry %llu, not about %lld",
		    (unsigned long long)exp, (long long)want);
	if (catalog_account_get(cat, a->kind, a->name, &ca) != CAT_OK ||
	    memcmp(&ca.verifier, &seen.nv, sizeof(seen.nv)) != 0 ||
	    ca.password_expires != (int64_t)exp)
		fuzz_fail("PASSWORD_SET, and the catalog does not hold the "
		    "new verifier of %s", a->name);
	replaced = 1;
	a->expires = (int64_t)exp;
	seen.expired = 0;
	seen.nv_ok = 0;
}

/* A frame of an administrative command's result, as the client reads it. */
static void
sent_rows(struct wire_in *in)
{
	const char *why;
	int more;

	if (!seen.told || seen.expired || seen.role != WIRE_ROLE_ADMIN)
		fuzz_fail("ROWS to a session that is not a signed-on "
		    "administrator's");
	administered = 1;
	if (rows_take(&seen.rows, in, &more, &why) == -1)
		fuzz_fail("a ROWS frame the client refuses: %s", why);
	seen.in_rows = more;
	if (!more) {
		bwk_rows_free(&seen.rows);
		memset(&seen.rows, 0, sizeof(seen.rows));
	}
}

/* ---- a node's object answers, checked */

static void
object_answer(uint16_t type)
{
	if (!seen.told || seen.expired || seen.role != WIRE_ROLE_NODE)
		fuzz_fail("a %s to a session that is not a signed-on node's",
		    wire_type_name(type));
}

static struct known *
known_version(uint64_t version)
{
	size_t i;

	for (i = 0; i < nknown; i++)
		if (known[i].version == version)
			return &known[i];
	return NULL;
}

/* What catalog_version_get hands out, copied. */
struct got_version {
	int		found;
	enum cat_type	type;
	uint64_t	size;
	uint8_t		sha256[32];
	char		content[CAT_CONTENT_MAX];
};

static int
got_version(void *arg, const struct cat_version *v)
{
	struct got_version *g = arg;

	g->found = 1;
	g->type = v->type;
	g->size = v->size;
	memcpy(g->sha256, v->sha256, 32);
	snprintf(g->content, sizeof(g->content), "%s",
	    v->content != NULL ? v->content : "");
	return 0;
}

/* The content file holds the bytes the catalog says, on disk. */
static void
check_content(uint64_t version, const struct got_version *g)
{
	static uint8_t buf[65536];
	uint8_t sha[32];
	wc_Sha256 h;
	uint64_t size = 0;
	ssize_t n;
	int fd;

	if ((fd = content_open(datafd, g->content)) == -1)
		fuzz_fail("version %llu is committed without its content file "
		    "%s", (unsigned long long)version, g->content);
	if (wc_InitSha256(&h) != 0)
		abort();
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (wc_Sha256Update(&h, buf, (word32)n) != 0)
			abort();
		size += (uint64_t)n;
	}
	close(fd);
	if (n == -1 || wc_Sha256Final(&h, sha) != 0)
		abort();
	if (size != g->size || memcmp(sha, g->sha256, 32) != 0)
		fuzz_fail("version %llu's content file does not hold what the "
		    "catalog says", (unsigned long long)version);
}

static void
sent_object_ok(struct wire_in *in)
{
	struct got_version g;
	uint64_t version;
	uint16_t req = seen.req;
	int r;

	object_answer(WIRE_OBJECT_OK);
	if (wire_get_n64(in, &version) == -1 || wire_end(in) == -1 ||
	    version == 0 || version > INT64_MAX)
		fuzz_fail("a malformed OBJECT_OK");
	seen.req = 0;
	if (req == WIRE_BACKUP && seen.btype == WIRE_OBJ_FILE)
		fuzz_fail("an OBJECT_OK before the FILE's DATA_END");
	if (req == WIRE_DATA_END && !seen.end_match)
		fuzz_fail("an OBJECT_OK after a DATA_END whose size or SHA-256 "
		    "is not that of the DATA sent");
	if (req != WIRE_BACKUP && req != WIRE_DATA_END &&
	    req != WIRE_DEACTIVATE)
		fuzz_fail("an OBJECT_OK that answers %s",
		    req ? wire_type_name(req) : "nothing");
	if ((int64_t)version == other_version)
		fuzz_fail("an OBJECT_OK naming NODE2's version");
	memset(&g, 0, sizeof(g));
	r = catalog_version_get(cat, accounts[0].name, (int64_t)version,
	    got_version, &g);
	if (r != CAT_OK && r != CAT_NOTFOUND)
		fuzz_fail("the catalog cannot be read");
	/* answered with its group: a later object of the same name in it
	 * may have replaced it, and retention removed it, already */
	if (!g.found && in_group)
		return;
	if (!g.found)
		fuzz_fail("OBJECT_OK names version %llu, which the catalog does "
		    "not show as NODE1's", (unsigned long long)version);
	if (req == WIRE_BACKUP && (int)g.type != seen.btype)
		fuzz_fail("a BACKUP of type %d stored a %d", seen.btype, g.type);
	if (req != WIRE_DATA_END)
		return;
	if (g.type != CAT_FILE || g.size != seen.dsize ||
	    memcmp(g.sha256, seen.dhash, 32) != 0)
		fuzz_fail("version %llu is not the FILE of %llu bytes sent",
		    (unsigned long long)version, (unsigned long long)seen.dsize);
	check_content(version, &g);
	if (nknown < KNOWN_MAX) {
		known[nknown].version = version;
		known[nknown].size = g.size;
		memcpy(known[nknown].sha256, g.sha256, 32);
		nknown++;
	}
}

static void
sent_object_refused(struct wire_in *in)
{
	static char text[WIRE_TEXT_MAX + 1];
	uint16_t req = seen.req;
	char id[9];
	size_t i;

	object_answer(WIRE_OBJECT_REFUSED);
	if (wire_get(in, id, 8) == -1 ||
	    wire_get_text(in, text, WIRE_TEXT_MAX) == -1 || wire_end(in) == -1)
		fuzz_fail("a malformed OBJECT_REFUSED");
	id[8] = '\0';
	if (strncmp(id, "BWK15", 5) != 0 || id[7] != 'E')
		fuzz_fail("an OBJECT_REFUSED with the ID \"%s\"", id);
	for (i = 0; text[i] != '\0'; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			fuzz_fail("an OBJECT_REFUSED whose text holds a control "
			    "character: %s", text);
	if ((req == WIRE_BACKUP && seen.btype == WIRE_OBJ_FILE) ||
	    (req != WIRE_BACKUP && req != WIRE_DATA_END &&
	    req != WIRE_DEACTIVATE && req != WIRE_QUERY_BACKUP &&
	    req != WIRE_QUERY_FILESPACE && req != WIRE_RESTORE))
		fuzz_fail("an OBJECT_REFUSED that answers %s",
		    req ? wire_type_name(req) : "nothing");
	seen.req = 0;
	seen.answering = 0;
}

/* An answer's frame: more, a count, the entries; -1 when more is set. */
static int
answer_frame(struct wire_in *in, uint16_t type, uint16_t req,
    uint16_t *count, size_t len, size_t entry_max)
{
	uint8_t more;

	object_answer(type);
	if (seen.req != req)
		fuzz_fail("a %s that answers %s", wire_type_name(type),
		    seen.req ? wire_type_name(seen.req) : "nothing");
	if (wire_get_n8(in, &more) == -1 || wire_get_n16(in, count) == -1 ||
	    more > 1)
		fuzz_fail("a %s frame whose head is malformed",
		    wire_type_name(type));
	if (more && WIRE_MAX_PAYLOAD - len >= entry_max)
		fuzz_fail("a %s frame sent with more while another entry fit",
		    wire_type_name(type));
	seen.answering = more ? type : 0;
	if (!more)
		seen.req = 0;
	return more ? -1 : 0;
}

static void
sent_objects(struct wire_in *in, size_t len)
{
	static struct wire_object o;
	const struct known *k;
	uint16_t count, i;

	(void)answer_frame(in, WIRE_OBJECTS, WIRE_QUERY_BACKUP, &count, len,
	    WIRE_OBJECT_MAX);
	for (i = 0; i < count; i++) {
		if (wire_get_object(in, &o) == -1)
			fuzz_fail("an OBJECTS entry the client refuses");
		if ((int64_t)o.version == other_version)
			fuzz_fail("NODE2's version listed to NODE1");
		if ((k = known_version(o.version)) != NULL &&
		    (o.type != WIRE_OBJ_FILE || o.size != k->size ||
		    memcmp(o.sha256, k->sha256, 32) != 0))
			fuzz_fail("version %llu listed unlike it was stored",
			    (unsigned long long)o.version);
	}
	if (wire_end(in) == -1)
		fuzz_fail("an OBJECTS frame with bytes after its entries");
}

static void
sent_filespaces(struct wire_in *in, size_t len)
{
	static char name[WIRE_PATH_MAX + 1];
	int64_t created;
	uint16_t count, i;

	(void)answer_frame(in, WIRE_FILESPACES, WIRE_QUERY_FILESPACE, &count,
	    len, WIRE_FILESPACE_MAX);
	for (i = 0; i < count; i++)
		if (wire_get_filespace(in, name, &created) == -1)
			fuzz_fail("a FILESPACES entry the client refuses");
	if (wire_end(in) == -1)
		fuzz_fail("a FILESPACES frame with bytes after its entries");
}

/* Only NODE1's own versions of this run, and never more than stored. */
static const struct known *
restoring(uint16_t type)
{
	const struct known *k;

	object_answer(type);
	if (seen.req != WIRE_RESTORE)
		fuzz_fail("a %s that answers %s", wire_type_name(type),
		    seen.req ? wire_type_name(seen.req) : "nothing");
	if ((k = known_version(seen.restore_id)) == NULL)
		fuzz_fail("%s for version %llu, which NODE1 did not store",
		    wire_type_name(type), (unsigned long long)seen.restore_id);
	return k;
}

static void
sent_rdata(const uint8_t *p, size_t n)
{
	const struct known *k = restoring(WIRE_RDATA);

	if (n == 0 || n > WIRE_DATA_MAX || seen.rsize + n > k->size)
		fuzz_fail("an RDATA of %zu bytes, %llu sent of %llu", n,
		    (unsigned long long)seen.rsize,
		    (unsigned long long)k->size);
	if (wc_Sha256Update(&seen.rsha, p, (word32)n) != 0)
		abort();
	seen.rsize += n;
}

static void
sent_rdata_end(struct wire_in *in)
{
	const struct known *k = restoring(WIRE_RDATA_END);
	uint8_t sha[32], got[32];
	uint64_t size;

	if (wire_get_n64(in, &size) == -1 || wire_get(in, sha, 32) == -1 ||
	    wire_end(in) == -1)
		fuzz_fail("a malformed RDATA_END");
	if (wc_Sha256Final(&seen.rsha, got) != 0)
		abort();
	if (size != k->size || memcmp(sha, k->sha256, 32) != 0 ||
	    seen.rsize != size || memcmp(got, sha, 32) != 0)
		fuzz_fail("an RDATA_END whose size or hash is not the data's "
		    "or the catalog's");
	seen.req = 0;
}

ssize_t
session_write(struct session *s, const void *buf, size_t len)
{
	static char text[WIRE_TEXT_MAX + 1];
	struct wire_in in;
	const uint8_t *p;
	uint16_t type;
	size_t n;

	(void)s;
	/* the server's answers to a group come several to a write */
	if (len >= WIRE_HDR_LEN && wire_header(buf, &type, &n) == 0 &&
	    len > WIRE_HDR_LEN + n) {
		size_t one = WIRE_HDR_LEN + n;

		if ((type != WIRE_OBJECT_OK && type != WIRE_OBJECT_REFUSED) ||
		    session_write(s, buf, one) != (ssize_t)one ||
		    session_write(s, (const uint8_t *)buf + one, len - one) !=
		    (ssize_t)(len - one))
			fuzz_fail("a write of several frames, not all answers "
			    "to objects");
		return (ssize_t)len;
	}
	fw_sent(buf, len, &type, &p, &n);
	if (seen.error)
		fuzz_fail("a %s frame after the ERROR", wire_type_name(type));
	wire_in_init(&in, type, p, n);
	if (seen.in_rows && type != WIRE_ROWS)
		fuzz_fail("a %s frame inside a result's ROWS",
		    wire_type_name(type));
	if (seen.answering && type != seen.answering &&
	    type != WIRE_OBJECT_REFUSED)
		fuzz_fail("a %s frame inside an answer of %s frames",
		    wire_type_name(type), wire_type_name(seen.answering));
	switch (type) {
	case WIRE_OBJECT_OK:
		owed_answer(sent_object_ok, &in);
		break;
	case WIRE_OBJECT_REFUSED:
		owed_answer(sent_object_refused, &in);
		break;
	case WIRE_OBJECTS:
		sent_objects(&in, n);
		break;
	case WIRE_FILESPACES:
		sent_filespaces(&in, n);
		break;
	case WIRE_RDATA:
		sent_rdata(p, n);
		break;
	case WIRE_RDATA_END:
		sent_rdata_end(&in);
		break;
	case WIRE_ROWS:
		sent_rows(&in);
		break;
	case WIRE_ERROR:
		sent_error(&in);
		break;
	case WIRE_HELLO_OK:
		sent_hello_ok(&in);
		break;
	case WIRE_SCRAM_CHALLENGE:
		sent_challenge(&in);
		break;
	case WIRE_SCRAM_OUTCOME:
		sent_outcome(&in);
		break;
	case WIRE_SIGNED_ON:
		sent_signed_on(&in);
		break;
	case WIRE_PASSWORD_SET:
		sent_password_set(&in);
		break;
	case WIRE_SESSION:
		get_text(&in, text, WIRE_TEXT_MAX, "SESSION");
		if (!seen.told || seen.expired ||
		    strstr(text, "\nsigned on: yes") == NULL)
			fuzz_fail("the session's facts to a client that has not "
			    "signed on: %s", text);
		break;
	case WIRE_BYE_OK:
		if (wire_end(&in) == -1)
			fuzz_fail("a BYE_OK that is not empty");
		break;
	default:
		fuzz_fail("a frame of type 0x%04x (%s) from the server", type,
		    wire_type_name(type));
	}
	seen.last = type;
	return (ssize_t)len;
}

/* ---- set-up: the catalog, its accounts, their keys */

/*
 * Removes a directory of ours and what is in it, depth levels down (the
 * catalog's directory holds data/, which holds ab/ with content files).
 */
static void
remove_tree(const char *path, int depth, int self)
{
	char p[PATH_MAX];
	struct dirent *e;
	struct stat st;
	DIR *d;

	if ((d = opendir(path)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (depth > 0)
				remove_tree(p, depth - 1, 1);
		} else
			(void)unlink(p);
	}
	closedir(d);
	if (self)
		(void)rmdir(path);
}

static void
remove_dir(const char *path)
{
	remove_tree(path, 2, 1);
}

static void
at_exit(void)
{
	catalog_close(cat);
	cat = NULL;
	if (datafd != -1)
		close(datafd);
	remove_dir(dir);
	free(pristine);
}

/* The directories of runs that ended without their exit (a crash). */
static void
remove_stale(const char *base)
{
	char p[PATH_MAX];
	struct dirent *e;
	struct stat st;
	long pid;
	DIR *d;

	if ((d = opendir(base)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) != 0)
			continue;
		pid = strtol(e->d_name + strlen(TMP_PREFIX), NULL, 10);
		snprintf(p, sizeof(p), "%s/%s", base, e->d_name);
		if (pid > 0 && kill((pid_t)pid, 0) == -1 && errno == ESRCH &&
		    lstat(p, &st) == 0 && S_ISDIR(st.st_mode) &&
		    st.st_uid == geteuid())
			remove_dir(p);
	}
	closedir(d);
}

/* SaltedPassword once, then the keys a client and the server hold. */
static void
derive(struct account *a, const uint8_t *salt, size_t salt_len,
    struct scram_verifier *v)
{
	struct scram_verifier lib;
	uint8_t salted[32];

	if (wc_PBKDF2(salted, (const uint8_t *)a->password,
	    (int)strlen(a->password), salt, (int)salt_len,
	    (int)SCRAM_KDF_ROUNDS(ITER), 32,
	    WC_SHA256) != 0)
		abort();
	fw_hmac_str(salted, "Client Key", a->client_key);
	fw_hmac_str(salted, "Server Key", a->server_key);
	if (wc_Sha256Hash(a->client_key, 32, a->stored_key) != 0)
		abort();
	memset(v, 0, sizeof(*v));
	memcpy(v->p.salt, salt, salt_len);
	v->p.salt_len = salt_len;
	v->p.iter = ITER;
	memcpy(v->stored_key, a->stored_key, 32);
	memcpy(v->server_key, a->server_key, 32);
	/* the server's library must agree, or no proof here would verify */
	if (scram_verifier_derive((const uint8_t *)a->password,
	    strlen(a->password), salt, salt_len, ITER, 0, &lib) != SCRAM_OK ||
	    memcmp(&lib, v, sizeof(lib)) != 0)
		fuzz_fail("set-up: this target's keys are not scram.c's");
}

static struct serve_env env;

/* NODE2's one file: its bytes, its content file's name once stored. */
static const char other_bytes[] = "NODE2's file, never NODE1's";
static char other_content[CAT_CONTENT_MAX];

/* NODE2's content file, under the name it is stored with. */
static int
other_nodes_data(const char *name, uint64_t *size, uint8_t sha[32])
{
	struct content_w w;

	return content_create(datafd, name, &w) == -1 || content_write(&w,
	    other_bytes, sizeof(other_bytes) - 1) == -1 ||
	    content_finish(&w, size, sha) == -1 ? -1 : 0;
}

/* NODE2's one file: version 1, which NODE1 must never see or restore. */
static void
other_nodes_file(void)
{
	struct cat_meta m = { .type = CAT_FILE, .mode = 0600 };
	struct cat_pending pend;
	uint8_t sha[32];
	uint64_t size;

	if (catalog_object_begin(cat, "node2", "/home", "/secret", &m,
	    &pend) != CAT_OK || other_nodes_data(pend.content, &size, sha) ==
	    -1 || catalog_object_commit(cat, "node2", pend.version, size,
	    sha) != CAT_OK)
		fuzz_fail("set-up: cannot store NODE2's file");
	other_version = pend.version;
	memcpy(other_content, pend.content, sizeof(other_content));
}

/*
 * The catalog file set-up made, kept to be written back: making it anew
 * (schema, accounts) took three quarters of the target's time.
 */
static void
keep_pristine(void)
{
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "%s/catalog.db-wal", dir);
	if (lstat(p, &st) == 0)		/* the catalog was not closed whole */
		fuzz_fail("set-up: %s is left after the catalog's close", p);
	snprintf(p, sizeof(p), "%s/catalog.db", dir);
	pristine = fuzz_file_keep(p, &pristine_len);
}

static void
write_pristine(void)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/catalog.db", dir);
	fuzz_file_put(p, pristine, pristine_len);
}

/*
 * The catalog and its data made the first time, by the catalog's own
 * calls: the accounts (NODE2 with NODE1's verifier: it never signs on)
 * and NODE2's file. Its closed (so checkpointed) file is kept.
 */
static void
make_catalog(void)
{
	size_t i;

	if (catalog_open(&cat, dir, CAT_OPEN_CREATE) != CAT_OK)
		fuzz_fail("cannot make the catalog in %s", dir);
	for (i = 0; i < sizeof(accounts) / sizeof(accounts[0]); i++)
		if (catalog_account_register(cat, accounts[i].kind,
		    accounts[i].name, &accounts[i].v, CAT_TRANSITIONAL, 0) !=
		    CAT_OK)
			fuzz_fail("set-up: cannot register %s", accounts[i].name);
	if (catalog_account_register(cat, CAT_NODE, "node2", &accounts[0].v,
	    CAT_STRICT, 0) != CAT_OK)
		fuzz_fail("set-up: cannot register node2");
	other_nodes_file();
	catalog_close(cat);
	cat = NULL;
	keep_pristine();
}

/*
 * The catalog and its data as set-up made them, after an administrator
 * changed accounts or a node stored objects: every run starts from the
 * same catalog, and NODE1's first version is the same.
 */
static void
remake(void)
{
	uint8_t sha[32];
	uint64_t size;
	size_t i;

	catalog_close(cat);
	cat = NULL;
	remove_tree(dir, 0, 0);
	remove_tree(datadir, 1, 0);
	write_pristine();
	if (catalog_open(&cat, dir, 0) != CAT_OK)
		fuzz_fail("cannot open the catalog again in %s", dir);
	if (other_nodes_data(other_content, &size, sha) == -1 ||
	    size != sizeof(other_bytes) - 1)
		fuzz_fail("cannot write NODE2's content file again");
	for (i = 0; i < sizeof(accounts) / sizeof(accounts[0]); i++) {
		accounts[i].sec = CAT_TRANSITIONAL;
		accounts[i].expires = 0;
	}
	env.cat = cat;
	touched = replaced = 1;
	administered = objects_touched = 0;
}

static void
serve_setup(void)
{
	static const uint8_t salt[16] = "fuzz_serve salt.";
	const char *base = "/dev/shm";
	struct stat st;
	size_t i;

	if (stat(base, &st) == -1 || !S_ISDIR(st.st_mode) ||
	    access(base, W_OK) == -1)
		base = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp";
	remove_stale(base);
	if ((size_t)snprintf(dir, sizeof(dir), "%s/" TMP_PREFIX "%ld.XXXXXX",
	    base, (long)getpid()) >= sizeof(dir) || mkdtemp(dir) == NULL) {
		fprintf(stderr, "%s: cannot make a directory in %s\n",
		    fuzz_name, base);
		abort();
	}
	snprintf(datadir, sizeof(datadir), "%s/data", dir);
	if (mkdir(datadir, 0700) == -1 || (datafd = open(datadir,
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "%s: cannot make %s\n", fuzz_name, datadir);
		remove_dir(dir);
		abort();
	}
	atexit(at_exit);
	for (i = 0; i < sizeof(accounts) / sizeof(accounts[0]); i++)
		derive(&accounts[i], salt, sizeof(salt), &accounts[i].v);
	sopts.maxsessions = 25;
	sopts.passexp = 90;
	opts.host = "fuzz-client";
	env.o = &sopts;
	env.datafd = datafd;
	memset(env.fake_key, 0x5a, sizeof(env.fake_key));
	make_catalog();
	remake();
}

/*
 * Each run starts from the same catalog: the registered passwords, the
 * node's expired or not, no failures, no lock.
 */
static void
reset(enum cat_security sec, int expired)
{
	struct cat_update u;
	int64_t exp;
	size_t i;

	if (administered || objects_touched)
		remake();
	nknown = 0;
	for (i = 0; i < sizeof(accounts) / sizeof(accounts[0]); i++) {
		exp = accounts[i].kind == CAT_NODE && expired ? 1 : 0;
		if ((replaced || accounts[i].expires != exp) &&
		    catalog_account_set_verifier(cat, accounts[i].kind,
		    accounts[i].name, &accounts[i].v, exp) != CAT_OK)
			fuzz_fail("cannot reset the password of %s",
			    accounts[i].name);
		accounts[i].expires = exp;
		if (!touched && accounts[i].sec == sec)
			continue;
		memset(&u, 0, sizeof(u));
		u.what = CAT_SET_UNLOCK | CAT_SET_SECURITY;
		u.security = sec;
		if (catalog_account_update(cat, accounts[i].kind, accounts[i].name, &u) !=
		    CAT_OK)
			fuzz_fail("cannot reset %s", accounts[i].name);
		accounts[i].sec = sec;
	}
	touched = replaced = 0;
}

/* After a session: what the catalog holds agrees with what was sent. */
static void
after(int r, int busy)
{
	struct account *a = the_account();
	struct cat_account ca;

	if (r != 0 && r != 4 && r != 5)
		fuzz_fail("serve_session returned %d", r);
	if ((r == 5) != busy || (busy && seen.last != WIRE_ERROR))
		fuzz_fail("a busy server's session returned %d", r);
	/* ended by the server, the client still there: it was told why */
	if (r == 4 && !stream.eof && seen.last != WIRE_ERROR &&
	    seen.last != WIRE_SCRAM_OUTCOME)
		fuzz_fail("the server ended the session without an ERROR "
		    "(its last frame: %s)", seen.last ?
		    wire_type_name(seen.last) : "none");
	if (r == 0 && !stream.eof && seen.last != WIRE_BYE_OK)
		fuzz_fail("a session ended without BYE_OK or the client's close");
	if (r == 0 && stream.eof && stream.cut)
		fuzz_fail("a close in the middle of a frame taken for a clean "
		    "one");
	if (seen.in_rows)
		fuzz_fail("a session ended inside a result's ROWS");
	if (seen.answering)
		fuzz_fail("a session ended inside an answer of %s frames",
		    wire_type_name(seen.answering));
	bwk_rows_free(&seen.rows);
	/* an administrator's commands may have changed the account itself */
	if (!seen.signed_on || administered)
		return;
	if (catalog_account_get(cat, a->kind, a->name, &ca) != CAT_OK ||
	    ca.security != CAT_STRICT || ca.failed_signons != 0 ||
	    ca.locked_until != 0)
		fuzz_fail("%s signed on, and the catalog does not show it",
		    a->name);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct session s;
	uint8_t flags;
	int i, r;

	if (size < 1)
		return 0;
	flags = data[0];
	node_expired = (flags & 0x20) != 0;
	reset(flags & 4 ? CAT_STRICT : CAT_TRANSITIONAL, node_expired);
	env.roles = (flags & 3) != 0 ? flags & 3 : ROLE_NODE | ROLE_ADMIN;
	no_exporter = (flags & 0x10) != 0;
	fw_init(&stream, data + 1, size - 1, flags >> 6);
	stream.rewrite = rewrite;
	for (i = 0; i < SESSIONS_MAX && (i == 0 || stream.off < stream.len);
	    i++) {
		memset(&s, 0, sizeof(s));
		s.o = &opts;
		s.sock = -1;
		s.is_server = 1;
		memset(&seen, 0, sizeof(seen));
		nowed = 0;
		stream.flen = stream.foff = 0;	/* a new connection */
		env.busy = i == 0 && (flags & 8);
		r = serve_session(&s, &env);
		after(r, env.busy);
		if (stream.eof)
			break;
	}
	return 0;
}
