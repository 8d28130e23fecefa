/*
 * The options files (dsm.opt/dsm.sys format) and the -option=value command
 * line, through options_load() and options_load_buffers(). Error messages
 * are captured from standard error and checked for their ID and location.
 */
#include <sys/stat.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/client/options.h"
#include "../src/client/options_int.h"
#include "../src/lib/msg.h"
#include "helpers.h"

static void setup(void) { bwk_quiet = 0; }
static void teardown(void) { t_cleanup(); }

TestSuite(options, .init = setup, .fini = teardown, .timeout = 60);

/* What the last call printed on standard error, and how many lines. */
static char	errtext[16384];
static int	errlines;

static FILE	*capf;
static int	 capsave;

static void
cap_begin(void)
{
	fflush(stderr);
	cr_assert_not_null(capf = tmpfile());
	cr_assert_neq(capsave = dup(2), -1);
	cr_assert_neq(dup2(fileno(capf), 2), -1);
}

static void
cap_end(void)
{
	size_t n;
	char *p;

	fflush(stderr);
	dup2(capsave, 2);
	close(capsave);
	rewind(capf);
	n = fread(errtext, 1, sizeof(errtext) - 1, capf);
	errtext[n] = '\0';
	fclose(capf);
	errlines = 0;
	for (p = errtext; (p = strchr(p, '\n')) != NULL; p++)
		errlines++;
}

static int
argc_of(char *const *argv)
{
	int n = 0;

	while (argv != NULL && argv[n] != NULL)
		n++;
	return n;
}

/* Buffers named dsm.sys and dsm.opt; NULL is an absent file. */
static int
load(const char *sys, const char *user, char *const *argv,
    struct bwk_options *o)
{
	int r;

	cap_begin();
	r = options_load_buffers("dsm.sys", sys, sys ? strlen(sys) : 0,
	    "dsm.opt", user, user ? strlen(user) : 0, argc_of(argv), argv, o);
	cap_end();
	return r;
}

static int
load_files(const char *sysf, const char *userf, char *const *argv,
    struct bwk_options *o)
{
	int r;

	cap_begin();
	r = options_load(sysf, 0, userf, argc_of(argv), argv, o);
	cap_end();
	return r;
}

static const char *
file(const char *name, const char *text)
{
	const char *p = t_path(name);

	cr_assert_eq(t_write(p, (const uint8_t *)text, strlen(text), 0644), 0);
	return p;
}

/* The call failed with exactly one message: id, and where in it. */
static void
expect_error(int r, const char *id, const char *where)
{
	cr_assert_eq(r, -1, "accepted; expected %s", id);
	cr_assert_eq(errlines, 1, "not one message: %s", errtext);
	cr_assert_eq(strncmp(errtext, id, strlen(id)), 0,
	    "expected %s, got: %s", id, errtext);
	if (where != NULL)
		cr_assert(strstr(errtext, where) != NULL,
		    "'%s' not in: %s", where, errtext);
}

static void
expect_ok(int r)
{
	cr_assert_eq(r, 0, "refused: %s", errtext);
	cr_assert_eq(errlines, 0, "printed on success: %s", errtext);
}

static int
has_note(const struct bwk_options *o, const char *needle)
{
	size_t i;

	for (i = 0; i < o->nnotes; i++)
		if (strstr(o->notes[i], needle) != NULL)
			return 1;
	return 0;
}

/* In the style of IBM's dsm.sys.smp and dsm.opt.smp. */
static const char ibm_sys[] =
"************************************************************************\n"
"* IBM Spectrum Protect                                                 *\n"
"*                                                                      *\n"
"* Sample Client System Options file for UNIX (dsm.sys.smp)             *\n"
"************************************************************************\n"
"\n"
"*  This file contains the minimum options required to get started\n"
"*  using the client.\n"
"\n"
"DEFAULTServer  server_a\n"
"\n"
"SErvername  server_a\n"
"   COMMMethod         TCPip\n"
"   TCPPort            1500\n"
"   TCPServeraddress   node.domain.company.COM\n"
"   PASSWORDAccess     generate\n"
"   NODename           CLIENT01\n"
"   PASSWORDDIR        /etc/adsm\n"
"\n"
"SErvername  server_b\n"
"   COMMMethod         V6Tcpip\n"
"   tcpp               1600\n"
"   tcps               2001:db8::10\n"
"   tcpadminp          1601\n"
"   SSLREQuired        SERVERonly\n"
"   SSLACCEPTCERTFROMSERV no\n"
"   SSLDISABLELEGACYtls yes\n"
"   SSLFIPSMODE        Yes\n"
"   ssl                yes\n"
"   BWKSYSTEMCA        yes\n"
"   BWKSANDBOXUSER     _bulwark\n";

static const char ibm_opt[] =
"************************************************************************\n"
"* IBM Spectrum Protect                                                 *\n"
"*                                                                      *\n"
"* Sample Client User Options file for UNIX (dsm.opt.smp)               *\n"
"************************************************************************\n"
"\n"
"*  This file contains an option you can use to specify the server\n"
"*  to contact if more than one is defined in your client system\n"
"*  options file (dsm.sys).\n"
"\n"
"   SErvername       server_b\n";

Test(options, ibm_sample_pair)
{
	struct bwk_options o;
	const char *sys = file("dsm.sys", ibm_sys);
	const char *opt = file("dsm.opt", ibm_opt);

	expect_ok(load_files(sys, opt, NULL, &o));
	cr_assert_str_eq(o.servername, "server_b");
	cr_assert_str_eq(o.address, "2001:db8::10");
	cr_assert_str_eq(o.port, "1600");
	cr_assert_eq(o.portnum, 1600);
	cr_assert_str_eq(o.adminport, "1601");
	cr_assert_eq(o.adminportnum, 1601);
	cr_assert_eq(o.commmethod, OPT_COMM_V6TCPIP);
	cr_assert_eq(o.sslrequired, OPT_SSLREQ_SERVERONLY);
	cr_assert_eq(o.acceptcert, 0);
	cr_assert_eq(o.disablelegacy, 1);
	cr_assert_eq(o.fipsmode, 1);
	cr_assert_eq(o.ssl, 1);
	cr_assert_eq(o.systemca, 1);
	cr_assert_str_eq(o.sandbox_user, "_bulwark");
	cr_assert_str_eq(o.nodename, "");
	cr_assert_str_eq(o.passworddir, "");
	cr_assert_eq(o.passwordaccess, OPT_PASSWORD_PROMPT);
	cr_assert_eq(o.has_fingerprint, 0);
	/* SSLREQUIRED is the only setting Bulwark does not follow here. */
	cr_assert_eq(o.nnotes, 1);
	cr_assert(has_note(&o, "dsm.sys: accepted and not followed: "
	    "SSLREQUIRED SERVERONLY (line 25): does not apply"), "note: %s",
	    o.notes[0]);

	/* Without the user file, DEFAULTSERVER picks server_a. */
	expect_ok(load_files(sys, NULL, NULL, &o));
	cr_assert_str_eq(o.servername, "server_a");
	cr_assert_str_eq(o.address, "node.domain.company.COM");
	cr_assert_str_eq(o.port, "1500");
	cr_assert_str_eq(o.adminport, "1500");
	cr_assert_eq(o.commmethod, OPT_COMM_TCPIP);
	cr_assert_eq(o.passwordaccess, OPT_PASSWORD_GENERATE);
	cr_assert_str_eq(o.nodename, "CLIENT01");
	cr_assert_str_eq(o.passworddir, "/etc/adsm");
	/* IBM's defaults for what the stanza does not say. */
	cr_assert_eq(o.ssl, 0);
	cr_assert_eq(o.fipsmode, 0);
	cr_assert_eq(o.acceptcert, 1);
	cr_assert_eq(o.disablelegacy, 0);
	cr_assert_eq(o.sslrequired, OPT_SSLREQ_DEFAULT);
	cr_assert_eq(o.systemca, 0);
	cr_assert_str_eq(o.sandbox_user, "nobody");
	cr_assert_eq(o.nnotes, 0);
}

