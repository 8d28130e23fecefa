/*
 * The values of the options: each is checked before it is stored, and a
 * value that is not valid is one BWK0811E message (BWK0829E for a value
 * Bulwark refuses) that says what is expected. The text is untrusted:
 * what is echoed in a message is cut and sanitized.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/msg.h"
#include "../lib/names.h"
#include "../lib/util.h"
#include "../files/inclexcl.h"
#include "options_int.h"

#define ECHO_LEN	96

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

static int
upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* ASCII case-insensitive, whatever the locale. */
int
opt_eq_nocase(const char *a, const char *b)
{
	while (*a != '\0' && upper((unsigned char)*a) ==
	    upper((unsigned char)*b)) {
		a++;
		b++;
	}
	return *a == '\0' && *b == '\0';
}

static int
is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* A bounded, terminal-safe copy of untrusted text for messages. */
static void
echo(const char *s, char out[ECHO_LEN])
{
	char tmp[ECHO_LEN];

	snprintf(tmp, sizeof(tmp), "%s", s);
	bwk_sanitize(tmp, out, ECHO_LEN);
}

/*
 * A stanza name is the server's label in the key database, so it follows
 * bulwark-cert's rule for -server: no '/', '@' or '+' (those mark bundle
 * members and secret entries).
 */
int
opt_server_ok(const char *s)
{
	return strlen(s) <= 64 && kdb_name_ok(s);
}

/* IPv4 dotted quad, IPv6 literal, or a DNS name of letter-digit-hyphen labels. */
int
opt_address_ok(const char *s, int *v6)
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

int
opt_node_ok(const char *s)
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

int
opt_user_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 32 || s[0] == '-' || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (i = 0; i < n; i++)
		if (!is_alnum((unsigned char)s[i]) && strchr("._-", s[i]) == NULL)
			return 0;
	return 1;
}

/* An absolute path without control characters, shorter than max. */
static int
path_ok(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= max || s[0] != '/')
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

int
opt_dir_ok(const char *s)
{
	return path_ok(s, sizeof(((struct bwk_options *)0)->passworddir));
}

const char *
opt_list_next(const struct opt_list *l, const char *prev)
{
	const char *p = prev == NULL ? l->text : prev + strlen(prev) + 1;

	return p < l->text + l->used ? p : NULL;
}

static int
list_add(struct opt_list *l, const char *s)
{
	size_t n = strlen(s) + 1;

	if (n > sizeof(l->text) - l->used)
		return -1;
	memcpy(l->text + l->used, s, n);
	l->used += n;
	return 0;
}

/* One of the keywords "A|B|C", as its index, or -1. */
static int
keyword(const char *kw, const char *v)
{
	char one[32];
	const char *p = kw, *bar;
	int i = 0;
	size_t n;

	for (;; i++) {
		bar = strchr(p, '|');
		n = bar != NULL ? (size_t)(bar - p) : strlen(p);
		if (n < sizeof(one)) {
			memcpy(one, p, n);
			one[n] = '\0';
			if (opt_eq_nocase(one, v))
				return i;
		}
		if (bar == NULL)
			return -1;
		p = bar + 1;
	}
}

/* "give one of A, B or C" for the keywords "A|B|C". */
static void
keyword_expect(const char *kw, char *out, size_t outlen)
{
	const char *last = strrchr(kw, '|');
	size_t o = 0;
	const char *p;

	o += (size_t)snprintf(out, outlen, "give ");
	for (p = kw; *p != '\0' && o + 5 < outlen; p++) {
		if (*p != '|')
			out[o++] = *p;
		else if (p == last)
			o += (size_t)snprintf(out + o, outlen - o, " or ");
		else
			o += (size_t)snprintf(out + o, outlen - o, ", ");
	}
	out[o < outlen ? o : outlen - 1] = '\0';
}

/* TXNBYTELIMIT: KB, or a number with K, M or G; 300 KB to 32 GB. */
static int
bytes_kb(const char *s, long *kb)
{
	char num[16];
	size_t n = strlen(s);
	long mult = 1, v;

	if (n > 0 && strchr("kKmMgG", s[n - 1]) != NULL) {
		mult = upper((unsigned char)s[n - 1]) == 'K' ? 1 :
		    upper((unsigned char)s[n - 1]) == 'M' ? 1024 : 1024 * 1024;
		n--;
	}
	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, s, n);
	num[n] = '\0';
	if (bwk_parse_long(num, 0, 33554432L / mult, &v) != 0 ||
	    v * mult < 300)
		return -1;
	*kb = v * mult;
	return 0;
}

