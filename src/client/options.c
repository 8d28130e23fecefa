/*
 * The client's options files in the dsm.opt/dsm.sys format, and the
 * -option=value command line. See options.h for the rules.
 *
 * The files are untrusted bytes as far as this parser goes (it is fuzzed):
 * every line is checked for length and control characters before it is
 * looked at, every value is checked before it is stored, and the result is
 * written to the caller only when everything parsed; on any error exactly
 * one BWK08xxE message names the file and line, what is wrong and the fix.
 *
 * Order of work: the command line, the user file, then the system file. The
 * stanza wanted is known before the first stanza of the system file ends
 * (DEFAULTSERVER must come before the first stanza), so each stanza is
 * parsed into a scratch set of values and kept only when it is the one
 * chosen; the other stanzas are still checked completely.
 */
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/names.h"
#include "../lib/msg.h"
#include "../lib/util.h"
#include "options.h"

enum opt_id {
	O_SERVERNAME,
	O_DEFAULTSERVER,
	O_COMMMETHOD,
	O_TCPSERVERADDRESS,
	O_TCPPORT,
	O_TCPADMINPORT,
	O_SSL,
	O_SSLFIPSMODE,
	O_SSLACCEPTCERTFROMSERV,
	O_SSLDISABLELEGACYTLS,
	O_SSLREQUIRED,
	O_NODENAME,
	O_PASSWORDACCESS,
	O_PASSWORDDIR,
	O_COMMTIMEOUT,
	O_BWKSERVERFINGERPRINT,
	O_BWKSYSTEMCA,
	O_BWKSANDBOXUSER,
	O_BWKHANDSHAKETIMEOUT,
	O_COUNT
};

enum opt_type {
	T_SERVER,	/* a server (stanza) name */
	T_ADDRESS,
	T_PORT,
	T_YESNO,
	T_SSLREQ,
	T_COMM,
	T_NODE,
	T_PWACCESS,
	T_DIR,
	T_FPR,
	T_USER,
	T_SECONDS,
};

#define F_STANZA	0x01	/* connection option: a stanza of the system file */
#define F_CLI		0x02	/* may be given on the command line */
#define F_TLS		0x04	/* SSL...: options file only, as IBM's */
#define F_KEYWORD	0x08	/* keyword or number: must not be quoted */

/*
 * min is the minimum abbreviation: the upper-case letters of IBM's
 * spelling (TCPServeraddress, SErvername, SSLDISABLELEGACYtls, ...). The
 * BWK options are Bulwark's own and are written in full (min = length).
 */
static const struct optdef {
	const char	*name;
	size_t		 min;
	enum opt_type	 type;
	unsigned	 flags;
} optdefs[O_COUNT] = {
	[O_SERVERNAME] =	{ "SERVERNAME", 2, T_SERVER, F_CLI },
	[O_DEFAULTSERVER] =	{ "DEFAULTSERVER", 8, T_SERVER, 0 },
	[O_COMMMETHOD] =	{ "COMMMETHOD", 5, T_COMM,
				    F_STANZA | F_KEYWORD },
	[O_TCPSERVERADDRESS] =	{ "TCPSERVERADDRESS", 4, T_ADDRESS,
				    F_STANZA | F_CLI },
	[O_TCPPORT] =		{ "TCPPORT", 4, T_PORT,
				    F_STANZA | F_CLI | F_KEYWORD },
	[O_TCPADMINPORT] =	{ "TCPADMINPORT", 9, T_PORT,
				    F_STANZA | F_KEYWORD },
	[O_SSL] =		{ "SSL", 3, T_YESNO,
				    F_STANZA | F_TLS | F_KEYWORD },
	[O_SSLFIPSMODE] =	{ "SSLFIPSMODE", 11, T_YESNO,
				    F_STANZA | F_TLS | F_KEYWORD },
	[O_SSLACCEPTCERTFROMSERV] = { "SSLACCEPTCERTFROMSERV", 21, T_YESNO,
				    F_STANZA | F_TLS | F_KEYWORD },
	[O_SSLDISABLELEGACYTLS] = { "SSLDISABLELEGACYTLS", 16, T_YESNO,
				    F_STANZA | F_TLS | F_KEYWORD },
	[O_SSLREQUIRED] =	{ "SSLREQUIRED", 6, T_SSLREQ,
				    F_STANZA | F_TLS | F_KEYWORD },
	[O_NODENAME] =		{ "NODENAME", 3, T_NODE, F_STANZA | F_CLI },
	[O_PASSWORDACCESS] =	{ "PASSWORDACCESS", 9, T_PWACCESS,
				    F_STANZA | F_KEYWORD },
	[O_PASSWORDDIR] =	{ "PASSWORDDIR", 11, T_DIR,
				    F_STANZA | F_CLI },
	[O_COMMTIMEOUT] =	{ "COMMTIMEOUT", 5, T_SECONDS,
				    F_STANZA | F_CLI | F_KEYWORD },
	/* Bulwark extensions. */
	[O_BWKSERVERFINGERPRINT] = { "BWKSERVERFINGERPRINT", 20, T_FPR,
				    F_STANZA | F_CLI },
	[O_BWKSYSTEMCA] =	{ "BWKSYSTEMCA", 11, T_YESNO,
				    F_STANZA | F_CLI | F_KEYWORD },
	[O_BWKSANDBOXUSER] =	{ "BWKSANDBOXUSER", 14, T_USER,
				    F_STANZA | F_CLI },
	[O_BWKHANDSHAKETIMEOUT] = { "BWKHANDSHAKETIMEOUT", 19, T_SECONDS,
				    F_STANZA | F_CLI | F_KEYWORD },
};

