/* bulwark-cert: the key-database tool (the dsmcert of this system). */
#ifndef BWK_CERT_H
#define BWK_CERT_H

#include "../kdb/kdb.h"
#include "../kdb/store.h"
#include "../lib/x509.h"

/* Exit statuses, documented in --help and bulwark-cert(1). */
#define EXIT_OK		0
#define EXIT_INTERNAL	1	/* out of memory, DRBG failure */
#define EXIT_USAGE	2	/* bad command line */
#define EXIT_REFUSED	3	/* a certificate was refused; nothing changed */
#define EXIT_NOTFOUND	4	/* no such server or label */
#define EXIT_KDB	5	/* key database or stash unusable; nothing changed */
#define EXIT_SELFTEST	6	/* crypto self-test failed */
#define EXIT_EXPIRING	8	/* -expiring: something expires within DAYS */

enum cert_cmd {
	CMD_NONE, CMD_ADD, CMD_REPLACE, CMD_LIST, CMD_SHOW, CMD_DELETE,
	CMD_EXPIRING, CMD_REKEY, CMD_VERIFY, CMD_SELFTEST, CMD_HELP,
	CMD_VERSION, CMD_NODEPW,
};

struct cert_opts {
	enum cert_cmd	 cmd;
	const char	*server;
	const char	*label;
	const char	*file;
	const char	*db;
	const char	*key;		/* -add -client: the private key file */
	const char	*node;		/* -nodepw: the node name */
	int		 ca;
	int		 client;		/* -add -client */
	int		 json;
	int		 unsafe_dates;	/* --unsafe-allow-invalid-dates */
	long		 days;
	char		 dir[PATH_MAX];
};

/*
 * The command line into o: -1 to go on, else the exit status (usage
 * errors, -help and -version are done then).
 */
int	cert_args(int argc, char **argv, struct cert_opts *o);
/* Runs the command (the crypto self-tests have passed). */
int	cert_run(struct cert_opts *o);

int	cmd_add(struct cert_opts *);		/* -add, -replace */
int	cmd_list(struct cert_opts *);		/* -list */
int	cmd_show(struct cert_opts *);		/* -show */
int	cmd_expiring(struct cert_opts *);	/* -expiring */
int	cmd_delete(struct cert_opts *);		/* -delete */
int	cmd_rekey(struct cert_opts *);		/* -rekey */
int	cmd_verify_db(struct cert_opts *);		/* -verify */
int	cmd_selftest(struct cert_opts *);	/* -selftest */
int	cmd_add_client(struct cert_opts *);	/* -add -client, -replace -client */
int	cmd_nodepw(struct cert_opts *);		/* -nodepw */

/* Shared by the commands. */
int	cert_entry_matches_server(const struct kdb_entry *, const char *);
void	cert_print_entry(const struct kdb_entry *, int64_t now);
/* A certificate entry read from its DER (dates too); -1 with why when not. */
int	cert_entry_info(const struct kdb_entry *, struct certinfo *,
	    char *why, size_t whylen);
const char *cert_kind_text(int kind);
/* A setgid-helper install keeps the system database 0640 root:bulwark. */
void	cert_trust_bulwark_group(void);
/* A file given with opt could not be read (errno): says why and what to do. */
void	cert_read_failed(const char *path, const char *opt, const char *what);
/*
 * A change to a database that sessions on this machine do not use (a
 * user's own, on a setgid install): says which one they use and the
 * command an administrator runs there.
 */
void	cert_note_session_db(const struct cert_opts *o);

#endif
