/*
 * Between the files of the path validator (verify.c, verify_name.c,
 * verify_psl.c); not an interface for the rest of the client, which uses
 * verify.h.
 */
#ifndef BWK_VERIFY_INT_H
#define BWK_VERIFY_INT_H

#include "../lib/der.h"
#include "verify.h"

/* DNS names (verify_name.c), also used by the name constraints */
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
