/*
 * SCRAM-SHA-256-PLUS (RFC 5802, RFC 7677) with the tls-exporter channel
 * binding (RFC 9266). docs/scram.md is the reference; scram.h says which
 * process calls what.
 *
 * The parsers read peer bytes in the network process, in the server's
 * session process and, again, in the key helper: each message is bounded
 * before it is split, split on ',' only (no value may hold one), and each
 * field checked against its own limit. Anything the grammar does not
 * allow is refused, and so is much that it allows but nobody needs:
 * control characters, invalid UTF-8, channel bindings other than
 * tls-exporter, optional extensions beyond SCRAM_EXT_MAX.
 *
 * The math is wolfCrypt's (PBKDF2, HMAC and SHA-256); every buffer that
 * holds a password-derived value is wiped before it goes out of scope.
 */
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hmac.h>
#include <wolfssl/wolfcrypt/pwdbased.h>
#include <wolfssl/wolfcrypt/random.h>

#include <stdio.h>
#include <string.h>

#include "certfile.h"
#include "scram.h"
#include "util.h"

#define FLAGS_ALL	(SCRAM_INSECURE_ANY_ITER | SCRAM_INSECURE_NO_CBIND)
/* base64 characters for n bytes */
#define B64_LEN(n)	(4 * (((n) + 2) / 3))
/* at most: gs2 or nothing, the attributes, the extensions, the proof */
#define FIELDS_MAX	(3 + SCRAM_EXT_MAX + 1)
/* the RFC's attribute letters: never taken as an extension */
#define DEFINED_ATTRS	"acimnprsv" "e"

_Static_assert(SCRAM_ITER_MAX <= 9999999, "i= parsed as 7 digits at most");
_Static_assert(SCRAM_NONCE_LEN % 4 == 0 && SCRAM_NONCE_LEN <=
    SCRAM_NONCE_PART_MAX && SCRAM_NONCE_LEN >= SCRAM_NONCE_MIN,
    "our nonces are unpadded base64 within the limits");
_Static_assert(SCRAM_SALT_LEN >= SCRAM_SALT_MIN &&
    SCRAM_SALT_LEN <= SCRAM_SALT_MAX && SCRAM_SALT_LEN <= SCRAM_HASH_LEN,
    "new and fake salts are within the limits");

struct field {
	char		 attr;
	const char	*v;
	size_t		 len;
};

/* ---- bytes and characters */

/*
 * Constant time: the server compares StoredKey, the helper the server's
 * signature. (A comparison, not crypto: wolfCrypt's ConstantCompare is
 * internal to the library.)
 */
static int
ct_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
	volatile uint8_t d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

/* One UTF-8 sequence at s[0..left): its length, or 0 when invalid. */
static size_t
utf8_seq(const unsigned char *s, size_t left)
{
	uint32_t cp;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (n > left)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;	/* over-long, beyond Unicode, or a surrogate */
	if (cp >= 0x80 && cp <= 0x9f)
		return 0;	/* C1 control */
	return n;
}

/*
 * UTF-8 without control characters (C0, DEL, C1) or NUL: what a SCRAM
 * message may hold. SASLprep would refuse the controls in names anyway;
 * in nonces, base64 and numbers they are never valid.
 */
static int
text_ok(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			return 0;
		if ((n = utf8_seq(p + i, len - i)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

/* The message as a whole, before anything is split. */
static int
msg_check(const char *m, size_t len)
{
	if (m == NULL)
		return SCRAM_E_ARG;
	if (len > SCRAM_MSG_MAX)
		return SCRAM_E_TOOLONG;
	if (len == 0 || !text_ok(m, len))
		return SCRAM_E_SYNTAX;
	return SCRAM_OK;
}

/* RFC 5802 printable: %x21-2B / %x2D-7E, so ASCII without ',' or space. */
static int
nonce_chars_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] < 0x21 || s[i] > 0x7e || s[i] == ',')
			return 0;
	return 1;
}

/* A nonce of one side: the client's, or the server's part. */
static int
nonce_part_check(const char *s, size_t len)
{
	if (len > SCRAM_NONCE_PART_MAX)
		return SCRAM_E_TOOLONG;
	if (len < SCRAM_NONCE_MIN || !nonce_chars_ok(s, len))
		return SCRAM_E_NONCE;
	return SCRAM_OK;
}

/*
 * A saslname (RFC 5802 section 5.1): "=2C" is ',' and "=3D" is '=', any
 * other '=' is an error; decoded into out (NUL-terminated).
 */
static int
name_decode(const char *v, size_t len, char out[SCRAM_NAME_MAX + 1])
{
	size_t i, n = 0;
	char c;

	if (len == 0)
		return SCRAM_E_SYNTAX;
	for (i = 0; i < len; i++) {
		c = v[i];
		if (c == '=') {
			if (len - i < 3)
				return SCRAM_E_NAME;
			if (v[i + 1] == '2' && v[i + 2] == 'C')
				c = ',';
			else if (v[i + 1] == '3' && v[i + 2] == 'D')
				c = '=';
			else
				return SCRAM_E_NAME;
			i += 2;
		}
		if (n == SCRAM_NAME_MAX)
			return SCRAM_E_TOOLONG;
		out[n++] = c;
	}
	out[n] = '\0';
	return SCRAM_OK;
}

/* A name we are asked to send: 1..SCRAM_NAME_MAX bytes of clean text. */
static int
name_check(const char *s)
{
	size_t len = strnlen(s, SCRAM_NAME_MAX + 1);

	if (len > SCRAM_NAME_MAX)
		return SCRAM_E_TOOLONG;
	if (len == 0 || !text_ok(s, len))
		return SCRAM_E_SYNTAX;
	return SCRAM_OK;
}

/*
 * Strict base64 (no whitespace, canonical padding and low bits) of
 * min..max bytes; a value too long for max is err_len without decoding.
 */
