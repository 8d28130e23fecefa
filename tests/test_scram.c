/*
 * The SCRAM-SHA-256-PLUS core (src/lib/scram.c): RFC 7677's test vector
 * reproduced byte for byte, every malformed form refused with its reason,
 * the helper's refusals (iteration floor, channel-binding length), and
 * both directions against GNU SASL (libgsasl) as an independent peer.
 */
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <fcntl.h>
#include <gsasl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hmac.h>
#include <wolfssl/wolfcrypt/pwdbased.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "../src/lib/certfile.h"
#include "../src/lib/msg.h"
#include "../src/lib/scram.h"
#include "../src/lib/util.h"

static void quiet(void) { bwk_quiet = 1; }

TestSuite(scram, .init = quiet);

/* RFC 7677 section 3: user "user", password "pencil". */
#define V_PASSWORD	"pencil"
#define V_CNONCE	"rOprNGfwEbeRWgbNEkqO"
#define V_SNONCE	"%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
#define V_CF		"n,,n=user,r=" V_CNONCE
#define V_SF		"r=" V_CNONCE V_SNONCE ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
#define V_CFN		"c=biws,r=" V_CNONCE V_SNONCE
#define V_CFIN		V_CFN ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
#define V_SFIN		"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
#define V_VECTOR	(SCRAM_INSECURE_ANY_ITER | SCRAM_INSECURE_NO_CBIND)

/* A plus exchange of our own: 32 bytes of channel binding. */
#define CNONCE		"fyko+d2lbbFgONRv9qkxdawLfyko+d2l"
#define SNONCE		"3rfcNHYJY1ZVvWVs7j3rfcNHYJY1ZVvW"
#define NONCE		CNONCE SNONCE
#define SALT16		"QSXCR+Q6sek8bf92QSXCRw=="	/* 16 bytes */
#define GS2		"p=tls-exporter,,"
#define CF_BARE		"n=user,r=" CNONCE
#define CF		GS2 CF_BARE
#define SF		"r=" NONCE ",s=" SALT16 ",i=100000"

static const uint8_t cb_value[SCRAM_CB_LEN] = {
	0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87, 0x98, 0xa9, 0xba,
	0xcb, 0xdc, 0xed, 0xfe, 0x0f, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
	0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01,
};

static void
b64(const uint8_t *in, size_t len, char *out)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;

	for (i = 0; i + 2 < len; i += 3) {
		out[o++] = a[in[i] >> 2];
		out[o++] = a[(in[i] & 3) << 4 | in[i + 1] >> 4];
		out[o++] = a[(in[i + 1] & 15) << 2 | in[i + 2] >> 6];
		out[o++] = a[in[i + 2] & 63];
	}
	if (len - i == 1) {
		out[o++] = a[in[i] >> 2];
		out[o++] = a[(in[i] & 3) << 4];
		out[o++] = '=';
		out[o++] = '=';
	} else if (len - i == 2) {
		out[o++] = a[in[i] >> 2];
		out[o++] = a[(in[i] & 3) << 4 | in[i + 1] >> 4];
		out[o++] = a[(in[i + 1] & 15) << 2];
		out[o++] = '=';
	}
	out[o] = '\0';
}

/* "c=BASE64(gs2 || n bytes of cb_value),r=NONCE" */
static const char *
noproof_with(const char *gs2, size_t n)
{
	static char out[512];
	uint8_t raw[256];
	char enc[400];
	size_t g = strlen(gs2), i;

	memcpy(raw, gs2, g);
	for (i = 0; i < n; i++)
		raw[g + i] = cb_value[i % SCRAM_CB_LEN];
	b64(raw, g + n, enc);
	snprintf(out, sizeof(out), "c=%s,r=%s", enc, NONCE);
	return out;
}

static int
cf_parse(const char *s, int flags)
{
	struct scram_client_first cf;

	return scram_client_first_parse(s, strlen(s), flags, &cf);
}

static int
sf_parse(const char *s)
{
	struct scram_server_first sf;

	return scram_server_first_parse(s, strlen(s), CNONCE, &sf);
}

static int
cfin_parse(const char *s)
{
	struct scram_client_final cfin;

	return scram_client_final_parse(s, strlen(s), &cfin);
}

static int
sfin_parse(const char *s)
{
	struct scram_server_final sfin;

	return scram_server_final_parse(s, strlen(s), &sfin);
}

static int
proof_of(const char *sf, const char *cfn, int flags, struct scram_proof *p)
{
	return scram_client_proof((const uint8_t *)V_PASSWORD,
	    strlen(V_PASSWORD), CF_BARE, strlen(CF_BARE), sf, strlen(sf), cfn,
	    strlen(cfn), flags, p);
}

static void
salted_verifier(uint32_t iter, struct scram_verifier *v)
{
	uint8_t salt[SCRAM_SALT_LEN];
	size_t n;

	cr_assert_eq(bwk_b64_decode(SALT16, strlen(SALT16), salt,
	    sizeof(salt), &n), 0);
	cr_assert_eq(scram_verifier_derive((const uint8_t *)V_PASSWORD,
	    strlen(V_PASSWORD), salt, n, iter, 0, v), SCRAM_OK);
}

/* ---- RFC 7677's test vector */

Test(scram, rfc7677_client_side)
{
	struct scram_client_first cf;
	struct scram_server_first sf;
	struct scram_msg cfn, cfin;
	struct scram_proof p;

	cr_assert_eq(scram_client_first_build("user", NULL, V_CNONCE,
	    SCRAM_INSECURE_NO_CBIND, &cf), SCRAM_OK);
	cr_assert_str_eq(cf.msg.s, V_CF);
	cr_assert_eq(cf.msg.len, strlen(V_CF));
	cr_assert_str_eq(cf.msg.s + cf.bare_off, "n=user,r=" V_CNONCE);
	cr_assert_eq(scram_server_first_parse(V_SF, strlen(V_SF), cf.nonce,
	    &sf), SCRAM_OK);
	cr_assert_eq(sf.p.iter, 4096);
	cr_assert_eq(sf.p.salt_len, 16);
	cr_assert_eq(scram_client_final_noproof(&cf, &sf, NULL, 0, &cfn),
	    SCRAM_OK);
	cr_assert_str_eq(cfn.s, V_CFN);
	cr_assert_eq(scram_client_proof((const uint8_t *)V_PASSWORD,
	    strlen(V_PASSWORD), cf.msg.s + cf.bare_off,
	    cf.msg.len - cf.bare_off, sf.msg.s, sf.msg.len, cfn.s, cfn.len,
	    V_VECTOR, &p), SCRAM_OK);
	cr_assert_str_eq(p.user, "user");
	cr_assert_eq(scram_client_final_build(&cfn, p.client_proof, &cfin),
	    SCRAM_OK);
	cr_assert_str_eq(cfin.s, V_CFIN);

	struct scram_server_final sfin;
	cr_assert_eq(scram_server_final_parse(V_SFIN, strlen(V_SFIN), &sfin),
	    SCRAM_OK);
	cr_assert_eq(scram_server_sig_check(p.server_sig, &sfin), SCRAM_OK);
}

Test(scram, rfc7677_server_side)
{
	struct scram_client_first cf;
	struct scram_server_first sf;
	struct scram_client_final cfin;
	struct scram_verifier v;
	struct scram_msg sfin;
	uint8_t salt[16];
	size_t n;

	cr_assert_eq(bwk_b64_decode("W22ZaJ0SNY7soEsUEjb6gQ==", 24, salt,
	    sizeof(salt), &n), 0);
	cr_assert_eq(scram_verifier_derive((const uint8_t *)V_PASSWORD,
	    strlen(V_PASSWORD), salt, n, 4096, SCRAM_INSECURE_ANY_ITER, &v),
	    SCRAM_OK);
	cr_assert_eq(scram_client_first_parse(V_CF, strlen(V_CF),
	    SCRAM_INSECURE_NO_CBIND, &cf), SCRAM_OK);
	cr_assert_eq(cf.cbind, 0);
	cr_assert_str_eq(cf.user, "user");
	cr_assert_str_eq(cf.nonce, V_CNONCE);
	cr_assert_eq(scram_server_first_build(&cf, V_SNONCE, &v.p, &sf),
	    SCRAM_OK);
	cr_assert_str_eq(sf.msg.s, V_SF);
	cr_assert_eq(scram_client_final_parse(V_CFIN, strlen(V_CFIN), &cfin),
	    SCRAM_OK);
	cr_assert_eq(cfin.noproof_len, strlen(V_CFN));
	cr_assert_eq(scram_server_verify(&v, &cf, &sf, &cfin, NULL, 0,
	    SCRAM_INSECURE_NO_CBIND, &sfin),
	    SCRAM_OK);
	cr_assert_str_eq(sfin.s, V_SFIN);
}