Test(options, defaults_and_minimal_stanza)
{
	struct bwk_options o;

	expect_ok(load("SERVERNAME s\n TCPSERVERADDRESS 192.0.2.1\n", NULL,
	    NULL, &o));
	cr_assert_str_eq(o.servername, "s");
	cr_assert_str_eq(o.address, "192.0.2.1");
	cr_assert_str_eq(o.port, "1500");
	cr_assert_str_eq(o.adminport, "1500");
	cr_assert_eq(o.adminportnum, 1500);
	cr_assert_eq(o.commmethod, OPT_COMM_DEFAULT);
	cr_assert_str_eq(o.sandbox_user, "nobody");
	cr_assert_eq(o.handshaketimeout, 15);
	cr_assert_eq(o.commtimeout, 60);
}

/* The handshake's deadline and the idle limit, in the stanza or the
 * command line; COMMTIMEOUT abbreviates as IBM's (COMMT). */
Test(options, timeouts)
{
	char *argv[] = { "-bwkhandshaketimeout=3", NULL };
	struct bwk_options o;

	expect_ok(load("SERVERNAME s\n TCPS h\n COMMT 120\n"
	    " BWKHANDSHAKETIMEOUT 600\n", NULL, NULL, &o));
	cr_assert_eq(o.commtimeout, 120);
	cr_assert_eq(o.handshaketimeout, 600);
	expect_ok(load("SERVERNAME s\n TCPS h\n BWKHANDSHAKETIMEOUT 30\n",
	    NULL, argv, &o));
	cr_assert_eq(o.handshaketimeout, 3);
	expect_error(load("SERVERNAME s\n TCPS h\n BWKHANDSHAKETIMEOUT 601\n",
	    NULL, NULL, &o), "BWK0811E", "dsm.sys:3: '601' is not a valid "
	    "value of BWKHANDSHAKETIMEOUT; give a number of seconds from 1 to "
	    "600");
	expect_error(load("SERVERNAME s\n TCPS h\n COMMTIMEOUT 0\n", NULL,
	    NULL, &o), "BWK0811E", "dsm.sys:3:");
	expect_error(load("SERVERNAME s\n TCPS h\n COMMTIMEOUT 10s\n", NULL,
	    NULL, &o), "BWK0811E", "dsm.sys:3:");
}

static const char three[] =
"DEFAULTSERVER two\n"
"SERVERNAME one\n TCPS one.example\n"
"SERVERNAME two\n TCPS two.example\n"
"SERVERNAME three\n TCPS three.example\n";

static const char three_nodefault[] =
"SERVERNAME one\n TCPS one.example\n"
"SERVERNAME two\n TCPS two.example\n"
"SERVERNAME three\n TCPS three.example\n";

Test(options, stanza_selection)
{
	struct bwk_options o;
	char *cli[] = { "-servername=THREE", NULL };
	char *cli_se[] = { "-se=one", NULL };

	/* The first stanza when nothing chooses. */
	expect_ok(load(three_nodefault, NULL, NULL, &o));
	cr_assert_str_eq(o.servername, "one");
	cr_assert_str_eq(o.address, "one.example");
	/* DEFAULTSERVER beats the first stanza. */
	expect_ok(load(three, NULL, NULL, &o));
	cr_assert_str_eq(o.address, "two.example");
	/* The user file's SERVERNAME beats DEFAULTSERVER (case ignored). */
	expect_ok(load(three, "SErvername ONE\n", NULL, &o));
	cr_assert_str_eq(o.servername, "one");
	cr_assert_str_eq(o.address, "one.example");
	/* The command line beats the user file; the stanza's spelling wins. */
	expect_ok(load(three, "SErvername one\n", cli, &o));
	cr_assert_str_eq(o.servername, "three");
	cr_assert_str_eq(o.address, "three.example");
	expect_ok(load(three_nodefault, NULL, cli_se, &o));
	cr_assert_str_eq(o.address, "one.example");
	/* The last stanza runs to the end of the file. */
	expect_ok(load("SERVERNAME a\n TCPS a.example\nSERVERNAME b\n"
	    " TCPS b.example\n TCPP 7\n", "SE b", NULL, &o));
	cr_assert_str_eq(o.address, "b.example");
	cr_assert_str_eq(o.port, "7");
}

Test(options, stanza_not_found)
{
	struct bwk_options o;
	char *cli[] = { "-servername=four", NULL };

	expect_error(load(three, NULL, cli, &o), "BWK0819E",
	    "-servername=four");
	cr_assert(strstr(errtext, "one, two, three") != NULL, "%s", errtext);
	expect_error(load(three, "\nSERVERNAME five\n", NULL, &o),
	    "BWK0819E", "dsm.opt:2: SERVERNAME five");
	expect_error(load("DEFAULTSERVER six\nSERVERNAME one\n TCPS h\n",
	    NULL, NULL, &o), "BWK0819E", "dsm.sys:1: DEFAULTSERVER six");
	expect_error(load("* nothing\n", NULL, NULL, &o), "BWK0827E",
	    "dsm.sys");
	expect_error(load(NULL, NULL, NULL, &o), "BWK0821E", NULL);
}

Test(options, abbreviations)
{
	static const struct {
		const char *full, *min, *value;
	} t[] = {
		{ "TCPSERVERADDRESS", "TCPS", "h.example" },
		{ "TCPPORT", "TCPP", "1501" },
		{ "TCPADMINPORT", "TCPADMINP", "1502" },
		{ "NODENAME", "NOD", "n" },
		{ "PASSWORDACCESS", "PASSWORDA", "generate" },
		{ "PASSWORDDIR", "PASSWORDDIR", "/d" },
		{ "SSL", "SSL", "yes" },
		{ "SSLFIPSMODE", "SSLFIPSMODE", "yes" },
		{ "SSLACCEPTCERTFROMSERV", "SSLACCEPTCERTFROMSERV", "no" },
		{ "SSLDISABLELEGACYTLS", "SSLDISABLELEGACY", "yes" },
		{ "SSLREQUIRED", "SSLREQ", "yes" },
		{ "COMMMETHOD", "COMMM", "tcpip" },
	};
	struct bwk_options o;
	char buf[512], name[64];
	size_t i, n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (n = strlen(t[i].min); n <= strlen(t[i].full); n++) {
			size_t k;

			/* Alternate the case of the letters. */
			for (k = 0; k < n; k++)
				name[k] = (char)(k % 2 ? t[i].full[k] :
				    t[i].full[k] | 0x20);
			name[n] = '\0';
			snprintf(buf, sizeof(buf), "se s\n%s %s\n%s",
			    name, t[i].value, i == 0 ? "" : "tcps h.example\n");
			expect_ok(load(buf, NULL, NULL, &o));
		}
		/* One letter less is too short. */
		if (strlen(t[i].min) > 3) {
			snprintf(buf, sizeof(buf), "se s\n tcps h\n %.*s %s\n",
			    (int)strlen(t[i].min) - 1, t[i].full, t[i].value);
			cr_assert_eq(load(buf, NULL, NULL, &o), -1, "%s", buf);
		}
	}
	expect_ok(load("SE s\n tcps h\n TCPP 1501\n TCPADMINP 1502\n "
	    "SSLDISABLELEGACY yes\n SSLREQ yes\n PASSWORDA generate\n", NULL,
	    NULL, &o));
	cr_assert_str_eq(o.port, "1501");
	cr_assert_str_eq(o.adminport, "1502");
	cr_assert_eq(o.disablelegacy, 1);
	cr_assert_eq(o.sslrequired, OPT_SSLREQ_YES);
	cr_assert_eq(o.passwordaccess, OPT_PASSWORD_GENERATE);
	/* DEFAULTS is DEFAULTSERVER's minimum. */
	expect_ok(load("defaults b\nse a\n tcps a\nse b\n tcps b\n", NULL,
	    NULL, &o));
	cr_assert_str_eq(o.address, "b");
	/* Bulwark's own options are written in full. */
	expect_error(load("se s\n tcps h\n BWKSYSTEM yes\n", NULL, NULL, &o),
	    "BWK0806E", "dsm.sys:3: 'BWKSYSTEM' is too short an abbreviation "
	    "of BWKSYSTEMCA; write at least BWKSYSTEMCA");
}

