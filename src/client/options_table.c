/*
 * The one table of the old client's options that Bulwark knows, and what
 * it does with each: follows it, reads and checks it now for the backup
 * sessions, accepts it with a note that says what it does instead, or
 * refuses it with the reason. docs/options.md is printed from this table
 * (tests/tools/options_doc.c; make check compares), so the two cannot
 * drift.
 *
 * min is the minimum abbreviation: the upper-case letters of IBM's
 * spelling (TCPServeraddress, SErvername, SSLDISABLELEGACYtls, ...). The
 * dotted include and exclude statements and the BWK options, Bulwark's
 * own, are written in full. No two options may share an abbreviation
 * (tests/test_options.c checks it).
 */
#include <stdio.h>
#include <string.h>

#include "options_int.h"

#define ON(n, m, t, f, syn, doc) \
	{ n, m, t, USE_ON, G_NONE, f, 0, 0, NULL, syn, doc }
#define LATER(n, m, t, f, syn, doc) \
	{ n, m, t, USE_LATER, G_NONE, f, 0, 0, NULL, syn, doc }
#define NOTED(n, m, t, g, f, syn) \
	{ n, m, t, USE_NOTED, g, f, 0, 0, NULL, syn, NULL }
#define NUM(n, m, g, f, lo, hi, syn) \
	{ n, m, T_NUMBER, USE_NOTED, g, (f) | F_KEYWORD, lo, hi, NULL, syn, NULL }
#define KW(n, m, g, f, kw, syn) \
	{ n, m, T_KEYWORD, USE_NOTED, g, (f) | F_KEYWORD, 0, 0, kw, syn, NULL }
#define REFUSED(n, m, t, f, syn, why) \
	{ n, m, t, USE_REFUSED, G_NONE, f, 0, 0, NULL, syn, why }

#define S	F_STANZA
#define SU	(F_STANZA | F_USER)
#define K	F_KEYWORD
#define RULE	(F_STANZA | F_WORDS | F_MULTI)

