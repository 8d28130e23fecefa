/*
 * What bulwark's commands share: the exit statuses (bulwark(1)), the
 * usage message, and the options of the commands that make a session
 * (check, query session, admin) as one parser (session_args.c), so that
 * each reads the options files and -option=value the same way.
 */
#ifndef BWK_CLIENT_H
#define BWK_CLIENT_H

#include <stdio.h>

#include "../tls/bulwark.h"
#include "options.h"

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
#define EXIT_REFUSED	11	/* admin: the server refused the command */
#define EXIT_PARTIAL	12	/* backup, restore: some objects failed */

/* BWK0700E, "...; see bulwark CMD --help": EXIT_USAGE. */
int	cmd_usage(const char *cmd, const char *why, const char *arg);

struct session_args {
	const char		*cmd;		/* for messages: "check" */
	struct bwk_options	 opt;
	const char		*policy_file;
	const char		*sysfile;
	int			 insecure_sandbox;
};

/*
 * A command's own option (name without dashes, value after '=' or NULL;
 * it may take argv[*i + 1] and advance *i): 0 taken, 1 not its own (an
 * option of the options files), else the exit status of a usage error.
 */
typedef int session_own_opt(void *arg, int argc, char **argv, int *i,
		    const char *name, const char *value);

/*
 * argv[from..argc) into c: Bulwark's own options, own's, then the
 * options files and -option=value. With words NULL every argument must be
 * an option; else the first that is not one starts the command's words
 * (*words is its index, argc when there is none) and ends the options.
 * 0, or the exit status of a usage error (reported).
 */
int	session_args_parse(const char *cmd, int argc, char **argv, int from,
	    struct session_args *c, session_own_opt *own, void *arg,
	    int *words);
/*
 * The options as libbulwark's configuration: the stanza's server,
 * address and TCPPORT and NODENAME; with admin, TCPADMINPORT and no node
 * (the caller names the administrator). NULL after the message.
 */
struct bwk_config *session_args_config(const struct session_args *, int admin);
/* A failed connection's exit status. */
/*
 * PASSWORDACCESS PROMPT: after bwk_prepare, the node's password asked
 * for when the key database holds none (the terminal, or standard input
 * with from_stdin) and handed to the key helper. 0, or -1 reported.
 */
int	session_node_password(struct bwk *, const struct session_args *,
	    int from_stdin);
int	session_exit_for(struct bwk *);

/* cmd_backup.c: incremental (1) and selective (0). */
int	cmd_backup(int argc, char **argv, int incremental);
/* cmd_query.c: query backup, query filespace, delete backup. */
int	cmd_query_backup(int argc, char **argv);
int	cmd_query_filespace(int argc, char **argv);
int	cmd_delete_backup(int argc, char **argv);
/* cmd_restore.c */
int	cmd_restore(int argc, char **argv);

/* cmd_admin.c: bulwark admin. */
extern const char admin_usage[];
int	cmd_admin(int argc, char **argv);
/* The index of the command's first word in argv (argc: none). */
int	admin_options_end(int argc, char **argv);

/*
 * admin_out.c: a command's result on f, as a table (the outcome's line
 * last) or as one JSON document. A table shows at most ROWS_TABLE_COLS
 * columns of at most ROWS_TABLE_W - 1 characters' width (cells longer
 * than the width stick out; nothing is cut).
 */
#define ROWS_TABLE_COLS	16
#define ROWS_TABLE_W	128
void	admin_print_table(FILE *, const struct bwk_rows *);
void	admin_print_json(FILE *, const char *server, const struct bwk_rows *);

#endif