/* Values given in one place (a stanza, the user file, the command line). */
struct settings {
	uint32_t		 set;		/* 1 << opt_id */
	int			 line[O_COUNT];	/* line, or argument number */
	struct bwk_options	 v;
};

#define KIND_USER	0
#define KIND_SYSTEM	1

#define WHERE_LEN	1100
#define ECHO_LEN	96

struct ctx {
	struct settings	 cli, user, scratch, chosen;
	struct bwk_options name;		/* a SERVERNAME being checked */
	char		 optfile[4096];
	int		 has_optfile;

	/* The system file. */
	int		 have_sys;
	char		 sysname[1024];		/* sanitized, for messages */
	char		 username[1024];
	char		 stanza[OPT_MAX_STANZAS][65];
	int		 stanza_line[OPT_MAX_STANZAS];
	int		 nstanza;
	char		 defserver[65];
	int		 defserver_line;
	int		 found;			/* chosen holds the stanza */
	int		 found_idx;
};

static int
fail(const char *id, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
fail(const char *id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bwk_vmsg(id, fmt, ap);
	va_end(ap);
	return -1;
}

static void
add_note(struct bwk_options *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
add_note(struct bwk_options *o, const char *fmt, ...)
{
	va_list ap;

	if (o->nnotes >= OPT_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(o->notes[o->nnotes++], sizeof(o->notes[0]), fmt, ap);
	va_end(ap);
}

static int
upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* ASCII case-insensitive, whatever the locale. */
static int
eq_nocase(const char *a, const char *b)
{
	while (*a != '\0' && upper((unsigned char)*a) ==
	    upper((unsigned char)*b)) {
		a++;
		b++;
	}
	return *a == '\0' && *b == '\0';
}

static int
prefix_nocase(const char *name, size_t n, const char *full)
{
	size_t i;

	if (n > strlen(full))
		return 0;
	for (i = 0; i < n; i++)
		if (upper((unsigned char)name[i]) != full[i])
			return 0;
	return 1;
}

static int
blank(int c)
{
	return c == ' ' || c == '\t';
}

static int
is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* A bounded, terminal-safe copy of untrusted text for messages. */
static void
echo(const char *s, size_t n, char out[ECHO_LEN])
{
	char tmp[ECHO_LEN];

	if (n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	bwk_sanitize(tmp, out, ECHO_LEN);
}

/*
 * Finds the option that name[0..n) abbreviates. On error prints the
 * message (unknown, ambiguous, too short) at where and returns -1.
 */
static int
lookup(const char *where, const char *name, size_t n)
{
	int i, hit = -1, nhit = 0, shorter[2] = { -1, -1 }, nshort = 0;
	char e[ECHO_LEN];

	echo(name, n, e);
	if (n == 0)
		return fail("BWK0804E", "%s: an option name is missing; "
		    "write the option name, then its value", where);
	for (i = 0; i < O_COUNT; i++) {
		if (!prefix_nocase(name, n, optdefs[i].name))
			continue;
		if (n >= optdefs[i].min) {
			if (nhit++ == 0)
				hit = i;
		} else if (nshort < 2)
			shorter[nshort++] = i;
		else
			nshort++;
	}
	if (nhit == 1)
		return hit;
	/* The table's minimum abbreviations are unique: nhit is 0 here. */
	if (nhit > 1) {
		shorter[0] = hit;
		for (i = hit + 1; i < O_COUNT; i++)
			if (prefix_nocase(name, n, optdefs[i].name) &&
			    n >= optdefs[i].min)
				break;
		shorter[1] = i;
		nshort = nhit;
	}
	if (nshort >= 2)
		return fail("BWK0805E", "%s: '%s' is ambiguous: it could be %s "
		    "or %s%s; write at least %.*s or %.*s", where, e,
		    optdefs[shorter[0]].name, optdefs[shorter[1]].name,
		    nshort > 2 ? " (or others)" : "",
		    (int)optdefs[shorter[0]].min, optdefs[shorter[0]].name,
		    (int)optdefs[shorter[1]].min, optdefs[shorter[1]].name);
	if (nshort == 1)
		return fail("BWK0806E", "%s: '%s' is too short an abbreviation "
		    "of %s; write at least %.*s", where, e,
		    optdefs[shorter[0]].name, (int)optdefs[shorter[0]].min,
		    optdefs[shorter[0]].name);
	return fail("BWK0804E", "%s: unknown option '%s'; check the spelling, "
	    "or comment the line out with '*' (Bulwark reads only its "
	    "connection and TLS options)", where, e);
}

/*
 * A stanza name is the server's label in the key database, so it follows
 * bulwark-cert's rule for -server: no '/', '@' or '+' (those mark bundle
 * members and secret entries).
 */
static int
server_ok(const char *s)
{
	return strlen(s) <= 64 && kdb_name_ok(s);
}

/* IPv4 dotted quad, IPv6 literal, or a DNS name of letter-digit-hyphen labels. */
static int
address_ok(const char *s, int *v6)
{
	struct in6_addr a6;
	struct in_addr a4;
	size_t n = strlen(s), i, lab = 0;
	int digits_only = 1;

	*v6 = 0;
	if (n == 0 || n > 64)
		return 0;
	if (inet_pton(AF_INET6, s, &a6) == 1) {
		*v6 = 1;
		return 1;
	}
	if (inet_pton(AF_INET, s, &a4) == 1)
		return 1;
	/*
	 * Forms the resolver would read as a number (127.1, 0x7f000001,
	 * 017.0.0.1) are refused: only a dotted quad is an IPv4 address.
	 */
	if (inet_aton(s, &a4) != 0)
		return 0;
	if (s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '.') {
			if (lab == 0 || s[i - 1] == '-')
				return 0;
			if (i + 1 == n)		/* a single trailing dot */
				break;
			lab = 0;
			digits_only = 1;
			continue;
		}
		if (!is_alnum((unsigned char)c) && c != '-')
			return 0;
		if (lab == 0 && c == '-')
			return 0;
		if (c < '0' || c > '9')
			digits_only = 0;
		if (++lab > 63)
			return 0;
	}
	if (s[n - 1] == '-')
		return 0;
	/* A numeric last label is a mistyped IPv4 address, not a name. */
	return !digits_only;
}

static int
node_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 64 || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!is_alnum((unsigned char)s[i]) &&
		    strchr("_.-+&", s[i]) == NULL)
			return 0;
	return 1;
}

static int
user_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 32 || s[0] == '-' || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (i = 0; i < n; i++)
		if (!is_alnum((unsigned char)s[i]) && strchr("._-", s[i]) == NULL)
			return 0;
	return 1;
}