/*
 * DOMAIN: ALL-LOCAL and the like, or a file system, which '-' leaves
 * out; as with the old client, '-' cannot stand before an ALL- keyword.
 */
static int
domain_ok(const char *s)
{
	static const char *const all[] = { "ALL-LOCAL", "ALL-NFS",
	    "ALL-AUTO-NFS", "ALL-LOFS", "ALL-AUTO-LOFS" };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (opt_eq_nocase(s, all[i]))
			return 1;
	return path_ok(s[0] == '-' ? s + 1 : s, OPT_PATH_MAX);
}

static int
set_domain(struct bwk_options *o, char *const w[], size_t nw,
    const char *where)
{
	char e[ECHO_LEN];
	size_t i;

	for (i = 0; i < nw; i++) {
		if (!domain_ok(w[i])) {
			echo(w[i], e);
			return fail("BWK0811E", "%s: '%s' is not a valid value of "
			    "DOMAIN; give ALL-LOCAL, ALL-NFS, ALL-AUTO-NFS, "
			    "ALL-LOFS, ALL-AUTO-LOFS or the absolute path of "
			    "a file system, a path with '-' before it to "
			    "leave it out", where, e);
		}
		if (list_add(&o->domain, w[i]) == -1)
			return fail("BWK0836E", "%s: DOMAIN lists more than "
			    "%d KiB of file systems; shorten the list", where,
			    OPT_LIST_TEXT / 1024);
		o->domain.n++;
	}
	return 0;
}

/* The statement an include or exclude option stores, or NULL (noted). */
static const char *
rule_kind(int id)
{
	switch (id) {
	case O_INCLUDE: case O_INCLUDE_BACKUP: case O_INCLUDE_FILE:
		return "INCLUDE";
	case O_EXCLUDE: case O_EXCLUDE_BACKUP: case O_EXCLUDE_FILE:
		return "EXCLUDE";
	case O_EXCLUDE_DIR:
		return "EXCLUDE.DIR";
	case O_EXCLUDE_FS:
		return "EXCLUDE.FS";
	}
	return NULL;
}

/*
 * An include or exclude statement: its pattern in the grammar the file
 * side matches (ie_pattern_ok, src/files/inclexcl.h), the one an INCLEXCL
 * file's statements are read with too.
 */
static int
set_rule(struct bwk_options *o, int id, char *const w[], size_t nw,
    const char *where)
{
	const char *name = opt_defs[id].name, *kind = rule_kind(id);
	int classes = strncmp(name, "INCLUDE", 7) == 0 &&
	    id != O_INCLUDE_COMPRESSION && id != O_INCLUDE_DEDUP;
	char e[ECHO_LEN];

	if (nw > (classes ? 2u : 1u))
		return fail("BWK0811E", "%s: %s takes %s; quote a pattern "
		    "that contains blanks", where, name, classes ?
		    "a pattern and at most a management class" :
		    "one pattern");
	if (!ie_pattern_ok(w[0])) {
		echo(w[0], e);
		return fail("BWK0811E", "%s: '%s' is not a valid pattern of %s; "
		    "give an absolute path, with * and ? within a name, "
		    "[...] closed within its name, and ... alone as a whole "
		    "directory level, not the last", where, e, name);
	}
	if (nw == 2 && !ie_class_ok(w[1])) {
		echo(w[1], e);
		return fail("BWK0811E", "%s: '%s' is not a valid management "
		    "class; give 1 to %d letters, digits and _ - .", where, e,
		    IE_CLASS_MAX);
	}
	if (kind == NULL)
		return 0;
	if (list_add(&o->rules, kind) == -1 || list_add(&o->rules, w[0]) == -1 ||
	    list_add(&o->rules, nw == 2 ? w[1] : "") == -1)
		return fail("BWK0836E", "%s: the include and exclude statements "
		    "hold more than %d KiB of patterns; shorten them", where,
		    OPT_LIST_TEXT / 1024);
	o->rules.n++;
	return 0;
}

/* ERRORLOGRETENTION, SCHEDLOGRETENTION: N or days, then D or S. */
static int
retention_ok(char *const w[], size_t nw)
{
	long l;

	if (nw < 1 || nw > 2)
		return 0;
	if (!opt_eq_nocase(w[0], "N") && bwk_parse_long(w[0], 0, 9999, &l) != 0)
		return 0;
	return nw == 1 || opt_eq_nocase(w[1], "D") || opt_eq_nocase(w[1], "S");
}

static int
ports_ok(char *const w[], size_t nw)
{
	long l;

	return nw == 2 && bwk_parse_long(w[0], 0, 65535, &l) == 0 &&
	    bwk_parse_long(w[1], 0, 65535, &l) == 0;
}

