/*
 * libbulwark: TLS 1.2 sessions under Bulwark's policy, their trust from
 * the key helper (bulwark-keyd), every check made before the client's key
 * exchange. The shape is OpenBSD libtls's: an opaque configuration, an
 * opaque connection with its own error, read and write, weakening calls
 * named insecure, and messages through a callback. The program, not the
 * library, decides when to sandbox itself (bwk_sandbox).
 *
 *	cfg = bwk_config_new();
 *	bwk_config_set_server(cfg, "srv1");
 *	bwk_config_set_address(cfg, "backup1.example.com", "1500");
 *	c = bwk_client();
 *	if (bwk_configure(c, cfg) == -1 || bwk_prepare(c) == -1 ||
 *	    bwk_sandbox(c, "nobody") == -1 || bwk_connect(c) == -1)
 *		errx(1, "%s %s", bwk_error_id(c), bwk_error(c));
 *	... bwk_read(c, buf, len), bwk_write(c, buf, len) ...
 *	bwk_close(c); bwk_free(c); bwk_config_free(cfg);
 *
 * The server side comes with bulwarkd. Every call returns -1 (or NULL) on
 * failure with the reason in bwk_error(), and the same message, with its
 * ID, sent to the log callback. The key helper is a process of its own:
 * its audit lines go to the standard error it inherits.
 */
#ifndef BULWARK_H
#define BULWARK_H

#include <sys/stat.h>
#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct bwk_config;
struct bwk;

/* Every message: its ID ("BWK0711E"; the last letter is I, W or E). */
typedef void bwk_log_cb(void *arg, const char *id, const char *text);

/* Why a connection failed; bulwark(1)'s exit statuses follow these. */
enum bwk_failure {
	BWK_FAIL_NONE = 0,
	BWK_FAIL_SETUP,		/* helper, key database, DNS, sandbox, memory */
	BWK_FAIL_CONNECT,	/* no TCP connection */
	BWK_FAIL_NOT_TLS,	/* the port does not speak TLS */
	BWK_FAIL_PROTOCOL,	/* outside the policy, or broken TLS */
	BWK_FAIL_TRUST,		/* the server's certificate is not trusted */
	BWK_FAIL_SELFTEST,	/* the crypto self-tests failed: nothing runs */
	BWK_FAIL_SIGNON,	/* the sign-on was refused, or the server did
				   not prove it knows the node's verifier */
	BWK_FAIL_SERVER,	/* the server ended the session (its ERROR) or
				   broke the session protocol */
};

/* How the server was trusted. */
enum bwk_trust {
	BWK_TRUST_NONE = 0,
	BWK_TRUST_PINNED,	/* its certificate is in the key database */
	BWK_TRUST_CA,		/* a chain to a CA root, host name checked */
	BWK_TRUST_FIRST_USE,	/* accepted on first use, pinned now */
	BWK_TRUST_RENEWED,	/* a renewed certificate for a pinned key */
};

struct bwk_config *bwk_config_new(void);
void	bwk_config_free(struct bwk_config *);
/* The last configuration error (a bad value, a policy file refused). */
const char *bwk_config_error(struct bwk_config *);

/* The policy file (the built-in policy when never called); refused
 * when weaker than the built-in policy. */
int	bwk_config_set_policy_file(struct bwk_config *, const char *path);
/* The server's name: its stanza, and its name in the key database. */
int	bwk_config_set_server(struct bwk_config *, const char *name);
int	bwk_config_set_address(struct bwk_config *, const char *host,
	    const char *port);
/* The key database's directory (default: bulwark-keyd(8)'s rule). */
int	bwk_config_set_db(struct bwk_config *, const char *dir);
/* Trust the system CA bundle for this server too (first use is off). */
int	bwk_config_set_system_ca(struct bwk_config *, int);
/* The SHA-256 fingerprint the server's certificate must have. */
int	bwk_config_set_expected_fingerprint(struct bwk_config *,
	    const uint8_t fpr[32]);