static int
dir_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= sizeof(((struct bwk_options *)0)->passworddir) ||
	    s[0] != '/')
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/*
 * Checks value for option id and stores it in o. Prints BWK0811E at where
 * and returns -1 when the value is not valid.
 */
static int
set_value(struct bwk_options *o, int id, const char *value, const char *where)
{
	const struct optdef *d = &optdefs[id];
	const char *expect = NULL;
	char e[ECHO_LEN];
	long l;
	int v6;

	switch (d->type) {
	case T_SERVER:
		if (!server_ok(value)) {
			expect = "give a name of 1 to 64 letters, digits and "
			    ". _ : @ / + - that does not start with -";
			break;
		}
		strcpy(o->servername, value);
		break;
	case T_ADDRESS:
		if (!address_ok(value, &v6)) {
			expect = "give a DNS name, an IPv4 address a.b.c.d or "
			    "an IPv6 address without brackets, 1 to 64 "
			    "characters";
			break;
		}
		strcpy(o->address, value);
		break;
	case T_PORT:
		/* the seed stops at 32767; any TCP port is a port */
		if (bwk_parse_long(value, 1, 65535, &l) != 0) {
			expect = "give a port number from 1 to 65535";
			break;
		}
		if (id == O_TCPPORT) {
			snprintf(o->port, sizeof(o->port), "%ld", l);
			o->portnum = (int)l;
		} else {
			snprintf(o->adminport, sizeof(o->adminport), "%ld", l);
			o->adminportnum = (int)l;
		}
		break;
	case T_YESNO: {
		int yes = eq_nocase(value, "YES");

		if (!yes && !eq_nocase(value, "NO")) {
			expect = "give YES or NO";
			break;
		}
		switch (id) {
		case O_SSL:			o->ssl = yes; break;
		case O_SSLFIPSMODE:		o->fipsmode = yes; break;
		case O_SSLACCEPTCERTFROMSERV:	o->acceptcert = yes; break;
		case O_SSLDISABLELEGACYTLS:	o->disablelegacy = yes; break;
		case O_BWKSYSTEMCA:		o->systemca = yes; break;
		}
		break;
	}
	case T_SSLREQ:
		if (eq_nocase(value, "DEFAULT"))
			o->sslrequired = OPT_SSLREQ_DEFAULT;
		else if (eq_nocase(value, "YES"))
			o->sslrequired = OPT_SSLREQ_YES;
		else if (eq_nocase(value, "NO"))
			o->sslrequired = OPT_SSLREQ_NO;
		else if (eq_nocase(value, "SERVERONLY"))
			o->sslrequired = OPT_SSLREQ_SERVERONLY;
		else
			expect = "give DEFAULT, YES, NO or SERVERONLY";
		break;
	case T_COMM:
		if (eq_nocase(value, "TCPIP"))
			o->commmethod = OPT_COMM_TCPIP;
		else if (eq_nocase(value, "V6TCPIP"))
			o->commmethod = OPT_COMM_V6TCPIP;
		else
			expect = "give TCPIP or V6TCPIP (Bulwark speaks TCP only)";
		break;
	case T_NODE:
		if (!node_ok(value)) {
			expect = "give a node name of 1 to 64 letters, digits "
			    "and _ . - + &";
			break;
		}
		strcpy(o->nodename, value);
		break;
	case T_PWACCESS:
		if (eq_nocase(value, "PROMPT"))
			o->passwordaccess = OPT_PASSWORD_PROMPT;
		else if (eq_nocase(value, "GENERATE"))
			o->passwordaccess = OPT_PASSWORD_GENERATE;
		else
			expect = "give PROMPT or GENERATE";
		break;
	case T_DIR:
		if (!dir_ok(value)) {
			expect = "give the absolute path of the key-database "
			    "directory";
			break;
		}
		strcpy(o->passworddir, value);
		break;
	case T_FPR:
		if (bwk_fpr_parse(value, o->fingerprint) != 0) {
			expect = "give the server certificate's SHA-256 "
			    "fingerprint: 64 hex digits, with or without ':' "
			    "between the bytes";
			break;
		}
		o->has_fingerprint = 1;
		break;
	case T_USER:
		if (!user_ok(value)) {
			expect = "give a user name of 1 to 32 letters, digits "
			    "and . _ - that starts with a letter or _";
			break;
		}
		strcpy(o->sandbox_user, value);
		break;
	case T_SECONDS:
		/* COMMTIMEOUT as the seed's (1-65535); a handshake limit
		 * longer than 10 minutes would hide a dead server */
		if (bwk_parse_long(value, 1, id == O_COMMTIMEOUT ? 65535 : 600,
		    &l) != 0) {
			expect = id == O_COMMTIMEOUT ? "give a number of seconds "
			    "from 1 to 65535" : "give a number of seconds from 1 "
			    "to 600";
			break;
		}
		if (id == O_COMMTIMEOUT)
			o->commtimeout = (int)l;
		else
			o->handshaketimeout = (int)l;
		break;
	}
	if (expect == NULL)
		return 0;
	echo(value, strlen(value), e);
	return fail("BWK0811E", "%s: '%s' is not a valid value of %s; %s",
	    where, e, d->name, expect);
}

