/*
 * Offline certificate-chain verification: `bulwark verify` and the
 * library core chain_verify() that the TLS session code can call with the
 * peer's chain. One policy for both: the algorithm floor of
 * src/lib/x509.h on every certificate of the built path, RFC 5280
 * path validation (section 6.1, with policy processing and name
 * constraints), RFC 5280 6.3 CRL checking when CRLs are given, RFC 6125
 * host names (subjectAltName only, wildcards never over a public suffix)
 * and the serverAuth purpose, with the CA/Browser Forum rules for a TLS
 * server's certificate where they carry weight.
 *
 * Message IDs (BWK0760-BWK0789; BWK0790-BWK0799 are reserved for this
 * block). `bulwark verify` (src/client/cmd_verify.c) prints exactly one
 * of the E lines when it refuses a chain (exit 1), BWK0760E or BWK0761E
 * for usage and input errors (exit 2), and BWK0789I when it accepts
 * (exit 0). chain_verify() itself prints nothing.
 *
 * BWK0760E  Usage error: unknown option, missing value, --host with --ip.
 *           Fix: see `bulwark verify --help`.
 * BWK0761E  An input file cannot be read, or holds no certificate/CRL in
 *           DER or PEM form. Fix: check the path and the file's content.
 * BWK0762E  A certificate cannot be decoded (malformed DER, an encoding
 *           wolfSSL refuses, a key that cannot be read). Fix: reissue it.
 * BWK0763E  No path: the issuer of a certificate is neither among the
 *           --chain certificates nor a trust anchor (missing intermediate,
 *           untrusted root, self-signed certificate). Fix: add the
 *           intermediate with --chain, or the root with --ca.
 * BWK0764E  A signature in the path does not verify with its issuer's
 *           key. Fix: the certificate was altered or has another issuer.
 * BWK0765E  A certificate in the path has expired at the validation time.
 *           Fix: renew it (or check --time and the clock).
 * BWK0766E  A certificate is not yet valid at the validation time.
 *           Fix: check the clock and --time, or wait.
 * BWK0767E  A key below the policy floor (RSA < 2048 bits or not a
 *           multiple of 8 bits, an elliptic curve other than P-256/384/521,
 *           explicit curve parameters). Fix: reissue with a stronger key.
 * BWK0768E  A signature algorithm outside the policy (SHA-1, MD5, SHA-224,
 *           RSA-PSS without an explicit SHA-2 hash or with MGF1 on another
 *           hash) or one that does not fit the issuer's key. Fix: reissue
 *           with SHA-256/384/512.
 * BWK0769E  A key type outside the policy (DSA, Ed25519, ...). Fix:
 *           reissue with an RSA or ECDSA key.
 * BWK0770E  An issuing certificate is not a CA (no basicConstraints with
 *           cA TRUE, or a trust anchor whose basicConstraints is not
 *           critical). Fix: issue from a real CA certificate.
 * BWK0771E  A pathLenConstraint or the depth limit (--max-depth, default
 *           8 intermediates) is exceeded. Fix: shorten the chain.
 * BWK0772E  Key usage forbids the use: an issuer without keyCertSign, a
 *           CRL issuer without cRLSign, a server certificate without
 *           digitalSignature, keyCertSign on a non-CA. Fix: reissue.
 * BWK0773E  Extended key usage: the server certificate (or a CA above it)
 *           lists EKUs but not serverAuth; for serverAuth, a server
 *           certificate from a CA lists no EKU or anyExtendedKeyUsage.
 *           Fix: reissue with serverAuth (only).
 * BWK0774E  The host name matches no dNSName in subjectAltName (the
 *           subject CN is never used). Fix: connect by a name in the SAN.
 * BWK0775E  The IP address matches no iPAddress in subjectAltName.
 *           Fix: connect by a name or address in the SAN.
 * BWK0776E  A name in the path breaks a CA's name constraints, or the
 *           constraints cannot be evaluated (malformed subtree, a name
 *           form that is constrained but not understood). Fix: the CA
 *           may not issue for that name.
 * BWK0777E  A certificate in the path has a critical extension that this
 *           verifier does not process. Fix: reissue without it.
 * BWK0778E  A certificate breaks the RFC 5280 profile in a way that makes
 *           it unsafe to interpret: not version 3, duplicate or malformed
 *           extensions, critical AKI/SKI, missing key identifiers, empty
 *           names, a serial longer than 20 octets or negative (below the
 *           anchor, or in the leaf), signature algorithm fields that
 *           disagree; for serverAuth, a server certificate from a CA with a
 *           critical subjectAltName beside a subject. Fix: reissue it.
 * BWK0779E  Path building gave up: more candidate paths or names than the
 *           work limits allow (a denial-of-service guard). Fix: send a
 *           shorter chain, or fewer names and constraints.
 * BWK0780E  A certificate in the path is revoked by a CRL.
 *           Fix: the certificate must be replaced.
 * BWK0781E  Revocation status unknown: with --crl, a certificate in the
 *           path has no current, valid CRL from its issuer covering all
 *           reasons (missing, stale, wrong signer, unknown critical CRL
 *           extension). Fix: supply the issuer's current CRL.
 * BWK0782E  Certificate policies: no valid policy for the path under the
 *           requested policy set, or a forbidden policy mapping.
 *           Fix: check --cert-policy and the CAs' policies.
 * BWK0783E  Internal error (memory, or the crypto library failed).
 *           Fix: report it.
 * BWK0784E  No trust anchor was given (an empty --ca file). Fix: give the
 *           CA root with --ca.
 * BWK0785E  A CA certificate (basicConstraints cA TRUE) is the server's
 *           certificate, in a path to a CA root, for the serverAuth purpose
 *           (CA/Browser Forum BR 7.1.2.7). A pinned certificate is exempt.
 *           Fix: the server must send its own end-entity certificate.
 * BWK0786E  The only subjectAltName that matches the host name is a
 *           wildcard over a public suffix (*.co.uk, *.github.io: Public
 *           Suffix List). Fix: a certificate for the server's own name.
 * BWK0787E  A wildcard would match the host name, but no Public Suffix
 *           List is loaded (chain_psl_load() failed or was not called), so
 *           the wildcard is not trusted. Fix: install Debian's publicsuffix
 *           package; a caller must call chain_psl_load() first.
 * BWK0788E  For serverAuth, a server certificate from a CA whose subject
 *           CN is an IP address its subjectAltName lacks, an IPv4 address
 *           not in dotted decimal, an internationalized domain name its
 *           subjectAltName lacks, or a NUL byte (CA/Browser Forum BR
 *           7.1.4.3). Fix: reissue with the CN copied from the
 *           subjectAltName, or none.
 * BWK0789I  The chain was accepted; the line names the leaf, the anchor
 *           and the path length.
 */
