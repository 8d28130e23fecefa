/*
 * Every SQL text of the catalog, and nothing else: the schema of each
 * version and the statements the calls prepare. All of it is constant;
 * every value is a bound parameter (?N), so no name, path or pattern
 * from a client can become SQL. docs/catalog.md explains each column.
 *
 * Moving the catalog to another database means rewriting this file and
 * the few SQLite calls in catalog.c; the calls' logic stays.
 */
#include "catalog_int.h"

/*
 * Schema version 1. STRICT tables make SQLite refuse a value of the
 * wrong type instead of storing it; the CHECKs are the invariants the C
 * code keeps, so that a bug cannot store what the code would refuse to
 * read back. Names are stored upper case (the seed's names are
 * case-insensitive, and shown upper case).
 */
static const char *const schema_v1[] = {
	"CREATE TABLE schema_version ("
	" singleton INTEGER PRIMARY KEY CHECK (singleton = 1),"
	" version INTEGER NOT NULL CHECK (version >= 1),"
	" migrated INTEGER NOT NULL"
	") STRICT",

#define ACCOUNT_TABLE(t) \
	"CREATE TABLE " t " ("						\
	" id INTEGER PRIMARY KEY,"					\
	" name TEXT NOT NULL UNIQUE"					\
	"  CHECK (length(name) BETWEEN 1 AND 64 AND name = upper(name)),"\
	" salt BLOB NOT NULL CHECK (length(salt) BETWEEN 16 AND 64),"	\
	" iterations INTEGER NOT NULL CHECK (iterations > 0),"		\
	" stored_key BLOB NOT NULL CHECK (length(stored_key) = 32),"	\
	" server_key BLOB NOT NULL CHECK (length(server_key) = 32),"	\
	" session_security TEXT NOT NULL"				\
	"  CHECK (session_security IN ('STRICT', 'TRANSITIONAL')),"	\
	" password_expires INTEGER NOT NULL CHECK (password_expires >= 0),"\
	" failed_signons INTEGER NOT NULL CHECK (failed_signons >= 0),"	\
	" locked_until INTEGER NOT NULL CHECK (locked_until >= 0),"	\
	" last_signon INTEGER NOT NULL CHECK (last_signon >= 0),"	\
	" created INTEGER NOT NULL,"					\
	" updated INTEGER NOT NULL"					\
	") STRICT"
	ACCOUNT_TABLE("nodes"),
	ACCOUNT_TABLE("admins"),
#undef ACCOUNT_TABLE

	/* Paths are BLOBs: a file name need not be UTF-8. */
	"CREATE TABLE filespaces ("
	" id INTEGER PRIMARY KEY,"
	" node_id INTEGER NOT NULL REFERENCES nodes(id),"
	" name BLOB NOT NULL CHECK (length(name) BETWEEN 1 AND 4095),"
	" created INTEGER NOT NULL,"
	" UNIQUE (node_id, name)"
	") STRICT",

	"CREATE TABLE objects ("
	" id INTEGER PRIMARY KEY,"
	" filespace_id INTEGER NOT NULL REFERENCES filespaces(id),"
	" dir BLOB NOT NULL CHECK (length(dir) BETWEEN 1 AND 4095),"
	" name BLOB NOT NULL CHECK (length(name) <= 4095),"
	" UNIQUE (filespace_id, dir, name)"
	") STRICT",

	/*
	 * AUTOINCREMENT: a version id is never reused, even after the
	 * newest row was reaped, so an id in a log or a session always
	 * means one version.
	 */
	"CREATE TABLE versions ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" object_id INTEGER NOT NULL REFERENCES objects(id),"
	" state TEXT NOT NULL"
	"  CHECK (state IN ('PENDING', 'ACTIVE', 'INACTIVE', 'DELETING')),"
	" type TEXT NOT NULL CHECK (type IN ('FILE', 'DIR', 'LINK')),"
	" size INTEGER NOT NULL CHECK (size >= 0),"
	" mode INTEGER NOT NULL CHECK (mode BETWEEN 0 AND 4095),"
	" uid INTEGER NOT NULL CHECK (uid BETWEEN 0 AND 4294967295),"
	" gid INTEGER NOT NULL CHECK (gid BETWEEN 0 AND 4294967295),"
	" mtime_ns INTEGER NOT NULL,"
	" ctime_ns INTEGER NOT NULL,"
	" link BLOB CHECK (link IS NULL OR length(link) BETWEEN 1 AND 4095),"
	" sha256 BLOB CHECK (sha256 IS NULL OR length(sha256) = 32),"
	" content TEXT UNIQUE,"
	" inserted INTEGER NOT NULL,"
	" committed INTEGER NOT NULL,"
	" deactivated INTEGER NOT NULL,"
	" CHECK ((type = 'FILE') = (content IS NOT NULL)),"
	" CHECK ((type = 'LINK') = (link IS NOT NULL)),"
	" CHECK (type <> 'FILE' OR state IN ('PENDING', 'DELETING')"
	"  OR sha256 IS NOT NULL)"
	") STRICT",

	/* The schema itself says an object has at most one active version. */
	"CREATE UNIQUE INDEX versions_active ON versions(object_id)"
	" WHERE state = 'ACTIVE'",
	"CREATE INDEX versions_object ON versions(object_id, state)",
	"CREATE INDEX versions_state ON versions(state, deactivated)",
	NULL
};