/* Copies the value of option id from src to dst. */
static void
copy_value(struct bwk_options *dst, const struct bwk_options *src, int id)
{
	switch (id) {
	case O_SERVERNAME:
	case O_DEFAULTSERVER:
		break;		/* the stanza's name is set by the caller */
	case O_COMMMETHOD:
		dst->commmethod = src->commmethod;
		break;
	case O_TCPSERVERADDRESS:
		memcpy(dst->address, src->address, sizeof(dst->address));
		break;
	case O_TCPPORT:
		memcpy(dst->port, src->port, sizeof(dst->port));
		dst->portnum = src->portnum;
		break;
	case O_TCPADMINPORT:
		memcpy(dst->adminport, src->adminport, sizeof(dst->adminport));
		dst->adminportnum = src->adminportnum;
		break;
	case O_SSL:
		dst->ssl = src->ssl;
		break;
	case O_SSLFIPSMODE:
		dst->fipsmode = src->fipsmode;
		break;
	case O_SSLACCEPTCERTFROMSERV:
		dst->acceptcert = src->acceptcert;
		break;
	case O_SSLDISABLELEGACYTLS:
		dst->disablelegacy = src->disablelegacy;
		break;
	case O_SSLREQUIRED:
		dst->sslrequired = src->sslrequired;
		break;
	case O_NODENAME:
		memcpy(dst->nodename, src->nodename, sizeof(dst->nodename));
		break;
	case O_PASSWORDACCESS:
		dst->passwordaccess = src->passwordaccess;
		break;
	case O_PASSWORDDIR:
		memcpy(dst->passworddir, src->passworddir,
		    sizeof(dst->passworddir));
		break;
	case O_BWKSERVERFINGERPRINT:
		dst->has_fingerprint = src->has_fingerprint;
		memcpy(dst->fingerprint, src->fingerprint,
		    sizeof(dst->fingerprint));
		break;
	case O_BWKSYSTEMCA:
		dst->systemca = src->systemca;
		break;
	case O_BWKSANDBOXUSER:
		memcpy(dst->sandbox_user, src->sandbox_user,
		    sizeof(dst->sandbox_user));
		break;
	case O_COMMTIMEOUT:
		dst->commtimeout = src->commtimeout;
		break;
	case O_BWKHANDSHAKETIMEOUT:
		dst->handshaketimeout = src->handshaketimeout;
		break;
	}
}

static void
merge(struct bwk_options *dst, const struct settings *src)
{
	int i;

	for (i = 0; i < O_COUNT; i++)
		if (src->set & (1u << i))
			copy_value(dst, &src->v, i);
}

