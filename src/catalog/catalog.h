/*
 * The server's catalog: nodes, administrators and the backup objects of
 * bulwarkd, in one SQLite file in the instance directory
 * (docs/catalog.md has the schema, the transactions and why).
 *
 * Every SQL statement lives in this folder (catalog_sql.c), so a site
 * that outgrows one server can move the catalog to another database
 * behind this same interface. Callers see only these calls.
 *
 * Rules every call keeps:
 *  - each change is one transaction (BEGIN IMMEDIATE ... COMMIT): it is
 *    complete and durable (synchronous FULL) when the call returns
 *    CAT_OK, and nothing of it is written when it returns anything else;
 *  - every value is bound to a prepared statement: no SQL text is ever
 *    made from a name, a path or a pattern;
 *  - a handle belongs to the process that opened it: a forked session
 *    process opens its own (a call from another process is refused), and
 *    one thread at a time uses it.
 *
 * Return values: CAT_OK, one of the outcomes below (never reported: the
 * caller decides what the user sees, and a sign-on refusal must not say
 * which), or CAT_ERROR when the catalog itself failed; that is reported
 * through bwk_msg() with an ID in BWK1200-BWK1229.
 */
#ifndef BWK_CATALOG_H
#define BWK_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "../lib/scram.h"

#define CATALOG_FILE		"catalog.db"
#define CATALOG_SCHEMA_VERSION	3

#define CAT_NAME_MAX		64	/* node and administrator names */
#define CAT_PATH_MAX		4095	/* a path's bytes */
#define CAT_CONTENT_MAX		40	/* "ab/", 32 hex, NUL */

/* The lock policy's defaults (catalog_set_lock_policy). */
#define CAT_LOCK_FAILURES	5
#define CAT_LOCK_SECONDS	900
/* Retention's defaults, the seed's VEREXISTS 2 and RETEXTRA 30. */
#define CAT_KEEP_VERSIONS	2
#define CAT_KEEP_DAYS		30
/* And for a file deleted on the client, the seed's VERDELETED 1, RETONLY 60. */
#define CAT_KEEP_DELETED	1
#define CAT_KEEP_ONLY_DAYS	60
#define CAT_BUSY_MS		15000

enum cat_status {
	CAT_ERROR = -1,		/* the catalog failed; reported */
	CAT_OK = 0,
	CAT_NOTFOUND = 1,	/* no such node, admin, object or version */
	CAT_EXISTS = 2,		/* the name is taken */
	CAT_INVALID = 3,	/* a name, path, pattern or value is refused */
	CAT_LOCKED = 4,		/* locked: too many failed sign-ons */
	CAT_HASDATA = 5,	/* a node that still owns filespaces */
	CAT_STATE = 6,		/* the version is in another state */
};

enum cat_kind { CAT_NODE = 0, CAT_ADMIN = 1 };

enum cat_security { CAT_STRICT = 0, CAT_TRANSITIONAL = 1 };

/* Times are seconds since the epoch (UTC); 0 means never. */
struct cat_account {
	char			name[CAT_NAME_MAX + 1];	/* upper */
	struct scram_verifier	verifier;	/* never a password */
	enum cat_security	security;
	int64_t			password_expires;
	int			failed_signons;	/* since a success */
	int64_t			locked_until;
	int64_t			last_signon;
	int64_t			created;
	int64_t			updated;
};

/* What catalog_account_update changes: any of these, in one transaction. */
#define CAT_SET_VERIFIER	0x01	/* and clears failures, lock */
#define CAT_SET_SECURITY	0x02
#define CAT_SET_EXPIRES		0x04
#define CAT_SET_UNLOCK		0x08	/* clears failures and lock */

struct cat_update {
	int				what;		/* CAT_SET_* */
	const struct scram_verifier	*verifier;
	enum cat_security		security;
	int64_t				password_expires;
};

enum cat_type { CAT_FILE = 0, CAT_DIR = 1, CAT_LINK = 2 };

enum cat_state {
	CAT_PENDING = 0,	/* inserted, data not yet complete: invisible */
	CAT_ACTIVE = 1,		/* the current version of a file */
	CAT_INACTIVE = 2,	/* an older version, or the file was deleted */
	CAT_DELETING = 3,	/* expired: its content file goes */
};

