/*
 * SCRAM-SHA-256-PLUS (RFC 5802, RFC 7677) with the tls-exporter channel
 * binding (RFC 9266): the messages, strictly parsed and built, and the
 * math, through wolfCrypt. docs/scram.md is the reference.
 *
 * Who calls what (the reason for the shape of this interface):
 *
 *   network process  scram_client_first_build, scram_server_first_parse,
 *                    scram_client_final_noproof, scram_client_final_build,
 *                    scram_server_final_parse. Never a password, never
 *                    SaltedPassword, ClientKey or ServerKey.
 *   key helper       scram_client_proof: the one client step that needs
 *                    the password; it re-parses what the (possibly
 *                    hostile) network process hands it, refuses a weak
 *                    iteration count and any channel binding that is not
 *                    the exporter's 32 bytes. Then scram_server_sig_check
 *                    and scram_params_differ.
 *   server           scram_client_first_parse, scram_server_first_build,
 *                    scram_client_final_parse, scram_server_verify,
 *                    scram_server_error_build; scram_verifier_make at
 *                    registration, scram_verifier_fake for unknown names.
 *
 * Every function returns 0 (SCRAM_OK) or one SCRAM_E_* reason, and fills
 * its outputs only on success. Nothing here prints, allocates or keeps
 * state between calls.
 */
#ifndef BWK_SCRAM_H
#define BWK_SCRAM_H

#include <stddef.h>
#include <stdint.h>

#define SCRAM_MECH		"SCRAM-SHA-256-PLUS"
#define SCRAM_CB_NAME		"tls-exporter"
/* RFC 9266: the exporter's label; no context (RFC 5705 use_context 0) */
#define SCRAM_CB_LABEL		"EXPORTER-Channel-Binding"
#define SCRAM_CB_LEN		32	/* RFC 9266: exactly 32 bytes */
#define SCRAM_HASH_LEN		32	/* SHA-256 */

/*
 * Limits. Every message is refused before it is split when it is longer
 * than SCRAM_MSG_MAX, and every field is checked against its own limit.
 */
#define SCRAM_MSG_MAX		2048	/* bytes of any one message */
#define SCRAM_NAME_MAX		128	/* user or authzid, decoded bytes */
#define SCRAM_NONCE_MIN		16	/* client nonce, and the server's part */
#define SCRAM_NONCE_PART_MAX	64	/* client nonce, and the server's part */
#define SCRAM_NONCE_MAX		(2 * SCRAM_NONCE_PART_MAX)	/* r= in full */
#define SCRAM_NONCE_LEN		32	/* ours: 24 DRBG bytes in base64 */
#define SCRAM_SALT_MIN		16	/* SP 800-132: at least 128 bits */
#define SCRAM_SALT_MAX		64	/* decoded bytes */
#define SCRAM_SALT_LEN		32	/* the salt of a new verifier */
#define SCRAM_EXT_MAX		4	/* optional extensions per message */
#define SCRAM_ERROR_MAX		64	/* e= value, characters */
#define SCRAM_PASSWORD_MAX	1024	/* bytes */
/* gs2 header: "p=tls-exporter," [ "a=" escaped authzid ] "," */
#define SCRAM_GS2_MAX		(sizeof("p=" SCRAM_CB_NAME ",") - 1 + 2 + \
				    3 * SCRAM_NAME_MAX + 1)
/* c= decoded: the gs2 header, then the channel-binding data */
#define SCRAM_CBIND_MAX		(SCRAM_GS2_MAX + SCRAM_CB_LEN)

/*
 * Iteration counts. SCRAM_ITER_MAX bounds the work that a peer can ask
 * for: 4,000,000 PBKDF2 rounds take about 0.6 s with SHA extensions and
 * should stay within the helper's 10 s answer time (KEYD_TIMEOUT_MS) on a
 * machine ten times slower.
 *
 * SCRAM_ITER_FLOOR: whoever plays the server (a man in the middle before
 * the TLS trust decision is made, a stolen server key, a hostile network
 * process) chooses the salt and the iteration count that the client's
 * password is hashed with, and takes the ClientProof away. With it each
 * guess of the password costs the guesser one PBKDF2 of that count: with
 * i=1 a weak password falls to a dictionary in seconds. The floor sets the
 * price of each offline guess; the client refuses anything below it.
 *
 * SCRAM_ITER_DEFAULT is what new verifiers get (OWASP's 2023 figure for
 * PBKDF2-HMAC-SHA-256; about 0.1 s here).
 */