static int
b64_field(const struct field *f, uint8_t *out, size_t min, size_t max,
    size_t *n, int err_len)
{
	uint8_t tmp[SCRAM_CBIND_MAX + 2];
	size_t got;

	if (f->len > B64_LEN(max) || B64_LEN(max) / 4 * 3 > sizeof(tmp))
		return err_len;
	if (bwk_b64_decode(f->v, f->len, tmp, sizeof(tmp), &got) == -1)
		return SCRAM_E_BASE64;
	if (got < min || got > max)
		return err_len;
	memcpy(out, tmp, got);
	*n = got;
	return SCRAM_OK;
}

/* i=: a positive decimal, no sign, no leading zero, at most the max. */
static int
iter_parse(const struct field *f, uint32_t *out)
{
	uint32_t v = 0;
	size_t i;

	if (f->len > 7 || f->v[0] < '1' || f->v[0] > '9')
		return SCRAM_E_NUMBER;
	for (i = 0; i < f->len; i++) {
		if (f->v[i] < '0' || f->v[i] > '9')
			return SCRAM_E_NUMBER;
		v = v * 10 + (uint32_t)(f->v[i] - '0');
	}
	if (v > SCRAM_ITER_MAX)
		return SCRAM_E_NUMBER;
	*out = v;
	return SCRAM_OK;
}

/* ---- fields */

/* Splits s[0..len) on ',' into ALPHA "=" 1*value fields. */
static int
split(const char *s, size_t len, struct field f[FIELDS_MAX], size_t *nf)
{
	const char *end = s + len, *c;
	size_t n = 0;

	for (;;) {
		if ((c = memchr(s, ',', (size_t)(end - s))) == NULL)
			c = end;
		if (n == FIELDS_MAX)
			return SCRAM_E_TOOLONG;
		if (c - s < 3 || s[1] != '=' ||
		    !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' &&
		    s[0] <= 'Z')))
			return SCRAM_E_SYNTAX;
		f[n].attr = s[0];
		f[n].v = s + 2;
		f[n].len = (size_t)(c - s) - 2;
		n++;
		if (c == end)
			break;
		s = c + 1;
	}
	*nf = n;
	return SCRAM_OK;
}

/*
 * Checks fields against a message's shape: the attributes of want in
 * that order, then up to SCRAM_EXT_MAX optional extensions (RFC 5802:
 * ignored when unknown), then the attribute last when it is not 0. Any
 * m= fails the exchange, as the RFC requires of an unknown mandatory
 * extension; any attribute given twice is refused.
 */
static int
shape(const struct field *f, size_t nf, const char *want, char last)
{
	size_t i, j, nw = strlen(want), tail = last != 0;

	for (i = 0; i < nf; i++)
		if (f[i].attr == 'm')
			return SCRAM_E_EXTENSION;
	for (i = 0; i < nf; i++)
		for (j = 0; j < i; j++)
			if (f[i].attr == f[j].attr)
				return SCRAM_E_DUPLICATE;
	if (nf < nw + tail)
		return SCRAM_E_SYNTAX;
	for (i = 0; i < nw; i++)
		if (f[i].attr != want[i])
			return SCRAM_E_SYNTAX;
	if (tail && f[nf - 1].attr != last)
		return SCRAM_E_SYNTAX;
	for (i = nw; i < nf - tail; i++)
		if (strchr(DEFINED_ATTRS, f[i].attr) != NULL)
			return SCRAM_E_SYNTAX;
	if (nf - tail - nw > SCRAM_EXT_MAX)
		return SCRAM_E_TOOLONG;
	return SCRAM_OK;
}

static int
fields(const char *s, size_t len, const char *want, char last,
    struct field f[FIELDS_MAX], size_t *nf)
{
	int rc;

	if ((rc = split(s, len, f, nf)) != SCRAM_OK)
		return rc;
	return shape(f, *nf, want, last);
}

/* ---- the gs2 header */

/*
 * "p=tls-exporter," [ "a=" saslname ] "," at the start of s[0..len), or
 * "n," ... with SCRAM_INSECURE_NO_CBIND. "y" (the client thinks the
 * server cannot bind: a downgrade), other bindings and GS2's "F," are
 * refused. *hlen is the header's length.
 */
static int
gs2_parse(const char *s, size_t len, int flags, size_t *hlen, int *cbind,
    char authzid[SCRAM_NAME_MAX + 1])
{
	const char *c1, *c2, *a;
	size_t alen;
	int rc;

	if ((c1 = memchr(s, ',', len)) == NULL)
		return SCRAM_E_CBIND;
	if ((size_t)(c1 - s) == strlen("p=" SCRAM_CB_NAME) &&
	    memcmp(s, "p=" SCRAM_CB_NAME, (size_t)(c1 - s)) == 0)
		*cbind = 1;
	else if (c1 - s == 1 && s[0] == 'n' &&
	    (flags & SCRAM_INSECURE_NO_CBIND))
		*cbind = 0;
	else
		return SCRAM_E_CBIND;
	a = c1 + 1;
	if ((c2 = memchr(a, ',', len - (size_t)(a - s))) == NULL)
		return SCRAM_E_SYNTAX;
	alen = (size_t)(c2 - a);
	authzid[0] = '\0';
	if (alen > 0) {
		if (alen < 3 || a[0] != 'a' || a[1] != '=')
			return SCRAM_E_SYNTAX;
		if (!text_ok(a, alen))
			return SCRAM_E_SYNTAX;
		if ((rc = name_decode(a + 2, alen - 2, authzid)) != SCRAM_OK)
			return rc;
	}
	*hlen = (size_t)(c2 - s) + 1;
	return SCRAM_OK;
}

/* ---- building */

struct out {
	struct scram_msg	*m;
	int			 err;
};

