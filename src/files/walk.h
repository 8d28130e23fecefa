/*
 * The file side's walk of the trees a backup covers.
 *
 * Each directory is opened relative to its parent's descriptor with
 * O_NOFOLLOW, and each entry looked at with fstatat(AT_SYMLINK_NOFOLLOW),
 * so a link is backed up as a link and never followed, and a directory
 * renamed or replaced by a link during the walk cannot lead it elsewhere.
 * The walk stays on the file system it started on (a DOMAIN entry is one
 * file system, as with the old client); a mount point beneath is
 * reported, not entered. Names come in byte order within each directory,
 * so two walks of the same tree agree. A directory that cannot be read
 * is reported and the walk goes on.
 */
#ifndef BULWARK_FILES_WALK_H
#define BULWARK_FILES_WALK_H

#include <sys/stat.h>

#include <stddef.h>

#include "inclexcl.h"

#define WALK_PATH_MAX	4095

enum walk_what {
	WALK_ENTRY,		/* a file, directory, link, ... to consider */
	WALK_EXCLUDED_DIR,	/* a directory EXCLUDE.DIR keeps out (by) */
	WALK_MOUNT,		/* another file system's root: not entered */
	WALK_ERROR,		/* err says why; path what could not be read */
};

struct walk_entry {
	enum walk_what		 what;
	const char		*path;		/* absolute */
	const char		*name;		/* its last part, in dirfd */
	int			 dirfd;		/* the directory holding it */
	struct stat		 st;		/* lstat's, for WALK_ENTRY */
	int			 included;	/* by the statements */
	const struct ie_rule	*by;		/* the statement that decided */
	int			 err;		/* errno, for WALK_ERROR */
};

/* Called for each entry; a non-zero return stops the walk with it. */
typedef int (*walk_fn)(void *arg, const struct walk_entry *);

struct walk_opts {
	const struct ie_list	*rules;		/* NULL: everything */
	int			 subdirs;	/* SUBDIR YES: go below root */
	/* with subdirs: root's own entries only (a selective backup of a
	 * directory without SUBDIR): its subdirectories are reported, not
	 * entered */
	int			 one_level;
};

/*
 * Walks root (absolute, a directory or any other file): root itself,
 * then what is beneath it when subdirs is set. 0 when the walk ran to
 * its end (entries may have been WALK_ERROR), the callback's non-zero
 * value when it stopped it, -1 with errno when root cannot be looked at.
 */
int	walk_tree(const char *root, const struct walk_opts *, walk_fn,
	    void *arg);

#endif