/* A version's metadata as the client sent it (catalog_object_begin). */
struct cat_meta {
	enum cat_type	type;
	uint32_t	mode;		/* permission bits, 07777 */
	uint32_t	uid;
	uint32_t	gid;
	int64_t		mtime_ns;	/* ns since the epoch */
	int64_t		ctime_ns;
	const char	*link;		/* CAT_LINK: its target; CAT_FILE: an
					   earlier name of it (a hard
					   link), or NULL */
};

/* What catalog_object_begin made: the version and its content file. */
struct cat_pending {
	int64_t		version;
	char		content[CAT_CONTENT_MAX];	/* "": DIR, LINK */
};

/*
 * One version, as a query hands it to its callback. The strings point
 * into the catalog's own buffers and are valid during the callback only.
 */
struct cat_version {
	int64_t			version;
	const char		*node;
	const char		*filespace;
	const char		*dir;		/* ends in '/' */
	const char		*name;		/* "": filespace root */
	enum cat_state		state;
	enum cat_type		type;
	uint64_t		size;
	uint32_t		mode;
	uint32_t		uid;
	uint32_t		gid;
	int64_t			mtime_ns;
	int64_t			ctime_ns;
	const char		*link;		/* as cat_meta's */
	uint8_t			sha256[32];	/* or zero */
	const char		*content;	/* NULL unless CAT_FILE */
	int64_t			inserted;	/* the backup began */
	int64_t			committed;	/* it became visible */
	int64_t			deactivated;	/* inactive since */
};

/* Query flags. */
#define CAT_Q_INACTIVE	0x01	/* inactive versions too */
#define CAT_Q_SUBDIR	0x02	/* the name in every subdirectory too */

/* A callback returns 0 to go on, else it stops (the call returns that). */
typedef int cat_account_cb(void *arg, const struct cat_account *);
typedef int cat_version_cb(void *arg, const struct cat_version *);
typedef int cat_filespace_cb(void *arg, const char *filespace,
		    int64_t created);
/* Removes a content file; 0 when it is gone (absent counts as gone). */
typedef int cat_remove_cb(void *arg, const char *content);

struct catalog;

#define CAT_OPEN_CREATE		0x01	/* create it when absent */
/* Users by number in messages: a sandboxed process cannot look names up. */
#define CAT_OPEN_NUMERIC_IDS	0x02

/* Checks the directory and file, opens, migrates; *out NULL on error. */
int	catalog_open(struct catalog **out, const char *dir, int flags);
/* Closes the handle; NULL is fine. */
void	catalog_close(struct catalog *);
/* The catalog file's path, for messages. */
const char *catalog_path(const struct catalog *);
/* The schema version of the open catalog. */
int	catalog_schema_version(struct catalog *);
/* A short English text for a status, for log lines. */
const char *catalog_strerror(int status);

/* failures in 1..1000 lock an account for seconds in 1..30 days. */
int	catalog_set_lock_policy(struct catalog *, int failures, int seconds);
/* versions in 1..100 kept per object; inactive ones kept days in 0..3650. */
int	catalog_set_retention(struct catalog *, int versions, int days);
/*
 * An object with no active version (deleted on the client): versions in
 * 0..100 of it kept (the seed's VERDELETED), and its last, newest version
 * kept days in 0..3650 after it became inactive (RETONLY) instead of
 * catalog_set_retention's days, which the others keep.
 */
int	catalog_set_retention_deleted(struct catalog *, int versions,
	    int days);
/* How long a writer waits for another's transaction, 1..600000 ms. */
int	catalog_set_busy_timeout(struct catalog *, int ms);
/* The clock for times and locks (the tests move it); NULL: bwk_now(). */
void	catalog_set_clock(struct catalog *, int64_t (*now)(void));

/* 1 when name is a node or administrator name (1-64 of A-Z a-z 0-9 _.-+&). */
int	catalog_name_ok(const char *name);
/* A name's stored form, upper case; CAT_INVALID when not a name. */
int	catalog_name_canon(const char *name, char out[CAT_NAME_MAX + 1]);
/*
 * 1 when a verifier (scram.h's) is within scram.h's bounds: a salt of
 * SCRAM_SALT_MIN..SCRAM_SALT_MAX bytes, a count of SCRAM_ITER_FLOOR..
 * SCRAM_ITER_MAX. Below the floor a stolen catalog is cheap to attack
 * offline, and outside them the client refuses to sign on: the catalog
 * stores no verifier it could not use.
 */