static void
out_init(struct out *o, struct scram_msg *m)
{
	o->m = m;
	o->err = SCRAM_OK;
	m->len = 0;
	m->s[0] = '\0';
}

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->err != SCRAM_OK)
		return;
	if (n > SCRAM_MSG_MAX - o->m->len) {
		o->err = SCRAM_E_TOOLONG;
		return;
	}
	memcpy(o->m->s + o->m->len, s, n);
	o->m->len += n;
	o->m->s[o->m->len] = '\0';
}

static void
put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void
put_b64(struct out *o, const uint8_t *in, size_t len)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char q[4];
	size_t i;
	uint32_t v;

	for (i = 0; i < len; i += 3) {
		v = (uint32_t)in[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		q[0] = a[v >> 18];
		q[1] = a[(v >> 12) & 63];
		q[2] = i + 1 < len ? a[(v >> 6) & 63] : '=';
		q[3] = i + 2 < len ? a[v & 63] : '=';
		put(o, q, 4);
	}
}

/* A saslname: ',' as "=2C" and '=' as "=3D". */
static void
put_name(struct out *o, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == ',')
			put_str(o, "=2C");
		else if (*s == '=')
			put_str(o, "=3D");
		else
			put(o, s, 1);
	}
}

/* ---- the math, through wolfCrypt */

struct part {
	const void	*p;
	size_t		 n;
};

/* HMAC-SHA-256 of the parts' concatenation. */
static int
hmac(const uint8_t *key, size_t klen, const struct part *parts, size_t np,
    uint8_t out[SCRAM_HASH_LEN])
{
	Hmac h;
	size_t i;
	int ok;

	if (wc_HmacInit(&h, NULL, INVALID_DEVID) != 0)
		return SCRAM_E_CRYPTO;
	ok = wc_HmacSetKey(&h, WC_SHA256, key, (word32)klen) == 0;
	for (i = 0; ok && i < np; i++)
		ok = wc_HmacUpdate(&h, parts[i].p, (word32)parts[i].n) == 0;
	ok = ok && wc_HmacFinal(&h, out) == 0;
	/* wc_HmacFree zeroes the state in wolfCrypt 5.7.2; the wipe keeps
	 * that true should a later version stop doing so */
	wc_HmacFree(&h);
	explicit_bzero(&h, sizeof(h));
	return ok ? SCRAM_OK : SCRAM_E_CRYPTO;
}

static int
hmac_str(const uint8_t key[SCRAM_HASH_LEN], const char *s,
    uint8_t out[SCRAM_HASH_LEN])
{
	struct part p = { s, strlen(s) };

	return hmac(key, SCRAM_HASH_LEN, &p, 1, out);
}

/* HMAC(key, AuthMessage), AuthMessage = bare "," server-first "," final */
static int
hmac_auth(const uint8_t key[SCRAM_HASH_LEN], const char *cfb, size_t cfbl,
    const char *sf, size_t sfl, const char *cfn, size_t cfnl,
    uint8_t out[SCRAM_HASH_LEN])
{
	const struct part am[5] = {
		{ cfb, cfbl }, { ",", 1 }, { sf, sfl }, { ",", 1 }, { cfn, cfnl },
	};

	return hmac(key, SCRAM_HASH_LEN, am, 5, out);
}

/*
 * Overwrites the stack below the caller's frame, where wc_PBKDF2 has just
 * run: wolfCrypt 5.7.2 leaves its last HMAC block U_c there, which lets
 * whoever reads it test password guesses. Today the HMAC calls that
 * follow happen to overwrite that frame (tests/test_scram.c finds nothing
 * even without this); the wipe makes it independent of frame layout, for
 * the price of 4 KiB of zeroes beside 100,000 HMACs. noinline, so that
 * the array is a frame of its own.
 */
static void __attribute__((noinline))
stack_wipe(void)
{
	volatile uint8_t pad[4096];

	explicit_bzero((void *)pad, sizeof(pad));
}

/*
 * The floor, unless the caller says otherwise by name: whoever plays the
 * server picks the count the password is hashed with, and the count is
 * the price of each offline guess (SCRAM_ITER_FLOOR in scram.h).
 */
static int
iter_check(uint32_t iter, int flags)
{
	if (iter == 0 || iter > SCRAM_ITER_MAX)
		return SCRAM_E_ITER;
	if (iter < SCRAM_ITER_FLOOR && !(flags & SCRAM_INSECURE_ANY_ITER))
		return SCRAM_E_ITER;
	return SCRAM_OK;
}

/*
 * ClientKey and ServerKey from the password (RFC 5802 section 3):
 *	SaltedPassword = PBKDF2-HMAC-SHA-256(password, salt, i)
 *	ClientKey = HMAC(SaltedPassword, "Client Key")
 *	ServerKey = HMAC(SaltedPassword, "Server Key")
 * The password is used as its bytes, without SASLprep (docs/scram.md).
 */
static int
keys(const uint8_t *pw, size_t pwlen, const struct scram_params *p,
    uint8_t ck[SCRAM_HASH_LEN], uint8_t sk[SCRAM_HASH_LEN])
{
	uint8_t salted[SCRAM_HASH_LEN];
	int rc = SCRAM_E_CRYPTO;

	if (wc_PBKDF2(salted, pw, (int)pwlen, p->salt, (int)p->salt_len,
	    (int)SCRAM_KDF_ROUNDS(p->iter), SCRAM_HASH_LEN, WC_SHA256) == 0 &&
	    (rc = hmac_str(salted, "Client Key", ck)) == SCRAM_OK)
		rc = hmac_str(salted, "Server Key", sk);
	stack_wipe();
	explicit_bzero(salted, sizeof(salted));
	if (rc != SCRAM_OK) {
		explicit_bzero(ck, SCRAM_HASH_LEN);
		explicit_bzero(sk, SCRAM_HASH_LEN);
	}
	return rc;
}