static int
keywords_ok(const char *kw, char *const w[], size_t nw)
{
	size_t i;

	for (i = 0; i < nw; i++)
		if (keyword(kw, w[i]) < 0)
			return 0;
	return nw > 0;
}

static void
set_yesno(struct bwk_options *o, int id, int yes)
{
	switch (id) {
	case O_SSL:			o->ssl = yes; break;
	case O_SSLFIPSMODE:		o->fipsmode = yes; break;
	case O_SSLACCEPTCERTFROMSERV:	o->acceptcert = yes; break;
	case O_SSLDISABLELEGACYTLS:	o->disablelegacy = yes; break;
	case O_BWKSYSTEMCA:		o->systemca = yes; break;
	case O_SUBDIR:			o->subdir = yes; break;
	case O_COMPRESSION:		o->compression = yes; break;
	}
}

static void
set_path(struct bwk_options *o, int id, const char *v)
{
	char *dst = id == O_INCLEXCL ? o->inclexcl : id == O_ERRORLOGNAME ?
	    o->errorlogname : id == O_SCHEDLOGNAME ? o->schedlogname : NULL;

	if (dst != NULL)
		snprintf(dst, OPT_PATH_MAX, "%s", v);
	/* the file's statements take this line's place among the rules */
	if (id == O_INCLEXCL)
		o->inclexcl_at = o->rules.n;
}

/* The connection values; NULL, or what is expected instead. */
static const char *
set_connection(struct bwk_options *o, int id, const char *v)
{
	long l;
	int v6;

	switch (opt_defs[id].type) {
	case T_SERVER:
		if (!opt_server_ok(v))
			return "give a name of 1 to 64 letters, digits and "
			    ". _ : - that does not start with -";
		strcpy(o->servername, v);
		return NULL;
	case T_ADDRESS:
		if (!opt_address_ok(v, &v6))
			return "give a DNS name, an IPv4 address a.b.c.d or "
			    "an IPv6 address without brackets, 1 to 64 "
			    "characters";
		if (id == O_TCPSERVERADDRESS)
			strcpy(o->address, v);
		return NULL;
	case T_PORT:
		/* the seed stops at 32767; any TCP port is a port */
		if (bwk_parse_long(v, 1, 65535, &l) != 0)
			return "give a port number from 1 to 65535";
		if (id == O_TCPPORT) {
			snprintf(o->port, sizeof(o->port), "%ld", l);
			o->portnum = (int)l;
		} else if (id == O_TCPADMINPORT) {
			snprintf(o->adminport, sizeof(o->adminport), "%ld", l);
			o->adminportnum = (int)l;
		}
		return NULL;
	case T_COMM:
		if (opt_eq_nocase(v, "TCPIP"))
			o->commmethod = OPT_COMM_TCPIP;
		else if (opt_eq_nocase(v, "V6TCPIP"))
			o->commmethod = OPT_COMM_V6TCPIP;
		else
			return "give TCPIP or V6TCPIP (Bulwark speaks TCP only)";
		return NULL;
	case T_NODE:
		if (!opt_node_ok(v))
			return "give a node name of 1 to 64 letters, digits "
			    "and _ . - + &";
		if (id == O_NODENAME)
			strcpy(o->nodename, v);
		return NULL;
	}
	return "";
}

/* The TLS and Bulwark values; NULL, or what is expected instead. */
static const char *
set_security(struct bwk_options *o, int id, const char *v)
{
	switch (opt_defs[id].type) {
	case T_SSLREQ:
		if (opt_eq_nocase(v, "DEFAULT"))
			o->sslrequired = OPT_SSLREQ_DEFAULT;
		else if (opt_eq_nocase(v, "YES"))
			o->sslrequired = OPT_SSLREQ_YES;
		else if (opt_eq_nocase(v, "NO"))
			o->sslrequired = OPT_SSLREQ_NO;
		else if (opt_eq_nocase(v, "SERVERONLY"))
			o->sslrequired = OPT_SSLREQ_SERVERONLY;
		else
			return "give DEFAULT, YES, NO or SERVERONLY";
		return NULL;
	case T_PWACCESS:
		if (opt_eq_nocase(v, "PROMPT"))
			o->passwordaccess = OPT_PASSWORD_PROMPT;
		else if (opt_eq_nocase(v, "GENERATE"))
			o->passwordaccess = OPT_PASSWORD_GENERATE;
		else
			return "give PROMPT or GENERATE";
		return NULL;
	case T_DIR:
		if (!opt_dir_ok(v))
			return "give the absolute path of the key-database "
			    "directory";
		strcpy(o->passworddir, v);
		return NULL;
	case T_FPR:
		if (bwk_fpr_parse(v, o->fingerprint) != 0)
			return "give the server certificate's SHA-256 "
			    "fingerprint: 64 hex digits, with or without ':' "
			    "between the bytes";
		o->has_fingerprint = 1;
		return NULL;
	case T_USER:
		if (!opt_user_ok(v))
			return "give a user name of 1 to 32 letters, digits "
			    "and . _ - that starts with a letter or _";
		strcpy(o->sandbox_user, v);
		return NULL;
	}
	return "";
}