#ifndef BWK_VERIFY_H
#define BWK_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "../lib/util.h"

#define CHAIN_DEFAULT_DEPTH	8	/* intermediates, self-issued ones not counted */
#define CHAIN_MAX_PATH		34	/* leaf + intermediates + anchor, hard cap */
#define CHAIN_MAX_INPUT		512	/* certificates or CRLs in one call */
#define CHAIN_MAX_POLICIES	16	/* user-initial-policy-set entries */

struct chain_der {
	const uint8_t	*der;
	size_t		 len;
};

enum chain_name_kind {
	CHAIN_NAME_NONE = 0,	/* no identity check (PKITS, CA checks) */
	CHAIN_NAME_DNS,		/* RFC 6125 against dNSName SANs */
	CHAIN_NAME_IP,		/* exact against iPAddress SANs; v4 or v6 text */
};

enum chain_purpose {
	CHAIN_PURPOSE_ANY = 0,		/* RFC 5280 only */
	CHAIN_PURPOSE_SERVER_AUTH,	/* TLS server: EKU and key usage checked */
};

struct chain_input {
	const struct chain_der	*anchors;	/* trust anchors (CA roots) */
	size_t			 n_anchors;
	const struct chain_der	*intermediates;	/* untrusted; any order */
	size_t			 n_intermediates;
	struct chain_der	 leaf;
	const struct chain_der	*crls;		/* DER CRLs (complete or delta) */
	size_t			 n_crls;
	int			 check_revocation; /* every non-anchor needs a CRL */
	enum chain_name_kind	 name_kind;
	const char		*name;		/* host name or IP address text */
	int64_t			 time;		/* validation time, Unix seconds */
	int			 max_depth;	/* intermediates; < 0: default */
	enum chain_purpose	 purpose;
	/* RFC 5280 6.1.1 (c), (e)-(g); no policies means anyPolicy */
	const char		*policies[CHAIN_MAX_POLICIES];	/* dotted OIDs */
	size_t			 n_policies;
	int			 explicit_policy;
	int			 inhibit_policy_mapping;
	int			 inhibit_any_policy;
};

