/*
 * The account commands' rules, shared by the server console
 * (src/server/accounts.c) and remote administration
 * (src/srvsession/admin.c): how long a password is, how its verifier is
 * made, what a catalog outcome means to the administrator, and how an
 * account is shown. One place, so that `bulwarkd node register` and
 * `bulwark admin register node` cannot drift apart. No SQL here: every
 * statement is the catalog's (catalog_sql.c); nothing here prints.
 */
#ifndef BWK_ACCOUNT_CMD_H
#define BWK_ACCOUNT_CMD_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"

/* The seed's rule: 8 characters at least; at most what SCRAM takes. */
#define ACCT_PASSWORD_MIN	8

/* acct_verifier's refusals, beside the catalog's statuses. */
#define ACCT_E_PASSWORD		100	/* not ACCT_PASSWORD_MIN..1024 bytes */
#define ACCT_E_VERIFIER		101	/* the verifier could not be made */

/* "node" or "administrator". */
const char *acct_kind_name(enum cat_kind);
/* "strict" or "transitional", any case: 0; else -1. */
int	acct_parse_security(const char *, enum cat_security *);
const char *acct_security_name(enum cat_security);

/*
 * A new verifier (SCRAM_ITER_DEFAULT iterations, a fresh salt) for the
 * password's n bytes: 0, ACCT_E_PASSWORD for a length out of bounds, or
 * ACCT_E_VERIFIER with *why (scram.h's reason). The caller wipes the
 * password, and the verifier once stored.
 */
int	acct_verifier(const uint8_t *pw, size_t n, struct scram_verifier *,
	    const char **why);

/*
 * What an account command's outcome (a catalog status or ACCT_E_*) means
 * to the administrator, into out; "" for CAT_OK. CAT_ERROR's text only
 * points to the log, where the catalog said why.
 */
void	acct_outcome(int status, enum cat_kind, const char *name, char *out,
	    size_t len);

/* An account as both listings show it. */
struct acct_row {
	char	name[CAT_NAME_MAX + 1];
	char	security[16];		/* STRICT, TRANSITIONAL */
	char	last_signon[32];	/* a UTC time, or "never" */
	char	password_expires[32];	/* a UTC time, or "never" */
	char	locked_until[32];	/* a UTC time, or "no" */
	char	failed[12];		/* failed sign-ons since a success */
};
void	acct_row(const struct cat_account *, int64_t now, struct acct_row *);

#endif