static void
defaults(struct bwk_options *o)
{
	memset(o, 0, sizeof(*o));
	strcpy(o->port, "1500");
	o->portnum = 1500;
	o->acceptcert = 1;
	o->sslrequired = OPT_SSLREQ_DEFAULT;
	o->passwordaccess = OPT_PASSWORD_PROMPT;
	strcpy(o->sandbox_user, "nobody");
	o->commtimeout = 60;
	o->handshaketimeout = 15;
}

/* -option=value arguments into c->cli; -optfile=PATH into c->optfile. */
static int
parse_cli(struct ctx *c, int argc, char *const argv[])
{
	char where[WHERE_LEN], e[ECHO_LEN];
	const char *a, *eq;
	int i, id;

	for (i = 0; i < argc; i++) {
		if ((a = argv[i]) == NULL)
			break;
		echo(a, strlen(a), e);
		snprintf(where, sizeof(where), "command line, %s", e);
		if (a[0] != '-' || a[1] == '-' ||
		    (eq = strchr(a, '=')) == NULL || eq == a + 1)
			return fail("BWK0824E", "%s: options on the command "
			    "line are written -option=value, with no blanks "
			    "around '='", where);
		if ((size_t)(eq - a - 1) == 7 &&
		    prefix_nocase(a + 1, 7, "OPTFILE")) {
			if (c->has_optfile)
				return fail("BWK0812E", "%s: -optfile is given "
				    "twice; give it once", where);
			if (eq[1] == '\0' ||
			    strlen(eq + 1) >= sizeof(c->optfile))
				return fail("BWK0811E", "%s: '%s' is not a "
				    "valid value of OPTFILE; give the path of "
				    "a user options file", where, e);
			strcpy(c->optfile, eq + 1);
			c->has_optfile = 1;
			continue;
		}
		if ((id = lookup(where, a + 1, (size_t)(eq - a - 1))) < 0)
			return -1;
		if (optdefs[id].flags & F_TLS)
			return fail("BWK0822E", "%s: %s cannot be given on the "
			    "command line; put it in the server's stanza of "
			    "the system options file", where, optdefs[id].name);
		if (!(optdefs[id].flags & F_CLI))
			return fail("BWK0823E", "%s: %s cannot be given on the "
			    "command line; put it in the %s", where,
			    optdefs[id].name, id == O_DEFAULTSERVER ?
			    "system options file, before the first stanza" :
			    "server's stanza of the system options file");
		if (c->cli.set & (1u << id))
			return fail("BWK0812E", "%s: %s is given twice on the "
			    "command line; give it once", where,
			    optdefs[id].name);
		if (set_value(&c->cli.v, id, eq + 1, where) != 0)
			return -1;
		c->cli.set |= 1u << id;
		c->cli.line[id] = i + 1;
	}
	return 0;
}

/* The stanza name wanted: command line, user file, DEFAULTSERVER, none. */
static const char *
wanted(const struct ctx *c)
{
	if (c->cli.set & (1u << O_SERVERNAME))
		return c->cli.v.servername;
	if (c->user.set & (1u << O_SERVERNAME))
		return c->user.v.servername;
	if (c->defserver[0] != '\0')
		return c->defserver;
	return NULL;
}

/* The stanza that ends now: keep it when it is the one wanted. */
static void
end_stanza(struct ctx *c)
{
	const char *w = wanted(c);
	int i = c->nstanza - 1;

	if (i < 0 || c->found)
		return;
	if (w == NULL ? i == 0 : eq_nocase(c->stanza[i], w)) {
		c->chosen = c->scratch;
		c->found = 1;
		c->found_idx = i;
	}
}

