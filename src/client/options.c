/*
 * The client's options files in the dsm.opt/dsm.sys format, and the
 * -option=value command line. See options.h for the rules; the options
 * themselves are in options_table.c, their values in options_value.c.
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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/msg.h"
#include "../lib/util.h"
#include "options_int.h"

#define MAX_WORDS	64	/* values on one line */

/* Values given in one place (a stanza, the user file, the command line). */
struct settings {
	unsigned char		 set[O_COUNT];
	int			 line[O_COUNT];	/* line, or argument number */
	struct bwk_options	 v;
};

#define KIND_USER	0
#define KIND_SYSTEM	1

#define WHERE_LEN	1100
#define ECHO_LEN	96

struct ctx {
	struct settings	 cli, user, stanzas[2];
	/* the stanza being read, and the one kept: swapped, never copied */
	struct settings	*scratch, *chosen;
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

static int
upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
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
 * The edit distance between a (n bytes, any case) and the first m bytes
 * of the option name b, counting a swap of neighbours as one edit; any
 * distance above lim is lim + 1, found as soon as a whole row of the
 * table exceeds it (a mistyped name is compared with every option).
 */
static size_t
distance(const char *a, size_t n, const char *b, size_t m, size_t lim)
{
	size_t d[3][40], i, j, cost, best, rowmin;

	if (n >= 40 || m >= 40 || (n > m ? n - m : m - n) > lim)
		return lim + 1;
	for (j = 0; j <= m; j++)
		d[0][j] = j;
	for (i = 1; i <= n; i++) {
		size_t *cur = d[i % 3], *prev = d[(i - 1) % 3],
		    *prev2 = d[(i + 1) % 3];

		rowmin = cur[0] = i;
		for (j = 1; j <= m; j++) {
			cost = upper((unsigned char)a[i - 1]) != b[j - 1];
			best = prev[j - 1] + cost;
			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && upper((unsigned char)a[i - 1]) ==
			    b[j - 2] && upper((unsigned char)a[i - 2]) ==
			    b[j - 1] && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
			if (best < rowmin)
				rowmin = best;
		}
		if (rowmin > lim)
			return lim + 1;
	}
	return d[n % 3][m] > lim ? lim + 1 : d[n % 3][m];
}

/* The option names nearest to a name that is none, for the message. */
static void
suggest(const char *name, size_t n, int cli, char *out, size_t outlen)
{
	size_t best[3] = { 99, 99, 99 }, d, len, o = 0;
	size_t lim = n <= 4 ? 1 : n <= 12 ? 2 : 3;
	int who[3] = { -1, -1, -1 }, i, j, k, count = 0;
	char shown[64];

	out[0] = '\0';
	for (i = 0; i < O_COUNT; i++) {
		const char *full = opt_defs[i].name;

		if (cli && !(opt_defs[i].flags & F_CLI))
			continue;
		len = strlen(full);
		d = distance(name, n, full, len, lim);
		/* a mistyped abbreviation: against as much of the name */
		if (d > lim && n >= opt_defs[i].min && n < len)
			d = distance(name, n, full, n, lim);
		if (d > lim)
			continue;
		for (k = 0; k < 3 && best[k] <= d; k++)
			;
		if (k == 3)
			continue;
		for (j = 2; j > k; j--) {
			best[j] = best[j - 1];
			who[j] = who[j - 1];
		}
		best[k] = d;
		who[k] = i;
	}
	while (count < 3 && who[count] >= 0)
		count++;
	for (k = 0; k < count && o < outlen; k++) {
		opt_display_name(who[k], shown, sizeof(shown));
		for (i = 0; cli && shown[i] != '\0'; i++)
			shown[i] = (char)lower((unsigned char)shown[i]);
		o += (size_t)snprintf(out + o, outlen - o, "%s%s%s%s",
		    k == 0 ? " (did you mean " : k == count - 1 ? " or " : ", ",
		    cli ? "-" : "", shown, k == count - 1 ? "?)" : "");
	}
}

static int
unknown(const char *where, const char *e, const char *name, size_t n,
    int cli)
{
	char near[200];

	suggest(name, n, cli, near, sizeof(near));
	if (cli)
		return fail("BWK0804E", "%s: unknown option '%s'%s; see "
		    "bulwark check --help for the options the command line "
		    "takes", where, e, near);
	return fail("BWK0804E", "%s: unknown option '%s'%s; check the "
	    "spelling (docs/options.md lists every option of the old client "
	    "that Bulwark knows), or turn the line into a comment with '*'",
	    where, e, near);
}

/*
 * Finds the option that name[0..n) abbreviates. On error prints the
 * message (unknown, ambiguous, too short) at where and returns -1.
 */
static int
lookup(const char *where, const char *name, size_t n, int cli)
{
	int i, hit = -1, nhit = 0, shorter[2] = { -1, -1 }, nshort = 0;
	char e[ECHO_LEN];

	echo(name, n, e);
	if (n == 0)
		return fail("BWK0804E", "%s: an option name is missing; "
		    "write the option name, then its value", where);
	for (i = 0; i < O_COUNT; i++) {
		if (!prefix_nocase(name, n, opt_defs[i].name))
			continue;
		if (n >= opt_defs[i].min) {
			if (nhit++ == 0)
				hit = i;
		} else if (nshort < 2)
			shorter[nshort++] = i;
		else
			nshort++;
	}
	/* The table's abbreviations are unique (a test checks it). */
	if (nhit >= 1)
		return hit;
	if (nshort >= 2)
		return fail("BWK0805E", "%s: '%s' is ambiguous: it could be %s "
		    "or %s%s; write at least %.*s or %.*s", where, e,
		    opt_defs[shorter[0]].name, opt_defs[shorter[1]].name,
		    nshort > 2 ? " (or others)" : "",
		    (int)opt_defs[shorter[0]].min, opt_defs[shorter[0]].name,
		    (int)opt_defs[shorter[1]].min, opt_defs[shorter[1]].name);
	if (nshort == 1)
		return fail("BWK0806E", "%s: '%s' is too short an abbreviation "
		    "of %s; write at least %.*s", where, e,
		    opt_defs[shorter[0]].name, (int)opt_defs[shorter[0]].min,
		    opt_defs[shorter[0]].name);
	return unknown(where, e, name, n, cli);
}

static int
refused(int id, const char *where)
{
	return fail("BWK0829E", "%s: %s is refused: %s", where,
	    opt_defs[id].name, opt_defs[id].doc);
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
	o->txnbytelimit = 25600;
}

static void
merge(struct bwk_options *dst, const struct settings *src)
{
	int i;

	for (i = 0; i < O_COUNT; i++)
		if (src->set[i])
			opt_copy_value(dst, &src->v, i);
}

/* -optfile=PATH or -optfile PATH: the user file for this run. */
static int
cli_optfile(struct ctx *c, const char *where, const char *value)
{
	char e[ECHO_LEN];

	if (c->has_optfile)
		return fail("BWK0812E", "%s: -optfile is given twice; give it "
		    "once", where);
	if (value[0] == '\0' || strlen(value) >= sizeof(c->optfile)) {
		echo(value, strlen(value), e);
		return fail("BWK0811E", "%s: '%s' is not a valid value of "
		    "OPTFILE; give the path of a user options file", where, e);
	}
	strcpy(c->optfile, value);
	c->has_optfile = 1;
	return 0;
}

/*
 * The value of an option of several words, -domain="/home /var": its
 * blank-separated words, as a line of a file would give them.
 */
static int
cli_words(struct bwk_options *v, int id, const char *value, const char *where)
{
	char *copy, *p, *words[MAX_WORDS];
	size_t nw = 0;
	int r;

	if ((copy = strdup(value)) == NULL)
		return fail("BWK0828E", "out of memory reading the options");
	for (p = strtok(copy, " \t"); p != NULL; p = strtok(NULL, " \t")) {
		if (nw == MAX_WORDS) {
			free(copy);
			return fail("BWK0811E", "%s: more than %d values in one "
			    "option; give them in several", where, MAX_WORDS);
		}
		words[nw++] = p;
	}
	if (nw == 0)
		words[nw++] = copy;	/* "": refused as a value */
	r = opt_set_value(v, id, words, nw, where);
	free(copy);
	return r;
}

/* One option of the command line, name[0..n) and its value. */
static int
cli_option(struct ctx *c, const char *where, const char *name, size_t n,
    const char *value, int argno)
{
	char *words[1];
	int id;

	if ((id = lookup(where, name, n, 1)) < 0)
		return -1;
	if (opt_defs[id].use == USE_REFUSED)
		return refused(id, where);
	if (opt_defs[id].flags & F_TLS)
		return fail("BWK0822E", "%s: %s cannot be given on the command "
		    "line; put it in the server's stanza of the system options "
		    "file", where, opt_defs[id].name);
	if (!(opt_defs[id].flags & F_CLI))
		return fail("BWK0823E", "%s: %s cannot be given on the command "
		    "line; put it in the %s", where, opt_defs[id].name,
		    id == O_DEFAULTSERVER ? "system options file, before the "
		    "first stanza" : "server's stanza of the system options "
		    "file");
	if (c->cli.set[id] && !(opt_defs[id].flags & F_MULTI))
		return fail("BWK0812E", "%s: %s is given twice on the command "
		    "line; give it once", where, opt_defs[id].name);
	if (opt_defs[id].flags & F_WORDS) {
		if (cli_words(&c->cli.v, id, value, where) != 0)
			return -1;
	} else {
		words[0] = (char *)value;
		if (opt_set_value(&c->cli.v, id, words, 1, where) != 0)
			return -1;
	}
	c->cli.set[id] = 1;
	c->cli.line[id] = argno;
	return 0;
}

/*
 * The option arguments into c->cli, -optfile into c->optfile: -name=value
 * or -name value, with one dash or two.
 */
static int
parse_cli(struct ctx *c, int argc, char *const argv[])
{
	char where[WHERE_LEN], e[ECHO_LEN], v[ECHO_LEN];
	const char *a, *name, *eq, *value;
	size_t n;
	int i;

	for (i = 0; i < argc && argv[i] != NULL; i++) {
		a = argv[i];
		echo(a, strlen(a), e);
		snprintf(where, sizeof(where), "command line, %s", e);
		name = a + (a[0] == '-' && a[1] == '-' ? 2 : 1);
		if (a[0] != '-' || *name == '\0' || *name == '=' || *name == '-')
			return fail("BWK0824E", "%s: not an option; options on "
			    "the command line are written -option=value or "
			    "-option value", where);
		if ((eq = strchr(name, '=')) != NULL) {
			n = (size_t)(eq - name);
			value = eq + 1;
		} else if (i + 1 < argc && argv[i + 1] != NULL) {
			n = strlen(name);
			value = argv[++i];
			echo(value, strlen(value), v);
			snprintf(where, sizeof(where), "command line, %s %s", e,
			    v);
		} else
			return fail("BWK0824E", "%s: the option has no value; "
			    "write -option=value or -option value", where);
		if (n == 7 && prefix_nocase(name, 7, "OPTFILE")) {
			if (cli_optfile(c, where, value) != 0)
				return -1;
		} else if (cli_option(c, where, name, n, value, i + 1) != 0)
			return -1;
	}
	return 0;
}

/* The stanza name wanted: command line, user file, DEFAULTSERVER, none. */
static const char *
wanted(const struct ctx *c)
{
	if (c->cli.set[O_SERVERNAME])
		return c->cli.v.servername;
	if (c->user.set[O_SERVERNAME])
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
	if (w == NULL ? i == 0 : opt_eq_nocase(c->stanza[i], w)) {
		struct settings *t = c->chosen;

		c->chosen = c->scratch;
		c->scratch = t;
		c->found = 1;
		c->found_idx = i;
	}
}

/* One line's option with its values, into s (a stanza or the user file). */
static int
store(struct settings *s, int id, int lineno, const char *where,
    const char *scope, char *const w[], size_t nw)
{
	size_t rules = s->v.rules.n;

	if (s->set[id] && !(opt_defs[id].flags & F_MULTI))
		return fail("BWK0812E", "%s: %s is given twice %s (first at "
		    "line %d); keep one", where, opt_defs[id].name, scope,
		    s->line[id]);
	if (opt_set_value(&s->v, id, w, nw, where) != 0)
		return -1;
	/* query inclexcl shows where each statement is */
	if (s->v.rules.n > rules && rules < OPT_MAX_RULES)
		s->v.rule_line[rules] = lineno;
	if (!s->set[id])
		s->line[id] = lineno;
	s->set[id] = 1;
	return 0;
}

static int
user_line(struct ctx *c, int id, int lineno, const char *where,
    char *const w[], size_t nw)
{
	if (id == O_DEFAULTSERVER)
		return fail("BWK0815E", "%s: DEFAULTSERVER belongs in the system "
		    "options file, before the first SERVERNAME stanza; move it "
		    "there", where);
	if (id != O_SERVERNAME && !(opt_defs[id].flags & F_USER))
		return fail("BWK0814E", "%s: %s belongs in the server's stanza "
		    "of the system options file%s%s, not in the user options "
		    "file; move it into the stanza", where, opt_defs[id].name,
		    c->have_sys ? " " : "", c->have_sys ? c->sysname : "");
	return store(&c->user, id, lineno, where, "in this file", w, nw);
}

/*
 * A fresh stanza. Only what is marked set is ever read (merge), and the
 * lists are appended to, so the marks and the lists' lengths are what
 * must start over: zeroing ~50 KB of values for each of up to 256
 * stanzas would only slow the parser, and the fuzzer most.
 */
static void
settings_reset(struct settings *s)
{
	memset(s->set, 0, sizeof(s->set));
	s->v.domain.n = s->v.domain.used = 0;
	s->v.rules.n = s->v.rules.used = 0;
}

static int
begin_stanza(struct ctx *c, int lineno, const char *where, char *const w[])
{
	int i;

	if (opt_set_value(&c->name, O_SERVERNAME, w, 1, where) != 0)
		return -1;
	for (i = 0; i < c->nstanza; i++)
		if (opt_eq_nocase(c->stanza[i], w[0]))
			return fail("BWK0816E", "%s: stanza %s is already "
			    "defined at line %d; server names must differ "
			    "(case is ignored)", where, c->name.servername,
			    c->stanza_line[i]);
	if (c->nstanza == OPT_MAX_STANZAS)
		return fail("BWK0817E", "%s: more than %d server stanzas; split "
		    "the servers among several system options files", where,
		    OPT_MAX_STANZAS);
	end_stanza(c);
	strcpy(c->stanza[c->nstanza], c->name.servername);
	c->stanza_line[c->nstanza++] = lineno;
	settings_reset(c->scratch);
	return 0;
}

static int
system_line(struct ctx *c, int id, int lineno, const char *where,
    char *const w[], size_t nw)
{
	char scope[100];

	if (id == O_SERVERNAME)
		return begin_stanza(c, lineno, where, w);
	if (id == O_DEFAULTSERVER) {
		if (c->nstanza > 0)
			return fail("BWK0815E", "%s: DEFAULTSERVER must come "
			    "before the first SERVERNAME stanza (line %d); "
			    "move it up", where, c->stanza_line[0]);
		if (c->defserver_line != 0)
			return fail("BWK0812E", "%s: DEFAULTSERVER is given "
			    "twice (first at line %d); keep one", where,
			    c->defserver_line);
		if (opt_set_value(&c->name, id, w, 1, where) != 0)
			return -1;
		strcpy(c->defserver, c->name.servername);
		c->defserver_line = lineno;
		return 0;
	}
	if (c->nstanza == 0)
		return fail("BWK0813E", "%s: %s is outside any server stanza; "
		    "put it after a SERVERNAME line", where, opt_defs[id].name);
	snprintf(scope, sizeof(scope), "in stanza %s",
	    c->stanza[c->nstanza - 1]);
	return store(c->scratch, id, lineno, where, scope, w, nw);
}

/* One option line of a file: its name and its values, at where. */
static int
apply_line(struct ctx *c, int kind, int lineno, const char *where,
    const char *name, size_t namelen, char *const w[], size_t nw,
    int quoted)
{
	const struct optdef *d;
	char e[ECHO_LEN];
	int id;

	if (memchr(name, '=', namelen) != NULL) {
		echo(name, namelen, e);
		return fail("BWK0826E", "%s: '%s': in an options file the "
		    "option and its value are separated by blanks, not '='",
		    where, e);
	}
	if ((id = lookup(where, name, namelen, 0)) < 0)
		return -1;
	d = &opt_defs[id];
	if (d->use == USE_REFUSED)
		return refused(id, where);
	if (d->type == T_NONE && nw > 0) {
		echo(w[0], strlen(w[0]), e);
		return fail("BWK0808E", "%s: %s takes no value; remove '%s'",
		    where, d->name, e);
	}
	if (d->type != T_NONE && nw == 0)
		return fail("BWK0807E", "%s: %s needs a value; write the option "
		    "name, blanks, then the value", where, d->name);
	if (nw > 1 && !(d->flags & F_WORDS)) {
		echo(w[1], strlen(w[1]), e);
		return fail("BWK0808E", "%s: unexpected text '%s' after the "
		    "value; quote a value that contains blanks, and put "
		    "comments on their own line starting with '*'", where, e);
	}
	if (quoted && (d->flags & F_KEYWORD)) {
		echo(w[0], strlen(w[0]), e);
		return fail("BWK0809E", "%s: the value of %s must not be "
		    "quoted; write %s %s", where, d->name, d->name, e);
	}
	return kind == KIND_USER ? user_line(c, id, lineno, where, w, nw) :
	    system_line(c, id, lineno, where, w, nw);
}

/*
 * The next value of a line at *pp, quoted or not; NUL-terminated in
 * place. 1 with *word set, 0 at the end of the line, -1 on error.
 */
static int
next_word(char **pp, char **word, int *quoted, const char *where)
{
	char *p = *pp, q, e[ECHO_LEN];

	while (blank(*p))
		p++;
	if (*p == '\0')
		return 0;
	if (*p == '"' || *p == '\'') {
		q = *p++;
		*word = p;
		while (*p != '\0' && *p != q)
			p++;
		if (*p == '\0')
			return fail("BWK0810E", "%s: the quote %c before the "
			    "value is not closed; end the value with %c",
			    where, q, q);
		*p++ = '\0';
		*quoted = 1;
		if (*p != '\0' && !blank(*p)) {
			echo(p, strlen(p), e);
			return fail("BWK0808E", "%s: unexpected text '%s' after "
			    "the closing quote; put blanks after the value, "
			    "nothing else", where, e);
		}
	} else {
		*word = p;
		while (*p != '\0' && !blank(*p))
			p++;
	}
	if (*p != '\0')
		*p++ = '\0';
	*pp = p;
	return 1;
}

/* Splits one line (NUL-terminated, checked for control bytes). */
static int
parse_line(struct ctx *c, int kind, int lineno, const char *where, char *p)
{
	char *name, *words[MAX_WORDS];
	size_t namelen, nw = 0;
	int quoted = 0, r;

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
	if (*p != '\0')
		*p++ = '\0';
	while ((r = next_word(&p, &words[nw], &quoted, where)) == 1)
		if (++nw == MAX_WORDS)
			return fail("BWK0808E", "%s: more than %d values on one "
			    "line; split them over several lines", where,
			    MAX_WORDS - 1);
	if (r == -1)
		return -1;
	return apply_line(c, kind, lineno, where, name, namelen, words, nw,
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

/* Appends to a note, ending it with "..." when it is full. */
static void
note_add(char *note, size_t *o, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
note_add(char *note, size_t *o, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*o >= OPT_NOTE_LEN - 1)
		return;
	va_start(ap, fmt);
	r = vsnprintf(note + *o, OPT_NOTE_LEN - *o, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= OPT_NOTE_LEN - *o) {
		strcpy(note + OPT_NOTE_LEN - 4, "...");
		*o = OPT_NOTE_LEN - 1;
	} else
		*o += (size_t)r;
}

/*
 * One line for the options of a file that Bulwark accepts and does not
 * follow: the options of each group, then what Bulwark does instead.
 */
static void
note_file(struct bwk_options *r, const char *fname, const struct settings *s)
{
	char *note = r->notes[r->nnotes];
	const char *val;
	size_t o = 0;
	int g, id, ng = 0, n, k, ids[O_COUNT];

	note_add(note, &o, "%s: accepted and not followed:", fname);
	for (g = G_NONE + 1; g < G_COUNT; g++) {
		/* the group's options in the order of the file */
		for (id = 0, n = 0; id < O_COUNT; id++) {
			if (!s->set[id] || opt_note_group(&s->v, id) != g)
				continue;
			for (k = n++; k > 0 && s->line[ids[k - 1]] >
			    s->line[id]; k--)
				ids[k] = ids[k - 1];
			ids[k] = id;
		}
		for (k = 0; k < n; k++) {
			val = opt_note_value(&s->v, ids[k]);
			note_add(note, &o, "%s %s%s%s (line %d)", k > 0 ? "," :
			    ng > 0 ? ";" : "", opt_defs[ids[k]].name,
			    val != NULL ? " " : "", val != NULL ? val : "",
			    s->line[ids[k]]);
		}
		if (n > 0) {
			note_add(note, &o, ": %s", opt_group_text[g]);
			ng++;
		}
	}
	if (ng > 0 && r->nnotes < OPT_MAX_NOTES)
		r->nnotes++;
	else
		note[0] = '\0';
}

static int
no_stanza(const struct ctx *c, const char *w)
{
	char list[300];

	if (c->nstanza == 0)
		return fail("BWK0827E", "%s: there is no server stanza; begin "
		    "one with a line SERVERNAME name", c->sysname);
	stanza_list(c, list, sizeof(list));
	if (c->cli.set[O_SERVERNAME])
		return fail("BWK0819E", "command line, -servername=%s: %s has "
		    "no stanza of that name; its stanzas are: %s", w,
		    c->sysname, list);
	if (c->user.set[O_SERVERNAME])
		return fail("BWK0819E", "%s:%d: SERVERNAME %s: %s has no stanza "
		    "of that name; its stanzas are: %s", c->username,
		    c->user.line[O_SERVERNAME], w, c->sysname, list);
	return fail("BWK0819E", "%s:%d: DEFAULTSERVER %s: there is no stanza "
	    "of that name; the stanzas are: %s", c->sysname,
	    c->defserver_line, w, list);
}

/* The result holds together: an address, and one COMMMETHOD allows. */
static int
check_result(const struct ctx *c, const struct bwk_options *r)
{
	char e[ECHO_LEN];
	int v6;

	if (r->address[0] == '\0') {
		if (c->found)
			return fail("BWK0820E", "%s:%d: stanza %s has no "
			    "TCPSERVERADDRESS; add a line TCPSERVERADDRESS "
			    "host to it, or give -tcpserveraddress=HOST",
			    c->sysname, c->stanza_line[c->found_idx],
			    r->servername);
		return fail("BWK0820E", "server %s has no TCPSERVERADDRESS; "
		    "give -tcpserveraddress=HOST, or a system options file "
		    "with its stanza", r->servername);
	}
	if (r->commmethod == OPT_COMM_TCPIP &&
	    opt_address_ok(r->address, &v6) && v6) {
		echo(r->address, strlen(r->address), e);
		return fail("BWK0825E", "%s:%d: COMMMETHOD TCPIP is IPv4 only "
		    "but the address of %s is the IPv6 address %s; write "
		    "COMMMETHOD V6TCPIP", c->sysname,
		    c->chosen->line[O_COMMMETHOD], r->servername, e);
	}
	return 0;
}

/* Picks the stanza, merges, checks the result, writes *out. */
static int
finish(struct ctx *c, struct bwk_options *out)
{
	struct bwk_options *r = &c->scratch->v;	/* the stanza parse is over */
	const char *w = wanted(c);

	if (c->have_sys && !c->found)
		return no_stanza(c, w);
	if (!c->have_sys && w == NULL)
		return fail("BWK0821E", "no server is chosen: there is no "
		    "system options file (%s); give -servername=NAME and "
		    "-tcpserveraddress=HOST, or write the system options file "
		    "with a SERVERNAME stanza", c->sysname);

	/* DOMAIN's entries add up: the stanza's, the user file's, then the
	 * command line's */
	if (c->chosen->v.domain.used + c->user.v.domain.used +
	    c->cli.v.domain.used > OPT_LIST_TEXT)
		return fail("BWK0836E", "%s: DOMAIN lists more than %d KiB of "
		    "file systems; shorten the list", "the options files and "
		    "the command line together", OPT_LIST_TEXT / 1024);
	/* stanza, then user file, then command line: each overrides */
	defaults(r);
	if (c->have_sys)
		snprintf(r->sysname, sizeof(r->sysname), "%s", c->sysname);
	if (c->found) {
		merge(r, c->chosen);
		strcpy(r->servername, c->stanza[c->found_idx]);
	} else {
		strcpy(r->servername, w);
	}
	merge(r, &c->user);
	merge(r, &c->cli);
	/* TCPADMINPORT follows TCPPORT unless the stanza or -tcpadminport= says */
	if (!c->chosen->set[O_TCPADMINPORT] && !c->cli.set[O_TCPADMINPORT]) {
		memcpy(r->adminport, r->port, sizeof(r->port));
		r->adminportnum = r->portnum;
	}
	if (check_result(c, r) != 0)
		return -1;
	if (c->found)
		note_file(r, c->sysname, c->chosen);
	note_file(r, c->username, &c->user);
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

/*
 * One context, kept for the process's life: a command reads its options
 * once, but the fuzz target parses thousands of times a second, and a
 * fresh 260 KB context each time costs page faults and clearing, not
 * parsing. Only what is marked set (and the lists' lengths, the counts
 * and the flags below) is ever read, so that is what starts over; the
 * fuzz target's second parse of each input checks that nothing left
 * from an earlier call changes a result. Hence the parser is not
 * reentrant (nothing calls it from two threads).
 */
static struct ctx *ctx_kept;

static struct ctx *
ctx_new(void)
{
	struct ctx *c;

	if (ctx_kept == NULL &&
	    (ctx_kept = calloc(1, sizeof(*ctx_kept))) == NULL) {
		fail("BWK0828E", "out of memory reading the options");
		return NULL;
	}
	c = ctx_kept;
	settings_reset(&c->cli);
	settings_reset(&c->user);
	c->scratch = &c->stanzas[0];
	c->chosen = &c->stanzas[1];
	settings_reset(c->scratch);
	settings_reset(c->chosen);
	c->name.servername[0] = '\0';
	c->has_optfile = c->have_sys = c->nstanza = 0;
	c->defserver[0] = '\0';
	c->defserver_line = c->found = c->found_idx = 0;
	return c;
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
	return r;
}

int
options_load(const char *sysfile, int sys_optional, const char *userfile,
    int argc, char *const argv[], struct bwk_options *out)
{
	struct ctx *c;
	uint8_t *sys = NULL, *user = NULL;
	size_t syslen = 0, userlen = 0;
	int r = -1, rs = 1;

	if ((c = ctx_new()) == NULL)
		return -1;
	if (parse_cli(c, argc, argv) != 0)
		goto done;
	if (c->has_optfile)
		userfile = c->optfile;
	if (sysfile != NULL &&
	    (rs = opt_read_file(sysfile, sys_optional, &sys, &syslen)) == -1)
		goto done;
	if (userfile != NULL &&
	    opt_read_file(userfile, 0, &user, &userlen) != 0)
		goto done;
	/* an absent default file is named in the message that needs it */
	r = load(c, sysfile, rs == 0 ? (const char *)sys : NULL, syslen,
	    userfile, user != NULL ? (const char *)user : NULL, userlen, out);
done:
	free(sys);
	free(user);
	return r;
}

void
options_cli_help(FILE *f)
{
	char name[64];
	int id;

	fputs("Options of the options files that the command line takes, "
	    "-option=value or\n-option value (the capitals are the shortest "
	    "abbreviation):\n", f);
	for (id = 0; id < O_COUNT; id++) {
		if (!(opt_defs[id].flags & F_CLI))
			continue;
		opt_display_name(id, name, sizeof(name));
		fprintf(f, "  -%-24s %s\n", name, opt_defs[id].syntax);
	}
}
