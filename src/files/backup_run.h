/*
 * A backup's file side (bwk_backup_paths, bulwark incremental and
 * selective): the walk of each path, what the server holds of it, each
 * file opened and handed to the network process. bulwark adds what its
 * options say (the include and exclude statements, EXCLUDE.FS); the
 * library's call backs up everything beneath the paths.
 */
#ifndef BULWARK_FILES_BACKUP_RUN_H
#define BULWARK_FILES_BACKUP_RUN_H

#include <stddef.h>

#include "../tls/bulwark.h"
#include "inclexcl.h"

struct backup_run_opts {
	int			 flags;		/* BWK_B_* */
	const struct ie_list	*rules;		/* NULL: everything */
	/* EXCLUDE.FS: the pattern that leaves file system fs out, or NULL;
	 * fs_excluded NULL: none is */
	const char		*(*fs_excluded)(void *arg, const char *fs);
	void			*fs_arg;
};

/* bwk_backup_paths with o's statements; the same return values. */
int	backup_run(struct bwk *, const char *const *paths, size_t n,
	    const struct backup_run_opts *o, bwk_backup_cb *cb, void *arg,
	    struct bwk_totals *totals);

#endif
