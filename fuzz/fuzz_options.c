/*
 * Options files in the dsm.opt/dsm.sys format. The input is the system
 * options file; when it holds a NUL byte, the bytes after the first NUL are
 * the user options file. Each input is parsed with a few fixed command
 * lines, and with the user part alone. Properties (any violation aborts):
 * on error the output is untouched (nothing partially applied); on success
 * every field is one the parser could have accepted, every string is
 * terminated, and a second parse gives the same result.
 *
 * The parser is linked with src/lib (the Makefile's fuzz_options rule).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/client/options_int.h"
#include "../src/lib/msg.h"
#include "../src/lib/util.h"

#define FUZZ_SETUP	options_setup
#include "fuzz_common.h"

static char a_sn[] = "-servername=alpha";
static char a_se[] = "-se=beta";
static char a_tcps[] = "-tcps=host.example.net";
static char a_tcpp[] = "-tcpport=1600";
static char a_fpr[] = "-bwkserverfingerprint="
    "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";
static char a_nod[] = "-nod=node1";
static char a_dir[] = "-passworddir=/var/lib/bulwark";
static char a_ca[] = "-BWKSYSTEMCA=yes";
/* DOMAIN's entries add up with the files': several in one value */
static char a_dom[] = "-domain=/srv  -/home ALL-LOCAL";
static char a_sub[] = "-subdir=yes";

static char *const argv0[] = { NULL };
static char *const argv1[] = { a_sn, NULL };
static char *const argv2[] = { a_tcps, a_tcpp, a_fpr, NULL };
static char *const argv3[] = { a_se, a_nod, a_dir, a_ca, a_dom, a_sub,
    NULL };

static const struct {
	int		 argc;
	char *const	*argv;
} cmdlines[] = {
	{ 0, argv0 }, { 1, argv1 }, { 3, argv2 }, { 6, argv3 },
};

static int
terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static void
check_result(const struct bwk_options *o)
{
	long l;
	int v6;
	size_t i;

	if (!terminated(o->servername, sizeof(o->servername)) ||
	    !terminated(o->address, sizeof(o->address)) ||
	    !terminated(o->port, sizeof(o->port)) ||
	    !terminated(o->adminport, sizeof(o->adminport)) ||
	    !terminated(o->nodename, sizeof(o->nodename)) ||
	    !terminated(o->passworddir, sizeof(o->passworddir)) ||
	    !terminated(o->sandbox_user, sizeof(o->sandbox_user)))
		fuzz_fail("a string is not terminated");
	if (!opt_server_ok(o->servername))
		fuzz_fail("bad server name accepted");
	if (!opt_address_ok(o->address, &v6))
		fuzz_fail("bad address accepted");
	if (o->commmethod == OPT_COMM_TCPIP && v6)
		fuzz_fail("IPv6 address with COMMMETHOD TCPIP accepted");
	if (bwk_parse_long(o->port, 1, 65535, &l) != 0 || l != o->portnum)
		fuzz_fail("bad port");
	if (bwk_parse_long(o->adminport, 1, 65535, &l) != 0 ||
	    l != o->adminportnum)
		fuzz_fail("bad admin port");
	if (o->nodename[0] != '\0' && !opt_node_ok(o->nodename))
		fuzz_fail("bad node name accepted");
	if (o->passworddir[0] != '\0' && !opt_dir_ok(o->passworddir))
		fuzz_fail("bad password directory accepted");
	if (!opt_user_ok(o->sandbox_user))
		fuzz_fail("bad sandbox user accepted");
	if ((o->ssl | o->fipsmode | o->acceptcert | o->disablelegacy |
	    o->systemca | o->has_fingerprint | o->passwordaccess |
	    o->subdir | o->compression) & ~1)
		fuzz_fail("a YES/NO field is not 0 or 1");
	if (o->sslrequired < OPT_SSLREQ_DEFAULT ||
	    o->sslrequired > OPT_SSLREQ_SERVERONLY ||
	    o->commmethod < OPT_COMM_DEFAULT ||
	    o->commmethod > OPT_COMM_V6TCPIP)
		fuzz_fail("an enum field is out of range");
	if (o->txnbytelimit < 300 || o->txnbytelimit > 33554432L)
		fuzz_fail("TXNBYTELIMIT out of range");
	if (!terminated(o->inclexcl, sizeof(o->inclexcl)) ||
	    !terminated(o->errorlogname, sizeof(o->errorlogname)) ||
	    !terminated(o->schedlogname, sizeof(o->schedlogname)))
		fuzz_fail("a file name is not terminated");
	if (o->domain.used > sizeof(o->domain.text) ||
	    o->rules.used > sizeof(o->rules.text) ||
	    (o->domain.used > 0 && o->domain.text[o->domain.used - 1] != '\0') ||
	    (o->rules.used > 0 && o->rules.text[o->rules.used - 1] != '\0'))
		fuzz_fail("a list is not terminated");
	/* an INCLEXCL file's place, and each statement's line */
	if (o->rules.n > OPT_MAX_RULES || o->inclexcl_at > o->rules.n)
		fuzz_fail("INCLEXCL's place is past the statements");
	for (i = 0; i < o->rules.n; i++)
		if (o->rule_line[i] < 1)
			fuzz_fail("statement %zu has no line", i);
	if (o->inclexcl[0] == '\0' && o->inclexcl_at != 0)
		fuzz_fail("a place for an INCLEXCL file not given");
	if (o->nnotes > OPT_MAX_NOTES)
		fuzz_fail("too many notes");
	for (i = 0; i < o->nnotes; i++)
		if (!terminated(o->notes[i], sizeof(o->notes[i])) ||
		    o->notes[i][0] == '\0')
			fuzz_fail("a note is empty or not terminated");
}