/*
 * Schema version 2: the sessions signed on now (catalog_session_add).
 * Nothing refers to them, and a lost row costs only a line of query
 * session, so they are kept apart from the accounts and objects.
 */
static const char *const schema_v2[] = {
	"CREATE TABLE sessions ("
	" run INTEGER NOT NULL,"
	" id INTEGER NOT NULL CHECK (id > 0),"
	" peer TEXT NOT NULL CHECK (length(peer) BETWEEN 1 AND 64),"
	" role TEXT NOT NULL CHECK (role IN ('node', 'administrator')),"
	" name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),"
	" started INTEGER NOT NULL,"
	" signed_on INTEGER NOT NULL,"
	" protocol TEXT NOT NULL CHECK (length(protocol) <= 64),"
	" suite TEXT NOT NULL CHECK (length(suite) <= 64),"
	" grp TEXT NOT NULL CHECK (length(grp) <= 64),"
	" ems INTEGER NOT NULL CHECK (ems IN (0, 1)),"
	" PRIMARY KEY (run, id)"
	") STRICT",
	NULL
};

/*
 * Schema version 3: a FILE's hard link, the first name of the same file
 * its backup saw (docs/catalog.md). A column of
 * its own, so that version 1's rule that only a LINK has a link target
 * stands, and an older catalog gains it without a rebuild.
 */
static const char *const schema_v3[] = {
	"ALTER TABLE versions ADD COLUMN hardlink BLOB"
	" CHECK (hardlink IS NULL OR (type = 'FILE'"
	" AND length(hardlink) BETWEEN 1 AND 4095))",
	NULL
};

const char *const *const cat_migration[CATALOG_SCHEMA_VERSION] = {
	schema_v1,
	schema_v2,
	schema_v3,
};

#define ACCT_COLS \
	"name, salt, iterations, stored_key, server_key, session_security, " \
	"password_expires, failed_signons, locked_until, last_signon, "     \
	"created, updated"