enum chain_reason {
	CHAIN_OK = 0,
	CHAIN_E_DECODE,		/* BWK0762E */
	CHAIN_E_NO_ISSUER,	/* BWK0763E */
	CHAIN_E_SIGNATURE,	/* BWK0764E */
	CHAIN_E_EXPIRED,	/* BWK0765E */
	CHAIN_E_NOT_YET_VALID,	/* BWK0766E */
	CHAIN_E_WEAK_KEY,	/* BWK0767E */
	CHAIN_E_WEAK_SIG,	/* BWK0768E */
	CHAIN_E_KEY_TYPE,	/* BWK0769E */
	CHAIN_E_NOT_CA,		/* BWK0770E */
	CHAIN_E_PATHLEN,	/* BWK0771E */
	CHAIN_E_KEY_USAGE,	/* BWK0772E */
	CHAIN_E_EKU,		/* BWK0773E */
	CHAIN_E_HOST,		/* BWK0774E */
	CHAIN_E_IP,		/* BWK0775E */
	CHAIN_E_NAME_CONSTRAINT,/* BWK0776E */
	CHAIN_E_CRITICAL_EXT,	/* BWK0777E */
	CHAIN_E_PROFILE,	/* BWK0778E */
	CHAIN_E_LIMIT,		/* BWK0779E */
	CHAIN_E_REVOKED,	/* BWK0780E */
	CHAIN_E_CRL_UNKNOWN,	/* BWK0781E */
	CHAIN_E_POLICY,		/* BWK0782E */
	CHAIN_E_INTERNAL,	/* BWK0783E */
	CHAIN_E_NO_ANCHOR,	/* BWK0784E */
	CHAIN_E_CA_LEAF,	/* BWK0785E */
	CHAIN_E_PUBLIC_SUFFIX,	/* BWK0786E */
	CHAIN_E_NO_PSL,		/* BWK0787E */
	CHAIN_E_CN,		/* BWK0788E */
	CHAIN_E_MAX
};

/* Where a certificate of the accepted path came from. */
enum chain_src { CHAIN_SRC_LEAF, CHAIN_SRC_INTERMEDIATE, CHAIN_SRC_ANCHOR };

struct chain_result {
	enum chain_reason reason;
	int		 position;	/* refused cert: 0 leaf, 1 its issuer..; -1 */
	char		 subject[256];	/* its subject, safe to print, or "" */
	char		 detail[320];	/* what exactly was wrong */
	/* The accepted path (also the path last tried, on refusal) */
	size_t		 path_len;	/* leaf first, anchor last */
	struct {
		enum chain_src	src;
		size_t		index;	/* into anchors[] / intermediates[] */
		uint8_t		fpr[BWK_SHA256_LEN];
	}		 path[CHAIN_MAX_PATH];
};

/*
 * Builds and validates a path from in->leaf to one of in->anchors.
 * Returns CHAIN_OK (0) when a path is accepted, else the reason for the
 * most relevant refusal, also kept in res. Never prints; safe to call
 * after the sandbox is applied (no files, no clock unless time is 0).
 */
enum chain_reason chain_verify(const struct chain_input *,
	    struct chain_result *);
/* "BWK0764E" for CHAIN_E_SIGNATURE, etc.; "BWK0789I" for CHAIN_OK. */
const char	*chain_reason_id(enum chain_reason);
/* A short English name for the reason ("signature invalid"). */
const char	*chain_reason_text(enum chain_reason);

/*
 * Loads the Public Suffix List (Debian's libpsl: the newer of its built-in
 * copy and the publicsuffix package's file) for the wildcard rule. Call it
 * once, before any sandbox is applied: it may open a file, and
 * chain_verify() never does. Without it, chain_verify() refuses any
 * wildcard that would match the host name (BWK0787E) and accepts no other
 * way round. 0, or -1 with why (no list at all).
 */
int		 chain_psl_load(char *why, size_t whylen);
/* Where the loaded list came from and its date (file or build time). */
int		 chain_psl_info(char *source, size_t sourcelen, int64_t *date);

#endif
