/*
 * The options of the commands that make a session (client.h): Bulwark's
 * own (--sysfile, --policy, --insecure-weak-sandbox), a command's own
 * through its callback, and the rest for the options files' parser, as
 * libbulwark's configuration.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/dbdir.h"
#include "../lib/msg.h"
#include "args.h"
#include "client.h"

int
cmd_usage(const char *cmd, const char *why, const char *arg)
{
	bwk_msg("BWK0700E", "%s%s%s; see bulwark %s --help", why,
	    arg ? ": " : "", arg ? arg : "", cmd);
	return EXIT_USAGE;
}

/*
 * On a setgid install the helper reads only the system key database, for
 * every user but root, whatever PASSWORDDIR or BULWARK_DIR say: say so,
 * rather than let a user's own database seem to be the one in use.
 */
static void
note_setgid_db(const struct bwk_options *o)
{
	const char *env = getenv("BULWARK_DIR"), *what, *dir;

	if (!bwk_sessions_use_system_db())
		return;
	if (o->passworddir[0] != '\0') {
		what = "PASSWORDDIR";
		dir = o->passworddir;
	} else if (env != NULL && *env != '\0') {
		what = "BULWARK_DIR";
		dir = env;
	} else
		return;
	if (bwk_same_dir(dir, BWK_KDB_SYSTEM_DIR))
		return;
	bwk_msg(strcmp(what, "PASSWORDDIR") == 0 ? "BWK0851W" : "BWK0852W",
	    "%s %s is not used: bulwark-keyd is installed setgid, and sessions "
	    "on this machine use the system key database %s; an administrator "
	    "imports into it: bulwark-cert -db %s -add -server %s -file "
	    "cert256.arm", what, dir, BWK_KDB_SYSTEM_DIR, BWK_KDB_SYSTEM_DIR,
	    o->servername);
}

/*
 * The system options file used to be in the key-database directory,
 * which users of a setgid install cannot read: an old file left there is
 * named with the command that moves it, not silently ignored.
 */
static int
old_sysfile(void)
{
	static const char old[] = BWK_KDB_SYSTEM_DIR "/bulwark.sys";
	struct stat st;

	if (stat(BWK_SYSOPT_FILE, &st) == 0 || stat(old, &st) == -1)
		return 0;
	bwk_msg("BWK0834E", "%s is no longer read: the system options file "
	    "is %s, outside the key-database directory, so that every user "
	    "who runs sessions can read it; move it: mv %s %s", old,
	    BWK_SYSOPT_FILE, old, BWK_SYSOPT_FILE);
	return -1;
}

/*
 * `bulwark check` reads the options as the seed client does: a system
 * options file with SERVERNAME stanzas (--sysfile, default
 * SYSCONFDIR/bulwark.sys when it exists), an optional user file
 * (-optfile=), and -option=value on the command line. Bulwark's own
 * options are --long; each may take one dash or two, and its value after
 * '=' or as the next argument. The rest go to the options parser with
 * their values.
 */
static int
check_own(int argc, char **argv, int *i, const char *name,
    const char *value, struct session_args *c)
{
	const char **dst;

	if (strcasecmp(name, "insecure-weak-sandbox") == 0) {
		if (value != NULL)
			return cmd_usage(c->cmd, "this option takes no value",
			    argv[*i]);
		c->insecure_sandbox = 1;
		return 0;
	}
	if (strcasecmp(name, "policy") == 0)
		dst = &c->policy_file;
	else if (strcasecmp(name, "sysfile") == 0)
		dst = &c->sysfile;
	else
		return 1;		/* an option of the options files */
	if (*dst != NULL)
		return cmd_usage(c->cmd, "option given twice", argv[*i]);
	if (value == NULL && *i + 1 < argc)
		value = argv[++*i];
	if (value == NULL || *value == '\0')
		return cmd_usage(c->cmd, "option needs a value", argv[*i]);
	*dst = value;
	return 0;
}

int
session_args_parse(const char *cmd, int argc, char **argv, int from,
    struct session_args *c, session_own_opt *own, void *arg, int *words)
{
	char *dsm[64], name[64];
	const char *value;
	int i, ndsm = 0, r;
	size_t k;

	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	if (words != NULL)
		*words = argc;
	for (i = from; i < argc; i++) {
		if (arg_split(argv[i], name, sizeof(name), &value) == -1) {
			if (words == NULL)
				return cmd_usage(cmd, "unexpected argument "
				    "(options start with -)", argv[i]);
			*words = i;	/* the command's words begin */
			break;
		}
		if ((r = check_own(argc, argv, &i, name, value, c)) == 0 ||
		    (r == 1 && own != NULL &&
		    (r = own(arg, argc, argv, &i, name, value)) == 0))
			continue;
		if (r != 1)
			return r;
		if (ndsm + 2 >= 64)
			return cmd_usage(cmd, "too many options", argv[i]);
		dsm[ndsm++] = argv[i];
		/* the options parser takes the value the same way */
		if (value == NULL && i + 1 < argc)
			dsm[ndsm++] = argv[++i];
	}
	dsm[ndsm] = NULL;
	if (c->sysfile == NULL && old_sysfile() == -1)
		return EXIT_USAGE;
	if (options_load(c->sysfile != NULL ? c->sysfile : BWK_SYSOPT_FILE,
	    c->sysfile == NULL, NULL, ndsm, dsm, &c->opt) == -1)
		return EXIT_USAGE;
	note_setgid_db(&c->opt);
	for (k = 0; k < c->opt.nnotes; k++)
		bwk_info("BWK0850I", "%s", c->opt.notes[k]);
	return 0;
}

/* The options, as libbulwark's configuration. */
struct bwk_config *
session_args_config(const struct session_args *c, int admin)
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
	    bwk_config_set_address(cfg, o->address, admin ? o->adminport :
	    o->port) == -1 ||
	    bwk_config_set_db(cfg, o->passworddir[0] ? o->passworddir :
	    NULL) == -1 || bwk_config_set_system_ca(cfg, o->systemca) == -1 ||
	    bwk_config_set_timeouts(cfg, o->handshaketimeout,
	    o->commtimeout) == -1 ||
	    (!admin && o->nodename[0] != '\0' && bwk_config_set_node(cfg,
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
	/* a node's; an administrator's password is typed, never generated */
	if (!admin)
		bwk_config_set_password_generate(cfg,
		    o->passwordaccess == OPT_PASSWORD_GENERATE);
	if (c->insecure_sandbox)
		bwk_config_insecure_weak_sandbox(cfg);
	return cfg;
}

int
session_exit_for(struct bwk *b)
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

