/*
 * Between the files of the path validator; not an interface for the rest
 * of the client, which uses verify.h. Division of labour:
 *
 *  - wolfSSL decodes each certificate first (wc_ParseCert, NO_VERIFY) as
 *    a strict gate: what its hardened parser refuses is never used. It
 *    decodes the public keys and checks every signature (wc_SignatureVerify,
 *    wc_RsaPSS_*), and does the hashing.
 *  - These files build the path themselves (several candidate issuers,
 *    cross signatures, anchors in the middle of a sent chain), run RFC 5280
 *    6.1 over it, and 6.3 for CRLs. The extension contents that wolfSSL
 *    does not expose in our build (policy mappings and constraints, all
 *    GeneralName forms, name-constraint subtrees, CRL structures) are read
 *    with the bounds-checked DER reader of src/lib/der.c, from bytes that
 *    wolfSSL has already accepted as a certificate.
 *  - Dates are checked against the caller's validation time, never
 *    against wolfSSL's clock, so --time works without a wolfSSL option.
 *  - The algorithm floor is x509_policy() of src/lib/x509.c.
 *
 * The files, in the order a chain meets them:
 *
 *   verify.c         chain_verify(): inputs, the reasons and their IDs
 *   verify_oid.c     object identifiers, signature AlgorithmIdentifiers
 *   verify_dn.c      distinguished names (RFC 5280 7.1), GeneralNames
 *   verify_cert.c    one certificate: the wolfSSL gate, TBSCertificate, key
 *   verify_ext.c     its extensions, and the profile rules they carry
 *   verify_sig.c     signatures, through wolfCrypt
 *   verify_build.c   path building: candidate issuers, work limits
 *   verify_path.c    the RFC 5280 6.1 loop over one candidate path
 *   verify_check.c   what each certificate of a path must be (floor, dates,
 *                    anchor, leaf and purpose rules)
 *   verify_nc.c      name constraints (RFC 5280 4.2.1.10, 6.1.3 (b)-(c))
 *   verify_policy.c  the certificate policy tree (6.1.2-6.1.5)
 *   verify_crl.c     CRLs: parsing and lookup (RFC 5280 5)
 *   verify_revoke.c  revocation of one certificate of a path (6.3)
 *   verify_name.c    the server's identity (RFC 6125), subject CN rules
 *   verify_psl.c     the Public Suffix List
 */
#ifndef BWK_VERIFY_INT_H
#define BWK_VERIFY_INT_H

#include <stddef.h>
#include <stdint.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hash.h>

#include "../lib/der.h"
#include "verify.h"

/* ---- object identifiers (DER contents), verify_oid.c ---- */

extern const uint8_t	OID_SKI[3];
extern const uint8_t	OID_KU[3];
extern const uint8_t	OID_SAN[3];
extern const uint8_t	OID_IAN[3];
extern const uint8_t	OID_BC[3];
extern const uint8_t	OID_CRLNUM[3];
extern const uint8_t	OID_REASON[3];
extern const uint8_t	OID_INVDATE[3];
extern const uint8_t	OID_DELTA[3];
extern const uint8_t	OID_IDP[3];
extern const uint8_t	OID_CERTISSUER[3];
extern const uint8_t	OID_NC[3];
extern const uint8_t	OID_CRLDP[3];
extern const uint8_t	OID_CP[3];
extern const uint8_t	OID_PM[3];
extern const uint8_t	OID_AKI[3];
extern const uint8_t	OID_PC[3];
extern const uint8_t	OID_EKU[3];
extern const uint8_t	OID_FRESHEST[3];
extern const uint8_t	OID_IAP[3];
extern const uint8_t	OID_AIA[8];
extern const uint8_t	OID_SIA[8];
extern const uint8_t	OID_ANY_POLICY[4];
extern const uint8_t	OID_EKU_SERVER[8];
extern const uint8_t	OID_EKU_ANY[4];
extern const uint8_t	OID_RSA[9];
extern const uint8_t	OID_EC[7];
extern const uint8_t	OID_P256[8];
extern const uint8_t	OID_P384[5];
extern const uint8_t	OID_P521[5];
extern const uint8_t	OID_P224[5];
extern const uint8_t	OID_EMAIL[9];

enum alg_key { AK_RSA, AK_EC, AK_PSS, AK_OTHER };

struct sigalg {
	uint8_t		 oid[9];
	uint8_t		 oidlen;
	enum wc_HashType hash;
	enum alg_key	 key;
	int		 policy_ok;
	const char	*name;
};