Test(options, error_unknown_option)
{
	struct bwk_options o;

	expect_error(load("se s\n tcps h\n ERRORLOGNOME /var/log/x\n", NULL,
	    NULL, &o), "BWK0804E", "dsm.sys:3: unknown option 'ERRORLOGNOME'");
	expect_error(load("se s\n tcps h\n tcpserveraddressx h\n", NULL, NULL,
	    &o), "BWK0804E", "dsm.sys:3:");
	expect_error(load("se s\n tcps h\n", "\n\n  BOGUS 1\n", NULL, &o),
	    "BWK0804E", "dsm.opt:3:");
	expect_error(load("se s\n tcps=h\n", NULL, NULL, &o), "BWK0826E",
	    "dsm.sys:2:");
}

Test(options, error_ambiguous_abbreviation)
{
	struct bwk_options o;

	expect_error(load("se s\n tcps h\n PASSWORDD /d\n", NULL, NULL,
	    &o), "BWK0806E", "dsm.sys:3: 'PASSWORDD' is too short an "
	    "abbreviation of PASSWORDDIR; write at least PASSWORDDIR");
	expect_error(load("se s\n tcps h\n COMPRESS yes\n", NULL, NULL,
	    &o), "BWK0805E", "dsm.sys:3: 'COMPRESS' is ambiguous: it could be "
	    "COMPRESSION or COMPRESSALWAYS; write at least COMPRESSI or "
	    "COMPRESSA");
	expect_error(load("se s\n tcp h\n", NULL, NULL, &o), "BWK0805E",
	    "dsm.sys:2: 'tcp' is ambiguous");
	expect_error(load("se s\n tcps h\n sslr yes\n", NULL, NULL, &o),
	    "BWK0805E", "write at least SSLREQ or SSLREVOCATION");
	expect_error(load("se s\n tcps h\n sslreq\n", NULL, NULL, &o),
	    "BWK0807E", "SSLREQUIRED needs a value");
}

Test(options, error_bad_values)
{
	static const char *const bad[] = {
		"TCPPORT 0", "TCPPORT 65536", "TCPPORT 15x", "TCPPORT -1",
		"TCPPORT +15", "TCPPORT 99999999999999999999",
		"TCPADMINPORT 0", "SSL maybe", "SSL Y", "SSLFIPSMODE on",
		"SSLREQUIRED always", "COMMMETHOD SHAREDMEM",
		"COMMMETHOD NAMEDPIPE", "PASSWORDACCESS gen",
		"PASSWORDDIR relative/dir", "NODENAME -n",
		"NODENAME a/b",
		("NODENAME 12345678901234567890123456789012345678901234567890"
		    "123456789012345"),
		"TCPSERVERADDRESS -h", "TCPSERVERADDRESS 127.1",
		"TCPSERVERADDRESS 0x7f000001", "TCPSERVERADDRESS 1.2.3.256",
		"TCPSERVERADDRESS a..b", "TCPSERVERADDRESS [::1]",
		"TCPSERVERADDRESS fe80::1%eth0", "TCPSERVERADDRESS a_b.example",
		"TCPSERVERADDRESS -.example", "TCPSERVERADDRESS a-.example",
		("TCPSERVERADDRESS "	/* 65 characters */
		    "a123456789012345678901234567890.b1234567890123456789012"
		    "3456789012"),
		("TCPSERVERADDRESS "	/* a 64-character label */
		    "a1234567890123456789012345678901234567890123456789012345"
		    "67890123"),
		"BWKSYSTEMCA 1", "BWKSANDBOXUSER 0day", "BWKSANDBOXUSER a:b",
		"BWKSANDBOXUSER 123456789012345678901234567890123",
		"BWKSERVERFINGERPRINT 00", "BWKSERVERFINGERPRINT zz",
	};
	struct bwk_options o;
	char buf[512];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf), "SERVERNAME s\n%s\n%s", bad[i],
		    strncmp(bad[i], "TCPS", 4) == 0 ? "" :
		    "  TCPSERVERADDRESS h\n");
		expect_error(load(buf, NULL, NULL, &o), "BWK0811E",
		    "dsm.sys:2:");
	}
	expect_error(load("SERVERNAME -s\n", NULL, NULL, &o), "BWK0811E",
	    "dsm.sys:1:");
	expect_error(load("SERVERNAME a\"b\n", NULL, NULL, &o), "BWK0811E",
	    "dsm.sys:1:");
	expect_error(load(three, "SERVERNAME a,b\n", NULL, &o), "BWK0811E",
	    "dsm.opt:1:");
	/* The message names the option and shows the value. */
	expect_error(load("se s\n tcpp 99999\n", NULL, NULL, &o), "BWK0811E",
	    "dsm.sys:2: '99999' is not a valid value of TCPPORT; give a port "
	    "number from 1 to 65535");
}

Test(options, good_values)
{
	static const char *const good[] = {
		"TCPSERVERADDRESS 10.0.0.1", "TCPSERVERADDRESS ::1",
		"TCPSERVERADDRESS 2001:db8::1:2", "TCPSERVERADDRESS ::ffff:1.2.3.4",
		"TCPSERVERADDRESS tsm-01.example.com.",
		"TCPSERVERADDRESS 1tsm.example", "TCPSERVERADDRESS localhost",
		("TCPSERVERADDRESS "	/* 64 characters */
		    "a123456789012345678901234567890.b1234567890123456789012"
		    "345678901"),
		("TCPSERVERADDRESS "	/* a 63-character label */
		    "a1234567890123456789012345678901234567890123456789012345"
		    "6789012"),
		"TCPSERVERADDRESS 'host.example'",
	};
	struct bwk_options o;
	char buf[512];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(buf, sizeof(buf), "SERVERNAME s\n%s\n", good[i]);
		expect_ok(load(buf, NULL, NULL, &o));
	}
	expect_ok(load("se s\n tcps h\n tcpp 00080\n ssl YeS\n"
	    " sslrequired No\n nodename Node_1.a+b&c-d\n"
	    " passworddir \"/var/lib/my keys\"\n bwksandboxuser bwk-net\n",
	    NULL, NULL, &o));
	cr_assert_str_eq(o.port, "80", "canonical port text");
	cr_assert_eq(o.portnum, 80);
	cr_assert_eq(o.ssl, 1);
	cr_assert_eq(o.sslrequired, OPT_SSLREQ_NO);
	cr_assert_str_eq(o.nodename, "Node_1.a+b&c-d");
	cr_assert_str_eq(o.passworddir, "/var/lib/my keys");
	cr_assert_str_eq(o.sandbox_user, "bwk-net");
}

Test(options, error_duplicates)
{
	struct bwk_options o;

	expect_error(load("se s\n tcps h\n tcpport 1\n TCPP 2\n", NULL, NULL,
	    &o), "BWK0812E", "dsm.sys:4: TCPPORT is given twice in stanza s "
	    "(first at line 3)");
	/* The same option in two stanzas is fine. */
	expect_ok(load("se s\n tcps h\n se t\n tcps h\n", NULL, NULL, &o));
	expect_error(load("se s\n tcps h\nse S\n", NULL, NULL, &o),
	    "BWK0816E", "dsm.sys:3: stanza S is already defined at line 1");
	expect_error(load("defaults s\ndefaultserver s\nse s\n tcps h\n",
	    NULL, NULL, &o), "BWK0812E", "dsm.sys:2: DEFAULTSERVER is given "
	    "twice");
	expect_error(load(three, "se one\nse two\n", NULL, &o), "BWK0812E",
	    "dsm.opt:2: SERVERNAME is given twice");
}

Test(options, error_outside_stanza)
{
	struct bwk_options o;

	expect_error(load("* the address first\nTCPS h\nSE s\n", NULL, NULL,
	    &o), "BWK0813E", "dsm.sys:2: TCPSERVERADDRESS is outside any "
	    "server stanza");
	expect_error(load("se s\n tcps h\nDEFAULTSERVER s\n", NULL, NULL, &o),
	    "BWK0815E", "dsm.sys:3: DEFAULTSERVER must come before the first "
	    "SERVERNAME stanza (line 1)");
}