/* One option line of a file: name and value found, at where. */
static int
apply_line(struct ctx *c, int kind, int lineno, const char *where,
    const char *name, size_t namelen, const char *value, int quoted)
{
	struct settings *s;
	int id, i;
	char e[ECHO_LEN];

	if (memchr(name, '=', namelen) != NULL) {
		echo(name, namelen, e);
		return fail("BWK0826E", "%s: '%s': in an options file the "
		    "option and its value are separated by blanks, not '='",
		    where, e);
	}
	if ((id = lookup(where, name, namelen)) < 0)
		return -1;
	if (quoted && (optdefs[id].flags & F_KEYWORD))
		return fail("BWK0809E", "%s: the value of %s must not be "
		    "quoted; write %s %s", where, optdefs[id].name,
		    optdefs[id].name, (echo(value, strlen(value), e), e));

	if (kind == KIND_USER) {
		if (id == O_DEFAULTSERVER)
			return fail("BWK0815E", "%s: DEFAULTSERVER belongs in "
			    "the system options file, before the first "
			    "SERVERNAME stanza; move it there", where);
		if (id != O_SERVERNAME)
			return fail("BWK0814E", "%s: %s is a connection option "
			    "and belongs in the server's stanza of the system "
			    "options file%s%s; move it into the stanza", where,
			    optdefs[id].name, c->have_sys ? " " : "",
			    c->have_sys ? c->sysname : "");
		s = &c->user;
		if (s->set & (1u << id))
			return fail("BWK0812E", "%s: SERVERNAME is given twice "
			    "in this file (first at line %d); keep one", where,
			    s->line[id]);
		if (set_value(&s->v, id, value, where) != 0)
			return -1;
		s->set |= 1u << id;
		s->line[id] = lineno;
		return 0;
	}

	if (id == O_SERVERNAME) {
		if (set_value(&c->name, id, value, where) != 0)
			return -1;
		for (i = 0; i < c->nstanza; i++)
			if (eq_nocase(c->stanza[i], value))
				return fail("BWK0816E", "%s: stanza %s is "
				    "already defined at line %d; server names "
				    "must differ (case is ignored)", where,
				    c->name.servername, c->stanza_line[i]);
		if (c->nstanza == OPT_MAX_STANZAS)
			return fail("BWK0817E", "%s: more than %d server "
			    "stanzas; split the servers among several system "
			    "options files", where, OPT_MAX_STANZAS);
		end_stanza(c);
		strcpy(c->stanza[c->nstanza], c->name.servername);
		c->stanza_line[c->nstanza++] = lineno;
		memset(&c->scratch, 0, sizeof(c->scratch));
		return 0;
	}
	if (id == O_DEFAULTSERVER) {
		if (c->nstanza > 0)
			return fail("BWK0815E", "%s: DEFAULTSERVER must come "
			    "before the first SERVERNAME stanza (line %d); "
			    "move it up", where, c->stanza_line[0]);
		if (c->defserver_line != 0)
			return fail("BWK0812E", "%s: DEFAULTSERVER is given "
			    "twice (first at line %d); keep one", where,
			    c->defserver_line);
		if (set_value(&c->name, id, value, where) != 0)
			return -1;
		strcpy(c->defserver, c->name.servername);
		c->defserver_line = lineno;
		return 0;
	}
	if (c->nstanza == 0)
		return fail("BWK0813E", "%s: %s is outside any server stanza; "
		    "put it after a SERVERNAME line", where, optdefs[id].name);
	s = &c->scratch;
	if (s->set & (1u << id))
		return fail("BWK0812E", "%s: %s is given twice in stanza %s "
		    "(first at line %d); keep one", where, optdefs[id].name,
		    c->stanza[c->nstanza - 1], s->line[id]);
	if (set_value(&s->v, id, value, where) != 0)
		return -1;
	s->set |= 1u << id;
	s->line[id] = lineno;
	return 0;
}

/* Splits one line (NUL-terminated, checked for control bytes). */
static int
parse_line(struct ctx *c, int kind, int lineno, const char *where, char *p)
{
	const char *name, *value;
	size_t namelen;
	int quoted = 0;
	char q, e[ECHO_LEN];

	while (blank(*p))
		p++;
	/*
	 * `*` starts a comment line, as in IBM's samples; `#` lines are
	 * treated as comments too, for convenience. Comments after an
	 * option on the same line are not supported (trailing text).
	 */
	if (*p == '\0' || *p == '*' || *p == '#')
		return 0;
	name = p;
	while (*p != '\0' && !blank(*p))
		p++;
	namelen = (size_t)(p - name);
	while (blank(*p))
		*p++ = '\0';
	if (*p == '\0') {
		if (memchr(name, '=', namelen) != NULL)
			return apply_line(c, kind, lineno, where, name,
			    namelen, "", 0);
		echo(name, namelen, e);
		return fail("BWK0807E", "%s: %s needs a value; write the "
		    "option name, blanks, then the value", where, e);
	}
	if (*p == '"' || *p == '\'') {
		q = *p++;
		value = p;
		while (*p != '\0' && *p != q)
			p++;
		if (*p == '\0')
			return fail("BWK0810E", "%s: the quote %c before the "
			    "value is not closed; end the value with %c",
			    where, q, q);
		*p++ = '\0';
		quoted = 1;
	} else {
		value = p;
		while (*p != '\0' && !blank(*p))
			p++;
	}
	if (*p != '\0' && !blank(*p)) {
		echo(p, strlen(p), e);
		return fail("BWK0808E", "%s: unexpected text '%s' after the "
		    "closing quote; put blanks after the value, nothing else",
		    where, e);
	}
	if (*p != '\0')
		*p++ = '\0';
	while (blank(*p))
		p++;
	if (*p != '\0') {
		echo(p, strlen(p), e);
		return fail("BWK0808E", "%s: unexpected text '%s' after the "
		    "value; quote a value that contains blanks, and put "
		    "comments on their own line starting with '*'", where, e);
	}
	return apply_line(c, kind, lineno, where, name, namelen, value,
	    quoted);
}