/* The vector's own messages, without the explicit flags, are refused. */
Test(scram, rfc7677_needs_its_flags)
{
	struct scram_proof p;
	struct scram_verifier v;

	cr_assert_eq(cf_parse(V_CF, 0), SCRAM_E_CBIND);
	cr_assert_eq(scram_client_proof((const uint8_t *)V_PASSWORD, 6,
	    "n=user,r=" V_CNONCE, 29, V_SF, strlen(V_SF), V_CFN,
	    strlen(V_CFN), SCRAM_INSECURE_NO_CBIND, &p), SCRAM_E_ITER);
	cr_assert_eq(scram_client_proof((const uint8_t *)V_PASSWORD, 6,
	    "n=user,r=" V_CNONCE, 29, V_SF, strlen(V_SF), V_CFN,
	    strlen(V_CFN), SCRAM_INSECURE_ANY_ITER, &p), SCRAM_E_CBIND);
	cr_assert_eq(scram_verifier_derive((const uint8_t *)V_PASSWORD, 6,
	    (const uint8_t *)"0123456789abcdef", 16, 4096, 0, &v),
	    SCRAM_E_ITER);
}

/* ---- the helper's refusals */

Test(scram, helper_iteration_floor)
{
	struct scram_proof p;
	const char *cfn = noproof_with(GS2, SCRAM_CB_LEN);
	char sf[256];

	snprintf(sf, sizeof(sf), "r=%s,s=%s,i=%d", NONCE, SALT16,
	    SCRAM_ITER_FLOOR - 1);
	cr_assert_eq(proof_of(sf, cfn, 0, &p), SCRAM_E_ITER);
	cr_assert_eq(proof_of("r=" NONCE ",s=" SALT16 ",i=1", cfn, 0, &p),
	    SCRAM_E_ITER);
	cr_assert_eq(proof_of(SF, cfn, 0, &p), SCRAM_OK);
	cr_assert_eq(p.p.iter, SCRAM_ITER_FLOOR);
	cr_assert_eq(p.p.salt_len, 16);
	cr_assert_str_eq(p.user, "user");
	cr_assert_eq(scram_verifier_make((const uint8_t *)"x", 1,
	    SCRAM_ITER_FLOOR - 1, 0, &(struct scram_verifier){ 0 }),
	    SCRAM_E_ITER);
	cr_assert_eq(scram_verifier_make((const uint8_t *)"x", 1,
	    SCRAM_ITER_MAX + 1, 0, &(struct scram_verifier){ 0 }),
	    SCRAM_E_ITER);
}

Test(scram, helper_channel_binding_length)
{
	struct scram_proof p;

	cr_assert_eq(proof_of(SF, noproof_with(GS2, 31), 0, &p),
	    SCRAM_E_CB_LEN);
	cr_assert_eq(proof_of(SF, noproof_with(GS2, 33), 0, &p),
	    SCRAM_E_CB_LEN);
	cr_assert_eq(proof_of(SF, noproof_with(GS2, 0), 0, &p),
	    SCRAM_E_CB_LEN);
	cr_assert_eq(proof_of(SF, noproof_with(GS2, 64), 0, &p),
	    SCRAM_E_CB_LEN);
	/* another binding, or none, or the downgrade flag */
	cr_assert_eq(proof_of(SF, noproof_with("p=tls-unique,,", 32), 0, &p),
	    SCRAM_E_CBIND);
	cr_assert_eq(proof_of(SF, noproof_with("p=tls-server-end-point,,",
	    32), 0, &p), SCRAM_E_CBIND);
	cr_assert_eq(proof_of(SF, noproof_with("n,,", 0), 0, &p),
	    SCRAM_E_CBIND);
	cr_assert_eq(proof_of(SF, noproof_with("y,,", 0), 0, &p),
	    SCRAM_E_CBIND);
	cr_assert_eq(proof_of(SF, noproof_with("p=tls-exporter", 32), 0, &p),
	    SCRAM_E_CBIND);
	cr_assert_eq(proof_of(SF, noproof_with("p=tls-exporter,a=", 32), 0,
	    &p), SCRAM_E_CBIND);
	/* with an authzid the data still has to be 32 bytes */
	cr_assert_eq(proof_of(SF, noproof_with("p=tls-exporter,a=adm,", 32),
	    0, &p), SCRAM_OK);
	cr_assert_eq(proof_of(SF, noproof_with("p=tls-exporter,a=adm,", 30),
	    0, &p), SCRAM_E_CB_LEN);

	/* the network process's own builder refuses too */
	struct scram_client_first cf;
	struct scram_server_first sf;
	struct scram_msg out;

	cr_assert_eq(scram_client_first_build("user", NULL, CNONCE, 0, &cf),
	    SCRAM_OK);
	cr_assert_eq(scram_server_first_parse(SF, strlen(SF), cf.nonce, &sf),
	    SCRAM_OK);
	cr_assert_eq(scram_client_final_noproof(&cf, &sf, cb_value, 31, &out),
	    SCRAM_E_CB_LEN);
	cr_assert_eq(scram_client_final_noproof(&cf, &sf, cb_value, 33, &out),
	    SCRAM_E_CB_LEN);
	cr_assert_eq(scram_client_final_noproof(&cf, &sf, NULL, 0, &out),
	    SCRAM_E_CB_LEN);
	cr_assert_eq(scram_client_final_noproof(&cf, &sf, cb_value, 32, &out),
	    SCRAM_OK);
	cr_assert_str_eq(out.s, noproof_with(GS2, 32));
}

