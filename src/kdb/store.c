#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/msg.h"
#include "store.h"
#include "../lib/util.h"

#define LOCK_WAIT_MS	30000	/* bulwark-cert: another writer finishes */

gid_t	store_trusted_gid = (gid_t)-1;

/*
 * Fault injection for the crash tests: BULWARK_TEST_CRASH=name kills the
 * process with SIGKILL at that step. Compiled only into test builds.
 */
static void
crashpoint(const char *name)
{
#ifdef BULWARK_TESTING
	const char *want = getenv("BULWARK_TEST_CRASH");

	if (want != NULL && strcmp(want, name) == 0)
		raise(SIGKILL);
#else
	(void)name;
#endif
}

int	store_numeric_ids;

static const char *
user_name(uid_t uid)
{
	struct passwd *pw;
	static char num[24];

	/* a sandboxed helper cannot ask nscd or read /etc/passwd */
	if (!store_numeric_ids && (pw = getpwuid(uid)) != NULL)
		return pw->pw_name;
	snprintf(num, sizeof(num), "%u", (unsigned)uid);
	return num;
}

/*
 * Every directory above path (resolved, absolute), up to and including
 * "/": owned by the user or root, and not writable by others unless
 * sticky (/tmp). One that cannot be stat'ed is not known to be safe, so
 * it is a refusal too: a directory swapped or removed under us must not
 * end the check early and pass.
 */
int
store_check_ancestors(const char *path, const char *dir)
{
	char up[PATH_MAX], *slash;
	struct stat st;
	uid_t uid = geteuid();

	if (snprintf(up, sizeof(up), "%s", path) >= (int)sizeof(up) ||
	    up[0] != '/')
		return -1;
	while ((slash = strrchr(up, '/')) != NULL) {
		if (slash == up)
			slash[1] = '\0';	/* the root itself, last */
		else
			*slash = '\0';
		if (stat(up, &st) == -1) {
			bwk_msg("BWK0101E", "cannot check %s, on the way to %s: "
			    "%s; refusing a directory whose parents cannot be "
			    "checked", up, dir, strerror(errno));
			return -1;
		}
		if ((st.st_uid != uid && st.st_uid != 0) ||
		    ((st.st_mode & 022) != 0 && !(st.st_mode & S_ISVTX))) {
			bwk_msg("BWK0113E", "%s, on the way to %s, can be "
			    "changed by other users (owner %s, mode %04o); "
			    "fix its owner and mode, or choose another "
			    "directory with -db", up, dir,
			    user_name(st.st_uid),
			    (unsigned)(st.st_mode & 07777));
			return -1;
		}
		if (slash == up)
			break;
	}
	return 0;
}

/* Owner must be the user (or root); no write by others on the way. */
static int
check_dir_chain(const char *dir, char resolved[PATH_MAX])
{
	char path[PATH_MAX];
	struct stat st;
	uid_t uid = geteuid();

	if (realpath(dir, path) == NULL) {
		bwk_msg("BWK0101E", "cannot resolve %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode)) {
		bwk_msg("BWK0101E", "%s is not a directory", path);
		return -1;
	}
	if (st.st_uid != uid && st.st_uid != 0) {
		bwk_msg("BWK0104E", "%s belongs to %s; fix: chown %s %s", path,
		    user_name(st.st_uid), user_name(uid), path);
		return -1;
	}
	/* every later open uses this path: no symlink swapped in between */
	memcpy(resolved, path, PATH_MAX);
	if ((st.st_mode & 022) != 0) {
		bwk_msg("BWK0113E", "%s can be written by other users (mode "
		    "%04o); fix: chmod go-w %s", path,
		    (unsigned)(st.st_mode & 07777), path);
		return -1;
	}
	return store_check_ancestors(path, dir);
}

/* StrictModes for a file we have opened. */
static int
check_file(const char *path, int fd)
{
	struct stat st;
	uid_t uid = geteuid();

	if (bwk_fstat(fd, &st) == -1) {
		bwk_msg("BWK0102E", "cannot stat %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		bwk_msg("BWK0112E", "%s is not a regular file; move it away",
		    path);
		return -1;
	}
	if (st.st_uid != uid && st.st_uid != 0) {
		bwk_msg("BWK0104E", "%s belongs to %s, not to %s; fix: chown "
		    "%s %s", path, user_name(st.st_uid), user_name(uid),
		    user_name(uid), path);
		return -1;
	}
	/* the setgid helper's system database: group read for its group */
	if (store_trusted_gid != (gid_t)-1 && st.st_gid == store_trusted_gid &&
	    (st.st_mode & 077) == 040)
		return 0;
	if ((st.st_mode & 077) != 0) {
		bwk_msg("BWK0103E", "%s can be %s by other users (mode %04o); "
		    "fix: chmod 600 %s", path,
		    (st.st_mode & 022) ? "changed" : "read",
		    (unsigned)(st.st_mode & 07777), path);
		return -1;
	}
	return 0;
}

static int
mkdir_p(const char *dir)
{
	char path[PATH_MAX], *p;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return -1;
	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(path, 0700) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

static int
join(char *out, const char *dir, const char *name)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);

	return n < 0 || n >= PATH_MAX ? -1 : 0;
}