Test(options, error_connection_option_in_user_file)
{
	struct bwk_options o;
	static const char *const conn[] = {
		"TCPSERVERADDRESS h", "TCPPORT 1500", "TCPADMINPORT 1500",
		"SSL yes", "SSLFIPSMODE yes", "SSLACCEPTCERTFROMSERV no",
		"SSLDISABLELEGACYTLS yes", "SSLREQUIRED yes", "NODENAME n",
		"PASSWORDACCESS generate", "PASSWORDDIR /d", "COMMMETHOD tcpip",
		"BWKSYSTEMCA yes", "BWKSANDBOXUSER u",
		("BWKSERVERFINGERPRINT 00112233445566778899aabbccddeeff"
		    "00112233445566778899aabbccddeeff"),
	};
	char buf[256];
	size_t i;

	for (i = 0; i < sizeof(conn) / sizeof(conn[0]); i++) {
		snprintf(buf, sizeof(buf), "SERVERNAME one\n  %s\n", conn[i]);
		expect_error(load(three, buf, NULL, &o), "BWK0814E",
		    "dsm.opt:2:");
		cr_assert(strstr(errtext, "move it into the stanza") != NULL,
		    "%s", errtext);
		cr_assert(strstr(errtext, "dsm.sys") != NULL, "%s", errtext);
	}
	expect_error(load(three, "DEFAULTSERVER one\n", NULL, &o), "BWK0815E",
	    "dsm.opt:1: DEFAULTSERVER belongs in the system options file");
}

Test(options, error_quoting_and_trailing_text)
{
	struct bwk_options o;

	expect_error(load("se s\n tcps h\n passwordaccess \"generate\"\n",
	    NULL, NULL, &o), "BWK0809E", "dsm.sys:3: the value of "
	    "PASSWORDACCESS must not be quoted; write PASSWORDACCESS generate");
	expect_error(load("se s\n tcps h\n ssl 'yes'\n", NULL, NULL, &o),
	    "BWK0809E", "dsm.sys:3:");
	expect_error(load("se s\n tcps h\n tcpport \"1500\"\n", NULL, NULL,
	    &o), "BWK0809E", "dsm.sys:3:");
	expect_error(load("se s\n tcps h 1500\n", NULL, NULL, &o), "BWK0808E",
	    "dsm.sys:2: unexpected text '1500' after the value");
	expect_error(load("se s\n tcps h * comment\n", NULL, NULL, &o),
	    "BWK0808E", "dsm.sys:2:");
	expect_error(load("se s\n tcps h\n passworddir /my dir\n", NULL, NULL,
	    &o), "BWK0808E", "quote a value that contains blanks");
	expect_error(load("se s\n tcps h\n passworddir \"/my dir\"x\n", NULL,
	    NULL, &o), "BWK0808E", "dsm.sys:3:");
	expect_error(load("se s\n tcps h\n passworddir \"/my dir\n", NULL,
	    NULL, &o), "BWK0810E", "dsm.sys:3:");
	expect_error(load("se s\n tcps\n", NULL, NULL, &o), "BWK0807E",
	    "dsm.sys:2: TCPSERVERADDRESS needs a value");
	expect_error(load("se s\n tcps \"\"\n", NULL, NULL, &o), "BWK0811E",
	    "dsm.sys:2:");
	/* Quotes are fine on names and paths, blanks or not. */
	expect_ok(load("se 's'\n tcps \"h.example\"\n passworddir '/a b'\n",
	    NULL, NULL, &o));
	cr_assert_str_eq(o.passworddir, "/a b");
}

Test(options, comments_blanks_and_line_ends)
{
	static const char nul[] = "se s\n tc\0ps h\n";
	struct bwk_options o;

	expect_ok(load("\xef\xbb\xbf* IBM style\r\n# hash style\r\n"
	    "   * indented\r\n\t\r\n\tSErvername\t s \r\n\t tcps\th.example\r\n"
	    "  tcpp   1501   ", NULL, NULL, &o));
	cr_assert_str_eq(o.servername, "s");
	cr_assert_str_eq(o.address, "h.example");
	cr_assert_str_eq(o.port, "1501");
	expect_error(load("se s\n tcps h\n\x01\n", NULL, NULL, &o),
	    "BWK0818E", "dsm.sys:3: the line contains a control character "
	    "(byte 0x01)");
	/* A NUL in the middle of the file is a control character too. */
	cap_begin();
	cr_assert_eq(options_load_buffers("dsm.sys", nul, sizeof(nul) - 1,
	    NULL, NULL, 0, 0, NULL, &o), -1);
	cap_end();
	expect_error(-1, "BWK0818E", "dsm.sys:2:");
}

Test(options, error_long_line_and_big_file)
{
	struct bwk_options o;
	char *buf;
	size_t n;

	/* 1024 characters is the longest line, without its CR LF. */
	buf = malloc(OPT_MAX_FILE + 2);
	cr_assert_not_null(buf);
	n = (size_t)sprintf(buf, "se s\n tcps h\n*");
	memset(buf + n, 'x', 1023);
	strcpy(buf + n + 1023, "\r\n");
	expect_ok(load(buf, NULL, NULL, &o));
	buf[n + 1023] = 'x';
	strcpy(buf + n + 1024, "\n");
	expect_error(load(buf, NULL, NULL, &o), "BWK0803E",
	    "dsm.sys:3: the line is longer than 1024 characters");

	/* 256 KiB of blank lines is fine; one byte more is not. */
	memset(buf, '\n', OPT_MAX_FILE + 1);
	memcpy(buf, "se s\n tcps h\n", 13);
	buf[OPT_MAX_FILE] = '\0';
	expect_ok(load(buf, NULL, NULL, &o));
	expect_ok(load_files(file("big.sys", buf), NULL, NULL, &o));
	buf[OPT_MAX_FILE] = '\n';
	buf[OPT_MAX_FILE + 1] = '\0';
	expect_error(load(buf, NULL, NULL, &o), "BWK0802E",
	    "dsm.sys: larger than 256 KiB");
	expect_error(load_files(file("big.sys", buf), NULL, NULL, &o),
	    "BWK0802E", "big.sys: larger than 256 KiB");
	free(buf);
}

Test(options, error_too_many_stanzas)
{
	struct bwk_options o;
	char *buf;
	size_t n = 0;
	int i;

	buf = malloc(65536);
	cr_assert_not_null(buf);
	for (i = 0; i < OPT_MAX_STANZAS; i++)
		n += (size_t)sprintf(buf + n, "SE s%d\n TCPS h%d\n", i, i);
	expect_ok(load(buf, NULL, NULL, &o));
	cr_assert_str_eq(o.servername, "s0");
	sprintf(buf + n, "SE last\n TCPS h\n");
	expect_error(load(buf, NULL, NULL, &o), "BWK0817E",
	    "dsm.sys:513: more than 256 server stanzas");
	free(buf);
}

Test(options, error_files)
{
	struct bwk_options o;
	const char *fifo = t_path("fifo");

	expect_error(load_files(t_path("nonexistent.sys"), NULL, NULL, &o),
	    "BWK0800E", "nonexistent.sys: cannot open the options file: No "
	    "such file or directory");
	expect_error(load_files(file("dsm.sys", three), t_path("none.opt"),
	    NULL, &o), "BWK0800E", "none.opt:");
	expect_error(load_files(t_tmpdir(), NULL, NULL, &o), "BWK0801E",
	    "is a directory; name the options file in it");
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	expect_error(load_files(file("dsm.sys", three), fifo, NULL, &o),
	    "BWK0801E", "fifo: not a regular file");
	expect_error(load_files("/dev/null", NULL, NULL, &o), "BWK0801E",
	    "/dev/null: not a regular file");
	if (geteuid() != 0) {
		const char *p = file("locked.sys", three);

		cr_assert_eq(chmod(p, 0), 0);
		expect_error(load_files(p, NULL, NULL, &o), "BWK0800E",
		    "Permission denied");
	}
}

