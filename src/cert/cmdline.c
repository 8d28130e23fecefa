/*
 * bulwark-cert's command line: the dsmcert spelling (-add -server NAME
 * -file PATH) and GNU long options (--add --server NAME, --server=NAME),
 * which options go with which command, and the dispatch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/dbdir.h"
#include "../lib/msg.h"
#include "../lib/version.h"
#include "cert.h"

static const char usage_text[] =
"usage: bulwark-cert COMMAND [OPTIONS]\n"
"\n"
"Commands (one of):\n"
"  -add -server NAME -file PATH   trust the certificate(s) in PATH for server NAME:\n"
"                                 a server certificate is pinned, a CA certificate\n"
"                                 becomes a CA root for NAME (PEM/.arm, DER, bundle)\n"
"  -add -ca -label L -file PATH   trust the CA certificate(s) in PATH for every server\n"
"  -add -client -server NAME -file CERT -key KEY\n"
"                                 the client certificate and private key to present to\n"
"                                 server NAME (used only inside bulwark-keyd)\n"
"  -nodepw -server NAME -node NODE\n"
"                                 store NODE's password for server NAME, read from\n"
"                                 standard input (used only inside bulwark-keyd)\n"
"  -replace -server NAME -file PATH\n"
"                                 replace what is trusted for NAME (after a server's\n"
"                                 certificate changed); prints old and new fingerprints\n"
"  -replace -label L -file PATH   replace a CA root trusted for every server\n"
"  -replace -client -server NAME -file CERT -key KEY\n"
"  -list [--json]                 list every entry\n"
"  -show -server NAME | -label L  show entries in detail\n"
"  -delete -server NAME | -label L\n"
"  -expiring DAYS                 list what expires within DAYS days\n"
"  -rekey                         new stash; the database is re-encrypted atomically\n"
"  -verify                        check the database's integrity and permissions\n"
"  -selftest                      run the crypto self-tests and print each result\n"
"  -h, -help, --help, -version, --version\n"
"\n"
"Options (each written -opt value, -opt=value, --opt value or --opt=value):\n"
"  -db DIR            key-database directory (default: $BULWARK_DIR, else\n"
"                     " BWK_KDB_SYSTEM_DIR " for root, else\n"
"                     $XDG_CONFIG_HOME/bulwark or ~/.config/bulwark); on a\n"
"                     setgid install, sessions use " BWK_KDB_SYSTEM_DIR " only\n"
"  --json             machine-readable -list and -expiring output\n"
"  --unsafe-allow-invalid-dates\n"
"                     import a certificate outside its validity period (UNSAFE)\n"
"\n"
"Exit status:\n"
"  0  success (-expiring: nothing expires within DAYS)\n"
"  1  internal error (out of memory, random generator failure)\n"
"  2  usage error\n"
"  3  a certificate was refused; nothing was changed\n"
"  4  no such server or label\n"
"  5  the key database or stash is unusable; nothing was changed\n"
"  6  a crypto self-test failed\n"
"  8  -expiring: at least one certificate expires within DAYS (or has expired)\n";

static int
usage(const char *why, const char *arg)
{
	if (why != NULL)
		bwk_msg("BWK0300E", "%s%s%s; see bulwark-cert -help", why,
		    arg != NULL ? ": " : "", arg != NULL ? arg : "");
	return EXIT_USAGE;
}

/* "-add", "--add": the name without dashes; NULL for a non-option. */
static const char *
optname(const char *a, const char **val)
{
	const char *eq;
	static char buf[64];

	*val = NULL;
	if (a[0] != '-' || a[1] == '\0')
		return NULL;
	a += a[1] == '-' ? 2 : 1;
	if ((eq = strchr(a, '=')) != NULL) {
		if ((size_t)(eq - a) >= sizeof(buf))
			return NULL;
		memcpy(buf, a, (size_t)(eq - a));
		buf[eq - a] = '\0';
		*val = eq + 1;
		return buf;
	}
	return a;
}

struct cmdname {
	const char	*name;
	enum cert_cmd	 cmd;
};