#define SCRAM_ITER_MAX		4000000
#define SCRAM_ITER_FLOOR	100000
#define SCRAM_ITER_DEFAULT	600000

/*
 * The PBKDF2 rounds actually run for a count of i: i itself, except in
 * the fuzzing builds (make's fuzz targets define
 * FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION), which run one. Every check
 * of the count (the floor, SCRAM_ITER_MAX, the count a verifier records)
 * is the same there; only wolfCrypt's loop is shorter, so that a fuzz
 * target spends its time in the parsers rather than in 100,000 to
 * 600,000 HMACs an input (docs/fuzzing.md). A build with it cannot pass
 * RFC 7677's test vector (tests/test_scram.c), so it cannot pass as a
 * real one.
 */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define SCRAM_KDF_ROUNDS(i)	((i) < 1 ? (i) : 1)
#else
#define SCRAM_KDF_ROUNDS(i)	(i)
#endif

/*
 * Flags. Both weaken the exchange and exist for RFC 7677's test vector
 * (4096 iterations, gs2 header "n,,"); no program passes them.
 */
#define SCRAM_INSECURE_ANY_ITER	0x1	/* no SCRAM_ITER_FLOOR */
#define SCRAM_INSECURE_NO_CBIND	0x2	/* accept and build gs2 "n,," */

enum scram_err {
	SCRAM_OK = 0,
	SCRAM_E_SYNTAX,		/* not the grammar of RFC 5802 */
	SCRAM_E_TOOLONG,	/* a message or a field over its limit */
	SCRAM_E_DUPLICATE,	/* an attribute given twice */
	SCRAM_E_EXTENSION,	/* m=: an unknown mandatory extension */
	SCRAM_E_BASE64,		/* not canonical base64, or the wrong length */
	SCRAM_E_NUMBER,		/* i=: zero, leading zeros or over the max */
	SCRAM_E_NAME,		/* user or authzid: bad escape, control char */
	SCRAM_E_CBIND,		/* not tls-exporter, or the data differs */
	SCRAM_E_CB_LEN,		/* channel-binding data not 32 bytes */
	SCRAM_E_NONCE,		/* r= does not extend or repeat the nonce */
	SCRAM_E_ITER,		/* iteration count below the floor */
	SCRAM_E_SALT,		/* salt shorter or longer than the limits */
	SCRAM_E_PASSWORD,	/* empty or over SCRAM_PASSWORD_MAX */
	SCRAM_E_PROOF,		/* the client's proof does not verify */
	SCRAM_E_SERVER_SIG,	/* the server's signature is wrong */
	SCRAM_E_SERVER_ERR,	/* the server sent e= */
	SCRAM_E_CRYPTO,		/* a wolfCrypt call failed */
	SCRAM_E_ARG,		/* a caller's mistake: bad flags, NULL */
};

/* One message, NUL-terminated for convenience; len excludes the NUL. */
struct scram_msg {
	char	s[SCRAM_MSG_MAX + 1];
	size_t	len;
};

/* The salt and iteration count a server hashes a password with. */
struct scram_params {
	uint8_t		salt[SCRAM_SALT_MAX];
	size_t		salt_len;
	uint32_t	iter;
};

/* What the catalog keeps instead of a password (RFC 5802 section 3). */
struct scram_verifier {
	struct scram_params	p;
	uint8_t			stored_key[SCRAM_HASH_LEN];
	uint8_t			server_key[SCRAM_HASH_LEN];
};

struct scram_client_first {
	struct scram_msg msg;		/* gs2 header, then the bare message */
	size_t		 bare_off;	/* client-first-message-bare's start */
	int		 cbind;		/* 1: p=tls-exporter, 0: n (insecure) */
	char		 user[SCRAM_NAME_MAX + 1];	/* unescaped */
	char		 authzid[SCRAM_NAME_MAX + 1];	/* "" when none */
	char		 nonce[SCRAM_NONCE_PART_MAX + 1];
};