Test(options, error_missing_address)
{
	struct bwk_options o;
	char *cli_only[] = { "-servername=x", NULL };

	expect_error(load("DEFAULTSERVER b\nse a\n tcps h\n\nse b\n tcpp 1\n",
	    NULL, NULL, &o), "BWK0820E", "dsm.sys:5: stanza b has no "
	    "TCPSERVERADDRESS");
	expect_error(load(NULL, NULL, cli_only, &o), "BWK0820E", "server x");
	expect_error(load(NULL, "SE y\n", NULL, &o), "BWK0820E", "server y");
}

Test(options, ipv6_needs_v6tcpip)
{
	struct bwk_options o;
	char *cli[] = { "-tcps=::1", NULL };

	expect_error(load("se s\n commmethod tcpip\n tcps 2001:db8::1\n", NULL,
	    NULL, &o), "BWK0825E", "dsm.sys:2: COMMMETHOD TCPIP");
	expect_error(load("se s\n commmethod tcpip\n tcps h\n", NULL, cli,
	    &o), "BWK0825E", "dsm.sys:2:");
	expect_ok(load("se s\n commmethod v6tcpip\n tcps 2001:db8::1\n", NULL,
	    NULL, &o));
	expect_ok(load("se s\n tcps 2001:db8::1\n", NULL, NULL, &o));
}

Test(options, command_line_overrides)
{
	struct bwk_options o;
	char *cli[] = { "-tcps=other.example", "-TCPPort=1700",
	    "-nodename=me", "-passworddir=/srv/keys", "-bwksystemca=yes",
	    "-bwksandboxuser=bwk", NULL };

	expect_ok(load("se s\n tcps h\n tcpp 1600\n nod n\n passworddir /a\n"
	    " bwksystemca no\n bwksandboxuser u\n", NULL, cli, &o));
	cr_assert_str_eq(o.address, "other.example");
	cr_assert_str_eq(o.port, "1700");
	cr_assert_str_eq(o.adminport, "1700", "TCPADMINPORT follows TCPPORT");
	cr_assert_str_eq(o.nodename, "me");
	cr_assert_str_eq(o.passworddir, "/srv/keys");
	cr_assert_eq(o.systemca, 1);
	cr_assert_str_eq(o.sandbox_user, "bwk");
	/* An explicit TCPADMINPORT stays. */
	expect_ok(load("se s\n tcps h\n tcpadminport 1601\n", NULL, cli, &o));
	cr_assert_str_eq(o.adminport, "1601");
	/* No files at all: the command line alone. */
	{
		char *only[] = { "-se=solo", "-tcps=192.0.2.9", NULL };

		expect_ok(load(NULL, NULL, only, &o));
		cr_assert_str_eq(o.servername, "solo");
		cr_assert_str_eq(o.address, "192.0.2.9");
		cr_assert_str_eq(o.port, "1500");
	}
}

Test(options, command_line_errors)
{
	struct bwk_options o;
	static const char *const tls[] = { "-ssl=yes", "-sslfipsmode=yes",
	    "-sslacceptcertfromserv=no", "-SSLDISABLELEGACYtls=yes",
	    "-sslreq=yes" };
	char *args[3] = { NULL, NULL, NULL };
	size_t i;

	for (i = 0; i < sizeof(tls) / sizeof(tls[0]); i++) {
		args[0] = (char *)tls[i];
		expect_error(load(three, NULL, args, &o), "BWK0822E",
		    "command line");
		cr_assert(strstr(errtext, "put it in the server's stanza of the "
		    "system options file") != NULL, "%s", errtext);
	}
	/* bulwark admin's port may be given as dsmadmc takes it */
	args[0] = "-tcpadminport=1601";
	expect_ok(load(three, NULL, args, &o));
	cr_assert_str_eq(o.adminport, "1601");
	args[0] = "-tcpadminport=0";
	expect_error(load(three, NULL, args, &o), "BWK0811E",
	    "command line, -tcpadminport=0: '0' is not a valid value of "
	    "TCPADMINPORT");
	args[0] = "-passwordaccess=generate";
	expect_error(load(three, NULL, args, &o), "BWK0823E", NULL);
	args[0] = "-defaultserver=one";
	expect_error(load(three, NULL, args, &o), "BWK0823E", NULL);
	args[0] = "-tcpport";
	expect_error(load(three, NULL, args, &o), "BWK0824E", "-tcpport");
	args[0] = "---tcpport=1";
	expect_error(load(three, NULL, args, &o), "BWK0824E", NULL);
	args[0] = "tcpport=1";
	expect_error(load(three, NULL, args, &o), "BWK0824E", NULL);
	args[0] = "-=1";
	expect_error(load(three, NULL, args, &o), "BWK0824E", NULL);
	args[0] = "-tcpport=0";
	expect_error(load(three, NULL, args, &o), "BWK0811E",
	    "command line, -tcpport=0: '0' is not a valid value of TCPPORT");
	args[0] = "-bogus=1";
	expect_error(load(three, NULL, args, &o), "BWK0804E", NULL);
	/* a typo on the command line is not told to comment a line out */
	args[0] = "-tcpprot=1";
	expect_error(load(three, NULL, args, &o), "BWK0804E", "command line, "
	    "-tcpprot=1: unknown option 'tcpprot' (did you mean -tcpport?); "
	    "see bulwark check --help");
	cr_assert(strstr(errtext, "comment") == NULL, "%s", errtext);
	args[0] = "-tcpp=1";
	args[1] = "-tcpport=2";
	expect_error(load(three, NULL, args, &o), "BWK0812E",
	    "TCPPORT is given twice on the command line");
	args[0] = "-optfile=/a";
	args[1] = "-OPTFILE=/b";
	expect_error(load(three, NULL, args, &o), "BWK0812E", NULL);
	args[1] = NULL;
	args[0] = "-optfile=";
	expect_error(load(three, NULL, args, &o), "BWK0811E", NULL);
	/* A hostile argument is shown without its control characters. */
	args[0] = "-tcps=\x1b[2Jevil";
	expect_error(load(three, NULL, args, &o), "BWK0811E", NULL);
	cr_assert(strchr(errtext, '\x1b') == NULL, "%s", errtext);
}

Test(options, optfile)
{
	struct bwk_options o;
	const char *sys = file("dsm.sys", three);
	const char *other = file("other.opt", "SERVERNAME three\n");
	char arg[600];
	char *cli[] = { arg, NULL };

	file("dsm.opt", "SERVERNAME one\n");
	snprintf(arg, sizeof(arg), "-optfile=%s", other);
	expect_ok(load_files(sys, t_path("dsm.opt"), cli, &o));
	cr_assert_str_eq(o.servername, "three");
	/* -optfile works without a default user file too. */
	expect_ok(load_files(sys, NULL, cli, &o));
	cr_assert_str_eq(o.servername, "three");
	snprintf(arg, sizeof(arg), "-optfile=%s", t_path("missing.opt"));
	expect_error(load_files(sys, NULL, cli, &o), "BWK0800E",
	    "missing.opt");
}

Test(options, compatibility_notes)
{
	struct bwk_options o;

	expect_ok(load("se s\n tcps h\n SSLFIPSMODE no\n"
	    " SSLDISABLELEGACYTLS no\n SSL no\n SSLREQUIRED no\n", NULL, NULL,
	    &o));
	cr_assert_eq(o.fipsmode, 0);
	cr_assert_eq(o.disablelegacy, 0);
	cr_assert_eq(o.ssl, 0);
	/* one line for the file, each option with what Bulwark does */
	cr_assert_eq(o.nnotes, 1, "%zu notes", o.nnotes);
	cr_assert(has_note(&o, "dsm.sys: accepted and not followed: SSL NO "
	    "(line 5): Bulwark always uses TLS 1.2 and encrypts the whole "
	    "session"), "%s", o.notes[0]);
	cr_assert(has_note(&o, "; SSLFIPSMODE NO (line 3): Bulwark always "
	    "applies its FIPS-oriented TLS policy"), "%s", o.notes[0]);
	cr_assert(has_note(&o, "; SSLDISABLELEGACYTLS NO (line 4): Bulwark "
	    "speaks TLS 1.2 only"), "%s", o.notes[0]);
	cr_assert(has_note(&o, "; SSLREQUIRED NO (line 6): does not apply"),
	    "%s", o.notes[0]);
	/* YES settings are what Bulwark does anyway: no notes. */
	expect_ok(load("se s\n tcps h\n SSLFIPSMODE yes\n"
	    " SSLDISABLELEGACYTLS yes\n SSL yes\n SSLREVOCATION none\n", NULL,
	    NULL, &o));
	cr_assert_eq(o.nnotes, 0);
	/* Notes come from the chosen stanza only. */
	expect_ok(load("se a\n tcps h\nse b\n tcps h\n ssl no\n", NULL, NULL,
	    &o));
	cr_assert_eq(o.nnotes, 0);
}