static int
parse_file(struct ctx *c, int kind, const char *sname, const char *buf,
    size_t len)
{
	char line[OPT_MAX_LINE + 1], where[WHERE_LEN];
	const char *p = buf, *end = buf + len, *nl;
	size_t n, i;
	int lineno = 0;

	if (len > OPT_MAX_FILE)
		return fail("BWK0802E", "%s: larger than %d KiB; an options "
		    "file holds a few lines of text: check that this is the "
		    "right file", sname, OPT_MAX_FILE / 1024);
	/* A UTF-8 byte order mark, as some editors write, is skipped. */
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end) {
		lineno++;
		snprintf(where, sizeof(where), "%s:%d", sname, lineno);
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl != NULL ? nl : end) - p);
		if (n > 0 && p[n - 1] == '\r')	/* CRLF line ends */
			n--;
		if (n > OPT_MAX_LINE)
			return fail("BWK0803E", "%s: the line is longer than "
			    "%d characters; shorten it", where, OPT_MAX_LINE);
		for (i = 0; i < n; i++) {
			unsigned char b = (unsigned char)p[i];

			if ((b < 0x20 && b != '\t') || b == 0x7f)
				return fail("BWK0818E", "%s: the line contains "
				    "a control character (byte 0x%02X); an "
				    "options file is plain text", where, b);
		}
		memcpy(line, p, n);
		line[n] = '\0';
		if (parse_line(c, kind, lineno, where, line) != 0)
			return -1;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return 0;
}

/* The list of stanza names for a "no such stanza" message. */
static void
stanza_list(const struct ctx *c, char *out, size_t outlen)
{
	size_t o = 0;
	int i, r;

	out[0] = '\0';
	for (i = 0; i < c->nstanza; i++) {
		r = snprintf(out + o, outlen - o, "%s%s", i ? ", " : "",
		    c->stanza[i]);
		if (r < 0 || (size_t)r >= outlen - o) {
			if (outlen > 4)
				strcpy(out + outlen - 4, "...");
			return;
		}
		o += (size_t)r;
	}
}

static const char *const sslreq_names[] = {
	[OPT_SSLREQ_DEFAULT] = "DEFAULT",
	[OPT_SSLREQ_YES] = "YES",
	[OPT_SSLREQ_NO] = "NO",
	[OPT_SSLREQ_SERVERONLY] = "SERVERONLY",
};

/* Picks the stanza, merges, checks the result, writes *out. */
static int
finish(struct ctx *c, struct bwk_options *out)
{
	struct bwk_options *r = &c->scratch.v;	/* the stanza parse is over */
	const struct settings *st = &c->chosen;
	const char *w = wanted(c), *sname = c->sysname;
	char list[300], e[ECHO_LEN], where[WHERE_LEN];
	int v6, id;

	if (c->have_sys && !c->found) {
		if (c->nstanza == 0)
			return fail("BWK0827E", "%s: there is no server stanza; "
			    "begin one with a line SERVERNAME name", sname);
		stanza_list(c, list, sizeof(list));
		if (c->cli.set & (1u << O_SERVERNAME))
			return fail("BWK0819E", "command line, -servername=%s: "
			    "%s has no stanza of that name; its stanzas are: "
			    "%s", w, sname, list);
		if (c->user.set & (1u << O_SERVERNAME))
			return fail("BWK0819E", "%s:%d: SERVERNAME %s: %s has "
			    "no stanza of that name; its stanzas are: %s",
			    c->username, c->user.line[O_SERVERNAME], w, sname,
			    list);
		return fail("BWK0819E", "%s:%d: DEFAULTSERVER %s: there is "
		    "no stanza of that name; the stanzas are: %s", sname,
		    c->defserver_line, w, list);
	}
	if (!c->have_sys && w == NULL)
		return fail("BWK0821E", "no server is chosen: give "
		    "-servername=NAME and -tcpserveraddress=HOST, or a system "
		    "options file with a SERVERNAME stanza");

	defaults(r);
	if (c->found) {
		merge(r, st);
		strcpy(r->servername, c->stanza[c->found_idx]);
	} else {
		strcpy(r->servername, w);
	}
	merge(r, &c->cli);
	if (!(st->set & (1u << O_TCPADMINPORT))) {
		memcpy(r->adminport, r->port, sizeof(r->port));
		r->adminportnum = r->portnum;
	}

	if (r->address[0] == '\0') {
		if (c->found)
			return fail("BWK0820E", "%s:%d: stanza %s has no "
			    "TCPSERVERADDRESS; add a line TCPSERVERADDRESS "
			    "host to it, or give -tcpserveraddress=HOST", sname,
			    c->stanza_line[c->found_idx], r->servername);
		return fail("BWK0820E", "server %s has no TCPSERVERADDRESS; "
		    "give -tcpserveraddress=HOST, or a system options file "
		    "with its stanza", r->servername);
	}
	if (r->commmethod == OPT_COMM_TCPIP && address_ok(r->address, &v6) &&
	    v6) {
		echo(r->address, strlen(r->address), e);
		return fail("BWK0825E", "%s:%d: COMMMETHOD TCPIP is IPv4 only "
		    "but the address of %s is the IPv6 address %s; write "
		    "COMMMETHOD V6TCPIP", sname, st->line[O_COMMMETHOD],
		    r->servername, e);
	}

	/* What Bulwark does instead, for settings it does not follow. */
	for (id = 0; id < O_COUNT; id++) {
		if (!(st->set & (1u << id)))
			continue;
		snprintf(where, sizeof(where), "%s:%d", sname, st->line[id]);
		if (id == O_SSL && !r->ssl)
			add_note(r, "%s: SSL NO: Bulwark always uses TLS 1.2 "
			    "and encrypts the whole session, object data "
			    "included", where);
		else if (id == O_SSLFIPSMODE && !r->fipsmode)
			add_note(r, "%s: SSLFIPSMODE NO: Bulwark always applies "
			    "its FIPS-oriented TLS policy (FIPS-approved "
			    "suites, curves and key sizes); it is never "
			    "weakened", where);
		else if (id == O_SSLDISABLELEGACYTLS && !r->disablelegacy)
			add_note(r, "%s: SSLDISABLELEGACYTLS NO: Bulwark speaks "
			    "TLS 1.2 only; older versions are never offered "
			    "or accepted", where);
		else if (id == O_SSLREQUIRED)
			add_note(r, "%s: SSLREQUIRED %s does not apply: Bulwark "
			    "always requires TLS", where,
			    sslreq_names[r->sslrequired]);
	}
	memcpy(out, r, sizeof(*out));
	return 0;
}

