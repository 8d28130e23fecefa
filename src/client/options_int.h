/*
 * Inside the options parser: the table of the old client's options
 * (options_table.c), the value checks (options_value.c), the files and
 * their permission checks (options_file.c). Only src/client, the tests,
 * the fuzz target and the generator of docs/options.md include this.
 */
#ifndef BWK_OPTIONS_INT_H
#define BWK_OPTIONS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"

enum opt_id {
	/* what Bulwark follows */
	O_SERVERNAME,
	O_DEFAULTSERVER,
	O_COMMMETHOD,
	O_TCPSERVERADDRESS,
	O_TCPPORT,
	O_TCPADMINPORT,
	O_SSL,
	O_SSLFIPSMODE,
	O_SSLACCEPTCERTFROMSERV,
	O_SSLDISABLELEGACYTLS,
	O_SSLREQUIRED,
	O_SSLREVOCATION,
	O_NODENAME,
	O_PASSWORDACCESS,
	O_PASSWORDDIR,
	O_COMMTIMEOUT,
	/* read and checked now, for the backup sessions */
	O_DOMAIN,
	O_SUBDIR,
	O_INCLEXCL,
	O_INCLUDE,
	O_INCLUDE_BACKUP,
	O_INCLUDE_FILE,
	O_EXCLUDE,
	O_EXCLUDE_BACKUP,
	O_EXCLUDE_FILE,
	O_EXCLUDE_DIR,
	O_EXCLUDE_FS,
	O_ERRORLOGNAME,
	O_SCHEDLOGNAME,
	O_COMPRESSION,
	O_TXNBYTELIMIT,
	/* accepted with a note: what Bulwark does instead */
	O_ASNODENAME,
	O_CHANGINGRETRIES,
	O_CLUSTERNODE,
	O_COMMRESTARTDURATION,
	O_COMMRESTARTINTERVAL,
	O_COMPRESSALWAYS,
	O_DATEFORMAT,
	O_DEDUPLICATION,
	O_DIRMC,
	O_DISKBUFFSIZE,
	O_ENABLELANFREE,
	O_ENCRYPTIONTYPE,
	O_ENCRYPTKEY,
	O_ERRORLOGMAX,
	O_ERRORLOGRETENTION,
	O_EXCLUDE_ARCHIVE,
	O_EXCLUDE_COMPRESSION,
	O_EXCLUDE_DEDUP,
	O_EXCLUDE_ENCRYPT,
	O_FOLLOWSYMBOLIC,
	O_HTTPPORT,
	O_INCLUDE_ARCHIVE,
	O_INCLUDE_COMPRESSION,
	O_INCLUDE_DEDUP,
	O_LANFREECOMMMETHOD,
	O_LANFREESSL,
	O_LANFREETCPPORT,
	O_LANFREETCPSERVERADDRESS,
	O_LANGUAGE,
	O_LARGECOMMBUFFERS,
	O_MANAGEDSERVICES,
	O_MAXCMDRETRIES,
	O_MEMORYEFFICIENTBACKUP,
	O_NFSTIMEOUT,
	O_NUMBERFORMAT,
	O_POSTSCHEDULECMD,
	O_PRESCHEDULECMD,
	O_QUERYSCHEDPERIOD,
	O_QUIET,
	O_RESOURCEUTILIZATION,
	O_RETRYPERIOD,
	O_SCHEDLOGMAX,
	O_SCHEDLOGRETENTION,
	O_SCHEDMODE,
	O_SCROLLLINES,
	O_SCROLLPROMPT,
	O_SESSIONINITIATION,
	O_SKIPACL,
	O_SKIPACLUPDATECHECK,
	O_TCPBUFFSIZE,
	O_TCPCLIENTADDRESS,
	O_TCPCLIENTPORT,
	O_TCPNODELAY,
	O_TCPWINDOWSIZE,
	O_TIMEFORMAT,
	O_VERBOSE,
	O_VIRTUALNODENAME,
	O_WEBPORTS,
	/* refused, with the reason */
	O_INCLUDE_ENCRYPT,
	O_PASSWORD,
	/* Bulwark's own */
	O_BWKSERVERFINGERPRINT,
	O_BWKSYSTEMCA,
	O_BWKSANDBOXUSER,
	O_BWKHANDSHAKETIMEOUT,
	O_COUNT
};

