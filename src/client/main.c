/*
 * bulwark: the client. Start-up order is the design's: options, the crypto
 * self-tests, the key helper (before no-new-privs), DNS, privileges
 * dropped and the sandbox applied, and only then the network.
 *
 *	bulwark check [-optfile=FILE] [-option=value ...] [--sysfile FILE]
 *	bulwark admin -id=NAME [options] COMMAND	(cmd_admin.c)
 *	bulwark policy | verify | sandbox-check
 */

#include <errno.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include "../../sandbox/sandbox.h"
#include "../lib/msg.h"
#include "../lib/dbdir.h"
#include "../lib/selftest.h"
#include "../lib/version.h"
#include "args.h"
#include "client.h"
#include "cmd_inclexcl.h"
#include "cmd_verify.h"
#include "options.h"
#include "../tls/bulwark.h"
#include "../tls/policy.h"
#include "../verify/verify.h"

#define EXIT_STATUS_TEXT \
"Exit status: 0 trusted session (check), or done; 1 the chain is refused\n" \
"(verify); 2 usage, options or policy file; 3 set-up failed (helper, key\n" \
"database, address, sandbox); 4 cannot connect; 5 the server's certificate\n" \
"is not trusted, or the server did not prove it knows the verifier of the\n" \
"node or administrator; 6 crypto self-test failed; 7 the port does not\n" \
"speak TLS; 8 the server's TLS is outside the policy, or the handshake\n" \
"failed; 9 the sign-on was refused; 10 the server ended or broke the\n" \
"session; 11 the server refused the administrative command (admin);\n" \
"12 the backup, restore or query ran, but some objects failed (each was\n" \
"named, and logged in ERRORLOGNAME).\n"

static const char usage_text[] =
"usage: bulwark check [-optfile=FILE] [-option=value ...] [--sysfile FILE]\n"
"                     [--policy FILE] [--insecure-weak-sandbox]\n"
"       bulwark query session [the options of check]\n"
"       bulwark query inclexcl [--json] [-optfile=FILE] [-option=value ...]\n"
"                              [--sysfile FILE]   (no session)\n"
"       bulwark set password [the options of check]\n"
"       bulwark incremental [PATH...] [the options of check]\n"
"       bulwark selective PATH... [-subdir=yes] [the options of check]\n"
"       bulwark query backup PATTERN... [-inactive] [-subdir=yes] [--json]\n"
"       bulwark query filespace [--json]\n"
"       bulwark restore PATTERN [DEST] [-inactive] [-pick] [-subdir=yes]\n"
"                       [-replace=yes|no|prompt]\n"
"       bulwark delete backup PATTERN... [-subdir=yes] [-noprompt]\n"
"       bulwark admin -id=NAME [--password-stdin] [--json]\n"
"                     [the options of check] COMMAND\n"
"       bulwark policy [--policy FILE]\n"
"       bulwark verify --ca FILE [--chain FILE] --cert FILE [--host NAME |\n"
"                      --ip ADDR] [...]   (offline chain verification)\n"
"       bulwark sandbox-check\n"
"       bulwark [COMMAND] -h | -help | --help | -version | --version\n"
"\n"
"Bulwark's options are written --opt=value or --opt value, the options of\n"
"the options files -option=value or -option value; bulwark COMMAND --help\n"
"lists a command's options.\n"
"\n"
EXIT_STATUS_TEXT;

static const char check_usage[] =
"usage: bulwark check [-optfile=FILE] [-option=value ...] [--sysfile FILE]\n"
"                     [--policy FILE] [--password-stdin]\n"
"                     [--insecure-weak-sandbox]\n"
"\n"
"Makes one TLS 1.2 session with the server of the chosen stanza, decides\n"
"whether it is trusted, and prints what was negotiated.\n"
"  --sysfile FILE    the system options file (default " BWK_SYSOPT_FILE ",\n"
"                    when it exists)\n"
"  -optfile=FILE     a user options file, which may choose the stanza\n"
"  --policy FILE     a TLS policy stricter than the built-in one\n"
"  --password-stdin  PASSWORDACCESS PROMPT with no node password stored:\n"
"                    read it from standard input, not the terminal\n"
"  --insecure-weak-sandbox\n"
"                    run with what the kernel has of the sandbox (UNSAFE)\n"
"\n";