Test(options, fingerprint)
{
	struct bwk_options o;
	static const uint8_t want[32] = {
		0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89,
		0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89,
		0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89,
		0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89,
	};
	char *cli[] = { "-BWKSERVERFINGERPRINT=abcdef0123456789abcdef0123456789"
	    "abcdef0123456789abcdef0123456789", NULL };
	char *badcli[] = { "-bwkserverfingerprint=abcd", NULL };

	expect_ok(load("se s\n tcps h\n BWKSERVERFINGERPRINT "
	    "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
	    "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89\n", NULL, NULL,
	    &o));
	cr_assert_eq(o.has_fingerprint, 1);
	cr_assert_eq(memcmp(o.fingerprint, want, 32), 0);
	expect_ok(load("se s\n tcps h\n", NULL, cli, &o));
	cr_assert_eq(o.has_fingerprint, 1);
	cr_assert_eq(memcmp(o.fingerprint, want, 32), 0);
	expect_ok(load("se s\n tcps h\n", NULL, NULL, &o));
	cr_assert_eq(o.has_fingerprint, 0);

	expect_error(load("se s\n tcps h\n BWKSERVERFINGERPRINT AB:CD\n", NULL,
	    NULL, &o), "BWK0811E", "dsm.sys:3: 'AB:CD' is not a valid value "
	    "of BWKSERVERFINGERPRINT");
	expect_error(load("se s\n tcps h\n BWKSERVERFINGERPRINT "
	    "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
	    "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:00\n", NULL, NULL,
	    &o), "BWK0811E", "dsm.sys:3:");
	expect_error(load("se s\n tcps h\n BWKSERVERFINGERPRINT "
	    "gbcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
	    "\n", NULL, NULL, &o), "BWK0811E", "dsm.sys:3:");
	expect_error(load("se s\n tcps h\n", NULL, badcli, &o), "BWK0811E",
	    "command line");
}

Test(options, nothing_partially_applied)
{
	struct bwk_options o, before;
	char *cli[] = { "-tcpp=1700", NULL };

	memset(&o, 0x5a, sizeof(o));
	memcpy(&before, &o, sizeof(o));
	/* The chosen stanza is complete before the error in the next one. */
	expect_error(load("se a\n tcps h\n ssl no\nse b\n tcps h\n tcpp 0\n",
	    NULL, cli, &o), "BWK0811E", "dsm.sys:6:");
	cr_assert_eq(memcmp(&o, &before, sizeof(o)), 0);
	expect_error(load_files(file("dsm.sys", three), t_path("none"), cli,
	    &o), "BWK0800E", NULL);
	cr_assert_eq(memcmp(&o, &before, sizeof(o)), 0);
}

Test(options, hostile_text_is_sanitized)
{
	struct bwk_options o;

	expect_error(load("se s\n tcps \xff\xfe\x9b" "31m\n", NULL, NULL, &o),
	    "BWK0811E", "dsm.sys:2:");
	cr_assert(strchr(errtext, '\x9b') == NULL, "%s", errtext);
	cr_assert(strchr(errtext, '\xff') == NULL, "%s", errtext);
}

/*
 * An existing pair from the old client with the everyday options that
 * were fatal before: it loads, the options Bulwark does not follow are
 * named on one line with what it does instead, and those the backup
 * sessions will use are read. dsm.opt holds DOMAIN, as nearly every one
 * does.
 */
static const char everyday_sys[] =
"* dsm.sys of a backup client\n"
"SErvername  tsm1\n"
"   COMMMethod            TCPip\n"
"   TCPPort               1500\n"
"   TCPServeraddress      tsm1.example.com\n"
"   PASSWORDAccess        generate\n"
"   NODename              host01\n"
"   ERRORLOGName          /var/log/tsm/dsmerror.log\n"
"   ERRORLOGRetention     14 D\n"
"   SCHEDLOGName          /var/log/tsm/dsmsched.log\n"
"   SCHEDLOGRetention     7\n"
"   INCLExcl              /opt/tivoli/tsm/client/ba/bin/inclexcl.def\n"
"   DOMain                /home /var\n"
"   SUbdir                yes\n"
"   TCPBuffsize           512\n"
"   TCPWindowsize         2048\n"
"   TCPNodelay            yes\n"
"   LARGECOMmbuffers      yes\n"
"   COMPRESSIon           yes\n"
"   TXNBytelimit          2G\n"
"   RESOURceutilization   10\n"
"   MANAGEDServices       schedule webclient\n"
"   SCHEDMODe             prompted\n"
"   ENCRYPTIONType        AES256\n"
"   ENCRYPTKey            save\n"
"   HTTPport              1581\n"
"   WEBports              1582 1583\n"
"   TCPCLIENTAddress      127.0.0.7\n"
"   TCPCLIENTPort         1501\n"
"   COMMRESTARTDuration   60\n"
"   COMMRESTARTInterval   15\n"
"   DEDUPLication         no\n"
"   ASNODEname            cluster01\n"
"   CLUSTERnode           no\n"
"   NFSTIMEout            10\n"
"   MAXCMDRetries         2\n"
"   RETRYPeriod           20\n"
"   QUERYSCHedperiod      12\n"
"   LANFREECommmethod     sharedmem\n"
"   VIRTUALNodename       host01v\n"
"   SSLREVOCATION         none\n"
"   INCLUDE               /home/.../* MC_HOME\n"
"   EXCLUDE               /.../core\n"
"   EXCLUDE.DIR           /home/*/tmp\n";

static const char everyday_opt[] =
"* dsm.opt\n"
"SErvername  tsm1\n"
"DOMain      ALL-LOCAL -/tmp\n"
"SUbdir      no\n";