enum opt_type {
	T_SERVER,	/* a server (stanza) name */
	T_ADDRESS,	/* a DNS name or an IP address */
	T_PORT,
	T_YESNO,
	T_SSLREQ,
	T_COMM,
	T_NODE,
	T_PWACCESS,
	T_DIR,		/* PASSWORDDIR */
	T_FPR,
	T_USER,
	T_SECONDS,	/* lo..hi seconds */
	T_NUMBER,	/* lo..hi */
	T_KEYWORD,	/* one of keywords */
	T_KEYWORDS,	/* one or more of keywords, blank-separated */
	T_PATH,		/* an absolute file name */
	T_DOMAIN,	/* DOMAIN's list */
	T_RULE,		/* an include or exclude pattern [management class] */
	T_BYTES,	/* TXNBYTELIMIT: a size in KB, or with K, M or G */
	T_RETENTION,	/* N, or days [D|S] */
	T_PORTS,	/* WEBPORTS: two port numbers (0 for any) */
	T_TEXT,		/* one value, not interpreted */
	T_NONE,		/* no value */
};

/* What Bulwark does with an option. */
enum opt_use {
	USE_ON,		/* followed */
	USE_LATER,	/* read and checked now, used by the backup sessions */
	USE_NOTED,	/* accepted with a note that says what Bulwark does */
	USE_REFUSED,	/* refused with the reason */
};

/* Where an option may be given. */
#define F_STANZA	0x001	/* a stanza of the system options file */
#define F_USER		0x002	/* the user options file */
#define F_CLI		0x004	/* the command line */
#define F_KEYWORD	0x008	/* keyword or number: must not be quoted */
#define F_WORDS		0x010	/* the value is one or more blank-separated words */
#define F_MULTI		0x020	/* may be given more than once; values add up */
#define F_NOTE_NO	0x040	/* a note when the value is NO */
#define F_NOTE_ANY	0x080	/* a note whatever the value */
#define F_TOP		0x100	/* system file, before the first stanza */
#define F_TLS		0x200	/* SSL...: options files only, as IBM's */

/*
 * The groups of the note: options that Bulwark accepts and does not
 * follow, by what it does instead. The note of a file names its options
 * group by group, each followed by the group's text, on one line.
 */
enum opt_group {
	G_NONE,
	G_SSL,
	G_FIPS,
	G_LEGACY,
	G_SSLREQ,
	G_TCP,
	G_RESTART,
	G_INBOUND,
	G_SCHED,
	G_LOGS,
	G_ENCRYPT,
	G_DEDUP,
	G_SESSIONS,
	G_LANFREE,
	G_NODE,
	G_ARCHIVE,
	G_NFS,
	G_DISPLAY,
	G_BACKUP,
	G_COUNT
};

struct optdef {
	const char	*name;		/* IBM's spelling, in capitals */
	unsigned char	 min;		/* minimum abbreviation */
	unsigned char	 type;		/* enum opt_type */
	unsigned char	 use;		/* enum opt_use */
	unsigned char	 group;		/* enum opt_group, for USE_NOTED */
	unsigned short	 flags;
	long		 lo, hi;	/* T_NUMBER, T_SECONDS */
	const char	*keywords;	/* T_KEYWORD(S): "A|B|C" */
	const char	*syntax;	/* the value, for the documentation */
	const char	*doc;		/* what Bulwark does, or why refused */
};

extern const struct optdef	 opt_defs[O_COUNT];
extern const char *const	 opt_group_text[G_COUNT];

/* The name with its minimum abbreviation in capitals: TCPServeraddress. */
void	opt_display_name(int id, char *out, size_t outlen);
/* The text of a refused option, or of USE_ON/USE_LATER, for the docs. */
const char *opt_use_text(int id);

/* Value checks (options_value.c); the fuzz target calls them too. */
int	opt_server_ok(const char *);
int	opt_address_ok(const char *, int *v6);
int	opt_node_ok(const char *);
int	opt_user_ok(const char *);
int	opt_dir_ok(const char *);
int	opt_eq_nocase(const char *, const char *);
/*
 * Checks the value of option id (words[0..nwords) for F_WORDS options,
 * else words[0] alone) and stores it in o. On error prints one message
 * at where and returns -1.
 */
int	opt_set_value(struct bwk_options *o, int id, char *const words[],
	    size_t nwords, const char *where);
/* Copies option id's value from src to dst (the stanza's name excepted). */
void	opt_copy_value(struct bwk_options *dst, const struct bwk_options *src,
	    int id);
/* The group of the note option id takes with its value in o; G_NONE. */
int	opt_note_group(const struct bwk_options *o, int id);
/* The value to show in a note (SSL NO), or NULL. */
const char *opt_note_value(const struct bwk_options *o, int id);

/* The files (options_file.c): read, after the permission checks. */
int	opt_read_file(const char *path, int optional, uint8_t **buf,
	    size_t *len);

#endif