Test(scram, helper_refuses_mismatched_messages)
{
	struct scram_proof p;
	const char *cfn = noproof_with(GS2, 32);
	char other[256];

	/* the server's nonce must extend the client's */
	cr_assert_eq(proof_of("r=X" CNONCE SNONCE ",s=" SALT16 ",i=100000",
	    cfn, 0, &p), SCRAM_E_NONCE);
	/* the final r= must be the server's nonce */
	snprintf(other, sizeof(other), "%.*sX", (int)strlen(cfn) - 1, cfn);
	cr_assert_eq(proof_of(SF, other, 0, &p), SCRAM_E_NONCE);
	/* a proof in what should be without one */
	snprintf(other, sizeof(other), "%s,p=%s", cfn,
	    "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
	cr_assert_eq(proof_of(SF, other, 0, &p), SCRAM_E_SYNTAX);
	/* an empty or over-long password */
	cr_assert_eq(scram_client_proof((const uint8_t *)"", 0, CF_BARE,
	    strlen(CF_BARE), SF, strlen(SF), cfn, strlen(cfn), 0, &p),
	    SCRAM_E_PASSWORD);
	static uint8_t big[SCRAM_PASSWORD_MAX + 1];
	cr_assert_eq(scram_client_proof(big, sizeof(big), CF_BARE,
	    strlen(CF_BARE), SF, strlen(SF), cfn, strlen(cfn), 0, &p),
	    SCRAM_E_PASSWORD);
	/* a gs2 header where the bare message should be */
	cr_assert_eq(scram_client_proof((const uint8_t *)"x", 1, CF,
	    strlen(CF), SF, strlen(SF), cfn, strlen(cfn), 0, &p),
	    SCRAM_E_SYNTAX);
	cr_assert_eq(proof_of(SF, cfn, 0x100, &p), SCRAM_E_ARG);
}

/* ---- the messages, malformed */

Test(scram, client_first_refusals)
{
	char buf[SCRAM_MSG_MAX + 16];
	struct scram_client_first cf;

	cr_assert_eq(cf_parse(CF, 0), SCRAM_OK);
	cr_assert_eq(cf_parse(GS2 "n=user,r=" CNONCE ",x=ignored", 0),
	    SCRAM_OK);
	/* channel binding: only tls-exporter */
	cr_assert_eq(cf_parse("n,," CF_BARE, 0), SCRAM_E_CBIND);
	cr_assert_eq(cf_parse("y,," CF_BARE, 0), SCRAM_E_CBIND);
	cr_assert_eq(cf_parse("y,," CF_BARE, SCRAM_INSECURE_NO_CBIND),
	    SCRAM_E_CBIND);
	cr_assert_eq(cf_parse("p=tls-unique,," CF_BARE, 0), SCRAM_E_CBIND);
	cr_assert_eq(cf_parse("p=TLS-EXPORTER,," CF_BARE, 0), SCRAM_E_CBIND);
	cr_assert_eq(cf_parse("F,p=tls-exporter,," CF_BARE, 0),
	    SCRAM_E_CBIND);
	cr_assert_eq(cf_parse("p=tls-exporter," CF_BARE, 0), SCRAM_E_SYNTAX);
	cr_assert_eq(cf_parse("p=tls-exporter,a=,n=user,r=" CNONCE, 0),
	    SCRAM_E_SYNTAX);
	cr_assert_eq(cf_parse("p=tls-exporter,x=y,n=user,r=" CNONCE, 0),
	    SCRAM_E_SYNTAX);
	/* mandatory extension */
	cr_assert_eq(cf_parse(GS2 "m=ext," CF_BARE, 0), SCRAM_E_EXTENSION);
	cr_assert_eq(cf_parse(GS2 CF_BARE ",m=ext", 0), SCRAM_E_EXTENSION);
	/* duplicates */
	cr_assert_eq(cf_parse(GS2 "n=user,n=other,r=" CNONCE, 0),
	    SCRAM_E_DUPLICATE);
	cr_assert_eq(cf_parse(GS2 CF_BARE ",r=" CNONCE, 0),
	    SCRAM_E_DUPLICATE);
	cr_assert_eq(cf_parse(GS2 CF_BARE ",x=1,x=2", 0), SCRAM_E_DUPLICATE);
	/* order and shape */
	cr_assert_eq(cf_parse(GS2 "r=" CNONCE ",n=user", 0), SCRAM_E_SYNTAX);
	cr_assert_eq(cf_parse(GS2 "n=user", 0), SCRAM_E_SYNTAX);
	cr_assert_eq(cf_parse(GS2 CF_BARE ",", 0), SCRAM_E_SYNTAX);
	cr_assert_eq(cf_parse(GS2 CF_BARE ",,x=1", 0), SCRAM_E_SYNTAX);
	cr_assert_eq(cf_parse(GS2 CF_BARE ",x=", 0), SCRAM_E_SYNTAX);
	cr_assert_eq(cf_parse(GS2 CF_BARE ",1=a", 0), SCRAM_E_SYNTAX);
	cr_assert_eq(cf_parse(GS2 CF_BARE ",xx=a", 0), SCRAM_E_SYNTAX);
	cr_assert_eq(cf_parse(GS2 CF_BARE ",x", 0), SCRAM_E_SYNTAX);
	cr_assert_eq(cf_parse("", 0), SCRAM_E_SYNTAX);
	cr_assert_eq(cf_parse(GS2 CF_BARE ",b=1,d=2,f=3,g=4", 0), SCRAM_OK);
	cr_assert_eq(cf_parse(GS2 CF_BARE ",b=1,d=2,f=3,g=4,h=5", 0),
	    SCRAM_E_TOOLONG);
	/* the RFC's own attributes are never extensions */
	cr_assert_eq(cf_parse(GS2 CF_BARE ",s=1", 0), SCRAM_E_SYNTAX);
	cr_assert_eq(cf_parse(GS2 CF_BARE ",a=1", 0), SCRAM_E_SYNTAX);
	/* the user name: escapes, bytes, length */
	cr_assert_eq(scram_client_first_parse(GS2 "n=a=2Cb=3Dc,r=" CNONCE,
	    strlen(GS2 "n=a=2Cb=3Dc,r=" CNONCE), 0, &cf), SCRAM_OK);
	cr_assert_str_eq(cf.user, "a,b=c");
	cr_assert_eq(cf_parse(GS2 "n=a=2cb,r=" CNONCE, 0), SCRAM_E_NAME);
	cr_assert_eq(cf_parse(GS2 "n=a=b,r=" CNONCE, 0), SCRAM_E_NAME);
	cr_assert_eq(cf_parse(GS2 "n=a=2,r=" CNONCE, 0), SCRAM_E_NAME);
	cr_assert_eq(cf_parse(GS2 "n=ab=,r=" CNONCE, 0), SCRAM_E_NAME);
	cr_assert_eq(cf_parse(GS2 "n=,r=" CNONCE, 0), SCRAM_E_SYNTAX);
	cr_assert_eq(cf_parse(GS2 "n=a\tb,r=" CNONCE, 0), SCRAM_E_SYNTAX);
	cr_assert_eq(cf_parse(GS2 "n=a\x7f" "b,r=" CNONCE, 0),
	    SCRAM_E_SYNTAX);
	cr_assert_eq(cf_parse(GS2 "n=a\xc2\x85" "b,r=" CNONCE, 0),
	    SCRAM_E_SYNTAX);	/* C1 control */
	cr_assert_eq(cf_parse(GS2 "n=a\xc0\xafz,r=" CNONCE, 0),
	    SCRAM_E_SYNTAX);	/* over-long UTF-8 */
	cr_assert_eq(cf_parse(GS2 "n=a\xed\xa0\x80z,r=" CNONCE, 0),
	    SCRAM_E_SYNTAX);	/* surrogate */
	cr_assert_eq(cf_parse(GS2 "n=a\xff,r=" CNONCE, 0), SCRAM_E_SYNTAX);
	cr_assert_eq(scram_client_first_parse(GS2 "n=j\xc3\xb6rg,r=" CNONCE,
	    strlen(GS2 "n=j\xc3\xb6rg,r=" CNONCE), 0, &cf), SCRAM_OK);
	memset(buf, 0, sizeof(buf));
	snprintf(buf, sizeof(buf), GS2 "n=%0*d,r=%s", SCRAM_NAME_MAX, 0,
	    CNONCE);
	cr_assert_eq(cf_parse(buf, 0), SCRAM_OK);
	snprintf(buf, sizeof(buf), GS2 "n=%0*d,r=%s", SCRAM_NAME_MAX + 1, 0,
	    CNONCE);
	cr_assert_eq(cf_parse(buf, 0), SCRAM_E_TOOLONG);
	/* an embedded NUL: the length is what counts */
	cr_assert_eq(scram_client_first_parse(GS2 "n=us\0r,r=" CNONCE,
	    sizeof(GS2 "n=us\0r,r=" CNONCE) - 1, 0, &cf), SCRAM_E_SYNTAX);
	/* the authzid */
	cr_assert_eq(scram_client_first_parse("p=tls-exporter,a=ad=2Cm,"
	    CF_BARE, strlen("p=tls-exporter,a=ad=2Cm," CF_BARE), 0, &cf),
	    SCRAM_OK);
	cr_assert_str_eq(cf.authzid, "ad,m");
	cr_assert_str_eq(cf.msg.s + cf.bare_off, CF_BARE);
	cr_assert_eq(cf_parse("p=tls-exporter,a=a=3d,n=u,r=" CNONCE, 0),
	    SCRAM_E_NAME);
	/* the nonce */
	cr_assert_eq(cf_parse(GS2 "n=user,r=0123456789abcde", 0),
	    SCRAM_E_NONCE);
	cr_assert_eq(cf_parse(GS2 "n=user,r=0123456789abcdef", 0), SCRAM_OK);
	cr_assert_eq(cf_parse(GS2 "n=user,r=0123456789 abcdef", 0),
	    SCRAM_E_NONCE);
	cr_assert_eq(cf_parse(GS2 "n=user,r=0123456789\xc3\xb6" "abcdef", 0),
	    SCRAM_E_NONCE);
	snprintf(buf, sizeof(buf), GS2 "n=user,r=%0*d",
	    SCRAM_NONCE_PART_MAX, 0);
	cr_assert_eq(cf_parse(buf, 0), SCRAM_OK);
	snprintf(buf, sizeof(buf), GS2 "n=user,r=%0*d",
	    SCRAM_NONCE_PART_MAX + 1, 0);
	cr_assert_eq(cf_parse(buf, 0), SCRAM_E_TOOLONG);
	/* the whole message: checked before anything is split */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, GS2 CF_BARE ",x=", strlen(GS2 CF_BARE ",x="));
	cr_assert_eq(scram_client_first_parse(buf, SCRAM_MSG_MAX + 1, 0, &cf),
	    SCRAM_E_TOOLONG);
	cr_assert_eq(scram_client_first_parse(NULL, 0, 0, &cf), SCRAM_E_ARG);
	cr_assert_eq(cf_parse(CF, 0x10), SCRAM_E_ARG);
}

Test(scram, client_first_build_refusals)
{
	struct scram_client_first cf;

	cr_assert_eq(scram_client_first_build("a,b=c", "x,y", CNONCE, 0, &cf),
	    SCRAM_OK);
	cr_assert_str_eq(cf.msg.s, "p=tls-exporter,a=x=2Cy,n=a=2Cb=3Dc,r="
	    CNONCE);
	cr_assert_eq(scram_client_first_build("", NULL, CNONCE, 0, &cf),
	    SCRAM_E_SYNTAX);
	cr_assert_eq(scram_client_first_build("u", "", CNONCE, 0, &cf),
	    SCRAM_E_SYNTAX);
	cr_assert_eq(scram_client_first_build("a\nb", NULL, CNONCE, 0, &cf),
	    SCRAM_E_SYNTAX);
	cr_assert_eq(scram_client_first_build("user", NULL, "short", 0, &cf),
	    SCRAM_E_NONCE);
	cr_assert_eq(scram_client_first_build("user", NULL,
	    "0123456789abcde,", 0, &cf), SCRAM_E_NONCE);
	/* 128 commas escape to 384 bytes and still fit */
	char name[SCRAM_NAME_MAX + 2];
	memset(name, ',', SCRAM_NAME_MAX);
	name[SCRAM_NAME_MAX] = '\0';
	cr_assert_eq(scram_client_first_build(name, name, CNONCE, 0, &cf),
	    SCRAM_OK);
	cr_assert_str_eq(cf.user, name);
	name[SCRAM_NAME_MAX] = ',';
	name[SCRAM_NAME_MAX + 1] = '\0';
	cr_assert_eq(scram_client_first_build(name, NULL, CNONCE, 0, &cf),
	    SCRAM_E_TOOLONG);
}