Test(options, old_client_pair_loads_with_one_note)
{
	static const char *const noted[] = { "ERRORLOGRETENTION (line 9)",
	    "SCHEDLOGRETENTION (line 11)", "TCPBUFFSIZE (line 15)",
	    "TCPWINDOWSIZE (line 16)", "TCPNODELAY (line 17)",
	    "LARGECOMMBUFFERS (line 18)", "RESOURCEUTILIZATION (line 21)",
	    "MANAGEDSERVICES (line 22)", "SCHEDMODE (line 23)",
	    "ENCRYPTIONTYPE (line 24)", "ENCRYPTKEY (line 25)",
	    "HTTPPORT (line 26)", "WEBPORTS (line 27)",
	    "TCPCLIENTADDRESS (line 28)", "TCPCLIENTPORT (line 29)",
	    "COMMRESTARTDURATION (line 30)", "COMMRESTARTINTERVAL (line 31)",
	    "DEDUPLICATION (line 32)", "ASNODENAME (line 33)",
	    "CLUSTERNODE (line 34)", "NFSTIMEOUT (line 35)",
	    "MAXCMDRETRIES (line 36)", "RETRYPERIOD (line 37)",
	    "QUERYSCHEDPERIOD (line 38)", "LANFREECOMMMETHOD (line 39)",
	    "VIRTUALNODENAME (line 40)" };
	static const char *const used[] = { " ERRORLOGNAME (",
	    " SCHEDLOGNAME (", " INCLEXCL (", " DOMAIN (", " SUBDIR (",
	    " COMPRESSION (", " TXNBYTELIMIT (", " SSLREVOCATION",
	    " INCLUDE (", " EXCLUDE (", " EXCLUDE.DIR (", " NODENAME (",
	    " PASSWORDACCESS (" };
	struct bwk_options o;
	const char *p;
	size_t i;

	expect_ok(load_files(file("dsm.sys", everyday_sys),
	    file("dsm.opt", everyday_opt), NULL, &o));
	cr_assert_str_eq(o.servername, "tsm1");
	cr_assert_str_eq(o.address, "tsm1.example.com");
	cr_assert_eq(o.nnotes, 1, "%zu notes: %s", o.nnotes, o.notes[1]);
	cr_assert(has_note(&o, "dsm.sys: accepted and not followed: "),
	    "%s", o.notes[0]);
	for (i = 0; i < sizeof(noted) / sizeof(noted[0]); i++)
		cr_assert(has_note(&o, noted[i]), "%s not in: %s", noted[i],
		    o.notes[0]);
	for (i = 0; i < sizeof(used) / sizeof(used[0]); i++)
		cr_assert(!has_note(&o, used[i]), "%s noted: %s", used[i],
		    o.notes[0]);
	cr_assert(has_note(&o, "TCPBUFFSIZE (line 15), TCPWINDOWSIZE (line 16),"
	    " TCPNODELAY (line 17), LARGECOMMBUFFERS (line 18): the kernel "
	    "sizes Bulwark's TCP buffers"), "%s", o.notes[0]);
	/* what the backup sessions will use: read, the user file last */
	cr_assert_str_eq(o.errorlogname, "/var/log/tsm/dsmerror.log");
	cr_assert_str_eq(o.schedlogname, "/var/log/tsm/dsmsched.log");
	cr_assert_str_eq(o.inclexcl,
	    "/opt/tivoli/tsm/client/ba/bin/inclexcl.def");
	cr_assert_eq(o.compression, 1);
	cr_assert_eq(o.txnbytelimit, 2L * 1024 * 1024);
	cr_assert_eq(o.subdir, 0, "the user file overrides the stanza");
	/* DOMAIN adds up, as the old client's: the stanza's, then the user
	 * file's */
	cr_assert_eq(o.domain.n, 4);
	cr_assert_str_eq(p = opt_list_next(&o.domain, NULL), "/home");
	cr_assert_str_eq(p = opt_list_next(&o.domain, p), "/var");
	cr_assert_str_eq(p = opt_list_next(&o.domain, p), "ALL-LOCAL");
	cr_assert_str_eq(opt_list_next(&o.domain, p), "-/tmp");
	/* INCLEXCL's statements go in its place: before the stanza's */
	cr_assert_eq(o.inclexcl_at, 0);
	cr_assert_eq(o.rule_line[0], 42);
	cr_assert_eq(o.rule_line[2], 44);
	cr_assert(strlen(o.sysname) > 8 && strcmp(o.sysname +
	    strlen(o.sysname) - 8, "/dsm.sys") == 0, "%s", o.sysname);
	cr_assert_eq(o.rules.n, 3);
	cr_assert_str_eq(p = opt_list_next(&o.rules, NULL), "INCLUDE");
	cr_assert_str_eq(p = opt_list_next(&o.rules, p), "/home/.../*");
	cr_assert_str_eq(p = opt_list_next(&o.rules, p), "MC_HOME");
	cr_assert_str_eq(p = opt_list_next(&o.rules, p), "EXCLUDE");
	cr_assert_str_eq(p = opt_list_next(&o.rules, p), "/.../core");
	cr_assert_str_eq(p = opt_list_next(&o.rules, p), "");
	cr_assert_str_eq(p = opt_list_next(&o.rules, p), "EXCLUDE.DIR");
	/* without the user file, the stanza's DOMAIN and SUBDIR */
	expect_ok(load(everyday_sys, NULL, NULL, &o));
	cr_assert_eq(o.subdir, 1);
	cr_assert_eq(o.domain.n, 2);
	cr_assert_str_eq(opt_list_next(&o.domain, NULL), "/home");
}

/* A user file's own noted options get their own line. */
Test(options, user_file_note_is_its_own_line)
{
	struct bwk_options o;

	expect_ok(load("se s\n tcps h\n tcpb 32\n", "se s\nQUIET\n"
	    "DATEformat 3\n", NULL, &o));
	cr_assert_eq(o.nnotes, 2);
	cr_assert(strstr(o.notes[0], "dsm.sys: ") == o.notes[0]);
	cr_assert(strstr(o.notes[1], "dsm.opt: accepted and not followed: "
	    "QUIET (line 2), DATEFORMAT (line 3): Bulwark writes dates") ==
	    o.notes[1], "%s", o.notes[1]);
	expect_error(load("se s\n tcps h\n", "QUIET yes\n", NULL, &o),
	    "BWK0808E", "dsm.opt:1: QUIET takes no value");
}

/* What the backup sessions will use is checked now. */
Test(options, backup_options_checked_now)
{
	static const struct {
		const char *line, *where;
	} bad[] = {
		{ "DOMAIN /home relative", "'relative' is not a valid value of "
		    "DOMAIN" },
		{ "DOMAIN ALL-REMOTE", "DOMAIN" },
		{ "DOMAIN -ALL-LOCAL", "a path with '-' before it" },
		{ "INCLEXCL inclexcl.def", "give an absolute file name" },
		{ "ERRORLOGNAME dsmerror.log", "ERRORLOGNAME" },
		{ "SCHEDLOGNAME", "SCHEDLOGNAME needs a value" },
		{ "SUBDIR maybe", "give YES or NO" },
		{ "COMPRESSION on", "give YES or NO" },
		{ "TXNBYTELIMIT 299", "give a number of KB from 300" },
		{ "TXNBYTELIMIT 33G", "TXNBYTELIMIT" },
		{ "TXNBYTELIMIT 10T", "TXNBYTELIMIT" },
		{ "INCLUDE home/*", "not a valid pattern of INCLUDE" },
		{ "INCLUDE /home/[a-z/x", "not a valid pattern" },
		{ "INCLUDE /home/.../x/...", "not a valid pattern" },
		{ "INCLUDE /home/a.../x", "not a valid pattern" },
		{ "EXCLUDE /home//x", "not a valid pattern" },
		{ "EXCLUDE /home/../etc", "not a valid pattern" },
		{ "EXCLUDE /home/* MC", "EXCLUDE takes one pattern" },
		{ "INCLUDE /home/* MC extra", "INCLUDE takes a pattern and at "
		    "most a management class" },
		{ "INCLUDE /home/* a-class-name-longer-than-thirty",
		    "not a valid management class" },
		{ "TCPBUFFSIZE 513", "give a number from 1 to 512" },
		{ "SCHEDMODE sometimes", "give POLLING or PROMPTED" },
		{ "WEBPORTS 1581", "give two port numbers" },
		{ "ERRORLOGRETENTION 7 X", "give N (keep every entry)" },
		{ "MANAGEDSERVICES schedule cron", "give SCHEDULE, WEBCLIENT or "
		    "NONE, blank-separated" },
	};
	struct bwk_options o;
	char buf[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf), "se s\n tcps h\n %s\n", bad[i].line);
		expect_error(load(buf, NULL, NULL, &o), bad[i].line[0] == 'S' &&
		    strchr(bad[i].line, ' ') == NULL ? "BWK0807E" : "BWK0811E",
		    "dsm.sys:3:");
		cr_assert(strstr(errtext, bad[i].where) != NULL, "%s: %s",
		    bad[i].line, errtext);
	}
	expect_ok(load("se s\n tcps h\n txnb 25600\n"
	    " include \"/home/my files/*\"\n exclude.fs /tmp\n"
	    " include.file /etc/[a-z]*.conf\n domain ALL-LOCAL -/srv\n"
	    " domain /opt\n", NULL, NULL, &o));
	cr_assert_eq(o.txnbytelimit, 25600);
	cr_assert_eq(o.rules.n, 3);
	cr_assert_str_eq(opt_list_next(&o.rules, opt_list_next(&o.rules,
	    NULL)), "/home/my files/*");
	cr_assert_eq(o.domain.n, 3, "the DOMAIN lines of a stanza add up");
	/* the defaults */
	expect_ok(load("se s\n tcps h\n", NULL, NULL, &o));
	cr_assert_eq(o.txnbytelimit, 25600);
	cr_assert_eq(o.domain.n, 0);
	cr_assert_eq(o.rules.n, 0);
	cr_assert_eq(o.subdir, 0);
	cr_assert_eq(o.compression, 0);
}

