/*
 * bulwarkd: the reference server. In the foreground, systemd style:
 *
 *	bulwarkd --instance DIR [--syslog] [--insecure-weak-sandbox]
 *	bulwarkd --instance DIR init [--admin NAME]
 *	bulwarkd --instance DIR node|admin register|update|remove|list ...
 *	bulwarkd --instance DIR cert create [--label L] [--days N] [--rsa]
 *	    [--default | --next]
 *	bulwarkd --instance DIR cert renew [--label L] [--days N]
 *	bulwarkd --instance DIR cert default LABEL
 *	bulwarkd --instance DIR cert list
 *	bulwarkd --instance DIR expire
 *	bulwarkd --instance DIR audit [--repair]
 *
 * The administration commands (init, cert) open the instance's key
 * database themselves, and the account commands its catalog
 * (accounts.c), as do expire (retention.c) and audit (audit.c); the
 * server proper never opens the key database: each session's own
 * bulwark-keyd signs its handshakes.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "../lib/msg.h"
#include "../lib/selftest.h"
#include "../lib/util.h"
#include "../lib/version.h"
#include "../catalog/catalog.h"
#include "accounts.h"
#include "audit.h"
#include "instance.h"
#include "listen.h"
#include "retention.h"
#include "srvopts.h"

#define EXIT_OK		0
#define EXIT_RUN	1	/* the server stopped on an error */
#define EXIT_USAGE	2
#define EXIT_INSTANCE	3	/* the instance or its files */
#define EXIT_SELFTEST	6

static const char usage_text[] =
"usage: bulwarkd --instance DIR [--syslog] [--insecure-weak-sandbox]\n"
"       bulwarkd --instance DIR init [--admin NAME]   (password on stdin)\n"
"       bulwarkd --instance DIR node register NAME\n"
"                [--sessionsecurity strict|transitional]   (password on stdin)\n"
"       bulwarkd --instance DIR node update NAME [--password]\n"
"                [--sessionsecurity strict|transitional] [--unlock]\n"
"       bulwarkd --instance DIR node remove NAME\n"
"       bulwarkd --instance DIR node list\n"
"       bulwarkd --instance DIR admin register|update|remove|list ...\n"
"       bulwarkd --instance DIR cert create [--label L] [--days N] [--rsa]\n"
"                [--default | --next]\n"
"       bulwarkd --instance DIR cert renew [--label L] [--days N]\n"
"       bulwarkd --instance DIR cert default LABEL\n"
"       bulwarkd --instance DIR cert list\n"
"       bulwarkd --instance DIR expire\n"
"       bulwarkd --instance DIR audit [--repair]\n";

static int
usage(const char *why, const char *arg)
{
	bwk_msg("BWK1000E", "%s%s%s; see bulwarkd --help", why, arg ? ": " : "",
	    arg ? arg : "");
	return EXIT_USAGE;
}

/* In the foreground, every line of the server's own goes to standard
 * error, unbuffered, results included: it is a log. */
static void
to_stderr(void *arg, const char *id, const char *text)
{
	(void)arg;
	fprintf(stderr, "%s %s: %s\n", id, bwk_prog, text);
}

/* With --syslog, every message of bulwarkd's own goes to the journal. */
static void
to_syslog(void *arg, const char *id, const char *text)
{
	int pri = id[7] == 'E' ? LOG_ERR : id[7] == 'W' ? LOG_WARNING :
	    LOG_INFO;

	(void)arg;
	syslog(pri, "%s %s", id, text);
}

static int
cmd_cert(struct instance *in, int argc, char **argv,
    const struct srv_options *o)
{
	const char *label = NULL;
	int i, days = o->certdays, rsa = o->certrsa, def = 0, next = 0;
	long n;

	if (argc < 1)
		return usage("cert needs create, renew, default or list", NULL);
	if (strcmp(argv[0], "list") == 0 && argc == 1)
		return instance_cert_list(in) == 0 ? EXIT_OK : EXIT_INSTANCE;
	if (strcmp(argv[0], "default") == 0 && argc == 2)
		return instance_cert_default(in, argv[1]) == 0 ? EXIT_OK :
		    EXIT_INSTANCE;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--label") == 0 && i + 1 < argc)
			label = argv[++i];
		else if (strcmp(argv[i], "--days") == 0 && i + 1 < argc) {
			if (bwk_parse_long(argv[++i], 1, 9999, &n) == -1)
				return usage("--days takes 1 to 9999", argv[i]);
			days = (int)n;
		} else if (strcmp(argv[i], "--rsa") == 0)
			rsa = 1;
		else if (strcmp(argv[i], "--default") == 0)
			def = 1;
		else if (strcmp(argv[i], "--next") == 0)
			next = 1;
		else
			return usage("unknown argument", argv[i]);
	}
	if (def && next)
		return usage("--next makes a standby, not the default; make it "
		    "the default later with cert default", NULL);
	/* --next names its own label when given none */
	if (strcmp(argv[0], "create") == 0 && next)
		return instance_cert_create_next(in, label, days, rsa) == 0 ?
		    EXIT_OK : EXIT_INSTANCE;
	if (label == NULL)
		label = "default";
	if (strcmp(argv[0], "create") == 0)
		return instance_cert_create(in, label, days, rsa, def) == 0 ?
		    EXIT_OK : EXIT_INSTANCE;
	if (strcmp(argv[0], "renew") == 0 && !rsa && !def && !next)
		return instance_cert_renew(in, label, days) == 0 ? EXIT_OK :
		    EXIT_INSTANCE;
	return usage("unknown cert command", argv[0]);
}

