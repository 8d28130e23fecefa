/*
 * bulwark: the client. Start-up order is the design's: options, the crypto
 * self-tests, the key helper (before no-new-privs), DNS, privileges
 * dropped and the sandbox applied, and only then the network.
 *
 *	bulwark check --server NAME --address HOST --port PORT [options]
 *	bulwark sandbox-check
 */
#include <errno.h>
#include <fcntl.h>
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
#include "../lib/names.h"
#include "../lib/msg.h"
#include "../lib/dbdir.h"
#include "../lib/selftest.h"
#include "../lib/version.h"
#include "cmd_verify.h"
#include "options.h"
#include "../tls/bulwark.h"
#include "../tls/policy.h"
#include "../verify/verify.h"

#define EXIT_OK		0
#define EXIT_USAGE	2	/* command line, options or policy file */
#define EXIT_SETUP	3	/* helper, key database, DNS or sandbox */
#define EXIT_CONNECT	4	/* TCP connection failed */
#define EXIT_TRUST	5	/* the server's certificate is not trusted */
#define EXIT_SELFTEST	6
#define EXIT_NOT_TLS	7	/* the port does not speak TLS */
#define EXIT_PROTOCOL	8	/* the server's TLS is outside the policy */
#define EXIT_SIGNON	9	/* the sign-on was refused */
#define EXIT_SERVER	10	/* the server ended or broke the session */

static const char usage_text[] =
"usage: bulwark check [-optfile=FILE] [-option=value ...] [--sysfile FILE]\n"
"                     [--policy FILE] [--insecure-weak-sandbox]\n"
"       bulwark sandbox-check\n"
"\n"
"       bulwark policy [--policy FILE]\n"
"       bulwark verify --ca FILE [--chain FILE] --cert FILE [--host NAME |\n"
"                      --ip ADDR] [--time UNIX] [--purpose serverAuth]\n"
"                      [--crl FILE]   (offline chain verification)\n"
"\n"
"Exit status: 0 trusted session; 2 usage, options or policy file; 3 set-up\n"
"failed (helper, key database, address, sandbox); 4 cannot connect; 5 the\n"
"server's certificate is not trusted (or the server did not prove it knows\n"
"the node's verifier); 6 crypto self-test failed; 7 the port does not speak\n"
"TLS; 8 the server's TLS is outside the policy; 9 the sign-on was refused;\n"
"10 the server ended or broke the session.\n";

static int
usage(const char *why, const char *arg)
{
	if (why != NULL)
		bwk_msg("BWK0700E", "%s%s%s; see bulwark --help", why,
		    arg ? ": " : "", arg ? arg : "");
	return EXIT_USAGE;
}

struct check_args {
	struct bwk_options	 opt;
	const char		*policy_file;
	const char		*sysfile;
	int			 insecure_sandbox;
};

/*
 * `bulwark check` reads the options as the seed client does: a system
 * options file with SERVERNAME stanzas (--sysfile, default
 * SYSTEM_DIR/bulwark.sys), an optional user file (-optfile=), and
 * -option=value on the command line. Bulwark's own flags are --long.
 */
static int
parse_check(int argc, char **argv, struct check_args *c)
{
	char *dsm[64];
	const char *optfile = NULL;
	int i, ndsm = 0;
	size_t k;

	memset(c, 0, sizeof(*c));
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--insecure-weak-sandbox") == 0)
			c->insecure_sandbox = 1;
		else if (strcmp(a, "--policy") == 0 || strcmp(a, "--sysfile") == 0) {
			if (i + 1 >= argc || argv[i + 1][0] == '\0')
				return usage("option needs a value", a);
			*(a[2] == 'p' ? &c->policy_file : &c->sysfile) = argv[++i];
		} else if (strncasecmp(a, "-optfile=", 9) == 0)
			optfile = a + 9;
		else if (a[0] == '-' && a[1] != '-' && ndsm < 63)
			dsm[ndsm++] = argv[i];
		else
			return usage("unknown argument", a);
	}
	dsm[ndsm] = NULL;
	if (c->sysfile == NULL && access(BWK_KDB_SYSTEM_DIR "/bulwark.sys", F_OK) == 0)
		c->sysfile = BWK_KDB_SYSTEM_DIR "/bulwark.sys";
	if (options_load(c->sysfile, optfile, ndsm, dsm, &c->opt) == -1)
		return EXIT_USAGE;
	for (k = 0; k < c->opt.nnotes; k++)
		bwk_info("BWK0850I", "%s", c->opt.notes[k]);
	return 0;
}

