/*
 * The server console's account commands, run by the server's own user on
 * the instance directory (the seed's server console): the first
 * administrator at init, and nodes and administrators afterwards. Remote
 * administration (bulwark admin) reaches the same catalog calls through a
 * signed-on session.
 *
 *	bulwarkd --instance DIR init [--admin NAME]
 *	bulwarkd --instance DIR node|admin register NAME
 *	    [--sessionsecurity strict|transitional]
 *	bulwarkd --instance DIR node|admin update NAME [--password]
 *	    [--sessionsecurity strict|transitional] [--unlock] [--expire]
 *	bulwarkd --instance DIR node|admin remove NAME
 *	bulwarkd --instance DIR node|admin list
 *
 * Passwords come on standard input, never on the command line (where `ps`
 * shows them), and only their SCRAM verifiers are stored.
 */
#include <stdio.h>
#include <string.h>

#include "../catalog/account_cmd.h"
#include "../catalog/catalog.h"
#include "../lib/msg.h"
#include "../lib/password.h"
#include "../lib/scram.h"
#include "../lib/util.h"
#include "accounts.h"

static int
usage_error(const char *why, const char *arg)
{
	bwk_msg("BWK1000E", "%s%s%s; see bulwarkd --help", why, arg ? ": " :
	    "", arg ? arg : "");
	return ACCOUNTS_USAGE;
}

static int
open_catalog(const struct instance *in, int create, struct catalog **cat)
{
	if (catalog_open(cat, in->catdir, create ? CAT_OPEN_CREATE : 0) !=
	    CAT_OK)
		return -1;
	return 0;
}

/* A verifier for a password read from standard input; wiped after. */
int
accounts_read_verifier(const char *name, struct scram_verifier *v)
{
	char pw[SCRAM_PASSWORD_MAX + 1];
	char prompt[128];
	const char *why;
	size_t n = 0;
	int r;

	snprintf(prompt, sizeof(prompt), "Password for %s: ", name);
	r = bwk_read_password(prompt, pw, sizeof(pw), &n) == -1 ?
	    ACCT_E_PASSWORD : acct_verifier((const uint8_t *)pw, n, v, &why);
	explicit_bzero(pw, sizeof(pw));
	if (r == ACCT_E_PASSWORD) {
		bwk_msg("BWK1080E", "give the password of %s (%d to %d "
		    "characters) on one line of standard input", name,
		    ACCT_PASSWORD_MIN, SCRAM_PASSWORD_MAX);
		return -1;
	}
	if (r != 0) {
		bwk_msg("BWK1081E", "cannot make the password's verifier: %s",
		    why);
		return -1;
	}
	return 0;
}

/* What a catalog call's outcome means to the administrator. */
static int
outcome(int r, enum cat_kind k, const char *name)
{
	char text[256];

	if (r == CAT_OK)
		return 0;
	/* CAT_ERROR: the catalog said why */
	if (r != CAT_ERROR) {
		acct_outcome(r, k, name, text, sizeof(text));
		bwk_msg("BWK1082E", "%s", text);
	}
	return -1;
}

static int
parse_security(const char *s, enum cat_security *out)
{
	if (acct_parse_security(s, out) == -1) {
		bwk_msg("BWK1000E", "--sessionsecurity takes strict or "
		    "transitional: %s; see bulwarkd --help", s);
		return -1;
	}
	return 0;
}

int
accounts_init(const struct instance *in, const char *name,
    const struct scram_verifier *v)
{
	struct catalog *cat;
	int r;

	if (open_catalog(in, 1, &cat) == -1)
		return -1;
	if (name == NULL) {
		catalog_close(cat);
		return 0;
	}
	r = catalog_account_register(cat, CAT_ADMIN, name, v, CAT_STRICT, 0);
	catalog_close(cat);
	if (outcome(r, CAT_ADMIN, name) == -1)
		return -1;
	bwk_info("BWK1083I", "registered %s %s", "administrator", name);
	return 0;
}

static int
do_register(struct catalog *cat, enum cat_kind k, const char *name,
    enum cat_security sec, int64_t expires)
{
	struct scram_verifier v;
	int r;

	if (accounts_read_verifier(name, &v) == -1)
		return -1;
	r = catalog_account_register(cat, k, name, &v, sec, expires);
	explicit_bzero(&v, sizeof(v));
	if (outcome(r, k, name) == -1)
		return -1;
	bwk_info("BWK1083I", "registered %s %s", acct_kind_name(k), name);
	return 0;
}