/* A parsed AlgorithmIdentifier for a signature. */
struct sig_params {
	const struct sigalg *alg;	/* NULL: unknown */
	enum wc_HashType hash;		/* PSS: from the parameters */
	enum wc_HashType mgf1_hash;	/* PSS only */
	int		 pss_salt;
	int		 policy_ok;
	char		 name[32];
};

/* AlgorithmIdentifier contents of a signature: 0, or -1 when malformed. */
int	sig_params_parse(struct span algseq, struct sig_params *);

/* ---- one certificate, verify_cert.c and verify_ext.c ---- */

#define KU_DIGITAL_SIGNATURE	0x01u
#define KU_KEY_CERT_SIGN	0x20u
#define KU_CRL_SIGN		0x40u

#define MAX_SAN_NAMES		1024	/* names in one certificate */
#define MAX_NC_WORK		(1L << 20)	/* name x subtree comparisons */

/* One certificate as the verifier reads it (cert_parse()). */
struct vcert {
	struct span	 der;
	uint8_t		 fpr[BWK_SHA256_LEN];
	int		 ok;		/* decoded: usable at all */
	enum chain_reason bad;		/* why not */
	char		 why[200];
	char		 subj_str[160];
	int		 is_anchor;
	enum chain_src	 src;
	size_t		 src_index;

	struct span	 tbs;		/* whole TBSCertificate element */
	int		 version;	/* 0 = v1 .. 2 = v3 */
	struct span	 serial;
	struct span	 sigalg_in, sigalg_out;	/* AlgorithmIdentifier TLVs */
	struct sig_params sig;
	struct span	 issuer, subject;	/* Name contents */
	int64_t		 not_before, not_after;
	struct span	 spki;		/* SubjectPublicKeyInfo TLV */
	struct span	 sigval;	/* signature bits (no unused-bits octet) */
	enum alg_key	 key;
	int		 key_bits;
	int		 key_ok;	/* named P-256/384/521, or RSA */
	int		 rsa_mod8;	/* RSA modulus a whole number of bytes */
	char		 key_desc[24];
	int		 self_issued;
	int		 self_signed;	/* -1 not yet known */
	int		 serial_negative;	/* refused below an anchor */

	/* profile problems: refused when the certificate is used */
	char		 profile[160];
	char		 crit_unknown[64];	/* OID of an unknown critical ext */

	int		 bc, bc_crit, ca;
	long		 pathlen;	/* -1 absent */
	int		 ku;
	unsigned	 ku_bits;
	int		 eku, eku_crit, eku_server, eku_any;
	int		 san, san_crit;
	struct span	 san_v;		/* GeneralNames contents */
	int		 nc, nc_crit, nc_perm_set, nc_excl_set;
	struct span	 nc_perm, nc_excl;	/* GeneralSubtrees contents */
	int		 cp;
	struct span	 cp_v;
	int		 pm;
	struct span	 pm_v;
	long		 pc_require, pc_inhibit;	/* -1 absent */
	int		 pc;
	long		 iap_skip;	/* -1 absent */
	int		 aki, aki_crit, aki_keyid_set, aki_issuer_serial;
	struct span	 aki_keyid;
	int		 ski, ski_crit;
	struct span	 ski_v;
	int		 aia, aia_crit;
	int		 crldp;
	struct span	 crldp_v;
};

