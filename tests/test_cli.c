/*
 * The command lines of bulwark and bulwark-cert, against the real
 * programs: the same option forms in both (--opt=value, --opt value,
 * -opt=value, -opt value), -h, -help, --help, -version and --version after
 * any command, and a clear refusal, naming the fix, of what is wrong
 * (an unknown argument, a directory where a file is expected).
 */
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

static void setup(void) { t_tmpdir(); }
static void teardown(void) { t_cleanup(); }

TestSuite(cli, .init = setup, .fini = teardown, .timeout = 60);

static void
bulwark(struct run *r, const char *const *argv)
{
	t_run(r, "bulwark", argv, NULL);
}

Test(cli, help_and_version_after_every_command)
{
	static const char *const cmds[] = { NULL, "check", "policy", "verify",
	    "sandbox-check" };
	static const char *const help[] = { "-h", "-help", "--help" };
	static const char *const version[] = { "-version", "--version" };
	const char *argv[4];
	struct run r;
	size_t c, i;

	for (c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
		for (i = 0; i < sizeof(help) / sizeof(help[0]); i++) {
			argv[0] = cmds[c] != NULL ? cmds[c] : help[i];
			argv[1] = cmds[c] != NULL ? help[i] : NULL;
			argv[2] = NULL;
			bulwark(&r, argv);
			cr_assert_eq(r.status, 0, "%s %s: %s", argv[0],
			    argv[1] ? argv[1] : "", r.err);
			cr_assert(t_contains(r.out, "usage: bulwark"), "%s %s: "
			    "%s", argv[0], argv[1] ? argv[1] : "", r.out);
		}
		for (i = 0; i < sizeof(version) / sizeof(version[0]); i++) {
			argv[0] = cmds[c] != NULL ? cmds[c] : version[i];
			argv[1] = cmds[c] != NULL ? version[i] : NULL;
			argv[2] = NULL;
			bulwark(&r, argv);
			cr_assert_eq(r.status, 0);
			cr_assert(t_contains(r.out, "bulwark 0."), "%s", r.out);
		}
	}
	/* check --help lists the options the command line takes */
	bulwark(&r, (const char *[]){ "check", "--help", NULL });
	cr_assert(t_contains(r.out, "--sysfile FILE"), "%s", r.out);
	cr_assert(t_contains(r.out, "-TCPServeraddress"), "%s", r.out);
	cr_assert(t_contains(r.out, "Exit status"), "%s", r.out);
	for (i = 0; i < 5; i++) {
		static const char *const cert[] = { "-h", "-help", "--help",
		    "-version", "--version" };

		t_run(&r, "bulwark-cert", (const char *[]){ cert[i], NULL },
		    NULL);
		cr_assert_eq(r.status, 0, "%s: %s", cert[i], r.err);
		cr_assert(t_contains(r.out, i < 3 ? "usage: bulwark-cert" :
		    "bulwark-cert 0."), "%s: %s", cert[i], r.out);
	}
	/* after a command too */
	t_run(&r, "bulwark-cert", (const char *[]){ "-add", "-help", NULL },
	    NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
}

Test(cli, sandbox_check_refuses_unknown_arguments)
{
	struct run r;

	bulwark(&r, (const char *[]){ "sandbox-check", "--bogus", NULL });
	cr_assert_eq(r.status, 2);
	cr_assert(t_contains(r.err, "BWK0700E"), "%s", r.err);
	cr_assert(t_contains(r.err, "sandbox-check takes no arguments: "
	    "--bogus; see bulwark sandbox-check --help"), "%s", r.err);
	bulwark(&r, (const char *[]){ "sandbox-check", "--insecure-weak-sandbox",
	    NULL });
	cr_assert_eq(r.status, 2);
	/* its usage names no option it does not take */
	bulwark(&r, (const char *[]){ "sandbox-check", "--help", NULL });
	cr_assert(!t_contains(r.out, "--"), "%s", r.out);
}

Test(cli, bulwark_option_forms)
{
	const char *sys = t_sysfile("srv1", "127.0.0.1", "1", 0, NULL);
	char eq[600], chain[600];
	struct run r;

	/* a usage error in the options stops before any connection */
	snprintf(eq, sizeof(eq), "--sysfile=%s", sys);
	bulwark(&r, (const char *[]){ "check", eq, "-tcpport=0", NULL });
	cr_assert_eq(r.status, 2);
	cr_assert(t_contains(r.err, "'0' is not a valid value of TCPPORT"),
	    "%s", r.err);
	bulwark(&r, (const char *[]){ "check", "-sysfile", sys, "-tcpport",
	    "0", NULL });
	cr_assert(t_contains(r.err, "'0' is not a valid value of TCPPORT"),
	    "%s", r.err);
	bulwark(&r, (const char *[]){ "check", "--sysfile", sys,
	    "--servername=nosuch", NULL });
	cr_assert(t_contains(r.err, "BWK0819E"), "%s", r.err);
	snprintf(eq, sizeof(eq), "-sysfile=%s", sys);
	bulwark(&r, (const char *[]){ "check", eq, "-servername", "nosuch",
	    NULL });
	cr_assert(t_contains(r.err, "BWK0819E"), "%s", r.err);
	/* policy: --policy=FILE and -policy FILE */
	cr_assert_eq(t_write(t_path("p"), (const uint8_t *)"x\n", 2, 0644), 0);
	snprintf(eq, sizeof(eq), "--policy=%s", t_path("p"));
	bulwark(&r, (const char *[]){ "policy", eq, NULL });
	cr_assert(t_contains(r.err, "BWK0730E"), "%s", r.err);
	bulwark(&r, (const char *[]){ "policy", "-policy", t_path("p"), NULL });
	cr_assert(t_contains(r.err, "BWK0730E"), "%s", r.err);
	/* verify: -ca=FILE and --cert FILE alike */
	snprintf(eq, sizeof(eq), "-ca=%s", t_cert("ca.pem"));
	snprintf(chain, sizeof(chain), "--chain=%s", t_cert("inter.pem"));
	bulwark(&r, (const char *[]){ "verify", eq, chain, "-cert",
	    t_cert("leaf.pem"), "--purpose=serverAuth", NULL });
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	/* a command-line typo is not told to comment a line out */
	bulwark(&r, (const char *[]){ "check", "--sysfile", sys, "-tcpprot=1",
	    NULL });
	cr_assert(t_contains(r.err, "did you mean -tcpport?"), "%s", r.err);
	cr_assert(!t_contains(r.err, "comment"), "%s", r.err);
	bulwark(&r, (const char *[]){ "check", "stray", NULL });
	cr_assert_eq(r.status, 2);
	cr_assert(t_contains(r.err, "see bulwark check --help"), "%s", r.err);
}

Test(cli, bulwark_cert_option_forms)
{
	struct run r;

	cr_assert_eq(t_cert_cmd(&r, "-add", "-server=srv1",
	    "--file", t_cert("ec256.pem"), NULL), 0, "%s", r.err);
	cr_assert_eq(t_cert_cmd(&r, "--show", "--server=srv1", NULL), 0);
	cr_assert_eq(t_cert_cmd(&r, "-show", "-server", "srv1", NULL), 0);
	cr_assert_eq(t_cert_cmd(&r, "-expiring=30", NULL), 0);
	cr_assert_eq(t_cert_cmd(&r, "--expiring", "30", NULL), 0);
}

/* A directory given where a file is expected says so, in each place. */
Test(cli, directory_where_a_file_is_expected)
{
	const char *dir = t_tmpdir();
	char arg[600];
	struct run r;

	cr_assert_eq(t_cert_cmd(&r, "-add", "-server", "s", "-file", dir,
	    NULL), 3);
	cr_assert(t_contains(r.err, "it is a directory; give -file the path "
	    "of the certificate file itself"), "%s", r.err);
	cr_assert_eq(t_cert_cmd(&r, "-add", "-client", "-server", "s", "-file",
	    t_cert("ec256.pem"), "-key", dir, NULL), 3);
	cr_assert(t_contains(r.err, "it is a directory; give -key the path "
	    "of the private key file itself"), "%s", r.err);
	bulwark(&r, (const char *[]){ "policy", "--policy", dir, NULL });
	cr_assert(t_contains(r.err, "Is a directory"), "%s", r.err);
	bulwark(&r, (const char *[]){ "check", "--sysfile", dir, NULL });
	cr_assert(t_contains(r.err, "is a directory; name the options file"),
	    "%s", r.err);
	snprintf(arg, sizeof(arg), "-optfile=%s", dir);
	bulwark(&r, (const char *[]){ "check", "--sysfile",
	    t_sysfile("s", "127.0.0.1", "1", 0, NULL), arg, NULL });
	cr_assert(t_contains(r.err, "is a directory"), "%s", r.err);
	bulwark(&r, (const char *[]){ "verify", "--ca", dir, "--cert",
	    t_cert("leaf.pem"), NULL });
	cr_assert(t_contains(r.err, "Is a directory"), "%s", r.err);
	cr_assert(!t_contains(r.err, "Invalid argument"), "%s", r.err);
}
