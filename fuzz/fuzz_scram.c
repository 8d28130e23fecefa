/*
 * The SCRAM message parsers of both sides (src/lib/scram.c), and the key
 * helper's step over whatever a hostile network process might hand it.
 *
 * The first byte chooses: its low three bits the target, bit 0x08 the
 * gs2 header "n,," (SCRAM_INSECURE_NO_CBIND) where it matters; the rest
 * is the message, or for the helper three messages separated by NUL
 * bytes (which no message may hold).
 *
 *	0  client-first (server side): parsed, rebuilt, parsed again
 *	1  server-first (client side), against a fixed client nonce
 *	2  client-final (server side), then checked by the server
 *	3  server-final (client side), then its signature
 *	4  the helper's step; a proof it gives must verify on our server
 *	5  the client-first builder, from a name, an authzid and a nonce
 *
 * Any violated property aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/lib/msg.h"
#include "../src/lib/scram.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CNONCE		"fyko+d2lbbFgONRv9qkxdawLfyko+d2l"
#define SNONCE		"3rfcNHYJY1ZVvWVs7j3rfcNHYJY1ZVvW"
#define PASSWORD	"pencil"
/* the helper's step runs PBKDF2 for counts up to this only */
#define CHEAP_ITER	64

static const uint8_t cb[SCRAM_CB_LEN] = { 0x42, 0x17, 0x99 };

static struct scram_verifier	v;	/* PASSWORD, CHEAP_ITER rounds */
static struct scram_client_first cf;	/* "node1", CNONCE */
static struct scram_server_first sf;

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_scram: property violated: %s\n", what);
	abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const uint8_t salt[16] = "0123456789abcdef";

	(void)argc;
	(void)argv;
	bwk_quiet = 1;
	if (scram_verifier_derive((const uint8_t *)PASSWORD, strlen(PASSWORD),
	    salt, sizeof(salt), CHEAP_ITER, SCRAM_INSECURE_ANY_ITER, &v) != 0 ||
	    scram_client_first_build("node1", NULL, CNONCE, 0, &cf) != 0 ||
	    scram_server_first_build(&cf, SNONCE, &v.p, &sf) != 0)
		fail("set-up");
	return 0;
}

static void
client_first(const char *m, size_t n, int flags)
{
	struct scram_client_first a, b;
	struct scram_server_first s;

	if (scram_client_first_parse(m, n, flags, &a) != SCRAM_OK)
		return;
	if (a.bare_off >= a.msg.len || a.msg.len != n ||
	    memcmp(a.msg.s, m, n) != 0)
		fail("client-first kept other bytes than it parsed");
	if (!(flags & SCRAM_INSECURE_NO_CBIND) && !a.cbind)
		fail("client-first without binding accepted");
	if (scram_client_first_build(a.user, a.authzid[0] ? a.authzid : NULL,
	    a.nonce, a.cbind ? 0 : SCRAM_INSECURE_NO_CBIND, &b) != SCRAM_OK)
		fail("a parsed client-first cannot be rebuilt");
	if (strcmp(a.user, b.user) != 0 || strcmp(a.authzid, b.authzid) != 0 ||
	    strcmp(a.nonce, b.nonce) != 0 || a.cbind != b.cbind)
		fail("client-first rebuilt differs");
	if (scram_server_first_build(&a, SNONCE, &v.p, &s) != SCRAM_OK)
		fail("no server-first for a parsed client-first");
}

static void
server_first(const char *m, size_t n)
{
	struct scram_server_first s;
	struct scram_msg out;

	if (scram_server_first_parse(m, n, CNONCE, &s) != SCRAM_OK)
		return;
	if (strncmp(s.nonce, CNONCE, strlen(CNONCE)) != 0 ||
	    strlen(s.nonce) < strlen(CNONCE) + SCRAM_NONCE_MIN)
		fail("server nonce does not extend the client's");
	if (s.p.salt_len < SCRAM_SALT_MIN || s.p.salt_len > SCRAM_SALT_MAX ||
	    s.p.iter == 0 || s.p.iter > SCRAM_ITER_MAX)
		fail("server-first limits");
	if (scram_client_final_noproof(&cf, &s, cb, sizeof(cb), &out) !=
	    SCRAM_OK)
		fail("no final message for a parsed server-first");
}

