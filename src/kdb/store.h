/*
 * The key-database directory on disk: bulwark.kdb, bulwark.sth and the
 * writers' lock bulwark.lock, all in one directory.
 *
 * Writers take an exclusive flock on bulwark.lock, re-read the database
 * under it, and replace files atomically (temp file, fsync, rename, fsync
 * of the directory), so readers never see a partial file and a kill at
 * any point leaves the old or the new database, intact. Permissions are
 * checked like OpenSSH's StrictModes before a byte is read.
 */
#ifndef BWK_STORE_H
#define BWK_STORE_H

#include <sys/types.h>

#include <limits.h>

#include "../lib/dbdir.h"
#include "kdb.h"
#include "stash.h"

#define STORE_KDB	"bulwark.kdb"
#define STORE_STH	"bulwark.sth"
#define STORE_STH_NEW	"bulwark.sth.new"
#define STORE_LOCK	"bulwark.lock"

/*
 * STORE_WRITE takes the lock at once; STORE_WRITE_LATER opens the lock
 * file but takes the lock only in store_lock() (the key helper, which
 * writes rarely and must not block administrators for a whole session).
 */
enum store_mode { STORE_READ, STORE_WRITE, STORE_WRITE_LATER };

/*
 * A setgid key helper reads a system database that is 0640 root:bulwark:
 * set this to the bulwark group to accept group read for that group only.
 * (gid_t)-1, the default, refuses any group or other access.
 */
extern gid_t	store_trusted_gid;
/* Name users by number in messages (set once sandboxed: no passwd lookups). */
extern int	store_numeric_ids;

struct store {
	char		dir[PATH_MAX];
	char		kdb[PATH_MAX];
	char		sth[PATH_MAX];
	char		sthnew[PATH_MAX];
	char		lock[PATH_MAX];
	int		lockfd;		/* -1 for STORE_READ */
	int		locked;		/* the flock is held */
	int		stash_unsaved;	/* a fresh stash save must write first */
	int		exists;		/* a database file was found */
	int		lock_wait_ms;	/* store_lock()'s patience; 0: 30 s */
	int64_t		commit_by;	/* bwk_mono_ms() after which no rename; 0: none */
};

/*
 * The StrictModes walk above a resolved directory, to "/" included; -1
 * (reported) for an unsafe directory or one that cannot be stat'ed.
 * store_open() runs it; the tests call it too.
 */
int	store_check_ancestors(const char *path, const char *dir);
/* Checks (and for writers creates) the directory; writers take the lock. */
int	store_open(struct store *, const char *dir, enum store_mode);
/* Reads and opens the database; an absent one is empty (exists = 0). */
int	store_load(struct store *, struct kdb *, struct stash *);
/*
 * Replaces the database atomically (writers only). 0; -1 when the old
 * database is still in place; -2 when the new one is in place but its
 * directory could not be synced (reported; it must not be undone).
 */
int	store_save(struct store *, const struct kdb *, const struct stash *);
/* New stash, database re-sealed under it; recoverable at every step. */
int	store_rekey(struct store *, const struct kdb *, const struct stash *);
void	store_close(struct store *);
/*
 * STORE_WRITE_LATER: take and release the writers' lock. The key helper
 * sets lock_wait_ms and commit_by first, so that its answer, and any
 * write, come well before the client stops waiting (proto.h).
 */
int	store_lock(struct store *);
void	store_unlock(struct store *);

#endif