struct scram_server_first {
	struct scram_msg	msg;
	char			nonce[SCRAM_NONCE_MAX + 1];	/* r=, in full */
	struct scram_params	p;
};

struct scram_client_final {
	struct scram_msg msg;
	size_t		 noproof_len;	/* msg.s[0..noproof_len): ",p=" cut */
	uint8_t		 cbind[SCRAM_CBIND_MAX];	/* c= decoded */
	size_t		 cbind_len;
	char		 nonce[SCRAM_NONCE_MAX + 1];
	uint8_t		 proof[SCRAM_HASH_LEN];
};

struct scram_server_final {
	int	is_error;			/* 1: e=, 0: v= */
	uint8_t	verifier[SCRAM_HASH_LEN];	/* v= decoded */
	char	error[SCRAM_ERROR_MAX + 1];	/* e= value */
};

/* What the helper's step gives: wipe it (explicit_bzero) once used. */
struct scram_proof {
	uint8_t			client_proof[SCRAM_HASH_LEN];
	uint8_t			server_sig[SCRAM_HASH_LEN];	/* expected */
	char			user[SCRAM_NAME_MAX + 1];	/* n=: for the
						   helper to compare with
						   its node's name */
	struct scram_params	p;	/* for scram_params_differ */
};

/*
 * ClientKey and ServerKey for one salt and count: what PBKDF2 makes of a
 * password, kept by the helper for a server so that a sign-on needs no
 * PBKDF2 while its salt and count stay the same (RFC 5802 section 5.1
 * allows a client to cache them). As secret as the password, for that
 * server: wipe it once used.
 */
struct scram_keys {
	struct scram_params	p;
	uint8_t			client_key[SCRAM_HASH_LEN];
	uint8_t			server_key[SCRAM_HASH_LEN];
	int			valid;
};

/* A short English reason for an SCRAM_E_* value, for log lines. */
const char *scram_strerror(int err);

/* A fresh nonce: SCRAM_NONCE_LEN printable characters from the DRBG. */
int	scram_nonce_make(char out[SCRAM_NONCE_LEN + 1]);

/* ---- the client's network process */

/*
 * "p=tls-exporter,[a=AUTHZID],n=USER,r=NONCE". authzid may be NULL; with
 * SCRAM_INSECURE_NO_CBIND the gs2 header is "n,[a=AUTHZID],".
 */
int	scram_client_first_build(const char *user, const char *authzid,
	    const char *nonce, int flags, struct scram_client_first *out);
/* The server's first message, whose r= must extend cf's client nonce. */
int	scram_server_first_parse(const char *msg, size_t len,
	    const char *client_nonce, struct scram_server_first *out);
/*
 * "c=BASE64(gs2 header || cb),r=NONCE": what the helper signs. cb must be
 * the 32 bytes of the exporter (NULL and 0 only for an "n,," header).
 */
int	scram_client_final_noproof(const struct scram_client_first *cf,
	    const struct scram_server_first *sf, const uint8_t *cb,
	    size_t cb_len, struct scram_msg *out);
/* noproof || ",p=" BASE64(proof). */
int	scram_client_final_build(const struct scram_msg *noproof,
	    const uint8_t proof[SCRAM_HASH_LEN], struct scram_msg *out);
/* "v=BASE64" or "e=VALUE", then optional extensions. */
int	scram_server_final_parse(const char *msg, size_t len,
	    struct scram_server_final *out);

/* ---- the key helper */

/*
 * The client's secret step. From the password and the three messages
 * that make the AuthMessage (client-first-message-bare, server-first-
 * message and client-final-message-without-proof, exactly as sent and
 * received), computes the ClientProof and the ServerSignature to expect.
 * Each message is parsed again here, because the process that hands them
 * over parses the peer's bytes and may be the peer's. Refuses a count
 * below SCRAM_ITER_FLOOR (unless SCRAM_INSECURE_ANY_ITER), a server nonce
 * that does not extend the client's, an r= in the final message that is
 * not the server's, and channel-binding data of any length but 32 bytes
 * or under any name but tls-exporter (unless SCRAM_INSECURE_NO_CBIND,
 * which allows "n,," and no data).
 */
