/*
 * The client's options files, in the dsm.opt/dsm.sys format.
 *
 * Two files, as on UNIX: a system options file (dsm.sys style) whose
 * SERVERNAME lines start server stanzas, and an optional user options file
 * (dsm.opt style) whose SERVERNAME picks one of them. The stanza used is,
 * first match wins: -servername= on the command line, SERVERNAME in the
 * user file, DEFAULTSERVER in the system file, the first stanza.
 *
 * Syntax, per line: blank lines and lines whose first non-blank is `*` are
 * comments (so are `#` lines, for convenience); otherwise an option name,
 * blanks, a value (some options take several words, a few none), nothing
 * after it. Names are case-insensitive and may be abbreviated down to the
 * upper-case letters of IBM's spelling (TCPServeraddress: TCPS, TCPSE,
 * ... TCPSERVERADDRESS). Values with blanks are quoted with "..." or
 * '...'; keyword and number values must not be quoted. Bulwark's own
 * options (BWK...) take no abbreviations.
 *
 * Every option of the old client that Bulwark knows is in one table
 * (options_table.c, printed as docs/options.md): followed, read and
 * checked for the backup sessions, accepted with a note that says what
 * Bulwark does instead (one line per file), or refused with the reason.
 *
 * Command line: -option=value or -option value (one or two dashes),
 * -optfile=PATH (the user file instead of the default one) and
 * -servername=NAME. Only the options marked for it may be given there;
 * they override the user file, which overrides the stanza.
 */
#ifndef BWK_OPTIONS_H
#define BWK_OPTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define OPT_MAX_FILE		(256 * 1024)	/* bytes per options file */
#define OPT_MAX_LINE		1024		/* bytes per line, without EOL */
#define OPT_MAX_STANZAS		256
#define OPT_MAX_NOTES		2		/* one per options file */
#define OPT_NOTE_LEN		4096
#define OPT_PATH_MAX		1024		/* a file name or pattern */
#define OPT_LIST_TEXT		16384		/* bytes of a list's strings */
/* include and exclude statements: each takes 12 bytes of a list at least */
#define OPT_MAX_RULES		(OPT_LIST_TEXT / 12 + 1)

enum opt_sslrequired {
	OPT_SSLREQ_DEFAULT = 0,
	OPT_SSLREQ_YES,
	OPT_SSLREQ_NO,
	OPT_SSLREQ_SERVERONLY,
};

enum opt_commmethod {
	OPT_COMM_DEFAULT = 0,	/* not given: IPv4 or IPv6 */
	OPT_COMM_TCPIP,		/* COMMMETHOD TCPIP: IPv4 only (as IBM's) */
	OPT_COMM_V6TCPIP,	/* COMMMETHOD V6TCPIP: IPv6 or IPv4 */
};

#define OPT_PASSWORD_PROMPT	0
#define OPT_PASSWORD_GENERATE	1

/*
 * A list of strings, back to back, each NUL-terminated. DOMAIN holds one
 * string per entry (ALL-LOCAL, /home, -/tmp), those of the stanza, then
 * the user file's, then the command line's (they add up, as the old
 * client's do); the include and exclude rules three per entry: the
 * statement (INCLUDE, EXCLUDE, EXCLUDE.DIR, EXCLUDE.FS), the pattern, the
 * management class ("" when none), in the order of the stanza.
 */
struct opt_list {
	size_t	n;			/* entries */
	size_t	used;			/* bytes of text */
	char	text[OPT_LIST_TEXT];
};

/* The next string of l after prev (NULL: the first); NULL at the end. */
const char *opt_list_next(const struct opt_list *l, const char *prev);

struct bwk_options {
	char	 servername[65];	/* the stanza used */
	char	 address[65];		/* TCPSERVERADDRESS */
	char	 port[6];		/* TCPPORT as text, default "1500" */
	char	 adminport[6];		/* TCPADMINPORT, default TCPPORT */
	int	 portnum, adminportnum;	/* the same as numbers */
	int	 ssl, fipsmode, acceptcert, disablelegacy;	/* 1 YES, 0 NO */
	int	 sslrequired;		/* enum opt_sslrequired */
	int	 commmethod;		/* enum opt_commmethod */
	char	 nodename[65];		/* "" when not set */
	int	 passwordaccess;	/* OPT_PASSWORD_* */
	char	 passworddir[4096];	/* "" when not set */
	int	 has_fingerprint;	/* BWKSERVERFINGERPRINT given */
	uint8_t	 fingerprint[32];
	int	 systemca;		/* BWKSYSTEMCA, default 0 */
	char	 sandbox_user[33];	/* BWKSANDBOXUSER, default "nobody" */
	int	 commtimeout;		/* COMMTIMEOUT, seconds, default 60 */
	int	 handshaketimeout;	/* BWKHANDSHAKETIMEOUT, default 15 */
	/*
	 * For the backup sessions: read and checked, not used by check
	 * (backup_scope.h makes them the backup's scope).
	 */
	struct opt_list domain;		/* DOMAIN, default ALL-LOCAL */
	int	 subdir;		/* SUBDIR, default NO */
	char	 inclexcl[OPT_PATH_MAX];	/* INCLEXCL, "" when not set */
	/* the INCLEXCL file's statements stand in its place among rules:
	 * after the first inclexcl_at of them */
	size_t	 inclexcl_at;
	struct opt_list rules;		/* INCLUDE and EXCLUDE statements */
	int	 rule_line[OPT_MAX_RULES];	/* each rule's line in sysname */
	char	 sysname[OPT_PATH_MAX];	/* the system file read, sanitized;
					 * "" when there was none */
	char	 errorlogname[OPT_PATH_MAX];	/* "" when not set */
	char	 schedlogname[OPT_PATH_MAX];	/* "" when not set */
	int	 compression;		/* COMPRESSION, default NO */
	long	 txnbytelimit;		/* TXNBYTELIMIT in KB, default 25600 */
	/* One line per file: what Bulwark does instead (BWK0850I). */
	char	 notes[OPT_MAX_NOTES][OPT_NOTE_LEN];
	size_t	 nnotes;
};

/*
 * Reads the system options file sysfile and the user options file userfile
 * (either may be NULL: absent; a named file that does not exist is an
 * error, except the system file when sys_optional, the default one), then
 * the option arguments argv[0..argc-1] (no program name, no command:
 * -option=value, or -option and its value as two arguments). -optfile=PATH
 * replaces userfile. Each file is checked like the key database first:
 * its owner, and that no other user can change it or a directory above
 * it. Returns 0 with *out filled, or -1 after printing one BWK08xxE
 * message; *out is untouched on error. Notes are collected in out->notes,
 * not printed (the caller prints them as BWK0850I). Not reentrant.
 */
int	options_load(const char *sysfile, int sys_optional,
	    const char *userfile, int argc, char *const argv[],
	    struct bwk_options *out);
/*
 * The same on buffers (untrusted bytes; fuzzed). sys == NULL or
 * user == NULL means that file is absent; sysname and username name them
 * in messages. -optfile= is checked but has no effect here.
 */
int	options_load_buffers(const char *sysname, const char *sys,
	    size_t syslen, const char *username, const char *user,
	    size_t userlen, int argc, char *const argv[],
	    struct bwk_options *out);
/* The options the command line takes, for bulwark check --help. */
void	options_cli_help(FILE *);
#endif