static const char query_usage[] =
"usage: bulwark query session [-optfile=FILE] [-option=value ...]\n"
"                             [--sysfile FILE] [--policy FILE]\n"
"                             [--password-stdin] [--insecure-weak-sandbox]\n"
"\n"
"Signs on to the server of the chosen stanza as its NODENAME, as check\n"
"does, and prints what the server says of the session: its version, the\n"
"suite, the group, EMS and the node signed on.\n"
"\n";

static const char setpw_usage[] =
"usage: bulwark set password [-optfile=FILE] [-option=value ...]\n"
"                            [--sysfile FILE] [--policy FILE]\n"
"                            [--insecure-weak-sandbox]\n"
"\n"
"Signs on as NODENAME, as check does, and replaces the node's password\n"
"with a new random one that the key helper makes and keeps; the server\n"
"gets only its verifier.\n"
"\n";

#define NODE_OPTIONS \
"  --sysfile FILE, -optfile=FILE, --policy FILE, --password-stdin,\n" \
"  --insecure-weak-sandbox: as bulwark check --help says\n"

static const char incremental_usage[] =
"usage: bulwark incremental [PATH...] [-optfile=FILE] [-option=value ...]\n"
"                           [--sysfile FILE] [--password-stdin] [--json]\n"
"\n"
"Backs up what is new or changed beneath each PATH (the DOMAIN's file\n"
"systems without one), and makes inactive on the server what is gone\n"
"here or now excluded (INCLUDE, EXCLUDE, EXCLUDE.DIR, INCLEXCL).\n"
"  --json            the summary as one JSON object\n"
NODE_OPTIONS "\n";

static const char selective_usage[] =
"usage: bulwark selective PATH... [-subdir=yes] [-optfile=FILE]\n"
"                         [-option=value ...] [--password-stdin] [--json]\n"
"\n"
"Backs up each PATH whatever its state: a file, a link (as a link), or a\n"
"directory with the files in it, and with -subdir=yes everything beneath.\n"
"  -subdir=yes       the whole tree beneath a directory (SUBDIR)\n"
"  --json            the summary as one JSON object\n"
NODE_OPTIONS "\n";

static const char qbackup_usage[] =
"usage: bulwark query backup PATTERN... [-inactive] [-subdir=yes] [--json]\n"
"                            [-optfile=FILE] [-option=value ...]\n"
"\n"
"Lists the server's versions of the node's files that match PATTERN (an\n"
"absolute path, with * and ? in its last part; /dir/ is all in dir).\n"
"  -inactive         inactive versions too\n"
"  -subdir=yes       the last part in every directory beneath too\n"
"  --json            one JSON array\n"
NODE_OPTIONS "\n";

static const char qfilespace_usage[] =
"usage: bulwark query filespace [--json] [-optfile=FILE] [-option=value ...]\n"
"\n"
"Lists the node's filespaces on the server.\n"
"  --json            one JSON array\n"
NODE_OPTIONS "\n";

static const char restore_usage[] =
"usage: bulwark restore PATTERN [DEST] [-inactive] [-pick] [-subdir=yes]\n"
"                       [-replace=yes|no|prompt] [-optfile=FILE]\n"
"                       [-option=value ...] [--json]\n"
"\n"
"Restores the versions that match PATTERN where they were, or beneath\n"
"DEST; each file appears only once its SHA-256 matched the backup's.\n"
"  -inactive         the newest version, active or not\n"
"  -pick             choose from the list of matching versions\n"
"  -subdir=yes       the last part in every directory beneath too\n"
"  -replace=yes|no|prompt\n"
"                    what to do with a file that exists (default: ask on\n"
"                    a terminal, else no)\n"
"  --json            the summary as one JSON object\n"
NODE_OPTIONS "\n";

static const char delete_usage[] =
"usage: bulwark delete backup PATTERN... [-subdir=yes] [-noprompt]\n"
"                             [-optfile=FILE] [-option=value ...]\n"
"\n"
"Makes the active backups that match PATTERN inactive; retention on the\n"
"server then expires them. It asks first on a terminal.\n"
"  -subdir=yes       the last part in every directory beneath too\n"
"  -noprompt         do not ask (needed without a terminal)\n"
"  --json            the summary as one JSON object\n"
NODE_OPTIONS "\n";