static int
open_lock(struct store *s)
{
	int fd;

	fd = open(s->lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1) {
		bwk_msg("BWK0111E", "cannot open the lock %s: %s", s->lock,
		    strerror(errno));
		return -1;
	}
	if (check_file(s->lock, fd) == -1) {
		close(fd);
		return -1;
	}
	s->lockfd = fd;
	return 0;
}

int
store_lock(struct store *s)
{
	int fd = s->lockfd, wait = s->lock_wait_ms > 0 ? s->lock_wait_ms :
	    LOCK_WAIT_MS;
	int64_t until = bwk_mono_ms() + wait;

	if (fd == -1)
		return -1;
	while (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			bwk_msg("BWK0111E", "cannot lock %s: %s", s->lock,
			    strerror(errno));
			return -1;
		}
		if (bwk_mono_ms() >= until) {
			bwk_msg("BWK0111E", "another process has held %s for "
			    "%d seconds; try again when it has finished",
			    s->lock, (wait + 999) / 1000);
			return -1;
		}
		usleep(100000);
	}
	s->locked = 1;
	return 0;
}

void
store_unlock(struct store *s)
{
	if (s->locked && s->lockfd != -1)
		(void)flock(s->lockfd, LOCK_UN);
	s->locked = 0;
}

static int
set_paths(struct store *s, const char *dir)
{
	if (snprintf(s->dir, sizeof(s->dir), "%s", dir) >= (int)sizeof(s->dir) ||
	    join(s->kdb, dir, STORE_KDB) == -1 ||
	    join(s->sth, dir, STORE_STH) == -1 ||
	    join(s->sthnew, dir, STORE_STH_NEW) == -1 ||
	    join(s->lock, dir, STORE_LOCK) == -1) {
		bwk_msg("BWK0116E", "the directory name %s is too long", dir);
		return -1;
	}
	return 0;
}

int
store_open(struct store *s, const char *dir, enum store_mode mode)
{
	char resolved[PATH_MAX];
	struct stat st;

	memset(s, 0, sizeof(*s));
	s->lockfd = -1;
	if (set_paths(s, dir) == -1)
		return -1;
	if (stat(dir, &st) == -1) {
		if (errno != ENOENT || mode == STORE_READ) {
			if (errno == ENOENT)
				return 0;	/* nothing there yet: empty */
			bwk_msg("BWK0101E", "cannot use %s: %s", dir,
			    strerror(errno));
			return -1;
		}
		if (mkdir_p(dir) == -1) {
			bwk_msg("BWK0101E", "cannot create %s: %s; create it "
			    "(mode 700) or choose another with -db", dir,
			    strerror(errno));
			return -1;
		}
	}
	if (check_dir_chain(dir, resolved) == -1)
		return -1;
	if (set_paths(s, resolved) == -1)
		return -1;
	if (mode != STORE_READ && open_lock(s) == -1)
		return -1;
	if (mode == STORE_WRITE && store_lock(s) == -1) {
		store_close(s);
		return -1;
	}
	return 0;
}