int	catalog_verifier_ok(const struct scram_verifier *);

/* A new node or administrator. CAT_EXISTS when the name is taken. */
int	catalog_account_register(struct catalog *, enum cat_kind,
	    const char *name, const struct scram_verifier *, enum cat_security,
	    int64_t password_expires);
/* Changes what u->what says. CAT_NOTFOUND for an unknown name. */
int	catalog_account_update(struct catalog *, enum cat_kind,
	    const char *name, const struct cat_update *u);
/* New verifier and expiry (a password change); clears failures and lock. */
int	catalog_account_set_verifier(struct catalog *, enum cat_kind,
	    const char *name, const struct scram_verifier *,
	    int64_t password_expires);
/* STRICT or TRANSITIONAL (the admin's update node sessionsecurity=). */
int	catalog_account_set_security(struct catalog *, enum cat_kind,
	    const char *name, enum cat_security);
/* Removes it; a node that owns filespaces is CAT_HASDATA. */
int	catalog_account_remove(struct catalog *, enum cat_kind,
	    const char *name);
int	catalog_account_get(struct catalog *, enum cat_kind,
	    const char *name, struct cat_account *out);
/* Every account of that kind, by name. */
int	catalog_account_list(struct catalog *, enum cat_kind,
	    cat_account_cb *cb, void *arg);

/*
 * A successful sign-on: clears the failures, records the time, and a
 * TRANSITIONAL account becomes STRICT (*became_strict 1; may be NULL).
 * CAT_LOCKED, and nothing changes, when the account is locked: a caller
 * that checked the lock before a slow proof cannot be overtaken by a lock.
 */
int	catalog_signon_success(struct catalog *, enum cat_kind,
	    const char *name, int *became_strict);
/*
 * A failed sign-on: counts it, and locks the account once the count
 * reaches the policy's failures (CAT_LOCKED, *locked_until set; may be
 * NULL). A failure while locked changes nothing and is CAT_LOCKED.
 */
int	catalog_signon_failure(struct catalog *, enum cat_kind,
	    const char *name, int64_t *locked_until);
/* *locked 1 when locked now (with *until; may be NULL), else 0. */
int	catalog_account_locked(struct catalog *, enum cat_kind,
	    const char *name, int *locked, int64_t *until);

/*
 * A group: the calls between catalog_group_begin and catalog_group_end
 * make one transaction, each call still all or nothing on its own (a
 * savepoint), so that a session stores many small objects with one
 * commit and one sync of the log instead of one each. The group holds
 * the catalog's write lock from begin to end: its calls come one after
 * the other, never with a wait on the network between them. CAT_ERROR
 * from catalog_group_end: nothing of the group is kept.
 */
int	catalog_group_begin(struct catalog *);
int	catalog_group_end(struct catalog *);
/*
 * A new version of NODE's FILESPACE:PATH, invisible until committed:
 * its content file (FILE only) is written under the data directory as
 * out->content, then catalog_object_commit makes it the active version.
 * PATH starts with '/' and is below the filespace; the filespace and
 * object are created with the first version.
 */
int	catalog_object_begin(struct catalog *, const char *node,
	    const char *filespace, const char *path, const struct cat_meta *,
	    struct cat_pending *out);
/*
 * The content file is complete and synced: the pending version becomes
 * active, the active one inactive, and retention applies, in one
 * transaction. CAT_STATE when the version is not pending; CAT_NOTFOUND
 * when it is not NODE's. sha256 may be NULL for DIR and LINK.
 */
int	catalog_object_commit(struct catalog *, const char *node,
	    int64_t version, uint64_t size, const uint8_t sha256[32]);
/* A pending version that will not complete; its content file is reaped. */
int	catalog_object_abort(struct catalog *, const char *node,
	    int64_t version);
/*
 * The file is gone from the client (incremental) or the user deleted
 * its backup: the active version becomes inactive, and *version (may be
 * NULL) is its id. CAT_NOTFOUND when there is no active version.
 */
int	catalog_object_deactivate(struct catalog *, const char *node,
	    const char *filespace, const char *path, int64_t *version);