/* Refused, with the reason and what to do, wherever they are. */
Test(options, refused_options_say_why)
{
	struct bwk_options o;
	char *cli[] = { "-password=secret", NULL };

	expect_error(load("se s\n tcps h\n PASsword secret\n", NULL, NULL, &o),
	    "BWK0829E", "dsm.sys:3: PASSWORD is refused: a password in an "
	    "options file");
	cr_assert(strstr(errtext, "bulwark-cert -nodepw") != NULL, "%s",
	    errtext);
	expect_error(load("se s\n tcps h\n", "PASSWORD x\n", NULL, &o),
	    "BWK0829E", "dsm.opt:1: PASSWORD is refused");
	expect_error(load("se s\n tcps h\n", NULL, cli, &o), "BWK0829E",
	    "command line, -password=secret: PASSWORD is refused");
	expect_error(load("se s\n tcps h\n INCLUDE.ENCRYPT /home/.../*\n",
	    NULL, NULL, &o), "BWK0829E", "dsm.sys:3: INCLUDE.ENCRYPT is "
	    "refused: Bulwark does not encrypt object data");
	expect_error(load("se s\n tcps h\n SSLREVOCATION ocsp\n", NULL, NULL,
	    &o), "BWK0829E", "dsm.sys:3: SSLREVOCATION ocsp is refused");
	/* in a stanza that is not the one used, too */
	expect_error(load("se a\n tcps h\nse b\n tcps h\n PASSWORD x\n", NULL,
	    NULL, &o), "BWK0829E", "dsm.sys:5:");
}

/* A name that is no option stays an error, with the nearest names. */
Test(options, unknown_option_suggests_the_nearest)
{
	struct bwk_options o;

	expect_error(load("se s\n TCPSERVERADRESS h\n", NULL, NULL, &o),
	    "BWK0804E", "dsm.sys:2: unknown option 'TCPSERVERADRESS' (did you "
	    "mean TCPServeraddress?)");
	expect_error(load("se s\n tcps h\n ERRORLOGNOME x\n", NULL, NULL, &o),
	    "BWK0804E", "(did you mean ERRORLOGName?)");
	expect_error(load("se s\n tcps h\n TCPPROT 1\n", NULL, NULL, &o),
	    "BWK0804E", "(did you mean TCPPort?)");
	expect_error(load("se s\n tcps h\n SCHEDMDOE polling\n", NULL, NULL,
	    &o), "BWK0804E", "(did you mean SCHEDMODe?)");
	expect_error(load("se s\n tcps h\n XYZZY 1\n", NULL, NULL, &o),
	    "BWK0804E", "unknown option 'XYZZY'; check the spelling");
	cr_assert(strstr(errtext, "docs/options.md") != NULL, "%s", errtext);
}

/* No two options share an abbreviation; a full name is always its own. */
Test(options, table_abbreviations_are_unique)
{
	int i, j;
	size_t n, li, lj, mx;

	for (i = 0; i < O_COUNT; i++) {
		cr_assert_not_null(opt_defs[i].name, "option %d has no entry",
		    i);
		li = strlen(opt_defs[i].name);
		cr_assert(opt_defs[i].min >= 1 && opt_defs[i].min <= li,
		    "%s", opt_defs[i].name);
		cr_assert_not_null(opt_defs[i].syntax, "%s", opt_defs[i].name);
		cr_assert_not_null(opt_use_text(i), "%s", opt_defs[i].name);
		for (j = i + 1; j < O_COUNT; j++) {
			lj = strlen(opt_defs[j].name);
			for (n = 0; n < li && n < lj &&
			    opt_defs[i].name[n] == opt_defs[j].name[n]; n++)
				;
			mx = opt_defs[i].min > opt_defs[j].min ?
			    opt_defs[i].min : opt_defs[j].min;
			cr_assert_lt(n, mx, "%s and %s share an abbreviation",
			    opt_defs[i].name, opt_defs[j].name);
			cr_assert(!(n == li && li >= opt_defs[j].min),
			    "%s abbreviates %s", opt_defs[i].name,
			    opt_defs[j].name);
			cr_assert(!(n == lj && lj >= opt_defs[i].min),
			    "%s abbreviates %s", opt_defs[j].name,
			    opt_defs[i].name);
		}
	}
}

/* -option value and --option=value on the command line, as in files. */
Test(options, command_line_forms)
{
	struct bwk_options o;
	char *two[] = { "-tcpport", "1700", "--nodename=me", "--TCPS",
	    "other.example", NULL };
	char *opt[] = { "-optfile", NULL, NULL };

	expect_ok(load(three, NULL, two, &o));
	cr_assert_str_eq(o.port, "1700");
	cr_assert_str_eq(o.nodename, "me");
	cr_assert_str_eq(o.address, "other.example");
	opt[1] = (char *)file("x.opt", "SERVERNAME three\n");
	expect_ok(load_files(file("dsm.sys", three), NULL, opt, &o));
	cr_assert_str_eq(o.servername, "three");
}

/*
 * The files choose the server, its port and first use: checked like the
 * key database, owner and mode, and every directory above, with the fix.
 */
Test(options, file_permissions_checked)
{
	struct bwk_options o;
	const char *p = file("dsm.sys", three), *sub;

	cr_assert_eq(chmod(p, 0666), 0);
	expect_error(load_files(p, NULL, NULL, &o), "BWK0831E", "dsm.sys: can "
	    "be changed by other users (mode 0666)");
	cr_assert(strstr(errtext, "fix: chmod go-w ") != NULL, "%s", errtext);
	cr_assert_eq(chmod(p, 0620), 0);
	expect_error(load_files(p, NULL, NULL, &o), "BWK0831E", NULL);
	cr_assert_eq(chmod(p, 0644), 0);
	expect_ok(load_files(p, NULL, NULL, &o));
	/* the user file too */
	cr_assert_eq(chmod(file("dsm.opt", "SERVERNAME one\n"), 0646), 0);
	expect_error(load_files(p, t_path("dsm.opt"), NULL, &o), "BWK0831E",
	    "dsm.opt: can be changed");
	/* a directory on the way that others may write */
	cr_assert_eq(mkdir(sub = t_path("open"), 0777), 0);
	cr_assert_eq(chmod(sub, 0777), 0);
	p = file("open/dsm.sys", three);
	expect_error(load_files(p, NULL, NULL, &o), "BWK0832E", "the directory "
	    "");
	cr_assert(strstr(errtext, "/open, on the way to it, can be changed by "
	    "other users (mode 0777)") != NULL, "%s", errtext);
	cr_assert(strstr(errtext, "fix: chmod go-w ") != NULL, "%s", errtext);
	/* sticky, as /tmp: fine */
	cr_assert_eq(chmod(sub, 01777), 0);
	expect_ok(load_files(p, NULL, NULL, &o));
	/* a file of another user, when we are root: chown */
	if (geteuid() == 0) {
		cr_assert_eq(chown(p, 65534, 65534), 0);
		expect_error(load_files(p, NULL, NULL, &o), "BWK0830E",
		    "dsm.sys: belongs to ");
		cr_assert(strstr(errtext, "fix: chown root ") != NULL, "%s",
		    errtext);
	}
}

/* The default system file may be absent; a named one may not. */
Test(options, default_system_file_may_be_absent)
{
	struct bwk_options o;
	char *cli[] = { "-se=solo", "-tcps=192.0.2.9", NULL };
	int r;

	cap_begin();
	r = options_load(t_path("bulwark.sys"), 1, NULL, 2, cli, &o);
	cap_end();
	expect_ok(r);
	cr_assert_str_eq(o.servername, "solo");
	cap_begin();
	r = options_load(t_path("bulwark.sys"), 1, NULL, 0, NULL, &o);
	cap_end();
	expect_error(r, "BWK0821E", "there is no system options file (");
	cr_assert(strstr(errtext, "bulwark.sys)") != NULL, "%s", errtext);
}