static const struct cmdname cmds[] = {
	{ "add", CMD_ADD }, { "replace", CMD_REPLACE }, { "list", CMD_LIST },
	{ "show", CMD_SHOW }, { "delete", CMD_DELETE },
	{ "expiring", CMD_EXPIRING }, { "rekey", CMD_REKEY },
	{ "verify", CMD_VERIFY }, { "selftest", CMD_SELFTEST },
	{ "help", CMD_HELP }, { "h", CMD_HELP }, { "version", CMD_VERSION },
	{ "nodepw", CMD_NODEPW },
};

static int
parse_args(int argc, char **argv, struct cert_opts *o)
{
	const char *n, *val, **dst;
	size_t i;
	int k;

	for (k = 1; k < argc; k++) {
		if ((n = optname(argv[k], &val)) == NULL)
			return usage("unexpected argument", argv[k]);
		for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
			if (strcasecmp(n, cmds[i].name) == 0)
				break;
		if (i < sizeof(cmds) / sizeof(cmds[0])) {
			/* -help and -version answer whatever else is given */
			if (cmds[i].cmd == CMD_HELP || cmds[i].cmd == CMD_VERSION) {
				o->cmd = cmds[i].cmd;
				return 0;
			}
			if (o->cmd != CMD_NONE)
				return usage("give one command only", argv[k]);
			o->cmd = cmds[i].cmd;
			if (o->cmd == CMD_EXPIRING) {
				if (val == NULL && k + 1 < argc)
					val = argv[++k];
				if (bwk_parse_long(val, 0, 36500, &o->days) == -1)
					return usage("-expiring needs a number "
					    "of days (0-36500)", val);
			} else if (val != NULL)
				return usage("this command takes no value",
				    argv[k]);
			continue;
		}
		if (strcasecmp(n, "ca") == 0 || strcasecmp(n, "json") == 0 ||
		    strcasecmp(n, "client") == 0 ||
		    strcmp(n, "unsafe-allow-invalid-dates") == 0) {
			if (val != NULL)
				return usage("this option takes no value",
				    argv[k]);
			if (strcasecmp(n, "ca") == 0)
				o->ca = 1;
			else if (strcasecmp(n, "client") == 0)
				o->client = 1;
			else if (strcasecmp(n, "json") == 0)
				o->json = 1;
			else
				o->unsafe_dates = 1;
			continue;
		}
		if (strcasecmp(n, "server") == 0)
			dst = &o->server;
		else if (strcasecmp(n, "label") == 0)
			dst = &o->label;
		else if (strcasecmp(n, "file") == 0)
			dst = &o->file;
		else if (strcasecmp(n, "db") == 0)
			dst = &o->db;
		else if (strcasecmp(n, "key") == 0)
			dst = &o->key;
		else if (strcasecmp(n, "node") == 0)
			dst = &o->node;
		else
			return usage("unknown option", argv[k]);
		if (*dst != NULL)
			return usage("option given twice", argv[k]);
		if (val == NULL) {
			if (k + 1 >= argc)
				return usage("option needs a value", argv[k]);
			val = argv[++k];
		}
		if (*val == '\0')
			return usage("option has an empty value", argv[k]);
		*dst = val;
	}
	return 0;
}