/* The same statement for the nodes' table and the administrators'. */
#define BOTH(id, pre, post) \
	[id] = pre "nodes" post, [id##_ADMIN] = pre "admins" post

/*
 * The columns catalog_object_query and catalog_version_get read, in the
 * order they read them, from a version up to its node.
 */
#define VERSION_SELECT \
	"SELECT v.id, o.dir, o.name, v.state, v.type, v.size, v.mode, "	\
	"v.uid, v.gid, v.mtime_ns, v.ctime_ns, "				\
	"coalesce(v.link, v.hardlink), v.sha256, "				\
	"v.content, v.inserted, v.committed, v.deactivated, f.name "		\
	"FROM nodes n JOIN filespaces f ON f.node_id = n.id "			\
	"JOIN objects o ON o.filespace_id = f.id "				\
	"JOIN versions v ON v.object_id = o.id "
#define VERSION_COLS VERSION_SELECT					\
	"WHERE n.name = ?1 AND f.name = ?2 "					\
	"AND (v.state = 'ACTIVE' OR (?3 AND v.state = 'INACTIVE')) "
/* Newest first: the active version, then by when each became inactive. */
#define VERSION_ORDER \
	" ORDER BY o.dir, o.name, v.state = 'ACTIVE' DESC, "			\
	"v.deactivated DESC, v.id DESC"
/* Which versions retention keeps first: the same order, per object. */
#define KEEP_ORDER \
	"state = 'ACTIVE' DESC, deactivated DESC, id DESC"

const char *const cat_sql[S_COUNT] = {
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_BEGIN_READ] = "BEGIN DEFERRED",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_SAVEPOINT] = "SAVEPOINT call",
	[S_RELEASE] = "RELEASE call",
	[S_ROLLBACK_TO] = "ROLLBACK TO call",
	[S_JOURNAL_WAL] = "PRAGMA journal_mode = WAL",
	[S_SYNC_FULL] = "PRAGMA synchronous = FULL",
	[S_SYNC_GET] = "PRAGMA synchronous",
	[S_FK_ON] = "PRAGMA foreign_keys = ON",
	[S_TEMP_MEMORY] = "PRAGMA temp_store = MEMORY",
	[S_FK_GET] = "PRAGMA foreign_keys",
	[S_APPID_GET] = "PRAGMA application_id",
	/* CAT_APPLICATION_ID, "BWKC" */
	[S_APPID_SET] = "PRAGMA application_id = 1113017155",
	[S_SCHEMA_COUNT] = "SELECT count(*) FROM sqlite_schema",
	[S_VERSION_TABLE] = "SELECT count(*) FROM sqlite_schema "
	    "WHERE type = 'table' AND name = 'schema_version'",
	[S_VERSION_GET] = "SELECT version FROM schema_version "
	    "WHERE singleton = 1",
	[S_VERSION_SET] = "INSERT INTO schema_version(singleton, version, "
	    "migrated) VALUES (1, ?1, ?2) ON CONFLICT(singleton) DO UPDATE "
	    "SET version = excluded.version, migrated = excluded.migrated",
	[S_INTEGRITY] = "PRAGMA integrity_check",
	[S_FK_CHECK] = "PRAGMA foreign_key_check",

	BOTH(S_ACCT_INSERT, "INSERT INTO ", "(" ACCT_COLS ") VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, 0, 0, ?8, ?8)"),
	BOTH(S_ACCT_GET, "SELECT " ACCT_COLS " FROM ", " WHERE name = ?1"),
	BOTH(S_ACCT_LIST, "SELECT " ACCT_COLS " FROM ", " ORDER BY name"),
	BOTH(S_ACCT_DELETE, "DELETE FROM ", " WHERE name = ?1"),
	BOTH(S_ACCT_SET_VERIFIER, "UPDATE ", " SET salt = ?2, "
	    "iterations = ?3, stored_key = ?4, server_key = ?5, "
	    "password_expires = ?6, failed_signons = 0, locked_until = 0, "
	    "updated = ?7 WHERE name = ?1"),
	BOTH(S_ACCT_SET_SECURITY, "UPDATE ", " SET session_security = ?2, "
	    "updated = ?3 WHERE name = ?1"),
	BOTH(S_ACCT_SET_EXPIRES, "UPDATE ", " SET password_expires = ?2, "
	    "updated = ?3 WHERE name = ?1"),
	BOTH(S_ACCT_UNLOCK, "UPDATE ", " SET failed_signons = 0, "
	    "locked_until = 0, updated = ?2 WHERE name = ?1"),
	/* The seed's rule: the first successful sign-on makes it STRICT. */
	BOTH(S_ACCT_SUCCESS, "UPDATE ", " SET failed_signons = 0, "
	    "locked_until = 0, last_signon = ?2, "
	    "updated = CASE WHEN session_security = 'STRICT' THEN updated "
	    "ELSE ?2 END, session_security = 'STRICT' WHERE name = ?1"),
	BOTH(S_ACCT_FAILURE, "UPDATE ", " SET failed_signons = ?2, "
	    "locked_until = ?3 WHERE name = ?1"),

	[S_NODE_ID] = "SELECT id FROM nodes WHERE name = ?1",
	[S_FS_ID] = "SELECT id FROM filespaces WHERE node_id = ?1 "
	    "AND name = ?2",
	[S_FS_INSERT] = "INSERT INTO filespaces(node_id, name, created) "
	    "VALUES (?1, ?2, ?3)",
	[S_FS_LIST] = "SELECT f.name, f.created FROM filespaces f "
	    "JOIN nodes n ON n.id = f.node_id WHERE n.name = ?1 "
	    "ORDER BY f.name",
	[S_OBJ_ID] = "SELECT id FROM objects WHERE filespace_id = ?1 "
	    "AND dir = ?2 AND name = ?3",
	[S_OBJ_INSERT] = "INSERT INTO objects(filespace_id, dir, name) "
	    "VALUES (?1, ?2, ?3)",
	[S_OBJ_LOOKUP] = "SELECT o.id FROM nodes n "
	    "JOIN filespaces f ON f.node_id = n.id "
	    "JOIN objects o ON o.filespace_id = f.id "
	    "WHERE n.name = ?1 AND f.name = ?2 AND o.dir = ?3 AND o.name = ?4",
	/*
	 * A content file's name is random (SQLite's randomblob, from the
	 * system's entropy): unique (the column is UNIQUE), fanned out over
	 * 256 directories, and nothing a client chose.
	 */
	[S_VER_INSERT] = "INSERT INTO versions(object_id, state, type, size, "
	    "mode, uid, gid, mtime_ns, ctime_ns, link, hardlink, sha256, "
	    "content, inserted, committed, deactivated) "
	    "SELECT ?1, 'PENDING', ?2, 0, ?3, ?4, ?5, ?6, ?7, "
	    "CASE WHEN ?2 = 'LINK' THEN ?8 END, "
	    "CASE WHEN ?2 = 'FILE' THEN ?8 END, NULL, "
	    "CASE WHEN ?2 = 'FILE' THEN substr(h, 1, 2) || '/' || h END, "
	    "?9, 0, 0 FROM (SELECT lower(hex(randomblob(16))) AS h) "
	    "RETURNING id, content",
	/* A version, only if it is NODE's: a session touches its own only. */
	[S_VER_OWNED] = "SELECT v.state, v.type, v.object_id FROM versions v "
	    "JOIN objects o ON o.id = v.object_id "
	    "JOIN filespaces f ON f.id = o.filespace_id "
	    "JOIN nodes n ON n.id = f.node_id WHERE v.id = ?1 AND n.name = ?2",
	[S_VER_DEACTIVATE] = "UPDATE versions SET state = 'INACTIVE', "
	    "deactivated = ?2 WHERE object_id = ?1 AND state = 'ACTIVE'",
	[S_VER_ACTIVATE] = "UPDATE versions SET state = 'ACTIVE', size = ?2, "
	    "sha256 = ?3, committed = ?4 WHERE id = ?1 AND state = 'PENDING'",
	/*
	 * Keep the active version and the newest ?2 - 1 inactive ones.
	 * object_id outside the subquery too: the object's index, not a
	 * scan of every inactive version, on each commit.
	 */
	[S_VER_TRIM] = "UPDATE versions SET state = 'DELETING' "
	    "WHERE object_id = ?1 AND state = 'INACTIVE' AND id IN "
	    "(SELECT id FROM versions "
	    "WHERE object_id = ?1 AND state IN ('ACTIVE', 'INACTIVE') "
	    "ORDER BY " KEEP_ORDER " LIMIT -1 OFFSET ?2)",
	[S_VER_ABORT] = "UPDATE versions SET state = 'DELETING' "
	    "WHERE id = ?1 AND state = 'PENDING'",
	/* The object's active version steps down; its id, for the answer. */
	[S_VER_DEACTIVATE_ONE] = "UPDATE versions SET state = 'INACTIVE', "
	    "deactivated = ?2 WHERE object_id = ?1 AND state = 'ACTIVE' "
	    "RETURNING id",
	/*
	 * One version by its id, only if it is NODE's and visible: a
	 * session never learns of another node's versions, or of one that
	 * is pending or on its way out.
	 */
	[S_VER_GET] = VERSION_SELECT "WHERE n.name = ?1 AND v.id = ?2 "
	    "AND v.state IN ('ACTIVE', 'INACTIVE')",

	[S_QUERY_DIR] = VERSION_COLS "AND o.dir = ?4" VERSION_ORDER,
	/* ?4 ends in '/'; ?5 is it with that '/' made '0': the subtree. */
	[S_QUERY_TREE] = VERSION_COLS "AND o.dir >= ?4 AND o.dir < ?5"
	    VERSION_ORDER,

	/*
	 * Inactive versions past their days: ?1 is RETEXTRA's cutoff, ?2
	 * RETONLY's, which the last version of a deleted file (an object
	 * with no active version, and no inactive one newer in KEEP_ORDER)
	 * keeps instead. The range on versions_state finds the candidates,
	 * versions_object the object's others.
	 */
	[S_EXPIRE_AGE] = "UPDATE versions SET state = 'DELETING' "
	    "WHERE state = 'INACTIVE' AND deactivated < max(?1, ?2) "
	    "AND deactivated < CASE WHEN EXISTS (SELECT 1 FROM versions a "
	    "WHERE a.object_id = versions.object_id AND (a.state = 'ACTIVE' "
	    "OR (a.state = 'INACTIVE' AND (a.deactivated > versions.deactivated "
	    "OR (a.deactivated = versions.deactivated "
	    "AND a.id > versions.id))))) THEN ?1 ELSE ?2 END",
	/*
	 * Beyond the number kept: ?1 (VEREXISTS) of an object with an
	 * active version, ?2 (VERDELETED) of one without; also after the
	 * policy keeps fewer than before.
	 */
	[S_EXPIRE_COUNT] = "UPDATE versions SET state = 'DELETING' "
	    "WHERE id IN (SELECT id FROM (SELECT id, state, row_number() "
	    "OVER (PARTITION BY object_id ORDER BY " KEEP_ORDER ") AS rn, "
	    "max(state = 'ACTIVE') OVER (PARTITION BY object_id) AS live "
	    "FROM versions WHERE state IN ('ACTIVE', 'INACTIVE')) "
	    "WHERE state = 'INACTIVE' AND rn > CASE WHEN live THEN ?1 "
	    "ELSE ?2 END)",
	/* Abandoned pending versions first become DELETING: see catalog_reap. */
	[S_REAP_PENDING] = "UPDATE versions SET state = 'DELETING' "
	    "WHERE state = 'PENDING' AND inserted < ?1",
	[S_REAP_LIST] = "SELECT v.id, v.object_id, o.filespace_id, v.content "
	    "FROM versions v JOIN objects o ON o.id = v.object_id "
	    "WHERE v.state = 'DELETING' AND v.id > ?1 ORDER BY v.id LIMIT ?2",
	[S_REAP_VERSION] = "DELETE FROM versions WHERE id = ?1 "
	    "AND state = 'DELETING'",
	[S_REAP_OBJECT] = "DELETE FROM objects WHERE id = ?1 AND NOT EXISTS "
	    "(SELECT 1 FROM versions WHERE object_id = ?1)",
	[S_REAP_FILESPACE] = "DELETE FROM filespaces WHERE id = ?1 AND NOT "
	    "EXISTS (SELECT 1 FROM objects WHERE filespace_id = ?1)",

	[S_SESS_ADD] = "INSERT OR REPLACE INTO sessions(run, id, peer, role, "
	    "name, started, signed_on, protocol, suite, grp, ems) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[S_SESS_REMOVE] = "DELETE FROM sessions WHERE run = ?1 AND id = ?2",
	[S_SESS_IDS] = "SELECT run, id FROM sessions",
	[S_SESS_LIST] = "SELECT id, peer, role, name, started, signed_on, "
	    "protocol, suite, grp, ems FROM sessions WHERE run = ?1 "
	    "ORDER BY id",
	[S_SESS_OLDEST] = "SELECT min(started) FROM sessions",

	/*
	 * The audit's list: every version, whoever's, by id from ?1 on, ?2
	 * at a time. The first 17 columns are VERSION_COLS', in their
	 * order (cat_read_version), then the filespace and the node.
	 */
	[S_AUDIT_LIST] = "SELECT v.id, o.dir, o.name, v.state, v.type, "
	    "v.size, v.mode, v.uid, v.gid, v.mtime_ns, v.ctime_ns, "
	    "coalesce(v.link, v.hardlink), v.sha256, v.content, v.inserted, v.committed, v.deactivated, "
	    "f.name, n.name FROM versions v "
	    "JOIN objects o ON o.id = v.object_id "
	    "JOIN filespaces f ON f.id = o.filespace_id "
	    "JOIN nodes n ON n.id = f.node_id "
	    "WHERE v.id > ?1 ORDER BY v.id LIMIT ?2",
	[S_AUDIT_STATE] = "SELECT state FROM versions WHERE id = ?1",
};