/*
 * The versions of NODE's objects in FILESPACE that match PATTERN, by
 * path and newest first: '*' and '?' in the last component only (the
 * seed's rule), the directory part literal; CAT_Q_SUBDIR matches the
 * last component in every directory below too. The callback must not
 * call the catalog.
 */
int	catalog_object_query(struct catalog *, const char *node,
	    const char *filespace, const char *pattern, int flags,
	    cat_version_cb *cb, void *arg);
/*
 * One version of NODE's by its id (a restore), handed to cb as a query
 * hands it, with its filespace; cb's result is returned. CAT_NOTFOUND,
 * and cb is not called, when there is no such version, when it is
 * another node's, or when it is pending or being deleted: a node learns
 * nothing of what it could not query. The callback must not call the
 * catalog.
 */
int	catalog_version_get(struct catalog *, const char *node,
	    int64_t version, cat_version_cb *cb, void *arg);
/* NODE's filespaces, by name. */
int	catalog_filespace_list(struct catalog *, const char *node,
	    cat_filespace_cb *cb, void *arg);
/*
 * Retention: inactive versions older than the policy's days (the last
 * one of a deleted file: older than its own days), and any beyond its
 * versions per object (of a deleted file: its own number), become
 * CAT_DELETING (*count of them; may be NULL). Their content files go
 * with catalog_reap().
 */
int	catalog_expire(struct catalog *, int *count);
/*
 * Removes CAT_DELETING versions, and pending ones that began before
 * pending_before (0: none; at server start, when no session runs, every
 * one): rm removes each content file first, then the row goes, so a
 * crash leaves a row to retry and never an unlisted file.
 */
int	catalog_reap(struct catalog *, int64_t pending_before,
	    cat_remove_cb *rm, void *arg, int *count);

/* SQLite's integrity and foreign-key checks; CAT_ERROR when damaged. */
int	catalog_check(struct catalog *);
/* 1 when s is a content file's name as the catalog makes them ("ab/" and
 * 32 lower-case hex digits, the first two "ab"), else 0. */
int	catalog_content_ok(const char *s);
/*
 * Every version of every node, in any state, by id (the server's own
 * audit). The rows are read in small batches, each one short snapshot,
 * and cb is called between them, outside any transaction: it may take
 * its time (read a content file) and call the catalog. A version that
 * changed state since its batch was read is shown as it was; a damaged
 * row is reported (BWK1211E) and skipped, and the call then ends with
 * CAT_ERROR once every other row was shown.
 */
int	catalog_version_list(struct catalog *, cat_version_cb *cb, void *arg);
/* A version's state now, by id, whoever's it is; CAT_NOTFOUND if none. */
int	catalog_version_state(struct catalog *, int64_t version,
	    enum cat_state *state);

/*
 * The sessions signed on now, for an administrator's query session: each
 * session process adds its own row at sign-on and removes it at its end.
 * RUN is the listener's (it changes with every start); a new session
 * first drops the rows of other runs and of sessions the listener no
 * longer runs (the ids it was handed), so a session that died leaves no
 * row behind the next one.
 */
struct cat_session {
	int64_t		 run;
	int64_t		 id;
	const char	*peer;		/* address and port */
	const char	*role;		/* "node" or "administrator" */
	const char	*name;
	int64_t		 started;	/* the connection came */
	int64_t		 signed_on;
	const char	*protocol, *suite, *group;
	int		 ems;
};
typedef int cat_session_cb(void *arg, const struct cat_session *);

int	catalog_session_add(struct catalog *, const struct cat_session *);
int	catalog_session_remove(struct catalog *, int64_t run, int64_t id);
/*
 * Drops every row not of run, and those of sessions before self (the
 * caller's id) that are not among live (n ids, the listener's sessions
 * when it started self). A session after self started later, so it is
 * not in live, and its row stays.
 */
int	catalog_session_prune(struct catalog *, int64_t run, int64_t self,
	    const int64_t *live, size_t n);
/* The rows of run, by id; the strings are valid during the callback. */
int	catalog_session_list(struct catalog *, int64_t run,
	    cat_session_cb *, void *);
/*
 * When the oldest session with a row began (its started), of any run:
 * a pending version that began before it belongs to no session signed
 * on now. CAT_NOTFOUND when there is no row.
 */
int	catalog_session_oldest(struct catalog *, int64_t *started);

#endif