/* init: the instance, its catalog, and the first administrator. */
static int
cmd_init(struct instance *in, const struct srv_options *o, int argc,
    char **argv)
{
	struct scram_verifier v;
	const char *admin = NULL;
	int r;

	if (argc == 2 && strcmp(argv[0], "--admin") == 0)
		admin = argv[1];
	else if (argc != 0)
		return usage("init takes only --admin NAME", argv[0]);
	/* name and password first: bad ones leave no half-made instance */
	if (admin != NULL && !catalog_name_ok(admin)) {
		bwk_msg("BWK1082E", "%s is not a valid %s name (1 to 64 of "
		    "A-Z a-z 0-9 _ . - + &, not starting with -)", admin,
		    "administrator");
		return EXIT_USAGE;
	}
	if (admin != NULL && accounts_read_verifier(admin, &v) == -1)
		return EXIT_USAGE;
	r = instance_create(in, o->certdays, o->certrsa) == -1 ||
	    accounts_init(in, admin, &v) == -1;
	explicit_bzero(&v, sizeof(v));
	if (r)
		return EXIT_INSTANCE;
	if (admin == NULL)
		bwk_info("BWK1086I", "the instance has no administrator yet; "
		    "register one with: bulwarkd --instance %s admin register "
		    "NAME", in->dir);
	return EXIT_OK;
}

static int
run(struct instance *in, const struct srv_options *o, int use_syslog,
    int insecure)
{
	struct listen_opts lo;

	if (access(in->arm, R_OK) == -1 || access(in->kdb, X_OK) == -1) {
		bwk_msg("BWK1023E", "%s is not an initialised instance; create it "
		    "with: bulwarkd --instance %s init", in->dir, in->dir);
		return EXIT_INSTANCE;
	}
	/*
	 * Each session's sandbox is built from the directories, and each
	 * opens the catalog: they must exist, and a catalog that is damaged
	 * or of a newer schema stops the server here, not every session.
	 */
	if (instance_make_dirs(in) == -1 || accounts_init(in, NULL, NULL) == -1)
		return EXIT_INSTANCE;
	if (!use_syslog)
		bwk_msg_hook(to_stderr, NULL, NULL, NULL);
	memset(&lo, 0, sizeof(lo));
	lo.instance = in->dir;
	lo.arm = in->arm;
	lo.in = in;
	lo.o = o;
	lo.syslog = use_syslog;
	lo.insecure_sandbox = insecure;
	return listen_run(&lo) == 0 ? EXIT_OK : EXIT_RUN;
}

int
main(int argc, char **argv)
{
	static struct instance in;
	static struct srv_options o;
	const char *dir = NULL;
	int i, use_syslog = 0, insecure = 0;

	bwk_sane_fds();
	bwk_prog = "bulwarkd";
	signal(SIGPIPE, SIG_IGN);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage_text, stdout);
			return EXIT_OK;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("bulwarkd %s\n", BULWARK_VERSION);
			return EXIT_OK;
		} else if (strcmp(argv[i], "--instance") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--syslog") == 0)
			use_syslog = 1;
		else if (strcmp(argv[i], "--insecure-weak-sandbox") == 0)
			insecure = 1;
		else if (argv[i][0] == '-')
			return usage("unknown option", argv[i]);
		else
			break;
	}
	if (dir == NULL)
		return usage("--instance DIR is required", NULL);
	if (use_syslog) {
		openlog("bulwarkd", LOG_PID, LOG_DAEMON);
		bwk_msg_hook(to_syslog, NULL, NULL, NULL);
	}
	if (bwk_selftest_startup(bwk_prog) != 0)
		return EXIT_SELFTEST;
	if (instance_open(&in, dir, i < argc && strcmp(argv[i], "init") ==
	    0 ? 0 : 1) == -1)
		return EXIT_INSTANCE;
	if (srvopts_load(in.opt, &o) == -1)
		return EXIT_USAGE;
	if (i == argc)
		return run(&in, &o, use_syslog, insecure);
	if (strcmp(argv[i], "init") == 0)
		return cmd_init(&in, &o, argc - i - 1, argv + i + 1);
	if (strcmp(argv[i], "node") == 0 || strcmp(argv[i], "admin") == 0)
		return accounts_cmd(&in, &o, argc - i, argv + i);
	if (strcmp(argv[i], "cert") == 0)
		return cmd_cert(&in, argc - i - 1, argv + i + 1, &o);
	if (strcmp(argv[i], "expire") == 0)
		return retention_cmd(&in, &o, argc - i - 1, argv + i + 1);
	if (strcmp(argv[i], "audit") == 0)
		return audit_cmd(&in, argc - i - 1, argv + i + 1);
	return usage("unknown command", argv[i]);
}
