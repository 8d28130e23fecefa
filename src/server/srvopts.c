/* bulwarkd.opt: see srvopts.h. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../lib/msg.h"
#include "../lib/util.h"
#include "srvopts.h"

const char srvopts_template[] =
"* bulwarkd.opt: the options of this bulwarkd instance (bulwarkd.opt(5)).\n"
"* One option per line; '*' starts a comment. The values shown are the\n"
"* defaults.\n"
"*\n"
"* TCPPORT              1500      TLS for nodes (and administrators)\n"
"* SSLTCPPORT           0         a second TLS port; 0: none\n"
"* TCPADMINPORT         1500      administrators; default TCPPORT\n"
"* ADMINONCLIENTPORT    YES       administrators also on TCPPORT\n"
"* MAXSESSIONS          25        sessions at once\n"
"* IDLETIMEOUT          15        minutes a session may wait for its client\n"
"* COMMTIMEOUT          60        seconds for an expected message\n"
"* BWKHANDSHAKETIMEOUT  15        seconds for the TLS handshake\n"
"* BWKLISTENADDRESS     (all)     an address to listen on, e.g. 127.0.0.1\n"
"* BWKCERTDAYS          3650      validity of a new certificate, in days\n"
"* BWKCERTKEY           ECDSA     ECDSA (P-256) or RSA (3072 bits)\n"
"* SESSIONSECURITY      TRANSITIONAL  of newly registered nodes\n"
"* PASSEXP              90        days a node password lasts; 0: forever\n"
"* VEREXISTS            2         versions kept of a file that exists\n"
"* VERDELETED           1         versions kept of a file deleted on the client\n"
"* RETEXTRA             30        days an older (inactive) version is kept\n"
"* RETONLY              60        days the last version of a deleted file is kept\n";

enum kind { K_PORT, K_PORT0, K_YESNO, K_INT, K_ADDR, K_KEY, K_SESSSEC,
    K_RETAIN };

static const struct opt {
	const char	*name;
	enum kind	 kind;
	long		 min, max;
	size_t		 off;
} opts[] = {
#define O(n, k, lo, hi, f) { n, k, lo, hi, offsetof(struct srv_options, f) }
	O("TCPPORT", K_PORT, 1, 65535, tcpport),
	O("SSLTCPPORT", K_PORT0, 0, 65535, ssltcpport),
	O("TCPADMINPORT", K_PORT, 1, 65535, tcpadminport),
	O("ADMINONCLIENTPORT", K_YESNO, 0, 1, adminonclientport),
	O("MAXSESSIONS", K_INT, 1, 1000, maxsessions),
	O("IDLETIMEOUT", K_INT, 1, 9999, idletimeout),
	O("COMMTIMEOUT", K_INT, 1, 65535, commtimeout),
	O("BWKHANDSHAKETIMEOUT", K_INT, 1, 600, handshaketimeout),
	O("BWKLISTENADDRESS", K_ADDR, 0, 0, listen),
	O("BWKCERTDAYS", K_INT, 1, 9999, certdays),
	O("BWKCERTKEY", K_KEY, 0, 1, certrsa),
	O("SESSIONSECURITY", K_SESSSEC, 0, 1, sessionsecurity),
	O("PASSEXP", K_INT, 0, 9999, passexp),
	O("VEREXISTS", K_RETAIN, 1, 100, verexists),
	O("VERDELETED", K_RETAIN, 0, 100, verdeleted),
	O("RETEXTRA", K_RETAIN, 0, 3650, retextra),
	O("RETONLY", K_RETAIN, 0, 3650, retonly),
#undef O
};

void
srvopts_defaults(struct srv_options *o)
{
	memset(o, 0, sizeof(*o));
	o->tcpport = 1500;
	o->tcpadminport = -1;		/* TCPPORT, once the file is read */
	o->adminonclientport = 1;
	o->maxsessions = 25;
	o->idletimeout = 15;
	o->commtimeout = 60;
	o->handshaketimeout = 15;
	o->certdays = 3650;
	o->sessionsecurity = SESSSEC_TRANSITIONAL;
	o->passexp = 90;		/* the seed's PASSEXP */
	/* the seed's copy group defaults, and the catalog's */
	o->verexists = 2;
	o->verdeleted = 1;
	o->retextra = 30;
	o->retonly = 60;
}

int64_t
srvopts_password_expiry(const struct srv_options *o, int admin)
{
	/* administrators type theirs: PASSEXP is the nodes' rule */
	if (admin || o->passexp == 0)
		return 0;
	return bwk_now() + (int64_t)o->passexp * 86400;
}

static int
bad(const char *file, int line, const char *name, const char *fix)
{
	bwk_msg("BWK1001E", "%s:%d: %s: %s", file, line, name, fix);
	return -1;
}