int	scram_client_proof(const uint8_t *password, size_t pw_len,
	    const char *client_first_bare, size_t cfb_len,
	    const char *server_first, size_t sf_len,
	    const char *client_final_noproof, size_t cfn_len, int flags,
	    struct scram_proof *out);
/*
 * scram_client_proof with the keys of an earlier sign-on: when cached
 * is valid and its salt and count are the server's, they are used and
 * the password is not (no PBKDF2; *used is 1); otherwise the keys are
 * derived from the password and returned in *fresh (valid) for the
 * caller to keep once the server proved itself. cached and fresh may be
 * NULL; password may be NULL only with cached keys that match.
 */
int	scram_client_proof_keys(const uint8_t *password, size_t pw_len,
	    const struct scram_keys *cached, struct scram_keys *fresh,
	    int *used, const char *client_first_bare, size_t cfb_len,
	    const char *server_first, size_t sf_len,
	    const char *client_final_noproof, size_t cfn_len, int flags,
	    struct scram_proof *out);
/*
 * The server-final's v= against the ServerSignature the helper expects,
 * in constant time. SCRAM_E_SERVER_ERR for e=.
 */
int	scram_server_sig_check(const uint8_t expected[SCRAM_HASH_LEN],
	    const struct scram_server_final *sfin);
/*
 * 1 when a server's salt or iteration count differ from those remembered
 * for it after an earlier sign-on, else 0.
 */
int	scram_params_differ(const struct scram_params *seen,
	    const struct scram_params *remembered);

/* ---- the server */

/* The client's first message; p=tls-exporter required (see flags). */
int	scram_client_first_parse(const char *msg, size_t len, int flags,
	    struct scram_client_first *out);
/* "r=CLIENTNONCE SERVERNONCE,s=BASE64(salt),i=COUNT". */
int	scram_server_first_build(const struct scram_client_first *cf,
	    const char *server_nonce, const struct scram_params *p,
	    struct scram_server_first *out);
/* The client's final message, with its p= proof. */
int	scram_client_final_parse(const char *msg, size_t len,
	    struct scram_client_final *out);
/*
 * Checks the client's proof with the verifier, that c= is cf's gs2 header
 * followed by this session's 32 channel-binding bytes cb, and that r= is
 * sf's nonce; on success builds the server-final "v=BASE64(sig)". A
 * client-first without binding ("n,,") is refused here too unless flags
 * hold SCRAM_INSECURE_NO_CBIND (then cb is NULL and cb_len 0).
 */
int	scram_server_verify(const struct scram_verifier *v,
	    const struct scram_client_first *cf,
	    const struct scram_server_first *sf,
	    const struct scram_client_final *cfin, const uint8_t *cb,
	    size_t cb_len, int flags, struct scram_msg *server_final);
/*
 * "e=VALUE" for a refusal: RFC 5802's value for err. Every refusal that
 * could tell a name from another (a wrong password, an unknown or locked
 * node) is "invalid-proof"; the real reason goes to the server's log.
 */
int	scram_server_error_build(int err, struct scram_msg *out);

/* ---- verifiers */

/*
 * A new verifier for a password: salt of SCRAM_SALT_LEN bytes from the
 * DRBG, the given count (at least SCRAM_ITER_FLOOR unless flags allow).
 */
int	scram_verifier_make(const uint8_t *password, size_t pw_len,
	    uint32_t iter, int flags, struct scram_verifier *out);
/* The same, with a given salt: for tests and known vectors. */
int	scram_verifier_derive(const uint8_t *password, size_t pw_len,
	    const uint8_t *salt, size_t salt_len, uint32_t iter, int flags,
	    struct scram_verifier *out);
/*
 * A verifier for a name the catalog does not hold, so that its server-
 * first looks like a real one and stays the same for the same name: the
 * salt and keys are HMAC-SHA-256 of the name under the server's secret
 * key. No password can match its keys except by a SHA-256 preimage.
 */
int	scram_verifier_fake(const uint8_t key[SCRAM_HASH_LEN],
	    const char *user, uint32_t iter, struct scram_verifier *out);

#endif
