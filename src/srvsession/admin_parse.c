/*
 * The administrative commands' grammar (admin.h): strict, one command a
 * frame, every word accounted for. The text came from a signed-on
 * administrator, but it is still a peer's bytes: it is split in place
 * in a bounded copy, and nothing of it reaches a reason or a log line
 * but keywords and names that passed the catalog's rule.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../catalog/account_cmd.h"
#include "admin.h"

#define WORDS_MAX	6		/* the longest command has five */
#define TEXT_MAX	1024

struct keyword {
	const char	*word;
	size_t		 min;		/* the shortest abbreviation */
	int		 value;
};

static const struct keyword verbs[] = {
	{ "register", 3, ADM_REGISTER }, { "update", 3, ADM_UPDATE },
	{ "remove", 3, ADM_REMOVE }, { "unlock", 3, ADM_UNLOCK },
	{ "query", 1, ADM_QUERY }, { NULL, 0, 0 },
};

static const struct keyword objects[] = {
	{ "node", 1, ADM_NODE }, { "admin", 3, ADM_ADMIN },
	{ "session", 2, ADM_SESSION }, { "certificate", 4, ADM_CERTIFICATE },
	{ NULL, 0, 0 },
};

static int
refuse(char *why, size_t len, const char *text)
{
	snprintf(why, len, "%s", text);
	return -1;
}

/* w is k->word or one of its abbreviations down to k->min letters. */
static int
lookup(const struct keyword *k, const char *w, int *value)
{
	size_t n = strlen(w);

	for (; k->word != NULL; k++)
		if (n >= k->min && n <= strlen(k->word) &&
		    strncasecmp(w, k->word, n) == 0) {
			*value = k->value;
			return 0;
		}
	return -1;
}

/* Splits s on blanks, in place; -1 for more than max words. */
static int
split(char *s, char **w, size_t max, size_t *n)
{
	char *p = s;

	*n = 0;
	for (;;) {
		while (*p == ' ')
			*p++ = '\0';
		if (*p == '\0')
			return 0;
		if (*n == max)
			return -1;
		w[(*n)++] = p;
		while (*p != '\0' && *p != ' ')
			p++;
	}
}

static int
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/* A query's pattern: a name's characters, and * and ?. */
static int
pattern_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= CAT_NAME_MAX && s[0] != '-' &&
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_.-+&*?") == n;
}

/* sessionsecurity=strict|transitional, the one option there is. */
static int
option(struct adm_cmd *c, const char *w, char *why, size_t len)
{
	const char *eq = strchr(w, '=');
	size_t k = (size_t)(eq - w);

	if (k < 10 || k > 15 || strncasecmp(w, "sessionsecurity", k) != 0)
		return refuse(why, len, "a word with '=' that is no option of "
		    "the command (the option is sessionsecurity=; a password "
		    "here cannot hold '=' or a blank)");
	if (c->has_security)
		return refuse(why, len, "sessionsecurity= given twice");
	if (acct_parse_security(eq + 1, &c->security) == -1)
		return refuse(why, len, "sessionsecurity= takes strict or "
		    "transitional");
	c->has_security = 1;
	return 0;
}

/* The words after NAME of register and update: a password, an option. */
static int
account_args(struct adm_cmd *c, char **w, size_t n, char *why, size_t len)
{
	size_t i, pl;

	for (i = 0; i < n; i++) {
		if (strchr(w[i], '=') != NULL) {
			if (option(c, w[i], why, len) == -1)
				return -1;
			continue;
		}
		if (c->pwlen > 0)
			return refuse(why, len, "more than one password, or a "
			    "word the command does not take");
		if ((pl = strlen(w[i])) > SCRAM_PASSWORD_MAX)
			return refuse(why, len, "a password longer than 1,024 "
			    "characters");
		memcpy(c->password, w[i], pl + 1);
		c->pwlen = pl;
	}
	if (c->verb == ADM_REGISTER && c->pwlen == 0)
		return refuse(why, len, "register needs the password after the "
		    "name");
	if (c->verb == ADM_UPDATE && c->pwlen == 0 && !c->has_security)
		return refuse(why, len, "update needs a new password or "
		    "sessionsecurity=");
	return 0;
}