static int
random_bytes(uint8_t *out, size_t n)
{
	WC_RNG rng;
	int ok;

	if (wc_InitRng(&rng) != 0)
		return SCRAM_E_CRYPTO;
	ok = wc_RNG_GenerateBlock(&rng, out, (word32)n) == 0;
	wc_FreeRng(&rng);
	explicit_bzero(&rng, sizeof(rng));
	return ok ? SCRAM_OK : SCRAM_E_CRYPTO;
}

/* ---- common */

const char *
scram_strerror(int err)
{
	static const char *const why[] = {
		[SCRAM_OK] = "no error",
		[SCRAM_E_SYNTAX] = "malformed message",
		[SCRAM_E_TOOLONG] = "message or field over its limit",
		[SCRAM_E_DUPLICATE] = "an attribute given twice",
		[SCRAM_E_EXTENSION] = "unknown mandatory extension (m=)",
		[SCRAM_E_BASE64] = "bad base64 or wrong length",
		[SCRAM_E_NUMBER] = "bad iteration count",
		[SCRAM_E_NAME] = "bad user name encoding",
		[SCRAM_E_CBIND] = "channel binding is not tls-exporter's",
		[SCRAM_E_CB_LEN] = "channel-binding data is not 32 bytes",
		[SCRAM_E_NONCE] = "nonce does not match",
		[SCRAM_E_ITER] = "iteration count below the floor",
		[SCRAM_E_SALT] = "salt length out of range",
		[SCRAM_E_PASSWORD] = "password empty or too long",
		[SCRAM_E_PROOF] = "client proof does not verify",
		[SCRAM_E_SERVER_SIG] = "server signature does not verify",
		[SCRAM_E_SERVER_ERR] = "server refused the sign-on",
		[SCRAM_E_CRYPTO] = "cryptographic operation failed",
		[SCRAM_E_ARG] = "invalid argument",
	};

	if (err < 0 || (size_t)err >= sizeof(why) / sizeof(why[0]) ||
	    why[err] == NULL)
		return "unknown SCRAM error";
	return why[err];
}

int
scram_nonce_make(char out[SCRAM_NONCE_LEN + 1])
{
	uint8_t raw[SCRAM_NONCE_LEN / 4 * 3];
	struct scram_msg m;
	struct out o;
	int rc;

	if ((rc = random_bytes(raw, sizeof(raw))) != SCRAM_OK)
		return rc;
	out_init(&o, &m);
	put_b64(&o, raw, sizeof(raw));
	memcpy(out, m.s, SCRAM_NONCE_LEN + 1);
	return SCRAM_OK;
}

/* ---- client-first-message */

/* client-first-message-bare: n=, r=, extensions. */
static int
bare_parse(const char *s, size_t len, char user[SCRAM_NAME_MAX + 1],
    char nonce[SCRAM_NONCE_PART_MAX + 1])
{
	struct field f[FIELDS_MAX];
	size_t nf;
	int rc;

	if ((rc = fields(s, len, "nr", 0, f, &nf)) != SCRAM_OK)
		return rc;
	if ((rc = name_decode(f[0].v, f[0].len, user)) != SCRAM_OK)
		return rc;
	if ((rc = nonce_part_check(f[1].v, f[1].len)) != SCRAM_OK)
		return rc;
	memcpy(nonce, f[1].v, f[1].len);
	nonce[f[1].len] = '\0';
	return SCRAM_OK;
}

int
scram_client_first_parse(const char *msg, size_t len, int flags,
    struct scram_client_first *out)
{
	struct scram_client_first cf;
	size_t h;
	int rc;

	if (out == NULL || (flags & ~FLAGS_ALL))
		return SCRAM_E_ARG;
	if ((rc = msg_check(msg, len)) != SCRAM_OK)
		return rc;
	if ((rc = gs2_parse(msg, len, flags, &h, &cf.cbind, cf.authzid)) !=
	    SCRAM_OK)
		return rc;
	if ((rc = bare_parse(msg + h, len - h, cf.user, cf.nonce)) !=
	    SCRAM_OK)
		return rc;
	memcpy(cf.msg.s, msg, len);
	cf.msg.s[len] = '\0';
	cf.msg.len = len;
	cf.bare_off = h;
	*out = cf;
	return SCRAM_OK;
}

int
scram_client_first_build(const char *user, const char *authzid,
    const char *nonce, int flags, struct scram_client_first *out)
{
	struct scram_msg m;
	struct out o;
	int rc;

	if (user == NULL || nonce == NULL || out == NULL ||
	    (flags & ~FLAGS_ALL))
		return SCRAM_E_ARG;
	if ((rc = name_check(user)) != SCRAM_OK ||
	    (authzid != NULL && (rc = name_check(authzid)) != SCRAM_OK))
		return rc;
	if ((rc = nonce_part_check(nonce, strnlen(nonce,
	    SCRAM_NONCE_PART_MAX + 1))) != SCRAM_OK)
		return rc;
	out_init(&o, &m);
	put_str(&o, (flags & SCRAM_INSECURE_NO_CBIND) ? "n," :
	    "p=" SCRAM_CB_NAME ",");
	if (authzid != NULL) {
		put_str(&o, "a=");
		put_name(&o, authzid);
	}
	put_str(&o, ",n=");
	put_name(&o, user);
	put_str(&o, ",r=");
	put_str(&o, nonce);
	if (o.err != SCRAM_OK)
		return o.err;
	/* what we send is what the peer will parse: parse it the same way */
	return scram_client_first_parse(m.s, m.len, flags, out);
}

/* ---- server-first-message */