const struct optdef opt_defs[O_COUNT] = {
	[O_SERVERNAME] = ON("SERVERNAME", 2, T_SERVER, F_USER | F_CLI, "name",
	    "in the system file, begins the server's stanza; in the user file "
	    "or on the command line, chooses it"),
	[O_DEFAULTSERVER] = ON("DEFAULTSERVER", 8, T_SERVER, F_TOP, "name",
	    "the stanza used when nothing else chooses one"),
	[O_COMMMETHOD] = ON("COMMMETHOD", 5, T_COMM, S | K,
	    "TCPIP | V6TCPIP", "TCPIP refuses an IPv6 address in "
	    "TCPSERVERADDRESS; V6TCPIP takes IPv6 and IPv4"),
	[O_TCPSERVERADDRESS] = ON("TCPSERVERADDRESS", 4, T_ADDRESS,
	    S | F_CLI, "host", "the server's DNS name or IP address; "
	    "required"),
	[O_TCPPORT] = ON("TCPPORT", 4, T_PORT, S | F_CLI | K, "1-65535",
	    "the server's port; default 1500"),
	[O_TCPADMINPORT] = ON("TCPADMINPORT", 9, T_PORT, S | F_CLI | K,
	    "1-65535", "the server's administrative port, which bulwark "
	    "admin connects to; default TCPPORT"),
	[O_SSL] = { "SSL", 3, T_YESNO, USE_ON, G_SSL,
	    S | F_TLS | K | F_NOTE_NO, 0, 0, NULL, "YES | NO",
	    "YES is what Bulwark does; NO is accepted with a note" },
	[O_SSLFIPSMODE] = { "SSLFIPSMODE", 11, T_YESNO, USE_ON, G_FIPS,
	    S | F_TLS | K | F_NOTE_NO, 0, 0, NULL, "YES | NO",
	    "YES is what Bulwark does; NO is accepted with a note" },
	[O_SSLACCEPTCERTFROMSERV] = ON("SSLACCEPTCERTFROMSERV", 21, T_YESNO,
	    S | F_TLS | K, "YES | NO", "first use: whether the certificate of "
	    "a server the key database does not know is pinned; default YES"),
	[O_SSLDISABLELEGACYTLS] = { "SSLDISABLELEGACYTLS", 16, T_YESNO,
	    USE_ON, G_LEGACY, S | F_TLS | K | F_NOTE_NO, 0, 0, NULL,
	    "YES | NO", "YES is what Bulwark does; NO is accepted with a "
	    "note" },
	[O_SSLREQUIRED] = { "SSLREQUIRED", 6, T_SSLREQ, USE_ON, G_SSLREQ,
	    S | F_TLS | K | F_NOTE_ANY, 0, 0, NULL,
	    "DEFAULT | YES | NO | SERVERONLY",
	    "accepted with a note whatever the value" },
	[O_SSLREVOCATION] = { "SSLREVOCATION", 13, T_KEYWORD, USE_ON, G_NONE,
	    S | F_TLS | K, 0, 0, "NONE|OCSP|CRL", "NONE | OCSP | CRL",
	    "NONE is what Bulwark does: sessions check no revocation (a "
	    "pinned certificate is withdrawn with bulwark-cert -delete or "
	    "-replace); OCSP and CRL are refused, since Bulwark would trust "
	    "a revoked certificate the old client refused" },
	[O_NODENAME] = ON("NODENAME", 3, T_NODE, S | F_CLI, "node",
	    "the node to sign on as, with the password the key database "
	    "holds for it (bulwark-cert -nodepw); without it, check makes "
	    "the TLS session only"),
	[O_PASSWORDACCESS] = ON("PASSWORDACCESS", 9, T_PWACCESS, S | K,
	    "PROMPT | GENERATE", "GENERATE: the key database holds the node "
	    "password, and an expired one is replaced at sign-on by a new "
	    "random one the key helper keeps; PROMPT (default): the key "
	    "database's password if it holds one, else asked for on the "
	    "terminal (or --password-stdin) and handed to the key helper "
	    "only; an expired one ends the sign-on (bulwark set password "
	    "replaces a stored one)"),
	[O_PASSWORDDIR] = ON("PASSWORDDIR", 11, T_DIR, S | F_CLI, "directory",
	    "the key-database directory (on a setgid install sessions use "
	    "the system database, and a warning says so)"),
	[O_COMMTIMEOUT] = { "COMMTIMEOUT", 5, T_SECONDS, USE_ON, G_NONE,
	    S | F_CLI | K, 1, 65535, NULL, "1-65535",
	    "seconds the client waits for each answer after the handshake; "
	    "default 60" },

	[O_DOMAIN] = LATER("DOMAIN", 3, T_DOMAIN,
	    SU | F_CLI | F_WORDS | F_MULTI, "ALL-LOCAL | ALL-NFS | "
	    "ALL-AUTO-NFS | ALL-LOFS | ALL-AUTO-LOFS | /fs | -/fs ...",
	    "the file systems an incremental backup without a file name "
	    "covers, by their mount points; ALL-LOCAL: every mounted ext2, "
	    "ext3, ext4, xfs, btrfs, jfs or reiserfs file system but /tmp, "
	    "each once (no tmpfs, no bind mount; bulwark(1) has the rule); "
	    "'-/fs' leaves one out, whatever adds it; the entries of the "
	    "stanza, the user file and the command line add up, as the old "
	    "client's do; default ALL-LOCAL"),
	[O_SUBDIR] = LATER("SUBDIR", 2, T_YESNO, SU | F_CLI | K, "YES | NO",
	    "whether a backup of the files named descends into their "
	    "subdirectories (an incremental of DOMAIN always does); "
	    "default NO"),
	[O_INCLEXCL] = LATER("INCLEXCL", 5, T_PATH, S, "file",
	    "a file of INCLUDE, EXCLUDE, EXCLUDE.DIR and EXCLUDE.FS "
	    "statements, checked like the options files (owner, no other "
	    "user can change it); its statements take this line's place "
	    "among the stanza's, as the old client places them; bulwark "
	    "query inclexcl shows the result"),
	[O_INCLUDE] = LATER("INCLUDE", 7, T_RULE, RULE, "pattern [class]",
	    "files to back up, with their management class; INCLUDE and "
	    "EXCLUDE are read from the bottom up, and the first that matches "
	    "a file decides"),
	[O_INCLUDE_BACKUP] = LATER("INCLUDE.BACKUP", 14, T_RULE, RULE,
	    "pattern [class]", "the same as INCLUDE"),
	[O_INCLUDE_FILE] = LATER("INCLUDE.FILE", 12, T_RULE, RULE,
	    "pattern [class]", "the same as INCLUDE"),
	[O_EXCLUDE] = LATER("EXCLUDE", 7, T_RULE, RULE, "pattern",
	    "files not to back up"),
	[O_EXCLUDE_BACKUP] = LATER("EXCLUDE.BACKUP", 14, T_RULE, RULE,
	    "pattern", "the same as EXCLUDE"),
	[O_EXCLUDE_FILE] = LATER("EXCLUDE.FILE", 12, T_RULE, RULE, "pattern",
	    "the same as EXCLUDE"),
	[O_EXCLUDE_DIR] = LATER("EXCLUDE.DIR", 11, T_RULE, RULE, "pattern",
	    "directories not to back up nor descend into; applied before "
	    "INCLUDE and EXCLUDE wherever it stands, and final"),
	[O_EXCLUDE_FS] = LATER("EXCLUDE.FS", 10, T_RULE, RULE, "pattern",
	    "the file systems (mount points) an incremental of DOMAIN "
	    "leaves out"),
	[O_ERRORLOGNAME] = LATER("ERRORLOGNAME", 9, T_PATH, SU | F_CLI,
	    "file", "the error log: the files a backup could not back up, "
	    "and why; default none (the messages only)"),
	[O_SCHEDLOGNAME] = LATER("SCHEDLOGNAME", 9, T_PATH, S, "file",
	    "the log of scheduled backups"),
	[O_COMPRESSION] = LATER("COMPRESSION", 9, T_YESNO, S | K, "YES | NO",
	    "whether files are compressed before they are sent; default NO"),
	[O_TXNBYTELIMIT] = LATER("TXNBYTELIMIT", 4, T_BYTES, S | K,
	    "300-33554432 (KB), or nK, nM, nG up to 32G",
	    "the data sent in one transaction; default 25600K"),

	[O_ASNODENAME] = NOTED("ASNODENAME", 6, T_NODE, G_NODE, SU, "node"),
	[O_CHANGINGRETRIES] = NUM("CHANGINGRETRIES", 3, G_BACKUP, S, 0, 4,
	    "0-4"),
	[O_CLUSTERNODE] = NOTED("CLUSTERNODE", 7, T_YESNO, G_NODE, S | K,
	    "YES | NO"),
	[O_COMMRESTARTDURATION] = NUM("COMMRESTARTDURATION", 12, G_RESTART,
	    S, 0, 9999, "0-9999 (minutes)"),
	[O_COMMRESTARTINTERVAL] = NUM("COMMRESTARTINTERVAL", 12, G_RESTART,
	    S, 0, 65535, "0-65535 (seconds)"),
	[O_COMPRESSALWAYS] = NOTED("COMPRESSALWAYS", 9, T_YESNO, G_BACKUP,
	    S | K, "YES | NO"),
	[O_DATEFORMAT] = NUM("DATEFORMAT", 4, G_DISPLAY, SU, 0, 9, "0-9"),
	[O_DEDUPLICATION] = NOTED("DEDUPLICATION", 6, T_YESNO, G_DEDUP, S | K,
	    "YES | NO"),
	[O_DIRMC] = NOTED("DIRMC", 4, T_TEXT, G_BACKUP, S, "class"),
	[O_DISKBUFFSIZE] = NUM("DISKBUFFSIZE", 5, G_BACKUP, S, 1, 1023,
	    "1-1023 (KB)"),
	[O_ENABLELANFREE] = NOTED("ENABLELANFREE", 7, T_YESNO, G_LANFREE,
	    S | K, "YES | NO"),
	[O_ENCRYPTIONTYPE] = KW("ENCRYPTIONTYPE", 11, G_ENCRYPT, S,
	    "AES256|AES128|DES56", "AES256 | AES128 | DES56"),
	[O_ENCRYPTKEY] = KW("ENCRYPTKEY", 8, G_ENCRYPT, S,
	    "PROMPT|SAVE|GENERATE", "PROMPT | SAVE | GENERATE"),
	[O_ERRORLOGMAX] = NUM("ERRORLOGMAX", 11, G_LOGS, SU, 0, 2047,
	    "0-2047 (MB)"),
	[O_ERRORLOGRETENTION] = NOTED("ERRORLOGRETENTION", 9, T_RETENTION,
	    G_LOGS, SU | F_WORDS | K, "N | days [D | S]"),
	[O_EXCLUDE_ARCHIVE] = NOTED("EXCLUDE.ARCHIVE", 15, T_RULE, G_ARCHIVE,
	    RULE, "pattern"),
	[O_EXCLUDE_COMPRESSION] = NOTED("EXCLUDE.COMPRESSION", 19, T_RULE,
	    G_BACKUP, RULE, "pattern"),
	[O_EXCLUDE_DEDUP] = NOTED("EXCLUDE.DEDUP", 13, T_RULE, G_DEDUP, RULE,
	    "pattern"),
	[O_EXCLUDE_ENCRYPT] = NOTED("EXCLUDE.ENCRYPT", 15, T_RULE, G_ENCRYPT,
	    RULE, "pattern"),
	[O_FOLLOWSYMBOLIC] = NOTED("FOLLOWSYMBOLIC", 3, T_YESNO, G_BACKUP,
	    SU | K, "YES | NO"),
	[O_HTTPPORT] = NOTED("HTTPPORT", 4, T_PORT, G_INBOUND, S | K,
	    "1-65535"),
	[O_INCLUDE_ARCHIVE] = NOTED("INCLUDE.ARCHIVE", 15, T_RULE, G_ARCHIVE,
	    RULE, "pattern [class]"),
	[O_INCLUDE_COMPRESSION] = NOTED("INCLUDE.COMPRESSION", 19, T_RULE,
	    G_BACKUP, RULE, "pattern"),
	[O_INCLUDE_DEDUP] = NOTED("INCLUDE.DEDUP", 13, T_RULE, G_DEDUP, RULE,
	    "pattern"),
	[O_LANFREECOMMMETHOD] = KW("LANFREECOMMMETHOD", 8, G_LANFREE, S,
	    "TCPIP|V6TCPIP|SHAREDMEM", "TCPIP | V6TCPIP | SHAREDMEM"),
	[O_LANFREESSL] = NOTED("LANFREESSL", 10, T_YESNO, G_LANFREE, S | K,
	    "YES | NO"),
	[O_LANFREETCPPORT] = NOTED("LANFREETCPPORT", 11, T_PORT, G_LANFREE,
	    S | K, "1-65535"),
	[O_LANFREETCPSERVERADDRESS] = NOTED("LANFREETCPSERVERADDRESS", 11,
	    T_ADDRESS, G_LANFREE, S, "host"),
	[O_LANGUAGE] = NOTED("LANGUAGE", 4, T_TEXT, G_DISPLAY, SU, "language"),
	[O_LARGECOMMBUFFERS] = NOTED("LARGECOMMBUFFERS", 8, T_YESNO, G_TCP,
	    S | K, "YES | NO"),
	[O_MANAGEDSERVICES] = { "MANAGEDSERVICES", 8, T_KEYWORDS, USE_NOTED,
	    G_SCHED, S | F_WORDS | K, 0, 0, "SCHEDULE|WEBCLIENT|NONE",
	    "SCHEDULE | WEBCLIENT | NONE ...", NULL },
	[O_MAXCMDRETRIES] = NUM("MAXCMDRETRIES", 7, G_SCHED, S, 0, 9999,
	    "0-9999"),
	[O_MEMORYEFFICIENTBACKUP] = KW("MEMORYEFFICIENTBACKUP", 8, G_BACKUP,
	    S, "NO|YES|DISKCACHEMETHOD", "NO | YES | DISKCACHEMETHOD"),
	[O_NFSTIMEOUT] = NUM("NFSTIMEOUT", 7, G_NFS, SU, 0, 65535,
	    "0-65535 (seconds)"),
	[O_NUMBERFORMAT] = NUM("NUMBERFORMAT", 3, G_DISPLAY, SU, 0, 9, "0-9"),
	[O_POSTSCHEDULECMD] = NOTED("POSTSCHEDULECMD", 5, T_TEXT, G_SCHED, S,
	    "\"command\""),
	[O_PRESCHEDULECMD] = NOTED("PRESCHEDULECMD", 4, T_TEXT, G_SCHED, S,
	    "\"command\""),
	[O_QUERYSCHEDPERIOD] = NUM("QUERYSCHEDPERIOD", 8, G_SCHED, S, 1, 9999,
	    "1-9999 (hours)"),
	[O_QUIET] = NOTED("QUIET", 5, T_NONE, G_DISPLAY, SU, "(no value)"),
	[O_RESOURCEUTILIZATION] = NUM("RESOURCEUTILIZATION", 6, G_SESSIONS,
	    S, 1, 100, "1-100"),
	[O_RETRYPERIOD] = NUM("RETRYPERIOD", 6, G_SCHED, S, 1, 9999,
	    "1-9999 (minutes)"),
	[O_SCHEDLOGMAX] = NUM("SCHEDLOGMAX", 11, G_LOGS, S, 0, 2047,
	    "0-2047 (MB)"),
	[O_SCHEDLOGRETENTION] = NOTED("SCHEDLOGRETENTION", 9, T_RETENTION,
	    G_LOGS, S | F_WORDS | K, "N | days [D | S]"),
	[O_SCHEDMODE] = KW("SCHEDMODE", 8, G_SCHED, S, "POLLING|PROMPTED",
	    "POLLING | PROMPTED"),
	[O_SCROLLLINES] = NUM("SCROLLLINES", 7, G_DISPLAY, SU, 1, 9999,
	    "1-9999"),
	[O_SCROLLPROMPT] = NOTED("SCROLLPROMPT", 7, T_YESNO, G_DISPLAY,
	    SU | K, "YES | NO"),
	[O_SESSIONINITIATION] = KW("SESSIONINITIATION", 11, G_INBOUND, S,
	    "CLIENT|SERVERONLY", "CLIENT | SERVERONLY"),
	[O_SKIPACL] = NOTED("SKIPACL", 7, T_YESNO, G_BACKUP, S | K,
	    "YES | NO"),
	[O_SKIPACLUPDATECHECK] = NOTED("SKIPACLUPDATECHECK", 9, T_YESNO,
	    G_BACKUP, S | K, "YES | NO"),
	[O_TCPBUFFSIZE] = NUM("TCPBUFFSIZE", 4, G_TCP, S, 1, 512,
	    "1-512 (KB)"),
	[O_TCPCLIENTADDRESS] = NOTED("TCPCLIENTADDRESS", 10, T_ADDRESS,
	    G_INBOUND, S, "host"),
	[O_TCPCLIENTPORT] = NOTED("TCPCLIENTPORT", 10, T_PORT, G_INBOUND,
	    S | K, "1-65535"),
	[O_TCPNODELAY] = NOTED("TCPNODELAY", 4, T_YESNO, G_TCP, S | K,
	    "YES | NO"),
	[O_TCPWINDOWSIZE] = NUM("TCPWINDOWSIZE", 4, G_TCP, S, 0, 2048,
	    "0-2048 (KB)"),
	[O_TIMEFORMAT] = NUM("TIMEFORMAT", 4, G_DISPLAY, SU, 0, 9, "0-9"),
	[O_VERBOSE] = NOTED("VERBOSE", 7, T_NONE, G_DISPLAY, SU, "(no value)"),
	[O_VIRTUALNODENAME] = NOTED("VIRTUALNODENAME", 8, T_NODE, G_NODE, SU,
	    "node"),
	[O_WEBPORTS] = NOTED("WEBPORTS", 3, T_PORTS, G_INBOUND,
	    S | F_WORDS | K, "port port (0 for any)"),

	[O_INCLUDE_ENCRYPT] = REFUSED("INCLUDE.ENCRYPT", 15, T_RULE, RULE,
	    "pattern", "Bulwark does not encrypt object data with a key of "
	    "its own, so the files it names would be stored unencrypted on "
	    "the server; remove the line, or keep these files on the old "
	    "client"),
	[O_PASSWORD] = REFUSED("PASSWORD", 3, T_TEXT, SU, "password",
	    "a password in an options file or on the command line can be "
	    "read by other users; remove it and store the password in the "
	    "key database: bulwark-cert -nodepw -server NAME -node NODE (it "
	    "reads the password from standard input)"),

	[O_BWKSERVERFINGERPRINT] = ON("BWKSERVERFINGERPRINT", 20, T_FPR,
	    S | F_CLI, "SHA-256 fingerprint", "the fingerprint the server's "
	    "certificate must have, whatever trusts it; turns first use into "
	    "a checked pin"),
	[O_BWKSYSTEMCA] = ON("BWKSYSTEMCA", 11, T_YESNO, S | F_CLI | K,
	    "YES | NO", "also trust the system CA bundle for this server "
	    "(first use is then off); default NO"),
	[O_BWKSANDBOXUSER] = ON("BWKSANDBOXUSER", 14, T_USER, S | F_CLI,
	    "user", "the user the network process becomes when run as root; "
	    "default nobody"),
	[O_BWKHANDSHAKETIMEOUT] = { "BWKHANDSHAKETIMEOUT", 19, T_SECONDS,
	    USE_ON, G_NONE, S | F_CLI | K, 1, 600, NULL, "1-600",
	    "one deadline for the connection and the TLS handshake, in "
	    "seconds; default 15" },
};