/* NAME and what follows, for the commands on one account. */
static int
account(struct adm_cmd *c, char **w, size_t n, char *why, size_t len)
{
	if (n < 1)
		return refuse(why, len, "the command needs the name of the "
		    "node or administrator");
	if (!catalog_name_ok(w[0]))
		return refuse(why, len, "the name is not a valid node or "
		    "administrator name (1 to 64 of A-Z a-z 0-9 _ . - + &, "
		    "not starting with -)");
	(void)catalog_name_canon(w[0], c->name);
	if (c->verb == ADM_REGISTER || c->verb == ADM_UPDATE)
		return account_args(c, w + 1, n - 1, why, len);
	if (n > 1)
		return refuse(why, len, "remove and unlock take only the name");
	return 0;
}

static int
query(struct adm_cmd *c, char **w, size_t n, char *why, size_t len)
{
	size_t i;

	if (c->obj == ADM_SESSION || c->obj == ADM_CERTIFICATE) {
		if (n > 0)
			return refuse(why, len, "query session and query "
			    "certificate take nothing more");
		return 0;
	}
	if (n > 1)
		return refuse(why, len, "query node and query admin take at most "
		    "a name or a pattern");
	if (n == 1 && !pattern_ok(w[0]))
		return refuse(why, len, "the pattern is not a name, with * and "
		    "? for any characters");
	if (n == 1)
		for (i = 0; w[0][i] != '\0' && i < CAT_NAME_MAX; i++)
			c->name[i] = (char)(w[0][i] >= 'a' && w[0][i] <= 'z' ?
			    w[0][i] - 'a' + 'A' : w[0][i]);
	return 0;
}

int
adm_parse(const char *text, struct adm_cmd *c, char *why, size_t len)
{
	char buf[TEXT_MAX + 1], *w[WORDS_MAX];
	size_t n;
	int v, o, r;

	memset(c, 0, sizeof(*c));
	if (strlen(text) > TEXT_MAX || !printable(text))
		return refuse(why, len, "a command is one line of printable "
		    "ASCII, at most 1,024 characters");
	snprintf(buf, sizeof(buf), "%s", text);
	r = split(buf, w, WORDS_MAX, &n);
	if (r == -1 || n < 2 || lookup(verbs, w[0], &v) == -1 ||
	    lookup(objects, w[1], &o) == -1) {
		explicit_bzero(buf, sizeof(buf));
		return refuse(why, len, "not a command this server knows (see "
		    "bulwark admin --help)");
	}
	c->verb = (enum adm_verb)v;
	c->obj = (enum adm_object)o;
	if (c->verb != ADM_QUERY && (c->obj == ADM_SESSION ||
	    c->obj == ADM_CERTIFICATE))
		r = refuse(why, len, "sessions and certificates are only "
		    "queried");
	else if (c->verb == ADM_QUERY)
		r = query(c, w + 2, n - 2, why, len);
	else
		r = account(c, w + 2, n - 2, why, len);
	explicit_bzero(buf, sizeof(buf));	/* it may hold a password */
	if (r == -1)
		adm_wipe(c);
	return r;
}

enum cat_kind
adm_kind(const struct adm_cmd *c)
{
	return c->obj == ADM_ADMIN ? CAT_ADMIN : CAT_NODE;
}

void
adm_render(const struct adm_cmd *c, char *out, size_t len)
{
	static const char *const verb[] = { "register", "update", "remove",
	    "unlock", "query" };
	static const char *const obj[] = { "node", "admin", "session",
	    "certificate" };

	snprintf(out, len, "%s %s%s%s%s%s%s", verb[c->verb], obj[c->obj],
	    c->name[0] != '\0' ? " " : "", c->name,
	    c->pwlen > 0 ? " (a password, not logged)" : "",
	    c->has_security ? " sessionsecurity=" : "",
	    c->has_security ? acct_security_name(c->security) : "");
}

void
adm_wipe(struct adm_cmd *c)
{
	explicit_bzero(c->password, sizeof(c->password));
	c->pwlen = 0;
}