int
scram_server_first_parse(const char *msg, size_t len,
    const char *client_nonce, struct scram_server_first *out)
{
	struct scram_server_first sf;
	struct field f[FIELDS_MAX];
	size_t nf, cl;
	int rc;

	if (client_nonce == NULL || out == NULL)
		return SCRAM_E_ARG;
	cl = strnlen(client_nonce, SCRAM_NONCE_PART_MAX + 1);
	if (nonce_part_check(client_nonce, cl) != SCRAM_OK)
		return SCRAM_E_ARG;
	if ((rc = msg_check(msg, len)) != SCRAM_OK)
		return rc;
	if ((rc = fields(msg, len, "rsi", 0, f, &nf)) != SCRAM_OK)
		return rc;
	/* r=: the client's nonce, then the server's part */
	if (f[0].len > SCRAM_NONCE_MAX)
		return SCRAM_E_TOOLONG;
	if (f[0].len < cl || memcmp(f[0].v, client_nonce, cl) != 0)
		return SCRAM_E_NONCE;
	if ((rc = nonce_part_check(f[0].v + cl, f[0].len - cl)) != SCRAM_OK)
		return rc;
	memcpy(sf.nonce, f[0].v, f[0].len);
	sf.nonce[f[0].len] = '\0';
	if ((rc = b64_field(&f[1], sf.p.salt, SCRAM_SALT_MIN, SCRAM_SALT_MAX,
	    &sf.p.salt_len, SCRAM_E_SALT)) != SCRAM_OK)
		return rc;
	if ((rc = iter_parse(&f[2], &sf.p.iter)) != SCRAM_OK)
		return rc;
	memcpy(sf.msg.s, msg, len);
	sf.msg.s[len] = '\0';
	sf.msg.len = len;
	*out = sf;
	return SCRAM_OK;
}

int
scram_server_first_build(const struct scram_client_first *cf,
    const char *server_nonce, const struct scram_params *p,
    struct scram_server_first *out)
{
	struct scram_msg m;
	struct out o;
	char num[16];
	int rc;

	if (cf == NULL || server_nonce == NULL || p == NULL || out == NULL)
		return SCRAM_E_ARG;
	if ((rc = nonce_part_check(server_nonce, strnlen(server_nonce,
	    SCRAM_NONCE_PART_MAX + 1))) != SCRAM_OK)
		return rc;
	if (p->salt_len < SCRAM_SALT_MIN || p->salt_len > SCRAM_SALT_MAX)
		return SCRAM_E_SALT;
	if (iter_check(p->iter, SCRAM_INSECURE_ANY_ITER) != SCRAM_OK)
		return SCRAM_E_ITER;
	out_init(&o, &m);
	put_str(&o, "r=");
	put_str(&o, cf->nonce);
	put_str(&o, server_nonce);
	put_str(&o, ",s=");
	put_b64(&o, p->salt, p->salt_len);
	snprintf(num, sizeof(num), ",i=%u", (unsigned)p->iter);
	put_str(&o, num);
	if (o.err != SCRAM_OK)
		return o.err;
	return scram_server_first_parse(m.s, m.len, cf->nonce, out);
}

/* ---- client-final-message */

/*
 * c=, r=, extensions, and p= last when with_proof; without it, a p=
 * anywhere is refused (it is a defined attribute, never an extension).
 */
static int
final_parse(const char *msg, size_t len, int with_proof,
    struct scram_client_final *out)
{
	struct scram_client_final cf;
	struct field f[FIELDS_MAX];
	size_t nf, n;
	int rc;

	if (out == NULL)
		return SCRAM_E_ARG;
	if ((rc = msg_check(msg, len)) != SCRAM_OK)
		return rc;
	if ((rc = fields(msg, len, "cr", with_proof ? 'p' : 0, f, &nf)) !=
	    SCRAM_OK)
		return rc;
	if ((rc = b64_field(&f[0], cf.cbind, 1, SCRAM_CBIND_MAX,
	    &cf.cbind_len, SCRAM_E_TOOLONG)) != SCRAM_OK)
		return rc;
	if (f[1].len > SCRAM_NONCE_MAX)
		return SCRAM_E_TOOLONG;
	if (!nonce_chars_ok(f[1].v, f[1].len))
		return SCRAM_E_NONCE;
	memcpy(cf.nonce, f[1].v, f[1].len);
	cf.nonce[f[1].len] = '\0';
	memset(cf.proof, 0, sizeof(cf.proof));
	cf.noproof_len = len;
	if (with_proof) {
		if ((rc = b64_field(&f[nf - 1], cf.proof, SCRAM_HASH_LEN,
		    SCRAM_HASH_LEN, &n, SCRAM_E_BASE64)) != SCRAM_OK)
			return rc;
		/* the proof's value starts 2 after its ",": "p=" */
		cf.noproof_len = (size_t)(f[nf - 1].v - msg) - 3;
	}
	memcpy(cf.msg.s, msg, len);
	cf.msg.s[len] = '\0';
	cf.msg.len = len;
	*out = cf;
	return SCRAM_OK;
}

int
scram_client_final_parse(const char *msg, size_t len,
    struct scram_client_final *out)
{
	return final_parse(msg, len, 1, out);
}

int
scram_client_final_noproof(const struct scram_client_first *cf,
    const struct scram_server_first *sf, const uint8_t *cb, size_t cb_len,
    struct scram_msg *out)
{
	uint8_t raw[SCRAM_CBIND_MAX];
	struct out o;
	size_t cl;

	if (cf == NULL || sf == NULL || out == NULL)
		return SCRAM_E_ARG;
	if (cf->cbind ? (cb == NULL || cb_len != SCRAM_CB_LEN) :
	    (cb != NULL || cb_len != 0))
		return SCRAM_E_CB_LEN;
	cl = strlen(cf->nonce);
	if (strncmp(sf->nonce, cf->nonce, cl) != 0 || sf->nonce[cl] == '\0')
		return SCRAM_E_NONCE;
	if (cf->bare_off > SCRAM_GS2_MAX)
		return SCRAM_E_ARG;
	memcpy(raw, cf->msg.s, cf->bare_off);
	if (cb_len > 0)
		memcpy(raw + cf->bare_off, cb, cb_len);
	out_init(&o, out);
	put_str(&o, "c=");
	put_b64(&o, raw, cf->bare_off + cb_len);
	put_str(&o, ",r=");
	put_str(&o, sf->nonce);
	return o.err;
}