static void
client_final(const char *m, size_t n)
{
	struct scram_client_final f;
	struct scram_msg out;
	int rc;

	if (scram_client_final_parse(m, n, &f) != SCRAM_OK)
		return;
	if (f.noproof_len + 3 + 44 != n || memcmp(m + f.noproof_len, ",p=", 3))
		fail("client-final's proof is not where it was cut");
	rc = scram_server_verify(&v, &cf, &sf, &f, cb, sizeof(cb), 0, &out);
	if (rc == SCRAM_OK && (out.len != 46 || out.s[0] != 'v'))
		fail("server-final shape");
}

static void
server_final(const char *m, size_t n)
{
	struct scram_server_final s;
	const uint8_t zero[SCRAM_HASH_LEN] = { 0 };
	int rc;

	if (scram_server_final_parse(m, n, &s) != SCRAM_OK)
		return;
	rc = scram_server_sig_check(zero, &s);
	if (s.is_error ? rc != SCRAM_E_SERVER_ERR : rc == SCRAM_E_SERVER_ERR)
		fail("server-final error flag");
}

/* splits data at NUL bytes into three parts */
static int
three(const char *d, size_t n, const char *p[3], size_t l[3])
{
	const char *e = d + n, *z;
	int i;

	for (i = 0; i < 3; i++) {
		z = i < 2 ? memchr(d, '\0', (size_t)(e - d)) : e;
		if (z == NULL)
			return -1;
		p[i] = d;
		l[i] = (size_t)(z - d);
		d = z + (i < 2);
	}
	return 0;
}

/*
 * A proof the helper gives must verify on our server, with the gs2
 * header and binding it was given, and its ServerSignature must match.
 */
static void
proof_verifies(const char *p[3], size_t l[3], int flags,
    const struct scram_proof *pr, const struct scram_server_first *s)
{
	struct scram_client_first c;
	struct scram_client_final f;
	struct scram_server_final sfin;
	struct scram_verifier vv;
	struct scram_msg np, fin, out;
	char first[2 * SCRAM_MSG_MAX + 1];
	size_t h, cbl;

	if (l[2] + 3 + 44 > SCRAM_MSG_MAX)
		return;		/* no final message could hold the proof */
	memcpy(np.s, p[2], l[2]);
	np.s[l[2]] = '\0';
	np.len = l[2];
	if (scram_client_final_build(&np, pr->client_proof, &fin) != SCRAM_OK ||
	    scram_client_final_parse(fin.s, fin.len, &f) != SCRAM_OK)
		fail("no client-final for a proof given");
	/* the helper took "p=tls-exporter,..." and 32 bytes, or "n,..." */
	cbl = f.cbind[0] == 'n' ? 0 : SCRAM_CB_LEN;
	if (cbl == 0 && !(flags & SCRAM_INSECURE_NO_CBIND))
		fail("a proof without channel binding");
	h = f.cbind_len - cbl;
	if (h + l[0] > SCRAM_MSG_MAX)
		return;		/* no client-first could have been this */
	memcpy(first, f.cbind, h);
	memcpy(first + h, p[0], l[0]);
	if (scram_client_first_parse(first, h + l[0], flags, &c) != SCRAM_OK)
		fail("the helper signed a gs2 header the server refuses");
	if (scram_verifier_derive((const uint8_t *)PASSWORD, strlen(PASSWORD),
	    s->p.salt, s->p.salt_len, s->p.iter, SCRAM_INSECURE_ANY_ITER,
	    &vv) != SCRAM_OK)
		fail("no verifier");
	if (scram_server_verify(&vv, &c, s, &f, cbl ? f.cbind + h : NULL, cbl,
	    flags, &out) != SCRAM_OK)
		fail("a proof the helper gave does not verify");
	if (scram_server_final_parse(out.s, out.len, &sfin) != SCRAM_OK ||
	    scram_server_sig_check(pr->server_sig, &sfin) != SCRAM_OK)
		fail("the server's signature is not the one the helper expects");
}

