/*
 * What a backup covers, from the options: the include and exclude
 * statements in the order the old client reads them, and DOMAIN's file
 * systems. The backup commands and bulwark query inclexcl call it; it
 * reads the INCLEXCL file and the kernel's mount table, and makes no
 * session.
 *
 * The statements. The stanza's INCLUDE, EXCLUDE, EXCLUDE.DIR and
 * EXCLUDE.FS lines, in the stanza's order, with the INCLEXCL file's
 * statements put where the INCLEXCL line stands among them, in the file's
 * order: the old client's rule ("the include-exclude statements within
 * the include-exclude file are placed at the position occupied by the
 * inclexcl option"). So the statements below the INCLEXCL line are read
 * before the file's, and those above it after them. ie_dir_excluded and
 * ie_file_included (src/files/inclexcl.h) then apply EXCLUDE.DIR first,
 * wherever it stands, and the others from the bottom up, the first that
 * matches deciding; ie_eval_order lists them in that order.
 *
 * The file systems. DOMAIN's entries (the stanza's, the user file's and
 * the command line's, which add up; ALL-LOCAL when none is given) are
 * resolved against /proc/self/mountinfo (src/files/mounts.h says what
 * each ALL- keyword takes): the mount points, each once, in DOMAIN's
 * order. A path must be a mount point; one that is not is named (BWK1719W)
 * and left out. A mount point that a '-' entry names, or that an
 * EXCLUDE.FS pattern matches, is left out, whatever entry adds it.
 */
#ifndef BWK_BACKUP_SCOPE_H
#define BWK_BACKUP_SCOPE_H

#include <stddef.h>

#include "../files/inclexcl.h"
#include "../files/inclexcl_file.h"
#include "../files/mounts.h"
#include "options.h"

struct backup_scope {
	/* The statements in the order of the files, for ie_match's users:
	 * ie_dir_excluded(&s.rules, dir), ie_file_included(&s.rules, ...). */
	struct ie_list	 rules;
	/* source[i]: the file rules.rules[i] is in (rules.rules[i].line is
	 * its line): the system options file or the INCLEXCL file */
	const char	*const *source;
	const char	*inclexcl;	/* the INCLEXCL file, or NULL */
	/* DOMAIN's file systems (backup_scope_load only): mount points */
	char		**domain;
	size_t		 ndomain;
	size_t		 nskipped;	/* DOMAIN paths left out (BWK1719W) */
	int		 subdir;	/* SUBDIR YES */
	const char	*errorlog;	/* ERRORLOGNAME, or NULL */

	/* the scope's own copies: o may go once it is loaded */
	struct ie_file	 file;
	struct ie_rule	*own;
	const char	**sources;
	char		*text;
	char		 sysname[OPT_PATH_MAX];
	char		 inclexcl_name[OPT_PATH_MAX];
	char		 errorlog_name[OPT_PATH_MAX];
};

/*
 * Fills *s from the options: the statements (the INCLEXCL file read and
 * checked, ie_file_read), the file systems, SUBDIR and ERRORLOGNAME. The
 * INCLEXCL file's note, when it has one, is printed (BWK1717I). 0, or -1
 * after one message (an INCLEXCL file refused, the mount table unread,
 * memory); *s needs backup_scope_free either way.
 */
int	backup_scope_load(const struct bwk_options *, struct backup_scope *);
/* The same without the file systems (ndomain 0): query inclexcl's. */
int	backup_scope_rules(const struct bwk_options *, struct backup_scope *);
/*
 * The file systems of DOMAIN's entries l on the mount table t, into
 * s->domain, after backup_scope_rules (EXCLUDE.FS applies): the second
 * half of backup_scope_load, which reads t from the kernel (the tests
 * give tables of their own). 0, or -1 after a message.
 */
int	backup_scope_domain(struct backup_scope *s, const struct opt_list *l,
	    const struct mount_table *t);
/*
 * The EXCLUDE.FS statement that leaves the file system mounted at point
 * out (for a backup of a file name, not of DOMAIN), or NULL: back it up.
 */
const struct ie_rule *backup_scope_fs_excluded(const struct backup_scope *,
	    const char *point);
void	backup_scope_free(struct backup_scope *);

#endif