/* Opens and reads one of our files; 1 when absent, 0 read, -1 error. */
static int
read_ours(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	int fd, save;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		if (errno == ENOENT)
			return 1;
		if (errno == ELOOP)
			bwk_msg("BWK0112E", "%s is a symbolic link; Bulwark "
			    "does not follow links to its key files", path);
		else
			bwk_msg("BWK0102E", "cannot open %s: %s", path,
			    strerror(errno));
		return -1;
	}
	if (check_file(path, fd) == -1) {
		close(fd);
		return -1;
	}
	if (bwk_read_fd(fd, max, buf, len) == -1) {
		save = errno;
		bwk_msg(save == EFBIG ? "BWK0105E" : "BWK0102E",
		    "cannot read %s: %s", path, save == EFBIG ?
		    "larger than any key database" : strerror(save));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* 1 absent, 0 loaded, -1 error (reported). */
static int
load_stash(const char *path, struct stash *st)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	const char *why;
	int r;

	if ((r = read_ours(path, 4096, &buf, &len)) != 0)
		return r;
	r = stash_parse(buf, len, st, &why);
	explicit_bzero(buf, len);
	free(buf);
	if (r == -1) {
		bwk_msg("BWK0108E", "the stash %s is unusable: %s; restore it "
		    "from a backup", path, why);
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
 * The one way we write a file: a temp file beside it, fsync, rename over
 * the old one, fsync the directory. step prefixes the crash points. With
 * a deadline (bwk_mono_ms(), 0 for none) nothing is renamed after it: the
 * key helper's client has stopped waiting then, and must not find later
 * that its session pinned a certificate it never saw confirmed.
 */
static int
write_atomic(const char *dir, const char *path, const uint8_t *buf,
    size_t len, const char *step, int64_t deadline)
{
	char tmp[PATH_MAX + 8], cp[64];
	struct stat dirst;
	int fd, save;
	size_t half = len / 2;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	(void)unlink(tmp);	/* left by a killed writer; we hold the lock */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1)
		goto fail;
	/*
	 * A system database shared with a setgid helper lives in a 0750
	 * root:bulwark directory and is 0640 root:bulwark; files written
	 * there get that, and nothing wider.
	 */
	if (store_trusted_gid != (gid_t)-1 && stat(dir, &dirst) == 0 &&
	    dirst.st_gid == store_trusted_gid && (dirst.st_mode & 0777) == 0750 &&
	    (fchown(fd, (uid_t)-1, store_trusted_gid) == -1 ||
	    fchmod(fd, 0640) == -1))
		goto fail_fd;
	snprintf(cp, sizeof(cp), "%s-open", step);
	crashpoint(cp);
	if (bwk_write_all(fd, buf, half) == -1)
		goto fail_fd;
	snprintf(cp, sizeof(cp), "%s-write", step);
	crashpoint(cp);
	if (bwk_write_all(fd, buf + half, len - half) == -1 || fsync(fd) == -1)
		goto fail_fd;
	snprintf(cp, sizeof(cp), "%s-fsync", step);
	crashpoint(cp);
	if (close(fd) == -1) {
		fd = -1;
		goto fail_fd;
	}
	if (deadline != 0 && bwk_mono_ms() > deadline) {
		(void)unlink(tmp);
		bwk_msg("BWK0121E", "gave up writing %s: it took longer than the "
		    "key helper's client waits for its answer; nothing was "
		    "changed", path);
		return -1;
	}
	if (rename(tmp, path) == -1)
		goto fail;
	snprintf(cp, sizeof(cp), "%s-rename", step);
	crashpoint(cp);
	if (sync_dir(dir) == -1)
		goto fail_renamed;
	return 0;
fail_fd:
	save = errno;
	if (fd != -1)
		close(fd);
	errno = save;
fail:
	save = errno;
	(void)unlink(tmp);
	bwk_msg("BWK0110E", "cannot write %s: %s; nothing was changed", path,
	    strerror(save));
	return -1;
fail_renamed:
	bwk_msg("BWK0110E", "wrote %s but cannot sync its directory: %s",
	    path, strerror(errno));
	return -2;	/* the new file is in place: callers must not undo */
}

static int
report_kdb(const char *path, enum kdb_err e)
{
	const char *id = e == KDB_E_VERSION ? "BWK0107E" :
	    e == KDB_E_STASH ? "BWK0106E" : "BWK0105E";

	if (e == KDB_E_STASH)
		bwk_msg(id, "%s was not sealed with the stash beside it; "
		    "restore the matching bulwark.sth from the backup you took "
		    "with this database", path);
	else
		bwk_msg(id, "%s is unusable: %s; nothing was changed. Restore "
		    "it from a backup, or run bulwark-cert -verify for "
		    "details", path, kdb_strerror(e));
	return -1;
}

/*
 * A rekey is interrupted only between writing bulwark.sth.new and
 * renaming it over bulwark.sth. If the database already matches the new
 * stash, finish the rekey (writers) or use the new stash (readers); if it
 * still matches the old one, the new stash is an abandoned leftover.
 */
static int
open_with_recovery(struct store *s, const uint8_t *buf, size_t len,
    struct kdb *db, struct stash *st)
{
	struct stash alt;
	enum kdb_err e;
	int r;

	e = kdb_open(buf, len, st, db);
	if (e == KDB_OK) {
		if (s->locked)
			(void)unlink(s->sthnew);
		return 0;
	}
	if (e != KDB_E_STASH)
		return report_kdb(s->kdb, e);
	if ((r = load_stash(s->sthnew, &alt)) == 1 && !s->locked &&
	    load_stash(s->sth, &alt) == 0) {
		/*
		 * A reader without the lock can meet a rekey finishing
		 * between its two reads: the stash it read first is gone.
		 */
		if (kdb_open(buf, len, &alt, db) == KDB_OK) {
			*st = alt;
			stash_wipe(&alt);
			return 0;
		}
		stash_wipe(&alt);
		return report_kdb(s->kdb, e);
	}
	if (r != 0)
		return r == 1 ? report_kdb(s->kdb, e) : -1;
	e = kdb_open(buf, len, &alt, db);
	if (e != KDB_OK) {
		stash_wipe(&alt);
		return report_kdb(s->kdb, e);
	}
	*st = alt;
	stash_wipe(&alt);
	if (!s->locked)
		return 0;
	if (rename(s->sthnew, s->sth) == -1 || sync_dir(s->dir) == -1) {
		bwk_msg("BWK0110E", "cannot finish the interrupted rekey "
		    "(rename %s): %s", s->sthnew, strerror(errno));
		kdb_free(db);
		return -1;
	}
	bwk_msg("BWK0117I", "finished a rekey of %s that was interrupted",
	    s->kdb);
	return 0;
}

int
store_load(struct store *s, struct kdb *db, struct stash *st)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int rs, rk, rc;

	memset(db, 0, sizeof(*db));
	if ((rs = load_stash(s->sth, st)) == -1)
		return -1;
	if ((rk = read_ours(s->kdb, KDB_FILE_MAX, &buf, &len)) == -1) {
		stash_wipe(st);
		return -1;
	}
	if (rk == 1) {
		/* No database. A stash alone is a crash before the first save. */
		s->exists = 0;
		if (rs == 1 && s->locked) {
			if (stash_generate(st) == -1) {
				bwk_msg("BWK0118E", "cannot make a random "
				    "stash: the DRBG failed");
				return -1;
			}
			s->stash_unsaved = 1;
		}
		return 0;
	}
	s->exists = 1;
	if (rs == 1) {
		free(buf);
		bwk_msg("BWK0109E", "%s has no stash beside it (%s is "
		    "missing); restore the stash from a backup, or move the "
		    "database away and import the certificates again", s->kdb,
		    s->sth);
		return -1;
	}
	rc = open_with_recovery(s, buf, len, db, st);
	free(buf);
	if (rc == -1)
		stash_wipe(st);
	return rc;
}