/* The options, as libbulwark's configuration. */
static struct bwk_config *
check_config(const struct check_args *c)
{
	const struct bwk_options *o = &c->opt;
	struct bwk_config *cfg;

	if ((cfg = bwk_config_new()) == NULL) {
		bwk_msg("BWK0712E", "out of memory");
		return NULL;
	}
	if ((c->policy_file != NULL &&
	    bwk_config_set_policy_file(cfg, c->policy_file) == -1) ||
	    bwk_config_set_server(cfg, o->servername) == -1 ||
	    bwk_config_set_address(cfg, o->address, o->port) == -1 ||
	    bwk_config_set_db(cfg, o->passworddir[0] ? o->passworddir :
	    NULL) == -1 || bwk_config_set_system_ca(cfg, o->systemca) == -1 ||
	    bwk_config_set_timeouts(cfg, o->handshaketimeout,
	    o->commtimeout) == -1 ||
	    (o->nodename[0] != '\0' && bwk_config_set_node(cfg,
	    o->nodename) == -1) || (o->has_fingerprint &&
	    bwk_config_set_expected_fingerprint(cfg, o->fingerprint) == -1)) {
		/* a refused policy file was reported with its own ID */
		if (strncmp(bwk_config_error(cfg), "BWK", 3) != 0)
			bwk_msg("BWK0757E", "%s", bwk_config_error(cfg));
		bwk_config_free(cfg);
		return NULL;
	}
	/* the seed's default, SSLACCEPTCERTFROMSERV YES, is a weakening */
	if (o->acceptcert)
		bwk_config_insecure_accept_first_use(cfg);
	if (c->insecure_sandbox)
		bwk_config_insecure_weak_sandbox(cfg);
	return cfg;
}

static int
exit_for(struct bwk *b)
{
	switch (bwk_failure(b)) {
	case BWK_FAIL_CONNECT:	return EXIT_CONNECT;
	case BWK_FAIL_NOT_TLS:	return EXIT_NOT_TLS;
	case BWK_FAIL_PROTOCOL:	return EXIT_PROTOCOL;
	case BWK_FAIL_TRUST:	return EXIT_TRUST;
	case BWK_FAIL_SELFTEST:	return EXIT_SELFTEST;
	case BWK_FAIL_SIGNON:	return EXIT_SIGNON;
	case BWK_FAIL_SERVER:	return EXIT_SERVER;
	default:		return EXIT_SETUP;
	}
}

static const char *
trust_text(enum bwk_trust t)
{
	switch (t) {
	case BWK_TRUST_PINNED:	return "pinned certificate";
	case BWK_TRUST_CA:	return "CA chain and host name";
	default:		return "accepted on first use";
	}
}

static int
cmd_check(int argc, char **argv)
{
	struct bwk_config *cfg;
	struct check_args c;
	struct bwk *b;
	int rc;

	if ((rc = parse_check(argc, argv, &c)) != 0)
		return rc;
	if ((cfg = check_config(&c)) == NULL)
		return EXIT_USAGE;
	if ((b = bwk_client()) == NULL || bwk_configure(b, cfg) == -1) {
		bwk_config_free(cfg);
		bwk_free(b);
		return EXIT_SETUP;
	}
	bwk_config_free(cfg);
	if (bwk_prepare(b) == -1 || bwk_sandbox(b, c.opt.sandbox_user) == -1 ||
	    bwk_connect(b) == -1) {
		rc = exit_for(b);
		bwk_free(b);
		return rc;
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
	if (bwk_close(b) == -1) {
		bwk_free(b);
		return EXIT_SETUP;
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

	if (argc == 4 && strcmp(argv[2], "--policy") == 0) {
		if (policy_load(argv[3], &p) == -1)
			return EXIT_USAGE;
	} else if (argc != 2)
		return usage("policy takes only --policy FILE", NULL);
	else if (policy_load(NULL, &p) == -1)
		return EXIT_USAGE;
	policy_print(&p, stdout);
	print_psl(stdout);
	return EXIT_OK;
}

/* 0-2 must be open, or a socket or file could take their place. */
static void
sane_fds(void)
{
	int fd;

	while ((fd = open("/dev/null", O_RDWR)) != -1 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
}

int
main(int argc, char **argv)
{
	sane_fds();
	bwk_prog = "bulwark";
	signal(SIGPIPE, SIG_IGN);	/* a closed peer is an error, not a kill */
	if (argc < 2)
		return usage("no command given", NULL);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("bulwark %s\n", BULWARK_VERSION);
		return EXIT_OK;
	}
	/* options first (a usage error needs no crypto), then the self-tests */
	if (strcmp(argv[1], "check") == 0)
		return cmd_check(argc, argv);
	if (strcmp(argv[1], "policy") == 0)
		return cmd_policy(argc, argv);
	if (strcmp(argv[1], "verify") == 0) {
		if (bwk_selftest_startup(bwk_prog) != 0)
			return EXIT_SELFTEST;
		return cmd_verify(argc - 1, argv + 1);
	}
	if (strcmp(argv[1], "sandbox-check") == 0) {
		if (bwk_selftest_startup(bwk_prog) != 0)
			return EXIT_SELFTEST;
		return sb_report(stdout) == 0 ? EXIT_OK : EXIT_SETUP;
	}
	return usage("unknown command", argv[1]);
}