/* The client nonce of a client-first-message-bare, by the public parser. */
static int
bare_nonce(const char *bare, size_t n, char out[SCRAM_NONCE_PART_MAX + 1])
{
	static const char gs2[] = "p=" SCRAM_CB_NAME ",,";
	struct scram_client_first c;
	char buf[SCRAM_MSG_MAX + 1];

	if (n > SCRAM_MSG_MAX - (sizeof(gs2) - 1))
		return -1;
	memcpy(buf, gs2, sizeof(gs2) - 1);
	memcpy(buf + sizeof(gs2) - 1, bare, n);
	if (scram_client_first_parse(buf, sizeof(gs2) - 1 + n, 0, &c) != 0)
		return -1;
	memcpy(out, c.nonce, sizeof(c.nonce));
	return 0;
}

static void
helper(const char *d, size_t n, int nocb)
{
	struct scram_server_first s;
	struct scram_proof pr;
	const char *p[3];
	size_t l[3];
	char cn[SCRAM_NONCE_PART_MAX + 1];
	int flags = nocb ? SCRAM_INSECURE_NO_CBIND : 0, cheap = 0, rc;

	if (three(d, n, p, l) == -1 ||
	    l[0] > SCRAM_MSG_MAX - strlen("p=" SCRAM_CB_NAME ",,"))
		return;
	/* the count decides the cost: run PBKDF2 only when it is cheap */
	if (bare_nonce(p[0], l[0], cn) == 0 &&
	    scram_server_first_parse(p[1], l[1], cn, &s) == SCRAM_OK) {
		if (s.p.iter >= SCRAM_ITER_FLOOR)
			return;
		cheap = s.p.iter <= CHEAP_ITER;
	}
	if (!cheap) {
		/* below the floor, or messages that do not parse: no proof */
		rc = scram_client_proof((const uint8_t *)PASSWORD,
		    strlen(PASSWORD), p[0], l[0], p[1], l[1], p[2], l[2], flags,
		    &pr);
		if (rc == SCRAM_OK)
			fail("a proof below the floor or for bad messages");
		return;
	}
	flags |= SCRAM_INSECURE_ANY_ITER;
	rc = scram_client_proof((const uint8_t *)PASSWORD, strlen(PASSWORD),
	    p[0], l[0], p[1], l[1], p[2], l[2], flags, &pr);
	if (rc == SCRAM_OK)
		proof_verifies(p, l, flags, &pr, &s);
}

static void
build(const char *d, size_t n, int nocb)
{
	struct scram_client_first a, b;
	char u[SCRAM_MSG_MAX + 1], z[SCRAM_MSG_MAX + 1], r[SCRAM_MSG_MAX + 1];
	const char *p[3];
	size_t l[3];
	int flags = nocb ? SCRAM_INSECURE_NO_CBIND : 0;

	if (three(d, n, p, l) == -1 || l[0] > SCRAM_MSG_MAX ||
	    l[1] > SCRAM_MSG_MAX || l[2] > SCRAM_MSG_MAX)
		return;
	memcpy(u, p[0], l[0]);
	u[l[0]] = '\0';
	memcpy(z, p[1], l[1]);
	z[l[1]] = '\0';
	memcpy(r, p[2], l[2]);
	r[l[2]] = '\0';
	if (scram_client_first_build(u, l[1] ? z : NULL, r, flags, &a) !=
	    SCRAM_OK)
		return;
	if (strcmp(a.user, u) != 0 || strcmp(a.authzid, z) != 0 ||
	    strcmp(a.nonce, r) != 0)
		fail("client-first built from other values");
	if (scram_client_first_parse(a.msg.s, a.msg.len, flags, &b) !=
	    SCRAM_OK || strcmp(b.user, u) != 0)
		fail("a built client-first does not parse");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *m = (const char *)data + 1;
	size_t n = size - 1;
	int nocb;

	if (size == 0)
		return 0;
	nocb = data[0] & 0x08;
	switch (data[0] & 0x07) {
	case 0:
		client_first(m, n, nocb ? SCRAM_INSECURE_NO_CBIND : 0);
		break;
	case 1:
		server_first(m, n);
		break;
	case 2:
		client_final(m, n);
		break;
	case 3:
		server_final(m, n);
		break;
	case 4:
		helper(m, n, nocb);
		break;
	case 5:
		build(m, n, nocb);
		break;
	default:
		break;
	}
	return 0;
}