/*
 * A stash is written only once the readers' parser takes it back: a
 * stash that does not parse would lose the database sealed under it.
 */
static int
write_stash(struct store *s, const char *path, const struct stash *st,
    const char *step)
{
	uint8_t sbuf[STASH_FILE_LEN];
	struct stash back;
	const char *why;
	int r;

	stash_encode(st, sbuf);
	if (stash_parse(sbuf, sizeof(sbuf), &back, &why) == -1 ||
	    memcmp(back.secret, st->secret, STASH_SECRET_LEN) != 0) {
		explicit_bzero(sbuf, sizeof(sbuf));
		stash_wipe(&back);
		bwk_msg("BWK0120E", "cannot write %s: the new stash would not "
		    "read back; nothing was changed", path);
		return -1;
	}
	stash_wipe(&back);
	r = write_atomic(s->dir, path, sbuf, sizeof(sbuf), step, s->commit_by);
	explicit_bzero(sbuf, sizeof(sbuf));
	return r;
}

/*
 * The readers' own path, kdb_open() with the same stash, over the very
 * bytes about to be written: a database the readers would refuse is never
 * committed, whatever the change that made it.
 */
static int
reads_back(const char *path, const uint8_t *buf, size_t len,
    const struct kdb *db, const struct stash *st)
{
	struct kdb back;
	enum kdb_err e;
	int same;

	e = kdb_open(buf, len, st, &back);
	same = back.n == db->n && back.generation == db->generation + 1;
	kdb_free(&back);
	if (e == KDB_OK && same)
		return 0;
	bwk_msg("BWK0120E", "cannot write %s: the changed database would not "
	    "read back (%s); nothing was changed. This is a bug in Bulwark: "
	    "report it with the command that was run", path, e == KDB_OK ?
	    "it reads back as another database" : kdb_strerror(e));
	return -1;
}