static const char policy_usage[] =
"usage: bulwark policy [--policy FILE]\n"
"\n"
"Prints the TLS policy in force (the built-in one, or FILE once it is\n"
"checked against it), the crypto module and the Public Suffix List.\n"
"Exit status: 0, or 2 when FILE is refused.\n";

static const char sandbox_usage[] =
"usage: bulwark sandbox-check\n"
"\n"
"Runs the crypto self-tests, then reports what this kernel offers the\n"
"sandbox of each process; it takes no options.\n"
"Exit status: 0 everything is available, 3 something is missing.\n";

static int
usage(const char *why, const char *arg)
{
	if (why != NULL)
		bwk_msg("BWK0700E", "%s%s%s; see bulwark --help", why,
		    arg ? ": " : "", arg ? arg : "");
	return EXIT_USAGE;
}

/* -h and -version after a command; 1 when one was handled. */
static int
help_or_version(int argc, char **argv, const char *text, int *rc)
{
	int i;

	for (i = 2; i < argc; i++) {
		if (arg_is_help(argv[i])) {
			fputs(text, stdout);
			if (strcmp(argv[1], "policy") != 0 &&
			    strcmp(argv[1], "sandbox-check") != 0) {
				options_cli_help(stdout);
				fputs("\n" EXIT_STATUS_TEXT, stdout);
			}
			*rc = EXIT_OK;
			return 1;
		}
		if (arg_is_version(argv[i])) {
			printf("bulwark %s\n", BULWARK_VERSION);
			*rc = EXIT_OK;
			return 1;
		}
	}
	return 0;
}

static const char *
trust_text(enum bwk_trust t)
{
	switch (t) {
	case BWK_TRUST_PINNED:	return "pinned certificate";
	case BWK_TRUST_CA:	return "CA chain and host name";
	case BWK_TRUST_RENEWED:	return "pinned key, renewed certificate";
	default:		return "accepted on first use";
	}
}

/* The server's facts of a signed-on session: bulwark query session. */
static int
query_session(struct bwk *b)
{
	char text[1025];

	if (bwk_query_session(b, text, sizeof(text)) == -1)
		return -1;
	fputs(text, stdout);
	return 0;
}

/*
 * check: one session, its report, and the sign-on with NODENAME.
 * query session: the same session, which must sign on, and what the
 * server says of it. set password: the same, and a new random password.
 */
enum check_mode { MODE_CHECK, MODE_QUERY, MODE_SETPW };

/* --password-stdin: PROMPT's password from standard input. */
static int
check_opt(void *arg, int argc, char **argv, int *i, const char *name,
    const char *value)
{
	(void)argc;
	if (strcasecmp(name, "password-stdin") != 0)
		return 1;
	if (value != NULL)
		return cmd_usage("check", "this option takes no value", argv[*i]);
	*(int *)arg = 1;
	return 0;
}

static int
cmd_check(int argc, char **argv, enum check_mode mode)
{
	int query = mode != MODE_CHECK, from_stdin = 0;
	struct bwk_config *cfg;
	struct session_args c;
	struct bwk *b;
	int rc;

	if ((rc = session_args_parse("check", argc, argv, 2, &c, check_opt,
	    &from_stdin, NULL)) != 0)
		return rc;
	if (query && c.opt.nodename[0] == '\0')
		return cmd_usage(mode == MODE_QUERY ? "query session" :
		    "set password", "a node name is needed (NODENAME in the "
		    "stanza, or -nodename=NODE)", NULL);
	if ((cfg = session_args_config(&c, 0)) == NULL)
		return EXIT_USAGE;
	/* an expired password is what set password is for */
	if (mode == MODE_SETPW)
		bwk_config_set_password_generate(cfg, 1);
	if ((b = bwk_client()) == NULL || bwk_configure(b, cfg) == -1) {
		bwk_config_free(cfg);
		bwk_free(b);
		return EXIT_SETUP;
	}
	bwk_config_free(cfg);
	if (bwk_prepare(b) == -1 || session_node_password(b, &c,
	    from_stdin) == -1 || bwk_sandbox(b, c.opt.sandbox_user) == -1 ||
	    bwk_connect(b) == -1) {
		rc = session_exit_for(b);
		bwk_free(b);
		return rc;
	}
	if (query) {
		if ((mode == MODE_QUERY ? query_session(b) :
		    bwk_set_password(b)) == -1) {
			rc = session_exit_for(b);
			bwk_free(b);
			return rc;
		}
		goto close;
	}
	bwk_conn_report(b, stdout);
	fflush(stdout);
#ifdef BULWARK_TESTING
	/* tests inspect the live, sandboxed network process */
	{
		const char *linger = getenv("BULWARK_TEST_LINGER_MS");

		if (linger != NULL) {
			struct timespec ts = { atoi(linger) / 1000,
			    (atoi(linger) % 1000) * 1000000L };

			printf("lingering\n");
			fflush(stdout);
			nanosleep(&ts, NULL);
		}
	}
#endif
	bwk_info("BWK0720I", "the session with %s is trusted (%s)",
	    c.opt.servername, trust_text(bwk_conn_trust(b)));
close:
	if (bwk_close(b) == -1) {
		/* the helper's end (3), or a server that went away (10) */
		rc = session_exit_for(b);
		bwk_free(b);
		return rc;
	}
	bwk_free(b);
	/* a report that did not reach its reader is no success */
	if (fflush(stdout) == EOF || ferror(stdout)) {
		bwk_msg("BWK0758E", "the report could not be written to "
		    "standard output: %s", strerror(errno));
		return EXIT_SETUP;
	}
	return EXIT_OK;
}