/*
 * The node to sign on as (NODENAME): bwk_connect then also signs on,
 * with the password the key database holds for it, and a certificate
 * taken on first use is pinned only once the server has proved it knows
 * the node's verifier.
 */
int	bwk_config_set_node(struct bwk_config *, const char *node);
/*
 * Or the administrator to sign on as (bulwark admin), with the password
 * bwk_set_admin_password hands the key helper; the HELLO says
 * administrator, and the port is the caller's (TCPADMINPORT). Not with
 * bwk_config_set_node.
 */
int	bwk_config_set_admin(struct bwk_config *, const char *name);
/* PASSWORDACCESS GENERATE: an expired node password is replaced, at
 * sign-on, by a new random one the key helper makes and keeps. Without
 * it an expired password ends the sign-on (BWK1115E). */
void	bwk_config_set_password_generate(struct bwk_config *, int);
/* Seconds: the connection and whole handshake; each wait after it. */
int	bwk_config_set_timeouts(struct bwk_config *, int handshake, int idle);
/*
 * Where messages go; by default errors and warnings to standard error,
 * results to standard output. The key helper's stubs and the key
 * database's directory report through the last callback set.
 */
void	bwk_config_set_log(struct bwk_config *, bwk_log_cb *, void *arg);
/* Weakening calls. First use trusts whatever certificate an unknown
 * server shows (and pins it): the seed system's SSLACCEPTCERTFROMSERV
 * YES. A weak sandbox runs without Landlock where the kernel lacks it. */
void	bwk_config_insecure_accept_first_use(struct bwk_config *);
void	bwk_config_insecure_weak_sandbox(struct bwk_config *);

struct bwk *bwk_client(void);
/* The configuration is copied; it may be freed or reused at once. */
int	bwk_configure(struct bwk *, const struct bwk_config *);
/*
 * The administrator's password, after bwk_configure and before
 * bwk_prepare, once: it goes at once into a pipe whose reading end
 * bwk_prepare hands to the key helper, and the library keeps no copy of
 * it (the caller wipes its own). The network process never holds it.
 */
int	bwk_set_admin_password(struct bwk *, const char *pw, size_t len);
/*
 * PASSWORDACCESS PROMPT (a node, and no GENERATE): after bwk_prepare,
 * 1 when the key database holds no password of the node for this
 * server, so the caller asks for one (on the terminal) and hands it with
 * bwk_set_node_password before bwk_sandbox; into the key helper's pipe
 * at once, the library keeps no copy (the caller wipes its own). Not
 * handed, the sign-on is refused for want of a password.
 */
int	bwk_node_password_wanted(struct bwk *);
int	bwk_set_node_password(struct bwk *, const char *pw, size_t len);
/* What needs files or privileges: the key helper (started now, before
 * no-new-privs), the trust list, DNS, the TLS context. */
int	bwk_prepare(struct bwk *);
/* The program's call: root becomes user, and the process may connect to
 * this connection's port and open nothing (sandbox/, bulwark(1)). */
int	bwk_sandbox(struct bwk *, const char *user);
/* The connection, the handshake and every check, and the sign-on when
 * there is a node; 0 only when trusted (and signed on). */
int	bwk_connect(struct bwk *);
/* Raw application data, on a connection without a node only: > 0 bytes,
 * 0 at the server's close, -1 on error. */
ssize_t	bwk_read(struct bwk *, void *, size_t);
ssize_t	bwk_write(struct bwk *, const void *, size_t);
/* A signed-on session's facts as the server sees them: key: value lines. */
int	bwk_query_session(struct bwk *, char *text, size_t len);
/*
 * An administrative command's result (docs/protocol.md, ROWS): the
 * outcome's message ID and text, and a table of nrows rows of ncols
 * printable ASCII cells. Freed with bwk_rows_free.
 */