Test(scram, server_first_refusals)
{
	struct scram_server_first sf;
	char buf[SCRAM_MSG_MAX + 16];

	cr_assert_eq(scram_server_first_parse(SF, strlen(SF), CNONCE, &sf),
	    SCRAM_OK);
	cr_assert_str_eq(sf.nonce, NONCE);
	cr_assert_eq(sf.p.iter, 100000);
	cr_assert_eq(sf_parse(SF ",x=ext"), SCRAM_OK);
	/* the nonce: must extend ours by at least SCRAM_NONCE_MIN */
	cr_assert_eq(sf_parse("r=" CNONCE ",s=" SALT16 ",i=4096"),
	    SCRAM_E_NONCE);
	cr_assert_eq(sf_parse("r=" CNONCE "0123456789abcde,s=" SALT16
	    ",i=4096"), SCRAM_E_NONCE);
	cr_assert_eq(sf_parse("r=" CNONCE "0123456789abcdef,s=" SALT16
	    ",i=4096"), SCRAM_OK);
	cr_assert_eq(sf_parse("r=x" CNONCE SNONCE ",s=" SALT16 ",i=4096"),
	    SCRAM_E_NONCE);
	cr_assert_eq(sf_parse("r=" SNONCE CNONCE ",s=" SALT16 ",i=4096"),
	    SCRAM_E_NONCE);
	snprintf(buf, sizeof(buf), "r=%s%0*d,s=%s,i=4096", CNONCE,
	    SCRAM_NONCE_PART_MAX + 1, 0, SALT16);
	cr_assert_eq(sf_parse(buf), SCRAM_E_TOOLONG);
	/* the salt */
	cr_assert_eq(sf_parse("r=" NONCE ",s=QSXCR+Q6sek8bf92QSXCRx==,i=4096"),
	    SCRAM_E_BASE64);	/* stray low bits */
	cr_assert_eq(sf_parse("r=" NONCE ",s=QSXCR+Q6sek8bf92QSXCRw,i=4096"),
	    SCRAM_E_BASE64);	/* no padding */
	cr_assert_eq(sf_parse("r=" NONCE ",s=QSXCR-Q6sek8bf92QSXCRw==,i=4096"),
	    SCRAM_E_BASE64);	/* URL alphabet */
	cr_assert_eq(sf_parse("r=" NONCE ",s=QSXCR+Q6sek8bf92QSXC,i=4096"),
	    SCRAM_E_SALT);	/* 15 bytes */
	{
		uint8_t raw[SCRAM_SALT_MAX + 1] = { 0 };
		char enc[128];

		b64(raw, SCRAM_SALT_MAX, enc);
		snprintf(buf, sizeof(buf), "r=%s,s=%s,i=4096", NONCE, enc);
		cr_assert_eq(sf_parse(buf), SCRAM_OK);
		b64(raw, SCRAM_SALT_MAX + 1, enc);
		snprintf(buf, sizeof(buf), "r=%s,s=%s,i=4096", NONCE, enc);
		cr_assert_eq(sf_parse(buf), SCRAM_E_SALT);
	}
	/* the count */
	cr_assert_eq(sf_parse("r=" NONCE ",s=" SALT16 ",i=0"),
	    SCRAM_E_NUMBER);
	cr_assert_eq(sf_parse("r=" NONCE ",s=" SALT16 ",i=04096"),
	    SCRAM_E_NUMBER);
	cr_assert_eq(sf_parse("r=" NONCE ",s=" SALT16 ",i=-1"),
	    SCRAM_E_NUMBER);
	cr_assert_eq(sf_parse("r=" NONCE ",s=" SALT16 ",i=+4096"),
	    SCRAM_E_NUMBER);
	cr_assert_eq(sf_parse("r=" NONCE ",s=" SALT16 ",i=4096a"),
	    SCRAM_E_NUMBER);
	cr_assert_eq(sf_parse("r=" NONCE ",s=" SALT16 ",i= 4096"),
	    SCRAM_E_NUMBER);
	cr_assert_eq(sf_parse("r=" NONCE ",s=" SALT16 ",i=4000000"),
	    SCRAM_OK);
	cr_assert_eq(sf_parse("r=" NONCE ",s=" SALT16 ",i=4000001"),
	    SCRAM_E_NUMBER);
	cr_assert_eq(sf_parse("r=" NONCE ",s=" SALT16 ",i=4294967297"),
	    SCRAM_E_NUMBER);	/* 2^32 + 1: wraps to 1 in 32 bits */
	cr_assert_eq(sf_parse("r=" NONCE ",s=" SALT16
	    ",i=18446744073709551617"), SCRAM_E_NUMBER);
	/* order, duplicates, extensions */
	cr_assert_eq(sf_parse("s=" SALT16 ",r=" NONCE ",i=4096"),
	    SCRAM_E_SYNTAX);
	cr_assert_eq(sf_parse("r=" NONCE ",s=" SALT16), SCRAM_E_SYNTAX);
	cr_assert_eq(sf_parse("r=" NONCE ",r=" NONCE ",s=" SALT16 ",i=4096"),
	    SCRAM_E_DUPLICATE);
	cr_assert_eq(sf_parse(SF ",i=4096"), SCRAM_E_DUPLICATE);
	cr_assert_eq(sf_parse(SF ",s=" SALT16), SCRAM_E_DUPLICATE);
	cr_assert_eq(sf_parse("m=x," SF), SCRAM_E_EXTENSION);
	cr_assert_eq(sf_parse(SF ",m=x"), SCRAM_E_EXTENSION);
	cr_assert_eq(sf_parse(SF ",e=other-error"), SCRAM_E_SYNTAX);
	cr_assert_eq(sf_parse("e=other-error"), SCRAM_E_SYNTAX);
	cr_assert_eq(sf_parse(SF ","), SCRAM_E_SYNTAX);
	cr_assert_eq(scram_server_first_parse(SF, strlen(SF), "short", &sf),
	    SCRAM_E_ARG);
}

Test(scram, client_final_refusals)
{
	struct scram_client_final cfin;
	const char *cfn = noproof_with(GS2, 32);
	const char *pr = ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
	char buf[SCRAM_MSG_MAX + 16];

	snprintf(buf, sizeof(buf), "%s%s", cfn, pr);
	cr_assert_eq(scram_client_final_parse(buf, strlen(buf), &cfin),
	    SCRAM_OK);
	cr_assert_eq(cfin.noproof_len, strlen(cfn));
	cr_assert_eq(cfin.cbind_len, strlen(GS2) + 32);
	cr_assert_str_eq(cfin.nonce, NONCE);
	snprintf(buf, sizeof(buf), "%s,x=ext%s", cfn, pr);
	cr_assert_eq(cfin_parse(buf), SCRAM_OK);
	cr_assert_eq(cfin_parse(cfn), SCRAM_E_SYNTAX);	/* no proof */
	snprintf(buf, sizeof(buf), "%s%s,x=ext", cfn, pr);
	cr_assert_eq(cfin_parse(buf), SCRAM_E_SYNTAX);	/* proof not last */
	snprintf(buf, sizeof(buf), "%s%s%s", cfn, pr, pr);
	cr_assert_eq(cfin_parse(buf), SCRAM_E_DUPLICATE);
	snprintf(buf, sizeof(buf), "%s,r=%s%s", cfn, NONCE, pr);
	cr_assert_eq(cfin_parse(buf), SCRAM_E_DUPLICATE);
	snprintf(buf, sizeof(buf), "%s,m=x%s", cfn, pr);
	cr_assert_eq(cfin_parse(buf), SCRAM_E_EXTENSION);
	snprintf(buf, sizeof(buf), "%s,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmm"
	    "iz7AndVR=", cfn);
	cr_assert_eq(cfin_parse(buf), SCRAM_E_BASE64);	/* stray bits */
	snprintf(buf, sizeof(buf), "%s,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmm"
	    "iz7AndQ==", cfn);
	cr_assert_eq(cfin_parse(buf), SCRAM_E_BASE64);	/* 31 bytes */
	snprintf(buf, sizeof(buf), "%s,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmm"
	    "iz7AndVQA", cfn);
	cr_assert_eq(cfin_parse(buf), SCRAM_E_BASE64);	/* 33 bytes */
	snprintf(buf, sizeof(buf), "c=cD10bHMtZXhwb3J0ZXIsLA=,r=%s%s", NONCE,
	    pr);
	cr_assert_eq(cfin_parse(buf), SCRAM_E_BASE64);
	snprintf(buf, sizeof(buf), "r=%s,c=biws%s", NONCE, pr);
	cr_assert_eq(cfin_parse(buf), SCRAM_E_SYNTAX);	/* order */
	snprintf(buf, sizeof(buf), "c=biws%s", pr);
	cr_assert_eq(cfin_parse(buf), SCRAM_E_SYNTAX);	/* no nonce */
	/* c= longer than any gs2 header and binding could be */
	{
		uint8_t raw[SCRAM_CBIND_MAX + 3];
		char enc[sizeof(raw) * 2];

		memset(raw, 'a', sizeof(raw));
		b64(raw, sizeof(raw), enc);
		snprintf(buf, sizeof(buf), "c=%s,r=%s%s", enc, NONCE, pr);
		cr_assert_eq(cfin_parse(buf), SCRAM_E_TOOLONG);
	}
}

