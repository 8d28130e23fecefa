/*
 * Opening the catalog: the instance directory's and the file's
 * permissions (StrictModes, like the key database's store), SQLite's
 * settings for a server that must not lose a committed object, and the
 * helpers every call uses to prepare, step and end a transaction.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/msg.h"
#include "../lib/util.h"
#include "catalog_int.h"

/*
 * SQLite's largest string or blob for this connection. Our largest value
 * is a 4095-byte path; a far smaller cap than SQLite's billion bytes
 * means a bug cannot make one statement allocate without bound.
 */
#define CAT_VALUE_MAX	(64 * 1024)

/* CAT_OPEN_NUMERIC_IDS: set for the one catalog_open() that reports. */
static int	numeric_ids;

/*
 * A user's name for a message, copied: getpwuid()'s answer is overwritten
 * by the next call, and a message names up to three users.
 */
static const char *
user_name(uid_t uid)
{
	struct passwd *pw;
	static char buf[3][64];
	static int i;
	char *b = buf[i++ % 3];

	if (!numeric_ids && (pw = getpwuid(uid)) != NULL &&
	    snprintf(b, sizeof(buf[0]), "%s", pw->pw_name) <
	    (int)sizeof(buf[0]))
		return b;
	snprintf(b, sizeof(buf[0]), "%u", (unsigned)uid);
	return b;
}

/*
 * Every directory above the instance directory, "/" included: owned by
 * us or root, and not writable by others unless sticky (/tmp). One that
 * cannot be stat'ed is not known to be safe, so it refuses too.
 */
static int
check_ancestors(const char *dir)
{
	char up[PATH_MAX], *slash;
	struct stat st;
	uid_t uid = geteuid();

	if (snprintf(up, sizeof(up), "%s", dir) >= (int)sizeof(up))
		return -1;
	while ((slash = strrchr(up, '/')) != NULL) {
		if (slash == up)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (stat(up, &st) == -1) {
			bwk_msg("BWK1200E", "cannot check %s, on the way to %s: "
			    "%s; refusing an instance directory whose parents "
			    "cannot be checked", up, dir, strerror(errno));
			return -1;
		}
		if ((st.st_uid != uid && st.st_uid != 0) ||
		    ((st.st_mode & 022) != 0 && !(st.st_mode & S_ISVTX))) {
			bwk_msg("BWK1202E", "%s, on the way to %s, can be "
			    "changed by other users (owner %s, mode %04o); fix "
			    "its owner and mode, or move the instance", up, dir,
			    user_name(st.st_uid),
			    (unsigned)(st.st_mode & 07777));
			return -1;
		}
		if (slash == up)
			break;
	}
	return 0;
}

/*
 * The instance directory: ours, and writable by no one else, since
 * SQLite creates its -wal and -shm files there and anyone who could
 * replace them could change the catalog.
 */
static int
check_dir(const char *dir, char resolved[PATH_MAX])
{
	struct stat st;
	uid_t uid = geteuid();

	if (realpath(dir, resolved) == NULL) {
		bwk_msg("BWK1200E", "cannot use the instance directory %s: %s",
		    dir, strerror(errno));
		return -1;
	}
	if (stat(resolved, &st) == -1 || !S_ISDIR(st.st_mode)) {
		bwk_msg("BWK1200E", "the instance directory %s is not a "
		    "directory", resolved);
		return -1;
	}
	if (st.st_uid != uid) {
		bwk_msg("BWK1201E", "the instance directory %s belongs to %s, "
		    "not to %s, who runs the server; fix: chown %s %s",
		    resolved, user_name(st.st_uid), user_name(uid),
		    user_name(uid), resolved);
		return -1;
	}
	if ((st.st_mode & 022) != 0) {
		bwk_msg("BWK1202E", "the instance directory %s can be written "
		    "by other users (mode %04o); fix: chmod go-w %s", resolved,
		    (unsigned)(st.st_mode & 07777), resolved);
		return -1;
	}
	return check_ancestors(resolved);
}

/*
 * A catalog file (the database, its -wal or -shm): a regular file of
 * the server's user, mode 0600 or less, that no one else may read or
 * write. The verifiers
 * in it let whoever reads them pose as the server to every node, and
 * try passwords offline.
 */