int
scram_client_final_build(const struct scram_msg *noproof,
    const uint8_t proof[SCRAM_HASH_LEN], struct scram_msg *out)
{
	struct out o;

	if (noproof == NULL || proof == NULL || out == NULL ||
	    noproof->len > SCRAM_MSG_MAX || noproof == out)
		return SCRAM_E_ARG;
	out_init(&o, out);
	put(&o, noproof->s, noproof->len);
	put_str(&o, ",p=");
	put_b64(&o, proof, SCRAM_HASH_LEN);
	return o.err;
}

/* ---- server-final-message */

int
scram_server_final_parse(const char *msg, size_t len,
    struct scram_server_final *out)
{
	struct scram_server_final s;
	struct field f[FIELDS_MAX];
	size_t nf, n;
	int rc;

	if (out == NULL)
		return SCRAM_E_ARG;
	if ((rc = msg_check(msg, len)) != SCRAM_OK)
		return rc;
	if ((rc = split(msg, len, f, &nf)) != SCRAM_OK)
		return rc;
	if ((rc = shape(f, nf, f[0].attr == 'e' ? "e" : "v", 0)) != SCRAM_OK)
		return rc;
	memset(&s, 0, sizeof(s));
	if (f[0].attr == 'v') {
		if ((rc = b64_field(&f[0], s.verifier, SCRAM_HASH_LEN,
		    SCRAM_HASH_LEN, &n, SCRAM_E_BASE64)) != SCRAM_OK)
			return rc;
	} else {
		if (f[0].len > SCRAM_ERROR_MAX)
			return SCRAM_E_TOOLONG;
		s.is_error = 1;
		memcpy(s.error, f[0].v, f[0].len);
		s.error[f[0].len] = '\0';
	}
	*out = s;
	return SCRAM_OK;
}

int
scram_server_error_build(int err, struct scram_msg *out)
{
	const char *e;
	struct out o;

	if (out == NULL || err == SCRAM_OK)
		return SCRAM_E_ARG;
	switch (err) {
	case SCRAM_E_PROOF:
		e = "invalid-proof";
		break;
	case SCRAM_E_CBIND:
	case SCRAM_E_CB_LEN:
		e = "channel-bindings-dont-match";
		break;
	case SCRAM_E_EXTENSION:
		e = "extensions-not-supported";
		break;
	case SCRAM_E_NAME:
		e = "invalid-username-encoding";
		break;
	case SCRAM_E_SYNTAX:
	case SCRAM_E_TOOLONG:
	case SCRAM_E_DUPLICATE:
	case SCRAM_E_BASE64:
	case SCRAM_E_NUMBER:
		e = "invalid-encoding";
		break;
	default:
		e = "other-error";
		break;
	}
	out_init(&o, out);
	put_str(&o, "e=");
	put_str(&o, e);
	return o.err;
}

/* ---- the key helper */

/*
 * c= decoded, from the final message the network process hands over: the
 * gs2 header, then exactly the exporter's 32 bytes.
 */
static int
cbind_check(const uint8_t *c, size_t len, int flags)
{
	char authzid[SCRAM_NAME_MAX + 1];
	size_t h;
	int cbind;

	if (gs2_parse((const char *)c, len, flags, &h, &cbind, authzid) !=
	    SCRAM_OK || !text_ok((const char *)c, h))
		return SCRAM_E_CBIND;
	if (len - h != (cbind ? SCRAM_CB_LEN : 0))
		return SCRAM_E_CB_LEN;
	return SCRAM_OK;
}

/*
 * What the helper is handed, parsed again: the bare first message, the
 * server's (whose count must meet the floor), and the final message
 * without proof (its r= the server's nonce, its c= a tls-exporter gs2
 * header and 32 bytes).
 */
static int
proof_inputs(const char *cfb, size_t cfb_len, const char *sfm,
    size_t sf_len, const char *cfnm, size_t cfn_len, int flags,
    char user[SCRAM_NAME_MAX + 1], struct scram_server_first *sf)
{
	struct scram_client_final cfn;
	char cnonce[SCRAM_NONCE_PART_MAX + 1];
	int rc;

	if ((rc = msg_check(cfb, cfb_len)) != SCRAM_OK ||
	    (rc = bare_parse(cfb, cfb_len, user, cnonce)) != SCRAM_OK)
		return rc;
	if ((rc = scram_server_first_parse(sfm, sf_len, cnonce, sf)) !=
	    SCRAM_OK)
		return rc;
	if ((rc = iter_check(sf->p.iter, flags)) != SCRAM_OK)
		return rc;
	if ((rc = final_parse(cfnm, cfn_len, 0, &cfn)) != SCRAM_OK)
		return rc;
	if (strcmp(cfn.nonce, sf->nonce) != 0)
		return SCRAM_E_NONCE;
	return cbind_check(cfn.cbind, cfn.cbind_len, flags);
}

int
scram_client_proof_keys(const uint8_t *password, size_t pw_len,
    const struct scram_keys *cached, struct scram_keys *fresh, int *used,
    const char *client_first_bare, size_t cfb_len,
    const char *server_first, size_t sf_len,
    const char *client_final_noproof, size_t cfn_len, int flags,
    struct scram_proof *out)
{
	struct scram_server_first sf;
	uint8_t ck[SCRAM_HASH_LEN], sk[SCRAM_HASH_LEN], stored[SCRAM_HASH_LEN];
	uint8_t csig[SCRAM_HASH_LEN];
	char user[SCRAM_NAME_MAX + 1];
	size_t i;
	int rc, hit;