/*
 * The list behind the verifier's wildcard rule, and how old it is: a
 * list that is years old misses new public suffixes.
 */
static void
print_psl(FILE *f)
{
	char src[200], why[200], t[32];
	int64_t date;

	if (chain_psl_load(why, sizeof(why)) == -1 ||
	    chain_psl_info(src, sizeof(src), &date) == -1) {
		fprintf(f, "# public suffix list: none (%s); every wildcard "
		    "name is refused\n", why);
		return;
	}
	bwk_time_format(date, t);
	fprintf(f, "# public suffix list: %s\n#   dated %s; no certificate "
	    "wildcard may cover a public suffix\n", src, t);
}

static int
cmd_policy(int argc, char **argv)
{
	struct tls_policy p;
	const char *file = NULL, *value;
	char name[64];
	int i;

	for (i = 2; i < argc; i++) {
		if (arg_split(argv[i], name, sizeof(name), &value) == -1 ||
		    strcasecmp(name, "policy") != 0 || file != NULL)
			return cmd_usage("policy", "policy takes only --policy "
			    "FILE", argv[i]);
		if (value == NULL && i + 1 < argc)
			value = argv[++i];
		if (value == NULL || *value == '\0')
			return cmd_usage("policy", "option needs a value",
			    argv[i]);
		file = value;
	}
	if (policy_load(file, &p) == -1)
		return EXIT_USAGE;
	policy_print(&p, stdout);
	print_psl(stdout);
	return EXIT_OK;
}

/* bulwark verify's own options, for its parser's one form. */
static const struct arg_def verify_defs[] = {
	{ "ca", "--ca", 1 }, { "chain", "--chain", 1 }, { "cert", "--cert", 1 },
	{ "host", "--host", 1 }, { "ip", "--ip", 1 }, { "time", "--time", 1 },
	{ "purpose", "--purpose", 1 }, { "crl", "--crl", 1 },
	{ "max-depth", "--max-depth", 1 },
	{ "cert-policy", "--cert-policy", 1 },
	{ "require-explicit-policy", "--require-explicit-policy", 0 },
	{ "inhibit-policy-mapping", "--inhibit-policy-mapping", 0 },
	{ "inhibit-any-policy", "--inhibit-any-policy", 0 },
	{ "help", "--help", 0 }, { "h", "--help", 0 },
	{ NULL, NULL, 0 },
};

static int
run_verify(int argc, char **argv)
{
	char *v[2 * 64 + 2];
	int i, n;

	for (i = 2; i < argc; i++)
		if (arg_is_version(argv[i])) {
			printf("bulwark %s\n", BULWARK_VERSION);
			return EXIT_OK;
		}
	if ((n = arg_canonical(argc, argv, 2, verify_defs, v,
	    sizeof(v) / sizeof(v[0]))) == -1)
		return cmd_usage("verify", "too many arguments", NULL);
	if (bwk_selftest_startup(bwk_prog) != 0)
		return EXIT_SELFTEST;
	return cmd_verify(n, v);
}

static int
run_sandbox_check(int argc, char **argv)
{
	if (argc > 2)
		return cmd_usage("sandbox-check", "sandbox-check takes no "
		    "arguments", argv[2]);
	if (bwk_selftest_startup(bwk_prog) != 0)
		return EXIT_SELFTEST;
	return sb_report(stdout) == 0 ? EXIT_OK : EXIT_SETUP;
}