struct bwk_rows {
	int	  refused;	/* the server refused the command */
	char	  id[9];	/* the outcome's message ID */
	char	  text[1025];	/* its text */
	size_t	  ncols, nrows;
	char	**col;		/* ncols column names (a-z 0-9 _) */
	char	**cell;		/* nrows * ncols cells, row by row */
	size_t	  bytes;	/* the cells' bytes, within the library's bound */
	int	  complete;	/* the result's last frame came */
};
/*
 * One administrative command of a signed-on administrator's session:
 * 0 with *out filled (zero it first; refused or not), -1 when the
 * session failed (the command may or may not have run).
 */
int	bwk_admin(struct bwk *, const char *command, struct bwk_rows *out);
void	bwk_rows_free(struct bwk_rows *);
/* A new random node password now (bulwark set password): the helper
 * makes and keeps it, the server gets its verifier. */
int	bwk_set_password(struct bwk *);
/* The node signed on as, or NULL. */
const char *bwk_conn_node(struct bwk *);
/* Ends a signed-on session with BYE first. -1 when that failed, or when
 * the key helper ended badly (the message says which). */
int	bwk_close(struct bwk *);
void	bwk_free(struct bwk *);

/*
 * A node's backups (bulwark incremental, selective, query backup,
 * restore, delete backup): the caller's process is the file side, which
 * reads and writes the user's files, and the session runs in a network
 * process of the library's, forked by bwk_start, sandboxed, and handed
 * each file as an open descriptor (docs/architecture.md). Instead of
 * bwk_prepare, bwk_sandbox and bwk_connect:
 *
 *	bwk_configure(c, cfg);		(a node: bwk_config_set_node)
 *	bwk_start(c, "nobody", ask_password, arg);
 *	... bwk_backup_fd(c, &meta, fd, &st, &res) ...
 *	bwk_close(c);
 *
 * setup runs in the network process after its key helper started and
 * before its sandbox (a PROMPT password: bwk_node_password_wanted); NULL
 * for none. 0 once the network process signed on; -1 with bwk_error.
 */
typedef int bwk_setup_cb(struct bwk *, void *arg);
int	bwk_start(struct bwk *, const char *user, bwk_setup_cb *setup,
	    void *arg);

enum bwk_obj_type { BWK_OBJ_FILE = 0, BWK_OBJ_DIR = 1, BWK_OBJ_LINK = 2 };

/* An object to back up: where it lives on the server, and what it is. */
struct bwk_meta {
	const char		*filespace;	/* absolute: "/home" */
	const char		*path;		/* within it: "/u/a.txt", "/" */
	enum bwk_obj_type	 type;
	uint32_t		 mode;		/* 07777 at most */
	uint32_t		 uid, gid;
	int64_t			 mtime_ns, ctime_ns;
	/* BWK_OBJ_LINK: its target. BWK_OBJ_FILE: NULL, or the name (in
	 * the same filespace) of the same file that the backup saw first
	 * (a hard link; the server may hold that name from an earlier
	 * backup); a restore of both makes them one again */
	const char		*link;
};

/* What one request came to (0 returned: the session goes on). */
enum bwk_status {
	BWK_OK = 0,
	BWK_REFUSED = 1,	/* the server refused it: id, text */
	BWK_CHANGED = 2,	/* the file changed while it was read */
	BWK_READ_ERROR = 3,	/* the file could not be read: text */
	BWK_MISMATCH = 4,	/* restored bytes differ from the backup's */
	BWK_WRITE_ERROR = 5,	/* the restored file could not be written */
	BWK_QUEUED = 6,		/* bwk_send_fd's: sent, its answer to come */
};
struct bwk_result {
	enum bwk_status	status;
	uint64_t	version;	/* the version stored */
	uint64_t	size;		/* bytes sent or restored */
	uint8_t		sha256[32];	/* their SHA-256 */
	char		id[9];		/* BWK_REFUSED: the server's */
	char		text[1025];
};