/* Decodes c->der into c; c->ok 0 with c->bad and c->why when unusable. */
void	cert_parse(struct vcert *c);
/* The extensions (Extensions contents) into c: -1 when malformed. */
int	parse_extensions(struct vcert *c, struct span exts);
/* The next Extension of a list: extnID, critical, extnValue; -1 malformed. */
int	ext_next(struct der *d, struct span *oid, int *crit, struct span *val);
/* Notes a profile problem; only the first is kept and reported. */
void	profile_err(struct vcert *c, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* ---- names, verify_dn.c ---- */

int	atv_split(struct span atv, struct span *oid, int *vtag,
	    struct span *val);
/* Two RDNs (SET OF AttributeTypeAndValue contents) are equal as sets. */
int	rdn_eq(struct span a, struct span b);
/* Name contents; prefix: a is a leading part of b, else equality. */
int	name_cmp(struct span a, struct span b, int prefix);
int	name_eq(struct span a, struct span b);
/* "/CN=x/O=y" for messages, made safe to print. */
void	name_print(struct span name, char *out, size_t outlen);
/* A Name is well formed: RDNs, each a non-empty SET of type/value pairs. */
int	name_valid(struct span name);
/* One GeneralName: structure checks only; tag and contents out. */
int	general_name(struct der *d, int *tag, struct span *v);
/* GeneralNames contents: a non-empty, well-formed list (count may be NULL). */
int	general_names_valid(struct span names, size_t *count);
/* Next GeneralName of a GeneralNames list (already validated): 1, or 0. */
int	gn_next(struct der *d, int *tag, struct span *v);

/* ---- signatures, verify_sig.c ---- */

/* sig over data with the key of signer's SPKI: 0 good, -1 bad or unknown. */
int	sig_check(const struct sig_params *, struct span data, struct span sig,
	    const struct vcert *signer);

/* ---- certificate policies, verify_policy.c ---- */

#define POL_MAX_OIDS	128
#define POL_MAX_NODES	1024
#define POL_SET_WORDS	(POL_MAX_OIDS / 32)

/* A node of the valid_policy_tree (RFC 5280 6.1.2 (a)). */
struct pnode {
	int		depth;
	int		parent;
	int		valid;		/* OID index; 0 is anyPolicy */
	int		alive;
	uint32_t	expected[POL_SET_WORDS];
};

/* The tree in one array: a parent always comes before its children. */
struct ptree {
	struct span	oid[POL_MAX_OIDS];
	int		noid;
	struct pnode	*nd;
	int		n;
	int		overflow;
};

/* The index of oid in t (added when new); -1 when t is full. */
int	pol_oid(struct ptree *t, struct span oid);
/* A node at depth under parent with valid_policy valid: its index, or -1. */
int	pol_add(struct ptree *t, int depth, int parent, int valid);
int	pol_empty(const struct ptree *t);
/* 6.1.3 (d): certificate i of n. -1 when the tree is full. */
int	pol_process_cert(struct ptree *t, const struct vcert *c, int i, int n,
	    int inhibit_any);
/* 6.1.4 (a)-(b): policy mappings of certificate i; -1 refused, with why. */
int	pol_map(struct ptree *t, const struct vcert *c, int i,
	    int policy_mapping, char *why, size_t whylen);
/* 6.1.5 (g): intersection with the user-initial-policy-set. */
void	pol_intersect(struct ptree *t, const struct span *user, size_t nuser,
	    int n);

/* ---- CRLs, verify_crl.c ---- */

#define REASONS_ALL	0x1feu	/* ReasonFlags bits 1..8 */
#define REASON_REMOVE	8	/* CRLReason removeFromCRL */

/* One CRL as the verifier reads it (crl_parse()). */
struct vcrl {
	struct span	 der;
	int		 ok;
	char		 why[160];	/* why it cannot be used */
	struct span	 tbs;
	struct span	 sigalg_in, sigalg_out, sigval;
	struct sig_params sig;
	struct span	 issuer;
	int64_t		 this_update, next_update;
	int		 has_next;
	struct span	 revoked;	/* SEQUENCE OF contents */
	int		 has_number;
	struct span	 number;
	int		 is_delta;
	struct span	 base_number;
	int		 idp;
	struct span	 idp_v;		/* the extension value, for scope equality */
	int		 idp_dp_tag;	/* 0xa0 fullName, 0xa1 relative, 0 none */
	struct span	 idp_dp;
	int		 only_user, only_ca, only_attr, indirect;
	unsigned	 only_reasons;	/* 0: all */
};

/* Decodes r->der into r; r->ok 0 with r->why when it cannot be used. */
void	crl_parse(struct vcrl *r);
/* Is serial (issued by issuer) listed in r? 1 yes (reason out), 0 no. */
int	crl_lookup(const struct vcrl *r, struct span serial, struct span issuer,
	    int *reason);
/* Compares two non-negative INTEGER contents numerically. */
int	int_cmp(struct span a, struct span b);

/* ---- one validation: the context, verify.c ---- */

/* A refusal: its reason, where in the path, which certificate, why. */
struct verr {
	enum chain_reason r;
	int		 pos;		/* path position, 0 = target; -1 */
	size_t		 cert;		/* index into ctx certs */
	char		 why[320];
};

/* One chain_verify() call: every certificate and CRL, decoded once. */
struct vctx {
	const struct chain_input *in;
	struct vcert	*c;
	size_t		 n;
	size_t		 leaf;
	struct vcrl	*crl;
	size_t		 ncrl;
	uint8_t		*memo;		/* n*n: 0 unknown, 1 good, 2 bad */
	uint16_t	*cand;		/* n*n: row i, the issuers to try for i */
	uint16_t	*ncand;		/* n: row i's length + 1; 0 not built */
	long		 work;		/* path-building steps left */
	int64_t		 now;
	long		 max_depth;
	struct span	 upol[CHAIN_MAX_POLICIES];
	uint8_t		 upol_buf[CHAIN_MAX_POLICIES][64];
	size_t		 nupol;
	struct ptree	 pt;
	/* the path last validated, for the result */
	size_t		 last_path[CHAIN_MAX_PATH];
	size_t		 last_len;
};

/* How a path is validated: for the chain, or for a CRL's signer. */
struct vopts {
	int		 crl_mode;	/* validating a CRL signer */
	int		 rec;		/* CRL-signer recursion depth */
	size_t		 anchor;	/* crl_mode: the anchor to end at */
};

/* snprintf for messages; vsnprintf keeps GCC's truncation guesses quiet. */
void	vsay(char *buf, size_t len, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	verr_set(struct verr *e, enum chain_reason r, int pos, size_t cert,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* ---- path building, verify_build.c ---- */

#define BUILD_WORK	4096	/* candidate issuers tried, all searches */

/* A path from x->c[target] up to an anchor that validate_path() accepts. */
enum chain_reason path_build(struct vctx *x, size_t target,
	    const struct vopts *o, struct verr *e);

/* ---- the RFC 5280 6.1 loop, verify_path.c ---- */

/* path[0] the target .. path[len - 1] its anchor. */
enum chain_reason validate_path(struct vctx *x, const size_t *path,
	    size_t len, const struct vopts *o, struct verr *e);

/* ---- what each certificate must be, verify_check.c ---- */

/* Did issuer sign child? Memoized; each pair is verified once. */
int	signed_by(struct vctx *x, size_t child, size_t issuer);
int	self_signed(struct vctx *x, size_t i);
enum chain_reason check_key(const struct vcert *c, size_t ci, int pos,
	    struct verr *e);
enum chain_reason check_common(struct vctx *x, size_t ci, int pos,
	    int anchor, struct verr *e);
enum chain_reason check_anchor(struct vctx *x, size_t ai, int pos,
	    const struct vopts *o, struct verr *e);
enum chain_reason check_leaf(struct vctx *x, size_t li, int pos,
	    const struct vopts *o, struct verr *e);

/* ---- name constraints, verify_nc.c ---- */

enum chain_reason nc_add(struct vctx *x, size_t ci, int pos,
	    const struct vcert **ncs, size_t *nnc, struct verr *e);
/* Checks every name of c against the constraints of one CA. */
int	nc_check_cert(const struct vcert *ca, const struct vcert *c,
	    long *work, char *why, size_t whylen);

/* ---- revocation, verify_revoke.c ---- */

/* RFC 5280 6.3.3 for path[k]; rec: the CRL-signer recursion depth. */
enum chain_reason check_revocation(struct vctx *x, const size_t *path,
	    size_t len, size_t k, int rec, struct verr *e);

/* ---- the server's identity, verify_name.c and verify_psl.c ---- */

/* DNS names, also used by the name constraints */
int	dns_ieq(const uint8_t *, const uint8_t *, size_t);
int	dns_syntax_ok(const uint8_t *, size_t, int wild);
int	dns_within(const uint8_t *name, size_t n, const uint8_t *dom,
	    size_t dn, int eq_ok);

/*
 * The leaf's subjectAltName (GeneralNames contents, validated; has_san 0
 * when it has none) against in->name: CHAIN_OK, CHAIN_E_HOST, _IP,
 * _PUBLIC_SUFFIX or _NO_PSL, with why.
 */
enum chain_reason name_check_identity(int has_san, struct span san,
	    const struct chain_input *in, char *why, size_t whylen);
/* Every subject CN names a subjectAltName entry: CHAIN_OK or CHAIN_E_CN. */
enum chain_reason name_check_cn(struct span subject, int has_san,
	    struct span san, char *why, size_t whylen);

/*
 * domain (lower-case LDH labels) against the loaded list: 1 a public
 * suffix, 0 not, -1 no list loaded (why says so).
 */
int	chain_psl_is_public_suffix(const char *domain, char *why,
	    size_t whylen);

#endif