static int
load(struct ctx *c, const char *sysname, const char *sys, size_t syslen,
    const char *username, const char *user, size_t userlen,
    struct bwk_options *out)
{
	bwk_sanitize(sysname != NULL ? sysname : "system options file",
	    c->sysname, sizeof(c->sysname));
	bwk_sanitize(username != NULL ? username : "user options file",
	    c->username, sizeof(c->username));
	c->have_sys = sys != NULL;
	if (user != NULL &&
	    parse_file(c, KIND_USER, c->username, user, userlen) != 0)
		return -1;
	if (sys != NULL) {
		if (parse_file(c, KIND_SYSTEM, c->sysname, sys, syslen) != 0)
			return -1;
		end_stanza(c);
	}
	return finish(c, out);
}

static struct ctx *
ctx_new(void)
{
	struct ctx *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		fail("BWK0828E", "out of memory reading the options");
	return c;
}

static void
ctx_free(struct ctx *c)
{
	if (c == NULL)
		return;
	memset(c, 0, sizeof(*c));
	free(c);
}

int
options_load_buffers(const char *sysname, const char *sys, size_t syslen,
    const char *username, const char *user, size_t userlen, int argc,
    char *const argv[], struct bwk_options *out)
{
	struct ctx *c;
	int r = -1;

	if ((c = ctx_new()) == NULL)
		return -1;
	if (parse_cli(c, argc, argv) == 0)
		r = load(c, sysname, sys, syslen, username, user, userlen,
		    out);
	ctx_free(c);
	return r;
}

/* A whole options file; only regular files (not FIFOs, devices, dirs). */
static int
read_options_file(const char *path, uint8_t **buf, size_t *len)
{
	struct stat st;
	char s[1024];
	int fd, save;

	bwk_sanitize(path, s, sizeof(s));
	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK)) == -1)
		return fail("BWK0800E", "%s: cannot open the options file: %s",
		    s, strerror(errno));
	if (fstat(fd, &st) == -1) {
		save = errno;
		close(fd);
		return fail("BWK0800E", "%s: cannot read the options file: %s",
		    s, strerror(save));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return fail("BWK0801E", "%s: not a regular file; name an "
		    "options file", s);
	}
	if (bwk_read_fd(fd, OPT_MAX_FILE, buf, len) != 0) {
		save = errno;
		close(fd);
		if (save == EFBIG)
			return fail("BWK0802E", "%s: larger than %d KiB; an "
			    "options file holds a few lines of text: check "
			    "that this is the right file", s,
			    OPT_MAX_FILE / 1024);
		return fail("BWK0800E", "%s: cannot read the options file: %s",
		    s, strerror(save));
	}
	close(fd);
	return 0;
}

int
options_load(const char *sysfile, const char *userfile, int argc,
    char *const argv[], struct bwk_options *out)
{
	struct ctx *c;
	uint8_t *sys = NULL, *user = NULL;
	size_t syslen = 0, userlen = 0;
	int r = -1;

	if ((c = ctx_new()) == NULL)
		return -1;
	if (parse_cli(c, argc, argv) != 0)
		goto done;
	if (c->has_optfile)
		userfile = c->optfile;
	if (sysfile != NULL &&
	    read_options_file(sysfile, &sys, &syslen) != 0)
		goto done;
	if (userfile != NULL &&
	    read_options_file(userfile, &user, &userlen) != 0)
		goto done;
	r = load(c, sysfile, sys != NULL ? (const char *)sys : NULL, syslen,
	    userfile, user != NULL ? (const char *)user : NULL, userlen, out);
done:
	free(sys);
	free(user);
	ctx_free(c);
	return r;
}