/*
 * One object: a FILE's bytes come from fd (read once, from where it is,
 * to its end), which st describes as the caller saw it before it opened
 * it: a file whose size or times differ after the read is not stored
 * (BWK_CHANGED). fd -1 and st NULL for DIR and LINK. The descriptor
 * stays the caller's.
 */
int	bwk_backup_fd(struct bwk *, const struct bwk_meta *, int fd,
	    const struct stat *st, struct bwk_result *);
/*
 * The same object sent without waiting for the server's answer, so that
 * the server can store many small objects together: BWK_QUEUED, the
 * answer (BWK_OK or BWK_REFUSED, as bwk_backup_fd's) due to the callback
 * of bwk_set_answer_cb later, with tag, in the order the objects were
 * sent; or at once a status that needs no answer (BWK_CHANGED,
 * BWK_READ_ERROR). The answers come during later calls of the library,
 * every one of them before the answer of any other request, and
 * bwk_flush waits for all; at most BWK_SEND_WINDOW are due at once (a
 * call waits for the oldest). The callback runs in the middle of a
 * request: a request made from it fails (BWK0755E). A session that fails
 * with answers due leaves them unknown: the objects may or may not be
 * stored. Without a callback set, bwk_send_fd is refused; the callback
 * cannot be changed while answers are due (bwk_flush first: BWK0755E).
 */
#define BWK_SEND_WINDOW	256
typedef void bwk_answer_cb(void *arg, uint64_t tag,
	    const struct bwk_result *);
int	bwk_set_answer_cb(struct bwk *, bwk_answer_cb *, void *arg);
int	bwk_send_fd(struct bwk *, const struct bwk_meta *, int fd,
	    const struct stat *st, uint64_t tag, struct bwk_result *);
int	bwk_flush(struct bwk *);
/* The object's active version becomes inactive. */
int	bwk_deactivate(struct bwk *, const char *filespace, const char *path,
	    struct bwk_result *);

/* A version, as a query hands it to its callback (valid during it). */
struct bwk_version {
	uint64_t		 version;
	int			 active;
	enum bwk_obj_type	 type;
	uint64_t		 size;
	uint32_t		 mode, uid, gid;
	int64_t			 mtime_ns, ctime_ns;
	int64_t			 committed, deactivated;	/* seconds */
	uint8_t			 sha256[32];
	const char		*path;		/* within the filespace */
	const char		*link;		/* LINK: its target; FILE: its hard
					   link (as bwk_meta's), or ""; DIR: "" */
};
#define BWK_Q_INACTIVE	0x01	/* inactive versions too */
#define BWK_Q_SUBDIR	0x02	/* the last part in every directory below */
/* A callback returns 0 to go on; else the listing is read to its end
 * and dropped, and the call returns 0 with BWK_REFUSED, "stopped". It
 * runs in the middle of the listing's answer: a request made from it
 * fails (BWK0755E). */
typedef int bwk_version_cb(void *arg, const struct bwk_version *);
typedef int bwk_filespace_cb(void *arg, const char *filespace,
		    int64_t created);
/* The versions of filespace's objects that match pattern (the last part
 * may hold * and ?), by path and newest first. */
int	bwk_query_backup(struct bwk *, const char *filespace,
	    const char *pattern, int flags, bwk_version_cb *, void *arg,
	    struct bwk_result *);
int	bwk_query_filespaces(struct bwk *, bwk_filespace_cb *, void *arg,
	    struct bwk_result *);
/*
 * A version's content into fd (a new, empty file opened for writing,
 * the caller's): runs of zeros become holes, so the caller sets the
 * final size (ftruncate to res->size) and syncs. BWK_OK only when size
 * and SHA-256 match both what the caller expects (the query's) and what
 * the server's catalog holds.
 */
int	bwk_restore_fd(struct bwk *, uint64_t version, uint64_t size,
	    const uint8_t sha256[32], int fd, struct bwk_result *);