/* One value of a simple type; NULL, or what is expected instead. */
static const char *
set_simple(struct bwk_options *o, int id, const char *v, char *buf,
    size_t buflen)
{
	const struct optdef *d = &opt_defs[id];
	const char *expect;
	long l;

	switch (d->type) {
	case T_YESNO:
		if (!opt_eq_nocase(v, "YES") && !opt_eq_nocase(v, "NO"))
			return "give YES or NO";
		set_yesno(o, id, opt_eq_nocase(v, "YES"));
		return NULL;
	case T_SECONDS:
	case T_NUMBER:
		if (bwk_parse_long(v, d->lo, d->hi, &l) != 0) {
			snprintf(buf, buflen, "give a number %sfrom %ld to %ld",
			    d->type == T_SECONDS ? "of seconds " : "", d->lo,
			    d->hi);
			return buf;
		}
		if (id == O_COMMTIMEOUT)
			o->commtimeout = (int)l;
		else if (id == O_BWKHANDSHAKETIMEOUT)
			o->handshaketimeout = (int)l;
		return NULL;
	case T_KEYWORD:
		if (keyword(d->keywords, v) >= 0)
			return NULL;
		keyword_expect(d->keywords, buf, buflen);
		return buf;
	case T_PATH:
		if (!path_ok(v, OPT_PATH_MAX))
			return "give an absolute file name";
		set_path(o, id, v);
		return NULL;
	case T_BYTES:
		if (bytes_kb(v, &l) != 0)
			return "give a number of KB from 300 to 33554432, or "
			    "a number followed by K, M or G, up to 32G";
		o->txnbytelimit = l;
		return NULL;
	case T_TEXT:
		return NULL;
	}
	if ((expect = set_connection(o, id, v)) == NULL || *expect != '\0')
		return expect;
	return set_security(o, id, v);
}

/* A value Bulwark refuses though the old client takes it; 0 if none. */
static int
refused_value(int id, const char *v, const char *where)
{
	char e[ECHO_LEN];

	if (id != O_SSLREVOCATION || opt_eq_nocase(v, "NONE"))
		return 0;
	echo(v, e);
	return fail("BWK0829E", "%s: SSLREVOCATION %s is refused: Bulwark "
	    "checks no revocation in sessions and would trust a revoked "
	    "certificate that the old client refused; remove the line (or "
	    "write NONE), and withdraw a certificate with bulwark-cert "
	    "-delete or -replace", where, e);
}

static int
bad_value(const struct optdef *d, const char *v, const char *where,
    const char *expect)
{
	char e[ECHO_LEN];

	echo(v, e);
	return fail("BWK0811E", "%s: '%s' is not a valid value of %s; %s",
	    where, e, d->name, expect);
}

int
opt_set_value(struct bwk_options *o, int id, char *const w[], size_t nw,
    const char *where)
{
	const struct optdef *d = &opt_defs[id];
	const char *expect;
	char buf[160];

	switch (d->type) {
	case T_NONE:
		return 0;	/* the caller refused a value */
	case T_DOMAIN:
		return set_domain(o, w, nw, where);
	case T_RULE:
		return set_rule(o, id, w, nw, where);
	case T_RETENTION:
		return retention_ok(w, nw) ? 0 : bad_value(d, w[0], where,
		    "give N (keep every entry) or a number of days from 0 to "
		    "9999, then optionally D (delete) or S (save)");
	case T_PORTS:
		return ports_ok(w, nw) ? 0 : bad_value(d, w[0], where,
		    "give two port numbers from 0 to 65535 (0: any)");
	case T_KEYWORDS:
		if (keywords_ok(d->keywords, w, nw))
			return 0;
		keyword_expect(d->keywords, buf, sizeof(buf));
		strncat(buf, ", blank-separated", sizeof(buf) - strlen(buf) - 1);
		return bad_value(d, w[0], where, buf);
	}
	if (refused_value(id, w[0], where) != 0)
		return -1;
	if ((expect = set_simple(o, id, w[0], buf, sizeof(buf))) != NULL)
		return bad_value(d, w[0], where, expect);
	return 0;
}