/* Which options each command takes: refuse the rest, do not ignore them. */
static int
check_combination(const struct cert_opts *o)
{
	int addlike = o->cmd == CMD_ADD || o->cmd == CMD_REPLACE;

	if (o->cmd == CMD_NONE)
		return usage("no command given (try -add, -list or -help)",
		    NULL);
	if (o->server != NULL && !kdb_name_ok(o->server))
		return usage("a server name is 1-128 of A-Z a-z 0-9 . _ : - "
		    "and does not start with '-'", o->server);
	if (o->label != NULL && !kdb_label_ok(o->label))
		return usage("a label is 1-128 of A-Z a-z 0-9 . _ : @ / + - and "
		    "does not start with '-'", o->label);
	if (o->label != NULL && o->ca && !kdb_name_ok(o->label))
		return usage("a new CA label is 1-128 of A-Z a-z 0-9 . _ : - "
		    "(no '/': bundles number their entries L/2, L/3, ...)",
		    o->label);
	if (o->file != NULL && !addlike)
		return usage("-file goes with -add or -replace", NULL);
	if ((o->client || o->key != NULL) && !addlike)
		return usage("-client and -key go with -add or -replace", NULL);
	if (o->node != NULL && o->cmd != CMD_NODEPW)
		return usage("-node goes with -nodepw", NULL);
	if (o->cmd == CMD_NODEPW) {
		if (o->server == NULL || o->node == NULL ||
		    !kdb_name_ok(o->node) || o->label != NULL)
			return usage("-nodepw needs -server NAME and -node NODE "
			    "(1-128 of A-Z a-z 0-9 . _ : -)", NULL);
		return 0;
	}
	if (addlike && o->client) {
		if (o->server == NULL || o->file == NULL || o->key == NULL ||
		    o->ca || o->label != NULL)
			return usage("-client needs -server NAME -file CERT -key "
			    "KEY", NULL);
		return 0;
	}
	if (o->key != NULL)
		return usage("-key goes with -client", NULL);
	if ((o->ca || o->unsafe_dates) && !addlike)
		return usage("-ca and --unsafe-allow-invalid-dates go with -add "
		    "or -replace", NULL);
	if (o->json && o->cmd != CMD_LIST && o->cmd != CMD_EXPIRING)
		return usage("--json goes with -list or -expiring", NULL);
	if (addlike) {
		if (o->file == NULL)
			return usage("-add and -replace need -file PATH", NULL);
		if (o->ca && o->server != NULL)
			return usage("-ca trusts a root for every server; give "
			    "-label L, not -server", NULL);
		if (o->ca && o->label == NULL)
			return usage("-ca needs -label L", NULL);
		if (!o->ca && (o->server == NULL) == (o->label == NULL))
			return usage(o->cmd == CMD_ADD ?
			    "-add needs -server NAME (or -ca -label L)" :
			    "-replace needs -server NAME or -label L", NULL);
		if (o->cmd == CMD_ADD && !o->ca && o->label != NULL)
			return usage("-label names a CA entry: use -add -ca "
			    "-label L", NULL);
		return 0;
	}
	if (o->cmd == CMD_SHOW || o->cmd == CMD_DELETE) {
		if ((o->server == NULL) == (o->label == NULL))
			return usage("give -server NAME or -label L", NULL);
		return 0;
	}
	if (o->server != NULL || o->label != NULL)
		return usage("-server and -label do not go with this command",
		    NULL);
	return 0;
}

int
cert_args(int argc, char **argv, struct cert_opts *o)
{
	int rc;

	memset(o, 0, sizeof(*o));
	if ((rc = parse_args(argc, argv, o)) != 0)
		return rc;
	if (o->cmd == CMD_HELP) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	if (o->cmd == CMD_VERSION) {
		printf("bulwark-cert %s\n", BULWARK_VERSION);
		return EXIT_OK;
	}
	if ((rc = check_combination(o)) != 0)
		return rc;
	return -1;
}

int
cert_run(struct cert_opts *o)
{
	/* -replace -label L replaces a CA root for every server, nothing else */
	if (o->cmd == CMD_REPLACE && o->label != NULL)
		o->ca = 1;
	cert_trust_bulwark_group();
	if (bwk_kdb_dir(o->db, o->dir, sizeof(o->dir)) == -1)
		return EXIT_KDB;
	if (o->cmd == CMD_ADD || o->cmd == CMD_REPLACE || o->cmd == CMD_NODEPW)
		cert_note_session_db(o);
	switch (o->cmd) {
	case CMD_ADD:
	case CMD_REPLACE:
		return o->client ? cmd_add_client(o) : cmd_add(o);
	case CMD_NODEPW:
		return cmd_nodepw(o);
	case CMD_LIST:
		return cmd_list(o);
	case CMD_SHOW:
		return cmd_show(o);
	case CMD_DELETE:
		return cmd_delete(o);
	case CMD_EXPIRING:
		return cmd_expiring(o);
	case CMD_REKEY:
		return cmd_rekey(o);
	case CMD_VERIFY:
		return cmd_verify_db(o);
	default:
		return usage("no command given", NULL);
	}
}