static int
set(const struct opt *d, const char *v, struct srv_options *o,
    const char *file, int line)
{
	int *ip = (int *)(void *)((char *)o + d->off);
	long n;

	/*
	 * The seed also takes NOLIMIT for retention. Bulwark keeps a bound:
	 * a server that never expires anything fills its disk, and the
	 * catalog's checks bound every number it stores.
	 */
	if (d->kind == K_RETAIN && strcasecmp(v, "NOLIMIT") == 0) {
		char fix[128];

		snprintf(fix, sizeof(fix), "NOLIMIT is not supported; give a "
		    "number from %ld to %ld", d->min, d->max);
		return bad(file, line, d->name, fix);
	}
	switch (d->kind) {
	case K_PORT:
	case K_PORT0:
	case K_INT:
	case K_RETAIN:
		if (bwk_parse_long(v, d->min, d->max, &n) == -1) {
			char fix[96];

			snprintf(fix, sizeof(fix), "give a number from %ld to %ld",
			    d->min, d->max);
			return bad(file, line, d->name, fix);
		}
		*ip = (int)n;
		return 0;
	case K_YESNO:
		if (strcasecmp(v, "YES") != 0 && strcasecmp(v, "NO") != 0)
			return bad(file, line, d->name, "give YES or NO");
		*ip = strcasecmp(v, "YES") == 0;
		return 0;
	case K_KEY:
		if (strcasecmp(v, "ECDSA") != 0 && strcasecmp(v, "RSA") != 0)
			return bad(file, line, d->name, "give ECDSA or RSA");
		*ip = strcasecmp(v, "RSA") == 0;
		return 0;
	case K_SESSSEC:
		if (strcasecmp(v, "STRICT") != 0 &&
		    strcasecmp(v, "TRANSITIONAL") != 0)
			return bad(file, line, d->name, "give STRICT or "
			    "TRANSITIONAL");
		*ip = strcasecmp(v, "STRICT") == 0;
		return 0;
	case K_ADDR:
		if (strlen(v) >= sizeof(o->listen) || strspn(v,
		    "0123456789abcdefABCDEF.:") != strlen(v))
			return bad(file, line, d->name, "give an IPv4 or IPv6 "
			    "address");
		snprintf(o->listen, sizeof(o->listen), "%s", v);
		return 0;
	}
	return -1;
}

/* One "NAME value" line, already trimmed and not a comment. */
static int
parse_line(char *l, struct srv_options *o, const char *file, int line,
    unsigned *seen)
{
	char *v = l + strcspn(l, " \t");
	size_t i;

	if (*v != '\0')
		*v++ = '\0';
	v += strspn(v, " \t");
	if (*v == '\0' || v[strcspn(v, " \t")] != '\0')
		return bad(file, line, l, "give the option one value and "
		    "nothing after it");
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (strcasecmp(l, opts[i].name) != 0)
			continue;
		if (*seen & (1u << i))
			return bad(file, line, opts[i].name, "given twice; keep "
			    "one");
		*seen |= 1u << i;
		return set(&opts[i], v, o, file, line);
	}
	return bad(file, line, l, "not an option of bulwarkd; see "
	    "bulwarkd.opt(5) for the list");
}

int
srvopts_parse(const char *name, const char *text, size_t len,
    struct srv_options *o)
{
	char line[1024];
	unsigned seen = 0;
	size_t i = 0, n;
	int lineno = 0;

	srvopts_defaults(o);
	while (i < len) {
		lineno++;
		for (n = 0; i < len && text[i] != '\n'; i++, n++) {
			if (n >= sizeof(line) - 1 || text[i] == '\0')
				return bad(name, lineno, "line", n >=
				    sizeof(line) - 1 ? "longer than 1,023 bytes" :
				    "holds a NUL byte");
			line[n] = text[i];
		}
		i++;
		while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' ||
		    line[n - 1] == '\r'))
			n--;
		line[n] = '\0';
		char *l = line + strspn(line, " \t");
		if (*l == '\0' || *l == '*' || *l == '#')
			continue;
		if (parse_line(l, o, name, lineno, &seen) == -1)
			return -1;
	}
	if (o->tcpadminport == -1)
		o->tcpadminport = o->tcpport;
	return 0;
}

int
srvopts_load(const char *path, struct srv_options *o)
{
	uint8_t *buf;
	size_t len;
	int r;

	if (access(path, F_OK) == -1 && errno == ENOENT) {
		srvopts_defaults(o);
		o->tcpadminport = o->tcpport;
		return 0;
	}
	if (bwk_read_file(path, SRVOPTS_MAX_FILE, &buf, &len) == -1) {
		bwk_msg("BWK1002E", "cannot read %s: %s (at most %d KiB)", path,
		    strerror(errno), SRVOPTS_MAX_FILE / 1024);
		return -1;
	}
	r = srvopts_parse(path, (const char *)buf, len, o);
	free(buf);
	return r;
}