/* What a failed parse must leave as it was. */
static struct bwk_options pat;

static void
one(const char *sys, size_t syslen, const char *user, size_t userlen,
    int argc, char *const argv[])
{
	static struct bwk_options a, b;
	int r;

	memcpy(&a, &pat, sizeof(a));
	r = options_load_buffers("dsm.sys", sys, syslen, "dsm.opt", user,
	    userlen, argc, argv, &a);
	if (r != 0) {
		if (r != -1)
			fuzz_fail("options_load_buffers returned not 0 or -1");
		if (memcmp(&a, &pat, sizeof(a)) != 0)
			fuzz_fail("the output was changed by a failed parse");
		return;
	}
	check_result(&a);
	if (options_load_buffers("dsm.sys", sys, syslen, "dsm.opt", user,
	    userlen, argc, argv, &b) != 0)
		fuzz_fail("a second parse failed");
	/* Padding aside, the results agree: compare through a copy. */
	if (strcmp(a.servername, b.servername) != 0 ||
	    strcmp(a.address, b.address) != 0 ||
	    strcmp(a.port, b.port) != 0 ||
	    strcmp(a.adminport, b.adminport) != 0 ||
	    a.ssl != b.ssl || a.fipsmode != b.fipsmode ||
	    a.acceptcert != b.acceptcert ||
	    a.disablelegacy != b.disablelegacy ||
	    a.sslrequired != b.sslrequired || a.commmethod != b.commmethod ||
	    strcmp(a.nodename, b.nodename) != 0 ||
	    a.passwordaccess != b.passwordaccess ||
	    strcmp(a.passworddir, b.passworddir) != 0 ||
	    a.has_fingerprint != b.has_fingerprint ||
	    memcmp(a.fingerprint, b.fingerprint, sizeof(a.fingerprint)) != 0 ||
	    a.systemca != b.systemca ||
	    strcmp(a.sandbox_user, b.sandbox_user) != 0 ||
	    a.nnotes != b.nnotes || a.domain.used != b.domain.used ||
	    memcmp(a.domain.text, b.domain.text, a.domain.used) != 0 ||
	    a.rules.used != b.rules.used ||
	    memcmp(a.rules.text, b.rules.text, a.rules.used) != 0 ||
	    a.inclexcl_at != b.inclexcl_at || memcmp(a.rule_line,
	    b.rule_line, a.rules.n * sizeof(a.rule_line[0])) != 0)
		fuzz_fail("two parses of the same input differ");
}

static void
options_setup(void)
{
	memset(&pat, 0xa5, sizeof(pat));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *sys = (const char *)data, *user = NULL, *nul;
	size_t syslen = size, userlen = 0, i;

	if ((nul = memchr(data, '\0', size)) != NULL) {
		syslen = (size_t)(nul - sys);
		user = nul + 1;
		userlen = size - syslen - 1;
	}
	for (i = 0; i < sizeof(cmdlines) / sizeof(cmdlines[0]); i++)
		one(sys, syslen, user, userlen, cmdlines[i].argc,
		    cmdlines[i].argv);
	/* No system file: the user part (or the whole input) alone. */
	if (user != NULL)
		one(NULL, 0, user, userlen, 1, argv1);
	else
		one(NULL, 0, sys, syslen, 3, argv2);
	return 0;
}