int
main(int argc, char **argv)
{
	int rc;

	bwk_sane_fds();
	bwk_prog = "bulwark";
	signal(SIGPIPE, SIG_IGN);	/* a closed peer is an error, not a kill */
	if (argc < 2)
		return usage("no command given", NULL);
	if (arg_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	if (arg_is_version(argv[1])) {
		printf("bulwark %s\n", BULWARK_VERSION);
		return EXIT_OK;
	}
	/* options first (a usage error needs no crypto), then the self-tests */
	if (strcmp(argv[1], "check") == 0)
		return help_or_version(argc, argv, check_usage, &rc) ? rc :
		    cmd_check(argc, argv, MODE_CHECK);
	if (strcmp(argv[1], "incremental") == 0 ||
	    strcasecmp(argv[1], "incr") == 0 || strcasecmp(argv[1], "i") == 0)
		return help_or_version(argc, argv, incremental_usage, &rc) ?
		    rc : cmd_backup(argc, argv, 1);
	if (strcmp(argv[1], "selective") == 0 || strcasecmp(argv[1], "sel") == 0)
		return help_or_version(argc, argv, selective_usage, &rc) ? rc :
		    cmd_backup(argc, argv, 0);
	if (strcmp(argv[1], "restore") == 0 || strcasecmp(argv[1], "rest") == 0)
		return help_or_version(argc, argv, restore_usage, &rc) ? rc :
		    cmd_restore(argc, argv);
	if (strcmp(argv[1], "delete") == 0) {
		if (argc < 3 || strcmp(argv[2], "backup") != 0)
			return usage("delete takes backup", argc < 3 ? NULL :
			    argv[2]);
		return help_or_version(argc - 1, argv + 1, delete_usage, &rc) ?
		    rc : cmd_delete_backup(argc, argv);
	}
	if (strcmp(argv[1], "query") == 0 && argc >= 3 &&
	    strcmp(argv[2], "backup") == 0)
		return help_or_version(argc - 1, argv + 1, qbackup_usage, &rc) ?
		    rc : cmd_query_backup(argc, argv);
	if (strcmp(argv[1], "query") == 0 && argc >= 3 &&
	    (strcmp(argv[2], "filespace") == 0 ||
	    strcmp(argv[2], "filespaces") == 0))
		return help_or_version(argc - 1, argv + 1, qfilespace_usage,
		    &rc) ? rc : cmd_query_filespace(argc, argv);
	/* query session: argv shifted, so its options start where check's do */
	if (strcmp(argv[1], "query") == 0) {
		if (argc >= 3 && strcmp(argv[2], "inclexcl") == 0)
			return cmd_query_inclexcl(argc - 1, argv + 1);
		if (argc < 3 || strcmp(argv[2], "session") != 0)
			return usage("query takes session, backup, filespace "
			    "or inclexcl",
			    argc < 3 ? NULL : argv[2]);
		return help_or_version(argc - 1, argv + 1, query_usage, &rc) ?
		    rc : cmd_check(argc - 1, argv + 1, MODE_QUERY);
	}
	if (strcmp(argv[1], "set") == 0) {
		if (argc < 3 || strcmp(argv[2], "password") != 0)
			return usage("set takes password", argc < 3 ? NULL :
			    argv[2]);
		return help_or_version(argc - 1, argv + 1, setpw_usage, &rc) ?
		    rc : cmd_check(argc - 1, argv + 1, MODE_SETPW);
	}
	/* admin's words may look like options: only those before them count */
	if (strcmp(argv[1], "admin") == 0)
		return help_or_version(admin_options_end(argc, argv), argv,
		    admin_usage, &rc) ? rc : cmd_admin(argc, argv);
	if (strcmp(argv[1], "policy") == 0)
		return help_or_version(argc, argv, policy_usage, &rc) ? rc :
		    cmd_policy(argc, argv);
	if (strcmp(argv[1], "verify") == 0)
		return run_verify(argc, argv);
	if (strcmp(argv[1], "sandbox-check") == 0)
		return help_or_version(argc, argv, sandbox_usage, &rc) ? rc :
		    run_sandbox_check(argc, argv);
	return usage("unknown command", argv[1]);
}