/*
 * A backup of a list of paths, as bulwark incremental and selective run
 * it (the same code): each path's filespace found, its tree walked in
 * this process (directories opened beneath their parents with
 * O_NOFOLLOW, links backed up as links, one file system), each file
 * opened, checked to be what the walk saw and handed to the network
 * process (bwk_backup_fd), and sent again once when it changed while it
 * was read.
 *
 * BWK_B_INCREMENTAL: what the server holds beneath each path is listed
 * first; what is unchanged (type, size, times, mode, owner) is not sent,
 * and what is gone here becomes inactive. Else (selective) everything
 * named is sent, and a directory's own entries only unless BWK_B_SUBDIR.
 */
#define BWK_B_INCREMENTAL	0x01
#define BWK_B_SUBDIR		0x02
/* Each tree is walked once more first, looking only, to count what the
 * backup will send (expected_*), for a progress display's time left. */
#define BWK_B_ESTIMATE		0x04

enum bwk_event_kind {
	BWK_EV_SENT = 0,	/* backed up: size bytes */
	BWK_EV_UNCHANGED,	/* the server holds it as it is */
	BWK_EV_DEACTIVATED,	/* gone here: its backup is inactive now */
	BWK_EV_FAILED,		/* not backed up: id and text say why */
	BWK_EV_SKIPPED,		/* left out (a FIFO, a device): id, text */
	BWK_EV_NOTE,		/* not entered (another file system): id, text */
};
/* The running counts of a backup; the last ones are its summary. */
struct bwk_totals {
	uint64_t	inspected, sent, unchanged, deactivated;
	uint64_t	failed, skipped, bytes;
	/* BWK_B_ESTIMATE: what the paths walked so far and the one being
	 * walked will send; 0 without it */
	uint64_t	expected_objects, expected_bytes;
};
/* One object done, as the callback sees it (valid during the call). */
struct bwk_event {
	enum bwk_event_kind	 kind;
	const char		*path;	/* the local path, absolute */
	uint64_t		 size;	/* SENT: the bytes sent */
	const char		*id;	/* FAILED, SKIPPED, NOTE: the message */
	const char		*text;	/* its text, without the path */
};
/* Called after each object; non-zero stops the backup before the next
 * one (what the server confirmed stays). It may make requests (it runs
 * between two library calls, the answer of an object sent without
 * waiting reported after the call it came in), but not close or free the
 * connection. */
typedef int bwk_backup_cb(void *arg, const struct bwk_event *,
		    const struct bwk_totals *);
/*
 * 0 when every path was walked (totals->failed counts what was not
 * backed up), 1 when the callback stopped it, -1 when the session failed
 * (bwk_error). cb may be NULL; totals is filled in every case.
 */
int	bwk_backup_paths(struct bwk *, const char *const *paths, size_t n,
	    int flags, bwk_backup_cb *cb, void *arg, struct bwk_totals *totals);

/*
 * Called during bwk_backup_fd and bwk_restore_fd of a large object, each
 * time another 16 MiB of it moved, with its bytes so far: a progress
 * display for files that take a while. It runs in the middle of the
 * request: a request made from it fails (BWK0755E). NULL: none.
 */
typedef void bwk_bytes_cb(void *arg, uint64_t done);
void	bwk_set_bytes_cb(struct bwk *, bwk_bytes_cb *cb, void *arg);

/* The connection's first error, its ID, and its class. */
const char *bwk_error(struct bwk *);
const char *bwk_error_id(struct bwk *);
enum bwk_failure bwk_failure(struct bwk *);

/* Facts of an established connection. */
enum bwk_trust bwk_conn_trust(struct bwk *);
/* The report `bulwark check` prints: protocol, suite, group, signature,
 * EMS, trust rule, client authentication, the server's chain. */
void	bwk_conn_report(struct bwk *, FILE *);

#endif
