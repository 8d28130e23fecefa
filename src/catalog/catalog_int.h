/*
 * The catalog's private parts: the handle, the statement numbers and the
 * helpers that every call goes through. Nothing outside src/catalog/
 * includes this.
 */
#ifndef BWK_CATALOG_INT_H
#define BWK_CATALOG_INT_H

#include <sys/types.h>

#include <limits.h>
#include <sqlite3.h>

#include "catalog.h"

/*
 * "BWKC": PRAGMA application_id marks the file as a Bulwark catalog, so
 * another program's SQLite file in the instance directory is refused
 * rather than migrated. The literal in catalog_sql.c must match.
 */
#define CAT_APPLICATION_ID	0x42574B43

/*
 * Statements. Those that exist for nodes and administrators alike come
 * in pairs, the administrators' one right after the nodes' one, so that
 * S_X + kind picks the table (cat_acct()).
 */
#define PAIR(x)	x, x##_ADMIN
enum cat_stmt {
	S_BEGIN,
	S_BEGIN_READ,
	S_COMMIT,
	S_ROLLBACK,
	S_SAVEPOINT,
	S_RELEASE,
	S_ROLLBACK_TO,
	S_JOURNAL_WAL,
	S_SYNC_FULL,
	S_SYNC_GET,
	S_FK_ON,
	S_TEMP_MEMORY,
	S_FK_GET,
	S_APPID_GET,
	S_APPID_SET,
	S_SCHEMA_COUNT,
	S_VERSION_TABLE,
	S_VERSION_GET,
	S_VERSION_SET,
	S_INTEGRITY,
	S_FK_CHECK,
	PAIR(S_ACCT_INSERT),
	PAIR(S_ACCT_GET),
	PAIR(S_ACCT_LIST),
	PAIR(S_ACCT_DELETE),
	PAIR(S_ACCT_SET_VERIFIER),
	PAIR(S_ACCT_SET_SECURITY),
	PAIR(S_ACCT_SET_EXPIRES),
	PAIR(S_ACCT_UNLOCK),
	PAIR(S_ACCT_SUCCESS),
	PAIR(S_ACCT_FAILURE),
	S_NODE_ID,
	S_FS_ID,
	S_FS_INSERT,
	S_FS_LIST,
	S_OBJ_ID,
	S_OBJ_INSERT,
	S_OBJ_LOOKUP,
	S_VER_INSERT,
	S_VER_OWNED,
	S_VER_DEACTIVATE,
	S_VER_ACTIVATE,
	S_VER_TRIM,
	S_VER_ABORT,
	S_VER_DEACTIVATE_ONE,
	S_VER_GET,
	S_QUERY_DIR,
	S_QUERY_TREE,
	S_EXPIRE_AGE,
	S_EXPIRE_COUNT,
	S_REAP_PENDING,
	S_REAP_LIST,
	S_REAP_VERSION,
	S_REAP_OBJECT,
	S_REAP_FILESPACE,
	S_SESS_ADD,
	S_SESS_REMOVE,
	S_SESS_IDS,
	S_SESS_LIST,
	S_SESS_OLDEST,
	S_AUDIT_LIST,
	S_AUDIT_STATE,
	S_COUNT
};
#undef PAIR

extern const char *const	cat_sql[S_COUNT];
/* Schema version N is made by cat_migration[N - 1], a NULL-ended list. */
extern const char *const *const	cat_migration[CATALOG_SCHEMA_VERSION];

struct catalog {
	sqlite3		*db;
	sqlite3_stmt	*stmt[S_COUNT];
	char		 dir[PATH_MAX];
	char		 path[PATH_MAX];
	pid_t		 pid;		/* its opener */
	int64_t		(*now)(void);
	int		 lock_failures;
	int		 lock_seconds;
	int		 keep_versions;
	int		 keep_days;
	int		 keep_deleted;	/* VERDELETED */
	int		 keep_only_days;	/* RETONLY */
	int		 busy_ms;
	int		 version;	/* the schema version, migrated */
	/* catalog_group_begin's transaction: each call a savepoint in it */
	int		 group;
	int		 group_broken;	/* SQLite rolled it back itself */
};

/* The handle is open and belongs to this process; reported when not. */
int		 cat_usable(struct catalog *);
/* The prepared statement, reset and unbound; NULL (reported) on error. */
sqlite3_stmt	*cat_stmt(struct catalog *, enum cat_stmt);
/* The nodes' or the administrators' statement of a pair. */
sqlite3_stmt	*cat_acct(struct catalog *, enum cat_stmt, enum cat_kind);
/*
 * Steps a statement: SQLITE_ROW or SQLITE_DONE, else the status the
 * failure means (CAT_EXISTS for a taken name, CAT_HASDATA for a row
 * still referred to, otherwise CAT_ERROR, reported with what).
 */
int		 cat_step(struct catalog *, sqlite3_stmt *, const char *);
/* Steps a statement that returns no row: CAT_OK or the failure's status. */
int		 cat_exec(struct catalog *, sqlite3_stmt *, const char *);
/* A bind call's result: CAT_OK, or CAT_ERROR reported. */
int		 cat_bound(struct catalog *, int rc, const char *what);
/* Reports a failure of SQLite itself (rc, and what was being done). */
int		 cat_fail(struct catalog *, int rc, const char *what);
/*
 * A write transaction: BEGIN IMMEDIATE, so waiting is the busy timeout's;
 * inside a group (catalog_group_begin), a savepoint of the group's.
 */
int		 cat_begin(struct catalog *);
/* Commits when r is CAT_OK or keep is set, else rolls back: r or CAT_ERROR. */
int		 cat_end(struct catalog *, int r, int keep);
int64_t		 cat_now(struct catalog *);
/*
 * Test builds: a fault at a named point, from the environment:
 * BULWARK_TEST_CATALOG_FAIL=point fails there (-1, reported),
 * BULWARK_TEST_CATALOG_CRASH=point kills the process with SIGKILL, and
 * BULWARK_TEST_CATALOG_SLEEP=point:ms waits there. 0 otherwise.
 */
int		 cat_fault(struct catalog *, const char *point);

/*
 * catalog_object.c: a row of the versions' columns (VERSION_COLS'
 * first 17, in their order) into v, its strings the statement's; 0, or
 * -1 for a row that is not as the catalog writes it.
 */
int		 cat_read_version(sqlite3_stmt *, struct cat_version *v);

/* catalog_schema.c: checks the file's schema, creates or migrates it. */
int		 cat_schema_setup(struct catalog *);

#endif