/*
 * What Bulwark does instead, by group; each must be true of the code.
 * A file's note names its options of each group, then the group's text.
 */
const char *const opt_group_text[G_COUNT] = {
	[G_SSL] = "Bulwark always uses TLS 1.2 and encrypts the whole "
	    "session, object data included",
	[G_FIPS] = "Bulwark always applies its FIPS-oriented TLS policy "
	    "(FIPS-approved suites, curves and key sizes); it is never "
	    "weakened",
	[G_LEGACY] = "Bulwark speaks TLS 1.2 only; older versions are never "
	    "offered or accepted",
	[G_SSLREQ] = "does not apply: Bulwark always requires TLS",
	[G_TCP] = "the kernel sizes Bulwark's TCP buffers, and Bulwark always "
	    "sets TCP_NODELAY",
	[G_RESTART] = "a session whose connection breaks ends with its "
	    "message and exit status and is not restarted; the caller "
	    "retries",
	[G_INBOUND] = "Bulwark opens no port and accepts no connection: the "
	    "client starts every session",
	[G_SCHED] = "Bulwark has no scheduler: run it from cron or a systemd "
	    "timer",
	[G_LOGS] = "Bulwark writes its messages to standard output and "
	    "error and prunes no log; rotate log files with logrotate",
	[G_ENCRYPT] = "Bulwark encrypts no object data with a key of its "
	    "own; the session is encrypted by TLS 1.2 (and INCLUDE.ENCRYPT "
	    "is refused)",
	[G_DEDUP] = "Bulwark does not deduplicate on the client",
	[G_SESSIONS] = "Bulwark makes one session at a time",
	[G_LANFREE] = "Bulwark has no LAN-free path: all data goes through "
	    "the TLS session with the server",
	[G_NODE] = "Bulwark acts for NODENAME alone",
	[G_ARCHIVE] = "Bulwark has no archive command",
	[G_NFS] = "Bulwark sets no timeout of its own on NFS file systems",
	[G_DISPLAY] = "Bulwark writes dates as YYYY-MM-DD HH:MM:SS UTC, in "
	    "English, and never pauses or prompts",
	[G_BACKUP] = "Bulwark makes no backups yet; the backup sessions will "
	    "say what they do with it",
};

void
opt_display_name(int id, char *out, size_t outlen)
{
	const struct optdef *d = &opt_defs[id];
	size_t i, n = strlen(d->name);

	if (outlen == 0)
		return;
	for (i = 0; i < n && i + 1 < outlen; i++) {
		char c = d->name[i];

		out[i] = i >= d->min && c >= 'A' && c <= 'Z' ? c - 'A' + 'a' :
		    c;
	}
	out[i] = '\0';
}

const char *
opt_use_text(int id)
{
	const struct optdef *d = &opt_defs[id];

	if (d->use == USE_NOTED)
		return opt_group_text[d->group];
	return d->doc;
}
