/*
 * The TLS policy: a readable file (policy/bulwark.policy is compiled in
 * as the default), checked against the FIPS-oriented floor, and applied
 * to wolfSSL and to every session. A policy may be stricter than the
 * floor, never weaker.
 */
#ifndef BWK_POLICY_H
#define BWK_POLICY_H

#include <stddef.h>
#include <stdio.h>

#define POLICY_MAX_ITEMS	16
#define POLICY_ITEM_LEN		48

typedef char policy_item[POLICY_ITEM_LEN];

struct tls_policy {
	policy_item	 suites[POLICY_MAX_ITEMS];	/* ECDHE-ECDSA-... */
	size_t		 nsuites;
	policy_item	 groups[POLICY_MAX_ITEMS];	/* P-256 ... */
	size_t		 ngroups;
	policy_item	 sigs[POLICY_MAX_ITEMS];	/* ECDSA+SHA256 ... */
	size_t		 nsigs;
	policy_item	 cert_hashes[POLICY_MAX_ITEMS];	/* SHA256 ... */
	size_t		 ncert_hashes;
	int	 min_rsa_bits;
	int	 min_ecc_bits;
	int	 require_ems;
	int	 refuse_renegotiation;
	char	 source[256];		/* "built-in" or the file's name */
};

/* The built-in policy (from policy/bulwark.policy at build time). */
extern const char policy_builtin_text[];

/*
 * Parses and checks a policy text. Returns 0, or -1 after one message
 * naming the line and what is wrong (syntax) or weaker than the floor.
 */
int	policy_parse(const char *text, size_t len, const char *source,
	    struct tls_policy *);
/* The built-in policy, or FILE when path is not NULL. */
int	policy_load(const char *path, struct tls_policy *);
/* `bulwark policy`: the effective policy and the FIPS status, plainly. */
void	policy_print(const struct tls_policy *, FILE *);
/* The wolfSSL cipher list string "A:B:C". */
void	policy_cipher_list(const struct tls_policy *, char *out, size_t len);
int	policy_has_group(const struct tls_policy *, const char *name);
int	policy_has_sig(const struct tls_policy *, const char *name);

#endif