void
opt_copy_value(struct bwk_options *dst, const struct bwk_options *src, int id)
{
	switch (id) {
	case O_COMMMETHOD:	dst->commmethod = src->commmethod; break;
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
	case O_SSL:		dst->ssl = src->ssl; break;
	case O_SSLFIPSMODE:	dst->fipsmode = src->fipsmode; break;
	case O_SSLACCEPTCERTFROMSERV: dst->acceptcert = src->acceptcert; break;
	case O_SSLDISABLELEGACYTLS: dst->disablelegacy = src->disablelegacy; break;
	case O_SSLREQUIRED:	dst->sslrequired = src->sslrequired; break;
	case O_NODENAME:
		memcpy(dst->nodename, src->nodename, sizeof(dst->nodename));
		break;
	case O_PASSWORDACCESS:	dst->passwordaccess = src->passwordaccess; break;
	case O_PASSWORDDIR:
		memcpy(dst->passworddir, src->passworddir,
		    sizeof(dst->passworddir));
		break;
	case O_COMMTIMEOUT:	dst->commtimeout = src->commtimeout; break;
	case O_DOMAIN:
		/* the places' entries add up (finish() checks the size) */
		if (src->domain.used <= sizeof(dst->domain.text) -
		    dst->domain.used) {
			memcpy(dst->domain.text + dst->domain.used,
			    src->domain.text, src->domain.used);
			dst->domain.used += src->domain.used;
			dst->domain.n += src->domain.n;
		}
		break;
	case O_SUBDIR:		dst->subdir = src->subdir; break;
	case O_INCLEXCL:
		memcpy(dst->inclexcl, src->inclexcl, sizeof(dst->inclexcl));
		dst->inclexcl_at = src->inclexcl_at;
		break;
	case O_INCLUDE: case O_INCLUDE_BACKUP: case O_INCLUDE_FILE:
	case O_EXCLUDE: case O_EXCLUDE_BACKUP: case O_EXCLUDE_FILE:
	case O_EXCLUDE_DIR: case O_EXCLUDE_FS:
		dst->rules = src->rules;	/* one list, in the file's order */
		memcpy(dst->rule_line, src->rule_line, src->rules.n *
		    sizeof(dst->rule_line[0]));
		break;
	case O_ERRORLOGNAME:
		memcpy(dst->errorlogname, src->errorlogname,
		    sizeof(dst->errorlogname));
		break;
	case O_SCHEDLOGNAME:
		memcpy(dst->schedlogname, src->schedlogname,
		    sizeof(dst->schedlogname));
		break;
	case O_COMPRESSION:	dst->compression = src->compression; break;
	case O_TXNBYTELIMIT:	dst->txnbytelimit = src->txnbytelimit; break;
	case O_BWKSERVERFINGERPRINT:
		dst->has_fingerprint = src->has_fingerprint;
		memcpy(dst->fingerprint, src->fingerprint,
		    sizeof(dst->fingerprint));
		break;
	case O_BWKSYSTEMCA:	dst->systemca = src->systemca; break;
	case O_BWKSANDBOXUSER:
		memcpy(dst->sandbox_user, src->sandbox_user,
		    sizeof(dst->sandbox_user));
		break;
	case O_BWKHANDSHAKETIMEOUT:
		dst->handshaketimeout = src->handshaketimeout;
		break;
	}
}

/* The value of a YES/NO option that notes NO; 1 for the others. */
static int
yes_value(const struct bwk_options *o, int id)
{
	switch (id) {
	case O_SSL:			return o->ssl;
	case O_SSLFIPSMODE:		return o->fipsmode;
	case O_SSLDISABLELEGACYTLS:	return o->disablelegacy;
	}
	return 1;
}

int
opt_note_group(const struct bwk_options *o, int id)
{
	const struct optdef *d = &opt_defs[id];

	if (d->use == USE_NOTED || (d->flags & F_NOTE_ANY) ||
	    ((d->flags & F_NOTE_NO) && !yes_value(o, id)))
		return d->group;
	return G_NONE;
}

const char *
opt_note_value(const struct bwk_options *o, int id)
{
	static const char *const sslreq[] = {
		[OPT_SSLREQ_DEFAULT] = "DEFAULT", [OPT_SSLREQ_YES] = "YES",
		[OPT_SSLREQ_NO] = "NO", [OPT_SSLREQ_SERVERONLY] = "SERVERONLY",
	};

	if (opt_defs[id].flags & F_NOTE_NO)
		return "NO";
	if (id == O_SSLREQUIRED)
		return sslreq[o->sslrequired];
	return NULL;
}