static int
check_file(const char *path, const struct stat *st)
{
	uid_t uid = geteuid();

	if (S_ISLNK(st->st_mode) || !S_ISREG(st->st_mode)) {
		bwk_msg("BWK1205E", "%s is %s; the server uses only a regular "
		    "file it owns: move it away", path, S_ISLNK(st->st_mode) ?
		    "a symbolic link" : "not a regular file");
		return -1;
	}
	if (st->st_uid != uid) {
		bwk_msg("BWK1204E", "%s belongs to %s, not to %s, who runs the "
		    "server; fix: chown %s %s", path, user_name(st->st_uid),
		    user_name(uid), user_name(uid), path);
		return -1;
	}
	if ((st->st_mode & 077) != 0) {
		bwk_msg("BWK1203E", "%s can be %s by other users (mode %04o); "
		    "fix: chmod 600 %s", path, (st->st_mode & 022) ?
		    "changed" : "read", (unsigned)(st->st_mode & 07777), path);
		return -1;
	}
	/* execute, setuid, setgid, sticky: nothing a data file has */
	if ((st->st_mode & 07777 & ~0600) != 0) {
		bwk_msg("BWK1203E", "%s has mode %04o, more than the 0600 a "
		    "catalog file needs; fix: chmod 600 %s", path,
		    (unsigned)(st->st_mode & 07777), path);
		return -1;
	}
	return 0;
}

/* The -wal and -shm files, when they exist: the same rules. */
static int
check_companions(const char *path)
{
	static const char *const suffix[] = { "-wal", "-shm" };
	char p[PATH_MAX + 8];
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffix[i]);
		if (lstat(p, &st) == -1) {
			if (errno == ENOENT)
				continue;
			bwk_msg("BWK1200E", "cannot check %s: %s", p,
			    strerror(errno));
			return -1;
		}
		if (check_file(p, &st) == -1)
			return -1;
	}
	return 0;
}

static int
sync_dir(const char *dir)
{
	int fd, r;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

/*
 * Creates the empty file 0600 before SQLite opens it, so its mode is
 * never SQLite's 0644 less the umask; the schema comes in the first
 * transaction. A file left empty by a crash here is created anew.
 */
static int
create_file(const char *dir, const char *path, struct stat *st)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		bwk_msg("BWK1207E", "cannot create the catalog %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fchmod(fd, 0600) == -1 || fsync(fd) == -1 ||
	    bwk_fstat(fd, st) == -1) {
		bwk_msg("BWK1207E", "cannot create the catalog %s: %s", path,
		    strerror(errno));
		close(fd);
		(void)unlink(path);
		return -1;
	}
	close(fd);
	if (sync_dir(dir) == -1) {
		bwk_msg("BWK1207E", "cannot sync %s after creating the catalog: "
		    "%s", dir, strerror(errno));
		(void)unlink(path);
		return -1;
	}
	return 0;
}

/*
 * The file is checked with lstat(), never opened: closing a descriptor of
 * a file drops every POSIX lock this process holds on it, SQLite's too,
 * and another handle of this process may have it open.
 */
static int
find_file(const char *dir, const char *path, int flags, struct stat *st)
{
	if (lstat(path, st) == -1) {
		if (errno != ENOENT) {
			bwk_msg("BWK1200E", "cannot check the catalog %s: %s",
			    path, strerror(errno));
			return -1;
		}
		if (!(flags & CAT_OPEN_CREATE)) {
			bwk_msg("BWK1206E", "there is no catalog in %s; create "
			    "the instance with: bulwarkd --instance %s init "
			    "--admin NAME", dir, dir);
			return -1;
		}
		return create_file(dir, path, st);
	}
	if (check_file(path, st) == -1)
		return -1;
	return check_companions(path);
}

/* The path SQLite opened is still the file we checked. */
static int
same_file(const char *path, const struct stat *want)
{
	struct stat st;

	if (lstat(path, &st) == -1 || st.st_dev != want->st_dev ||
	    st.st_ino != want->st_ino) {
		bwk_msg("BWK1205E", "%s was replaced while the server opened "
		    "it; refusing it", path);
		return -1;
	}
	return 0;
}