Test(scram, server_final_refusals)
{
	struct scram_server_final s;
	const uint8_t zero[SCRAM_HASH_LEN] = { 0 };

	cr_assert_eq(scram_server_final_parse(V_SFIN, strlen(V_SFIN), &s),
	    SCRAM_OK);
	cr_assert_eq(s.is_error, 0);
	cr_assert_eq(scram_server_sig_check(zero, &s), SCRAM_E_SERVER_SIG);
	cr_assert_eq(scram_server_final_parse("e=invalid-proof", 15, &s),
	    SCRAM_OK);
	cr_assert_eq(s.is_error, 1);
	cr_assert_str_eq(s.error, "invalid-proof");
	cr_assert_eq(scram_server_sig_check(zero, &s), SCRAM_E_SERVER_ERR);
	cr_assert_eq(sfin_parse(V_SFIN ",x=ext"), SCRAM_OK);
	cr_assert_eq(sfin_parse("e=other-error,x=ext"), SCRAM_OK);
	cr_assert_eq(sfin_parse(V_SFIN "," V_SFIN), SCRAM_E_DUPLICATE);
	cr_assert_eq(sfin_parse(V_SFIN ",e=other-error"), SCRAM_E_SYNTAX);
	cr_assert_eq(sfin_parse(V_SFIN ",m=x"), SCRAM_E_EXTENSION);
	cr_assert_eq(sfin_parse("m=x," V_SFIN), SCRAM_E_EXTENSION);
	cr_assert_eq(sfin_parse("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G"
	    "5="), SCRAM_E_BASE64);	/* stray low bits */
	cr_assert_eq(sfin_parse("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95A="
	    "="), SCRAM_E_BASE64);	/* 31 bytes */
	cr_assert_eq(sfin_parse("v=biws"), SCRAM_E_BASE64);
	cr_assert_eq(sfin_parse("e="), SCRAM_E_SYNTAX);
	cr_assert_eq(sfin_parse("e=a\x01z"), SCRAM_E_SYNTAX);
	cr_assert_eq(sfin_parse("x=1"), SCRAM_E_SYNTAX);
	cr_assert_eq(sfin_parse(""), SCRAM_E_SYNTAX);
	cr_assert_eq(sfin_parse("e=01234567890123456789012345678901234567890"
	    "12345678901234567890123"), SCRAM_OK);
	cr_assert_eq(sfin_parse("e=01234567890123456789012345678901234567890"
	    "123456789012345678901234"), SCRAM_E_TOOLONG);
}

/* ---- the server's check */

struct exchange {
	struct scram_verifier		v;
	struct scram_client_first	cf;
	struct scram_server_first	sf;
	struct scram_msg		cfn, cfin;
	struct scram_proof		p;
};

/* Our client against our server, up to the client's final message. */
static void
exchange(struct exchange *x, const char *password, const uint8_t *cb)
{
	cr_assert_eq(scram_verifier_make((const uint8_t *)V_PASSWORD,
	    strlen(V_PASSWORD), SCRAM_ITER_FLOOR, 0, &x->v), SCRAM_OK);
	cr_assert_eq(x->v.p.salt_len, SCRAM_SALT_LEN);
	cr_assert_eq(x->v.p.iter, SCRAM_ITER_FLOOR);
	cr_assert_eq(scram_client_first_build("node1", NULL, CNONCE, 0,
	    &x->cf), SCRAM_OK);
	cr_assert_eq(scram_server_first_build(&x->cf, SNONCE, &x->v.p,
	    &x->sf), SCRAM_OK);
	cr_assert_eq(scram_client_final_noproof(&x->cf, &x->sf, cb,
	    SCRAM_CB_LEN, &x->cfn), SCRAM_OK);
	cr_assert_eq(scram_client_proof((const uint8_t *)password,
	    strlen(password), x->cf.msg.s + x->cf.bare_off,
	    x->cf.msg.len - x->cf.bare_off, x->sf.msg.s, x->sf.msg.len,
	    x->cfn.s, x->cfn.len, 0, &x->p), SCRAM_OK);
	cr_assert_eq(scram_client_final_build(&x->cfn, x->p.client_proof,
	    &x->cfin), SCRAM_OK);
}

static int
verify(struct exchange *x, const char *cfin, const uint8_t *cb, size_t cbl,
    struct scram_msg *out)
{
	struct scram_client_final f;
	int rc;

	if ((rc = scram_client_final_parse(cfin, strlen(cfin), &f)) != 0)
		return rc;
	return scram_server_verify(&x->v, &x->cf, &x->sf, &f, cb, cbl, 0, out);
}

Test(scram, plus_round_trip)
{
	struct exchange x;
	struct scram_msg out;
	struct scram_server_final sfin;

	exchange(&x, V_PASSWORD, cb_value);
	cr_assert_eq(verify(&x, x.cfin.s, cb_value, SCRAM_CB_LEN, &out),
	    SCRAM_OK);
	cr_assert_eq(scram_server_final_parse(out.s, out.len, &sfin),
	    SCRAM_OK);
	cr_assert_eq(scram_server_sig_check(x.p.server_sig, &sfin), SCRAM_OK);
	cr_assert_eq(scram_params_differ(&x.p.p, &x.v.p), 0);
}

Test(scram, server_refusals)
{
	struct exchange x;
	struct scram_msg out;
	uint8_t other[SCRAM_CB_LEN];
	char buf[SCRAM_MSG_MAX + 1];

	exchange(&x, "not-pencil", cb_value);
	cr_assert_eq(verify(&x, x.cfin.s, cb_value, SCRAM_CB_LEN, &out),
	    SCRAM_E_PROOF);
	exchange(&x, V_PASSWORD, cb_value);
	/* another session's binding */
	memcpy(other, cb_value, sizeof(other));
	other[31] ^= 1;
	cr_assert_eq(verify(&x, x.cfin.s, other, SCRAM_CB_LEN, &out),
	    SCRAM_E_CBIND);
	cr_assert_eq(verify(&x, x.cfin.s, cb_value, 31, &out),
	    SCRAM_E_CB_LEN);
	cr_assert_eq(verify(&x, x.cfin.s, NULL, 0, &out), SCRAM_E_CB_LEN);
	/* a proof bit flipped */
	snprintf(buf, sizeof(buf), "%s", x.cfin.s);
	buf[x.cfin.len - 3] = buf[x.cfin.len - 3] == 'A' ? 'B' : 'A';
	cr_assert_eq(verify(&x, buf, cb_value, SCRAM_CB_LEN, &out),
	    SCRAM_E_PROOF);
	/* another nonce */
	snprintf(buf, sizeof(buf), "%s", x.cfin.s);
	buf[x.cfn.len - 1] ^= 1;
	cr_assert_eq(verify(&x, buf, cb_value, SCRAM_CB_LEN, &out),
	    SCRAM_E_NONCE);
	/* a gs2 header in c= that is not the one of the first message */
	struct scram_client_first cf2;
	struct scram_msg m2, fin2;
	cr_assert_eq(scram_client_first_build("node1", "admin", CNONCE, 0,
	    &cf2), SCRAM_OK);
	cr_assert_eq(scram_client_final_noproof(&cf2, &x.sf, cb_value,
	    SCRAM_CB_LEN, &m2), SCRAM_OK);
	cr_assert_eq(scram_client_final_build(&m2, x.p.client_proof, &fin2),
	    SCRAM_OK);
	cr_assert_eq(verify(&x, fin2.s, cb_value, SCRAM_CB_LEN, &out),
	    SCRAM_E_CBIND);
	/* an "n,," first message is refused even if it got through */
	x.cf.cbind = 0;
	cr_assert_eq(verify(&x, x.cfin.s, cb_value, SCRAM_CB_LEN, &out),
	    SCRAM_E_CBIND);
}