	if (out == NULL || used == NULL || (flags & ~FLAGS_ALL))
		return SCRAM_E_ARG;
	*used = 0;
	if (fresh != NULL)
		explicit_bzero(fresh, sizeof(*fresh));
	if ((rc = proof_inputs(client_first_bare, cfb_len, server_first,
	    sf_len, client_final_noproof, cfn_len, flags, user, &sf)) !=
	    SCRAM_OK)
		return rc;
	hit = cached != NULL && cached->valid &&
	    !scram_params_differ(&cached->p, &sf.p);
	if (hit) {
		memcpy(ck, cached->client_key, sizeof(ck));
		memcpy(sk, cached->server_key, sizeof(sk));
	} else {
		if (password == NULL)
			return SCRAM_E_ARG;
		if (pw_len == 0 || pw_len > SCRAM_PASSWORD_MAX)
			return SCRAM_E_PASSWORD;
		if ((rc = keys(password, pw_len, &sf.p, ck, sk)) != SCRAM_OK)
			return rc;
	}

	/*
	 * StoredKey = H(ClientKey); ClientSignature = HMAC(StoredKey, AM);
	 * ClientProof = ClientKey XOR ClientSignature;
	 * ServerSignature = HMAC(ServerKey, AM)
	 */
	if (bwk_sha256(ck, sizeof(ck), stored) != 0)
		rc = SCRAM_E_CRYPTO;
	if (rc == SCRAM_OK)
		rc = hmac_auth(stored, client_first_bare, cfb_len, server_first,
		    sf_len, client_final_noproof, cfn_len, csig);
	if (rc == SCRAM_OK)
		rc = hmac_auth(sk, client_first_bare, cfb_len, server_first,
		    sf_len, client_final_noproof, cfn_len, out->server_sig);
	if (rc == SCRAM_OK) {
		for (i = 0; i < SCRAM_HASH_LEN; i++)
			out->client_proof[i] = ck[i] ^ csig[i];
		memcpy(out->user, user, sizeof(user));
		out->p = sf.p;
		*used = hit;
		if (fresh != NULL && !hit) {
			fresh->p = sf.p;
			memcpy(fresh->client_key, ck, sizeof(ck));
			memcpy(fresh->server_key, sk, sizeof(sk));
			fresh->valid = 1;
		}
	} else
		explicit_bzero(out, sizeof(*out));
	explicit_bzero(ck, sizeof(ck));
	explicit_bzero(sk, sizeof(sk));
	explicit_bzero(stored, sizeof(stored));
	explicit_bzero(csig, sizeof(csig));
	return rc;
}

int
scram_client_proof(const uint8_t *password, size_t pw_len,
    const char *client_first_bare, size_t cfb_len,
    const char *server_first, size_t sf_len,
    const char *client_final_noproof, size_t cfn_len, int flags,
    struct scram_proof *out)
{
	int used;

	if (password == NULL)
		return SCRAM_E_ARG;
	if (pw_len == 0 || pw_len > SCRAM_PASSWORD_MAX)
		return SCRAM_E_PASSWORD;
	return scram_client_proof_keys(password, pw_len, NULL, NULL, &used,
	    client_first_bare, cfb_len, server_first, sf_len,
	    client_final_noproof, cfn_len, flags, out);
}

int
scram_server_sig_check(const uint8_t expected[SCRAM_HASH_LEN],
    const struct scram_server_final *sfin)
{
	if (expected == NULL || sfin == NULL)
		return SCRAM_E_ARG;
	if (sfin->is_error)
		return SCRAM_E_SERVER_ERR;
	return ct_eq(expected, sfin->verifier, SCRAM_HASH_LEN) ? SCRAM_OK :
	    SCRAM_E_SERVER_SIG;
}

int
scram_params_differ(const struct scram_params *seen,
    const struct scram_params *remembered)
{
	if (seen == NULL || remembered == NULL ||
	    seen->salt_len > SCRAM_SALT_MAX ||
	    seen->salt_len != remembered->salt_len ||
	    seen->iter != remembered->iter)
		return 1;	/* fail closed: unknown counts as changed */
	return ct_eq(seen->salt, remembered->salt, seen->salt_len) ? 0 : 1;
}

/* ---- the server */

/*
 * The client's final message against the exchange so far: c= must be the
 * first message's gs2 header and this session's binding (public values,
 * compared plainly), r= the server's nonce.
 */
static int
final_matches(const struct scram_client_first *cf,
    const struct scram_server_first *sf, const struct scram_client_final *cfin,
    const uint8_t *cb, size_t cb_len, int flags)
{
	if (!cf->cbind && !(flags & SCRAM_INSECURE_NO_CBIND))
		return SCRAM_E_CBIND;
	if (cf->cbind ? (cb == NULL || cb_len != SCRAM_CB_LEN) :
	    (cb != NULL || cb_len != 0))
		return SCRAM_E_CB_LEN;
	if (cfin->cbind_len != cf->bare_off + cb_len ||
	    memcmp(cfin->cbind, cf->msg.s, cf->bare_off) != 0 ||
	    (cb_len > 0 && memcmp(cfin->cbind + cf->bare_off, cb, cb_len) != 0))
		return SCRAM_E_CBIND;
	if (strcmp(cfin->nonce, sf->nonce) != 0)
		return SCRAM_E_NONCE;
	return SCRAM_OK;
}