int
cat_fail(struct catalog *c, int rc, const char *what)
{
	/* SQLite's own text when the failure is its last one, else the code's */
	const char *msg = sqlite3_extended_errcode(c->db) == rc ?
	    sqlite3_errmsg(c->db) : sqlite3_errstr(rc);

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		bwk_msg("BWK1212E", "%s: %s: another process has held the "
		    "catalog for more than %d seconds; nothing was changed. "
		    "If this lasts, look for a stuck bulwarkd process", c->path,
		    what, (c->busy_ms + 999) / 1000);
		break;
	case SQLITE_FULL:
		bwk_msg("BWK1213E", "%s: %s: the disk is full; nothing was "
		    "changed. Free space on the instance's file system",
		    c->path, what);
		break;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		bwk_msg("BWK1211E", "%s: %s: the catalog is damaged (%s); "
		    "stop the server and restore the catalog from its backup",
		    c->path, what, msg);
		break;
	default:
		bwk_msg("BWK1214E", "%s: %s failed: %s (SQLite error %d)",
		    c->path, what, msg, rc);
		break;
	}
	return CAT_ERROR;
}

int
cat_usable(struct catalog *c)
{
	if (c == NULL || c->db == NULL)
		return -1;
	if (c->pid != getpid()) {
		bwk_msg("BWK1216E", "the catalog handle of process %ld was used "
		    "by process %ld; each process opens its own (a handle "
		    "must not cross fork). This is a bug in Bulwark",
		    (long)c->pid, (long)getpid());
		return -1;
	}
	return 0;
}

sqlite3_stmt *
cat_stmt(struct catalog *c, enum cat_stmt id)
{
	sqlite3_stmt *st = c->stmt[id];
	int rc;

	if (st != NULL) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	rc = sqlite3_prepare_v3(c->db, cat_sql[id], -1,
	    SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK || st == NULL) {
		cat_fail(c, rc, "preparing a statement");
		return NULL;
	}
	c->stmt[id] = st;
	return st;
}

sqlite3_stmt *
cat_acct(struct catalog *c, enum cat_stmt id, enum cat_kind kind)
{
	return cat_stmt(c, id + (kind == CAT_ADMIN ? 1 : 0));
}

int
cat_bound(struct catalog *c, int rc, const char *what)
{
	return rc == SQLITE_OK ? CAT_OK : cat_fail(c, rc, what);
}