Test(scram, server_error_values)
{
	struct scram_msg m;

	cr_assert_eq(scram_server_error_build(SCRAM_E_PROOF, &m), SCRAM_OK);
	cr_assert_str_eq(m.s, "e=invalid-proof");
	cr_assert_eq(scram_server_error_build(SCRAM_E_CBIND, &m), SCRAM_OK);
	cr_assert_str_eq(m.s, "e=channel-bindings-dont-match");
	cr_assert_eq(scram_server_error_build(SCRAM_E_CB_LEN, &m), SCRAM_OK);
	cr_assert_str_eq(m.s, "e=channel-bindings-dont-match");
	cr_assert_eq(scram_server_error_build(SCRAM_E_EXTENSION, &m),
	    SCRAM_OK);
	cr_assert_str_eq(m.s, "e=extensions-not-supported");
	cr_assert_eq(scram_server_error_build(SCRAM_E_SYNTAX, &m), SCRAM_OK);
	cr_assert_str_eq(m.s, "e=invalid-encoding");
	cr_assert_eq(scram_server_error_build(SCRAM_E_NAME, &m), SCRAM_OK);
	cr_assert_str_eq(m.s, "e=invalid-username-encoding");
	cr_assert_eq(scram_server_error_build(SCRAM_E_CRYPTO, &m), SCRAM_OK);
	cr_assert_str_eq(m.s, "e=other-error");
	cr_assert_eq(scram_server_error_build(SCRAM_OK, &m), SCRAM_E_ARG);
	cr_assert_str_eq(scram_strerror(SCRAM_E_ITER),
	    "iteration count below the floor");
	cr_assert_not_null(scram_strerror(12345));
}

Test(scram, params_differ)
{
	struct scram_params a = { .salt = { 1, 2, 3 }, .salt_len = 16,
	    .iter = 100000 };
	struct scram_params b = a;

	cr_assert_eq(scram_params_differ(&a, &b), 0);
	b.iter++;
	cr_assert_eq(scram_params_differ(&a, &b), 1);
	b = a;
	b.salt[15] = 9;
	cr_assert_eq(scram_params_differ(&a, &b), 1);
	b = a;
	b.salt_len = 17;
	cr_assert_eq(scram_params_differ(&a, &b), 1);
}

Test(scram, verifiers)
{
	struct scram_verifier a, b, f1, f2, f3;
	const uint8_t key[SCRAM_HASH_LEN] = { 7 };
	char n1[SCRAM_NONCE_LEN + 1], n2[SCRAM_NONCE_LEN + 1];

	cr_assert_eq(scram_verifier_make((const uint8_t *)"pw", 2,
	    SCRAM_ITER_FLOOR, 0, &a), SCRAM_OK);
	cr_assert_eq(scram_verifier_make((const uint8_t *)"pw", 2,
	    SCRAM_ITER_FLOOR, 0, &b), SCRAM_OK);
	cr_assert_neq(memcmp(a.p.salt, b.p.salt, SCRAM_SALT_LEN), 0);
	cr_assert_neq(memcmp(a.stored_key, b.stored_key, SCRAM_HASH_LEN), 0);
	cr_assert_eq(scram_verifier_make((const uint8_t *)"", 0,
	    SCRAM_ITER_FLOOR, 0, &a), SCRAM_E_PASSWORD);
	cr_assert_eq(scram_verifier_derive((const uint8_t *)"pw", 2,
	    (const uint8_t *)"short", 5, SCRAM_ITER_FLOOR, 0, &a),
	    SCRAM_E_SALT);
	/* the same name, the same fake; another name, another */
	cr_assert_eq(scram_verifier_fake(key, "ghost", SCRAM_ITER_DEFAULT,
	    &f1), SCRAM_OK);
	cr_assert_eq(scram_verifier_fake(key, "ghost", SCRAM_ITER_DEFAULT,
	    &f2), SCRAM_OK);
	cr_assert_eq(scram_verifier_fake(key, "ghosts", SCRAM_ITER_DEFAULT,
	    &f3), SCRAM_OK);
	cr_assert_eq(memcmp(&f1, &f2, sizeof(f1)), 0);
	cr_assert_neq(memcmp(f1.p.salt, f3.p.salt, SCRAM_SALT_LEN), 0);
	cr_assert_eq(f1.p.salt_len, SCRAM_SALT_LEN);
	cr_assert_eq(f1.p.iter, SCRAM_ITER_DEFAULT);
	/* nonces: printable, no comma, fresh */
	cr_assert_eq(scram_nonce_make(n1), SCRAM_OK);
	cr_assert_eq(scram_nonce_make(n2), SCRAM_OK);
	cr_assert_eq(strlen(n1), SCRAM_NONCE_LEN);
	cr_assert_null(strchr(n1, ','));
	cr_assert_str_neq(n1, n2);
}

/* ---- GNU SASL as the independent peer */

static struct {
	const char	*password;
	char		 cb64[64];	/* the exporter value, base64 */
	char		 salt64[64];
	char		 iter[16];
} g;

static int
gsasl_cb(Gsasl *ctx, Gsasl_session *s, Gsasl_property prop)
{
	(void)ctx;
	switch (prop) {
	case GSASL_CB_TLS_EXPORTER:
		return gsasl_property_set(s, prop, g.cb64);
	case GSASL_PASSWORD:
		return gsasl_property_set(s, prop, g.password);
	case GSASL_SCRAM_SALT:
		return gsasl_property_set(s, prop, g.salt64);
	case GSASL_SCRAM_ITER:
		return gsasl_property_set(s, prop, g.iter);
	default:
		return GSASL_NO_CALLBACK;
	}
}

static Gsasl *
gsasl_setup(const char *password, const uint8_t *cb)
{
	Gsasl *ctx;

	g.password = password;
	b64(cb, SCRAM_CB_LEN, g.cb64);
	snprintf(g.salt64, sizeof(g.salt64), "%s", SALT16);
	snprintf(g.iter, sizeof(g.iter), "%d", SCRAM_ITER_FLOOR);
	cr_assert_eq(gsasl_init(&ctx), GSASL_OK);
	gsasl_callback_set(ctx, gsasl_cb);
	cr_assert(gsasl_server_support_p(ctx, SCRAM_MECH));
	cr_assert(gsasl_client_support_p(ctx, SCRAM_MECH));
	return ctx;
}

/*
 * libgsasl's client against our server: returns what our server said of
 * the client's final message; *client_ok whether libgsasl accepted our
 * server-final (it checks our ServerSignature).
 */
static int
gsasl_client_vs_ours(const char *password, const uint8_t *client_cb,
    const uint8_t *server_cb, int *client_ok)
{
	Gsasl *ctx = gsasl_setup(password, client_cb);
	Gsasl_session *s;
	struct scram_client_first cf;
	struct scram_server_first sf;
	struct scram_client_final cfin;
	struct scram_verifier v;
	struct scram_msg sfin;
	char nonce[SCRAM_NONCE_LEN + 1], *out;
	size_t olen;
	int rc;

	salted_verifier(SCRAM_ITER_FLOOR, &v);
	cr_assert_eq(gsasl_client_start(ctx, SCRAM_MECH, &s), GSASL_OK);
	gsasl_property_set(s, GSASL_AUTHID, "node1");
	cr_assert_eq(gsasl_step(s, NULL, 0, &out, &olen), GSASL_NEEDS_MORE);
	cr_assert_eq(strncmp(out, GS2, strlen(GS2)), 0,
	    "libgsasl sent %.*s", (int)olen, out);
	cr_assert_eq(scram_client_first_parse(out, olen, 0, &cf), SCRAM_OK);
	cr_assert_str_eq(cf.user, "node1");
	gsasl_free(out);
	cr_assert_eq(scram_nonce_make(nonce), SCRAM_OK);
	cr_assert_eq(scram_server_first_build(&cf, nonce, &v.p, &sf),
	    SCRAM_OK);
	cr_assert_eq(gsasl_step(s, sf.msg.s, sf.msg.len, &out, &olen),
	    GSASL_NEEDS_MORE);
	cr_assert_eq(scram_client_final_parse(out, olen, &cfin), SCRAM_OK);
	gsasl_free(out);
	rc = scram_server_verify(&v, &cf, &sf, &cfin, server_cb,
	    SCRAM_CB_LEN, 0, &sfin);
	*client_ok = 0;
	if (rc == SCRAM_OK) {
		*client_ok = gsasl_step(s, sfin.s, sfin.len, &out, &olen) ==
		    GSASL_OK;
		if (*client_ok)
			gsasl_free(out);
	}
	gsasl_finish(s);
	gsasl_done(ctx);
	return rc;
}

