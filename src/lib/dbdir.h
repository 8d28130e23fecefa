/*
 * Where the key database lives: a path, public. The network process
 * needs it to start the key helper, and must not link the key database
 * code to get it.
 */
#ifndef BWK_DBDIR_H
#define BWK_DBDIR_H

#include <stddef.h>

#ifndef BULWARK_SYSTEM_DIR
#define BULWARK_SYSTEM_DIR "/etc/bulwark"	/* SYSCONFDIR/bulwark at build */
#endif
#define BWK_KDB_SYSTEM_DIR BULWARK_SYSTEM_DIR

/*
 * The system options file: SYSCONFDIR/bulwark.sys, beside the key-database
 * directory and not in it, because every user who runs sessions must read
 * it and no user but root may read the key database.
 */
#ifndef BULWARK_SYSOPT_FILE
#define BULWARK_SYSOPT_FILE "/etc/bulwark.sys"	/* SYSCONFDIR/bulwark.sys */
#endif
#define BWK_SYSOPT_FILE BULWARK_SYSOPT_FILE

/*
 * The directory: -db DIR (opt), else $BULWARK_DIR, else the system
 * directory for root, else $XDG_CONFIG_HOME/bulwark or ~/.config/bulwark.
 */
int	bwk_kdb_dir(const char *opt, char *out, size_t outlen);

/*
 * Whether this user's sessions use the system key database whatever is
 * asked for: the key helper is installed setgid to a group the user does
 * not run with, and the user is not root (root's helper drops the group
 * and reads the directory it is given).
 */
int	bwk_sessions_use_system_db(void);
/* Whether two directory names are the same directory (1), or not (0). */
int	bwk_same_dir(const char *, const char *);

#endif