int
scram_server_verify(const struct scram_verifier *v,
    const struct scram_client_first *cf, const struct scram_server_first *sf,
    const struct scram_client_final *cfin, const uint8_t *cb, size_t cb_len,
    int flags, struct scram_msg *server_final)
{
	uint8_t csig[SCRAM_HASH_LEN], ck[SCRAM_HASH_LEN], h[SCRAM_HASH_LEN];
	uint8_t ssig[SCRAM_HASH_LEN];
	const char *bare;
	size_t i, bare_len;
	struct out o;
	int rc;

	if (v == NULL || cf == NULL || sf == NULL || cfin == NULL ||
	    server_final == NULL || (flags & ~FLAGS_ALL) ||
	    cf->bare_off > cf->msg.len || cfin->noproof_len > cfin->msg.len)
		return SCRAM_E_ARG;
	if ((rc = final_matches(cf, sf, cfin, cb, cb_len, flags)) != SCRAM_OK)
		return rc;
	bare = cf->msg.s + cf->bare_off;
	bare_len = cf->msg.len - cf->bare_off;

	/* ClientKey = ClientProof XOR HMAC(StoredKey, AM); H(ClientKey) must
	 * be StoredKey */
	rc = hmac_auth(v->stored_key, bare, bare_len, sf->msg.s, sf->msg.len,
	    cfin->msg.s, cfin->noproof_len, csig);
	for (i = 0; i < SCRAM_HASH_LEN; i++)
		ck[i] = cfin->proof[i] ^ csig[i];
	if (rc == SCRAM_OK && bwk_sha256(ck, sizeof(ck), h) != 0)
		rc = SCRAM_E_CRYPTO;
	if (rc == SCRAM_OK && !ct_eq(h, v->stored_key, SCRAM_HASH_LEN))
		rc = SCRAM_E_PROOF;
	if (rc == SCRAM_OK)
		rc = hmac_auth(v->server_key, bare, bare_len, sf->msg.s,
		    sf->msg.len, cfin->msg.s, cfin->noproof_len, ssig);
	if (rc == SCRAM_OK) {
		out_init(&o, server_final);
		put_str(&o, "v=");
		put_b64(&o, ssig, SCRAM_HASH_LEN);
		rc = o.err;
	}
	explicit_bzero(csig, sizeof(csig));
	explicit_bzero(ck, sizeof(ck));
	explicit_bzero(h, sizeof(h));
	explicit_bzero(ssig, sizeof(ssig));
	return rc;
}

/* ---- verifiers */

int
scram_verifier_derive(const uint8_t *password, size_t pw_len,
    const uint8_t *salt, size_t salt_len, uint32_t iter, int flags,
    struct scram_verifier *out)
{
	struct scram_verifier v;
	uint8_t ck[SCRAM_HASH_LEN];
	int rc;

	if (password == NULL || salt == NULL || out == NULL ||
	    (flags & ~FLAGS_ALL))
		return SCRAM_E_ARG;
	if ((rc = iter_check(iter, flags)) != SCRAM_OK)
		return rc;
	if (pw_len == 0 || pw_len > SCRAM_PASSWORD_MAX)
		return SCRAM_E_PASSWORD;
	if (salt_len < SCRAM_SALT_MIN || salt_len > SCRAM_SALT_MAX)
		return SCRAM_E_SALT;
	memset(&v, 0, sizeof(v));
	memcpy(v.p.salt, salt, salt_len);
	v.p.salt_len = salt_len;
	v.p.iter = iter;
	rc = keys(password, pw_len, &v.p, ck, v.server_key);
	if (rc == SCRAM_OK && bwk_sha256(ck, sizeof(ck), v.stored_key) != 0)
		rc = SCRAM_E_CRYPTO;
	if (rc == SCRAM_OK)
		*out = v;
	explicit_bzero(ck, sizeof(ck));
	explicit_bzero(&v, sizeof(v));
	return rc;
}

int
scram_verifier_make(const uint8_t *password, size_t pw_len, uint32_t iter,
    int flags, struct scram_verifier *out)
{
	uint8_t salt[SCRAM_SALT_LEN];
	int rc;

	if (password == NULL || out == NULL || (flags & ~FLAGS_ALL))
		return SCRAM_E_ARG;
	if ((rc = iter_check(iter, flags)) != SCRAM_OK)
		return rc;
	if ((rc = random_bytes(salt, sizeof(salt))) != SCRAM_OK)
		return rc;
	return scram_verifier_derive(password, pw_len, salt, sizeof(salt),
	    iter, flags, out);
}

int
scram_verifier_fake(const uint8_t key[SCRAM_HASH_LEN], const char *user,
    uint32_t iter, struct scram_verifier *out)
{
	struct scram_verifier v;
	uint8_t salt[SCRAM_HASH_LEN];
	struct part p[3];
	int rc;

	if (key == NULL || user == NULL || out == NULL)
		return SCRAM_E_ARG;
	if ((rc = name_check(user)) != SCRAM_OK ||
	    (rc = iter_check(iter, 0)) != SCRAM_OK)
		return rc;
	/* one label per output, NUL-separated from the name */
	p[1] = (struct part){ "", 1 };
	p[2] = (struct part){ user, strlen(user) };
	memset(&v, 0, sizeof(v));
	p[0] = (struct part){ "bulwark scram fake salt", 23 };
	rc = hmac(key, SCRAM_HASH_LEN, p, 3, salt);
	p[0] = (struct part){ "bulwark scram fake stored key", 29 };
	if (rc == SCRAM_OK)
		rc = hmac(key, SCRAM_HASH_LEN, p, 3, v.stored_key);
	p[0] = (struct part){ "bulwark scram fake server key", 29 };
	if (rc == SCRAM_OK)
		rc = hmac(key, SCRAM_HASH_LEN, p, 3, v.server_key);
	memcpy(v.p.salt, salt, SCRAM_SALT_LEN);
	v.p.salt_len = SCRAM_SALT_LEN;
	v.p.iter = iter;
	if (rc == SCRAM_OK)
		*out = v;
	explicit_bzero(&v, sizeof(v));
	explicit_bzero(salt, sizeof(salt));
	return rc;
}