/*
 * Our client against libgsasl's server: GSASL_OK when libgsasl accepted
 * our proof; *sig_ok whether our helper step accepted its server-final.
 */
static int
ours_vs_gsasl_server(const char *password, const uint8_t *client_cb,
    const uint8_t *server_cb, int *sig_ok)
{
	Gsasl *ctx = gsasl_setup(V_PASSWORD, server_cb);
	Gsasl_session *s;
	struct scram_client_first cf;
	struct scram_server_first sf;
	struct scram_server_final sfin;
	struct scram_msg cfn, cfin;
	struct scram_proof p;
	char nonce[SCRAM_NONCE_LEN + 1], *out;
	size_t olen;
	int rc;

	cr_assert_eq(gsasl_server_start(ctx, SCRAM_MECH, &s), GSASL_OK);
	cr_assert_eq(scram_nonce_make(nonce), SCRAM_OK);
	cr_assert_eq(scram_client_first_build("node1", NULL, nonce, 0, &cf),
	    SCRAM_OK);
	cr_assert_eq(gsasl_step(s, cf.msg.s, cf.msg.len, &out, &olen),
	    GSASL_NEEDS_MORE);
	cr_assert_eq(scram_server_first_parse(out, olen, cf.nonce, &sf),
	    SCRAM_OK, "libgsasl sent %.*s", (int)olen, out);
	gsasl_free(out);
	cr_assert_str_eq(sf.msg.s + sf.msg.len - 9, ",i=100000");
	cr_assert_eq(scram_client_final_noproof(&cf, &sf, client_cb,
	    SCRAM_CB_LEN, &cfn), SCRAM_OK);
	cr_assert_eq(scram_client_proof((const uint8_t *)password,
	    strlen(password), cf.msg.s + cf.bare_off, cf.msg.len - cf.bare_off,
	    sf.msg.s, sf.msg.len, cfn.s, cfn.len, 0, &p), SCRAM_OK);
	cr_assert_eq(scram_client_final_build(&cfn, p.client_proof, &cfin),
	    SCRAM_OK);
	rc = gsasl_step(s, cfin.s, cfin.len, &out, &olen);
	*sig_ok = 0;
	if (rc == GSASL_OK) {
		cr_assert_eq(scram_server_final_parse(out, olen, &sfin),
		    SCRAM_OK);
		*sig_ok = scram_server_sig_check(p.server_sig, &sfin) ==
		    SCRAM_OK;
		gsasl_free(out);
	}
	gsasl_finish(s);
	gsasl_done(ctx);
	return rc;
}

Test(scram, gsasl_client_our_server)
{
	int ok;

	cr_assert_eq(gsasl_client_vs_ours(V_PASSWORD, cb_value, cb_value,
	    &ok), SCRAM_OK);
	cr_assert(ok, "libgsasl refused our ServerSignature");
}

Test(scram, gsasl_client_our_server_refuses)
{
	uint8_t other[SCRAM_CB_LEN];
	int ok;

	cr_assert_eq(gsasl_client_vs_ours("wrong", cb_value, cb_value, &ok),
	    SCRAM_E_PROOF);
	memcpy(other, cb_value, sizeof(other));
	other[0] ^= 0x80;
	cr_assert_eq(gsasl_client_vs_ours(V_PASSWORD, other, cb_value, &ok),
	    SCRAM_E_CBIND);
}

Test(scram, our_client_gsasl_server)
{
	int ok;

	cr_assert_eq(ours_vs_gsasl_server(V_PASSWORD, cb_value, cb_value,
	    &ok), GSASL_OK);
	cr_assert(ok, "our helper step refused libgsasl's ServerSignature");
}

Test(scram, our_client_gsasl_server_refuses)
{
	uint8_t other[SCRAM_CB_LEN];
	int ok;

	cr_assert_neq(ours_vs_gsasl_server("wrong", cb_value, cb_value, &ok),
	    GSASL_OK);
	memcpy(other, cb_value, sizeof(other));
	other[0] ^= 0x80;
	cr_assert_neq(ours_vs_gsasl_server(V_PASSWORD, other, cb_value, &ok),
	    GSASL_OK);
}

/* Our verifier is libgsasl's, for the same password, salt and count. */
Test(scram, gsasl_verifier_matches)
{
	struct scram_verifier v;
	char salted[GSASL_HASH_SHA256_SIZE], ck[GSASL_HASH_SHA256_SIZE];
	char sk[GSASL_HASH_SHA256_SIZE], stk[GSASL_HASH_SHA256_SIZE];
	uint8_t salt[SCRAM_SALT_MAX];
	size_t n;

	cr_assert_eq(bwk_b64_decode(SALT16, strlen(SALT16), salt,
	    sizeof(salt), &n), 0);
	cr_assert_eq(gsasl_scram_secrets_from_password(GSASL_HASH_SHA256,
	    V_PASSWORD, SCRAM_ITER_FLOOR, (const char *)salt, n, salted, ck,
	    sk, stk), GSASL_OK);
	salted_verifier(SCRAM_ITER_FLOOR, &v);
	cr_assert_eq(memcmp(v.stored_key, stk, SCRAM_HASH_LEN), 0,
	    "StoredKey differs from libgsasl's");
	cr_assert_eq(memcmp(v.server_key, sk, SCRAM_HASH_LEN), 0,
	    "ServerKey differs from libgsasl's");
}

/*
 * ---- what the secret steps leave in memory
 *
 * The helper's step and the server's check run in a child that then
 * searches its own stack and heap for every password-derived value, as
 * tests/test_wipe.c does for the key database: the needles are computed
 * in an earlier child and handed over masked, and the secrets are
 * globals (not searched).
 */
#define MASK		0x5a
enum { W_SALTED, W_CLIENTKEY, W_STOREDKEY, W_SERVERKEY, W_LASTBLOCK,
	W_PW_IPAD, W_SALTED_IPAD, W_STORED_IPAD, W_NEEDLES };

static const char *w_name[W_NEEDLES] = {
	"SaltedPassword", "ClientKey", "StoredKey", "ServerKey",
	"PBKDF2's last block", "the password's HMAC ipad",
	"SaltedPassword's HMAC ipad", "StoredKey's HMAC ipad",
};

static struct {
	char			 pw[32];
	uint8_t			 salt[16];
	struct scram_verifier	 v;
	char			 cfn[SCRAM_MSG_MAX + 1];
	char			 cfin[SCRAM_MSG_MAX + 1];
	uint8_t			 needle[W_NEEDLES][32];	/* XOR MASK */
} w;

#define W_ITER	4096	/* any count: the search is about what is left */

static void
w_ipad(const uint8_t *key, size_t klen, uint8_t out[32])
{
	Hmac h;

	if (wc_HmacInit(&h, NULL, INVALID_DEVID) != 0 ||
	    wc_HmacSetKey(&h, WC_SHA256, key, (word32)klen) != 0)
		_exit(1);
	memcpy(out, h.ipad, 32);
	wc_HmacFree(&h);
}

static void
w_hmac(const uint8_t *key, const char *s, uint8_t out[32])
{
	Hmac h;

	if (wc_HmacInit(&h, NULL, INVALID_DEVID) != 0 ||
	    wc_HmacSetKey(&h, WC_SHA256, key, 32) != 0 ||
	    wc_HmacUpdate(&h, (const uint8_t *)s, (word32)strlen(s)) != 0 ||
	    wc_HmacFinal(&h, out) != 0)
		_exit(1);
	wc_HmacFree(&h);
}

/* In a child: the needles, masked, down the pipe. */
static void
w_compute(int fd)
{
	uint8_t out[W_NEEDLES][32], prev[32];
	size_t pl = strlen(w.pw), i, j;

	if (wc_PBKDF2(out[W_SALTED], (const uint8_t *)w.pw, (int)pl, w.salt,
	    16, W_ITER, 32, WC_SHA256) != 0 ||
	    wc_PBKDF2(prev, (const uint8_t *)w.pw, (int)pl, w.salt, 16,
	    W_ITER - 1, 32, WC_SHA256) != 0)
		_exit(1);
	/* U_c = T_c XOR T_(c-1): the block wc_PBKDF2 leaves on its stack */
	for (i = 0; i < 32; i++)
		out[W_LASTBLOCK][i] = out[W_SALTED][i] ^ prev[i];
	w_hmac(out[W_SALTED], "Client Key", out[W_CLIENTKEY]);
	w_hmac(out[W_SALTED], "Server Key", out[W_SERVERKEY]);
	if (wc_Sha256Hash(out[W_CLIENTKEY], 32, out[W_STOREDKEY]) != 0)
		_exit(1);
	w_ipad((const uint8_t *)w.pw, pl, out[W_PW_IPAD]);
	w_ipad(out[W_SALTED], 32, out[W_SALTED_IPAD]);
	w_ipad(out[W_STOREDKEY], 32, out[W_STORED_IPAD]);
	for (i = 0; i < W_NEEDLES; i++)
		for (j = 0; j < 32; j++)
			out[i][j] ^= MASK;
	_exit(write(fd, out, sizeof(out)) == (ssize_t)sizeof(out) ? 0 : 1);
}

