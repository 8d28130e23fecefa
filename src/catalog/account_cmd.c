/* The account commands' shared rules: see account_cmd.h. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../lib/scram.h"
#include "../lib/util.h"
#include "account_cmd.h"

const char *
acct_kind_name(enum cat_kind k)
{
	return k == CAT_ADMIN ? "administrator" : "node";
}

int
acct_parse_security(const char *s, enum cat_security *out)
{
	if (strcasecmp(s, "strict") == 0)
		*out = CAT_STRICT;
	else if (strcasecmp(s, "transitional") == 0)
		*out = CAT_TRANSITIONAL;
	else
		return -1;
	return 0;
}

const char *
acct_security_name(enum cat_security s)
{
	return s == CAT_STRICT ? "STRICT" : "TRANSITIONAL";
}

int
acct_verifier(const uint8_t *pw, size_t n, struct scram_verifier *v,
    const char **why)
{
	int r;

	*why = "";
	if (n < ACCT_PASSWORD_MIN || n > SCRAM_PASSWORD_MAX)
		return ACCT_E_PASSWORD;
	r = scram_verifier_make(pw, n, SCRAM_ITER_DEFAULT, 0, v);
	if (r != SCRAM_OK) {
		explicit_bzero(v, sizeof(*v));
		*why = scram_strerror(r);
		return ACCT_E_VERIFIER;
	}
	return 0;
}

void
acct_outcome(int r, enum cat_kind k, const char *name, char *out, size_t len)
{
	const char *kn = acct_kind_name(k);

	switch (r) {
	case CAT_OK:
		snprintf(out, len, "%s", "");
		break;
	case CAT_NOTFOUND:
		snprintf(out, len, "there is no %s %s", kn, name);
		break;
	case CAT_EXISTS:
		snprintf(out, len, "%s %s is registered already; change it "
		    "with update", kn, name);
		break;
	case CAT_INVALID:
		snprintf(out, len, "%s is not a valid %s name (1 to 64 of "
		    "A-Z a-z 0-9 _ . - + &, not starting with -)", name, kn);
		break;
	case CAT_HASDATA:
		snprintf(out, len, "node %s still owns backup data; it cannot "
		    "be removed before its filespaces are deleted", name);
		break;
	case ACCT_E_PASSWORD:
		snprintf(out, len, "the password of %s %s must be %d to %d "
		    "characters", kn, name, ACCT_PASSWORD_MIN,
		    SCRAM_PASSWORD_MAX);
		break;
	case ACCT_E_VERIFIER:
		snprintf(out, len, "the verifier of %s %s's password could not "
		    "be made; nothing was stored", kn, name);
		break;
	default:
		snprintf(out, len, "the catalog failed (the server's log says "
		    "why); nothing was changed");
		break;
	}
}

void
acct_row(const struct cat_account *a, int64_t now, struct acct_row *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", a->name);
	snprintf(r->security, sizeof(r->security), "%s",
	    acct_security_name(a->security));
	if (a->last_signon > 0)
		bwk_time_format(a->last_signon, r->last_signon);
	else
		snprintf(r->last_signon, sizeof(r->last_signon), "never");
	if (a->password_expires > 0)
		bwk_time_format(a->password_expires, r->password_expires);
	else
		snprintf(r->password_expires, sizeof(r->password_expires),
		    "never");
	if (a->locked_until > now)
		bwk_time_format(a->locked_until, r->locked_until);
	else
		snprintf(r->locked_until, sizeof(r->locked_until), "no");
	snprintf(r->failed, sizeof(r->failed), "%d", a->failed_signons);
}