int
store_save(struct store *s, const struct kdb *db, const struct stash *st)
{
	uint8_t *buf;
	size_t len;
	enum kdb_err e;
	int r;

	if (!s->locked)
		return -1;
	if ((e = kdb_seal(db, st, &buf, &len)) != KDB_OK) {
		bwk_msg("BWK0119E", "cannot seal the database: %s",
		    kdb_strerror(e));
		return -1;
	}
	if (reads_back(s->kdb, buf, len, db, st) == -1) {
		free(buf);
		return -1;
	}
	if (s->stash_unsaved) {
		/* The stash first: a database must never lack its stash. */
		if (write_stash(s, s->sth, st, "stash") != 0) {
			free(buf);
			return -1;	/* the database was not touched */
		}
		s->stash_unsaved = 0;
	}
	r = write_atomic(s->dir, s->kdb, buf, len, "kdb", s->commit_by);
	free(buf);
	return r;
}

int
store_rekey(struct store *s, const struct kdb *db, const struct stash *nst)
{
	int r;

	if (!s->locked)
		return -1;
	r = write_stash(s, s->sthnew, nst, "rekey-stash");
	if (r != 0)
		return -1;	/* the next writer removes a stray .sth.new */
	if ((r = store_save(s, db, nst)) != 0) {
		/*
		 * Undo only when the database was not replaced; once it is
		 * sealed under the new stash, bulwark.sth.new is the only key
		 * to it, and the next run finishes the rekey.
		 */
		if (r == -1)
			(void)unlink(s->sthnew);
		return -1;
	}
	crashpoint("rekey-before-stash-rename");
	if (rename(s->sthnew, s->sth) == -1 || sync_dir(s->dir) == -1) {
		/* the next writer or reader finishes it (open_with_recovery) */
		bwk_msg("BWK0110E", "rekey: cannot rename %s over %s: %s; "
		    "the next bulwark-cert run will finish it", s->sthnew,
		    s->sth, strerror(errno));
		return -1;
	}
	return 0;
}

void
store_close(struct store *s)
{
	s->locked = 0;
	if (s->lockfd != -1) {
		close(s->lockfd);	/* releases the flock */
		s->lockfd = -1;
	}
}