int
cat_step(struct catalog *c, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc;
	sqlite3_reset(st);
	/* the outcomes a caller expects are answers, not failures */
	if (rc == SQLITE_CONSTRAINT_UNIQUE ||
	    rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return CAT_EXISTS;
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		return CAT_HASDATA;
	return cat_fail(c, rc, what);
}

int
cat_exec(struct catalog *c, sqlite3_stmt *st, const char *what)
{
	int rc = cat_step(c, st, what);

	if (rc == SQLITE_ROW) {
		/* a statement we run for its effect: drain what it returns */
		while ((rc = cat_step(c, st, what)) == SQLITE_ROW)
			;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? CAT_OK : rc;
}

int
cat_fault(struct catalog *c, const char *point)
{
#ifdef BULWARK_TESTING
	const char *v;
	size_t n = strlen(point);

	if ((v = getenv("BULWARK_TEST_CATALOG_CRASH")) != NULL &&
	    strcmp(v, point) == 0)
		raise(SIGKILL);
	if ((v = getenv("BULWARK_TEST_CATALOG_SLEEP")) != NULL &&
	    strncmp(v, point, n) == 0 && v[n] == ':') {
		struct timespec ts;
		long ms = atol(v + n + 1);

		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (ms % 1000) * 1000000L;
		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
	}
	if ((v = getenv("BULWARK_TEST_CATALOG_FAIL")) != NULL &&
	    strcmp(v, point) == 0) {
		bwk_msg("BWK1214E", "%s: test fault at %s", c->path, point);
		return -1;
	}
#else
	(void)c;
	(void)point;
#endif
	return 0;
}

int
cat_begin(struct catalog *c)
{
	sqlite3_stmt *st;

	if (cat_usable(c) == -1)
		return CAT_ERROR;
	if (c->group && (c->group_broken || sqlite3_get_autocommit(c->db))) {
		c->group_broken = 1;
		return CAT_ERROR;
	}
	if ((st = cat_stmt(c, c->group ? S_SAVEPOINT : S_BEGIN)) == NULL)
		return CAT_ERROR;
	return cat_exec(c, st, "starting a transaction") == CAT_OK ?
	    CAT_OK : CAT_ERROR;
}

static void
rollback(struct catalog *c)
{
	sqlite3_stmt *st;

	/* SQLite may have rolled back itself (a full disk, an I/O error) */
	if (sqlite3_get_autocommit(c->db))
		return;
	if ((st = cat_stmt(c, S_ROLLBACK)) != NULL)
		(void)cat_exec(c, st, "rolling back");
}

/*
 * A call inside a group ends its savepoint only: kept, or undone alone,
 * and the group's one commit (catalog_group_end) makes it durable.
 */
static int
group_call_end(struct catalog *c, int r, int keep)
{
	sqlite3_stmt *st;

	if (sqlite3_get_autocommit(c->db)) {
		/* SQLite rolled the whole group back (a full disk, I/O) */
		c->group_broken = 1;
		return r != CAT_OK ? r : CAT_ERROR;
	}
	if (r != CAT_OK && !keep && ((st = cat_stmt(c, S_ROLLBACK_TO)) ==
	    NULL || cat_exec(c, st, "undoing a call of a group") != CAT_OK))
		c->group_broken = 1;
	if ((st = cat_stmt(c, S_RELEASE)) == NULL ||
	    cat_exec(c, st, "ending a call of a group") != CAT_OK) {
		c->group_broken = 1;
		return CAT_ERROR;
	}
	return r;
}

int
cat_end(struct catalog *c, int r, int keep)
{
	sqlite3_stmt *st;

	if (c->group)
		return group_call_end(c, r, keep);
	if (r != CAT_OK && !keep) {
		rollback(c);
		return r;
	}
	if (cat_fault(c, "commit") == -1) {
		rollback(c);
		return CAT_ERROR;
	}
	cat_fault(c, "hold");
	if ((st = cat_stmt(c, S_COMMIT)) == NULL ||
	    cat_exec(c, st, "committing") != CAT_OK) {
		rollback(c);
		return CAT_ERROR;
	}
	return r;
}

int
catalog_group_begin(struct catalog *c)
{
	if (cat_usable(c) == -1)
		return CAT_ERROR;
	if (c->group)
		return cat_fail(c, SQLITE_MISUSE, "starting a group inside a "
		    "group");
	if (cat_begin(c) != CAT_OK)
		return CAT_ERROR;
	c->group = 1;
	c->group_broken = 0;
	return CAT_OK;
}

int
catalog_group_end(struct catalog *c)
{
	int broken = c->group_broken;

	if (!c->group)
		return cat_fail(c, SQLITE_MISUSE, "ending a group never begun");
	c->group = c->group_broken = 0;
	if (broken) {
		rollback(c);
		return CAT_ERROR;
	}
	return cat_end(c, CAT_OK, 0);
}

int64_t
cat_now(struct catalog *c)
{
	return c->now != NULL ? c->now() : bwk_now();
}

/* A pragma's single integer answer, or -1 (reported). */
static int64_t
pragma_int(struct catalog *c, enum cat_stmt id, const char *what)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if ((st = cat_stmt(c, id)) == NULL)
		return -1;
	if (cat_step(c, st, what) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

/*
 * SQLite's hardening for a file that an attacker might have written:
 * defensive mode (no writable_schema, no shadow-table writes), no
 * functions trusted inside the schema, no double-quoted string literals,
 * no extension loading, and a bound on every value's size.
 */
static int
harden(struct catalog *c)
{
	static const int off[] = { SQLITE_DBCONFIG_TRUSTED_SCHEMA,
	    SQLITE_DBCONFIG_DQS_DML, SQLITE_DBCONFIG_DQS_DDL,
	    SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION };
	size_t i;
	int rc;

	rc = sqlite3_db_config(c->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	for (i = 0; rc == SQLITE_OK && i < sizeof(off) / sizeof(off[0]); i++)
		rc = sqlite3_db_config(c->db, off[i], 0, NULL);
	if (rc != SQLITE_OK)
		return cat_fail(c, rc, "configuring SQLite");
	sqlite3_limit(c->db, SQLITE_LIMIT_LENGTH, CAT_VALUE_MAX);
	sqlite3_extended_result_codes(c->db, 1);
	return sqlite3_busy_timeout(c->db, c->busy_ms) == SQLITE_OK ? CAT_OK :
	    cat_fail(c, SQLITE_ERROR, "setting the busy timeout");
}

/*
 * WAL: readers (queries, restores) never wait for a writer, and a
 * commit is one append to the log. synchronous FULL: in WAL mode, NORMAL
 * may lose the last commits on a power failure, and a backup server must
 * not lose an object it told the client it stored. Foreign keys on: a
 * version never outlives its object, an object its filespace, a
 * filespace its node. Temporary files in memory: a session process's
 * sandbox lets it reach no temporary directory, and a statement journal
 * that spills (a commit among many at once) failed with "disk I/O
 * error" (SQLITE_IOERR_GETTEMPPATH). Each setting is read back: SQLite ignores some
 * pragmas silently (WAL on a file system without shared memory).
 */
static int
settings(struct catalog *c)
{
	sqlite3_stmt *st;
	const unsigned char *mode;
	int ok = 0;

	if ((st = cat_stmt(c, S_JOURNAL_WAL)) == NULL)
		return CAT_ERROR;
	if (cat_step(c, st, "choosing WAL mode") == SQLITE_ROW) {
		mode = sqlite3_column_text(st, 0);
		ok = mode != NULL && strcmp((const char *)mode, "wal") == 0;
	}
	sqlite3_reset(st);
	if (!ok) {
		bwk_msg("BWK1208E", "%s: SQLite cannot use WAL mode for the "
		    "catalog (is the instance on a network file system?); the "
		    "server needs it: move the instance to a local file system",
		    c->path);
		return CAT_ERROR;
	}
	if ((st = cat_stmt(c, S_SYNC_FULL)) == NULL ||
	    cat_exec(c, st, "choosing synchronous FULL") != CAT_OK ||
	    (st = cat_stmt(c, S_FK_ON)) == NULL ||
	    cat_exec(c, st, "turning foreign keys on") != CAT_OK ||
	    (st = cat_stmt(c, S_TEMP_MEMORY)) == NULL ||
	    cat_exec(c, st, "keeping temporary tables in memory") != CAT_OK)
		return CAT_ERROR;
	if (pragma_int(c, S_SYNC_GET, "reading synchronous") != 2 ||
	    pragma_int(c, S_FK_GET, "reading foreign_keys") != 1) {
		bwk_msg("BWK1208E", "%s: SQLite did not take synchronous FULL "
		    "and foreign keys; refusing to run without them", c->path);
		return CAT_ERROR;
	}
	return CAT_OK;
}

static int
open_db(struct catalog *c, const struct stat *checked)
{
	int rc;

	rc = sqlite3_open_v2(c->path, &c->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX |
	    SQLITE_OPEN_EXRESCODE, NULL);
	if (rc != SQLITE_OK) {
		bwk_msg("BWK1208E", "cannot open the catalog %s: %s", c->path,
		    c->db != NULL ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		return CAT_ERROR;
	}
	if (same_file(c->path, checked) == -1 || harden(c) != CAT_OK ||
	    settings(c) != CAT_OK)
		return CAT_ERROR;
	return cat_schema_setup(c);
}

int
catalog_open(struct catalog **out, const char *dir, int flags)
{
	struct catalog *c;
	struct stat st;

	*out = NULL;
	numeric_ids = (flags & CAT_OPEN_NUMERIC_IDS) != 0;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		bwk_msg("BWK1214E", "cannot open the catalog in %s: out of "
		    "memory", dir);
		return CAT_ERROR;
	}
	c->pid = getpid();
	c->lock_failures = CAT_LOCK_FAILURES;
	c->lock_seconds = CAT_LOCK_SECONDS;
	c->keep_versions = CAT_KEEP_VERSIONS;
	c->keep_days = CAT_KEEP_DAYS;
	c->keep_deleted = CAT_KEEP_DELETED;
	c->keep_only_days = CAT_KEEP_ONLY_DAYS;
	c->busy_ms = CAT_BUSY_MS;
	if (check_dir(dir, c->dir) == -1) {
		free(c);
		return CAT_ERROR;
	}
	if (snprintf(c->path, sizeof(c->path), "%s/%s", c->dir,
	    CATALOG_FILE) >= (int)sizeof(c->path)) {
		bwk_msg("BWK1200E", "the instance directory name %s is too "
		    "long", c->dir);
		free(c);
		return CAT_ERROR;
	}
	if (find_file(c->dir, c->path, flags, &st) == -1 ||
	    open_db(c, &st) != CAT_OK) {
		catalog_close(c);
		return CAT_ERROR;
	}
	*out = c;
	return CAT_OK;
}

void
catalog_close(struct catalog *c)
{
	size_t i;

	if (c == NULL)
		return;
	/*
	 * A handle inherited across fork is only freed: closing it here
	 * could checkpoint or unlock what the parent still uses.
	 */
	if (c->pid == getpid()) {
		for (i = 0; i < S_COUNT; i++)
			sqlite3_finalize(c->stmt[i]);
		sqlite3_close(c->db);
	}
	free(c);
}

const char *
catalog_path(const struct catalog *c)
{
	return c->path;
}

int
catalog_schema_version(struct catalog *c)
{
	return c->version;
}

const char *
catalog_strerror(int status)
{
	switch (status) {
	case CAT_OK:
		return "done";
	case CAT_ERROR:
		return "the catalog failed";
	case CAT_NOTFOUND:
		return "not found";
	case CAT_EXISTS:
		return "already exists";
	case CAT_INVALID:
		return "not a valid name, path or value";
	case CAT_LOCKED:
		return "locked after repeated sign-on failures";
	case CAT_HASDATA:
		return "still owns backup data";
	case CAT_STATE:
		return "not in a state that allows this";
	}
	return "unknown status";
}

int
catalog_set_lock_policy(struct catalog *c, int failures, int seconds)
{
	if (failures < 1 || failures > 1000 || seconds < 1 ||
	    seconds > 30 * 86400)
		return CAT_INVALID;
	c->lock_failures = failures;
	c->lock_seconds = seconds;
	return CAT_OK;
}

int
catalog_set_retention(struct catalog *c, int versions, int days)
{
	if (versions < 1 || versions > 100 || days < 0 || days > 3650)
		return CAT_INVALID;
	c->keep_versions = versions;
	c->keep_days = days;
	return CAT_OK;
}

int
catalog_set_retention_deleted(struct catalog *c, int versions, int days)
{
	if (versions < 0 || versions > 100 || days < 0 || days > 3650)
		return CAT_INVALID;
	c->keep_deleted = versions;
	c->keep_only_days = days;
	return CAT_OK;
}

int
catalog_set_busy_timeout(struct catalog *c, int ms)
{
	if (ms < 1 || ms > 600000)
		return CAT_INVALID;
	if (cat_usable(c) == -1)
		return CAT_ERROR;
	c->busy_ms = ms;
	return sqlite3_busy_timeout(c->db, ms) == SQLITE_OK ? CAT_OK :
	    CAT_ERROR;
}

void
catalog_set_clock(struct catalog *c, int64_t (*now)(void))
{
	c->now = now;
}

/* Reads a check pragma's rows; a damaged catalog is reported. */
static int
check_rows(struct catalog *c, enum cat_stmt id, const char *what,
    const char *good)
{
	sqlite3_stmt *st;
	const unsigned char *t;
	int rc, bad = 0;

	if ((st = cat_stmt(c, id)) == NULL)
		return CAT_ERROR;
	while ((rc = cat_step(c, st, what)) == SQLITE_ROW) {
		t = sqlite3_column_text(st, 0);
		if (good != NULL && t != NULL &&
		    strcmp((const char *)t, good) == 0)
			continue;
		if (bad++ == 0)
			bwk_msg("BWK1211E", "%s: the catalog is damaged (%s: "
			    "%s); stop the server and restore the catalog "
			    "from its backup", c->path, what,
			    t != NULL ? (const char *)t : "a row refers to "
			    "one that does not exist");
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return CAT_ERROR;
	return bad ? CAT_ERROR : CAT_OK;
}

int
catalog_check(struct catalog *c)
{
	if (cat_usable(c) == -1)
		return CAT_ERROR;
	if (check_rows(c, S_INTEGRITY, "integrity check", "ok") != CAT_OK ||
	    check_rows(c, S_FK_CHECK, "foreign key check", NULL) != CAT_OK)
		return CAT_ERROR;
	return CAT_OK;
}