/* A password, a verifier and a client-final that verifies. */
static void
w_setup(void)
{
	struct scram_client_first cf;
	struct scram_server_first sf;
	struct scram_proof p;
	struct scram_msg cfn, cfin;
	int fd[2], st;
	size_t i;
	pid_t pid;

	for (i = 0; i < sizeof(w.pw) - 1; i++)
		w.pw[i] = (char)('a' + (i * 7) % 26);
	for (i = 0; i < sizeof(w.salt); i++)
		w.salt[i] = (uint8_t)(i * 29 + 3);
	/* built in a child, so that this process holds no copies either */
	cr_assert_eq(pipe(fd), 0);
	if ((pid = fork()) == 0) {
		if (scram_verifier_derive((const uint8_t *)w.pw, strlen(w.pw),
		    w.salt, 16, W_ITER, SCRAM_INSECURE_ANY_ITER, &w.v) != 0 ||
		    scram_client_first_build("node1", NULL, CNONCE, 0, &cf) ||
		    scram_server_first_build(&cf, SNONCE, &w.v.p, &sf) ||
		    scram_client_final_noproof(&cf, &sf, cb_value, 32, &cfn) ||
		    scram_client_proof((const uint8_t *)w.pw, strlen(w.pw),
		    cf.msg.s + cf.bare_off, cf.msg.len - cf.bare_off, sf.msg.s,
		    sf.msg.len, cfn.s, cfn.len, SCRAM_INSECURE_ANY_ITER, &p) ||
		    scram_client_final_build(&cfn, p.client_proof, &cfin))
			_exit(1);
		memcpy(w.cfn, cfn.s, cfn.len + 1);
		memcpy(w.cfin, cfin.s, cfin.len + 1);
		_exit(write(fd[1], &w.v, sizeof(w.v)) == sizeof(w.v) &&
		    write(fd[1], w.cfn, sizeof(w.cfn)) == sizeof(w.cfn) &&
		    write(fd[1], w.cfin, sizeof(w.cfin)) == sizeof(w.cfin) ?
		    0 : 1);
	}
	close(fd[1]);
	cr_assert_eq(read(fd[0], &w.v, sizeof(w.v)), sizeof(w.v));
	cr_assert_eq(read(fd[0], w.cfn, sizeof(w.cfn)), sizeof(w.cfn));
	cr_assert_eq(read(fd[0], w.cfin, sizeof(w.cfin)), sizeof(w.cfin));
	close(fd[0]);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	cr_assert_eq(pipe(fd), 0);
	if ((pid = fork()) == 0)
		w_compute(fd[1]);
	close(fd[1]);
	cr_assert_eq(read(fd[0], w.needle, sizeof(w.needle)),
	    sizeof(w.needle));
	close(fd[0]);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static struct {
	unsigned long	lo, hi;
} w_ranges[8];
static size_t w_nranges;
static uint8_t w_chunk[1 << 16];

static void
w_find_ranges(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long lo, hi;
	char perms[8];

	if (f == NULL)
		_exit(100);
	while (fgets(line, sizeof(line), f) != NULL && w_nranges < 8) {
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 ||
		    perms[0] != 'r' || perms[1] != 'w' ||
		    (strstr(line, "[stack]") == NULL &&
		    strstr(line, "[heap]") == NULL))
			continue;
		w_ranges[w_nranges].lo = lo;
		w_ranges[w_nranges].hi = hi;
		w_nranges++;
	}
	fclose(f);
}

static int
w_has(const uint8_t *p, size_t n, int k)
{
	size_t i, j;

	for (i = 0; i + 32 <= n; i++) {
		for (j = 0; j < 32; j++)
			if (p[i + j] != (w.needle[k][j] ^ MASK))
				break;
		if (j == 32)
			return 1;
	}
	return 0;
}

static int
w_search(int mem)
{
	unsigned long at;
	size_t r, n;
	ssize_t got;
	int k, found = 0;

	for (r = 0; r < w_nranges; r++)
		for (at = w_ranges[r].lo; at < w_ranges[r].hi;
		    at += sizeof(w_chunk) - 64) {
			n = w_ranges[r].hi - at < sizeof(w_chunk) ?
			    w_ranges[r].hi - at : sizeof(w_chunk);
			if ((got = pread(mem, w_chunk, n, (off_t)at)) <= 0)
				break;
			for (k = 0; k < W_NEEDLES; k++)
				if (w_has(w_chunk, (size_t)got, k))
					found |= 1 << k;
		}
	return found;
}

/* op 32 KiB below the search's frames, so that they cannot hide it. */
static void __attribute__((noinline))
w_deep(void (*op)(void))
{
	volatile uint8_t pad[32768];

	pad[0] = 1;
	op();
	pad[sizeof(pad) - 1] = pad[0];
}

static int
w_left_behind(void (*op)(void))
{
	int st, mem;
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		if ((mem = open("/proc/self/mem", O_RDONLY)) == -1)
			_exit(101);
		w_deep(op);
		w_find_ranges();
		_exit(w_search(mem));
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) < 100, "status %#x", st);
	return WEXITSTATUS(st);
}

static void
w_assert_clean(int found)
{
	char names[512] = "";
	int k;

	for (k = 0; k < W_NEEDLES; k++)
		if (found & (1 << k))
			snprintf(names + strlen(names), sizeof(names) -
			    strlen(names), "%s%s", names[0] ? ", " : "",
			    w_name[k]);
	cr_assert_eq(found, 0, "left in memory: %s", names);
}

static void
op_client_proof(void)
{
	struct scram_client_first cf;
	struct scram_server_first sf;
	struct scram_proof p;

	if (scram_client_first_build("node1", NULL, CNONCE, 0, &cf) ||
	    scram_server_first_build(&cf, SNONCE, &w.v.p, &sf) ||
	    scram_client_proof((const uint8_t *)w.pw, strlen(w.pw),
	    cf.msg.s + cf.bare_off, cf.msg.len - cf.bare_off, sf.msg.s,
	    sf.msg.len, w.cfn, strlen(w.cfn), SCRAM_INSECURE_ANY_ITER, &p))
		_exit(102);
	explicit_bzero(&p, sizeof(p));
}

static void
op_server_verify(void)
{
	struct scram_client_first cf;
	struct scram_server_first sf;
	struct scram_client_final cfin;
	struct scram_msg out;

	if (scram_client_first_build("node1", NULL, CNONCE, 0, &cf) ||
	    scram_server_first_build(&cf, SNONCE, &w.v.p, &sf) ||
	    scram_client_final_parse(w.cfin, strlen(w.cfin), &cfin) ||
	    scram_server_verify(&w.v, &cf, &sf, &cfin, cb_value, 32, 0, &out))
		_exit(103);
}

static void
op_verifier(void)
{
	struct scram_verifier v;

	if (scram_verifier_derive((const uint8_t *)w.pw, strlen(w.pw), w.salt,
	    16, W_ITER, SCRAM_INSECURE_ANY_ITER, &v) != 0)
		_exit(104);
	explicit_bzero(&v, sizeof(v));
}

/* wc_PBKDF2 alone, as scram.c would call it without its stack wipe */
static void __attribute__((noinline))
op_bare_pbkdf2(void)
{
	uint8_t out[32];

	if (wc_PBKDF2(out, (const uint8_t *)w.pw, (int)strlen(w.pw), w.salt,
	    16, W_ITER, 32, WC_SHA256) != 0)
		_exit(105);
	explicit_bzero(out, sizeof(out));
}

Test(scram, helper_step_leaves_no_secret, .timeout = 60)
{
	w_setup();
	w_assert_clean(w_left_behind(op_client_proof));
}

Test(scram, server_check_leaves_no_secret, .timeout = 60)
{
	w_setup();
	w_assert_clean(w_left_behind(op_server_verify));
}

Test(scram, verifier_leaves_no_secret, .timeout = 60)
{
	w_setup();
	w_assert_clean(w_left_behind(op_verifier));
}

/* The search is not blind: wc_PBKDF2 leaves its last block behind. */
Test(scram, wipe_search_finds_what_is_left, .timeout = 60)
{
	int found;

	w_setup();
	found = w_left_behind(op_bare_pbkdf2);
	cr_assert(found & (1 << W_LASTBLOCK), "the search misses what "
	    "wc_PBKDF2 leaves (found %#x)", found);
}