static int
do_update(struct catalog *cat, enum cat_kind k, const char *name,
    struct cat_update *u)
{
	struct scram_verifier v;
	int r;

	if (u->what == 0) {
		bwk_msg("BWK1000E", "update needs --password, --sessionsecurity, "
		    "--unlock or --expire: %s; see bulwarkd --help", name);
		return -1;
	}
	if (u->what & CAT_SET_VERIFIER) {
		if (accounts_read_verifier(name, &v) == -1)
			return -1;
		u->verifier = &v;
	}
	r = catalog_account_update(cat, k, name, u);
	explicit_bzero(&v, sizeof(v));
	if (outcome(r, k, name) == -1)
		return -1;
	bwk_info("BWK1084I", "updated %s %s", acct_kind_name(k), name);
	return 0;
}

static int
print_account(void *arg, const struct cat_account *a)
{
	struct acct_row r;

	(void)arg;
	acct_row(a, bwk_now(), &r);
	printf("%-24s %-12s %-20s %-20s %s\n", r.name, r.security,
	    r.last_signon, r.password_expires, r.locked_until);
	return 0;
}

static int
do_list(struct catalog *cat, enum cat_kind k)
{
	printf("%-24s %-12s %-20s %-20s %s\n", k == CAT_ADMIN ?
	    "ADMINISTRATOR" : "NODE", "SECURITY", "LAST SIGN-ON",
	    "PASSWORD EXPIRES", "LOCKED UNTIL");
	return catalog_account_list(cat, k, print_account, NULL) == CAT_OK ?
	    0 : -1;
}

int
accounts_cmd(const struct instance *in, const struct srv_options *o,
    int argc, char **argv)
{
	enum cat_kind k = strcmp(argv[0], "admin") == 0 ? CAT_ADMIN : CAT_NODE;
	enum cat_security sec = o->sessionsecurity == SESSSEC_STRICT ?
	    CAT_STRICT : CAT_TRANSITIONAL;
	struct cat_update u;
	struct catalog *cat;
	const char *cmd, *name = NULL;
	int i, r;

	if (argc < 2)
		return usage_error("node and admin need register, update, "
		    "remove or list", NULL);
	cmd = argv[1];
	memset(&u, 0, sizeof(u));
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--sessionsecurity") == 0 && i + 1 < argc) {
			if (parse_security(argv[++i], &sec) == -1)
				return ACCOUNTS_USAGE;
			u.what |= CAT_SET_SECURITY;
			u.security = sec;
		} else if (strcmp(argv[i], "--password") == 0)
			u.what |= CAT_SET_VERIFIER;
		else if (strcmp(argv[i], "--unlock") == 0)
			u.what |= CAT_SET_UNLOCK;
		else if (strcmp(argv[i], "--expire") == 0) {
			/* now: the next sign-on must set a new password */
			u.what |= CAT_SET_EXPIRES;
			u.password_expires = bwk_now();
		}
		else if (argv[i][0] != '-' && name == NULL)
			name = argv[i];
		else
			return usage_error("unknown argument", argv[i]);
	}
	if ((strcmp(cmd, "list") == 0) != (name == NULL))
		return usage_error(name == NULL ? "a name is needed" :
		    "list takes no name", name);
	if (open_catalog(in, 0, &cat) == -1)
		return ACCOUNTS_FAILED;
	/* a new password's expiry, unless --expire says now */
	if ((u.what & CAT_SET_VERIFIER) && !(u.what & CAT_SET_EXPIRES)) {
		u.what |= CAT_SET_EXPIRES;
		u.password_expires = srvopts_password_expiry(o, k == CAT_ADMIN);
	}
	if (strcmp(cmd, "register") == 0 && (u.what & ~CAT_SET_SECURITY) == 0)
		r = do_register(cat, k, name, sec,
		    srvopts_password_expiry(o, k == CAT_ADMIN));
	else if (strcmp(cmd, "update") == 0)
		r = do_update(cat, k, name, &u);
	else if (strcmp(cmd, "remove") == 0 && u.what == 0) {
		r = outcome(catalog_account_remove(cat, k, name), k, name);
		if (r == 0)
			bwk_info("BWK1084I", "removed %s %s", acct_kind_name(k), name);
	} else if (strcmp(cmd, "list") == 0 && u.what == 0)
		r = do_list(cat, k);
	else {
		catalog_close(cat);
		return usage_error("unknown account command", cmd);
	}
	catalog_close(cat);
	return r == 0 ? 0 : ACCOUNTS_FAILED;
}
